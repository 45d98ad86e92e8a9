//! EventBridge through the binary against the emulator: rules on the default bus and on a bus
//! of their own (a schedule, an event pattern, a generated name), and targets (an SQS queue
//! with an input transformer, retry policy and dead-letter queue; a fixed input; a generated
//! target ID). Create, no-op re-plan, update in place, replacement, a change made outside,
//! import and destroy, each read back through the SDK.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};

fn config(pattern_source: &str, state: &str, input: &str, team: &str) -> String {
    format!(
        r#"
resource "aws_sqs_queue" "inbox" {{
  name = "events-inbox"
}}

resource "aws_sqs_queue" "dead" {{
  name = "events-dead"
}}

resource "aws_cloudwatch_event_rule" "nightly" {{
  name                = "nightly"
  description         = "every night"
  schedule_expression = "cron(0 2 * * ? *)"
}}

resource "aws_cloudwatch_event_rule" "orders" {{
  name           = "orders"
  event_bus_name = "shop"
  event_pattern  = jsonencode({{ source = ["{pattern_source}"], "detail-type" = ["Order Placed"] }})
  state          = "{state}"
  tags           = {{ team = "{team}" }}
}}

resource "aws_cloudwatch_event_rule" "named" {{
  name_prefix   = "audit-"
  event_pattern = jsonencode({{ source = ["aws.s3"] }})
}}

resource "aws_cloudwatch_event_target" "orders" {{
  rule           = aws_cloudwatch_event_rule.orders.name
  event_bus_name = aws_cloudwatch_event_rule.orders.event_bus_name
  target_id      = "to-inbox"
  arn            = aws_sqs_queue.inbox.arn
  input_transformer {{
    input_paths    = {{ id = "$.detail.id" }}
    input_template = "{{\"order\": <id>}}"
  }}
  retry_policy {{
    maximum_event_age_in_seconds = 3600
    maximum_retry_attempts       = 4
  }}
  dead_letter_config {{
    arn = aws_sqs_queue.dead.arn
  }}
}}

resource "aws_cloudwatch_event_target" "task" {{
  rule      = aws_cloudwatch_event_rule.nightly.name
  target_id = "report"
  arn       = "arn:aws:ecs:us-east-1:123456789012:cluster/jobs"
  role_arn  = "arn:aws:iam::123456789012:role/events-ecs"
  ecs_target {{
    task_definition_arn = "arn:aws:ecs:us-east-1:123456789012:task-definition/report:3"
    launch_type         = "FARGATE"
    network_configuration {{
      subnets         = ["subnet-0a", "subnet-0b"]
      security_groups = ["sg-0c"]
    }}
    ordered_placement_strategy {{
      type  = "spread"
      field = "attribute:ecs.availability-zone"
    }}
    tags = {{ job = "{input}" }}
  }}
}}

resource "aws_cloudwatch_event_target" "nightly" {{
  rule  = aws_cloudwatch_event_rule.nightly.name
  arn   = aws_sqs_queue.inbox.arn
  input = jsonencode({{ job = "{input}" }})
}}
"#
    )
}

fn events(moto: &Moto) -> aws_sdk_eventbridge::Client {
    aws_sdk_eventbridge::Client::new(&moto.sdk_config())
}

/// (state, pattern) of a rule, if it exists.
fn rule(moto: &Moto, bus: &str, name: &str) -> Option<(String, String)> {
    block_on(async {
        let r = events(moto)
            .describe_rule()
            .name(name)
            .event_bus_name(bus)
            .send()
            .await
            .ok()?;
        Some((
            r.state().map(|s| s.as_str().to_string()).unwrap_or_default(),
            r.event_pattern().unwrap_or_default().to_string(),
        ))
    })
}

/// (ID, input) of each target of a rule.
fn targets(moto: &Moto, bus: &str, name: &str) -> Vec<(String, String)> {
    block_on(async {
        let Ok(out) = events(moto)
            .list_targets_by_rule()
            .rule(name)
            .event_bus_name(bus)
            .send()
            .await
        else {
            return Vec::new();
        };
        out.targets()
            .iter()
            .map(|t| (t.id().to_string(), t.input().unwrap_or_default().to_string()))
            .collect()
    })
}

#[test]
fn rules_and_targets_live_through_create_update_replace_drift_import_and_destroy() {
    let moto = start_moto();
    block_on(async { events(&moto).create_event_bus().name("shop").send().await.expect("bus") });
    let ws = workspace(Some(&moto));
    let first = config("shop.orders", "ENABLED", "compact", "ml");
    ws.write("main.tf", &first);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(rule(&moto, "shop", "orders").map(|r| r.0).as_deref(), Some("ENABLED"));
    assert_eq!(
        rule(&moto, "default", "nightly").map(|r| r.0).as_deref(),
        Some("ENABLED")
    );
    assert_eq!(targets(&moto, "shop", "orders").len(), 1);
    let nightly: Vec<(String, String)> = targets(&moto, "default", "nightly")
        .into_iter()
        .filter(|t| t.0 != "report")
        .collect();
    assert_eq!(nightly.len(), 1, "{nightly:?}");
    let task = ws.run(&["state", "show", "aws_cloudwatch_event_target.task"]);
    assert!(
        task.stdout.contains("task_count") && task.stdout.contains("assign_public_ip = false"),
        "the ECS target's defaults are recorded: {}",
        task.stdout
    );
    assert!(
        nightly[0].0.starts_with("terraform-"),
        "a generated target ID: {nightly:?}"
    );
    let named = ws.run(&["state", "show", "aws_cloudwatch_event_rule.named"]);
    assert!(
        named.stdout.contains("name_prefix") && named.stdout.contains("\"audit-"),
        "{}",
        named.stdout
    );

    // Import: a rule by NAME or BUS/NAME, a target by [BUS/]RULE/TARGET_ID.
    reimport(&ws, "aws_cloudwatch_event_rule.nightly", "nightly");
    reimport(&ws, "aws_cloudwatch_event_rule.orders", "shop/orders");
    reimport(&ws, "aws_cloudwatch_event_target.orders", "shop/orders/to-inbox");
    let generated = format!("nightly/{}", nightly[0].0);
    reimport(&ws, "aws_cloudwatch_event_target.nightly", &generated);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // In place: the pattern, the state, a tag, the target's input.
    let second = config("shop.returns", "DISABLED", "full", "data");
    ws.write("main.tf", &second);
    let plan = planned_changes(&ws, "Plan: 0 to add, 3 to change, 0 to destroy.");
    assert!(plan.stdout.contains("~ state"), "{}", plan.stdout);
    assert!(plan.stdout.contains("~ ecs_target {"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    let (state, pattern) = rule(&moto, "shop", "orders").expect("rule");
    assert_eq!(state, "DISABLED");
    assert!(pattern.contains("shop.returns"), "{pattern}");
    let inputs: Vec<String> = targets(&moto, "default", "nightly").into_iter().map(|t| t.1).collect();
    assert!(inputs.contains(&r#"{"job":"full"}"#.to_string()), "{inputs:?}");

    // Outside: the rule enabled by hand is disabled again.
    block_on(async {
        events(&moto)
            .enable_rule()
            .name("orders")
            .event_bus_name("shop")
            .send()
            .await
            .expect("by hand")
    });
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(plan.stdout.contains("\"ENABLED\" -> \"DISABLED\""), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(rule(&moto, "shop", "orders").map(|r| r.0).as_deref(), Some("DISABLED"));

    // A new name prefix replaces the rule.
    ws.write("main.tf", &second.replace("\"audit-\"", "\"audits-\""));
    let plan = planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    assert!(plan.stdout.contains("forces replacement"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let named = ws.run(&["state", "show", "aws_cloudwatch_event_rule.named"]);
    assert!(named.stdout.contains("\"audits-"), "{}", named.stdout);

    // A new name replaces the rule, and its target with it: the target goes first, as EventBridge
    // keeps a rule that has targets.
    let renamed = second
        .replace("\"audit-\"", "\"audits-\"")
        .replace("name           = \"orders\"", "name           = \"orders-v2\"");
    ws.write("main.tf", &renamed);
    planned_changes(&ws, "Plan: 2 to add, 0 to change, 2 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(rule(&moto, "shop", "orders"), None);
    assert_eq!(targets(&moto, "shop", "orders-v2").len(), 1);

    // A kind of target not built yet is an error at its place.
    ws.write(
        "bad.tf",
        "resource \"aws_cloudwatch_event_target\" \"sql\" {\n  rule = \"nightly\"\n  arn  = \"arn:aws:redshift:us-east-1:123456789012:cluster:c\"\n  redshift_target {\n    database = \"dev\"\n  }\n}\n",
    );
    let refused = ws.run(&["validate"]);
    assert_ne!(refused.code, 0);
    assert!(
        refused.stderr.contains("bad.tf") && refused.stderr.contains("redshift_target"),
        "{}",
        refused.stderr
    );
    std::fs::remove_file(ws.path("bad.tf")).expect("remove");

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(rule(&moto, "default", "nightly"), None);
    assert!(targets(&moto, "shop", "orders-v2").is_empty());
    let left = block_on(async { events(&moto).list_rules().send().await.expect("rules") });
    assert!(left.rules().is_empty(), "{:?}", left.rules());
}
