//! IAM identities beside users and roles, through the binary against the emulator: OpenID
//! Connect and SAML identity providers and console login profiles (create, no-op re-plan,
//! update in place or replace, import, destroy; objects read back through the SDK).

use crate::util::output;
use crate::util::{block_on, planned_changes, refused, reimport, start_moto, workspace, Clients, Moto};

const OIDC: &str = r#"
resource "aws_iam_openid_connect_provider" "github" {
  url             = "https://token.actions.githubusercontent.com"
  client_id_list  = ["sts.amazonaws.com"]
  thumbprint_list = ["6938fd4d98bab03faadb97b34396831e3780aea1"]
  tags = {
    purpose = "ci"
  }
}

resource "aws_iam_role" "deploy" {
  name = "infinstor-github-deploy"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = { StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" } }
    }]
  })
}

output "provider_arn" {
  value = aws_iam_openid_connect_provider.github.arn
}
"#;

/// The GitHub provider's (client IDs, thumbprints), or `None` when it does not exist.
fn oidc(moto: &Moto, arn: &str) -> Option<(Vec<String>, Vec<String>)> {
    block_on(async {
        let out = moto
            .iam()
            .get_open_id_connect_provider()
            .open_id_connect_provider_arn(arn)
            .send()
            .await
            .ok()?;
        let mut clients = out.client_id_list().to_vec();
        clients.sort();
        Some((clients, out.thumbprint_list().to_vec()))
    })
}

#[test]
fn an_openid_connect_provider_trusted_by_a_role_changes_its_thumbprints_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", OIDC);
    let plan = ws.run(&["plan"]).expect_code(0);
    // The ARN is known when planning, so the role's trust policy shows it already.
    assert!(
        plan.stdout
            .contains("oidc-provider/token.actions.githubusercontent.com"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let arn = output(&ws, "provider_arn");
    assert!(
        arn.ends_with(":oidc-provider/token.actions.githubusercontent.com"),
        "{arn}"
    );
    assert_eq!(
        oidc(&moto, &arn),
        Some((
            vec!["sts.amazonaws.com".to_string()],
            vec!["6938fd4d98bab03faadb97b34396831e3780aea1".to_string()]
        ))
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_iam_openid_connect_provider.github", &arn);

    // A new thumbprint (the provider rotated its certificate) and a new tag change it in place.
    // (Client IDs change in place too, through AddClientIDToOpenIDConnectProvider, which the
    // emulator does not implement.)
    ws.write(
        "main.tf",
        &OIDC
            .replace(
                "6938fd4d98bab03faadb97b34396831e3780aea1",
                "1c58a3a8518e8759bf075b76b750d4f2df264fcd",
            )
            .replace("purpose = \"ci\"", "purpose = \"deploy\""),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        oidc(&moto, &arn).map(|(_, thumbprints)| thumbprints),
        Some(vec!["1c58a3a8518e8759bf075b76b750d4f2df264fcd".to_string()])
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(oidc(&moto, &arn), None);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const LOGIN: &str = r#"
resource "aws_iam_user" "analyst" {
  name          = "infinstor-analyst"
  force_destroy = true
}

# The emulator's CreateLoginProfile drops PasswordResetRequired (it always stores false), so
# this configuration leaves it at its default.
resource "aws_iam_user_login_profile" "analyst" {
  user = aws_iam_user.analyst.name
}

output "password" {
  value     = aws_iam_user_login_profile.analyst.password
  sensitive = true
}
"#;

/// Whether the analyst has a console password (and whether it must be reset).
fn login_profile(moto: &Moto) -> Option<bool> {
    block_on(async {
        let out = moto
            .iam()
            .get_login_profile()
            .user_name("infinstor-analyst")
            .send()
            .await
            .ok()?;
        out.login_profile().map(|p| p.password_reset_required())
    })
}

#[test]
fn a_login_profile_generates_a_sensitive_password_and_is_replaced_when_its_arguments_change() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", LOGIN);
    let apply = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(login_profile(&moto), Some(false));
    let password = output(&ws, "password");
    assert_eq!(password.chars().count(), 20, "{password:?}");
    assert!(
        !apply.stdout.contains(&password),
        "the password is shown:\n{}",
        apply.stdout
    );
    let shown = ws.run(&["output"]).expect_code(0);
    assert!(shown.stdout.contains("(sensitive value)") && !shown.stdout.contains(&password));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["state", "rm", "aws_iam_user_login_profile.analyst"])
        .expect_code(0);
    ws.run(&["import", "aws_iam_user_login_profile.analyst", "infinstor-analyst"])
        .expect_code(0);
    // As in Terraform, a password cannot be read back: the imported profile plans no change,
    // and only the output that showed the password changes (to null).
    let imported = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        imported.stdout.contains("Plan: 0 to add, 0 to change, 0 to destroy.")
            && imported.stdout.contains("password = (sensitive value)"),
        "{}",
        imported.stdout
    );

    ws.write(
        "main.tf",
        &LOGIN.replace(
            "user = aws_iam_user.analyst.name",
            "user            = aws_iam_user.analyst.name\n  password_length = 32",
        ),
    );
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("aws_iam_user_login_profile.analyst must be replaced"),
        "{}",
        plan.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(login_profile(&moto), Some(false));
    let second = output(&ws, "password");
    assert_eq!(second.chars().count(), 32, "{second:?}");
    assert_ne!(second, password);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(login_profile(&moto), None);
}

/// The password `encrypted` (base64, as the state keeps it) decrypted with the test key.
pub(crate) fn decrypted(encrypted: &str) -> String {
    use base64::Engine as _;
    use pgp::composed::{Deserializable, Message, SignedSecretKey};
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encrypted)
        .expect("base64");
    let (secret, _) = SignedSecretKey::from_string(include_str!("data/pgp-test-key.sec.asc")).expect("secret key");
    let mut message = Message::from_bytes(&bytes[..])
        .expect("an OpenPGP message")
        .decrypt(&"".into(), &secret)
        .expect("decrypted with the test key");
    String::from_utf8(message.as_data_vec().expect("data")).expect("UTF-8")
}

#[test]
fn a_login_profile_with_a_pgp_key_keeps_only_the_password_encrypted_to_it() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("analyst.pub.b64", include_str!("data/pgp-test-key.pub.b64"));
    let config = LOGIN.replace(
        "user = aws_iam_user.analyst.name",
        "user    = aws_iam_user.analyst.name\n  pgp_key = file(\"analyst.pub.b64\")",
    ) + r#"
output "encrypted_password" {
  value = aws_iam_user_login_profile.analyst.encrypted_password
}

output "key_fingerprint" {
  value = aws_iam_user_login_profile.analyst.key_fingerprint
}
"#;
    // keybase.io is not reached: refused at the argument, before anything is created.
    refused(
        &ws,
        &config.replace("file(\"analyst.pub.b64\")", "\"keybase:analyst\""),
        "plan",
        "Error: Not supported yet",
    );
    refused(
        &ws,
        &config.replace("file(\"analyst.pub.b64\")", "\"keybase:analyst\""),
        "plan",
        "keybase:analyst is a key to look up on keybase.io, which infinstor does not do yet",
    );
    assert_eq!(login_profile(&moto), None);

    ws.write("main.tf", &config);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(login_profile(&moto), Some(false));
    assert_eq!(
        output(&ws, "key_fingerprint"),
        "370c98fe705a5673b035d779e104f0b9f568b5b5"
    );
    let password = decrypted(&output(&ws, "encrypted_password"));
    assert_eq!(password.chars().count(), 20, "{password:?}");
    // The clear password is nowhere in the state, and the password attribute is null.
    let state = std::fs::read_to_string(ws.dir.path().join("infinstor.state.json")).expect("state");
    assert!(!state.contains(&password), "the clear password is in the state");
    let shown = ws.run(&["output", "-json", "password"]).expect_code(0);
    assert_eq!(shown.stdout.trim(), "null");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Another pgp_key value is another profile, as in Terraform (here the same key, wrapped).
    let key = include_str!("data/pgp-test-key.pub.b64");
    let wrapped: Vec<String> = key
        .as_bytes()
        .chunks(64)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect();
    ws.write("analyst-wrapped.pub.b64", &wrapped.join("\n"));
    ws.write("main.tf", &config.replace("analyst.pub.b64", "analyst-wrapped.pub.b64"));
    let replace = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        replace
            .stdout
            .contains("aws_iam_user_login_profile.analyst must be replaced"),
        "{}",
        replace.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let second = decrypted(&output(&ws, "encrypted_password"));
    assert_eq!(second.chars().count(), 20);
    assert_ne!(second, password);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(login_profile(&moto), None);
}

#[test]
fn a_saml_provider_changes_its_metadata_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("metadata.xml", &crate::util::saml_metadata("https://idp.example.com"));
    let config = r#"
resource "aws_iam_saml_provider" "corp" {
  name                   = "infinstor-corp"
  saml_metadata_document = file("metadata.xml")
}

output "arn" {
  value = aws_iam_saml_provider.corp.arn
}
"#;
    ws.write("main.tf", config);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let arn = output(&ws, "arn");
    assert!(arn.ends_with(":saml-provider/infinstor-corp"), "{arn}");
    let document = |moto: &Moto| {
        block_on(async {
            moto.iam()
                .get_saml_provider()
                .saml_provider_arn(&arn)
                .send()
                .await
                .ok()
                .and_then(|o| o.saml_metadata_document().map(str::to_string))
        })
    };
    assert!(document(&moto).is_some_and(|d| d.contains("https://idp.example.com/sso")));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_iam_saml_provider.corp", &arn);

    ws.write("metadata.xml", &crate::util::saml_metadata("https://login.example.com"));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(document(&moto).is_some_and(|d| d.contains("https://login.example.com/sso")));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(document(&moto), None);
}
