//! aws_s3_bucket_intelligent_tiering_configuration: after how many days without access
//! Intelligent-Tiering moves objects to its archive tiers.

use crate::resource::Ctx;
use crate::s3::{
    bucket_propagating, first, known_str, s3_tags, send_retrying, string_type, tags_value, BucketConfig, Target,
};
use crate::support::attrs::{block_items, call, default_to, invalid, map_of_strings, problem};
use crate::support::error::found;
use aws_sdk_s3::types::{
    IntelligentTieringAccessTier, IntelligentTieringAndOperator, IntelligentTieringConfiguration,
    IntelligentTieringFilter, IntelligentTieringStatus, Tiering,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::map;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct IntelligentTiering;

const STATUSES: &[&str] = &["Enabled", "Disabled"];
const TIERS: &[&str] = &["ARCHIVE_ACCESS", "DEEP_ARCHIVE_ACCESS"];

impl BucketConfig for IntelligentTiering {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_intelligent_tiering_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Intelligent-Tiering Configuration"
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn key(&self) -> Option<&'static str> {
        Some("name")
    }

    fn body(&self) -> Schema {
        Schema::new()
            .attr("status", Attribute::optional_computed(string_type()).one_of(STATUSES))
            .block(
                "filter",
                Nesting::Single,
                Schema::new()
                    .attr("prefix", Attribute::optional(string_type()))
                    .attr("tags", Attribute::optional(map_of_strings())),
            )
            .block_min(
                "tiering",
                Nesting::Set,
                Schema::new()
                    .attr("access_tier", Attribute::required(string_type()).one_of(TIERS))
                    .attr("days", Attribute::required(Type::Number)),
                1,
            )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        for t in block_items(config, "tiering") {
            let (tier, days) = (t.get("access_tier"), t.get("days").as_f64());
            let range = match tier.as_str() {
                Some("ARCHIVE_ACCESS") => Some((90.0, 730.0)),
                Some("DEEP_ARCHIVE_ACCESS") => Some((180.0, 730.0)),
                _ => None,
            };
            if let (Some((low, high)), Some(days)) = (range, days) {
                if days < low || days > high || days.fract() != 0.0 {
                    out.push(problem(
                        "tiering",
                        format!(
                            "{} takes {low} to {high} whole days without access, not {days}",
                            tier.as_str().unwrap_or_default()
                        ),
                    ));
                }
            }
        }
        out
    }

    fn defaults(&self, map: &mut BTreeMap<String, Value>) {
        default_to(map, "status", Value::from("Enabled"));
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let name = target.name();
        let op = format!("putting {} ({})", self.what(), target.id());
        let tierings = block_items(planned, "tiering")
            .iter()
            .map(|t| {
                Tiering::builder()
                    .access_tier(IntelligentTieringAccessTier::from(
                        t.get("access_tier").as_str().unwrap_or_default(),
                    ))
                    .days(t.get("days").as_f64().unwrap_or_default() as i32)
                    .build()
                    .map_err(|e| invalid(format!("{op}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let configuration = IntelligentTieringConfiguration::builder()
            .id(&name)
            .status(IntelligentTieringStatus::from(
                known_str(planned, "status").as_deref().unwrap_or("Enabled"),
            ))
            .set_filter(first(planned, "filter").map(|f| filter(&f)).transpose()?)
            .set_tierings(Some(tierings))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_intelligent_tiering_configuration()
                    .bucket(&target.bucket)
                    .id(&name)
                    .intelligent_tiering_configuration(configuration.clone())
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
        let name = target.name();
        let out = found(call(
            ctx,
            &format!("reading {} ({})", self.what(), target.id()),
            ctx.s3
                .get_bucket_intelligent_tiering_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        ))?;
        let Some(c) = out.and_then(|o| o.intelligent_tiering_configuration().cloned()) else {
            return Ok(None);
        };
        let tierings = c
            .tierings()
            .iter()
            .map(|t| {
                map([
                    ("access_tier", Value::from(t.access_tier().as_str())),
                    ("days", Value::Number(f64::from(t.days()).into())),
                ])
            })
            .collect();
        Ok(Some(BTreeMap::from([
            ("status".to_string(), Value::from(c.status().as_str())),
            (
                "filter".to_string(),
                Value::List(c.filter().map(read_filter).into_iter().collect()),
            ),
            ("tiering".to_string(), Value::List(tierings)),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let name = target.name();
        call(
            ctx,
            &format!("deleting {} ({})", self.what(), target.id()),
            ctx.s3
                .delete_bucket_intelligent_tiering_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        )
        .map(|_| ())
    }
}

/// S3's filter: a lone prefix or tag as itself, anything more as `And`.
fn filter(f: &Value) -> Result<IntelligentTieringFilter, ProviderError> {
    let prefix = known_str(f, "prefix");
    let tags = s3_tags(&f.get("tags"))?;
    let builder = IntelligentTieringFilter::builder();
    Ok(match (prefix, tags.len()) {
        (Some(p), 0) => builder.prefix(p).build(),
        (None, 1) => builder.set_tag(tags.into_iter().next()).build(),
        (prefix, _) => builder
            .and(
                IntelligentTieringAndOperator::builder()
                    .set_prefix(prefix)
                    .set_tags((!tags.is_empty()).then_some(tags))
                    .build(),
            )
            .build(),
    })
}

fn read_filter(f: &IntelligentTieringFilter) -> Value {
    let (prefix, tags) = match (f.and(), f.tag()) {
        (Some(a), _) => (a.prefix().map(str::to_string), tags_value(a.tags())),
        (None, Some(t)) => (f.prefix().map(str::to_string), tags_value(std::slice::from_ref(t))),
        (None, None) => (f.prefix().map(str::to_string), Value::Null),
    };
    map([
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
        ("tags", tags),
    ])
}
