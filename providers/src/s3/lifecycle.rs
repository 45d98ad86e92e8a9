//! aws_s3_bucket_lifecycle_configuration.

use crate::resource::Ctx;
use crate::s3::{
    bucket_propagating, first, is_empty_like, known_str, send_retrying, string_type, BucketConfig, Target,
};
use crate::support::attrs::{block_items, call, invalid, map_of_strings, map_value, problem, string_map};
use crate::support::error::found;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, ExpirationStatus, LifecycleExpiration, LifecycleRule,
    LifecycleRuleAndOperator, LifecycleRuleFilter, NoncurrentVersionExpiration, NoncurrentVersionTransition,
    Transition, TransitionStorageClass,
};
use aws_smithy_types::date_time::Format;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::map;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Lifecycle;

const STORAGE_CLASSES: &[&str] = &[
    "GLACIER",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "DEEP_ARCHIVE",
    "GLACIER_IR",
];

fn number() -> Attribute {
    Attribute::optional(Type::Number)
}

impl BucketConfig for Lifecycle {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_lifecycle_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Lifecycle Configuration"
    }

    fn body(&self) -> Schema {
        let sizes = |s: Schema| {
            s.attr("object_size_greater_than", number())
                .attr("object_size_less_than", number())
        };
        let filter = sizes(Schema::new().attr("prefix", Attribute::optional(string_type())))
            .block(
                "tag",
                Nesting::Single,
                Schema::new()
                    .attr("key", Attribute::required(string_type()))
                    .attr("value", Attribute::required(string_type())),
            )
            .block(
                "and",
                Nesting::Single,
                sizes(
                    Schema::new()
                        .attr("prefix", Attribute::optional(string_type()))
                        .attr("tags", Attribute::optional(map_of_strings())),
                ),
            );
        let rule = Schema::new()
            .attr("id", Attribute::required(string_type()))
            .attr(
                "status",
                Attribute::required(string_type()).one_of(&["Enabled", "Disabled"]),
            )
            .attr("prefix", Attribute::optional(string_type()))
            .block("filter", Nesting::Single, filter)
            .block(
                "expiration",
                Nesting::Single,
                Schema::new()
                    .attr("date", Attribute::optional(string_type()))
                    .attr("days", number())
                    .attr("expired_object_delete_marker", Attribute::optional(Type::Bool)),
            )
            .block(
                "transition",
                Nesting::Set,
                Schema::new()
                    .attr("date", Attribute::optional(string_type()))
                    .attr("days", number())
                    .attr(
                        "storage_class",
                        Attribute::required(string_type()).one_of(STORAGE_CLASSES),
                    ),
            )
            .block(
                "noncurrent_version_expiration",
                Nesting::Single,
                Schema::new()
                    .attr("noncurrent_days", number())
                    .attr("newer_noncurrent_versions", number()),
            )
            .block(
                "noncurrent_version_transition",
                Nesting::Set,
                Schema::new()
                    .attr("noncurrent_days", number())
                    .attr("newer_noncurrent_versions", number())
                    .attr(
                        "storage_class",
                        Attribute::required(string_type()).one_of(STORAGE_CLASSES),
                    ),
            )
            .block(
                "abort_incomplete_multipart_upload",
                Nesting::Single,
                Schema::new().attr("days_after_initiation", number()),
            );
        Schema::new().block_min("rule", Nesting::List, rule, 1).attr(
            "transition_default_minimum_object_size",
            Attribute::optional_computed(string_type())
                .one_of(&["varies_by_storage_class", "all_storage_classes_128K"]),
        )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        let rules = block_items(config, "rule");
        if rules.len() > 1000 {
            problems.push(problem("rule", "at most 1000 rules are allowed"));
        }
        let mut ids = std::collections::BTreeSet::new();
        for rule in &rules {
            if let Some(id) = rule.get("id").as_str() {
                if id.len() > 255 {
                    problems.push(problem(
                        "rule.id",
                        format!("rule id {id:?} is longer than 255 characters"),
                    ));
                }
                if !ids.insert(id.to_string()) {
                    problems.push(problem(
                        "rule.id",
                        format!("two rules have the id {id:?}; ids must be unique"),
                    ));
                }
            }
            for expiration in block_items(rule, "expiration") {
                if let Some(date) = expiration.get("date").as_str() {
                    if parse_date(date).is_none() {
                        problems.push(problem(
                            "rule.expiration.date",
                            format!("{date:?} is not an RFC 3339 date at midnight UTC, such as 2027-01-01T00:00:00Z"),
                        ));
                    }
                }
            }
            for transition in block_items(rule, "transition") {
                if let Some(date) = transition.get("date").as_str() {
                    if parse_date(date).is_none() {
                        problems.push(problem(
                            "rule.transition.date",
                            format!("{date:?} is not an RFC 3339 date at midnight UTC, such as 2027-01-01T00:00:00Z"),
                        ));
                    }
                }
            }
        }
        problems
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let bad = |e: aws_smithy_types::error::operation::BuildError| invalid(format!("{op}: {e}"));
        let mut rules = Vec::new();
        for rule in block_items(planned, "rule") {
            rules.push(build_rule(&rule).map_err(bad)?);
        }
        let configuration = BucketLifecycleConfiguration::builder()
            .set_rules(Some(rules))
            .build()
            .map_err(bad)?;
        let size = known_str(planned, "transition_default_minimum_object_size")
            .map(|s| aws_sdk_s3::types::TransitionDefaultMinimumObjectSize::from(s.as_str()));
        let (configuration, op, size) = (&configuration, &op, &size);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_lifecycle_configuration()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .lifecycle_configuration(configuration.clone())
                    .set_transition_default_minimum_object_size(size.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }

    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_lifecycle_configuration()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let prior_rules = block_items(prior, "rule");
        let rules: Vec<Value> = out
            .rules()
            .iter()
            .map(|rule| {
                let before = prior_rules
                    .iter()
                    .find(|p| p.get("id").as_str() == rule.id())
                    .cloned()
                    .unwrap_or(Value::Null);
                read_rule(rule, &before)
            })
            .collect();
        if rules.is_empty() {
            return Ok(None);
        }
        let size = out
            .transition_default_minimum_object_size()
            .map(|s| Value::from(s.as_str()))
            .unwrap_or(Value::Null);
        Ok(Some(BTreeMap::from([
            ("rule".to_string(), Value::List(rules.into())),
            ("transition_default_minimum_object_size".to_string(), size),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        call(
            ctx,
            &op,
            ctx.s3
                .delete_bucket_lifecycle()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        )
        .map(|_| ())
    }
}

/// An RFC 3339 date as S3 wants it.
fn parse_date(text: &str) -> Option<aws_smithy_types::DateTime> {
    aws_smithy_types::DateTime::from_str(text, Format::DateTime).ok()
}

fn int(value: &Value, key: &str) -> Option<i32> {
    value.get(key).as_f64().map(|n| n as i32)
}

fn long(value: &Value, key: &str) -> Option<i64> {
    value.get(key).as_f64().map(|n| n as i64)
}

// `rule.prefix` is deprecated in S3 and in Terraform alike, but Terraform still accepts it, so
// configurations that use it keep working here.
#[allow(deprecated)]
fn build_rule(rule: &Value) -> Result<LifecycleRule, aws_smithy_types::error::operation::BuildError> {
    let filter = match first(rule, "filter") {
        Some(f) => {
            let tag = match first(&f, "tag") {
                Some(t) => Some(
                    aws_sdk_s3::types::Tag::builder()
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
                        tags.push(aws_sdk_s3::types::Tag::builder().key(k).value(v).build()?);
                    }
                    Some(
                        LifecycleRuleAndOperator::builder()
                            .set_prefix(known_str(&a, "prefix"))
                            .set_tags(if tags.is_empty() { None } else { Some(tags) })
                            .set_object_size_greater_than(long(&a, "object_size_greater_than"))
                            .set_object_size_less_than(long(&a, "object_size_less_than"))
                            .build(),
                    )
                }
                None => None,
            };
            Some(
                LifecycleRuleFilter::builder()
                    .set_prefix(known_str(&f, "prefix"))
                    .set_tag(tag)
                    .set_and(and)
                    .set_object_size_greater_than(long(&f, "object_size_greater_than"))
                    .set_object_size_less_than(long(&f, "object_size_less_than"))
                    .build(),
            )
        }
        // As Terraform does: without a filter or prefix, the rule applies to every object.
        None if rule.get("prefix").is_null() => Some(LifecycleRuleFilter::builder().prefix("").build()),
        None => None,
    };
    let expiration = first(rule, "expiration").map(|e| {
        LifecycleExpiration::builder()
            .set_date(e.get("date").as_str().and_then(parse_date))
            .set_days(int(&e, "days"))
            .set_expired_object_delete_marker(e.get("expired_object_delete_marker").as_bool())
            .build()
    });
    let transitions: Vec<Transition> = block_items(rule, "transition")
        .iter()
        .map(|t| {
            Transition::builder()
                .set_date(t.get("date").as_str().and_then(parse_date))
                .set_days(int(t, "days"))
                .set_storage_class(known_str(t, "storage_class").map(|s| TransitionStorageClass::from(s.as_str())))
                .build()
        })
        .collect();
    let noncurrent_transitions: Vec<NoncurrentVersionTransition> = block_items(rule, "noncurrent_version_transition")
        .iter()
        .map(|t| {
            NoncurrentVersionTransition::builder()
                .set_noncurrent_days(int(t, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(t, "newer_noncurrent_versions"))
                .set_storage_class(known_str(t, "storage_class").map(|s| TransitionStorageClass::from(s.as_str())))
                .build()
        })
        .collect();
    LifecycleRule::builder()
        .set_id(known_str(rule, "id"))
        .set_status(known_str(rule, "status").map(|s| ExpirationStatus::from(s.as_str())))
        .set_prefix(known_str(rule, "prefix"))
        .set_filter(filter)
        .set_expiration(expiration)
        .set_transitions((!transitions.is_empty()).then_some(transitions))
        .set_noncurrent_version_transitions((!noncurrent_transitions.is_empty()).then_some(noncurrent_transitions))
        .set_noncurrent_version_expiration(first(rule, "noncurrent_version_expiration").map(|n| {
            NoncurrentVersionExpiration::builder()
                .set_noncurrent_days(int(&n, "noncurrent_days"))
                .set_newer_noncurrent_versions(int(&n, "newer_noncurrent_versions"))
                .build()
        }))
        .set_abort_incomplete_multipart_upload(first(rule, "abort_incomplete_multipart_upload").map(|a| {
            AbortIncompleteMultipartUpload::builder()
                .set_days_after_initiation(int(&a, "days_after_initiation"))
                .build()
        }))
        .build()
}

fn num(n: Option<i32>) -> Value {
    n.map(|n| Value::from(i64::from(n))).into()
}

fn long_num(n: Option<i64>) -> Value {
    n.map(Value::from).into()
}

fn date(d: Option<&aws_smithy_types::DateTime>) -> Value {
    d.map(crate::support::dates::rfc3339).unwrap_or(Value::Null)
}

/// A rule as S3 reports it, in the configuration's shape; `before` is the rule as recorded
/// (an absent filter stays absent when S3 reports the empty filter it stands for).
#[allow(deprecated)]
fn read_rule(rule: &LifecycleRule, before: &Value) -> Value {
    let one = |v: Option<Value>| Value::List(v.into_iter().collect());
    let filter = rule.filter().map(|f| {
        let and = f.and().map(|a| {
            let tags: BTreeMap<String, String> = a
                .tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
            map([
                ("prefix", a.prefix().map(Value::from).into()),
                ("tags", if tags.is_empty() { Value::Null } else { map_value(&tags) }),
                ("object_size_greater_than", long_num(a.object_size_greater_than())),
                ("object_size_less_than", long_num(a.object_size_less_than())),
            ])
        });
        let tag = f
            .tag()
            .map(|t| map([("key", Value::from(t.key())), ("value", Value::from(t.value()))]));
        map([
            ("prefix", f.prefix().map(Value::from).into()),
            ("object_size_greater_than", long_num(f.object_size_greater_than())),
            ("object_size_less_than", long_num(f.object_size_less_than())),
            ("tag", one(tag)),
            ("and", one(and)),
        ])
    });
    let filter = match filter {
        Some(f) if is_empty_like(&f) || f.as_map().is_some_and(|m| m.values().all(is_empty_like)) => {
            if block_items(before, "filter").is_empty() && !before.is_null() {
                None
            } else {
                Some(f)
            }
        }
        other => other,
    };
    map([
        ("id", rule.id().map(Value::from).into()),
        ("status", Value::from(rule.status().as_str())),
        ("prefix", rule.prefix().map(Value::from).into()),
        ("filter", one(filter)),
        (
            "expiration",
            one(rule.expiration().map(|e| {
                map([
                    ("date", date(e.date())),
                    ("days", num(e.days())),
                    (
                        "expired_object_delete_marker",
                        e.expired_object_delete_marker().map(Value::Bool).into(),
                    ),
                ])
            })),
        ),
        (
            "transition",
            Value::List(
                rule.transitions()
                    .iter()
                    .map(|t| {
                        map([
                            ("date", date(t.date())),
                            ("days", num(t.days())),
                            (
                                "storage_class",
                                t.storage_class().map(|s| Value::from(s.as_str())).into(),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "noncurrent_version_expiration",
            one(rule.noncurrent_version_expiration().map(|n| {
                map([
                    ("noncurrent_days", num(n.noncurrent_days())),
                    ("newer_noncurrent_versions", num(n.newer_noncurrent_versions())),
                ])
            })),
        ),
        (
            "noncurrent_version_transition",
            Value::List(
                rule.noncurrent_version_transitions()
                    .iter()
                    .map(|t| {
                        map([
                            ("noncurrent_days", num(t.noncurrent_days())),
                            ("newer_noncurrent_versions", num(t.newer_noncurrent_versions())),
                            (
                                "storage_class",
                                t.storage_class().map(|s| Value::from(s.as_str())).into(),
                            ),
                        ])
                    })
                    .collect(),
            ),
        ),
        (
            "abort_incomplete_multipart_upload",
            one(rule
                .abort_incomplete_multipart_upload()
                .map(|a| map([("days_after_initiation", num(a.days_after_initiation()))]))),
        ),
    ])
}
