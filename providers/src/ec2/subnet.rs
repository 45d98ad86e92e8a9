//! aws_subnet: a subnet of a VPC in one availability zone, and its launch settings.

use super::cidr::{is_ipv4_block, is_ipv6_block};
use super::kit::{arn, create_tags, flag, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ec2::types::{AttributeBooleanValue, HostnameType, SubnetCidrBlockStateCode, SubnetState};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct Subnet;

const OUTPOSTS: &str = "Subnets on Outposts are not supported yet: create the subnet outside infinstor and import it.";

/// The launch settings ModifySubnetAttribute sets one per call, all `false` on a new subnet.
const FLAGS: [&str; 5] = [
    "map_public_ip_on_launch",
    "assign_ipv6_address_on_creation",
    "enable_dns64",
    "enable_resource_name_dns_a_record_on_launch",
    "enable_resource_name_dns_aaaa_record_on_launch",
];

impl Subnet {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::Subnet>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Subnet ({id})"),
            ctx.ec2.describe_subnets().subnet_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.subnets().first().cloned()))
    }

    pub(super) fn state(&self, ctx: &Ctx, s: &aws_sdk_ec2::types::Subnet, prior: &Value) -> Value {
        let id = s.subnet_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put(
            "arn",
            s.subnet_arn()
                .map(Value::string)
                .unwrap_or_else(|| arn(ctx, s.owner_id(), "subnet", id)),
        );
        st.put("vpc_id", s.vpc_id());
        st.put("cidr_block", s.cidr_block());
        st.put("availability_zone", s.availability_zone());
        st.put("availability_zone_id", s.availability_zone_id());
        st.put("owner_id", s.owner_id());
        st.put("map_public_ip_on_launch", s.map_public_ip_on_launch().unwrap_or(false));
        st.put(
            "assign_ipv6_address_on_creation",
            s.assign_ipv6_address_on_creation().unwrap_or(false),
        );
        st.put("enable_dns64", s.enable_dns64().unwrap_or(false));
        st.put("ipv6_native", s.ipv6_native().unwrap_or(false));
        let dns = s.private_dns_name_options_on_launch();
        st.put(
            "enable_resource_name_dns_a_record_on_launch",
            dns.and_then(|d| d.enable_resource_name_dns_a_record()).unwrap_or(false),
        );
        st.put(
            "enable_resource_name_dns_aaaa_record_on_launch",
            dns.and_then(|d| d.enable_resource_name_dns_aaaa_record())
                .unwrap_or(false),
        );
        st.put(
            "private_dns_hostname_type_on_launch",
            dns.and_then(|d| d.hostname_type()).map(|h| h.as_str().to_string()),
        );
        let ipv6 = s
            .ipv6_cidr_block_association_set()
            .iter()
            .find(|a| a.ipv6_cidr_block_state().and_then(|x| x.state()) == Some(&SubnetCidrBlockStateCode::Associated));
        st.put("ipv6_cidr_block", ipv6.and_then(|a| a.ipv6_cidr_block()));
        st.put("ipv6_cidr_block_association_id", ipv6.and_then(|a| a.association_id()));
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, s.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|s| self.state(ctx, &s, prior)))
    }

    fn set_flag(&self, ctx: &Ctx, id: &str, key: &str, on: bool) -> Result<(), ProviderError> {
        let value = AttributeBooleanValue::builder().value(on).build();
        let req = ctx.ec2.modify_subnet_attribute().subnet_id(id);
        let req = match key {
            "map_public_ip_on_launch" => req.map_public_ip_on_launch(value),
            "assign_ipv6_address_on_creation" => req.assign_ipv6_address_on_creation(value),
            "enable_dns64" => req.enable_dns64(value),
            "enable_resource_name_dns_a_record_on_launch" => req.enable_resource_name_dns_a_record_on_launch(value),
            _ => req.enable_resource_name_dns_aaaa_record_on_launch(value),
        };
        call(ctx, &format!("setting EC2 Subnet ({id}) {key} to {on}"), req.send()).map(|_| ())
    }

    /// The settings that differ between `from` (what the subnet has; null: a new subnet) and `to`.
    fn apply_settings(&self, ctx: &Ctx, id: &str, from: &Value, to: &Value) -> Result<(), ProviderError> {
        // The IPv6 block first: assigning IPv6 addresses needs one.
        let (old, new) = (sref(from, "ipv6_cidr_block"), sref(to, "ipv6_cidr_block"));
        if old != new && !from.is_null() {
            if let Some(assoc) = sref(from, "ipv6_cidr_block_association_id") {
                call(
                    ctx,
                    &format!("disassociating the IPv6 CIDR block of EC2 Subnet ({id})"),
                    ctx.ec2.disassociate_subnet_cidr_block().association_id(assoc).send(),
                )?;
            }
            if let Some(block) = new {
                call(
                    ctx,
                    &format!("associating {block} with EC2 Subnet ({id})"),
                    ctx.ec2
                        .associate_subnet_cidr_block()
                        .subnet_id(id)
                        .ipv6_cidr_block(block)
                        .send(),
                )?;
            }
        }
        for key in FLAGS {
            let want = flag(to, key, false);
            if flag(from, key, false) != want {
                self.set_flag(ctx, id, key, want)?;
            }
        }
        if let Some(kind) = sref(to, "private_dns_hostname_type_on_launch") {
            if sref(from, "private_dns_hostname_type_on_launch") != Some(kind) {
                call(
                    ctx,
                    &format!("setting EC2 Subnet ({id}) private_dns_hostname_type_on_launch to {kind}"),
                    ctx.ec2
                        .modify_subnet_attribute()
                        .subnet_id(id)
                        .private_dns_hostname_type_on_launch(HostnameType::from(kind))
                        .send(),
                )?;
            }
        }
        Ok(())
    }
}

impl ResourceType for Subnet {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> Schema {
        let flags = FLAGS
            .iter()
            .fold(Schema::new(), |s, key| s.attr(key, Attribute::optional(Type::Bool)));
        flags
            .version(1)
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("cidr_block", Attribute::optional(Type::String).force_new())
            .attr(
                "availability_zone",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "availability_zone_id",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("ipv6_cidr_block", Attribute::optional(Type::String))
            .attr("ipv6_native", Attribute::optional(Type::Bool).force_new())
            .attr(
                "private_dns_hostname_type_on_launch",
                Attribute::optional_computed(Type::String).one_of(&["ip-name", "resource-name"]),
            )
            .not_yet("customer_owned_ipv4_pool", OUTPOSTS)
            .not_yet("map_customer_owned_ip_on_launch", OUTPOSTS)
            .not_yet("outpost_arn", OUTPOSTS)
            .not_yet("enable_lni_at_device_index", OUTPOSTS)
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("ipv6_cidr_block_association_id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .timeouts(&["create", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        if is_set(&config.get("availability_zone")) && is_set(&config.get("availability_zone_id")) {
            out.push(problem(
                "availability_zone_id",
                "\"availability_zone\" and \"availability_zone_id\" cannot both be set",
            ));
        }
        let native = config.get("ipv6_native").as_bool() == Some(true);
        match config.get("cidr_block").as_str() {
            Some(cidr) if !is_ipv4_block(cidr, 16, 28) => out.push(problem(
                "cidr_block",
                format!("cidr_block {cidr:?} must be an IPv4 block from /16 to /28 inside the VPC's, such as \"10.0.1.0/24\""),
            )),
            Some(_) if native => out.push(problem("cidr_block", "an IPv6-only subnet (ipv6_native = true) has no cidr_block")),
            None if config.get("cidr_block").is_null() && !native => out.push(problem(
                "cidr_block",
                "cidr_block is required unless the subnet is IPv6-only (ipv6_native = true)",
            )),
            _ => {}
        }
        if let Some(block) = config.get("ipv6_cidr_block").as_str() {
            if !is_ipv6_block(block) || !block.ends_with("/64") {
                out.push(problem(
                    "ipv6_cidr_block",
                    format!("ipv6_cidr_block {block:?} must be a /64 block of the VPC's IPv6 block"),
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        for key in FLAGS.iter().chain(&["ipv6_native"]) {
            if st.get(*key).is_none_or(Value::is_null) {
                st.insert((*key).into(), Value::Bool(false));
            }
        }
        if prior.is_some_and(|p| p.get("ipv6_cidr_block") != proposed.get("ipv6_cidr_block")) {
            st.insert("ipv6_cidr_block_association_id".into(), Value::UNKNOWN);
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let vpc = sref(planned, "vpc_id").unwrap_or_default().to_string();
        let cidr = sref(planned, "cidr_block")
            .or(sref(planned, "ipv6_cidr_block"))
            .unwrap_or_default()
            .to_string();
        let (spec, _) = create_tags(ctx, planned, aws_sdk_ec2::types::ResourceType::Subnet, step, &cidr);
        (step.progress)(&format!("creating EC2 Subnet {cidr} in {vpc}"));
        let out = call(
            ctx,
            &format!("creating EC2 Subnet ({cidr} in {vpc})"),
            ctx.ec2
                .create_subnet()
                .vpc_id(&vpc)
                .set_cidr_block(sref(planned, "cidr_block").map(str::to_string))
                .set_ipv6_cidr_block(sref(planned, "ipv6_cidr_block").map(str::to_string))
                .set_ipv6_native(flag(planned, "ipv6_native", false).then_some(true))
                .set_availability_zone(sref(planned, "availability_zone").map(str::to_string))
                .set_availability_zone_id(sref(planned, "availability_zone_id").map(str::to_string))
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.subnet().and_then(|s| s.subnet_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 Subnet", &cidr),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let ids = [("id", Value::string(&id))];
        let limit = timeouts::limit(planned, "create", Duration::from_secs(600));
        let settled = Waiter::new(format!("EC2 Subnet ({id}) to become available"), limit)
            .progress(step.progress)
            .wait(|| match self.describe(ctx, &id)? {
                Some(s) if s.state() == Some(&SubnetState::Available) => Ok(Poll::Ready(())),
                Some(s) => Ok(Poll::Pending(
                    s.state().map(|x| x.as_str().to_string()).unwrap_or_default(),
                )),
                None => Ok(Poll::Pending("not visible yet".into())),
            })
            .and_then(|()| {
                // A new subnet has every flag off and its IPv6 block from the create.
                let fresh = engine::core::value::map([("ipv6_cidr_block", planned.get("ipv6_cidr_block"))]);
                self.apply_settings(ctx, &id, &fresh, planned)
            });
        let read = settled.and_then(|()| self.read_id(ctx, &id, planned));
        created_outcome(&self.schema(), planned, &ids, read, || {
            ProviderError::new("NotFound", format!("EC2 Subnet ({id}) is gone right after its create"))
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = self
            .apply_settings(ctx, &id, prior, planned)
            .and_then(|()| update_tags(ctx, &id, "EC2 Subnet", prior, planned));
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 Subnet ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 Subnet {id}"));
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(1200));
        super::kit::when_free(&format!("EC2 Subnet ({id})"), limit, || {
            found(call(
                ctx,
                &format!("deleting EC2 Subnet ({id})"),
                ctx.ec2.delete_subnet().subnet_id(id).send(),
            ))
        })
        .map(|_| ())
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the subnet's ID (`subnet-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 Subnet by its intent tag",
                ctx.ec2.describe_subnets().filters(intent_filter(token)).send(),
            )?;
            return Ok(out.subnets().first().map(|s| self.state(ctx, s, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
