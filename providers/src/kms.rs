//! kms resources (being written).

use crate::resource::{DataType, ResourceType};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    Vec::new()
}

/// Every data source of this service.
#[allow(dead_code)]
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    Vec::new()
}
