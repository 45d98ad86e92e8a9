//! aws_s3_bucket_replication_configuration: rules that copy new objects to another bucket.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, first, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{
    block_items, blocks_unknown, call, invalid, map_of_strings, map_value, problem, string_map,
};
use crate::support::error::found;
use aws_sdk_s3::types::Tag;
use aws_sdk_s3::types::{
    AccessControlTranslation, DeleteMarkerReplication, DeleteMarkerReplicationStatus, Destination,
    EncryptionConfiguration, ExistingObjectReplication, ExistingObjectReplicationStatus, Metrics, MetricsStatus,
    OwnerOverride, ReplicaModifications, ReplicaModificationsStatus, ReplicationConfiguration, ReplicationRule,
    ReplicationRuleAndOperator, ReplicationRuleFilter, ReplicationRuleStatus, ReplicationTime, ReplicationTimeStatus,
    ReplicationTimeValue, SourceSelectionCriteria, SseKmsEncryptedObjects, SseKmsEncryptedObjectsStatus, StorageClass,
};
use aws_smithy_types::error::operation::BuildError;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::map;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Replication;

const ENABLED_DISABLED: &[&str] = &["Enabled", "Disabled"];

impl BucketConfig for Replication {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_replication_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Replication Configuration"
    }

    fn body(&self) -> Schema {
        let tag = Schema::new()
            .attr("key", Attribute::required(string_type()))
            .attr("value", Attribute::required(string_type()));
        let filter = Schema::new()
            .attr("prefix", Attribute::optional(string_type()))
            .block("tag", Nesting::Single, tag)
            .block(
                "and",
                Nesting::Single,
                Schema::new()
                    .attr("prefix", Attribute::optional(string_type()))
                    .attr("tags", Attribute::optional(map_of_strings())),
            );
        let minutes = Schema::new().attr("minutes", Attribute::required(Type::Number));
        let destination = Schema::new()
            .attr("bucket", Attribute::required(string_type()))
            .attr("storage_class", Attribute::optional(string_type()))
            .attr("account", Attribute::optional(string_type()))
            .block(
                "access_control_translation",
                Nesting::Single,
                Schema::new().attr("owner", Attribute::required(string_type()).one_of(&["Destination"])),
            )
            .block(
                "encryption_configuration",
                Nesting::Single,
                Schema::new().attr("replica_kms_key_id", Attribute::required(string_type())),
            )
            .block(
                "metrics",
                Nesting::Single,
                Schema::new()
                    .attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED))
                    .block("event_threshold", Nesting::Single, minutes.clone()),
            )
            .block(
                "replication_time",
                Nesting::Single,
                Schema::new()
                    .attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED))
                    .block_min("time", Nesting::Single, minutes, 1),
            );
        let rule = Schema::new()
            .attr("id", Attribute::optional(string_type()))
            .attr("priority", Attribute::optional(Type::Number))
            .attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED))
            .attr("prefix", Attribute::optional(string_type()))
            .block("filter", Nesting::Single, filter)
            .block_min("destination", Nesting::Single, destination, 1)
            .block(
                "delete_marker_replication",
                Nesting::Single,
                Schema::new().attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED)),
            )
            .block(
                "existing_object_replication",
                Nesting::Single,
                Schema::new().attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED)),
            )
            .block(
                "source_selection_criteria",
                Nesting::Single,
                Schema::new()
                    .block(
                        "replica_modifications",
                        Nesting::Single,
                        Schema::new().attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED)),
                    )
                    .block(
                        "sse_kms_encrypted_objects",
                        Nesting::Single,
                        Schema::new().attr("status", Attribute::required(string_type()).one_of(ENABLED_DISABLED)),
                    ),
            );
        Schema::new()
            .attr("role", Attribute::required(string_type()))
            .block_min("rule", Nesting::List, rule, 1)
            // The Object Lock token of a bucket with Object Lock turned on by AWS Support.
            .attr("token", Attribute::optional(string_type()).sensitive())
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let rules = block_items(config, "rule");
        if rules.iter().any(|r| blocks_unknown(r, &["filter"])) {
            return Vec::new();
        }
        let filtered = rules.iter().filter(|r| !block_items(r, "filter").is_empty()).count();
        if filtered > 0 && filtered < rules.len() {
            return vec![problem(
                "rule.filter",
                "either every rule has a filter (the current schema, with priority) or none does (the older schema with prefix); S3 refuses a mix",
            )];
        }
        Vec::new()
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let bad = |e: BuildError| invalid(format!("{op}: {e}"));
        let mut rules = Vec::new();
        for rule in block_items(planned, "rule") {
            rules.push(build_rule(&rule).map_err(bad)?);
        }
        let configuration = ReplicationConfiguration::builder()
            .set_role(known_str(planned, "role"))
            .set_rules(Some(rules))
            .build()
            .map_err(bad)?;
        let token = known_str(planned, "token");
        let (configuration, op, token) = (&configuration, &op, &token);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_replication()
                    .bucket(&target.bucket)
                    .set_token(token.clone())
                    .replication_configuration(configuration.clone())
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
        let out = call(ctx, &op, ctx.s3.get_bucket_replication().bucket(&target.bucket).send());
        let out = match out {
            Err(e) if e.code == "ReplicationConfigurationNotFoundError" => return Ok(None),
            other => found(other)?,
        };
        let Some(configuration) = out.and_then(|o| o.replication_configuration().cloned()) else {
            return Ok(None);
        };
        let rules: Vec<Value> = configuration.rules().iter().map(read_rule).collect();
        Ok(Some(BTreeMap::from([
            ("role".to_string(), Value::from(configuration.role())),
            ("rule".to_string(), Value::List(rules.into())),
        ])))
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3.delete_bucket_replication().bucket(&target.bucket).send(),
        )
        .map(|_| ())
    }
}

// `rule.prefix` is deprecated in S3 and Terraform alike, but Terraform still accepts it.
#[allow(deprecated)]
fn build_rule(rule: &Value) -> Result<ReplicationRule, BuildError> {
    let filter = match first(rule, "filter") {
        Some(f) => {
            let tag = match first(&f, "tag") {
                Some(t) => Some(
                    Tag::builder()
                        .set_key(known_str(&t, "key"))
                        .set_value(known_str(&t, "value"))
                        .build()?,
                ),
                None => None,
            };
            let and = match first(&f, "and") {
                Some(a) => {
                    let mut tags = Vec::new();
                    for (k, v) in string_map(&a.get("tags")) {
                        tags.push(Tag::builder().key(k).value(v).build()?);
                    }
                    Some(
                        ReplicationRuleAndOperator::builder()
                            .set_prefix(known_str(&a, "prefix"))
                            .set_tags((!tags.is_empty()).then_some(tags))
                            .build(),
                    )
                }
                None => None,
            };
            Some(
                ReplicationRuleFilter::builder()
                    .set_prefix(known_str(&f, "prefix"))
                    .set_tag(tag)
                    .set_and(and)
                    .build(),
            )
        }
        None => None,
    };
    let destination = first(rule, "destination").unwrap_or(Value::Null);
    // S3 requires a priority in a rule with a filter; as the AWS provider does, an unset one is 0.
    let priority = rule
        .get("priority")
        .as_f64()
        .map(|p| p as i32)
        .or(filter.is_some().then_some(0));
    ReplicationRule::builder()
        .set_id(known_str(rule, "id"))
        .set_priority(priority)
        .set_status(known_str(rule, "status").map(|s| ReplicationRuleStatus::from(s.as_str())))
        .set_prefix(known_str(rule, "prefix"))
        .set_filter(filter)
        .set_delete_marker_replication(first(rule, "delete_marker_replication").map(|d| {
            DeleteMarkerReplication::builder()
                .set_status(known_str(&d, "status").map(|s| DeleteMarkerReplicationStatus::from(s.as_str())))
                .build()
        }))
        .set_existing_object_replication(
            first(rule, "existing_object_replication")
                .map(|e| {
                    ExistingObjectReplication::builder()
                        .set_status(known_str(&e, "status").map(|s| ExistingObjectReplicationStatus::from(s.as_str())))
                        .build()
                })
                .transpose()?,
        )
        .set_source_selection_criteria(
            first(rule, "source_selection_criteria")
                .map(|c| -> Result<SourceSelectionCriteria, BuildError> {
                    Ok(SourceSelectionCriteria::builder()
                        .set_replica_modifications(
                            first(&c, "replica_modifications")
                                .map(|m| {
                                    ReplicaModifications::builder()
                                        .set_status(
                                            known_str(&m, "status")
                                                .map(|s| ReplicaModificationsStatus::from(s.as_str())),
                                        )
                                        .build()
                                })
                                .transpose()?,
                        )
                        .set_sse_kms_encrypted_objects(
                            first(&c, "sse_kms_encrypted_objects")
                                .map(|k| {
                                    SseKmsEncryptedObjects::builder()
                                        .set_status(
                                            known_str(&k, "status")
                                                .map(|s| SseKmsEncryptedObjectsStatus::from(s.as_str())),
                                        )
                                        .build()
                                })
                                .transpose()?,
                        )
                        .build())
                })
                .transpose()?,
        )
        .destination(
            Destination::builder()
                .set_bucket(known_str(&destination, "bucket"))
                .set_account(known_str(&destination, "account"))
                .set_storage_class(known_str(&destination, "storage_class").map(|s| StorageClass::from(s.as_str())))
                .set_access_control_translation(
                    first(&destination, "access_control_translation")
                        .map(|t| {
                            AccessControlTranslation::builder()
                                .set_owner(known_str(&t, "owner").map(|o| OwnerOverride::from(o.as_str())))
                                .build()
                        })
                        .transpose()?,
                )
                .set_encryption_configuration(first(&destination, "encryption_configuration").map(|e| {
                    EncryptionConfiguration::builder()
                        .set_replica_kms_key_id(known_str(&e, "replica_kms_key_id"))
                        .build()
                }))
                .set_metrics(
                    first(&destination, "metrics")
                        .map(|m| {
                            Metrics::builder()
                                .set_status(known_str(&m, "status").map(|s| MetricsStatus::from(s.as_str())))
                                .set_event_threshold(first(&m, "event_threshold").map(|t| minutes_of(&t)))
                                .build()
                        })
                        .transpose()?,
                )
                .set_replication_time(
                    first(&destination, "replication_time")
                        .map(|r| {
                            ReplicationTime::builder()
                                .set_status(known_str(&r, "status").map(|s| ReplicationTimeStatus::from(s.as_str())))
                                .set_time(first(&r, "time").map(|t| minutes_of(&t)))
                                .build()
                        })
                        .transpose()?,
                )
                .build()?,
        )
        .build()
}

/// A `{ minutes }` block as the API's time value.
fn minutes_of(block: &Value) -> ReplicationTimeValue {
    ReplicationTimeValue::builder()
        .set_minutes(block.get("minutes").as_f64().map(|m| m as i32))
        .build()
}

fn minutes_value(t: &ReplicationTimeValue) -> Value {
    map([("minutes", t.minutes().map(|m| Value::from(i64::from(m))).into())])
}

#[allow(deprecated)]
fn read_rule(rule: &ReplicationRule) -> Value {
    let one = |v: Option<Value>| Value::List(v.into_iter().collect());
    let filter = rule.filter().map(|f| {
        let tag = f
            .tag()
            .map(|t| map([("key", Value::from(t.key())), ("value", Value::from(t.value()))]));
        let and = f.and().map(|a| {
            let tags: BTreeMap<String, String> = a
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            map([
                ("prefix", a.prefix().map(Value::from).into()),
                ("tags", if tags.is_empty() { Value::Null } else { map_value(&tags) }),
            ])
        });
        // An empty prefix filters nothing, as no prefix does.
        map([
            ("prefix", f.prefix().filter(|p| !p.is_empty()).map(Value::from).into()),
            ("tag", one(tag)),
            ("and", one(and)),
        ])
    });
    let destination = rule.destination().map(|d| {
        map([
            ("bucket", Value::from(d.bucket())),
            ("account", d.account().map(Value::from).into()),
            (
                "storage_class",
                d.storage_class().map(|s| Value::from(s.as_str())).into(),
            ),
            (
                "access_control_translation",
                one(d
                    .access_control_translation()
                    .map(|t| map([("owner", Value::from(t.owner().as_str()))]))),
            ),
            (
                "encryption_configuration",
                one(d
                    .encryption_configuration()
                    .map(|e| map([("replica_kms_key_id", e.replica_kms_key_id().map(Value::from).into())]))),
            ),
            (
                "metrics",
                one(d.metrics().map(|m| {
                    map([
                        ("status", Value::from(m.status().as_str())),
                        ("event_threshold", one(m.event_threshold().map(minutes_value))),
                    ])
                })),
            ),
            (
                "replication_time",
                one(d.replication_time().map(|r| {
                    map([
                        ("status", Value::from(r.status().as_str())),
                        ("time", one(r.time().map(minutes_value))),
                    ])
                })),
            ),
        ])
    });
    map([
        ("id", rule.id().map(Value::from).into()),
        ("priority", rule.priority().map(|p| Value::from(i64::from(p))).into()),
        ("status", Value::from(rule.status().as_str())),
        (
            "prefix",
            rule.prefix().filter(|p| !p.is_empty()).map(Value::from).into(),
        ),
        ("filter", one(filter)),
        ("destination", one(destination)),
        (
            "delete_marker_replication",
            one(rule
                .delete_marker_replication()
                .map(|d| map([("status", d.status().map(|s| Value::from(s.as_str())).into())]))),
        ),
        (
            "existing_object_replication",
            one(rule
                .existing_object_replication()
                .map(|e| map([("status", Value::from(e.status().as_str()))]))),
        ),
        (
            "source_selection_criteria",
            one(rule.source_selection_criteria().map(|c| {
                map([
                    (
                        "replica_modifications",
                        one(c
                            .replica_modifications()
                            .map(|m| map([("status", Value::from(m.status().as_str()))]))),
                    ),
                    (
                        "sse_kms_encrypted_objects",
                        one(c
                            .sse_kms_encrypted_objects()
                            .map(|k| map([("status", Value::from(k.status().as_str()))]))),
                    ),
                ])
            })),
        ),
    ])
}
