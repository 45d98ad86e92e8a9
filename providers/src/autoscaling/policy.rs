//! aws_appautoscaling_policy: a step or target tracking policy on a scalable target.
//! PutScalingPolicy both creates and updates it.

use super::{not_there, Key};
use crate::resource::{update_outcome, ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    block_items, call, created_outcome, finish, first_block, into_state, invalid, problem, sref, with_default, Put,
    State,
};
use crate::support::number::go_g;
use crate::support::wait::Waiter;
use aws_sdk_applicationautoscaling::types::{
    AdjustmentType, CustomizedMetricSpecification, MetricAggregationType, MetricDimension, MetricStatistic, MetricType,
    PolicyType, PredefinedMetricSpecification, ScalableDimension, ScalingPolicy, ServiceNamespace, StepAdjustment,
    StepScalingPolicyConfiguration, TargetTrackingMetric, TargetTrackingMetricDataQuery, TargetTrackingMetricDimension,
    TargetTrackingMetricStat, TargetTrackingScalingPolicyConfiguration,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};
use std::time::Duration;

pub(super) struct Policy;

const STEP: &str = "step_scaling_policy_configuration";
const TRACKING: &str = "target_tracking_scaling_policy_configuration";

fn list(items: Vec<Value>) -> Value {
    Value::List(items.into())
}

fn one(item: Option<Value>) -> Value {
    list(item.into_iter().collect())
}

fn int(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

fn text(v: &Value, key: &str) -> Option<String> {
    sref(v, key).map(str::to_string)
}

/// A bound written as a string, as the AWS provider keeps it; an empty string is no bound.
fn bound(v: &Value, key: &str) -> Result<Option<f64>, ProviderError> {
    match sref(v, key) {
        None | Some("") => Ok(None),
        Some(s) => s.trim().parse().map(Some).map_err(|_| {
            invalid(format!(
                "{key} must be a number written as a string (\"1.5\"), not {s:?}"
            ))
        }),
    }
}

fn step_config(block: &Value) -> Result<StepScalingPolicyConfiguration, ProviderError> {
    let mut adjustments = Vec::new();
    for a in block_items(block, "step_adjustment") {
        adjustments.push(
            StepAdjustment::builder()
                .set_metric_interval_lower_bound(bound(&a, "metric_interval_lower_bound")?)
                .set_metric_interval_upper_bound(bound(&a, "metric_interval_upper_bound")?)
                .set_scaling_adjustment(int(&a, "scaling_adjustment"))
                .build()
                .map_err(|e| invalid(format!("step_adjustment: {e}")))?,
        );
    }
    Ok(StepScalingPolicyConfiguration::builder()
        .set_adjustment_type(sref(block, "adjustment_type").map(AdjustmentType::from))
        .set_cooldown(int(block, "cooldown"))
        .set_metric_aggregation_type(sref(block, "metric_aggregation_type").map(MetricAggregationType::from))
        .set_min_adjustment_magnitude(int(block, "min_adjustment_magnitude"))
        .set_step_adjustments((!adjustments.is_empty()).then_some(adjustments))
        .build())
}

fn step_value(c: &StepScalingPolicyConfiguration) -> Value {
    let adjustments = c
        .step_adjustments()
        .iter()
        .map(|a| {
            map([
                (
                    "metric_interval_lower_bound",
                    a.metric_interval_lower_bound().map(go_g).into(),
                ),
                (
                    "metric_interval_upper_bound",
                    a.metric_interval_upper_bound().map(go_g).into(),
                ),
                ("scaling_adjustment", i64::from(a.scaling_adjustment()).into()),
            ])
        })
        .collect();
    map([
        ("adjustment_type", c.adjustment_type().map(|t| t.as_str()).into()),
        ("cooldown", c.cooldown().map(i64::from).into()),
        (
            "metric_aggregation_type",
            c.metric_aggregation_type().map(|t| t.as_str()).into(),
        ),
        (
            "min_adjustment_magnitude",
            c.min_adjustment_magnitude().map(i64::from).into(),
        ),
        ("step_adjustment", list(adjustments)),
    ])
}

fn dimension_pairs(v: &Value) -> Vec<(String, String)> {
    block_items(v, "dimensions")
        .iter()
        .filter_map(|d| Some((text(d, "name")?, text(d, "value")?)))
        .collect()
}

fn dimensions_value(pairs: impl Iterator<Item = (String, String)>) -> Value {
    list(
        pairs
            .map(|(n, v)| map([("name", Value::string(n)), ("value", Value::string(v))]))
            .collect(),
    )
}

fn query(q: &Value) -> Result<TargetTrackingMetricDataQuery, ProviderError> {
    let stat = first_block(q, "metric_stat");
    let metric_stat = if stat.is_null() {
        None
    } else {
        let metric = first_block(&stat, "metric");
        let mut dims = Vec::new();
        for (name, value) in dimension_pairs(&metric) {
            dims.push(
                TargetTrackingMetricDimension::builder()
                    .name(name)
                    .value(value)
                    .build()
                    .map_err(|e| invalid(format!("metric dimensions: {e}")))?,
            );
        }
        Some(
            TargetTrackingMetricStat::builder()
                .metric(
                    TargetTrackingMetric::builder()
                        .set_metric_name(text(&metric, "metric_name"))
                        .set_namespace(text(&metric, "namespace"))
                        .set_dimensions((!dims.is_empty()).then_some(dims))
                        .build(),
                )
                .set_stat(text(&stat, "stat"))
                .set_unit(text(&stat, "unit"))
                .build()
                .map_err(|e| invalid(format!("metric_stat: {e}")))?,
        )
    };
    TargetTrackingMetricDataQuery::builder()
        .set_id(text(q, "id"))
        .set_expression(text(q, "expression"))
        .set_label(text(q, "label"))
        .set_return_data(q.get("return_data").as_bool())
        .set_metric_stat(metric_stat)
        .build()
        .map_err(|e| invalid(format!("metrics: {e}")))
}

fn query_value(q: &TargetTrackingMetricDataQuery) -> Value {
    let stat = q.metric_stat().map(|s| {
        let metric = s.metric().map(|m| {
            map([
                ("metric_name", m.metric_name().into()),
                ("namespace", m.namespace().into()),
                (
                    "dimensions",
                    dimensions_value(
                        m.dimensions()
                            .iter()
                            .map(|d| (d.name().to_string(), d.value().to_string())),
                    ),
                ),
            ])
        });
        map([
            ("stat", Value::string(s.stat())),
            ("unit", s.unit().into()),
            ("metric", one(metric)),
        ])
    });
    map([
        ("id", Value::string(q.id())),
        ("expression", q.expression().into()),
        ("label", q.label().into()),
        ("return_data", Value::Bool(q.return_data().unwrap_or(true))),
        ("metric_stat", one(stat)),
    ])
}

fn tracking_config(block: &Value) -> Result<TargetTrackingScalingPolicyConfiguration, ProviderError> {
    let predefined = first_block(block, "predefined_metric_specification");
    let predefined = if predefined.is_null() {
        None
    } else {
        Some(
            PredefinedMetricSpecification::builder()
                .set_predefined_metric_type(sref(&predefined, "predefined_metric_type").map(MetricType::from))
                .set_resource_label(text(&predefined, "resource_label"))
                .build()
                .map_err(|e| invalid(format!("predefined_metric_specification: {e}")))?,
        )
    };
    let custom = first_block(block, "customized_metric_specification");
    let custom = if custom.is_null() {
        None
    } else {
        let mut dims = Vec::new();
        for (name, value) in dimension_pairs(&custom) {
            dims.push(
                MetricDimension::builder()
                    .name(name)
                    .value(value)
                    .build()
                    .map_err(|e| invalid(format!("dimensions: {e}")))?,
            );
        }
        let metrics = block_items(&custom, "metrics")
            .iter()
            .map(query)
            .collect::<Result<Vec<_>, _>>()?;
        Some(
            CustomizedMetricSpecification::builder()
                .set_metric_name(text(&custom, "metric_name"))
                .set_namespace(text(&custom, "namespace"))
                .set_statistic(sref(&custom, "statistic").map(MetricStatistic::from))
                .set_unit(text(&custom, "unit"))
                .set_dimensions((!dims.is_empty()).then_some(dims))
                .set_metrics((!metrics.is_empty()).then_some(metrics))
                .build(),
        )
    };
    TargetTrackingScalingPolicyConfiguration::builder()
        .set_target_value(block.get("target_value").as_f64())
        .set_disable_scale_in(block.get("disable_scale_in").as_bool())
        .set_scale_in_cooldown(int(block, "scale_in_cooldown"))
        .set_scale_out_cooldown(int(block, "scale_out_cooldown"))
        .set_predefined_metric_specification(predefined)
        .set_customized_metric_specification(custom)
        .build()
        .map_err(|e| invalid(format!("{TRACKING}: {e}")))
}

fn tracking_value(c: &TargetTrackingScalingPolicyConfiguration) -> Value {
    let predefined = c.predefined_metric_specification().map(|p| {
        map([
            (
                "predefined_metric_type",
                Value::string(p.predefined_metric_type().as_str()),
            ),
            ("resource_label", p.resource_label().into()),
        ])
    });
    let custom = c.customized_metric_specification().map(|m| {
        map([
            ("metric_name", m.metric_name().into()),
            ("namespace", m.namespace().into()),
            ("statistic", m.statistic().map(|s| s.as_str()).into()),
            ("unit", m.unit().into()),
            (
                "dimensions",
                dimensions_value(
                    m.dimensions()
                        .iter()
                        .map(|d| (d.name().to_string(), d.value().to_string())),
                ),
            ),
            ("metrics", list(m.metrics().iter().map(query_value).collect())),
        ])
    });
    map([
        ("target_value", c.target_value().into()),
        ("disable_scale_in", Value::Bool(c.disable_scale_in().unwrap_or(false))),
        ("scale_in_cooldown", c.scale_in_cooldown().map(i64::from).into()),
        ("scale_out_cooldown", c.scale_out_cooldown().map(i64::from).into()),
        ("predefined_metric_specification", one(predefined)),
        ("customized_metric_specification", one(custom)),
    ])
}

fn describe(ctx: &Ctx, key: &Key, name: &str) -> Result<Option<ScalingPolicy>, ProviderError> {
    let op = format!("reading Application Auto Scaling Policy ({name})");
    let out = call(
        ctx,
        &op,
        ctx.autoscaling
            .describe_scaling_policies()
            .policy_names(name)
            .service_namespace(ServiceNamespace::from(key.namespace.as_str()))
            .resource_id(&key.resource_id)
            .scalable_dimension(ScalableDimension::from(key.dimension.as_str()))
            .send(),
    );
    let out = match out {
        Err(e) if not_there(&e) => return Ok(None),
        other => other?,
    };
    Ok(out
        .scaling_policies()
        .iter()
        .find(|p| p.policy_name() == name && p.scalable_dimension().as_str() == key.dimension)
        .cloned())
}

impl Policy {
    fn fetch(&self, ctx: &Ctx, key: &Key, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(p) = describe(ctx, key, name)? else {
            return Ok(None);
        };
        let mut st: State = into_state(prior);
        st.put("id", name);
        st.put("name", name);
        st.put("arn", p.policy_arn());
        st.put("policy_type", p.policy_type().as_str());
        st.put("service_namespace", p.service_namespace().as_str());
        st.put("resource_id", p.resource_id());
        st.put("scalable_dimension", p.scalable_dimension().as_str());
        st.put(
            "alarm_arns",
            list(p.alarms().iter().map(|a| Value::string(a.alarm_arn())).collect()),
        );
        st.put(STEP, one(p.step_scaling_policy_configuration().map(step_value)));
        st.put(
            TRACKING,
            one(p.target_tracking_scaling_policy_configuration().map(tracking_value)),
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, key: &Key, name: &str, planned: &Value) -> Result<(), ProviderError> {
        let step = first_block(planned, STEP);
        let step = if step.is_null() {
            None
        } else {
            Some(step_config(&step)?)
        };
        let tracking = first_block(planned, TRACKING);
        let tracking = if tracking.is_null() {
            None
        } else {
            Some(tracking_config(&tracking)?)
        };
        let op = format!("putting Application Auto Scaling Policy ({name})");
        // The target registered a moment before, or the role it uses, may not be known yet.
        Waiter::new(op.clone(), Duration::from_secs(120)).retry(
            |e| e.code == "FailedResourceAccessException" || e.code == "ObjectNotFoundException",
            || {
                call(
                    ctx,
                    &op,
                    ctx.autoscaling
                        .put_scaling_policy()
                        .policy_name(name)
                        .service_namespace(ServiceNamespace::from(key.namespace.as_str()))
                        .resource_id(&key.resource_id)
                        .scalable_dimension(ScalableDimension::from(key.dimension.as_str()))
                        .set_policy_type(sref(planned, "policy_type").map(PolicyType::from))
                        .set_step_scaling_policy_configuration(step.clone())
                        .set_target_tracking_scaling_policy_configuration(tracking.clone())
                        .send(),
                )
                .map(drop)
            },
        )
    }
}

fn parts(value: &Value) -> Option<(Key, String)> {
    Some((Key::of(value)?, sref(value, "name")?.to_string()))
}

/// The parts of an import ID `SERVICE_NAMESPACE/RESOURCE_ID/SCALABLE_DIMENSION/POLICY_NAME`,
/// where the resource ID holds `/`: as the AWS provider splits it, DynamoDB's resource IDs are
/// `table/T` or `table/T/index/I`, Kafka's `cluster/NAME/UUID`, others all but the last two parts.
fn import_parts(id: &str) -> Option<(Key, String)> {
    let p: Vec<&str> = id.split('/').collect();
    if p.len() < 4 {
        return None;
    }
    let dimension_at = match p[0] {
        "dynamodb" if p[3] == "index" => 5,
        "dynamodb" => 3,
        "kafka" => 4,
        _ => p.len() - 2,
    };
    if dimension_at >= p.len() {
        return None;
    }
    let name = match p[0] {
        "dynamodb" | "kafka" => p[dimension_at + 1..].join("/"),
        _ => p[p.len() - 1].to_string(),
    };
    let key = Key {
        namespace: p[0].to_string(),
        resource_id: p[1..dimension_at].join("/"),
        dimension: p[dimension_at].to_string(),
    };
    let empty = key.namespace.is_empty() || key.resource_id.is_empty() || key.dimension.is_empty();
    (!empty && !name.is_empty()).then_some((key, name))
}

impl ResourceType for Policy {
    fn type_name(&self) -> &'static str {
        "aws_appautoscaling_policy"
    }

    fn schema(&self) -> Schema {
        let dimensions = || {
            Schema::new()
                .attr("name", Attribute::required(Type::String))
                .attr("value", Attribute::required(Type::String))
        };
        let adjustment = Schema::new()
            .attr("metric_interval_lower_bound", Attribute::optional(Type::String))
            .attr("metric_interval_upper_bound", Attribute::optional(Type::String))
            .attr("scaling_adjustment", Attribute::required(Type::Number));
        let step = Schema::new()
            .attr(
                "adjustment_type",
                Attribute::optional(Type::String).one_of(&[
                    "ChangeInCapacity",
                    "ExactCapacity",
                    "PercentChangeInCapacity",
                ]),
            )
            .attr("cooldown", Attribute::optional(Type::Number))
            .attr(
                "metric_aggregation_type",
                Attribute::optional(Type::String).one_of(&["Minimum", "Maximum", "Average"]),
            )
            .attr("min_adjustment_magnitude", Attribute::optional(Type::Number))
            .block("step_adjustment", Nesting::Set, adjustment);
        let metric = Schema::new()
            .attr("metric_name", Attribute::required(Type::String))
            .attr("namespace", Attribute::required(Type::String))
            .block("dimensions", Nesting::Set, dimensions());
        let metric_stat = Schema::new()
            .attr("stat", Attribute::required(Type::String))
            .attr("unit", Attribute::optional(Type::String))
            .block_min("metric", Nesting::Single, metric, 1);
        let metrics = Schema::new()
            .attr("id", Attribute::required(Type::String))
            .attr("expression", Attribute::optional(Type::String))
            .attr("label", Attribute::optional(Type::String))
            .attr("return_data", Attribute::optional(Type::Bool))
            .block("metric_stat", Nesting::Single, metric_stat);
        let custom = Schema::new()
            .attr("metric_name", Attribute::optional(Type::String))
            .attr("namespace", Attribute::optional(Type::String))
            .attr(
                "statistic",
                Attribute::optional(Type::String).one_of(&["Average", "Minimum", "Maximum", "SampleCount", "Sum"]),
            )
            .attr("unit", Attribute::optional(Type::String))
            .block("dimensions", Nesting::Set, dimensions())
            .block("metrics", Nesting::Set, metrics);
        let predefined = Schema::new()
            .attr("predefined_metric_type", Attribute::required(Type::String))
            .attr("resource_label", Attribute::optional(Type::String));
        let tracking = Schema::new()
            .attr("target_value", Attribute::required(Type::Number))
            .attr("disable_scale_in", Attribute::optional(Type::Bool))
            .attr("scale_in_cooldown", Attribute::optional(Type::Number))
            .attr("scale_out_cooldown", Attribute::optional(Type::Number))
            .block("customized_metric_specification", Nesting::Single, custom)
            .block("predefined_metric_specification", Nesting::Single, predefined);
        Schema::new()
            .attr("name", Attribute::required(Type::String).force_new())
            .attr("resource_id", Attribute::required(Type::String).force_new())
            .attr("scalable_dimension", Attribute::required(Type::String).force_new())
            .attr("service_namespace", Attribute::required(Type::String).force_new())
            .attr("policy_type", Attribute::optional(Type::String))
            .block(STEP, Nesting::Single, step)
            .block(TRACKING, Nesting::Single, tracking)
            .attr("alarm_arns", Attribute::computed(Type::List(Box::new(Type::String))))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = sref(config, "name") {
            if name.is_empty() || name.len() > 255 {
                out.push(problem("name", "a policy's name is 1 to 255 characters"));
            }
        }
        let kind = sref(config, "policy_type").unwrap_or("StepScaling");
        if config.get("policy_type").is_unknown() {
            return out;
        }
        if !first_block(config, STEP).is_null() && kind != "StepScaling" {
            out.push(problem(
                STEP,
                format!("{STEP} is for policy_type = \"StepScaling\" (this policy is {kind:?})"),
            ));
        }
        let tracking = first_block(config, TRACKING);
        if !tracking.is_null() && kind != "TargetTrackingScaling" {
            out.push(problem(
                TRACKING,
                format!("{TRACKING} needs policy_type = \"TargetTrackingScaling\""),
            ));
        }
        let custom = first_block(&tracking, "customized_metric_specification");
        if !custom.is_null() && !first_block(&tracking, "predefined_metric_specification").is_null() {
            out.push(problem(
                TRACKING,
                "customized_metric_specification and predefined_metric_specification cannot both be set: keep one",
            ));
        }
        if !block_items(&custom, "metrics").is_empty() {
            for key in ["metric_name", "namespace", "statistic", "unit"] {
                if !custom.get(key).is_null() {
                    out.push(problem(
                        TRACKING,
                        format!("customized_metric_specification: {key} cannot be used with metrics: give it in a metric_stat"),
                    ));
                }
            }
        }
        for a in block_items(&first_block(config, STEP), "step_adjustment") {
            for key in ["metric_interval_lower_bound", "metric_interval_upper_bound"] {
                if let Err(e) = bound(&a, key) {
                    out.push(problem(STEP, e.message));
                }
            }
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        crate::support::attrs::default_to(&mut st, "policy_type", Value::string("StepScaling"));
        // Defaults of the nested blocks, as the AWS provider's schema has them.
        if !proposed.get(TRACKING).is_unknown() {
            st.put(
                TRACKING,
                list(block_items(&proposed, TRACKING).iter().map(tracking_defaults).collect()),
            );
        }
        st.put("id", proposed.get("name"));
        // A put that changes the policy may give it new alarms (target tracking makes its
        // own) and, in the emulator, a new ARN: both are known after it.
        let changed = |p: &Value| {
            [STEP, TRACKING, "policy_type"]
                .iter()
                .any(|k| pruned(&p.get(k)) != pruned(st.get(*k).unwrap_or(&Value::Null)))
        };
        if prior.is_none_or(changed) {
            st.insert("arn".into(), Value::UNKNOWN);
            st.insert("alarm_arns".into(), Value::UNKNOWN);
        }
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some((key, name)) = parts(planned) else {
            return ApplyOutcome::failed(invalid(
                "creating Application Auto Scaling Policy: name, service_namespace, resource_id and scalable_dimension must be known",
            ));
        };
        (step.intent)(&format!(
            "{}/{}/{}/{name}",
            key.namespace, key.resource_id, key.dimension
        ));
        if let Err(e) = self.put(ctx, &key, &name, planned) {
            return ApplyOutcome::failed(e);
        }
        created_outcome(
            &self.schema(),
            planned,
            &[("id", Value::string(&name))],
            self.fetch(ctx, &key, &name, planned),
            || {
                ProviderError::new(
                    "ObjectNotFoundException",
                    format!("Application Auto Scaling Policy ({name}) is gone after its create"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let Some((key, name)) = parts(prior) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating Application Auto Scaling Policy: the prior state has no key"),
            );
        };
        let result = self.put(ctx, &key, &name, planned);
        update_outcome(prior, result, self.fetch(ctx, &key, &name, planned), || {
            ProviderError::new(
                "ObjectNotFoundException",
                format!("Application Auto Scaling Policy ({name}) is gone"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some((key, name)) = parts(prior) else {
            return Ok(());
        };
        let op = format!("deleting Application Auto Scaling Policy ({name})");
        let sent = Waiter::new(op.clone(), Duration::from_secs(120)).retry(
            |e| e.code == "FailedResourceAccessException",
            || {
                call(
                    ctx,
                    &op,
                    ctx.autoscaling
                        .delete_scaling_policy()
                        .policy_name(&name)
                        .service_namespace(ServiceNamespace::from(key.namespace.as_str()))
                        .resource_id(&key.resource_id)
                        .scalable_dimension(ScalableDimension::from(key.dimension.as_str()))
                        .send(),
                )
            },
        );
        match sent {
            Err(e) if not_there(&e) || e.message.contains("No scaling policy found") => Ok(()),
            other => other.map(drop),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        match parts(prior) {
            Some((key, name)) => self.fetch(ctx, &key, &name, prior),
            None => Ok(None),
        }
    }

    /// Import ID: `SERVICE_NAMESPACE/RESOURCE_ID/SCALABLE_DIMENSION/POLICY_NAME`.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((key, name)) = import_parts(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "import ID {id:?} of aws_appautoscaling_policy: write it as SERVICE_NAMESPACE/RESOURCE_ID/SCALABLE_DIMENSION/POLICY_NAME (dynamodb/table/orders/dynamodb:table:ReadCapacityUnits/reads)"
                ),
            ));
        };
        self.fetch(ctx, &key, &name, &Value::Null)
    }
}

/// A block without its null attributes and empty blocks, to compare what was configured
/// with what was read (which holds every attribute).
fn pruned(v: &Value) -> Value {
    match v {
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), pruned(v)))
                .filter(|(_, v)| !v.is_null() && v.as_list().is_none_or(|l| !l.is_empty()))
                .collect::<std::collections::BTreeMap<_, _>>()
                .into(),
        ),
        Value::List(items) => Value::List(items.iter().map(pruned).collect::<Vec<_>>().into()),
        other => other.clone(),
    }
}

/// A tracking block with `disable_scale_in` false and each customized query's `return_data`
/// true where the configuration leaves them out.
fn tracking_defaults(block: &Value) -> Value {
    let block = with_default(block, "disable_scale_in", Value::Bool(false));
    if block.is_unknown() || block.get("customized_metric_specification").contains_unknown() {
        return block;
    }
    let custom: Vec<Value> = block_items(&block, "customized_metric_specification")
        .iter()
        .map(|c| {
            let metrics = block_items(c, "metrics")
                .iter()
                .map(|q| with_default(q, "return_data", Value::Bool(true)))
                .collect();
            let mut c = into_state(c);
            if !c.get("metrics").is_none_or(Value::is_null) {
                c.insert("metrics".into(), list(metrics));
            }
            Value::Map(c.into())
        })
        .collect();
    let mut m = into_state(&block);
    if !m.get("customized_metric_specification").is_none_or(Value::is_null) {
        m.insert("customized_metric_specification".into(), list(custom));
    }
    Value::Map(m.into())
}

#[cfg(test)]
mod tests {
    use super::import_parts;

    #[test]
    fn import_ids_split_as_the_aws_provider_splits_them() {
        let cases = [
            (
                "dynamodb/table/orders/dynamodb:table:ReadCapacityUnits/reads",
                ("dynamodb", "table/orders", "dynamodb:table:ReadCapacityUnits", "reads"),
            ),
            (
                "dynamodb/table/orders/index/by-day/dynamodb:index:WriteCapacityUnits/a/b",
                (
                    "dynamodb",
                    "table/orders/index/by-day",
                    "dynamodb:index:WriteCapacityUnits",
                    "a/b",
                ),
            ),
            (
                "ecs/service/cluster/web/ecs:service:DesiredCount/cpu",
                ("ecs", "service/cluster/web", "ecs:service:DesiredCount", "cpu"),
            ),
            (
                "kafka/cluster/c1/uuid-1/kafka:broker-storage:VolumeSize/grow",
                ("kafka", "cluster/c1/uuid-1", "kafka:broker-storage:VolumeSize", "grow"),
            ),
        ];
        for (id, (ns, rid, dim, name)) in cases {
            let (key, n) = import_parts(id).expect(id);
            assert_eq!(
                (
                    key.namespace.as_str(),
                    key.resource_id.as_str(),
                    key.dimension.as_str(),
                    n.as_str()
                ),
                (ns, rid, dim, name),
                "{id}"
            );
        }
        assert!(import_parts("dynamodb/table/orders").is_none());
        assert!(import_parts("dynamodb/table/orders/dim").is_none());
    }
}
