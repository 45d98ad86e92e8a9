//! aws_s3_bucket_notification: events of a bucket sent to SNS topics, SQS queues, Lambda
//! functions and EventBridge.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::{block_items, call, invalid, set_of_strings, set_value, string_set};
use crate::support::error::found;
use aws_sdk_s3::types::{
    Event, EventBridgeConfiguration, FilterRule, FilterRuleName, LambdaFunctionConfiguration,
    NotificationConfiguration, NotificationConfigurationFilter, QueueConfiguration, S3KeyFilter, TopicConfiguration,
};
use aws_smithy_types::error::operation::BuildError;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::map;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Notification;

/// The three kinds of destination: (block, ARN argument).
const DESTINATIONS: [(&str, &str); 3] = [
    ("topic", "topic_arn"),
    ("queue", "queue_arn"),
    ("lambda_function", "lambda_function_arn"),
];

/// What every destination block holds.
struct Destination {
    id: Option<String>,
    arn: String,
    events: Vec<Event>,
    filter: Option<NotificationConfigurationFilter>,
}

fn destination(block: &Value, arn_attr: &str) -> Destination {
    let mut rules = Vec::new();
    for (attr, name) in [
        ("filter_prefix", FilterRuleName::Prefix),
        ("filter_suffix", FilterRuleName::Suffix),
    ] {
        if let Some(value) = known_str(block, attr).filter(|v| !v.is_empty()) {
            rules.push(FilterRule::builder().name(name).value(value).build());
        }
    }
    Destination {
        id: known_str(block, "id").filter(|id| !id.is_empty()),
        arn: known_str(block, arn_attr).unwrap_or_default(),
        events: string_set(&block.get("events"))
            .iter()
            .map(|e| Event::from(e.as_str()))
            .collect(),
        filter: (!rules.is_empty()).then(|| {
            NotificationConfigurationFilter::builder()
                .key(S3KeyFilter::builder().set_filter_rules(Some(rules)).build())
                .build()
        }),
    }
}

/// A destination as the configuration writes it; `id` only when the configuration named one
/// (S3 makes one up otherwise), or when nothing is recorded yet (an import).
fn read_destination(
    arn_attr: &str,
    id: Option<&str>,
    arn: &str,
    events: &[Event],
    filter: Option<&NotificationConfigurationFilter>,
    prior: &[Value],
) -> Value {
    let rule = |wanted: &FilterRuleName| -> Value {
        filter
            .and_then(|f| f.key())
            .and_then(|k| k.filter_rules().iter().find(|r| r.name() == Some(wanted)))
            .and_then(|r| r.value())
            .map(Value::from)
            .into()
    };
    let mut events: Vec<String> = events.iter().map(|e| e.as_str().to_string()).collect();
    events.sort();
    let named = prior.is_empty()
        || prior
            .iter()
            .any(|p| p.get(arn_attr).as_str() == Some(arn) && !p.get("id").is_null());
    map([
        ("id", if named { id.map(Value::from).into() } else { Value::Null }),
        (arn_attr, Value::from(arn)),
        ("events", set_value(&events)),
        ("filter_prefix", rule(&FilterRuleName::Prefix)),
        ("filter_suffix", rule(&FilterRuleName::Suffix)),
    ])
}

impl BucketConfig for Notification {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_notification"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket Notification"
    }

    fn body(&self) -> Schema {
        let mut schema = Schema::new().attr("eventbridge", Attribute::optional(Type::Bool));
        for (block, arn) in DESTINATIONS {
            schema = schema.block(
                block,
                Nesting::List,
                Schema::new()
                    .attr("id", Attribute::optional(string_type()))
                    .attr(arn, Attribute::required(string_type()))
                    .attr("events", Attribute::required(set_of_strings()))
                    .attr("filter_prefix", Attribute::optional(string_type()))
                    .attr("filter_suffix", Attribute::optional(string_type())),
            );
        }
        schema
    }

    fn has_owner(&self) -> bool {
        false
    }

    fn defaults(&self, map: &mut BTreeMap<String, Value>) {
        let entry = map.entry("eventbridge".to_string()).or_insert(Value::Null);
        if entry.is_null() {
            *entry = Value::Bool(false);
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let bad = |e: BuildError| invalid(format!("{op}: {e}"));
        let of = |block: &str, arn: &str| -> Vec<Destination> {
            block_items(planned, block)
                .iter()
                .map(|b| destination(b, arn))
                .collect()
        };
        let mut configuration = NotificationConfiguration::builder();
        for d in of("topic", "topic_arn") {
            configuration = configuration.topic_configurations(
                TopicConfiguration::builder()
                    .set_id(d.id)
                    .topic_arn(d.arn)
                    .set_events(Some(d.events))
                    .set_filter(d.filter)
                    .build()
                    .map_err(bad)?,
            );
        }
        for d in of("queue", "queue_arn") {
            configuration = configuration.queue_configurations(
                QueueConfiguration::builder()
                    .set_id(d.id)
                    .queue_arn(d.arn)
                    .set_events(Some(d.events))
                    .set_filter(d.filter)
                    .build()
                    .map_err(bad)?,
            );
        }
        for d in of("lambda_function", "lambda_function_arn") {
            configuration = configuration.lambda_function_configurations(
                LambdaFunctionConfiguration::builder()
                    .set_id(d.id)
                    .lambda_function_arn(d.arn)
                    .set_events(Some(d.events))
                    .set_filter(d.filter)
                    .build()
                    .map_err(bad)?,
            );
        }
        if planned.get("eventbridge").as_bool() == Some(true) {
            configuration = configuration.event_bridge_configuration(EventBridgeConfiguration::builder().build());
        }
        self.put_configuration(ctx, target, configuration.build(), &op)
    }

    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_notification_configuration()
                .bucket(&target.bucket)
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let topics = block_items(prior, "topic");
        let queues = block_items(prior, "queue");
        let lambdas = block_items(prior, "lambda_function");
        let topic: Vec<Value> = out
            .topic_configurations()
            .iter()
            .map(|t| read_destination("topic_arn", t.id(), t.topic_arn(), t.events(), t.filter(), &topics))
            .collect();
        let queue: Vec<Value> = out
            .queue_configurations()
            .iter()
            .map(|q| read_destination("queue_arn", q.id(), q.queue_arn(), q.events(), q.filter(), &queues))
            .collect();
        let lambda: Vec<Value> = out
            .lambda_function_configurations()
            .iter()
            .map(|l| {
                read_destination(
                    "lambda_function_arn",
                    l.id(),
                    l.lambda_function_arn(),
                    l.events(),
                    l.filter(),
                    &lambdas,
                )
            })
            .collect();
        let eventbridge = out.event_bridge_configuration().is_some();
        if topic.is_empty() && queue.is_empty() && lambda.is_empty() && !eventbridge {
            return Ok(None);
        }
        Ok(Some(BTreeMap::from([
            ("topic".to_string(), Value::List(topic.into())),
            ("queue".to_string(), Value::List(queue.into())),
            ("lambda_function".to_string(), Value::List(lambda.into())),
            ("eventbridge".to_string(), Value::Bool(eventbridge)),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        // An empty configuration is how notifications are turned off.
        let op = format!("deleting {} ({})", self.what(), target.bucket);
        self.put_configuration(ctx, target, NotificationConfiguration::builder().build(), &op)
    }
}

impl Notification {
    fn put_configuration(
        &self,
        ctx: &Ctx,
        target: &Target,
        configuration: NotificationConfiguration,
        op: &str,
    ) -> Result<(), ProviderError> {
        let configuration = &configuration;
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_notification_configuration()
                    .bucket(&target.bucket)
                    .notification_configuration(configuration.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }
}
