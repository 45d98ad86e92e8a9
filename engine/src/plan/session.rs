//! One plan or apply run: the graph walk that evaluates, refreshes, plans and applies.

use crate::config::{Module, Resource};
use crate::core::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr, Target};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::lock;
use crate::core::plan::{OutputChange, Plan};
use crate::core::provider::{Provider, ProviderFactory};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::decode::decode;
use crate::eval::{Evaluator, Scope};
use crate::graph::{self, Graph, ModPath, Node, Outcome};
use crate::plan::diff;
use crate::plan::ledger::Ledger;
use crate::plan::refresh::Refreshed;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::Direction;
use state::{InstanceState, State};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Receives progress lines while a run works (`aws_s3_bucket.b: Creating...`).
pub trait Ui: Sync {
    /// One line of progress.
    fn progress(&self, line: &str);
    /// One line for the person running the command that is not part of its result (kept out
    /// of output meant for programs).
    fn notice(&self, line: &str) {
        self.progress(line);
    }
    /// An apply is about to make `total` changes (a replacement counts twice: its create and
    /// its delete), so a terminal can show how far it is.
    fn changes_ahead(&self, total: usize) {
        let _ = total;
    }
    /// A change of `address` started; `line` announces it ("...: Creating...").
    fn change_started(&self, address: &str, line: &str) {
        let _ = address;
        self.progress(line);
    }
    /// Where a running change of `address` is ("...: Still creating... [1m0s elapsed]").
    fn change_status(&self, address: &str, line: &str) {
        let _ = address;
        self.progress(line);
    }
    /// A change of `address` ended: `line` says how, `None` when it failed (its error is
    /// reported with the others).
    fn change_done(&self, address: &str, line: Option<&str>) {
        let _ = address;
        if let Some(line) = line {
            self.progress(line);
        }
    }
}

/// The provider name of a configuration key: `aws` of `aws.west`.
pub(crate) fn provider_name(key: &str) -> &str {
    key.split('.').next().unwrap_or(key)
}

/// What kind of walk this is.
pub enum WalkMode<'p> {
    /// Compute a plan.
    Plan {
        /// Read every managed object first.
        refresh: bool,
        /// Instances to replace even if unchanged.
        replace: Vec<InstanceAddr>,
        /// Plan to destroy everything.
        destroy: bool,
        /// Only these modules, resources or instances (and what they depend on).
        targets: Vec<Target>,
    },
    /// Apply a plan.
    Apply(&'p Plan),
}

/// The most instances one resource may have: more is a mistake in an expression, and would
/// exhaust memory before it told the user so.
pub const MAX_INSTANCES: usize = 1_000_000;

/// A walk over one configuration.
pub struct Session<'a> {
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
    /// The state the run started from (refreshed during plan).
    pub(crate) prior: Mutex<State>,
    /// What the walk has decided so far: changes, drift, outputs, diagnostics.
    pub(crate) ledger: Mutex<Ledger>,
    /// Outcomes of the nodes [`Session::configure_providers`] visited.
    pub(crate) settled: Mutex<HashMap<NodeIndex, Outcome>>,
    /// What refresh read ([`crate::plan::refresh::read_all`]), taken once per instance by the
    /// plan walk.
    pub(crate) refreshed: Mutex<Refreshed>,
    /// The bound on provider operations in flight during apply (`--parallelism`).
    pub(crate) permits: crate::core::permits::Permits,
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

impl<'a> Session<'a> {
    /// Prepares a walk: builds the graph and the empty scopes.
    pub fn new(
        module: &'a Module,
        factory: &'a dyn ProviderFactory,
        ui: &'a dyn Ui,
        root_vars: BTreeMap<String, Value>,
        prior: State,
    ) -> Result<Session<'a>, Diagnostics> {
        let graph = graph::build(module)?;
        Ok(Session::with_graph(module, graph, factory, ui, root_vars, prior))
    }

    /// Sets `terraform.workspace` for every module.
    pub fn in_workspace(mut self, workspace: &str) -> Session<'a> {
        for scope in self.templates.values_mut() {
            scope.workspace = workspace.to_string();
        }
        for scope in lock(&self.scopes).values_mut() {
            scope.workspace = workspace.to_string();
        }
        self
    }

    /// Prepares a walk over a graph already built from `module`.
    pub fn with_graph(
        module: &'a Module,
        graph: Graph,
        factory: &'a dyn ProviderFactory,
        ui: &'a dyn Ui,
        root_vars: BTreeMap<String, Value>,
        prior: State,
    ) -> Session<'a> {
        let mut templates = HashMap::new();
        for (path, m) in crate::config::tree::modules(module) {
            templates.insert(path, Scope::declaring(m, &module.dir));
        }
        let root: ModulePath = Vec::new();
        let mut root_scope = templates.get(&Vec::new()).cloned().unwrap_or_default();
        root_scope.plan_time = unix_now();
        let scopes = HashMap::from([(root.clone(), root_scope)]);
        let expansions = HashMap::from([(Vec::new(), vec![ModuleInstance { path: root, each: None }])]);
        Session {
            module,
            graph,
            factory,
            ui,
            root_vars,
            providers: Mutex::new(BTreeMap::new()),
            scopes: Mutex::new(scopes),
            templates,
            expansions: Mutex::new(expansions),
            prior: Mutex::new(prior),
            ledger: Mutex::new(Ledger::default()),
            settled: Mutex::new(HashMap::new()),
            refreshed: Mutex::new(Refreshed::default()),
            permits: crate::core::permits::Permits::new(10),
        }
    }

    /// Configures providers (evaluating only what their configuration needs) and returns one.
    pub fn configured_provider(&self, key: &str, stop: &AtomicBool) -> Result<Arc<dyn Provider>, Diagnostics> {
        self.configure_providers(1, stop);
        let diags = lock(&self.ledger).diags.clone();
        if diags.has_errors() {
            return Err(diags);
        }
        self.provider_or_default(key).map_err(Diagnostics::from)
    }

    /// Configures the providers before anything else, so that refresh can read with them: it
    /// visits the providers and the variables and locals they use when those need no resource.
    /// Each visit is recorded ([`Session::settled`]); the plan walk takes the recorded outcome
    /// instead of evaluating the node again, so its problems are reported once.
    pub fn configure_providers(&self, parallelism: usize, stop: &AtomicBool) {
        let inputs = self.provider_inputs();
        graph::walk(&self.graph, parallelism, stop, |idx, node| {
            if !inputs.contains(&idx) {
                return Outcome::Ok;
            }
            let outcome = match node {
                Node::Provider(k) => self.visit_provider(k),
                Node::Variable(p, n) => self.visit_variable(p, n),
                Node::Local(p, n) => self.visit_local(p, n),
                _ => Outcome::Ok,
            };
            lock(&self.settled).insert(idx, outcome);
            outcome
        });
    }

    /// The outcome of a node [`Session::configure_providers`] already visited.
    pub(crate) fn settled(&self, idx: NodeIndex) -> Option<Outcome> {
        lock(&self.settled).get(&idx).copied()
    }

    /// Providers, and the variables and locals they depend on that depend on nothing but other
    /// variables and locals: what can be evaluated before any resource is planned.
    fn provider_inputs(&self) -> HashSet<NodeIndex> {
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

    /// Every instance of the prior state, with its address.
    pub fn prior_instances(&self) -> Vec<(InstanceAddr, InstanceState)> {
        lock(&self.prior)
            .instances()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }

    /// Hands the plan walk what refresh read.
    pub fn use_refreshed(&self, refreshed: Refreshed) {
        *lock(&self.refreshed) = refreshed;
    }

    pub(crate) fn fail(&self, d: Diagnostic) -> Outcome {
        lock(&self.ledger).diags.push(d);
        Outcome::Failed
    }

    pub(crate) fn fail_all(&self, ds: Vec<Diagnostic>) -> Outcome {
        let mut ledger = lock(&self.ledger);
        for d in ds {
            ledger.diags.push(d);
        }
        Outcome::Failed
    }

    pub(crate) fn schema_for(&self, addr: &ResourceAddr) -> Option<Schema> {
        match addr.mode {
            Mode::Managed => self.factory.resource_schema(&addr.type_),
            Mode::Data => self.factory.data_schema(&addr.type_),
        }
    }

    /// The configured provider of a key (`aws`, `aws.west`), if configured.
    pub fn provider(&self, key: &str) -> Option<Arc<dyn Provider>> {
        lock(&self.providers).get(key).cloned()
    }

    /// A provider configuration with the `provider_meta` products of every module of the
    /// configuration for that provider, under a key no provider block can set (decoding
    /// allows only the schema's arguments): the provider adds them to its User-Agent.
    fn with_meta(&self, key: &str, config: Value) -> Value {
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
            _ => BTreeMap::new(),
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

    pub(crate) fn visit_provider(&self, key: &str) -> Outcome {
        if self.provider(key).is_some() {
            return Outcome::Ok;
        }
        let Some(schema) = self.factory.config_schema(provider_name(key)) else {
            return self.fail(
                Diagnostic::error(
                    "Provider not available",
                    format!(
                        "There is no provider \"{}\" in infinstor; the resources of {key} cannot be managed.",
                        provider_name(key)
                    ),
                )
                .at(self.module.providers.get(key).and_then(|p| p.span.clone())),
            );
        };
        let config = match self.module.providers.get(key) {
            Some(pc) => {
                let scopes = lock(&self.scopes);
                let Some(scope) = scopes.get(&Vec::new()) else {
                    return Outcome::Failed;
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
                    Err(ds) => {
                        drop(scopes);
                        return self.fail_all(ds);
                    }
                }
            }
            None => Value::Null,
        };
        if config.contains_unknown() {
            return self.fail(
                Diagnostic::error(
                    "Provider configuration depends on values not known until apply",
                    format!("provider \"{key}\" uses a value that is only known after apply. Provider settings must come from variables or constants."),
                )
                .at(self.module.providers.get(key).and_then(|p| p.span.clone())),
            );
        }
        match self.factory.configure(provider_name(key), &self.with_meta(key, config)) {
            Ok(p) => {
                lock(&self.providers).insert(key.to_string(), p);
                Outcome::Ok
            }
            Err(e) => self.fail(
                Diagnostic::error(
                    "Invalid provider configuration",
                    format!("provider \"{key}\": {}", e.message),
                )
                .at(self.module.providers.get(key).and_then(|p| p.span.clone())),
            ),
        }
    }

    pub(crate) fn visit_local(&self, path: &ModPath, name: &str) -> Outcome {
        let Some(attr) = crate::config::tree::module_at(self.module, path).and_then(|m| m.locals.get(name)) else {
            return Outcome::Failed;
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
            Outcome::Ok
        } else {
            self.fail_all(diags)
        }
    }

    pub(crate) fn visit_output(&self, path: &ModPath, name: &str) -> Outcome {
        let Some(out) = crate::config::tree::module_at(self.module, path).and_then(|m| m.outputs.get(name)) else {
            return Outcome::Failed;
        };
        let mut diags = Vec::new();
        for mi in self.instances_of(path) {
            let unmet = self.check_conditions(
                &mi,
                &InstanceKey::None,
                None,
                &out.preconditions,
                None,
                "Output precondition",
                &format!("output \"{name}\""),
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
            let Some(((call, key), parent)) = mi.split_last() else {
                drop(scopes);
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
                let before = lock(&self.prior)
                    .outputs()
                    .get(name)
                    .map(|o| Value::from_json(&o.value).mark_if(o.sensitive));
                lock(&self.ledger).outputs.insert(
                    name.to_string(),
                    OutputChange {
                        before,
                        after: value.mark_if(out.sensitive),
                        sensitive: out.sensitive,
                    },
                );
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
            Outcome::Ok
        } else {
            self.fail_all(diags)
        }
    }

    pub(crate) fn store_resource_value(&self, module: &ModulePath, res: &Resource, values: Vec<(InstanceKey, Value)>) {
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

    pub(crate) fn provider_errors(
        &self,
        addr: &str,
        res: &Resource,
        e: &crate::core::provider::ProviderError,
    ) -> Diagnostic {
        Diagnostic::error(format!("{addr}: {}", e.code), e.message.clone())
            .at(res.span.clone())
            .within(res.describe())
    }
}

/// Seconds since 1970 now.
pub(crate) fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Fixes the times functions see for the rest of the walk: the plan's (for `plantimestamp`)
/// and, when applying, the apply's (for `timestamp` and `uuid`).
pub(crate) fn set_clock(scopes: &Mutex<HashMap<ModulePath, Scope>>, now: Option<i64>, plan_time: i64) {
    for scope in lock(scopes).values_mut() {
        scope.now = now;
        scope.plan_time = plan_time;
    }
}

/// Whether the configuration evaluated at apply still says what the plan was made from.
pub(crate) fn config_matches(schema: &Schema, config: &Value, planned: &Value) -> bool {
    schema.attributes.iter().all(|(k, a)| {
        let c = config.get(k);
        c.is_null() || diff::attr_equal(a, &c, &planned.get(k))
    }) && schema
        .blocks
        .iter()
        .all(|(k, b)| diff::blocks_equal(b.nesting, &b.schema, &config.get(k), &planned.get(k)))
}

pub(crate) fn elapsed(start: Instant) -> String {
    let s = start.elapsed().as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}
