//! `relevant_attributes` of the plan JSON: the resource attributes the plan's changes depend
//! on, which tools use to tell drift that matters from drift that does not. As Terraform does:
//! the references of every resource that changes and of every output that changes, followed
//! through locals, input variables and module outputs to the resource attributes at their end.
//! A reference with a literal index names that instance (`terraform_data.a[0].input`); a
//! splat or a computed index stops the path there (`terraform_data.a[*].input` is the whole
//! resource). A module named without a key stands for all its instances (`module.m`).

use crate::config::refs::{body_traversals, traversals, Found, Ref, Step};
use crate::config::{Expr, Module};
use crate::core::addr::{module_path_string, InstanceKey, ModulePath};
use crate::core::plan::{Action, Plan};
use serde_json::{json, Value as Json};
use std::collections::BTreeSet;

/// The relevant attributes, sorted, as Terraform's plan JSON writes them.
pub fn relevant_attributes(root: &Module, plan: &Plan) -> Vec<Json> {
    let mut walk = Walk {
        root,
        seen: BTreeSet::new(),
        found: BTreeSet::new(),
    };
    let changed: Vec<_> = plan.changes.iter().filter(|c| c.action != Action::NoOp).collect();
    // The instances of one resource in one module instance share its references: a resource
    // with `count = 100000` is read once, not once per instance.
    let mut read = BTreeSet::new();
    for c in &changed {
        if !read.insert((c.addr.module.clone(), c.addr.resource.clone())) {
            continue;
        }
        if let Some(m) = module_at(root, &c.addr.module) {
            if let Some(r) = m.resources.get(&c.addr.resource) {
                let mut refs = body_traversals(&r.body);
                for e in r.count.iter().chain(&r.for_each) {
                    refs.extend(traversals(e));
                }
                walk.follow(&c.addr.module, refs);
            }
        }
    }
    for (name, o) in &plan.outputs {
        if o.changes() {
            if let Some(out) = root.outputs.get(name) {
                walk.expr(&Vec::new(), &out.value);
            }
        }
    }
    // Terraform plans the outputs of modules too: those of a module instance where something
    // changes count as changing.
    let mut instances: BTreeSet<ModulePath> = BTreeSet::new();
    for c in &changed {
        for n in 1..=c.addr.module.len() {
            instances.insert(c.addr.module[..n].to_vec());
        }
    }
    for path in instances {
        if let Some(m) = module_at(root, &path) {
            for out in m.outputs.values() {
                walk.expr(&path, &out.value);
            }
        }
    }
    walk.found
        .into_iter()
        .map(|(resource, attribute)| {
            let attribute: Json = serde_json::from_str(&attribute).unwrap_or_else(|_| json!([]));
            json!({"resource": resource, "attribute": attribute})
        })
        .collect()
}

struct Walk<'a> {
    root: &'a Module,
    /// Locals, variables and outputs already followed, per module instance.
    seen: BTreeSet<(String, String)>,
    /// Resource and attribute path (as JSON text, so that the set orders it).
    found: BTreeSet<(String, String)>,
}

impl Walk<'_> {
    fn expr(&mut self, path: &ModulePath, e: &Expr) {
        self.follow(path, traversals(e));
    }

    fn follow(&mut self, path: &ModulePath, refs: Vec<Found>) {
        let Some(module) = module_at(self.root, path) else {
            return;
        };
        for f in refs {
            match &f.reference {
                Ref::Resource(addr) => {
                    let mut steps = f.steps.iter().peekable();
                    let key = match steps.peek() {
                        Some(Step::Key(k)) => {
                            let k = k.clone();
                            steps.next();
                            k
                        }
                        _ => InstanceKey::None,
                    };
                    let mut attribute = Vec::new();
                    for s in steps {
                        match s {
                            Step::Attr(a) => attribute.push(json!(a)),
                            Step::Key(InstanceKey::Int(i)) => attribute.push(json!(i)),
                            Step::Key(InstanceKey::Str(k)) => attribute.push(json!(k)),
                            _ => break,
                        }
                    }
                    let prefix = module_path_string(path);
                    let resource = if prefix.is_empty() {
                        format!("{addr}{key}")
                    } else {
                        format!("{prefix}.{addr}{key}")
                    };
                    self.found.insert((resource, Json::Array(attribute).to_string()));
                }
                Ref::Local(name) => {
                    if self.first(path, &format!("local.{name}")) {
                        if let Some(l) = module.locals.get(name) {
                            self.expr(path, &l.expr);
                        }
                    }
                }
                Ref::Var(name) => {
                    // A module's variable is what its call passes in the parent.
                    let Some(((call, _), parent)) = path.split_last() else {
                        continue;
                    };
                    if self.first(path, &format!("var.{name}")) {
                        let input = module_at(self.root, &parent.to_vec())
                            .and_then(|p| p.module_calls.get(call))
                            .and_then(|c| c.inputs.get(name))
                            .map(|a| a.expr.clone());
                        if let Some(e) = input {
                            self.expr(&parent.to_vec(), &e);
                        }
                    }
                }
                Ref::Module(call, _) => {
                    let Some(child) = module.module_calls.get(call) else {
                        continue;
                    };
                    let mut steps = f.steps.iter();
                    let mut key = InstanceKey::None;
                    let mut output = None;
                    for s in steps.by_ref() {
                        match s {
                            Step::Key(k) if output.is_none() && key == InstanceKey::None => key = k.clone(),
                            Step::Attr(a) => {
                                output = Some(a.clone());
                                break;
                            }
                            Step::Other => {}
                            Step::Key(_) => break,
                        }
                    }
                    let mut inner = path.clone();
                    inner.push((call.clone(), key));
                    let outputs: Vec<Expr> = child
                        .module
                        .outputs
                        .values()
                        .filter(|o| output.as_deref().is_none_or(|n| o.name == n))
                        .map(|o| o.value.clone())
                        .collect();
                    for (i, e) in outputs.iter().enumerate() {
                        if self.first(&inner, &format!("output.{}.{i}", output.as_deref().unwrap_or("*"))) {
                            self.expr(&inner, e);
                        }
                    }
                }
            }
        }
    }

    /// True the first time `what` is followed in the module instance at `path`.
    fn first(&mut self, path: &ModulePath, what: &str) -> bool {
        self.seen.insert((module_path_string(path), what.to_string()))
    }
}

/// The module at a module instance path (keys do not matter: every instance has one module).
fn module_at<'a>(root: &'a Module, path: &ModulePath) -> Option<&'a Module> {
    let mut m = root;
    for (name, _) in path {
        m = &m.module_calls.get(name)?.module;
    }
    Some(m)
}
