//! The AWS side of infinstor's state: the S3 backend (a team's shared state, with its lock
//! object and conditional writes) and KMS data keys for encrypted states. The `state` crate
//! defines what they must do ([`state::backend::remote`]) and links no AWS SDK; a program
//! calls [`install`] once at start to make them available.
//!
//! ```
//! state_s3::install();
//! // From here, `backend "s3"` locations open and KMS-encrypted states decrypt.
//! ```
#![deny(missing_docs)]

mod backend;
mod kms;
mod runtime;

use state::backend::remote::RemoteStore;
use state::backend::{Backend, S3Settings};
use state::codec::Codec;
use state::kms::DataKeys;
use state::StateError;

pub use backend::S3Backend;

/// What a failed SDK call says: the service's code and message, or for a call that got no
/// answer, the SDK's chain of causes (never its dump of the raw response).
fn detail<E, R>(err: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    use aws_sdk_s3::error::ProvideErrorMetadata as _;
    match (err.code(), err.message()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        _ => aws_sdk_s3::error::DisplayErrorContext(err).to_string(),
    }
}

/// Makes the S3 backend and KMS data keys available to every `state` user of this process.
pub fn install() {
    state::backend::remote::install_store(Box::new(S3Store));
    state::kms::install_keys(Box::new(KmsKeys));
}

/// The S3 backend as `state` reaches it.
struct S3Store;

impl RemoteStore for S3Store {
    fn open(&self, settings: &S3Settings, workspace: &str, codec: Codec) -> Result<Box<dyn Backend>, StateError> {
        Ok(Box::new(S3Backend::new(settings.clone(), workspace, codec)?))
    }

    fn workspaces(&self, settings: &S3Settings) -> Result<Vec<String>, StateError> {
        backend::workspaces(settings)
    }

    fn delete_workspace(&self, settings: &S3Settings, workspace: &str) -> Result<(), StateError> {
        backend::delete_workspace(settings, workspace)
    }
}

/// KMS data keys as `state` reaches them.
struct KmsKeys;

impl DataKeys for KmsKeys {
    fn generate(&self, key_id: &str) -> Result<([u8; 32], Vec<u8>), StateError> {
        kms::generate_data_key(key_id)
    }

    fn decrypt(&self, key_id: &str, blob: &[u8]) -> Result<[u8; 32], StateError> {
        kms::decrypt_data_key(key_id, blob)
    }
}
