//! Diagnostics a user sees for bad input: no AWS needed (a plan against empty state without
//! data sources makes no network call; the harness points AWS at a closed port to prove it).

use crate::util::workspace;

fn plan_stderr(files: &[(&str, &str)]) -> String {
    let ws = workspace(None);
    for (name, text) in files {
        ws.write(name, text);
    }
    let run = ws.run(&["plan"]).expect_code(1);
    run.stderr
}

#[test]
fn unknown_argument_suggests_the_right_name() {
    let err = plan_stderr(&[(
        "main.tf",
        r#"resource "aws_s3_bucket" "artifacts" {
  buckt = "for-mlflow-artifacts"
}
"#,
    )]);
    insta::assert_snapshot!(err);
}

#[test]
fn every_error_of_a_run_is_reported_together() {
    let err = plan_stderr(&[(
        "main.tf",
        r#"resource "aws_iam_role" "r" {
  name               = var.role_nam
  assume_role_policy = local.trust
}

resource "aws_s3_bucket" "b" {
  bucket = aws_s3_bucket.artifact.id
}

variable "role_name" {
  type = string
}
"#,
    )]);
    insta::assert_snapshot!(err);
}

#[test]
fn reference_cycle_is_named() {
    let err = plan_stderr(&[(
        "main.tf",
        r#"locals {
  a = local.b
  b = local.c
  c = local.a
}
"#,
    )]);
    insta::assert_snapshot!(err);
}

#[test]
fn syntax_error_points_at_the_line() {
    let err = plan_stderr(&[("main.tf", "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\n}\n")]);
    assert!(err.contains("Error: Invalid HCL syntax"), "{err}");
    assert!(err.contains("on main.tf line 2"), "{err}");
}

#[test]
fn wrong_type_is_an_error_with_location() {
    let err = plan_stderr(&[(
        "main.tf",
        r#"resource "aws_s3_bucket" "b" {
  bucket        = "x"
  force_destroy = ["yes"]
}
"#,
    )]);
    insta::assert_snapshot!(err);
}

#[test]
fn missing_required_variable_without_a_terminal() {
    let err = plan_stderr(&[(
        "main.tf",
        r#"variable "external_id" {
  type = string
}
"#,
    )]);
    assert!(err.contains("No value for required variable"), "{err}");
    assert!(err.contains("--var external_id="), "{err}");
}

#[test]
fn a_missing_variable_is_prompted_for_on_a_terminal() {
    use std::io::Write;
    let ws = workspace(None);
    ws.copy_example("examples/mlflow-artifacts");
    // `script` gives the binary a pseudo-terminal, as a person at a shell would.
    let cmd = ws.command(&[]);
    let bin = env!("CARGO_BIN_EXE_infinstor");
    let mut child = std::process::Command::new("script")
        .args(["-qec", &format!("{bin} plan"), "/dev/null"])
        .current_dir(ws.cwd())
        .envs(
            cmd.get_envs()
                .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v.to_owned()))),
        )
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("`script` (util-linux) is needed to give the binary a terminal");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"from-prompt-42\n")
        .expect("answer the prompt");
    let out = child.wait_with_output().expect("plan");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("var.external_id"), "{text}");
    assert!(text.contains("Enter a value:"), "{text}");
    assert!(text.contains("sts:ExternalId = from-prompt-42"), "{text}");
    assert!(text.contains("Plan: 6 to add, 0 to change, 0 to destroy."), "{text}");
}

#[test]
fn a_resource_that_refers_to_itself_is_an_error() {
    let err = plan_stderr(&[(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = aws_s3_bucket.a.id\n}\n",
    )]);
    insta::assert_snapshot!(err);
}

#[test]
fn runaway_inputs_are_errors_not_aborts() {
    let cases: [(&str, Vec<(&str, &str)>, &str); 5] = [
        (
            "count",
            vec![(
                "main.tf",
                "resource \"aws_s3_bucket\" \"b\" {\n  count  = 1000000000\n  bucket = \"b${count.index}\"\n}\n",
            )],
            "at most 1000000 instances",
        ),
        (
            "count 1e300",
            vec![(
                "main.tf",
                "resource \"aws_s3_bucket\" \"b\" {\n  count  = 1e300\n  bucket = \"b${count.index}\"\n}\n",
            )],
            "at most 1000000 instances",
        ),
        (
            "a template that renders itself",
            vec![
                (
                    "main.tf",
                    "output \"o\" {\n  value = templatefile(\"${path.module}/t.tpl\", {})\n}\n",
                ),
                ("t.tpl", "x${templatefile(\"t.tpl\", {})}"),
            ],
            "a template probably renders itself",
        ),
        (
            "an endless file",
            vec![("main.tf", "output \"o\" {\n  value = length(file(\"/dev/zero\"))\n}\n")],
            "the most the file functions read",
        ),
        (
            "a huge format width",
            vec![("main.tf", "output \"o\" {\n  value = format(\"%01000000000d\", 1)\n}\n")],
            "larger than 100000",
        ),
    ];
    for (what, files, message) in cases {
        let err = plan_stderr(&files);
        assert!(err.contains(message), "{what}: {err}");
    }
}

#[test]
fn a_problem_in_what_providers_need_is_reported_once() {
    let err = plan_stderr(&[(
        "main.tf",
        "variable \"region\" {\n  default = \"nowhere\"\n  validation {\n    condition     = var.region != \"nowhere\"\n    error_message = \"Choose a real region.\"\n  }\n}\n\nprovider \"aws\" {\n  region = var.region\n}\n\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"infinstor-once\"\n}\n",
    )]);
    assert_eq!(err.matches("Choose a real region.").count(), 1, "{err}");
}

#[test]
fn a_sensitive_variable_of_the_wrong_type_is_not_echoed() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "variable \"port\" {\n  type      = number\n  sensitive = true\n}\n\noutput \"o\" {\n  value     = var.port\n  sensitive = true\n}\n",
    );
    let run = ws.run(&["plan", "--var", "port=hunter2-not-a-number"]).expect_code(1);
    assert!(!run.stderr.contains("hunter2"), "{}", run.stderr);
    assert!(
        run.stderr.contains("a number is required (the value is sensitive"),
        "{}",
        run.stderr
    );
}

#[test]
fn validate_reports_a_reference_to_an_attribute_the_type_does_not_have() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n}\noutput \"o\" {\n  value = [aws_s3_bucket.b.arn, aws_s3_bucket.b.regional_domain_name, [for r in [1] : r.x]]\n}\n",
    );
    let run = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn a_diagnostic_points_at_the_value_or_label_it_is_about() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket_versioning\" \"v\" {\n  bucket = \"x\"\n  versioning_configuration {\n    status = \"Enbled\"\n  }\n}\n",
    );
    let nested = ws.run(&["plan"]).expect_code(1);
    ws.write("main.tf", "resource \"aws_s3_bukket\" \"c\" {\n  bucket = \"y\"\n}\n");
    let label = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(format!("{}\n{}", nested.stderr, label.stderr));
}

/// One configuration with a dozen different mistakes, none of which needs AWS to find:
/// `validate` reports every one in a single run, each at its place.
const TWELVE_MISTAKES: &str = r#"variable "env" {
  type = strng
}

variable "replicas" {
  type    = number
  default = "three"
}

resource "aws_s3_bucket" "artifacts" {
  bucket        = "infinstor-artifacts-${var.env}"
  force_destroy = "maybe"
}

resource "aws_s3_bucket_versioning" "artifacts" {
  versioning_configuration {
    status = "Enbled"
  }
}

resource "aws_s3_bucket_policy" "artifacts" {
  bucket = aws_s3_bucket.artifacts.bogus_attr
  policy = aws_s3_bucket_policy.artifacts.policy
}

resource "aws_s3_buckt" "logs" {
  bucket = "logs"
}

resource "aws_ssm_parameter" "endpoint" {
  name  = "/infinstor/endpoint"
  type  = "Strng"
  value = lenght("x")
  tier  = var.tier
}

output "bucket" {
  value = aws_s3_bucket.artifact.arn
}
"#;

#[test]
fn validate_reports_every_mistake_at_once() {
    let ws = workspace(None);
    ws.write("main.tf", TWELVE_MISTAKES);
    let run = ws.run(&["validate"]).expect_code(1);
    assert_eq!(run.stderr.matches("Error: ").count(), 12, "{}", run.stderr);
    // Each mistake on its own line of the file, in file order.
    let lines: Vec<&str> = run
        .stderr
        .lines()
        .filter(|l| l.starts_with("  on main.tf line "))
        .collect();
    let at: Vec<&str> = lines
        .iter()
        .map(|l| l.split_whitespace().nth(3).unwrap_or("").trim_end_matches([':', ',']))
        .collect();
    assert_eq!(
        at,
        ["2", "7", "12", "15", "17", "22", "23", "26", "32", "33", "34", "38"]
    );
    insta::assert_snapshot!(run.stderr);
}

#[test]
fn validate_json_has_terraforms_shape() {
    let ws = workspace(None);
    ws.write("main.tf", TWELVE_MISTAKES);
    let run = ws.run(&["validate", "-json"]).expect_code(1);
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).expect("validate -json prints JSON");
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["error_count"], 12);
    assert_eq!(doc["warning_count"], 0);
    let diags = doc["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diags.len(), 12);
    for d in diags {
        assert_eq!(d["severity"], "error");
        assert_eq!(d["range"]["filename"], "main.tf");
        let start = d["range"]["start"]["byte"].as_u64().expect("byte offset") as usize;
        let end = d["range"]["end"]["byte"].as_u64().expect("byte offset") as usize;
        assert!(start < end && end <= TWELVE_MISTAKES.len(), "{d}");
        let line = d["range"]["start"]["line"].as_u64().expect("line") as usize;
        assert_eq!(
            d["snippet"]["code"],
            TWELVE_MISTAKES.lines().nth(line - 1).expect("line in file")
        );
    }
    insta::assert_snapshot!(run.stdout);

    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"artifacts\" {\n  bucket = \"infinstor-artifacts\"\n}\n",
    );
    let ok = ws.run(&["validate", "--json"]).expect_code(0);
    let doc: serde_json::Value = serde_json::from_str(&ok.stdout).expect("JSON");
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["error_count"], 0);
    assert_eq!(doc["diagnostics"], serde_json::json!([]));
}

#[test]
fn an_unclosed_brace_names_its_block() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"infinstor-a\"\n\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = \"infinstor-b\"\n}\n",
    );
    let block = ws.run(&["validate"]).expect_code(1);
    assert!(block.stderr.contains("main.tf line 1:"), "{}", block.stderr);
    ws.write(
        "main.tf",
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"infinstor-a\"\n  tags = {\n    team = \"ml\"\n}\n",
    );
    let object = ws.run(&["plan"]).expect_code(1);
    assert!(object.stderr.contains("main.tf line 3:"), "{}", object.stderr);
    insta::assert_snapshot!(format!("{}\n{}", block.stderr, object.stderr));
}

#[test]
fn a_warning_beside_an_error_is_a_warning() {
    let ws = workspace(None);
    ws.write("main.tf", "locals {\n  a = var.missing\n}\n");
    let run = ws.run(&["plan", "-var", "extra=1", "-input=false"]).expect_code(1);
    assert!(
        run.stderr.contains("Error: Reference to undeclared input variable"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("\nWarning: Value for undeclared variable"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("Error: Warning"), "{}", run.stderr);
}

/// An argument the AWS provider documents and infinstor does not support yet is an error at its
/// place that says so and what to do, not "not expected here" (providers/src/not_yet.rs, which a
/// test holds to the provider's documented arguments).
#[test]
fn a_documented_argument_not_supported_yet_says_so_at_its_place() {
    let ws = crate::util::workspace(None);
    ws.write(
        "main.tf",
        "resource \"aws_kms_key\" \"k\" {\n  description         = \"k\"\n  custom_key_store_id = \"cks-1234567890abcdef0\"\n}\n",
    );
    let run = ws.run(&["validate"]).expect_code(1);
    assert!(run.stderr.contains("Error: Not supported yet"), "{}", run.stderr);
    assert!(run.stderr.contains("main.tf line 3"), "{}", run.stderr);
    assert!(run.stderr.contains("custom key store"), "{}", run.stderr);
}

/// As in Terraform, an argument set to null is not set, and a dynamic block whose `for_each` is
/// empty makes no block: a module that passes its variables' null defaults for features left
/// off asks nothing infinstor lacks. Given a value, the same argument is refused at its place.
#[test]
fn an_argument_not_supported_yet_left_null_or_empty_asks_nothing() {
    let ws = crate::util::workspace(None);
    let table = |restore: &str, warm: &str| {
        format!(
            "variable \"restore\" {{\n  default = {restore}\n}}\n\nvariable \"warm\" {{\n  default = {warm}\n}}\n\nresource \"aws_dynamodb_table\" \"t\" {{\n  name                = \"orders\"\n  billing_mode        = \"PAY_PER_REQUEST\"\n  hash_key            = \"id\"\n  restore_source_name = var.restore\n  attribute {{\n    name = \"id\"\n    type = \"S\"\n  }}\n  dynamic \"warm_throughput\" {{\n    for_each = var.warm\n    content {{\n      read_units_per_second = 12000\n    }}\n  }}\n}}\n"
        )
    };
    ws.write("main.tf", &table("null", "[]"));
    ws.run(&["validate"]).expect_code(0);
    // Values: variables are known at plan (at validate they are not, as in Terraform).
    ws.write("main.tf", &table("\"old-orders\"", "[1]"));
    ws.run(&["validate"]).expect_code(0);
    let run = ws.run(&["plan", "-refresh=false"]).expect_code(1);
    assert!(run.stderr.contains("main.tf line 13"), "{}", run.stderr);
    assert!(
        run.stderr.contains("\"restore_source_name\" is part of this type"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("\"warm_throughput\" is part of this type"),
        "{}",
        run.stderr
    );
    // A value written in place is refused at validate.
    ws.write("main.tf", &table("null", "[]").replace("var.restore", "\"old-orders\""));
    let run = ws.run(&["validate"]).expect_code(1);
    assert!(
        run.stderr.contains("\"restore_source_name\" is part of this type"),
        "{}",
        run.stderr
    );
    // A reference to such an argument is the same "not supported yet", not an unknown name.
    ws.write(
        "main.tf",
        &(table("null", "[]") + "\noutput \"restore\" {\n  value = aws_dynamodb_table.t.restore_source_name\n}\n"),
    );
    let run = ws.run(&["validate"]).expect_code(1);
    assert!(
        run.stderr.contains("Error: Not supported yet")
            && run.stderr.contains("aws_dynamodb_table.t.restore_source_name is an argument of the provider that infinstor does not support yet")
            && !run.stderr.contains("Unsupported attribute"),
        "{}",
        run.stderr
    );
}
