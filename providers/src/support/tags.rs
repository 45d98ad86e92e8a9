//! `tags` and `tags_all`: overlaying the provider's `default_tags`, telling the resource's own
//! tags from the defaults AWS reports back, and the changes between two tag maps.
//!
//! Each function comes in two forms: the plain one reads a tag map with
//! [`attrs::string_map`], the `_by` one with the reader its caller passes, for services whose
//! tag values are read differently (only strings, or lists joined).

use crate::resource::Ctx;
use crate::support::attrs::{self, map_value};
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;

/// How a module reads a tag map value into strings.
pub(crate) type ReadTags = fn(&Value) -> BTreeMap<String, String>;

/// Whether an object has tags in its state or configuration (`tags` or `tags_all`): types whose
/// tags AWS reads with a call of its own read them only then, one call fewer per refresh for
/// the untagged (tags added outside infinstor to an object without any are not reported).
pub(crate) fn has_tags(value: &Value) -> bool {
    !attrs::string_map(&value.get("tags")).is_empty() || !attrs::string_map(&value.get("tags_all")).is_empty()
}

/// `tags_all`: the provider's `default_tags` overlaid with the resource's `tags`.
pub(crate) fn tags_all(ctx: &Ctx, tags: &Value) -> Value {
    tags_all_by(attrs::string_map, ctx, tags)
}

/// [`tags_all`], reading `tags` with `read`.
pub(crate) fn tags_all_by(read: ReadTags, ctx: &Ctx, tags: &Value) -> Value {
    tags_all_over(read, &ctx.default_tags, tags)
}

/// [`tags_all_by`] over `defaults` instead of the provider's `default_tags` (a resource that
/// overrides them).
pub(crate) fn tags_all_over(read: ReadTags, defaults: &BTreeMap<String, String>, tags: &Value) -> Value {
    if tags.contains_unknown() {
        return Value::UNKNOWN;
    }
    let mut all = defaults.clone();
    all.extend(read(tags));
    map_value(&all)
}

/// Splits the tags AWS reports into (`tags`, `tags_all`): a tag that only comes from
/// `default_tags` belongs in `tags` only when the configuration also set it there, and the
/// intent tag ([`crate::support::naming::INTENT_TAG`]) belongs in neither.
pub(crate) fn split_tags(ctx: &Ctx, prior_tags: &Value, remote: BTreeMap<String, String>) -> (Value, Value) {
    split_tags_by(attrs::string_map, ctx, prior_tags, remote)
}

/// [`split_tags`], reading `prior_tags` with `read`.
pub(crate) fn split_tags_by(
    read: ReadTags,
    ctx: &Ctx,
    prior_tags: &Value,
    remote: BTreeMap<String, String>,
) -> (Value, Value) {
    split_tags_over(read, &ctx.default_tags, prior_tags, remote)
}

/// [`split_tags_by`] over `defaults` instead of the provider's `default_tags`.
pub(crate) fn split_tags_over(
    read: ReadTags,
    defaults: &BTreeMap<String, String>,
    prior_tags: &Value,
    mut remote: BTreeMap<String, String>,
) -> (Value, Value) {
    // The create's intent tag is infinstor's own bookkeeping, never a configured tag.
    remote.remove(crate::support::naming::INTENT_TAG);
    let prior = read(prior_tags);
    let own: BTreeMap<String, String> = remote
        .iter()
        .filter(|(k, v)| prior.contains_key(*k) || defaults.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let tags = if own.is_empty() && prior_tags.is_null() {
        Value::Null
    } else {
        map_value(&own)
    };
    (tags, map_value(&remote))
}

/// Tags to set and tag keys to remove to get from `old` to `new`, reading both maps with `read`.
pub(crate) fn tag_diff_by(read: ReadTags, old: &Value, new: &Value) -> (BTreeMap<String, String>, Vec<String>) {
    let old = read(old);
    let new = read(new);
    let set = new
        .iter()
        .filter(|(k, v)| old.get(*k) != Some(*v))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let remove = old.keys().filter(|k| !new.contains_key(*k)).cloned().collect();
    (set, remove)
}

/// Brings the object's tags from the prior `tags_all` to what `planned` asks for (its `tags`
/// over the provider's `default_tags`): `untag` removes keys, `tag` sets values; neither is
/// called when it has nothing to do.
pub(crate) fn sync(
    ctx: &Ctx,
    prior: &Value,
    planned: &Value,
    untag: impl FnOnce(Vec<String>) -> Result<(), ProviderError>,
    tag: impl FnOnce(&BTreeMap<String, String>) -> Result<(), ProviderError>,
) -> Result<(), ProviderError> {
    sync_by(attrs::string_map, ctx, prior, planned, untag, tag)
}

/// [`sync`], reading tag maps with `read`.
pub(crate) fn sync_by(
    read: ReadTags,
    ctx: &Ctx,
    prior: &Value,
    planned: &Value,
    untag: impl FnOnce(Vec<String>) -> Result<(), ProviderError>,
    tag: impl FnOnce(&BTreeMap<String, String>) -> Result<(), ProviderError>,
) -> Result<(), ProviderError> {
    let (set, remove) = tag_diff_by(
        read,
        &prior.get("tags_all"),
        &tags_all_by(read, ctx, &planned.get("tags")),
    );
    if !remove.is_empty() {
        untag(remove)?;
    }
    if !set.is_empty() {
        tag(&set)?;
    }
    Ok(())
}
