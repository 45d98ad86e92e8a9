//! How one backend's state files are encoded: [`Codec`] pairs the file format ([`crate::file`])
//! with the key ([`crate::crypt`]).

use crate::crypt::{KeySource, Sealer};
use crate::error::StateError;

/// Encodes and decodes one backend's state files with the configured key: the key a state
/// was encrypted with is found once (one KMS call, one key derivation) and reused for every
/// write; a plain state read with a key configured is encrypted by its next write.
#[derive(Debug, Default)]
pub struct Codec {
    source: std::sync::Mutex<Option<KeySource>>,
    sealer: std::sync::Mutex<Option<std::sync::Arc<Sealer>>>,
}

impl Codec {
    /// A codec for the configured key (`None`: values in clear, as Terraform writes them).
    pub fn new(source: Option<KeySource>) -> Codec {
        Codec {
            source: std::sync::Mutex::new(source),
            sealer: std::sync::Mutex::new(None),
        }
    }

    fn source(&self) -> Option<KeySource> {
        self.source.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// Writes from now on with `source`'s key (a new salt or data key), or in clear.
    pub fn rekey(&self, source: Option<KeySource>) {
        *self.source.lock().unwrap_or_else(|p| p.into_inner()) = source;
        *self.cached() = None;
    }

    fn cached(&self) -> std::sync::MutexGuard<'_, Option<std::sync::Arc<Sealer>>> {
        self.sealer.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Whether values are written encrypted.
    pub fn encrypts(&self) -> bool {
        self.source().is_some()
    }

    /// Parses a state file of `location`, decrypting its sensitive values.
    pub fn decode(&self, bytes: &[u8], location: &str) -> Result<crate::model::State, StateError> {
        self.read(bytes, location).map(|d| d.state)
    }

    /// Parses a state file of `location`, decrypting its sensitive values, and says whether
    /// it is in infinstor's first format (to be rewritten in Terraform's).
    pub fn read(&self, bytes: &[u8], location: &str) -> Result<crate::file::Decoded, StateError> {
        let decoded = crate::file::decode_sealed(bytes, &mut self.opener()).map_err(|e| match e {
            StateError::Invalid { message, .. } => StateError::Invalid {
                path: location.into(),
                message,
            },
            StateError::Key(message) => StateError::Key(format!("cannot read the state {location}: {message}")),
            other => other,
        })?;
        if let (Some(sealer), true) = (&decoded.sealer, self.encrypts()) {
            *self.cached() = Some(sealer.clone());
        }
        Ok(decoded)
    }

    /// Serialises a state, encrypting its sensitive values when a key is configured.
    pub fn encode(&self, state: &crate::model::State) -> Result<Vec<u8>, StateError> {
        crate::file::encode_sealed(state, self.sealer()?.as_deref())
    }

    /// The sealer writes use: the one last used, or a new one for the configured key.
    pub(crate) fn sealer(&self) -> Result<Option<std::sync::Arc<Sealer>>, StateError> {
        // Bound first: a guard in the match scrutinee would live through the arms.
        let cached = self.cached().clone();
        Ok(match (cached, self.source()) {
            (Some(s), _) => Some(s),
            (None, Some(source)) => {
                let fresh = std::sync::Arc::new(Sealer::new(&source)?);
                *self.cached() = Some(fresh.clone());
                Some(fresh)
            }
            (None, None) => None,
        })
    }

    /// Finds the sealer of a header read from a file: the cached one when it matches, so the
    /// key is found once per run.
    pub(crate) fn opener(&self) -> impl FnMut(&crate::crypt::Header) -> Result<std::sync::Arc<Sealer>, StateError> {
        let cached = self.cached().clone();
        let source = self.source();
        move |header| match &cached {
            Some(s) if s.header() == header => Ok(s.clone()),
            _ => Sealer::open(header, source.as_ref()).map(std::sync::Arc::new),
        }
    }
}
