//! Terraform's type unification, for the places where it decides a value: the two results of a
//! conditional, and the elements that `tolist`, `toset`, `tomap` and `distinct` gather into one
//! collection. Values here carry no type of their own, so a value's shape is what Terraform
//! infers for a literal of it (a sequence is a tuple, a mapping an object).

use crate::core::value::Value;
use std::collections::BTreeMap;

/// A value's type as far as unification needs it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Shape {
    /// Null or unknown: unifies with anything.
    Dynamic,
    Bool,
    Number,
    String,
    List(Box<Shape>),
    Map(Box<Shape>),
    Tuple(Vec<Shape>),
    Object(BTreeMap<String, Shape>),
}

impl Shape {
    fn primitive(&self) -> bool {
        matches!(self, Shape::Bool | Shape::Number | Shape::String)
    }

    /// The element types of a sequence, or `None` for anything else.
    fn elements(&self) -> Option<Vec<&Shape>> {
        match self {
            Shape::Tuple(items) => Some(items.iter().collect()),
            Shape::List(t) => Some(vec![t]),
            _ => None,
        }
    }

    /// The attribute types of a mapping, or `None` for anything else.
    fn attributes(&self) -> Option<Vec<&Shape>> {
        match self {
            Shape::Object(attrs) => Some(attrs.values().collect()),
            Shape::Map(t) => Some(vec![t]),
            _ => None,
        }
    }
}

/// The shape Terraform infers for `v` (marks looked through).
pub(crate) fn shape_of(v: &Value) -> Shape {
    match v.unmark().0 {
        Value::Null | Value::Unknown | Value::Sensitive(_) => Shape::Dynamic,
        Value::Bool(_) => Shape::Bool,
        Value::Number(_) => Shape::Number,
        Value::String(_) => Shape::String,
        Value::List(items) => Shape::Tuple(items.iter().map(shape_of).collect()),
        Value::Map(map) => Shape::Object(map.iter().map(|(k, v)| (k.clone(), shape_of(v))).collect()),
    }
}

/// The one type all of `shapes` convert to, as Terraform chooses it; `None` when there is none
/// (a number and a bool, a sequence and a mapping, a primitive and a collection).
pub(crate) fn unify(shapes: &[Shape]) -> Option<Shape> {
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
        return Some(Shape::List(Box::new(unify(&all)?)));
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

/// `v` converted to `shape`, which [`unify`] chose for it: numbers and bools become strings
/// where the shape is a string, element by element. Marks, nulls and unknowns stay.
pub(crate) fn convert(v: Value, shape: &Shape) -> Value {
    let (inner, sensitive) = v.into_unmarked();
    let out = match (inner, shape) {
        (v @ (Value::Null | Value::Unknown), _) | (v, Shape::Dynamic) => v,
        (v @ (Value::Number(_) | Value::Bool(_)), Shape::String) => {
            v.to_template_string().map(Value::String).unwrap_or(v)
        }
        (Value::List(items), Shape::List(t)) => Value::List(items.into_iter().map(|i| convert(i, t)).collect()),
        (Value::List(items), Shape::Tuple(ts)) if ts.len() == items.len() => {
            Value::List(items.into_iter().zip(ts).map(|(i, t)| convert(i, t)).collect())
        }
        (Value::Map(map), Shape::Map(t)) => Value::Map(map.into_iter().map(|(k, v)| (k, convert(v, t))).collect()),
        (Value::Map(map), Shape::Object(ts)) => Value::Map(
            map.into_iter()
                .map(|(k, v)| {
                    let v = match ts.get(&k) {
                        Some(t) => convert(v, t),
                        None => v,
                    };
                    (k, v)
                })
                .collect(),
        ),
        (v, _) => v,
    };
    out.mark_if(sensitive)
}

/// Elements gathered into one list, set or map: converted to their one common type, or the
/// error Terraform gives when they have none.
pub(crate) fn single_type(items: Vec<Value>, what: &str) -> Result<Vec<Value>, String> {
    let shapes: Vec<Shape> = items.iter().map(shape_of).collect();
    let Some(shape) = unify(&shapes) else {
        return Err(format!("cannot convert {what} of any single type."));
    };
    Ok(items.into_iter().map(|i| convert(i, &shape)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    #[test]
    fn strings_absorb_numbers_and_bools_but_numbers_and_bools_do_not_meet() {
        assert_eq!(unify(&[Shape::Number, Shape::String]), Some(Shape::String));
        assert_eq!(
            unify(&[Shape::Bool, Shape::String, Shape::Dynamic]),
            Some(Shape::String)
        );
        assert_eq!(unify(&[Shape::Number, Shape::Bool]), None);
        assert_eq!(unify(&[Shape::Dynamic]), Some(Shape::Dynamic));
    }

    #[test]
    fn sequences_of_different_lengths_become_lists_and_mappings_maps() {
        let a = shape_of(&v(vec![Value::from(1i64)]));
        let b = shape_of(&v(vec![Value::from("x"), Value::from("y")]));
        assert_eq!(unify(&[a, b]), Some(Shape::List(Box::new(Shape::String))));
        let o1 = shape_of(&crate::core::value::map([("a", Value::from("x"))]));
        let o2 = shape_of(&crate::core::value::map([("b", Value::from(1i64))]));
        assert_eq!(unify(&[o1, o2]), Some(Shape::Map(Box::new(Shape::String))));
        let o3 = shape_of(&crate::core::value::map([("b", v(vec![]))]));
        assert_eq!(unify(&[shape_of(&Value::from("x")), o3]), None);
    }

    #[test]
    fn conversion_keeps_marks_and_turns_numbers_into_strings() {
        let items = vec![Value::from("a"), Value::from(1i64).mark_sensitive(), Value::Null];
        let out = single_type(items, "tuple to list").expect("strings");
        assert_eq!(
            out,
            vec![Value::from("a"), Value::from("1").mark_sensitive(), Value::Null]
        );
        assert!(single_type(vec![Value::from(1i64), Value::Bool(true)], "tuple to list").is_err());
    }
}
