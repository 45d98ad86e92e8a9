//! CloudWatch Logs: log groups, their streams, metric and subscription filters, saved queries,
//! and the account's resource policies.

use crate::resource::ResourceType;

mod log_group;
mod log_stream;
mod metric_filter;
mod query_definition;
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
    ]
}
