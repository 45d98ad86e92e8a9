//! CloudWatch: metric and composite alarms, and dashboards.

use crate::resource::{Ctx, ResourceType};
use crate::support::attrs::call;
use crate::support::error::found;
use aws_sdk_cloudwatch::types::Tag;
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;

mod composite_alarm;
mod dashboard;
mod metric_alarm;

/// Every CloudWatch resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(metric_alarm::Alarm),
        Box::new(composite_alarm::Composite),
        Box::new(dashboard::Dashboard),
    ]
}

/// CloudWatch tags for a request; `None` for none.
fn tag_list(tags: &BTreeMap<String, String>) -> Option<Vec<Tag>> {
    let list: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    (!list.is_empty()).then_some(list)
}

/// An alarm's tags as CloudWatch has them.
fn alarm_tags(ctx: &Ctx, arn: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading the tags of CloudWatch Alarm ({arn})"),
        ctx.cloudwatch.list_tags_for_resource().resource_arn(arn).send(),
    ))?;
    Ok(out
        .map(|o| {
            o.tags()
                .iter()
                .filter_map(|t| Some((t.key()?.to_string(), t.value()?.to_string())))
                .collect()
        })
        .unwrap_or_default())
}

/// Brings an alarm's tags to what `planned` asks for.
fn tag_sync(ctx: &Ctx, arn: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
    let op = format!("tagging CloudWatch Alarm ({arn})");
    crate::support::tags::sync(
        ctx,
        prior,
        planned,
        |keys| {
            call(
                ctx,
                &op,
                ctx.cloudwatch
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
                ctx.cloudwatch
                    .tag_resource()
                    .resource_arn(arn)
                    .set_tags(tag_list(tags))
                    .send(),
            )
            .map(drop)
        },
    )
}
