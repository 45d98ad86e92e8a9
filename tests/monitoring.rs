//! CloudWatch metric alarms (on one metric, and on metric math) and a dashboard through the
//! binary against the emulator: create, no-op re-plan, update in place, a change made outside,
//! import, replacement and destroy, each read back through the SDK.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

const MONITORING: &str = r#"
resource "aws_sns_topic" "alerts" {
  name = "alerts"
}

resource "aws_cloudwatch_metric_alarm" "errors" {
  alarm_name          = "api-errors"
  comparison_operator = "GreaterThanOrEqualToThreshold"
  evaluation_periods  = 2
  metric_name         = "5XXError"
  namespace           = "AWS/ApiGateway"
  period              = 300
  statistic           = "Sum"
  threshold           = 5
  alarm_description   = "Too many server errors"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  dimensions          = { ApiName = "mlflow" }
  tags                = { team = "ml" }
}

resource "aws_cloudwatch_metric_alarm" "ratio" {
  alarm_name          = "error-ratio"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = 10
  treat_missing_data  = "notBreaching"

  metric_query {
    id          = "ratio"
    expression  = "errors / requests * 100"
    label       = "Error rate"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      metric_name = "5XXError"
      namespace   = "AWS/ApiGateway"
      period      = 300
      stat        = "Sum"
      dimensions  = { ApiName = "mlflow" }
    }
  }

  metric_query {
    id = "requests"
    metric {
      metric_name = "Count"
      namespace   = "AWS/ApiGateway"
      period      = 300
      stat        = "Sum"
      dimensions  = { ApiName = "mlflow" }
    }
  }
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = "mlflow"
  dashboard_body = jsonencode({
    widgets = [{
      type = "metric", x = 0, y = 0, width = 12, height = 6,
      properties = { metrics = [["AWS/ApiGateway", "Count", "ApiName", "mlflow"]], period = 300, stat = "Sum", region = "us-east-1", title = "Requests" }
    }]
  })
}
"#;

fn cloudwatch(moto: &Moto) -> aws_sdk_cloudwatch::Client {
    aws_sdk_cloudwatch::Client::new(&moto.sdk_config())
}

fn alarm(moto: &Moto, name: &str) -> Option<aws_sdk_cloudwatch::types::MetricAlarm> {
    block_on(async {
        let out = cloudwatch(moto)
            .describe_alarms()
            .alarm_names(name)
            .send()
            .await
            .expect("alarms");
        out.metric_alarms().first().cloned()
    })
}

fn dashboard(moto: &Moto, name: &str) -> Option<String> {
    block_on(async {
        let out = cloudwatch(moto)
            .get_dashboard()
            .dashboard_name(name)
            .send()
            .await
            .ok()?;
        out.dashboard_body().map(str::to_string)
    })
}

#[test]
fn alarms_and_a_dashboard_live_through_create_update_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", MONITORING);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    let errors = alarm(&moto, "api-errors").expect("alarm");
    assert_eq!(errors.threshold(), Some(5.0));
    assert_eq!(errors.evaluation_periods(), Some(2));
    assert_eq!(errors.alarm_actions(), ["arn:aws:sns:us-east-1:123456789012:alerts"]);
    assert_eq!(errors.dimensions().len(), 1);
    let ratio = alarm(&moto, "error-ratio").expect("alarm");
    assert_eq!(ratio.metrics().len(), 3);
    assert_eq!(ratio.treat_missing_data(), Some("notBreaching"));
    assert!(dashboard(&moto, "mlflow").is_some_and(|b| b.contains("Requests")));

    reimport(&ws, "aws_cloudwatch_metric_alarm.errors", "api-errors");
    reimport(&ws, "aws_cloudwatch_metric_alarm.ratio", "error-ratio");
    reimport(&ws, "aws_cloudwatch_dashboard.main", "mlflow");

    // In place: a threshold, a description, tags, a query's label, the dashboard's title.
    let updated = MONITORING
        .replace("threshold           = 5", "threshold           = 8")
        .replace(
            "tags                = { team = \"ml\" }",
            "tags                = { team = \"platform\" }",
        )
        .replace("label       = \"Error rate\"", "label       = \"Error %\"")
        .replace("title = \"Requests\"", "title = \"All requests\"");
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 3 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(alarm(&moto, "api-errors").and_then(|a| a.threshold()), Some(8.0));
    assert!(dashboard(&moto, "mlflow").is_some_and(|b| b.contains("All requests")));

    // A threshold changed outside is put back.
    block_on(async {
        cloudwatch(&moto)
            .put_metric_alarm()
            .alarm_name("api-errors")
            .comparison_operator(aws_sdk_cloudwatch::types::ComparisonOperator::GreaterThanOrEqualToThreshold)
            .evaluation_periods(2)
            .metric_name("5XXError")
            .namespace("AWS/ApiGateway")
            .period(300)
            .statistic(aws_sdk_cloudwatch::types::Statistic::Sum)
            .threshold(50.0)
            .send()
            .await
            .expect("by hand")
    });
    let drift = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(drift.stdout.contains("50 -> 8"), "{}", drift.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(alarm(&moto, "api-errors").and_then(|a| a.threshold()), Some(8.0));

    // A new name replaces the alarm.
    ws.write("main.tf", &updated.replace("\"api-errors\"", "\"api-server-errors\""));
    planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert!(alarm(&moto, "api-errors").is_none());
    assert!(alarm(&moto, "api-server-errors").is_some());

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert!(alarm(&moto, "api-server-errors").is_none());
    assert!(alarm(&moto, "error-ratio").is_none());
    assert!(dashboard(&moto, "mlflow").is_none());
}

#[test]
fn an_alarm_without_its_metric_or_with_two_answers_is_refused_at_its_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_cloudwatch_metric_alarm" "a" {
  alarm_name          = "a"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = 1
  period              = 45
}

resource "aws_cloudwatch_metric_alarm" "b" {
  alarm_name          = "b"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  threshold           = 1
  metric_name         = "Errors"

  metric_query {
    id          = "x"
    expression  = "1"
    return_data = true
  }
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for text in [
        "an alarm on one metric needs metric_name",
        "period is 10, 30 or a multiple of 60 seconds",
        "metric_name cannot be used with metric_query",
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
    }
    assert!(run.stderr.contains("on main.tf line 6"), "{}", run.stderr);
    assert!(run.stderr.contains("on main.tf line 14"), "{}", run.stderr);
}

/// A composite alarm through the binary: the emulator has none (it is checked against
/// CloudWatch's documented answers in providers/src/cloudwatch/composite_alarm.rs), so it is
/// validated and planned beside the metric alarms its rule names: too many actions are refused
/// at their line, and the good configuration plans with the defaults the AWS provider has.
#[test]
fn a_composite_alarm_is_checked_and_planned() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |actions: &str| {
        format!(
            r#"resource "aws_cloudwatch_metric_alarm" "errors" {{
  alarm_name          = "api-5xx"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 1
  metric_name         = "5XXError"
  namespace           = "AWS/ApiGateway"
  period              = 60
  statistic           = "Sum"
  threshold           = 5
}}

resource "aws_cloudwatch_composite_alarm" "down" {{
  alarm_name    = "service-down"
  alarm_rule    = "ALARM(${{aws_cloudwatch_metric_alarm.errors.alarm_name}})"
  alarm_actions = [{actions}]
  actions_suppressor {{
    alarm            = "maintenance"
    wait_period      = 120
    extension_period = 60
  }}
}}
"#
        )
    };
    let six: Vec<String> = (1..=6)
        .map(|i| format!("\"arn:aws:sns:us-east-1:123456789012:p{i}\""))
        .collect();
    ws.write("main.tf", &config(&six.join(", ")));
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(
        bad.stderr.contains("at most 5 actions") && bad.stderr.contains("on main.tf line 15"),
        "{}",
        bad.stderr
    );
    ws.write("main.tf", &config("\"arn:aws:sns:us-east-1:123456789012:pager\""));
    let plan = planned_changes(&ws, "Plan: 2 to add, 0 to change, 0 to destroy.");
    assert!(plan.stdout.contains("+ actions_enabled = true"), "{}", plan.stdout);
}
