//! Data sources of the network a deployment goes into: `aws_vpc`, `aws_subnet`, `aws_subnets`
//! and `aws_security_group`, each found by ID, by the arguments that stand for filters, by
//! tags and by `filter` blocks.

use super::kit::{arn, lookup_filters, only, READ_DOES_NOT_WAIT};
use super::subnet::Subnet;
use super::vpc::Vpc;
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, into_state, set_of_strings, sref, Put, State};
use crate::support::tags::split_tags_over;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

/// The `filter` blocks (and no `timeouts`) of a lookup data source.
pub(super) fn filter_block(s: Schema) -> Schema {
    s.block(
        "filter",
        Nesting::Set,
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("values", Attribute::required(set_of_strings())),
    )
    .not_yet("timeouts", READ_DOES_NOT_WAIT)
}

/// The `tags` a lookup data source selects by, and reads.
pub(super) fn tags_attr(s: Schema) -> Schema {
    s.attr("tags", Attribute::optional_computed(Type::Map(Box::new(Type::String))))
}

/// The object's tags, all of them (a data source's `tags` are what AWS holds).
fn all_tags(tags: &[aws_sdk_ec2::types::Tag]) -> Value {
    split_tags_over(
        crate::support::attrs::string_map,
        &BTreeMap::new(),
        &Value::Null,
        super::kit::remote_tags(tags),
    )
    .1
}

/// The state of a data source that lists IDs: its configuration, `ids` (every page `page`
/// answers: it takes the page's token and gives the page's IDs and the next token) and the
/// region as its `id`.
pub(super) fn ids_state(
    ctx: &Ctx,
    schema: &Schema,
    config: &Value,
    mut page: impl FnMut(Option<String>) -> Result<(Vec<String>, Option<String>), ProviderError>,
) -> Result<Value, ProviderError> {
    let mut ids: Vec<String> = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let (found, next) = page(token.take())?;
        ids.extend(found);
        match next {
            Some(t) if !t.is_empty() => token = Some(t),
            _ => break,
        }
    }
    let mut st = into_state(config);
    st.put("ids", Value::from(ids));
    st.put("id", ctx.region.as_str());
    Ok(finish(schema, st))
}

/// Copies `keys` of a resource's state into a data source's.
fn take(from: &Value, st: &mut State, keys: &[&str]) {
    for k in keys {
        st.insert((*k).to_string(), from.get(k));
    }
}

/// `data "aws_vpc"`.
pub(super) struct VpcData;

impl DataType for VpcData {
    fn type_name(&self) -> &'static str {
        "aws_vpc"
    }

    fn schema(&self) -> Schema {
        let s = Schema::new()
            .attr("id", Attribute::optional_computed(Type::String))
            .attr("cidr_block", Attribute::optional_computed(Type::String))
            .attr("default", Attribute::optional_computed(Type::Bool))
            .attr("dhcp_options_id", Attribute::optional_computed(Type::String))
            .attr("state", Attribute::optional_computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr(
                "cidr_block_associations",
                Attribute::computed(Type::List(Box::new(Type::Object(
                    ["association_id", "cidr_block", "state"]
                        .iter()
                        .map(|k| {
                            let ty = engine::core::types::ObjectAttribute {
                                ty: Type::String,
                                optional: false,
                                default: None,
                            };
                            ((*k).to_string(), ty)
                        })
                        .collect(),
                )))),
            );
        let computed_strings = [
            "instance_tenancy",
            "ipv6_association_id",
            "ipv6_cidr_block",
            "main_route_table_id",
            "owner_id",
        ];
        let s = computed_strings
            .iter()
            .fold(s, |s, k| s.attr(k, Attribute::computed(Type::String)));
        let s = [
            "enable_dns_hostnames",
            "enable_dns_support",
            "enable_network_address_usage_metrics",
        ]
        .iter()
        .fold(s, |s, k| s.attr(k, Attribute::computed(Type::Bool)));
        filter_block(tags_attr(s))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let filters = lookup_filters(
            config,
            &[
                ("cidr_block", "cidr"),
                ("default", "isDefault"),
                ("dhcp_options_id", "dhcp-options-id"),
                ("state", "state"),
            ],
        );
        let out = call(
            ctx,
            "reading EC2 VPCs",
            ctx.ec2
                .describe_vpcs()
                .set_vpc_ids(sref(config, "id").map(|i| vec![i.to_string()]))
                .set_filters(Some(filters))
                .send(),
        )?;
        let vpc = only(out.vpcs().to_vec(), "EC2 VPC")?;
        let full = Vpc.state(ctx, &vpc, &Value::Null)?;
        let mut st = into_state(config);
        take(
            &full,
            &mut st,
            &[
                "id",
                "arn",
                "cidr_block",
                "dhcp_options_id",
                "instance_tenancy",
                "ipv6_association_id",
                "ipv6_cidr_block",
                "main_route_table_id",
                "owner_id",
                "enable_dns_hostnames",
                "enable_dns_support",
                "enable_network_address_usage_metrics",
            ],
        );
        st.put("default", vpc.is_default().unwrap_or(false));
        st.put("state", vpc.state().map(|s| s.as_str().to_string()));
        st.put("tags", all_tags(vpc.tags()));
        let blocks = vpc
            .cidr_block_association_set()
            .iter()
            .map(|a| {
                engine::core::value::map([
                    ("association_id", Value::from(a.association_id())),
                    ("cidr_block", Value::from(a.cidr_block())),
                    (
                        "state",
                        Value::from(
                            a.cidr_block_state()
                                .and_then(|s| s.state())
                                .map(|s| s.as_str().to_string()),
                        ),
                    ),
                ])
            })
            .collect::<Vec<_>>();
        st.put("cidr_block_associations", Value::from(blocks));
        Ok(finish(&self.schema(), st))
    }
}

/// `data "aws_subnet"`.
pub(super) struct SubnetData;

impl DataType for SubnetData {
    fn type_name(&self) -> &'static str {
        "aws_subnet"
    }

    fn schema(&self) -> Schema {
        let optional = [
            "id",
            "availability_zone",
            "availability_zone_id",
            "cidr_block",
            "ipv6_cidr_block",
            "state",
            "vpc_id",
        ];
        let s = optional
            .iter()
            .fold(Schema::new(), |s, k| {
                s.attr(k, Attribute::optional_computed(Type::String))
            })
            .attr("default_for_az", Attribute::optional_computed(Type::Bool))
            .attr("available_ip_address_count", Attribute::computed(Type::Number))
            .attr("enable_lni_at_device_index", Attribute::computed(Type::Number));
        let strings = [
            "arn",
            "customer_owned_ipv4_pool",
            "ipv6_cidr_block_association_id",
            "outpost_arn",
            "owner_id",
            "private_dns_hostname_type_on_launch",
        ];
        let s = strings
            .iter()
            .fold(s, |s, k| s.attr(k, Attribute::computed(Type::String)));
        let flags = [
            "assign_ipv6_address_on_creation",
            "enable_dns64",
            "enable_resource_name_dns_a_record_on_launch",
            "enable_resource_name_dns_aaaa_record_on_launch",
            "ipv6_native",
            "map_customer_owned_ip_on_launch",
            "map_public_ip_on_launch",
        ];
        let s = flags.iter().fold(s, |s, k| s.attr(k, Attribute::computed(Type::Bool)));
        filter_block(tags_attr(s))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let filters = lookup_filters(
            config,
            &[
                ("availability_zone", "availability-zone"),
                ("availability_zone_id", "availability-zone-id"),
                ("cidr_block", "cidr-block"),
                ("default_for_az", "default-for-az"),
                ("ipv6_cidr_block", "ipv6-cidr-block-association.ipv6-cidr-block"),
                ("state", "state"),
                ("vpc_id", "vpc-id"),
            ],
        );
        let out = call(
            ctx,
            "reading EC2 Subnets",
            ctx.ec2
                .describe_subnets()
                .set_subnet_ids(sref(config, "id").map(|i| vec![i.to_string()]))
                .set_filters(Some(filters))
                .send(),
        )?;
        let subnet = only(out.subnets().to_vec(), "EC2 Subnet")?;
        let full = Subnet.state(ctx, &subnet, &Value::Null);
        let mut st = into_state(config);
        take(
            &full,
            &mut st,
            &[
                "id",
                "arn",
                "availability_zone",
                "availability_zone_id",
                "cidr_block",
                "ipv6_cidr_block",
                "ipv6_cidr_block_association_id",
                "vpc_id",
                "owner_id",
                "private_dns_hostname_type_on_launch",
                "assign_ipv6_address_on_creation",
                "enable_dns64",
                "enable_resource_name_dns_a_record_on_launch",
                "enable_resource_name_dns_aaaa_record_on_launch",
                "ipv6_native",
                "map_public_ip_on_launch",
            ],
        );
        st.put("state", subnet.state().map(|s| s.as_str().to_string()));
        st.put("default_for_az", subnet.default_for_az().unwrap_or(false));
        st.put(
            "available_ip_address_count",
            subnet.available_ip_address_count().map(i64::from),
        );
        st.put(
            "enable_lni_at_device_index",
            subnet.enable_lni_at_device_index().map(i64::from),
        );
        st.put("customer_owned_ipv4_pool", subnet.customer_owned_ipv4_pool());
        st.put(
            "map_customer_owned_ip_on_launch",
            subnet.map_customer_owned_ip_on_launch().unwrap_or(false),
        );
        st.put("outpost_arn", subnet.outpost_arn());
        st.put("tags", all_tags(subnet.tags()));
        Ok(finish(&self.schema(), st))
    }
}

/// `data "aws_subnets"`: the IDs of every subnet the filters and tags match.
pub(super) struct SubnetsData;

impl DataType for SubnetsData {
    fn type_name(&self) -> &'static str {
        "aws_subnets"
    }

    fn schema(&self) -> Schema {
        filter_block(tags_attr(
            Schema::new()
                .attr("ids", Attribute::computed(Type::List(Box::new(Type::String))))
                .attr("id", Attribute::computed(Type::String)),
        ))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let filters = lookup_filters(config, &[]);
        ids_state(ctx, &self.schema(), config, |token| {
            let out = call(
                ctx,
                "reading EC2 Subnets",
                ctx.ec2
                    .describe_subnets()
                    .set_filters(Some(filters.clone()))
                    .set_next_token(token)
                    .send(),
            )?;
            let ids = out.subnets().iter().filter_map(|s| s.subnet_id().map(str::to_string));
            Ok((ids.collect(), out.next_token().map(str::to_string)))
        })
    }
}

/// `data "aws_security_group"`.
pub(super) struct SecurityGroupData;

impl DataType for SecurityGroupData {
    fn type_name(&self) -> &'static str {
        "aws_security_group"
    }

    fn schema(&self) -> Schema {
        filter_block(tags_attr(
            Schema::new()
                .attr("id", Attribute::optional_computed(Type::String))
                .attr("name", Attribute::optional_computed(Type::String))
                .attr("vpc_id", Attribute::optional_computed(Type::String))
                .attr("arn", Attribute::computed(Type::String))
                .attr("description", Attribute::computed(Type::String)),
        ))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let filters = lookup_filters(config, &[("name", "group-name"), ("vpc_id", "vpc-id")]);
        let out = call(
            ctx,
            "reading EC2 Security Groups",
            ctx.ec2
                .describe_security_groups()
                .set_group_ids(sref(config, "id").map(|i| vec![i.to_string()]))
                .set_filters(Some(filters))
                .send(),
        )?;
        let g = only(out.security_groups().to_vec(), "EC2 Security Group")?;
        let id = g.group_id().unwrap_or_default();
        let mut st = into_state(config);
        st.put("id", id);
        st.put("arn", arn(ctx, g.owner_id(), "security-group", id));
        st.put("name", g.group_name());
        st.put("vpc_id", g.vpc_id());
        st.put("description", g.description());
        st.put("tags", all_tags(g.tags()));
        Ok(finish(&self.schema(), st))
    }
}
