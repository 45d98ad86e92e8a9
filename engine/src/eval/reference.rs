//! References: `var.x`, `local.x`, `module.x.out`, resource attributes, `each`, `count`,
//! `path`, `terraform`, and the attribute/index steps that follow them.

use crate::core::addr::{Mode, ResourceAddr};
use crate::core::diagnostic::{suggestion, Diagnostic, SourceFile, Span};
use crate::core::value::{Seq, SeqKind, Value};
use crate::eval::expr::{err, EvalResult, Evaluator};
use crate::eval::operators::{get_attr, index, marked};
use hcl_edit::expr::{Expression, TraversalOperator};
use std::collections::BTreeMap;
use std::sync::Arc;

impl<'a> Evaluator<'a> {
    pub(super) fn traversal(
        &self,
        whole: &Expression,
        root: &str,
        ops: &[&TraversalOperator],
        file: &Arc<SourceFile>,
    ) -> EvalResult {
        let span = Self::span(whole, file);
        if let Some((_, v)) = self.bound.iter().rev().find(|(n, _)| n == root) {
            return self.apply_ops(v.clone(), ops, whole, file);
        }
        let attr = |i: usize| -> Option<&str> {
            match ops.get(i) {
                Some(TraversalOperator::GetAttr(id)) => Some(id.as_str()),
                _ => None,
            }
        };
        let need = |i: usize, what: &str| -> Result<&str, Diagnostic> {
            attr(i).ok_or_else(|| {
                err(
                    "Invalid reference",
                    format!("A reference to {root} must be followed by {what}, e.g. {root}.NAME."),
                    span.clone(),
                )
            })
        };
        let (value, consumed) = match root {
            "var" => {
                let name = need(0, "a variable name")?;
                let detail = format!("An input variable with the name \"{name}\" has not been declared. Declare it with a variable \"{name}\" {{}} block.");
                (
                    named(
                        &self.scope.vars,
                        &self.scope.declared.vars,
                        name,
                        "Reference to undeclared input variable",
                        detail,
                        span,
                    )?,
                    1,
                )
            }
            "local" => {
                let name = need(0, "a local value name")?;
                let detail = format!("A local value with the name \"{name}\" has not been declared.");
                (
                    named(
                        &self.scope.locals,
                        &self.scope.declared.locals,
                        name,
                        "Reference to undeclared local value",
                        detail,
                        span,
                    )?,
                    1,
                )
            }
            "module" => {
                let name = need(0, "a module name")?;
                let detail = format!("No module call named \"{name}\" is declared.");
                (
                    named(
                        &self.scope.modules,
                        &self.scope.declared.modules,
                        name,
                        "Reference to undeclared module",
                        detail,
                        span,
                    )?,
                    1,
                )
            }
            "data" => {
                let type_ = need(0, "a data source type")?;
                let name = need(1, "a data source name")?;
                let addr = ResourceAddr {
                    mode: Mode::Data,
                    type_: type_.to_string(),
                    name: name.to_string(),
                };
                (self.resource_value(&addr, span.clone())?, 2)
            }
            "ephemeral" => {
                let type_ = need(0, "an ephemeral resource type")?;
                let name = need(1, "an ephemeral resource name")?;
                let addr = ResourceAddr {
                    mode: Mode::Ephemeral,
                    type_: type_.to_string(),
                    name: name.to_string(),
                };
                // Whatever is read from it is ephemeral too, an unknown value included.
                (self.resource_value(&addr, span.clone())?.mark_ephemeral(), 2)
            }
            "each" => {
                let Some((k, v)) = &self.each else {
                    return Err(err(
                        "Reference to \"each\" in context without for_each",
                        "each.key and each.value can only be used in a block that has for_each.",
                        span,
                    ));
                };
                match need(0, "key or value")? {
                    "key" => (k.clone(), 1),
                    "value" => (v.clone(), 1),
                    other => {
                        return Err(err(
                            "Invalid each attribute",
                            format!("each has only key and value, not \"{other}\"."),
                            span,
                        ))
                    }
                }
            }
            "count" => {
                let Some(i) = &self.count_index else {
                    return Err(err(
                        "Reference to \"count\" in non-counted context",
                        "count.index can only be used in a block that has count.",
                        span,
                    ));
                };
                match need(0, "index")? {
                    "index" => (i.clone(), 1),
                    other => {
                        return Err(err(
                            "Invalid count attribute",
                            format!("count has only index, not \"{other}\"."),
                            span,
                        ))
                    }
                }
            }
            "path" => match need(0, "module, root or cwd")? {
                "module" => (Value::String(self.scope.path_module.display().to_string()), 1),
                "root" => (Value::String(self.scope.path_root.display().to_string()), 1),
                "cwd" => (
                    Value::String(
                        std::env::current_dir()
                            .map(|p| p.display().to_string())
                            .unwrap_or_default(),
                    ),
                    1,
                ),
                other => {
                    return Err(err(
                        "Invalid path attribute",
                        format!("path has module, root and cwd, not \"{other}\"."),
                        span,
                    ))
                }
            },
            "terraform" => match need(0, "workspace")? {
                "workspace" => (Value::String(self.scope.workspace.clone()), 1),
                // Ephemeral, as in Terraform: it differs between plan and apply, so nothing
                // that is kept may depend on it.
                "applying" => (Value::Bool(self.scope.now.is_some()).mark_ephemeral(), 1),
                other => {
                    return Err(err(
                        "Invalid terraform attribute",
                        format!("terraform has only workspace and applying, not \"{other}\"."),
                        span,
                    ))
                }
            },
            "self" => {
                return Err(err(
                    "Invalid \"self\" reference",
                    "self is only valid in provisioners, which are not supported.",
                    span,
                ))
            }
            type_ => {
                let Some(name) = attr(0) else {
                    return Err(err(
                        "Invalid reference",
                        format!("\"{type_}\" is not a known name here. A resource reference looks like TYPE.NAME, e.g. aws_s3_bucket.artifacts.bucket; variables are var.NAME."),
                        span,
                    ));
                };
                let addr = ResourceAddr {
                    mode: Mode::Managed,
                    type_: type_.to_string(),
                    name: name.to_string(),
                };
                (self.resource_value(&addr, span.clone())?, 1)
            }
        };
        self.apply_ops(value, &ops[consumed..], whole, file)
    }

    pub(super) fn resource_value(&self, addr: &ResourceAddr, span: Option<Span>) -> EvalResult {
        if let Some(v) = self.scope.resources.get(addr) {
            return Ok(v.clone());
        }
        if self.scope.declared.resources.contains(addr) {
            return Ok(Value::UNKNOWN);
        }
        let candidates: Vec<String> = self
            .scope
            .declared
            .resources
            .iter()
            .filter(|r| r.mode == addr.mode)
            .map(|r| r.to_string())
            .collect();
        Err(err(
            "Reference to undeclared resource",
            crate::config::refs::undeclared_resource(addr, "this module", candidates.iter().map(String::as_str)),
            span,
        ))
    }

    pub(super) fn apply_ops(
        &self,
        mut value: Value,
        ops: &[&TraversalOperator],
        whole: &Expression,
        file: &Arc<SourceFile>,
    ) -> EvalResult {
        let span = Self::span(whole, file);
        for (i, op) in ops.iter().enumerate() {
            match op {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let (inner, sens) = value.unmark();
                    // A list splats to a list, a set to a list, anything else to a tuple.
                    let (kind, items) = match inner {
                        Value::Unknown(_) => return Ok(marked(Value::UNKNOWN, sens)),
                        Value::Null => (SeqKind::Tuple, Vec::new()),
                        Value::List(items) if items.kind == SeqKind::Tuple => (SeqKind::Tuple, items.to_vec()),
                        Value::List(items) => (SeqKind::List, items.to_vec()),
                        other => (SeqKind::Tuple, vec![other.clone()]),
                    };
                    let rest = &ops[i + 1..];
                    let mut out = Vec::new();
                    for item in items {
                        out.push(self.apply_ops(item, rest, whole, file)?);
                    }
                    return Ok(marked(Value::List(Seq::new(kind, out)), sens));
                }
                TraversalOperator::GetAttr(id) => {
                    value = get_attr(&value, id.as_str()).map_err(|m| err("Unsupported attribute", m, span.clone()))?;
                }
                TraversalOperator::Index(ie) => {
                    let key = self.expr(ie, file)?;
                    value = index(&value, &key).map_err(|m| err("Invalid index", m, span.clone()))?;
                }
                TraversalOperator::LegacyIndex(n) => {
                    value = index(&value, &Value::Number((*n.value() as f64).into()))
                        .map_err(|m| err("Invalid index", m, span.clone()))?;
                }
            }
        }
        Ok(value)
    }
}

/// Looks up `name` among values evaluated so far; declared but not yet evaluated is unknown.
fn named(
    values: &BTreeMap<String, Value>,
    declared: &[String],
    name: &str,
    summary: &str,
    detail: String,
    span: Option<Span>,
) -> EvalResult {
    match values.get(name) {
        Some(v) => Ok(v.clone()),
        None if declared.iter().any(|n| n == name) => Ok(Value::UNKNOWN),
        None => Err(err(
            summary,
            format!("{detail}{}", suggestion(name, declared.iter().map(String::as_str))),
            span,
        )),
    }
}
