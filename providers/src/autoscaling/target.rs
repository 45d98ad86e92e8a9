//! aws_appautoscaling_target: a resource's capacity put under Application Auto Scaling, with its
//! bounds. RegisterScalableTarget both creates and updates it.

use super::{not_there, tag_sync, tags_of, Key};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, created_outcome, finish, first_block, into_state, invalid, map_of_strings, problem, string_map, Put, State,
};
use crate::support::tags::has_tags;
use crate::support::tags::{split_tags, tags_all};
use crate::support::wait::Waiter;
use aws_sdk_applicationautoscaling::types::{ScalableDimension, ScalableTarget, ServiceNamespace, SuspendedState};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct Target;

const SUSPENDED: [&str; 3] = [
    "dynamic_scaling_in_suspended",
    "dynamic_scaling_out_suspended",
    "scheduled_scaling_suspended",
];

/// How long a register is retried while the role or the resource it scales is not yet known
/// (IAM propagation, an ECS service made a moment before): the AWS provider's two minutes.
const PROPAGATION: Duration = Duration::from_secs(120);

fn describe(ctx: &Ctx, key: &Key) -> Result<Option<ScalableTarget>, ProviderError> {
    let out = call(
        ctx,
        &format!("reading Application Auto Scaling Target ({})", key.resource_id),
        ctx.autoscaling
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::from(key.namespace.as_str()))
            .resource_ids(&key.resource_id)
            .scalable_dimension(ScalableDimension::from(key.dimension.as_str()))
            .send(),
    )?;
    Ok(out
        .scalable_targets()
        .iter()
        .find(|t| {
            t.resource_id() == key.resource_id
                && t.scalable_dimension().as_str() == key.dimension
                && t.service_namespace().as_str() == key.namespace
        })
        .cloned())
}

fn suspended(planned: &Value) -> Option<SuspendedState> {
    let block = first_block(planned, "suspended_state");
    (!block.is_null()).then(|| {
        SuspendedState::builder()
            .set_dynamic_scaling_in_suspended(block.get(SUSPENDED[0]).as_bool())
            .set_dynamic_scaling_out_suspended(block.get(SUSPENDED[1]).as_bool())
            .set_scheduled_scaling_suspended(block.get(SUSPENDED[2]).as_bool())
            .build()
    })
}

fn capacity(planned: &Value, key: &str) -> Option<i32> {
    planned.get(key).as_f64().map(|n| n as i32)
}

impl Target {
    fn fetch(&self, ctx: &Ctx, key: &Key, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(t) = describe(ctx, key)? else {
            return Ok(None);
        };
        let arn = t.scalable_target_arn().unwrap_or_default().to_string();
        let mut st: State = into_state(prior);
        st.put("id", t.resource_id());
        st.put("resource_id", t.resource_id());
        st.put("service_namespace", t.service_namespace().as_str());
        st.put("scalable_dimension", t.scalable_dimension().as_str());
        st.put("min_capacity", i64::from(t.min_capacity()));
        st.put("max_capacity", i64::from(t.max_capacity()));
        st.put("role_arn", t.role_arn());
        st.put("arn", arn.as_str());
        // The block is AWS's to fill when not configured: kept as configured, or as AWS has it
        // when something is suspended.
        let state = t.suspended_state();
        let any = state.is_some_and(|s| {
            [
                s.dynamic_scaling_in_suspended(),
                s.dynamic_scaling_out_suspended(),
                s.scheduled_scaling_suspended(),
            ]
            .contains(&Some(true))
        });
        if any || !first_block(prior, "suspended_state").is_null() {
            let flag = |v: Option<bool>| Value::Bool(v.unwrap_or(false));
            st.put(
                "suspended_state",
                Value::List(
                    vec![map([
                        (SUSPENDED[0], flag(state.and_then(|s| s.dynamic_scaling_in_suspended()))),
                        (
                            SUSPENDED[1],
                            flag(state.and_then(|s| s.dynamic_scaling_out_suspended())),
                        ),
                        (SUSPENDED[2], flag(state.and_then(|s| s.scheduled_scaling_suspended()))),
                    ])]
                    .into(),
                ),
            );
        } else {
            st.put("suspended_state", Value::List(Vec::new().into()));
        }
        if has_tags(prior) && !arn.is_empty() {
            let (tags, all) = split_tags(ctx, &prior.get("tags"), tags_of(ctx, &arn)?);
            st.put("tags", tags);
            st.put("tags_all", all);
        } else {
            st.put("tags_all", tags_all(ctx, &prior.get("tags")));
        }
        Ok(Some(finish(&self.schema(), st)))
    }

    /// Registers the target as `planned` has it (tags only at create: they are the object's
    /// tags from then on, kept by TagResource).
    fn register(&self, ctx: &Ctx, key: &Key, planned: &Value, create: bool) -> Result<(), ProviderError> {
        let tags = string_map(&planned.get("tags_all"));
        let op = format!("registering Application Auto Scaling Target ({})", key.resource_id);
        Waiter::new(op.clone(), PROPAGATION).retry(
            |e| {
                e.code == "ValidationException"
                    && (e.message.contains("Unable to assume IAM role") || e.message.contains("doesn't exist"))
            },
            || {
                call(
                    ctx,
                    &op,
                    ctx.autoscaling
                        .register_scalable_target()
                        .service_namespace(ServiceNamespace::from(key.namespace.as_str()))
                        .resource_id(&key.resource_id)
                        .scalable_dimension(ScalableDimension::from(key.dimension.as_str()))
                        .set_min_capacity(capacity(planned, "min_capacity"))
                        .set_max_capacity(capacity(planned, "max_capacity"))
                        .set_role_arn(planned.get("role_arn").as_str().map(str::to_string))
                        .set_suspended_state(suspended(planned))
                        .set_tags((create && !tags.is_empty()).then(|| tags.clone().into_iter().collect()))
                        .send(),
                )
                .map(drop)
            },
        )
    }
}

impl ResourceType for Target {
    fn type_name(&self) -> &'static str {
        "aws_appautoscaling_target"
    }

    fn schema(&self) -> Schema {
        let suspended = SUSPENDED
            .iter()
            .fold(Schema::new(), |s, name| s.attr(name, Attribute::optional(Type::Bool)));
        Schema::new()
            .attr("max_capacity", Attribute::required(Type::Number))
            .attr("min_capacity", Attribute::required(Type::Number))
            .attr("resource_id", Attribute::required(Type::String).force_new())
            .attr("scalable_dimension", Attribute::required(Type::String).force_new())
            .attr("service_namespace", Attribute::required(Type::String).force_new())
            .attr("role_arn", Attribute::optional_computed(Type::String))
            .block("suspended_state", Nesting::Single, suspended)
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let (min, max) = (config.get("min_capacity").as_f64(), config.get("max_capacity").as_f64());
        for (key, n) in [("min_capacity", min), ("max_capacity", max)] {
            if n.is_some_and(|n| n < 0.0 || n.fract() != 0.0) {
                out.push(problem(key, format!("{key} is a whole number, 0 or more")));
            }
        }
        if let (Some(min), Some(max)) = (min, max) {
            if min > max {
                out.push(problem(
                    "min_capacity",
                    "min_capacity cannot be above max_capacity: lower it or raise max_capacity",
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.put("id", proposed.get("resource_id"));
        if prior.is_none() {
            st.insert("arn".into(), Value::UNKNOWN);
        }
        st.put("tags_all", tags_all(ctx, &proposed.get("tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(key) = Key::of(planned) else {
            return ApplyOutcome::failed(invalid(
                "creating Application Auto Scaling Target: service_namespace, resource_id and scalable_dimension must be known",
            ));
        };
        (step.intent)(&format!("{}/{}/{}", key.namespace, key.resource_id, key.dimension));
        if let Err(e) = self.register(ctx, &key, planned, true) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&key.resource_id))],
            self.fetch(ctx, &key, planned),
            || {
                ProviderError::new(
                    "ObjectNotFoundException",
                    format!(
                        "Application Auto Scaling Target ({}) is gone after its create",
                        key.resource_id
                    ),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some(key) = Key::of(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Application Auto Scaling Target: the prior state has no key"),
            );
        };
        let arn = prior.get("arn").as_str().unwrap_or_default().to_string();
        let same = |k: &str| prior.get(k) == planned.get(k);
        let mut result = Ok(());
        if !["min_capacity", "max_capacity", "role_arn", "suspended_state"]
            .iter()
            .all(|k| same(k))
        {
            result = self.register(ctx, &key, planned, false);
        }
        if result.is_ok() {
            result = tag_sync(ctx, &arn, prior, planned);
        }
        update_outcome(prior, result, self.fetch(ctx, &key, planned), || {
            ProviderError::new(
                "ObjectNotFoundException",
                format!("Application Auto Scaling Target ({}) is gone", key.resource_id),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(key) = Key::of(prior) else {
            return Ok(());
        };
        let sent = call(
            ctx,
            &format!("deregistering Application Auto Scaling Target ({})", key.resource_id),
            ctx.autoscaling
                .deregister_scalable_target()
                .service_namespace(ServiceNamespace::from(key.namespace.as_str()))
                .resource_id(&key.resource_id)
                .scalable_dimension(ScalableDimension::from(key.dimension.as_str()))
                .send(),
        );
        match sent {
            Err(e) if not_there(&e) => return Ok(()),
            other => other.map(drop)?,
        }
        Waiter::new(
            format!(
                "Application Auto Scaling Target ({}) to be deregistered",
                key.resource_id
            ),
            Duration::from_secs(300),
        )
        .progress(step.progress)
        .wait(|| {
            Ok(match describe(ctx, &key)? {
                Some(_) => crate::support::wait::Poll::Pending("registered".into()),
                None => crate::support::wait::Poll::Ready(()),
            })
        })
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match Key::of(prior) {
            Some(key) => self.fetch(ctx, &key, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `SERVICE_NAMESPACE/RESOURCE_ID/SCALABLE_DIMENSION`; the resource ID may
    /// itself hold `/` (`table/orders`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let parts: Vec<&str> = id.split('/').collect();
        let bad = || {
            ProviderError::new(
                "InvalidImportId",
                format!(
                    "import ID {id:?} of aws_appautoscaling_target: write it as SERVICE_NAMESPACE/RESOURCE_ID/SCALABLE_DIMENSION (dynamodb/table/orders/dynamodb:table:ReadCapacityUnits)"
                ),
            )
        };
        if parts.len() < 3 {
            return Err(bad());
        }
        let key = Key {
            namespace: parts[0].to_string(),
            resource_id: parts[1..parts.len() - 1].join("/"),
            dimension: parts[parts.len() - 1].to_string(),
        };
        if key.namespace.is_empty() || key.resource_id.is_empty() || key.dimension.is_empty() {
            return Err(bad());
        }
        // Tags are read from the next refresh on, once state or configuration has some.
        self.fetch(ctx, &key, &Value::Null)
    }
}
