//! aws_vpc_endpoint: a gateway endpoint (S3, DynamoDB: routes in route tables) or an interface
//! endpoint (network interfaces in subnets, with security groups and private DNS).

use super::kit::{arn, create_tags, filter, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, set_of_strings, set_value, sref, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::policy::{canonical, keep_prior};
use crate::support::timeouts;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ec2::types::{
    DnsOptionsSpecification, DnsRecordIpType, IpAddressType, VpcEndpoint as Endpoint, VpcEndpointType,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::types::ObjectAttribute;
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct VpcEndpoint;

const NEWER: &str = "Endpoints to resource configurations and service networks, and cross-region endpoints, are not supported yet: create them outside infinstor.";

fn dns_entry_type() -> Type {
    let s = ObjectAttribute {
        ty: Type::String,
        optional: false,
        default: None,
    };
    Type::List(Box::new(Type::Object(
        [("dns_name".to_string(), s.clone()), ("hosted_zone_id".to_string(), s)].into(),
    )))
}

fn dns_options(v: &Value) -> Option<DnsOptionsSpecification> {
    let o = first_block(v, "dns_options");
    if o.is_null() {
        return None;
    }
    Some(
        DnsOptionsSpecification::builder()
            .set_dns_record_ip_type(sref(&o, "dns_record_ip_type").map(DnsRecordIpType::from))
            .set_private_dns_only_for_inbound_resolver_endpoint(
                o.get("private_dns_only_for_inbound_resolver_endpoint").as_bool(),
            )
            .build(),
    )
}

impl VpcEndpoint {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<Endpoint>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 VPC Endpoint ({id})"),
            ctx.ec2.describe_vpc_endpoints().vpc_endpoint_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.vpc_endpoints().first().cloned()).filter(|e| {
            let state = e.state().map(|s| s.as_str().to_ascii_lowercase());
            !matches!(state.as_deref(), Some("deleted" | "deleting"))
        }))
    }

    /// The prefix list of a gateway endpoint's service, and its blocks.
    fn prefix_list(&self, ctx: &Ctx, service: &str) -> Result<(Value, Value), ProviderError> {
        let out = call(
            ctx,
            &format!("reading the prefix list of {service}"),
            ctx.ec2
                .describe_prefix_lists()
                .filters(filter("prefix-list-name", [service]))
                .send(),
        )?;
        let list = out.prefix_lists().first();
        Ok((
            list.and_then(|l| l.prefix_list_id())
                .map(Value::string)
                .unwrap_or(Value::Null),
            list.map(|l| Value::from(l.cidrs().to_vec())).unwrap_or(Value::Null),
        ))
    }

    fn state(&self, ctx: &Ctx, e: &Endpoint, prior: &Value) -> Result<Value, ProviderError> {
        let id = e.vpc_endpoint_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", arn(ctx, e.owner_id(), "vpc-endpoint", id));
        st.put("vpc_id", e.vpc_id());
        st.put("service_name", e.service_name());
        let kind = e.vpc_endpoint_type().map(|t| t.as_str().to_string());
        st.put("owner_id", e.owner_id());
        st.put("state", e.state().map(|s| s.as_str().to_ascii_lowercase()));
        st.put("requester_managed", e.requester_managed().unwrap_or(false));
        st.put("private_dns_enabled", e.private_dns_enabled().unwrap_or(false));
        st.put("ip_address_type", e.ip_address_type().map(|t| t.as_str().to_string()));
        st.put("route_table_ids", set_value(e.route_table_ids()));
        st.put("subnet_ids", set_value(e.subnet_ids()));
        st.put(
            "security_group_ids",
            set_value(&e.groups().iter().filter_map(|g| g.group_id()).collect::<Vec<_>>()),
        );
        st.put("network_interface_ids", set_value(e.network_interface_ids()));
        st.put(
            "policy",
            e.policy_document()
                .map(|doc| keep_prior(prior.get("policy").as_str(), doc)),
        );
        let entries: Vec<Value> = e
            .dns_entries()
            .iter()
            .map(|d| {
                map([
                    ("dns_name", Value::from(d.dns_name())),
                    ("hosted_zone_id", Value::from(d.hosted_zone_id())),
                ])
            })
            .collect();
        st.put("dns_entry", Value::from(entries));
        let options: Vec<Value> = e
            .dns_options()
            .map(|o| {
                map([
                    (
                        "dns_record_ip_type",
                        Value::from(o.dns_record_ip_type().map(|t| t.as_str().to_string())),
                    ),
                    (
                        "private_dns_only_for_inbound_resolver_endpoint",
                        Value::Bool(o.private_dns_only_for_inbound_resolver_endpoint().unwrap_or(false)),
                    ),
                ])
            })
            .into_iter()
            .collect();
        st.put("dns_options", Value::from(options));
        let (list, blocks) = match (kind.as_deref(), e.service_name()) {
            (Some("Gateway"), Some(service)) => self.prefix_list(ctx, service)?,
            _ => (Value::Null, Value::from(Vec::<Value>::new())),
        };
        st.insert("prefix_list_id".into(), list);
        st.insert("cidr_blocks".into(), blocks);
        st.put("vpc_endpoint_type", kind);
        st.insert("auto_accept".into(), prior.get("auto_accept"));
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, e.tags());
        Ok(finish(&self.schema(), st))
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match self.describe(ctx, id)? {
            Some(e) => self.state(ctx, &e, prior).map(Some),
            None => Ok(None),
        }
    }

    /// Waits until the endpoint is available (and returns it as it then is) or, with `gone`,
    /// deleted (`None`).
    fn wait(
        &self,
        ctx: &Ctx,
        id: &str,
        limit: Duration,
        step: &Step<'_>,
        gone: bool,
    ) -> Result<Option<Endpoint>, ProviderError> {
        let what = if gone { "to be deleted" } else { "to become available" };
        Waiter::new(format!("EC2 VPC Endpoint ({id}) {what}"), limit)
            .progress(step.progress)
            .wait(|| {
                let e = self.describe(ctx, id)?;
                // EC2 writes endpoint states in lower case ("available"), which the SDK's
                // enumeration (`Available`) does not read.
                let state = e
                    .as_ref()
                    .and_then(|e| e.state())
                    .map(|s| s.as_str().to_ascii_lowercase());
                match (state.as_deref(), gone) {
                    (None, true) => Ok(Poll::Ready(None)),
                    (Some("available" | "pendingacceptance"), false) => Ok(Poll::Ready(e)),
                    (Some("failed" | "rejected"), false) => Err(ProviderError::new(
                        "VpcEndpointFailed",
                        format!(
                            "EC2 VPC Endpoint ({id}) failed: {}",
                            e.as_ref()
                                .and_then(|e| e.last_error())
                                .and_then(|l| l.message())
                                .unwrap_or("EC2 gave no reason")
                        ),
                    )),
                    (state, _) => Ok(Poll::Pending(state.unwrap_or("not visible yet").to_string())),
                }
            })
    }
}

impl ResourceType for VpcEndpoint {
    fn type_name(&self) -> &'static str {
        "aws_vpc_endpoint"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .attr("service_name", Attribute::required(Type::String).force_new())
            .attr(
                "vpc_endpoint_type",
                Attribute::optional(Type::String)
                    .force_new()
                    .one_of(&["Gateway", "Interface", "GatewayLoadBalancer"]),
            )
            .attr("auto_accept", Attribute::optional(Type::Bool))
            .attr("policy", Attribute::optional_computed(Type::String).document(canonical))
            .attr("private_dns_enabled", Attribute::optional_computed(Type::Bool))
            .attr(
                "ip_address_type",
                Attribute::optional_computed(Type::String).one_of(&["ipv4", "dualstack", "ipv6"]),
            )
            .attr("route_table_ids", Attribute::optional_computed(set_of_strings()))
            .attr("subnet_ids", Attribute::optional_computed(set_of_strings()))
            .attr("security_group_ids", Attribute::optional_computed(set_of_strings()))
            .block(
                "dns_options",
                Nesting::Single,
                Schema::new()
                    .attr(
                        "dns_record_ip_type",
                        Attribute::optional_computed(Type::String).one_of(&[
                            "ipv4",
                            "dualstack",
                            "service-defined",
                            "ipv6",
                        ]),
                    )
                    .attr(
                        "private_dns_only_for_inbound_resolver_endpoint",
                        Attribute::optional(Type::Bool),
                    ),
            )
            .not_yet("subnet_configuration", NEWER)
            .not_yet("resource_configuration_arn", NEWER)
            .not_yet("service_network_arn", NEWER)
            .not_yet("service_region", NEWER)
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("cidr_blocks", Attribute::computed(Type::List(Box::new(Type::String))))
            .attr("dns_entry", Attribute::computed(dns_entry_type()))
            .attr("network_interface_ids", Attribute::computed(set_of_strings()))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("prefix_list_id", Attribute::computed(Type::String))
            .attr("requester_managed", Attribute::computed(Type::Bool))
            .attr("state", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .timeouts(&["create", "update", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        if let Some(doc) = config.get("policy").as_str() {
            if canonical(doc).is_none() {
                out.push(crate::support::attrs::problem(
                    "policy",
                    "policy must be a JSON policy document (jsonencode({...}) or a data.aws_iam_policy_document's json)",
                ));
            }
        }
        let gateway = config.get("vpc_endpoint_type").as_str().unwrap_or("Gateway") == "Gateway";
        if gateway {
            for k in ["subnet_ids", "security_group_ids"] {
                if crate::support::attrs::is_set(&config.get(k)) {
                    out.push(crate::support::attrs::problem(
                        k,
                        format!(
                            "a Gateway endpoint has no {k}: give route_table_ids, or vpc_endpoint_type = \"Interface\""
                        ),
                    ));
                }
            }
        } else if crate::support::attrs::is_set(&config.get("route_table_ids")) {
            out.push(crate::support::attrs::problem(
                "route_table_ids",
                "route_table_ids are for Gateway endpoints: an Interface endpoint takes subnet_ids",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st.get("vpc_endpoint_type").is_none_or(Value::is_null) {
            st.put("vpc_endpoint_type", "Gateway");
        }
        // `dns_options` is AWS's to decide when not configured, as in the AWS provider (a block
        // that is optional and computed): the one AWS chose stays, and a new endpoint's is
        // known once made.
        if let Some(kept) = crate::support::attrs::aws_decided_block(&proposed, prior, "dns_options") {
            st.insert("dns_options".into(), kept);
        }
        // A new set of interfaces, or a new policy AWS rewrites, is known once applied.
        if let Some(p) = prior {
            if p.get("subnet_ids") != proposed.get("subnet_ids") {
                st.insert("network_interface_ids".into(), Value::UNKNOWN);
                st.insert("dns_entry".into(), Value::UNKNOWN);
            }
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let service = sref(planned, "service_name").unwrap_or_default().to_string();
        let (spec, token) = create_tags(
            ctx,
            planned,
            aws_sdk_ec2::types::ResourceType::VpcEndpoint,
            step,
            &service,
        );
        (step.progress)(&format!("creating EC2 VPC Endpoint for {service}"));
        let list = |k: &str| {
            let items = string_set(&planned.get(k));
            (!items.is_empty()).then_some(items)
        };
        let out = call(
            ctx,
            &format!("creating EC2 VPC Endpoint ({service})"),
            ctx.ec2
                .create_vpc_endpoint()
                .vpc_id(sref(planned, "vpc_id").unwrap_or_default())
                .service_name(&service)
                .set_vpc_endpoint_type(sref(planned, "vpc_endpoint_type").map(VpcEndpointType::from))
                .set_policy_document(sref(planned, "policy").map(str::to_string))
                .set_private_dns_enabled(planned.get("private_dns_enabled").as_bool().filter(|on| *on))
                .set_ip_address_type(sref(planned, "ip_address_type").map(IpAddressType::from))
                .set_route_table_ids(list("route_table_ids"))
                .set_subnet_ids(list("subnet_ids"))
                .set_security_group_ids(list("security_group_ids"))
                .set_dns_options(dns_options(planned))
                .client_token(&token)
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.vpc_endpoint().and_then(|e| e.vpc_endpoint_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 VPC Endpoint", &service),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let limit = timeouts::limit(planned, "create", Duration::from_secs(600));
        // The endpoint as the wait last saw it is its state: nothing changes it after.
        let read = self.wait(ctx, &id, limit, step, false).and_then(|e| match e {
            Some(e) => self.state(ctx, &e, planned).map(Some),
            None => Ok(None),
        });
        created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
            ProviderError::new(
                "NotFound",
                format!("EC2 VPC Endpoint ({id}) is gone right after its create"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = (|| {
            let diff = |k: &str| {
                let (have, want) = (string_set(&prior.get(k)), string_set(&planned.get(k)));
                let add: Vec<String> = want.iter().filter(|x| !have.contains(x)).cloned().collect();
                let remove: Vec<String> = have.iter().filter(|x| !want.contains(x)).cloned().collect();
                ((!add.is_empty()).then_some(add), (!remove.is_empty()).then_some(remove))
            };
            let (add_rt, remove_rt) = diff("route_table_ids");
            let (add_sn, remove_sn) = diff("subnet_ids");
            let (add_sg, remove_sg) = diff("security_group_ids");
            let differs = |k: &str| prior.get(k) != planned.get(k);
            let mut req = ctx
                .ec2
                .modify_vpc_endpoint()
                .vpc_endpoint_id(&id)
                .set_add_route_table_ids(add_rt)
                .set_remove_route_table_ids(remove_rt)
                .set_add_subnet_ids(add_sn)
                .set_remove_subnet_ids(remove_sn)
                .set_add_security_group_ids(add_sg)
                .set_remove_security_group_ids(remove_sg);
            if differs("policy") {
                req = match sref(planned, "policy") {
                    Some(doc) => req.policy_document(doc),
                    None => req.reset_policy(true),
                };
            }
            if differs("private_dns_enabled") {
                req = req.set_private_dns_enabled(planned.get("private_dns_enabled").as_bool());
            }
            if differs("ip_address_type") {
                req = req.set_ip_address_type(sref(planned, "ip_address_type").map(IpAddressType::from));
            }
            if differs("dns_options") {
                req = req.set_dns_options(dns_options(planned));
            }
            // Tags change through CreateTags; everything else through this one call.
            let changed = [
                "route_table_ids",
                "subnet_ids",
                "security_group_ids",
                "policy",
                "private_dns_enabled",
                "ip_address_type",
                "dns_options",
            ]
            .into_iter()
            .any(differs);
            if changed {
                call(ctx, &format!("changing EC2 VPC Endpoint ({id})"), req.send())?;
                let limit = timeouts::limit(planned, "update", Duration::from_secs(600));
                self.wait(ctx, &id, limit, step, false)?;
            }
            update_tags(ctx, &id, "EC2 VPC Endpoint", prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 VPC Endpoint ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 VPC Endpoint {id}"));
        // Only the endpoint's own not-found means it is gone: a missing route of a gateway
        // endpoint is also `.NotFound`, and a real failure.
        let out = match call(
            ctx,
            &format!("deleting EC2 VPC Endpoint ({id})"),
            ctx.ec2.delete_vpc_endpoints().vpc_endpoint_ids(id).send(),
        ) {
            Ok(out) => Some(out),
            Err(e) if e.code == "InvalidVpcEndpointId.NotFound" => None,
            Err(e) => return Err(e),
        };
        if let Some(failed) = out.as_ref().and_then(|o| o.unsuccessful().first()) {
            let code = failed.error().and_then(|e| e.code()).unwrap_or("Unsuccessful");
            if !crate::support::error::is_not_found(code) {
                return Err(ProviderError::new(
                    code,
                    format!(
                        "deleting EC2 VPC Endpoint ({id}): {}",
                        failed.error().and_then(|e| e.message()).unwrap_or("EC2 gave no reason")
                    ),
                ));
            }
        }
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(600));
        self.wait(ctx, id, limit, step, true).map(drop)
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the endpoint's ID (`vpce-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 VPC Endpoint by its intent tag",
                ctx.ec2.describe_vpc_endpoints().filters(intent_filter(token)).send(),
            )?;
            return match out.vpc_endpoints().first() {
                Some(e) => self.state(ctx, e, &Value::Null).map(Some),
                None => Ok(None),
            };
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
