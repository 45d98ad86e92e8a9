//! A target's `ecs_target` block: the ECS task a rule runs, as EventBridge's EcsParameters.

use crate::support::attrs::{
    block_items, first_block, invalid, is_set, map_of_strings, map_value, problem, set_of_strings, sref, string_map,
    string_set, with_default,
};
use aws_sdk_eventbridge::types::{
    AssignPublicIp, AwsVpcConfiguration, CapacityProviderStrategyItem, EcsParameters, LaunchType, NetworkConfiguration,
    PlacementConstraint, PlacementConstraintType, PlacementStrategy, PlacementStrategyType, PropagateTags, Tag,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::{map, Value};

pub(super) const BLOCK: &str = "ecs_target";

/// The block's schema, as the AWS provider has it.
pub(super) fn schema() -> Schema {
    let network = Schema::new()
        .attr("subnets", Attribute::required(set_of_strings()))
        .attr("security_groups", Attribute::optional(set_of_strings()))
        .attr("assign_public_ip", Attribute::optional(Type::Bool));
    let strategy_item = Schema::new()
        .attr("capacity_provider", Attribute::required(Type::String))
        .attr("weight", Attribute::optional(Type::Number))
        .attr("base", Attribute::optional(Type::Number));
    let constraint = Schema::new()
        .attr(
            "type",
            Attribute::required(Type::String).one_of(&["memberOf", "distinctInstance"]),
        )
        .attr("expression", Attribute::optional(Type::String));
    let placement = Schema::new()
        .attr(
            "type",
            Attribute::required(Type::String).one_of(&["random", "spread", "binpack"]),
        )
        .attr("field", Attribute::optional(Type::String));
    Schema::new()
        .attr("task_definition_arn", Attribute::required(Type::String))
        .attr("task_count", Attribute::optional(Type::Number))
        .attr("enable_ecs_managed_tags", Attribute::optional(Type::Bool))
        .attr("enable_execute_command", Attribute::optional(Type::Bool))
        .attr("group", Attribute::optional(Type::String))
        .attr(
            "launch_type",
            Attribute::optional(Type::String).one_of(&["EC2", "FARGATE", "EXTERNAL"]),
        )
        .attr("platform_version", Attribute::optional(Type::String))
        .attr(
            "propagate_tags",
            Attribute::optional(Type::String).one_of(&["TASK_DEFINITION"]),
        )
        .attr("tags", Attribute::optional(map_of_strings()))
        .block("network_configuration", Nesting::Single, network)
        .block("capacity_provider_strategy", Nesting::Set, strategy_item)
        .block("placement_constraint", Nesting::Set, constraint)
        .block("ordered_placement_strategy", Nesting::List, placement)
}

/// The limits the AWS provider checks at validate.
pub(super) fn validate(config: &Value) -> Vec<ValidateProblem> {
    let block = first_block(config, BLOCK);
    let mut out = Vec::new();
    if block_items(&block, "placement_constraint").len() > 10 {
        out.push(problem(
            BLOCK,
            "ecs_target takes at most 10 placement_constraint blocks",
        ));
    }
    if block_items(&block, "ordered_placement_strategy").len() > 5 {
        out.push(problem(
            BLOCK,
            "ecs_target takes at most 5 ordered_placement_strategy blocks",
        ));
    }
    if block.get("task_count").as_f64().is_some_and(|n| n < 1.0) {
        out.push(problem(BLOCK, "ecs_target's task_count is 1 or more"));
    }
    if is_set(&block.get("launch_type")) && !block_items(&block, "capacity_provider_strategy").is_empty() {
        out.push(problem(
            BLOCK,
            "ecs_target's launch_type and capacity_provider_strategy cannot be used together: keep one",
        ));
    }
    out
}

/// The block with the AWS provider's defaults where the configuration leaves them out.
pub(super) fn defaults(block: &Value) -> Value {
    let block = with_default(block, "task_count", Value::from(1i64));
    let block = with_default(&block, "enable_ecs_managed_tags", Value::Bool(false));
    let block = with_default(&block, "enable_execute_command", Value::Bool(false));
    if block.is_unknown() || block.get("network_configuration").contains_unknown() {
        return block;
    }
    let network: Vec<Value> = block_items(&block, "network_configuration")
        .iter()
        .map(|n| with_default(n, "assign_public_ip", Value::Bool(false)))
        .collect();
    let mut m = crate::support::attrs::into_state(&block);
    if !network.is_empty() {
        m.insert("network_configuration".into(), Value::List(network.into()));
    }
    Value::Map(m.into())
}

fn int(v: &Value, key: &str) -> Option<i32> {
    v.get(key).as_f64().map(|n| n as i32)
}

fn text(v: &Value, key: &str) -> Option<String> {
    sref(v, key).map(str::to_string)
}

fn built<T, E: std::fmt::Display>(r: Result<T, E>) -> Result<T, ProviderError> {
    r.map_err(|e| invalid(format!("{BLOCK}: {e}")))
}

/// EcsParameters of the block.
pub(super) fn parameters(block: &Value) -> Result<EcsParameters, ProviderError> {
    let network = first_block(block, "network_configuration");
    let network = if network.is_null() {
        None
    } else {
        let public = network.get("assign_public_ip").as_bool().unwrap_or(false);
        Some(
            NetworkConfiguration::builder()
                .awsvpc_configuration(built(
                    AwsVpcConfiguration::builder()
                        .set_subnets(Some(string_set(&network.get("subnets"))))
                        .set_security_groups(
                            Some(string_set(&network.get("security_groups"))).filter(|g| !g.is_empty()),
                        )
                        .assign_public_ip(if public {
                            AssignPublicIp::Enabled
                        } else {
                            AssignPublicIp::Disabled
                        })
                        .build(),
                )?)
                .build(),
        )
    };
    let mut strategy = Vec::new();
    for s in block_items(block, "capacity_provider_strategy") {
        strategy.push(built(
            CapacityProviderStrategyItem::builder()
                .set_capacity_provider(text(&s, "capacity_provider"))
                .weight(int(&s, "weight").unwrap_or(0))
                .base(int(&s, "base").unwrap_or(0))
                .build(),
        )?);
    }
    let constraints: Vec<PlacementConstraint> = block_items(block, "placement_constraint")
        .iter()
        .map(|c| {
            PlacementConstraint::builder()
                .set_type(sref(c, "type").map(PlacementConstraintType::from))
                .set_expression(text(c, "expression"))
                .build()
        })
        .collect();
    let placement: Vec<PlacementStrategy> = block_items(block, "ordered_placement_strategy")
        .iter()
        .map(|p| {
            PlacementStrategy::builder()
                .set_type(sref(p, "type").map(PlacementStrategyType::from))
                .set_field(text(p, "field"))
                .build()
        })
        .collect();
    let tags: Vec<Tag> = string_map(&block.get("tags"))
        .into_iter()
        .filter_map(|(k, v)| Tag::builder().key(k).value(v).build().ok())
        .collect();
    built(
        EcsParameters::builder()
            .set_task_definition_arn(text(block, "task_definition_arn"))
            .set_task_count(int(block, "task_count"))
            .set_launch_type(sref(block, "launch_type").map(LaunchType::from))
            .set_network_configuration(network)
            .set_platform_version(text(block, "platform_version"))
            .set_group(text(block, "group"))
            .set_capacity_provider_strategy((!strategy.is_empty()).then_some(strategy))
            .set_enable_ecs_managed_tags(block.get("enable_ecs_managed_tags").as_bool())
            .set_enable_execute_command(block.get("enable_execute_command").as_bool())
            .set_placement_constraints((!constraints.is_empty()).then_some(constraints))
            .set_placement_strategy((!placement.is_empty()).then_some(placement))
            .set_propagate_tags(sref(block, "propagate_tags").map(PropagateTags::from))
            .set_tags((!tags.is_empty()).then_some(tags))
            .build(),
    )
}

/// The block as EventBridge has it.
pub(super) fn value(e: &EcsParameters) -> Value {
    let strings = |items: &[String]| {
        if items.is_empty() {
            Value::Null
        } else {
            crate::support::attrs::set_value(items)
        }
    };
    let network = e
        .network_configuration()
        .and_then(|n| n.awsvpc_configuration())
        .map(|a| {
            map([
                ("subnets", strings(a.subnets())),
                ("security_groups", strings(a.security_groups())),
                (
                    "assign_public_ip",
                    Value::Bool(a.assign_public_ip() == Some(&AssignPublicIp::Enabled)),
                ),
            ])
        });
    let tags: std::collections::BTreeMap<String, String> = e
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect();
    map([
        ("task_definition_arn", Value::string(e.task_definition_arn())),
        ("task_count", e.task_count().map(i64::from).into()),
        ("enable_ecs_managed_tags", Value::Bool(e.enable_ecs_managed_tags())),
        ("enable_execute_command", Value::Bool(e.enable_execute_command())),
        ("group", e.group().into()),
        ("launch_type", e.launch_type().map(|l| l.as_str()).into()),
        ("platform_version", e.platform_version().into()),
        ("propagate_tags", e.propagate_tags().map(|p| p.as_str()).into()),
        ("tags", if tags.is_empty() { Value::Null } else { map_value(&tags) }),
        (
            "network_configuration",
            Value::List(network.into_iter().collect::<Vec<_>>().into()),
        ),
        (
            "capacity_provider_strategy",
            Value::List(
                e.capacity_provider_strategy()
                    .iter()
                    .map(|s| {
                        map([
                            ("capacity_provider", Value::string(s.capacity_provider())),
                            ("weight", i64::from(s.weight()).into()),
                            ("base", i64::from(s.base()).into()),
                        ])
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
        ),
        (
            "placement_constraint",
            Value::List(
                e.placement_constraints()
                    .iter()
                    .map(|c| {
                        map([
                            ("type", c.r#type().map(|t| t.as_str()).into()),
                            ("expression", c.expression().into()),
                        ])
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
        ),
        (
            "ordered_placement_strategy",
            Value::List(
                e.placement_strategy()
                    .iter()
                    .map(|p| {
                        map([
                            ("type", p.r#type().map(|t| t.as_str()).into()),
                            ("field", p.field().into()),
                        ])
                    })
                    .collect::<Vec<_>>()
                    .into(),
            ),
        ),
    ])
}
