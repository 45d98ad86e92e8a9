//! IAM resources and the IAM/STS data sources against a private moto server. Every test drives
//! the provider through the engine's `Provider` trait and checks the result with aws-sdk-iam
//! directly, not only through the provider's own read.

mod common;

use common::{block, strings, tags, Harness};
use engine::core::provider::{ApplyRequest, ReadDataRequest};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;

const ACCOUNT: &str = "123456789012";

/// A trust policy like InfinStor's: account 697756613082 may assume the role with an external ID.
fn trust_policy(external_id: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::697756613082:root"}},"Action":"sts:AssumeRole","Condition":{{"StringEquals":{{"sts:ExternalId":"{external_id}"}}}}}}]}}"#
    )
}

fn s3_policy(actions: &[&str]) -> String {
    let actions: Vec<String> = actions.iter().map(|a| format!("\"{a}\"")).collect();
    format!(
        r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Action":[{}],"Resource":"*"}}]}}"#,
        actions.join(",")
    )
}

/// An IAM client talking to the harness's moto server.
fn iam_client(h: &Harness) -> aws_sdk_iam::Client {
    let config = aws_sdk_iam::config::Builder::from(&h.sdk_config())
        .endpoint_url(h.moto.endpoint.clone())
        .build();
    aws_sdk_iam::Client::from_conf(config)
}

fn decode(doc: &str) -> String {
    urlencoding::decode(doc).expect("utf-8").into_owned()
}

fn remote_role(h: &Harness, iam: &aws_sdk_iam::Client, name: &str) -> Option<aws_sdk_iam::types::Role> {
    match h.rt.block_on(iam.get_role().role_name(name).send()) {
        Ok(out) => out.role().cloned(),
        Err(e) => {
            let e = e.into_service_error();
            assert!(e.is_no_such_entity_exception(), "get_role: {e:?}");
            None
        }
    }
}

fn tag_map(tags: &[aws_sdk_iam::types::Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn attached(h: &Harness, iam: &aws_sdk_iam::Client, role: &str) -> Vec<String> {
    h.rt.block_on(iam.list_attached_role_policies().role_name(role).send())
        .expect("list attached")
        .attached_policies()
        .iter()
        .filter_map(|p| p.policy_arn().map(str::to_string))
        .collect()
}

fn role_config(name: &str, external_id: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("name", Value::from(name)),
        ("assume_role_policy", Value::from(trust_policy(external_id))),
    ]
}

fn create_role(h: &Harness, name: &str) -> Value {
    h.create("aws_iam_role", map(role_config(name, "ext-1")))
}

fn create_policy(h: &Harness, name: &str) -> Value {
    h.create(
        "aws_iam_policy",
        map([
            ("name", Value::from(name)),
            ("policy", Value::from(s3_policy(&["s3:GetObject"]))),
        ]),
    )
}

fn changed(h: &Harness, type_name: &str, prior: &Value, config: &Value) -> Vec<String> {
    let planned = h.plan(type_name, Some(prior), config).expect("plan").planned;
    engine::plan::diff::changed_attributes(&h.schema(type_name), prior, &planned)
}

#[test]
fn role_create_read_update_delete() {
    let h = Harness::with(vec![(
        "default_tags",
        Value::List(vec![map([("tags", tags(&[("env", "test")]))])].into()),
    )]);
    let iam = iam_client(&h);
    let mut config = role_config("infinstor-access", "ext-1");
    config.push(("description", Value::from("InfinStor access")));
    config.push(("tags", tags(&[("Name", "access")])));
    let config = map(config);

    // In plan, what follows from the name is known; the ARN needs the account (no network).
    let planned = h.plan("aws_iam_role", None, &config).expect("plan").planned;
    assert_eq!(planned.get("id"), Value::from("infinstor-access"));
    assert_eq!(planned.get("arn"), Value::UNKNOWN);
    assert_eq!(planned.get("path"), Value::from("/"));
    assert_eq!(planned.get("max_session_duration"), Value::from(3600.0));
    assert_eq!(planned.get("force_detach_policies"), Value::Bool(false));
    assert_eq!(planned.get("tags_all"), tags(&[("Name", "access"), ("env", "test")]));

    let state = h.create("aws_iam_role", config.clone());
    assert_eq!(h.intents(), vec!["infinstor-access".to_string()]);
    assert_eq!(
        state.get("arn"),
        Value::from(format!("arn:aws:iam::{ACCOUNT}:role/infinstor-access"))
    );
    assert_eq!(state.get("id"), Value::from("infinstor-access"));
    assert!(state.get("unique_id").as_str().is_some_and(|u| u.starts_with("ARO")));
    let created = state.get("create_date");
    let created = created.as_str().expect("create_date");
    assert!(created.ends_with('Z') && created.len() == 20, "{created}");
    assert_eq!(state.get("assume_role_policy"), Value::from(trust_policy("ext-1")));

    let role = remote_role(&h, &iam, "infinstor-access").expect("role exists");
    assert_eq!(role.description(), Some("InfinStor access"));
    assert_eq!(role.max_session_duration(), Some(3600));
    let doc = decode(role.assume_role_policy_document().expect("trust policy"));
    assert!(common::same_policy(&doc, &trust_policy("ext-1")), "{doc}");
    assert_eq!(
        tag_map(role.tags()),
        BTreeMap::from([("Name".into(), "access".into()), ("env".into(), "test".into())])
    );

    // Read keeps the configured document string (IAM returns it URL-encoded and reformatted).
    assert_eq!(h.read("aws_iam_role", &state), Some(state.clone()));
    // An equivalent but differently written trust policy plans no change.
    let reformatted = map([
        ("name", Value::from("infinstor-access")),
        ("description", Value::from("InfinStor access")),
        ("tags", tags(&[("Name", "access")])),
        (
            "assume_role_policy",
            Value::from(
                "{\n  \"Statement\": {\"Condition\": {\"StringEquals\": {\"sts:ExternalId\": [\"ext-1\"]}},\n  \
                 \"Action\": [\"sts:AssumeRole\"], \"Effect\": \"Allow\",\n  \"Principal\": {\"AWS\": \
                 [\"arn:aws:iam::697756613082:root\"]}},\n  \"Version\": \"2012-10-17\"\n}",
            ),
        ),
    ]);
    assert_eq!(changed(&h, "aws_iam_role", &state, &reformatted), Vec::<String>::new());

    // Update in place: trust policy, description, session duration, boundary, tags.
    let boundary = create_policy(&h, "boundary");
    let boundary_arn = boundary.get("arn").as_str().expect("arn").to_string();
    let new_config = map([
        ("name", Value::from("infinstor-access")),
        ("assume_role_policy", Value::from(trust_policy("ext-2"))),
        ("description", Value::from("rotated")),
        ("max_session_duration", Value::from(7200.0)),
        ("permissions_boundary", Value::from(boundary_arn.as_str())),
        ("tags", tags(&[("team", "data")])),
    ]);
    let planned = h.plan("aws_iam_role", Some(&state), &new_config).expect("plan");
    let updated_attrs = engine::plan::diff::changed_attributes(&h.schema("aws_iam_role"), &state, &planned.planned);
    assert!(
        engine::plan::diff::forcing_replacement(&h.schema("aws_iam_role"), &updated_attrs, &planned.requires_replace)
            .is_empty(),
        "update must be in place: {updated_attrs:?}"
    );
    let updated = h.update("aws_iam_role", &state, new_config.clone());
    assert_eq!(updated.get("arn"), state.get("arn"));
    assert_eq!(updated.get("unique_id"), state.get("unique_id"));
    assert_eq!(updated.get("tags_all"), tags(&[("env", "test"), ("team", "data")]));
    let role = remote_role(&h, &iam, "infinstor-access").expect("role exists");
    assert_eq!(role.description(), Some("rotated"));
    assert_eq!(role.max_session_duration(), Some(7200));
    assert_eq!(
        role.permissions_boundary().and_then(|b| b.permissions_boundary_arn()),
        Some(boundary_arn.as_str())
    );
    let doc = decode(role.assume_role_policy_document().expect("trust policy"));
    assert!(common::same_policy(&doc, &trust_policy("ext-2")), "{doc}");
    assert!(!common::same_policy(&doc, &trust_policy("ext-1")));
    assert_eq!(
        tag_map(role.tags()),
        BTreeMap::from([("env".into(), "test".into()), ("team".into(), "data".into())])
    );
    assert_eq!(h.read("aws_iam_role", &updated), Some(updated.clone()));
    assert_eq!(changed(&h, "aws_iam_role", &updated, &new_config), Vec::<String>::new());

    // Removing optional arguments clears them.
    let cleared = h.update("aws_iam_role", &updated, map(role_config("infinstor-access", "ext-2")));
    let role = remote_role(&h, &iam, "infinstor-access").expect("role exists");
    assert!(role.permissions_boundary().is_none());
    assert_eq!(role.max_session_duration(), Some(3600));
    assert_eq!(tag_map(role.tags()), BTreeMap::from([("env".into(), "test".into())]));
    assert_eq!(h.read("aws_iam_role", &cleared), Some(cleared.clone()));

    h.destroy("aws_iam_role", &cleared);
    assert!(remote_role(&h, &iam, "infinstor-access").is_none());
    assert_eq!(h.read("aws_iam_role", &cleared), None);
    // Deleting what is already gone succeeds.
    h.destroy("aws_iam_role", &cleared);
    h.destroy("aws_iam_policy", &boundary);
}

#[test]
fn role_name_prefix_import_and_out_of_band_delete() {
    let h = Harness::new();
    let iam = iam_client(&h);
    let config = map([
        ("name_prefix", Value::from("app-")),
        ("assume_role_policy", Value::from(trust_policy("x"))),
        ("path", Value::from("/service/")),
    ]);
    let planned = h.plan("aws_iam_role", None, &config).expect("plan").planned;
    assert_eq!(planned.get("name"), Value::UNKNOWN);
    assert_eq!(planned.get("id"), Value::UNKNOWN);

    let state = h.create("aws_iam_role", config);
    let name = state.get("name").as_str().expect("name").to_string();
    assert!(name.starts_with("app-") && name.len() == 4 + 26, "{name}");
    assert!(name[4..22].bytes().all(|b| b.is_ascii_digit()), "{name}");
    assert_eq!(h.intents(), vec![name.clone()]);
    assert_eq!(state.get("id"), Value::from(name.as_str()));
    assert_eq!(
        state.get("arn"),
        Value::from(format!("arn:aws:iam::{ACCOUNT}:role/service/{name}"))
    );
    assert!(remote_role(&h, &iam, &name).is_some());

    let imported = h.import("aws_iam_role", &name).expect("imported");
    common::assert_complete(&h.schema("aws_iam_role"), &imported);
    for key in [
        "name",
        "id",
        "arn",
        "path",
        "unique_id",
        "create_date",
        "max_session_duration",
    ] {
        assert_eq!(imported.get(key), state.get(key), "{key}");
    }
    assert_eq!(imported.get("name_prefix"), Value::Null);
    assert_eq!(imported.get("force_detach_policies"), Value::Bool(false));
    assert!(common::same_policy(
        imported.get("assume_role_policy").as_str().expect("policy"),
        &trust_policy("x")
    ));
    assert_eq!(h.import("aws_iam_role", "no-such-role"), None);

    h.rt.block_on(iam.delete_role().role_name(&name).send())
        .expect("delete out of band");
    assert_eq!(h.read("aws_iam_role", &state), None);
}

#[test]
fn role_delete_conflict_and_force_detach() {
    let h = Harness::new();
    let iam = iam_client(&h);
    let role = create_role(&h, "busy");
    let policy = create_policy(&h, "busy-policy");
    let policy_arn = policy.get("arn").as_str().expect("arn").to_string();
    h.rt.block_on(
        iam.attach_role_policy()
            .role_name("busy")
            .policy_arn(&policy_arn)
            .send(),
    )
    .expect("attach out of band");
    h.rt.block_on(
        iam.put_role_policy()
            .role_name("busy")
            .policy_name("inline-extra")
            .policy_document(s3_policy(&["s3:ListBucket"]))
            .send(),
    )
    .expect("inline out of band");

    let (left, error) = h.try_destroy("aws_iam_role", &role);
    let error = error.expect("delete conflict");
    assert_eq!(error.code, "DeleteConflict");
    assert!(error.message.contains(&policy_arn), "{}", error.message);
    assert!(error.message.contains("inline-extra"), "{}", error.message);
    assert!(error.message.contains("force_detach_policies"), "{}", error.message);
    assert_eq!(left.as_ref(), Some(&role));
    assert!(remote_role(&h, &iam, "busy").is_some());

    let mut config = role_config("busy", "ext-1");
    config.push(("force_detach_policies", Value::Bool(true)));
    let role = h.update("aws_iam_role", &role, map(config));
    assert_eq!(role.get("force_detach_policies"), Value::Bool(true));
    h.destroy("aws_iam_role", &role);
    assert!(remote_role(&h, &iam, "busy").is_none());
    // The managed policy itself survives; only the attachment was removed.
    assert!(h.read("aws_iam_policy", &policy).is_some());
    h.destroy("aws_iam_policy", &policy);
}

#[test]
fn policy_versions_rotate_past_five() {
    let h = Harness::with(vec![(
        "default_tags",
        Value::List(vec![map([("tags", tags(&[("env", "test")]))])].into()),
    )]);
    let iam = iam_client(&h);
    let config = |actions: &[&str]| {
        map([
            ("name", Value::from("data-access")),
            ("description", Value::from("data access")),
            ("policy", Value::from(s3_policy(actions))),
            ("tags", tags(&[("Name", "p")])),
        ])
    };
    let planned = h
        .plan("aws_iam_policy", None, &config(&["s3:GetObject"]))
        .expect("plan")
        .planned;
    assert_eq!(planned.get("arn"), Value::UNKNOWN);
    assert_eq!(planned.get("id"), Value::UNKNOWN);
    assert_eq!(planned.get("path"), Value::from("/"));

    let state = h.create("aws_iam_policy", config(&["s3:GetObject"]));
    let arn = format!("arn:aws:iam::{ACCOUNT}:policy/data-access");
    assert_eq!(h.intents(), vec![arn.clone()]);
    assert_eq!(state.get("arn"), Value::from(arn.as_str()));
    assert_eq!(state.get("id"), Value::from(arn.as_str()));
    assert_eq!(state.get("attachment_count"), Value::from(0.0));
    assert!(state.get("policy_id").as_str().is_some());
    assert_eq!(state.get("tags_all"), tags(&[("Name", "p"), ("env", "test")]));
    assert_eq!(h.read("aws_iam_policy", &state), Some(state.clone()));

    let remote =
        h.rt.block_on(iam.get_policy().policy_arn(&arn).send())
            .expect("get policy");
    let remote = remote.policy().expect("policy");
    assert_eq!(remote.description(), Some("data access"));
    assert_eq!(
        tag_map(remote.tags()),
        BTreeMap::from([("Name".into(), "p".into()), ("env".into(), "test".into())])
    );

    // Six updates: IAM keeps five versions, so the oldest non-default ones are deleted.
    let action_sets: [&[&str]; 6] = [
        &["s3:GetObject", "s3:PutObject"],
        &["s3:ListBucket"],
        &["s3:DeleteObject"],
        &["s3:GetBucketLocation"],
        &["s3:GetObjectTagging"],
        &["s3:PutObjectTagging", "s3:GetObject"],
    ];
    let mut state = state;
    for actions in action_sets {
        state = h.update("aws_iam_policy", &state, config(actions));
        assert_eq!(state.get("arn"), Value::from(arn.as_str()));
    }
    let versions =
        h.rt.block_on(iam.list_policy_versions().policy_arn(&arn).send())
            .expect("versions");
    let versions = versions.versions();
    assert_eq!(versions.len(), 5, "{versions:?}");
    let default = versions
        .iter()
        .find(|v| v.is_default_version())
        .and_then(|v| v.version_id())
        .expect("default version")
        .to_string();
    assert_eq!(default, "v7");
    assert!(!versions
        .iter()
        .any(|v| v.version_id() == Some("v1") || v.version_id() == Some("v2")));
    let doc =
        h.rt.block_on(iam.get_policy_version().policy_arn(&arn).version_id(&default).send())
            .expect("version");
    let doc = decode(doc.policy_version().and_then(|v| v.document()).expect("document"));
    assert!(common::same_policy(
        &doc,
        &s3_policy(&["s3:GetObject", "s3:PutObjectTagging"])
    ));
    assert_eq!(h.read("aws_iam_policy", &state), Some(state.clone()));
    assert_eq!(
        changed(
            &h,
            "aws_iam_policy",
            &state,
            &config(&["s3:PutObjectTagging", "s3:GetObject"])
        ),
        Vec::<String>::new()
    );

    // Tags update in place.
    let retagged = h.update(
        "aws_iam_policy",
        &state,
        map([
            ("name", Value::from("data-access")),
            ("description", Value::from("data access")),
            (
                "policy",
                Value::from(s3_policy(&["s3:PutObjectTagging", "s3:GetObject"])),
            ),
            ("tags", tags(&[("owner", "me")])),
        ]),
    );
    let remote =
        h.rt.block_on(iam.get_policy().policy_arn(&arn).send())
            .expect("get policy");
    assert_eq!(
        tag_map(remote.policy().expect("policy").tags()),
        BTreeMap::from([("env".into(), "test".into()), ("owner".into(), "me".into())])
    );

    // A description change replaces the policy.
    let replanned = h
        .plan(
            "aws_iam_policy",
            Some(&retagged),
            &map([
                ("name", Value::from("data-access")),
                ("description", Value::from("other")),
                ("policy", Value::from(s3_policy(&["s3:GetObject"]))),
            ]),
        )
        .expect("plan");
    let schema = h.schema("aws_iam_policy");
    let diff = engine::plan::diff::changed_attributes(&schema, &retagged, &replanned.planned);
    assert_eq!(
        engine::plan::diff::forcing_replacement(&schema, &diff, &replanned.requires_replace),
        vec!["description".to_string()]
    );
    assert_eq!(replanned.planned.get("arn"), Value::UNKNOWN);

    let imported = h.import("aws_iam_policy", &arn).expect("imported");
    common::assert_complete(&schema, &imported);
    for key in ["arn", "id", "name", "path", "description", "policy_id", "tags_all"] {
        assert_eq!(imported.get(key), retagged.get(key), "{key}");
    }
    assert!(common::same_policy(
        imported.get("policy").as_str().expect("policy"),
        retagged.get("policy").as_str().expect("policy"),
    ));

    // Delete removes the non-default versions first (IAM refuses otherwise).
    h.destroy("aws_iam_policy", &retagged);
    let gone = h.rt.block_on(iam.get_policy().policy_arn(&arn).send());
    assert!(gone.is_err());
    assert_eq!(h.read("aws_iam_policy", &retagged), None);
    assert_eq!(h.import("aws_iam_policy", &arn), None);
}

#[test]
fn policy_import_id_must_be_an_arn() {
    let h = Harness::new();
    let err = h
        .provider
        .import(engine::core::provider::ImportRequest {
            type_name: "aws_iam_policy",
            id: "data-access",
        })
        .expect_err("not an ARN");
    assert!(err.message.contains("ARN"), "{}", err.message);
}

#[test]
fn policy_out_of_band_delete_reads_none() {
    let h = Harness::new();
    let iam = iam_client(&h);
    let state = create_policy(&h, "ephemeral");
    let arn = state.get("arn").as_str().expect("arn").to_string();
    h.rt.block_on(iam.delete_policy().policy_arn(&arn).send())
        .expect("delete out of band");
    assert_eq!(h.read("aws_iam_policy", &state), None);
    h.destroy("aws_iam_policy", &state);
}

#[test]
fn inline_role_policy_lifecycle() {
    let h = Harness::new();
    let iam = iam_client(&h);
    let role = create_role(&h, "worker");
    let config = |actions: &[&str]| {
        map([
            ("name", Value::from("s3-read")),
            ("role", Value::from("worker")),
            ("policy", Value::from(s3_policy(actions))),
        ])
    };
    let planned = h
        .plan("aws_iam_role_policy", None, &config(&["s3:GetObject"]))
        .expect("plan")
        .planned;
    assert_eq!(planned.get("id"), Value::from("worker:s3-read"));

    let state = h.create("aws_iam_role_policy", config(&["s3:GetObject"]));
    assert_eq!(h.intents().last(), Some(&"worker:s3-read".to_string()));
    assert_eq!(state.get("id"), Value::from("worker:s3-read"));
    let remote =
        h.rt.block_on(iam.get_role_policy().role_name("worker").policy_name("s3-read").send())
            .expect("get role policy");
    assert!(common::same_policy(
        &decode(remote.policy_document()),
        &s3_policy(&["s3:GetObject"])
    ));
    assert_eq!(h.read("aws_iam_role_policy", &state), Some(state.clone()));

    let updated = h.update(
        "aws_iam_role_policy",
        &state,
        config(&["s3:GetObject", "s3:ListBucket"]),
    );
    let remote =
        h.rt.block_on(iam.get_role_policy().role_name("worker").policy_name("s3-read").send())
            .expect("get role policy");
    assert!(common::same_policy(
        &decode(remote.policy_document()),
        &s3_policy(&["s3:ListBucket", "s3:GetObject"])
    ));
    assert_eq!(h.read("aws_iam_role_policy", &updated), Some(updated.clone()));

    let imported = h.import("aws_iam_role_policy", "worker:s3-read").expect("imported");
    common::assert_complete(&h.schema("aws_iam_role_policy"), &imported);
    assert_eq!(imported.get("id"), Value::from("worker:s3-read"));
    assert_eq!(imported.get("role"), Value::from("worker"));
    assert_eq!(imported.get("name"), Value::from("s3-read"));
    assert!(common::same_policy(
        imported.get("policy").as_str().expect("policy"),
        &s3_policy(&["s3:GetObject", "s3:ListBucket"])
    ));
    assert_eq!(h.import("aws_iam_role_policy", "worker:nothing"), None);
    assert!(h
        .provider
        .import(engine::core::provider::ImportRequest {
            type_name: "aws_iam_role_policy",
            id: "no-colon",
        })
        .is_err());

    // A generated name from name_prefix.
    let prefixed = h.create(
        "aws_iam_role_policy",
        map([
            ("name_prefix", Value::from("inline-")),
            ("role", Value::from("worker")),
            ("policy", Value::from(s3_policy(&["s3:GetObject"]))),
        ]),
    );
    let generated = prefixed.get("name").as_str().expect("name").to_string();
    assert!(
        generated.starts_with("inline-") && generated.len() == 7 + 26,
        "{generated}"
    );
    assert_eq!(prefixed.get("id"), Value::from(format!("worker:{generated}")));
    h.destroy("aws_iam_role_policy", &prefixed);

    // Out-of-band delete: read reports it gone; destroying it again is fine.
    h.rt.block_on(
        iam.delete_role_policy()
            .role_name("worker")
            .policy_name("s3-read")
            .send(),
    )
    .expect("delete out of band");
    assert_eq!(h.read("aws_iam_role_policy", &updated), None);
    h.destroy("aws_iam_role_policy", &updated);

    let again = h.create("aws_iam_role_policy", config(&["s3:GetObject"]));
    h.destroy("aws_iam_role_policy", &again);
    let gone =
        h.rt.block_on(iam.get_role_policy().role_name("worker").policy_name("s3-read").send());
    assert!(gone.is_err());
    h.destroy("aws_iam_role", &role);
}

#[test]
fn role_policy_attachment_lifecycle() {
    let h = Harness::new();
    let iam = iam_client(&h);
    let role = create_role(&h, "attached-role");
    let policy = create_policy(&h, "attached-policy");
    let arn = policy.get("arn").as_str().expect("arn").to_string();
    let config = map([
        ("role", Value::from("attached-role")),
        ("policy_arn", Value::from(arn.as_str())),
    ]);
    let id = format!("attached-role/{arn}");
    let planned = h
        .plan("aws_iam_role_policy_attachment", None, &config)
        .expect("plan")
        .planned;
    assert_eq!(planned.get("id"), Value::from(id.as_str()));

    let state = h.create("aws_iam_role_policy_attachment", config.clone());
    assert_eq!(h.intents().last(), Some(&id));
    assert_eq!(state.get("id"), Value::from(id.as_str()));
    assert_eq!(attached(&h, &iam, "attached-role"), vec![arn.clone()]);
    assert_eq!(h.read("aws_iam_role_policy_attachment", &state), Some(state.clone()));
    let counted = h.read("aws_iam_policy", &policy).expect("policy");
    assert_eq!(counted.get("attachment_count"), Value::from(1.0));

    let imported = h.import("aws_iam_role_policy_attachment", &id).expect("imported");
    assert_eq!(imported, state);
    assert!(h
        .provider
        .import(engine::core::provider::ImportRequest {
            type_name: "aws_iam_role_policy_attachment",
            id: "attached-role",
        })
        .is_err());

    // Detached out of band: read reports it gone, import finds nothing, create attaches again.
    h.rt.block_on(
        iam.detach_role_policy()
            .role_name("attached-role")
            .policy_arn(&arn)
            .send(),
    )
    .expect("detach out of band");
    assert_eq!(h.read("aws_iam_role_policy_attachment", &state), None);
    assert_eq!(h.import("aws_iam_role_policy_attachment", &id), None);
    let state = h.create("aws_iam_role_policy_attachment", config);
    assert_eq!(attached(&h, &iam, "attached-role"), vec![arn.clone()]);

    h.destroy("aws_iam_role_policy_attachment", &state);
    assert!(attached(&h, &iam, "attached-role").is_empty());
    assert_eq!(h.read("aws_iam_role_policy_attachment", &state), None);
    h.destroy("aws_iam_role_policy_attachment", &state);

    // The role being gone means the attachment is gone too.
    h.destroy("aws_iam_role", &role);
    assert_eq!(h.read("aws_iam_role_policy_attachment", &state), None);
    h.destroy("aws_iam_policy", &policy);
}

#[test]
fn adopts_a_role_left_by_an_interrupted_create() {
    let h = Harness::new();
    let iam = iam_client(&h);
    // As if an earlier apply created the role and died before recording it.
    h.rt.block_on(
        iam.create_role()
            .role_name("half-done")
            .assume_role_policy_document(trust_policy("ext-1"))
            .send(),
    )
    .expect("create out of band");
    let mut config = role_config("half-done", "ext-1");
    config.push(("description", Value::from("adopted")));
    let state = h.create("aws_iam_role", map(config));
    assert_eq!(
        state.get("arn"),
        Value::from(format!("arn:aws:iam::{ACCOUNT}:role/half-done"))
    );
    let role = remote_role(&h, &iam, "half-done").expect("role");
    assert_eq!(role.description(), Some("adopted"));

    // Someone else's role under the same name (different trust policy) is not taken over.
    h.rt.block_on(
        iam.create_role()
            .role_name("someone-elses")
            .assume_role_policy_document(trust_policy("other"))
            .send(),
    )
    .expect("create out of band");
    let config = map(role_config("someone-elses", "ext-1"));
    let planned = h.plan("aws_iam_role", None, &config).expect("plan").planned;
    let response = h.provider.apply(ApplyRequest {
        type_name: "aws_iam_role",
        prior: None,
        planned: Some(&planned),
        journal: &h.journal,
        progress: &|_| {},
        private: None,
    });
    let error = response.error.expect("conflict");
    assert_eq!(error.code, "EntityAlreadyExists");
    assert!(error.message.contains("someone-elses"), "{}", error.message);
    assert!(response.new_state.is_none());
}

#[test]
fn validation_catches_conflicts_and_bad_documents() {
    let h = Harness::new();
    let problems = h.validate(
        "aws_iam_role",
        &map([
            ("name", Value::from("a")),
            ("name_prefix", Value::from("b")),
            ("assume_role_policy", Value::from("{not json")),
            ("max_session_duration", Value::from(60.0)),
        ]),
    );
    let attrs: Vec<_> = problems.iter().filter_map(|p| p.attribute.clone()).collect();
    assert!(attrs.contains(&"name_prefix".to_string()), "{problems:?}");
    assert!(attrs.contains(&"assume_role_policy".to_string()), "{problems:?}");
    assert!(attrs.contains(&"max_session_duration".to_string()), "{problems:?}");
    // Unknown values are not judged.
    assert!(h
        .validate(
            "aws_iam_policy",
            &map([("name", Value::from("p")), ("policy", Value::UNKNOWN)])
        )
        .is_empty());
}

#[path = "iam/data_sources.rs"]
mod data_sources;
