//! A Terraform deployment moves to infinstor, and back: Terraform applies, infinstor plans no
//! changes on Terraform's state and applies a change, Terraform plans no changes on what
//! infinstor wrote, and Terraform's next change reads clean in infinstor again; locally
//! (`terraform.tfstate`, found without flags) and through Terraform's S3 backend with a
//! workspace and the lock object.
//!
//! With `terraform` on PATH every step runs against it, and Terraform's own states are compared
//! with the recorded ones in tests/data/terraform_state/ (`INFINSTOR_RECORD_TERRAFORM=1`
//! records them again). Without it, the recorded states stand in for Terraform's: infinstor
//! starts from Terraform's state and what it writes after the change must be what Terraform
//! wrote after the same change (ids, lineage and serial aside).

use crate::util;
use crate::util::Clients;
use serde_json::{json, Value as Json};
use std::path::{Path, PathBuf};
use std::process::Command;

fn fixtures() -> PathBuf {
    test_support::repo_root().join("tests/data/terraform_state")
}

fn recording() -> bool {
    std::env::var_os("INFINSTOR_RECORD_TERRAFORM").is_some_and(|v| v == "1")
}

fn terraform() -> Option<PathBuf> {
    util::terraform::program()
}

/// Runs Terraform in `dir` without network, plugins or the caller's configuration.
fn tf(program: &Path, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String) {
    util::terraform::run(program, dir, args, Path::new("/dev/null"), env)
}

fn tf_ok(program: &Path, dir: &Path, args: &[&str]) {
    let (code, text) = tf(program, dir, args, &[]);
    assert_eq!(code, 0, "terraform {args:?}:\n{text}");
}

/// The configuration at step `n` (1, 2, 3): every form the state records — an object, a
/// sensitive value with a value derived from it, count and for_each keys, a list, a
/// create_before_destroy resource, a module, typed outputs.
fn write_config(dir: &Path, n: u32) {
    let (number, keys, input) = match n {
        1 => (3, r#"["k"]"#, "one"),
        2 => (4, r#"["j", "k"]"#, "two"),
        _ => (5, r#"["j", "k"]"#, "two"),
    };
    let main = format!(
        r#"variable "secret" {{
  default   = "hunter2"
  sensitive = true
}}

resource "terraform_data" "a" {{
  input = {{ name = "x", n = {number}, l = [1, 2] }}
}}

resource "terraform_data" "b" {{
  count            = 2
  input            = var.secret
  triggers_replace = [terraform_data.a.output.name]
}}

resource "terraform_data" "c" {{
  for_each = toset({keys})
  input    = tolist([each.key])
  lifecycle {{
    create_before_destroy = true
  }}
}}

module "m" {{
  source = "./m"
  input  = "{input}"
}}

output "o" {{
  value = terraform_data.a.output
}}

output "s" {{
  value     = var.secret
  sensitive = true
}}

output "l" {{
  value = tolist(["a"])
}}
"#
    );
    let module = r#"variable "input" {
  type = string
}

resource "terraform_data" "inner" {
  input = var.input
}

output "id" {
  value = terraform_data.inner.id
}
"#;
    std::fs::create_dir_all(dir.join("m")).expect("module dir");
    std::fs::write(dir.join("main.tf"), main).expect("main.tf");
    std::fs::write(dir.join("m/main.tf"), module).expect("m/main.tf");
}

/// A state as far as it must agree with Terraform's: ids, lineage, serial and infinstor's own
/// fields aside, resources and instances in one order.
fn normalized(state: &Json) -> Json {
    let mut s = state.clone();
    if let Some(o) = s.as_object_mut() {
        for key in ["lineage", "serial", "infinstor_version", "intents", "encryption"] {
            o.remove(key);
        }
    }
    let key = |r: &Json| {
        ["module", "mode", "type", "name"]
            .map(|k| r[k].as_str().unwrap_or_default().to_string())
            .join("/")
    };
    if let Some(resources) = s["resources"].as_array_mut() {
        resources.sort_by_key(key);
        for r in resources.iter_mut() {
            if let Some(instances) = r["instances"].as_array_mut() {
                instances.sort_by_key(|i| i["index_key"].to_string());
                for i in instances.iter_mut() {
                    if let Some(o) = i.as_object_mut() {
                        o.remove("infinstor_sensitive");
                    }
                    if i["attributes"]["id"].is_string() {
                        i["attributes"]["id"] = json!("<id>");
                    }
                }
            }
        }
    }
    s
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// Terraform's state after step `name`: from the run when Terraform is here (and then the
/// recorded one must agree, or is recorded again), else the recorded one.
fn terraforms(name: &str, live: Option<Json>) -> Json {
    let path = fixtures().join(format!("{name}.tfstate"));
    match live {
        Some(live) if recording() => {
            std::fs::create_dir_all(fixtures()).expect("fixtures dir");
            let text = serde_json::to_string_pretty(&live).expect("json") + "\n";
            std::fs::write(&path, text).expect("record");
            live
        }
        Some(live) => {
            assert_eq!(
                normalized(&live),
                normalized(&read_json(&path)),
                "Terraform now writes {name} differently from the recording; rerun with INFINSTOR_RECORD_TERRAFORM=1"
            );
            live
        }
        None => read_json(&path),
    }
}

#[test]
fn terraform_and_infinstor_take_turns_on_one_local_state() {
    let program = terraform();
    if program.is_none() {
        eprintln!("terraform is not on PATH: Terraform's side is its recorded states");
    }
    let ws = util::workspace(None);
    let dir = ws.cwd();
    write_config(&dir, 1);

    // Terraform applies step 1.
    let live = program.as_ref().map(|tfp| {
        tf_ok(tfp, &dir, &["init"]);
        tf_ok(tfp, &dir, &["apply", "-auto-approve"]);
        read_json(&dir.join("terraform.tfstate"))
    });
    let first = terraforms("step1", live);
    if program.is_none() {
        std::fs::write(dir.join("terraform.tfstate"), first.to_string()).expect("state");
    }

    // infinstor finds terraform.tfstate without flags and plans no changes.
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert!(plan.stdout.contains("No changes"), "{}", plan.stdout);
    assert!(
        !ws.path("infinstor.state.json").exists(),
        "no second state beside Terraform's"
    );
    let listed = ws.run(&["state", "list"]).expect_code(0);
    assert!(
        listed.stdout.contains("module.m.terraform_data.inner") && listed.stdout.contains(r#"terraform_data.c["k"]"#),
        "{}",
        listed.stdout
    );

    // infinstor applies step 2 into Terraform's file; it must be what Terraform writes.
    write_config(&dir, 2);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let ours = read_json(&dir.join("terraform.tfstate"));
    assert_eq!(ours["version"], 4);
    let theirs = terraforms(
        "step2",
        program.as_ref().map(|tfp| {
            let other = tempfile::tempdir().expect("tempdir");
            write_config(other.path(), 1);
            std::fs::write(other.path().join("terraform.tfstate"), first.to_string()).expect("state");
            write_config(other.path(), 2);
            tf_ok(tfp, other.path(), &["init"]);
            tf_ok(tfp, other.path(), &["apply", "-auto-approve"]);
            read_json(&other.path().join("terraform.tfstate"))
        }),
    );
    assert_eq!(normalized(&ours), normalized(&theirs), "infinstor's state:\n{ours:#}");
    assert_eq!(ours["lineage"], first["lineage"], "the same deployment's state");

    // Terraform plans no changes on it, applies step 3, and infinstor reads that clean.
    if let Some(tfp) = &program {
        let (code, text) = tf(tfp, &dir, &["plan", "-detailed-exitcode"], &[]);
        assert_eq!(code, 0, "Terraform on infinstor's state:\n{text}");
        write_config(&dir, 3);
        tf_ok(tfp, &dir, &["apply", "-auto-approve"]);
        ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    }
}

#[test]
fn a_state_of_infinstors_first_format_is_upgraded_once_and_reads_as_terraforms() {
    let ws = util::workspace(None);
    let dir = ws.cwd();
    write_config(&dir, 1);
    // As infinstor's earlier releases wrote it for step 1.
    let old = std::fs::read(fixtures().join("step1.format1.json")).expect("first-format state");
    std::fs::write(dir.join("infinstor.state.json"), &old).expect("state");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        std::fs::read(dir.join("infinstor.state.json.format1.backup")).expect("kept"),
        old,
        "the old bytes are kept"
    );
    let upgraded = ws.state();
    assert_eq!(upgraded["version"], 4);
    let first: Json = serde_json::from_slice(&old).expect("json");
    assert_eq!(
        (&upgraded["lineage"], &upgraded["serial"]),
        (&first["lineage"], &first["serial"])
    );
    // What only an apply knows (create_before_destroy, which marks are Terraform's, the
    // outputs' types) is recorded by the next apply, also one without changes; then the state
    // is Terraform's own, but for one thing the first format did not keep: a value of any
    // type built with tolist() (`c`'s input) keeps the type its JSON has, a tuple, until the
    // resource next changes.
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let mut expected = normalized(&terraforms("step1", None));
    for resource in expected["resources"].as_array_mut().into_iter().flatten() {
        if resource["name"] == "c" {
            for name in ["input", "output"] {
                resource["instances"][0]["attributes"][name]["type"] = json!(["tuple", ["string"]]);
            }
        }
    }
    assert_eq!(normalized(&ws.state()), expected);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
}

fn backend(endpoint: &str) -> String {
    format!(
        r#"terraform {{
  backend "s3" {{
    bucket                      = "tfstate"
    key                         = "app/terraform.tfstate"
    region                      = "us-east-1"
    endpoints                   = {{ s3 = "{endpoint}" }}
    use_path_style              = true
    skip_credentials_validation = true
    skip_requesting_account_id  = true
    skip_metadata_api_check     = true
    skip_region_validation      = true
    use_lockfile                = true
  }}
}}
"#
    )
}

fn object(moto: &test_support::Moto, key: &str) -> Option<Vec<u8>> {
    let s3 = moto.s3();
    test_support::block_on(async {
        match s3.get_object().bucket("tfstate").key(key).send().await {
            Ok(out) => Some(out.body.collect().await.expect("body").into_bytes().to_vec()),
            Err(_) => None,
        }
    })
}

fn put(moto: &test_support::Moto, key: &str, body: Vec<u8>) {
    let s3 = moto.s3();
    test_support::block_on(async {
        s3.put_object()
            .bucket("tfstate")
            .key(key)
            .body(body.into())
            .send()
            .await
            .expect("put object");
    });
}

#[test]
fn a_terraform_s3_backend_with_a_workspace_and_its_lock_is_shared() {
    let moto = util::start_moto();
    test_support::block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("tfstate")
            .send()
            .await
            .expect("bucket");
    });
    let program = terraform();
    let ws = util::workspace(Some(&moto));
    let dir = ws.cwd();
    write_config(&dir, 1);
    ws.write("backend.tf", &backend(&moto.endpoint));
    let staging = "env:/staging/app/terraform.tfstate";

    // Terraform's team works in the staging workspace.
    match &program {
        Some(tfp) => {
            tf_ok(tfp, &dir, &["init"]);
            tf_ok(tfp, &dir, &["workspace", "new", "staging"]);
            tf_ok(tfp, &dir, &["apply", "-auto-approve"]);
            let live: Json = serde_json::from_slice(&object(&moto, staging).expect("staging state")).expect("json");
            terraforms("step1", Some(live));
        }
        None => {
            put(&moto, staging, terraforms("step1", None).to_string().into_bytes());
            ws.write(".terraform/environment", "staging");
        }
    }

    // infinstor is pointed at the same bucket and key, in the workspace Terraform selected.
    ws.run(&["init"]).expect_code(0);
    let shown = ws.run(&["workspace", "show"]).expect_code(0);
    assert_eq!(shown.stdout.trim(), "staging");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A lock Terraform holds (its lock object, in its form) stops infinstor, naming who.
    let lock = format!("{staging}.tflock");
    put(
        &moto,
        &lock,
        json!({"ID": "5a1d1b1e-0000-4000-8000-000000000001", "Operation": "OperationTypeApply", "Info": "",
               "Who": "ci@runner-7", "Version": "1.11.4", "Created": "2026-12-07T00:00:00Z",
               "Path": format!("tfstate/{staging}")})
        .to_string()
        .into_bytes(),
    );
    let refused = ws.run(&["apply", "-auto-approve"]).expect_code(1);
    assert!(
        refused.stderr.contains("locked by another Terraform run") && refused.stderr.contains("ci@runner-7 (1.11.4)"),
        "{}",
        refused.stderr
    );
    test_support::block_on(async {
        moto.s3()
            .delete_object()
            .bucket("tfstate")
            .key(&lock)
            .send()
            .await
            .expect("unlock");
    });

    // infinstor applies step 2 into Terraform's object; Terraform's form, and no lock left.
    write_config(&dir, 2);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let ours: Json = serde_json::from_slice(&object(&moto, staging).expect("state")).expect("json");
    assert_eq!(normalized(&ours), normalized(&terraforms("step2", None)), "{ours:#}");
    assert!(object(&moto, &lock).is_none(), "the lock object is removed");
    assert!(
        object(&moto, "app/terraform.tfstate").is_none(),
        "the default workspace is untouched"
    );

    if let Some(tfp) = &program {
        let (code, text) = tf(tfp, &dir, &["plan", "-detailed-exitcode"], &[]);
        assert_eq!(code, 0, "Terraform on infinstor's state in S3:\n{text}");
    }
}

/// Check results in one order: Terraform's state keeps them (and their objects) in no
/// particular one.
fn sort_results(results: &mut Json) {
    for r in results.as_array_mut().into_iter().flatten() {
        if let Some(objects) = r["objects"].as_array_mut() {
            objects.sort_by_key(|o| o["object_addr"].to_string());
        }
    }
    if let Some(r) = results.as_array_mut() {
        r.sort_by_key(|c| c["config_addr"].to_string());
    }
}

/// Terraform's `checks` (plan JSON) and `check_results` (state) of tests/data/terraform_state/
/// checks: from the run when Terraform is here (and then the recording must agree), else as
/// recorded.
fn terraforms_checks(program: Option<&PathBuf>) -> Json {
    let path = fixtures().join("checks/terraform.json");
    let recorded = read_json(&path);
    let Some(tfp) = program else {
        return recorded;
    };
    let dir = tempfile::tempdir().expect("tempdir");
    test_support::copy_tree(&fixtures().join("checks"), dir.path());
    let _ = std::fs::remove_file(dir.path().join("terraform.json"));
    tf_ok(tfp, dir.path(), &["init"]);
    tf_ok(tfp, dir.path(), &["plan", "-out=p"]);
    let out = Command::new(tfp)
        .args(["show", "-json", "p"])
        .current_dir(dir.path())
        .env("TF_CLI_CONFIG_FILE", "/dev/null")
        .env("CHECKPOINT_DISABLE", "1")
        .output()
        .expect("terraform show");
    let plan: Json = serde_json::from_slice(&out.stdout).expect("plan JSON");
    tf_ok(tfp, dir.path(), &["apply", "p"]);
    let mut results = read_json(&dir.path().join("terraform.tfstate"))["check_results"].clone();
    sort_results(&mut results);
    let live = json!({"terraform_version": "1.11.4", "plan_checks": plan["checks"], "check_results": results});
    if recording() {
        std::fs::write(&path, serde_json::to_string_pretty(&live).expect("json") + "\n").expect("record");
    } else {
        assert_eq!(
            live, recorded,
            "Terraform's checks changed; rerun with INFINSTOR_RECORD_TERRAFORM=1"
        );
    }
    live
}

#[test]
fn checks_in_the_plan_and_their_results_in_the_state_are_terraforms() {
    let program = terraform();
    let expected = terraforms_checks(program.as_ref());
    let ws = util::workspace(None);
    test_support::copy_tree(&fixtures().join("checks"), &ws.cwd());
    let plan = ws.run(&["plan", "-out=p.plan"]).expect_code(0);
    assert!(
        plan.stderr.contains("v is not 4"),
        "the failed check is a warning: {}",
        plan.stderr
    );
    let shown = ws.run(&["show", "p.plan", "--format", "json"]).expect_code(0);
    let json: Json = serde_json::from_str(&shown.stdout).expect("plan JSON");
    assert_eq!(json["checks"], expected["plan_checks"], "{:#}", json["checks"]);
    ws.run(&["apply", "p.plan"]).expect_code(0);
    let mut results = ws.state()["check_results"].clone();
    sort_results(&mut results);
    assert_eq!(results, expected["check_results"], "{results:#}");
}
