//! aws_kms_key.

use crate::kms::{
    describe_key, found, get_policy, gone, keep_prior_policy, key_id_of, key_tags, policy_hint, policy_problems,
    put_policy, sdk_tags, seeing_principals, settled, tag, untag, KEY_SPECS, KEY_USAGES,
};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, default_to, finish, get, into_state, map_of_strings, prior_id, problem, sref, string_map,
    State,
};
use crate::support::lost_answer::NoBlindRepeat;
use crate::support::naming::{intent_token, INTENT_TAG};
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_kms::types::{KeyMetadata, KeySpec, KeyUsageType};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct KmsKey;

impl KmsKey {
    /// The state of a key, keeping from `prior` what KMS does not store (the deletion window,
    /// the lockout check flag) and the prior policy text when it means the same.
    fn state(
        &self,
        ctx: &Ctx,
        meta: &KeyMetadata,
        doc: &str,
        rotation: bool,
        tags: BTreeMap<String, String>,
        prior: &Value,
    ) -> Value {
        let mut st = State::new();
        let key_id = meta.key_id().to_string();
        st.insert("key_id".into(), Value::string(&key_id));
        st.insert("id".into(), Value::string(&key_id));
        st.insert("arn".into(), meta.arn().map(Value::string).unwrap_or(Value::Null));
        st.insert(
            "description".into(),
            Value::string(meta.description().unwrap_or_default()),
        );
        st.insert(
            "key_usage".into(),
            meta.key_usage()
                .map(|u| Value::string(u.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "customer_master_key_spec".into(),
            meta.key_spec()
                .map(|s| Value::string(s.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert("multi_region".into(), Value::Bool(meta.multi_region().unwrap_or(false)));
        st.insert("is_enabled".into(), Value::Bool(meta.enabled()));
        st.insert("enable_key_rotation".into(), Value::Bool(rotation));
        st.insert("policy".into(), keep_prior_policy(&prior.get("policy"), doc));
        st.insert(
            "bypass_policy_lockout_safety_check".into(),
            Value::Bool(
                prior
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false),
            ),
        );
        // Not something KMS reports: kept as configured (unset: KMS's 30 days at delete, and
        // null in state, as Terraform's AWS provider records it).
        st.insert("deletion_window_in_days".into(), prior.get("deletion_window_in_days"));
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        finish(&self.schema(), st)
    }

    fn rotation_enabled(&self, ctx: &Ctx, meta: &KeyMetadata) -> Result<bool, ProviderError> {
        // Only symmetric encryption keys rotate; KMS refuses the question for the others.
        let symmetric = meta.key_spec().map(|s| s.as_str()).unwrap_or("SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            && meta.key_usage().map(|u| u.as_str()).unwrap_or("ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT";
        if !symmetric {
            return Ok(false);
        }
        let out = call(
            ctx,
            &format!("reading the rotation status of KMS Key ({})", meta.key_id()),
            ctx.kms.get_key_rotation_status().key_id(meta.key_id()).send(),
        )?;
        Ok(out.key_rotation_enabled())
    }

    fn read_id(&self, ctx: &Ctx, key_id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(meta) = describe_key(ctx, key_id)? else {
            return Ok(None);
        };
        let id = meta.key_id().to_string();
        let doc = get_policy(ctx, &id)?;
        let rotation = self.rotation_enabled(ctx, &meta)?;
        let tags = key_tags(ctx, &id)?;
        Ok(Some(self.state(ctx, &meta, &doc, rotation, tags, prior)))
    }

    /// The ID of the (not deleted) key carrying the intent tag `token`.
    fn find_by_token(&self, ctx: &Ctx, token: &str) -> Result<Option<String>, ProviderError> {
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing KMS Keys",
                ctx.kms.list_keys().set_marker(marker.clone()).send(),
            )?;
            for entry in page.keys() {
                let Some(id) = entry.key_id() else { continue };
                let Some(tags) = found(key_tags(ctx, id))? else {
                    continue;
                };
                if tags.get(INTENT_TAG).map(String::as_str) == Some(token) && describe_key(ctx, id)?.is_some() {
                    return Ok(Some(id.to_string()));
                }
            }
            match page.next_marker() {
                Some(m) if page.truncated() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }

    /// Rotation, enablement and the removal of the intent tag, after CreateKey.
    fn finish_create(&self, ctx: &Ctx, key_id: &str, planned: &Value) -> Result<(), ProviderError> {
        if planned.get("enable_key_rotation").as_bool().unwrap_or(false) {
            settled(|| {
                call(
                    ctx,
                    &format!("enabling rotation of KMS Key ({key_id})"),
                    ctx.kms.enable_key_rotation().key_id(key_id).send(),
                )
            })?;
        }
        if !planned.get("is_enabled").as_bool().unwrap_or(true) {
            settled(|| {
                call(
                    ctx,
                    &format!("disabling KMS Key ({key_id})"),
                    ctx.kms.disable_key().key_id(key_id).send(),
                )
            })?;
        }
        Ok(())
    }

    fn update_inner(
        &self,
        ctx: &Ctx,
        key_id: &str,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let description = planned.get("description");
        if let Some(d) = description.as_str() {
            if Some(d) != prior.get("description").as_str() {
                call(
                    ctx,
                    &format!("updating the description of KMS Key ({key_id})"),
                    ctx.kms.update_key_description().key_id(key_id).description(d).send(),
                )?;
            }
        }
        if let Some(doc) = planned.get("policy").as_str() {
            let unchanged = prior
                .get("policy")
                .as_str()
                .map(|p| crate::support::policy::equivalent(p, doc))
                .unwrap_or(false);
            if !unchanged {
                let bypass = planned
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false);
                put_policy(ctx, key_id, doc, bypass, progress)?;
            }
        }
        let enabled = planned.get("is_enabled").as_bool().unwrap_or(true);
        let was_enabled = prior.get("is_enabled").as_bool().unwrap_or(true);
        // Rotation can only be changed on an enabled key: enable first, disable last.
        if enabled && !was_enabled {
            call(
                ctx,
                &format!("enabling KMS Key ({key_id})"),
                ctx.kms.enable_key().key_id(key_id).send(),
            )?;
        }
        let rotation = planned.get("enable_key_rotation").as_bool().unwrap_or(false);
        if rotation != prior.get("enable_key_rotation").as_bool().unwrap_or(false) {
            if rotation {
                call(
                    ctx,
                    &format!("enabling rotation of KMS Key ({key_id})"),
                    ctx.kms.enable_key_rotation().key_id(key_id).send(),
                )?;
            } else {
                call(
                    ctx,
                    &format!("disabling rotation of KMS Key ({key_id})"),
                    ctx.kms.disable_key_rotation().key_id(key_id).send(),
                )?;
            }
        }
        if !enabled && was_enabled {
            call(
                ctx,
                &format!("disabling KMS Key ({key_id})"),
                ctx.kms.disable_key().key_id(key_id).send(),
            )?;
        }
        crate::support::tags::sync(
            ctx,
            prior,
            planned,
            |remove| untag(ctx, key_id, remove),
            |set| tag(ctx, key_id, set),
        )
    }
}

impl ResourceType for KmsKey {
    fn type_name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("description", Attribute::optional_computed(Type::String))
            .attr(
                "key_usage",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&KEY_USAGES),
            )
            .attr(
                "customer_master_key_spec",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&KEY_SPECS),
            )
            .attr(
                "policy",
                Attribute::optional_computed(Type::String).document(crate::support::policy::canonical),
            )
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool))
            .attr("deletion_window_in_days", Attribute::optional(Type::Number))
            .attr("is_enabled", Attribute::optional(Type::Bool))
            .attr("enable_key_rotation", Attribute::optional(Type::Bool))
            .attr("multi_region", Attribute::optional_computed(Type::Bool).force_new())
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("key_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(days) = config.get("deletion_window_in_days").as_f64() {
            if !(7.0..=30.0).contains(&days) || days.fract() != 0.0 {
                out.push(problem(
                    "deletion_window_in_days",
                    "\"deletion_window_in_days\" must be a whole number of days from 7 to 30: KMS keeps a \
                     deleted key that long, so a mistaken destroy can be undone with CancelKeyDeletion",
                ));
            }
        }
        let spec = config.get("customer_master_key_spec");
        if config.get("enable_key_rotation").as_bool() == Some(true) {
            let asymmetric = spec.as_str().map(|s| s != "SYMMETRIC_DEFAULT").unwrap_or(false)
                || config
                    .get("key_usage")
                    .as_str()
                    .map(|u| u != "ENCRYPT_DECRYPT")
                    .unwrap_or(false);
            if asymmetric {
                out.push(problem(
                    "enable_key_rotation",
                    "automatic rotation is only for symmetric encryption keys (customer_master_key_spec = \
                     \"SYMMETRIC_DEFAULT\", key_usage = \"ENCRYPT_DECRYPT\"); remove enable_key_rotation",
                ));
            }
        }
        if let Some(d) = config.get("description").as_str() {
            if d.chars().count() > 8192 {
                out.push(problem(
                    "description",
                    "\"description\" can be at most 8192 characters long",
                ));
            }
        }
        policy_problems(config, "policy", &mut out);
        out
    }

    fn plan(&self, ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        default_to(&mut st, "description", Value::from(""));
        default_to(&mut st, "key_usage", Value::from("ENCRYPT_DECRYPT"));
        default_to(&mut st, "customer_master_key_spec", Value::from("SYMMETRIC_DEFAULT"));
        default_to(&mut st, "multi_region", Value::Bool(false));
        default_to(&mut st, "bypass_policy_lockout_safety_check", Value::Bool(false));
        default_to(&mut st, "is_enabled", Value::Bool(true));
        default_to(&mut st, "enable_key_rotation", Value::Bool(false));
        let id = match get(&st, "key_id") {
            Value::String(id) => Value::string(id),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        let all = tags_all(ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let usage = sref(planned, "key_usage").unwrap_or("ENCRYPT_DECRYPT");
        let spec = sref(planned, "customer_master_key_spec").unwrap_or("SYMMETRIC_DEFAULT");
        let description = sref(planned, "description").unwrap_or_default();
        let token = intent_token(&[description, usage, spec]);
        let mut tags = string_map(&tags_all(ctx, &planned.get("tags")));
        tags.insert(INTENT_TAG.to_string(), token.clone());
        let tags = match sdk_tags(&tags) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let req = ctx
            .kms
            .create_key()
            .description(description)
            .key_usage(KeyUsageType::from(usage))
            .key_spec(KeySpec::from(spec))
            .set_policy(sref(planned, "policy").map(str::to_string))
            .bypass_policy_lockout_safety_check(
                planned
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false),
            )
            .multi_region(planned.get("multi_region").as_bool().unwrap_or(false))
            .set_tags(Some(tags));
        (step.progress)("creating KMS Key");
        (step.intent)(&format!("intent:{token}"));
        // CreateKey makes a new key on every call: after a lost answer, the engine finds the
        // key by its intent tag rather than the SDK making a second one.
        let created = seeing_principals("creating KMS Key", step.progress, || {
            let req = req
                .clone()
                .customize()
                .config_override(aws_sdk_kms::config::Builder::default().retry_classifier(NoBlindRepeat));
            call(ctx, "creating KMS Key", req.send())
        });
        let meta = match created.map_err(policy_hint) {
            Ok(out) => match out.key_metadata() {
                Some(m) => m.clone(),
                None => {
                    return ApplyOutcome::failed(ProviderError::new(
                        "InvalidResponse",
                        "creating KMS Key: KMS returned no key metadata",
                    ))
                }
            },
            Err(e) => return ApplyOutcome::failed(e),
        };
        let key_id = meta.key_id().to_string();
        let result = self.finish_create(ctx, &key_id, planned).and_then(|()| {
            // What the create has just set is not asked for again: the metadata CreateKey
            // answered, the rotation and enablement finish_create set, the tags CreateKey was
            // given. Only a policy KMS wrote itself (none configured) is read.
            let doc = match sref(planned, "policy") {
                Some(doc) => doc.to_string(),
                None => settled(|| get_policy(ctx, &key_id))?,
            };
            let mut meta = meta.clone();
            meta.enabled = planned.get("is_enabled").as_bool().unwrap_or(true);
            let rotation = planned.get("enable_key_rotation").as_bool().unwrap_or(false);
            let tags = string_map(&tags_all(ctx, &planned.get("tags")));
            Ok(Some(self.state(ctx, &meta, &doc, rotation, tags, planned)))
        });
        let id = Value::string(&key_id);
        let arn = meta.arn().map(Value::string).unwrap_or(Value::Null);
        created_outcome(
            &self.schema(),
            planned,
            &[("key_id", id.clone()), ("id", id), ("arn", arn)],
            result,
            || {
                ProviderError::new(
                    "NotFoundException",
                    format!("KMS Key ({key_id}) is not readable after it was created"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let key_id = match prior_id(prior, &["key_id", "id"], "updating KMS Key") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let result = self.update_inner(ctx, &key_id, prior, planned, step.progress);
        let read = self.read_id(ctx, &key_id, planned);
        update_outcome(prior, result, read, || {
            ProviderError::new(
                "NotFoundException",
                format!("updating KMS Key ({key_id}): the key no longer exists or is scheduled for deletion"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let days = prior.get("deletion_window_in_days").as_f64().unwrap_or(30.0) as i32;
        (step.progress)(&format!("scheduling deletion of KMS Key {key_id} in {days} days"));
        match call(
            ctx,
            &format!("scheduling deletion of KMS Key ({key_id})"),
            ctx.kms
                .schedule_key_deletion()
                .key_id(key_id)
                .pending_window_in_days(days)
                .send(),
        ) {
            Ok(_) => Ok(()),
            Err(e) if gone(&e.code) => Ok(()),
            // Already scheduled (deleted outside, or a retried destroy).
            Err(e) if e.code == "KMSInvalidStateException" && describe_key(ctx, key_id)?.is_none() => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        if let Some(key_id) = sref(state, "key_id") {
            // Best effort: a tag left behind is never part of tags or tags_all here.
            let _ = untag(ctx, key_id, vec![INTENT_TAG.to_string()]);
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.read_id(ctx, key_id, prior)
    }

    /// Import IDs: a key ID, a key ARN, or `intent:<token>` as journaled by a create.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = id.strip_prefix("intent:") {
            return match self.find_by_token(ctx, token)? {
                Some(key_id) => self.read_id(ctx, &key_id, &Value::Null),
                None => Ok(None),
            };
        }
        self.read_id(ctx, key_id_of(id), &Value::Null)
    }
}
