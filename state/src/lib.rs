//! State: what infinstor last knew about the objects it manages.
//!
//! [`State`] is the model, keyed by typed [`addr::InstanceAddr`]es and changed only through its
//! methods. Its file format (`format_version`,
//! `serial`, `lineage`, `resources[].instances[]`, `outputs`, plus the create `intents` that make
//! an interrupted apply recoverable) lives in [`file`]. Where the bytes live is a [`Backend`]: a
//! local file written atomically, with a lock naming its holder.
//!
//! ```
//! use state::{InstanceAddr, InstanceState, State};
//! let artifacts: InstanceAddr = "aws_s3_bucket.artifacts".parse().unwrap();
//! let mut s = State::new();
//! s.set_instance(&artifacts, InstanceState::new("aws", serde_json::json!({"id": "b", "bucket": "b"})));
//! assert_eq!(s.instance(&artifacts).map(|i| i.attributes["id"].clone()),
//!            Some(serde_json::json!("b")));
//! ```
#![deny(missing_docs)]

pub mod addr;
pub mod backend;
pub mod codec;
pub mod crypt;
pub mod file;
pub mod journal;
pub mod kms;
pub mod lock;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;

pub use addr::InstanceAddr;
pub use backend::{Appended, Backend, LocalBackend, Location};
pub use journal::{Edit, Editor};
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
    #[error("the state is locked by another infinstor process\n\n  Lock ID:   {}\n  Operation: {}\n  Who:       {}\n  Since:     {}{}\n\nWait for it to finish. If no infinstor process is running any more, release the lock with:\n  infinstor force-unlock {}", info.id, info.operation, info.holder(), info.created, if *stale { "\n  (that process is no longer running)" } else { "" }, info.id)]
    Locked {
        /// The holder.
        info: Box<LockInfo>,
        /// The holder is on this host and its process is gone.
        stale: bool,
    },
    /// force-unlock was given the wrong ID or there is no lock.
    #[error("{0}")]
    Unlock(String),
    /// The key for the state's encrypted values is missing or wrong.
    #[error("{0}")]
    Key(String),
    /// The backend's configuration cannot be used.
    #[error("{0}")]
    Config(String),
    /// A call to the remote backend failed.
    #[error("cannot {action} state {location}: {message}")]
    Remote {
        /// read / write / lock ...
        action: &'static str,
        /// `s3://bucket/key`.
        location: String,
        /// The service's answer.
        message: String,
    },
    /// Someone else wrote the state since this process read it.
    #[error("the state at {location} was changed by someone else after this run read it{}; nothing was overwritten. Another run is (or was) working on this state without holding its lock: find out who, then run your command again", now.as_ref().map(|n| format!(" (it is now {n})")).unwrap_or_default())]
    Conflict {
        /// `s3://bucket/key`.
        location: String,
        /// Serial and lineage of the state there now, when it could be read.
        now: Option<String>,
    },
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
    pub address: InstanceAddr,
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
    instances: BTreeMap<InstanceAddr, InstanceState>,
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

    /// Takes the serial of `written` (the version last written), so that comparing with it
    /// looks at content only and the next write counts on from it.
    pub fn take_serial(&mut self, written: &State) {
        self.serial = written.serial;
    }

    /// The version a write of this state follows: writing `self` over it keeps `self`'s serial
    /// and lineage, which is how a state is copied to another backend unchanged.
    pub fn preceding(&self) -> State {
        State {
            serial: self.serial.saturating_sub(1),
            ..self.clone()
        }
    }

    /// Every instance, by address, sorted by module, resource and key.
    pub fn instances(&self) -> &BTreeMap<InstanceAddr, InstanceState> {
        &self.instances
    }

    /// One instance by address.
    pub fn instance(&self, address: &InstanceAddr) -> Option<&InstanceState> {
        self.instances.get(address)
    }

    /// Records an instance.
    pub fn set_instance(&mut self, address: &InstanceAddr, instance: InstanceState) {
        self.instances.insert(address.clone(), instance);
    }

    /// Forgets an instance; returns it.
    pub fn remove_instance(&mut self, address: &InstanceAddr) -> Option<InstanceState> {
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

    /// Replaces every intent (a journal's record of them).
    pub(crate) fn replace_intents(&mut self, mut intents: Vec<Intent>) {
        intents.sort();
        intents.dedup();
        self.intents = intents;
    }

    /// Takes the serial a backend reports for what it last wrote (a journal entry continues
    /// the state file's serial with the next one).
    pub fn adopt_serial(&mut self, serial: u64) {
        self.serial = serial;
    }

    /// Forgets every intent for an address (its create finished or was resolved).
    pub fn clear_intents(&mut self, address: &InstanceAddr) {
        self.intents.retain(|i| &i.address != address);
    }
}
