//! Application Auto Scaling through the binary against the emulator: a provisioned DynamoDB
//! table's read and write capacity as scalable targets, a target tracking policy on reads and a
//! step policy on writes. Create, no-op re-plan, update in place, replacement, a change made
//! outside, import and destroy, each read back through the SDK. (The emulator keeps no tags on
//! scalable targets: tags are tested in providers/src/autoscaling/tests.rs.)

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Moto};
use aws_sdk_applicationautoscaling::types::ServiceNamespace;

const SCALING: &str = r#"
resource "aws_dynamodb_table" "orders" {
  name           = "orders"
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "id"
  attribute {
    name = "id"
    type = "S"
  }
}

resource "aws_appautoscaling_target" "reads" {
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.orders.name}"
  scalable_dimension = "dynamodb:table:ReadCapacityUnits"
  min_capacity       = 5
  max_capacity       = 50
}

resource "aws_appautoscaling_target" "writes" {
  service_namespace  = "dynamodb"
  resource_id        = "table/${aws_dynamodb_table.orders.name}"
  scalable_dimension = "dynamodb:table:WriteCapacityUnits"
  min_capacity       = 5
  max_capacity       = 20
}

resource "aws_appautoscaling_policy" "reads" {
  name               = "reads-tracking"
  policy_type        = "TargetTrackingScaling"
  service_namespace  = aws_appautoscaling_target.reads.service_namespace
  resource_id        = aws_appautoscaling_target.reads.resource_id
  scalable_dimension = aws_appautoscaling_target.reads.scalable_dimension
  target_tracking_scaling_policy_configuration {
    target_value       = 70
    scale_in_cooldown  = 60
    scale_out_cooldown = 60
    predefined_metric_specification {
      predefined_metric_type = "DynamoDBReadCapacityUtilization"
    }
  }
}

resource "aws_appautoscaling_policy" "writes" {
  name               = "writes-steps"
  service_namespace  = aws_appautoscaling_target.writes.service_namespace
  resource_id        = aws_appautoscaling_target.writes.resource_id
  scalable_dimension = aws_appautoscaling_target.writes.scalable_dimension
  step_scaling_policy_configuration {
    adjustment_type         = "ChangeInCapacity"
    cooldown                = 120
    metric_aggregation_type = "Average"
    step_adjustment {
      metric_interval_lower_bound = "0"
      metric_interval_upper_bound = "10.5"
      scaling_adjustment          = 2
    }
    step_adjustment {
      metric_interval_lower_bound = "10.5"
      scaling_adjustment          = 5
    }
  }
}
"#;

/// (min, max) of the table's target for `dimension`, if registered.
fn bounds(moto: &Moto, dimension: &str) -> Option<(i32, i32)> {
    let client = aws_sdk_applicationautoscaling::Client::new(&moto.sdk_config());
    block_on(async {
        let out = client
            .describe_scalable_targets()
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_ids("table/orders")
            .send()
            .await
            .expect("describe");
        out.scalable_targets()
            .iter()
            .find(|t| t.scalable_dimension().as_str() == dimension)
            .map(|t| (t.min_capacity(), t.max_capacity()))
    })
}

/// Names of the table's scaling policies, sorted.
fn policies(moto: &Moto) -> Vec<String> {
    let client = aws_sdk_applicationautoscaling::Client::new(&moto.sdk_config());
    block_on(async {
        let out = client
            .describe_scaling_policies()
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_id("table/orders")
            .send()
            .await
            .expect("describe");
        let mut names: Vec<String> = out
            .scaling_policies()
            .iter()
            .map(|p| p.policy_name().to_string())
            .collect();
        names.sort();
        names
    })
}

fn register_by_hand(moto: &Moto, max: i32) {
    let client = aws_sdk_applicationautoscaling::Client::new(&moto.sdk_config());
    block_on(async {
        client
            .register_scalable_target()
            .service_namespace(ServiceNamespace::Dynamodb)
            .resource_id("table/orders")
            .scalable_dimension(
                aws_sdk_applicationautoscaling::types::ScalableDimension::DynamoDbTableReadCapacityUnits,
            )
            .max_capacity(max)
            .send()
            .await
            .expect("by hand")
    });
}

#[test]
fn table_capacity_scales_through_create_update_replace_drift_import_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", SCALING);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(bounds(&moto, "dynamodb:table:ReadCapacityUnits"), Some((5, 50)));
    assert_eq!(bounds(&moto, "dynamodb:table:WriteCapacityUnits"), Some((5, 20)));
    assert_eq!(policies(&moto), ["reads-tracking", "writes-steps"]);
    let show = ws.run(&["state", "show", "aws_appautoscaling_policy.writes"]);
    assert!(
        show.stdout.contains("\"10.5\""),
        "bounds are kept as written: {}",
        show.stdout
    );

    // Import: TARGET as NAMESPACE/RESOURCE/DIMENSION, POLICY with its name after.
    reimport(
        &ws,
        "aws_appautoscaling_target.reads",
        "dynamodb/table/orders/dynamodb:table:ReadCapacityUnits",
    );
    reimport(
        &ws,
        "aws_appautoscaling_policy.writes",
        "dynamodb/table/orders/dynamodb:table:WriteCapacityUnits/writes-steps",
    );
    ws.run(&["state", "rm", "aws_appautoscaling_policy.reads"])
        .expect_code(0);
    let bad = ws.run(&["import", "aws_appautoscaling_policy.reads", "dynamodb/table/orders"]);
    assert_ne!(bad.code, 0);
    assert!(
        bad.stderr
            .contains("SERVICE_NAMESPACE/RESOURCE_ID/SCALABLE_DIMENSION/POLICY_NAME"),
        "{}",
        bad.stderr
    );
    ws.run(&[
        "import",
        "aws_appautoscaling_policy.reads",
        "dynamodb/table/orders/dynamodb:table:ReadCapacityUnits/reads-tracking",
    ])
    .expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // In place: a bound and the tracked value.
    let updated = SCALING
        .replace("max_capacity       = 50", "max_capacity       = 80")
        .replace("target_value       = 70", "target_value       = 55");
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(bounds(&moto, "dynamodb:table:ReadCapacityUnits"), Some((5, 80)));
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Outside: someone lowers the bound; the plan puts it back.
    register_by_hand(&moto, 30);
    let plan = planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    assert!(plan.stdout.contains("30 -> 80"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(bounds(&moto, "dynamodb:table:ReadCapacityUnits"), Some((5, 80)));

    // A new name replaces the policy.
    ws.write("main.tf", &updated.replace("\"writes-steps\"", "\"writes-steps-2\""));
    let plan = planned_changes(&ws, "Plan: 1 to add, 0 to change, 1 to destroy.");
    assert!(plan.stdout.contains("forces replacement"), "{}", plan.stdout);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(policies(&moto), ["reads-tracking", "writes-steps-2"]);

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(bounds(&moto, "dynamodb:table:ReadCapacityUnits"), None);
    assert!(policies(&moto).is_empty());
}
