//! Data sources of Terraform's built-in `terraform` provider, which need no AWS provider
//! configuration of their own: `terraform_remote_state`.

mod remote_state;

use crate::resource::DataType;

/// Every data source of this module.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(remote_state::RemoteState)]
}
