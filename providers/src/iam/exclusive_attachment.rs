//! aws_iam_policy_attachment: every user, role and group one managed policy is attached to.
//! It is exclusive, as in Terraform: an attachment of the same policy made elsewhere (by
//! another resource or by hand) shows as a change and is detached by the next apply.

use crate::iam::Holder;
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, finish, get, into_state, problem, set_of_strings, set_value, sref, string_set, State,
};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ExclusivePolicyAttachment;

/// The holders of each kind in a value: (kind, names).
fn holders(v: &Value) -> [(Holder, Vec<String>); 3] {
    [
        (Holder::User, string_set(&v.get("users"))),
        (Holder::Role, string_set(&v.get("roles"))),
        (Holder::Group, string_set(&v.get("groups"))),
    ]
}

impl ExclusivePolicyAttachment {
    /// Who the policy is attached to now: (users, roles, groups); `None` when the policy is gone.
    fn entities(&self, ctx: &Ctx, arn: &str) -> Result<Option<[Vec<String>; 3]>, ProviderError> {
        let (mut users, mut roles, mut groups) = (Vec::new(), Vec::new(), Vec::new());
        let mut marker: Option<String> = None;
        loop {
            let out = found(call(
                ctx,
                &format!("listing the entities of IAM Policy ({arn})"),
                ctx.iam
                    .list_entities_for_policy()
                    .policy_arn(arn)
                    .set_marker(marker.clone())
                    .send(),
            ))?;
            let Some(out) = out else { return Ok(None) };
            users.extend(
                out.policy_users()
                    .iter()
                    .filter_map(|u| u.user_name().map(str::to_string)),
            );
            roles.extend(
                out.policy_roles()
                    .iter()
                    .filter_map(|r| r.role_name().map(str::to_string)),
            );
            groups.extend(
                out.policy_groups()
                    .iter()
                    .filter_map(|g| g.group_name().map(str::to_string)),
            );
            marker = out.marker().map(str::to_string);
            if !out.is_truncated() || marker.is_none() {
                break;
            }
        }
        for list in [&mut users, &mut roles, &mut groups] {
            list.sort();
        }
        Ok(Some([users, roles, groups]))
    }

    fn state(&self, name: &str, arn: &str, [users, roles, groups]: [Vec<String>; 3], prior: &Value) -> Value {
        // An empty set stays as configured: null and [] both mean none.
        let set = |items: &[String], key: &str| {
            if items.is_empty() && prior.get(key).is_null() {
                Value::Null
            } else {
                set_value(items)
            }
        };
        let mut st = State::new();
        st.insert("name".into(), Value::string(name));
        st.insert("id".into(), Value::string(name));
        st.insert("policy_arn".into(), Value::string(arn));
        st.insert("users".into(), set(&users, "users"));
        st.insert("roles".into(), set(&roles, "roles"));
        st.insert("groups".into(), set(&groups, "groups"));
        finish(&self.schema(), st)
    }

    /// Attaches and detaches until the policy's holders are those of `planned`.
    fn converge(&self, ctx: &Ctx, arn: &str, from: &Value, planned: &Value) -> Result<(), ProviderError> {
        for ((kind, old), (_, new)) in holders(from).into_iter().zip(holders(planned)) {
            for name in new.iter().filter(|n| !old.contains(n)) {
                kind.attach(ctx, name, arn)?;
            }
            for name in old.iter().filter(|n| !new.contains(n)) {
                kind.detach(ctx, name, arn)?;
            }
        }
        Ok(())
    }
}

impl ResourceType for ExclusivePolicyAttachment {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("policy_arn", Attribute::required(Type::String).force_new())
            .attr("users", Attribute::optional(set_of_strings()))
            .attr("roles", Attribute::optional(set_of_strings()))
            .attr("groups", Attribute::optional(set_of_strings()))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let known = ["users", "roles", "groups"]
            .iter()
            .all(|k| !config.get(k).contains_unknown());
        if known && holders(config).iter().all(|(_, names)| names.is_empty()) {
            return vec![problem(
                "users",
                "attach the policy to at least one of users, roles or groups",
            )];
        }
        Vec::new()
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.insert("id".into(), get(&st, "name").clone());
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(name), Some(arn)) = (sref(planned, "name"), sref(planned, "policy_arn")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidInput",
                "aws_iam_policy_attachment: name and policy_arn are required",
            ));
        };
        (step.intent)(name);
        let result = self.converge(ctx, arn, &Value::Null, planned);
        let read = self
            .entities(ctx, arn)
            .map(|e| e.map(|e| self.state(name, arn, e, planned)));
        match (result, read) {
            (Ok(()), Ok(Some(state))) => ApplyOutcome::Done(state),
            (Ok(()), Ok(None)) => ApplyOutcome::failed(ProviderError::new(
                "NoSuchEntity",
                format!("attaching IAM Policy ({arn}): the policy does not exist"),
            )),
            (Err(e), Ok(state)) => ApplyOutcome::from_parts(state, Some(e)),
            (Ok(()), Err(e)) | (Err(e), Err(_)) => ApplyOutcome::partial(planned.clone(), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(name), Some(arn)) = (sref(prior, "name"), sref(prior, "policy_arn")) else {
            return ApplyOutcome::partial(
                prior.clone(),
                ProviderError::new(
                    "InvalidState",
                    "aws_iam_policy_attachment: the state has no name or policy_arn",
                ),
            );
        };
        let result = self.converge(ctx, arn, prior, planned);
        let read = self
            .entities(ctx, arn)
            .map(|e| e.map(|e| self.state(name, arn, e, planned)));
        crate::resource::update_outcome(prior, result, read, || {
            ProviderError::new(
                "NoSuchEntity",
                format!("updating the attachments of IAM Policy ({arn}): the policy no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "policy_arn") else {
            return Ok(());
        };
        for (kind, names) in holders(prior) {
            for name in names {
                kind.detach(ctx, &name, arn)?;
            }
        }
        Ok(())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(name), Some(arn)) = (sref(prior, "name"), sref(prior, "policy_arn")) else {
            return Ok(None);
        };
        Ok(self.entities(ctx, arn)?.map(|e| self.state(name, arn, e, prior)))
    }

    fn import(&self, _ctx: &Ctx, _id: &str) -> Result<Option<Value>, ProviderError> {
        // As in Terraform: an exclusive attachment has no ID of its own to find it by.
        Err(ProviderError::new(
            "ImportNotSupported",
            "aws_iam_policy_attachment cannot be imported (as in Terraform); write the block and apply: it attaches the policy where it is missing and detaches it everywhere else",
        ))
    }
}
