//! aws_secretsmanager_secret: a secret's metadata (its values are versions): description, KMS
//! key, policy and tags changed in place; destroy schedules the deletion after
//! `recovery_window_in_days` (30), or deletes at once with 0, as Secrets Manager offers.
//! Replicas in other regions are in [`replicas`].

use super::{put_resource_policy, replicas, resource_policy};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, default_to, finish, into_state, json_object, map_of_strings, problem, sref, string_map, Put,
    State,
};
use crate::support::error::found;
use crate::support::naming::{check_names, name_for_create};
use crate::support::policy::keep_prior;
use crate::support::tags::{split_tags, sync, tags_all};
use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use aws_sdk_secretsmanager::types::Tag;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct Secret;

fn tag_list(tags: &std::collections::BTreeMap<String, String>) -> Option<Vec<Tag>> {
    (!tags.is_empty()).then(|| {
        tags.iter()
            .map(|(k, v)| Tag::builder().key(k).value(v).build())
            .collect()
    })
}

impl Secret {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<DescribeSecretOutput>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Secrets Manager Secret ({id})"),
            ctx.secretsmanager.describe_secret().secret_id(id).send(),
        ))?;
        // A secret scheduled for deletion is gone for the configuration.
        Ok(out.filter(|o| o.deleted_date().is_none()))
    }

    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(d) = self.describe(ctx, id)? else {
            return Ok(None);
        };
        let arn = d.arn().unwrap_or(id).to_string();
        let mut st: State = into_state(prior);
        st.put("arn", arn.as_str());
        st.put("id", arn.as_str());
        st.put("name", d.name());
        st.put("description", d.description());
        st.put("kms_key_id", d.kms_key_id());
        // No policy reads as none, or as the "{}" a configuration deletes it with.
        let policy = match resource_policy(ctx, &arn)? {
            Some(p) => Some(keep_prior(sref(prior, "policy"), &p)),
            None => sref(prior, "policy").filter(|p| p.trim() == "{}").map(str::to_string),
        };
        st.put("policy", policy);
        let remote = d
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
            .collect();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
        st.put("tags", tags);
        st.put("tags_all", all);
        st.put("replica", replicas::read(&d));
        default_to(&mut st, "recovery_window_in_days", Value::from(30i64));
        default_to(&mut st, "force_overwrite_replica_secret", Value::Bool(false));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for Secret {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret"
    }

    fn schema(&self) -> Schema {
        replicas::with_replicas(
            Schema::new()
                .attr("name", Attribute::optional_computed(Type::String).force_new())
                .attr("name_prefix", Attribute::optional(Type::String).force_new())
                .attr("description", Attribute::optional(Type::String))
                .attr("kms_key_id", Attribute::optional(Type::String))
                .attr(
                    "policy",
                    Attribute::optional_computed(Type::String).document(crate::support::policy::canonical),
                )
                .attr("recovery_window_in_days", Attribute::optional_computed(Type::Number))
                .attr(
                    "force_overwrite_replica_secret",
                    Attribute::optional_computed(Type::Bool),
                )
                .attr("tags", Attribute::optional(map_of_strings()))
                .attr("tags_all", Attribute::computed(map_of_strings()))
                .attr("arn", Attribute::computed(Type::String))
                .attr("id", Attribute::computed(Type::String)),
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = check_names(config, 512);
        if let Some(days) = config.get("recovery_window_in_days").as_f64() {
            if days != 0.0 && !(7.0..=30.0).contains(&days) || days.fract() != 0.0 {
                out.push(problem(
                    "recovery_window_in_days",
                    "recovery_window_in_days is 0 (delete at once) or 7 to 30 days",
                ));
            }
        }
        if let Some(policy) = config.get("policy").as_str() {
            if !json_object(policy) {
                out.push(problem("policy", "the policy must be a JSON object (use jsonencode)"));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st: State = into_state(&proposed);
        for (key, default) in [
            ("recovery_window_in_days", Value::from(30i64)),
            ("force_overwrite_replica_secret", Value::Bool(false)),
        ] {
            if st.get(key).is_none_or(|v| v.is_null() || v.is_unknown()) {
                st.insert(key.into(), default);
            }
        }
        if prior.is_none() {
            st.insert("arn".into(), Value::UNKNOWN);
            st.insert("id".into(), Value::UNKNOWN);
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = name_for_create(planned);
        let tags = string_map(&planned.get("tags_all"));
        (step.intent)(&name);
        let made = call(
            ctx,
            &format!("creating Secrets Manager Secret ({name})"),
            ctx.secretsmanager
                .create_secret()
                .name(&name)
                .set_description(sref(planned, "description").map(str::to_string))
                .set_kms_key_id(sref(planned, "kms_key_id").map(str::to_string))
                .set_tags(tag_list(&tags))
                .set_add_replica_regions(replicas::for_create(planned))
                .force_overwrite_replica_secret(planned.get("force_overwrite_replica_secret").as_bool() == Some(true))
                .send(),
        );
        let arn = match made.map(|o| o.arn().map(str::to_string)) {
            Ok(Some(arn)) => arn,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("creating Secrets Manager Secret ({name}): no ARN in the answer"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let policy = match sref(planned, "policy").filter(|p| p.trim() != "{}") {
            Some(p) => put_resource_policy(ctx, &arn, Some(p), None),
            None => Ok(()),
        };
        let outcome = created_outcome(
            &self.schema(),
            planned,
            &[
                ("arn", Value::string(&arn)),
                ("id", Value::string(&arn)),
                ("name", Value::string(&name)),
            ],
            self.fetch(ctx, &arn, planned),
            crate::support::attrs::gone_after_create(format!(
                "Secrets Manager Secret ({arn}) is gone after its create"
            )),
        );
        match policy {
            Ok(()) => outcome,
            Err(e) => ApplyOutcome::partial(outcome.into_parts().0.unwrap_or(Value::Null), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let result = (|| {
            if prior.get("description") != planned.get("description")
                || prior.get("kms_key_id") != planned.get("kms_key_id")
            {
                call(
                    ctx,
                    &format!("updating Secrets Manager Secret ({arn})"),
                    ctx.secretsmanager
                        .update_secret()
                        .secret_id(&arn)
                        .description(sref(planned, "description").unwrap_or_default())
                        .set_kms_key_id(sref(planned, "kms_key_id").map(str::to_string))
                        .send(),
                )?;
            }
            replicas::update(ctx, &arn, prior, planned)?;
            let (old, new) = (sref(prior, "policy"), sref(planned, "policy"));
            let same = match (old, new) {
                (Some(a), Some(b)) => crate::support::policy::equivalent(a, b),
                (None, None) => true,
                _ => false,
            };
            if !same && !planned.get("policy").is_unknown() {
                // As in the AWS provider, "{}" deletes the policy; leaving `policy` out keeps
                // whatever aws_secretsmanager_secret_policy set.
                put_resource_policy(ctx, &arn, new.filter(|p| p.trim() != "{}"), None)?;
            }
            let op = format!("tagging Secrets Manager Secret ({arn})");
            sync(
                ctx,
                prior,
                planned,
                |keys| {
                    call(
                        ctx,
                        &op,
                        ctx.secretsmanager
                            .untag_resource()
                            .secret_id(&arn)
                            .set_tag_keys(Some(keys))
                            .send(),
                    )
                    .map(drop)
                },
                |tags| {
                    call(
                        ctx,
                        &op,
                        ctx.secretsmanager
                            .tag_resource()
                            .secret_id(&arn)
                            .set_tags(tag_list(tags))
                            .send(),
                    )
                    .map(drop)
                },
            )
        })();
        update_outcome(prior, result, self.fetch(ctx, &arn, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Secrets Manager Secret ({arn}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        replicas::remove_all(ctx, arn, prior)?;
        let days = prior.get("recovery_window_in_days").as_f64().unwrap_or(30.0) as i64;
        let request = ctx.secretsmanager.delete_secret().secret_id(arn);
        let request = match days {
            0 => request.force_delete_without_recovery(true),
            d => request.recovery_window_in_days(d),
        };
        found(call(
            ctx,
            &format!("deleting Secrets Manager Secret ({arn})"),
            request.send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "arn").or_else(|| sref(prior, "id")) {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the secret's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
