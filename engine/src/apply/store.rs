//! Where state is persisted while an apply runs: after every single resource operation, and
//! the create intents recorded just before each create call.

use crate::core::provider::Journal;
use crate::plan::session::lock;
use state::{Backend, Intent, State};
use std::sync::Mutex;

/// Where state is persisted during apply.
pub struct Store<'b> {
    backend: &'b dyn Backend,
    states: Mutex<(State, State)>,
    errors: Mutex<Vec<String>>,
}

impl<'b> Store<'b> {
    /// A store over a backend, starting from `state` (already written).
    pub fn new(backend: &'b dyn Backend, state: State) -> Store<'b> {
        Store {
            backend,
            states: Mutex::new((state.clone(), state)),
            errors: Mutex::new(Vec::new()),
        }
    }

    /// Changes the state and writes it at once.
    pub fn mutate(&self, f: impl FnOnce(&mut State)) {
        let mut g = lock(&self.states);
        f(&mut g.0);
        let (live, last) = &mut *g;
        match self.backend.write(live, last) {
            Ok(()) => *last = live.clone(),
            Err(e) => lock(&self.errors).push(e.to_string()),
        }
    }

    /// One instance of the current state, without copying the rest.
    pub fn instance(&self, address: &str) -> Option<state::InstanceState> {
        lock(&self.states).0.instance(address).cloned()
    }

    /// The current state.
    pub fn snapshot(&self) -> State {
        lock(&self.states).0.clone()
    }

    /// Errors writing state.
    pub fn write_errors(&self) -> Vec<String> {
        lock(&self.errors).clone()
    }
}

pub(crate) struct StoreJournal<'a, 'b> {
    pub(crate) store: &'a Store<'b>,
    pub(crate) address: String,
    pub(crate) type_: String,
    pub(crate) provider: String,
}

impl Journal for StoreJournal<'_, '_> {
    fn intent(&self, import_id: &str) {
        self.store.mutate(|s| {
            s.add_intent(Intent {
                address: self.address.clone(),
                type_: self.type_.clone(),
                provider: self.provider.clone(),
                import_id: import_id.to_string(),
            })
        });
    }
}
