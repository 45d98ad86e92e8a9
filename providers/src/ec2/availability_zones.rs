//! `data "aws_availability_zones"`: the zones of the provider's region.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{block_items, call, finish, set_of_strings, string_set};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Nesting, Schema, Type};
use engine::core::value::Value;

pub(super) struct AvailabilityZones;

const ZONE_STATES: &[&str] = &["available", "information", "impaired", "unavailable"];

impl DataType for AvailabilityZones {
    fn type_name(&self) -> &'static str {
        "aws_availability_zones"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("all_availability_zones", Attribute::optional(Type::Bool))
            .attr("exclude_names", Attribute::optional(set_of_strings()))
            .attr("exclude_zone_ids", Attribute::optional(set_of_strings()))
            .attr("state", Attribute::optional(Type::String).one_of(ZONE_STATES))
            .block(
                "filter",
                Nesting::Set,
                Schema::new()
                    .attr("name", Attribute::required(Type::String))
                    .attr("values", Attribute::required(set_of_strings())),
            )
            .attr("group_names", Attribute::computed(set_of_strings()))
            .attr("names", Attribute::computed(Type::List(Box::new(Type::String))))
            .attr("zone_ids", Attribute::computed(Type::List(Box::new(Type::String))))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let mut request = ctx
            .ec2
            .describe_availability_zones()
            .set_all_availability_zones(config.get("all_availability_zones").as_bool());
        for filter in block_items(config, "filter") {
            request = request.filters(
                aws_sdk_ec2::types::Filter::builder()
                    .set_name(filter.get("name").as_str().map(str::to_string))
                    .set_values(Some(string_set(&filter.get("values"))))
                    .build(),
            );
        }
        if let Some(state) = config.get("state").as_str() {
            request = request.filters(
                aws_sdk_ec2::types::Filter::builder()
                    .name("state")
                    .values(state)
                    .build(),
            );
        }
        let op = format!("reading EC2 Availability Zones ({})", ctx.region);
        let out = call(ctx, &op, request.send())?;
        let excluded_names = string_set(&config.get("exclude_names"));
        let excluded_ids = string_set(&config.get("exclude_zone_ids"));
        let mut zones: Vec<(String, String, String)> = out
            .availability_zones()
            .iter()
            .filter_map(|z| {
                Some((
                    z.zone_name()?.to_string(),
                    z.zone_id().unwrap_or_default().to_string(),
                    z.group_name().unwrap_or_default().to_string(),
                ))
            })
            .filter(|(name, id, _)| !excluded_names.contains(name) && !excluded_ids.contains(id))
            .collect();
        // Sorted by name, as Terraform returns them.
        zones.sort();
        let mut groups: Vec<String> = zones
            .iter()
            .map(|(_, _, g)| g.clone())
            .filter(|g| !g.is_empty())
            .collect();
        groups.sort();
        groups.dedup();
        let list = |items: Vec<String>| Value::List(items.into_iter().map(Value::from).collect());
        let mut m = config.deep_unmark().as_map().cloned().unwrap_or_default();
        m.insert("names".into(), list(zones.iter().map(|(n, _, _)| n.clone()).collect()));
        m.insert(
            "zone_ids".into(),
            list(zones.iter().map(|(_, i, _)| i.clone()).collect()),
        );
        m.insert("group_names".into(), list(groups));
        m.insert("id".into(), Value::from(ctx.region.as_str()));
        Ok(finish(&self.schema(), m))
    }
}
