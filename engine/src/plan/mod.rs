//! Planning: a [`session::Session`] walks the graph; [`refresh`] reads what state records,
//! [`planner`] evaluates each node and asks providers to plan, recording what it decides in
//! the [`ledger`], and [`diff`] compares planned
//! values with prior ones per the schema.

pub mod conditions;
pub mod diff;
pub(crate) mod ephemeral;
pub mod expansion;
pub mod generate;
pub mod imports;
pub mod ledger;
pub mod moved;
pub mod planner;
pub mod refresh;
pub mod replacements;
pub mod session;
pub mod ui;
pub mod walk;
