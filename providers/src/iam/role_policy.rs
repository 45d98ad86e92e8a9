//! aws_iam_role_policy.

use super::*;

pub(super) struct IamRolePolicy;

impl IamRolePolicy {
    fn fetch(&self, ctx: &Ctx, role: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading IAM Role Policy ({role}:{name})"),
            ctx.iam.get_role_policy().role_name(role).policy_name(name).send(),
        ))?
        else {
            return Ok(None);
        };
        let mut st = State::new();
        st.insert(
            "id".into(),
            Value::string(format!("{}:{}", out.role_name(), out.policy_name())),
        );
        st.insert("role".into(), Value::string(out.role_name()));
        st.insert("name".into(), Value::string(out.policy_name()));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert(
            "policy".into(),
            keep_prior_document(&prior.get("policy"), out.policy_document()),
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, role: &str, name: &str, doc: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("putting IAM Role Policy ({role}:{name})"),
            ctx.iam
                .put_role_policy()
                .role_name(role)
                .policy_name(name)
                .policy_document(doc)
                .send(),
        )
        .map(|_| ())
    }
}

/// Splits `role:name` (neither part can contain a colon in IAM).
pub(super) fn split_role_policy_id(id: &str) -> Option<(&str, &str)> {
    let (role, name) = id.split_once(':')?;
    (!role.is_empty() && !name.is_empty() && !name.contains(':')).then_some((role, name))
}

impl ResourceType for IamRolePolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("role", Attribute::required(Type::String).force_new())
            .attr(
                "policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        validate_names_and_docs(config, 128, &["policy"])
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["id"]);
        }
        let id = match (get(&st, "role"), get(&st, "name")) {
            (Value::String(r), Value::String(n)) => Value::string(format!("{r}:{n}")),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let name = name_for_create(planned);
        let (Some(role), Some(doc)) = (sref(planned, "role"), sref(planned, "policy")) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating IAM Role Policy: role and policy are required",
                )),
            );
        };
        let id = format!("{role}:{name}");
        intent(&id);
        if let Err(e) = self.put(ctx, role, &name, doc) {
            return (None, Some(e));
        }
        let mut st = into_state(planned);
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(id));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (Some(role), Some(name), Some(doc)) = (sref(prior, "role"), sref(prior, "name"), sref(planned, "policy"))
        else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating IAM Role Policy: role, name or policy missing",
                )),
            );
        };
        if let Err(e) = self.put(ctx, role, name, doc) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        keep_prior(&mut st, prior, &["name", "id"]);
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let (Some(role), Some(name)) = (sref(prior, "role"), sref(prior, "name")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM Role Policy ({role}:{name})"),
            ctx.iam.delete_role_policy().role_name(role).policy_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let parts = match (sref(prior, "role"), sref(prior, "name")) {
            (Some(r), Some(n)) => Some((r, n)),
            _ => sref(prior, "id").and_then(split_role_policy_id),
        };
        let Some((role, name)) = parts else {
            return Ok(None);
        };
        self.fetch(ctx, role, name, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((role, name)) = split_role_policy_id(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("importing IAM Role Policy: {id:?} is not of the form ROLE_NAME:POLICY_NAME"),
            ));
        };
        self.fetch(ctx, role, name, &Value::Null)
    }
}
