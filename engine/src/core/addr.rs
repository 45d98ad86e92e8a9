//! Typed addresses of resources and their instances, defined beside the state that is keyed
//! by them (the state crate is the lowest layer) and used by every layer above it.

pub use state::addr::*;
