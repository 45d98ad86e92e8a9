//! A user's access keys (the secret kept sensitive, or only encrypted to a pgp_key) and SSH key,
//! and the account's password policy and alias, through the binary against the emulator:
//! create, no-op re-plan, update in place, a change made outside, import, replacement and
//! destroy, each read back through IAM.

use crate::util::{block_on, output, planned_changes, reimport, start_moto, workspace, Clients, Moto};

const ACCOUNT: &str = r#"
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user = aws_iam_user.ci.name
}

resource "aws_iam_user_ssh_key" "ci" {
  username   = aws_iam_user.ci.name
  encoding   = "SSH"
  public_key = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDGgQIgbfEHCBqHE0lvSyl3CJNP+5BgCbXQHkM38bmhPXJhGZ7ON9NNtnPxx4nNfZ66bWn5JRcL2uWmgfE9zKXnJ9bs4FRMVrZg4Ch3DYoLCbS3IoSzwe1Aq4G4GwRVFzKWFvSyHIDJKsXydmpbmeDEQhiZnw9ZRWMfxYuZBXfyNzsFVfxsRrKRLGUJkVFQMaLc2vSfsjWo/i7JXUtkhbPdYvsJU3Lvlu6bBQsd4gUN40GFWR8FTgAHrQM0tjpiaw8pfm5S7Nik8nQa8YzjLGz/gpedBy/ChrRxNeXhtKFttNjQWHoGbIF7XAldnwv+rzcxdqkpW9ivdi5qELi5b15Z ci@example.com"
}

resource "aws_iam_account_password_policy" "strict" {
  minimum_password_length = 14
  require_symbols         = true
  max_password_age        = 90
}

resource "aws_iam_account_alias" "alias" {
  account_alias = "infinstor-test"
}

output "key_id" {
  value = aws_iam_access_key.ci.id
}

output "secret" {
  value     = aws_iam_access_key.ci.secret
  sensitive = true
}

output "ssh_key_id" {
  value = aws_iam_user_ssh_key.ci.ssh_public_key_id
}
"#;

/// The user's access keys: (ID, status).
fn access_keys(moto: &Moto, user: &str) -> Vec<(String, String)> {
    block_on(async {
        match moto.iam().list_access_keys().user_name(user).send().await {
            Ok(out) => out
                .access_key_metadata()
                .iter()
                .map(|k| {
                    (
                        k.access_key_id().unwrap_or_default().to_string(),
                        k.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
                    )
                })
                .collect(),
            Err(_) => Vec::new(),
        }
    })
}

fn password_policy(moto: &Moto) -> Option<(i32, bool, Option<i32>)> {
    block_on(async {
        let out = moto.iam().get_account_password_policy().send().await.ok()?;
        let p = out.password_policy()?;
        Some((
            p.minimum_password_length().unwrap_or_default(),
            p.require_symbols(),
            p.max_password_age(),
        ))
    })
}

fn aliases(moto: &Moto) -> Vec<String> {
    block_on(async {
        moto.iam()
            .list_account_aliases()
            .send()
            .await
            .expect("aliases")
            .account_aliases()
            .to_vec()
    })
}

#[test]
fn access_and_ssh_keys_and_the_accounts_settings_live_through_their_changes() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", ACCOUNT);
    let applied = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let key_id = output(&ws, "key_id");
    assert_eq!(access_keys(&moto, "ci"), [(key_id.clone(), "Active".to_string())]);
    // The secret is in state, marked sensitive, and in no output a person reads.
    let secret = ws.run(&["output", "-raw", "secret"]).expect_code(0).stdout;
    assert_eq!(secret.len(), 40, "{secret}");
    assert!(!applied.stdout.contains(&secret) && !applied.stderr.contains(&secret));
    let plan = ws.run(&["plan"]).expect_code(0);
    assert!(!plan.stdout.contains(&secret));
    assert_eq!(password_policy(&moto), Some((14, true, Some(90))));
    assert_eq!(aliases(&moto), ["infinstor-test"]);
    let ssh_key_id = output(&ws, "ssh_key_id");
    assert!(!ssh_key_id.is_empty());

    // Imported back, each plans clean (the access key's secret stays as state has it).
    reimport(&ws, "aws_iam_user_ssh_key.ci", &format!("ci:{ssh_key_id}:SSH"));
    reimport(
        &ws,
        "aws_iam_account_password_policy.strict",
        "iam-account-password-policy",
    );
    reimport(&ws, "aws_iam_account_alias.alias", "infinstor-test");

    // In place: the keys' status and the policy's rules.
    let updated = ACCOUNT
        .replace(
            "  user = aws_iam_user.ci.name\n",
            "  user   = aws_iam_user.ci.name\n  status = \"Inactive\"\n",
        )
        .replace(
            "  encoding   = \"SSH\"\n",
            "  encoding   = \"SSH\"\n  status     = \"Inactive\"\n",
        )
        .replace("minimum_password_length = 14", "minimum_password_length = 16");
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 3 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(access_keys(&moto, "ci"), [(key_id.clone(), "Inactive".to_string())]);
    assert_eq!(password_policy(&moto).map(|p| p.0), Some(16));

    // A policy changed outside is put back.
    block_on(async {
        moto.iam()
            .update_account_password_policy()
            .minimum_password_length(8)
            .send()
            .await
            .expect("by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(password_policy(&moto), Some((16, true, Some(90))));

    // A new alias replaces the old one.
    ws.write("main.tf", &updated.replace("infinstor-test", "infinstor-other"));
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(aliases(&moto), ["infinstor-other"]);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(access_keys(&moto, "ci"), []);
    assert_eq!(password_policy(&moto), None);
    assert!(aliases(&moto).is_empty());
}

#[test]
fn an_access_key_with_a_pgp_key_keeps_only_its_secret_encrypted() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("ci.pub.b64", include_str!("data/pgp-test-key.pub.b64"));
    ws.write(
        "main.tf",
        r#"
resource "aws_iam_user" "ci" {
  name = "ci"
}

resource "aws_iam_access_key" "ci" {
  user    = aws_iam_user.ci.name
  pgp_key = file("ci.pub.b64")
}

output "encrypted_secret" {
  value = aws_iam_access_key.ci.encrypted_secret
}

output "key_fingerprint" {
  value = aws_iam_access_key.ci.key_fingerprint
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        output(&ws, "key_fingerprint"),
        "370c98fe705a5673b035d779e104f0b9f568b5b5"
    );
    let secret = crate::iam_identity::decrypted(&output(&ws, "encrypted_secret"));
    assert_eq!(secret.len(), 40, "{secret:?}");
    let state = std::fs::read_to_string(ws.path("infinstor.state.json")).expect("state");
    assert!(!state.contains(&secret), "the clear secret is in the state");
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(access_keys(&moto, "ci"), []);
}
