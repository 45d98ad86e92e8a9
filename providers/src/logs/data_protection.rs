//! aws_cloudwatch_log_data_protection_policy: what CloudWatch Logs audits and masks in a log
//! group (email addresses, keys, custom patterns), one policy per group.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, go_html_escape, into_state, json_object, problem, same_json, sref, Put, State,
};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct DataProtectionPolicy;

/// The document as the AWS provider keeps it: compact, keys sorted, Go's escapes.
fn normalized(doc: &str) -> String {
    fn sorted(v: serde_json::Value) -> serde_json::Value {
        match v {
            serde_json::Value::Object(m) => {
                let mut entries: Vec<_> = m.into_iter().collect();
                entries.sort_by(|a, b| a.0.cmp(&b.0));
                serde_json::Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
            }
            serde_json::Value::Array(items) => serde_json::Value::Array(items.into_iter().map(sorted).collect()),
            other => other,
        }
    }
    match serde_json::from_str::<serde_json::Value>(doc) {
        Ok(v) => go_html_escape(&serde_json::to_string(&sorted(v)).unwrap_or_default()),
        Err(_) => doc.to_string(),
    }
}

impl DataProtectionPolicy {
    fn fetch(&self, ctx: &Ctx, group: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading CloudWatch Logs Data Protection Policy ({group})"),
            ctx.logs.get_data_protection_policy().log_group_identifier(group).send(),
        ))?
        else {
            return Ok(None);
        };
        // A group without a policy answers without a document.
        let Some(remote) = out.policy_document().filter(|d| !d.is_empty()) else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", group);
        st.put("log_group_name", out.log_group_identifier().unwrap_or(group));
        st.put(
            "policy_document",
            match sref(prior, "policy_document") {
                Some(old) if same_json(old, remote) => old.to_string(),
                _ => normalized(remote),
            },
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, group: &str, planned: &Value) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("putting CloudWatch Logs Data Protection Policy ({group})"),
            ctx.logs
                .put_data_protection_policy()
                .log_group_identifier(group)
                .policy_document(normalized(sref(planned, "policy_document").unwrap_or_default()))
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for DataProtectionPolicy {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_data_protection_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("log_group_name", Attribute::required(Type::String).force_new())
            .attr("policy_document", Attribute::required(Type::String).json())
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        if let Some(name) = sref(config, "log_group_name") {
            let ok = !name.is_empty()
                && name.len() <= 512
                && name.chars().all(|c| c.is_ascii_alphanumeric() || "_./#-".contains(c));
            if !ok {
                problems.push(problem(
                    "log_group_name",
                    "a log group name is 1 to 512 letters, digits and _ . / # -",
                ));
            }
        }
        if sref(config, "policy_document").is_some_and(|d| !json_object(d)) {
            problems.push(problem(
                "policy_document",
                "the policy must be a JSON object (use aws_cloudwatch_log_data_protection_policy_document or jsonencode)",
            ));
        }
        problems
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("log_group_name"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(group) = sref(planned, "log_group_name") else {
            return ApplyOutcome::failed(crate::support::attrs::invalid(
                "creating a data protection policy: log_group_name must be known",
            ));
        };
        (step.intent)(group);
        if let Err(e) = self.put(ctx, group, planned) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(&self.schema(), planned, &[], self.fetch(ctx, group, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("CloudWatch Logs Data Protection Policy ({group}) is gone after its put"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(group) = sref(prior, "log_group_name") else {
            return ApplyOutcome::partial(
                prior.clone(),
                crate::support::attrs::invalid("the prior state has no log_group_name"),
            );
        };
        let result = self.put(ctx, group, planned);
        update_outcome(prior, result, self.fetch(ctx, group, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("CloudWatch Logs Data Protection Policy ({group}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(group) = sref(prior, "log_group_name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Logs Data Protection Policy ({group})"),
            ctx.logs
                .delete_data_protection_policy()
                .log_group_identifier(group)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "log_group_name") {
            Some(group) => self.fetch(ctx, group, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the log group's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_document_is_kept_compact_with_sorted_keys_and_go_escapes() {
        assert_eq!(
            super::normalized("{\n  \"Version\": \"2021-06-01\",\n  \"Name\": \"a<b\"\n}\n"),
            r#"{"Name":"a\u003cb","Version":"2021-06-01"}"#
        );
    }
}
