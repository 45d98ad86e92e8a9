//! Diffing: configuration against refreshed state, per the schema (JSON documents semantically,
//! sets without order); which changed attributes force a replacement.

use crate::core::schema::{Attribute, Nesting, Schema, Type};
use crate::core::value::Value;
use std::collections::BTreeMap;

/// True when two values of an attribute mean the same (JSON documents semantically, sets
/// regardless of order).
pub fn attr_equal(attr: &Attribute, a: &Value, b: &Value) -> bool {
    let (a, _) = a.unmark();
    let (b, _) = b.unmark();
    if let (Some(digest), Some(x), Some(y)) = (attr.digest, a.as_str(), b.as_str()) {
        return (digest.0)(x) == (digest.0)(y);
    }
    if attr.json {
        if let (Some(x), Some(y)) = (a.as_str(), b.as_str()) {
            return crate::core::document::equivalent(Some(attr), x, y);
        }
    }
    // Terraform's AWS provider (its SDK) records an optional argument left unset as its
    // type's zero value: `""`, `false`, `0`. Unset in the configuration means the same, so a
    // state Terraform wrote plans no change (and no replacement) for it.
    if attr.optional && !attr.required && (a.is_null() && is_zero(b) || b.is_null() && is_zero(a)) {
        return true;
    }
    type_equal(&attr.ty, a, b)
}

fn is_zero(v: &Value) -> bool {
    match v {
        Value::String(s) => s.is_empty(),
        Value::Bool(b) => !b,
        Value::Number(n) => n.to_f64() == 0.0,
        _ => false,
    }
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

/// True when two values of a nested block type are the same. A block whose arguments are all
/// unset or zero (`point_in_time_recovery { enabled = false }`, as Terraform's AWS provider
/// records what AWS reports when nothing is configured) is the same as no block.
pub fn blocks_equal(nesting: Nesting, schema: &Schema, a: &Value, b: &Value) -> bool {
    let empty = Vec::new();
    let meaningful = |v: &Value| -> Vec<Value> {
        v.as_list()
            .unwrap_or(&empty)
            .iter()
            .filter(|o| !is_blank(schema, o))
            .cloned()
            .collect()
    };
    let (x, y) = (meaningful(a), meaningful(b));
    let (x, y) = (&x, &y);
    if x.len() != y.len() {
        return false;
    }
    let one = |p: &Value, q: &Value| object_equal(schema, p, q);
    match nesting {
        Nesting::Set => x.iter().all(|p| y.iter().any(|q| one(p, q))) && y.iter().all(|q| x.iter().any(|p| one(p, q))),
        _ => x.iter().zip(y).all(|(p, q)| one(p, q)),
    }
}

/// Whether an object of a schema says nothing: every attribute null, zero or empty, every
/// nested block blank.
fn is_blank(schema: &Schema, v: &Value) -> bool {
    let v = v.deep_unmark();
    schema.attributes.keys().all(|name| {
        let a = v.get(name);
        a.is_null()
            || is_zero(&a)
            || a.as_list().is_some_and(|l| l.is_empty())
            || a.as_map().is_some_and(|m| m.is_empty())
    }) && schema.blocks.iter().all(|(name, bt)| {
        v.get(name)
            .as_list()
            .is_none_or(|items| items.iter().all(|i| is_blank(&bt.schema, i)))
    })
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
/// configuration leaves null taken from the prior state (or unknown on create), and write-only
/// attributes null (they are sent at apply, never planned).
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
        let v = if attr.write_only {
            Value::Null
        } else if ignored {
            prior.map(|p| p.get(name)).unwrap_or(Value::Null)
        } else if c.is_null() && attr.computed {
            match prior {
                Some(p) => p.get(name),
                None => Value::UNKNOWN,
            }
        } else {
            c
        };
        out.insert(name.clone(), v);
    }
    for (name, block) in &schema.blocks {
        let ignored = prior.is_some() && (ignore_all || ignore.iter().any(|i| i == name));
        let v = if ignored {
            prior.map(|p| p.get(name)).unwrap_or(Value::List(Vec::new().into()))
        } else {
            match (config.get(name), prior) {
                (Value::Null, _) => Value::List(Vec::new().into()),
                (v, Some(p)) => proposed_blocks(block.nesting, &block.schema, v, &p.get(name)),
                (v, None) => v,
            }
        };
        out.insert(name.clone(), v);
    }
    Value::Map(out.into())
}

/// The configured blocks of one type on an update, each with the computed attributes it
/// leaves null taken from the prior block it stands for, as Terraform proposes them: a list's
/// blocks by position, a set's by the arguments the configuration sets (a set has no
/// positions), so that what the provider computed inside a block is no change.
fn proposed_blocks(nesting: Nesting, schema: &Schema, config: Value, prior: &Value) -> Value {
    let (Some(items), Some(before)) = (config.as_list(), prior.as_list()) else {
        return config;
    };
    let matched = |i: usize, item: &Value| -> Option<Value> {
        match nesting {
            Nesting::Set => before.iter().find(|p| same_set_element(schema, item, p)).cloned(),
            _ => before.get(i).cloned(),
        }
    };
    let out: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, item)| match (item.is_unknown(), matched(i, item)) {
            (false, Some(p)) => proposed(schema, item, Some(&p), &[]),
            _ => item.clone(),
        })
        .collect();
    match &config {
        Value::List(seq) => Value::List(crate::core::value::Seq::new(seq.kind, out)),
        _ => config,
    }
}

/// Whether a configured set element and a prior one are the same element: equal in every
/// argument the configuration sets (computed values are the provider's, and say nothing).
fn same_set_element(schema: &Schema, config: &Value, prior: &Value) -> bool {
    schema.attributes.iter().all(|(name, attr)| {
        let c = config.get(name);
        if attr.computed && c.is_null() || attr.write_only {
            return true;
        }
        attr_equal(attr, &c, &prior.get(name))
    })
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
    use crate::core::value::map;

    /// A provider's rule for its documents, as a test double: one statement or one action may
    /// be written without its list.
    fn canonical(doc: &str) -> Option<serde_json::Value> {
        let mut v: serde_json::Value = serde_json::from_str(doc).ok()?;
        let statements = match v.get_mut("Statement")?.take() {
            serde_json::Value::Array(items) => items,
            one => vec![one],
        };
        let statements = statements
            .into_iter()
            .map(|mut st| {
                if let Some(a @ serde_json::Value::String(_)) = st.get_mut("Action") {
                    *a = serde_json::Value::Array(vec![a.take()]);
                }
                crate::core::document::sorted(st)
            })
            .collect();
        v["Statement"] = serde_json::Value::Array(statements);
        Some(v)
    }

    fn schema() -> Schema {
        Schema::new()
            .attr("bucket", Attribute::optional_computed(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("policy", Attribute::optional(Type::String).document(canonical))
            .attr("methods", Attribute::optional(Type::Set(Box::new(Type::String))))
    }

    #[test]
    fn proposed_fills_computed_from_prior_or_unknown() {
        let s = schema();
        let config = map([("bucket", Value::from("b"))]);
        let create = proposed(&s, &config, None, &[]);
        assert_eq!(create.get("arn"), Value::UNKNOWN);
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

    #[test]
    fn blocks_of_an_update_keep_what_the_provider_computed_in_them() {
        let replica = Schema::new()
            .attr("region", Attribute::required(Type::String))
            .attr("kms_key_id", Attribute::optional_computed(Type::String))
            .attr("status", Attribute::computed(Type::String));
        let s = Schema::new().block("replica", Nesting::Set, replica.clone());
        let item = |region: &str, key: Option<&str>, status: Option<&str>| {
            map([
                ("region", Value::from(region)),
                ("kms_key_id", key.map(Value::from).unwrap_or(Value::Null)),
                ("status", status.map(Value::from).unwrap_or(Value::Null)),
            ])
        };
        let prior = map([(
            "replica",
            Value::from(vec![
                item("us-east-1", Some("alias/aws/secretsmanager"), Some("InSync")),
                item("us-west-2", Some("k2"), Some("InSync")),
            ]),
        )]);
        // Set elements pair by what the configuration sets, whatever their order.
        let config = map([(
            "replica",
            Value::from(vec![item("us-west-2", None, None), item("us-east-1", None, None)]),
        )]);
        let planned = proposed(&s, &config, Some(&prior), &[]);
        assert!(blocks_equal(
            Nesting::Set,
            &replica,
            &planned.get("replica"),
            &prior.get("replica")
        ));
        // A key the configuration changes is a new element, with nothing computed yet.
        let config = map([("replica", Value::from(vec![item("us-west-2", Some("k3"), None)]))]);
        let planned = proposed(&s, &config, Some(&prior), &[]);
        assert_eq!(
            planned.get("replica"),
            Value::from(vec![item("us-west-2", Some("k3"), None)])
        );
    }

    #[test]
    fn an_unset_optional_argument_equals_the_zero_value_terraforms_provider_records() {
        let optional = Attribute::optional(Type::String).force_new();
        assert!(attr_equal(&optional, &Value::from(""), &Value::Null));
        assert!(attr_equal(
            &Attribute::optional(Type::Bool),
            &Value::Null,
            &Value::from(false)
        ));
        assert!(!attr_equal(
            &Attribute::optional(Type::Bool),
            &Value::Null,
            &Value::from(true)
        ));
        assert!(!attr_equal(&optional, &Value::from("x"), &Value::Null));
        assert!(!attr_equal(
            &Attribute::required(Type::String),
            &Value::from(""),
            &Value::Null
        ));
        let pitr = Schema::new().attr("enabled", Attribute::required(Type::Bool));
        let off = Value::from(vec![map([("enabled", Value::from(false))])]);
        assert!(blocks_equal(Nesting::List, &pitr, &off, &Value::Null));
        let on = Value::from(vec![map([("enabled", Value::from(true))])]);
        assert!(!blocks_equal(Nesting::List, &pitr, &on, &Value::Null));
    }
}
