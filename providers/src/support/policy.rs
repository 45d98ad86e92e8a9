//! IAM, S3 bucket and KMS key policy documents: their canonical form, for comparing them by
//! meaning and showing them the same way whatever formatting AWS or the user chose.
//!
//! AWS never gives back a policy document byte for byte as it was sent: IAM URL-encodes it,
//! services reorder keys, and a one-element list may come back as a plain string. Comparing
//! documents as text would therefore show a change on every plan. [`normalize`] rewrites a
//! document into one canonical form so that two documents that mean the same are equal.

use serde_json::{Map, Value};

/// Statement keys whose value is a string or a list of strings with set semantics.
const SET_KEYS: [&str; 4] = ["Action", "NotAction", "Resource", "NotResource"];

/// Parses a policy document and rewrites it into a canonical form.
///
/// Accepts the URL-encoded form IAM returns (a document starting with `%7B`). In the result
/// every object has its keys sorted, `Statement` is always a list, `Action`, `NotAction`,
/// `Resource` and `NotResource` are sorted lists without duplicates, every principal type maps
/// to a sorted list (`"*"` stays a string), and every condition key maps to a sorted list of
/// strings. The order of statements is kept.
pub(crate) fn normalize(doc: &str) -> Result<Value, String> {
    let trimmed = doc.trim();
    let decoded;
    let text = if trimmed.len() >= 3 && trimmed.as_bytes()[..3].eq_ignore_ascii_case(b"%7B") {
        decoded = percent_decode(trimmed)?;
        decoded.as_str()
    } else {
        trimmed
    };
    let parsed: Value = serde_json::from_str(text).map_err(|e| format!("policy document is not valid JSON: {e}"))?;
    let Value::Object(top) = parsed else {
        return Err("a policy document must be a JSON object".to_string());
    };
    let mut out = Map::new();
    for (key, value) in top {
        let normalized = if key == "Statement" {
            normalize_statements(value)
        } else {
            sort_keys(value)
        };
        out.insert(key, normalized);
    }
    Ok(Value::Object(sorted_map(out)))
}

/// True when two policy documents mean the same. When either does not parse, falls back to
/// comparing the raw strings, so an invalid document still shows as changed when edited.
pub(crate) fn equivalent(a: &str, b: &str) -> bool {
    match (normalize(a), normalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => a == b,
    }
}

/// The document to record after a read: the prior text when it means the same policy as what
/// AWS returned (AWS rewrites documents: key order, one-element lists), else AWS's.
pub(crate) fn keep_prior(prior: Option<&str>, remote: &str) -> String {
    match prior {
        Some(p) if equivalent(p, remote) => p.to_string(),
        _ => remote.to_string(),
    }
}

/// The canonical form of a policy document, as the engine's schemas take it
/// ([`engine::core::schema::Attribute::document`]).
pub(crate) fn canonical(doc: &str) -> Option<Value> {
    normalize(doc).ok()
}

/// Decodes `%XX` escapes. `+` is left alone: IAM encodes a literal plus as `%2B` and a space
/// as `%20`, so treating `+` as a space would corrupt documents.
fn percent_decode(s: &str) -> Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hi = bytes.get(i + 1).and_then(|b| (*b as char).to_digit(16));
            let lo = bytes.get(i + 2).and_then(|b| (*b as char).to_digit(16));
            match (hi, lo) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 3;
                }
                _ => return Err(format!("invalid percent-encoding at byte {i} of policy document")),
            }
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "percent-decoded policy document is not UTF-8".to_string())
}

fn normalize_statements(value: Value) -> Value {
    match value {
        Value::Object(_) => Value::Array(vec![normalize_statement(value)]),
        Value::Array(items) => Value::Array(items.into_iter().map(normalize_statement).collect()),
        other => other,
    }
}

fn normalize_statement(value: Value) -> Value {
    let Value::Object(stmt) = value else {
        return sort_keys(value);
    };
    let mut out = Map::new();
    for (key, value) in stmt {
        let normalized = match key.as_str() {
            k if SET_KEYS.contains(&k) => string_set(value, false),
            "Principal" | "NotPrincipal" => normalize_principal(value),
            "Condition" => normalize_condition(value),
            _ => sort_keys(value),
        };
        out.insert(key, normalized);
    }
    Value::Object(sorted_map(out))
}

fn normalize_principal(value: Value) -> Value {
    match value {
        Value::Object(map) => {
            let mut out = Map::new();
            for (kind, ids) in map {
                let mut set = string_set(ids, false);
                if kind == "AWS" {
                    // IAM stores a bare account ID as the account's root ARN and returns that.
                    if let Value::Array(items) = &mut set {
                        for item in items.iter_mut() {
                            if let Value::String(s) = item {
                                if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
                                    *s = format!("arn:aws:iam::{s}:root");
                                }
                            }
                        }
                        sort_dedup(items);
                    }
                }
                out.insert(kind, set);
            }
            Value::Object(sorted_map(out))
        }
        other => sort_keys(other),
    }
}

fn normalize_condition(value: Value) -> Value {
    let Value::Object(operators) = value else {
        return sort_keys(value);
    };
    let mut out = Map::new();
    for (operator, keys) in operators {
        let normalized = match keys {
            Value::Object(keys) => {
                let mut inner = Map::new();
                for (key, values) in keys {
                    inner.insert(key, string_set(values, true));
                }
                Value::Object(sorted_map(inner))
            }
            other => sort_keys(other),
        };
        out.insert(operator, normalized);
    }
    Value::Object(sorted_map(out))
}

/// Turns a string or list of strings into a sorted list without duplicates. With
/// `stringify_scalars`, booleans and numbers become strings too: condition values are compared
/// as strings by IAM, so `true` and `"true"` mean the same there.
fn string_set(value: Value, stringify_scalars: bool) -> Value {
    let scalar = |v: Value| -> Value {
        match v {
            Value::Bool(b) if stringify_scalars => Value::String(b.to_string()),
            Value::Number(n) if stringify_scalars => Value::String(n.to_string()),
            other => sort_keys(other),
        }
    };
    let mut items = match value {
        Value::Array(items) => items.into_iter().map(scalar).collect(),
        Value::Null => return Value::Null,
        other => vec![scalar(other)],
    };
    sort_dedup(&mut items);
    Value::Array(items)
}

fn sort_dedup(items: &mut Vec<Value>) {
    items.sort_by_key(|v| v.to_string());
    items.dedup();
}

/// Recursively sorts object keys, leaving everything else as it is.
fn sort_keys(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(sorted_map(map.into_iter().map(|(k, v)| (k, sort_keys(v))).collect())),
        Value::Array(items) => Value::Array(items.into_iter().map(sort_keys).collect()),
        other => other,
    }
}

/// The same map with its keys in sorted order (the workspace enables `preserve_order`, so
/// insertion order is what serializes).
fn sorted_map(map: Map<String, Value>) -> Map<String, Value> {
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use engine::core::schema::{Attribute, Type};

    /// The document as the engine shows it: this canonical form, pretty-printed.
    fn pretty(doc: &str) -> String {
        let attr = Attribute::required(Type::String).document(canonical);
        engine::core::document::pretty(Some(&attr), doc)
    }

    const TRUST: &str = r#"{
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::697756613082:root"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"sts:ExternalId": "abc+d e"}}
        }]
    }"#;

    #[test]
    fn string_equals_one_element_list_and_statement_object_equals_list() {
        let b = r#"{"Statement":{"Condition":{"StringEquals":{"sts:ExternalId":["abc+d e"]}},
            "Action":["sts:AssumeRole"],"Principal":{"AWS":["arn:aws:iam::697756613082:root"]},
            "Effect":"Allow"},"Version":"2012-10-17"}"#;
        assert!(equivalent(TRUST, b));
    }

    #[test]
    fn url_encoded_form_as_iam_returns_it() {
        let encoded = "%7B%22Version%22%3A%20%222012-10-17%22%2C%20%22Statement%22%3A%20%5B%7B%22Effect%22%3A%20%22Allow%22%2C%20%22Principal%22%3A%20%7B%22AWS%22%3A%20%22arn%3Aaws%3Aiam%3A%3A697756613082%3Aroot%22%7D%2C%20%22Action%22%3A%20%22sts%3AAssumeRole%22%2C%20%22Condition%22%3A%20%7B%22StringEquals%22%3A%20%7B%22sts%3AExternalId%22%3A%20%22abc%2Bd%20e%22%7D%7D%7D%5D%7D";
        assert!(equivalent(TRUST, encoded));
        assert_eq!(normalize(TRUST), normalize(encoded));
    }

    #[test]
    fn action_order_and_duplicates_do_not_matter() {
        let a = r#"{"Statement":[{"Effect":"Allow","Action":["s3:PutObject","s3:GetObject"],"Resource":"*"}]}"#;
        let b = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:GetObject"],"Resource":["*"]}]}"#;
        assert!(equivalent(a, b));
        let c = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":["*"]}]}"#;
        assert!(!equivalent(a, c));
    }

    #[test]
    fn statement_order_matters_and_effect_is_compared() {
        let a = r#"{"Statement":[{"Effect":"Allow","Action":"a:b","Resource":"*"}]}"#;
        let b = r#"{"Statement":[{"Effect":"Deny","Action":"a:b","Resource":"*"}]}"#;
        assert!(!equivalent(a, b));
    }

    #[test]
    fn principal_star_kept_and_account_id_expanded() {
        let n = normalize(r#"{"Statement":[{"Principal":"*"}]}"#).expect("parses");
        assert_eq!(n["Statement"][0]["Principal"], Value::String("*".into()));
        assert!(equivalent(
            r#"{"Statement":[{"Principal":{"AWS":"697756613082"}}]}"#,
            r#"{"Statement":[{"Principal":{"AWS":["arn:aws:iam::697756613082:root"]}}]}"#,
        ));
        assert!(equivalent(
            r#"{"Statement":[{"Principal":{"Service":["b.amazonaws.com","a.amazonaws.com"]}}]}"#,
            r#"{"Statement":[{"Principal":{"Service":["a.amazonaws.com","b.amazonaws.com"]}}]}"#,
        ));
    }

    #[test]
    fn condition_values_compare_as_string_sets() {
        assert!(equivalent(
            r#"{"Statement":[{"Condition":{"Bool":{"aws:SecureTransport":false}}}]}"#,
            r#"{"Statement":[{"Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}"#,
        ));
        assert!(!equivalent(
            r#"{"Statement":[{"Condition":{"StringEquals":{"sts:ExternalId":"a"}}}]}"#,
            r#"{"Statement":[{"Condition":{"StringEquals":{"sts:ExternalId":"b"}}}]}"#,
        ));
    }

    #[test]
    fn unparsable_documents_compare_raw() {
        assert!(equivalent("not json", "not json"));
        assert!(!equivalent("not json", "{}"));
        assert!(normalize("[1]").is_err());
        assert!(normalize("%7Bbad%zz").is_err());
        assert_eq!(pretty("not json"), "not json");
    }

    #[test]
    fn pretty_is_sorted_with_two_space_indent() {
        let p = pretty(
            r#"{"Version":"2012-10-17","Statement":{"Sid":"S","Resource":"*","Effect":"Allow","Action":"s3:*"}}"#,
        );
        let expected = r#"{
  "Statement": [
    {
      "Action": [
        "s3:*"
      ],
      "Effect": "Allow",
      "Resource": [
        "*"
      ],
      "Sid": "S"
    }
  ],
  "Version": "2012-10-17"
}"#;
        assert_eq!(p, expected);
    }

    #[test]
    fn percent_decoding_handles_multibyte_utf8() {
        assert_eq!(percent_decode("%7B%22%C3%A9%22%7D").as_deref(), Ok("{\"é\"}"));
        assert!(percent_decode("%FF").is_err());
    }
}
