//! Secrets Manager through the binary against the emulator: a secret with a value (a version)
//! and a policy: create, no-op re-plan, a new value (a new version, the old one unlabelled),
//! labels and description changed in place, a change made outside, import, replacement and
//! destroy, each read back through the SDK; the value is in no output a person reads. A
//! write-only value (`secret_string_wo`) reaches Secrets Manager and no plan, state or output.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

const SECRETS: &str = r#"
variable "password" {
  type      = string
  sensitive = true
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "mlflow/db"
  description             = "MLflow database"
  recovery_window_in_days = 0
  tags                    = { team = "ml" }
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = jsonencode({ username = "mlflow", password = var.password })
}

resource "aws_secretsmanager_secret_policy" "db" {
  secret_arn = aws_secretsmanager_secret.db.arn
  policy     = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "read", Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/mlflow" }, Action = "secretsmanager:GetSecretValue", Resource = "*" }] })
}

output "version" {
  value = aws_secretsmanager_secret_version.db.version_id
}

output "arn" {
  value = aws_secretsmanager_secret.db.arn
}
"#;

fn secretsmanager(moto: &Moto) -> aws_sdk_secretsmanager::Client {
    aws_sdk_secretsmanager::Client::new(&moto.sdk_config())
}

/// The current value and the description of a secret, or `None` when it is gone.
fn current(moto: &Moto, id: &str) -> Option<(String, String)> {
    block_on(async {
        let client = secretsmanager(moto);
        let described = client.describe_secret().secret_id(id).send().await.ok()?;
        if described.deleted_date().is_some() {
            return None;
        }
        let value = client.get_secret_value().secret_id(id).send().await.ok()?;
        Some((
            value.secret_string().unwrap_or_default().to_string(),
            described.description().unwrap_or_default().to_string(),
        ))
    })
}

/// The labels of each version of a secret.
fn stages(moto: &Moto, id: &str) -> std::collections::BTreeMap<String, Vec<String>> {
    block_on(async {
        let out = secretsmanager(moto)
            .describe_secret()
            .secret_id(id)
            .send()
            .await
            .expect("describe");
        out.version_ids_to_stages()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .map(|(k, mut v)| {
                v.sort();
                (k, v)
            })
            .collect()
    })
}

#[test]
fn a_secret_its_value_and_policy_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", SECRETS);
    ws.write("terraform.tfvars", "password = \"hunter2-first\"\n");
    let applied = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(!applied.stdout.contains("hunter2") && !applied.stderr.contains("hunter2"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (value, description) = current(&moto, "mlflow/db").expect("secret");
    assert!(value.contains("hunter2-first"), "{value}");
    assert_eq!(description, "MLflow database");
    let arn = crate::util::output(&ws, "arn");
    let first = crate::util::output(&ws, "version");
    assert_eq!(
        stages(&moto, "mlflow/db").get(&first),
        Some(&vec!["AWSCURRENT".to_string()])
    );
    let policy = block_on(async {
        secretsmanager(&moto)
            .get_resource_policy()
            .secret_id("mlflow/db")
            .send()
            .await
            .expect("policy")
            .resource_policy()
            .map(str::to_string)
    });
    assert!(policy.is_some_and(|p| p.contains("GetSecretValue")));

    // As in Terraform, an imported secret has the default recovery window: the configuration's
    // is recorded by the next apply, which sends nothing.
    ws.run(&["state", "rm", "aws_secretsmanager_secret.db"]).expect_code(0);
    ws.run(&["import", "aws_secretsmanager_secret.db", &arn]).expect_code(0);
    let recorded = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(
        recorded.stdout.contains("recovery_window_in_days = 30 -> 0"),
        "{}",
        recorded.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_secretsmanager_secret_policy.db", &arn);
    reimport(&ws, "aws_secretsmanager_secret_version.db", &format!("{arn}|{first}"));

    // A new value is a new version that takes AWSCURRENT; the description changes in place.
    ws.write("terraform.tfvars", "password = \"hunter2-second\"\n");
    ws.write("main.tf", &SECRETS.replace("MLflow database", "MLflow's database"));
    let plan = planned_changes(&ws, "Plan: 1 to add, 1 to change, 1 to destroy.");
    assert!(!plan.stdout.contains("hunter2"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (value, description) = current(&moto, "mlflow/db").expect("secret");
    assert!(value.contains("hunter2-second"), "{value}");
    assert_eq!(description, "MLflow's database");
    let second = crate::util::output(&ws, "version");
    assert_ne!(first, second);
    let labels = stages(&moto, "mlflow/db");
    assert_eq!(labels.get(&second), Some(&vec!["AWSCURRENT".to_string()]));
    assert!(
        labels
            .get(&first)
            .is_none_or(|l| !l.contains(&"AWSCURRENT".to_string())),
        "{labels:?}"
    );

    // A description changed outside is put back.
    block_on(async {
        secretsmanager(&moto)
            .update_secret()
            .secret_id("mlflow/db")
            .description("by hand")
            .send()
            .await
            .expect("by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        current(&moto, "mlflow/db").map(|c| c.1).as_deref(),
        Some("MLflow's database")
    );

    // Destroy deletes the secret at once (recovery window 0).
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(current(&moto, "mlflow/db").is_none());
}

#[test]
fn a_version_with_two_values_or_a_bad_recovery_window_is_refused_at_its_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_secretsmanager_secret" "s" {
  name                    = "s"
  recovery_window_in_days = 3
}

resource "aws_secretsmanager_secret_version" "v" {
  secret_id     = aws_secretsmanager_secret.s.id
  secret_string = "a"
  secret_binary = "YQ=="
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (text, line) in [
        (
            "recovery_window_in_days is 0 (delete at once) or 7 to 30 days",
            "line 3",
        ),
        ("\"secret_string\" and \"secret_binary\" cannot both be set", "line 9"),
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("on main.tf {line}")),
            "{line} in {}",
            run.stderr
        );
    }
}

fn rotation(days: u32) -> String {
    let function = crate::functions::function_from_zip("rotator", "rotate-db", "rotator");
    format!(
        r#"
resource "aws_secretsmanager_secret" "db" {{
  name                    = "db-password"
  recovery_window_in_days = 0
}}

resource "aws_secretsmanager_secret_version" "db" {{
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = "first"
}}
{function}
resource "aws_secretsmanager_secret_rotation" "db" {{
  secret_id           = aws_secretsmanager_secret.db.id
  rotation_lambda_arn = aws_lambda_function.rotator.arn
  rotate_immediately  = false
  rotation_rules {{
    automatically_after_days = {days}
  }}
}}
"#
    )
}

/// (enabled, days) of the secret's rotation.
fn rotation_of(moto: &Moto) -> Option<(bool, i64)> {
    block_on(async {
        let out = secretsmanager(moto)
            .describe_secret()
            .secret_id("db-password")
            .send()
            .await
            .ok()?;
        Some((
            out.rotation_enabled().unwrap_or(false),
            out.rotation_rules()
                .and_then(|r| r.automatically_after_days())
                .unwrap_or(0),
        ))
    })
}

#[test]
fn a_secret_rotated_by_a_function_changes_its_schedule_in_place_and_stops_on_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    std::fs::write(
        ws.path("fn.zip"),
        crate::functions::zip_of("main.py", b"def handler(event, context):\n    return None\n"),
    )
    .expect("the function's zip");
    ws.write("main.tf", &rotation(30));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(rotation_of(&moto), Some((true, 30)));
    assert_eq!(
        current(&moto, "db-password").map(|c| c.0),
        Some("first".to_string()),
        "not rotated at once"
    );

    let arn = block_on(async {
        secretsmanager(&moto)
            .describe_secret()
            .secret_id("db-password")
            .send()
            .await
            .ok()
            .and_then(|o| o.arn().map(str::to_string))
    })
    .expect("the secret's ARN");
    reimport(&ws, "aws_secretsmanager_secret_rotation.db", &arn);

    ws.write("main.tf", &rotation(10));
    planned_changes(&ws, "0 to add, 1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(rotation_of(&moto), Some((true, 10)));

    // Rotation stopped outside is planned back.
    block_on(async {
        secretsmanager(&moto)
            .cancel_rotate_secret()
            .secret_id("db-password")
            .send()
            .await
            .expect("cancelled by hand")
    });
    planned_changes(&ws, "0 to add, 1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(rotation_of(&moto), Some((true, 10)));

    ws.run(&[
        "destroy",
        "-auto-approve",
        "-target",
        "aws_secretsmanager_secret_rotation.db",
    ])
    .expect_code(0);
    assert_eq!(
        rotation_of(&moto),
        Some((false, 10)),
        "destroy stops the rotation, the secret stays"
    );
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
}

fn write_only(version: u32) -> String {
    format!(
        r#"
resource "aws_secretsmanager_secret" "db" {{
  name                    = "wo-db"
  recovery_window_in_days = 0
}}

resource "aws_secretsmanager_secret_version" "db" {{
  secret_id                = aws_secretsmanager_secret.db.id
  secret_string_wo         = trimspace(file("${{path.module}}/password.txt"))
  secret_string_wo_version = {version}
}}

output "version" {{
  value = aws_secretsmanager_secret_version.db.version_id
}}

output "recorded" {{
  sensitive = true
  value     = [aws_secretsmanager_secret_version.db.has_secret_string_wo, aws_secretsmanager_secret_version.db.secret_string_wo == null, aws_secretsmanager_secret_version.db.secret_string == null]
}}
"#
    )
}

#[test]
fn a_write_only_value_reaches_secrets_manager_and_no_plan_state_or_output() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", &write_only(1));
    ws.write("password.txt", "wo-first-secret\n");
    // Shown as Terraform shows it, and the value read again from the configuration when the
    // saved plan is applied (no plan file holds it).
    let plan = ws.run(&["plan", "-out=wo.plan"]).expect_code(0);
    assert!(
        plan.stdout
            .contains("+ secret_string_wo         = (write-only attribute)"),
        "{}",
        plan.stdout
    );
    let json = ws.run(&["show", "-json", "wo.plan"]).expect_code(0).stdout;
    let doc: serde_json::Value = serde_json::from_str(&json).expect("plan JSON");
    let change = doc["resource_changes"]
        .as_array()
        .and_then(|c| c.iter().find(|c| c["type"] == "aws_secretsmanager_secret_version"))
        .expect("the version's change")["change"]
        .clone();
    assert_eq!(change["after"]["secret_string_wo"], serde_json::Value::Null);
    assert_eq!(change["after_sensitive"]["secret_string_wo"], true);
    let applied = ws.run(&["apply", "wo.plan"]).expect_code(0);
    assert_eq!(current(&moto, "wo-db").map(|c| c.0).as_deref(), Some("wo-first-secret"));
    let recorded = ws.run(&["output", "-json", "recorded"]).expect_code(0).stdout;
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&recorded).expect("JSON"),
        serde_json::json!([true, true, true])
    );
    let first = crate::util::output(&ws, "version");
    for run in [&plan, &applied] {
        assert!(!format!("{}{}", run.stdout, run.stderr).contains("wo-first-secret"));
    }
    assert_eq!(
        crate::util::files_holding(&ws.cwd(), "wo-first-secret", "password.txt"),
        Vec::<std::path::PathBuf>::new()
    );

    // A new value alone changes nothing: it is not known to the plan.
    ws.write("password.txt", "wo-second-secret\n");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(current(&moto, "wo-db").map(|c| c.0).as_deref(), Some("wo-first-secret"));

    // A new version number sends it, as a new version of the secret.
    ws.write("main.tf", &write_only(2));
    let plan = planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    assert!(
        plan.stdout
            .contains("~ secret_string_wo_version = 1 -> 2 # forces replacement"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        current(&moto, "wo-db").map(|c| c.0).as_deref(),
        Some("wo-second-secret")
    );
    assert_ne!(crate::util::output(&ws, "version"), first);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        crate::util::files_holding(&ws.cwd(), "wo-second-secret", "password.txt"),
        Vec::<std::path::PathBuf>::new()
    );

    let destroy = ws.run(&["plan", "-destroy"]).expect_code(0);
    assert!(
        destroy
            .stdout
            .contains("- secret_string_wo         = (write-only attribute) -> null"),
        "{}",
        destroy.stdout
    );
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(current(&moto, "wo-db").is_none());
}

#[test]
fn a_write_only_value_without_its_version_or_beside_another_value_is_refused_at_its_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_secretsmanager_secret_version" "alone" {
  secret_id        = "s"
  secret_string_wo = "a"
}

resource "aws_secretsmanager_secret_version" "both" {
  secret_id                = "s"
  secret_string            = "a"
  secret_string_wo         = "b"
  secret_string_wo_version = 1
}

resource "aws_secretsmanager_secret_version" "version_only" {
  secret_id                = "s"
  secret_string            = "a"
  secret_string_wo_version = 1
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (text, line) in [
        ("secret_string_wo needs secret_string_wo_version", "line 3"),
        (
            "\"secret_string\" and \"secret_string_wo\" cannot both be set",
            "line 9",
        ),
        ("secret_string_wo_version is only for secret_string_wo", "line 16"),
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("on main.tf {line}")),
            "{line} in {}",
            run.stderr
        );
    }
}
