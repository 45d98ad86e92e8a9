//! Bucket configurations, and arguments of them, that the emulator accepts but does not keep
//! (its GET answers a bucket listing, or leaves the argument out), tested against answers written from the S3 API reference through
//! the SDK's replay client.

use super::analytics::Analytics;
use super::encryption::Encryption;
use super::intelligent_tiering::IntelligentTiering;
use super::inventory::Inventory;
use super::lifecycle::Lifecycle;
use super::logging::Logging;
use super::metric::Metric;
use super::object_lock::ObjectLock;
use super::replication::Replication;
use super::request_payment::RequestPayment;
use super::{first, Sub};
use crate::resource::{ResourceType, Step};
use crate::support::replay::{ctx, sent, Answer};
use engine::core::value::{map, Value};

fn xml(status: u16, body: &str) -> Answer {
    Answer {
        status,
        content_type: "application/xml",
        body: body.to_string(),
        headers: Vec::new(),
    }
}

fn payer(who: &str) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><RequestPaymentConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Payer>{who}</Payer></RequestPaymentConfiguration>"#
        ),
    )
}

const NO_SUCH_BUCKET: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message><BucketName>tdp-datalake</BucketName></Error>"#;

#[test]
fn request_payment_is_put_read_imported_found_changed_and_set_back_to_the_owner() {
    let (ctx, replay) = ctx(vec![
        xml(200, ""),             // create: PUT Requester
        payer("Requester"),       // read back
        payer("Requester"),       // import
        payer("BucketOwner"),     // someone switched it back from the console
        xml(200, ""),             // update: PUT Requester
        xml(200, ""),             // delete: PUT BucketOwner
        xml(404, NO_SUCH_BUCKET), // read after the bucket is gone
    ]);
    let rp = Sub(RequestPayment);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("payer", Value::from("Requester")),
    ]);
    let (planned, _) = rp.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("id"), Value::from("tdp-datalake"));
    let intents = std::sync::Mutex::new(Vec::new());
    let (state, error) = rp
        .create(
            &ctx,
            &planned,
            &Step {
                private: None,
                intent: &|id: &str| intents.lock().expect("intents").push(id.to_string()),
                progress: &|_: &str| {},
            },
        )
        .into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("payer"), Value::from("Requester"));
    assert_eq!(*intents.lock().expect("intents"), vec!["tdp-datalake".to_string()]);

    assert_eq!(rp.read(&ctx, &state).expect("read"), Some(state.clone()));
    let imported = rp.import(&ctx, "tdp-datalake").expect("import").expect("found");
    assert_eq!(imported.get("payer"), Value::from("Requester"));
    assert_eq!(imported.get("id"), state.get("id"));

    let drifted = rp.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(drifted.get("payer"), Value::from("BucketOwner"));
    let (planned, _) = rp.plan(&ctx, Some(&drifted), config).expect("plan");
    let changed = engine::plan::diff::changed_attributes(&rp.schema(), &drifted, &planned);
    assert_eq!(changed, vec!["payer".to_string()]);
    let (updated, error) = rp.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("payer"), Value::from("Requester"));

    rp.delete(&ctx, &state, &Step::QUIET).expect("delete");
    assert_eq!(rp.read(&ctx, &state).expect("read"), None);

    let requests = sent(&replay);
    let shape: Vec<(&str, &str)> = requests.iter().map(|(m, t, _)| (m.as_str(), t.as_str())).collect();
    let host = "tdp-datalake.s3.us-east-1.amazonaws.com/?requestPayment";
    assert_eq!(
        shape,
        vec![
            ("PUT", host),
            ("GET", host),
            ("GET", host),
            ("GET", host),
            ("PUT", host),
            ("PUT", host),
            ("GET", host)
        ]
    );
    for (i, who) in [(0, "Requester"), (4, "Requester"), (5, "BucketOwner")] {
        assert!(
            requests[i].2.contains(&format!("<Payer>{who}</Payer>")),
            "request {i}: {}",
            requests[i].2
        );
    }
}

#[test]
fn request_payment_takes_only_the_two_payers_s3_knows() {
    let schema = Sub(RequestPayment).schema();
    let allowed = schema.attributes["payer"].one_of.expect("one_of");
    assert_eq!(allowed, &["BucketOwner", "Requester"]);
}

fn metric(filter: &str) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><MetricsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>documents</Id><Filter>{filter}</Filter></MetricsConfiguration>"#
        ),
    )
}

const NO_SUCH_CONFIGURATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchConfiguration</Code><Message>The specified configuration does not exist.</Message></Error>"#;

#[test]
fn a_metric_is_put_read_imported_found_changed_updated_and_deleted() {
    let tagged = "<And><Prefix>documents/</Prefix><Tag><Key>priority</Key><Value>high</Value></Tag></And>";
    let (ctx, replay) = ctx(vec![
        xml(200, ""),                      // create
        metric(tagged),                    // read back
        metric(tagged),                    // import
        metric("<Prefix>other/</Prefix>"), // changed from the console
        xml(200, ""),                      // update
        xml(204, ""),                      // delete
        xml(404, NO_SUCH_CONFIGURATION),   // read after delete
    ]);
    let m = Sub(Metric);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("name", Value::from("documents")),
        (
            "filter",
            Value::List(vec![map([
                ("prefix", Value::from("documents/")),
                ("tags", map([("priority", Value::from("high"))])),
                ("access_point", Value::Null),
            ])]),
        ),
    ]);
    assert!(m.validate(&config).is_empty());
    let (planned, _) = m.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("id"), Value::from("tdp-datalake:documents"));
    let (state, error) = m.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(m.read(&ctx, &state).expect("read"), Some(state.clone()));
    assert_eq!(
        m.import(&ctx, "tdp-datalake:documents").expect("import"),
        Some(state.clone())
    );

    let drifted = m.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(
        drifted.get("filter"),
        Value::List(vec![map([
            ("prefix", Value::from("other/")),
            ("tags", Value::Null),
            ("access_point", Value::Null),
        ])])
    );
    let (planned, _) = m.plan(&ctx, Some(&drifted), config).expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&m.schema(), &drifted, &planned),
        vec!["filter".to_string()]
    );
    let (updated, error) = m.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("filter"), state.get("filter"));
    m.delete(&ctx, &state, &Step::QUIET).expect("delete");
    assert_eq!(m.read(&ctx, &state).expect("read"), None);

    let requests = sent(&replay);
    let target = "tdp-datalake.s3.us-east-1.amazonaws.com/?metrics&id=documents";
    let shape: Vec<(&str, &str)> = requests.iter().map(|(m, t, _)| (m.as_str(), t.as_str())).collect();
    assert_eq!(
        shape,
        vec![
            ("PUT", target),
            ("GET", target),
            ("GET", target),
            ("GET", target),
            ("PUT", target),
            ("DELETE", target),
            ("GET", target)
        ]
    );
    for i in [0, 4] {
        let body = &requests[i].2;
        assert!(
            body.contains("<And><Prefix>documents/</Prefix><Tag><Key>priority</Key><Value>high</Value></Tag></And>"),
            "request {i}: {body}"
        );
    }

    let wrong = m.import(&ctx, "tdp-datalake").expect_err("no name");
    assert!(wrong.message.contains("BUCKET:NAME"), "{wrong}");
}

fn tiering(status: &str, days: u32) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><IntelligentTieringConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>archive</Id><Filter><Prefix>archive/</Prefix></Filter><Status>{status}</Status><Tiering><Days>{days}</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering><Tiering><Days>180</Days><AccessTier>DEEP_ARCHIVE_ACCESS</AccessTier></Tiering></IntelligentTieringConfiguration>"#
        ),
    )
}

fn tiering_config(days: f64) -> Value {
    map([
        ("bucket", Value::from("tdp-datalake")),
        ("name", Value::from("archive")),
        ("status", Value::Null),
        (
            "filter",
            Value::List(vec![map([("prefix", Value::from("archive/")), ("tags", Value::Null)])]),
        ),
        (
            "tiering",
            Value::List(vec![
                map([
                    ("access_tier", Value::from("ARCHIVE_ACCESS")),
                    ("days", Value::Number(days)),
                ]),
                map([
                    ("access_tier", Value::from("DEEP_ARCHIVE_ACCESS")),
                    ("days", Value::Number(180.0)),
                ]),
            ]),
        ),
    ])
}

#[test]
fn intelligent_tiering_is_put_read_imported_found_changed_updated_and_deleted() {
    let (ctx, replay) = ctx(vec![
        xml(200, ""),             // create
        tiering("Enabled", 125),  // read back
        tiering("Enabled", 125),  // import
        tiering("Disabled", 125), // switched off from the console
        xml(200, ""),             // update
        xml(204, ""),             // delete
        xml(404, NO_SUCH_CONFIGURATION),
    ]);
    let it = Sub(IntelligentTiering);
    let config = tiering_config(125.0);
    assert!(it.validate(&config).is_empty(), "{:?}", it.validate(&config));
    let (planned, _) = it.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("status"), Value::from("Enabled"));
    assert_eq!(planned.get("id"), Value::from("tdp-datalake:archive"));
    let (state, error) = it.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(it.read(&ctx, &state).expect("read"), Some(state.clone()));
    assert_eq!(
        it.import(&ctx, "tdp-datalake:archive").expect("import"),
        Some(state.clone())
    );
    let drifted = it.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(drifted.get("status"), Value::from("Disabled"));
    let (planned, _) = it.plan(&ctx, Some(&drifted), config).expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&it.schema(), &drifted, &planned),
        vec!["status".to_string()]
    );
    let (updated, error) = it.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state").get("status"), Value::from("Enabled"));
    it.delete(&ctx, &state, &Step::QUIET).expect("delete");
    assert_eq!(it.read(&ctx, &state).expect("read"), None);

    let requests = sent(&replay);
    let target = "tdp-datalake.s3.us-east-1.amazonaws.com/?intelligent-tiering&id=archive";
    let shape: Vec<(&str, &str)> = requests.iter().map(|(m, t, _)| (m.as_str(), t.as_str())).collect();
    assert_eq!(
        shape,
        vec![
            ("PUT", target),
            ("GET", target),
            ("GET", target),
            ("GET", target),
            ("PUT", target),
            ("DELETE", target),
            ("GET", target)
        ]
    );
    for i in [0, 4] {
        let body = &requests[i].2;
        for part in [
            "<Status>Enabled</Status>",
            "<Filter><Prefix>archive/</Prefix></Filter>",
            "<Tiering><Days>125</Days><AccessTier>ARCHIVE_ACCESS</AccessTier></Tiering>",
        ] {
            assert!(body.contains(part), "request {i} lacks {part}: {body}");
        }
    }
}

#[test]
fn intelligent_tiering_days_outside_what_s3_takes_are_refused() {
    let problems = Sub(IntelligentTiering).validate(&tiering_config(30.0));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("ARCHIVE_ACCESS takes 90 to 730 whole days without access, not 30"),
        "{problems:?}"
    );
}

fn analytics(export: bool) -> Answer {
    let analysis = if export {
        "<StorageClassAnalysis><DataExport><OutputSchemaVersion>V_1</OutputSchemaVersion><Destination><S3BucketDestination><Format>CSV</Format><BucketAccountId>123456789012</BucketAccountId><Bucket>arn:aws:s3:::tdp-analytics</Bucket><Prefix>reports/</Prefix></S3BucketDestination></Destination></DataExport></StorageClassAnalysis>"
    } else {
        "<StorageClassAnalysis/>"
    };
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><AnalyticsConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Id>documents</Id><Filter><Prefix>documents/</Prefix></Filter>{analysis}</AnalyticsConfiguration>"#
        ),
    )
}

fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::List(vec![map(pairs)])
}

#[test]
fn an_analytics_export_is_put_read_imported_found_changed_updated_and_deleted() {
    let (ctx, replay) = ctx(vec![
        xml(200, ""),     // create
        analytics(true),  // read back
        analytics(true),  // import
        analytics(false), // the export was removed from the console
        xml(200, ""),     // update
        xml(204, ""),     // delete
        xml(404, NO_SUCH_CONFIGURATION),
    ]);
    let a = Sub(Analytics);
    let destination = block(vec![(
        "s3_bucket_destination",
        block(vec![
            ("bucket_arn", Value::from("arn:aws:s3:::tdp-analytics")),
            ("bucket_account_id", Value::from("123456789012")),
            ("format", Value::Null),
            ("prefix", Value::from("reports/")),
        ]),
    )]);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("name", Value::from("documents")),
        (
            "filter",
            block(vec![("prefix", Value::from("documents/")), ("tags", Value::Null)]),
        ),
        (
            "storage_class_analysis",
            block(vec![(
                "data_export",
                block(vec![
                    ("output_schema_version", Value::Null),
                    ("destination", destination),
                ]),
            )]),
        ),
    ]);
    assert!(a.validate(&config).is_empty());
    let (planned, _) = a.plan(&ctx, None, config.clone()).expect("plan");
    let (state, error) = a.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let export = first(
        &first(&state, "storage_class_analysis").expect("analysis"),
        "data_export",
    )
    .expect("export");
    assert_eq!(export.get("output_schema_version"), Value::from("V_1"));
    assert_eq!(a.read(&ctx, &state).expect("read"), Some(state.clone()));
    assert_eq!(
        a.import(&ctx, "tdp-datalake:documents").expect("import"),
        Some(state.clone())
    );
    let drifted = a.read(&ctx, &state).expect("read").expect("found");
    let (planned, _) = a.plan(&ctx, Some(&drifted), config).expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&a.schema(), &drifted, &planned),
        vec!["storage_class_analysis".to_string()]
    );
    let (updated, error) = a.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state"), state);
    a.delete(&ctx, &state, &Step::QUIET).expect("delete");
    assert_eq!(a.read(&ctx, &state).expect("read"), None);

    let requests = sent(&replay);
    let target = "tdp-datalake.s3.us-east-1.amazonaws.com/?analytics&id=documents";
    let shape: Vec<(&str, &str)> = requests.iter().map(|(m, t, _)| (m.as_str(), t.as_str())).collect();
    assert_eq!(
        shape,
        vec![
            ("PUT", target),
            ("GET", target),
            ("GET", target),
            ("GET", target),
            ("PUT", target),
            ("DELETE", target),
            ("GET", target)
        ]
    );
    for i in [0, 4] {
        let body = &requests[i].2;
        for part in [
            "<Filter><Prefix>documents/</Prefix></Filter>",
            "<OutputSchemaVersion>V_1</OutputSchemaVersion>",
            "<Format>CSV</Format>",
            "<Bucket>arn:aws:s3:::tdp-analytics</Bucket>",
        ] {
            assert!(body.contains(part), "request {i} lacks {part}: {body}");
        }
    }
}

fn inventory(enabled: bool) -> Answer {
    xml(
        200,
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><InventoryConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Destination><S3BucketDestination><AccountId>123456789012</AccountId><Bucket>arn:aws:s3:::tdp-inventory</Bucket><Format>Parquet</Format><Prefix>inventory/</Prefix><Encryption><SSE-S3/></Encryption></S3BucketDestination></Destination><IsEnabled>{enabled}</IsEnabled><Filter><Prefix>documents/</Prefix></Filter><Id>weekly</Id><IncludedObjectVersions>Current</IncludedObjectVersions><OptionalFields><Field>StorageClass</Field><Field>Size</Field></OptionalFields><Schedule><Frequency>Weekly</Frequency></Schedule></InventoryConfiguration>"#
        ),
    )
}

#[test]
fn an_inventory_is_put_read_imported_found_changed_updated_and_deleted() {
    let (ctx, replay) = ctx(vec![
        xml(200, ""),     // create
        inventory(true),  // read back
        inventory(true),  // import
        inventory(false), // disabled from the console
        xml(200, ""),     // update
        xml(204, ""),     // delete
        xml(404, NO_SUCH_CONFIGURATION),
    ]);
    let inv = Sub(Inventory);
    let encryption = block(vec![
        ("sse_kms", Value::List(Vec::new())),
        ("sse_s3", Value::List(vec![Value::empty_map()])),
    ]);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("name", Value::from("weekly")),
        ("enabled", Value::Null),
        ("included_object_versions", Value::from("Current")),
        (
            "optional_fields",
            Value::List(vec![Value::from("Size"), Value::from("StorageClass")]),
        ),
        ("filter", block(vec![("prefix", Value::from("documents/"))])),
        ("schedule", block(vec![("frequency", Value::from("Weekly"))])),
        (
            "destination",
            block(vec![(
                "bucket",
                block(vec![
                    ("bucket_arn", Value::from("arn:aws:s3:::tdp-inventory")),
                    ("format", Value::from("Parquet")),
                    ("account_id", Value::from("123456789012")),
                    ("prefix", Value::from("inventory/")),
                    ("encryption", encryption),
                ]),
            )]),
        ),
    ]);
    assert!(inv.validate(&config).is_empty(), "{:?}", inv.validate(&config));
    let (planned, _) = inv.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("enabled"), Value::Bool(true));
    let (state, error) = inv.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(inv.read(&ctx, &state).expect("read"), Some(state.clone()));
    assert_eq!(
        inv.import(&ctx, "tdp-datalake:weekly").expect("import"),
        Some(state.clone())
    );
    let drifted = inv.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(drifted.get("enabled"), Value::Bool(false));
    let (planned, _) = inv.plan(&ctx, Some(&drifted), config).expect("plan");
    assert_eq!(
        engine::plan::diff::changed_attributes(&inv.schema(), &drifted, &planned),
        vec!["enabled".to_string()]
    );
    let (updated, error) = inv.update(&ctx, &drifted, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_eq!(updated.expect("state"), state);
    inv.delete(&ctx, &state, &Step::QUIET).expect("delete");
    assert_eq!(inv.read(&ctx, &state).expect("read"), None);

    let requests = sent(&replay);
    let target = "tdp-datalake.s3.us-east-1.amazonaws.com/?inventory&id=weekly";
    let shape: Vec<(&str, &str)> = requests.iter().map(|(m, t, _)| (m.as_str(), t.as_str())).collect();
    assert_eq!(
        shape,
        vec![
            ("PUT", target),
            ("GET", target),
            ("GET", target),
            ("GET", target),
            ("PUT", target),
            ("DELETE", target),
            ("GET", target)
        ]
    );
    for i in [0, 4] {
        let body = &requests[i].2;
        for part in [
            "<IsEnabled>true</IsEnabled>",
            "<IncludedObjectVersions>Current</IncludedObjectVersions>",
            "<Frequency>Weekly</Frequency>",
            "<Format>Parquet</Format>",
            "<SSE-S3",
            "<Field>Size</Field>",
        ] {
            assert!(body.contains(part), "request {i} lacks {part}: {body}");
        }
    }
}

#[test]
fn an_inventory_encrypted_two_ways_at_once_is_refused() {
    let both = block(vec![(
        "bucket",
        block(vec![
            ("bucket_arn", Value::from("arn:aws:s3:::tdp-inventory")),
            ("format", Value::from("CSV")),
            (
                "encryption",
                block(vec![
                    (
                        "sse_kms",
                        block(vec![(
                            "key_id",
                            Value::from("arn:aws:kms:us-east-1:123456789012:key/k"),
                        )]),
                    ),
                    ("sse_s3", Value::List(vec![Value::empty_map()])),
                ]),
            ),
        ]),
    )]);
    let problems = Sub(Inventory).validate(&map([("destination", both)]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("one of sse_kms"), "{problems:?}");
}

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
                ("simple_prefix", Value::List(Vec::new())),
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
            ("simple_prefix", Value::List(vec![Value::empty_map()])),
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
                ("days", Value::Number(30.0)),
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
        ("rule", Value::List(vec![rule])),
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
        ("priority", Value::Number(1.0)),
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
        ("rule", Value::List(vec![rule])),
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
                block(vec![("mode", Value::from("GOVERNANCE")), ("days", Value::Number(30.0))]),
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
            Value::List(vec![map([
                ("status", Value::from("Enabled")),
                (
                    "destination",
                    block(vec![("bucket", Value::from("arn:aws:s3:::tdp-replica"))]),
                ),
            ])]),
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
    Value::List(vec![map([
        (
            "apply_server_side_encryption_by_default",
            Value::List(vec![map([
                ("sse_algorithm", Value::from("AES256")),
                ("kms_master_key_id", Value::Null),
            ])]),
        ),
        ("bucket_key_enabled", Value::Bool(false)),
        ("blocked_encryption_types", blocked),
    ])])
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
    let blocked = Value::List(vec![Value::from("SSE-C")]);
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
    assert_eq!(blocked_of(&drifted), Value::List(vec![Value::from("NONE")]));
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
        ("rule", encryption_rule(Value::List(vec![Value::from("SSE-KMS")]))),
    ]);
    let problems = e.validate(&wrong);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0]
        .message
        .contains("\"SSE-KMS\" is not an encryption type S3 can block"));
}
