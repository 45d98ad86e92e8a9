//! Where state is persisted while an apply runs: after every single resource operation, and
//! the create intents recorded just before each create call.

use crate::core::lock;
use crate::core::provider::Journal;
use state::{Backend, InstanceAddr, Intent, State};
use std::sync::Mutex;

/// Where state is persisted during apply.
///
/// Writes are grouped: an operation's change is staged, then written together with whatever
/// other operations staged meanwhile. [`Store::mutate`] returns only once a write that holds its
/// change is done, so an operation is on disk before it is reported, and with many operations
/// in flight one write serves several of them (the whole state is written each time, so fewer
/// writes is what keeps a large apply linear).
pub struct Store<'b> {
    backend: &'b dyn Backend,
    errored: std::path::PathBuf,
    versions: Mutex<Versions>,
    /// The state as last written; held while writing, so one write runs at a time.
    written: Mutex<State>,
    errors: Mutex<Vec<String>>,
}

/// The state as operations leave it, with a count of the changes made to it and of those
/// written.
struct Versions {
    current: State,
    changes: u64,
    written: u64,
}

impl<'b> Store<'b> {
    /// A store over a backend, starting from `state` (already written). When the backend
    /// cannot be written, the state goes to the local file `errored` instead.
    pub fn new(backend: &'b dyn Backend, state: State, errored: std::path::PathBuf) -> Store<'b> {
        Store {
            backend,
            errored,
            versions: Mutex::new(Versions {
                current: state.clone(),
                changes: 0,
                written: 0,
            }),
            written: Mutex::new(state),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// Changes the state and returns once it is written (perhaps with other changes).
    pub fn mutate(&self, f: impl FnOnce(&mut State)) {
        let mine = self.change(f);
        self.write_through(mine);
    }

    /// Changes the state in memory only; [`Store::flush`] writes it. For the results of one
    /// batch call: recorded together, written once, before any of them is reported done.
    pub fn stage(&self, f: impl FnOnce(&mut State)) {
        self.change(f);
    }

    /// Writes what was staged (nothing when nothing changed since the last write).
    pub fn flush(&self) {
        let last = lock(&self.versions).changes;
        self.write_through(last);
    }

    fn change(&self, f: impl FnOnce(&mut State)) -> u64 {
        let mut v = lock(&self.versions);
        f(&mut v.current);
        v.changes += 1;
        v.changes
    }

    /// Writes the current state unless a write since change `n` already holds it.
    fn write_through(&self, n: u64) {
        let mut written = lock(&self.written);
        let (mut current, changes) = {
            let v = lock(&self.versions);
            if v.written >= n {
                return;
            }
            (v.current.clone(), v.changes)
        };
        current.take_serial(&written);
        if current == *written {
            lock(&self.versions).written = changes;
            return;
        }
        match self.backend.write(&mut current, &written) {
            Ok(()) => {
                let mut v = lock(&self.versions);
                v.written = changes;
                v.current.take_serial(&current);
                drop(v);
                *written = current;
                // A later write that succeeds supersedes a failed one.
                let mut errors = lock(&self.errors);
                if !errors.is_empty() {
                    errors.clear();
                    let _ = std::fs::remove_file(&self.errored);
                }
            }
            Err(e) => {
                // Keep every later version too: the last one is what `state push` needs.
                let saved = self
                    .backend
                    .codec()
                    .encode(&current)
                    .and_then(|bytes| state::file::write_atomic(&self.errored, &bytes));
                let mut errors = lock(&self.errors);
                if errors.is_empty() {
                    errors.push(match saved {
                        Ok(()) => format!(
                            "{e}. The state is saved in {} instead; once {} can be written again, run `infinstor state push {}` (check with `infinstor state pull` first if someone else changed it)",
                            self.errored.display(),
                            self.backend.describe(),
                            self.errored.display()
                        ),
                        Err(local) => format!("{e}; saving it to {} failed too: {local}", self.errored.display()),
                    });
                }
            }
        }
    }

    /// One instance of the current state, without copying the rest.
    pub fn instance(&self, address: &InstanceAddr) -> Option<state::InstanceState> {
        lock(&self.versions).current.instance(address).cloned()
    }

    /// The intent recorded for a create at `address`, if any.
    pub fn intent(&self, address: &InstanceAddr) -> Option<Intent> {
        lock(&self.versions)
            .current
            .intents()
            .iter()
            .find(|i| &i.address == address)
            .cloned()
    }

    /// The current state.
    pub fn snapshot(&self) -> State {
        lock(&self.versions).current.clone()
    }

    /// Errors writing state.
    pub fn write_errors(&self) -> Vec<String> {
        lock(&self.errors).clone()
    }
}

pub(crate) struct StoreJournal<'a, 'b> {
    pub(crate) store: &'a Store<'b>,
    pub(crate) address: InstanceAddr,
    pub(crate) type_: String,
    pub(crate) provider: String,
    /// Intents wait in memory for [`Journal::sync`] (the journals of one batch call).
    pub(crate) deferred: bool,
}

impl Journal for StoreJournal<'_, '_> {
    fn intent(&self, import_id: &str) {
        let record = |s: &mut State| {
            s.add_intent(Intent {
                address: self.address.clone(),
                type_: self.type_.clone(),
                provider: self.provider.clone(),
                import_id: import_id.to_string(),
            })
        };
        if self.deferred {
            self.store.stage(record);
        } else {
            self.store.mutate(record);
        }
    }

    fn sync(&self) {
        self.store.flush();
    }
}
