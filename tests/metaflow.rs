//! Seed 002 through `examples/metaflow` (modules/metaflow): Metaflow's stack, its outputs and
//! API key written as a Metaflow configuration, and with EnableUI the UI's certificate and
//! alias record, checked through the SDK and on disk.

use crate::util::{block_on, start_moto, workspace, Clients, Moto, Workspace};

const KEY_VALUE: &str = "mf-api-key-value-0123456789abcdef";

/// A stand-in for Metaflow's template: the parameters the seed names, a bucket and the custom
/// role, and the outputs Metaflow's template has (constant where the stand-in creates nothing).
pub(crate) fn template(api_key_id: &str, drop_parameter: Option<&str>) -> String {
    let mut params = vec![
        "  APIBasicAuth:\n    Type: String\n    AllowedValues: ['true', 'false']\n",
        "  CustomRole:\n    Type: String\n    AllowedValues: ['true', 'false']\n",
        "  EnableUI:\n    Type: String\n    AllowedValues: ['true', 'false']\n",
        "  PublicDomainName:\n    Type: String\n    Default: ''\n",
        "  CertificateArn:\n    Type: String\n    Default: ''\n",
    ];
    if let Some(p) = drop_parameter {
        params.retain(|text| !text.starts_with(&format!("  {p}:")));
    }
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Description: Metaflow (stand-in)
Parameters:
{}Resources:
  MetaflowS3Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: metaflow-datastore-standin
  MetaflowUserRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: MetaflowUserRole-standin
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal:
              AWS: arn:aws:iam::123456789012:root
            Action: sts:AssumeRole
Outputs:
  MetaflowDataStoreS3Url:
    Value: !Sub "s3://${{MetaflowS3Bucket}}/metaflow"
  MetaflowDataToolsS3Url:
    Value: !Sub "s3://${{MetaflowS3Bucket}}/data"
  BatchJobQueueArn:
    Value: arn:aws:batch:us-east-1:123456789012:job-queue/metaflow
  ECSJobRoleForBatchJobs:
    Value: arn:aws:iam::123456789012:role/metaflow-batch
  ServiceUrl:
    Value: https://abc123.execute-api.us-east-1.amazonaws.com/api/
  InternalServiceUrl:
    Value: http://metaflow-nlb.internal:8080
  StepFunctionsRoleArn:
    Value: arn:aws:iam::123456789012:role/metaflow-sfn
  EventBridgeRoleArn:
    Value: arn:aws:iam::123456789012:role/metaflow-events
  DDBTableName:
    Value: metaflow-step-functions
  ApiKeyId:
    Value: {api_key_id}
  MetaflowUserRoleArn:
    Value: !GetAtt MetaflowUserRole.Arn
  LoadBalancerUIDNSName:
    Value: metaflow-ui-1234567890.us-east-1.elb.amazonaws.com
"#,
        params.concat()
    )
}

pub(crate) fn api_key(moto: &Moto) -> String {
    block_on(async {
        let out = moto
            .apigateway()
            .create_api_key()
            .name("metaflow")
            .value(KEY_VALUE)
            .enabled(true)
            .send()
            .await
            .expect("api key");
        out.id().expect("id").to_string()
    })
}

fn stack_parameter(moto: &Moto, key: &str) -> Option<String> {
    crate::util::stack_parameters(&moto.sdk_config(), "metaflow").and_then(|p| p.get(key).cloned())
}

fn setup(moto: &Moto, drop_parameter: Option<&str>) -> Workspace {
    let id = api_key(moto);
    let ws = workspace(Some(moto));
    ws.copy_example("examples/metaflow");
    ws.write("metaflow-cfn-template.yml", &template(&id, drop_parameter));
    ws
}

#[test]
fn the_stack_becomes_a_metaflow_configuration() {
    let moto = start_moto();
    let ws = setup(&moto, None);
    let config_path = ws.path("home/.metaflowconfig/config.json");
    let vars = [format!("-var=config_path={}", config_path.display())];
    let args = |base: &[&'static str]| -> Vec<String> {
        base.iter().map(|s| s.to_string()).chain(vars.iter().cloned()).collect()
    };
    let run = |a: Vec<String>, code: i32| {
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        ws.run(&refs).expect_code(code)
    };
    let plan = run(args(&["plan"]), 0);
    assert!(
        plan.stdout
            .contains("module.metaflow.local_sensitive_file.config[0] will be created"),
        "{}",
        plan.stdout
    );
    run(args(&["apply", "-auto-approve"]), 0);

    let text = std::fs::read_to_string(&config_path).expect("config written");
    let config: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(config["METAFLOW_SERVICE_AUTH_KEY"], KEY_VALUE);
    assert_eq!(
        config["METAFLOW_DATASTORE_SYSROOT_S3"],
        "s3://metaflow-datastore-standin/metaflow"
    );
    assert_eq!(
        config["METAFLOW_SERVICE_URL"],
        "https://abc123.execute-api.us-east-1.amazonaws.com/api/"
    );
    assert_eq!(config["METAFLOW_SFN_DYNAMO_DB_TABLE"], "metaflow-step-functions");
    assert_eq!(config["METAFLOW_DEFAULT_METADATA"], "service");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&config_path).expect("stat").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "the configuration holds the API key");
    }
    assert_eq!(stack_parameter(&moto, "APIBasicAuth").as_deref(), Some("true"));
    assert_eq!(stack_parameter(&moto, "CustomRole").as_deref(), Some("true"));
    assert_eq!(stack_parameter(&moto, "EnableUI").as_deref(), Some("false"));
    let role = ws.run(&["output", "-raw", "custom_role_arn"]).expect_code(0).stdout;
    assert!(role.ends_with(":role/MetaflowUserRole-standin"), "{role}");
    // The key is sensitive everywhere it is shown unasked.
    let shown = run(args(&["plan"]), 0);
    assert!(!shown.stdout.contains(KEY_VALUE), "{}", shown.stdout);
    let all = ws.run(&["output"]).expect_code(0);
    assert!(!all.stdout.contains(KEY_VALUE), "{}", all.stdout);
    run(args(&["plan", "-detailed-exitcode"]), 0);

    // The file edited on disk is written again.
    std::fs::write(&config_path, "{}").expect("edit");
    let drift = run(args(&["plan", "-detailed-exitcode"]), 2);
    assert!(
        drift.stdout.contains("local_sensitive_file.config[0] will be created"),
        "{}",
        drift.stdout
    );
    run(args(&["apply", "-auto-approve"]), 0);
    assert!(std::fs::read_to_string(&config_path)
        .expect("config")
        .contains(KEY_VALUE));

    run(args(&["destroy", "-auto-approve"]), 0);
    assert!(!config_path.exists(), "destroy removes the file");
    assert_eq!(stack_parameter(&moto, "APIBasicAuth"), None, "the stack is gone");
}

#[test]
fn with_the_ui_its_certificate_and_alias_record_are_made_in_route53() {
    let moto = start_moto();
    let zone = block_on(async {
        let out = moto
            .route53()
            .create_hosted_zone()
            .name("example.com")
            .caller_reference("metaflow-ui")
            .send()
            .await
            .expect("zone");
        out.hosted_zone().map(|z| z.id().to_string()).expect("zone id")
    });
    let ws = setup(&moto, None);
    let vars = ["-var=enable_ui=true", "-var=ui_domain_name=metaflow.example.com"];
    let run = |base: &[&str], code: i32| {
        let a: Vec<&str> = base.iter().copied().chain(vars).collect();
        ws.run(&a).expect_code(code)
    };
    run(&["apply", "-auto-approve"], 0);
    assert_eq!(stack_parameter(&moto, "EnableUI").as_deref(), Some("true"));
    assert_eq!(
        stack_parameter(&moto, "PublicDomainName").as_deref(),
        Some("metaflow.example.com")
    );
    let cert = stack_parameter(&moto, "CertificateArn").expect("certificate parameter");
    assert!(cert.starts_with("arn:aws:acm:us-east-1:"), "{cert}");
    let alias = block_on(async {
        let out = moto
            .route53()
            .list_resource_record_sets()
            .hosted_zone_id(&zone)
            .send()
            .await
            .expect("records");
        out.resource_record_sets()
            .iter()
            .find(|r| r.name() == "metaflow.example.com." && r.r#type().as_str() == "A")
            .and_then(|r| r.alias_target().cloned())
    })
    .expect("an alias A record");
    assert_eq!(
        alias.dns_name().trim_end_matches('.'),
        "metaflow-ui-1234567890.us-east-1.elb.amazonaws.com"
    );
    assert_eq!(
        alias.hosted_zone_id(),
        "Z35SXDOTRQ7X7K",
        "the us-east-1 load balancer zone"
    );
    run(&["plan", "-detailed-exitcode"], 0);
    let steps = ws.run(&["output", "-json", "manual_steps"]).expect_code(0).stdout;
    assert!(steps.contains("Cognito"), "{steps}");
    run(&["destroy", "-auto-approve"], 0);
}

#[test]
fn a_template_without_a_parameter_the_module_passes_fails_the_plan() {
    let moto = start_moto();
    let ws = setup(&moto, Some("CustomRole"));
    let plan = ws.run(&["plan"]).expect_code(1);
    assert!(plan.stderr.contains("CustomRole"), "{}", plan.stderr);
    assert!(
        plan.stderr.contains("../../modules/metaflow/main.tf"),
        "{}",
        plan.stderr
    );
}

#[test]
fn with_dns_elsewhere_the_ui_certificate_is_requested_and_its_records_are_named_and_the_stack_is_tagged() {
    let moto = start_moto();
    let ws = setup(&moto, None);
    let vars = [
        "-var=enable_ui=true",
        "-var=ui_domain_name=metaflow.example.org",
        "-var=ui_dns=manual",
        "-var=tags={team = \"ml\", cost-center = \"42\"}",
    ];
    let run = |base: &[&str], code: i32| {
        let a: Vec<&str> = base.iter().copied().chain(vars).collect();
        ws.run(&a).expect_code(code)
    };
    run(&["apply", "-auto-approve"], 0);
    let cert = stack_parameter(&moto, "CertificateArn").expect("certificate parameter");
    assert!(cert.starts_with("arn:aws:acm:us-east-1:"), "{cert}");
    let records = ws
        .run(&["output", "-json", "ui_certificate_validation_records"])
        .expect_code(0)
        .stdout;
    let records: Vec<String> = serde_json::from_str(&records).expect("a list of records");
    assert_eq!(records.len(), 1, "{records:?}");
    assert!(
        records[0].contains("metaflow.example.org") && records[0].contains(" CNAME "),
        "{records:?}"
    );
    let cname = ws.run(&["output", "-raw", "ui_dns_record"]).expect_code(0).stdout;
    assert!(
        cname.starts_with("metaflow.example.org. 300 IN CNAME metaflow-ui-"),
        "{cname}"
    );
    let steps = ws.run(&["output", "-json", "manual_steps"]).expect_code(0).stdout;
    assert!(steps.contains("ui_certificate_validation_records"), "{steps}");
    let tags = block_on(async {
        aws_sdk_cloudformation::Client::new(&moto.sdk_config())
            .describe_stacks()
            .stack_name("metaflow")
            .send()
            .await
            .expect("stack")
            .stacks()
            .first()
            .map(|s| {
                let mut t: Vec<(String, String)> = s
                    .tags()
                    .iter()
                    .map(|t| {
                        (
                            t.key().unwrap_or_default().to_string(),
                            t.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                t.sort();
                t
            })
            .unwrap_or_default()
    });
    assert_eq!(
        tags,
        [
            ("cost-center".to_string(), "42".to_string()),
            ("team".to_string(), "ml".to_string())
        ]
    );
    run(&["plan", "-detailed-exitcode"], 0);
    run(&["destroy", "-auto-approve"], 0);
}
