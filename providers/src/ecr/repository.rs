//! aws_ecr_repository: an image repository, its tag mutability, scanning on push, encryption
//! (fixed at create) and tags.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, invalid, map_of_strings, problem, sref,
    string_map, Put, State,
};
use crate::support::error::found;
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ecr::types::{
    EncryptionConfiguration, EncryptionType, ImageScanningConfiguration, ImageTagMutability, Tag,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct Repository;

const ENCRYPTION: &str = "encryption_configuration";
const SCANNING: &str = "image_scanning_configuration";

fn describe(ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_ecr::types::Repository>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading ECR Repository ({name})"),
        ctx.ecr.describe_repositories().repository_names(name).send(),
    ))?;
    Ok(out.and_then(|o| {
        o.repositories()
            .iter()
            .find(|r| r.repository_name() == Some(name))
            .cloned()
    }))
}

fn tag_list(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    let list: Vec<Tag> = tags
        .iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect();
    (!list.is_empty()).then_some(list)
}

fn tags_of(ctx: &Ctx, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let out = call(
        ctx,
        &format!("reading the tags of ECR Repository ({arn})"),
        ctx.ecr.list_tags_for_resource().resource_arn(arn).send(),
    )?;
    Ok(out
        .tags()
        .iter()
        .filter(|t| !t.key().starts_with("aws:"))
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

fn scanning(planned: &Value) -> Option<ImageScanningConfiguration> {
    let block = first_block(planned, SCANNING);
    (!block.is_null()).then(|| {
        ImageScanningConfiguration::builder()
            .scan_on_push(block.get("scan_on_push").as_bool().unwrap_or(false))
            .build()
    })
}

fn encryption(planned: &Value) -> Result<Option<EncryptionConfiguration>, ProviderError> {
    let block = first_block(planned, ENCRYPTION);
    if block.is_null() {
        return Ok(None);
    }
    EncryptionConfiguration::builder()
        .encryption_type(EncryptionType::from(
            sref(&block, "encryption_type").unwrap_or("AES256"),
        ))
        .set_kms_key(sref(&block, "kms_key").filter(|k| !k.is_empty()).map(str::to_string))
        .build()
        .map(Some)
        .map_err(|e| invalid(format!("{ENCRYPTION}: {e}")))
}

impl Repository {
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(r) = describe(ctx, name)? else {
            return Ok(None);
        };
        let arn = r.repository_arn().unwrap_or_default().to_string();
        let mut st: State = into_state(prior);
        st.put("id", name);
        st.put("name", name);
        st.put("arn", arn.as_str());
        st.put("registry_id", r.registry_id());
        st.put("repository_url", r.repository_uri());
        st.put("image_tag_mutability", r.image_tag_mutability().map(|m| m.as_str()));
        let scan = r
            .image_scanning_configuration()
            .map(|c| map([("scan_on_push", Value::Bool(c.scan_on_push()))]));
        st.put(SCANNING, Value::List(scan.into_iter().collect::<Vec<_>>().into()));
        // As the AWS provider records it: the key is "" when ECR names none (AES256).
        let enc = r.encryption_configuration().map(|c| {
            map([
                ("encryption_type", Value::string(c.encryption_type().as_str())),
                ("kms_key", Value::string(c.kms_key().unwrap_or_default())),
            ])
        });
        st.put(ENCRYPTION, Value::List(enc.into_iter().collect::<Vec<_>>().into()));
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags_of(ctx, &arn)?);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn tag_sync(&self, ctx: &Ctx, arn: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("tagging ECR Repository ({arn})");
        crate::support::tags::sync(
            ctx,
            prior,
            planned,
            |keys| {
                call(
                    ctx,
                    &op,
                    ctx.ecr
                        .untag_resource()
                        .resource_arn(arn)
                        .set_tag_keys(Some(keys))
                        .send(),
                )
                .map(drop)
            },
            |tags| {
                call(
                    ctx,
                    &op,
                    ctx.ecr.tag_resource().resource_arn(arn).set_tags(tag_list(tags)).send(),
                )
                .map(drop)
            },
        )
    }

    /// The in-place changes `planned` asks of the repository `prior` describes.
    fn change(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let name = sref(prior, "name").unwrap_or_default();
        let registry = sref(prior, "registry_id").filter(|r| !r.is_empty()).map(str::to_string);
        let mutability = planned.get("image_tag_mutability");
        if mutability != prior.get("image_tag_mutability") {
            if let Some(m) = mutability.as_str() {
                call(
                    ctx,
                    &format!("setting the tag mutability of ECR Repository ({name})"),
                    ctx.ecr
                        .put_image_tag_mutability()
                        .repository_name(name)
                        .set_registry_id(registry.clone())
                        .image_tag_mutability(ImageTagMutability::from(m))
                        .send(),
                )?;
            }
        }
        if block_items(planned, SCANNING) != block_items(prior, SCANNING) {
            // No block is scanning off, sent as such (not as an empty configuration).
            let config =
                scanning(planned).unwrap_or_else(|| ImageScanningConfiguration::builder().scan_on_push(false).build());
            call(
                ctx,
                &format!("setting the scanning of ECR Repository ({name})"),
                ctx.ecr
                    .put_image_scanning_configuration()
                    .repository_name(name)
                    .set_registry_id(registry)
                    .image_scanning_configuration(config)
                    .send(),
            )?;
        }
        self.tag_sync(ctx, sref(prior, "arn").unwrap_or_default(), prior, planned)
    }
}

impl ResourceType for Repository {
    fn type_name(&self) -> &'static str {
        "aws_ecr_repository"
    }

    fn schema(&self) -> Schema {
        let encryption = Schema::new()
            .attr(
                "encryption_type",
                Attribute::optional(Type::String).one_of(&["AES256", "KMS"]),
            )
            .attr("kms_key", Attribute::optional_computed(Type::String));
        let scanning = Schema::new().attr("scan_on_push", Attribute::required(Type::Bool));
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr(
                "image_tag_mutability",
                Attribute::optional(Type::String).one_of(&["MUTABLE", "IMMUTABLE"]),
            )
            .attr("force_delete", Attribute::optional(Type::Bool))
            .block(SCANNING, Nesting::Single, scanning)
            .block_force_new(ENCRYPTION, Nesting::List, encryption)
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("registry_id", Attribute::computed(Type::String))
            .attr("repository_url", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .timeouts(&["delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = crate::support::timeouts::check(config);
        if let Some(name) = sref(config, "name") {
            let part = |p: &str| {
                !p.is_empty()
                    && p.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
                    && p.chars()
                        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "._-".contains(c))
            };
            if name.len() < 2 || name.len() > 256 || !name.split('/').all(part) {
                out.push(problem(
                    "name",
                    "a repository's name is 2 to 256 lowercase letters, digits and '.', '_', '-', in parts separated by '/' that each start with a letter or digit",
                ));
            }
        }
        if block_items(config, ENCRYPTION).len() > 1 {
            out.push(problem(ENCRYPTION, "give at most one encryption_configuration block"));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "image_tag_mutability", Value::string("MUTABLE"));
        st.put("id", proposed.get("name"));
        // Blocks left out are ECR's to fill (it always reports both): kept as they are, except
        // that scanning on push is turned off when its block goes, as in the AWS provider.
        for key in [SCANNING, ENCRYPTION] {
            if let Some(kept) = crate::support::attrs::aws_decided_block(&proposed, prior, key) {
                let scanning_on = key == SCANNING
                    && kept
                        .as_list()
                        .and_then(|l| l.first())
                        .is_some_and(|b| b.get("scan_on_push").as_bool() == Some(true));
                let kept = if scanning_on {
                    Value::List(vec![map([("scan_on_push", Value::Bool(false))])].into())
                } else {
                    kept
                };
                st.insert(key.into(), kept);
            }
        }
        if !proposed.get(ENCRYPTION).is_unknown() {
            let blocks: Vec<Value> = block_items(&proposed, ENCRYPTION)
                .into_iter()
                .map(|b| {
                    let mut b = into_state(&b);
                    crate::support::attrs::default_to(&mut b, "encryption_type", Value::string("AES256"));
                    // The key is ECR's to name for KMS (its managed key) and "" for AES256.
                    if b.get("kms_key").is_none_or(|k| k.is_null() || k.is_unknown()) {
                        let kept = prior.map(|p| first_block(p, ENCRYPTION).get("kms_key"));
                        let aes = b.get("encryption_type").and_then(Value::as_str) == Some("AES256");
                        b.insert(
                            "kms_key".into(),
                            match kept {
                                Some(k) if !k.is_null() => k,
                                _ if aes => Value::string(""),
                                _ => Value::UNKNOWN,
                            },
                        );
                    }
                    Value::Map(b.into())
                })
                .collect();
            if !blocks.is_empty() {
                st.insert(ENCRYPTION.into(), Value::List(blocks.into()));
            }
        }
        if prior.is_none() {
            for key in ["arn", "registry_id", "repository_url"] {
                st.insert(key.into(), Value::UNKNOWN);
            }
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(invalid("creating ECR Repository: name must be known"));
        };
        let enc = match encryption(planned) {
            Ok(e) => e,
            Err(e) => return ApplyOutcome::failed(e),
        };
        (step.intent)(name);
        let made = call(
            ctx,
            &format!("creating ECR Repository ({name})"),
            ctx.ecr
                .create_repository()
                .repository_name(name)
                .set_image_tag_mutability(sref(planned, "image_tag_mutability").map(ImageTagMutability::from))
                .set_image_scanning_configuration(scanning(planned))
                .set_encryption_configuration(enc)
                .set_tags(tag_list(&string_map(&planned.get("tags_all"))))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(name))],
            self.fetch(ctx, name, planned),
            || {
                ProviderError::new(
                    "RepositoryNotFoundException",
                    format!("ECR Repository ({name}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "name").unwrap_or_default().to_string();
        let result = self.change(ctx, prior, planned);
        update_outcome(prior, result, self.fetch(ctx, &name, planned), || {
            ProviderError::new(
                "RepositoryNotFoundException",
                format!("ECR Repository ({name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name") else {
            return Ok(());
        };
        let sent = call(
            ctx,
            &format!("deleting ECR Repository ({name})"),
            ctx.ecr
                .delete_repository()
                .repository_name(name)
                .set_registry_id(sref(prior, "registry_id").filter(|r| !r.is_empty()).map(str::to_string))
                .force(prior.get("force_delete").as_bool().unwrap_or(false))
                .send(),
        );
        match sent {
            Err(e) if e.code == "RepositoryNotEmptyException" => {
                return Err(ProviderError::new(
                    e.code,
                    format!("ECR Repository ({name}) still holds images: delete them, or set force_delete = true and apply before destroying"),
                ))
            }
            other => {
                if found(other)?.is_none() {
                    return Ok(());
                }
            }
        }
        let limit = crate::support::timeouts::limit(prior, "delete", Duration::from_secs(20 * 60));
        Waiter::new(format!("ECR Repository ({name}) to be deleted"), limit)
            .progress(step.progress)
            .wait(|| {
                Ok(match describe(ctx, name)? {
                    Some(_) => Poll::Pending("deleting".into()),
                    None => Poll::Ready(()),
                })
            })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "name").or_else(|| sref(prior, "id")) {
            Some(name) => self.fetch(ctx, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the repository's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
