//! aws_eip: an Elastic IP address, optionally associated with an instance or a network
//! interface.

use super::kit::{create_tags, intent_filter, intent_of, plan_tags, put_tags, update_tags};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use crate::support::wait::Waiter;
use aws_sdk_ec2::types::{Address, DomainType};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct Eip;

/// `ec2-1-2-3-4.compute-1.amazonaws.com`: the DNS name EC2 gives an address, which it does not
/// return for an address alone.
fn dns(ip: &str, region: &str, public: bool) -> String {
    let dashed = ip.replace('.', "-");
    match (public, region) {
        (true, "us-east-1") => format!("ec2-{dashed}.compute-1.amazonaws.com"),
        (true, _) => format!("ec2-{dashed}.{region}.compute.amazonaws.com"),
        (false, "us-east-1") => format!("ip-{dashed}.ec2.internal"),
        (false, _) => format!("ip-{dashed}.{region}.compute.internal"),
    }
}

impl Eip {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<Address>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 EIP ({id})"),
            ctx.ec2.describe_addresses().allocation_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.addresses().first().cloned()))
    }

    fn state(&self, ctx: &Ctx, a: &Address, prior: &Value) -> Value {
        let id = a.allocation_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("allocation_id", id);
        st.put("arn", super::kit::arn(ctx, None, "elastic-ip", id));
        st.put("association_id", a.association_id());
        st.put("carrier_ip", a.carrier_ip());
        st.put("customer_owned_ip", a.customer_owned_ip());
        st.put("customer_owned_ipv4_pool", a.customer_owned_ipv4_pool());
        let domain = a.domain().map(|d| d.as_str().to_string());
        st.put("vpc", domain.as_deref() == Some("vpc"));
        st.put("domain", domain);
        st.put("instance", a.instance_id().filter(|i| !i.is_empty()));
        st.put("network_interface", a.network_interface_id());
        st.put("network_border_group", a.network_border_group());
        st.put("public_ipv4_pool", a.public_ipv4_pool());
        st.put("public_ip", a.public_ip());
        st.put("private_ip", a.private_ip_address());
        st.put("public_dns", a.public_ip().map(|ip| dns(ip, &ctx.region, true)));
        st.put(
            "private_dns",
            a.private_ip_address().map(|ip| dns(ip, &ctx.region, false)),
        );
        st.put("ptr_record", prior.get("ptr_record").as_str().map(str::to_string));
        st.insert("address".into(), prior.get("address"));
        st.insert(
            "associate_with_private_ip".into(),
            prior.get("associate_with_private_ip"),
        );
        st.insert("ipam_pool_id".into(), prior.get("ipam_pool_id"));
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, a.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|a| self.state(ctx, &a, prior)))
    }

    fn associate(&self, ctx: &Ctx, id: &str, to: &Value) -> Result<(), ProviderError> {
        let (instance, eni) = (sref(to, "instance"), sref(to, "network_interface"));
        if instance.is_none() && eni.is_none() {
            return Ok(());
        }
        call(
            ctx,
            &format!("associating EC2 EIP ({id})"),
            ctx.ec2
                .associate_address()
                .allocation_id(id)
                .set_instance_id(instance.map(str::to_string))
                .set_network_interface_id(eni.map(str::to_string))
                .set_private_ip_address(sref(to, "associate_with_private_ip").map(str::to_string))
                .allow_reassociation(true)
                .send(),
        )
        .map(|_| ())
    }

    fn disassociate(&self, ctx: &Ctx, prior: &Value) -> Result<(), ProviderError> {
        let Some(assoc) = sref(prior, "association_id") else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("disassociating EC2 EIP ({assoc})"),
            ctx.ec2.disassociate_address().association_id(assoc).send(),
        ))
        .map(|_| ())
    }
}

const TARGETS: [&str; 3] = ["instance", "network_interface", "associate_with_private_ip"];

impl ResourceType for Eip {
    fn type_name(&self) -> &'static str {
        "aws_eip"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr(
                "domain",
                Attribute::optional_computed(Type::String)
                    .force_new()
                    .one_of(&["vpc", "standard"]),
            )
            .attr("vpc", Attribute::optional_computed(Type::Bool).force_new())
            .attr("address", Attribute::optional(Type::String).force_new())
            .attr(
                "public_ipv4_pool",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "network_border_group",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr(
                "customer_owned_ipv4_pool",
                Attribute::optional(Type::String).force_new(),
            )
            .attr("ipam_pool_id", Attribute::optional_computed(Type::String).force_new())
            .attr("instance", Attribute::optional_computed(Type::String))
            .attr("network_interface", Attribute::optional_computed(Type::String))
            .attr("associate_with_private_ip", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("allocation_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("association_id", Attribute::computed(Type::String))
            .attr("carrier_ip", Attribute::computed(Type::String))
            .attr("customer_owned_ip", Attribute::computed(Type::String))
            .attr("private_dns", Attribute::computed(Type::String))
            .attr("private_ip", Attribute::computed(Type::String))
            .attr("ptr_record", Attribute::computed(Type::String))
            .attr("public_dns", Attribute::computed(Type::String))
            .attr("public_ip", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .timeouts(&["read", "update", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        if is_set(&config.get("instance")) && is_set(&config.get("network_interface")) {
            out.push(problem(
                "network_interface",
                "\"instance\" and \"network_interface\" cannot both be set: associate the address with one",
            ));
        }
        if is_set(&config.get("vpc")) && is_set(&config.get("domain")) {
            out.push(problem(
                "vpc",
                "\"vpc\" is deprecated and conflicts with \"domain\": write domain = \"vpc\"",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if prior.is_none() {
            let vpc = proposed.get("vpc").as_bool() != Some(false);
            if st.get("domain").is_none_or(|d| d.is_null() || d.is_unknown()) && !proposed.get("vpc").is_unknown() {
                st.put("domain", if vpc { "vpc" } else { "standard" });
            }
        }
        // A new association changes what EC2 reports for it.
        let moved = prior.is_some_and(|p| {
            TARGETS
                .iter()
                .any(|k| is_set(&proposed.get(k)) && p.get(k) != proposed.get(k))
        });
        if moved {
            for k in [
                "association_id",
                "private_ip",
                "private_dns",
                "network_interface",
                "instance",
            ] {
                if !is_set(&proposed.get(k)) || k == "association_id" || k.starts_with("private") {
                    st.insert(k.into(), Value::UNKNOWN);
                }
            }
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (spec, _) = create_tags(ctx, planned, aws_sdk_ec2::types::ResourceType::ElasticIp, step, "eip");
        (step.progress)("allocating EC2 EIP");
        let s = |k: &str| sref(planned, k).map(str::to_string);
        let out = call(
            ctx,
            "allocating EC2 EIP",
            ctx.ec2
                .allocate_address()
                .set_domain(s("domain").map(|d| DomainType::from(d.as_str())))
                .set_address(s("address"))
                .set_public_ipv4_pool(s("public_ipv4_pool"))
                .set_network_border_group(s("network_border_group"))
                .set_customer_owned_ipv4_pool(s("customer_owned_ipv4_pool"))
                .set_ipam_pool_id(s("ipam_pool_id"))
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.allocation_id().map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "InvalidResponse",
                    "allocating EC2 EIP: EC2 returned no allocation ID (an EC2-Classic address is not supported)",
                ))
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        let read = self
            .associate(ctx, &id, planned)
            .and_then(|()| self.read_id(ctx, &id, planned));
        created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
            ProviderError::new("NotFound", format!("EC2 EIP ({id}) is gone right after its create"))
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = (|| {
            let moved = TARGETS
                .iter()
                .any(|k| is_set(&planned.get(k)) && prior.get(k) != planned.get(k));
            let dropped = TARGETS[..2].iter().all(|k| planned.get(k).is_null()) && is_set(&prior.get("association_id"));
            if moved || dropped {
                self.disassociate(ctx, prior)?;
                self.associate(ctx, &id, planned)?;
            }
            update_tags(ctx, &id, "EC2 EIP", prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 EIP ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("releasing EC2 EIP {id}"));
        self.disassociate(ctx, prior)?;
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(180));
        // An address a NAT gateway just let go of is still "in use" for a moment.
        Waiter::new(format!("EC2 EIP ({id}) to be released"), limit)
            .delays(Duration::from_secs(1), Duration::from_secs(10))
            .retry(
                |e| e.code == "InvalidIPAddress.InUse" || e.code == "AuthFailure",
                || {
                    found(call(
                        ctx,
                        &format!("releasing EC2 EIP ({id})"),
                        ctx.ec2.release_address().allocation_id(id).send(),
                    ))
                },
            )
            .map(|_| ())
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the allocation ID (`eipalloc-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 EIP by its intent tag",
                ctx.ec2.describe_addresses().filters(intent_filter(token)).send(),
            )?;
            return Ok(out.addresses().first().map(|a| self.state(ctx, a, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}

#[cfg(test)]
mod tests {
    use super::dns;

    #[test]
    fn an_addresss_dns_names_are_ec2s() {
        assert_eq!(dns("3.5.7.9", "us-east-1", true), "ec2-3-5-7-9.compute-1.amazonaws.com");
        assert_eq!(
            dns("3.5.7.9", "eu-west-1", true),
            "ec2-3-5-7-9.eu-west-1.compute.amazonaws.com"
        );
        assert_eq!(dns("10.0.0.5", "us-east-1", false), "ip-10-0-0-5.ec2.internal");
    }
}
