//! Review output of `plan --format text|markdown|json` for the seed 003 example, fresh and after
//! a change to its policies, plus the JSON's structure and the absence of secrets.

use crate::util::{start_moto, workspace, Workspace};
use serde_json::Value as Json;

const VARS: [&str; 2] = ["--var", "external_id=mlflow-ext-1234"];

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    // Values the emulator makes up on every run.
    s.add_filter(r"\b[A-Z0-9]{21}\b", "[UNIQUE_ID]");
    s.add_filter(
        r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?",
        "[TIMESTAMP]",
    );
    s
}

fn plan_formats(ws: &Workspace, extra: &[&str]) -> (String, String, String) {
    let run = |format: &str| {
        let mut args = vec!["plan", "--format", format];
        args.extend_from_slice(extra);
        let r = ws.run(&args);
        assert!(
            r.code == 0,
            "plan --format {format} failed:\n{}\n{}",
            r.stdout,
            r.stderr
        );
        r.stdout
    };
    (run("text"), run("markdown"), run("json"))
}

#[test]
fn fresh_example_in_three_formats() {
    let ws = workspace(None);
    ws.copy_example("examples/mlflow-artifacts");
    let (text, md, json) = plan_formats(&ws, &VARS);
    settings().bind(|| {
        insta::assert_snapshot!("fresh_text", text);
        insta::assert_snapshot!("fresh_markdown", md);
        insta::assert_snapshot!("fresh_json", json);
    });
    let parsed: Json = serde_json::from_str(&json).expect("valid JSON");
    check_terraform_plan_structure(&parsed);
}

#[test]
fn a_policy_change_in_three_formats() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.copy_example("examples/mlflow-artifacts");
    ws.run(&["apply", "--auto-approve", VARS[0], VARS[1]]).expect_code(0);
    // Broaden the bucket policy to every S3 action and rotate the external ID.
    let module = "../../modules/mlflow-artifacts/main.tf";
    let tf = ws
        .read(module)
        .replace("\"s3:DeleteObject\",", "\"s3:DeleteObject\",\n          \"s3:*\",");
    ws.write(module, &tf);
    let (text, md, json) = plan_formats(&ws, &["--var", "external_id=rotated-5678"]);
    assert!(
        text.contains("! module.artifacts.aws_iam_policy.access: wildcard in actions: s3:*"),
        "{text}"
    );
    assert!(
        text.contains(
            "~ module.artifacts.aws_iam_role.infinstor: condition changed: StringEquals sts:ExternalId: mlflow-ext-1234 -> rotated-5678"
        ),
        "{text}"
    );
    settings().bind(|| {
        insta::assert_snapshot!("change_text", text);
        insta::assert_snapshot!("change_markdown", md);
        insta::assert_snapshot!("change_json", json);
    });
    let parsed: Json = serde_json::from_str(&json).expect("valid JSON");
    check_terraform_plan_structure(&parsed);
    let updates: Vec<&Json> = parsed["resource_changes"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|c| c["change"]["actions"] == serde_json::json!(["update"]))
        .collect();
    assert_eq!(updates.len(), 2, "policy and role updated in place");
}

#[test]
fn no_sensitive_value_in_any_format() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
variable "token" {
  type      = string
  sensitive = true
}
resource "aws_s3_bucket" "b" {
  bucket = "infinstor-secret-formats"
  tags   = { Token = var.token }
}
output "token" {
  value     = var.token
  sensitive = true
}
"#,
    );
    let (text, md, json) = plan_formats(&ws, &["--var", "token=hunter2-very-secret"]);
    for (name, out) in [("text", &text), ("markdown", &md), ("json", &json)] {
        assert!(!out.contains("hunter2"), "{name} leaks the secret:\n{out}");
    }
    let parsed: Json = serde_json::from_str(&json).expect("json");
    assert_eq!(parsed["variables"]["token"]["value"], Json::Null);
    let after_sensitive = &parsed["resource_changes"][0]["change"]["after_sensitive"];
    assert_eq!(after_sensitive["tags"], Json::Bool(true), "{after_sensitive}");
}

/// Checks field names and types of Terraform's documented plan representation
/// (https://developer.hashicorp.com/terraform/internals/json-format), as consumers read them.
fn check_terraform_plan_structure(p: &Json) {
    let obj = |v: &Json, what: &str| assert!(v.is_object(), "{what} must be an object: {v}");
    let arr = |v: &Json, what: &str| assert!(v.is_array(), "{what} must be an array: {v}");
    let s = |v: &Json, what: &str| assert!(v.is_string(), "{what} must be a string: {v}");
    s(&p["format_version"], "format_version");
    assert!(p["format_version"]
        .as_str()
        .map(|v| v.starts_with("1."))
        .unwrap_or(false));
    s(&p["terraform_version"], "terraform_version");
    obj(&p["variables"], "variables");
    for (_, v) in p["variables"].as_object().expect("variables") {
        assert!(v.get("value").is_some(), "each variable has a value key");
    }
    obj(&p["planned_values"], "planned_values");
    obj(&p["planned_values"]["outputs"], "planned_values.outputs");
    let check_module = |m: &Json, what: &str| {
        obj(m, what);
        arr(&m["resources"], "resources");
        for r in m["resources"].as_array().expect("resources") {
            for k in ["address", "mode", "type", "name", "provider_name"] {
                s(&r[k], k);
            }
            assert!(r["schema_version"].is_u64(), "schema_version");
            obj(&r["values"], "values");
            assert!(r["sensitive_values"].is_object(), "sensitive_values");
        }
        if let Some(children) = m.get("child_modules") {
            arr(children, "child_modules");
        }
    };
    check_module(&p["planned_values"]["root_module"], "planned_values.root_module");
    arr(&p["resource_changes"], "resource_changes");
    // Terraform leaves the key out when nothing drifted.
    if let Some(drift) = p.get("resource_drift") {
        arr(drift, "resource_drift");
    }
    for rc in p["resource_changes"].as_array().expect("rc") {
        for k in ["address", "mode", "type", "name", "provider_name"] {
            s(&rc[k], k);
        }
        let c = &rc["change"];
        obj(c, "change");
        arr(&c["actions"], "actions");
        for a in c["actions"].as_array().expect("actions") {
            assert!(
                ["no-op", "create", "read", "update", "delete"].contains(&a.as_str().unwrap_or("")),
                "action {a}"
            );
        }
        for k in ["before", "after"] {
            assert!(c[k].is_object() || c[k].is_null(), "{k}");
        }
        for k in ["after_unknown", "before_sensitive", "after_sensitive"] {
            assert!(c[k].is_object() || c[k].is_boolean(), "{k}: {}", c[k]);
        }
    }
    if let Some(outputs) = p.get("output_changes") {
        obj(outputs, "output_changes");
    }
    obj(&p["prior_state"], "prior_state");
    obj(&p["configuration"], "configuration");
    obj(&p["configuration"]["provider_config"], "provider_config");
    obj(&p["configuration"]["root_module"], "configuration.root_module");
    // As in Terraform, a module without resources has no `resources`, a resource without
    // arguments no `expressions`.
    for r in p["configuration"]["root_module"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
    {
        for k in ["address", "mode", "type", "name", "provider_config_key"] {
            s(&r[k], k);
        }
        if let Some(e) = r.get("expressions") {
            obj(e, "expressions");
        }
    }
    assert!(p["applyable"].is_boolean());
    assert!(p["errored"].is_boolean());
    arr(&p["access_review"], "access_review");
}

/// A CloudFormation template of `n` parameters, each a few lines of YAML.
fn long_template(n: usize, changed: Option<usize>) -> String {
    let mut t = String::from("Parameters:\n");
    for i in 0..n {
        let default = if changed == Some(i) { "changed" } else { "original" };
        t.push_str(&format!("  Param{i}:\n    Type: String\n    Default: {default}\n"));
    }
    t.push_str("Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n");
    t
}

#[test]
fn a_changed_template_shows_only_its_changed_lines_with_context() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |template: String| {
        format!(
            "resource \"aws_cloudformation_stack\" \"s\" {{\n  name          = \"long-template\"\n  template_body = <<-EOT\n{}  EOT\n}}\n",
            template.lines().map(|l| format!("    {l}\n")).collect::<String>()
        )
    };
    ws.write("main.tf", &config(long_template(30, None)));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.write("main.tf", &config(long_template(30, Some(15))));
    let plan = ws.run(&["plan"]).expect_code(0);
    // 94 lines in the template; the change, three lines either side, and two counts of the rest.
    assert!(plan.stdout.contains("-     Default: original"), "{}", plan.stdout);
    assert!(plan.stdout.contains("+     Default: changed"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("Param2:"), "{}", plan.stdout);
    assert!(!plan.stdout.contains("Param28:"), "{}", plan.stdout);
    let hidden: Vec<&str> = plan
        .stdout
        .lines()
        .filter(|l| l.contains("unchanged lines hidden"))
        .collect();
    assert_eq!(hidden.len(), 2, "{}", plan.stdout);
    let body: Vec<&str> = plan
        .stdout
        .lines()
        .skip_while(|l| !l.contains("template_body"))
        .take_while(|l| l.trim() != "EOT")
        .collect();
    insta::assert_snapshot!(body.join("\n"));
}
