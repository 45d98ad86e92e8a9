//! Planning: a [`session::Session`] walks the graph; [`refresh`] reads what state records,
//! [`planner`] evaluates each node and asks providers to plan, [`policy`] compares policy
//! documents.

pub mod diff;
pub mod planner;
pub mod policy;
pub mod refresh;
pub mod session;
