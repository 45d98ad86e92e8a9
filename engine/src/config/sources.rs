//! Where a module call's code comes from, as Terraform writes module sources, and the lock
//! file that records what `init` installed.
//!
//! Local paths (`./x`, `../x`) are read in place. Git sources (`git::https://...//dir?ref=v1`,
//! `git::ssh://...`, `git@host:org/repo.git`, the `github.com/org/repo` shorthand) and registry
//! addresses (`[host/]namespace/name/provider` with a `version` constraint) are fetched by
//! `infinstor init` into `.infinstor/modules/<key>` and recorded in `infinstor.lock.json`
//! with the exact version and commit; `plan` and every other command only read them there.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The lock file, in the root module's directory (commit it, so every run gets the same code).
pub const LOCK_FILE: &str = "infinstor.lock.json";
/// Where `init` puts fetched modules, under the root module's directory.
pub const MODULES_DIR: &str = ".infinstor/modules";
/// The registry of addresses without a host.
pub const DEFAULT_REGISTRY: &str = "registry.terraform.io";

/// A module source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A directory relative to the calling module, or an absolute path.
    Local(String),
    /// A git repository.
    Git {
        /// What `git clone` is given.
        url: String,
        /// A directory inside the repository (after `//`).
        subdir: Option<String>,
        /// `?ref=`: a tag, branch or commit.
        reference: Option<String>,
    },
    /// A module registry address.
    Registry {
        /// The registry's host name.
        host: String,
        /// The namespace (organisation).
        namespace: String,
        /// The module name.
        name: String,
        /// The target system (`aws`).
        provider: String,
        /// A directory inside the module package (after `//`).
        subdir: Option<String>,
    },
}

/// Splits `rest//subdir` at the `//` that is not part of `scheme://`.
fn split_subdir(text: &str) -> (String, Option<String>) {
    let start = text.find("://").map(|i| i + 3).unwrap_or(0);
    match text[start..].find("//") {
        Some(i) => {
            let at = start + i;
            let sub = text[at + 2..].trim_matches('/').to_string();
            (text[..at].to_string(), (!sub.is_empty()).then_some(sub))
        }
        None => (text.to_string(), None),
    }
}

/// Splits off `?ref=...`; other query arguments are not supported.
fn split_ref(text: &str) -> Result<(String, Option<String>), String> {
    let Some((base, query)) = text.split_once('?') else {
        return Ok((text.to_string(), None));
    };
    let mut reference = None;
    for pair in query.split('&') {
        match pair.split_once('=') {
            Some(("ref", v)) if !v.is_empty() => reference = Some(v.to_string()),
            _ => {
                return Err(format!(
                    "the query argument \"{pair}\" is not supported; a git source takes ?ref=TAG_BRANCH_OR_COMMIT only"
                ))
            }
        }
    }
    Ok((base.to_string(), reference))
}

fn segment_ok(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

impl Source {
    /// Reads a `source` argument.
    pub fn parse(text: &str) -> Result<Source, String> {
        // An absolute path is a directory too (cdktf writes them); Terraform copies it at
        // init, here it is read where it is, as a relative one is.
        if text.starts_with("./") || text.starts_with("../") || text.starts_with('/') {
            return Ok(Source::Local(text.to_string()));
        }
        for (prefix, what) in [
            ("s3::", "S3 buckets"),
            ("gcs::", "GCS buckets"),
            ("hg::", "Mercurial"),
            ("bitbucket.org/", "Bitbucket"),
        ] {
            if text.starts_with(prefix) {
                return Err(format!(
                    "modules from {what} are not supported yet; use a git source (git::https://...) or a registry address"
                ));
            }
        }
        let git = |rest: &str, url_of: &dyn Fn(&str) -> String| -> Result<Source, String> {
            let (rest, reference) = split_ref(rest)?;
            let (base, subdir) = split_subdir(&rest);
            if base.is_empty() {
                return Err("the git source names no repository".into());
            }
            Ok(Source::Git {
                url: url_of(&base),
                subdir,
                reference,
            })
        };
        if let Some(rest) = text.strip_prefix("git::") {
            return git(rest, &|b| b.to_string());
        }
        if text.starts_with("git@") {
            return git(text, &|b| b.to_string());
        }
        if let Some(rest) = text.strip_prefix("github.com/") {
            return git(rest, &|b| {
                format!("https://github.com/{}.git", b.trim_end_matches(".git"))
            });
        }
        if text.contains("://") {
            return Err(
                "archives and other URLs are not supported yet; use git::URL for a git repository, or a registry address"
                    .into(),
            );
        }
        let (address, subdir) = split_subdir(text);
        let parts: Vec<&str> = address.split('/').collect();
        let (host, rest) = match parts.len() {
            3 => (DEFAULT_REGISTRY.to_string(), &parts[..]),
            4 if parts[0].contains('.') || parts[0].contains(':') => (parts[0].to_ascii_lowercase(), &parts[1..]),
            _ => {
                return Err(format!(
                    "\"{text}\" is neither a local path (./dir), a git source (git::https://...), nor a registry address (namespace/name/provider)"
                ))
            }
        };
        if !rest.iter().all(|s| segment_ok(s)) {
            return Err(format!(
                "\"{text}\" is not a valid registry address (namespace/name/provider)"
            ));
        }
        Ok(Source::Registry {
            host,
            namespace: rest[0].to_string(),
            name: rest[1].to_string(),
            provider: rest[2].to_string(),
            subdir,
        })
    }

    /// Whether `init` must fetch it.
    pub fn is_remote(&self) -> bool {
        !matches!(self, Source::Local(_))
    }

    /// A directory inside the fetched package.
    pub fn subdir(&self) -> Option<&str> {
        match self {
            Source::Git { subdir, .. } | Source::Registry { subdir, .. } => subdir.as_deref(),
            Source::Local(_) => None,
        }
    }
}

/// One installed module in the lock file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Locked {
    /// The `source` it was installed for.
    pub source: String,
    /// The `version` constraint it was installed for (registry modules).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub constraint: Option<String>,
    /// The registry version chosen.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Where the code came from (the git URL a registry pointed to).
    pub fetched_from: String,
    /// The git commit installed.
    pub commit: String,
}

/// `infinstor.lock.json`: every remote module call by key (`dr`, `dr.network`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Lock {
    /// Installed modules by key.
    #[serde(default)]
    pub modules: BTreeMap<String, Locked>,
}

impl Lock {
    /// Reads the lock file of a root directory (empty when there is none).
    pub fn read(root: &Path) -> Result<Lock, String> {
        match std::fs::read(root.join(LOCK_FILE)) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|e| format!("{LOCK_FILE} is not valid: {e}")),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Lock::default()),
            Err(e) => Err(format!("cannot read {LOCK_FILE}: {e}")),
        }
    }

    /// Writes the lock file.
    pub fn write(&self, root: &Path) -> Result<(), String> {
        let mut bytes = serde_json::to_vec_pretty(self).map_err(|e| e.to_string())?;
        bytes.push(b'\n');
        std::fs::write(root.join(LOCK_FILE), bytes).map_err(|e| format!("cannot write {LOCK_FILE}: {e}"))
    }
}

/// The directory a module with this key is installed in.
pub fn install_dir(root: &Path, key: &str) -> PathBuf {
    root.join(MODULES_DIR).join(key)
}

/// A module call as `init` needs it: name, `source`, `version`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    /// The call's name.
    pub name: String,
    /// The `source` as written.
    pub source: String,
    /// The `version` constraint, if any.
    pub version: Option<String>,
}

/// The module calls of the `.tf` files in `dir`, read without loading the modules they call
/// (which may not be installed yet). Calls whose source is not a literal are left to the loader
/// to report.
pub fn calls_in(dir: &Path) -> Result<Vec<Call>, crate::core::diagnostic::Diagnostics> {
    let mut diags = crate::core::diagnostic::Diagnostics::default();
    let (_, bodies) = super::files::read_dir(dir, &mut diags).unwrap_or_default();
    if diags.has_errors() {
        return Err(diags);
    }
    let mut calls = Vec::new();
    for body in bodies {
        for block in body.blocks.iter().filter(|b| b.kind == "module" && b.labels.len() == 1) {
            let text = |name: &str| {
                block
                    .body
                    .attrs
                    .get(name)
                    .and_then(|a| a.expr.expr.as_str())
                    .map(str::to_string)
            };
            if let Some(source) = text("source") {
                calls.push(Call {
                    name: block.labels[0].clone(),
                    source,
                    version: text("version"),
                });
            }
        }
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_read_as_terraform_documents_them() {
        assert_eq!(Source::parse("./m"), Ok(Source::Local("./m".into())));
        assert_eq!(Source::parse("/abs/m"), Ok(Source::Local("/abs/m".into())));
        assert_eq!(
            Source::parse("git::https://example.com/infra.git//modules/vpc?ref=v1.2.0"),
            Ok(Source::Git {
                url: "https://example.com/infra.git".into(),
                subdir: Some("modules/vpc".into()),
                reference: Some("v1.2.0".into()),
            })
        );
        assert_eq!(
            Source::parse("github.com/acme/infra//dns?ref=main"),
            Ok(Source::Git {
                url: "https://github.com/acme/infra.git".into(),
                subdir: Some("dns".into()),
                reference: Some("main".into()),
            })
        );
        assert_eq!(
            Source::parse("git@github.com:acme/infra.git"),
            Ok(Source::Git {
                url: "git@github.com:acme/infra.git".into(),
                subdir: None,
                reference: None,
            })
        );
        assert_eq!(
            Source::parse("terraform-aws-modules/s3-bucket/aws//modules/notification"),
            Ok(Source::Registry {
                host: DEFAULT_REGISTRY.into(),
                namespace: "terraform-aws-modules".into(),
                name: "s3-bucket".into(),
                provider: "aws".into(),
                subdir: Some("modules/notification".into()),
            })
        );
        assert!(matches!(
            Source::parse("app.terraform.io/acme/vpc/aws"),
            Ok(Source::Registry { host, .. }) if host == "app.terraform.io"
        ));
        assert!(Source::parse("s3::https://s3.amazonaws.com/b/m.zip").is_err());
        assert!(Source::parse("https://example.com/m.zip").is_err());
        assert!(Source::parse("modules/dns").is_err());
        assert!(Source::parse("git::https://e.com/r.git?depth=1").is_err());
    }
}
