//! aws_sns_topic_subscription: an endpoint subscribed to a topic, with its delivery settings.
//! A subscription that waits for its endpoint to confirm it (email, HTTP) is recorded with
//! `pending_confirmation`; as in the AWS provider, destroying one that was never confirmed only
//! forgets it, since SNS cannot unsubscribe it.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attribute_map::{Field, Fields, Kind};
use crate::support::attrs::{call, created_outcome, finish, into_state, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::wait::{Poll, Waiter};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

pub(super) struct Subscription;

/// The subscription's arguments that are SNS attributes.
const FIELDS: Fields = Fields(&[
    Field::new("raw_message_delivery", "RawMessageDelivery", Kind::Flag).default("false"),
    Field::new("filter_policy", "FilterPolicy", Kind::Json),
    Field::new("filter_policy_scope", "FilterPolicyScope", Kind::Text).computed(),
    Field::new("delivery_policy", "DeliveryPolicy", Kind::Json),
    Field::new("redrive_policy", "RedrivePolicy", Kind::Json),
    Field::new("replay_policy", "ReplayPolicy", Kind::Json),
    Field::new("subscription_role_arn", "SubscriptionRoleArn", Kind::Text),
]);

/// The protocols SNS delivers to.
const PROTOCOLS: [&str; 9] = [
    "application",
    "email",
    "email-json",
    "firehose",
    "http",
    "https",
    "lambda",
    "sms",
    "sqs",
];

/// What SNS answers for the ARN of a subscription its endpoint has not confirmed.
fn is_pending(arn: &str) -> bool {
    arn.eq_ignore_ascii_case("pending confirmation") || !arn.starts_with("arn:")
}

impl Subscription {
    fn attributes(&self, ctx: &Ctx, arn: &str) -> Result<Option<BTreeMap<String, String>>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading SNS Topic Subscription ({arn})"),
            ctx.sns.get_subscription_attributes().subscription_arn(arn).send(),
        ))?;
        Ok(out.map(|o| {
            o.attributes()
                .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                .unwrap_or_default()
        }))
    }

    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(aws) = self.attributes(ctx, arn)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        FIELDS.read(&aws, prior, &mut st);
        st.put("arn", arn);
        st.put("id", arn);
        for (key, aws_name) in [
            ("topic_arn", "TopicArn"),
            ("protocol", "Protocol"),
            ("endpoint", "Endpoint"),
        ] {
            if let Some(v) = aws.get(aws_name) {
                st.put(key, v.as_str());
            }
        }
        st.put("owner_id", aws.get("Owner").map(String::as_str));
        let flag = |k: &str| Value::Bool(aws.get(k).is_some_and(|v| v == "true"));
        st.put("pending_confirmation", flag("PendingConfirmation"));
        st.put("confirmation_was_authenticated", flag("ConfirmationWasAuthenticated"));
        for (key, default) in [
            ("endpoint_auto_confirms", Value::Bool(false)),
            ("confirmation_timeout_in_minutes", Value::from(1i64)),
        ] {
            if st.get(key).is_none_or(Value::is_null) {
                st.insert(key.to_string(), default);
            }
        }
        Ok(Some(finish(&self.schema(), st)))
    }

    /// The ARN of a subscription SNS answered "pending confirmation" for, once its endpoint
    /// confirms it (an HTTP endpoint that confirms itself), within the configured minutes.
    fn wait_confirmed(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> Result<Option<String>, ProviderError> {
        let (Some(topic), Some(endpoint)) = (sref(planned, "topic_arn"), sref(planned, "endpoint")) else {
            return Ok(None);
        };
        let minutes = planned
            .get("confirmation_timeout_in_minutes")
            .as_f64()
            .unwrap_or(1.0)
            .max(0.0);
        Waiter::new(
            format!("{endpoint} to confirm its subscription to SNS Topic ({topic})"),
            Duration::from_secs_f64(minutes * 60.0),
        )
        .progress(step.progress)
        .wait(|| {
            let out = call(
                ctx,
                &format!("listing the subscriptions of SNS Topic ({topic})"),
                ctx.sns.list_subscriptions_by_topic().topic_arn(topic).send(),
            )?;
            let confirmed = out
                .subscriptions()
                .iter()
                .filter(|s| s.endpoint() == Some(endpoint))
                .filter_map(|s| s.subscription_arn())
                .find(|a| !is_pending(a))
                .map(str::to_string);
            Ok(match confirmed {
                Some(arn) => Poll::Ready(Some(arn)),
                None => Poll::Pending("pending confirmation".to_string()),
            })
        })
    }
}

impl ResourceType for Subscription {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic_subscription"
    }

    fn schema(&self) -> Schema {
        FIELDS.schema(
            Schema::new()
                .attr("topic_arn", Attribute::required(Type::String).force_new())
                .attr(
                    "protocol",
                    Attribute::required(Type::String).force_new().one_of(&PROTOCOLS),
                )
                .attr("endpoint", Attribute::required(Type::String).force_new())
                .attr("endpoint_auto_confirms", Attribute::optional_computed(Type::Bool))
                .attr(
                    "confirmation_timeout_in_minutes",
                    Attribute::optional_computed(Type::Number),
                )
                .attr("arn", Attribute::computed(Type::String))
                .attr("id", Attribute::computed(Type::String))
                .attr("owner_id", Attribute::computed(Type::String))
                .attr("pending_confirmation", Attribute::computed(Type::Bool))
                .attr("confirmation_was_authenticated", Attribute::computed(Type::Bool)),
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let protocol = config.get("protocol");
        if protocol.as_str() == Some("firehose") && config.get("subscription_role_arn").is_null() {
            out.push(problem(
                "subscription_role_arn",
                "a firehose subscription needs subscription_role_arn: the role SNS assumes to write to the stream",
            ));
        }
        if let Some(scope) = config.get("filter_policy_scope").as_str() {
            if scope != "MessageAttributes" && scope != "MessageBody" {
                out.push(problem(
                    "filter_policy_scope",
                    format!("filter_policy_scope is \"MessageAttributes\" or \"MessageBody\", not {scope:?}"),
                ));
            }
        }
        if let (Some("sqs" | "lambda" | "firehose"), Some(endpoint)) =
            (protocol.as_str(), config.get("endpoint").as_str())
        {
            if !endpoint.starts_with("arn:") {
                out.push(problem(
                    "endpoint",
                    format!(
                        "the endpoint of a {} subscription is an ARN (of the queue, not its URL), not {endpoint:?}",
                        protocol.as_str().unwrap_or_default()
                    ),
                ));
            }
        }
        for name in ["filter_policy", "delivery_policy", "redrive_policy", "replay_policy"] {
            if let Some(text) = config.get(name).as_str() {
                if serde_json::from_str::<serde_json::Value>(text).is_err() {
                    out.push(problem(name, format!("{name} is not valid JSON (use jsonencode)")));
                }
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st: State = into_state(&proposed);
        FIELDS.plan_defaults(&mut st);
        for (key, default) in [
            ("endpoint_auto_confirms", Value::Bool(false)),
            ("confirmation_timeout_in_minutes", Value::from(1i64)),
        ] {
            if st.get(key).is_none_or(|v| v.is_null() || v.is_unknown()) {
                st.insert(key.to_string(), default);
            }
        }
        if prior.is_none() {
            for key in [
                "arn",
                "id",
                "owner_id",
                "pending_confirmation",
                "confirmation_was_authenticated",
                "filter_policy_scope",
            ] {
                if st.get(key).is_none_or(Value::is_null) {
                    st.insert(key.to_string(), Value::UNKNOWN);
                }
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(topic), Some(protocol), Some(endpoint)) = (
            sref(planned, "topic_arn"),
            sref(planned, "protocol"),
            sref(planned, "endpoint"),
        ) else {
            return ApplyOutcome::failed(crate::support::attrs::invalid(
                "creating SNS Topic Subscription: topic_arn, protocol and endpoint must be known",
            ));
        };
        let attributes = FIELDS.to_aws(planned, |_| true);
        // Subscribing the same endpoint again is SNS's answer to a repeated request: the same ARN.
        (step.intent)(&format!("{topic}|{protocol}|{endpoint}"));
        let made = call(
            ctx,
            &format!("subscribing {endpoint} to SNS Topic ({topic})"),
            ctx.sns
                .subscribe()
                .topic_arn(topic)
                .protocol(protocol)
                .endpoint(endpoint)
                .return_subscription_arn(true)
                .set_attributes((!attributes.is_empty()).then(|| attributes.into_iter().collect()))
                .send(),
        );
        let mut arn = match made {
            Ok(out) => out.subscription_arn().unwrap_or_default().to_string(),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let self_confirming =
            matches!(protocol, "http" | "https") && planned.get("endpoint_auto_confirms").as_bool() == Some(true);
        if is_pending(&arn) && self_confirming {
            match self.wait_confirmed(ctx, planned, step) {
                Ok(Some(confirmed)) => arn = confirmed,
                Ok(None) => {}
                Err(e) => return ApplyOutcome::failed(e),
            }
        }
        if is_pending(&arn) {
            return ApplyOutcome::failed(ProviderError::new(
                "PendingConfirmation",
                format!(
                    "subscribing {endpoint} to SNS Topic ({topic}): SNS gave no subscription ARN; the endpoint must confirm the subscription first (for an endpoint that confirms itself, set endpoint_auto_confirms = true)"
                ),
            ));
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("arn", Value::string(&arn)), ("id", Value::string(&arn))],
            self.fetch(ctx, &arn, planned),
            || {
                ProviderError::new(
                    "NotFound",
                    format!("SNS Topic Subscription ({arn}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let result = FIELDS
            .changes(prior, planned, |_| true)
            .into_iter()
            .try_for_each(|(name, text)| {
                call(
                    ctx,
                    &format!("setting {name} of SNS Topic Subscription ({arn})"),
                    ctx.sns
                        .set_subscription_attributes()
                        .subscription_arn(&arn)
                        .attribute_name(&name)
                        .attribute_value(text)
                        .send(),
                )
                .map(drop)
            });
        update_outcome(prior, result, self.fetch(ctx, &arn, planned), || {
            ProviderError::new("NotFound", format!("SNS Topic Subscription ({arn}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").filter(|a| !is_pending(a)) else {
            return Ok(());
        };
        if prior.get("pending_confirmation").as_bool() == Some(true) {
            // SNS cannot unsubscribe what was never confirmed; it expires after three days.
            return Ok(());
        }
        found(call(
            ctx,
            &format!("unsubscribing SNS Topic Subscription ({arn})"),
            ctx.sns.unsubscribe().subscription_arn(arn).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "arn").or_else(|| sref(prior, "id")) {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the subscription's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if !id.starts_with("arn:") {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_sns_topic_subscription: write the subscription's ARN (arn:aws:sns:REGION:ACCOUNT:TOPIC:ID)"),
            ));
        }
        self.fetch(ctx, id, &Value::Null)
    }
}
