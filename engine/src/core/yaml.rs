//! YAML read into JSON, for `yamldecode` and CloudFormation templates. saphyr's parser reads
//! the YAML; this turns its events into JSON, in one of two dialects:
//!
//! - [`Dialect::Strict`] (CloudFormation templates): plain scalars resolve as YAML 1.2's core
//!   schema says; anchors, aliases, merge keys, duplicate keys and several documents are errors,
//!   since a template has no meaning for them.
//! - [`Dialect::Terraform`] (`yamldecode`): as Terraform's decoder reads YAML: YAML 1.1's
//!   scalars (`yes`, `off`, `0o17`, `0x1F`, timestamps as RFC 3339 strings), anchors, aliases and
//!   merge keys, the last of duplicate keys; a text without a document is an error.
//!
//! A local tag (`!Ref X`) is handed to the caller, which says what it means. What the reader
//! builds is the caller's choice ([`Tree`]): JSON for templates, Terraform's values for
//! `yamldecode`, whose numbers keep every digit of their text (`123456789012345678901`, `1e400`)
//! and may be infinite (`.inf`), which JSON cannot hold.

use super::number::Number;
use super::value::Value;
use saphyr_parser::{Event, Parser, ScalarStyle, Span, Tag};
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::HashMap;

type Events<'a> = std::iter::Peekable<Parser<'a, saphyr_parser::StrInput<'a>>>;

/// What a caller does with a node carrying a local tag (`!Ref`): given the tag's name
/// (`Ref`) and the node's value, the value to use, or why the tag is not allowed.
pub type TagHandler<'h, T = Json> = &'h dyn Fn(&str, T) -> Result<T, String>;

/// A plain scalar as the dialect resolves it.
pub enum Scalar<'t> {
    /// `null`, `~` or nothing.
    Null,
    /// `true`, and in YAML 1.1 `yes`, `on`, ...
    Bool(bool),
    /// A number's text: decimal digits with sign, point and exponent as written.
    Number(Cow<'t, str>),
    /// `.inf` (negative for `-.inf`), with the text as written.
    Infinity(bool, &'t str),
    /// Anything else, as written (or a timestamp as RFC 3339).
    String(Cow<'t, str>),
}

/// What YAML is read into.
pub trait Tree: Clone + Sized {
    /// A plain scalar's value.
    fn scalar(s: Scalar<'_>) -> Self;
    /// A string (quoted, block or tagged `!!str`).
    fn string(s: String) -> Self;
    /// A sequence's value.
    fn seq(items: Vec<Self>) -> Self;
    /// A mapping's value.
    fn map(entries: Vec<(String, Self)>) -> Self;
    /// The entries of a mapping, or the value back when it is not one (merge keys).
    fn entries(self) -> Result<Vec<(String, Self)>, Self>;
    /// The items of a sequence, or the value back when it is not one (merge keys).
    fn items(self) -> Result<Vec<Self>, Self>;
    /// The text of a string (an alias used as a key).
    fn text(&self) -> Option<&str>;
}

impl Tree for Json {
    fn scalar(s: Scalar<'_>) -> Self {
        match s {
            Scalar::Null => Json::Null,
            Scalar::Bool(b) => Json::Bool(b),
            Scalar::Number(t) => match t.parse::<i64>() {
                Ok(n) => Json::Number(n.into()),
                Err(_) => match t.parse::<f64>().ok().and_then(serde_json::Number::from_f64) {
                    Some(n) => Json::Number(n),
                    None => Json::String(t.into_owned()),
                },
            },
            Scalar::Infinity(_, t) => Json::String(t.to_string()),
            Scalar::String(t) => Json::String(t.into_owned()),
        }
    }
    fn string(s: String) -> Self {
        Json::String(s)
    }
    fn seq(items: Vec<Self>) -> Self {
        Json::Array(items)
    }
    fn map(entries: Vec<(String, Self)>) -> Self {
        Json::Object(entries.into_iter().collect())
    }
    fn entries(self) -> Result<Vec<(String, Self)>, Self> {
        match self {
            Json::Object(m) => Ok(m.into_iter().collect()),
            other => Err(other),
        }
    }
    fn items(self) -> Result<Vec<Self>, Self> {
        match self {
            Json::Array(items) => Ok(items),
            other => Err(other),
        }
    }
    fn text(&self) -> Option<&str> {
        self.as_str()
    }
}

/// How plain scalars resolve and which of YAML's extras are accepted (see the module's text).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// YAML 1.2's core schema, nothing implicit: CloudFormation templates.
    Strict,
    /// What Terraform's `yamldecode` accepts and how it reads it.
    Terraform,
}

impl Tree for Value {
    fn scalar(s: Scalar<'_>) -> Self {
        match s {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            // An integer is a counted one, as a JSON integer is; any other number is read
            // exactly from its text.
            Scalar::Number(t) => match t.parse::<i64>() {
                Ok(i) => Value::Number(Number::int(i)),
                Err(_) => Number::parse(&t).map_or_else(|| Value::String(t.into_owned()), Value::Number),
            },
            Scalar::Infinity(negative, _) => Value::Number(Number::infinity(negative)),
            Scalar::String(t) => Value::String(t.into_owned()),
        }
    }
    fn string(s: String) -> Self {
        Value::String(s)
    }
    fn seq(items: Vec<Self>) -> Self {
        Value::List(items.into())
    }
    fn map(entries: Vec<(String, Self)>) -> Self {
        Value::Map(entries.into_iter().collect())
    }
    fn entries(self) -> Result<Vec<(String, Self)>, Self> {
        match self {
            Value::Map(m) => Ok(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()),
            other => Err(other),
        }
    }
    fn items(self) -> Result<Vec<Self>, Self> {
        match self {
            Value::List(items) => Ok(items.to_vec()),
            other => Err(other),
        }
    }
    fn text(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }
}

/// Parses one YAML document strictly (an empty text is `null`); local tags go to `tags`.
pub fn to_json(src: &str, tags: TagHandler<'_>) -> Result<Json, String> {
    decode(src, Dialect::Strict, tags)
}

/// Parses one YAML document in `dialect`; local tags go to `tags`.
pub fn decode<T: Tree>(src: &str, dialect: Dialect, tags: TagHandler<'_, T>) -> Result<T, String> {
    let mut reader = Reader {
        events: Parser::new_from_str(src).peekable(),
        dialect,
        tags,
        anchors: HashMap::new(),
    };
    let mut value = T::scalar(Scalar::Null);
    let mut documents = 0;
    loop {
        let (event, span) = reader.next()?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                documents += 1;
                if documents > 1 {
                    return Err(match dialect {
                        Dialect::Strict => format!("line {}: a template is one YAML document", line(&span)),
                        Dialect::Terraform => format!("line {}: unexpected extra content after value", line(&span)),
                    });
                }
                value = reader.node()?;
            }
            Event::StreamEnd if documents == 0 && dialect == Dialect::Terraform => {
                return Err("on line 1, column 1: missing start of document".to_string())
            }
            Event::StreamEnd => return Ok(value),
            other => return Err(format!("line {}: unexpected {other:?}", line(&span))),
        }
    }
}

struct Reader<'a, 't, T> {
    events: Events<'a>,
    dialect: Dialect,
    tags: TagHandler<'t, T>,
    /// The values of anchored nodes (`&name`) by the parser's anchor number, for aliases.
    anchors: HashMap<usize, T>,
}

fn line(span: &Span) -> usize {
    span.start.line()
}

impl<'a, T: Tree> Reader<'a, '_, T> {
    fn next(&mut self) -> Result<(Event<'a>, Span), String> {
        match self.events.next() {
            Some(Ok(e)) => Ok(e),
            Some(Err(e)) => Err(e.to_string()),
            None => Err("the YAML ends in the middle of a value".to_string()),
        }
    }

    fn at_end(&mut self, end: &Event<'_>) -> bool {
        matches!(self.events.peek(), Some(Ok((e, _))) if e == end)
    }

    /// Keeps an anchored node's value for its aliases; anchors are errors when strict.
    fn anchored(&mut self, anchor: usize, value: T, span: &Span) -> Result<T, String> {
        if anchor == 0 {
            return Ok(value);
        }
        if self.dialect == Dialect::Strict {
            return Err(format!(
                "line {}: YAML anchors and aliases are not supported",
                line(span)
            ));
        }
        self.anchors.insert(anchor, value.clone());
        Ok(value)
    }

    fn alias(&self, id: usize, span: &Span) -> Result<T, String> {
        match self.dialect {
            Dialect::Strict => Err(format!(
                "line {}: YAML anchors and aliases are not supported",
                line(span)
            )),
            Dialect::Terraform => self
                .anchors
                .get(&id)
                .cloned()
                .ok_or_else(|| format!("line {}: an alias refers to an unknown anchor", line(span))),
        }
    }

    /// The next value: a scalar, a sequence or a mapping, with its tag applied.
    fn node(&mut self) -> Result<T, String> {
        let (event, span) = self.next()?;
        match event {
            Event::Scalar(text, style, anchor, tag) => {
                let value = match (style, tag.as_deref()) {
                    (_, Some(t)) if t.is_yaml_core_schema() && t.suffix == "str" => T::string(text.into_owned()),
                    (ScalarStyle::Plain, _) => T::scalar(match self.dialect {
                        Dialect::Strict => plain(&text),
                        Dialect::Terraform => plain_1_1(&text).map_err(|e| format!("line {}: {e}", line(&span)))?,
                    }),
                    _ => T::string(text.into_owned()),
                };
                let value = self.apply_tag(tag_name(tag).as_deref(), value, &span)?;
                self.anchored(anchor, value, &span)
            }
            Event::SequenceStart(anchor, tag) => {
                let mut items = Vec::new();
                while !self.at_end(&Event::SequenceEnd) {
                    items.push(self.node()?);
                }
                self.next()?;
                let value = self.apply_tag(tag_name(tag).as_deref(), T::seq(items), &span)?;
                self.anchored(anchor, value, &span)
            }
            Event::MappingStart(anchor, tag) => {
                let map = self.mapping()?;
                let value = self.apply_tag(tag_name(tag).as_deref(), T::map(map), &span)?;
                self.anchored(anchor, value, &span)
            }
            Event::Alias(id) => self.alias(id, &span),
            other => Err(format!("line {}: unexpected {other:?}", line(&span))),
        }
    }

    /// A mapping's entries up to its end. Merged entries (`<<: *base`) never override the
    /// mapping's own keys, wherever they are written.
    fn mapping(&mut self) -> Result<Vec<(String, T)>, String> {
        let mut map: Vec<(String, T)> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut merged = Vec::new();
        while !self.at_end(&Event::MappingEnd) {
            let (key, key_span) = self.next()?;
            let key = match key {
                Event::Scalar(k, style, anchor, _) => {
                    self.anchored(anchor, T::string(k.to_string()), &key_span)?;
                    if style == ScalarStyle::Plain && k == "<<" {
                        if self.dialect == Dialect::Strict {
                            return Err(format!("line {}: YAML merge keys are not supported", line(&key_span)));
                        }
                        merged.push((self.node()?, key_span));
                        continue;
                    }
                    k.into_owned()
                }
                Event::Alias(id) => match self.alias(id, &key_span)?.text() {
                    Some(s) => s.to_string(),
                    None => return Err(format!("line {}: a key must be a string", line(&key_span))),
                },
                _ => return Err(format!("line {}: a key must be a plain string", line(&key_span))),
            };
            let value = self.node()?;
            match index.get(&key) {
                Some(_) if self.dialect == Dialect::Strict => {
                    return Err(format!("line {}: duplicate key {key:?}", line(&key_span)));
                }
                Some(&at) => map[at].1 = value,
                None => {
                    index.insert(key.clone(), map.len());
                    map.push((key, value));
                }
            }
        }
        self.next()?;
        for (source, span) in merged {
            let sources = source.items().unwrap_or_else(|one| vec![one]);
            for source in sources {
                let entries = source.entries().map_err(|_| {
                    format!(
                        "line {}: a merge key takes a mapping or a list of mappings",
                        line(&span)
                    )
                })?;
                for (k, v) in entries {
                    if !index.contains_key(&k) {
                        index.insert(k.clone(), map.len());
                        map.push((k, v));
                    }
                }
            }
        }
        Ok(map)
    }

    /// A tagged node's value as the caller's handler says.
    fn apply_tag(&self, tag: Option<&str>, value: T, span: &Span) -> Result<T, String> {
        match tag {
            None => Ok(value),
            Some(t) if t.starts_with("!!") => Ok(value),
            Some(t) => (self.tags)(&t[1..], value).map_err(|e| format!("line {}: {e}", line(span))),
        }
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

/// The type a plain scalar resolves to (YAML 1.2 core schema).
fn plain(t: &str) -> Scalar<'_> {
    match t {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "true" | "True" | "TRUE" => return Scalar::Bool(true),
        "false" | "False" | "FALSE" => return Scalar::Bool(false),
        _ => {}
    }
    let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
    let looks_float = !digits.is_empty()
        && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
        && digits.bytes().any(|b| b.is_ascii_digit());
    if looks_float && t.parse::<f64>().is_ok() {
        return Scalar::Number(Cow::Borrowed(t));
    }
    Scalar::String(Cow::Borrowed(t))
}

/// The type a plain scalar resolves to as Terraform's decoder reads it: YAML 1.1's booleans
/// (`y`, `yes`, `on`, ... and their negatives), hexadecimal and `0o` octal integers, and
/// timestamps, which become RFC 3339 strings (`2001-12-14` is `2001-12-14T00:00:00Z`).
fn plain_1_1(t: &str) -> Result<Scalar<'_>, String> {
    match t {
        "y" | "Y" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" => return Ok(Scalar::Bool(true)),
        "n" | "N" | "no" | "No" | "NO" | "off" | "Off" | "OFF" => return Ok(Scalar::Bool(false)),
        ".nan" | ".NaN" | ".NAN" => return Err("floating point NaN is not supported".to_string()),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Ok(Scalar::Infinity(false, t)),
        "-.inf" | "-.Inf" | "-.INF" => return Ok(Scalar::Infinity(true, t)),
        _ => {}
    }
    let radix = |digits: &str, base: u32| {
        i64::from_str_radix(digits, base)
            .ok()
            .map(|n| Scalar::Number(Cow::Owned(n.to_string())))
    };
    if let Some(n) = t.strip_prefix("0x").and_then(|d| radix(d, 16)) {
        return Ok(n);
    }
    if let Some(n) = t.strip_prefix("0o").and_then(|d| radix(d, 8)) {
        return Ok(n);
    }
    if let Some(stamp) = timestamp(t) {
        return Ok(Scalar::String(Cow::Owned(stamp)));
    }
    Ok(plain(t))
}

/// A YAML timestamp as Go writes it in RFC 3339 (whole seconds, `Z` for UTC), or `None`.
fn timestamp(t: &str) -> Option<String> {
    static FORM: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    let form = FORM.get_or_init(|| {
        regex::Regex::new(
            r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2}):(\d{2})(?:\.\d*)?[ \t]*(Z|([-+])(\d{1,2}):?(\d{2})?)?)?$",
        )
        .expect("a valid pattern")
    });
    let c = form.captures(t)?;
    let num = |i: usize| c.get(i).map_or(0, |m| m.as_str().parse::<u32>().unwrap_or(0));
    let date = format!("{}-{:02}-{:02}", &c[1], num(2), num(3));
    // A zone is `Z`, or a sign with hours and perhaps minutes (`-5`, `+0530`, `-05:00`).
    let zone = match c.get(8) {
        None => "Z".to_string(),
        Some(sign) => format!("{}{:02}:{:02}", sign.as_str(), num(9), num(10)),
    };
    Some(format!("{date}T{:02}:{:02}:{:02}{zone}", num(4), num(5), num(6)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tf(src: &str) -> Result<Json, String> {
        decode(src, Dialect::Terraform, &|_, v| Ok(v))
    }

    #[test]
    fn terraform_reads_yaml_1_1_scalars_anchors_and_merges() {
        assert_eq!(tf("yes"), Ok(Json::Bool(true)));
        assert_eq!(tf("Off"), Ok(Json::Bool(false)));
        assert_eq!(tf("0x10"), Ok(Json::from(16)));
        assert_eq!(tf("0o17"), Ok(Json::from(15)));
        assert_eq!(tf("017"), Ok(Json::from(17)));
        assert_eq!(tf("1_000"), Ok(Json::from("1_000")));
        assert_eq!(tf("2001-12-14"), Ok(Json::from("2001-12-14T00:00:00Z")));
        assert_eq!(
            tf("2001-12-14t21:59:43.10-05:00"),
            Ok(Json::from("2001-12-14T21:59:43-05:00"))
        );
        assert_eq!(
            tf("a: &x {b: 1}\nc:\n  <<: *x\n  d: 2\n  b: 3"),
            Ok(serde_json::json!({"a": {"b": 1}, "c": {"b": 3, "d": 2}}))
        );
        assert_eq!(tf("a: 1\na: 2"), Ok(serde_json::json!({"a": 2})));
        assert!(tf("").is_err());
        assert!(tf("# only a comment").is_err());
        assert_eq!(tf("---"), Ok(Json::Null));
        assert!(tf(".nan").is_err());
    }

    #[test]
    fn strict_keeps_yaml_1_2_and_refuses_the_extras() {
        let strict = |src: &str| to_json(src, &|_, v| Ok(v));
        assert_eq!(strict("yes"), Ok(Json::from("yes")));
        assert_eq!(strict(""), Ok(Json::Null));
        assert!(strict("a: &x 1\nb: *x").is_err());
        assert!(strict("a: 1\na: 2").is_err());
    }
}
