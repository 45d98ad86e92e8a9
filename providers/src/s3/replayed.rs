//! Bucket configurations the emulator accepts but does not keep (its GET answers a bucket
//! listing): request payment and the keyed kinds (metrics, intelligent tiering, analytics,
//! inventory), tested against answers written from the S3 API reference through the SDK's
//! replay client. Arguments the emulator leaves out are in `replayed_arguments.rs`.

use super::analytics::Analytics;
use super::intelligent_tiering::IntelligentTiering;
use super::inventory::Inventory;
use super::metric::Metric;
use super::request_payment::RequestPayment;
use super::{first, Sub};
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

pub(super) fn xml(status: u16, body: &str) -> Answer {
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
            Value::List(
                vec![map([
                    ("prefix", Value::from("documents/")),
                    ("tags", map([("priority", Value::from("high"))])),
                    ("access_point", Value::Null),
                ])]
                .into(),
            ),
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
        Value::List(
            vec![map([
                ("prefix", Value::from("other/")),
                ("tags", Value::Null),
                ("access_point", Value::Null),
            ])]
            .into()
        )
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
            Value::List(vec![map([("prefix", Value::from("archive/")), ("tags", Value::Null)])].into()),
        ),
        (
            "tiering",
            Value::List(
                vec![
                    map([
                        ("access_tier", Value::from("ARCHIVE_ACCESS")),
                        ("days", Value::Number(days.into())),
                    ]),
                    map([
                        ("access_tier", Value::from("DEEP_ARCHIVE_ACCESS")),
                        ("days", Value::from(180.0)),
                    ]),
                ]
                .into(),
            ),
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

pub(super) fn block(pairs: Vec<(&str, Value)>) -> Value {
    Value::List(vec![map(pairs)].into())
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
        ("sse_kms", Value::List(Vec::new().into())),
        ("sse_s3", Value::List(vec![Value::empty_map()].into())),
    ]);
    let config = map([
        ("bucket", Value::from("tdp-datalake")),
        ("name", Value::from("weekly")),
        ("enabled", Value::Null),
        ("included_object_versions", Value::from("Current")),
        (
            "optional_fields",
            Value::List(vec![Value::from("Size"), Value::from("StorageClass")].into()),
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
                    ("sse_s3", Value::List(vec![Value::empty_map()].into())),
                ]),
            ),
        ]),
    )]);
    let problems = Sub(Inventory).validate(&map([("destination", both)]));
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].message.contains("one of sse_kms"), "{problems:?}");
}
