//! Dates, times and YAML.

use super::*;

#[test]
fn time_functions_follow_terraform() {
    let t = || Value::from("2026-11-27T21:05:09Z");
    assert_eq!(
        ok("formatdate", vec![Value::from("DD MMM YYYY hh:mm ZZZ"), t()]),
        Value::from("27 Nov 2026 21:05 UTC")
    );
    assert_eq!(
        ok("formatdate", vec![Value::from("EEEE, MMMM D 'at' H:mmaa"), t()]),
        Value::from("Friday, November 27 at 9:05pm")
    );
    assert_eq!(
        ok(
            "formatdate",
            vec![
                Value::from("YYYY-MM-DD'T'hh:mm:ssZZZZZ"),
                Value::from("2026-01-02T03:04:05-08:00")
            ]
        ),
        Value::from("2026-01-02T03:04:05-08:00")
    );
    assert!(err("formatdate", vec![Value::from("YYYY"), Value::from("yesterday")]).contains("RFC 3339"));
    assert_eq!(
        ok("timeadd", vec![t(), Value::from("1h30m")]),
        Value::from("2026-11-27T22:35:09Z")
    );
    assert_eq!(
        ok("timeadd", vec![t(), Value::from("-72h")]),
        Value::from("2026-11-24T21:05:09Z")
    );
    assert_eq!(
        ok(
            "timeadd",
            vec![Value::from("2026-12-31T23:59:59+01:00"), Value::from("2s")]
        ),
        Value::from("2027-01-01T00:00:01+01:00")
    );
    assert!(err("timeadd", vec![t(), Value::from("1 day")]).contains("duration"));
    assert_eq!(
        ok("timecmp", vec![t(), Value::from("2026-11-27T22:05:09+01:00")]),
        Value::from(0.0)
    );
    assert_eq!(
        ok("timecmp", vec![t(), Value::from("2027-01-01T00:00:00Z")]),
        Value::from(-1.0)
    );
    // Planning: the apply's time is not known yet; the plan's is.
    assert_eq!(ok("timestamp", vec![]), Value::UNKNOWN);
    assert_eq!(ok("uuid", vec![]), Value::UNKNOWN);
    assert_eq!(ok("plantimestamp", vec![]), Value::from("1970-01-01T00:00:00Z"));
}

#[test]
fn during_apply_timestamp_and_uuid_are_known() {
    let render = |_: &str, _: &Value| -> Result<Value, String> { Err("no renderer".into()) };
    let ctx = FunctionContext {
        now: Some(1_795_000_000),
        plan_time: 1_794_999_000,
        base_dir: Path::new("."),
        render_template: &render,
    };
    assert_eq!(call("timestamp", vec![], &ctx), Ok(Value::from("2026-11-18T11:06:40Z")));
    assert_eq!(
        call("plantimestamp", vec![], &ctx),
        Ok(Value::from("2026-11-18T10:50:00Z"))
    );
    let id = call("uuid", vec![], &ctx).expect("uuid");
    let id = id.as_str().expect("string");
    assert_eq!(id.len(), 36);
    assert_eq!(&id[14..15], "4", "version 4: {id}");
    assert_ne!(
        call("uuid", vec![], &ctx).expect("uuid").as_str(),
        Some(id),
        "a new one each call"
    );
}

#[test]
fn yaml_round_trips_as_terraform_writes_it() {
    let v = Value::Map(
        [
            ("name".to_string(), Value::from("mlflow")),
            (
                "ports".to_string(),
                Value::List(vec![Value::from(80.0), Value::from(443.0)].into()),
            ),
            (
                "tags".to_string(),
                Value::Map([("team".to_string(), Value::from("platform"))].into_iter().collect()),
            ),
            (
                "rules".to_string(),
                Value::List(
                    vec![Value::Map(
                        [
                            ("cidr".to_string(), Value::from("10.0.0.0/8")),
                            ("open".to_string(), Value::Bool(true)),
                        ]
                        .into_iter()
                        .collect(),
                    )]
                    .into(),
                ),
            ),
            ("empty".to_string(), Value::List(vec![].into())),
        ]
        .into_iter()
        .collect(),
    );
    let yaml = ok("yamlencode", vec![v.clone()]);
    assert_eq!(
        yaml.as_str(),
        Some("\"empty\": []\n\"name\": \"mlflow\"\n\"ports\":\n- 80\n- 443\n\"rules\":\n- \"cidr\": \"10.0.0.0/8\"\n  \"open\": true\n\"tags\":\n  \"team\": \"platform\"\n")
    );
    assert_eq!(ok("yamldecode", vec![yaml]), v);
    assert_eq!(
        ok("yamldecode", vec![Value::from("a: 1\nb: [x, 'y']\nc: ~\nd: 'true'\n")]),
        Value::Map(
            [
                ("a".to_string(), Value::from(1.0)),
                (
                    "b".to_string(),
                    Value::List(vec![Value::from("x"), Value::from("y")].into())
                ),
                ("c".to_string(), Value::Null),
                ("d".to_string(), Value::from("true")),
            ]
            .into_iter()
            .collect()
        )
    );
    assert!(err("yamldecode", vec![Value::from("a: !Ref b\n")]).contains("!Ref"));
    assert!(err("yamldecode", vec![Value::from("a: [1, 2\n")]).contains("not valid YAML"));
}
