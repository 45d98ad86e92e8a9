//! DynamoDB tables with secondary indexes through the binary against the emulator: a global
//! index is added, resized and removed in place, local indexes are made with the table, and the
//! result is read back through the SDK after each step.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Clients, Moto};

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
