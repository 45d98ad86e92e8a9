//! aws_sqs_queue: a standard or FIFO queue with its timings, encryption, policies and tags.

use super::{attributes, name_of, set_attributes};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attribute_map::{Field, Fields, Kind};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, map_of_strings, problem, sref, string_map, Put, State,
};
use crate::support::error::found;
use crate::support::naming::{check_names, prefixed_unique_id};
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_sqs::types::QueueAttributeName;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Queue;

/// The queue's arguments that are SQS attributes, with SQS's defaults.
const FIELDS: Fields = Fields(&[
    Field::new("visibility_timeout_seconds", "VisibilityTimeout", Kind::Number).default("30"),
    Field::new("message_retention_seconds", "MessageRetentionPeriod", Kind::Number).default("345600"),
    Field::new("max_message_size", "MaximumMessageSize", Kind::Number).default("262144"),
    Field::new("delay_seconds", "DelaySeconds", Kind::Number).default("0"),
    Field::new(
        "receive_wait_time_seconds",
        "ReceiveMessageWaitTimeSeconds",
        Kind::Number,
    )
    .default("0"),
    Field::new("policy", "Policy", Kind::Policy).computed(),
    Field::new("redrive_policy", "RedrivePolicy", Kind::Json).computed(),
    Field::new("redrive_allow_policy", "RedriveAllowPolicy", Kind::Json).computed(),
    Field::new("fifo_queue", "FifoQueue", Kind::Flag)
        .default("false")
        .force_new(),
    Field::new("content_based_deduplication", "ContentBasedDeduplication", Kind::Flag).default("false"),
    Field::new("deduplication_scope", "DeduplicationScope", Kind::Text).computed(),
    Field::new("fifo_throughput_limit", "FifoThroughputLimit", Kind::Text).computed(),
    Field::new("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    Field::new(
        "kms_data_key_reuse_period_seconds",
        "KmsDataKeyReusePeriodSeconds",
        Kind::Number,
    )
    .default("300"),
    Field::new("sqs_managed_sse_enabled", "SqsManagedSseEnabled", Kind::Flag).computed(),
]);

/// Attributes only a FIFO queue takes: SQS refuses them on a standard queue.
const FIFO_ONLY: [&str; 4] = [
    "FifoQueue",
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "FifoThroughputLimit",
];

/// Each number argument's range, as SQS checks it.
const RANGES: [(&str, i64, i64); 6] = [
    ("visibility_timeout_seconds", 0, 43_200),
    ("message_retention_seconds", 60, 1_209_600),
    ("max_message_size", 1024, 1_048_576),
    ("delay_seconds", 0, 900),
    ("receive_wait_time_seconds", 0, 20),
    ("kms_data_key_reuse_period_seconds", 60, 86_400),
];

fn is_fifo(v: &Value) -> bool {
    v.get("fifo_queue").as_bool() == Some(true)
}

/// Whether a field applies to a queue of this kind.
fn applies(fifo: bool) -> impl Fn(&Field) -> bool {
    move |f| fifo || !FIFO_ONLY.contains(&f.aws)
}

impl Queue {
    /// The queue as SQS has it, keeping from `prior` what SQS does not report.
    fn fetch(&self, ctx: &Ctx, url: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(aws) = attributes(ctx, url)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        FIELDS.read(&aws, prior, &mut st);
        let fifo = aws.get("FifoQueue").is_some_and(|v| v == "true");
        if !fifo {
            for f in FIELDS
                .0
                .iter()
                .filter(|f| FIFO_ONLY.contains(&f.aws) && f.aws != "FifoQueue")
            {
                if f.default.is_none() {
                    st.insert(f.name.to_string(), Value::Null);
                }
            }
        }
        for key in ["policy", "redrive_policy", "redrive_allow_policy"] {
            // An unset document reads as none, not as an empty text.
            if st.get(key).and_then(Value::as_str) == Some("") {
                st.insert(key.to_string(), Value::Null);
            }
        }
        st.put("name", name_of(url));
        st.put("url", url);
        st.put("id", url);
        st.put("arn", aws.get("QueueArn").map(String::as_str));
        let tags = found(call(
            ctx,
            &format!("reading the tags of SQS Queue ({url})"),
            ctx.sqs.list_queue_tags().queue_url(url).send(),
        ))?
        .and_then(|t| t.tags().cloned())
        .unwrap_or_default();
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags.into_iter().collect());
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn name_to_create(planned: &Value) -> String {
        match sref(planned, "name") {
            Some(n) => n.to_string(),
            None => {
                let name = prefixed_unique_id(sref(planned, "name_prefix").unwrap_or("terraform-"));
                if is_fifo(planned) {
                    format!("{name}.fifo")
                } else {
                    name
                }
            }
        }
    }

    fn tag_sync(&self, ctx: &Ctx, url: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let op = format!("tagging SQS Queue ({url})");
        crate::support::tags::sync(
            ctx,
            prior,
            planned,
            |keys| {
                call(
                    ctx,
                    &op,
                    ctx.sqs.untag_queue().queue_url(url).set_tag_keys(Some(keys)).send(),
                )
                .map(drop)
            },
            |tags| {
                let tags = tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                call(ctx, &op, ctx.sqs.tag_queue().queue_url(url).set_tags(Some(tags)).send()).map(drop)
            },
        )
    }
}

impl ResourceType for Queue {
    fn type_name(&self) -> &'static str {
        "aws_sqs_queue"
    }

    fn schema(&self) -> Schema {
        FIELDS.schema(
            Schema::new()
                .attr("name", Attribute::optional_computed(Type::String).force_new())
                .attr("name_prefix", Attribute::optional(Type::String).force_new())
                .attr("tags", Attribute::optional(map_of_strings()))
                .attr("tags_all", Attribute::computed(map_of_strings()))
                .attr("arn", Attribute::computed(Type::String))
                .attr("url", Attribute::computed(Type::String))
                .attr("id", Attribute::computed(Type::String)),
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = check_names(config, 80);
        let fifo = is_fifo(config);
        if let Some(name) = config.get("name").as_str() {
            let base = name.strip_suffix(".fifo").unwrap_or(name);
            if !base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                out.push(problem(
                    "name",
                    "a queue's name may hold only letters, digits, '-' and '_' (and end in \".fifo\" for a FIFO queue)",
                ));
            }
            if config.get("fifo_queue").as_bool().is_some() && fifo != name.ends_with(".fifo") {
                out.push(problem(
                    "name",
                    match fifo {
                        true => "the name of a FIFO queue must end in \".fifo\"",
                        false => "a name ending in \".fifo\" is for a FIFO queue: set fifo_queue = true",
                    },
                ));
            }
        }
        for (name, low, high) in RANGES {
            if let Some(n) = config.get(name).as_f64() {
                if n.fract() != 0.0 || n < low as f64 || n > high as f64 {
                    out.push(problem(
                        name,
                        format!("{name} must be a whole number from {low} to {high}"),
                    ));
                }
            }
        }
        if config.get("fifo_queue").as_bool() == Some(false) {
            if config.get("content_based_deduplication").as_bool() == Some(true) {
                out.push(problem(
                    "content_based_deduplication",
                    "content_based_deduplication is for FIFO queues only: set fifo_queue = true or remove it",
                ));
            }
            for name in ["deduplication_scope", "fifo_throughput_limit"] {
                if config.get(name).as_str().is_some() {
                    out.push(problem(
                        name,
                        format!("{name} is for FIFO queues only: set fifo_queue = true or remove it"),
                    ));
                }
            }
        }
        for (name, allowed) in [
            ("deduplication_scope", &["messageGroup", "queue"][..]),
            ("fifo_throughput_limit", &["perQueue", "perMessageGroupId"][..]),
        ] {
            if let Some(v) = config.get(name).as_str() {
                if !allowed.contains(&v) {
                    out.push(problem(
                        name,
                        format!("{name} is one of {}, not {v:?}", allowed.join(", ")),
                    ));
                }
            }
        }
        if config.get("sqs_managed_sse_enabled").as_bool() == Some(true)
            && config.get("kms_master_key_id").as_str().is_some()
        {
            out.push(problem(
                "sqs_managed_sse_enabled",
                "\"sqs_managed_sse_enabled\" and \"kms_master_key_id\" cannot both be set: a queue is encrypted with SQS's keys or with KMS",
            ));
        }
        for name in ["policy", "redrive_policy", "redrive_allow_policy"] {
            if let Some(text) = config.get(name).as_str() {
                if !crate::support::attrs::json_object(text) {
                    out.push(problem(name, format!("{name} must be a JSON object (use jsonencode)")));
                }
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st: State = into_state(&proposed);
        FIELDS.plan_defaults(&mut st);
        let fifo = is_fifo(&proposed);
        if prior.is_none() {
            let mut computed = vec![
                "arn",
                "url",
                "id",
                "policy",
                "redrive_policy",
                "redrive_allow_policy",
                "sqs_managed_sse_enabled",
            ];
            if fifo {
                computed.extend(["deduplication_scope", "fifo_throughput_limit"]);
            }
            for key in computed {
                if st.get(key).is_none_or(Value::is_null) {
                    st.insert(key.to_string(), Value::UNKNOWN);
                }
            }
            if st.get("name").is_none_or(Value::is_null) {
                st.insert("name".into(), Value::UNKNOWN);
            }
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = Self::name_to_create(planned);
        let fifo = is_fifo(planned);
        let sent: BTreeMap<QueueAttributeName, String> = FIELDS
            .to_aws(planned, applies(fifo))
            .into_iter()
            .map(|(k, v)| (QueueAttributeName::from(k.as_str()), v))
            .collect();
        let tags = string_map(&planned.get("tags_all"));
        (step.intent)(&name);
        let made = call(
            ctx,
            &format!("creating SQS Queue ({name})"),
            ctx.sqs
                .create_queue()
                .queue_name(&name)
                .set_attributes((!sent.is_empty()).then(|| sent.into_iter().collect()))
                .set_tags((!tags.is_empty()).then(|| tags.into_iter().collect()))
                .send(),
        );
        let url = match made.map(|o| o.queue_url().map(str::to_string)) {
            Ok(Some(url)) => url,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("creating SQS Queue ({name}): SQS returned no URL"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[
                ("url", Value::string(&url)),
                ("id", Value::string(&url)),
                ("name", Value::string(&name)),
            ],
            self.fetch(ctx, &url, planned),
            || {
                ProviderError::new(
                    "QueueDoesNotExist",
                    format!("SQS Queue ({url}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let url = sref(prior, "url")
            .or_else(|| sref(prior, "id"))
            .unwrap_or_default()
            .to_string();
        let changes = FIELDS.changes(prior, planned, applies(is_fifo(prior)));
        let result = set_attributes(ctx, &url, changes).and_then(|()| self.tag_sync(ctx, &url, prior, planned));
        update_outcome(prior, result, self.fetch(ctx, &url, planned), || {
            ProviderError::new("QueueDoesNotExist", format!("SQS Queue ({url}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(url) = sref(prior, "url").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting SQS Queue ({url})"),
            ctx.sqs.delete_queue().queue_url(url).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "url").or_else(|| sref(prior, "id")) {
            Some(url) => self.fetch(ctx, url, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the queue's URL.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if !id.starts_with("http") {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_sqs_queue: write the queue's URL (https://sqs.REGION.amazonaws.com/ACCOUNT/NAME)"),
            ));
        }
        self.fetch(ctx, id, &Value::Null)
    }
}
