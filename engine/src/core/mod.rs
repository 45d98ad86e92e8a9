//! The vocabulary every stage shares: typed addresses, values with unknown and sensitive marks,
//! resource schemas, the provider boundary, diagnostics and the plan model.

pub mod addr;
pub mod diagnostic;
pub mod document;
pub mod finding;
pub mod plan;
pub mod provider;
pub mod schema;
pub mod value;
