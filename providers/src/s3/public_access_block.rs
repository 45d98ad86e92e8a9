//! aws_s3_bucket_public_access_block.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, send_retrying, BucketConfig, Target};
use crate::support::attrs::call;
use crate::support::error::found;
use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct PublicAccessBlock;

pub(super) const PAB_FLAGS: &[&str] = &[
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

impl BucketConfig for PublicAccessBlock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_public_access_block"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Public Access Block"
    }

    fn body(&self) -> Schema {
        let mut schema = Schema::new();
        for flag in PAB_FLAGS {
            schema = schema.attr(flag, Attribute::optional(Type::Bool));
        }
        schema.attr("skip_destroy", Attribute::optional(Type::Bool))
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn defaults(&self, map: &mut BTreeMap<String, Value>) {
        for flag in PAB_FLAGS {
            let entry = map.entry(flag.to_string()).or_insert(Value::Null);
            if entry.is_null() {
                *entry = Value::Bool(false);
            }
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let flag = |name: &str| planned.get(name).as_bool().unwrap_or(false);
        let configuration = PublicAccessBlockConfiguration::builder()
            .block_public_acls(flag("block_public_acls"))
            .block_public_policy(flag("block_public_policy"))
            .ignore_public_acls(flag("ignore_public_acls"))
            .restrict_public_buckets(flag("restrict_public_buckets"))
            .build();
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_public_access_block()
                    .bucket(&target.bucket)
                    .public_access_block_configuration(configuration.clone())
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
        let out = call(ctx, &op, ctx.s3.get_public_access_block().bucket(&target.bucket).send());
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let Some(c) = out.public_access_block_configuration() else {
            return Ok(None);
        };
        Ok(Some(BTreeMap::from([
            (
                "block_public_acls".to_string(),
                Value::Bool(c.block_public_acls().unwrap_or(false)),
            ),
            (
                "block_public_policy".to_string(),
                Value::Bool(c.block_public_policy().unwrap_or(false)),
            ),
            (
                "ignore_public_acls".to_string(),
                Value::Bool(c.ignore_public_acls().unwrap_or(false)),
            ),
            (
                "restrict_public_buckets".to_string(),
                Value::Bool(c.restrict_public_buckets().unwrap_or(false)),
            ),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<(), ProviderError> {
        if prior.get("skip_destroy").as_bool() == Some(true) {
            return Ok(());
        }
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3.delete_public_access_block().bucket(&target.bucket).send(),
        )
        .map(|_| ())
    }
}
