//! The operations the CLI calls: validate, plan, apply, destroy, import; state edits
//! ([`state_edits`]); backends, `init` and workspaces ([`backends`]).

mod backends;
mod console;
mod state_edits;

pub use backends::{InitOptions, InitReport, DEFAULT_STATE_FILE, SETTINGS_DIR};
pub use console::Console;

/// Where an apply keeps the state when the backend cannot be written (the network is down,
/// someone else changed the remote state), so nothing it did is lost.
pub const ERRORED_STATE_FILE: &str = "infinstor.errored.state.json";

use crate::apply::store::Store;
use crate::config::{self, Module, Variable};
use crate::core::addr::{InstanceAddr, Target};
use crate::core::diagnostic::Diagnostics;
use crate::core::plan::{Action, Change, Plan};
use crate::core::provider::{ImportRequest, ProviderFactory};
use crate::core::value::{Marks, Value};
use crate::eval::vars::{self, VarSources};
use crate::graph;
use crate::plan::refresh;
use crate::plan::session::{Session, Ui, WalkMode};
use sha2::{Digest, Sha256};
use state::{Backend, State, StateError};
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

/// Errors of an operation; each says what to do.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Problems in the configuration or with providers, all of them.
    #[error("{0}")]
    Diagnostics(Diagnostics),
    /// Reading, writing or locking state failed.
    #[error(transparent)]
    State(#[from] StateError),
    /// The saved plan no longer matches the state or configuration.
    #[error("Saved plan is stale: {0}\n\nThe state or configuration changed after this plan was made. Run `infinstor plan --out FILE` again and apply the new plan.")]
    StalePlan(String),
    /// The plan file could not be read or written.
    #[error(transparent)]
    PlanFile(#[from] crate::core::plan::PlanFileError),
    /// A state edit referred to something that is not there.
    #[error("{0}")]
    Invalid(String),
}

impl From<Diagnostics> for EngineError {
    fn from(d: Diagnostics) -> EngineError {
        EngineError::Diagnostics(d)
    }
}

/// Options shared by plan, apply and destroy.
#[derive(Debug, Clone)]
pub struct Options {
    /// The configuration directory.
    pub dir: PathBuf,
    /// The local state file of the default workspace (`--state`); `infinstor.state.json` when
    /// not given. Only for local state.
    pub state_path: Option<PathBuf>,
    /// Variable values given on the command line.
    pub vars: VarSources,
    /// The environment (for `TF_VAR_*`).
    pub env: Vec<(String, String)>,
    /// Refresh before planning.
    pub refresh: bool,
    /// `--target` addresses.
    pub targets: Vec<String>,
    /// `--replace` addresses.
    pub replace: Vec<String>,
    /// Plan to destroy everything.
    pub destroy: bool,
    /// How many operations run at once.
    pub parallelism: usize,
    /// How long to wait for a state lock another process holds before giving up.
    pub lock_timeout: std::time::Duration,
    /// Only bring state up to date with what refresh reads; change nothing in AWS.
    pub refresh_only: bool,
    /// `plan --generate-config-out FILE`: write resource blocks for import targets without one
    /// to this new file (relative to the configuration directory), then plan with it.
    pub generate_config_out: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            dir: PathBuf::from("."),
            state_path: None,
            vars: VarSources::default(),
            env: Vec::new(),
            refresh: true,
            targets: Vec::new(),
            replace: Vec::new(),
            destroy: false,
            parallelism: 10,
            lock_timeout: std::time::Duration::ZERO,
            refresh_only: false,
            generate_config_out: None,
        }
    }
}

/// A plan and the warnings found while making it.
#[derive(Debug)]
pub struct PlanOutcome {
    /// The plan.
    pub plan: Plan,
    /// Warnings (errors would have stopped the plan).
    pub warnings: Diagnostics,
}

/// What an apply did.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyOutcome {
    /// (added, changed, destroyed).
    pub counts: (usize, usize, usize),
    /// Root outputs after apply.
    pub outputs: Vec<(String, Value)>,
    /// Warnings of the run (failed `check` assertions), as text.
    pub warnings: Vec<String>,
}

/// The engine: a provider factory, a place to report progress, and the interrupt flag.
pub struct Engine<'a> {
    /// Builds providers and knows schemas.
    pub factory: &'a dyn ProviderFactory,
    /// Receives progress lines.
    pub ui: &'a dyn Ui,
    /// Set on Ctrl-C: start nothing new.
    pub stop: &'a AtomicBool,
}

/// Asks for a missing required variable on a terminal.
pub type Prompt<'p> = Option<&'p dyn Fn(&Variable) -> Option<String>>;

fn parse_addrs(list: &[String], what: &str) -> Result<Vec<InstanceAddr>, EngineError> {
    list.iter()
        .map(|s| {
            s.parse::<InstanceAddr>()
                .map_err(|e| EngineError::Invalid(format!("{what}: {e}")))
        })
        .collect()
}

/// Parses `--target` addresses and checks each names a module or resource of the
/// configuration, or an instance in state (a removed resource can be targeted to destroy it).
fn targets(list: &[String], module: &Module, prior: &state::State) -> Result<Vec<Target>, EngineError> {
    let mut known: Vec<String> = Vec::new();
    for (path, m) in crate::config::tree::modules(module) {
        let prefix: String = path.iter().map(|n| format!("module.{n}.")).collect();
        if !path.is_empty() {
            known.push(prefix.trim_end_matches('.').to_string());
        }
        known.extend(m.resources.keys().map(|a| format!("{prefix}{a}")));
    }
    let in_state: Vec<&InstanceAddr> = prior.instances().keys().collect();
    let mut out = Vec::new();
    for text in list {
        let target: Target = text
            .parse()
            .map_err(|e| EngineError::Invalid(format!("--target: {e}")))?;
        let names = target.module_names();
        let prefix: String = names.iter().map(|n| format!("module.{n}.")).collect();
        let configured = match &target.resource {
            None => known.iter().any(|k| format!("{k}.").starts_with(&prefix)),
            Some((r, _)) => known.contains(&format!("{prefix}{r}")),
        };
        if !configured && !in_state.iter().any(|a| target.contains(a)) {
            return Err(EngineError::Invalid(format!(
                "--target {text}: there is no module or resource at that address in the configuration or the state.{}",
                crate::core::diagnostic::suggestion(text, known.iter().map(String::as_str))
            )));
        }
        out.push(target);
    }
    Ok(out)
}

/// A digest of every configuration file and the variable values.
pub fn config_digest(module: &Module, variables: &std::collections::BTreeMap<String, Value>) -> String {
    // A plan file holds no ephemeral value the user gave, so none is part of what it is
    // checked against.
    let ephemeral = |name: &String| module.variables.get(name).is_some_and(|v| v.ephemeral);
    if variables.keys().any(ephemeral) {
        let kept = variables
            .iter()
            .filter(|(k, _)| !ephemeral(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        return config_digest(module, &kept);
    }
    let mut h = Sha256::new();
    for (_, m) in crate::config::tree::modules(module) {
        for f in &m.files {
            h.update(f.display.as_bytes());
            h.update([0]);
            h.update(f.text.as_bytes());
            h.update([0]);
        }
    }
    h.update(serde_json::to_vec(variables).unwrap_or_default());
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

impl Engine<'_> {
    /// Takes the state lock, waiting up to `opts.lock_timeout` while another process holds it.
    fn lock(&self, backend: &dyn Backend, opts: &Options, operation: &str) -> Result<state::LockGuard, EngineError> {
        let start = std::time::Instant::now();
        let mut said = false;
        loop {
            match backend.lock(operation) {
                Err(StateError::Locked { .. }) if start.elapsed() < opts.lock_timeout => {
                    if !said {
                        self.ui.progress("Acquiring state lock. This may take a few moments...");
                        said = true;
                    }
                    if self.stop.load(std::sync::atomic::Ordering::SeqCst) {
                        return Err(EngineError::Invalid(
                            "Interrupted while waiting for the state lock; nothing was changed.".into(),
                        ));
                    }
                    std::thread::sleep(std::time::Duration::from_millis(250));
                }
                other => {
                    let guard = other?;
                    if let Some(line) = guard.takeover_notice() {
                        self.ui.notice(&line);
                    }
                    return Ok(guard);
                }
            }
        }
    }

    fn load(&self, opts: &Options) -> Result<(Module, Diagnostics), EngineError> {
        Ok(config::load(&opts.dir, &self.factory.providers())?)
    }

    /// Checks the configuration without contacting AWS: syntax, references, cycles, argument
    /// names and referenced attributes against schemas.
    pub fn validate(&self, opts: &Options) -> Result<Diagnostics, EngineError> {
        // Past what is not supported yet, the rest is checked too: one run lists it all.
        let (module, mut diags) = config::load_checking(&opts.dir, &self.factory.providers());
        let Some(module) = module else {
            return Err(diags.into());
        };
        if let Err(found) = graph::build(&module) {
            diags.0.extend(found.0);
        }
        for (path, m) in crate::config::tree::modules(&module) {
            crate::eval::checks::module(m, path.is_empty(), &module.dir, self.factory, &mut diags);
        }
        diags.dedup();
        diags.sort();
        if diags.has_errors() {
            return Err(diags.into());
        }
        Ok(diags)
    }

    /// The root module's variables, their warnings, and the ephemeral ones `opts` gives a value
    /// (not left at their defaults): an apply of the plan must be given those again.
    fn resolve_vars(
        &self,
        opts: &Options,
        module: &Module,
        prompt: Prompt<'_>,
    ) -> Result<(std::collections::BTreeMap<String, Value>, Diagnostics, Vec<String>), EngineError> {
        let raw = vars::collect(&opts.dir, &opts.vars, &opts.env)?;
        let given = module
            .variables
            .values()
            .filter(|v| v.ephemeral && raw.contains_key(&v.name))
            .map(|v| v.name.clone())
            .collect();
        let (values, warnings) = vars::resolve_root(module, &raw, prompt)?;
        Ok((values, warnings, given))
    }

    /// One line when the state holds sensitive values in clear: how many, and how to encrypt.
    fn tell_about_secrets(&self, backend: &dyn Backend, prior: &State) {
        let n = state::file::sensitive_values(prior);
        if n == 0 {
            return;
        }
        if !backend.codec().encrypts() {
            self.ui.notice(&format!(
                "Note: the state holds {n} sensitive value(s) in clear. Set {} (or {}) and run `infinstor state rekey` to encrypt them at rest.",
                state::crypt::PASSPHRASE_ENV,
                state::crypt::KMS_KEY_ENV
            ));
        }
    }

    fn read_state(&self, backend: &dyn Backend) -> Result<State, EngineError> {
        Ok(backend.read()?.unwrap_or_default())
    }

    fn plan_locked(
        &self,
        opts: &Options,
        backend: &dyn Backend,
        prompt: Prompt<'_>,
    ) -> Result<(PlanOutcome, Module), EngineError> {
        let (module, mut warnings) = self.load(opts)?;
        // Warnings found before an error are reported with it, not lost.
        let mut pending = Diagnostics::default();
        let result = match self.plan_loaded(opts, backend, prompt, module, &mut warnings, &mut pending) {
            // Configuration was generated: plan again with it, as part of the configuration.
            Ok(None) => {
                let again = Options {
                    generate_config_out: None,
                    ..opts.clone()
                };
                let (module, w) = self.load(&again)?;
                warnings = w;
                self.plan_loaded(&again, backend, prompt, module, &mut warnings, &mut pending)
                    .and_then(|p| p.ok_or_else(|| EngineError::Invalid("configuration generated twice".into())))
            }
            Ok(Some(planned)) => Ok(planned),
            Err(e) => Err(e),
        };
        result.map_err(|e| match e {
            EngineError::Diagnostics(mut d) => {
                d.0.extend(warnings.0.into_iter().chain(pending.0));
                d.sort();
                EngineError::Diagnostics(d)
            }
            other => other,
        })
    }

    fn plan_loaded(
        &self,
        opts: &Options,
        backend: &dyn Backend,
        prompt: Prompt<'_>,
        module: Module,
        warnings: &mut Diagnostics,
        pending: &mut Diagnostics,
    ) -> Result<Option<(PlanOutcome, Module)>, EngineError> {
        self.check_backend(&module, opts)?;
        // Report variable problems and reference problems of one run together.
        let resolved = self.resolve_vars(opts, &module, prompt);
        let ((variables, w, ephemeral_given), graph) = match (resolved, graph::build(&module)) {
            (Ok(v), Ok(g)) => (v, g),
            (Ok((_, w, _)), Err(g)) => {
                pending.0.extend(w.0);
                return Err(g.into());
            }
            (Err(EngineError::Diagnostics(mut d)), Err(g)) => {
                d.0.extend(g.0);
                d.sort();
                return Err(d.into());
            }
            (Err(e), _) => return Err(e),
        };
        warnings.0.extend(w.0);
        let mut prior = self.read_state(backend)?;
        self.tell_about_secrets(backend, &prior);
        let (lineage, serial) = (prior.lineage().to_string(), prior.serial());
        let mut move_diags = Diagnostics::default();
        let moves = crate::plan::moved::apply(&module, &mut prior, &mut move_diags);
        if move_diags.has_errors() {
            return Err(move_diags.into());
        }
        warnings.0.extend(move_diags.0);
        let digest = config_digest(&module, &variables);
        let mode = WalkMode::Plan {
            refresh: opts.refresh,
            replace: parse_addrs(&opts.replace, "--replace")?,
            destroy: opts.destroy,
            targets: targets(&opts.targets, &module, &prior)?,
        };
        let root_vars = variables.clone();
        let session = Session::with_graph(&module, graph, self.factory, self.ui, variables, prior)
            .in_workspace(&self.workspace(opts)?);
        if opts.refresh || !module.imports.is_empty() {
            session.configure_providers(opts.parallelism, self.stop);
        }
        if let Some(out) = &opts.generate_config_out {
            let file = opts.dir.join(out);
            if crate::plan::generate::write_missing(&session, &module, &root_vars, &file)? > 0 {
                self.ui.notice(&format!(
                    "Wrote configuration for the import targets that had none to {}; review it, then commit it with the import blocks.",
                    file.display()
                ));
                return Ok(None);
            }
        }
        let imports = crate::plan::imports::import_all(&session, &module, &root_vars)?;
        if opts.refresh {
            let instances = session.prior_instances();
            let provider = |key: &str| session.walk.provider(key);
            let refreshed = refresh::read_all(&instances, &provider, self.factory, opts.parallelism, self.stop);
            session.use_refreshed(refreshed);
        }
        session.plan(&mode, opts.parallelism, self.stop)?;
        session.plan_orphans(opts.refresh, opts.destroy)?;
        // Warnings met while planning (a data source a check or a destroy could not read).
        warnings.0.extend(session.warnings());
        if !opts.destroy {
            warnings.0.extend(session.walk.check_blocks());
        }
        let (mut plan, _) = session.into_plan(lineage, serial, digest, opts.destroy);
        plan.ephemeral_variables = ephemeral_given;
        // An ephemeral variable left at its default is no secret (the configuration holds it):
        // the plan keeps and shows it, as Terraform's does.
        for (name, value) in &plan.ephemeral_values {
            if !plan.ephemeral_variables.contains(name) {
                plan.variables
                    .insert(name.clone(), value.without_marks(Marks::EPHEMERAL));
            }
        }
        plan.moves = moves;
        plan.imports = imports;
        if opts.refresh_only {
            // Nothing is proposed: every object keeps what refresh read, which apply records.
            plan.refresh_only = true;
            plan.changes = std::mem::take(&mut plan.changes)
                .into_iter()
                .filter(|c| c.before.is_some() && c.action != Action::DeleteDeposed)
                .map(|c| Change {
                    action: Action::NoOp,
                    after: c.before.clone(),
                    requires_replace: Vec::new(),
                    reason: None,
                    ..c
                })
                .collect();
        }
        if !opts.targets.is_empty() {
            let WalkMode::Plan { targets, .. } = &mode else {
                return Err(EngineError::Invalid("a plan walk was expected".into()));
            };
            plan.changes
                .retain(|c| c.action != Action::Delete || targets.iter().any(|t| t.contains(&c.addr)));
        }
        plan.warnings.extend(warnings.0.iter().map(|d| d.to_string()));
        plan.access = crate::review::access::review(&plan, self.factory);
        plan.configuration = crate::review::plan_json::configuration(&module);
        plan.relevant_attributes = crate::review::relevance::relevant_attributes(&module, &plan);
        let warnings = std::mem::take(warnings);
        Ok(Some((PlanOutcome { plan, warnings }, module)))
    }

    /// Makes a plan.
    pub fn plan(&self, opts: &Options, prompt: Prompt<'_>) -> Result<PlanOutcome, EngineError> {
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, if opts.destroy { "plan -destroy" } else { "plan" })?;
        Ok(self.plan_locked(opts, &*backend, prompt)?.0)
    }

    /// Plans, asks `confirm` (which shows the plan), and applies — all under one lock.
    pub fn plan_and_apply(
        &self,
        opts: &Options,
        prompt: Prompt<'_>,
        confirm: &dyn Fn(&Plan) -> bool,
    ) -> Result<Option<ApplyOutcome>, EngineError> {
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, if opts.destroy { "destroy" } else { "apply" })?;
        let (outcome, module) = self.plan_locked(opts, &*backend, prompt)?;
        if !confirm(&outcome.plan) {
            return Ok(None);
        }
        self.apply_locked(opts, &*backend, &module, &outcome.plan).map(Some)
    }

    /// Applies a saved plan, refusing if it is stale.
    pub fn apply_saved(&self, opts: &Options, plan: &Plan) -> Result<ApplyOutcome, EngineError> {
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, "apply")?;
        let (module, _) = self.load(opts)?;
        self.check_backend(&module, opts)?;
        let workspace = self.workspace(opts)?;
        if plan.workspace != workspace {
            return Err(EngineError::StalePlan(format!(
                "the plan was made in workspace \"{}\", and workspace \"{workspace}\" is selected",
                plan.workspace
            )));
        }
        let current = self.read_state(&*backend)?;
        if current.serial() != plan.serial || (current.lineage() != plan.lineage && current.serial() != 0) {
            return Err(EngineError::StalePlan(format!(
                "the plan was made from state serial {} (lineage {}), but the state is now serial {} (lineage {})",
                plan.serial,
                plan.lineage,
                current.serial(),
                current.lineage()
            )));
        }
        if config_digest(&module, &plan.variables) != plan.config_digest {
            return Err(EngineError::StalePlan(
                "the configuration files changed since the plan was made".into(),
            ));
        }
        // Only the ephemeral variables, which the plan does not hold, are given again.
        let fixed: Vec<&str> = opts
            .vars
            .cli
            .iter()
            .filter_map(|arg| arg.split_once('=').map(|(k, _)| k.trim()))
            .filter(|k| module.variables.get(*k).is_some_and(|v| !v.ephemeral))
            .collect();
        if let Some(name) = fixed.first() {
            return Err(Diagnostics::from(crate::core::diagnostic::Diagnostic::error(
                "Can't change variables when applying a saved plan",
                format!("--var sets \"{name}\", but a saved plan is applied with the values it was made with; only ephemeral variables are given again. Make a new plan with the new value."),
            ))
            .into());
        }
        if module.variables.values().any(|v| v.ephemeral) {
            let raw = vars::collect(&opts.dir, &opts.vars, &opts.env)?;
            let mut plan = plan.clone();
            plan.ephemeral_values = vars::resolve_ephemeral(&module, &raw, &plan.ephemeral_variables)?;
            return self.apply_locked(opts, &*backend, &module, &plan);
        }
        self.apply_locked(opts, &*backend, &module, plan)
    }

    fn apply_locked(
        &self,
        opts: &Options,
        backend: &dyn Backend,
        module: &Module,
        plan: &Plan,
    ) -> Result<ApplyOutcome, EngineError> {
        let current = self.read_state(backend)?;
        let store = Store::new(backend, current.clone(), opts.dir.join(ERRORED_STATE_FILE));
        let mut variables = plan.variables.clone();
        variables.extend(plan.ephemeral_values.clone());
        for (name, value) in variables.iter_mut() {
            if module.variables.get(name).is_some_and(|v| v.ephemeral) {
                *value = std::mem::take(value).mark_ephemeral();
            }
        }
        let session = Session::new(module, self.factory, self.ui, variables, current)?.in_workspace(&plan.workspace);
        let result = session.apply(plan, &store, opts.parallelism, self.stop);
        // Also when the apply stopped early (the journal holds its changes either way).
        store.finish();
        let after = store.snapshot();
        let counts = plan.counts();
        let warnings = result?.iter().map(|d| d.to_string()).collect();
        let outputs = after
            .outputs()
            .iter()
            .map(|(k, o)| (k.clone(), Value::from_json(&o.value).mark_if(o.sensitive)))
            .collect();
        Ok(ApplyOutcome {
            counts,
            outputs,
            warnings,
        })
    }

    /// Finds an existing object and records it in state under `addr`.
    pub fn import(&self, opts: &Options, addr: &str, id: &str, prompt: Prompt<'_>) -> Result<Value, EngineError> {
        let ia: InstanceAddr = addr
            .parse()
            .map_err(|e: crate::core::addr::AddrError| EngineError::Invalid(e.to_string()))?;
        let backend = self.backend(opts)?;
        let _lock = self.lock(&*backend, opts, "import")?;
        let (module, _) = self.load(opts)?;
        self.check_backend(&module, opts)?;
        let path = crate::config::tree::config_path(&ia.module);
        let res = crate::config::tree::module_at(&module, &path).and_then(|m| m.resources.get(&ia.resource)).ok_or_else(|| {
            EngineError::Invalid(format!(
                "{} is not in the configuration. Add a resource \"{}\" \"{}\" {{ ... }} block first, then import into it.",
                ia.resource_string(),
                ia.resource.type_,
                ia.resource.name
            ))
        })?;
        let mut current = self.read_state(&*backend)?;
        if current.instance(&ia).is_some() {
            return Err(EngineError::Invalid(format!("{ia} is already managed by infinstor; remove it first with `infinstor state rm {ia}` if you want to import a different object.")));
        }
        let (variables, _, _) = self.resolve_vars(opts, &module, prompt)?;
        let session = Session::new(&module, self.factory, self.ui, variables, current.clone())?
            .in_workspace(&self.workspace(opts)?);
        let provider = session.configured_provider(&res.provider, self.stop)?;
        let found = provider
            .import(ImportRequest {
                type_name: &ia.resource.type_,
                id,
            })
            .map_err(|e| EngineError::Invalid(format!("Importing {ia} failed: {}: {}", e.code, e.message)))?
            .ok_or_else(|| EngineError::Invalid(format!("Cannot import non-existent remote object: no {} with ID \"{id}\" was found. Check the ID format in the README's resource table.", ia.resource.type_)))?;
        let previous = current.clone();
        current.set_instance(
            &ia,
            crate::core::instance::to_instance_state(
                &res.provider,
                &found,
                &[],
                self.factory.resource_schema(&ia.resource.type_).as_ref(),
            ),
        );
        backend.write(&mut current, &previous)?;
        Ok(found)
    }

    /// The dependency graph in Graphviz DOT.
    pub fn graph_dot(&self, opts: &Options) -> Result<String, EngineError> {
        self.graph_text(opts, GraphType::Plan, false)
    }

    /// The configuration's graph of one kind, in DOT or (`svg`) drawn as SVG with the plan
    /// picture's layout.
    pub fn graph_text(&self, opts: &Options, kind: GraphType, svg: bool) -> Result<String, EngineError> {
        use crate::review::picture::{model, svg as draw};
        let (module, _) = self.load(opts)?;
        let g = graph::build(&module)?;
        let which = match kind {
            GraphType::Resources => model::GraphNodes::Resources,
            GraphType::Plan => model::GraphNodes::All,
            GraphType::PlanDestroy => model::GraphNodes::AllReversed,
        };
        Ok(match (svg, kind) {
            (true, _) => draw::svg(&model::of_graph(&g, which)),
            (false, GraphType::Resources) => graph::summary(&g),
            (false, GraphType::Plan) => graph::dot(&g),
            (false, GraphType::PlanDestroy) => graph::destroy_order(&g),
        })
    }
}

/// Which graph of the configuration `graph` prints (a plan's graph is drawn from the plan).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GraphType {
    /// The resources and their dependencies, one cluster per module (Terraform's default).
    Resources,
    /// Every node the plan walks: variables, locals, outputs, module calls, providers.
    Plan,
    /// The same nodes in the order a destroy takes them.
    PlanDestroy,
}

/// Writes a plan file (JSON) for `apply PLANFILE`; encrypted as a whole when a state key is
/// configured.
pub fn write_plan_file(opts: &Options, path: &std::path::Path, plan: &Plan) -> Result<(), EngineError> {
    let key = state::crypt::KeySource::from_env(&opts.env, false)?;
    Ok(plan.write_file(path, key.as_ref())?)
}

/// Reads a plan file written by [`write_plan_file`].
pub fn read_plan_file(opts: &Options, path: &std::path::Path) -> Result<Plan, EngineError> {
    let key = state::crypt::KeySource::from_env(&opts.env, false)?;
    Ok(Plan::read_file(path, key.as_ref())?)
}
