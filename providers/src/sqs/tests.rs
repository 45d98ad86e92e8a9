//! What the emulator does not keep, against SQS's documented answers through the SDK's replay
//! client: a redrive allow policy set, read back as configured, planned clean, changed outside,
//! cleared on destroy, and gone with its queue.

use super::queue_attribute::QueueAttribute;
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

const URL: &str = "https://sqs.us-east-1.amazonaws.com/123456789012/events-dead";

fn json(body: &str) -> Answer {
    Answer {
        status: 200,
        content_type: "application/x-amz-json-1.0",
        body: body.to_string(),
        headers: Vec::new(),
    }
}

fn attributes(allow: &str) -> Answer {
    json(
        &serde_json::json!({"Attributes": {
            "QueueArn": "arn:aws:sqs:us-east-1:123456789012:events-dead",
            "VisibilityTimeout": "30",
            "RedriveAllowPolicy": allow
        }})
        .to_string(),
    )
}

const CONFIGURED: &str =
    r#"{"redrivePermission":"byQueue","sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:events-work"]}"#;

#[test]
fn a_redrive_allow_policy_is_set_read_planned_clean_drifts_and_is_cleared() {
    let kind = QueueAttribute::REDRIVE_ALLOW;
    let (ctx, replay) = ctx(vec![
        json("{}"),
        // SQS writes the document its own way: keys in another order, no spaces.
        attributes(
            r#"{"sourceQueueArns":["arn:aws:sqs:us-east-1:123456789012:events-work"],"redrivePermission":"byQueue"}"#,
        ),
        attributes(r#"{"redrivePermission":"allowAll"}"#),
        attributes(r#"{"redrivePermission":"allowAll"}"#),
        json("{}"),
        json(r#"{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}"#),
    ]);
    let config = map([
        ("queue_url", Value::from(URL)),
        ("redrive_allow_policy", Value::from(CONFIGURED)),
        ("id", Value::UNKNOWN),
    ]);
    let (planned, _) = kind.plan(&ctx, None, config.clone()).expect("plan");
    assert_eq!(planned.get("id"), Value::from(URL));
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(
        state.get("redrive_allow_policy"),
        Value::from(CONFIGURED),
        "the configured text is kept"
    );
    let changed = engine::plan::diff::changed_attributes(&kind.schema(), &state, &planned);
    assert!(changed.is_empty(), "{changed:?}");

    // Someone allowed every queue: the read says so, and the plan puts it back.
    let drifted = kind.read(&ctx, &state).expect("read").expect("found");
    assert_eq!(
        drifted.get("redrive_allow_policy"),
        Value::from(r#"{"redrivePermission":"allowAll"}"#)
    );
    let changed = engine::plan::diff::changed_attributes(&kind.schema(), &drifted, &planned);
    assert_eq!(changed, ["redrive_allow_policy"]);

    // Destroy clears the attribute; with the queue gone, nothing is left to read.
    kind.delete(&ctx, &drifted, &Step::QUIET).expect("delete");
    assert_eq!(kind.read(&ctx, &drifted).expect("read"), None);

    let sent = sent(&replay);
    assert_eq!(sent.len(), 6, "{sent:?}");
    let body = |i: usize| serde_json::from_str::<serde_json::Value>(&sent[i].2).expect("JSON body");
    assert_eq!(body(0)["QueueUrl"], URL);
    assert_eq!(body(0)["Attributes"]["RedriveAllowPolicy"], CONFIGURED);
    assert_eq!(body(1)["AttributeNames"], serde_json::json!(["All"]));
    assert_eq!(body(4)["Attributes"]["RedriveAllowPolicy"], "", "destroy clears it");
}
