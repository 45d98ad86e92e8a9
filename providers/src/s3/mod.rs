//! S3 resources: the bucket and the per-bucket configuration resources of the Terraform AWS
//! provider (v4+ style, where CORS, encryption, policy, public access block, versioning,
//! ownership controls, acceleration, logging, website, lifecycle and ACL are separate resources
//! named after the bucket).
//!
//! States follow the Terraform AWS provider's attribute names and import IDs, so configurations
//! and `terraform import` habits carry over unchanged.

use crate::resource::ResourceType;
use crate::support::attrs::{block_items, invalid, set_value, string_map};
use crate::support::error::from_sdk;
use engine::core::provider::ProviderError;
use engine::core::schema::{Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::future::Future;
use std::time::Duration;

mod accelerate;
mod acl;
mod analytics;
mod bucket;
mod canonical_user_id;
mod configuration;
mod cors;
mod emulators;
mod encryption;
mod intelligent_tiering;
mod inventory;
mod lifecycle;
mod logging;
mod metric;
mod naming;
mod notification;
mod object;
mod object_lock;
mod ownership_controls;
mod policy;
mod public_access_block;
#[cfg(test)]
mod replayed;
#[cfg(test)]
mod replayed_arguments;
mod replication;
mod request_payment;
mod versioning;
mod website;
use accelerate::Accelerate;
use acl::Acl;
use bucket::Bucket;
use canonical_user_id::CanonicalUserId;
use configuration::{BucketConfig, Sub, Target};
use cors::Cors;
use encryption::{Encryption, SSE_ALGORITHMS};
use lifecycle::Lifecycle;
use logging::Logging;
use naming::{bucket_name_problem, derive_bucket_attributes, hosted_zone_id, ACCOUNT_REGIONAL};
use notification::Notification;
use object::Object;
use object_lock::{object_lock_enabled, ObjectLock};
use ownership_controls::OwnershipControls;
use policy::Policy;
use public_access_block::PublicAccessBlock;
use replication::Replication;
use versioning::Versioning;
use website::Website;

/// Every S3 data source.
pub(crate) fn data_sources() -> Vec<Box<dyn crate::resource::DataType>> {
    vec![Box::new(CanonicalUserId)]
}

/// Every S3 resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(Bucket),
        Box::new(Sub(Cors)),
        Box::new(Sub(Encryption)),
        Box::new(Sub(Policy)),
        Box::new(Sub(PublicAccessBlock)),
        Box::new(Sub(Versioning)),
        Box::new(Sub(OwnershipControls)),
        Box::new(Sub(Accelerate)),
        Box::new(Sub(Logging)),
        Box::new(Sub(Website)),
        Box::new(Sub(Lifecycle)),
        Box::new(Sub(Acl)),
        Box::new(Object),
        Box::new(Sub(ObjectLock)),
        Box::new(Sub(Notification)),
        Box::new(Sub(Replication)),
        Box::new(Sub(request_payment::RequestPayment)),
        Box::new(Sub(metric::Metric)),
        Box::new(Sub(intelligent_tiering::IntelligentTiering)),
        Box::new(Sub(analytics::Analytics)),
        Box::new(Sub(inventory::Inventory)),
    ]
}

// Value helpers

fn string_type() -> Type {
    Type::String
}

/// A known string attribute.
fn known_str(value: &Value, key: &str) -> Option<String> {
    value.get(key).as_str().map(str::to_string)
}

/// Like [`set_value`], but `Null` for an empty set (AWS does not distinguish the two).
fn optional_set_value<S: AsRef<str>>(items: &[S]) -> Value {
    if items.is_empty() {
        Value::Null
    } else {
        set_value(items)
    }
}

/// The first (for a single block, the only) item of a nested block.
fn first(value: &Value, key: &str) -> Option<Value> {
    block_items(value, key).into_iter().next()
}

/// Tag pairs of a map value, as S3 takes them.
fn s3_tags(value: &Value) -> Result<Vec<aws_sdk_s3::types::Tag>, ProviderError> {
    string_map(value)
        .into_iter()
        .map(|(k, v)| {
            aws_sdk_s3::types::Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| invalid(format!("tag: {e}")))
        })
        .collect()
}

/// A map value of S3 tag pairs; null when there are none.
fn tags_value(tags: &[aws_sdk_s3::types::Tag]) -> Value {
    if tags.is_empty() {
        return Value::Null;
    }
    Value::Map(
        tags.iter()
            .map(|t| (t.key().to_string(), Value::from(t.value())))
            .collect(),
    )
}

fn into_map(value: Value) -> BTreeMap<String, Value> {
    match value.into_unmarked().0 {
        Value::Map(map) => map.into(),
        _ => BTreeMap::new(),
    }
}

fn sort_key(value: &Value) -> String {
    value.as_str().map(str::to_string).unwrap_or_else(|| value.to_string())
}

/// Sorts the known set-of-string attributes at every depth, so the planned value and the state
/// agree on an order whatever order the configuration used.
fn sort_sets(schema: &Schema, value: Value) -> Value {
    let mut map = match value {
        Value::Map(map) => map,
        other => return other,
    };
    for (name, attribute) in &schema.attributes {
        if let (Type::Set(_), Some(Value::List(items))) = (&attribute.ty, map.get_mut(name)) {
            if !items.iter().any(Value::contains_unknown) {
                items.sort_by_key(sort_key);
                items.dedup();
            }
        }
    }
    for (name, block) in &schema.blocks {
        if let Some(Value::List(items)) = map.get_mut(name) {
            for item in items.iter_mut() {
                *item = sort_sets(&block.schema, std::mem::take(item));
            }
        }
    }
    Value::Map(map)
}

/// Values AWS does not tell apart from an absent one.
fn is_empty_like(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::String(s) => s.is_empty(),
        Value::List(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
        _ => false,
    }
}

/// Equality as AWS sees it: null equals an empty or false value, and lists are compared as
/// multisets (every list in S3 states is a set).
fn loosely_equal(a: &Value, b: &Value) -> bool {
    let (a, b) = (a.unmark().0, b.unmark().0);
    match (a, b) {
        (Value::Null, other) | (other, Value::Null) => is_empty_like(other),
        (Value::List(xs), Value::List(ys)) => {
            if xs.len() != ys.len() {
                return false;
            }
            let mut used = vec![false; ys.len()];
            xs.iter().all(|x| {
                let found = ys
                    .iter()
                    .enumerate()
                    .find(|(i, y)| !used[*i] && loosely_equal(x, y))
                    .map(|(i, _)| i);
                match found {
                    Some(i) => {
                        used[i] = true;
                        true
                    }
                    None => false,
                }
            })
        }
        (Value::Map(xs), Value::Map(ys)) => xs
            .keys()
            .chain(ys.keys())
            .all(|k| loosely_equal(xs.get(k).unwrap_or(&Value::Null), ys.get(k).unwrap_or(&Value::Null))),
        _ => a == b,
    }
}

/// Keeps the prior value of every attribute AWS reports equivalently, so that formatting
/// (a policy's whitespace, null versus an empty set, set order) never shows as drift.
fn reconcile(schema: &Schema, prior: &Value, read: Value) -> Value {
    let prior = match prior.as_map() {
        Some(map) => map,
        None => return read,
    };
    let mut map = into_map(read);
    for (key, value) in map.iter_mut() {
        let Some(old) = prior.get(key) else { continue };
        let json = schema.attributes.get(key).map(|a| a.json).unwrap_or(false);
        let same = if json {
            match (old.as_str(), value.as_str()) {
                (Some(x), Some(y)) => crate::support::policy::equivalent(x, y),
                _ => loosely_equal(old, value),
            }
        } else {
            loosely_equal(old, value)
        };
        if same {
            *value = old.clone();
        }
    }
    Value::Map(map.into())
}

/// How long a new bucket may take to become visible to the other S3 APIs.
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(60);

/// Sends one S3 request built by `send`, retrying while `retry_if` says what it needs is still
/// propagating; `op` names the request in errors.
async fn send_retrying<T, E, R, F, Fut>(
    op: &str,
    send: F,
    retry_if: impl Fn(&ProviderError) -> bool,
) -> Result<(), ProviderError>
where
    F: Fn() -> Fut,
    Fut: Future<Output = Result<T, aws_smithy_runtime_api::client::result::SdkError<E, R>>>,
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug + 'static,
{
    retrying(
        || {
            let sent = send();
            async move { sent.await.map(|_| ()).map_err(|e| from_sdk(op, e)) }
        },
        retry_if,
    )
    .await
}

/// Retries `call` while `retry_if` holds, for up to [`PROPAGATION_TIMEOUT`]: S3 is eventually
/// consistent right after a bucket is created, and AWS reports that as `NoSuchBucket`.
async fn retrying<T, F, Fut>(mut call: F, retry_if: impl Fn(&ProviderError) -> bool) -> Result<T, ProviderError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ProviderError>>,
{
    crate::support::wait::Waiter::new("S3 to know the new bucket", PROPAGATION_TIMEOUT)
        .delays(Duration::from_millis(500), Duration::from_secs(5))
        .retry_async(retry_if, &mut call)
        .await
}

fn bucket_propagating(e: &ProviderError) -> bool {
    e.code == "NoSuchBucket"
}

/// The S3 types of the Terraform AWS provider that infinstor does not have yet, with what to do
/// meanwhile. They are left out because the emulator the tests run against does not keep them
/// (its bucket handler answers these sub-resources as a listing, a create or a delete of the
/// bucket), so they could not be tested against a real S3 API here.
pub(crate) fn not_yet_type(type_name: &str) -> Option<&'static str> {
    Some(match type_name {
        "aws_s3_bucket_object" => "It is the AWS provider's old name of aws_s3_object: write aws_s3_object.",
        _ => return None,
    })
}
