//! YAML read into JSON (for `yamldecode` and CloudFormation templates). saphyr's parser reads
//! the YAML; this turns its events into JSON: plain scalars resolve as YAML 1.2's core schema
//! says, and a local tag (`!Ref X`) is handed to the caller, which says what it means.
//!
//! Anchors and aliases, merge keys, complex keys, duplicate keys and several documents are
//! errors: neither Terraform's JSON values nor CloudFormation have a meaning for them.

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

type Events<'a> = std::iter::Peekable<Parser<'a, saphyr_parser::StrInput<'a>>>;

/// What a caller does with a node carrying a local tag (`!Ref`): given the tag's name
/// (`Ref`) and the node's value, the value to use, or why the tag is not allowed.
pub type TagHandler<'h> = &'h dyn Fn(&str, Json) -> Result<Json, String>;

/// Parses one YAML document (an empty text is `null`); local tags go to `tags`.
pub fn to_json(src: &str, tags: TagHandler<'_>) -> Result<Json, String> {
    let mut events: Events<'_> = Parser::new_from_str(src).peekable();
    let mut value = Json::Null;
    let mut documents = 0;
    loop {
        let (event, span) = next(&mut events)?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(format!("line {}: a template is one YAML document", line(&span)));
                }
                value = node(&mut events, tags)?;
            }
            Event::StreamEnd => return Ok(value),
            other => return Err(format!("line {}: unexpected {other:?}", line(&span))),
        }
    }
}

fn next<'a>(events: &mut Events<'a>) -> Result<(Event<'a>, Span), String> {
    match events.next() {
        Some(Ok(e)) => Ok(e),
        Some(Err(e)) => Err(e.to_string()),
        None => Err("the YAML ends in the middle of a value".to_string()),
    }
}

fn line(span: &Span) -> usize {
    span.start.line()
}

fn no_anchor(anchor: usize, span: &Span) -> Result<(), String> {
    if anchor == 0 {
        Ok(())
    } else {
        Err(format!(
            "line {}: YAML anchors and aliases are not supported",
            line(span)
        ))
    }
}

/// The next value: a scalar, a sequence or a mapping, with its tag applied.
fn node(events: &mut Events<'_>, tags: TagHandler<'_>) -> Result<Json, String> {
    let (event, span) = next(events)?;
    match event {
        Event::Scalar(text, style, anchor, tag) => {
            no_anchor(anchor, &span)?;
            let value = match (style, tag.as_deref()) {
                (_, Some(t)) if t.is_yaml_core_schema() && t.suffix == "str" => Json::String(text.into_owned()),
                (ScalarStyle::Plain, _) => plain(&text),
                _ => Json::String(text.into_owned()),
            };
            apply_tag(tags, tag_name(tag).as_deref(), value, &span)
        }
        Event::SequenceStart(anchor, tag) => {
            no_anchor(anchor, &span)?;
            let mut items = Vec::new();
            while !matches!(events.peek(), Some(Ok((Event::SequenceEnd, _)))) {
                items.push(node(events, tags)?);
            }
            next(events)?;
            apply_tag(tags, tag_name(tag).as_deref(), Json::Array(items), &span)
        }
        Event::MappingStart(anchor, tag) => {
            no_anchor(anchor, &span)?;
            let mut map = Map::new();
            while !matches!(events.peek(), Some(Ok((Event::MappingEnd, _)))) {
                let (key, key_span) = next(events)?;
                let key = match key {
                    Event::Scalar(k, style, anchor, _) => {
                        no_anchor(anchor, &key_span)?;
                        if style == ScalarStyle::Plain && k == "<<" {
                            return Err(format!("line {}: YAML merge keys are not supported", line(&key_span)));
                        }
                        k.into_owned()
                    }
                    Event::Alias(_) => {
                        return Err(format!(
                            "line {}: YAML anchors and aliases are not supported",
                            line(&key_span)
                        ))
                    }
                    _ => return Err(format!("line {}: a key must be a plain string", line(&key_span))),
                };
                let value = node(events, tags)?;
                if map.insert(key.clone(), value).is_some() {
                    return Err(format!("line {}: duplicate key {key:?}", line(&key_span)));
                }
            }
            next(events)?;
            apply_tag(tags, tag_name(tag).as_deref(), Json::Object(map), &span)
        }
        Event::Alias(_) => Err(format!(
            "line {}: YAML anchors and aliases are not supported",
            line(&span)
        )),
        other => Err(format!("line {}: unexpected {other:?}", line(&span))),
    }
}

/// `!Ref` for a local tag; `None` for no tag and for YAML's own (`!!str`).
fn tag_name(tag: Option<Cow<'_, Tag>>) -> Option<String> {
    let tag = tag?;
    if tag.is_yaml_core_schema() || tag.handle != "!" {
        return None;
    }
    Some(format!("!{}", tag.suffix))
}

/// A tagged node's value as the caller's handler says.
fn apply_tag(tags: TagHandler<'_>, tag: Option<&str>, value: Json, span: &Span) -> Result<Json, String> {
    match tag {
        None => Ok(value),
        Some(t) if t.starts_with("!!") => Ok(value),
        Some(t) => tags(&t[1..], value).map_err(|e| format!("line {}: {e}", line(span))),
    }
}

/// The type a plain scalar resolves to (YAML 1.2 core schema).
fn plain(t: &str) -> Json {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
        "true" | "True" | "TRUE" => return Json::Bool(true),
        "false" | "False" | "FALSE" => return Json::Bool(false),
        _ => {}
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if let Ok(n) = t.parse::<i64>() {
            return Json::Number(n.into());
        }
    }
    let looks_float = !digits.is_empty()
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float {
        if let Ok(f) = t.parse::<f64>() {
            if let Some(n) = serde_json::Number::from_f64(f) {
                return Json::Number(n);
            }
        }
    }
    Json::String(t.to_string())
}
