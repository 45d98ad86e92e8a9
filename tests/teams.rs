//! State shared by a team: the S3 backend (lock object created by a conditional write,
//! conditional state writes, workspaces, migration), through the real binary against the
//! emulator, with the objects in the bucket checked through the SDK.

use crate::util::{block_on, planned_changes, workspace, Clients, Moto, Workspace};
use std::io::BufRead;
use std::process::{Child, Stdio};

const BUCKET: &str = "team-state";
const KEY: &str = "mlflow/infinstor.tfstate";

/// A workspace whose configuration keeps state in the emulator's `team-state` bucket.
fn team(moto: &Moto, backend_extra: &str, resources: &str) -> Workspace {
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("create bucket")
    });
    let ws = workspace(Some(moto));
    ws.write(
        "backend.tf",
        &format!("terraform {{\n  backend \"s3\" {{\n    bucket = \"{BUCKET}\"\n    key    = \"{KEY}\"\n    region = \"us-east-1\"\n{backend_extra}  }}\n}}\n"),
    );
    ws.write("main.tf", resources);
    ws
}

/// The objects in the state bucket, sorted.
fn keys(moto: &Moto) -> Vec<String> {
    let out = block_on(async { moto.s3().list_objects_v2().bucket(BUCKET).send().await.expect("list") });
    let mut keys: Vec<String> = out
        .contents()
        .iter()
        .filter_map(|o| o.key().map(str::to_string))
        .collect();
    keys.sort();
    keys
}

/// An object of the state bucket as JSON.
fn object(moto: &Moto, key: &str) -> serde_json::Value {
    let bytes = block_on(async {
        let out = moto
            .s3()
            .get_object()
            .bucket(BUCKET)
            .key(key)
            .send()
            .await
            .expect("get object");
        out.body.collect().await.expect("body").into_bytes()
    });
    serde_json::from_slice(&bytes).expect("state JSON")
}

fn addresses(state: &serde_json::Value) -> Vec<String> {
    let mut out: Vec<String> = state["resources"]
        .as_array()
        .map(|rs| rs.iter().map(crate::util::resource_address).collect())
        .unwrap_or_default();
    out.sort();
    out
}

const PARAMETER: &str = r#"resource "aws_ssm_parameter" "p" {
  name  = "/teams/${terraform.workspace}/p"
  type  = "String"
  value = "v1"
}

output "workspace" {
  value = terraform.workspace
}
"#;

/// A certificate whose validation keeps an apply waiting (and holding the lock) until the
/// emulator issues it.
const SLOW: &str = r#"resource "aws_acm_certificate" "c" {
  domain_name       = "slow.example.com"
  validation_method = "DNS"
}

resource "aws_acm_certificate_validation" "c" {
  certificate_arn = aws_acm_certificate.c.arn
}
"#;

/// Starts `apply` and returns once it waits for the certificate (the state records the
/// certificate by then).
fn apply_until_waiting(ws: &Workspace) -> Child {
    let mut child = ws
        .command(&["apply", "-auto-approve"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start apply");
    let mut out = std::io::BufReader::new(child.stdout.take().expect("stdout"));
    let mut seen = String::new();
    loop {
        let mut line = String::new();
        let n = out.read_line(&mut line).expect("read");
        assert!(n > 0, "apply ended before waiting:\n{seen}");
        seen.push_str(&line);
        if line.contains("waiting for the certificate to be issued") {
            break;
        }
    }
    // Keep draining stdout so the child never blocks on a full pipe.
    std::thread::spawn(move || for _ in out.lines() {});
    child
}

fn stderr_of(child: Child) -> (Option<i32>, String) {
    let out = child.wait_with_output().expect("wait");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).to_string())
}

#[test]
fn s3_state_with_workspaces_isolated() {
    let moto = crate::util::start_moto();
    let ws = team(&moto, "", PARAMETER);
    // As in Terraform, a backend block is used only once `init` has set it up.
    let before = ws.run(&["plan"]).expect_code(1);
    assert!(
        before.stderr.contains("Backend initialization required"),
        "{}",
        before.stderr
    );
    let init = ws.run(&["init"]).expect_code(0);
    assert!(
        init.stdout
            .contains(&format!("s3 backend: state in s3://{BUCKET}/{KEY}")),
        "{}",
        init.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(
        !ws.path("infinstor.state.json").exists(),
        "no local state with the s3 backend"
    );
    let default_state = object(&moto, KEY);
    assert_eq!(addresses(&default_state), vec!["aws_ssm_parameter.p"]);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    // A change: the state before this run is kept beside it.
    ws.write("main.tf", &PARAMETER.replace("\"v1\"", "\"v2\""));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let backup = object(&moto, &format!("{KEY}.backup"));
    assert_eq!(backup["serial"], default_state["serial"]);
    let default_state = object(&moto, KEY);
    assert!(default_state["serial"].as_u64() > backup["serial"].as_u64());

    // A second workspace: its own state object, its own objects in AWS.
    ws.run(&["workspace", "new", "staging"]).expect_code(0);
    let empty = ws.run(&["state", "list"]).expect_code(0);
    assert_eq!(empty.stdout, "", "a new workspace starts empty");
    let applied = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(applied.stdout.contains("workspace = \"staging\""), "{}", applied.stdout);
    let staging_key = format!("env:/staging/{KEY}");
    assert_eq!(addresses(&object(&moto, &staging_key)), vec!["aws_ssm_parameter.p"]);
    let names = block_on(async {
        let out = moto.ssm().describe_parameters().send().await.expect("describe");
        let mut names: Vec<String> = out
            .parameters()
            .iter()
            .filter_map(|p| p.name().map(str::to_string))
            .collect();
        names.sort();
        names
    });
    assert_eq!(names, vec!["/teams/default/p", "/teams/staging/p"]);
    let list = ws.run(&["workspace", "list"]).expect_code(0);
    assert_eq!(list.stdout, "  default\n* staging\n");
    assert_eq!(ws.run(&["workspace", "show"]).expect_code(0).stdout, "staging\n");

    // TF_WORKSPACE overrides the selection, as in Terraform.
    let local_flag = ws.run(&["state", "list", "--state", "other.json"]).expect_code(1);
    assert!(
        local_flag.stderr.contains("--state names a local state file"),
        "{}",
        local_flag.stderr
    );
    let overridden = ws
        .command(&["state", "list"])
        .env("TF_WORKSPACE", "default")
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&overridden.stdout), "aws_ssm_parameter.p\n");
    let missing = ws.command(&["plan"]).env("TF_WORKSPACE", "prod").output().expect("run");
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("workspace \"prod\" does not exist"));

    // Deleting: never the selected one, never one that still manages objects unless forced.
    let selected = ws.run(&["workspace", "delete", "staging"]).expect_code(1);
    assert!(selected.stderr.contains("is selected"), "{}", selected.stderr);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    ws.run(&["workspace", "select", "default"]).expect_code(0);
    ws.run(&["workspace", "delete", "staging"]).expect_code(0);
    assert_eq!(ws.run(&["workspace", "list"]).expect_code(0).stdout, "* default\n");
    let nothing = ws.run(&["workspace", "select", "stagin"]).expect_code(1);
    assert!(nothing.stderr.contains("does not exist"), "{}", nothing.stderr);

    // The default workspace's state is untouched by all of that; no lock object is left.
    assert_eq!(object(&moto, KEY)["lineage"], default_state["lineage"]);
    assert_eq!(keys(&moto), vec![KEY.to_string(), format!("{KEY}.backup")]);
}

#[test]
fn a_second_apply_is_refused_while_the_first_holds_the_lock_object() {
    let moto = Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "600")]);
    let ws = team(&moto, "    use_lockfile = true\n", SLOW);
    ws.run(&["init"]).expect_code(0);
    let first = apply_until_waiting(&ws);
    let lock_key = format!("{KEY}.tflock");
    assert!(
        keys(&moto).contains(&lock_key),
        "the lock is an object beside the state"
    );
    let lock = object(&moto, &lock_key);
    assert_eq!(lock["Pid"], serde_json::json!(first.id()));
    assert_eq!(lock["Operation"], "apply");

    let second = ws.run(&["apply", "-auto-approve"]).expect_code(1);
    assert!(second.stderr.contains("the state is locked"), "{}", second.stderr);
    assert!(
        second.stderr.contains(&format!("pid {}", first.id())),
        "{}",
        second.stderr
    );
    assert!(
        second.stderr.contains(lock["ID"].as_str().expect("id")),
        "{}",
        second.stderr
    );
    let plan = ws.run(&["plan"]).expect_code(1);
    assert!(plan.stderr.contains("the state is locked"), "{}", plan.stderr);

    // Ctrl-C: the first stops, records what it created and releases the lock.
    std::process::Command::new("kill")
        .args(["-INT", &first.id().to_string()])
        .status()
        .expect("kill -INT");
    let (code, _) = stderr_of(first);
    assert_eq!(code, Some(1), "an interrupted apply is not a success");
    assert!(!keys(&moto).contains(&lock_key), "the lock object is gone");
    assert_eq!(addresses(&object(&moto, KEY)), vec!["aws_acm_certificate.c"]);
    assert_eq!(
        ws.run(&["state", "list"]).expect_code(0).stdout,
        "aws_acm_certificate.c\n"
    );
}

#[test]
fn a_killed_holders_lock_is_released_with_force_unlock() {
    let moto = Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "600")]);
    let ws = team(&moto, "", SLOW);
    ws.run(&["init"]).expect_code(0);
    let mut first = apply_until_waiting(&ws);
    let lock = object(&moto, &format!("{KEY}.tflock"));
    first.kill().expect("kill -9");
    first.wait().expect("reaped");

    let refused = ws.run(&["plan"]).expect_code(1);
    assert!(
        refused.stderr.contains("that process is no longer running"),
        "{}",
        refused.stderr
    );
    let id = lock["ID"].as_str().expect("lock id");
    let wrong = ws
        .run(&["force-unlock", "00000000-0000-4000-8000-000000000000"])
        .expect_code(1);
    assert!(
        wrong.stderr.contains(&format!("the lock ID is {id}")),
        "{}",
        wrong.stderr
    );
    ws.run(&["force-unlock", id]).expect_code(0);
    assert!(!keys(&moto).iter().any(|k| k.ends_with(".tflock")));
    // The certificate created before the kill is in state; only its validation is planned.
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 0 to destroy.");
}

#[test]
fn a_write_over_someone_elses_newer_state_fails_and_nothing_is_lost() {
    // Without the lock, two runs can overlap; the conditional write still refuses to overwrite.
    let moto = Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "5")]);
    let ws = team(&moto, "    use_lockfile = false\n", SLOW);
    ws.run(&["init"]).expect_code(0);
    let first = apply_until_waiting(&ws);
    // Someone else writes the state meanwhile.
    let mut theirs = object(&moto, KEY);
    theirs["serial"] = serde_json::json!(99);
    let body = serde_json::to_vec_pretty(&theirs).expect("json");
    block_on(async {
        moto.s3()
            .put_object()
            .bucket(BUCKET)
            .key(KEY)
            .body(body.into())
            .send()
            .await
            .expect("put")
    });
    let (code, stderr) = stderr_of(first);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains("was changed by someone else after this run read it"),
        "{stderr}"
    );
    assert!(stderr.contains("it is now serial 99"), "{stderr}");
    assert!(stderr.contains("infinstor.errored.state.json"), "{stderr}");
    // Theirs was not overwritten; ours is kept locally, with the validation it finished.
    assert_eq!(object(&moto, KEY)["serial"], 99);
    let ours: serde_json::Value = serde_json::from_str(&ws.read("infinstor.errored.state.json")).expect("json");
    assert_eq!(
        addresses(&ours),
        vec!["aws_acm_certificate.c", "aws_acm_certificate_validation.c"]
    );
    // Pushing it back is refused (theirs is newer) until forced.
    let push = ws
        .run(&["state", "push", "infinstor.errored.state.json"])
        .expect_code(1);
    assert!(push.stderr.contains("older"), "{}", push.stderr);
    ws.run(&["state", "push", "-force", "infinstor.errored.state.json"])
        .expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
}

#[test]
fn state_migrates_local_to_s3_and_back_keeping_lineage_and_serial() {
    let moto = crate::util::start_moto();
    let ws = team(&moto, "", PARAMETER);
    std::fs::rename(ws.path("backend.tf"), ws.path("backend.tf.off")).expect("park the backend");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let local = ws.state();
    let (lineage, serial) = (local["lineage"].clone(), local["serial"].clone());

    std::fs::rename(ws.path("backend.tf.off"), ws.path("backend.tf")).expect("restore");
    let unmigrated = ws.run(&["init"]).expect_code(1);
    assert!(unmigrated.stderr.contains("-migrate-state"), "{}", unmigrated.stderr);
    let init = ws.run(&["init", "-migrate-state"]).expect_code(0);
    assert!(
        init.stdout.contains("copied the state of workspace \"default\""),
        "{}",
        init.stdout
    );
    let remote = object(&moto, KEY);
    assert_eq!(
        (remote["lineage"].clone(), remote["serial"].clone()),
        (lineage.clone(), serial.clone())
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Back to a local file: the S3 state (same lineage, not older) replaces the local one.
    std::fs::remove_file(ws.path("backend.tf")).expect("remove the backend");
    let stale = ws.run(&["plan"]).expect_code(1);
    assert!(stale.stderr.contains("no backend block any more"), "{}", stale.stderr);
    ws.run(&["init", "-migrate-state"]).expect_code(0);
    let back = ws.state();
    assert_eq!((back["lineage"].clone(), back["serial"].clone()), (lineage, serial));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
}

#[test]
fn migration_never_replaces_another_deployments_state() {
    let moto = crate::util::start_moto();
    let other = team(
        &moto,
        "",
        "resource \"aws_ssm_parameter\" \"o\" {\n  name  = \"/other\"\n  type  = \"String\"\n  value = \"o\"\n}\n",
    );
    other.run(&["init"]).expect_code(0);
    other.run(&["apply", "-auto-approve"]).expect_code(0);
    let theirs = object(&moto, KEY);

    let ws = workspace(Some(&moto));
    ws.write("main.tf", PARAMETER);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.write(
        "backend.tf",
        &format!("terraform {{\n  backend \"s3\" {{\n    bucket = \"{BUCKET}\"\n    key    = \"{KEY}\"\n    region = \"us-east-1\"\n  }}\n}}\n"),
    );
    let refused = ws.run(&["init", "-migrate-state"]).expect_code(1);
    assert!(
        refused.stderr.contains("already holds the state of another deployment"),
        "{}",
        refused.stderr
    );
    assert_eq!(object(&moto, KEY), theirs, "their state is untouched");
    // -backend-config points this one elsewhere, as teams do per environment: a file of
    // settings, then KEY=VALUE, which wins.
    ws.write(
        "prod.s3.tfbackend",
        &format!(
            "key            = \"elsewhere/infinstor.tfstate\"\nuse_path_style = true\nendpoints = {{\n  s3 = \"{}\"\n}}\n",
            moto.endpoint
        ),
    );
    ws.run(&[
        "init",
        "-migrate-state",
        "-backend-config=prod.s3.tfbackend",
        "-backend-config=key=mine/infinstor.tfstate",
    ])
    .expect_code(0);
    let recorded: serde_json::Value = serde_json::from_str(&ws.read(".infinstor/backend.json")).expect("json");
    assert_eq!(recorded["config"]["endpoints"]["s3"], moto.endpoint.as_str());
    assert_eq!(recorded["config"]["use_path_style"], true);
    assert_eq!(
        addresses(&object(&moto, "mine/infinstor.tfstate")),
        vec!["aws_ssm_parameter.p"]
    );
}

#[test]
fn backend_mistakes_are_reported_at_their_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"variable "bucket" {
  default = "b"
}

terraform {
  backend "s3" {
    bucket         = var.bucket
    key            = "k"
    dynamodb_table = "locks"
    buckett        = "x"
  }
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(run.stderr);
    ws.write(
        "main.tf",
        "terraform {\n  backend \"gcs\" {\n    bucket = \"b\"\n  }\n}\n",
    );
    let gcs = ws.run(&["validate"]).expect_code(1);
    assert!(gcs.stderr.contains("Unsupported backend type"), "{}", gcs.stderr);
    ws.write("main.tf", "terraform {\n  backend \"s3\" {\n    key = \"k\"\n  }\n}\n");
    let init = ws.run(&["init"]).expect_code(1);
    insta::assert_snapshot!(init.stderr);
    // A bucket that cannot be reached is reported by init, not at the first plan.
    ws.write(
        "main.tf",
        "terraform {\n  backend \"s3\" {\n    key    = \"k\"\n    bucket = \"b\"\n    region = \"us-east-1\"\n  }\n}\n",
    );
    let unreachable = ws.run(&["init"]).expect_code(1);
    assert!(unreachable.stderr.contains("s3://b/"), "{}", unreachable.stderr);
}

#[test]
fn the_service_layer_reads_the_data_layers_outputs_from_its_state() {
    let moto = crate::util::start_moto();
    // The data layer keeps its state in S3, as seed 004's layers are applied in order.
    let data = team(
        &moto,
        "",
        r#"resource "aws_ssm_parameter" "endpoint" {
  name  = "/tetrascience/dev/data/endpoint"
  type  = "String"
  value = "db.internal:5432"
}

output "endpoint_parameter" {
  value = aws_ssm_parameter.endpoint.name
}

output "stack_name" {
  value = "ts-data-dev"
}

output "admin_password" {
  value     = "remote-s3cret"
  sensitive = true
}
"#,
    );
    data.run(&["init"]).expect_code(0);
    data.run(&["apply", "-auto-approve"]).expect_code(0);

    let service = workspace(Some(&moto));
    service.write(
        "main.tf",
        &format!(
            r#"data "terraform_remote_state" "data" {{
  backend = "s3"
  config = {{
    bucket = "{BUCKET}"
    key    = "{KEY}"
    region = "us-east-1"
  }}
  defaults = {{
    tier = "standard"
  }}
}}

resource "aws_ssm_parameter" "service" {{
  name  = "/tetrascience/dev/service/data-stack"
  type  = "String"
  value = "${{data.terraform_remote_state.data.outputs.stack_name}}:${{data.terraform_remote_state.data.outputs.tier}}"
}}

output "reads" {{
  value = data.terraform_remote_state.data.outputs.endpoint_parameter
}}

output "password" {{
  value     = data.terraform_remote_state.data.outputs.admin_password
  sensitive = true
}}
"#
        ),
    );
    let plan = service.run(&["plan"]).expect_code(0);
    assert!(!plan.stdout.contains("remote-s3cret"), "{}", plan.stdout);
    service.run(&["apply", "-auto-approve"]).expect_code(0);
    let value = block_on(async {
        let out = moto
            .ssm()
            .get_parameter()
            .name("/tetrascience/dev/service/data-stack")
            .send()
            .await
            .expect("parameter");
        out.parameter().and_then(|p| p.value()).map(str::to_string)
    });
    assert_eq!(value.as_deref(), Some("ts-data-dev:standard"));
    let reads = service.run(&["output", "-raw", "reads"]).expect_code(0);
    assert_eq!(reads.stdout, "/tetrascience/dev/data/endpoint");
    service.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // An output the remote state marks sensitive stays sensitive here.
    service.write(
        "extra.tf",
        "output \"leak\" {\n  value = data.terraform_remote_state.data.outputs.admin_password\n}\n",
    );
    let leak = service.run(&["plan"]).expect_code(1);
    assert!(
        leak.stderr.contains("Output refers to sensitive values"),
        "{}",
        leak.stderr
    );
    std::fs::remove_file(service.path("extra.tf")).expect("remove");

    // The local backend, and a state that is not there.
    let local = workspace(Some(&moto));
    local.write(
        "main.tf",
        "data \"terraform_remote_state\" \"gone\" {\n  backend = \"local\"\n  config = {\n    path = \"../nowhere/infinstor.state.json\"\n  }\n}\n\noutput \"x\" {\n  value = data.terraform_remote_state.gone.outputs\n}\n",
    );
    let missing = local.run(&["plan"]).expect_code(1);
    assert!(
        missing
            .stderr
            .contains("there is no state at ../nowhere/infinstor.state.json"),
        "{}",
        missing.stderr
    );
    let copied = local.path("data.json");
    std::fs::write(&copied, data.run(&["state", "pull"]).expect_code(0).stdout).expect("write");
    local.write(
        "main.tf",
        "data \"terraform_remote_state\" \"d\" {\n  backend = \"local\"\n  config = {\n    path = \"data.json\"\n  }\n}\n\noutput \"stack\" {\n  value = data.terraform_remote_state.d.outputs.stack_name\n}\n",
    );
    local.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        local.run(&["output", "-raw", "stack"]).expect_code(0).stdout,
        "ts-data-dev"
    );
}

#[test]
fn local_workspaces_keep_separate_state_files() {
    let moto = crate::util::start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", PARAMETER);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["workspace", "new", "dev"]).expect_code(0);
    let applied = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(applied.stdout.contains("workspace = \"dev\""), "{}", applied.stdout);
    let dev: serde_json::Value =
        serde_json::from_str(&ws.read("infinstor.state.d/dev/infinstor.state.json")).expect("dev state");
    assert_eq!(addresses(&dev), vec!["aws_ssm_parameter.p"]);
    assert_ne!(
        dev["lineage"],
        ws.state()["lineage"],
        "each workspace is its own deployment"
    );
    // A saved plan belongs to the workspace it was made in.
    ws.run(&["plan", "-out=dev.plan"]).expect_code(0);
    ws.run(&["workspace", "select", "default"]).expect_code(0);
    let other = ws.run(&["apply", "dev.plan"]).expect_code(1);
    assert!(other.stderr.contains("made in workspace \"dev\""), "{}", other.stderr);
    assert_eq!(
        ws.run(&["workspace", "list"]).expect_code(0).stdout,
        "* default\n  dev\n"
    );
}
