//! API Gateway: `data "aws_api_gateway_api_key"`, the value of an API key a stack created
//! (Metaflow's metadata service key, which CloudFormation outputs only by ID).

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{call, finish, map_of_strings, sref, State};
use crate::support::dates::rfc3339;
use crate::support::error::found;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(ApiKey)]
}

struct ApiKey;

impl DataType for ApiKey {
    fn type_name(&self) -> &'static str {
        "aws_api_gateway_api_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("id", Attribute::required(Type::String))
            .attr("name", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String).sensitive())
            .attr("description", Attribute::computed(Type::String))
            .attr("enabled", Attribute::computed(Type::Bool))
            .attr("customer_id", Attribute::computed(Type::String))
            .attr("created_date", Attribute::computed(Type::String))
            .attr("last_updated_date", Attribute::computed(Type::String))
            .attr("tags", Attribute::computed(map_of_strings()))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let id = sref(config, "id").unwrap_or_default().to_string();
        let out = found(call(
            ctx,
            &format!("reading API Gateway API Key ({id})"),
            ctx.apigateway.get_api_key().api_key(&id).include_value(true).send(),
        ))?
        .ok_or_else(|| ProviderError::new("NotFoundException", format!("no API Gateway API key with ID {id:?}")))?;
        let mut st = State::new();
        st.insert("id".into(), Value::string(&id));
        st.insert("name".into(), out.name().map(Value::string).unwrap_or(Value::Null));
        st.insert(
            "value".into(),
            out.value()
                .map(|v| Value::string(v).mark_sensitive())
                .unwrap_or(Value::Null),
        );
        st.insert(
            "description".into(),
            out.description().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert("enabled".into(), Value::Bool(out.enabled()));
        st.insert(
            "customer_id".into(),
            out.customer_id().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "created_date".into(),
            out.created_date().map(rfc3339).unwrap_or(Value::Null),
        );
        st.insert(
            "last_updated_date".into(),
            out.last_updated_date().map(rfc3339).unwrap_or(Value::Null),
        );
        let tags = out
            .tags()
            .map(|t| Value::Map(t.iter().map(|(k, v)| (k.clone(), Value::string(v))).collect()))
            .unwrap_or_else(Value::empty_map);
        st.insert("tags".into(), tags);
        Ok(finish(&self.schema(), st))
    }
}
