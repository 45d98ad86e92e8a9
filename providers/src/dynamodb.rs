//! DynamoDB: `aws_dynamodb_table`.
//!
//! Encryption at rest has three options, chosen with the `server_side_encryption` block:
//!
//! * no block, or `enabled = false`: the AWS owned key (DynamoDB's default, no KMS charges);
//! * `enabled = true` without `kms_key_arn`: the AWS managed key `alias/aws/dynamodb`;
//! * `enabled = true` with `kms_key_arn`: a customer managed key.
//!
//! Unlike the Terraform AWS provider, the state records `kms_key_arn` as null for the AWS
//! managed key (it is recognised by comparing with `alias/aws/dynamodb`), so that the option
//! configured and the option recorded compare equal and a switch between the last two options
//! shows as a change.
//!
//! Global and local secondary indexes, replicas, table classes and imports from S3 are not
//! supported yet; `attribute` blocks may therefore only describe the key attributes.

use crate::resource::{ApplyOutcome, Ctx, DataType, ResourceType};
use crate::support::attrs::{
    block_items, call, finish, get, into_state, invalid, map_of_strings, problem, sref, string_map, State,
};
use crate::support::error::is_not_found;
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::backoff;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, PointInTimeRecoverySpecification,
    ProvisionedThroughput, ScalarAttributeType, SseSpecification, SseType, StreamSpecification, StreamViewType,
    TableDescription, Tag, TimeToLiveSpecification,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(Table)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    Vec::new()
}

/// How long a table may take to become ACTIVE (or to disappear) before the apply gives up.
const TABLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);

/// The alias of the AWS managed key DynamoDB uses when encryption is enabled without a key.
const MANAGED_KEY_ALIAS: &str = "alias/aws/dynamodb";

fn first(v: &Value, key: &str) -> Option<Value> {
    block_items(v, key).into_iter().next()
}

/// `(enabled, kms_key_arn)` of a `server_side_encryption` block; no block means disabled.
fn sse_of(v: &Value) -> (bool, Option<String>) {
    match first(v, "server_side_encryption") {
        Some(b) => (
            b.get("enabled").as_bool().unwrap_or(false),
            sref(&b, "kms_key_arn").map(str::to_string),
        ),
        None => (false, None),
    }
}

fn pitr_of(v: &Value) -> bool {
    first(v, "point_in_time_recovery")
        .and_then(|b| b.get("enabled").as_bool())
        .unwrap_or(false)
}

/// `(enabled, attribute_name)` of a `ttl` block.
fn ttl_of(v: &Value) -> (bool, Option<String>) {
    match first(v, "ttl") {
        Some(b) => (
            b.get("enabled").as_bool().unwrap_or(false),
            sref(&b, "attribute_name").map(str::to_string),
        ),
        None => (false, None),
    }
}

fn number(v: &Value) -> Option<i64> {
    v.as_f64().map(|n| n as i64)
}

fn attr_type(ty: &str) -> ScalarAttributeType {
    ScalarAttributeType::from(ty)
}

const BILLING_MODES: [&str; 2] = ["PROVISIONED", "PAY_PER_REQUEST"];
const STREAM_VIEWS: [&str; 4] = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];

struct Table;

fn table_schema() -> Schema {
    let mut schema = Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("billing_mode", Attribute::optional(Type::String))
        .attr("read_capacity", Attribute::optional_computed(Type::Number))
        .attr("write_capacity", Attribute::optional_computed(Type::Number))
        .attr("hash_key", Attribute::required(Type::String).force_new())
        .attr("range_key", Attribute::optional(Type::String).force_new())
        .attr("stream_enabled", Attribute::optional(Type::Bool))
        .attr("stream_view_type", Attribute::optional_computed(Type::String))
        .attr("deletion_protection_enabled", Attribute::optional(Type::Bool))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::computed(map_of_strings()))
        .attr("arn", Attribute::computed(Type::String))
        .attr("stream_arn", Attribute::computed(Type::String))
        .attr("stream_label", Attribute::computed(Type::String))
        .block_force_new(
            "attribute",
            Nesting::Set,
            Schema::new()
                .attr("name", Attribute::required(Type::String))
                .attr("type", Attribute::required(Type::String)),
        )
        .block(
            "server_side_encryption",
            Nesting::Single,
            Schema::new()
                .attr("enabled", Attribute::required(Type::Bool))
                .attr("kms_key_arn", Attribute::optional(Type::String)),
        )
        .block(
            "point_in_time_recovery",
            Nesting::Single,
            Schema::new().attr("enabled", Attribute::required(Type::Bool)),
        )
        .block(
            "ttl",
            Nesting::Single,
            Schema::new()
                .attr("attribute_name", Attribute::optional(Type::String))
                .attr("enabled", Attribute::optional(Type::Bool)),
        );
    if let Some(b) = schema.blocks.get_mut("attribute") {
        b.min_items = 1;
    }
    schema
}

/// Keeps only the attributes a block schema has, each with a value (`Null` when absent), and
/// turns unknown optional values into nulls: the block values of a plan are as configured.
fn clean_block(schema: &Schema, block: &str, items: Vec<Value>) -> Value {
    let Some(bt) = schema.blocks.get(block) else {
        return Value::List(items);
    };
    let mut out: Vec<Value> = items
        .into_iter()
        .map(|item| {
            let m: BTreeMap<String, Value> = bt
                .schema
                .attributes
                .iter()
                .map(|(name, a)| {
                    let v = item.get(name).deep_unmark();
                    let v = if v.is_unknown() && !a.required { Value::Null } else { v };
                    (name.clone(), v)
                })
                .collect();
            Value::Map(m)
        })
        .collect();
    if bt.nesting == Nesting::Set {
        out.sort_by_key(|v| v.to_string());
    }
    Value::List(out)
}

impl Table {
    fn describe(&self, ctx: &Ctx, name: &str) -> Result<Option<TableDescription>, ProviderError> {
        match call(
            ctx,
            &format!("reading DynamoDB Table ({name})"),
            ctx.dynamodb.describe_table().table_name(name).send(),
        ) {
            Ok(out) => Ok(out.table().cloned()),
            Err(e) if is_not_found(&e.code) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Waits until the table (and its encryption) is no longer changing, reporting status
    /// changes through `progress`.
    fn wait_active(&self, ctx: &Ctx, name: &str, progress: &dyn Fn(&str)) -> Result<TableDescription, ProviderError> {
        let start = Instant::now();
        let mut delay = Duration::from_secs(1);
        let mut last = String::new();
        loop {
            let table = self.describe(ctx, name)?.ok_or_else(|| {
                ProviderError::new(
                    "NotFound",
                    format!("DynamoDB Table ({name}) disappeared while waiting for it"),
                )
            })?;
            let status = table.table_status().map(|s| s.as_str().to_string()).unwrap_or_default();
            let sse = table
                .sse_description()
                .and_then(|d| d.status())
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            let busy = status != "ACTIVE" || matches!(sse.as_str(), "ENABLING" | "DISABLING" | "UPDATING");
            if !busy {
                return Ok(table);
            }
            let now = if sse.is_empty() {
                status.clone()
            } else {
                format!("{status}, encryption {sse}")
            };
            if now != last {
                progress(&format!("table {name} is {now}; waiting for it to become ACTIVE"));
                last = now;
            }
            if start.elapsed() > TABLE_TIMEOUT {
                return Err(ProviderError::new(
                    "Timeout",
                    format!(
                        "DynamoDB Table ({name}) is still {last} after {} minutes; run apply again to continue",
                        TABLE_TIMEOUT.as_secs() / 60
                    ),
                ));
            }
            delay = backoff(delay, Duration::from_secs(5));
        }
    }

    /// True when `key_arn` is the AWS managed key of DynamoDB. `None` when KMS cannot tell
    /// (no permission to describe keys, say).
    fn is_managed_key(&self, ctx: &Ctx, key_arn: &str) -> Option<bool> {
        let managed = ctx.block_on(ctx.kms.describe_key().key_id(MANAGED_KEY_ALIAS).send());
        if let Ok(out) = &managed {
            if out.key_metadata().and_then(|m| m.arn()) == Some(key_arn) {
                return Some(true);
            }
        }
        match ctx.block_on(ctx.kms.describe_key().key_id(key_arn).send()) {
            Ok(out) => Some(
                out.key_metadata()
                    .and_then(|m| m.key_manager())
                    .is_some_and(|m| m.as_str() == "AWS"),
            ),
            Err(_) if managed.is_ok() => Some(false),
            Err(_) => None,
        }
    }

    /// Reads a table; `prior` decides the shape of blocks AWS reports as disabled.
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(table) = self.describe(ctx, name)? else {
            return Ok(None);
        };
        let arn = table.table_arn().unwrap_or_default().to_string();
        let mut st = State::new();
        let table_name = table.table_name().unwrap_or(name).to_string();
        st.insert("name".into(), Value::string(&table_name));
        st.insert("id".into(), Value::string(&table_name));
        st.insert("arn".into(), Value::string(&arn));
        for k in table.key_schema() {
            let key = if k.key_type() == &KeyType::Hash {
                "hash_key"
            } else {
                "range_key"
            };
            st.insert(key.into(), Value::string(k.attribute_name()));
        }
        let mut attributes: Vec<Value> = table
            .attribute_definitions()
            .iter()
            .map(|a| {
                map([
                    ("name", Value::string(a.attribute_name())),
                    ("type", Value::string(a.attribute_type().as_str())),
                ])
            })
            .collect();
        attributes.sort_by_key(|v| v.to_string());
        st.insert("attribute".into(), Value::List(attributes));
        let billing = table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|b| b.as_str().to_string())
            .unwrap_or_else(|| "PROVISIONED".to_string());
        let throughput = table.provisioned_throughput();
        let (read, write) = if billing == "PAY_PER_REQUEST" {
            (0, 0)
        } else {
            (
                throughput.and_then(|t| t.read_capacity_units()).unwrap_or(0),
                throughput.and_then(|t| t.write_capacity_units()).unwrap_or(0),
            )
        };
        st.insert("billing_mode".into(), Value::string(billing));
        st.insert("read_capacity".into(), Value::Number(read as f64));
        st.insert("write_capacity".into(), Value::Number(write as f64));

        // Encryption: one of the three options.
        let sse = table.sse_description();
        let enabled = sse
            .and_then(|d| d.status())
            .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING" | "UPDATING"));
        let prior_sse = first(prior, "server_side_encryption");
        let sse_block = if enabled {
            let key = sse.and_then(|d| d.kms_master_key_arn()).map(str::to_string);
            let prior_key = prior_sse
                .as_ref()
                .and_then(|b| sref(b, "kms_key_arn").map(str::to_string));
            let kms = match &key {
                None => Value::Null,
                Some(k) if prior_key.as_deref() == Some(k.as_str()) => Value::string(k),
                Some(k) => match self.is_managed_key(ctx, k) {
                    Some(true) => Value::Null,
                    Some(false) => Value::string(k),
                    // KMS cannot tell: trust the configuration recorded before.
                    None if prior_sse.is_some() && prior_key.is_none() => Value::Null,
                    None => Value::string(k),
                },
            };
            vec![map([("enabled", Value::Bool(true)), ("kms_key_arn", kms)])]
        } else {
            match prior_sse {
                Some(_) => vec![map([("enabled", Value::Bool(false)), ("kms_key_arn", Value::Null)])],
                None => Vec::new(),
            }
        };
        st.insert("server_side_encryption".into(), Value::List(sse_block));

        let backups = call(
            ctx,
            &format!("reading point-in-time recovery of DynamoDB Table ({name})"),
            ctx.dynamodb.describe_continuous_backups().table_name(name).send(),
        )?;
        let pitr = backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        let pitr_block = if pitr || !block_items(prior, "point_in_time_recovery").is_empty() {
            vec![map([("enabled", Value::Bool(pitr))])]
        } else {
            Vec::new()
        };
        st.insert("point_in_time_recovery".into(), Value::List(pitr_block));

        let ttl = call(
            ctx,
            &format!("reading the TTL of DynamoDB Table ({name})"),
            ctx.dynamodb.describe_time_to_live().table_name(name).send(),
        )?;
        let ttl_desc = ttl.time_to_live_description();
        let ttl_on = ttl_desc
            .and_then(|d| d.time_to_live_status())
            .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING"));
        let ttl_block = if ttl_on {
            vec![map([
                (
                    "attribute_name",
                    ttl_desc
                        .and_then(|d| d.attribute_name())
                        .map(Value::string)
                        .unwrap_or(Value::Null),
                ),
                ("enabled", Value::Bool(true)),
            ])]
        } else {
            match first(prior, "ttl") {
                // Disabled TTL has no attribute name at AWS: keep what was configured.
                Some(b) if !b.get("enabled").as_bool().unwrap_or(false) => vec![map([
                    ("attribute_name", b.get("attribute_name")),
                    ("enabled", b.get("enabled")),
                ])],
                Some(b) => vec![map([
                    ("attribute_name", b.get("attribute_name")),
                    ("enabled", Value::Bool(false)),
                ])],
                None => Vec::new(),
            }
        };
        st.insert("ttl".into(), Value::List(ttl_block));

        let stream = table.stream_specification().filter(|s| s.stream_enabled());
        match stream {
            Some(s) => {
                st.insert("stream_enabled".into(), Value::Bool(true));
                st.insert(
                    "stream_view_type".into(),
                    s.stream_view_type()
                        .map(|v| Value::string(v.as_str()))
                        .unwrap_or(Value::Null),
                );
                st.insert(
                    "stream_arn".into(),
                    table.latest_stream_arn().map(Value::string).unwrap_or(Value::Null),
                );
                st.insert(
                    "stream_label".into(),
                    table.latest_stream_label().map(Value::string).unwrap_or(Value::Null),
                );
            }
            None => {
                let recorded = prior.get("stream_enabled");
                st.insert(
                    "stream_enabled".into(),
                    if recorded.is_null() {
                        Value::Null
                    } else {
                        Value::Bool(false)
                    },
                );
            }
        }
        let protection = table.deletion_protection_enabled().unwrap_or(false);
        st.insert(
            "deletion_protection_enabled".into(),
            if !protection && prior.get("deletion_protection_enabled").is_null() {
                Value::Null
            } else {
                Value::Bool(protection)
            },
        );

        let mut tags = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let out = call(
                ctx,
                &format!("listing tags of DynamoDB Table ({name})"),
                ctx.dynamodb
                    .list_tags_of_resource()
                    .resource_arn(&arn)
                    .set_next_token(token.clone())
                    .send(),
            )?;
            for t in out.tags() {
                tags.insert(t.key().to_string(), t.value().to_string());
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        let (own, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), own);
        st.insert("tags_all".into(), all);
        Ok(Some(finish(&table_schema(), st)))
    }

    fn sse_spec(&self, enabled: bool, key: Option<&str>) -> SseSpecification {
        if enabled {
            SseSpecification::builder()
                .enabled(true)
                .sse_type(SseType::Kms)
                .set_kms_master_key_id(key.map(str::to_string))
                .build()
        } else {
            SseSpecification::builder().enabled(false).build()
        }
    }

    fn throughput(&self, planned: &Value) -> Result<ProvisionedThroughput, ProviderError> {
        ProvisionedThroughput::builder()
            .read_capacity_units(number(&planned.get("read_capacity")).unwrap_or(0))
            .write_capacity_units(number(&planned.get("write_capacity")).unwrap_or(0))
            .build()
            .map_err(|e| invalid(format!("provisioned throughput: {e}")))
    }

    fn stream_spec(&self, planned: &Value) -> Result<StreamSpecification, ProviderError> {
        let enabled = planned.get("stream_enabled").as_bool().unwrap_or(false);
        let mut b = StreamSpecification::builder().stream_enabled(enabled);
        if enabled {
            if let Some(view) = sref(planned, "stream_view_type") {
                b = b.stream_view_type(StreamViewType::from(view));
            }
        }
        b.build().map_err(|e| invalid(format!("stream specification: {e}")))
    }

    fn set_pitr(&self, ctx: &Ctx, name: &str, enabled: bool) -> Result<(), ProviderError> {
        let spec = PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(enabled)
            .build()
            .map_err(|e| invalid(format!("point-in-time recovery: {e}")))?;
        call(
            ctx,
            &format!("setting point-in-time recovery of DynamoDB Table ({name})"),
            ctx.dynamodb
                .update_continuous_backups()
                .table_name(name)
                .point_in_time_recovery_specification(spec)
                .send(),
        )
        .map(|_| ())
    }

    fn set_ttl(&self, ctx: &Ctx, name: &str, enabled: bool, attribute: &str) -> Result<(), ProviderError> {
        let spec = TimeToLiveSpecification::builder()
            .enabled(enabled)
            .attribute_name(attribute)
            .build()
            .map_err(|e| invalid(format!("ttl: {e}")))?;
        call(
            ctx,
            &format!("setting the TTL of DynamoDB Table ({name})"),
            ctx.dynamodb
                .update_time_to_live()
                .table_name(name)
                .time_to_live_specification(spec)
                .send(),
        )
        .map(|_| ())
    }

    /// Makes TTL match `planned` from `before` (`(enabled, attribute)`).
    fn apply_ttl(
        &self,
        ctx: &Ctx,
        name: &str,
        before: (bool, Option<String>),
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let after = ttl_of(planned);
        if before.0 == after.0 && (!after.0 || before.1 == after.1) {
            return Ok(());
        }
        if before.0 {
            if let Some(old) = &before.1 {
                self.set_ttl(ctx, name, false, old)?;
            }
        }
        if after.0 {
            let attribute = after
                .1
                .as_deref()
                .ok_or_else(|| invalid(format!("DynamoDB Table ({name}): ttl.attribute_name is required")))?;
            self.set_ttl(ctx, name, true, attribute)?;
        }
        Ok(())
    }

    fn update_tags(&self, ctx: &Ctx, arn: &str, old: &Value, new: &Value) -> Result<(), ProviderError> {
        let old = string_map(old);
        let new = string_map(new);
        let set: Vec<Tag> = new
            .iter()
            .filter(|(k, v)| old.get(*k) != Some(*v))
            .map(|(k, v)| {
                Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .map_err(|e| invalid(format!("tag {k:?}: {e}")))
            })
            .collect::<Result<_, _>>()?;
        let remove: Vec<String> = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
        let op = format!("tagging DynamoDB Table ({arn})");
        if !remove.is_empty() {
            call(
                ctx,
                &op,
                ctx.dynamodb
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(remove))
                    .send(),
            )?;
        }
        if !set.is_empty() {
            call(
                ctx,
                &op,
                ctx.dynamodb.tag_resource().resource_arn(arn).set_tags(Some(set)).send(),
            )?;
        }
        Ok(())
    }

    /// The in-place changes of an update, one UpdateTable at a time (DynamoDB rejects some
    /// combinations in one call), waiting for the table between them.
    fn apply_update(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name") else {
            return Err(invalid("updating DynamoDB Table: the state has no name"));
        };
        let op = format!("updating DynamoDB Table ({name})");
        let current = self.wait_active(ctx, name, progress)?;
        let billing = sref(planned, "billing_mode").unwrap_or("PROVISIONED");
        let billing_changed = sref(prior, "billing_mode").unwrap_or("PROVISIONED") != billing;
        let capacity_changed = billing == "PROVISIONED"
            && (number(&prior.get("read_capacity")) != number(&planned.get("read_capacity"))
                || number(&prior.get("write_capacity")) != number(&planned.get("write_capacity")));
        if billing_changed || capacity_changed {
            let mut req = ctx
                .dynamodb
                .update_table()
                .table_name(name)
                .billing_mode(BillingMode::from(billing));
            if billing == "PROVISIONED" {
                req = req.provisioned_throughput(self.throughput(planned)?);
            }
            progress(&format!("changing billing to {billing}"));
            call(ctx, &op, req.send())?;
            self.wait_active(ctx, name, progress)?;
        }
        let (was_enc, was_key) = sse_of(prior);
        let (enc, key) = sse_of(planned);
        if was_enc != enc || (enc && was_key != key) {
            progress("changing encryption at rest");
            call(
                ctx,
                &op,
                ctx.dynamodb
                    .update_table()
                    .table_name(name)
                    .sse_specification(self.sse_spec(enc, key.as_deref()))
                    .send(),
            )?;
            self.wait_active(ctx, name, progress)?;
        }
        let was_stream = prior.get("stream_enabled").as_bool().unwrap_or(false);
        let stream = planned.get("stream_enabled").as_bool().unwrap_or(false);
        let view_changed = stream && sref(prior, "stream_view_type") != sref(planned, "stream_view_type");
        if was_stream != stream || view_changed {
            if was_stream && view_changed {
                // A stream's view type cannot be changed in place: turn it off first.
                call(
                    ctx,
                    &op,
                    ctx.dynamodb
                        .update_table()
                        .table_name(name)
                        .stream_specification(self.stream_spec(&Value::Null)?)
                        .send(),
                )?;
                self.wait_active(ctx, name, progress)?;
            }
            call(
                ctx,
                &op,
                ctx.dynamodb
                    .update_table()
                    .table_name(name)
                    .stream_specification(self.stream_spec(planned)?)
                    .send(),
            )?;
            self.wait_active(ctx, name, progress)?;
        }
        let was_protected = prior.get("deletion_protection_enabled").as_bool().unwrap_or(false);
        let protected = planned.get("deletion_protection_enabled").as_bool().unwrap_or(false);
        if was_protected != protected {
            call(
                ctx,
                &op,
                ctx.dynamodb
                    .update_table()
                    .table_name(name)
                    .deletion_protection_enabled(protected)
                    .send(),
            )?;
            self.wait_active(ctx, name, progress)?;
        }
        if pitr_of(prior) != pitr_of(planned) {
            self.set_pitr(ctx, name, pitr_of(planned))?;
        }
        self.apply_ttl(ctx, name, ttl_of(prior), planned)?;
        let arn = current
            .table_arn()
            .or_else(|| sref(prior, "arn"))
            .unwrap_or_default()
            .to_string();
        self.update_tags(ctx, &arn, &prior.get("tags_all"), &planned.get("tags_all"))
    }
}

impl ResourceType for Table {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_table"
    }

    fn schema(&self) -> Schema {
        table_schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            let ok = (3..=255).contains(&name.len())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
            if !ok {
                out.push(problem(
                    "name",
                    format!("table name {name:?} must be 3 to 255 characters of letters, digits, `_`, `-` and `.`"),
                ));
            }
        }
        let billing = config.get("billing_mode");
        if let Some(b) = billing.as_str() {
            if !BILLING_MODES.contains(&b) {
                out.push(problem(
                    "billing_mode",
                    format!("billing_mode must be PROVISIONED or PAY_PER_REQUEST, not {b:?}"),
                ));
            }
        }
        let provisioned = billing.is_null() || billing.as_str() == Some("PROVISIONED");
        for key in ["read_capacity", "write_capacity"] {
            let v = config.get(key);
            if provisioned && v.is_null() {
                out.push(problem(
                    key,
                    format!("{key} is required with billing_mode = \"PROVISIONED\" (the default); or set billing_mode = \"PAY_PER_REQUEST\""),
                ));
            }
            if billing.as_str() == Some("PAY_PER_REQUEST") && v.as_f64().is_some_and(|n| n != 0.0) {
                out.push(problem(
                    key,
                    format!("{key} cannot be set with billing_mode = \"PAY_PER_REQUEST\": remove it"),
                ));
            }
            if provisioned && v.as_f64().is_some_and(|n| n < 1.0) {
                out.push(problem(key, format!("{key} must be at least 1")));
            }
        }
        let attributes = block_items(config, "attribute");
        let known_attributes = !config.get("attribute").contains_unknown();
        let mut names = Vec::new();
        for a in &attributes {
            if let Some(n) = sref(a, "name") {
                names.push(n.to_string());
            }
            if let Some(t) = sref(a, "type") {
                if !["S", "N", "B"].contains(&t) {
                    out.push(problem(
                        "attribute",
                        format!("attribute type must be S (string), N (number) or B (binary), not {t:?}"),
                    ));
                }
            }
        }
        let keys: Vec<String> = ["hash_key", "range_key"]
            .iter()
            .filter_map(|k| sref(config, k).map(str::to_string))
            .collect();
        if known_attributes {
            for (attr, key) in ["hash_key", "range_key"]
                .iter()
                .filter_map(|k| sref(config, k).map(|v| (*k, v)))
            {
                if !names.iter().any(|n| n == key) {
                    out.push(problem(
                        attr,
                        format!("{attr} {key:?} needs an `attribute` block with name = {key:?} and its type"),
                    ));
                }
            }
            let keys_known = ["hash_key", "range_key"].iter().all(|k| !config.get(k).is_unknown());
            if keys_known {
                for n in &names {
                    if !keys.contains(n) {
                        out.push(problem(
                            "attribute",
                            format!(
                                "attribute {n:?} is not a key: DynamoDB only accepts definitions of key attributes \
                                 (secondary indexes are not supported by this provider yet); remove the block"
                            ),
                        ));
                    }
                }
            }
        }
        if let Some(b) = first(config, "server_side_encryption") {
            if b.get("enabled").as_bool() == Some(false) && !b.get("kms_key_arn").is_null() {
                out.push(problem(
                    "server_side_encryption",
                    "kms_key_arn needs enabled = true (enabled = false means the AWS owned key)",
                ));
            }
        }
        if let Some(b) = first(config, "ttl") {
            if b.get("enabled").as_bool() == Some(true) && b.get("attribute_name").is_null() {
                out.push(problem("ttl", "ttl with enabled = true needs attribute_name"));
            }
        }
        let stream = config.get("stream_enabled").as_bool();
        if stream == Some(true) && config.get("stream_view_type").is_null() {
            out.push(problem(
                "stream_view_type",
                "stream_enabled = true needs stream_view_type (KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES)",
            ));
        }
        if let Some(v) = config.get("stream_view_type").as_str() {
            if !STREAM_VIEWS.contains(&v) {
                out.push(problem(
                    "stream_view_type",
                    format!(
                        "stream_view_type must be KEYS_ONLY, NEW_IMAGE, OLD_IMAGE or NEW_AND_OLD_IMAGES, not {v:?}"
                    ),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let schema = table_schema();
        let mut st = into_state(&proposed);
        st.insert("tags_all".into(), tags_all(ctx, get(&st, "tags")));
        st.insert("id".into(), get(&st, "name").clone());
        if get(&st, "billing_mode").is_null() {
            st.insert("billing_mode".into(), Value::from("PROVISIONED"));
        }
        if get(&st, "billing_mode").as_str() == Some("PAY_PER_REQUEST") {
            st.insert("read_capacity".into(), Value::Number(0.0));
            st.insert("write_capacity".into(), Value::Number(0.0));
        }
        for block in ["attribute", "server_side_encryption", "point_in_time_recovery", "ttl"] {
            let cleaned = clean_block(&schema, block, block_items(&proposed, block));
            st.insert(block.into(), cleaned);
        }
        let stream = get(&st, "stream_enabled").as_bool().unwrap_or(false);
        if !stream && !get(&st, "stream_enabled").is_unknown() {
            st.insert("stream_view_type".into(), Value::Null);
            st.insert("stream_arn".into(), Value::Null);
            st.insert("stream_label".into(), Value::Null);
        }
        match prior {
            None => {
                st.insert("arn".into(), Value::Unknown);
                if stream {
                    st.insert("stream_arn".into(), Value::Unknown);
                    st.insert("stream_label".into(), Value::Unknown);
                }
            }
            Some(prior) => {
                let was = prior.get("stream_enabled").as_bool().unwrap_or(false);
                let view_changed = prior.get("stream_view_type") != *get(&st, "stream_view_type");
                if stream && (!was || view_changed) {
                    st.insert("stream_arn".into(), Value::Unknown);
                    st.insert("stream_label".into(), Value::Unknown);
                }
            }
        }
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (Some(name), Some(hash_key)) = (sref(planned, "name"), sref(planned, "hash_key")) else {
            return (
                None,
                Some(invalid("creating DynamoDB Table: name and hash_key are required")),
            );
        };
        let op = format!("creating DynamoDB Table ({name})");
        let build = || -> Result<_, ProviderError> {
            let definitions = block_items(planned, "attribute")
                .iter()
                .map(|a| {
                    AttributeDefinition::builder()
                        .attribute_name(sref(a, "name").unwrap_or_default())
                        .attribute_type(attr_type(sref(a, "type").unwrap_or("S")))
                        .build()
                        .map_err(|e| invalid(format!("{op}: attribute: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            let mut key_schema = vec![KeySchemaElement::builder()
                .attribute_name(hash_key)
                .key_type(KeyType::Hash)
                .build()
                .map_err(|e| invalid(format!("{op}: hash_key: {e}")))?];
            if let Some(range) = sref(planned, "range_key") {
                key_schema.push(
                    KeySchemaElement::builder()
                        .attribute_name(range)
                        .key_type(KeyType::Range)
                        .build()
                        .map_err(|e| invalid(format!("{op}: range_key: {e}")))?,
                );
            }
            let billing = sref(planned, "billing_mode").unwrap_or("PROVISIONED");
            let mut req = ctx
                .dynamodb
                .create_table()
                .table_name(name)
                .set_attribute_definitions(Some(definitions))
                .set_key_schema(Some(key_schema))
                .billing_mode(BillingMode::from(billing));
            if billing == "PROVISIONED" {
                req = req.provisioned_throughput(self.throughput(planned)?);
            }
            let (enc, key) = sse_of(planned);
            if enc {
                req = req.sse_specification(self.sse_spec(true, key.as_deref()));
            }
            if planned.get("stream_enabled").as_bool() == Some(true) {
                req = req.stream_specification(self.stream_spec(planned)?);
            }
            if let Some(p) = planned.get("deletion_protection_enabled").as_bool() {
                req = req.deletion_protection_enabled(p);
            }
            let tags = string_map(&planned.get("tags_all"));
            if !tags.is_empty() {
                let tags = tags
                    .iter()
                    .map(|(k, v)| {
                        Tag::builder()
                            .key(k)
                            .value(v)
                            .build()
                            .map_err(|e| invalid(format!("tag {k:?}: {e}")))
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                req = req.set_tags(Some(tags));
            }
            Ok(req)
        };
        let req = match build() {
            Ok(r) => r,
            Err(e) => return (None, Some(e)),
        };
        intent(name);
        if let Err(e) = call(ctx, &op, req.send()) {
            let e = if e.code == "ResourceInUseException" {
                ProviderError::new(
                    e.code.clone(),
                    format!(
                        "{}\n\nA table named {name} already exists in this account and region: import it (import \
                         ID: the table name) or choose another name.",
                        e.message
                    ),
                )
            } else {
                e
            };
            return (None, Some(e));
        }
        let settle = || -> Result<(), ProviderError> {
            self.wait_active(ctx, name, progress)?;
            if pitr_of(planned) {
                self.set_pitr(ctx, name, true)?;
            }
            self.apply_ttl(ctx, name, (false, None), planned)
        };
        let result = settle();
        match (self.fetch(ctx, name, planned), result) {
            (Ok(state), Ok(())) => (state, None),
            (Ok(state), Err(e)) => (state, Some(e)),
            (Err(e), _) => {
                // The table exists: record it so that it is not orphaned.
                let mut st = into_state(planned);
                st.insert("id".into(), Value::string(name));
                (Some(finish(&table_schema(), st)), Some(e))
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(name) = sref(prior, "name") else {
            return (
                Some(prior.clone()),
                Some(invalid("updating DynamoDB Table: the state has no name")),
            );
        };
        let result = self.apply_update(ctx, prior, planned, progress);
        match (self.fetch(ctx, name, planned), result) {
            (Ok(Some(state)), Ok(())) => (Some(state), None),
            (Ok(None), Ok(())) => (
                None,
                Some(ProviderError::new(
                    "NotFound",
                    format!("updating DynamoDB Table ({name}): the table no longer exists"),
                )),
            ),
            (Ok(state), Err(e)) => (state, Some(e)),
            (Err(e), Ok(())) => (Some(prior.clone()), Some(e)),
            (Err(_), Err(e)) => (Some(prior.clone()), Some(e)),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        if let Some(table) = self.describe(ctx, name)? {
            if table
                .table_status()
                .is_some_and(|s| s.as_str() != "ACTIVE" && s.as_str() != "DELETING")
            {
                self.wait_active(ctx, name, progress)?;
            }
        }
        match call(
            ctx,
            &format!("deleting DynamoDB Table ({name})"),
            ctx.dynamodb.delete_table().table_name(name).send(),
        ) {
            Ok(_) => {}
            Err(e) if is_not_found(&e.code) => return Ok(()),
            Err(e) if e.message.contains("deletion protection") || e.message.contains("DeletionProtection") => {
                return Err(ProviderError::new(
                    e.code.clone(),
                    format!(
                        "{}\n\nThe table has deletion protection: set deletion_protection_enabled = false and \
                         apply, then destroy it.",
                        e.message
                    ),
                ))
            }
            Err(e) => return Err(e),
        }
        let start = Instant::now();
        let mut delay = Duration::from_secs(1);
        let mut reported = false;
        while self.describe(ctx, name)?.is_some() {
            if !reported {
                progress(&format!("table {name} is DELETING; waiting for it to be gone"));
                reported = true;
            }
            if start.elapsed() > TABLE_TIMEOUT {
                return Err(ProviderError::new(
                    "Timeout",
                    format!(
                        "DynamoDB Table ({name}) is still being deleted after {} minutes",
                        TABLE_TIMEOUT.as_secs() / 60
                    ),
                ));
            }
            delay = backoff(delay, Duration::from_secs(5));
        }
        Ok(())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.fetch(ctx, name, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
