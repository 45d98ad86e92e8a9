//! aws_lambda_function_event_invoke_config: how Lambda handles a function's asynchronous
//! invocations (the age of an event and the retries before it is dropped, and where successes
//! and failures are sent), for the function or one of its versions or aliases.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, invalid, problem, sref, Put, State,
};
use crate::support::error::found;
use aws_sdk_lambda::operation::get_function_event_invoke_config::GetFunctionEventInvokeConfigOutput;
use aws_sdk_lambda::types::{DestinationConfig, OnFailure, OnSuccess};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

pub(super) struct EventInvokeConfig;

/// Retries when the configuration gives none, as the AWS provider has it.
const DEFAULT_RETRIES: i64 = 2;

/// The ID: the function as written, with `:QUALIFIER` when there is one.
fn id_of(function: &str, qualifier: Option<&str>) -> String {
    match qualifier {
        Some(q) => format!("{function}:{q}"),
        None => function.to_string(),
    }
}

fn destination(planned: &Value, key: &str) -> Option<String> {
    sref(
        &first_block(&first_block(planned, "destination_config"), key),
        "destination",
    )
    .map(str::to_string)
}

fn destination_block(arn: Option<&str>) -> Value {
    Value::List(
        arn.map(|a| vec![map([("destination", Value::string(a))])])
            .unwrap_or_default()
            .into(),
    )
}

impl EventInvokeConfig {
    fn state(
        &self,
        o: &GetFunctionEventInvokeConfigOutput,
        function: &str,
        qualifier: Option<&str>,
        prior: &Value,
    ) -> Value {
        let mut st: State = into_state(prior);
        st.put("id", id_of(function, qualifier));
        st.put("function_name", function);
        st.put("qualifier", qualifier);
        st.put(
            "maximum_event_age_in_seconds",
            o.maximum_event_age_in_seconds().map(i64::from),
        );
        st.put(
            "maximum_retry_attempts",
            o.maximum_retry_attempts().map(i64::from).unwrap_or(DEFAULT_RETRIES),
        );
        let failure = o
            .destination_config()
            .and_then(|d| d.on_failure())
            .and_then(|f| f.destination());
        let success = o
            .destination_config()
            .and_then(|d| d.on_success())
            .and_then(|s| s.destination());
        let config = if failure.is_none() && success.is_none() {
            Vec::new()
        } else {
            vec![map([
                ("on_failure", destination_block(failure)),
                ("on_success", destination_block(success)),
            ])]
        };
        st.put("destination_config", Value::List(config.into()));
        finish(&self.schema(), st)
    }

    fn fetch(
        &self,
        ctx: &Ctx,
        function: &str,
        qualifier: Option<&str>,
        prior: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        let id = id_of(function, qualifier);
        let out = found(call(
            ctx,
            &format!("reading Lambda Function Event Invoke Config ({id})"),
            ctx.lambda
                .get_function_event_invoke_config()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_string))
                .send(),
        ))?;
        Ok(out.map(|o| self.state(&o, function, qualifier, prior)))
    }

    /// PutFunctionEventInvokeConfig: the whole configuration, for a create and an update alike.
    fn put(&self, ctx: &Ctx, planned: &Value, function: &str, qualifier: Option<&str>) -> Result<(), ProviderError> {
        let failure = destination(planned, "on_failure");
        let success = destination(planned, "on_success");
        let destinations = (failure.is_some() || success.is_some()).then(|| {
            DestinationConfig::builder()
                .set_on_failure(failure.map(|d| OnFailure::builder().destination(d).build()))
                .set_on_success(success.map(|d| OnSuccess::builder().destination(d).build()))
                .build()
        });
        let number = |key: &str| planned.get(key).as_f64().map(|n| n as i32);
        call(
            ctx,
            &format!(
                "putting Lambda Function Event Invoke Config ({})",
                id_of(function, qualifier)
            ),
            ctx.lambda
                .put_function_event_invoke_config()
                .function_name(function)
                .set_qualifier(qualifier.map(str::to_string))
                .set_maximum_event_age_in_seconds(number("maximum_event_age_in_seconds"))
                .maximum_retry_attempts(number("maximum_retry_attempts").unwrap_or(DEFAULT_RETRIES as i32))
                .set_destination_config(destinations)
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for EventInvokeConfig {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function_event_invoke_config"
    }

    fn schema(&self) -> Schema {
        let destination = || Schema::new().attr("destination", Attribute::required(Type::String));
        Schema::new()
            .attr("function_name", Attribute::required(Type::String).force_new())
            .attr("qualifier", Attribute::optional(Type::String).force_new())
            .attr("maximum_event_age_in_seconds", Attribute::optional(Type::Number))
            .attr("maximum_retry_attempts", Attribute::optional_computed(Type::Number))
            .block(
                "destination_config",
                Nesting::Single,
                Schema::new().block("on_failure", Nesting::Single, destination()).block(
                    "on_success",
                    Nesting::Single,
                    destination(),
                ),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let number = |key: &str| config.get(key).as_f64();
        if number("maximum_event_age_in_seconds").is_some_and(|n| !(60.0..=21600.0).contains(&n) || n.fract() != 0.0) {
            out.push(problem(
                "maximum_event_age_in_seconds",
                "maximum_event_age_in_seconds is 60 to 21600 (six hours)",
            ));
        }
        if number("maximum_retry_attempts").is_some_and(|n| !(0.0..=2.0).contains(&n) || n.fract() != 0.0) {
            out.push(problem("maximum_retry_attempts", "maximum_retry_attempts is 0, 1 or 2"));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st
            .get("maximum_retry_attempts")
            .is_none_or(|v| v.is_null() || v.is_unknown())
        {
            st.insert("maximum_retry_attempts".into(), Value::from(DEFAULT_RETRIES));
        }
        let id = match super::function_and_qualifier(&proposed) {
            Some((f, q)) if !proposed.get("function_name").is_unknown() && !proposed.get("qualifier").is_unknown() => {
                Value::string(id_of(&f, q.as_deref()))
            }
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((function, qualifier)) = super::function_and_qualifier(planned) else {
            return ApplyOutcome::failed(invalid(
                "creating Lambda Function Event Invoke Config: function_name must be known",
            ));
        };
        (step.intent)(&id_of(&function, qualifier.as_deref()));
        if let Err(e) = self.put(ctx, planned, &function, qualifier.as_deref()) {
            return ApplyOutcome::failed(e);
        }
        let id = id_of(&function, qualifier.as_deref());
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.fetch(ctx, &function, qualifier.as_deref(), planned),
            crate::support::attrs::gone_after_create(format!(
                "Lambda Function Event Invoke Config ({id}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((function, qualifier)) = super::function_and_qualifier(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Lambda Function Event Invoke Config: the prior state has no function_name"),
            );
        };
        let result = self.put(ctx, planned, &function, qualifier.as_deref());
        let id = id_of(&function, qualifier.as_deref());
        update_outcome(
            prior,
            result,
            self.fetch(ctx, &function, qualifier.as_deref(), planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Function Event Invoke Config ({id}) is gone"),
                )
            },
        )
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((function, qualifier)) = super::function_and_qualifier(prior) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!(
                "deleting Lambda Function Event Invoke Config ({})",
                id_of(&function, qualifier.as_deref())
            ),
            ctx.lambda
                .delete_function_event_invoke_config()
                .function_name(&function)
                .set_qualifier(qualifier)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match super::function_and_qualifier(prior) {
            Some((function, qualifier)) => self.fetch(ctx, &function, qualifier.as_deref(), prior),
            None => Ok(None),
        }
    }

    /// Import ID: `FUNCTION_NAME`, `FUNCTION_NAME:QUALIFIER`, or the function's ARN, with or
    /// without a qualifier.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (function, qualifier) = match import_parts(id) {
            Some(p) => p,
            None => {
                return Err(ProviderError::new(
                    "InvalidImportId",
                    format!("import ID {id:?} of aws_lambda_function_event_invoke_config: write it as FUNCTION_NAME, FUNCTION_NAME:QUALIFIER or the function's ARN"),
                ))
            }
        };
        self.fetch(ctx, &function, qualifier.as_deref(), &Value::Null)
    }
}

/// (function as written, qualifier) of an import ID.
fn import_parts(id: &str) -> Option<(String, Option<String>)> {
    if id.starts_with("arn:") {
        // arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
        let parts: Vec<&str> = id.split(':').collect();
        return match parts.len() {
            7 if parts[5] == "function" => Some((id.to_string(), None)),
            8 if parts[5] == "function" => Some((parts[..7].join(":"), Some(parts[7].to_string()))),
            _ => None,
        };
    }
    match id.split(':').collect::<Vec<_>>()[..] {
        [f] if !f.is_empty() => Some((f.to_string(), None)),
        [f, q] if !f.is_empty() && !q.is_empty() => Some((f.to_string(), Some(q.to_string()))),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::{import_parts, EventInvokeConfig};
    use crate::replay::{ctx, sent, Answer};
    use crate::resource::{ResourceType, Step};
    use engine::core::value::{map, Value};

    fn answer(retries: i64, failure: Option<&str>) -> Answer {
        let mut body = serde_json::json!({
            "FunctionArn": "arn:aws:lambda:us-east-1:123456789012:function:worker:$LATEST",
            "MaximumRetryAttempts": retries,
            "MaximumEventAgeInSeconds": 3600,
            "LastModified": 1_700_000_000.0,
        });
        if let Some(arn) = failure {
            body["DestinationConfig"] = serde_json::json!({"OnFailure": {"Destination": arn}});
        }
        Answer::json(200, body)
    }

    const QUEUE: &str = "arn:aws:sqs:us-east-1:123456789012:failures";

    fn config(retries: i64, failure: bool) -> Value {
        let destinations = if failure {
            vec![map([
                (
                    "on_failure",
                    Value::List(vec![map([("destination", Value::from(QUEUE))])].into()),
                ),
                ("on_success", Value::List(Vec::new().into())),
            ])]
        } else {
            Vec::new()
        };
        map([
            ("function_name", Value::from("worker")),
            ("maximum_event_age_in_seconds", Value::from(3600i64)),
            ("maximum_retry_attempts", Value::from(retries)),
            ("destination_config", Value::List(destinations.into())),
        ])
    }

    /// The emulator adds a second configuration on a second put instead of replacing the
    /// first, so an update is checked here, against Lambda's documented answers: the whole
    /// configuration is put again, a destination left out is gone.
    #[test]
    fn an_update_puts_the_whole_configuration_again() {
        let (ctx, replay) = ctx(vec![
            answer(1, Some(QUEUE)),
            answer(1, Some(QUEUE)),
            answer(0, None),
            answer(0, None),
        ]);
        let kind = EventInvokeConfig;
        let (planned, _) = kind.plan(&ctx, None, config(1, true)).expect("plan");
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(state.get("id"), Value::from("worker"));
        let (planned, replace) = kind.plan(&ctx, Some(&state), config(0, false)).expect("plan");
        assert!(replace.is_empty());
        let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let updated = updated.expect("state");
        assert_eq!(updated.get("maximum_retry_attempts"), Value::from(0i64));
        assert_eq!(updated.get("destination_config"), Value::List(Vec::new().into()));
        let requests = sent(&replay);
        assert_eq!(requests[2].0, "PUT");
        assert!(
            requests[2]
                .1
                .ends_with("/2019-09-25/functions/worker/event-invoke-config"),
            "{:?}",
            requests[2]
        );
        let put: serde_json::Value = serde_json::from_str(&requests[2].2).expect("json");
        assert_eq!(
            put,
            serde_json::json!({"MaximumEventAgeInSeconds": 3600, "MaximumRetryAttempts": 0})
        );
    }

    #[test]
    fn import_ids_as_the_aws_provider_reads_them() {
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:f";
        assert_eq!(import_parts("f"), Some(("f".into(), None)));
        assert_eq!(import_parts("f:live"), Some(("f".into(), Some("live".into()))));
        assert_eq!(import_parts(arn), Some((arn.into(), None)));
        assert_eq!(import_parts(&format!("{arn}:3")), Some((arn.into(), Some("3".into()))));
        assert_eq!(import_parts("a:b:c"), None);
        assert_eq!(import_parts(""), None);
    }
}
