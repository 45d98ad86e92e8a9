//! S3 objects through the binary against the emulator: content, source and base64 bodies,
//! tags, object lock retention and legal hold, checksums, and the account-regional bucket
//! namespace (create, no-op re-plan, import, update, destroy; read back through the SDK).

use crate::util::output;
use crate::util::{block_on, planned_changes, refused, reimport, start_moto, workspace, Clients, Moto};

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
