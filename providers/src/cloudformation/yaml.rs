//! CloudFormation's YAML, read into the same JSON a JSON template would be: short-form
//! intrinsic functions become their long form (`!Ref X` is `{"Ref": "X"}`, `!GetAtt A.B` is
//! `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` is `{"Fn::Sub": s}`). What CloudFormation does not
//! accept is an error, so callers fall back to comparing text.

use serde_json::{Map, Value as Json};

/// Parses one template document (an empty text is `null`).
pub(crate) fn parse(src: &str) -> Result<Json, String> {
    engine::core::yaml::to_json(src, &intrinsic)
}

/// The long form of a short-form intrinsic function.
fn intrinsic(name: &str, value: Json) -> Result<Json, String> {
    let mut obj = Map::new();
    match name {
        "Ref" => {
            obj.insert("Ref".into(), value);
        }
        "Condition" => {
            obj.insert("Condition".into(), value);
        }
        "GetAtt" => {
            let v = match value {
                Json::String(s) => match s.split_once('.') {
                    Some((a, b)) => Json::Array(vec![Json::String(a.into()), Json::String(b.into())]),
                    None => Json::String(s),
                },
                other => other,
            };
            obj.insert("Fn::GetAtt".into(), v);
        }
        other => {
            obj.insert(format!("Fn::{other}"), value);
        }
    }
    Ok(Json::Object(obj))
}
