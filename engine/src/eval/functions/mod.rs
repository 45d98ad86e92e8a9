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

use crate::core::shape::{unify, Shape};
use crate::core::value::shape_of;
use crate::core::value::{format_number, Mapping, MappingKind, Marks, Number, Seq, SeqKind, Value};

mod encoding;
use encoding::*;
mod format;
use format::*;
mod strings;
use strings::*;
mod collections;
use crate::eval::unify::set_order;
use collections::*;
mod convert;
mod deflate;
use convert::*;
mod numbers;
use numbers::*;
mod files;
mod hashes;
mod network;
mod text;
mod time;
use files::*;
use hashes::*;
use network::*;
use text::*;
use time::*;
pub use time::{random_uuid, unix_seconds, utc};
#[cfg(test)]
mod tests;

/// What a function call may need from its surroundings.
pub struct FunctionContext<'a> {
    /// Directory relative paths in file()/templatefile() resolve against (the module's path).
    pub base_dir: &'a Path,
    /// Renders a template source with the given variables (an object Value); used by templatefile.
    pub render_template: &'a dyn Fn(&str, &Value) -> Result<Value, String>,
    /// The apply's time (seconds since 1970), `None` while planning.
    pub now: Option<i64>,
    /// The plan's time (seconds since 1970).
    pub plan_time: i64,
}

/// Calls a function with already-evaluated arguments. Errors are a message fit to show the user
/// ("Invalid function argument: ..."), without the function name prefix (the caller adds it).
pub fn call(name: &str, args: Vec<Value>, ctx: &FunctionContext<'_>) -> Result<Value, String> {
    let spec = SPECS
        .iter()
        .find(|s| s.name == name)
        .ok_or_else(|| format!("There is no function named \"{name}\"."))?;
    check_arity(spec, args.len())?;

    // These four are about the marks themselves, so they must see them.
    match name {
        "sensitive" => return Ok(args[0].clone().mark_sensitive()),
        "nonsensitive" => return Ok(args[0].without_marks(Marks::SENSITIVE)),
        "issensitive" => return Ok(Value::Bool(args[0].unmark().1.sensitive)),
        "ephemeralasnull" => return Ok(args[0].ephemeral_as_null()),
        _ => {}
    }

    let marks = args.iter().fold(Marks::NONE, |m, a| m | a.deep_marks());
    let args: Vec<Value> = if marks == Marks::NONE {
        args
    } else {
        args.iter().map(Value::deep_unmark).collect()
    };
    if !spec.sees_unknown && args.iter().any(Value::contains_unknown) {
        return Ok(Value::UNKNOWN.with_marks(marks));
    }
    let c = Call {
        ctx,
        sensitive: marks.sensitive,
    };
    (spec.run)(&c, &args).map(|v| v.with_marks(marks))
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
    f("yamldecode", 1, ONE, yamldecode),
    f("yamlencode", 1, ONE, yamlencode),
    f("formatdate", 2, TWO, formatdate),
    f("plantimestamp", 0, Some(0), plantimestamp),
    f("timeadd", 2, TWO, timeadd),
    f("timecmp", 2, TWO, timecmp),
    f("timestamp", 0, Some(0), timestamp),
    f("uuid", 0, Some(0), uuid),
    f("abs", 1, ONE, abs),
    f("abspath", 1, ONE, abspath),
    f("alltrue", 1, ONE, alltrue),
    f("anytrue", 1, ONE, anytrue),
    f("base64decode", 1, ONE, base64decode),
    f("base64encode", 1, ONE, base64encode),
    f("base64gzip", 1, ONE, base64gzip),
    f("base64sha256", 1, ONE, base64sha256),
    f("base64sha512", 1, ONE, base64sha512),
    f("basename", 1, ONE, basename),
    u("can", 1, ONE, lazy),
    f("ceil", 1, ONE, ceil),
    f("chomp", 1, ONE, chomp),
    f("chunklist", 2, TWO, chunklist),
    f("cidrhost", 2, TWO, cidrhost),
    f("cidrnetmask", 1, ONE, cidrnetmask),
    f("cidrsubnet", 3, THREE, cidrsubnet),
    f("cidrsubnets", 1, ANY, cidrsubnets),
    u("coalesce", 0, ANY, coalesce),
    f("coalescelist", 0, ANY, coalescelist),
    f("compact", 1, ONE, compact),
    u("concat", 0, ANY, concat),
    f("contains", 2, TWO, contains),
    f("csvdecode", 1, ONE, csvdecode),
    f("dirname", 1, ONE, dirname),
    f("distinct", 1, ONE, distinct),
    u("element", 2, TWO, element),
    f("endswith", 2, TWO, endswith),
    f("ephemeralasnull", 1, ONE, ephemeralasnull),
    f("file", 1, ONE, file),
    f("filebase64", 1, ONE, filebase64),
    f("filebase64sha256", 1, ONE, filebase64sha256),
    f("filebase64sha512", 1, ONE, filebase64sha512),
    f("fileexists", 1, ONE, fileexists),
    f("filemd5", 1, ONE, filemd5),
    f("fileset", 2, TWO, fileset),
    f("filesha1", 1, ONE, filesha1),
    f("filesha256", 1, ONE, filesha256),
    f("filesha512", 1, ONE, filesha512),
    u("flatten", 1, ONE, flatten),
    f("floor", 1, ONE, floor),
    f("format", 1, ANY, format),
    f("formatlist", 1, ANY, formatlist),
    f("indent", 2, TWO, indent),
    f("index", 2, TWO, index),
    f("issensitive", 1, ONE, lazy),
    f("join", 1, ANY, join),
    f("jsondecode", 1, ONE, jsondecode),
    f("jsonencode", 1, ONE, jsonencode),
    u("keys", 1, ONE, keys),
    u("length", 1, ONE, length),
    f("log", 2, TWO, log),
    u("lookup", 2, THREE, lookup),
    f("lower", 1, ONE, lower),
    f("matchkeys", 3, THREE, matchkeys),
    f("max", 0, ANY, max),
    f("md5", 1, ONE, md5),
    u("merge", 0, ANY, merge),
    f("min", 0, ANY, min),
    f("nonsensitive", 1, ONE, lazy),
    f("one", 1, ONE, one),
    f("parseint", 2, TWO, parseint),
    f("pathexpand", 1, ONE, pathexpand),
    f("pow", 2, TWO, pow),
    f("range", 1, THREE, range),
    f("regex", 2, TWO, regex_fn),
    f("regexall", 2, TWO, regexall),
    f("replace", 3, THREE, replace),
    f("reverse", 1, ONE, reverse),
    f("sensitive", 1, ONE, lazy),
    f("setintersection", 1, ANY, setintersection),
    f("setproduct", 1, ANY, setproduct),
    f("setsubtract", 2, TWO, setsubtract),
    f("setunion", 1, ANY, setunion),
    f("sha1", 1, ONE, sha1),
    f("bcrypt", 1, None, bcrypt),
    f("sha256", 1, ONE, sha256),
    f("sha512", 1, ONE, sha512),
    f("signum", 1, ONE, signum),
    f("slice", 3, THREE, slice),
    f("sort", 1, ONE, sort),
    f("split", 2, TWO, split),
    f("startswith", 2, TWO, startswith),
    f("strcontains", 2, TWO, strcontains),
    f("strrev", 1, ONE, strrev),
    f("substr", 3, THREE, substr),
    f("sum", 1, ONE, sum),
    f("templatefile", 2, TWO, templatefile),
    f("templatestring", 2, TWO, templatestring),
    f("textdecodebase64", 2, TWO, textdecodebase64),
    f("textencodebase64", 2, TWO, textencodebase64),
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
    f("uuidv5", 2, TWO, uuidv5),
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
        Value::Number(n) => Ok(n.text()),
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
        Value::Number(n) => Ok(n.to_f64()),
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
        // Terraform's conversion also reads "1" and "0" as bools.
        Value::String(s) if s == "true" || s == "1" => Some(true),
        Value::String(s) if s == "false" || s == "0" => Some(false),
        _ => None,
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

// Encoding.
// format and formatlist.
// Strings.
// Collections.
// Type conversion.
// Numbers.
// Files and paths.
