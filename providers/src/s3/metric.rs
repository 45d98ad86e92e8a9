//! aws_s3_bucket_metric: a CloudWatch request metrics configuration of a bucket, for the whole
//! bucket or the objects a filter selects.

use crate::resource::Ctx;
use crate::s3::{
    bucket_propagating, first, known_str, s3_tags, send_retrying, string_type, tags_value, BucketConfig, Target,
};
use crate::support::attrs::{call, invalid, map_of_strings, problem};
use crate::support::error::found;
use aws_sdk_s3::types::{MetricsAndOperator, MetricsConfiguration, MetricsFilter};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

pub(super) struct Metric;

impl BucketConfig for Metric {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_metric"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Metric"
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn key(&self) -> Option<&'static str> {
        Some("name")
    }

    fn body(&self) -> Schema {
        Schema::new().block(
            "filter",
            Nesting::Single,
            Schema::new()
                .attr("access_point", Attribute::optional(string_type()))
                .attr("prefix", Attribute::optional(string_type()))
                .attr("tags", Attribute::optional(map_of_strings())),
        )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            if name.is_empty() || name.len() > 64 {
                out.push(problem("name", "a metrics configuration's name is 1 to 64 characters"));
            }
        }
        if let Some(f) = first(config, "filter") {
            if ["access_point", "prefix", "tags"].iter().all(|k| f.get(k).is_null()) {
                out.push(problem(
                    "filter",
                    "a filter needs access_point, prefix or tags; leave the filter out to measure the whole bucket",
                ));
            }
        }
        out
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let name = target.name();
        let op = format!("putting {} ({})", self.what(), target.id());
        let configuration = MetricsConfiguration::builder()
            .id(&name)
            .set_filter(first(planned, "filter").map(|f| filter(&f)).transpose()?)
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_metrics_configuration()
                    .bucket(&target.bucket)
                    .id(&name)
                    .metrics_configuration(configuration.clone())
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
                .get_bucket_metrics_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        ))?;
        let Some(configuration) = out.and_then(|o| o.metrics_configuration().cloned()) else {
            return Ok(None);
        };
        let filter = configuration.filter().map(read_filter);
        Ok(Some(BTreeMap::from([(
            "filter".to_string(),
            Value::List(filter.into_iter().collect()),
        )])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let name = target.name();
        call(
            ctx,
            &format!("deleting {} ({})", self.what(), target.id()),
            ctx.s3
                .delete_bucket_metrics_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        )
        .map(|_| ())
    }
}

/// S3's filter: a lone prefix, tag or access point as itself, anything more as `And`.
fn filter(f: &Value) -> Result<MetricsFilter, ProviderError> {
    let prefix = known_str(f, "prefix");
    let access_point = known_str(f, "access_point");
    let tags = s3_tags(&f.get("tags"))?;
    Ok(match (prefix, access_point, tags.len()) {
        (Some(p), None, 0) => MetricsFilter::Prefix(p),
        (None, Some(a), 0) => MetricsFilter::AccessPointArn(a),
        (None, None, 1) => MetricsFilter::Tag(tags.into_iter().next().ok_or_else(|| invalid("tag"))?),
        (prefix, access_point, _) => MetricsFilter::And(
            MetricsAndOperator::builder()
                .set_prefix(prefix)
                .set_access_point_arn(access_point)
                .set_tags((!tags.is_empty()).then_some(tags))
                .build(),
        ),
    })
}

fn read_filter(f: &MetricsFilter) -> Value {
    let (prefix, access_point, tags) = match f {
        MetricsFilter::Prefix(p) => (Some(p.clone()), None, Value::Null),
        MetricsFilter::AccessPointArn(a) => (None, Some(a.clone()), Value::Null),
        MetricsFilter::Tag(t) => (None, None, tags_value(std::slice::from_ref(t))),
        MetricsFilter::And(a) => (
            a.prefix().map(str::to_string),
            a.access_point_arn().map(str::to_string),
            tags_value(a.tags()),
        ),
        _ => (None, None, Value::Null),
    };
    map([
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
        ("access_point", access_point.map(Value::from).unwrap_or(Value::Null)),
        ("tags", tags),
    ])
}
