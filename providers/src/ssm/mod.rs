//! SSM Parameter Store: `aws_ssm_parameter`.
//!
//! A parameter's value is a secret more often than not, so the state never holds it: `value`
//! is recorded as `sha256:<hex digest>` of the value. Reads fetch the value decrypted and hash
//! it, so drift is still seen; plans hash the configured value and compare digests, so an
//! unchanged value plans no change. Only a changed value travels, in the clear and marked
//! sensitive, from plan to apply; after apply the state holds its digest again.
//!
//! `insecure_value` is the Terraform AWS provider's non-secret alternative and is kept in
//! state as it is.

use crate::resource::{DataType, ResourceType};
use crate::support::attrs::invalid;
use aws_sdk_ssm::types::Tag;
use engine::core::provider::ProviderError;
use sha2::Digest as _;
use std::collections::BTreeMap;

mod parameter;
mod parameter_data;
mod parameter_ephemeral;
#[cfg(test)]
mod tests;
use parameter::SsmParameter;
use parameter_data::ParameterData;

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(SsmParameter)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(ParameterData)]
}

/// Every SSM ephemeral resource type.
pub(crate) fn ephemeral_resources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(parameter_ephemeral::ParameterEphemeral)]
}

/// The prefix of a hashed value in state.
const HASH_PREFIX: &str = "sha256:";

/// What the state records for a parameter value.
pub(crate) fn value_hash(value: &str) -> String {
    let digest = sha2::Sha256::digest(value.as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{HASH_PREFIX}{hex}")
}

/// The digest state records for a value; a digest already taken stays as it is.
fn digest(value: &str) -> String {
    if is_hash(value) {
        value.to_string()
    } else {
        value_hash(value)
    }
}

fn is_hash(s: &str) -> bool {
    s.len() == HASH_PREFIX.len() + 64
        && s.starts_with(HASH_PREFIX)
        && s[HASH_PREFIX.len()..].bytes().all(|b| b.is_ascii_hexdigit())
}

fn not_found(e: &ProviderError) -> bool {
    e.code == "ParameterNotFound"
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag {k:?}: {e}")))
        })
        .collect()
}

const TYPES: [&str; 3] = ["String", "StringList", "SecureString"];
const TIERS: [&str; 3] = ["Standard", "Advanced", "Intelligent-Tiering"];
const DATA_TYPES: [&str; 3] = ["text", "aws:ec2:image", "aws:ssm:integration"];

/// Attributes whose change needs a new parameter version (a PutParameter).
const PUT_ATTRIBUTES: [&str; 6] = ["type", "description", "key_id", "tier", "allowed_pattern", "data_type"];
