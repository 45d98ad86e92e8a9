//! EC2: `aws_key_pair` and `data "aws_availability_zones"`.

use crate::resource::{DataType, ResourceType};

mod availability_zones;
mod key_pair;
use availability_zones::AvailabilityZones;
use key_pair::KeyPair;

/// Every EC2 resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(KeyPair)]
}

/// Every EC2 data source.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(AvailabilityZones)]
}
