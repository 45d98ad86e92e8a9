//! CloudWatch Logs: log groups, their streams, metric and subscription filters, saved queries,
//! the account's resource policies, and data protection policies (with their document data
//! source).

use crate::resource::{DataType, ResourceType};

mod data_protection;
mod log_group;
mod log_group_data;
mod log_stream;
mod metric_filter;
mod protection_document;
mod query_definition;
#[cfg(test)]
mod replayed;
mod resource_policy;
mod subscription_filter;

/// Every CloudWatch Logs resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(log_group::LogGroup),
        Box::new(log_stream::LogStream),
        Box::new(metric_filter::MetricFilter),
        Box::new(query_definition::QueryDefinition),
        Box::new(resource_policy::ResourcePolicy),
        Box::new(subscription_filter::SubscriptionFilter),
        Box::new(data_protection::DataProtectionPolicy),
    ]
}

/// Every CloudWatch Logs data source.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![
        Box::new(protection_document::ProtectionDocument),
        Box::new(log_group_data::LogGroupData),
    ]
}
