//! What evaluating a configuration builds, shared by the planner and the applier: the graph,
//! each module instance's scope, the module expansions and the configured providers.
//!
//! A [`Walk`] holds no decisions (changes, drift, outputs to record, diagnostics: those are the
//! run's, in [`Session`](crate::plan::session::Session)). Its visits evaluate one node and
//! return what went wrong ([`Visited`]); the run records it. Each of its locks is taken alone
//! and released before any other lock is taken, here or in the run.

use crate::config::{Module, Resource};
use crate::core::addr::InstanceAddr;
use crate::core::addr::{InstanceKey, ModulePath, ResourceAddr};
use crate::core::checks::{CheckKind, CheckResults};
use crate::core::diagnostic::Diagnostic;
use crate::core::lock;
use crate::core::provider::{Provider, ProviderFactory};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::decode::decode;
use crate::eval::{Evaluator, Scope};
use crate::graph::{Graph, ModPath, Node, Outcome};
use crate::plan::ui::Ui;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::Direction;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};

/// What a visit of one node gave: its result, or the problems to report (none when the node
/// failed for a reason reported elsewhere).
pub(crate) type Visited<T = ()> = Result<T, Vec<Diagnostic>>;

/// The evaluation of one configuration (see the module doc).
pub struct Walk<'a> {
    /// The root module.
    pub module: &'a Module,
    /// Its graph.
    pub graph: Graph,
    pub(crate) factory: &'a dyn ProviderFactory,
    pub(crate) ui: &'a dyn Ui,
    pub(crate) root_vars: BTreeMap<String, Value>,
    pub(crate) providers: Mutex<BTreeMap<String, Arc<dyn Provider>>>,
    /// The values of each module instance, filled in as the walk evaluates them.
    pub(crate) scopes: Mutex<HashMap<ModulePath, Scope>>,
    /// What every instance of a module starts from (its declarations and paths).
    pub(crate) templates: HashMap<ModPath, Scope>,
    /// The instances of each module of the configuration, decided by its call's visit.
    pub(crate) expansions: Mutex<HashMap<ModPath, Vec<ModuleInstance>>>,
    /// Outcomes of the nodes visited before the walk proper (the providers and their inputs).
    pub(crate) settled: Mutex<HashMap<NodeIndex, Outcome>>,
    /// How each checkable object's conditions came out so far.
    pub(crate) checks: Mutex<crate::core::checks::CheckResults>,
}

impl Walk<'_> {
    /// The outcome of a node [`Session::configure_providers`](crate::plan::session::Session::configure_providers) already visited.
    pub(crate) fn settled(&self, idx: NodeIndex) -> Option<Outcome> {
        lock(&self.settled).get(&idx).copied()
    }

    /// Providers, and the variables and locals they depend on that depend on nothing but other
    /// variables and locals: what can be evaluated before any resource is planned.
    pub(crate) fn provider_inputs(&self) -> HashSet<NodeIndex> {
        let g = &self.graph.graph;
        let mut needed = HashSet::new();
        let mut stack: Vec<NodeIndex> = g
            .node_indices()
            .filter(|i| matches!(g[*i], Node::Provider(_)))
            .collect();
        while let Some(i) = stack.pop() {
            if needed.insert(i) {
                stack.extend(g.neighbors_directed(i, Direction::Incoming));
            }
        }
        let mut pure: HashMap<NodeIndex, bool> = HashMap::new();
        fn is_pure(g: &StableDiGraph<Node, ()>, i: NodeIndex, memo: &mut HashMap<NodeIndex, bool>) -> bool {
            if let Some(p) = memo.get(&i) {
                return *p;
            }
            // Cycles are refused when the graph is built; assume impure while visiting.
            memo.insert(i, false);
            let p = matches!(g[i], Node::Provider(_) | Node::Variable(..) | Node::Local(..))
                && g.neighbors_directed(i, Direction::Incoming)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .all(|d| is_pure(g, d, memo));
            memo.insert(i, p);
            p
        }
        needed.into_iter().filter(|i| is_pure(g, *i, &mut pure)).collect()
    }

    pub(crate) fn schema_for(&self, addr: &ResourceAddr) -> Option<Schema> {
        self.factory.schema(addr.mode, &addr.type_)
    }

    /// The configured provider of a key (`aws`, `aws.west`), if configured.
    pub fn provider(&self, key: &str) -> Option<Arc<dyn Provider>> {
        lock(&self.providers).get(key).cloned()
    }

    /// A provider configuration with the `provider_meta` products of every module of the
    /// configuration for that provider, under a key no provider block can set (decoding
    /// allows only the schema's arguments): the provider adds them to its User-Agent.
    pub(crate) fn with_meta(&self, key: &str, config: Value) -> Value {
        let mut products: Vec<String> = Vec::new();
        for (_, m) in crate::config::tree::modules(self.module) {
            for p in m.provider_meta.get(provider_name(key)).into_iter().flatten() {
                if !products.contains(p) {
                    products.push(p.clone());
                }
            }
        }
        if products.is_empty() {
            return config;
        }
        let mut map = match config {
            Value::Map(m) => m,
            _ => BTreeMap::new().into(),
        };
        map.insert(
            crate::core::provider::PROVIDER_META_USER_AGENT.into(),
            Value::List(products.into_iter().map(Value::String).collect()),
        );
        Value::Map(map)
    }

    /// Gets (configuring from the environment if needed) the provider for a key.
    pub(crate) fn provider_or_default(&self, key: &str) -> Result<Arc<dyn Provider>, Diagnostic> {
        if let Some(p) = self.provider(key) {
            return Ok(p);
        }
        let p = self
            .factory
            .configure(provider_name(key), &self.with_meta(key, Value::Null))
            .map_err(|e| {
                Diagnostic::error(
                    "Invalid provider configuration",
                    format!("provider \"{key}\": {}", e.message),
                )
            })?;
        lock(&self.providers).insert(key.to_string(), p.clone());
        Ok(p)
    }

    pub(crate) fn visit_provider(&self, key: &str) -> Visited {
        if self.provider(key).is_some() {
            return Ok(());
        }
        let Some(schema) = self.factory.config_schema(provider_name(key)) else {
            return Err(vec![Diagnostic::error(
                "Provider not available",
                format!(
                    "There is no provider \"{}\" in infinstor; the resources of {key} cannot be managed.",
                    provider_name(key)
                ),
            )
            .at(self.module.providers.get(key).and_then(|p| p.span.clone()))]);
        };
        let config = match self.module.providers.get(key) {
            Some(pc) => {
                let scopes = lock(&self.scopes);
                let Some(scope) = scopes.get(&Vec::new()) else {
                    return Err(Vec::new());
                };
                let ev = Evaluator::new(scope);
                match decode(
                    &pc.body,
                    &schema,
                    &ev,
                    &format!("provider \"{}\"", pc.name),
                    pc.span.clone(),
                ) {
                    Ok(v) => v,
                    Err(ds) => return Err(ds),
                }
            }
            None => Value::Null,
        };
        if config.contains_unknown() {
            return Err(vec![
                Diagnostic::error(
                    "Provider configuration depends on values not known until apply",
                    format!("provider \"{key}\" uses a value that is only known after apply. Provider settings must come from variables or constants."),
                )
                .at(self.module.providers.get(key).and_then(|p| p.span.clone())),
            ]);
        }
        match self.factory.configure(provider_name(key), &self.with_meta(key, config)) {
            Ok(p) => {
                lock(&self.providers).insert(key.to_string(), p);
                Ok(())
            }
            Err(e) => Err(vec![Diagnostic::error(
                "Invalid provider configuration",
                format!("provider \"{key}\": {}", e.message),
            )
            .at(self.module.providers.get(key).and_then(|p| p.span.clone()))]),
        }
    }

    /// A `locals` entry, evaluated in each instance of its module.
    pub(crate) fn visit_local(&self, path: &ModPath, name: &str) -> Visited {
        let Some(attr) = crate::config::tree::module_at(self.module, path).and_then(|m| m.locals.get(name)) else {
            return Err(Vec::new());
        };
        let mut diags = Vec::new();
        for mi in self.instances_of(path) {
            let mut scopes = lock(&self.scopes);
            let Some(scope) = scopes.get(&mi) else {
                continue;
            };
            match Evaluator::new(scope).eval(&attr.expr) {
                Ok(v) => {
                    if let Some(s) = scopes.get_mut(&mi) {
                        s.locals.insert(name.to_string(), v);
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

    /// An output, evaluated in each instance of its module: a child module's goes into the
    /// calling module's `module.NAME` object; the root module's is returned (with whether it is
    /// sensitive), for the run to record.
    pub(crate) fn visit_output(&self, path: &ModPath, name: &str) -> Visited<Option<(Value, bool)>> {
        let Some(out) = crate::config::tree::module_at(self.module, path).and_then(|m| m.outputs.get(name)) else {
            return Err(Vec::new());
        };
        let mut diags = Vec::new();
        let mut root = None;
        for mi in self.instances_of(path) {
            let checked = CheckResults::config_addr(path, &CheckKind::Output(name.to_string()));
            let unmet = self.check_conditions(
                &mi,
                &InstanceKey::None,
                None,
                &out.preconditions,
                None,
                "Output precondition",
                &format!("output \"{name}\""),
                Some((&checked, "precondition")),
            );
            if !unmet.is_empty() {
                diags.extend(unmet);
                continue;
            }
            let mut scopes = lock(&self.scopes);
            let Some(scope) = scopes.get(&mi) else {
                continue;
            };
            let value = match Evaluator::new(scope).eval(&out.value) {
                Ok(v) => v,
                Err(d) => {
                    diags.push(d.within(format!("output \"{name}\"")));
                    continue;
                }
            };
            if value.contains_ephemeral() && !out.ephemeral {
                diags.push(crate::eval::ephemeral::output_problem(name, out.value.span()));
                continue;
            }
            let Some(((call, key), parent)) = mi.split_last() else {
                drop(scopes);
                if out.ephemeral {
                    diags.push(crate::eval::ephemeral::root_output_problem(name, out.span.clone()));
                    continue;
                }
                if value.contains_sensitive() && !out.sensitive {
                    diags.push(
                        Diagnostic::error(
                            "Output refers to sensitive values",
                            format!("output \"{name}\" shows a sensitive value. Add sensitive = true to the output block if that is intended."),
                        )
                        .at(out.span.clone()),
                    );
                    continue;
                }
                root = Some((value.mark_if(out.sensitive), out.sensitive));
                continue;
            };
            let value = value.mark_if(out.sensitive);
            let Some(entry) = scopes.get_mut(parent).and_then(|ps| ps.modules.get_mut(call)) else {
                continue;
            };
            let object = match (key, entry) {
                (InstanceKey::None, object) => Some(object),
                (InstanceKey::Int(i), Value::List(items)) => usize::try_from(*i).ok().and_then(|i| items.get_mut(i)),
                (InstanceKey::Str(k), Value::Map(items)) => items.get_mut(k),
                _ => None,
            };
            if let Some(Value::Map(object)) = object {
                object.insert(name.to_string(), value);
            }
        }
        if diags.is_empty() {
            Ok(root)
        } else {
            Err(diags)
        }
    }

    pub(crate) fn store_resource_value(
        &self,
        module: &ModulePath,
        res: &Resource,
        mut values: Vec<(InstanceKey, Value)>,
    ) {
        if let Some(schema) = self.schema_for(&res.addr) {
            values.iter_mut().for_each(|(_, v)| schema.give_kinds(v));
        }
        let v = res.collect(values);
        let mut scopes = lock(&self.scopes);
        if let Some(s) = scopes.get_mut(module) {
            s.resources.insert(res.addr.clone(), v);
        }
    }

    pub(crate) fn dependencies_of(&self, path: &ModPath, addr: &ResourceAddr) -> Vec<String> {
        self.graph
            .resource_dependencies(&Node::Resource(path.clone(), addr.clone()))
            .into_iter()
            .filter_map(|n| match n {
                Node::Resource(p, a) => Some(node_string(&p, &a)),
                _ => None,
            })
            .collect()
    }
}

/// The provider name of a configuration key: `aws` of `aws.west`.
pub(crate) fn provider_name(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// An instance of a module, as its call's visit made it.
#[derive(Clone)]
pub(crate) struct ModuleInstance {
    /// Where it is: `module.tenant["acme"]`.
    pub path: ModulePath,
    /// `each.value` of the call that made it, when the call has `for_each`: the call's
    /// arguments are evaluated with it, in the calling module's scope.
    pub each: Option<Value>,
}

/// A resource in a module of the configuration, as text (`module.dns.aws_route53_record.api`):
/// what `--target` names and what state records as a dependency.
pub(crate) fn node_string(path: &ModPath, addr: &ResourceAddr) -> String {
    InstanceAddr {
        module: path.iter().map(|m| (m.clone(), InstanceKey::None)).collect(),
        resource: addr.clone(),
        key: InstanceKey::None,
    }
    .resource_string()
}

/// The most instances one resource may have: more is a mistake in an expression, and would
/// exhaust memory before it told the user so.
pub const MAX_INSTANCES: usize = 1_000_000;
