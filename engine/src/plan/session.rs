//! One plan or apply run: the graph walk that evaluates, refreshes, plans and applies.

use crate::config::Expr;
use crate::config::{Module, Resource};
use crate::core::addr::{InstanceAddr, InstanceKey, Mode, ModulePath, ResourceAddr, Target};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::lock;
use crate::core::plan::{Change, OutputChange, Plan};
use crate::core::provider::{Provider, ProviderFactory};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::decode::decode;
use crate::eval::vars;
use crate::eval::{Declared, Evaluator, Scope};
use crate::graph::{self, Graph, ModPath, Node, Outcome};
use crate::plan::diff;
use crate::plan::refresh::Refreshed;
use petgraph::stable_graph::{NodeIndex, StableDiGraph};
use petgraph::Direction;
use state::{InstanceState, State};
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// Receives progress lines while a run works (`aws_s3_bucket.b: Creating...`).
pub trait Ui: Sync {
    /// One line of progress.
    fn progress(&self, line: &str);
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
    templates: HashMap<ModPath, Scope>,
    /// The instances of each module of the configuration, decided by its call's visit.
    expansions: Mutex<HashMap<ModPath, Vec<ModulePath>>>,
    /// `each.value` of module instances made by `for_each`.
    each_values: Mutex<HashMap<ModulePath, Value>>,
    /// The state the run started from (refreshed during plan).
    pub(crate) prior: Mutex<State>,
    pub(crate) changes: Mutex<Vec<Change>>,
    pub(crate) drift: Mutex<Vec<Change>>,
    pub(crate) outputs: Mutex<BTreeMap<String, OutputChange>>,
    pub(crate) diags: Mutex<Diagnostics>,
    pub(crate) planned_addrs: Mutex<BTreeSet<String>>,
    /// Outcomes of the nodes [`Session::configure_providers`] visited.
    pub(crate) settled: Mutex<HashMap<NodeIndex, Outcome>>,
    /// What refresh read ([`crate::plan::refresh::read_all`]), taken once per instance by the
    /// plan walk.
    pub(crate) refreshed: Mutex<Refreshed>,
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
        if v.is_unknown() {
            return Err(vec![Diagnostic::error(
                "Invalid count argument",
                "The count value depends on resource attributes that cannot be determined until apply. Use a value known at plan time (variables, literals), or apply the dependencies first with --target.",
            )
            .at(count.span())
            .within(ctx)]);
        }
        let n = v.as_f64().filter(|n| *n >= 0.0 && n.fract() == 0.0).ok_or_else(|| {
            vec![Diagnostic::error(
                "Invalid count argument",
                format!("count must be a whole non-negative number, got {v}."),
            )
            .at(count.span())
            .within(ctx.clone())]
        })?;
        if n > MAX_INSTANCES as f64 {
            return Err(vec![Diagnostic::error(
                "Invalid count argument",
                format!("count is {v}; a resource may have at most {MAX_INSTANCES} instances. Check the expression, or split the resource."),
            )
            .at(count.span())
            .within(ctx)]);
        }
        out.extend((0..n as i64).map(|i| (InstanceKey::Int(i), None)));
    } else if let Some(fe) = for_each {
        let v = ev.eval(fe).map_err(|d| vec![d.within(ctx.clone())])?;
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
fn bind<'e>(ev: Evaluator<'e>, key: &InstanceKey, each: Option<Value>) -> Evaluator<'e> {
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
fn describe_instance(call: &str, key: &InstanceKey) -> String {
    match key {
        InstanceKey::None => format!("module \"{call}\""),
        _ => format!("module.{call}{key}"),
    }
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
            let scope = Scope {
                path_module: display_dir(&m.dir, &module.dir),
                path_root: display_dir(&module.dir, &module.dir),
                declared: Declared {
                    vars: m.variables.keys().cloned().collect(),
                    locals: m.locals.keys().cloned().collect(),
                    resources: m.resources.keys().cloned().collect(),
                    modules: m.module_calls.keys().cloned().collect(),
                },
                ..Scope::default()
            };
            templates.insert(path, scope);
        }
        let root: ModulePath = Vec::new();
        let mut root_scope = templates.get(&Vec::new()).cloned().unwrap_or_default();
        root_scope.plan_time = unix_now();
        let scopes = HashMap::from([(root.clone(), root_scope)]);
        let expansions = HashMap::from([(Vec::new(), vec![root])]);
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
            each_values: Mutex::new(HashMap::new()),
            prior: Mutex::new(prior),
            changes: Mutex::new(Vec::new()),
            drift: Mutex::new(Vec::new()),
            outputs: Mutex::new(BTreeMap::new()),
            diags: Mutex::new(Diagnostics::default()),
            planned_addrs: Mutex::new(BTreeSet::new()),
            settled: Mutex::new(HashMap::new()),
            refreshed: Mutex::new(Refreshed::default()),
        }
    }

    /// Configures providers (evaluating only what their configuration needs) and returns one.
    pub fn configured_provider(&self, key: &str, stop: &AtomicBool) -> Result<Arc<dyn Provider>, Diagnostics> {
        self.configure_providers(1, stop);
        let diags = lock(&self.diags).clone();
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
    pub fn prior_instances(&self) -> Vec<(String, InstanceState)> {
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
        lock(&self.diags).push(d);
        Outcome::Failed
    }

    pub(crate) fn fail_all(&self, ds: Vec<Diagnostic>) -> Outcome {
        let mut g = lock(&self.diags);
        for d in ds {
            g.push(d);
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

    /// Gets (configuring from the environment if needed) the provider for a key.
    pub(crate) fn provider_or_default(&self, key: &str) -> Result<Arc<dyn Provider>, Diagnostic> {
        if let Some(p) = self.provider(key) {
            return Ok(p);
        }
        let p = self.factory.configure(&Value::Null).map_err(|e| {
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
        let config = match self.module.providers.get(key) {
            Some(pc) => {
                let scopes = lock(&self.scopes);
                let Some(scope) = scopes.get(&Vec::new()) else {
                    return Outcome::Failed;
                };
                let ev = Evaluator::new(scope);
                match decode(
                    &pc.body,
                    &self.factory.config_schema(),
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
        match self.factory.configure(&config) {
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

    /// The instances of a module of the configuration, as far as the walk has decided them.
    pub(crate) fn instances_of(&self, path: &ModPath) -> Vec<ModulePath> {
        lock(&self.expansions).get(path).cloned().unwrap_or_default()
    }

    /// A module call: evaluates its `count`/`for_each` in each instance of the calling module
    /// and makes the called module's instances, each with its own scope.
    pub(crate) fn visit_module(&self, path: &ModPath) -> Outcome {
        let Some((name, parent)) = path.split_last() else {
            return Outcome::Failed;
        };
        let Some(call) = crate::config::tree::module_at(self.module, parent).and_then(|m| m.module_calls.get(name))
        else {
            return Outcome::Failed;
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
            let mut each_values = lock(&self.each_values);
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
                if let Some(v) = each {
                    each_values.insert(child.clone(), v);
                }
                children.push(child);
            }
        }
        lock(&self.expansions).insert(path.clone(), children);
        if diags.is_empty() {
            Outcome::Ok
        } else {
            self.fail_all(diags)
        }
    }

    pub(crate) fn visit_variable(&self, path: &ModPath, name: &str) -> Outcome {
        if path.is_empty() {
            let value = self.root_vars.get(name).cloned().unwrap_or(Value::Null);
            if let Some(s) = lock(&self.scopes).get_mut(&Vec::new()) {
                s.vars.insert(name.to_string(), value);
            }
            return Outcome::Ok;
        }
        let Some((call_name, parent)) = path.split_last() else {
            return Outcome::Failed;
        };
        let Some(call) =
            crate::config::tree::module_at(self.module, parent).and_then(|pm| pm.module_calls.get(call_name))
        else {
            return Outcome::Failed;
        };
        let Some(var) = call.module.variables.get(name) else {
            return Outcome::Failed;
        };
        let ty = match vars::var_type(var) {
            Ok(t) => t,
            Err(d) => return self.fail(d),
        };
        let mut diags = Vec::new();
        for ci in self.instances_of(path) {
            let Some(((_, key), pi)) = ci.split_last() else {
                continue;
            };
            let raw = {
                let scopes = lock(&self.scopes);
                let Some(scope) = scopes.get(pi) else {
                    continue;
                };
                let each = lock(&self.each_values).get(&ci).cloned();
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
            let checked = raw.and_then(|raw| {
                vars::check(var, raw, &ty).map_err(|d| d.at(call.inputs.get(name).and_then(|a| a.expr.span())))
            });
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
            Outcome::Ok
        } else {
            self.fail_all(diags)
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
                lock(&self.outputs).insert(
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

    /// Checks `conditions` (precondition or postcondition blocks, `kind`) of one instance,
    /// with `self` bound to its object for postconditions. A condition not known yet is left
    /// for apply to check; a false one is an error carrying its error_message.
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
    ) -> Vec<Diagnostic> {
        let scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(module) else {
            return Vec::new();
        };
        let mut ev = bind(Evaluator::new(scope), key, each);
        if let Some(v) = self_value {
            ev = ev.with_bound([("self".to_string(), v.clone())]);
        }
        let mut out = Vec::new();
        for c in conditions {
            let holds = match ev.eval(&c.condition) {
                Ok(v) if v.contains_unknown() => continue,
                Ok(v) => v.deep_unmark().as_bool(),
                Err(d) => {
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
                    out.push(
                        Diagnostic::error(format!("{kind} failed"), message)
                            .at(c.condition.span())
                            .within(within.to_string()),
                    );
                }
                None => out.push(
                    Diagnostic::error("Invalid condition result", "A condition must be true or false.")
                        .at(c.condition.span())
                        .within(within.to_string()),
                ),
            }
        }
        out
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
        )
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
            return Ok(Value::Unknown);
        };
        bind(Evaluator::new(scope), key, each).eval(expr)
    }

    /// The root module's `check` blocks, evaluated on what the walk knows: each false
    /// assertion is a warning (as in Terraform, a check never stops a run); one not known yet
    /// is checked after apply.
    pub fn check_blocks(&self) -> Vec<Diagnostic> {
        let root: ModulePath = Vec::new();
        let mut out = Vec::new();
        for check in &self.module.checks {
            let within = format!("check \"{}\"", check.name);
            for d in self.check_conditions(
                &root,
                &InstanceKey::None,
                None,
                &check.asserts,
                None,
                "Check block assertion",
                &within,
            ) {
                out.push(Diagnostic {
                    severity: crate::core::diagnostic::Severity::Warning,
                    ..d
                });
            }
        }
        out
    }

    pub(crate) fn store_resource_value(&self, module: &ModulePath, res: &Resource, values: Vec<(InstanceKey, Value)>) {
        let v = if res.count.is_some() {
            Value::List(values.into_iter().map(|(_, v)| v).collect())
        } else if res.for_each.is_some() {
            Value::Map(
                values
                    .into_iter()
                    .filter_map(|(k, v)| match k {
                        InstanceKey::Str(s) => Some((s, v)),
                        _ => None,
                    })
                    .collect(),
            )
        } else {
            values.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null)
        };
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

fn display_dir(dir: &std::path::Path, root: &std::path::Path) -> std::path::PathBuf {
    if dir == root {
        return std::path::PathBuf::from(".");
    }
    match dir.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => dir.to_path_buf(),
    }
}
