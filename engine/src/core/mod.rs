//! The vocabulary every stage shares: typed addresses, values with unknown and sensitive marks,
//! resource schemas, the provider boundary, diagnostics and the plan model.

pub mod addr;
pub mod checks;
pub mod collection;
pub mod diagnostic;
pub mod document;
pub mod finding;
pub mod instance;
pub mod moves;
pub mod number;
pub mod permits;
pub mod plan;
pub mod provider;
pub mod schema;
pub mod shape;
pub mod types;
pub mod value;
pub mod yaml;

use std::sync::{Mutex, MutexGuard};

/// Locks a mutex, also when a thread panicked while holding it: one failed visit must not make
/// what every other visit recorded (state included) unreachable.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}
