//! `console`: expressions evaluated against the configuration and the state, as Terraform's
//! console does: variables as given, resources and data sources as the state records them,
//! locals and module outputs computed from those. Nothing is refreshed and nothing is planned;
//! what the state does not hold is unknown.

use super::{Engine, EngineError, Options};
use crate::config::{Expr, Module};
use crate::core::addr::{InstanceKey, Mode, ModulePath};
use crate::core::diagnostic::{Diagnostic, SourceFile};
use crate::core::instance::from_instance_state;
use crate::core::provider::ProviderFactory;
use crate::core::value::Value;
use crate::eval::{vars, Evaluator, Scope};
use state::State;
use std::collections::BTreeMap;

/// The root module's values, ready to evaluate expressions in.
pub struct Console {
    scope: Scope,
}

impl Console {
    /// Evaluates one expression; an error says what is wrong at its place in the input.
    pub fn eval(&self, text: &str) -> Result<Value, Diagnostic> {
        let file = SourceFile::new(std::path::Path::new("<console>"), "<console>".into(), text.to_string());
        let expr = hcl_edit::parser::parse_expr(text).map_err(|e| {
            let at = e.location().offset();
            Diagnostic::error("Invalid expression", format!("{}.", e.message())).at(Some(
                crate::core::diagnostic::Span {
                    file: file.clone(),
                    range: at..at + 1,
                },
            ))
        })?;
        Evaluator::new(&self.scope).eval(&Expr { expr, file })
    }
}

impl Engine<'_> {
    /// Loads the configuration, its variables (unset ones are unknown, not asked for) and the
    /// state, for `console`.
    pub fn console(&self, opts: &Options) -> Result<Console, EngineError> {
        let (module, _) = self.load(opts)?;
        let backend = self.backend(opts)?;
        let prior = self.read_state(&*backend)?;
        let raw = vars::collect(&opts.dir, &opts.vars, &opts.env)?;
        let mut given = BTreeMap::new();
        for (name, var) in &module.variables {
            // Only this variable, so one that is unset leaves it unknown instead of failing all.
            let one: BTreeMap<_, _> = raw
                .iter()
                .filter(|(k, _)| *k == name)
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            let alone = Module {
                variables: BTreeMap::from([(name.clone(), var.clone())]),
                ..Module::default()
            };
            if let Ok((mut values, _)) = vars::resolve_root(&alone, &one, None) {
                if let Some(v) = values.remove(name) {
                    given.insert(name.clone(), v);
                }
            }
        }
        let mut scope = module_scope(&module, &module.dir, &Vec::new(), given, &prior, self.factory);
        scope.workspace = self.workspace(opts)?;
        Ok(Console { scope })
    }
}

/// The scope of one module instance at `path`: its resources from state, its locals, and its
/// single-instance child modules' outputs, computed until nothing more becomes known.
fn module_scope(
    m: &Module,
    root_dir: &std::path::Path,
    path: &ModulePath,
    vars: BTreeMap<String, Value>,
    prior: &State,
    factory: &dyn ProviderFactory,
) -> Scope {
    let mut scope = Scope::declaring(m, root_dir);
    scope.vars = vars;
    let mut found: BTreeMap<crate::core::addr::ResourceAddr, Vec<(InstanceKey, Value)>> = BTreeMap::new();
    for (ia, inst) in prior.instances() {
        let Some(res) = m.resources.get(&ia.resource).filter(|_| &ia.module == path) else {
            continue;
        };
        let schema = match res.addr.mode {
            Mode::Managed => factory.resource_schema(&res.addr.type_),
            Mode::Data => factory.data_schema(&res.addr.type_),
        };
        found
            .entry(ia.resource.clone())
            .or_default()
            .push((ia.key.clone(), from_instance_state(inst, schema.as_ref())));
    }
    for (addr, values) in found {
        if let Some(res) = m.resources.get(&addr) {
            scope.resources.insert(addr, res.collect(values));
        }
    }
    // Locals and module outputs may refer to each other: evaluate until a round changes nothing.
    for _ in 0..=(m.locals.len() + m.module_calls.len()) {
        let before = (scope.locals.clone(), scope.modules.clone());
        for (name, local) in &m.locals {
            if let Ok(v) = Evaluator::new(&scope).eval(&local.expr) {
                scope.locals.insert(name.clone(), v);
            }
        }
        for (name, call) in &m.module_calls {
            if call.count.is_some() || call.for_each.is_some() {
                continue;
            }
            let mut child_vars = BTreeMap::new();
            for (var_name, var) in &call.module.variables {
                let value = match call.inputs.get(var_name) {
                    Some(input) => Evaluator::new(&scope).eval(&input.expr).ok(),
                    None => var
                        .default
                        .as_ref()
                        .and_then(|d| Evaluator::new(&Scope::default()).eval(d).ok()),
                };
                let ty = vars::var_type(var).unwrap_or(crate::core::types::Type::Any);
                if let Some(v) = value.and_then(|v| ty.convert(v).ok()) {
                    child_vars.insert(var_name.clone(), v.mark_if(var.sensitive));
                }
            }
            let mut child_path = path.clone();
            child_path.push((name.clone(), InstanceKey::None));
            let child = module_scope(&call.module, root_dir, &child_path, child_vars, prior, factory);
            let outputs: BTreeMap<String, Value> = call
                .module
                .outputs
                .iter()
                .map(|(o, out)| {
                    let v = Evaluator::new(&child).eval(&out.value).unwrap_or(Value::Unknown);
                    (o.clone(), v.mark_if(out.sensitive))
                })
                .collect();
            scope.modules.insert(name.clone(), Value::Map(outputs));
        }
        if (scope.locals.clone(), scope.modules.clone()) == before {
            break;
        }
    }
    scope
}
