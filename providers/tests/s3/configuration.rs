//! The provider's configuration and its errors: unreachable endpoints, a missing region,
//! schemas known before configuration.

use super::*;

#[test]
fn errors_name_the_type_and_the_unreachable_endpoint() {
    common::test_env();
    // Nothing listens on this port (bound then released), so every call fails to connect.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port();
    let endpoint = format!("http://127.0.0.1:{port}");
    let factory = providers::AwsFactory::new();
    let config = common::provider_config(&endpoint, vec![("max_retries", Value::from(0i64))]);
    // configure makes no network call, so it succeeds although nothing answers.
    let provider = factory.configure("aws", &config).expect("configure");

    let prior = map([("bucket", Value::from("some-bucket"))]);
    let error = provider
        .read(ReadRequest {
            type_name: "aws_s3_bucket",
            prior: &prior,
        })
        .expect_err("must fail");
    assert_eq!(error.code, "EndpointUnreachable", "{error:?}");
    assert!(error.message.contains(&endpoint), "{error:?}");
    assert!(error.message.contains("some-bucket"), "{error:?}");

    // With assume_role the credentials come from STS, which is unreachable too.
    let config = common::provider_config(
        &endpoint,
        vec![
            ("max_retries", Value::from(0i64)),
            (
                "assume_role",
                Value::List(
                    vec![map([
                        ("role_arn", Value::from("arn:aws:iam::123456789012:role/infinstor")),
                        ("external_id", Value::from("ext")),
                        ("session_name", Value::from("infinstor-test")),
                        ("duration", Value::from("1h")),
                    ])]
                    .into(),
                ),
            ),
        ],
    );
    let provider = factory.configure("aws", &config).expect("configure");
    let error = provider
        .read(ReadRequest {
            type_name: "aws_s3_bucket",
            prior: &prior,
        })
        .expect_err("must fail");
    assert_eq!(error.code, "NoCredentials", "{error:?}");
    assert!(error.message.contains("assume_role"), "{error:?}");

    let error = provider
        .read(ReadRequest {
            type_name: "aws_no_such_thing",
            prior: &prior,
        })
        .expect_err("must fail");
    assert_eq!(error.code, "UnsupportedType");
}

#[test]
fn configure_without_a_region_says_how_to_set_one() {
    common::test_env();
    let dir = std::env::temp_dir().join(format!("infinstor-no-region-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let empty = dir.join("config");
    std::fs::write(&empty, "").expect("empty config");
    let config = map([
        ("shared_config_files", strings(&[empty.to_str().expect("utf-8 path")])),
        (
            "shared_credentials_files",
            strings(&[empty.to_str().expect("utf-8 path")]),
        ),
    ]);
    let error = providers::AwsFactory::new()
        .configure("aws", &config)
        .err()
        .expect("configure must fail without a region");
    assert_eq!(error.code, "MissingRegion");
    assert!(error.message.contains("AWS_REGION"), "{}", error.message);
    assert!(error.message.contains("region"), "{}", error.message);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn factory_knows_schemas_without_configuration() {
    let factory = providers::AwsFactory::new();
    assert!(factory.config_schema("google").is_none(), "only the providers it has");
    for ty in [
        "aws_s3_bucket",
        "aws_s3_bucket_cors_configuration",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_versioning",
    ] {
        assert!(factory.resource_types().contains(&ty.to_string()), "{ty}");
        let schema = factory.resource_schema(ty).expect("schema");
        assert!(schema.attributes.contains_key("id"), "{ty}");
    }
    let schema = factory.resource_schema("aws_s3_bucket_policy").expect("schema");
    assert!(schema.attributes["policy"].json);
    let config = factory.config_schema("aws").expect("the aws provider");
    assert!(config.attributes["secret_key"].sensitive);
    assert!(config.blocks.contains_key("assume_role"));
    assert!(config.blocks["endpoints"].schema.attributes.contains_key("s3"));
}
