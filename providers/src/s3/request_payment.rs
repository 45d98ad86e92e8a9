//! aws_s3_bucket_request_payment_configuration: who pays for requests and downloads.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{call, invalid};
use crate::support::error::found;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct RequestPayment;

const PAYERS: &[&str] = &["BucketOwner", "Requester"];

impl BucketConfig for RequestPayment {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_request_payment_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Request Payment Configuration"
    }

    fn body(&self) -> Schema {
        Schema::new().attr("payer", Attribute::required(string_type()).one_of(PAYERS))
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let payer = known_str(planned, "payer").unwrap_or_else(|| "BucketOwner".to_string());
        self.put_payer(ctx, target, &payer)
    }

    fn get(
        &self,
        ctx: &Ctx,
        target: &Target,
        _prior: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = found(call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_request_payment()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        ))?;
        let Some(out) = out else { return Ok(None) };
        // Every bucket has a payer (BucketOwner unless set), so the configuration always exists.
        let payer = out.payer().map(|p| p.as_str()).unwrap_or("BucketOwner");
        Ok(Some(BTreeMap::from([("payer".to_string(), Value::from(payer))])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        // S3 has no delete for this configuration; the bucket owner paying is the default.
        self.put_payer(ctx, target, "BucketOwner")
    }
}

impl RequestPayment {
    fn put_payer(&self, ctx: &Ctx, target: &Target, payer: &str) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let configuration = aws_sdk_s3::types::RequestPaymentConfiguration::builder()
            .payer(aws_sdk_s3::types::Payer::from(payer))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_request_payment()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .request_payment_configuration(configuration.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }
}
