//! When two lifecycle policies mean the same: as the AWS provider compares them, only the
//! fields ECR reads count (unknown keys are dropped), rules are ordered by priority, tag
//! lists are sets, and a missing field or tag list is the same as an empty one.

use serde_json::{Map, Value};

/// Whether `a` and `b` are the same lifecycle policy; texts that do not parse compare as text.
pub(crate) fn equivalent(a: &str, b: &str) -> bool {
    match (reduced(a), reduced(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.trim() == b.trim(),
    }
}

fn reduced(text: &str) -> Option<Value> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    let doc: Value = serde_json::from_str(text).ok()?;
    let rules = match doc.get("rules") {
        None | Some(Value::Null) => None,
        Some(Value::Array(rules)) => {
            let mut rules: Vec<Value> = rules.iter().map(rule).collect::<Option<_>>()?;
            rules.sort_by_key(|r| r.get("rulePriority").and_then(Value::as_i64).unwrap_or(0));
            Some(Value::Array(rules))
        }
        Some(_) => return None,
    };
    let mut out = Map::new();
    if let Some(rules) = rules {
        out.insert("rules".into(), rules);
    }
    Some(Value::Object(out))
}

fn rule(r: &Value) -> Option<Value> {
    let mut out = Map::new();
    keep(&mut out, r, "rulePriority", Kind::Int)?;
    keep(&mut out, r, "description", Kind::Text)?;
    if let Some(sel) = r.get("selection").filter(|s| !s.is_null()) {
        let mut s = Map::new();
        for key in ["tagStatus", "countType", "countUnit"] {
            keep(&mut s, sel, key, Kind::Text)?;
        }
        keep(&mut s, sel, "countNumber", Kind::Int)?;
        for key in ["tagPatternList", "tagPrefixList"] {
            if let Some(list) = sel.get(key).filter(|l| !l.is_null()) {
                let mut items: Vec<String> = list
                    .as_array()?
                    .iter()
                    .map(|v| v.as_str().map(str::to_string))
                    .collect::<Option<_>>()?;
                items.sort();
                if !items.is_empty() {
                    s.insert(key.into(), items.into());
                }
            }
        }
        out.insert("selection".into(), Value::Object(s));
    }
    if let Some(action) = r.get("action").filter(|a| !a.is_null()) {
        let mut a = Map::new();
        keep(&mut a, action, "type", Kind::Text)?;
        out.insert("action".into(), Value::Object(a));
    }
    Some(Value::Object(out))
}

enum Kind {
    Int,
    Text,
}

/// Copies `key` when present; `None` (does not parse) when it has the wrong type.
fn keep(out: &mut Map<String, Value>, from: &Value, key: &str, kind: Kind) -> Option<()> {
    match from.get(key) {
        None | Some(Value::Null) => Some(()),
        Some(v) => {
            let ok = match kind {
                Kind::Int => v.as_i64().is_some(),
                Kind::Text => v.is_string(),
            };
            ok.then(|| {
                out.insert(key.into(), v.clone());
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::equivalent;

    #[test]
    fn rules_compare_by_priority_with_tag_lists_as_sets_and_unknown_keys_dropped() {
        let a = r#"{"rules":[
            {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10},"action":{"type":"expire"}},
            {"rulePriority":1,"description":"old","selection":{"tagStatus":"tagged","tagPrefixList":["v","b"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14},"action":{"type":"expire"}}]}"#;
        let b = r#"{"rules":[
            {"rulePriority":1,"description":"old","selection":{"tagStatus":"tagged","tagPrefixList":["b","v"],"countType":"sinceImagePushed","countUnit":"days","countNumber":14,"extra":1},"action":{"type":"expire"}},
            {"rulePriority":2,"selection":{"tagStatus":"any","countType":"imageCountMoreThan","countNumber":10,"tagPatternList":[]},"action":{"type":"expire"}}]}"#;
        assert!(equivalent(a, b));
        assert!(!equivalent(a, &b.replace("\"countNumber\":10", "\"countNumber\":11")));
        assert!(!equivalent(r#"{"rules":[]}"#, r#"{"rules":[{"rulePriority":1}]}"#));
        assert!(
            !equivalent(r#"{"rules":[]}"#, "{}"),
            "no rules is not the same as a missing list"
        );
        assert!(!equivalent(r#"{"rules":"x"}"#, "{}"), "a wrong type compares as text");
    }
}
