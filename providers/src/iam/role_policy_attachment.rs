//! aws_iam_role_policy_attachment.

use super::*;

pub(super) struct IamRolePolicyAttachment;

impl IamRolePolicyAttachment {
    fn fetch(&self, ctx: &Ctx, role: &str, arn: &str) -> Result<Option<Value>, ProviderError> {
        let Some(attached) = found(list_attached(ctx, role))? else {
            return Ok(None);
        };
        if !attached.iter().any(|a| a == arn) {
            return Ok(None);
        }
        let mut st = State::new();
        st.insert("role".into(), Value::string(role));
        st.insert("policy_arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(format!("{role}/{arn}")));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for IamRolePolicyAttachment {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("role", Attribute::required(Type::String).force_new())
            .attr("policy_arn", Attribute::required(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy_arn").as_str() {
            Some(arn) if !arn.starts_with("arn:") => vec![problem(
                "policy_arn",
                format!("\"policy_arn\" must be a policy ARN (arn:aws:iam::...:policy/NAME), got {arn:?}"),
            )],
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = match (get(&st, "role"), get(&st, "policy_arn")) {
            (Value::String(r), Value::String(a)) => Value::string(format!("{r}/{a}")),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (Some(role), Some(arn)) = (sref(planned, "role"), sref(planned, "policy_arn")) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating IAM Role Policy Attachment: role and policy_arn are required",
                )),
            );
        };
        let id = format!("{role}/{arn}");
        intent(&id);
        if let Err(e) = call(
            ctx,
            &format!("attaching IAM Policy ({arn}) to IAM Role ({role})"),
            ctx.iam.attach_role_policy().role_name(role).policy_arn(arn).send(),
        ) {
            return (None, Some(e));
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(id));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        // Every argument forces replacement, so there is nothing to change in place.
        let mut st = into_state(planned);
        if get(&st, "id").contains_unknown() || get(&st, "id").is_null() {
            st.insert("id".into(), prior.get("id"));
        }
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let (Some(role), Some(arn)) = (sref(prior, "role"), sref(prior, "policy_arn")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("detaching IAM Policy ({arn}) from IAM Role ({role})"),
            ctx.iam.detach_role_policy().role_name(role).policy_arn(arn).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(role), Some(arn)) = (sref(prior, "role"), sref(prior, "policy_arn")) else {
            return Ok(None);
        };
        self.fetch(ctx, role, arn)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        match id.split_once('/') {
            Some((role, arn)) if !role.is_empty() && arn.starts_with("arn:") => self.fetch(ctx, role, arn),
            _ => Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "importing IAM Role Policy Attachment: {id:?} is not of the form \
                     ROLE_NAME/POLICY_ARN (for example my-role/arn:aws:iam::123456789012:policy/my-policy)"
                ),
            )),
        }
    }
}
