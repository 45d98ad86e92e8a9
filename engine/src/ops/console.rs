//! `console`: expressions evaluated against the configuration and the state, as Terraform's
//! console does: variables as given, resources and data sources as the state records them,
//! locals and module outputs computed from those. Nothing is refreshed and nothing is planned;
//! what the state does not hold is unknown. Outside a configuration directory the console has
//! only the functions and the language, as Terraform's has.

use super::{Engine, EngineError, Options};
use crate::config::{Expr, Module};
use crate::core::addr::{InstanceKey, ModulePath};
use crate::core::diagnostic::{Diagnostic, SourceFile};
use crate::core::instance::from_instance_state;
use crate::core::provider::ProviderFactory;
use crate::core::value::Value;
use crate::eval::{vars, Evaluator, Scope};
use state::State;
use std::collections::BTreeMap;
use std::path::Path;

/// The root module's values, ready to evaluate expressions in.
pub struct Console {
    scope: Scope,
}

impl Console {
    /// A console with no configuration and no state: the language and its functions, relative
    /// paths resolved against `dir`.
    pub fn standalone(dir: &Path) -> Console {
        Console {
            scope: evaluating_now(Scope::declaring(
                &Module {
                    dir: dir.to_path_buf(),
                    ..Module::default()
                },
                dir,
            )),
        }
    }

    /// Evaluates one expression; an error says what is wrong at its place in the input.
    pub fn eval(&self, text: &str) -> Result<Value, Diagnostic> {
        let expr = parse(text)?;
        Evaluator::new(&self.scope).eval(&expr)
    }

    /// One line of console input as the console prints its answer: the value, or for
    /// `type(EXPRESSION)` (which, as in Terraform, exists only here and only as the whole
    /// line) the expression's type.
    pub fn answer(&self, text: &str) -> Result<String, Diagnostic> {
        let expr = parse(text)?;
        if let hcl_edit::expr::Expression::FuncCall(call) = &expr.expr {
            if call.name.namespace.is_empty() && call.name.name.as_str() == "type" {
                let [arg] = call.args.iter().collect::<Vec<_>>()[..] else {
                    return Err(Diagnostic::error(
                        "Invalid use of type function",
                        "type() takes exactly one argument: the expression whose type to show.",
                    ));
                };
                let inner = Expr {
                    expr: arg.clone(),
                    file: expr.file.clone(),
                };
                let v = Evaluator::new(&self.scope).eval(&inner)?;
                return Ok(crate::eval::unify::shape_of(&v).render());
            }
        }
        Ok(Evaluator::new(&self.scope).eval(&expr)?.to_block_string())
    }
}

fn parse(text: &str) -> Result<Expr, Diagnostic> {
    let file = SourceFile::new(Path::new("<console>"), "<console>".into(), text.to_string());
    let expr = hcl_edit::parser::parse_expr(&crate::config::literals::widen(text)).map_err(|e| {
        let at = e.location().offset();
        Diagnostic::error("Invalid expression", format!("{}.", e.message())).at(Some(crate::core::diagnostic::Span {
            file: file.clone(),
            range: at..at + 1,
        }))
    })?;
    Ok(Expr { expr, file })
}

impl Engine<'_> {
    /// Loads the configuration, its variables (unset ones are unknown, not asked for) and the
    /// state, for `console`.
    pub fn console(&self, opts: &Options) -> Result<Console, EngineError> {
        let (module, _) = if has_configuration(&opts.dir) {
            self.load(opts)?
        } else {
            let empty = Module {
                dir: opts.dir.clone(),
                ..Module::default()
            };
            (empty, crate::core::diagnostic::Diagnostics::default())
        };
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
        Ok(Console {
            scope: evaluating_now(scope),
        })
    }
}

/// The console evaluates `timestamp()` and `uuid()`, as Terraform's does; a plan leaves them
/// unknown until apply.
fn evaluating_now(mut scope: Scope) -> Scope {
    scope.now = Some(scope.plan_time);
    scope
}

/// Whether `dir` holds any configuration file: without one the console still works, as
/// Terraform's does, with the language alone.
fn has_configuration(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name();
            let name = name.to_string_lossy();
            name.ends_with(".tf") || name.ends_with(".tf.json")
        })
    })
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
        let schema = factory.schema(res.addr.mode, &res.addr.type_);
        let mut value = from_instance_state(inst, schema.as_ref());
        if let Some(schema) = &schema {
            schema.give_kinds(&mut value);
        }
        found
            .entry(ia.resource.clone())
            .or_default()
            .push((ia.key.clone(), value));
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
                    let v = Evaluator::new(&child).eval(&out.value).unwrap_or(Value::UNKNOWN);
                    (o.clone(), v.mark_if(out.sensitive))
                })
                .collect();
            scope.modules.insert(name.clone(), Value::Map(outputs.into()));
        }
        if (scope.locals.clone(), scope.modules.clone()) == before {
            break;
        }
    }
    scope
}
