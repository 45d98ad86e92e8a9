//! Cognito through the binary against the emulator: a user pool for single sign-on (a custom
//! `groups` attribute, password policy, MFA), its hosted domain, a SAML identity provider with
//! attribute mapping, an app client with a generated secret, and a group (the emulator cannot
//! update or delete resource servers: those are tested through the replay client). Create, no-op re-plan, update in place, replacement, a change made outside, import
//! and destroy, each read back through the SDK; a schema attribute taken out is refused at
//! apply before anything changes.

use crate::util::{block_on, output, planned_changes, reimport, start_moto, workspace, Moto};

struct Knobs<'a> {
    min_length: u32,
    callback: &'a str,
    precedence: u32,
    team: &'a str,
    domain: &'a str,
    groups_attribute: bool,
}

const FIRST: Knobs = Knobs {
    min_length: 12,
    callback: "https://ts.example.com/login/sso",
    precedence: 1,
    team: "ml",
    domain: "tetrascience-sso",
    groups_attribute: true,
};

fn config(k: &Knobs) -> String {
    let groups = if k.groups_attribute {
        r#"
  schema {
    name                = "groups"
    attribute_data_type = "String"
    mutable             = true
    string_attribute_constraints {
      max_length = "2048"
    }
  }"#
    } else {
        ""
    };
    format!(
        r#"
resource "aws_cognito_user_pool" "sso" {{
  name                     = "tetrascience-sso"
  auto_verified_attributes = ["email"]
  mfa_configuration        = "OPTIONAL"
  software_token_mfa_configuration {{
    enabled = true
  }}
  password_policy {{
    minimum_length    = {min_length}
    require_lowercase = true
    require_numbers   = true
    require_uppercase = true
  }}
  schema {{
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true
  }}{groups}
  tags = {{ team = "{team}" }}
}}

resource "aws_cognito_user_pool_domain" "sso" {{
  domain       = "{domain}"
  user_pool_id = aws_cognito_user_pool.sso.id
}}

resource "aws_cognito_identity_provider" "corp" {{
  user_pool_id      = aws_cognito_user_pool.sso.id
  provider_name     = "corp"
  provider_type     = "SAML"
  provider_details  = {{ MetadataURL = "https://idp.example.com/metadata" }}
  attribute_mapping = {{ email = "email", given_name = "given_name", "custom:groups" = "groups" }}
}}

resource "aws_cognito_user_pool_client" "web" {{
  name                                 = "web"
  user_pool_id                         = aws_cognito_user_pool.sso.id
  generate_secret                      = true
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["email", "openid", "profile"]
  callback_urls                        = ["{callback}"]
  logout_urls                          = ["https://ts.example.com/logout"]
  supported_identity_providers         = [aws_cognito_identity_provider.corp.provider_name]
  read_attributes                      = ["email", "given_name", "custom:groups"]
  explicit_auth_flows                  = ["ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_SRP_AUTH"]
  access_token_validity                = 30
  token_validity_units {{
    access_token = "minutes"
  }}
}}

resource "aws_cognito_user_group" "admins" {{
  user_pool_id = aws_cognito_user_pool.sso.id
  name         = "admins"
  description  = "organization admins"
  precedence   = {precedence}
}}

output "client_id" {{
  value = aws_cognito_user_pool_client.web.id
}}

output "pool_id" {{
  value = aws_cognito_user_pool.sso.id
}}
"#,
        min_length = k.min_length,
        callback = k.callback,
        precedence = k.precedence,
        team = k.team,
        domain = k.domain,
    )
}

fn cognito(moto: &Moto) -> aws_sdk_cognitoidentityprovider::Client {
    aws_sdk_cognitoidentityprovider::Client::new(&moto.sdk_config())
}

/// (minimum password length, custom attribute names, tags) of the pool.
fn pool(moto: &Moto, id: &str) -> Option<(i32, Vec<String>, Vec<String>)> {
    block_on(async {
        let out = cognito(moto).describe_user_pool().user_pool_id(id).send().await.ok()?;
        let p = out.user_pool()?.clone();
        let mut custom: Vec<String> = p
            .schema_attributes()
            .iter()
            .filter_map(|a| a.name().filter(|n| n.starts_with("custom:")).map(str::to_string))
            .collect();
        custom.sort();
        let mut tags: Vec<String> = p
            .user_pool_tags()
            .map(|t| {
                t.iter()
                    .filter(|(k, _)| !k.starts_with("infinstor:"))
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect()
            })
            .unwrap_or_default();
        tags.sort();
        Some((p.policies()?.password_policy()?.minimum_length()?, custom, tags))
    })
}

/// (callback URLs, whether it has a secret) of the client.
fn client(moto: &Moto, pool: &str, id: &str) -> Option<(Vec<String>, bool)> {
    block_on(async {
        let out = cognito(moto)
            .describe_user_pool_client()
            .user_pool_id(pool)
            .client_id(id)
            .send()
            .await
            .ok()?;
        let c = out.user_pool_client()?;
        Some((
            c.callback_urls().to_vec(),
            c.client_secret().is_some_and(|s| !s.is_empty()),
        ))
    })
}

fn group_precedence(moto: &Moto, pool: &str) -> Option<i32> {
    block_on(async {
        let out = cognito(moto)
            .get_group()
            .user_pool_id(pool)
            .group_name("admins")
            .send()
            .await
            .ok()?;
        out.group()?.precedence()
    })
}

#[test]
fn a_single_sign_on_user_pool_lives_through_create_update_replace_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", &config(&FIRST));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (pool_id, client_id) = (output(&ws, "pool_id"), output(&ws, "client_id"));
    assert_eq!(
        pool(&moto, &pool_id),
        Some((12, vec!["custom:groups".to_string()], vec!["team=ml".to_string()]))
    );
    assert_eq!(
        client(&moto, &pool_id, &client_id),
        Some((vec![FIRST.callback.to_string()], true))
    );
    assert_eq!(group_precedence(&moto, &pool_id), Some(1));
    // The client's secret is in state, never in output.
    let show = ws.run(&["state", "show", "aws_cognito_user_pool_client.web"]);
    assert!(
        show.stdout.contains("client_secret") && show.stdout.contains("(sensitive"),
        "{}",
        show.stdout
    );

    // Import: each by the AWS provider's import ID.
    reimport(&ws, "aws_cognito_user_pool.sso", &pool_id);
    reimport(&ws, "aws_cognito_user_pool_domain.sso", FIRST.domain);
    reimport(&ws, "aws_cognito_identity_provider.corp", &format!("{pool_id}:corp"));
    reimport(
        &ws,
        "aws_cognito_user_pool_client.web",
        &format!("{pool_id}/{client_id}"),
    );
    reimport(&ws, "aws_cognito_user_group.admins", &format!("{pool_id}/admins"));

    // In place: the password policy and a tag, a callback URL, a group's precedence.
    let second = Knobs {
        min_length: 14,
        callback: "https://ts.example.com/auth/callback",
        precedence: 5,
        team: "data",
        ..FIRST
    };
    ws.write("main.tf", &config(&second));
    planned_changes(&ws, "0 to add, 3 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        pool(&moto, &pool_id),
        Some((14, vec!["custom:groups".to_string()], vec!["team=data".to_string()]))
    );
    assert_eq!(
        client(&moto, &pool_id, &client_id).map(|c| c.0),
        Some(vec![second.callback.to_string()])
    );
    assert_eq!(group_precedence(&moto, &pool_id), Some(5));
    assert_eq!(
        output(&ws, "client_id"),
        client_id,
        "the client is updated, not replaced"
    );

    // A change made outside: the group's precedence set by hand is planned back.
    block_on(async {
        cognito(&moto)
            .update_group()
            .user_pool_id(&pool_id)
            .group_name("admins")
            .precedence(9)
            .send()
            .await
            .expect("a precedence set by hand")
    });
    planned_changes(&ws, "0 to add, 1 to change, 0 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(group_precedence(&moto, &pool_id), Some(5));

    // Replacement: a new domain prefix is a new domain.
    let third = Knobs {
        domain: "tetrascience-login",
        ..second
    };
    ws.write("main.tf", &config(&third));
    planned_changes(&ws, "1 to add, 0 to change, 1 to destroy");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let domain = |name: &str| {
        block_on(async {
            cognito(&moto)
                .describe_user_pool_domain()
                .domain(name)
                .send()
                .await
                .ok()
                .and_then(|o| {
                    o.domain_description()
                        .and_then(|d| d.user_pool_id().map(str::to_string))
                })
        })
    };
    assert_eq!(domain("tetrascience-login"), Some(pool_id.clone()));
    assert_eq!(domain("tetrascience-sso"), None);

    // A schema attribute cannot be taken out: refused before anything changes.
    let fourth = Knobs {
        groups_attribute: false,
        min_length: 16,
        ..third
    };
    ws.write("main.tf", &config(&fourth));
    let refused = ws.run(&["apply", "-auto-approve"]).expect_code(1);
    assert!(
        refused
            .stderr
            .contains("a schema attribute cannot be changed or removed"),
        "{}",
        refused.stderr
    );
    assert_eq!(pool(&moto, &pool_id).map(|p| p.0), Some(14), "nothing changed");

    ws.write("main.tf", &config(&third));
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(pool(&moto, &pool_id), None);
}
