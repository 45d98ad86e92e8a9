//! Service Catalog: `aws_servicecatalog_provisioned_product` (a product a portfolio shares,
//! launched as CloudFormation underneath: seed 004's data and service layers) and
//! `data "aws_servicecatalog_launch_paths"`, and `aws_servicecatalog_principal_portfolio_association`
//! (who may launch a portfolio's products).
//!
//! Every change to a provisioned product is a *record* that Service Catalog works through on
//! its own (hours, for seed 004's layers): a create, update or terminate starts one and waits
//! for it to end, reporting its status while it runs.

mod launch_paths;
mod principal_association;
mod provisioned_product;
#[cfg(test)]
mod tests;

use crate::resource::{Ctx, DataType, ResourceType};
use crate::support::attrs::call;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_servicecatalog::types::RecordDetail;
use engine::core::provider::ProviderError;
use std::time::{Duration, Instant};

/// Every Service Catalog resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(provisioned_product::ProvisionedProduct),
        Box::new(principal_association::PrincipalAssociation),
    ]
}

/// Every Service Catalog data source.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(launch_paths::LaunchPaths)]
}

/// How often a wait says it is still waiting when nothing changed.
const REPORT_EVERY: Duration = Duration::from_secs(60);

/// The language Service Catalog answers in: `en` unless the configuration says otherwise.
fn language(value: &engine::core::value::Value) -> String {
    crate::support::attrs::sref(value, "accept_language")
        .unwrap_or("en")
        .to_string()
}

/// Waits until record `record_id` of provisioned product `name` ends (`SUCCEEDED` or
/// `FAILED`), at most `timeout`, and returns its detail. `doing` names the operation in
/// progress lines and errors ("creating").
fn wait_for_record(
    ctx: &Ctx,
    record_id: &str,
    name: &str,
    doing: &str,
    timeout: Duration,
    progress: &dyn Fn(&str),
) -> Result<RecordDetail, ProviderError> {
    let start = Instant::now();
    let show = |status: &str| {
        progress(&format!(
            "{doing} provisioned product {name}: record {record_id} is {status} ({}m elapsed)",
            start.elapsed().as_secs() / 60
        ))
    };
    let waited = Waiter::new(format!("record {record_id}"), timeout)
        .delays(Duration::from_secs(2), Duration::from_secs(30))
        .progress(&show)
        .every(REPORT_EVERY)
        .timeout_message(|last| {
            format!(
                "{doing} Service Catalog provisioned product ({name}): record {record_id} is still \
                     {last} after {}m. Service Catalog goes on with it; the next plan reads where it got \
                     to. Raise `timeouts {{ ... }}` for products that take longer.",
                timeout.as_secs() / 60
            )
        })
        .wait(|| {
            let out = call(
                ctx,
                &format!("reading Service Catalog record ({record_id})"),
                ctx.servicecatalog.describe_record().id(record_id).send(),
            )?;
            let detail = out
                .record_detail()
                .cloned()
                .unwrap_or_else(|| RecordDetail::builder().build());
            let status = detail.status().map(|s| s.as_str().to_string()).unwrap_or_default();
            Ok(if status == "SUCCEEDED" || status == "FAILED" {
                Poll::Ready(detail)
            } else {
                Poll::Pending(status)
            })
        });
    waited
}

/// The error for a record that ended `FAILED`: its errors, as Service Catalog words them.
fn record_failure(doing: &str, name: &str, detail: &RecordDetail) -> ProviderError {
    let errors: Vec<String> = detail
        .record_errors()
        .iter()
        .map(|e| format!("{}: {}", e.code().unwrap_or("Error"), e.description().unwrap_or("")))
        .collect();
    let said = if errors.is_empty() {
        "Service Catalog gave no reason; see the product's CloudFormation stack events".to_string()
    } else {
        errors.join("; ")
    };
    ProviderError::new(
        "RecordFailed",
        format!(
            "{doing} Service Catalog provisioned product ({name}) failed (record {}): {said}",
            detail.record_id().unwrap_or("?")
        ),
    )
}
