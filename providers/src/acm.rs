//! ACM: requested and imported certificates (`aws_acm_certificate`) and the wait for a requested
//! certificate's validation (`aws_acm_certificate_validation`).
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider. Where we differ, it
//! is on purpose:
//!
//! - `domain_validation_options` is known at plan time for DNS validation: one object per
//!   domain (the domain name and SANs, a wildcard `*.x` and `x` both listed as Terraform does)
//!   with the record name and value unknown. The pattern from the Terraform docs,
//!   `for_each = { for dvo in aws_acm_certificate.c.domain_validation_options : dvo.domain_name => ... }`,
//!   therefore has known keys in the very first plan.
//! - An imported certificate's `private_key` is never written to state or to a plan: both hold
//!   `sha256:<hex>` of the PEM text. The PEM itself stays in this process's memory between
//!   plan and apply; the engine plans again at apply time (the configured PEM never equals the
//!   planned digest), so the key is always at hand when ACM needs it.
//! - Right before a create calls ACM, the import handle `token:<token>:<domain>` is journaled.
//!   The token is the request's `IdempotencyToken` (a retried request never issues a second
//!   certificate) and is also put on the certificate as the tag `infinstor:intent` until the
//!   create finishes, so `import` can find a certificate whose create was interrupted by listing
//!   the certificates of that domain and matching the tag. `import` also takes an ARN.
//! - The key of an imported certificate is checked at plan time, without any network call: it
//!   must be an RSA 1024/2048-bit or EC P-256/P-384 key and belong to the certificate.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, DataType, ResourceType};
use crate::support::attrs::{
    call, get, into_state, list_of_strings, map_of_strings, problem, set_of_strings, set_value, sref, string_map,
    string_set, State,
};
use crate::support::attrs::{default_to, finish};
use crate::support::dates::{rfc3339, rfc3339_secs};
use crate::support::error::is_not_found;
use crate::support::naming::{hex, intent_token, INTENT_TAG};
use crate::support::tags::{split_tags, tag_diff, tags_all};
use crate::support::wait::backoff;
use aws_sdk_acm::types::{
    CertificateDetail, CertificateOptions, CertificateStatus, CertificateType, Filters, KeyAlgorithm, Tag,
    ValidationMethod,
};
use aws_smithy_types::Blob;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(Certificate), Box::new(CertificateValidation)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    Vec::new()
}

fn elapsed_text(start: Instant) -> String {
    let s = start.elapsed().as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}

// ---------------------------------------------------------------------------------------------
// Private keys: digests in state, PEM in memory
// ---------------------------------------------------------------------------------------------

const DIGEST_PREFIX: &str = "sha256:";

/// PEM texts of private keys seen while planning, by digest. Only this process ever holds them.
fn key_vault() -> &'static Mutex<BTreeMap<String, String>> {
    static VAULT: OnceLock<Mutex<BTreeMap<String, String>>> = OnceLock::new();
    VAULT.get_or_init(|| Mutex::new(BTreeMap::new()))
}

/// The digest state keeps for a private key: line endings and surrounding blank space do not
/// count, so a file checked out on Windows is the same key.
fn key_digest(pem: &str) -> String {
    let normalized: String = pem.trim().replace("\r\n", "\n");
    format!("{DIGEST_PREFIX}{}", hex(&Sha256::digest(normalized.as_bytes())))
}

/// Remembers a configured key and returns its digest; a value that already is a digest (a
/// prior state's) is returned as it is.
fn remember_key(value: &str) -> String {
    if value.starts_with(DIGEST_PREFIX) {
        return value.to_string();
    }
    let digest = key_digest(value);
    if let Ok(mut vault) = key_vault().lock() {
        vault.insert(digest.clone(), value.to_string());
    }
    digest
}

/// The PEM of a planned key digest.
fn recall_key(digest: &str) -> Result<String, ProviderError> {
    key_vault()
        .lock()
        .ok()
        .and_then(|vault| vault.get(digest).cloned())
        .ok_or_else(|| {
            ProviderError::new(
                "PrivateKeyUnavailable",
                "the imported certificate's private_key is not at hand: state and plans keep only its \
                 digest, and the key itself is read from the configuration when planning. Run apply \
                 again with the configuration that holds the key.",
            )
        })
}

// ---------------------------------------------------------------------------------------------
// aws_acm_certificate
// ---------------------------------------------------------------------------------------------

struct Certificate;

/// Key algorithms RequestCertificate accepts.
const KEY_ALGORITHMS: [&str; 7] = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
];

/// How long ACM may take to publish the DNS validation records of a new certificate.
const RECORDS_TIMEOUT: Duration = Duration::from_secs(300);

/// How long a certificate may stay in use by a service that is letting go of it (a load
/// balancer deleted in the same apply) before its delete gives up.
const IN_USE_TIMEOUT: Duration = Duration::from_secs(600);

fn describe(ctx: &Ctx, arn: &str) -> Result<Option<CertificateDetail>, ProviderError> {
    match call(
        ctx,
        &format!("reading ACM Certificate ({arn})"),
        ctx.acm.describe_certificate().certificate_arn(arn).send(),
    ) {
        Ok(out) => Ok(out.certificate().cloned()),
        Err(e) if is_not_found(&e.code) => Ok(None),
        Err(e) => Err(e),
    }
}

fn remote_tags(ctx: &Ctx, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let out = call(
        ctx,
        &format!("listing tags of ACM Certificate ({arn})"),
        ctx.acm.list_tags_for_certificate().certificate_arn(arn).send(),
    )?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().unwrap_or("").to_string()))
        .collect())
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ProviderError::new("InvalidTag", format!("tag {k:?}: {e}")))
        })
        .collect()
}

fn remove_tags(ctx: &Ctx, arn: &str, keys: &[String]) -> Result<(), ProviderError> {
    if keys.is_empty() {
        return Ok(());
    }
    let tags = keys
        .iter()
        .map(|k| {
            Tag::builder()
                .key(k)
                .build()
                .map_err(|e| ProviderError::new("InvalidTag", format!("tag {k:?}: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    call(
        ctx,
        &format!("untagging ACM Certificate ({arn})"),
        ctx.acm
            .remove_tags_from_certificate()
            .certificate_arn(arn)
            .set_tags(Some(tags))
            .send(),
    )?;
    Ok(())
}

fn add_tags(ctx: &Ctx, arn: &str, tags: &BTreeMap<String, String>) -> Result<(), ProviderError> {
    if tags.is_empty() {
        return Ok(());
    }
    call(
        ctx,
        &format!("tagging ACM Certificate ({arn})"),
        ctx.acm
            .add_tags_to_certificate()
            .certificate_arn(arn)
            .set_tags(Some(sdk_tags(tags)?))
            .send(),
    )?;
    Ok(())
}

/// The `options` block's logging preference, defaulted as ACM does.
fn logging_preference(v: &Value) -> String {
    v.get("options")
        .as_list()
        .and_then(|items| items.first())
        .and_then(|o| {
            o.get("certificate_transparency_logging_preference")
                .as_str()
                .map(str::to_string)
        })
        .unwrap_or_else(|| "ENABLED".to_string())
}

// ACM deprecated opting out of certificate transparency logging, but Terraform configurations
// still carry the `options` block, and ACM still reports the preference.
#[allow(deprecated)]
fn certificate_options(preference: &str) -> CertificateOptions {
    CertificateOptions::builder()
        .certificate_transparency_logging_preference(
            aws_sdk_acm::types::CertificateTransparencyLoggingPreference::from(preference),
        )
        .build()
}

#[allow(deprecated)]
fn remote_logging_preference(detail: &CertificateDetail) -> String {
    detail
        .options()
        .and_then(|o| o.certificate_transparency_logging_preference())
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "ENABLED".to_string())
}

/// The import handle of a create: the token and the domain to look under.
fn token_handle(token: &str, domain: &str) -> String {
    format!("token:{token}:{domain}")
}

/// Domains ACM validates for a certificate: the domain name and every SAN, once each, sorted.
fn validation_domains(domain: &str, sans: &[String]) -> Vec<String> {
    let set: BTreeSet<String> = std::iter::once(domain.to_string())
        .chain(sans.iter().cloned())
        .collect();
    set.into_iter().collect()
}

/// `domain_validation_options` as planned: the domains are known, the records are not.
fn planned_validation_options(domain: &str, sans: &[String]) -> Value {
    Value::List(
        validation_domains(domain, sans)
            .into_iter()
            .map(|d| {
                engine::core::value::map([
                    ("domain_name", Value::String(d)),
                    ("resource_record_name", Value::Unknown),
                    ("resource_record_type", Value::from("CNAME")),
                    ("resource_record_value", Value::Unknown),
                ])
            })
            .collect(),
    )
}

/// Problems with a domain name ACM would reject.
fn domain_problem(domain: &str) -> Option<String> {
    if domain.is_empty() || domain.len() > 253 {
        return Some(format!("{domain:?} must be 1 to 253 characters long"));
    }
    if domain.ends_with('.') {
        return Some(format!(
            "{domain:?} must not end with a period: ACM takes domain names without the trailing dot"
        ));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    for (i, label) in labels.iter().enumerate() {
        let wildcard = i == 0 && *label == "*";
        if !wildcard
            && (label.is_empty() || label.len() > 63 || !label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        {
            return Some(format!(
                "{domain:?} is not a valid domain name: each label must be 1 to 63 letters, digits or \
                 hyphens, and only the first label may be the wildcard \"*\""
            ));
        }
    }
    None
}

/// True when two PEM texts hold the same blocks (whitespace and line endings aside).
fn pem_equal(a: &str, b: &str) -> bool {
    match (x509::fingerprint(a), x509::fingerprint(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// The prior PEM text when it says the same as `remote`, so formatting never shows as drift.
fn keep_prior_pem(prior: &Value, remote: &str) -> Value {
    match prior.as_str() {
        Some(p) if pem_equal(p, remote) => Value::string(p),
        _ => Value::string(remote),
    }
}

impl Certificate {
    /// The state of a certificate, keeping from `prior` what ACM does not return (the private
    /// key digest) or returns formatted differently. `prior` is `Null` when importing.
    fn state(
        &self,
        ctx: &Ctx,
        detail: &CertificateDetail,
        tags: BTreeMap<String, String>,
        pem: Option<(String, Option<String>)>,
        prior: &Value,
    ) -> Value {
        let mut st = State::new();
        let arn = detail.certificate_arn().unwrap_or_default().to_string();
        st.insert("arn".into(), Value::string(&arn));
        st.insert("id".into(), Value::string(&arn));
        let domain = detail.domain_name().unwrap_or_default().to_string();
        st.insert("domain_name".into(), Value::string(&domain));
        // Terraform leaves the domain name out of the SANs (ACM always lists it there), unless
        // the configuration named it.
        let prior_sans = string_set(&prior.get("subject_alternative_names"));
        let sans: Vec<&str> = detail
            .subject_alternative_names()
            .iter()
            .map(String::as_str)
            .filter(|s| *s != domain || prior_sans.iter().any(|p| p == s))
            .collect();
        st.insert("subject_alternative_names".into(), set_value(&sans));
        let kind = detail.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
        st.insert("type".into(), Value::string(&kind));
        st.insert(
            "status".into(),
            detail
                .status()
                .map(|s| Value::string(s.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "key_algorithm".into(),
            detail
                .key_algorithm()
                .map(|k| Value::string(k.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "certificate_authority_arn".into(),
            detail
                .certificate_authority_arn()
                .map(Value::string)
                .unwrap_or(Value::Null),
        );
        st.insert(
            "not_before".into(),
            detail.not_before().map(rfc3339).unwrap_or(Value::Null),
        );
        st.insert(
            "not_after".into(),
            detail.not_after().map(rfc3339).unwrap_or(Value::Null),
        );

        let amazon_issued = matches!(detail.r#type(), Some(CertificateType::AmazonIssued));
        let method = if amazon_issued {
            detail
                .domain_validation_options()
                .iter()
                .find_map(|d| d.validation_method().map(|m| m.as_str().to_string()))
                .or_else(|| sref(prior, "validation_method").map(str::to_string))
                .unwrap_or_else(|| "NONE".to_string())
        } else {
            "NONE".to_string()
        };
        st.insert("validation_method".into(), Value::string(&method));
        let mut options: Vec<Value> = Vec::new();
        let mut emails: Vec<String> = Vec::new();
        if amazon_issued {
            for d in detail.domain_validation_options() {
                emails.extend(d.validation_emails().iter().cloned());
                if let Some(r) = d.resource_record() {
                    options.push(engine::core::value::map([
                        ("domain_name", Value::string(d.domain_name())),
                        ("resource_record_name", Value::string(r.name())),
                        ("resource_record_type", Value::string(r.r#type().as_str())),
                        ("resource_record_value", Value::string(r.value())),
                    ]));
                }
            }
        }
        options.sort_by_key(|o| {
            (
                o.get("domain_name").to_string(),
                o.get("resource_record_name").to_string(),
            )
        });
        st.insert("domain_validation_options".into(), Value::List(options));
        st.insert("validation_emails".into(), Value::from(emails));

        // An `options` block only when the configuration had one or ACM's differs from the
        // default, since a block cannot be computed.
        let preference = remote_logging_preference(detail);
        let had_block = prior.get("options").as_list().map(|l| !l.is_empty()).unwrap_or(false);
        let block = if had_block || preference != "ENABLED" {
            vec![engine::core::value::map([(
                "certificate_transparency_logging_preference",
                Value::string(&preference),
            )])]
        } else {
            Vec::new()
        };
        st.insert("options".into(), Value::List(block));

        let importing = prior.is_null();
        match pem {
            Some((body, chain)) => {
                st.insert(
                    "certificate_body".into(),
                    keep_prior_pem(&prior.get("certificate_body"), &body),
                );
                let prior_chain = prior.get("certificate_chain");
                let chain_value = match (prior_chain.as_str(), chain) {
                    // ACM may return the chain with its own root appended (moto does); what
                    // was imported is still all there.
                    (Some(p), Some(c)) if x509::contains_all(&c, p) => Value::string(p),
                    (_, Some(c)) if importing => Value::string(c),
                    (Some(_), Some(c)) => Value::string(c),
                    (Some(_), None) => Value::Null,
                    (None, _) => Value::Null,
                };
                st.insert("certificate_chain".into(), chain_value);
                st.insert("private_key".into(), prior.get("private_key"));
            }
            None => {
                st.insert("certificate_body".into(), Value::Null);
                st.insert("certificate_chain".into(), Value::Null);
                st.insert("private_key".into(), Value::Null);
            }
        }
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        finish(&self.schema(), st)
    }

    /// Reads a certificate by ARN; `None` when it does not exist.
    fn read_arn(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(detail) = describe(ctx, arn)? else {
            return Ok(None);
        };
        let tags = remote_tags(ctx, arn)?;
        let pem = if matches!(detail.r#type(), Some(CertificateType::Imported)) {
            let out = call(
                ctx,
                &format!("reading the body of ACM Certificate ({arn})"),
                ctx.acm.get_certificate().certificate_arn(arn).send(),
            )?;
            out.certificate()
                .map(|b| (b.to_string(), out.certificate_chain().map(str::to_string)))
        } else {
            None
        };
        Ok(Some(self.state(ctx, &detail, tags, pem, prior)))
    }

    /// The ARN of the certificate of `domain` carrying the intent tag `token`.
    fn find_by_token(&self, ctx: &Ctx, token: &str, domain: &str) -> Result<Option<String>, ProviderError> {
        // Without `Includes`, ListCertificates returns RSA_2048 certificates only.
        let filters = Filters::builder()
            .set_key_types(Some(KEY_ALGORITHMS.iter().map(|k| KeyAlgorithm::from(*k)).collect()))
            .build();
        let mut next: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing ACM Certificates",
                ctx.acm
                    .list_certificates()
                    .includes(filters.clone())
                    .set_next_token(next.clone())
                    .send(),
            )?;
            for summary in page.certificate_summary_list() {
                let (Some(arn), Some(name)) = (summary.certificate_arn(), summary.domain_name()) else {
                    continue;
                };
                if !name.eq_ignore_ascii_case(domain) {
                    continue;
                }
                let tags = match remote_tags(ctx, arn) {
                    Ok(tags) => tags,
                    Err(e) if is_not_found(&e.code) => continue,
                    Err(e) => return Err(e),
                };
                if tags.get(INTENT_TAG).map(String::as_str) == Some(token) {
                    return Ok(Some(arn.to_string()));
                }
            }
            match page.next_token() {
                Some(t) if !t.is_empty() => next = Some(t.to_string()),
                _ => return Ok(None),
            }
        }
    }

    /// Waits until ACM has published a DNS record for every domain of a new certificate, so the
    /// state (and the Route53 records made from it) is complete.
    fn wait_for_records(&self, ctx: &Ctx, arn: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let start = Instant::now();
        let mut delay = Duration::from_millis(500);
        loop {
            // A certificate may be invisible to DescribeCertificate for a moment after the
            // request returned its ARN.
            let ready = match describe(ctx, arn)? {
                Some(detail) => {
                    let dvos = detail.domain_validation_options();
                    !dvos.is_empty() && dvos.iter().all(|d| d.resource_record().is_some())
                }
                None if start.elapsed() < Duration::from_secs(30) => false,
                None => {
                    return Err(ProviderError::new(
                        "ResourceNotFoundException",
                        format!("ACM Certificate ({arn}) disappeared right after it was requested"),
                    ))
                }
            };
            if ready {
                return Ok(());
            }
            if start.elapsed() >= RECORDS_TIMEOUT {
                return Err(ProviderError::new(
                    "Timeout",
                    format!(
                        "ACM did not publish the DNS validation records of certificate {arn} within {}. \
                         Run apply again: the certificate is recorded in state and will be replaced.",
                        elapsed_text(start)
                    ),
                ));
            }
            progress(&format!(
                "waiting for ACM to publish the DNS validation records of {arn} ({} so far)",
                elapsed_text(start)
            ));
            delay = backoff(delay, Duration::from_secs(10));
        }
    }

    /// What to record when a create failed after the certificate exists.
    fn partial(&self, planned: &Value, arn: &str) -> Value {
        let mut st = into_state(planned);
        st.insert("arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(arn));
        finish(&self.schema(), st)
    }

    /// After ACM accepted the create: drop the intent tag and read the certificate back.
    fn after_create(&self, ctx: &Ctx, arn: &str, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        let dns = sref(planned, "validation_method") == Some("DNS");
        let result = (|| {
            if dns {
                self.wait_for_records(ctx, arn, progress)?;
            }
            remove_tags(ctx, arn, &[INTENT_TAG.to_string()])?;
            self.read_arn(ctx, arn, planned)
        })();
        match result {
            Ok(Some(state)) => (Some(state), None),
            Ok(None) => (
                None,
                Some(ProviderError::new(
                    "ResourceNotFoundException",
                    format!("ACM Certificate ({arn}) is not readable after it was created"),
                )),
            ),
            Err(e) => (Some(self.partial(planned, arn)), Some(e)),
        }
    }

    fn create_requested(
        &self,
        ctx: &Ctx,
        planned: &Value,
        intent: &dyn Fn(&str),
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let Some(domain) = sref(planned, "domain_name") else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "requesting ACM Certificate: domain_name is required",
                )),
            );
        };
        let sans = string_set(&planned.get("subject_alternative_names"));
        let method = sref(planned, "validation_method").filter(|m| *m != "NONE");
        let key_algorithm = sref(planned, "key_algorithm").unwrap_or("RSA_2048");
        let ca = sref(planned, "certificate_authority_arn");
        let token = intent_token(&[
            domain,
            &sans.join(","),
            method.unwrap_or(""),
            key_algorithm,
            ca.unwrap_or(""),
        ]);
        let mut tags = string_map(&tags_all(ctx, &planned.get("tags")));
        tags.insert(INTENT_TAG.to_string(), token.clone());
        let tags = match sdk_tags(&tags) {
            Ok(t) => t,
            Err(e) => return (None, Some(e)),
        };
        let options = certificate_options(&logging_preference(planned));
        let req = ctx
            .acm
            .request_certificate()
            .domain_name(domain)
            .idempotency_token(&token)
            .key_algorithm(KeyAlgorithm::from(key_algorithm))
            .set_subject_alternative_names(if sans.is_empty() { None } else { Some(sans.clone()) })
            .set_validation_method(method.map(ValidationMethod::from))
            .set_certificate_authority_arn(ca.map(str::to_string))
            .options(options)
            .set_tags(Some(tags));
        progress(&format!("requesting an ACM certificate for {domain}"));
        intent(&token_handle(&token, domain));
        let arn = match call(ctx, &format!("requesting ACM Certificate ({domain})"), req.send()) {
            Ok(out) => match out.certificate_arn() {
                Some(arn) => arn.to_string(),
                None => {
                    return (
                        None,
                        Some(ProviderError::new(
                            "InvalidResponse",
                            format!("requesting ACM Certificate ({domain}): ACM returned no ARN"),
                        )),
                    )
                }
            },
            Err(e) => return (None, Some(e)),
        };
        self.after_create(ctx, &arn, planned, progress)
    }

    fn create_imported(
        &self,
        ctx: &Ctx,
        planned: &Value,
        intent: &dyn Fn(&str),
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let (Some(body), Some(digest)) = (sref(planned, "certificate_body"), sref(planned, "private_key")) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "importing ACM Certificate: certificate_body and private_key are required",
                )),
            );
        };
        let key = match recall_key(digest) {
            Ok(k) => k,
            Err(e) => return (None, Some(e)),
        };
        let domain = sref(planned, "domain_name").unwrap_or("");
        let token = intent_token(&[domain, digest]);
        let mut tags = string_map(&tags_all(ctx, &planned.get("tags")));
        tags.insert(INTENT_TAG.to_string(), token.clone());
        let tags = match sdk_tags(&tags) {
            Ok(t) => t,
            Err(e) => return (None, Some(e)),
        };
        let req = ctx
            .acm
            .import_certificate()
            .certificate(Blob::new(body.as_bytes()))
            .private_key(Blob::new(key.as_bytes()))
            .set_certificate_chain(sref(planned, "certificate_chain").map(|c| Blob::new(c.as_bytes())))
            .set_tags(Some(tags));
        progress(&format!("importing a certificate for {domain} into ACM"));
        intent(&token_handle(&token, domain));
        let arn = match call(ctx, &format!("importing ACM Certificate ({domain})"), req.send()) {
            Ok(out) => match out.certificate_arn() {
                Some(arn) => arn.to_string(),
                None => {
                    return (
                        None,
                        Some(ProviderError::new(
                            "InvalidResponse",
                            format!("importing ACM Certificate ({domain}): ACM returned no ARN"),
                        )),
                    )
                }
            },
            Err(e) => return (None, Some(e)),
        };
        self.after_create(ctx, &arn, planned, progress)
    }

    fn update_inner(&self, ctx: &Ctx, arn: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        if let Some(body) = sref(planned, "certificate_body") {
            let chain = sref(planned, "certificate_chain");
            let changed = !prior
                .get("certificate_body")
                .as_str()
                .map(|p| pem_equal(p, body))
                .unwrap_or(false)
                || match (prior.get("certificate_chain").as_str(), chain) {
                    (Some(a), Some(b)) => !pem_equal(a, b),
                    (None, None) => false,
                    _ => true,
                }
                || prior.get("private_key").as_str() != sref(planned, "private_key");
            if changed {
                let digest = sref(planned, "private_key").unwrap_or("");
                let key = recall_key(digest)?;
                // Re-importing keeps the ARN, so whatever uses the certificate keeps using it.
                call(
                    ctx,
                    &format!("re-importing ACM Certificate ({arn})"),
                    ctx.acm
                        .import_certificate()
                        .certificate_arn(arn)
                        .certificate(Blob::new(body.as_bytes()))
                        .private_key(Blob::new(key.as_bytes()))
                        .set_certificate_chain(chain.map(|c| Blob::new(c.as_bytes())))
                        .send(),
                )?;
            }
        } else {
            let wanted = logging_preference(planned);
            if wanted != logging_preference(prior) {
                call(
                    ctx,
                    &format!("updating options of ACM Certificate ({arn})"),
                    ctx.acm
                        .update_certificate_options()
                        .certificate_arn(arn)
                        .options(certificate_options(&wanted))
                        .send(),
                )?;
            }
        }
        let (set, remove) = tag_diff(&prior.get("tags_all"), &tags_all(ctx, &planned.get("tags")));
        remove_tags(ctx, arn, &remove)?;
        add_tags(ctx, arn, &set)?;
        Ok(())
    }

    fn plan_requested(&self, st: &mut State) {
        let ca = !get(st, "certificate_authority_arn").is_null();
        default_to(st, "key_algorithm", Value::from("RSA_2048"));
        default_to(st, "subject_alternative_names", Value::List(Vec::new()));
        default_to(st, "type", Value::from(if ca { "PRIVATE" } else { "AMAZON_ISSUED" }));
        if ca {
            default_to(st, "validation_method", Value::from("NONE"));
        }
        for key in ["certificate_body", "certificate_chain", "private_key"] {
            st.insert(key.to_string(), Value::Null);
        }
        let sans = get(st, "subject_alternative_names").clone();
        if !sans.contains_unknown() {
            st.insert("subject_alternative_names".into(), set_value(&string_set(&sans)));
        }
        let method = get(st, "validation_method").as_str().map(str::to_string);
        if get(st, "domain_validation_options").is_unknown() {
            let options = match (method.as_deref(), get(st, "domain_name").as_str()) {
                (Some("DNS"), Some(domain)) if !sans.contains_unknown() => {
                    planned_validation_options(domain, &string_set(&sans))
                }
                (Some("EMAIL" | "NONE"), _) => Value::List(Vec::new()),
                _ => Value::Unknown,
            };
            st.insert("domain_validation_options".into(), options);
        }
        if matches!(method.as_deref(), Some("DNS" | "NONE")) {
            default_to(st, "validation_emails", Value::List(Vec::new()));
        }
    }

    fn plan_imported(&self, st: &mut State, prior: Option<&Value>) {
        if let Some(key) = get(st, "private_key").as_str().map(str::to_string) {
            st.insert("private_key".into(), Value::string(remember_key(&key)));
        }
        // Whitespace-only edits of a PEM are no change.
        for key in ["certificate_body", "certificate_chain"] {
            let configured = get(st, key).as_str().map(str::to_string);
            if let (Some(p), Some(c)) = (prior.map(|p| p.get(key)), configured) {
                if p.as_str().map(|p| pem_equal(p, &c)).unwrap_or(false) {
                    st.insert(key.to_string(), p);
                }
            }
        }
        let parsed = get(st, "certificate_body")
            .as_str()
            .and_then(|b| x509::parse_certificate(b).ok());
        match parsed {
            Some(cert) => {
                let domain = cert.domain_name().unwrap_or_default().to_string();
                let sans: Vec<&str> = cert
                    .dns_names
                    .iter()
                    .map(String::as_str)
                    .filter(|s| *s != domain)
                    .collect();
                st.insert("subject_alternative_names".into(), set_value(&sans));
                st.insert("domain_name".into(), Value::string(domain));
                st.insert(
                    "key_algorithm".into(),
                    cert.key.acm_algorithm().map(Value::String).unwrap_or(Value::Unknown),
                );
                st.insert(
                    "not_before".into(),
                    cert.not_before.map(rfc3339_secs).unwrap_or(Value::Unknown),
                );
                st.insert(
                    "not_after".into(),
                    cert.not_after.map(rfc3339_secs).unwrap_or(Value::Unknown),
                );
            }
            None => {
                for key in [
                    "domain_name",
                    "subject_alternative_names",
                    "key_algorithm",
                    "not_before",
                    "not_after",
                ] {
                    st.insert(key.to_string(), Value::Unknown);
                }
            }
        }
        st.insert("validation_method".into(), Value::from("NONE"));
        st.insert("type".into(), Value::from("IMPORTED"));
        st.insert("status".into(), Value::from("ISSUED"));
        st.insert("domain_validation_options".into(), Value::List(Vec::new()));
        st.insert("validation_emails".into(), Value::List(Vec::new()));
        st.insert("certificate_authority_arn".into(), Value::Null);
    }
}

impl ResourceType for Certificate {
    fn type_name(&self) -> &'static str {
        "aws_acm_certificate"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("domain_name", Attribute::optional_computed(Type::String).force_new())
            .attr(
                "subject_alternative_names",
                Attribute::optional_computed(set_of_strings()).force_new(),
            )
            .attr(
                "validation_method",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("key_algorithm", Attribute::optional_computed(Type::String).force_new())
            .attr(
                "certificate_authority_arn",
                Attribute::optional(Type::String).force_new(),
            )
            .attr("certificate_body", Attribute::optional(Type::String))
            .attr("certificate_chain", Attribute::optional(Type::String))
            .attr("private_key", Attribute::optional(Type::String).sensitive())
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("status", Attribute::computed(Type::String))
            .attr("type", Attribute::computed(Type::String))
            .attr(
                "domain_validation_options",
                Attribute::computed(Type::Set(Box::new(map_of_strings()))),
            )
            .attr("validation_emails", Attribute::computed(list_of_strings()))
            .attr("not_before", Attribute::computed(Type::String))
            .attr("not_after", Attribute::computed(Type::String))
            .block(
                "options",
                Nesting::Single,
                Schema::new().attr(
                    "certificate_transparency_logging_preference",
                    Attribute::optional(Type::String),
                ),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let domain = config.get("domain_name");
        let body = config.get("certificate_body");
        let requested = !domain.is_null();
        let imported = !body.is_null();
        if requested && imported {
            out.push(problem(
                "certificate_body",
                "\"domain_name\" requests a certificate from ACM and \"certificate_body\" imports one: set only one of them",
            ));
        } else if !requested && !imported {
            out.push(ValidateProblem {
                attribute: None,
                message: "set \"domain_name\" (with \"validation_method\") to request a certificate from ACM, or \
                          \"certificate_body\" and \"private_key\" to import one"
                    .to_string(),
            });
        }
        if requested {
            for key in ["private_key", "certificate_chain"] {
                if !config.get(key).is_null() {
                    out.push(problem(
                        key,
                        format!("\"{key}\" is only for imported certificates (with \"certificate_body\")"),
                    ));
                }
            }
            if let Some(d) = domain.as_str() {
                if let Some(p) = domain_problem(d) {
                    out.push(problem("domain_name", format!("\"domain_name\" {p}")));
                }
            }
            for san in string_set(&config.get("subject_alternative_names")) {
                if let Some(p) = domain_problem(&san) {
                    out.push(problem(
                        "subject_alternative_names",
                        format!("subject alternative name {p}"),
                    ));
                }
            }
            let method = config.get("validation_method");
            match method.as_str() {
                Some("DNS" | "EMAIL") => {}
                Some(other) => out.push(problem(
                    "validation_method",
                    format!("\"validation_method\" must be \"DNS\" or \"EMAIL\", not {other:?}"),
                )),
                None if method.is_null() && config.get("certificate_authority_arn").is_null() => out.push(problem(
                    "validation_method",
                    "\"validation_method\" is required for a certificate from ACM's public CA: \"DNS\" (recommended: \
                     the certificate renews by itself while the records exist) or \"EMAIL\"",
                )),
                None => {}
            }
            if let Some(k) = config.get("key_algorithm").as_str() {
                if !KEY_ALGORITHMS.contains(&k) {
                    out.push(problem(
                        "key_algorithm",
                        format!(
                            "\"key_algorithm\" must be one of {}, not {k:?}",
                            KEY_ALGORITHMS.join(", ")
                        ),
                    ));
                }
            }
        }
        if imported {
            for key in [
                "validation_method",
                "subject_alternative_names",
                "key_algorithm",
                "certificate_authority_arn",
            ] {
                if !config.get(key).is_null() {
                    out.push(problem(
                        key,
                        format!(
                            "\"{key}\" is only for certificates requested from ACM; an imported certificate \
                             takes it from \"certificate_body\""
                        ),
                    ));
                }
            }
            let key = config.get("private_key");
            if key.is_null() {
                out.push(problem(
                    "private_key",
                    "\"private_key\" is required to import a certificate: the PEM-encoded, unencrypted key \
                     of \"certificate_body\"",
                ));
            }
            let chain = config.get("certificate_chain");
            if let (Some(body), Some(key)) = (body.as_str(), key.as_str()) {
                if !chain.is_unknown() {
                    for (attribute, message) in x509::import_problems(body, key, chain.as_str()) {
                        out.push(problem(attribute, message));
                    }
                }
            }
        }
        if let Some(p) = config.get("options").as_list().and_then(|l| l.first()).and_then(|o| {
            o.get("certificate_transparency_logging_preference")
                .as_str()
                .map(str::to_string)
        }) {
            if p != "ENABLED" && p != "DISABLED" {
                out.push(problem(
                    "options",
                    format!("\"certificate_transparency_logging_preference\" must be \"ENABLED\" or \"DISABLED\", not {p:?}"),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // A block written without the preference gets ACM's default, as state will show it.
        if let Some(Value::List(items)) = st.get_mut("options") {
            for item in items.iter_mut() {
                let mut o = into_state(item);
                default_to(
                    &mut o,
                    "certificate_transparency_logging_preference",
                    Value::from("ENABLED"),
                );
                *item = Value::Map(o);
            }
        }
        if get(&st, "certificate_body").is_null() {
            self.plan_requested(&mut st);
        } else {
            self.plan_imported(&mut st, prior);
        }
        let id = match get(&st, "arn") {
            Value::String(arn) => Value::string(arn),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        let all = tags_all(ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        if planned.get("certificate_body").is_null() {
            self.create_requested(ctx, planned, intent, progress)
        } else {
            self.create_imported(ctx, planned, intent, progress)
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")).map(str::to_string) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating ACM Certificate: the prior state has no ARN",
                )),
            );
        };
        let result = self.update_inner(ctx, &arn, prior, planned);
        let read = self.read_arn(ctx, &arn, planned);
        update_outcome(prior, result, read, || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("updating ACM Certificate ({arn}): the certificate no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let start = Instant::now();
        let mut delay = Duration::from_secs(2);
        loop {
            match call(
                ctx,
                &format!("deleting ACM Certificate ({arn})"),
                ctx.acm.delete_certificate().certificate_arn(arn).send(),
            ) {
                Ok(_) => return Ok(()),
                Err(e) if is_not_found(&e.code) => return Ok(()),
                // A load balancer or distribution deleted in the same apply lets go of the
                // certificate a little later.
                Err(e) if e.code == "ResourceInUseException" => {
                    let users = describe(ctx, arn)
                        .ok()
                        .flatten()
                        .map(|d| d.in_use_by().to_vec())
                        .unwrap_or_default();
                    let users = if users.is_empty() {
                        "another AWS resource".to_string()
                    } else {
                        users.join(", ")
                    };
                    if start.elapsed() >= IN_USE_TIMEOUT {
                        return Err(ProviderError::new(
                            e.code,
                            format!(
                                "deleting ACM Certificate ({arn}): it is still in use by {users} after {}. \
                                 Remove it from those resources (or delete them) first, then apply again.",
                                elapsed_text(start)
                            ),
                        ));
                    }
                    progress(&format!(
                        "certificate still in use by {users}; retrying ({} so far)",
                        elapsed_text(start)
                    ));
                    delay = backoff(delay, Duration::from_secs(30));
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.read_arn(ctx, arn, prior)
    }

    /// Import IDs: the certificate ARN, or `token:<token>:<domain>` as journaled by a create
    /// (the certificate of that domain tagged `infinstor:intent = <token>`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(handle) = id.strip_prefix("token:") {
            let Some((token, domain)) = handle.split_once(':') else {
                return Err(ProviderError::new(
                    "InvalidImportId",
                    format!("import ID {id:?}: expected token:<token>:<domain name>"),
                ));
            };
            return match self.find_by_token(ctx, token, domain)? {
                Some(arn) => self.read_arn(ctx, &arn, &Value::Null),
                None => Ok(None),
            };
        }
        if !id.starts_with("arn:") {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "import ID {id:?} is not a certificate ARN: use the ARN ACM shows for the certificate \
                     (arn:aws:acm:REGION:ACCOUNT:certificate/ID)"
                ),
            ));
        }
        self.read_arn(ctx, id, &Value::Null)
    }
}

// ---------------------------------------------------------------------------------------------
// aws_acm_certificate_validation
// ---------------------------------------------------------------------------------------------

struct CertificateValidation;

/// Terraform's default create timeout of a certificate validation.
const DEFAULT_VALIDATION_TIMEOUT: &str = "75m";

fn validation_timeout(v: &Value) -> Duration {
    v.get("timeouts")
        .as_list()
        .and_then(|l| l.first())
        .and_then(|t| t.get("create").as_str().and_then(crate::config::parse_duration))
        .unwrap_or(Duration::from_secs(75 * 60))
}

/// `domain: STATUS` for every domain of a certificate.
fn domain_statuses(detail: &CertificateDetail) -> String {
    let parts: Vec<String> = detail
        .domain_validation_options()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d.domain_name(),
                d.validation_status()
                    .map(|s| s.as_str())
                    .unwrap_or("PENDING_VALIDATION")
            )
        })
        .collect();
    if parts.is_empty() {
        "no domain validation reported yet".to_string()
    } else {
        parts.join(", ")
    }
}

/// The DNS records of the domains that are not validated yet, one per line. A wildcard and its
/// apex share one record, which is listed once for both.
fn pending_records(detail: &CertificateDetail) -> Vec<String> {
    let mut records: Vec<(String, Vec<String>)> = Vec::new();
    let mut others: Vec<String> = Vec::new();
    for d in detail.domain_validation_options() {
        let status = d
            .validation_status()
            .map(|s| s.as_str())
            .unwrap_or("PENDING_VALIDATION");
        if status == "SUCCESS" {
            continue;
        }
        let domain = format!("{} ({status})", d.domain_name());
        match d.resource_record() {
            Some(r) => {
                let record = format!("{} {} {}", r.name(), r.r#type().as_str(), r.value());
                match records.iter_mut().find(|(rec, _)| *rec == record) {
                    Some((_, domains)) => domains.push(domain),
                    None => records.push((record, vec![domain])),
                }
            }
            None if !d.validation_emails().is_empty() => others.push(format!(
                "  {domain}: approve the email ACM sent to {}",
                d.validation_emails().join(", ")
            )),
            None => others.push(format!("  {domain}: ACM has not published a validation record yet")),
        }
    }
    records
        .into_iter()
        .map(|(record, domains)| format!("  {record}  (for {})", domains.join(", ")))
        .chain(others)
        .collect()
}

fn normalize_fqdn(name: &str) -> String {
    name.trim_end_matches('.').to_ascii_lowercase()
}

impl CertificateValidation {
    /// Waits until the certificate is issued, reporting every poll; fails on a final status or
    /// when `timeout` passes, naming the DNS records still missing.
    fn wait_issued(
        &self,
        ctx: &Ctx,
        arn: &str,
        timeout: Duration,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let start = Instant::now();
        let mut delay = Duration::from_secs(1);
        loop {
            let detail = describe(ctx, arn)?.ok_or_else(|| {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("ACM Certificate ({arn}) does not exist (it was deleted while waiting for its validation)"),
                )
            })?;
            let status = detail.status().cloned();
            match status {
                Some(CertificateStatus::Issued) => return Ok(()),
                Some(CertificateStatus::PendingValidation) | None => {}
                Some(other) => {
                    let reason = detail
                        .failure_reason()
                        .map(|r| format!(" (reason: {})", r.as_str()))
                        .unwrap_or_default();
                    return Err(ProviderError::new(
                        "CertificateNotIssued",
                        format!(
                            "ACM Certificate ({arn}) will not be issued: its status is {}{reason}. Request a new \
                             certificate (replace the aws_acm_certificate) once the cause is fixed; for \
                             VALIDATION_TIMED_OUT, ACM waited 72 hours for the validation records.",
                            other.as_str()
                        ),
                    ));
                }
            }
            if start.elapsed() >= timeout {
                let records = pending_records(&detail);
                return Err(ProviderError::new(
                    "Timeout",
                    format!(
                        "timed out after {} waiting for ACM Certificate ({arn}) to be issued; it is still \
                         PENDING_VALIDATION. ACM is waiting for these validation records:\n{}\n\nCreate them \
                         in the DNS zone that is authoritative for each domain (with aws_route53_record, or \
                         by hand at your DNS provider), check that they resolve publicly (`dig CNAME NAME`), \
                         then apply again. Raise `timeouts {{ create = \"...\" }}` if DNS is slow to propagate.",
                        elapsed_text(start),
                        if records.is_empty() {
                            "  (ACM reported no records)".to_string()
                        } else {
                            records.join("\n")
                        }
                    ),
                ));
            }
            progress(&format!(
                "waiting for ACM certificate {arn} to be issued ({} elapsed): {}",
                elapsed_text(start),
                domain_statuses(&detail)
            ));
            let left = timeout.saturating_sub(start.elapsed());
            delay = backoff(delay.min(left.max(Duration::from_millis(100))), Duration::from_secs(30));
        }
    }

    /// Terraform's check: every DNS record the certificate needs must be among the FQDNs the
    /// configuration says it created, or the wait could never end.
    fn check_fqdns(&self, detail: &CertificateDetail, fqdns: &[String]) -> Result<(), ProviderError> {
        let given: BTreeSet<String> = fqdns.iter().map(|f| normalize_fqdn(f)).collect();
        let missing: Vec<String> = detail
            .domain_validation_options()
            .iter()
            .filter_map(|d| d.resource_record().map(|r| (d.domain_name(), r)))
            .filter(|(_, r)| !given.contains(&normalize_fqdn(r.name())))
            .map(|(domain, r)| format!("  {} {} {}  (for {domain})", r.name(), r.r#type().as_str(), r.value()))
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(ProviderError::new(
            "MissingValidationRecord",
            format!(
                "validation_record_fqdns does not include every DNS record the certificate needs; missing:\n{}\n\n\
                 Create these records and add their FQDNs (for example `[for r in aws_route53_record.validation : \
                 r.fqdn]`).",
                missing.join("\n")
            ),
        ))
    }

    fn state(&self, certificate_arn: &str, prior: &Value) -> Value {
        let mut st = into_state(prior);
        st.insert("certificate_arn".into(), Value::string(certificate_arn));
        st.insert("id".into(), Value::string(certificate_arn));
        let fqdns = prior.get("validation_record_fqdns");
        let fqdns = if fqdns.is_null() {
            Value::Null
        } else {
            set_value(&string_set(&fqdns))
        };
        st.insert("validation_record_fqdns".into(), fqdns);
        finish(&self.schema(), st)
    }
}

impl ResourceType for CertificateValidation {
    fn type_name(&self) -> &'static str {
        "aws_acm_certificate_validation"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("certificate_arn", Attribute::required(Type::String).force_new())
            .attr(
                "validation_record_fqdns",
                Attribute::optional(set_of_strings()).force_new(),
            )
            .attr("id", Attribute::computed(Type::String))
            .block(
                "timeouts",
                Nesting::Single,
                Schema::new().attr("create", Attribute::optional(Type::String)),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(arn) = config.get("certificate_arn").as_str() {
            if !arn.starts_with("arn:") || !arn.contains(":acm:") {
                out.push(problem(
                    "certificate_arn",
                    format!("\"certificate_arn\" must be an ACM certificate ARN, not {arn:?} (use aws_acm_certificate.NAME.arn)"),
                ));
            }
        }
        if let Some(create) = config
            .get("timeouts")
            .as_list()
            .and_then(|l| l.first())
            .and_then(|t| t.get("create").as_str().map(str::to_string))
        {
            if crate::config::parse_duration(&create).is_none() {
                out.push(problem(
                    "timeouts",
                    format!("timeouts.create {create:?} is not a duration: write it like \"75m\", \"2h\" or \"90s\""),
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = match get(&st, "certificate_arn") {
            Value::String(arn) => Value::string(arn),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        let fqdns = get(&st, "validation_record_fqdns").clone();
        if !fqdns.is_null() && !fqdns.contains_unknown() {
            st.insert("validation_record_fqdns".into(), set_value(&string_set(&fqdns)));
        }
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(arn) = sref(planned, "certificate_arn").map(str::to_string) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "waiting for ACM Certificate validation: certificate_arn is required",
                )),
            );
        };
        // Nothing is created in AWS; the journal lets an interrupted wait resume by import.
        intent(&arn);
        let result = (|| {
            let detail = describe(ctx, &arn)?.ok_or_else(|| {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("ACM Certificate ({arn}) does not exist"),
                )
            })?;
            let fqdns = planned.get("validation_record_fqdns");
            if !fqdns.is_null() {
                self.check_fqdns(&detail, &string_set(&fqdns))?;
            }
            self.wait_issued(ctx, &arn, validation_timeout(planned), progress)
        })();
        match result {
            Ok(()) => (Some(self.state(&arn, planned)), None),
            Err(e) => (None, Some(e)),
        }
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let arn = sref(planned, "certificate_arn")
            .or_else(|| sref(prior, "certificate_arn"))
            .unwrap_or_default();
        (Some(self.state(arn, planned)), None)
    }

    fn delete(&self, _ctx: &Ctx, _prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        Ok(())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = sref(prior, "certificate_arn").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        // As in Terraform: a certificate that is not issued (any more) needs validating again.
        Ok(describe(ctx, arn)?
            .filter(|d| matches!(d.status(), Some(CertificateStatus::Issued)))
            .map(|_| self.state(arn, prior)))
    }

    /// Import ID: the certificate ARN; found only once the certificate is issued.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let prior = engine::core::value::map([
            ("certificate_arn", Value::from(id)),
            (
                "timeouts",
                Value::List(vec![engine::core::value::map([(
                    "create",
                    Value::from(DEFAULT_VALIDATION_TIMEOUT),
                )])]),
            ),
        ]);
        let mut state = self.read(ctx, &prior)?;
        // Imported objects carry no configuration of their own.
        if let Some(Value::Map(m)) = state.as_mut() {
            m.insert("timeouts".into(), Value::List(Vec::new()));
        }
        Ok(state)
    }
}

// ---------------------------------------------------------------------------------------------
// Certificates and keys, for the plan-time checks
// ---------------------------------------------------------------------------------------------

/// Just enough PEM and DER to compare a certificate's public key with a private key and read a
/// certificate's names and validity: ACM's own checks come only at apply time, after other
/// resources may have been changed, and a mismatched key is a common mistake.
mod x509 {
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
            return Err(
                "it is encrypted, and ACM needs the key unencrypted: decrypt it with \
                        `openssl pkey -in key.pem -out key-unencrypted.pem` and keep that file out of version control"
                    .to_string(),
            );
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
}
