//! What goes into an archive, in the order the archive provider writes it: one content entry,
//! several (sorted by name), one file, or a directory walked in name order with its excludes,
//! following symbolic links.

use engine::core::provider::ProviderError;
use std::path::{Path, PathBuf};

/// One entry of the archive.
pub(super) enum Entry {
    /// Text from the configuration, written as Go's `zip.Writer.Create` does.
    Content { name: String, content: Vec<u8> },
    /// A file from disk, with its Unix permission bits (or `output_file_mode`'s).
    File { name: String, content: Vec<u8>, mode: u32 },
}

fn failed(message: impl Into<String>) -> ProviderError {
    ProviderError::new("ArchiveCreationError", message)
}

#[cfg(unix)]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}

#[cfg(not(unix))]
fn mode_of(meta: &std::fs::Metadata) -> u32 {
    if meta.permissions().readonly() {
        0o444
    } else {
        0o666
    }
}

/// A file's entry, named `name`.
pub(super) fn file(path: &Path, name: &str, mode: Option<u32>) -> Result<Entry, ProviderError> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => failed(format!("could not archive missing file: {}", path.display())),
        _ => failed(format!("cannot read {}: {e}", path.display())),
    })?;
    let content = std::fs::read(path).map_err(|e| failed(format!("cannot read {}: {e}", path.display())))?;
    Ok(Entry::File {
        name: name.to_string(),
        content,
        mode: mode.unwrap_or_else(|| mode_of(&meta)),
    })
}

/// A compiled `excludes` list: glob patterns over paths relative to the directory, `**`
/// spanning folders.
pub(super) struct Excludes(Vec<glob::Pattern>);

impl Excludes {
    pub(super) fn new(patterns: &[String]) -> Result<Excludes, ProviderError> {
        patterns
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| {
                if p.contains('{') {
                    return Err(failed(format!(
                        "exclude pattern {p:?}: alternatives in braces ({{a,b}}) are not supported yet; list each alternative as its own pattern"
                    )));
                }
                glob::Pattern::new(p).map_err(|e| failed(format!("exclude pattern {p:?}: {e}")))
            })
            .collect::<Result<_, _>>()
            .map(Excludes)
    }

    fn matches(&self, relative: &str) -> bool {
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        self.0.iter().any(|p| p.matches_with(relative, options))
    }
}

/// The files under `dir`, walked as Go's `filepath.Walk` walks (each folder's entries in name
/// order, depth first), less the excluded; a linked folder is walked where the link is unless
/// `skip_linked_dirs`.
pub(super) fn directory(
    dir: &Path,
    excludes: &Excludes,
    skip_linked_dirs: bool,
    mode: Option<u32>,
) -> Result<Vec<Entry>, ProviderError> {
    match std::fs::metadata(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(failed(format!(
                "could not archive missing directory: {}",
                dir.display()
            )))
        }
        Err(e) => return Err(failed(format!("cannot read {}: {e}", dir.display()))),
        Ok(m) if !m.is_dir() => {
            return Err(failed(format!(
                "could not archive directory that is a file: {}",
                dir.display()
            )))
        }
        Ok(_) => {}
    }
    let mut out = Vec::new();
    walk(dir, "", excludes, skip_linked_dirs, mode, &mut out)?;
    if out.is_empty() {
        return Err(failed("archive has not been created as it would be empty"));
    }
    Ok(out)
}

fn walk(
    dir: &Path,
    prefix: &str,
    excludes: &Excludes,
    skip_linked_dirs: bool,
    mode: Option<u32>,
    out: &mut Vec<Entry>,
) -> Result<(), ProviderError> {
    let mut names: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| failed(format!("error encountered during file walk: {e}")))?
        .filter_map(|e| e.ok())
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .collect();
    names.sort();
    for (name, path) in names {
        let relative = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}/{name}")
        };
        let link =
            std::fs::symlink_metadata(&path).map_err(|e| failed(format!("error encountered during file walk: {e}")))?;
        let excluded = excludes.matches(&relative);
        if link.file_type().is_symlink() {
            if excluded {
                continue;
            }
            let target = std::fs::metadata(&path).map_err(|e| failed(format!("{}: {e}", path.display())))?;
            if target.is_dir() {
                if !skip_linked_dirs {
                    let real = std::fs::canonicalize(&path).map_err(|e| failed(format!("{}: {e}", path.display())))?;
                    walk(&real, &relative, excludes, skip_linked_dirs, mode, out)?;
                }
                continue;
            }
            out.push(file(&path, &relative, mode)?);
        } else if link.is_dir() {
            if !excluded {
                walk(&path, &relative, excludes, skip_linked_dirs, mode, out)?;
            }
        } else if !excluded {
            out.push(file(&path, &relative, mode)?);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_is_walked_in_name_order_without_what_is_excluded() {
        let dir = std::env::temp_dir().join(format!("infinstor-archive-walk-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in [("b.txt", "b"), ("a/z.txt", "z"), ("a/y.log", "y"), ("c/skip.txt", "s")] {
            let p = dir.join(path);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
            std::fs::write(p, text).expect("write");
        }
        let excludes = Excludes::new(&["**/*.log".to_string(), "c".to_string()]).expect("patterns");
        let names: Vec<String> = directory(&dir, &excludes, false, None)
            .expect("walk")
            .into_iter()
            .map(|e| match e {
                Entry::File { name, .. } | Entry::Content { name, .. } => name,
            })
            .collect();
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(names, ["a/z.txt", "b.txt"]);
    }
}
