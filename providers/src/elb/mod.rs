//! `data "aws_lb_hosted_zone_id"`: the Route 53 hosted zone of Elastic Load Balancing in a
//! region, which an alias record to a load balancer names. A fixed table (AWS publishes it with
//! the Elastic Load Balancing endpoints); no API call.

use crate::resource::{Ctx, DataType};
use crate::support::attrs::{finish, sref, State};
use engine::core::provider::ProviderError;
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// Every data source of this module.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(LbHostedZoneId)]
}

/// (region, Application Load Balancer zone, Network Load Balancer zone).
const ZONES: &[(&str, &str, &str)] = &[
    ("af-south-1", "Z268VQBMOI5EKX", "Z203XCE67M25HM"),
    ("ap-east-1", "Z3DQVH9N71FHZ0", "Z12Y7K3UBGUAD1"),
    ("ap-northeast-1", "Z14GRHDCWA56QT", "Z31USIVHYNEOWT"),
    ("ap-northeast-2", "ZWKZPGTI48KDX", "ZIBE1TIR4HY56"),
    ("ap-northeast-3", "Z5LXEXXYW11ES", "Z1GWIQ4HH19I5X"),
    ("ap-south-1", "ZP97RAFLXTNZK", "ZVDDRBQ08TROA"),
    ("ap-southeast-1", "Z1LMS91P8CMLE5", "ZKVM4W9LS7TM"),
    ("ap-southeast-2", "Z1GM3OXH4ZPM65", "ZCT6FZBF4DROD"),
    ("ca-central-1", "ZQSVJUPU6J1EY", "Z2EPGBW3API2WT"),
    ("eu-central-1", "Z215JYRZR1TBD5", "Z3F0SRJ5LGBH90"),
    ("eu-north-1", "Z23TAZ6LKFMNIO", "Z1UDT6IFJ4EJM"),
    ("eu-south-1", "Z3ULH7SSC9OV64", "Z23146JA1KNAFP"),
    ("eu-west-1", "Z32O12XQLNTSW2", "Z2IFOLAFXWLO4F"),
    ("eu-west-2", "ZHURV8PSTC4K8", "ZD4D7Y8KGAS4G"),
    ("eu-west-3", "Z3Q77PNBQS71R4", "Z1CMS0P5QUZ6D5"),
    ("me-south-1", "ZS929ML54UICD", "Z3QSRYVP46NYYV"),
    ("sa-east-1", "Z2P70J7HTTTPLU", "ZTK26PT1VY4CU"),
    ("us-east-1", "Z35SXDOTRQ7X7K", "Z26RNL4JYFTOTI"),
    ("us-east-2", "Z3AADJGX6KTTL2", "ZLMOA37VPKANP"),
    ("us-gov-east-1", "Z166TLBEWOO7G0", "Z1ZSMQQ6Q24QQ8"),
    ("us-gov-west-1", "Z33AYJ8TM3BH4J", "ZMG1MZ2THAWF1"),
    ("us-west-1", "Z368ELLRRE2KJ0", "Z24FKFUX50B4VW"),
    ("us-west-2", "Z1H1FL5HABSF5", "Z18D5FSROUN65G"),
];

struct LbHostedZoneId;

impl DataType for LbHostedZoneId {
    fn type_name(&self) -> &'static str {
        "aws_lb_hosted_zone_id"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("region", Attribute::optional(Type::String))
            .attr("load_balancer_type", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let region = sref(config, "region").unwrap_or(&ctx.region).to_string();
        let kind = sref(config, "load_balancer_type").unwrap_or("application").to_string();
        let Some((_, alb, nlb)) = ZONES.iter().find(|(r, _, _)| *r == region) else {
            return Err(ProviderError::new(
                "UnknownRegion",
                format!("no Elastic Load Balancing hosted zone is known for region {region:?}"),
            ));
        };
        let zone = match kind.as_str() {
            "application" => alb,
            "network" => nlb,
            other => {
                return Err(ProviderError::new(
                    "InvalidLoadBalancerType",
                    format!("load_balancer_type must be application or network, not {other:?}"),
                ))
            }
        };
        let mut st = State::new();
        st.insert("region".into(), Value::string(&region));
        st.insert("load_balancer_type".into(), Value::string(&kind));
        st.insert("id".into(), Value::string(*zone));
        Ok(finish(&self.schema(), st))
    }
}
