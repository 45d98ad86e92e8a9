//! aws_sqs_queue_policy, aws_sqs_queue_redrive_policy and aws_sqs_queue_redrive_allow_policy:
//! one attribute of a queue, managed apart from it. Destroying one clears the attribute.

use super::{attributes, set_attributes};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{created_outcome, finish, into_state, invalid, problem, sref, Put, State};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// Which attribute of the queue the type manages.
pub(super) struct QueueAttribute {
    type_name: &'static str,
    /// The argument (`policy`).
    argument: &'static str,
    /// SQS's name for it (`Policy`).
    aws: &'static str,
    /// An IAM policy, compared by meaning (else a JSON document compared by value).
    policy: bool,
    /// For messages: "SQS Queue Policy".
    what: &'static str,
    /// The AWS provider's schema version of the type.
    version: u64,
}

impl QueueAttribute {
    pub(super) const POLICY: QueueAttribute = QueueAttribute {
        type_name: "aws_sqs_queue_policy",
        argument: "policy",
        aws: "Policy",
        policy: true,
        what: "SQS Queue Policy",
        version: 1,
    };
    pub(super) const REDRIVE: QueueAttribute = QueueAttribute {
        type_name: "aws_sqs_queue_redrive_policy",
        argument: "redrive_policy",
        aws: "RedrivePolicy",
        policy: false,
        what: "SQS Queue Redrive Policy",
        version: 0,
    };
    pub(super) const REDRIVE_ALLOW: QueueAttribute = QueueAttribute {
        type_name: "aws_sqs_queue_redrive_allow_policy",
        argument: "redrive_allow_policy",
        aws: "RedriveAllowPolicy",
        policy: false,
        what: "SQS Queue Redrive Allow Policy",
        version: 0,
    };

    fn same(&self, a: &str, b: &str) -> bool {
        match self.policy {
            true => crate::support::policy::equivalent(a, b),
            false => crate::support::attrs::same_json(a, b),
        }
    }

    /// The attribute as SQS has it; `None` when the queue is gone or the attribute unset.
    fn fetch(&self, ctx: &Ctx, url: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(text) = attributes(ctx, url)?
            .and_then(|mut a| a.remove(self.aws))
            .filter(|t| !t.is_empty())
        else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("queue_url", url);
        st.put("id", url);
        st.put(
            self.argument,
            match sref(prior, self.argument) {
                Some(p) if self.same(p, &text) => p.to_string(),
                _ => text,
            },
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<String, ProviderError> {
        let (Some(url), Some(text)) = (sref(planned, "queue_url"), sref(planned, self.argument)) else {
            return Err(invalid(format!(
                "setting {}: queue_url and {} must be known",
                self.what, self.argument
            )));
        };
        set_attributes(ctx, url, vec![(self.aws.to_string(), text.to_string())])?;
        Ok(url.to_string())
    }
}

impl ResourceType for QueueAttribute {
    fn type_name(&self) -> &'static str {
        self.type_name
    }

    fn schema(&self) -> Schema {
        let document = Attribute::required(Type::String);
        let document = match self.policy {
            true => document.document(crate::support::policy::canonical),
            false => document.json(),
        };
        Schema::new()
            .version(self.version)
            .attr("queue_url", Attribute::required(Type::String).force_new())
            .attr(self.argument, document)
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get(self.argument).as_str() {
            Some(text) if !crate::support::attrs::json_object(text) => {
                vec![problem(
                    self.argument,
                    format!("{} must be a JSON object (use jsonencode)", self.argument),
                )]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("queue_url"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if let Some(url) = sref(planned, "queue_url") {
            (step.intent)(url);
        }
        match self.put(ctx, planned) {
            Ok(url) => created_outcome(
                &self.schema(),
                planned,
                &[("id", Value::string(&url))],
                self.fetch(ctx, &url, planned),
                || ProviderError::new("NotFound", format!("{} of {url} is gone after it was set", self.what)),
            ),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let url = sref(prior, "queue_url").unwrap_or_default().to_string();
        let result = self.put(ctx, planned).map(drop);
        update_outcome(prior, result, self.fetch(ctx, &url, planned), || {
            ProviderError::new("NotFound", format!("{} of {url} is gone", self.what))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(url) = sref(prior, "queue_url") else {
            return Ok(());
        };
        // A queue deleted first has nothing left to clear.
        if attributes(ctx, url)?.is_none() {
            return Ok(());
        }
        set_attributes(ctx, url, vec![(self.aws.to_string(), String::new())])
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "queue_url") {
            Some(url) => self.fetch(ctx, url, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the queue's URL.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
