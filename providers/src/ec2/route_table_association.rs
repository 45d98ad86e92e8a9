//! aws_route_table_association: a subnet or an edge gateway using a route table.

use super::kit::filter;
use super::route_table::describe_table;
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, is_set, problem, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use aws_sdk_ec2::types::RouteTableAssociation;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct Association;

impl Association {
    fn state(&self, a: &RouteTableAssociation, prior: &Value) -> Value {
        let mut st = State::new();
        st.put("id", a.route_table_association_id());
        st.put("route_table_id", a.route_table_id());
        st.put("subnet_id", a.subnet_id());
        st.put("gateway_id", a.gateway_id());
        st.insert("timeouts".into(), prior.get("timeouts"));
        finish(&self.schema(), st)
    }

    /// The association with this ID, wherever it is.
    fn find(&self, ctx: &Ctx, id: &str) -> Result<Option<RouteTableAssociation>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Route Table Association ({id})"),
            ctx.ec2
                .describe_route_tables()
                .filters(filter("association.route-table-association-id", [id]))
                .send(),
        ))?;
        Ok(out.and_then(|o| {
            o.route_tables()
                .iter()
                .flat_map(|t| t.associations())
                .find(|a| a.route_table_association_id() == Some(id))
                .cloned()
        }))
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.find(ctx, id)?.map(|a| self.state(&a, prior)))
    }
}

impl ResourceType for Association {
    fn type_name(&self) -> &'static str {
        "aws_route_table_association"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("route_table_id", Attribute::required(Type::String))
            .attr("subnet_id", Attribute::optional(Type::String).force_new())
            .attr("gateway_id", Attribute::optional(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
            .timeouts(&["create", "update", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = timeouts::check(config);
        let (subnet, gateway) = (config.get("subnet_id"), config.get("gateway_id"));
        if is_set(&subnet) && is_set(&gateway) {
            out.push(problem(
                "gateway_id",
                "\"subnet_id\" and \"gateway_id\" cannot both be set",
            ));
        } else if subnet.is_null() && gateway.is_null() {
            out.push(problem(
                "subnet_id",
                "one of \"subnet_id\" or \"gateway_id\" must be set",
            ));
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        // Moving to another table makes a new association, with a new ID.
        let moved = prior.is_some_and(|p| p.get("route_table_id") != proposed.get("route_table_id"));
        if moved {
            let mut st = into_state(&proposed);
            st.insert("id".into(), Value::UNKNOWN);
            return Ok((Value::Map(st.into()), Vec::new()));
        }
        Ok((proposed, Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let table = sref(planned, "route_table_id").unwrap_or_default().to_string();
        let (subnet, gateway) = (sref(planned, "subnet_id"), sref(planned, "gateway_id"));
        let target = subnet.or(gateway).unwrap_or_default().to_string();
        (step.progress)(&format!("associating {target} with EC2 Route Table {table}"));
        (step.intent)(&format!("{target}/{table}"));
        let out = call(
            ctx,
            &format!("associating {target} with EC2 Route Table ({table})"),
            ctx.ec2
                .associate_route_table()
                .route_table_id(&table)
                .set_subnet_id(subnet.map(str::to_string))
                .set_gateway_id(gateway.map(str::to_string))
                .send(),
        );
        let id = match out {
            Ok(o) => o.association_id().unwrap_or_default().to_string(),
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
                    format!("EC2 Route Table Association ({id}) is gone right after its create"),
                )
            },
        )
    }

    /// A new route table replaces the association in one call (ReplaceRouteTableAssociation),
    /// which gives it a new ID.
    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let (Some(id), Some(table)) = (sref(prior, "id"), sref(planned, "route_table_id")) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let out = call(
            ctx,
            &format!("moving EC2 Route Table Association ({id}) to {table}"),
            ctx.ec2
                .replace_route_table_association()
                .association_id(id)
                .route_table_id(table)
                .send(),
        );
        match out {
            Ok(o) => {
                let new = o.new_association_id().unwrap_or(id).to_string();
                update_outcome(prior, Ok(()), self.read_id(ctx, &new, planned), || {
                    ProviderError::new("NotFound", format!("EC2 Route Table Association ({new}) is gone"))
                })
            }
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("removing EC2 Route Table Association {id}"));
        found(call(
            ctx,
            &format!("removing EC2 Route Table Association ({id})"),
            ctx.ec2.disassociate_route_table().association_id(id).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(None) };
        self.read_id(ctx, id, prior)
    }

    /// Import ID: `SUBNETID/ROUTETABLEID` or `GATEWAYID/ROUTETABLEID`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((target, table)) = id
            .split_once('/')
            .filter(|(a, b)| !a.is_empty() && b.starts_with("rtb-"))
        else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("import ID {id:?} of aws_route_table_association: write it as SUBNETID/ROUTETABLEID or GATEWAYID/ROUTETABLEID"),
            ));
        };
        Ok(describe_table(ctx, table)?.and_then(|t| {
            t.associations()
                .iter()
                .find(|a| a.subnet_id() == Some(target) || a.gateway_id() == Some(target))
                .map(|a| self.state(a, &Value::Null))
        }))
    }
}
