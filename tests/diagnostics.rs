//! Diagnostics a user sees for bad input: no AWS needed (a plan against empty state without
//! data sources makes no network call; the harness points AWS at a closed port to prove it).

use crate::util::Workspace;

fn plan_stderr(files: &[(&str, &str)]) -> String {
    let ws = Workspace::new(None);
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
