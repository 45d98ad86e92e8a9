//! OpenSSH's key formats (RFC 4253 wire encoding, and the `openssh-key-v1` container of
//! unencrypted private keys), so `public_key_openssh` can feed `aws_key_pair` and
//! `private_key_openssh` an `ssh -i`.

use base64::Engine as _;
use engine::core::provider::ProviderError;

fn put_string(out: &mut Vec<u8>, bytes: &[u8]) {
    out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
    out.extend_from_slice(bytes);
}

/// An unsigned big-endian integer as an SSH `mpint`: no leading zeros, and a zero byte in front
/// when the high bit is set, so it is not read as negative.
fn put_mpint(out: &mut Vec<u8>, unsigned: &[u8]) {
    let trimmed: &[u8] = match unsigned.iter().position(|b| *b != 0) {
        Some(first) => &unsigned[first..],
        None => &[],
    };
    if trimmed.first().is_some_and(|b| b & 0x80 != 0) {
        let mut padded = Vec::with_capacity(trimmed.len() + 1);
        padded.push(0);
        padded.extend_from_slice(trimmed);
        put_string(out, &padded);
    } else {
        put_string(out, trimmed);
    }
}

/// The public key blob of an RSA key.
pub(super) fn rsa_public(e: &[u8], n: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, b"ssh-rsa");
    put_mpint(&mut out, e);
    put_mpint(&mut out, n);
    out
}

/// The key-specific private fields of an RSA key (OpenSSH's order).
pub(super) fn rsa_private(n: &[u8], e: &[u8], d: &[u8], iqmp: &[u8], p: &[u8], q: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, b"ssh-rsa");
    for int in [n, e, d, iqmp, p, q] {
        put_mpint(&mut out, int);
    }
    out
}

fn ecdsa_type(curve: &str) -> String {
    format!("ecdsa-sha2-{curve}")
}

/// The public key blob of an ECDSA key; `curve` is OpenSSH's name (`nistp256`).
pub(super) fn ecdsa_public(curve: &str, point: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, ecdsa_type(curve).as_bytes());
    put_string(&mut out, curve.as_bytes());
    put_string(&mut out, point);
    out
}

/// The key-specific private fields of an ECDSA key.
pub(super) fn ecdsa_private(curve: &str, point: &[u8], scalar: &[u8]) -> Vec<u8> {
    let mut out = ecdsa_public(curve, point);
    put_mpint(&mut out, scalar);
    out
}

/// The public key blob of an Ed25519 key.
pub(super) fn ed25519_public(public: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    put_string(&mut out, b"ssh-ed25519");
    put_string(&mut out, public);
    out
}

/// The key-specific private fields of an Ed25519 key (the private part is seed then public key).
pub(super) fn ed25519_private(public: &[u8], seed: &[u8]) -> Vec<u8> {
    let mut out = ed25519_public(public);
    let mut both = seed.to_vec();
    both.extend_from_slice(public);
    put_string(&mut out, &both);
    out
}

/// The key type a public blob starts with (`ssh-rsa`).
pub(super) fn key_type(blob: &[u8]) -> String {
    let len = blob
        .get(..4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        .unwrap_or(0);
    String::from_utf8_lossy(blob.get(4..4 + len).unwrap_or_default()).into_owned()
}

/// An unencrypted `openssh-key-v1` private key in its PEM-like armour.
pub(super) fn private_pem(public_blob: &[u8], private_fields: &[u8]) -> Result<String, ProviderError> {
    let mut check = [0u8; 4];
    getrandom::getrandom(&mut check).map_err(|e| ProviderError::new("RandomnessUnavailable", e.to_string()))?;
    let mut section = Vec::new();
    section.extend_from_slice(&check);
    section.extend_from_slice(&check);
    section.extend_from_slice(private_fields);
    put_string(&mut section, b"");
    // Padded to the cipher's block size ("none": 8) with 1, 2, 3, ...
    let mut pad = 1u8;
    while section.len() % 8 != 0 {
        section.push(pad);
        pad += 1;
    }
    let mut out = b"openssh-key-v1\0".to_vec();
    put_string(&mut out, b"none");
    put_string(&mut out, b"none");
    put_string(&mut out, b"");
    out.extend_from_slice(&1u32.to_be_bytes());
    put_string(&mut out, public_blob);
    put_string(&mut out, &section);
    let body = base64::engine::general_purpose::STANDARD.encode(&out);
    let mut text = String::from("-----BEGIN OPENSSH PRIVATE KEY-----\n");
    for line in body.as_bytes().chunks(70) {
        text.push_str(&String::from_utf8_lossy(line));
        text.push('\n');
    }
    text.push_str("-----END OPENSSH PRIVATE KEY-----\n");
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mpints_are_minimal_and_never_negative() {
        let mut out = Vec::new();
        put_mpint(&mut out, &[0, 0, 0x80, 1]);
        assert_eq!(out, vec![0, 0, 0, 3, 0, 0x80, 1]);
        let mut out = Vec::new();
        put_mpint(&mut out, &[0, 0x7f]);
        assert_eq!(out, vec![0, 0, 0, 1, 0x7f]);
        let mut out = Vec::new();
        put_mpint(&mut out, &[0, 0]);
        assert_eq!(out, vec![0, 0, 0, 0]);
    }

    #[test]
    fn the_key_type_is_the_blobs_first_string() {
        assert_eq!(key_type(&ed25519_public(&[7; 32])), "ssh-ed25519");
        assert_eq!(key_type(&ecdsa_public("nistp384", &[4; 97])), "ecdsa-sha2-nistp384");
        assert_eq!(key_type(&[0, 0]), "");
    }

    #[test]
    fn the_private_section_is_padded_to_eight_bytes() {
        let text = private_pem(&ed25519_public(&[1; 32]), &ed25519_private(&[1; 32], &[2; 32])).expect("armoured");
        let body: String = text.lines().filter(|l| !l.starts_with("-----")).collect();
        let raw = base64::engine::general_purpose::STANDARD.decode(body).expect("base64");
        assert!(raw.starts_with(b"openssh-key-v1\0"));
        // magic (15) + "none" (8) + "none" (8) + "" (4) + count (4) + public blob (4 + 51) + section length (4)
        let section_len = u32::from_be_bytes([raw[94], raw[95], raw[96], raw[97]]) as usize;
        assert_eq!(section_len % 8, 0);
        assert_eq!(raw.len(), 98 + section_len);
    }
}
