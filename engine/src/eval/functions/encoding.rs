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
        // JSON has no infinities; Terraform's encoder fails on them too.
        Value::Number(n) if n.is_infinite() => return None,
        Value::Number(n) => out.push_str(&n.text()),
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
        Value::Sensitive(inner) | Value::Ephemeral(inner) => write_json(inner, out)?,
        Value::Unknown(_) => return None,
    }
    Some(())
}

pub(super) fn jsonencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(json_encode(&a[0]).map(Value::String).unwrap_or(Value::UNKNOWN))
}

pub(super) fn jsondecode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    // Numbers are read from their text, exactly, as Terraform reads them (the parser keeps
    // only a 64-bit float); the texts come in the document's order, as the values do.
    let texts = number_texts(&s);
    let json = serde_json::from_str::<serde_json::Value>(&s)
        .or_else(|e| {
            // A number beyond a 64-bit float's range (`1e400`) is a number to Terraform: read
            // the document with each well-formed number as 0, the numbers from their texts.
            serde_json::from_str(&zero_numbers(&s, &texts)).map_err(|_| e)
        })
        .map_err(|e| invalid(format!("argument 1 is not valid JSON: {e}.")))?;
    let mut next = texts.iter();
    let exact = exact_numbers(&json, &mut next);
    Ok(if next.next().is_none() {
        exact
    } else {
        Value::from_json(&json)
    })
}

/// The text of every number of a JSON document, in order.
fn number_texts(s: &str) -> Vec<&str> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = i;
                while i < b.len() && matches!(b[i], b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9') {
                    i += 1;
                }
                out.push(&s[start..i]);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// `s` with every number that JSON's grammar allows written as `0`.
fn zero_numbers(s: &str, texts: &[&str]) -> String {
    let mut out = String::with_capacity(s.len());
    let mut copied = 0;
    for t in texts {
        let start = t.as_ptr() as usize - s.as_ptr() as usize;
        if json_number(t) {
            out.push_str(&s[copied..start]);
            out.push('0');
            copied = start + t.len();
        }
    }
    out.push_str(&s[copied..]);
    out
}

/// Whether `t` is a number as JSON writes one: `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?`.
fn json_number(t: &str) -> bool {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let t = t.strip_prefix('-').unwrap_or(t);
    let int = digits(t);
    if int == 0 || (int > 1 && t.starts_with('0')) {
        return false;
    }
    let mut rest = &t[int..];
    if let Some(frac) = rest.strip_prefix('.') {
        let n = digits(frac);
        if n == 0 {
            return false;
        }
        rest = &frac[n..];
    }
    if let Some(exp) = rest.strip_prefix(['e', 'E']) {
        let exp = exp.strip_prefix(['-', '+']).unwrap_or(exp);
        let n = digits(exp);
        return n > 0 && n == exp.len();
    }
    rest.is_empty()
}

/// `json` as a value, each number taken exactly from its text.
fn exact_numbers<'t>(json: &serde_json::Value, texts: &mut impl Iterator<Item = &'t &'t str>) -> Value {
    match json {
        serde_json::Value::Number(n) => match texts.next().and_then(|t| Number::parse(t)) {
            Some(exact) => Value::Number(exact),
            None => Value::from_json(&serde_json::Value::Number(n.clone())),
        },
        serde_json::Value::Array(items) => Value::List(items.iter().map(|i| exact_numbers(i, texts)).collect()),
        serde_json::Value::Object(m) => {
            Value::Map(m.iter().map(|(k, v)| (k.clone(), exact_numbers(v, texts))).collect())
        }
        other => Value::from_json(other),
    }
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
    let reject = |tag: &str, _: Value| -> Result<Value, String> {
        Err(format!(
            "the tag !{tag} has no meaning outside the program that wrote it"
        ))
    };
    crate::core::yaml::decode(&s, crate::core::yaml::Dialect::Terraform, &reject).map_err(|e| {
        if c.sensitive {
            invalid("argument 1 is not valid YAML (its text is sensitive).")
        } else {
            invalid(format!("argument 1 is not valid YAML: {e}."))
        }
    })
}

/// Terraform's YAML: block style, two-space indents, keys sorted, every key and one-line
/// string double-quoted (so nothing is read back as another type) and folded past column 80
/// as Terraform's encoder folds them, strings of several lines as literal blocks (`|-`),
/// sequences at their key's indent, and a lone number, bool or null ended by `...`.
pub(super) fn yamlencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = String::new();
    match scalar(&a[0], 0, 2) {
        Some(text) if matches!(a[0], Value::String(_)) => out.push_str(&format!("{text}\n")),
        // A plain scalar alone is an open-ended document: the encoder closes it.
        Some(text) if !matches!(a[0], Value::List(_) | Value::Map(_)) => out.push_str(&format!("{text}\n...\n")),
        Some(text) => out.push_str(&format!("{text}\n")),
        None => yaml_block(&a[0], 0, &mut out),
    }
    Ok(Value::String(out))
}

/// A value that fits after `key: ` or `- ` (a scalar or an empty collection), written from
/// `column` with continuation lines at `indent`; `None` for a collection with items.
fn scalar(v: &Value, column: usize, indent: usize) -> Option<String> {
    match v {
        Value::Null => Some("null".into()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) if n.is_infinite() => Some(if n.is_negative() { "-.inf" } else { ".inf" }.into()),
        Value::Number(n) => Some(n.text()),
        Value::String(s) => Some(yaml_string(s, column, indent)),
        Value::List(items) if items.is_empty() => Some("[]".into()),
        Value::Map(m) if m.is_empty() => Some("{}".into()),
        _ => None,
    }
}

fn yaml_block(v: &Value, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Value::Map(m) => {
            for (k, item) in m {
                let key = yaml_quoted(k, None);
                let column = indent + key.chars().count() + 2;
                match scalar(item, column, indent + 2) {
                    Some(s) => out.push_str(&format!("{pad}{key}: {s}\n")),
                    None => {
                        out.push_str(&format!("{pad}{key}:\n"));
                        let inner = if matches!(item, Value::List(_)) {
                            indent
                        } else {
                            indent + 2
                        };
                        yaml_block(item, inner, out);
                    }
                }
            }
        }
        Value::List(items) => {
            for item in items {
                match scalar(item, indent + 2, indent + 2) {
                    Some(s) => out.push_str(&format!("{pad}- {s}\n")),
                    None => {
                        // The item's first line follows "- "; the rest line up under it.
                        let mut inner = String::new();
                        yaml_block(item, indent + 2, &mut inner);
                        let body = inner.strip_prefix(&" ".repeat(indent + 2)).unwrap_or(&inner);
                        out.push_str(&format!("{pad}- {body}"));
                    }
                }
            }
        }
        other => out.push_str(&format!(
            "{pad}{}\n",
            scalar(other, indent, indent + 2).unwrap_or_default()
        )),
    }
}

/// What YAML's emitter writes without escaping.
fn yaml_printable(ch: char) -> bool {
    matches!(ch, '\n' | '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}')
        || (('\u{e000}'..='\u{fffd}').contains(&ch) && ch != '\u{feff}')
}

/// A string as Terraform's encoder writes it: a literal block (`|-`, `|`, `|+`, with an
/// indentation indicator when it starts with a space) when it has several lines and nothing a
/// block cannot hold (a space before a line break or at the end, unprintable characters);
/// otherwise double-quoted.
fn yaml_string(s: &str, column: usize, indent: usize) -> String {
    let chars: Vec<char> = s.chars().collect();
    let multiline = chars.contains(&'\n');
    let space_break = chars.windows(2).any(|w| w[0] == ' ' && w[1] == '\n');
    let special = chars.iter().any(|c| !yaml_printable(*c));
    if !multiline || space_break || special || s.ends_with(' ') {
        return yaml_quoted(s, Some((column, indent)));
    }
    let mut head = String::from("|");
    if s.starts_with(' ') || s.starts_with('\n') {
        head.push('2');
    }
    let trailing = chars.iter().rev().take_while(|c| **c == '\n').count();
    head.push_str(match trailing {
        0 => "-",
        1 => "",
        _ => "+",
    });
    let pad = " ".repeat(indent);
    let body = s.strip_suffix('\n').unwrap_or(s);
    let lines: Vec<String> = body
        .split('\n')
        .map(|l| {
            if l.is_empty() {
                String::new()
            } else {
                format!("{pad}{l}")
            }
        })
        .collect();
    format!("{head}\n{}", lines.join("\n"))
}

/// A double-quoted YAML string with the emitter's escapes; given where it starts (`column`)
/// and where its continuation lines start (`indent`), folded at a space past column 80 as the
/// emitter folds it (keys are never folded).
fn yaml_quoted(s: &str, fold: Option<(usize, usize)>) -> String {
    let mut out = String::from("\"");
    let mut column = fold.map_or(0, |(c, _)| c) + 1;
    let chars: Vec<char> = s.chars().collect();
    let mut after_space = false;
    for (i, &ch) in chars.iter().enumerate() {
        let escaped = match ch {
            '"' => Some("\\\"".to_string()),
            '\\' => Some("\\\\".to_string()),
            '\0' => Some("\\0".into()),
            '\u{7}' => Some("\\a".into()),
            '\u{8}' => Some("\\b".into()),
            '\t' => Some("\\t".into()),
            '\n' => Some("\\n".into()),
            '\u{b}' => Some("\\v".into()),
            '\u{c}' => Some("\\f".into()),
            '\r' => Some("\\r".into()),
            '\u{1b}' => Some("\\e".into()),
            '\u{85}' => Some("\\N".into()),
            '\u{2028}' => Some("\\L".into()),
            '\u{2029}' => Some("\\P".into()),
            c if !yaml_printable(c) || c == '\u{feff}' => Some(match c as u32 {
                n if n <= 0xff => format!("\\x{n:02X}"),
                n if n <= 0xffff => format!("\\u{n:04X}"),
                n => format!("\\U{n:08X}"),
            }),
            _ => None,
        };
        if let Some(e) = escaped {
            column += e.chars().count();
            out.push_str(&e);
            after_space = false;
            continue;
        }
        if ch == ' ' {
            if let Some((_, indent)) = fold {
                if !after_space && column > 80 && i != 0 && i != chars.len() - 1 {
                    out.push('\n');
                    out.push_str(&" ".repeat(indent));
                    column = indent;
                    if chars.get(i + 1) == Some(&' ') {
                        out.push('\\');
                        column += 1;
                    }
                    after_space = true;
                    continue;
                }
            }
            after_space = true;
        } else {
            after_space = false;
        }
        out.push(ch);
        column += 1;
    }
    out.push('"');
    out
}
