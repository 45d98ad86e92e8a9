//! `data "aws_iam_role"`: an existing role by name, such as the role a stack created
//! (`RoleForInfinStorMlflowService-<subscriber>`) whose ARN a key policy must name.

use crate::iam::IamRole;
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{finish, map_of_strings, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct RoleData;

impl DataType for RoleData {
    fn type_name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("path", Attribute::computed(Type::String))
            .attr("description", Attribute::computed(Type::String))
            .attr("assume_role_policy", Attribute::computed(Type::String))
            .attr("max_session_duration", Attribute::computed(Type::Number))
            .attr("permissions_boundary", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("tags", Attribute::computed(map_of_strings()))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").unwrap_or_default().to_string();
        let Some(role) = IamRole.get_role(ctx, &name)? else {
            return Err(ProviderError::new(
                "NoSuchEntity",
                format!("no IAM role named {name:?} in this account; check the name (roles a stack creates exist once the stack is applied)"),
            ));
        };
        let read = IamRole.state(ctx, &role, &Value::Null);
        let mut st = State::new();
        for key in [
            "name",
            "id",
            "arn",
            "unique_id",
            "path",
            "description",
            "assume_role_policy",
            "max_session_duration",
            "permissions_boundary",
            "create_date",
            "tags",
        ] {
            st.insert(key.into(), read.get(key));
        }
        Ok(finish(&self.schema(), st))
    }
}
