//! The benchmark suite: times the `infinstor` binary against every size and speed target README
//! states, and prints one Markdown table with each row's target and whether it was met (exit
//! code 1 when any was missed).
//!
//! - Without AWS (`random_id` resources): plan, validate, `show` of a state and of a saved plan
//!   as JSON, `count` and `for_each`, at 1k, 3k, 10k and 30k resources (and 100k for validate,
//!   `count` and `for_each`), with wall time, time per 1,000 resources (a constant column means
//!   linear growth) and peak memory.
//! - Against the emulator: Route 53 records applied and destroyed in one zone; applies under
//!   injected latency; a refresh of 1,000 mixed objects under latency.
//!
//! `cargo run -p scale-bench -- [BINARY] [--offline | --emulated] [SIZES...]` (`--offline`: only
//! the rows without AWS; `--emulated`: only those against the emulator); BINARY defaults to
//! `target/release/infinstor`, the build the targets are for. The harness itself may be a debug
//! build: only the binary's runs are timed.

mod emulated;
mod generate;
mod measure;
mod offline;
mod table;

use std::path::PathBuf;

fn main() {
    let mut binary = PathBuf::from("target/release/infinstor");
    let mut offline_only = false;
    let mut emulated_only = false;
    let mut sizes: Vec<usize> = Vec::new();
    for arg in std::env::args().skip(1) {
        if arg == "--offline" {
            offline_only = true;
        } else if arg == "--emulated" {
            emulated_only = true;
        } else if let Ok(n) = arg.parse() {
            sizes.push(n);
        } else if arg.starts_with('-') {
            eprintln!("error: unknown option {arg}; usage: scale-bench [BINARY] [--offline | --emulated] [SIZES...]");
            std::process::exit(2);
        } else {
            binary = PathBuf::from(arg);
        }
    }
    if !binary.exists() {
        eprintln!(
            "error: no infinstor binary at {}: build it (cargo build --release --bin infinstor) or pass its path.",
            binary.display()
        );
        std::process::exit(2);
    }
    let binary = binary.canonicalize().unwrap_or(binary);
    if sizes.is_empty() {
        sizes = vec![1_000, 3_000, 10_000, 30_000];
    }
    let mut table = table::Table::new();
    if !emulated_only {
        offline::run(&binary, &sizes, 100_000, &mut table);
    }
    if !offline_only {
        let emulator = emulated::Emulator::start(&binary);
        emulated::route53(&emulator, &[1_000, 2_000, 5_000], &mut table);
        emulated::latency(&emulator, &mut table);
        emulated::refresh(&emulator, 1_000, &mut table);
    }
    if !table.missed().is_empty() {
        eprintln!("missed targets: {}", table.missed().join("; "));
        std::process::exit(1);
    }
}
