//! The `archive` provider through the binary: `archive_file` zips that are Terraform's byte for
//! byte. The expected digests are those the archive provider's own acceptance tests publish
//! for the same inputs (content, one file, a folder of three files), so they are what
//! Terraform writes; a Lambda function whose `source_code_hash` names such a zip plans no
//! change once applied; the resource form builds at apply and is replaced when its sources
//! change.

use crate::util::{output, planned_changes, start_moto, workspace};

/// The archive provider's test inputs, recreated: `test-file.txt` and a folder of three.
fn fixtures(ws: &crate::util::Workspace) {
    std::fs::create_dir_all(ws.path("fixtures/dir")).expect("folder");
    std::fs::write(ws.path("fixtures/test-file.txt"), "This is test content").expect("file");
    for n in 1..=3 {
        std::fs::write(
            ws.path(&format!("fixtures/dir/file{n}.txt")),
            format!("This is file {n}"),
        )
        .expect("file");
    }
}

#[test]
fn archives_of_content_a_file_and_a_folder_are_terraforms_byte_for_byte() {
    let ws = workspace(None);
    fixtures(&ws);
    ws.write(
        "main.tf",
        r#"
data "archive_file" "content" {
  type                    = "zip"
  source_content          = "This is some content"
  source_content_filename = "content.txt"
  output_path             = "out/content.zip"
}

data "archive_file" "file" {
  type             = "zip"
  source_file      = "fixtures/test-file.txt"
  output_path      = "out/file.zip"
  output_file_mode = "0666"
}

data "archive_file" "dir" {
  type             = "zip"
  source_dir       = "fixtures/dir"
  output_path      = "out/dir.zip"
  output_file_mode = "0666"
}

output "content" {
  value = data.archive_file.content.output_md5
}

output "file" {
  value = data.archive_file.file.output_md5
}

output "dir" {
  value = "${data.archive_file.dir.output_md5} ${data.archive_file.dir.output_base64sha256}"
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(output(&ws, "content"), "ea35f0444ea9a3d5641d8760bc2815cc");
    assert_eq!(output(&ws, "file"), "59fbc9e62af3cbc2f588f97498240dae");
    assert_eq!(
        output(&ws, "dir"),
        "b73f64a383716070aa4a29563b8b14d4 ydB8wtq8nK9vQ77VH6YTwoHmyljK46jW+uIJSwCzNpo="
    );
    assert!(ws.path("out/dir.zip").exists());
}

#[test]
fn an_archive_resource_is_built_at_apply_and_replaced_when_its_sources_change() {
    let ws = workspace(None);
    let config = |text: &str| {
        format!(
            r#"
resource "archive_file" "bundle" {{
  type        = "zip"
  output_path = "out/bundle.zip"
  source {{
    filename = "b.txt"
    content  = "{text}"
  }}
  source {{
    filename = "a.txt"
    content  = "first"
  }}
}}

output "sha" {{
  value = archive_file.bundle.output_sha
}}
"#
        )
    };
    ws.write("main.tf", &config("one"));
    let plan = ws.run(&["plan"]).expect_code(0);
    assert!(
        plan.stdout.contains("output_sha") && plan.stdout.contains("(known after apply)"),
        "{}",
        plan.stdout
    );
    assert!(!ws.path("out/bundle.zip").exists(), "a plan builds nothing");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let first = output(&ws, "sha");
    assert!(ws.path("out/bundle.zip").exists());
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.write("main.tf", &config("two"));
    planned_changes(&ws, "1 to add, 0 to change, 1 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_ne!(output(&ws, "sha"), first);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(
        ws.path("out/bundle.zip").exists(),
        "as in the archive provider, destroy leaves the file"
    );
}

#[test]
fn a_function_zipped_by_archive_file_plans_no_change_once_applied() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    std::fs::create_dir_all(ws.path("src")).expect("folder");
    std::fs::write(
        ws.path("src/main.py"),
        "def handler(event, context):\n    return {'ok': True}\n",
    )
    .expect("code");
    let config = r#"
data "archive_file" "code" {
  type        = "zip"
  source_dir  = "src"
  output_path = "build/code.zip"
}

resource "aws_iam_role" "fn" {
  name               = "archived"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }] })
}

resource "aws_lambda_function" "fn" {
  function_name    = "archived"
  role             = aws_iam_role.fn.arn
  filename         = data.archive_file.code.output_path
  source_code_hash = data.archive_file.code.output_base64sha256
  handler          = "main.handler"
  runtime          = "python3.12"
}
"#;
    ws.write("main.tf", config);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    // New code is a new hash, so a new upload.
    std::fs::write(
        ws.path("src/main.py"),
        "def handler(event, context):\n    return {'ok': False}\n",
    )
    .expect("code");
    planned_changes(&ws, "0 to add, 1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}

#[test]
fn an_archive_without_a_source_or_of_an_unsupported_kind_is_refused_at_validate() {
    let ws = workspace(None);
    crate::util::refused(
        &ws,
        "data \"archive_file\" \"a\" {\n  type        = \"zip\"\n  output_path = \"a.zip\"\n}\n",
        "validate",
        "At least one of these attributes must be configured: [source,source_content_filename,source_file,source_dir]",
    );
    crate::util::refused(
        &ws,
        "data \"archive_file\" \"a\" {\n  type        = \"tar.gz\"\n  source_file = \"main.tf\"\n  output_path = \"a.tgz\"\n}\n",
        "validate",
        "tar.gz archives are not supported yet",
    );
}
