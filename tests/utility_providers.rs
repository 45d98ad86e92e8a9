//! The small providers public modules lean on, through the binary: `null` (`null_resource`
//! replaced when its triggers change, `null_data_source`), `external` (a program's answer read
//! while planning), `time` (`time_sleep`, `time_static`), with `provisioner "local-exec"` where
//! modules use them together.

use crate::util::workspace;

#[test]
fn null_resource_is_replaced_when_its_triggers_change_and_imports_any_id() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
terraform {
  required_providers {
    null = { source = "hashicorp/null", version = ">= 3.0" }
  }
}

variable "v" {
  default = "1"
}

resource "null_resource" "a" {
  triggers = { v = var.v }
}

data "null_data_source" "d" {
  inputs = { id = null_resource.a.id }
}

output "id" {
  value = null_resource.a.id
}

output "same" {
  value = data.null_data_source.d.outputs["id"] == null_resource.a.id
}
"#,
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    let id = ws.run(&["output", "--raw", "id"]).expect_code(0).stdout;
    assert!(!id.is_empty() && id.chars().all(|c| c.is_ascii_digit()), "{id}");
    assert_eq!(ws.run(&["output", "--raw", "same"]).expect_code(0).stdout, "true");
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    let plan = ws.run(&["plan", "--detailed-exitcode", "--var", "v=2"]).expect_code(2);
    assert!(
        plan.stdout.contains("null_resource.a must be replaced"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve", "--var", "v=2"]).expect_code(0);
    let replaced = ws.run(&["output", "--raw", "id"]).expect_code(0).stdout;
    assert_ne!(replaced, id);
    ws.run(&["destroy", "--auto-approve", "--var", "v=2"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
    ws.run(&["import", "null_resource.a", "1234"]).expect_code(0);
    assert_eq!(
        ws.run(&["state", "list"]).expect_code(0).stdout.trim(),
        "null_resource.a"
    );
}

#[test]
fn external_programs_answer_while_planning_and_their_failures_say_why() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
data "external" "e" {
  program     = ["python3", "answer.py"]
  query       = { name = "world" }
  working_dir = "${path.module}/bin"
}

output "greeting" {
  value = data.external.e.result.greeting
}
"#,
    );
    ws.write(
        "bin/answer.py",
        "import json, sys\nq = json.load(sys.stdin)\nif q['name'] == 'fail':\n    sys.exit('no such name')\nprint(json.dumps({'greeting': 'hello ' + q['name']}))\n",
    );
    let plan = ws.run(&["plan"]).expect_code(0);
    assert!(plan.stdout.contains(r#"+ greeting = "hello world""#), "{}", plan.stdout);
    ws.write(
        "main.tf",
        r#"
data "external" "e" {
  program     = ["python3", "answer.py"]
  query       = { name = "fail" }
  working_dir = "${path.module}/bin"
}
"#,
    );
    let failed = ws.run(&["plan"]).expect_code(1);
    assert!(failed.stderr.contains("no such name"), "{}", failed.stderr);
}

#[test]
fn local_exec_runs_after_create_and_before_destroy_and_a_failure_taints() {
    let ws = workspace(None);
    let config = |fail: &str, on_failure: &str| {
        format!(
            r#"
resource "null_resource" "a" {{
  triggers = {{ fail = "{fail}" }}

  provisioner "local-exec" {{
    command     = "echo created $ID $GREETING >> log.txt; echo progress; test {fail} = no"
    environment = {{ ID = self.id, GREETING = "hi" }}
    on_failure  = {on_failure}
  }}

  provisioner "local-exec" {{
    when    = destroy
    command = "echo destroyed ${{self.id}} >> log.txt"
  }}
}}

output "id" {{
  value = null_resource.a.id
}}
"#
        )
    };
    ws.write("main.tf", &config("no", "fail"));
    let apply = ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert!(
        apply.stdout.contains("null_resource.a (local-exec): progress"),
        "{}",
        apply.stdout
    );
    let id = ws.run(&["output", "--raw", "id"]).expect_code(0).stdout;
    assert_eq!(ws.read("log.txt"), format!("created {id} hi\n"));
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    // A failed provisioner fails the apply and leaves the new object tainted.
    ws.write("main.tf", &config("yes", "fail"));
    let failed = ws.run(&["apply", "--auto-approve"]).expect_code(1);
    assert!(
        failed.stderr.contains("local-exec provisioner error"),
        "{}",
        failed.stderr
    );
    assert!(
        ws.read("log.txt").contains(&format!("destroyed {id}")),
        "the replaced object's destroy provisioner ran"
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(plan.stdout.contains("tainted"), "{}", plan.stdout);
    // With on_failure = continue, a failure is a notice and the object is kept.
    ws.write("main.tf", &config("yes", "continue"));
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    let last = ws.run(&["state", "list"]).expect_code(0).stdout;
    assert_eq!(last, "");
    assert!(ws.read("log.txt").trim_end().ends_with(|c: char| c.is_ascii_digit()));
    assert!(ws
        .read("log.txt")
        .lines()
        .last()
        .is_some_and(|l| l.starts_with("destroyed ")));
}

#[test]
fn provisioner_mistakes_are_errors_at_their_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "null_resource" "a" {
  provisioner "remote-exec" {
    inline = ["true"]
  }

  provisioner "local-exec" {
    comand = "true"
  }
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    for expected in [
        "The \"remote-exec\" provisioner is part of the Terraform language, but infinstor does not support it yet",
        "An argument named \"comand\" is not expected in a local-exec provisioner. Did you mean \"command\"?",
    ] {
        assert!(run.stderr.contains(expected), "{expected} in\n{}", run.stderr);
    }
    // What a destroy-time provisioner may name: self, count.index, each.key.
    ws.write(
        "main.tf",
        r#"
variable "x" {
  default = "a"
}

resource "null_resource" "a" {
  provisioner "local-exec" {
    when    = destroy
    command = "echo ${var.x}"
  }
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    assert!(
        run.stderr.contains("Invalid reference from destroy provisioner"),
        "{}",
        run.stderr
    );
}

/// One `validate` run lists everything infinstor does not support yet in a configuration (a
/// provider, a type), together with the mistakes in the rest of it.
#[test]
fn validate_lists_what_is_not_supported_yet_and_the_other_mistakes_in_one_run() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
terraform {
  required_providers {
    docker = { source = "kreuzwerker/docker" }
  }
}

resource "aws_flow_log" "v" {
  vpc_id = "vpc-1"
}

resource "aws_s3_bucket" "b" {
  bucket = "bucket-b"
  bogus  = 1
}
"#,
    );
    let run = ws.run(&["validate"]).expect_code(1);
    for expected in [
        "Error: Unsupported provider",
        "The provider does not support resource type \"aws_flow_log\"",
        "An argument named \"bogus\" is not expected here.",
    ] {
        assert!(run.stderr.contains(expected), "{expected} in\n{}", run.stderr);
    }
}

#[test]
fn time_sleep_waits_and_time_static_keeps_its_time() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "time_sleep" "wait" {
  create_duration  = "1s"
  destroy_duration = "1s"
}

resource "time_static" "fixed" {
  rfc3339 = "2026-03-04T05:06:07+01:00"
}

resource "time_static" "after" {
  triggers = { after = time_sleep.wait.id }
}

output "fixed" {
  value = [time_static.fixed.year, time_static.fixed.month, time_static.fixed.day, time_static.fixed.hour, time_static.fixed.unix]
}

output "after" {
  value = time_static.after.unix
}
"#,
    );
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    let apply = ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert!(
        apply.stdout.contains("2026,\n  3,\n  4,\n  4,\n  1772597167,"),
        "{}",
        apply.stdout
    );
    let after: u64 = ws
        .run(&["output", "--raw", "after"])
        .expect_code(0)
        .stdout
        .trim()
        .parse()
        .expect("unix time");
    assert!(
        after > started,
        "time_static.after ({after}) comes a second after the start ({started})"
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    ws.write(
        "bad.tf",
        "resource \"time_sleep\" \"bad\" {\n  create_duration = \"soon\"\n}\n",
    );
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(bad.stderr.contains("is not a duration such as"), "{}", bad.stderr);
    std::fs::remove_file(ws.cwd().join("bad.tf")).expect("remove bad.tf");
    ws.run(&["destroy", "--auto-approve"]).expect_code(0);
    ws.run(&["import", "time_static.fixed", "2026-03-04T05:06:07+01:00"])
        .expect_code(0);
    let shown = ws.run(&["state", "show", "time_static.fixed"]).expect_code(0).stdout;
    assert!(shown.contains("1772597167"), "{shown}");
}
