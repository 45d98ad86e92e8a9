//! EC2: key pairs, VPC networking (VPCs, subnets, internet gateways, route tables, routes and
//! their associations, security groups and their rules, Elastic IPs, NAT gateways, endpoints and DHCP options), and the data sources that find a network and an image.

use crate::resource::{DataType, ResourceType};

mod ami;
mod availability_zones;
mod cidr;
mod dhcp_options;
mod eip;
mod internet_gateway;
mod key_pair;
mod kit;
mod lookup_data;
mod nat_gateway;
mod network_data;
mod permission;
mod prefix_list;
mod route;
mod route_table;
mod route_table_association;
mod security_group;
mod security_group_rule;
mod security_group_rule_legacy;
mod subnet;
mod vpc;
mod vpc_endpoint;

/// Every EC2 resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(key_pair::KeyPair),
        Box::new(vpc::Vpc),
        Box::new(subnet::Subnet),
        Box::new(internet_gateway::InternetGateway),
        Box::new(route_table::RouteTable),
        Box::new(route::Route),
        Box::new(route_table_association::Association),
        Box::new(security_group::SecurityGroup),
        Box::new(security_group_rule::Rule { egress: false }),
        Box::new(security_group_rule::Rule { egress: true }),
        Box::new(security_group_rule_legacy::LegacyRule),
        Box::new(prefix_list::PrefixList),
        Box::new(eip::Eip),
        Box::new(nat_gateway::NatGateway),
        Box::new(vpc_endpoint::VpcEndpoint),
        Box::new(dhcp_options::DhcpOptions),
        Box::new(dhcp_options::DhcpOptionsAssociation),
    ]
}

/// Every EC2 data source.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![
        Box::new(availability_zones::AvailabilityZones),
        Box::new(network_data::VpcData),
        Box::new(network_data::SubnetData),
        Box::new(network_data::SubnetsData),
        Box::new(network_data::SecurityGroupData),
        Box::new(lookup_data::DhcpOptionsData),
        Box::new(lookup_data::RouteTablesData),
        Box::new(ami::Ami),
    ]
}
