//! aws_nat_gateway: a public NAT gateway (with an Elastic IP) or a private one, in a subnet.

use super::kit::{create_tags, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, into_state, problem, set_value, sref, string_set, Put, State,
};
use crate::support::error::found;
use crate::support::timeouts;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_ec2::types::{ConnectivityType, NatGateway as Gateway, NatGatewayState};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct NatGateway;

const SECONDARY_PRIVATE: &str =
    "Secondary private addresses of a private NAT gateway are not supported yet: assign them outside infinstor.";

impl NatGateway {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<Gateway>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 NAT Gateway ({id})"),
            ctx.ec2.describe_nat_gateways().nat_gateway_ids(id).send(),
        ))?;
        // A deleted gateway stays visible for an hour, as "deleted".
        Ok(out
            .and_then(|o| o.nat_gateways().first().cloned())
            .filter(|g| g.state() != Some(&NatGatewayState::Deleted)))
    }

    fn state(&self, ctx: &Ctx, g: &Gateway, prior: &Value) -> Value {
        let mut st = State::new();
        st.put("id", g.nat_gateway_id());
        st.put("subnet_id", g.subnet_id());
        st.put(
            "connectivity_type",
            g.connectivity_type().map(|c| c.as_str().to_string()),
        );
        let addresses = g.nat_gateway_addresses();
        let first = addresses.iter().position(|a| a.is_primary() == Some(true)).unwrap_or(0);
        let primary = addresses.get(first);
        st.put("allocation_id", primary.and_then(|a| a.allocation_id()));
        st.put("association_id", primary.and_then(|a| a.association_id()));
        st.put("network_interface_id", primary.and_then(|a| a.network_interface_id()));
        st.put("private_ip", primary.and_then(|a| a.private_ip()));
        st.put("public_ip", primary.and_then(|a| a.public_ip()));
        let secondary: Vec<&str> = addresses
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != first)
            .filter_map(|(_, a)| a.allocation_id())
            .collect();
        let configured = prior.get("secondary_allocation_ids");
        st.put(
            "secondary_allocation_ids",
            if secondary.is_empty() && configured.is_null() {
                Value::Null
            } else {
                set_value(&secondary)
            },
        );
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, g.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|g| self.state(ctx, &g, prior)))
    }

    /// Waits until the gateway is available (and returns it as it then is) or, with `gone`,
    /// deleted (`None`).
    fn wait(
        &self,
        ctx: &Ctx,
        id: &str,
        limit: Duration,
        step: &Step<'_>,
        gone: bool,
    ) -> Result<Option<Gateway>, ProviderError> {
        let what = if gone { "to be deleted" } else { "to become available" };
        Waiter::new(format!("EC2 NAT Gateway ({id}) {what}"), limit)
            .progress(step.progress)
            .every(Duration::from_secs(30))
            .wait(|| match (self.describe(ctx, id)?, gone) {
                (None, true) => Ok(Poll::Ready(None)),
                (None, false) => Ok(Poll::Pending("not visible yet".into())),
                (Some(g), false) if g.state() == Some(&NatGatewayState::Available) => Ok(Poll::Ready(Some(g))),
                (Some(g), false) if g.state() == Some(&NatGatewayState::Failed) => Err(ProviderError::new(
                    "NatGatewayFailed",
                    format!(
                        "EC2 NAT Gateway ({id}) failed: {}",
                        g.failure_message().unwrap_or("EC2 gave no reason")
                    ),
                )),
                (Some(g), _) => Ok(Poll::Pending(
                    g.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
                )),
            })
    }
}

impl ResourceType for NatGateway {
    fn type_name(&self) -> &'static str {
        "aws_nat_gateway"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("subnet_id", Attribute::required(Type::String).force_new())
            .attr("allocation_id", Attribute::optional(Type::String).force_new())
            .attr(
                "connectivity_type",
                Attribute::optional(Type::String)
                    .force_new()
                    .one_of(&["public", "private"]),
            )
            .attr("private_ip", Attribute::optional_computed(Type::String).force_new())
            .attr(
                "secondary_allocation_ids",
                Attribute::optional(crate::support::attrs::set_of_strings()),
            )
            .not_yet("secondary_private_ip_address_count", SECONDARY_PRIVATE)
            .not_yet("secondary_private_ip_addresses", SECONDARY_PRIVATE)
            .attr("id", Attribute::computed(Type::String))
            .attr("association_id", Attribute::computed(Type::String))
            .attr("network_interface_id", Attribute::computed(Type::String))
            .attr("public_ip", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .timeouts(&["create", "update", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        let private = config.get("connectivity_type").as_str() == Some("private");
        if private {
            for k in ["allocation_id", "secondary_allocation_ids"] {
                if crate::support::attrs::is_set(&config.get(k)) {
                    out.push(problem(
                        k,
                        format!("a private NAT gateway has no Elastic IP: remove {k}"),
                    ));
                }
            }
        } else if config.get("allocation_id").is_null() && !config.get("connectivity_type").is_unknown() {
            out.push(problem(
                "allocation_id",
                "a public NAT gateway needs allocation_id (an aws_eip's id), or connectivity_type = \"private\"",
            ));
        }
        out
    }

    fn plan(&self, ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if st.get("connectivity_type").is_none_or(Value::is_null) {
            st.put("connectivity_type", "public");
        }
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let subnet = sref(planned, "subnet_id").unwrap_or_default().to_string();
        let (spec, token) = create_tags(
            ctx,
            planned,
            aws_sdk_ec2::types::ResourceType::Natgateway,
            step,
            &subnet,
        );
        (step.progress)(&format!("creating EC2 NAT Gateway in {subnet}"));
        let secondary = string_set(&planned.get("secondary_allocation_ids"));
        let out = call(
            ctx,
            &format!("creating EC2 NAT Gateway (in {subnet})"),
            ctx.ec2
                .create_nat_gateway()
                .subnet_id(&subnet)
                .set_allocation_id(sref(planned, "allocation_id").map(str::to_string))
                .set_connectivity_type(sref(planned, "connectivity_type").map(ConnectivityType::from))
                .set_private_ip_address(sref(planned, "private_ip").map(str::to_string))
                .set_secondary_allocation_ids((!secondary.is_empty()).then_some(secondary))
                // The same token makes a repeated request (after a lost answer) the same gateway.
                .client_token(&token)
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.nat_gateway().and_then(|g| g.nat_gateway_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 NAT Gateway", &subnet),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let limit = timeouts::limit(planned, "create", Duration::from_secs(600));
        // The gateway as the wait last saw it is its state: nothing changes it after.
        let read = self
            .wait(ctx, &id, limit, step, false)
            .map(|g| g.map(|g| self.state(ctx, &g, planned)));
        created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
            ProviderError::new(
                "NotFound",
                format!("EC2 NAT Gateway ({id}) is gone right after its create"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = (|| {
            let have = string_set(&prior.get("secondary_allocation_ids"));
            let want = string_set(&planned.get("secondary_allocation_ids"));
            let gone: Vec<String> = have.iter().filter(|a| !want.contains(a)).cloned().collect();
            let new: Vec<String> = want.iter().filter(|a| !have.contains(a)).cloned().collect();
            if !gone.is_empty() {
                let g = self.describe(ctx, &id)?;
                let associations: Vec<String> = g
                    .iter()
                    .flat_map(|g| g.nat_gateway_addresses())
                    .filter(|a| a.allocation_id().is_some_and(|x| gone.iter().any(|g| g == x)))
                    .filter_map(|a| a.association_id().map(str::to_string))
                    .collect();
                call(
                    ctx,
                    &format!("removing addresses from EC2 NAT Gateway ({id})"),
                    ctx.ec2
                        .disassociate_nat_gateway_address()
                        .nat_gateway_id(&id)
                        .set_association_ids(Some(associations))
                        .send(),
                )?;
            }
            if !new.is_empty() {
                call(
                    ctx,
                    &format!("adding addresses to EC2 NAT Gateway ({id})"),
                    ctx.ec2
                        .associate_nat_gateway_address()
                        .nat_gateway_id(&id)
                        .set_allocation_ids(Some(new))
                        .send(),
                )?;
            }
            update_tags(ctx, &id, "EC2 NAT Gateway", prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 NAT Gateway ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 NAT Gateway {id}"));
        if found(call(
            ctx,
            &format!("deleting EC2 NAT Gateway ({id})"),
            ctx.ec2.delete_nat_gateway().nat_gateway_id(id).send(),
        ))?
        .is_none()
        {
            return Ok(());
        }
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(1800));
        self.wait(ctx, id, limit, step, true).map(drop)
    }

    fn recorded(&self, ctx: &Ctx, state: &Value) {
        super::kit::drop_intent(ctx, state);
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: the gateway's ID (`nat-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 NAT Gateway by its intent tag",
                ctx.ec2.describe_nat_gateways().filter(intent_filter(token)).send(),
            )?;
            return Ok(out
                .nat_gateways()
                .iter()
                .find(|g| g.state() != Some(&NatGatewayState::Deleted))
                .map(|g| self.state(ctx, g, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
