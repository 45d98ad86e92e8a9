//! format and formatlist, with Go's fmt verbs as Terraform has them.

use super::*;

/// The largest width or precision of a verb: more is a mistake, and would exhaust memory.
const MAX_WIDTH: usize = 100_000;

#[derive(Default)]
pub(super) struct Verb {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    width: Option<usize>,
    precision: Option<usize>,
    verb: char,
    /// The verb as written, e.g. `%-5d`, for error messages.
    raw: String,
    /// Character offset of the verb in the format string.
    offset: usize,
}

pub(super) fn format(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let spec = string_arg(a, 0)?;
    // Terraform's answer for a null argument, used or not, is a value of no known type.
    if a[1..].iter().any(Value::is_null) {
        return Ok(Value::UNKNOWN);
    }
    format_values(c, &spec, &a[1..]).map(Value::String)
}

pub(super) fn format_values(c: &Call<'_>, spec: &str, args: &[Value]) -> Result<String, String> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut next_arg = 0usize;
    let mut used = 0usize;
    while i < chars.len() {
        if chars[i] != '%' {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        i += 1;
        let mut v = Verb {
            offset: start,
            ..Verb::default()
        };
        while let Some(&ch) = chars.get(i) {
            match ch {
                '-' => v.minus = true,
                '+' => v.plus = true,
                ' ' => v.space = true,
                '0' => v.zero = true,
                '#' => v.sharp = true,
                _ => break,
            }
            i += 1;
        }
        if chars.get(i) == Some(&'[') {
            let close = chars[i..].iter().position(|&ch| ch == ']').map(|p| p + i);
            let index = close.and_then(|close| chars[i + 1..close].iter().collect::<String>().parse::<usize>().ok());
            match (close, index) {
                (Some(close), Some(n)) if n >= 1 => {
                    next_arg = n - 1;
                    i = close + 1;
                }
                _ => {
                    return Err(invalid(format!(
                        "invalid argument index in format string at offset {start}."
                    )))
                }
            }
        }
        let digits = |i: &mut usize| -> Option<usize> {
            let from = *i;
            while chars.get(*i).is_some_and(char::is_ascii_digit) {
                *i += 1;
            }
            chars[from..*i].iter().collect::<String>().parse().ok()
        };
        v.width = digits(&mut i);
        if chars.get(i) == Some(&'.') {
            i += 1;
            v.precision = Some(digits(&mut i).unwrap_or(0));
        }
        if v.width.max(v.precision).is_some_and(|n| n > MAX_WIDTH) {
            return Err(invalid(format!(
                "the width or precision at offset {start} is larger than {MAX_WIDTH}."
            )));
        }
        let Some(&verb) = chars.get(i) else {
            return Err(invalid(format!(
                "format string ends with an incomplete verb at offset {start}."
            )));
        };
        i += 1;
        v.verb = verb;
        v.raw = chars[start..i].iter().collect();
        if verb == '%' {
            out.push('%');
            continue;
        }
        let arg = args.get(next_arg).ok_or_else(|| {
            invalid(format!(
                "not enough arguments for \"{}\" at {}: need index {} but have {} total.",
                v.raw,
                v.offset,
                next_arg + 1,
                args.len()
            ))
        })?;
        next_arg += 1;
        used = used.max(next_arg);
        out.push_str(&format_one(c, &v, arg)?);
    }
    if args.len() > used {
        return Err(invalid(format!(
            "too many arguments; only {used} used by format string."
        )));
    }
    Ok(out)
}

pub(super) fn format_one(c: &Call<'_>, v: &Verb, arg: &Value) -> Result<String, String> {
    let unsupported = |why: &str| invalid(format!("unsupported value for \"{}\" at {}: {why}.", v.raw, v.offset));
    if arg.is_null() && v.verb != 'v' {
        return Err(unsupported("null value cannot be formatted"));
    }
    let as_string = |arg: &Value| -> Result<String, String> {
        arg.to_template_string()
            .ok_or_else(|| unsupported(&format!("string required, got {}", arg.type_name())))
    };
    let as_number = |arg: &Value| -> Result<f64, String> {
        match arg {
            Value::Number(n) => Ok(n.to_f64()),
            Value::String(s) => {
                parse_number(s).ok_or_else(|| unsupported(&format!("number required, got {}", c.show(s))))
            }
            other => Err(unsupported(&format!("number required, got {}", other.type_name()))),
        }
    };
    match v.verb {
        'v' => {
            let s = match arg {
                _ if v.sharp => json_encode(arg).unwrap_or_default(),
                Value::Null => "null".to_string(),
                Value::List(_) | Value::Map(_) => json_encode(arg).unwrap_or_default(),
                other => other.to_template_string().unwrap_or_default(),
            };
            Ok(pad_text(v, s))
        }
        's' => {
            let mut s = as_string(arg)?;
            if let Some(p) = v.precision {
                s = s.chars().take(p).collect();
            }
            Ok(pad_text(v, s))
        }
        'q' => {
            let s = as_string(arg)?;
            Ok(pad_text(v, Value::String(s).to_string()))
        }
        't' => {
            let b = to_bool(arg).ok_or_else(|| unsupported(&format!("bool required, got {}", arg.type_name())))?;
            Ok(pad_text(v, b.to_string()))
        }
        'd' | 'b' | 'o' | 'x' | 'X' => {
            let n = as_number(arg)?;
            if n.fract() != 0.0 {
                return Err(unsupported("a whole number is required"));
            }
            let mag = n.abs();
            let mut digits = match v.verb {
                'd' if mag < 1e15 => format!("{}", mag as u64),
                'd' => format!("{mag:.0}"),
                'b' => format!("{:b}", mag as u128),
                'o' => format!("{:o}", mag as u128),
                'x' => format!("{:x}", mag as u128),
                _ => format!("{:X}", mag as u128),
            };
            if let Some(p) = v.precision {
                while digits.len() < p {
                    digits.insert(0, '0');
                }
            }
            Ok(pad_number(v, n < 0.0, digits))
        }
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => {
            let n = as_number(arg)?;
            let mag = n.abs();
            let digits = match v.verb {
                'f' | 'F' => format!("{:.*}", v.precision.unwrap_or(6), mag),
                'e' | 'E' => go_exp(mag, v.precision.unwrap_or(6), v.verb == 'E'),
                _ => go_general(mag, v.precision, v.verb == 'G'),
            };
            Ok(pad_number(v, n < 0.0, digits))
        }
        other => Err(invalid(format!("unsupported format verb %{other} at {}.", v.offset))),
    }
}

pub(super) fn pad_text(v: &Verb, s: String) -> String {
    let len = s.chars().count();
    match v.width {
        Some(w) if w > len => {
            let fill = " ".repeat(w - len);
            if v.minus {
                s + &fill
            } else {
                fill + &s
            }
        }
        _ => s,
    }
}

pub(super) fn pad_number(v: &Verb, negative: bool, digits: String) -> String {
    let sign = if negative {
        "-"
    } else if v.plus {
        "+"
    } else if v.space {
        " "
    } else {
        ""
    };
    let len = sign.len() + digits.chars().count();
    let width = v.width.unwrap_or(0);
    if width <= len {
        return format!("{sign}{digits}");
    }
    let fill = width - len;
    if v.minus {
        format!("{sign}{digits}{}", " ".repeat(fill))
    } else if v.zero {
        format!("{sign}{}{digits}", "0".repeat(fill))
    } else {
        format!("{}{sign}{digits}", " ".repeat(fill))
    }
}

/// Splits Rust's `1.5e2` into mantissa and exponent.
pub(super) fn split_exp(s: &str) -> (String, i32) {
    match s.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse().unwrap_or(0)),
        None => (s.to_string(), 0),
    }
}

/// Go's `%e`: the exponent has a sign and at least two digits (`1.500000e+02`).
pub(super) fn go_exp(x: f64, precision: usize, upper: bool) -> String {
    let (mantissa, exp) = split_exp(&format!("{x:.precision$e}"));
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{e}{sign}{:02}", exp.abs())
}

/// Go's `%g`: the shortest representation, switching to exponent form for large or small
/// magnitudes, with the same thresholds as Go's strconv.
pub(super) fn go_general(x: f64, precision: Option<usize>, upper: bool) -> String {
    if x == 0.0 {
        return "0".to_string();
    }
    let shortest = precision.is_none();
    let prec = precision.map(|p| p.max(1));
    let sci = match prec {
        Some(p) => format!("{:.*e}", p - 1, x),
        None => format!("{x:e}"),
    };
    let (mantissa, exp) = split_exp(&sci);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let nd = digits.trim_end_matches('0').len().max(1) as i64;
    let dp = exp as i64 + 1;
    let mut prec = prec.map(|p| p as i64).unwrap_or(nd);
    let mut eprec = prec;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    if shortest {
        eprec = 6;
    }
    let exp = exp as i64;
    if exp < -4 || exp >= eprec {
        if prec > nd {
            prec = nd;
        }
        return go_exp(x, (prec - 1).max(0) as usize, upper);
    }
    if prec > dp {
        prec = nd;
    }
    format!("{:.*}", (prec - dp).max(0) as usize, x)
}

pub(super) fn formatlist(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let spec = string_arg(a, 0)?;
    let mut len: Option<(usize, usize)> = None;
    for (i, arg) in a.iter().enumerate().skip(1) {
        if let Value::List(items) = arg {
            match len {
                None => len = Some((i, items.len())),
                Some((first, n)) if n != items.len() => {
                    return Err(invalid(format!(
                        "argument {} has length {}, which is inconsistent with argument {} of length {n}.",
                        i + 1,
                        items.len(),
                        first + 1
                    )))
                }
                Some(_) => {}
            }
        }
    }
    // With no list arguments there is exactly one iteration, as in Terraform.
    let count = len.map(|(_, n)| n).unwrap_or(1);
    let mut out = Vec::with_capacity(count);
    for n in 0..count {
        let row: Vec<Value> = a[1..]
            .iter()
            .map(|arg| match arg {
                Value::List(items) => items[n].clone(),
                other => other.clone(),
            })
            .collect();
        let s = format_values(c, &spec, &row).map_err(|e| format!("error on format iteration {n}: {e}"))?;
        out.push(Value::String(s));
    }
    Ok(Value::List(Seq::list(out).of(&Shape::String)))
}
