//! aws_s3_bucket_object_lock_configuration: the default retention of a bucket created with
//! `object_lock_enabled = true`.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::is_set;
use crate::support::attrs::{block_items, call, problem};
use crate::support::error::{found, from_sdk};
use aws_sdk_s3::types::{
    DefaultRetention, ObjectLockConfiguration, ObjectLockEnabled, ObjectLockRetentionMode, ObjectLockRule,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct ObjectLock;

/// Whether the bucket was created with Object Lock (it cannot be turned on later through this
/// API without a token from AWS Support).
pub(super) async fn object_lock_enabled(ctx: &Ctx, bucket: &str) -> Result<bool, ProviderError> {
    match ctx.s3.get_object_lock_configuration().bucket(bucket).send().await {
        Ok(out) => Ok(out
            .object_lock_configuration()
            .and_then(|c| c.object_lock_enabled())
            .is_some_and(|e| *e == ObjectLockEnabled::Enabled)),
        Err(e) => {
            let e = from_sdk(&format!("reading S3 Bucket ({bucket}) object lock"), e);
            if e.code == "ObjectLockConfigurationNotFoundError" {
                Ok(false)
            } else {
                Err(e)
            }
        }
    }
}

impl BucketConfig for ObjectLock {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_object_lock_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Object Lock Configuration"
    }

    fn body(&self) -> Schema {
        Schema::new()
            .attr(
                "object_lock_enabled",
                Attribute::optional(string_type()).one_of(&["Enabled"]).force_new(),
            )
            .block(
                "rule",
                Nesting::Single,
                Schema::new().block_min(
                    "default_retention",
                    Nesting::Single,
                    Schema::new()
                        .attr(
                            "mode",
                            Attribute::optional(string_type()).one_of(&["GOVERNANCE", "COMPLIANCE"]),
                        )
                        .attr("days", Attribute::optional(Type::Number))
                        .attr("years", Attribute::optional(Type::Number)),
                    1,
                ),
            )
            // The token AWS Support gives to turn Object Lock on for an existing bucket.
            .attr("token", Attribute::optional(string_type()).sensitive())
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        for rule in block_items(config, "rule") {
            for retention in block_items(&rule, "default_retention") {
                let (days, years) = (retention.get("days"), retention.get("years"));
                if is_set(&days) && is_set(&years) {
                    problems.push(problem("rule.default_retention.days", "set days or years, not both"));
                }
            }
        }
        problems
    }

    fn defaults(&self, map: &mut BTreeMap<String, Value>) {
        let entry = map.entry("object_lock_enabled".to_string()).or_insert(Value::Null);
        if entry.is_null() {
            *entry = Value::from("Enabled");
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let retention = block_items(planned, "rule")
            .first()
            .and_then(|r| block_items(r, "default_retention").into_iter().next());
        let rule = retention.map(|r| {
            ObjectLockRule::builder()
                .default_retention(
                    DefaultRetention::builder()
                        .set_mode(known_str(&r, "mode").map(|m| ObjectLockRetentionMode::from(m.as_str())))
                        .set_days(r.get("days").as_f64().map(|d| d as i32))
                        .set_years(r.get("years").as_f64().map(|y| y as i32))
                        .build(),
                )
                .build()
        });
        self.put_rule(ctx, target, rule, known_str(planned, "token"))
    }

    fn get(
        &self,
        ctx: &Ctx,
        target: &Target,
        _prior: &Value,
    ) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        use engine::core::value::map;
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_object_lock_configuration()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(configuration) = found(out)?.and_then(|o| o.object_lock_configuration().cloned()) else {
            return Ok(None);
        };
        let rule: Vec<Value> = configuration
            .rule()
            .and_then(|r| r.default_retention())
            .map(|d| {
                // A retention period is at least 1; some S3-compatible servers report an unset
                // one as 0.
                let n = |v: Option<i32>| -> Value { v.filter(|n| *n > 0).map(|n| Value::from(i64::from(n))).into() };
                map([(
                    "default_retention",
                    Value::List(
                        vec![map([
                            ("mode", d.mode().map(|m| Value::from(m.as_str())).into()),
                            ("days", n(d.days())),
                            ("years", n(d.years())),
                        ])]
                        .into(),
                    ),
                )])
            })
            .into_iter()
            .collect();
        Ok(Some(BTreeMap::from([
            (
                "object_lock_enabled".to_string(),
                configuration
                    .object_lock_enabled()
                    .map(|e| Value::from(e.as_str()))
                    .into(),
            ),
            ("rule".to_string(), Value::List(rule.into())),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<(), ProviderError> {
        // Object Lock stays on for the bucket's life; removing this resource removes the
        // default retention, as in Terraform.
        self.put_rule(ctx, target, None, known_str(prior, "token"))
    }
}

impl ObjectLock {
    fn put_rule(
        &self,
        ctx: &Ctx,
        target: &Target,
        rule: Option<ObjectLockRule>,
        token: Option<String>,
    ) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let configuration = ObjectLockConfiguration::builder()
            .object_lock_enabled(ObjectLockEnabled::Enabled)
            .set_rule(rule)
            .build();
        let (configuration, op, token) = (&configuration, &op, &token);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_object_lock_configuration()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .set_token(token.clone())
                    .object_lock_configuration(configuration.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }
}
