//! aws_internet_gateway: an internet gateway, attached to at most one VPC.

use super::kit::{arn, create_tags, intent_filter, intent_of, plan_tags, put_tags, update_tags, vanished};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, into_state, sref, Put, State};
use crate::support::error::found;
use crate::support::timeouts;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::time::Duration;

pub(super) struct InternetGateway;

impl InternetGateway {
    fn describe(&self, ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_ec2::types::InternetGateway>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading EC2 Internet Gateway ({id})"),
            ctx.ec2.describe_internet_gateways().internet_gateway_ids(id).send(),
        ))?;
        Ok(out.and_then(|o| o.internet_gateways().first().cloned()))
    }

    fn state(&self, ctx: &Ctx, gw: &aws_sdk_ec2::types::InternetGateway, prior: &Value) -> Value {
        let id = gw.internet_gateway_id().unwrap_or_default();
        let mut st = State::new();
        st.put("id", id);
        st.put("arn", arn(ctx, gw.owner_id(), "internet-gateway", id));
        st.put("owner_id", gw.owner_id());
        st.put("vpc_id", gw.attachments().first().and_then(|a| a.vpc_id()));
        st.insert("timeouts".into(), prior.get("timeouts"));
        put_tags(ctx, &mut st, prior, gw.tags());
        finish(&self.schema(), st)
    }

    fn read_id(&self, ctx: &Ctx, id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        Ok(self.describe(ctx, id)?.map(|g| self.state(ctx, &g, prior)))
    }

    fn attach(&self, ctx: &Ctx, id: &str, vpc: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("attaching EC2 Internet Gateway ({id}) to {vpc}"),
            ctx.ec2
                .attach_internet_gateway()
                .internet_gateway_id(id)
                .vpc_id(vpc)
                .send(),
        )
        .map(|_| ())
    }

    /// Detaches, waiting while the VPC still has public addresses mapped through it (a NAT
    /// gateway's, being deleted): EC2 refuses the detach with DependencyViolation until then.
    fn detach(&self, ctx: &Ctx, id: &str, vpc: &str, limit: Duration) -> Result<(), ProviderError> {
        super::kit::when_free(&format!("EC2 Internet Gateway ({id})"), limit, || {
            let sent = call(
                ctx,
                &format!("detaching EC2 Internet Gateway ({id}) from {vpc}"),
                ctx.ec2
                    .detach_internet_gateway()
                    .internet_gateway_id(id)
                    .vpc_id(vpc)
                    .send(),
            );
            match sent {
                Err(e) if e.code == "Gateway.NotAttached" => Ok(()),
                other => found(other).map(|_| ()),
            }
        })
    }
}

impl ResourceType for InternetGateway {
    fn type_name(&self) -> &'static str {
        "aws_internet_gateway"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("vpc_id", Attribute::optional_computed(Type::String))
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
        let vpc = sref(planned, "vpc_id").map(str::to_string);
        let what = vpc.clone().unwrap_or_default();
        let (spec, _) = create_tags(
            ctx,
            planned,
            aws_sdk_ec2::types::ResourceType::InternetGateway,
            step,
            &what,
        );
        (step.progress)("creating EC2 Internet Gateway");
        let out = call(
            ctx,
            "creating EC2 Internet Gateway",
            ctx.ec2.create_internet_gateway().tag_specifications(spec).send(),
        );
        let id = match out.map(|o| {
            o.internet_gateway()
                .and_then(|g| g.internet_gateway_id())
                .map(str::to_string)
        }) {
            Ok(Some(id)) => id,
            Ok(None) => return vanished("EC2 Internet Gateway", &what),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let attached = match &vpc {
            Some(vpc) => self.attach(ctx, &id, vpc),
            None => Ok(()),
        };
        let read = attached.and_then(|()| self.read_id(ctx, &id, planned));
        created_outcome(&self.schema(), planned, &[("id", Value::string(&id))], read, || {
            ProviderError::new(
                "NotFound",
                format!("EC2 Internet Gateway ({id}) is gone right after its create"),
            )
        })
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").map(str::to_string) else {
            return ApplyOutcome::Done(prior.clone());
        };
        let limit = timeouts::limit(planned, "update", Duration::from_secs(1200));
        let result = (|| {
            let (old, new) = (sref(prior, "vpc_id"), sref(planned, "vpc_id"));
            if old != new {
                if let Some(old) = old {
                    self.detach(ctx, &id, old, limit)?;
                }
                if let Some(new) = new {
                    self.attach(ctx, &id, new)?;
                }
            }
            update_tags(ctx, &id, "EC2 Internet Gateway", prior, planned)
        })();
        update_outcome(prior, result, self.read_id(ctx, &id, planned), || {
            ProviderError::new("NotFound", format!("EC2 Internet Gateway ({id}) is gone"))
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id") else { return Ok(()) };
        let limit = timeouts::limit(prior, "delete", Duration::from_secs(1200));
        (step.progress)(&format!("deleting EC2 Internet Gateway {id}"));
        if let Some(gw) = self.describe(ctx, id)? {
            for vpc in gw.attachments().iter().filter_map(|a| a.vpc_id()) {
                self.detach(ctx, id, vpc, limit)?;
            }
        }
        found(call(
            ctx,
            &format!("deleting EC2 Internet Gateway ({id})"),
            ctx.ec2.delete_internet_gateway().internet_gateway_id(id).send(),
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

    /// Import ID: the gateway's ID (`igw-...`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = intent_of(id) {
            let out = call(
                ctx,
                "finding an EC2 Internet Gateway by its intent tag",
                ctx.ec2
                    .describe_internet_gateways()
                    .filters(intent_filter(token))
                    .send(),
            )?;
            return Ok(out
                .internet_gateways()
                .first()
                .map(|g| self.state(ctx, g, &Value::Null)));
        }
        self.read_id(ctx, id, &Value::Null)
    }
}
