//! Property tests of the state loader and the plan-file loader through the real binary: a
//! mutated state file or saved plan is refused with an error (exit 1), never a panic or an
//! abort, and a refused state file is left exactly as it was.
//!
//! CI runs 48 cases per property (each is a run of the binary); `PROPTEST_CASES=N` runs more.

use crate::util::workspace;
use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, TestRunner};

/// Resources of the built-in `random` provider: a real state and a real plan without AWS.
const CONFIG: &str = r#"
resource "random_string" "suffix" {
  length  = 8
  special = false
}

resource "random_id" "bucket" {
  byte_length = 4
  keepers = {
    suffix = random_string.suffix.result
  }
}

output "name" {
  value = "bucket-${random_id.bucket.hex}"
}
"#;

fn runner() -> TestRunner {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(48);
    TestRunner::new(Config {
        cases,
        max_shrink_iters: 16,
        ..Config::default()
    })
}

#[derive(Debug, Clone)]
enum Edit {
    /// Removes bytes.
    Delete(Index, usize),
    /// Puts in one of the bytes JSON cares about, or any byte.
    Insert(Index, u8),
    /// Changes a byte.
    Flip(Index, u8),
    /// Cuts the file short, as a write that never finished would.
    Truncate(Index),
}

fn edits() -> impl Strategy<Value = Vec<Edit>> {
    let byte = prop_oneof![prop::sample::select(&b"{}[]\",:0123456789-.eE ntfu\\"[..]), any::<u8>()];
    prop::collection::vec(
        prop_oneof![
            (any::<Index>(), 1usize..24).prop_map(|(i, n)| Edit::Delete(i, n)),
            (any::<Index>(), byte.clone()).prop_map(|(i, b)| Edit::Insert(i, b)),
            (any::<Index>(), byte).prop_map(|(i, b)| Edit::Flip(i, b)),
            any::<Index>().prop_map(Edit::Truncate),
        ],
        1..6,
    )
}

fn mutate(bytes: &[u8], edits: &[Edit]) -> Vec<u8> {
    let mut out = bytes.to_vec();
    for e in edits {
        let len = out.len().max(1);
        match e {
            Edit::Delete(i, n) => {
                let at = i.index(len).min(out.len());
                let end = (at + n).min(out.len());
                out.drain(at..end);
            }
            Edit::Insert(i, b) => {
                let at = i.index(len + 1).min(out.len());
                out.insert(at, *b);
            }
            Edit::Flip(i, b) => {
                if !out.is_empty() {
                    let at = i.index(out.len());
                    out[at] = *b;
                }
            }
            Edit::Truncate(i) => {
                let at = i.index(len).min(out.len());
                out.truncate(at);
            }
        }
    }
    out
}

/// A process that ended by panic (101) or by a signal (-1) did not answer.
fn answered(code: i32) -> bool {
    code == 0 || code == 1 || code == 2
}

#[test]
fn a_damaged_state_file_is_refused_and_left_as_it_was() {
    let ws = workspace(None);
    ws.write("main.tf", CONFIG);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let good = std::fs::read(ws.path("infinstor.state.json")).expect("state");
    let refused = std::cell::Cell::new(0);
    runner()
        .run(&edits(), |edits| {
            let bad = mutate(&good, &edits);
            std::fs::write(ws.path("infinstor.state.json"), &bad).expect("write state");
            let run = ws.run(&["apply", "-auto-approve"]);
            prop_assert!(answered(run.code), "exit {}: {}", run.code, run.stderr);
            if run.code != 0 {
                refused.set(refused.get() + 1);
                let after = std::fs::read(ws.path("infinstor.state.json")).expect("state");
                prop_assert_eq!(&after, &bad, "a refused state is not rewritten: {}", run.stderr);
                prop_assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        refused.get() > 0,
        "some mutations make the state unreadable, and those were refused"
    );
}

#[test]
fn a_damaged_saved_plan_is_refused() {
    let ws = workspace(None);
    ws.write("main.tf", CONFIG);
    ws.run(&["plan", "-out=tfplan"]).expect_code(0);
    let good = std::fs::read(ws.path("tfplan")).expect("plan file");
    let refused = std::cell::Cell::new(0);
    runner()
        .run(&edits(), |edits| {
            std::fs::write(ws.path("tfplan"), mutate(&good, &edits)).expect("write plan");
            let show = ws.run(&["show", "tfplan"]);
            prop_assert!(answered(show.code), "show: exit {}: {}", show.code, show.stderr);
            let apply = ws.run(&["apply", "tfplan"]);
            prop_assert!(answered(apply.code), "apply: exit {}: {}", apply.code, apply.stderr);
            if show.code != 0 {
                refused.set(refused.get() + 1);
                prop_assert!(!show.stderr.contains("panicked"), "{}", show.stderr);
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        refused.get() > 0,
        "some mutations make the plan unreadable, and those were refused"
    );
}
