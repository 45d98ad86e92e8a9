//! DynamoDB: `aws_dynamodb_table`, its items and its resource policy.
//!
//! Encryption at rest has three options, chosen with the `server_side_encryption` block:
//!
//! * no block, or `enabled = false`: the AWS owned key (DynamoDB's default, no KMS charges);
//! * `enabled = true` without `kms_key_arn`: the AWS managed key `alias/aws/dynamodb`;
//! * `enabled = true` with `kms_key_arn`: a customer managed key.
//!
//! Unlike the Terraform AWS provider, the state records `kms_key_arn` as null for the AWS
//! managed key (it is recognised by comparing with `alias/aws/dynamodb`), so that the option
//! configured and the option recorded compare equal and a switch between the last two options
//! shows as a change.
//!
//! Global secondary indexes change in place; local ones are fixed when the table is made.
//! Replicas in other regions are added and removed in place. `import_table` creates the table
//! from objects in S3 ([`import`]).

use crate::resource::{DataType, ResourceType};
use crate::support::attrs::{block_items, sref, string_map};

use crate::support::wait::Waiter;
use aws_sdk_dynamodb::types::{OnDemandThroughput, ScalarAttributeType};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

mod import;
mod indexes;
mod insights;
mod replicas;
mod resource_policy;
mod streaming;
mod table;
mod table_api;
mod table_item;
#[cfg(test)]
mod tests;
use import::{import_problems, import_table_block};
use indexes::{global_indexes, index_keys, index_problems, indexes_busy, local_indexes, read_indexes, with_indexes};
use replicas::{check_replicas, plan_replicas, read_replicas, with_replicas};
use table::{key_definitions, table_schema, Table};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(Table),
        Box::new(table_item::TableItem),
        Box::new(resource_policy::ResourcePolicy),
        Box::new(insights::ContributorInsights),
        Box::new(streaming::StreamingDestination),
    ]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    Vec::new()
}

/// What a create has just set on a table, so the read after it need not ask for it again.
pub(super) struct Known {
    /// Point-in-time recovery on.
    pitr: bool,
    /// `(enabled, attribute_name)` of the TTL.
    ttl: (bool, Option<String>),
    /// The tags CreateTable was given.
    tags: BTreeMap<String, String>,
}

impl Known {
    /// What a create of `planned` sets.
    fn of(planned: &Value) -> Known {
        let (on, attribute) = ttl_of(planned);
        Known {
            pitr: pitr_of(planned),
            ttl: (on, attribute.filter(|_| on)),
            tags: string_map(&planned.get("tags_all")),
        }
    }
}

/// How long a table may take to become ACTIVE (or to disappear) before the apply gives up,
/// unless its `timeouts` block says otherwise: the AWS provider's create and update limits.
const TABLE_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The AWS provider's limit for an update (`timeouts { update }`).
const UPDATE_TIMEOUT: Duration = Duration::from_secs(60 * 60);
/// The AWS provider's limit for a delete (`timeouts { delete }`).
const DELETE_TIMEOUT: Duration = Duration::from_secs(10 * 60);

/// The alias of the AWS managed key DynamoDB uses when encryption is enabled without a key.
const MANAGED_KEY_ALIAS: &str = "alias/aws/dynamodb";

fn first(v: &Value, key: &str) -> Option<Value> {
    block_items(v, key).into_iter().next()
}

/// `(enabled, kms_key_arn)` of a `server_side_encryption` block; no block means disabled.
fn sse_of(v: &Value) -> (bool, Option<String>) {
    match first(v, "server_side_encryption") {
        Some(b) => (
            b.get("enabled").as_bool().unwrap_or(false),
            sref(&b, "kms_key_arn").map(str::to_string),
        ),
        None => (false, None),
    }
}

fn pitr_of(v: &Value) -> bool {
    first(v, "point_in_time_recovery")
        .and_then(|b| b.get("enabled").as_bool())
        .unwrap_or(false)
}

/// `(enabled, attribute_name)` of a `ttl` block.
fn ttl_of(v: &Value) -> (bool, Option<String>) {
    match first(v, "ttl") {
        Some(b) => (
            b.get("enabled").as_bool().unwrap_or(false),
            sref(&b, "attribute_name").map(str::to_string),
        ),
        None => (false, None),
    }
}

/// The maximums of an `on_demand_throughput` block, when it sets any.
pub(super) fn on_demand_of(v: &Value) -> Option<OnDemandThroughput> {
    let b = first(v, "on_demand_throughput")?;
    let (read, write) = (
        number(&b.get("max_read_request_units")),
        number(&b.get("max_write_request_units")),
    );
    if read.is_none() && write.is_none() {
        return None;
    }
    Some(
        OnDemandThroughput::builder()
            .set_max_read_request_units(read)
            .set_max_write_request_units(write)
            .build(),
    )
}

fn number(v: &Value) -> Option<i64> {
    v.as_f64().map(|n| n as i64)
}

fn attr_type(ty: &str) -> ScalarAttributeType {
    ScalarAttributeType::from(ty)
}

const BILLING_MODES: [&str; 2] = ["PROVISIONED", "PAY_PER_REQUEST"];
const STREAM_VIEWS: [&str; 4] = ["KEYS_ONLY", "NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES"];

/// A wait on a table (its status, its deletion, an import into it): at most `limit`, looking
/// every second at first and every five seconds at most, with `progress` on each new status.
fn table_waiter<'a>(what: String, limit: Duration, progress: &'a dyn Fn(&str)) -> Waiter<'a> {
    Waiter::new(what, limit)
        .delays(Duration::from_secs(1), Duration::from_secs(5))
        .progress(progress)
}
