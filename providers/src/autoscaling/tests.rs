//! The emulator keeps no tags on Application Auto Scaling targets: a tagged target's create,
//! refresh, tag change and drift run here against the service's documented answers through the
//! SDK's replay client (every request checked).

use super::target::Target;
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

const ARN: &str = "arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target/0123abc";

fn described(max: i64) -> Answer {
    Answer::json(
        200,
        serde_json::json!({"ScalableTargets": [{
            "ServiceNamespace": "dynamodb",
            "ResourceId": "table/orders",
            "ScalableDimension": "dynamodb:table:ReadCapacityUnits",
            "MinCapacity": 1,
            "MaxCapacity": max,
            "RoleARN": "arn:aws:iam::123456789012:role/aws-service-role/dynamodb.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_DynamoDBTable",
            "CreationTime": 1.7e9,
            "ScalableTargetARN": ARN
        }]}),
    )
}

fn tags(pairs: &[(&str, &str)]) -> Answer {
    let map: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    Answer::json(200, serde_json::json!({ "Tags": map }))
}

fn config(max: i64, team: &str) -> Value {
    map([
        ("service_namespace", Value::from("dynamodb")),
        ("resource_id", Value::from("table/orders")),
        ("scalable_dimension", Value::from("dynamodb:table:ReadCapacityUnits")),
        ("min_capacity", Value::from(1i64)),
        ("max_capacity", Value::from(max)),
        ("role_arn", Value::UNKNOWN),
        ("suspended_state", Value::List(Vec::new().into())),
        ("tags", map([("team", Value::from(team))])),
        ("tags_all", Value::UNKNOWN),
        ("arn", Value::UNKNOWN),
        ("id", Value::UNKNOWN),
    ])
}

#[test]
fn a_tagged_target_is_created_with_its_tags_refreshed_retagged_and_its_drift_seen() {
    let (ctx, replay) = ctx(vec![
        Answer::json(200, serde_json::json!({"ScalableTargetARN": ARN})),
        described(10),
        tags(&[("team", "ml")]),
        // Update: the new bound, the tag swap, the read after.
        Answer::json(200, serde_json::json!({"ScalableTargetARN": ARN})),
        Answer::json(200, serde_json::json!({})),
        described(20),
        tags(&[("team", "data")]),
        // Refresh after someone added a tag.
        described(20),
        tags(&[("team", "data"), ("owner", "ops")]),
    ]);
    let kind = Target;
    let (planned, _) = kind.plan(&ctx, None, config(10, "ml")).expect("plan");
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    assert_eq!(state.get("id"), Value::from("table/orders"));
    assert_eq!(state.get("arn"), Value::from(ARN));
    assert_eq!(state.get("tags"), map([("team", Value::from("ml"))]));

    let (planned, replace) = kind.plan(&ctx, Some(&state), config(20, "data")).expect("plan");
    assert!(replace.is_empty());
    let (updated, error) = kind.update(&ctx, &state, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let updated = updated.expect("state");
    assert_eq!(updated.get("max_capacity"), Value::from(20i64));
    assert_eq!(updated.get("tags"), map([("team", Value::from("data"))]));

    let read = kind.read(&ctx, &updated).expect("read").expect("found");
    assert_eq!(
        read.get("tags"),
        map([("owner", Value::from("ops")), ("team", Value::from("data"))]),
        "a tag added outside shows as drift"
    );

    let sent = sent(&replay);
    assert_eq!(sent.len(), 9, "{sent:?}");
    assert!(sent[0].2.contains(r#""Tags":{"team":"ml"}"#), "{}", sent[0].2);
    assert!(
        sent[3].2.contains(r#""MaxCapacity":20"#) && !sent[3].2.contains("Tags"),
        "{}",
        sent[3].2
    );
    assert!(sent[4].2.contains(r#""Tags":{"team":"data"}"#), "{}", sent[4].2);
    assert!(
        sent[2].2.contains(ARN),
        "tags are read by the target's ARN: {}",
        sent[2].2
    );
}
