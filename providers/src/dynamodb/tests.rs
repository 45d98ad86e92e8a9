//! Replicas against the SDK's replay client, on answers written from the DynamoDB API
//! reference: the emulator accepts `ReplicaUpdates` but ignores them, and answers every
//! global-table call with an error.

use crate::dynamodb::{check_replicas, first, plan_replicas, read_replicas, Table};
use crate::replay::{ctx, Answer};
use crate::support::attrs::block_items;
use aws_sdk_dynamodb::types::TableDescription;
use engine::core::value::{map, Value};
use serde_json::{json, Value as Json};

const TABLE_ARN: &str = "arn:aws:dynamodb:us-east-1:123456789012:table/tdp-sessions";

fn answer(body: Json) -> Answer {
    Answer {
        status: 200,
        content_type: "application/x-amz-json-1.0",
        body: body.to_string(),
        headers: Vec::new(),
    }
}

/// A DescribeTable answer: the table's status and each replica's `(region, status)`.
fn described(status: &str, replicas: &[(&str, &str)]) -> Answer {
    let replicas: Vec<Json> = replicas
        .iter()
        .map(|(region, s)| {
            let mut r = json!({"RegionName": region, "ReplicaStatus": s});
            if *s == "CREATION_FAILED" {
                r["ReplicaStatusDescription"] = json!("The KMS key is not accessible in eu-west-1");
            }
            if *region == "eu-west-1" {
                r["KMSMasterKeyId"] = json!("arn:aws:kms:eu-west-1:123456789012:key/eu");
            }
            r
        })
        .collect();
    answer(json!({"Table": {
        "TableName": "tdp-sessions", "TableArn": TABLE_ARN, "TableStatus": status,
        "Replicas": replicas
    }}))
}

fn updated() -> Answer {
    answer(json!({"TableDescription": {"TableName": "tdp-sessions", "TableArn": TABLE_ARN, "TableStatus": "UPDATING"}}))
}

fn replicas(items: &[(&str, Option<&str>)]) -> Value {
    map([(
        "replica",
        Value::List(
            items
                .iter()
                .map(|(region, key)| {
                    map([
                        ("region_name", Value::from(*region)),
                        ("kms_key_arn", key.map(Value::from).unwrap_or(Value::Null)),
                    ])
                })
                .collect(),
        ),
    )])
}

/// The UpdateTable bodies that were sent, as JSON.
fn updates(replay: &aws_smithy_http_client::test_util::StaticReplayClient) -> Vec<Json> {
    replay
        .actual_requests()
        .filter(|r| r.headers().get("x-amz-target") == Some("DynamoDB_20120810.UpdateTable"))
        .map(|r| serde_json::from_slice(r.body().bytes().unwrap_or(b"{}")).expect("json"))
        .collect()
}

#[test]
fn replicas_are_added_one_call_at_a_time_and_waited_for_until_active() {
    let (ctx, replay) = ctx(vec![
        updated(),
        described("UPDATING", &[("eu-west-1", "CREATING")]),
        described("ACTIVE", &[("eu-west-1", "ACTIVE")]),
        updated(),
        described("ACTIVE", &[("eu-west-1", "ACTIVE"), ("us-west-2", "ACTIVE")]),
    ]);
    let lines = std::sync::Mutex::new(Vec::new());
    let wanted = replicas(&[
        ("us-west-2", None),
        ("eu-west-1", Some("arn:aws:kms:eu-west-1:123456789012:key/eu")),
    ]);
    Table
        .sync_replicas(&ctx, "tdp-sessions", &Value::Null, &wanted, &|l: &str| {
            lines.lock().expect("lines").push(l.to_string())
        })
        .expect("replicas");
    assert_eq!(
        updates(&replay),
        vec![
            json!({"TableName": "tdp-sessions", "ReplicaUpdates": [{"Create": {"RegionName": "eu-west-1", "KMSMasterKeyId": "arn:aws:kms:eu-west-1:123456789012:key/eu"}}]}),
            json!({"TableName": "tdp-sessions", "ReplicaUpdates": [{"Create": {"RegionName": "us-west-2"}}]}),
        ]
    );
    let lines = lines.lock().expect("lines").clone();
    assert!(
        lines.iter().any(|l| l == "replica in eu-west-1 is CREATING"),
        "{lines:?}"
    );
}

#[test]
fn a_replica_no_longer_wanted_or_with_another_key_is_removed_first() {
    let (ctx, replay) = ctx(vec![
        updated(),
        described("ACTIVE", &[("us-west-2", "ACTIVE")]),
        updated(),
        described("ACTIVE", &[]),
        updated(),
        described("ACTIVE", &[("us-west-2", "ACTIVE")]),
    ]);
    let was = replicas(&[
        ("us-west-2", None),
        ("eu-west-1", Some("arn:aws:kms:eu-west-1:123456789012:key/eu")),
    ]);
    let wanted = replicas(&[("us-west-2", Some("arn:aws:kms:us-west-2:123456789012:key/west"))]);
    Table
        .sync_replicas(&ctx, "tdp-sessions", &was, &wanted, &|_: &str| {})
        .expect("replicas");
    assert_eq!(
        updates(&replay),
        vec![
            json!({"TableName": "tdp-sessions", "ReplicaUpdates": [{"Delete": {"RegionName": "eu-west-1"}}]}),
            json!({"TableName": "tdp-sessions", "ReplicaUpdates": [{"Delete": {"RegionName": "us-west-2"}}]}),
            json!({"TableName": "tdp-sessions", "ReplicaUpdates": [{"Create": {"RegionName": "us-west-2", "KMSMasterKeyId": "arn:aws:kms:us-west-2:123456789012:key/west"}}]}),
        ]
    );
}

#[test]
fn a_replica_that_fails_is_an_error_with_dynamodbs_reason() {
    let (ctx, _replay) = ctx(vec![
        updated(),
        described("ACTIVE", &[("eu-west-1", "CREATION_FAILED")]),
    ]);
    let wanted = replicas(&[("eu-west-1", Some("arn:aws:kms:eu-west-1:123456789012:key/eu"))]);
    let error = Table
        .sync_replicas(&ctx, "tdp-sessions", &Value::Null, &wanted, &|_: &str| {})
        .expect_err("failed");
    assert_eq!(error.code, "ReplicaFailed");
    assert!(
        error.message.contains(
            "adding the replica of DynamoDB Table (tdp-sessions) in eu-west-1: the replica is CREATION_FAILED: The KMS key is not accessible in eu-west-1"
        ),
        "{}",
        error.message
    );
}

#[test]
fn replicas_are_read_and_planned_with_their_arns() {
    let table = TableDescription::builder()
        .table_arn(TABLE_ARN)
        .replicas(
            aws_sdk_dynamodb::types::ReplicaDescription::builder()
                .region_name("us-west-2")
                .build(),
        )
        .build();
    let read = read_replicas(&table);
    assert_eq!(
        read,
        Value::List(
            vec![map([
                ("region_name", Value::from("us-west-2")),
                ("kms_key_arn", Value::Null),
                (
                    "arn",
                    Value::from("arn:aws:dynamodb:us-west-2:123456789012:table/tdp-sessions")
                ),
                // DynamoDB's defaults; what the replica's region holds is read apart.
                ("point_in_time_recovery", Value::Bool(false)),
                ("propagate_tags", Value::Bool(false)),
                ("deletion_protection_enabled", Value::Bool(false)),
                ("consistency_mode", Value::from("EVENTUAL")),
            ])]
            .into()
        )
    );
    // Planned over a table whose ARN is known, the replica's is too; on create it is not.
    assert_eq!(
        plan_replicas(&replicas(&[("us-west-2", None)]), &Value::from(TABLE_ARN)),
        read
    );
    let planned = plan_replicas(&replicas(&[("us-west-2", None)]), &Value::UNKNOWN);
    assert_eq!(
        first(&map([("replica", planned)]), "replica").expect("one").get("arn"),
        Value::UNKNOWN
    );
}

#[test]
fn replicas_need_the_tables_stream_and_one_region_each() {
    let config = |stream: bool, regions: &[&str]| {
        map([
            ("stream_enabled", Value::Bool(stream)),
            (
                "stream_view_type",
                if stream {
                    Value::from("NEW_AND_OLD_IMAGES")
                } else {
                    Value::Null
                },
            ),
            (
                "replica",
                Value::List(
                    regions
                        .iter()
                        .map(|r| map([("region_name", Value::from(*r))]))
                        .collect(),
                ),
            ),
        ])
    };
    assert!(check_replicas(&config(true, &["us-west-2", "eu-west-1"])).is_empty());
    let no_stream = check_replicas(&config(false, &["us-west-2"]));
    assert_eq!(no_stream.len(), 1);
    assert!(no_stream[0]
        .message
        .contains("stream_view_type = \"NEW_AND_OLD_IMAGES\""));
    let twice = check_replicas(&config(true, &["us-west-2", "us-west-2"]));
    assert_eq!(twice.len(), 1);
    assert!(twice[0].message.contains("two replicas in us-west-2"));
}

/// A table's settings in the shape the tests below plan and record.
fn table_settings(class: Option<&str>, on_demand: Option<(i64, i64)>) -> Value {
    map([
        ("name", Value::from("tdp-sessions")),
        ("billing_mode", Value::from("PAY_PER_REQUEST")),
        ("table_class", class.map(Value::from).unwrap_or(Value::Null)),
        (
            "on_demand_throughput",
            Value::List(
                on_demand
                    .map(|(r, w)| {
                        map([
                            ("max_read_request_units", Value::from(r as i64)),
                            ("max_write_request_units", Value::from(w as i64)),
                        ])
                    })
                    .into_iter()
                    .collect(),
            ),
        ),
    ])
}

fn active() -> Answer {
    answer(json!({"Table": {"TableName": "tdp-sessions", "TableArn": TABLE_ARN, "TableStatus": "ACTIVE"}}))
}

#[test]
fn a_new_table_class_and_on_demand_maximums_are_updated_in_place_and_removed_again() {
    let (set, replay) = ctx(vec![active(), updated(), active(), updated(), active()]);
    Table
        .apply_update(
            &set,
            &table_settings(None, None),
            &table_settings(Some("STANDARD_INFREQUENT_ACCESS"), Some((100, 50))),
            &|_: &str| {},
        )
        .expect("update");
    assert_eq!(
        updates(&replay),
        vec![
            json!({"TableName": "tdp-sessions", "TableClass": "STANDARD_INFREQUENT_ACCESS"}),
            json!({"TableName": "tdp-sessions", "OnDemandThroughput": {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": 50}}),
        ]
    );
    // Back to the defaults: the STANDARD class, and no maximums (-1 removes them).
    let (unset, replay) = ctx(vec![active(), updated(), active(), updated(), active()]);
    Table
        .apply_update(
            &unset,
            &table_settings(Some("STANDARD_INFREQUENT_ACCESS"), Some((100, 50))),
            &table_settings(None, None),
            &|_: &str| {},
        )
        .expect("update");
    assert_eq!(
        updates(&replay),
        vec![
            json!({"TableName": "tdp-sessions", "TableClass": "STANDARD"}),
            json!({"TableName": "tdp-sessions", "OnDemandThroughput": {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}}),
        ]
    );
}

/// DescribeTable, DescribeContinuousBackups, DescribeTimeToLive and ListTagsOfResource
/// answers for a read of the table, with `extra` merged into the table's description.
fn read_answers(extra: Json) -> Vec<Answer> {
    let mut table = json!({
        "TableName": "tdp-sessions", "TableArn": TABLE_ARN, "TableStatus": "ACTIVE",
        "KeySchema": [{"AttributeName": "id", "KeyType": "HASH"}],
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}],
        "BillingModeSummary": {"BillingMode": "PAY_PER_REQUEST"}
    });
    if let (Some(t), Some(e)) = (table.as_object_mut(), extra.as_object()) {
        t.extend(e.clone());
    }
    vec![
        answer(json!({ "Table": table })),
        answer(
            json!({"ContinuousBackupsDescription": {"ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": "DISABLED"}}}),
        ),
        answer(json!({"TimeToLiveDescription": {"TimeToLiveStatus": "DISABLED"}})),
        answer(json!({"Tags": []})),
    ]
}

#[test]
fn the_table_class_and_on_demand_maximums_are_read_back_and_defaults_stay_unset() {
    let (set, _replay) = ctx(read_answers(json!({
        "TableClassSummary": {"TableClass": "STANDARD_INFREQUENT_ACCESS"},
        "OnDemandThroughput": {"MaxReadRequestUnits": 100, "MaxWriteRequestUnits": -1}
    })));
    let read = Table
        .fetch(&set, "tdp-sessions", &Value::Null)
        .expect("read")
        .expect("the table");
    assert_eq!(read.get("table_class"), Value::from("STANDARD_INFREQUENT_ACCESS"));
    assert_eq!(
        read.get("on_demand_throughput"),
        Value::List(
            vec![map([
                ("max_read_request_units", Value::from(100.0)),
                ("max_write_request_units", Value::Null),
            ])]
            .into()
        )
    );
    // A table made without either (DynamoDB reports the STANDARD class and -1 maximums) plans
    // no change against a configuration that does not set them.
    let (defaults, _replay) = ctx(read_answers(json!({
        "TableClassSummary": {"TableClass": "STANDARD"},
        "OnDemandThroughput": {"MaxReadRequestUnits": -1, "MaxWriteRequestUnits": -1}
    })));
    let read = Table
        .fetch(&defaults, "tdp-sessions", &table_settings(None, None))
        .expect("read")
        .expect("the table");
    assert_eq!(read.get("table_class"), Value::Null);
    assert_eq!(read.get("on_demand_throughput"), Value::List(Vec::new().into()));
}

/// A table value with one replica in us-west-2 with these settings, and the table's tags.
fn with_replica(pitr: bool, protected: bool, propagate: bool, tags: &[(&str, &str)]) -> Value {
    map([
        ("arn", Value::from(TABLE_ARN)),
        (
            "tags_all",
            Value::Map(tags.iter().map(|(k, v)| (k.to_string(), Value::from(*v))).collect()),
        ),
        (
            "replica",
            Value::List(
                vec![map([
                    ("region_name", Value::from("us-west-2")),
                    ("kms_key_arn", Value::Null),
                    ("point_in_time_recovery", Value::Bool(pitr)),
                    ("deletion_protection_enabled", Value::Bool(protected)),
                    ("propagate_tags", Value::Bool(propagate)),
                ])]
                .into(),
            ),
        ),
    ])
}

/// Each request's (region in its host, DynamoDB operation, JSON body).
fn regional_calls(replay: &aws_smithy_http_client::test_util::StaticReplayClient) -> Vec<(String, String, Json)> {
    replay
        .actual_requests()
        .map(|r| {
            let host = r.uri().split('/').nth(2).unwrap_or_default().to_string();
            // dynamodb.REGION.amazonaws.com, or ACCOUNT.ddb.REGION.amazonaws.com for calls on an ARN.
            let parts: Vec<&str> = host.split('.').collect();
            let region = parts
                .len()
                .checked_sub(3)
                .map(|i| parts[i])
                .unwrap_or_default()
                .to_string();
            let op = r
                .headers()
                .get("x-amz-target")
                .unwrap_or_default()
                .trim_start_matches("DynamoDB_20120810.")
                .to_string();
            let body = serde_json::from_slice(r.body().bytes().unwrap_or(b"{}")).expect("json");
            (region, op, body)
        })
        .collect()
}

#[test]
fn a_replicas_own_settings_are_set_and_read_in_its_region() {
    let backups = |status: &str| {
        answer(json!({"ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": {"PointInTimeRecoveryStatus": status}
        }}))
    };
    let (ctx, replay) = ctx(vec![
        updated(),                                       // add the replica
        described("ACTIVE", &[("us-west-2", "ACTIVE")]), // ... until it is ACTIVE
        backups("ENABLED"),                              // its recovery, in us-west-2
        updated(),                                       // its deletion protection
        answer(json!({})),                               // the table's tags on it
        backups("ENABLED"),                              // read: recovery
        answer(json!({"Table": {"TableName": "tdp-sessions", "DeletionProtectionEnabled": true}})),
        backups("DISABLED"), // recovery off again
        answer(json!({})),   // a tag removed
        answer(json!({})),   // a tag changed
    ]);
    let wanted = with_replica(true, true, true, &[("team", "data"), ("tier", "hot")]);
    Table
        .sync_replicas(&ctx, "tdp-sessions", &Value::Null, &wanted, &|_: &str| {})
        .expect("replicas");

    let read = Table
        .read_replica_settings(
            &ctx,
            "tdp-sessions",
            plan_replicas(&wanted, &Value::from(TABLE_ARN)),
            &wanted,
        )
        .expect("read");
    let replica = first(&map([("replica", read)]), "replica").expect("one");
    assert_eq!(replica.get("point_in_time_recovery"), Value::Bool(true));
    assert_eq!(replica.get("deletion_protection_enabled"), Value::Bool(true));
    assert_eq!(replica.get("propagate_tags"), Value::Bool(true));

    // Recovery off and the tags changed: the replica follows, nothing else is called.
    let later = with_replica(false, true, true, &[("team", "analytics")]);
    Table
        .sync_replicas(&ctx, "tdp-sessions", &wanted, &later, &|_: &str| {})
        .expect("replicas");

    let replica_arn = "arn:aws:dynamodb:us-west-2:123456789012:table/tdp-sessions";
    let calls = regional_calls(&replay);
    let shape: Vec<(&str, &str)> = calls.iter().map(|(r, o, _)| (r.as_str(), o.as_str())).collect();
    assert_eq!(
        shape,
        vec![
            ("us-east-1", "UpdateTable"),
            ("us-east-1", "DescribeTable"),
            ("us-west-2", "UpdateContinuousBackups"),
            ("us-west-2", "UpdateTable"),
            ("us-west-2", "TagResource"),
            ("us-west-2", "DescribeContinuousBackups"),
            ("us-west-2", "DescribeTable"),
            ("us-west-2", "UpdateContinuousBackups"),
            ("us-west-2", "UntagResource"),
            ("us-west-2", "TagResource"),
        ]
    );
    assert_eq!(
        calls[2].2,
        json!({"TableName": "tdp-sessions", "PointInTimeRecoverySpecification": {"PointInTimeRecoveryEnabled": true}})
    );
    assert_eq!(
        calls[3].2,
        json!({"TableName": "tdp-sessions", "DeletionProtectionEnabled": true})
    );
    assert_eq!(
        calls[4].2,
        json!({"ResourceArn": replica_arn, "Tags": [{"Key": "team", "Value": "data"}, {"Key": "tier", "Value": "hot"}]})
    );
    assert_eq!(calls[8].2, json!({"ResourceArn": replica_arn, "TagKeys": ["tier"]}));
    assert_eq!(
        calls[9].2,
        json!({"ResourceArn": replica_arn, "Tags": [{"Key": "team", "Value": "analytics"}]})
    );
}

#[test]
fn strongly_consistent_replicas_are_refused_with_the_reason() {
    let mut config = with_replica(false, false, false, &[]);
    if let Value::Map(m) = &mut config {
        m.insert("stream_enabled".into(), Value::Bool(true));
        m.insert("stream_view_type".into(), Value::from("NEW_AND_OLD_IMAGES"));
        if let Some(Value::List(replicas)) = m.get_mut("replica") {
            if let Some(Value::Map(r)) = replicas.first_mut() {
                r.insert("consistency_mode".into(), Value::from("STRONG"));
            }
        }
    }
    let problems = check_replicas(&config);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("consistency_mode = \"STRONG\" is not supported yet"),
        "{}",
        problems[0].message
    );
}

/// The emulator keeps no on-demand maximums on an index: an index's maximums are sent with
/// the table and read back from DynamoDB's documented answer.
#[test]
fn an_index_s_on_demand_maximums_are_sent_and_read_back() {
    let (ctx, _replay) = ctx(read_answers(json!({
        "AttributeDefinitions": [{"AttributeName": "id", "AttributeType": "S"}, {"AttributeName": "day", "AttributeType": "S"}],
        "GlobalSecondaryIndexes": [{
            "IndexName": "by-day",
            "KeySchema": [{"AttributeName": "day", "KeyType": "HASH"}],
            "Projection": {"ProjectionType": "ALL"},
            "IndexStatus": "ACTIVE",
            "OnDemandThroughput": {"MaxReadRequestUnits": 50, "MaxWriteRequestUnits": -1}
        }]
    })));
    let read = Table
        .fetch(&ctx, "tdp-sessions", &Value::Null)
        .expect("read")
        .expect("the table");
    let index = &block_items(&read, "global_secondary_index")[0];
    assert_eq!(
        index.get("on_demand_throughput"),
        Value::List(
            vec![map([
                ("max_read_request_units", Value::from(50i64)),
                ("max_write_request_units", Value::Null),
            ])]
            .into()
        )
    );
    let planned = map([("global_secondary_index", Value::List(vec![index.clone()].into()))]);
    let sent = super::indexes::global_indexes(&planned).expect("indexes");
    assert_eq!(
        sent[0].on_demand_throughput().and_then(|o| o.max_read_request_units()),
        Some(50)
    );
}
