//! A security group's inline `ingress`/`egress` rules and EC2's IP permissions.
//!
//! A rule block names several sources (CIDR blocks, prefix lists, groups, `self`) for one
//! protocol and port range; EC2 keeps one permission per protocol and range, with a description
//! per source. Rules are compared and changed as single grants (one source each), and read
//! back into the prior state's grouping when the grants are the same, so that how rules are
//! split between blocks never shows as a change.

use crate::support::attrs::{list_of_strings, set_of_strings, string_list};
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, UserIdGroupPair};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeSet;

/// The schema of one `ingress` or `egress` block.
pub(super) fn rule_schema() -> Schema {
    Schema::new()
        .attr("from_port", Attribute::required(Type::Number))
        .attr("to_port", Attribute::required(Type::Number))
        .attr("protocol", Attribute::required(Type::String))
        .attr("cidr_blocks", Attribute::optional(list_of_strings()))
        .attr("ipv6_cidr_blocks", Attribute::optional(list_of_strings()))
        .attr("prefix_list_ids", Attribute::optional(list_of_strings()))
        .attr("security_groups", Attribute::optional(set_of_strings()))
        .attr("self", Attribute::optional(Type::Bool))
        .attr("description", Attribute::optional(Type::String))
}

/// A protocol as EC2 and the AWS provider record it: a name for the common numbers, `-1` for all.
pub(crate) fn protocol(text: &str) -> String {
    match text.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.to_string(),
    }
}

/// Where one grant lets traffic come from (or go to).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) enum Source {
    Cidr(String),
    Ipv6(String),
    PrefixList(String),
    Group(String),
    Own,
}

/// One grant: protocol, ports, one source, and its description.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Grant {
    pub(super) protocol: String,
    pub(super) from: i64,
    pub(super) to: i64,
    pub(super) source: Source,
    pub(super) description: String,
}

fn number(v: &Value) -> i64 {
    v.as_f64().map(|n| n as i64).unwrap_or(0)
}

/// A rule block with every attribute as the AWS provider records it: lists empty rather than
/// null, `self` false, the description `""`, the protocol normalised.
pub(super) fn normalise(rule: &Value) -> Value {
    let list = |k: &str| Value::List(string_list(&rule.get(k)).into_iter().map(Value::from).collect());
    let mut groups: Vec<String> = string_list(&rule.get("security_groups"));
    groups.sort();
    groups.dedup();
    map([
        ("from_port", Value::from(number(&rule.get("from_port")))),
        ("to_port", Value::from(number(&rule.get("to_port")))),
        (
            "protocol",
            Value::from(protocol(rule.get("protocol").as_str().unwrap_or("-1"))),
        ),
        ("cidr_blocks", list("cidr_blocks")),
        ("ipv6_cidr_blocks", list("ipv6_cidr_blocks")),
        ("prefix_list_ids", list("prefix_list_ids")),
        ("security_groups", Value::from(groups)),
        ("self", Value::Bool(rule.get("self").as_bool().unwrap_or(false))),
        (
            "description",
            Value::from(rule.get("description").as_str().unwrap_or_default()),
        ),
    ])
}

/// The grants of rule blocks; `own` is the group's ID, which a rule names through `self`
/// (and may name in `security_groups` too).
pub(super) fn grants(rules: &[Value], own: &str) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for rule in rules {
        let r = normalise(rule);
        let grant = |source| Grant {
            protocol: r.get("protocol").as_str().unwrap_or("-1").to_string(),
            from: number(&r.get("from_port")),
            to: number(&r.get("to_port")),
            source,
            description: r.get("description").as_str().unwrap_or_default().to_string(),
        };
        out.extend(
            string_list(&r.get("cidr_blocks"))
                .into_iter()
                .map(|c| grant(Source::Cidr(c))),
        );
        out.extend(
            string_list(&r.get("ipv6_cidr_blocks"))
                .into_iter()
                .map(|c| grant(Source::Ipv6(c))),
        );
        out.extend(
            string_list(&r.get("prefix_list_ids"))
                .into_iter()
                .map(|p| grant(Source::PrefixList(p))),
        );
        for g in string_list(&r.get("security_groups")) {
            out.insert(grant(if g == own { Source::Own } else { Source::Group(g) }));
        }
        if r.get("self").as_bool() == Some(true) {
            out.insert(grant(Source::Own));
        }
    }
    out
}

/// The grants of EC2's permissions.
pub(super) fn grants_of(perms: &[IpPermission], own: &str) -> BTreeSet<Grant> {
    let mut out = BTreeSet::new();
    for p in perms {
        let proto = protocol(p.ip_protocol().unwrap_or("-1"));
        let all = proto == "-1";
        let (from, to) = if all {
            (0, 0)
        } else {
            (
                i64::from(p.from_port().unwrap_or(0)),
                i64::from(p.to_port().unwrap_or(0)),
            )
        };
        let grant = |source, description: Option<&str>| Grant {
            protocol: proto.clone(),
            from,
            to,
            source,
            description: description.unwrap_or_default().to_string(),
        };
        for r in p.ip_ranges() {
            out.insert(grant(
                Source::Cidr(r.cidr_ip().unwrap_or_default().into()),
                r.description(),
            ));
        }
        for r in p.ipv6_ranges() {
            out.insert(grant(
                Source::Ipv6(r.cidr_ipv6().unwrap_or_default().into()),
                r.description(),
            ));
        }
        for r in p.prefix_list_ids() {
            out.insert(grant(
                Source::PrefixList(r.prefix_list_id().unwrap_or_default().into()),
                r.description(),
            ));
        }
        for pair in p.user_id_group_pairs() {
            let id = pair.group_id().unwrap_or_default();
            let source = if id == own {
                Source::Own
            } else {
                Source::Group(id.into())
            };
            out.insert(grant(source, pair.description()));
        }
    }
    out
}

/// Rule blocks holding exactly `grants`: the prior rules whose grants are all there, as they
/// were written, then one block per protocol, ports and description for what is left.
pub(super) fn rules_for(grants: &BTreeSet<Grant>, prior: &[Value], own: &str) -> Vec<Value> {
    let mut left = grants.clone();
    let mut out = Vec::new();
    for rule in prior {
        let mine = self::grants(std::slice::from_ref(rule), own);
        if !mine.is_empty() && mine.is_subset(&left) {
            left.retain(|g| !mine.contains(g));
            out.push(normalise(rule));
        }
    }
    let mut groups: Vec<(Grant, Vec<Source>)> = Vec::new();
    for g in left {
        let key = Grant {
            source: Source::Own,
            ..g.clone()
        };
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, sources)) => sources.push(g.source),
            None => groups.push((key, vec![g.source])),
        }
    }
    for (key, sources) in groups {
        let pick = |f: fn(&Source) -> Option<&String>| -> Value {
            Value::List(sources.iter().filter_map(f).map(|s| Value::from(s.as_str())).collect())
        };
        let mut groups: Vec<&String> = sources
            .iter()
            .filter_map(|s| match s {
                Source::Group(g) => Some(g),
                _ => None,
            })
            .collect();
        groups.sort();
        out.push(map([
            ("from_port", Value::from(key.from)),
            ("to_port", Value::from(key.to)),
            ("protocol", Value::from(key.protocol.as_str())),
            (
                "cidr_blocks",
                pick(|s| match s {
                    Source::Cidr(c) => Some(c),
                    _ => None,
                }),
            ),
            (
                "ipv6_cidr_blocks",
                pick(|s| match s {
                    Source::Ipv6(c) => Some(c),
                    _ => None,
                }),
            ),
            (
                "prefix_list_ids",
                pick(|s| match s {
                    Source::PrefixList(p) => Some(p),
                    _ => None,
                }),
            ),
            (
                "security_groups",
                Value::List(groups.into_iter().map(|g| Value::from(g.as_str())).collect()),
            ),
            ("self", Value::Bool(sources.contains(&Source::Own))),
            ("description", Value::from(key.description.as_str())),
        ]));
    }
    out
}

/// EC2's permission for one grant (`own` is the group's ID, for `self`).
pub(super) fn permission(g: &Grant, own: &str) -> IpPermission {
    let desc = (!g.description.is_empty()).then(|| g.description.clone());
    let mut p = IpPermission::builder().ip_protocol(&g.protocol);
    if g.protocol != "-1" {
        p = p.from_port(g.from as i32).to_port(g.to as i32);
    }
    match &g.source {
        Source::Cidr(c) => p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(desc).build()),
        Source::Ipv6(c) => p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(desc).build()),
        Source::PrefixList(id) => {
            p.prefix_list_ids(PrefixListId::builder().prefix_list_id(id).set_description(desc).build())
        }
        Source::Group(id) => {
            p.user_id_group_pairs(UserIdGroupPair::builder().group_id(id).set_description(desc).build())
        }
        Source::Own => p.user_id_group_pairs(UserIdGroupPair::builder().group_id(own).set_description(desc).build()),
    }
    .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(cidrs: &[&str], description: &str) -> Value {
        map([
            ("from_port", Value::from(443i64)),
            ("to_port", Value::from(443i64)),
            ("protocol", Value::from("6")),
            (
                "cidr_blocks",
                Value::from(cidrs.iter().map(|c| Value::from(*c)).collect::<Vec<_>>()),
            ),
            ("description", Value::from(description)),
        ])
    }

    #[test]
    fn rules_read_back_in_the_grouping_they_were_written_in() {
        let prior = vec![rule(&["10.0.0.0/16"], "vpc"), rule(&["10.1.0.0/16"], "vpc")];
        let g = grants(&prior, "sg-1");
        assert_eq!(g.len(), 2);
        assert!(g.iter().all(|x| x.protocol == "tcp"));
        let back = rules_for(&g, &prior, "sg-1");
        assert_eq!(back, vec![normalise(&prior[0]), normalise(&prior[1])]);
        // Without a prior grouping, grants of one port and description make one block.
        let fresh = rules_for(&g, &[], "sg-1");
        assert_eq!(fresh.len(), 1);
        assert_eq!(
            string_list(&fresh[0].get("cidr_blocks")),
            ["10.0.0.0/16", "10.1.0.0/16"]
        );
    }

    #[test]
    fn a_grant_is_one_permission_and_self_names_the_group() {
        let g = Grant {
            protocol: "-1".into(),
            from: 0,
            to: 0,
            source: Source::Own,
            description: String::new(),
        };
        let p = permission(&g, "sg-9");
        assert_eq!(p.from_port(), None);
        assert_eq!(p.user_id_group_pairs()[0].group_id(), Some("sg-9"));
        assert_eq!(grants_of(&[p], "sg-9"), BTreeSet::from([g]));
    }
}
