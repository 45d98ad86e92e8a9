//! The ACM calls behind aws_acm_certificate: read, wait for validation records, request,
//! import, update.

use crate::acm::{
    add_tags, certificate_options, describe, elapsed_text, export, keep_prior_pem, logging_preference, pem_equal,
    planned_validation_options, recall_key, remember_key, remote_export, remote_logging_preference, remote_tags,
    remove_tags, sdk_tags, token_handle, x509, Certificate, KEY_ALGORITHMS, RECORDS_TIMEOUT,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType};
use crate::support::attrs::{block_items, call, get, into_state, set_value, sref, string_map, string_set, State};
use crate::support::attrs::{default_to, finish};
use crate::support::dates::{rfc3339, rfc3339_secs};
use crate::support::error::is_not_found;
use crate::support::naming::{intent_token, INTENT_TAG};
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_acm::types::{CertificateDetail, CertificateType, Filters, KeyAlgorithm, ValidationMethod};
use aws_smithy_types::Blob;
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

impl Certificate {
    /// The state of a certificate, keeping from `prior` what ACM does not return (the private
    /// key digest) or returns formatted differently. `prior` is `Null` when importing.
    pub(super) fn state(
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
        // Where approval emails go is not reported back once requested: kept as configured.
        st.insert("validation_option".into(), prior.get("validation_option"));
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
        st.insert("domain_validation_options".into(), Value::List(options.into()));
        st.insert("validation_emails".into(), Value::from(emails));

        // An `options` block only when the configuration had one or ACM's differs from the
        // default, since a block cannot be computed.
        let preference = remote_logging_preference(detail);
        let exportable = remote_export(detail);
        let had_block = prior.get("options").as_list().map(|l| !l.is_empty()).unwrap_or(false);
        let block = if had_block || preference != "ENABLED" || exportable != "DISABLED" {
            vec![engine::core::value::map([
                (
                    "certificate_transparency_logging_preference",
                    Value::string(&preference),
                ),
                ("export", Value::string(&exportable)),
            ])]
        } else {
            Vec::new()
        };
        st.insert("options".into(), Value::List(block.into()));

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
    pub(super) fn read_arn(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
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
    pub(super) fn find_by_token(&self, ctx: &Ctx, token: &str, domain: &str) -> Result<Option<String>, ProviderError> {
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
    pub(super) fn wait_for_records(&self, ctx: &Ctx, arn: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let start = Instant::now();
        let show = |_: &str| {
            progress(&format!(
                "waiting for ACM to publish the DNS validation records of {arn} ({} so far)",
                elapsed_text(start)
            ))
        };
        let waited = Waiter::new(format!("the DNS validation records of {arn}"), RECORDS_TIMEOUT)
            .delays(Duration::from_millis(500), Duration::from_secs(10))
            .progress(&show)
            .every(Duration::ZERO)
            .timeout_message(|_| {
                format!(
                    "ACM did not publish the DNS validation records of certificate {arn} within {}. \
                         Run apply again: the certificate is recorded in state and will be replaced.",
                    elapsed_text(start)
                )
            })
            .wait(|| {
                // A certificate may be invisible to DescribeCertificate for a moment after the
                // request returned its ARN.
                match describe(ctx, arn)? {
                    Some(detail) => {
                        let dvos = detail.domain_validation_options();
                        if !dvos.is_empty() && dvos.iter().all(|d| d.resource_record().is_some()) {
                            return Ok(Poll::Ready(()));
                        }
                    }
                    None if start.elapsed() < Duration::from_secs(30) => {}
                    None => {
                        return Err(ProviderError::new(
                            "ResourceNotFoundException",
                            format!("ACM Certificate ({arn}) disappeared right after it was requested"),
                        ))
                    }
                }
                Ok(Poll::Pending("records not published yet".into()))
            });
        waited
    }

    /// What to record when a create failed after the certificate exists.
    pub(super) fn partial(&self, planned: &Value, arn: &str) -> Value {
        let mut st = into_state(planned);
        st.insert("arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(arn));
        finish(&self.schema(), st)
    }

    /// After ACM accepted the create: wait for the validation records, then read the
    /// certificate back (it keeps its intent tag; see [`INTENT_TAG`]).
    /// Takes the ARN from a request or import call (`op`) and finishes the create.
    fn after_sent(
        &self,
        ctx: &Ctx,
        op: &str,
        sent: Result<Option<String>, ProviderError>,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        match sent {
            Ok(Some(arn)) => self.after_create(ctx, &arn, planned, progress),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "InvalidResponse",
                format!("{op}: ACM returned no ARN"),
            )),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    pub(super) fn after_create(&self, ctx: &Ctx, arn: &str, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        let dns = sref(planned, "validation_method") == Some("DNS");
        let result = (|| {
            if dns {
                self.wait_for_records(ctx, arn, progress)?;
            }
            self.read_arn(ctx, arn, planned)
        })();
        match result {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "ResourceNotFoundException",
                format!("ACM Certificate ({arn}) is not readable after it was created"),
            )),
            Err(e) => ApplyOutcome::partial(self.partial(planned, arn), e),
        }
    }

    pub(super) fn create_requested(
        &self,
        ctx: &Ctx,
        planned: &Value,
        intent: &dyn Fn(&str),
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let Some(domain) = sref(planned, "domain_name") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "requesting ACM Certificate: domain_name is required",
            ));
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
            Err(e) => return ApplyOutcome::failed(e),
        };
        let options = certificate_options(&logging_preference(planned), Some(&export(planned)));
        let validation_options = block_items(planned, "validation_option")
            .iter()
            .map(|o| {
                aws_sdk_acm::types::DomainValidationOption::builder()
                    .set_domain_name(sref(o, "domain_name").map(str::to_string))
                    .set_validation_domain(sref(o, "validation_domain").map(str::to_string))
                    .build()
            })
            .collect::<Result<Vec<_>, _>>();
        let validation_options = match validation_options {
            Ok(v) => v,
            Err(e) => {
                return ApplyOutcome::failed(ProviderError::new("InvalidInput", format!("validation_option: {e}")))
            }
        };
        let req = ctx
            .acm
            .request_certificate()
            .set_domain_validation_options((!validation_options.is_empty()).then_some(validation_options))
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
        let op = format!("requesting ACM Certificate ({domain})");
        let sent = call(ctx, &op, req.send()).map(|out| out.certificate_arn().map(str::to_string));
        self.after_sent(ctx, &op, sent, planned, progress)
    }

    pub(super) fn create_imported(
        &self,
        ctx: &Ctx,
        planned: &Value,
        intent: &dyn Fn(&str),
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let (Some(body), Some(digest)) = (sref(planned, "certificate_body"), sref(planned, "private_key")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "importing ACM Certificate: certificate_body and private_key are required",
            ));
        };
        let key = match recall_key(digest) {
            Ok(k) => k,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let domain = sref(planned, "domain_name").unwrap_or("");
        let token = intent_token(&[domain, digest]);
        let mut tags = string_map(&tags_all(ctx, &planned.get("tags")));
        tags.insert(INTENT_TAG.to_string(), token.clone());
        let tags = match sdk_tags(&tags) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
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
        let op = format!("importing ACM Certificate ({domain})");
        let sent = call(ctx, &op, req.send()).map(|out| out.certificate_arn().map(str::to_string));
        self.after_sent(ctx, &op, sent, planned, progress)
    }

    pub(super) fn update_inner(
        &self,
        ctx: &Ctx,
        arn: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
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
                        .options(certificate_options(&wanted, None))
                        .send(),
                )?;
            }
        }
        crate::support::tags::sync(
            ctx,
            prior,
            planned,
            |remove| remove_tags(ctx, arn, &remove),
            |set| add_tags(ctx, arn, set),
        )
    }

    pub(super) fn plan_requested(&self, st: &mut State) {
        let ca = !get(st, "certificate_authority_arn").is_null();
        default_to(st, "key_algorithm", Value::from("RSA_2048"));
        default_to(st, "subject_alternative_names", Value::List(Vec::new().into()));
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
                (Some("EMAIL" | "NONE"), _) => Value::List(Vec::new().into()),
                _ => Value::UNKNOWN,
            };
            st.insert("domain_validation_options".into(), options);
        }
        if matches!(method.as_deref(), Some("DNS" | "NONE")) {
            default_to(st, "validation_emails", Value::List(Vec::new().into()));
        }
    }

    pub(super) fn plan_imported(&self, st: &mut State, prior: Option<&Value>) {
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
                    cert.key.acm_algorithm().map(Value::String).unwrap_or(Value::UNKNOWN),
                );
                st.insert(
                    "not_before".into(),
                    cert.not_before.map(rfc3339_secs).unwrap_or(Value::UNKNOWN),
                );
                st.insert(
                    "not_after".into(),
                    cert.not_after.map(rfc3339_secs).unwrap_or(Value::UNKNOWN),
                );
            }
            None => {
                // A body known only after apply (a renewed tls_self_signed_cert, say) is a
                // re-import in place, as in Terraform: the names and key type an imported
                // certificate had are kept, since unknown they would read as a forced replacement.
                let imported_before = prior.is_some_and(|p| !p.get("certificate_body").is_null());
                for key in ["domain_name", "subject_alternative_names", "key_algorithm"] {
                    let kept = prior.filter(|_| imported_before).map(|p| p.get(key));
                    st.insert(key.to_string(), kept.unwrap_or(Value::UNKNOWN));
                }
                for key in ["not_before", "not_after"] {
                    st.insert(key.to_string(), Value::UNKNOWN);
                }
            }
        }
        st.insert("validation_method".into(), Value::from("NONE"));
        st.insert("type".into(), Value::from("IMPORTED"));
        st.insert("status".into(), Value::from("ISSUED"));
        st.insert("domain_validation_options".into(), Value::List(Vec::new().into()));
        st.insert("validation_emails".into(), Value::List(Vec::new().into()));
        st.insert("certificate_authority_arn".into(), Value::Null);
    }
}
