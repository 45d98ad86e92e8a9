//! Arguments of bucket configurations that the emulator leaves out of its answers (log
//! partitioning, lifecycle minimum object size, replication of existing and KMS-encrypted
//! objects, object lock tokens, blocked encryption types), tested against answers written from
//! the S3 API reference through the SDK's replay client.

use super::encryption::Encryption;
use super::lifecycle::Lifecycle;
use super::logging::Logging;
use super::object_lock::ObjectLock;
use super::replayed::{block, xml};
use super::replication::Replication;
use super::{first, Sub};
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

fn logging(format: &str) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><BucketLoggingStatus xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><LoggingEnabled><TargetBucket>tdp-logs</TargetBucket><TargetPrefix>datalake/</TargetPrefix><TargetObjectKeyFormat>{format}</TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>"#
        ),
    )
}

#[test]
fn logs_keyed_by_a_partitioned_prefix_are_put_read_back_and_found_changed() {
    let partitioned = "<PartitionedPrefix><PartitionDateSource>EventTime</PartitionDateSource></PartitionedPrefix>";
    let (ctx, replay) = ctx(vec![
        xml(200, ""),
        logging(partitioned),
        logging("<SimplePrefix/>"), // switched to simple keys from the console
        xml(200, ""),
    ]);
    let l = Sub(Logging);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("expected_bucket_owner", Value::Null),
        ("target_bucket", Value::from("tdp-logs")),
        ("target_prefix", Value::from("datalake/")),
        (
            "target_object_key_format",
            block(vec![
                (
                    "partitioned_prefix",
                    block(vec![("partition_date_source", Value::from("EventTime"))]),
                ),
                ("simple_prefix", Value::List(Vec::new().into())),
            ]),
        ),
    ]);
    assert!(l.validate(&config).is_empty(), "{:?}", l.validate(&config));
    let (planned, _) = l.plan(&ctx, None, config.clone()).expect("plan");
    let (state, error) = l.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(l.read(&ctx, &state).expect("read"), Some(state.clone()));
    let drifted = l.read(&ctx, &state).expect("read").expect("found");
    let (planned, _) = l.plan(&ctx, Some(&drifted), config).expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&l.schema(), &drifted, &planned),
        vec!["target_object_key_format".to_string()]
    );
    let (_, error) = l.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let requests = sent(&replay);
    for i in [0, 3] {
        assert!(
            requests[i]
                .2
                .contains(&format!("<TargetObjectKeyFormat>{partitioned}</TargetObjectKeyFormat>")),
            "request {i}: {}",
            requests[i].2
        );
    }
    let both = map([(
        "target_object_key_format",
        block(vec![
            (
                "partitioned_prefix",
                block(vec![("partition_date_source", Value::from("EventTime"))]),
            ),
            ("simple_prefix", Value::List(vec![Value::empty_map()].into())),
        ]),
    )]);
    assert_eq!(l.validate(&both).len(), 1);
}

#[test]
fn a_lifecycle_sets_the_default_minimum_object_size_for_transitions() {
    let rules = r#"<Rule><ID>archive</ID><Filter><Prefix>archive/</Prefix></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>GLACIER</StorageClass></Transition></Rule>"#;
    let answer = |size: &'static str| Answer {
        headers: vec![("x-amz-transition-default-minimum-object-size", size)],
        ..xml(
            200,
            &format!(
                r#"<?xml version="1.0" encoding="UTF-8"?><LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{rules}</LifecycleConfiguration>"#
            ),
        )
    };
    let (ctx, replay) = ctx(vec![
        Answer {
            headers: vec![(
                "x-amz-transition-default-minimum-object-size",
                "varies_by_storage_class",
            )],
            ..xml(200, "")
        },
        answer("varies_by_storage_class"),
        answer("all_storage_classes_128K"), // set back from the console
    ]);
    let l = Sub(Lifecycle);
    let rule = map([
        ("id", Value::from("archive")),
        ("status", Value::from("Enabled")),
        ("filter", block(vec![("prefix", Value::from("archive/"))])),
        (
            "transition",
            block(vec![
                ("days", Value::from(30.0)),
                ("storage_class", Value::from("GLACIER")),
            ]),
        ),
    ]);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        (
            "transition_default_minimum_object_size",
            Value::from("varies_by_storage_class"),
        ),
        ("rule", Value::List(vec![rule].into())),
    ]);
    let (planned, _) = l.plan(&ctx, None, config.clone()).expect("plan");
    let (state, error) = l.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let read = l.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(
        read.get("transition_default_minimum_object_size"),
        Value::from("varies_by_storage_class")
    );
    let drifted = l.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(
        drifted.get("transition_default_minimum_object_size"),
        Value::from("all_storage_classes_128K")
    );
    let put = replay.actual_requests().next().expect("the put");
    assert_eq!(
        put.headers().get("x-amz-transition-default-minimum-object-size"),
        Some("varies_by_storage_class")
    );
    let sizes = l.schema().attributes["transition_default_minimum_object_size"]
        .one_of
        .expect("one_of");
    assert_eq!(sizes, &["varies_by_storage_class", "all_storage_classes_128K"]);
}

#[test]
fn replication_of_existing_and_kms_encrypted_objects_is_put_and_read_back() {
    let rule_xml = |existing: &str| {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ReplicationConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Role>arn:aws:iam::123456789012:role/replication</Role><Rule><ID>all</ID><Priority>1</Priority><Status>Enabled</Status><Filter><Prefix>data/</Prefix></Filter><SourceSelectionCriteria><SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects><ReplicaModifications><Status>Disabled</Status></ReplicaModifications></SourceSelectionCriteria><ExistingObjectReplication><Status>{existing}</Status></ExistingObjectReplication><Destination><Bucket>arn:aws:s3:::tdp-replica</Bucket><EncryptionConfiguration><ReplicaKmsKeyID>arn:aws:kms:us-west-2:123456789012:key/replica</ReplicaKmsKeyID></EncryptionConfiguration></Destination><DeleteMarkerReplication><Status>Disabled</Status></DeleteMarkerReplication></Rule></ReplicationConfiguration>"#
        )
    };
    let (ctx, replay) = ctx(vec![
        xml(200, ""),
        xml(200, &rule_xml("Enabled")),
        xml(200, &rule_xml("Disabled")),
    ]);
    let r = Sub(Replication);
    let status = |s: &str| block(vec![("status", Value::from(s))]);
    let rule = map([
        ("id", Value::from("all")),
        ("priority", Value::from(1.0)),
        ("status", Value::from("Enabled")),
        ("filter", block(vec![("prefix", Value::from("data/"))])),
        ("delete_marker_replication", status("Disabled")),
        ("existing_object_replication", status("Enabled")),
        (
            "source_selection_criteria",
            block(vec![
                ("replica_modifications", status("Disabled")),
                ("sse_kms_encrypted_objects", status("Enabled")),
            ]),
        ),
        (
            "destination",
            block(vec![
                ("bucket", Value::from("arn:aws:s3:::tdp-replica")),
                (
                    "encryption_configuration",
                    block(vec![(
                        "replica_kms_key_id",
                        Value::from("arn:aws:kms:us-west-2:123456789012:key/replica"),
                    )]),
                ),
            ]),
        ),
    ]);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("role", Value::from("arn:aws:iam::123456789012:role/replication")),
        ("rule", Value::List(vec![rule].into())),
    ]);
    assert!(r.validate(&config).is_empty(), "{:?}", r.validate(&config));
    let (planned, _) = r.plan(&ctx, None, config).expect("plan");
    let (state, error) = r.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let rule_of = |v: &Value| first(v, "rule").expect("a rule");
    let read = r.read(&ctx, &state).expect("read").expect("found");
    for key in ["existing_object_replication", "source_selection_criteria"] {
        assert_eq!(rule_of(&read).get(key), rule_of(&state).get(key), "{key}");
    }
    let drifted = r.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(
        rule_of(&drifted).get("existing_object_replication"),
        status("Disabled"),
        "turned off from the console"
    );
    let put = &sent(&replay)[0].2;
    for part in [
        "<ExistingObjectReplication><Status>Enabled</Status></ExistingObjectReplication>",
        "<SseKmsEncryptedObjects><Status>Enabled</Status></SseKmsEncryptedObjects>",
        "<ReplicaModifications><Status>Disabled</Status></ReplicaModifications>",
    ] {
        assert!(put.contains(part), "the put lacks {part}: {put}");
    }
}

#[test]
fn an_object_lock_token_goes_with_the_object_lock_and_replication_puts() {
    let (ctx, replay) = ctx(vec![xml(200, ""), xml(200, "")]);
    let token = Value::from("AWS-SUPPORT-TOKEN-0123").mark_sensitive();
    let lock = map([
        ("bucket", Value::from("tdp-datalake")),
        ("object_lock_enabled", Value::from("Enabled")),
        ("token", token.clone()),
        (
            "rule",
            block(vec![(
                "default_retention",
                block(vec![("mode", Value::from("GOVERNANCE")), ("days", Value::from(30.0))]),
            )]),
        ),
    ]);
    let (planned, _) = Sub(ObjectLock).plan(&ctx, None, lock).expect("plan");
    let (state, error) = Sub(ObjectLock).create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(
        state.expect("state").get("token").deep_unmark(),
        Value::from("AWS-SUPPORT-TOKEN-0123")
    );
    assert!(Sub(ObjectLock).schema().attributes["token"].sensitive);

    let replication = map([
        ("bucket", Value::from("tdp-datalake")),
        ("role", Value::from("arn:aws:iam::123456789012:role/replication")),
        ("token", token),
        (
            "rule",
            Value::List(
                vec![map([
                    ("status", Value::from("Enabled")),
                    (
                        "destination",
                        block(vec![("bucket", Value::from("arn:aws:s3:::tdp-replica"))]),
                    ),
                ])]
                .into(),
            ),
        ),
    ]);
    let (planned, _) = Sub(Replication).plan(&ctx, None, replication).expect("plan");
    let (_, error) = Sub(Replication).create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert!(Sub(Replication).schema().attributes["token"].sensitive);

    let tokens: Vec<Option<String>> = replay
        .actual_requests()
        .map(|r| r.headers().get("x-amz-bucket-object-lock-token").map(str::to_string))
        .collect();
    assert_eq!(
        tokens,
        vec![
            Some("AWS-SUPPORT-TOKEN-0123".to_string()),
            Some("AWS-SUPPORT-TOKEN-0123".to_string())
        ]
    );
}

fn encryption(blocked: &str) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><ServerSideEncryptionConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm></ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled><BlockedEncryptionTypes><EncryptionType>{blocked}</EncryptionType></BlockedEncryptionTypes></Rule></ServerSideEncryptionConfiguration>"#
        ),
    )
}

fn encryption_rule(blocked: Value) -> Value {
    Value::List(
        vec![map([
            (
                "apply_server_side_encryption_by_default",
                Value::List(
                    vec![map([
                        ("sse_algorithm", Value::from("AES256")),
                        ("kms_master_key_id", Value::Null),
                    ])]
                    .into(),
                ),
            ),
            ("bucket_key_enabled", Value::Bool(false)),
            ("blocked_encryption_types", blocked),
        ])]
        .into(),
    )
}

#[test]
fn blocked_encryption_types_are_put_read_back_found_changed_and_left_to_s3_when_unset() {
    let (ctx, replay) = ctx(vec![
        xml(200, ""),        // create
        encryption("NONE"),  // changed from the console
        xml(200, ""),        // update
        encryption("SSE-C"), // a configuration that leaves blocking to S3
    ]);
    let e = Sub(Encryption);
    let blocked = Value::List(vec![Value::from("SSE-C")].into());
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("rule", encryption_rule(blocked.clone())),
    ]);
    assert!(e.validate(&config).is_empty());
    let (planned, _) = e.plan(&ctx, None, config.clone()).expect("plan");
    let (state, error) = e.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let blocked_of = |v: &Value| first(v, "rule").expect("a rule").get("blocked_encryption_types");
    assert_eq!(blocked_of(&state), blocked);

    let drifted = e.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(blocked_of(&drifted), Value::List(vec![Value::from("NONE")].into()));
    let (planned, _) = e.plan(&ctx, Some(&drifted), config).expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&e.schema(), &drifted, &planned),
        vec!["rule".to_string()]
    );
    let (updated, error) = e.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(blocked_of(&updated.expect("state")), blocked);

    // Without the argument, what S3 blocks by default is not a difference.
    let unset = map([
        ("bucket", Value::from("tdp-datalake")),
        ("rule", encryption_rule(Value::Null)),
    ]);
    let (unset_state, _) = e.plan(&ctx, Some(&state), unset).expect("plan");
    let read = e.read(&ctx, &unset_state).expect("read").expect("found");
    assert_eq!(blocked_of(&read), Value::Null);

    let requests = sent(&replay);
    for i in [0, 2] {
        assert!(
            requests[i]
                .2
                .contains("<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes>"),
            "request {i}: {}",
            requests[i].2
        );
    }

    let wrong = map([
        ("bucket", Value::from("tdp-datalake")),
        (
            "rule",
            encryption_rule(Value::List(vec![Value::from("SSE-KMS")].into())),
        ),
    ]);
    let problems = e.validate(&wrong);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0]
        .message
        .contains("\"SSE-KMS\" is not an encryption type S3 can block"));
}
