//! aws_s3_bucket_logging.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, first, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, blocks_unknown, call, invalid, problem};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Logging;

impl BucketConfig for Logging {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_logging"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Logging"
    }

    fn body(&self) -> Schema {
        Schema::new()
            .attr("target_bucket", Attribute::required(string_type()))
            .attr("target_prefix", Attribute::required(string_type()))
            .block(
                "target_grant",
                Nesting::Set,
                Schema::new()
                    .block_min("grantee", Nesting::Single, super::acl::grantee_schema(), 1)
                    .attr(
                        "permission",
                        Attribute::required(string_type()).one_of(&["FULL_CONTROL", "READ", "WRITE"]),
                    ),
            )
            .block(
                "target_object_key_format",
                Nesting::Single,
                Schema::new()
                    .block(
                        "partitioned_prefix",
                        Nesting::Single,
                        Schema::new().attr(
                            "partition_date_source",
                            Attribute::required(string_type()).one_of(&["EventTime", "DeliveryTime"]),
                        ),
                    )
                    .block("simple_prefix", Nesting::Single, Schema::new()),
            )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        match first(config, "target_object_key_format") {
            Some(f)
                if !blocks_unknown(&f, &["partitioned_prefix", "simple_prefix"])
                    && first(&f, "partitioned_prefix").is_some() == first(&f, "simple_prefix").is_some() =>
            {
                vec![problem(
                    "target_object_key_format",
                    "target_object_key_format takes one of partitioned_prefix { partition_date_source } or simple_prefix {}",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let format = first(planned, "target_object_key_format").map(|f| {
            let partitioned = first(&f, "partitioned_prefix").map(|p| {
                aws_sdk_s3::types::PartitionedPrefix::builder()
                    .set_partition_date_source(
                        known_str(&p, "partition_date_source")
                            .map(|s| aws_sdk_s3::types::PartitionDateSource::from(s.as_str())),
                    )
                    .build()
            });
            aws_sdk_s3::types::TargetObjectKeyFormat::builder()
                .set_partitioned_prefix(partitioned)
                .set_simple_prefix(
                    first(&f, "simple_prefix").map(|_| aws_sdk_s3::types::SimplePrefix::builder().build()),
                )
                .build()
        });
        let mut grants = Vec::new();
        for g in block_items(planned, "target_grant") {
            grants.push(
                aws_sdk_s3::types::TargetGrant::builder()
                    .grantee(super::acl::grantee_of(&g, &op)?)
                    .set_permission(
                        known_str(&g, "permission").map(|p| aws_sdk_s3::types::BucketLogsPermission::from(p.as_str())),
                    )
                    .build(),
            );
        }
        let enabled = aws_sdk_s3::types::LoggingEnabled::builder()
            .set_target_grants((!grants.is_empty()).then_some(grants))
            .set_target_bucket(known_str(planned, "target_bucket"))
            .target_prefix(known_str(planned, "target_prefix").unwrap_or_default())
            .set_target_object_key_format(format)
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let status = aws_sdk_s3::types::BucketLoggingStatus::builder()
            .logging_enabled(enabled)
            .build();
        self.put_status(ctx, target, status, &op)
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
            ctx.s3
                .get_bucket_logging()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let one = |v: Option<Value>| Value::List(v.into_iter().collect());
        Ok(out.logging_enabled().map(|l| {
            let format = l.target_object_key_format().map(|f| {
                engine::core::value::map([
                    (
                        "partitioned_prefix",
                        one(f.partitioned_prefix().map(|p| {
                            engine::core::value::map([(
                                "partition_date_source",
                                p.partition_date_source()
                                    .map(|s| Value::from(s.as_str()))
                                    .unwrap_or(Value::Null),
                            )])
                        })),
                    ),
                    ("simple_prefix", one(f.simple_prefix().map(|_| Value::empty_map()))),
                ])
            });
            BTreeMap::from([
                ("target_bucket".to_string(), Value::from(l.target_bucket())),
                ("target_prefix".to_string(), Value::from(l.target_prefix())),
                ("target_object_key_format".to_string(), one(format)),
                (
                    "target_grant".to_string(),
                    Value::List(
                        l.target_grants()
                            .iter()
                            .map(|g| {
                                engine::core::value::map([
                                    ("grantee", one(g.grantee().map(super::acl::grantee_value))),
                                    (
                                        "permission",
                                        g.permission().map(|p| Value::from(p.as_str())).unwrap_or(Value::Null),
                                    ),
                                ])
                            })
                            .collect(),
                    ),
                ),
            ])
        }))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        // Logging is turned off by a status without a logging configuration.
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        self.put_status(
            ctx,
            target,
            aws_sdk_s3::types::BucketLoggingStatus::builder().build(),
            &op,
        )
    }
}

impl Logging {
    fn put_status(
        &self,
        ctx: &Ctx,
        target: &Target,
        status: aws_sdk_s3::types::BucketLoggingStatus,
        op: &str,
    ) -> Result<(), ProviderError> {
        let status = &status;
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_logging()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .bucket_logging_status(status.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }
}
