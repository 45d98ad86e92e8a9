//! Numbers.

use super::*;

pub(super) fn unary(c: &Call<'_>, a: &[Value], op: fn(f64) -> f64) -> Result<Value, String> {
    Ok(Value::Number(tidy(op(number_arg(c, a, 0)?))))
}

pub(super) fn abs(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, f64::abs)
}

pub(super) fn ceil(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, f64::ceil)
}

pub(super) fn floor(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, f64::floor)
}

pub(super) fn signum(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let n = number_arg(c, a, 0)?;
    // Terraform's signum takes a whole number that fits 64 bits, nothing else.
    if n.fract() != 0.0 || n.abs() > 9.223_372_036_854_776e18 {
        return Err(invalid(
            "value must be a whole number, between -9223372036854775808 and 9223372036854775807.",
        ));
    }
    Ok(Value::Number(if n == 0.0 { 0.0 } else { n.signum() }))
}

pub(super) fn extreme(c: &Call<'_>, a: &[Value], pick: fn(f64, f64) -> f64) -> Result<Value, String> {
    if a.is_empty() {
        return Err(invalid("must pass at least one number."));
    }
    let mut best = number_arg(c, a, 0)?;
    for i in 1..a.len() {
        best = pick(best, number_arg(c, a, i)?);
    }
    Ok(Value::Number(best))
}

pub(super) fn min(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    extreme(c, a, f64::min)
}

pub(super) fn max(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    extreme(c, a, f64::max)
}

pub(super) fn sum(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    if items.is_empty() {
        return Err(invalid("cannot sum an empty list."));
    }
    let mut total = 0.0;
    for i in 0..items.len() {
        total += number_arg(c, items, i).map_err(|_| {
            invalid(format!(
                "element {i} of argument 1 must be a number, got {}.",
                items[i].type_name()
            ))
        })?;
    }
    Ok(Value::Number(tidy(total)))
}

pub(super) fn pow(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Number(tidy(number_arg(c, a, 0)?.powf(number_arg(c, a, 1)?))))
}

pub(super) fn log(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let (n, base) = (number_arg(c, a, 0)?, number_arg(c, a, 1)?);
    Ok(Value::Number(tidy(n.ln() / base.ln())))
}

pub(super) fn parseint(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let base = int_arg(c, a, 1)?;
    if !(2..=36).contains(&base) {
        return Err(invalid("base must be a whole number between 2 and 36 inclusive."));
    }
    i64::from_str_radix(&s, base as u32)
        .map(|n| Value::Number(n as f64))
        .map_err(|_| invalid(format!("cannot parse {} as a base {base} integer.", c.show(&s))))
}
