//! The suite's output: one Markdown row per measurement, with its target and whether it was met.

use crate::measure::Sample;

/// A goal for one row.
pub struct Target {
    /// As README states it (`< 0.5 s, < 150 MiB`).
    pub text: String,
    /// Whether the measurement meets it.
    pub met: bool,
}

impl Target {
    /// Wall time under `secs`.
    pub fn wall(sample: &Sample, secs: f64) -> Target {
        Target {
            text: format!("< {secs} s"),
            met: sample.wall.as_secs_f64() < secs,
        }
    }

    /// Wall time under `secs` and peak memory under `mib`.
    pub fn wall_and_memory(sample: &Sample, secs: f64, mib: f64) -> Target {
        Target {
            text: format!("< {secs} s, < {mib} MiB"),
            met: sample.wall.as_secs_f64() < secs && sample.peak_mib.is_some_and(|m| m < mib),
        }
    }

    /// Wall time within `factor` times `ideal` seconds (`why` says what the ideal is).
    pub fn within(sample: &Sample, factor: f64, ideal: f64, why: &str) -> Target {
        Target {
            text: format!("< {factor} x {ideal:.2} s ({why})"),
            met: sample.wall.as_secs_f64() <= factor * ideal,
        }
    }
}

/// Rows printed as they are measured, so a long run shows progress.
#[derive(Default)]
pub struct Table {
    missed: Vec<String>,
}

impl Table {
    /// Prints the header.
    pub fn new() -> Table {
        println!("| what | N | wall | per 1k | peak memory | target | met |");
        println!("|---|---|---|---|---|---|---|");
        Table::default()
    }

    /// Prints one row.
    pub fn row(&mut self, what: &str, n: usize, sample: Sample, target: Option<Target>) {
        let wall = sample.wall.as_secs_f64();
        let per_k = wall * 1000.0 / n.max(1) as f64;
        let (goal, met) = match &target {
            Some(t) => (t.text.as_str(), if t.met { "yes" } else { "**no**" }),
            None => ("", ""),
        };
        if target.as_ref().is_some_and(|t| !t.met) {
            self.missed.push(format!("{what} ({n})"));
        }
        let peak = sample
            .peak_mib
            .map(|m| format!("{m:.0} MiB"))
            .unwrap_or_else(|| "-".into());
        println!("| {what} | {n} | {wall:.2} s | {per_k:.3} s | {peak} | {goal} | {met} |");
    }

    /// The rows that missed their targets.
    pub fn missed(&self) -> &[String] {
        &self.missed
    }
}
