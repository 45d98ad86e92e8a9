//! KMS keys, aliases and key policies against a private moto server, including the key policy
//! of seed 001 that lets InfinStor's IAM role use a customer managed key. Every test drives the
//! provider through the engine's `Provider` trait and checks the result with aws-sdk-kms
//! directly, not only through the provider's own read.

mod common;

use common::{tags, Harness};
use engine::core::provider::ProviderFactory;
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";
const ROLE: &str = "RoleForInfinStorMlflowService-tenant-name";

/// A harness whose provider sends KMS (and IAM/STS/S3) requests to moto.
fn harness() -> Harness {
    Harness::new().with_endpoints(&["s3", "iam", "sts", "kms"])
}

/// A KMS client talking to the harness's moto server.
fn kms_client(h: &Harness) -> aws_sdk_kms::Client {
    let config = aws_sdk_kms::config::Builder::from(&h.sdk_config())
        .endpoint_url(h.moto.endpoint.clone())
        .build();
    aws_sdk_kms::Client::from_conf(config)
}

fn key_state(h: &Harness, kms: &aws_sdk_kms::Client, key_id: &str) -> String {
    h.rt.block_on(kms.describe_key().key_id(key_id).send())
        .expect("describe key")
        .key_metadata()
        .and_then(|m| m.key_state().map(|s| s.as_str().to_string()))
        .expect("key state")
}

fn remote_policy(h: &Harness, kms: &aws_sdk_kms::Client, key_id: &str) -> serde_json::Value {
    let doc =
        h.rt.block_on(kms.get_key_policy().key_id(key_id).policy_name("default").send())
            .expect("get key policy")
            .policy()
            .expect("policy")
            .to_string();
    serde_json::from_str(&doc).expect("policy JSON")
}

fn remote_tags(h: &Harness, kms: &aws_sdk_kms::Client, key_id: &str) -> BTreeMap<String, String> {
    h.rt.block_on(kms.list_resource_tags().key_id(key_id).send())
        .expect("list tags")
        .tags()
        .iter()
        .map(|t| (t.tag_key().to_string(), t.tag_value().to_string()))
        .collect()
}

fn sids(policy: &serde_json::Value) -> Vec<String> {
    policy["Statement"]
        .as_array()
        .expect("statements")
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn changed(h: &Harness, type_name: &str, prior: &Value, config: &Value) -> Vec<String> {
    let planned = h.plan(type_name, Some(prior), config).expect("plan").planned;
    engine::plan::diff::changed_attributes(&h.schema(type_name), prior, &planned)
}

/// Seed 001's modified key policy: the account's own statement plus "Allow use of the key"
/// and "Allow attachment of persistent resources" for InfinStor's role.
fn seed_policy(role_arn: &str) -> String {
    serde_json::json!({
        "Id": "key-consolepolicy-3",
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Enable IAM User Permissions",
                "Effect": "Allow",
                "Principal": { "AWS": format!("arn:aws:iam::{ACCOUNT}:root") },
                "Action": "kms:*",
                "Resource": "*"
            },
            {
                "Sid": "Allow use of the key",
                "Effect": "Allow",
                "Principal": { "AWS": role_arn },
                "Action": [
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ReEncrypt*",
                    "kms:GenerateDataKey*",
                    "kms:DescribeKey"
                ],
                "Resource": "*"
            },
            {
                "Sid": "Allow attachment of persistent resources",
                "Effect": "Allow",
                "Principal": { "AWS": role_arn },
                "Action": ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
                "Resource": "*",
                "Condition": { "Bool": { "kms:GrantIsForAWSResource": "true" } }
            }
        ]
    })
    .to_string()
}

/// The same policy, written the way a person (or `jsonencode` with other key order) might:
/// keys reordered, a one-element action list, the actions in another order.
fn seed_policy_reformatted(role_arn: &str) -> String {
    format!(
        r#"{{
  "Version": "2012-10-17",
  "Id": "key-consolepolicy-3",
  "Statement": [
    {{"Resource": "*", "Action": ["kms:*"], "Principal": {{"AWS": ["arn:aws:iam::{ACCOUNT}:root"]}},
      "Effect": "Allow", "Sid": "Enable IAM User Permissions"}},
    {{"Sid": "Allow use of the key", "Effect": "Allow", "Principal": {{"AWS": "{role_arn}"}},
      "Action": ["kms:DescribeKey", "kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey*", "kms:ReEncrypt*"],
      "Resource": "*"}},
    {{"Sid": "Allow attachment of persistent resources", "Effect": "Allow", "Principal": {{"AWS": "{role_arn}"}},
      "Action": ["kms:RevokeGrant", "kms:ListGrants", "kms:CreateGrant"], "Resource": "*",
      "Condition": {{"Bool": {{"kms:GrantIsForAWSResource": ["true"]}}}}}}
  ]
}}"#
    )
}

fn role(h: &Harness) -> Value {
    let trust = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::697756613082:root"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"ext-1"}}}]}"#;
    h.create(
        "aws_iam_role",
        map([("name", Value::from(ROLE)), ("assume_role_policy", Value::from(trust))]),
    )
}

#[test]
fn key_create_update_import_delete() {
    let h = harness();
    let kms = kms_client(&h);
    let config = map([
        ("description", Value::from("MLflow artifacts")),
        ("tags", tags(&[("Name", "artifacts")])),
    ]);

    let planned = h.plan("aws_kms_key", None, &config).expect("plan").planned;
    assert_eq!(planned.get("key_usage"), Value::from("ENCRYPT_DECRYPT"));
    assert_eq!(
        planned.get("customer_master_key_spec"),
        Value::from("SYMMETRIC_DEFAULT")
    );
    // Unset: KMS's 30 days at delete, recorded as unset (as Terraform's provider records it).
    assert_eq!(planned.get("deletion_window_in_days"), Value::Null);
    assert_eq!(planned.get("is_enabled"), Value::Bool(true));
    assert_eq!(planned.get("enable_key_rotation"), Value::Bool(false));
    assert_eq!(planned.get("key_id"), Value::UNKNOWN);
    assert_eq!(planned.get("policy"), Value::UNKNOWN);

    let key = h.create("aws_kms_key", config.clone());
    let key_id = key.get("key_id").as_str().expect("key id").to_string();
    let arn = key.get("arn").as_str().expect("arn").to_string();
    assert_eq!(key.get("id"), Value::from(key_id.as_str()));
    assert_eq!(arn, format!("arn:aws:kms:us-east-1:{ACCOUNT}:key/{key_id}"));
    let intents = h.intents();
    assert_eq!(intents.len(), 1, "{intents:?}");
    assert!(intents[0].starts_with("intent:"), "{intents:?}");
    // The intent tag stays on the key (the journal's intent names it), and is never in the state.
    let mut remote = remote_tags(&h, &kms, &key_id);
    assert_eq!(
        remote.remove("infinstor:intent").map(|t| format!("intent:{t}")),
        Some(intents[0].clone())
    );
    assert_eq!(remote, BTreeMap::from([("Name".to_string(), "artifacts".to_string())]));
    assert_eq!(key.get("tags_all"), tags(&[("Name", "artifacts")]));
    assert_eq!(key_state(&h, &kms, &key_id), "Enabled");
    // KMS's default policy: the account manages the key through IAM.
    let policy = key.get("policy");
    let policy: serde_json::Value = serde_json::from_str(policy.as_str().expect("policy")).expect("policy JSON");
    assert_eq!(sids(&policy), vec!["Enable IAM User Permissions"]);
    assert_eq!(h.read("aws_kms_key", &key), Some(key.clone()));
    assert!(changed(&h, "aws_kms_key", &key, &config).is_empty());

    // Description, rotation and policy change in place.
    let role_arn = format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}");
    let updated_config = map([
        ("description", Value::from("MLflow artifacts (rotated)")),
        ("enable_key_rotation", Value::Bool(true)),
        ("policy", Value::from(seed_policy(&role_arn))),
        ("tags", tags(&[("Name", "artifacts"), ("team", "ml")])),
    ]);
    let updated = h.update("aws_kms_key", &key, updated_config.clone());
    assert_eq!(updated.get("key_id"), Value::from(key_id.as_str()));
    let metadata =
        h.rt.block_on(kms.describe_key().key_id(&key_id).send())
            .expect("describe")
            .key_metadata()
            .cloned()
            .expect("metadata");
    assert_eq!(metadata.description(), Some("MLflow artifacts (rotated)"));
    let rotation =
        h.rt.block_on(kms.get_key_rotation_status().key_id(&key_id).send())
            .expect("rotation status");
    assert!(rotation.key_rotation_enabled());
    assert_eq!(
        sids(&remote_policy(&h, &kms, &key_id)),
        vec![
            "Enable IAM User Permissions",
            "Allow use of the key",
            "Allow attachment of persistent resources"
        ]
    );
    assert_eq!(
        remote_tags(&h, &kms, &key_id).get("team").map(String::as_str),
        Some("ml")
    );
    assert_eq!(h.read("aws_kms_key", &updated), Some(updated.clone()));

    // The same policy written differently is no change.
    let reformatted = map([
        ("description", Value::from("MLflow artifacts (rotated)")),
        ("enable_key_rotation", Value::Bool(true)),
        ("policy", Value::from(seed_policy_reformatted(&role_arn))),
        ("tags", tags(&[("Name", "artifacts"), ("team", "ml")])),
    ]);
    assert!(changed(&h, "aws_kms_key", &updated, &reformatted).is_empty());
    // Disabling the key is an update too.
    let disabled = h.update(
        "aws_kms_key",
        &updated,
        map([
            ("description", Value::from("MLflow artifacts (rotated)")),
            ("enable_key_rotation", Value::Bool(true)),
            ("is_enabled", Value::Bool(false)),
            ("policy", Value::from(seed_policy(&role_arn))),
            ("tags", tags(&[("Name", "artifacts"), ("team", "ml")])),
        ]),
    );
    assert_eq!(key_state(&h, &kms, &key_id), "Disabled");
    assert_eq!(disabled.get("is_enabled"), Value::Bool(false));

    // Import by key ID and by ARN.
    let by_id = h.import("aws_kms_key", &key_id).expect("import by key id");
    assert_eq!(by_id.get("arn"), Value::from(arn.as_str()));
    assert_eq!(by_id.get("enable_key_rotation"), Value::Bool(true));
    // KMS does not report it: unset after an import, as in Terraform's provider.
    assert_eq!(by_id.get("deletion_window_in_days"), Value::Null);
    let by_arn = h.import("aws_kms_key", &arn).expect("import by ARN");
    assert_eq!(by_arn.get("key_id"), Value::from(key_id.as_str()));

    // Destroy schedules the deletion; the key then reads as gone.
    h.destroy("aws_kms_key", &disabled);
    assert_eq!(key_state(&h, &kms, &key_id), "PendingDeletion");
    assert_eq!(h.read("aws_kms_key", &disabled), None);
    assert_eq!(h.import("aws_kms_key", &key_id), None);
    h.destroy("aws_kms_key", &disabled);
}

#[test]
fn key_left_by_an_interrupted_create_is_found_by_its_intent() {
    let h = harness();
    let kms = kms_client(&h);
    let tag = aws_sdk_kms::types::Tag::builder()
        .tag_key("infinstor:intent")
        .tag_value("feedc0de")
        .build()
        .expect("tag");
    let other = aws_sdk_kms::types::Tag::builder()
        .tag_key("infinstor:intent")
        .tag_value("somebody-else")
        .build()
        .expect("tag");
    h.rt.block_on(kms.create_key().tags(other).send()).expect("other key");
    let key_id =
        h.rt.block_on(kms.create_key().description("interrupted").tags(tag).send())
            .expect("create key")
            .key_metadata()
            .map(|m| m.key_id().to_string())
            .expect("key id");
    let adopted = h.import("aws_kms_key", "intent:feedc0de").expect("found by intent");
    assert_eq!(adopted.get("key_id"), Value::from(key_id.as_str()));
    assert_eq!(adopted.get("description"), Value::from("interrupted"));
    assert_eq!(h.import("aws_kms_key", "intent:nothing"), None);

    // The intent tag stays on the key, so no crash can leave a key nothing finds; it is not
    // part of the state, so it is never drift and an update leaves it alone.
    assert_eq!(adopted.get("tags_all"), Value::Map(Default::default()));
    let updated = h.update(
        "aws_kms_key",
        &adopted,
        map([("description", Value::from("interrupted"))]),
    );
    assert_eq!(updated.get("tags_all"), Value::Map(Default::default()));
    assert_eq!(
        remote_tags(&h, &kms, &key_id)
            .get("infinstor:intent")
            .map(String::as_str),
        Some("feedc0de")
    );
}

#[test]
fn alias_create_retarget_import_delete() {
    let h = harness();
    let kms = kms_client(&h);
    let first = h.create("aws_kms_key", map([("description", Value::from("first"))]));
    let second = h.create("aws_kms_key", map([("description", Value::from("second"))]));
    let first_id = first.get("key_id").as_str().expect("id").to_string();
    let second_arn = second.get("arn").as_str().expect("arn").to_string();

    let config = map([
        ("name", Value::from("alias/infinstor-artifacts")),
        ("target_key_id", Value::from(first_id.as_str())),
    ]);
    let planned = h.plan("aws_kms_alias", None, &config).expect("plan").planned;
    assert_eq!(planned.get("id"), Value::from("alias/infinstor-artifacts"));
    let alias = h.create("aws_kms_alias", config.clone());
    assert_eq!(
        h.intents().last().map(String::as_str),
        Some("alias/infinstor-artifacts")
    );
    assert_eq!(
        alias.get("arn"),
        Value::from(format!("arn:aws:kms:us-east-1:{ACCOUNT}:alias/infinstor-artifacts"))
    );
    assert_eq!(alias.get("target_key_arn"), first.get("arn"));
    assert_eq!(h.read("aws_kms_alias", &alias), Some(alias.clone()));
    assert!(changed(&h, "aws_kms_alias", &alias, &config).is_empty());

    // Point it at the second key, named by ARN; state keeps the ARN the configuration used.
    let retargeted = h.update(
        "aws_kms_alias",
        &alias,
        map([
            ("name", Value::from("alias/infinstor-artifacts")),
            ("target_key_id", Value::from(second_arn.as_str())),
        ]),
    );
    assert_eq!(retargeted.get("target_key_id"), Value::from(second_arn.as_str()));
    assert_eq!(retargeted.get("target_key_arn"), Value::from(second_arn.as_str()));
    let listed = h.rt.block_on(kms.list_aliases().send()).expect("list aliases");
    let entry = listed
        .aliases()
        .iter()
        .find(|a| a.alias_name() == Some("alias/infinstor-artifacts"))
        .expect("alias listed");
    assert_eq!(entry.target_key_id(), second.get("key_id").as_str());
    assert_eq!(h.read("aws_kms_alias", &retargeted), Some(retargeted.clone()));

    let imported = h.import("aws_kms_alias", "alias/infinstor-artifacts").expect("import");
    assert_eq!(imported.get("target_key_id"), second.get("key_id"));
    assert_eq!(h.import("aws_kms_alias", "alias/missing"), None);

    // A prefix gives a unique name.
    let prefixed = h.create(
        "aws_kms_alias",
        map([
            ("name_prefix", Value::from("alias/infinstor-")),
            ("target_key_id", Value::from(first_id.as_str())),
        ]),
    );
    let generated = prefixed.get("name");
    let generated = generated.as_str().expect("generated name");
    assert!(
        generated.starts_with("alias/infinstor-") && generated.len() == 16 + 26,
        "{generated}"
    );

    h.destroy("aws_kms_alias", &retargeted);
    h.destroy("aws_kms_alias", &prefixed);
    assert_eq!(h.read("aws_kms_alias", &retargeted), None);
    h.destroy("aws_kms_alias", &retargeted);
    let listed = h.rt.block_on(kms.list_aliases().send()).expect("list aliases");
    assert!(!listed
        .aliases()
        .iter()
        .any(|a| a.alias_name().is_some_and(|n| n.starts_with("alias/infinstor-"))));
}

#[test]
fn seed_001_key_policy_lets_the_infinstor_role_use_the_key() {
    let h = harness();
    let kms = kms_client(&h);
    let role = role(&h);
    let role_arn = role.get("arn").as_str().expect("role arn").to_string();
    assert_eq!(role_arn, format!("arn:aws:iam::{ACCOUNT}:role/{ROLE}"));
    let key = h.create("aws_kms_key", map([("description", Value::from("dynamodb"))]));
    let key_id = key.get("key_id").as_str().expect("key id").to_string();

    let config = map([
        ("key_id", Value::from(key_id.as_str())),
        ("policy", Value::from(seed_policy(&role_arn))),
    ]);
    let state = h.create("aws_kms_key_policy", config.clone());
    assert_eq!(state.get("id"), Value::from(key_id.as_str()));
    assert_eq!(state.get("bypass_policy_lockout_safety_check"), Value::Bool(false));
    assert_eq!(h.intents().last().map(String::as_str), Some(key_id.as_str()));
    let remote = remote_policy(&h, &kms, &key_id);
    assert_eq!(
        sids(&remote),
        vec![
            "Enable IAM User Permissions",
            "Allow use of the key",
            "Allow attachment of persistent resources"
        ]
    );
    assert_eq!(remote["Statement"][1]["Principal"]["AWS"], serde_json::json!(role_arn));
    assert_eq!(
        remote["Statement"][2]["Condition"]["Bool"]["kms:GrantIsForAWSResource"],
        serde_json::json!("true")
    );
    assert_eq!(h.read("aws_kms_key_policy", &state), Some(state.clone()));

    // Reformatted, it is the same policy: no change, and a refresh keeps the configured text.
    let reformatted = map([
        ("key_id", Value::from(key_id.as_str())),
        ("policy", Value::from(seed_policy_reformatted(&role_arn))),
    ]);
    assert!(changed(&h, "aws_kms_key_policy", &state, &reformatted).is_empty());

    // Dropping the attachment statement is an in-place update.
    let mut narrower: serde_json::Value = serde_json::from_str(&seed_policy(&role_arn)).expect("json");
    narrower["Statement"].as_array_mut().expect("statements").truncate(2);
    let updated = h.update(
        "aws_kms_key_policy",
        &state,
        map([
            ("key_id", Value::from(key_id.as_str())),
            ("policy", Value::from(narrower.to_string())),
        ]),
    );
    assert_eq!(sids(&remote_policy(&h, &kms, &key_id)).len(), 2);
    assert_eq!(updated.get("policy"), Value::from(narrower.to_string()));

    let imported = h.import("aws_kms_key_policy", &key_id).expect("import");
    assert_eq!(imported.get("key_id"), Value::from(key_id.as_str()));
    assert_eq!(
        sids(&serde_json::from_str(imported.get("policy").as_str().expect("policy")).expect("json")).len(),
        2
    );

    // Destroying the policy gives the key back KMS's default policy.
    h.destroy("aws_kms_key_policy", &updated);
    let reset = remote_policy(&h, &kms, &key_id);
    assert_eq!(sids(&reset), vec!["Enable IAM User Permissions"]);
    assert_eq!(
        reset["Statement"][0]["Principal"]["AWS"],
        serde_json::json!(format!("arn:aws:iam::{ACCOUNT}:root"))
    );

    // Once the key is scheduled for deletion, the policy is gone too.
    h.destroy("aws_kms_key", &key);
    assert_eq!(h.read("aws_kms_key_policy", &updated), None);
    h.destroy("aws_kms_key_policy", &updated);
}

#[test]
fn validation_catches_bad_arguments() {
    let h = harness();
    let problems = |type_name: &str, config: Value| h.validate(type_name, &config);
    let p = problems("aws_kms_key", map([("deletion_window_in_days", Value::from(5.0))]));
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].attribute.as_deref(), Some("deletion_window_in_days"));
    let p = problems("aws_kms_key", map([("policy", Value::from("{not json"))]));
    assert_eq!(p[0].attribute.as_deref(), Some("policy"));
    let p = problems(
        "aws_kms_key",
        map([
            ("customer_master_key_spec", Value::from("RSA_2048")),
            ("key_usage", Value::from("SIGN_VERIFY")),
            ("enable_key_rotation", Value::Bool(true)),
        ]),
    );
    assert!(
        p.iter().any(|p| p.attribute.as_deref() == Some("enable_key_rotation")),
        "{p:?}"
    );
    assert!(!h.allows("aws_kms_key", "key_usage", "ENCRYPT"));
    assert!(h.allows("aws_kms_key", "key_usage", "ENCRYPT_DECRYPT"));
    assert!(problems("aws_kms_key", map([("policy", Value::UNKNOWN)])).is_empty());

    let p = problems(
        "aws_kms_alias",
        map([("name", Value::from("infinstor")), ("target_key_id", Value::from("k"))]),
    );
    assert!(p[0].message.contains("alias/"), "{p:?}");
    let p = problems(
        "aws_kms_alias",
        map([
            ("name", Value::from("alias/aws/s3")),
            ("target_key_id", Value::from("k")),
        ]),
    );
    assert!(p[0].message.contains("reserved"), "{p:?}");
    let p = problems(
        "aws_kms_alias",
        map([
            ("name", Value::from("alias/a")),
            ("name_prefix", Value::from("alias/b")),
            ("target_key_id", Value::from("k")),
        ]),
    );
    assert!(!p.is_empty());
    let p = problems(
        "aws_kms_key_policy",
        map([("key_id", Value::from("k")), ("policy", Value::from("[]"))]),
    );
    assert_eq!(p.len(), 1, "{p:?}");

    let factory = providers::AwsFactory::new();
    let schema = factory.resource_schema("aws_kms_key").expect("schema");
    assert!(schema.attributes["policy"].json);
    assert!(schema.attributes["key_usage"].force_new);
    assert!(factory.resource_schema("aws_kms_alias").expect("alias").attributes["name"].force_new);
    assert!(
        factory
            .resource_schema("aws_kms_key_policy")
            .expect("policy")
            .attributes["key_id"]
            .force_new
    );
}
