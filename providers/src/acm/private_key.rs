//! Private keys of imported certificates: digests in state, PEM in memory.

use crate::support::naming::hex;
use engine::core::provider::ProviderError;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

pub(super) const DIGEST_PREFIX: &str = "sha256:";

/// PEM texts of private keys seen while planning, by digest. Only this process ever holds them.
pub(super) fn key_vault() -> &'static Mutex<BTreeMap<String, String>> {
    static VAULT: OnceLock<Mutex<BTreeMap<String, String>>> = OnceLock::new();
    VAULT.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// The digest state keeps for a private key: line endings and surrounding blank space do not
/// count, so a file checked out on Windows is the same key.
pub(super) fn key_digest(pem: &str) -> String {
    let normalized: String = pem.trim().replace("\r\n", "\n");
    format!("{DIGEST_PREFIX}{}", hex(&Sha256::digest(normalized.as_bytes())))
}

/// Remembers a configured key and returns its digest; a value that already is a digest (a
/// prior state's) is returned as it is.
pub(super) fn remember_key(value: &str) -> String {
    if value.starts_with(DIGEST_PREFIX) {
        return value.to_string();
    }
    let digest = key_digest(value);
    if let Ok(mut vault) = key_vault().lock() {
        vault.insert(digest.clone(), value.to_string());
    }
    digest
}

/// The PEM of a planned key digest.
pub(super) fn recall_key(digest: &str) -> Result<String, ProviderError> {
    key_vault()
        .lock()
        .ok()
        .and_then(|vault| vault.get(digest).cloned())
        .ok_or_else(|| {
            ProviderError::new(
                "PrivateKeyUnavailable",
                "the imported certificate's private_key is not at hand: state and plans keep only its \
                 digest, and the key itself is read from the configuration when planning. Run apply \
                 again with the configuration that holds the key.",
            )
        })
}
