//! placeholder
pub mod resource;
