//! aws_cloudwatch_event_target: where a rule sends what it matches. PutTargets both creates and
//! updates it (the whole target each time); RemoveTargets deletes it.

use super::{ecs, split_id, DEFAULT_BUS};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, invalid, is_set, list_of_strings,
    map_of_strings, map_value, problem, sref, string_list, string_map, Put, State,
};
use crate::support::naming::prefixed_unique_id;
use aws_sdk_eventbridge::types::{
    BatchArrayProperties, BatchParameters, BatchRetryStrategy, DeadLetterConfig, HttpParameters, InputTransformer,
    KinesisParameters, RetryPolicy, RunCommandParameters, RunCommandTarget, SqsParameters, Target as AwsTarget,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

pub(super) struct Target;

/// Target kinds of the AWS provider not built yet, and what to do instead.
const NOT_YET: &str = "Not supported yet: create this target with the AWS CLI (aws events put-targets) and keep its rule here, or use another kind of target.";

fn list(items: Vec<Value>) -> Value {
    Value::List(items.into())
}

fn one(item: Option<Value>) -> Value {
    list(item.into_iter().collect())
}

fn text(v: &Value, key: &str) -> Option<String> {
    sref(v, key).map(str::to_string)
}

fn int(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

fn hash_map(v: &Value) -> Option<std::collections::HashMap<String, String>> {
    let m = string_map(v);
    (!m.is_empty()).then(|| m.into_iter().collect())
}

fn sorted_map(m: Option<&std::collections::HashMap<String, String>>) -> Value {
    match m {
        Some(m) if !m.is_empty() => map_value(
            &m.iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        ),
        _ => Value::Null,
    }
}

fn built<T, E: std::fmt::Display>(what: &str, r: Result<T, E>) -> Result<T, ProviderError> {
    r.map_err(|e| invalid(format!("{what}: {e}")))
}

/// The target as PutTargets takes it.
fn target(planned: &Value, id: &str) -> Result<AwsTarget, ProviderError> {
    let block = |k: &str| Some(first_block(planned, k)).filter(|b| !b.is_null());
    let transformer = match block("input_transformer") {
        Some(b) => Some(built(
            "input_transformer",
            InputTransformer::builder()
                .set_input_paths_map(hash_map(&b.get("input_paths")).or_else(|| Some(Default::default())))
                .set_input_template(text(&b, "input_template"))
                .build(),
        )?),
        None => None,
    };
    let kinesis = match block("kinesis_target") {
        Some(b) => Some(built(
            "kinesis_target",
            KinesisParameters::builder()
                .set_partition_key_path(text(&b, "partition_key_path"))
                .build(),
        )?),
        None => None,
    };
    let mut commands = Vec::new();
    for c in block_items(planned, "run_command_targets") {
        commands.push(built(
            "run_command_targets",
            RunCommandTarget::builder()
                .set_key(text(&c, "key"))
                .set_values(Some(string_list(&c.get("values"))))
                .build(),
        )?);
    }
    let commands = if commands.is_empty() {
        None
    } else {
        Some(built(
            "run_command_targets",
            RunCommandParameters::builder()
                .set_run_command_targets(Some(commands))
                .build(),
        )?)
    };
    let batch = match block("batch_target") {
        Some(b) => Some(built(
            "batch_target",
            BatchParameters::builder()
                .set_job_definition(text(&b, "job_definition"))
                .set_job_name(text(&b, "job_name"))
                .set_array_properties(int(&b, "array_size").map(|n| BatchArrayProperties::builder().size(n).build()))
                .set_retry_strategy(int(&b, "job_attempts").map(|n| BatchRetryStrategy::builder().attempts(n).build()))
                .build(),
        )?),
        None => None,
    };
    let http = block("http_target").map(|b| {
        let paths = string_list(&b.get("path_parameter_values"));
        HttpParameters::builder()
            .set_path_parameter_values((!paths.is_empty()).then_some(paths))
            .set_header_parameters(hash_map(&b.get("header_parameters")))
            .set_query_string_parameters(hash_map(&b.get("query_string_parameters")))
            .build()
    });
    built(
        "target",
        AwsTarget::builder()
            .id(id)
            .set_arn(text(planned, "arn"))
            .set_role_arn(text(planned, "role_arn"))
            .set_input(text(planned, "input"))
            .set_input_path(text(planned, "input_path"))
            .set_input_transformer(transformer)
            .set_retry_policy(block("retry_policy").map(|b| {
                RetryPolicy::builder()
                    .set_maximum_event_age_in_seconds(int(&b, "maximum_event_age_in_seconds"))
                    .set_maximum_retry_attempts(int(&b, "maximum_retry_attempts"))
                    .build()
            }))
            .set_dead_letter_config(
                block("dead_letter_config").map(|b| DeadLetterConfig::builder().set_arn(text(&b, "arn")).build()),
            )
            .set_sqs_parameters(block("sqs_target").map(|b| {
                SqsParameters::builder()
                    .set_message_group_id(text(&b, "message_group_id"))
                    .build()
            }))
            .set_kinesis_parameters(kinesis)
            .set_run_command_parameters(commands)
            .set_batch_parameters(batch)
            .set_http_parameters(http)
            .set_ecs_parameters(match block(ecs::BLOCK) {
                Some(b) => Some(ecs::parameters(&b)?),
                None => None,
            })
            .build(),
    )
}

/// The blocks and arguments of a target as EventBridge has it.
fn put_target(st: &mut State, t: &AwsTarget) {
    st.put("arn", t.arn());
    st.put("target_id", t.id());
    st.put("role_arn", t.role_arn());
    st.put("input", t.input());
    st.put("input_path", t.input_path());
    st.put(
        "input_transformer",
        one(t.input_transformer().map(|x| {
            map([
                ("input_paths", sorted_map(x.input_paths_map())),
                ("input_template", Value::string(x.input_template())),
            ])
        })),
    );
    st.put(
        "retry_policy",
        one(t.retry_policy().map(|r| {
            map([
                (
                    "maximum_event_age_in_seconds",
                    r.maximum_event_age_in_seconds().map(i64::from).into(),
                ),
                (
                    "maximum_retry_attempts",
                    r.maximum_retry_attempts().map(i64::from).into(),
                ),
            ])
        })),
    );
    st.put(
        "dead_letter_config",
        one(t.dead_letter_config().map(|d| map([("arn", d.arn().into())]))),
    );
    st.put(
        "sqs_target",
        one(t
            .sqs_parameters()
            .map(|s| map([("message_group_id", s.message_group_id().into())]))),
    );
    st.put(
        "kinesis_target",
        one(t
            .kinesis_parameters()
            .map(|k| map([("partition_key_path", Value::string(k.partition_key_path()))]))),
    );
    st.put(
        "run_command_targets",
        list(
            t.run_command_parameters()
                .map(|r| r.run_command_targets())
                .unwrap_or_default()
                .iter()
                .map(|c| {
                    map([
                        ("key", Value::string(c.key())),
                        ("values", Value::from(c.values().to_vec())),
                    ])
                })
                .collect(),
        ),
    );
    st.put(
        "batch_target",
        one(t.batch_parameters().map(|b| {
            map([
                ("job_definition", Value::string(b.job_definition())),
                ("job_name", Value::string(b.job_name())),
                ("array_size", b.array_properties().map(|a| i64::from(a.size())).into()),
                (
                    "job_attempts",
                    b.retry_strategy().map(|r| i64::from(r.attempts())).into(),
                ),
            ])
        })),
    );
    st.put(ecs::BLOCK, one(t.ecs_parameters().map(ecs::value)));
    st.put(
        "http_target",
        one(t.http_parameters().map(|h| {
            let paths = h.path_parameter_values();
            map([
                ("header_parameters", sorted_map(h.header_parameters())),
                ("query_string_parameters", sorted_map(h.query_string_parameters())),
                (
                    "path_parameter_values",
                    if paths.is_empty() {
                        Value::Null
                    } else {
                        Value::from(paths.to_vec())
                    },
                ),
            ])
        })),
    );
}

/// The three names of a target: its bus, rule and ID.
fn parts(value: &Value) -> Option<(String, String, String)> {
    Some((
        sref(value, "event_bus_name").unwrap_or(DEFAULT_BUS).to_string(),
        sref(value, "rule")?.to_string(),
        sref(value, "target_id")?.to_string(),
    ))
}

/// The target's state ID, as the AWS provider writes it: `RULE-TARGET`, with `BUS-` in front
/// on a bus other than the default one.
fn target_key(bus: &str, rule: &str, id: &str) -> String {
    if bus == DEFAULT_BUS {
        format!("{rule}-{id}")
    } else {
        format!("{bus}-{rule}-{id}")
    }
}

fn failures<'a>(entries: impl Iterator<Item = (Option<&'a str>, Option<&'a str>, Option<&'a str>)>) -> Option<String> {
    let all: Vec<String> = entries
        .map(|(id, code, message)| {
            format!(
                "{}: {}: {}",
                id.unwrap_or("?"),
                code.unwrap_or("?"),
                message.unwrap_or("")
            )
        })
        .collect();
    (!all.is_empty()).then(|| all.join("; "))
}

impl Target {
    fn fetch(&self, ctx: &Ctx, key: &(String, String, String), prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (bus, rule, id) = key;
        let op = format!("reading EventBridge Target ({})", target_key(bus, rule, id));
        let mut token = None;
        loop {
            let out = call(
                ctx,
                &op,
                ctx.events
                    .list_targets_by_rule()
                    .rule(rule)
                    .event_bus_name(bus)
                    .set_next_token(token.take())
                    .send(),
            );
            let out = match out {
                // The rule (or its bus) is gone, and the target with it.
                Err(e) if e.code == "ResourceNotFoundException" || e.code == "ValidationException" => return Ok(None),
                other => other?,
            };
            if let Some(t) = out.targets().iter().find(|t| t.id() == id) {
                let mut st: State = into_state(prior);
                st.put("id", target_key(bus, rule, id));
                st.put("rule", rule.as_str());
                st.put("event_bus_name", bus.as_str());
                put_target(&mut st, t);
                return Ok(Some(finish(&self.schema(), st)));
            }
            match out.next_token() {
                Some(next) if !next.is_empty() => token = Some(next.to_string()),
                _ => return Ok(None),
            }
        }
    }

    fn put(&self, ctx: &Ctx, key: &(String, String, String), planned: &Value) -> Result<(), ProviderError> {
        let (bus, rule, id) = key;
        let op = format!("putting EventBridge Target ({})", target_key(bus, rule, id));
        let out = call(
            ctx,
            &op,
            ctx.events
                .put_targets()
                .rule(rule)
                .event_bus_name(bus)
                .targets(target(planned, id)?)
                .send(),
        )?;
        let failed = out
            .failed_entries()
            .iter()
            .map(|f| (f.target_id(), f.error_code(), f.error_message()));
        match failures(failed) {
            Some(why) => Err(ProviderError::new("FailedEntries", format!("{op}: {why}"))),
            None => Ok(()),
        }
    }
}

impl ResourceType for Target {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_event_target"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(1)
            .attr("rule", Attribute::required(Type::String).force_new())
            .attr("target_id", Attribute::optional_computed(Type::String).force_new())
            .attr("event_bus_name", Attribute::optional(Type::String).force_new())
            .attr("arn", Attribute::required(Type::String))
            .attr("role_arn", Attribute::optional(Type::String))
            .attr("input", Attribute::optional(Type::String).json())
            .attr("input_path", Attribute::optional(Type::String))
            .attr("force_destroy", Attribute::optional(Type::Bool))
            .block(
                "input_transformer",
                Nesting::Single,
                Schema::new()
                    .attr("input_paths", Attribute::optional(map_of_strings()))
                    .attr("input_template", Attribute::required(Type::String)),
            )
            .block(
                "retry_policy",
                Nesting::Single,
                Schema::new()
                    .attr("maximum_event_age_in_seconds", Attribute::optional(Type::Number))
                    .attr("maximum_retry_attempts", Attribute::optional(Type::Number)),
            )
            .block(
                "dead_letter_config",
                Nesting::Single,
                Schema::new().attr("arn", Attribute::optional(Type::String)),
            )
            .block(
                "sqs_target",
                Nesting::Single,
                Schema::new().attr("message_group_id", Attribute::optional(Type::String)),
            )
            .block(
                "kinesis_target",
                Nesting::Single,
                Schema::new().attr("partition_key_path", Attribute::optional(Type::String)),
            )
            .block(
                "run_command_targets",
                Nesting::List,
                Schema::new()
                    .attr("key", Attribute::required(Type::String))
                    .attr("values", Attribute::required(list_of_strings())),
            )
            .block(
                "batch_target",
                Nesting::Single,
                Schema::new()
                    .attr("job_definition", Attribute::required(Type::String))
                    .attr("job_name", Attribute::required(Type::String))
                    .attr("array_size", Attribute::optional(Type::Number))
                    .attr("job_attempts", Attribute::optional(Type::Number)),
            )
            .block(
                "http_target",
                Nesting::Single,
                Schema::new()
                    .attr("header_parameters", Attribute::optional(map_of_strings()))
                    .attr("query_string_parameters", Attribute::optional(map_of_strings()))
                    .attr("path_parameter_values", Attribute::optional(list_of_strings())),
            )
            .block(ecs::BLOCK, Nesting::Single, ecs::schema())
            .not_yet("redshift_target", NOT_YET)
            .not_yet("sagemaker_pipeline_target", NOT_YET)
            .not_yet("appsync_target", NOT_YET)
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = ecs::validate(config);
        let given: Vec<&str> = ["input", "input_path", "input_transformer"]
            .into_iter()
            .filter(|k| is_set(&config.get(k)) && config.get(k).as_list().is_none_or(|l| !l.is_empty()))
            .collect();
        if given.len() > 1 {
            out.push(problem(
                given[1],
                format!(
                    "{} cannot be used together: give the target one of input, input_path and input_transformer",
                    given.join(" and ")
                ),
            ));
        }
        if let Some(input) = sref(config, "input") {
            if serde_json::from_str::<serde_json::Value>(input).is_err() {
                out.push(problem("input", "input must be JSON (use jsonencode)"));
            }
        }
        if let Some(id) = sref(config, "target_id") {
            if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c)) {
                out.push(problem(
                    "target_id",
                    "a target ID is 1 to 64 letters, digits, '_', '.' and '-'",
                ));
            }
        }
        if block_items(config, "run_command_targets").len() > 5 {
            out.push(problem(
                "run_command_targets",
                "a target takes at most 5 run_command_targets blocks",
            ));
        }
        let transformer = first_block(config, "input_transformer");
        if let Some(template) = sref(&transformer, "input_template") {
            if template.is_empty() || template.len() > 8192 {
                out.push(problem("input_transformer", "input_template is 1 to 8192 characters"));
            }
        }
        if string_map(&transformer.get("input_paths"))
            .keys()
            .any(|k| k.starts_with("AWS"))
        {
            out.push(problem(
                "input_transformer",
                "input_paths keys cannot start with \"AWS\"",
            ));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "event_bus_name", Value::string(DEFAULT_BUS));
        if !proposed.get(ecs::BLOCK).is_unknown() {
            let blocks: Vec<Value> = block_items(&proposed, ecs::BLOCK).iter().map(ecs::defaults).collect();
            st.insert(ecs::BLOCK.into(), list(blocks));
        }
        if proposed.get("target_id").is_null() {
            st.insert(
                "target_id".into(),
                prior.map(|p| p.get("target_id")).unwrap_or(Value::UNKNOWN),
            );
        }
        let id = match (
            st.get("event_bus_name").and_then(Value::as_str),
            st.get("rule").and_then(Value::as_str),
            st.get("target_id").and_then(Value::as_str),
        ) {
            (Some(b), Some(r), Some(t)) => Value::string(target_key(b, r, t)),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(rule) = sref(planned, "rule") else {
            return ApplyOutcome::failed(invalid("creating EventBridge Target: rule must be known"));
        };
        let bus = sref(planned, "event_bus_name").unwrap_or(DEFAULT_BUS).to_string();
        let id = sref(planned, "target_id")
            .map(str::to_string)
            .unwrap_or_else(|| prefixed_unique_id("terraform-"));
        let key = (bus.clone(), rule.to_string(), id.clone());
        (step.intent)(&format!("{bus}/{rule}/{id}"));
        if let Err(e) = self.put(ctx, &key, planned) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[
                ("id", Value::string(target_key(&bus, rule, &id))),
                ("target_id", Value::string(&id)),
            ],
            self.fetch(ctx, &key, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("EventBridge Target ({id}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(key) = parts(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating EventBridge Target: the prior state has no target_id"),
            );
        };
        let result = self.put(ctx, &key, planned);
        update_outcome(prior, result, self.fetch(ctx, &key, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("EventBridge Target ({}) is gone", key.2),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((bus, rule, id)) = parts(prior) else {
            return Ok(());
        };
        let op = format!("removing EventBridge Target ({})", target_key(&bus, &rule, &id));
        let out = call(
            ctx,
            &op,
            ctx.events
                .remove_targets()
                .rule(&rule)
                .event_bus_name(&bus)
                .ids(&id)
                .set_force(prior.get("force_destroy").as_bool().filter(|f| *f))
                .send(),
        );
        let out = match out {
            Err(e) if e.code == "ResourceNotFoundException" => return Ok(()),
            other => other?,
        };
        let failed = out
            .failed_entries()
            .iter()
            .map(|f| (f.target_id(), f.error_code(), f.error_message()));
        match failures(failed) {
            Some(why) => Err(ProviderError::new("FailedEntries", format!("{op}: {why}"))),
            None => Ok(()),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match parts(prior) {
            Some(key) => self.fetch(ctx, &key, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `RULE/TARGET_ID` on the default bus, `BUS/RULE/TARGET_ID` on another.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((bus, rest)) = split_id(id, 2) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_cloudwatch_event_target: write it as RULE_NAME/TARGET_ID or EVENT_BUS_NAME/RULE_NAME/TARGET_ID"),
            ));
        };
        self.fetch(ctx, &(bus, rest[0].clone(), rest[1].clone()), &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(input: Value, input_path: Value) -> Value {
        map([
            ("rule", Value::from("orders")),
            ("arn", Value::from("arn:aws:sqs:us-east-1:123456789012:q")),
            ("input", input),
            ("input_path", input_path),
        ])
    }

    fn conflicts(c: &Value) -> usize {
        Target
            .validate(c)
            .iter()
            .filter(|p| p.message.contains("cannot be used together"))
            .count()
    }

    /// A module that passes `lookup(each.value, "input", null)` for each of its targets: an
    /// unknown or null value is not "given", as in Terraform's ExactlyOneOf/ConflictsWith.
    #[test]
    fn input_rules_count_only_known_values() {
        assert_eq!(conflicts(&config(Value::UNKNOWN, Value::from("$.detail"))), 0);
        assert_eq!(conflicts(&config(Value::Null, Value::UNKNOWN)), 0);
        assert_eq!(conflicts(&config(Value::from("{}"), Value::from("$.detail"))), 1);
    }
}
