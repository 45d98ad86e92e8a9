//! Secrets Manager through the binary against the emulator: a secret with a value (a version)
//! and a policy: create, no-op re-plan, a new value (a new version, the old one unlabelled),
//! labels and description changed in place, a change made outside, import, replacement and
//! destroy, each read back through the SDK; the value is in no output a person reads.

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
