//! What can go wrong with state, each error saying what to do.

use crate::holder::LockInfo;
use std::path::PathBuf;

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
    #[error("the state is locked by another {}\n\n  Lock ID:   {}\n  Operation: {}\n  Who:       {}\n  Since:     {}{}\n\nWait for it to finish. If no infinstor process is running any more, release the lock with:\n  infinstor force-unlock {}", info.taker(), info.id, info.operation, info.holder(), info.created, if *stale { "\n  (that process is no longer running)" } else { "" }, info.id)]
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
