//! aws_cloudwatch_log_group: a log group with its retention, encryption key, class, deletion
//! protection and tags.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, default_to, finish, into_state, map_of_strings, sref, Put, State};
use crate::support::error::found;
use crate::support::naming::{check_names, name_for_create};
use crate::support::tags::{split_tags, sync, tags_all};
use aws_sdk_cloudwatchlogs::types::LogGroupClass;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct LogGroup;

/// The retention periods CloudWatch Logs accepts, in days; 0 keeps events forever.
const RETENTION_DAYS: [i64; 23] = [
    0, 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

impl LogGroup {
    /// The group as AWS has it, keeping from `prior` what AWS does not report.
    fn fetch(&self, ctx: &Ctx, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let op = format!("reading CloudWatch Logs Log Group ({name})");
        let page = call(
            ctx,
            &op,
            ctx.logs.describe_log_groups().log_group_name_prefix(name).send(),
        )?;
        let Some(group) = page.log_groups().iter().find(|g| g.log_group_name() == Some(name)) else {
            return Ok(None);
        };
        // The group's ARN ends in `:*` (its streams); tags and the provider name the group itself.
        let arn = group.arn().unwrap_or_default().trim_end_matches(":*").to_string();
        let tags = found(call(
            ctx,
            &op,
            ctx.logs.list_tags_for_resource().resource_arn(&arn).send(),
        ))?
        .and_then(|t| t.tags().cloned())
        .unwrap_or_default();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags.into_iter().collect());
        let mut st = into_state(prior);
        st.put("name", name);
        st.put("id", name);
        st.put("arn", arn.as_str());
        let days = group.retention_in_days().unwrap_or(0);
        st.put("retention_in_days", i64::from(days));
        st.put("kms_key_id", group.kms_key_id());
        // AWS reports every group's class; a server that does not keeps what was applied.
        if let Some(class) = group.log_group_class() {
            st.put("log_group_class", class.as_str());
        }
        // Likewise for deletion protection, which servers older than it do not report.
        if let Some(on) = group.deletion_protection_enabled() {
            st.put("deletion_protection_enabled", on);
        }
        default_to(&mut st, "skip_destroy", Value::Bool(false));
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn set_retention(&self, ctx: &Ctx, name: &str, days: i64) -> Result<(), ProviderError> {
        let op = format!("setting the retention of CloudWatch Logs Log Group ({name})");
        let days = i32::try_from(days).map_err(|_| ProviderError::new("InvalidParameter", format!("{op}: {days}")))?;
        match days {
            0 => call(ctx, &op, ctx.logs.delete_retention_policy().log_group_name(name).send()).map(drop),
            d => call(
                ctx,
                &op,
                ctx.logs
                    .put_retention_policy()
                    .log_group_name(name)
                    .retention_in_days(d)
                    .send(),
            )
            .map(drop),
        }
    }

    fn apply_changes(&self, ctx: &Ctx, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let name = sref(prior, "name").unwrap_or_default();
        let days = planned.get("retention_in_days").as_f64().unwrap_or(0.0) as i64;
        if prior.get("retention_in_days").as_f64() != Some(days as f64) {
            self.set_retention(ctx, name, days)?;
        }
        if prior.get("kms_key_id") != planned.get("kms_key_id") {
            let op = format!("changing the KMS key of CloudWatch Logs Log Group ({name})");
            match sref(planned, "kms_key_id") {
                Some(key) => call(
                    ctx,
                    &op,
                    ctx.logs.associate_kms_key().log_group_name(name).kms_key_id(key).send(),
                )
                .map(drop)?,
                None => call(ctx, &op, ctx.logs.disassociate_kms_key().log_group_name(name).send()).map(drop)?,
            }
        }
        let protect = planned.get("deletion_protection_enabled").as_bool().unwrap_or(false);
        if prior.get("deletion_protection_enabled").as_bool().unwrap_or(false) != protect {
            call(
                ctx,
                &format!("setting the deletion protection of CloudWatch Logs Log Group ({name})"),
                ctx.logs
                    .put_log_group_deletion_protection()
                    .log_group_identifier(name)
                    .deletion_protection_enabled(protect)
                    .send(),
            )?;
        }
        let arn = sref(prior, "arn").unwrap_or_default();
        let op = format!("tagging CloudWatch Logs Log Group ({name})");
        sync(
            ctx,
            prior,
            planned,
            |keys| {
                call(
                    ctx,
                    &op,
                    ctx.logs
                        .untag_resource()
                        .resource_arn(arn)
                        .set_tag_keys(Some(keys))
                        .send(),
                )
                .map(drop)
            },
            |tags| {
                let tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                call(
                    ctx,
                    &op,
                    ctx.logs.tag_resource().resource_arn(arn).set_tags(Some(tags)).send(),
                )
                .map(drop)
            },
        )
    }
}

impl ResourceType for LogGroup {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("retention_in_days", Attribute::optional_computed(Type::Number))
            .attr("kms_key_id", Attribute::optional(Type::String))
            .attr(
                "log_group_class",
                Attribute::optional_computed(Type::String).force_new().one_of(&[
                    "STANDARD",
                    "INFREQUENT_ACCESS",
                    "DELIVERY",
                ]),
            )
            .attr("skip_destroy", Attribute::optional_computed(Type::Bool))
            .attr("deletion_protection_enabled", Attribute::optional_computed(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = check_names(config, 512);
        if let Some(days) = config.get("retention_in_days").as_f64() {
            if !RETENTION_DAYS.iter().any(|&d| d as f64 == days) {
                let allowed = RETENTION_DAYS.map(|d| d.to_string()).join(", ");
                out.push(crate::support::attrs::problem(
                    "retention_in_days",
                    format!("retention_in_days must be one of {allowed} (0 keeps events forever)"),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st: State = into_state(&proposed);
        default_to(&mut st, "retention_in_days", Value::from(0i64));
        if prior.is_none() {
            // Unset on an existing group, the class is what AWS has (what import read).
            default_to(&mut st, "log_group_class", Value::string("STANDARD"));
        }
        default_to(&mut st, "skip_destroy", Value::Bool(false));
        if prior.is_none() {
            default_to(&mut st, "deletion_protection_enabled", Value::Bool(false));
        }
        let id = match st.get("name").and_then(Value::as_str) {
            Some(name) => Value::string(name),
            None => Value::UNKNOWN,
        };
        st.put("id", id);
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = name_for_create(planned);
        let tags = crate::support::attrs::string_map(&planned.get("tags_all"));
        (step.intent)(&name);
        let made = call(
            ctx,
            &format!("creating CloudWatch Logs Log Group ({name})"),
            ctx.logs
                .create_log_group()
                .log_group_name(&name)
                .set_kms_key_id(sref(planned, "kms_key_id").map(str::to_string))
                .set_log_group_class(sref(planned, "log_group_class").map(LogGroupClass::from))
                .set_deletion_protection_enabled(planned.get("deletion_protection_enabled").as_bool().filter(|on| *on))
                .set_tags((!tags.is_empty()).then(|| tags.into_iter().collect()))
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        let days = planned.get("retention_in_days").as_f64().unwrap_or(0.0) as i64;
        let retained = match days {
            0 => Ok(()),
            d => self.set_retention(ctx, &name, d),
        };
        let outcome = created_outcome(
            &self.schema(),
            planned,
            &[("name", Value::string(&name)), ("id", Value::string(&name))],
            self.fetch(ctx, &name, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("log group {name} is gone after its create"),
                )
            },
        );
        match retained {
            Ok(()) => outcome,
            Err(e) => ApplyOutcome::partial(outcome.into_parts().0.unwrap_or(Value::Null), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = sref(prior, "name").unwrap_or_default();
        let result = self.apply_changes(ctx, prior, planned);
        update_outcome(prior, result, self.fetch(ctx, name, planned), || {
            ProviderError::new("ResourceNotFoundException", format!("log group {name} is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        // `skip_destroy` keeps the group (and its events) in AWS; only the state forgets it.
        let Some(name) = sref(prior, "name").filter(|_| prior.get("skip_destroy").as_bool() != Some(true)) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Logs Log Group ({name})"),
            ctx.logs.delete_log_group().log_group_name(name).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "name").or_else(|| sref(prior, "id")) {
            Some(name) => self.fetch(ctx, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the group's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::LogGroup;
    use crate::replay::{ctx, sent, Answer};
    use crate::resource::{ResourceType, Step};
    use engine::core::value::{map, Value};

    fn described(protected: bool) -> Vec<Answer> {
        vec![
            Answer::json(
                200,
                serde_json::json!({"logGroups": [{
                    "logGroupName": "app",
                    "arn": "arn:aws:logs:us-east-1:123456789012:log-group:app:*",
                    "logGroupClass": "STANDARD",
                    "deletionProtectionEnabled": protected,
                }]}),
            ),
            Answer::json(200, serde_json::json!({"tags": {}})),
        ]
    }

    /// The emulator neither keeps nor reports deletion protection: a protected create, and
    /// protection turned off in place, on CloudWatch Logs' documented answers.
    #[test]
    fn deletion_protection_is_set_at_create_and_changed_in_place() {
        let mut answers = vec![Answer::json(200, serde_json::json!({}))];
        answers.extend(described(true));
        answers.push(Answer::json(200, serde_json::json!({})));
        answers.extend(described(false));
        let (ctx, replay) = ctx(answers);
        let kind = LogGroup;
        let config = |on: bool| {
            map([
                ("name", Value::from("app")),
                ("deletion_protection_enabled", Value::Bool(on)),
            ])
        };
        let (planned, _) = kind.plan(&ctx, None, config(true)).expect("plan");
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(state.get("deletion_protection_enabled"), Value::Bool(true));
        let (planned, replace) = kind.plan(&ctx, Some(&state), config(false)).expect("plan");
        assert!(replace.is_empty());
        let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        assert_eq!(
            updated.expect("state").get("deletion_protection_enabled"),
            Value::Bool(false)
        );
        let requests = sent(&replay);
        let create: serde_json::Value = serde_json::from_str(&requests[0].2).expect("json");
        assert_eq!(create["deletionProtectionEnabled"], true, "{create}");
        let put: serde_json::Value = serde_json::from_str(&requests[3].2).expect("json");
        assert_eq!(
            put,
            serde_json::json!({"logGroupIdentifier": "app", "deletionProtectionEnabled": false})
        );
    }
}
