//! Where state bytes live: a [`Backend`] reads, writes and locks one workspace's state; a
//! [`Location`] is a configured backend (a local file, an S3 object) and knows its workspaces.

pub mod local;
pub mod remote;
pub mod s3;

use crate::codec::Codec;
use crate::crypt::KeySource;
use crate::error::StateError;
use crate::lock::LockGuard;
use crate::model::State;

pub use local::LocalBackend;
pub use s3::S3Settings;

/// The workspace every configuration has, which cannot be deleted.
pub const DEFAULT_WORKSPACE: &str = "default";

/// Where one workspace's state lives.
pub trait Backend: Send + Sync {
    /// Reads the state; `None` when there is none yet.
    fn read(&self) -> Result<Option<State>, StateError>;
    /// Writes the state if its content changed since `previous`; bumps the serial when it does.
    fn write(&self, state: &mut State, previous: &State) -> Result<(), StateError>;
    /// Writes the state as it is with the serial bumped, even if its content did not change
    /// (after the codec's key changed), and replaces the backup with it too: the previous
    /// version may hold values in clear or under the old key.
    fn rewrite(&self, state: &mut State) -> Result<(), StateError>;
    /// Takes the lock for an operation.
    fn lock(&self, operation: &str) -> Result<LockGuard, StateError>;
    /// Removes a lock left behind, if its ID matches and its holder is not still running on
    /// this host (`force`: even then).
    fn force_unlock(&self, id: &str, force: bool) -> Result<(), StateError>;
    /// Where the state is, for messages (`infinstor.state.json`, `s3://bucket/key`).
    fn describe(&self) -> String;
    /// How this backend's state files are encoded (and their sensitive values encrypted).
    fn codec(&self) -> &Codec;
    /// Records `edits`, made to the state last read or written (`lineage`, `serial`), by
    /// appending them to a journal, so a write costs as much as the change and not the whole
    /// state. `None`: this backend keeps no journal, or the state is not the one it last read
    /// or wrote; write the whole state instead.
    fn append(
        &self,
        lineage: &str,
        serial: u64,
        edits: &[crate::journal::Edit],
    ) -> Result<Option<Appended>, StateError> {
        let _ = (lineage, serial, edits);
        Ok(None)
    }
    /// Folds the journal, if there is one, into the state file (written whole, with `state`'s
    /// serial) and removes it.
    fn compact(&self, state: &State) -> Result<(), StateError> {
        let _ = state;
        Ok(())
    }
}

/// What [`Backend::append`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Appended {
    /// The state's serial now (the one after the state file's).
    pub serial: u64,
    /// The journal is larger than the state file: fold it in ([`Backend::compact`]) so that
    /// reading the state stays as cheap as the state.
    pub oversized: bool,
}

/// A configured backend: where every workspace's state lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Location {
    /// Local files: the default workspace's file, the others under `infinstor.state.d/`.
    Local(std::path::PathBuf),
    /// Objects in an S3 bucket.
    S3(S3Settings),
}

impl Location {
    /// The backend of one workspace, encrypting sensitive values with `key` when given.
    pub fn open(&self, workspace: &str, key: Option<KeySource>) -> Result<Box<dyn Backend>, StateError> {
        check_workspace_name(workspace)?;
        let codec = Codec::new(key);
        Ok(match self {
            Location::Local(path) => Box::new(LocalBackend::with_codec(local::workspace_path(path, workspace), codec)),
            Location::S3(settings) => remote::store()?.open(settings, workspace, codec)?,
        })
    }

    /// Every workspace that has a state, and `default` always, sorted.
    pub fn workspaces(&self) -> Result<Vec<String>, StateError> {
        let mut names = match self {
            Location::Local(path) => local::workspaces(path)?,
            Location::S3(settings) => remote::store()?.workspaces(settings)?,
        };
        names.push(DEFAULT_WORKSPACE.to_string());
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Deletes a workspace's state (the caller checked it is empty or was told to force).
    pub fn delete_workspace(&self, workspace: &str) -> Result<(), StateError> {
        check_workspace_name(workspace)?;
        match self {
            Location::Local(path) => local::delete_workspace(path, workspace),
            Location::S3(settings) => remote::store()?.delete_workspace(settings, workspace),
        }
    }

    /// The backend's type as a configuration names it.
    pub fn kind(&self) -> &'static str {
        match self {
            Location::Local(_) => "local",
            Location::S3(_) => "s3",
        }
    }
}

/// Workspace names become path segments and object keys: letters, digits, `-`, `_` and `.`.
fn check_workspace_name(name: &str) -> Result<(), StateError> {
    let ok = !name.is_empty()
        && name != "."
        && name != ".."
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if ok {
        Ok(())
    } else {
        Err(StateError::Config(format!(
            "\"{name}\" is not a valid workspace name: use letters, digits, '-', '_' and '.'"
        )))
    }
}

/// Decides whether `state` needs writing (its content differs from `previous`, or nothing is
/// stored yet) and, if so, bumps its serial past `previous`'s.
pub fn prepare_write(state: &mut State, previous: &State, stored: bool, location: &str) -> Result<bool, StateError> {
    let mut candidate = state.clone();
    candidate.serial = previous.serial;
    if candidate == *previous && stored {
        return Ok(false);
    }
    bump(state, previous, location)?;
    Ok(true)
}

/// Sets `state`'s serial to the one after `previous`'s.
pub fn bump(state: &mut State, previous: &State, location: &str) -> Result<(), StateError> {
    state.serial = previous.serial.checked_add(1).ok_or_else(|| StateError::Invalid {
        path: location.into(),
        message: format!("its serial {} cannot grow any further", previous.serial),
    })?;
    Ok(())
}
