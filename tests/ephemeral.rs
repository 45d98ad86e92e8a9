//! Ephemeral values through the binary (Terraform 1.10): an ephemeral variable, the ephemeral
//! resources `random_password`, `aws_secretsmanager_random_password` and
//! `aws_secretsmanager_secret_version` and `aws_ssm_parameter` feeding write-only arguments
//! against the emulator, with
//! none of their values in a plan file, the state or any output; the apply of a saved plan asks
//! for the ephemeral variable again. Where ephemeral values may not go is compared with
//! Terraform by the oracle (tests/oracle/configs/ephemeral_*); here its messages are snapshot.

use crate::util::{block_on, files_holding, start_moto, workspace, Moto};

const SECRETS: &str = r#"
variable "admin_password" {
  type      = string
  ephemeral = true
}

ephemeral "aws_secretsmanager_random_password" "db" {
  password_length     = 24
  exclude_punctuation = true
}

ephemeral "random_password" "api" {
  length  = 16
  special = false
}

resource "aws_secretsmanager_secret" "db" {
  name                    = "eph/db"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id                = aws_secretsmanager_secret.db.id
  secret_string_wo         = ephemeral.aws_secretsmanager_random_password.db.random_password
  secret_string_wo_version = 1
}

resource "aws_secretsmanager_secret" "admin" {
  name                    = "eph/admin"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "admin" {
  secret_id                = aws_secretsmanager_secret.admin.id
  secret_string_wo         = jsonencode({ admin = var.admin_password, api = ephemeral.random_password.api.result })
  secret_string_wo_version = 1
}

# The database password read back, ephemerally, into a copy.
ephemeral "aws_secretsmanager_secret_version" "db" {
  secret_id  = aws_secretsmanager_secret.db.id
  depends_on = [aws_secretsmanager_secret_version.db]
}

resource "aws_secretsmanager_secret" "copy" {
  name                    = "eph/copy"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "copy" {
  secret_id                = aws_secretsmanager_secret.copy.id
  secret_string_wo         = ephemeral.aws_secretsmanager_secret_version.db.secret_string
  secret_string_wo_version = 1
}

# A parameter's value, read by its ARN.
resource "aws_ssm_parameter" "token" {
  name  = "/eph/token"
  type  = "SecureString"
  value = "ssm-token-value"
}

ephemeral "aws_ssm_parameter" "token" {
  arn = aws_ssm_parameter.token.arn
}

resource "aws_secretsmanager_secret" "token" {
  name                    = "eph/token"
  recovery_window_in_days = 0
}

resource "aws_secretsmanager_secret_version" "token" {
  secret_id                = aws_secretsmanager_secret.token.id
  secret_string_wo         = "token=${ephemeral.aws_ssm_parameter.token.value}"
  secret_string_wo_version = 1
}

output "applying" {
  value = ephemeralasnull(terraform.applying)
}
"#;

/// A secret's current value, read through the SDK.
fn value_of(moto: &Moto, id: &str) -> Option<String> {
    block_on(async {
        let client = aws_sdk_secretsmanager::Client::new(&moto.sdk_config());
        let out = client.get_secret_value().secret_id(id).send().await.ok()?;
        out.secret_string().map(str::to_string)
    })
}

#[test]
fn ephemeral_values_reach_write_only_arguments_and_are_kept_nowhere() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", SECRETS);
    ws.run(&["validate"]).expect_code(0);
    let plan = ws
        .run(&["plan", "-out=eph.plan", "-var", "admin_password=hunter2-admin"])
        .expect_code(0);
    for opened in [
        "ephemeral.aws_secretsmanager_random_password.db: Opening...",
        "ephemeral.random_password.api: Opening complete after 0s",
    ] {
        assert!(plan.stdout.contains(opened), "{opened} in\n{}", plan.stdout);
    }
    // Not known while planning (the secret it reads does not exist yet): opened at apply only.
    assert!(!plan
        .stdout
        .contains("ephemeral.aws_secretsmanager_secret_version.db: Opening"));
    assert!(
        plan.stdout.contains("Plan: 9 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );

    // The saved plan does not hold the ephemeral variable: its apply must be given it again,
    // and only it.
    let refused = ws.run(&["apply", "eph.plan"]).expect_code(1);
    assert!(
        refused
            .stderr
            .contains("The ephemeral input variable \"admin_password\" was set during the plan phase"),
        "{}",
        refused.stderr
    );
    assert_eq!(value_of(&moto, "eph/db"), None, "nothing was created");
    let applied = ws
        .run(&["apply", "eph.plan", "-var", "admin_password=hunter2-admin"])
        .expect_code(0);
    assert!(applied
        .stdout
        .contains("ephemeral.aws_secretsmanager_secret_version.db: Opening complete"));

    let db = value_of(&moto, "eph/db").expect("the database password");
    assert_eq!(db.len(), 24, "{db}");
    assert!(db.chars().all(|c| c.is_ascii_alphanumeric()), "{db}");
    let admin: serde_json::Value =
        serde_json::from_str(&value_of(&moto, "eph/admin").expect("the admin secret")).expect("JSON");
    assert_eq!(admin["admin"], "hunter2-admin");
    let api = admin["api"].as_str().expect("the generated API password").to_string();
    assert_eq!(api.len(), 16);
    assert_eq!(value_of(&moto, "eph/copy").as_deref(), Some(db.as_str()));
    assert_eq!(value_of(&moto, "eph/token").as_deref(), Some("token=ssm-token-value"));
    // terraform.applying is ephemeral: no output keeps it.
    let applying = ws.run(&["output", "-json", "applying"]).expect_code(0).stdout;
    assert_eq!(applying.trim(), "null");

    // No value was written anywhere, nor shown.
    for secret in ["hunter2-admin", db.as_str(), api.as_str()] {
        assert_eq!(
            files_holding(&ws.cwd(), secret, "main.tf"),
            Vec::<std::path::PathBuf>::new()
        );
        for run in [&plan, &applied] {
            assert!(!format!("{}{}", run.stdout, run.stderr).contains(secret));
        }
    }

    // New ephemeral values each run, and still nothing to change: write-only arguments are
    // sent again only with a new version number.
    ws.run(&["plan", "-detailed-exitcode", "-var", "admin_password=other"])
        .expect_code(0);
    assert_eq!(value_of(&moto, "eph/db").as_deref(), Some(db.as_str()));
    ws.run(&["destroy", "-auto-approve", "-var", "admin_password=other"])
        .expect_code(0);
    assert_eq!(value_of(&moto, "eph/db"), None);

    // Outside the targets, the secret an ephemeral resource reads does not exist: it is not
    // opened, and what it feeds is not applied either.
    let targeted = ws
        .run(&[
            "apply",
            "-auto-approve",
            "-target=aws_secretsmanager_secret.admin",
            "-var",
            "admin_password=other",
        ])
        .expect_code(0);
    assert!(
        !targeted
            .stdout
            .contains("ephemeral.aws_secretsmanager_secret_version.db: Opening"),
        "{}",
        targeted.stdout
    );
    ws.run(&["destroy", "-auto-approve", "-var", "admin_password=other"])
        .expect_code(0);
}

#[test]
fn where_ephemeral_values_may_not_go_is_said_at_each_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
variable "token" {
  type      = string
  default   = "t0ken"
  ephemeral = true
}

ephemeral "random_password" "p" {
  length = 12
}

resource "terraform_data" "kept" {
  input = "prefix-${var.token}"
}

resource "terraform_data" "counted" {
  count = length(ephemeral.random_password.p.result)
}

# Through locals too; a map's other attribute is not ephemeral, as in Terraform.
locals {
  shout = upper(local.token)
  token = "t-${var.token}"
  both  = { token = var.token, plain = "x" }
}

resource "terraform_data" "through_locals" {
  input = [local.shout, local.both["plain"]]
}

module "child" {
  source = "./child"
  name   = var.token
}

output "leak" {
  value = ephemeral.random_password.p.result
}

output "root" {
  value     = ephemeralasnull(var.token)
  ephemeral = true
}
"#,
    );
    ws.write(
        "child/main.tf",
        "variable \"name\" {\n  type = string\n}\n\nresource \"terraform_data\" \"c\" {\n  input = \"x\"\n}\n",
    );
    let run = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!("ephemeral_misuse_validate", run.stderr);
}

#[test]
fn a_secret_is_replicated_to_other_regions_and_its_replicas_go_before_it() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |replicas: &str| {
        format!(
            r#"
resource "aws_secretsmanager_secret" "r" {{
  name                    = "replicated"
  recovery_window_in_days = 0
  {replicas}
}}
"#
        )
    };
    let regions = |moto: &Moto| -> Vec<String> {
        block_on(async {
            let client = aws_sdk_secretsmanager::Client::new(&moto.sdk_config());
            let d = client.describe_secret().secret_id("replicated").send().await.ok()?;
            let mut r: Vec<String> = d
                .replication_status()
                .iter()
                .filter_map(|s| s.region().map(str::to_string))
                .collect();
            r.sort();
            Some(r)
        })
        .unwrap_or_default()
    };
    ws.write(
        "main.tf",
        &config("replica {\n    region = \"us-west-2\"\n  }\n  replica {\n    region = \"eu-west-1\"\n  }"),
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(regions(&moto), vec!["eu-west-1", "us-west-2"]);
    // What Secrets Manager fills in a replica (its key, its status) is no change.
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.write("main.tf", &config("replica {\n    region = \"us-west-2\"\n  }"));
    let plan = ws.run(&["plan"]).expect_code(0);
    assert!(
        plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(regions(&moto), vec!["us-west-2"]);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Secrets Manager refuses to delete a secret that has replicas: they go first.
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(regions(&moto), Vec::<String>::new());
}
