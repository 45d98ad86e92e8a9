//! The shape every resource type of the AWS provider implements.
//!
//! The engine sees one [`engine::core::provider::Provider`]; inside, `lib.rs` dispatches each call by
//! type name to a [`ResourceType`] or [`DataType`]. Methods are synchronous: each
//! implementation runs its SDK futures with [`Ctx::block_on`], which lets the engine's worker
//! threads call in without knowing about async.

use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::Schema;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub use crate::calls::CallCounter;

/// Everything a resource implementation needs to talk to AWS.
pub struct Ctx {
    /// The runtime the SDK futures run on.
    pub runtime: tokio::runtime::Runtime,
    /// S3 client (path-style when `s3_use_path_style = true`).
    pub s3: aws_sdk_s3::Client,
    /// IAM client.
    pub iam: aws_sdk_iam::Client,
    /// STS client.
    pub sts: aws_sdk_sts::Client,
    /// Route53 client.
    pub route53: aws_sdk_route53::Client,
    /// ACM client.
    pub acm: aws_sdk_acm::Client,
    /// CloudFormation client.
    pub cloudformation: aws_sdk_cloudformation::Client,
    /// KMS client.
    pub kms: aws_sdk_kms::Client,
    /// SSM client.
    pub ssm: aws_sdk_ssm::Client,
    /// DynamoDB client.
    pub dynamodb: aws_sdk_dynamodb::Client,
    /// API Gateway client.
    pub apigateway: aws_sdk_apigateway::Client,
    /// EC2 client.
    pub ec2: aws_sdk_ec2::Client,
    /// SES v2 client.
    pub sesv2: aws_sdk_sesv2::Client,
    /// CloudWatch Logs client.
    pub logs: aws_sdk_cloudwatchlogs::Client,
    /// Service Catalog client.
    pub servicecatalog: aws_sdk_servicecatalog::Client,
    /// S3 Control client (account-level S3 settings).
    pub s3control: aws_sdk_s3control::Client,
    /// SNS client.
    pub sns: aws_sdk_sns::Client,
    /// SQS client.
    pub sqs: aws_sdk_sqs::Client,
    /// CloudWatch client (alarms, dashboards).
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    /// Secrets Manager client.
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    /// Application Auto Scaling client (scalable targets and their policies).
    pub autoscaling: aws_sdk_applicationautoscaling::Client,
    /// EventBridge client (rules and targets).
    pub events: aws_sdk_eventbridge::Client,
    /// ECR client (repositories and their policies).
    pub ecr: aws_sdk_ecr::Client,
    /// Lambda client.
    pub lambda: aws_sdk_lambda::Client,
    /// Cognito user pools client.
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    /// CloudFront client (a global service: its calls go to us-east-1 whatever the region).
    pub cloudfront: aws_sdk_cloudfront::Client,
    /// The configured region.
    pub region: String,
    /// `default_tags { tags = {...} }` of the provider block.
    pub default_tags: BTreeMap<String, String>,
    /// Requests sent by this provider's clients, by operation.
    pub calls: std::sync::Arc<CallCounter>,
    /// The account and partition of the credentials, once asked for (one STS call per run).
    pub caller: std::sync::OnceLock<(String, String)>,
}

impl Ctx {
    /// Runs a future to completion on the provider's runtime.
    pub fn block_on<F: std::future::Future>(&self, future: F) -> F::Output {
        self.runtime.block_on(future)
    }
}

/// What a create or update did.
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub enum ApplyOutcome {
    /// It worked: the object's state, to record.
    Done(Value),
    /// It worked and the object no longer exists (a delete in a batch): nothing to record.
    Gone,
    /// It failed. `recorded` is what exists now, to record all the same: the prior state of an
    /// update, or a new object as far as its create got; `None` when nothing was made.
    Failed {
        /// The state to record despite the error.
        recorded: Option<Value>,
        /// What went wrong.
        error: ProviderError,
    },
}

impl ApplyOutcome {
    /// Failed, and nothing was made.
    pub fn failed(error: ProviderError) -> ApplyOutcome {
        ApplyOutcome::Failed { recorded: None, error }
    }

    /// Failed after the object was made or changed: `state` is what exists.
    pub fn partial(state: Value, error: ProviderError) -> ApplyOutcome {
        ApplyOutcome::Failed {
            recorded: Some(state),
            error,
        }
    }

    /// From a state that may be missing and an error that may have happened: an error makes
    /// it a failure (with the state recorded, if any), no state and no error that it is gone.
    pub fn from_parts(state: Option<Value>, error: Option<ProviderError>) -> ApplyOutcome {
        match (state, error) {
            (Some(state), None) => ApplyOutcome::Done(state),
            (recorded, Some(error)) => ApplyOutcome::Failed { recorded, error },
            (None, None) => ApplyOutcome::Gone,
        }
    }

    /// The state to record and the error to report.
    pub fn into_parts(self) -> (Option<Value>, Option<ProviderError>) {
        match self {
            ApplyOutcome::Done(state) => (Some(state), None),
            ApplyOutcome::Gone => (None, None),
            ApplyOutcome::Failed { recorded, error } => (recorded, Some(error)),
        }
    }

    /// The state to record, whether or not it failed.
    pub fn state(&self) -> Option<&Value> {
        match self {
            ApplyOutcome::Done(state) => Some(state),
            ApplyOutcome::Gone => None,
            ApplyOutcome::Failed { recorded, .. } => recorded.as_ref(),
        }
    }

    /// The error, if it failed.
    pub fn error(&self) -> Option<&ProviderError> {
        match self {
            ApplyOutcome::Done(_) | ApplyOutcome::Gone => None,
            ApplyOutcome::Failed { error, .. } => Some(error),
        }
    }
}

/// Combines an update's own result with the read after it: the state read (the prior state
/// when the read failed) and the update's error first; `missing` is the error to report when
/// the update succeeded but the object is gone.
pub(crate) fn update_outcome(
    prior: &Value,
    result: Result<(), ProviderError>,
    read: Result<Option<Value>, ProviderError>,
    missing: impl FnOnce() -> ProviderError,
) -> ApplyOutcome {
    match (result, read) {
        (Ok(()), Ok(Some(state))) => ApplyOutcome::Done(state),
        (Ok(()), Ok(None)) => ApplyOutcome::failed(missing()),
        (Ok(()), Err(e)) | (Err(e), Err(_)) => ApplyOutcome::partial(prior.clone(), e),
        (Err(e), Ok(state)) => ApplyOutcome::Failed {
            recorded: state,
            error: e,
        },
    }
}

/// What the engine hands a create, update or delete besides the values.
pub struct Step<'a> {
    /// The data the type's `plan_details` returned for this change (a change set to execute).
    pub private: Option<&'a str>,
    /// Records the create's import ID before the AWS call, so an interrupted create is
    /// adopted, not repeated.
    pub intent: &'a dyn Fn(&str),
    /// Reports progress of a long wait.
    pub progress: &'a dyn Fn(&str),
}

fn ignore(_: &str) {}

impl Step<'_> {
    /// A step that records nothing and reports nothing (batches and tests).
    pub const QUIET: Step<'static> = Step {
        private: None,
        intent: &ignore,
        progress: &ignore,
    };
}

/// One managed resource type (`aws_s3_bucket`, `aws_iam_role`, ...).
pub trait ResourceType: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;
    /// Arguments and attributes as in the Terraform AWS provider docs.
    fn schema(&self) -> Schema;
    /// Checks beyond the schema (value ranges, conflicting arguments). No network calls.
    fn validate(&self, _config: &Value) -> Vec<ValidateProblem> {
        Vec::new()
    }
    /// Refines the engine's proposed state: defaults, derivable computed values (`arn` from a
    /// known name), `tags_all`. No network calls. Returns `(planned, extra requires_replace)`.
    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let _ = (ctx, prior);
        Ok((proposed, Vec::new()))
    }
    /// Creates the object. Calls `step.intent(import_id)` right before the AWS create call.
    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome;
    /// Updates the object in place.
    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome;
    /// Deletes the object. Deleting an object that is already gone is success.
    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError>;
    /// Reads the current state; `Ok(None)` when it no longer exists. Keeps the prior's
    /// formatting of JSON documents that are semantically unchanged.
    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError>;
    /// Finds an object by its Terraform import ID; `Ok(None)` when there is none.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError>;

    /// The object `state` describes, just created, is recorded in the state for good: an
    /// intent tag put on it at create can go (see [`crate::support::naming::INTENT_TAG`]).
    fn recorded(&self, ctx: &Ctx, state: &Value) {
        let _ = (ctx, state);
    }

    /// Provider data and reviewer notes for a planned update or create, computed after `plan`
    /// (a CloudFormation change set ARN and its resource-level changes). May call AWS, but only
    /// when `prior` is `Some`: a plan against empty state makes no network call.
    fn plan_details(
        &self,
        ctx: &Ctx,
        prior: Option<&Value>,
        planned: &Value,
    ) -> Result<(Option<String>, Vec<String>), ProviderError> {
        let _ = (ctx, prior, planned);
        Ok((None, Vec::new()))
    }

    /// Whether this type's changes are applied in batches: the engine then groups ready
    /// instances by [`ResourceType::batch_key`] and hands each group to
    /// [`ResourceType::apply_batch`] in one parallelism slot. A batched type is global (its
    /// batches use the provider's home region).
    fn batched(&self) -> bool {
        false
    }

    /// Changes sharing a batch key are applied together by [`ResourceType::apply_batch`]
    /// (`route53:ZONEID` for records of one zone). `value` is planned, or prior for a delete.
    fn batch_key(&self, value: &Value) -> Option<String> {
        let _ = value;
        None
    }

    /// Applies changes sharing a batch key in as few calls as the service allows; one outcome
    /// per change, in order. The default applies them one by one.
    fn apply_batch(&self, ctx: &Ctx, changes: Vec<BatchChange<'_>>) -> Vec<ApplyOutcome> {
        changes
            .into_iter()
            .map(|c| match (c.prior, c.planned) {
                (None, Some(planned)) => {
                    let intent = |id: &str| {
                        (c.intent)(id);
                        (c.sync)();
                    };
                    self.create(ctx, planned, &c.step(&intent))
                }
                (Some(prior), Some(planned)) => self.update(ctx, prior, planned, &c.step(c.intent)),
                (Some(prior), None) => match self.delete(ctx, prior, &c.step(c.intent)) {
                    Ok(()) => ApplyOutcome::Gone,
                    Err(e) => ApplyOutcome::partial(prior.clone(), e),
                },
                (None, None) => ApplyOutcome::Gone,
            })
            .collect()
    }

    /// Reads several objects at once (one listing per zone); one result per prior, in order.
    fn read_batch(&self, ctx: &Ctx, priors: &[&Value]) -> Vec<Result<Option<Value>, ProviderError>> {
        priors.iter().map(|p| self.read(ctx, p)).collect()
    }
}

/// One change handed to [`ResourceType::apply_batch`].
pub struct BatchChange<'a> {
    /// The prior state (`None`: create).
    pub prior: Option<&'a Value>,
    /// The planned state (`None`: delete).
    pub planned: Option<&'a Value>,
    /// Records the create intent (call right before the create call).
    pub intent: &'a dyn Fn(&str),
    /// Makes the intents recorded so far durable: call once after recording the intents of a
    /// batch, before sending it (intents of a batch may be held in memory until then).
    pub sync: &'a dyn Fn(),
    /// Reports progress.
    pub progress: &'a dyn Fn(&str),
}

/// One data source type (`aws_iam_policy_document`, `aws_caller_identity`, ...).
pub trait DataType: Send + Sync {
    /// The Terraform type name.
    fn type_name(&self) -> &'static str;
    /// Arguments and attributes as in the Terraform AWS provider docs.
    fn schema(&self) -> Schema;
    /// Reads the data source from a fully known configuration.
    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError>;
}

impl<'a> BatchChange<'a> {
    /// The [`Step`] of this change alone, recording intents with `intent`.
    pub fn step(&self, intent: &'a dyn Fn(&str)) -> Step<'a> {
        Step {
            private: None,
            intent,
            progress: self.progress,
        }
    }
}
