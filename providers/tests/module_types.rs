//! The types the seeds' modules added (seed 004's account preparation, seed 002's API key and
//! load balancer zone, the `local` provider's files) against a private moto server: create,
//! read back through the SDK, update or replace, import, a change made outside infinstor, and
//! delete. Every test drives the provider through the engine's `Provider` trait.

mod common;

use common::Harness;
use engine::core::provider::{ImportRequest, ProviderFactory, ReadDataRequest, ReadRequest};
use engine::core::value::{map, Value};

fn harness() -> Harness {
    Harness::new().with_endpoints(&["s3", "iam", "sts", "logs", "ec2", "sesv2", "apigateway"])
}

fn changed(h: &Harness, type_name: &str, prior: &Value, config: &Value) -> Vec<String> {
    let planned = h.plan(type_name, Some(prior), config).expect("plan").planned;
    engine::plan::diff::changed_attributes(&h.schema(type_name), prior, &planned)
}

const LOG_POLICY: &str = "aws_cloudwatch_log_resource_policy";

fn log_policy(sid: &str) -> Value {
    map([
        ("policy_name", Value::from("es2cloudwatch")),
        (
            "policy_document",
            Value::from(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"{sid}","Effect":"Allow","Principal":{{"Service":"es.amazonaws.com"}},"Action":["logs:PutLogEvents","logs:CreateLogStream"],"Resource":"*"}}]}}"#
            )),
        ),
    ])
}

fn remote_log_policy(h: &Harness) -> Option<String> {
    let logs = aws_sdk_cloudwatchlogs::Client::new(&h.sdk_config());
    let out =
        h.rt.block_on(logs.describe_resource_policies().send())
            .expect("describe");
    out.resource_policies()
        .iter()
        .find(|p| p.policy_name() == Some("es2cloudwatch"))
        .and_then(|p| p.policy_document().map(str::to_string))
}

#[test]
fn log_resource_policy_is_put_imported_read_after_a_change_outside_and_deleted() {
    let h = harness();
    let state = h.create(LOG_POLICY, log_policy("first"));
    assert_eq!(state.get("id"), Value::from("es2cloudwatch"));
    assert!(remote_log_policy(&h).is_some_and(|d| d.contains("\"first\"")));
    assert!(changed(&h, LOG_POLICY, &state, &log_policy("first")).is_empty());

    // The same document written another way is no change.
    let reformatted = log_policy("first").get("policy_document").as_str().map(|d| {
        serde_json::to_string_pretty(&serde_json::from_str::<serde_json::Value>(d).expect("json")).expect("pretty")
    });
    let mut same = log_policy("first");
    if let (Value::Map(m), Some(doc)) = (&mut same, reformatted) {
        m.insert("policy_document".into(), Value::from(doc));
    }
    assert!(changed(&h, LOG_POLICY, &state, &same).is_empty());

    let updated = h.update(LOG_POLICY, &state, log_policy("second"));
    assert!(remote_log_policy(&h).is_some_and(|d| d.contains("\"second\"")));
    assert_eq!(
        h.import(LOG_POLICY, "es2cloudwatch")
            .expect("imported")
            .get("policy_document")
            .as_str()
            .map(|d| d.contains("second")),
        Some(true)
    );

    // Changed outside: the read shows the document AWS holds, and the plan puts ours back.
    let logs = aws_sdk_cloudwatchlogs::Client::new(&h.sdk_config());
    let outside = r#"{"Version":"2012-10-17","Statement":[{"Sid":"console","Effect":"Allow","Principal":{"Service":"es.amazonaws.com"},"Action":"logs:PutLogEvents","Resource":"*"}]}"#;
    h.rt.block_on(
        logs.put_resource_policy()
            .policy_name("es2cloudwatch")
            .policy_document(outside)
            .send(),
    )
    .expect("put outside");
    let read = h.read(LOG_POLICY, &updated).expect("still there");
    assert!(
        read.get("policy_document")
            .as_str()
            .is_some_and(|d| d.contains("console")),
        "{read}"
    );
    assert_eq!(
        changed(&h, LOG_POLICY, &read, &log_policy("second")),
        vec!["policy_document".to_string()]
    );

    h.destroy(LOG_POLICY, &read);
    assert_eq!(remote_log_policy(&h), None);
    assert_eq!(h.read(LOG_POLICY, &read), None);
}

const KEY_PAIR: &str = "aws_key_pair";
const PUBLIC_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJxa9xtm+ciuV/Ipc8iZ1KdzOA21aoOn2f+OJCkem1KG admin@acme";
const OTHER_KEY: &str = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl other@acme";

fn key_names(h: &Harness) -> Vec<String> {
    let ec2 = aws_sdk_ec2::Client::new(&h.sdk_config());
    let out = h.rt.block_on(ec2.describe_key_pairs().send()).expect("describe");
    out.key_pairs()
        .iter()
        .filter_map(|k| k.key_name().map(str::to_string))
        .collect()
}

#[test]
fn key_pair_is_imported_into_ec2_replaced_for_a_new_key_and_found_gone_after_a_delete_outside() {
    let h = harness();
    let config = map([
        ("key_name", Value::from("tetrascience-admin")),
        ("public_key", Value::from(PUBLIC_KEY)),
    ]);
    let state = h.create(KEY_PAIR, config.clone());
    assert_eq!(key_names(&h), vec!["tetrascience-admin".to_string()]);
    assert!(
        state.get("fingerprint").as_str().is_some_and(|f| !f.is_empty()),
        "{state}"
    );
    assert!(
        state
            .get("key_pair_id")
            .as_str()
            .is_some_and(|id| id.starts_with("key-")),
        "{state}"
    );
    assert!(changed(&h, KEY_PAIR, &state, &config).is_empty());

    // A new public key is a new key pair.
    let other = map([
        ("key_name", Value::from("tetrascience-admin")),
        ("public_key", Value::from(OTHER_KEY)),
    ]);
    // (The engine replaces an object when a force-new argument changes.)
    assert_eq!(changed(&h, KEY_PAIR, &state, &other), vec!["public_key".to_string()]);
    assert!(h.schema(KEY_PAIR).attributes["public_key"].force_new);

    // Import by name: EC2 does not give the public key back; the rest matches.
    let imported = h.import(KEY_PAIR, "tetrascience-admin").expect("imported");
    for key in ["key_name", "fingerprint", "key_pair_id", "id"] {
        assert_eq!(imported.get(key), state.get(key), "{key}");
    }

    // Deleted outside: the read finds nothing, and the next plan creates it again.
    let ec2 = aws_sdk_ec2::Client::new(&h.sdk_config());
    h.rt.block_on(ec2.delete_key_pair().key_name("tetrascience-admin").send())
        .expect("delete outside");
    assert_eq!(h.read(KEY_PAIR, &state), None);
    assert_eq!(h.import(KEY_PAIR, "tetrascience-admin"), None);

    let again = h.create(KEY_PAIR, config);
    h.destroy(KEY_PAIR, &again);
    assert!(key_names(&h).is_empty());
}

const IDENTITY: &str = "aws_sesv2_email_identity";

fn identity_exists(h: &Harness, address: &str) -> bool {
    let ses = aws_sdk_sesv2::Client::new(&h.sdk_config());
    h.rt.block_on(ses.get_email_identity().email_identity(address).send())
        .is_ok()
}

#[test]
fn email_identity_is_created_imported_replaced_for_another_address_and_found_gone() {
    let h = harness();
    let config = map([("email_identity", Value::from("tdp-noreply@acme.example.com"))]);
    let state = h.create(IDENTITY, config.clone());
    assert!(identity_exists(&h, "tdp-noreply@acme.example.com"));
    assert_eq!(state.get("identity_type"), Value::from("EMAIL_ADDRESS"));
    assert!(
        state
            .get("arn")
            .as_str()
            .is_some_and(|a| a.ends_with(":identity/tdp-noreply@acme.example.com")),
        "{state}"
    );
    assert!(changed(&h, IDENTITY, &state, &config).is_empty());
    let other = map([("email_identity", Value::from("alerts@acme.example.com"))]);
    assert_eq!(
        changed(&h, IDENTITY, &state, &other),
        vec!["email_identity".to_string()]
    );
    assert!(h.schema(IDENTITY).attributes["email_identity"].force_new);

    let imported = h.import(IDENTITY, "tdp-noreply@acme.example.com").expect("imported");
    for key in ["email_identity", "identity_type", "arn", "id"] {
        assert_eq!(imported.get(key), state.get(key), "{key}");
    }

    let ses = aws_sdk_sesv2::Client::new(&h.sdk_config());
    h.rt.block_on(
        ses.delete_email_identity()
            .email_identity("tdp-noreply@acme.example.com")
            .send(),
    )
    .expect("delete outside");
    assert_eq!(h.read(IDENTITY, &state), None);

    let again = h.create(IDENTITY, config);
    h.destroy(IDENTITY, &again);
    assert!(!identity_exists(&h, "tdp-noreply@acme.example.com"));
}

#[test]
fn api_key_data_source_reads_the_value_as_sensitive_and_names_a_missing_key() {
    let h = harness();
    let gateway = aws_sdk_apigateway::Client::new(&h.sdk_config());
    let key =
        h.rt.block_on(
            gateway
                .create_api_key()
                .name("metaflow-api-key")
                .value("mf-key-0123456789abcdef0123")
                .enabled(true)
                .send(),
        )
        .expect("api key");
    let id = key.id().expect("id").to_string();
    let schema = h.factory.data_schema("aws_api_gateway_api_key").expect("schema");
    assert!(schema.attributes["value"].sensitive);
    let read = h
        .provider
        .read_data(ReadDataRequest {
            type_name: "aws_api_gateway_api_key",
            config: &map([("id", Value::from(id.as_str()))]),
        })
        .expect("read");
    assert_eq!(read.get("name"), Value::from("metaflow-api-key"));
    assert_eq!(read.get("enabled"), Value::Bool(true));
    assert_eq!(
        read.get("value").deep_unmark(),
        Value::from("mf-key-0123456789abcdef0123")
    );
    assert!(
        matches!(read.get("value"), Value::Sensitive(_)),
        "the key's value is marked sensitive: {read}"
    );

    let missing = h
        .provider
        .read_data(ReadDataRequest {
            type_name: "aws_api_gateway_api_key",
            config: &map([("id", Value::from("nosuchkey1"))]),
        })
        .expect_err("missing key");
    assert!(missing.message.contains("nosuchkey1"), "{missing}");
}

#[test]
fn load_balancer_zone_data_source_answers_from_the_documented_table() {
    let h = harness();
    let read = |config: Value| {
        h.provider.read_data(ReadDataRequest {
            type_name: "aws_lb_hosted_zone_id",
            config: &config,
        })
    };
    assert_eq!(
        read(Value::empty_map()).expect("alb").get("id"),
        Value::from("Z35SXDOTRQ7X7K")
    );
    assert_eq!(
        read(map([
            ("load_balancer_type", Value::from("network")),
            ("region", Value::from("us-east-1"))
        ]))
        .expect("nlb")
        .get("id"),
        Value::from("Z26RNL4JYFTOTI")
    );
    let unknown = read(map([("region", Value::from("xx-nowhere-1"))])).expect_err("unknown region");
    assert!(unknown.message.contains("xx-nowhere-1"), "{unknown}");
}

#[test]
fn local_file_is_written_found_changed_on_disk_and_refuses_import() {
    let dir = tempfile_dir();
    let path = dir.join("config.json");
    let factory = providers::AllProviders::new();
    let local = factory.configure("local", &Value::empty_map()).expect("local provider");
    let config = map([
        ("filename", Value::from(path.to_string_lossy().as_ref())),
        ("content", Value::from("{\"METAFLOW_DEFAULT_DATASTORE\": \"s3\"}")),
    ]);
    let schema = factory.resource_schema("local_file").expect("schema");
    let proposed = common::proposed(&schema, None, &config);
    let planned = local
        .plan(engine::core::provider::PlanRequest {
            type_name: "local_file",
            prior: None,
            proposed: &proposed,
            config: &config,
        })
        .expect("plan")
        .planned;
    let journal = common::RecordingJournal::default();
    let created = local.apply(engine::core::provider::ApplyRequest {
        type_name: "local_file",
        prior: None,
        planned: Some(&planned),
        journal: &journal,
        progress: &|_| {},
        private: None,
    });
    assert!(created.error.is_none(), "{:?}", created.error);
    let state = created.new_state.expect("state");
    assert_eq!(
        std::fs::read_to_string(&path).expect("written"),
        "{\"METAFLOW_DEFAULT_DATASTORE\": \"s3\"}"
    );
    let read = local
        .read(ReadRequest {
            type_name: "local_file",
            prior: &state,
        })
        .expect("read");
    assert_eq!(read.as_ref(), Some(&state));

    // Edited by hand: the file is planned again, as Terraform's local provider does.
    std::fs::write(&path, "edited").expect("edit");
    assert_eq!(
        local
            .read(ReadRequest {
                type_name: "local_file",
                prior: &state,
            })
            .expect("read"),
        None
    );
    let refused = local
        .import(ImportRequest {
            type_name: "local_file",
            id: path.to_string_lossy().as_ref(),
        })
        .expect_err("no import");
    assert!(refused.message.contains("cannot be imported"), "{refused}");

    let deleted = local.apply(engine::core::provider::ApplyRequest {
        type_name: "local_file",
        prior: Some(&state),
        planned: None,
        journal: &journal,
        progress: &|_| {},
        private: None,
    });
    assert!(deleted.error.is_none(), "{:?}", deleted.error);
    assert!(!path.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// A fresh directory under the system's temporary directory.
fn tempfile_dir() -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "infinstor-local-file-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}
