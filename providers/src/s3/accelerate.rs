//! aws_s3_bucket_accelerate_configuration.

use crate::resource::Ctx;
use crate::s3::emulators::misnamed_root;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::problem;
use crate::support::error::{found, from_sdk};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Accelerate;

const ACCELERATE_STATUS: &[&str] = &["Enabled", "Suspended"];

impl BucketConfig for Accelerate {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_accelerate_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Accelerate Configuration"
    }

    fn body(&self) -> Schema {
        Schema::new().attr("status", Attribute::required(string_type()).one_of(ACCELERATE_STATUS))
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        // AWS refuses Transfer Acceleration for bucket names that are not DNS-compatible.
        match config.get("bucket").as_str() {
            Some(bucket) if bucket.contains('.') => vec![problem(
                "bucket",
                format!("Transfer Acceleration is not available for bucket names with dots ({bucket:?})"),
            )],
            _ => Vec::new(),
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let status = known_str(planned, "status").unwrap_or_else(|| "Suspended".to_string());
        self.put_status(ctx, target, &status)
    }

    fn get(
        &self,
        ctx: &Ctx,
        target: &Target,
        _prior: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = ctx.block_on(async {
            match ctx
                .s3
                .get_bucket_accelerate_configuration()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send()
                .await
            {
                Ok(out) => Ok(out.status().map(|s| s.as_str().to_string())),
                Err(e) => match e
                    .raw_response()
                    .and_then(|r| misnamed_root(r, "Accelerate", &["Status"]))
                {
                    Some(mut parsed) => Ok(parsed.remove(0)),
                    None => Err(from_sdk(&op, e)),
                },
            }
        });
        let Some(status) = found(out)? else {
            return Ok(None);
        };
        // A bucket that never had acceleration configured reports no status: nothing to manage.
        Ok(status.map(|s| BTreeMap::from([("status".to_string(), Value::from(s))])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        // S3 has no delete for this configuration; suspending is how it is turned off.
        self.put_status(ctx, target, "Suspended")
    }
}

impl Accelerate {
    fn put_status(&self, ctx: &Ctx, target: &Target, status: &str) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let configuration = aws_sdk_s3::types::AccelerateConfiguration::builder()
            .status(aws_sdk_s3::types::BucketAccelerateStatus::from(status))
            .build();
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_accelerate_configuration()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .accelerate_configuration(configuration.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }
}
