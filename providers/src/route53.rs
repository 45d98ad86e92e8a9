//! Route 53: hosted zones (`aws_route53_zone`), records (`aws_route53_record`) and the
//! `aws_route53_zone` data source.
//!
//! Records are where batching pays off. One ChangeResourceRecordSets call carries up to 1,000
//! record changes of a hosted zone and one ListResourceRecordSets page returns 300 records, while
//! Terraform's provider spends at least five calls (and an INSYNC wait) per created record and two
//! per refreshed one. So `aws_route53_record` implements the batch methods: all changes of a zone
//! go into as few change batches as Route 53's limits allow, each followed by one INSYNC wait, and
//! a refresh lists each zone once. Route 53 rejects a whole batch when a single change in it is
//! invalid; a rejected batch is split (the records the rejection names go on their own, else the
//! batch is halved) until every record has its own outcome, so one bad record neither fails its
//! batch-mates nor hides which record it was.
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider.

use crate::resource::{ApplyOutcome, BatchChange, Ctx, DataType, ResourceType};
use crate::support::attrs::{
    block_items, call, finish, get, into_state, list_of_strings, map_of_strings, map_value, problem, set_of_strings,
    set_value, sref, string_map, State,
};
use crate::support::error::from_sdk;
use crate::support::tags::{split_tags, tags_all};
use aws_sdk_route53::operation::change_resource_record_sets::ChangeResourceRecordSetsError;
use aws_sdk_route53::types::{
    AliasTarget, Change, ChangeAction, ChangeBatch, ChangeInfo, ChangeStatus, GeoLocation, HostedZoneConfig,
    ResourceRecord, ResourceRecordSet, ResourceRecordSetFailover, ResourceRecordSetRegion, RrType, Tag,
    TagResourceType, Vpc, VpcRegion,
};
use aws_smithy_runtime_api::client::result::SdkError;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt::Debug;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    let zones = Arc::new(ZoneNames::default());
    vec![Box::new(Zone { zones: zones.clone() }), Box::new(Record { zones })]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(ZoneData)]
}

/// At most this many ResourceRecord elements go into one change batch (an UPSERT counts twice).
const MAX_BATCH_RECORDS: usize = 1_000;
/// At most this many characters of record values go into one change batch (UPSERT twice).
const MAX_BATCH_CHARS: usize = 32_000;
/// The largest page ListResourceRecordSets returns.
const LIST_PAGE: i32 = 300;
/// How long a change may take to reach INSYNC (Terraform's default timeout is 30 minutes too).
const INSYNC_TIMEOUT: Duration = Duration::from_secs(30 * 60);
/// The longest pause between two GetChange polls.
const MAX_POLL: Duration = Duration::from_secs(15);
/// Terraform's default `comment` of a hosted zone.
const DEFAULT_ZONE_COMMENT: &str = "Managed by Terraform";
/// Route 53's code for a zone that does not exist.
const NO_SUCH_ZONE: &str = "NoSuchHostedZone";
/// Record types Route 53 accepts (the `RRType` enumeration).
const RR_TYPES: &[&str] = &[
    "A", "AAAA", "CAA", "CNAME", "DS", "HTTPS", "MX", "NAPTR", "NS", "PTR", "SOA", "SPF", "SRV", "SSHFP", "SVCB",
    "TLSA", "TXT",
];

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// A string value, `Null` for an absent or empty one.
fn opt_string(s: Option<&str>) -> Value {
    s.filter(|s| !s.is_empty()).map(Value::string).unwrap_or(Value::Null)
}

/// A whole number attribute.
fn int(v: &Value) -> Option<i64> {
    v.as_f64().filter(|n| n.fract() == 0.0).map(|n| n as i64)
}

fn first_block(value: &Value, key: &str) -> Option<Value> {
    block_items(value, key).into_iter().next()
}

/// The known strings of a list or set attribute.
fn strings_of(value: &Value) -> Vec<String> {
    value
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect()
}

/// The partition of a region, for ARNs.
fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else {
        "aws"
    }
}

/// `Z123` from `/hostedzone/Z123` (Route 53 returns the long form, users write either).
fn clean_zone_id(id: &str) -> &str {
    id.strip_prefix("/hostedzone/").unwrap_or(id)
}

fn clean_change_id(id: &str) -> &str {
    id.strip_prefix("/change/").unwrap_or(id)
}

fn clean_delegation_set_id(id: &str) -> &str {
    id.strip_prefix("/delegationset/").unwrap_or(id)
}

/// A unique CallerReference for CreateHostedZone: Route 53 refuses to reuse one.
fn caller_reference() -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    format!(
        "infinstor-{}{:09}-{}-{}",
        now.as_secs(),
        now.subsec_nanos(),
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

// ---------------------------------------------------------------------------------------------
// Domain names
// ---------------------------------------------------------------------------------------------

/// `name` without one trailing dot; the root name `.` stays as it is.
fn trim_dot(name: &str) -> &str {
    if name.len() > 1 {
        name.strip_suffix('.').unwrap_or(name)
    } else {
        name
    }
}

/// A domain name in Route 53's own form: lower case, no trailing dot, and every character
/// outside `a-z 0-9 - . _` as a three-digit octal escape, except `*` as the leftmost label.
/// This is what Terraform sends (its normalizeDomainNameToAPI), so both create the same names.
fn api_name(input: &str) -> String {
    let input = trim_dot(input);
    if input == "." {
        return input.to_string();
    }
    let bytes = input.as_bytes();
    let mut out = String::with_capacity(input.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'A'..=b'Z' => out.push(b.to_ascii_lowercase() as char),
            b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => out.push(b as char),
            b'*' if out.is_empty() && bytes.get(i + 1) == Some(&b'.') => out.push('*'),
            b'\\' if i + 3 < bytes.len() && bytes[i + 1..i + 4].iter().all(|d| (b'0'..=b'7').contains(d)) => {
                out.push_str(&input[i..i + 4]);
                i += 4;
                continue;
            }
            other => out.push_str(&format!("\\{other:03o}")),
        }
        i += 1;
    }
    out
}

/// A key to compare domain names by: escapes decoded, ASCII lower case, no trailing dot.
fn name_key(name: &str) -> String {
    let bytes = trim_dot(name).as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'\\' && i + 3 < bytes.len() && bytes[i + 1..i + 4].iter().all(|d| (b'0'..=b'7').contains(d)) {
            let code = bytes[i + 1..i + 4]
                .iter()
                .fold(0u32, |acc, d| acc * 8 + u32::from(d - b'0'));
            if let Ok(decoded) = u8::try_from(code) {
                out.push(decoded.to_ascii_lowercase());
                i += 4;
                continue;
            }
        }
        out.push(bytes[i].to_ascii_lowercase());
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// The record name Route 53 needs: `name` as is when it already lies in the zone, else `name`
/// relative to the zone (`www` in `example.com` is `www.example.com`; an empty name is the apex).
fn expand_record_name(name: &str, zone: &str) -> String {
    let rn = api_name(name);
    let zone = api_name(zone);
    if rn == zone || rn.ends_with(&format!(".{zone}")) {
        rn
    } else if rn.is_empty() {
        zone
    } else {
        format!("{rn}.{zone}")
    }
}

/// The `fqdn` attribute: the API name, with a leading `\052` shown as `*` like Terraform does.
fn display_fqdn(api: &str) -> String {
    match api.strip_prefix("\\052.") {
        Some(rest) => format!("*.{rest}"),
        None => api.to_string(),
    }
}

/// `ZONEID_NAME_TYPE[_SETIDENTIFIER]`, the ID and import ID of `aws_route53_record`.
fn record_id(zone: &str, name: &str, rtype: &str, set_identifier: Option<&str>) -> String {
    let name = name.strip_suffix('.').unwrap_or(name).to_lowercase();
    let mut id = format!("{}_{name}_{rtype}", clean_zone_id(zone));
    if let Some(set) = set_identifier.filter(|s| !s.is_empty()) {
        id.push('_');
        id.push_str(set);
    }
    id
}

/// Splits a record import ID; names and set identifiers may themselves contain underscores, so
/// the type (the first part, after at least one name part, that is a record type) anchors it.
fn parse_record_id(id: &str) -> Option<(String, String, String, Option<String>)> {
    let parts: Vec<&str> = id.split('_').collect();
    if parts.len() < 3 || parts[0].is_empty() {
        return None;
    }
    let at = (2..parts.len()).find(|&i| RR_TYPES.contains(&parts[i]))?;
    let name = parts[1..at].join("_");
    let name = name.strip_suffix('.').unwrap_or(&name).to_string();
    let set = parts[at + 1..].join("_");
    Some((
        clean_zone_id(parts[0]).to_string(),
        name,
        parts[at].to_string(),
        (!set.is_empty()).then_some(set),
    ))
}

/// Record types whose values Route 53 keeps as quoted character strings.
fn quoted_type(rtype: &str) -> bool {
    rtype == "TXT" || rtype == "SPF"
}

/// A record value as sent: TXT and SPF values get the quotes Terraform users leave out.
fn value_to_api(rtype: &str, value: &str) -> String {
    if quoted_type(rtype) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// A record value as state keeps it: the outer quotes of TXT and SPF values removed.
fn value_from_api(rtype: &str, value: &str) -> String {
    if quoted_type(rtype) && value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value[1..value.len() - 1].to_string()
    } else {
        value.to_string()
    }
}

/// True when two sets of record values mean the same to DNS (host names are case-insensitive
/// and absolute with or without their trailing dot; character strings are compared exactly).
fn same_values(rtype: &str, a: &[String], b: &[String]) -> bool {
    let key = |v: &String| {
        if quoted_type(rtype) {
            v.clone()
        } else {
            trim_dot(v).to_ascii_lowercase()
        }
    };
    let mut x: Vec<String> = a.iter().map(key).collect();
    let mut y: Vec<String> = b.iter().map(key).collect();
    x.sort();
    x.dedup();
    y.sort();
    y.dedup();
    x == y
}

/// Alias targets compare case-insensitively, without the trailing dot and the `dualstack.`
/// prefix Route 53 may add to load balancer names.
fn alias_key(name: &str) -> String {
    let key = name_key(name);
    key.strip_prefix("dualstack.").map(str::to_string).unwrap_or(key)
}

/// Identifies a record set within a zone: name, type and set identifier.
type RecordKey = (String, String, String);

fn record_key(name: &str, rtype: &str, set_identifier: Option<&str>) -> RecordKey {
    (
        name_key(name),
        rtype.to_ascii_uppercase(),
        set_identifier.unwrap_or("").to_string(),
    )
}

/// True when two record sets are the same to Route 53 (names in any form, values in any order).
fn same_rrset(a: &ResourceRecordSet, b: &ResourceRecordSet) -> bool {
    let (mut x, mut y) = (Spec::from_rrset(a), Spec::from_rrset(b));
    x.records.sort();
    y.records.sort();
    x == y
}

fn rrset_key(r: &ResourceRecordSet) -> RecordKey {
    record_key(r.name(), r.r#type().as_str(), r.set_identifier())
}

// ---------------------------------------------------------------------------------------------
// Tags
// ---------------------------------------------------------------------------------------------

fn list_zone_tags(ctx: &Ctx, zone_id: &str) -> Result<BTreeMap<String, String>, ProviderError> {
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
fn change_zone_tags(ctx: &Ctx, zone_id: &str, old: &Value, new: &Value) -> Result<(), ProviderError> {
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

// ---------------------------------------------------------------------------------------------
// Changes and their propagation
// ---------------------------------------------------------------------------------------------

/// Waits until a change reaches INSYNC, polling GetChange with a growing pause (1 s, 2 s, 4 s,
/// ... up to 15 s): most changes propagate within a minute, so early polls are cheap and late
/// ones rare.
fn wait_change(ctx: &Ctx, id: &str, what: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
    let id = clean_change_id(id);
    progress(&format!("waiting for Route 53 change {id} ({what}) to reach INSYNC"));
    let start = Instant::now();
    let mut pause = Duration::from_secs(1);
    loop {
        std::thread::sleep(pause);
        let out = call(
            ctx,
            &format!("waiting for Route 53 change {id} ({what})"),
            ctx.route53.get_change().id(id).send(),
        )?;
        if out
            .change_info()
            .map(|c| *c.status() == ChangeStatus::Insync)
            .unwrap_or(true)
        {
            return Ok(());
        }
        if start.elapsed() > INSYNC_TIMEOUT {
            return Err(ProviderError::new(
                "Timeout",
                format!(
                    "Route 53 change {id} ({what}) did not reach INSYNC within {} minutes; the change \
                     was accepted and will still be applied. Run plan again later to confirm.",
                    INSYNC_TIMEOUT.as_secs() / 60
                ),
            ));
        }
        pause = (pause * 2).min(MAX_POLL);
    }
}

/// Waits for the change an operation returned, unless it is already INSYNC.
fn settle_change(
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
fn change_error<R: Debug + 'static>(op: &str, err: SdkError<ChangeResourceRecordSetsError, R>) -> ProviderError {
    if let Some(ChangeResourceRecordSetsError::InvalidChangeBatch(e)) = err.as_service_error() {
        if !e.messages().is_empty() {
            return ProviderError::new(
                "InvalidChangeBatch",
                format!("{op}: InvalidChangeBatch: {}", e.messages().join("; ")),
            );
        }
    }
    from_sdk(op, err)
}

/// Codes with which Route 53 rejects a batch because of what is in it; another batch of the
/// same records (a smaller one) may well pass.
fn rejects_content(code: &str) -> bool {
    matches!(code, "InvalidChangeBatch" | "InvalidInput")
}

/// Every record set of a zone, in one paged listing of 300 per page.
fn list_zone(ctx: &Ctx, zone_id: &str) -> Result<Vec<ResourceRecordSet>, ProviderError> {
    list_records(ctx, zone_id, None, LIST_PAGE, |_| true)
}

/// Pages through ListResourceRecordSets from `start` while `more` accepts the next start.
/// Duplicates are dropped: a page may begin with records the previous one returned when a name
/// and type have many set identifiers and the server ignores StartRecordIdentifier (moto does).
fn list_records(
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
fn find_record(
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
fn apex_from_listing(records: &[ResourceRecordSet]) -> Option<String> {
    records
        .iter()
        .find(|r| *r.r#type() == RrType::Soa)
        .map(|r| api_name(r.name()))
}

/// Zone names by zone ID. A zone's name never changes and IDs are never reused, so a name
/// once seen (from GetHostedZone, a zone read or a listing's SOA record) is kept for the life
/// of the provider instead of being fetched for every record.
#[derive(Default)]
struct ZoneNames(Mutex<HashMap<String, String>>);

impl ZoneNames {
    fn get(&self, zone_id: &str) -> Option<String> {
        self.0.lock().ok()?.get(zone_id).cloned()
    }

    fn put(&self, zone_id: &str, name: &str) {
        if let Ok(mut names) = self.0.lock() {
            names.insert(zone_id.to_string(), api_name(name));
        }
    }

    /// The zone's name in API form, from the cache or GetHostedZone.
    fn name(&self, ctx: &Ctx, zone_id: &str) -> Result<String, ProviderError> {
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

// ---------------------------------------------------------------------------------------------
// aws_route53_record: the record as Route 53 sees it
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
struct Alias {
    name: String,
    zone_id: String,
    evaluate_target_health: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
struct Geo {
    continent: Option<String>,
    country: Option<String>,
    subdivision: Option<String>,
}

/// One record set: what a configuration asks for, or what Route 53 has.
#[derive(Debug, Clone, PartialEq, Default)]
struct Spec {
    /// The name in API form, without the trailing dot.
    fqdn: String,
    rtype: String,
    set_identifier: Option<String>,
    ttl: Option<i64>,
    /// Values as state keeps them (TXT without the outer quotes).
    records: Vec<String>,
    alias: Option<Alias>,
    weight: Option<i64>,
    latency_region: Option<String>,
    failover: Option<String>,
    geo: Option<Geo>,
    multivalue: Option<bool>,
    health_check_id: Option<String>,
}

impl Spec {
    /// The record a state or planned value describes, named `fqdn`.
    fn from_value(v: &Value, fqdn: String) -> Result<Spec, ProviderError> {
        let rtype = sref(v, "type")
            .ok_or_else(|| ProviderError::new("InvalidArgument", "Route 53 Record: `type` is required"))?
            .to_string();
        let alias = first_block(v, "alias").map(|a| Alias {
            name: sref(&a, "name").unwrap_or("").to_string(),
            zone_id: sref(&a, "zone_id").unwrap_or("").to_string(),
            evaluate_target_health: a.get("evaluate_target_health").as_bool().unwrap_or(false),
        });
        let geo = first_block(v, "geolocation_routing_policy").map(|g| Geo {
            continent: sref(&g, "continent").filter(|s| !s.is_empty()).map(str::to_string),
            country: sref(&g, "country").filter(|s| !s.is_empty()).map(str::to_string),
            subdivision: sref(&g, "subdivision").filter(|s| !s.is_empty()).map(str::to_string),
        });
        Ok(Spec {
            fqdn,
            rtype,
            set_identifier: sref(v, "set_identifier").filter(|s| !s.is_empty()).map(str::to_string),
            ttl: int(&v.get("ttl")),
            records: strings_of(&v.get("records")),
            alias,
            weight: first_block(v, "weighted_routing_policy").and_then(|w| int(&w.get("weight"))),
            latency_region: first_block(v, "latency_routing_policy")
                .and_then(|l| sref(&l, "region").map(str::to_string)),
            failover: first_block(v, "failover_routing_policy").and_then(|f| sref(&f, "type").map(str::to_string)),
            geo,
            multivalue: v.get("multivalue_answer_routing_policy").as_bool(),
            health_check_id: sref(v, "health_check_id").filter(|s| !s.is_empty()).map(str::to_string),
        })
    }

    /// What Route 53 reports.
    fn from_rrset(r: &ResourceRecordSet) -> Spec {
        let rtype = r.r#type().as_str().to_string();
        Spec {
            fqdn: api_name(r.name()),
            set_identifier: r.set_identifier().map(str::to_string),
            ttl: r.ttl(),
            records: r
                .resource_records()
                .iter()
                .map(|v| value_from_api(&rtype, v.value()))
                .collect(),
            alias: r.alias_target().map(|a| Alias {
                name: a.dns_name().to_string(),
                zone_id: a.hosted_zone_id().to_string(),
                evaluate_target_health: a.evaluate_target_health(),
            }),
            weight: r.weight(),
            latency_region: r.region().map(|x| x.as_str().to_string()),
            failover: r.failover().map(|x| x.as_str().to_string()),
            geo: r.geo_location().map(|g| Geo {
                continent: g.continent_code().map(str::to_string),
                country: g.country_code().map(str::to_string),
                subdivision: g.subdivision_code().map(str::to_string),
            }),
            multivalue: r.multi_value_answer(),
            health_check_id: r.health_check_id().map(str::to_string),
            rtype,
        }
    }

    /// How errors and progress name the record: `www.example.com A`, plus the set identifier.
    fn label(&self) -> String {
        let mut label = format!("{} {}", display_fqdn(&self.fqdn), self.rtype);
        if let Some(set) = &self.set_identifier {
            label.push_str(&format!(", set_identifier {set}"));
        }
        label
    }

    fn key(&self) -> RecordKey {
        record_key(&self.fqdn, &self.rtype, self.set_identifier.as_deref())
    }

    fn to_rrset(&self) -> Result<ResourceRecordSet, ProviderError> {
        let invalid = |e: aws_smithy_types::error::operation::BuildError| {
            ProviderError::new("InvalidArgument", format!("Route 53 Record ({}): {e}", self.label()))
        };
        let mut b = ResourceRecordSet::builder()
            .name(&self.fqdn)
            .r#type(RrType::from(self.rtype.as_str()));
        if !self.records.is_empty() {
            let values = self
                .records
                .iter()
                .map(|v| ResourceRecord::builder().value(value_to_api(&self.rtype, v)).build())
                .collect::<Result<Vec<_>, _>>()
                .map_err(invalid)?;
            b = b.set_resource_records(Some(values)).set_ttl(self.ttl);
        }
        if let Some(a) = &self.alias {
            b = b.alias_target(
                AliasTarget::builder()
                    .dns_name(&a.name)
                    .hosted_zone_id(&a.zone_id)
                    .evaluate_target_health(a.evaluate_target_health)
                    .build()
                    .map_err(invalid)?,
            );
        }
        if let Some(w) = self.weight {
            b = b.weight(w);
        }
        if let Some(r) = &self.latency_region {
            b = b.region(ResourceRecordSetRegion::from(r.as_str()));
        }
        if let Some(f) = &self.failover {
            b = b.failover(ResourceRecordSetFailover::from(f.as_str()));
        }
        if let Some(g) = &self.geo {
            b = b.geo_location(
                GeoLocation::builder()
                    .set_continent_code(g.continent.clone())
                    .set_country_code(g.country.clone())
                    .set_subdivision_code(g.subdivision.clone())
                    .build(),
            );
        }
        // Like Terraform, `false` is not sent: it is what an absent flag means.
        if self.multivalue == Some(true) {
            b = b.multi_value_answer(true);
        }
        b.set_health_check_id(self.health_check_id.clone())
            .set_set_identifier(self.set_identifier.clone())
            .build()
            .map_err(invalid)
    }
}

// ---------------------------------------------------------------------------------------------
// aws_route53_record: change batches
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Delete,
    Update,
    Create,
}

/// One resource's part of a change batch: one Route 53 change, or two (DELETE and CREATE)
/// when an update moves the record to a new identity; those two never go into separate calls.
#[derive(Debug, Clone)]
struct Unit {
    /// Position of the change in the batch the engine handed over.
    idx: usize,
    kind: Kind,
    changes: Vec<(ChangeAction, ResourceRecordSet)>,
    label: String,
    /// The import ID a create records as its intent.
    import_id: Option<String>,
}

impl Unit {
    /// What this unit counts against the limits of one request: (ResourceRecord elements,
    /// characters of values). UPSERT counts twice; an alias change counts as one element so a
    /// batch of aliases also stays at 1,000 changes.
    fn cost(&self) -> (usize, usize) {
        self.changes.iter().fold((0, 0), |(n, chars), (action, r)| {
            let times = if *action == ChangeAction::Upsert { 2 } else { 1 };
            let values = r.resource_records();
            let len: usize = values.iter().map(|v| v.value().len()).sum();
            (n + times * values.len().max(1), chars + times * len)
        })
    }

    /// The operation, as errors name it.
    fn op(&self) -> String {
        let verb = match self.kind {
            Kind::Create => "creating",
            Kind::Update => "updating",
            Kind::Delete => "deleting",
        };
        format!("{verb} Route 53 Record ({})", self.label)
    }

    /// True when a rejection message names this unit's record (Route 53 says
    /// `[name='www.example.com.', type='A']` or `DNS name www.example.com.`) or one of its values
    /// (`encountered with '1.2.3'`).
    fn named_in(&self, message: &str) -> bool {
        let lower = message.to_ascii_lowercase();
        self.changes.iter().any(|(_, r)| {
            let name = api_name(r.name());
            let rtype = r.r#type().as_str().to_ascii_lowercase();
            let by_name = [
                format!("name='{name}.'"),
                format!("name='{name}'"),
                format!("dns name {name}."),
                format!("name={name},"),
            ]
            .iter()
            .any(|p| lower.contains(p.as_str()));
            let typed = !lower.contains("type='") || lower.contains(&format!("type='{rtype}'"));
            let by_value = r
                .resource_records()
                .iter()
                .any(|v| message.contains(&format!("encountered with '{}'", v.value())));
            (by_name && typed) || by_value
        })
    }

    /// `err` as this record's error, naming the record unless it already does.
    fn error(&self, err: &ProviderError) -> ProviderError {
        let op = self.op();
        if err.message.starts_with(&op) {
            err.clone()
        } else {
            ProviderError::new(err.code.clone(), format!("{op}: {}", err.message))
        }
    }
}

/// Splits units into requests within Route 53's limits, keeping their order. Route 53 also
/// rejects a request that changes one record set twice (two configurations of the same ACM
/// validation record, say), so a unit touching a record set already in the request starts the
/// next one.
fn chunk_units(units: Vec<Unit>) -> Vec<Vec<Unit>> {
    let mut chunks = Vec::new();
    let mut current: Vec<Unit> = Vec::new();
    let mut keys: HashSet<RecordKey> = HashSet::new();
    let (mut records, mut chars) = (0, 0);
    for unit in units {
        let (n, c) = unit.cost();
        let unit_keys: Vec<RecordKey> = unit.changes.iter().map(|(_, r)| rrset_key(r)).collect();
        let full = records + n > MAX_BATCH_RECORDS || chars + c > MAX_BATCH_CHARS;
        if !current.is_empty() && (full || unit_keys.iter().any(|k| keys.contains(k))) {
            chunks.push(std::mem::take(&mut current));
            keys.clear();
            records = 0;
            chars = 0;
        }
        records += n;
        chars += c;
        keys.extend(unit_keys);
        current.push(unit);
    }
    if !current.is_empty() {
        chunks.push(current);
    }
    chunks
}

/// A change accepted by Route 53: which units it carries and whether it still propagates.
struct Submitted {
    units: Vec<usize>,
    change_id: String,
    insync: bool,
}

/// Sends the changes of one hosted zone and works out each unit's outcome.
struct ZoneBatch<'a> {
    ctx: &'a Ctx,
    zone_id: &'a str,
    /// Records a create's intent, by unit index.
    intent: &'a dyn Fn(usize, &str),
    failed: BTreeMap<usize, ProviderError>,
    submitted: Vec<Submitted>,
    /// The zone's records, listed once when a batch with deletes was rejected.
    current: Option<HashMap<RecordKey, ResourceRecordSet>>,
    /// Deletes already brought up to date with `current`.
    refreshed: BTreeSet<usize>,
}

impl<'a> ZoneBatch<'a> {
    fn new(ctx: &'a Ctx, zone_id: &'a str, intent: &'a dyn Fn(usize, &str)) -> ZoneBatch<'a> {
        ZoneBatch {
            ctx,
            zone_id,
            intent,
            failed: BTreeMap::new(),
            submitted: Vec::new(),
            current: None,
            refreshed: BTreeSet::new(),
        }
    }

    fn run(&mut self, units: Vec<Unit>) {
        for chunk in chunk_units(units) {
            self.send(chunk);
        }
    }

    /// One ChangeResourceRecordSets call, retried while Route 53 is still busy with an earlier
    /// change of the zone (PriorRequestNotComplete, which the SDK does not retry).
    fn submit(&self, units: &[Unit]) -> Result<Submitted, ProviderError> {
        let op = match units {
            [one] => one.op(),
            _ => format!(
                "changing {} records of Route 53 Hosted Zone ({})",
                units.len(),
                self.zone_id
            ),
        };
        let changes = units
            .iter()
            .flat_map(|u| u.changes.iter())
            .map(|(action, r)| {
                Change::builder()
                    .action(action.clone())
                    .resource_record_set(r.clone())
                    .build()
            })
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| ProviderError::new("InvalidArgument", format!("{op}: {e}")))?;
        let batch = ChangeBatch::builder()
            .set_changes(Some(changes))
            .build()
            .map_err(|e| ProviderError::new("InvalidArgument", format!("{op}: {e}")))?;
        for unit in units {
            if let (Kind::Create, Some(id)) = (unit.kind, &unit.import_id) {
                (self.intent)(unit.idx, id);
            }
        }
        let mut pause = Duration::from_secs(1);
        for attempt in 0.. {
            let result = self.ctx.block_on(
                self.ctx
                    .route53
                    .change_resource_record_sets()
                    .hosted_zone_id(self.zone_id)
                    .change_batch(batch.clone())
                    .send(),
            );
            match result {
                Ok(out) => {
                    let info = out.change_info();
                    return Ok(Submitted {
                        units: units.iter().map(|u| u.idx).collect(),
                        change_id: info.map(|i| i.id().to_string()).unwrap_or_default(),
                        insync: info.map(|i| *i.status() == ChangeStatus::Insync).unwrap_or(true),
                    });
                }
                Err(e) => {
                    let err = change_error(&op, e);
                    if err.code != "PriorRequestNotComplete" || attempt >= 5 {
                        return Err(err);
                    }
                    std::thread::sleep(pause);
                    pause = (pause * 2).min(MAX_POLL);
                }
            }
        }
        Err(ProviderError::new("RequestFailed", op))
    }

    fn send(&mut self, units: Vec<Unit>) {
        if units.is_empty() {
            return;
        }
        match self.submit(&units) {
            Ok(submitted) => self.submitted.push(submitted),
            Err(e) if rejects_content(&e.code) => self.settle(units, e),
            Err(e) if e.code == NO_SUCH_ZONE => {
                // Records of a zone that is gone are gone too: that is what a delete wants.
                for u in units.iter().filter(|u| u.kind != Kind::Delete) {
                    self.failed.insert(u.idx, u.error(&e));
                }
            }
            Err(e) => {
                for u in &units {
                    self.failed.insert(u.idx, u.error(&e));
                }
            }
        }
    }

    /// Finds out which units made Route 53 reject `units`. Deletes are checked against the
    /// zone first (a record already gone needs no delete, and a record changed outside needs
    /// its current values deleted); then the records the rejection names are split off, and
    /// failing that the batch is halved until each bad unit stands alone, costing about
    /// 2·log2(n) calls per bad record instead of one call per record.
    fn settle(&mut self, units: Vec<Unit>, err: ProviderError) {
        let stale: Vec<usize> = units
            .iter()
            .filter(|u| u.kind == Kind::Delete && !self.refreshed.contains(&u.idx))
            .map(|u| u.idx)
            .collect();
        let mut units = units;
        if !stale.is_empty() {
            if self.current.is_none() {
                if let Ok(records) = list_zone(self.ctx, self.zone_id) {
                    self.current = Some(records.into_iter().map(|r| (rrset_key(&r), r)).collect());
                }
            }
            if let Some(current) = self.current.take() {
                let mut changed = false;
                let mut kept = Vec::with_capacity(units.len());
                for mut unit in units {
                    if stale.contains(&unit.idx) {
                        self.refreshed.insert(unit.idx);
                        let now = unit.changes.first().and_then(|(_, r)| current.get(&rrset_key(r)));
                        match now {
                            None => {
                                changed = true;
                                continue;
                            }
                            Some(now) if !unit.changes.first().is_some_and(|(_, r)| same_rrset(r, now)) => {
                                unit.changes = vec![(ChangeAction::Delete, now.clone())];
                                changed = true;
                            }
                            Some(_) => {}
                        }
                    }
                    kept.push(unit);
                }
                self.current = Some(current);
                if changed {
                    return self.send(kept);
                }
                units = kept;
            }
        }
        if units.len() <= 1 {
            for u in &units {
                self.failed.insert(u.idx, u.error(&err));
            }
            return;
        }
        // Route 53 usually names the record it rejects: send the others at once, and each
        // named one on its own, before falling back to halving.
        let named = units.iter().filter(|u| u.named_in(&err.message)).count();
        if named > 0 && named < units.len() {
            let (suspects, rest): (Vec<Unit>, Vec<Unit>) = units.into_iter().partition(|u| u.named_in(&err.message));
            self.send(rest);
            for suspect in suspects {
                self.send(vec![suspect]);
            }
            return;
        }
        let right = units.split_off(units.len() / 2);
        self.send(units);
        self.send(right);
    }

    /// Waits for every accepted change to reach INSYNC; returns the units whose change could
    /// not be confirmed.
    fn wait(&self, progress: &dyn Fn(usize, &str)) -> BTreeMap<usize, ProviderError> {
        let mut errors = BTreeMap::new();
        for s in &self.submitted {
            if s.insync || s.change_id.is_empty() {
                continue;
            }
            let first = s.units.first().copied().unwrap_or(0);
            let what = format!(
                "{} record change(s) in Route 53 Hosted Zone {}",
                s.units.len(),
                self.zone_id
            );
            if let Err(e) = wait_change(self.ctx, &s.change_id, &what, &|m: &str| progress(first, m)) {
                for &i in &s.units {
                    errors.insert(i, e.clone());
                }
            }
        }
        errors
    }
}

// ---------------------------------------------------------------------------------------------
// aws_route53_record
// ---------------------------------------------------------------------------------------------

struct Record {
    zones: Arc<ZoneNames>,
}

/// What building a unit for one change gave.
enum Built {
    /// A unit to send, and the state to record once it is applied.
    Send(Unit, Option<Value>),
    /// Nothing to send: the outcome is already known.
    Done(ApplyOutcome),
}

/// True when two values name the same record (the name as Route 53 sees it).
fn same_name(a: &Value, b: &Value) -> bool {
    match (sref(a, "name"), sref(b, "name")) {
        (Some(x), Some(y)) => api_name(x) == api_name(y),
        _ => false,
    }
}

impl Record {
    /// The state of a record: `spec` for what Route 53 has (or gets), `base` (the prior state
    /// or the planned value) for what Route 53 does not store and for formatting to keep.
    fn state(&self, spec: &Spec, base: &Value, zone_id: &str) -> Value {
        let mut st = State::new();
        let zone = sref(base, "zone_id").unwrap_or(zone_id).to_string();
        let name = base.get("name");
        st.insert(
            "id".into(),
            Value::string(record_id(
                &zone,
                name.as_str().unwrap_or(""),
                &spec.rtype,
                spec.set_identifier.as_deref(),
            )),
        );
        st.insert("zone_id".into(), Value::string(zone));
        st.insert("name".into(), name);
        st.insert("type".into(), Value::string(&spec.rtype));
        st.insert("fqdn".into(), Value::string(display_fqdn(&spec.fqdn)));
        st.insert("set_identifier".into(), opt_string(spec.set_identifier.as_deref()));
        st.insert(
            "ttl".into(),
            spec.ttl.map(|t| Value::Number(t as f64)).unwrap_or(Value::Null),
        );
        let base_records = strings_of(&base.get("records"));
        let records = if spec.records.is_empty() {
            match base.get("records") {
                Value::List(items) if items.is_empty() => Value::List(Vec::new()),
                _ => Value::Null,
            }
        } else if same_values(&spec.rtype, &base_records, &spec.records) {
            set_value(&base_records)
        } else {
            set_value(&spec.records)
        };
        st.insert("records".into(), records);
        let alias = match &spec.alias {
            Some(a) => {
                let prior = first_block(base, "alias");
                let prior_name = prior.as_ref().and_then(|p| sref(p, "name"));
                let name = match prior_name {
                    Some(p) if alias_key(p) == alias_key(&a.name) => p.to_string(),
                    _ => trim_dot(&a.name).to_ascii_lowercase(),
                };
                let prior_zone = prior.as_ref().and_then(|p| sref(p, "zone_id"));
                let zone_id = match prior_zone {
                    Some(p) if p.eq_ignore_ascii_case(&a.zone_id) => p.to_string(),
                    _ => a.zone_id.clone(),
                };
                vec![engine::core::value::map([
                    ("name", Value::string(name)),
                    ("zone_id", Value::string(zone_id)),
                    ("evaluate_target_health", Value::Bool(a.evaluate_target_health)),
                ])]
            }
            None => Vec::new(),
        };
        st.insert("alias".into(), Value::List(alias));
        let one = |key: &str, v: Value| Value::List(vec![engine::core::value::map([(key, v)])]);
        let none = || Value::List(Vec::new());
        st.insert(
            "weighted_routing_policy".into(),
            spec.weight
                .map(|w| one("weight", Value::Number(w as f64)))
                .unwrap_or_else(none),
        );
        st.insert(
            "latency_routing_policy".into(),
            spec.latency_region
                .as_deref()
                .map(|r| one("region", Value::string(r)))
                .unwrap_or_else(none),
        );
        st.insert(
            "failover_routing_policy".into(),
            spec.failover
                .as_deref()
                .map(|f| one("type", Value::string(f)))
                .unwrap_or_else(none),
        );
        st.insert(
            "geolocation_routing_policy".into(),
            match &spec.geo {
                Some(g) => Value::List(vec![engine::core::value::map([
                    ("continent", opt_string(g.continent.as_deref())),
                    ("country", opt_string(g.country.as_deref())),
                    ("subdivision", opt_string(g.subdivision.as_deref())),
                ])]),
                None => none(),
            },
        );
        let multivalue = match spec.multivalue {
            Some(true) => Value::Bool(true),
            _ if base.get("multivalue_answer_routing_policy").as_bool() == Some(false) => Value::Bool(false),
            _ => Value::Null,
        };
        st.insert("multivalue_answer_routing_policy".into(), multivalue);
        st.insert("health_check_id".into(), opt_string(spec.health_check_id.as_deref()));
        st.insert(
            "allow_overwrite".into(),
            Value::Bool(base.get("allow_overwrite").as_bool().unwrap_or(false)),
        );
        finish(&self.schema(), st)
    }

    /// Applies the changes of one hosted zone; fills `out` at the changes' positions.
    fn apply_zone(
        &self,
        ctx: &Ctx,
        zone_id: &str,
        changes: &[BatchChange<'_>],
        idxs: &[usize],
        out: &mut [Option<ApplyOutcome>],
    ) {
        // Updates and deletes carry their FQDN in the prior state; only creates (and a renamed
        // record) need the zone's name to qualify a relative name.
        let needs_zone_name = idxs.iter().any(|&i| {
            let c = &changes[i];
            match (c.prior, c.planned) {
                (Some(p), Some(n)) => sref(p, "fqdn").is_none() || !same_name(p, n),
                (Some(p), None) => sref(p, "fqdn").is_none(),
                _ => true,
            }
        });
        let zone_name = needs_zone_name.then(|| self.zones.name(ctx, zone_id));
        let fqdn_for = |v: &Value, prior: Option<&Value>| -> Result<String, ProviderError> {
            if let Some(p) = prior {
                if let (Some(f), true) = (sref(p, "fqdn"), same_name(p, v)) {
                    return Ok(api_name(f));
                }
            }
            let name = sref(v, "name").unwrap_or("");
            match &zone_name {
                Some(Ok(zone)) => Ok(expand_record_name(name, zone)),
                Some(Err(e)) => Err(e.clone()),
                None => Err(ProviderError::new(
                    "InternalError",
                    format!("Route 53 Record ({name}): the zone name was not looked up"),
                )),
            }
        };

        let mut units = Vec::new();
        let mut states: BTreeMap<usize, Value> = BTreeMap::new();
        for &i in idxs {
            let c = &changes[i];
            let built = match (c.prior, c.planned) {
                (None, Some(planned)) => self.create_unit(i, planned, zone_id, &fqdn_for),
                (Some(prior), Some(planned)) => self.update_unit(i, prior, planned, zone_id, &fqdn_for),
                (Some(prior), None) => self.delete_unit(i, prior, &fqdn_for),
                (None, None) => Ok(Built::Done((None, None))),
            };
            match built {
                Ok(Built::Send(unit, state)) => {
                    if let Some(state) = state {
                        states.insert(i, state);
                    }
                    units.push(unit);
                }
                Ok(Built::Done(outcome)) => out[i] = Some(outcome),
                Err(e) if c.planned.is_none() && e.code == NO_SUCH_ZONE => out[i] = Some((None, None)),
                Err(e) => out[i] = Some((c.prior.cloned(), Some(e))),
            }
        }

        // Deletes first, so a record replaced by another of the same name and type within one
        // batch is removed before it is created again.
        units.sort_by_key(|u| u.kind);
        let kinds: Vec<(usize, Kind)> = units.iter().map(|u| (u.idx, u.kind)).collect();
        let intent = |i: usize, id: &str| (changes[i].intent)(id);
        let mut batch = ZoneBatch::new(ctx, zone_id, &intent);
        batch.run(units);
        let unconfirmed = batch.wait(&|i: usize, m: &str| (changes[i].progress)(m));
        for (i, kind) in kinds {
            let prior = changes[i].prior;
            out[i] = Some(match (batch.failed.remove(&i), unconfirmed.get(&i)) {
                (Some(e), _) => match kind {
                    Kind::Create => (None, Some(e)),
                    _ => (prior.cloned(), Some(e)),
                },
                (None, Some(e)) => match kind {
                    Kind::Delete => (prior.cloned(), Some(e.clone())),
                    _ => (states.remove(&i), Some(e.clone())),
                },
                (None, None) => match kind {
                    Kind::Delete => (None, None),
                    _ => (states.remove(&i), None),
                },
            });
        }
    }

    fn create_unit(
        &self,
        idx: usize,
        planned: &Value,
        zone_id: &str,
        fqdn_for: &dyn Fn(&Value, Option<&Value>) -> Result<String, ProviderError>,
    ) -> Result<Built, ProviderError> {
        let spec = Spec::from_value(planned, fqdn_for(planned, None)?)?;
        let action = if planned.get("allow_overwrite").as_bool() == Some(true) {
            ChangeAction::Upsert
        } else {
            ChangeAction::Create
        };
        let unit = Unit {
            idx,
            kind: Kind::Create,
            changes: vec![(action, spec.to_rrset()?)],
            label: spec.label(),
            import_id: Some(record_id(
                zone_id,
                sref(planned, "name").unwrap_or(""),
                &spec.rtype,
                spec.set_identifier.as_deref(),
            )),
        };
        Ok(Built::Send(unit, Some(self.state(&spec, planned, zone_id))))
    }

    fn update_unit(
        &self,
        idx: usize,
        prior: &Value,
        planned: &Value,
        zone_id: &str,
        fqdn_for: &dyn Fn(&Value, Option<&Value>) -> Result<String, ProviderError>,
    ) -> Result<Built, ProviderError> {
        let new = Spec::from_value(planned, fqdn_for(planned, Some(prior))?)?;
        let state = self.state(&new, planned, zone_id);
        let rrset = new.to_rrset()?;
        let old = fqdn_for(prior, Some(prior))
            .and_then(|f| Spec::from_value(prior, f))
            .and_then(|s| Ok((s.key(), s.to_rrset()?)));
        let changes = match old {
            // Only arguments Route 53 does not store changed (allow_overwrite).
            Ok((_, old)) if old == rrset => return Ok(Built::Done((Some(state), None))),
            Ok((key, old)) if key != new.key() => {
                let action = if planned.get("allow_overwrite").as_bool() == Some(true) {
                    ChangeAction::Upsert
                } else {
                    ChangeAction::Create
                };
                vec![(ChangeAction::Delete, old), (action, rrset)]
            }
            _ => vec![(ChangeAction::Upsert, rrset)],
        };
        let unit = Unit {
            idx,
            kind: Kind::Update,
            changes,
            label: new.label(),
            import_id: None,
        };
        Ok(Built::Send(unit, Some(state)))
    }

    fn delete_unit(
        &self,
        idx: usize,
        prior: &Value,
        fqdn_for: &dyn Fn(&Value, Option<&Value>) -> Result<String, ProviderError>,
    ) -> Result<Built, ProviderError> {
        let spec = Spec::from_value(prior, fqdn_for(prior, Some(prior))?)?;
        let unit = Unit {
            idx,
            kind: Kind::Delete,
            changes: vec![(ChangeAction::Delete, spec.to_rrset()?)],
            label: spec.label(),
            import_id: None,
        };
        Ok(Built::Send(unit, None))
    }

    /// Reads the records of one zone: a listing that starts at the record for a single one,
    /// else one paged listing of the whole zone.
    fn read_zone(&self, ctx: &Ctx, zone_id: &str, priors: &[(usize, &Value)], out: &mut [Option<ReadResult>]) {
        let fqdn_known = |p: &Value| sref(p, "fqdn").map(api_name);
        if let [(i, prior)] = priors {
            let result: ReadResult = (|| {
                let fqdn = match fqdn_known(prior) {
                    Some(f) => f,
                    None => expand_record_name(sref(prior, "name").unwrap_or(""), &self.zones.name(ctx, zone_id)?),
                };
                let (Some(rtype), set) = (
                    sref(prior, "type"),
                    sref(prior, "set_identifier").filter(|s| !s.is_empty()),
                ) else {
                    return Ok(None);
                };
                let found = find_record(ctx, zone_id, &fqdn, rtype, set)?;
                Ok(found.map(|r| self.state(&Spec::from_rrset(&r), prior, zone_id)))
            })();
            out[*i] = Some(match result {
                Err(e) if e.code == NO_SUCH_ZONE => Ok(None),
                other => other,
            });
            return;
        }
        let records = match list_zone(ctx, zone_id) {
            Ok(records) => records,
            Err(e) => {
                let gone = e.code == NO_SUCH_ZONE;
                for (i, _) in priors {
                    out[*i] = Some(if gone { Ok(None) } else { Err(e.clone()) });
                }
                return;
            }
        };
        if let Some(apex) = apex_from_listing(&records) {
            self.zones.put(zone_id, &apex);
        }
        let index: HashMap<RecordKey, &ResourceRecordSet> = records.iter().map(|r| (rrset_key(r), r)).collect();
        for (i, prior) in priors {
            let fqdn = match fqdn_known(prior) {
                Some(f) => Ok(f),
                None => self
                    .zones
                    .name(ctx, zone_id)
                    .map(|zone| expand_record_name(sref(prior, "name").unwrap_or(""), &zone)),
            };
            out[*i] = Some(fqdn.map(|fqdn| {
                let rtype = sref(prior, "type")?;
                let key = record_key(&fqdn, rtype, sref(prior, "set_identifier").filter(|s| !s.is_empty()));
                index
                    .get(&key)
                    .map(|r| self.state(&Spec::from_rrset(r), prior, zone_id))
            }));
        }
    }
}

type ReadResult = Result<Option<Value>, ProviderError>;

/// The outcome of a batch for a single change.
fn single(mut outcomes: Vec<ApplyOutcome>, fallback: Option<&Value>) -> ApplyOutcome {
    outcomes.pop().unwrap_or_else(|| {
        (
            fallback.cloned(),
            Some(ProviderError::new(
                "InternalError",
                "Route 53 Record: the change had no outcome",
            )),
        )
    })
}

impl ResourceType for Record {
    fn type_name(&self) -> &'static str {
        "aws_route53_record"
    }

    fn schema(&self) -> Schema {
        let string = || Attribute::optional(Type::String);
        Schema::new()
            .attr("zone_id", Attribute::required(Type::String).force_new())
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("type", Attribute::required(Type::String).force_new())
            .attr("ttl", Attribute::optional(Type::Number))
            .attr("records", Attribute::optional(set_of_strings()))
            .attr("set_identifier", string().force_new())
            .attr("health_check_id", string())
            .attr("multivalue_answer_routing_policy", Attribute::optional(Type::Bool))
            .attr("allow_overwrite", Attribute::optional_computed(Type::Bool))
            .attr("fqdn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block(
                "alias",
                Nesting::Single,
                Schema::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("zone_id", Attribute::required(Type::String))
                    .attr("evaluate_target_health", Attribute::required(Type::Bool)),
            )
            .block(
                "weighted_routing_policy",
                Nesting::Single,
                Schema::new().attr("weight", Attribute::required(Type::Number)),
            )
            .block(
                "latency_routing_policy",
                Nesting::Single,
                Schema::new().attr("region", Attribute::required(Type::String)),
            )
            .block(
                "failover_routing_policy",
                Nesting::Single,
                Schema::new().attr("type", Attribute::required(Type::String)),
            )
            .block(
                "geolocation_routing_policy",
                Nesting::Single,
                Schema::new()
                    .attr("continent", string())
                    .attr("country", string())
                    .attr("subdivision", string()),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(t) = config.get("type").as_str() {
            if !RR_TYPES.contains(&t) {
                out.push(problem(
                    "type",
                    format!("\"type\" must be one of {}; got {t:?}", RR_TYPES.join(", ")),
                ));
            }
        }
        let has_alias = !block_items(config, "alias").is_empty();
        let has_records = !config.get("records").is_null();
        let has_ttl = !config.get("ttl").is_null();
        if has_alias && has_records {
            out.push(problem(
                "records",
                "only one of \"alias\" or \"records\" can be set: an alias record answers with its target's records",
            ));
        }
        if !has_alias && !has_records {
            out.push(problem("records", "one of \"alias\" or \"records\" must be set"));
        }
        if has_alias && has_ttl {
            out.push(problem(
                "ttl",
                "\"ttl\" cannot be set with \"alias\": alias records take the TTL of their target",
            ));
        }
        if has_records && !has_ttl {
            out.push(problem("ttl", "\"ttl\" is required when \"records\" is set"));
        }
        if let Some(ttl) = config.get("ttl").as_f64() {
            if ttl < 0.0 || ttl > 2_147_483_647.0 || ttl.fract() != 0.0 {
                out.push(problem(
                    "ttl",
                    "\"ttl\" must be a whole number of seconds from 0 to 2147483647",
                ));
            }
        }
        let policies: Vec<&str> = [
            "weighted_routing_policy",
            "latency_routing_policy",
            "failover_routing_policy",
            "geolocation_routing_policy",
        ]
        .into_iter()
        .filter(|p| !block_items(config, p).is_empty())
        .chain(
            (config.get("multivalue_answer_routing_policy").as_bool() == Some(true))
                .then_some("multivalue_answer_routing_policy"),
        )
        .collect();
        if policies.len() > 1 {
            out.push(problem(
                policies[1],
                format!("only one routing policy can be set; found {}", policies.join(", ")),
            ));
        }
        let has_set = !config.get("set_identifier").is_null();
        if !policies.is_empty() && !has_set {
            out.push(problem(
                "set_identifier",
                format!("\"set_identifier\" is required with {}", policies[0]),
            ));
        }
        if has_set && policies.is_empty() {
            out.push(problem(
                "set_identifier",
                "\"set_identifier\" is only allowed with a routing policy (weighted, latency, failover, \
                 geolocation or multivalue answer)",
            ));
        }
        if let Some(w) = first_block(config, "weighted_routing_policy").and_then(|w| w.get("weight").as_f64()) {
            if !(0.0..=255.0).contains(&w) || w.fract() != 0.0 {
                out.push(problem(
                    "weighted_routing_policy",
                    "\"weight\" must be a whole number from 0 to 255",
                ));
            }
        }
        if let Some(t) =
            first_block(config, "failover_routing_policy").and_then(|f| f.get("type").as_str().map(str::to_string))
        {
            if t != "PRIMARY" && t != "SECONDARY" {
                out.push(problem(
                    "failover_routing_policy",
                    format!("failover \"type\" must be PRIMARY or SECONDARY; got {t:?}"),
                ));
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if get(&st, "allow_overwrite").as_bool().is_none() {
            st.insert("allow_overwrite".into(), Value::Bool(false));
        }
        if let Some(prior) = prior {
            // A name that differs only in case or a trailing dot is the same record (what
            // Terraform's StateFunc achieves by rewriting the name).
            if same_name(prior, &Value::Map(st.clone())) {
                st.insert("name".into(), prior.get("name"));
            }
        }
        if let Some(Value::List(items)) = st.get_mut("records") {
            if !items.iter().any(Value::contains_unknown) {
                items.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
                items.dedup();
            }
        }
        let set = get(&st, "set_identifier").clone();
        let id = match (get(&st, "zone_id"), get(&st, "name"), get(&st, "type")) {
            (Value::String(z), Value::String(n), Value::String(t)) if !set.is_unknown() => {
                Value::string(record_id(z, n, t, set.as_str()))
            }
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let change = BatchChange {
            prior: None,
            planned: Some(planned),
            intent,
            progress,
        };
        single(self.apply_batch(ctx, vec![change]), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        let change = BatchChange {
            prior: Some(prior),
            planned: Some(planned),
            intent: &|_: &str| {},
            progress,
        };
        single(self.apply_batch(ctx, vec![change]), Some(prior))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let change = BatchChange {
            prior: Some(prior),
            planned: None,
            intent: &|_: &str| {},
            progress,
        };
        match single(self.apply_batch(ctx, vec![change]), Some(prior)) {
            (_, Some(e)) => Err(e),
            _ => Ok(()),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        self.read_batch(ctx, &[prior]).pop().unwrap_or(Ok(None))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((zone_id, name, rtype, set)) = parse_record_id(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "importing Route 53 Record: {id:?} is not of the form ZONEID_NAME_TYPE or \
                     ZONEID_NAME_TYPE_SETIDENTIFIER (for example Z4KAPRWWNC7JR_www.example.com_A)"
                ),
            ));
        };
        let zone_name = match self.zones.name(ctx, &zone_id) {
            Ok(name) => name,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };
        let fqdn = expand_record_name(&name, &zone_name);
        let found = match find_record(ctx, &zone_id, &fqdn, &rtype, set.as_deref()) {
            Ok(found) => found,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };
        let base = engine::core::value::map([
            ("zone_id", Value::string(&zone_id)),
            ("name", Value::string(&name)),
            ("allow_overwrite", Value::Bool(false)),
        ]);
        Ok(found.map(|r| self.state(&Spec::from_rrset(&r), &base, &zone_id)))
    }

    fn batch_key(&self, value: &Value) -> Option<String> {
        sref(value, "zone_id").map(|z| format!("route53:{}", clean_zone_id(z)))
    }

    fn apply_batch(&self, ctx: &Ctx, changes: Vec<BatchChange<'_>>) -> Vec<ApplyOutcome> {
        let mut out: Vec<Option<ApplyOutcome>> = vec![None; changes.len()];
        let mut by_zone: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, c) in changes.iter().enumerate() {
            match c.planned.or(c.prior).and_then(|v| sref(v, "zone_id")) {
                Some(zone) => by_zone.entry(clean_zone_id(zone).to_string()).or_default().push(i),
                None if c.planned.is_none() && c.prior.is_none() => out[i] = Some((None, None)),
                None => {
                    out[i] = Some((
                        c.prior.cloned(),
                        Some(ProviderError::new(
                            "InvalidArgument",
                            "Route 53 Record: `zone_id` is required (and must be known when applying)",
                        )),
                    ))
                }
            }
        }
        for (zone, idxs) in &by_zone {
            self.apply_zone(ctx, zone, &changes, idxs, &mut out);
        }
        out.into_iter()
            .zip(&changes)
            .map(|(o, c)| {
                o.unwrap_or_else(|| {
                    (
                        c.prior.cloned(),
                        Some(ProviderError::new(
                            "InternalError",
                            "Route 53 Record: the change had no outcome",
                        )),
                    )
                })
            })
            .collect()
    }

    fn read_batch(&self, ctx: &Ctx, priors: &[&Value]) -> Vec<ReadResult> {
        let mut out: Vec<Option<ReadResult>> = vec![None; priors.len()];
        let mut by_zone: BTreeMap<String, Vec<(usize, &Value)>> = BTreeMap::new();
        for (i, prior) in priors.iter().enumerate() {
            match sref(prior, "zone_id") {
                Some(zone) => by_zone
                    .entry(clean_zone_id(zone).to_string())
                    .or_default()
                    .push((i, prior)),
                None => out[i] = Some(Ok(None)),
            }
        }
        for (zone, group) in &by_zone {
            self.read_zone(ctx, zone, group, &mut out);
        }
        out.into_iter().map(|o| o.unwrap_or(Ok(None))).collect()
    }
}

// ---------------------------------------------------------------------------------------------
// aws_route53_zone
// ---------------------------------------------------------------------------------------------

struct Zone {
    zones: Arc<ZoneNames>,
}

/// The VPCs of a private zone's configuration: (vpc_id, vpc_region), the region defaulting to
/// the provider's.
fn configured_vpcs(ctx: &Ctx, v: &Value) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = block_items(v, "vpc")
        .iter()
        .filter_map(|b| {
            let id = sref(b, "vpc_id")?.to_string();
            let region = sref(b, "vpc_region").unwrap_or(&ctx.region).to_string();
            Some((id, region))
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn sdk_vpc(id: &str, region: &str) -> Vpc {
    Vpc::builder().vpc_id(id).vpc_region(VpcRegion::from(region)).build()
}

/// Name servers of a private zone: its apex NS record (Route 53 has no delegation set for it).
fn private_name_servers(ctx: &Ctx, zone_id: &str, zone_name: &str) -> Result<Vec<String>, ProviderError> {
    let ns = find_record(ctx, zone_id, &api_name(zone_name), "NS", None)?;
    Ok(ns
        .map(|r| r.resource_records().iter().map(|v| v.value().to_string()).collect())
        .unwrap_or_default())
}

impl Zone {
    fn arn(ctx: &Ctx, zone_id: &str) -> String {
        format!("arn:{}:route53:::hostedzone/{zone_id}", partition(&ctx.region))
    }

    /// The zone's state, keeping from `prior` what Route 53 does not store and its formatting.
    fn fetch(&self, ctx: &Ctx, zone_id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let out = match call(
            ctx,
            &format!("reading Route 53 Hosted Zone ({zone_id})"),
            ctx.route53.get_hosted_zone().id(zone_id).send(),
        ) {
            Ok(out) => out,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };
        let Some(zone) = out.hosted_zone() else {
            return Ok(None);
        };
        let id = clean_zone_id(zone.id()).to_string();
        self.zones.put(&id, zone.name());
        let private = zone.config().map(|c| c.private_zone()).unwrap_or(false);
        let servers: Vec<String> = if private {
            private_name_servers(ctx, &id, zone.name())?
        } else {
            out.delegation_set()
                .map(|d| d.name_servers().to_vec())
                .unwrap_or_default()
        };
        let tags = match list_zone_tags(ctx, &id) {
            Ok(tags) => tags,
            Err(e) if e.code == NO_SUCH_ZONE => return Ok(None),
            Err(e) => return Err(e),
        };

        let mut st = State::new();
        let name = match sref(prior, "name") {
            Some(p) if name_key(p) == name_key(zone.name()) => p.to_string(),
            _ => trim_dot(zone.name()).to_string(),
        };
        st.insert("name".into(), Value::string(name));
        let comment = match zone.config().and_then(|c| c.comment()) {
            Some(c) => Value::string(c),
            None if prior.get("comment").as_str() == Some("") => Value::string(""),
            None => Value::Null,
        };
        st.insert("comment".into(), comment);
        st.insert(
            "delegation_set_id".into(),
            opt_string(out.delegation_set().and_then(|d| d.id()).map(clean_delegation_set_id)),
        );
        st.insert(
            "force_destroy".into(),
            Value::Bool(prior.get("force_destroy").as_bool().unwrap_or(false)),
        );
        st.insert("zone_id".into(), Value::string(&id));
        st.insert("arn".into(), Value::string(Zone::arn(ctx, &id)));
        st.insert(
            "primary_name_server".into(),
            opt_string(servers.first().map(String::as_str)),
        );
        let mut sorted = servers.clone();
        sorted.sort();
        st.insert(
            "name_servers".into(),
            Value::List(sorted.into_iter().map(Value::String).collect()),
        );
        // A VPC configured without a region means the provider's region: keep it unset then,
        // so the configuration and the state agree.
        let prior_vpcs = block_items(prior, "vpc");
        let mut vpcs: Vec<Value> = out
            .vpcs()
            .iter()
            .filter_map(|v| {
                let vpc_id = v.vpc_id()?;
                let region = v.vpc_region().map(|r| r.as_str().to_string());
                let prior_unset = prior_vpcs
                    .iter()
                    .any(|p| sref(p, "vpc_id") == Some(vpc_id) && p.get("vpc_region").is_null());
                let region = match region {
                    Some(r) if prior_unset && r == ctx.region => Value::Null,
                    Some(r) => Value::string(r),
                    None => Value::Null,
                };
                Some(engine::core::value::map([
                    ("vpc_id", Value::string(vpc_id)),
                    ("vpc_region", region),
                ]))
            })
            .collect();
        vpcs.sort_by(|a, b| sref(a, "vpc_id").cmp(&sref(b, "vpc_id")));
        st.insert("vpc".into(), Value::List(vpcs));
        let (own, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), own);
        st.insert("tags_all".into(), all);
        st.insert("id".into(), Value::string(&id));
        Ok(Some(finish(&self.schema(), st)))
    }

    fn zone_id_of(v: &Value) -> Option<&str> {
        sref(v, "zone_id").or_else(|| sref(v, "id")).map(clean_zone_id)
    }

    fn update_inner(
        &self,
        ctx: &Ctx,
        id: &str,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        let comment = sref(planned, "comment").unwrap_or("");
        if comment != sref(prior, "comment").unwrap_or("") {
            call(
                ctx,
                &format!("updating comment of Route 53 Hosted Zone ({id})"),
                ctx.route53.update_hosted_zone_comment().id(id).comment(comment).send(),
            )?;
        }
        let new_tags = tags_all(ctx, &planned.get("tags"));
        change_zone_tags(ctx, id, &prior.get("tags_all"), &new_tags)?;
        let old = configured_vpcs(ctx, prior);
        let new = configured_vpcs(ctx, planned);
        // A private zone must keep at least one VPC: associate the new ones first.
        for (vpc, region) in new.iter().filter(|v| !old.contains(v)) {
            let out = call(
                ctx,
                &format!("associating VPC ({vpc}) with Route 53 Hosted Zone ({id})"),
                ctx.route53
                    .associate_vpc_with_hosted_zone()
                    .hosted_zone_id(id)
                    .vpc(sdk_vpc(vpc, region))
                    .send(),
            )?;
            settle_change(ctx, out.change_info(), &format!("association of VPC {vpc}"), progress)?;
        }
        for (vpc, region) in old.iter().filter(|v| !new.contains(v)) {
            let out = call(
                ctx,
                &format!("disassociating VPC ({vpc}) from Route 53 Hosted Zone ({id})"),
                ctx.route53
                    .disassociate_vpc_from_hosted_zone()
                    .hosted_zone_id(id)
                    .vpc(sdk_vpc(vpc, region))
                    .send(),
            )?;
            settle_change(
                ctx,
                out.change_info(),
                &format!("disassociation of VPC {vpc}"),
                progress,
            )?;
        }
        Ok(())
    }

    /// Deletes every record but the apex SOA and NS records, in batches: what `force_destroy`
    /// does before the zone itself is deleted.
    fn delete_records(&self, ctx: &Ctx, id: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let records = list_zone(ctx, id)?;
        let Some(apex) = apex_from_listing(&records).or_else(|| self.zones.get(id)) else {
            return Err(ProviderError::new(
                "InvalidState",
                format!("deleting records of Route 53 Hosted Zone ({id}): the zone has no SOA record"),
            ));
        };
        let apex = name_key(&apex);
        let units: Vec<Unit> = records
            .into_iter()
            .filter(|r| !(name_key(r.name()) == apex && matches!(r.r#type(), RrType::Soa | RrType::Ns)))
            .enumerate()
            .map(|(idx, r)| Unit {
                idx,
                kind: Kind::Delete,
                label: Spec::from_rrset(&r).label(),
                changes: vec![(ChangeAction::Delete, r)],
                import_id: None,
            })
            .collect();
        if units.is_empty() {
            return Ok(());
        }
        progress(&format!(
            "deleting {} records of Route 53 Hosted Zone {id}",
            units.len()
        ));
        let mut batch = ZoneBatch::new(ctx, id, &|_: usize, _: &str| {});
        batch.run(units);
        if let Some(e) = batch.failed.values().next() {
            return Err(e.clone());
        }
        match batch.wait(&|_: usize, m: &str| progress(m)).into_values().next() {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}

impl ResourceType for Zone {
    fn type_name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("comment", Attribute::optional(Type::String))
            .attr("delegation_set_id", Attribute::optional(Type::String).force_new())
            .attr("force_destroy", Attribute::optional(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("zone_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("name_servers", Attribute::computed(list_of_strings()))
            .attr("primary_name_server", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .block(
                "vpc",
                Nesting::Set,
                Schema::new()
                    .attr("vpc_id", Attribute::required(Type::String))
                    .attr("vpc_region", Attribute::optional_computed(Type::String)),
            )
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            if trim_dot(name).is_empty() || name.len() > 1024 {
                out.push(problem(
                    "name",
                    "\"name\" must be a domain name of 1 to 1024 characters",
                ));
            }
        }
        if let Some(comment) = config.get("comment").as_str() {
            if comment.chars().count() > 256 {
                out.push(problem("comment", "\"comment\" can be at most 256 characters long"));
            }
        }
        if !config.get("delegation_set_id").is_null() && !block_items(config, "vpc").is_empty() {
            out.push(problem(
                "delegation_set_id",
                "\"delegation_set_id\" cannot be set with \"vpc\": private zones have no delegation set",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if get(&st, "comment").is_null() {
            st.insert("comment".into(), Value::string(DEFAULT_ZONE_COMMENT));
        }
        if get(&st, "force_destroy").is_null() {
            st.insert("force_destroy".into(), Value::Bool(false));
        }
        if let (Some(prior), Some(name)) = (prior, get(&st, "name").as_str()) {
            // `example.com.` and `Example.com` name the same zone (Terraform's StateFunc).
            if sref(prior, "name").map(name_key) == Some(name_key(name)) {
                st.insert("name".into(), prior.get("name"));
            }
        }
        let all = tags_all(ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating Route 53 Hosted Zone: name is required",
                )),
            );
        };
        let vpcs = configured_vpcs(ctx, planned);
        let reference = caller_reference();
        let mut config = HostedZoneConfig::builder().comment(sref(planned, "comment").unwrap_or(DEFAULT_ZONE_COMMENT));
        if !vpcs.is_empty() {
            config = config.private_zone(true);
        }
        let mut req = ctx
            .route53
            .create_hosted_zone()
            .name(name)
            .caller_reference(&reference)
            .hosted_zone_config(config.build())
            .set_delegation_set_id(sref(planned, "delegation_set_id").map(str::to_string));
        if let Some((vpc, region)) = vpcs.first() {
            req = req.vpc(sdk_vpc(vpc, region));
        }
        progress(&format!("creating Route 53 Hosted Zone {name}"));
        // The zone ID is only known after the call; the caller reference finds it again.
        intent(&format!("callerref:{reference}"));
        let out = match call(ctx, &format!("creating Route 53 Hosted Zone ({name})"), req.send()) {
            Ok(out) => out,
            Err(e) => return (None, Some(e)),
        };
        let Some(zone) = out.hosted_zone() else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidResponse",
                    format!("creating Route 53 Hosted Zone ({name}): no hosted zone in the response"),
                )),
            );
        };
        let id = clean_zone_id(zone.id()).to_string();
        self.zones.put(&id, zone.name());

        // From here on the zone exists: a later failure still records it.
        let mut st = into_state(planned);
        st.insert("zone_id".into(), Value::string(&id));
        st.insert("id".into(), Value::string(&id));
        st.insert("arn".into(), Value::string(Zone::arn(ctx, &id)));
        let all = tags_all(ctx, &planned.get("tags"));
        st.insert("tags_all".into(), all.clone());
        let mut servers: Vec<String> = out
            .delegation_set()
            .map(|d| d.name_servers().to_vec())
            .unwrap_or_default();
        let result: Result<(), ProviderError> = (|| {
            settle_change(
                ctx,
                out.change_info(),
                &format!("creation of hosted zone {name}"),
                progress,
            )?;
            change_zone_tags(ctx, &id, &Value::Null, &all)?;
            for (vpc, region) in vpcs.iter().skip(1) {
                let assoc = call(
                    ctx,
                    &format!("associating VPC ({vpc}) with Route 53 Hosted Zone ({id})"),
                    ctx.route53
                        .associate_vpc_with_hosted_zone()
                        .hosted_zone_id(&id)
                        .vpc(sdk_vpc(vpc, region))
                        .send(),
                )?;
                settle_change(ctx, assoc.change_info(), &format!("association of VPC {vpc}"), progress)?;
            }
            if !vpcs.is_empty() {
                servers = private_name_servers(ctx, &id, zone.name())?;
            }
            Ok(())
        })();
        st.insert(
            "primary_name_server".into(),
            opt_string(servers.first().map(String::as_str)),
        );
        servers.sort();
        st.insert(
            "name_servers".into(),
            Value::List(servers.into_iter().map(Value::String).collect()),
        );
        (Some(finish(&self.schema(), st)), result.err())
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(id) = Zone::zone_id_of(prior).map(str::to_string) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating Route 53 Hosted Zone: the prior state has no zone_id",
                )),
            );
        };
        if let Err(e) = self.update_inner(ctx, &id, prior, planned, progress) {
            return match self.fetch(ctx, &id, prior) {
                Ok(now) => (now, Some(e)),
                Err(_) => (Some(prior.clone()), Some(e)),
            };
        }
        let mut st = into_state(planned);
        for key in ["zone_id", "id", "arn", "name_servers", "primary_name_server"] {
            if get(&st, key).contains_unknown() || get(&st, key).is_null() {
                st.insert(key.to_string(), prior.get(key));
            }
        }
        st.insert("tags_all".into(), tags_all(ctx, &planned.get("tags")));
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(id) = Zone::zone_id_of(prior) else {
            return Ok(());
        };
        if prior.get("force_destroy").as_bool() == Some(true) {
            match self.delete_records(ctx, id, progress) {
                Err(e) if e.code == NO_SUCH_ZONE => return Ok(()),
                other => other?,
            }
        }
        match call(
            ctx,
            &format!("deleting Route 53 Hosted Zone ({id})"),
            ctx.route53.delete_hosted_zone().id(id).send(),
        ) {
            Ok(_) => Ok(()),
            Err(e) if e.code == NO_SUCH_ZONE => Ok(()),
            Err(e) if e.code == "HostedZoneNotEmpty" => Err(ProviderError::new(
                e.code,
                format!(
                    "{}\n\nThe zone still has records that are not managed here (or are managed by \
                     resources not being destroyed). Delete them, or set `force_destroy = true` on the \
                     zone (and apply) so they are deleted with it.",
                    e.message
                ),
            )),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = Zone::zone_id_of(prior) else {
            return Ok(None);
        };
        self.fetch(ctx, id, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some(reference) = id.strip_prefix("callerref:") else {
            return self.fetch(ctx, clean_zone_id(id), &Value::Null);
        };
        // An interrupted create recorded only its caller reference: find the zone it made.
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing Route 53 Hosted Zones",
                ctx.route53.list_hosted_zones().set_marker(marker.clone()).send(),
            )?;
            if let Some(zone) = page.hosted_zones().iter().find(|z| z.caller_reference() == reference) {
                let zone_id = clean_zone_id(zone.id()).to_string();
                return self.fetch(ctx, &zone_id, &Value::Null);
            }
            match page.next_marker() {
                Some(m) if page.is_truncated() && Some(m) != marker.as_deref() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// data "aws_route53_zone"
// ---------------------------------------------------------------------------------------------

struct ZoneData;

impl ZoneData {
    fn not_found(what: &str) -> ProviderError {
        ProviderError::new(
            "NotFound",
            format!("no matching Route 53 Hosted Zone found ({what}); check the name, private_zone, vpc_id and tags"),
        )
    }
}

impl DataType for ZoneData {
    fn type_name(&self) -> &'static str {
        "aws_route53_zone"
    }

    fn schema(&self) -> Schema {
        let computed = || Attribute::computed(Type::String);
        Schema::new()
            .attr("zone_id", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("private_zone", Attribute::optional(Type::Bool))
            .attr("vpc_id", Attribute::optional_computed(Type::String))
            .attr("tags", Attribute::optional_computed(map_of_strings()))
            .attr("id", computed())
            .attr("arn", computed())
            .attr("caller_reference", computed())
            .attr("comment", computed())
            .attr("name_servers", Attribute::computed(list_of_strings()))
            .attr("primary_name_server", computed())
            .attr("resource_record_set_count", Attribute::computed(Type::Number))
            .attr("linked_service_principal", computed())
            .attr("linked_service_description", computed())
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let private = config.get("private_zone").as_bool().unwrap_or(false);
        let vpc_id = sref(config, "vpc_id");
        let wanted_tags = string_map(&config.get("tags"));
        let get_zone = |id: &str| {
            call(
                ctx,
                &format!("reading Route 53 Hosted Zone ({id})"),
                ctx.route53.get_hosted_zone().id(id).send(),
            )
        };
        let out = if let Some(id) = sref(config, "zone_id") {
            match get_zone(clean_zone_id(id)) {
                Ok(out) => out,
                Err(e) if e.code == NO_SUCH_ZONE => return Err(ZoneData::not_found(&format!("zone_id {id}"))),
                Err(e) => return Err(e),
            }
        } else if let Some(name) = sref(config, "name") {
            let key = name_key(name);
            let mut candidates = Vec::new();
            let mut start: Option<(String, Option<String>)> = Some((format!("{}.", trim_dot(name)), None));
            while let Some((dns, zone)) = start.take() {
                let page = call(
                    ctx,
                    &format!("listing Route 53 Hosted Zones named {name}"),
                    ctx.route53
                        .list_hosted_zones_by_name()
                        .dns_name(&dns)
                        .set_hosted_zone_id(zone)
                        .send(),
                )?;
                let mut past = false;
                for z in page.hosted_zones() {
                    if name_key(z.name()) != key {
                        past = true;
                        continue;
                    }
                    if z.config().map(|c| c.private_zone()).unwrap_or(false) == private {
                        candidates.push(clean_zone_id(z.id()).to_string());
                    }
                }
                if page.is_truncated() && !past {
                    if let (Some(n), Some(z)) = (page.next_dns_name(), page.next_hosted_zone_id()) {
                        start = Some((n.to_string(), Some(z.to_string())));
                    }
                }
            }
            let mut matches = Vec::new();
            for id in candidates {
                let out = get_zone(&id)?;
                if let Some(vpc) = vpc_id {
                    if !out.vpcs().iter().any(|v| v.vpc_id() == Some(vpc)) {
                        continue;
                    }
                }
                if !wanted_tags.is_empty() {
                    let tags = list_zone_tags(ctx, &id)?;
                    if !wanted_tags.iter().all(|(k, v)| tags.get(k) == Some(v)) {
                        continue;
                    }
                }
                matches.push(out);
            }
            match matches.len() {
                0 => return Err(ZoneData::not_found(&format!("name {name}"))),
                1 => matches.remove(0),
                n => {
                    return Err(ProviderError::new(
                        "MultipleMatches",
                        format!(
                            "{n} Route 53 Hosted Zones are named {name}; narrow the search with \
                             private_zone, vpc_id or tags, or use zone_id"
                        ),
                    ))
                }
            }
        } else {
            return Err(ProviderError::new(
                "InvalidArgument",
                "data \"aws_route53_zone\": set either `zone_id` or `name`",
            ));
        };
        let zone = out
            .hosted_zone()
            .ok_or_else(|| ZoneData::not_found("no hosted zone in the response"))?;
        let id = clean_zone_id(zone.id()).to_string();
        let is_private = zone.config().map(|c| c.private_zone()).unwrap_or(false);
        let servers = if is_private {
            private_name_servers(ctx, &id, zone.name())?
        } else {
            out.delegation_set()
                .map(|d| d.name_servers().to_vec())
                .unwrap_or_default()
        };
        let tags = list_zone_tags(ctx, &id)?;
        let mut m = State::new();
        m.insert("zone_id".into(), Value::string(&id));
        m.insert("id".into(), Value::string(&id));
        m.insert("name".into(), Value::string(trim_dot(zone.name())));
        m.insert("private_zone".into(), Value::Bool(is_private));
        m.insert(
            "vpc_id".into(),
            vpc_id
                .map(Value::string)
                .unwrap_or_else(|| opt_string(out.vpcs().first().and_then(|v| v.vpc_id()))),
        );
        m.insert("tags".into(), map_value(&tags));
        m.insert("arn".into(), Value::string(Zone::arn(ctx, &id)));
        m.insert("caller_reference".into(), Value::string(zone.caller_reference()));
        m.insert("comment".into(), opt_string(zone.config().and_then(|c| c.comment())));
        m.insert(
            "primary_name_server".into(),
            opt_string(servers.first().map(String::as_str)),
        );
        m.insert(
            "name_servers".into(),
            Value::List(servers.iter().map(|s| Value::string(s)).collect()),
        );
        m.insert(
            "resource_record_set_count".into(),
            zone.resource_record_set_count()
                .map(|n| Value::Number(n as f64))
                .unwrap_or(Value::Null),
        );
        m.insert(
            "linked_service_principal".into(),
            opt_string(zone.linked_service().and_then(|l| l.service_principal())),
        );
        m.insert(
            "linked_service_description".into(),
            opt_string(zone.linked_service().and_then(|l| l.description())),
        );
        Ok(finish(&self.schema(), m))
    }
}
