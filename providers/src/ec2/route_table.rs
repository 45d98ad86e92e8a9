//! aws_route_table: a route table of a VPC. Its routes are `aws_route` resources.

use super::kit::{arn, create_tags, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct RouteTable;

const ROUTES: &str = "Routes inside aws_route_table are not supported yet: declare each route as an aws_route resource with route_table_id = aws_route_table.NAME.id.";
const PROPAGATION: &str =
    "Route propagation from a virtual private gateway is not supported yet: enable it outside infinstor.";

/// A route table as EC2 describes it.
pub(super) fn describe_table(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::RouteTable>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading EC2 Route Table ({id})"),
        ctx.ec2.describe_route_tables().route_table_ids(id).send(),
    ))?;
    Ok(out.and_then(|o| o.route_tables().first().cloned()))
}

impl RouteTable {
    fn state(&self, ctx: &Ctx, t: &aws_sdk_ec2::types::RouteTable, prior: &Value) -> Value {
        let id = t.route_table_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", arn(ctx, t.owner_id(), "route-table", id));
        st.put("owner_id", t.owner_id());
        st.put("vpc_id", t.vpc_id());
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, t.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(describe_table(ctx, id)?.map(|t| self.state(ctx, &t, prior)))
    }
}

impl ResourceType for RouteTable {
    fn type_name(&self) -> &'static str {
        "aws_route_table"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::required(Type::String).force_new())
            .not_yet("route", ROUTES)
            .not_yet("propagating_vgws", PROPAGATION)
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("owner_id", Attribute::computed(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .timeouts(&["create", "update", "delete"])
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        timeouts::check(config)
    }

    fn plan(&self, ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        plan_tags(ctx, &mut st);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let vpc = sref(planned, "vpc_id").unwrap_or_default().to_string();
        let (spec, _) = create_tags(ctx, planned, aws_sdk_ec2::types::ResourceType::RouteTable, step, &vpc);
        (step.progress)(&format!("creating EC2 Route Table in {vpc}"));
        let out = call(
            ctx,
            &format!("creating EC2 Route Table (in {vpc})"),
            ctx.ec2
                .create_route_table()
                .vpc_id(&vpc)
                .tag_specifications(spec)
                .send(),
        );
        let id = match out.map(|o| o.route_table().and_then(|t| t.route_table_id()).map(str::to_string)) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 Route Table", &vpc),
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
                    format!("EC2 Route Table ({id}) is gone right after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let result = update_tags(ctx, &id, "EC2 Route Table", prior, planned);
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 Route Table ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        (step.progress)(&format!("deleting EC2 Route Table {id}"));
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(300));
        super::kit::when_free(&format!("EC2 Route Table ({id})"), limit, || {
            found(call(
                ctx,
                &format!("deleting EC2 Route Table ({id})"),
                ctx.ec2.delete_route_table().route_table_id(id).send(),
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

    /// Import ID: the route table's ID (`rtb-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 Route Table by its intent tag",
                ctx.ec2.describe_route_tables().filters(intent_filter(token)).send(),
            )?;
            return Ok(out.route_tables().first().map(|t| self.state(ctx, t, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
