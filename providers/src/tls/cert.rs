//! Certificates and requests: `tls_self_signed_cert`, `tls_cert_request` and
//! `tls_locally_signed_cert`, built from Terraform's arguments and signed by rcgen.

use super::key;
use crate::support::dates::rfc3339_secs;
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use rcgen::{
    BasicConstraints, CertificateParams, CertificateSigningRequestParams, DistinguishedName, DnType,
    ExtendedKeyUsagePurpose, IsCa, Issuer, KeyUsagePurpose, SanType, SerialNumber,
};
use std::collections::BTreeMap;

/// Every value `allowed_uses` takes in Terraform's tls provider.
pub(super) const USES: [&str; 21] = [
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "cert_signing",
    "crl_signing",
    "encipher_only",
    "decipher_only",
    "any_extended",
    "server_auth",
    "client_auth",
    "code_signing",
    "email_protection",
    "ipsec_end_system",
    "ipsec_tunnel",
    "ipsec_user",
    "timestamping",
    "ocsp_signing",
    "microsoft_server_gated_crypto",
    "netscape_server_gated_crypto",
];

/// The `subject` block's attributes and the name type each sets (street address, postal code
/// and serial number have no name of their own in rcgen, so their X.520 OIDs).
pub(super) const SUBJECT: [(&str, fn() -> DnType); 8] = [
    ("common_name", || DnType::CommonName),
    ("organization", || DnType::OrganizationName),
    ("organizational_unit", || DnType::OrganizationalUnitName),
    ("locality", || DnType::LocalityName),
    ("province", || DnType::StateOrProvinceName),
    ("country", || DnType::CountryName),
    ("postal_code", || DnType::CustomDnType(vec![2, 5, 4, 17])),
    ("serial_number", || DnType::CustomDnType(vec![2, 5, 4, 5])),
];
const STREET: [u64; 4] = [2, 5, 4, 9];

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidArgument", message)
}

fn signing_failed(e: rcgen::Error) -> ProviderError {
    ProviderError::new("SigningFailed", format!("the certificate could not be made: {e}"))
}

fn strings(v: &Value) -> Vec<String> {
    v.as_list()
        .map(|items| items.iter().filter_map(|i| i.as_str().map(str::to_string)).collect())
        .unwrap_or_default()
}

fn subject(config: &BTreeMap<String, Value>) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    // A single-nesting block is stored as a list of at most one.
    let Some(block) = config
        .get("subject")
        .and_then(Value::as_list)
        .and_then(<[Value]>::first)
    else {
        return name;
    };
    for (attribute, kind) in SUBJECT {
        if let Some(text) = block.get(attribute).as_str() {
            name.push(kind(), text);
        }
    }
    for street in strings(&block.get("street_address")) {
        name.push(DnType::CustomDnType(STREET.to_vec()), street);
    }
    name
}

fn sans(config: &BTreeMap<String, Value>) -> Result<Vec<SanType>, ProviderError> {
    let get = |k: &str| strings(config.get(k).unwrap_or(&Value::Null));
    let mut out = Vec::new();
    for dns in get("dns_names") {
        let name = dns
            .clone()
            .try_into()
            .map_err(|_| invalid(format!("dns_names: {dns:?} is not an ASCII name")))?;
        out.push(SanType::DnsName(name));
    }
    for ip in get("ip_addresses") {
        let addr = ip
            .parse()
            .map_err(|_| invalid(format!("ip_addresses: {ip:?} is not an IP address")))?;
        out.push(SanType::IpAddress(addr));
    }
    for uri in get("uris") {
        let text = uri
            .clone()
            .try_into()
            .map_err(|_| invalid(format!("uris: {uri:?} is not an ASCII URI")))?;
        out.push(SanType::URI(text));
    }
    Ok(out)
}

fn apply_uses(params: &mut CertificateParams, uses: &[String]) {
    for usage in uses {
        let key_usage = match usage.as_str() {
            "digital_signature" => Some(KeyUsagePurpose::DigitalSignature),
            "content_commitment" => Some(KeyUsagePurpose::ContentCommitment),
            "key_encipherment" => Some(KeyUsagePurpose::KeyEncipherment),
            "data_encipherment" => Some(KeyUsagePurpose::DataEncipherment),
            "key_agreement" => Some(KeyUsagePurpose::KeyAgreement),
            "cert_signing" => Some(KeyUsagePurpose::KeyCertSign),
            "crl_signing" => Some(KeyUsagePurpose::CrlSign),
            "encipher_only" => Some(KeyUsagePurpose::EncipherOnly),
            "decipher_only" => Some(KeyUsagePurpose::DecipherOnly),
            _ => None,
        };
        if let Some(k) = key_usage {
            params.key_usages.push(k);
            continue;
        }
        let extended = match usage.as_str() {
            "any_extended" => ExtendedKeyUsagePurpose::Any,
            "server_auth" => ExtendedKeyUsagePurpose::ServerAuth,
            "client_auth" => ExtendedKeyUsagePurpose::ClientAuth,
            "code_signing" => ExtendedKeyUsagePurpose::CodeSigning,
            "email_protection" => ExtendedKeyUsagePurpose::EmailProtection,
            "timestamping" => ExtendedKeyUsagePurpose::TimeStamping,
            "ocsp_signing" => ExtendedKeyUsagePurpose::OcspSigning,
            "ipsec_end_system" => ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 5]),
            "ipsec_tunnel" => ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 6]),
            "ipsec_user" => ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 5, 5, 7, 3, 7]),
            "microsoft_server_gated_crypto" => ExtendedKeyUsagePurpose::Other(vec![1, 3, 6, 1, 4, 1, 311, 10, 3, 3]),
            // Validation names every other value, so what is left is Netscape's.
            _ => ExtendedKeyUsagePurpose::Other(vec![2, 16, 840, 1, 113_730, 4, 1]),
        };
        params.extended_key_usages.push(extended);
    }
}

/// The validity window, serial number, uses and CA settings of a certificate to sign; returns
/// the attributes they fill in (`validity_start_time`, `validity_end_time`, `id`, ...).
fn issue(
    params: &mut CertificateParams,
    config: &BTreeMap<String, Value>,
) -> Result<BTreeMap<String, Value>, ProviderError> {
    let hours = config
        .get("validity_period_hours")
        .and_then(Value::as_f64)
        .unwrap_or(0.0) as i64;
    let now = crate::support::dates::now_secs();
    let end = now + hours * 3600;
    let at = |secs: i64| {
        time::OffsetDateTime::from_unix_timestamp(secs).map_err(|e| invalid(format!("validity_period_hours: {e}")))
    };
    params.not_before = at(now)?;
    params.not_after = at(end)?;
    // A positive 127-bit serial, random as Terraform's.
    let mut serial = [0u8; 16];
    getrandom::getrandom(&mut serial).map_err(|e| ProviderError::new("RandomnessUnavailable", e.to_string()))?;
    serial[0] &= 0x7f;
    params.serial_number = Some(SerialNumber::from_slice(&serial));
    apply_uses(params, &strings(config.get("allowed_uses").unwrap_or(&Value::Null)));
    if config.get("is_ca_certificate").and_then(Value::as_bool) == Some(true) {
        let max = config.get("max_path_length").and_then(Value::as_f64).unwrap_or(-1.0);
        params.is_ca = IsCa::Ca(if max >= 0.0 {
            BasicConstraints::Constrained(max as u8)
        } else {
            BasicConstraints::Unconstrained
        });
    } else if config.get("set_subject_key_id").and_then(Value::as_bool) == Some(true) {
        // rcgen writes the subject key identifier beside basic constraints (CA: false).
        params.is_ca = IsCa::ExplicitNoCa;
    } else {
        params.is_ca = IsCa::NoCa;
    }
    params.use_authority_key_identifier_extension =
        config.get("set_authority_key_id").and_then(Value::as_bool) == Some(true);
    let mut out = BTreeMap::new();
    out.insert("validity_start_time".into(), rfc3339_secs(now));
    out.insert("validity_end_time".into(), rfc3339_secs(end));
    out.insert("id".into(), Value::string(crate::support::number::decimal(&serial)));
    out.insert("ready_for_renewal".into(), Value::Bool(false));
    Ok(out)
}

fn text(config: &BTreeMap<String, Value>, key: &str) -> Result<String, ProviderError> {
    config
        .get(key)
        .and_then(Value::as_str)
        .map(str::to_string)
        .ok_or_else(|| invalid(format!("{key} is required")))
}

/// `tls_self_signed_cert`: the computed attributes of a new certificate.
pub(super) fn self_signed(config: &BTreeMap<String, Value>) -> Result<BTreeMap<String, Value>, ProviderError> {
    let signer = key::parse(&text(config, "private_key_pem")?, "private_key_pem")?;
    let mut params = CertificateParams::default();
    params.distinguished_name = subject(config);
    params.subject_alt_names = sans(config)?;
    let mut out = issue(&mut params, config)?;
    let cert = params.self_signed(&signer).map_err(signing_failed)?;
    out.insert("cert_pem".into(), Value::string(cert.pem()));
    out.insert("key_algorithm".into(), Value::string(key::algorithm_name(&signer)));
    Ok(out)
}

/// `tls_cert_request`: the request's PEM and key algorithm.
pub(super) fn request(config: &BTreeMap<String, Value>) -> Result<BTreeMap<String, Value>, ProviderError> {
    let signer = key::parse(&text(config, "private_key_pem")?, "private_key_pem")?;
    let mut params = CertificateParams::default();
    params.distinguished_name = subject(config);
    params.subject_alt_names = sans(config)?;
    let csr = params.serialize_request(&signer).map_err(signing_failed)?;
    let pem = csr.pem().map_err(signing_failed)?;
    let mut out = BTreeMap::new();
    out.insert("id".into(), Value::string(super::sha1_hex(pem.as_bytes())));
    out.insert("cert_request_pem".into(), Value::string(pem));
    out.insert("key_algorithm".into(), Value::string(key::algorithm_name(&signer)));
    Ok(out)
}

/// `tls_locally_signed_cert`: a certificate for a request, signed by a CA's key and certificate.
pub(super) fn locally_signed(config: &BTreeMap<String, Value>) -> Result<BTreeMap<String, Value>, ProviderError> {
    let ca_key = key::parse(&text(config, "ca_private_key_pem")?, "ca_private_key_pem")?;
    let ca_algorithm = key::algorithm_name(&ca_key);
    let issuer = Issuer::from_ca_cert_pem(&text(config, "ca_cert_pem")?, ca_key)
        .map_err(|e| invalid(format!("ca_cert_pem is not a PEM certificate: {e}")))?;
    let mut csr = CertificateSigningRequestParams::from_pem(&text(config, "cert_request_pem")?)
        .map_err(|e| invalid(format!("cert_request_pem is not a PEM certificate request: {e}")))?;
    let mut out = issue(&mut csr.params, config)?;
    let cert = csr.signed_by(&issuer).map_err(signing_failed)?;
    out.insert("cert_pem".into(), Value::string(cert.pem()));
    out.insert("ca_key_algorithm".into(), Value::string(ca_algorithm));
    Ok(out)
}

/// Whether a certificate is due for renewal: `early_renewal_hours` or less before it ends.
pub(super) fn due(state: &Value, now: i64) -> bool {
    let end = state
        .get("validity_end_time")
        .as_str()
        .and_then(|t| aws_smithy_types::DateTime::from_str(t, aws_smithy_types::date_time::Format::DateTime).ok());
    let early = state.get("early_renewal_hours").as_f64().unwrap_or(0.0) as i64;
    end.is_some_and(|end| now >= end.secs() - early * 3600)
}
