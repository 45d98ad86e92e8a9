//! The services state reaches outside this machine: S3 for a team's shared state and KMS for
//! the data keys of encrypted states. This crate knows their rules (settings, keys, lock
//! semantics) but links no AWS SDK: the program installs an implementation once at start
//! (the `state-s3` crate's), so that everything built on this crate, the engine above all,
//! stays free of it.
//!
//! Installed globally rather than passed down because a [`Location`](super::Location) and a
//! [`Sealer`](crate::crypt::Sealer) are opened in many places (commands, workspaces, plan files,
//! `terraform_remote_state`), and all of them must reach the same one.

use super::{Backend, S3Settings};
use crate::codec::Codec;
use crate::StateError;
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

/// Data keys of a KMS key: what a state encrypted with `INFINSTOR_STATE_KMS_KEY` needs.
pub trait DataKeys: Send + Sync {
    /// A new 256-bit data key: (plaintext, the key encrypted under `key_id`).
    fn generate(&self, key_id: &str) -> Result<([u8; 32], Vec<u8>), StateError>;
    /// The plaintext of a data key encrypted under `key_id`.
    fn decrypt(&self, key_id: &str, blob: &[u8]) -> Result<[u8; 32], StateError>;
}

static STORE: OnceLock<Box<dyn RemoteStore>> = OnceLock::new();
static KEYS: OnceLock<Box<dyn DataKeys>> = OnceLock::new();

/// Installs the S3 store; the first installation wins.
pub fn install_store(store: Box<dyn RemoteStore>) {
    let _ = STORE.set(store);
}

/// Installs the KMS data keys; the first installation wins.
pub fn install_keys(keys: Box<dyn DataKeys>) {
    let _ = KEYS.set(keys);
}

pub(crate) fn store() -> Result<&'static dyn RemoteStore, StateError> {
    STORE.get().map(|s| &**s).ok_or_else(|| {
        StateError::Config(
            "this program was built without the s3 backend; use a local backend, or the infinstor binary".into(),
        )
    })
}

pub(crate) fn keys() -> Result<&'static dyn DataKeys, StateError> {
    KEYS.get().map(|k| &**k).ok_or_else(|| {
        StateError::Key(
            "this program was built without KMS support for encrypted state; use INFINSTOR_STATE_PASSPHRASE, or the infinstor binary".into(),
        )
    })
}
