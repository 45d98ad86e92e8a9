//! Application Auto Scaling: scalable targets (a DynamoDB table's capacity, an ECS service's
//! task count, ...) and the scaling policies that move them.

use crate::resource::{Ctx, ResourceType};
use crate::support::attrs::call;
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;

mod policy;
mod target;

/// Every Application Auto Scaling resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(target::Target), Box::new(policy::Policy)]
}

/// The three parts that name a scalable target, and with a policy's name a policy.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Key {
    namespace: String,
    resource_id: String,
    dimension: String,
}

impl Key {
    /// The key a state or plan holds, when all three parts are known.
    fn of(value: &Value) -> Option<Key> {
        let part = |k: &str| value.get(k).as_str().map(str::to_string);
        Some(Key {
            namespace: part("service_namespace")?,
            resource_id: part("resource_id")?,
            dimension: part("scalable_dimension")?,
        })
    }
}

/// An object's tags, by its ARN.
fn tags_of(ctx: &Ctx, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let out = call(
        ctx,
        &format!("reading the tags of Application Auto Scaling ({arn})"),
        ctx.autoscaling.list_tags_for_resource().resource_arn(arn).send(),
    )?;
    Ok(out.tags().cloned().unwrap_or_default().into_iter().collect())
}

/// Brings an object's tags to what `planned` asks for.
fn tag_sync(ctx: &Ctx, arn: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
    let op = format!("tagging Application Auto Scaling ({arn})");
    crate::support::tags::sync(
        ctx,
        prior,
        planned,
        |keys| {
            call(
                ctx,
                &op,
                ctx.autoscaling
                    .untag_resource()
                    .resource_arn(arn)
                    .set_tag_keys(Some(keys))
                    .send(),
            )
            .map(drop)
        },
        |tags| {
            call(
                ctx,
                &op,
                ctx.autoscaling
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(Some(tags.clone().into_iter().collect()))
                    .send(),
            )
            .map(drop)
        },
    )
}

/// Whether an error says the scalable target or policy does not exist. Application Auto
/// Scaling answers ObjectNotFoundException, and a ValidationException for a target it has
/// never seen.
fn not_there(e: &ProviderError) -> bool {
    e.code == "ObjectNotFoundException"
        || (e.code == "ValidationException" && e.message.contains("No scalable target found"))
}

#[cfg(test)]
mod tests;
