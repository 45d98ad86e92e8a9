//! aws_iam_role_policy_attachment, aws_iam_user_policy_attachment and
//! aws_iam_group_policy_attachment: one managed policy attached to one role, user or group.

use super::holder::Holder;
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{finish, get, into_state, problem, sref, State};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// A policy attachment of one kind of holder.
pub(super) struct IamPolicyAttachment(pub(super) Holder);

impl IamPolicyAttachment {
    fn fetch(&self, ctx: &Ctx, holder: &str, arn: &str) -> Result<Option<Value>, ProviderError> {
        let Some(attached) = found(self.0.attached(ctx, holder))? else {
            return Ok(None);
        };
        if !attached.iter().any(|a| a == arn) {
            return Ok(None);
        }
        let mut st = State::new();
        st.insert(self.0.key().into(), Value::string(holder));
        st.insert("policy_arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(format!("{holder}/{arn}")));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for IamPolicyAttachment {
    fn type_name(&self) -> &'static str {
        match self.0 {
            Holder::Role => "aws_iam_role_policy_attachment",
            Holder::User => "aws_iam_user_policy_attachment",
            Holder::Group => "aws_iam_group_policy_attachment",
        }
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr(self.0.key(), Attribute::required(Type::String).force_new())
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
        let id = match (get(&st, self.0.key()), get(&st, "policy_arn")) {
            (Value::String(r), Value::String(a)) => Value::string(format!("{r}/{a}")),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(holder), Some(arn)) = (sref(planned, self.0.key()), sref(planned, "policy_arn")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                format!(
                    "creating {} Policy Attachment: {} and policy_arn are required",
                    self.0.noun(),
                    self.0.key()
                ),
            ));
        };
        let id = format!("{holder}/{arn}");
        (step.intent)(&id);
        if let Err(e) = self.0.attach(ctx, holder, arn) {
            return ApplyOutcome::failed(e);
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(id));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument forces replacement, so there is nothing to change in place.
        let mut st = into_state(planned);
        if get(&st, "id").contains_unknown() || get(&st, "id").is_null() {
            st.insert("id".into(), prior.get("id"));
        }
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(holder), Some(arn)) = (sref(prior, self.0.key()), sref(prior, "policy_arn")) else {
            return Ok(());
        };
        self.0.detach(ctx, holder, arn)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(holder), Some(arn)) = (sref(prior, self.0.key()), sref(prior, "policy_arn")) else {
            return Ok(None);
        };
        self.fetch(ctx, holder, arn)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        match id.split_once('/') {
            Some((holder, arn)) if !holder.is_empty() && arn.starts_with("arn:") => self.fetch(ctx, holder, arn),
            _ => Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "importing {noun} Policy Attachment: {id:?} is not of the form \
                     {upper}_NAME/POLICY_ARN (for example my-{key}/arn:aws:iam::123456789012:policy/my-policy)",
                    noun = self.0.noun(),
                    upper = self.0.key().to_uppercase(),
                    key = self.0.key(),
                ),
            )),
        }
    }
}
