//! Just enough PEM and DER to compare a certificate's public key with a private key and read a
//! certificate's names and validity: ACM's own checks come only at apply time, after other
//! resources may have been changed, and a mismatched key is a common mistake.

use base64::Engine as _;

const SEQUENCE: u8 = 0x30;
const BIT_STRING: u8 = 0x03;
const OCTET_STRING: u8 = 0x04;
const OID: u8 = 0x06;

const OID_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const OID_EC: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const OID_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
const OID_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
const OID_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
const OID_ED25519: &[u8] = &[0x2b, 0x65, 0x70];
const OID_ED448: &[u8] = &[0x2b, 0x65, 0x71];
const OID_RSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
const OID_DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
const OID_COMMON_NAME: &[u8] = &[0x55, 0x04, 0x03];
const OID_SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];

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

struct Der<'a> {
    tag: u8,
    body: &'a [u8],
}

/// One TLV and the bytes after it.
fn read(input: &[u8]) -> Option<(Der<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n].iter().fold(0usize, |acc, b| (acc << 8) | usize::from(*b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((
        Der {
            tag,
            body: &rest[..len],
        },
        &rest[len..],
    ))
}

/// The TLVs of a constructed value's body.
fn items(mut body: &[u8]) -> Option<Vec<Der<'_>>> {
    let mut out = Vec::new();
    while !body.is_empty() {
        let (d, rest) = read(body)?;
        out.push(d);
        body = rest;
    }
    Some(out)
}

fn unsigned(int: &[u8]) -> Vec<u8> {
    let start = int.iter().position(|b| *b != 0).unwrap_or(int.len());
    int[start..].to_vec()
}

fn curve_of(oid: &[u8]) -> Curve {
    match oid {
        OID_P256 => Curve::P256,
        OID_P384 => Curve::P384,
        OID_P521 => Curve::P521,
        _ => Curve::Unknown,
    }
}

fn algorithm_name(oid: &[u8]) -> String {
    match oid {
        OID_ED25519 => "Ed25519".to_string(),
        OID_ED448 => "Ed448".to_string(),
        OID_RSA_PSS => "RSASSA-PSS".to_string(),
        OID_DSA => "DSA".to_string(),
        other => format!("algorithm {}", dotted(other)),
    }
}

fn dotted(oid: &[u8]) -> String {
    let mut parts: Vec<u64> = Vec::new();
    let mut acc: u64 = 0;
    for b in oid {
        acc = (acc << 7) | u64::from(b & 0x7f);
        if b & 0x80 == 0 {
            if parts.is_empty() {
                let first = (acc / 40).min(2);
                parts.push(first);
                parts.push(acc - first * 40);
            } else {
                parts.push(acc);
            }
            acc = 0;
        }
    }
    parts.iter().map(u64::to_string).collect::<Vec<_>>().join(".")
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

/// Seconds since the epoch of a UTCTime or GeneralizedTime.
fn time(d: &Der<'_>) -> Option<i64> {
    let text = std::str::from_utf8(d.body).ok()?.strip_suffix('Z')?;
    let (year, rest) = match d.tag {
        0x17 => {
            let yy: i64 = text.get(0..2)?.parse().ok()?;
            (if yy >= 50 { 1900 + yy } else { 2000 + yy }, text.get(2..)?)
        }
        0x18 => (text.get(0..4)?.parse().ok()?, text.get(4..)?),
        _ => return None,
    };
    let field = |i: usize| -> Option<i64> { rest.get(i..i + 2)?.parse().ok() };
    let (month, day, hour, minute, second) = (field(0)?, field(2)?, field(4)?, field(6)?, field(8)?);
    Some(days_from_civil(year, month, day) * 86_400 + hour * 3600 + minute * 60 + second)
}

/// Days since 1970-01-01 of a date in the proleptic Gregorian calendar.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn string_value(d: &Der<'_>) -> Option<String> {
    match d.tag {
        // UTF8String, PrintableString, T61String, IA5String
        0x0c | 0x13 | 0x14 | 0x16 => String::from_utf8(d.body.to_vec()).ok(),
        // BMPString
        0x1e => {
            let units: Vec<u16> = d
                .body
                .chunks(2)
                .map(|c| Some(u16::from_be_bytes([*c.first()?, *c.get(1)?])))
                .collect::<Option<_>>()?;
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

fn common_name(name: &[u8]) -> Option<String> {
    for rdn in items(name)? {
        for atv in items(rdn.body)? {
            let fields = items(atv.body)?;
            if fields.first()?.body == OID_COMMON_NAME {
                return string_value(fields.get(1)?);
            }
        }
    }
    None
}

fn dns_names(extensions: &[u8]) -> Option<Vec<String>> {
    let (list, _) = read(extensions)?;
    for ext in items(list.body)? {
        let fields = items(ext.body)?;
        if fields.first()?.body != OID_SUBJECT_ALT_NAME {
            continue;
        }
        let value = fields.last()?;
        if value.tag != OCTET_STRING {
            return None;
        }
        let (names, _) = read(value.body)?;
        return Some(
            items(names.body)?
                .iter()
                // dNSName [2] IMPLICIT IA5String
                .filter(|n| n.tag == 0x82)
                .filter_map(|n| String::from_utf8(n.body.to_vec()).ok())
                .collect(),
        );
    }
    Some(Vec::new())
}

fn public_key(spki: &[u8]) -> Option<Key> {
    let parts = items(spki)?;
    let algorithm = items(parts.first()?.body)?;
    let oid = algorithm.first()?;
    let bits = parts.get(1)?;
    if oid.tag != OID || bits.tag != BIT_STRING {
        return None;
    }
    let key = bits.body.get(1..)?;
    Some(match oid.body {
        OID_RSA => {
            let (seq, _) = read(key)?;
            let ints = items(seq.body)?;
            Key::Rsa {
                modulus: unsigned(ints.first()?.body),
                exponent: unsigned(ints.get(1)?.body),
            }
        }
        OID_EC => Key::Ec {
            curve: algorithm.get(1).map(|p| curve_of(p.body)).unwrap_or(Curve::Unknown),
            point: Some(key.to_vec()),
        },
        other => Key::Other(algorithm_name(other)),
    })
}

fn certificate_der(der: &[u8]) -> Option<Certificate> {
    let (outer, _) = read(der)?;
    if outer.tag != SEQUENCE {
        return None;
    }
    let tbs = items(outer.body)?.into_iter().next()?;
    if tbs.tag != SEQUENCE {
        return None;
    }
    let fields = items(tbs.body)?;
    // The version is an explicit [0] that version 1 certificates leave out.
    let i = usize::from(fields.first()?.tag == 0xa0);
    let validity = items(fields.get(i + 3)?.body)?;
    let key = public_key(fields.get(i + 5)?.body)?;
    let extensions = fields.iter().skip(i + 6).find(|f| f.tag == 0xa3);
    Some(Certificate {
        key,
        common_name: common_name(fields.get(i + 4)?.body),
        dns_names: extensions.and_then(|e| dns_names(e.body)).unwrap_or_default(),
        not_before: validity.first().and_then(time),
        not_after: validity.get(1).and_then(time),
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
    let (seq, _) = read(der)?;
    let fields = items(seq.body)?;
    Some(Key::Rsa {
        modulus: unsigned(fields.get(1)?.body),
        exponent: unsigned(fields.get(2)?.body),
    })
}

fn ec_private(der: &[u8], mut curve: Curve) -> Option<Key> {
    let (seq, _) = read(der)?;
    let mut point = None;
    for item in items(seq.body)?.iter().skip(2) {
        match item.tag {
            0xa0 => curve = curve_of(read(item.body)?.0.body),
            0xa1 => point = read(item.body)?.0.body.get(1..).map(<[u8]>::to_vec),
            _ => {}
        }
    }
    Some(Key::Ec { curve, point })
}

fn pkcs8(der: &[u8]) -> Option<Key> {
    let (seq, _) = read(der)?;
    let fields = items(seq.body)?;
    let algorithm = items(fields.get(1)?.body)?;
    let oid = algorithm.first()?.body;
    let key = fields.get(2)?;
    if key.tag != OCTET_STRING {
        return None;
    }
    match oid {
        OID_RSA => rsa_private(key.body),
        OID_EC => ec_private(
            key.body,
            algorithm.get(1).map(|p| curve_of(p.body)).unwrap_or(Curve::Unknown),
        ),
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
        "EC PRIVATE KEY" => ec_private(&block.der, Curve::Unknown),
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
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
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
