//! Numbers. What Terraform computes exactly (`abs`, `ceil`, `floor`, `min`, `max`, `sum`,
//! `parseint`) is exact here at the operands' precision; what it computes in 64-bit floating
//! point (`pow`, `log`) is computed so here and has 53 bits.

use super::*;
use crate::core::value::Number;

pub(super) fn abs(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Number(exact_arg(c, a, 0)?.abs()))
}

pub(super) fn ceil(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let n = exact_arg(c, a, 0)?;
    let t = n.trunc();
    // Toward positive infinity: a positive fraction goes up one.
    Ok(Value::Number(if !n.is_negative() && t != n {
        add_one(&t, 1)?
    } else {
        t
    }))
}

pub(super) fn floor(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let n = exact_arg(c, a, 0)?;
    let t = n.trunc();
    Ok(Value::Number(if n.is_negative() && t != n {
        add_one(&t, -1)?
    } else {
        t
    }))
}

fn add_one(n: &Number, by: i64) -> Result<Number, String> {
    n.add(&Number::int(by))
        .ok_or_else(|| invalid("the number has no whole neighbour."))
}

pub(super) fn signum(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let n = exact_arg(c, a, 0)?;
    // Terraform's signum takes a whole number that fits 64 bits, nothing else.
    let Some(i) = n.to_i64() else {
        return Err(invalid(
            "value must be a whole number, between -9223372036854775808 and 9223372036854775807.",
        ));
    };
    Ok(Value::from(i.signum()))
}

fn extreme(c: &Call<'_>, a: &[Value], keep: std::cmp::Ordering) -> Result<Value, String> {
    if a.is_empty() {
        return Err(invalid("must pass at least one number."));
    }
    let mut best = exact_arg(c, a, 0)?;
    for i in 1..a.len() {
        let n = exact_arg(c, a, i)?;
        if n.cmp_exact(&best) == keep {
            best = n;
        }
    }
    Ok(Value::Number(best))
}

pub(super) fn min(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    extreme(c, a, std::cmp::Ordering::Less)
}

pub(super) fn max(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    extreme(c, a, std::cmp::Ordering::Greater)
}

pub(super) fn sum(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    if items.is_empty() {
        return Err(invalid("cannot sum an empty list."));
    }
    let mut total: Option<Number> = None;
    for i in 0..items.len() {
        let n = exact_arg(c, items, i).map_err(|_| {
            invalid(format!(
                "element {i} of argument 1 must be a number, got {}.",
                items[i].type_name()
            ))
        })?;
        total = Some(match total {
            None => n,
            Some(t) => t
                .add(&n)
                .ok_or_else(|| invalid("the sum of infinities of both signs has no value."))?,
        });
    }
    Ok(Value::Number(total.unwrap_or_else(|| Number::int(0))))
}

/// A result of 64-bit floating point: an error where it is not a number, as in Terraform.
fn float(f: f64) -> Result<Value, String> {
    if f.is_nan() {
        return Err("the result is not a number.".into());
    }
    Ok(Value::Number(Number::float(f)))
}

pub(super) fn pow(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    float(number_arg(c, a, 0)?.powf(number_arg(c, a, 1)?))
}

pub(super) fn log(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let (n, base) = (number_arg(c, a, 0)?, number_arg(c, a, 1)?);
    float(n.ln() / base.ln())
}

pub(super) fn parseint(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let base = int_arg(c, a, 1)?;
    if !(2..=62).contains(&base) {
        return Err(invalid("base must be a whole number between 2 and 62 inclusive."));
    }
    let (neg, digits) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    let fail = || invalid(format!("cannot parse {} as a base {base} integer.", c.show(&s)));
    // Go's big.Int digits: 0-9, a-z, then A-Z above base 36 (either case up to 36).
    let digit = |ch: char| -> Option<u32> {
        let d = match ch {
            '0'..='9' => ch as u32 - '0' as u32,
            'a'..='z' => ch as u32 - 'a' as u32 + 10,
            'A'..='Z' if base <= 36 => ch as u32 - 'A' as u32 + 10,
            'A'..='Z' => ch as u32 - 'A' as u32 + 36,
            _ => return None,
        };
        (i64::from(d) < base).then_some(d)
    };
    if digits.is_empty() {
        return Err(fail());
    }
    let mut text = String::new();
    let mut value = num_bigint::BigUint::default();
    for ch in digits.chars() {
        value = value * (base as u32) + digit(ch).ok_or_else(fail)?;
    }
    if neg {
        text.push('-');
    }
    text.push_str(&value.to_str_radix(10));
    Number::parse(&text).map(|n| Value::Number(n.trunc())).ok_or_else(fail)
}

/// Argument `i` as an exact number; strings holding a decimal number convert, as in Terraform.
pub(super) fn exact_arg(c: &Call<'_>, args: &[Value], i: usize) -> Result<Number, String> {
    match &args[i] {
        Value::Number(n) => Ok(n.clone()),
        Value::String(s) => {
            Number::parse(s).ok_or_else(|| invalid(format!("argument {} must be a number, got {}.", i + 1, c.show(s))))
        }
        other => Err(wrong_type(i, "a number", other)),
    }
}
