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
//!   state records the new certificate, so `import` can find a certificate whose create was interrupted by listing
//!   the certificates of that domain and matching the tag. `import` also takes an ARN.
//! - The key of an imported certificate is checked at plan time, without any network call: it
//!   must be an RSA 1024/2048-bit or EC P-256/P-384 key and belong to the certificate.

use crate::resource::{DataType, ResourceType};
use crate::support::dates::rfc3339_secs;
use std::time::Instant;

mod certificate;
mod certificate_api;
mod certificate_data;
mod certificate_validation;
mod private_key;
mod x509;
use certificate::{
    add_tags, certificate_options, describe, export, keep_prior_pem, logging_preference, pem_equal,
    planned_validation_options, remote_export, remote_logging_preference, remote_tags, remove_tags, sdk_tags,
    token_handle, Certificate, KEY_ALGORITHMS, RECORDS_TIMEOUT,
};
use certificate_data::CertificateData;
use certificate_validation::CertificateValidation;
use private_key::{recall_key, remember_key};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(Certificate), Box::new(CertificateValidation)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(CertificateData)]
}

fn elapsed_text(start: Instant) -> String {
    let s = start.elapsed().as_secs();
    if s >= 60 {
        format!("{}m{}s", s / 60, s % 60)
    } else {
        format!("{s}s")
    }
}
