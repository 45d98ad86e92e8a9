//! Every resource type through the binary: create, re-plan with no changes, update, re-plan,
//! destroy, with exit codes checked and the result read back through the SDK after each step.
//! (Types with a scenario of their own elsewhere — buckets, CORS, encryption, roles, policies,
//! KMS keys, certificates, Route 53, stacks — are exercised there.)

use crate::util::case::{run, Case, Phase};
use crate::util::{block_on, output, start_moto, status_in, workspace, Clients, Moto, Workspace};

const S3_FIRST: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "infinstor-lifecycle"
}

resource "aws_s3_bucket_policy" "p" {
  bucket = aws_s3_bucket.b.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "first", Effect = "Deny", Principal = "*", Action = "s3:DeleteBucket", Resource = aws_s3_bucket.b.arn }]
  })
}

resource "aws_s3_bucket_public_access_block" "pab" {
  bucket                  = aws_s3_bucket.b.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "v" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}
"#;

fn s3_second() -> String {
    S3_FIRST
        .replace("Sid = \"first\"", "Sid = \"second\"")
        .replace("block_public_acls       = true", "block_public_acls       = false")
        .replace("status = \"Enabled\"", "status = \"Suspended\"")
}

fn check_s3(moto: &Moto, _ws: &Workspace, phase: Phase) {
    let s3 = moto.s3();
    block_on(async {
        let exists = s3.head_bucket().bucket("infinstor-lifecycle").send().await.is_ok();
        assert_eq!(exists, phase != Phase::Destroyed, "{phase:?}");
        if phase == Phase::Destroyed {
            return;
        }
        let policy = s3
            .get_bucket_policy()
            .bucket("infinstor-lifecycle")
            .send()
            .await
            .expect("policy");
        let sid = if phase == Phase::Created { "first" } else { "second" };
        assert!(policy.policy().unwrap_or_default().contains(sid), "{policy:?}");
        let pab = s3
            .get_public_access_block()
            .bucket("infinstor-lifecycle")
            .send()
            .await
            .expect("pab");
        let blocks_acls = pab
            .public_access_block_configuration()
            .and_then(|c| c.block_public_acls());
        assert_eq!(blocks_acls, Some(phase == Phase::Created));
        // The emulator names the response's root element differently from S3, which the SDK
        // refuses to decode; the status is read from the body then.
        let status = match s3.get_bucket_versioning().bucket("infinstor-lifecycle").send().await {
            Ok(out) => out.status().map(|s| s.as_str().to_string()),
            Err(e) => status_in(e.raw_response().and_then(|r| r.body().bytes())),
        };
        let want = if phase == Phase::Created {
            "Enabled"
        } else {
            "Suspended"
        };
        assert_eq!(status.as_deref(), Some(want));
    });
}

const KMS_FIRST: &str = r#"
resource "aws_kms_key" "a" {
  description             = "key a"
  deletion_window_in_days = 7
}

resource "aws_kms_key" "b" {
  description             = "key b"
  deletion_window_in_days = 7
}

resource "aws_kms_alias" "current" {
  name          = "alias/infinstor-lifecycle"
  target_key_id = aws_kms_key.a.key_id
}

data "aws_caller_identity" "me" {}

resource "aws_kms_key_policy" "b" {
  key_id = aws_kms_key.b.key_id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "first", Effect = "Allow", Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.me.account_id}:root" }, Action = "kms:*", Resource = "*" }]
  })
}

output "a" {
  value = aws_kms_key.a.key_id
}

output "b" {
  value = aws_kms_key.b.key_id
}
"#;

fn kms_second() -> String {
    KMS_FIRST
        .replace(
            "target_key_id = aws_kms_key.a.key_id",
            "target_key_id = aws_kms_key.b.key_id",
        )
        .replace("Sid = \"first\"", "Sid = \"second\"")
}

fn check_kms(moto: &Moto, ws: &Workspace, phase: Phase) {
    let kms = moto.kms();
    block_on(async {
        let aliases = kms.list_aliases().send().await.expect("aliases");
        let target = aliases
            .aliases()
            .iter()
            .find(|a| a.alias_name() == Some("alias/infinstor-lifecycle"))
            .and_then(|a| a.target_key_id().map(str::to_string));
        if phase == Phase::Destroyed {
            assert_eq!(target, None);
            let keys = kms.list_keys().send().await.expect("keys");
            for k in keys.keys() {
                let meta = kms
                    .describe_key()
                    .key_id(k.key_id().unwrap_or_default())
                    .send()
                    .await
                    .expect("describe");
                let state = meta
                    .key_metadata()
                    .and_then(|m| m.key_state())
                    .map(|s| s.as_str().to_string());
                assert_eq!(state.as_deref(), Some("PendingDeletion"));
            }
            return;
        }
        let want = if phase == Phase::Created { "a" } else { "b" };
        assert_eq!(target, Some(output(ws, want)));
        let policy = kms
            .get_key_policy()
            .key_id(output(ws, "b"))
            .policy_name("default")
            .send()
            .await
            .expect("key policy");
        let sid = if phase == Phase::Created { "first" } else { "second" };
        assert!(policy.policy().unwrap_or_default().contains(sid), "{policy:?}");
    });
}

const ROLE_POLICY_FIRST: &str = r#"
resource "aws_iam_role" "r" {
  name = "infinstor-lifecycle"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy" "inline" {
  name = "read"
  role = aws_iam_role.r.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }]
  })
}

resource "aws_iam_service_linked_role" "beanstalk" {
  aws_service_name = "elasticbeanstalk.amazonaws.com"
  description      = "first"
}
"#;

fn role_policy_second() -> String {
    ROLE_POLICY_FIRST
        .replace("Action = \"s3:GetObject\"", "Action = \"s3:PutObject\"")
        .replace("description      = \"first\"", "description      = \"second\"")
}

fn check_role_policy(moto: &Moto, _ws: &Workspace, phase: Phase) {
    let iam = moto.iam();
    block_on(async {
        let inline = iam
            .get_role_policy()
            .role_name("infinstor-lifecycle")
            .policy_name("read")
            .send()
            .await;
        let linked = iam
            .list_roles()
            .path_prefix("/aws-service-role/")
            .send()
            .await
            .expect("roles");
        let linked: Vec<String> = linked
            .roles()
            .iter()
            .filter(|r| r.role_name().contains("ElasticBeanstalk"))
            .map(|r| r.description().unwrap_or_default().to_string())
            .collect();
        if phase == Phase::Destroyed {
            assert!(inline.is_err());
            assert!(iam.get_role().role_name("infinstor-lifecycle").send().await.is_err());
            assert!(linked.is_empty(), "{linked:?}");
            return;
        }
        let doc = inline.expect("inline policy").policy_document;
        // IAM returns policy documents URL-encoded.
        let doc = urlencoding::decode(&doc).expect("UTF-8 document").into_owned();
        let action = if phase == Phase::Created {
            "s3:GetObject"
        } else {
            "s3:PutObject"
        };
        assert!(doc.contains(action), "{doc}");
        let description = if phase == Phase::Created { "first" } else { "second" };
        assert_eq!(linked, vec![description.to_string()]);
    });
}

const DATA_FIRST: &str = r#"
resource "aws_ssm_parameter" "p" {
  name        = "/infinstor/lifecycle"
  type        = "String"
  value       = "first"
  description = "first"
}

resource "aws_dynamodb_table" "t" {
  name         = "infinstor-lifecycle"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  tags = {
    phase = "first"
  }
}

data "aws_partition" "current" {}

output "partition" {
  value = data.aws_partition.current.partition
}
"#;

fn data_second() -> String {
    DATA_FIRST
        .replace("value       = \"first\"", "value       = \"second\"")
        .replace("phase = \"first\"", "phase = \"second\"")
}

fn check_data(moto: &Moto, ws: &Workspace, phase: Phase) {
    let (ssm, dynamodb) = (moto.ssm(), moto.dynamodb());
    block_on(async {
        let param = ssm.get_parameter().name("/infinstor/lifecycle").send().await;
        let table = dynamodb.describe_table().table_name("infinstor-lifecycle").send().await;
        if phase == Phase::Destroyed {
            assert!(param.is_err());
            assert!(table.is_err());
            return;
        }
        let want = if phase == Phase::Created { "first" } else { "second" };
        let value = param.expect("parameter").parameter.and_then(|p| p.value);
        assert_eq!(value.as_deref(), Some(want));
        let arn = table
            .expect("table")
            .table
            .and_then(|t| t.table_arn)
            .expect("table ARN");
        let tags = dynamodb
            .list_tags_of_resource()
            .resource_arn(arn)
            .send()
            .await
            .expect("tags");
        // The emulator appends a re-tagged key instead of replacing it; the last one is current.
        let phase_tag = tags
            .tags()
            .iter()
            .rev()
            .find(|t| t.key() == "phase")
            .map(|t| t.value().to_string());
        assert_eq!(phase_tag.as_deref(), Some(want));
        assert_eq!(output(ws, "partition"), "aws");
    });
}

#[test]
fn s3_bucket_policy_public_access_block_and_versioning() {
    let second = s3_second();
    run(&Case {
        name: "s3",
        first: S3_FIRST,
        second: &second,
        update: "Plan: 0 to add, 3 to change, 0 to destroy.",
        check: check_s3,
    });
}

#[test]
fn kms_alias_and_key_policy() {
    let second = kms_second();
    run(&Case {
        name: "kms",
        first: KMS_FIRST,
        second: &second,
        update: "Plan: 0 to add, 2 to change, 0 to destroy.",
        check: check_kms,
    });
}

#[test]
fn iam_role_policy_and_service_linked_role() {
    let second = role_policy_second();
    run(&Case {
        name: "iam",
        first: ROLE_POLICY_FIRST,
        second: &second,
        update: "Plan: 0 to add, 2 to change, 0 to destroy.",
        check: check_role_policy,
    });
}

#[test]
fn ssm_parameter_dynamodb_table_and_partition() {
    let second = data_second();
    run(&Case {
        name: "ssm and dynamodb",
        first: DATA_FIRST,
        second: &second,
        update: "Plan: 0 to add, 2 to change, 0 to destroy.",
        check: check_data,
    });
}

const ACCOUNT_PREP_FIRST: &str = r#"
resource "aws_cloudwatch_log_resource_policy" "p" {
  policy_name = "es2cloudwatch"
  policy_document = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "first", Effect = "Allow", Principal = { Service = "es.amazonaws.com" }, Action = ["logs:PutLogEvents"], Resource = "*" }]
  })
}

resource "aws_key_pair" "k" {
  key_name   = "lifecycle-admin"
  public_key = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJxa9xtm+ciuV/Ipc8iZ1KdzOA21aoOn2f+OJCkem1KG first"
}

resource "aws_sesv2_email_identity" "s" {
  email_identity = "first@example.com"
}
"#;

fn check_account_prep(moto: &Moto, _ws: &Workspace, phase: Phase) {
    let conf = moto.sdk_config();
    block_on(async {
        let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
        let policies = logs.describe_resource_policies().send().await.expect("policies");
        let doc = policies
            .resource_policies()
            .iter()
            .find(|p| p.policy_name() == Some("es2cloudwatch"))
            .and_then(|p| p.policy_document().map(str::to_string));
        let keys = aws_sdk_ec2::Client::new(&conf)
            .describe_key_pairs()
            .send()
            .await
            .expect("keys");
        let names: Vec<&str> = keys.key_pairs().iter().filter_map(|k| k.key_name()).collect();
        let ses = aws_sdk_sesv2::Client::new(&conf);
        let first = ses
            .get_email_identity()
            .email_identity("first@example.com")
            .send()
            .await
            .is_ok();
        let second = ses
            .get_email_identity()
            .email_identity("second@example.com")
            .send()
            .await
            .is_ok();
        match phase {
            Phase::Created => {
                assert!(doc.as_deref().is_some_and(|d| d.contains("first")), "{doc:?}");
                assert_eq!(names, vec!["lifecycle-admin"]);
                assert!(first && !second);
            }
            Phase::Updated => {
                assert!(doc.as_deref().is_some_and(|d| d.contains("second")), "{doc:?}");
                assert_eq!(names, vec!["lifecycle-admin-2"]);
                assert!(!first && second, "the identity was replaced");
            }
            Phase::Destroyed => {
                assert_eq!(doc, None);
                assert!(names.is_empty(), "{names:?}");
                assert!(!first && !second);
            }
        }
    });
}

#[test]
fn log_resource_policy_key_pair_and_email_identity() {
    let second = ACCOUNT_PREP_FIRST
        .replace("Sid = \"first\"", "Sid = \"second\"")
        .replace("\"lifecycle-admin\"", "\"lifecycle-admin-2\"")
        .replace("first@example.com", "second@example.com");
    run(&Case {
        name: "account preparation",
        first: ACCOUNT_PREP_FIRST,
        second: &second,
        update: "Plan: 2 to add, 1 to change, 2 to destroy.",
        check: check_account_prep,
    });
}

#[test]
fn data_sources_read_existing_keys_aliases_parameters_and_certificates() {
    let moto = start_moto();
    let (key_arn, key_id, cert_arn) = block_on(async {
        let kms = moto.kms();
        let key = kms.create_key().description("existing").send().await.expect("key");
        let meta = key.key_metadata().expect("metadata").clone();
        kms.create_alias()
            .alias_name("alias/existing")
            .target_key_id(meta.key_id())
            .send()
            .await
            .expect("alias");
        moto.ssm()
            .put_parameter()
            .name("/existing/secret")
            .value("param-s3cret")
            .r#type(aws_sdk_ssm::types::ParameterType::SecureString)
            .send()
            .await
            .expect("parameter");
        let cert = moto
            .acm()
            .request_certificate()
            .domain_name("existing.example.com")
            .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
            .send()
            .await
            .expect("certificate");
        (
            meta.arn().unwrap_or_default().to_string(),
            meta.key_id().to_string(),
            cert.certificate_arn().unwrap_or_default().to_string(),
        )
    });
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
data "aws_kms_key" "k" {
  key_id = "alias/existing"
}

data "aws_kms_alias" "a" {
  name = "alias/existing"
}

data "aws_ssm_parameter" "p" {
  name = "/existing/secret"
}

data "aws_acm_certificate" "c" {
  domain   = "existing.example.com"
  statuses = ["PENDING_VALIDATION", "ISSUED"]
}

output "key_arn" {
  value = data.aws_kms_key.k.arn
}

output "alias_target" {
  value = data.aws_kms_alias.a.target_key_id
}

output "parameter" {
  value     = data.aws_ssm_parameter.p.value
  sensitive = true
}

output "parameter_type" {
  value = data.aws_ssm_parameter.p.type
}

output "certificate" {
  value = data.aws_acm_certificate.c.arn
}
"#,
    );
    let applied = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(!applied.stdout.contains("param-s3cret"), "{}", applied.stdout);
    assert_eq!(output(&ws, "key_arn"), key_arn);
    assert_eq!(output(&ws, "alias_target"), key_id);
    assert_eq!(output(&ws, "parameter"), "param-s3cret");
    assert_eq!(output(&ws, "parameter_type"), "SecureString");
    assert_eq!(output(&ws, "certificate"), cert_arn);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.write(
        "main.tf",
        "data \"aws_kms_alias\" \"a\" {\n  name = \"alias/missing\"\n}\n",
    );
    let missing = ws.run(&["plan"]).expect_code(1);
    assert!(
        missing.stderr.contains("no KMS alias \"alias/missing\""),
        "{}",
        missing.stderr
    );
}

/// An SES email identity's tags are set when it is created and changed in place, as in the
/// AWS provider (its other arguments replace it).
#[test]
fn an_email_identitys_tags_are_set_and_changed_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |team: &str| {
        format!(
            "resource \"aws_sesv2_email_identity\" \"s\" {{\n  email_identity = \"tagged@example.com\"\n  tags = {{\n    Team = \"{team}\"\n  }}\n}}\n"
        )
    };
    let tags = || {
        block_on(async {
            let client = aws_sdk_sesv2::Client::new(&moto.sdk_config());
            let arn = "arn:aws:ses:us-east-1:123456789012:identity/tagged@example.com";
            let listed = client
                .list_tags_for_resource()
                .resource_arn(arn)
                .send()
                .await
                .expect("tags");
            listed
                .tags()
                .iter()
                .map(|t| format!("{}={}", t.key(), t.value()))
                .collect::<Vec<_>>()
        })
    };
    crate::util::tags_change_in_place(&ws, config, tags);
}
