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

    /// Runs `args` in `ws` through the proxy holding each call `latency`.
    fn time_proxied(&self, ws: &Workspace, args: &[&str], latency: Duration) -> Proxied {
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
        let calls = self.proxy.calls();
        let answers = calls
            .iter()
            .map(|c| (c.kind.clone(), c.answered.saturating_duration_since(c.received)))
            .collect();
        Proxied {
            sample: Sample { wall, peak_mib: None },
            calls: calls.len(),
            most_in_flight: self.proxy.most_in_flight(),
            answers,
        }
    }
}

/// One run through the proxy.
struct Proxied {
    sample: Sample,
    calls: usize,
    most_in_flight: usize,
    /// Each call's kind and how long it took to be answered, as the proxy saw it.
    answers: Vec<(String, Duration)>,
}

impl Proxied {
    /// The mean time to answer the calls whose kind starts with `prefix` ("" for all).
    fn mean_answer(&self, prefix: &str) -> Duration {
        let times: Vec<Duration> = self
            .answers
            .iter()
            .filter(|(kind, _)| kind.starts_with(prefix))
            .map(|(_, t)| *t)
            .collect();
        match times.len() {
            0 => Duration::ZERO,
            n => times.iter().sum::<Duration>() / n as u32,
        }
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

/// One apply timed under injected latency.
struct LatencyCase {
    name: &'static str,
    config: String,
    resources: usize,
    /// Calls on the longest chain of dependent resources (an SSM parameter's create is two:
    /// PutParameter, then GetParameter); the chain is of SSM parameters.
    chain_calls: usize,
    latency_ms: u64,
    parallelism: usize,
}

/// Applies under injected latency, against what the apply's calls, its longest chain and
/// `-parallelism` allow, with each call taking as long as the endpoint took to answer it in
/// this very run (the injected latency plus the emulator's own time, its queue included: it
/// serves one call at a time, on the cores the binary uses too). What is left over is the
/// binary's: start-up, planning, the gaps between one call's answer and the next call. The
/// same apply without latency bounds the run as well.
///
/// Each timed apply starts from an emulator that has served the same kinds of calls (the run
/// without latency, destroyed again): a service's first call after a reset costs the emulator
/// 1 to 2 s of its own start-up (SSM's and IAM's built-in objects), which is not ours to count.
pub fn latency(emulator: &Emulator, table: &mut Table) {
    let independent = |parallelism| LatencyCase {
        name: "40 independent parameters",
        config: generate::independent(40),
        resources: 40,
        chain_calls: 2,
        latency_ms: 200,
        parallelism,
    };
    let count_and_chain = |parallelism| LatencyCase {
        name: "300 roles (count) + chain of 5 parameters",
        config: generate::count_and_chain(300, 5),
        resources: 305,
        chain_calls: 10,
        latency_ms: 100,
        parallelism,
    };
    for case in [
        independent(1),
        independent(10),
        count_and_chain(10),
        count_and_chain(50),
    ] {
        let p = case.parallelism;
        let ws = emulator.workspace(&case.config);
        let args = ["apply", "-auto-approve", &format!("-parallelism={p}")];
        let unhindered = emulator.time_proxied(&ws, &args, Duration::ZERO);
        ws.run(&["destroy", "-auto-approve"]).expect_code(0);
        let run = emulator.time_proxied(&ws, &args, Duration::from_millis(case.latency_ms));
        let (all, chain) = (run.mean_answer(""), run.mean_answer("ssm "));
        let ideal = (run.calls as f64 * all.as_secs_f64() / p as f64)
            .max(case.chain_calls as f64 * chain.as_secs_f64())
            .max(unhindered.sample.wall.as_secs_f64());
        table.row(
            &format!(
                "apply, {} ms per call, -parallelism={p}: {} ({} calls answered in {:.0} ms on average, {:.0} ms on the chain; {} in flight; {:.2} s without latency)",
                case.latency_ms,
                case.name,
                run.calls,
                all.as_secs_f64() * 1000.0,
                chain.as_secs_f64() * 1000.0,
                run.most_in_flight,
                unhindered.sample.wall.as_secs_f64()
            ),
            case.resources,
            run.sample,
            Some(Target::within(
                &run.sample,
                1.1,
                ideal,
                "the largest of calls x answer time / parallelism, the longest chain's calls x answer time, and the run without latency",
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
    let unhindered = emulator.time_proxied(&ws, &plan, Duration::ZERO);
    let latency = Duration::from_millis(100);
    let run = emulator.time_proxied(&ws, &plan, latency);
    let (calls, most, sample) = (run.calls, run.most_in_flight, run.sample);
    let unhindered = unhindered.sample;
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
