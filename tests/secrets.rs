//! Secrets never in clear at rest: with a key configured, every sensitive value is encrypted in
//! the state file, its backups, the S3 objects and saved plans, and no output a command prints
//! without being asked for that value contains it.

use crate::util::{block_on, start_moto, workspace, Clients, Moto, Workspace};

const EXTERNAL_ID: &str = "EXT-SECRET-4711";
const TOKEN: &str = "TOKEN-SECRET-0815";

/// Sensitive variables reaching a role's trust policy, an SSM SecureString, a value derived
/// from a secret, and a sensitive output.
const CONFIG: &str = r#"variable "external_id" {
  type      = string
  sensitive = true
}

variable "token" {
  type      = string
  sensitive = true
}

variable "description" {
  type    = string
  default = "first"
}

resource "aws_iam_role" "infinstor" {
  name        = "secrets-role"
  description = var.description
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "sts:AssumeRole"
      Principal = { AWS = "arn:aws:iam::123456789012:root" }
      Condition = { StringEquals = { "sts:ExternalId" = var.external_id } }
    }]
  })
}

resource "aws_ssm_parameter" "token" {
  name  = "/secrets/token"
  type  = "SecureString"
  value = var.token
}

resource "aws_ssm_parameter" "derived" {
  name  = "/secrets/derived"
  type  = "String"
  value = "prefix-${var.token}"
}

output "token" {
  value     = var.token
  sensitive = true
}
"#;

fn secret_vars() -> Vec<String> {
    vec![format!("-var=external_id={EXTERNAL_ID}"), format!("-var=token={TOKEN}")]
}

fn args<'a>(base: &[&'a str], extra: &'a [String]) -> Vec<&'a str> {
    base.iter().copied().chain(extra.iter().map(String::as_str)).collect()
}

/// Where each secret appears in `text`, named by `what`.
fn leaks(what: &str, text: &str) -> Vec<String> {
    [EXTERNAL_ID, TOKEN]
        .iter()
        .filter(|s| text.contains(*s))
        .map(|s| format!("{s} in {what}"))
        .collect()
}

/// Every file of the working directory (state, backups, plans, settings), read as text.
fn files_at_rest(ws: &Workspace) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut dirs = vec![ws.cwd()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("list").flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read");
                out.push((path.display().to_string(), String::from_utf8_lossy(&bytes).to_string()));
            }
        }
    }
    out
}

/// What commands print without being asked for a secret by name.
fn printed(ws: &Workspace, env: &[(&str, &str)]) -> Vec<(String, String)> {
    let commands: Vec<Vec<&str>> = vec![
        vec!["show"],
        vec!["show", "tfplan"],
        vec!["show", "tfplan", "-format", "json"],
        vec!["show", "tfplan", "-format", "markdown"],
        vec!["state", "pull"],
        vec!["state", "show", "aws_iam_role.infinstor"],
        vec!["state", "show", "aws_ssm_parameter.derived"],
        vec!["output"],
        vec!["output", "-json"],
        vec![
            "plan",
            "-var=external_id=EXT-SECRET-4711",
            "-var=token=TOKEN-SECRET-0815",
        ],
    ];
    commands
        .into_iter()
        .map(|c| {
            let r = ws.run_with(&c, env);
            assert!(r.code == 0 || r.code == 2, "{c:?}: {}", r.stderr);
            (
                format!("`infinstor {}`", c.join(" ")),
                format!("{}{}", r.stdout, r.stderr),
            )
        })
        .collect()
}

#[test]
fn with_a_passphrase_no_secret_is_in_clear_at_rest_or_in_output() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", CONFIG);
    let key = [
        ("INFINSTOR_STATE_PASSPHRASE", "correct horse battery staple"),
        ("INFINSTOR_API_STATS", "1"),
    ];
    let vars = secret_vars();
    ws.run_with(&args(&["plan", "-out=tfplan"], &vars), &key).expect_code(0);
    ws.run_with(&["apply", "tfplan"], &key).expect_code(0);
    // A second apply, so the backup is a state this key wrote too.
    let changed: Vec<String> = vars
        .iter()
        .cloned()
        .chain(["-var=description=second".to_string()])
        .collect();
    ws.run_with(&args(&["apply", "-auto-approve"], &changed), &key)
        .expect_code(0);
    ws.run_with(&args(&["plan", "-out=tfplan"], &changed), &key)
        .expect_code(0);

    let state: serde_json::Value = serde_json::from_str(&ws.read("infinstor.state.json")).expect("json");
    assert_eq!(state["encryption"]["kdf"], "argon2id");
    assert!(
        state["outputs"]["token"]["value"]["encrypted"].is_string(),
        "{}",
        state["outputs"]
    );
    let mut found = Vec::new();
    let mut checked = 0;
    for (what, text) in files_at_rest(&ws).into_iter().chain(printed(&ws, &key)) {
        checked += 1;
        found.extend(leaks(&what, &text));
    }
    assert!(
        checked >= 14,
        "state, backup, plan file and ten commands were checked ({checked})"
    );
    assert_eq!(found, Vec::<String>::new());

    // Asked for by name, with the key, the value is there.
    let asked = ws.run_with(&["output", "-raw", "token"], &key).expect_code(0);
    assert_eq!(asked.stdout, TOKEN);
    // Without the key, or with another, nothing is readable, and the message says what to set.
    let without = ws.run(&["state", "list"]).expect_code(1);
    assert!(
        without.stderr.contains("INFINSTOR_STATE_PASSPHRASE"),
        "{}",
        without.stderr
    );
    let wrong = ws
        .run_with(&["apply", "tfplan"], &[("INFINSTOR_STATE_PASSPHRASE", "wrong")])
        .expect_code(1);
    assert!(wrong.stderr.contains("not the one"), "{}", wrong.stderr);

    // Rekey: the new passphrase reads it, the old one no longer does, and no backup keeps
    // the old key's ciphertext or clear text.
    let rekey = [
        ("INFINSTOR_STATE_PASSPHRASE", "correct horse battery staple"),
        ("INFINSTOR_STATE_NEW_PASSPHRASE", "tr0ub4dor&3"),
    ];
    let out = ws.run_with(&["state", "rekey"], &rekey).expect_code(0);
    assert!(
        out.stdout.contains("Workspace \"default\": 4 sensitive value(s)"),
        "{}",
        out.stdout
    );
    let new_key = [("INFINSTOR_STATE_PASSPHRASE", "tr0ub4dor&3")];
    ws.run_with(&args(&["plan", "-detailed-exitcode"], &changed), &new_key)
        .expect_code(0);
    ws.run_with(&["state", "list"], &key[..1]).expect_code(1);
    let backup: serde_json::Value = serde_json::from_str(&ws.read("infinstor.state.json.backup")).expect("json");
    assert_eq!(
        backup["encryption"],
        serde_json::from_str::<serde_json::Value>(&ws.read("infinstor.state.json")).expect("json")["encryption"]
    );

    // Turning encryption off writes the values in clear again: the check above can fail.
    ws.run_with(&["state", "rekey", "--decrypt"], &new_key).expect_code(0);
    assert!(!leaks("state", &ws.read("infinstor.state.json")).is_empty());
    let note = ws.run(&args(&["plan"], &changed)).expect_code(0);
    assert!(
        note.stderr.contains("the state holds 4 sensitive value(s) in clear"),
        "{}",
        note.stderr
    );
}

fn kms_key(moto: &Moto) -> String {
    block_on(async {
        let out = moto.kms().create_key().send().await.expect("create key");
        out.key_metadata().map(|m| m.key_id().to_string()).expect("key id")
    })
}

#[test]
fn with_a_kms_key_the_s3_objects_hold_no_secret() {
    let moto = start_moto();
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("secret-state")
            .send()
            .await
            .expect("bucket")
    });
    let key_id = kms_key(&moto);
    let ws = workspace(Some(&moto));
    ws.write("main.tf", CONFIG);
    ws.write(
        "backend.tf",
        "terraform {\n  backend \"s3\" {\n    bucket = \"secret-state\"\n    key    = \"infinstor.tfstate\"\n    region = \"us-east-1\"\n    encrypt = true\n  }\n}\n",
    );
    let key = [("INFINSTOR_STATE_KMS_KEY", key_id.as_str())];
    ws.run_with(&["init"], &key).expect_code(0);
    let vars = secret_vars();
    ws.run_with(&args(&["apply", "-auto-approve"], &vars), &key)
        .expect_code(0);
    let changed: Vec<String> = vars
        .iter()
        .cloned()
        .chain(["-var=description=second".to_string()])
        .collect();
    ws.run_with(&args(&["apply", "-auto-approve"], &changed), &key)
        .expect_code(0);
    ws.run_with(&args(&["plan", "-detailed-exitcode"], &changed), &key)
        .expect_code(0);

    let objects = block_on(async {
        let s3 = moto.s3();
        let listed = s3.list_objects_v2().bucket("secret-state").send().await.expect("list");
        let mut out = Vec::new();
        for o in listed.contents() {
            let k = o.key().expect("key").to_string();
            let body = s3
                .get_object()
                .bucket("secret-state")
                .key(&k)
                .send()
                .await
                .expect("get");
            let bytes = body.body.collect().await.expect("body").into_bytes();
            out.push((k, String::from_utf8_lossy(&bytes).to_string()));
        }
        out
    });
    let names: Vec<&str> = objects.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(names, vec!["infinstor.tfstate", "infinstor.tfstate.backup"]);
    let found: Vec<String> = objects.iter().flat_map(|(k, text)| leaks(k, text)).collect();
    assert_eq!(found, Vec::<String>::new());
    let state: serde_json::Value = serde_json::from_str(&objects[0].1).expect("json");
    assert_eq!(state["encryption"]["kms_key_id"], key_id.as_str());
    assert!(state["encryption"]["data_key"].is_string());
    // No key: refused, naming the variable to set.
    let without = ws.run(&["state", "pull"]).expect_code(1);
    assert!(without.stderr.contains("INFINSTOR_STATE_KMS_KEY"), "{}", without.stderr);
}
