//! `data "aws_iam_policy"`: an existing managed policy by ARN, or by name (within
//! `path_prefix`) — its document, ID, path and tags.

use crate::iam::policy::IamPolicy;
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, map_of_strings, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct PolicyData;

fn not_found(what: &str) -> ProviderError {
    ProviderError::new(
        "NoSuchEntity",
        format!("no IAM policy {what} in this account or AWS's managed policies"),
    )
}

impl PolicyData {
    /// The ARN of the one policy named `name` under `prefix`; more than one is an error that
    /// asks for the ARN.
    fn find(&self, ctx: &Ctx, name: &str, prefix: Option<&str>) -> Result<String, ProviderError> {
        let mut found: Vec<String> = Vec::new();
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing IAM policies",
                ctx.iam
                    .list_policies()
                    .set_path_prefix(prefix.map(str::to_string))
                    .set_marker(marker.clone())
                    .send(),
            )?;
            found.extend(
                page.policies()
                    .iter()
                    .filter(|p| p.policy_name() == Some(name))
                    .filter_map(|p| p.arn().map(str::to_string)),
            );
            marker = page.marker().map(str::to_string);
            if !page.is_truncated() || marker.is_none() {
                break;
            }
        }
        match found.len() {
            0 => Err(not_found(&format!("is named {name:?}"))),
            1 => Ok(found.remove(0)),
            n => Err(ProviderError::new(
                "MultiplePolicies",
                format!("{n} IAM policies are named {name:?}: give its arn (or a path_prefix that leaves one)"),
            )),
        }
    }
}

impl DataType for PolicyData {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("path_prefix", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional_computed(map_of_strings()))
            .attr("attachment_count", Attribute::computed(Type::Number))
            .attr("description", Attribute::computed(Type::String))
            .attr("path", Attribute::computed(Type::String))
            .attr("policy", Attribute::computed(Type::String))
            .attr("policy_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let config = config.deep_unmark();
        let arn = match (sref(&config, "arn"), sref(&config, "name")) {
            (Some(arn), _) => arn.to_string(),
            (None, Some(name)) => self.find(ctx, name, sref(&config, "path_prefix"))?,
            (None, None) => {
                return Err(crate::support::attrs::invalid(
                    "give the policy's arn or its name (with path_prefix to narrow it)",
                ))
            }
        };
        let read = IamPolicy
            .fetch(ctx, &arn, &Value::Null)?
            .ok_or_else(|| not_found(&format!("has the ARN {arn:?}")))?;
        let mut st = State::new();
        for key in ["arn", "id", "name", "path", "policy", "policy_id", "attachment_count"] {
            st.insert(key.into(), read.get(key));
        }
        st.insert(
            "description".into(),
            Value::string(read.get("description").as_str().unwrap_or_default()),
        );
        st.insert("tags".into(), read.get("tags_all"));
        st.insert("path_prefix".into(), config.get("path_prefix"));
        Ok(finish(&self.schema(), st))
    }
}
