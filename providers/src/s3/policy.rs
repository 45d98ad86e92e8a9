//! aws_s3_bucket_policy.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{call, invalid, problem};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Policy;

impl BucketConfig for Policy {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_policy"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Policy"
    }

    fn body(&self) -> Schema {
        Schema::new().attr(
            "policy",
            Attribute::required(string_type()).document(crate::support::policy::canonical),
        )
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy").as_str() {
            Some(text) => match serde_json::from_str::<serde_json::Value>(text) {
                Ok(serde_json::Value::Object(_)) => Vec::new(),
                Ok(_) => vec![problem("policy", "the policy must be a JSON object")],
                Err(e) => vec![problem("policy", format!("the policy is not valid JSON: {e}"))],
            },
            None => Vec::new(),
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let policy = known_str(planned, "policy").ok_or_else(|| invalid(format!("{op}: `policy` is not known")))?;
        let (policy, op) = (&policy, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_policy()
                    .bucket(&target.bucket)
                    .policy(policy.as_str())
                    .send()
            },
            // A principal created moments ago (an IAM role) is rejected until IAM propagates.
            |e| bucket_propagating(e) || (e.code == "MalformedPolicy" && e.message.contains("Invalid principal")),
        ))
    }

    fn get(
        &self,
        ctx: &Ctx,
        target: &Target,
        _prior: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(ctx, &op, ctx.s3.get_bucket_policy().bucket(&target.bucket).send());
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        match out.policy() {
            Some(policy) if !policy.is_empty() => {
                Ok(Some(BTreeMap::from([("policy".to_string(), Value::from(policy))])))
            }
            _ => Ok(None),
        }
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(ctx, &op, ctx.s3.delete_bucket_policy().bucket(&target.bucket).send()).map(|_| ())
    }
}
