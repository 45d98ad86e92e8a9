//! aws_s3_bucket_ownership_controls.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, call, invalid};
use crate::support::error::found;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct OwnershipControls;

const OBJECT_OWNERSHIP: &[&str] = &["BucketOwnerPreferred", "ObjectWriter", "BucketOwnerEnforced"];

impl BucketConfig for OwnershipControls {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_ownership_controls"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Ownership Controls"
    }

    fn body(&self) -> Schema {
        Schema::new().block_min(
            "rule",
            Nesting::Single,
            Schema::new().attr(
                "object_ownership",
                Attribute::required(string_type()).one_of(OBJECT_OWNERSHIP),
            ),
            1,
        )
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let ownership = block_items(planned, "rule")
            .first()
            .and_then(|rule| known_str(rule, "object_ownership"))
            .ok_or_else(|| invalid(format!("{op}: rule.object_ownership is required")))?;
        let rule = aws_sdk_s3::types::OwnershipControlsRule::builder()
            .object_ownership(aws_sdk_s3::types::ObjectOwnership::from(ownership.as_str()))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let controls = aws_sdk_s3::types::OwnershipControls::builder()
            .rules(rule)
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let (controls, op) = (&controls, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_ownership_controls()
                    .bucket(&target.bucket)
                    .ownership_controls(controls.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }

    fn get(
        &self,
        ctx: &Ctx,
        target: &Target,
        _prior: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3.get_bucket_ownership_controls().bucket(&target.bucket).send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let rules: Vec<Value> = out
            .ownership_controls()
            .map(|c| c.rules())
            .unwrap_or_default()
            .iter()
            .map(|rule| engine::core::value::map([("object_ownership", Value::from(rule.object_ownership().as_str()))]))
            .collect();
        if rules.is_empty() {
            return Ok(None);
        }
        Ok(Some(BTreeMap::from([("rule".to_string(), Value::List(rules.into()))])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3.delete_bucket_ownership_controls().bucket(&target.bucket).send(),
        )
        .map(|_| ())
    }
}
