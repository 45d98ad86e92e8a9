//! aws_iam_role_policy, aws_iam_user_policy and aws_iam_group_policy: an inline policy of a
//! role, user or group.

use super::holder::Holder;
use crate::iam::{after_failed_update, keep_prior_document, replacing, reset_for_replace, validate_names_and_docs};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{finish, get, into_state, keep_prior, sref, State};
use crate::support::naming::name_for_create;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// An inline policy of one kind of holder.
pub(super) struct IamInlinePolicy(pub(super) Holder);

impl IamInlinePolicy {
    fn fetch(&self, ctx: &Ctx, holder: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some((holder, name, doc)) = self.0.inline_policy(ctx, holder, name)? else {
            return Ok(None);
        };
        let mut st = State::new();
        st.insert("id".into(), Value::string(format!("{holder}:{name}")));
        st.insert(self.0.key().into(), Value::string(&holder));
        st.insert("name".into(), Value::string(&name));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert("policy".into(), keep_prior_document(&prior.get("policy"), &doc));
        Ok(Some(finish(&self.schema(), st)))
    }
}

/// Splits `holder:name` (neither part can contain a colon in IAM).
pub(super) fn split_role_policy_id(id: &str) -> Option<(&str, &str)> {
    let (role, name) = id.split_once(':')?;
    (!role.is_empty() && !name.is_empty() && !name.contains(':')).then_some((role, name))
}

impl ResourceType for IamInlinePolicy {
    fn type_name(&self) -> &'static str {
        match self.0 {
            Holder::Role => "aws_iam_role_policy",
            Holder::User => "aws_iam_user_policy",
            Holder::Group => "aws_iam_group_policy",
        }
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr(self.0.key(), Attribute::required(Type::String).force_new())
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
        let id = match (get(&st, self.0.key()), get(&st, "name")) {
            (Value::String(r), Value::String(n)) => Value::string(format!("{r}:{n}")),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = name_for_create(planned);
        let (Some(role), Some(doc)) = (sref(planned, self.0.key()), sref(planned, "policy")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                format!(
                    "creating {} Policy: {} and policy are required",
                    self.0.noun(),
                    self.0.key()
                ),
            ));
        };
        let id = format!("{role}:{name}");
        (step.intent)(&id);
        if let Err(e) = self.0.put_inline_policy(ctx, role, &name, doc) {
            return ApplyOutcome::failed(e);
        }
        let mut st = into_state(planned);
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(id));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(role), Some(name), Some(doc)) =
            (sref(prior, self.0.key()), sref(prior, "name"), sref(planned, "policy"))
        else {
            return ApplyOutcome::partial(
                prior.clone(),
                ProviderError::new(
                    "InvalidState",
                    format!(
                        "updating {} Policy: {}, name or policy missing",
                        self.0.noun(),
                        self.0.key()
                    ),
                ),
            );
        };
        if let Err(e) = self.0.put_inline_policy(ctx, role, name, doc) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        keep_prior(&mut st, prior, &["name", "id"]);
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(role), Some(name)) = (sref(prior, self.0.key()), sref(prior, "name")) else {
            return Ok(());
        };
        self.0.delete_inline_policy(ctx, role, name)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let parts = match (sref(prior, self.0.key()), sref(prior, "name")) {
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
                format!(
                    "importing {} Policy: {id:?} is not of the form {}_NAME:POLICY_NAME",
                    self.0.noun(),
                    self.0.key().to_uppercase()
                ),
            ));
        };
        self.fetch(ctx, role, name, &Value::Null)
    }
}
