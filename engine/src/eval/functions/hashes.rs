//! Hashes of strings and of files: hex and base64 digests, as Terraform's md5, sha1, sha256,
//! sha512 and their base64 and file variants compute them.

use super::*;

/// The digests Terraform offers.
#[derive(Clone, Copy)]
pub(super) enum Hash {
    Md5,
    Sha1,
    Sha256,
    Sha512,
}

impl Hash {
    fn digest(self, bytes: &[u8]) -> Vec<u8> {
        match self {
            Hash::Md5 => {
                use md5::Digest as _;
                md5::Md5::digest(bytes).to_vec()
            }
            Hash::Sha1 => {
                use sha1::Digest as _;
                sha1::Sha1::digest(bytes).to_vec()
            }
            Hash::Sha256 => sha2::Sha256::digest(bytes).to_vec(),
            Hash::Sha512 => sha2::Sha512::digest(bytes).to_vec(),
        }
    }
}

fn hex(bytes: &[u8]) -> Value {
    Value::String(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn b64(bytes: &[u8]) -> Value {
    Value::String(base64::engine::general_purpose::STANDARD.encode(bytes))
}

fn of_string(a: &[Value], hash: Hash) -> Result<Vec<u8>, String> {
    Ok(hash.digest(string_arg(a, 0)?.as_bytes()))
}

fn of_file(c: &Call<'_>, a: &[Value], hash: Hash) -> Result<Vec<u8>, String> {
    Ok(hash.digest(&read_bytes(c, &string_arg(a, 0)?)?))
}

pub(super) fn md5(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_string(a, Hash::Md5)?))
}

pub(super) fn sha1(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_string(a, Hash::Sha1)?))
}

pub(super) fn sha512(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_string(a, Hash::Sha512)?))
}

pub(super) fn base64sha512(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(b64(&of_string(a, Hash::Sha512)?))
}

pub(super) fn filemd5(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_file(c, a, Hash::Md5)?))
}

pub(super) fn filesha1(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_file(c, a, Hash::Sha1)?))
}

pub(super) fn filesha256(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_file(c, a, Hash::Sha256)?))
}

pub(super) fn filesha512(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_file(c, a, Hash::Sha512)?))
}

pub(super) fn filebase64sha256(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(b64(&of_file(c, a, Hash::Sha256)?))
}

pub(super) fn filebase64sha512(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(b64(&of_file(c, a, Hash::Sha512)?))
}
