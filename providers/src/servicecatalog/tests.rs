//! Service Catalog against the SDK's request/response replay client: the emulator keeps
//! portfolios and products but does not provision them. Each exchange is a request infinstor
//! must send (operation and JSON body, checked) and the answer the AWS API reference documents
//! for it.

use super::launch_paths::LaunchPaths;
use super::principal_association::PrincipalAssociation;
use super::provisioned_product::ProvisionedProduct;
use crate::replay::Answer;
use crate::resource::{Ctx, DataType, ResourceType, Step};
use aws_smithy_http_client::test_util::StaticReplayClient;
use engine::core::value::{map, Value};
use serde_json::{json, Value as Json};
use std::sync::Mutex;

/// One call: the operation, the body infinstor must send, and the HTTP status and body of the answer.
struct Exchange {
    operation: &'static str,
    request: Json,
    status: u16,
    response: Json,
}

fn ok(operation: &'static str, request: Json, response: Json) -> Exchange {
    Exchange {
        operation,
        request,
        status: 200,
        response,
    }
}

/// A provider context whose Service Catalog client answers from `exchanges`, in order.
fn ctx(exchanges: &[Exchange]) -> (Ctx, StaticReplayClient) {
    crate::replay::ctx(
        exchanges
            .iter()
            .map(|e| Answer {
                status: e.status,
                content_type: "application/x-amz-json-1.1",
                body: e.response.to_string(),
                headers: Vec::new(),
            })
            .collect(),
    )
}

/// Every exchange was asked for, in order, as the operation it names with the body it
/// expects. Request tokens are random: each must be present, and is left out of the comparison.
fn assert_sent(replay: &StaticReplayClient, exchanges: &[Exchange]) {
    let actual: Vec<(String, Json)> = replay
        .actual_requests()
        .map(|r| {
            let target = r.headers().get("x-amz-target").unwrap_or("").to_string();
            let body = r
                .body()
                .bytes()
                .map(|b| serde_json::from_slice(b).expect("JSON body"))
                .unwrap_or(Json::Null);
            (target, body)
        })
        .collect();
    assert_eq!(
        actual.len(),
        exchanges.len(),
        "requests sent: {:?}",
        actual.iter().map(|(t, _)| t).collect::<Vec<_>>()
    );
    for (i, ((target, mut body), e)) in actual.into_iter().zip(exchanges).enumerate() {
        assert_eq!(
            target,
            format!("AWS242ServiceCatalogService.{}", e.operation),
            "request {i}"
        );
        for token in ["ProvisionToken", "UpdateToken", "TerminateToken"] {
            if let Some(t) = body.as_object_mut().and_then(|o| o.remove(token)) {
                assert!(t.as_str().is_some_and(|t| !t.is_empty()), "request {i}: empty {token}");
            }
        }
        assert_eq!(body, e.request, "request {i} ({})", e.operation);
    }
}

fn record(id: &str, status: &str) -> Json {
    json!({"RecordDetail": {
        "RecordId": id, "ProvisionedProductName": "acme-data", "Status": status,
        "ProvisionedProductId": "pp-abc123", "ProductId": "prod-data", "ProvisioningArtifactId": "pa-v100",
        "PathId": "lpv2-portfolio", "RecordType": "PROVISION_PRODUCT", "ProvisionedProductType": "CFN_STACK",
        "CreatedTime": 1764400000.0, "UpdatedTime": 1764400060.0
    }})
}

fn described(artifact: &str, record_id: &str, status: &str) -> Exchange {
    ok(
        "DescribeProvisionedProduct",
        json!({"AcceptLanguage": "en", "Id": "pp-abc123"}),
        json!({
            "ProvisionedProductDetail": {
                "Name": "acme-data", "Arn": "arn:aws:servicecatalog:us-east-1:123456789012:stack/acme-data/pp-abc123",
                "Type": "CFN_STACK", "Id": "pp-abc123", "Status": status, "StatusMessage": "",
                "CreatedTime": 1764400000.0, "LastRecordId": record_id, "LastProvisioningRecordId": record_id,
                "LastSuccessfulProvisioningRecordId": record_id, "ProductId": "prod-data",
                "ProvisioningArtifactId": artifact,
                "LaunchRoleArn": "arn:aws:iam::123456789012:role/SCLaunchRole"
            },
            "CloudWatchDashboards": [{"Name": "acme-data-dashboard"}]
        }),
    )
}

fn record_read(record_id: &str, tags: Json, stack: &str) -> Exchange {
    let mut detail = record(record_id, "SUCCEEDED");
    detail["RecordDetail"]["RecordTags"] = tags;
    detail["RecordOutputs"] = json!([
        {"OutputKey": "CloudformationStackARN", "OutputValue": stack, "Description": "The stack"},
        {"OutputKey": "DatalakeBucket", "OutputValue": "acme-datalake"}
    ]);
    ok(
        "DescribeRecord",
        json!({"Id": record_id, "AcceptLanguage": "en"}),
        detail,
    )
}

fn product_read() -> Exchange {
    ok(
        "DescribeProduct",
        json!({"Id": "prod-data", "AcceptLanguage": "en"}),
        json!({
            "ProductViewSummary": {"Id": "prodview-1", "ProductId": "prod-data", "Name": "TDP Data Layer", "Owner": "TetraScience", "Type": "CLOUD_FORMATION_TEMPLATE"},
            "ProvisioningArtifacts": [{"Id": "pa-v100", "Name": "v1.0.0"}, {"Id": "pa-v110", "Name": "v1.1.0"}],
            "LaunchPaths": [{"Id": "lpv2-portfolio", "Name": "TetraScience Platform"}]
        }),
    )
}

const STACK: &str = "arn:aws:cloudformation:us-east-1:123456789012:stack/SC-123456789012-pp-abc123/1f2e";

fn config(version: &str, bucket_prefix: &str) -> Value {
    map([
        ("name", Value::from("acme-data")),
        ("product_name", Value::from("TDP Data Layer")),
        ("provisioning_artifact_name", Value::from(version)),
        ("tags", map([("team", Value::from("platform"))])),
        (
            "provisioning_parameters",
            Value::List(
                vec![
                    map([
                        ("key", Value::from("InfrastructureName")),
                        ("value", Value::from("acme")),
                        ("use_previous_value", Value::Null),
                    ]),
                    map([
                        ("key", Value::from("BucketPrefix")),
                        ("value", Value::from(bucket_prefix)),
                        ("use_previous_value", Value::Null),
                    ]),
                ]
                .into(),
            ),
        ),
        (
            "timeouts",
            Value::List(
                vec![map([
                    ("create", Value::from("3h")),
                    ("read", Value::Null),
                    ("update", Value::Null),
                    ("delete", Value::Null),
                ])]
                .into(),
            ),
        ),
    ])
}

/// What the engine proposes: the configuration, with the prior's values (or unknown, on
/// create) for computed attributes it leaves out.
fn proposed(prior: Option<&Value>, config: &Value) -> Value {
    let schema = ProvisionedProduct.schema();
    let mut out = std::collections::BTreeMap::new();
    for (name, attribute) in &schema.attributes {
        let value = match (config.get(name), prior) {
            (v, _) if !v.is_null() => v,
            (_, Some(prior)) if attribute.computed => prior.get(name),
            (_, None) if attribute.computed => Value::UNKNOWN,
            _ => Value::Null,
        };
        out.insert(name.clone(), value);
    }
    for name in schema.blocks.keys() {
        out.insert(
            name.clone(),
            config
                .get(name)
                .as_list()
                .map(|l| Value::List(l.to_vec().into()))
                .unwrap_or(Value::List(Vec::new().into())),
        );
    }
    Value::Map(out.into())
}

fn changed(prior: &Value, planned: &Value) -> Vec<String> {
    engine::plan::diff::changed_attributes(&ProvisionedProduct.schema(), prior, planned)
}

#[test]
fn a_product_is_provisioned_waited_for_and_read_back() {
    let exchanges = [
        ok(
            "ProvisionProduct",
            json!({
                "AcceptLanguage": "en", "ProductName": "TDP Data Layer", "ProvisioningArtifactName": "v1.0.0",
                "ProvisionedProductName": "acme-data",
                "ProvisioningParameters": [{"Key": "InfrastructureName", "Value": "acme"}, {"Key": "BucketPrefix", "Value": "one"}],
                "Tags": [{"Key": "team", "Value": "platform"}]
            }),
            record("rec-create", "CREATED"),
        ),
        ok(
            "DescribeRecord",
            json!({"Id": "rec-create"}),
            record("rec-create", "IN_PROGRESS"),
        ),
        ok(
            "DescribeRecord",
            json!({"Id": "rec-create"}),
            record("rec-create", "SUCCEEDED"),
        ),
        described("pa-v100", "rec-create", "AVAILABLE"),
        record_read("rec-create", json!([{"Key": "team", "Value": "platform"}]), STACK),
        product_read(),
    ];
    let (ctx, replay) = ctx(&exchanges);
    let cfg = config("v1.0.0", "one");
    let (planned, replace) = ProvisionedProduct.plan(&ctx, None, proposed(None, &cfg)).expect("plan");
    assert!(replace.is_empty());
    assert_eq!(planned.get("product_id"), Value::UNKNOWN);
    assert_eq!(planned.get("accept_language"), Value::from("en"));
    let intents = Mutex::new(Vec::new());
    let lines = Mutex::new(Vec::new());
    let (state, error) = ProvisionedProduct
        .create(
            &ctx,
            &planned,
            &Step {
                private: None,
                intent: &|id: &str| intents.lock().expect("intents").push(id.to_string()),
                progress: &|line: &str| lines.lock().expect("lines").push(line.to_string()),
            },
        )
        .into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_sent(&replay, &exchanges);
    assert_eq!(*intents.lock().expect("intents"), vec!["acme-data".to_string()]);
    let lines = lines.lock().expect("lines").clone();
    assert!(
        lines.iter().any(|l| l.contains("record rec-create is IN_PROGRESS")),
        "{lines:?}"
    );
    let state = state.expect("state");
    assert!(!state.contains_unknown(), "{state}");
    for (key, want) in [
        ("id", "pp-abc123"),
        ("product_id", "prod-data"),
        ("product_name", "TDP Data Layer"),
        ("provisioning_artifact_id", "pa-v100"),
        ("provisioning_artifact_name", "v1.0.0"),
        ("path_id", "lpv2-portfolio"),
        ("path_name", "TetraScience Platform"),
        ("status", "AVAILABLE"),
        ("type", "CFN_STACK"),
        ("last_provisioning_record_id", "rec-create"),
        ("launch_role_arn", "arn:aws:iam::123456789012:role/SCLaunchRole"),
        ("created_time", "2025-11-29T07:06:40Z"),
    ] {
        assert_eq!(state.get(key), Value::from(want), "{key}");
    }
    assert_eq!(state.get("tags"), map([("team", Value::from("platform"))]));
    let outputs = state.get("outputs");
    let outputs = outputs.as_list().expect("outputs");
    assert_eq!(outputs.len(), 2);
    assert_eq!(outputs[0].get("key"), Value::from("CloudformationStackARN"));
    assert_eq!(outputs[0].get("value"), Value::from(STACK));
    assert_eq!(outputs[1].get("description"), Value::Null);
    assert_eq!(
        state.get("cloudwatch_dashboard_names"),
        Value::List(vec![Value::from("acme-data-dashboard")].into())
    );
    // Arguments Service Catalog does not report are kept as applied.
    assert_eq!(state.get("provisioning_parameters"), cfg.get("provisioning_parameters"));

    // The same configuration again: no change.
    let (again, _) = ProvisionedProduct
        .plan(&ctx, Some(&state), proposed(Some(&state), &cfg))
        .expect("plan");
    assert!(changed(&state, &again).is_empty(), "{:?}", changed(&state, &again));
}

fn provisioned(ctx: &Ctx) -> Value {
    let (state, error) = ProvisionedProduct
        .create(
            ctx,
            &{
                let (p, _) = ProvisionedProduct
                    .plan(ctx, None, proposed(None, &config("v1.0.0", "one")))
                    .expect("plan");
                p
            },
            &Step::QUIET,
        )
        .into_parts();
    assert!(error.is_none(), "{error:?}");
    state.expect("state")
}

fn create_exchanges() -> Vec<Exchange> {
    vec![
        ok(
            "ProvisionProduct",
            json!({
                "AcceptLanguage": "en", "ProductName": "TDP Data Layer", "ProvisioningArtifactName": "v1.0.0",
                "ProvisionedProductName": "acme-data",
                "ProvisioningParameters": [{"Key": "InfrastructureName", "Value": "acme"}, {"Key": "BucketPrefix", "Value": "one"}],
                "Tags": [{"Key": "team", "Value": "platform"}]
            }),
            record("rec-create", "CREATED"),
        ),
        ok(
            "DescribeRecord",
            json!({"Id": "rec-create"}),
            record("rec-create", "SUCCEEDED"),
        ),
        described("pa-v100", "rec-create", "AVAILABLE"),
        record_read("rec-create", json!([{"Key": "team", "Value": "platform"}]), STACK),
        product_read(),
    ]
}

#[test]
fn a_new_version_and_parameters_are_one_update_record() {
    let mut exchanges = create_exchanges();
    exchanges.extend([
        ok(
            "UpdateProvisionedProduct",
            json!({
                "AcceptLanguage": "en", "ProvisionedProductId": "pp-abc123", "ProductId": "prod-data",
                "ProvisioningArtifactName": "v1.1.0", "PathId": "lpv2-portfolio",
                "ProvisioningParameters": [{"Key": "InfrastructureName", "Value": "acme"}, {"Key": "BucketPrefix", "Value": "two"}]
            }),
            record("rec-update", "CREATED"),
        ),
        ok("DescribeRecord", json!({"Id": "rec-update"}), record("rec-update", "SUCCEEDED")),
        described("pa-v110", "rec-update", "AVAILABLE"),
        record_read("rec-update", json!([{"Key": "team", "Value": "platform"}]), STACK),
        product_read(),
    ]);
    let (ctx, replay) = ctx(&exchanges);
    let state = provisioned(&ctx);

    let cfg = config("v1.1.0", "two");
    let (planned, replace) = ProvisionedProduct
        .plan(&ctx, Some(&state), proposed(Some(&state), &cfg))
        .expect("plan");
    assert!(replace.is_empty(), "an update, not a replacement: {replace:?}");
    assert_eq!(planned.get("provisioning_artifact_id"), Value::UNKNOWN);
    assert_eq!(planned.get("outputs"), Value::UNKNOWN);
    assert_eq!(planned.get("product_id"), Value::from("prod-data"));
    let mut what = changed(&state, &planned);
    what.sort();
    assert!(what.contains(&"provisioning_artifact_name".to_string()), "{what:?}");
    assert!(what.contains(&"provisioning_parameters".to_string()), "{what:?}");

    let (updated, error) = ProvisionedProduct
        .update(&ctx, &state, &planned, &Step::QUIET)
        .into_parts();
    assert!(error.is_none(), "{error:?}");
    assert_sent(&replay, &exchanges);
    let updated = updated.expect("state");
    assert_eq!(updated.get("provisioning_artifact_id"), Value::from("pa-v110"));
    assert_eq!(updated.get("provisioning_artifact_name"), Value::from("v1.1.0"));
    assert_eq!(updated.get("last_provisioning_record_id"), Value::from("rec-update"));
    assert_eq!(
        updated.get("provisioning_parameters"),
        cfg.get("provisioning_parameters")
    );
}

#[test]
fn import_reads_by_id_or_name_and_a_change_outside_shows_in_the_next_plan() {
    let mut by_name = described("pa-v110", "rec-outside", "AVAILABLE");
    by_name.request = json!({"AcceptLanguage": "en", "Name": "acme-data"});
    let exchanges = [
        described("pa-v100", "rec-create", "AVAILABLE"),
        record_read("rec-create", json!([{"Key": "team", "Value": "platform"}]), STACK),
        product_read(),
        // Someone moved the product to v1.1.0 and retagged it from the console.
        by_name,
        record_read("rec-outside", json!([{"Key": "team", "Value": "data"}]), STACK),
        product_read(),
    ];
    let (ctx, replay) = ctx(&exchanges);
    let imported = ProvisionedProduct
        .import(&ctx, "pp-abc123")
        .expect("import")
        .expect("found");
    assert_eq!(imported.get("product_name"), Value::from("TDP Data Layer"));
    assert_eq!(imported.get("provisioning_artifact_name"), Value::from("v1.0.0"));
    assert_eq!(imported.get("accept_language"), Value::from("en"));
    assert_eq!(imported.get("tags"), map([("team", Value::from("platform"))]));

    // A configuration naming the product and version as imported changes only the
    // parameters, which Service Catalog does not report (so they are sent once, in an update
    // record), and the timeouts, which are infinstor's own.
    let cfg = config("v1.0.0", "one");
    let (planned, _) = ProvisionedProduct
        .plan(&ctx, Some(&imported), proposed(Some(&imported), &cfg))
        .expect("plan");
    let what = changed(&imported, &planned);
    assert!(what.contains(&"provisioning_parameters".to_string()), "{what:?}");
    assert!(what.contains(&"timeouts".to_string()), "{what:?}");
    for same in [
        "product_id",
        "product_name",
        "provisioning_artifact_id",
        "provisioning_artifact_name",
        "path_id",
        "tags",
    ] {
        assert!(!what.contains(&same.to_string()), "{same} in {what:?}");
    }

    let drifted = ProvisionedProduct
        .import(&ctx, "acme-data")
        .expect("read")
        .expect("found");
    assert_sent(&replay, &exchanges);
    assert_eq!(drifted.get("provisioning_artifact_id"), Value::from("pa-v110"));
    assert_eq!(drifted.get("provisioning_artifact_name"), Value::from("v1.1.0"));
    let (planned, _) = ProvisionedProduct
        .plan(&ctx, Some(&drifted), proposed(Some(&drifted), &cfg))
        .expect("plan");
    let mut what = changed(&drifted, &planned);
    what.sort();
    for key in ["provisioning_artifact_id", "provisioning_artifact_name", "tags"] {
        assert!(what.contains(&key.to_string()), "{key} in {what:?}");
    }
    assert_eq!(planned.get("provisioning_artifact_id"), Value::UNKNOWN);
}

#[test]
fn a_failed_record_is_recorded_and_reported_with_service_catalogs_reasons() {
    let mut failed = record("rec-create", "FAILED");
    failed["RecordDetail"]["RecordErrors"] = json!([
        {"Code": "CREATE_FAILED", "Description": "The following resource(s) failed to create: [DatalakeBucket]."}
    ]);
    let mut exchanges = create_exchanges();
    exchanges[1] = ok("DescribeRecord", json!({"Id": "rec-create"}), failed);
    exchanges[2] = described("pa-v100", "rec-create", "ERROR");
    let (ctx, replay) = ctx(&exchanges);
    let (planned, _) = ProvisionedProduct
        .plan(&ctx, None, proposed(None, &config("v1.0.0", "one")))
        .expect("plan");
    let (state, error) = ProvisionedProduct.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert_sent(&replay, &exchanges);
    let error = error.expect("an error");
    assert_eq!(error.code, "RecordFailed");
    assert!(
        error.message.contains("creating Service Catalog provisioned product (acme-data) failed (record rec-create): CREATE_FAILED: The following resource(s) failed to create: [DatalakeBucket]."),
        "{}",
        error.message
    );
    // The product exists (in ERROR): it is recorded, so that it is not orphaned.
    assert_eq!(state.expect("state").get("status"), Value::from("ERROR"));
}

#[test]
fn terminate_waits_for_its_record_and_a_gone_product_reads_as_deleted() {
    let mut exchanges = create_exchanges();
    exchanges.extend([
        ok(
            "TerminateProvisionedProduct",
            json!({"AcceptLanguage": "en", "ProvisionedProductId": "pp-abc123"}),
            record("rec-terminate", "CREATED"),
        ),
        ok("DescribeRecord", json!({"Id": "rec-terminate"}), record("rec-terminate", "SUCCEEDED")),
        Exchange {
            operation: "DescribeProvisionedProduct",
            request: json!({"AcceptLanguage": "en", "Id": "pp-abc123"}),
            status: 400,
            response: json!({"__type": "ResourceNotFoundException", "Message": "Provisioned product pp-abc123 not found"}),
        },
    ]);
    let (ctx, replay) = ctx(&exchanges);
    let state = provisioned(&ctx);
    ProvisionedProduct
        .delete(&ctx, &state, &Step::QUIET)
        .expect("terminated");
    assert_eq!(ProvisionedProduct.read(&ctx, &state).expect("read"), None);
    assert_sent(&replay, &exchanges);
}

#[test]
fn arguments_that_conflict_or_are_missing_are_refused_at_their_place() {
    let mut cfg = config("v1.0.0", "one");
    if let Value::Map(m) = &mut cfg {
        m.insert("product_id".into(), Value::from("prod-data"));
        m.remove("provisioning_artifact_name");
        m.insert("name".into(), Value::from("-acme"));
        m.insert(
            "timeouts".into(),
            Value::List(vec![map([("create", Value::from("three hours"))])].into()),
        );
    }
    let problems: Vec<(Option<String>, String)> = ProvisionedProduct
        .validate(&cfg)
        .into_iter()
        .map(|p| (p.attribute, p.message))
        .collect();
    let text = format!("{problems:#?}");
    for want in [
        "must be 1 to 128 letters",
        "`product_id` and `product_name` conflict",
        "set `provisioning_artifact_id` or `provisioning_artifact_name`",
        "timeouts.create \\\"three hours\\\" is not a duration",
    ] {
        assert!(text.contains(want), "{want} in {text}");
    }
    assert_eq!(problems.len(), 4, "{text}");
}

#[test]
fn launch_paths_are_listed_across_pages() {
    let exchanges = [
        ok(
            "ListLaunchPaths",
            json!({"ProductId": "prod-data", "AcceptLanguage": "en"}),
            json!({
                "LaunchPathSummaries": [{
                    "Id": "lpv2-portfolio", "Name": "TetraScience Platform",
                    "ConstraintSummaries": [{"Type": "LAUNCH", "Description": "Launch as SCLaunchRole"}],
                    "Tags": [{"Key": "vendor", "Value": "tetrascience"}]
                }],
                "NextPageToken": "page-2"
            }),
        ),
        ok(
            "ListLaunchPaths",
            json!({"ProductId": "prod-data", "AcceptLanguage": "en", "PageToken": "page-2"}),
            json!({"LaunchPathSummaries": [{"Id": "lpv2-other", "Name": "Sandbox", "ConstraintSummaries": [], "Tags": []}]}),
        ),
    ];
    let (ctx, replay) = ctx(&exchanges);
    let read = LaunchPaths
        .read(&ctx, &map([("product_id", Value::from("prod-data"))]))
        .expect("read");
    assert_sent(&replay, &exchanges);
    let summaries = read.get("summaries");
    let summaries = summaries.as_list().expect("summaries");
    assert_eq!(summaries.len(), 2);
    assert_eq!(summaries[0].get("path_id"), Value::from("lpv2-portfolio"));
    assert_eq!(summaries[0].get("tags"), map([("vendor", Value::from("tetrascience"))]));
    assert_eq!(
        summaries[0].get("constraint_summaries"),
        Value::List(
            vec![map([
                ("type", Value::from("LAUNCH")),
                ("description", Value::from("Launch as SCLaunchRole")),
            ])]
            .into()
        )
    );
    assert_eq!(summaries[1].get("name"), Value::from("Sandbox"));
    assert_eq!(read.get("id"), Value::from("prod-data"));
}

/// The object as Terraform's AWS provider records it (its schema's every attribute, unset ones
/// as `""`, `false` or `[]`, `timeouts` as an object, v6's `region`).
fn providers_form() -> Json {
    json!({
        "accept_language": "en",
        "arn": "arn:aws:servicecatalog:us-east-1:123456789012:stack/acme-data/pp-abc123",
        "cloudwatch_dashboard_names": ["acme-data-dashboard"],
        "created_time": "2025-11-29T07:06:40Z",
        "id": "pp-abc123",
        "ignore_errors": false,
        "last_provisioning_record_id": "rec-create",
        "last_record_id": "rec-create",
        "last_successful_provisioning_record_id": "rec-create",
        "launch_role_arn": "arn:aws:iam::123456789012:role/SCLaunchRole",
        "name": "acme-data",
        "notification_arns": null,
        "outputs": [
            {"description": "The stack", "key": "CloudformationStackARN", "value": STACK},
            {"description": "", "key": "DatalakeBucket", "value": "acme-datalake"}
        ],
        "path_id": "lpv2-portfolio",
        "path_name": "",
        "product_id": "prod-data",
        "product_name": "TDP Data Layer",
        "provisioning_artifact_id": "pa-v100",
        "provisioning_artifact_name": "v1.0.0",
        "provisioning_parameters": [
            {"key": "InfrastructureName", "use_previous_value": false, "value": "acme"},
            {"key": "BucketPrefix", "use_previous_value": false, "value": "one"}
        ],
        "region": "us-east-1",
        "retain_physical_resources": false,
        "stack_set_provisioning_preferences": [],
        "status": "AVAILABLE",
        "status_message": "",
        "tags": {"team": "platform"},
        "tags_all": {"team": "platform"},
        "timeouts": {"create": "3h", "delete": null, "read": null, "update": null},
        "type": "CFN_STACK"
    })
}

#[test]
fn the_providers_recorded_form_is_read_refreshed_and_planned_clean() {
    use engine::core::instance::{from_instance_state, to_instance_state};
    use state::InstanceState;
    let schema = ProvisionedProduct.schema();
    let recorded = InstanceState::new("aws", providers_form());
    let prior = from_instance_state(&recorded, Some(&schema));
    assert_eq!(prior.get("timeouts"), config("v1.0.0", "one").get("timeouts"));
    let cfg = config("v1.0.0", "one");

    // As recorded: nothing to change.
    let (planned, _) = ProvisionedProduct
        .plan(
            &crate::replay::ctx(Vec::new()).0,
            Some(&prior),
            proposed(Some(&prior), &cfg),
        )
        .expect("plan");
    assert!(changed(&prior, &planned).is_empty(), "{:?}", changed(&prior, &planned));

    // Refreshed: still nothing.
    let exchanges = [
        described("pa-v100", "rec-create", "AVAILABLE"),
        record_read("rec-create", json!([{"Key": "team", "Value": "platform"}]), STACK),
        product_read(),
    ];
    let (ctx, replay) = ctx(&exchanges);
    let refreshed = ProvisionedProduct.read(&ctx, &prior).expect("read").expect("found");
    assert_sent(&replay, &exchanges);
    let (planned, _) = ProvisionedProduct
        .plan(&ctx, Some(&refreshed), proposed(Some(&refreshed), &cfg))
        .expect("plan");
    assert!(
        changed(&refreshed, &planned).is_empty(),
        "{:?}",
        changed(&refreshed, &planned)
    );

    // Written back in the same form.
    let written = to_instance_state("aws", &refreshed, &[], Some(&schema)).attributes;
    assert_eq!(written["timeouts"], providers_form()["timeouts"]);
    assert_eq!(
        written["provisioning_parameters"][0]["key"],
        json!("InfrastructureName")
    );
}

#[test]
fn an_administrator_is_associated_with_a_portfolio_found_across_pages_and_disassociated() {
    const ADMIN: &str = "arn:aws:iam::123456789012:user/tdp-admin";
    let listed = |token: Option<&str>, principals: Json, next: Option<&str>| {
        let mut request = json!({"PortfolioId": "port-tdp12345", "AcceptLanguage": "en"});
        if let Some(t) = token {
            request["PageToken"] = json!(t);
        }
        let mut response = json!({ "Principals": principals });
        if let Some(n) = next {
            response["NextPageToken"] = json!(n);
        }
        ok("ListPrincipalsForPortfolio", request, response)
    };
    let association =
        json!({"PortfolioId": "port-tdp12345", "AcceptLanguage": "en", "PrincipalARN": ADMIN, "PrincipalType": "IAM"});
    let exchanges = [
        ok("AssociatePrincipalWithPortfolio", association.clone(), json!({})),
        listed(
            None,
            json!([{"PrincipalARN": "arn:aws:iam::123456789012:role/other", "PrincipalType": "IAM"}]),
            Some("page-2"),
        ),
        listed(
            Some("page-2"),
            json!([{"PrincipalARN": ADMIN, "PrincipalType": "IAM"}]),
            None,
        ),
        ok("DisassociatePrincipalFromPortfolio", association, json!({})),
        listed(None, json!([]), None),
    ];
    let (ctx, replay) = ctx(&exchanges);
    let config = map([
        ("portfolio_id", Value::from("port-tdp12345")),
        ("principal_arn", Value::from(ADMIN)),
    ]);
    assert!(PrincipalAssociation.validate(&config).is_empty());
    let (planned, _) = PrincipalAssociation
        .plan(
            &ctx,
            None,
            engine::plan::diff::proposed(&PrincipalAssociation.schema(), &config, None, &[]),
        )
        .expect("plan");
    let id = format!("en,{ADMIN},port-tdp12345,IAM");
    assert_eq!(planned.get("id"), Value::from(id.as_str()));
    assert_eq!(planned.get("principal_type"), Value::from("IAM"));
    let intents = Mutex::new(Vec::new());
    let (state, error) = PrincipalAssociation
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
    assert_eq!(*intents.lock().expect("intents"), vec![id.clone()]);
    // Read back: found on the second page of the portfolio's principals.
    assert_eq!(
        PrincipalAssociation.read(&ctx, &state).expect("read"),
        Some(state.clone())
    );
    PrincipalAssociation
        .delete(
            &ctx,
            &state,
            &Step {
                private: None,
                intent: &|_: &str| {},
                progress: &|_: &str| {},
            },
        )
        .expect("delete");
    // Gone from the list: read as deleted.
    assert_eq!(PrincipalAssociation.read(&ctx, &state).expect("read"), None);
    assert_sent(&replay, &exchanges);

    // A portfolio's name where its ID belongs is refused at its place.
    let named = map([
        ("portfolio_id", Value::from("TetraScience Platform")),
        ("principal_arn", Value::from(ADMIN)),
    ]);
    assert!(PrincipalAssociation.validate(&named)[0]
        .message
        .contains("port-68656c6c6f"));
}
