//! Secondary indexes of a table: global ones (created, changed and deleted in place, one
//! UpdateTable call each, as DynamoDB requires) and local ones (fixed when the table is made).

use crate::dynamodb::{key_definitions, number, on_demand_of, Table};
use crate::resource::Ctx;
use crate::support::attrs::{block_items, call, invalid, problem, sref};
use aws_sdk_dynamodb::types::{
    CreateGlobalSecondaryIndexAction, DeleteGlobalSecondaryIndexAction, GlobalSecondaryIndex,
    GlobalSecondaryIndexUpdate, LocalSecondaryIndex, Projection, ProjectionType, UpdateGlobalSecondaryIndexAction,
};
use aws_sdk_dynamodb::types::{KeySchemaElement, KeyType, ProvisionedThroughput, TableDescription};
use aws_smithy_types::error::operation::BuildError;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

const PROJECTIONS: [&str; 3] = ["ALL", "KEYS_ONLY", "INCLUDE"];

/// Adds the index blocks to the table's schema.
pub(super) fn with_indexes(schema: Schema) -> Schema {
    let projection = |s: Schema| {
        s.attr(
            "projection_type",
            Attribute::required(Type::String).one_of(&PROJECTIONS),
        )
        .attr(
            "non_key_attributes",
            Attribute::optional(crate::support::attrs::set_of_strings()),
        )
    };
    schema
        .block(
            "global_secondary_index",
            Nesting::Set,
            projection(
                Schema::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("hash_key", Attribute::required(Type::String))
                    .attr("range_key", Attribute::optional(Type::String))
                    .attr("read_capacity", Attribute::optional(Type::Number))
                    .attr("write_capacity", Attribute::optional(Type::Number))
                    .block(
                        "on_demand_throughput",
                        Nesting::Single,
                        Schema::new()
                            .attr("max_read_request_units", Attribute::optional(Type::Number))
                            .attr("max_write_request_units", Attribute::optional(Type::Number)),
                    ),
            )
            .not_yet(
                "warm_throughput",
                "Remove it: warm throughput is not managed by infinstor yet.",
            ),
        )
        .block_force_new(
            "local_secondary_index",
            Nesting::Set,
            projection(
                Schema::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("range_key", Attribute::required(Type::String)),
            ),
        )
}

/// The key attributes every index of `config` uses.
pub(super) fn index_keys(config: &Value) -> Vec<String> {
    let mut keys = Vec::new();
    for block in ["global_secondary_index", "local_secondary_index"] {
        for index in block_items(config, block) {
            for key in ["hash_key", "range_key"] {
                if let Some(k) = sref(&index, key) {
                    keys.push(k.to_string());
                }
            }
        }
    }
    keys
}

/// Problems of the index blocks: capacities that the billing mode needs or forbids.
pub(super) fn index_problems(config: &Value) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    let on_demand = config.get("billing_mode").as_str() == Some("PAY_PER_REQUEST");
    for index in block_items(config, "global_secondary_index") {
        let name = index.get("name").as_str().unwrap_or("?").to_string();
        for key in ["read_capacity", "write_capacity"] {
            let v = index.get(key);
            if on_demand && v.as_f64().is_some_and(|n| n != 0.0) {
                out.push(problem(
                    "global_secondary_index",
                    format!("index {name:?}: {key} cannot be set with billing_mode = \"PAY_PER_REQUEST\""),
                ));
            }
            if !on_demand && v.is_null() {
                out.push(problem(
                    "global_secondary_index",
                    format!("index {name:?}: {key} is required with billing_mode = \"PROVISIONED\""),
                ));
            }
        }
    }
    for block in ["global_secondary_index", "local_secondary_index"] {
        for index in block_items(config, block) {
            let kind = index.get("projection_type").as_str().map(str::to_string);
            let extra = !index.get("non_key_attributes").is_null();
            if extra && kind.as_deref() != Some("INCLUDE") {
                out.push(problem(block, "non_key_attributes needs projection_type = \"INCLUDE\""));
            }
        }
    }
    out
}

fn projection(index: &Value) -> Projection {
    let extra = crate::support::attrs::string_set(&index.get("non_key_attributes"));
    Projection::builder()
        .set_projection_type(sref(index, "projection_type").map(ProjectionType::from))
        .set_non_key_attributes((!extra.is_empty()).then_some(extra))
        .build()
}

fn key_schema(hash: Option<&str>, range: Option<&str>) -> Result<Vec<KeySchemaElement>, BuildError> {
    let mut out = Vec::new();
    if let Some(h) = hash {
        out.push(
            KeySchemaElement::builder()
                .attribute_name(h)
                .key_type(KeyType::Hash)
                .build()?,
        );
    }
    if let Some(r) = range {
        out.push(
            KeySchemaElement::builder()
                .attribute_name(r)
                .key_type(KeyType::Range)
                .build()?,
        );
    }
    Ok(out)
}

fn throughput(index: &Value) -> Option<ProvisionedThroughput> {
    let (read, write) = (
        number(&index.get("read_capacity")),
        number(&index.get("write_capacity")),
    );
    match (read, write) {
        (Some(r), Some(w)) if r > 0 && w > 0 => ProvisionedThroughput::builder()
            .read_capacity_units(r)
            .write_capacity_units(w)
            .build()
            .ok(),
        _ => None,
    }
}

/// The global secondary indexes to create with the table.
pub(super) fn global_indexes(planned: &Value) -> Result<Vec<GlobalSecondaryIndex>, ProviderError> {
    block_items(planned, "global_secondary_index")
        .iter()
        .map(|i| {
            GlobalSecondaryIndex::builder()
                .set_index_name(sref(i, "name").map(str::to_string))
                .set_key_schema(Some(key_schema(sref(i, "hash_key"), sref(i, "range_key"))?))
                .projection(projection(i))
                .set_provisioned_throughput(throughput(i))
                .set_on_demand_throughput(on_demand_of(i))
                .build()
        })
        .collect::<Result<_, _>>()
        .map_err(|e| invalid(format!("global_secondary_index: {e}")))
}

/// The local secondary indexes to create with the table (they share its hash key).
pub(super) fn local_indexes(planned: &Value) -> Result<Vec<LocalSecondaryIndex>, ProviderError> {
    let hash = sref(planned, "hash_key");
    block_items(planned, "local_secondary_index")
        .iter()
        .map(|i| {
            LocalSecondaryIndex::builder()
                .set_index_name(sref(i, "name").map(str::to_string))
                .set_key_schema(Some(key_schema(hash, sref(i, "range_key"))?))
                .projection(projection(i))
                .build()
        })
        .collect::<Result<_, _>>()
        .map_err(|e| invalid(format!("local_secondary_index: {e}")))
}

fn read_projection(p: Option<&Projection>) -> (Value, Value) {
    let kind = p
        .and_then(|p| p.projection_type())
        .map(|t| Value::string(t.as_str()))
        .unwrap_or(Value::Null);
    let mut extra: Vec<String> = p.map(|p| p.non_key_attributes().to_vec()).unwrap_or_default();
    extra.sort();
    let extra = if extra.is_empty() {
        Value::Null
    } else {
        crate::support::attrs::set_value(&extra)
    };
    (kind, extra)
}

fn keys_of(schema: &[KeySchemaElement]) -> (Value, Value) {
    let find = |t: KeyType| {
        schema
            .iter()
            .find(|k| *k.key_type() == t)
            .map(|k| Value::string(k.attribute_name()))
            .unwrap_or(Value::Null)
    };
    (find(KeyType::Hash), find(KeyType::Range))
}

/// The index blocks as DynamoDB describes them, sorted as the plan sorts sets.
pub(super) fn read_indexes(table: &TableDescription, on_demand: bool) -> (Value, Value) {
    let mut global: Vec<Value> = table
        .global_secondary_indexes()
        .iter()
        .map(|g| {
            let (hash, range) = keys_of(g.key_schema());
            let (kind, extra) = read_projection(g.projection());
            let t = g.provisioned_throughput();
            let capacity = |v: Option<i64>| {
                if on_demand {
                    Value::Null
                } else {
                    v.map(|n| Value::from(n as i64)).unwrap_or(Value::Null)
                }
            };
            // DynamoDB's "no maximum" (none, or -1) is a block left out.
            let limit = |v: Option<i64>| v.filter(|n| *n > 0).map(Value::from).unwrap_or(Value::Null);
            let on_demand: Vec<Value> = g
                .on_demand_throughput()
                .map(|o| (limit(o.max_read_request_units()), limit(o.max_write_request_units())))
                .filter(|(r, w)| !(r.is_null() && w.is_null()))
                .map(|(r, w)| map([("max_read_request_units", r), ("max_write_request_units", w)]))
                .into_iter()
                .collect();
            map([
                ("name", g.index_name().map(Value::string).unwrap_or(Value::Null)),
                ("hash_key", hash),
                ("range_key", range),
                ("projection_type", kind),
                ("non_key_attributes", extra),
                ("read_capacity", capacity(t.and_then(|t| t.read_capacity_units()))),
                ("write_capacity", capacity(t.and_then(|t| t.write_capacity_units()))),
                ("on_demand_throughput", Value::List(on_demand.into())),
            ])
        })
        .collect();
    global.sort_by_key(|v| v.to_string());
    let mut local: Vec<Value> = table
        .local_secondary_indexes()
        .iter()
        .map(|l| {
            let (_, range) = keys_of(l.key_schema());
            let (kind, extra) = read_projection(l.projection());
            map([
                ("name", l.index_name().map(Value::string).unwrap_or(Value::Null)),
                ("range_key", range),
                ("projection_type", kind),
                ("non_key_attributes", extra),
            ])
        })
        .collect();
    local.sort_by_key(|v| v.to_string());
    (Value::List(global.into()), Value::List(local.into()))
}

/// Whether any global index is still being built or changed.
pub(super) fn indexes_busy(table: &TableDescription) -> Option<String> {
    table.global_secondary_indexes().iter().find_map(|g| {
        let status = g.index_status().map(|s| s.as_str().to_string()).unwrap_or_default();
        (status != "ACTIVE" && !status.is_empty()).then(|| format!("index {} {status}", g.index_name().unwrap_or("?")))
    })
}

impl Table {
    /// Makes the table's global indexes match the plan: deletes first, then changed
    /// capacities, then creates, each its own call (DynamoDB takes one index change at a time).
    pub(super) fn update_global_indexes(
        &self,
        ctx: &Ctx,
        name: &str,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let by_name = |v: &Value| -> BTreeMap<String, Value> {
            block_items(v, "global_secondary_index")
                .into_iter()
                .filter_map(|i| sref(&i, "name").map(|n| (n.to_string(), i.clone())))
                .collect()
        };
        let (old, new) = (by_name(prior), by_name(planned));
        let op = format!("updating the indexes of DynamoDB Table ({name})");
        let bad = |e: BuildError| invalid(format!("{op}: {e}"));
        let send = |update: GlobalSecondaryIndexUpdate, what: String| -> Result<(), ProviderError> {
            progress(&what);
            let (definitions, _) = key_definitions(planned, &op)?;
            call(
                ctx,
                &op,
                ctx.dynamodb
                    .update_table()
                    .table_name(name)
                    .set_attribute_definitions(Some(definitions))
                    .global_secondary_index_updates(update)
                    .send(),
            )?;
            self.wait_active(
                ctx,
                name,
                crate::support::timeouts::limit(planned, "update", super::UPDATE_TIMEOUT),
                progress,
            )
            .map(|_| ())
        };
        let shape = |i: &Value| {
            ["hash_key", "range_key", "projection_type", "non_key_attributes"].map(|k| i.get(k).deep_unmark())
        };
        // An index whose keys or projection change is deleted and made again.
        let remade: Vec<&String> = new
            .iter()
            .filter(|(n, i)| old.get(*n).is_some_and(|o| shape(o) != shape(i)))
            .map(|(n, _)| n)
            .collect();
        for n in old.keys().filter(|n| !new.contains_key(*n) || remade.contains(n)) {
            let delete = DeleteGlobalSecondaryIndexAction::builder()
                .index_name(n)
                .build()
                .map_err(bad)?;
            send(
                GlobalSecondaryIndexUpdate::builder().delete(delete).build(),
                format!("deleting index {n}"),
            )?;
        }
        for (n, i) in new.iter().filter(|(n, _)| old.contains_key(*n) && !remade.contains(n)) {
            let maximums = on_demand_of(i);
            if old.get(n).is_some_and(|o| on_demand_of(o) != maximums) {
                // Taken out, the maximums go back to none (-1).
                let maximums = maximums.unwrap_or_else(|| {
                    aws_sdk_dynamodb::types::OnDemandThroughput::builder()
                        .max_read_request_units(-1)
                        .max_write_request_units(-1)
                        .build()
                });
                let update = UpdateGlobalSecondaryIndexAction::builder()
                    .index_name(n)
                    .on_demand_throughput(maximums)
                    .build()
                    .map_err(bad)?;
                send(
                    GlobalSecondaryIndexUpdate::builder().update(update).build(),
                    format!("changing the on-demand maximums of index {n}"),
                )?;
            }
            if let (Some(t), Some(o)) = (throughput(i), old.get(n)) {
                if throughput(o).as_ref() != Some(&t) {
                    let update = UpdateGlobalSecondaryIndexAction::builder()
                        .index_name(n)
                        .provisioned_throughput(t)
                        .build()
                        .map_err(bad)?;
                    send(
                        GlobalSecondaryIndexUpdate::builder().update(update).build(),
                        format!("changing the capacity of index {n}"),
                    )?;
                }
            }
        }
        for (n, i) in new.iter().filter(|(n, _)| !old.contains_key(*n) || remade.contains(n)) {
            let create = CreateGlobalSecondaryIndexAction::builder()
                .index_name(n)
                .set_key_schema(Some(
                    key_schema(sref(i, "hash_key"), sref(i, "range_key")).map_err(bad)?,
                ))
                .projection(projection(i))
                .set_provisioned_throughput(throughput(i))
                .set_on_demand_throughput(on_demand_of(i))
                .build()
                .map_err(bad)?;
            send(
                GlobalSecondaryIndexUpdate::builder().create(create).build(),
                format!("creating index {n}"),
            )?;
        }
        Ok(())
    }
}
