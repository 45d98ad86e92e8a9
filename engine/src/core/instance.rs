//! Values as the state file stores them: JSON attributes plus the names of the sensitive ones,
//! so that what was sensitive when recorded is sensitive again when read back.
//!
//! The attributes have the forms Terraform's state gives them: an attribute of any type
//! (`terraform_data`'s `input`) is recorded with its type, `{"value": ..., "type": ...}`, so
//! that a list stays a list and not a tuple when Terraform (or infinstor) reads it back.

use crate::core::schema::{Schema, Type};
use crate::core::shape::Shape;
use crate::core::value::{shape_of, Value};
use crate::eval::unify::convert;
use state::InstanceState;

/// Converts a value to state JSON, remembering which attributes were sensitive; `schema` (the
/// type's) gives the schema version and which attributes are recorded with their types.
pub fn to_instance_state(provider: &str, value: &Value, deps: &[String], schema: Option<&Schema>) -> InstanceState {
    let mut attributes = value.deep_unmark().to_json().unwrap_or(serde_json::Value::Null);
    if let (Some(schema), Some(m), Some(json)) = (schema, value.as_map(), attributes.as_object_mut()) {
        for (name, v) in m.iter().filter(|(_, v)| !v.is_null()) {
            if let (Some(true), Some(slot)) = (
                schema.attributes.get(name).map(|a| a.ty == Type::Any),
                json.get_mut(name),
            ) {
                *slot = serde_json::json!({"value": slot.take(), "type": shape_of(v).to_json()});
            }
        }
        for name in object_blocks(schema) {
            if let Some(slot) = json.get_mut(name) {
                let first = slot.as_array().and_then(|l| l.first()).cloned();
                *slot = first.unwrap_or(serde_json::Value::Null);
            }
        }
    }
    let mut inst = InstanceState::new(provider, attributes);
    if let Some(m) = value.as_map() {
        inst.sensitive_attributes = m
            .iter()
            .filter(|(_, v)| v.contains_sensitive())
            .map(|(k, _)| k.clone())
            .collect();
    }
    inst.dependencies = deps.to_vec();
    inst.schema_version = schema.map(|s| s.version).unwrap_or_default();
    inst
}

/// Records which of an instance's sensitive attributes are infinstor's own marks: neither the
/// schema nor the configuration (`config`, the evaluated arguments) makes them sensitive, a
/// value derived from a secret does. Terraform's state holds only the others.
pub fn note_derived_marks(inst: &mut InstanceState, schema: &Schema, config: &Value) {
    inst.derived_sensitive = inst
        .sensitive_attributes
        .iter()
        .filter(|name| {
            !schema.attributes.get(name.as_str()).is_some_and(|a| a.sensitive) && !config.get(name).contains_sensitive()
        })
        .cloned()
        .collect();
}

/// Reads a state instance back into a value, re-marking sensitive attributes.
pub fn from_instance_state(inst: &InstanceState, schema: Option<&Schema>) -> Value {
    let mut v = Value::from_json(&inst.attributes);
    if let (Some(schema), Value::Map(m)) = (schema, &mut v) {
        for name in object_blocks(schema) {
            if let Some(slot) = m.get_mut(name) {
                *slot = match std::mem::replace(slot, Value::Null) {
                    Value::Null => Value::List(Vec::new().into()),
                    object @ Value::Map(_) => Value::List(vec![object].into()),
                    list => list,
                };
            }
        }
    }
    if let Value::Map(m) = &mut v {
        for (k, val) in m.iter_mut() {
            let attribute = schema.and_then(|s| s.attributes.get(k));
            if let (Some(true), Some(typed)) = (attribute.map(|a| a.ty == Type::Any), inst.attributes.get(k)) {
                if let Some(read) = typed_value(typed) {
                    *val = read;
                }
            }
            let sensitive = inst.sensitive_attributes.contains(k) || attribute.map(|a| a.sensitive).unwrap_or(false);
            if sensitive {
                *val = val.clone().mark_sensitive();
            }
        }
    }
    v
}

/// The blocks state records as an object rather than a list of one.
fn object_blocks(schema: &Schema) -> impl Iterator<Item = &str> {
    schema
        .blocks
        .iter()
        .filter(|(_, b)| b.object_in_state)
        .map(|(name, _)| name.as_str())
}

/// A value recorded with its type (`{"value": ..., "type": ...}`), converted to that type;
/// `None` for anything else (a bare value, as infinstor's first state format kept them).
fn typed_value(json: &serde_json::Value) -> Option<Value> {
    let m = json.as_object().filter(|m| m.len() == 2)?;
    let shape = Shape::from_json(m.get("type")?)?;
    Some(convert(Value::from_json(m.get("value")?), &shape))
}
