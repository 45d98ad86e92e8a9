//! Which backend holds the state, and the commands that set it up: `init` (with
//! `-backend-config`, `-migrate-state`, `-reconfigure`) and `workspace`.
//!
//! As in Terraform, `init` records the backend it set up in the directory (here
//! `.infinstor/backend.json`, with the `-backend-config` values merged in), every other command
//! uses that record and refuses to run while the configuration's backend block differs from it,
//! and the selected workspace is kept in `.infinstor/environment` (`TF_WORKSPACE` overrides it).

use super::{Engine, EngineError, Options};
use crate::config::backend::{self as backend_block, BackendBlock};
use crate::config::Module;
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use serde::{Deserialize, Serialize};
use state::backend::{S3Settings, DEFAULT_WORKSPACE};
use state::crypt::KeySource;
use state::{Backend, Location};
use std::path::PathBuf;

/// The folder of per-directory settings that `init` writes (Terraform's `.terraform/`).
pub const SETTINGS_DIR: &str = ".infinstor";
/// The local state file of the default workspace when `--state` does not name another.
pub const DEFAULT_STATE_FILE: &str = "infinstor.state.json";
/// Terraform's default state file, used when it is the only state here.
pub const TERRAFORM_STATE_FILE: &str = state::backend::local::TERRAFORM_STATE_FILE;
const BACKEND_FILE: &str = "backend.json";
const WORKSPACE_FILE: &str = "environment";

/// The backend `init` set up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct Initialized {
    #[serde(rename = "type")]
    kind: String,
    /// The block's settings with the `-backend-config` values merged in.
    config: serde_json::Map<String, serde_json::Value>,
    /// The digest of the configuration's block when `init` ran.
    block_digest: String,
}

/// How `init` treats the backend.
#[derive(Debug, Clone, Default)]
pub struct InitOptions {
    /// `-backend-config=KEY=VALUE` or `-backend-config=FILE`, in order; later ones win.
    pub backend_config: Vec<String>,
    /// Copy the existing state from the previous backend to the new one.
    pub migrate_state: bool,
    /// Use the new backend as it is, copying nothing.
    pub reconfigure: bool,
    /// Install the newest module versions the constraints allow, not the locked ones.
    pub upgrade: bool,
}

/// What `init` did.
#[derive(Debug, Clone, Default)]
pub struct InitReport {
    /// Module paths and sources, in tree order.
    pub modules: Vec<(String, String)>,
    /// Remote modules installed.
    pub installed: Vec<crate::install::Installed>,
    /// The backend type now in use (`local`, `s3`).
    pub backend: String,
    /// Where the selected workspace's state is (`s3://bucket/key`, `infinstor.state.json`).
    pub state: String,
    /// Each workspace's state copied: (workspace, from, to, serial).
    pub migrated: Vec<(String, String, String, u64)>,
}

fn settings_path(opts: &Options, file: &str) -> PathBuf {
    opts.dir.join(SETTINGS_DIR).join(file)
}

fn io_error(what: &str, path: &std::path::Path, e: impl std::fmt::Display) -> EngineError {
    EngineError::Invalid(format!("cannot {what} {}: {e}", path.display()))
}

fn read_initialized(opts: &Options) -> Result<Option<Initialized>, EngineError> {
    let path = settings_path(opts, BACKEND_FILE);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| io_error("read the backend settings (run `infinstor init` again) in", &path, e)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_error("read", &path, e)),
    }
}

fn write_settings(opts: &Options, file: &str, bytes: Option<Vec<u8>>) -> Result<(), EngineError> {
    let path = settings_path(opts, file);
    match bytes {
        None => match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(io_error("remove", &path, e)),
            _ => Ok(()),
        },
        Some(bytes) => {
            let dir = opts.dir.join(SETTINGS_DIR);
            std::fs::create_dir_all(&dir).map_err(|e| io_error("create", &dir, e))?;
            state::file::write_atomic(&path, &bytes)?;
            let _ = std::fs::remove_file(dir.join(format!("{file}.backup")));
            Ok(())
        }
    }
}

/// The local state file without `--state` or a `path`: infinstor's own, unless only Terraform
/// has kept state here (`terraform.tfstate`, or workspaces in `terraform.tfstate.d/`): then
/// Terraform's, so that infinstor in a Terraform directory plans against that deployment.
fn local_default(opts: &Options) -> PathBuf {
    if let Some(path) = &opts.state_path {
        return path.clone();
    }
    let ours = PathBuf::from(DEFAULT_STATE_FILE);
    let theirs = PathBuf::from(TERRAFORM_STATE_FILE);
    let kept = |default: &PathBuf| default.exists() || state::backend::local::workspaces_dir(default).exists();
    let terraform_only = !kept(&ours) && kept(&theirs);
    if terraform_only {
        theirs
    } else {
        ours
    }
}

/// The backend a type and its settings describe.
fn location_of(
    kind: &str,
    config: &serde_json::Map<String, serde_json::Value>,
    opts: &Options,
) -> Result<Location, state::backend::s3::SettingError> {
    match kind {
        "s3" => S3Settings::from_map(config).map(Location::S3),
        _ => Ok(Location::Local(match config.get("path").and_then(|p| p.as_str()) {
            Some(path) => opts.dir.join(path),
            None => local_default(opts),
        })),
    }
}

/// Merges `-backend-config` arguments into a block's settings.
fn merge_backend_config(
    settings: &mut serde_json::Map<String, serde_json::Value>,
    args: &[String],
    dir: &std::path::Path,
) -> Result<(), EngineError> {
    for arg in args {
        match arg.split_once('=') {
            Some((key, value)) if !key.is_empty() && !key.contains(['/', '\\']) => {
                settings.insert(key.trim().to_string(), backend_block::setting_value(value));
            }
            _ => {
                let path = dir.join(arg);
                for (k, v) in backend_block::settings_file(&path)? {
                    settings.insert(k, v);
                }
            }
        }
    }
    Ok(())
}

impl Engine<'_> {
    /// Where this directory's states are: the backend `init` set up, else local files.
    pub(crate) fn location(&self, opts: &Options) -> Result<Location, EngineError> {
        match read_initialized(opts)? {
            Some(init) => {
                if opts.state_path.is_some() && init.kind != "local" {
                    return Err(EngineError::Invalid(format!(
                        "--state names a local state file, but this directory keeps its state in the {} backend set up by `infinstor init`. Remove --state (use `infinstor state pull > FILE` for a copy).",
                        init.kind
                    )));
                }
                location_of(&init.kind, &init.config, opts).map_err(|e| {
                    EngineError::Invalid(format!(
                        "backend \"{}\": {}. Run `infinstor init` again.",
                        init.kind, e.message
                    ))
                })
            }
            None => Ok(Location::Local(local_default(opts))),
        }
    }

    /// The key that encrypts sensitive values at rest, from the environment.
    pub(crate) fn key(&self, opts: &Options) -> Result<Option<KeySource>, EngineError> {
        Ok(KeySource::from_env(&opts.env, false)?)
    }

    /// The selected workspace: `TF_WORKSPACE`, else what `workspace select` recorded.
    pub fn workspace(&self, opts: &Options) -> Result<String, EngineError> {
        if let Some((_, name)) = opts.env.iter().find(|(k, v)| k == "TF_WORKSPACE" && !v.is_empty()) {
            return Ok(name.clone());
        }
        // A directory Terraform manages records its selected workspace in .terraform/.
        for path in [
            settings_path(opts, WORKSPACE_FILE),
            opts.dir.join(".terraform").join(WORKSPACE_FILE),
        ] {
            match std::fs::read_to_string(&path) {
                Ok(text) if !text.trim().is_empty() => return Ok(text.trim().to_string()),
                Ok(_) => return Ok(DEFAULT_WORKSPACE.to_string()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(io_error("read", &path, e)),
            }
        }
        Ok(DEFAULT_WORKSPACE.to_string())
    }

    /// The selected workspace's backend; a workspace that does not exist is an error.
    pub(crate) fn backend(&self, opts: &Options) -> Result<Box<dyn Backend>, EngineError> {
        let location = self.location(opts)?;
        let workspace = self.workspace(opts)?;
        if workspace != DEFAULT_WORKSPACE && !location.workspaces()?.contains(&workspace) {
            return Err(EngineError::Invalid(format!(
                "The selected workspace \"{workspace}\" does not exist. Create it with `infinstor workspace new {workspace}`, or select another (`infinstor workspace list`)."
            )));
        }
        Ok(location.open(&workspace, self.key(opts)?)?)
    }

    /// The configuration's backend block must be the one `init` set up.
    pub(crate) fn check_backend(&self, module: &Module, opts: &Options) -> Result<(), EngineError> {
        let init = read_initialized(opts)?;
        match (&module.backend, &init) {
            (None, None) => Ok(()),
            (Some(block), Some(init)) if block.digest() == init.block_digest => Ok(()),
            (Some(block), init) => Err(Diagnostics(vec![Diagnostic::error(
                "Backend initialization required",
                format!(
                    "This backend \"{}\" block {} since `infinstor init` last ran in this directory. Run `infinstor init` (add -migrate-state to copy the existing state to it).",
                    block.kind,
                    if init.is_some() { "changed" } else { "is new" }
                ),
            )
            .at(block.span.clone())])
            .into()),
            (None, Some(init)) => Err(EngineError::Invalid(format!(
                "This directory's state is in the {} backend set up by `infinstor init`, but the configuration has no backend block any more. Run `infinstor init -migrate-state` to copy the state to the local file {}, or put the block back.",
                init.kind,
                local_default(opts).display()
            ))),
        }
    }

    /// Sets up the backend of the configuration's backend block (or local files without one),
    /// copying existing state over with `migrate_state`.
    pub fn init(&self, opts: &Options, init: &InitOptions) -> Result<InitReport, EngineError> {
        // Remote modules first: the configuration cannot be loaded without them.
        let installed = crate::install::install(&opts.dir, init.upgrade, &opts.env).map_err(|e| match e {
            crate::install::InstallError::Config(d) => EngineError::Diagnostics(d),
            crate::install::InstallError::Fetch(e) => EngineError::Invalid(format!("Installing modules failed: {e}")),
        })?;
        let (module, _) = self.load(opts)?;
        let mut report = InitReport {
            modules: module_sources(&module),
            installed,
            ..InitReport::default()
        };
        let wanted = match &module.backend {
            None if !init.backend_config.is_empty() => {
                return Err(EngineError::Invalid(
                    "-backend-config sets arguments of the configuration's backend block, and there is none. Add terraform { backend \"s3\" { } } first.".into(),
                ))
            }
            None => None,
            Some(block) => Some(initialized(block, init, opts)?),
        };
        let previous = self.location(opts)?;
        let next = match &wanted {
            Some(w) => location_of(&w.kind, &w.config, opts).map_err(|e| EngineError::Invalid(e.message))?,
            None => Location::Local(local_default(opts)),
        };
        report.backend = next.kind().to_string();
        // Reaching the backend now (a missing bucket, no access) beats failing at the first plan.
        next.workspaces()?;
        if next != previous && !init.reconfigure {
            report.migrated = self.migrate(&previous, &next, init.migrate_state, self.key(opts)?)?;
        }
        let bytes = wanted
            .as_ref()
            .map(|w| serde_json::to_vec_pretty(w).unwrap_or_default());
        write_settings(opts, BACKEND_FILE, bytes)?;
        report.state = next.open(&self.workspace(opts)?, self.key(opts)?)?.describe();
        Ok(report)
    }

    /// Copies every workspace's state from one backend to another, refusing to replace a
    /// different deployment's state or a newer one.
    fn migrate(
        &self,
        from: &Location,
        to: &Location,
        asked: bool,
        key: Option<KeySource>,
    ) -> Result<Vec<(String, String, String, u64)>, EngineError> {
        let mut found = Vec::new();
        for workspace in from.workspaces()? {
            let source = from.open(&workspace, key.clone())?;
            if let Some(st) = source.read()? {
                if st.serial() > 0 || !st.instances().is_empty() {
                    found.push((workspace, source, st));
                }
            }
        }
        if found.is_empty() {
            return Ok(Vec::new());
        }
        let first = found[0].1.describe();
        if !asked {
            return Err(EngineError::Invalid(format!(
                "The backend changed, and the state of this directory is still in {first}{}. Run `infinstor init -migrate-state` to copy it to the new backend, or `infinstor init -reconfigure` to use the new backend as it is (the old state stays where it is).",
                if found.len() > 1 { format!(" ({} workspaces)", found.len()) } else { String::new() }
            )));
        }
        let mut copied = Vec::new();
        for (workspace, source, st) in found {
            let _source_lock = source.lock("init -migrate-state")?;
            let dest = to.open(&workspace, key.clone())?;
            let _dest_lock = dest.lock("init -migrate-state")?;
            let existing = dest.read()?;
            if let Some(there) = &existing {
                if there.lineage() != st.lineage() && (there.serial() > 0 || !there.instances().is_empty()) {
                    return Err(EngineError::Invalid(format!(
                        "{} already holds the state of another deployment (lineage {}, this one is {}); copying would replace its record of its objects. Choose another key or path, or remove that state first.",
                        dest.describe(),
                        there.lineage(),
                        st.lineage()
                    )));
                }
                if there.lineage() == st.lineage() && there.serial() > st.serial() {
                    return Err(EngineError::Invalid(format!(
                        "{} holds a newer version of this state (serial {}, copying serial {}); nothing was copied. Use `infinstor init -reconfigure` to use it as it is.",
                        dest.describe(),
                        there.serial(),
                        st.serial()
                    )));
                }
            }
            let mut copy = st.clone();
            dest.write(&mut copy, &st.preceding())?;
            copied.push((workspace, source.describe(), dest.describe(), copy.serial()));
        }
        Ok(copied)
    }

    /// Every workspace, and the selected one.
    pub fn workspace_list(&self, opts: &Options) -> Result<(Vec<String>, String), EngineError> {
        Ok((self.location(opts)?.workspaces()?, self.workspace(opts)?))
    }

    /// Creates a workspace with an empty state and selects it.
    pub fn workspace_new(&self, opts: &Options, name: &str) -> Result<(), EngineError> {
        let location = self.location(opts)?;
        if location.workspaces()?.iter().any(|w| w == name) {
            return Err(EngineError::Invalid(format!(
                "Workspace \"{name}\" already exists. Select it with `infinstor workspace select {name}`."
            )));
        }
        let backend = location.open(name, self.key(opts)?)?;
        {
            let _lock = backend.lock("workspace new")?;
            let mut fresh = state::State::new();
            let before = fresh.clone();
            backend.write(&mut fresh, &before)?;
        }
        self.select(opts, name)
    }

    /// Selects an existing workspace (or creates it, with `or_create`).
    pub fn workspace_select(&self, opts: &Options, name: &str, or_create: bool) -> Result<(), EngineError> {
        let location = self.location(opts)?;
        if location.workspaces()?.iter().any(|w| w == name) {
            return self.select(opts, name);
        }
        if or_create {
            return self.workspace_new(opts, name);
        }
        Err(EngineError::Invalid(format!(
            "Workspace \"{name}\" does not exist. Create it with `infinstor workspace new {name}` (or `workspace select -or-create {name}`).{}",
            crate::core::diagnostic::suggestion(name, location.workspaces()?.iter().map(String::as_str))
        )))
    }

    fn select(&self, opts: &Options, name: &str) -> Result<(), EngineError> {
        if opts
            .env
            .iter()
            .any(|(k, v)| k == "TF_WORKSPACE" && !v.is_empty() && v != name)
        {
            return Err(EngineError::Invalid(
                "The workspace is chosen by the TF_WORKSPACE environment variable; unset it to select another.".into(),
            ));
        }
        let bytes = (name != DEFAULT_WORKSPACE).then(|| format!("{name}\n").into_bytes());
        write_settings(opts, WORKSPACE_FILE, bytes)
    }

    /// Deletes a workspace's state; refused for `default`, the selected workspace, and a
    /// workspace whose state still records objects (unless `force`).
    pub fn workspace_delete(&self, opts: &Options, name: &str, force: bool) -> Result<usize, EngineError> {
        if name == DEFAULT_WORKSPACE {
            return Err(EngineError::Invalid("The default workspace cannot be deleted.".into()));
        }
        if self.workspace(opts)? == name {
            return Err(EngineError::Invalid(format!(
                "Workspace \"{name}\" is selected; select another one first (`infinstor workspace select default`)."
            )));
        }
        let location = self.location(opts)?;
        if !location.workspaces()?.iter().any(|w| w == name) {
            return Err(EngineError::Invalid(format!("Workspace \"{name}\" does not exist.")));
        }
        let backend = location.open(name, self.key(opts)?)?;
        let _lock = backend.lock("workspace delete")?;
        let managed = backend.read()?.map(|s| s.instances().len()).unwrap_or(0);
        if managed > 0 && !force {
            return Err(EngineError::Invalid(format!(
                "Workspace \"{name}\" still records {managed} object(s) that exist in AWS; deleting it would leave them unmanaged. Select it and run `infinstor destroy` first, or add -force to forget them."
            )));
        }
        location.delete_workspace(name)?;
        Ok(managed)
    }
}

/// The backend record for a block and `init`'s `-backend-config` values, checked.
fn initialized(block: &BackendBlock, init: &InitOptions, opts: &Options) -> Result<Initialized, EngineError> {
    let mut config = block.settings.clone();
    merge_backend_config(&mut config, &init.backend_config, &opts.dir)?;
    if let Err(e) = location_of(&block.kind, &config, opts) {
        let from_flag = init.backend_config.iter().any(|a| {
            a.split_once('=')
                .is_some_and(|(k, _)| k.trim() == e.key.split('.').next().unwrap_or_default())
        });
        let mut detail = e.message.clone();
        if let Some(first) = detail.get(..1) {
            detail.replace_range(..1, &first.to_uppercase());
        }
        let diag = Diagnostic::error("Invalid backend configuration", format!("{detail}."));
        return Err(if from_flag {
            EngineError::Invalid(format!("-backend-config: {}", e.message))
        } else {
            Diagnostics(vec![diag.at(block.span_of(&e.key))]).into()
        });
    }
    Ok(Initialized {
        kind: block.kind.clone(),
        config,
        block_digest: block.digest(),
    })
}

/// The module calls of a configuration (path, source), in tree order.
fn module_sources(module: &Module) -> Vec<(String, String)> {
    fn walk(prefix: &str, m: &Module, out: &mut Vec<(String, String)>) {
        for (name, call) in &m.module_calls {
            let path = format!("{prefix}module.{name}");
            out.push((path.clone(), call.source.clone()));
            walk(&format!("{path}."), &call.module, out);
        }
    }
    let mut out = Vec::new();
    walk("", module, &mut out);
    out
}
