//! The ledger of a walk: what it has decided so far.
//!
//! Nodes are visited in parallel, and later nodes consult what earlier ones decided (a data
//! source waits when something it depends on has a pending change; `replace_triggered_by` looks
//! for changes of its triggers), so the decisions are kept in one place that every visit
//! writes to and reads from, and from which the plan is assembled when the walk ends.

use crate::core::addr::InstanceAddr;
use crate::core::diagnostic::Diagnostics;
use crate::core::plan::{Change, OutputChange};
use std::collections::{BTreeMap, BTreeSet};

/// Everything a walk has decided so far.
#[derive(Default)]
pub struct Ledger {
    /// The planned change of every instance the walk visited (no-ops included).
    pub changes: Vec<Change>,
    /// What refresh found changed or deleted outside infinstor, and objects adopted from an
    /// interrupted create.
    pub drift: Vec<Change>,
    /// The root module's outputs, before and after.
    pub outputs: BTreeMap<String, OutputChange>,
    /// Errors and warnings, in the order they were found.
    pub diags: Diagnostics,
    /// Every instance the configuration declares: what is in state but not here is an orphan.
    pub planned: BTreeSet<InstanceAddr>,
}
