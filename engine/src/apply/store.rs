//! Where state is persisted while an apply runs: after every single resource operation, and
//! the create intents recorded just before each create call.

use crate::core::lock;
use crate::core::provider::Journal;
use state::{Backend, Edit, Editor, InstanceAddr, Intent, State};
use std::sync::Mutex;

/// Where state is persisted during apply.
///
/// Writes are grouped: an operation's change is staged, then written together with whatever
/// other operations staged meanwhile. [`Store::mutate`] returns only once a write that holds its
/// change is done, so an operation is on disk before it is reported. Where the backend keeps a
/// journal (a local file), a write appends just the changes, so its cost follows the change and
/// not the size of the state; [`Store::finish`] folds the journal into the state file. Elsewhere
/// (S3) each write is the whole state, and grouping is what keeps a large apply linear.
pub struct Store<'b> {
    backend: &'b dyn Backend,
    errored: std::path::PathBuf,
    versions: Mutex<Versions>,
    /// The state as last written whole (`None` once a journal entry made it stale); held
    /// while writing, so one write runs at a time.
    written: Mutex<Option<State>>,
    /// A journal entry failed to append: from then on every write is the whole state, so
    /// that nothing the failed entry held is missing.
    whole_only: std::sync::atomic::AtomicBool,
    /// [`Store::finish`] ran.
    finished: std::sync::atomic::AtomicBool,
    /// Journal entries appended and whole states written, for `INFINSTOR_API_STATS`.
    counts: Mutex<(u64, u64)>,
    errors: Mutex<Vec<String>>,
}

/// The state as operations leave it, the edits not yet written, and a count of the changes
/// made to it and of those written.
struct Versions {
    current: State,
    edits: Vec<Edit>,
    /// The intents changed since the last write (recorded whole, once per write).
    intents_changed: bool,
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
                edits: Vec::new(),
                intents_changed: false,
                changes: 0,
                written: 0,
            }),
            written: Mutex::new(Some(state)),
            whole_only: std::sync::atomic::AtomicBool::new(false),
            finished: std::sync::atomic::AtomicBool::new(false),
            counts: Mutex::new((0, 0)),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// Changes the state and returns once it is written (perhaps with other changes).
    pub fn mutate(&self, f: impl FnOnce(&mut Editor<'_>)) {
        let mine = self.change(f);
        self.write_through(mine);
    }

    /// Changes the state in memory only; [`Store::flush`] writes it. For the results of one
    /// batch call: recorded together, written once, before any of them is reported done.
    pub fn stage(&self, f: impl FnOnce(&mut Editor<'_>)) {
        self.change(f);
    }

    /// Writes what was staged (nothing when nothing changed since the last write).
    pub fn flush(&self) {
        let last = lock(&self.versions).changes;
        self.write_through(last);
    }

    /// Writes what was staged and folds the journal into the state file: the end of an apply.
    pub fn finish(&self) {
        // Once: the apply finishes its store, and its caller again for an apply that stopped
        // before its end.
        if self.finished.swap(true, std::sync::atomic::Ordering::SeqCst) {
            return;
        }
        self.flush();
        let _writing = lock(&self.written);
        let v = lock(&self.versions);
        let compacted = self.backend.compact(&v.current);
        if std::env::var_os("INFINSTOR_API_STATS").is_some() {
            let (entries, whole) = *lock(&self.counts);
            eprintln!("State writes: {entries} journal entries, {whole} whole states (before folding the journal in)");
        }
        if let Err(e) = compacted {
            // Nothing is lost: the journal beside the state file holds every change.
            self.failed(
                format!("{e}. Every change is recorded in the journal beside the state file; the next command that writes the state folds it in"),
                None,
            );
        }
    }

    fn change(&self, f: impl FnOnce(&mut Editor<'_>)) -> u64 {
        let mut v = lock(&self.versions);
        let Versions {
            current,
            edits,
            intents_changed,
            ..
        } = &mut *v;
        f(&mut Editor::new(current, edits, intents_changed));
        v.changes += 1;
        v.changes
    }

    /// Writes the changes made so far unless a write since change `n` already holds them.
    fn write_through(&self, n: u64) {
        let mut written = lock(&self.written);
        let (edits, lineage, serial, changes) = {
            let mut v = lock(&self.versions);
            if v.written >= n {
                return;
            }
            let mut edits = std::mem::take(&mut v.edits);
            if std::mem::take(&mut v.intents_changed) {
                edits.push(Edit::Intents(v.current.intents().to_vec()));
            }
            if edits.is_empty() {
                v.written = v.changes;
                return;
            }
            (edits, v.current.lineage().to_string(), v.current.serial(), v.changes)
        };
        if self.whole_only.load(std::sync::atomic::Ordering::SeqCst) {
            return self.write_whole(&mut written, changes);
        }
        match self.backend.append(&lineage, serial, &edits) {
            Ok(Some(appended)) => {
                *written = None;
                lock(&self.counts).0 += 1;
                let mut v = lock(&self.versions);
                v.written = changes;
                v.current.adopt_serial(appended.serial);
                if appended.oversized {
                    if let Err(e) = self.backend.compact(&v.current) {
                        let snapshot = v.current.clone();
                        drop(v);
                        self.failed(e.to_string(), Some(&snapshot));
                        return;
                    }
                }
                drop(v);
                self.succeeded();
            }
            Ok(None) => self.write_whole(&mut written, changes),
            Err(e) => {
                self.whole_only.store(true, std::sync::atomic::Ordering::SeqCst);
                let snapshot = lock(&self.versions).current.clone();
                self.failed(e.to_string(), Some(&snapshot));
            }
        }
    }

    /// Writes the whole current state (a backend without a journal).
    fn write_whole(&self, written: &mut Option<State>, changes: u64) {
        let mut current = lock(&self.versions).current.clone();
        let result = match written.as_ref() {
            Some(previous) => {
                current.take_serial(previous);
                self.backend.write(&mut current, previous)
            }
            // A journal was written and the backend no longer takes entries: write the state
            // whole, whatever it holds.
            None => self.backend.rewrite(&mut current),
        };
        match result {
            Ok(()) => {
                lock(&self.counts).1 += 1;
                let mut v = lock(&self.versions);
                v.written = changes;
                v.current.take_serial(&current);
                drop(v);
                *written = Some(current);
                self.succeeded();
            }
            Err(e) => self.failed(e.to_string(), Some(&current)),
        }
    }

    /// A later write that succeeds supersedes a failed one.
    fn succeeded(&self) {
        let mut errors = lock(&self.errors);
        if !errors.is_empty() {
            errors.clear();
            let _ = std::fs::remove_file(&self.errored);
        }
    }

    /// Records a failed write; with `state`, saves it to the errored file for `state push`.
    fn failed(&self, e: String, state: Option<&State>) {
        let Some(state) = state else {
            lock(&self.errors).push(e);
            return;
        };
        // Keep every later version too: the last one is what `state push` needs.
        let saved = self
            .backend
            .codec()
            .encode(state)
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
        let record = |s: &mut Editor<'_>| {
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
