//! One plan or apply run: its [`Walk`] (the evaluation of the configuration) and what the run
//! decides (the prior state it refreshes, the ledger of changes, drift, outputs and
//! diagnostics); the planner and the applier are its methods in `planner.rs` and `apply/`.

use crate::config::{Module, Resource};
use crate::core::addr::{InstanceAddr, ModulePath, Target};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::lock;
use crate::core::plan::{OutputChange, Plan};
use crate::core::provider::{Provider, ProviderFactory};
use crate::core::schema::Schema;
use crate::core::value::Value;
use crate::eval::Scope;
use crate::graph::{self, Graph, Node, Outcome};
use crate::plan::diff;
use crate::plan::ledger::Ledger;
use crate::plan::refresh::Refreshed;
pub use crate::plan::ui::Ui;
use crate::plan::walk::{ModuleInstance, Walk};
use state::{InstanceState, State};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};
use std::time::Instant;

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

/// One plan or apply run over a configuration: its [`Walk`] (the evaluation, shared by plan and
/// apply) and what the run decides. The locks are taken one at a time: no code holds one of
/// them (or one of the walk's) while it takes another.
pub struct Session<'a> {
    /// The evaluation of the configuration.
    pub walk: Walk<'a>,
    /// The state the run started from (refreshed during plan).
    pub(crate) prior: Mutex<State>,
    /// What the walk has decided so far: changes, drift, outputs, diagnostics.
    pub(crate) ledger: Mutex<Ledger>,
    /// What refresh read ([`crate::plan::refresh::read_all`]), taken once per instance by the
    /// plan walk.
    pub(crate) refreshed: Mutex<Refreshed>,
    /// The bound on provider operations in flight during apply (`--parallelism`).
    pub(crate) permits: crate::core::permits::Permits,
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
        for scope in self.walk.templates.values_mut() {
            scope.workspace = workspace.to_string();
        }
        for scope in lock(&self.walk.scopes).values_mut() {
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
            walk: Walk {
                module,
                graph,
                factory,
                ui,
                root_vars,
                providers: Mutex::new(BTreeMap::new()),
                scopes: Mutex::new(scopes),
                templates,
                expansions: Mutex::new(expansions),
                settled: Mutex::new(HashMap::new()),
                checks: Mutex::new(crate::plan::conditions::declared_checks(module)),
            },
            prior: Mutex::new(prior),
            ledger: Mutex::new(Ledger::default()),
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
        self.walk.provider_or_default(key).map_err(Diagnostics::from)
    }

    /// Configures the providers before anything else, so that refresh can read with them: it
    /// visits the providers and the variables and locals they use when those need no resource.
    /// Each visit is recorded ([`Session::settled`]); the plan walk takes the recorded outcome
    /// instead of evaluating the node again, so its problems are reported once.
    pub fn configure_providers(&self, parallelism: usize, stop: &AtomicBool) {
        let inputs = self.walk.provider_inputs();
        graph::walk(&self.walk.graph, parallelism, stop, |idx, node| {
            if !inputs.contains(&idx) {
                return Outcome::Ok;
            }
            let outcome = self.visit(node);
            lock(&self.walk.settled).insert(idx, outcome);
            outcome
        });
    }

    /// Visits a provider, variable, local, output or module call: the walk evaluates it, and
    /// the run records what went wrong and, for an output of the root module, its change.
    pub(crate) fn visit(&self, node: &Node) -> Outcome {
        let visited = match node {
            Node::Provider(k) => self.walk.visit_provider(k),
            Node::Variable(p, n) => self.walk.visit_variable(p, n),
            Node::Local(p, n) => self.walk.visit_local(p, n),
            Node::Module(p) => self.walk.visit_module(p),
            Node::Output(p, n) => self.walk.visit_output(p, n).map(|root| {
                if let Some((after, sensitive)) = root {
                    self.record_output(n, after, sensitive);
                }
            }),
            _ => Err(Vec::new()),
        };
        match visited {
            Ok(()) => Outcome::Ok,
            Err(diags) => self.fail_all(diags),
        }
    }

    /// Records the change of a root module output: what the prior state has, and `after`.
    fn record_output(&self, name: &str, after: Value, sensitive: bool) {
        // A sensitive output is sensitive as a whole, as the state records it: the marks of the
        // values inside it (a sensitive attribute compared with null) are not a change.
        let after = if sensitive {
            after.deep_unmark().mark_sensitive()
        } else {
            after
        };
        let before = lock(&self.prior)
            .outputs()
            .get(name)
            .map(|o| Value::from_json(&o.value).mark_if(o.sensitive));
        lock(&self.ledger).outputs.insert(
            name.to_string(),
            OutputChange {
                before,
                after,
                sensitive,
            },
        );
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

    /// The warnings recorded while planning.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        lock(&self.ledger).diags.warnings().cloned().collect()
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

/// Whether the configuration evaluated at apply still says what the plan was made from (a
/// write-only value is not in the plan, and is sent as it is now).
pub(crate) fn config_matches(schema: &Schema, config: &Value, planned: &Value) -> bool {
    schema.attributes.iter().all(|(k, a)| {
        let c = config.get(k);
        a.write_only || c.is_null() || diff::attr_equal(a, &c, &planned.get(k))
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
