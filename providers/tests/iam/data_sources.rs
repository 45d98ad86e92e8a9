//! The IAM and STS data sources: policy documents as Terraform renders them, the caller
//! identity, region and partition.

use super::*;

fn read_data(h: &Harness, type_name: &str, config: &Value) -> Value {
    h.provider
        .read_data(ReadDataRequest { type_name, config })
        .unwrap_or_else(|e| panic!("read {type_name}: {e}"))
}

const EXPECTED_DOCUMENT: &str = r#"{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AssumeFromInfinStor",
      "Effect": "Allow",
      "Action": "sts:AssumeRole",
      "Principal": {
        "AWS": "arn:aws:iam::697756613082:root"
      },
      "Condition": {
        "StringEquals": {
          "sts:ExternalId": "abc-123"
        }
      }
    },
    {
      "Effect": "Allow",
      "Action": [
        "s3:PutObject",
        "s3:ListBucket",
        "s3:GetObject"
      ],
      "Resource": [
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b"
      ],
      "Condition": {
        "StringLike": {
          "s3:prefix": [
            "home/",
            "home/${aws:username}/"
          ]
        }
      }
    }
  ]
}"#;

fn document_config() -> Value {
    map([(
        "statement",
        Value::List(
            vec![
                map([
                    ("sid", Value::from("AssumeFromInfinStor")),
                    ("actions", strings(&["sts:AssumeRole"])),
                    (
                        "principals",
                        block(vec![
                            ("type", Value::from("AWS")),
                            ("identifiers", strings(&["arn:aws:iam::697756613082:root"])),
                        ]),
                    ),
                    (
                        "condition",
                        block(vec![
                            ("test", Value::from("StringEquals")),
                            ("variable", Value::from("sts:ExternalId")),
                            ("values", strings(&["abc-123"])),
                        ]),
                    ),
                ]),
                map([
                    (
                        "actions",
                        strings(&["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetObject"]),
                    ),
                    ("resources", strings(&["arn:aws:s3:::b", "arn:aws:s3:::b/*"])),
                    (
                        "condition",
                        block(vec![
                            ("test", Value::from("StringLike")),
                            ("variable", Value::from("s3:prefix")),
                            ("values", strings(&["home/", "home/&{aws:username}/"])),
                        ]),
                    ),
                ]),
            ]
            .into(),
        ),
    )])
}

#[test]
fn policy_document_matches_terraform_output() {
    let h = Harness::new();
    let out = read_data(&h, "aws_iam_policy_document", &document_config());
    assert_eq!(out.get("json"), Value::from(EXPECTED_DOCUMENT));
    assert_eq!(
        out.get("minified_json"),
        Value::from(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"AssumeFromInfinStor","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::697756613082:root"},"Condition":{"StringEquals":{"sts:ExternalId":"abc-123"}}},{"Effect":"Allow","Action":["s3:PutObject","s3:ListBucket","s3:GetObject"],"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"],"Condition":{"StringLike":{"s3:prefix":["home/","home/${aws:username}/"]}}}]}"#
        )
    );
    // Terraform's id: the CRC-32 of the JSON.
    assert_eq!(out.get("id"), Value::from("603551512"));
    assert_eq!(out.get("version"), Value::from("2012-10-17"));
    // Set arguments are recorded sorted and without duplicates.
    assert_eq!(
        out.get("statement").as_list().expect("statements")[1].get("actions"),
        strings(&["s3:GetObject", "s3:ListBucket", "s3:PutObject"])
    );

    // The generated trust policy works as a role's assume_role_policy, and stays stable.
    let trust_only = map([(
        "statement",
        Value::List(vec![document_config().get("statement").as_list().expect("statements")[0].clone()].into()),
    )]);
    let trust = read_data(&h, "aws_iam_policy_document", &trust_only).get("json");
    let role = h.create(
        "aws_iam_role",
        map([
            ("name", Value::from("from-document")),
            ("assume_role_policy", trust.clone()),
        ]),
    );
    assert_eq!(role.get("assume_role_policy"), trust);
    assert_eq!(h.read("aws_iam_role", &role), Some(role.clone()));
}

#[test]
fn policy_document_merges_sources_and_overrides() {
    let h = Harness::new();
    let source = r#"{"Version":"2012-10-17","Statement":[
        {"Sid":"A","Effect":"Allow","Action":"a:*","Resource":"*"},
        {"Sid":"B","Effect":"Allow","Action":["b:2","b:1"],"Resource":"*","Principal":"*"}]}"#;
    let over = r#"{"Statement":{"Sid":"B","Effect":"Deny","Action":"b:*","Resource":"*",
        "Principal":{"AWS":["arn:aws:iam::111111111111:root","arn:aws:iam::222222222222:root"]},
        "Condition":{"Bool":{"aws:SecureTransport":false}}}}"#;
    let config = map([
        ("source_policy_documents", strings(&[source])),
        ("override_policy_documents", strings(&[over])),
        (
            "statement",
            Value::List(
                vec![
                    map([
                        ("sid", Value::from("A")),
                        ("effect", Value::from("Deny")),
                        ("actions", strings(&["a:x"])),
                    ]),
                    map([
                        ("actions", strings(&["c:1"])),
                        (
                            "principals",
                            block(vec![("type", Value::from("*")), ("identifiers", strings(&["*"]))]),
                        ),
                        (
                            "condition",
                            block(vec![
                                ("test", Value::from("StringEquals")),
                                ("variable", Value::from("k")),
                                ("values", strings(&["a&b<c>"])),
                            ]),
                        ),
                    ]),
                ]
                .into(),
            ),
        ),
    ]);
    let out = read_data(&h, "aws_iam_policy_document", &config);
    assert_eq!(
        out.get("minified_json"),
        Value::from(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"A","Effect":"Deny","Action":"a:x"},{"Sid":"B","Effect":"Deny","Action":"b:*","Resource":"*","Principal":{"AWS":["arn:aws:iam::222222222222:root","arn:aws:iam::111111111111:root"]},"Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Effect":"Allow","Action":"c:1","Principal":"*","Condition":{"StringEquals":{"k":"a\u0026b\u003cc\u003e"}}}]}"#
        )
    );

    let duplicate = map([(
        "statement",
        Value::List(vec![map([("sid", Value::from("X"))]), map([("sid", Value::from("X"))])].into()),
    )]);
    let err = h
        .provider
        .read_data(ReadDataRequest {
            type_name: "aws_iam_policy_document",
            config: &duplicate,
        })
        .expect_err("duplicate sid");
    assert!(err.message.contains("duplicate Sid (X)"), "{}", err.message);
}

#[test]
fn caller_identity_region_and_partition() {
    let h = Harness::new();
    let me = read_data(&h, "aws_caller_identity", &Value::empty_map());
    assert_eq!(me.get("account_id"), Value::from(ACCOUNT));
    assert_eq!(me.get("id"), Value::from(ACCOUNT));
    assert!(me
        .get("arn")
        .as_str()
        .is_some_and(|a| a.starts_with(&format!("arn:aws:sts::{ACCOUNT}:"))));
    assert!(me.get("user_id").as_str().is_some());

    let region = read_data(&h, "aws_region", &Value::empty_map());
    assert_eq!(region.get("name"), Value::from("us-east-1"));
    assert_eq!(region.get("region"), Value::from("us-east-1"));
    assert_eq!(region.get("id"), Value::from("us-east-1"));
    assert_eq!(region.get("endpoint"), Value::from("ec2.us-east-1.amazonaws.com"));
    assert_eq!(region.get("description"), Value::from("US East (N. Virginia)"));
    let other = read_data(&h, "aws_region", &map([("name", Value::from("eu-west-1"))]));
    assert_eq!(other.get("region"), Value::from("eu-west-1"));

    let partition = read_data(&h, "aws_partition", &Value::empty_map());
    assert_eq!(partition.get("partition"), Value::from("aws"));
    assert_eq!(partition.get("dns_suffix"), Value::from("amazonaws.com"));
}
