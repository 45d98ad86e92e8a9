//! CloudWatch Logs through the binary against the emulator: a log group's retention, key,
//! class and tags (create, no-op re-plan, update in place, a change made outside, import,
//! replacement, destroy, `skip_destroy`), and a stream of it; objects read back through the SDK.
//! (The emulator neither keeps a group's class nor implements AssociateKmsKey, so a class is
//! checked in the plan only and a key is set at creation only.)

use crate::util::output;
use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};
use std::collections::BTreeMap;

const LOGS: &str = r#"
resource "aws_kms_key" "logs" {
  description = "log events"
}

resource "aws_cloudwatch_log_group" "app" {
  name              = "/infinstor/app"
  retention_in_days = 14
  kms_key_id        = aws_kms_key.logs.arn
  tags              = { team = "ml" }
}

resource "aws_cloudwatch_log_group" "audit" {
  name_prefix  = "audit-"
  skip_destroy = true
}

resource "aws_cloudwatch_log_stream" "web" {
  name           = "web-1"
  log_group_name = aws_cloudwatch_log_group.app.name
}

output "audit" {
  value = aws_cloudwatch_log_group.audit.name
}

output "arn" {
  value = aws_cloudwatch_log_group.app.arn
}
"#;

/// A log group as the emulator has it: (retention days, KMS key, tags), or `None`.
type Group = (Option<i32>, Option<String>, BTreeMap<String, String>);

fn group(moto: &Moto, name: &str) -> Option<Group> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    block_on(async {
        let page = logs
            .describe_log_groups()
            .log_group_name_prefix(name)
            .send()
            .await
            .expect("groups");
        let g = page
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))?
            .clone();
        let arn = g.arn().unwrap_or_default().trim_end_matches(":*").to_string();
        let tags = logs
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .expect("tags");
        Some((
            g.retention_in_days(),
            g.kms_key_id().map(str::to_string),
            tags.tags().cloned().unwrap_or_default().into_iter().collect(),
        ))
    })
}

fn streams(moto: &Moto, group: &str) -> Vec<String> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    block_on(async {
        match logs.describe_log_streams().log_group_name(group).send().await {
            Ok(page) => page
                .log_streams()
                .iter()
                .filter_map(|s| s.log_stream_name().map(str::to_string))
                .collect(),
            Err(_) => Vec::new(),
        }
    })
}

#[test]
fn a_log_group_and_its_stream_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", LOGS);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (days, key, tags) = group(&moto, "/infinstor/app").expect("group");
    assert_eq!(days, Some(14));
    assert!(key.is_some_and(|k| k.contains(":key/")));
    assert_eq!(tags, BTreeMap::from([("team".to_string(), "ml".to_string())]));
    assert!(
        output(&ws, "arn").ends_with(":log-group:/infinstor/app"),
        "{}",
        output(&ws, "arn")
    );
    let audit = output(&ws, "audit");
    assert!(
        audit.starts_with("audit-") && audit.len() == "audit-".len() + 26,
        "{audit}"
    );
    assert_eq!(streams(&moto, "/infinstor/app"), vec!["web-1".to_string()]);
    reimport(&ws, "aws_cloudwatch_log_group.app", "/infinstor/app");
    reimport(&ws, "aws_cloudwatch_log_stream.web", "/infinstor/app:web-1");
    let bad = ws.run(&["import", "aws_cloudwatch_log_stream.other", "web-1"]);
    assert_ne!(bad.code, 0);

    // Retention and tags change in place; retention 0 keeps events forever (no policy).
    let updated = LOGS
        .replace("retention_in_days = 14", "retention_in_days = 0")
        .replace("{ team = \"ml\" }", "{ team = \"research\", cost = \"42\" }");
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (days, _, tags) = group(&moto, "/infinstor/app").expect("group");
    assert_eq!(days, None);
    assert_eq!(tags.get("team").map(String::as_str), Some("research"));
    assert_eq!(tags.len(), 2);

    // A retention set outside is drift, put back by the next apply.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    block_on(async {
        logs.put_retention_policy()
            .log_group_name("/infinstor/app")
            .retention_in_days(3)
            .send()
            .await
            .expect("retention by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(group(&moto, "/infinstor/app").expect("group").0, None);

    // A new class replaces the group. As in Terraform, the stream's arguments are unchanged
    // (the group's name is known), so the stream is not replaced with it: the next plan finds
    // it gone with the old group and creates it again.
    ws.write(
        "main.tf",
        &updated.replace(
            "retention_in_days = 0",
            "retention_in_days = 0\n  log_group_class = \"INFREQUENT_ACCESS\"",
        ),
    );
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(group(&moto, "/infinstor/app").is_some());
    assert_eq!(streams(&moto, "/infinstor/app"), Vec::<String>::new());
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(streams(&moto, "/infinstor/app"), vec!["web-1".to_string()]);

    // Destroy deletes the group and stream; the audit group is kept in AWS (skip_destroy).
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(group(&moto, "/infinstor/app").is_none());
    assert!(group(&moto, &audit).is_some());
}

#[test]
fn a_retention_aws_does_not_offer_is_refused_at_its_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        "resource \"aws_cloudwatch_log_group\" \"g\" {\n  name              = \"g\"\n  retention_in_days = 10\n}\n",
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("retention_in_days must be one of 0, 1, 3, 5, 7, 14"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("on main.tf line 3"), "{}", run.stderr);
}

const FILTER: &str = r#"
resource "aws_cloudwatch_log_group" "app" {
  name = "/infinstor/filtered"
}

resource "aws_cloudwatch_log_metric_filter" "errors" {
  name           = "errors"
  log_group_name = aws_cloudwatch_log_group.app.name
  pattern        = "ERROR"

  metric_transformation {
    name          = "Errors"
    namespace     = "InfinStor"
    value         = "1"
    default_value = "0"
  }
}
"#;

/// The errors filter as the emulator has it: (pattern, metric name, unit, default value).
/// (The emulator appends a filter at each PutMetricFilter of a name where AWS replaces it, and
/// deletes the oldest first: the provider reads the latest and deletes until none is left.)
fn filter(moto: &Moto) -> Option<(String, String, String, Option<f64>)> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    block_on(async {
        let page = logs
            .describe_metric_filters()
            .log_group_name("/infinstor/filtered")
            .send()
            .await
            .ok()?;
        // The emulator keeps every put of a name, the latest last (AWS keeps one).
        let f = page
            .metric_filters()
            .iter()
            .filter(|f| f.filter_name() == Some("errors"))
            .last()?;
        let t = f.metric_transformations().first()?;
        Some((
            f.filter_pattern().unwrap_or_default().to_string(),
            t.metric_name().to_string(),
            t.unit().map(|u| u.as_str().to_string()).unwrap_or_default(),
            t.default_value(),
        ))
    })
}

#[test]
fn a_metric_filter_is_created_updated_found_changed_imported_and_deleted() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", FILTER);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        filter(&moto),
        Some(("ERROR".into(), "Errors".into(), "None".into(), Some(0.0)))
    );
    reimport(
        &ws,
        "aws_cloudwatch_log_metric_filter.errors",
        "/infinstor/filtered:errors",
    );

    let updated = FILTER
        .replace("pattern        = \"ERROR\"", "pattern        = \"?ERROR ?FATAL\"")
        .replace(
            "default_value = \"0\"",
            "default_value = \"0\"\n    unit          = \"Count\"",
        );
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(
        filter(&moto),
        Some(("?ERROR ?FATAL".into(), "Errors".into(), "Count".into(), Some(0.0)))
    );

    // A pattern changed outside is put back.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
    block_on(async {
        logs.put_metric_filter()
            .log_group_name("/infinstor/filtered")
            .filter_name("errors")
            .filter_pattern("WARN")
            .metric_transformations(
                aws_sdk_cloudwatchlogs::types::MetricTransformation::builder()
                    .metric_name("Errors")
                    .metric_namespace("InfinStor")
                    .metric_value("1")
                    .build()
                    .expect("transformation"),
            )
            .send()
            .await
            .expect("filter by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(filter(&moto).map(|f| f.0), Some("?ERROR ?FATAL".to_string()));

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(filter(&moto), None);
}

#[test]
fn a_default_value_with_dimensions_is_refused_at_its_block() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        &FILTER.replace(
            "default_value = \"0\"",
            "default_value = \"0\"\n    dimensions    = { host = \"$.host\" }",
        ),
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("default_value and dimensions cannot both be set"),
        "{}",
        run.stderr
    );
}

/// A saved Logs Insights query through the binary as far as the emulator goes (it has no query
/// definitions: the create, update, import and delete are tested against CloudWatch Logs'
/// documented answers in providers/src/logs/query_definition.rs): a mistaken name is refused at
/// its line, and a good one plans to be made.
#[test]
fn a_query_definition_is_checked_and_planned() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"resource "aws_cloudwatch_query_definition" "q" {
  name            = "errors/top*"
  query_string    = "fields @timestamp, @message | sort @timestamp desc | limit 20"
  log_group_names = ["/app"]
}
"#,
    );
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(bad.stderr.contains("without \":\" or \"*\""), "{}", bad.stderr);
    assert!(bad.stderr.contains("on main.tf line 2"), "{}", bad.stderr);
    ws.write(
        "main.tf",
        r#"resource "aws_cloudwatch_query_definition" "q" {
  name            = "errors/top"
  query_string    = "fields @timestamp, @message | sort @timestamp desc | limit 20"
  log_group_names = ["/app"]
}
"#,
    );
    let plan = planned_changes(&ws, "Plan: 1 to add, 0 to change, 0 to destroy.");
    assert!(
        plan.stdout.contains("query_definition_id = (known after apply)"),
        "{}",
        plan.stdout
    );
}

/// The document data source renders as the AWS provider does (the id below is what
/// Terraform with the AWS provider 5.100 gave for this configuration), and a policy that
/// uses it validates.
#[test]
fn a_data_protection_policy_document_renders_as_terraform_does() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write(
        "main.tf",
        r#"
data "aws_cloudwatch_log_data_protection_policy_document" "mask" {
  name = "Test"
  statement {
    data_identifiers = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
    operation {
      audit {
        findings_destination {}
      }
    }
  }
  statement {
    data_identifiers = ["arn:aws:dataprotection::aws:data-identifier/EmailAddress"]
    operation {
      deidentify {
        mask_config {}
      }
    }
  }
}

resource "aws_cloudwatch_log_data_protection_policy" "app" {
  log_group_name  = "/infinstor/app"
  policy_document = data.aws_cloudwatch_log_data_protection_policy_document.mask.json
}

output "id" {
  value = data.aws_cloudwatch_log_data_protection_policy_document.mask.id
}
"#,
    );
    ws.run(&["validate"]).expect_code(0);
    ws.run(&[
        "apply",
        "-auto-approve",
        "-target",
        "data.aws_cloudwatch_log_data_protection_policy_document.mask",
    ])
    .expect_code(0);
    assert_eq!(output(&ws, "id"), "3778592996");
}

/// An existing group read by name (its ARN without the streams' `:*`, retention, tags), and the
/// parts of its ARN from `data "aws_arn"` (read locally).
#[test]
fn an_existing_log_group_and_the_parts_of_its_arn_are_read() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    block_on(async {
        let logs = aws_sdk_cloudwatchlogs::Client::new(&moto.sdk_config());
        logs.create_log_group()
            .log_group_name("/made/elsewhere")
            .tags("team", "ml")
            .send()
            .await
            .expect("a group made outside");
        logs.put_retention_policy()
            .log_group_name("/made/elsewhere")
            .retention_in_days(30)
            .send()
            .await
            .expect("its retention");
    });
    ws.write(
        "main.tf",
        r#"
data "aws_cloudwatch_log_group" "made" {
  name = "/made/elsewhere"
}

data "aws_arn" "made" {
  arn = data.aws_cloudwatch_log_group.made.arn
}

output "group" {
  value = "${data.aws_cloudwatch_log_group.made.arn} ${data.aws_cloudwatch_log_group.made.retention_in_days} ${data.aws_cloudwatch_log_group.made.tags["team"]}"
}

output "parts" {
  value = "${data.aws_arn.made.partition} ${data.aws_arn.made.service} ${data.aws_arn.made.region} ${data.aws_arn.made.account} ${data.aws_arn.made.resource}"
}
"#,
    );
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        output(&ws, "group"),
        "arn:aws:logs:us-east-1:123456789012:log-group:/made/elsewhere 30 ml"
    );
    assert_eq!(
        output(&ws, "parts"),
        "aws logs us-east-1 123456789012 log-group:/made/elsewhere"
    );
    ws.write(
        "main.tf",
        "data \"aws_cloudwatch_log_group\" \"gone\" {\n  name = \"/not/there\"\n}\n",
    );
    let missing = ws.run(&["plan"]).expect_code(1);
    assert!(
        missing
            .stderr
            .contains("no CloudWatch Logs log group is named \"/not/there\""),
        "{}",
        missing.stderr
    );
}

/// Deletion protection: off at create against the emulator (which does not know it), and a
/// change to on is planned in place (the call is checked in the provider's unit tests).
#[test]
fn deletion_protection_is_planned_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |on: bool| {
        format!("resource \"aws_cloudwatch_log_group\" \"g\" {{\n  name                        = \"/infinstor/protected\"\n  deletion_protection_enabled = {on}\n}}\n")
    };
    ws.write("main.tf", &config(false));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.write("main.tf", &config(true));
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(
        plan.stdout.contains("~ deletion_protection_enabled = false -> true"),
        "{}",
        plan.stdout
    );
    ws.write("main.tf", &config(false));
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(group(&moto, "/infinstor/protected").is_none());
}
