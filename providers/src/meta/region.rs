//! `data "aws_region"`: the configured region, its endpoint and description.

use crate::meta::config_map;
use crate::resource::{Ctx, DataType};
use crate::support::attrs::finish;
use crate::support::partition::partition_of;
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

fn region_description(region: &str) -> &'static str {
    match region {
        "af-south-1" => "Africa (Cape Town)",
        "ap-east-1" => "Asia Pacific (Hong Kong)",
        "ap-northeast-1" => "Asia Pacific (Tokyo)",
        "ap-northeast-2" => "Asia Pacific (Seoul)",
        "ap-northeast-3" => "Asia Pacific (Osaka)",
        "ap-south-1" => "Asia Pacific (Mumbai)",
        "ap-south-2" => "Asia Pacific (Hyderabad)",
        "ap-southeast-1" => "Asia Pacific (Singapore)",
        "ap-southeast-2" => "Asia Pacific (Sydney)",
        "ap-southeast-3" => "Asia Pacific (Jakarta)",
        "ap-southeast-4" => "Asia Pacific (Melbourne)",
        "ca-central-1" => "Canada (Central)",
        "ca-west-1" => "Canada West (Calgary)",
        "cn-north-1" => "China (Beijing)",
        "cn-northwest-1" => "China (Ningxia)",
        "eu-central-1" => "Europe (Frankfurt)",
        "eu-central-2" => "Europe (Zurich)",
        "eu-north-1" => "Europe (Stockholm)",
        "eu-south-1" => "Europe (Milan)",
        "eu-south-2" => "Europe (Spain)",
        "eu-west-1" => "Europe (Ireland)",
        "eu-west-2" => "Europe (London)",
        "eu-west-3" => "Europe (Paris)",
        "il-central-1" => "Israel (Tel Aviv)",
        "me-central-1" => "Middle East (UAE)",
        "me-south-1" => "Middle East (Bahrain)",
        "sa-east-1" => "South America (Sao Paulo)",
        "us-east-1" => "US East (N. Virginia)",
        "us-east-2" => "US East (Ohio)",
        "us-gov-east-1" => "AWS GovCloud (US-East)",
        "us-gov-west-1" => "AWS GovCloud (US-West)",
        "us-west-1" => "US West (N. California)",
        "us-west-2" => "US West (Oregon)",
        _ => "",
    }
}

pub(super) struct Region;

impl DataType for Region {
    fn type_name(&self) -> &'static str {
        "aws_region"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String))
            .attr("region", Attribute::optional_computed(Type::String))
            .attr("endpoint", Attribute::optional_computed(Type::String))
            .attr("description", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let region = config
            .get("region")
            .as_str()
            .map(str::to_string)
            .or_else(|| config.get("name").as_str().map(str::to_string))
            .unwrap_or_else(|| ctx.region.clone());
        let (_, dns_suffix, _) = partition_of(&region);
        let endpoint = format!("ec2.{region}.{dns_suffix}");
        if let Some(wanted) = config.get("endpoint").as_str() {
            if wanted != endpoint {
                return Err(ProviderError::new(
                    "RegionNotFound",
                    format!("no region with endpoint {wanted:?} matches region {region:?}"),
                ));
            }
        }
        let mut m = config_map(config);
        m.insert("name".into(), Value::string(&region));
        m.insert("region".into(), Value::string(&region));
        m.insert("id".into(), Value::string(&region));
        m.insert("endpoint".into(), Value::string(endpoint));
        m.insert("description".into(), Value::string(region_description(&region)));
        Ok(finish(&self.schema(), m))
    }
}
