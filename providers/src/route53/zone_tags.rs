//! Tags of hosted zones.

use crate::resource::Ctx;
use crate::support::attrs::{call, string_map};
use aws_sdk_route53::types::{Tag, TagResourceType};
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) fn list_zone_tags(ctx: &Ctx, zone_id: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let out = call(
        ctx,
        &format!("listing tags of Route 53 Hosted Zone ({zone_id})"),
        ctx.route53
            .list_tags_for_resource()
            .resource_type(TagResourceType::Hostedzone)
            .resource_id(zone_id)
            .send(),
    )?;
    Ok(out
        .resource_tag_set()
        .map(|s| {
            s.tags()
                .iter()
                .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
                .collect()
        })
        .unwrap_or_default())
}

/// Moves the zone's tags from `old` to `new` (ChangeTagsForResource takes ten of each at a time).
pub(super) fn change_zone_tags(ctx: &Ctx, zone_id: &str, old: &Value, new: &Value) -> Result<(), ProviderError> {
    let old = string_map(old);
    let new = string_map(new);
    let add: Vec<Tag> = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    let remove: Vec<String> = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
    let rounds = add.len().div_ceil(10).max(remove.len().div_ceil(10));
    for round in 0..rounds {
        let add_now: Vec<Tag> = add.iter().skip(round * 10).take(10).cloned().collect();
        let remove_now: Vec<String> = remove.iter().skip(round * 10).take(10).cloned().collect();
        call(
            ctx,
            &format!("tagging Route 53 Hosted Zone ({zone_id})"),
            ctx.route53
                .change_tags_for_resource()
                .resource_type(TagResourceType::Hostedzone)
                .resource_id(zone_id)
                .set_add_tags((!add_now.is_empty()).then_some(add_now))
                .set_remove_tag_keys((!remove_now.is_empty()).then_some(remove_now))
                .send(),
        )?;
    }
    Ok(())
}
