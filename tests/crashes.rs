//! Crash and fault safety through the real binary. A proxy in front of the emulator kills
//! `infinstor` (SIGKILL) right before or right after one AWS call of an apply or a destroy, at
//! every kind of call the run makes; after each kill the state parses, the next run converges,
//! and the account holds exactly what a run without a crash leaves: no orphan, no duplicate,
//! checked through the SDK. The same proxy throttles and loses answers for the fault test.
//!
//! `INFINSTOR_CRASH_SWEEP=full` kills at every request instead of at the first request of each
//! kind (minutes per scenario).

use crate::util::{block_on, start_moto, workspace, Clients, Moto, Workspace};
use std::collections::BTreeMap;
use test_support::{Call, Proxy, Rule};

/// A configuration to crash, and what the account holds before.
struct Scenario {
    /// `examples/NAME` of the repository, or a name for `inline`.
    example: &'static str,
    /// The configuration itself, when it is not an example of the repository.
    inline: Option<&'static str>,
    args: &'static [&'static str],
    setup: fn(&Moto),
    /// Kill also at these fractions of a run's calls, where many calls are in flight at once.
    midway: bool,
}

/// Forty resources in four groups, two of them depending on the others: instances created in
/// parallel when the kill comes.
const FORTY: &str = r#"
resource "aws_iam_role" "worker" {
  count = 10
  name  = "crash-worker-${count.index}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ec2.amazonaws.com" } }]
  })
}

resource "aws_ssm_parameter" "role" {
  count = 10
  name  = "/crash/worker/${count.index}/role"
  type  = "String"
  value = aws_iam_role.worker[count.index].arn
}

resource "aws_s3_bucket" "data" {
  for_each = toset([for i in range(10) : "crash-data-${i}"])
  bucket   = each.key
}

resource "aws_ssm_parameter" "bucket" {
  for_each = aws_s3_bucket.data
  name     = "/crash/bucket/${each.key}"
  type     = "String"
  value    = each.value.arn
}
"#;

const FORTY_RESOURCES: Scenario = Scenario {
    example: "forty resources",
    inline: Some(FORTY),
    args: &[],
    setup: |_| {},
    midway: true,
};

/// Seed 003 with seed 001's customer managed key: a KMS key has no name, so only its intent
/// tells a crashed create's key from a stranger's.
const MLFLOW_ARTIFACTS: Scenario = Scenario {
    example: "examples/mlflow-artifacts",
    inline: None,
    args: &[
        "--var",
        "external_id=mlflow-ext-1234",
        "--var",
        "encryption=sse-kms-cmk",
    ],
    setup: |_| {},
    midway: false,
};

const INFINSTOR_DNS: Scenario = Scenario {
    example: "examples/infinstor-dns",
    inline: None,
    args: &[],
    setup: |moto| {
        block_on(async {
            moto.route53()
                .create_hosted_zone()
                .name("example.com")
                .caller_reference("infinstor-crash-test")
                .send()
                .await
                .expect("hosted zone");
        });
    },
    midway: false,
};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Apply,
    Destroy,
}

/// What an account holds, by kind: names where they are chosen by the configuration, `*` for
/// identifiers AWS makes up, so two accounts compare equal exactly when they hold the same
/// objects, each once.
type Inventory = BTreeMap<&'static str, Vec<String>>;

/// What differs between two inventories, kind by kind (`+` only in `got`, `-` only in `want`).
fn differences(got: &Inventory, want: &Inventory) -> String {
    let mut out = Vec::new();
    for kind in got.keys().chain(want.keys()).collect::<std::collections::BTreeSet<_>>() {
        let (g, w) = (
            got.get(kind).cloned().unwrap_or_default(),
            want.get(kind).cloned().unwrap_or_default(),
        );
        if g != w {
            let mut rest = w.clone();
            for x in &g {
                match rest.iter().position(|y| y == x) {
                    Some(i) => {
                        rest.remove(i);
                    }
                    None => out.push(format!("{kind}: + {x}")),
                }
            }
            out.extend(rest.into_iter().map(|x| format!("{kind}: - {x}")));
        }
    }
    out.join("\n")
}

fn inventory(moto: &Moto) -> Inventory {
    block_on(async {
        let mut inv: Inventory = BTreeMap::new();
        let mut put = |kind: &'static str, item: String| inv.entry(kind).or_default().push(item);
        let s3 = moto.s3();
        for b in s3.list_buckets().send().await.expect("list buckets").buckets() {
            let name = b.name().unwrap_or_default().to_string();
            put("s3 bucket", name.clone());
            if s3.get_bucket_cors().bucket(&name).send().await.is_ok() {
                put("s3 cors", name.clone());
            }
            if s3.get_bucket_policy().bucket(&name).send().await.is_ok() {
                put("s3 policy", name.clone());
            }
        }
        let iam = moto.iam();
        for r in iam.list_roles().send().await.expect("list roles").roles() {
            put("iam role", r.role_name().to_string());
            let inline = iam
                .list_role_policies()
                .role_name(r.role_name())
                .send()
                .await
                .expect("role policies");
            for p in inline.policy_names() {
                put("iam role policy", format!("{}/{p}", r.role_name()));
            }
            let attached = iam
                .list_attached_role_policies()
                .role_name(r.role_name())
                .send()
                .await
                .expect("attached policies");
            for p in attached.attached_policies() {
                put(
                    "iam attachment",
                    format!("{}/{}", r.role_name(), p.policy_name().unwrap_or_default()),
                );
            }
        }
        let local = iam
            .list_policies()
            .scope(aws_sdk_iam::types::PolicyScopeType::Local)
            .send()
            .await
            .expect("list policies");
        for p in local.policies() {
            put("iam policy", p.policy_name().unwrap_or_default().to_string());
        }
        let kms = moto.kms();
        for k in kms.list_keys().send().await.expect("list keys").keys() {
            let key = kms
                .describe_key()
                .key_id(k.key_id().unwrap_or_default())
                .send()
                .await
                .expect("describe key");
            let state = key
                .key_metadata()
                .and_then(|m| m.key_state())
                .map(|s| s.as_str().to_string());
            if state.as_deref() != Some("PendingDeletion") {
                put("kms key", "*".into());
            }
        }
        let acm = moto.acm();
        for c in acm
            .list_certificates()
            .send()
            .await
            .expect("list certificates")
            .certificate_summary_list()
        {
            put("acm certificate", c.domain_name().unwrap_or_default().to_string());
        }
        let r53 = moto.route53();
        for z in r53.list_hosted_zones().send().await.expect("zones").hosted_zones() {
            put("route53 zone", z.name().to_string());
            let records = r53
                .list_resource_record_sets()
                .hosted_zone_id(z.id())
                .send()
                .await
                .expect("records");
            for r in records.resource_record_sets() {
                let kind = r.r#type().as_str();
                if kind != "SOA" && kind != "NS" {
                    put("route53 record", format!("{} {kind}", r.name()));
                }
            }
        }
        let cfn = moto.cloudformation();
        for s in cfn.list_stacks().send().await.expect("stacks").stack_summaries() {
            let status = s.stack_status().map(|x| x.as_str().to_string()).unwrap_or_default();
            if status != "DELETE_COMPLETE" {
                put("cloudformation stack", s.stack_name().unwrap_or_default().to_string());
            }
        }
        let ssm = moto.ssm();
        let mut next = None;
        loop {
            let page = ssm
                .describe_parameters()
                .set_next_token(next)
                .send()
                .await
                .expect("parameters");
            for p in page.parameters() {
                put("ssm parameter", p.name().unwrap_or_default().to_string());
            }
            next = page.next_token().map(str::to_string);
            if next.is_none() {
                break;
            }
        }
        for list in inv.values_mut() {
            list.sort();
        }
        inv
    })
}

/// The instances the state records (`state list`); panics when the state file does not parse.
fn recorded(ws: &Workspace) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(ws.path("infinstor.state.json")) else {
        return Vec::new();
    };
    serde_json::from_str::<serde_json::Value>(&text).expect("the state file parses after a kill");
    // Through the binary: the state file with the journal an apply left beside it.
    let list = ws.run(&["state", "list"]).expect_code(0);
    let mut out: Vec<String> = list.stdout.lines().map(str::to_string).collect();
    let pulled = ws.run(&["state", "pull"]).expect_code(0).stdout;
    if pulled.contains("\"deposed\"") {
        out.push("(a deposed object)".into());
    }
    out
}

/// A fresh account (emulator reset, then the scenario's setup) and a fresh copy of the example.
fn fresh(moto: &Moto, scenario: &Scenario) -> Workspace {
    moto.reset();
    (scenario.setup)(moto);
    let ws = workspace(Some(moto));
    match scenario.inline {
        Some(config) => ws.write("main.tf", config),
        None => ws.copy_example(scenario.example),
    }
    ws
}

fn args<'a>(verb: &'a str, scenario: &'a Scenario) -> Vec<&'a str> {
    let mut a = vec![verb, "--auto-approve"];
    a.extend_from_slice(scenario.args);
    a
}

/// Runs `verb` with every AWS call through the proxy.
fn through(proxy: &Proxy, ws: &Workspace, verb: &str, scenario: &Scenario) -> (test_support::Run, bool) {
    let mut c = ws.command(&args(verb, scenario));
    c.env("AWS_ENDPOINT_URL", &proxy.endpoint);
    proxy.run(c)
}

/// The first request of each kind: every kind of call is a kill point, each once; with
/// `midway`, also the calls a third, half and two thirds into the run.
fn kill_points(calls: &[Call], midway: bool) -> Vec<(usize, String)> {
    let full = std::env::var("INFINSTOR_CRASH_SWEEP").is_ok_and(|v| v == "full");
    let n = calls.len();
    let middle = [n / 3, n / 2, 2 * n / 3];
    let mut seen = std::collections::BTreeSet::new();
    calls
        .iter()
        .filter(|c| full || seen.insert(c.kind.clone()) || (midway && middle.contains(&c.index)))
        .map(|c| (c.index, c.kind.clone()))
        .collect()
}

/// Kills one run of `phase` before or after each kill point and checks what the next run does.
fn sweep(scenario: &Scenario) {
    let moto = start_moto();
    let proxy = Proxy::start(&moto.endpoint);

    // A run without a crash: what the account and the state hold after apply and after destroy.
    let ws = fresh(&moto, scenario);
    let empty = inventory(&moto);
    proxy.set_rule(Rule::Pass);
    let (run, _) = through(&proxy, &ws, "apply", scenario);
    let run = run.expect_code(0);
    assert!(run.stdout.contains("Apply complete!"), "{}", run.stdout);
    let apply_calls = proxy.calls();
    let applied = inventory(&moto);
    let applied_state = recorded(&ws);
    assert!(!applied_state.is_empty());
    assert_ne!(applied, empty, "the apply made objects");
    proxy.set_rule(Rule::Pass);
    through(&proxy, &ws, "destroy", scenario).0.expect_code(0);
    let destroy_calls = proxy.calls();
    assert_eq!(
        inventory(&moto),
        empty,
        "a destroy without a crash leaves the account as it was"
    );

    let mut report = Vec::new();
    // Kills that left a journal beside the state file: the next run must read it.
    let mut journals = 0;
    for phase in [Phase::Apply, Phase::Destroy] {
        let calls = if phase == Phase::Apply {
            &apply_calls
        } else {
            &destroy_calls
        };
        for (k, kind) in kill_points(calls, scenario.midway) {
            for rule in [Rule::KillBefore(k), Rule::KillAfter(k)] {
                let ws = fresh(&moto, scenario);
                if phase == Phase::Destroy {
                    ws.run(&args("apply", scenario)).expect_code(0);
                }
                let verb = if phase == Phase::Apply { "apply" } else { "destroy" };
                proxy.set_rule(rule.clone());
                let (run, killed) = through(&proxy, &ws, verb, scenario);
                let at = format!("{verb} {rule:?} ({kind})");
                assert!(
                    killed,
                    "{at}: the run ended before the kill point\n{}\n{}",
                    run.stdout, run.stderr
                );
                // The state parses (recorded() panics if not) and the lock names a dead holder.
                if ws.path("infinstor.state.json.journal").exists() {
                    journals += 1;
                }
                recorded(&ws);
                // The killed run's lock is left; the next run takes it over by itself.
                let left = ws.path("infinstor.state.json.lock").exists();
                let rerun = ws.run(&args(verb, scenario));
                assert_eq!(
                    rerun.code, 0,
                    "{at}: the next {verb} failed\n{}\n{}",
                    rerun.stdout, rerun.stderr
                );
                assert!(
                    !left || rerun.stderr.contains("Took over the state lock"),
                    "{at}: the lock the kill left was not taken over\n{}",
                    rerun.stderr
                );
                let (want_inv, want_state) = match phase {
                    Phase::Apply => (&applied, applied_state.clone()),
                    Phase::Destroy => (&empty, Vec::new()),
                };
                let now = inventory(&moto);
                assert!(
                    &now == want_inv,
                    "{at}: orphans or duplicates in the account:\n{}",
                    differences(&now, want_inv)
                );
                assert_eq!(recorded(&ws), want_state, "{at}: the state does not match the account");
                if phase == Phase::Apply {
                    let mut plan = vec!["plan", "--detailed-exitcode"];
                    plan.extend_from_slice(scenario.args);
                    let again = ws.run(&plan);
                    assert_eq!(again.code, 0, "{at}: not converged\n{}", again.stdout);
                }
                report.push(at);
            }
        }
    }
    assert!(
        journals > 0,
        "no kill left a journal: the replay of one after a crash went untested"
    );
    eprintln!(
        "{}: {} kill points ({} left a journal; {} apply calls, {} destroy calls), all converged, 0 orphans, 0 duplicates:\n  {}",
        scenario.example,
        report.len(),
        journals,
        apply_calls.len(),
        destroy_calls.len(),
        report.join("\n  ")
    );
}

#[test]
fn a_kill_at_any_call_of_the_seed_003_install_loses_and_duplicates_nothing() {
    sweep(&MLFLOW_ARTIFACTS);
}

#[test]
fn a_kill_at_any_call_of_the_seed_000_install_loses_and_duplicates_nothing() {
    sweep(&INFINSTOR_DNS);
}

#[test]
fn a_kill_among_forty_parallel_creates_or_deletes_loses_and_duplicates_nothing() {
    sweep(&FORTY_RESOURCES);
}

/// Throttling and lost answers on every kind of call: a tenth of the requests are refused
/// before they reach the emulator (503), another tenth are carried out and answered with a
/// server error instead (500). Apply and destroy each finish in one run and leave exactly what
/// runs without faults leave; a create whose answer was lost is found, not made twice.
fn faults(scenario: &Scenario, seeds: &[u64]) {
    let moto = start_moto();
    let proxy = Proxy::start(&moto.endpoint);
    let ws = fresh(&moto, scenario);
    let empty = inventory(&moto);
    ws.run(&args("apply", scenario)).expect_code(0);
    let applied = inventory(&moto);
    let applied_state = recorded(&ws);
    let mut survived = Vec::new();
    for &seed in seeds {
        let ws = fresh(&moto, scenario);
        for verb in ["apply", "destroy"] {
            proxy.set_rule(Rule::Faults {
                before_percent: 10,
                after_percent: 10,
                seed,
            });
            let mut c = ws.command(&args(verb, scenario));
            // Enough attempts that a call failing every one of them is out of reach (0.2^12).
            c.env("AWS_ENDPOINT_URL", &proxy.endpoint).env("AWS_MAX_ATTEMPTS", "12");
            let (run, _) = proxy.run(c);
            let calls = proxy.calls();
            let count = |fate: &str| calls.iter().filter(|c| c.fate == fate).count();
            let lost: Vec<&str> = calls
                .iter()
                .filter(|c| c.fate == "lost")
                .map(|c| c.kind.as_str())
                .collect();
            let at = format!(
                "{verb} with seed {seed} ({} calls, {} throttled, answers lost: {})",
                calls.len(),
                count("throttled"),
                lost.join(", ")
            );
            assert_eq!(run.code, 0, "{at}\n{}\n{}", run.stdout, run.stderr);
            if verb == "apply" {
                assert_eq!(inventory(&moto), applied, "{at}: orphans or duplicates");
                assert_eq!(recorded(&ws), applied_state, "{at}");
                let mut plan = vec!["plan", "--detailed-exitcode"];
                plan.extend_from_slice(scenario.args);
                let again = ws.run(&plan);
                assert_eq!(again.code, 0, "{at}: not converged\n{}", again.stdout);
            } else {
                assert_eq!(inventory(&moto), empty, "{at}: left behind");
                assert_eq!(recorded(&ws), Vec::<String>::new(), "{at}");
            }
            survived.push(at);
        }
    }
    eprintln!("{}: faults survived:\n  {}", scenario.example, survived.join("\n  "));
}

#[test]
fn throttling_and_lost_answers_do_not_stop_the_seed_003_install() {
    faults(&MLFLOW_ARTIFACTS, &[1, 2, 3]);
}

#[test]
fn throttling_and_lost_answers_do_not_stop_the_seed_000_install() {
    faults(&INFINSTOR_DNS, &[1, 2, 3]);
}

/// The answer of every create is lost once, each on its first call: the SDK's retry meets "already
/// exists" (or, for a KMS key, is not sent), and the apply finds each object and finishes in
/// one run, without a second copy of any.
fn lost_creates(scenario: &Scenario, creates: &[&str]) {
    let moto = start_moto();
    let proxy = Proxy::start(&moto.endpoint);
    let ws = fresh(&moto, scenario);
    ws.run(&args("apply", scenario)).expect_code(0);
    let applied = inventory(&moto);
    let applied_state = recorded(&ws);

    let ws = fresh(&moto, scenario);
    proxy.set_rule(Rule::LoseFirstOf(creates.iter().map(|c| c.to_string()).collect()));
    let (run, _) = through(&proxy, &ws, "apply", scenario);
    let lost: Vec<String> = proxy
        .calls()
        .into_iter()
        .filter(|c| c.fate == "lost")
        .map(|c| c.kind)
        .collect();
    let mut want: Vec<String> = creates.iter().map(|c| c.to_string()).collect();
    let mut got = lost.clone();
    want.sort();
    got.sort();
    assert_eq!(got, want, "every create's answer was lost once");
    assert_eq!(run.code, 0, "lost: {lost:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(inventory(&moto), applied, "no second copy of anything");
    assert_eq!(recorded(&ws), applied_state);
    let mut plan = vec!["plan", "--detailed-exitcode"];
    plan.extend_from_slice(scenario.args);
    ws.run(&plan).expect_code(0);
}

#[test]
fn a_lost_answer_to_a_create_of_the_seed_003_install_is_found_not_repeated() {
    lost_creates(
        &MLFLOW_ARTIFACTS,
        &[
            "s3 PUT /* ?",
            "iam CreateRole",
            "iam CreatePolicy",
            "kms CreateKey",
            "iam AttachRolePolicy",
        ],
    );
}

#[test]
fn a_lost_answer_to_a_create_of_the_seed_000_install_is_found_not_repeated() {
    lost_creates(
        &INFINSTOR_DNS,
        &[
            "acm RequestCertificate",
            "cloudformation CreateStack",
            "route53 POST /*/hostedzone/*/rrset ?",
        ],
    );
}

#[test]
fn a_key_policy_kms_refuses_while_iam_propagates_the_role_is_sent_again_in_the_same_apply() {
    // KMS's answer while a role made a moment ago is not visible to it yet (seed 003's key
    // policy names InfinStor's role, created just before the key).
    let moto = start_moto();
    let proxy = Proxy::start(&moto.endpoint);
    let ws = fresh(&moto, &MLFLOW_ARTIFACTS);
    proxy.set_rule(Rule::RefuseFirst {
        kind: "kms CreateKey".into(),
        times: 2,
        code: "MalformedPolicyDocumentException".into(),
        message: "Policy contains a statement with one or more invalid principals.".into(),
    });
    let (run, _) = through(&proxy, &ws, "apply", &MLFLOW_ARTIFACTS);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let creates: Vec<&'static str> = proxy
        .calls()
        .into_iter()
        .filter(|c| c.kind == "kms CreateKey")
        .map(|c| c.fate)
        .collect();
    assert_eq!(creates, ["refused", "refused", "passed"]);
    let keys = block_on(async {
        aws_sdk_kms::Client::new(&moto.sdk_config())
            .list_keys()
            .send()
            .await
            .expect("keys")
            .keys()
            .len()
    });
    assert_eq!(keys, 1, "one key, made by the create KMS took");
    let mut plan = vec!["plan", "--detailed-exitcode"];
    plan.extend_from_slice(MLFLOW_ARTIFACTS.args);
    ws.run(&plan).expect_code(0);
}

/// Five new records of one zone, which go to Route 53 in one change batch.
const FIVE_RECORDS: Scenario = Scenario {
    example: "five-records",
    inline: Some(
        r#"
resource "aws_route53_zone" "z" {
  name = "batch.example.com"
}

resource "aws_route53_record" "r" {
  for_each = toset(["a", "b", "c", "d", "e"])
  zone_id  = aws_route53_zone.z.zone_id
  name     = "${each.key}.batch.example.com"
  type     = "CNAME"
  ttl      = 300
  records  = ["target.example.net"]
}
"#,
    ),
    args: &[],
    setup: |_| {},
    midway: false,
};

#[test]
fn a_lost_answer_to_a_batch_of_record_creates_is_found_not_refused_as_already_existing() {
    // The SDK's retry of the batch meets "already exists" for what the lost attempt made.
    lost_creates(&FIVE_RECORDS, &["route53 POST /*/hostedzone/*/rrset ?"]);
}
