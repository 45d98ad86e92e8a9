//! What can be known of a configuration before any value is: every block evaluated with the
//! values that only planning gives (variables, resource attributes, `each`, `count.index`)
//! left unknown, and decoded against its schema. `validate` reports all of it at once; a plan
//! meets the same errors when it evaluates each block for real.

use crate::config::{Module, Resource};
use crate::core::addr::Mode;
use crate::core::diagnostic::{suggestion, Diagnostic, Diagnostics};
use crate::core::provider::{ProviderFactory, ValidateRequest};
use crate::core::value::Value;
use crate::eval::decode::decode;
use crate::eval::{ephemeral, vars, Evaluator, Scope};
use std::collections::BTreeMap;

/// Checks one module of the configuration (`root_dir`: the root module's, for `path.*`):
/// variable declarations, every resource and data source against its schema and the
/// provider's rules, locals, outputs and provider blocks.
pub fn module(
    m: &Module,
    root: bool,
    root_dir: &std::path::Path,
    factory: &dyn ProviderFactory,
    diags: &mut Diagnostics,
) {
    let mut scope = Scope {
        checking: true,
        ..Scope::declaring(m, root_dir)
    };
    marked_locals(m, &mut scope, diags);
    let ev = Evaluator::new(&scope);
    for e in crate::config::refs::module_exprs(m) {
        crate::eval::calls::check_calls(e, diags);
        attribute_refs(m, e, factory, diags);
    }
    for var in m.variables.values() {
        for d in vars::check_declaration(var) {
            diags.push(d);
        }
    }
    for res in m.resources.values() {
        resource(res, &ev, factory, diags);
    }
    for call in m.module_calls.values() {
        let ev = ev
            .clone()
            .with_unknown_count()
            .with_each(Value::UNKNOWN, Value::UNKNOWN);
        for (name, attr) in &call.inputs {
            let accepts = call.module.variables.get(name).is_none_or(|v| v.ephemeral);
            if !accepts && ev.eval(&attr.expr).is_ok_and(|v| v.contains_ephemeral()) {
                diags.push(
                    ephemeral::variable_problem(name, attr.expr.span()).within(format!("module \"{}\"", call.name)),
                );
            }
        }
    }
    for output in m.outputs.values() {
        if root && output.ephemeral {
            diags.push(ephemeral::root_output_problem(&output.name, output.span.clone()));
        }
        match ev.eval(&output.value) {
            Ok(v) if v.contains_ephemeral() && !output.ephemeral => {
                diags.push(ephemeral::output_problem(&output.name, output.value.span()))
            }
            Ok(_) => {}
            Err(d) => diags.push(d.within(format!("output \"{}\"", output.name))),
        }
    }
    for pc in m.providers.values() {
        let Some(schema) = factory.config_schema(&pc.name) else {
            continue;
        };
        if let Err(ds) = decode(
            &pc.body,
            &schema,
            &ev,
            &format!("provider \"{}\"", pc.name),
            pc.span.clone(),
        ) {
            diags.0.extend(ds);
        }
    }
}

/// Evaluates the module's locals, each after the locals it reads, and keeps each one unknown
/// (as every value is here) but with the marks its value has on top: so that an ephemeral value
/// that reaches a resource through a local is found here too, as Terraform's `validate` finds
/// it. A local in a cycle stays plainly unknown (the graph reports the cycle).
fn marked_locals(m: &Module, scope: &mut Scope, diags: &mut Diagnostics) {
    use crate::config::refs::{references, Ref};
    let reads: BTreeMap<&String, Vec<&String>> = m
        .locals
        .iter()
        .map(|(name, attr)| {
            let read = references(&attr.expr)
                .into_iter()
                .filter_map(|(r, _)| match r {
                    Ref::Local(n) => m.locals.get_key_value(&n).map(|(k, _)| k),
                    _ => None,
                })
                .collect();
            (name, read)
        })
        .collect();
    // Kahn's order: a local once every local it reads is done.
    let mut waiting: BTreeMap<&String, usize> = reads.iter().map(|(n, r)| (*n, r.len())).collect();
    let mut readers: BTreeMap<&String, Vec<&String>> = BTreeMap::new();
    for (name, read) in &reads {
        for r in read {
            readers.entry(*r).or_default().push(*name);
        }
    }
    let mut ready: Vec<&String> = waiting.iter().filter(|(_, n)| **n == 0).map(|(k, _)| *k).collect();
    while let Some(name) = ready.pop() {
        match Evaluator::new(scope).eval(&m.locals[name].expr) {
            Ok(v) => {
                let marks = v.unmark().1;
                scope.locals.insert(name.clone(), Value::UNKNOWN.with_marks(marks));
            }
            Err(d) => diags.push(d),
        }
        for reader in readers.get(name).into_iter().flatten() {
            if let Some(n) = waiting.get_mut(reader) {
                *n -= 1;
                if *n == 0 {
                    ready.push(reader);
                }
            }
        }
    }
    // The locals of a cycle were never ready: evaluated once, for their own errors.
    for (name, n) in &waiting {
        if *n > 0 {
            if let Err(d) = Evaluator::new(scope).eval(&m.locals[*name].expr) {
                diags.push(d);
            }
        }
    }
}

/// "Unsupported resource type" for a block whose type no provider has, with a suggestion.
pub fn unsupported_type(res: &Resource, factory: &dyn ProviderFactory) -> Diagnostic {
    let (what, known) = match res.addr.mode {
        Mode::Managed => ("resource", factory.resource_types()),
        Mode::Data => ("data source", factory.data_types()),
        Mode::Ephemeral => ("ephemeral resource", factory.ephemeral_types()),
    };
    let at = res.type_span.clone().or_else(|| res.span.clone());
    if let Some(instead) = factory.not_yet_type(&res.addr.type_) {
        return Diagnostic::error(
            "Resource type not supported yet",
            format!(
                "\"{}\" is a {what} type of the Terraform provider, but infinstor does not support it yet. {instead}",
                res.addr.type_
            ),
        )
        .at(at);
    }
    Diagnostic::error(
        "Unsupported resource type",
        format!(
            "The provider does not support {what} type \"{}\".{}",
            res.addr.type_,
            suggestion(&res.addr.type_, known.iter().map(String::as_str))
        ),
    )
    .at(at)
}

fn resource(res: &Resource, ev: &Evaluator<'_>, factory: &dyn ProviderFactory, diags: &mut Diagnostics) {
    let schema = factory.schema(res.addr.mode, &res.addr.type_);
    let Some(schema) = schema else {
        diags.push(unsupported_type(res, factory));
        return;
    };
    let mut ev = ev.clone();
    if res.count.is_some() {
        ev = ev.with_unknown_count();
    }
    if res.for_each.is_some() {
        ev = ev.with_each(Value::UNKNOWN, Value::UNKNOWN);
    }
    for (argument, e) in [("count", &res.count), ("for_each", &res.for_each)] {
        match e.as_ref().map(|e| (e, ev.eval(e))) {
            Some((e, Ok(v))) if v.contains_ephemeral() => {
                diags.push(ephemeral::instance_keys_problem(argument, e).within(res.describe()))
            }
            Some((_, Err(d))) => diags.push(d.within(res.describe())),
            _ => {}
        }
    }
    match decode(&res.body, &schema, &ev, &res.describe(), res.span.clone()) {
        // Values known only after apply (another resource's ID) are unknown here: the
        // provider checks what is known, so a mistake is reported before anything is created.
        // An ephemeral resource may take ephemeral values; its provider checks it when it opens.
        Ok(_) if res.addr.mode == Mode::Ephemeral => {}
        Ok(config) => {
            diags.0.extend(ephemeral::resource_problems(res, &schema, &config));
            diags.0.extend(provider_problems(factory, res, &config));
        }
        Err(ds) => diags.0.extend(ds),
    }
}

/// The provider's problems with a configuration of `res` (values not known before apply are
/// unknown in it), each at the argument it names.
pub fn provider_problems(factory: &dyn ProviderFactory, res: &Resource, config: &Value) -> Vec<Diagnostic> {
    factory
        .validate(ValidateRequest {
            data: res.addr.mode == Mode::Data,
            type_name: &res.addr.type_,
            config,
        })
        .into_iter()
        .map(|p| {
            let span = p
                .attribute
                .as_deref()
                .and_then(|a| res.body.span_of(a))
                .or(res.span.clone());
            let summary = if p.not_yet {
                "Not supported yet"
            } else {
                "Invalid argument value"
            };
            Diagnostic::error(summary, p.message).at(span).within(res.describe())
        })
        .collect()
}

/// A reference to an attribute the resource's type does not have, which is known without
/// evaluating anything.
fn attribute_refs(m: &Module, e: &crate::config::Expr, factory: &dyn ProviderFactory, diags: &mut Diagnostics) {
    for (addr, attr, span) in crate::config::refs::attribute_refs(e) {
        if !m.resources.contains_key(&addr) {
            continue;
        }
        let schema = factory.schema(addr.mode, &addr.type_);
        let Some(schema) = schema else { continue };
        if schema.attributes.contains_key(&attr) || schema.blocks.contains_key(&attr) {
            continue;
        }
        // The provider's own argument, which infinstor lacks: said as such, not as a mistake.
        if let Some(instead) = schema.not_yet.get(&attr) {
            diags.push(
                Diagnostic::error(
                    "Not supported yet",
                    format!(
                        "{addr}.{attr} is an argument of the provider that infinstor does not support yet. {instead}"
                    ),
                )
                .at(span),
            );
            continue;
        }
        let known = schema.attributes.keys().chain(schema.blocks.keys()).map(String::as_str);
        diags.push(
            Diagnostic::error(
                "Unsupported attribute",
                format!(
                    "{addr} has no argument, nested block, or exported attribute named \"{attr}\".{}",
                    suggestion(&attr, known)
                ),
            )
            .at(span),
        );
    }
}
