//! S3 for a team's shared state. This crate knows its rules (settings, lock semantics) but links
//! no AWS SDK: the program installs an implementation once at start (the `state-s3` crate's), so
//! that everything built on this crate, the engine above all, stays free of it. (KMS data keys
//! are installed the same way, in [`crate::kms`].)
//!
//! Installed globally rather than passed down because a [`Location`](super::Location) is opened
//! in many places (commands, workspaces, plan files, `terraform_remote_state`), and all of them
//! must reach the same one.

use super::{Backend, S3Settings};
use crate::codec::Codec;
use crate::error::StateError;
use std::sync::OnceLock;

/// State in S3: what the `s3` backend needs of the service.
pub trait RemoteStore: Send + Sync {
    /// The backend of one workspace. Builds its client; makes no call yet.
    fn open(&self, settings: &S3Settings, workspace: &str, codec: Codec) -> Result<Box<dyn Backend>, StateError>;
    /// The workspaces other than `default` that have a state object under the prefix.
    fn workspaces(&self, settings: &S3Settings) -> Result<Vec<String>, StateError>;
    /// Deletes a workspace's state object and its backup.
    fn delete_workspace(&self, settings: &S3Settings, workspace: &str) -> Result<(), StateError>;
}

static STORE: OnceLock<Box<dyn RemoteStore>> = OnceLock::new();

/// Installs the S3 store; the first installation wins.
pub fn install_store(store: Box<dyn RemoteStore>) {
    let _ = STORE.set(store);
}

pub(crate) fn store() -> Result<&'static dyn RemoteStore, StateError> {
    STORE.get().map(|s| &**s).ok_or_else(|| {
        StateError::Config(
            "this program was built without the s3 backend; use a local backend, or the infinstor binary".into(),
        )
    })
}
