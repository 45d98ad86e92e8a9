//! What the emulator cannot do for Cognito, against the service's documented answers through
//! the SDK's replay client (every request checked): a resource server's update and delete
//! (the emulator implements neither), a custom domain (it forgets the certificate) and a
//! user pool tag taken out (it has no UntagResource).

use super::domain::UserPoolDomain;
use super::pool::UserPool;
use super::resource_server::ResourceServer;
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

fn not_found() -> Answer {
    Answer::json(
        400,
        serde_json::json!({"__type": "ResourceNotFoundException", "message": "not found"}),
    )
}

const POOL: &str = "us-east-1_AbC123";

fn server(description: &str) -> Answer {
    Answer::json(
        200,
        serde_json::json!({"ResourceServer": {
            "UserPoolId": POOL,
            "Identifier": "https://api.example.com",
            "Name": "api",
            "Scopes": [{"ScopeName": "read", "ScopeDescription": description}]
        }}),
    )
}

fn server_config(description: &str) -> Value {
    map([
        ("user_pool_id", Value::from(POOL)),
        ("identifier", Value::from("https://api.example.com")),
        ("name", Value::from("api")),
        (
            "scope",
            Value::List(
                vec![map([
                    ("scope_name", Value::from("read")),
                    ("scope_description", Value::from(description)),
                ])]
                .into(),
            ),
        ),
        ("scope_identifiers", Value::UNKNOWN),
        ("id", Value::UNKNOWN),
    ])
}

#[test]
fn a_resource_server_is_created_its_scopes_changed_in_place_and_deleted() {
    let (ctx, replay) = ctx(vec![
        server("read the API"),
        server("read the API"),
        Answer::json(200, serde_json::json!({"ResourceServer": {}})),
        server("read everything"),
        Answer::json(200, serde_json::json!({})),
        not_found(),
    ]);
    let kind = ResourceServer;
    let (planned, replace) = kind.plan(&ctx, None, server_config("read the API")).expect("plan");
    assert!(replace.is_empty());
    assert_eq!(
        planned.get("id"),
        Value::from(format!("{POOL}|https://api.example.com"))
    );
    assert_eq!(
        planned.get("scope_identifiers"),
        Value::List(vec![Value::from("https://api.example.com/read")].into()),
        "one scope: its identifier is known before apply"
    );
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("scope_identifiers"), planned.get("scope_identifiers"));

    let (planned, replace) = kind
        .plan(&ctx, Some(&state), server_config("read everything"))
        .expect("plan");
    assert!(replace.is_empty(), "a scope changes in place: {replace:?}");
    let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let scope = &crate::support::attrs::block_items(&updated.expect("state"), "scope")[0];
    assert_eq!(scope.get("scope_description"), Value::from("read everything"));

    kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
    kind.delete(&ctx, &state, &Step::QUIET)
        .expect("a server already gone is deleted");

    let requests = sent(&replay);
    let bodies: Vec<&str> = requests.iter().map(|(_, _, b)| b.as_str()).collect();
    assert!(
        bodies[0].contains(r#""Scopes":[{"ScopeName":"read","ScopeDescription":"read the API"}]"#),
        "{}",
        bodies[0]
    );
    assert!(
        bodies[2].contains(r#""ScopeDescription":"read everything""#) && bodies[2].contains(r#""Name":"api""#),
        "{}",
        bodies[2]
    );
    assert_eq!(
        bodies[4],
        format!(r#"{{"UserPoolId":"{POOL}","Identifier":"https://api.example.com"}}"#)
    );
}

const CERT: &str = "arn:aws:acm:us-east-1:123456789012:certificate/one";
const CERT2: &str = "arn:aws:acm:us-east-1:123456789012:certificate/two";

fn domain(status: &str, cert: &str) -> Answer {
    Answer::json(
        200,
        serde_json::json!({"DomainDescription": {
            "UserPoolId": POOL,
            "AWSAccountId": "123456789012",
            "Domain": "auth.example.com",
            "S3Bucket": "aws-cognito-prod-iad-assets",
            "CloudFrontDistribution": "d111111abcdef8.cloudfront.net",
            "Version": "20261207",
            "Status": status,
            "CustomDomainConfig": {"CertificateArn": cert},
            "ManagedLoginVersion": 1
        }}),
    )
}

fn domain_config(cert: Option<&str>) -> Value {
    map([
        ("domain", Value::from("auth.example.com")),
        ("user_pool_id", Value::from(POOL)),
        ("certificate_arn", cert.map(Value::from).unwrap_or(Value::Null)),
        ("managed_login_version", Value::UNKNOWN),
    ])
}

#[test]
fn a_custom_domain_waits_until_active_keeps_its_certificate_and_changes_it_in_place() {
    let (ctx, replay) = ctx(vec![
        Answer::json(
            200,
            serde_json::json!({"CloudFrontDomain": "d111111abcdef8.cloudfront.net"}),
        ),
        domain("CREATING", CERT),
        domain("ACTIVE", CERT),
        domain("ACTIVE", CERT),
        // The certificate changed for another: in place, waited for.
        Answer::json(
            200,
            serde_json::json!({"CloudFrontDomain": "d111111abcdef8.cloudfront.net"}),
        ),
        domain("ACTIVE", CERT2),
        domain("ACTIVE", CERT2),
    ]);
    let kind = UserPoolDomain;
    let (planned, _) = kind.plan(&ctx, None, domain_config(Some(CERT))).expect("plan");
    let progress = std::cell::RefCell::new(Vec::new());
    let record = |l: &str| progress.borrow_mut().push(l.to_string());
    let step = Step {
        progress: &record,
        ..Step::QUIET
    };
    let (state, error) = kind.create(&ctx, &planned, &step).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("certificate_arn"), Value::from(CERT));
    assert_eq!(
        state.get("cloudfront_distribution"),
        Value::from("d111111abcdef8.cloudfront.net")
    );
    assert_eq!(
        state.get("cloudfront_distribution_zone_id"),
        Value::from("Z2FDTNDATAQYW2")
    );
    assert!(
        progress.borrow().iter().any(|l| l.contains("CREATING")),
        "{:?}",
        progress.borrow()
    );

    let (planned, replace) = kind.plan(&ctx, Some(&state), domain_config(Some(CERT2))).expect("plan");
    assert!(
        replace.is_empty(),
        "another certificate is changed in place: {replace:?}"
    );
    let (_, replace) = kind.plan(&ctx, Some(&state), domain_config(None)).expect("plan");
    assert_eq!(replace, ["certificate_arn"], "a custom domain cannot become a prefix");
    let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("certificate_arn"), Value::from(CERT2));

    let bodies: Vec<String> = sent(&replay).into_iter().map(|(_, _, b)| b).collect();
    assert!(
        bodies[0].contains(&format!(r#""CustomDomainConfig":{{"CertificateArn":"{CERT}"}}"#)),
        "{}",
        bodies[0]
    );
    assert!(
        bodies[4].contains(&format!(r#""CustomDomainConfig":{{"CertificateArn":"{CERT2}"}}"#)),
        "{}",
        bodies[4]
    );
}

fn pool(tags: serde_json::Value) -> Answer {
    Answer::json(
        200,
        serde_json::json!({"UserPool": {
            "Id": POOL,
            "Name": "sso",
            "Arn": format!("arn:aws:cognito-idp:us-east-1:123456789012:userpool/{POOL}"),
            "CreationDate": 1.7e9,
            "LastModifiedDate": 1.7e9,
            "MfaConfiguration": "OFF",
            "EstimatedNumberOfUsers": 0,
            "DeletionProtection": "INACTIVE",
            "UserPoolTags": tags,
            "SchemaAttributes": []
        }}),
    )
}

fn mfa_off() -> Answer {
    Answer::json(200, serde_json::json!({"MfaConfiguration": "OFF"}))
}

#[test]
fn a_tag_taken_off_a_user_pool_is_untagged() {
    let (ctx, replay) = ctx(vec![
        pool(serde_json::json!({"team": "ml", "owner": "ops"})),
        mfa_off(),
        Answer::json(200, serde_json::json!({})),
        Answer::json(200, serde_json::json!({})),
        pool(serde_json::json!({"team": "ml"})),
        mfa_off(),
    ]);
    let kind = UserPool;
    let state = kind.import(&ctx, POOL).expect("import").expect("the pool");
    assert_eq!(
        state.get("tags"),
        map([("owner", Value::from("ops")), ("team", Value::from("ml"))])
    );
    let mut config = crate::support::attrs::into_state(&state);
    config.insert("tags".into(), map([("team", Value::from("ml"))]));
    let (planned, replace) = kind.plan(&ctx, Some(&state), Value::Map(config.into())).expect("plan");
    assert!(replace.is_empty(), "{replace:?}");
    let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("tags"), map([("team", Value::from("ml"))]));
    let requests = sent(&replay);
    assert!(
        requests[2].2.contains(r#""UserPoolTags":{"team":"ml"}"#),
        "{}",
        requests[2].2
    );
    assert_eq!(
        requests[3].2,
        format!(
            r#"{{"ResourceArn":"arn:aws:cognito-idp:us-east-1:123456789012:userpool/{POOL}","TagKeys":["owner"]}}"#
        )
    );
}
