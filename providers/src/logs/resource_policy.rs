//! aws_cloudwatch_log_resource_policy: lets a service write to the account's log groups
//! (seed 004: Elasticsearch's application logs).

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, problem, sref, State};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ResourcePolicy;

impl ResourcePolicy {
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let mut token: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing CloudWatch Logs resource policies",
                ctx.logs
                    .describe_resource_policies()
                    .set_next_token(token.clone())
                    .send(),
            )?;
            if let Some(p) = page.resource_policies().iter().find(|p| p.policy_name() == Some(name)) {
                let mut st = State::new();
                st.insert("policy_name".into(), Value::string(name));
                st.insert("id".into(), Value::string(name));
                // The prior document when it means the same, so formatting is never drift.
                let doc = match (p.policy_document(), prior.get("policy_document").as_str()) {
                    (Some(remote), Some(old)) if crate::support::policy::equivalent(old, remote) => Value::string(old),
                    (Some(remote), _) => Value::string(remote),
                    (None, _) => Value::Null,
                };
                st.insert("policy_document".into(), doc);
                return Ok(Some(finish(&self.schema(), st)));
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => token = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
    }

    fn put(&self, ctx: &Ctx, name: &str, planned: &Value) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("putting CloudWatch Logs Resource Policy ({name})"),
            ctx.logs
                .put_resource_policy()
                .policy_name(name)
                .policy_document(sref(planned, "policy_document").unwrap_or_default())
                .send(),
        )
        .map(|_| ())
    }
}

impl ResourceType for ResourcePolicy {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_resource_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("policy_name", Attribute::required(Type::String).force_new())
            .attr(
                "policy_document",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy_document").as_str() {
            Some(doc) if serde_json::from_str::<serde_json::Value>(doc).is_err() => {
                vec![problem(
                    "policy_document",
                    "policy_document must be a JSON policy document",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = st.get("policy_name").cloned().unwrap_or(Value::UNKNOWN);
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = sref(planned, "policy_name").unwrap_or_default().to_string();
        (step.intent)(&name);
        if let Err(e) = self.put(ctx, &name, planned) {
            return ApplyOutcome::failed(e);
        }
        match self.fetch(ctx, &name, planned) {
            Ok(Some(st)) => ApplyOutcome::Done(st),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NotFound",
                format!("CloudWatch Logs Resource Policy ({name}) is not listed after it was put"),
            )),
            Err(e) => ApplyOutcome::partial(planned.clone(), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "policy_name").unwrap_or_default().to_string();
        if let Err(e) = self.put(ctx, &name, planned) {
            return ApplyOutcome::partial(prior.clone(), e);
        }
        match self.fetch(ctx, &name, planned) {
            Ok(st) => ApplyOutcome::from_parts(st, None),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "policy_name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        crate::support::error::found(call(
            ctx,
            &format!("deleting CloudWatch Logs Resource Policy ({name})"),
            ctx.logs.delete_resource_policy().policy_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "policy_name").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.fetch(ctx, name, prior)
    }

    /// Import ID: the policy name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
