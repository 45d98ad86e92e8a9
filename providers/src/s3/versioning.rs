//! aws_s3_bucket_versioning.

use crate::resource::Ctx;
use crate::s3::emulators::misnamed_root;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, invalid};
use crate::support::error::{found, from_sdk};
use aws_sdk_s3::types::{BucketVersioningStatus, MfaDelete, VersioningConfiguration};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Versioning;

pub(super) const VERSIONING_STATUSES: &[&str] = &["Enabled", "Suspended", "Disabled"];

pub(super) fn versioning_status(value: &Value) -> Option<String> {
    block_items(value, "versioning_configuration")
        .first()
        .and_then(|c| known_str(c, "status"))
}

impl Versioning {
    async fn put_status(
        &self,
        ctx: &Ctx,
        target: &Target,
        status: &str,
        mfa_delete: Option<String>,
        mfa: Option<String>,
    ) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let configuration = VersioningConfiguration::builder()
            .status(BucketVersioningStatus::from(status))
            .set_mfa_delete(mfa_delete.as_deref().map(MfaDelete::from))
            .build();
        let (configuration, op, mfa) = (&configuration, &op, &mfa);
        send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_versioning()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .set_mfa(mfa.clone())
                    .versioning_configuration(configuration.clone())
                    .send()
            },
            bucket_propagating,
        )
        .await
    }
}

impl BucketConfig for Versioning {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_versioning"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Versioning"
    }

    fn body(&self) -> Schema {
        Schema::new().attr("mfa", Attribute::optional(string_type())).block_min(
            "versioning_configuration",
            Nesting::Single,
            Schema::new()
                .attr("status", Attribute::required(string_type()).one_of(VERSIONING_STATUSES))
                .attr(
                    "mfa_delete",
                    Attribute::optional(string_type()).one_of(&["Enabled", "Disabled"]),
                ),
            1,
        )
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, prior: Option<&Value>) -> Result<(), ProviderError> {
        let configuration = block_items(planned, "versioning_configuration")
            .into_iter()
            .next()
            .unwrap_or(Value::Null);
        let status = known_str(&configuration, "status").ok_or_else(|| {
            invalid(format!(
                "{}: versioning_configuration.status is not known",
                self.type_name()
            ))
        })?;
        if status == "Disabled" {
            // "Disabled" describes a bucket that was never versioned; there is no API call
            // that makes a bucket so, once versioning has been on.
            let was = prior.and_then(versioning_status);
            return match was.as_deref() {
                None | Some("Disabled") => Ok(()),
                Some(_) => Err(invalid(format!(
                    "updating {} ({}): versioning cannot be turned back to \"Disabled\" once it has been \
                     enabled; set status = \"Suspended\" to stop creating versions",
                    self.what(),
                    target.bucket
                ))),
            };
        }
        let mfa_delete = known_str(&configuration, "mfa_delete");
        let mfa = known_str(planned, "mfa");
        ctx.block_on(self.put_status(ctx, target, &status, mfa_delete, mfa))
    }

    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = ctx.block_on(async {
            match ctx
                .s3
                .get_bucket_versioning()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send()
                .await
            {
                Ok(out) => Ok((
                    out.status().map(|s| s.as_str().to_string()),
                    out.mfa_delete().map(|m| m.as_str().to_string()),
                )),
                Err(e) => match e
                    .raw_response()
                    .and_then(|r| misnamed_root(r, "Versioning", &["Status", "MfaDelete"]))
                {
                    Some(mut parsed) => Ok((parsed.remove(0), parsed.remove(0))),
                    None => Err(from_sdk(&op, e)),
                },
            }
        });
        let Some((status, remote_mfa_delete)) = found(out)? else {
            return Ok(None);
        };
        let status = status.unwrap_or_else(|| "Disabled".to_string());
        let prior_mfa_delete = block_items(prior, "versioning_configuration")
            .first()
            .map(|c| c.get("mfa_delete"))
            .unwrap_or(Value::Null);
        let mfa_delete = match remote_mfa_delete.as_deref() {
            // AWS reports "Disabled" for a bucket where it was never set.
            Some("Disabled") | None if prior_mfa_delete.is_null() => Value::Null,
            Some(m) => Value::from(m),
            None => Value::Null,
        };
        Ok(Some(BTreeMap::from([(
            "versioning_configuration".to_string(),
            Value::List(
                vec![engine::core::value::map([
                    ("status", Value::from(status)),
                    ("mfa_delete", mfa_delete),
                ])]
                .into(),
            ),
        )])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<(), ProviderError> {
        // Versioning cannot be removed from a bucket, only suspended (as Terraform does).
        match versioning_status(prior).as_deref() {
            None | Some("Disabled") => Ok(()),
            Some(_) => ctx.block_on(self.put_status(ctx, target, "Suspended", None, known_str(prior, "mfa"))),
        }
    }
}
