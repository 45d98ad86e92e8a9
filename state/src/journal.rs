//! The journal of an apply: every change an operation makes, appended as one line to
//! `<state file>.journal` and made durable before the operation is reported done, then folded
//! into the state file when the apply ends (or when the journal outgrows it).
//!
//! Writing the whole state after every operation costs as much as the state is large, so an
//! apply of N objects would cost N². A journal line costs as much as the change it records.
//!
//! The journal's first line names the state it continues (lineage and serial), and how its
//! sensitive values are encrypted (as in the state file). Reading a state replays a journal that
//! continues it; a journal left by a state written since (its serial is older) is ignored; a
//! last line cut short by a crash is ignored too: its operation was never reported done.

use crate::addr::InstanceAddr;
use crate::crypt::{is_envelope, Header, Sealer};
use crate::error::StateError;
use crate::file::each_sensitive;
use crate::model::InstanceState;
use crate::model::Intent;
use crate::model::OutputState;
use crate::model::State;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One change an apply makes to the state.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    /// An instance recorded (created, updated, moved or imported here).
    Set(InstanceAddr, InstanceState),
    /// An instance forgotten.
    Remove(InstanceAddr),
    /// The create intents, all of them, as the change leaves them.
    Intents(Vec<Intent>),
    /// The root module's outputs, all of them.
    Outputs(BTreeMap<String, OutputState>),
    /// The check results, all of them.
    CheckResults(Option<serde_json::Value>),
}

/// A state being changed, with each change also recorded as an [`Edit`]. Changes to the
/// intents only set `intents_changed`: the writer records the intents once per write
/// ([`Edit::Intents`] holds all of them, and a batch adds one per object).
pub struct Editor<'a> {
    state: &'a mut State,
    edits: &'a mut Vec<Edit>,
    intents_changed: &'a mut bool,
}

impl<'a> Editor<'a> {
    /// Changes `state`, recording each change in `edits` (the intents in `intents_changed`).
    pub fn new(state: &'a mut State, edits: &'a mut Vec<Edit>, intents_changed: &'a mut bool) -> Editor<'a> {
        Editor {
            state,
            edits,
            intents_changed,
        }
    }

    /// One instance by address.
    pub fn instance(&self, address: &InstanceAddr) -> Option<&InstanceState> {
        self.state.instance(address)
    }

    /// Records an instance.
    pub fn set_instance(&mut self, address: &InstanceAddr, instance: InstanceState) {
        self.edits.push(Edit::Set(address.clone(), instance.clone()));
        self.state.set_instance(address, instance);
    }

    /// Forgets an instance; returns it.
    pub fn remove_instance(&mut self, address: &InstanceAddr) -> Option<InstanceState> {
        let removed = self.state.remove_instance(address);
        if removed.is_some() {
            self.edits.push(Edit::Remove(address.clone()));
        }
        removed
    }

    /// Records a create intent.
    pub fn add_intent(&mut self, intent: Intent) {
        let before = self.state.intents().len();
        self.state.add_intent(intent);
        if self.state.intents().len() != before {
            *self.intents_changed = true;
        }
    }

    /// Forgets every intent for an address.
    pub fn clear_intents(&mut self, address: &InstanceAddr) {
        let before = self.state.intents().len();
        self.state.clear_intents(address);
        if self.state.intents().len() != before {
            *self.intents_changed = true;
        }
    }

    /// Replaces all outputs.
    pub fn set_outputs(&mut self, outputs: BTreeMap<String, OutputState>) {
        if *self.state.outputs() != outputs {
            self.edits.push(Edit::Outputs(outputs.clone()));
            self.state.set_outputs(outputs);
        }
    }

    /// Replaces the check results.
    pub fn set_check_results(&mut self, results: Option<serde_json::Value>) {
        if self.state.check_results() != results.as_ref() {
            self.edits.push(Edit::CheckResults(results.clone()));
            self.state.set_check_results(results);
        }
    }
}

/// The first line: which state the journal continues.
#[derive(Serialize, Deserialize)]
struct JournalHeader {
    journal_of: Continues,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    encryption: Option<Header>,
}

#[derive(Serialize, Deserialize)]
struct Continues {
    lineage: String,
    serial: u64,
}

/// One edit as a journal line holds it (sensitive values sealed).
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum Line {
    Set { address: String, instance: InstanceState },
    Remove { address: String },
    Intents { intents: Vec<Intent> },
    Outputs { outputs: BTreeMap<String, OutputState> },
    CheckResults { check_results: Option<serde_json::Value> },
}

/// The journal's first line, newline-terminated.
pub(crate) fn header(lineage: &str, serial: u64, sealer: Option<&Sealer>) -> Vec<u8> {
    let mut line = serde_json::to_vec(&JournalHeader {
        journal_of: Continues {
            lineage: lineage.to_string(),
            serial,
        },
        encryption: sealer.map(|s| s.header().clone()),
    })
    .unwrap_or_default();
    line.push(b'\n');
    line
}

/// One entry (the edits of one state write) as a newline-terminated line, each sensitive value
/// sealed by `sealer` when there is one.
pub(crate) fn entry(edits: &[Edit], sealer: Option<&Sealer>) -> Result<Vec<u8>, StateError> {
    let mut seal = |v: &mut serde_json::Value, place: &str| -> Result<(), StateError> {
        if let Some(sealer) = sealer {
            *v = sealer.seal_value(v, place)?;
        }
        Ok(())
    };
    let mut lines = Vec::with_capacity(edits.len());
    for edit in edits {
        lines.push(match edit {
            Edit::Set(addr, instance) => {
                let address = addr.to_string();
                let mut instance = instance.clone();
                instance.sensitive_attributes.sort();
                instance.dependencies.sort();
                each_sensitive(&address, &mut instance, &mut seal)?;
                Line::Set { address, instance }
            }
            Edit::Remove(addr) => Line::Remove {
                address: addr.to_string(),
            },
            Edit::Intents(intents) => Line::Intents {
                intents: intents.clone(),
            },
            Edit::Outputs(outputs) => {
                let mut outputs = outputs.clone();
                for (name, output) in outputs.iter_mut().filter(|(_, o)| o.sensitive && !o.value.is_null()) {
                    seal(&mut output.value, &format!("output.{name}"))?;
                }
                Line::Outputs { outputs }
            }
            Edit::CheckResults(results) => Line::CheckResults {
                check_results: results.clone(),
            },
        });
    }
    let mut bytes = serde_json::to_vec(&lines).unwrap_or_default();
    bytes.push(b'\n');
    Ok(bytes)
}

/// What reading a journal found.
#[derive(Debug, PartialEq)]
pub(crate) enum Replayed {
    /// It continues the state: its entries were applied. `kept` is the length of its complete
    /// lines (a line cut short by a crash ends it), where the next entry goes.
    Applied { entries: usize, kept: u64 },
    /// It continues an older version of the state (written whole since): nothing to apply.
    Stale,
}

/// Applies the journal `bytes` to `state` (just read from the file it continues). Its serial
/// becomes the one after the file's when any entry was applied: the content is newer.
pub(crate) fn replay(
    bytes: &[u8],
    state: &mut State,
    location: &str,
    open: &mut dyn FnMut(&Header) -> Result<std::sync::Arc<Sealer>, StateError>,
) -> Result<Replayed, StateError> {
    let invalid = |message: String| StateError::Invalid {
        path: location.into(),
        message: format!("its journal ({location}.journal) {message}"),
    };
    let mut rest = bytes;
    let mut next_line = || -> Option<&[u8]> {
        let end = rest.iter().position(|b| *b == b'\n')?;
        let (line, after) = rest.split_at(end);
        rest = &after[1..];
        Some(line)
    };
    // A journal whose header never made it to disk whole holds no entry either.
    let Some(first) = next_line() else {
        return Ok(Replayed::Stale);
    };
    let head: JournalHeader =
        serde_json::from_slice(first).map_err(|e| invalid(format!("does not start with its header: {e}")))?;
    if head.journal_of.lineage != state.lineage() {
        return Err(invalid(format!(
            "continues another state (lineage {}, this one is {}). Move the journal away if the state file was replaced on purpose",
            head.journal_of.lineage,
            state.lineage()
        )));
    }
    if head.journal_of.serial < state.serial() {
        return Ok(Replayed::Stale);
    }
    if head.journal_of.serial > state.serial() {
        return Err(invalid(format!(
            "continues serial {} but the state file is at serial {}: the state file is older than its journal. Restore the newer state file (its .backup), or move the journal away",
            head.journal_of.serial,
            state.serial()
        )));
    }
    let sealer = head.encryption.as_ref().map(&mut *open).transpose()?;
    let mut unseal = |v: &mut serde_json::Value, place: &str| -> Result<(), StateError> {
        if let (Some(sealer), true) = (&sealer, is_envelope(v)) {
            *v = sealer.unseal_value(v, place)?;
        }
        Ok(())
    };
    let mut kept = (first.len() + 1) as u64;
    let mut entries = 0;
    while let Some(line) = next_line() {
        let lines: Vec<Line> = serde_json::from_slice(line)
            .map_err(|e| invalid(format!("has an unreadable entry {}: {e}", entries + 1)))?;
        for line in lines {
            match line {
                Line::Set { address, mut instance } => {
                    let addr: InstanceAddr = address
                        .parse()
                        .map_err(|e: crate::addr::AddrError| invalid(format!("names a bad address: {e}")))?;
                    each_sensitive(&address, &mut instance, &mut unseal)?;
                    state.set_instance(&addr, instance);
                }
                Line::Remove { address } => {
                    let addr: InstanceAddr = address
                        .parse()
                        .map_err(|e: crate::addr::AddrError| invalid(format!("names a bad address: {e}")))?;
                    state.remove_instance(&addr);
                }
                Line::Intents { intents } => state.replace_intents(intents),
                Line::Outputs { mut outputs } => {
                    for (name, output) in outputs.iter_mut().filter(|(_, o)| o.sensitive) {
                        unseal(&mut output.value, &format!("output.{name}"))?;
                    }
                    state.set_outputs(outputs);
                }
                Line::CheckResults { check_results } => state.set_check_results(check_results),
            }
        }
        kept += (line.len() + 1) as u64;
        entries += 1;
    }
    if entries > 0 {
        state.adopt_serial(head.journal_of.serial + 1);
    }
    Ok(Replayed::Applied { entries, kept })
}
