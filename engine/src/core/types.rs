//! The one type system: the types of resource attributes and of input variables, and
//! Terraform's automatic conversions between them.

use crate::core::shape::{Element, Shape};
use crate::core::value::{Mapping, MappingKind, Number, Seq, SeqKind, Value};
use std::collections::BTreeMap;

/// The type of a value.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    /// A string.
    String,
    /// A number.
    Number,
    /// A boolean.
    Bool,
    /// A list of values of one type.
    List(Box<Type>),
    /// A sequence of these types, one per element (`tuple([...])`).
    Tuple(Vec<Type>),
    /// A set of values of one type: no duplicates, and order does not matter.
    Set(Box<Type>),
    /// A map from strings to values of one type.
    Map(Box<Type>),
    /// An object with these attributes (variables' `object({...})`).
    Object(BTreeMap<String, ObjectAttribute>),
    /// Any value.
    Any,
}

/// One attribute of an object type.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectAttribute {
    /// Its type.
    pub ty: Type,
    /// May be left out (`optional(T)`).
    pub optional: bool,
    /// The value when left out (`optional(T, default)`).
    pub default: Option<Value>,
}

impl Type {
    /// "a string", "a list", ... for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            Type::String => "a string",
            Type::Number => "a number",
            Type::Bool => "a bool",
            Type::List(_) => "a list",
            Type::Tuple(_) => "a tuple",
            Type::Set(_) => "a set",
            Type::Map(_) => "a map",
            Type::Object(_) => "an object",
            Type::Any => "a value",
        }
    }

    /// The type of the values this constraint lets through, with `any` as `dynamic`.
    pub fn shape(&self) -> Shape {
        match self {
            Type::String => Shape::String,
            Type::Number => Shape::Number,
            Type::Bool => Shape::Bool,
            Type::Any => Shape::Dynamic,
            Type::List(t) => Shape::List(Box::new(t.shape())),
            Type::Set(t) => Shape::Set(Box::new(t.shape())),
            Type::Map(t) => Shape::Map(Box::new(t.shape())),
            Type::Tuple(ts) => Shape::Tuple(ts.iter().map(Type::shape).collect()),
            Type::Object(attrs) => Shape::Object(attrs.iter().map(|(k, a)| (k.clone(), a.ty.shape())).collect()),
        }
    }

    /// Gives the collections inside `v` the kinds this type says they have (a list, a set, a
    /// map), in place, converting nothing: for values a provider wrote, which already have
    /// the schema's shape but not its kinds.
    pub fn give_kinds(&self, v: &mut Value) {
        match (v, self) {
            (Value::Sensitive(inner), t) => t.give_kinds(inner),
            (Value::List(seq), Type::List(t) | Type::Set(t)) => {
                seq.kind = if matches!(self, Type::Set(_)) {
                    SeqKind::Set
                } else {
                    SeqKind::List
                };
                if seq.is_empty() {
                    seq.element = Element::of(&t.shape());
                }
                seq.iter_mut().for_each(|i| t.give_kinds(i));
            }
            (Value::List(seq), Type::Tuple(ts)) => seq.iter_mut().zip(ts).for_each(|(i, t)| t.give_kinds(i)),
            (Value::Map(m), Type::Map(t)) => {
                m.kind = MappingKind::Map;
                if m.is_empty() {
                    m.element = Element::of(&t.shape());
                }
                m.values_mut().for_each(|i| t.give_kinds(i));
            }
            (Value::Map(m), Type::Object(attrs)) => {
                for (k, a) in attrs {
                    if let Some(i) = m.get_mut(k) {
                        a.ty.give_kinds(i);
                    }
                }
            }
            _ => {}
        }
    }

    /// Converts a value to this type as Terraform's automatic conversions do: numbers and
    /// bools to strings and back, elements of collections one by one, sets without duplicates
    /// in a stable order, objects with their optional attributes' defaults. Unknown and null
    /// stay as they are; a sensitive mark stays on the result.
    pub fn convert(&self, v: Value) -> Result<Value, String> {
        let (inner, sens) = v.into_unmarked();
        let out = match (inner, self) {
            (Value::Unknown(_), _) => Value::UNKNOWN,
            (Value::Null, _) => Value::Null,
            (v, Type::Any) => v,
            (Value::String(s), Type::String) => Value::String(s),
            (Value::Number(n), Type::String) => Value::String(n.text()),
            (Value::Bool(b), Type::String) => Value::String(b.to_string()),
            (Value::Number(n), Type::Number) => Value::Number(n),
            (Value::String(s), Type::Number) => {
                Value::Number(Number::parse(&s).ok_or_else(|| format!("a number is required, got \"{s}\""))?)
            }
            (Value::Bool(b), Type::Bool) => Value::Bool(b),
            (Value::String(s), Type::Bool) if s == "true" || s == "false" => Value::Bool(s == "true"),
            (Value::List(items), Type::List(t)) => Value::List(
                Seq::list(items.into_iter().map(|i| t.convert(i)).collect::<Result<_, _>>()?).of(&t.shape()),
            ),
            (Value::List(items), Type::Tuple(ts)) => {
                if items.len() != ts.len() {
                    return Err(format!(
                        "a tuple of {} elements is required, got {}",
                        ts.len(),
                        items.len()
                    ));
                }
                Value::List(Seq::from(
                    items
                        .into_iter()
                        .zip(ts)
                        .map(|(i, t)| t.convert(i))
                        .collect::<Result<Vec<_>, _>>()?,
                ))
            }
            (Value::List(items), Type::Set(t)) => {
                let mut out: Vec<Value> = items.into_iter().map(|i| t.convert(i)).collect::<Result<_, _>>()?;
                // Unknown elements keep their places: they may turn out to be anything.
                if !out.iter().any(Value::contains_unknown) {
                    out.sort_by_key(|a| a.to_string());
                    out.dedup();
                }
                Value::List(Seq::set(out).of(&t.shape()))
            }
            (Value::Map(m), Type::Map(t)) => Value::Map(
                Mapping::map(
                    m.into_iter()
                        .map(|(k, v)| Ok((k, t.convert(v)?)))
                        .collect::<Result<_, String>>()?,
                )
                .of(&t.shape()),
            ),
            (Value::Map(mut m), Type::Object(attrs)) => {
                let mut out = BTreeMap::new();
                for (name, a) in attrs {
                    match m.remove(name) {
                        Some(v) if !v.is_null() => {
                            out.insert(
                                name.clone(),
                                a.ty.convert(v).map_err(|e| format!("attribute \"{name}\": {e}"))?,
                            );
                        }
                        _ if a.optional => {
                            out.insert(name.clone(), a.default.clone().unwrap_or(Value::Null));
                        }
                        _ => return Err(format!("attribute \"{name}\" is required")),
                    }
                }
                // Attributes the type does not name are dropped, as Terraform's conversion drops
                // them: a module's callers may pass more than it declares.
                Value::Map(out.into())
            }
            (v, t) => return Err(format!("{} is required, got {}", t.describe(), v.type_name())),
        };
        Ok(out.with_marks(sens))
    }
}
