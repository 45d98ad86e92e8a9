//! Plans: what will change, computed by diffing configuration against refreshed state.
//!
//! A [`Plan`] records each instance's [`Change`], the state it was made from (lineage, serial)
//! and a digest of the configuration and variables, so a saved plan applies only to exactly
//! what it was computed from.

use crate::addr::InstanceAddr;
use crate::schema::{Attribute, Nesting, Schema, Type};
use crate::value::Value;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What will happen to one instance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub enum Action {
    /// Nothing.
    NoOp,
    /// Read a data source during apply.
    Read,
    /// Create a new object.
    Create,
    /// Update in place.
    Update,
    /// Destroy and create again (`create_before_destroy`: create first).
    Replace {
        /// Create the new object before destroying the old one.
        create_before_destroy: bool,
    },
    /// Destroy.
    Delete,
}

/// The planned change of one instance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    /// The instance.
    #[serde(with = "addr_string")]
    pub addr: InstanceAddr,
    /// The provider configuration key (`aws`, `aws.west`).
    pub provider: String,
    /// The action.
    pub action: Action,
    /// The prior state (`None` for create).
    pub before: Option<Value>,
    /// The planned state (`None` for delete); `Unknown` where decided at apply.
    pub after: Option<Value>,
    /// Attributes whose change forces the replacement.
    pub requires_replace: Vec<String>,
    /// Why, for humans only; apply never reads it.
    pub reason: Option<String>,
    /// Resources this instance depends on (recorded in state for destroy order).
    pub dependencies: Vec<String>,
    /// Provider data planned with the change, handed back at apply.
    #[serde(default)]
    pub private: Option<String>,
    /// Extra lines for reviewers, shown under the diff.
    #[serde(default)]
    pub details: Vec<String>,
}

/// A root output's planned value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputChange {
    /// The value recorded in state.
    pub before: Option<Value>,
    /// The planned value.
    pub after: Value,
    /// Declared sensitive.
    pub sensitive: bool,
}

/// A complete plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Plan {
    /// Planned changes, sorted by address (no-ops included: apply needs their values).
    pub changes: Vec<Change>,
    /// Objects changed outside infinstor since the last apply (before = recorded, after = real).
    pub drift: Vec<Change>,
    /// Root module outputs.
    pub outputs: BTreeMap<String, OutputChange>,
    /// The lineage of the state the plan was made from.
    pub lineage: String,
    /// Its serial.
    pub serial: u64,
    /// A digest of every configuration file and the variables.
    pub config_digest: String,
    /// The root module's variable values.
    pub variables: BTreeMap<String, Value>,
    /// Made with `--destroy`.
    pub destroy: bool,
    /// Diagnostics that did not stop the plan.
    pub warnings: Vec<String>,
    /// Who gains or loses access to what (computed from policy documents when planning).
    #[serde(default)]
    pub access: Vec<crate::access::Finding>,
    /// The configuration in Terraform's JSON plan representation (for `--format json`).
    #[serde(default)]
    pub configuration: serde_json::Value,
}

impl Plan {
    /// Changes that do something.
    pub fn effective_changes(&self) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(|c| c.action != Action::NoOp)
    }

    /// (add, change, destroy) counts as in Terraform's summary line.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut add = 0;
        let mut change = 0;
        let mut destroy = 0;
        for c in &self.changes {
            match c.action {
                Action::Create => add += 1,
                Action::Update => change += 1,
                Action::Replace { .. } => {
                    add += 1;
                    destroy += 1;
                }
                Action::Delete => destroy += 1,
                Action::NoOp | Action::Read => {}
            }
        }
        (add, change, destroy)
    }

    /// True when applying would change any object or output.
    pub fn has_changes(&self) -> bool {
        self.changes
            .iter()
            .any(|c| !matches!(c.action, Action::NoOp | Action::Read))
            || self.drift.iter().any(|d| d.action == Action::Create)
            || self.outputs.values().any(|o| o.before.as_ref() != Some(&o.after))
    }

    /// The change for an instance.
    pub fn change(&self, addr: &InstanceAddr) -> Option<&Change> {
        self.changes.iter().find(|c| &c.addr == addr)
    }
}

mod addr_string {
    use crate::addr::InstanceAddr;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(a: &InstanceAddr, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&a.to_string())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<InstanceAddr, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// True when two values of an attribute mean the same (JSON documents semantically, sets
/// regardless of order).
pub fn attr_equal(attr: &Attribute, a: &Value, b: &Value) -> bool {
    let (a, _) = a.unmark();
    let (b, _) = b.unmark();
    if attr.json {
        if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
            return crate::policy::equivalent(x, y);
        }
    }
    type_equal(&attr.ty, a, b)
}

fn type_equal(ty: &Type, a: &Value, b: &Value) -> bool {
    let a = a.deep_unmark();
    let b = b.deep_unmark();
    match (ty, &a, &b) {
        (Type::Set(_), Value::List(x), Value::List(y)) => {
            let mut x: Vec<String> = x.iter().map(|v| format!("{v:?}")).collect();
            let mut y: Vec<String> = y.iter().map(|v| format!("{v:?}")).collect();
            x.sort();
            y.sort();
            x == y
        }
        // An empty collection and null mean the same to AWS.
        (Type::Set(_) | Type::List(_) | Type::Map(_), Value::Null, Value::List(v))
        | (Type::Set(_) | Type::List(_) | Type::Map(_), Value::List(v), Value::Null) => v.is_empty(),
        (Type::Map(_), Value::Null, Value::Map(m)) | (Type::Map(_), Value::Map(m), Value::Null) => m.is_empty(),
        _ => a == b,
    }
}

/// True when two values of a nested block type are the same.
pub fn blocks_equal(nesting: Nesting, schema: &Schema, a: &Value, b: &Value) -> bool {
    let empty = Vec::new();
    let x = a.as_list().unwrap_or(&empty);
    let y = b.as_list().unwrap_or(&empty);
    if x.len() != y.len() {
        return false;
    }
    let one = |p: &Value, q: &Value| object_equal(schema, p, q);
    match nesting {
        Nesting::Set => x.iter().all(|p| y.iter().any(|q| one(p, q))) && y.iter().all(|q| x.iter().any(|p| one(p, q))),
        _ => x.iter().zip(y).all(|(p, q)| one(p, q)),
    }
}

/// True when two objects of a schema are the same, attribute by attribute.
pub fn object_equal(schema: &Schema, a: &Value, b: &Value) -> bool {
    schema
        .attributes
        .iter()
        .all(|(name, attr)| attr_equal(attr, &a.get(name), &b.get(name)))
        && schema
            .blocks
            .iter()
            .all(|(name, bt)| blocks_equal(bt.nesting, &bt.schema, &a.get(name), &b.get(name)))
}

/// Names of attributes and blocks that differ between prior and planned.
pub fn changed_attributes(schema: &Schema, prior: &Value, planned: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (name, attr) in &schema.attributes {
        let p = planned.get(name);
        if p.contains_unknown() {
            out.push(name.clone());
            continue;
        }
        if !attr_equal(attr, &prior.get(name), &p) {
            out.push(name.clone());
        }
    }
    for (name, bt) in &schema.blocks {
        if !blocks_equal(bt.nesting, &bt.schema, &prior.get(name), &planned.get(name)) {
            out.push(name.clone());
        }
    }
    out
}

/// The attributes among `changed` that force replacement.
pub fn forcing_replacement(schema: &Schema, changed: &[String], extra: &[String]) -> Vec<String> {
    changed
        .iter()
        .filter(|n| {
            schema.attributes.get(*n).map(|a| a.force_new).unwrap_or(false)
                || schema.blocks.get(*n).map(|b| b.force_new).unwrap_or(false)
                || extra.contains(n)
        })
        .cloned()
        .collect()
}

/// Builds the proposed new state: configuration, with computed attributes that the
/// configuration leaves null taken from the prior state (or unknown on create).
pub fn proposed(schema: &Schema, config: &Value, prior: Option<&Value>, ignore: &[String]) -> Value {
    let mut out = BTreeMap::new();
    let ignore_all = ignore.iter().any(|i| i == "all");
    for (name, attr) in &schema.attributes {
        let c = config.get(name);
        let ignored = prior.is_some()
            && (ignore_all
                || ignore
                    .iter()
                    .any(|i| i == name || i.starts_with(&format!("{name}[")) || i.starts_with(&format!("{name}."))));
        let v = if ignored {
            prior.map(|p| p.get(name)).unwrap_or(Value::Null)
        } else if c.is_null() && attr.computed {
            match prior {
                Some(p) => p.get(name),
                None => Value::Unknown,
            }
        } else {
            c
        };
        out.insert(name.clone(), v);
    }
    for name in schema.blocks.keys() {
        let ignored = prior.is_some() && (ignore_all || ignore.iter().any(|i| i == name));
        let v = if ignored {
            prior.map(|p| p.get(name)).unwrap_or(Value::List(Vec::new()))
        } else {
            match config.get(name) {
                Value::Null => Value::List(Vec::new()),
                v => v,
            }
        };
        out.insert(name.clone(), v);
    }
    Value::Map(out)
}

/// Checks that a provider's final value agrees with every value known at plan time.
pub fn inconsistencies(schema: &Schema, planned: &Value, actual: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for (name, attr) in &schema.attributes {
        let p = planned.get(name);
        if p.contains_unknown() || p.is_null() {
            continue;
        }
        if !attr_equal(attr, &p, &actual.get(name)) {
            out.push(name.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::map;

    fn schema() -> Schema {
        Schema::new()
            .attr("bucket", Attribute::optional_computed(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("policy", Attribute::optional(Type::String).json())
            .attr("methods", Attribute::optional(Type::Set(Box::new(Type::String))))
    }

    #[test]
    fn proposed_fills_computed_from_prior_or_unknown() {
        let s = schema();
        let config = map([("bucket", Value::from("b"))]);
        let create = proposed(&s, &config, None, &[]);
        assert_eq!(create.get("arn"), Value::Unknown);
        let prior = map([("bucket", Value::from("b")), ("arn", Value::from("arn:aws:s3:::b"))]);
        let update = proposed(&s, &config, Some(&prior), &[]);
        assert_eq!(update.get("arn"), Value::from("arn:aws:s3:::b"));
    }

    #[test]
    fn semantic_equality_for_json_and_sets() {
        let s = schema();
        let prior = map([
            (
                "policy",
                Value::from(r#"{"Statement":[{"Action":"s3:GetObject","Effect":"Allow"}]}"#),
            ),
            ("methods", Value::from(vec!["GET", "PUT"])),
        ]);
        let planned = map([
            (
                "policy",
                Value::from("{\n  \"Statement\": {\"Effect\": \"Allow\", \"Action\": [\"s3:GetObject\"]}\n}"),
            ),
            ("methods", Value::from(vec!["PUT", "GET"])),
        ]);
        assert!(changed_attributes(&s, &prior, &planned).is_empty());
        let renamed = map([("bucket", Value::from("other"))]);
        let changed = changed_attributes(&s, &prior, &renamed);
        assert_eq!(forcing_replacement(&s, &changed, &[]), vec!["bucket".to_string()]);
    }
}
