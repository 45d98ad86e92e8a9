//! S3 delivery and account settings through the binary against the emulator: event
//! notifications, replication, log delivery grants, the account's public access block, and
//! the configurations the emulator does not keep (planned and checked).

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Clients, Moto};

const NOTIFIED: &str = r#"
resource "aws_s3_bucket" "uploads" {
  bucket = "infinstor-uploads"
}

# The emulator (moto 5) leaves filter rules and EventBridge out of what it reports, so this
# configuration, which must re-plan with no changes, uses neither.
resource "aws_s3_bucket_notification" "uploads" {
  bucket = aws_s3_bucket.uploads.id
  queue {
    id        = "uploads"
    queue_arn = "arn:aws:sqs:us-east-1:123456789012:infinstor-uploads"
    events    = ["s3:ObjectCreated:*"]
  }
  topic {
    id        = "removals"
    topic_arn = "arn:aws:sns:us-east-1:123456789012:infinstor-removals"
    events    = ["s3:ObjectRemoved:Delete", "s3:ObjectRemoved:DeleteMarkerCreated"]
  }
}
"#;

/// The uploads bucket's (queue ARNs with their events, topic ids).
fn notifications(moto: &Moto) -> (Vec<(String, Vec<String>)>, Vec<String>) {
    block_on(async {
        let out = moto
            .s3()
            .get_bucket_notification_configuration()
            .bucket("infinstor-uploads")
            .send()
            .await
            .expect("notification");
        let queues = out
            .queue_configurations()
            .iter()
            .map(|q| {
                let mut events: Vec<String> = q.events().iter().map(|e| e.as_str().to_string()).collect();
                events.sort();
                (q.queue_arn().to_string(), events)
            })
            .collect();
        let topics = out
            .topic_configurations()
            .iter()
            .map(|t| t.id().unwrap_or_default().to_string())
            .collect();
        (queues, topics)
    })
}

#[test]
fn bucket_notifications_to_queues_and_topics() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", NOTIFIED);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let queue = "arn:aws:sqs:us-east-1:123456789012:infinstor-uploads".to_string();
    assert_eq!(
        notifications(&moto),
        (
            vec![(queue.clone(), vec!["s3:ObjectCreated:*".to_string()])],
            vec!["removals".to_string()]
        )
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_s3_bucket_notification.uploads", "infinstor-uploads");

    // New events, and no name for the queue's destination (S3 makes one up, which is not
    // shown as a change).
    ws.write(
        "main.tf",
        &NOTIFIED
            .replace(
                "[\"s3:ObjectCreated:*\"]",
                "[\"s3:ObjectCreated:Put\", \"s3:ObjectCreated:Post\"]",
            )
            .replace("    id        = \"uploads\"\n", ""),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        notifications(&moto).0,
        vec![(
            queue,
            vec!["s3:ObjectCreated:Post".to_string(), "s3:ObjectCreated:Put".to_string()]
        )]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let gone = block_on(async { moto.s3().head_bucket().bucket("infinstor-uploads").send().await });
    assert!(gone.is_err(), "the bucket is still there after destroy");
}

const REPLICATED: &str = r#"
resource "aws_s3_bucket" "source" {
  bucket = "infinstor-artifacts-main"
}

resource "aws_s3_bucket" "replica" {
  bucket = "infinstor-artifacts-replica"
}

resource "aws_s3_bucket_versioning" "source" {
  bucket = aws_s3_bucket.source.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_versioning" "replica" {
  bucket = aws_s3_bucket.replica.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_iam_role" "replication" {
  name = "infinstor-replication"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "s3.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_s3_bucket_replication_configuration" "source" {
  depends_on = [aws_s3_bucket_versioning.source, aws_s3_bucket_versioning.replica]
  bucket     = aws_s3_bucket.source.id
  role       = aws_iam_role.replication.arn
  rule {
    id       = "artifacts"
    priority = 1
    status   = "Enabled"
    # The emulator (moto 5) reports every rule's filter as an empty prefix, whatever was put, so
    # this configuration, which must re-plan with no changes, filters nothing.
    filter {}
    delete_marker_replication {
      status = "Disabled"
    }
    destination {
      bucket        = aws_s3_bucket.replica.arn
      storage_class = "STANDARD_IA"
      account       = "123456789012"
      access_control_translation {
        owner = "Destination"
      }
      encryption_configuration {
        replica_kms_key_id = "arn:aws:kms:us-east-1:123456789012:key/replica"
      }
      replication_time {
        status = "Enabled"
        time {
          minutes = 15
        }
      }
      metrics {
        status = "Enabled"
        event_threshold {
          minutes = 15
        }
      }
    }
  }
}
"#;

/// The first rule's destination settings beside the bucket, in the API's words.
fn destination_settings(moto: &Moto) -> String {
    let out = block_on(async {
        moto.s3()
            .get_bucket_replication()
            .bucket("infinstor-artifacts-main")
            .send()
            .await
            .expect("replication")
    });
    let d = out
        .replication_configuration()
        .and_then(|c| c.rules().first())
        .and_then(|r| r.destination())
        .expect("a destination");
    format!(
        "account {} owner {} key {} time {} {} metrics {} {}",
        d.account().unwrap_or_default(),
        d.access_control_translation()
            .map(|t| t.owner().as_str())
            .unwrap_or_default(),
        d.encryption_configuration()
            .and_then(|e| e.replica_kms_key_id())
            .unwrap_or_default(),
        d.replication_time().map(|r| r.status().as_str()).unwrap_or_default(),
        d.replication_time()
            .and_then(|r| r.time())
            .and_then(|t| t.minutes())
            .unwrap_or_default(),
        d.metrics().map(|m| m.status().as_str()).unwrap_or_default(),
        d.metrics()
            .and_then(|m| m.event_threshold())
            .and_then(|t| t.minutes())
            .unwrap_or_default(),
    )
}

/// The source bucket's replication rules: (id, status, destination bucket).
fn replication_rules(moto: &Moto) -> Vec<(String, String, String)> {
    block_on(async {
        let out = moto
            .s3()
            .get_bucket_replication()
            .bucket("infinstor-artifacts-main")
            .send()
            .await
            .expect("replication");
        out.replication_configuration()
            .map(|c| c.rules())
            .unwrap_or_default()
            .iter()
            .map(|r| {
                (
                    r.id().unwrap_or_default().to_string(),
                    r.status().as_str().to_string(),
                    r.destination().map(|d| d.bucket().to_string()).unwrap_or_default(),
                )
            })
            .collect()
    })
}

#[test]
fn replication_to_another_bucket_with_a_role() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", REPLICATED);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let replica = "arn:aws:s3:::infinstor-artifacts-replica".to_string();
    assert_eq!(
        replication_rules(&moto),
        vec![("artifacts".into(), "Enabled".into(), replica.clone())]
    );
    assert_eq!(
        destination_settings(&moto),
        "account 123456789012 owner Destination key arn:aws:kms:us-east-1:123456789012:key/replica time Enabled 15 metrics Enabled 15"
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(
        &ws,
        "aws_s3_bucket_replication_configuration.source",
        "infinstor-artifacts-main",
    );

    ws.write(
        "main.tf",
        &REPLICATED.replace("status   = \"Enabled\"", "status   = \"Disabled\""),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        replication_rules(&moto),
        vec![("artifacts".into(), "Disabled".into(), replica)]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

/// The emulator accepts request payment, metrics, Intelligent-Tiering, analytics and inventory
/// configurations but does not keep them (the provider's replay tests cover the API); through the binary, they
/// are planned and checked.
#[test]
fn configurations_the_emulator_does_not_keep_are_planned_and_checked() {
    let ws = crate::util::workspace(None);
    let good = r#"
resource "aws_s3_bucket_request_payment_configuration" "b" {
  bucket = "tdp-datalake"
  payer  = "Requester"
}

resource "aws_s3_bucket_metric" "documents" {
  bucket = "tdp-datalake"
  name   = "documents"
  filter {
    prefix = "documents/"
    tags   = { priority = "high" }
  }
}

resource "aws_s3_bucket_intelligent_tiering_configuration" "archive" {
  bucket = "tdp-datalake"
  name   = "archive"
  tiering {
    access_tier = "DEEP_ARCHIVE_ACCESS"
    days        = 180
  }
}

resource "aws_s3_bucket_analytics_configuration" "documents" {
  bucket = "tdp-datalake"
  name   = "documents"
  storage_class_analysis {
    data_export {
      destination {
        s3_bucket_destination {
          bucket_arn = "arn:aws:s3:::tdp-analytics"
        }
      }
    }
  }
}

resource "aws_s3_bucket_inventory" "weekly" {
  bucket                   = "tdp-datalake"
  name                     = "weekly"
  included_object_versions = "Current"
  schedule {
    frequency = "Weekly"
  }
  destination {
    bucket {
      format     = "Parquet"
      bucket_arn = "arn:aws:s3:::tdp-inventory"
    }
  }
}
"#;
    ws.write("main.tf", good);
    let plan = ws.run(&["plan"]).expect_code(0);
    for part in [
        "+ payer  = \"Requester\"",
        "+ id     = \"tdp-datalake:documents\"",
        "+ prefix = \"documents/\"",
        "+ status = \"Enabled\"",
        "+ access_tier = \"DEEP_ARCHIVE_ACCESS\"",
        "+ format     = \"CSV\"",
        "+ output_schema_version = \"V_1\"",
        "+ enabled                  = true",
        "Plan: 5 to add, 0 to change, 0 to destroy.",
    ] {
        assert!(plan.stdout.contains(part), "{part} in\n{}", plan.stdout);
    }
    ws.write(
        "main.tf",
        &good
            .replace("\"Requester\"", "\"Downloader\"")
            .replace("days        = 180", "days        = 90"),
    );
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(bad.stderr.contains("main.tf line 4"), "{}", bad.stderr);
    assert!(bad.stderr.contains("Requester"), "{}", bad.stderr);
    assert!(
        bad.stderr
            .contains("DEEP_ARCHIVE_ACCESS takes 180 to 730 whole days without access, not 90"),
        "{}",
        bad.stderr
    );
}

/// An S3 Control client for checks against the emulator: its endpoint used as given (the SDK
/// would put the account ID in front of the host, which 127.0.0.1 cannot take).
fn s3control(moto: &Moto) -> aws_sdk_s3control::Client {
    #[derive(Debug)]
    struct Given(String);
    impl aws_sdk_s3control::config::endpoint::ResolveEndpoint for Given {
        fn resolve_endpoint<'a>(
            &'a self,
            _params: &'a aws_sdk_s3control::config::endpoint::Params,
        ) -> aws_sdk_s3control::config::endpoint::EndpointFuture<'a> {
            aws_sdk_s3control::config::endpoint::EndpointFuture::ready(Ok(
                aws_sdk_s3control::config::endpoint::Endpoint::builder()
                    .url(self.0.clone())
                    .build(),
            ))
        }
    }
    let conf = aws_sdk_s3control::config::Builder::from(&moto.sdk_config())
        .endpoint_resolver(Given(moto.endpoint.clone()))
        .build();
    aws_sdk_s3control::Client::from_conf(conf)
}

/// The account's flags as S3 Control reports them; None when none are set.
fn account_block(moto: &Moto) -> Option<[bool; 4]> {
    block_on(async {
        let out = s3control(moto)
            .get_public_access_block()
            .account_id("123456789012")
            .send()
            .await
            .ok()?;
        let c = out.public_access_block_configuration()?;
        Some([
            c.block_public_acls().unwrap_or(false),
            c.block_public_policy().unwrap_or(false),
            c.ignore_public_acls().unwrap_or(false),
            c.restrict_public_buckets().unwrap_or(false),
        ])
    })
}

#[test]
fn the_account_public_access_block_is_set_imported_changed_outside_updated_and_removed() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |acls: bool| {
        format!(
            "resource \"aws_s3_account_public_access_block\" \"account\" {{\n  block_public_acls       = {acls}\n  block_public_policy     = true\n  restrict_public_buckets = true\n}}\n"
        )
    };
    ws.write("main.tf", &config(true));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(account_block(&moto), Some([true, true, false, true]));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_s3_account_public_access_block.account", "123456789012");

    // Changed outside: the next plan puts it back.
    block_on(async {
        s3control(&moto)
            .put_public_access_block()
            .account_id("123456789012")
            .public_access_block_configuration(
                aws_sdk_s3control::types::PublicAccessBlockConfiguration::builder()
                    .block_public_acls(true)
                    .build(),
            )
            .send()
            .await
            .expect("put outside")
    });
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout.contains("~ block_public_policy     = false -> true"),
        "{}",
        plan.stdout
    );

    ws.write("main.tf", &config(false));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(account_block(&moto), Some([false, true, false, true]));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(account_block(&moto), None);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

#[test]
fn log_delivery_grants_are_applied_read_back_imported_and_updated() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |permission: &str| {
        format!(
            r#"
resource "aws_s3_bucket" "b" {{
  bucket = "infinstor-grants"
}}

resource "aws_s3_bucket" "logs" {{
  bucket        = "infinstor-grants-logs"
  force_destroy = true
}}

resource "aws_s3_bucket_ownership_controls" "logs" {{
  bucket = aws_s3_bucket.logs.id
  rule {{
    object_ownership = "ObjectWriter"
  }}
}}

resource "aws_s3_bucket_acl" "logs" {{
  depends_on = [aws_s3_bucket_ownership_controls.logs]
  bucket     = aws_s3_bucket.logs.id
  acl        = "log-delivery-write"
}}

resource "aws_s3_bucket_logging" "b" {{
  depends_on    = [aws_s3_bucket_acl.logs]
  bucket        = aws_s3_bucket.b.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "access/"
  target_grant {{
    grantee {{
      type = "Group"
      uri  = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
    }}
    permission = "{permission}"
  }}
}}
"#
        )
    };
    let grants = || {
        block_on(async {
            let out = moto
                .s3()
                .get_bucket_logging()
                .bucket("infinstor-grants")
                .send()
                .await
                .expect("logging");
            out.logging_enabled()
                .map(|l| {
                    l.target_grants()
                        .iter()
                        .map(|g| {
                            (
                                g.grantee().and_then(|w| w.uri()).unwrap_or_default().to_string(),
                                g.permission().map(|p| p.as_str().to_string()).unwrap_or_default(),
                            )
                        })
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let group = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers".to_string();
    ws.write("main.tf", &config("READ"));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(grants(), vec![(group.clone(), "READ".to_string())]);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_s3_bucket_logging.b", "infinstor-grants");

    ws.write("main.tf", &config("FULL_CONTROL"));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(grants(), vec![(group, "FULL_CONTROL".to_string())]);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}
