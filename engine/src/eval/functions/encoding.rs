//! JSON, base64 and URL encoding.

use super::*;

/// Terraform's JSON: compact, keys sorted, and HTML-sensitive characters escaped because Go's
/// encoder does so by default. Those characters can only occur inside JSON strings, so a textual
/// replacement is safe. `None` when the value is not wholly known.
pub(super) fn json_encode(v: &Value) -> Option<String> {
    let mut out = String::new();
    write_json(v, &mut out)?;
    Some(out)
}

/// Writes `v` as Terraform's jsonencode does: numbers in full decimal notation (`1e21` is
/// `1000000000000000000000`), object keys sorted, and `<`, `>`, `&`, U+2028 and U+2029 escaped
/// so that the text can be embedded in HTML and JavaScript. `None` when anything is unknown.
fn write_json(v: &Value, out: &mut String) -> Option<()> {
    match v.unmark().0 {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::String(s) => {
            for ch in serde_json::to_string(s).ok()?.chars() {
                match ch {
                    '<' => out.push_str("\\u003c"),
                    '>' => out.push_str("\\u003e"),
                    '&' => out.push_str("\\u0026"),
                    '\u{2028}' => out.push_str("\\u2028"),
                    '\u{2029}' => out.push_str("\\u2029"),
                    other => out.push(other),
                }
            }
        }
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out)?;
            }
            out.push(']');
        }
        Value::Map(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(&Value::String(k.clone()), out)?;
                out.push(':');
                write_json(item, out)?;
            }
            out.push('}');
        }
        Value::Sensitive(inner) => write_json(inner, out)?,
        Value::Unknown => return None,
    }
    Some(())
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

pub(super) fn yamldecode(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let reject = |tag: &str, _: serde_json::Value| -> Result<serde_json::Value, String> {
        Err(format!(
            "the tag !{tag} has no meaning outside the program that wrote it"
        ))
    };
    crate::core::yaml::to_json(&s, &reject)
        .map(|j| Value::from_json(&j))
        .map_err(|e| {
            if c.sensitive {
                invalid("argument 1 is not valid YAML (its text is sensitive).")
            } else {
                invalid(format!("argument 1 is not valid YAML: {e}."))
            }
        })
}

/// Terraform's YAML: block style, two-space indents, keys sorted, every string and key
/// double-quoted (so nothing is read back as another type), sequences at their key's indent.
pub(super) fn yamlencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    fn quoted(s: &str) -> String {
        serde_json::Value::String(s.to_string()).to_string()
    }
    fn scalar(v: &Value) -> Option<String> {
        match v {
            Value::Null => Some("null".into()),
            Value::Bool(b) => Some(b.to_string()),
            Value::Number(n) => Some(format_number(*n)),
            Value::String(s) => Some(quoted(s)),
            Value::List(items) if items.is_empty() => Some("[]".into()),
            Value::Map(m) if m.is_empty() => Some("{}".into()),
            _ => None,
        }
    }
    fn block(v: &Value, indent: usize, out: &mut String) {
        let pad = " ".repeat(indent);
        match v {
            Value::Map(m) if !m.is_empty() => {
                for (k, item) in m {
                    match scalar(item) {
                        Some(s) => out.push_str(&format!("{pad}{}: {s}\n", quoted(k))),
                        None => {
                            out.push_str(&format!("{pad}{}:\n", quoted(k)));
                            let inner = if matches!(item, Value::List(_)) {
                                indent
                            } else {
                                indent + 2
                            };
                            block(item, inner, out);
                        }
                    }
                }
            }
            Value::List(items) if !items.is_empty() => {
                for item in items {
                    match scalar(item) {
                        Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                        None => {
                            // The item's first line follows "- "; the rest line up under it.
                            let mut inner = String::new();
                            block(item, indent + 2, &mut inner);
                            let body = inner.strip_prefix(&" ".repeat(indent + 2)).unwrap_or(&inner);
                            out.push_str(&format!("{pad}- {body}"));
                        }
                    }
                }
            }
            other => out.push_str(&format!("{pad}{}\n", scalar(other).unwrap_or_default())),
        }
    }
    let mut out = String::new();
    block(&a[0], 0, &mut out);
    Ok(Value::String(out))
}
