//! JSON, base64 and URL encoding.

use super::*;

/// Terraform's JSON: compact, keys sorted, and HTML-sensitive characters escaped because Go's
/// encoder does so by default. Those characters can only occur inside JSON strings, so a textual
/// replacement is safe. `None` when the value is not wholly known.
pub(super) fn json_encode(v: &Value) -> Option<String> {
    let json = v.to_json()?;
    let raw = serde_json::to_string(&json).ok()?;
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    Some(out)
}

pub(super) fn jsonencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(json_encode(&a[0]).map(Value::String).unwrap_or(Value::Unknown))
}

pub(super) fn jsondecode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    serde_json::from_str::<serde_json::Value>(&s)
        .map(|j| Value::from_json(&j))
        .map_err(|e| invalid(format!("argument 1 is not valid JSON: {e}.")))
}

pub(super) fn base64encode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
    ))
}

pub(super) fn base64decode(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .map_err(|e| invalid(format!("failed to decode base64 data {}: {e}.", c.show(&s))))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| invalid("the result of decoding the provided string is not valid UTF-8."))
}

pub(super) fn urlencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's url.QueryEscape, which Terraform uses: space becomes '+'.
    let s = string_arg(a, 0)?;
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    Ok(Value::String(out))
}
