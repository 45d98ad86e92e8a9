//! Sensitive marks on values coming back from a provider: a provider cannot be trusted to
//! carry them, so the engine puts them back.

use crate::core::schema::Schema;
use crate::core::value::Value;

/// A data source computed from sensitive arguments may reveal them in any computed attribute.
pub(crate) fn remark_data(schema: &Schema, config: &Value, v: Value) -> Value {
    let v = remark(schema, config, v);
    if !config.contains_sensitive() {
        return v;
    }
    match v {
        Value::Map(mut m) => {
            for (k, val) in m.iter_mut() {
                if schema.attributes.get(k).map(|a| a.computed).unwrap_or(false) {
                    *val = val.clone().mark_sensitive();
                }
            }
            Value::Map(m)
        }
        other => other,
    }
}

pub(crate) fn sensitive_strings(v: &Value, inside: bool, out: &mut Vec<String>) {
    match v {
        Value::Sensitive(inner) => sensitive_strings(inner, true, out),
        Value::String(s) if inside && s.chars().count() >= 3 => out.push(s.clone()),
        Value::List(items) => items.iter().for_each(|i| sensitive_strings(i, inside, out)),
        Value::Map(m) => m.values().for_each(|i| sensitive_strings(i, inside, out)),
        _ => {}
    }
}

pub(crate) fn reveals(v: &Value, secrets: &[String]) -> bool {
    match v {
        Value::String(s) => secrets.iter().any(|x| s.contains(x.as_str())),
        Value::List(items) => items.iter().any(|i| reveals(i, secrets)),
        Value::Map(m) => m
            .iter()
            .any(|(k, i)| secrets.iter().any(|x| k.contains(x.as_str())) || reveals(i, secrets)),
        _ => false,
    }
}

/// Marks attributes the schema or configuration says are sensitive, and any attribute a
/// provider derived from a sensitive value (`tags_all` from `tags`): a provider cannot be
/// trusted to carry marks, so whatever contains a secret's text is hidden too.
pub(crate) fn remark(schema: &Schema, config: &Value, new: Value) -> Value {
    let mut secrets = Vec::new();
    sensitive_strings(config, false, &mut secrets);
    match new {
        Value::Map(mut m) => {
            for (k, v) in m.iter_mut() {
                let sens = schema.attributes.get(k).map(|a| a.sensitive).unwrap_or(false)
                    || config.get(k).contains_sensitive()
                    || reveals(v, &secrets);
                if sens {
                    *v = v.clone().mark_sensitive();
                }
            }
            Value::Map(m)
        }
        other => other,
    }
}

/// Marks every attribute of `new` that was sensitive in the `planned` value.
pub(crate) fn remark_planned(planned: &Value, new: Value) -> Value {
    match new {
        Value::Map(mut m) => {
            for (k, v) in m.iter_mut() {
                if planned.get(k).contains_sensitive() && !v.contains_sensitive() {
                    *v = v.clone().mark_sensitive();
                }
            }
            Value::Map(m)
        }
        other => other,
    }
}
