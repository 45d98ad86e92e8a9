//! Terraform as the specification: every expression of tests/oracle/expressions.txt evaluated
//! here and compared with what Terraform answered (tests/oracle/terraform.json, recorded by
//! `scripts/oracle.sh` where `terraform` is installed) on three counts: error or not, the value
//! (its `jsonencode` text, or the console's print where there is none) and `type(...)`.
//!
//! The differences that remain are listed in tests/oracle/differences.txt. The test fails when
//! an expression disagrees that is not listed (a regression, or a new corpus line to look at) and
//! when a listed one agrees (the list must only shrink by being edited). After a deliberate
//! change, `INFINSTOR_BLESS_ORACLE=1 cargo test --test tests oracle` rewrites the list.

use crate::util;
use engine::Console;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::PathBuf;
use std::process::Stdio;

/// One of Terraform's recorded answers.
#[derive(serde::Deserialize)]
struct Answer {
    value: Option<String>,
    /// Terraform's error (summary and detail); only whether there is one is compared.
    error: Option<serde::de::IgnoredAny>,
    #[serde(rename = "type")]
    ty: Option<String>,
    json: Option<String>,
}

#[derive(serde::Deserialize)]
struct Fixtures {
    terraform_version: String,
    answers: BTreeMap<String, Answer>,
}

/// What infinstor answers for one expression.
struct Ours {
    printed: Result<String, String>,
    ty: Option<String>,
    json: Option<String>,
}

/// The ways an answer can differ, as written in differences.txt.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Count {
    Outcome,
    Value,
    Type,
}

impl Count {
    fn name(self) -> &'static str {
        match self {
            Count::Outcome => "outcome",
            Count::Value => "value",
            Count::Type => "type",
        }
    }
}

fn oracle_dir() -> PathBuf {
    test_support::repo_root().join("tests").join("oracle")
}

fn corpus() -> Vec<(String, String)> {
    let text = std::fs::read_to_string(oracle_dir().join("expressions.txt")).expect("the corpus is in the repository");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| {
            let (class, expr) = l.split_once('\t').expect("CLASS<TAB>EXPRESSION");
            (class.to_string(), expr.to_string())
        })
        .collect()
}

fn fixtures() -> Fixtures {
    let text = std::fs::read_to_string(oracle_dir().join("terraform.json")).expect("Terraform's answers are recorded");
    serde_json::from_str(&text).expect("terraform.json is what scripts/oracle/record.py writes")
}

fn ask(console: &Console, expr: &str) -> Ours {
    let printed = console.answer(expr).map_err(|d| d.summary.clone());
    let (ty, json) = if printed.is_ok() {
        let ty = console.answer(&format!("type({expr})")).ok();
        let json = console.eval(&format!("jsonencode({expr})")).ok().and_then(|v| match v {
            engine::core::value::Value::String(s) => Some(s),
            _ => None,
        });
        (ty, json)
    } else {
        (None, None)
    };
    Ours { printed, ty, json }
}

/// The counts on which `ours` differs from Terraform's answer.
fn differences(tf: &Answer, ours: &Ours) -> Vec<Count> {
    let mut out = Vec::new();
    match (&tf.error, &ours.printed) {
        (Some(_), Ok(_)) | (None, Err(_)) => out.push(Count::Outcome),
        (Some(_), Err(_)) => {}
        (None, Ok(printed)) => {
            let same = match &tf.json {
                Some(json) => ours.json.as_deref() == Some(json.as_str()),
                None => tf.value.as_deref() == Some(printed.as_str()),
            };
            if !same {
                out.push(Count::Value);
            }
            if tf.ty.is_some() && tf.ty != ours.ty {
                out.push(Count::Type);
            }
        }
    }
    out
}

/// Holds the differences found (`now`, one tab-separated line each, in the order to write
/// them) to the list in `file`: fails on a difference that is not listed and on a listed one
/// that is gone. With INFINSTOR_BLESS_ORACLE set, rewrites the list under `header` instead.
pub(crate) fn hold_to_list(file: &str, header: &str, now: &[String]) {
    let path = oracle_dir().join(file);
    if std::env::var_os("INFINSTOR_BLESS_ORACLE").is_some() {
        let text: String = std::iter::once(header.to_string())
            .chain(now.iter().map(|l| format!("{l}\n")))
            .collect();
        std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {file}: {e}"));
        return;
    }
    let listed: BTreeSet<String> = std::fs::read_to_string(&path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(str::to_string)
        .collect();
    let now: BTreeSet<String> = now.iter().cloned().collect();
    let new: Vec<_> = now.difference(&listed).take(40).collect();
    let fixed: Vec<_> = listed.difference(&now).take(40).collect();
    assert!(
        new.is_empty(),
        "{} differences from Terraform are not in tests/oracle/{file}; fix them, or if the change is deliberate rewrite the list with INFINSTOR_BLESS_ORACLE=1:\n{new:#?}",
        now.difference(&listed).count()
    );
    assert!(
        fixed.is_empty(),
        "{} listed differences now agree with Terraform: take them off tests/oracle/{file} (INFINSTOR_BLESS_ORACLE=1 rewrites it):\n{fixed:#?}",
        listed.difference(&now).count()
    );
}

#[test]
fn expressions_mean_what_terraform_says() {
    let corpus = corpus();
    let fixtures = fixtures();
    let missing: Vec<&String> = corpus
        .iter()
        .map(|(_, e)| e)
        .filter(|e| !fixtures.answers.contains_key(*e))
        .collect();
    assert!(
        missing.is_empty(),
        "{} expressions of the corpus have no recorded answer (first: {:?}); run `bash scripts/oracle.sh` where terraform is installed",
        missing.len(),
        missing.first()
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let console = Console::standalone(dir.path());
    let mut found: Vec<(String, Count, String)> = Vec::new();
    // Per class: expressions, and how many agree on every count, on the outcome, value and type.
    let mut figures: BTreeMap<String, [usize; 5]> = BTreeMap::new();
    for (class, expr) in &corpus {
        let diff = differences(&fixtures.answers[expr], &ask(&console, expr));
        let row = figures.entry(class.clone()).or_default();
        row[0] += 1;
        row[1] += usize::from(diff.is_empty());
        row[2] += usize::from(!diff.contains(&Count::Outcome));
        row[3] += usize::from(!diff.contains(&Count::Value));
        row[4] += usize::from(!diff.contains(&Count::Type));
        found.extend(diff.into_iter().map(|c| (class.clone(), c, expr.clone())));
    }
    report(&fixtures.terraform_version, &figures);

    let now: Vec<String> = found
        .iter()
        .map(|(class, count, expr)| format!("{class}\t{}\t{expr}", count.name()))
        .collect();
    hold_to_list(
        "differences.txt",
        "# Where infinstor still answers differently from Terraform: CLASS<TAB>COUNT<TAB>EXPRESSION.\n# Written by INFINSTOR_BLESS_ORACLE=1 cargo test --test tests oracle; see README, \"Terraform as the oracle\".\n",
        &now,
    );
}

/// Prints the agreement per class, the figures README quotes.
fn report(version: &str, figures: &BTreeMap<String, [usize; 5]>) {
    let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    let mut out = format!("agreement with Terraform {version}\nclass         exprs   all    outcome value  type\n");
    let mut total = [0usize; 5];
    for (class, row) in figures {
        out.push_str(&format!(
            "{class:<12} {:>6} {:>6.1}% {:>6.1}% {:>6.1}% {:>6.1}%\n",
            row[0],
            pct(row[1], row[0]),
            pct(row[2], row[0]),
            pct(row[3], row[0]),
            pct(row[4], row[0])
        ));
        for (t, r) in total.iter_mut().zip(row) {
            *t += r;
        }
    }
    out.push_str(&format!(
        "{:<12} {:>6} {:>6.1}% {:>6.1}% {:>6.1}% {:>6.1}%\n",
        "all",
        total[0],
        pct(total[1], total[0]),
        pct(total[2], total[0]),
        pct(total[3], total[0]),
        pct(total[4], total[0])
    ));
    eprint!("{out}");
    let target = test_support::repo_root().join("target").join("oracle-report.txt");
    // The report is for people; a read-only checkout must not fail the comparison over it.
    let _ = std::fs::write(target, out);
}

/// The binary's console answers as the library does, and needs no configuration to start.
#[test]
fn console_runs_outside_a_configuration_directory() {
    let ws = util::workspace(None);
    let fixtures = fixtures();
    let console = Console::standalone(&ws.cwd());
    let corpus = corpus();
    // Expressions that both tools evaluate, taken across the corpus.
    let sample: Vec<&String> = corpus
        .iter()
        .map(|(_, e)| e)
        .filter(|e| fixtures.answers[*e].json.is_some() && console.answer(&format!("jsonencode({e})")).is_ok())
        .step_by(97)
        .collect();
    assert!(sample.len() > 20, "the sample covers the corpus");
    let mut input = String::new();
    let mut expected = String::new();
    for e in &sample {
        input.push_str(&format!("jsonencode({e})\n"));
        match console.answer(&format!("jsonencode({e})")) {
            Ok(shown) => expected.push_str(&format!("{shown}\n")),
            Err(d) => panic!("the library fails on {e}: {}", d.summary),
        }
    }
    let mut child = ws
        .command(&["console"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start infinstor console");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write expressions");
    let out = child.wait_with_output().expect("console finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(0),
        "console in a directory without .tf files: {stderr}"
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), expected);
}
