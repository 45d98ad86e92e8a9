//! Type conversion.

use super::*;

pub(super) fn tolist(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        Value::Null => Ok(Value::Null),
        Value::List(items) => crate::eval::unify::single_type(items.clone().into(), "tuple to list")
            .map(|items| Value::List(Seq::list(items)))
            .map_err(invalid),
        other => Err(invalid(format!("cannot convert {} to list.", other.type_name()))),
    }
}

pub(super) fn tomap(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        Value::Null => Ok(Value::Null),
        Value::Map(map) => {
            let values =
                crate::eval::unify::single_type(map.values().cloned().collect(), "object to map").map_err(invalid)?;
            Ok(Value::Map(Mapping::map(map.keys().cloned().zip(values).collect())))
        }
        other => Err(invalid(format!("cannot convert {} to map.", other.type_name()))),
    }
}

pub(super) fn tostring(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)) => Ok(Value::from(v.to_template_string())),
        other => Err(invalid(format!("cannot convert {} to string.", other.type_name()))),
    }
}

pub(super) fn tonumber(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::Number(n.clone())),
        Value::String(s) => crate::core::value::Number::parse(s).map(Value::Number).ok_or_else(|| {
            invalid(format!(
                "cannot convert {} to number; given string must be a decimal representation of a number.",
                c.show(s)
            ))
        }),
        other => Err(invalid(format!("cannot convert {} to number.", other.type_name()))),
    }
}

pub(super) fn tobool(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::String(s) => to_bool(&a[0]).map(Value::Bool).ok_or_else(|| {
            invalid(format!(
                "cannot convert {} to bool; only the strings \"true\" or \"false\" are allowed.",
                c.show(s)
            ))
        }),
        Value::Bool(b) => Ok(Value::Bool(*b)),
        other => Err(invalid(format!("cannot convert {} to bool.", other.type_name()))),
    }
}

/// `ephemeralasnull`: the value with its ephemeral parts made null. [`call`] answers it before
/// the marks are taken off the arguments, since the marks are what it is about.
pub(super) fn ephemeralasnull(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(a[0].ephemeral_as_null())
}
