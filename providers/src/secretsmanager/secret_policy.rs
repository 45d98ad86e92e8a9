//! aws_secretsmanager_secret_policy: a secret's resource policy, managed apart from the secret.

use super::{put_resource_policy, resource_policy};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{created_outcome, finish, into_state, invalid, json_object, problem, sref, Put, State};
use crate::support::policy::keep_prior;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct SecretPolicy;

impl SecretPolicy {
    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(policy) = resource_policy(ctx, arn)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("secret_arn", arn);
        st.put("id", arn);
        st.put("policy", keep_prior(sref(prior, "policy"), &policy));
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<String, ProviderError> {
        let (Some(arn), Some(policy)) = (sref(planned, "secret_arn"), sref(planned, "policy")) else {
            return Err(invalid(
                "setting a Secrets Manager Secret policy: secret_arn and policy must be known",
            ));
        };
        put_resource_policy(ctx, arn, Some(policy), planned.get("block_public_policy").as_bool())?;
        Ok(arn.to_string())
    }
}

impl ResourceType for SecretPolicy {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("secret_arn", Attribute::required(Type::String).force_new())
            .attr(
                "policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr("block_public_policy", Attribute::optional(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy").as_str() {
            Some(text) if !json_object(text) => {
                vec![problem("policy", "the policy must be a JSON object (use jsonencode)")]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("secret_arn"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if let Some(arn) = sref(planned, "secret_arn") {
            (step.intent)(arn);
        }
        match self.put(ctx, planned) {
            Ok(arn) => created_outcome(
                &self.schema(),
                planned,
                &[("id", Value::string(&arn))],
                self.fetch(ctx, &arn, planned),
                crate::support::attrs::gone_after_create(format!("the policy of {arn} is gone after it was set")),
            ),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(prior, "secret_arn").unwrap_or_default().to_string();
        let result = self.put(ctx, planned).map(drop);
        update_outcome(prior, result, self.fetch(ctx, &arn, planned), || {
            ProviderError::new("ResourceNotFoundException", format!("the policy of {arn} is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        match sref(prior, "secret_arn") {
            Some(arn) => put_resource_policy(ctx, arn, None, None),
            None => Ok(()),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "secret_arn") {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the secret's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
