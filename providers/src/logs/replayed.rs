//! The emulator has no data protection policies: a policy's put, read, change and delete run
//! here against CloudWatch Logs' documented answers through the SDK's replay client (every
//! request checked).

use super::data_protection::DataProtectionPolicy;
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

fn policy(identifier: &str) -> String {
    format!(
        "{{\n  \"Name\": \"mask\",\n  \"Statement\": [\n    {{\n      \"DataIdentifier\": [\"{identifier}\"],\n      \"Operation\": {{\"Audit\": {{\"FindingsDestination\": {{}}}}}}\n    }},\n    {{\n      \"DataIdentifier\": [\"{identifier}\"],\n      \"Operation\": {{\"Deidentify\": {{\"MaskConfig\": {{}}}}}}\n    }}\n  ],\n  \"Version\": \"2021-06-01\"\n}}\n"
    )
}

fn stored(identifier: &str) -> Answer {
    let compact: serde_json::Value = serde_json::from_str(&policy(identifier)).expect("json");
    Answer::json(
        200,
        serde_json::json!({"logGroupIdentifier": "app", "policyDocument": compact.to_string(), "lastUpdatedTime": 1_700_000_000_000i64}),
    )
}

const EMAIL: &str = "arn:aws:dataprotection::aws:data-identifier/EmailAddress";
const KEY: &str = "arn:aws:dataprotection::aws:data-identifier/AwsSecretKey";

fn config(identifier: &str) -> Value {
    map([
        ("log_group_name", Value::from("app")),
        ("policy_document", Value::string(policy(identifier))),
    ])
}

#[test]
fn a_data_protection_policy_is_put_read_as_written_changed_and_deleted() {
    let (ctx, replay) = ctx(vec![
        Answer::json(200, serde_json::json!({})),
        stored(EMAIL),
        Answer::json(200, serde_json::json!({})),
        stored(KEY),
        Answer::json(200, serde_json::json!({})),
        // Read after the delete: the group has no policy.
        Answer::json(200, serde_json::json!({"logGroupIdentifier": "app"})),
    ]);
    let kind = DataProtectionPolicy;
    let (planned, _) = kind.plan(&ctx, None, config(EMAIL)).expect("plan");
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(
        state.get("policy_document"),
        Value::string(policy(EMAIL)),
        "the document as written, as it means the same"
    );
    assert_eq!(state.get("id"), Value::from("app"));

    let (planned, replace) = kind.plan(&ctx, Some(&state), config(KEY)).expect("plan");
    assert!(replace.is_empty());
    let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    assert!(updated
        .expect("state")
        .get("policy_document")
        .as_str()
        .is_some_and(|d| d.contains("AwsSecretKey")));

    kind.delete(&ctx, &state, &Step::QUIET).expect("delete");
    assert_eq!(kind.read(&ctx, &state).expect("read"), None, "no document: no policy");

    let requests = sent(&replay);
    let put: serde_json::Value = serde_json::from_str(&requests[0].2).expect("json");
    assert_eq!(put["logGroupIdentifier"], "app");
    assert!(
        put["policyDocument"]
            .as_str()
            .is_some_and(|d| d.starts_with(r#"{"Name":"mask","Statement":[{"DataIdentifier":"#)),
        "sent compact, keys sorted: {put}"
    );
    assert_eq!(requests[4].2, r#"{"logGroupIdentifier":"app"}"#);
}
