//! aws_lambda_permission: one statement of a function's resource policy (who may invoke it).
//! Every argument replaces it, as in the AWS provider; it is read back from the policy by its
//! statement ID.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::naming::{check_names, prefix_of, prefixed_unique_id};
use crate::support::wait::{Poll, Waiter};
use aws_sdk_lambda::types::FunctionUrlAuthType;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct Permission;

/// The AWS provider's wait for a policy change to show, and for a function made a moment before.
const PROPAGATION: Duration = Duration::from_secs(300);

/// One statement of the policy, found by its ID.
fn statement(
    ctx: &Ctx,
    function: &str,
    qualifier: Option<&str>,
    sid: &str,
) -> Result<Option<serde_json::Value>, ProviderError> {
    let Some(out) = found(call(
        ctx,
        &format!("reading the policy of Lambda Function ({function})"),
        ctx.lambda
            .get_policy()
            .function_name(function)
            .set_qualifier(qualifier.map(str::to_string))
            .send(),
    ))?
    else {
        return Ok(None);
    };
    let policy: serde_json::Value = serde_json::from_str(out.policy().unwrap_or("{}")).map_err(|e| {
        ProviderError::new(
            "InvalidPolicy",
            format!("the policy of Lambda Function ({function}) is not JSON: {e}"),
        )
    })?;
    let list = match &policy["Statement"] {
        serde_json::Value::Array(items) => items.clone(),
        other if other.is_object() => vec![other.clone()],
        _ => Vec::new(),
    };
    Ok(list.into_iter().find(|s| s["Sid"] == sid))
}

/// Whether the principal as configured and as Lambda writes it back are one: an account ID
/// comes back as its root ARN.
fn same_principal(configured: &str, read: &str) -> bool {
    configured == read || read.strip_prefix("arn:aws:iam::").and_then(|r| r.strip_suffix(":root")) == Some(configured)
}

impl Permission {
    fn fetch(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(function), Some(sid)) = (sref(prior, "function_name"), sref(prior, "statement_id")) else {
            return Ok(None);
        };
        let qualifier = sref(prior, "qualifier").filter(|q| !q.is_empty());
        let Some(s) = statement(ctx, function, qualifier, sid)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", sid);
        st.put("statement_id", sid);
        if sref(prior, "statement_id_prefix").is_none() {
            st.put("statement_id_prefix", prefix_of(sid));
        }
        st.put("action", s["Action"].as_str());
        let principal = match &s["Principal"] {
            serde_json::Value::String(p) => Some(p.clone()),
            serde_json::Value::Object(m) => m
                .get("AWS")
                .or_else(|| m.get("Service"))
                .and_then(|p| p.as_str())
                .map(str::to_string),
            _ => None,
        };
        let principal = match (sref(prior, "principal"), principal) {
            (Some(c), Some(r)) if same_principal(c, &r) => Some(c.to_string()),
            (_, r) => r,
        };
        st.put("principal", principal);
        let condition = |kind: &str, key: &str| s["Condition"][kind][key].as_str().map(str::to_string);
        st.put("source_account", condition("StringEquals", "AWS:SourceAccount"));
        st.put(
            "event_source_token",
            condition("StringEquals", "lambda:EventSourceToken"),
        );
        st.put("principal_org_id", condition("StringEquals", "aws:PrincipalOrgID"));
        st.put(
            "function_url_auth_type",
            condition("StringEquals", "lambda:FunctionUrlAuthType"),
        );
        st.put("source_arn", condition("ArnLike", "AWS:SourceArn"));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for Permission {
    fn type_name(&self) -> &'static str {
        "aws_lambda_permission"
    }

    fn schema(&self) -> Schema {
        let arg = |required: bool| {
            if required {
                Attribute::required(Type::String).force_new()
            } else {
                Attribute::optional(Type::String).force_new()
            }
        };
        Schema::new()
            .attr("action", arg(true))
            .attr("function_name", arg(true))
            .attr("principal", arg(true))
            .attr("event_source_token", arg(false))
            .attr(
                "function_url_auth_type",
                Attribute::optional(Type::String)
                    .force_new()
                    .one_of(&["AWS_IAM", "NONE"]),
            )
            .attr("principal_org_id", arg(false))
            .attr("qualifier", arg(false))
            .attr("source_account", arg(false))
            .attr("source_arn", arg(false))
            .attr("statement_id", Attribute::optional_computed(Type::String).force_new())
            .attr(
                "statement_id_prefix",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let names = map([
            ("name", config.get("statement_id")),
            ("name_prefix", config.get("statement_id_prefix")),
        ]);
        let mut out: Vec<ValidateProblem> = check_names(&names, 100)
            .into_iter()
            .map(|p| {
                problem(
                    "statement_id",
                    p.message
                        .replace("name_prefix", "statement_id_prefix")
                        .replace("\"name\"", "\"statement_id\""),
                )
            })
            .collect();
        if let Some(action) = sref(config, "action") {
            let ok = action == "*"
                || action == "lambda:*"
                || action
                    .strip_prefix("lambda:")
                    .is_some_and(|a| !a.is_empty() && a.chars().all(|c| c.is_ascii_alphabetic()));
            if !ok {
                out.push(problem(
                    "action",
                    "action is lambda:ACTION (lambda:InvokeFunction), lambda:* or *",
                ));
            }
        }
        for key in ["statement_id", "statement_id_prefix"] {
            if sref(config, key).is_some_and(|s| !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            {
                out.push(problem(key, format!("{key} holds only letters, digits, '-' and '_'")));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let sid = match (sref(&proposed, "statement_id"), prior) {
            (Some(s), _) => Value::string(s),
            (None, Some(p)) => p.get("statement_id"),
            (None, None) => Value::UNKNOWN,
        };
        if proposed.get("statement_id_prefix").is_null() {
            st.insert(
                "statement_id_prefix".into(),
                match (sref(&proposed, "statement_id"), prior) {
                    (Some(s), _) => prefix_of(s).into(),
                    (None, Some(p)) => p.get("statement_id_prefix"),
                    (None, None) => Value::string("terraform-"),
                },
            );
        }
        st.insert("statement_id".into(), sid.clone());
        st.insert("id".into(), sid);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(function), Some(action), Some(principal)) = (
            sref(planned, "function_name"),
            sref(planned, "action"),
            sref(planned, "principal"),
        ) else {
            return ApplyOutcome::failed(invalid(
                "creating Lambda Permission: function_name, action and principal must be known",
            ));
        };
        let sid = match sref(planned, "statement_id") {
            Some(s) => s.to_string(),
            None => prefixed_unique_id(sref(planned, "statement_id_prefix").unwrap_or("terraform-")),
        };
        (step.intent)(&format!("{function}/{sid}"));
        let op = format!("adding Lambda Permission ({sid}) to {function}");
        let text = |k: &str| sref(planned, k).map(str::to_string);
        // Another statement being added at the same moment, or a function made a moment before.
        let added = Waiter::new(op.clone(), PROPAGATION).retry(
            |e| e.code == "ResourceConflictException" || e.code == "ResourceNotFoundException",
            || {
                call(
                    ctx,
                    &op,
                    ctx.lambda
                        .add_permission()
                        .function_name(function)
                        .statement_id(&sid)
                        .action(action)
                        .principal(principal)
                        .set_event_source_token(text("event_source_token"))
                        .set_function_url_auth_type(
                            sref(planned, "function_url_auth_type").map(FunctionUrlAuthType::from),
                        )
                        .set_principal_org_id(text("principal_org_id"))
                        .set_qualifier(text("qualifier"))
                        .set_source_account(text("source_account"))
                        .set_source_arn(text("source_arn"))
                        .send(),
                )
                .map(drop)
            },
        );
        if let Err(e) = added {
            return ApplyOutcome::failed(e);
        }
        let mut st = into_state(planned);
        st.put("statement_id", sid.as_str());
        st.put("id", sid.as_str());
        let prior = Value::Map(st.into());
        created_outcome(
            &self.schema(),
            &prior,
            &[("id", Value::string(&sid))],
            self.fetch(ctx, &prior),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("Lambda Permission ({sid}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, _planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument replaces the permission: an update has nothing to do.
        ApplyOutcome::Done(prior.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(function), Some(sid)) = (sref(prior, "function_name"), sref(prior, "statement_id")) else {
            return Ok(());
        };
        let qualifier = sref(prior, "qualifier").filter(|q| !q.is_empty());
        found(call(
            ctx,
            &format!("removing Lambda Permission ({sid}) from {function}"),
            ctx.lambda
                .remove_permission()
                .function_name(function)
                .statement_id(sid)
                .set_qualifier(qualifier.map(str::to_string))
                .send(),
        ))?;
        Waiter::new(format!("Lambda Permission ({sid}) to be removed"), PROPAGATION)
            .progress(step.progress)
            .wait(|| {
                Ok(match statement(ctx, function, qualifier, sid)? {
                    Some(_) => Poll::Pending("still in the policy".into()),
                    None => Poll::Ready(()),
                })
            })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, prior)
    }

    /// Import ID: `FUNCTION_NAME/STATEMENT_ID`, or `FUNCTION_NAME:QUALIFIER/STATEMENT_ID`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((function, sid)) = id.split_once('/').filter(|(f, s)| !f.is_empty() && !s.is_empty()) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_lambda_permission: write it as FUNCTION_NAME/STATEMENT_ID or FUNCTION_NAME:QUALIFIER/STATEMENT_ID"),
            ));
        };
        let (name, qualifier) = match function.split_once(':').filter(|_| !function.starts_with("arn:")) {
            Some((n, q)) => (n, Some(q)),
            None => (function, None),
        };
        let prior = map([
            ("function_name", Value::string(super::function_name_of(name))),
            ("statement_id", Value::string(sid)),
            ("qualifier", qualifier.map(Value::string).unwrap_or(Value::Null)),
        ]);
        self.fetch(ctx, &prior)
    }
}
