//! Route 53: hosted zones (`aws_route53_zone`), records (`aws_route53_record`) and the
//! `aws_route53_zone` data source.
//!
//! Records are where batching pays off. One ChangeResourceRecordSets call carries up to 1,000
//! record changes of a hosted zone and one ListResourceRecordSets page returns 300 records, while
//! Terraform's provider spends at least five calls (and an INSYNC wait) per created record and two
//! per refreshed one. So `aws_route53_record` implements the batch methods: all changes of a zone
//! go into as few change batches as Route 53's limits allow, each followed by one INSYNC wait, and
//! a refresh lists each zone once. Route 53 rejects a whole batch when a single change in it is
//! invalid; a rejected batch is split (the records the rejection names go on their own, else the
//! batch is halved) until every record has its own outcome, so one bad record neither fails its
//! batch-mates nor hides which record it was.
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider.

use crate::resource::{DataType, ResourceType};
use crate::support::attrs::block_items;
use engine::core::value::Value;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

mod changes;
mod names;
mod record;
mod record_batch;
mod record_spec;
mod zone;
mod zone_data;
mod zone_tags;
use changes::{
    apex_from_listing, change_error, find_record, list_zone, rejects_content, settle_change, wait_change, ZoneNames,
};
use names::{
    alias_key, api_name, display_fqdn, expand_record_name, name_key, parse_record_id, record_id, record_key, rrset_key,
    same_rrset, same_values, trim_dot, value_from_api, value_to_api, RecordKey,
};
use record::Record;
use record_batch::{Kind, Unit, ZoneBatch};
use record_spec::Spec;
use zone::{private_name_servers, Zone};
use zone_data::ZoneData;
use zone_tags::{change_zone_tags, list_zone_tags};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    let zones = Arc::new(ZoneNames::default());
    vec![Box::new(Zone { zones: zones.clone() }), Box::new(Record { zones })]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(ZoneData)]
}

/// At most this many ResourceRecord elements go into one change batch (an UPSERT counts twice).
const MAX_BATCH_RECORDS: usize = 1_000;
/// At most this many characters of record values go into one change batch (UPSERT twice).
const MAX_BATCH_CHARS: usize = 32_000;
/// The largest page ListResourceRecordSets returns.
const LIST_PAGE: i32 = 300;
/// How long a change may take to reach INSYNC (Terraform's default timeout is 30 minutes too).
const INSYNC_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The longest pause between two GetChange polls.
const MAX_POLL: Duration = Duration::from_secs(15);
/// Terraform's default `comment` of a hosted zone.
const DEFAULT_ZONE_COMMENT: &str = "Managed by Terraform";
/// Route 53's code for a zone that does not exist.
const NO_SUCH_ZONE: &str = "NoSuchHostedZone";
/// Record types Route 53 accepts (the `RRType` enumeration).
const RR_TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB",
    "TLSA", "TXT",
];

// Shared helpers

/// A string value, `Null` for an absent or empty one.
fn opt_string(s: Option<&str>) -> Value {
    s.filter(|s| !s.is_empty()).map(Value::string).unwrap_or(Value::Null)
}

/// A whole number attribute.
fn int(v: &Value) -> Option<i64> {
    v.as_f64().filter(|n| n.fract() == 0.0).map(|n| n as i64)
}

fn first_block(value: &Value, key: &str) -> Option<Value> {
    block_items(value, key).into_iter().next()
}

/// The known strings of a list or set attribute.
fn strings_of(value: &Value) -> Vec<String> {
    value
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// `Z123` from `/hostedzone/Z123` (Route 53 returns the long form, users write either).
fn clean_zone_id(id: &str) -> &str {
    id.strip_prefix("/hostedzone/").unwrap_or(id)
}

fn clean_change_id(id: &str) -> &str {
    id.strip_prefix("/change/").unwrap_or(id)
}

fn clean_delegation_set_id(id: &str) -> &str {
    id.strip_prefix("/delegationset/").unwrap_or(id)
}

/// A unique CallerReference for CreateHostedZone: Route 53 refuses to reuse one.
fn caller_reference() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!(
        "infinstor-{}{:09}-{}-{}",
        now.as_secs(),
        now.subsec_nanos(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}
