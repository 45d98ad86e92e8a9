//! Running AWS SDK calls from the synchronous [`Backend`](state::Backend) methods.

use state::StateError;
use std::sync::Arc;

/// A runtime for one backend's or key's calls.
pub(crate) fn new(what: &str) -> Result<Arc<tokio::runtime::Runtime>, StateError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_name("infinstor-state")
        .build()
        .map(Arc::new)
        .map_err(|e| StateError::Config(format!("could not start the runtime for {what}: {e}")))
}

/// Runs a future to completion from synchronous code, also when the caller is itself on a
/// runtime's thread (where blocking on another runtime is not allowed).
pub(crate) fn block_on<F>(runtime: &tokio::runtime::Runtime, future: F) -> F::Output
where
    F: std::future::Future + Send,
    F::Output: Send,
{
    if tokio::runtime::Handle::try_current().is_err() {
        return runtime.block_on(future);
    }
    std::thread::scope(|scope| {
        scope
            .spawn(|| runtime.block_on(future))
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
    })
}
