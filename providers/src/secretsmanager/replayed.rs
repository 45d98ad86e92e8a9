//! A rotation on a schedule, which the emulator forgets (it keeps only a number of days),
//! against Secrets Manager's documented answers through the SDK's replay client: the
//! rotation asked for again while the function's permission propagates, and the days AWS
//! reports beside a schedule left out of state.

use super::rotation::SecretRotation;
use crate::replay::{ctx, sent, Answer};
use crate::resource::{ResourceType, Step};
use engine::core::value::{map, Value};

const ARN: &str = "arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf";
const FUNCTION: &str = "arn:aws:lambda:us-east-1:123456789012:function:rotate";

fn config() -> Value {
    map([
        ("secret_id", Value::from(ARN)),
        ("rotation_lambda_arn", Value::from(FUNCTION)),
        (
            "rotation_rules",
            Value::List(
                vec![map([
                    ("schedule_expression", Value::from("rate(7 days)")),
                    ("duration", Value::from("3h")),
                ])]
                .into(),
            ),
        ),
    ])
}

#[test]
fn a_scheduled_rotation_waits_for_the_functions_permission_and_reads_back_as_configured() {
    let (ctx, replay) = ctx(vec![
        Answer::json(
            400,
            serde_json::json!({"__type": "AccessDeniedException", "message": "Secrets Manager cannot invoke the specified Lambda function"}),
        ),
        Answer::json(200, serde_json::json!({"ARN": ARN, "Name": "db", "VersionId": "v2"})),
        Answer::json(
            200,
            serde_json::json!({
                "ARN": ARN,
                "Name": "db",
                "RotationEnabled": true,
                "RotationLambdaARN": FUNCTION,
                "RotationRules": {"AutomaticallyAfterDays": 7, "Duration": "3h", "ScheduleExpression": "rate(7 days)"}
            }),
        ),
    ]);
    let kind = SecretRotation;
    let proposed = engine::plan::diff::proposed(&kind.schema(), &config(), None, &[]);
    let (planned, _) = kind.plan(&ctx, None, proposed).expect("plan");
    let (state, error) = kind.create(&ctx, &planned, &Step::QUIET).into_parts();
    assert!(error.is_none(), "{error:?}");
    let state = state.expect("state");
    let rules = &crate::support::attrs::block_items(&state, "rotation_rules")[0];
    assert_eq!(
        rules.get("automatically_after_days"),
        Value::from(0i64),
        "the days a schedule makes stay out"
    );
    assert_eq!(rules.get("schedule_expression"), Value::from("rate(7 days)"));
    let proposed = engine::plan::diff::proposed(&kind.schema(), &config(), Some(&state), &[]);
    let (again, _) = kind.plan(&ctx, Some(&state), proposed).expect("plan");
    let changed = engine::plan::diff::changed_attributes(&kind.schema(), &state, &again);
    assert!(changed.is_empty(), "{changed:?}\n{state:?}\n{again:?}");
    let requests = sent(&replay);
    assert_eq!(
        requests[0].2,
        requests[1]
            .2
            .replace(&token_of(&requests[1].2), &token_of(&requests[0].2)),
        "the same request again"
    );
    assert!(
        requests[1]
            .2
            .contains(r#""RotationRules":{"Duration":"3h","ScheduleExpression":"rate(7 days)"}"#),
        "{}",
        requests[1].2
    );
    assert!(
        requests[1].2.contains(r#""RotateImmediately":true"#),
        "{}",
        requests[1].2
    );
}

fn token_of(body: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(body).expect("json");
    v["ClientRequestToken"].as_str().unwrap_or_default().to_string()
}
