//! SNS: topics, their policies and subscriptions.

use crate::resource::{Ctx, ResourceType};
use crate::support::attrs::call;
use crate::support::error::found;
use aws_sdk_sns::types::Tag;
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;

mod subscription;
mod topic;
mod topic_policy;

/// Every SNS resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(topic::Topic),
        Box::new(topic_policy::TopicPolicy),
        Box::new(subscription::Subscription),
    ]
}

/// A topic's attributes; `None` when the topic does not exist.
fn attributes(ctx: &Ctx, arn: &str) -> Result<Option<BTreeMap<String, String>>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading SNS Topic ({arn})"),
        ctx.sns.get_topic_attributes().topic_arn(arn).send(),
    ))?;
    Ok(out.map(|o| {
        o.attributes()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default()
    }))
}

/// Sets one attribute of a topic (SNS takes them one at a time).
fn set_attribute(ctx: &Ctx, arn: &str, attribute: &str, text: &str) -> Result<(), ProviderError> {
    call(
        ctx,
        &format!("setting {attribute} of SNS Topic ({arn})"),
        ctx.sns
            .set_topic_attributes()
            .topic_arn(arn)
            .attribute_name(attribute)
            .attribute_value(text)
            .send(),
    )
    .map(drop)
}

/// SNS tags for a request; `None` for none.
fn tag_list(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    let list: Vec<Tag> = tags
        .iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect();
    (!list.is_empty()).then_some(list)
}

/// A topic's tags as SNS has them.
fn topic_tags(ctx: &Ctx, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let out = call(
        ctx,
        &format!("reading the tags of SNS Topic ({arn})"),
        ctx.sns.list_tags_for_resource().resource_arn(arn).send(),
    )?;
    Ok(out
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect())
}

/// Brings a topic's tags to what `planned` asks for.
fn tag_sync(ctx: &Ctx, arn: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
    let op = format!("tagging SNS Topic ({arn})");
    crate::support::tags::sync(
        ctx,
        prior,
        planned,
        |keys| {
            call(
                ctx,
                &op,
                ctx.sns
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
                ctx.sns.tag_resource().resource_arn(arn).set_tags(tag_list(tags)).send(),
            )
            .map(drop)
        },
    )
}
