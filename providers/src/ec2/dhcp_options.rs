//! aws_vpc_dhcp_options and aws_vpc_dhcp_options_association: the DHCP option set a VPC's
//! instances get (domain name, name and time servers), and which VPC uses it.

use super::kit::{arn, create_tags, filter, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, list_of_strings, problem, sref, Put, State};
use crate::support::error::found;
use aws_sdk_ec2::types::{DhcpOptions as Options, NewDhcpConfiguration};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct DhcpOptions;

/// (argument, DHCP option key, whether it is a list).
const OPTIONS: [(&str, &str, bool); 6] = [
    ("domain_name", "domain-name", false),
    ("domain_name_servers", "domain-name-servers", true),
    ("ntp_servers", "ntp-servers", true),
    ("netbios_name_servers", "netbios-name-servers", true),
    ("netbios_node_type", "netbios-node-type", false),
    (
        "ipv6_address_preferred_lease_time",
        "ipv6-address-preferred-lease-time",
        false,
    ),
];

fn strings(v: &Value) -> Vec<String> {
    v.as_list()
        .unwrap_or(&[])
        .iter()
        .filter_map(|i| i.to_template_string())
        .collect()
}

impl DhcpOptions {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<Options>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 DHCP Options Set ({id})"),
            ctx.ec2.describe_dhcp_options().dhcp_options_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.dhcp_options().first().cloned()))
    }

    fn state(&self, ctx: &Ctx, o: &Options, prior: &Value) -> Value {
        let id = o.dhcp_options_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", arn(ctx, o.owner_id(), "dhcp-options", id));
        st.put("owner_id", o.owner_id());
        for (arg, key, list) in OPTIONS {
            let values: Vec<String> = o
                .dhcp_configurations()
                .iter()
                .filter(|c| c.key() == Some(key))
                .flat_map(|c| c.values())
                .filter_map(|v| v.value().map(str::to_string))
                .collect();
            let value = match (list, values.is_empty()) {
                (_, true) => Value::Null,
                (true, false) => Value::from(values),
                (false, false) => Value::from(values.join(" ")),
            };
            st.insert(arg.to_string(), value);
        }
        put_tags(ctx, &mut st, prior, o.tags());
        finish(&self.schema(), st)
    }

    /// An option set as its data source reads it: every tag AWS holds.
    pub(super) fn state_of(&self, ctx: &Ctx, o: &Options) -> Value {
        self.state(ctx, o, &Value::Null)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|o| self.state(ctx, &o, prior)))
    }
}

impl ResourceType for DhcpOptions {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options"
    }

    fn schema(&self) -> Schema {
        OPTIONS
            .iter()
            .fold(Schema::new(), |s, (arg, _, list)| {
                let ty = if *list { list_of_strings() } else { Type::String };
                s.attr(arg, Attribute::optional(ty).force_new())
            })
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if OPTIONS.iter().all(|(arg, _, _)| config.get(arg).is_null()) {
            out.push(problem(
                "domain_name",
                format!(
                    "a DHCP options set needs at least one of {}",
                    OPTIONS.map(|(a, _, _)| a).join(", ")
                ),
            ));
        }
        for arg in ["domain_name_servers", "netbios_name_servers", "ntp_servers"] {
            if config.get(arg).as_list().is_some_and(|l| l.len() > 4) {
                out.push(problem(arg, format!("{arg} takes at most 4 servers")));
            }
        }
        if let Some(t) = config.get("netbios_node_type").to_template_string() {
            if !["1", "2", "4", "8"].contains(&t.as_str()) {
                out.push(problem(
                    "netbios_node_type",
                    "netbios_node_type is one of 1, 2, 4 or 8 (2, point-to-point, is what AWS recommends)",
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = sref(planned, "domain_name").unwrap_or("dhcp").to_string();
        let (spec, _) = create_tags(ctx, planned, aws_sdk_ec2::types::ResourceType::DhcpOptions, step, &name);
        let configurations: Vec<NewDhcpConfiguration> = OPTIONS
            .iter()
            .filter_map(|(arg, key, list)| {
                let v = planned.get(arg);
                let values = if *list {
                    strings(&v)
                } else {
                    v.to_template_string().into_iter().collect()
                };
                (!values.is_empty()).then(|| {
                    NewDhcpConfiguration::builder()
                        .key(*key)
                        .set_values(Some(values))
                        .build()
                })
            })
            .collect();
        (step.progress)("creating EC2 DHCP Options Set");
        let out = call(
            ctx,
            "creating EC2 DHCP Options Set",
            ctx.ec2
                .create_dhcp_options()
                .set_dhcp_configurations(Some(configurations))
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.dhcp_options().and_then(|d| d.dhcp_options_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 DHCP Options Set", &name),
            Err(e) => return ApplyOutcome::failed(e),
        };
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&id))],
            self.read_id(ctx, &id, planned),
            || {
                ProviderError::new(
                    "NotFound",
                    format!("EC2 DHCP Options Set ({id}) is gone right after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = update_tags(ctx, &id, "EC2 DHCP Options Set", prior, planned);
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 DHCP Options Set ({id}) is gone"))
        })
    }

    /// VPCs still using the set are given AWS's default set first, as the AWS provider does.
    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 DHCP Options Set {id}"));
        let users = call(
            ctx,
            &format!("finding the VPCs that use EC2 DHCP Options Set ({id})"),
            ctx.ec2.describe_vpcs().filters(filter("dhcp-options-id", [id])).send(),
        )?;
        for vpc in users.vpcs().iter().filter_map(|v| v.vpc_id()) {
            call(
                ctx,
                &format!("giving EC2 VPC ({vpc}) the default DHCP options"),
                ctx.ec2
                    .associate_dhcp_options()
                    .vpc_id(vpc)
                    .dhcp_options_id("default")
                    .send(),
            )?;
        }
        found(call(
            ctx,
            &format!("deleting EC2 DHCP Options Set ({id})"),
            ctx.ec2.delete_dhcp_options().dhcp_options_id(id).send(),
        ))
        .map(|_| ())
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the set's ID (`dopt-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 DHCP Options Set by its intent tag",
                ctx.ec2.describe_dhcp_options().filters(intent_filter(token)).send(),
            )?;
            return Ok(out.dhcp_options().first().map(|o| self.state(ctx, o, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}

/// `aws_vpc_dhcp_options_association`.
pub(super) struct DhcpOptionsAssociation;

impl DhcpOptionsAssociation {
    fn read_vpc(&self, ctx: &Ctx, vpc: &str) -> Result<Option<Value>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 VPC ({vpc}) DHCP options"),
            ctx.ec2.describe_vpcs().vpc_ids(vpc).send(),
        ))?;
        let Some(v) = out.and_then(|o| o.vpcs().first().cloned()) else {
            return Ok(None);
        };
        let options = v.dhcp_options_id().unwrap_or("default");
        // A VPC back on the default set has lost the association.
        if options == "default" {
            return Ok(None);
        }
        let mut st = State::new();
        st.put("id", format!("{options}-{vpc}"));
        st.put("vpc_id", vpc);
        st.put("dhcp_options_id", options);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn associate(&self, ctx: &Ctx, vpc: &str, options: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("giving EC2 VPC ({vpc}) DHCP options {options}"),
            ctx.ec2
                .associate_dhcp_options()
                .vpc_id(vpc)
                .dhcp_options_id(options)
                .send(),
        )
        .map(|_| ())
    }
}

impl ResourceType for DhcpOptionsAssociation {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("dhcp_options_id", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        match (sref(&proposed, "dhcp_options_id"), sref(&proposed, "vpc_id")) {
            (Some(o), Some(v)) => st.put("id", format!("{o}-{v}")),
            _ => st.put("id", Value::UNKNOWN),
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (Some(vpc), Some(options)) = (sref(planned, "vpc_id"), sref(planned, "dhcp_options_id")) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidConfiguration",
                "vpc_id and dhcp_options_id are needed",
            ));
        };
        (step.progress)(&format!("giving {vpc} DHCP options {options}"));
        (step.intent)(vpc);
        if let Err(e) = self.associate(ctx, vpc, options) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(&self.schema(), planned, &[], self.read_vpc(ctx, vpc), || {
            ProviderError::new(
                "NotFound",
                format!("EC2 VPC ({vpc}) has no DHCP options right after they were given"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(vpc), Some(options)) = (sref(prior, "vpc_id"), sref(planned, "dhcp_options_id")) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = self.associate(ctx, vpc, options);
        update_outcome(prior, result, self.read_vpc(ctx, vpc), || {
            ProviderError::new("NotFound", format!("EC2 VPC ({vpc}) is gone"))
        })
    }

    /// The VPC goes back to AWS's default set.
    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(vpc) = sref(prior, "vpc_id") else {
            return Ok(());
        };
        (step.progress)(&format!("giving {vpc} the default DHCP options"));
        found(call(
            ctx,
            &format!("giving EC2 VPC ({vpc}) the default DHCP options"),
            ctx.ec2
                .associate_dhcp_options()
                .vpc_id(vpc)
                .dhcp_options_id("default")
                .send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(vpc) = sref(prior, "vpc_id") else {
            return Ok(None);
        };
        self.read_vpc(ctx, vpc)
    }

    /// Import ID: the VPC's ID.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.read_vpc(ctx, id)
    }
}
