//! Seed 004's single sign-on (modules/tetrascience/sso), as `examples/tetrascience` deploys it
//! (tests/tetrascience.rs applies the example and checks it here, through the SDK).

use crate::util::{block_on, Moto};

/// Single sign-on as the seed's "Setting up Cognito" and "Setting up the platform" ask: the
/// pool's attributes, the client's callback, scopes and readable attributes, the identity
/// provider's mapping, and every parameter at the seed's path.
pub(crate) fn sso_is_set_up(moto: &Moto) {
    let conf = moto.sdk_config();
    let cognito = aws_sdk_cognitoidentityprovider::Client::new(&conf);
    let ssm = aws_sdk_ssm::Client::new(&conf);
    block_on(async {
        let pools = cognito.list_user_pools().max_results(10).send().await.expect("pools");
        let pool = pools
            .user_pools()
            .iter()
            .find(|p| p.name() == Some("tetrascience-production-sso"))
            .and_then(|p| p.id())
            .expect("the user pool")
            .to_string();
        let described = cognito
            .describe_user_pool()
            .user_pool_id(&pool)
            .send()
            .await
            .expect("pool");
        let attributes = described
            .user_pool()
            .map(|p| p.schema_attributes().to_vec())
            .unwrap_or_default();
        let groups = attributes
            .iter()
            .find(|a| a.name() == Some("custom:groups"))
            .expect("custom:groups");
        assert_eq!(groups.mutable(), Some(true));
        assert_eq!(
            groups.string_attribute_constraints().and_then(|c| c.max_length()),
            Some("2048")
        );
        for name in ["email", "given_name", "family_name"] {
            assert!(
                attributes
                    .iter()
                    .any(|a| a.name() == Some(name) && a.required() == Some(true)),
                "{name} is required"
            );
        }
        let clients = cognito
            .list_user_pool_clients()
            .user_pool_id(&pool)
            .send()
            .await
            .expect("clients");
        let client_id = clients.user_pool_clients()[0]
            .client_id()
            .expect("client id")
            .to_string();
        let client = cognito
            .describe_user_pool_client()
            .user_pool_id(&pool)
            .client_id(&client_id)
            .send()
            .await
            .expect("client")
            .user_pool_client()
            .cloned()
            .expect("client");
        assert_eq!(client.callback_urls(), ["https://tdp.acme.example.com/login/sso"]);
        assert_eq!(client.logout_urls(), ["https://tdp.acme.example.com/logout"]);
        let mut scopes: Vec<&str> = client.allowed_o_auth_scopes().iter().map(|s| s.as_str()).collect();
        scopes.sort();
        assert_eq!(scopes, ["email", "openid", "profile"]);
        let mut readable = client.read_attributes().to_vec();
        readable.sort();
        assert_eq!(readable, ["custom:groups", "email", "family_name", "given_name"]);
        let idp = cognito
            .describe_identity_provider()
            .user_pool_id(&pool)
            .provider_name("corp")
            .send()
            .await
            .expect("identity provider");
        let mapping = idp
            .identity_provider()
            .and_then(|i| i.attribute_mapping())
            .cloned()
            .unwrap_or_default();
        assert_eq!(
            mapping.get("custom:groups").map(String::as_str),
            Some("http://schemas.xmlsoap.org/claims/Group")
        );
        let prefix = "/tetrascience/production/ECS";
        let value = |name: &str| {
            let ssm = ssm.clone();
            let name = format!("{prefix}/{name}");
            async move {
                let p = ssm.get_parameter().name(&name).with_decryption(true).send().await;
                p.ok().and_then(|p| {
                    p.parameter().map(|p| {
                        (
                            p.value().unwrap_or_default().to_string(),
                            p.r#type().map(|t| t.as_str().to_string()),
                        )
                    })
                })
            }
        };
        let domain = "https://acme-tdp.auth.us-east-1.amazoncognito.com".to_string();
        for service in ["ts-service-user-org", "ts-service-web"] {
            assert_eq!(
                value(&format!("{service}/SSO_DOMAIN")).await.map(|v| v.0),
                Some(domain.clone())
            );
            assert_eq!(
                value(&format!("{service}/SSO_CLIENT_ID")).await.map(|v| v.0),
                Some(client_id.clone())
            );
        }
        assert_eq!(
            value("ts-service-user-org/SSO_REDIRECT_URI")
                .await
                .map(|v| v.0)
                .as_deref(),
            Some("https://tdp.acme.example.com/login/sso")
        );
        assert_eq!(
            value("ts-service-user-org/SSO_GROUPS_ATTRIBUTE")
                .await
                .map(|v| v.0)
                .as_deref(),
            Some("custom:groups")
        );
        let secret = value("ts-service-user-org/SSO_CLIENT_SECRET")
            .await
            .expect("the client secret");
        assert_eq!(Some(secret.0.as_str()), client.client_secret());
        assert_eq!(secret.1.as_deref(), Some("SecureString"));
    });
}
