//! Terraform's type unification, for the places where it decides a value: the two results of
//! a conditional, and the elements that `tolist`, `toset`, `tomap` and `distinct` gather into
//! one collection.

pub(crate) use crate::core::shape::{unify, Shape};
pub(crate) use crate::core::value::shape_of;
use crate::core::value::{Mapping, Seq, Value};

/// `v` converted to `shape`, which [`unify`] chose for it: numbers and bools become strings
/// where the shape is a string, collections take the shape's kind, element by element. Marks,
/// nulls and unknowns stay.
pub(crate) fn convert(v: Value, shape: &Shape) -> Value {
    let (inner, sensitive) = v.into_unmarked();
    let out = match (inner, shape) {
        (v @ (Value::Null | Value::Unknown(_)), _) | (v, Shape::Dynamic) => v,
        (v @ (Value::Number(_) | Value::Bool(_)), Shape::String) => {
            v.to_template_string().map(Value::String).unwrap_or(v)
        }
        (Value::List(items), Shape::List(t)) => {
            Value::List(Seq::list(items.into_iter().map(|i| convert(i, t)).collect()).of(t))
        }
        (Value::List(items), Shape::Set(t)) => {
            Value::List(Seq::set(set_order(items.into_iter().map(|i| convert(i, t)).collect())).of(t))
        }
        (Value::List(items), Shape::Tuple(ts)) if ts.len() == items.len() => Value::List(Seq::from(
            items
                .into_iter()
                .zip(ts)
                .map(|(i, t)| convert(i, t))
                .collect::<Vec<_>>(),
        )),
        (Value::Map(map), Shape::Map(t)) => {
            Value::Map(Mapping::map(map.into_iter().map(|(k, v)| (k, convert(v, t))).collect()).of(t))
        }
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
    out.with_marks(sensitive)
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

/// Terraform's set semantics on a sequence: element types unified (a string among primitives
/// turns them all into strings), duplicates removed, and a deterministic order — numeric for
/// numbers as Terraform's number sets are, by string form otherwise.
pub(crate) fn set_order(items: Vec<Value>) -> Vec<Value> {
    let primitive = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null);
    let stringify = items.iter().any(|v| matches!(v, Value::String(_))) && items.iter().all(primitive);
    let mut out: Vec<Value> = Vec::new();
    // Duplicates found by their encoding in a hash set: a scan of `out` per element made
    // `toset` of 100,000 elements take minutes. Values without an encoding (unknown ones) are
    // rare and compared one by one.
    let mut seen = std::collections::HashSet::new();
    for item in items {
        let item = match item {
            Value::Number(_) | Value::Bool(_) if stringify => Value::from(item.to_template_string()),
            other => other,
        };
        let encoded = item
            .to_template_string()
            .or_else(|| item.to_json().map(|j| j.to_string()));
        let fresh = match encoded {
            Some(encoded) => seen.insert(format!("{}:{encoded}", item.type_name())),
            None => !out.contains(&item),
        };
        if fresh {
            out.push(item);
        }
    }
    if out.iter().all(|v| matches!(v, Value::Number(_))) {
        out.sort_by(|x, y| match (x.as_number(), y.as_number()) {
            (Some(a), Some(b)) => a.cmp_exact(b),
            _ => std::cmp::Ordering::Equal,
        });
    } else {
        let key = |v: &Value| {
            v.to_template_string()
                .or_else(|| v.to_json().map(|j| j.to_string()))
                .unwrap_or_default()
        };
        out.sort_by_cached_key(key);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(items: Vec<Value>) -> Value {
        Value::List(items.into())
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
