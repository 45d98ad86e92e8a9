//! Change calls and their propagation: the INSYNC wait, listings, zone names.

use crate::resource::Ctx;
use crate::route53::{
    api_name, clean_change_id, record_key, rrset_key, trim_dot, RecordKey, INSYNC_TIMEOUT, LIST_PAGE, MAX_POLL,
    NO_SUCH_ZONE,
};
use crate::support::attrs::call;
use crate::support::error::from_sdk;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_route53::operation::change_resource_record_sets::ChangeResourceRecordSetsError;
use aws_sdk_route53::types::{ChangeInfo, ChangeStatus, ResourceRecordSet, RrType};
use aws_smithy_runtime_api::client::result::SdkError;
use engine::core::provider::ProviderError;
use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::sync::Mutex;
use std::time::Duration;

/// Waits until a change reaches INSYNC, polling GetChange with a growing pause (1 s, 2 s, 4 s,
/// ... up to 15 s): most changes propagate within a minute, so early polls are cheap and late
/// ones rare.
pub(super) fn wait_change(ctx: &Ctx, id: &str, what: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
    let id = clean_change_id(id);
    progress(&format!("waiting for Route 53 change {id} ({what}) to reach INSYNC"));
    // Bound to a name: the waiter borrows `id` for its timeout message, and a temporary in the
    // function's last expression would outlive it.
    let waited = Waiter::new(format!("Route 53 change {id} ({what})"), INSYNC_TIMEOUT)
        .delays(Duration::from_secs(1), MAX_POLL)
        .timeout_message(|_| {
            format!(
                "Route 53 change {id} ({what}) did not reach INSYNC within {} minutes; the change \
                 was accepted and will still be applied. Run plan again later to confirm.",
                INSYNC_TIMEOUT.as_secs() / 60
            )
        })
        .wait(|| {
            let out = call(
                ctx,
                &format!("waiting for Route 53 change {id} ({what})"),
                ctx.route53.get_change().id(id).send(),
            )?;
            let insync = out
                .change_info()
                .map(|c| *c.status() == ChangeStatus::Insync)
                .unwrap_or(true);
            Ok(if insync {
                Poll::Ready(())
            } else {
                Poll::Pending("PENDING".into())
            })
        });
    waited
}

/// Waits for the change an operation returned, unless it is already INSYNC.
pub(super) fn settle_change(
    ctx: &Ctx,
    info: Option<&ChangeInfo>,
    what: &str,
    progress: &dyn Fn(&str),
) -> Result<(), ProviderError> {
    match info {
        Some(info) if *info.status() != ChangeStatus::Insync => wait_change(ctx, info.id(), what, progress),
        _ => Ok(()),
    }
}

/// Route 53 puts the reasons of a rejected change batch in a list of messages, which the
/// generic error conversion does not see.
pub(super) fn change_error<R: Debug + 'static>(
    op: &str,
    err: SdkError<ChangeResourceRecordSetsError, R>,
) -> ProviderError {
    if let Some(ChangeResourceRecordSetsError::InvalidChangeBatch(e)) = err.as_service_error() {
        if !e.messages().is_empty() {
            // A retry after a lost answer ("already exists") may be refusing what the lost
            // attempt did: that must not be taken for a refusal of the batch.
            return ProviderError::new(
                "InvalidChangeBatch",
                format!("{op}: InvalidChangeBatch: {}", e.messages().join("; ")),
            )
            .with_outcome_unknown(crate::support::error::outcome_unknown(&err));
        }
    }
    from_sdk(op, err)
}

/// Codes with which Route 53 rejects a batch because of what is in it; another batch of the
/// same records (a smaller one) may well pass.
pub(super) fn rejects_content(code: &str) -> bool {
    matches!(code, "InvalidChangeBatch" | "InvalidInput")
}

/// Every record set of a zone, in one paged listing of 300 per page.
pub(super) fn list_zone(ctx: &Ctx, zone_id: &str) -> Result<Vec<ResourceRecordSet>, ProviderError> {
    list_records(ctx, zone_id, None, LIST_PAGE, |_| true)
}

/// Pages through ListResourceRecordSets from `start` while `more` accepts the next start.
/// Duplicates are dropped: a page may begin with records the previous one returned when a name
/// and type have many set identifiers and the server ignores StartRecordIdentifier (moto does).
pub(super) fn list_records(
    ctx: &Ctx,
    zone_id: &str,
    start: Option<(String, RrType)>,
    max_items: i32,
    more: impl Fn(&RecordKey) -> bool,
) -> Result<Vec<ResourceRecordSet>, ProviderError> {
    let op = format!("listing records of Route 53 Hosted Zone ({zone_id})");
    let mut out = Vec::new();
    let mut seen: HashSet<RecordKey> = HashSet::new();
    let (mut name, mut rtype) = match start {
        Some((n, t)) => (Some(n), Some(t)),
        None => (None, None),
    };
    let mut identifier: Option<String> = None;
    loop {
        let page = call(
            ctx,
            &op,
            ctx.route53
                .list_resource_record_sets()
                .hosted_zone_id(zone_id)
                .set_start_record_name(name.clone())
                .set_start_record_type(rtype.clone())
                .set_start_record_identifier(identifier.clone())
                .max_items(max_items)
                .send(),
        )?;
        let mut fresh = false;
        for r in page.resource_record_sets() {
            if seen.insert(rrset_key(r)) {
                fresh = true;
                out.push(r.clone());
            }
        }
        if !page.is_truncated() || !fresh {
            return Ok(out);
        }
        match (page.next_record_name(), page.next_record_type()) {
            (Some(n), Some(t)) if more(&record_key(n, t.as_str(), page.next_record_identifier())) => {
                name = Some(n.to_string());
                rtype = Some(t.clone());
                identifier = page.next_record_identifier().map(str::to_string);
            }
            _ => return Ok(out),
        }
    }
}

/// The one record set with this name, type and set identifier, found with a listing that starts
/// at it (one short call instead of listing the zone).
pub(super) fn find_record(
    ctx: &Ctx,
    zone_id: &str,
    fqdn: &str,
    rtype: &str,
    set_identifier: Option<&str>,
) -> Result<Option<ResourceRecordSet>, ProviderError> {
    let want = record_key(fqdn, rtype, set_identifier);
    let start = (format!("{}.", trim_dot(fqdn)), RrType::from(rtype));
    let max_items = if set_identifier.is_some() { 100 } else { 1 };
    let same_set = |k: &RecordKey| k.0 == want.0 && k.1 == want.1;
    let found = list_records(ctx, zone_id, Some(start), max_items, same_set)?;
    Ok(found.into_iter().find(|r| rrset_key(r) == want))
}

/// The name of the zone the SOA record of a listing belongs to.
pub(super) fn apex_from_listing(records: &[ResourceRecordSet]) -> Option<String> {
    records
        .iter()
        .find(|r| *r.r#type() == RrType::Soa)
        .map(|r| api_name(r.name()))
}

/// Zone names by zone ID. A zone's name never changes and IDs are never reused, so a name
/// once seen (from GetHostedZone, a zone read or a listing's SOA record) is kept for the life
/// of the provider instead of being fetched for every record.
#[derive(Default)]
pub(super) struct ZoneNames(Mutex<HashMap<String, String>>);

impl ZoneNames {
    pub(super) fn get(&self, zone_id: &str) -> Option<String> {
        self.0.lock().ok()?.get(zone_id).cloned()
    }

    pub(super) fn put(&self, zone_id: &str, name: &str) {
        if let Ok(mut names) = self.0.lock() {
            names.insert(zone_id.to_string(), api_name(name));
        }
    }

    /// The zone's name in API form, from the cache or GetHostedZone.
    pub(super) fn name(&self, ctx: &Ctx, zone_id: &str) -> Result<String, ProviderError> {
        if let Some(name) = self.get(zone_id) {
            return Ok(name);
        }
        let out = call(
            ctx,
            &format!("reading Route 53 Hosted Zone ({zone_id})"),
            ctx.route53.get_hosted_zone().id(zone_id).send(),
        )?;
        let name = out.hosted_zone().map(|z| z.name().to_string()).ok_or_else(|| {
            ProviderError::new(
                NO_SUCH_ZONE,
                format!("reading Route 53 Hosted Zone ({zone_id}): no hosted zone in the response"),
            )
        })?;
        self.put(zone_id, &name);
        Ok(api_name(&name))
    }
}
