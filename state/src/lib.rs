//! State: what infinstor last knew about the objects it manages.
//!
//! [`State`] is the model, changed only through its methods. Its file format (`format_version`,
//! `serial`, `lineage`, `resources[].instances[]`, `outputs`, plus the create `intents` that make
//! an interrupted apply recoverable) lives in [`file`]. Where the bytes live is a [`Backend`]: a
//! local file written atomically, with a lock naming its holder.
//!
//! ```
//! use state::{State, InstanceState};
//! let mut s = State::new();
//! s.set_instance(
//!     "aws_s3_bucket.artifacts",
//!     InstanceState::new("aws", serde_json::json!({"id": "b", "bucket": "b"})),
//! );
//! assert_eq!(s.instance("aws_s3_bucket.artifacts").map(|i| i.attributes["id"].clone()),
//!            Some(serde_json::json!("b")));
//! ```
#![deny(missing_docs)]

pub mod file;
pub mod lock;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use lock::{LockGuard, LockInfo};

/// Errors reading, writing or locking state.
#[derive(Debug, thiserror::Error)]
pub enum StateError {
    /// The state file could not be read or written.
    #[error("cannot {action} state file {path}: {source}")]
    Io {
        /// read / write / rename ...
        action: &'static str,
        /// The file.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },
    /// The state file is not valid.
    #[error("state file {path} is not valid: {message}. Restore it from {path}.backup or fix the JSON by hand")]
    Invalid {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Another process holds the lock.
    #[error("the state is locked by another infinstor process\n\n  Lock ID:   {}\n  Operation: {}\n  Who:       pid {} on {}\n  Since:     {}{}\n\nWait for it to finish. If no infinstor process is running any more, release the lock with:\n  infinstor force-unlock {}", info.id, info.operation, info.pid, info.host, info.created, if *stale { "\n  (that process is no longer running)" } else { "" }, info.id)]
    Locked {
        /// The holder.
        info: Box<LockInfo>,
        /// The holder is on this host and its process is gone.
        stale: bool,
    },
    /// force-unlock was given the wrong ID or there is no lock.
    #[error("{0}")]
    Unlock(String),
}

/// One instance of a resource as last recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InstanceState {
    /// The provider configuration that manages it (`aws`, `aws.west`).
    pub provider: String,
    /// Every attribute of the object.
    pub attributes: serde_json::Value,
    /// Paths of attributes that are sensitive, so renderers hide them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sensitive_attributes: Vec<String>,
    /// Resources this instance depended on when it was last applied (destroy order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dependencies: Vec<String>,
    /// The object exists but its create did not finish; the next plan replaces it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub tainted: bool,
    /// Provider data that is not an attribute (opaque to the engine).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<String>,
    /// The attributes of the object this one replaced with `create_before_destroy`, recorded
    /// from the new object's create until the old one is destroyed (after every dependent is
    /// updated), so that an interruption in between loses neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deposed: Option<serde_json::Value>,
}

impl InstanceState {
    /// A new, untainted instance without dependencies.
    pub fn new(provider: &str, attributes: serde_json::Value) -> InstanceState {
        InstanceState {
            provider: provider.to_string(),
            attributes,
            sensitive_attributes: Vec::new(),
            dependencies: Vec::new(),
            tainted: false,
            private: None,
            deposed: None,
        }
    }
}

/// A root module output as last recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputState {
    /// The value.
    pub value: serde_json::Value,
    /// Hidden in `infinstor output` unless asked for by name.
    #[serde(default)]
    pub sensitive: bool,
}

/// A create that was started: the object may exist in AWS without being in `instances`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
pub struct Intent {
    /// The instance address.
    pub address: String,
    /// The resource type.
    #[serde(rename = "type")]
    pub type_: String,
    /// The provider configuration.
    pub provider: String,
    /// The import ID that finds the object.
    pub import_id: String,
}

/// The whole state.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    lineage: String,
    serial: u64,
    instances: BTreeMap<String, InstanceState>,
    outputs: BTreeMap<String, OutputState>,
    intents: Vec<Intent>,
}

impl Default for State {
    fn default() -> State {
        State::new()
    }
}

impl State {
    /// An empty state with a fresh lineage.
    pub fn new() -> State {
        State {
            lineage: uuid::Uuid::new_v4().to_string(),
            serial: 0,
            instances: BTreeMap::new(),
            outputs: BTreeMap::new(),
            intents: Vec::new(),
        }
    }

    /// The lineage: a state's identity across serials.
    pub fn lineage(&self) -> &str {
        &self.lineage
    }

    /// Incremented every time changed content is written.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// Every instance, by address, sorted.
    pub fn instances(&self) -> &BTreeMap<String, InstanceState> {
        &self.instances
    }

    /// One instance by address.
    pub fn instance(&self, address: &str) -> Option<&InstanceState> {
        self.instances.get(address)
    }

    /// Records an instance.
    pub fn set_instance(&mut self, address: &str, instance: InstanceState) {
        self.instances.insert(address.to_string(), instance);
    }

    /// Forgets an instance; returns it.
    pub fn remove_instance(&mut self, address: &str) -> Option<InstanceState> {
        self.instances.remove(address)
    }

    /// Root module outputs.
    pub fn outputs(&self) -> &BTreeMap<String, OutputState> {
        &self.outputs
    }

    /// Replaces all outputs.
    pub fn set_outputs(&mut self, outputs: BTreeMap<String, OutputState>) {
        self.outputs = outputs;
    }

    /// Creates started but not recorded.
    pub fn intents(&self) -> &[Intent] {
        &self.intents
    }

    /// Records a create intent.
    pub fn add_intent(&mut self, intent: Intent) {
        if !self.intents.contains(&intent) {
            self.intents.push(intent);
            self.intents.sort();
        }
    }

    /// Forgets every intent for an address (its create finished or was resolved).
    pub fn clear_intents(&mut self, address: &str) {
        self.intents.retain(|i| i.address != address);
    }
}

/// Where state bytes live.
pub trait Backend: Send + Sync {
    /// Reads the state; `None` when there is none yet.
    fn read(&self) -> Result<Option<State>, StateError>;
    /// Writes the state if its content changed since `previous`; bumps the serial when it does.
    fn write(&self, state: &mut State, previous: &State) -> Result<(), StateError>;
    /// Takes the lock for an operation.
    fn lock(&self, operation: &str) -> Result<LockGuard, StateError>;
    /// Removes a lock left behind, if its ID matches and its holder is not still running on
    /// this host (`force`: even then).
    fn force_unlock(&self, id: &str, force: bool) -> Result<(), StateError>;
}

/// State in a local JSON file, with `<file>.backup` and `<file>.lock`.
#[derive(Debug, Clone)]
pub struct LocalBackend {
    path: PathBuf,
}

impl LocalBackend {
    /// A backend for the given file path.
    pub fn new(path: impl Into<PathBuf>) -> LocalBackend {
        LocalBackend { path: path.into() }
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
}

impl Backend for LocalBackend {
    fn read(&self) -> Result<Option<State>, StateError> {
        match std::fs::read(&self.path) {
            Ok(bytes) => file::decode(&bytes).map(Some).map_err(|message| StateError::Invalid {
                path: self.path.clone(),
                message,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(StateError::Io {
                action: "read",
                path: self.path.clone(),
                source,
            }),
        }
    }

    fn write(&self, state: &mut State, previous: &State) -> Result<(), StateError> {
        let mut candidate = state.clone();
        candidate.serial = previous.serial;
        if candidate == *previous && self.path.exists() {
            return Ok(());
        }
        state.serial = previous.serial.checked_add(1).ok_or_else(|| StateError::Invalid {
            path: self.path.clone(),
            message: format!("its serial {} cannot grow any further", previous.serial),
        })?;
        file::write_atomic(&self.path, &file::encode(state))
    }

    fn lock(&self, operation: &str) -> Result<LockGuard, StateError> {
        lock::acquire(&self.lock_path(), operation)
    }

    fn force_unlock(&self, id: &str, force: bool) -> Result<(), StateError> {
        lock::force_unlock(&self.lock_path(), id, force)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        s.set_instance("a.b", InstanceState::new("aws", serde_json::json!({"id": "x"})));
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
        s.set_instance("a.b", InstanceState::new("aws", serde_json::json!({"id": "x"})));
        let err = backend.write(&mut s, &prev).expect_err("no wrap").to_string();
        assert!(err.contains("cannot grow"), "{err}");
        assert!(!dir.path().join("s.json").exists(), "nothing written");
    }
}
