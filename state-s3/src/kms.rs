//! The data keys of KMS-encrypted states: generated once per state, decrypted once per run.

use state::StateError;

fn client(runtime: &tokio::runtime::Runtime) -> aws_sdk_kms::Client {
    let sdk = crate::runtime::block_on(
        runtime,
        aws_config::load_defaults(aws_config::BehaviorVersion::latest()),
    );
    aws_sdk_kms::Client::new(&sdk)
}

fn key(bytes: &[u8], key_id: &str) -> Result<[u8; 32], StateError> {
    bytes.try_into().map_err(|_| {
        StateError::Key(format!(
            "KMS key {key_id} returned a data key of {} bytes, not 32",
            bytes.len()
        ))
    })
}

/// A new 256-bit data key: (plaintext, the key encrypted under `key_id`).
pub(crate) fn generate_data_key(key_id: &str) -> Result<([u8; 32], Vec<u8>), StateError> {
    let runtime = crate::runtime::new("the state's KMS key")?;
    let kms = client(&runtime);
    let call = kms
        .generate_data_key()
        .key_id(key_id)
        .key_spec(aws_sdk_kms::types::DataKeySpec::Aes256)
        .send();
    let out = crate::runtime::block_on(&runtime, call).map_err(|e| {
        StateError::Key(format!(
            "cannot make a data key with KMS key {key_id}: {}",
            crate::detail(&e)
        ))
    })?;
    let plain = out.plaintext().map(|b| b.as_ref().to_vec()).unwrap_or_default();
    let blob = out.ciphertext_blob().map(|b| b.as_ref().to_vec()).unwrap_or_default();
    Ok((key(&plain, key_id)?, blob))
}

/// The plaintext of a data key encrypted under `key_id`.
pub(crate) fn decrypt_data_key(key_id: &str, blob: &[u8]) -> Result<[u8; 32], StateError> {
    let runtime = crate::runtime::new("the state's KMS key")?;
    let kms = client(&runtime);
    let call = kms
        .decrypt()
        .key_id(key_id)
        .ciphertext_blob(aws_sdk_kms::primitives::Blob::new(blob.to_vec()))
        .send();
    let out = crate::runtime::block_on(&runtime, call).map_err(|e| {
        StateError::Key(format!(
            "cannot decrypt the state's data key with KMS key {key_id}: {}",
            crate::detail(&e)
        ))
    })?;
    let plain = out.plaintext().map(|b| b.as_ref().to_vec()).unwrap_or_default();
    key(&plain, key_id)
}
