//! aws_s3_object: one object in a bucket, from `content`, `content_base64` or a `source` file.

use super::*;
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_s3::primitives::ByteStream;
use base64::Engine as _;

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
        .not_yet(
            "object_lock_mode",
            "Set the bucket's default retention with aws_s3_bucket_object_lock_configuration instead.",
        )
        .not_yet(
            "object_lock_retain_until_date",
            "Set the bucket's default retention with aws_s3_bucket_object_lock_configuration instead.",
        )
        .not_yet("object_lock_legal_hold_status", "Place legal holds outside infinstor.")
        .not_yet("checksum_algorithm", "Remove it: S3 computes its default checksum.")
        .not_yet("override_provider", "Remove it, and set tags on the object itself.")
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
            .set_acl(text("acl").map(|a| aws_sdk_s3::types::ObjectCannedAcl::from(a.as_str())));
        call(ctx, &op, request.send()).map(|_| ())
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
        let Some(head) = found(call(ctx, &op, ctx.s3.head_object().bucket(bucket).key(key).send()))? else {
            return Ok(None);
        };
        let tag_set = call(ctx, &op, ctx.s3.get_object_tagging().bucket(bucket).key(key).send())?;
        let remote_tags: BTreeMap<String, String> = tag_set
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote_tags);
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
            .filter(|k| !config.get(k).is_null())
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
        map.insert("id".into(), key.clone().map(Value::from).unwrap_or(Value::Unknown));
        map.insert(
            "arn".into(),
            match (&bucket, &key) {
                (Some(b), Some(k)) => Value::from(object_arn(ctx, b, k)),
                _ => Value::Unknown,
            },
        );
        let tags = map.get("tags").cloned().unwrap_or(Value::Null);
        map.insert("tags_all".into(), tags_all(ctx, &tags));
        let rewritten = match prior {
            None => true,
            Some(prior) => REWRITTEN_BY.iter().any(|k| {
                let configured = map.get(*k).cloned().unwrap_or(Value::Null);
                !loosely_equal(&configured, &prior.get(k))
            }),
        };
        if rewritten {
            // A new write gives a new version and, unless the configuration sets it, a new ETag.
            map.insert("version_id".into(), Value::Unknown);
            if map
                .get("etag")
                .is_none_or(|e| prior.is_some_and(|p| *e == p.get("etag")))
            {
                map.insert("etag".into(), Value::Unknown);
            }
        }
        for computed in [
            "content_type",
            "storage_class",
            "server_side_encryption",
            "kms_key_id",
            "bucket_key_enabled",
        ] {
            if map.get(computed).is_none_or(Value::is_null) {
                // What S3 chose stays unless the object is written again (it may then choose anew).
                let kept = prior.map(|p| p.get(computed)).unwrap_or(Value::Null);
                map.insert(computed.into(), if rewritten { Value::Unknown } else { kept });
            }
        }
        Ok((complete_planned(&object_schema(), map), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (bucket, key) = match self.located(planned) {
            Ok(l) => l,
            Err(e) => return (None, Some(e)),
        };
        intent(&format!("{bucket}/{key}"));
        if let Err(e) = self.put(ctx, &bucket, &key, planned) {
            return (None, Some(e));
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

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (bucket, key) = match self.located(prior) {
            Ok(l) => l,
            Err(e) => return (Some(prior.clone()), Some(e)),
        };
        let rewrite = REWRITTEN_BY
            .iter()
            .any(|k| !loosely_equal(&planned.get(k), &prior.get(k)) || planned.get(k).is_unknown());
        let result = if rewrite {
            self.put(ctx, &bucket, &key, planned)
        } else {
            self.retag(ctx, &bucket, &key, planned)
        };
        crate::resource::update_outcome(prior, result, self.fetch(ctx, &bucket, &key, planned), || {
            ProviderError::new(
                "NoSuchKey",
                format!("updating S3 Object ({bucket}/{key}): the object no longer exists"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
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
        for id in ids {
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
