//! `import` blocks: before planning, each object not yet in state is read by its import ID
//! and joins the prior state, so the plan compares it with its configuration like any other;
//! apply records it.

use crate::config::Module;
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
    // The ID must be known when planning: literals and the root module's variables.
    let scope = Scope {
        vars: variables.clone(),
        declared: Declared {
            vars: variables.keys().cloned().collect(),
            ..Declared::default()
        },
        ..Scope::default()
    };
    for block in &module.imports {
        let addr = &block.to;
        let path = crate::config::tree::config_path(&block.to.module);
        let Some(res) = crate::config::tree::module_at(module, &path).and_then(|m| m.resources.get(&block.to.resource))
        else {
            diags.push(
                Diagnostic::error(
                    "Configuration for import target does not exist",
                    format!(
                        "The import block's target {addr} has no resource block. Add resource \"{}\" \"{}\" {{ ... }} with the object's configuration.",
                        block.to.resource.type_, block.to.resource.name
                    ),
                )
                .at(block.span.clone()),
            );
            continue;
        };
        if lock(&session.prior).instance(addr).is_some() {
            // Already managed: the block has done its work.
            continue;
        }
        let id = match Evaluator::new(&scope).eval(&block.id) {
            Ok(v) => match v.deep_unmark().as_str() {
                Some(s) if !v.contains_unknown() => s.to_string(),
                _ => {
                    diags.push(
                        Diagnostic::error(
                            "Invalid import id",
                            "The import ID must be a string known when planning: a literal, or built from the root module's variables.",
                        )
                        .at(block.id.span()),
                    );
                    continue;
                }
            },
            Err(d) => {
                diags.push(d.within("import block".to_string()));
                continue;
            }
        };
        let provider = match session.provider_or_default(&res.provider) {
            Ok(p) => p,
            Err(d) => {
                diags.push(d.at(block.span.clone()));
                continue;
            }
        };
        let found = provider.import(ImportRequest {
            type_name: &block.to.resource.type_,
            id: &id,
        });
        match found {
            Ok(Some(v)) => {
                let instance = to_instance_state(&res.provider, &v, &[]);
                lock(&session.prior).set_instance(addr, instance.clone());
                out.push(StateImport {
                    addr: addr.clone(),
                    id,
                    instance,
                });
            }
            Ok(None) => diags.push(
                Diagnostic::error(
                    "Cannot import non-existent remote object",
                    format!(
                        "No {} with ID \"{id}\" was found for {addr}. Check the ID (the README's resource table gives each type's import ID format) and the provider's account and region.",
                        block.to.resource.type_
                    ),
                )
                .at(block.span.clone()),
            ),
            Err(e) => diags.push(
                Diagnostic::error(format!("{addr}: {}", e.code), format!("Importing {addr} failed: {}", e.message))
                    .at(block.span.clone()),
            ),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}
