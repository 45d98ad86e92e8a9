//! Data sources about where the provider runs: `aws_caller_identity`, `aws_region`,
//! `aws_partition`, `aws_service_principal`.

use crate::resource::DataType;
use engine::core::value::Value;
use std::collections::BTreeMap;

mod arn;
mod caller_identity;
mod partition;
mod region;
mod service_principal;

use caller_identity::CallerIdentity;
use partition::Partition;
use region::Region;
use service_principal::ServicePrincipal;

/// Every data source of this module.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![
        Box::new(CallerIdentity),
        Box::new(Region),
        Box::new(Partition),
        Box::new(ServicePrincipal),
        Box::new(arn::Arn),
    ]
}

/// The configuration as a mutable map, for adding computed attributes.
fn config_map(config: &Value) -> BTreeMap<String, Value> {
    config.deep_unmark().as_map().cloned().unwrap_or_default()
}
