//! Values as the state file stores them: JSON attributes plus the names of the sensitive ones,
//! so that what was sensitive when recorded is sensitive again when read back.

use crate::core::schema::Schema;
use crate::core::value::Value;
use state::InstanceState;

/// Converts a value to state JSON, remembering which attributes were sensitive.
pub fn to_instance_state(provider: &str, value: &Value, deps: &[String]) -> InstanceState {
    let mut inst = InstanceState::new(
        provider,
        value.deep_unmark().to_json().unwrap_or(serde_json::Value::Null),
    );
    if let Some(m) = value.as_map() {
        inst.sensitive_attributes = m
            .iter()
            .filter(|(_, v)| v.contains_sensitive())
            .map(|(k, _)| k.clone())
            .collect();
    }
    inst.dependencies = deps.to_vec();
    inst
}

/// Reads a state instance back into a value, re-marking sensitive attributes.
pub fn from_instance_state(inst: &InstanceState, schema: Option<&Schema>) -> Value {
    let mut v = Value::from_json(&inst.attributes);
    if let Value::Map(m) = &mut v {
        for (k, val) in m.iter_mut() {
            let sensitive = inst.sensitive_attributes.contains(k)
                || schema
                    .and_then(|s| s.attributes.get(k))
                    .map(|a| a.sensitive)
                    .unwrap_or(false);
            if sensitive {
                *val = val.clone().mark_sensitive();
            }
        }
    }
    v
}
