//! Domain names as Route 53 spells them: escapes, trailing dots, record IDs.

use crate::route53::{clean_zone_id, Spec, RR_TYPES};
use aws_sdk_route53::types::ResourceRecordSet;

/// `name` without one trailing dot; the root name `.` stays as it is.
pub(super) fn trim_dot(name: &str) -> &str {
    if name.len() > 1 {
        name.strip_suffix('.').unwrap_or(name)
    } else {
        name
    }
}

/// A domain name in Route 53's own form: lower case, no trailing dot, and every character
/// outside `a-z 0-9 - . _` as a three-digit octal escape, except `*` as the leftmost label.
/// This is what Terraform sends (its normalizeDomainNameToAPI), so both create the same names.
pub(super) fn api_name(input: &str) -> String {
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
pub(super) fn name_key(name: &str) -> String {
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
pub(super) fn expand_record_name(name: &str, zone: &str) -> String {
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
pub(super) fn display_fqdn(api: &str) -> String {
    match api.strip_prefix("\\052.") {
        Some(rest) => format!("*.{rest}"),
        None => api.to_string(),
    }
}

/// `ZONEID_NAME_TYPE[_SETIDENTIFIER]`, the ID and import ID of `aws_route53_record`.
pub(super) fn record_id(zone: &str, name: &str, rtype: &str, set_identifier: Option<&str>) -> String {
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
pub(super) fn parse_record_id(id: &str) -> Option<(String, String, String, Option<String>)> {
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
pub(super) fn quoted_type(rtype: &str) -> bool {
    rtype == "TXT" || rtype == "SPF"
}

/// A record value as sent: TXT and SPF values get the quotes Terraform users leave out.
pub(super) fn value_to_api(rtype: &str, value: &str) -> String {
    if quoted_type(rtype) {
        format!("\"{value}\"")
    } else {
        value.to_string()
    }
}

/// A record value as state keeps it: the outer quotes of TXT and SPF values removed.
pub(super) fn value_from_api(rtype: &str, value: &str) -> String {
    if quoted_type(rtype) && value.len() >= 2 && value.starts_with('"') && value.ends_with('"') {
        value[1..value.len() - 1].to_string()
    } else {
        value.to_string()
    }
}

/// True when two sets of record values mean the same to DNS (host names are case-insensitive
/// and absolute with or without their trailing dot; character strings are compared exactly).
pub(super) fn same_values(rtype: &str, a: &[String], b: &[String]) -> bool {
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
pub(super) fn alias_key(name: &str) -> String {
    let key = name_key(name);
    key.strip_prefix("dualstack.").map(str::to_string).unwrap_or(key)
}

/// Identifies a record set within a zone: name, type and set identifier.
pub(super) type RecordKey = (String, String, String);

pub(super) fn record_key(name: &str, rtype: &str, set_identifier: Option<&str>) -> RecordKey {
    (
        name_key(name),
        rtype.to_ascii_uppercase(),
        set_identifier.unwrap_or("").to_string(),
    )
}

/// True when two record sets are the same to Route 53 (names in any form, values in any order).
pub(super) fn same_rrset(a: &ResourceRecordSet, b: &ResourceRecordSet) -> bool {
    let (mut x, mut y) = (Spec::from_rrset(a), Spec::from_rrset(b));
    x.records.sort();
    y.records.sort();
    x == y
}

pub(super) fn rrset_key(r: &ResourceRecordSet) -> RecordKey {
    record_key(r.name(), r.r#type().as_str(), r.set_identifier())
}
