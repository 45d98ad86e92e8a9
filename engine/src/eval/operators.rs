//! What operators, indexing and attribute access do to values, with Terraform's conversions:
//! unknown and sensitive operands give unknown and sensitive results.

use crate::core::diagnostic::suggestion;
use crate::core::value::{Marks, Number, Value};
use hcl_edit::expr::BinaryOperator;

/// `value.name`.
pub fn get_attr(value: &Value, name: &str) -> Result<Value, String> {
    let (inner, sens) = value.unmark();
    match inner {
        Value::Unknown(_) => Ok(marked(Value::UNKNOWN, sens)),
        Value::Map(map) => match map.get(name) {
            Some(v) => Ok(marked(v.clone(), sens)),
            None => Err(format!(
                "This object does not have an attribute named \"{name}\".{}",
                suggestion(name, map.keys().map(String::as_str))
            )),
        },
        Value::Null => Err(format!("Attempt to get attribute \"{name}\" from a null value. Check the value is set, or use try().")),
        Value::List(_) => Err(format!(
            "A list does not have attributes. To get \"{name}\" of every element use [*].{name}, or pick one element first with [0]."
        )),
        other => Err(format!("A {} value does not have attributes.", other.type_name())),
    }
}

/// `value[key]`.
pub fn index(value: &Value, key: &Value) -> Result<Value, String> {
    let (inner, sens) = value.unmark();
    let (k, ksens) = key.unmark();
    let sens = sens | ksens;
    match (inner, k) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => Ok(marked(Value::UNKNOWN, sens)),
        (Value::List(items), key) => {
            let i = match key {
                Value::Number(n) => n.to_f64(),
                Value::String(s) => s
                    .parse::<f64>()
                    .map_err(|_| format!("A list index must be a number, got \"{s}\"."))?,
                other => return Err(format!("A list index must be a number, got {}.", other.type_name())),
            };
            if i < 0.0 || i.fract() != 0.0 || i as usize >= items.len() {
                return Err(format!(
                    "The index {} is out of range for a list of {} element(s).",
                    crate::core::value::format_number(i),
                    items.len()
                ));
            }
            Ok(marked(items[i as usize].clone(), sens))
        }
        (Value::Map(map), key) => {
            let Some(k) = key.to_template_string() else {
                return Err(format!("A map key must be a string, got {}.", key.type_name()));
            };
            match map.get(&k) {
                Some(v) => Ok(marked(v.clone(), sens)),
                None => Err(format!(
                    "The given key \"{k}\" does not identify an element in this collection.{}",
                    suggestion(&k, map.keys().map(String::as_str))
                )),
            }
        }
        (Value::Null, _) => Err("Cannot index a null value.".to_string()),
        (other, _) => Err(format!("A {} value cannot be indexed.", other.type_name())),
    }
}

/// The (key, value) pairs a `for` iterates over; `None` when the collection is unknown.
pub(crate) fn iter_pairs(v: &Value) -> Result<Option<Vec<(Value, Value)>>, String> {
    match v {
        Value::Unknown(_) => Ok(None),
        Value::List(items) => Ok(Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::from(i as i64), v.clone()))
                .collect(),
        )),
        Value::Map(map) => Ok(Some(
            map.iter().map(|(k, v)| (Value::String(k.clone()), v.clone())).collect(),
        )),
        Value::Null => Err("Cannot iterate over null; use coalesce(x, []) to default to an empty list.".into()),
        other => Err(format!(
            "A {} value cannot be iterated; a for expression needs a list, set, map or object.",
            other.type_name()
        )),
    }
}

pub(crate) fn to_number(v: &Value) -> Option<Number> {
    match v {
        Value::Number(n) => Some(n.clone()),
        Value::String(s) => Number::parse(s),
        _ => None,
    }
}

pub(crate) fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        // Terraform's conversion also reads "1" and "0" as bools.
        Value::String(s) if s == "true" || s == "1" => Some(true),
        Value::String(s) if s == "false" || s == "0" => Some(false),
        _ => None,
    }
}

/// Applies a binary operator with unknown and sensitive propagation.
pub fn binary(op: BinaryOperator, lhs: Value, rhs: Value) -> Result<Value, String> {
    let sens = lhs.deep_marks() | rhs.deep_marks();
    let l = lhs.deep_unmark();
    let r = rhs.deep_unmark();
    let result = match op {
        BinaryOperator::Eq | BinaryOperator::NotEq => {
            // As cty compares: beside a null, a value that is itself known decides at once, even
            // with unknowns inside (an object whose attributes are known only at apply is not
            // null); otherwise an unknown anywhere leaves the answer unknown.
            let decided = match (l.is_unknown(), r.is_unknown()) {
                (false, false) if l.is_null() || r.is_null() => Some(l.is_null() && r.is_null()),
                _ if l.contains_unknown() || r.contains_unknown() => None,
                _ => Some(values_equal(&l, &r)),
            };
            match decided {
                Some(eq) => Value::Bool(if op == BinaryOperator::Eq { eq } else { !eq }),
                None => Value::UNKNOWN,
            }
        }
        BinaryOperator::And | BinaryOperator::Or => {
            if l.is_unknown() || r.is_unknown() {
                Value::UNKNOWN
            } else {
                let (Some(a), Some(b)) = (to_bool(&l), to_bool(&r)) else {
                    return Err(format!(
                        "{op} needs bool operands, got {} and {}.",
                        l.type_name(),
                        r.type_name()
                    ));
                };
                Value::Bool(if op == BinaryOperator::And { a && b } else { a || b })
            }
        }
        _ => {
            if l.is_unknown() || r.is_unknown() {
                Value::UNKNOWN
            } else {
                let (Some(a), Some(b)) = (to_number(&l), to_number(&r)) else {
                    return Err(format!(
                        "{op} needs number operands, got {} and {}.",
                        l.type_name(),
                        r.type_name()
                    ));
                };
                let nan = || format!("{op} of {a} and {b} has no value.");
                match op {
                    BinaryOperator::Plus => Value::Number(a.add(&b).ok_or_else(nan)?),
                    BinaryOperator::Minus => Value::Number(a.sub(&b).ok_or_else(nan)?),
                    BinaryOperator::Mul => Value::Number(a.mul(&b).ok_or_else(nan)?),
                    // A number divided by zero is an infinity, as in Terraform; zero by zero
                    // has no value.
                    BinaryOperator::Div if a.is_zero() && b.is_zero() => return Err("Division by zero.".into()),
                    BinaryOperator::Div => Value::Number(a.div(&b).ok_or_else(nan)?),
                    // As in Terraform, a remainder by zero is the dividend itself.
                    BinaryOperator::Mod if b.is_zero() => Value::Number(a),
                    BinaryOperator::Mod => Value::Number(remainder(&a, &b).ok_or_else(nan)?),
                    BinaryOperator::Less => Value::Bool(a < b),
                    BinaryOperator::LessEq => Value::Bool(a <= b),
                    BinaryOperator::Greater => Value::Bool(a > b),
                    BinaryOperator::GreaterEq => Value::Bool(a >= b),
                    _ => Value::UNKNOWN,
                }
            }
        }
    };
    Ok(marked(result, sens))
}

/// `a % b` as Terraform computes it: `a - b × trunc(a / b)`, at the precision of the
/// operands; with an infinity, the product of the two (an infinity of the right sign).
fn remainder(a: &Number, b: &Number) -> Option<Number> {
    if a.is_infinite() || b.is_infinite() {
        return a.mul(b);
    }
    let whole = a.div(b)?.trunc();
    a.sub(&b.mul(&whole)?)
}

/// Equality as Terraform's `==`: values of different types are different, so `1` is not `"1"`
/// and the tuple `[1]` is not the list `tolist([1])`.
pub(crate) fn values_equal(a: &Value, b: &Value) -> bool {
    a == b && crate::eval::unify::shape_of(a) == crate::eval::unify::shape_of(b)
}

/// Puts the operands' marks (sensitive, ephemeral) on a result.
pub(crate) fn marked(v: Value, marks: Marks) -> Value {
    v.with_marks(marks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::value::map;

    #[test]
    fn a_known_object_with_unknowns_inside_is_not_null_as_in_terraform() {
        let partly = map([("bucket", Value::UNKNOWN)]);
        assert_eq!(
            binary(BinaryOperator::NotEq, partly.clone(), Value::Null),
            Ok(Value::Bool(true))
        );
        assert_eq!(
            binary(BinaryOperator::Eq, Value::Null, partly.clone()),
            Ok(Value::Bool(false))
        );
        // An unknown may turn out null, and two objects with unknowns inside may be equal.
        assert!(binary(BinaryOperator::Eq, Value::UNKNOWN, Value::Null).is_ok_and(|v| v.is_unknown()));
        assert!(binary(BinaryOperator::Eq, partly.clone(), partly).is_ok_and(|v| v.is_unknown()));
        assert_eq!(
            binary(BinaryOperator::Eq, Value::Null, Value::Null),
            Ok(Value::Bool(true))
        );
    }
}
