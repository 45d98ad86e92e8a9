//! String functions, regular expressions included.

use super::*;
use unicode_segmentation::UnicodeSegmentation as _;

pub(super) fn join(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let sep = string_arg(a, 0)?;
    if a.len() < 2 {
        return Err(invalid("at least one list is required."));
    }
    let mut parts = Vec::new();
    for i in 1..a.len() {
        for (j, item) in list_arg(a, i)?.iter().enumerate() {
            match item {
                Value::Null => return Err(invalid(format!("element {j} of argument {} is null.", i + 1))),
                other => parts.push(other.to_template_string().ok_or_else(|| {
                    invalid(format!(
                        "element {j} of argument {} must be a string, got {}.",
                        i + 1,
                        other.type_name()
                    ))
                })?),
            }
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

pub(super) fn split(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let sep = string_arg(a, 0)?;
    let s = string_arg(a, 1)?;
    // Go's strings.Split with an empty separator splits into characters.
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|ch| Value::String(ch.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::from).collect()
    };
    Ok(Value::List(Seq::list(parts).of(&Shape::String)))
}

pub(super) fn lower(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::String(simple_case(&string_arg(a, 0)?, Case::Lower)))
}

pub(super) fn upper(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::String(simple_case(&string_arg(a, 0)?, Case::Upper)))
}

enum Case {
    Lower,
    Upper,
}

/// Go's `strings.ToUpper`/`ToLower`, which Terraform uses: one character for one character
/// (Unicode's simple case mapping), so `ß` stays `ß` and a final sigma is `σ`. Where the full
/// mapping gives several characters the simple one keeps the character, except dotted `İ`,
/// whose simple lower case is `i`.
fn simple_case(s: &str, case: Case) -> String {
    if s.is_ascii() {
        return match case {
            Case::Lower => s.to_ascii_lowercase(),
            Case::Upper => s.to_ascii_uppercase(),
        };
    }
    s.chars()
        .map(|ch| {
            let mut mapped: Vec<char> = match case {
                Case::Lower => ch.to_lowercase().collect(),
                Case::Upper => ch.to_uppercase().collect(),
            };
            match (mapped.len(), &case, ch) {
                (1, _, _) => mapped.remove(0),
                (_, Case::Lower, '\u{130}') => 'i',
                _ => ch,
            }
        })
        .collect()
}

pub(super) fn title(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's strings.Title: a letter after a separator is upper-cased.
    let is_separator = |ch: char| {
        if ch.is_ascii() {
            !(ch.is_ascii_alphanumeric() || ch == '_')
        } else if ch.is_alphanumeric() {
            false
        } else {
            ch.is_whitespace()
        }
    };
    let mut out = String::new();
    let mut after_separator = true;
    for ch in string_arg(a, 0)?.chars() {
        if after_separator {
            // Go title-cases: the four Latin digraphs have a title form of their own.
            match ch {
                'Ǆ' | 'ǅ' | 'ǆ' => out.push('ǅ'),
                'Ǉ' | 'ǈ' | 'ǉ' => out.push('ǈ'),
                'Ǌ' | 'ǋ' | 'ǌ' => out.push('ǋ'),
                'Ǳ' | 'ǲ' | 'ǳ' => out.push('ǲ'),
                _ => out.extend(ch.to_uppercase()),
            }
        } else {
            out.push(ch);
        }
        after_separator = is_separator(ch);
    }
    Ok(Value::String(out))
}

pub(super) fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| invalid(format!("invalid regular expression pattern: {e}")))
}

pub(super) fn replace(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let sub = string_arg(a, 1)?;
    let rep = string_arg(a, 2)?;
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile_regex(&sub[1..sub.len() - 1])?;
        return Ok(Value::String(re.replace_all(&s, rep.as_str()).into_owned()));
    }
    Ok(Value::String(s.replace(&sub, &rep)))
}

/// Compiles a pattern for regex()/regexall(), whose result shape depends on the capture groups.
pub(super) fn compile_capturing(pattern: &str) -> Result<regex::Regex, String> {
    let re = compile_regex(pattern)?;
    let named = re.capture_names().flatten().count();
    if named > 0 && named != re.captures_len() - 1 {
        return Err(invalid(
            "invalid regular expression pattern: cannot mix both named and unnamed capture groups.",
        ));
    }
    Ok(re)
}

pub(super) fn capture_value(re: &regex::Regex, caps: &regex::Captures<'_>) -> Value {
    let text = |m: Option<regex::Match<'_>>| m.map(|m| Value::from(m.as_str())).unwrap_or(Value::Null);
    if re.captures_len() == 1 {
        return text(caps.get(0));
    }
    if re.capture_names().flatten().count() > 0 {
        return Value::Map(
            re.capture_names()
                .flatten()
                .map(|n| (n.to_string(), text(caps.name(n))))
                .collect(),
        );
    }
    Value::List(caps.iter().skip(1).map(text).collect())
}

pub(super) fn regex_fn(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let re = compile_capturing(&string_arg(a, 0)?)?;
    let s = string_arg(a, 1)?;
    let caps = re
        .captures(&s)
        .ok_or_else(|| invalid("pattern did not match any part of the given string."))?;
    Ok(capture_value(&re, &caps))
}

pub(super) fn regexall(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let re = compile_capturing(&string_arg(a, 0)?)?;
    let s = string_arg(a, 1)?;
    // Each match is what `regex` would return for it: a string, a tuple of the groups, or an
    // object of the named groups.
    let names: Vec<&str> = re.capture_names().flatten().collect();
    let each = if !names.is_empty() {
        Shape::Object(names.iter().map(|n| (n.to_string(), Shape::String)).collect())
    } else if re.captures_len() > 1 {
        Shape::Tuple(vec![Shape::String; re.captures_len() - 1])
    } else {
        Shape::String
    };
    Ok(Value::List(
        Seq::list(re.captures_iter(&s).map(|caps| capture_value(&re, &caps)).collect()).of(&each),
    ))
}

pub(super) fn trimspace(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(string_arg(a, 0)?.trim()))
}

pub(super) fn trim(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let cutset = string_arg(a, 1)?;
    Ok(Value::from(s.trim_matches(|ch| cutset.contains(ch))))
}

pub(super) fn trimprefix(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let prefix = string_arg(a, 1)?;
    Ok(Value::from(s.strip_prefix(prefix.as_str()).unwrap_or(&s)))
}

pub(super) fn trimsuffix(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let suffix = string_arg(a, 1)?;
    Ok(Value::from(s.strip_suffix(suffix.as_str()).unwrap_or(&s)))
}

pub(super) fn chomp(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(string_arg(a, 0)?.trim_end_matches(['\r', '\n'])))
}

/// The largest text `indent` makes: as large as a file the file functions read.
const MAX_INDENTED_BYTES: usize = 64 * 1024 * 1024;

pub(super) fn indent(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let spaces = int_arg(c, a, 0)?;
    if spaces < 0 {
        return Err(invalid("the number of spaces must not be negative."));
    }
    let s = string_arg(a, 1)?;
    // Terraform fails the call when the padding cannot be allocated, newline or not; check the
    // sizes first, so that a mistaken count is an error here too and never exhausts memory.
    let lines = s.matches('\n').count() as u128;
    let spaces_and_text = s.len() as u128 + lines * spaces as u128;
    if spaces_and_text.max(spaces as u128) > MAX_INDENTED_BYTES as u128 {
        return Err(invalid(format!(
            "indenting by {spaces} spaces would make a text of more than {} MiB.",
            MAX_INDENTED_BYTES / 1024 / 1024
        )));
    }
    let spaces = spaces as usize;
    Ok(Value::String(s.replace('\n', &format!("\n{}", " ".repeat(spaces)))))
}

pub(super) fn strrev(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // By grapheme clusters, as Terraform: a letter and its combining accent stay together.
    Ok(Value::String(string_arg(a, 0)?.graphemes(true).rev().collect()))
}

pub(super) fn substr(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let offset = int_arg(c, a, 1)?;
    let length = int_arg(c, a, 2)?;
    let chars: Vec<&str> = s.graphemes(true).collect();
    let total = chars.len() as i64;
    // A negative offset counts from the end; any negative length means "to the end".
    let start = if offset < 0 {
        (total + offset).max(0)
    } else {
        offset.min(total)
    } as usize;
    let rest = &chars[start..];
    let take = if length < 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    Ok(Value::String(rest[..take].concat()))
}

pub(super) fn startswith(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string_arg(a, 0)?.starts_with(string_arg(a, 1)?.as_str())))
}

pub(super) fn endswith(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string_arg(a, 0)?.ends_with(string_arg(a, 1)?.as_str())))
}

pub(super) fn strcontains(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string_arg(a, 0)?.contains(&string_arg(a, 1)?)))
}
