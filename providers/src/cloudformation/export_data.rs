//! data "aws_cloudformation_export".

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, invalid, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// `data "aws_cloudformation_export"`: the value of a stack export, by export name.
pub(super) struct ExportData;

impl DataType for ExportData {
    fn type_name(&self) -> &'static str {
        "aws_cloudformation_export"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String))
            .attr("exporting_stack_id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").ok_or_else(|| invalid("data.aws_cloudformation_export: name is required"))?;
        let mut token: Option<String> = None;
        let mut count = 0usize;
        loop {
            let out = call(
                ctx,
                "listing CloudFormation exports",
                ctx.cloudformation.list_exports().set_next_token(token.clone()).send(),
            )?;
            for export in out.exports() {
                count += 1;
                if export.name() == Some(name) {
                    let mut st = State::new();
                    st.insert("name".into(), Value::string(name));
                    st.insert("value".into(), export.value().map(Value::string).unwrap_or(Value::Null));
                    let stack = export.exporting_stack_id().map(Value::string).unwrap_or(Value::Null);
                    st.insert("exporting_stack_id".into(), stack);
                    // Terraform's ID: the exporting stack's ID.
                    st.insert(
                        "id".into(),
                        export
                            .exporting_stack_id()
                            .map(Value::string)
                            .unwrap_or_else(|| Value::string(name)),
                    );
                    return Ok(finish(&self.schema(), st));
                }
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Err(ProviderError::new(
            "NotFound",
            format!(
                "reading CloudFormation export {name:?}: no stack in {} exports that name ({count} exports listed). \
                 Export names are case-sensitive and regional.",
                ctx.region
            ),
        ))
    }
}
