//! Where ephemeral values may not go (Terraform 1.10): anything a plan file or the state keeps.
//! Ephemeral values come from `ephemeral = true` variables, ephemeral resources and
//! `terraform.applying`; they may flow into locals, write-only arguments, provider
//! configuration, ephemeral resources, ephemeral variables and outputs of child modules.
//! Each function here is the error Terraform gives where one reaches further.

use crate::config::{Expr, Resource};
use crate::core::diagnostic::{Diagnostic, Span};
use crate::core::schema::Schema;
use crate::core::value::Value;

/// The problems of a managed resource's or data source's evaluated configuration: every
/// argument that is not write-only and holds an ephemeral value.
pub fn resource_problems(res: &Resource, schema: &Schema, config: &Value) -> Vec<Diagnostic> {
    let Some(map) = config.as_map() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(name, v)| {
            v.contains_ephemeral() && !schema.attributes.get(name.as_str()).is_some_and(|a| a.write_only)
        })
        .map(|(name, _)| {
            Diagnostic::error(
                "Invalid use of ephemeral value",
                format!("Ephemeral values are not valid for \"{name}\", because it is not a write-only attribute and must be persisted to state."),
            )
            .at(res.body.span_of(name).or(res.span.clone()))
            .within(res.describe())
        })
        .collect()
}

/// `count` or `for_each` given an ephemeral value: the instances would differ between plan
/// and apply.
pub fn instance_keys_problem(argument: &str, expr: &Expr) -> Diagnostic {
    let (summary, detail) = if argument == "count" {
        (
            "Invalid count argument",
            format!("The given \"count\" is derived from an ephemeral value, which means that infinstor cannot persist it between plan and apply. Use only non-ephemeral values to specify the number of instances."),
        )
    } else {
        (
            "Invalid for_each argument",
            format!("The given \"for_each\" value is derived from an ephemeral value, which means that infinstor cannot persist it between plan and apply. Use only non-ephemeral values to specify the instance keys."),
        )
    };
    Diagnostic::error(summary, detail).at(expr.span())
}

/// A module call passes an ephemeral value to a variable not declared `ephemeral = true`.
pub fn variable_problem(name: &str, at: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        "Ephemeral value not allowed",
        format!("The input variable \"{name}\" is not declared as accepting ephemeral values, so it cannot be set to a result derived from an ephemeral value. Declare it with ephemeral = true, or pass ephemeralasnull(...) instead."),
    )
    .at(at)
}

/// An output not declared `ephemeral = true` is set to an ephemeral value.
pub fn output_problem(name: &str, at: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        "Ephemeral value not allowed",
        format!("output \"{name}\" is not declared as returning an ephemeral value, so it cannot be set to a result derived from an ephemeral value. In a child module, declare it with ephemeral = true; in the root module, use ephemeralasnull(...)."),
    )
    .at(at)
    .within(format!("output \"{name}\""))
}

/// `ephemeral = true` on an output of the root module, whose outputs are kept in the state.
pub fn root_output_problem(name: &str, at: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        "Ephemeral output not allowed",
        format!("Ephemeral outputs are not allowed in the root module: output \"{name}\" would be kept in the state. Remove ephemeral = true, or move the output into a child module."),
    )
    .at(at)
}
