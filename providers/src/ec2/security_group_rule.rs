//! aws_vpc_security_group_ingress_rule and aws_vpc_security_group_egress_rule: one rule of a
//! security group, with its own ID (`sgr-...`) and tags.

use super::kit::{create_tags, intent_filter, intent_of, plan_tags, put_tags, update_tags};
use super::permission::protocol;
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_ec2::types::{
    IpPermission, IpRange, Ipv6Range, PrefixListId, SecurityGroupRule, SecurityGroupRuleRequest,
    SecurityGroupRuleUpdate, UserIdGroupPair,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// One direction's rule type.
pub(super) struct Rule {
    pub(super) egress: bool,
}

/// Where a rule's traffic comes from (ingress) or goes to (egress): exactly one is set.
const PEERS: [&str; 4] = [
    "cidr_ipv4",
    "cidr_ipv6",
    "prefix_list_id",
    "referenced_security_group_id",
];

fn peer(v: &Value) -> Option<&'static str> {
    PEERS.iter().copied().find(|k| sref(v, k).is_some())
}

fn port(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

/// Whether the protocol covers every port, so that the rule has none.
fn portless(proto: &str) -> bool {
    protocol(proto) == "-1"
}

impl Rule {
    fn what(&self) -> &'static str {
        if self.egress {
            "EC2 Security Group egress rule"
        } else {
            "EC2 Security Group ingress rule"
        }
    }

    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<SecurityGroupRule>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading {} ({id})", self.what()),
            ctx.ec2
                .describe_security_group_rules()
                .security_group_rule_ids(id)
                .send(),
        ))?;
        Ok(out
            .and_then(|o| o.security_group_rules().first().cloned())
            .filter(|r| r.is_egress() == Some(self.egress)))
    }

    fn state(&self, ctx: &Ctx, r: &SecurityGroupRule, prior: &Value) -> Value {
        let id = r.security_group_rule_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("security_group_rule_id", id);
        st.put("security_group_id", r.group_id());
        st.put(
            "arn",
            r.security_group_rule_arn()
                .map(Value::string)
                .unwrap_or_else(|| super::kit::arn(ctx, r.group_owner_id(), "security-group-rule", id)),
        );
        let theirs = r.ip_protocol().unwrap_or("-1");
        // The configuration's spelling of the same protocol ("6" for "tcp") is kept.
        let proto = match sref(prior, "ip_protocol") {
            Some(mine) if protocol(mine) == protocol(theirs) => mine.to_string(),
            _ => theirs.to_string(),
        };
        let ports = !portless(&proto);
        st.put("from_port", r.from_port().filter(|_| ports).map(i64::from));
        st.put("to_port", r.to_port().filter(|_| ports).map(i64::from));
        st.put("ip_protocol", proto);
        st.put("cidr_ipv4", r.cidr_ipv4());
        st.put("cidr_ipv6", r.cidr_ipv6());
        st.put("prefix_list_id", r.prefix_list_id());
        st.put(
            "referenced_security_group_id",
            r.referenced_group_info().and_then(|g| g.group_id()),
        );
        st.put("description", r.description());
        put_tags(ctx, &mut st, prior, r.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|r| self.state(ctx, &r, prior)))
    }

    fn permission(&self, v: &Value) -> IpPermission {
        let proto = sref(v, "ip_protocol").unwrap_or("-1");
        let desc = sref(v, "description").map(str::to_string);
        let mut p = IpPermission::builder().ip_protocol(proto);
        if !portless(proto) {
            p = p.set_from_port(port(v, "from_port")).set_to_port(port(v, "to_port"));
        }
        if let Some(c) = sref(v, "cidr_ipv4") {
            p = p.ip_ranges(IpRange::builder().cidr_ip(c).set_description(desc.clone()).build());
        }
        if let Some(c) = sref(v, "cidr_ipv6") {
            p = p.ipv6_ranges(Ipv6Range::builder().cidr_ipv6(c).set_description(desc.clone()).build());
        }
        if let Some(id) = sref(v, "prefix_list_id") {
            p = p.prefix_list_ids(
                PrefixListId::builder()
                    .prefix_list_id(id)
                    .set_description(desc.clone())
                    .build(),
            );
        }
        if let Some(id) = sref(v, "referenced_security_group_id") {
            p = p.user_id_group_pairs(UserIdGroupPair::builder().group_id(id).set_description(desc).build());
        }
        p.build()
    }

    fn request(&self, v: &Value) -> SecurityGroupRuleRequest {
        let proto = sref(v, "ip_protocol").unwrap_or("-1");
        let ports = !portless(proto);
        let s = |k: &str| sref(v, k).map(str::to_string);
        SecurityGroupRuleRequest::builder()
            .ip_protocol(proto)
            .set_from_port(port(v, "from_port").filter(|_| ports).or((!ports).then_some(-1)))
            .set_to_port(port(v, "to_port").filter(|_| ports).or((!ports).then_some(-1)))
            .set_cidr_ipv4(s("cidr_ipv4"))
            .set_cidr_ipv6(s("cidr_ipv6"))
            .set_prefix_list_id(s("prefix_list_id"))
            .set_referenced_group_id(s("referenced_security_group_id"))
            .set_description(s("description"))
            .build()
    }
}

impl ResourceType for Rule {
    fn type_name(&self) -> &'static str {
        if self.egress {
            "aws_vpc_security_group_egress_rule"
        } else {
            "aws_vpc_security_group_ingress_rule"
        }
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("security_group_id", Attribute::required(Type::String).force_new())
            .attr("ip_protocol", Attribute::required(Type::String))
            .attr("from_port", Attribute::optional(Type::Number))
            .attr("to_port", Attribute::optional(Type::Number))
            .attr("cidr_ipv4", Attribute::optional(Type::String))
            .attr("cidr_ipv6", Attribute::optional(Type::String))
            .attr("prefix_list_id", Attribute::optional(Type::String))
            .attr("referenced_security_group_id", Attribute::optional(Type::String))
            .attr("description", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("security_group_rule_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let given: Vec<&str> = PEERS.iter().copied().filter(|k| is_set(&config.get(k))).collect();
        let unknown = PEERS.iter().any(|k| config.get(k).is_unknown());
        if given.len() > 1 || (given.is_empty() && !unknown) {
            out.push(problem(
                given.get(1).copied().unwrap_or("cidr_ipv4"),
                format!("a rule has exactly one of {}", PEERS.join(", ")),
            ));
        }
        if let Some(proto) = config.get("ip_protocol").as_str() {
            let ports = ["from_port", "to_port"];
            if portless(proto) {
                if let Some(k) = ports.iter().find(|k| is_set(&config.get(k))) {
                    out.push(problem(
                        k,
                        "a rule with ip_protocol \"-1\" covers every port: remove from_port and to_port",
                    ));
                }
            } else if !matches!(protocol(proto).as_str(), "icmpv6" | "58") {
                if let Some(k) = ports.iter().find(|k| config.get(k).is_null()) {
                    out.push(problem(k, format!("{k} is required for ip_protocol {proto:?}")));
                }
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        plan_tags(ctx, &mut st);
        // EC2 changes a rule's ports, protocol and peer in place, but not the kind of peer.
        let replace = match prior {
            Some(p) if peer(p) != peer(&proposed) && !PEERS.iter().any(|k| proposed.get(k).is_unknown()) => {
                PEERS.iter().map(|k| (*k).to_string()).collect()
            }
            _ => Vec::new(),
        };
        Ok((Value::Map(st.into()), replace))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let group = sref(planned, "security_group_id").unwrap_or_default().to_string();
        let what = self.what();
        (step.progress)(&format!(
            "adding an {} to {group}",
            if self.egress { "egress rule" } else { "ingress rule" }
        ));
        let (spec, _) = create_tags(
            ctx,
            planned,
            aws_sdk_ec2::types::ResourceType::SecurityGroupRule,
            step,
            &group,
        );
        let op = format!("adding {what} to {group}");
        let perm = self.permission(planned);
        let rule = if self.egress {
            call(
                ctx,
                &op,
                ctx.ec2
                    .authorize_security_group_egress()
                    .group_id(&group)
                    .ip_permissions(perm)
                    .tag_specifications(spec)
                    .send(),
            )
            .map(|o| o.security_group_rules().first().cloned())
        } else {
            call(
                ctx,
                &op,
                ctx.ec2
                    .authorize_security_group_ingress()
                    .group_id(&group)
                    .ip_permissions(perm)
                    .tag_specifications(spec)
                    .send(),
            )
            .map(|o| o.security_group_rules().first().cloned())
        };
        let id = match rule.map(|r| r.and_then(|r| r.security_group_rule_id().map(str::to_string))) {
            Ok(Some(id)) => id,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    format!("{op}: EC2 returned no rule ID"),
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.read_id(ctx, &id, planned),
            || ProviderError::new("NotFound", format!("{what} ({id}) is gone right after its create")),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(id), Some(group)) = (sref(prior, "id"), sref(prior, "security_group_id")) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let what = self.what();
        let fields = ["ip_protocol", "from_port", "to_port", "description"];
        let changed = fields.iter().chain(&PEERS).any(|k| prior.get(k) != planned.get(k));
        let result = (|| {
            if changed {
                call(
                    ctx,
                    &format!("changing {what} ({id})"),
                    ctx.ec2
                        .modify_security_group_rules()
                        .group_id(group)
                        .security_group_rules(
                            SecurityGroupRuleUpdate::builder()
                                .security_group_rule_id(id)
                                .security_group_rule(self.request(planned))
                                .build(),
                        )
                        .send(),
                )?;
            }
            update_tags(ctx, id, what, prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, id, planned), || {
            ProviderError::new("NotFound", format!("{what} ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(id), Some(group)) = (sref(prior, "id"), sref(prior, "security_group_id")) else {
            return Ok(());
        };
        (step.progress)(&format!("removing {} {id}", self.what()));
        let op = format!("removing {} ({id})", self.what());
        let sent = if self.egress {
            call(
                ctx,
                &op,
                ctx.ec2
                    .revoke_security_group_egress()
                    .group_id(group)
                    .security_group_rule_ids(id)
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
                    .security_group_rule_ids(id)
                    .send(),
            )
            .map(|_| ())
        };
        found(sent).map(|_| ())
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the rule's ID (`sgr-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                &format!("finding an {} by its intent tag", self.what()),
                ctx.ec2
                    .describe_security_group_rules()
                    .filters(intent_filter(token))
                    .send(),
            )?;
            return Ok(out
                .security_group_rules()
                .iter()
                .find(|r| r.is_egress() == Some(self.egress))
                .map(|r| self.state(ctx, r, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
