//! aws_vpc: a VPC, its DNS settings, an Amazon-provided IPv6 block, and the default route
//! table, security group and network ACL AWS makes with it.

use super::kit::{
    arn, create_tags, filter, flag, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished,
};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ec2::types::{AttributeBooleanValue, Tenancy, VpcAttributeName, VpcCidrBlockStateCode, VpcState};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct Vpc;

const IPAM: &str = "VPC blocks from an IPAM pool are not supported yet: give cidr_block (and assign_generated_ipv6_cidr_block for IPv6).";

/// The DNS and metrics settings, each one ModifyVpcAttribute/DescribeVpcAttribute call.
const SETTINGS: [(&str, VpcAttributeName); 3] = [
    ("enable_dns_support", VpcAttributeName::EnableDnsSupport),
    ("enable_dns_hostnames", VpcAttributeName::EnableDnsHostnames),
    (
        "enable_network_address_usage_metrics",
        VpcAttributeName::EnableNetworkAddressUsageMetrics,
    ),
];

/// What a new VPC has when the configuration does not say.
fn aws_default(setting: &str) -> bool {
    setting == "enable_dns_support"
}

impl Vpc {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::Vpc>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 VPC ({id})"),
            ctx.ec2.describe_vpcs().vpc_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.vpcs().first().cloned()))
    }

    fn setting(&self, ctx: &Ctx, id: &str, name: &VpcAttributeName) -> Result<Option<bool>, ProviderError> {
        let out = call(
            ctx,
            &format!("reading EC2 VPC ({id}) attribute {}", name.as_str()),
            ctx.ec2
                .describe_vpc_attribute()
                .vpc_id(id)
                .attribute(name.clone())
                .send(),
        )?;
        let value = match name {
            VpcAttributeName::EnableDnsSupport => out.enable_dns_support(),
            VpcAttributeName::EnableDnsHostnames => out.enable_dns_hostnames(),
            _ => out.enable_network_address_usage_metrics(),
        };
        Ok(value.and_then(AttributeBooleanValue::value))
    }

    fn modify(&self, ctx: &Ctx, id: &str, name: &VpcAttributeName, on: bool) -> Result<(), ProviderError> {
        let value = AttributeBooleanValue::builder().value(on).build();
        let req = ctx.ec2.modify_vpc_attribute().vpc_id(id);
        let req = match name {
            VpcAttributeName::EnableDnsSupport => req.enable_dns_support(value),
            VpcAttributeName::EnableDnsHostnames => req.enable_dns_hostnames(value),
            _ => req.enable_network_address_usage_metrics(value),
        };
        call(
            ctx,
            &format!("setting EC2 VPC ({id}) {} to {on}", name.as_str()),
            req.send(),
        )
        .map(|_| ())
    }

    /// The first object a describe of the VPC's defaults finds.
    fn default_ids(&self, ctx: &Ctx, id: &str) -> Result<(Value, Value, Value), ProviderError> {
        let tables = call(
            ctx,
            &format!("reading EC2 VPC ({id}) main route table"),
            ctx.ec2
                .describe_route_tables()
                .filters(filter("vpc-id", [id]))
                .filters(filter("association.main", ["true"]))
                .send(),
        )?;
        let table = tables
            .route_tables()
            .first()
            .and_then(|t| t.route_table_id())
            .map(Value::string);
        let groups = call(
            ctx,
            &format!("reading EC2 VPC ({id}) default security group"),
            ctx.ec2
                .describe_security_groups()
                .filters(filter("vpc-id", [id]))
                .filters(filter("group-name", ["default"]))
                .send(),
        )?;
        let group = groups
            .security_groups()
            .first()
            .and_then(|g| g.group_id())
            .map(Value::string);
        let acls = call(
            ctx,
            &format!("reading EC2 VPC ({id}) default network ACL"),
            ctx.ec2
                .describe_network_acls()
                .filters(filter("vpc-id", [id]))
                .filters(filter("default", ["true"]))
                .send(),
        )?;
        let acl = acls
            .network_acls()
            .first()
            .and_then(|a| a.network_acl_id())
            .map(Value::string);
        Ok((table.into(), group.into(), acl.into()))
    }

    pub(super) fn state(
        &self,
        ctx: &Ctx,
        vpc: &aws_sdk_ec2::types::Vpc,
        prior: &Value,
    ) -> Result<Value, ProviderError> {
        let id = vpc.vpc_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", arn(ctx, vpc.owner_id(), "vpc", id));
        st.put("cidr_block", vpc.cidr_block());
        st.put("dhcp_options_id", vpc.dhcp_options_id());
        st.put("owner_id", vpc.owner_id());
        st.put(
            "instance_tenancy",
            vpc.instance_tenancy().map(|t| t.as_str().to_string()),
        );
        for (key, name) in &SETTINGS {
            st.put(key, self.setting(ctx, id, name)?.unwrap_or_else(|| aws_default(key)));
        }
        let ipv6 = vpc
            .ipv6_cidr_block_association_set()
            .iter()
            .find(|a| a.ipv6_cidr_block_state().and_then(|s| s.state()) == Some(&VpcCidrBlockStateCode::Associated));
        st.put("assign_generated_ipv6_cidr_block", ipv6.is_some());
        st.put("ipv6_association_id", ipv6.and_then(|a| a.association_id()));
        st.put("ipv6_cidr_block", ipv6.and_then(|a| a.ipv6_cidr_block()));
        st.put(
            "ipv6_cidr_block_network_border_group",
            ipv6.and_then(|a| a.network_border_group()),
        );
        let (table, group, acl) = self.default_ids(ctx, id)?;
        st.insert("main_route_table_id".into(), table.clone());
        st.insert("default_route_table_id".into(), table);
        st.insert("default_security_group_id".into(), group);
        st.insert("default_network_acl_id".into(), acl);
        put_tags(ctx, &mut st, prior, vpc.tags());
        Ok(finish(&self.schema(), st))
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match self.describe(ctx, id)? {
            Some(vpc) => self.state(ctx, &vpc, prior).map(Some),
            None => Ok(None),
        }
    }

    /// Waits until the VPC is available, and returns it as it then is.
    fn wait_available(&self, ctx: &Ctx, id: &str, step: &Step<'_>) -> Result<aws_sdk_ec2::types::Vpc, ProviderError> {
        Waiter::new(format!("EC2 VPC ({id}) to become available"), Duration::from_secs(300))
            .progress(step.progress)
            .wait(|| match self.describe(ctx, id)? {
                Some(v) if v.state() == Some(&VpcState::Available) => Ok(Poll::Ready(v)),
                Some(v) => Ok(Poll::Pending(
                    v.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                )),
                None => Ok(Poll::Pending("not visible yet".into())),
            })
    }

    /// The IPv6 block: asked for or given back.
    fn set_ipv6(&self, ctx: &Ctx, id: &str, prior: &Value, on: bool) -> Result<(), ProviderError> {
        if on {
            call(
                ctx,
                &format!("associating an IPv6 CIDR block with EC2 VPC ({id})"),
                ctx.ec2
                    .associate_vpc_cidr_block()
                    .vpc_id(id)
                    .amazon_provided_ipv6_cidr_block(true)
                    .send(),
            )
            .map(|_| ())
        } else if let Some(assoc) = sref(prior, "ipv6_association_id") {
            call(
                ctx,
                &format!("disassociating the IPv6 CIDR block of EC2 VPC ({id})"),
                ctx.ec2.disassociate_vpc_cidr_block().association_id(assoc).send(),
            )
            .map(|_| ())
        } else {
            Ok(())
        }
    }

    /// The settings that differ between `from` (what the VPC has) and `to`.
    fn apply_settings(&self, ctx: &Ctx, id: &str, from: &Value, to: &Value) -> Result<(), ProviderError> {
        for (key, name) in &SETTINGS {
            let Some(want) = to.get(key).as_bool() else { continue };
            if from.get(key).as_bool() != Some(want) {
                self.modify(ctx, id, name, want)?;
            }
        }
        Ok(())
    }
}

impl ResourceType for Vpc {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .version(1)
            .attr("cidr_block", Attribute::optional_computed(Type::String).force_new())
            .attr(
                "instance_tenancy",
                Attribute::optional(Type::String).one_of(&["default", "dedicated"]),
            )
            .attr("enable_dns_support", Attribute::optional(Type::Bool))
            .attr("enable_dns_hostnames", Attribute::optional_computed(Type::Bool))
            .attr(
                "enable_network_address_usage_metrics",
                Attribute::optional_computed(Type::Bool),
            )
            .attr("assign_generated_ipv6_cidr_block", Attribute::optional(Type::Bool))
            .attr("ipv6_cidr_block", Attribute::optional_computed(Type::String))
            .attr(
                "ipv6_cidr_block_network_border_group",
                Attribute::optional_computed(Type::String),
            )
            .not_yet("ipv4_ipam_pool_id", IPAM)
            .not_yet("ipv4_netmask_length", IPAM)
            .not_yet("ipv6_ipam_pool_id", IPAM)
            .not_yet("ipv6_netmask_length", IPAM)
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("dhcp_options_id", Attribute::computed(Type::String))
            .attr("main_route_table_id", Attribute::computed(Type::String))
            .attr("default_route_table_id", Attribute::computed(Type::String))
            .attr("default_security_group_id", Attribute::computed(Type::String))
            .attr("default_network_acl_id", Attribute::computed(Type::String))
            .attr("ipv6_association_id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if config.get("cidr_block").is_null() {
            out.push(problem(
                "cidr_block",
                "cidr_block is required (a VPC from an IPAM pool is not supported yet)",
            ));
        }
        if let Some(cidr) = config.get("cidr_block").as_str() {
            if !super::cidr::is_ipv4_block(cidr, 16, 28) {
                out.push(problem(
                    "cidr_block",
                    format!("cidr_block {cidr:?} must be an IPv4 block from /16 to /28, such as \"10.0.0.0/16\""),
                ));
            }
        }
        if is_set(&config.get("ipv6_cidr_block")) {
            out.push(problem("ipv6_cidr_block", IPAM));
        }
        if is_set(&config.get("ipv6_cidr_block_network_border_group"))
            && config.get("assign_generated_ipv6_cidr_block").as_bool() != Some(true)
        {
            out.push(problem(
                "ipv6_cidr_block_network_border_group",
                "ipv6_cidr_block_network_border_group needs assign_generated_ipv6_cidr_block = true",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        for (key, value) in [
            ("instance_tenancy", Value::string("default")),
            ("enable_dns_support", Value::Bool(true)),
            ("assign_generated_ipv6_cidr_block", Value::Bool(false)),
        ] {
            if st.get(key).is_none_or(Value::is_null) {
                st.insert(key.into(), value);
            }
        }
        let key = "assign_generated_ipv6_cidr_block";
        let ipv6_changed = prior.is_some_and(|p| flag(p, key, false) != flag(&proposed, key, false));
        if ipv6_changed {
            for key in [
                "ipv6_association_id",
                "ipv6_cidr_block",
                "ipv6_cidr_block_network_border_group",
            ] {
                st.insert(key.into(), Value::UNKNOWN);
            }
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let cidr = sref(planned, "cidr_block").unwrap_or_default().to_string();
        let (spec, _) = create_tags(ctx, planned, aws_sdk_ec2::types::ResourceType::Vpc, step, &cidr);
        (step.progress)(&format!("creating EC2 VPC {cidr}"));
        let ipv6 = flag(planned, "assign_generated_ipv6_cidr_block", false);
        let out = call(
            ctx,
            &format!("creating EC2 VPC ({cidr})"),
            ctx.ec2
                .create_vpc()
                .cidr_block(&cidr)
                .set_instance_tenancy(sref(planned, "instance_tenancy").map(Tenancy::from))
                .set_amazon_provided_ipv6_cidr_block(ipv6.then_some(true))
                .set_ipv6_cidr_block_network_border_group(
                    sref(planned, "ipv6_cidr_block_network_border_group").map(str::to_string),
                )
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.vpc().and_then(|v| v.vpc_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 VPC", &cidr),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let ids = [("id", Value::string(&id))];
        // What a new VPC has: only the settings the configuration changes are sent.
        let defaults = engine::core::value::map(SETTINGS.map(|(k, _)| (k, Value::Bool(aws_default(k)))));
        let settled = self
            .wait_available(ctx, &id, step)
            .and_then(|vpc| self.apply_settings(ctx, &id, &defaults, planned).map(|()| vpc));
        let vpc = match settled {
            Ok(vpc) => vpc,
            Err(e) => {
                let made = self.read_id(ctx, &id, planned).ok().flatten().unwrap_or_else(|| {
                    let mut st = into_state(planned);
                    st.put("id", id.as_str());
                    finish(&self.schema(), st)
                });
                return ApplyOutcome::partial(made, e);
            }
        };
        // The VPC the wait saw holds all but its settings, which the state reads on their own.
        created_outcome(
            &self.schema(),
            planned,
            &ids,
            self.state(ctx, &vpc, planned).map(Some),
            || ProviderError::new("NotFound", format!("EC2 VPC ({id}) is gone right after its create")),
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = (|| {
            self.apply_settings(ctx, &id, prior, planned)?;
            if let Some(tenancy) = sref(planned, "instance_tenancy") {
                if sref(prior, "instance_tenancy") != Some(tenancy) {
                    call(
                        ctx,
                        &format!("setting EC2 VPC ({id}) tenancy to {tenancy}"),
                        ctx.ec2
                            .modify_vpc_tenancy()
                            .vpc_id(&id)
                            .instance_tenancy(aws_sdk_ec2::types::VpcTenancy::from(tenancy))
                            .send(),
                    )?;
                }
            }
            let want = flag(planned, "assign_generated_ipv6_cidr_block", false);
            if flag(prior, "assign_generated_ipv6_cidr_block", false) != want {
                self.set_ipv6(ctx, &id, prior, want)?;
            }
            update_tags(ctx, &id, "EC2 VPC", prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 VPC ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 VPC {id}"));
        super::kit::when_free(&format!("EC2 VPC ({id})"), Duration::from_secs(300), || {
            found(call(
                ctx,
                &format!("deleting EC2 VPC ({id})"),
                ctx.ec2.delete_vpc().vpc_id(id).send(),
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

    /// Import ID: the VPC's ID (`vpc-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 VPC by its intent tag",
                ctx.ec2.describe_vpcs().filters(intent_filter(token)).send(),
            )?;
            return match out.vpcs().first() {
                Some(vpc) => self.state(ctx, vpc, &Value::Null).map(Some),
                None => Ok(None),
            };
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
