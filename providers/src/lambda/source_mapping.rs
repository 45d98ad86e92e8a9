//! aws_lambda_event_source_mapping: a function reading from a queue or a stream (SQS, Kinesis,
//! DynamoDB streams), with batching, retries, a failure destination and event filters.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, invalid, map_of_strings, problem,
    set_of_strings, set_value, sref, string_map, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_lambda::types::{
    DestinationConfig, EventSourceMappingConfiguration, EventSourcePosition, Filter, FilterCriteria,
    FunctionResponseType, OnFailure, ScalingConfig,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct SourceMapping;

/// Kinds of source the AWS provider has and infinstor does not yet (Kafka, MQ, DocumentDB).
const NOT_YET: &str = "Kafka, Amazon MQ and DocumentDB sources are not supported yet: create this mapping with the AWS CLI (aws lambda create-event-source-mapping) and import it later.";

/// What UpdateEventSourceMapping changes.
const MUTABLE: [&str; 14] = [
    "function_name",
    "batch_size",
    "enabled",
    "maximum_batching_window_in_seconds",
    "maximum_record_age_in_seconds",
    "maximum_retry_attempts",
    "parallelization_factor",
    "bisect_batch_on_function_error",
    "tumbling_window_in_seconds",
    "function_response_types",
    "kms_key_arn",
    "destination_config",
    "filter_criteria",
    "scaling_config",
];

/// How long the mapping may take to settle after a change.
const SETTLE: Duration = Duration::from_secs(600);

fn int(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

fn destination(planned: &Value) -> Option<DestinationConfig> {
    let on_failure = first_block(&first_block(planned, "destination_config"), "on_failure");
    (!on_failure.is_null()).then(|| {
        DestinationConfig::builder()
            .on_failure(
                OnFailure::builder()
                    .set_destination(sref(&on_failure, "destination_arn").map(str::to_string))
                    .build(),
            )
            .build()
    })
}

fn filters(planned: &Value) -> Option<FilterCriteria> {
    let criteria = first_block(planned, "filter_criteria");
    (!criteria.is_null()).then(|| {
        FilterCriteria::builder()
            .set_filters(Some(
                block_items(&criteria, "filter")
                    .iter()
                    .map(|f| {
                        Filter::builder()
                            .set_pattern(sref(f, "pattern").map(str::to_string))
                            .build()
                    })
                    .collect(),
            ))
            .build()
    })
}

fn scaling(planned: &Value) -> Option<ScalingConfig> {
    let s = first_block(planned, "scaling_config");
    (!s.is_null()).then(|| {
        ScalingConfig::builder()
            .set_maximum_concurrency(int(&s, "maximum_concurrency"))
            .build()
    })
}

fn response_types(planned: &Value) -> Vec<FunctionResponseType> {
    string_set(&planned.get("function_response_types"))
        .iter()
        .map(|t| FunctionResponseType::from(t.as_str()))
        .collect()
}

fn describe(ctx: &Ctx, uuid: &str) -> Result<Option<EventSourceMappingConfiguration>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading Lambda Event Source Mapping ({uuid})"),
        ctx.lambda.get_event_source_mapping().uuid(uuid).send(),
    ))?;
    Ok(out.map(|o| {
        EventSourceMappingConfiguration::builder()
            .set_uuid(o.uuid().map(str::to_string))
            .set_event_source_mapping_arn(o.event_source_mapping_arn().map(str::to_string))
            .set_event_source_arn(o.event_source_arn().map(str::to_string))
            .set_function_arn(o.function_arn().map(str::to_string))
            .set_batch_size(o.batch_size())
            .set_maximum_batching_window_in_seconds(o.maximum_batching_window_in_seconds())
            .set_maximum_record_age_in_seconds(o.maximum_record_age_in_seconds())
            .set_maximum_retry_attempts(o.maximum_retry_attempts())
            .set_parallelization_factor(o.parallelization_factor())
            .set_bisect_batch_on_function_error(o.bisect_batch_on_function_error())
            .set_tumbling_window_in_seconds(o.tumbling_window_in_seconds())
            .set_starting_position(o.starting_position().cloned())
            .set_state(o.state().map(str::to_string))
            .set_state_transition_reason(o.state_transition_reason().map(str::to_string))
            .set_last_processing_result(o.last_processing_result().map(str::to_string))
            .set_last_modified(o.last_modified().cloned())
            .set_destination_config(o.destination_config().cloned())
            .set_filter_criteria(o.filter_criteria().cloned())
            .set_scaling_config(o.scaling_config().cloned())
            .set_function_response_types(Some(o.function_response_types().to_vec()))
            .set_kms_key_arn(o.kms_key_arn().map(str::to_string))
            .build()
    }))
}

impl SourceMapping {
    fn fetch(&self, ctx: &Ctx, uuid: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(m) = describe(ctx, uuid)? else {
            return Ok(None);
        };
        let function_arn = m.function_arn().unwrap_or_default();
        let arn = m.event_source_mapping_arn().unwrap_or_default().to_string();
        let mut st: State = into_state(prior);
        st.put("id", uuid);
        st.put("uuid", uuid);
        st.put("arn", arn.as_str());
        st.put("function_arn", function_arn);
        // The function as configured (a name or an ARN) while it names the same function.
        let named = sref(prior, "function_name")
            .filter(|n| super::function_name_of(n) == super::function_name_of(function_arn));
        st.put("function_name", named.unwrap_or(function_arn));
        st.put("event_source_arn", m.event_source_arn());
        st.put("batch_size", m.batch_size().map(i64::from));
        st.put(
            "maximum_batching_window_in_seconds",
            m.maximum_batching_window_in_seconds().map(i64::from),
        );
        st.put(
            "maximum_record_age_in_seconds",
            m.maximum_record_age_in_seconds().map(i64::from),
        );
        st.put("maximum_retry_attempts", m.maximum_retry_attempts().map(i64::from));
        st.put("parallelization_factor", m.parallelization_factor().map(i64::from));
        st.put("bisect_batch_on_function_error", m.bisect_batch_on_function_error());
        st.put(
            "tumbling_window_in_seconds",
            m.tumbling_window_in_seconds().map(i64::from),
        );
        st.put("starting_position", m.starting_position().map(|p| p.as_str()));
        st.put("kms_key_arn", m.kms_key_arn());
        let state = m.state().unwrap_or_default();
        st.put("state", state);
        st.put("state_transition_reason", m.state_transition_reason());
        st.put("last_processing_result", m.last_processing_result());
        st.put("last_modified", m.last_modified().map(|t| t.to_string()));
        st.put("enabled", !matches!(state, "Disabled" | "Disabling"));
        let types: Vec<&str> = m.function_response_types().iter().map(|t| t.as_str()).collect();
        st.put(
            "function_response_types",
            if types.is_empty() {
                Value::Null
            } else {
                set_value(&types)
            },
        );
        let one = |v: Option<Value>| Value::List(v.into_iter().collect::<Vec<_>>().into());
        st.put(
            "destination_config",
            one(m
                .destination_config()
                .and_then(|d| d.on_failure())
                .and_then(|f| f.destination())
                .map(|arn| map([("on_failure", one(Some(map([("destination_arn", Value::string(arn))]))))]))),
        );
        st.put(
            "filter_criteria",
            one(m.filter_criteria().filter(|f| !f.filters().is_empty()).map(|f| {
                map([(
                    "filter",
                    Value::List(
                        f.filters()
                            .iter()
                            .map(|x| map([("pattern", x.pattern().into())]))
                            .collect::<Vec<_>>()
                            .into(),
                    ),
                )])
            })),
        );
        st.put(
            "scaling_config",
            one(m
                .scaling_config()
                .and_then(|s| s.maximum_concurrency())
                .map(|c| map([("maximum_concurrency", i64::from(c).into())]))),
        );
        if crate::support::tags::has_tags(prior) && !arn.is_empty() {
            let out = call(
                ctx,
                &format!("reading the tags of Lambda Event Source Mapping ({uuid})"),
                ctx.lambda.list_tags().resource(&arn).send(),
            )?;
            let remote = out
                .tags()
                .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default();
            let (tags, all) = split_tags(ctx, &prior.get("tags"), remote);
            st.put("tags", tags);
            st.put("tags_all", all);
        } else {
            st.put("tags_all", tags_all(ctx, &prior.get("tags")));
        }
        Ok(Some(finish(&self.schema(), st)))
    }

    /// Waits while the mapping is creating, enabling, disabling or updating.
    fn settle(&self, ctx: &Ctx, uuid: &str, step: &Step<'_>, gone: bool) -> Result<(), ProviderError> {
        Waiter::new(format!("Lambda Event Source Mapping ({uuid})"), SETTLE)
            .progress(step.progress)
            .wait(|| {
                let state = describe(ctx, uuid)?.map(|m| m.state().unwrap_or_default().to_string());
                Ok(match state {
                    None if gone => Poll::Ready(()),
                    None => {
                        return Err(ProviderError::new(
                            "ResourceNotFoundException",
                            format!("Lambda Event Source Mapping ({uuid}) disappeared while waiting for it"),
                        ))
                    }
                    Some(s) if ["Creating", "Enabling", "Disabling", "Updating", "Deleting"].contains(&s.as_str()) => {
                        Poll::Pending(s)
                    }
                    Some(_) if gone => Poll::Pending("still there".into()),
                    Some(_) => Poll::Ready(()),
                })
            })
    }
}

/// Lambda's answers while the function's role cannot read the source yet (IAM propagation).
fn propagating(e: &ProviderError) -> bool {
    e.code == "InvalidParameterValueException"
        && (e.message.contains("cannot be assumed") || e.message.contains("does not have permission"))
}

impl ResourceType for SourceMapping {
    fn type_name(&self) -> &'static str {
        "aws_lambda_event_source_mapping"
    }

    fn schema(&self) -> Schema {
        let number = || Attribute::optional(Type::Number);
        Schema::new()
            .attr("function_name", Attribute::required(Type::String))
            .attr("event_source_arn", Attribute::optional(Type::String).force_new())
            .attr("batch_size", Attribute::optional_computed(Type::Number))
            .attr("enabled", Attribute::optional(Type::Bool))
            .attr(
                "starting_position",
                Attribute::optional(Type::String)
                    .force_new()
                    .one_of(&["TRIM_HORIZON", "LATEST", "AT_TIMESTAMP"]),
            )
            .attr("starting_position_timestamp", Attribute::optional(Type::String).force_new())
            .attr("maximum_batching_window_in_seconds", Attribute::optional_computed(Type::Number))
            .attr("maximum_record_age_in_seconds", Attribute::optional_computed(Type::Number))
            .attr("maximum_retry_attempts", Attribute::optional_computed(Type::Number))
            .attr("parallelization_factor", Attribute::optional_computed(Type::Number))
            .attr("bisect_batch_on_function_error", Attribute::optional(Type::Bool))
            .attr("tumbling_window_in_seconds", number())
            .attr("function_response_types", Attribute::optional(set_of_strings()))
            .attr("kms_key_arn", Attribute::optional(Type::String))
            .block(
                "destination_config",
                Nesting::Single,
                Schema::new().block(
                    "on_failure",
                    Nesting::Single,
                    Schema::new().attr("destination_arn", Attribute::required(Type::String)),
                ),
            )
            .block(
                "filter_criteria",
                Nesting::Single,
                Schema::new().block(
                    "filter",
                    Nesting::Set,
                    Schema::new().attr("pattern", Attribute::optional(Type::String)),
                ),
            )
            .block(
                "scaling_config",
                Nesting::Single,
                Schema::new().attr("maximum_concurrency", number()),
            )
            .not_yet("amazon_managed_kafka_event_source_config", NOT_YET)
            .not_yet("self_managed_event_source", NOT_YET)
            .not_yet("self_managed_kafka_event_source_config", NOT_YET)
            .not_yet("source_access_configuration", NOT_YET)
            .not_yet("document_db_event_source_config", NOT_YET)
            .not_yet("queues", NOT_YET)
            .not_yet("topics", NOT_YET)
            .not_yet(
                "metrics_config",
                "Event source mapping metrics are not managed by infinstor yet: remove it, or turn them on with the AWS CLI.",
            )
            .not_yet(
                "provisioned_poller_config",
                "Provisioned pollers are not managed by infinstor yet: remove it, or set them with the AWS CLI.",
            )
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("function_arn", Attribute::computed(Type::String))
            .attr("uuid", Attribute::computed(Type::String))
            .attr("state", Attribute::computed(Type::String))
            .attr("state_transition_reason", Attribute::computed(Type::String))
            .attr("last_processing_result", Attribute::computed(Type::String))
            .attr("last_modified", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if config.get("event_source_arn").is_null() {
            out.push(problem(
                "event_source_arn",
                "event_source_arn is required for SQS, Kinesis and DynamoDB sources (the only kinds supported yet)",
            ));
        }
        if block_items(&first_block(config, "filter_criteria"), "filter").len() > 10 {
            out.push(problem("filter_criteria", "a mapping takes at most 10 filters"));
        }
        if config.get("batch_size").as_f64().is_some_and(|n| n < 1.0) {
            out.push(problem("batch_size", "batch_size is 1 or more"));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "enabled", Value::Bool(true));
        // A name and an ARN of the same function are the same argument, as in the AWS provider
        // (an imported mapping knows its function by ARN).
        if let (Some(p), Some(name)) = (
            prior.and_then(|p| sref(p, "function_name")),
            sref(&proposed, "function_name"),
        ) {
            if p != name && super::function_name_of(p) == super::function_name_of(name) {
                st.put("function_name", p);
            }
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        match prior {
            None => {
                for k in [
                    "arn",
                    "function_arn",
                    "uuid",
                    "state",
                    "state_transition_reason",
                    "last_processing_result",
                    "last_modified",
                    "id",
                ] {
                    st.insert(k.into(), Value::UNKNOWN);
                }
            }
            Some(p) => {
                let planned = Value::Map(st.clone().into());
                let changed = MUTABLE.iter().any(|k| p.get(k) != planned.get(k));
                if changed {
                    for k in [
                        "state",
                        "state_transition_reason",
                        "last_modified",
                        "function_arn",
                        "last_processing_result",
                    ] {
                        st.insert(k.into(), Value::UNKNOWN);
                    }
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(function), Some(source)) = (sref(planned, "function_name"), sref(planned, "event_source_arn")) else {
            return ApplyOutcome::failed(invalid(
                "creating Lambda Event Source Mapping: function_name and event_source_arn must be known",
            ));
        };
        (step.intent)(&format!("{source}|{function}"));
        let op = format!("creating Lambda Event Source Mapping ({source} -> {function})");
        let types = response_types(planned);
        let tags = string_map(&planned.get("tags_all"));
        let made = Waiter::new(op.clone(), Duration::from_secs(300)).retry(propagating, || {
            call(
                ctx,
                &op,
                ctx.lambda
                    .create_event_source_mapping()
                    .function_name(function)
                    .event_source_arn(source)
                    .set_batch_size(int(planned, "batch_size"))
                    .set_enabled(planned.get("enabled").as_bool())
                    .set_starting_position(sref(planned, "starting_position").map(EventSourcePosition::from))
                    .set_starting_position_timestamp(sref(planned, "starting_position_timestamp").and_then(|t| {
                        aws_smithy_types::DateTime::from_str(t, aws_smithy_types::date_time::Format::DateTime).ok()
                    }))
                    .set_maximum_batching_window_in_seconds(int(planned, "maximum_batching_window_in_seconds"))
                    .set_maximum_record_age_in_seconds(int(planned, "maximum_record_age_in_seconds"))
                    .set_maximum_retry_attempts(int(planned, "maximum_retry_attempts"))
                    .set_parallelization_factor(int(planned, "parallelization_factor"))
                    .set_bisect_batch_on_function_error(planned.get("bisect_batch_on_function_error").as_bool())
                    .set_tumbling_window_in_seconds(int(planned, "tumbling_window_in_seconds"))
                    .set_function_response_types((!types.is_empty()).then(|| types.clone()))
                    .set_kms_key_arn(sref(planned, "kms_key_arn").map(str::to_string))
                    .set_destination_config(destination(planned))
                    .set_filter_criteria(filters(planned))
                    .set_scaling_config(scaling(planned))
                    .set_tags((!tags.is_empty()).then(|| tags.clone().into_iter().collect()))
                    .send(),
            )
            .map(|o| (o.uuid().unwrap_or_default().to_string(), o.state().map(str::to_string)))
        });
        let (uuid, state) = match made {
            Ok(made) => made,
            Err(e) => return ApplyOutcome::failed(e),
        };
        // A mapping the create reports settled is not waited for.
        let settled = match state.as_deref() {
            Some("Enabled" | "Disabled") => Ok(()),
            _ => self.settle(ctx, &uuid, step, false),
        };
        let read = self.fetch(ctx, &uuid, planned);
        match settled {
            Ok(()) => created_outcome(&self.schema(), planned, &[("id", Value::string(&uuid))], read, || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Event Source Mapping ({uuid}) is gone after its create"),
                )
            }),
            Err(e) => match read {
                Ok(Some(state)) => ApplyOutcome::partial(state, e),
                _ => ApplyOutcome::failed(e),
            },
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let uuid = sref(prior, "uuid")
            .or_else(|| sref(prior, "id"))
            .unwrap_or_default()
            .to_string();
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let op = format!("updating Lambda Event Source Mapping ({uuid})");
        let tag_op = format!("tagging Lambda Event Source Mapping ({uuid})");
        let result = crate::support::tags::sync(
            ctx,
            prior,
            planned,
            |keys| {
                call(
                    ctx,
                    &tag_op,
                    ctx.lambda
                        .untag_resource()
                        .resource(&arn)
                        .set_tag_keys(Some(keys))
                        .send(),
                )
                .map(drop)
            },
            |tags| {
                call(
                    ctx,
                    &tag_op,
                    ctx.lambda
                        .tag_resource()
                        .resource(&arn)
                        .set_tags(Some(tags.clone().into_iter().collect()))
                        .send(),
                )
                .map(drop)
            },
        )
        .and_then(|_| {
            if !MUTABLE.iter().any(|k| prior.get(k) != planned.get(k)) {
                return Ok(());
            }
            let types = response_types(planned);
            // A mapping being changed a moment before refuses another change for a while.
            Waiter::new(op.clone(), Duration::from_secs(300)).retry(
                |e| e.code == "ResourceInUseException" || propagating(e),
                || {
                    call(
                        ctx,
                        &op,
                        ctx.lambda
                            .update_event_source_mapping()
                            .uuid(&uuid)
                            .set_function_name(sref(planned, "function_name").map(str::to_string))
                            .set_batch_size(int(planned, "batch_size"))
                            .set_enabled(planned.get("enabled").as_bool())
                            .set_maximum_batching_window_in_seconds(int(planned, "maximum_batching_window_in_seconds"))
                            .set_maximum_record_age_in_seconds(int(planned, "maximum_record_age_in_seconds"))
                            .set_maximum_retry_attempts(int(planned, "maximum_retry_attempts"))
                            .set_parallelization_factor(int(planned, "parallelization_factor"))
                            .set_bisect_batch_on_function_error(planned.get("bisect_batch_on_function_error").as_bool())
                            .set_tumbling_window_in_seconds(int(planned, "tumbling_window_in_seconds"))
                            .set_function_response_types(Some(types.clone()))
                            .set_kms_key_arn(sref(planned, "kms_key_arn").map(str::to_string))
                            .set_destination_config(Some(destination(planned).unwrap_or_else(|| {
                                DestinationConfig::builder()
                                    .on_failure(OnFailure::builder().build())
                                    .build()
                            })))
                            .set_filter_criteria(Some(
                                filters(planned).unwrap_or_else(|| FilterCriteria::builder().build()),
                            ))
                            .set_scaling_config(scaling(planned))
                            .send(),
                    )
                    .map(drop)
                },
            )?;
            self.settle(ctx, &uuid, step, false)
        });
        update_outcome(prior, result, self.fetch(ctx, &uuid, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Lambda Event Source Mapping ({uuid}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(uuid) = sref(prior, "uuid").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let op = format!("deleting Lambda Event Source Mapping ({uuid})");
        let sent = Waiter::new(op.clone(), Duration::from_secs(300)).retry(
            |e| e.code == "ResourceInUseException",
            || call(ctx, &op, ctx.lambda.delete_event_source_mapping().uuid(uuid).send()),
        );
        if found(sent)?.is_none() {
            return Ok(());
        }
        self.settle(ctx, uuid, step, true)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "uuid").or_else(|| sref(prior, "id")) {
            Some(uuid) => self.fetch(ctx, uuid, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the mapping's UUID.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null)
    }
}
