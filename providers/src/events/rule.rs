//! aws_cloudwatch_event_rule: a rule on an event bus, matching an event pattern or running on
//! a schedule. PutRule both creates and updates it.

use super::{split_id, DEFAULT_BUS};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, invalid, json_object, map_of_strings, problem, same_json, sref,
    string_map, Put, State,
};
use crate::support::error::found;
use crate::support::naming::{check_names, prefix_of, prefixed_unique_id};
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::Waiter;
use aws_sdk_eventbridge::types::{RuleState, Tag};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct Rule;

const STATES: [&str; 3] = ["DISABLED", "ENABLED", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS"];

/// The rule's ID: its name on the default bus, `BUS/NAME` on another.
fn rule_id(bus: &str, name: &str) -> String {
    if bus.is_empty() || bus == DEFAULT_BUS {
        name.to_string()
    } else {
        format!("{bus}/{name}")
    }
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
        &format!("reading the tags of EventBridge Rule ({arn})"),
        ctx.events.list_tags_for_resource().resource_arn(arn).send(),
    )?;
    Ok(out
        .tags()
        .iter()
        .filter(|t| !t.key().starts_with("aws:"))
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

impl Rule {
    fn fetch(&self, ctx: &Ctx, bus: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(r) = found(call(
            ctx,
            &format!("reading EventBridge Rule ({})", rule_id(bus, name)),
            ctx.events.describe_rule().name(name).event_bus_name(bus).send(),
        ))?
        else {
            return Ok(None);
        };
        let arn = r.arn().unwrap_or_default().to_string();
        let mut st: State = into_state(prior);
        st.put("id", rule_id(bus, name));
        st.put("name", name);
        if sref(prior, "name_prefix").is_none() {
            st.put("name_prefix", prefix_of(name));
        }
        // The bus as named here (an ARN stays an ARN), as the AWS provider keeps it.
        st.put("event_bus_name", bus);
        st.put("arn", arn.as_str());
        st.put("description", r.description());
        st.put("role_arn", r.role_arn());
        st.put("schedule_expression", r.schedule_expression());
        // The pattern as written stays while it means the same.
        st.put(
            "event_pattern",
            match (sref(prior, "event_pattern"), r.event_pattern()) {
                (Some(p), Some(remote)) if same_json(p, remote) => Some(p),
                (_, remote) => remote,
            },
        );
        let state = r.state().map(|s| s.as_str()).unwrap_or("ENABLED");
        st.put("state", state);
        st.put("is_enabled", state.starts_with("ENABLED"));
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags_of(ctx, &arn)?);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    /// PutRule of the whole rule as `planned` has it; tags only at create.
    fn put(&self, ctx: &Ctx, bus: &str, name: &str, planned: &Value, create: bool) -> Result<(), ProviderError> {
        let op = format!("putting EventBridge Rule ({})", rule_id(bus, name));
        let tags = string_map(&planned.get("tags_all"));
        // A role made a moment before cannot be assumed until IAM propagates.
        Waiter::new(op.clone(), Duration::from_secs(120)).retry(
            |e| e.code == "ValidationException" && e.message.contains("cannot be assumed by principal"),
            || {
                call(
                    ctx,
                    &op,
                    ctx.events
                        .put_rule()
                        .name(name)
                        .event_bus_name(bus)
                        .set_description(sref(planned, "description").map(str::to_string))
                        .set_event_pattern(sref(planned, "event_pattern").map(str::to_string))
                        .set_schedule_expression(sref(planned, "schedule_expression").map(str::to_string))
                        .set_role_arn(sref(planned, "role_arn").map(str::to_string))
                        .set_state(sref(planned, "state").map(RuleState::from))
                        .set_tags(if create { tag_list(&tags) } else { None })
                        .send(),
                )
                .map(drop)
            },
        )
    }
}

fn parts(value: &Value) -> Option<(String, String)> {
    Some((
        sref(value, "event_bus_name").unwrap_or(DEFAULT_BUS).to_string(),
        sref(value, "name")?.to_string(),
    ))
}

impl ResourceType for Rule {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_rule"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(1)
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional_computed(Type::String).force_new())
            .attr("event_bus_name", Attribute::optional(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("event_pattern", Attribute::optional(Type::String).json())
            .attr("schedule_expression", Attribute::optional(Type::String))
            .attr("role_arn", Attribute::optional(Type::String))
            .attr("state", Attribute::optional(Type::String).one_of(&STATES))
            .attr("is_enabled", Attribute::optional(Type::Bool))
            .attr("force_destroy", Attribute::optional(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = check_names(config, 64);
        for key in ["name", "name_prefix"] {
            if let Some(n) = sref(config, key) {
                if !n.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
                    out.push(problem(
                        key,
                        format!("{key} holds only letters, digits, '_', '.' and '-'"),
                    ));
                }
            }
        }
        if config.get("event_pattern").is_null() && config.get("schedule_expression").is_null() {
            out.push(problem(
                "event_pattern",
                "a rule needs event_pattern or schedule_expression (or both)",
            ));
        }
        if let Some(p) = sref(config, "event_pattern") {
            if !json_object(p) {
                out.push(problem(
                    "event_pattern",
                    "event_pattern must be a JSON object (use jsonencode)",
                ));
            }
        }
        if !config.get("state").is_null() && !config.get("is_enabled").is_null() {
            out.push(problem(
                "is_enabled",
                "\"state\" and \"is_enabled\" cannot both be set: is_enabled is deprecated, keep state",
            ));
        }
        if let Some(d) = sref(config, "description") {
            if d.len() > 512 {
                out.push(problem("description", "a description is at most 512 characters"));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "event_bus_name", Value::string(DEFAULT_BUS));
        // Without `state`, the rule keeps the one it has (the AWS provider suppresses that
        // difference), or is enabled as `is_enabled` says (ENABLED by default).
        if proposed.get("state").is_null() {
            let state = match (proposed.get("is_enabled").as_bool(), prior) {
                (Some(on), _) => Value::string(if on { "ENABLED" } else { "DISABLED" }),
                (None, Some(p)) if !p.get("state").is_null() => p.get("state"),
                (None, _) => Value::string("ENABLED"),
            };
            st.insert("state".into(), state);
        }
        if proposed.get("is_enabled").is_null() {
            let on = st
                .get("state")
                .and_then(Value::as_str)
                .map(|s| s.starts_with("ENABLED"));
            st.insert("is_enabled".into(), on.map(Value::Bool).unwrap_or(Value::UNKNOWN));
        }
        match (sref(&proposed, "name"), prior) {
            (Some(_), _) => {}
            (None, Some(p)) => {
                st.insert("name".into(), p.get("name"));
            }
            (None, None) => {
                st.insert("name".into(), Value::UNKNOWN);
            }
        }
        if proposed.get("name_prefix").is_null() {
            st.insert(
                "name_prefix".into(),
                match (sref(&proposed, "name"), prior) {
                    (Some(n), _) => prefix_of(n).into(),
                    (None, Some(p)) => p.get("name_prefix"),
                    (None, None) => Value::string("terraform-"),
                },
            );
        }
        let id = match (
            st.get("name").and_then(Value::as_str),
            st.get("event_bus_name").and_then(Value::as_str),
        ) {
            (Some(n), Some(b)) => Value::string(rule_id(b, n)),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        if prior.is_none() {
            st.insert("arn".into(), Value::UNKNOWN);
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let bus = sref(planned, "event_bus_name").unwrap_or(DEFAULT_BUS).to_string();
        let name = match sref(planned, "name") {
            Some(n) => n.to_string(),
            None => prefixed_unique_id(sref(planned, "name_prefix").unwrap_or("terraform-")),
        };
        (step.intent)(&rule_id(&bus, &name));
        if let Err(e) = self.put(ctx, &bus, &name, planned, true) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[
                ("id", Value::string(rule_id(&bus, &name))),
                ("name", Value::string(&name)),
            ],
            self.fetch(ctx, &bus, &name, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("EventBridge Rule ({name}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((bus, name)) = parts(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating EventBridge Rule: the prior state has no name"),
            );
        };
        let others = [
            "description",
            "event_pattern",
            "schedule_expression",
            "role_arn",
            "state",
        ]
        .iter()
        .any(|k| prior.get(k) != planned.get(k));
        let mut result = if others {
            self.put(ctx, &bus, &name, planned, false)
        } else {
            Ok(())
        };
        if result.is_ok() {
            let arn = sref(prior, "arn").unwrap_or_default().to_string();
            let op = format!("tagging EventBridge Rule ({arn})");
            result = crate::support::tags::sync(
                ctx,
                prior,
                planned,
                |keys| {
                    call(
                        ctx,
                        &op,
                        ctx.events
                            .untag_resource()
                            .resource_arn(&arn)
                            .set_tag_keys(Some(keys))
                            .send(),
                    )
                    .map(drop)
                },
                |tags| {
                    call(
                        ctx,
                        &op,
                        ctx.events
                            .tag_resource()
                            .resource_arn(&arn)
                            .set_tags(tag_list(tags))
                            .send(),
                    )
                    .map(drop)
                },
            );
        }
        update_outcome(prior, result, self.fetch(ctx, &bus, &name, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("EventBridge Rule ({name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((bus, name)) = parts(prior) else {
            return Ok(());
        };
        let op = format!("deleting EventBridge Rule ({})", rule_id(&bus, &name));
        // Targets removed a moment before may still be counted.
        let sent = Waiter::new(op.clone(), Duration::from_secs(300)).retry(
            |e| e.code == "ValidationException" && e.message.contains("since it has targets"),
            || {
                call(
                    ctx,
                    &op,
                    ctx.events
                        .delete_rule()
                        .name(&name)
                        .event_bus_name(&bus)
                        .set_force(prior.get("force_destroy").as_bool().filter(|f| *f))
                        .send(),
                )
            },
        );
        found(sent).map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match parts(prior) {
            Some((bus, name)) => self.fetch(ctx, &bus, &name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `NAME` on the default bus, `BUS/NAME` on another (a bus ARN or a partner
    /// bus may itself hold `/`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((bus, rest)) = split_id(id, 1) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "import ID {id:?} of aws_cloudwatch_event_rule: write it as RULE_NAME or EVENT_BUS_NAME/RULE_NAME"
                ),
            ));
        };
        self.fetch(ctx, &bus, &rest[0], &Value::Null)
    }
}
