//! aws_sns_topic: a topic with its attributes (display name, policies, encryption, delivery
//! status logging, FIFO settings) and tags.

use super::{attributes, set_attribute, tag_sync, topic_tags};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attribute_map::{Field, Fields, Kind};
use crate::support::attrs::{call, created_outcome, into_state, map_of_strings, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::naming::{check_names, prefixed_unique_id};
use crate::support::tags::{split_tags, tags_all};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct Topic;

/// The topic's arguments that are SNS attributes.
const FIELDS: Fields = Fields(&[
    Field::new("display_name", "DisplayName", Kind::Text),
    Field::new("policy", "Policy", Kind::Policy).computed(),
    Field::new("delivery_policy", "DeliveryPolicy", Kind::Json),
    Field::new("kms_master_key_id", "KmsMasterKeyId", Kind::Text),
    Field::new("signature_version", "SignatureVersion", Kind::Number).computed(),
    Field::new("tracing_config", "TracingConfig", Kind::Text).computed(),
    Field::new("fifo_topic", "FifoTopic", Kind::Flag)
        .default("false")
        .force_new(),
    Field::new("content_based_deduplication", "ContentBasedDeduplication", Kind::Flag).default("false"),
    Field::new("archive_policy", "ArchivePolicy", Kind::Json),
    Field::new("fifo_throughput_scope", "FifoThroughputScope", Kind::Text).computed(),
    Field::new(
        "application_success_feedback_role_arn",
        "ApplicationSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new(
        "application_success_feedback_sample_rate",
        "ApplicationSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    Field::new(
        "application_failure_feedback_role_arn",
        "ApplicationFailureFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new(
        "http_success_feedback_role_arn",
        "HTTPSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new(
        "http_success_feedback_sample_rate",
        "HTTPSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    Field::new(
        "http_failure_feedback_role_arn",
        "HTTPFailureFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new(
        "lambda_success_feedback_role_arn",
        "LambdaSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new(
        "lambda_success_feedback_sample_rate",
        "LambdaSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    Field::new(
        "lambda_failure_feedback_role_arn",
        "LambdaFailureFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new("sqs_success_feedback_role_arn", "SQSSuccessFeedbackRoleArn", Kind::Text),
    Field::new(
        "sqs_success_feedback_sample_rate",
        "SQSSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    Field::new("sqs_failure_feedback_role_arn", "SQSFailureFeedbackRoleArn", Kind::Text),
    Field::new(
        "firehose_success_feedback_role_arn",
        "FirehoseSuccessFeedbackRoleArn",
        Kind::Text,
    ),
    Field::new(
        "firehose_success_feedback_sample_rate",
        "FirehoseSuccessFeedbackSampleRate",
        Kind::Number,
    ),
    Field::new(
        "firehose_failure_feedback_role_arn",
        "FirehoseFailureFeedbackRoleArn",
        Kind::Text,
    ),
]);

/// The attributes CreateTopic takes; the delivery status settings are set after it.
const AT_CREATE: [&str; 10] = [
    "DisplayName",
    "Policy",
    "DeliveryPolicy",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
    "FifoTopic",
    "ContentBasedDeduplication",
    "ArchivePolicy",
    "FifoThroughputScope",
];

/// Settings only a FIFO topic takes; a standard topic is created without them.
const FIFO_ONLY: [&str; 4] = [
    "FifoTopic",
    "ContentBasedDeduplication",
    "ArchivePolicy",
    "FifoThroughputScope",
];

fn is_fifo(v: &Value) -> bool {
    v.get("fifo_topic").as_bool() == Some(true)
}

impl Topic {
    /// The topic as SNS has it, keeping from `prior` what SNS does not report.
    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(aws) = attributes(ctx, arn)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        FIELDS.read(&aws, prior, &mut st);
        let name = arn.rsplit(':').next().unwrap_or_default();
        st.put("name", name);
        st.put("arn", arn);
        st.put("id", arn);
        st.put("owner", aws.get("Owner").map(String::as_str));
        st.put(
            "beginning_archive_time",
            aws.get("BeginningArchiveTime").map(String::as_str),
        );
        let (tags, all) = split_tags(ctx, &prior.get("tags"), topic_tags(ctx, arn)?);
        st.put("tags", tags);
        st.put("tags_all", all);
        Ok(Some(crate::support::attrs::finish(&self.schema(), st)))
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
}

impl ResourceType for Topic {
    fn type_name(&self) -> &'static str {
        "aws_sns_topic"
    }

    fn schema(&self) -> Schema {
        FIELDS.schema(
            Schema::new()
                .attr("name", Attribute::optional_computed(Type::String).force_new())
                .attr("name_prefix", Attribute::optional(Type::String).force_new())
                .attr("tags", Attribute::optional(map_of_strings()))
                .attr("tags_all", Attribute::computed(map_of_strings()))
                .attr("arn", Attribute::computed(Type::String))
                .attr("id", Attribute::computed(Type::String))
                .attr("owner", Attribute::computed(Type::String))
                .attr("beginning_archive_time", Attribute::computed(Type::String)),
        )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = check_names(config, 256);
        let fifo = is_fifo(config);
        if let Some(name) = config.get("name").as_str() {
            let base = name.strip_suffix(".fifo").unwrap_or(name);
            if !base.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
                out.push(problem(
                    "name",
                    "a topic's name may hold only letters, digits, '-' and '_' (and end in \".fifo\" for a FIFO topic)",
                ));
            }
            if config.get("fifo_topic").as_bool().is_some() && fifo != name.ends_with(".fifo") {
                out.push(problem(
                    "name",
                    match fifo {
                        true => "the name of a FIFO topic must end in \".fifo\"",
                        false => "a name ending in \".fifo\" is for a FIFO topic: set fifo_topic = true",
                    },
                ));
            }
        }
        if config.get("fifo_topic").as_bool() == Some(false) {
            for (name, what) in [
                ("content_based_deduplication", Some(true)),
                ("archive_policy", None),
                ("fifo_throughput_scope", None),
            ] {
                let v = config.get(name);
                let set = match what {
                    Some(b) => v.as_bool() == Some(b),
                    None => v.as_str().is_some(),
                };
                if set {
                    out.push(problem(
                        name,
                        format!("{name} is for FIFO topics only: set fifo_topic = true or remove it"),
                    ));
                }
            }
        }
        for f in FIELDS.0.iter().filter(|f| f.name.ends_with("_sample_rate")) {
            if let Some(rate) = config.get(f.name).as_f64() {
                if !(0.0..=100.0).contains(&rate) {
                    out.push(problem(f.name, format!("{} is a percentage: 0 to 100", f.name)));
                }
            }
        }
        if let Some(t) = config.get("tracing_config").as_str() {
            if t != "PassThrough" && t != "Active" {
                out.push(problem(
                    "tracing_config",
                    format!("tracing_config is \"PassThrough\" or \"Active\", not {t:?}"),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st: State = into_state(&proposed);
        FIELDS.plan_defaults(&mut st);
        if prior.is_none() {
            for key in [
                "arn",
                "id",
                "owner",
                "policy",
                "signature_version",
                "tracing_config",
                "beginning_archive_time",
            ] {
                if st.get(key).is_none_or(Value::is_null) {
                    st.insert(key.to_string(), Value::UNKNOWN);
                }
            }
            if is_fifo(&proposed) {
                if st.get("fifo_throughput_scope").is_none_or(Value::is_null) {
                    st.insert("fifo_throughput_scope".into(), Value::UNKNOWN);
                }
            }
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = Self::name_to_create(planned);
        let fifo = is_fifo(planned);
        let at_create = FIELDS.to_aws(planned, |f| {
            AT_CREATE.contains(&f.aws) && (fifo || !FIFO_ONLY.contains(&f.aws))
        });
        let tags = crate::support::attrs::string_map(&planned.get("tags_all"));
        (step.intent)(&name);
        let made = call(
            ctx,
            &format!("creating SNS Topic ({name})"),
            ctx.sns
                .create_topic()
                .name(&name)
                .set_attributes((!at_create.is_empty()).then(|| at_create.into_iter().collect()))
                .set_tags(super::tag_list(&tags))
                .send(),
        );
        let arn = match made.map(|o| o.topic_arn().map(str::to_string)) {
            Ok(Some(arn)) => arn,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("creating SNS Topic ({name}): SNS returned no ARN"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let later: Result<(), ProviderError> = FIELDS
            .to_aws(planned, |f| !AT_CREATE.contains(&f.aws))
            .into_iter()
            .try_for_each(|(attribute, text)| set_attribute(ctx, &arn, &attribute, &text));
        let outcome = created_outcome(
            &self.schema(),
            planned,
            &[
                ("arn", Value::string(&arn)),
                ("id", Value::string(&arn)),
                ("name", Value::string(&name)),
            ],
            self.fetch(ctx, &arn, planned),
            || ProviderError::new("NotFound", format!("SNS Topic ({arn}) is gone after its create")),
        );
        match later {
            Ok(()) => outcome,
            Err(e) => ApplyOutcome::partial(outcome.into_parts().0.unwrap_or(Value::Null), e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let arn = sref(prior, "arn").unwrap_or_default().to_string();
        let fifo = is_fifo(prior);
        let result = FIELDS
            .changes(prior, planned, |f| fifo || !FIFO_ONLY.contains(&f.aws))
            .into_iter()
            .try_for_each(|(attribute, text)| set_attribute(ctx, &arn, &attribute, &text))
            .and_then(|()| tag_sync(ctx, &arn, prior, planned));
        update_outcome(prior, result, self.fetch(ctx, &arn, planned), || {
            ProviderError::new("NotFound", format!("SNS Topic ({arn}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting SNS Topic ({arn})"),
            ctx.sns.delete_topic().topic_arn(arn).send(),
        ))
        .map(drop)
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match sref(prior, "arn").or_else(|| sref(prior, "id")) {
            Some(arn) => self.fetch(ctx, arn, prior),
            None => Ok(None),
        }
    }

    /// Import ID: the topic's ARN.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if !id.starts_with("arn:") {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_sns_topic: write the topic's ARN (arn:aws:sns:REGION:ACCOUNT:NAME)"),
            ));
        }
        self.fetch(ctx, id, &Value::Null)
    }
}
