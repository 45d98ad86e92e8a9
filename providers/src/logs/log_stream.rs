//! aws_cloudwatch_log_stream: a named stream of a log group.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{both, call, created_outcome, finish, import_pair, invalid, Put, State};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct LogStream;

impl LogStream {
    fn fetch(&self, ctx: &Ctx, group: &str, name: &str) -> Result<Option<Value>, ProviderError> {
        let page = found(call(
            ctx,
            &format!("reading CloudWatch Logs Log Stream ({group}:{name})"),
            ctx.logs
                .describe_log_streams()
                .log_group_name(group)
                .log_stream_name_prefix(name)
                .send(),
        ))?;
        let Some(stream) = page
            .iter()
            .flat_map(|p| p.log_streams())
            .find(|s| s.log_stream_name() == Some(name))
        else {
            return Ok(None);
        };
        let mut st = State::new();
        st.put("name", name);
        st.put("id", name);
        st.put("log_group_name", group);
        st.put("arn", stream.arn());
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for LogStream {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_stream"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("log_group_name", Attribute::required(Type::String).force_new())
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("name").as_str() {
            Some(n) if n.is_empty() || n.len() > 512 || n.contains(':') || n.contains('*') => {
                vec![crate::support::attrs::problem(
                    "name",
                    "a log stream's name is 1 to 512 characters, without ':' or '*'",
                )]
            }
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = crate::support::attrs::into_state(&proposed);
        st.put("id", proposed.get("name"));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((group, name)) = both(planned, "log_group_name", "name") else {
            return ApplyOutcome::failed(invalid(
                "creating CloudWatch Logs Log Stream: name and log_group_name are required",
            ));
        };
        (step.intent)(&format!("{group}:{name}"));
        let made = call(
            ctx,
            &format!("creating CloudWatch Logs Log Stream ({group}:{name})"),
            ctx.logs
                .create_log_stream()
                .log_group_name(group)
                .log_stream_name(name)
                .send(),
        );
        if let Err(e) = made {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(name))],
            self.fetch(ctx, group, name),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("log stream {group}:{name} is gone after its create"),
                )
            },
        )
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, _planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument forces a new stream.
        ApplyOutcome::Done(prior.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((group, name)) = both(prior, "log_group_name", "name") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting CloudWatch Logs Log Stream ({group}:{name})"),
            ctx.logs
                .delete_log_stream()
                .log_group_name(group)
                .log_stream_name(name)
                .send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match both(prior, "log_group_name", "name") {
            Some((group, name)) => self.fetch(ctx, group, name),
            None => Ok(None),
        }
    }

    /// Import ID: `LOG_GROUP_NAME:NAME`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let (group, name) = import_pair(id, self.type_name(), "LOG_GROUP_NAME:NAME")?;
        self.fetch(ctx, group, name)
    }
}
