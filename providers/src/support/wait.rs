//! Polling AWS until an object settles, and giving up the wait when the user interrupts.

use engine::core::provider::ProviderError;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Ends every wait in progress within a tenth of a second (the first Ctrl-C): what was created
/// is already recorded, and the next plan reads where it got to.
pub fn interrupt() {
    INTERRUPTED.store(true, Ordering::SeqCst);
}

/// Sleeps `delay` (in short steps, so an interrupt ends it at once), then returns the next
/// delay of an exponential backoff capped at `max`.
pub(crate) fn backoff(delay: Duration, max: Duration) -> Result<Duration, ProviderError> {
    let until = Instant::now() + delay;
    loop {
        if INTERRUPTED.load(Ordering::SeqCst) {
            return Err(ProviderError::new(
                "Interrupted",
                "stopped waiting because the run was interrupted; the object as far as it got is recorded, and the next plan reads it again",
            ));
        }
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Ok((delay * 2).min(max));
        }
        std::thread::sleep(left.min(Duration::from_millis(100)));
    }
}
