//! Instances: the keys `count` and `for_each` give a resource or a module call, the module
//! instances a call makes (each with its own scope), and a resource's instances evaluated.

use crate::config::{Expr, Resource};
use crate::core::addr::{InstanceKey, ModulePath};
use crate::core::checks::{CheckKind, CheckResults, CheckStatus};
use crate::core::diagnostic::Diagnostic;
use crate::core::lock;
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::decode::decode;
use crate::eval::{ephemeral, vars};
use crate::eval::{Evaluator, Scope};
use crate::graph::ModPath;
use crate::plan::walk::{ModuleInstance, MAX_INSTANCES};
use crate::plan::walk::{Visited, Walk};

/// The instance keys `count` or `for_each` give (one `None` key without either), each with
/// its `each.value`.
pub(crate) fn instance_keys(
    ev: &Evaluator<'_>,
    count: Option<&Expr>,
    for_each: Option<&Expr>,
    ctx: &str,
) -> Result<Vec<(InstanceKey, Option<Value>)>, Vec<Diagnostic>> {
    let ctx = ctx.to_string();
    let mut out = Vec::new();
    if let Some(count) = count {
        let v = ev.eval(count).map_err(|d| vec![d.within(ctx.clone())])?;
        if v.contains_ephemeral() {
            return Err(vec![ephemeral::instance_keys_problem("count", count).within(ctx)]);
        }
        if v.is_unknown() {
            return Err(vec![Diagnostic::error(
                "Invalid count argument",
                "The count value depends on resource attributes that cannot be determined until apply. Use a value known at plan time (variables, literals), or apply the dependencies first with --target.",
            )
            .at(count.span())
            .within(ctx)]);
        }
        // A string holding a number converts, as Terraform converts it (`count = "2"`).
        let n = crate::eval::operators::to_number(v.unmark().0)
            .filter(|n| n.is_integer() && !n.is_negative())
            // Beyond 64 bits is beyond the limit below, too.
            .map(|n| n.to_i64().unwrap_or(i64::MAX))
            .ok_or_else(|| {
                vec![Diagnostic::error(
                    "Invalid count argument",
                    format!("count must be a whole non-negative number, got {v}."),
                )
                .at(count.span())
                .within(ctx.clone())]
            })?;
        if n > MAX_INSTANCES as i64 {
            return Err(vec![Diagnostic::error(
                "Invalid count argument",
                format!("count is {v}; a resource may have at most {MAX_INSTANCES} instances. Check the expression, or split the resource."),
            )
            .at(count.span())
            .within(ctx)]);
        }
        out.extend((0..n).map(|i| (InstanceKey::Int(i), None)));
    } else if let Some(fe) = for_each {
        let v = ev.eval(fe).map_err(|d| vec![d.within(ctx.clone())])?;
        if v.contains_ephemeral() {
            return Err(vec![ephemeral::instance_keys_problem("for_each", fe).within(ctx)]);
        }
        if v.contains_unknown() && (v.is_unknown() || v.as_list().is_some()) {
            return Err(vec![Diagnostic::error(
                "Invalid for_each argument",
                "The for_each keys depend on values that cannot be determined until apply. Use a map whose keys are known at plan time (values may be unknown).",
            )
            .at(fe.span())
            .within(ctx)]);
        }
        match v.unmark().0 {
            Value::Map(m) => {
                out.extend(
                    m.iter()
                        .map(|(k, val)| (InstanceKey::Str(k.clone()), Some(val.clone()))),
                );
            }
            // A list or tuple has no keys of its own: Terraform refuses it, so an instance's
            // address never depends on the order of a list.
            Value::List(items) if items.kind != crate::core::value::SeqKind::Set => {
                let what = match items.kind {
                    crate::core::value::SeqKind::List => "a list",
                    _ => "a tuple",
                };
                return Err(vec![Diagnostic::error(
                    "Invalid for_each argument",
                    format!("The \"for_each\" argument must be a map, or set of strings, and you have provided {what}. Convert it with toset(), or build a map with a for expression."),
                )
                .at(fe.span())
                .within(ctx)]);
            }
            Value::List(items) => {
                for item in items {
                    let Some(s) = item.as_str() else {
                        return Err(vec![Diagnostic::error(
                            "Invalid for_each argument",
                            "for_each needs a map, or a set of strings; convert a list with toset().",
                        )
                        .at(fe.span())
                        .within(ctx)]);
                    };
                    out.push((InstanceKey::Str(s.to_string()), Some(Value::from(s))));
                }
            }
            other => {
                return Err(vec![Diagnostic::error(
                    "Invalid for_each argument",
                    format!("for_each needs a map or a set of strings, got {}.", other.type_name()),
                )
                .at(fe.span())
                .within(ctx)])
            }
        }
    } else {
        out.push((InstanceKey::None, None));
    }
    Ok(out)
}

/// An evaluator for one instance: `count.index` or `each.key`/`each.value` bound.
pub(crate) fn bind<'e>(ev: Evaluator<'e>, key: &InstanceKey, each: Option<Value>) -> Evaluator<'e> {
    match key {
        InstanceKey::Int(i) => ev.with_count(*i),
        InstanceKey::Str(k) => {
            let value = each.unwrap_or_else(|| Value::from(k.as_str()));
            ev.with_each(Value::from(k.as_str()), value)
        }
        InstanceKey::None => ev,
    }
}

/// The name a diagnostic gives a module instance: `module "dns"`, `module.tenant["acme"]`.
pub(crate) fn describe_instance(call: &str, key: &InstanceKey) -> String {
    match key {
        InstanceKey::None => format!("module \"{call}\""),
        _ => format!("module.{call}{key}"),
    }
}

impl Walk<'_> {
    /// The instances of a module of the configuration, as far as the walk has decided them.
    pub(crate) fn instances_of(&self, path: &ModPath) -> Vec<ModulePath> {
        lock(&self.expansions)
            .get(path)
            .map(|instances| instances.iter().map(|i| i.path.clone()).collect())
            .unwrap_or_default()
    }

    /// A module call: evaluates its `count`/`for_each` in each instance of the calling module
    /// and makes the called module's instances, each with its own scope.
    pub(crate) fn visit_module(&self, path: &ModPath) -> Visited {
        let Some((name, parent)) = path.split_last() else {
            return Err(Vec::new());
        };
        let Some(call) = crate::config::tree::module_at(self.module, parent).and_then(|m| m.module_calls.get(name))
        else {
            return Err(Vec::new());
        };
        let template = self.templates.get(path).cloned().unwrap_or_default();
        let mut children = Vec::new();
        let mut diags = Vec::new();
        for pi in self.instances_of(&parent.to_vec()) {
            let mut scopes = lock(&self.scopes);
            let keys = match scopes.get(&pi) {
                Some(scope) => instance_keys(
                    &Evaluator::new(scope),
                    call.count.as_ref(),
                    call.for_each.as_ref(),
                    &format!("module \"{name}\""),
                ),
                None => continue,
            };
            let keys = match keys {
                Ok(k) => k,
                Err(mut d) => {
                    diags.append(&mut d);
                    continue;
                }
            };
            // `module.NAME` in the calling module: one object, a list (count) or a map
            // (for_each) of objects, whose outputs the output visits fill in.
            let shape = if call.count.is_some() {
                Value::List(keys.iter().map(|_| Value::empty_map()).collect())
            } else if call.for_each.is_some() {
                Value::Map(
                    keys.iter()
                        .filter_map(|(k, _)| match k {
                            InstanceKey::Str(s) => Some((s.clone(), Value::empty_map())),
                            _ => None,
                        })
                        .collect(),
                )
            } else {
                Value::empty_map()
            };
            let (now, plan_time) = match scopes.get_mut(&pi) {
                Some(ps) => {
                    ps.modules.insert(name.clone(), shape);
                    (ps.now, ps.plan_time)
                }
                None => (None, 0),
            };
            for (key, each) in keys {
                let mut child = pi.clone();
                child.push((name.clone(), key));
                scopes.insert(
                    child.clone(),
                    Scope {
                        now,
                        plan_time,
                        ..template.clone()
                    },
                );
                children.push(ModuleInstance { path: child, each });
            }
        }
        lock(&self.expansions).insert(path.clone(), children);
        if diags.is_empty() {
            Ok(())
        } else {
            Err(diags)
        }
    }

    /// Evaluates instance keys and configurations of a resource in one module instance.
    /// Holds the scope lock only while evaluating.
    pub(crate) fn expand(
        &self,
        module: &ModulePath,
        res: &Resource,
        schema: &Schema,
    ) -> Result<Vec<(InstanceKey, Option<Value>, Value)>, Vec<Diagnostic>> {
        let scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(module) else {
            return Err(Vec::new());
        };
        let base = Evaluator::new(scope);
        let ctx = res.describe();
        let keys = instance_keys(&base, res.count.as_ref(), res.for_each.as_ref(), &ctx)?;
        let mut out = Vec::new();
        let mut diags = Vec::new();
        for (key, each) in keys {
            let ev = bind(base.clone(), &key, each.clone());
            match decode(&res.body, schema, &ev, &ctx, res.span.clone()) {
                Ok(v) => out.push((key, each, v)),
                Err(mut d) => diags.append(&mut d),
            }
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(diags)
        }
    }

    pub(crate) fn visit_variable(&self, path: &ModPath, name: &str) -> Visited {
        if path.is_empty() {
            let value = self.root_vars.get(name).cloned().unwrap_or(Value::Null);
            if let Some(s) = lock(&self.scopes).get_mut(&Vec::new()) {
                s.vars.insert(name.to_string(), value);
            }
            return Ok(());
        }
        let Some((call_name, parent)) = path.split_last() else {
            return Err(Vec::new());
        };
        let Some(call) =
            crate::config::tree::module_at(self.module, parent).and_then(|pm| pm.module_calls.get(call_name))
        else {
            return Err(Vec::new());
        };
        let Some(var) = call.module.variables.get(name) else {
            return Err(Vec::new());
        };
        let ty = match vars::var_type(var) {
            Ok(t) => t,
            Err(d) => return Err(vec![d]),
        };
        let mut diags = Vec::new();
        let instances = lock(&self.expansions).get(path).cloned().unwrap_or_default();
        for ModuleInstance { path: ci, each } in instances {
            let Some(((_, key), pi)) = ci.split_last() else {
                continue;
            };
            let raw = {
                let scopes = lock(&self.scopes);
                let Some(scope) = scopes.get(pi) else {
                    continue;
                };
                let ev = bind(Evaluator::new(scope), key, each);
                match call.inputs.get(name) {
                    Some(attr) => ev
                        .eval(&attr.expr)
                        .map_err(|d| d.within(describe_instance(call_name, key))),
                    None => match &var.default {
                        Some(d) => Evaluator::new(&Scope::default()).eval(d),
                        None => Ok(Value::Null),
                    },
                }
            };
            // The instance's other variables a validation reads were set before (graph edges).
            // Copied only for a variable with rules: most have none, and modules can have many.
            let others = if var.validations.is_empty() {
                std::collections::BTreeMap::new()
            } else {
                lock(&self.scopes).get(&ci).map(|s| s.vars.clone()).unwrap_or_default()
            };
            let raw = raw.and_then(|raw| {
                if raw.contains_ephemeral() && !var.ephemeral {
                    let at = call.inputs.get(name).and_then(|a| a.expr.span());
                    return Err(ephemeral::variable_problem(name, at).within(describe_instance(call_name, key)));
                }
                Ok(raw)
            });
            let checked = raw.and_then(|raw| {
                vars::check(var, raw, &ty, &others).map_err(|mut d| {
                    // As Terraform does: at the argument the caller wrote (the rule's place is in
                    // the detail), not inside a module the caller may never have read.
                    if let Some(arg) = call.inputs.get(name).and_then(|a| a.expr.span()) {
                        d.span = Some(arg.resolved());
                        d.context = None;
                    }
                    d.within(describe_instance(call_name, key))
                })
            });
            if !var.validations.is_empty() {
                // A validation of a value not known yet is checked at apply, as Terraform does.
                let status = match &checked {
                    Ok(v) if v.contains_unknown() => CheckStatus::Unknown,
                    Ok(_) => CheckStatus::Pass,
                    Err(_) => CheckStatus::Fail,
                };
                let path = crate::config::tree::config_path(&ci);
                let config = CheckResults::config_addr(&path, &CheckKind::Var(name.to_string()));
                lock(&self.checks).record(&config, &ci, &InstanceKey::None, "validation", status, Vec::new());
            }
            match checked {
                Ok(value) => {
                    if let Some(s) = lock(&self.scopes).get_mut(&ci) {
                        s.vars.insert(name.to_string(), value);
                    }
                }
                Err(d) => diags.push(d),
            }
        }
        if diags.is_empty() {
            Ok(())
        } else {
            Err(diags)
        }
    }
}
