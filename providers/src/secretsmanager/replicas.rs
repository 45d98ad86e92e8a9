//! `replica` blocks of aws_secretsmanager_secret: the secret's copies in other regions, added
//! with ReplicateSecretToRegions and removed with RemoveRegionsFromReplication. A replica whose
//! key changes is removed and added again, as the AWS provider does; a secret that has replicas
//! loses them before it is deleted, since Secrets Manager refuses to delete it otherwise.

use crate::resource::Ctx;
use crate::support::attrs::{block_items, call};
use crate::support::dates::rfc3339;
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::ReplicaRegionType;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

/// The `replica` block's schema.
pub(super) fn with_replicas(schema: Schema) -> Schema {
    schema.block(
        "replica",
        Nesting::Set,
        Schema::new()
            .attr("region", Attribute::required(Type::String))
            .attr("kms_key_id", Attribute::optional_computed(Type::String))
            .attr("last_accessed_date", Attribute::computed(Type::String))
            .attr("status", Attribute::computed(Type::String))
            .attr("status_message", Attribute::computed(Type::String)),
    )
}

/// The configured replicas: region to the KMS key asked for (`None`: Secrets Manager's own).
fn wanted(value: &Value) -> BTreeMap<String, Option<String>> {
    block_items(value, "replica")
        .iter()
        .filter_map(|r| {
            Some((
                r.get("region").as_str()?.to_string(),
                r.get("kms_key_id").as_str().map(str::to_string),
            ))
        })
        .collect()
}

fn regions(replicas: &BTreeMap<String, Option<String>>) -> Vec<ReplicaRegionType> {
    replicas
        .iter()
        .map(|(region, key)| {
            ReplicaRegionType::builder()
                .region(region)
                .set_kms_key_id(key.clone())
                .build()
        })
        .collect()
}

/// What CreateSecret is given: the configured replicas, or `None` without any.
pub(super) fn for_create(planned: &Value) -> Option<Vec<ReplicaRegionType>> {
    let replicas = wanted(planned);
    (!replicas.is_empty()).then(|| regions(&replicas))
}

/// Removes the replicas `planned` no longer has (or has with another key), then adds the new
/// ones.
pub(super) fn update(ctx: &Ctx, arn: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
    let (had, want) = (wanted(prior), wanted(planned));
    // A key left unset keeps whatever key the replica has.
    let changed = |region: &String, key: &Option<String>| match want.get(region) {
        None => true,
        Some(new) => new.is_some() && new != key,
    };
    let gone: Vec<String> = had
        .iter()
        .filter(|(r, k)| changed(r, k))
        .map(|(r, _)| r.clone())
        .collect();
    if !gone.is_empty() {
        remove(ctx, arn, gone.clone())?;
    }
    let added: BTreeMap<String, Option<String>> = want
        .into_iter()
        .filter(|(r, _)| !had.contains_key(r) || gone.contains(r))
        .collect();
    if added.is_empty() {
        return Ok(());
    }
    call(
        ctx,
        &format!("replicating Secrets Manager Secret ({arn})"),
        ctx.secretsmanager
            .replicate_secret_to_regions()
            .secret_id(arn)
            .set_add_replica_regions(Some(regions(&added)))
            .force_overwrite_replica_secret(planned.get("force_overwrite_replica_secret").as_bool() == Some(true))
            .send(),
    )
    .map(drop)
}

/// Removes every replica `prior` records, before the secret is deleted.
pub(super) fn remove_all(ctx: &Ctx, arn: &str, prior: &Value) -> Result<(), ProviderError> {
    let had: Vec<String> = wanted(prior).into_keys().collect();
    if had.is_empty() {
        return Ok(());
    }
    remove(ctx, arn, had)
}

fn remove(ctx: &Ctx, arn: &str, regions: Vec<String>) -> Result<(), ProviderError> {
    call(
        ctx,
        &format!("removing replicas of Secrets Manager Secret ({arn})"),
        ctx.secretsmanager
            .remove_regions_from_replication()
            .secret_id(arn)
            .set_remove_replica_regions(Some(regions))
            .send(),
    )
    .map(drop)
}

/// The replicas DescribeSecret reports, as the block records them.
pub(super) fn read(d: &DescribeSecretOutput) -> Value {
    let date = |d: Option<&aws_smithy_types::DateTime>| d.map(rfc3339).unwrap_or(Value::Null);
    let mut items: Vec<Value> = d
        .replication_status()
        .iter()
        .map(|r| {
            map([
                ("region", r.region().map(Value::string).unwrap_or(Value::Null)),
                ("kms_key_id", r.kms_key_id().map(Value::string).unwrap_or(Value::Null)),
                ("last_accessed_date", date(r.last_accessed_date())),
                (
                    "status",
                    r.status().map(|s| Value::string(s.as_str())).unwrap_or(Value::Null),
                ),
                (
                    "status_message",
                    r.status_message().map(Value::string).unwrap_or(Value::Null),
                ),
            ])
        })
        .collect();
    items.sort_by(|a, b| a.get("region").as_str().cmp(&b.get("region").as_str()));
    Value::List(items.into_iter().collect())
}
