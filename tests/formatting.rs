//! `infinstor fmt` through the binary: canonical layout, `-check`, `-diff`, `-recursive`,
//! standard input, syntax errors, and the shipped modules and examples kept formatted.

use crate::util::workspace;
use std::io::Write;
use std::process::Stdio;

const MESSY: &str = "resource \"aws_s3_bucket\"   \"b\"{\nbucket=\"infinstor-artifacts\"\n    force_destroy    = true\ntags={Team=\"ml\",Env  =  \"dev\"}\n}\n";
const TIDY: &str = "resource \"aws_s3_bucket\" \"b\" {\n  bucket        = \"infinstor-artifacts\"\n  force_destroy = true\n  tags          = { Team = \"ml\", Env = \"dev\" }\n}\n";

#[test]
fn fmt_rewrites_checks_and_diffs() {
    let ws = workspace(None);
    ws.write("main.tf", MESSY);
    ws.write("terraform.tfvars", "region=\"us-east-1\"\nenvironment   =   \"dev\"\n");
    ws.write("sub/child.tf", "locals{\na=1\n}\n");

    let check = ws.run(&["fmt", "-check"]).expect_code(3);
    assert_eq!(
        check.stdout, "main.tf\nterraform.tfvars\n",
        "only the directory itself without -recursive"
    );
    assert_eq!(ws.read("main.tf"), MESSY, "-check changes nothing");

    let diff = ws.run(&["fmt", "-check", "-diff", "main.tf"]).expect_code(3);
    insta::assert_snapshot!(diff.stdout);

    let write = ws.run(&["fmt", "-recursive"]).expect_code(0);
    assert_eq!(write.stdout, "main.tf\nsub/child.tf\nterraform.tfvars\n");
    assert_eq!(ws.read("main.tf"), TIDY);
    assert_eq!(
        ws.read("terraform.tfvars"),
        "region      = \"us-east-1\"\nenvironment = \"dev\"\n"
    );
    assert_eq!(ws.read("sub/child.tf"), "locals {\n  a = 1\n}\n");

    // Idempotent: a formatted tree is left alone and passes the check.
    let again = ws.run(&["fmt", "-recursive", "-check"]).expect_code(0);
    assert_eq!(again.stdout, "");
    // The formatted configuration still means the same.
    ws.run(&["validate"]).expect_code(0);
}

#[test]
fn fmt_reads_standard_input() {
    let ws = workspace(None);
    let mut child = ws
        .command(&["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(MESSY.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stdout), TIDY);
}

#[test]
fn fmt_formats_what_parses_and_reports_each_syntax_error() {
    let ws = workspace(None);
    let broken = "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \n}\n";
    ws.write("main.tf", broken);
    ws.write("other.tf", MESSY);
    ws.write("vars.tf", "variable \"x\" {\n");

    // As Terraform: -check reports the broken files only, and exits 2.
    let check = ws.run(&["fmt", "-check"]).expect_code(2);
    assert_eq!(check.stdout, "");
    assert_eq!(ws.read("other.tf"), MESSY);

    // Every file that parses is formatted; each broken one is reported where it breaks.
    let run = ws.run(&["fmt"]).expect_code(2);
    assert_eq!(run.stdout, "other.tf\n");
    assert_eq!(ws.read("other.tf"), TIDY);
    assert!(run.stderr.contains("main.tf line 2"), "{}", run.stderr);
    assert!(run.stderr.contains("vars.tf line 1"), "{}", run.stderr);
    assert_eq!(
        run.stderr.matches("the file was not formatted").count(),
        2,
        "{}",
        run.stderr
    );
    assert_eq!(ws.read("main.tf"), broken);
    let missing = ws.run(&["fmt", "nope.tf"]).expect_code(1);
    assert!(
        missing.stderr.contains("No file or directory nope.tf"),
        "{}",
        missing.stderr
    );
}

#[test]
fn shipped_modules_and_examples_are_formatted() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for dir in ["modules", "examples"] {
        let ws = workspace(None);
        let out = ws
            .command(&["fmt", "-recursive", "-check", "-diff", "-write=false"])
            .current_dir(root.join(dir))
            .output()
            .expect("run fmt");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{dir}: run `infinstor fmt -recursive` there:\n{stdout}"
        );
        assert!(stdout.is_empty(), "{stdout}");
    }
}
