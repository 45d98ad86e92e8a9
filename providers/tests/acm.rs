//! ACM certificates and certificate validation against a private moto server. Every test drives
//! the provider through the engine's `Provider` trait and checks the result with aws-sdk-acm
//! directly, not only through the provider's own read.

mod common;

use common::{block, strings, tags, Harness};
use engine::core::provider::{ApplyRequest, ApplyResponse, ProviderFactory};
use engine::core::value::{map, Value};
use std::collections::BTreeMap;
use std::sync::Mutex;

const WILDCARD: &str = "*.infinstor.example.com";
const APEX: &str = "infinstor.example.com";

fn fixture(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/acm")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("fixture {}: {e}", path.display()))
}

/// A harness whose moto issues requested certificates `wait` seconds after the request, and
/// whose provider sends ACM (and IAM/STS/S3) requests to moto.
fn harness(wait: &str) -> Harness {
    // The variable is read by moto when it starts; tests start their servers in parallel.
    static SPAWN: Mutex<()> = Mutex::new(());
    let guard = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
    std::env::set_var("MOTO_ACM_VALIDATION_WAIT", wait);
    let h = Harness::new();
    drop(guard);
    h.with_endpoints(&["s3", "iam", "sts", "acm"])
}

/// An ACM client talking to the harness's moto server.
fn acm_client(h: &Harness) -> aws_sdk_acm::Client {
    let config = aws_sdk_acm::config::Builder::from(&h.sdk_config())
        .endpoint_url(h.moto.endpoint.clone())
        .build();
    aws_sdk_acm::Client::from_conf(config)
}

fn describe(h: &Harness, acm: &aws_sdk_acm::Client, arn: &str) -> Option<aws_sdk_acm::types::CertificateDetail> {
    match h.rt.block_on(acm.describe_certificate().certificate_arn(arn).send()) {
        Ok(out) => out.certificate().cloned(),
        Err(e) => {
            let e = e.into_service_error();
            assert!(e.is_resource_not_found_exception(), "describe_certificate: {e:?}");
            None
        }
    }
}

fn remote_tags(h: &Harness, acm: &aws_sdk_acm::Client, arn: &str) -> BTreeMap<String, String> {
    h.rt.block_on(acm.list_tags_for_certificate().certificate_arn(arn).send())
        .expect("list tags")
        .tags()
        .iter()
        .map(|t| (t.key().to_string(), t.value().unwrap_or("").to_string()))
        .collect()
}

/// Plans and applies a create, collecting the progress messages.
fn apply_create(h: &Harness, type_name: &str, config: &Value) -> (ApplyResponse, Vec<String>) {
    let problems = h.validate(type_name, config);
    assert!(problems.is_empty(), "validate {type_name}: {problems:?}");
    let planned = h.plan(type_name, None, config).expect("plan").planned;
    let messages = Mutex::new(Vec::new());
    let progress = |m: &str| messages.lock().expect("progress lock").push(m.to_string());
    let response = h.provider.apply(ApplyRequest {
        type_name,
        prior: None,
        planned: Some(&planned),
        journal: &h.journal,
        progress: &progress,
        private: None,
    });
    (response, messages.into_inner().expect("progress lock"))
}

fn changed(h: &Harness, type_name: &str, prior: &Value, config: &Value) -> Vec<String> {
    let planned = h.plan(type_name, Some(prior), config).expect("plan").planned;
    engine::plan::diff::changed_attributes(&h.schema(type_name), prior, &planned)
}

fn requested_config() -> Value {
    map([
        ("domain_name", Value::from(WILDCARD)),
        ("subject_alternative_names", strings(&[APEX])),
        ("validation_method", Value::from("DNS")),
        ("tags", tags(&[("Name", "infinstor")])),
    ])
}

fn record_names(state: &Value) -> Vec<String> {
    state
        .get("domain_validation_options")
        .as_list()
        .expect("domain_validation_options")
        .iter()
        .map(|o| o.get("resource_record_name").as_str().expect("record name").to_string())
        .collect()
}

fn validation_config(arn: &str, fqdns: &[String], timeout: Option<&str>) -> Value {
    let mut pairs = vec![
        ("certificate_arn", Value::from(arn)),
        (
            "validation_record_fqdns",
            Value::List(fqdns.iter().map(|f| Value::from(f.as_str())).collect()),
        ),
    ];
    if let Some(t) = timeout {
        pairs.push(("timeouts", block(vec![("create", Value::from(t))])));
    }
    map(pairs)
}

#[test]
fn requested_certificate_plan_create_validate_import_delete() {
    let h = harness("8");
    let acm = acm_client(&h);
    let config = requested_config();

    // The for_each keys of the Terraform docs pattern are known in the first plan.
    let planned = h.plan("aws_acm_certificate", None, &config).expect("plan").planned;
    let options = planned.get("domain_validation_options");
    let options = options.as_list().expect("options known at plan time");
    let domains: Vec<Value> = options.iter().map(|o| o.get("domain_name")).collect();
    assert_eq!(domains, vec![Value::from(WILDCARD), Value::from(APEX)]);
    for o in options {
        assert_eq!(o.get("resource_record_name"), Value::UNKNOWN);
        assert_eq!(o.get("resource_record_value"), Value::UNKNOWN);
        assert_eq!(o.get("resource_record_type"), Value::from("CNAME"));
    }
    assert_eq!(planned.get("key_algorithm"), Value::from("RSA_2048"));
    assert_eq!(planned.get("type"), Value::from("AMAZON_ISSUED"));
    assert_eq!(planned.get("subject_alternative_names"), strings(&[APEX]));
    assert_eq!(planned.get("validation_emails"), Value::List(Vec::new().into()));
    assert_eq!(planned.get("arn"), Value::UNKNOWN);
    assert_eq!(planned.get("id"), Value::UNKNOWN);
    assert_eq!(planned.get("status"), Value::UNKNOWN);
    assert_eq!(planned.get("tags_all"), tags(&[("Name", "infinstor")]));

    let state = h.create("aws_acm_certificate", config.clone());
    let arn = state.get("arn").as_str().expect("arn").to_string();
    assert!(arn.starts_with("arn:aws:acm:us-east-1:"), "{arn}");
    assert_eq!(state.get("id"), Value::from(arn.as_str()));
    // The intent tag is on the certificate but never in the state.
    assert_eq!(state.get("tags_all"), tags(&[("Name", "infinstor")]));
    let intents = h.intents();
    assert_eq!(intents.len(), 1, "{intents:?}");
    assert!(
        intents[0].starts_with("token:") && intents[0].ends_with(&format!(":{WILDCARD}")),
        "{intents:?}"
    );
    assert_eq!(state.get("status"), Value::from("PENDING_VALIDATION"));
    assert_eq!(state.get("validation_method"), Value::from("DNS"));
    assert_eq!(state.get("subject_alternative_names"), strings(&[APEX]));
    let options = state.get("domain_validation_options");
    let options = options.as_list().expect("options");
    assert_eq!(options.len(), 2, "{options:?}");
    for o in options {
        let name = o.get("resource_record_name");
        let name = name.as_str().expect("record name");
        assert!(name.ends_with(&format!(".{APEX}.")), "{name}");
        assert_eq!(o.get("resource_record_type"), Value::from("CNAME"));
        assert!(o.get("resource_record_value").as_str().is_some());
    }

    // ACM's view: one certificate, the configured names and tags, and the create's intent tag,
    // which stays so that a crash at any moment leaves a certificate the next run finds.
    let detail = describe(&h, &acm, &arn).expect("certificate exists");
    assert_eq!(detail.domain_name(), Some(WILDCARD));
    assert!(detail.subject_alternative_names().iter().any(|s| s == APEX));
    assert_eq!(detail.r#type().map(|t| t.as_str()), Some("AMAZON_ISSUED"));
    let mut remote = remote_tags(&h, &acm, &arn);
    let intent = remote.remove("infinstor:intent").expect("the intent tag");
    assert_eq!(intent.len(), 32, "{intent}");
    assert_eq!(remote, BTreeMap::from([("Name".to_string(), "infinstor".to_string())]));
    let listed = h.rt.block_on(acm.list_certificates().send()).expect("list");
    assert_eq!(listed.certificate_summary_list().len(), 1);

    // Refresh and import by ARN give the same state; nothing to change on the next plan.
    assert_eq!(h.read("aws_acm_certificate", &state), Some(state.clone()));
    assert_eq!(h.import("aws_acm_certificate", &arn), Some(state.clone()));
    assert!(changed(&h, "aws_acm_certificate", &state, &config).is_empty());

    // Tags change in place.
    let retagged = h.update(
        "aws_acm_certificate",
        &state,
        map([
            ("domain_name", Value::from(WILDCARD)),
            ("subject_alternative_names", strings(&[APEX])),
            ("validation_method", Value::from("DNS")),
            ("tags", tags(&[("Name", "infinstor"), ("team", "ml")])),
        ]),
    );
    assert_eq!(retagged.get("arn"), Value::from(arn.as_str()));
    assert_eq!(remote_tags(&h, &acm, &arn).get("team").map(String::as_str), Some("ml"));

    // A validation whose records never appear times out and names them.
    let records = record_names(&state);
    let (response, _) = apply_create(
        &h,
        "aws_acm_certificate_validation",
        &validation_config(&arn, &records, Some("1s")),
    );
    let error = response.error.expect("the wait must time out");
    assert_eq!(error.code, "Timeout");
    for name in &records {
        assert!(error.message.contains(name.as_str()), "{}", error.message);
    }
    assert!(error.message.contains("CNAME"), "{}", error.message);
    assert!(error.message.contains("PENDING_VALIDATION"), "{}", error.message);
    assert!(response.new_state.is_none());

    // FQDNs that miss a record are refused before waiting. (A wildcard and its apex share one
    // record, so both names above are the same.)
    assert_eq!(records[0], records[1]);
    let (response, _) = apply_create(
        &h,
        "aws_acm_certificate_validation",
        &validation_config(&arn, &[format!("_other.{APEX}")], None),
    );
    let error = response.error.expect("a missing record is an error");
    assert_eq!(error.code, "MissingValidationRecord", "{}", error.message);

    // The real wait reports progress until moto issues the certificate.
    let (response, messages) = apply_create(
        &h,
        "aws_acm_certificate_validation",
        &validation_config(&arn, &records, None),
    );
    if let Some(e) = response.error {
        panic!("validation: {e}");
    }
    let validation = response.new_state.expect("validation state");
    assert_eq!(validation.get("id"), Value::from(arn.as_str()));
    assert!(!messages.is_empty(), "no progress was reported");
    // The records are named once, then one short status line per poll, then the outcome.
    assert!(
        messages[0].starts_with("ACM is waiting for these validation records"),
        "{messages:?}"
    );
    assert!(
        messages[1].starts_with("waiting for the certificate to be issued: ")
            && messages[1].contains(&format!("{APEX}: PENDING_VALIDATION")),
        "{messages:?}"
    );
    assert_eq!(messages.last().map(String::as_str), Some("the certificate is issued"));
    assert_eq!(
        describe(&h, &acm, &arn).and_then(|d| d.status().map(|s| s.as_str().to_string())),
        Some("ISSUED".to_string())
    );
    assert_eq!(
        h.read("aws_acm_certificate_validation", &validation),
        Some(validation.clone())
    );
    let refreshed = h.read("aws_acm_certificate", &retagged).expect("certificate");
    assert_eq!(refreshed.get("status"), Value::from("ISSUED"));

    // Deleting the validation changes nothing in AWS; deleting the certificate removes it.
    h.destroy("aws_acm_certificate_validation", &validation);
    assert!(describe(&h, &acm, &arn).is_some());
    h.destroy("aws_acm_certificate", &refreshed);
    assert!(describe(&h, &acm, &arn).is_none());
    assert_eq!(h.read("aws_acm_certificate", &refreshed), None);
    assert_eq!(h.read("aws_acm_certificate_validation", &validation), None);
    h.destroy("aws_acm_certificate", &refreshed);
}

#[test]
fn an_interrupted_request_is_found_by_its_token() {
    let h = harness("60");
    let acm = acm_client(&h);
    // A certificate left by a create that was interrupted after ACM accepted it: it still
    // carries the intent tag the create journaled.
    let tag = aws_sdk_acm::types::Tag::builder()
        .key("infinstor:intent")
        .value("0123456789abcdef0123456789abcdef")
        .build()
        .expect("tag");
    let arn =
        h.rt.block_on(
            acm.request_certificate()
                .domain_name(APEX)
                .validation_method(aws_sdk_acm::types::ValidationMethod::Dns)
                .idempotency_token("0123456789abcdef0123456789abcdef")
                .tags(tag)
                .send(),
        )
        .expect("request")
        .certificate_arn()
        .expect("arn")
        .to_string();
    let handle = format!("token:0123456789abcdef0123456789abcdef:{APEX}");
    let adopted = h.import("aws_acm_certificate", &handle).expect("found by token");
    assert_eq!(adopted.get("arn"), Value::from(arn.as_str()));
    assert_eq!(adopted.get("domain_name"), Value::from(APEX));
    assert_eq!(h.import("aws_acm_certificate", &format!("token:ffff:{APEX}")), None);
    assert_eq!(
        h.import(
            "aws_acm_certificate",
            "token:0123456789abcdef0123456789abcdef:other.example.com"
        ),
        None
    );

    // An ARN that does not exist imports nothing; anything else is an error that says why.
    // A different last character, so the ARN can never be the one just created.
    let last = if arn.ends_with('0') { '1' } else { '0' };
    let missing = format!("{}{last}", &arn[..arn.len() - 1]);
    assert_eq!(h.import("aws_acm_certificate", &missing), None);
    let err = h
        .provider
        .import(engine::core::provider::ImportRequest {
            type_name: "aws_acm_certificate",
            id: APEX,
        })
        .expect_err("a domain is not an import ID");
    assert!(err.message.contains("ARN"), "{}", err.message);
}

#[test]
fn requested_certificate_validation_problems() {
    let h = harness("60");
    let problems = |config: Value| h.validate("aws_acm_certificate", &config);
    assert!(problems(requested_config()).is_empty());
    let p = problems(map([("domain_name", Value::from(APEX))]));
    assert!(
        p.iter().any(|p| p.attribute.as_deref() == Some("validation_method")),
        "{p:?}"
    );
    let p = problems(map([
        ("domain_name", Value::from("infinstor.example.com.")),
        ("validation_method", Value::from("DNS")),
    ]));
    assert!(p.iter().any(|p| p.message.contains("period")), "{p:?}");
    assert!(!h.allows("aws_acm_certificate", "validation_method", "HTTP"));
    assert!(h.allows("aws_acm_certificate", "validation_method", "DNS"));
    let p = problems(map([
        ("domain_name", Value::from(APEX)),
        ("validation_method", Value::from("DNS")),
        ("certificate_body", Value::from(fixture("rsa2048.crt"))),
    ]));
    assert!(
        p.iter().any(|p| p.attribute.as_deref() == Some("certificate_body")),
        "{p:?}"
    );
    assert!(!problems(Value::empty_map()).is_empty());
    // Unknown values are checked at apply time, not refused at plan time.
    assert!(problems(map([
        ("domain_name", Value::UNKNOWN),
        ("validation_method", Value::from("DNS"))
    ]))
    .is_empty());
    let p = h.validate(
        "aws_acm_certificate_validation",
        &map([
            (
                "certificate_arn",
                Value::from("arn:aws:acm:us-east-1:123456789012:certificate/x"),
            ),
            ("timeouts", block(vec![("create", Value::from("soon"))])),
        ]),
    );
    assert_eq!(p.len(), 1, "{p:?}");

    // EMAIL validation has no DNS records to plan.
    let planned = h
        .plan(
            "aws_acm_certificate",
            None,
            &map([
                ("domain_name", Value::from(APEX)),
                ("validation_method", Value::from("EMAIL")),
            ]),
        )
        .expect("plan")
        .planned;
    assert_eq!(planned.get("domain_validation_options"), Value::List(Vec::new().into()));
}

fn imported_config(cert: &str, key: &str) -> Value {
    map([
        ("certificate_body", Value::from(fixture(cert))),
        ("private_key", Value::from(fixture(key)).mark_sensitive()),
        ("tags", tags(&[("Name", "imported")])),
    ])
}

#[test]
fn imported_certificate_keys_are_checked_at_plan_time() {
    let h = harness("60");
    let problems = |cert: &str, key: &str| h.validate("aws_acm_certificate", &imported_config(cert, key));
    assert!(problems("rsa2048.crt", "rsa2048.key").is_empty());
    assert!(problems("ecp256.crt", "ecp256.key").is_empty());

    // A key of another certificate.
    let p = problems("rsa2048.crt", "other-rsa2048.key");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].attribute.as_deref(), Some("private_key"));
    assert!(p[0].message.contains("does not belong"), "{}", p[0].message);
    assert!(p[0].message.contains("openssl"), "{}", p[0].message);
    let p = problems("ecp256.crt", "rsa2048.key");
    assert!(
        p.iter()
            .any(|p| p.message.contains("EC P-256") && p.message.contains("RSA 2048-bit")),
        "{p:?}"
    );

    // A key ACM's integrated services refuse, with what to do instead.
    let p = problems("rsa4096.crt", "rsa4096.key");
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(p[0].attribute.as_deref(), Some("private_key"));
    assert!(p[0].message.contains("4096"), "{}", p[0].message);
    assert!(p[0].message.contains("rsa:2048"), "{}", p[0].message);

    // Not PEM at all, and an encrypted key.
    let p = h.validate(
        "aws_acm_certificate",
        &map([
            ("certificate_body", Value::from("not a certificate")),
            ("private_key", Value::from(fixture("rsa2048.key"))),
        ]),
    );
    assert!(
        p.iter().any(|p| p.attribute.as_deref() == Some("certificate_body")),
        "{p:?}"
    );
    let encrypted = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIBAA==\n-----END ENCRYPTED PRIVATE KEY-----\n";
    let p = h.validate(
        "aws_acm_certificate",
        &map([
            ("certificate_body", Value::from(fixture("rsa2048.crt"))),
            ("private_key", Value::from(encrypted)),
        ]),
    );
    assert!(p.iter().any(|p| p.message.contains("encrypted")), "{p:?}");
    // Without a key there is nothing to import.
    let p = h.validate(
        "aws_acm_certificate",
        &map([("certificate_body", Value::from(fixture("rsa2048.crt")))]),
    );
    assert!(p.iter().any(|p| p.attribute.as_deref() == Some("private_key")), "{p:?}");
    // No problem message ever quotes the key.
    let key_line = fixture("rsa2048.key").lines().nth(1).expect("key body").to_string();
    for p in problems("rsa2048.crt", "other-rsa2048.key")
        .into_iter()
        .chain(problems("rsa4096.crt", "rsa4096.key"))
    {
        assert!(!p.message.contains(&key_line));
    }
}

#[test]
fn imported_certificate_keeps_only_a_digest_of_the_key() {
    let h = harness("60");
    let acm = acm_client(&h);
    let key = fixture("rsa2048.key");
    let key_body_line = key.lines().nth(1).expect("key body").to_string();
    let config = imported_config("rsa2048.crt", "rsa2048.key");

    // Everything about the certificate is known from the PEM at plan time; the key is a digest.
    let planned = h.plan("aws_acm_certificate", None, &config).expect("plan").planned;
    assert_eq!(planned.get("domain_name"), Value::from("import.infinstor.example.com"));
    assert_eq!(
        planned.get("subject_alternative_names"),
        strings(&["www.infinstor.example.com"])
    );
    assert_eq!(planned.get("key_algorithm"), Value::from("RSA_2048"));
    assert_eq!(planned.get("type"), Value::from("IMPORTED"));
    assert_eq!(planned.get("status"), Value::from("ISSUED"));
    assert_eq!(planned.get("domain_validation_options"), Value::List(Vec::new().into()));
    let digest = planned.get("private_key");
    let digest = digest.as_str().expect("digest").to_string();
    assert!(digest.starts_with("sha256:") && digest.len() == 7 + 64, "{digest}");
    assert!(planned.get("not_after").as_str().is_some_and(|d| d.starts_with("21")));

    let state = h.create("aws_acm_certificate", config.clone());
    let arn = state.get("arn").as_str().expect("arn").to_string();
    assert_eq!(state.get("private_key"), Value::from(digest.as_str()));
    assert!(h.intents()[0].starts_with("token:"), "{:?}", h.intents());
    let json = state.deep_unmark().to_json().expect("known state").to_string();
    assert!(!json.contains(&key_body_line), "the private key is in state");
    assert!(!json.contains("PRIVATE KEY"), "the private key is in state");

    let detail = describe(&h, &acm, &arn).expect("imported");
    assert_eq!(detail.r#type().map(|t| t.as_str()), Some("IMPORTED"));
    assert_eq!(detail.key_algorithm().map(|k| k.as_str()), Some("RSA_2048"));
    assert_eq!(detail.domain_name(), Some("import.infinstor.example.com"));
    let mut remote = remote_tags(&h, &acm, &arn);
    let intent = remote.remove("infinstor:intent").expect("the intent tag");
    assert_eq!(intent.len(), 32, "{intent}");
    assert_eq!(remote, BTreeMap::from([("Name".to_string(), "imported".to_string())]));

    // The same key written with other line endings is no change; refresh keeps the digest.
    assert_eq!(h.read("aws_acm_certificate", &state), Some(state.clone()));
    assert!(changed(&h, "aws_acm_certificate", &state, &config).is_empty());
    let crlf = map([
        ("certificate_body", Value::from(fixture("rsa2048.crt"))),
        ("private_key", Value::from(key.replace('\n', "\r\n"))),
        ("tags", tags(&[("Name", "imported")])),
    ]);
    assert!(changed(&h, "aws_acm_certificate", &state, &crlf).is_empty());

    // Tags change in place, without re-importing.
    let retagged = h.update(
        "aws_acm_certificate",
        &state,
        map([
            ("certificate_body", Value::from(fixture("rsa2048.crt"))),
            ("private_key", Value::from(key.as_str())),
            ("tags", tags(&[("Name", "renamed")])),
        ]),
    );
    assert_eq!(retagged.get("arn"), Value::from(arn.as_str()));
    assert_eq!(
        remote_tags(&h, &acm, &arn).get("Name").map(String::as_str),
        Some("renamed")
    );

    // Import by ARN: everything but the key, which ACM never gives back.
    let imported = h.import("aws_acm_certificate", &arn).expect("import by ARN");
    assert_eq!(imported.get("private_key"), Value::Null);
    assert_eq!(imported.get("domain_name"), Value::from("import.infinstor.example.com"));
    assert_eq!(imported.get("type"), Value::from("IMPORTED"));
    assert!(imported
        .get("certificate_body")
        .as_str()
        .is_some_and(|b| b.contains("BEGIN CERTIFICATE")));

    // An EC P-256 certificate imports too.
    let ec = h.create("aws_acm_certificate", imported_config("ecp256.crt", "ecp256.key"));
    assert_eq!(ec.get("key_algorithm"), Value::from("EC_prime256v1"));
    assert_eq!(ec.get("domain_name"), Value::from("ec.infinstor.example.com"));
    assert_eq!(ec.get("subject_alternative_names"), Value::List(Vec::new().into()));

    h.destroy("aws_acm_certificate", &retagged);
    h.destroy("aws_acm_certificate", &ec);
    assert!(describe(&h, &acm, &arn).is_none());
    assert_eq!(h.read("aws_acm_certificate", &retagged), None);
}

#[test]
fn certificate_schema_is_terraform_shaped() {
    let factory = providers::AwsFactory::new();
    let schema = factory.resource_schema("aws_acm_certificate").expect("schema");
    for name in [
        "domain_name",
        "subject_alternative_names",
        "validation_method",
        "key_algorithm",
    ] {
        assert!(schema.attributes[name].force_new, "{name} must force a new certificate");
    }
    assert!(schema.attributes["private_key"].sensitive);
    assert!(schema.blocks.contains_key("options"));
    let validation = factory
        .resource_schema("aws_acm_certificate_validation")
        .expect("schema");
    assert!(validation.attributes["certificate_arn"].force_new);
    assert!(validation.blocks.contains_key("timeouts"));
}
