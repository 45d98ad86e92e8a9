//! `data "aws_arn"`: the parts of an ARN, read locally (no AWS call).

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{finish, into_state, invalid, Put};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct Arn;

impl DataType for Arn {
    fn type_name(&self) -> &'static str {
        "aws_arn"
    }

    fn schema(&self) -> Schema {
        let mut s = Schema::new()
            .attr("arn", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String));
        for key in ["partition", "service", "region", "account", "resource"] {
            s = s.attr(key, Attribute::computed(Type::String));
        }
        s
    }

    fn read(&self, _ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let config = config.deep_unmark();
        let arn = config.get("arn").as_str().unwrap_or_default().to_string();
        let [partition, service, region, account, resource] = crate::support::arn::parts(&arn).ok_or_else(|| {
            invalid(format!(
                "{arn:?} is not an ARN: write it as arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE"
            ))
        })?;
        let mut st = into_state(&config);
        st.put("id", arn.as_str());
        st.put("partition", partition);
        st.put("service", service);
        st.put("region", region);
        st.put("account", account);
        st.put("resource", resource);
        Ok(finish(&self.schema(), st))
    }
}
