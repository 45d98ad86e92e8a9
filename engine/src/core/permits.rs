//! `--parallelism` as Terraform means it: a bound on the provider operations in flight at once
//! across the whole run, not per resource. The walker bounds how many nodes run together; a node
//! with many instances runs them on threads of its own, so each operation also takes a permit.

use std::sync::{Condvar, Mutex};

/// A pool of permits, one per operation in flight.
pub struct Permits {
    state: Mutex<Pool>,
    freed: Condvar,
}

struct Pool {
    size: usize,
    held: usize,
}

/// One operation's permit, returned when dropped.
pub struct Permit<'a>(&'a Permits);

impl Permits {
    /// A pool of `size` permits (at least one).
    pub fn new(size: usize) -> Permits {
        Permits {
            state: Mutex::new(Pool {
                size: size.max(1),
                held: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// Sets the number of permits; operations in flight keep theirs.
    pub fn resize(&self, size: usize) {
        super::lock(&self.state).size = size.max(1);
        self.freed.notify_all();
    }

    /// Waits for a permit.
    pub fn hold(&self) -> Permit<'_> {
        let mut pool = super::lock(&self.state);
        while pool.held >= pool.size {
            pool = self.freed.wait(pool).unwrap_or_else(|p| p.into_inner());
        }
        pool.held += 1;
        Permit(self)
    }
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        super::lock(&self.0.state).held -= 1;
        self.0.freed.notify_one();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn never_more_in_flight_than_permits() {
        let permits = Permits::new(3);
        let (now, max) = (AtomicUsize::new(0), AtomicUsize::new(0));
        std::thread::scope(|s| {
            for _ in 0..12 {
                s.spawn(|| {
                    let _p = permits.hold();
                    let n = now.fetch_add(1, Ordering::SeqCst) + 1;
                    max.fetch_max(n, Ordering::SeqCst);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                    now.fetch_sub(1, Ordering::SeqCst);
                });
            }
        });
        assert_eq!(max.load(Ordering::SeqCst), 3);
    }
}
