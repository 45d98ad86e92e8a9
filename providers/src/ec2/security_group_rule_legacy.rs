//! aws_security_group_rule: the older, ID-less form of a security group rule, one rule block of
//! a group's ingress or egress as its own resource. EC2 gives such a rule no identity of its
//! own, so it is found by its grants in the group, and its ID is Terraform's digest of them.

use super::permission::{grants, grants_of, protocol, Grant};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, is_set, list_of_strings, problem, sref, string_set, Put,
};
use crate::support::error::found;
use crate::support::timeouts;
use aws_sdk_ec2::types::{IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroup, UserIdGroupPair};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::{map, Value};
use std::collections::BTreeSet;

pub(super) struct LegacyRule;

/// Where traffic comes from (or goes to): at least one.
const SOURCES: [&str; 5] = [
    "cidr_blocks",
    "ipv6_cidr_blocks",
    "prefix_list_ids",
    "source_security_group_id",
    "self",
];

fn strings(v: &Value, key: &str) -> Vec<String> {
    v.get(key)
        .as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| i.as_str().map(str::to_string))
        .collect()
}

fn number(v: &Value, key: &str) -> i64 {
    v.get(key).as_f64().map(|n| n as i64).unwrap_or(0)
}

/// A group ID written `[OWNER/]sg-...`, without the owner.
fn group_id(text: &str) -> &str {
    text.rsplit('/').next().unwrap_or(text)
}

/// The rule as one inline rule block of its group, to compare as grants.
fn as_block(v: &Value) -> Value {
    let groups: Vec<Value> = sref(v, "source_security_group_id")
        .map(|g| Value::from(group_id(g)))
        .into_iter()
        .collect();
    map([
        ("from_port", v.get("from_port")),
        ("to_port", v.get("to_port")),
        ("protocol", v.get("protocol")),
        ("cidr_blocks", v.get("cidr_blocks")),
        ("ipv6_cidr_blocks", v.get("ipv6_cidr_blocks")),
        ("prefix_list_ids", v.get("prefix_list_ids")),
        ("security_groups", Value::from(groups)),
        ("self", v.get("self")),
        ("description", v.get("description")),
    ])
}

/// The rule's grants, descriptions left out (they change in place and do not make a rule).
fn bare(grants: BTreeSet<Grant>) -> BTreeSet<Grant> {
    grants
        .into_iter()
        .map(|g| Grant {
            description: String::new(),
            ..g
        })
        .collect()
}

/// Terraform's ID of the rule: `sgrule-` and the CRC-32 of the group, ports, protocol, type
/// and sorted sources, so that states move between the two unchanged.
pub(super) fn rule_id(group: &str, kind: &str, v: &Value) -> String {
    let proto = protocol(sref(v, "protocol").unwrap_or("-1"));
    let mut text = format!("{group}-");
    if proto != "-1" {
        for port in [number(v, "from_port"), number(v, "to_port")] {
            if port > 0 {
                text.push_str(&format!("{port}-"));
            }
        }
    }
    text.push_str(&format!("{proto}-{kind}-"));
    for key in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        let mut items = strings(v, key);
        items.sort();
        for i in items {
            text.push_str(&format!("{i}-"));
        }
    }
    let mut pairs: Vec<String> = Vec::new();
    if v.get("self").as_bool() == Some(true) {
        pairs.push(group.to_string());
    }
    if let Some(source) = sref(v, "source_security_group_id").map(group_id) {
        if source != group {
            pairs.push(source.to_string());
        }
    }
    pairs.sort();
    for p in pairs {
        // A pair's group ID, then its (absent) group name.
        text.push_str(&format!("{p}--"));
    }
    format!("sgrule-{}", crate::support::number::crc32(text.as_bytes()))
}

impl LegacyRule {
    fn group(&self, ctx: &Ctx, id: &str) -> Result<Option<SecurityGroup>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Security Group ({id})"),
            ctx.ec2.describe_security_groups().group_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.security_groups().first().cloned()))
    }

    /// The rule as it is in its group: `None` when the group or one of the rule's grants is gone.
    fn find(&self, ctx: &Ctx, v: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(group), Some(kind)) = (sref(v, "security_group_id"), sref(v, "type")) else {
            return Ok(None);
        };
        let Some(g) = self.group(ctx, group)? else {
            return Ok(None);
        };
        let perms = if kind == "egress" {
            g.ip_permissions_egress()
        } else {
            g.ip_permissions()
        };
        let there = grants_of(perms, group);
        let wanted = bare(grants(&[as_block(v)], group));
        let present = bare(there.clone());
        if wanted.is_empty() || !wanted.is_subset(&present) {
            return Ok(None);
        }
        // The description the grants have in EC2 (one for all of them, as this rule sets it).
        let description = there
            .iter()
            .find(|t| {
                wanted.contains(&Grant {
                    description: String::new(),
                    ..(*t).clone()
                })
            })
            .map(|t| t.description.clone())
            .filter(|d| !d.is_empty());
        let mut st = into_state(v);
        st.put("description", description);
        st.put("id", rule_id(group, kind, v));
        st.put("protocol", protocol(sref(v, "protocol").unwrap_or("-1")));
        Ok(Some(finish(&self.schema(), st)))
    }

    fn permission(&self, v: &Value, own: &str, with_description: bool) -> IpPermission {
        let proto = protocol(sref(v, "protocol").unwrap_or("-1"));
        let desc = sref(v, "description").filter(|_| with_description).map(str::to_string);
        let mut p = IpPermission::builder().ip_protocol(&proto);
        if proto != "-1" {
            p = p
                .from_port(number(v, "from_port") as i32)
                .to_port(number(v, "to_port") as i32);
        }
        for c in strings(v, "cidr_blocks") {
            p = p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(desc.clone()).build());
        }
        for c in strings(v, "ipv6_cidr_blocks") {
            p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(desc.clone()).build());
        }
        for id in strings(v, "prefix_list_ids") {
            p = p.prefix_list_ids(
                PrefixListId::builder()
                    .prefix_list_id(id)
                    .set_description(desc.clone())
                    .build(),
            );
        }
        let mut pairs: Vec<(String, Option<String>)> = Vec::new();
        if v.get("self").as_bool() == Some(true) {
            pairs.push((own.to_string(), None));
        }
        if let Some(source) = sref(v, "source_security_group_id") {
            let owner = source.split_once('/').map(|(o, _)| o.to_string());
            if group_id(source) != own {
                pairs.push((group_id(source).to_string(), owner));
            }
        }
        for (id, owner) in pairs {
            p = p.user_id_group_pairs(
                UserIdGroupPair::builder()
                    .group_id(id)
                    .set_user_id(owner)
                    .set_description(desc.clone())
                    .build(),
            );
        }
        p.build()
    }
}

impl ResourceType for LegacyRule {
    fn type_name(&self) -> &'static str {
        "aws_security_group_rule"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(2)
            .attr(
                "type",
                Attribute::required(Type::String)
                    .force_new()
                    .one_of(&["ingress", "egress"]),
            )
            .attr("security_group_id", Attribute::required(Type::String).force_new())
            .attr("from_port", Attribute::required(Type::Number).force_new())
            .attr("to_port", Attribute::required(Type::Number).force_new())
            .attr("protocol", Attribute::required(Type::String).force_new())
            .attr("cidr_blocks", Attribute::optional(list_of_strings()).force_new())
            .attr("ipv6_cidr_blocks", Attribute::optional(list_of_strings()).force_new())
            .attr("prefix_list_ids", Attribute::optional(list_of_strings()).force_new())
            .attr(
                "source_security_group_id",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("self", Attribute::optional(Type::Bool).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("security_group_rule_id", Attribute::computed(Type::String))
            .timeouts(&["create"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        let given = |k: &str| match k {
            "self" => config.get(k).as_bool() == Some(true),
            _ => is_set(&config.get(k)),
        };
        if !SOURCES.iter().any(|k| given(k) || config.get(k).is_unknown()) {
            out.push(problem(
                "cidr_blocks",
                "a rule needs one of cidr_blocks, ipv6_cidr_blocks, prefix_list_ids, source_security_group_id or self = true",
            ));
        }
        for blocks in ["cidr_blocks", "ipv6_cidr_blocks"] {
            for other in ["source_security_group_id", "self"] {
                if given(blocks) && given(other) {
                    out.push(problem(
                        other,
                        format!("\"{blocks}\" and \"{other}\" cannot both be set: write two rules"),
                    ));
                }
            }
        }
        if given("self") && given("source_security_group_id") {
            out.push(problem(
                "source_security_group_id",
                "\"self\" and \"source_security_group_id\" cannot both be set",
            ));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if let Some(p) = sref(&proposed, "protocol") {
            st.put("protocol", protocol(p));
        }
        if st.get("self").is_none_or(Value::is_null) {
            st.put("self", false);
        }
        if prior.is_none() && !proposed.contains_unknown() {
            if let (Some(group), Some(kind)) = (sref(&proposed, "security_group_id"), sref(&proposed, "type")) {
                st.put("id", rule_id(group, kind, &proposed));
            }
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(group), Some(kind)) = (sref(planned, "security_group_id"), sref(planned, "type")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidConfiguration",
                "the rule has no group or type",
            ));
        };
        let id = rule_id(group, kind, planned);
        (step.progress)(&format!("adding an {kind} rule to {group}"));
        let perm = self.permission(planned, group, true);
        let op = format!("adding {kind} rule {id} to EC2 Security Group ({group})");
        let sent = if kind == "egress" {
            call(
                ctx,
                &op,
                ctx.ec2
                    .authorize_security_group_egress()
                    .group_id(group)
                    .ip_permissions(perm)
                    .send(),
            )
            .map(|o| {
                o.security_group_rules()
                    .first()
                    .and_then(|r| r.security_group_rule_id())
                    .map(str::to_string)
            })
        } else {
            call(
                ctx,
                &op,
                ctx.ec2
                    .authorize_security_group_ingress()
                    .group_id(group)
                    .ip_permissions(perm)
                    .send(),
            )
            .map(|o| {
                o.security_group_rules()
                    .first()
                    .and_then(|r| r.security_group_rule_id())
                    .map(str::to_string)
            })
        };
        let rule = match sent {
            Ok(rule) => rule,
            Err(e) if e.code == "InvalidPermission.Duplicate" => {
                return ApplyOutcome::failed(ProviderError::new(
                    e.code,
                    format!(
                        "{}: the group already has this rule; import it (infinstor import ADDRESS {})",
                        e.message,
                        import_id(planned)
                    ),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let read = self.find(ctx, planned).map(|s| {
            s.map(|s| {
                let mut st = into_state(&s);
                st.put("security_group_rule_id", rule.clone());
                Value::Map(st.into())
            })
        });
        created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
            ProviderError::new(
                "NotFound",
                format!("{op}: the rule is not in the group right after it was added"),
            )
        })
    }

    /// Only the description changes in place.
    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(group), Some(kind)) = (sref(prior, "security_group_id"), sref(prior, "type")) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let perm = self.permission(planned, group, true);
        let op = format!("changing the description of an {kind} rule of EC2 Security Group ({group})");
        let result = if kind == "egress" {
            call(
                ctx,
                &op,
                ctx.ec2
                    .update_security_group_rule_descriptions_egress()
                    .group_id(group)
                    .ip_permissions(perm)
                    .send(),
            )
            .map(|_| ())
        } else {
            call(
                ctx,
                &op,
                ctx.ec2
                    .update_security_group_rule_descriptions_ingress()
                    .group_id(group)
                    .ip_permissions(perm)
                    .send(),
            )
            .map(|_| ())
        };
        let keep_rule_id = |s: Option<Value>| {
            s.map(|s| {
                let mut st = into_state(&s);
                st.insert("security_group_rule_id".into(), prior.get("security_group_rule_id"));
                Value::Map(st.into())
            })
        };
        update_outcome(prior, result, self.find(ctx, planned).map(keep_rule_id), || {
            ProviderError::new("NotFound", format!("{op}: the rule is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(group), Some(kind)) = (sref(prior, "security_group_id"), sref(prior, "type")) else {
            return Ok(());
        };
        (step.progress)(&format!("removing an {kind} rule from {group}"));
        let perm = self.permission(prior, group, false);
        let op = format!("removing an {kind} rule from EC2 Security Group ({group})");
        let sent = if kind == "egress" {
            call(
                ctx,
                &op,
                ctx.ec2
                    .revoke_security_group_egress()
                    .group_id(group)
                    .ip_permissions(perm)
                    .send(),
            )
            .map(|_| ())
        } else {
            call(
                ctx,
                &op,
                ctx.ec2
                    .revoke_security_group_ingress()
                    .group_id(group)
                    .ip_permissions(perm)
                    .send(),
            )
            .map(|_| ())
        };
        match sent {
            Err(e) if e.code == "InvalidPermission.NotFound" => Ok(()),
            other => found(other).map(|_| ()),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.find(ctx, prior)?.map(|s| {
            let mut st = into_state(&s);
            st.insert("security_group_rule_id".into(), prior.get("security_group_rule_id"));
            st.insert("timeouts".into(), prior.get("timeouts"));
            Value::Map(st.into())
        }))
    }

    /// Import ID: `SGID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE[_SOURCE...]`, each source a CIDR
    /// block, a prefix list ID, a group ID or `self` (as Terraform writes it).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let parts: Vec<&str> = id.split('_').collect();
        let bad = || {
            ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_security_group_rule: write it as SGID_TYPE_PROTOCOL_FROMPORT_TOPORT_SOURCE, such as sg-0123456789abcdef0_ingress_tcp_443_443_10.0.0.0/16"),
            )
        };
        if parts.len() < 6 || !matches!(parts[1], "ingress" | "egress") {
            return Err(bad());
        }
        let (from, to) = (
            parts[3].parse::<i64>().map_err(|_| bad())?,
            parts[4].parse::<i64>().map_err(|_| bad())?,
        );
        let (mut cidrs, mut ipv6, mut lists) = (Vec::new(), Vec::new(), Vec::new());
        let (mut own, mut source) = (false, None);
        for s in &parts[5..] {
            match *s {
                "self" => own = true,
                s if s.starts_with("pl-") => lists.push(Value::from(s)),
                s if s.contains("sg-") => source = Some(Value::from(s)),
                s if s.contains(':') => ipv6.push(Value::from(s)),
                s => cidrs.push(Value::from(s)),
            }
        }
        let list = |v: Vec<Value>| if v.is_empty() { Value::Null } else { Value::from(v) };
        let config = map([
            ("security_group_id", Value::from(parts[0])),
            ("type", Value::from(parts[1])),
            ("protocol", Value::from(parts[2])),
            ("from_port", Value::from(from)),
            ("to_port", Value::from(to)),
            ("cidr_blocks", list(cidrs)),
            ("ipv6_cidr_blocks", list(ipv6)),
            ("prefix_list_ids", list(lists)),
            ("source_security_group_id", source.unwrap_or(Value::Null)),
            ("self", Value::Bool(own)),
        ]);
        self.find(ctx, &config)
    }
}

/// The import ID of the rule `v` describes.
fn import_id(v: &Value) -> String {
    let mut parts = vec![
        sref(v, "security_group_id").unwrap_or_default().to_string(),
        sref(v, "type").unwrap_or_default().to_string(),
        protocol(sref(v, "protocol").unwrap_or("-1")),
        number(v, "from_port").to_string(),
        number(v, "to_port").to_string(),
    ];
    for key in ["cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids"] {
        parts.extend(string_set(&v.get(key)));
    }
    parts.extend(sref(v, "source_security_group_id").map(str::to_string));
    if v.get("self").as_bool() == Some(true) {
        parts.push("self".into());
    }
    parts.join("_")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(protocol: &str, from: i64, to: i64) -> Value {
        map([
            ("protocol", Value::from(protocol)),
            ("from_port", Value::from(from)),
            ("to_port", Value::from(to)),
            ("cidr_blocks", Value::from(vec!["10.0.0.0/8"])),
        ])
    }

    #[test]
    fn a_rules_id_is_terraforms_digest() {
        // The AWS provider's own test vectors.
        assert_eq!(
            rule_id("sg-12345", "ingress", &rule("tcp", 80, 8000)),
            "sgrule-3403497314"
        );
        assert_eq!(rule_id("sg-12345", "egress", &rule("-1", 0, 0)), "sgrule-766323498");
    }
}
