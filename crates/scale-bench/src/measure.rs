//! Runs the binary once and measures it: wall time and the peak memory of that one process.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run cost.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// From start to exit.
    pub wall: Duration,
    /// The process's peak resident memory, in MiB.
    pub peak_mib: f64,
}

/// Runs `command` (its output goes to files in `dir`, so a large output costs the harness
/// nothing) and panics with the output when it fails: a broken run is never reported as a time.
pub fn run(mut command: Command, dir: &Path) -> Sample {
    let out = std::fs::File::create(dir.join("bench.stdout")).expect("a file for the run's output");
    let err = std::fs::File::create(dir.join("bench.stderr")).expect("a file for the run's errors");
    let start = Instant::now();
    let child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .expect("start infinstor");
    let (status, peak_kib) = wait(child.id());
    let wall = start.elapsed();
    if status != 0 {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap_or_default();
        panic!(
            "{command:?} exited with {status}\n--- stdout ---\n{}\n--- stderr ---\n{}",
            read("bench.stdout"),
            read("bench.stderr")
        );
    }
    Sample {
        wall,
        peak_mib: peak_kib as f64 / 1024.0,
    }
}

/// Waits for `pid` and returns its exit code and its own peak resident set in KiB (from
/// `wait4`, so earlier runs and the harness itself do not count).
fn wait(pid: u32) -> (i32, i64) {
    let mut status: libc::c_int = 0;
    // SAFETY: an all-zero rusage is a valid value of the plain C struct wait4 fills in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: pid is our own child, not yet waited for; both pointers are to live locals.
    let r = unsafe { libc::wait4(pid as libc::pid_t, &mut status, 0, &mut usage) };
    assert!(
        r == pid as libc::pid_t,
        "wait4 failed: {}",
        std::io::Error::last_os_error()
    );
    let code = if libc::WIFEXITED(status) {
        libc::WEXITSTATUS(status)
    } else {
        -1
    };
    (code, usage.ru_maxrss)
}
