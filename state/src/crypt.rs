//! Sensitive values encrypted at rest.
//!
//! With a key configured (a passphrase in `INFINSTOR_STATE_PASSPHRASE`, or a KMS key in
//! `INFINSTOR_STATE_KMS_KEY`), every sensitive value in the state file — an instance's
//! sensitive attributes, sensitive outputs — is stored as `{"encrypted": "..."}`: AES-256-GCM
//! with a fresh nonce per value and the value's place (address and attribute) as associated
//! data, so an encrypted value cannot be moved to another place unnoticed. Everything else stays
//! readable and diffable. The file's `encryption` header says how the key is found again: the
//! Argon2id salt for a passphrase, or the data key encrypted by KMS (envelope encryption; the
//! data key is decrypted once per run).

use crate::error::StateError;
use aes_gcm::aead::{Aead, KeyInit, OsRng, Payload};
use aes_gcm::{AeadCore, Aes256Gcm};
use base64::Engine as _;
use serde::{Deserialize, Serialize};

/// Environment variable holding the passphrase the state's key is derived from.
pub const PASSPHRASE_ENV: &str = "INFINSTOR_STATE_PASSPHRASE";
/// Environment variable naming the KMS key (ID, ARN or `alias/...`) that encrypts the data key.
pub const KMS_KEY_ENV: &str = "INFINSTOR_STATE_KMS_KEY";
/// The passphrase `state rekey` changes to.
pub const NEW_PASSPHRASE_ENV: &str = "INFINSTOR_STATE_NEW_PASSPHRASE";
/// The KMS key `state rekey` changes to.
pub const NEW_KMS_KEY_ENV: &str = "INFINSTOR_STATE_NEW_KMS_KEY";

const METHOD: &str = "aes-256-gcm";
const KDF: &str = "argon2id";
/// What the header's `check` encrypts: a wrong key is found before any value is touched.
const CHECK: &[u8] = b"infinstor-state-key";

fn b64() -> base64::engine::GeneralPurpose {
    base64::engine::general_purpose::STANDARD
}

/// Where the key comes from.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// A passphrase (Argon2id with a per-state salt).
    Passphrase(String),
    /// A KMS key that encrypts a per-state data key.
    Kms(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Passphrase(_) => f.write_str("Passphrase(..)"),
            KeySource::Kms(id) => write!(f, "Kms({id})"),
        }
    }
}

impl KeySource {
    /// The key configured in an environment: `INFINSTOR_STATE_PASSPHRASE` or
    /// `INFINSTOR_STATE_KMS_KEY` (or, with `new`, the `..._NEW_...` pair `state rekey` reads).
    pub fn from_env(env: &[(String, String)], new: bool) -> Result<Option<KeySource>, StateError> {
        let (pass, kms) = if new {
            (NEW_PASSPHRASE_ENV, NEW_KMS_KEY_ENV)
        } else {
            (PASSPHRASE_ENV, KMS_KEY_ENV)
        };
        let get = |name: &str| {
            env.iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(_, v)| v.clone())
        };
        match (get(pass), get(kms)) {
            (Some(_), Some(_)) => Err(StateError::Key(format!(
                "both {pass} and {kms} are set; set one of them (a passphrase or a KMS key)"
            ))),
            (Some(p), None) => Ok(Some(KeySource::Passphrase(p))),
            (None, Some(k)) => Ok(Some(KeySource::Kms(k))),
            (None, None) => Ok(None),
        }
    }
}

/// How a state file's values are encrypted (its `encryption` object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// `aes-256-gcm`.
    pub method: String,
    /// `argon2id` for a passphrase key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kdf: Option<String>,
    /// The Argon2id salt (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// The KMS key that encrypted the data key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// The data key, encrypted by KMS (base64).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_key: Option<String>,
    /// A known text encrypted with the key: tells a wrong key from a damaged value.
    pub check: String,
}

/// Encrypts and decrypts values with one state's key.
pub struct Sealer {
    cipher: Aes256Gcm,
    header: Header,
}

impl std::fmt::Debug for Sealer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sealer").field("header", &self.header).finish()
    }
}

fn derive(passphrase: &str, salt: &[u8]) -> Result<[u8; 32], StateError> {
    let mut key = [0u8; 32];
    argon2::Argon2::default()
        .hash_password_into(passphrase.as_bytes(), salt, &mut key)
        .map_err(|e| StateError::Key(format!("cannot derive the state key from the passphrase: {e}")))?;
    Ok(key)
}

fn rekey_hint() -> String {
    format!(
        "If the key was changed, run `infinstor state rekey` with the old key in {PASSPHRASE_ENV} (or {KMS_KEY_ENV}) and the new one in {NEW_PASSPHRASE_ENV} (or {NEW_KMS_KEY_ENV})"
    )
}

impl Sealer {
    /// A new key for a state: a fresh salt, or a fresh data key from KMS.
    pub fn new(source: &KeySource) -> Result<Sealer, StateError> {
        let (key, mut header) = match source {
            KeySource::Passphrase(p) => {
                let mut salt = [0u8; 16];
                aes_gcm::aead::rand_core::RngCore::fill_bytes(&mut OsRng, &mut salt);
                let header = Header {
                    method: METHOD.into(),
                    kdf: Some(KDF.into()),
                    salt: Some(b64().encode(salt)),
                    kms_key_id: None,
                    data_key: None,
                    check: String::new(),
                };
                (derive(p, &salt)?, header)
            }
            KeySource::Kms(id) => {
                let (plain, blob) = crate::kms::keys()?.generate(id)?;
                let header = Header {
                    method: METHOD.into(),
                    kdf: None,
                    salt: None,
                    kms_key_id: Some(id.clone()),
                    data_key: Some(b64().encode(blob)),
                    check: String::new(),
                };
                (plain, header)
            }
        };
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|e| StateError::Key(e.to_string()))?;
        let mut sealer = Sealer {
            cipher,
            header: header.clone(),
        };
        header.check = sealer.seal(CHECK, "check")?;
        sealer.header = header;
        Ok(sealer)
    }

    /// The key of a state already encrypted, found from its header and the configured source.
    pub fn open(header: &Header, source: Option<&KeySource>) -> Result<Sealer, StateError> {
        if header.method != METHOD {
            return Err(StateError::Key(format!(
                "the state is encrypted with {}, which this infinstor does not know; upgrade infinstor",
                header.method
            )));
        }
        let key = match (source, &header.salt, &header.data_key) {
            (None, _, _) => {
                return Err(StateError::Key(format!(
                    "the state's sensitive values are encrypted; set {} to the key it was encrypted with",
                    if header.data_key.is_some() {
                        KMS_KEY_ENV
                    } else {
                        PASSPHRASE_ENV
                    }
                )))
            }
            (Some(KeySource::Passphrase(p)), Some(salt), None) => {
                let salt = b64()
                    .decode(salt)
                    .map_err(|e| StateError::Key(format!("the state's encryption salt is damaged: {e}")))?;
                derive(p, &salt)?
            }
            (Some(KeySource::Kms(id)), None, Some(blob)) => {
                if header.kms_key_id.as_deref() != Some(id.as_str()) {
                    return Err(StateError::Key(format!(
                        "the state is encrypted under KMS key {}, not {id}. {}",
                        header.kms_key_id.as_deref().unwrap_or("(unknown)"),
                        rekey_hint()
                    )));
                }
                let blob = b64()
                    .decode(blob)
                    .map_err(|e| StateError::Key(format!("the state's encrypted data key is damaged: {e}")))?;
                crate::kms::keys()?.decrypt(id, &blob)?
            }
            (Some(_), _, _) => {
                return Err(StateError::Key(format!(
                    "the state is encrypted with {}, and {} is configured. {}",
                    if header.data_key.is_some() {
                        "a KMS key"
                    } else {
                        "a passphrase"
                    },
                    if header.data_key.is_some() {
                        "a passphrase"
                    } else {
                        "a KMS key"
                    },
                    rekey_hint()
                )))
            }
        };
        let cipher = Aes256Gcm::new_from_slice(&key).map_err(|e| StateError::Key(e.to_string()))?;
        let sealer = Sealer {
            cipher,
            header: header.clone(),
        };
        match sealer.unseal(&header.check, "check") {
            Ok(text) if text == CHECK => Ok(sealer),
            _ => Err(StateError::Key(format!(
                "the configured key is not the one the state was encrypted with. {}",
                rekey_hint()
            ))),
        }
    }

    /// The header to write with values this sealer encrypted.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// Encrypts `plain`, bound to `place` (an address and attribute).
    pub fn seal(&self, plain: &[u8], place: &str) -> Result<String, StateError> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let sealed = self
            .cipher
            .encrypt(
                &nonce,
                Payload {
                    msg: plain,
                    aad: place.as_bytes(),
                },
            )
            .map_err(|e| StateError::Key(format!("cannot encrypt {place}: {e}")))?;
        let mut out = nonce.to_vec();
        out.extend(sealed);
        Ok(b64().encode(out))
    }

    /// Decrypts what [`Sealer::seal`] made for the same `place`.
    pub fn unseal(&self, text: &str, place: &str) -> Result<Vec<u8>, StateError> {
        let bytes = b64()
            .decode(text)
            .map_err(|e| StateError::Key(format!("the encrypted value of {place} is damaged: {e}")))?;
        if bytes.len() < 12 {
            return Err(StateError::Key(format!("the encrypted value of {place} is damaged")));
        }
        let (nonce, sealed) = bytes.split_at(12);
        self.cipher
            .decrypt(
                nonce.into(),
                Payload {
                    msg: sealed,
                    aad: place.as_bytes(),
                },
            )
            .map_err(|_| {
                StateError::Key(format!(
                    "the encrypted value of {place} cannot be decrypted: it was changed, or moved from another place"
                ))
            })
    }

    /// Encrypts a JSON value into its envelope, `{"encrypted": "..."}`.
    pub fn seal_value(&self, value: &serde_json::Value, place: &str) -> Result<serde_json::Value, StateError> {
        let plain = serde_json::to_vec(value).unwrap_or_default();
        Ok(serde_json::json!({ "encrypted": self.seal(&plain, place)? }))
    }

    /// The JSON value inside an envelope made by [`Sealer::seal_value`].
    pub fn unseal_value(&self, envelope: &serde_json::Value, place: &str) -> Result<serde_json::Value, StateError> {
        let text = envelope
            .get("encrypted")
            .and_then(|t| t.as_str())
            .ok_or_else(|| StateError::Key(format!("{place} is sensitive but its value is not encrypted")))?;
        serde_json::from_slice(&self.unseal(text, place)?)
            .map_err(|e| StateError::Key(format!("the decrypted value of {place} is not JSON: {e}")))
    }
}

/// Whether a JSON value is an encryption envelope.
pub fn is_envelope(value: &serde_json::Value) -> bool {
    value
        .as_object()
        .is_some_and(|m| m.len() == 1 && m.get("encrypted").is_some_and(|t| t.is_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_passphrase_key_round_trips_and_a_wrong_one_is_named() {
        let source = KeySource::Passphrase("correct horse".into());
        let sealer = Sealer::new(&source).expect("new key");
        let sealed = sealer
            .seal_value(&serde_json::json!("s3cr3t"), "a.b/value")
            .expect("seal");
        assert!(!sealed.to_string().contains("s3cr3t"));
        assert!(is_envelope(&sealed));
        let again = Sealer::open(sealer.header(), Some(&source)).expect("same passphrase");
        assert_eq!(
            again.unseal_value(&sealed, "a.b/value").expect("unseal"),
            serde_json::json!("s3cr3t")
        );
        let moved = again
            .unseal_value(&sealed, "a.c/value")
            .expect_err("bound to its place");
        assert!(moved.to_string().contains("moved from another place"), "{moved}");
        let wrong = Sealer::open(sealer.header(), Some(&KeySource::Passphrase("wrong".into()))).expect_err("wrong");
        assert!(wrong.to_string().contains("state rekey"), "{wrong}");
        let none = Sealer::open(sealer.header(), None).expect_err("no key");
        assert!(none.to_string().contains(PASSPHRASE_ENV), "{none}");
    }

    #[test]
    fn both_keys_at_once_is_an_error() {
        let env = vec![
            (PASSPHRASE_ENV.to_string(), "p".to_string()),
            (KMS_KEY_ENV.to_string(), "alias/k".to_string()),
        ];
        assert!(KeySource::from_env(&env, false).is_err());
        assert_eq!(
            KeySource::from_env(&env[..1], false).expect("ok"),
            Some(KeySource::Passphrase("p".into()))
        );
        assert_eq!(KeySource::from_env(&env[..1], true).expect("ok"), None);
    }
}
