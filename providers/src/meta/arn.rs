//! `data "aws_arn"`: the parts of an ARN, read locally (no AWS call).

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{finish, into_state, invalid, Put};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct Arn;

/// (partition, service, region, account, resource) of `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`;
/// the resource may hold `:` and `/`.
fn parts(arn: &str) -> Option<[&str; 5]> {
    let mut it = arn.splitn(6, ':');
    let (prefix, partition, service, region, account, resource) =
        (it.next()?, it.next()?, it.next()?, it.next()?, it.next()?, it.next()?);
    (prefix == "arn" && !partition.is_empty() && !service.is_empty() && !resource.is_empty())
        .then_some([partition, service, region, account, resource])
}

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
        let [partition, service, region, account, resource] = parts(&arn).ok_or_else(|| {
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

#[cfg(test)]
mod tests {
    #[test]
    fn an_arn_is_read_in_its_parts_and_its_resource_keeps_colons() {
        assert_eq!(
            super::parts("arn:aws:lambda:us-east-1:123456789012:function:f:live"),
            Some(["aws", "lambda", "us-east-1", "123456789012", "function:f:live"])
        );
        assert_eq!(
            super::parts("arn:aws:s3:::bucket/key"),
            Some(["aws", "s3", "", "", "bucket/key"])
        );
        assert_eq!(super::parts("bucket"), None);
        assert_eq!(super::parts("arn:aws:s3:::"), None);
    }
}
