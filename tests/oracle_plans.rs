//! Terraform as the specification of the language: every configuration of tests/oracle/configs
//! (built-in `terraform_data` only: counts, for_each, modules, variables and their types,
//! validations, locals, outputs, conditions, checks, moved/removed, lifecycle) planned by the
//! binary and compared with Terraform's plan of it (tests/oracle/plans.json, recorded by
//! `scripts/oracle.sh`): the exit code of `plan -detailed-exitcode`, and of the plan JSON each
//! resource change's actions, `after`, `after_unknown` and `after_sensitive`, each output change,
//! the top-level keys, the relevant attributes and the configuration.
//!
//! Remaining differences are listed in tests/oracle/plan_differences.txt (CONFIG<TAB>COUNT), with
//! the same rule as the expressions: an unlisted difference or a listed agreement fails, and
//! `INFINSTOR_BLESS_ORACLE=1` rewrites the list.

use crate::util;
use serde_json::{json, Value as Json};
use std::collections::BTreeMap;
use std::path::PathBuf;

#[derive(serde::Deserialize)]
struct Fixtures {
    terraform_version: String,
    answers: BTreeMap<String, Answer>,
}

#[derive(serde::Deserialize)]
struct Answer {
    exit_code: i32,
    plan: Option<Json>,
}

fn oracle_dir() -> PathBuf {
    test_support::repo_root().join("tests").join("oracle")
}

/// What is compared of a plan JSON: the same reduction scripts/oracle/record_plans.py makes.
fn reduce(plan: &Json) -> Json {
    let change = |c: &Json| {
        json!({
            "actions": c["actions"],
            "after": c.get("after").cloned().unwrap_or(Json::Null),
            "after_unknown": c.get("after_unknown").cloned().unwrap_or(Json::Null),
            "after_sensitive": c.get("after_sensitive").cloned().unwrap_or(Json::Null),
        })
    };
    let mut changes = serde_json::Map::new();
    for rc in plan["resource_changes"].as_array().into_iter().flatten() {
        if let Some(address) = rc["address"].as_str() {
            changes.insert(address.to_string(), change(&rc["change"]));
        }
    }
    let mut outputs = serde_json::Map::new();
    for (name, c) in plan["output_changes"].as_object().into_iter().flatten() {
        outputs.insert(name.clone(), change(c));
    }
    // `access_review` is infinstor's own key (README, "Reviewing plans"), which Terraform's
    // consumers ignore: not a difference.
    let mut keys: Vec<&String> = plan
        .as_object()
        .map(|o| o.keys().filter(|k| *k != "access_review").collect())
        .unwrap_or_default();
    keys.sort();
    let relevant: Vec<Json> = plan["relevant_attributes"].as_array().cloned().unwrap_or_default();
    // Sorted by their JSON text, as scripts/oracle/record_plans.py sorts Terraform's.
    let mut checks: Vec<Json> = plan["checks"].as_array().cloned().unwrap_or_default();
    checks.sort_by_key(|c| canonical(c));
    json!({"keys": keys, "resource_changes": changes, "output_changes": outputs, "relevant_attributes": relevant,
           "configuration": plan.get("configuration").cloned().unwrap_or(Json::Null), "checks": checks})
}

/// JSON text with object keys sorted (Python's `json.dumps(..., sort_keys=True)`, whose
/// separators are ", " and ": ").
fn canonical(v: &Json) -> String {
    match v {
        Json::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let inner: Vec<String> = keys
                .iter()
                .map(|k| format!("{}: {}", Json::from(k.as_str()), canonical(&m[*k])))
                .collect();
            format!("{{{}}}", inner.join(", "))
        }
        Json::Array(items) => format!("[{}]", items.iter().map(canonical).collect::<Vec<_>>().join(", ")),
        other => other.to_string(),
    }
}

/// infinstor's exit code and reduced plan JSON for one configuration.
fn ours(name: &str) -> (i32, Option<Json>) {
    let ws = util::workspace(None);
    ws.copy_example(&format!("tests/oracle/configs/{name}"));
    let plan = ws.run(&["plan", "-input=false", "-detailed-exitcode", "-out=tfplan"]);
    if !matches!(plan.code, 0 | 2) {
        return (plan.code, None);
    }
    let shown = ws.run(&["show", "tfplan", "--format", "json"]).expect_code(0);
    let json: Json = serde_json::from_str(&shown.stdout).expect("show --format json prints JSON");
    (plan.code, Some(reduce(&json)))
}

/// The counts on which the two plans differ.
fn differences(tf: &Answer, code: i32, plan: Option<&Json>) -> Vec<&'static str> {
    let mut out = Vec::new();
    if tf.exit_code != code {
        out.push("exit_code");
    }
    let (Some(theirs), Some(ours)) = (&tf.plan, plan) else {
        return out;
    };
    let actions = |p: &Json| -> BTreeMap<String, Json> {
        p["resource_changes"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(a, c)| (a.clone(), c["actions"].clone()))
            .collect()
    };
    if actions(theirs) != actions(ours) {
        out.push("actions");
    }
    for count in ["after", "after_unknown", "after_sensitive"] {
        let pick = |p: &Json| -> BTreeMap<String, Json> {
            p["resource_changes"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(a, c)| (a.clone(), c[count].clone()))
                .collect()
        };
        if pick(theirs) != pick(ours) {
            out.push(count);
        }
    }
    if theirs["output_changes"] != ours["output_changes"] {
        out.push("outputs");
    }
    if theirs["keys"] != ours["keys"] {
        out.push("keys");
    }
    // Compared as sets: Terraform's order is its own.
    let relevant = |p: &Json| -> Vec<(String, String)> {
        let mut all: Vec<(String, String)> = p["relevant_attributes"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| (r["resource"].to_string(), r["attribute"].to_string()))
            .collect();
        all.sort();
        all
    };
    if relevant(theirs) != relevant(ours) {
        out.push("relevant_attributes");
    }
    // The configuration as Terraform writes it (tools such as checkov read modules from it);
    // a fixture recorded before it was compared has none.
    if !theirs["configuration"].is_null() && theirs["configuration"] != ours["configuration"] {
        out.push("configuration");
    }
    // Each checkable object with its status, its instances' and their problems.
    if theirs.get("checks").is_some() && theirs["checks"] != ours["checks"] {
        out.push("checks");
    }
    out
}

#[test]
fn plans_of_terraform_data_match_terraforms() {
    let text = std::fs::read_to_string(oracle_dir().join("plans.json")).expect("Terraform's plans are recorded");
    let fixtures: Fixtures = serde_json::from_str(&text).expect("plans.json as record_plans.py writes it");
    let configs: Vec<String> = std::fs::read_dir(oracle_dir().join("configs"))
        .expect("the configuration corpus")
        .filter_map(Result::ok)
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(configs.len() >= 200, "the corpus has {} configurations", configs.len());
    let unanswered: Vec<&String> = configs.iter().filter(|c| !fixtures.answers.contains_key(*c)).collect();
    assert!(
        unanswered.is_empty(),
        "configurations without Terraform's plan: {unanswered:?}; run `bash scripts/oracle.sh` where terraform is installed"
    );
    // Two at a time: each plan is a process of its own.
    let found: Vec<(String, Vec<&'static str>)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<String>> = configs
            .chunks(configs.len().div_ceil(2))
            .map(<[String]>::to_vec)
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let fixtures = &fixtures;
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|name| {
                            let (code, plan) = ours(&name);
                            let diff = differences(&fixtures.answers[&name], code, plan.as_ref());
                            (name, diff)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a planning thread"))
            .collect()
    });
    let agree = found.iter().filter(|(_, d)| d.is_empty()).count();
    let report = format!(
        "terraform_data plans agreeing with Terraform {}: {agree} of {} ({:.1}%)\n",
        fixtures.terraform_version,
        found.len(),
        100.0 * agree as f64 / found.len() as f64
    );
    eprint!("{report}");
    let _ = std::fs::write(
        test_support::repo_root().join("target").join("oracle-plans-report.txt"),
        &report,
    );

    // Sorted: the directory lists the configurations in no particular order.
    let mut now: Vec<String> = found
        .iter()
        .flat_map(|(name, diff)| diff.iter().map(move |c| format!("{name}\t{c}")))
        .collect();
    now.sort();
    crate::oracle::hold_to_list(
        "plan_differences.txt",
        "# Where infinstor's plan of a configuration still differs from Terraform's: CONFIG<TAB>COUNT.\n# Written by INFINSTOR_BLESS_ORACLE=1 cargo test --test tests oracle_plans.\n",
        &now,
    );
}
