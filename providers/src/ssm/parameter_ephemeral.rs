//! `ephemeral "aws_ssm_parameter"`: a parameter's value by its ARN, for one plan or apply.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, into_state, Put, State};
use crate::support::error::found;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ParameterEphemeral;

impl DataType for ParameterEphemeral {
    fn type_name(&self) -> &'static str {
        "aws_ssm_parameter"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("arn", Attribute::required(Type::String))
            .attr("with_decryption", Attribute::optional_computed(Type::Bool))
            .attr("name", Attribute::computed(Type::String))
            .attr("type", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String).sensitive())
            .attr("version", Attribute::computed(Type::Number))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let arn = config.get("arn").as_str().unwrap_or_default().to_string();
        let decrypt = config.get("with_decryption").as_bool().unwrap_or(true);
        // GetParameter takes a parameter's ARN where it takes its name.
        let out = found(call(
            ctx,
            &format!("reading SSM Parameter ({arn})"),
            ctx.ssm.get_parameter().name(&arn).with_decryption(decrypt).send(),
        ))?
        .and_then(|o| o.parameter().cloned())
        .ok_or_else(|| ProviderError::new("ParameterNotFound", format!("no SSM parameter {arn:?}")))?;
        let mut st: State = into_state(config);
        st.put("with_decryption", decrypt);
        st.put("name", out.name());
        st.put("type", out.r#type().map(|t| t.as_str().to_string()));
        st.put("value", Value::string(out.value().unwrap_or_default()).mark_sensitive());
        st.put("version", Value::Number((out.version() as f64).into()));
        Ok(finish(&self.schema(), st))
    }
}
