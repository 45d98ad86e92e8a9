//! A DynamoDB table's items and resource policy through the binary against the emulator:
//! create, no-op re-plan, an item rewritten in place and moved to a new key, a change made
//! outside, the policy changed and imported, destroy; each read back through the SDK.

use crate::util::{block_on, planned_changes, reimport, start_moto, workspace, Clients, Moto};
use aws_sdk_dynamodb::types::AttributeValue;

const ITEMS: &str = r#"
resource "aws_dynamodb_table" "runs" {
  name         = "runs"
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = "id"
  range_key    = "at"

  attribute {
    name = "id"
    type = "S"
  }

  attribute {
    name = "at"
    type = "N"
  }
}

resource "aws_dynamodb_table_item" "first" {
  table_name = aws_dynamodb_table.runs.name
  hash_key   = aws_dynamodb_table.runs.hash_key
  range_key  = aws_dynamodb_table.runs.range_key
  item = jsonencode({
    id     = { S = "run-1" }
    at     = { N = "1700000000" }
    status = { S = "done" }
    tags   = { SS = ["a", "b"] }
    params = { M = { lr = { N = "0.01" }, fast = { BOOL = true } } }
  })
}

resource "aws_dynamodb_resource_policy" "runs" {
  resource_arn = aws_dynamodb_table.runs.arn
  policy       = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "read", Effect = "Allow", Principal = { AWS = "arn:aws:iam::123456789012:role/reader" }, Action = "dynamodb:GetItem", Resource = aws_dynamodb_table.runs.arn }] })
}
"#;

/// The `status` of the item with this key, or `None` when there is no such item.
fn status(moto: &Moto, id: &str, at: &str) -> Option<String> {
    block_on(async {
        let out = moto
            .dynamodb()
            .get_item()
            .table_name("runs")
            .key("id", AttributeValue::S(id.into()))
            .key("at", AttributeValue::N(at.into()))
            .send()
            .await
            .ok()?;
        out.item()?.get("status")?.as_s().ok().cloned()
    })
}

#[test]
fn items_and_a_resource_policy_live_through_create_update_drift_and_destroy() {
    let moto = start_moto();
    let ws = workspace(Some(&moto));
    ws.write("main.tf", ITEMS);
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(status(&moto, "run-1", "1700000000").as_deref(), Some("done"));
    let arn = "arn:aws:dynamodb:us-east-1:123456789012:table/runs";
    reimport(&ws, "aws_dynamodb_resource_policy.runs", arn);
    ws.run(&["state", "rm", "aws_dynamodb_table_item.first"]).expect_code(0);
    let import = ws.run(&["import", "aws_dynamodb_table_item.first", "runs|id|run-1|at|1700000000"]);
    assert_ne!(import.code, 0);
    assert!(import.stderr.contains("cannot be imported"), "{}", import.stderr);
    // Forgotten, the item is not written over the one that is there.
    let again = ws.run(&["apply", "-auto-approve"]);
    assert_ne!(again.code, 0, "an existing item is not overwritten by a new one");
    assert!(
        again.stderr.contains("already has an item with this key"),
        "{}",
        again.stderr
    );
    block_on(async {
        moto.dynamodb()
            .delete_item()
            .table_name("runs")
            .key("id", AttributeValue::S("run-1".into()))
            .key("at", AttributeValue::N("1700000000".into()))
            .send()
            .await
            .expect("delete by hand")
    });
    ws.run(&["apply", "-auto-approve"]).expect_code(0);

    // Rewritten in place; the policy changes in place.
    let updated = ITEMS
        .replace("status = { S = \"done\" }", "status = { S = \"failed\" }")
        .replace("\"dynamodb:GetItem\"", "[\"dynamodb:GetItem\", \"dynamodb:Query\"]");
    ws.write("main.tf", &updated);
    planned_changes(&ws, "Plan: 0 to add, 2 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    ws.run(&["plan", "-detailed-exitcode"]).expect_code(0);
    assert_eq!(status(&moto, "run-1", "1700000000").as_deref(), Some("failed"));

    // A status changed outside is put back.
    block_on(async {
        moto.dynamodb()
            .update_item()
            .table_name("runs")
            .key("id", AttributeValue::S("run-1".into()))
            .key("at", AttributeValue::N("1700000000".into()))
            .update_expression("SET #s = :s")
            .expression_attribute_names("#s", "status")
            .expression_attribute_values(":s", AttributeValue::S("by hand".into()))
            .send()
            .await
            .expect("by hand")
    });
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(status(&moto, "run-1", "1700000000").as_deref(), Some("failed"));

    // A new key moves the item: the new one is written, the old one deleted.
    ws.write("main.tf", &updated.replace("run-1", "run-2"));
    planned_changes(&ws, "Plan: 0 to add, 1 to change, 0 to destroy.");
    ws.run(&["apply", "-auto-approve"]).expect_code(0);
    assert_eq!(status(&moto, "run-1", "1700000000"), None);
    assert_eq!(status(&moto, "run-2", "1700000000").as_deref(), Some("failed"));

    ws.run(&["destroy", "-auto-approve"]).expect_code(0);
    let tables = block_on(async { moto.dynamodb().list_tables().send().await.expect("tables") });
    assert!(tables.table_names().is_empty());
}

#[test]
fn an_item_without_its_key_or_in_plain_json_is_refused_at_its_line() {
    let ws = workspace(None);
    ws.write(
        "main.tf",
        r#"resource "aws_dynamodb_table_item" "a" {
  table_name = "t"
  hash_key   = "id"
  item       = jsonencode({ name = { S = "x" } })
}

resource "aws_dynamodb_table_item" "b" {
  table_name = "t"
  hash_key   = "id"
  item       = jsonencode({ id = "plain" })
}
"#,
    );
    let run = ws.run(&["validate"]);
    assert_eq!(run.code, 1, "{}{}", run.stdout, run.stderr);
    for (text, line) in [
        ("the item has no \"id\" attribute, which its key needs", "line 4"),
        ("is not a DynamoDB value", "line 10"),
    ] {
        assert!(run.stderr.contains(text), "{text} in {}", run.stderr);
        assert!(
            run.stderr.contains(&format!("on main.tf {line}")),
            "{line} in {}",
            run.stderr
        );
    }
}
