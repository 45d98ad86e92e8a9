//! The AWS provider's recorded forms of the types Terraform cannot round-trip through the
//! emulator, read by infinstor (refreshed where the emulator keeps the object), and infinstor's
//! forms of them read by Terraform (without refresh), so a state moves both ways for them too.

use crate::terraform_aws_state::{read_json, terraform_with_aws, Terraform};
use crate::util;
use serde_json::{json, Value as Json};
use std::path::PathBuf;

/// The types Terraform's provider cannot round-trip through the emulator (it keeps their
/// configurations only in part, cannot reach S3 Control, or the provider predates v6's
/// `region`): a bucket with accelerate, request payment, analytics, metric, intelligent tiering,
/// inventory, notification, logging and replication configurations, the account's public
/// access block, and an ACM certificate's validation; and SNS and SQS (a topic with a policy
/// and a subscription, queues with a policy and a redrive policy), as the provider recorded them.
fn forms_config(endpoint: &str, suffix: &str) -> String {
    let services = ["s3", "s3control", "sts", "iam", "acm", "route53", "sns", "sqs"]
        .map(|s| format!("    {s} = \"{endpoint}\"\n"))
        .concat();
    format!(
        r#"provider "aws" {{
  region                      = "us-east-1"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  s3_use_path_style           = true
  endpoints {{
{services}  }}
}}

resource "aws_s3_bucket" "b" {{
  bucket = "forms{suffix}"
}}

resource "aws_s3_bucket" "logs" {{
  bucket = "formlogs{suffix}"
}}

resource "aws_s3_bucket_policy" "logs" {{
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "logging.s3.amazonaws.com" }}, Action = "s3:PutObject", Resource = "${{aws_s3_bucket.logs.arn}}/*" }}] }})
}}

resource "aws_s3_bucket_accelerate_configuration" "a" {{
  bucket = aws_s3_bucket.b.id
  status = "Enabled"
}}

resource "aws_s3_bucket_request_payment_configuration" "rp" {{
  bucket = aws_s3_bucket.b.id
  payer  = "Requester"
}}

resource "aws_s3_bucket_analytics_configuration" "an" {{
  bucket = aws_s3_bucket.b.id
  name   = "all"
}}

resource "aws_s3_bucket_metric" "m" {{
  bucket = aws_s3_bucket.b.id
  name   = "all"
}}

resource "aws_s3_bucket_intelligent_tiering_configuration" "it" {{
  bucket = aws_s3_bucket.b.id
  name   = "all"
  tiering {{
    access_tier = "ARCHIVE_ACCESS"
    days        = 90
  }}
}}

resource "aws_s3_bucket_inventory" "inv" {{
  bucket                   = aws_s3_bucket.b.id
  name                     = "all"
  included_object_versions = "All"
  schedule {{
    frequency = "Daily"
  }}
  destination {{
    bucket {{
      format     = "CSV"
      bucket_arn = aws_s3_bucket.logs.arn
    }}
  }}
}}

resource "aws_s3_bucket_notification" "n" {{
  bucket      = aws_s3_bucket.b.id
  eventbridge = true
}}

resource "aws_s3_bucket_logging" "l" {{
  bucket        = aws_s3_bucket.b.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "log/"
  depends_on    = [aws_s3_bucket_policy.logs]
}}

resource "aws_s3_bucket" "replica" {{
  bucket = "repdst{suffix}"
}}

resource "aws_s3_bucket_versioning" "b" {{
  bucket = aws_s3_bucket.b.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_s3_bucket_versioning" "replica" {{
  bucket = aws_s3_bucket.replica.id
  versioning_configuration {{
    status = "Enabled"
  }}
}}

resource "aws_iam_role" "replication" {{
  name               = "rep{suffix}"
  assume_role_policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "s3.amazonaws.com" }}, Action = "sts:AssumeRole" }}] }})
}}

resource "aws_s3_bucket_replication_configuration" "r" {{
  bucket = aws_s3_bucket.b.id
  role   = aws_iam_role.replication.arn
  rule {{
    id     = "all"
    status = "Enabled"
    filter {{}}
    delete_marker_replication {{
      status = "Disabled"
    }}
    destination {{
      bucket        = aws_s3_bucket.replica.arn
      storage_class = "STANDARD"
    }}
  }}
  depends_on = [aws_s3_bucket_versioning.b, aws_s3_bucket_versioning.replica]
}}

resource "aws_sns_topic" "events" {{
  name         = "events{suffix}"
  display_name = "Events"
  tags         = {{ team = "data" }}
}}

resource "aws_sns_topic_policy" "events" {{
  arn    = aws_sns_topic.events.arn
  policy = jsonencode({{ Version = "2012-10-17", Statement = [{{ Sid = "publish", Effect = "Allow", Principal = {{ AWS = "arn:aws:iam::123456789012:root" }}, Action = "SNS:Publish", Resource = aws_sns_topic.events.arn }}] }})
}}

resource "aws_sqs_queue" "dead" {{
  name = "dead{suffix}"
}}

resource "aws_sqs_queue" "work" {{
  name                       = "work{suffix}"
  visibility_timeout_seconds = 60
}}

resource "aws_sqs_queue_redrive_policy" "work" {{
  queue_url      = aws_sqs_queue.work.id
  redrive_policy = jsonencode({{ deadLetterTargetArn = aws_sqs_queue.dead.arn, maxReceiveCount = 4 }})
}}

resource "aws_sqs_queue" "inbox" {{
  name = "inbox{suffix}"
}}

resource "aws_sqs_queue_policy" "inbox" {{
  queue_url = aws_sqs_queue.inbox.id
  policy    = jsonencode({{ Version = "2012-10-17", Statement = [{{ Effect = "Allow", Principal = {{ Service = "sns.amazonaws.com" }}, Action = "sqs:SendMessage", Resource = aws_sqs_queue.inbox.arn }}] }})
}}

resource "aws_sns_topic_subscription" "inbox" {{
  topic_arn            = aws_sns_topic.events.arn
  protocol             = "sqs"
  endpoint             = aws_sqs_queue.inbox.arn
  raw_message_delivery = true
}}

resource "aws_s3_account_public_access_block" "acct" {{
  account_id        = "123456789012"
  block_public_acls = true
}}

resource "aws_route53_zone" "z" {{
  name = "forms{suffix}.example.com"
}}

resource "aws_acm_certificate" "c" {{
  domain_name       = "cert.forms{suffix}.example.com"
  validation_method = "DNS"
}}

resource "aws_route53_record" "validation" {{
  for_each = {{ for o in aws_acm_certificate.c.domain_validation_options : o.domain_name => o }}
  zone_id  = aws_route53_zone.z.zone_id
  name     = each.value.resource_record_name
  type     = each.value.resource_record_type
  ttl      = 60
  records  = [each.value.resource_record_value]
}}

resource "aws_acm_certificate_validation" "c" {{
  certificate_arn         = aws_acm_certificate.c.arn
  validation_record_fqdns = [for r in aws_route53_record.validation : r.fqdn]
}}
"#
    )
}

/// The provider's forms of [`forms_config`]'s types. Terraform 1.11.4 with provider 5.100.0
/// made the S3 configurations against the emulator (the replication with a source bucket of
/// another name); where the emulator lost a value on reading
/// (intelligent tiering's name, status and tiering, notification's `eventbridge`, the payer)
/// the value is the configured one in the provider's form, and each carries v6's `region`.
/// The account's public access block and the validation (whose ID is the time the certificate
/// was issued) are written from the provider's schema. The SNS topic, policy and subscription
/// and the SQS queues and policies are as the provider recorded them against the emulator.
fn forms_fixture() -> PathBuf {
    test_support::repo_root().join("tests/data/terraform_state/aws_forms.tfstate")
}

/// What `forms_config` addresses, and the name of each object.
const FORMS: [&str; 19] = [
    "aws_s3_bucket_accelerate_configuration.a",
    "aws_s3_bucket_analytics_configuration.an",
    "aws_s3_bucket_intelligent_tiering_configuration.it",
    "aws_s3_bucket_inventory.inv",
    "aws_s3_bucket_logging.l",
    "aws_s3_bucket_metric.m",
    "aws_s3_bucket_notification.n",
    "aws_s3_bucket_request_payment_configuration.rp",
    "aws_s3_account_public_access_block.acct",
    "aws_acm_certificate_validation.c",
    "aws_s3_bucket_replication_configuration.r",
    "aws_sns_topic.events",
    "aws_sns_topic_policy.events",
    "aws_sqs_queue.dead",
    "aws_sqs_queue.work",
    "aws_sqs_queue_redrive_policy.work",
    "aws_sqs_queue.inbox",
    "aws_sqs_queue_policy.inbox",
    "aws_sns_topic_subscription.inbox",
];

/// The identifiers the recording holds that each run makes anew: (recorded type, attribute;
/// infinstor's type, attribute).
const MADE_ANEW: [(&str, &str, &str, &str); 2] = [
    (
        "aws_acm_certificate_validation",
        "certificate_arn",
        "aws_acm_certificate",
        "arn",
    ),
    ("aws_sns_topic_subscription", "arn", "aws_sns_topic_subscription", "arn"),
];

/// infinstor's state with the objects of `recorded` in the provider's form: the identifiers
/// made anew, the emulator's address and the names are this run's.
fn with_providers_forms(recorded: &Json, ours: &Json, suffix: &str, endpoint: &str) -> Json {
    let find = |state: &Json, ty: &str, attribute: &str| -> String {
        state["resources"]
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r["type"] == ty)
            .and_then(|r| r["instances"][0]["attributes"][attribute].as_str())
            .unwrap_or_else(|| panic!("no {ty}.{attribute}"))
            .to_string()
    };
    let mut text = recorded["resources"].to_string();
    for (theirs, their_attribute, ours_type, our_attribute) in MADE_ANEW {
        text = text.replace(
            &find(recorded, theirs, their_attribute),
            &find(ours, ours_type, our_attribute),
        );
    }
    let text = text.replace("http://127.0.0.1:5123", endpoint).replace("-tf", suffix);
    let theirs: Vec<Json> = serde_json::from_str(&text).expect("json");
    let mut out = ours.clone();
    for r in out["resources"].as_array_mut().into_iter().flatten() {
        if let Some(t) = theirs.iter().find(|t| t["type"] == r["type"] && t["name"] == r["name"]) {
            *r = t.clone();
        }
    }
    out
}

#[test]
fn the_providers_forms_of_types_the_emulator_keeps_in_part_plan_clean() {
    let moto = util::start_moto();
    let ws = util::workspace(Some(&moto));
    let dir = ws.cwd();
    ws.write("main.tf", &forms_config(&moto.endpoint, "-fx"));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let ours = ws.state();

    // Terraform reads infinstor's forms of these types as its provider means them.
    if let Some((program, mirror)) = terraform_with_aws() {
        let other = util::workspace(Some(&moto));
        let tf = Terraform::new(program, &mirror, other.dir.path());
        other.write("main.tf", &forms_config(&moto.endpoint, "-fx"));
        std::fs::write(other.path("terraform.tfstate"), ours.to_string()).expect("state");
        tf.ok(&other.cwd(), &["init"]);
        tf.ok(&other.cwd(), &["plan", "-refresh=false", "-out=p"]);
        let (code, json) = tf.run(&other.cwd(), &["show", "-json", "p"]);
        assert_eq!(code, 0, "{json}");
        let plan: Json =
            serde_json::from_str(json.lines().find(|l| l.starts_with('{')).unwrap_or_default()).expect("plan JSON");
        for change in plan["resource_changes"].as_array().into_iter().flatten() {
            if FORMS.contains(&change["address"].as_str().unwrap_or_default()) {
                assert_eq!(
                    change["change"]["actions"],
                    json!(["no-op"]),
                    "Terraform on infinstor's {}",
                    change["address"]
                );
            }
        }
    }

    // infinstor on the provider's forms.
    let theirs = with_providers_forms(&read_json(&forms_fixture()), &ours, "-fx", &moto.endpoint);
    std::fs::remove_file(ws.path("infinstor.state.json")).expect("remove");
    std::fs::write(dir.join("terraform.tfstate"), theirs.to_string()).expect("state");
    let plan = ws.run(&["plan", "-refresh=false", "-detailed-exitcode"]);
    assert_eq!(
        plan.code, 0,
        "infinstor on the provider's forms:\n{}\n{}",
        plan.stdout, plan.stderr
    );

    // Refreshed where the emulator keeps the object; the emulator answers a bucket listing to
    // the others' reads (their reading is tested against S3's documented answers, in
    // providers/src/s3/replayed.rs).
    let kept = [4, 0, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18].map(|i| format!("-target={}", FORMS[i]));
    let mut args = vec!["plan", "-detailed-exitcode"];
    args.extend(kept.iter().map(String::as_str));
    let plan = ws.run(&args);
    assert_eq!(plan.code, 0, "refreshed:\n{}\n{}", plan.stdout, plan.stderr);

    // An apply keeps what the provider recorded: the validation's ID stays the issue time.
    ws.run(&["apply", "-refresh=false", "-auto-approve"]).expect_code(0);
    let state = read_json(&dir.join("terraform.tfstate"));
    let validation = state["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["type"] == "aws_acm_certificate_validation")
        .expect("validation");
    assert_eq!(
        validation["instances"][0]["attributes"]["id"],
        json!("2026-12-07 03:45:00 +0000 UTC")
    );
    assert_eq!(validation["instances"][0]["attributes"]["timeouts"], Json::Null);
}
