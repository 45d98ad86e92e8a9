//! checkov (from PyPI, installed into target/checkov on first use) reads infinstor's plan JSON
//! as it reads Terraform's: on a configuration whose bucket lives in a module with its
//! versioning, encryption and public access block, checkov on `show -json PLANFILE` gives the
//! same passed and failed checks for the same resources as checkov on the HCL. (Addresses in
//! the configuration written with the module prefix made three checks fail there.)

use crate::util::{install, start_moto, workspace};
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;

const CHECKOV: &str = "checkov==3.3.30";

/// checkov's executable, installing it into its own environment the first time.
///
/// Every package checkov pulls in is pinned (tests/data/checkov-constraints.txt), so a new
/// release of one of its ninety dependencies cannot change what this test installs; a failed
/// download is tried again once.
fn checkov() -> PathBuf {
    let venv = test_support::repo_root().join("target").join("checkov");
    let bin = venv.join("bin").join("checkov");
    if !bin.exists() {
        let made = Command::new("python3")
            .args(["-m", "venv"])
            .arg(&venv)
            .status()
            .unwrap_or_else(|e| panic!("cannot run python3 ({e}): the checkov test needs Python 3 with venv"));
        assert!(
            made.success(),
            "python3 -m venv {} failed (Debian: install python3-venv)",
            venv.display()
        );
        let constraints = test_support::repo_root().join("tests/data/checkov-constraints.txt");
        install(CHECKOV, || {
            let mut pip = Command::new(venv.join("bin").join("pip"));
            pip.args([
                "install",
                "--disable-pip-version-check",
                "--progress-bar",
                "off",
                "--retries",
                "10",
            ])
            .arg("--constraint")
            .arg(&constraints)
            .arg(CHECKOV);
            pip
        });
    }
    bin
}

/// (passed or failed, check, resource) of a checkov JSON report.
fn results(report: &str) -> BTreeSet<(String, String, String)> {
    let doc: serde_json::Value = serde_json::from_str(report).expect("checkov's JSON report");
    let doc = if doc.is_array() { doc[0].clone() } else { doc };
    let mut out = BTreeSet::new();
    for kind in ["passed_checks", "failed_checks"] {
        for c in doc["results"][kind].as_array().into_iter().flatten() {
            out.insert((
                kind.to_string(),
                c["check_id"].as_str().unwrap_or_default().to_string(),
                c["resource"].as_str().unwrap_or_default().to_string(),
            ));
        }
    }
    out
}

#[test]
fn checkov_finds_the_same_on_the_plan_json_as_on_the_hcl_for_resources_in_modules() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "modules/store/main.tf",
        r#"
variable "name" {
  type = string
}

resource "aws_s3_bucket" "this" {
  bucket = var.name
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "aws:kms"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}
"#,
    );
    ws.write(
        "main.tf",
        "module \"store\" {\n  source = \"./modules/store\"\n  name   = \"checkov-store-bucket\"\n}\n",
    );
    ws.run(&["plan", "-out=p.plan"]).expect_code(0);
    let json = ws.run(&["show", "-json", "p.plan"]).expect_code(0).stdout;
    ws.write("plan/plan.json", &json);
    let bin = checkov();
    let scan = |args: &[&str]| {
        let out = Command::new(&bin)
            .args(args)
            .args(["--compact", "-o", "json"])
            .current_dir(ws.cwd())
            .output()
            .expect("checkov runs");
        results(&String::from_utf8_lossy(&out.stdout))
    };
    let hcl = scan(&["-d", ".", "--framework", "terraform", "--skip-path", "plan"]);
    let plan = scan(&["-f", "plan/plan.json", "--framework", "terraform_plan"]);
    assert!(hcl.len() > 10, "checkov found checks on the HCL: {hcl:?}");
    let versioning = (
        "passed_checks".to_string(),
        "CKV_AWS_21".to_string(),
        "module.store.aws_s3_bucket.this".to_string(),
    );
    assert!(
        plan.contains(&versioning),
        "the module's versioning reaches its bucket: {plan:?}"
    );
    assert_eq!(hcl, plan);
}
