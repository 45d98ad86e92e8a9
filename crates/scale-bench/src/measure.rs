//! Runs the binary once and measures it: wall time and the peak memory of that one process.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What one run cost.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    /// From start to exit.
    pub wall: Duration,
    /// The process's peak resident memory, in MiB (`None`: not measured).
    pub peak_mib: Option<f64>,
}

/// Runs `command` (its output goes to files in `dir`, so a large output costs the harness
/// nothing) and panics with the output when it fails: a broken run is never reported as a time.
pub fn run(mut command: Command, dir: &Path) -> Sample {
    let out = std::fs::File::create(dir.join("bench.stdout")).expect("a file for the run's output");
    let err = std::fs::File::create(dir.join("bench.stderr")).expect("a file for the run's errors");
    let start = Instant::now();
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::from(out))
        .stderr(Stdio::from(err))
        .spawn()
        .expect("start infinstor");
    // The binary's own high-water mark, sampled until it exits. (wait4's ru_maxrss would
    // count the harness's memory too: Linux keeps the forked copy's peak across exec.)
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0u64;
    let status = loop {
        if let Some(hwm) = std::fs::read_to_string(&status_file).ok().and_then(|s| vm_hwm(&s)) {
            peak_kib = peak_kib.max(hwm);
        }
        match child.try_wait().expect("wait for infinstor") {
            Some(status) => break status.code().unwrap_or(-1),
            None => std::thread::sleep(Duration::from_millis(5)),
        }
    };
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
        peak_mib: Some(peak_kib as f64 / 1024.0),
    }
}

/// `VmHWM` of a `/proc/PID/status`, in KiB.
fn vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}
