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

pub(super) fn sha256(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(hex(&of_string(a, Hash::Sha256)?))
}

pub(super) fn base64sha256(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(b64(&of_string(a, Hash::Sha256)?))
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

/// A name-based UUID (version 5: SHA-1) in a namespace given as `dns`, `url`, `oid`, `x500` or
/// a UUID.
pub(super) fn uuidv5(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let (namespace, name) = (string_arg(a, 0)?, string_arg(a, 1)?);
    let ns = match namespace.as_str() {
        "dns" => "6ba7b810-9dad-11d1-80b4-00c04fd430c8".to_string(),
        "url" => "6ba7b811-9dad-11d1-80b4-00c04fd430c8".to_string(),
        "oid" => "6ba7b812-9dad-11d1-80b4-00c04fd430c8".to_string(),
        "x500" => "6ba7b814-9dad-11d1-80b4-00c04fd430c8".to_string(),
        other => other.to_string(),
    };
    let hex: String = ns.chars().filter(|c| *c != '-').collect();
    let bytes: Vec<u8> = (0..hex.len())
        .step_by(2)
        .map(|i| hex.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok()))
        .collect::<Option<_>>()
        .filter(|b: &Vec<u8>| b.len() == 16)
        .ok_or_else(|| {
            invalid(format!(
                "uuidv5 namespace must be dns, url, oid, x500 or a UUID, not {namespace:?}."
            ))
        })?;
    let mut input = bytes;
    input.extend_from_slice(name.as_bytes());
    let mut d = Hash::Sha1.digest(&input);
    d.truncate(16);
    d[6] = (d[6] & 0x0f) | 0x50;
    d[8] = (d[8] & 0x3f) | 0x80;
    let h: String = d.iter().map(|b| format!("{b:02x}")).collect();
    Ok(Value::String(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )))
}

/// `bcrypt`: the string hashed with a random salt at cost 10 (or the second argument), in
/// the `$2a$` form Go's library writes. Like Terraform's, it refuses text beyond bcrypt's 72
/// bytes instead of hashing a prefix of it (the messages keep Terraform's spelling).
pub(super) fn bcrypt(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let text = string_arg(a, 0)?;
    if a.len() > 2 {
        return Err(invalid("bcrypt() takes no more than two arguments."));
    }
    // Go's library takes a cost below its minimum as its default, and refuses one above 31.
    let cost = match if a.len() > 1 { int_arg(c, a, 1)? } else { 10 } {
        cost if cost < 4 => 10,
        cost if cost > 31 => {
            return Err(invalid(format!(
                "error occured generating password crypto/bcrypt: cost {cost} is outside allowed range (4,31)."
            )))
        }
        cost => cost,
    };
    if text.len() > 72 {
        return Err(invalid(
            "error occured generating password bcrypt: password length exceeds 72 bytes.",
        ));
    }
    ::bcrypt::hash_with_result(text.as_bytes(), cost as u32)
        .map(|h| Value::String(h.format_for_version(::bcrypt::Version::TwoA)))
        .map_err(|e| invalid(format!("error occured generating password {e}.")))
}
