//! `replica` blocks of aws_dynamodb_table: the table's copies in other regions (global tables,
//! version 2019.11.21), added and removed one per UpdateTable call as DynamoDB requires, each
//! waited for until it is ACTIVE or gone.

use super::*;
use aws_sdk_dynamodb::types::{
    CreateReplicationGroupMemberAction, DeleteReplicationGroupMemberAction, ReplicationGroupUpdate,
};

/// The `replica` block's schema.
pub(super) fn with_replicas(schema: Schema) -> Schema {
    schema.block(
        "replica",
        Nesting::Set,
        Schema::new()
            .attr("region_name", Attribute::required(Type::String))
            .attr("kms_key_arn", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .not_yet(
                "point_in_time_recovery",
                "Turn point-in-time recovery on in the replica's region outside infinstor.",
            )
            .not_yet("propagate_tags", "Tag the replica in its region outside infinstor.")
            .not_yet("consistency_mode", "Remove it: replicas are eventually consistent.")
            .not_yet(
                "deletion_protection_enabled",
                "Set it on the replica in its region outside infinstor.",
            ),
    )
}

/// What `validate` says of replicas: DynamoDB copies changes through the table's stream.
pub(super) fn check_replicas(config: &Value) -> Vec<ValidateProblem> {
    let replicas = block_items(config, "replica");
    if replicas.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let stream = config.get("stream_enabled");
    let view = config.get("stream_view_type");
    let known = !stream.is_unknown() && !view.is_unknown();
    if known && (stream.as_bool() != Some(true) || view.as_str() != Some("NEW_AND_OLD_IMAGES")) {
        out.push(problem(
            "replica",
            "replicas need the table's stream: set stream_enabled = true and stream_view_type = \"NEW_AND_OLD_IMAGES\"",
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for r in &replicas {
        if let Some(region) = r.get("region_name").as_str() {
            if !seen.insert(region.to_string()) {
                out.push(problem(
                    "replica",
                    format!("two replicas in {region}: a region has one"),
                ));
            }
        }
    }
    out
}

/// The replica's ARN: the table's, in the replica's region.
fn replica_arn(table_arn: &str, region: &str) -> Value {
    let parts: Vec<&str> = table_arn.splitn(5, ':').collect();
    match parts.as_slice() {
        [arn, partition, service, _, rest] => Value::string(format!("{arn}:{partition}:{service}:{region}:{rest}")),
        _ => Value::Unknown,
    }
}

/// The planned replicas: as configured, each with its ARN, known when the table's is.
pub(super) fn plan_replicas(proposed: &Value, table_arn: &Value) -> Value {
    let mut items: Vec<Value> = block_items(proposed, "replica")
        .into_iter()
        .map(|r| {
            let region = r.get("region_name");
            let arn = match (table_arn.as_str(), region.as_str()) {
                (Some(t), Some(region)) => replica_arn(t, region),
                _ => Value::Unknown,
            };
            map([
                ("region_name", region.deep_unmark()),
                ("kms_key_arn", r.get("kms_key_arn").deep_unmark()),
                ("arn", arn),
            ])
        })
        .collect();
    items.sort_by_key(|v| v.to_string());
    Value::List(items)
}

/// The replicas DynamoDB reports for a table.
pub(super) fn read_replicas(table: &TableDescription) -> Value {
    let table_arn = table.table_arn().unwrap_or_default();
    let mut items: Vec<Value> = table
        .replicas()
        .iter()
        .filter_map(|r| {
            let region = r.region_name()?;
            Some(map([
                ("region_name", Value::string(region)),
                (
                    "kms_key_arn",
                    r.kms_master_key_id().map(Value::string).unwrap_or(Value::Null),
                ),
                ("arn", replica_arn(table_arn, region)),
            ]))
        })
        .collect();
    items.sort_by_key(|v| v.to_string());
    Value::List(items)
}

/// `(region, kms key)` of each replica of a table value.
fn regions(v: &Value) -> BTreeMap<String, Option<String>> {
    block_items(v, "replica")
        .iter()
        .filter_map(|r| {
            let region = r.get("region_name").as_str()?.to_string();
            Some((region, r.get("kms_key_arn").as_str().map(str::to_string)))
        })
        .collect()
}

impl Table {
    /// Brings the table's replicas from `prior`'s to `planned`'s: removes those no longer
    /// wanted (or whose key changed), then adds the new ones.
    pub(super) fn sync_replicas(
        &self,
        ctx: &Ctx,
        name: &str,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let (was, wanted) = (regions(prior), regions(planned));
        for (region, key) in &was {
            if wanted.get(region) != Some(key) {
                self.replica_update(ctx, name, region, None, progress)?;
            }
        }
        for (region, key) in &wanted {
            if was.get(region) != Some(key) {
                self.replica_update(ctx, name, region, Some(key.clone()), progress)?;
            }
        }
        Ok(())
    }

    /// Adds (`Some(key)`) or removes (`None`) the replica in `region`, and waits for it.
    fn replica_update(
        &self,
        ctx: &Ctx,
        name: &str,
        region: &str,
        add: Option<Option<String>>,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let adding = add.is_some();
        let op = format!(
            "{} the replica of DynamoDB Table ({name}) in {region}",
            if adding { "adding" } else { "removing" }
        );
        let update = match add {
            Some(key) => ReplicationGroupUpdate::builder()
                .create(
                    CreateReplicationGroupMemberAction::builder()
                        .region_name(region)
                        .set_kms_master_key_id(key)
                        .build()
                        .map_err(|e| invalid(format!("{op}: {e}")))?,
                )
                .build(),
            None => ReplicationGroupUpdate::builder()
                .delete(
                    DeleteReplicationGroupMemberAction::builder()
                        .region_name(region)
                        .build()
                        .map_err(|e| invalid(format!("{op}: {e}")))?,
                )
                .build(),
        };
        progress(&op);
        call(
            ctx,
            &op,
            ctx.dynamodb
                .update_table()
                .table_name(name)
                .replica_updates(update)
                .send(),
        )?;
        let start = Instant::now();
        let mut delay = Duration::from_secs(2);
        let mut last = String::new();
        loop {
            let table = self
                .describe(ctx, name)?
                .ok_or_else(|| ProviderError::new("NotFound", format!("{op}: the table no longer exists")))?;
            let status = table
                .replicas()
                .iter()
                .find(|r| r.region_name() == Some(region))
                .map(|r| r.replica_status().map(|s| s.as_str().to_string()).unwrap_or_default());
            let table_active = table.table_status().map(|s| s.as_str()) == Some("ACTIVE");
            match (&status, adding) {
                (Some(s), true) if s == "ACTIVE" && table_active => return Ok(()),
                (None, false) if table_active => return Ok(()),
                (Some(s), true) if s.contains("FAILED") || s == "INACCESSIBLE_ENCRYPTION_CREDENTIALS" => {
                    return Err(ProviderError::new(
                        "ReplicaFailed",
                        format!(
                            "{op}: the replica is {s}{}",
                            table
                                .replicas()
                                .iter()
                                .find(|r| r.region_name() == Some(region))
                                .and_then(|r| r.replica_status_description())
                                .map(|d| format!(": {d}"))
                                .unwrap_or_default()
                        ),
                    ))
                }
                _ => {}
            }
            let now = status.clone().unwrap_or_else(|| "gone".to_string());
            if now != last {
                progress(&format!("replica in {region} is {now}"));
                last = now;
            }
            if start.elapsed() > TABLE_TIMEOUT {
                return Err(ProviderError::new(
                    "Timeout",
                    format!("{op}: not done after {} minutes", TABLE_TIMEOUT.as_secs() / 60),
                ));
            }
            delay = backoff(delay, Duration::from_secs(15))?;
        }
    }
}
