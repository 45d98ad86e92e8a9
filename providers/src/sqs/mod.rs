//! SQS: queues, and the policies managed apart from them (access, redrive, redrive allow).

use crate::resource::{Ctx, ResourceType};
use crate::support::attrs::call;
use crate::support::error::found;
use aws_sdk_sqs::types::QueueAttributeName;
use engine::core::provider::ProviderError;
use std::collections::BTreeMap;

mod queue;
mod queue_attribute;

/// Every SQS resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(queue::Queue),
        Box::new(queue_attribute::QueueAttribute::POLICY),
        Box::new(queue_attribute::QueueAttribute::REDRIVE),
        Box::new(queue_attribute::QueueAttribute::REDRIVE_ALLOW),
    ]
}

/// A queue's attributes; `None` when the queue does not exist.
fn attributes(ctx: &Ctx, url: &str) -> Result<Option<BTreeMap<String, String>>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading SQS Queue ({url})"),
        ctx.sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::All)
            .send(),
    ))?;
    Ok(out.map(|o| {
        o.attributes()
            .map(|m| m.iter().map(|(k, v)| (k.as_str().to_string(), v.clone())).collect())
            .unwrap_or_default()
    }))
}

/// Sets attributes of a queue (AWS attribute names and texts).
fn set_attributes(ctx: &Ctx, url: &str, changes: Vec<(String, String)>) -> Result<(), ProviderError> {
    if changes.is_empty() {
        return Ok(());
    }
    let names: Vec<&str> = changes.iter().map(|(k, _)| k.as_str()).collect();
    call(
        ctx,
        &format!("setting {} of SQS Queue ({url})", names.join(", ")),
        ctx.sqs
            .set_queue_attributes()
            .queue_url(url)
            .set_attributes(Some(
                changes
                    .iter()
                    .map(|(k, v)| (QueueAttributeName::from(k.as_str()), v.clone()))
                    .collect(),
            ))
            .send(),
    )
    .map(drop)
}

/// A queue's name: the last part of its URL.
fn name_of(url: &str) -> &str {
    url.trim_end_matches('/').rsplit('/').next().unwrap_or(url)
}

#[cfg(test)]
mod tests;
