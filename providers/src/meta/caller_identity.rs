//! `data "aws_caller_identity"`: the account, ARN and user ID of the credentials in use.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::finish;
use crate::support::error::from_sdk;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct CallerIdentity;

impl DataType for CallerIdentity {
    fn type_name(&self) -> &'static str {
        "aws_caller_identity"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("account_id", Attribute::computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("user_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, _config: &Value) -> Result<Value, ProviderError> {
        let out = ctx
            .block_on(ctx.sts.get_caller_identity().send())
            .map_err(|e| from_sdk("reading the caller identity (STS GetCallerIdentity)", e))?;
        let s = |v: Option<&str>| v.map(Value::string).unwrap_or(Value::Null);
        let mut m = BTreeMap::new();
        m.insert("account_id".to_string(), s(out.account()));
        m.insert("id".to_string(), s(out.account()));
        m.insert("arn".to_string(), s(out.arn()));
        m.insert("user_id".to_string(), s(out.user_id()));
        Ok(finish(&self.schema(), m))
    }
}
