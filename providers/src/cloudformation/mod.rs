//! CloudFormation: the `aws_cloudformation_stack` resource and the `aws_cloudformation_stack`
//! and `aws_cloudformation_export` data sources.
//!
//! A stack is a deployment of its own, so the resource does more than a plain API wrapper:
//!
//! * An update is planned as a CloudFormation change set (created while planning, executed at
//!   apply), so the reviewer sees CloudFormation's own resource-level changes under the diff
//!   and apply executes exactly what was reviewed.
//! * While a stack operation runs, new stack events are streamed as progress lines; a failure
//!   reports the first failed event's reason and how the rollback ended.
//! * Every mutating call carries a deterministic `ClientRequestToken`, so a retried request is
//!   recognised by CloudFormation instead of starting a second operation.
//! * A stack left `*_IN_PROGRESS` by an interrupted run is waited for, not failed; a stack that
//!   cannot be updated any more (`ROLLBACK_COMPLETE` after a failed create, ...) is planned for
//!   replacement through the computed `stack_status` attribute.
//!
//! Templates are compared semantically: JSON templates as JSON, YAML templates through a small
//! YAML reader ([`yaml`]) that covers what CloudFormation templates use (block and flow
//! collections, plain and quoted scalars, block scalars, comments, the short-form intrinsic
//! function tags such as `!Ref` and `!GetAtt`). It does not support anchors and aliases, merge
//! keys, complex keys or several documents in one file; a YAML template using them is still
//! deployed, but it is then compared as text and its `parameters` are not checked while
//! validating.

use crate::resource::{DataType, ResourceType};
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use sha2::Digest as _;
use std::collections::BTreeMap;
use std::time::Duration;

mod desired;
mod events;
mod export_data;
mod stack;
mod stack_api;
mod stack_data;
mod template;
#[cfg(test)]
mod tests;
mod yaml;
use desired::{stack_changes, Desired};
use events::{describe_stack, failure, in_progress, operation_timeout, status_of, wait_for_stack, Events};
use export_data::ExportData;
use stack::{stack_schema, Stack};
use stack_data::StackData;
use template::{
    check_parameters, check_url_parameters, json_scalar_string, keep_prior_template, parse_template,
    template_parameters, templates_equivalent,
};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(Stack)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(StackData), Box::new(ExportData)]
}

const STACK: &str = "aws_cloudformation_stack";

/// Statuses from which a stack can no longer be updated: the only way forward is to delete it
/// and create it again.
const NOT_UPDATABLE: [&str; 5] = [
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "CREATE_FAILED",
    "DELETE_FAILED",
    "REVIEW_IN_PROGRESS",
];

/// How long a stack operation is waited for when the stack sets no `timeout_in_minutes`.
const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);

/// How long a change set may take to be computed while planning.
const CHANGE_SET_TIMEOUT: Duration = Duration::from_secs(10 * 60);

// Shared helpers

/// CloudFormation reports a missing stack as a `ValidationError` that says so.
fn stack_gone(e: &ProviderError) -> bool {
    e.code == "ValidationError" && e.message.contains("does not exist")
}

fn no_updates(e: &ProviderError) -> bool {
    e.code == "ValidationError" && e.message.contains("No updates are to be performed")
}

/// The entries of a map of strings; numbers and booleans are converted as Terraform does.
fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| scalar_string(v).map(|s| (k.clone(), s)))
                .collect()
        })
        .unwrap_or_default()
}

/// A parameter value as CloudFormation takes it: lists become comma-delimited strings.
fn scalar_string(v: &Value) -> Option<String> {
    match v.unmark().0 {
        Value::List(items) => items
            .iter()
            .map(Value::to_template_string)
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join(",")),
        other => other.to_template_string(),
    }
}

/// A set as state keeps it: sorted; `Null` when empty and the prior had none, because AWS does
/// not tell an empty set from an absent one.
fn set_state(items: &[String], prior: &Value) -> Value {
    if items.is_empty() && prior.is_null() {
        return Value::Null;
    }
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.dedup();
    Value::List(sorted.into_iter().map(Value::String).collect())
}

/// A short, stable digest of `parts`, for change set names and request tokens.
fn short_hash(parts: &[&str]) -> String {
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `HH:MM:SS` (UTC) of an AWS timestamp.
fn clock(dt: Option<&aws_smithy_types::DateTime>) -> String {
    match dt {
        Some(dt) => {
            let s = dt.secs().rem_euclid(86_400);
            format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
        }
        None => "--:--:--".to_string(),
    }
}
