//! `replica` blocks of aws_dynamodb_table: the table's copies in other regions (global tables,
//! version 2019.11.21), added and removed one per UpdateTable call as DynamoDB requires, each
//! waited for until it is ACTIVE or gone. A replica's own settings (point-in-time recovery,
//! deletion protection, the table's tags when `propagate_tags` is on) are set and read in its
//! region, through a client of that region with the provider's credentials and endpoint.

use crate::dynamodb::{Table, TABLE_TIMEOUT};
use crate::resource::Ctx;
use crate::support::attrs::{block_items, call, invalid, problem};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_dynamodb::types::TableDescription;
use aws_sdk_dynamodb::types::{
    CreateReplicationGroupMemberAction, DeleteReplicationGroupMemberAction, ReplicationGroupUpdate,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// The `replica` block's schema.
pub(super) fn with_replicas(schema: Schema) -> Schema {
    schema.block(
        "replica",
        Nesting::Set,
        Schema::new()
            .attr("region_name", Attribute::required(Type::String))
            .attr("kms_key_arn", Attribute::optional(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("point_in_time_recovery", Attribute::optional(Type::Bool))
            .attr("propagate_tags", Attribute::optional(Type::Bool))
            .attr("deletion_protection_enabled", Attribute::optional(Type::Bool))
            .attr(
                "consistency_mode",
                Attribute::optional(Type::String).one_of(&["EVENTUAL", "STRONG"]),
            ),
    )
}

/// A replica's settings beside its region and key, with Terraform's defaults.
#[derive(Debug, Clone, PartialEq, Default)]
struct Settings {
    pitr: bool,
    propagate_tags: bool,
    deletion_protection: bool,
}

fn settings_of(replica: &Value) -> Settings {
    Settings {
        pitr: replica.get("point_in_time_recovery").as_bool().unwrap_or(false),
        propagate_tags: replica.get("propagate_tags").as_bool().unwrap_or(false),
        deletion_protection: replica.get("deletion_protection_enabled").as_bool().unwrap_or(false),
    }
}

/// A DynamoDB client of `region`, with the provider's credentials, endpoint and HTTP client.
fn regional(ctx: &Ctx, region: &str) -> aws_sdk_dynamodb::Client {
    let config = ctx
        .dynamodb
        .config()
        .to_builder()
        .region(aws_sdk_dynamodb::config::Region::new(region.to_string()))
        .build();
    aws_sdk_dynamodb::Client::from_conf(config)
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
    if replicas
        .iter()
        .any(|r| r.get("consistency_mode").as_str() == Some("STRONG"))
    {
        out.push(problem(
            "replica",
            "consistency_mode = \"STRONG\" is not supported yet: a multi-Region strongly consistent table needs its replicas created in one call, and infinstor adds them one at a time. Remove it (or set \"EVENTUAL\") for a table whose replicas are eventually consistent.",
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
        _ => Value::UNKNOWN,
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
                _ => Value::UNKNOWN,
            };
            let flag = |key: &str| match r.get(key).deep_unmark() {
                Value::Null => Value::Bool(false),
                v => v,
            };
            map([
                ("region_name", region.deep_unmark()),
                ("kms_key_arn", r.get("kms_key_arn").deep_unmark()),
                ("arn", arn),
                ("point_in_time_recovery", flag("point_in_time_recovery")),
                ("propagate_tags", flag("propagate_tags")),
                ("deletion_protection_enabled", flag("deletion_protection_enabled")),
                (
                    "consistency_mode",
                    match r.get("consistency_mode").deep_unmark() {
                        Value::Null => Value::from("EVENTUAL"),
                        v => v,
                    },
                ),
            ])
        })
        .collect();
    items.sort_by_key(|v| v.to_string());
    Value::List(items.into())
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
                // What only the replica's region can tell is read by `Table::read_replica_settings`.
                ("point_in_time_recovery", Value::Bool(false)),
                ("propagate_tags", Value::Bool(false)),
                ("deletion_protection_enabled", Value::Bool(false)),
                (
                    "consistency_mode",
                    Value::from(
                        table
                            .multi_region_consistency()
                            .map(|c| c.as_str())
                            .unwrap_or("EVENTUAL"),
                    ),
                ),
            ]))
        })
        .collect();
    items.sort_by_key(|v| v.to_string());
    Value::List(items.into())
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
        self.sync_replica_settings(ctx, name, (prior, &was), (planned, &wanted), progress)
    }

    /// Sets each wanted replica's own settings that differ from what `prior` recorded (a new
    /// replica starts from DynamoDB's defaults: no recovery, no protection, no tags). `was` and
    /// `wanted` are the replicas' regions and keys of `prior` and `planned`.
    fn sync_replica_settings(
        &self,
        ctx: &Ctx,
        name: &str,
        (prior, was): (&Value, &BTreeMap<String, Option<String>>),
        (planned, wanted): (&Value, &BTreeMap<String, Option<String>>),
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let recorded: BTreeMap<String, Value> = block_items(prior, "replica")
            .into_iter()
            .filter_map(|r| Some((r.get("region_name").as_str()?.to_string(), r)))
            .collect();
        for replica in block_items(planned, "replica") {
            let Some(region) = replica.get("region_name").as_str().map(str::to_string) else {
                continue;
            };
            // A replica added again (another key) is new: its settings start over.
            let kept = was.get(&region) == wanted.get(&region);
            let before = recorded
                .get(&region)
                .filter(|_| kept)
                .map(settings_of)
                .unwrap_or_default();
            let after = settings_of(&replica);
            if before == after && !(after.propagate_tags && prior.get("tags_all") != planned.get("tags_all")) {
                continue;
            }
            let client = regional(ctx, &region);
            if before.pitr != after.pitr {
                progress(&format!("setting point-in-time recovery of the replica in {region}"));
                self.set_pitr(ctx, &client, name, after.pitr)?;
            }
            if before.deletion_protection != after.deletion_protection {
                progress(&format!("setting deletion protection of the replica in {region}"));
                call(
                    ctx,
                    &format!("setting deletion protection of DynamoDB Table ({name}) in {region}"),
                    client
                        .update_table()
                        .table_name(name)
                        .deletion_protection_enabled(after.deletion_protection)
                        .send(),
                )?;
            }
            let arn = replica.get("arn");
            let arn = arn.as_str().map(str::to_string).or_else(|| {
                planned
                    .get("arn")
                    .as_str()
                    .and_then(|t| replica_arn(t, &region).as_str().map(str::to_string))
            });
            let old_tags = if before.propagate_tags {
                prior.get("tags_all")
            } else {
                Value::Null
            };
            let new_tags = if after.propagate_tags {
                planned.get("tags_all")
            } else {
                Value::Null
            };
            if let (Some(arn), true) = (arn, old_tags != new_tags) {
                self.update_tags(ctx, &client, &arn, &old_tags, &new_tags)?;
            }
        }
        Ok(())
    }

    /// Reads what only each replica's region can tell: its point-in-time recovery and deletion
    /// protection. `propagate_tags` is a choice of the configuration, kept as recorded.
    pub(super) fn read_replica_settings(
        &self,
        ctx: &Ctx,
        name: &str,
        replicas: Value,
        prior: &Value,
    ) -> Result<Value, ProviderError> {
        let propagate: BTreeMap<String, Value> = block_items(prior, "replica")
            .into_iter()
            .filter_map(|r| Some((r.get("region_name").as_str()?.to_string(), r.get("propagate_tags"))))
            .collect();
        let mut out = Vec::new();
        for replica in replicas.as_list().unwrap_or_default() {
            let Value::Map(mut m) = replica.clone() else {
                continue;
            };
            let Some(region) = replica.get("region_name").as_str().map(str::to_string) else {
                continue;
            };
            let client = regional(ctx, &region);
            let op = format!("reading the replica of DynamoDB Table ({name}) in {region}");
            let backups = call(ctx, &op, client.describe_continuous_backups().table_name(name).send())?;
            let pitr = backups
                .continuous_backups_description()
                .and_then(|d| d.point_in_time_recovery_description())
                .and_then(|p| p.point_in_time_recovery_status())
                .is_some_and(|s| s.as_str() == "ENABLED");
            let described = call(ctx, &op, client.describe_table().table_name(name).send())?;
            let protected = described
                .table()
                .and_then(|t| t.deletion_protection_enabled())
                .unwrap_or(false);
            m.insert("point_in_time_recovery".into(), Value::Bool(pitr));
            m.insert("deletion_protection_enabled".into(), Value::Bool(protected));
            let propagate = propagate.get(&region).cloned().unwrap_or(Value::Null);
            m.insert(
                "propagate_tags".into(),
                if propagate.is_null() {
                    Value::Bool(false)
                } else {
                    propagate
                },
            );
            out.push(Value::Map(m));
        }
        Ok(Value::List(out.into()))
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
        let show = |now: &str| progress(&format!("replica in {region} is {now}"));
        let waited = Waiter::new(op.clone(), TABLE_TIMEOUT)
            .delays(Duration::from_secs(2), Duration::from_secs(15))
            .progress(&show)
            .timeout_message(|_| format!("{op}: not done after {} minutes", TABLE_TIMEOUT.as_secs() / 60))
            .wait(|| {
                let table = self
                    .describe(ctx, name)?
                    .ok_or_else(|| ProviderError::new("NotFound", format!("{op}: the table no longer exists")))?;
                let replica = table.replicas().iter().find(|r| r.region_name() == Some(region));
                let status = replica.map(|r| r.replica_status().map(|s| s.as_str().to_string()).unwrap_or_default());
                let table_active = table.table_status().map(|s| s.as_str()) == Some("ACTIVE");
                match (&status, adding) {
                    (Some(s), true) if s == "ACTIVE" && table_active => return Ok(Poll::Ready(())),
                    (None, false) if table_active => return Ok(Poll::Ready(())),
                    (Some(s), true) if s.contains("FAILED") || s == "INACCESSIBLE_ENCRYPTION_CREDENTIALS" => {
                        return Err(ProviderError::new(
                            "ReplicaFailed",
                            format!(
                                "{op}: the replica is {s}{}",
                                replica
                                    .and_then(|r| r.replica_status_description())
                                    .map(|d| format!(": {d}"))
                                    .unwrap_or_default()
                            ),
                        ))
                    }
                    _ => {}
                }
                Ok(Poll::Pending(status.unwrap_or_else(|| "gone".to_string())))
            });
        waited
    }
}
