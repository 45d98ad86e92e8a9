//! Terraform's built-in `terraform` provider: the data source `terraform_remote_state` (served
//! with the AWS provider's data sources, whose S3 access it shares) and the managed resource
//! `terraform_data` ([`terraform_data`], a provider of its own that talks to no service).

mod remote_state;
pub(crate) mod terraform_data;

use crate::resource::DataType;

/// Every data source of this module.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(remote_state::RemoteState)]
}

/// The names of [`data_sources`]: the `terraform` provider declares them, the AWS provider
/// serves them.
pub(crate) fn data_type_names() -> Vec<String> {
    data_sources().iter().map(|d| d.type_name().to_string()).collect()
}
