//! Rows that need no AWS: `random_id` resources plan and apply without network calls, so these
//! time the engine alone (parsing, expansion, graph, diff, state and plan files).

use crate::generate;
use crate::measure::{self, Sample};
use crate::table::{Table, Target};
use std::path::Path;
use std::process::Command;

/// Runs `args` in a fresh directory holding `config` as its main.tf (and `state`, if any),
/// [`RUNS`] times, and returns the median run; `before` runs first, untimed (to save a plan the
/// timed command reads).
fn time(binary: &Path, config: &str, state: Option<&str>, before: Option<&[&str]>, args: &[&str]) -> Sample {
    time_files(binary, &[("main.tf", config.to_string())], state, before, args)
}

/// [`time`] in a directory holding `files` (relative paths and their contents).
fn time_files(
    binary: &Path,
    files: &[(&str, String)],
    state: Option<&str>,
    before: Option<&[&str]>,
    args: &[&str],
) -> Sample {
    let dir = tempfile::tempdir().expect("a temporary directory");
    for (path, content) in files {
        let path = dir.path().join(path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create a module directory");
        }
        std::fs::write(&path, content).expect("write a configuration file");
    }
    if let Some(s) = state {
        std::fs::write(dir.path().join("infinstor.state.json"), s).expect("write state");
    }
    let command = |args: &[&str]| {
        let mut c = Command::new(binary);
        c.args(args).current_dir(dir.path()).env("NO_COLOR", "1");
        c
    };
    if let Some(before) = before {
        measure::run(command(before), dir.path());
    }
    // The median of three runs: one run on a shared 2-core machine varies by a third.
    let mut runs: Vec<Sample> = (0..RUNS).map(|_| measure::run(command(args), dir.path())).collect();
    runs.sort_by_key(|s| s.wall);
    runs[RUNS / 2]
}

/// Whether `binary` writes plans as HTML (`show --format html`).
fn supports_html(binary: &Path) -> bool {
    Command::new(binary)
        .args(["show", "--help"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("html"))
}

/// Runs per measurement.
const RUNS: usize = 3;

/// Runs `args` on configuration `a`, then on `b`, five times in turn, each in its own
/// directory; returns the median run of each.
fn time_pair(binary: &Path, a: &str, b: &str, args: &[&str]) -> (Sample, Sample) {
    let dirs: Vec<tempfile::TempDir> = [a, b]
        .iter()
        .map(|config| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            std::fs::write(dir.path().join("main.tf"), config).expect("write main.tf");
            dir
        })
        .collect();
    let mut runs: [Vec<Sample>; 2] = [Vec::new(), Vec::new()];
    for _ in 0..5 {
        for (i, dir) in dirs.iter().enumerate() {
            let mut c = Command::new(binary);
            c.args(args).current_dir(dir.path()).env("NO_COLOR", "1");
            runs[i].push(measure::run(c, dir.path()));
        }
    }
    let median = |mut v: Vec<Sample>| {
        v.sort_by_key(|s| s.wall);
        v[v.len() / 2]
    };
    let [first, second] = runs;
    (median(first), median(second))
}

/// Runs `args` [`RUNS`] times, each in a fresh directory holding `config` and nothing else (a
/// command that changes its directory, such as apply), and returns the median run.
fn time_fresh(binary: &Path, config: &str, args: &[&str]) -> Sample {
    let mut runs: Vec<Sample> = (0..RUNS)
        .map(|_| {
            let dir = tempfile::tempdir().expect("a temporary directory");
            std::fs::write(dir.path().join("main.tf"), config).expect("write main.tf");
            let mut c = Command::new(binary);
            c.args(args).current_dir(dir.path()).env("NO_COLOR", "1");
            measure::run(c, dir.path())
        })
        .collect();
    runs.sort_by_key(|s| s.wall);
    runs[RUNS / 2]
}

/// Plan, apply, validate, `show` of a state and of a saved plan as JSON, `count` and `for_each`,
/// at each of `sizes`; validate, `count` and `for_each` also at `large`.
pub fn run(binary: &Path, sizes: &[usize], large: usize, table: &mut Table) {
    let plan = ["plan", "-refresh=false"];
    for &n in sizes {
        let s = time(binary, &generate::blocks(n), None, None, &plan);
        let target = match n {
            10_000 => Some(Target::wall_and_memory(&s, 0.5, 150.0)),
            30_000 => Some(Target::wall(&s, 1.5)),
            _ => None,
        };
        table.row("plan, empty state, -refresh=false", n, s, target);
    }
    // Every resource's create is recorded in the state as it finishes (the journal).
    for &n in sizes {
        let s = time_fresh(binary, &generate::blocks(n), &["apply", "-auto-approve"]);
        table.row("apply, empty state", n, s, None);
    }
    for &n in sizes.iter().chain([large].iter()) {
        let s = time(binary, &generate::blocks(n), None, None, &["validate"]);
        let target = (n == 100_000).then(|| Target::wall(&s, 3.0));
        table.row("validate", n, s, target);
    }
    for &n in sizes {
        let s = time(binary, &generate::blocks(0), Some(&generate::state(n)), None, &["show"]);
        let target = match n {
            1_000 => Some(Target::wall(&s, 0.2)),
            3_000 => Some(Target::wall(&s, 0.5)),
            _ => None,
        };
        table.row("show (state)", n, s, target);
    }
    for &n in sizes {
        let s = time(
            binary,
            &generate::blocks(n),
            None,
            Some(&["plan", "-refresh=false", "-out=bench.plan"]),
            &["show", "bench.plan", "--format", "json"],
        );
        let target = (n == 30_000).then(|| Target::wall_and_memory(&s, 1.5, 300.0));
        table.row("show PLAN --format json", n, s, target);
    }
    // Each module instance is a node of the JSON's module tree.
    for &n in sizes {
        let s = time_files(
            binary,
            &generate::module_instances(n),
            None,
            Some(&["plan", "-refresh=false", "-out=bench.plan"]),
            &["show", "bench.plan", "--format", "json"],
        );
        table.row("show PLAN --format json, module with count = N", n, s, None);
    }
    // The plan as a picture: layout, diffs and page of every change (builds before it have
    // no such format, and no such rows).
    if supports_html(binary) {
        for &n in sizes {
            let s = time_files(
                binary,
                &generate::module_instances(n),
                None,
                Some(&["plan", "-refresh=false", "-out=bench.plan"]),
                &["show", "bench.plan", "--format", "html"],
            );
            let target = (n == 10_000).then(|| Target::wall_and_memory(&s, 2.0, 300.0));
            table.row("show PLAN --format html, module with count = N", n, s, target);
        }
    }
    for &n in sizes.iter().chain([large].iter()) {
        let s = time(binary, &generate::counted(n), None, None, &plan);
        table.row("plan, count = N", n, s, None);
    }
    for &n in sizes {
        let s = time(binary, &generate::for_each(n), None, None, &plan);
        table.row("plan, for_each over N", n, s, None);
    }
    // for_each against count over the same N keys: what differs is only the meta-argument. The
    // two are run in turn, five times each, so that the machine's load falls on both alike.
    let (same_input, each) = time_pair(
        binary,
        &generate::count_over_keys(large),
        &generate::for_each(large),
        &plan,
    );
    table.row("plan, count = length(toset(N keys))", large, same_input, None);
    let target = Target::within(&each, 1.2, same_input.wall.as_secs_f64(), "count over the same keys");
    table.row("plan, for_each over N", large, each, Some(target));
}
