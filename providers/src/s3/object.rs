//! aws_s3_object: one object in a bucket, from `content`, `content_base64` or a `source` file.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::s3::{into_map, known_str, loosely_equal, reconcile, string_type, SSE_ALGORITHMS};
use crate::support::attrs::is_set;
use crate::support::attrs::string_map as read_tags;
use crate::support::attrs::{call, complete_planned, finish, invalid, map_of_strings, map_value, problem, string_map};
use crate::support::error::{found, is_not_found};
use crate::support::tags::{split_tags_over, tags_all_over};
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumMode, ObjectLockLegalHold, ObjectLockLegalHoldStatus, ObjectLockMode,
    ObjectLockRetention, ObjectLockRetentionMode,
};
use aws_sdk_s3::types::{ServerSideEncryption, Tag, Tagging};
use base64::Engine as _;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Object;

/// Arguments whose change means the object's bytes or headers are written again (a new
/// version, a new ETag); a change of tags alone only retags it.
const REWRITTEN_BY: &[&str] = &[
    "content",
    "content_base64",
    "source",
    "source_hash",
    "etag",
    "content_type",
    "cache_control",
    "content_disposition",
    "content_encoding",
    "content_language",
    "website_redirect",
    "metadata",
    "storage_class",
    "server_side_encryption",
    "kms_key_id",
    "bucket_key_enabled",
    "acl",
    "checksum_algorithm",
];

/// `checksum_algorithm`'s values, and the attribute S3 reports each checksum in.
const CHECKSUMS: &[(&str, &str)] = &[
    ("CRC32", "checksum_crc32"),
    ("CRC32C", "checksum_crc32c"),
    ("CRC64NVME", "checksum_crc64nvme"),
    ("SHA1", "checksum_sha1"),
    ("SHA256", "checksum_sha256"),
];

/// The object lock settings, each changed in place by its own call.
const LOCK_SETTINGS: &[&str] = &[
    "object_lock_mode",
    "object_lock_retain_until_date",
    "object_lock_legal_hold_status",
];

const OBJECT_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "aws-exec-read",
    "authenticated-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
];

fn object_schema() -> Schema {
    let optional = || Attribute::optional(string_type());
    let optional_computed = || Attribute::optional_computed(string_type());
    Schema::new()
        .attr("bucket", Attribute::required(string_type()).force_new())
        .attr("key", Attribute::required(string_type()).force_new())
        .attr("source", optional())
        .attr("content", optional())
        .attr("content_base64", optional())
        .attr("source_hash", optional())
        .attr("content_type", optional_computed())
        .attr("cache_control", optional())
        .attr("content_disposition", optional())
        .attr("content_encoding", optional())
        .attr("content_language", optional())
        .attr("website_redirect", optional())
        .attr("metadata", Attribute::optional(map_of_strings()))
        .attr("storage_class", optional_computed())
        .attr("server_side_encryption", optional_computed().one_of(SSE_ALGORITHMS))
        .attr("kms_key_id", optional_computed())
        .attr("bucket_key_enabled", Attribute::optional_computed(Type::Bool))
        .attr("acl", optional().one_of(OBJECT_ACLS))
        .attr("etag", optional_computed())
        .attr("force_destroy", Attribute::optional(Type::Bool))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::computed(map_of_strings()))
        .attr("version_id", Attribute::computed(string_type()))
        .attr("arn", Attribute::computed(string_type()))
        .attr("id", Attribute::computed(string_type()))
        .attr(
            "checksum_algorithm",
            optional().one_of(&["CRC32", "CRC32C", "CRC64NVME", "SHA1", "SHA256"]),
        )
        .attr("checksum_crc32", Attribute::computed(string_type()))
        .attr("checksum_crc32c", Attribute::computed(string_type()))
        .attr("checksum_crc64nvme", Attribute::computed(string_type()))
        .attr("checksum_sha1", Attribute::computed(string_type()))
        .attr("checksum_sha256", Attribute::computed(string_type()))
        // Optional and computed: a version written into a bucket with a default retention gets
        // that retention from S3, which is not a difference from the configuration.
        .attr(
            "object_lock_mode",
            optional_computed().one_of(&["GOVERNANCE", "COMPLIANCE"]),
        )
        .attr("object_lock_retain_until_date", optional_computed())
        .attr(
            "object_lock_legal_hold_status",
            optional_computed().one_of(&["ON", "OFF"]),
        )
        .block(
            "override_provider",
            Nesting::Single,
            Schema::new().block(
                "default_tags",
                Nesting::Single,
                Schema::new().attr("tags", Attribute::optional(map_of_strings())),
            ),
        )
}

impl Object {
    /// The bytes the configuration gives the object.
    fn body(planned: &Value) -> Result<Vec<u8>, ProviderError> {
        if let Some(content) = planned.get("content").as_str() {
            return Ok(content.as_bytes().to_vec());
        }
        if let Some(encoded) = planned.get("content_base64").as_str() {
            return base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .map_err(|e| invalid(format!("aws_s3_object: content_base64 is not base64: {e}")));
        }
        if let Some(path) = planned.get("source").as_str() {
            return std::fs::read(path).map_err(|e| {
                invalid(format!(
                    "aws_s3_object: cannot read source {path:?}: {e}. The path is relative to the directory infinstor runs in; path.module builds one relative to the module."
                ))
            });
        }
        Ok(Vec::new())
    }

    fn tagging(planned: &Value) -> Option<String> {
        let tags = string_map(&planned.get("tags_all"));
        if tags.is_empty() {
            return None;
        }
        Some(
            tags.iter()
                .map(|(k, v)| format!("{}={}", urlencoding::encode(k), urlencoding::encode(v)))
                .collect::<Vec<_>>()
                .join("&"),
        )
    }

    fn put(&self, ctx: &Ctx, bucket: &str, key: &str, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("putting S3 Object ({bucket}/{key})");
        let body = Object::body(planned)?;
        let text = |name: &str| planned.get(name).as_str().map(str::to_string);
        let metadata = string_map(&planned.get("metadata"));
        let request = ctx
            .s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(body))
            .set_content_type(text("content_type"))
            .set_cache_control(text("cache_control"))
            .set_content_disposition(text("content_disposition"))
            .set_content_encoding(text("content_encoding"))
            .set_content_language(text("content_language"))
            .set_website_redirect_location(text("website_redirect"))
            .set_metadata((!metadata.is_empty()).then(|| metadata.into_iter().collect()))
            .set_tagging(Object::tagging(planned))
            .set_storage_class(text("storage_class").map(|s| aws_sdk_s3::types::StorageClass::from(s.as_str())))
            .set_server_side_encryption(text("server_side_encryption").map(|s| ServerSideEncryption::from(s.as_str())))
            .set_ssekms_key_id(text("kms_key_id"))
            .set_bucket_key_enabled(planned.get("bucket_key_enabled").as_bool())
            .set_acl(text("acl").map(|a| aws_sdk_s3::types::ObjectCannedAcl::from(a.as_str())))
            .set_object_lock_mode(text("object_lock_mode").map(|m| ObjectLockMode::from(m.as_str())))
            .set_object_lock_retain_until_date(retain_until(planned)?)
            .set_object_lock_legal_hold_status(
                text("object_lock_legal_hold_status").map(|h| ObjectLockLegalHoldStatus::from(h.as_str())),
            );
        // S3 takes object lock settings only with a checksum of the body (Content-MD5 or an
        // SDK checksum): CRC32 when the configuration names none.
        let locked = LOCK_SETTINGS.iter().any(|k| text(k).is_some());
        let algorithm = text("checksum_algorithm").or_else(|| locked.then(|| "CRC32".to_string()));
        let request = request.set_checksum_algorithm(algorithm.map(|a| ChecksumAlgorithm::from(a.as_str())));
        call(ctx, &op, request.send()).map(|_| ())
    }

    /// Changes the object lock settings that differ from `prior` in place: a retention through
    /// PutObjectRetention (shortening a GOVERNANCE one needs `force_destroy`, as the bypass
    /// permission it stands for), a legal hold through PutObjectLegalHold.
    fn relock(&self, ctx: &Ctx, bucket: &str, key: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let changed = |k: &str| planned.get(k).as_str().is_some() && planned.get(k) != prior.get(k);
        if changed("object_lock_mode") || changed("object_lock_retain_until_date") {
            let op = format!("setting the retention of S3 Object ({bucket}/{key})");
            let retention = ObjectLockRetention::builder()
                .set_mode(
                    planned
                        .get("object_lock_mode")
                        .as_str()
                        .map(ObjectLockRetentionMode::from),
                )
                .set_retain_until_date(retain_until(planned)?)
                .build();
            call(
                ctx,
                &op,
                ctx.s3
                    .put_object_retention()
                    .bucket(bucket)
                    .key(key)
                    .retention(retention)
                    .set_bypass_governance_retention(planned.get("force_destroy").as_bool().filter(|f| *f))
                    .checksum_algorithm(ChecksumAlgorithm::Crc32)
                    .send(),
            )?;
        }
        if changed("object_lock_legal_hold_status") {
            let status = planned.get("object_lock_legal_hold_status");
            self.hold(ctx, bucket, key, None, status.as_str().unwrap_or("OFF"))?;
        }
        Ok(())
    }

    /// Sets the legal hold of `key` (of one version, when `version` is given) `ON` or `OFF`.
    fn hold(
        &self,
        ctx: &Ctx,
        bucket: &str,
        key: &str,
        version: Option<&str>,
        status: &str,
    ) -> Result<(), ProviderError> {
        let op = format!("setting the legal hold of S3 Object ({bucket}/{key}) {status}");
        let hold = ObjectLockLegalHold::builder()
            .status(ObjectLockLegalHoldStatus::from(status))
            .build();
        call(
            ctx,
            &op,
            ctx.s3
                .put_object_legal_hold()
                .bucket(bucket)
                .key(key)
                .set_version_id(version.map(str::to_string))
                .legal_hold(hold)
                .checksum_algorithm(ChecksumAlgorithm::Crc32)
                .send(),
        )
        .map(|_| ())
    }

    fn retag(&self, ctx: &Ctx, bucket: &str, key: &str, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("tagging S3 Object ({bucket}/{key})");
        let tags = string_map(&planned.get("tags_all"));
        if tags.is_empty() {
            return call(ctx, &op, ctx.s3.delete_object_tagging().bucket(bucket).key(key).send()).map(|_| ());
        }
        let mut set = Vec::new();
        for (k, v) in tags {
            set.push(
                Tag::builder()
                    .key(k)
                    .value(v)
                    .build()
                    .map_err(|e| invalid(format!("{op}: {e}")))?,
            );
        }
        let tagging = Tagging::builder()
            .set_tag_set(Some(set))
            .build()
            .map_err(|e| invalid(format!("{op}: {e}")))?;
        call(
            ctx,
            &op,
            ctx.s3
                .put_object_tagging()
                .bucket(bucket)
                .key(key)
                .tagging(tagging)
                .send(),
        )
        .map(|_| ())
    }

    /// The object as S3 reports it, over `prior` (which keeps what S3 cannot report: the
    /// content, its source, the ACL).
    fn fetch(&self, ctx: &Ctx, bucket: &str, key: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let op = format!("reading S3 Object ({bucket}/{key})");
        let head = ctx
            .s3
            .head_object()
            .bucket(bucket)
            .key(key)
            .checksum_mode(ChecksumMode::Enabled)
            .send();
        let Some(head) = found(call(ctx, &op, head))? else {
            return Ok(None);
        };
        let tag_set = call(ctx, &op, ctx.s3.get_object_tagging().bucket(bucket).key(key).send())?;
        let remote_tags: BTreeMap<String, String> = tag_set
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        let (tags, all) = split_tags_over(read_tags, &default_tags(ctx, prior), &prior.get("tags"), remote_tags);
        let mut map = into_map(prior.clone());
        let text = |v: Option<&str>| -> Value { v.map(Value::from).into() };
        map.insert("bucket".into(), Value::from(bucket));
        map.insert("key".into(), Value::from(key));
        map.insert("id".into(), Value::from(key));
        map.insert("arn".into(), Value::from(object_arn(ctx, bucket, key)));
        map.insert("etag".into(), text(head.e_tag().map(|e| e.trim_matches('"'))));
        map.insert("version_id".into(), text(head.version_id()));
        map.insert("content_type".into(), text(head.content_type()));
        map.insert("cache_control".into(), text(head.cache_control()));
        map.insert("content_disposition".into(), text(head.content_disposition()));
        map.insert("content_encoding".into(), text(head.content_encoding()));
        map.insert("content_language".into(), text(head.content_language()));
        map.insert("website_redirect".into(), text(head.website_redirect_location()));
        let metadata: BTreeMap<String, String> = head
            .metadata()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default();
        map.insert(
            "metadata".into(),
            if metadata.is_empty() {
                Value::Null
            } else {
                map_value(&metadata)
            },
        );
        map.insert(
            "storage_class".into(),
            Value::from(head.storage_class().map(|s| s.as_str()).unwrap_or("STANDARD")),
        );
        map.insert(
            "server_side_encryption".into(),
            text(head.server_side_encryption().map(|s| s.as_str())),
        );
        map.insert("kms_key_id".into(), text(head.ssekms_key_id()));
        map.insert(
            "bucket_key_enabled".into(),
            Value::Bool(head.bucket_key_enabled().unwrap_or(false)),
        );
        map.insert("tags".into(), tags);
        map.insert("tags_all".into(), all);
        for (checksum, value) in [
            ("checksum_crc32", head.checksum_crc32()),
            ("checksum_crc32c", head.checksum_crc32_c()),
            ("checksum_crc64nvme", head.checksum_crc64_nvme()),
            ("checksum_sha1", head.checksum_sha1()),
            ("checksum_sha256", head.checksum_sha256()),
        ] {
            map.insert(checksum.into(), text(value));
        }
        map.insert(
            "object_lock_mode".into(),
            text(head.object_lock_mode().map(|m| m.as_str())),
        );
        // The configured spelling stays when it names the same instant S3 reports.
        let until =
            head.object_lock_retain_until_date()
                .map(|d| match prior.get("object_lock_retain_until_date").as_str() {
                    Some(configured) if parse_date(configured).is_some_and(|c| c.secs() == d.secs()) => {
                        configured.to_string()
                    }
                    _ => d
                        .fmt(aws_smithy_types::date_time::Format::DateTime)
                        .unwrap_or_else(|_| d.secs().to_string()),
                });
        map.insert("object_lock_retain_until_date".into(), until.map(Value::from).into());
        map.insert(
            "object_lock_legal_hold_status".into(),
            Value::from(
                head.object_lock_legal_hold_status()
                    .map(|h| h.as_str())
                    .unwrap_or("OFF"),
            ),
        );
        let schema = object_schema();
        Ok(Some(reconcile(&schema, prior, finish(&schema, map))))
    }

    fn located(&self, value: &Value) -> Result<(String, String), ProviderError> {
        match (known_str(value, "bucket"), known_str(value, "key")) {
            (Some(bucket), Some(key)) => Ok((bucket, key)),
            _ => Err(invalid("aws_s3_object: bucket and key must be known")),
        }
    }
}

/// `object_lock_retain_until_date` as the SDK's time, when set.
fn retain_until(value: &Value) -> Result<Option<aws_smithy_types::DateTime>, ProviderError> {
    let Some(date) = value.get("object_lock_retain_until_date").as_str().map(str::to_string) else {
        return Ok(None);
    };
    parse_date(&date).map(Some).ok_or_else(|| {
        invalid(format!(
            "aws_s3_object: object_lock_retain_until_date {date:?} is not an RFC 3339 time such as \"2030-01-01T00:00:00Z\""
        ))
    })
}

fn parse_date(date: &str) -> Option<aws_smithy_types::DateTime> {
    aws_smithy_types::DateTime::from_str(date, aws_smithy_types::date_time::Format::DateTimeWithOffset).ok()
}

/// The default tags that apply to the object: `override_provider { default_tags { tags } }`
/// when the configuration has it (an empty map drops the provider's), else the provider's.
fn default_tags(ctx: &Ctx, value: &Value) -> BTreeMap<String, String> {
    let overridden = value
        .get("override_provider")
        .as_list()
        .and_then(|l| l.first().cloned())
        .and_then(|o| o.get("default_tags").as_list().and_then(|l| l.first().cloned()));
    match overridden {
        Some(defaults) => string_map(&defaults.get("tags")),
        None => ctx.default_tags.clone(),
    }
}

fn object_arn(ctx: &Ctx, bucket: &str, key: &str) -> String {
    let (partition, _, _) = crate::support::partition::partition_of(&ctx.region);
    format!("arn:{partition}:s3:::{bucket}/{key}")
}

impl ResourceType for Object {
    fn type_name(&self) -> &'static str {
        "aws_s3_object"
    }

    fn schema(&self) -> Schema {
        object_schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let given: Vec<&str> = ["source", "content", "content_base64"]
            .into_iter()
            .filter(|k| is_set(&config.get(k)))
            .collect();
        if given.len() > 1 {
            return vec![problem(
                given[1],
                format!(
                    "only one of source, content and content_base64 can be set; found {}",
                    given.join(" and ")
                ),
            )];
        }
        let mode = !config.get("object_lock_mode").is_null();
        let until = config.get("object_lock_retain_until_date");
        if mode != !until.is_null() {
            return vec![problem(
                if mode {
                    "object_lock_mode"
                } else {
                    "object_lock_retain_until_date"
                },
                "object_lock_mode and object_lock_retain_until_date go together: S3 takes a retention only with both",
            )];
        }
        if let Some(date) = until.as_str() {
            if parse_date(date).is_none() {
                return vec![problem(
                    "object_lock_retain_until_date",
                    format!("{date:?} is not an RFC 3339 time such as \"2030-01-01T00:00:00Z\""),
                )];
            }
        }
        if config.get("kms_key_id").as_str().is_some()
            && config
                .get("server_side_encryption")
                .as_str()
                .is_some_and(|s| !s.starts_with("aws:kms"))
        {
            return vec![problem(
                "kms_key_id",
                "kms_key_id needs server_side_encryption = \"aws:kms\" (or \"aws:kms:dsse\")",
            )];
        }
        Vec::new()
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut map = into_map(proposed);
        let (bucket, key) = (
            map.get("bucket").and_then(Value::as_str).map(str::to_string),
            map.get("key").and_then(Value::as_str).map(str::to_string),
        );
        map.insert("id".into(), key.clone().map(Value::from).unwrap_or(Value::UNKNOWN));
        map.insert(
            "arn".into(),
            match (&bucket, &key) {
                (Some(b), Some(k)) => Value::from(object_arn(ctx, b, k)),
                _ => Value::UNKNOWN,
            },
        );
        let tags = map.get("tags").cloned().unwrap_or(Value::Null);
        let defaults = default_tags(ctx, &Value::Map(map.clone().into()));
        map.insert("tags_all".into(), tags_all_over(read_tags, &defaults, &tags));
        let rewritten = match prior {
            None => true,
            Some(prior) => REWRITTEN_BY.iter().any(|k| {
                let configured = map.get(*k).cloned().unwrap_or(Value::Null);
                !loosely_equal(&configured, &prior.get(k))
            }),
        };
        if rewritten {
            // A new write gives a new version and, unless the configuration sets it, a new ETag.
            map.insert("version_id".into(), Value::UNKNOWN);
            if map
                .get("etag")
                .is_none_or(|e| prior.is_some_and(|p| *e == p.get("etag")))
            {
                map.insert("etag".into(), Value::UNKNOWN);
            }
            for (_, checksum) in CHECKSUMS {
                map.insert((*checksum).into(), Value::UNKNOWN);
            }
        }
        for computed in [
            "content_type",
            "storage_class",
            "server_side_encryption",
            "kms_key_id",
            "bucket_key_enabled",
            "object_lock_mode",
            "object_lock_retain_until_date",
            "object_lock_legal_hold_status",
        ] {
            if map.get(computed).is_none_or(Value::is_null) {
                // What S3 chose stays unless the object is written again (it may then choose anew).
                let kept = prior.map(|p| p.get(computed)).unwrap_or(Value::Null);
                map.insert(computed.into(), if rewritten { Value::UNKNOWN } else { kept });
            }
        }
        Ok((complete_planned(&object_schema(), map), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (bucket, key) = match self.located(planned) {
            Ok(l) => l,
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(&format!("{bucket}/{key}"));
        if let Err(e) = self.put(ctx, &bucket, &key, planned) {
            return ApplyOutcome::failed(e);
        }
        crate::support::attrs::created_outcome(
            &object_schema(),
            planned,
            &[("id", Value::from(key.as_str()))],
            self.fetch(ctx, &bucket, &key, planned),
            || {
                ProviderError::new(
                    "NoSuchKey",
                    format!("creating S3 Object ({bucket}/{key}): not found after the put"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (bucket, key) = match self.located(prior) {
            Ok(l) => l,
            Err(e) => return ApplyOutcome::partial(prior.clone(), e),
        };
        let rewrite = REWRITTEN_BY
            .iter()
            .any(|k| !loosely_equal(&planned.get(k), &prior.get(k)) || planned.get(k).is_unknown());
        let result = if rewrite {
            self.put(ctx, &bucket, &key, planned)
        } else {
            self.retag(ctx, &bucket, &key, planned)
                .and_then(|()| self.relock(ctx, &bucket, &key, prior, planned))
        };
        crate::resource::update_outcome(prior, result, self.fetch(ctx, &bucket, &key, planned), || {
            ProviderError::new(
                "NoSuchKey",
                format!("updating S3 Object ({bucket}/{key}): the object no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let (bucket, key) = self.located(prior)?;
        let op = format!("deleting S3 Object ({bucket}/{key})");
        // Every version of the key goes, as Terraform does: in a versioned bucket a plain
        // delete would only hide the object behind a delete marker.
        let versions = found(call(
            ctx,
            &op,
            ctx.s3.list_object_versions().bucket(&bucket).prefix(&key).send(),
        ))?;
        let mut ids: Vec<Option<String>> = Vec::new();
        if let Some(v) = &versions {
            ids.extend(
                v.versions()
                    .iter()
                    .filter(|o| o.key() == Some(key.as_str()))
                    .map(|o| o.version_id().map(str::to_string)),
            );
            ids.extend(
                v.delete_markers()
                    .iter()
                    .filter(|o| o.key() == Some(key.as_str()))
                    .map(|o| o.version_id().map(str::to_string)),
            );
        }
        ids.retain(|id| id.as_deref() != Some("null"));
        if ids.is_empty() {
            ids.push(None);
        }
        let force = prior.get("force_destroy").as_bool() == Some(true);
        for id in ids {
            // A legal hold stops any delete; force_destroy lifts it first, as it bypasses a
            // GOVERNANCE retention.
            if force && prior.get("object_lock_legal_hold_status").as_str() == Some("ON") {
                match self.hold(ctx, &bucket, &key, id.as_deref(), "OFF") {
                    Err(e) if is_not_found(&e.code) => {}
                    other => other?,
                }
            }
            let sent = call(
                ctx,
                &op,
                ctx.s3
                    .delete_object()
                    .bucket(&bucket)
                    .key(&key)
                    .set_version_id(id)
                    .set_bypass_governance_retention(prior.get("force_destroy").as_bool().filter(|f| *f))
                    .send(),
            );
            match sent {
                Err(e) if is_not_found(&e.code) => {}
                Err(e) if e.code == "AccessDenied" && !force => {
                    return Err(ProviderError::new(
                        &e.code,
                        format!(
                            "{}. An object under a legal hold or a retention cannot be deleted: set object_lock_legal_hold_status = \"OFF\", or force_destroy = true to lift the hold and bypass a GOVERNANCE retention, and apply before destroying.",
                            e.message
                        ),
                    ))
                }
                other => {
                    other?;
                }
            }
        }
        Ok(())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (bucket, key) = self.located(prior)?;
        self.fetch(ctx, &bucket, &key, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let path = id.strip_prefix("s3://").unwrap_or(id);
        let Some((bucket, key)) = path.split_once('/').filter(|(b, k)| !b.is_empty() && !k.is_empty()) else {
            return Err(invalid(format!(
                "aws_s3_object: import ID {id:?} is not BUCKET/KEY (or s3://BUCKET/KEY)"
            )));
        };
        let mut map = BTreeMap::new();
        map.insert("force_destroy".to_string(), Value::Bool(false));
        let prior = finish(&object_schema(), map);
        self.fetch(ctx, bucket, key, &prior)
    }
}
