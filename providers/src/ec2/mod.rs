//! EC2: `aws_key_pair` and `data "aws_availability_zones"`.

use crate::resource::{ApplyOutcome, Ctx, DataType, ResourceType};
use crate::support::attrs::created_outcome;
use crate::support::attrs::{call, finish, into_state, problem, sref, State};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

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
