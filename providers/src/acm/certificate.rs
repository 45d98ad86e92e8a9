//! aws_acm_certificate.

use crate::acm::{elapsed_text, x509};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::default_to;
use crate::support::attrs::is_set;
use crate::support::attrs::{
    call, get, into_state, list_of_strings, map_of_strings, prior_id, problem, set_of_strings, sref, string_set,
};
use crate::support::error::is_not_found;
use crate::support::tags::tags_all;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_acm::types::{CertificateDetail, CertificateOptions, Tag};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

pub(super) struct Certificate;

/// Key algorithms RequestCertificate accepts.
pub(super) const KEY_ALGORITHMS: [&str; 7] = [
    "RSA_1024",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "EC_prime256v1",
    "EC_secp384r1",
    "EC_secp521r1",
];

/// How long ACM may take to publish the DNS validation records of a new certificate.
pub(super) const RECORDS_TIMEOUT: Duration = Duration::from_secs(300);

/// How long a certificate may stay in use by a service that is letting go of it (a load
/// balancer deleted in the same apply) before its delete gives up.
pub(super) const IN_USE_TIMEOUT: Duration = Duration::from_secs(600);

pub(super) fn describe(ctx: &Ctx, arn: &str) -> Result<Option<CertificateDetail>, ProviderError> {
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

pub(super) fn remote_tags(ctx: &Ctx, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
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

pub(super) fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
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

pub(super) fn remove_tags(ctx: &Ctx, arn: &str, keys: &[String]) -> Result<(), ProviderError> {
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

pub(super) fn add_tags(ctx: &Ctx, arn: &str, tags: &BTreeMap<String, String>) -> Result<(), ProviderError> {
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

/// An argument of the `options` block, or ACM's default for it.
fn option(v: &Value, key: &str, default: &str) -> String {
    v.get("options")
        .as_list()
        .and_then(|items| items.first())
        .and_then(|o| o.get(key).as_str().map(str::to_string))
        .unwrap_or_else(|| default.to_string())
}

/// The `options` block's logging preference, defaulted as ACM does.
pub(super) fn logging_preference(v: &Value) -> String {
    option(v, "certificate_transparency_logging_preference", "ENABLED")
}

/// Whether the certificate can be exported (`options.export`), defaulted as ACM does.
pub(super) fn export(v: &Value) -> String {
    option(v, "export", "DISABLED")
}

// ACM deprecated opting out of certificate transparency logging, but Terraform configurations
// still carry the `options` block, and ACM still reports the preference.
#[allow(deprecated)]
pub(super) fn certificate_options(preference: &str, export: Option<&str>) -> CertificateOptions {
    CertificateOptions::builder()
        .certificate_transparency_logging_preference(
            aws_sdk_acm::types::CertificateTransparencyLoggingPreference::from(preference),
        )
        .set_export(export.map(aws_sdk_acm::types::CertificateExport::from))
        .build()
}

/// Whether ACM says the certificate can be exported.
pub(super) fn remote_export(detail: &CertificateDetail) -> String {
    detail
        .options()
        .and_then(|o| o.export())
        .map(|e| e.as_str().to_string())
        .unwrap_or_else(|| "DISABLED".to_string())
}

#[allow(deprecated)]
pub(super) fn remote_logging_preference(detail: &CertificateDetail) -> String {
    detail
        .options()
        .and_then(|o| o.certificate_transparency_logging_preference())
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "ENABLED".to_string())
}

/// The import handle of a create: the token and the domain to look under.
pub(super) fn token_handle(token: &str, domain: &str) -> String {
    format!("token:{token}:{domain}")
}

/// Domains ACM validates for a certificate: the domain name and every SAN, once each, sorted.
pub(super) fn validation_domains(domain: &str, sans: &[String]) -> Vec<String> {
    let set: BTreeSet<String> = std::iter::once(domain.to_string())
        .chain(sans.iter().cloned())
        .collect();
    set.into_iter().collect()
}

/// `domain_validation_options` as planned: the domains are known, the records are not.
pub(super) fn planned_validation_options(domain: &str, sans: &[String]) -> Value {
    Value::List(
        validation_domains(domain, sans)
            .into_iter()
            .map(|d| {
                engine::core::value::map([
                    ("domain_name", Value::String(d)),
                    ("resource_record_name", Value::UNKNOWN),
                    ("resource_record_type", Value::from("CNAME")),
                    ("resource_record_value", Value::UNKNOWN),
                ])
            })
            .collect(),
    )
}

/// Problems with a domain name ACM would reject.
pub(super) fn domain_problem(domain: &str) -> Option<String> {
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
pub(super) fn pem_equal(a: &str, b: &str) -> bool {
    match (x509::fingerprint(a), x509::fingerprint(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

/// The prior PEM text when it says the same as `remote`, so formatting never shows as drift.
pub(super) fn keep_prior_pem(prior: &Value, remote: &str) -> Value {
    match prior.as_str() {
        Some(p) if pem_equal(p, remote) => Value::string(p),
        _ => Value::string(remote),
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
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&["DNS", "EMAIL"]),
            )
            .attr(
                "key_algorithm",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&KEY_ALGORITHMS),
            )
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
            .block_force_new(
                "validation_option",
                Nesting::Set,
                Schema::new()
                    .attr("domain_name", Attribute::required(Type::String))
                    .attr("validation_domain", Attribute::required(Type::String)),
            )
            .block(
                "options",
                Nesting::Single,
                Schema::new()
                    .attr(
                        "certificate_transparency_logging_preference",
                        Attribute::optional(Type::String).one_of(&["ENABLED", "DISABLED"]),
                    )
                    // An exportable public certificate is requested as one: a change replaces it
                    // (see `plan`).
                    .attr(
                        "export",
                        Attribute::optional(Type::String).one_of(&["ENABLED", "DISABLED"]),
                    ),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let domain = config.get("domain_name");
        let body = config.get("certificate_body");
        // Known and given: a value known only at apply (or a null) decides nothing here.
        let requested = is_set(&domain);
        let imported = is_set(&body);
        if requested && imported {
            out.push(problem(
                "certificate_body",
                "\"domain_name\" requests a certificate from ACM and \"certificate_body\" imports one: set only one of them",
            ));
        } else if domain.is_null() && body.is_null() {
            out.push(ValidateProblem {
                not_yet: false,
                attribute: None,
                message: "set \"domain_name\" (with \"validation_method\") to request a certificate from ACM, or \
                          \"certificate_body\" and \"private_key\" to import one"
                    .to_string(),
            });
        }
        if requested {
            for key in ["private_key", "certificate_chain"] {
                if is_set(&config.get(key)) {
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
                Some(_) => {}
                None if method.is_null() && config.get("certificate_authority_arn").is_null() => out.push(problem(
                    "validation_method",
                    "\"validation_method\" is required for a certificate from ACM's public CA: \"DNS\" (recommended: \
                     the certificate renews by itself while the records exist) or \"EMAIL\"",
                )),
                None => {}
            }
        }
        if imported {
            for key in [
                "validation_method",
                "subject_alternative_names",
                "key_algorithm",
                "certificate_authority_arn",
            ] {
                if is_set(&config.get(key)) {
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
                default_to(&mut o, "export", Value::from("DISABLED"));
                *item = Value::Map(o.into());
            }
        }
        // No block configured is ACM's defaults, which Terraform's provider records as a
        // block (it is computed there): a recorded block of defaults is no change.
        let configured = get(&st, "options").as_list().is_some_and(|l| !l.is_empty());
        if let (false, Some(prior)) = (configured, prior) {
            let recorded = prior.get("options");
            let defaults = recorded.as_list().is_some_and(|items| {
                items.iter().all(|o| {
                    let (preference, export) = (o.get("certificate_transparency_logging_preference"), o.get("export"));
                    preference.as_str().unwrap_or("ENABLED") == "ENABLED"
                        && export.as_str().unwrap_or("DISABLED") == "DISABLED"
                })
            });
            if defaults {
                st.insert("options".into(), recorded);
            }
        }
        if get(&st, "certificate_body").is_null() {
            self.plan_requested(&mut st);
        } else {
            self.plan_imported(&mut st, prior);
        }
        let id = match get(&st, "arn") {
            Value::String(arn) => Value::string(arn),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        let all = tags_all(ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        let planned = Value::Map(st.into());
        // Exportability is chosen when the certificate is requested: ACM cannot change it.
        let replace = match prior {
            Some(prior) if export(prior) != export(&planned) => vec!["options".to_string()],
            _ => Vec::new(),
        };
        Ok((planned, replace))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        if planned.get("certificate_body").is_null() {
            self.create_requested(ctx, planned, step.intent, step.progress)
        } else {
            self.create_imported(ctx, planned, step.intent, step.progress)
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = match prior_id(prior, &["arn", "id"], "updating ACM Certificate") {
            Ok(id) => id,
            Err(outcome) => return outcome,
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

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let start = Instant::now();
        let show = |users: &str| {
            (step.progress)(&format!(
                "certificate still in use by {users}; retrying ({} so far)",
                elapsed_text(start)
            ))
        };
        let waited = Waiter::new(format!("ACM Certificate ({arn}) to be let go"), IN_USE_TIMEOUT)
            .delays(Duration::from_secs(2), Duration::from_secs(30))
            .progress(&show)
            .every(Duration::ZERO)
            .on_timeout(|users, _| {
                ProviderError::new(
                    "ResourceInUseException",
                    format!(
                        "deleting ACM Certificate ({arn}): it is still in use by {users} after {}. \
                         Remove it from those resources (or delete them) first, then apply again.",
                        elapsed_text(start)
                    ),
                )
            })
            .wait(|| {
                match call(
                    ctx,
                    &format!("deleting ACM Certificate ({arn})"),
                    ctx.acm.delete_certificate().certificate_arn(arn).send(),
                ) {
                    Ok(_) => Ok(Poll::Ready(())),
                    Err(e) if is_not_found(&e.code) => Ok(Poll::Ready(())),
                    // A load balancer or distribution deleted in the same apply lets go of the
                    // certificate a little later.
                    Err(e) if e.code == "ResourceInUseException" => {
                        let users = describe(ctx, arn)
                            .ok()
                            .flatten()
                            .map(|d| d.in_use_by().to_vec())
                            .unwrap_or_default();
                        Ok(Poll::Pending(if users.is_empty() {
                            "another AWS resource".to_string()
                        } else {
                            users.join(", ")
                        }))
                    }
                    Err(e) => Err(e),
                }
            });
        waited
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        if let Some(arn) = state.get("arn").as_str() {
            // Best effort: a tag left behind is never part of tags or tags_all here.
            let _ = remove_tags(ctx, arn, &[crate::support::naming::INTENT_TAG.to_string()]);
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
