//! The providers that need no cloud, through the binary: `local` files, `random` values and
//! Terraform's built-in `terraform_data` (create, re-plan clean, update, destroy).

use crate::util::case::{run, Case, Phase};
use crate::util::{output, planned_changes, workspace, Moto, Workspace};

const LOCAL_FIRST: &str = r#"
resource "local_file" "notes" {
  filename        = "out/notes.txt"
  content         = "first"
  file_permission = "0640"
}

resource "local_sensitive_file" "secret" {
  filename       = "out/secret.txt"
  content_base64 = base64encode("s3cret-one")
}
"#;

fn check_local(_: &Moto, ws: &Workspace, phase: Phase) {
    let notes = std::fs::read_to_string(ws.path("out/notes.txt")).ok();
    let secret = std::fs::read_to_string(ws.path("out/secret.txt")).ok();
    match phase {
        Phase::Created => {
            assert_eq!(notes.as_deref(), Some("first"));
            assert_eq!(secret.as_deref(), Some("s3cret-one"));
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                let mode = std::fs::metadata(ws.path("out/notes.txt"))
                    .expect("stat")
                    .permissions()
                    .mode();
                assert_eq!(mode & 0o777, 0o640);
            }
            let shown = ws.run(&["state", "show", "local_sensitive_file.secret"]).expect_code(0);
            assert!(!shown.stdout.contains("czNjcmV0LW9uZQ"), "{}", shown.stdout);
        }
        Phase::Updated => {
            assert_eq!(notes.as_deref(), Some("second"));
            assert_eq!(secret.as_deref(), Some("s3cret-one"));
        }
        Phase::Destroyed => assert_eq!((notes, secret), (None, None)),
    }
}

#[test]
fn local_files() {
    let second = LOCAL_FIRST.replace("content         = \"first\"", "content         = \"second\"");
    run(&Case {
        name: "local",
        first: LOCAL_FIRST,
        second: &second,
        // A file's content forces a new file, as in Terraform's local provider.
        update: "Plan: 1 to add, 0 to change, 1 to destroy.",
        check: check_local,
    });
}

const RANDOM_FIRST: &str = r#"
resource "random_password" "external_id" {
  length      = 32
  min_upper   = 2
  min_numeric = 2
  special     = false
  keepers = {
    tenant = "first"
  }
}

resource "random_string" "suffix" {
  length  = 8
  upper   = false
  special = false
}

resource "random_id" "bucket" {
  byte_length = 4
  prefix      = "mlflow-"
}

resource "random_pet" "name" {
  length = 3
}

output "external_id" {
  value     = random_password.external_id.result
  sensitive = true
}

output "suffix" {
  value = random_string.suffix.result
}

output "bucket" {
  value = random_id.bucket.hex
}

output "pet" {
  value = random_pet.name.id
}
"#;

fn check_random(_: &Moto, ws: &Workspace, phase: Phase) {
    if phase == Phase::Destroyed {
        return;
    }
    let id = output(ws, "external_id");
    assert_eq!(id.len(), 32, "{id}");
    assert!(id.chars().filter(|c| c.is_ascii_uppercase()).count() >= 2, "{id}");
    assert!(id.chars().filter(|c| c.is_ascii_digit()).count() >= 2, "{id}");
    assert!(id.chars().all(|c| c.is_ascii_alphanumeric()), "{id}");
    let suffix = output(ws, "suffix");
    assert!(
        suffix.len() == 8 && suffix.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
        "{suffix}"
    );
    let bucket = output(ws, "bucket");
    assert!(bucket.starts_with("mlflow-") && bucket.len() == 7 + 8, "{bucket}");
    assert_eq!(output(ws, "pet").split('-').count(), 3);
    // The password never shows unasked.
    let shown = ws.run(&["state", "show", "random_password.external_id"]).expect_code(0);
    assert!(!shown.stdout.contains(&id), "{}", shown.stdout);
    let previous = ws.path("previous-external-id");
    if phase == Phase::Created {
        std::fs::write(&previous, &id).expect("remember");
    } else {
        let before = std::fs::read_to_string(&previous).expect("remembered");
        assert_ne!(before, id, "a keeper changed: a new value");
    }
}

#[test]
fn random_values() {
    let second = RANDOM_FIRST.replace("tenant = \"first\"", "tenant = \"second\"");
    run(&Case {
        name: "random",
        first: RANDOM_FIRST,
        second: &second,
        update: "Plan: 1 to add, 0 to change, 1 to destroy.",
        check: check_random,
    });
}

const TERRAFORM_DATA: &str = r#"
resource "terraform_data" "settings" {
  input            = { bucket = "infinstor-one", copies = 1 }
  triggers_replace = "v1"
}

resource "terraform_data" "follower" {
  input = terraform_data.settings.output.bucket
}

output "settings" {
  value = terraform_data.settings.output
}

output "follower" {
  value = terraform_data.follower.output
}

output "id" {
  value = terraform_data.settings.id
}
"#;

#[test]
fn terraform_data_keeps_its_input_and_is_replaced_by_its_triggers() {
    let ws = workspace(None);
    ws.write("main.tf", TERRAFORM_DATA);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(output(&ws, "follower"), "infinstor-one");
    let settings = ws.run(&["output", "-json", "settings"]).expect_code(0);
    let settings: serde_json::Value = serde_json::from_str(&settings.stdout).expect("json");
    assert_eq!(settings, serde_json::json!({"bucket": "infinstor-one", "copies": 1}));
    let id = output(&ws, "id");
    assert_eq!(id.len(), 36, "a UUID: {id}");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A new input changes the object in place, and what follows its output.
    ws.write("main.tf", &TERRAFORM_DATA.replace("infinstor-one", "infinstor-two"));
    planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(output(&ws, "follower"), "infinstor-two");
    assert_eq!(output(&ws, "id"), id, "updated in place");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A new trigger replaces it.
    ws.write(
        "main.tf",
        &TERRAFORM_DATA
            .replace("infinstor-one", "infinstor-two")
            .replace("\"v1\"", "\"v2\""),
    );
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("terraform_data.settings must be replaced"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_ne!(output(&ws, "id"), id, "a new object");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let destroy = ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(destroy.stdout.contains("2 destroyed"), "{}", destroy.stdout);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}
