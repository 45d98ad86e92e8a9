//! `data "aws_cloudwatch_log_group"`: an existing log group by name — its ARN, retention, key,
//! class, creation time and tags.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, into_state, map_of_strings, map_value, Put};
use crate::support::error::found;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct LogGroupData;

impl DataType for LogGroupData {
    fn type_name(&self) -> &'static str {
        "aws_cloudwatch_log_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("tags", Attribute::optional_computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("creation_time", Attribute::computed(Type::Number))
            .attr("kms_key_id", Attribute::computed(Type::String))
            .attr("log_group_class", Attribute::computed(Type::String))
            .attr("retention_in_days", Attribute::computed(Type::Number))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let config = config.deep_unmark();
        let name = config.get("name").as_str().unwrap_or_default().to_string();
        let op = format!("reading CloudWatch Logs Log Group ({name})");
        let page = call(
            ctx,
            &op,
            ctx.logs.describe_log_groups().log_group_name_prefix(&name).send(),
        )?;
        let group = page
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name.as_str()))
            .ok_or_else(|| {
                ProviderError::new(
                    "ResourceNotFoundException",
                    format!("no CloudWatch Logs log group is named {name:?} in {}", ctx.region),
                )
            })?;
        // The group's ARN ends in `:*` (its streams); the AWS provider gives the group's own.
        let arn = group.arn().unwrap_or_default().trim_end_matches(":*").to_string();
        let tags: BTreeMap<String, String> = found(call(
            ctx,
            &op,
            ctx.logs.list_tags_for_resource().resource_arn(&arn).send(),
        ))?
        .and_then(|t| t.tags().cloned())
        .map(|t| t.into_iter().collect())
        .unwrap_or_default();
        let mut st = into_state(&config);
        st.put("id", name.as_str());
        st.put("arn", arn.as_str());
        st.put("creation_time", group.creation_time().unwrap_or(0));
        st.put("kms_key_id", group.kms_key_id().unwrap_or_default());
        st.put(
            "log_group_class",
            group.log_group_class().map(|c| c.as_str()).unwrap_or_default(),
        );
        st.put("retention_in_days", i64::from(group.retention_in_days().unwrap_or(0)));
        st.put("tags", map_value(&tags));
        Ok(finish(&self.schema(), st))
    }
}
