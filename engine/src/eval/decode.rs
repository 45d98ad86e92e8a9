//! Turns a resource body into a value shaped by its schema, reporting every unsupported
//! argument, missing required argument and type mismatch at once.

use crate::config::Body;
use crate::core::diagnostic::{suggestion, Diagnostic, Diagnostics, Span};
use crate::core::schema::{Nesting, Schema};
use crate::core::value::Value;
use crate::eval::Evaluator;
use std::collections::BTreeMap;

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
    for (name, attr) in &body.attrs {
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
    for block in &body.blocks {
        if block.kind == "dynamic" {
            diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    "dynamic blocks are not supported yet; write the blocks out, or use for_each on the resource.",
                )
                .at(block.span.clone())
                .within(context),
            );
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
            Err(mut d) => diags.append(&mut d),
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
        out.insert(name.clone(), Value::List(list));
    }
    if diags.is_empty() {
        Ok(Value::Map(out))
    } else {
        Err(diags)
    }
}

/// Reports every argument and block of `body` (nested blocks included) that the schema does not
/// declare, with a "did you mean" where a name is close; `validate` runs this without AWS.
pub fn check_names(body: &Body, schema: &Schema, ctx: &str, diags: &mut Diagnostics) {
    for (name, attr) in &body.attrs {
        if !schema.attributes.contains_key(name) {
            diags.push(
                Diagnostic::error(
                    "Unsupported argument",
                    format!(
                        "An argument named \"{name}\" is not expected here.{}",
                        suggestion(name, schema.names())
                    ),
                )
                .at(attr.name_span.clone())
                .within(ctx),
            );
        }
    }
    for b in &body.blocks {
        match schema.blocks.get(&b.kind) {
            Some(bt) => check_names(&b.body, &bt.schema, ctx, diags),
            None => diags.push(
                Diagnostic::error(
                    "Unsupported block type",
                    format!(
                        "Blocks of type \"{}\" are not expected here.{}",
                        b.kind,
                        suggestion(&b.kind, schema.names())
                    ),
                )
                .at(b.span.clone())
                .within(ctx),
            ),
        }
    }
}
