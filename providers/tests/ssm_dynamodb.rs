//! `aws_ssm_parameter`, `aws_dynamodb_table` and `aws_iam_service_linked_role` against a
//! private moto server. Every test drives the provider through the engine's `Provider` trait and
//! checks the result with the AWS SDK directly.

mod common;

use common::{block, tags, Harness};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

/// The shared harness, with a provider that sends every service to moto (the shared one routes
/// only S3, IAM and STS there).
fn harness() -> Harness {
    Harness::new().with_endpoints(&["s3", "iam", "sts", "cloudformation", "ssm", "dynamodb", "kms"])
}

/// Attributes and blocks whose planned value differs from the prior, as the engine sees it.
fn changed_attrs(h: &Harness, type_name: &str, prior: &Value, planned: &Value) -> Vec<String> {
    engine::plan::diff::changed_attributes(&h.schema(type_name), prior, planned)
}

const PARAM: &str = "aws_ssm_parameter";
const TABLE: &str = "aws_dynamodb_table";
const SLR: &str = "aws_iam_service_linked_role";

fn sha256(value: &str) -> String {
    use sha2::Digest as _;
    let digest = sha2::Sha256::digest(value.as_bytes());
    format!(
        "sha256:{}",
        digest.iter().map(|b| format!("{b:02x}")).collect::<String>()
    )
}

// ---------------------------------------------------------------------------------------------
// SSM
// ---------------------------------------------------------------------------------------------

fn ssm(h: &Harness) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&h.sdk_config())
}

fn remote_value(h: &Harness, name: &str) -> Option<String> {
    h.rt.block_on(ssm(h).get_parameter().name(name).with_decryption(true).send())
        .ok()
        .and_then(|o| o.parameter().and_then(|p| p.value()).map(str::to_string))
}

fn secret_config(name: &str, value: &str, description: Option<&str>) -> Value {
    let mut pairs = vec![
        ("name", Value::from(name)),
        ("type", Value::from("SecureString")),
        ("value", Value::from(value).mark_sensitive()),
        ("tags", tags(&[("team", "platform")])),
    ];
    if let Some(d) = description {
        pairs.push(("description", Value::from(d)));
    }
    map(pairs)
}

#[test]
fn ssm_secure_string_is_recorded_only_as_a_hash() {
    let h = harness();
    let name = "/infinstor/db/password";
    let config = secret_config(name, "s3cret-v1", None);

    let planned = h.plan(PARAM, None, &config).expect("plan").planned;
    assert_eq!(planned.get("id"), Value::from(name));
    assert_eq!(planned.get("tier"), Value::from("Standard"));

    let state = h.create(PARAM, config.clone());
    assert_eq!(h.intents(), vec![name.to_string()]);
    assert_eq!(state.get("value"), Value::from(sha256("s3cret-v1")));
    let recorded = state.to_json().expect("known").to_string();
    assert!(
        !recorded.contains("s3cret"),
        "the clear value leaked into state: {recorded}"
    );
    assert_eq!(state.get("version"), Value::from(1.0));
    assert_eq!(state.get("type"), Value::from("SecureString"));
    assert_eq!(state.get("key_id"), Value::from("alias/aws/ssm"));
    assert_eq!(
        state.get("arn"),
        Value::from(format!("arn:aws:ssm:us-east-1:123456789012:parameter{name}"))
    );
    assert_eq!(state.get("tags_all"), tags(&[("team", "platform")]));
    assert_eq!(remote_value(&h, name).as_deref(), Some("s3cret-v1"));

    // Reading hashes the decrypted value: no drift.
    assert_eq!(h.read(PARAM, &state), Some(state.clone()));

    // The same clear value plans no change; the planned value is the recorded digest.
    let same = h.plan(PARAM, Some(&state), &config).expect("plan").planned;
    assert_eq!(same.get("value").deep_unmark(), Value::from(sha256("s3cret-v1")));
    assert!(
        changed_attrs(&h, PARAM, &state, &same).is_empty(),
        "{:?}",
        changed_attrs(&h, PARAM, &state, &same)
    );

    // A new value is a change (carried in the clear, marked sensitive, only until apply).
    let config2 = secret_config(name, "s3cret-v2", None);
    let changed = h.plan(PARAM, Some(&state), &config2).expect("plan").planned;
    assert_eq!(
        changed_attrs(&h, PARAM, &state, &changed),
        vec!["value".to_string(), "version".to_string()]
    );
    assert_eq!(changed.get("version"), Value::UNKNOWN);
    let updated = h.update(PARAM, &state, config2.clone());
    assert_eq!(updated.get("value"), Value::from(sha256("s3cret-v2")));
    assert_eq!(updated.get("version"), Value::from(2.0));
    assert_eq!(remote_value(&h, name).as_deref(), Some("s3cret-v2"));
    assert!(!updated.to_json().expect("known").to_string().contains("s3cret"));

    // A description alone is put again with the current value, read back from AWS.
    let described = h.update(
        PARAM,
        &updated,
        secret_config(name, "s3cret-v2", Some("database password")),
    );
    assert_eq!(described.get("description"), Value::from("database password"));
    assert_eq!(described.get("value"), Value::from(sha256("s3cret-v2")));
    assert_eq!(remote_value(&h, name).as_deref(), Some("s3cret-v2"));
    let meta =
        h.rt.block_on(
            ssm(&h)
                .describe_parameters()
                .parameter_filters(
                    aws_sdk_ssm::types::ParameterStringFilter::builder()
                        .key("Name")
                        .values(name)
                        .build()
                        .expect("filter"),
                )
                .send(),
        )
        .expect("describe");
    assert_eq!(meta.parameters()[0].description(), Some("database password"));

    // Tags change without a new version.
    let retagged = h.update(
        PARAM,
        &described,
        map([
            ("name", Value::from(name)),
            ("type", Value::from("SecureString")),
            ("value", Value::from("s3cret-v2").mark_sensitive()),
            ("description", Value::from("database password")),
            ("tags", tags(&[("team", "data")])),
        ]),
    );
    assert_eq!(retagged.get("version"), described.get("version"));
    let remote_tags =
        h.rt.block_on(
            ssm(&h)
                .list_tags_for_resource()
                .resource_type(aws_sdk_ssm::types::ResourceTypeForTagging::Parameter)
                .resource_id(name)
                .send(),
        )
        .expect("tags");
    let remote_tags: BTreeMap<&str, &str> = remote_tags.tag_list().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(remote_tags, BTreeMap::from([("team", "data")]));

    // Import by name: the hash again, and the configured value plans no change.
    let imported = h.import(PARAM, name).expect("imported");
    assert_eq!(imported.get("value"), Value::from(sha256("s3cret-v2")));
    assert_eq!(imported.get("description"), Value::from("database password"));
    let config_after_import = map([
        ("name", Value::from(name)),
        ("type", Value::from("SecureString")),
        ("value", Value::from("s3cret-v2").mark_sensitive()),
        ("description", Value::from("database password")),
        ("tags", tags(&[("team", "data")])),
    ]);
    let planned = h
        .plan(PARAM, Some(&imported), &config_after_import)
        .expect("plan")
        .planned;
    assert!(
        changed_attrs(&h, PARAM, &imported, &planned).is_empty(),
        "{:?}",
        changed_attrs(&h, PARAM, &imported, &planned)
    );

    h.destroy(PARAM, &retagged);
    assert_eq!(remote_value(&h, name), None);
    assert_eq!(h.read(PARAM, &retagged), None);
    // Deleting what is gone is success.
    h.destroy(PARAM, &retagged);
}

#[test]
fn ssm_plain_parameters_and_validation() {
    let h = harness();
    let state = h.create(
        PARAM,
        map([
            ("name", Value::from("infinstor-plain")),
            ("type", Value::from("String")),
            ("insecure_value", Value::from("visible")),
        ]),
    );
    assert_eq!(state.get("insecure_value"), Value::from("visible"));
    assert_eq!(state.get("value"), Value::from(sha256("visible")));
    assert_eq!(state.get("key_id"), Value::Null);
    assert_eq!(h.read(PARAM, &state), Some(state.clone()));

    let problems = h.validate(
        PARAM,
        &map([
            ("name", Value::from("a/b")),
            ("type", Value::from("SecureString")),
            ("insecure_value", Value::from("x")),
        ]),
    );
    assert!(!h.allows(PARAM, "tier", "Premium"));
    assert!(h.allows(PARAM, "tier", "Intelligent-Tiering"));
    let attrs: Vec<String> = problems.iter().filter_map(|p| p.attribute.clone()).collect();
    for expected in ["name", "insecure_value"] {
        assert!(attrs.contains(&expected.to_string()), "{expected}: {problems:?}");
    }
    let problems = h.validate(
        PARAM,
        &map([("name", Value::from("p")), ("type", Value::from("String"))]),
    );
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].attribute.as_deref(), Some("value"));
}

// ---------------------------------------------------------------------------------------------
// DynamoDB
// ---------------------------------------------------------------------------------------------

fn dynamodb(h: &Harness) -> aws_sdk_dynamodb::Client {
    aws_sdk_dynamodb::Client::new(&h.sdk_config())
}

fn describe_table(h: &Harness, name: &str) -> Option<aws_sdk_dynamodb::types::TableDescription> {
    h.rt.block_on(dynamodb(h).describe_table().table_name(name).send())
        .ok()
        .and_then(|o| o.table().cloned())
}

fn table_config(name: &str, sse: Option<Value>) -> Value {
    let mut pairs = vec![
        ("name", Value::from(name)),
        ("billing_mode", Value::from("PAY_PER_REQUEST")),
        ("hash_key", Value::from("pk")),
        ("range_key", Value::from("sk")),
        (
            "attribute",
            Value::List(
                vec![
                    map([("name", Value::from("pk")), ("type", Value::from("S"))]),
                    map([("name", Value::from("sk")), ("type", Value::from("N"))]),
                ]
                .into(),
            ),
        ),
        ("tags", tags(&[("team", "platform")])),
    ];
    if let Some(sse) = sse {
        pairs.push(("server_side_encryption", sse));
    }
    map(pairs)
}

#[test]
fn dynamodb_tables_with_each_encryption_option() {
    let h = harness();
    let kms = aws_sdk_kms::Client::new(&h.sdk_config());
    let customer_key =
        h.rt.block_on(kms.create_key().description("infinstor test key").send())
            .expect("create key")
            .key_metadata()
            .and_then(|m| m.arn())
            .expect("key arn")
            .to_string();

    // 1. The AWS owned key: no block at all.
    let owned = h.create(TABLE, table_config("infinstor-owned", None));
    assert_eq!(owned.get("server_side_encryption"), Value::List(Vec::new().into()));
    assert!(describe_table(&h, "infinstor-owned")
        .expect("table")
        .sse_description()
        .is_none_or(|d| d.status().map(|s| s.as_str()) != Some("ENABLED")));

    // 2. The AWS managed key: enabled, no key ARN.
    let managed_config = table_config("infinstor-managed", Some(block(vec![("enabled", Value::Bool(true))])));
    let managed = h.create(TABLE, managed_config.clone());
    assert_eq!(
        managed.get("server_side_encryption"),
        block(vec![("enabled", Value::Bool(true)), ("kms_key_arn", Value::Null)])
    );
    let sse = describe_table(&h, "infinstor-managed")
        .expect("table")
        .sse_description()
        .cloned()
        .expect("sse");
    assert_eq!(sse.status().map(|s| s.as_str()), Some("ENABLED"));
    let managed_key =
        h.rt.block_on(kms.describe_key().key_id("alias/aws/dynamodb").send())
            .expect("managed key")
            .key_metadata()
            .and_then(|m| m.arn())
            .map(str::to_string);
    assert_eq!(sse.kms_master_key_arn().map(str::to_string), managed_key);

    // 3. A customer managed key.
    let customer_config = table_config(
        "infinstor-customer",
        Some(block(vec![
            ("enabled", Value::Bool(true)),
            ("kms_key_arn", Value::from(customer_key.as_str())),
        ])),
    );
    let customer = h.create(TABLE, customer_config.clone());
    assert_eq!(
        customer.get("server_side_encryption"),
        block(vec![
            ("enabled", Value::Bool(true)),
            ("kms_key_arn", Value::from(customer_key.as_str())),
        ])
    );
    let sse = describe_table(&h, "infinstor-customer")
        .expect("table")
        .sse_description()
        .cloned()
        .expect("sse");
    assert_eq!(sse.kms_master_key_arn(), Some(customer_key.as_str()));

    // Each reads back unchanged and plans no change.
    for (state, config) in [
        (&owned, table_config("infinstor-owned", None)),
        (&managed, managed_config.clone()),
        (&customer, customer_config.clone()),
    ] {
        assert_eq!(h.read(TABLE, state).as_ref(), Some(state));
        let planned = h.plan(TABLE, Some(state), &config).expect("plan").planned;
        assert!(
            changed_attrs(&h, TABLE, state, &planned).is_empty(),
            "{:?}",
            changed_attrs(&h, TABLE, state, &planned)
        );
    }
    // Switching from the AWS managed key to a customer key is a change.
    let switch = table_config(
        "infinstor-managed",
        Some(block(vec![
            ("enabled", Value::Bool(true)),
            ("kms_key_arn", Value::from(customer_key.as_str())),
        ])),
    );
    let planned = h.plan(TABLE, Some(&managed), &switch).expect("plan").planned;
    assert_eq!(
        changed_attrs(&h, TABLE, &managed, &planned),
        vec!["server_side_encryption".to_string()]
    );

    // Import finds the options again.
    let imported = h.import(TABLE, "infinstor-managed").expect("imported");
    assert_eq!(
        imported.get("server_side_encryption"),
        managed.get("server_side_encryption")
    );
    assert_eq!(imported.get("hash_key"), Value::from("pk"));
    assert_eq!(imported.get("attribute"), managed.get("attribute"));

    for state in [&owned, &managed, &customer] {
        h.destroy(TABLE, state);
    }
    assert!(describe_table(&h, "infinstor-customer").is_none());
}

#[test]
fn dynamodb_billing_tags_ttl_and_recovery_updates() {
    let h = harness();
    let name = "infinstor-orders";
    let state = h.create(TABLE, table_config(name, None));
    assert_eq!(h.intents(), vec![name.to_string()]);
    assert_eq!(state.get("billing_mode"), Value::from("PAY_PER_REQUEST"));
    assert_eq!(state.get("read_capacity"), Value::from(0.0));
    assert_eq!(
        state.get("arn"),
        Value::from(format!("arn:aws:dynamodb:us-east-1:123456789012:table/{name}"))
    );
    assert_eq!(state.get("id"), Value::from(name));

    let mut provisioned = table_config(name, None).as_map().expect("map").clone();
    provisioned.insert("billing_mode".into(), Value::from("PROVISIONED"));
    provisioned.insert("read_capacity".into(), Value::from(3.0));
    provisioned.insert("write_capacity".into(), Value::from(2.0));
    provisioned.insert("tags".into(), tags(&[("team", "orders"), ("env", "test")]));
    provisioned.insert(
        "point_in_time_recovery".into(),
        block(vec![("enabled", Value::Bool(true))]),
    );
    provisioned.insert(
        "ttl".into(),
        block(vec![
            ("attribute_name", Value::from("expires_at")),
            ("enabled", Value::Bool(true)),
        ]),
    );
    let provisioned = Value::Map(provisioned.into());
    let updated = h.update(TABLE, &state, provisioned.clone());
    assert_eq!(updated.get("billing_mode"), Value::from("PROVISIONED"));
    assert_eq!(updated.get("read_capacity"), Value::from(3.0));
    assert_eq!(updated.get("write_capacity"), Value::from(2.0));
    assert_eq!(updated.get("tags"), tags(&[("team", "orders"), ("env", "test")]));

    let table = describe_table(&h, name).expect("table");
    assert_eq!(
        table
            .billing_mode_summary()
            .and_then(|b| b.billing_mode())
            .map(|b| b.as_str()),
        Some("PROVISIONED")
    );
    let throughput = table.provisioned_throughput().expect("throughput");
    assert_eq!(throughput.read_capacity_units(), Some(3));
    assert_eq!(throughput.write_capacity_units(), Some(2));
    let remote_tags =
        h.rt.block_on(
            dynamodb(&h)
                .list_tags_of_resource()
                .resource_arn(table.table_arn().expect("arn"))
                .send(),
        )
        .expect("tags");
    let remote_tags: BTreeMap<&str, &str> = remote_tags.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(remote_tags, BTreeMap::from([("env", "test"), ("team", "orders")]));
    let backups =
        h.rt.block_on(dynamodb(&h).describe_continuous_backups().table_name(name).send())
            .expect("backups");
    assert_eq!(
        backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .map(|s| s.as_str()),
        Some("ENABLED")
    );
    let ttl =
        h.rt.block_on(dynamodb(&h).describe_time_to_live().table_name(name).send())
            .expect("ttl");
    assert_eq!(
        ttl.time_to_live_description().and_then(|d| d.attribute_name()),
        Some("expires_at")
    );
    assert_eq!(h.read(TABLE, &updated), Some(updated.clone()));
    let planned = h.plan(TABLE, Some(&updated), &provisioned).expect("plan").planned;
    assert!(
        changed_attrs(&h, TABLE, &updated, &planned).is_empty(),
        "{:?}",
        changed_attrs(&h, TABLE, &updated, &planned)
    );

    // Changing the key replaces the table.
    let mut rekeyed = provisioned.as_map().expect("map").clone();
    rekeyed.insert("hash_key".into(), Value::from("sk"));
    rekeyed.insert("range_key".into(), Value::from("pk"));
    let planned = h
        .plan(TABLE, Some(&updated), &Value::Map(rekeyed.into()))
        .expect("plan")
        .planned;
    let changed = changed_attrs(&h, TABLE, &updated, &planned);
    let forcing = engine::plan::diff::forcing_replacement(&h.schema(TABLE), &changed, &[]);
    assert!(forcing.contains(&"hash_key".to_string()), "{forcing:?}");

    h.destroy(TABLE, &updated);
    assert!(describe_table(&h, name).is_none());
    assert_eq!(h.read(TABLE, &updated), None);
}

#[test]
fn dynamodb_validation() {
    let h = harness();
    let problems = h.validate(
        TABLE,
        &map([
            ("name", Value::from("t")),
            ("hash_key", Value::from("pk")),
            (
                "attribute",
                Value::List(vec![map([("name", Value::from("id")), ("type", Value::from("X"))])].into()),
            ),
            (
                "server_side_encryption",
                block(vec![
                    ("enabled", Value::Bool(false)),
                    ("kms_key_arn", Value::from("arn:aws:kms:us-east-1:123456789012:key/k")),
                ]),
            ),
        ]),
    );
    let attrs: Vec<String> = problems.iter().filter_map(|p| p.attribute.clone()).collect();
    for expected in [
        "name",
        "read_capacity",
        "write_capacity",
        "hash_key",
        "attribute",
        "server_side_encryption",
    ] {
        assert!(attrs.contains(&expected.to_string()), "{expected}: {problems:?}");
    }
}

// ---------------------------------------------------------------------------------------------
// IAM service-linked roles
// ---------------------------------------------------------------------------------------------

#[test]
fn service_linked_role_create_update_import_delete() {
    let h = harness();
    let iam = aws_sdk_iam::Client::new(&h.sdk_config());
    let config = map([
        ("aws_service_name", Value::from("elasticbeanstalk.amazonaws.com")),
        ("custom_suffix", Value::from("infinstor")),
        ("description", Value::from("made by a test")),
    ]);
    let planned = h.plan(SLR, None, &config).expect("plan").planned;
    assert_eq!(
        planned.get("path"),
        Value::from("/aws-service-role/elasticbeanstalk.amazonaws.com/")
    );
    let state = h.create(SLR, config);
    assert_eq!(
        h.intents(),
        vec!["elasticbeanstalk.amazonaws.com:infinstor".to_string()]
    );
    let name = "AWSServiceRoleForElasticBeanstalk_infinstor";
    let arn = format!("arn:aws:iam::123456789012:role/aws-service-role/elasticbeanstalk.amazonaws.com/{name}");
    assert_eq!(state.get("name"), Value::from(name));
    assert_eq!(state.get("arn"), Value::from(arn.as_str()));
    assert_eq!(state.get("id"), Value::from(arn.as_str()));
    assert_eq!(state.get("custom_suffix"), Value::from("infinstor"));
    assert!(state.get("unique_id").as_str().is_some_and(|u| u.starts_with("AROA")));
    assert!(state.get("create_date").as_str().is_some_and(|d| d.ends_with('Z')));
    let role =
        h.rt.block_on(iam.get_role().role_name(name).send())
            .expect("role")
            .role()
            .cloned()
            .expect("role");
    assert_eq!(role.description(), Some("made by a test"));
    assert_eq!(h.read(SLR, &state), Some(state.clone()));

    let updated = h.update(
        SLR,
        &state,
        map([
            ("aws_service_name", Value::from("elasticbeanstalk.amazonaws.com")),
            ("custom_suffix", Value::from("infinstor")),
            ("description", Value::from("still made by a test")),
            ("tags", tags(&[("team", "platform")])),
        ]),
    );
    assert_eq!(updated.get("description"), Value::from("still made by a test"));
    let role =
        h.rt.block_on(iam.get_role().role_name(name).send())
            .expect("role")
            .role()
            .cloned()
            .expect("role");
    assert_eq!(role.description(), Some("still made by a test"));
    let remote_tags: Vec<(&str, &str)> = role.tags().iter().map(|t| (t.key(), t.value())).collect();
    assert_eq!(remote_tags, vec![("team", "platform")]);

    // Import by ARN (Terraform's ID) and by the intent an interrupted create records.
    let by_arn = h.import(SLR, &arn).expect("import by ARN");
    assert_eq!(
        by_arn.get("aws_service_name"),
        Value::from("elasticbeanstalk.amazonaws.com")
    );
    assert_eq!(by_arn.get("name"), Value::from(name));
    let by_intent = h
        .import(SLR, "elasticbeanstalk.amazonaws.com:infinstor")
        .expect("import by intent");
    assert_eq!(by_intent.get("arn"), Value::from(arn.as_str()));

    // Delete: DeleteServiceLinkedRole, then the deletion task is polled to success.
    h.destroy(SLR, &updated);
    assert!(h.rt.block_on(iam.get_role().role_name(name).send()).is_err());
    assert_eq!(h.read(SLR, &updated), None);
    h.destroy(SLR, &updated);
}
