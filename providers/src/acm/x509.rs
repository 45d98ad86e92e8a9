//! Certificates and private keys, for the plan-time checks of imported certificates: compare
//! a certificate's public key with the private key, and read the certificate's names and
//! validity. ACM's own checks come only at apply time, after other resources may have been
//! changed, and a mismatched key is a common mistake. x509-cert, pkcs1, pkcs8 and sec1 read
//! the DER; this module only frames PEM leniently (any line width, OpenSSL's legacy headers)
//! and says in plain words what ACM would refuse.

use base64::Engine as _;
use const_oid::ObjectIdentifier;
use der::asn1::UintRef;
use der::Decode;
use x509_cert::ext::pkix::name::GeneralName;
use x509_cert::ext::pkix::SubjectAltName;

const RSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.1");
const EC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.2.1");
const P256: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10045.3.1.7");
const P384: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.34");
const P521: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.132.0.35");
const ED25519: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.112");
const ED448: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.101.113");
const RSA_PSS: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.113549.1.1.10");
const DSA: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.2.840.10040.4.1");

/// A named elliptic curve.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Curve {
    P256,
    P384,
    P521,
    Unknown,
}

/// A public key, from a certificate or derived from a private key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Key {
    /// Modulus and public exponent, without leading zero bytes.
    Rsa { modulus: Vec<u8>, exponent: Vec<u8> },
    /// The curve and the public point (absent from some private key files).
    Ec { curve: Curve, point: Option<Vec<u8>> },
    /// Any other algorithm, by name.
    Other(String),
}

impl Key {
    fn rsa_bits(modulus: &[u8]) -> usize {
        match modulus.first() {
            Some(first) => (modulus.len() - 1) * 8 + (8 - first.leading_zeros() as usize),
            None => 0,
        }
    }

    /// "RSA 2048-bit", "EC P-256", ...
    pub(super) fn describe(&self) -> String {
        match self {
            Key::Rsa { modulus, .. } => format!("RSA {}-bit", Key::rsa_bits(modulus)),
            Key::Ec { curve, .. } => match curve {
                Curve::P256 => "EC P-256".to_string(),
                Curve::P384 => "EC P-384".to_string(),
                Curve::P521 => "EC P-521".to_string(),
                Curve::Unknown => "EC (unknown curve)".to_string(),
            },
            Key::Other(name) => name.clone(),
        }
    }

    /// ACM's name of the key algorithm (`RSA_2048`, `EC_prime256v1`).
    pub(super) fn acm_algorithm(&self) -> Option<String> {
        match self {
            Key::Rsa { modulus, .. } => Some(format!("RSA_{}", Key::rsa_bits(modulus))),
            Key::Ec { curve: Curve::P256, .. } => Some("EC_prime256v1".to_string()),
            Key::Ec { curve: Curve::P384, .. } => Some("EC_secp384r1".to_string()),
            Key::Ec { curve: Curve::P521, .. } => Some("EC_secp521r1".to_string()),
            _ => None,
        }
    }

    /// Why ACM (or the services that use its certificates) would refuse the key; `None`
    /// for RSA 1024/2048-bit and EC P-256/P-384 keys.
    pub(super) fn unsupported(&self) -> Option<String> {
        const REISSUE: &str = "Create a new key and have the certificate issued for it: \
            `openssl req -new -newkey rsa:2048 -nodes -keyout key.pem -out request.csr` (or \
            `-newkey ec -pkeyopt ec_paramgen_curve:prime256v1` for EC P-256), then have your CA sign \
            request.csr; or request the certificate from ACM instead (`domain_name` with \
            `validation_method = \"DNS\"`).";
        match self {
            Key::Rsa { modulus, .. } => match Key::rsa_bits(modulus) {
                1024 | 2048 => None,
                bits if bits > 2048 => Some(format!(
                    "the private key is an RSA {bits}-bit key. ACM stores such certificates, but CloudFront, \
                     Elastic Load Balancing and API Gateway do not accept imported certificates with RSA \
                     keys larger than 2048 bits, so it could not be used where ACM certificates are used. \
                     {REISSUE}"
                )),
                bits => Some(format!(
                    "the private key is an RSA {bits}-bit key; ACM imports RSA keys of 1024 or 2048 bits. {REISSUE}"
                )),
            },
            Key::Ec {
                curve: Curve::P256 | Curve::P384,
                ..
            } => None,
            Key::Ec { curve: Curve::P521, .. } => Some(format!(
                "the private key is an EC P-521 key, which CloudFront, Elastic Load Balancing and API \
                 Gateway do not accept for imported certificates; use EC P-256 or P-384. {REISSUE}"
            )),
            Key::Ec { .. } => Some(format!(
                "the private key is on an elliptic curve ACM does not support; ACM imports EC keys on \
                 P-256 (prime256v1) or P-384 (secp384r1). {REISSUE}"
            )),
            Key::Other(name) => Some(format!(
                "the private key is a {name} key, which ACM cannot import; ACM imports RSA 1024/2048-bit \
                 and EC P-256/P-384 keys. {REISSUE}"
            )),
        }
    }

    /// True when `self` (from a certificate) and `other` (from a private key) are one key.
    pub(super) fn matches(&self, other: &Key) -> bool {
        match (self, other) {
            (
                Key::Rsa { modulus, exponent },
                Key::Rsa {
                    modulus: m2,
                    exponent: e2,
                },
            ) => modulus == m2 && exponent == e2,
            (Key::Ec { curve, point }, Key::Ec { curve: c2, point: p2 }) => {
                curve == c2
                    && match (point, p2) {
                        (Some(a), Some(b)) => x_coordinate(a) == x_coordinate(b),
                        // A key file without its public point cannot be compared without EC
                        // arithmetic; ACM checks it at import.
                        _ => true,
                    }
            }
            // Keys ACM cannot import are refused for that reason alone; comparing them would
            // need their algorithm's arithmetic.
            (Key::Other(a), Key::Other(b)) => a == b,
            _ => false,
        }
    }
}

/// The X coordinate of an EC point, compressed (02/03 || X) or not (04 || X || Y).
fn x_coordinate(point: &[u8]) -> &[u8] {
    match point.split_first() {
        Some((4, rest)) => &rest[..rest.len() / 2],
        Some((_, rest)) => rest,
        None => point,
    }
}

/// What the plan-time checks need to know of a certificate.
pub(super) struct Certificate {
    pub key: Key,
    pub common_name: Option<String>,
    pub dns_names: Vec<String>,
    pub not_before: Option<i64>,
    pub not_after: Option<i64>,
}

impl Certificate {
    /// The domain name ACM reports: the subject's common name, else the first DNS name.
    pub(super) fn domain_name(&self) -> Option<&str> {
        self.common_name
            .as_deref()
            .or_else(|| self.dns_names.first().map(String::as_str))
    }
}

/// A PEM block: its label and decoded bytes.
struct Block {
    label: String,
    der: Vec<u8>,
    encrypted: bool,
}

fn pem_blocks(text: &str) -> Result<Vec<Block>, String> {
    let mut out = Vec::new();
    let mut current: Option<(String, String, bool)> = None;
    for line in text.lines() {
        let line = line.trim();
        if let Some(label) = line.strip_prefix("-----BEGIN ").and_then(|l| l.strip_suffix("-----")) {
            current = Some((label.to_string(), String::new(), false));
            continue;
        }
        if let Some(label) = line.strip_prefix("-----END ").and_then(|l| l.strip_suffix("-----")) {
            let Some((begin, body, encrypted)) = current.take() else {
                return Err(format!("\"-----END {label}-----\" has no BEGIN line before it"));
            };
            if begin != label {
                return Err(format!(
                    "\"-----BEGIN {begin}-----\" ends with \"-----END {label}-----\""
                ));
            }
            let der = base64::engine::general_purpose::STANDARD
                .decode(body.as_bytes())
                .map_err(|e| format!("the {label} block is not valid base64 ({e})"))?;
            out.push(Block {
                label: begin,
                der,
                encrypted,
            });
            continue;
        }
        if let Some((_, body, encrypted)) = current.as_mut() {
            if line.contains(':') {
                // Headers of the traditional OpenSSL format (`Proc-Type: 4,ENCRYPTED`).
                *encrypted |= line.contains("ENCRYPTED");
            } else {
                body.push_str(line);
            }
        }
    }
    if let Some((label, _, _)) = current {
        return Err(format!("\"-----BEGIN {label}-----\" has no END line"));
    }
    if out.is_empty() {
        return Err("it holds no PEM block (text starting with \"-----BEGIN\")".to_string());
    }
    Ok(out)
}

/// The labels and bytes of every PEM block, to compare two PEM texts.
pub(super) fn fingerprint(text: &str) -> Option<Vec<(String, Vec<u8>)>> {
    pem_blocks(text)
        .ok()
        .map(|blocks| blocks.into_iter().map(|b| (b.label, b.der)).collect())
}

/// True when every PEM block of `part` is also in `whole`.
pub(super) fn contains_all(whole: &str, part: &str) -> bool {
    match (fingerprint(whole), fingerprint(part)) {
        (Some(w), Some(p)) => p.iter().all(|b| w.contains(b)),
        _ => whole.trim() == part.trim(),
    }
}

fn unsigned(int: UintRef<'_>) -> Vec<u8> {
    let bytes = int.as_bytes();
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes[start..].to_vec()
}

fn curve_of(oid: Option<ObjectIdentifier>) -> Curve {
    match oid {
        Some(P256) => Curve::P256,
        Some(P384) => Curve::P384,
        Some(P521) => Curve::P521,
        _ => Curve::Unknown,
    }
}

fn algorithm_name(oid: ObjectIdentifier) -> String {
    match oid {
        ED25519 => "Ed25519".to_string(),
        ED448 => "Ed448".to_string(),
        RSA_PSS => "RSASSA-PSS".to_string(),
        DSA => "DSA".to_string(),
        other => format!("algorithm {other}"),
    }
}

/// The named curve in an algorithm's parameters.
fn named_curve(parameters: Option<der::AnyRef<'_>>) -> Option<ObjectIdentifier> {
    parameters.and_then(|p| p.decode_as::<ObjectIdentifier>().ok())
}

fn rsa_public(der: &[u8]) -> Option<Key> {
    let key = pkcs1::RsaPublicKey::<UintRef<'_>>::from_der(der).ok()?;
    Some(Key::Rsa {
        modulus: unsigned(key.modulus),
        exponent: unsigned(key.public_exponent),
    })
}

fn public_key(spki: &x509_cert::spki::SubjectPublicKeyInfoOwned) -> Option<Key> {
    let bits = spki.subject_public_key.as_bytes()?;
    let parameters = spki.algorithm.parameters.as_ref().map(der::asn1::AnyRef::from);
    Some(match spki.algorithm.oid {
        RSA => rsa_public(bits)?,
        EC => Key::Ec {
            curve: curve_of(named_curve(parameters)),
            point: Some(bits.to_vec()),
        },
        other => Key::Other(algorithm_name(other)),
    })
}

fn certificate_der(der: &[u8]) -> Option<Certificate> {
    let cert = x509_cert::Certificate::from_der(der).ok()?;
    let tbs = cert.tbs_certificate();
    let common_name = tbs
        .subject()
        .common_name()
        .ok()
        .flatten()
        .map(|name| name.value().into_owned());
    let dns_names = match tbs.get_extension::<SubjectAltName>() {
        Ok(Some((_, names))) => names
            .0
            .iter()
            .filter_map(|n| match n {
                GeneralName::DnsName(d) => Some(d.to_string()),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    };
    let validity = tbs.validity();
    let seconds = |t: x509_cert::time::Time| i64::try_from(t.to_unix_duration().as_secs()).ok();
    Some(Certificate {
        key: public_key(tbs.subject_public_key_info())?,
        common_name,
        dns_names,
        not_before: seconds(validity.not_before),
        not_after: seconds(validity.not_after),
    })
}

/// The first certificate of a PEM text.
pub(super) fn parse_certificate(text: &str) -> Result<Certificate, String> {
    let blocks = pem_blocks(text)?;
    let block = blocks
        .iter()
        .find(|b| b.label == "CERTIFICATE")
        .ok_or("it holds no \"-----BEGIN CERTIFICATE-----\" block")?;
    certificate_der(&block.der)
        .ok_or_else(|| "its CERTIFICATE block is not a DER-encoded X.509 certificate".to_string())
}

fn rsa_private(der: &[u8]) -> Option<Key> {
    let key = pkcs1::RsaPrivateKey::<UintRef<'_>>::from_der(der).ok()?;
    Some(Key::Rsa {
        modulus: unsigned(key.modulus),
        exponent: unsigned(key.public_exponent),
    })
}

/// A SEC1 key; `curve` is the one PKCS#8 named outside it, if any.
fn ec_private(der: &[u8], curve: Option<ObjectIdentifier>) -> Option<Key> {
    let key = sec1::EcPrivateKey::from_der(der).ok()?;
    let inner = key.parameters.and_then(|p| p.named_curve());
    Some(Key::Ec {
        curve: curve_of(inner.or(curve)),
        point: key.public_key.map(<[u8]>::to_vec),
    })
}

fn pkcs8(der: &[u8]) -> Option<Key> {
    let info = pkcs8::PrivateKeyInfoRef::from_der(der).ok()?;
    let key = info.private_key.as_bytes();
    match info.algorithm.oid {
        RSA => rsa_private(key),
        EC => ec_private(key, named_curve(info.algorithm.parameters)),
        other => Some(Key::Other(algorithm_name(other))),
    }
}

/// The public key of a PEM private key (PKCS#8, PKCS#1 or SEC1).
pub(super) fn parse_private_key(text: &str) -> Result<Key, String> {
    let blocks = pem_blocks(text)?;
    let block = blocks
        .iter()
        .find(|b| b.label.ends_with("PRIVATE KEY"))
        .ok_or("it holds no \"-----BEGIN PRIVATE KEY-----\" block")?;
    if block.encrypted || block.label == "ENCRYPTED PRIVATE KEY" {
        return Err("it is encrypted, and ACM needs the key unencrypted: decrypt it with \
                    `openssl pkey -in key.pem -out key-unencrypted.pem` and keep that file out of version control"
            .to_string());
    }
    let key = match block.label.as_str() {
        "RSA PRIVATE KEY" => rsa_private(&block.der),
        "EC PRIVATE KEY" => ec_private(&block.der, None),
        "PRIVATE KEY" => pkcs8(&block.der),
        other => return Err(format!("\"{other}\" keys are not supported; use an RSA or EC key")),
    };
    key.ok_or_else(|| format!("its {} block is not a DER-encoded key", block.label))
}

/// Problems ACM or the services using the certificate would have with an import, as
/// (attribute, message). Messages never quote key material.
pub(super) fn import_problems(body: &str, key: &str, chain: Option<&str>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let cert = match parse_certificate(body) {
        Ok(c) => Some(c),
        Err(e) => {
            out.push((
                "certificate_body",
                format!("\"certificate_body\" is not a PEM certificate: {e}"),
            ));
            None
        }
    };
    let private = match parse_private_key(key) {
        Ok(k) => Some(k),
        Err(e) => {
            out.push((
                "private_key",
                format!("\"private_key\" is not a usable PEM private key: {e}"),
            ));
            None
        }
    };
    if let Some(chain) = chain {
        match pem_blocks(chain) {
            Ok(blocks) => {
                if blocks
                    .iter()
                    .any(|b| b.label != "CERTIFICATE" || certificate_der(&b.der).is_none())
                {
                    out.push((
                        "certificate_chain",
                        "\"certificate_chain\" must hold only PEM certificates (the intermediate CA \
                         certificates, without the private key)"
                            .to_string(),
                    ));
                }
            }
            Err(e) => out.push(("certificate_chain", format!("\"certificate_chain\" is not PEM: {e}"))),
        }
    }
    if let Some(c) = &cert {
        let now = crate::support::dates::now_secs();
        let date = |secs: i64| super::rfc3339_secs(secs).as_str().unwrap_or_default().to_string();
        if let Some(after) = c.not_after.filter(|a| *a < now) {
            out.push((
                "certificate_body",
                format!(
                    "the certificate expired on {}; ACM does not import expired certificates. Renew it with \
                     your CA and import the new one.",
                    date(after)
                ),
            ));
        }
        if let Some(before) = c.not_before.filter(|b| *b > now) {
            out.push((
                "certificate_body",
                format!(
                    "the certificate is not valid before {}; ACM does not import certificates that are not \
                     valid yet.",
                    date(before)
                ),
            ));
        }
    }
    if let Some(k) = &private {
        if let Some(message) = k.unsupported() {
            out.push(("private_key", message));
        }
    }
    if let (Some(c), Some(k)) = (&cert, &private) {
        if !c.key.matches(k) {
            let (cd, kd) = (c.key.describe(), k.describe());
            let what = if cd == kd {
                format!("both are {cd} keys, but not the same key")
            } else {
                format!("the certificate is for a {cd} key and the private key is a {kd} key")
            };
            out.push((
                "private_key",
                format!(
                    "\"private_key\" does not belong to \"certificate_body\": {what}. Check that the two \
                     files are a pair: `openssl x509 -noout -pubkey -in cert.pem` and \
                     `openssl pkey -pubout -in key.pem` must print the same key."
                ),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    macro_rules! fixture {
        ($name:literal) => {
            include_str!(concat!("../../tests/fixtures/acm/", $name))
        };
    }

    #[test]
    fn every_key_format_and_algorithm_is_read() {
        // PKCS#8 RSA, PKCS#1 RSA, SEC1 EC, PKCS#8 EC, PKCS#8 Ed25519.
        let cases = [
            (
                fixture!("rsa2048.crt"),
                fixture!("rsa2048.key"),
                "RSA 2048-bit",
                Some("RSA_2048"),
            ),
            (
                fixture!("rsa1024.crt"),
                fixture!("rsa1024.key"),
                "RSA 1024-bit",
                Some("RSA_1024"),
            ),
            (
                fixture!("rsa4096.crt"),
                fixture!("rsa4096.key"),
                "RSA 4096-bit",
                Some("RSA_4096"),
            ),
            (
                fixture!("ecp256.crt"),
                fixture!("ecp256.key"),
                "EC P-256",
                Some("EC_prime256v1"),
            ),
            (
                fixture!("ecp384.crt"),
                fixture!("ecp384.key"),
                "EC P-384",
                Some("EC_secp384r1"),
            ),
            (
                fixture!("ecp521.crt"),
                fixture!("ecp521.key"),
                "EC P-521",
                Some("EC_secp521r1"),
            ),
            (fixture!("ed25519.crt"), fixture!("ed25519.key"), "Ed25519", None),
        ];
        for (cert, key, described, acm) in cases {
            let c = parse_certificate(cert).expect("certificate");
            let k = parse_private_key(key).expect("key");
            assert_eq!(c.key.describe(), described);
            assert_eq!(k.describe(), described);
            assert!(
                c.key.matches(&k),
                "{described}: the certificate's key is the private key's"
            );
            assert_eq!(c.key.acm_algorithm().as_deref(), acm);
        }
        let other = parse_private_key(fixture!("other-rsa2048.key")).expect("key");
        let c = parse_certificate(fixture!("rsa2048.crt")).expect("certificate");
        assert!(!c.key.matches(&other));
    }

    #[test]
    fn names_and_validity_come_from_the_certificate() {
        let c = parse_certificate(fixture!("ecp384.crt")).expect("certificate");
        assert_eq!(c.domain_name(), Some("ec384.infinstor.example.com"));
        assert_eq!(
            c.dns_names,
            vec!["ec384.infinstor.example.com", "*.ec384.infinstor.example.com"]
        );
        let (before, after) = (c.not_before.expect("not before"), c.not_after.expect("not after"));
        assert!(
            before > 1_700_000_000 && after > before + 99 * 365 * 86_400,
            "{before} {after}"
        );
        let leaf = parse_certificate(fixture!("leaf.crt")).expect("leaf");
        assert_eq!(leaf.domain_name(), Some("chained.infinstor.example.com"));
        assert_eq!(leaf.dns_names.len(), 2);
    }

    #[test]
    fn what_acm_refuses_is_said_before_apply() {
        let problems = |cert: &str, key: &str, chain: Option<&str>| -> Vec<(&'static str, String)> {
            import_problems(cert, key, chain)
        };
        assert!(problems(fixture!("rsa1024.crt"), fixture!("rsa1024.key"), None).is_empty());
        assert!(problems(fixture!("ecp384.crt"), fixture!("ecp384.key"), None).is_empty());
        assert!(problems(fixture!("leaf.crt"), fixture!("leaf.key"), Some(fixture!("chain.pem"))).is_empty());
        let p = problems(fixture!("ecp521.crt"), fixture!("ecp521.key"), None);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].1.contains("P-521"), "{}", p[0].1);
        let p = problems(fixture!("ed25519.crt"), fixture!("ed25519.key"), None);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].1.contains("Ed25519 key, which ACM cannot import"), "{}", p[0].1);
        // A chain holding a key is refused; so is a chain that is not PEM.
        let p = problems(fixture!("leaf.crt"), fixture!("leaf.key"), Some(fixture!("leaf.key")));
        assert!(p.iter().any(|(a, _)| *a == "certificate_chain"), "{p:?}");
        let p = problems(fixture!("leaf.crt"), fixture!("leaf.key"), Some("not pem"));
        assert!(p.iter().any(|(a, _)| *a == "certificate_chain"), "{p:?}");
    }

    #[test]
    fn pem_framing_problems_are_named() {
        assert!(parse_certificate("-----BEGIN CERTIFICATE-----\nMIIB\n")
            .err()
            .is_some_and(|e| e.contains("has no END line")));
        assert!(
            parse_certificate("-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n")
                .err()
                .is_some_and(|e| e.contains("not valid base64"))
        );
        assert!(
            parse_certificate("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
                .err()
                .is_some_and(|e| e.contains("not a DER-encoded X.509 certificate"))
        );
        let legacy = "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n";
        assert!(parse_private_key(legacy).err().is_some_and(|e| e.contains("encrypted")));
    }
}
