//! The digests Terraform's local and archive providers give a file's bytes.

use crate::support::naming::hex;
use sha2::Digest as _;

/// A file's digests, hexadecimal or base64 as those providers write them.
pub(crate) struct Digests {
    pub(crate) md5: String,
    pub(crate) sha1: String,
    pub(crate) sha256: String,
    pub(crate) sha256_base64: String,
    pub(crate) sha512: String,
    pub(crate) sha512_base64: String,
}

impl Digests {
    /// Every digest of `bytes`.
    pub(crate) fn of(bytes: &[u8]) -> Digests {
        use base64::Engine as _;
        let b64 = |d: &[u8]| base64::engine::general_purpose::STANDARD.encode(d);
        let sha256 = sha2::Sha256::digest(bytes);
        let sha512 = sha2::Sha512::digest(bytes);
        Digests {
            md5: md5_hex(bytes),
            sha1: sha1_hex(bytes),
            sha256: hex(&sha256),
            sha256_base64: b64(&sha256),
            sha512: hex(&sha512),
            sha512_base64: b64(&sha512),
        }
    }
}

/// The SHA-1 of `bytes` in hexadecimal (a local file's `id`).
pub(crate) fn sha1_hex(bytes: &[u8]) -> String {
    hex(&sha1::Sha1::digest(bytes))
}

/// The MD5 of `bytes` in hexadecimal.
pub(crate) fn md5_hex(bytes: &[u8]) -> String {
    // md-5 0.11 implements the digest 0.11 traits, not sha2's 0.10 ones.
    use md5::Digest as _;
    hex(&md5::Md5::digest(bytes))
}
