//! aws_cloudwatch_log_subscription_filter: the log events of a group that match a pattern,
//! delivered to a Lambda function, a Kinesis stream, a Firehose stream or another account's
//! destination. PutSubscriptionFilter both creates and updates it.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{both, call, created_outcome, finish, into_state, invalid, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::wait::Waiter;
use aws_sdk_cloudwatchlogs::types::Distribution;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct SubscriptionFilter;

/// The AWS provider's ID: `cwlsf-` and the hash code of the group's name (one filter per group
/// when it was written).
fn filter_id(group: &str) -> String {
    format!(
        "cwlsf-{}",
        crate::support::number::crc32(format!("{group}-").as_bytes())
    )
}

impl SubscriptionFilter {
    fn fetch(&self, ctx: &Ctx, group: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let page = found(call(
            ctx,
            &format!("reading CloudWatch Logs Subscription Filter ({group}:{name})"),
            ctx.logs
                .describe_subscription_filters()
                .log_group_name(group)
                .filter_name_prefix(name)
                .send(),
        ))?;
        let Some(f) = page
            .iter()
            .flat_map(|p| p.subscription_filters())
            .find(|f| f.filter_name() == Some(name))
        else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        if sref(prior, "id").is_none() {
            st.put("id", filter_id(group));
        }
        st.put("log_group_name", group);
        st.put("name", name);
        st.put("destination_arn", f.destination_arn());
        st.put("filter_pattern", f.filter_pattern().unwrap_or_default());
        st.put("role_arn", f.role_arn());
        st.put("distribution", f.distribution().map_or("ByLogStream", |d| d.as_str()));
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, group: &str, name: &str, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("putting CloudWatch Logs Subscription Filter ({group}:{name})");
        // A destination made a moment before may not take the test message yet, and the group
        // may be busy with another change.
        Waiter::new(op.clone(), Duration::from_secs(300)).retry(
            |e| {
                (e.code == "InvalidParameterException"
                    && (e.message.contains("Could not deliver test message to specified")
                        || e.message.contains("Could not execute the lambda function")))
                    || (e.code == "OperationAbortedException" && e.message.contains("Please try again"))
            },
            || {
                call(
                    ctx,
                    &op,
                    ctx.logs
                        .put_subscription_filter()
                        .log_group_name(group)
                        .filter_name(name)
                        .filter_pattern(sref(planned, "filter_pattern").unwrap_or_default())
                        .set_destination_arn(sref(planned, "destination_arn").map(str::to_string))
                        .set_role_arn(sref(planned, "role_arn").map(str::to_string))
                        .set_distribution(sref(planned, "distribution").map(Distribution::from))
                        .send(),
                )
                .map(drop)
            },
        )
    }
}

impl ResourceType for SubscriptionFilter {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_subscription_filter"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("log_group_name", Attribute::required(Type::String).force_new())
            .attr("destination_arn", Attribute::required(Type::String).force_new())
            .attr("filter_pattern", Attribute::required(Type::String))
            .attr("role_arn", Attribute::optional_computed(Type::String))
            .attr(
                "distribution",
                Attribute::optional(Type::String).one_of(&["Random", "ByLogStream"]),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if sref(config, "name").is_some_and(|n| n.is_empty() || n.len() > 512) {
            out.push(problem("name", "a subscription filter's name is 1 to 512 characters"));
        }
        if sref(config, "filter_pattern").is_some_and(|p| p.len() > 1024) {
            out.push(problem("filter_pattern", "a filter pattern is at most 1024 characters"));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "distribution", Value::string("ByLogStream"));
        match (prior, sref(&proposed, "log_group_name")) {
            (Some(p), _) if !p.get("id").is_null() => st.put("id", p.get("id")),
            (_, Some(group)) => st.put("id", filter_id(group)),
            _ => st.put("id", Value::UNKNOWN),
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((group, name)) = both(planned, "log_group_name", "name") else {
            return ApplyOutcome::failed(invalid(
                "putting CloudWatch Logs Subscription Filter: log_group_name and name must be known",
            ));
        };
        (step.intent)(&format!("{group}|{name}"));
        if let Err(e) = self.put(ctx, group, name, planned) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, group, name, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("CloudWatch Logs Subscription Filter ({group}:{name}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((group, name)) = both(prior, "log_group_name", "name") else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating CloudWatch Logs Subscription Filter: the prior state has no name"),
            );
        };
        let result = self.put(ctx, group, name, planned);
        update_outcome(prior, result, self.fetch(ctx, group, name, planned), || {
            ProviderError::new(
                "ResourceNotFoundException",
                format!("CloudWatch Logs Subscription Filter ({group}:{name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((group, name)) = both(prior, "log_group_name", "name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Logs Subscription Filter ({group}:{name})"),
            ctx.logs
                .delete_subscription_filter()
                .log_group_name(group)
                .filter_name(name)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match both(prior, "log_group_name", "name") {
            Some((group, name)) => self.fetch(ctx, group, name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `LOG_GROUP_NAME|FILTER_NAME`. As in the AWS provider, the imported filter's
    /// ID is made from the filter's name (the create makes it from the group's).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((group, name)) = id.split_once('|').filter(|(g, n)| !g.is_empty() && !n.is_empty()) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_cloudwatch_log_subscription_filter: write it as LOG_GROUP_NAME|FILTER_NAME"),
            ));
        };
        let prior = engine::core::value::map([("id", Value::string(filter_id(name)))]);
        self.fetch(ctx, group, name, &prior)
    }
}
