//! The S3 bucket family beside the bucket, policy, CORS, encryption, public access block and
//! versioning: ownership controls, ACL, logging, acceleration, website and lifecycle, through
//! the binary against the emulator (create, no-op re-plan, import, a change made outside,
//! update, destroy; every object read back through the SDK).

use crate::util::output;
use crate::util::{block_on, planned_changes, start_moto, status_in, workspace, Clients, Moto};

const FIRST: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "infinstor-family"
}

# The emulator delivers access logs as S3 does, so the logs bucket is not empty at the end.
resource "aws_s3_bucket" "logs" {
  bucket        = "infinstor-family-logs"
  force_destroy = true
}

resource "aws_s3_bucket_ownership_controls" "logs" {
  bucket = aws_s3_bucket.logs.id
  rule {
    object_ownership = "ObjectWriter"
  }
}

resource "aws_s3_bucket_acl" "logs" {
  depends_on = [aws_s3_bucket_ownership_controls.logs]
  bucket     = aws_s3_bucket.logs.id
  acl        = "log-delivery-write"
}

resource "aws_s3_bucket_logging" "b" {
  depends_on    = [aws_s3_bucket_acl.logs]
  bucket        = aws_s3_bucket.b.id
  target_bucket = aws_s3_bucket.logs.id
  target_prefix = "access/"
}

resource "aws_s3_bucket_accelerate_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  status = "Enabled"
}

resource "aws_s3_bucket_website_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  index_document {
    suffix = "index.html"
  }
  error_document {
    key = "error.html"
  }
  routing_rule {
    condition {
      key_prefix_equals = "docs/"
    }
    redirect {
      replace_key_prefix_with = "documents/"
    }
  }
  routing_rule {
    condition {
      http_error_code_returned_equals = "404"
    }
    redirect {
      host_name          = "example.com"
      http_redirect_code = "302"
      protocol           = "https"
    }
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  rule {
    id     = "logs"
    status = "Enabled"
    filter {
      prefix = "logs/"
    }
    expiration {
      days = 90
    }
    transition {
      days          = 30
      storage_class = "STANDARD_IA"
    }
  }
  rule {
    id     = "uploads"
    status = "Enabled"
    filter {}
    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
    noncurrent_version_expiration {
      noncurrent_days = 30
    }
  }
}

output "website_endpoint" {
  value = aws_s3_bucket_website_configuration.b.website_endpoint
}
"#;

fn second() -> String {
    FIRST
        .replace(
            "object_ownership = \"ObjectWriter\"",
            "object_ownership = \"BucketOwnerPreferred\"",
        )
        .replace("target_prefix = \"access/\"", "target_prefix = \"logs/access/\"")
        .replace("status = \"Enabled\"\n}", "status = \"Suspended\"\n}")
        .replace("suffix = \"index.html\"", "suffix = \"main.html\"")
        .replace("days = 90", "days = 365")
        .replace("\"documents/\"", "\"manuals/\"")
}

/// A bucket website's routing rules as (condition, redirect) in the API's words.
fn routing_rules(moto: &Moto, bucket: &str) -> Vec<(String, String)> {
    let website = block_on(async {
        moto.s3()
            .get_bucket_website()
            .bucket(bucket)
            .send()
            .await
            .expect("website")
    });
    website
        .routing_rules()
        .iter()
        .map(|r| {
            let c = r.condition();
            let d = r.redirect();
            (
                format!(
                    "{}{}",
                    c.and_then(|c| c.key_prefix_equals()).unwrap_or_default(),
                    c.and_then(|c| c.http_error_code_returned_equals()).unwrap_or_default()
                ),
                format!(
                    "{}{}{}{}",
                    d.and_then(|d| d.replace_key_prefix_with()).unwrap_or_default(),
                    d.and_then(|d| d.protocol())
                        .map(|p| format!("{}://", p.as_str()))
                        .unwrap_or_default(),
                    d.and_then(|d| d.host_name()).unwrap_or_default(),
                    d.and_then(|d| d.http_redirect_code())
                        .map(|c| format!(" {c}"))
                        .unwrap_or_default()
                ),
            )
        })
        .collect()
}

/// What the SDK reads of every configuration: (ownership, whether the ACL grants to log
/// delivery, logging prefix, acceleration, index suffix, lifecycle rules with their expiration
/// days).
fn remote(moto: &Moto) -> (String, bool, String, String, String, Vec<(String, Option<i32>)>) {
    let s3 = moto.s3();
    block_on(async {
        let ownership = s3
            .get_bucket_ownership_controls()
            .bucket("infinstor-family-logs")
            .send()
            .await
            .expect("ownership controls");
        let ownership = ownership
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_string())
            .unwrap_or_default();
        let acl = s3
            .get_bucket_acl()
            .bucket("infinstor-family-logs")
            .send()
            .await
            .expect("acl");
        let log_delivery = acl.grants().iter().any(|g| {
            g.grantee()
                .and_then(|g| g.uri())
                .is_some_and(|u| u.ends_with("/s3/LogDelivery"))
        });
        let logging = s3
            .get_bucket_logging()
            .bucket("infinstor-family")
            .send()
            .await
            .expect("logging");
        let prefix = logging
            .logging_enabled()
            .map(|l| l.target_prefix().to_string())
            .unwrap_or_default();
        // The emulator names the response's root element differently from S3, which the SDK
        // refuses to decode; the status is read from the body then.
        let accelerate = match s3
            .get_bucket_accelerate_configuration()
            .bucket("infinstor-family")
            .send()
            .await
        {
            Ok(out) => out.status().map(|s| s.as_str().to_string()).unwrap_or_default(),
            Err(e) => status_in(e.raw_response().and_then(|r| r.body().bytes())).unwrap_or_default(),
        };
        let website = s3
            .get_bucket_website()
            .bucket("infinstor-family")
            .send()
            .await
            .expect("website");
        let suffix = website
            .index_document()
            .map(|i| i.suffix().to_string())
            .unwrap_or_default();
        let lifecycle = s3
            .get_bucket_lifecycle_configuration()
            .bucket("infinstor-family")
            .send()
            .await
            .expect("lifecycle");
        let mut rules: Vec<(String, Option<i32>)> = lifecycle
            .rules()
            .iter()
            .map(|r| {
                (
                    r.id().unwrap_or_default().to_string(),
                    r.expiration().and_then(|e| e.days()),
                )
            })
            .collect();
        rules.sort();
        (ownership, log_delivery, prefix, accelerate, suffix, rules)
    })
}

#[test]
fn ownership_acl_logging_acceleration_website_and_lifecycle() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", FIRST);
    let apply = ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(apply.stdout.contains("8 added"), "{}", apply.stdout);
    assert_eq!(
        remote(&moto),
        (
            "ObjectWriter".to_string(),
            true,
            "access/".to_string(),
            "Enabled".to_string(),
            "index.html".to_string(),
            vec![("logs".to_string(), Some(90)), ("uploads".to_string(), None)],
        )
    );
    assert_eq!(
        output(&ws, "website_endpoint"),
        "infinstor-family.s3-website-us-east-1.amazonaws.com"
    );
    let rule = |c: &str, r: &str| (c.to_string(), r.to_string());
    assert_eq!(
        routing_rules(&moto, "infinstor-family"),
        vec![rule("docs/", "documents/"), rule("404", "https://example.com 302")]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Each configuration imports by its bucket name and plans no change afterwards.
    for (address, id) in [
        ("aws_s3_bucket_ownership_controls.logs", "infinstor-family-logs"),
        ("aws_s3_bucket_acl.logs", "infinstor-family-logs"),
        ("aws_s3_bucket_logging.b", "infinstor-family"),
        ("aws_s3_bucket_accelerate_configuration.b", "infinstor-family"),
        ("aws_s3_bucket_website_configuration.b", "infinstor-family"),
        ("aws_s3_bucket_lifecycle_configuration.b", "infinstor-family"),
    ] {
        ws.run(&["state", "rm", address]).expect_code(0);
        ws.run(&["import", address, id]).expect_code(0);
    }
    let after_import = ws.run(&["plan", "-detailed-exitcode"]);
    assert_eq!(after_import.code, 0, "{}{}", after_import.stdout, after_import.stderr);

    // A lifecycle configuration deleted outside is planned again.
    block_on(async {
        moto.s3()
            .delete_bucket_lifecycle()
            .bucket("infinstor-family")
            .send()
            .await
            .expect("delete lifecycle")
    });
    let drift = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        drift
            .stdout
            .contains("aws_s3_bucket_lifecycle_configuration.b will be created"),
        "{}",
        drift.stdout
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);

    ws.write("main.tf", &second());
    planned_changes(&ws, "Plan: 0 to add, 5 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        remote(&moto),
        (
            "BucketOwnerPreferred".to_string(),
            true,
            "logs/access/".to_string(),
            "Suspended".to_string(),
            "main.html".to_string(),
            vec![("logs".to_string(), Some(365)), ("uploads".to_string(), None)],
        )
    );
    assert_eq!(
        routing_rules(&moto, "infinstor-family"),
        vec![rule("docs/", "manuals/"), rule("404", "https://example.com 302")]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let gone = block_on(async { moto.s3().head_bucket().bucket("infinstor-family").send().await });
    assert!(gone.is_err(), "the bucket is still there after destroy");
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const WEBSITE_JSON: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "infinstor-website-json"
}

resource "aws_s3_bucket_website_configuration" "b" {
  bucket = aws_s3_bucket.b.id
  index_document {
    suffix = "index.html"
  }
  routing_rules = jsonencode([
    {
      Condition = { KeyPrefixEquals = "docs/" }
      Redirect  = { ReplaceKeyPrefixWith = "documents/" }
    },
    {
      Condition = { HttpErrorCodeReturnedEquals = "404" }
      Redirect  = { HostName = "example.com", HttpRedirectCode = "302", Protocol = "https" }
    },
  ])
}
"#;

#[test]
fn website_routing_rules_in_their_json_form_are_applied_read_back_updated_and_removed() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", WEBSITE_JSON);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let rule = |c: &str, r: &str| (c.to_string(), r.to_string());
    assert_eq!(
        routing_rules(&moto, "infinstor-website-json"),
        vec![rule("docs/", "documents/"), rule("404", "https://example.com 302")]
    );
    // The JSON read back (keys in another order, codes as given) plans no change.
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let state = ws.state();
    let recorded = state["resources"]
        .as_array()
        .and_then(|r| r.iter().find(|r| r["type"] == "aws_s3_bucket_website_configuration"))
        .map(|r| r["instances"][0]["attributes"].clone())
        .expect("the website in state");
    assert_eq!(
        recorded["routing_rule"],
        serde_json::json!([]),
        "recorded as written: JSON, not blocks"
    );

    ws.write("main.tf", &WEBSITE_JSON.replace("\"documents/\"", "\"manuals/\""));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        routing_rules(&moto, "infinstor-website-json"),
        vec![rule("docs/", "manuals/"), rule("404", "https://example.com 302")]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A rule S3 does not know is an error at plan time, at its place.
    ws.write(
        "main.tf",
        &WEBSITE_JSON.replace(
            "ReplaceKeyPrefixWith = \"documents/\"",
            "ReplaceKeyPrefix = \"documents/\"",
        ),
    );
    let bad = ws.run(&["plan"]).expect_code(1);
    assert!(
        bad.stderr
            .contains("routing_rules[0].Redirect has \"ReplaceKeyPrefix\"")
            && bad.stderr.contains("on main.tf line 11"),
        "{}",
        bad.stderr
    );

    ws.write("main.tf", WEBSITE_JSON);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

/// The bucket's grants as (grantee, permission), sorted.
fn grants(moto: &Moto, bucket: &str) -> Vec<(String, String)> {
    let acl = block_on(async { moto.s3().get_bucket_acl().bucket(bucket).send().await.expect("acl") });
    let mut out: Vec<(String, String)> = acl
        .grants()
        .iter()
        .map(|g| {
            let who = g.grantee().and_then(|w| w.uri().or(w.id())).unwrap_or_default();
            let who = if who.starts_with("http") {
                who.to_string()
            } else {
                "owner".to_string()
            };
            (who, g.permission().map(|p| p.as_str().to_string()).unwrap_or_default())
        })
        .collect();
    out.sort();
    out
}

const GRANTS: &str = r#"
resource "aws_s3_bucket" "g" {
  bucket = "infinstor-grants"
}

resource "aws_s3_bucket_ownership_controls" "g" {
  bucket = aws_s3_bucket.g.id
  rule {
    object_ownership = "BucketOwnerPreferred"
  }
}

resource "aws_s3_bucket_acl" "g" {
  depends_on = [aws_s3_bucket_ownership_controls.g]
  bucket     = aws_s3_bucket.g.id
  access_control_policy {
    grant {
      grantee {
        type = "Group"
        uri  = "http://acs.amazonaws.com/groups/s3/LogDelivery"
      }
      permission = "WRITE"
    }
    grant {
      grantee {
        type = "CanonicalUser"
        id   = "OWNER"
      }
      permission = "FULL_CONTROL"
    }
    owner {
      id           = "OWNER"
      display_name = "platform"
    }
  }
}
"#;

#[test]
fn an_acl_written_as_grants_is_applied_replanned_clean_and_updated() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    // The owner's canonical ID as the bucket's ACL gives it: the emulator's differs from the
    // one its ListBuckets (and so aws_canonical_user_id) gives, where AWS has one ID.
    block_on(async {
        moto.s3()
            .create_bucket()
            .bucket("infinstor-owner-probe")
            .send()
            .await
            .expect("bucket");
    });
    let owner = block_on(async {
        moto.s3()
            .get_bucket_acl()
            .bucket("infinstor-owner-probe")
            .send()
            .await
            .expect("acl")
    })
    .owner()
    .and_then(|o| o.id())
    .expect("owner id")
    .to_string();
    let config = GRANTS.replace("OWNER", &owner);
    ws.write("main.tf", &config);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let log_delivery = "http://acs.amazonaws.com/groups/s3/LogDelivery".to_string();
    assert_eq!(
        grants(&moto, "infinstor-grants"),
        vec![
            (log_delivery.clone(), "WRITE".to_string()),
            ("owner".to_string(), "FULL_CONTROL".to_string())
        ]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.write(
        "main.tf",
        &config.replace("permission = \"WRITE\"", "permission = \"READ_ACP\""),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        grants(&moto, "infinstor-grants"),
        vec![
            (log_delivery, "READ_ACP".to_string()),
            ("owner".to_string(), "FULL_CONTROL".to_string())
        ]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Both forms at once is a mistake at its place.
    ws.write(
        "main.tf",
        &config.replace(
            "bucket     = aws_s3_bucket.g.id\n  access",
            "bucket     = aws_s3_bucket.g.id\n  acl        = \"private\"\n  access",
        ),
    );
    let wrong = ws.run(&["plan"]).expect_code(1);
    assert!(
        wrong
            .stderr
            .contains("acl and access_control_policy cannot be used together"),
        "{}",
        wrong.stderr
    );

    ws.write("main.tf", &config);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

#[test]
fn what_terraform_has_but_infinstor_does_not_yet_is_an_error_at_its_place() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "aws_dynamodb_table" "t" {
  name         = "t"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {
    name = "id"
    type = "S"
  }
  attribute {
    name = "day"
    type = "S"
  }
  global_secondary_index {
    name            = "by_day"
    hash_key        = "day"
    projection_type = "ALL"
    warm_throughput {
      read_units_per_second  = 12000
      write_units_per_second = 4000
    }
  }
}
"#,
    );
    let out = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(out.stderr);
}

#[test]
fn canonical_user_id_service_principal_and_availability_zones() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
data "aws_canonical_user_id" "me" {}

data "aws_service_principal" "s3" {
  service_name = "s3"
}

data "aws_availability_zones" "all" {
  state = "available"
}

data "aws_availability_zones" "but_first" {
  exclude_names = [data.aws_availability_zones.all.names[0]]
}

output "canonical" {
  value = data.aws_canonical_user_id.me.id
}

output "principal" {
  value = data.aws_service_principal.s3.name
}

output "zones" {
  value = join(",", data.aws_availability_zones.all.names)
}

output "but_first" {
  value = join(",", data.aws_availability_zones.but_first.names)
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let (owner, mut zones) = block_on(async {
        let owner = moto.s3().list_buckets().send().await.expect("list buckets");
        let zones = moto.ec2().describe_availability_zones().send().await.expect("zones");
        (
            owner.owner().and_then(|o| o.id()).unwrap_or_default().to_string(),
            zones
                .availability_zones()
                .iter()
                .filter_map(|z| z.zone_name().map(str::to_string))
                .collect::<Vec<_>>(),
        )
    });
    zones.sort();
    assert!(!owner.is_empty() && zones.len() > 1, "{owner:?} {zones:?}");
    assert_eq!(output(&ws, "canonical"), owner);
    assert_eq!(output(&ws, "principal"), "s3.amazonaws.com");
    assert_eq!(output(&ws, "zones"), zones.join(","));
    assert_eq!(output(&ws, "but_first"), zones[1..].join(","));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
}

#[test]
fn bucket_types_not_supported_yet_are_said_at_their_place() {
    let ws = crate::util::workspace(None);
    ws.write(
        "main.tf",
        r#"
resource "aws_s3_bucket" "b" {
  bucket = "not-yet"
}

data "tls_certificate" "c" {
  url = "https://example.com"
}

resource "aws_s3_bukcet_policy" "typo" {
  bucket = aws_s3_bucket.b.id
}
"#,
    );
    let out = ws.run(&["validate"]).expect_code(1);
    insta::assert_snapshot!(out.stderr);
}
