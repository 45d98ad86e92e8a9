//! Terraform's types of values (cty's types): what `type(...)` shows in the console and what
//! the language's `==` compares beside the values. A value's [`Shape`] (`value::shape_of`)
//! comes from its elements and the kind its collections carry (a literal is a tuple or an
//! object until something converts it); an empty list, set or map remembers its element type
//! as an [`Element`].

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

/// A value's type as far as unification needs it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum Shape {
    /// Null or unknown: unifies with anything.
    Dynamic,
    /// `bool`.
    Bool,
    /// `number`.
    Number,
    /// `string`.
    String,
    /// `list(T)`.
    List(Box<Shape>),
    /// `set(T)`.
    Set(Box<Shape>),
    /// `map(T)`.
    Map(Box<Shape>),
    /// `tuple([...])`.
    Tuple(Vec<Shape>),
    /// `object({...})`.
    Object(BTreeMap<String, Shape>),
}

impl Shape {
    pub(crate) fn primitive(&self) -> bool {
        matches!(self, Shape::Bool | Shape::Number | Shape::String)
    }

    /// The element types of a sequence, or `None` for anything else.
    pub(crate) fn elements(&self) -> Option<Vec<&Shape>> {
        match self {
            Shape::Tuple(items) => Some(items.iter().collect()),
            Shape::List(t) | Shape::Set(t) => Some(vec![t]),
            _ => None,
        }
    }

    /// The attribute types of a mapping, or `None` for anything else.
    pub(crate) fn attributes(&self) -> Option<Vec<&Shape>> {
        match self {
            Shape::Object(attrs) => Some(attrs.values().collect()),
            Shape::Map(t) => Some(vec![t]),
            _ => None,
        }
    }

    /// The type as Terraform's console writes it: collections of simple types on one line,
    /// tuples and objects one element per line, indented by four spaces per level.
    pub fn render(&self) -> String {
        self.render_at(0)
    }

    fn render_at(&self, depth: usize) -> String {
        let pad = "    ".repeat(depth + 1);
        let end = "    ".repeat(depth);
        let collection = |name: &str, t: &Shape| {
            let inner = t.render_at(depth + 1);
            if inner.contains('\n') {
                format!("{name}(\n{pad}{inner},\n{end})")
            } else {
                format!("{name}({})", t.render_at(depth))
            }
        };
        match self {
            Shape::Dynamic => "dynamic".into(),
            Shape::Bool => "bool".into(),
            Shape::Number => "number".into(),
            Shape::String => "string".into(),
            Shape::List(t) => collection("list", t),
            Shape::Set(t) => collection("set", t),
            Shape::Map(t) => collection("map", t),
            Shape::Tuple(items) if items.is_empty() => "tuple([])".into(),
            Shape::Tuple(items) => {
                let inner: String = items
                    .iter()
                    .map(|i| format!("{pad}{},\n", i.render_at(depth + 1)))
                    .collect();
                format!("tuple([\n{inner}{end}])")
            }
            Shape::Object(attrs) if attrs.is_empty() => "object({})".into(),
            Shape::Object(attrs) => {
                let inner: String = attrs
                    .iter()
                    .map(|(k, i)| format!("{pad}{k}: {},\n", i.render_at(depth + 1)))
                    .collect();
                format!("object({{\n{inner}{end}}})")
            }
        }
    }
}

impl Shape {
    /// The type as Terraform's JSON writes it (state outputs, dynamic attributes):
    /// `"string"`, `["list","string"]`, `["object",{"a":"number"}]`, `["tuple",[...]]`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::{json, Value as J};
        let pair = |kind: &str, inner: J| json!([kind, inner]);
        match self {
            Shape::Dynamic => J::from("dynamic"),
            Shape::Bool => J::from("bool"),
            Shape::Number => J::from("number"),
            Shape::String => J::from("string"),
            Shape::List(t) => pair("list", t.to_json()),
            Shape::Set(t) => pair("set", t.to_json()),
            Shape::Map(t) => pair("map", t.to_json()),
            Shape::Tuple(items) => pair("tuple", J::Array(items.iter().map(Shape::to_json).collect())),
            Shape::Object(attrs) => pair(
                "object",
                J::Object(attrs.iter().map(|(k, t)| (k.clone(), t.to_json())).collect()),
            ),
        }
    }

    /// Reads a type written by [`Shape::to_json`] (or by Terraform); `None` when `j` is not one.
    /// Object types with optional attributes (a third element) read as plain objects.
    pub fn from_json(j: &serde_json::Value) -> Option<Shape> {
        use serde_json::Value as J;
        match j {
            J::String(s) => match s.as_str() {
                "dynamic" => Some(Shape::Dynamic),
                "bool" => Some(Shape::Bool),
                "number" => Some(Shape::Number),
                "string" => Some(Shape::String),
                _ => None,
            },
            J::Array(parts) if parts.len() >= 2 => {
                let inner = &parts[1];
                match parts[0].as_str()? {
                    "list" => Some(Shape::List(Box::new(Shape::from_json(inner)?))),
                    "set" => Some(Shape::Set(Box::new(Shape::from_json(inner)?))),
                    "map" => Some(Shape::Map(Box::new(Shape::from_json(inner)?))),
                    "tuple" => Some(Shape::Tuple(
                        inner.as_array()?.iter().map(Shape::from_json).collect::<Option<_>>()?,
                    )),
                    "object" => Some(Shape::Object(
                        inner
                            .as_object()?
                            .iter()
                            .map(|(k, t)| Some((k.clone(), Shape::from_json(t)?)))
                            .collect::<Option<_>>()?,
                    )),
                    _ => None,
                }
            }
            _ => None,
        }
    }
}

/// The one type all of `shapes` convert to, as Terraform chooses it; `None` when there is none
/// (a number and a bool, a sequence and a mapping, a primitive and a collection).
pub fn unify(shapes: &[Shape]) -> Option<Shape> {
    let known: Vec<&Shape> = shapes.iter().filter(|s| **s != Shape::Dynamic).collect();
    let Some(first) = known.first() else {
        return Some(Shape::Dynamic);
    };
    if known.iter().all(|s| s == first) {
        return Some((*first).clone());
    }
    if known.iter().all(|s| s.primitive()) {
        // Numbers and bools become strings safely; a number and a bool have no common type.
        return known.iter().any(|s| **s == Shape::String).then_some(Shape::String);
    }
    if let Some(seqs) = known.iter().map(|s| s.elements()).collect::<Option<Vec<_>>>() {
        let tuples: Option<Vec<&Vec<Shape>>> = known
            .iter()
            .map(|s| match s {
                Shape::Tuple(items) => Some(items),
                _ => None,
            })
            .collect();
        if let Some(tuples) = tuples.filter(|t| t.iter().all(|items| items.len() == t[0].len())) {
            let unified = (0..tuples[0].len())
                .map(|i| unify(&tuples.iter().map(|t| t[i].clone()).collect::<Vec<_>>()))
                .collect::<Option<Vec<_>>>()?;
            return Some(Shape::Tuple(unified));
        }
        let all: Vec<Shape> = seqs.into_iter().flatten().cloned().collect();
        let element = Box::new(unify(&all)?);
        // A set stays a set only when nothing else is a list.
        let list = known.iter().any(|s| matches!(s, Shape::List(_)));
        let set = known.iter().any(|s| matches!(s, Shape::Set(_)));
        return Some(if set && !list {
            Shape::Set(element)
        } else {
            Shape::List(element)
        });
    }
    if let Some(maps) = known.iter().map(|s| s.attributes()).collect::<Option<Vec<_>>>() {
        let objects: Option<Vec<&BTreeMap<String, Shape>>> = known
            .iter()
            .map(|s| match s {
                Shape::Object(attrs) => Some(attrs),
                _ => None,
            })
            .collect();
        if let Some(objects) = objects.filter(|o| o.iter().all(|a| a.keys().eq(o[0].keys()))) {
            let unified = objects[0]
                .keys()
                .map(|k| {
                    Some((
                        k.clone(),
                        unify(&objects.iter().map(|o| o[k].clone()).collect::<Vec<_>>())?,
                    ))
                })
                .collect::<Option<BTreeMap<_, _>>>()?;
            return Some(Shape::Object(unified));
        }
        let all: Vec<Shape> = maps.into_iter().flatten().cloned().collect();
        return Some(Shape::Map(Box::new(unify(&all)?)));
    }
    None
}

/// An element type, interned: collections carry this small handle instead of a type tree, so a
/// value stays as small as it was without one. `Element::DYNAMIC` is the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Element(u32);

/// Every element type handed out, so a handle finds its type and a type its handle.
#[derive(Default)]
struct Interned {
    shapes: Vec<Shape>,
    ids: HashMap<Shape, u32>,
}

fn interned() -> &'static Mutex<Interned> {
    static TABLE: OnceLock<Mutex<Interned>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = Interned::default();
        t.shapes.push(Shape::Dynamic);
        t.ids.insert(Shape::Dynamic, 0);
        Mutex::new(t)
    })
}

impl serde::Serialize for Element {
    /// The type itself: a handle means something only in the process that made it.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.shape().serialize(s)
    }
}

impl<'de> serde::Deserialize<'de> for Element {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Element, D::Error> {
        Ok(Element::of(&Shape::deserialize(d)?))
    }
}

impl Element {
    /// `dynamic`: nothing is known of the elements.
    pub const DYNAMIC: Element = Element(0);

    /// The handle of `shape`.
    pub fn of(shape: &Shape) -> Element {
        if *shape == Shape::Dynamic {
            return Element::DYNAMIC;
        }
        let mut t = interned().lock().unwrap_or_else(|e| e.into_inner());
        if let Some(id) = t.ids.get(shape) {
            return Element(*id);
        }
        // Types come from configuration text and function results: a few dozen per run.
        let id = u32::try_from(t.shapes.len()).unwrap_or(0);
        t.shapes.push(shape.clone());
        t.ids.insert(shape.clone(), id);
        Element(id)
    }

    /// The type this handle stands for.
    pub fn shape(self) -> Shape {
        if self == Element::DYNAMIC {
            return Shape::Dynamic;
        }
        let t = interned().lock().unwrap_or_else(|e| e.into_inner());
        t.shapes.get(self.0 as usize).cloned().unwrap_or(Shape::Dynamic)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_types_read_back_as_written() {
        let t = Shape::Object(BTreeMap::from([
            ("l".to_string(), Shape::Tuple(vec![Shape::Number, Shape::String])),
            ("m".to_string(), Shape::Map(Box::new(Shape::Set(Box::new(Shape::Bool))))),
            ("d".to_string(), Shape::Dynamic),
        ]));
        let j = t.to_json();
        assert_eq!(
            j,
            serde_json::json!(["object", {"d": "dynamic", "l": ["tuple", ["number", "string"]], "m": ["map", ["set", "bool"]]}])
        );
        assert_eq!(Shape::from_json(&j), Some(t));
        assert_eq!(Shape::from_json(&serde_json::json!(["list"])), None);
        assert_eq!(Shape::from_json(&serde_json::json!("float")), None);
    }

    #[test]
    fn types_render_as_the_console_writes_them() {
        let inner = Shape::Object(BTreeMap::from([("a".to_string(), Shape::Number)]));
        assert_eq!(
            Shape::List(Box::new(Shape::Set(Box::new(Shape::String)))).render(),
            "list(set(string))"
        );
        assert_eq!(
            Shape::Map(Box::new(inner.clone())).render(),
            "map(\n    object({\n        a: number,\n    }),\n)"
        );
        assert_eq!(
            Shape::Tuple(vec![Shape::Bool, inner]).render(),
            "tuple([\n    bool,\n    object({\n        a: number,\n    }),\n])"
        );
    }
}
