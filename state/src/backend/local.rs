//! State in local files: `infinstor.state.json` (or `--state PATH`) for the default workspace,
//! `infinstor.state.d/NAME/infinstor.state.json` for the others, each with a `.backup` and a
//! `.lock` beside it.

use super::{bump, prepare_write, Backend, DEFAULT_WORKSPACE};
use crate::codec::Codec;
use crate::{file, lock, LockGuard, State, StateError};
use std::path::{Path, PathBuf};

/// The folder, beside the default workspace's file, that holds the other workspaces.
const WORKSPACES_DIR: &str = "infinstor.state.d";

/// State in a local JSON file, with `<file>.backup` and `<file>.lock`.
#[derive(Debug)]
pub struct LocalBackend {
    path: PathBuf,
    codec: Codec,
}

impl LocalBackend {
    /// A backend for the given file path, sensitive values in clear.
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend::with_codec(path, Codec::default())
    }

    /// A backend for the given file path, encoding with `codec`.
    pub fn with_codec(path: impl Into<PathBuf>, codec: Codec) -> LocalBackend {
        LocalBackend {
            path: path.into(),
            codec,
        }
    }

    /// The state file path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn lock_path(&self) -> PathBuf {
        let mut p = self.path.as_os_str().to_owned();
        p.push(".lock");
        PathBuf::from(p)
    }

    /// Creates the folder of the state file (a workspace's folder) when it is missing.
    fn ensure_dir(&self) -> Result<(), StateError> {
        match self.path.parent().filter(|d| !d.as_os_str().is_empty() && !d.exists()) {
            Some(dir) => std::fs::create_dir_all(dir).map_err(|source| StateError::Io {
                action: "create the folder of",
                path: self.path.clone(),
                source,
            }),
            None => Ok(()),
        }
    }

    fn store(&self, state: &State) -> Result<(), StateError> {
        self.ensure_dir()?;
        file::write_atomic(&self.path, &self.codec.encode(state)?)
    }
}

impl Backend for LocalBackend {
    fn read(&self) -> Result<Option<State>, StateError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => self.codec.decode(&bytes, &self.describe()).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Io {
                action: "read",
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn write(&self, state: &mut State, previous: &State) -> Result<(), StateError> {
        if !prepare_write(state, previous, self.path.exists(), &self.describe())? {
            return Ok(());
        }
        self.store(state)
    }

    fn rewrite(&self, state: &mut State) -> Result<(), StateError> {
        let previous = state.clone();
        bump(state, &previous, &self.describe())?;
        // Twice: the first write's backup is the old bytes, the second's the new ones.
        self.store(state)?;
        self.store(state)
    }

    fn lock(&self, operation: &str) -> Result<LockGuard, StateError> {
        self.ensure_dir()?;
        lock::acquire(&self.lock_path(), operation)
    }

    fn force_unlock(&self, id: &str, force: bool) -> Result<(), StateError> {
        lock::force_unlock(&self.lock_path(), id, force)
    }

    fn describe(&self) -> String {
        self.path.display().to_string()
    }

    fn codec(&self) -> &Codec {
        &self.codec
    }
}

/// The state file of `workspace`, given the default workspace's file.
pub(super) fn workspace_path(default: &Path, workspace: &str) -> PathBuf {
    if workspace == DEFAULT_WORKSPACE {
        return default.to_path_buf();
    }
    let file_name = default
        .file_name()
        .map(|n| n.to_os_string())
        .unwrap_or_else(|| "infinstor.state.json".into());
    dir_of(default).join(WORKSPACES_DIR).join(workspace).join(file_name)
}

fn dir_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// The workspaces other than `default` that have a folder.
pub(super) fn workspaces(default: &Path) -> Result<Vec<String>, StateError> {
    let dir = dir_of(default).join(WORKSPACES_DIR);
    let entries = match std::fs::read_dir(&dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(StateError::Io {
                action: "list the workspaces in",
                path: dir,
                source,
            })
        }
    };
    Ok(entries
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect())
}

/// Removes a workspace's folder with its state, backup and lock.
pub(super) fn delete_workspace(default: &Path, workspace: &str) -> Result<(), StateError> {
    let path = workspace_path(default, workspace);
    let dir = dir_of(&path);
    match std::fs::remove_dir_all(&dir) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(source) => Err(StateError::Io {
            action: "remove the workspace folder",
            path: dir,
            source,
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::InstanceState;

    #[test]
    fn serial_bumps_only_on_change() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut s = State::new();
        let prev = s.clone();
        backend.write(&mut s, &prev).expect("write");
        assert_eq!(s.serial(), 1);
        let prev = s.clone();
        backend.write(&mut s, &prev).expect("write");
        assert_eq!(s.serial(), 1, "unchanged content keeps the serial");
        s.set_instance(
            &"a.b".parse().expect("address"),
            InstanceState::new("aws", serde_json::json!({"id": "x"})),
        );
        backend.write(&mut s, &prev).expect("write");
        assert_eq!(s.serial(), 2);
        let read = backend.read().expect("read").expect("exists");
        assert_eq!(read, s);
        assert!(dir.path().join("s.json.backup").exists());
    }

    #[test]
    fn a_serial_that_cannot_grow_is_an_error_not_a_wrap() {
        let dir = tempfile::tempdir().expect("tempdir");
        let backend = LocalBackend::new(dir.path().join("s.json"));
        let mut prev = State::new();
        prev.serial = u64::MAX;
        let mut s = prev.clone();
        s.set_instance(
            &"a.b".parse().expect("address"),
            InstanceState::new("aws", serde_json::json!({"id": "x"})),
        );
        let err = backend.write(&mut s, &prev).expect_err("no wrap").to_string();
        assert!(err.contains("cannot grow"), "{err}");
        assert!(!dir.path().join("s.json").exists(), "nothing written");
    }

    #[test]
    fn workspaces_live_beside_the_default_file() {
        let dir = tempfile::tempdir().expect("tempdir");
        let default = dir.path().join("infinstor.state.json");
        assert_eq!(workspaces(&default).expect("list"), Vec::<String>::new());
        let staging = LocalBackend::new(workspace_path(&default, "staging"));
        let mut s = State::new();
        staging.write(&mut s, &State::new()).expect("write");
        assert!(dir
            .path()
            .join("infinstor.state.d/staging/infinstor.state.json")
            .exists());
        assert_eq!(workspaces(&default).expect("list"), vec!["staging".to_string()]);
        delete_workspace(&default, "staging").expect("delete");
        assert_eq!(workspaces(&default).expect("list"), Vec::<String>::new());
        assert_eq!(workspace_path(&default, "default"), default);
    }
}
