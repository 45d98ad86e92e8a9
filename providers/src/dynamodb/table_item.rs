//! aws_dynamodb_table_item: one item of a table, written in DynamoDB's JSON
//! (`{"id": {"S": "a"}, "count": {"N": "1"}}`). A change of its key is a new item (the old
//! one is deleted after the new one is written); any other change rewrites the item.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
use base64::Engine;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use serde_json::{json, Map, Value as Json};
use std::collections::HashMap;

pub(super) struct TableItem;

type Item = HashMap<String, AttributeValue>;

/// One value in DynamoDB's JSON, as the SDK takes it.
fn attribute(v: &Json) -> Result<AttributeValue, String> {
    let obj = v.as_object().filter(|o| o.len() == 1).ok_or_else(|| {
        format!("{v} is not a DynamoDB value: write it with its type, such as {{\"S\": \"text\"}} or {{\"N\": \"1\"}}")
    })?;
    let (kind, inner) = obj.iter().next().ok_or("an empty value")?;
    let text = || {
        inner
            .as_str()
            .map(str::to_string)
            .ok_or(format!("{kind} takes a string"))
    };
    let texts = || -> Result<Vec<String>, String> {
        inner
            .as_array()
            .ok_or(format!("{kind} takes a list of strings"))?
            .iter()
            .map(|s| {
                s.as_str()
                    .map(str::to_string)
                    .ok_or(format!("{kind} takes a list of strings"))
            })
            .collect()
    };
    let blob = |s: &str| {
        base64::engine::general_purpose::STANDARD
            .decode(s)
            .map(Blob::new)
            .map_err(|_| format!("a binary value is base64, not {s:?}"))
    };
    Ok(match kind.as_str() {
        "S" => AttributeValue::S(text()?),
        "N" => AttributeValue::N(text()?),
        "B" => AttributeValue::B(blob(&text()?)?),
        "BOOL" => AttributeValue::Bool(inner.as_bool().ok_or("BOOL takes true or false")?),
        "NULL" => AttributeValue::Null(true),
        "SS" => AttributeValue::Ss(texts()?),
        "NS" => AttributeValue::Ns(texts()?),
        "BS" => AttributeValue::Bs(texts()?.iter().map(|s| blob(s)).collect::<Result<_, _>>()?),
        "L" => AttributeValue::L(
            inner
                .as_array()
                .ok_or("L takes a list")?
                .iter()
                .map(attribute)
                .collect::<Result<_, _>>()?,
        ),
        "M" => AttributeValue::M(item_of(inner)?),
        other => {
            return Err(format!(
                "{other:?} is not a DynamoDB type (S, N, B, BOOL, NULL, SS, NS, BS, L, M)"
            ))
        }
    })
}

/// An item from DynamoDB's JSON.
fn item_of(v: &Json) -> Result<Item, String> {
    v.as_object()
        .ok_or("the item must be a JSON object of attributes")?
        .iter()
        .map(|(k, v)| attribute(v).map(|a| (k.clone(), a)))
        .collect()
}

/// A value in DynamoDB's JSON.
fn json_of(a: &AttributeValue) -> Json {
    let b64 = |b: &Blob| base64::engine::general_purpose::STANDARD.encode(b.as_ref());
    match a {
        AttributeValue::S(s) => json!({"S": s}),
        AttributeValue::N(n) => json!({"N": n}),
        AttributeValue::B(b) => json!({"B": b64(b)}),
        AttributeValue::Bool(b) => json!({"BOOL": b}),
        AttributeValue::Null(_) => json!({"NULL": true}),
        AttributeValue::Ss(s) => json!({"SS": s}),
        AttributeValue::Ns(n) => json!({"NS": n}),
        AttributeValue::Bs(b) => json!({"BS": b.iter().map(b64).collect::<Vec<_>>()}),
        AttributeValue::L(l) => json!({"L": l.iter().map(json_of).collect::<Vec<_>>()}),
        AttributeValue::M(m) => json!({"M": item_json(m)}),
        _ => Json::Null,
    }
}

fn item_json(item: &Item) -> Json {
    Json::Object(item.iter().map(|(k, v)| (k.clone(), json_of(v))).collect::<Map<_, _>>())
}

/// The item and its key of `value` (its `item`, `hash_key`, `range_key`).
fn parts(value: &Value) -> Result<(String, Item, Item), ProviderError> {
    let table = sref(value, "table_name").ok_or_else(|| invalid("table_name must be known"))?;
    let text = sref(value, "item").ok_or_else(|| invalid("item must be known"))?;
    let json: Json = serde_json::from_str(text).map_err(|e| invalid(format!("item is not JSON: {e}")))?;
    let item = item_of(&json).map_err(invalid)?;
    let mut key = Item::new();
    for name in [sref(value, "hash_key"), sref(value, "range_key")]
        .into_iter()
        .flatten()
    {
        let v = item
            .get(name)
            .ok_or_else(|| invalid(format!("the item has no {name:?}, which its key needs")))?;
        key.insert(name.to_string(), v.clone());
    }
    Ok((table.to_string(), item, key))
}

/// The AWS provider's ID: `TABLE|HASH_KEY|VALUE[|RANGE_KEY|VALUE]`.
fn item_id(value: &Value, key: &Item) -> String {
    let text = |a: &AttributeValue| match a {
        AttributeValue::S(s) | AttributeValue::N(s) => s.clone(),
        AttributeValue::B(b) => base64::engine::general_purpose::STANDARD.encode(b.as_ref()),
        _ => String::new(),
    };
    let mut id = vec![sref(value, "table_name").unwrap_or_default().to_string()];
    for name in [sref(value, "hash_key"), sref(value, "range_key")]
        .into_iter()
        .flatten()
    {
        id.push(name.to_string());
        id.push(key.get(name).map(text).unwrap_or_default());
    }
    id.join("|")
}

impl TableItem {
    fn get(&self, ctx: &Ctx, table: &str, key: Item) -> Result<Option<Item>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading DynamoDB Table Item ({table})"),
            ctx.dynamodb
                .get_item()
                .table_name(table)
                .set_key(Some(key))
                .consistent_read(true)
                .send(),
        ))?;
        Ok(out.and_then(|o| o.item().cloned()))
    }

    fn fetch(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (table, _, key) = parts(prior)?;
        let Some(item) = self.get(ctx, &table, key.clone())? else {
            return Ok(None);
        };
        let read = item_json(&item);
        let mut st: State = into_state(prior);
        // The item as written stays when it means what DynamoDB holds.
        let same = sref(prior, "item")
            .and_then(|t| serde_json::from_str::<Json>(t).ok())
            .is_some_and(|p| p == read);
        if !same {
            st.put("item", read.to_string());
        }
        st.put("id", item_id(prior, &key));
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, planned: &Value, new: bool) -> Result<(), ProviderError> {
        let (table, item, _) = parts(planned)?;
        let hash = sref(planned, "hash_key").unwrap_or_default();
        let request = ctx.dynamodb.put_item().table_name(&table).set_item(Some(item));
        // A new item must not overwrite one that is already there.
        let request = match new {
            true => request
                .condition_expression("attribute_not_exists(#hk)")
                .expression_attribute_names("#hk", hash),
            false => request,
        };
        call(ctx, &format!("writing DynamoDB Table Item ({table})"), request.send()).map(drop)
    }

    fn remove(&self, ctx: &Ctx, value: &Value) -> Result<(), ProviderError> {
        let (table, _, key) = parts(value)?;
        found(call(
            ctx,
            &format!("deleting DynamoDB Table Item ({table})"),
            ctx.dynamodb.delete_item().table_name(&table).set_key(Some(key)).send(),
        ))
        .map(drop)
    }
}

impl ResourceType for TableItem {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_table_item"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("table_name", Attribute::required(Type::String).force_new())
            .attr("hash_key", Attribute::required(Type::String).force_new())
            .attr("range_key", Attribute::optional(Type::String).force_new())
            .attr("item", Attribute::required(Type::String).json())
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let Some(text) = sref(config, "item") else {
            return Vec::new();
        };
        let json = match serde_json::from_str::<Json>(text) {
            Ok(j) => j,
            Err(e) => return vec![problem("item", format!("item is not JSON: {e} (use jsonencode)"))],
        };
        let item = match item_of(&json) {
            Ok(item) => item,
            Err(e) => return vec![problem("item", e)],
        };
        [config.get("hash_key"), config.get("range_key")]
            .iter()
            .filter_map(|k| k.as_str())
            .filter(|k| !item.contains_key(*k))
            .map(|k| problem("item", format!("the item has no {k:?} attribute, which its key needs")))
            .collect()
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = match parts(&proposed) {
            Ok((_, _, key)) => Value::string(item_id(&proposed, &key)),
            Err(_) => Value::UNKNOWN,
        };
        st.put("id", id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        // No intent: an item cannot be imported, and a create repeated after an interruption
        // finds the item there and says so (the condition below) instead of writing it twice.
        let _ = step;
        if let Err(e) = self.put(ctx, planned, true) {
            let e = match e.code.as_str() {
                "ConditionalCheckFailedException" => ProviderError::new(
                    e.code.clone(),
                    format!(
                        "{}\n\nThe table already has an item with this key: delete it (or change the key), then apply again; an item is never overwritten by a new one.",
                        e.message
                    ),
                ),
                _ => e,
            };
            return ApplyOutcome::failed(e);
        }
        match self.fetch(ctx, planned) {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(invalid("the item is gone after it was written")),
            Err(e) => ApplyOutcome::partial(planned.clone(), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let moved = match (parts(prior), parts(planned)) {
            (Ok((_, _, old)), Ok((_, _, new))) => old != new,
            _ => false,
        };
        let result = self
            .put(ctx, planned, moved)
            .and_then(|()| if moved { self.remove(ctx, prior) } else { Ok(()) });
        match (result, self.fetch(ctx, planned)) {
            (Ok(()), Ok(Some(state))) => ApplyOutcome::Done(state),
            (Ok(()), Ok(None)) => ApplyOutcome::failed(invalid("the item is gone after it was written")),
            (Err(e), _) | (_, Err(e)) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        self.remove(ctx, prior)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, prior)
    }

    /// Not importable, as in the AWS provider: write the item in the configuration instead.
    fn import(&self, _ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Err(ProviderError::new(
            "ImportNotSupported",
            format!("aws_dynamodb_table_item cannot be imported ({id:?}), as in the AWS provider: declare the item and apply, which writes it again"),
        ))
    }
}
