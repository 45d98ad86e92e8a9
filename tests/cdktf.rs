//! A CDK for Terraform app through the whole cycle: tests/cdktf/app.js is synthesised by
//! Node.js with the `cdktf` and `constructs` npm packages (installed into target/cdktf on first
//! use), and its JSON is initialised, validated, planned, applied, planned again (no changes)
//! and destroyed by the binary against the emulator, unchanged. Node.js and npm are needed: the
//! test fails, saying so, where they are missing.

use crate::util::{block_on, install, start_moto, workspace, Clients};
use std::path::PathBuf;
use std::process::Command;

const PACKAGES: [&str; 2] = ["cdktf@0.21.0", "constructs@10.4.2"];

/// The directory whose node_modules hold cdktf, installing it the first time.
fn cdktf_packages() -> PathBuf {
    let dir = test_support::repo_root().join("target").join("cdktf");
    if !dir.join("node_modules").join("cdktf").join("package.json").exists() {
        std::fs::create_dir_all(&dir).expect("target/cdktf");
        install(&format!("{PACKAGES:?}"), || {
            let mut npm = Command::new("npm");
            npm.args(["install", "--no-audit", "--no-fund", "--loglevel=error", "--prefix"])
                .arg(&dir)
                .args(PACKAGES);
            npm
        });
    }
    dir
}

#[test]
fn a_cdktf_app_goes_through_the_whole_cycle_unchanged() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let packages = cdktf_packages();
    ws.write(
        "modules/child/main.tf",
        r#"
variable "name" {
  type = string
}

resource "aws_ssm_parameter" "p" {
  name  = "/cdktf/${var.name}"
  type  = "String"
  value = upper(var.name)
}

output "arn" {
  value = aws_ssm_parameter.p.arn
}
"#,
    );
    let app = test_support::repo_root().join("tests").join("cdktf").join("app.js");
    // cdktf puts the stack's local state beside where it runs: in the workspace.
    let synth = Command::new("node")
        .arg(&app)
        .arg(ws.cwd())
        .current_dir(ws.cwd())
        .env("NODE_PATH", packages.join("node_modules"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run node ({e}): the cdktf test needs Node.js 18+ and npm"));
    assert!(
        synth.status.success(),
        "cdktf synth: {}",
        String::from_utf8_lossy(&synth.stderr)
    );
    let stack = "cdktf.out/stacks/demo";
    let json = ws.read(&format!("{stack}/cdk.tf.json"));
    // What makes this JSON cdktf's: escaped quotes in Fn.* calls, a short source, an absolute module path.
    assert!(json.contains(r#"lower(format(\"%s-bucket\", var.name))"#), "{json}");
    assert!(json.contains(r#""source": "aws""#), "{json}");
    let run = |args: &[&str]| {
        let mut all = vec!["-C", stack];
        all.extend_from_slice(args);
        ws.run(&all)
    };
    run(&["init"]).expect_code(0);
    run(&["validate"]).expect_code(0);
    run(&["plan", "-detailed-exitcode"]).expect_code(2);
    run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(
        ws.cwd().join("terraform.demo.tfstate").exists(),
        "the stack's state is in the workspace"
    );
    let params = block_on(async {
        moto.ssm()
            .get_parameters()
            .names("/cdktf/a")
            .names("/cdktf/b")
            .names("/cdktf/child")
            .send()
            .await
            .expect("parameters")
    });
    let mut values: Vec<String> = params
        .parameters()
        .iter()
        .filter_map(|p| p.value().map(str::to_string))
        .collect();
    values.sort();
    assert_eq!(values, ["CHILD", "a-cdktf-demo-bucket", "b-cdktf-demo-bucket"]);
    assert_eq!(
        run(&["output", "-raw", "bucket_arn"]).expect_code(0).stdout,
        "arn:aws:s3:::cdktf-demo-bucket"
    );
    run(&["plan", "-detailed-exitcode"]).expect_code(0);
    run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(run(&["state", "list"]).expect_code(0).stdout, "");
}
