//! KMS data keys for states encrypted with `INFINSTOR_STATE_KMS_KEY`. This crate links no AWS
//! SDK: the program installs an implementation once at start (the `state-s3` crate's), as it
//! does the S3 store ([`crate::backend::remote`]). Installed globally rather than passed down
//! because a [`Sealer`](crate::crypt::Sealer) is opened in many places (commands, workspaces,
//! plan files, `terraform_remote_state`), and all of them must reach the same keys.

use crate::error::StateError;
use std::sync::OnceLock;

/// Data keys of a KMS key: what a state encrypted with `INFINSTOR_STATE_KMS_KEY` needs.
pub trait DataKeys: Send + Sync {
    /// A new 256-bit data key: (plaintext, the key encrypted under `key_id`).
    fn generate(&self, key_id: &str) -> Result<([u8; 32], Vec<u8>), StateError>;
    /// The plaintext of a data key encrypted under `key_id`.
    fn decrypt(&self, key_id: &str, blob: &[u8]) -> Result<[u8; 32], StateError>;
}

static KEYS: OnceLock<Box<dyn DataKeys>> = OnceLock::new();

/// Installs the KMS data keys; the first installation wins.
pub fn install_keys(keys: Box<dyn DataKeys>) {
    let _ = KEYS.set(keys);
}

pub(crate) fn keys() -> Result<&'static dyn DataKeys, StateError> {
    KEYS.get().map(|k| &**k).ok_or_else(|| {
        StateError::Key(
            "this program was built without KMS support for encrypted state; use INFINSTOR_STATE_PASSPHRASE, or the infinstor binary".into(),
        )
    })
}
