//! Custom conditions: `precondition` and `postcondition` blocks of resources, data sources
//! and outputs, and the root module's `check` blocks, evaluated in one instance's scope.

use crate::config::{Expr, Resource};
use crate::core::addr::{InstanceKey, ModulePath};
use crate::core::checks::{CheckKind, CheckResults, CheckStatus};
use crate::core::diagnostic::Diagnostic;
use crate::core::lock;
use crate::core::value::Value;
use crate::eval::{Evaluator, Scope};
use crate::plan::expansion::bind;
use crate::plan::walk::Walk;

/// An evaluator for one instance of a resource in `scope`: `count.index` or `each` bound, and
/// `self` when given.
fn instance_evaluator<'s>(
    scope: &'s Scope,
    key: &InstanceKey,
    each: Option<Value>,
    self_value: Option<&Value>,
) -> Evaluator<'s> {
    let ev = bind(Evaluator::new(scope), key, each);
    match self_value {
        Some(v) => ev.with_bound([("self".to_string(), v.clone())]),
        None => ev,
    }
}

/// Every checkable object of the configuration, before anything is evaluated: resources and
/// data sources with conditions, outputs with preconditions, `check` blocks, variables with
/// validation rules. The root module's variables were validated before any plan starts, so
/// they have passed already.
pub(crate) fn declared_checks(root: &crate::config::Module) -> CheckResults {
    let mut checks = CheckResults::default();
    for (path, m) in crate::config::tree::modules(root) {
        for res in m.resources.values() {
            if !res.lifecycle.preconditions.is_empty() || !res.lifecycle.postconditions.is_empty() {
                checks.declare(
                    &path,
                    CheckKind::Resource {
                        data: res.addr.mode == crate::core::addr::Mode::Data,
                        type_: res.addr.type_.clone(),
                        name: res.addr.name.clone(),
                    },
                );
            }
        }
        for (name, out) in &m.outputs {
            if !out.preconditions.is_empty() {
                checks.declare(&path, CheckKind::Output(name.clone()));
            }
        }
        for check in &m.checks {
            checks.declare(&path, CheckKind::Check(check.name.clone()));
        }
        for (name, var) in &m.variables {
            if var.validations.is_empty() {
                continue;
            }
            let kind = CheckKind::Var(name.clone());
            checks.declare(&path, kind.clone());
            if path.is_empty() {
                let config = CheckResults::config_addr(&path, &kind);
                checks.record(
                    &config,
                    &Vec::new(),
                    &InstanceKey::None,
                    "validation",
                    CheckStatus::Pass,
                    Vec::new(),
                );
            }
        }
    }
    checks
}

impl Walk<'_> {
    /// Checks `conditions` (precondition or postcondition blocks, `kind`) of one instance,
    /// with `self` bound to its object for postconditions. A condition not known yet is left
    /// for apply to check; a false one is an error carrying its error_message. `checked` (the
    /// object's configuration address and which of its parts these conditions are) is where
    /// the outcome is recorded among the check results.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn check_conditions(
        &self,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        conditions: &[crate::config::Condition],
        self_value: Option<&Value>,
        kind: &str,
        within: &str,
        checked: Option<(&str, &str)>,
    ) -> Vec<Diagnostic> {
        let scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(module) else {
            return Vec::new();
        };
        let ev = instance_evaluator(scope, key, each, self_value);
        let mut out = Vec::new();
        let mut status = CheckStatus::Pass;
        let mut problems = Vec::new();
        for c in conditions {
            let holds = match ev.eval(&c.condition) {
                Ok(v) if v.contains_unknown() => {
                    status = status.max(CheckStatus::Unknown);
                    continue;
                }
                Ok(v) => v.deep_unmark().as_bool(),
                Err(d) => {
                    status = status.max(CheckStatus::Error);
                    out.push(d.within(within.to_string()));
                    continue;
                }
            };
            match holds {
                Some(true) => {}
                Some(false) => {
                    let message = ev
                        .eval(&c.error_message)
                        .ok()
                        .map(|m| {
                            if m.contains_sensitive() {
                                "(the error message refers to sensitive values)".to_string()
                            } else {
                                m.as_str().map(str::to_string).unwrap_or_else(|| m.to_string())
                            }
                        })
                        .unwrap_or_default();
                    status = status.max(CheckStatus::Fail);
                    problems.push(message.clone());
                    out.push(
                        Diagnostic::error(format!("{kind} failed"), message)
                            .at(c.condition.span())
                            .within(within.to_string()),
                    );
                }
                None => {
                    status = status.max(CheckStatus::Error);
                    out.push(
                        Diagnostic::error("Invalid condition result", "A condition must be true or false.")
                            .at(c.condition.span())
                            .within(within.to_string()),
                    )
                }
            }
        }
        drop(scopes);
        if let Some((config, part)) = checked {
            lock(&self.checks).record(config, module, key, part, status, problems);
        }
        out
    }

    /// The configuration address of a resource's checks, in the module of `module`.
    fn resource_checks(module: &ModulePath, res: &Resource) -> String {
        CheckResults::config_addr(
            &crate::config::tree::config_path(module),
            &CheckKind::Resource {
                data: res.addr.mode == crate::core::addr::Mode::Data,
                type_: res.addr.type_.clone(),
                name: res.addr.name.clone(),
            },
        )
    }

    /// The `precondition` blocks of one instance of a resource that do not hold.
    pub(crate) fn unmet_preconditions(
        &self,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        res: &Resource,
    ) -> Vec<Diagnostic> {
        self.check_conditions(
            module,
            key,
            each,
            &res.lifecycle.preconditions,
            None,
            "Resource precondition",
            &res.describe(),
            Some((&Self::resource_checks(module, res), "precondition")),
        )
    }

    /// The `postcondition` blocks of one instance of a resource that do not hold for its
    /// object (`self`), planned or applied.
    pub(crate) fn unmet_postconditions(
        &self,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        res: &Resource,
        object: &Value,
    ) -> Vec<Diagnostic> {
        self.check_conditions(
            module,
            key,
            each,
            &res.lifecycle.postconditions,
            Some(object),
            "Resource postcondition",
            &res.describe(),
            Some((&Self::resource_checks(module, res), "postcondition")),
        )
    }

    /// Evaluates the arguments of `body` in one instance of a resource, with `self` bound to
    /// its object (a provisioner's arguments).
    pub(crate) fn eval_args_with_self(
        &self,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        self_value: &Value,
        body: &crate::config::Body,
    ) -> Result<std::collections::BTreeMap<String, Value>, Diagnostic> {
        let scopes = lock(&self.scopes);
        // A module instance no longer in the configuration (its objects being destroyed): self,
        // count.index and each.key are all a destroy-time provisioner may name.
        let fallback = Scope::default();
        let scope = scopes.get(module).unwrap_or(&fallback);
        let ev = instance_evaluator(scope, key, each, Some(self_value));
        body.attrs
            .iter()
            .map(|(name, attr)| ev.eval(&attr.expr).map(|v| (name.clone(), v)))
            .collect()
    }

    /// Evaluates an expression in one instance of a resource (`count.index`, `each` bound).
    pub(crate) fn eval_in_instance(
        &self,
        module: &ModulePath,
        key: &InstanceKey,
        each: Option<Value>,
        expr: &Expr,
    ) -> Result<Value, Diagnostic> {
        let scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(module) else {
            return Ok(Value::UNKNOWN);
        };
        instance_evaluator(scope, key, each, None).eval(expr)
    }

    /// The `check` blocks of every module instance, evaluated on what the walk knows: each
    /// false assertion is a warning (as in Terraform, a check never stops a run); one not
    /// known yet is checked after apply.
    pub fn check_blocks(&self) -> Vec<Diagnostic> {
        let mut instances: Vec<ModulePath> = lock(&self.scopes).keys().cloned().collect();
        instances.sort();
        let mut out = Vec::new();
        for (path, m) in crate::config::tree::modules(self.module) {
            for instance in instances.iter().filter(|i| crate::config::tree::config_path(i) == path) {
                for check in &m.checks {
                    let within = match instance.is_empty() {
                        true => format!("check \"{}\"", check.name),
                        false => format!(
                            "check \"{}\" of {}",
                            check.name,
                            state::addr::module_path_string(instance)
                        ),
                    };
                    let checked = CheckResults::config_addr(&path, &CheckKind::Check(check.name.clone()));
                    for d in self.check_conditions(
                        instance,
                        &InstanceKey::None,
                        None,
                        &check.asserts,
                        None,
                        "Check block assertion",
                        &within,
                        Some((&checked, "assert")),
                    ) {
                        out.push(Diagnostic {
                            severity: crate::core::diagnostic::Severity::Warning,
                            ..d
                        });
                    }
                }
            }
        }
        out
    }
}
