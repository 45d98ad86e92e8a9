//! Data sources that look up what an existing VPC has: `aws_vpc_dhcp_options` (the option set
//! its instances get: whether they resolve names through AmazonProvidedDNS) and
//! `aws_route_tables` (the tables a gateway endpoint is added to).

use super::dhcp_options::DhcpOptions;
use super::kit::{lookup_filters, only};
use super::network_data::{filter_block, ids_state, tags_attr};
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, into_state, list_of_strings, sref, Put};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// `data "aws_vpc_dhcp_options"`: by `dhcp_options_id`, `filter` blocks or tags.
pub(super) struct DhcpOptionsData;

impl DataType for DhcpOptionsData {
    fn type_name(&self) -> &'static str {
        "aws_vpc_dhcp_options"
    }

    fn schema(&self) -> Schema {
        let s = Schema::new()
            .attr("dhcp_options_id", Attribute::optional_computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("domain_name_servers", Attribute::computed(list_of_strings()))
            .attr("ntp_servers", Attribute::computed(list_of_strings()))
            .attr("netbios_name_servers", Attribute::computed(list_of_strings()));
        let s = ["domain_name", "netbios_node_type", "ipv6_address_preferred_lease_time"]
            .iter()
            .fold(s, |s, k| s.attr(k, Attribute::computed(Type::String)));
        filter_block(tags_attr(s))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let out = call(
            ctx,
            "reading EC2 DHCP Options Sets",
            ctx.ec2
                .describe_dhcp_options()
                .set_dhcp_options_ids(sref(config, "dhcp_options_id").map(|i| vec![i.to_string()]))
                .set_filters(Some(lookup_filters(config, &[])))
                .send(),
        )?;
        let found = only(out.dhcp_options().to_vec(), "EC2 DHCP Options Set")?;
        let full = DhcpOptions.state_of(ctx, &found);
        let mut st = into_state(config);
        for k in [
            "id",
            "arn",
            "owner_id",
            "domain_name",
            "domain_name_servers",
            "ntp_servers",
            "netbios_name_servers",
            "netbios_node_type",
            "ipv6_address_preferred_lease_time",
        ] {
            st.insert(k.to_string(), full.get(k));
        }
        st.put("dhcp_options_id", full.get("id"));
        st.put("tags", full.get("tags_all"));
        Ok(finish(&self.schema(), st))
    }
}

/// `data "aws_route_tables"`: the IDs of the route tables `vpc_id`, `filter` blocks and tags
/// select.
pub(super) struct RouteTablesData;

impl DataType for RouteTablesData {
    fn type_name(&self) -> &'static str {
        "aws_route_tables"
    }

    fn schema(&self) -> Schema {
        filter_block(tags_attr(
            Schema::new()
                .attr("vpc_id", Attribute::optional(Type::String))
                .attr("ids", Attribute::computed(list_of_strings()))
                .attr("id", Attribute::computed(Type::String)),
        ))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let filters = lookup_filters(config, &[("vpc_id", "vpc-id")]);
        ids_state(ctx, &self.schema(), config, |token| {
            let out = call(
                ctx,
                "reading EC2 Route Tables",
                ctx.ec2
                    .describe_route_tables()
                    .set_filters(Some(filters.clone()))
                    .set_next_token(token)
                    .send(),
            )?;
            let ids = out
                .route_tables()
                .iter()
                .filter_map(|t| t.route_table_id().map(str::to_string));
            Ok((ids.collect(), out.next_token().map(str::to_string)))
        })
    }
}
