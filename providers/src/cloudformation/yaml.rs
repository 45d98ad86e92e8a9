//! CloudFormation's YAML, read into the same JSON a JSON template would be. saphyr's parser
//! reads the YAML; this turns its events into JSON: plain scalars resolve as YAML 1.2's core
//! schema says, and short-form intrinsic functions become their long form (`!Ref X` is
//! `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` is `{"Fn::Sub": s}`).
//!
//! What CloudFormation does not accept is an error here too, so callers fall back to comparing
//! text: anchors and aliases, merge keys, complex keys, duplicate keys, several documents.

use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::{Map, Value as Json};
use std::borrow::Cow;

type Events<'a> = std::iter::Peekable<Parser<'a, saphyr_parser::StrInput<'a>>>;

/// Parses one YAML document (an empty text is `null`).
pub(crate) fn parse(src: &str) -> Result<Json, String> {
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
                value = node(&mut events)?;
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
fn node(events: &mut Events<'_>) -> Result<Json, String> {
    let (event, span) = next(events)?;
    match event {
        Event::Scalar(text, style, anchor, tag) => {
            no_anchor(anchor, &span)?;
            let value = match (style, tag.as_deref()) {
                (_, Some(t)) if t.is_yaml_core_schema() && t.suffix == "str" => Json::String(text.into_owned()),
                (ScalarStyle::Plain, _) => plain(&text),
                _ => Json::String(text.into_owned()),
            };
            Ok(apply_tag(tag_name(tag).as_deref(), value))
        }
        Event::SequenceStart(anchor, tag) => {
            no_anchor(anchor, &span)?;
            let mut items = Vec::new();
            while !matches!(events.peek(), Some(Ok((Event::SequenceEnd, _)))) {
                items.push(node(events)?);
            }
            next(events)?;
            Ok(apply_tag(tag_name(tag).as_deref(), Json::Array(items)))
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
                let value = node(events)?;
                if map.insert(key.clone(), value).is_some() {
                    return Err(format!("line {}: duplicate key {key:?}", line(&key_span)));
                }
            }
            next(events)?;
            Ok(apply_tag(tag_name(tag).as_deref(), Json::Object(map)))
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

/// The long form of a short-form intrinsic function.
fn apply_tag(tag: Option<&str>, value: Json) -> Json {
    let Some(tag) = tag else { return value };
    if tag.starts_with("!!") {
        return value;
    }
    let name = &tag[1..];
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
    Json::Object(obj)
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
