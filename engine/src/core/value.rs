//! Configuration and state values.
//!
//! A [`Value`] is what an expression evaluates to and what a resource instance's attributes
//! hold. Two values exist only while planning: [`Value::Unknown`] (decided by the provider at
//! apply time) and [`Value::Sensitive`] (a mark that must survive every operator and function so
//! the renderers can hide it). Maps are ordered by key so that rendering is deterministic.

pub use super::collection::{MappingKind, SeqKind};

/// A tuple, list or set of values.
pub type Seq = super::collection::Seq<Value>;
/// An object or map of values.
pub type Mapping = super::collection::Mapping<Value>;
pub use super::number::Number;
use super::shape::{unify, Element, Shape};
use std::collections::BTreeMap;
use std::fmt;

/// A configuration value.
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub enum Value {
    /// The absence of a value.
    #[default]
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as Terraform keeps it: binary floating point of arbitrary precision.
    Number(Number),
    /// A string.
    String(String),
    /// A tuple, list or set (sets are kept sorted and without duplicates by `toset`).
    List(Seq),
    /// An object or map.
    Map(Mapping),
    /// A value that will only be known after apply, and its type where that is known already
    /// (`dynamic` otherwise): Terraform's plan JSON shows an unknown list as `[]` in its
    /// sensitivity mask.
    Unknown(Element),
    /// A value marked sensitive; it renders as `(sensitive value)`.
    Sensitive(Box<Value>),
    /// A value marked ephemeral (Terraform 1.10): it exists during one plan or apply and must
    /// never reach a plan file or the state. When a value is both, this mark is the outer one.
    Ephemeral(Box<Value>),
}

/// The marks a value carries on its top level (see [`Value::unmark`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Marks {
    /// Marked sensitive.
    pub sensitive: bool,
    /// Marked ephemeral.
    pub ephemeral: bool,
}

impl Marks {
    /// No mark.
    pub const NONE: Marks = Marks {
        sensitive: false,
        ephemeral: false,
    };
    /// Sensitive only.
    pub const SENSITIVE: Marks = Marks {
        sensitive: true,
        ephemeral: false,
    };
    /// Ephemeral only.
    pub const EPHEMERAL: Marks = Marks {
        sensitive: false,
        ephemeral: true,
    };
}

impl std::ops::BitOrAssign for Marks {
    fn bitor_assign(&mut self, o: Marks) {
        *self = *self | o;
    }
}

impl std::ops::BitOr for Marks {
    type Output = Marks;
    fn bitor(self, o: Marks) -> Marks {
        Marks {
            sensitive: self.sensitive || o.sensitive,
            ephemeral: self.ephemeral || o.ephemeral,
        }
    }
}

impl PartialEq for Value {
    /// Equal values; two unknowns are equal whatever is known of their types, which only
    /// planning uses.
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Null, Value::Null) => true,
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Number(a), Value::Number(b)) => a == b,
            (Value::String(a), Value::String(b)) => a == b,
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Map(a), Value::Map(b)) => a == b,
            (Value::Unknown(_), Value::Unknown(_)) => true,
            (Value::Sensitive(a), Value::Sensitive(b)) => a == b,
            (Value::Ephemeral(a), Value::Ephemeral(b)) => a == b,
            _ => false,
        }
    }
}

impl Value {
    /// A value known only after apply, of a type not known yet either.
    pub const UNKNOWN: Value = Value::Unknown(Element::DYNAMIC);

    /// A string value.
    pub fn string(s: impl Into<String>) -> Value {
        Value::String(s.into())
    }

    /// An empty map.
    pub fn empty_map() -> Value {
        Value::Map(BTreeMap::new().into())
    }

    /// Wraps `self` in a sensitive mark unless it already carries one.
    pub fn mark_sensitive(self) -> Value {
        match self {
            Value::Sensitive(_) => self,
            Value::Ephemeral(inner) => Value::Ephemeral(Box::new(inner.mark_sensitive())),
            other => Value::Sensitive(Box::new(other)),
        }
    }

    /// Wraps `self` in an ephemeral mark unless it already carries one.
    pub fn mark_ephemeral(self) -> Value {
        match self {
            Value::Ephemeral(_) => self,
            other => Value::Ephemeral(Box::new(other)),
        }
    }

    /// Adds `marks` to the ones `self` carries.
    pub fn with_marks(self, marks: Marks) -> Value {
        let v = if marks.sensitive { self.mark_sensitive() } else { self };
        if marks.ephemeral {
            v.mark_ephemeral()
        } else {
            v
        }
    }

    /// Wraps `self` in a sensitive mark when `sensitive` is true.
    pub fn mark_if(self, sensitive: bool) -> Value {
        if sensitive {
            self.mark_sensitive()
        } else {
            self
        }
    }

    /// The value without its top-level marks, and the marks it had.
    pub fn unmark(&self) -> (&Value, Marks) {
        match self {
            Value::Sensitive(inner) => {
                let (v, m) = inner.unmark();
                (v, m | Marks::SENSITIVE)
            }
            Value::Ephemeral(inner) => {
                let (v, m) = inner.unmark();
                (v, m | Marks::EPHEMERAL)
            }
            other => (other, Marks::NONE),
        }
    }

    /// Consumes the value, returning it without its top-level marks and the marks it had.
    pub fn into_unmarked(self) -> (Value, Marks) {
        match self {
            Value::Sensitive(inner) => {
                let (v, m) = inner.into_unmarked();
                (v, m | Marks::SENSITIVE)
            }
            Value::Ephemeral(inner) => {
                let (v, m) = inner.into_unmarked();
                (v, m | Marks::EPHEMERAL)
            }
            other => (other, Marks::NONE),
        }
    }

    /// The marks found anywhere in the value.
    pub fn deep_marks(&self) -> Marks {
        match self {
            Value::Sensitive(inner) => inner.deep_marks() | Marks::SENSITIVE,
            Value::Ephemeral(inner) => inner.deep_marks() | Marks::EPHEMERAL,
            Value::List(items) => items.iter().fold(Marks::NONE, |m, v| m | v.deep_marks()),
            Value::Map(map) => map.values().fold(Marks::NONE, |m, v| m | v.deep_marks()),
            _ => Marks::NONE,
        }
    }

    /// True when the value or anything inside it is marked ephemeral.
    pub fn contains_ephemeral(&self) -> bool {
        match self {
            Value::Ephemeral(_) => true,
            Value::Sensitive(inner) => inner.contains_ephemeral(),
            Value::List(items) => items.iter().any(Value::contains_ephemeral),
            Value::Map(map) => map.values().any(Value::contains_ephemeral),
            _ => false,
        }
    }

    /// Removes the given marks at any depth, keeping the others (`nonsensitive` removes the
    /// sensitive ones only).
    pub fn without_marks(&self, marks: Marks) -> Value {
        match self {
            Value::Sensitive(inner) if marks.sensitive => inner.without_marks(marks),
            Value::Sensitive(inner) => inner.without_marks(marks).mark_sensitive(),
            Value::Ephemeral(inner) if marks.ephemeral => inner.without_marks(marks),
            Value::Ephemeral(inner) => inner.without_marks(marks).mark_ephemeral(),
            Value::List(items) => Value::List(Seq::new(
                items.kind,
                items.iter().map(|v| v.without_marks(marks)).collect(),
            )),
            Value::Map(map) => Value::Map(Mapping::new(
                map.kind,
                map.iter().map(|(k, v)| (k.clone(), v.without_marks(marks))).collect(),
            )),
            other => other.clone(),
        }
    }

    /// Null in place of every part marked ephemeral (`ephemeralasnull`).
    pub fn ephemeral_as_null(&self) -> Value {
        match self {
            Value::Ephemeral(_) => Value::Null,
            Value::Sensitive(inner) => inner.ephemeral_as_null().mark_sensitive(),
            Value::List(items) => Value::List(Seq::new(
                items.kind,
                items.iter().map(Value::ephemeral_as_null).collect(),
            )),
            Value::Map(map) => Value::Map(Mapping::new(
                map.kind,
                map.iter().map(|(k, v)| (k.clone(), v.ephemeral_as_null())).collect(),
            )),
            other => other.clone(),
        }
    }

    /// Removes every mark, at any depth.
    pub fn deep_unmark(&self) -> Value {
        self.without_marks(Marks {
            sensitive: true,
            ephemeral: true,
        })
    }

    /// True when the value or anything inside it is marked sensitive.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::Ephemeral(inner) => inner.contains_sensitive(),
            Value::List(items) => items.iter().any(Value::contains_sensitive),
            Value::Map(map) => map.values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    /// True when the value itself is unknown (looking through a sensitive mark).
    pub fn is_unknown(&self) -> bool {
        matches!(self.unmark().0, Value::Unknown(_))
    }

    /// True when the value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::Sensitive(inner) | Value::Ephemeral(inner) => inner.contains_unknown(),
            Value::List(items) => items.iter().any(Value::contains_unknown),
            Value::Map(map) => map.values().any(Value::contains_unknown),
            _ => false,
        }
    }

    /// True when the value is null (looking through a sensitive mark).
    pub fn is_null(&self) -> bool {
        matches!(self.unmark().0, Value::Null)
    }

    /// The string inside, if this is a known string.
    pub fn as_str(&self) -> Option<&str> {
        match self.unmark().0 {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// The boolean inside, if this is a known bool.
    pub fn as_bool(&self) -> Option<bool> {
        match self.unmark().0 {
            Value::Bool(b) => Some(*b),
            _ => None,
        }
    }

    /// The number inside as the nearest 64-bit float, if this is a known number.
    pub fn as_f64(&self) -> Option<f64> {
        match self.unmark().0 {
            Value::Number(n) => Some(n.to_f64()),
            _ => None,
        }
    }

    /// The number inside, if this is a known number.
    pub fn as_number(&self) -> Option<&Number> {
        match self.unmark().0 {
            Value::Number(n) => Some(n),
            _ => None,
        }
    }

    /// The items inside, if this is a known list.
    pub fn as_list(&self) -> Option<&[Value]> {
        match self.unmark().0 {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    /// The entries inside, if this is a known map.
    pub fn as_map(&self) -> Option<&BTreeMap<String, Value>> {
        match self.unmark().0 {
            Value::Map(map) => Some(map),
            _ => None,
        }
    }

    /// Looks up an attribute of a map value; `Null` when absent or not a map.
    pub fn get(&self, key: &str) -> Value {
        let (inner, marks) = self.unmark();
        match inner {
            Value::Map(map) => map.get(key).cloned().unwrap_or(Value::Null).with_marks(marks),
            Value::Unknown(_) => Value::UNKNOWN.with_marks(marks),
            _ => Value::Null,
        }
    }

    /// Looks up an attribute, returning a reference when present.
    pub fn get_ref(&self, key: &str) -> Option<&Value> {
        self.as_map().and_then(|m| m.get(key))
    }

    /// A short name of the value's type, as used in diagnostics.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Unknown(_) => "unknown",
            Value::Sensitive(inner) | Value::Ephemeral(inner) => inner.type_name(),
        }
    }

    /// Converts a known value to a string the way Terraform does for interpolation.
    pub fn to_template_string(&self) -> Option<String> {
        match self.unmark().0 {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.text()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Converts to JSON; `None` when the value (or a part of it) is unknown.
    /// Sensitive marks are dropped: callers decide what may be shown.
    pub fn to_json(&self) -> Option<serde_json::Value> {
        Some(match self {
            Value::Null => serde_json::Value::Null,
            Value::Bool(b) => serde_json::Value::Bool(*b),
            Value::Number(n) => number_to_json(n),
            Value::String(s) => serde_json::Value::String(s.clone()),
            Value::List(items) => {
                serde_json::Value::Array(items.iter().map(Value::to_json).collect::<Option<Vec<_>>>()?)
            }
            Value::Map(map) => {
                let mut out = serde_json::Map::new();
                for (k, v) in map {
                    out.insert(k.clone(), v.to_json()?);
                }
                serde_json::Value::Object(out)
            }
            Value::Unknown(_) => return None,
            Value::Sensitive(inner) | Value::Ephemeral(inner) => return inner.to_json(),
        })
    }

    /// Converts from JSON.
    pub fn from_json(json: &serde_json::Value) -> Value {
        match json {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(*b),
            serde_json::Value::Number(n) => Value::Number(match n.as_i64() {
                Some(i) => Number::int(i),
                // Read as Terraform reads JSON: the decimal text at 512 bits.
                None => Number::parse(&n.to_string()).unwrap_or_else(|| Number::from(n.as_f64().unwrap_or(0.0))),
            }),
            serde_json::Value::String(s) => Value::String(s.clone()),
            serde_json::Value::Array(items) => Value::List(items.iter().map(Value::from_json).collect()),
            serde_json::Value::Object(map) => {
                Value::Map(map.iter().map(|(k, v)| (k.clone(), Value::from_json(v))).collect())
            }
        }
    }
}

/// The shape of `v` (marks looked through): a collection's kind, its elements' shapes.
pub fn shape_of(v: &Value) -> Shape {
    match v.unmark().0 {
        Value::Unknown(e) => e.shape(),
        Value::Null | Value::Sensitive(_) | Value::Ephemeral(_) => Shape::Dynamic,
        Value::Bool(_) => Shape::Bool,
        Value::Number(_) => Shape::Number,
        Value::String(_) => Shape::String,
        Value::List(seq) => match seq.kind {
            SeqKind::Tuple => Shape::Tuple(seq.iter().map(shape_of).collect()),
            SeqKind::List => Shape::List(Box::new(element_shape(seq.iter(), seq.element))),
            SeqKind::Set => Shape::Set(Box::new(element_shape(seq.iter(), seq.element))),
        },
        Value::Map(m) => match m.kind {
            MappingKind::Object => Shape::Object(m.iter().map(|(k, v)| (k.clone(), shape_of(v))).collect()),
            MappingKind::Map => Shape::Map(Box::new(element_shape(m.values(), m.element))),
        },
    }
}

/// The one element type of a list, set or map: what its elements unify to, or what it was
/// given to say while it has none.
fn element_shape<'a>(mut items: impl Iterator<Item = &'a Value>, element: Element) -> Shape {
    let Some(first) = items.next() else {
        return element.shape();
    };
    let shapes: Vec<Shape> = std::iter::once(first).chain(items).map(shape_of).collect();
    unify(&shapes).unwrap_or(Shape::Dynamic)
}

/// Formats a 64-bit float as Terraform prints one: integers without a decimal point, never an
/// exponent.
pub fn format_number(n: f64) -> String {
    Number::float(n).text()
}

fn number_to_json(n: &Number) -> serde_json::Value {
    match n.to_i64() {
        Some(i) => serde_json::Value::Number(i.into()),
        // JSON's numbers are 64-bit floats to most readers; infinities have none.
        None => serde_json::Number::from_f64(n.to_f64())
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null),
    }
}

impl Value {
    /// The value as Terraform's console and `output` print it: collections one element a line
    /// (`tolist([...])`, `toset([...])` and `tomap({...})` where the type is not a tuple or an
    /// object), strings as Go quotes them, a string of several lines as a heredoc, and the
    /// parts that are sensitive or unknown as `(sensitive value)` and `(known after apply)`.
    pub fn to_block_string(&self) -> String {
        let mut out = String::new();
        console_text(self, 0, &mut out);
        out
    }
}

fn console_text(v: &Value, indent: usize, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => match heredoc(s, indent) {
            Some(h) => out.push_str(&h),
            None => go_quote(s, out),
        },
        Value::Unknown(_) => out.push_str("(known after apply)"),
        Value::Sensitive(_) => out.push_str("(sensitive value)"),
        Value::Ephemeral(_) => out.push_str("(ephemeral value)"),
        Value::List(items) => {
            let wrap = match items.kind {
                SeqKind::Tuple => None,
                SeqKind::List => Some("tolist"),
                SeqKind::Set => Some("toset"),
            };
            if let Some(w) = wrap {
                out.push_str(w);
                out.push('(');
            }
            out.push('[');
            for item in items.iter() {
                out.push('\n');
                out.push_str(&" ".repeat(indent + 2));
                console_text(item, indent + 2, out);
                out.push(',');
            }
            if !items.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push(']');
            if wrap.is_some() {
                out.push(')');
            }
        }
        Value::Map(map) => {
            let wrap = map.kind == MappingKind::Map;
            if wrap {
                out.push_str("tomap(");
            }
            out.push('{');
            for (k, item) in map.iter() {
                out.push('\n');
                out.push_str(&" ".repeat(indent + 2));
                go_quote(k, out);
                out.push_str(" = ");
                console_text(item, indent + 2, out);
            }
            if !map.is_empty() {
                out.push('\n');
                out.push_str(&" ".repeat(indent));
            }
            out.push('}');
            if wrap {
                out.push(')');
            }
        }
    }
}

/// A string of several lines as a heredoc, indented to its place (`<<-` below the top), its
/// delimiter `EOT` lengthened until no line is it.
fn heredoc(s: &str, indent: usize) -> Option<String> {
    if !s.contains('\n') {
        return None;
    }
    let mut delimiter = String::from("EOT");
    while s.split('\n').any(|l| l.trim() == delimiter) {
        delimiter.push('_');
    }
    let pad = " ".repeat(indent);
    let mut out = String::from(if indent > 0 { "<<-" } else { "<<" });
    out.push_str(&delimiter);
    for line in s.split('\n') {
        out.push('\n');
        out.push_str(&pad);
        out.push_str(line);
    }
    out.push('\n');
    out.push_str(&pad);
    out.push_str(&delimiter);
    Some(out)
}

/// `s` quoted as Go's `strconv.Quote` quotes it: C escapes for the usual controls, `\xNN` for
/// other ASCII controls, `\uNNNN` for characters that do not print (other controls, spaces
/// other than the space, format characters); everything else as it is.
fn go_quote(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\x{:02x}", c as u32)),
            c if !prints(c) && (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if !prints(c) => out.push_str(&format!("\\U{:08x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Whether Go counts `c` as printable: not a control, not a space other than U+0020, not a
/// format character.
fn prints(c: char) -> bool {
    !(c.is_control()
        || (c.is_whitespace() && c != ' ')
        || matches!(c, '\u{ad}' | '\u{600}'..='\u{605}' | '\u{61c}' | '\u{6dd}' | '\u{70f}' | '\u{180e}'
            | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{206f}' | '\u{feff}' | '\u{fff9}'..='\u{fffb}' | '\u{e0001}' | '\u{e0020}'..='\u{e007f}'))
}

impl fmt::Display for Value {
    /// Renders the value in HCL syntax, hiding sensitive parts.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => write!(f, "null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::String(s) => write!(f, "{}", serde_json::Value::String(s.clone())),
            Value::List(items) => {
                write!(f, "[")?;
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{item}")?;
                }
                write!(f, "]")
            }
            Value::Map(map) => {
                write!(f, "{{")?;
                for (i, (k, v)) in map.iter().enumerate() {
                    if i > 0 {
                        write!(f, ", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                write!(f, "}}")
            }
            Value::Unknown(_) => write!(f, "(known after apply)"),
            Value::Sensitive(_) => write!(f, "(sensitive value)"),
            Value::Ephemeral(_) => write!(f, "(ephemeral value)"),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Value {
        Value::String(s.to_string())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Value {
        Value::String(s)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Value {
        Value::Bool(b)
    }
}

impl From<f64> for Value {
    fn from(n: f64) -> Value {
        Value::Number(Number::from(n))
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Value {
        Value::Number(Number::int(n))
    }
}

impl<T: Into<Value>> From<Vec<T>> for Value {
    fn from(items: Vec<T>) -> Value {
        Value::List(items.into_iter().map(Into::into).collect())
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(opt: Option<T>) -> Value {
        opt.map(Into::into).unwrap_or(Value::Null)
    }
}

/// Builds a map value from key/value pairs.
pub fn map<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
    Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_of_several_lines_show_as_heredocs() {
        assert_eq!(Value::from("a\nb\n").to_block_string(), "<<EOT\na\nb\n\nEOT");
        assert_eq!(Value::from("a").to_block_string(), "\"a\"");
        assert_eq!(
            Value::Sensitive(Box::new(Value::from("a\nb"))).to_block_string(),
            "(sensitive value)"
        );
    }

    #[test]
    fn numbers_print_like_terraform() {
        assert_eq!(format_number(3600.0), "3600");
        assert_eq!(format_number(1.5), "1.5");
        assert_eq!(Value::from(-2.0).to_string(), "-2");
    }

    #[test]
    fn attribute_of_sensitive_map_stays_sensitive() {
        let v = map([("k", Value::from("secret"))]).mark_sensitive();
        assert_eq!(v.get("k"), Value::from("secret").mark_sensitive());
        assert_eq!(v.get("k").to_string(), "(sensitive value)");
    }

    #[test]
    fn json_round_trip_and_unknown() {
        let v = map([("a", Value::from(vec![1i64, 2])), ("b", Value::Null)]);
        let json = v.to_json().expect("known");
        assert_eq!(json.to_string(), r#"{"a":[1,2],"b":null}"#);
        assert_eq!(Value::from_json(&json), v);
        assert!(map([("a", Value::UNKNOWN)]).to_json().is_none());
    }

    #[test]
    fn empty_collections_keep_their_element_type_and_literals_stay_structural() {
        let empty = Value::List(Seq::list(Vec::new()).of(&Shape::Number));
        assert_eq!(shape_of(&empty), Shape::List(Box::new(Shape::Number)));
        let tuple = Value::List(Seq::from(vec![Value::from(1i64), Value::from("a")]));
        assert_eq!(shape_of(&tuple), Shape::Tuple(vec![Shape::Number, Shape::String]));
        let map = Value::Map(Mapping::map(BTreeMap::new()).of(&Shape::String));
        assert_eq!(shape_of(&map), Shape::Map(Box::new(Shape::String)));
        assert_eq!(Element::of(&Shape::Number), Element::of(&Shape::Number));
        assert_ne!(Element::of(&Shape::Number), Element::DYNAMIC);
    }
}
