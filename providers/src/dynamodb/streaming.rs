//! aws_dynamodb_kinesis_streaming_destination: a table's item changes streamed into a Kinesis
//! data stream. Every argument replaces it; destroy turns the streaming off.

use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, invalid, sref, Put, State};
use crate::support::error::found;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_dynamodb::types::{
    ApproximateCreationDateTimePrecision, DestinationStatus, EnableKinesisStreamingConfiguration,
    KinesisDataStreamDestination,
};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct StreamingDestination;

/// How long the streaming may take to start or stop.
const SETTLE: Duration = Duration::from_secs(20 * 60);

/// The AWS provider's ID: `TABLE,STREAM_ARN`.
fn destination_id(table: &str, stream: &str) -> String {
    format!("{table},{stream}")
}

impl StreamingDestination {
    /// The table's destination for `stream`; `None` when the table is gone or streams there no more.
    fn find(
        &self,
        ctx: &Ctx,
        table: &str,
        stream: &str,
    ) -> Result<Option<KinesisDataStreamDestination>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading the Kinesis streaming of DynamoDB Table ({table})"),
            ctx.dynamodb
                .describe_kinesis_streaming_destination()
                .table_name(table)
                .send(),
        ))?;
        Ok(out.and_then(|o| {
            o.kinesis_data_stream_destinations()
                .iter()
                .find(|d| {
                    d.stream_arn() == Some(stream) && d.destination_status() != Some(&DestinationStatus::Disabled)
                })
                .cloned()
        }))
    }

    fn fetch(&self, ctx: &Ctx, table: &str, stream: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(d) = self.find(ctx, table, stream)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", destination_id(table, stream));
        st.put("table_name", table);
        st.put("stream_arn", stream);
        st.put(
            "approximate_creation_date_time_precision",
            d.approximate_creation_date_time_precision().map(|p| p.as_str()),
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn wait(&self, ctx: &Ctx, table: &str, stream: &str, on: bool, step: &Step<'_>) -> Result<(), ProviderError> {
        Waiter::new(format!("the Kinesis streaming of DynamoDB Table ({table})"), SETTLE)
            .progress(step.progress)
            .wait(|| {
                let d = self.find(ctx, table, stream)?;
                let status = d
                    .as_ref()
                    .and_then(|d| d.destination_status())
                    .map(|s| s.as_str().to_string());
                Ok(match (status.as_deref(), on) {
                    (Some("ACTIVE"), true) | (None, false) => Poll::Ready(()),
                    (Some("ENABLE_FAILED"), true) => {
                        return Err(ProviderError::new(
                            "StreamingFailed",
                            format!(
                                "the Kinesis streaming of DynamoDB Table ({table}) failed: {}",
                                d.and_then(|d| d.destination_status_description().map(str::to_string))
                                    .unwrap_or_default()
                            ),
                        ))
                    }
                    (Some(s), _) => Poll::Pending(s.to_string()),
                    (None, true) => Poll::Pending("DISABLED".into()),
                })
            })
    }
}

fn parts(value: &Value) -> Option<(String, String)> {
    Some((
        sref(value, "table_name")?.to_string(),
        sref(value, "stream_arn")?.to_string(),
    ))
}

impl ResourceType for StreamingDestination {
    fn type_name(&self) -> &'static str {
        "aws_dynamodb_kinesis_streaming_destination"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("table_name", Attribute::required(Type::String).force_new())
            .attr("stream_arn", Attribute::required(Type::String).force_new())
            .attr(
                "approximate_creation_date_time_precision",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&["MILLISECOND", "MICROSECOND"]),
            )
            .attr("id", Attribute::computed(Type::String))
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if let Some((table, stream)) = parts(&proposed) {
            st.put("id", destination_id(&table, &stream));
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((table, stream)) = parts(planned) else {
            return ApplyOutcome::failed(invalid(
                "streaming DynamoDB Table to Kinesis: table_name and stream_arn must be known",
            ));
        };
        (step.intent)(&destination_id(&table, &stream));
        let precision = sref(planned, "approximate_creation_date_time_precision").map(|p| {
            EnableKinesisStreamingConfiguration::builder()
                .approximate_creation_date_time_precision(ApproximateCreationDateTimePrecision::from(p))
                .build()
        });
        let enabled = call(
            ctx,
            &format!("streaming DynamoDB Table ({table}) to {stream}"),
            ctx.dynamodb
                .enable_kinesis_streaming_destination()
                .table_name(&table)
                .stream_arn(&stream)
                .set_enable_kinesis_streaming_configuration(precision)
                .send(),
        );
        if let Err(e) = enabled
            .map(drop)
            .and_then(|_| self.wait(ctx, &table, &stream, true, step))
        {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[],
            self.fetch(ctx, &table, &stream, planned),
            || {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("the Kinesis streaming of DynamoDB Table ({table}) is off after the create"),
                )
            },
        )
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, _planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        // Every argument replaces it: nothing changes in place.
        ApplyOutcome::Done(prior.clone())
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((table, stream)) = parts(prior) else {
            return Ok(());
        };
        if self.find(ctx, &table, &stream)?.is_none() {
            return Ok(());
        }
        found(call(
            ctx,
            &format!("stopping the streaming of DynamoDB Table ({table}) to {stream}"),
            ctx.dynamodb
                .disable_kinesis_streaming_destination()
                .table_name(&table)
                .stream_arn(&stream)
                .send(),
        ))?;
        self.wait(ctx, &table, &stream, false, step)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match parts(prior) {
            Some((table, stream)) => self.fetch(ctx, &table, &stream, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `TABLE_NAME,STREAM_ARN`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((table, stream)) = id.split_once(',').filter(|(t, s)| !t.is_empty() && !s.is_empty()) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "import ID {id:?} of aws_dynamodb_kinesis_streaming_destination: write it as TABLE_NAME,STREAM_ARN"
                ),
            ));
        };
        self.fetch(ctx, table, stream, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    //! The emulator has no Kinesis streaming destinations: these run against DynamoDB's
    //! documented answers through the SDK's replay client (every request checked).
    use super::*;
    use crate::replay::{ctx, sent, Answer};
    use engine::core::value::map;

    const STREAM: &str = "arn:aws:kinesis:us-east-1:123456789012:stream/orders-changes";

    fn described(status: &str) -> Answer {
        Answer {
            status: 200,
            content_type: "application/x-amz-json-1.0",
            body: serde_json::json!({"TableName": "orders", "KinesisDataStreamDestinations": [
                {"StreamArn": "arn:aws:kinesis:us-east-1:123456789012:stream/other", "DestinationStatus": "ACTIVE"},
                {"StreamArn": STREAM, "DestinationStatus": status, "ApproximateCreationDateTimePrecision": "MICROSECOND"}
            ]})
            .to_string(),
            headers: Vec::new(),
        }
    }

    fn answer(status: &str) -> Answer {
        Answer {
            status: 200,
            content_type: "application/x-amz-json-1.0",
            body: serde_json::json!({"TableName": "orders", "StreamArn": STREAM, "DestinationStatus": status})
                .to_string(),
            headers: Vec::new(),
        }
    }

    #[test]
    fn a_tables_changes_stream_to_kinesis_once_active_and_stop_on_destroy() {
        let (ctx, replay) = ctx(vec![
            answer("ENABLING"),
            described("ENABLING"),
            described("ACTIVE"),
            described("ACTIVE"),
            described("ACTIVE"),
            described("ACTIVE"),
            answer("DISABLING"),
            described("DISABLED"),
        ]);
        let kind = StreamingDestination;
        let config = map([
            ("table_name", Value::from("orders")),
            ("stream_arn", Value::from(STREAM)),
            ("approximate_creation_date_time_precision", Value::from("MICROSECOND")),
            ("id", Value::UNKNOWN),
        ]);
        let (planned, _) = kind.plan(&ctx, None, config).expect("plan");
        assert_eq!(planned.get("id"), Value::from(format!("orders,{STREAM}")));
        let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
        assert!(error.is_none(), "{error:?}");
        let state = state.expect("state");
        assert_eq!(
            state.get("approximate_creation_date_time_precision"),
            Value::from("MICROSECOND")
        );
        let imported = kind
            .import(&ctx, &format!("orders,{STREAM}"))
            .expect("import")
            .expect("found");
        assert_eq!(imported.get("stream_arn"), Value::from(STREAM));
        assert!(kind.import(&ctx, "orders").is_err());
        kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
        let sent = sent(&replay);
        assert_eq!(sent.len(), 8, "{sent:?}");
        assert!(
            sent[0]
                .2
                .contains(r#""ApproximateCreationDateTimePrecision":"MICROSECOND""#),
            "{}",
            sent[0].2
        );
        assert!(sent[6].2.contains(STREAM), "{}", sent[6].2);
    }
}
