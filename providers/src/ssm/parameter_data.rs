//! `data "aws_ssm_parameter"`: a parameter's value (sensitive; `insecure_value` in clear for a
//! String or StringList, as the Terraform AWS provider has it).

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ParameterData;

impl DataType for ParameterData {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("with_decryption", Attribute::optional(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("type", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String).sensitive())
            .attr("insecure_value", Attribute::computed(Type::String))
            .attr("version", Attribute::computed(Type::Number))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").unwrap_or_default().to_string();
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        let out = crate::support::error::found(call(
            ctx,
            &format!("reading SSM Parameter ({name})"),
            ctx.ssm.get_parameter().name(&name).with_decryption(decrypt).send(),
        ))?
        .and_then(|o| o.parameter().cloned())
        .ok_or_else(|| ProviderError::new("ParameterNotFound", format!("no SSM parameter {name:?}")))?;
        let kind = out.r#type().map(|t| t.as_str().to_string()).unwrap_or_default();
        let value = out.value().unwrap_or_default().to_string();
        let mut st = State::new();
        st.insert("name".into(), Value::string(&name));
        st.insert("with_decryption".into(), Value::Bool(decrypt));
        st.insert("id".into(), Value::string(&name));
        st.insert("arn".into(), out.arn().map(Value::string).unwrap_or(Value::Null));
        st.insert("type".into(), Value::string(&kind));
        st.insert("value".into(), Value::string(&value).mark_sensitive());
        st.insert(
            "insecure_value".into(),
            if kind == "SecureString" {
                Value::Null
            } else {
                Value::string(&value)
            },
        );
        st.insert("version".into(), Value::Number((out.version() as f64).into()));
        Ok(finish(&self.schema(), st))
    }
}
