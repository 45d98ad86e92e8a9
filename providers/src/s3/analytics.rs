//! aws_s3_bucket_analytics_configuration: storage class analysis of a bucket, or of the
//! objects a filter selects, optionally exported daily as CSV to another bucket.

use crate::resource::Ctx;
use crate::s3::{
    bucket_propagating, first, known_str, s3_tags, send_retrying, string_type, tags_value, BucketConfig, Target,
};
use crate::support::attrs::{call, default_to, invalid, map_of_strings, problem};
use crate::support::error::found;
use aws_sdk_s3::types::{
    AnalyticsAndOperator, AnalyticsConfiguration, AnalyticsExportDestination, AnalyticsFilter,
    AnalyticsS3BucketDestination, AnalyticsS3ExportFileFormat, StorageClassAnalysis, StorageClassAnalysisDataExport,
    StorageClassAnalysisSchemaVersion,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::map;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Analytics;

impl BucketConfig for Analytics {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_analytics_configuration"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Analytics Configuration"
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn key(&self) -> Option<&'static str> {
        Some("name")
    }

    fn body(&self) -> Schema {
        let destination = Schema::new().block_min(
            "s3_bucket_destination",
            Nesting::Single,
            Schema::new()
                .attr("bucket_arn", Attribute::required(string_type()))
                .attr("bucket_account_id", Attribute::optional(string_type()))
                .attr("format", Attribute::optional_computed(string_type()).one_of(&["CSV"]))
                .attr("prefix", Attribute::optional(string_type())),
            1,
        );
        let data_export = Schema::new()
            .attr(
                "output_schema_version",
                Attribute::optional_computed(string_type()).one_of(&["V_1"]),
            )
            .block_min("destination", Nesting::Single, destination, 1);
        Schema::new()
            .block(
                "filter",
                Nesting::Single,
                Schema::new()
                    .attr("prefix", Attribute::optional(string_type()))
                    .attr("tags", Attribute::optional(map_of_strings())),
            )
            .block(
                "storage_class_analysis",
                Nesting::Single,
                Schema::new().block_min("data_export", Nesting::Single, data_export, 1),
            )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        match first(config, "filter") {
            Some(f) if f.get("prefix").is_null() && f.get("tags").is_null() => vec![problem(
                "filter",
                "a filter needs a prefix or tags; leave the filter out to analyse the whole bucket",
            )],
            _ => Vec::new(),
        }
    }

    fn defaults(&self, map: &mut BTreeMap<String, Value>) {
        // Terraform's defaults: schema V_1, CSV.
        let Some(Value::List(analyses)) = map.get_mut("storage_class_analysis") else {
            return;
        };
        for analysis in analyses {
            let Value::Map(analysis) = analysis else { continue };
            let Some(Value::List(exports)) = analysis.get_mut("data_export") else {
                continue;
            };
            for export in exports {
                let Value::Map(export) = export else { continue };
                default_to(export, "output_schema_version", Value::from("V_1"));
                if let Some(Value::List(destinations)) = export.get_mut("destination") {
                    for d in destinations {
                        let Value::Map(d) = d else { continue };
                        if let Some(Value::List(buckets)) = d.get_mut("s3_bucket_destination") {
                            for b in buckets {
                                if let Value::Map(b) = b {
                                    default_to(b, "format", Value::from("CSV"));
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let name = target.name();
        let op = format!("putting {} ({})", self.what(), target.id());
        let bad = |e: aws_smithy_types::error::operation::BuildError| invalid(format!("{op}: {e}"));
        let export = first(planned, "storage_class_analysis")
            .and_then(|a| first(&a, "data_export"))
            .map(|e| -> Result<StorageClassAnalysisDataExport, ProviderError> {
                let d = first(&e, "destination")
                    .and_then(|d| first(&d, "s3_bucket_destination"))
                    .unwrap_or(Value::Null);
                let bucket = AnalyticsS3BucketDestination::builder()
                    .format(AnalyticsS3ExportFileFormat::from(
                        known_str(&d, "format").as_deref().unwrap_or("CSV"),
                    ))
                    .bucket(known_str(&d, "bucket_arn").unwrap_or_default())
                    .set_bucket_account_id(known_str(&d, "bucket_account_id"))
                    .set_prefix(known_str(&d, "prefix"))
                    .build()
                    .map_err(bad)?;
                StorageClassAnalysisDataExport::builder()
                    .output_schema_version(StorageClassAnalysisSchemaVersion::from(
                        known_str(&e, "output_schema_version").as_deref().unwrap_or("V_1"),
                    ))
                    .destination(
                        AnalyticsExportDestination::builder()
                            .s3_bucket_destination(bucket)
                            .build(),
                    )
                    .build()
                    .map_err(bad)
            })
            .transpose()?;
        let configuration = AnalyticsConfiguration::builder()
            .id(&name)
            .set_filter(first(planned, "filter").map(|f| filter(&f)).transpose()?)
            .storage_class_analysis(StorageClassAnalysis::builder().set_data_export(export).build())
            .build()
            .map_err(bad)?;
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_analytics_configuration()
                    .bucket(&target.bucket)
                    .id(&name)
                    .analytics_configuration(configuration.clone())
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
                .get_bucket_analytics_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        ))?;
        let Some(c) = out.and_then(|o| o.analytics_configuration().cloned()) else {
            return Ok(None);
        };
        let one = |v: Option<Value>| Value::List(v.into_iter().collect());
        let analysis = c.storage_class_analysis().and_then(|a| a.data_export()).map(|e| {
            let destination = e.destination().and_then(|d| d.s3_bucket_destination()).map(|b| {
                map([
                    ("bucket_arn", Value::from(b.bucket())),
                    (
                        "bucket_account_id",
                        b.bucket_account_id().map(Value::from).unwrap_or(Value::Null),
                    ),
                    ("format", Value::from(b.format().as_str())),
                    ("prefix", b.prefix().map(Value::from).unwrap_or(Value::Null)),
                ])
            });
            let export = map([
                ("output_schema_version", Value::from(e.output_schema_version().as_str())),
                (
                    "destination",
                    one(destination.map(|d| map([("s3_bucket_destination", one(Some(d)))]))),
                ),
            ]);
            map([("data_export", one(Some(export)))])
        });
        Ok(Some(BTreeMap::from([
            ("filter".to_string(), one(c.filter().map(read_filter))),
            ("storage_class_analysis".to_string(), one(analysis)),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let name = target.name();
        call(
            ctx,
            &format!("deleting {} ({})", self.what(), target.id()),
            ctx.s3
                .delete_bucket_analytics_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        )
        .map(|_| ())
    }
}

/// S3's filter: a lone prefix or tag as itself, anything more as `And`.
fn filter(f: &Value) -> Result<AnalyticsFilter, ProviderError> {
    let prefix = known_str(f, "prefix");
    let tags = s3_tags(&f.get("tags"))?;
    Ok(match (prefix, tags.len()) {
        (Some(p), 0) => AnalyticsFilter::Prefix(p),
        (None, 1) => AnalyticsFilter::Tag(tags.into_iter().next().ok_or_else(|| invalid("tag"))?),
        (prefix, _) => AnalyticsFilter::And(
            AnalyticsAndOperator::builder()
                .set_prefix(prefix)
                .set_tags((!tags.is_empty()).then_some(tags))
                .build(),
        ),
    })
}

fn read_filter(f: &AnalyticsFilter) -> Value {
    let (prefix, tags) = match f {
        AnalyticsFilter::Prefix(p) => (Some(p.clone()), Value::Null),
        AnalyticsFilter::Tag(t) => (None, tags_value(std::slice::from_ref(t))),
        AnalyticsFilter::And(a) => (a.prefix().map(str::to_string), tags_value(a.tags())),
        _ => (None, Value::Null),
    };
    map([
        ("prefix", prefix.map(Value::from).unwrap_or(Value::Null)),
        ("tags", tags),
    ])
}
