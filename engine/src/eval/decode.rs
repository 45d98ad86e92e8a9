//! Turns a resource body into a value shaped by its schema, reporting every unsupported
//! argument, missing required argument and type mismatch at once.

use crate::config::{Block, Body};
use crate::core::diagnostic::{suggestion, Diagnostic, Span};
use crate::core::schema::{Nesting, Schema};
use crate::core::value::Value;
use crate::eval::Evaluator;
use std::collections::BTreeMap;

/// The error for an argument or block Terraform has that infinstor does not support yet.
fn not_yet(name: &str, instead: &str, at: Option<Span>, context: &str) -> Diagnostic {
    Diagnostic::error(
        "Not supported yet",
        format!("\"{name}\" is part of this type in Terraform, but infinstor does not support it yet. {instead}"),
    )
    .at(at)
    .within(context)
}

/// Decodes `body` against `schema`. The result has every attribute of the schema (null when
/// absent) and every block type (a list). `context` names the enclosing block for diagnostics.
pub fn decode(
    body: &Body,
    schema: &Schema,
    ev: &Evaluator<'_>,
    context: &str,
    block_span: Option<Span>,
) -> Result<Value, Vec<Diagnostic>> {
    let mut diags = Vec::new();
    let mut out = BTreeMap::new();
    let body = &*body.with_blocks(|name| schema.blocks.contains_key(name));
    for (name, attr) in &body.attrs {
        if let Some(instead) = schema.not_yet.get(name) {
            // As in Terraform, an argument set to null is not set: a module that passes its
            // variables' null defaults through is fine. A value known only later is checked
            // when it is known (the apply decodes the body again).
            let unset = ev.eval(&attr.expr).is_ok_and(|v| v.is_null() || v.is_unknown());
            if !unset {
                diags.push(not_yet(name, instead, attr.name_span.clone(), context));
            }
            continue;
        }
        let Some(sa) = schema.attributes.get(name) else {
            let hint = if schema.blocks.contains_key(name) {
                format!(" \"{name}\" is a block: write {name} {{ ... }} without the equals sign.")
            } else {
                suggestion(name, schema.names())
            };
            diags.push(
                Diagnostic::error(
                    "Unsupported argument",
                    format!("An argument named \"{name}\" is not expected here.{hint}"),
                )
                .at(attr.name_span.clone())
                .within(context),
            );
            continue;
        };
        if !sa.optional && !sa.required {
            diags.push(
                Diagnostic::error("Invalid argument", format!("\"{name}\" is read-only: the provider sets it. Remove it from the configuration; read it as a reference instead."))
                    .at(attr.name_span.clone())
                    .within(context),
            );
            continue;
        }
        match ev.eval(&attr.expr) {
            Ok(v) => match sa.ty.convert(v) {
                Ok(v) => {
                    if let Some(d) = sa.one_of.and_then(|allowed| not_allowed(name, &v, allowed)) {
                        diags.push(d.at(attr.expr.span()).within(context));
                    }
                    out.insert(name.clone(), v.mark_if(sa.sensitive));
                }
                Err(m) => diags.push(
                    Diagnostic::error(
                        "Incorrect attribute value type",
                        format!("Inappropriate value for attribute \"{name}\": {m}."),
                    )
                    .at(attr.expr.span())
                    .within(context),
                ),
            },
            Err(d) => diags.push(d.within(context)),
        }
    }
    let mut blocks: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    // Block types a dynamic block over a collection not known yet makes: how many blocks
    // there will be is known at apply, so the whole collection is unknown until then.
    let mut unknown_blocks = std::collections::BTreeSet::new();
    for block in &body.blocks {
        if block.kind == "dynamic" {
            match dynamic_blocks(block, schema, ev, context) {
                Ok((kind, Some(mut made))) => blocks.entry(kind).or_default().append(&mut made),
                Ok((kind, None)) => {
                    unknown_blocks.insert(kind);
                }
                Err(mut d) => {
                    diags.append(&mut d);
                    // Counted as present, so the error is not followed by "Missing required block".
                    if let Some(kind) = block.labels.first() {
                        blocks.entry(kind.clone()).or_default().push(Value::UNKNOWN);
                    }
                }
            }
            continue;
        }
        if let Some(instead) = schema.not_yet.get(&block.kind) {
            diags.push(not_yet(&block.kind, instead, block.span.clone(), context));
            continue;
        }
        let Some(bt) = schema.blocks.get(&block.kind) else {
            let hint = if schema.attributes.contains_key(&block.kind) {
                format!(
                    " \"{}\" is an argument: write {} = ... with an equals sign.",
                    block.kind, block.kind
                )
            } else {
                suggestion(&block.kind, schema.names())
            };
            diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    format!("Blocks of type \"{}\" are not expected here.{hint}", block.kind),
                )
                .at(block.span.clone())
                .within(context),
            );
            continue;
        };
        match decode(&block.body, &bt.schema, ev, context, block.span.clone()) {
            Ok(v) => {
                let list = blocks.entry(block.kind.clone()).or_default();
                if bt.nesting == Nesting::Single && !list.is_empty() {
                    diags.push(
                        Diagnostic::error(
                            "Too many blocks",
                            format!(
                                "Only one \"{}\" block is allowed here; merge them into one.",
                                block.kind
                            ),
                        )
                        .at(block.span.clone())
                        .within(context),
                    );
                    continue;
                }
                list.push(v);
            }
            Err(mut d) => {
                diags.append(&mut d);
                blocks.entry(block.kind.clone()).or_default().push(Value::UNKNOWN);
            }
        }
    }
    for (name, sa) in &schema.attributes {
        if sa.required && !body.attrs.contains_key(name) {
            diags.push(
                Diagnostic::error("Missing required argument", format!("The argument \"{name}\" is required, but no definition was found. Add {name} = ... to this block."))
                    .at(block_span.clone())
                    .within(context),
            );
        }
        out.entry(name.clone()).or_insert(Value::Null);
    }
    for (name, bt) in &schema.blocks {
        let list = blocks.remove(name).unwrap_or_default();
        if unknown_blocks.contains(name) {
            out.insert(name.clone(), Value::UNKNOWN);
            continue;
        }
        if list.len() < bt.min_items {
            diags.push(
                Diagnostic::error(
                    "Missing required block",
                    format!(
                        "At least {} \"{name}\" block(s) are required here. Add {name} {{ ... }}.",
                        bt.min_items
                    ),
                )
                .at(block_span.clone())
                .within(context),
            );
        }
        out.insert(name.clone(), Value::List(list.into()));
    }
    if diags.is_empty() {
        Ok(Value::Map(out.into()))
    } else {
        Err(diags)
    }
}

/// A dynamic block whose label names no block type of the schema.
fn no_such_block_type(kind: &str, schema: &Schema, span: Option<Span>, context: &str) -> Diagnostic {
    Diagnostic::error(
        "Unsupported block type",
        format!(
            "Blocks of type \"{kind}\" are not expected here, so a dynamic block cannot make them.{}",
            suggestion(kind, schema.names())
        ),
    )
    .at(span)
    .within(context)
}

/// The blocks a `dynamic "TYPE"` block makes: one per element of its `for_each`, each decoded
/// from `content` with the iterator (`TYPE`, or `iterator = NAME`) bound to `{ key, value }`;
/// `None` when the `for_each` is not known yet.
fn dynamic_blocks(
    block: &Block,
    schema: &Schema,
    ev: &Evaluator<'_>,
    context: &str,
) -> Result<(String, Option<Vec<Value>>), Vec<Diagnostic>> {
    let kind = block.labels.first().cloned().unwrap_or_default();
    if let Some(instead) = schema.not_yet.get(&kind) {
        // A dynamic block that makes no block (an empty or null `for_each`, as modules write
        // for features left off) asks nothing; one known only later is checked when known.
        let none = block.body.attrs.get("for_each").is_some_and(|f| {
            ev.eval(&f.expr).is_ok_and(|v| {
                let (v, _) = v.into_unmarked();
                v.is_null()
                    || v.is_unknown()
                    || v.as_list().is_some_and(|l| l.is_empty())
                    || v.as_map().is_some_and(|m| m.is_empty())
            })
        });
        if none {
            return Ok((kind, Some(Vec::new())));
        }
        return Err(vec![not_yet(
            &kind,
            instead,
            block.label_span.clone().or(block.span.clone()),
            context,
        )]);
    }
    let Some(bt) = schema.blocks.get(&kind) else {
        return Err(vec![no_such_block_type(&kind, schema, block.span.clone(), context)]);
    };
    let (Some(for_each), Some(content)) = (
        block.body.attrs.get("for_each"),
        block.body.blocks.iter().find(|b| b.kind == "content"),
    ) else {
        // The loader reported the missing parts.
        return Ok((kind, Some(Vec::new())));
    };
    let collection = ev.eval(&for_each.expr).map_err(|d| vec![d.within(context)])?;
    let (collection, _) = collection.into_unmarked();
    let elements: Vec<(Value, Value)> = match collection {
        Value::List(items) if !items.iter().any(Value::is_unknown) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (Value::from(i as i64), v))
            .collect(),
        Value::Map(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
        Value::Unknown(_) | Value::List(_) => {
            // As in Terraform, the blocks are planned unknown and made at apply; the content
            // is still checked now, with the iterator unknown.
            let iterator = crate::config::refs::dynamic_iterator(block);
            let inner = ev
                .clone()
                .with_bound([(iterator, element(Value::UNKNOWN, Value::UNKNOWN))]);
            decode(&content.body, &bt.schema, &inner, context, content.span.clone())?;
            return Ok((kind, None));
        }
        other => {
            return Err(vec![Diagnostic::error(
                "Invalid dynamic for_each value",
                format!(
                    "The for_each of dynamic \"{kind}\" must be a list, set or map, not {}.",
                    other.type_name()
                ),
            )
            .at(for_each.expr.span())
            .within(context)]);
        }
    };
    let iterator = crate::config::refs::dynamic_iterator(block);
    let mut made = Vec::new();
    let mut diags = Vec::new();
    for (key, value) in elements {
        let inner = ev.clone().with_bound([(iterator.clone(), element(key, value))]);
        match decode(&content.body, &bt.schema, &inner, context, content.span.clone()) {
            Ok(v) => made.push(v),
            Err(mut d) => diags.append(&mut d),
        }
    }
    if bt.nesting == Nesting::Single && made.len() > 1 {
        diags.push(
            Diagnostic::error(
                "Too many blocks",
                format!(
                    "Only one \"{kind}\" block is allowed here, and this dynamic block makes {}.",
                    made.len()
                ),
            )
            .at(block.span.clone())
            .within(context),
        );
    }
    if diags.is_empty() {
        Ok((kind, Some(made)))
    } else {
        Err(diags)
    }
}

/// What a dynamic block's iterator holds for one element: `{ key, value }`.
fn element(key: Value, value: Value) -> Value {
    Value::Map(BTreeMap::from([("key".to_string(), key), ("value".to_string(), value)]).into())
}

/// The error for a known value (or list/set element) outside the attribute's allowed values.
fn not_allowed(name: &str, value: &Value, allowed: &[&str]) -> Option<Diagnostic> {
    let (plain, sensitive) = value.unmark();
    let items = match plain {
        Value::List(items) => items.iter().collect(),
        one => vec![one],
    };
    let bad = items
        .into_iter()
        .find_map(|v| v.as_str().filter(|s| !allowed.contains(s)))?;
    let quoted: Vec<String> = allowed.iter().map(|a| format!("\"{a}\"")).collect();
    let (shown, hint) = if sensitive.sensitive {
        ("(sensitive value)".to_string(), String::new())
    } else {
        (format!("\"{bad}\""), suggestion(bad, allowed.iter().copied()))
    };
    Some(Diagnostic::error(
        "Invalid value",
        format!("\"{name}\" takes one of {}, not {shown}.{hint}", quoted.join(", ")),
    ))
}
