//! aws_dynamodb_resource_policy: the resource-based policy of a table or stream.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, invalid, json_object, problem, sref, Put, State,
};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ResourcePolicy;

impl ResourcePolicy {
    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading the policy of DynamoDB resource ({arn})"),
            ctx.dynamodb.get_resource_policy().resource_arn(arn).send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(policy) = out.policy().filter(|p| !p.is_empty()) else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("resource_arn", arn);
        st.put("id", arn);
        st.put("revision_id", out.revision_id());
        st.put(
            "policy",
            crate::support::policy::keep_prior(sref(prior, "policy"), policy),
        );
        if st.get("confirm_remove_self_resource_access").is_none_or(Value::is_null) {
            st.put("confirm_remove_self_resource_access", false);
        }
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<String, ProviderError> {
        let (Some(arn), Some(policy)) = (sref(planned, "resource_arn"), sref(planned, "policy")) else {
            return Err(invalid(
                "setting a DynamoDB resource policy: resource_arn and policy must be known",
            ));
        };
        call(
            ctx,
            &format!("setting the policy of DynamoDB resource ({arn})"),
            ctx.dynamodb
                .put_resource_policy()
                .resource_arn(arn)
                .policy(policy)
                .set_confirm_remove_self_resource_access(planned.get("confirm_remove_self_resource_access").as_bool())
                .send(),
        )?;
        Ok(arn.to_string())
    }
}

impl ResourceType for ResourcePolicy {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_resource_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("resource_arn", Attribute::required(Type::String).force_new())
            .attr(
                "policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr(
                "confirm_remove_self_resource_access",
                Attribute::optional_computed(Type::Bool),
            )
            .attr("revision_id", Attribute::computed(Type::String))
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

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("resource_arn"));
        if st
            .get("confirm_remove_self_resource_access")
            .is_none_or(|v| v.is_null() || v.is_unknown())
        {
            st.put("confirm_remove_self_resource_access", false);
        }
        // Each put is a new revision.
        let changed = prior.is_none_or(|p| {
            !sref(p, "policy")
                .zip(sref(&proposed, "policy"))
                .is_some_and(|(a, b)| crate::support::policy::equivalent(a, b))
        });
        if changed {
            st.insert("revision_id".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if let Some(arn) = sref(planned, "resource_arn") {
            (step.intent)(arn);
        }
        match self.put(ctx, planned) {
            Ok(arn) => created_outcome(
                &self.schema(),
                planned,
                &[("id", Value::string(&arn))],
                self.fetch(ctx, &arn, planned),
                || {
                    ProviderError::new(
                        "PolicyNotFoundException",
                        format!("the policy of {arn} is gone after it was set"),
                    )
                },
            ),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(prior, "resource_arn").unwrap_or_default().to_string();
        let result = self.put(ctx, planned).map(drop);
        update_outcome(prior, result, self.fetch(ctx, &arn, planned), || {
            ProviderError::new("PolicyNotFoundException", format!("the policy of {arn} is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "resource_arn") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting the policy of DynamoDB resource ({arn})"),
            ctx.dynamodb.delete_resource_policy().resource_arn(arn).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "resource_arn") {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the table's or stream's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
