//! The ledger of a walk: what it has decided so far.
//!
//! Nodes are visited in parallel, and later nodes consult what earlier ones decided (a data
//! source waits when something it depends on has a pending change; `replace_triggered_by` looks
//! for changes of its triggers), so the decisions are kept in one place, from which the plan is
//! assembled when the walk ends. A resource's visit collects its own [`Decisions`] and records
//! them when it ends, in one step: what a node decided becomes visible to the nodes after it
//! all at once.

use crate::core::addr::InstanceAddr;
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use crate::core::plan::{Change, OutputChange};
use crate::graph::Outcome;
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

/// What the visit of one resource decided, recorded in the [`Ledger`] when the visit ends.
#[derive(Default)]
pub struct Decisions {
    /// Its instances' changes.
    pub changes: Vec<Change>,
    /// What refresh found changed outside, and adopted interrupted creates.
    pub drift: Vec<Change>,
    /// The instances the configuration declares.
    pub planned: Vec<InstanceAddr>,
    /// Its errors and warnings.
    pub diags: Vec<Diagnostic>,
}

impl Decisions {
    /// Records a problem that fails the visit.
    pub(crate) fn fail(&mut self, d: Diagnostic) -> Outcome {
        self.diags.push(d);
        Outcome::Failed
    }

    /// Records problems that fail the visit.
    pub(crate) fn fail_all(&mut self, ds: Vec<Diagnostic>) -> Outcome {
        self.diags.extend(ds);
        Outcome::Failed
    }
}

impl Ledger {
    /// Takes in what one visit decided.
    pub fn record(&mut self, decided: Decisions) {
        self.changes.extend(decided.changes);
        self.drift.extend(decided.drift);
        self.planned.extend(decided.planned);
        for d in decided.diags {
            self.diags.push(d);
        }
    }
}
