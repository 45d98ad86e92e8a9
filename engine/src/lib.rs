//! placeholder
pub mod addr;
pub mod provider;
pub mod schema;
pub mod value;
