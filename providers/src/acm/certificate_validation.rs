//! aws_acm_certificate_validation: waits for ISSUED and names what is still missing.

use crate::acm::{describe, elapsed_text};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::finish;
use crate::support::attrs::{get, into_state, problem, set_of_strings, set_value, sref, string_set};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_acm::types::{CertificateDetail, CertificateStatus};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeSet;
use std::time::{Duration, Instant};

pub(super) struct CertificateValidation;

/// Terraform's default create timeout of a certificate validation.
pub(super) const DEFAULT_VALIDATION_TIMEOUT: &str = "75m";

pub(super) fn validation_timeout(v: &Value) -> Duration {
    v.get("timeouts")
        .as_list()
        .and_then(|l| l.first())
        .and_then(|t| t.get("create").as_str().and_then(crate::config::parse_duration))
        .unwrap_or(Duration::from_secs(75 * 60))
}

/// `domain: STATUS` for every domain of a certificate.
pub(super) fn domain_statuses(detail: &CertificateDetail) -> String {
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
pub(super) fn pending_records(detail: &CertificateDetail) -> Vec<String> {
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

pub(super) fn normalize_fqdn(name: &str) -> String {
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
        let mut shown: Vec<String> = Vec::new();
        // The records still missing at the last look, which a timeout names.
        let last: std::cell::RefCell<Option<CertificateDetail>> = std::cell::RefCell::new(None);
        let show = |statuses: &str| progress(&format!("waiting for the certificate to be issued: {statuses}"));
        let records = || last.borrow().as_ref().map(pending_records).unwrap_or_default();
        let waited = Waiter::new(format!("ACM Certificate ({arn}) to be issued"), timeout)
            .delays(Duration::from_secs(1), Duration::from_secs(30))
            .progress(&show)
            .every(Duration::ZERO)
            .timeout_message(|_| {
let records = records();
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
                    )
})
            .wait(|| {
                let detail = describe(ctx, arn)?.ok_or_else(|| {
                    ProviderError::new(
                        "ResourceNotFoundException",
                        format!("ACM Certificate ({arn}) does not exist (it was deleted while waiting for its validation)"),
                    )
                })?;
                match detail.status().cloned() {
                    Some(CertificateStatus::Issued) => {
                        progress("the certificate is issued");
                        return Ok(Poll::Ready(()));
                    }
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
                // Where DNS is managed by hand, the person applying needs the records while the
                // wait runs, not after it: they are named when the wait starts and whenever they
                // change; each poll otherwise prints one short status line (the engine adds the
                // time).
                let pending = pending_records(&detail);
                if pending != shown {
                    if !pending.is_empty() {
                        progress(&format!(
                            "ACM is waiting for these validation records (create them if your DNS is not in Route 53):\n{}",
                            pending.join("\n")
                        ));
                    }
                    shown = pending;
                }
                let statuses = domain_statuses(&detail);
                *last.borrow_mut() = Some(detail);
                Ok(Poll::Pending(statuses))
            });
        waited
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
        // The AWS provider's ID is the time the certificate was issued; either is kept as found.
        if sref(prior, "id").is_none() {
            st.insert("id".into(), Value::string(certificate_arn));
        }
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
            .timeouts(&["create"])
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

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // Another certificate is another validation: the prior ID stays only for the same one.
        let same = prior.filter(|p| p.get("certificate_arn") == *get(&st, "certificate_arn"));
        let id = match (same.and_then(|p| sref(p, "id")), get(&st, "certificate_arn")) {
            (Some(id), _) => Value::string(id),
            (None, Value::String(arn)) => Value::string(arn),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        let fqdns = get(&st, "validation_record_fqdns").clone();
        if !fqdns.is_null() && !fqdns.contains_unknown() {
            st.insert("validation_record_fqdns".into(), set_value(&string_set(&fqdns)));
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(arn) = sref(planned, "certificate_arn").map(str::to_string) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "waiting for ACM Certificate validation: certificate_arn is required",
            ));
        };
        // Nothing is created in AWS; the journal lets an interrupted wait resume by import.
        (step.intent)(&arn);
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
            self.wait_issued(ctx, &arn, validation_timeout(planned), step.progress)
        })();
        match result {
            Ok(()) => ApplyOutcome::Done(self.state(&arn, planned)),
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(planned, "certificate_arn")
            .or_else(|| sref(prior, "certificate_arn"))
            .unwrap_or_default();
        ApplyOutcome::Done(self.state(arn, planned))
    }

    fn delete(&self, _ctx: &Ctx, _prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
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
                Value::List(
                    vec![engine::core::value::map([(
                        "create",
                        Value::from(DEFAULT_VALIDATION_TIMEOUT),
                    )])]
                    .into(),
                ),
            ),
        ]);
        let mut state = self.read(ctx, &prior)?;
        // Imported objects carry no configuration of their own.
        if let Some(Value::Map(m)) = state.as_mut() {
            m.insert("timeouts".into(), Value::List(Vec::new().into()));
        }
        Ok(state)
    }
}
