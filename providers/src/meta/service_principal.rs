//! `data "aws_service_principal"`: the principal name a service uses in the region's
//! partition (`s3.amazonaws.com`), for trust and resource policies.

use crate::meta::config_map;
use crate::resource::{Ctx, DataType};
use crate::support::attrs::finish;
use crate::support::partition::partition_of;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct ServicePrincipal;

impl DataType for ServicePrincipal {
    fn type_name(&self) -> &'static str {
        "aws_service_principal"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("service_name", Attribute::required(Type::String))
            .attr("region", Attribute::optional_computed(Type::String))
            .attr("name", Attribute::computed(Type::String))
            .attr("suffix", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let service = config.get("service_name").as_str().unwrap_or_default().to_string();
        let region = config
            .get("region")
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| ctx.region.clone());
        let (partition, dns_suffix, _) = partition_of(&region);
        // In the China partition some services' principals end in amazonaws.com.cn and others
        // in amazonaws.com; without that table an answer could be wrong, so none is given.
        if partition == "aws-cn" {
            return Err(ProviderError::new(
                "UnsupportedPartition",
                format!("aws_service_principal: the principal of {service:?} in {region} (partition aws-cn) is not known to infinstor yet; write the principal out in the policy instead"),
            ));
        }
        let mut m = config_map(config);
        m.insert("region".into(), Value::from(region.as_str()));
        m.insert("suffix".into(), Value::from(dns_suffix));
        m.insert("name".into(), Value::from(format!("{service}.{dns_suffix}")));
        m.insert("id".into(), Value::from(format!("{service}.{region}")));
        Ok(finish(&self.schema(), m))
    }
}
