//! `init`'s module installation: every module call with a git or registry source, at any
//! depth, is fetched into `.infinstor/modules/<key>`, and the exact version and commit are
//! recorded in `infinstor.lock.json`. A later `init` installs what the lock file says (so
//! every machine gets the same code) unless the source or constraint changed, or `-upgrade`
//! asks for the newest allowed versions. Nothing else ever downloads.

mod git;
mod registry;
pub mod version;

use crate::config::sources::{self, Call, Lock, Locked, Source};
use std::path::Path;

/// What `init` did for one module call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Installed {
    /// `module.dr.module.network`.
    pub path: String,
    /// The source.
    pub source: String,
    /// The version (registry) or ref, and the commit.
    pub detail: String,
    /// Fetched now (false: what the lock file names was already there).
    pub fetched: bool,
}

/// Why installing modules failed.
#[derive(Debug)]
pub enum InstallError {
    /// A configuration file could not be read (reported at its place).
    Config(crate::core::diagnostic::Diagnostics),
    /// Fetching a module failed.
    Fetch(String),
}

impl From<String> for InstallError {
    fn from(message: String) -> InstallError {
        InstallError::Fetch(message)
    }
}

/// Installs the remote modules of the configuration in `root`, recursively.
pub fn install(root: &Path, upgrade: bool, env: &[(String, String)]) -> Result<Vec<Installed>, InstallError> {
    let old = Lock::read(root)?;
    let mut new = Lock::default();
    let mut report = Vec::new();
    walk(root, root, &[], &old, &mut new, upgrade, env, &mut report)?;
    // A configuration without remote modules gets no lock file; one that had some keeps it.
    if !new.modules.is_empty() || root.join(sources::LOCK_FILE).exists() {
        new.write(root)?;
    }
    // Modules no call uses any more.
    if let Ok(entries) = std::fs::read_dir(root.join(sources::MODULES_DIR)) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().to_string();
            if !new.modules.contains_key(&name) {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    Ok(report)
}

#[allow(clippy::too_many_arguments)]
fn walk(
    root: &Path,
    dir: &Path,
    key: &[String],
    old: &Lock,
    new: &mut Lock,
    upgrade: bool,
    env: &[(String, String)],
    report: &mut Vec<Installed>,
) -> Result<(), InstallError> {
    if key.len() > 32 {
        return Err(InstallError::Fetch(
            "modules call each other more than 32 levels deep".into(),
        ));
    }
    let calls = sources::calls_in(dir).map_err(InstallError::Config)?;
    for Call { name, source, version } in calls {
        let mut child_key = key.to_vec();
        child_key.push(name);
        let key_text = child_key.join(".");
        let path = child_key
            .iter()
            .map(|k| format!("module.{k}"))
            .collect::<Vec<_>>()
            .join(".");
        // An unreadable source is reported, at its place, by the loader.
        let Ok(parsed) = Source::parse(&source) else { continue };
        let child_dir = match &parsed {
            Source::Local(p) => dir.join(p),
            remote => {
                let dest = sources::install_dir(root, &key_text);
                let previous = old
                    .modules
                    .get(&key_text)
                    .filter(|l| l.source == source && l.constraint == version);
                let (locked, fetched) = fetch(remote, &source, version.as_deref(), previous, upgrade, &dest, env)
                    .map_err(|e| format!("{path} ({source}): {e}"))?;
                report.push(Installed {
                    path,
                    source: source.clone(),
                    detail: match &locked.version {
                        Some(v) => format!("{v}, commit {}", short(&locked.commit)),
                        None => format!("commit {}", short(&locked.commit)),
                    },
                    fetched,
                });
                new.modules.insert(key_text.clone(), locked);
                match remote.subdir() {
                    Some(sub) => dest.join(sub),
                    None => dest,
                }
            }
        };
        walk(root, &child_dir, &child_key, old, new, upgrade, env, report)?;
    }
    Ok(())
}

fn short(commit: &str) -> &str {
    commit.get(..12).unwrap_or(commit)
}

/// Fetches one remote module (or keeps what the lock file names and is installed); returns
/// its lock entry and whether anything was fetched.
fn fetch(
    source: &Source,
    text: &str,
    constraint: Option<&str>,
    previous: Option<&Locked>,
    upgrade: bool,
    dest: &Path,
    env: &[(String, String)],
) -> Result<(Locked, bool), String> {
    let head = |dir: &Path| {
        std::process::Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["rev-parse", "HEAD"])
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
    };
    if let (Some(p), false) = (previous, upgrade) {
        if head(dest).as_deref() == Some(p.commit.as_str()) {
            return Ok((p.clone(), false));
        }
    }
    let locked = match source {
        Source::Git { url, reference, .. } => {
            // The lock's commit, unless the source changed or -upgrade asks for the ref again.
            let at = match (previous, upgrade) {
                (Some(p), false) => Some(p.commit.clone()),
                _ => reference.clone(),
            };
            let commit = git::fetch(url, at.as_deref(), dest)?;
            Locked {
                source: text.to_string(),
                constraint: None,
                version: None,
                fetched_from: url.clone(),
                commit,
            }
        }
        Source::Registry {
            host,
            namespace,
            name,
            provider,
            ..
        } => {
            let address = registry::Address {
                host,
                namespace,
                name,
                provider,
            };
            let chosen = match (previous.and_then(|p| p.version.clone()), upgrade) {
                (Some(v), false) => v,
                _ => {
                    let all = address.versions(env)?;
                    version::highest(all.iter().map(String::as_str), constraint)?.ok_or_else(|| {
                        format!(
                            "no version of the module matches \"{}\" (it has {})",
                            constraint.unwrap_or("any"),
                            if all.is_empty() {
                                "none".to_string()
                            } else {
                                all.join(", ")
                            }
                        )
                    })?
                }
            };
            let location = address.download(&chosen, env)?;
            let (url, reference) = match Source::parse(&location) {
                Ok(Source::Git { url, reference, subdir: None }) => (url, reference),
                Ok(Source::Git { subdir: Some(sub), .. }) => {
                    return Err(format!(
                        "version {chosen} is downloaded from a subdirectory ({sub}) of a repository, which is not supported yet"
                    ))
                }
                _ => {
                    return Err(format!(
                        "version {chosen} is downloaded from {location}, which is not a git source; only registries that point to git repositories are supported yet"
                    ))
                }
            };
            // The locked commit: a tag that moved does not change what is installed.
            let at = match (previous, upgrade) {
                (Some(p), false) => Some(p.commit.clone()),
                _ => reference,
            };
            let commit = git::fetch(&url, at.as_deref(), dest)?;
            Locked {
                source: text.to_string(),
                constraint: constraint.map(str::to_string),
                version: Some(chosen),
                fetched_from: location,
                commit,
            }
        }
        Source::Local(_) => return Err("a local path is not fetched".into()),
    };
    Ok((locked, true))
}
