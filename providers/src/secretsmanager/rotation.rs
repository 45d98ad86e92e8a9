//! aws_secretsmanager_secret_rotation: a secret rotated by a Lambda function on a schedule
//! (every N days, or a cron or rate expression, within a window).

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, invalid, problem, sref, Put, State,
};
use crate::support::error::found;
use crate::support::naming::intent_token;
use crate::support::wait::Waiter;
use aws_sdk_secretsmanager::types::RotationRulesType;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct SecretRotation;

fn rules(planned: &Value) -> RotationRulesType {
    let r = first_block(planned, "rotation_rules");
    RotationRulesType::builder()
        .set_automatically_after_days(
            r.get("automatically_after_days")
                .as_f64()
                .map(|n| n as i64)
                .filter(|n| *n != 0),
        )
        .set_duration(sref(&r, "duration").filter(|d| !d.is_empty()).map(str::to_string))
        .set_schedule_expression(
            sref(&r, "schedule_expression")
                .filter(|s| !s.is_empty())
                .map(str::to_string),
        )
        .build()
}

impl SecretRotation {
    fn fetch(&self, ctx: &Ctx, secret: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading Secrets Manager Secret rotation ({secret})"),
            ctx.secretsmanager.describe_secret().secret_id(secret).send(),
        ))?
        else {
            return Ok(None);
        };
        if out.deleted_date().is_some() {
            return Ok(None);
        }
        let arn = out.arn().unwrap_or(secret);
        let mut st: State = into_state(prior);
        st.put("id", arn);
        // As in the AWS provider, the secret is named by its ARN once read.
        st.put("secret_id", arn);
        let enabled = out.rotation_enabled().unwrap_or(false);
        st.put("rotation_enabled", enabled);
        if enabled {
            st.put("rotation_lambda_arn", out.rotation_lambda_arn().unwrap_or_default());
            let rules = out.rotation_rules().map(|r| {
                // AWS reports the days a schedule works out to as well: they stay out, as the
                // two cannot both be configured.
                let days = r
                    .automatically_after_days()
                    .filter(|_| r.schedule_expression().is_none());
                map([
                    ("automatically_after_days", Value::from(days.unwrap_or(0))),
                    ("duration", Value::string(r.duration().unwrap_or_default())),
                    (
                        "schedule_expression",
                        Value::string(r.schedule_expression().unwrap_or_default()),
                    ),
                ])
            });
            st.put(
                "rotation_rules",
                Value::List(rules.into_iter().collect::<Vec<_>>().into()),
            );
        } else {
            st.put("rotation_lambda_arn", "");
            st.put("rotation_rules", Value::List(Vec::new().into()));
        }
        Ok(Some(finish(&self.schema(), st)))
    }

    fn rotate(&self, ctx: &Ctx, planned: &Value) -> Result<String, ProviderError> {
        let Some(secret) = sref(planned, "secret_id") else {
            return Err(invalid("rotating a Secrets Manager Secret: secret_id must be known"));
        };
        let op = format!("rotating Secrets Manager Secret ({secret})");
        // A token per request, so that the SDK's retries of one request are one rotation.
        let token = format!("terraform-{}", intent_token(&[secret]));
        // Secrets Manager cannot invoke a function whose permission was granted a moment ago
        // until it propagates; the AWS provider tries again meanwhile.
        Waiter::new(op.clone(), Duration::from_secs(120)).retry(
            |e| e.code == "AccessDeniedException",
            || {
                call(
                    ctx,
                    &op,
                    ctx.secretsmanager
                        .rotate_secret()
                        .secret_id(secret)
                        .client_request_token(&token)
                        .rotate_immediately(planned.get("rotate_immediately").as_bool().unwrap_or(true))
                        .set_rotation_lambda_arn(
                            sref(planned, "rotation_lambda_arn")
                                .filter(|a| !a.is_empty())
                                .map(str::to_string),
                        )
                        .rotation_rules(rules(planned))
                        .send(),
                )
                .map(|o| o.arn().unwrap_or(secret).to_string())
            },
        )
    }
}

impl ResourceType for SecretRotation {
    fn type_name(&self) -> &'static str {
        "aws_secretsmanager_secret_rotation"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(1)
            .attr("secret_id", Attribute::required(Type::String).force_new())
            .attr("rotation_lambda_arn", Attribute::optional(Type::String))
            .attr("rotate_immediately", Attribute::optional(Type::Bool))
            .attr("rotation_enabled", Attribute::computed(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
            .block_min(
                "rotation_rules",
                Nesting::Single,
                Schema::new()
                    .attr("automatically_after_days", Attribute::optional(Type::Number))
                    .attr("duration", Attribute::optional(Type::String))
                    .attr("schedule_expression", Attribute::optional(Type::String)),
                1,
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut problems = Vec::new();
        let r = first_block(config, "rotation_rules");
        if r.is_null() || r.is_unknown() {
            return problems;
        }
        let days = r.get("automatically_after_days");
        let schedule = r.get("schedule_expression");
        let given = |v: &Value| !v.is_null();
        if given(&days) == given(&schedule) && !days.is_unknown() && !schedule.is_unknown() {
            problems.push(problem(
                "rotation_rules",
                "give exactly one of automatically_after_days and schedule_expression",
            ));
        }
        if days.as_f64().is_some_and(|d| !(1.0..=1000.0).contains(&d)) {
            problems.push(problem("rotation_rules.automatically_after_days", "1 to 1000 days"));
        }
        if sref(&r, "duration").is_some_and(|d| !d.chars().all(|c| c.is_ascii_digit() || c == 'h')) {
            problems.push(problem("rotation_rules.duration", "a window in hours, such as \"3h\""));
        }
        problems
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        // Never read back, it is null after an import, which `false` means too (as in the
        // AWS provider: no change); left out, it is the default `true`.
        match (
            proposed.get("rotate_immediately").as_bool(),
            prior.map(|p| p.get("rotate_immediately")),
        ) {
            (None, _) => st.put("rotate_immediately", true),
            (Some(false), Some(Value::Null)) => st.put("rotate_immediately", Value::Null),
            _ => {}
        }
        if proposed.get("rotation_lambda_arn").is_null() {
            st.put("rotation_lambda_arn", "");
        }
        let rules: Vec<Value> = crate::support::attrs::block_items(&proposed, "rotation_rules")
            .iter()
            .map(|r| {
                let mut m = into_state(r);
                for (key, zero) in [
                    ("automatically_after_days", Value::from(0i64)),
                    ("duration", Value::string("")),
                    ("schedule_expression", Value::string("")),
                ] {
                    if m.get(key).is_none_or(Value::is_null) {
                        m.put(key, zero);
                    }
                }
                Value::Map(m.into())
            })
            .collect();
        if !rules.is_empty() {
            st.put("rotation_rules", Value::List(rules.into()));
        }
        match prior {
            None => {
                st.put("id", Value::UNKNOWN);
                st.put("rotation_enabled", Value::UNKNOWN);
            }
            Some(p) => {
                if p.get("rotation_rules") != st.get("rotation_rules").cloned().unwrap_or(Value::Null)
                    || p.get("rotation_lambda_arn") != st.get("rotation_lambda_arn").cloned().unwrap_or(Value::Null)
                {
                    st.put("rotation_enabled", Value::UNKNOWN);
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let secret = sref(planned, "secret_id").unwrap_or_default().to_string();
        // Rotating twice is harmless: an interrupted create is taken up by the secret's ID.
        (step.intent)(&secret);
        let arn = match self.rotate(ctx, planned) {
            Ok(arn) => arn,
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&arn))],
            self.fetch(ctx, &arn, planned),
            crate::support::attrs::gone_after_create(format!("Secrets Manager Secret ({arn}) is gone")),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id") else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating a secret rotation: the prior state has no id"),
            );
        };
        // Only the function and the rules reach AWS; `rotate_immediately` applies to the
        // next rotation asked for.
        let changed = ["rotation_lambda_arn", "rotation_rules"]
            .iter()
            .any(|k| prior.get(k) != planned.get(k));
        let result = if changed {
            self.rotate(ctx, planned).map(drop)
        } else {
            Ok(())
        };
        update_outcome(prior, result, self.fetch(ctx, id, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("Secrets Manager Secret ({id}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(secret) = sref(prior, "secret_id").or(sref(prior, "id")) else {
            return Ok(());
        };
        call(
            ctx,
            &format!("cancelling the rotation of Secrets Manager Secret ({secret})"),
            ctx.secretsmanager.cancel_rotate_secret().secret_id(secret).send(),
        )
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "id") {
            Some(id) => self.fetch(ctx, id, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the secret's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        // The rotation of a secret whose rotation is off is not there to import.
        Ok(self
            .fetch(ctx, id, &Value::Null)?
            .filter(|s| s.get("rotation_enabled").as_bool() == Some(true)))
    }
}
