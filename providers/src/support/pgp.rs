//! A secret encrypted to a person's OpenPGP public key (`pgp_key`), as the Terraform AWS
//! provider does it: the key given base64-encoded (binary, as `gpg --export KEY | base64`
//! writes it), the message returned base64-encoded (binary), so that only the holder of the
//! private key reads the secret and the state never holds it in the clear.

use super::attrs::{self, not_yet_problem};
use base64::Engine as _;
use engine::core::provider::ValidateProblem;
use engine::core::value::Value;
use pgp::composed::{Deserializable, MessageBuilder, SignedPublicKey};
use pgp::crypto::sym::SymmetricKeyAlgorithm;
use pgp::types::{KeyDetails as _, PublicKeyTrait as _};

/// The problem with a configuration's `pgp_key`, if it has one. A `keybase:` key is one
/// infinstor does not fetch yet (plans elsewhere would fetch it only at apply).
pub(crate) fn problem(config: &Value) -> Option<ValidateProblem> {
    let pgp_key = config.get("pgp_key");
    let message = public_key(pgp_key.as_str()?).err()?;
    Some(if pgp_key.as_str()?.starts_with("keybase:") {
        not_yet_problem("pgp_key", message)
    } else {
        attrs::problem("pgp_key", message)
    })
}

/// Reads a `pgp_key` value; the error says what to give instead.
pub(crate) fn public_key(pgp_key: &str) -> Result<SignedPublicKey, String> {
    if let Some(user) = pgp_key.strip_prefix("keybase:") {
        return Err(format!(
            "keybase:{user} is a key to look up on keybase.io, which infinstor does not do yet: give the key itself, base64-encoded (gpg --export {user} | base64 -w0)"
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(pgp_key.split_whitespace().collect::<String>())
        .map_err(|e| {
            format!("pgp_key is not base64 ({e}): give the public key as gpg --export KEY | base64 -w0 writes it")
        })?;
    let key = SignedPublicKey::from_bytes(&bytes[..]).map_err(|e| {
        format!("pgp_key is not an OpenPGP public key ({e}): give it as gpg --export KEY | base64 -w0 writes it")
    })?;
    if encryption_key_count(&key) == 0 {
        return Err("pgp_key has no key that can encrypt: export a key with an encryption subkey".to_string());
    }
    Ok(key)
}

fn encryption_key_count(key: &SignedPublicKey) -> usize {
    key.public_subkeys.iter().filter(|k| k.is_encryption_key()).count()
        + usize::from(key.primary_key.is_encryption_key())
}

/// `secret` encrypted to `key` (to its encryption subkeys, or its primary key when that is the
/// one that encrypts), base64-encoded, and the key's fingerprint in lowercase hex.
pub(crate) fn encrypt(key: &SignedPublicKey, secret: &[u8]) -> Result<(String, String), String> {
    let mut rng = rand::rngs::OsRng;
    let mut builder = MessageBuilder::from_bytes("", secret.to_vec()).seipd_v1(&mut rng, SymmetricKeyAlgorithm::AES256);
    let subkeys: Vec<_> = key.public_subkeys.iter().filter(|k| k.is_encryption_key()).collect();
    if subkeys.is_empty() {
        builder
            .encrypt_to_key(&mut rng, &key.primary_key)
            .map_err(|e| format!("encrypting to the pgp_key: {e}"))?;
    }
    for subkey in subkeys {
        builder
            .encrypt_to_key(&mut rng, subkey)
            .map_err(|e| format!("encrypting to the pgp_key: {e}"))?;
    }
    let message = builder
        .to_vec(&mut rng)
        .map_err(|e| format!("encrypting to the pgp_key: {e}"))?;
    Ok((
        base64::engine::general_purpose::STANDARD.encode(message),
        format!("{:x}", key.fingerprint()),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pgp::composed::{Message, SignedSecretKey};

    /// A 2048-bit RSA test key made with `gpg --gen-key` (no passphrase), kept for these tests.
    const PUBLIC: &str = include_str!("../../../tests/data/pgp-test-key.pub.b64");
    const SECRET: &str = include_str!("../../../tests/data/pgp-test-key.sec.asc");

    #[test]
    fn a_secret_encrypted_to_the_key_is_read_back_with_its_private_key() {
        let key = public_key(PUBLIC).expect("the test key");
        let (sealed, fingerprint) = encrypt(&key, b"hunter2-hunter2").expect("encrypt");
        assert_eq!(fingerprint, "370c98fe705a5673b035d779e104f0b9f568b5b5");
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(sealed)
            .expect("base64");
        let (secret, _) = SignedSecretKey::from_string(SECRET).expect("secret key");
        let mut message = Message::from_bytes(&bytes[..])
            .expect("a message")
            .decrypt(&"".into(), &secret)
            .expect("decrypt");
        assert_eq!(message.as_data_vec().expect("data"), b"hunter2-hunter2");
    }

    #[test]
    fn keys_that_cannot_be_used_say_what_to_give() {
        assert!(public_key("keybase:someone").unwrap_err().contains("keybase.io"));
        assert!(public_key("not base64!").unwrap_err().contains("not base64"));
        assert!(public_key("aGVsbG8=")
            .unwrap_err()
            .contains("not an OpenPGP public key"));
    }
}
