//! The DynamoDB calls behind aws_dynamodb_table: describe, wait, read, update.

use crate::dynamodb::table_waiter;
use crate::dynamodb::{
    first, indexes_busy, number, on_demand_of, pitr_of, read_indexes, read_replicas, sse_of, table_schema, ttl_of,
    Known, Table, MANAGED_KEY_ALIAS,
};
use crate::resource::Ctx;
use crate::support::attrs::{block_items, call, finish, invalid, sref, string_map, State};
use crate::support::error::is_not_found;
use crate::support::tags::split_tags;
use crate::support::wait::Poll;
use aws_sdk_dynamodb::operation::update_table::builders::UpdateTableFluentBuilder;
use aws_sdk_dynamodb::types::{
    BillingMode, KeyType, OnDemandThroughput, PointInTimeRecoverySpecification, ProvisionedThroughput,
    SseSpecification, SseType, StreamSpecification, StreamViewType, TableClass, TableDescription, Tag,
    TimeToLiveSpecification,
};
use engine::core::provider::ProviderError;
use engine::core::value::{map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

impl Table {
    pub(super) fn describe(&self, ctx: &Ctx, name: &str) -> Result<Option<TableDescription>, ProviderError> {
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
    pub(super) fn wait_active(
        &self,
        ctx: &Ctx,
        name: &str,
        limit: Duration,
        progress: &dyn Fn(&str),
    ) -> Result<TableDescription, ProviderError> {
        let show = |now: &str| progress(&format!("table {name} is {now}; waiting for it to become ACTIVE"));
        let waited = table_waiter(format!("DynamoDB Table ({name})"), limit, &show)
            .timeout_message(|last| {
                format!(
                    "DynamoDB Table ({name}) is still {last} after {} minutes; run apply again to continue (or give timeouts a longer limit)",
                    limit.as_secs() / 60
                )
            })
            .wait(|| {
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
                let index = indexes_busy(&table);
                let busy = status != "ACTIVE"
                    || matches!(sse.as_str(), "ENABLING" | "DISABLING" | "UPDATING")
                    || index.is_some();
                if !busy {
                    return Ok(Poll::Ready(table));
                }
                let mut now = if sse.is_empty() {
                    status
                } else {
                    format!("{status}, encryption {sse}")
                };
                if let Some(index) = index {
                    now = format!("{now}, {index}");
                }
                Ok(Poll::Pending(now))
            });
        waited
    }

    /// True when `key_arn` is the AWS managed key of DynamoDB. `None` when KMS cannot tell
    /// (no permission to describe keys, say).
    pub(super) fn is_managed_key(&self, ctx: &Ctx, key_arn: &str) -> Option<bool> {
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
    pub(super) fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(table) = self.describe(ctx, name)? else {
            return Ok(None);
        };
        self.state_of(ctx, name, &table, None, prior).map(Some)
    }

    /// The state of `table` as DescribeTable answered it, with its recovery, TTL and tags read
    /// apart, or taken from `known` (what a create has just set).
    pub(super) fn state_of(
        &self,
        ctx: &Ctx,
        name: &str,
        table: &TableDescription,
        known: Option<&Known>,
        prior: &Value,
    ) -> Result<Value, ProviderError> {
        let arn = table.table_arn().unwrap_or_default().to_string();
        let mut st = State::new();
        let table_name = table.table_name().unwrap_or(name).to_string();
        st.insert("name".into(), Value::string(&table_name));
        st.insert("id".into(), Value::string(&table_name));
        st.insert("arn".into(), Value::string(&arn));
        let replicas = read_replicas(table);
        let replicas = if replicas.as_list().is_some_and(|l| !l.is_empty()) {
            self.read_replica_settings(ctx, &table_name, replicas, prior)?
        } else {
            replicas
        };
        st.insert("replica".into(), replicas);
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
        st.insert("attribute".into(), Value::List(attributes.into()));
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
        let (global, local) = read_indexes(table, billing == "PAY_PER_REQUEST");
        st.insert("global_secondary_index".into(), global);
        st.insert("local_secondary_index".into(), local);
        st.insert("billing_mode".into(), Value::string(billing));
        st.insert("read_capacity".into(), Value::from(read as i64));
        st.insert("write_capacity".into(), Value::from(write as i64));

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
        st.insert("server_side_encryption".into(), Value::List(sse_block.into()));

        let pitr = match known {
            Some(k) => k.pitr,
            None => {
                let backups = call(
                    ctx,
                    &format!("reading point-in-time recovery of DynamoDB Table ({name})"),
                    ctx.dynamodb.describe_continuous_backups().table_name(name).send(),
                )?;
                backups
                    .continuous_backups_description()
                    .and_then(|d| d.point_in_time_recovery_description())
                    .and_then(|p| p.point_in_time_recovery_status())
                    .is_some_and(|s| s.as_str() == "ENABLED")
            }
        };
        let pitr_block = if pitr || !block_items(prior, "point_in_time_recovery").is_empty() {
            vec![map([("enabled", Value::Bool(pitr))])]
        } else {
            Vec::new()
        };
        st.insert("point_in_time_recovery".into(), Value::List(pitr_block.into()));

        let (ttl_on, ttl_attribute) = match known {
            Some(k) => k.ttl.clone(),
            None => {
                let ttl = call(
                    ctx,
                    &format!("reading the TTL of DynamoDB Table ({name})"),
                    ctx.dynamodb.describe_time_to_live().table_name(name).send(),
                )?;
                let desc = ttl.time_to_live_description();
                (
                    desc.and_then(|d| d.time_to_live_status())
                        .is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING")),
                    desc.and_then(|d| d.attribute_name()).map(str::to_string),
                )
            }
        };
        let ttl_block = if ttl_on {
            vec![map([
                (
                    "attribute_name",
                    ttl_attribute.map(Value::string).unwrap_or(Value::Null),
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
        st.insert("ttl".into(), Value::List(ttl_block.into()));

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
        // The default class and DynamoDB's default maximums (none) are recorded as unset
        // unless the configuration set them: a table made without them plans no change.
        let class = table
            .table_class_summary()
            .and_then(|c| c.table_class())
            .map(|c| c.as_str().to_string())
            .unwrap_or_else(|| "STANDARD".to_string());
        st.insert(
            "table_class".into(),
            if class == "STANDARD" && prior.get("table_class").is_null() {
                Value::Null
            } else {
                Value::string(class)
            },
        );
        let limit = |v: Option<i64>| match v {
            Some(n) if n > 0 => Value::from(n as i64),
            _ => Value::Null,
        };
        let on_demand = table
            .on_demand_throughput()
            .map(|t| (limit(t.max_read_request_units()), limit(t.max_write_request_units())));
        let on_demand = match on_demand {
            Some((read, write)) if !(read.is_null() && write.is_null()) => vec![map([
                ("max_read_request_units", read),
                ("max_write_request_units", write),
            ])],
            _ if !block_items(prior, "on_demand_throughput").is_empty() => vec![map([
                ("max_read_request_units", Value::Null),
                ("max_write_request_units", Value::Null),
            ])],
            _ => Vec::new(),
        };
        st.insert("on_demand_throughput".into(), Value::List(on_demand.into()));
        let protection = table.deletion_protection_enabled().unwrap_or(false);
        st.insert(
            "deletion_protection_enabled".into(),
            if !protection && prior.get("deletion_protection_enabled").is_null() {
                Value::Null
            } else {
                Value::Bool(protection)
            },
        );

        let tags = match known {
            Some(k) => k.tags.clone(),
            None => self.list_tags(ctx, name, &arn)?,
        };
        let (own, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), own);
        st.insert("tags_all".into(), all);
        // DescribeTable does not tell how the table was made: the import stays as recorded.
        if let Some(import) = prior.get_ref("import_table").filter(|v| !v.is_null()) {
            st.insert("import_table".into(), import.clone());
        }
        Ok(finish(&table_schema(), st))
    }

    fn list_tags(&self, ctx: &Ctx, name: &str, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
        let mut tags = BTreeMap::new();
        let mut token: Option<String> = None;
        loop {
            let out = call(
                ctx,
                &format!("listing tags of DynamoDB Table ({name})"),
                ctx.dynamodb
                    .list_tags_of_resource()
                    .resource_arn(arn)
                    .set_next_token(token.clone())
                    .send(),
            )?;
            for t in out.tags() {
                tags.insert(t.key().to_string(), t.value().to_string());
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                return Ok(tags);
            }
        }
    }

    pub(super) fn sse_spec(&self, enabled: bool, key: Option<&str>) -> SseSpecification {
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

    pub(super) fn throughput(&self, planned: &Value) -> Result<ProvisionedThroughput, ProviderError> {
        ProvisionedThroughput::builder()
            .read_capacity_units(number(&planned.get("read_capacity")).unwrap_or(0))
            .write_capacity_units(number(&planned.get("write_capacity")).unwrap_or(0))
            .build()
            .map_err(|e| invalid(format!("provisioned throughput: {e}")))
    }

    pub(super) fn stream_spec(&self, planned: &Value) -> Result<StreamSpecification, ProviderError> {
        let enabled = planned.get("stream_enabled").as_bool().unwrap_or(false);
        let mut b = StreamSpecification::builder().stream_enabled(enabled);
        if enabled {
            if let Some(view) = sref(planned, "stream_view_type") {
                b = b.stream_view_type(StreamViewType::from(view));
            }
        }
        b.build().map_err(|e| invalid(format!("stream specification: {e}")))
    }

    /// Turns point-in-time recovery on or off through `client` (the table's region, or a
    /// replica's).
    pub(super) fn set_pitr(
        &self,
        ctx: &Ctx,
        client: &aws_sdk_dynamodb::Client,
        name: &str,
        enabled: bool,
    ) -> Result<(), ProviderError> {
        let spec = PointInTimeRecoverySpecification::builder()
            .point_in_time_recovery_enabled(enabled)
            .build()
            .map_err(|e| invalid(format!("point-in-time recovery: {e}")))?;
        call(
            ctx,
            &format!("setting point-in-time recovery of DynamoDB Table ({name})"),
            client
                .update_continuous_backups()
                .table_name(name)
                .point_in_time_recovery_specification(spec)
                .send(),
        )
        .map(|_| ())
    }

    pub(super) fn set_ttl(&self, ctx: &Ctx, name: &str, enabled: bool, attribute: &str) -> Result<(), ProviderError> {
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
    pub(super) fn apply_ttl(
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

    /// Brings the tags of `arn` from `old` to `new` through `client` (the table's region, or a
    /// replica's).
    pub(super) fn update_tags(
        &self,
        ctx: &Ctx,
        client: &aws_sdk_dynamodb::Client,
        arn: &str,
        old: &Value,
        new: &Value,
    ) -> Result<(), ProviderError> {
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
                client
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
                client.tag_resource().resource_arn(arn).set_tags(Some(set)).send(),
            )?;
        }
        Ok(())
    }

    /// The in-place changes of an update, one UpdateTable at a time (DynamoDB rejects some
    /// combinations in one call), waiting for the table between them.
    pub(super) fn apply_update(
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
        let limit = crate::support::timeouts::limit(planned, "update", super::UPDATE_TIMEOUT);
        let current = self.wait_active(ctx, name, limit, progress)?;
        // DynamoDB takes one kind of change per UpdateTable call, and the next only once the
        // table is ACTIVE again.
        let change = |set: &dyn Fn(UpdateTableFluentBuilder) -> UpdateTableFluentBuilder| {
            call(ctx, &op, set(ctx.dynamodb.update_table().table_name(name)).send())?;
            self.wait_active(ctx, name, limit, progress).map(|_| ())
        };
        let billing = sref(planned, "billing_mode").unwrap_or("PROVISIONED");
        let billing_changed = sref(prior, "billing_mode").unwrap_or("PROVISIONED") != billing;
        let capacity_changed = billing == "PROVISIONED"
            && (number(&prior.get("read_capacity")) != number(&planned.get("read_capacity"))
                || number(&prior.get("write_capacity")) != number(&planned.get("write_capacity")));
        if billing_changed || capacity_changed {
            let throughput = match billing {
                "PROVISIONED" => Some(self.throughput(planned)?),
                _ => None,
            };
            progress(&format!("changing billing to {billing}"));
            change(&|r| {
                r.billing_mode(BillingMode::from(billing))
                    .set_provisioned_throughput(throughput.clone())
            })?;
        }
        let (was_enc, was_key) = sse_of(prior);
        let (enc, key) = sse_of(planned);
        if was_enc != enc || (enc && was_key != key) {
            progress("changing encryption at rest");
            change(&|r| r.sse_specification(self.sse_spec(enc, key.as_deref())))?;
        }
        let was_stream = prior.get("stream_enabled").as_bool().unwrap_or(false);
        let stream = planned.get("stream_enabled").as_bool().unwrap_or(false);
        let view_changed = stream && sref(prior, "stream_view_type") != sref(planned, "stream_view_type");
        if was_stream != stream || view_changed {
            if was_stream && view_changed {
                // A stream's view type cannot be changed in place: turn it off first.
                let off = self.stream_spec(&Value::Null)?;
                change(&|r| r.stream_specification(off.clone()))?;
            }
            let spec = self.stream_spec(planned)?;
            change(&|r| r.stream_specification(spec.clone()))?;
        }
        self.update_global_indexes(ctx, name, prior, planned, progress)?;
        let class = sref(planned, "table_class").unwrap_or("STANDARD");
        if sref(prior, "table_class").unwrap_or("STANDARD") != class {
            progress(&format!("changing the table class to {class}"));
            change(&|r| r.table_class(TableClass::from(class)))?;
        }
        if on_demand_of(prior) != on_demand_of(planned) {
            // -1 removes a maximum: DynamoDB's default is none.
            let limits = on_demand_of(planned).unwrap_or_else(|| {
                OnDemandThroughput::builder()
                    .max_read_request_units(-1)
                    .max_write_request_units(-1)
                    .build()
            });
            change(&|r| r.on_demand_throughput(limits.clone()))?;
        }
        let was_protected = prior.get("deletion_protection_enabled").as_bool().unwrap_or(false);
        let protected = planned.get("deletion_protection_enabled").as_bool().unwrap_or(false);
        if was_protected != protected {
            change(&|r| r.deletion_protection_enabled(protected))?;
        }
        if pitr_of(prior) != pitr_of(planned) {
            self.set_pitr(ctx, &ctx.dynamodb, name, pitr_of(planned))?;
        }
        self.apply_ttl(ctx, name, ttl_of(prior), planned)?;
        self.sync_replicas(ctx, name, prior, planned, progress)?;
        let arn = current
            .table_arn()
            .or_else(|| sref(prior, "arn"))
            .unwrap_or_default()
            .to_string();
        self.update_tags(
            ctx,
            &ctx.dynamodb,
            &arn,
            &prior.get("tags_all"),
            &planned.get("tags_all"),
        )
    }
}
