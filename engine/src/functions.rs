//! Terraform's built-in functions.
//!
//! Functions see plain values: [`call`] strips sensitive marks before dispatch and puts one back
//! on the result, so no implementation can forget to propagate a mark. Unknown values are
//! handled the same way (any unknown argument makes the result unknown) except for the
//! functions that can say something exact about a partly unknown argument (`length` of a list
//! with unknown elements, `lookup` of a known key, ...); those are flagged in the table below
//! and check for unknowns themselves.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use base64::Engine as _;
use sha2::Digest as _;

use crate::value::{format_number, Value};

/// What a function call may need from its surroundings.
pub struct FunctionContext<'a> {
    /// Directory relative paths in file()/templatefile() resolve against (the module's path).
    pub base_dir: &'a Path,
    /// Renders a template source with the given variables (an object Value); used by templatefile.
    pub render_template: &'a dyn Fn(&str, &Value) -> Result<Value, String>,
}

/// Calls a function with already-evaluated arguments. Errors are a message fit to show the user
/// ("Invalid function argument: ..."), without the function name prefix (the caller adds it).
pub fn call(name: &str, args: Vec<Value>, ctx: &FunctionContext<'_>) -> Result<Value, String> {
    let spec = SPECS
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("There is no function named \"{name}\"."))?;
    check_arity(spec, args.len())?;

    // These three are about the marks themselves, so they must see them.
    match name {
        "sensitive" => return Ok(args[0].clone().mark_sensitive()),
        "nonsensitive" => return Ok(args[0].deep_unmark()),
        "issensitive" => return Ok(Value::Bool(args[0].unmark().1)),
        _ => {}
    }

    let sensitive = args.iter().any(Value::contains_sensitive);
    let args: Vec<Value> = if sensitive {
        args.iter().map(Value::deep_unmark).collect()
    } else {
        args
    };
    if !spec.sees_unknown && args.iter().any(Value::contains_unknown) {
        return Ok(Value::Unknown.mark_if(sensitive));
    }
    let c = Call { ctx, sensitive };
    (spec.run)(&c, &args).map(|v| v.mark_if(sensitive))
}

/// True when `name` is a function this module implements (try and can are handled by the
/// evaluator but are listed so that they are known names).
pub fn exists(name: &str) -> bool {
    SPECS.iter().any(|s| s.name == name)
}

/// Every function name, sorted, for "did you mean" suggestions.
pub fn names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = SPECS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names
    })
}

/// The state one call carries into a function body.
struct Call<'c> {
    ctx: &'c FunctionContext<'c>,
    /// Whether any argument was sensitive: error messages must then not echo argument text.
    sensitive: bool,
}

impl Call<'_> {
    /// Quotes user text for an error message unless it may be a secret.
    fn show(&self, s: &str) -> String {
        if self.sensitive {
            "(sensitive value)".to_string()
        } else {
            Value::String(s.to_string()).to_string()
        }
    }
}

type Impl = fn(&Call<'_>, &[Value]) -> Result<Value, String>;

struct Spec {
    name: &'static str,
    min: usize,
    /// `None` for variadic functions.
    max: Option<usize>,
    /// The function inspects unknown arguments itself instead of being short-circuited.
    sees_unknown: bool,
    run: Impl,
}

const fn f(name: &'static str, min: usize, max: Option<usize>, run: Impl) -> Spec {
    Spec {
        name,
        min,
        max,
        sees_unknown: false,
        run,
    }
}

const fn u(name: &'static str, min: usize, max: Option<usize>, run: Impl) -> Spec {
    Spec {
        name,
        min,
        max,
        sees_unknown: true,
        run,
    }
}

const ONE: Option<usize> = Some(1);
const TWO: Option<usize> = Some(2);
const THREE: Option<usize> = Some(3);
const ANY: Option<usize> = None;

static SPECS: &[Spec] = &[
    f("abs", 1, ONE, abs),
    f("alltrue", 1, ONE, alltrue),
    f("anytrue", 1, ONE, anytrue),
    f("base64decode", 1, ONE, base64decode),
    f("base64encode", 1, ONE, base64encode),
    f("base64sha256", 1, ONE, base64sha256),
    f("basename", 1, ONE, basename),
    u("can", 1, ONE, lazy),
    f("ceil", 1, ONE, ceil),
    f("chomp", 1, ONE, chomp),
    f("chunklist", 2, TWO, chunklist),
    u("coalesce", 0, ANY, coalesce),
    f("coalescelist", 0, ANY, coalescelist),
    f("compact", 1, ONE, compact),
    u("concat", 0, ANY, concat),
    f("contains", 2, TWO, contains),
    f("dirname", 1, ONE, dirname),
    f("distinct", 1, ONE, distinct),
    u("element", 2, TWO, element),
    f("endswith", 2, TWO, endswith),
    f("file", 1, ONE, file),
    f("filebase64", 1, ONE, filebase64),
    f("fileexists", 1, ONE, fileexists),
    u("flatten", 1, ONE, flatten),
    f("floor", 1, ONE, floor),
    f("format", 1, ANY, format),
    f("formatlist", 1, ANY, formatlist),
    f("index", 2, TWO, index),
    f("indent", 2, TWO, indent),
    f("issensitive", 1, ONE, lazy),
    f("join", 1, ANY, join),
    f("jsondecode", 1, ONE, jsondecode),
    f("jsonencode", 1, ONE, jsonencode),
    u("keys", 1, ONE, keys),
    u("length", 1, ONE, length),
    f("log", 2, TWO, log),
    u("lookup", 2, THREE, lookup),
    f("lower", 1, ONE, lower),
    f("max", 0, ANY, max),
    u("merge", 0, ANY, merge),
    f("min", 0, ANY, min),
    f("nonsensitive", 1, ONE, lazy),
    f("one", 1, ONE, one),
    f("parseint", 2, TWO, parseint),
    f("pow", 2, TWO, pow),
    f("range", 1, THREE, range),
    f("regex", 2, TWO, regex_fn),
    f("regexall", 2, TWO, regexall),
    f("replace", 3, THREE, replace),
    f("reverse", 1, ONE, reverse),
    f("sensitive", 1, ONE, lazy),
    f("setintersection", 1, ANY, setintersection),
    f("setsubtract", 2, TWO, setsubtract),
    f("setunion", 1, ANY, setunion),
    f("sha256", 1, ONE, sha256),
    f("signum", 1, ONE, signum),
    f("slice", 3, THREE, slice),
    f("sort", 1, ONE, sort),
    f("split", 2, TWO, split),
    f("startswith", 2, TWO, startswith),
    f("strrev", 1, ONE, strrev),
    f("substr", 3, THREE, substr),
    f("sum", 1, ONE, sum),
    f("templatefile", 2, TWO, templatefile),
    f("title", 1, ONE, title),
    f("tobool", 1, ONE, tobool),
    u("tolist", 1, ONE, tolist),
    u("tomap", 1, ONE, tomap),
    f("tonumber", 1, ONE, tonumber),
    f("toset", 1, ONE, toset),
    f("tostring", 1, ONE, tostring),
    f("transpose", 1, ONE, transpose),
    f("trim", 2, TWO, trim),
    f("trimprefix", 2, TWO, trimprefix),
    f("trimspace", 1, ONE, trimspace),
    f("trimsuffix", 2, TWO, trimsuffix),
    u("try", 1, ANY, lazy),
    f("upper", 1, ONE, upper),
    f("urlencode", 1, ONE, urlencode),
    u("values", 1, ONE, values),
    f("zipmap", 2, TWO, zipmap),
];

fn check_arity(spec: &Spec, n: usize) -> Result<(), String> {
    let plural = |k: usize| if k == 1 { "argument" } else { "arguments" };
    if n < spec.min {
        let at_least = if spec.max == Some(spec.min) { "" } else { "at least " };
        return Err(format!(
            "Not enough function arguments: expected {at_least}{} {}, got {n}.",
            spec.min,
            plural(spec.min)
        ));
    }
    if let Some(max) = spec.max {
        if n > max {
            let at_most = if max == spec.min { "" } else { "at most " };
            return Err(format!(
                "Too many function arguments: expected {at_most}{max} {}, got {n}.",
                plural(max)
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Argument helpers. Arity is checked before dispatch, so `args[i]` for a required position is
// always present.

fn invalid(msg: impl std::fmt::Display) -> String {
    format!("Invalid function argument: {msg}")
}

fn wrong_type(i: usize, want: &str, got: &Value) -> String {
    invalid(format!("argument {} must be {want}, got {}.", i + 1, got.type_name()))
}

/// Like Terraform, numbers and bools convert to strings where a string is expected.
fn string_arg(args: &[Value], i: usize) -> Result<String, String> {
    match &args[i] {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(format_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        other => Err(wrong_type(i, "a string", other)),
    }
}

fn parse_number(s: &str) -> Option<f64> {
    // Rust accepts "inf" and "NaN", Terraform does not.
    s.parse::<f64>().ok().filter(|n| n.is_finite())
}

/// Like Terraform, strings holding a decimal number convert where a number is expected.
fn number_arg(c: &Call<'_>, args: &[Value], i: usize) -> Result<f64, String> {
    match &args[i] {
        Value::Number(n) => Ok(*n),
        Value::String(s) => {
            parse_number(s).ok_or_else(|| invalid(format!("argument {} must be a number, got {}.", i + 1, c.show(s))))
        }
        other => Err(wrong_type(i, "a number", other)),
    }
}

fn int_arg(c: &Call<'_>, args: &[Value], i: usize) -> Result<i64, String> {
    let n = number_arg(c, args, i)?;
    if n.fract() != 0.0 || !n.is_finite() {
        return Err(invalid(format!(
            "argument {} must be a whole number, got {}.",
            i + 1,
            format_number(n)
        )));
    }
    Ok(n as i64)
}

fn list_arg(args: &[Value], i: usize) -> Result<&[Value], String> {
    match &args[i] {
        Value::List(items) => Ok(items),
        other => Err(wrong_type(i, "a list", other)),
    }
}

fn map_arg(args: &[Value], i: usize) -> Result<&BTreeMap<String, Value>, String> {
    match &args[i] {
        Value::Map(map) => Ok(map),
        other => Err(wrong_type(i, "a map", other)),
    }
}

fn to_bool(v: &Value) -> Option<bool> {
    match v {
        Value::Bool(b) => Some(*b),
        Value::String(s) if s == "true" => Some(true),
        Value::String(s) if s == "false" => Some(false),
        _ => None,
    }
}

/// Numbers computed in binary drift (0.1 + 0.2); Terraform computes in decimal, so round to
/// 15 significant digits, which is all an f64 holds reliably anyway.
fn tidy(n: f64) -> f64 {
    // Whole numbers are exact; rounding them would corrupt large integers such as account IDs.
    if !n.is_finite() || n.fract() == 0.0 {
        return if n == 0.0 { 0.0 } else { n };
    }
    let t = format!("{n:.14e}").parse::<f64>().unwrap_or(n);
    // Avoid printing "-0".
    if t == 0.0 {
        0.0
    } else {
        t
    }
}

/// Equality as Terraform's collection functions see it: the needle converts to the element type,
/// so `contains(["1"], 1)` holds.
fn loose_eq(a: &Value, b: &Value) -> bool {
    if a == b {
        return true;
    }
    let primitive = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_));
    if primitive(a) && primitive(b) && (matches!(a, Value::String(_)) || matches!(b, Value::String(_))) {
        return a.to_template_string() == b.to_template_string();
    }
    false
}

fn lazy(_: &Call<'_>, _: &[Value]) -> Result<Value, String> {
    Err("this function is evaluated by the expression evaluator, not called with values.".to_string())
}

// ---------------------------------------------------------------------------------------------
// Encoding.

/// Terraform's JSON: compact, keys sorted, and HTML-sensitive characters escaped because Go's
/// encoder does so by default. Those characters can only occur inside JSON strings, so a textual
/// replacement is safe. `None` when the value is not wholly known.
fn json_encode(v: &Value) -> Option<String> {
    let json = v.to_json()?;
    let raw = serde_json::to_string(&json).ok()?;
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    Some(out)
}

fn jsonencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(json_encode(&a[0]).map(Value::String).unwrap_or(Value::Unknown))
}

fn jsondecode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    serde_json::from_str::<serde_json::Value>(&s)
        .map(|j| Value::from_json(&j))
        .map_err(|e| invalid(format!("argument 1 is not valid JSON: {e}.")))
}

fn base64encode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(s.as_bytes()),
    ))
}

fn base64decode(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.as_bytes())
        .map_err(|e| invalid(format!("failed to decode base64 data {}: {e}.", c.show(&s))))?;
    String::from_utf8(bytes)
        .map(Value::String)
        .map_err(|_| invalid("the result of decoding the provided string is not valid UTF-8."))
}

fn sha256_bytes(s: &str) -> Vec<u8> {
    sha2::Sha256::digest(s.as_bytes()).to_vec()
}

fn sha256(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    Ok(Value::String(
        sha256_bytes(&s).iter().map(|b| format!("{b:02x}")).collect(),
    ))
}

fn base64sha256(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    Ok(Value::String(
        base64::engine::general_purpose::STANDARD.encode(sha256_bytes(&s)),
    ))
}

fn urlencode(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's url.QueryEscape, which Terraform uses: space becomes '+'.
    let s = string_arg(a, 0)?;
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    Ok(Value::String(out))
}

// ---------------------------------------------------------------------------------------------
// format and formatlist.

#[derive(Default)]
struct Verb {
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

fn format(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let spec = string_arg(a, 0)?;
    format_values(c, &spec, &a[1..]).map(Value::String)
}

fn format_values(c: &Call<'_>, spec: &str, args: &[Value]) -> Result<String, String> {
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

fn format_one(c: &Call<'_>, v: &Verb, arg: &Value) -> Result<String, String> {
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
            Value::Number(n) => Ok(*n),
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

fn pad_text(v: &Verb, s: String) -> String {
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

fn pad_number(v: &Verb, negative: bool, digits: String) -> String {
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
fn split_exp(s: &str) -> (String, i32) {
    match s.split_once('e') {
        Some((m, e)) => (m.to_string(), e.parse().unwrap_or(0)),
        None => (s.to_string(), 0),
    }
}

/// Go's `%e`: the exponent has a sign and at least two digits (`1.500000e+02`).
fn go_exp(x: f64, precision: usize, upper: bool) -> String {
    let (mantissa, exp) = split_exp(&format!("{x:.precision$e}"));
    let e = if upper { 'E' } else { 'e' };
    let sign = if exp < 0 { '-' } else { '+' };
    format!("{mantissa}{e}{sign}{:02}", exp.abs())
}

/// Go's `%g`: the shortest representation, switching to exponent form for large or small
/// magnitudes, with the same thresholds as Go's strconv.
fn go_general(x: f64, precision: Option<usize>, upper: bool) -> String {
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

fn formatlist(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
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
    Ok(Value::List(out))
}

// ---------------------------------------------------------------------------------------------
// Strings.

fn join(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let sep = string_arg(a, 0)?;
    if a.len() < 2 {
        return Err(invalid("at least one list is required."));
    }
    let mut parts = Vec::new();
    for i in 1..a.len() {
        for (j, item) in list_arg(a, i)?.iter().enumerate() {
            match item {
                Value::Null => return Err(invalid(format!("element {j} of argument {} is null.", i + 1))),
                other => parts.push(other.to_template_string().ok_or_else(|| {
                    invalid(format!(
                        "element {j} of argument {} must be a string, got {}.",
                        i + 1,
                        other.type_name()
                    ))
                })?),
            }
        }
    }
    Ok(Value::String(parts.join(&sep)))
}

fn split(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let sep = string_arg(a, 0)?;
    let s = string_arg(a, 1)?;
    // Go's strings.Split with an empty separator splits into characters.
    let parts: Vec<Value> = if sep.is_empty() {
        s.chars().map(|ch| Value::String(ch.to_string())).collect()
    } else {
        s.split(sep.as_str()).map(Value::from).collect()
    };
    Ok(Value::List(parts))
}

fn lower(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::String(string_arg(a, 0)?.to_lowercase()))
}

fn upper(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::String(string_arg(a, 0)?.to_uppercase()))
}

fn title(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's strings.Title: a letter after a separator is upper-cased.
    let is_separator = |ch: char| {
        if ch.is_ascii() {
            !(ch.is_ascii_alphanumeric() || ch == '_')
        } else if ch.is_alphanumeric() {
            false
        } else {
            ch.is_whitespace()
        }
    };
    let mut out = String::new();
    let mut after_separator = true;
    for ch in string_arg(a, 0)?.chars() {
        if after_separator {
            out.extend(ch.to_uppercase());
        } else {
            out.push(ch);
        }
        after_separator = is_separator(ch);
    }
    Ok(Value::String(out))
}

fn compile_regex(pattern: &str) -> Result<regex::Regex, String> {
    regex::Regex::new(pattern).map_err(|e| invalid(format!("invalid regular expression pattern: {e}")))
}

fn replace(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let sub = string_arg(a, 1)?;
    let rep = string_arg(a, 2)?;
    if sub.len() > 1 && sub.starts_with('/') && sub.ends_with('/') {
        let re = compile_regex(&sub[1..sub.len() - 1])?;
        return Ok(Value::String(re.replace_all(&s, rep.as_str()).into_owned()));
    }
    Ok(Value::String(s.replace(&sub, &rep)))
}

/// Compiles a pattern for regex()/regexall(), whose result shape depends on the capture groups.
fn compile_capturing(pattern: &str) -> Result<regex::Regex, String> {
    let re = compile_regex(pattern)?;
    let named = re.capture_names().flatten().count();
    if named > 0 && named != re.captures_len() - 1 {
        return Err(invalid(
            "invalid regular expression pattern: cannot mix both named and unnamed capture groups.",
        ));
    }
    Ok(re)
}

fn capture_value(re: &regex::Regex, caps: &regex::Captures<'_>) -> Value {
    let text = |m: Option<regex::Match<'_>>| m.map(|m| Value::from(m.as_str())).unwrap_or(Value::Null);
    if re.captures_len() == 1 {
        return text(caps.get(0));
    }
    if re.capture_names().flatten().count() > 0 {
        return Value::Map(
            re.capture_names()
                .flatten()
                .map(|n| (n.to_string(), text(caps.name(n))))
                .collect(),
        );
    }
    Value::List(caps.iter().skip(1).map(text).collect())
}

fn regex_fn(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let re = compile_capturing(&string_arg(a, 0)?)?;
    let s = string_arg(a, 1)?;
    let caps = re
        .captures(&s)
        .ok_or_else(|| invalid("pattern did not match any part of the given string."))?;
    Ok(capture_value(&re, &caps))
}

fn regexall(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let re = compile_capturing(&string_arg(a, 0)?)?;
    let s = string_arg(a, 1)?;
    Ok(Value::List(
        re.captures_iter(&s).map(|caps| capture_value(&re, &caps)).collect(),
    ))
}

fn trimspace(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(string_arg(a, 0)?.trim()))
}

fn trim(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let cutset = string_arg(a, 1)?;
    Ok(Value::from(s.trim_matches(|ch| cutset.contains(ch))))
}

fn trimprefix(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let prefix = string_arg(a, 1)?;
    Ok(Value::from(s.strip_prefix(prefix.as_str()).unwrap_or(&s)))
}

fn trimsuffix(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let suffix = string_arg(a, 1)?;
    Ok(Value::from(s.strip_suffix(suffix.as_str()).unwrap_or(&s)))
}

fn chomp(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::from(string_arg(a, 0)?.trim_end_matches(['\r', '\n'])))
}

fn indent(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let spaces = int_arg(c, a, 0)?.max(0) as usize;
    let s = string_arg(a, 1)?;
    Ok(Value::String(s.replace('\n', &format!("\n{}", " ".repeat(spaces)))))
}

fn strrev(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::String(string_arg(a, 0)?.chars().rev().collect()))
}

fn substr(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let offset = int_arg(c, a, 1)?;
    let length = int_arg(c, a, 2)?;
    let chars: Vec<char> = s.chars().collect();
    let total = chars.len() as i64;
    // A negative offset counts from the end; any negative length means "to the end".
    let start = if offset < 0 {
        (total + offset).max(0)
    } else {
        offset.min(total)
    } as usize;
    let rest = &chars[start..];
    let take = if length < 0 {
        rest.len()
    } else {
        (length as usize).min(rest.len())
    };
    Ok(Value::String(rest[..take].iter().collect()))
}

fn startswith(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string_arg(a, 0)?.starts_with(string_arg(a, 1)?.as_str())))
}

fn endswith(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Bool(string_arg(a, 0)?.ends_with(string_arg(a, 1)?.as_str())))
}

// ---------------------------------------------------------------------------------------------
// Collections.

fn length(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let n = match &a[0] {
        // A list's length is known even when its elements are not.
        Value::Unknown => return Ok(Value::Unknown),
        Value::String(s) => s.chars().count(),
        Value::List(items) => items.len(),
        Value::Map(map) => map.len(),
        Value::Null => return Err(invalid("argument 1 must not be null.")),
        other => return Err(wrong_type(0, "a string, list or map", other)),
    };
    Ok(Value::Number(n as f64))
}

fn concat(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (i, arg) in a.iter().enumerate() {
        match arg {
            Value::Unknown => return Ok(Value::Unknown),
            Value::List(items) => out.extend(items.iter().cloned()),
            other => return Err(wrong_type(i, "a list", other)),
        }
    }
    Ok(Value::List(out))
}

fn merge(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = BTreeMap::new();
    for (i, arg) in a.iter().enumerate() {
        match arg {
            // Its keys are unknown, so the result's keys are too.
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => {}
            Value::Map(map) => out.extend(map.iter().map(|(k, v)| (k.clone(), v.clone()))),
            other => return Err(wrong_type(i, "a map", other)),
        }
    }
    Ok(Value::Map(out))
}

fn lookup(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    if a[0].is_unknown() || a[1].is_unknown() {
        return Ok(Value::Unknown);
    }
    let map = map_arg(a, 0)?;
    let key = string_arg(a, 1)?;
    match (map.get(&key), a.get(2)) {
        (Some(v), _) => Ok(v.clone()),
        (None, Some(default)) => Ok(default.clone()),
        (None, None) => Err(invalid(format!("lookup failed to find key {}.", c.show(&key)))),
    }
}

fn keys(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Map(map) => Ok(Value::List(map.keys().map(|k| Value::from(k.as_str())).collect())),
        other => Err(wrong_type(0, "a map", other)),
    }
}

fn values(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::Map(map) => Ok(Value::List(map.values().cloned().collect())),
        other => Err(wrong_type(0, "a map", other)),
    }
}

fn contains(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    Ok(Value::Bool(items.iter().any(|item| loose_eq(item, &a[1]))))
}

fn index(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    items
        .iter()
        .position(|item| loose_eq(item, &a[1]))
        .map(|i| Value::Number(i as f64))
        .ok_or_else(|| invalid("item not found."))
}

fn coalesce(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    for arg in a {
        match arg {
            // It might be null or empty, so it cannot be skipped nor chosen.
            Value::Unknown => return Ok(Value::Unknown),
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            chosen => {
                // Terraform unifies the argument types first: a string among primitives makes
                // the result a string.
                let any_string = a.iter().any(|v| matches!(v, Value::String(_)));
                let primitive = matches!(chosen, Value::Number(_) | Value::Bool(_));
                if primitive && any_string {
                    return Ok(Value::from(chosen.to_template_string()));
                }
                return Ok(chosen.clone());
            }
        }
    }
    Err(invalid("no non-null, non-empty-string arguments."))
}

fn coalescelist(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    for i in 0..a.len() {
        if a[i].is_null() {
            continue;
        }
        if !list_arg(a, i)?.is_empty() {
            return Ok(a[i].clone());
        }
    }
    Err(invalid("no non-null arguments."))
}

fn compact(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (j, item) in list_arg(a, 0)?.iter().enumerate() {
        match item {
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            other => out.push(Value::from(other.to_template_string().ok_or_else(|| {
                invalid(format!("element {j} must be a string, got {}.", other.type_name()))
            })?)),
        }
    }
    Ok(Value::List(out))
}

fn element(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    if a[0].is_unknown() || a[1].is_unknown() {
        return Ok(Value::Unknown);
    }
    let items = list_arg(a, 0)?;
    let i = int_arg(c, a, 1)?;
    if items.is_empty() {
        return Err(invalid("cannot use element function with an empty list."));
    }
    if i < 0 {
        return Err(invalid("cannot use element function with a negative index."));
    }
    Ok(items[(i as usize) % items.len()].clone())
}

fn flatten(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    /// False when an unknown element might itself be a list of unknown length.
    fn walk(items: &[Value], out: &mut Vec<Value>) -> bool {
        for item in items {
            match item {
                Value::List(inner) => {
                    if !walk(inner, out) {
                        return false;
                    }
                }
                Value::Unknown => return false,
                other => out.push(other.clone()),
            }
        }
        true
    }
    match &a[0] {
        Value::Unknown => Ok(Value::Unknown),
        Value::List(items) => {
            let mut out = Vec::new();
            Ok(if walk(items, &mut out) {
                Value::List(out)
            } else {
                Value::Unknown
            })
        }
        other => Err(wrong_type(0, "a list", other)),
    }
}

fn distinct(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out: Vec<Value> = Vec::new();
    for item in list_arg(a, 0)? {
        if !out.contains(item) {
            out.push(item.clone());
        }
    }
    Ok(Value::List(out))
}

fn reverse(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::List(list_arg(a, 0)?.iter().rev().cloned().collect()))
}

fn sort(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out = Vec::new();
    for (j, item) in list_arg(a, 0)?.iter().enumerate() {
        match item {
            Value::Null => {
                return Err(invalid(format!(
                    "given list element {j} is null; a null string cannot be sorted."
                )))
            }
            other => out.push(
                other
                    .to_template_string()
                    .ok_or_else(|| invalid(format!("element {j} must be a string, got {}.", other.type_name())))?,
            ),
        }
    }
    out.sort();
    Ok(Value::List(out.into_iter().map(Value::String).collect()))
}

fn slice(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    let start = int_arg(c, a, 1)?;
    let end = int_arg(c, a, 2)?;
    if start < 0 {
        return Err(invalid("the starting index must be greater than or equal to zero."));
    }
    if end > items.len() as i64 {
        return Err(invalid("the ending index must not exceed the list length."));
    }
    if start > end {
        return Err(invalid(
            "the starting index must be less than or equal to the ending index.",
        ));
    }
    Ok(Value::List(items[start as usize..end as usize].to_vec()))
}

fn one(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match list_arg(a, 0)? {
        [] => Ok(Value::Null),
        [only] => Ok(only.clone()),
        _ => Err(invalid("must be a list with either zero or one elements.")),
    }
}

fn chunklist(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let items = list_arg(a, 0)?;
    let size = int_arg(c, a, 1)?;
    if size < 0 {
        return Err(invalid("the size argument must be positive."));
    }
    if size == 0 {
        return Ok(Value::List(vec![Value::List(items.to_vec())]));
    }
    Ok(Value::List(
        items.chunks(size as usize).map(|ch| Value::List(ch.to_vec())).collect(),
    ))
}

fn zipmap(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let ks = list_arg(a, 0)?;
    let vs = list_arg(a, 1)?;
    if ks.len() != vs.len() {
        return Err(invalid(format!(
            "number of keys ({}) does not match number of values ({}).",
            ks.len(),
            vs.len()
        )));
    }
    let mut out = BTreeMap::new();
    for (j, (k, v)) in ks.iter().zip(vs).enumerate() {
        let k = k
            .to_template_string()
            .ok_or_else(|| invalid(format!("key {j} must be a string, got {}.", k.type_name())))?;
        out.insert(k, v.clone());
    }
    Ok(Value::Map(out))
}

fn transpose(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (k, v) in map_arg(a, 0)? {
        let Value::List(items) = v else {
            return Err(invalid(format!(
                "element {k:?} must be a list of strings, got {}.",
                v.type_name()
            )));
        };
        for item in items {
            let s = item
                .to_template_string()
                .ok_or_else(|| invalid(format!("element {k:?} must be a list of strings.")))?;
            out.entry(s).or_default().push(Value::from(k.as_str()));
        }
    }
    Ok(Value::Map(out.into_iter().map(|(k, v)| (k, Value::List(v))).collect()))
}

/// Terraform's set semantics on our untyped lists: element types unified (a string among
/// primitives turns them all into strings), duplicates removed, and a deterministic order —
/// numeric for numbers as Terraform's number sets are, by string form otherwise.
fn normalize_set(items: Vec<Value>) -> Vec<Value> {
    let primitive = |v: &Value| matches!(v, Value::String(_) | Value::Number(_) | Value::Bool(_) | Value::Null);
    let stringify = items.iter().any(|v| matches!(v, Value::String(_))) && items.iter().all(primitive);
    let mut out: Vec<Value> = Vec::new();
    for item in items {
        let item = match item {
            Value::Number(_) | Value::Bool(_) if stringify => Value::from(item.to_template_string()),
            other => other,
        };
        if !out.contains(&item) {
            out.push(item);
        }
    }
    if out.iter().all(|v| matches!(v, Value::Number(_))) {
        out.sort_by(|x, y| x.as_f64().partial_cmp(&y.as_f64()).unwrap_or(std::cmp::Ordering::Equal));
    } else {
        let key = |v: &Value| v.to_template_string().or_else(|| json_encode(v)).unwrap_or_default();
        out.sort_by_cached_key(key);
    }
    out
}

fn toset(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::List(items) => Ok(Value::List(normalize_set(items.clone()))),
        other => Err(invalid(format!("cannot convert {} to set.", other.type_name()))),
    }
}

fn setunion(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let mut all = Vec::new();
    for i in 0..a.len() {
        all.extend(list_arg(a, i)?.iter().cloned());
    }
    Ok(Value::List(normalize_set(all)))
}

fn setintersection(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let sets = (0..a.len())
        .map(|i| list_arg(a, i).map(|items| normalize_set(items.to_vec())))
        .collect::<Result<Vec<_>, _>>()?;
    let (first, rest) = sets
        .split_first()
        .ok_or_else(|| invalid("at least one set is required."))?;
    let common = first
        .iter()
        .filter(|v| rest.iter().all(|s| s.contains(v)))
        .cloned()
        .collect();
    Ok(Value::List(normalize_set(common)))
}

fn setsubtract(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let from = normalize_set(list_arg(a, 0)?.to_vec());
    let remove = normalize_set(list_arg(a, 1)?.to_vec());
    Ok(Value::List(from.into_iter().filter(|v| !remove.contains(v)).collect()))
}

fn range(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let nums = (0..a.len())
        .map(|i| number_arg(c, a, i))
        .collect::<Result<Vec<_>, _>>()?;
    let direction = |from: f64, to: f64| if to < from { -1.0 } else { 1.0 };
    let (start, end, step) = match nums.as_slice() {
        [end] => (0.0, *end, direction(0.0, *end)),
        [start, end] => (*start, *end, direction(*start, *end)),
        [start, end, step] => (*start, *end, *step),
        _ => return Err(invalid("must have one, two, or three arguments.")),
    };
    if step == 0.0 {
        return Err(invalid("step must not be zero."));
    }
    let mut out = Vec::new();
    for i in 0.. {
        // Multiplying instead of accumulating keeps rounding error from growing.
        let v = tidy(start + step * f64::from(i));
        if (step > 0.0 && v >= end) || (step < 0.0 && v <= end) {
            break;
        }
        if out.len() >= 1024 {
            return Err(invalid(
                "more than 1024 values were generated; either decrease the difference between start and end or use a smaller step.",
            ));
        }
        out.push(Value::Number(v));
    }
    Ok(Value::List(out))
}

fn alltrue(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    bools(a).map(|bs| Value::Bool(bs.iter().all(|b| *b)))
}

fn anytrue(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    bools(a).map(|bs| Value::Bool(bs.iter().any(|b| *b)))
}

/// The list argument as booleans; null counts as false, as in Terraform.
fn bools(a: &[Value]) -> Result<Vec<bool>, String> {
    list_arg(a, 0)?
        .iter()
        .enumerate()
        .map(|(j, v)| match v {
            Value::Null => Ok(false),
            other => {
                to_bool(other).ok_or_else(|| invalid(format!("element {j} must be a bool, got {}.", other.type_name())))
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Type conversion.

fn tolist(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown => Ok(Value::Unknown),
        v @ (Value::Null | Value::List(_)) => Ok(v.clone()),
        other => Err(invalid(format!("cannot convert {} to list.", other.type_name()))),
    }
}

fn tomap(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Unknown => Ok(Value::Unknown),
        v @ (Value::Null | Value::Map(_)) => Ok(v.clone()),
        other => Err(invalid(format!("cannot convert {} to map.", other.type_name()))),
    }
}

fn tostring(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        v @ (Value::String(_) | Value::Number(_) | Value::Bool(_)) => Ok(Value::from(v.to_template_string())),
        other => Err(invalid(format!("cannot convert {} to string.", other.type_name()))),
    }
}

fn tonumber(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    match &a[0] {
        Value::Null => Ok(Value::Null),
        Value::Number(n) => Ok(Value::Number(*n)),
        Value::String(s) => parse_number(s).map(Value::Number).ok_or_else(|| {
            invalid(format!(
                "cannot convert {} to number; given string must be a decimal representation of a number.",
                c.show(s)
            ))
        }),
        other => Err(invalid(format!("cannot convert {} to number.", other.type_name()))),
    }
}

fn tobool(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
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

// ---------------------------------------------------------------------------------------------
// Numbers.

fn unary(c: &Call<'_>, a: &[Value], op: fn(f64) -> f64) -> Result<Value, String> {
    Ok(Value::Number(tidy(op(number_arg(c, a, 0)?))))
}

fn abs(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, f64::abs)
}

fn ceil(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, f64::ceil)
}

fn floor(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, f64::floor)
}

fn signum(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    unary(c, a, |n| if n == 0.0 { 0.0 } else { n.signum() })
}

fn extreme(c: &Call<'_>, a: &[Value], pick: fn(f64, f64) -> f64) -> Result<Value, String> {
    if a.is_empty() {
        return Err(invalid("must pass at least one number."));
    }
    let mut best = number_arg(c, a, 0)?;
    for i in 1..a.len() {
        best = pick(best, number_arg(c, a, i)?);
    }
    Ok(Value::Number(best))
}

fn min(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    extreme(c, a, f64::min)
}

fn max(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    extreme(c, a, f64::max)
}

fn sum(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
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

fn pow(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    Ok(Value::Number(tidy(number_arg(c, a, 0)?.powf(number_arg(c, a, 1)?))))
}

fn log(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let (n, base) = (number_arg(c, a, 0)?, number_arg(c, a, 1)?);
    Ok(Value::Number(tidy(n.ln() / base.ln())))
}

fn parseint(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let s = string_arg(a, 0)?;
    let base = int_arg(c, a, 1)?;
    if !(2..=36).contains(&base) {
        return Err(invalid("base must be a whole number between 2 and 36 inclusive."));
    }
    i64::from_str_radix(&s, base as u32)
        .map(|n| Value::Number(n as f64))
        .map_err(|_| invalid(format!("cannot parse {} as a base {base} integer.", c.show(&s))))
}

// ---------------------------------------------------------------------------------------------
// Files and paths.

fn resolve(c: &Call<'_>, path: &str) -> PathBuf {
    // Terraform expands a leading ~ to the home directory.
    if let Some(rest) = path.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    c.ctx.base_dir.join(path)
}

fn read_bytes(c: &Call<'_>, path: &str) -> Result<Vec<u8>, String> {
    std::fs::read(resolve(c, path)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            invalid(format!(
                "no file exists at {}; this function works only with files that are distributed as part of the \
                 configuration source code, so if this file will be created by a resource in this configuration you \
                 must instead obtain this result from an attribute of that resource.",
                c.show(path)
            ))
        } else {
            invalid(format!("failed to read {}: {e}.", c.show(path)))
        }
    })
}

fn read_text(c: &Call<'_>, path: &str) -> Result<String, String> {
    String::from_utf8(read_bytes(c, path)?).map_err(|_| {
        invalid(format!(
            "contents of {} are not valid UTF-8; use the filebase64 function to obtain the Base64 encoded contents.",
            c.show(path)
        ))
    })
}

fn file(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    read_text(c, &string_arg(a, 0)?).map(Value::String)
}

fn filebase64(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let bytes = read_bytes(c, &string_arg(a, 0)?)?;
    Ok(Value::String(base64::engine::general_purpose::STANDARD.encode(bytes)))
}

fn fileexists(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let path = string_arg(a, 0)?;
    match std::fs::metadata(resolve(c, &path)) {
        Ok(meta) if meta.is_dir() => Err(invalid(format!("{} is a directory, not a file.", c.show(&path)))),
        Ok(_) => Ok(Value::Bool(true)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Value::Bool(false)),
        Err(e) => Err(invalid(format!("failed to stat {}: {e}.", c.show(&path)))),
    }
}

fn templatefile(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let path = string_arg(a, 0)?;
    let vars = map_arg(a, 1).map_err(|_| wrong_type(1, "a map of template variables", &a[1]))?;
    for name in vars.keys() {
        let mut chars = name.chars();
        let valid = chars.next().is_some_and(|ch| ch.is_alphabetic() || ch == '_')
            && chars.all(|ch| ch.is_alphanumeric() || ch == '_' || ch == '-');
        if !valid {
            return Err(invalid(format!(
                "invalid template variable name {}: must start with a letter, followed by zero or more letters, digits, and underscores.",
                c.show(name)
            )));
        }
    }
    let source = read_text(c, &path)?;
    (c.ctx.render_template)(&source, &a[1]).map_err(|e| format!("{path}: {e}"))
}

fn basename(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's filepath.Base.
    let path = string_arg(a, 0)?;
    if path.is_empty() {
        return Ok(Value::from("."));
    }
    let trimmed = path.trim_end_matches('/');
    if trimmed.is_empty() {
        return Ok(Value::from("/"));
    }
    Ok(Value::from(trimmed.rsplit('/').next().unwrap_or(trimmed)))
}

fn dirname(_: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    // Go's filepath.Dir, without its full path cleaning.
    let path = string_arg(a, 0)?;
    let Some(slash) = path.rfind('/') else {
        return Ok(Value::from("."));
    };
    let dir = path[..slash].trim_end_matches('/');
    Ok(Value::from(if dir.is_empty() { "/" } else { dir }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::map;

    fn no_render(_: &str, _: &Value) -> Result<Value, String> {
        Err("no renderer".into())
    }

    fn run_in(dir: &Path, name: &str, args: Vec<Value>) -> Result<Value, String> {
        // A stand-in renderer: substitutes ${name} for every variable.
        let render = |src: &str, vars: &Value| -> Result<Value, String> {
            let mut out = src.to_string();
            for (k, v) in vars.as_map().ok_or("vars must be a map")? {
                out = out.replace(&format!("${{{k}}}"), &v.to_template_string().unwrap_or_default());
            }
            Ok(Value::String(out))
        };
        let ctx = FunctionContext {
            base_dir: dir,
            render_template: &render,
        };
        call(name, args, &ctx)
    }

    fn run(name: &str, args: Vec<Value>) -> Result<Value, String> {
        run_in(Path::new("."), name, args)
    }

    fn ok(name: &str, args: Vec<Value>) -> Value {
        run(name, args).unwrap_or_else(|e| panic!("{name} failed: {e}"))
    }

    fn err(name: &str, args: Vec<Value>) -> String {
        match run(name, args) {
            Ok(v) => panic!("{name} succeeded with {v:?}"),
            Err(e) => e,
        }
    }

    fn s(x: &str) -> Value {
        Value::from(x)
    }

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    fn list(items: Vec<Value>) -> Value {
        Value::List(items)
    }

    fn strs(items: &[&str]) -> Value {
        Value::List(items.iter().map(|x| s(x)).collect())
    }

    fn secret(v: Value) -> Value {
        v.mark_sensitive()
    }

    #[test]
    fn names_are_sorted_known_and_complete() {
        let all = names();
        assert!(all.windows(2).all(|w| w[0] < w[1]), "sorted and unique");
        for name in ["try", "can", "jsonencode", "templatefile", "replace", "toset"] {
            assert!(exists(name), "{name}");
            assert!(all.contains(&name));
        }
        assert!(!exists("nosuchfn"));
        assert!(err("nosuchfn", vec![]).contains("no function named"));
        assert!(err("try", vec![n(1.0)]).contains("evaluator"));
        assert!(err("can", vec![n(1.0)]).contains("evaluator"));
        let ctx = FunctionContext {
            base_dir: Path::new("."),
            render_template: &no_render,
        };
        assert_eq!(call("upper", vec![s("a")], &ctx), Ok(s("A")));
    }

    #[test]
    fn arity_is_checked() {
        assert_eq!(
            err("upper", vec![]),
            "Not enough function arguments: expected 1 argument, got 0."
        );
        assert_eq!(
            err("upper", vec![s("a"), s("b")]),
            "Too many function arguments: expected 1 argument, got 2."
        );
        assert_eq!(
            err("lookup", vec![Value::empty_map()]),
            "Not enough function arguments: expected at least 2 arguments, got 1."
        );
        assert_eq!(
            err("lookup", vec![Value::empty_map(), s("a"), s("b"), s("c")]),
            "Too many function arguments: expected at most 3 arguments, got 4."
        );
        // Arity errors win over unknown arguments: they are static mistakes.
        assert!(err("upper", vec![Value::Unknown, Value::Unknown]).starts_with("Too many"));
    }

    #[test]
    fn json() {
        let v = map([
            ("b", list(vec![n(1.0), n(1.5), Value::Bool(true), Value::Null])),
            ("a", s("<&>")),
        ]);
        assert_eq!(
            ok("jsonencode", vec![v]),
            s(r#"{"a":"\u003c\u0026\u003e","b":[1,1.5,true,null]}"#)
        );
        assert_eq!(ok("jsonencode", vec![s("x")]), s(r#""x""#));
        assert_eq!(ok("jsonencode", vec![Value::Null]), s("null"));
        assert_eq!(
            ok("jsonencode", vec![list(vec![s("a"), Value::Unknown])]),
            Value::Unknown
        );
        let decoded = ok("jsondecode", vec![s(r#"{"z": [1, "two", null], "a": {"b": false}}"#)]);
        assert_eq!(
            decoded,
            map([
                ("a", map([("b", Value::Bool(false))])),
                ("z", list(vec![n(1.0), s("two"), Value::Null]))
            ])
        );
        assert!(
            err("jsondecode", vec![s("{nope")]).starts_with("Invalid function argument: argument 1 is not valid JSON")
        );
        assert_eq!(
            err("jsonencode", vec![]),
            "Not enough function arguments: expected 1 argument, got 0."
        );
    }

    #[test]
    fn format_verbs() {
        let f = |spec: &str, args: Vec<Value>| {
            let mut all = vec![s(spec)];
            all.extend(args);
            ok("format", all)
        };
        assert_eq!(f("Hello, %s!", vec![s("Ander")]), s("Hello, Ander!"));
        assert_eq!(f("%d items", vec![n(42.0)]), s("42 items"));
        assert_eq!(f("%d", vec![s("7")]), s("7"));
        assert_eq!(f("%.2f", vec![n(3.14159)]), s("3.14"));
        assert_eq!(f("%f", vec![n(1.5)]), s("1.500000"));
        assert_eq!(f("%q", vec![s("a\"b")]), s(r#""a\"b""#));
        assert_eq!(f("%v %v %v", vec![s("x"), n(2.0), Value::Null]), s("x 2 null"));
        assert_eq!(f("%v", vec![list(vec![n(1.0), s("a")])]), s(r#"[1,"a"]"#));
        assert_eq!(f("%#v", vec![s("x")]), s(r#""x""#));
        assert_eq!(f("%t", vec![Value::Bool(true)]), s("true"));
        assert_eq!(f("100%%", vec![]), s("100%"));
        assert_eq!(
            f("%5d|%-5d|%05d|%+d", vec![n(42.0), n(42.0), n(-42.0), n(3.0)]),
            s("   42|42   |-0042|+3")
        );
        assert_eq!(
            f("%6s|%-6s|%.2s", vec![s("ab"), s("ab"), s("abc")]),
            s("    ab|ab    |ab")
        );
        assert_eq!(
            f("%x %X %o %b", vec![n(255.0), n(255.0), n(8.0), n(5.0)]),
            s("ff FF 10 101")
        );
        assert_eq!(f("%e", vec![n(1500.0)]), s("1.500000e+03"));
        assert_eq!(
            f("%g %g %g", vec![n(1.5), n(1e6), n(0.0001234)]),
            s("1.5 1e+06 0.0001234")
        );
        assert_eq!(f("%.3g", vec![n(1.0)]), s("1"));
        assert_eq!(f("%[2]s %[1]s", vec![s("a"), s("b")]), s("b a"));
        assert_eq!(f("%s", vec![Value::Bool(false)]), s("false"));
    }

    #[test]
    fn format_errors_and_unknowns() {
        assert_eq!(
            err("format", vec![s("%s %s"), s("a")]),
            "Invalid function argument: not enough arguments for \"%s\" at 3: need index 2 but have 1 total."
        );
        assert_eq!(
            err("format", vec![s("%s"), s("a"), s("b")]),
            "Invalid function argument: too many arguments; only 1 used by format string."
        );
        assert_eq!(
            err("format", vec![s("%s"), list(vec![])]),
            "Invalid function argument: unsupported value for \"%s\" at 0: string required, got list."
        );
        assert!(err("format", vec![s("%d"), n(1.5)]).contains("whole number"));
        assert!(err("format", vec![s("%d"), Value::Null]).contains("null value cannot be formatted"));
        assert!(err("format", vec![s("%z"), n(1.0)]).contains("unsupported format verb %z"));
        assert!(err("format", vec![s("abc %")]).contains("incomplete verb"));
        assert_eq!(ok("format", vec![s("%s"), Value::Unknown]), Value::Unknown);
        // A sensitive argument makes the whole result sensitive.
        assert_eq!(ok("format", vec![s("k=%s"), secret(s("v"))]), secret(s("k=v")));
    }

    #[test]
    fn formatlist_iterates_lists_and_repeats_scalars() {
        assert_eq!(
            ok("formatlist", vec![s("%s-%s"), strs(&["a", "b"]), s("x")]),
            strs(&["a-x", "b-x"])
        );
        assert_eq!(ok("formatlist", vec![s("%s"), s("only")]), strs(&["only"]));
        assert_eq!(ok("formatlist", vec![s("%s"), strs(&[])]), strs(&[]));
        assert!(err("formatlist", vec![s("%s%s"), strs(&["a"]), strs(&["a", "b"])]).contains("inconsistent"));
        assert_eq!(
            ok("formatlist", vec![s("%s"), list(vec![Value::Unknown])]),
            Value::Unknown
        );
    }

    #[test]
    fn string_functions() {
        assert_eq!(
            ok("join", vec![s(","), strs(&["a", "b"]), list(vec![n(3.0)])]),
            s("a,b,3")
        );
        assert_eq!(ok("join", vec![s(","), strs(&[])]), s(""));
        assert!(err("join", vec![s(",")]).contains("at least one list"));
        assert!(err("join", vec![s(","), list(vec![Value::Null])]).contains("element 0 of argument 2 is null"));
        assert_eq!(ok("split", vec![s(","), s("a,b,,c")]), strs(&["a", "b", "", "c"]));
        assert_eq!(ok("split", vec![s(","), s("")]), strs(&[""]));
        assert_eq!(ok("split", vec![s(""), s("ab")]), strs(&["a", "b"]));
        assert_eq!(ok("lower", vec![s("HÉllo")]), s("héllo"));
        assert_eq!(ok("upper", vec![s("héllo")]), s("HÉLLO"));
        assert_eq!(ok("upper", vec![n(1.0)]), s("1"));
        assert_eq!(
            ok("title", vec![s("hello world-wide web_x")]),
            s("Hello World-Wide Web_x")
        );
        assert_eq!(ok("trimspace", vec![s("  \n a b \t")]), s("a b"));
        assert_eq!(ok("trim", vec![s("?!hello?!"), s("!?")]), s("hello"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("hello")]), s("world"));
        assert_eq!(ok("trimprefix", vec![s("helloworld"), s("x")]), s("helloworld"));
        assert_eq!(ok("trimsuffix", vec![s("helloworld"), s("world")]), s("hello"));
        assert_eq!(ok("chomp", vec![s("hello\r\n\n")]), s("hello"));
        assert_eq!(ok("indent", vec![n(2.0), s("a\nb")]), s("a\n  b"));
        assert_eq!(ok("strrev", vec![s("abc")]), s("cba"));
        assert_eq!(ok("startswith", vec![s("hello"), s("he")]), Value::Bool(true));
        assert_eq!(ok("startswith", vec![s("hello"), s("lo")]), Value::Bool(false));
        assert_eq!(ok("endswith", vec![s("hello"), s("lo")]), Value::Bool(true));
        assert_eq!(
            err("upper", vec![list(vec![])]),
            "Invalid function argument: argument 1 must be a string, got list."
        );
        assert_eq!(
            err("trimprefix", vec![s("a"), Value::Null]),
            "Invalid function argument: argument 2 must be a string, got null."
        );
    }

    #[test]
    fn replace_plain_and_regex() {
        assert_eq!(ok("replace", vec![s("1 + 2 + 3"), s("+"), s("-")]), s("1 - 2 - 3"));
        assert_eq!(
            ok("replace", vec![s("hello world"), s("/w.*d/"), s("everybody")]),
            s("hello everybody")
        );
        assert_eq!(ok("replace", vec![s("a-b"), s("/(\\w)-(\\w)/"), s("$2-$1")]), s("b-a"));
        // A lone slash is a plain substring.
        assert_eq!(ok("replace", vec![s("a/b"), s("/"), s("_")]), s("a_b"));
        assert!(err("replace", vec![s("x"), s("/(/"), s("")])
            .starts_with("Invalid function argument: invalid regular expression"));
    }

    #[test]
    fn regex_functions() {
        assert_eq!(ok("regex", vec![s("[a-z]+"), s("53abc12")]), s("abc"));
        assert_eq!(ok("regex", vec![s("(\\d+)-(\\d+)"), s("10-20")]), strs(&["10", "20"]));
        assert_eq!(
            ok("regex", vec![s("(?P<a>\\d+)-(?P<b>\\d+)"), s("10-20")]),
            map([("a", s("10")), ("b", s("20"))])
        );
        assert!(err("regex", vec![s("x"), s("abc")]).contains("did not match"));
        assert!(err("regex", vec![s("(?P<a>x)(y)"), s("xy")]).contains("cannot mix"));
        assert_eq!(ok("regexall", vec![s("\\d"), s("a1b2")]), strs(&["1", "2"]));
        assert_eq!(ok("regexall", vec![s("\\d"), s("ab")]), strs(&[]));
    }

    #[test]
    fn substr_offsets_and_lengths() {
        let sub = |o: f64, l: f64| ok("substr", vec![s("hello world"), n(o), n(l)]);
        assert_eq!(sub(1.0, 4.0), s("ello"));
        assert_eq!(sub(-5.0, -1.0), s("world"));
        assert_eq!(sub(-5.0, 3.0), s("wor"));
        assert_eq!(sub(6.0, -1.0), s("world"));
        assert_eq!(sub(6.0, 100.0), s("world"));
        assert_eq!(sub(100.0, 2.0), s(""));
        assert_eq!(sub(-100.0, 2.0), s("he"));
        assert_eq!(ok("substr", vec![s("héllo"), n(1.0), n(2.0)]), s("él"));
        assert_eq!(
            err("substr", vec![s("x"), n(0.5), n(1.0)]),
            "Invalid function argument: argument 2 must be a whole number, got 0.5."
        );
    }

    #[test]
    fn collections() {
        assert_eq!(
            ok("concat", vec![strs(&["a"]), list(vec![n(1.0)]), strs(&[])]),
            list(vec![s("a"), n(1.0)])
        );
        assert_eq!(
            ok(
                "merge",
                vec![map([("a", n(1.0)), ("b", n(2.0))]), Value::Null, map([("b", n(3.0))])]
            ),
            map([("a", n(1.0)), ("b", n(3.0))])
        );
        assert!(err("merge", vec![strs(&[])]).contains("argument 1 must be a map, got list"));
        let m = map([("a", s("x"))]);
        assert_eq!(ok("lookup", vec![m.clone(), s("a")]), s("x"));
        assert_eq!(ok("lookup", vec![m.clone(), s("b"), s("dflt")]), s("dflt"));
        assert_eq!(
            err("lookup", vec![m.clone(), s("b")]),
            "Invalid function argument: lookup failed to find key \"b\"."
        );
        assert_eq!(ok("length", vec![s("héllo")]), n(5.0));
        assert_eq!(ok("length", vec![strs(&["a", "b"])]), n(2.0));
        assert_eq!(ok("length", vec![m.clone()]), n(1.0));
        assert!(err("length", vec![Value::Null]).contains("must not be null"));
        assert!(err("length", vec![n(1.0)]).contains("must be a string, list or map, got number"));
        let m2 = map([("b", n(2.0)), ("a", n(1.0))]);
        assert_eq!(ok("keys", vec![m2.clone()]), strs(&["a", "b"]));
        assert_eq!(ok("values", vec![m2]), list(vec![n(1.0), n(2.0)]));
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("b")]), Value::Bool(true));
        assert_eq!(ok("contains", vec![strs(&["a", "b"]), s("c")]), Value::Bool(false));
        assert_eq!(ok("contains", vec![strs(&["1"]), n(1.0)]), Value::Bool(true));
        assert_eq!(ok("index", vec![strs(&["a", "b"]), s("b")]), n(1.0));
        assert!(err("index", vec![strs(&["a"]), s("z")]).contains("item not found"));
        assert_eq!(ok("coalesce", vec![Value::Null, s(""), s("b"), s("c")]), s("b"));
        assert_eq!(ok("coalesce", vec![n(1.0), n(2.0)]), n(1.0));
        assert_eq!(ok("coalesce", vec![Value::Null, n(1.0), s("x")]), s("1"));
        assert!(err("coalesce", vec![Value::Null, s("")]).contains("no non-null, non-empty-string"));
        assert_eq!(ok("coalescelist", vec![strs(&[]), strs(&["a"])]), strs(&["a"]));
        assert_eq!(
            ok("compact", vec![list(vec![s("a"), s(""), Value::Null, s("b")])]),
            strs(&["a", "b"])
        );
        let abc = strs(&["a", "b", "c"]);
        assert_eq!(ok("element", vec![abc.clone(), n(1.0)]), s("b"));
        assert_eq!(ok("element", vec![abc.clone(), n(4.0)]), s("b"));
        assert!(err("element", vec![strs(&[]), n(0.0)]).contains("empty list"));
        assert!(err("element", vec![abc.clone(), n(-1.0)]).contains("negative index"));
        assert_eq!(
            ok(
                "flatten",
                vec![list(vec![strs(&["a"]), list(vec![strs(&["b"]), s("c")]), strs(&[])])]
            ),
            strs(&["a", "b", "c"])
        );
        assert_eq!(ok("distinct", vec![strs(&["a", "b", "a", "c", "b"])]), abc);
        assert_eq!(ok("reverse", vec![abc.clone()]), strs(&["c", "b", "a"]));
        assert_eq!(ok("sort", vec![strs(&["b", "c", "a"])]), abc);
        assert_eq!(ok("slice", vec![abc.clone(), n(1.0), n(3.0)]), strs(&["b", "c"]));
        assert!(err("slice", vec![abc.clone(), n(1.0), n(4.0)]).contains("must not exceed"));
        assert_eq!(ok("one", vec![strs(&[])]), Value::Null);
        assert_eq!(ok("one", vec![strs(&["a"])]), s("a"));
        assert!(err("one", vec![abc.clone()]).contains("zero or one"));
        assert_eq!(
            ok("chunklist", vec![abc.clone(), n(2.0)]),
            list(vec![strs(&["a", "b"]), strs(&["c"])])
        );
        assert_eq!(
            ok("zipmap", vec![strs(&["a", "b"]), list(vec![n(1.0), n(2.0)])]),
            map([("a", n(1.0)), ("b", n(2.0))])
        );
        assert!(err("zipmap", vec![strs(&["a"]), strs(&[])]).contains("does not match"));
        assert_eq!(
            ok("transpose", vec![map([("a", strs(&["1", "2"])), ("b", strs(&["2"]))])]),
            map([("1", strs(&["a"])), ("2", strs(&["a", "b"]))])
        );
        assert_eq!(
            ok("alltrue", vec![list(vec![Value::Bool(true), s("true")])]),
            Value::Bool(true)
        );
        assert_eq!(ok("alltrue", vec![strs(&[])]), Value::Bool(true));
        assert_eq!(
            ok("anytrue", vec![list(vec![Value::Bool(false), Value::Bool(true)])]),
            Value::Bool(true)
        );
        assert_eq!(ok("anytrue", vec![strs(&[])]), Value::Bool(false));
    }

    #[test]
    fn sets() {
        assert_eq!(ok("toset", vec![strs(&["b", "a", "b"])]), strs(&["a", "b"]));
        assert_eq!(
            ok("toset", vec![list(vec![n(10.0), n(9.0), n(10.0)])]),
            list(vec![n(9.0), n(10.0)])
        );
        assert_eq!(ok("toset", vec![list(vec![n(1.0), s("1"), s("a")])]), strs(&["1", "a"]));
        assert_eq!(ok("toset", vec![Value::Null]), Value::Null);
        assert!(err("toset", vec![s("a")]).contains("cannot convert string to set"));
        assert_eq!(ok("toset", vec![list(vec![s("a"), Value::Unknown])]), Value::Unknown);
        assert_eq!(
            ok("setunion", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
            strs(&["a", "b", "c"])
        );
        assert_eq!(
            ok("setintersection", vec![strs(&["b", "a"]), strs(&["c", "a"])]),
            strs(&["a"])
        );
        assert_eq!(ok("setsubtract", vec![strs(&["b", "a"]), strs(&["a"])]), strs(&["b"]));
    }

    #[test]
    fn ranges() {
        assert_eq!(ok("range", vec![n(3.0)]), list(vec![n(0.0), n(1.0), n(2.0)]));
        assert_eq!(ok("range", vec![n(1.0), n(4.0)]), list(vec![n(1.0), n(2.0), n(3.0)]));
        assert_eq!(ok("range", vec![n(4.0), n(1.0)]), list(vec![n(4.0), n(3.0), n(2.0)]));
        assert_eq!(ok("range", vec![n(-2.0)]), list(vec![n(0.0), n(-1.0)]));
        assert_eq!(
            ok("range", vec![n(0.0), n(0.3), n(0.1)]),
            list(vec![n(0.0), n(0.1), n(0.2)])
        );
        assert_eq!(ok("range", vec![n(1.0), n(4.0), n(-1.0)]), list(vec![]));
        assert_eq!(ok("range", vec![n(0.0)]), list(vec![]));
        assert!(err("range", vec![n(0.0), n(1.0), n(0.0)]).contains("step must not be zero"));
        assert!(err("range", vec![n(5000.0)]).contains("more than 1024"));
    }

    #[test]
    fn conversions() {
        assert_eq!(ok("tostring", vec![n(5.0)]), s("5"));
        assert_eq!(ok("tostring", vec![n(1.5)]), s("1.5"));
        assert_eq!(ok("tostring", vec![Value::Bool(true)]), s("true"));
        assert_eq!(ok("tostring", vec![Value::Null]), Value::Null);
        assert_eq!(
            err("tostring", vec![strs(&[])]),
            "Invalid function argument: cannot convert list to string."
        );
        assert_eq!(ok("tonumber", vec![s("12.5")]), n(12.5));
        assert_eq!(ok("tonumber", vec![Value::Null]), Value::Null);
        assert_eq!(
            err("tonumber", vec![s("abc")]),
            "Invalid function argument: cannot convert \"abc\" to number; given string must be a decimal representation of a number."
        );
        assert!(err("tonumber", vec![s("inf")]).contains("cannot convert"));
        assert_eq!(ok("tobool", vec![s("true")]), Value::Bool(true));
        assert_eq!(ok("tobool", vec![Value::Bool(false)]), Value::Bool(false));
        assert!(err("tobool", vec![s("yes")]).contains("only the strings"));
        assert_eq!(ok("tolist", vec![strs(&["a"])]), strs(&["a"]));
        assert!(err("tolist", vec![Value::empty_map()]).contains("cannot convert object to list"));
        assert_eq!(ok("tomap", vec![map([("a", n(1.0))])]), map([("a", n(1.0))]));
        assert!(err("tomap", vec![strs(&[])]).contains("cannot convert list to map"));
    }

    #[test]
    fn numbers() {
        assert_eq!(ok("min", vec![n(3.0), n(1.0), s("2")]), n(1.0));
        assert_eq!(ok("max", vec![n(3.0), n(-1.0)]), n(3.0));
        assert_eq!(
            err("max", vec![]),
            "Invalid function argument: must pass at least one number."
        );
        assert_eq!(
            err("min", vec![n(1.0), s("x")]),
            "Invalid function argument: argument 2 must be a number, got \"x\"."
        );
        assert_eq!(ok("abs", vec![n(-2.5)]), n(2.5));
        assert_eq!(ok("abs", vec![n(-123456789012345.0)]), n(123456789012345.0));
        assert_eq!(ok("floor", vec![n(4503599627370497.0)]), n(4503599627370497.0));
        assert_eq!(ok("ceil", vec![n(1.2)]), n(2.0));
        assert_eq!(ok("ceil", vec![n(-0.5)]).to_string(), "0");
        assert_eq!(ok("floor", vec![n(-1.2)]), n(-2.0));
        assert_eq!(ok("signum", vec![n(-7.0)]), n(-1.0));
        assert_eq!(ok("sum", vec![list(vec![n(0.1), n(0.2)])]), n(0.3));
        assert!(err("sum", vec![list(vec![])]).contains("empty list"));
        assert_eq!(ok("pow", vec![n(2.0), n(10.0)]), n(1024.0));
        assert_eq!(ok("log", vec![n(8.0), n(2.0)]), n(3.0));
        assert_eq!(ok("parseint", vec![s("ff"), n(16.0)]), n(255.0));
        assert!(err("parseint", vec![s("zz"), n(10.0)]).contains("cannot parse"));
        assert!(err("abs", vec![list(vec![])]).contains("argument 1 must be a number, got list"));
    }

    #[test]
    fn encodings() {
        assert_eq!(ok("base64encode", vec![s("Hello World")]), s("SGVsbG8gV29ybGQ="));
        assert_eq!(ok("base64decode", vec![s("SGVsbG8gV29ybGQ=")]), s("Hello World"));
        assert!(err("base64decode", vec![s("!!!")]).contains("failed to decode base64 data"));
        assert!(err("base64decode", vec![s("/w==")]).contains("not valid UTF-8"));
        assert_eq!(
            ok("sha256", vec![s("hello world")]),
            s("b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9")
        );
        assert_eq!(
            ok("base64sha256", vec![s("hello world")]),
            s("uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=")
        );
        assert_eq!(ok("urlencode", vec![s("a b&c/é")]), s("a+b%26c%2F%C3%A9"));
    }

    #[test]
    fn files_and_templates() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("hello.txt"), "hi\n").expect("write");
        std::fs::write(dir.path().join("t.tpl"), "Hello, ${name}!").expect("write");
        std::fs::write(dir.path().join("bin"), [0xff, 0xfe]).expect("write");
        let r = |name: &str, args: Vec<Value>| run_in(dir.path(), name, args);
        assert_eq!(r("file", vec![s("hello.txt")]), Ok(s("hi\n")));
        let abs_path = dir.path().join("hello.txt").to_string_lossy().into_owned();
        assert_eq!(r("file", vec![Value::from(abs_path)]), Ok(s("hi\n")));
        let missing = r("file", vec![s("missing.txt")]).expect_err("missing");
        assert!(
            missing.starts_with("Invalid function argument: no file exists at \"missing.txt\""),
            "{missing}"
        );
        let binary = r("file", vec![s("bin")]).expect_err("binary");
        assert!(binary.contains("\"bin\" are not valid UTF-8"), "{binary}");
        assert_eq!(r("filebase64", vec![s("bin")]), Ok(s("//4=")));
        assert_eq!(r("fileexists", vec![s("hello.txt")]), Ok(Value::Bool(true)));
        assert_eq!(r("fileexists", vec![s("nope")]), Ok(Value::Bool(false)));
        assert_eq!(
            r("templatefile", vec![s("t.tpl"), map([("name", s("World"))])]),
            Ok(s("Hello, World!"))
        );
        assert_eq!(
            r(
                "templatefile",
                vec![s("t.tpl"), map([("name", s("x").mark_sensitive())])]
            ),
            Ok(s("Hello, x!").mark_sensitive())
        );
        assert_eq!(
            r("templatefile", vec![s("t.tpl"), map([("name", Value::Unknown)])]),
            Ok(Value::Unknown)
        );
        assert!(r("templatefile", vec![s("t.tpl"), map([("1bad", s("x"))])])
            .expect_err("bad name")
            .contains("invalid template variable name"));
        assert!(r("templatefile", vec![s("t.tpl"), s("x")])
            .expect_err("not a map")
            .contains("argument 2 must be a map of template variables, got string"));
        let ctx = FunctionContext {
            base_dir: dir.path(),
            render_template: &no_render,
        };
        assert_eq!(
            call("templatefile", vec![s("t.tpl"), Value::empty_map()], &ctx),
            Err("t.tpl: no renderer".into())
        );
    }

    #[test]
    fn paths() {
        assert_eq!(ok("basename", vec![s("foo/bar/baz.txt")]), s("baz.txt"));
        assert_eq!(ok("basename", vec![s("foo/bar/")]), s("bar"));
        assert_eq!(ok("dirname", vec![s("foo/bar/baz.txt")]), s("foo/bar"));
        assert_eq!(ok("dirname", vec![s("baz.txt")]), s("."));
        assert_eq!(ok("dirname", vec![s("/baz")]), s("/"));
    }

    #[test]
    fn unknown_propagates() {
        let u = Value::Unknown;
        assert_eq!(ok("upper", vec![u.clone()]), u);
        assert_eq!(ok("join", vec![s(","), list(vec![s("a"), u.clone()])]), u);
        assert_eq!(ok("tostring", vec![u.clone()]), u);
        assert_eq!(ok("contains", vec![list(vec![s("a"), u.clone()]), s("a")]), u);
        assert_eq!(ok("distinct", vec![list(vec![s("a"), u.clone()])]), u);
        assert_eq!(ok("jsonencode", vec![map([("a", u.clone())])]), u);
        assert_eq!(ok("sha256", vec![u.clone()]), u);
    }

    #[test]
    fn unknown_exceptions_stay_known() {
        let u = Value::Unknown;
        assert_eq!(ok("length", vec![list(vec![u.clone(), s("a")])]), n(2.0));
        assert_eq!(ok("length", vec![map([("k", u.clone())])]), n(1.0));
        assert_eq!(ok("length", vec![u.clone()]), u);
        assert_eq!(ok("coalesce", vec![s("a"), u.clone()]), s("a"));
        assert_eq!(ok("coalesce", vec![Value::Null, u.clone(), s("a")]), u);
        assert_eq!(
            ok("merge", vec![map([("a", u.clone())]), map([("b", n(1.0))])]),
            map([("a", u.clone()), ("b", n(1.0))])
        );
        assert_eq!(ok("merge", vec![map([("a", n(1.0))]), u.clone()]), u);
        assert_eq!(
            ok("concat", vec![list(vec![u.clone()]), strs(&["a"])]),
            list(vec![u.clone(), s("a")])
        );
        assert_eq!(ok("concat", vec![u.clone(), strs(&["a"])]), u);
        assert_eq!(ok("tolist", vec![list(vec![u.clone()])]), list(vec![u.clone()]));
        assert_eq!(ok("tomap", vec![map([("a", u.clone())])]), map([("a", u.clone())]));
        assert_eq!(
            ok("values", vec![map([("a", u.clone()), ("b", n(1.0))])]),
            list(vec![u.clone(), n(1.0)])
        );
        assert_eq!(ok("keys", vec![map([("a", u.clone())])]), strs(&["a"]));
        assert_eq!(ok("keys", vec![u.clone()]), u);
        let m = map([("a", u.clone()), ("b", s("x"))]);
        assert_eq!(ok("lookup", vec![m.clone(), s("b")]), s("x"));
        assert_eq!(ok("lookup", vec![m.clone(), s("a")]), u);
        assert_eq!(ok("lookup", vec![m.clone(), u.clone()]), u);
        assert_eq!(ok("lookup", vec![m, s("c"), u.clone()]), u);
        let l = list(vec![s("a"), u.clone()]);
        assert_eq!(ok("element", vec![l.clone(), n(0.0)]), s("a"));
        assert_eq!(ok("element", vec![l.clone(), n(1.0)]), u);
        assert_eq!(ok("element", vec![l, u.clone()]), u);
        // Flattening keeps unknowns nested in maps, but an unknown in a flattened position might
        // be a list of any length.
        let with_map = list(vec![list(vec![map([("id", u.clone())])]), s("b")]);
        assert_eq!(
            ok("flatten", vec![with_map]),
            list(vec![map([("id", u.clone())]), s("b")])
        );
        assert_eq!(ok("flatten", vec![list(vec![list(vec![s("a"), u.clone()])])]), u);
    }

    #[test]
    fn sensitive_propagates() {
        assert_eq!(ok("upper", vec![secret(s("abc"))]), secret(s("ABC")));
        let nested = list(vec![s("a"), secret(s("b"))]);
        assert_eq!(ok("join", vec![s("-"), nested.clone()]), secret(s("a-b")));
        assert_eq!(ok("length", vec![nested.clone()]), secret(n(2.0)));
        assert_eq!(
            ok("jsonencode", vec![map([("k", secret(s("v")))])]),
            secret(s(r#"{"k":"v"}"#))
        );
        assert_eq!(ok("upper", vec![secret(Value::Unknown)]), secret(Value::Unknown));
        assert_eq!(
            ok("length", vec![list(vec![Value::Unknown, secret(s("x"))])]),
            secret(n(2.0))
        );
        // Results never keep inner marks: the whole result is marked once.
        assert_eq!(ok("concat", vec![nested, strs(&["c"])]), secret(strs(&["a", "b", "c"])));
        assert_eq!(ok("sensitive", vec![s("x")]), secret(s("x")));
        assert_eq!(
            ok("nonsensitive", vec![secret(list(vec![secret(s("x"))]))]),
            strs(&["x"])
        );
        assert_eq!(ok("issensitive", vec![secret(s("x"))]), Value::Bool(true));
        assert_eq!(ok("issensitive", vec![s("x")]), Value::Bool(false));
    }

    #[test]
    fn errors_do_not_leak_sensitive_text() {
        let e = err("tonumber", vec![secret(s("hunter2"))]);
        assert!(!e.contains("hunter2"), "{e}");
        assert!(e.contains("(sensitive value)"));
        let e = err("lookup", vec![map([("a", s("x"))]), secret(s("hunter2"))]);
        assert!(!e.contains("hunter2"), "{e}");
    }
}
