//! `import` blocks: before planning, each object not yet in state is read by its import ID
//! and joins the prior state, so the plan compares it with its configuration like any other;
//! apply records it.

use crate::config::Module;
use crate::core::addr::InstanceKey;
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::instance::to_instance_state;
use crate::core::lock;
use crate::core::plan::StateImport;
use crate::core::provider::ImportRequest;
use crate::core::value::Value;
use crate::eval::{Declared, Evaluator, Scope};
use crate::plan::session::Session;
use std::collections::BTreeMap;

/// Imports every object an `import` block names that state does not hold yet.
pub fn import_all(
    session: &Session<'_>,
    module: &Module,
    variables: &BTreeMap<String, Value>,
) -> Result<Vec<StateImport>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let mut out = Vec::new();
    if module.imports.is_empty() {
        return Ok(out);
    }
    // A provider that could not be configured reads nothing: its errors come first.
    let configured = lock(&session.ledger).diags.clone();
    if configured.has_errors() {
        return Err(configured);
    }
    let scope = root_scope(variables);
    for block in &module.imports {
        let path = crate::config::tree::config_path(&block.to.module);
        let Some(res) = crate::config::tree::module_at(module, &path).and_then(|m| m.resources.get(&block.to.resource))
        else {
            diags.push(
                Diagnostic::error(
                    "Configuration for import target does not exist",
                    format!(
                        "The import block's target {} has no resource block. Add resource \"{}\" \"{}\" {{ ... }} with the object's configuration, or run `infinstor plan --generate-config-out=FILE` to have it written from the object.",
                        block.to.resource, block.to.resource.type_, block.to.resource.name
                    ),
                )
                .at(block.span.clone()),
            );
            continue;
        };
        let base = Evaluator::new(&scope);
        let evaluators = match &block.for_each {
            None => vec![base],
            Some(for_each) => match each_of(&base, for_each) {
                Ok(elements) => elements
                    .into_iter()
                    .map(|(k, v)| base.clone().with_each(k, v))
                    .collect(),
                Err(d) => {
                    diags.push(d.within("import block".to_string()));
                    continue;
                }
            },
        };
        for ev in evaluators {
            let mut addr = block.to.clone();
            if let Some(key) = &block.key {
                match instance_key(&ev, key) {
                    Ok(k) => addr.key = k,
                    Err(d) => {
                        diags.push(d.within("import block".to_string()));
                        continue;
                    }
                }
            }
            if lock(&session.prior).instance(&addr).is_some() {
                // Already managed: the block has done its work.
                continue;
            }
            let id = match known_string(&ev, &block.id) {
                Ok(id) => id,
                Err(d) => {
                    diags.push(d.within("import block".to_string()));
                    continue;
                }
            };
            match import_one(session, res, &addr, &id) {
                Ok(i) => out.push(i),
                Err(d) => diags.push(d.at(block.span.clone())),
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

const KNOWN: &str = "must be known when planning: literals, and the root module's variables";

/// Where an import block's expressions are evaluated: they must be known when planning, so
/// only literals and the root module's variables are there.
pub(super) fn root_scope(variables: &BTreeMap<String, Value>) -> Scope {
    Scope {
        vars: variables.clone(),
        declared: Declared {
            vars: variables.keys().cloned().collect(),
            ..Declared::default()
        },
        ..Scope::default()
    }
}

/// A string known when planning (the import ID).
pub(super) fn known_string(ev: &Evaluator<'_>, e: &crate::config::Expr) -> Result<String, Diagnostic> {
    let v = ev.eval(e)?;
    match v.deep_unmark().as_str() {
        Some(s) if !v.contains_unknown() => Ok(s.to_string()),
        _ => {
            Err(Diagnostic::error("Invalid import id", format!("The import ID is a string that {KNOWN}.")).at(e.span()))
        }
    }
}

/// The instance key a `to = TYPE.NAME[KEY]` expression gives.
fn instance_key(ev: &Evaluator<'_>, e: &crate::config::Expr) -> Result<InstanceKey, Diagnostic> {
    match ev.eval(e)?.deep_unmark() {
        Value::String(s) => Ok(InstanceKey::Str(s)),
        Value::Number(n) if n.to_i64().is_some_and(|i| i >= 0) => Ok(InstanceKey::Int(n.to_i64().unwrap_or(0))),
        _ => Err(Diagnostic::error(
            "Invalid import address",
            format!("The instance key in `to` is a string (for_each) or a whole number (count) that {KNOWN}."),
        )
        .at(e.span())),
    }
}

/// The (each.key, each.value) pairs of an import block's `for_each`: a map, or a set or list
/// of strings.
fn each_of(ev: &Evaluator<'_>, e: &crate::config::Expr) -> Result<Vec<(Value, Value)>, Diagnostic> {
    let v = ev.eval(e)?;
    let bad = |what: &str| {
        Diagnostic::error(
            "Invalid for_each argument",
            format!("The for_each of an import block is a map or a set of strings that {KNOWN}, not {what}."),
        )
        .at(e.span())
    };
    if v.contains_unknown() {
        return Err(bad("a value known only after apply"));
    }
    match v.deep_unmark() {
        Value::Map(m) => Ok(m.into_iter().map(|(k, v)| (Value::String(k), v)).collect()),
        Value::List(items) => items
            .into_iter()
            .map(|i| match i {
                Value::String(s) => Ok((Value::String(s.clone()), Value::String(s))),
                other => Err(bad(&format!("a list holding a value of type {}", other.type_name()))),
            })
            .collect(),
        other => Err(bad(&format!("a value of type {}", other.type_name()))),
    }
}

/// Reads one object by its import ID into the prior state.
fn import_one(
    session: &Session<'_>,
    res: &crate::config::Resource,
    addr: &crate::core::addr::InstanceAddr,
    id: &str,
) -> Result<StateImport, Diagnostic> {
    let provider = session.walk.provider_or_default(&res.provider)?;
    let v = read_by_id(&*provider, addr, id)?;
    let schema = session.walk.factory.resource_schema(&addr.resource.type_);
    let instance = to_instance_state(&res.provider, &v, &[], schema.as_ref());
    lock(&session.prior).set_instance(addr, instance.clone());
    Ok(StateImport {
        addr: addr.clone(),
        id: id.to_string(),
        instance,
    })
}

/// The object an import ID names, read for `addr`; an error when there is none.
pub(super) fn read_by_id(
    provider: &dyn crate::core::provider::Provider,
    addr: &crate::core::addr::InstanceAddr,
    id: &str,
) -> Result<Value, Diagnostic> {
    match provider.import(ImportRequest {
        type_name: &addr.resource.type_,
        id,
    }) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(Diagnostic::error(
            "Cannot import non-existent remote object",
            format!(
                "No {} with ID \"{id}\" was found for {addr}. Check the ID (the README's resource table gives each type's import ID format) and the provider's account and region.",
                addr.resource.type_
            ),
        )),
        Err(e) => Err(Diagnostic::error(
            format!("{addr}: {}", e.code),
            format!("Importing {addr} failed: {}", e.message),
        )),
    }
}
