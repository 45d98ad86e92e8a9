//! aws_s3_bucket.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::s3::{
    bucket_name_problem, bucket_propagating, derive_bucket_attributes, hosted_zone_id, into_map, known_str,
    object_lock_enabled, reconcile, send_retrying, string_type, ACCOUNT_REGIONAL,
};
use crate::support::attrs::is_set;
use crate::support::attrs::{complete_planned, finish, invalid, map_of_strings, map_value, problem, string_map, State};
use crate::support::error::{from_sdk, is_not_found};
use crate::support::naming::{prefix_of, prefixed_unique_id};
use aws_sdk_s3::types::{
    BucketLocationConstraint, BucketNamespace, CreateBucketConfiguration, Delete, ObjectIdentifier, Tag, Tagging,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct Bucket;

pub(super) const BUCKET: &str = "aws_s3_bucket";

impl Bucket {
    /// The state after a create or update: the planned values with every computed one known.
    fn state(ctx: &Ctx, planned: &Value, name: &str, region: &str) -> Value {
        let mut map = into_map(planned.clone());
        derive_bucket_attributes(&mut map, name, region);
        for flag in ["force_destroy", "object_lock_enabled"] {
            if map.get(flag).is_none_or(|v| v.is_null() || v.is_unknown()) {
                map.insert(flag.into(), Value::Bool(false));
            }
        }
        let tags = map.get("tags").cloned().unwrap_or(Value::Null);
        map.insert("tags_all".into(), crate::support::tags::tags_all(ctx, &tags));
        finish(&bucket_schema(), map)
    }

    async fn put_tags(ctx: &Ctx, name: &str, tags: &BTreeMap<String, String>) -> Result<(), ProviderError> {
        let op = format!("tagging S3 Bucket ({name})");
        if tags.is_empty() {
            return send_retrying(
                &op,
                || ctx.s3.delete_bucket_tagging().bucket(name).send(),
                bucket_propagating,
            )
            .await;
        }
        let tag_set = tags
            .iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let tagging = Tagging::builder()
            .set_tag_set(Some(tag_set))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let tagging = &tagging;
        send_retrying(
            &op,
            || ctx.s3.put_bucket_tagging().bucket(name).tagging(tagging.clone()).send(),
            bucket_propagating,
        )
        .await
    }

    /// Waits (briefly) until a new bucket is visible, so the next resources find it.
    async fn wait_until_visible(ctx: &Ctx, name: &str) {
        // Only "not found yet" is worth waiting on; whatever else HeadBucket says, the next
        // resource's own call reports it better.
        let _ = crate::support::wait::Waiter::new(format!("S3 bucket {name} to be visible"), Duration::from_secs(30))
            .delays(Duration::from_millis(200), Duration::from_secs(3))
            .retry_async(
                |e| is_not_found(&e.code),
                || async {
                    ctx.s3
                        .head_bucket()
                        .bucket(name)
                        .send()
                        .await
                        .map_err(|e| from_sdk("", e))
                },
            )
            .await;
    }

    /// Deletes every object version and delete marker, in batches of 1000 (the API's maximum).
    async fn empty(ctx: &Ctx, name: &str, progress: &dyn Fn(&str)) -> Result<u64, ProviderError> {
        let mut key_marker: Option<String> = None;
        let mut version_marker: Option<String> = None;
        let mut pending: Vec<ObjectIdentifier> = Vec::new();
        let mut deleted = 0u64;
        loop {
            let listed = ctx
                .s3
                .list_object_versions()
                .bucket(name)
                .set_key_marker(key_marker.clone())
                .set_version_id_marker(version_marker.clone())
                .send()
                .await;
            let listed = match listed {
                Ok(out) => out,
                Err(e) => {
                    let e = from_sdk(&format!("listing object versions of S3 Bucket ({name})"), e);
                    if e.code == "NoSuchBucket" {
                        return Ok(deleted);
                    }
                    return Err(e);
                }
            };
            let versions = listed.versions().iter().map(|v| (v.key(), v.version_id()));
            let markers = listed.delete_markers().iter().map(|m| (m.key(), m.version_id()));
            for (key, version) in versions.chain(markers) {
                let Some(key) = key else { continue };
                let id = ObjectIdentifier::builder()
                    .key(key)
                    .set_version_id(version.map(str::to_string))
                    .build()
                    .map_err(|e| invalid(format!("emptying S3 Bucket ({name}): {e}")))?;
                pending.push(id);
            }
            while pending.len() >= 1000 {
                let batch: Vec<ObjectIdentifier> = pending.drain(..1000).collect();
                deleted += Bucket::delete_batch(ctx, name, batch).await?;
                progress(&format!("deleted {deleted} object versions from S3 bucket {name}"));
            }
            if listed.is_truncated() == Some(true) {
                key_marker = listed.next_key_marker().map(str::to_string);
                version_marker = listed.next_version_id_marker().map(str::to_string);
                if key_marker.is_none() && version_marker.is_none() {
                    break;
                }
            } else {
                break;
            }
        }
        if !pending.is_empty() {
            deleted += Bucket::delete_batch(ctx, name, pending).await?;
            progress(&format!("deleted {deleted} object versions from S3 bucket {name}"));
        }
        Ok(deleted)
    }

    async fn delete_batch(ctx: &Ctx, name: &str, batch: Vec<ObjectIdentifier>) -> Result<u64, ProviderError> {
        let op = format!("deleting objects from S3 Bucket ({name})");
        let count = batch.len() as u64;
        let delete = Delete::builder()
            .set_objects(Some(batch))
            .quiet(true)
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        let out = ctx
            .s3
            .delete_objects()
            .bucket(name)
            .delete(delete)
            // force_destroy means every object goes, including those under governance-mode
            // object lock, as in Terraform.
            .bypass_governance_retention(true)
            .send()
            .await
            .map_err(|e| from_sdk(&op, e))?;
        if let Some(first) = out.errors().first() {
            return Err(ProviderError::new(
                first.code().unwrap_or("DeleteObjectsFailed"),
                format!(
                    "{op}: {} of {count} objects could not be deleted; first: {} (version {}): {}: {}",
                    out.errors().len(),
                    first.key().unwrap_or("?"),
                    first.version_id().unwrap_or("null"),
                    first.code().unwrap_or("?"),
                    first.message().unwrap_or("")
                ),
            ));
        }
        Ok(count)
    }

    /// Reads the bucket; `reconcile` keeps prior formatting (not on import, whose prior is bare).
    fn read_bucket(ctx: &Ctx, prior: &Value, reconcile_prior: bool) -> Result<Option<Value>, ProviderError> {
        let name = known_str(prior, "bucket")
            .or_else(|| known_str(prior, "id"))
            .ok_or_else(|| invalid("reading S3 Bucket: the state has no bucket name"))?;
        ctx.block_on(async {
            if let Err(e) = ctx.s3.head_bucket().bucket(&name).send().await {
                let e = from_sdk(&format!("reading S3 Bucket ({name})"), e);
                if is_not_found(&e.code) {
                    return Ok(None);
                }
                return Err(e);
            }
            let location = ctx
                .s3
                .get_bucket_location()
                .bucket(&name)
                .send()
                .await
                .map_err(|e| from_sdk(&format!("reading S3 Bucket ({name}) location"), e))?;
            let region = match location.location_constraint().map(|c| c.as_str()) {
                None | Some("") => "us-east-1".to_string(),
                Some("EU") => "eu-west-1".to_string(),
                Some(other) => other.to_string(),
            };
            let remote_tags: BTreeMap<String, String> = match ctx.s3.get_bucket_tagging().bucket(&name).send().await {
                Ok(out) => out
                    .tag_set()
                    .iter()
                    .map(|t| (t.key().to_string(), t.value().to_string()))
                    .collect(),
                Err(e) => {
                    let e = from_sdk(&format!("reading S3 Bucket ({name}) tags"), e);
                    if e.code == "NoSuchTagSet" || e.code == "NoSuchTagSetError" {
                        BTreeMap::new()
                    } else if e.code == "NoSuchBucket" {
                        return Ok(None);
                    } else {
                        return Err(e);
                    }
                }
            };
            // A tag that comes from default_tags belongs in `tags` only when the configuration
            // also sets it there; otherwise every default tag would show as drift.
            let configured = string_map(&prior.get("tags"));
            let tags: BTreeMap<String, String> = remote_tags
                .iter()
                .filter(|(k, v)| configured.contains_key(*k) || ctx.default_tags.get(*k) != Some(*v))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();

            let locked = object_lock_enabled(ctx, &name).await?;
            let mut map = into_map(prior.clone());
            derive_bucket_attributes(&mut map, &name, &region);
            if map.get("bucket_prefix").is_none_or(Value::is_null) {
                let generated = match map.get("bucket_namespace").and_then(Value::as_str) {
                    Some(ACCOUNT_REGIONAL) => name
                        .strip_suffix(&format!("-{region}-an"))
                        .and_then(|rest| rest.rsplit_once('-'))
                        .map(|(head, _)| head),
                    _ => Some(name.as_str()),
                };
                let prefix = generated.and_then(prefix_of).map(Value::from).unwrap_or(Value::Null);
                map.insert("bucket_prefix".into(), prefix);
            }
            if map.get("force_destroy").is_none_or(Value::is_null) {
                map.insert("force_destroy".into(), Value::Bool(false));
            }
            map.insert("object_lock_enabled".into(), Value::Bool(locked));
            map.insert("tags".into(), map_value(&tags));
            map.insert("tags_all".into(), map_value(&remote_tags));
            let schema = bucket_schema();
            let state = finish(&schema, map);
            Ok(Some(if reconcile_prior {
                reconcile(&schema, prior, state)
            } else {
                state
            }))
        })
    }
}

pub(super) fn bucket_schema() -> Schema {
    Schema::new()
        .attr("id", Attribute::computed(string_type()))
        .attr("bucket", Attribute::optional_computed(string_type()).force_new())
        // Computed as in Terraform: an imported bucket's prefix is read from its name.
        .attr("bucket_prefix", Attribute::optional_computed(string_type()).force_new())
        .attr("force_destroy", Attribute::optional(Type::Bool))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::computed(map_of_strings()))
        .attr("arn", Attribute::computed(string_type()))
        .attr("bucket_domain_name", Attribute::computed(string_type()))
        .attr("bucket_regional_domain_name", Attribute::computed(string_type()))
        .attr("hosted_zone_id", Attribute::computed(string_type()))
        .attr("region", Attribute::computed(string_type()))
        .attr("bucket_region", Attribute::computed(string_type()))
        .attr(
            "bucket_namespace",
            Attribute::optional_computed(string_type())
                .force_new()
                .one_of(&["global", ACCOUNT_REGIONAL]),
        )
        .attr(
            "object_lock_enabled",
            Attribute::optional_computed(Type::Bool).force_new(),
        )
        .not_yet("acceleration_status", SEPARATE)
        .not_yet("acl", SEPARATE)
        .not_yet("cors_rule", SEPARATE)
        .not_yet("grant", SEPARATE)
        .not_yet("lifecycle_rule", SEPARATE)
        .not_yet("logging", SEPARATE)
        .not_yet("object_lock_configuration", SEPARATE)
        .not_yet("policy", SEPARATE)
        .not_yet("replication_configuration", SEPARATE)
        .not_yet("request_payer", SEPARATE)
        .not_yet("server_side_encryption_configuration", SEPARATE)
        .not_yet("versioning", SEPARATE)
        .not_yet("website", SEPARATE)
}

/// Why the bucket's older in-bucket arguments are not taken.
const SEPARATE: &str = "Since version 4 of the Terraform AWS provider this is a resource of its own, named aws_s3_bucket_<setting> (aws_s3_bucket_versioning, aws_s3_bucket_cors_configuration, aws_s3_bucket_lifecycle_configuration, ...): move it there.";

impl ResourceType for Bucket {
    fn type_name(&self) -> &'static str {
        BUCKET
    }

    fn schema(&self) -> Schema {
        bucket_schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        let bucket = config.get("bucket");
        let prefix = config.get("bucket_prefix");
        if is_set(&bucket) && is_set(&prefix) {
            problems.push(problem(
                "bucket_prefix",
                "`bucket` and `bucket_prefix` conflict: set one of them (or neither, for a generated name)",
            ));
        }
        if let Some(message) = bucket.as_str().and_then(bucket_name_problem) {
            problems.push(problem("bucket", message));
        }
        let regional = config.get("bucket_namespace").as_str() == Some(ACCOUNT_REGIONAL);
        if let (true, Some(name)) = (regional, bucket.as_str()) {
            let suffixed =
                regex::Regex::new(r"-[0-9]{12}-[a-z]{2}(-[a-z]+)+-[0-9]+-an$").is_ok_and(|re| re.is_match(name));
            if !suffixed {
                problems.push(problem(
                    "bucket",
                    format!(
                        "an account-regional bucket's name must end in -<account ID>-<region>-an, such as \"{name}-123456789012-us-east-1-an\"; use bucket_prefix to have it added"
                    ),
                ));
            }
        }
        if let Some(prefix) = prefix.as_str() {
            // An account-regional name also carries -<account>-<region>-an: 26 characters with
            // a region such as us-east-1 (create checks the length with the real region).
            let room = if regional { 63 - 26 - 26 } else { 63 - 26 };
            if prefix.len() > room {
                problems.push(problem(
                    "bucket_prefix",
                    format!("bucket_prefix {prefix:?} is longer than {room} characters, leaving no room for the generated suffix"),
                ));
            } else if prefix.len() > 63 - 26 {
                problems.push(problem(
                    "bucket_prefix",
                    format!("bucket_prefix {prefix:?} is longer than 37 characters, leaving no room for the 26-character unique suffix"),
                ));
            } else if let Some(message) = bucket_name_problem(&format!("{prefix}00000000000000000000000000")) {
                problems.push(problem(
                    "bucket_prefix",
                    message.replace("bucket name", "bucket_prefix (with its suffix)"),
                ));
            }
        }
        problems
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut map = into_map(proposed);
        if map.get("force_destroy").is_none_or(Value::is_null) {
            map.insert("force_destroy".into(), Value::Bool(false));
        }
        if map.get("bucket_prefix").is_none_or(|v| v.is_null() || v.is_unknown()) {
            let recorded = prior.map(|p| p.get("bucket_prefix")).unwrap_or(Value::Null);
            map.insert("bucket_prefix".into(), recorded);
        }
        if map
            .get("object_lock_enabled")
            .is_none_or(|v| v.is_null() || v.is_unknown())
        {
            let recorded = prior.map(|p| p.get("object_lock_enabled")).filter(|v| !v.is_null());
            map.insert("object_lock_enabled".into(), recorded.unwrap_or(Value::Bool(false)));
        }
        let region = prior
            .and_then(|p| known_str(p, "region"))
            .unwrap_or_else(|| ctx.region.clone());
        match map.get("bucket").and_then(Value::as_str).map(str::to_string) {
            Some(name) => derive_bucket_attributes(&mut map, &name, &region),
            None => {
                // The name is generated at create time; the rest follows from it.
                for key in [
                    "bucket",
                    "id",
                    "arn",
                    "bucket_domain_name",
                    "bucket_regional_domain_name",
                ] {
                    map.insert(key.into(), Value::UNKNOWN);
                }
                map.insert("region".into(), Value::from(region.as_str()));
                map.insert("bucket_region".into(), Value::from(region.as_str()));
                map.insert("hosted_zone_id".into(), hosted_zone_id(&region).map(Value::from).into());
                if map
                    .get("bucket_namespace")
                    .is_none_or(|v| v.is_null() || v.is_unknown())
                {
                    map.insert("bucket_namespace".into(), Value::from("global"));
                }
            }
        }
        let tags = map.get("tags").cloned().unwrap_or(Value::Null);
        map.insert("tags_all".into(), crate::support::tags::tags_all(ctx, &tags));
        Ok((complete_planned(&bucket_schema(), map), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let region = ctx.region.clone();
        let regional = planned.get("bucket_namespace").as_str() == Some(ACCOUNT_REGIONAL);
        let name = match known_str(planned, "bucket") {
            Some(name) => name,
            None => {
                let mut name =
                    prefixed_unique_id(known_str(planned, "bucket_prefix").as_deref().unwrap_or("terraform-"));
                if regional {
                    // S3 takes an account-regional name only with the account and region in it.
                    match ctx.caller_account() {
                        Ok((account, _)) => name = format!("{name}-{account}-{region}-an"),
                        Err(e) => return ApplyOutcome::failed(e),
                    }
                    if name.len() > 63 {
                        return ApplyOutcome::failed(invalid(format!(
                                "creating S3 Bucket: the account-regional name {name:?} is longer than 63 characters: shorten bucket_prefix"
                            )));
                    }
                }
                name
            }
        };
        (step.intent)(&name);
        ctx.block_on(async {
            let op = format!("creating S3 Bucket ({name})");
            let mut request = ctx
                .s3
                .create_bucket()
                .bucket(&name)
                .set_object_lock_enabled_for_bucket(planned.get("object_lock_enabled").as_bool().filter(|on| *on))
                .set_bucket_namespace(regional.then_some(BucketNamespace::AccountRegional));
            // us-east-1 is the API's default and rejects being named as a constraint.
            if region != "us-east-1" {
                request = request.create_bucket_configuration(
                    CreateBucketConfiguration::builder()
                        .location_constraint(BucketLocationConstraint::from(region.as_str()))
                        .build(),
                );
            }
            if let Err(e) = request.send().await {
                let e = from_sdk(&op, e);
                if e.code == "BucketAlreadyOwnedByYou" {
                    // Most likely our own create from an apply that was interrupted after the
                    // intent was journaled: adopt the bucket instead of failing.
                    (step.progress)(&format!("S3 bucket {name} already exists in this account; adopting it"));
                } else {
                    return ApplyOutcome::failed(e);
                }
            }
            Bucket::wait_until_visible(ctx, &name).await;
            let state = Bucket::state(ctx, planned, &name, &region);
            let tags = string_map(&state.get("tags_all"));
            if !tags.is_empty() {
                if let Err(e) = Bucket::put_tags(ctx, &name, &tags).await {
                    return ApplyOutcome::partial(state, e);
                }
            }
            ApplyOutcome::Done(state)
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = known_str(prior, "bucket") else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating S3 Bucket: the state has no bucket name"),
            );
        };
        let region = known_str(prior, "region").unwrap_or_else(|| ctx.region.clone());
        let state = Bucket::state(ctx, planned, &name, &region);
        let new_tags = string_map(&state.get("tags_all"));
        let old_tags = string_map(&prior.get("tags_all"));
        if new_tags != old_tags {
            if let Err(e) = ctx.block_on(Bucket::put_tags(ctx, &name, &new_tags)) {
                return ApplyOutcome::partial(prior.clone(), e);
            }
        }
        ApplyOutcome::Done(state)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let name = known_str(prior, "bucket")
            .or_else(|| known_str(prior, "id"))
            .ok_or_else(|| invalid("deleting S3 Bucket: the state has no bucket name"))?;
        let force_destroy = prior.get("force_destroy").as_bool().unwrap_or(false);
        ctx.block_on(async {
            let op = format!("deleting S3 Bucket ({name})");
            let mut attempt = 0;
            loop {
                attempt += 1;
                if force_destroy {
                    Bucket::empty(ctx, &name, step.progress).await?;
                }
                let e = match ctx.s3.delete_bucket().bucket(&name).send().await {
                    Ok(_) => return Ok(()),
                    Err(e) => from_sdk(&op, e),
                };
                if is_not_found(&e.code) {
                    return Ok(());
                }
                if e.code != "BucketNotEmpty" {
                    return Err(e);
                }
                if !force_destroy {
                    return Err(ProviderError::new(
                        e.code,
                        format!(
                            "{}\n\nThe bucket still holds objects (or object versions). To let infinstor \
                             delete them with the bucket, set `force_destroy = true` on the aws_s3_bucket \
                             and apply that change before destroying; or empty the bucket yourself.",
                            e.message
                        ),
                    ));
                }
                // Objects written while we were emptying: go round again, a few times.
                if attempt >= 3 {
                    return Err(e);
                }
            }
        })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Bucket::read_bucket(ctx, prior, true)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let prior = finish(
            &bucket_schema(),
            State::from([
                ("bucket".to_string(), Value::from(id)),
                ("id".to_string(), Value::from(id)),
                ("force_destroy".to_string(), Value::Bool(false)),
            ]),
        );
        Bucket::read_bucket(ctx, &prior, false)
    }
}
