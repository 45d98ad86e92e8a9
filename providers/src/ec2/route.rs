//! aws_route: one route of a route table, from a destination to one target.

use super::route_table::describe_table;
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use crate::support::wait::{Poll, Waiter};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct Route;

/// The destinations, one of which a route has.
const DESTINATIONS: [&str; 3] = [
    "destination_cidr_block",
    "destination_ipv6_cidr_block",
    "destination_prefix_list_id",
];

/// The targets, one of which a route has.
const TARGETS: [&str; 10] = [
    "carrier_gateway_id",
    "core_network_arn",
    "egress_only_gateway_id",
    "gateway_id",
    "local_gateway_id",
    "nat_gateway_id",
    "network_interface_id",
    "transit_gateway_id",
    "vpc_endpoint_id",
    "vpc_peering_connection_id",
];

/// Terraform's ID of a route: `r-<table><CRC-32 of the destination>`, so that states move
/// between the two unchanged.
pub(super) fn route_id(table: &str, destination: &str) -> String {
    format!("r-{table}{}", crate::support::number::crc32(destination.as_bytes()))
}

/// The route's destination: (argument, value).
fn destination(v: &Value) -> Option<(&'static str, &str)> {
    DESTINATIONS.iter().find_map(|k| sref(v, k).map(|d| (*k, d)))
}

fn matches(r: &aws_sdk_ec2::types::Route, key: &str, dest: &str) -> bool {
    let theirs = match key {
        "destination_cidr_block" => r.destination_cidr_block(),
        "destination_ipv6_cidr_block" => r.destination_ipv6_cidr_block(),
        _ => r.destination_prefix_list_id(),
    };
    theirs == Some(dest)
}

impl Route {
    fn find(
        &self,
        ctx: &Ctx,
        table: &str,
        key: &str,
        dest: &str,
    ) -> Result<Option<aws_sdk_ec2::types::Route>, ProviderError> {
        Ok(describe_table(ctx, table)?.and_then(|t| t.routes().iter().find(|r| matches(r, key, dest)).cloned()))
    }

    fn state(&self, table: &str, key: &str, dest: &str, r: &aws_sdk_ec2::types::Route, prior: &Value) -> Value {
        let mut st = State::new();
        st.put("id", route_id(table, dest));
        st.put("route_table_id", table);
        st.put(key, dest);
        st.put("carrier_gateway_id", r.carrier_gateway_id());
        st.put("core_network_arn", r.core_network_arn());
        st.put("egress_only_gateway_id", r.egress_only_internet_gateway_id());
        // EC2 reports the VPC's own route with gateway "local".
        st.put("gateway_id", r.gateway_id().filter(|g| !g.starts_with("vpce-")));
        st.put("vpc_endpoint_id", r.gateway_id().filter(|g| g.starts_with("vpce-")));
        st.put("local_gateway_id", r.local_gateway_id());
        st.put("nat_gateway_id", r.nat_gateway_id());
        st.put("network_interface_id", r.network_interface_id());
        st.put("transit_gateway_id", r.transit_gateway_id());
        st.put("vpc_peering_connection_id", r.vpc_peering_connection_id());
        st.put("instance_id", r.instance_id());
        st.put("instance_owner_id", r.instance_owner_id());
        st.put("origin", r.origin().map(|o| o.as_str().to_string()));
        st.put("state", r.state().map(|s| s.as_str().to_string()));
        st.insert("timeouts".into(), prior.get("timeouts"));
        finish(&self.schema(), st)
    }

    fn read_from(
        &self,
        ctx: &Ctx,
        table: &str,
        key: &str,
        dest: &str,
        prior: &Value,
    ) -> Result<Option<Value>, ProviderError> {
        Ok(self
            .find(ctx, table, key, dest)?
            .map(|r| self.state(table, key, dest, &r, prior)))
    }

    /// CreateRoute or ReplaceRoute, with the planned destination and target.
    fn put(&self, ctx: &Ctx, planned: &Value, replace: bool) -> Result<(), ProviderError> {
        let table = sref(planned, "route_table_id").unwrap_or_default();
        let (_, dest) = destination(planned).unwrap_or(("", ""));
        let s = |k: &str| sref(planned, k).map(str::to_string);
        let verb = if replace { "replacing" } else { "creating" };
        let op = format!("{verb} EC2 Route ({table}, {dest})");
        macro_rules! send {
            ($req:expr) => {
                call(
                    ctx,
                    &op,
                    $req.route_table_id(table)
                        .set_destination_cidr_block(s("destination_cidr_block"))
                        .set_destination_ipv6_cidr_block(s("destination_ipv6_cidr_block"))
                        .set_destination_prefix_list_id(s("destination_prefix_list_id"))
                        .set_carrier_gateway_id(s("carrier_gateway_id"))
                        .set_core_network_arn(s("core_network_arn"))
                        .set_egress_only_internet_gateway_id(s("egress_only_gateway_id"))
                        .set_gateway_id(s("gateway_id").or(s("vpc_endpoint_id")))
                        .set_local_gateway_id(s("local_gateway_id"))
                        .set_nat_gateway_id(s("nat_gateway_id"))
                        .set_network_interface_id(s("network_interface_id"))
                        .set_transit_gateway_id(s("transit_gateway_id"))
                        .set_vpc_peering_connection_id(s("vpc_peering_connection_id"))
                        .send(),
                )
                .map(|_| ())
            };
        }
        if replace {
            send!(ctx.ec2.replace_route())
        } else {
            send!(ctx.ec2.create_route())
        }
    }
}

impl ResourceType for Route {
    fn type_name(&self) -> &'static str {
        "aws_route"
    }

    fn schema(&self) -> Schema {
        let with_destinations = DESTINATIONS.iter().fold(Schema::new(), |s, k| {
            s.attr(k, Attribute::optional(Type::String).force_new())
        });
        TARGETS
            .iter()
            .fold(with_destinations, |s, k| {
                let a = if *k == "network_interface_id" {
                    Attribute::optional_computed(Type::String)
                } else {
                    Attribute::optional(Type::String)
                };
                s.attr(k, a)
            })
            .attr("route_table_id", Attribute::required(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
            .attr("instance_id", Attribute::computed(Type::String))
            .attr("instance_owner_id", Attribute::computed(Type::String))
            .attr("origin", Attribute::computed(Type::String))
            .attr("state", Attribute::computed(Type::String))
            .timeouts(&["create", "update", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        let set = |keys: &[&'static str]| -> Vec<&'static str> {
            keys.iter().copied().filter(|k| is_set(&config.get(k))).collect()
        };
        let unknown = |keys: &[&str]| keys.iter().any(|k| config.get(k).is_unknown());
        let dests = set(&DESTINATIONS);
        if dests.len() > 1 || (dests.is_empty() && !unknown(&DESTINATIONS)) {
            out.push(problem(
                "destination_cidr_block",
                format!("a route has exactly one of {}", DESTINATIONS.join(", ")),
            ));
        }
        let targets = set(&TARGETS);
        if targets.len() > 1 || (targets.is_empty() && !unknown(&TARGETS)) {
            out.push(problem(
                targets.get(1).copied().unwrap_or("gateway_id"),
                format!("a route has exactly one target, one of {}", TARGETS.join(", ")),
            ));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if let (None, Some(table), Some((_, dest))) = (prior, sref(&proposed, "route_table_id"), destination(&proposed))
        {
            st.put("id", route_id(table, dest));
        }
        // A new target makes the network interface EC2 reports for it new too.
        let target_changed = prior.is_some_and(|p| {
            TARGETS
                .iter()
                .any(|k| *k != "network_interface_id" && p.get(k) != proposed.get(k))
        });
        if target_changed
            && proposed.get("network_interface_id")
                == prior.map(|p| p.get("network_interface_id")).unwrap_or(Value::Null)
        {
            st.insert("network_interface_id".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let table = sref(planned, "route_table_id").unwrap_or_default().to_string();
        let Some((key, dest)) = destination(planned) else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidConfiguration",
                "the route has no destination",
            ));
        };
        (step.progress)(&format!("creating EC2 Route {dest} in {table}"));
        (step.intent)(&format!("{table}_{dest}"));
        if let Err(e) = self.put(ctx, planned, false) {
            return ApplyOutcome::failed(e);
        }
        let limit = timeouts::limit(planned, "create", Duration::from_secs(300));
        // Route tables are read from a replica that lags the create by a moment.
        let read = Waiter::new(format!("EC2 Route ({table}, {dest}) to show"), limit)
            .progress(step.progress)
            .wait(|| match self.read_from(ctx, &table, key, dest, planned)? {
                Some(state) => Ok(Poll::Ready(Some(state))),
                None => Ok(Poll::Pending("not visible yet".into())),
            });
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(route_id(&table, dest)))],
            read,
            || {
                ProviderError::new(
                    "NotFound",
                    format!("EC2 Route ({table}, {dest}) is gone right after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let table = sref(prior, "route_table_id").unwrap_or_default().to_string();
        let Some((key, dest)) = destination(prior) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = self.put(ctx, planned, true);
        update_outcome(prior, result, self.read_from(ctx, &table, key, dest, planned), || {
            ProviderError::new("NotFound", format!("EC2 Route ({table}, {dest}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let (Some(table), Some((key, dest))) = (sref(prior, "route_table_id"), destination(prior)) else {
            return Ok(());
        };
        (step.progress)(&format!("deleting EC2 Route {dest} from {table}"));
        let req = ctx.ec2.delete_route().route_table_id(table);
        let req = match key {
            "destination_cidr_block" => req.destination_cidr_block(dest),
            "destination_ipv6_cidr_block" => req.destination_ipv6_cidr_block(dest),
            _ => req.destination_prefix_list_id(dest),
        };
        found(call(ctx, &format!("deleting EC2 Route ({table}, {dest})"), req.send())).map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(table), Some((key, dest))) = (sref(prior, "route_table_id"), destination(prior)) else {
            return Ok(None);
        };
        self.read_from(ctx, table, key, dest, prior)
    }

    /// Import ID: `ROUTETABLEID_DESTINATION`, the destination a CIDR block or prefix list ID.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((table, dest)) = id
            .split_once('_')
            .filter(|(t, d)| t.starts_with("rtb-") && !d.is_empty())
        else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_route: write it as ROUTETABLEID_DESTINATION, such as rtb-0123456789abcdef0_0.0.0.0/0"),
            ));
        };
        let key = if dest.starts_with("pl-") {
            "destination_prefix_list_id"
        } else if dest.contains(':') {
            "destination_ipv6_cidr_block"
        } else {
            "destination_cidr_block"
        };
        self.read_from(ctx, table, key, dest, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_routes_id_is_terraforms() {
        // The ID the AWS provider records for a default route.
        assert_eq!(route_id("rtb-1", "0.0.0.0/0"), "r-rtb-11080289494");
    }
}
