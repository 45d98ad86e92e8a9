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

/// One step of an interruptible sleep until `until`: the error when the run was interrupted,
/// `None` when the time has come, or how long to sleep before looking again (at most a tenth
/// of a second, so an interrupt ends the sleep at once).
fn sleep_step(until: Instant) -> Result<Option<Duration>, ProviderError> {
    if INTERRUPTED.load(Ordering::SeqCst) {
        return Err(ProviderError::new(
            "Interrupted",
            "stopped waiting because the run was interrupted; the object as far as it got is recorded, and the next plan reads it again",
        ));
    }
    let left = until.saturating_duration_since(Instant::now());
    Ok((!left.is_zero()).then(|| left.min(Duration::from_millis(100))))
}

/// Sleeps `d` in short steps, so that an interrupt ends it at once (with its error).
pub(crate) fn sleep(d: Duration) -> Result<(), ProviderError> {
    let until = Instant::now() + d;
    while let Some(step) = sleep_step(until)? {
        std::thread::sleep(step);
    }
    Ok(())
}

/// Sleeps `delay` (in short steps, so an interrupt ends it at once), then returns the next
/// delay of an exponential backoff capped at `max`.
pub(crate) fn backoff(delay: Duration, max: Duration) -> Result<Duration, ProviderError> {
    let until = Instant::now() + delay;
    while let Some(step) = sleep_step(until)? {
        std::thread::sleep(step);
    }
    Ok((delay * 2).min(max))
}

/// [`backoff`] for async code: the same steps, slept on the runtime.
pub(crate) async fn backoff_async(delay: Duration, max: Duration) -> Result<Duration, ProviderError> {
    let until = Instant::now() + delay;
    while let Some(step) = sleep_step(until)? {
        tokio::time::sleep(step).await;
    }
    Ok((delay * 2).min(max))
}

/// What one look at a changing object found.
pub(crate) enum Poll<T> {
    /// It settled: stop waiting.
    Ready(T),
    /// Not yet; the words say where it is ("CREATE_IN_PROGRESS", "table is UPDATING"). A
    /// progress line is printed each time they change.
    Pending(String),
}

/// Polls an object until it settles, with exponential backoff, progress lines when its status
/// changes, a timeout, and an end at once on Ctrl-C ([`interrupt`]): what every wait of a
/// resource type needs, like the AWS provider's `StateChangeConf`.
pub(crate) struct Waiter<'a> {
    timeout: Duration,
    first: Duration,
    max: Duration,
    progress: &'a dyn Fn(&str),
    every: Option<Duration>,
    on_timeout: Box<dyn Fn(&str, Duration) -> ProviderError + 'a>,
}

impl<'a> Waiter<'a> {
    /// A wait of at most `timeout` for `what` ("DynamoDB Table (t) to become ACTIVE"); a
    /// timeout says how long it waited, the last status, and that the next apply continues.
    pub(crate) fn new(what: impl Into<String>, timeout: Duration) -> Waiter<'a> {
        let what = what.into();
        Waiter {
            timeout,
            first: Duration::from_millis(200),
            max: Duration::from_secs(5),
            progress: &|_| {},
            every: None,
            on_timeout: Box::new(move |last, waited| {
                ProviderError::new(
                    "Timeout",
                    format!(
                        "gave up waiting for {what} after {}: it is still {last}; run apply again to continue",
                        human(waited)
                    ),
                )
            }),
        }
    }

    /// The first delay between looks and the longest (the delay doubles up to it).
    pub(crate) fn delays(mut self, first: Duration, max: Duration) -> Self {
        self.first = first;
        self.max = max;
        self
    }

    /// Where status lines go (each [`Poll::Pending`] status, once per change).
    pub(crate) fn progress(mut self, progress: &'a dyn Fn(&str)) -> Self {
        self.progress = progress;
        self
    }

    /// Repeats an unchanged status after this long, so that a wait of an hour never looks
    /// hung.
    pub(crate) fn every(mut self, interval: Duration) -> Self {
        self.every = Some(interval);
        self
    }

    /// The words of a timeout (error code `Timeout`), from the last status, where the type has
    /// its own.
    pub(crate) fn timeout_message(self, message: impl Fn(&str) -> String + 'a) -> Self {
        self.on_timeout(move |last, _| ProviderError::new("Timeout", message(last)))
    }

    /// The error of a timeout, from the last status and how long it waited, where the type has
    /// its own words and code for it.
    pub(crate) fn on_timeout(mut self, error: impl Fn(&str, Duration) -> ProviderError + 'a) -> Self {
        self.on_timeout = Box::new(error);
        self
    }

    /// Looks with `poll` until it is ready, fails, the time is up or the run is interrupted.
    pub(crate) fn wait<T>(&self, mut poll: impl FnMut() -> Result<Poll<T>, ProviderError>) -> Result<T, ProviderError> {
        let start = Instant::now();
        let mut delay = self.first;
        let mut last: Option<String> = None;
        let mut said = start;
        loop {
            match poll()? {
                Poll::Ready(value) => return Ok(value),
                Poll::Pending(status) => {
                    let due = self.every.is_some_and(|every| said.elapsed() >= every);
                    if last.as_deref() != Some(status.as_str()) || due {
                        (self.progress)(&status);
                        said = Instant::now();
                    }
                    if start.elapsed() >= self.timeout {
                        return Err((self.on_timeout)(&status, start.elapsed()));
                    }
                    last = Some(status);
                }
            }
            let left = self.timeout.saturating_sub(start.elapsed());
            delay = backoff(delay.min(left.max(Duration::from_millis(100))), self.max)?;
        }
    }

    /// Calls `call` until it succeeds or fails with an error `transient` accepts no longer
    /// (read-after-write: an object AWS made a moment ago that another endpoint does not know
    /// yet, a role IAM has not propagated). The last error is returned at the timeout.
    pub(crate) fn retry<T>(
        &self,
        transient: impl Fn(&ProviderError) -> bool,
        mut call: impl FnMut() -> Result<T, ProviderError>,
    ) -> Result<T, ProviderError> {
        let start = Instant::now();
        let mut delay = self.first;
        loop {
            match call() {
                Err(e) if transient(&e) && start.elapsed() < self.timeout => {
                    delay = backoff(delay, self.max)?;
                }
                other => return other,
            }
        }
    }
}

impl Waiter<'_> {
    /// [`Waiter::retry`] for async calls (S3's read-after-create): calls `call` until it
    /// succeeds or fails with an error `transient` accepts no longer; the last error is returned
    /// at the timeout.
    pub(crate) async fn retry_async<T, F, Fut>(
        &self,
        transient: impl Fn(&ProviderError) -> bool,
        mut call: F,
    ) -> Result<T, ProviderError>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<T, ProviderError>>,
    {
        let start = Instant::now();
        let mut delay = self.first;
        loop {
            match call().await {
                Err(e) if transient(&e) && start.elapsed() + delay < self.timeout => {
                    delay = backoff_async(delay, self.max).await?;
                }
                other => return other,
            }
        }
    }
}

/// A duration as a person says it: `45s`, `3m`, `1h5m`.
fn human(d: Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, (s % 3600) / 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, 0) => format!("{m}m"),
        (0, m, s) => format!("{m}m{s}s"),
        (h, 0, _) => format!("{h}h"),
        (h, m, _) => format!("{h}h{m}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::RefCell;

    #[test]
    fn a_wait_reports_each_new_status_once_and_returns_what_settled() {
        let lines = RefCell::new(Vec::new());
        let record = |l: &str| lines.borrow_mut().push(l.to_string());
        let mut looks = ["CREATING", "CREATING", "UPDATING", "ACTIVE"].into_iter();
        let got = Waiter::new("table t to become ACTIVE", Duration::from_secs(10))
            .delays(Duration::from_millis(1), Duration::from_millis(2))
            .progress(&record)
            .wait(|| {
                Ok(match looks.next() {
                    Some("ACTIVE") | None => Poll::Ready(7),
                    Some(s) => Poll::Pending(s.to_string()),
                })
            });
        assert_eq!(got.expect("settled"), 7);
        assert_eq!(*lines.borrow(), ["CREATING", "UPDATING"]);
    }

    #[test]
    fn a_wait_that_never_settles_times_out_with_its_last_status() {
        let err = Waiter::new("stack s to finish", Duration::from_millis(30))
            .delays(Duration::from_millis(5), Duration::from_millis(5))
            .wait(|| Ok::<Poll<()>, _>(Poll::Pending("UPDATE_IN_PROGRESS".into())))
            .expect_err("times out");
        assert_eq!(err.code, "Timeout");
        assert!(err.message.contains("stack s to finish"), "{}", err.message);
        assert!(err.message.contains("still UPDATE_IN_PROGRESS"), "{}", err.message);
        let custom = Waiter::new("x", Duration::ZERO)
            .on_timeout(|last, _| ProviderError::new("Slow", format!("x is {last}")))
            .wait(|| Ok::<Poll<()>, _>(Poll::Pending("PENDING".into())))
            .expect_err("times out at once");
        assert_eq!(
            (custom.code.as_str(), custom.message.as_str()),
            ("Slow", "x is PENDING")
        );
    }

    #[test]
    fn retry_repeats_only_transient_errors_until_the_timeout() {
        let calls = RefCell::new(0);
        let got = Waiter::new("key k", Duration::from_secs(5))
            .delays(Duration::from_millis(1), Duration::from_millis(1))
            .retry(
                |e| e.code == "NotFound",
                || {
                    *calls.borrow_mut() += 1;
                    if *calls.borrow() < 3 {
                        Err(ProviderError::new("NotFound", "not yet"))
                    } else {
                        Ok("found")
                    }
                },
            );
        assert_eq!((got.expect("found"), *calls.borrow()), ("found", 3));
        let other = Waiter::new("key k", Duration::from_secs(5))
            .retry(
                |e| e.code == "NotFound",
                || Err::<(), _>(ProviderError::new("AccessDenied", "no")),
            )
            .expect_err("not transient");
        assert_eq!(other.code, "AccessDenied");
        assert_eq!(human(Duration::from_secs(3725)), "1h2m");
        assert_eq!(human(Duration::from_secs(90)), "1m30s");
    }
}
