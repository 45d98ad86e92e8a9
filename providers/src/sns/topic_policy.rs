//! aws_sns_topic_policy: a topic's access policy, managed apart from the topic. Destroying it
//! gives the topic SNS's default policy back, as the AWS provider does.

use super::{attributes, set_attribute};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{created_outcome, finish, into_state, problem, sref, Put, State};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct TopicPolicy;

/// The policy SNS gives a new topic: its owner may do everything.
fn default_policy(arn: &str, owner: &str) -> String {
    serde_json::json!({
        "Version": "2008-10-17",
        "Id": "__default_policy_ID",
        "Statement": [{
            "Sid": "__default_statement_ID",
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": [
                "SNS:GetTopicAttributes", "SNS:SetTopicAttributes", "SNS:AddPermission",
                "SNS:RemovePermission", "SNS:DeleteTopic", "SNS:Subscribe",
                "SNS:ListSubscriptionsByTopic", "SNS:Publish"
            ],
            "Resource": arn,
            "Condition": {"StringEquals": {"AWS:SourceOwner": owner}}
        }]
    })
    .to_string()
}

impl TopicPolicy {
    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(aws) = attributes(ctx, arn)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("arn", arn);
        st.put("id", arn);
        st.put("owner", aws.get("Owner").map(String::as_str));
        let policy = aws.get("Policy").map(String::as_str).unwrap_or_default();
        st.put(
            "policy",
            crate::support::policy::keep_prior(sref(prior, "policy"), policy),
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, planned: &Value) -> Result<String, ProviderError> {
        let (Some(arn), Some(policy)) = (sref(planned, "arn"), sref(planned, "policy")) else {
            return Err(crate::support::attrs::invalid(
                "setting an SNS Topic policy: arn and policy must be known",
            ));
        };
        set_attribute(ctx, arn, "Policy", policy)?;
        Ok(arn.to_string())
    }
}

impl ResourceType for TopicPolicy {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::required(Type::String).force_new())
            .attr(
                "policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr("owner", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy").as_str() {
            Some(text) if !crate::support::attrs::json_object(text) => {
                vec![problem(
                    "policy",
                    "the policy must be a JSON object (use jsonencode or aws_iam_policy_document)",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("arn"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if let Some(arn) = sref(planned, "arn") {
            (step.intent)(arn);
        }
        match self.put(ctx, planned) {
            Ok(arn) => created_outcome(
                &self.schema(),
                planned,
                &[("id", Value::string(&arn))],
                self.fetch(ctx, &arn, planned),
                || ProviderError::new("NotFound", format!("SNS Topic ({arn}) is gone")),
            ),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let result = self.put(ctx, planned).map(drop);
        update_outcome(prior, result, self.fetch(ctx, &arn, planned), || {
            ProviderError::new("NotFound", format!("SNS Topic ({arn}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn") else {
            return Ok(());
        };
        // A topic deleted first has no policy to give back.
        let Some(aws) = attributes(ctx, arn)? else {
            return Ok(());
        };
        let owner = aws.get("Owner").cloned().unwrap_or_default();
        set_attribute(ctx, arn, "Policy", &default_policy(arn, &owner))
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "arn") {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the topic's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
