//! aws_s3_bucket_inventory: a daily or weekly listing of a bucket's objects, delivered to a
//! bucket as CSV, ORC or Parquet.

use crate::resource::Ctx;
use crate::s3::{
    bucket_propagating, first, known_str, optional_set_value, send_retrying, string_type, BucketConfig, Target,
};
use crate::support::attrs::{blocks_unknown, call, default_to, invalid, problem, set_of_strings, string_set};
use crate::support::error::found;
use aws_sdk_s3::types::{
    InventoryConfiguration, InventoryDestination, InventoryEncryption, InventoryFilter, InventoryFormat,
    InventoryFrequency, InventoryIncludedObjectVersions, InventoryOptionalField, InventoryS3BucketDestination,
    InventorySchedule, Ssekms, Sses3,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::map;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Inventory;

impl BucketConfig for Inventory {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_inventory"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Inventory"
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn key(&self) -> Option<&'static str> {
        Some("name")
    }

    fn body(&self) -> Schema {
        let encryption = Schema::new()
            .block(
                "sse_kms",
                Nesting::Single,
                Schema::new().attr("key_id", Attribute::required(string_type())),
            )
            .block("sse_s3", Nesting::Single, Schema::new());
        let bucket = Schema::new()
            .attr("bucket_arn", Attribute::required(string_type()))
            .attr(
                "format",
                Attribute::required(string_type()).one_of(&["CSV", "ORC", "Parquet"]),
            )
            .attr("account_id", Attribute::optional(string_type()))
            .attr("prefix", Attribute::optional(string_type()))
            .block("encryption", Nesting::Single, encryption);
        Schema::new()
            .attr("enabled", Attribute::optional_computed(Type::Bool))
            .attr(
                "included_object_versions",
                Attribute::required(string_type()).one_of(&["All", "Current"]),
            )
            .attr("optional_fields", Attribute::optional(set_of_strings()))
            .block(
                "filter",
                Nesting::Single,
                Schema::new().attr("prefix", Attribute::optional(string_type())),
            )
            .block_min(
                "schedule",
                Nesting::Single,
                Schema::new().attr(
                    "frequency",
                    Attribute::required(string_type()).one_of(&["Daily", "Weekly"]),
                ),
                1,
            )
            .block_min(
                "destination",
                Nesting::Single,
                Schema::new().block_min("bucket", Nesting::Single, bucket, 1),
                1,
            )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let encryption = first(config, "destination")
            .and_then(|d| first(&d, "bucket"))
            .and_then(|b| first(&b, "encryption"));
        match encryption {
            Some(e)
                if !blocks_unknown(&e, &["sse_kms", "sse_s3"])
                    && first(&e, "sse_kms").is_some() == first(&e, "sse_s3").is_some() =>
            {
                vec![problem(
                    "destination",
                    "an inventory's encryption takes one of sse_kms { key_id } or sse_s3 {}",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn defaults(&self, map: &mut BTreeMap<String, Value>) {
        default_to(map, "enabled", Value::Bool(true));
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let name = target.name();
        let op = format!("putting {} ({})", self.what(), target.id());
        let bad = |e: aws_smithy_types::error::operation::BuildError| invalid(format!("{op}: {e}"));
        let b = first(planned, "destination")
            .and_then(|d| first(&d, "bucket"))
            .unwrap_or(Value::Null);
        let encryption = first(&b, "encryption")
            .map(|e| -> Result<InventoryEncryption, ProviderError> {
                let kms = first(&e, "sse_kms")
                    .map(|k| {
                        Ssekms::builder()
                            .key_id(known_str(&k, "key_id").unwrap_or_default())
                            .build()
                    })
                    .transpose()
                    .map_err(bad)?;
                let s3 = first(&e, "sse_s3").map(|_| Sses3::builder().build());
                Ok(InventoryEncryption::builder().set_ssekms(kms).set_sses3(s3).build())
            })
            .transpose()?;
        let bucket = InventoryS3BucketDestination::builder()
            .bucket(known_str(&b, "bucket_arn").unwrap_or_default())
            .format(InventoryFormat::from(
                known_str(&b, "format").as_deref().unwrap_or("CSV"),
            ))
            .set_account_id(known_str(&b, "account_id"))
            .set_prefix(known_str(&b, "prefix"))
            .set_encryption(encryption)
            .build()
            .map_err(bad)?;
        let schedule = InventorySchedule::builder()
            .frequency(InventoryFrequency::from(
                first(planned, "schedule")
                    .and_then(|s| known_str(&s, "frequency"))
                    .as_deref()
                    .unwrap_or("Daily"),
            ))
            .build()
            .map_err(bad)?;
        let filter = first(planned, "filter")
            .and_then(|f| known_str(&f, "prefix"))
            .map(|p| InventoryFilter::builder().prefix(p).build())
            .transpose()
            .map_err(bad)?;
        let fields: Vec<InventoryOptionalField> = string_set(&planned.get("optional_fields"))
            .iter()
            .map(|f| InventoryOptionalField::from(f.as_str()))
            .collect();
        let configuration = InventoryConfiguration::builder()
            .id(&name)
            .is_enabled(planned.get("enabled").as_bool().unwrap_or(true))
            .included_object_versions(InventoryIncludedObjectVersions::from(
                known_str(planned, "included_object_versions")
                    .as_deref()
                    .unwrap_or("All"),
            ))
            .destination(InventoryDestination::builder().s3_bucket_destination(bucket).build())
            .schedule(schedule)
            .set_filter(filter)
            .set_optional_fields((!fields.is_empty()).then_some(fields))
            .build()
            .map_err(bad)?;
        let (configuration, op) = (&configuration, &op);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_inventory_configuration()
                    .bucket(&target.bucket)
                    .id(&name)
                    .inventory_configuration(configuration.clone())
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
                .get_bucket_inventory_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        ))?;
        let Some(c) = out.and_then(|o| o.inventory_configuration().cloned()) else {
            return Ok(None);
        };
        let one = |v: Option<Value>| Value::List(v.into_iter().collect());
        let opt = |v: Option<&str>| v.map(Value::from).unwrap_or(Value::Null);
        let destination = c.destination().and_then(|d| d.s3_bucket_destination()).map(|b| {
            let encryption = b.encryption().map(|e| {
                map([
                    (
                        "sse_kms",
                        one(e.ssekms().map(|k| map([("key_id", Value::from(k.key_id()))]))),
                    ),
                    ("sse_s3", one(e.sses3().map(|_| Value::empty_map()))),
                ])
            });
            map([(
                "bucket",
                one(Some(map([
                    ("bucket_arn", Value::from(b.bucket())),
                    ("format", Value::from(b.format().as_str())),
                    ("account_id", opt(b.account_id())),
                    ("prefix", opt(b.prefix())),
                    ("encryption", one(encryption)),
                ]))),
            )])
        });
        let fields: Vec<&str> = c.optional_fields().iter().map(|f| f.as_str()).collect();
        Ok(Some(BTreeMap::from([
            ("enabled".to_string(), Value::Bool(c.is_enabled())),
            (
                "included_object_versions".to_string(),
                Value::from(c.included_object_versions().as_str()),
            ),
            ("optional_fields".to_string(), optional_set_value(&fields)),
            (
                "filter".to_string(),
                one(c.filter().map(|f| map([("prefix", Value::from(f.prefix()))]))),
            ),
            (
                "schedule".to_string(),
                one(c
                    .schedule()
                    .map(|s| map([("frequency", Value::from(s.frequency().as_str()))]))),
            ),
            ("destination".to_string(), one(destination)),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        let name = target.name();
        call(
            ctx,
            &format!("deleting {} ({})", self.what(), target.id()),
            ctx.s3
                .delete_bucket_inventory_configuration()
                .bucket(&target.bucket)
                .id(&name)
                .send(),
        )
        .map(|_| ())
    }
}
