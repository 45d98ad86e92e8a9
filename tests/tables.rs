//! DynamoDB tables through the binary against the emulator: a global secondary index is
//! added, resized and removed in place, local indexes are made with the table, replicas need the
//! table's stream, table class and on-demand maximums change in place; the result is read back
//! through the SDK after each step.

use crate::util::{block_on, planned_changes, refused, reimport, start_moto, workspace, Clients, Moto};

const TABLE: &str = r#"
resource "aws_dynamodb_table" "runs" {
  name           = "infinstor-runs"
  billing_mode   = "PROVISIONED"
  read_capacity  = 5
  write_capacity = 5
  hash_key       = "experiment_id"
  range_key      = "run_id"

  attribute {
    name = "experiment_id"
    type = "S"
  }
  attribute {
    name = "run_id"
    type = "S"
  }
  attribute {
    name = "started"
    type = "N"
  }
  attribute {
    name = "user"
    type = "S"
  }

  local_secondary_index {
    name            = "by_start"
    range_key       = "started"
    projection_type = "KEYS_ONLY"
  }

  global_secondary_index {
    name               = "by_user"
    hash_key           = "user"
    range_key          = "started"
    projection_type    = "INCLUDE"
    non_key_attributes = ["status"]
    read_capacity      = 2
    write_capacity     = 2
  }
}
"#;

/// The table's (global indexes with their read capacity, local indexes), by name.
fn indexes(moto: &Moto) -> (Vec<(String, i64)>, Vec<String>) {
    block_on(async {
        let out = moto
            .dynamodb()
            .describe_table()
            .table_name("infinstor-runs")
            .send()
            .await
            .expect("describe table");
        let table = out.table().expect("table");
        let mut global: Vec<(String, i64)> = table
            .global_secondary_indexes()
            .iter()
            .map(|g| {
                (
                    g.index_name().unwrap_or_default().to_string(),
                    g.provisioned_throughput()
                        .and_then(|t| t.read_capacity_units())
                        .unwrap_or(0),
                )
            })
            .collect();
        global.sort();
        let mut local: Vec<String> = table
            .local_secondary_indexes()
            .iter()
            .map(|l| l.index_name().unwrap_or_default().to_string())
            .collect();
        local.sort();
        (global, local)
    })
}

#[test]
fn global_indexes_are_added_resized_and_removed_in_place() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", TABLE);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        indexes(&moto),
        (vec![("by_user".to_string(), 2)], vec!["by_start".to_string()])
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    reimport(&ws, "aws_dynamodb_table.runs", "infinstor-runs");

    // A second global index, and more capacity for the first: one update, no replacement.
    let second = TABLE
        .replace("read_capacity      = 2", "read_capacity      = 4")
        .replace(
            "}\n}\n",
            "}\n\n  global_secondary_index {\n    name            = \"by_run\"\n    hash_key        = \"run_id\"\n    projection_type = \"ALL\"\n    read_capacity   = 1\n    write_capacity  = 1\n  }\n}\n",
        );
    ws.write("main.tf", &second);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        indexes(&moto),
        (
            vec![("by_run".to_string(), 1), ("by_user".to_string(), 4)],
            vec!["by_start".to_string()]
        )
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Back to the first configuration: the new index goes, the capacity comes back down.
    ws.write("main.tf", TABLE);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        indexes(&moto),
        (vec![("by_user".to_string(), 2)], vec!["by_start".to_string()])
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // A local index is fixed at creation: changing one replaces the table, and the plan says so.
    ws.write(
        "main.tf",
        &TABLE.replace("projection_type = \"KEYS_ONLY\"", "projection_type = \"ALL\""),
    );
    let replace = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        replace.stdout.contains("aws_dynamodb_table.runs must be replaced"),
        "{}",
        replace.stdout
    );

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

const SEEDED: &str = r#"
resource "aws_s3_bucket" "seed" {
  bucket        = "infinstor-table-seed"
  force_destroy = true
}

resource "aws_s3_object" "items" {
  bucket  = aws_s3_bucket.seed.id
  key     = "export/items.json"
  content = <<-EOT
    {"Item":{"pk":{"S":"alpha"},"size":{"N":"1"}}}
    {"Item":{"pk":{"S":"beta"},"size":{"N":"2"}}}
    {"Item":{"pk":{"S":"gamma"},"size":{"N":"3"}}}
  EOT
}

resource "aws_dynamodb_table" "seeded" {
  depends_on       = [aws_s3_object.items]
  name             = "infinstor-seeded"
  billing_mode     = "PAY_PER_REQUEST"
  hash_key         = "pk"
  stream_enabled   = true
  stream_view_type = "NEW_IMAGE"

  attribute {
    name = "pk"
    type = "S"
  }

  import_table {
    input_format           = "DYNAMODB_JSON"
    input_compression_type = "NONE"
    s3_bucket_source {
      bucket     = aws_s3_bucket.seed.id
      key_prefix = "export/"
    }
  }

  tags = {
    source = "s3"
  }
}
"#;

/// The seeded table's (item keys, stream view type, tags).
fn seeded(moto: &Moto) -> (Vec<String>, String, Vec<(String, String)>) {
    let dynamodb = moto.dynamodb();
    block_on(async {
        let scan = dynamodb
            .scan()
            .table_name("infinstor-seeded")
            .send()
            .await
            .expect("scan");
        let mut keys: Vec<String> = scan
            .items()
            .iter()
            .filter_map(|i| i.get("pk").and_then(|v| v.as_s().ok()).cloned())
            .collect();
        keys.sort();
        let table = dynamodb
            .describe_table()
            .table_name("infinstor-seeded")
            .send()
            .await
            .expect("describe table");
        let table = table.table().expect("table");
        let view = table
            .stream_specification()
            .filter(|s| s.stream_enabled())
            .and_then(|s| s.stream_view_type())
            .map(|v| v.as_str().to_string())
            .unwrap_or_default();
        let tags = dynamodb
            .list_tags_of_resource()
            .resource_arn(table.table_arn().expect("arn"))
            .send()
            .await
            .expect("tags");
        let mut tags: Vec<(String, String)> = tags
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect();
        tags.sort();
        (keys, view, tags)
    })
}

#[test]
fn a_table_imported_from_s3_has_its_items_then_what_the_import_cannot_set() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    // ImportTable makes no local indexes, and they cannot come later: refused before any call.
    refused(
        &ws,
        &SEEDED.replace(
            "  tags = {\n    source",
            "  local_secondary_index {\n    name            = \"by_size\"\n    range_key       = \"pk\"\n    projection_type = \"ALL\"\n  }\n\n  tags = {\n    source",
        ),
        "validate",
        "a table created by import_table cannot have local secondary indexes",
    );

    ws.write("main.tf", SEEDED);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(
        seeded(&moto),
        (
            vec!["alpha".to_string(), "beta".to_string(), "gamma".to_string()],
            "NEW_IMAGE".to_string(),
            vec![("source".to_string(), "s3".to_string())]
        )
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Tags change in place; the items stay. (A new key: the emulator's TagResource appends a
    // second value to an existing key where DynamoDB replaces it.)
    let tagged = SEEDED.replace("source = \"s3\"", "source = \"s3\"\n    owner  = \"data\"");
    ws.write("main.tf", &tagged);
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    let (keys, _, tags) = seeded(&moto);
    assert_eq!(keys.len(), 3);
    assert_eq!(
        tags,
        vec![
            ("owner".to_string(), "data".to_string()),
            ("source".to_string(), "s3".to_string())
        ]
    );
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);

    // Another source means another import, so another table: the plan says so, as Terraform's does.
    ws.write(
        "main.tf",
        &tagged.replace("key_prefix = \"export/\"", "key_prefix = \"export/v2/\""),
    );
    let replace = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        replace.stdout.contains("aws_dynamodb_table.seeded must be replaced"),
        "{}",
        replace.stdout
    );

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
    let gone = block_on(async {
        moto.dynamodb()
            .describe_table()
            .table_name("infinstor-seeded")
            .send()
            .await
    });
    assert!(gone.is_err(), "the table is still there after destroy");
}

/// Replicas are tested against DynamoDB's documented answers in the provider (the emulator
/// ignores them); through the binary, a replica is planned with its ARN unknown until the
/// table has one, and the table's stream is required first.
#[test]
fn dynamodb_replicas_are_planned_and_need_the_tables_stream() {
    let ws = workspace(None);
    let table = |stream: &str| {
        format!(
            r#"
resource "aws_dynamodb_table" "sessions" {{
  name         = "tdp-sessions"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  {stream}
  attribute {{
    name = "id"
    type = "S"
  }}
  replica {{
    region_name = "us-west-2"
  }}
}}
"#
        )
    };
    ws.write(
        "main.tf",
        &table("stream_enabled   = true\n  stream_view_type = \"NEW_AND_OLD_IMAGES\""),
    );
    let plan = ws.run(&["plan"]).expect_code(0);
    for part in [
        "+ replica {",
        "+ region_name                 = \"us-west-2\"",
        "+ arn                         = (known after apply)",
        "+ point_in_time_recovery      = false",
    ] {
        assert!(plan.stdout.contains(part), "{part} in\n{}", plan.stdout);
    }
    ws.write("main.tf", &table(""));
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(
        bad.stderr.contains("replicas need the table's stream"),
        "{}",
        bad.stderr
    );
    // At the first replica block, which the rule is about.
    assert!(bad.stderr.contains("main.tf line 11"), "{}", bad.stderr);
}

/// The table class and on-demand maximums are tested against DynamoDB's documented answers in
/// the provider (the emulator keeps neither); through the binary, the STANDARD class set
/// explicitly is kept and re-planned clean, another class is an update in place, and maximums
/// on a provisioned table are an error at their place.
#[test]
fn dynamodb_table_class_and_on_demand_maximums() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let table = |billing: &str, extra: &str| {
        format!(
            r#"
resource "aws_dynamodb_table" "t" {{
  name         = "classy"
  hash_key     = "id"
  {billing}
  {extra}
  attribute {{
    name = "id"
    type = "S"
  }}
}}
"#
        )
    };
    let on_demand = "billing_mode = \"PAY_PER_REQUEST\"";
    ws.write("main.tf", &table(on_demand, "table_class = \"STANDARD\""));
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    ws.write(
        "main.tf",
        &table(on_demand, "table_class = \"STANDARD_INFREQUENT_ACCESS\""),
    );
    let plan = ws.run(&["plan", "-detailed-exitcode"]).expect_code(2);
    assert!(
        plan.stdout
            .contains("~ table_class = \"STANDARD\" -> \"STANDARD_INFREQUENT_ACCESS\"")
            && plan.stdout.contains("Plan: 0 to add, 1 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    ws.write(
        "main.tf",
        &table(
            "read_capacity = 1\n  write_capacity = 1",
            "on_demand_throughput {\n    max_read_request_units = 100\n  }",
        ),
    );
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(
        bad.stderr.contains("on_demand_throughput applies to on-demand tables") && bad.stderr.contains("main.tf line"),
        "{}",
        bad.stderr
    );
    ws.write("main.tf", &table(on_demand, "table_class = \"STANDARD\""));
    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    assert_eq!(ws.run(&["state", "list"]).expect_code(0).stdout, "");
}

/// Contributor Insights and Kinesis streaming on a table through the binary: the emulator has
/// neither (both are checked against DynamoDB's documented answers in
/// providers/src/dynamodb/insights.rs and streaming.rs), so they are validated and planned
/// beside a table the emulator makes: a mistaken precision is refused at its line, and the
/// good configuration plans both with the IDs the AWS provider gives them.
#[test]
fn contributor_insights_and_kinesis_streaming_are_checked_and_planned() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    let config = |precision: &str| {
        format!(
            r#"resource "aws_dynamodb_table" "t" {{
  name         = "orders"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  attribute {{
    name = "id"
    type = "S"
  }}
}}

resource "aws_dynamodb_contributor_insights" "t" {{
  table_name = aws_dynamodb_table.t.name
}}

resource "aws_dynamodb_kinesis_streaming_destination" "t" {{
  table_name                               = aws_dynamodb_table.t.name
  stream_arn                               = "arn:aws:kinesis:us-east-1:123456789012:stream/orders-changes"
  approximate_creation_date_time_precision = "{precision}"
}}
"#
        )
    };
    ws.write("main.tf", &config("SECOND"));
    let bad = ws.run(&["validate"]).expect_code(1);
    assert!(bad.stderr.contains("on main.tf line 18"), "{}", bad.stderr);
    ws.write("main.tf", &config("MICROSECOND"));
    let plan = planned_changes(&ws, "Plan: 3 to add, 0 to change, 0 to destroy.");
    assert!(
        plan.stdout.contains("id                                       = \"orders,arn:aws:kinesis:us-east-1:123456789012:stream/orders-changes\""),
        "{}",
        plan.stdout
    );
}
