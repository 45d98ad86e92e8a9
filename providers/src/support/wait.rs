//! Polling AWS until an object settles.

use std::time::Duration;

/// Sleeps `delay`, then returns the next delay of an exponential backoff capped at `max`.
pub(crate) fn backoff(delay: Duration, max: Duration) -> Duration {
    std::thread::sleep(delay);
    (delay * 2).min(max)
}
