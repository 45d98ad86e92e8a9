//! One plan or apply run: the graph walk that evaluates, refreshes, plans and applies.

use crate::addr::{InstanceAddr, InstanceKey, Mode, ResourceAddr};
use crate::config::{Module, Resource};
use crate::decode::decode;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::eval::{Declared, Evaluator, Scope};
use crate::graph::{self, Graph, ModPath, Node, Outcome};
use crate::plan::{self, Action, Change, OutputChange, Plan};
use crate::provider::{
    ImportRequest, Journal, PlanRequest, Provider, ProviderFactory, ReadDataRequest, ReadRequest, ValidateRequest,
};
use crate::schema::Schema;
use crate::value::Value;
use crate::vars;
use state::{Backend, InstanceState, Intent, State};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

/// Receives progress lines while a run works (`aws_s3_bucket.b: Creating...`).
pub trait Ui: Sync {
    /// One line of progress.
    fn progress(&self, line: &str);
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

/// What kind of walk this is.
pub enum Mode2<'p> {
    /// Compute a plan.
    Plan {
        /// Read every managed object first.
        refresh: bool,
        /// Instances to replace even if unchanged.
        replace: Vec<InstanceAddr>,
        /// Plan to destroy everything.
        destroy: bool,
        /// Only these resources (and what they depend on).
        targets: Vec<InstanceAddr>,
    },
    /// Apply a plan.
    Apply(&'p Plan),
}

/// Where state is persisted during apply.
pub struct Store<'b> {
    backend: &'b dyn Backend,
    states: Mutex<(State, State)>,
    errors: Mutex<Vec<String>>,
}

impl<'b> Store<'b> {
    /// A store over a backend, starting from `state` (already written).
    pub fn new(backend: &'b dyn Backend, state: State) -> Store<'b> {
        Store {
            backend,
            states: Mutex::new((state.clone(), state)),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// Changes the state and writes it at once.
    pub fn mutate(&self, f: impl FnOnce(&mut State)) {
        let mut g = lock(&self.states);
        f(&mut g.0);
        let (live, last) = &mut *g;
        match self.backend.write(live, last) {
            Ok(()) => *last = live.clone(),
            Err(e) => lock(&self.errors).push(e.to_string()),
        }
    }

    /// The current state.
    pub fn snapshot(&self) -> State {
        lock(&self.states).0.clone()
    }

    /// Errors writing state.
    pub fn write_errors(&self) -> Vec<String> {
        lock(&self.errors).clone()
    }
}

pub(crate) struct StoreJournal<'a, 'b> {
    pub(crate) store: &'a Store<'b>,
    pub(crate) address: String,
    pub(crate) type_: String,
    pub(crate) provider: String,
}

impl Journal for StoreJournal<'_, '_> {
    fn intent(&self, import_id: &str) {
        self.store.mutate(|s| {
            s.add_intent(Intent {
                address: self.address.clone(),
                type_: self.type_.clone(),
                provider: self.provider.clone(),
                import_id: import_id.to_string(),
            })
        });
    }
}

/// The span of `attr` or `attr.key` (a key of an object argument, e.g. `parameters.Env`).
fn attribute_span(body: &crate::config::Body, path: &str) -> Option<crate::diagnostic::Span> {
    let mut parts = path.splitn(2, '.');
    let attr = body.attrs.get(parts.next()?)?;
    let Some(key) = parts.next() else {
        return attr.expr.span();
    };
    if let hcl_edit::expr::Expression::Object(obj) = &attr.expr.expr {
        for (k, v) in obj.iter() {
            let name = match k {
                hcl_edit::expr::ObjectKey::Ident(i) => Some(i.as_str().to_string()),
                hcl_edit::expr::ObjectKey::Expression(e) => e.as_str().map(str::to_string),
            };
            if name.as_deref() == Some(key) {
                use hcl_edit::Span as _;
                let range = match (k.span(), v.expr().span()) {
                    (Some(a), Some(b)) => a.start..b.end,
                    (a, b) => a.or(b)?,
                };
                return Some(crate::diagnostic::Span {
                    file: attr.expr.file.clone(),
                    range,
                });
            }
        }
    }
    attr.expr.span()
}

/// The outcome of planning one instance.
struct Planned {
    action: Action,
    after: Value,
    requires_replace: Vec<String>,
    reason: Option<String>,
    private: Option<String>,
    details: Vec<String>,
}

impl Planned {
    fn from(
        action: Action,
        resp: crate::provider::PlanResponse,
        requires_replace: Vec<String>,
        reason: Option<String>,
    ) -> Planned {
        Planned {
            action,
            after: resp.planned,
            requires_replace,
            reason,
            private: resp.private,
            details: resp.details,
        }
    }
}

/// Converts a value to state JSON, remembering which attributes were sensitive.
pub fn to_instance_state(provider: &str, value: &Value, deps: &[String]) -> InstanceState {
    let mut inst = InstanceState::new(
        provider,
        value.deep_unmark().to_json().unwrap_or(serde_json::Value::Null),
    );
    if let Some(m) = value.as_map() {
        inst.sensitive_attributes = m
            .iter()
            .filter(|(_, v)| v.contains_sensitive())
            .map(|(k, _)| k.clone())
            .collect();
    }
    inst.dependencies = deps.to_vec();
    inst
}

/// Reads a state instance back into a value, re-marking sensitive attributes.
pub fn from_instance_state(inst: &InstanceState, schema: Option<&Schema>) -> Value {
    let mut v = Value::from_json(&inst.attributes);
    if let Value::Map(m) = &mut v {
        for (k, val) in m.iter_mut() {
            let sensitive = inst.sensitive_attributes.contains(k)
                || schema
                    .and_then(|s| s.attributes.get(k))
                    .map(|a| a.sensitive)
                    .unwrap_or(false);
            if sensitive {
                *val = val.clone().mark_sensitive();
            }
        }
    }
    v
}

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
    pub(crate) scopes: Mutex<HashMap<ModPath, Scope>>,
    /// The state the run started from (refreshed during plan).
    pub(crate) prior: Mutex<State>,
    pub(crate) changes: Mutex<Vec<Change>>,
    pub(crate) drift: Mutex<Vec<Change>>,
    pub(crate) outputs: Mutex<BTreeMap<String, OutputChange>>,
    pub(crate) diags: Mutex<Diagnostics>,
    pub(crate) planned_addrs: Mutex<BTreeSet<String>>,
    /// Reads done by [`Session::prefetch`], used once by the plan walk.
    pub(crate) prefetched: Mutex<crate::refresh::Prefetched>,
}

pub(crate) fn resource_node_addr(path: &ModPath, addr: &ResourceAddr, key: InstanceKey) -> InstanceAddr {
    InstanceAddr {
        module: path.iter().map(|m| (m.clone(), InstanceKey::None)).collect(),
        resource: addr.clone(),
        key,
    }
}

pub(crate) fn node_string(path: &ModPath, addr: &ResourceAddr) -> String {
    resource_node_addr(path, addr, InstanceKey::None).to_string()
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
        let mut scopes = HashMap::new();
        for (path, m) in graph::module_instances(module) {
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
            scopes.insert(path, scope);
        }
        Ok(Session {
            module,
            graph,
            factory,
            ui,
            root_vars,
            providers: Mutex::new(BTreeMap::new()),
            scopes: Mutex::new(scopes),
            prior: Mutex::new(prior),
            changes: Mutex::new(Vec::new()),
            drift: Mutex::new(Vec::new()),
            outputs: Mutex::new(BTreeMap::new()),
            diags: Mutex::new(Diagnostics::default()),
            planned_addrs: Mutex::new(BTreeSet::new()),
            prefetched: Mutex::new(std::collections::HashMap::new()),
        })
    }

    /// Configures providers (evaluating only what their configuration needs) and returns one.
    pub fn configured_provider(&self, key: &str, stop: &AtomicBool) -> Result<Arc<dyn Provider>, Diagnostics> {
        graph::walk(&self.graph, 1, stop, |_, node| match node {
            Node::Provider(k) => self.visit_provider(k),
            Node::Variable(p, n) => self.visit_variable(p, n),
            _ => Outcome::Ok,
        });
        let diags = lock(&self.diags).clone();
        if diags.has_errors() {
            return Err(diags);
        }
        self.provider_or_default(key).map_err(Diagnostics::from)
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

    pub(crate) fn provider(&self, key: &str) -> Option<Arc<dyn Provider>> {
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

    pub(crate) fn visit_variable(&self, path: &ModPath, name: &str) -> Outcome {
        let value = if path.is_empty() {
            self.root_vars.get(name).cloned().unwrap_or(Value::Null)
        } else {
            let parent: ModPath = path[..path.len() - 1].to_vec();
            let call_name = &path[path.len() - 1];
            let Some(pm) = graph::module_at(self.module, &parent) else {
                return Outcome::Failed;
            };
            let Some(call) = pm.module_calls.get(call_name) else {
                return Outcome::Failed;
            };
            let Some(var) = call.module.variables.get(name) else {
                return Outcome::Failed;
            };
            let raw = {
                let scopes = lock(&self.scopes);
                let Some(scope) = scopes.get(&parent) else {
                    return Outcome::Failed;
                };
                let ev = Evaluator::new(scope);
                match call.inputs.get(name) {
                    Some(attr) => ev
                        .eval(&attr.expr)
                        .map_err(|d| d.within(format!("module \"{call_name}\""))),
                    None => match &var.default {
                        Some(d) => Evaluator::new(&Scope::default()).eval(d),
                        None => Ok(Value::Null),
                    },
                }
            };
            let raw = match raw {
                Ok(v) => v,
                Err(d) => return self.fail(d),
            };
            let ty = match vars::var_type(var) {
                Ok(t) => t,
                Err(d) => return self.fail(d),
            };
            match vars::check(var, raw, &ty) {
                Ok(v) => v,
                Err(d) => return self.fail(d.at(call.inputs.get(name).and_then(|a| a.expr.span()))),
            }
        };
        let mut scopes = lock(&self.scopes);
        if let Some(s) = scopes.get_mut(path) {
            s.vars.insert(name.to_string(), value);
        }
        Outcome::Ok
    }

    pub(crate) fn visit_local(&self, path: &ModPath, name: &str) -> Outcome {
        let Some(m) = graph::module_at(self.module, path) else {
            return Outcome::Failed;
        };
        let Some(attr) = m.locals.get(name) else {
            return Outcome::Failed;
        };
        let mut scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(path) else {
            return Outcome::Failed;
        };
        match Evaluator::new(scope).eval(&attr.expr) {
            Ok(v) => {
                if let Some(s) = scopes.get_mut(path) {
                    s.locals.insert(name.to_string(), v);
                }
                Outcome::Ok
            }
            Err(d) => {
                drop(scopes);
                self.fail(d)
            }
        }
    }

    pub(crate) fn visit_output(&self, path: &ModPath, name: &str) -> Outcome {
        let Some(m) = graph::module_at(self.module, path) else {
            return Outcome::Failed;
        };
        let Some(out) = m.outputs.get(name) else {
            return Outcome::Failed;
        };
        let mut scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(path) else {
            return Outcome::Failed;
        };
        let value = match Evaluator::new(scope).eval(&out.value) {
            Ok(v) => v,
            Err(d) => {
                drop(scopes);
                return self.fail(d.within(format!("output \"{name}\"")));
            }
        };
        if value.contains_sensitive() && !out.sensitive && path.is_empty() {
            drop(scopes);
            return self.fail(
                Diagnostic::error(
                    "Output refers to sensitive values",
                    format!("output \"{name}\" shows a sensitive value. Add sensitive = true to the output block if that is intended."),
                )
                .at(out.span.clone()),
            );
        }
        let value = value.mark_if(out.sensitive);
        if path.is_empty() {
            drop(scopes);
            let before = lock(&self.prior)
                .outputs()
                .get(name)
                .map(|o| Value::from_json(&o.value).mark_if(o.sensitive));
            lock(&self.outputs).insert(
                name.to_string(),
                OutputChange {
                    before,
                    after: value,
                    sensitive: out.sensitive,
                },
            );
        } else {
            let parent: ModPath = path[..path.len() - 1].to_vec();
            let call = path[path.len() - 1].clone();
            if let Some(ps) = scopes.get_mut(&parent) {
                let entry = ps.modules.entry(call).or_insert_with(Value::empty_map);
                if let Value::Map(mm) = entry {
                    mm.insert(name.to_string(), value);
                }
            }
        }
        Outcome::Ok
    }

    /// Evaluates instance keys and configurations of a resource. Holds the scope lock only
    /// while evaluating.
    pub(crate) fn expand(
        &self,
        path: &ModPath,
        res: &Resource,
        schema: &Schema,
    ) -> Result<Vec<(InstanceKey, Value)>, Vec<Diagnostic>> {
        let scopes = lock(&self.scopes);
        let Some(scope) = scopes.get(path) else {
            return Err(Vec::new());
        };
        let base = Evaluator::new(scope);
        let ctx = res.describe();
        let mut evals: Vec<(InstanceKey, Evaluator<'_>)> = Vec::new();
        if let Some(count) = &res.count {
            let v = base.eval(count).map_err(|d| vec![d.within(ctx.clone())])?;
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
            for i in 0..n as i64 {
                evals.push((InstanceKey::Int(i), base.clone().with_count(i)));
            }
        } else if let Some(fe) = &res.for_each {
            let v = base.eval(fe).map_err(|d| vec![d.within(ctx.clone())])?;
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
                    for (k, val) in m {
                        evals.push((
                            InstanceKey::Str(k.clone()),
                            base.clone().with_each(Value::from(k.as_str()), val.clone()),
                        ));
                    }
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
                        evals.push((
                            InstanceKey::Str(s.to_string()),
                            base.clone().with_each(Value::from(s), Value::from(s)),
                        ));
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
            evals.push((InstanceKey::None, base));
        }
        let mut out = Vec::new();
        let mut diags = Vec::new();
        for (key, ev) in evals {
            match decode(&res.body, schema, &ev, &ctx, res.span.clone()) {
                Ok(v) => out.push((key, v)),
                Err(mut d) => diags.append(&mut d),
            }
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(diags)
        }
    }

    pub(crate) fn store_resource_value(&self, path: &ModPath, res: &Resource, values: Vec<(InstanceKey, Value)>) {
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
        if let Some(s) = scopes.get_mut(path) {
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

    pub(crate) fn provider_errors(&self, addr: &str, res: &Resource, e: &crate::provider::ProviderError) -> Diagnostic {
        Diagnostic::error(format!("{addr}: {}", e.code), e.message.clone())
            .at(res.span.clone())
            .within(res.describe())
    }

    /// Runs the plan walk.
    pub fn plan(&self, mode: &Mode2<'_>, parallelism: usize, stop: &AtomicBool) -> Result<(), Diagnostics> {
        let outcomes = graph::walk(&self.graph, parallelism, stop, |_, node| match node {
            Node::Provider(k) => self.visit_provider(k),
            Node::Variable(p, n) => self.visit_variable(p, n),
            Node::Local(p, n) => self.visit_local(p, n),
            Node::Output(p, n) => self.visit_output(p, n),
            Node::Resource(p, a) => self.plan_resource(p, a, mode),
            Node::Orphan(_) => Outcome::Ok,
        });
        let diags = lock(&self.diags).clone();
        if diags.has_errors() || outcomes.values().any(|o| *o != Outcome::Ok) {
            let mut d = diags;
            if !d.has_errors() {
                d.push(Diagnostic::error(
                    "Interrupted",
                    "The plan was interrupted before it finished; nothing was changed.",
                ));
            }
            return Err(d);
        }
        Ok(())
    }

    fn refresh_instance(
        &self,
        provider: &dyn Provider,
        addr: &str,
        type_: &str,
        schema: &Schema,
        stored: &InstanceState,
    ) -> Result<Option<Value>, crate::provider::ProviderError> {
        let prior = from_instance_state(stored, Some(schema));
        let read = match self.take_prefetched(addr) {
            Some(r) => r,
            None => provider.read(ReadRequest {
                type_name: type_,
                prior: &prior,
            }),
        };
        let current = read?.map(|cur| {
            // What was sensitive when recorded stays sensitive when read back.
            let mut marked = stored.clone();
            marked.attributes = cur.deep_unmark().to_json().unwrap_or(serde_json::Value::Null);
            from_instance_state(&marked, Some(schema))
        });
        let inst_addr: Result<InstanceAddr, _> = addr.parse();
        match (&current, inst_addr) {
            (Some(cur), Ok(ia)) => {
                // Read-only attributes (attachment counts, dates) change by themselves; only
                // what a user can configure is drift worth showing.
                let relevant = plan::changed_attributes(schema, &prior, cur).into_iter().any(|name| {
                    schema
                        .attributes
                        .get(&name)
                        .map(|a| a.optional || a.required)
                        .unwrap_or(true)
                });
                if relevant {
                    lock(&self.drift).push(Change {
                        addr: ia,
                        provider: stored.provider.clone(),
                        action: Action::Update,
                        before: Some(prior.clone()),
                        after: Some(cur.clone()),
                        requires_replace: Vec::new(),
                        reason: Some("changed outside infinstor".into()),
                        dependencies: Vec::new(),
                        private: None,
                        details: Vec::new(),
                    });
                }
            }
            (None, Ok(ia)) => {
                lock(&self.drift).push(Change {
                    addr: ia,
                    provider: stored.provider.clone(),
                    action: Action::Delete,
                    before: Some(prior.clone()),
                    after: None,
                    requires_replace: Vec::new(),
                    reason: Some("deleted outside infinstor".into()),
                    dependencies: Vec::new(),
                    private: None,
                    details: Vec::new(),
                });
            }
            _ => {}
        }
        let mut p = lock(&self.prior);
        match &current {
            Some(cur) => {
                let mut inst = to_instance_state(&stored.provider, cur, &stored.dependencies);
                inst.tainted = stored.tainted;
                p.set_instance(addr, inst);
            }
            None => {
                p.remove_instance(addr);
            }
        }
        Ok(current)
    }

    fn plan_resource(&self, path: &ModPath, addr: &ResourceAddr, mode: &Mode2<'_>) -> Outcome {
        let Mode2::Plan {
            refresh,
            replace,
            destroy,
            targets,
        } = mode
        else {
            return Outcome::Failed;
        };
        let Some(m) = graph::module_at(self.module, path) else {
            return Outcome::Failed;
        };
        let Some(res) = m.resources.get(addr) else {
            return Outcome::Failed;
        };
        let Some(schema) = self.schema_for(addr) else {
            let known = match addr.mode {
                Mode::Managed => self.factory.resource_types(),
                Mode::Data => self.factory.data_types(),
            };
            return self.fail(
                Diagnostic::error(
                    "Unsupported resource type",
                    format!(
                        "The provider does not support {} type \"{}\".{}",
                        if addr.mode == Mode::Data {
                            "data source"
                        } else {
                            "resource"
                        },
                        addr.type_,
                        crate::diagnostic::suggestion(&addr.type_, known.iter().map(String::as_str))
                    ),
                )
                .at(res.span.clone()),
            );
        };
        let provider = match self.provider_or_default(&res.provider) {
            Ok(p) => p,
            Err(d) => return self.fail(d.at(res.span.clone())),
        };
        let instances = match self.expand(path, res, &schema) {
            Ok(i) => i,
            Err(ds) => return self.fail_all(ds),
        };
        let mut problems = Vec::new();
        for (_, config) in &instances {
            if config.contains_unknown() {
                continue;
            }
            for p in provider.validate(ValidateRequest {
                type_name: &addr.type_,
                config,
            }) {
                let span = p
                    .attribute
                    .as_deref()
                    .and_then(|a| attribute_span(&res.body, a))
                    .or(res.span.clone());
                problems.push(
                    Diagnostic::error("Invalid argument value", p.message)
                        .at(span)
                        .within(res.describe()),
                );
            }
        }
        if !problems.is_empty() {
            return self.fail_all(problems);
        }
        let deps = self.dependencies_of(path, addr);
        let targeted = targets.is_empty()
            || targets.iter().any(|t| {
                let ts = t.resource_string();
                ts == node_string(path, addr) || self.target_closure(targets).contains(&node_string(path, addr))
            });
        let mut values = Vec::new();
        for (key, config) in instances {
            let ia = resource_node_addr(path, addr, key.clone());
            let a = ia.to_string();
            lock(&self.planned_addrs).insert(a.clone());
            let stored = lock(&self.prior).instance(&a).cloned();
            if addr.mode == Mode::Data {
                let pending_deps = !res.depends_on.is_empty()
                    && lock(&self.changes)
                        .iter()
                        .any(|c| c.action != Action::NoOp && deps.contains(&c.addr.resource_string()));
                if config.contains_unknown() || pending_deps {
                    let mut after = plan::proposed(&schema, &config, None, &[]);
                    if let Value::Map(mm) = &mut after {
                        for (k, at) in &schema.attributes {
                            if at.computed && config.get(k).is_null() {
                                mm.insert(k.clone(), Value::Unknown);
                            }
                        }
                    }
                    values.push((key, after.clone()));
                    lock(&self.changes).push(Change {
                        addr: ia,
                        provider: res.provider.clone(),
                        action: Action::Read,
                        before: None,
                        after: Some(after),
                        requires_replace: Vec::new(),
                        reason: Some(if pending_deps {
                            "depends on a resource with pending changes".into()
                        } else {
                            "configuration depends on values known only after apply".into()
                        }),
                        dependencies: deps.clone(),
                        private: None,
                        details: Vec::new(),
                    });
                    continue;
                }
                match provider.read_data(ReadDataRequest {
                    type_name: &addr.type_,
                    config: &config.deep_unmark(),
                }) {
                    Ok(v) => {
                        let v = remark_data(&schema, &config, v);
                        values.push((key, v.clone()));
                        lock(&self.changes).push(Change {
                            addr: ia,
                            provider: res.provider.clone(),
                            action: Action::NoOp,
                            before: None,
                            after: Some(v),
                            requires_replace: Vec::new(),
                            reason: None,
                            dependencies: deps.clone(),
                            private: None,
                            details: Vec::new(),
                        });
                    }
                    Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                }
                continue;
            }
            // Adopt an object whose create was interrupted before its state was written.
            let mut stored = stored;
            if stored.is_none() {
                let intent = lock(&self.prior).intents().iter().find(|i| i.address == a).cloned();
                if let Some(intent) = intent {
                    match provider.import(ImportRequest {
                        type_name: &addr.type_,
                        id: &intent.import_id,
                    }) {
                        Ok(Some(v)) => {
                            let inst = to_instance_state(&res.provider, &v, &deps);
                            lock(&self.prior).set_instance(&a, inst.clone());
                            lock(&self.drift).push(Change {
                                addr: ia.clone(),
                                provider: res.provider.clone(),
                                action: Action::Create,
                                before: None,
                                after: Some(v),
                                requires_replace: Vec::new(),
                                reason: Some(format!(
                                    "created by an interrupted apply ({}); adopted",
                                    intent.import_id
                                )),
                                dependencies: Vec::new(),
                                private: None,
                                details: Vec::new(),
                            });
                            stored = Some(inst);
                        }
                        Ok(None) => {}
                        Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                    }
                }
            }
            let prior_value = match (&stored, refresh) {
                (Some(s), true) => match self.refresh_instance(provider.as_ref(), &a, &addr.type_, &schema, s) {
                    Ok(v) => v,
                    Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
                },
                (Some(s), false) => Some(from_instance_state(s, Some(&schema))),
                (None, _) => None,
            };
            if *destroy {
                if let Some(p) = &prior_value {
                    values.push((key, p.clone()));
                }
                continue;
            }
            if !targeted {
                if let Some(p) = &prior_value {
                    values.push((key, p.clone()));
                    self.push_noop(ia, res, p.clone(), deps.clone());
                }
                continue;
            }
            let tainted = stored.as_ref().map(|s| s.tainted).unwrap_or(false);
            let forced = replace.iter().any(|r| r == &ia);
            let change = match self.plan_instance(
                provider.as_ref(),
                res,
                &schema,
                &config,
                prior_value.as_ref(),
                tainted,
                forced,
            ) {
                Ok(c) => c,
                Err(e) => return self.fail(self.provider_errors(&a, res, &e)),
            };
            let Planned {
                action,
                after,
                requires_replace: requires,
                reason,
                private,
                details,
            } = change;
            if res.lifecycle.prevent_destroy && matches!(action, Action::Replace { .. } | Action::Delete) {
                return self.fail(
                    Diagnostic::error(
                        "Instance cannot be destroyed",
                        format!("{a} has lifecycle.prevent_destroy set, but the plan would destroy it ({}). Change the configuration so it is updated in place, or remove prevent_destroy if destroying it is intended.", reason.clone().unwrap_or_default()),
                    )
                    .at(res.span.clone()),
                );
            }
            values.push((key, after.clone()));
            lock(&self.changes).push(Change {
                addr: ia,
                provider: res.provider.clone(),
                action,
                before: prior_value,
                after: Some(after),
                requires_replace: requires,
                reason,
                dependencies: deps.clone(),
                private,
                details,
            });
        }
        self.store_resource_value(path, res, values);
        Outcome::Ok
    }

    fn target_closure(&self, targets: &[InstanceAddr]) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for t in targets {
            let path: ModPath = t.module.iter().map(|(n, _)| n.clone()).collect();
            let node = Node::Resource(path, t.resource.clone());
            out.insert(t.resource_string());
            for d in self.graph.resource_dependencies(&node) {
                if let Node::Resource(p, a) = d {
                    out.insert(node_string(&p, &a));
                }
            }
        }
        out
    }

    fn push_noop(&self, ia: InstanceAddr, res: &Resource, value: Value, deps: Vec<String>) {
        lock(&self.changes).push(Change {
            addr: ia,
            provider: res.provider.clone(),
            action: Action::NoOp,
            before: Some(value.clone()),
            after: Some(value),
            requires_replace: Vec::new(),
            reason: None,
            dependencies: deps,
            private: None,
            details: Vec::new(),
        });
    }

    #[allow(clippy::too_many_arguments)]
    fn plan_instance(
        &self,
        provider: &dyn Provider,
        res: &Resource,
        schema: &Schema,
        config: &Value,
        prior: Option<&Value>,
        tainted: bool,
        forced: bool,
    ) -> Result<Planned, crate::provider::ProviderError> {
        let plan_create = || -> Result<crate::provider::PlanResponse, crate::provider::ProviderError> {
            let proposed = plan::proposed(schema, config, None, &[]);
            let mut resp = provider.plan(PlanRequest {
                type_name: &res.addr.type_,
                prior: None,
                proposed: &proposed,
                config,
            })?;
            resp.planned = remark(schema, config, resp.planned);
            Ok(resp)
        };
        let cbd = res.lifecycle.create_before_destroy;
        let replace = Action::Replace {
            create_before_destroy: cbd,
        };
        let Some(prior) = prior else {
            return Ok(Planned::from(Action::Create, plan_create()?, Vec::new(), None));
        };
        if tainted || forced {
            let reason = if tainted {
                "the object is tainted: its create did not finish".to_string()
            } else {
                "replacement requested with --replace".to_string()
            };
            return Ok(Planned::from(replace, plan_create()?, Vec::new(), Some(reason)));
        }
        let proposed = plan::proposed(schema, config, Some(prior), &res.lifecycle.ignore_changes);
        let mut resp = provider.plan(PlanRequest {
            type_name: &res.addr.type_,
            prior: Some(prior),
            proposed: &proposed,
            config,
        })?;
        resp.planned = remark(schema, config, resp.planned);
        let changed = plan::changed_attributes(schema, prior, &resp.planned);
        if changed.is_empty() {
            resp.planned = prior.clone();
            return Ok(Planned::from(Action::NoOp, resp, Vec::new(), None));
        }
        let forcing = plan::forcing_replacement(schema, &changed, &resp.requires_replace);
        if !forcing.is_empty() {
            let mut created = plan_create()?;
            // Values the config does not set and that will be re-created stay unknown; values
            // that carry over (the configured ones) are already in `after`.
            if let (Value::Map(am), Some(pm)) = (&mut created.planned, prior.as_map()) {
                for (k, v) in am.iter_mut() {
                    if v.is_unknown() && !schema.attributes.get(k).map(|a| a.computed).unwrap_or(false) {
                        *v = pm.get(k).cloned().unwrap_or(Value::Null);
                    }
                }
            }
            let reason = format!("{} cannot be updated in place", forcing.join(", "));
            return Ok(Planned::from(replace, created, forcing, Some(reason)));
        }
        Ok(Planned::from(Action::Update, resp, Vec::new(), None))
    }

    /// Plans deletes for state instances without configuration (or every instance when
    /// destroying), refreshing them first.
    pub fn plan_orphans(&self, refresh: bool, destroy: bool) -> Result<(), Diagnostics> {
        let planned = lock(&self.planned_addrs).clone();
        let instances: Vec<(String, InstanceState)> = lock(&self.prior)
            .instances()
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut diags = Diagnostics::default();
        for (a, inst) in instances {
            let Ok(ia) = a.parse::<InstanceAddr>() else {
                continue;
            };
            if !destroy && planned.contains(&a) {
                continue;
            }
            if ia.resource.mode == Mode::Data {
                lock(&self.prior).remove_instance(&a);
                continue;
            }
            let schema = self.factory.resource_schema(&ia.resource.type_);
            let mut before = from_instance_state(&inst, schema.as_ref());
            if refresh && !destroy {
                let provider = match self.provider_or_default(&inst.provider) {
                    Ok(p) => p,
                    Err(d) => {
                        diags.push(d);
                        continue;
                    }
                };
                let Some(schema) = schema.as_ref() else {
                    continue;
                };
                match self.refresh_instance(provider.as_ref(), &a, &ia.resource.type_, schema, &inst) {
                    Ok(Some(v)) => before = v,
                    Ok(None) => continue,
                    Err(e) => {
                        diags.push(Diagnostic::error(format!("{a}: {}", e.code), e.message));
                        continue;
                    }
                }
            }
            if destroy {
                let path: ModPath = ia.module.iter().map(|(n, _)| n.clone()).collect();
                let protected = graph::module_at(self.module, &path)
                    .and_then(|m| m.resources.get(&ia.resource))
                    .map(|r| (r.lifecycle.prevent_destroy, r.span.clone()));
                if let Some((true, span)) = protected {
                    diags.push(
                        Diagnostic::error(
                            "Instance cannot be destroyed",
                            format!("{a} has lifecycle.prevent_destroy set, so it cannot be destroyed. Remove prevent_destroy first if destroying it is intended."),
                        )
                        .at(span),
                    );
                    continue;
                }
            }
            lock(&self.changes).retain(|c| c.addr != ia);
            lock(&self.changes).push(Change {
                addr: ia,
                provider: inst.provider.clone(),
                action: Action::Delete,
                before: Some(before),
                after: None,
                requires_replace: Vec::new(),
                reason: Some(if destroy {
                    "destroy requested".to_string()
                } else {
                    "its configuration was removed".to_string()
                }),
                dependencies: inst.dependencies.clone(),
                private: None,
                details: Vec::new(),
            });
        }
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(())
        }
    }

    /// Assembles the plan after the walk.
    pub fn into_plan(self, lineage: String, serial: u64, config_digest: String, destroy: bool) -> (Plan, State) {
        let mut changes = self.changes.into_inner().unwrap_or_else(|p| p.into_inner());
        changes.sort_by(|a, b| a.addr.cmp(&b.addr));
        let mut drift = self.drift.into_inner().unwrap_or_else(|p| p.into_inner());
        drift.sort_by(|a, b| a.addr.cmp(&b.addr));
        let mut outputs = self.outputs.into_inner().unwrap_or_else(|p| p.into_inner());
        if destroy {
            outputs.clear();
        }
        let warnings = self
            .diags
            .into_inner()
            .unwrap_or_else(|p| p.into_inner())
            .warnings()
            .map(|d| d.to_string())
            .collect();
        let prior = self.prior.into_inner().unwrap_or_else(|p| p.into_inner());
        (
            Plan {
                changes,
                drift,
                outputs,
                lineage,
                serial,
                config_digest,
                variables: self.root_vars,
                destroy,
                warnings,
                access: Vec::new(),
                configuration: serde_json::Value::Null,
            },
            prior,
        )
    }
}

/// A data source computed from sensitive arguments may reveal them in any computed attribute.
pub(crate) fn remark_data(schema: &Schema, config: &Value, v: Value) -> Value {
    let v = remark(schema, config, v);
    if !config.contains_sensitive() {
        return v;
    }
    match v {
        Value::Map(mut m) => {
            for (k, val) in m.iter_mut() {
                if schema.attributes.get(k).map(|a| a.computed).unwrap_or(false) {
                    *val = val.clone().mark_sensitive();
                }
            }
            Value::Map(m)
        }
        other => other,
    }
}

pub(crate) fn sensitive_strings(v: &Value, inside: bool, out: &mut Vec<String>) {
    match v {
        Value::Sensitive(inner) => sensitive_strings(inner, true, out),
        Value::String(s) if inside && s.chars().count() >= 3 => out.push(s.clone()),
        Value::List(items) => items.iter().for_each(|i| sensitive_strings(i, inside, out)),
        Value::Map(m) => m.values().for_each(|i| sensitive_strings(i, inside, out)),
        _ => {}
    }
}

pub(crate) fn reveals(v: &Value, secrets: &[String]) -> bool {
    match v {
        Value::String(s) => secrets.iter().any(|x| s.contains(x.as_str())),
        Value::List(items) => items.iter().any(|i| reveals(i, secrets)),
        Value::Map(m) => m
            .iter()
            .any(|(k, i)| secrets.iter().any(|x| k.contains(x.as_str())) || reveals(i, secrets)),
        _ => false,
    }
}

/// Marks attributes the schema or configuration says are sensitive, and any attribute a
/// provider derived from a sensitive value (`tags_all` from `tags`): a provider cannot be
/// trusted to carry marks, so whatever contains a secret's text is hidden too.
pub(crate) fn remark(schema: &Schema, config: &Value, new: Value) -> Value {
    let mut secrets = Vec::new();
    sensitive_strings(config, false, &mut secrets);
    match new {
        Value::Map(mut m) => {
            for (k, v) in m.iter_mut() {
                let sens = schema.attributes.get(k).map(|a| a.sensitive).unwrap_or(false)
                    || config.get(k).contains_sensitive()
                    || reveals(v, &secrets);
                if sens {
                    *v = v.clone().mark_sensitive();
                }
            }
            Value::Map(m)
        }
        other => other,
    }
}

/// Whether the configuration evaluated at apply still says what the plan was made from.
pub(crate) fn config_matches(schema: &Schema, config: &Value, planned: &Value) -> bool {
    schema.attributes.iter().all(|(k, a)| {
        let c = config.get(k);
        c.is_null() || plan::attr_equal(a, &c, &planned.get(k))
    }) && schema
        .blocks
        .iter()
        .all(|(k, b)| plan::blocks_equal(b.nesting, &b.schema, &config.get(k), &planned.get(k)))
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
