//! The S3 bucket family beside the bucket, policy, CORS, encryption, public access block and
//! versioning: ownership controls, ACL, logging, acceleration, website and lifecycle, through
//! the binary against the emulator (create, no-op re-plan, import, a change made outside,
//! update, destroy; every object read back through the SDK).

use crate::lifecycle::output;
use crate::util::{block_on, planned_changes, refused, reimport, start_moto, status_in, workspace, Clients, Moto};

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

const OBJECTS: &str = r#"
resource "aws_s3_bucket" "b" {
  bucket = "infinstor-objects"
}

resource "aws_s3_bucket_versioning" "b" {
  bucket = aws_s3_bucket.b.id
  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_object" "config" {
  depends_on   = [aws_s3_bucket_versioning.b]
  bucket       = aws_s3_bucket.b.id
  key          = "config/mlflow.json"
  content      = jsonencode({ tracking = "https://mlflow.example.com" })
  content_type = "application/json"
  metadata = {
    owner = "platform"
  }
  tags = {
    tier = "config"
  }
}

resource "aws_s3_object" "page" {
  depends_on = [aws_s3_bucket_versioning.b]
  bucket     = aws_s3_bucket.b.id
  key        = "site/index.html"
  source     = "files/index.html"
  etag       = filemd5("files/index.html")
  tags = {
    tier = "web"
  }
}

resource "aws_s3_object" "logo" {
  depends_on     = [aws_s3_bucket_versioning.b]
  bucket         = aws_s3_bucket.b.id
  key            = "site/logo.bin"
  content_base64 = base64encode("not really a logo")
}

output "config_version" {
  value = aws_s3_object.config.version_id
}

output "page_version" {
  value = aws_s3_object.page.version_id
}
"#;

/// An object's body, metadata owner and tags as the SDK reads them.
fn object(moto: &Moto, key: &str) -> (String, Option<String>, Vec<(String, String)>) {
    let s3 = moto.s3();
    block_on(async {
        let out = s3
            .get_object()
            .bucket("infinstor-objects")
            .key(key)
            .send()
            .await
            .expect("get object");
        let owner = out.metadata().and_then(|m| m.get("owner").cloned());
        let body = out.body.collect().await.expect("body").into_bytes();
        let tags = s3
            .get_object_tagging()
            .bucket("infinstor-objects")
            .key(key)
            .send()
            .await
            .expect("tags");
        let mut tags: Vec<(String, String)> = tags
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        tags.sort();
        (String::from_utf8_lossy(&body).into_owned(), owner, tags)
    })
}

#[test]
fn objects_from_content_source_and_base64_are_written_retagged_imported_and_destroyed() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("files/index.html", "<h1>first</h1>");
    ws.write("main.tf", OBJECTS);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        object(&moto, "config/mlflow.json"),
        (
            r#"{"tracking":"https://mlflow.example.com"}"#.to_string(),
            Some("platform".to_string()),
            vec![("tier".to_string(), "config".to_string())]
        )
    );
    assert_eq!(object(&moto, "site/index.html").0, "<h1>first</h1>");
    assert_eq!(object(&moto, "site/logo.bin").0, "not really a logo");
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["state", "rm", "aws_s3_object.config"]).expect_code(0);
    ws.run(&["import", "aws_s3_object.config", "infinstor-objects/config/mlflow.json"])
        .expect_code(0);
    // As in Terraform, an object's content cannot be read back, so the first plan after an
    // import writes it again; after that, nothing changes.
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // New file contents (through etag = filemd5) write a new version; new tags alone only
    // retag the object, which keeps its version.
    let (config_version, page_version) = (output(&ws, "config_version"), output(&ws, "page_version"));
    ws.write("files/index.html", "<h1>second</h1>");
    ws.write("main.tf", &OBJECTS.replace("tier = \"config\"", "tier = \"settings\""));
    planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(object(&moto, "site/index.html").0, "<h1>second</h1>");
    assert_eq!(
        object(&moto, "config/mlflow.json").2,
        vec![("tier".to_string(), "settings".to_string())]
    );
    assert_eq!(output(&ws, "config_version"), config_version);
    assert_ne!(output(&ws, "page_version"), page_version);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let gone = block_on(async { moto.s3().head_bucket().bucket("infinstor-objects").send().await });
    assert!(
        gone.is_err(),
        "the bucket is still there: every version of every object must go first"
    );
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const LOCKED: &str = r#"
resource "aws_s3_bucket" "vault" {
  bucket              = "infinstor-vault"
  object_lock_enabled = true
}

resource "aws_s3_bucket_object_lock_configuration" "vault" {
  bucket = aws_s3_bucket.vault.id
  rule {
    default_retention {
      mode = "GOVERNANCE"
      days = 1
    }
  }
}
"#;

/// The vault bucket's (object lock status, default retention mode and days).
fn retention(moto: &Moto) -> (String, Option<String>, Option<i32>) {
    block_on(async {
        let out = moto
            .s3()
            .get_object_lock_configuration()
            .bucket("infinstor-vault")
            .send()
            .await
            .expect("object lock");
        let c = out.object_lock_configuration().expect("configuration");
        let d = c.rule().and_then(|r| r.default_retention());
        (
            c.object_lock_enabled()
                .map(|e| e.as_str().to_string())
                .unwrap_or_default(),
            d.and_then(|d| d.mode()).map(|m| m.as_str().to_string()),
            d.and_then(|d| d.days()),
        )
    })
}

#[test]
fn a_bucket_created_with_object_lock_keeps_a_default_retention() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", LOCKED);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        retention(&moto),
        ("Enabled".to_string(), Some("GOVERNANCE".to_string()), Some(1))
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_s3_bucket_object_lock_configuration.vault", "infinstor-vault");

    ws.write("main.tf", &LOCKED.replace("days = 1", "days = 7"));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        retention(&moto),
        ("Enabled".to_string(), Some("GOVERNANCE".to_string()), Some(7))
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Turning Object Lock off means a new bucket: the plan says so.
    ws.write(
        "main.tf",
        &LOCKED.replace("object_lock_enabled = true", "object_lock_enabled = false"),
    );
    let replace = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        replace.stdout.contains("aws_s3_bucket.vault must be replaced"),
        "{}",
        replace.stdout
    );

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let gone = block_on(async { moto.s3().head_bucket().bucket("infinstor-vault").send().await });
    assert!(gone.is_err(), "the bucket is still there after destroy");
}

const REGIONAL: &str = r#"
resource "aws_s3_bucket" "scratch" {
  bucket_prefix    = "scratch-"
  bucket_namespace = "account-regional"
}

output "name" {
  value = aws_s3_bucket.scratch.bucket
}

output "region" {
  value = aws_s3_bucket.scratch.bucket_region
}
"#;

#[test]
fn an_account_regional_bucket_gets_its_suffix_and_reports_its_region() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    // A name of the account-regional namespace carries the account and region; a plain one is
    // refused before any call.
    refused(
        &ws,
        &REGIONAL.replace("bucket_prefix    = \"scratch-\"", "bucket           = \"scratch\""),
        "validate",
        "an account-regional bucket's name must end in -<account ID>-<region>-an",
    );

    ws.write("main.tf", REGIONAL);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let name = output(&ws, "name");
    assert!(
        name.starts_with("scratch-") && name.ends_with("-123456789012-us-east-1-an"),
        "{name}"
    );
    assert_eq!(output(&ws, "region"), "us-east-1");
    let found = block_on(async { moto.s3().head_bucket().bucket(&name).send().await });
    assert_eq!(found.expect("the bucket exists").bucket_region(), Some("us-east-1"));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    // An imported bucket's namespace comes from its name.
    reimport(&ws, "aws_s3_bucket.scratch", &name);

    // The namespace is chosen at creation: another one is another bucket.
    ws.write(
        "main.tf",
        &REGIONAL.replace(
            "bucket_namespace = \"account-regional\"",
            "bucket_namespace = \"global\"",
        ),
    );
    let replace = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        replace.stdout.contains("aws_s3_bucket.scratch must be replaced"),
        "{}",
        replace.stdout
    );

    ws.write("main.tf", REGIONAL);
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let gone = block_on(async { moto.s3().head_bucket().bucket(&name).send().await });
    assert!(gone.is_err(), "the bucket is still there after destroy");
}

const LOCKED_OBJECT: &str = r#"
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = {
      team = "platform"
    }
  }
}

resource "aws_s3_bucket" "vault" {
  bucket              = "infinstor-locked-objects"
  object_lock_enabled = true
}

resource "aws_s3_object" "report" {
  bucket                        = aws_s3_bucket.vault.id
  key                           = "reports/q3.json"
  content                       = jsonencode({ quarter = 3 })
  checksum_algorithm            = "SHA256"
  object_lock_mode              = "GOVERNANCE"
  object_lock_retain_until_date = "2030-01-01T00:00:00Z"
  object_lock_legal_hold_status = "OFF"
  force_destroy                 = true
  tags = {
    tier = "reports"
  }
  override_provider {
    default_tags {
      tags = {}
    }
  }
}

output "sha256" {
  value = aws_s3_object.report.checksum_sha256
}

output "version" {
  value = aws_s3_object.report.version_id
}
"#;

/// The locked report's (retention mode, retain-until date, legal hold, SHA-256 checksum, tags)
/// as the SDK reads them.
fn locked_report(moto: &Moto) -> (String, String, String, String, Vec<(String, String)>) {
    let s3 = moto.s3();
    block_on(async {
        let head = s3
            .head_object()
            .bucket("infinstor-locked-objects")
            .key("reports/q3.json")
            .checksum_mode(aws_sdk_s3::types::ChecksumMode::Enabled)
            .send()
            .await
            .expect("head object");
        let tags = s3
            .get_object_tagging()
            .bucket("infinstor-locked-objects")
            .key("reports/q3.json")
            .send()
            .await
            .expect("tags");
        let mut tags: Vec<(String, String)> = tags
            .tag_set()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        tags.sort();
        (
            head.object_lock_mode()
                .map(|m| m.as_str().to_string())
                .unwrap_or_default(),
            head.object_lock_retain_until_date()
                .map(|d| d.fmt(aws_sdk_s3::primitives::DateTimeFormat::DateTime).expect("date"))
                .unwrap_or_default(),
            head.object_lock_legal_hold_status()
                .map(|h| h.as_str().to_string())
                .unwrap_or_default(),
            head.checksum_sha256().unwrap_or_default().to_string(),
            tags,
        )
    })
}

#[test]
fn an_object_with_a_retention_a_legal_hold_a_checksum_and_its_own_default_tags() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    // A retention is a mode and a date: one without the other is refused before any call.
    refused(
        &ws,
        &LOCKED_OBJECT.replace("  object_lock_retain_until_date = \"2030-01-01T00:00:00Z\"\n", ""),
        "validate",
        "object_lock_mode and object_lock_retain_until_date go together",
    );

    ws.write("main.tf", LOCKED_OBJECT);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    // The SHA-256 of {"quarter":3}, base64, as S3 stores it.
    let sha256 = "FbcgCKpZyEZZ7UF1soyUhOEW0cMnmRgTBdE1agZIJb4=";
    assert_eq!(
        locked_report(&moto),
        (
            "GOVERNANCE".to_string(),
            "2030-01-01T00:00:00Z".to_string(),
            "OFF".to_string(),
            sha256.to_string(),
            // override_provider's empty default tags leave the provider's team tag off.
            vec![("tier".to_string(), "reports".to_string())]
        )
    );
    assert_eq!(output(&ws, "sha256"), sha256);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A legal hold and a later date change the object in place: same version.
    let version = output(&ws, "version");
    ws.write(
        "main.tf",
        &LOCKED_OBJECT
            .replace("legal_hold_status = \"OFF\"", "legal_hold_status = \"ON\"")
            .replace("2030-01-01T00:00:00Z", "2031-06-30T12:00:00Z"),
    );
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let (mode, until, hold, _, _) = locked_report(&moto);
    assert_eq!(
        (mode.as_str(), until.as_str(), hold.as_str()),
        ("GOVERNANCE", "2031-06-30T12:00:00Z", "ON")
    );
    assert_eq!(output(&ws, "version"), version);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Without the override, the provider's default tags apply: a retag, same version.
    let held = LOCKED_OBJECT
        .replace("legal_hold_status = \"OFF\"", "legal_hold_status = \"ON\"")
        .replace("2030-01-01T00:00:00Z", "2031-06-30T12:00:00Z");
    let start = held.find("  override_provider {").expect("override block");
    let end = held[start..].find("\n  }\n").expect("override end") + start + "\n  }\n".len();
    ws.write("main.tf", &format!("{}{}", &held[..start], &held[end..]));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        locked_report(&moto).4,
        vec![
            ("team".to_string(), "platform".to_string()),
            ("tier".to_string(), "reports".to_string())
        ]
    );
    assert_eq!(output(&ws, "version"), version);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // force_destroy lifts the legal hold and bypasses the GOVERNANCE retention.
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let gone = block_on(async { moto.s3().head_bucket().bucket("infinstor-locked-objects").send().await });
    assert!(gone.is_err(), "the bucket is still there after destroy");
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

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
