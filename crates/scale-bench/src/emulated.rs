//! Rows against the AWS emulator (moto's server on 127.0.0.1), through a proxy that can hold
//! every call a fixed time, as a far-away endpoint would.

use crate::generate;
use crate::measure::{self, Sample};
use crate::table::{Table, Target};
use std::path::Path;
use std::time::{Duration, Instant};
use test_support::{Moto, Proxy, Rule, Workspace};

/// Everything the emulator rows share.
pub struct Emulator {
    binary: std::path::PathBuf,
    moto: Moto,
    proxy: Proxy,
}

impl Emulator {
    /// Starts the emulator (panics with how to install it when it cannot) and the proxy.
    pub fn start(binary: &Path) -> Emulator {
        let moto = Moto::start();
        let proxy = Proxy::start(&moto.endpoint);
        Emulator {
            binary: binary.to_path_buf(),
            moto,
            proxy,
        }
    }

    /// A fresh emulator account and a workspace holding `config`.
    fn workspace(&self, config: &str) -> Workspace {
        self.moto.reset();
        let ws = Workspace::new(&self.binary, Some(&self.moto));
        ws.write("main.tf", config);
        ws
    }

    /// Runs `args` in `ws` straight against the emulator, measured.
    fn time(&self, ws: &Workspace, args: &[&str]) -> Sample {
        measure::run(ws.command(args), ws.dir.path())
    }

    /// Runs `args` in `ws` through the proxy holding each call `latency`; returns the wall
    /// time, the calls made and the most that were in flight at once.
    fn time_proxied(&self, ws: &Workspace, args: &[&str], latency: Duration) -> (Sample, usize, usize) {
        self.proxy.set_rule(if latency.is_zero() {
            Rule::Pass
        } else {
            Rule::Latency(latency)
        });
        let mut c = ws.command(args);
        c.env("AWS_ENDPOINT_URL", &self.proxy.endpoint);
        let start = Instant::now();
        let (run, _) = self.proxy.run(c);
        let wall = start.elapsed();
        assert_eq!(run.code, 0, "{args:?} failed\n{}\n{}", run.stdout, run.stderr);
        let sample = Sample { wall, peak_mib: None };
        (sample, self.proxy.calls().len(), self.proxy.most_in_flight())
    }
}

/// Applying and destroying one zone with `count = N` records, at each of `sizes`.
pub fn route53(emulator: &Emulator, sizes: &[usize], table: &mut Table) {
    for &n in sizes {
        let ws = emulator.workspace(&generate::records(n));
        let apply = emulator.time(&ws, &["apply", "-auto-approve"]);
        let target = matches!(n, 1_000 | 2_000 | 5_000).then(|| Target::wall(&apply, n as f64 / 1000.0));
        table.row("apply, Route 53 records in one zone", n, apply, target);
        let destroy = emulator.time(&ws, &["destroy", "-auto-approve"]);
        let target = matches!(n, 1_000 | 2_000).then(|| Target::wall(&destroy, n as f64 / 1000.0));
        table.row("destroy, Route 53 records in one zone", n, destroy, target);
    }
}

/// Applies under injected latency: what the apply's calls, its longest chain and
/// `-parallelism` allow, against what it took. The emulator serves one call at a time, so the
/// same apply without latency (CPU-bound: emulator and binary on the same cores) bounds it too.
pub fn latency(emulator: &Emulator, table: &mut Table) {
    // (name, configuration, resources, calls on the longest chain, ms per call, parallelism)
    let cases: [(&str, String, usize, usize, u64, usize); 4] = [
        ("40 independent parameters", generate::independent(40), 40, 4, 200, 1),
        ("40 independent parameters", generate::independent(40), 40, 4, 200, 10),
        (
            "300 roles (count) + chain of 5 parameters",
            generate::count_and_chain(300, 5),
            305,
            20,
            100,
            10,
        ),
        (
            "300 roles (count) + chain of 5 parameters",
            generate::count_and_chain(300, 5),
            305,
            20,
            100,
            50,
        ),
    ];
    for (name, config, n, chain, ms, parallelism) in cases {
        let args = ["apply", "-auto-approve", &format!("-parallelism={parallelism}")];
        let ws = emulator.workspace(&config);
        let (unhindered, _, _) = emulator.time_proxied(&ws, &args, Duration::ZERO);
        let ws = emulator.workspace(&config);
        let latency = Duration::from_millis(ms);
        let (sample, calls, most) = emulator.time_proxied(&ws, &args, latency);
        let ideal = ideal(calls, latency, parallelism)
            .max(chain as f64 * latency.as_secs_f64())
            .max(unhindered.wall.as_secs_f64());
        table.row(
            &format!(
                "apply, {ms} ms per call, -parallelism={parallelism}: {name} ({calls} calls, {most} in flight; {:.2} s without latency)",
                unhindered.wall.as_secs_f64()
            ),
            n,
            sample,
            Some(Target::within(
                &sample,
                1.1,
                ideal,
                "the largest of calls x latency / parallelism, the longest chain's calls x latency, and the run without latency",
            )),
        );
    }
}

/// Refreshing `n` mixed objects (a plan with no changes) under 100 ms per call at
/// parallelism 50. The emulator serves one call at a time, so its own time for the same calls
/// (the plan without latency) bounds the run as much as the latency does.
pub fn refresh(emulator: &Emulator, n: usize, table: &mut Table) {
    let ws = emulator.workspace(&generate::mixed(n));
    ws.run(&["apply", "-auto-approve", "-parallelism=20"]).expect_code(0);
    let plan = ["plan", "-parallelism=50", "-detailed-exitcode"];
    let (unhindered, _, _) = emulator.time_proxied(&ws, &plan, Duration::ZERO);
    let latency = Duration::from_millis(100);
    let (sample, calls, most) = emulator.time_proxied(&ws, &plan, latency);
    let ideal = ideal(calls, latency, 50).max(unhindered.wall.as_secs_f64());
    table.row(
        &format!(
            "refresh (plan, no changes), 100 ms per call, -parallelism=50: mixed objects ({calls} calls, {most} in flight; {:.2} s without latency)",
            unhindered.wall.as_secs_f64()
        ),
        n,
        sample,
        Some(Target::within(&sample, 1.2, ideal, "the larger of calls x latency / parallelism and the run without latency")),
    );
}

/// What `calls` calls of `latency` each take at best, `parallelism` at a time.
fn ideal(calls: usize, latency: Duration, parallelism: usize) -> f64 {
    calls as f64 * latency.as_secs_f64() / parallelism as f64
}
