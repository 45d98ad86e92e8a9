//! aws_dynamodb_table.

use crate::dynamodb::table_waiter;
use crate::dynamodb::{
    attr_type, check_replicas, first, global_indexes, import_problems, import_table_block, index_keys, index_problems,
    local_indexes, on_demand_of, pitr_of, plan_replicas, sse_of, with_indexes, with_replicas, Known, BILLING_MODES,
    STREAM_VIEWS, TABLE_TIMEOUT,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, finish, get, into_state, invalid, map_of_strings, problem, sref, string_map,
};
use crate::support::error::is_not_found;
use crate::support::tags::tags_all;
use crate::support::wait::Poll;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, KeySchemaElement, KeyType, TableClass, TableDescription, Tag,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Table;

pub(super) fn table_schema() -> Schema {
    let mut schema = Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("billing_mode", Attribute::optional(Type::String).one_of(&BILLING_MODES))
        .attr("read_capacity", Attribute::optional_computed(Type::Number))
        .attr("write_capacity", Attribute::optional_computed(Type::Number))
        .attr("hash_key", Attribute::required(Type::String).force_new())
        .attr("range_key", Attribute::optional(Type::String).force_new())
        .attr("stream_enabled", Attribute::optional(Type::Bool))
        .attr(
            "stream_view_type",
            Attribute::optional_computed(Type::String).one_of(&STREAM_VIEWS),
        )
        .attr("deletion_protection_enabled", Attribute::optional(Type::Bool))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::computed(map_of_strings()))
        .attr("arn", Attribute::computed(Type::String))
        .attr("stream_arn", Attribute::computed(Type::String))
        .attr("stream_label", Attribute::computed(Type::String))
        .block(
            "attribute",
            Nesting::Set,
            Schema::new()
                .attr("name", Attribute::required(Type::String))
                .attr("type", Attribute::required(Type::String).one_of(&["S", "N", "B"])),
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
        )
        .attr(
            "table_class",
            Attribute::optional(Type::String).one_of(&["STANDARD", "STANDARD_INFREQUENT_ACCESS"]),
        )
        .block(
            "on_demand_throughput",
            Nesting::Single,
            Schema::new()
                .attr("max_read_request_units", Attribute::optional(Type::Number))
                .attr("max_write_request_units", Attribute::optional(Type::Number)),
        );
    schema = import_table_block(with_replicas(with_indexes(schema))).timeouts(&["create", "update", "delete"]);
    if let Some(b) = schema.blocks.get_mut("attribute") {
        b.min_items = 1;
    }
    schema
}

/// Keeps only the attributes a block schema has, each with a value (`Null` when absent), and
/// turns unknown optional values into nulls: the block values of a plan are as configured.
pub(super) fn clean_block(schema: &Schema, block: &str, items: Vec<Value>) -> Value {
    let Some(bt) = schema.blocks.get(block) else {
        return Value::List(items.into());
    };
    let mut out: Vec<Value> = items
        .into_iter()
        .map(|item| {
            let mut m: BTreeMap<String, Value> = bt
                .schema
                .attributes
                .iter()
                .map(|(name, a)| {
                    let v = item.get(name).deep_unmark();
                    let v = if v.is_unknown() && !a.required { Value::Null } else { v };
                    (name.clone(), v)
                })
                .collect();
            // A nested block (an index's on-demand maximums) is kept as planned, a block left
            // out as none.
            for name in bt.schema.blocks.keys() {
                m.insert(name.clone(), Value::List(block_items(&item, name).into()));
            }
            Value::Map(m.into())
        })
        .collect();
    if bt.nesting == Nesting::Set {
        out.sort_by_key(|v| v.to_string());
    }
    Value::List(out.into())
}

/// The attribute definitions and key schema of `planned` (`hash_key`, then `range_key`).
pub(super) fn key_definitions(
    planned: &Value,
    op: &str,
) -> Result<(Vec<AttributeDefinition>, Vec<KeySchemaElement>), ProviderError> {
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
        .attribute_name(sref(planned, "hash_key").unwrap_or_default())
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
    Ok((definitions, key_schema))
}

impl ResourceType for Table {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_table"
    }

    fn schema(&self) -> Schema {
        // The AWS provider's schema version for the type: its states read as this version.
        table_schema().version(1)
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = crate::support::timeouts::check(config);
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
        if provisioned && on_demand_of(config).is_some() {
            out.push(problem(
                "on_demand_throughput",
                "on_demand_throughput applies to on-demand tables: set billing_mode = \"PAY_PER_REQUEST\", or remove it",
            ));
        }
        let attributes = block_items(config, "attribute");
        let known_attributes = !config.get("attribute").contains_unknown();
        let mut names = Vec::new();
        for a in &attributes {
            if let Some(n) = sref(a, "name") {
                names.push(n.to_string());
            }
        }
        let mut keys: Vec<String> = ["hash_key", "range_key"]
            .iter()
            .filter_map(|k| sref(config, k).map(str::to_string))
            .collect();
        keys.extend(index_keys(config));
        for key in index_keys(config) {
            if known_attributes && !names.contains(&key) {
                out.push(problem(
                    "attribute",
                    format!("index key {key:?} needs an `attribute` block with name = {key:?} and its type"),
                ));
            }
        }
        out.extend(index_problems(config));
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
                                "attribute {n:?} is not a key of the table or of an index: DynamoDB only accepts \
                                 definitions of key attributes; remove the block"
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
        out.extend(check_replicas(config));
        out.extend(import_problems(config));
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let schema = table_schema();
        let mut st = into_state(&proposed);
        st.insert("tags_all".into(), tags_all(ctx, get(&st, "tags")));
        st.insert("id".into(), get(&st, "name").clone());
        // Unset is AWS's STANDARD, which Terraform's provider records by name.
        if get(&st, "table_class").is_null() && prior.is_some_and(|p| p.get("table_class").as_str() == Some("STANDARD"))
        {
            st.insert("table_class".into(), Value::from("STANDARD"));
        }
        if get(&st, "billing_mode").is_null() {
            st.insert("billing_mode".into(), Value::from("PROVISIONED"));
        }
        if get(&st, "billing_mode").as_str() == Some("PAY_PER_REQUEST") {
            st.insert("read_capacity".into(), Value::from(0.0));
            st.insert("write_capacity".into(), Value::from(0.0));
        }
        if get(&st, "billing_mode").as_str() == Some("PAY_PER_REQUEST") {
            // On-demand indexes have no capacity, whatever the configuration leaves open.
            let indexes: Vec<Value> = block_items(&proposed, "global_secondary_index")
                .into_iter()
                .map(|mut i| {
                    if let Value::Map(m) = &mut i {
                        m.insert("read_capacity".into(), Value::Null);
                        m.insert("write_capacity".into(), Value::Null);
                    }
                    i
                })
                .collect();
            let cleaned = clean_block(&schema, "global_secondary_index", indexes);
            st.insert("global_secondary_index".into(), cleaned);
        } else {
            let cleaned = clean_block(
                &schema,
                "global_secondary_index",
                block_items(&proposed, "global_secondary_index"),
            );
            st.insert("global_secondary_index".into(), cleaned);
        }
        for block in [
            "attribute",
            "server_side_encryption",
            "point_in_time_recovery",
            "ttl",
            "local_secondary_index",
        ] {
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
                st.insert("arn".into(), Value::UNKNOWN);
                if stream {
                    st.insert("stream_arn".into(), Value::UNKNOWN);
                    st.insert("stream_label".into(), Value::UNKNOWN);
                }
            }
            Some(prior) => {
                let was = prior.get("stream_enabled").as_bool().unwrap_or(false);
                let view_changed = prior.get("stream_view_type") != *get(&st, "stream_view_type");
                if stream && (!was || view_changed) {
                    st.insert("stream_arn".into(), Value::UNKNOWN);
                    st.insert("stream_label".into(), Value::UNKNOWN);
                }
            }
        }
        let replicas = plan_replicas(&proposed, get(&st, "arn"));
        st.insert("replica".into(), replicas);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(name), Some(_)) = (sref(planned, "name"), sref(planned, "hash_key")) else {
            return ApplyOutcome::failed(invalid("creating DynamoDB Table: name and hash_key are required"));
        };
        let op = format!("creating DynamoDB Table ({name})");
        if let Some(import) = first(planned, "import_table") {
            return self.create_by_import(ctx, name, planned, &import, step.intent, step.progress);
        }
        let build = || -> Result<_, ProviderError> {
            let (definitions, key_schema) = key_definitions(planned, &op)?;
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
            if let Some(class) = sref(planned, "table_class") {
                req = req.table_class(TableClass::from(class));
            }
            if let Some(limits) = on_demand_of(planned) {
                req = req.on_demand_throughput(limits);
            }
            let (global, local) = (global_indexes(planned)?, local_indexes(planned)?);
            if !global.is_empty() {
                req = req.set_global_secondary_indexes(Some(global));
            }
            if !local.is_empty() {
                req = req.set_local_secondary_indexes(Some(local));
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
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(name);
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
                .with_outcome_unknown(e.outcome_unknown)
            } else {
                e
            };
            return ApplyOutcome::failed(e);
        }
        // The table as it became ACTIVE, unless replicas changed it since.
        let settle = || -> Result<Option<TableDescription>, ProviderError> {
            let limit = crate::support::timeouts::limit(planned, "create", TABLE_TIMEOUT);
            let table = self.wait_active(ctx, name, limit, step.progress)?;
            if pitr_of(planned) {
                self.set_pitr(ctx, &ctx.dynamodb, name, true)?;
            }
            self.apply_ttl(ctx, name, (false, None), planned)?;
            self.sync_replicas(ctx, name, &Value::Null, planned, step.progress)?;
            Ok(block_items(planned, "replica").is_empty().then_some(table))
        };
        let result = settle();
        // What the create has just set (recovery, TTL, tags) is not asked for again.
        let read = match &result {
            Ok(Some(table)) => self
                .state_of(ctx, name, table, Some(&Known::of(planned)), planned)
                .map(Some),
            _ => self.fetch(ctx, name, planned),
        };
        match (read, result.map(|_| ())) {
            (Ok(state), Ok(())) => ApplyOutcome::from_parts(state, None),
            (Ok(state), Err(e)) => ApplyOutcome::from_parts(state, Some(e)),
            (Err(e), _) => {
                // The table exists: record it so that it is not orphaned.
                let mut st = into_state(planned);
                st.insert("id".into(), Value::string(name));
                ApplyOutcome::partial(finish(&table_schema(), st), e)
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(prior, "name") else {
            return ApplyOutcome::partial(prior.clone(), invalid("updating DynamoDB Table: the state has no name"));
        };
        let result = self.apply_update(ctx, prior, planned, step.progress);
        match (self.fetch(ctx, name, planned), result) {
            (Ok(Some(state)), Ok(())) => ApplyOutcome::Done(state),
            (Ok(None), Ok(())) => ApplyOutcome::failed(ProviderError::new(
                "NotFound",
                format!("updating DynamoDB Table ({name}): the table no longer exists"),
            )),
            (Ok(state), Err(e)) => ApplyOutcome::from_parts(state, Some(e)),
            (Err(e), Ok(())) => ApplyOutcome::partial(prior.clone(), e),
            (Err(_), Err(e)) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        if let Some(table) = self.describe(ctx, name)? {
            if table
                .table_status()
                .is_some_and(|s| s.as_str() != "ACTIVE" && s.as_str() != "DELETING")
            {
                let limit = crate::support::timeouts::limit(prior, "delete", super::DELETE_TIMEOUT);
                self.wait_active(ctx, name, limit, step.progress)?;
            }
        }
        // DynamoDB deletes a table only once it has no replicas.
        self.sync_replicas(ctx, name, prior, &Value::Null, step.progress)?;
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
        let show = |_: &str| (step.progress)(&format!("table {name} is DELETING; waiting for it to be gone"));
        let limit = crate::support::timeouts::limit(prior, "delete", super::DELETE_TIMEOUT);
        let waited = table_waiter(format!("DynamoDB Table ({name})"), limit, &show)
            .timeout_message(|_| {
                format!(
                    "DynamoDB Table ({name}) is still being deleted after {} minutes",
                    limit.as_secs() / 60
                )
            })
            .wait(|| {
                Ok(match self.describe(ctx, name)? {
                    Some(_) => Poll::Pending("DELETING".into()),
                    None => Poll::Ready(()),
                })
            });
        waited
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
