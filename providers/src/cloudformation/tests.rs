use crate::cloudformation::events::failure_error;
use crate::cloudformation::{check_parameters, keep_prior_template, template_parameters, templates_equivalent, yaml};
use engine::core::value::Value;
use serde_json::Value as Json;

#[test]
fn yaml_templates_read_like_json() {
    let y = r#"
AWSTemplateFormatVersion: "2010-09-09"
Description: >
  A bucket
  and a topic
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]   # the stages
    Default: dev
  Count: {Type: Number, MinValue: 1}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "app-${Env}"
      Tags:
        - Key: env
          Value: !Ref Env
        - Key: url
          Value: http://example.com/a#b
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Resource: !Join
              - ''
              - - !GetAtt Bucket.Arn
                - /*
Outputs:
  Script:
    Value: |
      line one
        indented
"#;
    let parsed = yaml::parse(y).expect("parses");
    let expected: Json = serde_json::from_str(
            r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "A bucket and a topic\n",
  "Parameters": {
    "Env": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"},
    "Count": {"Type": "Number", "MinValue": 1}
  },
  "Resources": {
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
      "BucketName": {"Fn::Sub": "app-${Env}"},
      "Tags": [{"Key": "env", "Value": {"Ref": "Env"}}, {"Key": "url", "Value": "http://example.com/a#b"}]}},
    "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
      "Bucket": {"Ref": "Bucket"},
      "PolicyDocument": {"Statement": [{"Effect": "Allow", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}}]}}}
  },
  "Outputs": {"Script": {"Value": "line one\n  indented\n"}}
}"#,
        )
        .expect("json");
    assert_eq!(parsed, expected);
}

#[test]
fn yaml_limits_are_errors() {
    assert!(yaml::parse("a: &x 1\nb: *x\n").is_err());
    assert!(yaml::parse("a:\n  <<: {b: 1}\n").is_err());
}

#[test]
fn templates_compare_semantically() {
    assert!(templates_equivalent(
        r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}, "Outputs": {}}"#,
        "{\n  \"Outputs\": {},\n  \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}\n}"
    ));
    assert!(templates_equivalent(
        "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
        r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#
    ));
    assert!(!templates_equivalent(
        r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#,
        r#"{"Resources": {"C": {"Type": "AWS::S3::Bucket"}}}"#
    ));
    // An unreadable body from AWS keeps the recorded one.
    let prior = Value::from(r#"{"Resources": {}}"#);
    assert_eq!(keep_prior_template(&prior, "OrderedDict([('Resources', ...)])"), prior);
}

#[test]
fn failures_name_the_cause_and_the_rollback_outcome() {
    let first = (
        "ArtifactsBucket".to_string(),
        "AWS::S3::Bucket".to_string(),
        "artifacts already exists".to_string(),
    );
    let e = failure_error("creating", "app", "ROLLBACK_COMPLETE", Some(&first), Some("ignored"));
    assert_eq!(e.code, "ROLLBACK_COMPLETE");
    assert!(
            e.message.starts_with(
                "creating CloudFormation Stack (app): ArtifactsBucket (AWS::S3::Bucket) failed: artifacts already exists\nThe stack is now ROLLBACK_COMPLETE."
            ),
            "{}",
            e.message
        );
    assert!(e.message.contains("the next plan replaces it"), "{}", e.message);
    let e = failure_error(
        "updating",
        "app",
        "UPDATE_ROLLBACK_FAILED",
        None,
        Some("resource failed"),
    );
    assert!(e.message.contains("(app): resource failed"), "{}", e.message);
    assert!(
        e.message.contains("continue-update-rollback --stack-name app"),
        "{}",
        e.message
    );
}

#[test]
fn parameter_constraints() {
    let template: Json = serde_json::from_str(
        r#"{"Parameters": {
                "Env": {"Type": "String", "AllowedValues": ["dev", "prod"]},
                "Name": {"Type": "String", "AllowedPattern": "[a-z]+", "MinLength": 2, "MaxLength": 5, "Default": "ab"},
                "Size": {"Type": "Number", "MinValue": 1, "MaxValue": "10", "Default": 1},
                "Secret": {"Type": "String", "NoEcho": true, "AllowedPattern": "[0-9]+", "Default": "1"}
            }}"#,
    )
    .expect("json");
    let declared = template["Parameters"].as_object().expect("object").clone();
    let check = |pairs: Vec<(&str, &str)>| {
        let params = engine::core::value::map(pairs.into_iter().map(|(k, v)| (k, Value::from(v))));
        check_parameters(&declared, &params)
    };
    assert!(check(vec![("Env", "dev")]).is_empty());
    let missing = check(vec![]);
    assert_eq!(missing.len(), 1);
    assert_eq!(missing[0].attribute.as_deref(), Some("parameters.Env"));
    assert!(missing[0].message.contains("required"), "{}", missing[0].message);
    let unknown = check(vec![("Env", "dev"), ("env", "x")]);
    assert_eq!(unknown[0].attribute.as_deref(), Some("parameters.env"));
    assert!(
        unknown[0].message.contains("did you mean \"Env\""),
        "{}",
        unknown[0].message
    );
    let bad = check(vec![("Env", "staging")]);
    assert!(
        bad[0].message.contains("not one of the allowed values (dev, prod)"),
        "{}",
        bad[0].message
    );
    let bad = check(vec![("Env", "dev"), ("Name", "Ab1")]);
    assert!(bad[0].message.contains("allowed pattern"), "{}", bad[0].message);
    let bad = check(vec![("Env", "dev"), ("Name", "abcdef")]);
    assert!(bad[0].message.contains("maximum length 5"), "{}", bad[0].message);
    let bad = check(vec![("Env", "dev"), ("Size", "11")]);
    assert!(bad[0].message.contains("maximum value 10"), "{}", bad[0].message);
    let bad = check(vec![("Env", "dev"), ("Size", "x")]);
    assert!(bad[0].message.contains("not a number"), "{}", bad[0].message);
    let bad = check(vec![("Env", "dev"), ("Secret", "hunter2")]);
    assert!(!bad[0].message.contains("hunter2"), "{}", bad[0].message);
}

#[test]
fn a_realistic_template_reads_like_its_json() {
    let src = include_str!("../../tests/fixtures/cloudformation/metaflow-like.yaml");
    let t = yaml::parse(src).expect("parses");
    assert_eq!(
        t["Description"],
        "A data-science stack: a private bucket, a batch job role, a state table and an API endpoint (test fixture written for infinstor)."
    );
    assert_eq!(t["Parameters"]["MaxVCPUs"]["Default"], 64);
    assert_eq!(t["Parameters"]["EnableUi"]["Default"], "false");
    assert_eq!(t["Mappings"]["StageSettings"]["prod"]["Alarm"], true);
    assert_eq!(
        t["Conditions"]["IsProd"],
        serde_json::json!({"Fn::Equals": [{"Ref": "Stage"}, "prod"]})
    );
    assert_eq!(
        t["Resources"]["Bucket"]["Properties"]["LifecycleConfiguration"]["Rules"][0]["ExpirationInDays"],
        serde_json::json!({"Fn::FindInMap": ["StageSettings", {"Ref": "Stage"}, "Retention"]})
    );
    assert_eq!(
        t["Resources"]["JobRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"][0]["Resource"],
        serde_json::json!({"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]})
    );
    assert_eq!(
        t["Resources"]["Subnet"]["Properties"]["CidrBlock"],
        serde_json::json!({"Fn::Select": [0, {"Fn::Cidr": [{"Ref": "VpcCidr"}, 2, 8]}]})
    );
    assert_eq!(
        t["Resources"]["Subnet"]["Properties"]["AvailabilityZone"],
        serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})
    );
    assert_eq!(
        t["Resources"]["Subnet"]["Properties"]["VpcId"],
        serde_json::json!({"Fn::ImportValue": {"Fn::Sub": "${Stage}-vpc-id"}})
    );
    assert_eq!(
        t["Resources"]["Ui"]["Properties"]["Tags"][1]["Value"],
        "first line\n  second, indented\n"
    );
    assert_eq!(t["Resources"]["Ui"]["Properties"]["Tags"][2]["Value"], "");
    assert_eq!(
        t["Outputs"]["UiUrl"]["Value"],
        serde_json::json!({"Fn::If": ["IsProd", {"Fn::Sub": "https://ui.${Stage}.example.com"}, {"Ref": "AWS::NoValue"}]})
    );
    // Parameters are read from YAML templates for the plan-time checks.
    let declared = template_parameters(src).expect("parameters");
    assert_eq!(declared.len(), 4);
}

#[test]
fn yaml_that_cloudformation_rejects_is_an_error() {
    assert!(yaml::parse("a: 1\n---\nb: 2\n").is_err(), "two documents");
    assert!(yaml::parse("a: 1\na: 2\n").is_err(), "duplicate key");
    assert!(yaml::parse("? [a, b]\n: c\n").is_err(), "complex key");
    assert!(yaml::parse("a: [1, 2\n").is_err(), "unclosed flow sequence");
    assert!(yaml::parse("a:\n\t- b\n").is_err(), "tab indentation");
}
