//! Input variables: where their values come from and how they are converted to their declared
//! type.
//!
//! Precedence, lowest first, as in Terraform: `TF_VAR_name` environment variables,
//! `terraform.tfvars`, `*.auto.tfvars` (name order), then `--var-file` and `--var` in the order
//! given on the command line.

use crate::config::{Expr, Module, Variable};
use crate::core::diagnostic::{Diagnostic, Diagnostics, SourceFile, Span};
use crate::core::types::{ObjectAttribute, Type};
use crate::core::value::Value;
use crate::eval::{eval_standalone, Evaluator, Scope};
use hcl_edit::expr::Expression;
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A raw variable value and where it came from.
#[derive(Debug, Clone)]
pub enum RawValue {
    /// From `--var` or `TF_VAR_`: parsed as HCL unless the variable is a string.
    Text(String),
    /// From a `.tfvars` file: already a value.
    Value(Value),
}

/// Where the user gave variable values.
#[derive(Debug, Clone, Default)]
pub struct VarSources {
    /// `--var NAME=VALUE` in order.
    pub cli: Vec<String>,
    /// `--var-file FILE` in order.
    pub files: Vec<PathBuf>,
}

/// Parses a `type = ...` expression.
pub fn parse_type(e: &Expr) -> Result<Type, Diagnostic> {
    parse_ty(&e.expr).map_err(|m| Diagnostic::error("Invalid type specification", m).at(e.span()))
}

fn parse_ty(e: &Expression) -> Result<Type, String> {
    match e {
        Expression::Variable(v) => match v.as_str() {
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            "any" => Ok(Type::Any),
            "list" | "set" | "map" => Ok(match v.as_str() {
                "list" => Type::List(Box::new(Type::Any)),
                "set" => Type::Set(Box::new(Type::Any)),
                _ => Type::Map(Box::new(Type::Any)),
            }),
            other => Err(format!("\"{other}\" is not a type; use string, number, bool, list(...), set(...), map(...), object({{...}}) or any.")),
        },
        Expression::FuncCall(f) => {
            let name = f.name.name.as_str();
            let arg = f.args.iter().next();
            match (name, arg) {
                ("list", Some(a)) => Ok(Type::List(Box::new(parse_ty(a)?))),
                ("set", Some(a)) => Ok(Type::Set(Box::new(parse_ty(a)?))),
                ("map", Some(a)) => Ok(Type::Map(Box::new(parse_ty(a)?))),
                ("tuple", Some(Expression::Array(items))) => {
                    Ok(Type::Tuple(items.iter().map(parse_ty).collect::<Result<_, _>>()?))
                }
                ("object", Some(Expression::Object(obj))) => {
                    let mut attrs = BTreeMap::new();
                    for (k, v) in obj.iter() {
                        let key = match k {
                            hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                            hcl_edit::expr::ObjectKey::Expression(e) => match e {
                                Expression::Variable(v) => v.as_str().to_string(),
                                other => other.as_str().map(str::to_string).ok_or("object attribute names must be plain names")?,
                            },
                        };
                        let entry = match v.expr() {
                            Expression::FuncCall(f) if f.name.name.as_str() == "optional" => {
                                let ty = f.args.iter().next().map(parse_ty).transpose()?.unwrap_or(Type::Any);
                                let default = match f.args.iter().nth(1) {
                                    Some(d) => Some(eval_standalone(d.to_string().trim(), "type default").map_err(|d| d.detail)?),
                                    None => None,
                                };
                                ObjectAttribute {
                                    ty,
                                    optional: true,
                                    default,
                                }
                            }
                            other => ObjectAttribute {
                                ty: parse_ty(other)?,
                                optional: false,
                                default: None,
                            },
                        };
                        attrs.insert(key, entry);
                    }
                    Ok(Type::Object(attrs))
                }
                _ => Err(format!("\"{name}(...)\" is not a valid type constraint.")),
            }
        }
        _ => Err("A type must be written like string, list(string) or object({ name = string }).".into()),
    }
}

fn load_tfvars(path: &Path, raw: &mut BTreeMap<String, (RawValue, String)>, diags: &mut Diagnostics) {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(Diagnostic::error(
                "Cannot read variables file",
                format!("{}: {e}. Check the --var-file path.", path.display()),
            ));
            return;
        }
    };
    let display = path.display().to_string();
    if path.extension().map(|e| e == "json").unwrap_or(false) {
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(serde_json::Value::Object(map)) => {
                for (k, v) in map {
                    raw.insert(k, (RawValue::Value(Value::from_json(&v)), display.clone()));
                }
            }
            Ok(_) => diags.push(Diagnostic::error(
                "Invalid variables file",
                format!("{display} must contain a JSON object of variable names to values."),
            )),
            Err(e) => diags.push(Diagnostic::error("Invalid variables file", format!("{display}: {e}"))),
        }
        return;
    }
    let file = SourceFile::new(path, display.clone(), text.clone());
    let body = match hcl_edit::parser::parse_body(&text) {
        Ok(b) => b,
        Err(e) => {
            let off = e.location().offset();
            diags.push(
                Diagnostic::error(
                    "Invalid variables file",
                    format!("{}. Fix the syntax at the marked position.", e.message()),
                )
                .at(Some(Span {
                    file,
                    range: off..off + 1,
                })),
            );
            return;
        }
    };
    let scope = Scope::default();
    for attr in body.attributes() {
        let expr = Expr {
            expr: attr.value.clone(),
            file: file.clone(),
        };
        match Evaluator::new(&scope).eval(&expr) {
            Ok(v) => {
                raw.insert(attr.key.as_str().to_string(), (RawValue::Value(v), display.clone()));
            }
            Err(d) => diags.push(d.at(attr.value.span().map(|range| Span {
                file: file.clone(),
                range,
            }))),
        }
    }
}

/// Collects raw variable values from every source, later sources overriding earlier ones.
pub fn collect(
    dir: &Path,
    sources: &VarSources,
    env: &[(String, String)],
) -> Result<BTreeMap<String, (RawValue, String)>, Diagnostics> {
    let mut raw = BTreeMap::new();
    let mut diags = Diagnostics::default();
    for (k, v) in env {
        if let Some(name) = k.strip_prefix("TF_VAR_") {
            raw.insert(
                name.to_string(),
                (RawValue::Text(v.clone()), format!("environment variable {k}")),
            );
        }
    }
    let default_file = dir.join("terraform.tfvars");
    if default_file.exists() {
        load_tfvars(&default_file, &mut raw, &mut diags);
    }
    let mut autos: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.to_string_lossy().ends_with(".auto.tfvars") || p.to_string_lossy().ends_with(".auto.tfvars.json")
                })
                .collect()
        })
        .unwrap_or_default();
    autos.sort();
    for f in autos {
        load_tfvars(&f, &mut raw, &mut diags);
    }
    for f in &sources.files {
        load_tfvars(f, &mut raw, &mut diags);
    }
    for arg in &sources.cli {
        match arg.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => {
                raw.insert(
                    k.trim().to_string(),
                    (RawValue::Text(v.to_string()), "--var".to_string()),
                );
            }
            _ => diags.push(Diagnostic::error(
                "Invalid --var option",
                format!("\"{arg}\" is not NAME=VALUE. Write it like --var external_id=abc123."),
            )),
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(raw)
    }
}

/// Resolves the root module's variables: raw values, defaults, prompts, types, validations.
/// `prompt` asks for a missing required value on a terminal (None: no terminal).
pub fn resolve_root(
    module: &Module,
    raw: &BTreeMap<String, (RawValue, String)>,
    prompt: Option<&dyn Fn(&Variable) -> Option<String>>,
) -> Result<(BTreeMap<String, Value>, Diagnostics), Diagnostics> {
    resolve(module, raw, prompt, &|_| true)
}

/// The ephemeral variables of the root module for the apply of a saved plan, which holds none
/// of them: each one the plan was given (`set_at_plan`) must be given again, as Terraform
/// requires; the others take their defaults.
pub fn resolve_ephemeral(
    module: &Module,
    raw: &BTreeMap<String, (RawValue, String)>,
    set_at_plan: &[String],
) -> Result<BTreeMap<String, Value>, Diagnostics> {
    let mut diags = Diagnostics::default();
    for name in set_at_plan {
        if module.variables.get(name).is_some_and(|v| v.ephemeral) && !raw.contains_key(name) {
            diags.push(Diagnostic::error(
                "No value for required variable",
                format!("The ephemeral input variable \"{name}\" was set during the plan phase, and so must also be set during the apply phase: give it again with --var {name}=..., a .tfvars file or TF_VAR_{name}."),
            ));
        }
    }
    if diags.has_errors() {
        return Err(diags);
    }
    resolve(module, raw, None, &|v| v.ephemeral).map(|(values, _)| values)
}

fn resolve(
    module: &Module,
    raw: &BTreeMap<String, (RawValue, String)>,
    prompt: Option<&dyn Fn(&Variable) -> Option<String>>,
    wanted: &dyn Fn(&Variable) -> bool,
) -> Result<(BTreeMap<String, Value>, Diagnostics), Diagnostics> {
    let mut out = BTreeMap::new();
    let mut diags = Diagnostics::default();
    for (name, (_, source)) in raw {
        if !module.variables.contains_key(name) && !source.starts_with("environment variable") {
            diags.push(Diagnostic::warning(
                "Value for undeclared variable",
                format!("{source} sets \"{name}\", but no variable \"{name}\" is declared; the value is ignored."),
            ));
        }
    }
    for (name, var) in module.variables.iter().filter(|(_, v)| wanted(v)) {
        let ty = match &var.type_ {
            Some(t) => match parse_type(t) {
                Ok(t) => t,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            },
            None => Type::Any,
        };
        let value = match raw.get(name) {
            Some((RawValue::Value(v), _)) => Some(v.clone()),
            Some((RawValue::Text(s), source)) => match ty {
                Type::String | Type::Any => Some(Value::String(s.clone())),
                _ => match eval_standalone(s, source) {
                    Ok(v) => Some(v),
                    Err(d) => {
                        let why = unless_sensitive(var, &ty, d.detail);
                        diags.push(Diagnostic::error(
                            "Invalid value for input variable",
                            format!("{source} for \"{name}\" is not a valid expression: {why}"),
                        ));
                        continue;
                    }
                },
            },
            None => None,
        };
        let value = match value {
            Some(v) => v,
            None => match &var.default {
                Some(d) => match Evaluator::new(&Scope::default()).eval(d) {
                    Ok(v) => v,
                    Err(d) => {
                        diags.push(d);
                        continue;
                    }
                },
                None => match prompt.and_then(|p| p(var)) {
                    Some(text) => match ty {
                        Type::String | Type::Any => Value::String(text),
                        _ => match eval_standalone(&text, "input") {
                            Ok(v) => v,
                            Err(d) => {
                                diags.push(d);
                                continue;
                            }
                        },
                    },
                    None => {
                        diags.push(
                            Diagnostic::error(
                                "No value for required variable",
                                format!(
                                    "The root module input variable \"{name}\" is not set and has no default. Set it with --var {name}=..., a .tfvars file, or the TF_VAR_{name} environment variable."
                                ),
                            )
                            .at(var.span.clone()),
                        );
                        continue;
                    }
                },
            },
        };
        match convert(var, value, &ty) {
            Ok(v) => {
                out.insert(name.clone(), v);
            }
            Err(d) => diags.push(d),
        }
    }
    // Validations run once every value is known, since one may read the others.
    for (name, value) in &out {
        if let Some(var) = module.variables.get(name) {
            if let Err(d) = validate(var, value, &out) {
                diags.push(d);
            }
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok((out, diags))
    }
}

/// Why a value is not valid for a variable: `why` itself, which may quote the value, unless the
/// variable is sensitive; then only the type that was required.
fn unless_sensitive(var: &Variable, ty: &Type, why: String) -> String {
    if var.sensitive {
        format!(
            "{} is required (the value is sensitive, so it is not shown)",
            ty.describe()
        )
    } else {
        why
    }
}

/// Type-converts, checks nullability and runs validations; marks the value sensitive if declared so.
/// `others` holds the module's other variables, which a validation may read (Terraform 1.9).
pub fn check(var: &Variable, value: Value, ty: &Type, others: &BTreeMap<String, Value>) -> Result<Value, Diagnostic> {
    let value = convert(var, value, ty)?;
    validate(var, &value, others)?;
    Ok(value)
}

/// Type-converts and checks nullability; marks the value sensitive if declared so.
fn convert(var: &Variable, value: Value, ty: &Type) -> Result<Value, Diagnostic> {
    let name = &var.name;
    let value = ty.convert(value).map_err(|m| {
        let why = unless_sensitive(var, ty, m);
        Diagnostic::error(
            "Invalid value for input variable",
            format!("The value of \"{name}\" is not valid: {why}."),
        )
        .at(var.type_.as_ref().and_then(|t| t.span()).or(var.span.clone()))
    })?;
    if value.is_null() && !var.nullable {
        return Err(Diagnostic::error(
            "Required variable not set",
            format!("\"{name}\" is declared nullable = false, so it cannot be null."),
        )
        .at(var.span.clone()));
    }
    let value = value.mark_if(var.sensitive);
    Ok(if var.ephemeral { value.mark_ephemeral() } else { value })
}

/// Runs the variable's validation rules on `value`, with the module's `others` in scope; a
/// rule whose outcome is not known yet is left for when it is.
fn validate(var: &Variable, value: &Value, others: &BTreeMap<String, Value>) -> Result<(), Diagnostic> {
    let name = &var.name;
    if !var.validations.is_empty() && !value.contains_unknown() {
        let mut scope = Scope::default();
        for (other, v) in others {
            scope.vars.insert(other.clone(), v.clone());
            scope.declared.vars.push(other.clone());
        }
        scope.vars.insert(name.clone(), value.clone());
        if !scope.declared.vars.contains(name) {
            scope.declared.vars.push(name.clone());
        }
        for v in &var.validations {
            let ok = Evaluator::new(&scope).eval(&v.condition)?;
            if ok.as_bool() == Some(false) {
                let msg = Evaluator::new(&scope)
                    .eval(&v.error_message)
                    .ok()
                    .and_then(|m| m.as_str().map(str::to_string))
                    .unwrap_or_else(|| "The value is not valid.".into());
                let place = v
                    .condition
                    .span()
                    .map(|s| {
                        let s = s.resolved();
                        format!(" at {} line {}", s.file.display, s.file.line_col(s.range.start).0)
                    })
                    .unwrap_or_default();
                return Err(Diagnostic::error(
                    "Invalid value for variable",
                    format!("{msg}\n\nThis was checked by the validation rule of variable \"{name}\"{place}."),
                )
                .at(v.condition.span()));
            }
        }
    }
    Ok(())
}

/// What is wrong with a `variable` block itself, whatever value it gets: a type constraint
/// that is not a type, a default that does not convert to it.
pub fn check_declaration(var: &Variable) -> Vec<Diagnostic> {
    let ty = match var_type(var) {
        Ok(t) => t,
        Err(d) => return vec![d],
    };
    let Some(default) = &var.default else {
        return Vec::new();
    };
    match Evaluator::new(&Scope::default()).eval(default) {
        Err(d) => vec![d],
        Ok(v) if v.is_null() => Vec::new(),
        Ok(v) => match ty.convert(v) {
            Ok(_) => Vec::new(),
            Err(m) => vec![Diagnostic::error(
                "Invalid default value for variable",
                format!(
                    "The default of \"{}\" does not fit its type constraint: {}.",
                    var.name,
                    unless_sensitive(var, &ty, m)
                ),
            )
            .at(default.span())],
        },
    }
}

/// Reads the variable type, defaulting to any.
pub fn var_type(var: &Variable) -> Result<Type, Diagnostic> {
    match &var.type_ {
        Some(t) => parse_type(t),
        None => Ok(Type::Any),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_like_terraform() {
        assert_eq!(Type::Number.convert(Value::from("3")), Ok(Value::from(3.0)));
        assert_eq!(Type::String.convert(Value::from(3.0)), Ok(Value::from("3")));
        assert!(Type::String.convert(Value::from(vec!["a"])).is_err());
        let set = Type::Set(Box::new(Type::String))
            .convert(Value::from(vec!["b", "a", "b"]))
            .expect("set");
        assert_eq!(set, Value::from(vec!["a", "b"]));
    }
}
