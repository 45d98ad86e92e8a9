//! aws_key_pair: the key pair whose public key admins use on worker nodes (seed 004).

use super::kit::ec2_tags;
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, map_value, problem, sref, State};
use crate::support::error::found;
use crate::support::tags::{split_tags, sync, tags_all};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct KeyPair;

impl KeyPair {
    fn find(&self, ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_ec2::types::KeyPairInfo>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Key Pair ({name})"),
            ctx.ec2.describe_key_pairs().key_names(name).send(),
        ))?;
        Ok(out.and_then(|o| o.key_pairs().first().cloned()))
    }

    fn state(&self, ctx: &Ctx, key: &aws_sdk_ec2::types::KeyPairInfo, prior: &Value) -> Value {
        let name = key.key_name().unwrap_or_default().to_string();
        let id = key.key_pair_id().unwrap_or_default().to_string();
        let mut st = State::new();
        st.insert("key_name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("key_name_prefix".into(), prior.get("key_name_prefix"));
        st.insert("public_key".into(), prior.get("public_key"));
        st.insert("key_pair_id".into(), Value::string(&id));
        st.insert(
            "fingerprint".into(),
            key.key_fingerprint().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "key_type".into(),
            key.key_type().map(|t| Value::string(t.as_str())).unwrap_or(Value::Null),
        );
        // EC2 does not return the key pair's ARN.
        let arn = match ctx.caller_account() {
            Ok((account, partition)) => {
                Value::string(format!("arn:{partition}:ec2:{}:{account}:key-pair/{name}", ctx.region))
            }
            Err(_) => Value::UNKNOWN,
        };
        st.insert("arn".into(), arn);
        let remote: BTreeMap<String, String> = key
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
            .collect();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        finish(&self.schema(), st)
    }
}

impl ResourceType for KeyPair {
    fn type_name(&self) -> &'static str {
        "aws_key_pair"
    }

    fn schema(&self) -> Schema {
        // The AWS provider's schema version for the type: its states read as this version.
        Schema::new()
            .version(1)
            .attr("key_name", Attribute::optional_computed(Type::String).force_new())
            .attr("key_name_prefix", Attribute::optional(Type::String).force_new())
            .attr("public_key", Attribute::required(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("fingerprint", Attribute::computed(Type::String))
            .attr("key_pair_id", Attribute::computed(Type::String))
            .attr("key_type", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if is_set(&config.get("key_name")) && is_set(&config.get("key_name_prefix")) {
            out.push(problem(
                "key_name_prefix",
                "\"key_name\" and \"key_name_prefix\" cannot both be set",
            ));
        }
        if let Some(k) = config.get("public_key").as_str() {
            let kinds = [
                "ssh-rsa ",
                "ssh-ed25519 ",
                "ecdsa-sha2-nistp256 ",
                "ecdsa-sha2-nistp384 ",
                "ecdsa-sha2-nistp521 ",
            ];
            if !kinds.iter().any(|p| k.trim_start().starts_with(p)) {
                out.push(problem(
                    "public_key",
                    "public_key must be an OpenSSH public key (\"ssh-rsa AAAA...\" or \"ssh-ed25519 AAAA...\")",
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if prior.is_none() {
            let id = match st.get("key_name") {
                Some(Value::String(n)) => Value::string(n),
                _ => Value::UNKNOWN,
            };
            st.insert("id".into(), id);
        }
        let all = tags_all(ctx, st.get("tags").unwrap_or(&Value::Null));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = match sref(planned, "key_name") {
            Some(n) => n.to_string(),
            None => {
                crate::support::naming::prefixed_unique_id(sref(planned, "key_name_prefix").unwrap_or("terraform-"))
            }
        };
        let key = sref(planned, "public_key").unwrap_or_default().to_string();
        let tags = ec2_tags(&tags_all(ctx, &planned.get("tags")));
        let specification = (!tags.is_empty()).then(|| {
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::KeyPair)
                .set_tags(Some(tags))
                .build()
        });
        (step.progress)(&format!("importing EC2 Key Pair {name}"));
        (step.intent)(&name);
        let op = format!("importing EC2 Key Pair ({name})");
        if let Err(e) = call(
            ctx,
            &op,
            ctx.ec2
                .import_key_pair()
                .key_name(&name)
                .public_key_material(aws_sdk_ec2::primitives::Blob::new(key.into_bytes()))
                .set_tag_specifications(specification.map(|s| vec![s]))
                .send(),
        ) {
            return ApplyOutcome::failed(e);
        }
        let id = Value::string(&name);
        created_outcome(
            &self.schema(),
            planned,
            &[("key_name", id.clone()), ("id", id)],
            self.find(ctx, &name).map(|k| k.map(|k| self.state(ctx, &k, planned))),
            || ProviderError::new("NotFound", format!("{op}: not found after the import")),
        )
    }

    /// Every argument but `tags` forces a new key pair; tags change in place.
    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "key_pair_id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let synced = sync(
            ctx,
            prior,
            planned,
            |keys| {
                let tags = keys
                    .iter()
                    .map(|k| aws_sdk_ec2::types::Tag::builder().key(k).build())
                    .collect();
                call(
                    ctx,
                    &format!("untagging EC2 Key Pair ({id})"),
                    ctx.ec2.delete_tags().resources(&id).set_tags(Some(tags)).send(),
                )
                .map(|_| ())
            },
            |set| {
                call(
                    ctx,
                    &format!("tagging EC2 Key Pair ({id})"),
                    ctx.ec2
                        .create_tags()
                        .resources(&id)
                        .set_tags(Some(ec2_tags(&map_value(set))))
                        .send(),
                )
                .map(|_| ())
            },
        );
        update_outcome(prior, synced, self.read(ctx, planned), || {
            ProviderError::new("NotFound", format!("EC2 Key Pair ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "key_name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting EC2 Key Pair ({name})"),
            ctx.ec2.delete_key_pair().key_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "key_name").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        Ok(self.find(ctx, name)?.map(|k| self.state(ctx, &k, prior)))
    }

    /// Import ID: the key pair's name. The public key cannot be read back, so the
    /// configuration's `public_key` is recorded by the next apply.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.find(ctx, id)?.map(|k| self.state(ctx, &k, &Value::Null)))
    }
}
