//! Times the `infinstor` binary on generated configurations and states of 1k to 30k resources
//! (plan, validate, `show` of the state, `for_each` against `count`), with no AWS involved:
//! `random_id` resources plan and apply without network calls. Prints one row per size with the
//! wall time and the time per resource, so growth worse than linear shows as a rising second
//! column.
//!
//! `cargo run -p scale-bench --release -- [BINARY] [SIZES...]`; BINARY defaults to
//! `target/release/infinstor`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let binary = PathBuf::from(args.next().unwrap_or_else(|| "target/release/infinstor".into()));
    if !binary.exists() {
        eprintln!(
            "error: no infinstor binary at {}: build it (cargo build --release) or pass its path.",
            binary.display()
        );
        std::process::exit(2);
    }
    let binary = binary.canonicalize().unwrap_or(binary);
    let sizes: Vec<usize> = {
        let given: Vec<usize> = args.filter_map(|a| a.parse().ok()).collect();
        if given.is_empty() {
            vec![1_000, 3_000, 10_000, 30_000]
        } else {
            given
        }
    };
    println!("| what | resources | wall | per 1k resources |");
    println!("|---|---|---|---|");
    for &n in &sizes {
        row(
            "plan, empty state, -refresh=false",
            n,
            time(&binary, &blocks(n), None, &["plan", "-refresh=false"]),
        );
    }
    for &n in &sizes {
        row("validate", n, time(&binary, &blocks(n), None, &["validate"]));
    }
    for &n in &sizes {
        row("show (state)", n, time(&binary, &blocks(0), Some(&state(n)), &["show"]));
    }
    for &n in &sizes {
        row(
            "plan, count = N",
            n,
            time(&binary, &counted(n), None, &["plan", "-refresh=false"]),
        );
    }
    for &n in &sizes {
        row(
            "plan, for_each over N",
            n,
            time(&binary, &for_each(n), None, &["plan", "-refresh=false"]),
        );
    }
}

fn row(what: &str, n: usize, wall: Duration) {
    let per_k = wall.as_secs_f64() * 1000.0 / n.max(1) as f64;
    println!("| {what} | {n} | {:.2} s | {per_k:.3} s |", wall.as_secs_f64());
}

/// Runs `args` in a fresh directory holding `config` (and `state`, if any); panics with the
/// output when the command fails, so a broken run is never reported as a time.
fn time(binary: &Path, config: &str, state: Option<&str>, args: &[&str]) -> Duration {
    let dir = tempfile::tempdir().expect("a temporary directory");
    std::fs::write(dir.path().join("main.tf"), config).expect("write main.tf");
    if let Some(s) = state {
        std::fs::write(dir.path().join("infinstor.state.json"), s).expect("write state");
    }
    let start = Instant::now();
    let out = Command::new(binary)
        .args(args)
        .current_dir(dir.path())
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .expect("run infinstor");
    let wall = start.elapsed();
    assert!(
        out.status.success(),
        "infinstor {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    wall
}

fn blocks(n: usize) -> String {
    let mut s = String::from("terraform {\n  required_version = \">= 1.5\"\n}\n");
    for i in 0..n {
        s.push_str(&format!(
            "\nresource \"random_id\" \"r{i}\" {{\n  byte_length = 4\n}}\n"
        ));
    }
    s
}

fn counted(n: usize) -> String {
    format!("resource \"random_id\" \"r\" {{\n  count       = {n}\n  byte_length = 4\n}}\n")
}

fn for_each(n: usize) -> String {
    let keys: Vec<String> = (0..n).map(|i| format!("\"k{i}\"")).collect();
    format!(
        "locals {{\n  keys = [{}]\n}}\n\nresource \"random_id\" \"r\" {{\n  for_each    = toset(local.keys)\n  byte_length = 4\n}}\n",
        keys.join(", ")
    )
}

/// A state of `n` random_id instances, as `apply` writes it.
fn state(n: usize) -> String {
    let resources: Vec<serde_json::Value> = (0..n)
        .map(|i| {
            serde_json::json!({
                "address": format!("random_id.r{i}"),
                "mode": "managed",
                "type": "random_id",
                "name": format!("r{i}"),
                "provider": "random",
                "instances": [{
                    "provider": "random",
                    "attributes": {
                        "b64_std": "xA31VQ==", "b64_url": "xA31VQ", "byte_length": 4,
                        "dec": "3289249109", "hex": "c40df555", "id": format!("id{i}"),
                        "keepers": null, "prefix": null
                    }
                }]
            })
        })
        .collect();
    serde_json::json!({
        "format_version": 1,
        "infinstor_version": "0.1.0",
        "serial": 1,
        "lineage": "00000000-0000-4000-8000-000000000000",
        "outputs": {},
        "resources": resources,
    })
    .to_string()
}
