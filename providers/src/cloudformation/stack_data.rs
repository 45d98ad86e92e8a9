//! data "aws_cloudformation_stack".

use crate::cloudformation::{describe_stack, set_state, status_of, STACK};
use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, invalid, map_of_strings, map_value, set_of_strings, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// `data "aws_cloudformation_stack"`: outputs, parameters and settings of an existing stack.
pub(super) struct StackData;

impl DataType for StackData {
    fn type_name(&self) -> &'static str {
        STACK
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("capabilities", Attribute::computed(set_of_strings()))
            .attr("description", Attribute::computed(Type::String))
            .attr("disable_rollback", Attribute::computed(Type::Bool))
            .attr("notification_arns", Attribute::computed(set_of_strings()))
            .attr("outputs", Attribute::computed(map_of_strings()))
            .attr("parameters", Attribute::computed(map_of_strings()))
            .attr("tags", Attribute::computed(map_of_strings()))
            .attr("template_body", Attribute::computed(Type::String))
            .attr("timeout_in_minutes", Attribute::computed(Type::Number))
            .attr("iam_role_arn", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").ok_or_else(|| invalid("data.aws_cloudformation_stack: name is required"))?;
        let stack = describe_stack(ctx, name)?
            .filter(|s| status_of(s) != "DELETE_COMPLETE")
            .ok_or_else(|| {
                ProviderError::new(
                    "NotFound",
                    format!(
                        "reading CloudFormation Stack ({name}): no stack with that name exists in {}",
                        ctx.region
                    ),
                )
            })?;
        let stack_id = stack.stack_id().unwrap_or(name).to_string();
        let template = call(
            ctx,
            &format!("reading the template of CloudFormation Stack ({name})"),
            ctx.cloudformation.get_template().stack_name(&stack_id).send(),
        )?;
        let pairs = |items: Vec<(Option<&str>, Option<&str>)>| {
            map_value(
                &items
                    .into_iter()
                    .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
                    .collect(),
            )
        };
        let caps: Vec<String> = stack.capabilities().iter().map(|c| c.as_str().to_string()).collect();
        let mut st = State::new();
        st.insert("name".into(), Value::string(name));
        st.insert("id".into(), Value::string(&stack_id));
        st.insert("capabilities".into(), set_state(&caps, &Value::List(Vec::new().into())));
        st.insert(
            "description".into(),
            stack.description().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "disable_rollback".into(),
            Value::Bool(stack.disable_rollback().unwrap_or(false)),
        );
        st.insert(
            "notification_arns".into(),
            set_state(stack.notification_arns(), &Value::List(Vec::new().into())),
        );
        st.insert(
            "outputs".into(),
            pairs(
                stack
                    .outputs()
                    .iter()
                    .map(|o| (o.output_key(), o.output_value()))
                    .collect(),
            ),
        );
        st.insert(
            "parameters".into(),
            pairs(
                stack
                    .parameters()
                    .iter()
                    .map(|p| (p.parameter_key(), p.parameter_value()))
                    .collect(),
            ),
        );
        st.insert(
            "tags".into(),
            pairs(stack.tags().iter().map(|t| (t.key(), t.value())).collect()),
        );
        st.insert(
            "template_body".into(),
            template.template_body().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "timeout_in_minutes".into(),
            stack
                .timeout_in_minutes()
                .map(|m| Value::Number(f64::from(m).into()))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "iam_role_arn".into(),
            stack.role_arn().map(Value::string).unwrap_or(Value::Null),
        );
        Ok(finish(&self.schema(), st))
    }
}
