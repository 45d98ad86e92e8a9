//! The smaller commands through the real binary: validate, graph, import, state list/show/mv/rm,
//! output, show, and --target.

use crate::util::{block_on, planned_changes, start_moto, workspace, Clients};

#[test]
fn validate_and_graph_need_no_aws() {
    let ws = workspace(None);
    ws.copy_example("examples/mlflow-artifacts");
    let init = ws.run(&["init"]).expect_code(0);
    insta::assert_snapshot!(init.stdout);
    let v = ws.run(&["validate"]).expect_code(0);
    assert!(
        v.stdout.contains("Success! The configuration is valid."),
        "{}",
        v.stdout
    );
    // Terraform's summary: resources only, a cluster per module.
    let summary = ws.run(&["graph"]).expect_code(0);
    assert!(summary.stdout.starts_with("digraph G {"), "{}", summary.stdout);
    assert!(
        summary.stdout.contains("  subgraph \"cluster_module.artifacts\" {"),
        "{}",
        summary.stdout
    );
    assert!(
        summary.stdout.contains(
            "\"module.artifacts.aws_iam_role_policy_attachment.access\" -> \"module.artifacts.aws_iam_role.infinstor\";"
        ),
        "{}",
        summary.stdout
    );
    assert!(!summary.stdout.contains("provider["), "{}", summary.stdout);
    dot_parser::ast::Graph::try_from(summary.stdout.as_str()).expect("valid DOT");
    // Every node the plan walks.
    let g = ws.run(&["graph", "-type=plan"]).expect_code(0);
    assert!(g.stdout.starts_with("digraph infinstor {"), "{}", g.stdout);
    assert!(
        g.stdout.contains(
            "\"module.artifacts.aws_iam_role_policy_attachment.access\" -> \"module.artifacts.aws_iam_role.infinstor\""
        ),
        "{}",
        g.stdout
    );
    // A DOT parser reads every node, quotes in provider["aws"] included.
    let parsed = dot_parser::ast::Graph::try_from(g.stdout.as_str()).expect("valid DOT");
    let canonical = dot_parser::canonical::Graph::from(parsed);
    let ids: Vec<String> = canonical.nodes.set.keys().cloned().collect();
    assert!(ids.iter().any(|id| id.contains(r#"provider[\"aws\"]"#)), "{ids:?}");
    assert!(canonical.edges.set.len() > 10, "{}", g.stdout);
    ws.write("extra.tf", "resource \"aws_s3_bucket\" \"x\" {\n  bukket = \"a\"\n}\n");
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(bad.stderr.contains("Did you mean \"bucket\"?"), "{}", bad.stderr);
}

#[test]
fn import_state_commands_outputs_and_target() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("infinstor-existing")
            .send()
            .await
            .expect("existing bucket");
    });
    ws.write(
        "main.tf",
        r#"
resource "aws_s3_bucket" "existing" {
  bucket = "infinstor-existing"
}

resource "aws_s3_bucket" "other" {
  bucket = "infinstor-other"
}

output "names" {
  value = [aws_s3_bucket.existing.bucket]
}
"#,
    );
    let imported = ws
        .run(&["import", "aws_s3_bucket.existing", "infinstor-existing"])
        .expect_code(0);
    assert!(imported.stdout.contains("Import successful!"), "{}", imported.stdout);
    let missing = ws
        .run(&["import", "aws_s3_bucket.other", "no-such-bucket"])
        .expect_code(1);
    assert!(
        missing.stderr.contains("non-existent remote object"),
        "{}",
        missing.stderr
    );

    // --target: only the imported bucket and what it needs; the other bucket is not created.
    let targeted = ws
        .run(&["apply", "--auto-approve", "--target", "aws_s3_bucket.existing"])
        .expect_code(0);
    assert!(
        !targeted.stdout.contains("aws_s3_bucket.other: Creating"),
        "{}",
        targeted.stdout
    );
    let list = ws.run(&["state", "list"]).expect_code(0);
    assert_eq!(list.stdout, "aws_s3_bucket.existing\n");

    let out = ws.run(&["output", "--json"]).expect_code(0);
    let json: serde_json::Value = serde_json::from_str(&out.stdout).expect("json");
    assert_eq!(json["names"]["value"], serde_json::json!(["infinstor-existing"]));

    let show = ws.run(&["state", "show", "aws_s3_bucket.existing"]).expect_code(0);
    assert!(show.stdout.contains("arn"), "{}", show.stdout);
    assert!(
        show.stdout.contains("\"arn:aws:s3:::infinstor-existing\""),
        "{}",
        show.stdout
    );

    ws.run(&["state", "mv", "aws_s3_bucket.existing", "aws_s3_bucket.renamed"])
        .expect_code(0);
    let list = ws.run(&["state", "list"]).expect_code(0);
    assert_eq!(list.stdout, "aws_s3_bucket.renamed\n");
    let rm = ws.run(&["state", "rm", "aws_s3_bucket.renamed"]).expect_code(0);
    assert!(
        rm.stdout.contains("Successfully removed 1 resource instance(s)."),
        "{}",
        rm.stdout
    );
    // The object stays in AWS.
    block_on(async {
        moto.s3()
            .head_bucket()
            .bucket("infinstor-existing")
            .send()
            .await
            .expect("still exists");
    });
    let show_state = ws.run(&["show"]).expect_code(0);
    assert!(
        show_state.stdout.contains("The state file is empty"),
        "{}",
        show_state.stdout
    );
}

#[test]
fn terraform_single_dash_flags_work_and_no_destructive_command_is_suggested() {
    let ws = workspace(None);
    ws.write("main.tf", "variable \"x\" {}\noutput \"o\" {\n  value = var.x\n}\n");
    let plan = ws
        .run(&["plan", "-var", "x=1", "-out=tfplan", "-detailed-exitcode"])
        .expect_code(2);
    assert!(plan.stdout.contains("infinstor apply tfplan"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve", "-var=x=2", "-no-color"])
        .expect_code(0);
    let raw = ws.run(&["output", "-raw", "o"]).expect_code(0);
    assert_eq!(raw.stdout, "2", "no newline added, as Terraform's -raw");

    let typo = ws.run(&["test"]).expect_code(2);
    assert!(!typo.stderr.contains("destroy"), "{}", typo.stderr);
    let typo = ws.run(&["dstroy"]).expect_code(2);
    assert!(!typo.stderr.contains("\"destroy\""), "{}", typo.stderr);
    let typo = ws.run(&["pln"]).expect_code(2);
    assert!(typo.stderr.contains("Did you mean \"plan\"?"), "{}", typo.stderr);
    let help = ws.run(&["plan", "--help"]).expect_code(0).stdout;
    let (own, global) = help.split_once("Global options:").expect("global options apart");
    assert!(own.contains("--var") && !own.contains("--chdir"), "{help}");
    assert!(
        global.contains("--chdir") && global.contains("--lock-timeout"),
        "{help}"
    );
    let replace = ws.run(&["destroy", "--replace", "aws_s3_bucket.b"]).expect_code(1);
    assert!(
        replace.stderr.contains("--replace has nothing to add"),
        "{}",
        replace.stderr
    );
}

#[test]
fn apply_without_a_terminal_or_configuration_says_why() {
    let ws = workspace(None);
    let none = ws.run(&["apply"]).expect_code(1);
    assert!(none.stderr.contains("No configuration files"), "{}", none.stderr);
    ws.write("main.tf", "output \"o\" {\n  value = 1\n}\n");
    let refused = ws.run(&["apply"]).expect_code(1);
    assert!(refused.stdout.contains("Changes to Outputs"), "{}", refused.stdout);
    assert!(
        refused.stderr.contains("nothing was changed") && refused.stderr.contains("infinstor plan --out tfplan"),
        "{}",
        refused.stderr
    );
}

#[test]
fn import_blocks_adopt_existing_objects_at_plan_time() {
    let moto = start_moto();
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("infinstor-existing-logs")
            .send()
            .await
            .expect("bucket");
    });
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "logs" {
  default = "infinstor-existing-logs"
}

resource "aws_s3_bucket" "logs" {
  bucket = var.logs
  tags = {
    team = "platform"
  }
}

import {
  to = aws_s3_bucket.logs
  id = var.logs
}
"#,
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.logs will be imported (id \"infinstor-existing-logs\")"),
        "{}",
        plan.stdout
    );
    // Adopted, then brought to its configuration: the tag is added in place, nothing created.
    assert!(
        plan.stdout
            .contains("Plan: 1 to import, 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "aws_s3_bucket.logs\n");
    let tags = block_on(async {
        moto.s3()
            .get_bucket_tagging()
            .bucket("infinstor-existing-logs")
            .send()
            .await
            .expect("tags")
    });
    assert_eq!(tags.tag_set().len(), 1);
    // Managed now: the block has done its work and stays harmlessly.
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    ws.write(
        "more.tf",
        "resource \"aws_s3_bucket\" \"gone\" {\n  bucket = \"infinstor-never-made\"\n}\nimport {\n  to = aws_s3_bucket.gone\n  id = \"infinstor-never-made\"\n}\nimport {\n  to = aws_s3_bucket.undeclared\n  id = \"x\"\n}\n",
    );
    let wrong = ws.run(&["plan"]).expect_code(1);
    insta::assert_snapshot!(wrong.stderr);
}

#[test]
fn import_blocks_with_for_each_adopt_one_object_per_element() {
    let moto = start_moto();
    block_on(async {
        for name in ["infinstor-import-a", "infinstor-import-b"] {
            moto.s3().create_bucket().bucket(name).send().await.expect("bucket");
        }
    });
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
variable "buckets" {
  default = { a = "infinstor-import-a", b = "infinstor-import-b" }
}

resource "aws_s3_bucket" "b" {
  for_each = var.buckets
  bucket   = each.value
}

import {
  for_each = var.buckets
  to       = aws_s3_bucket.b[each.key]
  id       = each.value
}
"#,
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    for key in ["a", "b"] {
        let line = format!("# aws_s3_bucket.b[\"{key}\"] will be imported (id \"infinstor-import-{key}\")");
        assert!(plan.stdout.contains(&line), "{line} in\n{}", plan.stdout);
    }
    assert!(
        plan.stdout
            .contains("Plan: 2 to import, 0 to add, 0 to change, 0 to destroy"),
        "{}",
        plan.stdout
    );
    // Terraform's plan JSON names the import of each instance.
    let json: serde_json::Value =
        serde_json::from_str(&ws.run(&["plan", "--format", "json"]).expect_code(0).stdout).expect("plan JSON");
    let importing: Vec<(String, String)> = json["resource_changes"]
        .as_array()
        .expect("resource_changes")
        .iter()
        .map(|rc| {
            (
                rc["address"].as_str().unwrap_or_default().to_string(),
                rc["change"]["importing"]["id"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        importing,
        vec![
            ("aws_s3_bucket.b[\"a\"]".to_string(), "infinstor-import-a".to_string()),
            ("aws_s3_bucket.b[\"b\"]".to_string(), "infinstor-import-b".to_string())
        ]
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(
        ws.run(&["state", "list"]).expect_code(0).stdout,
        "aws_s3_bucket.b[\"a\"]\naws_s3_bucket.b[\"b\"]\n"
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    // A set of strings, into a count resource by a computed index; and a for_each that is
    // neither a map nor a set.
    ws.write(
        "more.tf",
        r#"
resource "aws_s3_bucket" "c" {
  count  = 1
  bucket = "infinstor-import-a"
}

import {
  for_each = toset(["infinstor-import-a"])
  to       = aws_s3_bucket.c[length(each.key) - 18]
  id       = each.key
}

import {
  for_each = 3
  to       = aws_s3_bucket.b[each.key]
  id       = each.value
}
"#,
    );
    let wrong = ws.run(&["plan"]).expect_code(1);
    assert!(
        wrong
            .stderr
            .contains("The for_each of an import block is a map or a set of strings")
            && wrong.stderr.contains("more.tf line 14"),
        "{}",
        wrong.stderr
    );
    ws.write("more.tf", &ws.read("more.tf").replace("for_each = 3", "for_each = {}"));
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.c[0] will be imported (id \"infinstor-import-a\")"),
        "{}",
        plan.stdout
    );
}

#[test]
fn generate_config_out_writes_the_resource_blocks_import_blocks_lack() {
    let moto = start_moto();
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("infinstor-generated")
            .send()
            .await
            .expect("bucket");
        let tagging = aws_sdk_s3::types::Tagging::builder()
            .tag_set(
                aws_sdk_s3::types::Tag::builder()
                    .key("team")
                    .value("data \"${x}\"")
                    .build()
                    .expect("tag"),
            )
            .build()
            .expect("tagging");
        moto.s3()
            .put_bucket_tagging()
            .bucket("infinstor-generated")
            .tagging(tagging)
            .send()
            .await
            .expect("tags");
    });
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "import {\n  to = aws_s3_bucket.adopted\n  id = \"infinstor-generated\"\n}\n",
    );
    // Without the flag, the missing block is an error that names the flag.
    let wrong = ws.run(&["plan"]).expect_code(1);
    assert!(wrong.stderr.contains("has no resource block"), "{}", wrong.stderr);
    // Terraform's single-dash spelling.
    let plan = ws
        .run(&["plan", "-generate-config-out=generated.tf", "-detailed-exitcode"])
        .expect_code(2);
    assert!(
        plan.stdout
            .contains("Plan: 1 to import, 0 to add, 0 to change, 0 to destroy"),
        "the generated block matches the object: {}",
        plan.stdout
    );
    insta::assert_snapshot!(ws.read("generated.tf"));
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(
        ws.run(&["state", "list"]).expect_code(0).stdout,
        "aws_s3_bucket.adopted\n"
    );
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);
    // A second import target: the file is not overwritten.
    ws.write(
        "more.tf",
        "import {\n  to = aws_s3_bucket.other\n  id = \"infinstor-generated\"\n}\n",
    );
    let refused = ws
        .run(&["plan", "--generate-config-out", "generated.tf"])
        .expect_code(1);
    assert!(refused.stderr.contains("writes a new file"), "{}", refused.stderr);
}

#[test]
fn removed_blocks_forget_objects_or_destroy_them() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"keep\" {\n  bucket = \"infinstor-keep\"\n}\nresource \"aws_s3_bucket\" \"drop\" {\n  bucket = \"infinstor-drop\"\n}\n",
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    ws.write(
        "main.tf",
        "removed {\n  from = aws_s3_bucket.keep\n  lifecycle {\n    destroy = false\n  }\n}\nremoved {\n  from = aws_s3_bucket.drop\n}\n",
    );
    let plan = ws.run(&["plan", "--detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("# aws_s3_bucket.keep will no longer be managed by infinstor (the object stays in AWS)"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("# aws_s3_bucket.drop will be destroyed"),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("Plan: 0 to add, 0 to change, 1 to destroy, 1 to forget."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "--auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
    let names = crate::util::bucket_names(&moto);
    assert_eq!(names, vec!["infinstor-keep".to_string()], "forgotten, not destroyed");
    ws.run(&["plan", "--detailed-exitcode"]).expect_code(0);

    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"keep\" {\n  bucket = \"infinstor-keep\"\n}\nremoved {\n  from = aws_s3_bucket.keep\n}\n",
    );
    let wrong = ws.run(&["plan"]).expect_code(1);
    assert!(wrong.stderr.contains("Removed object still exists"), "{}", wrong.stderr);
}

#[test]
fn taint_state_pull_push_version_and_completions() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"infinstor-taint\"\n}\n",
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);

    ws.run(&["taint", "aws_s3_bucket.b"]).expect_code(0);
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_s3_bucket.b must be replaced"),
        "{}",
        plan.stdout
    );
    ws.run(&["untaint", "aws_s3_bucket.b"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["taint", "aws_s3_bucket.nope"]).expect_code(1);

    // pull, edit nothing, push back: accepted; an older copy or another deployment is not.
    let pulled = ws.run(&["state", "pull"]).expect_code(0).stdout;
    ws.write("copy.json", &pulled);
    ws.run(&["taint", "aws_s3_bucket.b"]).expect_code(0);
    let older = ws.run(&["state", "push", "copy.json"]).expect_code(1);
    assert!(older.stderr.contains("is older"), "{}", older.stderr);
    ws.run(&["state", "push", "--force", "copy.json"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let other = pulled.replacen("\"lineage\": \"", "\"lineage\": \"x", 1);
    ws.write("other.json", &other);
    let refused = ws.run(&["state", "push", "other.json"]).expect_code(1);
    assert!(refused.stderr.contains("another deployment"), "{}", refused.stderr);

    let version = ws.run(&["version", "-json"]).expect_code(0);
    let v: serde_json::Value = serde_json::from_str(&version.stdout).expect("version JSON");
    assert_eq!(v["infinstor_version"], env!("CARGO_PKG_VERSION"));
    let bash = ws.run(&["completions", "bash"]).expect_code(0);
    assert!(
        bash.stdout.contains("infinstor") && bash.stdout.contains("apply"),
        "{}",
        bash.stdout
    );
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}

#[test]
fn refresh_only_records_outside_changes_without_undoing_them() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"infinstor-refresh-a\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"infinstor-refresh-b\"\n}\n",
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    // Someone deletes a bucket by hand; a refresh-only plan says so and proposes nothing else.
    block_on(async {
        moto.s3()
            .delete_bucket()
            .bucket("infinstor-refresh-b")
            .send()
            .await
            .expect("delete");
    });
    let plan = ws.run(&["plan", "-refresh-only", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("aws_s3_bucket.b has been deleted"),
        "{}",
        plan.stdout
    );
    assert!(plan.stdout.contains("This is a refresh-only plan"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("will be created"), "{}", plan.stdout);
    ws.run(&["refresh"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "aws_s3_bucket.a\n");
    assert_eq!(
        crate::util::bucket_names(&moto),
        vec!["infinstor-refresh-a".to_string()],
        "nothing recreated"
    );
    ws.run(&["plan", "-refresh-only", "-detailed-exitcode"]).expect_code(0);
    // A normal plan now creates it again.
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 0 to destroy.");
}

/// Runs `infinstor console` with `input` on its standard input.
fn console(ws: &test_support::Workspace, input: &str) -> (i32, String, String) {
    use std::io::Write as _;
    let mut child = ws
        .command(&["console"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("spawn console");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("console ends at end of input");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn console_evaluates_against_configuration_and_state() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"variable "env" {
  default = "dev"
}

variable "token" {
  sensitive = true
  default   = "hunter2"
}

locals {
  prefix = "/infinstor/${var.env}"
}

resource "aws_ssm_parameter" "p" {
  count          = 2
  name           = "${local.prefix}/p${count.index}"
  type           = "String"
  insecure_value = "v${count.index}"
}

module "naming" {
  source = "./naming"
  base   = aws_ssm_parameter.p[0].name
}
"#,
    );
    ws.write(
        "naming/main.tf",
        "variable \"base\" {}\n\noutput \"child\" {\n  value = \"${var.base}/child\"\n}\n",
    );
    // Before apply: what the state does not hold is unknown.
    let (code, before, _) = console(&ws, "aws_ssm_parameter.p\nlocal.prefix\n");
    assert_eq!(code, 0);
    assert_eq!(before, "(known after apply)\n\"/infinstor/dev\"\n");

    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let (code, out, err) = console(
        &ws,
        "aws_ssm_parameter.p[1].insecure_value\n[for p in aws_ssm_parameter.p : p.name]\nmodule.naming.child\nvar.token\nlength(aws_ssm_parameter.p)\nterraform.workspace\n",
    );
    assert_eq!(code, 0, "{err}");
    insta::assert_snapshot!(out);

    // A mistake is reported at its place; the other lines are still evaluated; exit 1.
    let (code, out, err) = console(&ws, "aws_ssm_parameter.q.name\nlocal.prefix\n");
    assert_eq!(code, 1);
    assert_eq!(out, "\"/infinstor/dev\"\n");
    assert!(err.contains("Did you mean \"aws_ssm_parameter.p\"?"), "{err}");
}

/// Runs `args` in `ws` on a pseudo-terminal (through `script`, from util-linux), returning
/// everything the terminal received.
fn on_terminal(ws: &test_support::Workspace, args: &[&str]) -> (i32, String) {
    let mut line = String::from(env!("CARGO_BIN_EXE_infinstor"));
    for a in args {
        line.push(' ');
        line.push_str(a);
    }
    // The workspace's environment (emulator endpoint, credentials), and a terminal type.
    let base = ws.command(&[]);
    let envs: Vec<_> = base
        .get_envs()
        .filter_map(|(k, v)| Some((k.to_os_string(), v?.to_os_string())))
        .collect();
    let cwd = base.get_current_dir().map(|d| d.to_path_buf());
    let mut cmd = std::process::Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_clear()
        .envs(envs)
        .env("TERM", "xterm")
        .stdin(std::process::Stdio::null());
    if let Some(d) = cwd {
        cmd.current_dir(d);
    }
    let out = cmd
        .output()
        .expect("`script` (util-linux) runs a command on a pseudo-terminal; install util-linux");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
    )
}

#[test]
fn a_terminal_shows_a_progress_bar_and_a_spinner_per_change() {
    let moto = test_support::Moto::start_with(&[("MOTO_ACM_VALIDATION_WAIT", "3")]);
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        "resource \"aws_acm_certificate\" \"c\" {\n  domain_name       = \"progress.example.com\"\n  validation_method = \"DNS\"\n}\n\nresource \"aws_acm_certificate_validation\" \"c\" {\n  certificate_arn = aws_acm_certificate.c.arn\n}\n",
    );
    let (code, screen) = on_terminal(&ws, &["apply", "-auto-approve"]);
    assert_eq!(code, 0, "{screen}");
    // The bar counts the changes; the spinner carries the wait's status instead of a line per poll.
    assert!(screen.contains("/2 changes"), "{screen}");
    assert!(screen.contains("1/2 changes"), "{screen}");
    assert!(
        screen.contains("aws_acm_certificate_validation.c: Creation complete"),
        "{screen}"
    );
    // Without a terminal the same apply is plain lines, without bars or cursor movement.
    let run = ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(!run.stdout.contains("changes,"), "{}", run.stdout);
    assert!(!run.stdout.contains('\u{1b}'), "{}", run.stdout);
    assert!(
        run.stdout.contains("aws_acm_certificate.c: Destruction complete"),
        "{}",
        run.stdout
    );
}

/// `show -json PLANFILE` (Terraform's spelling) is `show --format json PLANFILE`; both
/// spellings at once are one too many.
#[test]
fn show_json_is_terraforms_spelling_of_format_json() {
    let ws = crate::util::workspace(None);
    ws.write("main.tf", "resource \"terraform_data\" \"a\" {\n  input = 1\n}\n");
    ws.run(&["plan", "-out=p.plan"]).expect_code(0);
    let json = ws.run(&["show", "-json", "p.plan"]).expect_code(0);
    let formatted = ws.run(&["show", "--format", "json", "p.plan"]).expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&json.stdout).expect("plan JSON");
    assert_eq!(doc["resource_changes"][0]["address"], "terraform_data.a");
    assert_eq!(json.stdout.len(), formatted.stdout.len());
    let both = ws
        .run(&["show", "-json", "--format", "markdown", "p.plan"])
        .expect_code(1);
    assert!(both.stderr.contains("-json is --format json"), "{}", both.stderr);
}
