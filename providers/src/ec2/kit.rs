//! What every EC2 type shares: tags given at create through a tag specification (with the
//! intent tag an interrupted create is found by), tags changed with CreateTags/DeleteTags, tags
//! read back into `tags`/`tags_all`, ARNs EC2 does not return, and the filters of a describe.

use crate::resource::{ApplyOutcome, Ctx, Step};
use crate::support::attrs::{call, map_value, string_map, State};
use crate::support::naming::{intent_token, INTENT_TAG};
use crate::support::tags::{split_tags, sync, tags_all};
use aws_sdk_ec2::types::{Filter, ResourceType as Kind, Tag, TagSpecification};
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;

/// A tag map as EC2 takes it.
pub(crate) fn ec2_tags(tags: &Value) -> Vec<Tag> {
    string_map(tags)
        .into_iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

/// Tags as EC2 returns them.
pub(super) fn remote_tags(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
        .collect()
}

/// Puts `tags` and `tags_all` into a state being read, from what EC2 holds.
pub(super) fn put_tags(ctx: &Ctx, st: &mut State, prior: &Value, remote: &[Tag]) {
    let (tags, all) = split_tags(ctx, &prior.get("tags"), remote_tags(remote));
    st.insert("tags".into(), tags);
    st.insert("tags_all".into(), all);
}

/// The plan's `tags_all`.
pub(super) fn plan_tags(ctx: &Ctx, st: &mut State) {
    let all = tags_all(ctx, st.get("tags").unwrap_or(&Value::Null));
    st.insert("tags_all".into(), all);
}

/// A create's tags: the planned ones and the intent tag, whose token is returned with them.
/// The token is recorded (`intent:<token>`) before the create call, so that an object made by a
/// call whose answer was lost is found by [`intent_filter`] instead of made twice.
pub(super) fn create_tags(
    ctx: &Ctx,
    planned: &Value,
    kind: Kind,
    step: &Step<'_>,
    what: &str,
) -> (TagSpecification, String) {
    let token = intent_token(&[what]);
    let mut tags = ec2_tags(&tags_all(ctx, &planned.get("tags")));
    tags.push(Tag::builder().key(INTENT_TAG).value(&token).build());
    (step.intent)(&format!("intent:{token}"));
    let spec = TagSpecification::builder()
        .resource_type(kind)
        .set_tags(Some(tags))
        .build();
    (spec, token)
}

/// The filter of a describe that finds the object a create tagged with `token`.
pub(super) fn intent_filter(token: &str) -> Filter {
    filter(&format!("tag:{INTENT_TAG}"), [token])
}

/// A describe filter.
pub(super) fn filter<S: Into<String>>(name: &str, values: impl IntoIterator<Item = S>) -> Filter {
    Filter::builder()
        .name(name)
        .set_values(Some(values.into_iter().map(Into::into).collect()))
        .build()
}

/// Brings the object's tags from the prior state to the planned ones.
pub(super) fn update_tags(
    ctx: &Ctx,
    id: &str,
    what: &str,
    prior: &Value,
    planned: &Value,
) -> Result<(), ProviderError> {
    sync(
        ctx,
        prior,
        planned,
        |keys| {
            let tags = keys.iter().map(|k| Tag::builder().key(k).build()).collect();
            call(
                ctx,
                &format!("untagging {what} ({id})"),
                ctx.ec2.delete_tags().resources(id).set_tags(Some(tags)).send(),
            )
            .map(|_| ())
        },
        |set| {
            call(
                ctx,
                &format!("tagging {what} ({id})"),
                ctx.ec2
                    .create_tags()
                    .resources(id)
                    .set_tags(Some(ec2_tags(&map_value(set))))
                    .send(),
            )
            .map(|_| ())
        },
    )
}

/// The ARN of an EC2 object EC2 does not return one for: `<kind>/<id>` in the region, under
/// `owner` when the object names its owner and the caller's account otherwise.
pub(super) fn arn(ctx: &Ctx, owner: Option<&str>, kind: &str, id: &str) -> Value {
    match ctx.caller_account() {
        Ok((account, partition)) => Value::string(format!(
            "arn:{partition}:ec2:{}:{}:{kind}/{id}",
            ctx.region,
            owner.unwrap_or(&account)
        )),
        Err(_) => Value::Null,
    }
}

/// The import ID a create recorded as its intent, when `id` is one.
pub(super) fn intent_of(id: &str) -> Option<&str> {
    id.strip_prefix("intent:")
}

/// What a create returns when the object cannot be read right after it was made.
pub(super) fn vanished(what: &str, id: &str) -> ApplyOutcome {
    ApplyOutcome::failed(ProviderError::new(
        "NotFound",
        format!("{what} ({id}) was created but cannot be read back; run plan to see it"),
    ))
}

/// A boolean argument, or its default.
pub(super) fn flag(v: &Value, key: &str, default: bool) -> bool {
    v.get(key).as_bool().unwrap_or(default)
}

/// The describe filters a data source's configuration asks for: its `filter` blocks, the
/// arguments that stand for a filter (`(argument, filter name)`), and `tags` as `tag:KEY`.
pub(super) fn lookup_filters(config: &Value, by: &[(&str, &str)]) -> Vec<Filter> {
    let mut out: Vec<Filter> = crate::support::attrs::block_items(config, "filter")
        .iter()
        .map(|f| {
            filter(
                f.get("name").as_str().unwrap_or_default(),
                crate::support::attrs::string_set(&f.get("values")),
            )
        })
        .collect();
    for (argument, name) in by {
        if let Some(text) = config.get(argument).to_template_string() {
            out.push(filter(name, [text]));
        }
    }
    for (k, v) in string_map(&config.get("tags")) {
        out.push(filter(&format!("tag:{k}"), [v]));
    }
    out
}

/// The one object a lookup found, with Terraform's errors for none and for several.
pub(super) fn only<T>(mut found: Vec<T>, what: &str) -> Result<T, ProviderError> {
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(ProviderError::new(
            "NotFound",
            format!("no matching {what} found: check the filters and tags, and that it is in this region"),
        )),
        n => Err(ProviderError::new(
            "TooManyResults",
            format!("{n} {what}s matched; use additional constraints to reduce matches to a single {what}"),
        )),
    }
}

/// What a data source does not have: a wait to limit.
pub(super) const READ_DOES_NOT_WAIT: &str = "The read does not wait: remove the block.";

/// Takes the intent tag off an object whose create the state now records (best effort: a tag
/// left behind is never part of `tags` or `tags_all` here, but Terraform would show it).
pub(super) fn drop_intent(ctx: &Ctx, state: &Value) {
    if let Some(id) = crate::support::attrs::sref(state, "id") {
        let _ = call(
            ctx,
            &format!("removing the intent tag of {id}"),
            ctx.ec2
                .delete_tags()
                .resources(id)
                .tags(Tag::builder().key(INTENT_TAG).build())
                .send(),
        );
    }
}

/// Runs `attempt` (a delete or detach) until EC2 stops refusing it with `DependencyViolation`,
/// for at most `limit`: network interfaces of deleted NAT gateways, endpoints and functions,
/// and associations being removed at the same moment, hold subnets, groups, tables and VPCs
/// for minutes after their owners are gone. What it waits for is `what` ("EC2 Subnet (id)").
pub(super) fn when_free<T>(
    what: &str,
    limit: std::time::Duration,
    attempt: impl FnMut() -> Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    use std::time::Duration;
    crate::support::wait::Waiter::new(format!("{what} to be free of what depends on it"), limit)
        .delays(Duration::from_secs(1), Duration::from_secs(10))
        .retry(|e| e.code == "DependencyViolation", attempt)
}
