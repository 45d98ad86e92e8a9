//! aws_lambda_provisioned_concurrency_config: execution environments kept warm for a version or
//! alias of a function (a create or change waits until Lambda has them ready), and
//! aws_lambda_function_recursion_config: whether Lambda stops a function caught in a recursive
//! loop.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_lambda::types::{ProvisionedConcurrencyStatusEnum, RecursiveLoop};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct ProvisionedConcurrency;

/// How long a create or change may take to allocate the environments (the AWS provider's
/// default timeout).
const ALLOCATE: Duration = Duration::from_secs(15 * 60);

fn target(value: &Value) -> Option<(String, String)> {
    Some((
        sref(value, "function_name")?.to_string(),
        sref(value, "qualifier")?.to_string(),
    ))
}

impl ProvisionedConcurrency {
    fn fetch(&self, ctx: &Ctx, function: &str, qualifier: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Lambda Provisioned Concurrency Config ({function},{qualifier})"),
            ctx.lambda
                .get_provisioned_concurrency_config()
                .function_name(function)
                .qualifier(qualifier)
                .send(),
        ))?;
        Ok(out.map(|o| {
            let mut st: State = into_state(prior);
            st.put("id", format!("{function},{qualifier}"));
            st.put("function_name", function);
            st.put("qualifier", qualifier);
            st.put(
                "provisioned_concurrent_executions",
                o.requested_provisioned_concurrent_executions().map(i64::from),
            );
            if st.get("skip_destroy").is_none_or(Value::is_null) {
                st.put("skip_destroy", false);
            }
            finish(&self.schema(), st)
        }))
    }

    /// Puts the number and waits until Lambda has the environments ready.
    fn put(
        &self,
        ctx: &Ctx,
        planned: &Value,
        function: &str,
        qualifier: &str,
        step: &Step<'_>,
    ) -> Result<(), ProviderError> {
        let id = format!("{function},{qualifier}");
        let count = planned.get("provisioned_concurrent_executions").as_f64().unwrap_or(0.0) as i32;
        call(
            ctx,
            &format!("putting Lambda Provisioned Concurrency Config ({id})"),
            ctx.lambda
                .put_provisioned_concurrency_config()
                .function_name(function)
                .qualifier(qualifier)
                .provisioned_concurrent_executions(count)
                .send(),
        )?;
        Waiter::new(
            format!("Lambda Provisioned Concurrency Config ({id}) to be ready"),
            ALLOCATE,
        )
        .progress(step.progress)
        .wait(|| {
            let out = call(
                ctx,
                &format!("reading Lambda Provisioned Concurrency Config ({id})"),
                ctx.lambda
                    .get_provisioned_concurrency_config()
                    .function_name(function)
                    .qualifier(qualifier)
                    .send(),
            )?;
            Ok(match out.status() {
                Some(ProvisionedConcurrencyStatusEnum::Ready) => Poll::Ready(()),
                Some(ProvisionedConcurrencyStatusEnum::Failed) => {
                    return Err(ProviderError::new(
                        "ProvisionedConcurrencyFailed",
                        format!(
                            "Lambda could not provision concurrency for {id}: {}",
                            out.status_reason().unwrap_or("no reason given")
                        ),
                    ))
                }
                other => Poll::Pending(
                    other
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_else(|| "allocating".into()),
                ),
            })
        })
    }
}

impl ResourceType for ProvisionedConcurrency {
    fn type_name(&self) -> &'static str {
        "aws_lambda_provisioned_concurrency_config"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("function_name", Attribute::required(Type::String).force_new())
            .attr("qualifier", Attribute::required(Type::String).force_new())
            .attr("provisioned_concurrent_executions", Attribute::required(Type::Number))
            .attr("skip_destroy", Attribute::optional_computed(Type::Bool))
            .not_yet(
                "timeouts",
                "infinstor waits up to 15 minutes for the environments to be ready; leave timeouts out.",
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let n = config.get("provisioned_concurrent_executions").as_f64();
        if n.is_some_and(|n| n < 1.0 || n.fract() != 0.0) {
            return vec![problem(
                "provisioned_concurrent_executions",
                "provisioned_concurrent_executions is a whole number, 1 or more",
            )];
        }
        Vec::new()
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st.get("skip_destroy").is_none_or(|v| v.is_null() || v.is_unknown()) {
            st.insert("skip_destroy".into(), Value::Bool(false));
        }
        let id = match target(&proposed) {
            Some((f, q)) => Value::string(format!("{f},{q}")),
            None => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((function, qualifier)) = target(planned) else {
            return ApplyOutcome::failed(invalid(
                "creating Lambda Provisioned Concurrency Config: function_name and qualifier must be known",
            ));
        };
        (step.intent)(&format!("{function},{qualifier}"));
        if let Err(e) = self.put(ctx, planned, &function, &qualifier, step) {
            return ApplyOutcome::failed(e);
        }
        let id = format!("{function},{qualifier}");
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.fetch(ctx, &function, &qualifier, planned),
            crate::support::attrs::gone_after_create(format!(
                "Lambda Provisioned Concurrency Config ({id}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((function, qualifier)) = target(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Lambda Provisioned Concurrency Config: no function_name in state"),
            );
        };
        let result =
            if prior.get("provisioned_concurrent_executions") != planned.get("provisioned_concurrent_executions") {
                self.put(ctx, planned, &function, &qualifier, step)
            } else {
                Ok(())
            };
        let id = format!("{function},{qualifier}");
        update_outcome(prior, result, self.fetch(ctx, &function, &qualifier, planned), || {
            ProviderError::new(
                "ProvisionedConcurrencyConfigNotFoundException",
                format!("Lambda Provisioned Concurrency Config ({id}) is gone"),
            )
        })
    }

    /// With `skip_destroy`, the environments stay and only the state forgets them.
    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((function, qualifier)) = target(prior) else {
            return Ok(());
        };
        if prior.get("skip_destroy") == Value::Bool(true) {
            return Ok(());
        }
        found(call(
            ctx,
            &format!("deleting Lambda Provisioned Concurrency Config ({function},{qualifier})"),
            ctx.lambda
                .delete_provisioned_concurrency_config()
                .function_name(&function)
                .qualifier(&qualifier)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match target(prior) {
            Some((function, qualifier)) => self.fetch(ctx, &function, &qualifier, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `FUNCTION_NAME,QUALIFIER` (or, as the AWS provider before version 5 wrote it,
    /// `FUNCTION_NAME:QUALIFIER`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((function, qualifier)) = concurrency_import_parts(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_lambda_provisioned_concurrency_config: write it as FUNCTION_NAME,QUALIFIER"),
            ));
        };
        self.fetch(ctx, function, qualifier, &map([("skip_destroy", Value::Bool(false))]))
    }
}

/// (function, qualifier) of a provisioned concurrency import ID.
fn concurrency_import_parts(id: &str) -> Option<(&str, &str)> {
    let (function, qualifier) = match id.split_once(',') {
        Some(parts) => parts,
        None if !id.starts_with("arn:") => id.split_once(':')?,
        None => id.rsplit_once(':')?,
    };
    (!function.is_empty() && !qualifier.is_empty() && !qualifier.contains([',', ':'])).then_some((function, qualifier))
}

pub(super) struct RecursionConfig;

impl RecursionConfig {
    fn fetch(&self, ctx: &Ctx, function: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading Lambda Function Recursion Config ({function})"),
            ctx.lambda
                .get_function_recursion_config()
                .function_name(function)
                .send(),
        ))?;
        Ok(out.map(|o| {
            let mut st: State = into_state(prior);
            st.put("function_name", function);
            st.put("recursive_loop", o.recursive_loop().map(|r| r.as_str().to_string()));
            finish(&self.schema(), st)
        }))
    }

    fn put(&self, ctx: &Ctx, function: &str, setting: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("putting Lambda Function Recursion Config ({function})"),
            ctx.lambda
                .put_function_recursion_config()
                .function_name(function)
                .recursive_loop(RecursiveLoop::from(setting))
                .send(),
        )
        .map(drop)
    }
}

impl ResourceType for RecursionConfig {
    fn type_name(&self) -> &'static str {
        "aws_lambda_function_recursion_config"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("function_name", Attribute::required(Type::String).force_new())
            .attr("recursive_loop", Attribute::required(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match sref(config, "recursive_loop") {
            Some(v) if !["Allow", "Terminate"].contains(&v) => {
                vec![problem("recursive_loop", "recursive_loop is Allow or Terminate")]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        Ok((proposed, Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(function), Some(setting)) = (sref(planned, "function_name"), sref(planned, "recursive_loop")) else {
            return ApplyOutcome::failed(invalid(
                "creating Lambda Function Recursion Config: function_name and recursive_loop must be known",
            ));
        };
        (step.intent)(function);
        if let Err(e) = self.put(ctx, function, setting) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, function, planned),
            crate::support::attrs::gone_after_create(format!(
                "Lambda Function Recursion Config ({function}) is gone after its create"
            )),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let function = sref(prior, "function_name").unwrap_or_default().to_string();
        let result = self.put(ctx, &function, sref(planned, "recursive_loop").unwrap_or("Terminate"));
        update_outcome(prior, result, self.fetch(ctx, &function, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Lambda Function Recursion Config ({function}) is gone"),
            )
        })
    }

    /// Lambda keeps a recursion setting for every function: a destroy puts back its default,
    /// Terminate, as the AWS provider does.
    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(function) = sref(prior, "function_name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("resetting Lambda Function Recursion Config ({function})"),
            ctx.lambda
                .put_function_recursion_config()
                .function_name(function)
                .recursive_loop(RecursiveLoop::Terminate)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "function_name") {
            Some(function) => self.fetch(ctx, function, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the function's name.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if id.is_empty() || id.contains(',') {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_lambda_function_recursion_config: write it as FUNCTION_NAME"),
            ));
        }
        self.fetch(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::{concurrency_import_parts, ProvisionedConcurrency, RecursionConfig};
    use crate::replay::{ctx, sent, Answer};
    use crate::resource::{ResourceType, Step};
    use engine::core::value::{map, Value};

    fn concurrency(requested: i64, status: &str) -> Answer {
        Answer::json(
            200,
            serde_json::json!({
                "RequestedProvisionedConcurrentExecutions": requested,
                "AvailableProvisionedConcurrentExecutions": if status == "READY" { requested } else { 0 },
                "AllocatedProvisionedConcurrentExecutions": if status == "READY" { requested } else { 0 },
                "Status": status,
                "LastModified": "2026-12-07T12:00:00+0000",
            }),
        )
    }

    fn config(n: i64) -> Value {
        map([
            ("function_name", Value::from("worker")),
            ("qualifier", Value::from("live")),
            ("provisioned_concurrent_executions", Value::from(n)),
        ])
    }

    /// The emulator has no provisioned concurrency: a create waits while Lambda allocates, a
    /// change puts the new number and waits again, a destroy deletes it (unless
    /// `skip_destroy`), on Lambda's documented answers.
    #[test]
    fn provisioned_concurrency_is_waited_for_changed_and_deleted() {
        let (ctx, replay) = ctx(vec![
            concurrency(2, "IN_PROGRESS"),
            concurrency(2, "IN_PROGRESS"),
            concurrency(2, "READY"),
            concurrency(2, "READY"),
            concurrency(4, "IN_PROGRESS"),
            concurrency(4, "READY"),
            concurrency(4, "READY"),
            Answer::json(204, serde_json::json!({})),
        ]);
        let kind = ProvisionedConcurrency;
        let (planned, _) = kind.plan(&ctx, None, config(2)).expect("plan");
        assert_eq!(planned.get("id"), Value::from("worker,live"));
        assert_eq!(planned.get("skip_destroy"), Value::Bool(false));
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(state.get("provisioned_concurrent_executions"), Value::from(2i64));
        let (planned, replace) = kind.plan(&ctx, Some(&state), config(4)).expect("plan");
        assert!(replace.is_empty());
        let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        assert_eq!(
            updated.expect("state").get("provisioned_concurrent_executions"),
            Value::from(4i64)
        );
        kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
        let mut kept = state.clone();
        if let Value::Map(m) = &mut kept {
            m.insert("skip_destroy".into(), Value::Bool(true));
        }
        kind.delete(&ctx, &kept, &Step::QUIET)
            .expect("skip_destroy sends nothing");
        let requests = sent(&replay);
        assert_eq!(requests.len(), 8, "{requests:?}");
        assert_eq!(requests[0].0, "PUT");
        assert!(
            requests[0]
                .1
                .ends_with("/2019-09-30/functions/worker/provisioned-concurrency?Qualifier=live"),
            "{:?}",
            requests[0]
        );
        assert_eq!(requests[0].2, r#"{"ProvisionedConcurrentExecutions":2}"#);
        assert_eq!(requests[4].2, r#"{"ProvisionedConcurrentExecutions":4}"#);
        assert_eq!(requests[7].0, "DELETE");
    }

    #[test]
    fn provisioned_concurrency_import_ids() {
        assert_eq!(concurrency_import_parts("worker,live"), Some(("worker", "live")));
        assert_eq!(concurrency_import_parts("worker:live"), Some(("worker", "live")));
        let arn = "arn:aws:lambda:us-east-1:123456789012:function:worker";
        assert_eq!(concurrency_import_parts(&format!("{arn},3")), Some((arn, "3")));
        assert_eq!(concurrency_import_parts("worker"), None);
        assert_eq!(concurrency_import_parts("worker,"), None);
    }

    /// Nor has it the recursion setting: put, changed, and put back to Terminate on destroy.
    #[test]
    fn the_recursion_setting_is_put_changed_and_reset() {
        let setting = |v: &str| Answer::json(200, serde_json::json!({"RecursiveLoop": v}));
        let (ctx, replay) = ctx(vec![
            setting("Allow"),
            setting("Allow"),
            setting("Terminate"),
            setting("Terminate"),
            setting("Terminate"),
        ]);
        let kind = RecursionConfig;
        let config = |v: &str| {
            map([
                ("function_name", Value::from("worker")),
                ("recursive_loop", Value::from(v)),
            ])
        };
        let (planned, _) = kind.plan(&ctx, None, config("Allow")).expect("plan");
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(state.get("recursive_loop"), Value::from("Allow"));
        let (updated, error) = kind
            .update(&ctx, &state, &config("Terminate"), &Step::QUIET)
            .into_parts();
        assert!(error.is_none(), "{error:?}");
        assert_eq!(updated.expect("state").get("recursive_loop"), Value::from("Terminate"));
        kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
        let requests = sent(&replay);
        assert!(
            requests[0].1.ends_with("/2024-08-31/functions/worker/recursion-config"),
            "{:?}",
            requests[0]
        );
        assert_eq!(requests[0].2, r#"{"RecursiveLoop":"Allow"}"#);
        assert_eq!(requests[2].2, r#"{"RecursiveLoop":"Terminate"}"#);
        assert_eq!(
            (requests[4].0.as_str(), requests[4].2.as_str()),
            ("PUT", r#"{"RecursiveLoop":"Terminate"}"#)
        );
        assert!(kind
            .validate(&config("Sometimes"))
            .iter()
            .any(|p| p.message.contains("Allow or Terminate")));
    }
}
