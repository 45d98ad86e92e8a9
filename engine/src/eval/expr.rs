//! Expression evaluation with Terraform's semantics, including unknown and sensitive values.
//!
//! Every operator, template and function propagates [`Value::Unknown`] (a value decided at apply
//! time) and [`Value::Sensitive`] (a value that must never be shown). References are resolved
//! against a [`Scope`]: the values of one module instance's variables, locals, resources and
//! child modules, filled in by the graph walk in dependency order.

use super::unify::{convert, shape_of, unify, Shape};
use crate::config::Expr;
use crate::core::addr::ResourceAddr;
use crate::core::diagnostic::{Diagnostic, SourceFile, Span};
use crate::core::value::{Number, Value};
use crate::eval::calls::unknown_function;
use crate::eval::functions::{self, FunctionContext};
use crate::eval::operators::{binary, iter_pairs, marked, to_bool, to_number};
use hcl_edit::expr::{Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::Span as _;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// The values visible inside one module instance.
#[derive(Debug, Clone)]
pub struct Scope {
    /// `var.NAME`.
    pub vars: BTreeMap<String, Value>,
    /// `local.NAME`.
    pub locals: BTreeMap<String, Value>,
    /// `TYPE.NAME` and `data.TYPE.NAME`: an object, a list (count) or a map (for_each).
    pub resources: BTreeMap<ResourceAddr, Value>,
    /// `module.NAME`: an object of the child's outputs.
    pub modules: BTreeMap<String, Value>,
    /// `path.module`.
    pub path_module: PathBuf,
    /// `path.root`.
    pub path_root: PathBuf,
    /// Names declared in this module, to tell "undeclared" from "not yet known".
    pub declared: Declared,
    /// The apply's time (seconds since 1970) once applying; `None` while planning, when
    /// `timestamp()` and `uuid()` are not known yet.
    pub now: Option<i64>,
    /// The plan's time (seconds since 1970): `plantimestamp()`.
    pub plan_time: i64,
    /// `terraform.workspace`.
    pub workspace: String,
    /// Checking before any value is known (`validate`): a `dynamic` block over an unknown
    /// collection makes an unknown number of blocks instead of an error.
    pub checking: bool,
}

impl Default for Scope {
    fn default() -> Scope {
        Scope {
            vars: BTreeMap::new(),
            locals: BTreeMap::new(),
            resources: BTreeMap::new(),
            modules: BTreeMap::new(),
            path_module: PathBuf::new(),
            path_root: PathBuf::new(),
            declared: Declared::default(),
            now: None,
            plan_time: 0,
            workspace: state::backend::DEFAULT_WORKSPACE.to_string(),
            checking: false,
        }
    }
}

impl Scope {
    /// The scope of module `m` before any value is known: its names declared (so references
    /// to them are unknown, not errors) and its paths relative to `root_dir`.
    pub fn declaring(m: &crate::config::Module, root_dir: &std::path::Path) -> Scope {
        Scope {
            path_module: relative_dir(&m.dir, root_dir),
            path_root: PathBuf::from("."),
            declared: Declared {
                vars: m.variables.keys().cloned().collect(),
                locals: m.locals.keys().cloned().collect(),
                resources: m.resources.keys().cloned().collect(),
                modules: m.module_calls.keys().cloned().collect(),
            },
            // An ephemeral variable is unknown here too, but already marked, so that where it
            // may not go is found before any value is.
            vars: m
                .variables
                .values()
                .filter(|v| v.ephemeral)
                .map(|v| (v.name.clone(), Value::UNKNOWN.mark_ephemeral()))
                .collect(),
            ..Scope::default()
        }
    }
}

/// `dir` as `path.module` shows it: relative to the root module's directory.
fn relative_dir(dir: &std::path::Path, root: &std::path::Path) -> PathBuf {
    if dir == root {
        return PathBuf::from(".");
    }
    match dir.strip_prefix(root) {
        Ok(rel) => rel.to_path_buf(),
        Err(_) => dir.to_path_buf(),
    }
}

/// What a module declares, for "undeclared reference" errors.
#[derive(Debug, Clone, Default)]
pub struct Declared {
    /// Variable names.
    pub vars: Vec<String>,
    /// Local names.
    pub locals: Vec<String>,
    /// Resources and data sources.
    pub resources: Vec<ResourceAddr>,
    /// Module call names.
    pub modules: Vec<String>,
}

/// An evaluation context: a scope plus `each`/`count` of the instance being evaluated.
#[derive(Clone)]
pub struct Evaluator<'a> {
    pub(super) scope: &'a Scope,
    pub(super) each: Option<(Value, Value)>,
    pub(super) count_index: Option<Value>,
    pub(super) bound: Vec<(String, Value)>,
}

pub(super) type EvalResult = Result<Value, Diagnostic>;

/// The string in Unicode normal form C, as Terraform keeps every string: an `e` followed by a
/// combining accent is the one character `é`. Text that is already in that form (all ASCII text
/// is) is returned as it is, without a copy.
pub(crate) fn nfc(s: String) -> String {
    use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization as _};
    if s.is_ascii() || is_nfc_quick(s.chars()) == IsNormalized::Yes {
        s
    } else {
        s.nfc().collect()
    }
}

/// An error in the configuration itself, which `try` and `can` do not catch.
fn is_static(d: &Diagnostic) -> bool {
    d.summary.starts_with("Reference to undeclared")
}

pub(super) fn err(summary: &str, detail: impl Into<String>, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(summary, detail).at(span)
}

impl<'a> Evaluator<'a> {
    /// An evaluator over a module scope.
    pub fn new(scope: &'a Scope) -> Evaluator<'a> {
        Evaluator {
            scope,
            each: None,
            count_index: None,
            bound: Vec::new(),
        }
    }

    /// Sets `each.key` and `each.value`.
    pub fn with_each(mut self, key: Value, value: Value) -> Evaluator<'a> {
        self.each = Some((key, value));
        self
    }

    /// Sets `count.index`.
    pub fn with_count(mut self, index: i64) -> Evaluator<'a> {
        self.count_index = Some(Value::from(index as i64));
        self
    }

    /// Makes `count.index` unknown, for checking a counted block once for all its instances
    /// (`validate`).
    pub fn with_unknown_count(mut self) -> Evaluator<'a> {
        self.count_index = Some(Value::UNKNOWN);
        self
    }

    /// Binds extra names (template variables).
    pub fn with_bound(mut self, names: impl IntoIterator<Item = (String, Value)>) -> Evaluator<'a> {
        self.bound.extend(names);
        self
    }

    /// Evaluates an expression.
    pub fn eval(&self, e: &Expr) -> EvalResult {
        self.expr(&e.expr, &e.file)
    }

    pub(super) fn span(e: &Expression, file: &Arc<SourceFile>) -> Option<Span> {
        e.span().map(|range| Span {
            file: file.clone(),
            range,
        })
    }

    pub(super) fn expr(&self, e: &Expression, file: &Arc<SourceFile>) -> EvalResult {
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            // The literal's own text, so that it keeps every digit as Terraform's does.
            Expression::Number(n) => Ok(Value::Number(
                n.as_repr()
                    .and_then(|text| Number::parse(&text.replace(char::is_whitespace, "")))
                    .unwrap_or_else(|| Number::from(n.value().as_f64().unwrap_or(0.0))),
            )),
            Expression::String(s) => Ok(Value::String(nfc(s.value().to_string()))),
            Expression::Array(items) => {
                let mut out = Vec::new();
                for item in items.iter() {
                    out.push(self.expr(item, file)?);
                }
                Ok(Value::List(out.into()))
            }
            Expression::Object(obj) => {
                let mut out = BTreeMap::new();
                for (key, value) in obj.iter() {
                    let k = match key {
                        ObjectKey::Ident(id) => id.as_str().to_string(),
                        ObjectKey::Expression(ke) => {
                            // A bare word in parentheses-free position is a literal key.
                            let kv = match ke {
                                Expression::Variable(v) => Value::String(v.as_str().to_string()),
                                // The keywords are names too in a key's place: `{null = 1}`.
                                Expression::Null(_) => Value::from("null"),
                                other => self.expr(other, file)?,
                            };
                            if kv.is_unknown() {
                                return Ok(Value::UNKNOWN);
                            }
                            match kv.to_template_string() {
                                Some(s) => s,
                                None => {
                                    return Err(err(
                                        "Invalid object key",
                                        format!("An object key must be a string, got {}.", kv.type_name()),
                                        Self::span(ke, file),
                                    ))
                                }
                            }
                        }
                    };
                    out.insert(k, self.expr(value.expr(), file)?);
                }
                Ok(Value::Map(out.into()))
            }
            Expression::StringTemplate(t) => self.template(t, file),
            Expression::HeredocTemplate(h) => {
                if h.indent().is_some() {
                    let mut h = (**h).clone();
                    h.dedent();
                    self.template(&h.template, file)
                } else {
                    self.template(&h.template, file)
                }
            }
            Expression::Parenthesis(p) => self.expr(p.inner(), file),
            Expression::Variable(v) => self.traversal(e, v.as_str(), &[], file),
            Expression::Traversal(t) => match &t.expr {
                Expression::Variable(v) => {
                    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                    self.traversal(e, v.as_str(), &ops, file)
                }
                inner => {
                    let base = self.expr(inner, file)?;
                    let ops: Vec<&TraversalOperator> = t.operators.iter().map(|o| o.value()).collect();
                    self.apply_ops(base, &ops, e, file)
                }
            },
            Expression::Conditional(c) => {
                let cond = self.expr(&c.cond_expr, file)?;
                let (cond_inner, sens) = cond.unmark();
                let choice = match cond_inner {
                    Value::Unknown(_) => None,
                    other => match to_bool(other) {
                        Some(b) => Some(b),
                        None => {
                            return Err(err(
                                "Incorrect condition type",
                                format!("The condition must be a bool, got {}.", other.type_name()),
                                Self::span(&c.cond_expr, file),
                            ))
                        }
                    },
                };
                // Both results decide the result's type, as in Terraform; the one not chosen may
                // fail (`length(x) > 0 ? x[0] : null`) and then only the chosen one counts.
                let (chosen, other) = match choice {
                    Some(false) => (&c.false_expr, &c.true_expr),
                    _ => (&c.true_expr, &c.false_expr),
                };
                let value = match choice {
                    Some(_) => self.expr(chosen, file)?,
                    // Neither result is taken yet: each only contributes its type.
                    None => self.expr(chosen, file).unwrap_or(Value::UNKNOWN),
                };
                let other = self.expr(other, file).ok();
                // The result carries the top-level marks of the condition and of both results,
                // as in Terraform: which result was taken must not show (`false ? var.secret :
                // "x"` is as sensitive, or ephemeral, as var.secret).
                let sens = sens | value.unmark().1 | other.as_ref().map(|v| v.unmark().1).unwrap_or_default();
                let other = other.as_ref().map(shape_of).unwrap_or(Shape::Dynamic);
                let Some(shape) = unify(&[shape_of(&value), other]) else {
                    return Err(err(
                        "Inconsistent conditional result types",
                        "The true and false result expressions must have consistent types: both strings (numbers and bools convert to strings), both numbers, both bools, both sequences or both objects whose attributes have one common type.".to_string(),
                        Self::span(e, file),
                    ));
                };
                match choice {
                    None => Ok(marked(Value::UNKNOWN, sens)),
                    Some(_) => Ok(marked(convert(value, &shape), sens)),
                }
            }
            Expression::FuncCall(call) => self.func_call(call, e, file),
            Expression::UnaryOp(op) => {
                let v = self.expr(&op.expr, file)?;
                let (inner, sens) = v.unmark();
                // The operand converts as Terraform converts it: "1" is a number, "true" a bool.
                let result = match (op.operator.value(), inner) {
                    (_, Value::Unknown(_)) => Value::UNKNOWN,
                    (UnaryOperator::Neg, other) => match to_number(other) {
                        Some(n) => Value::Number(n.neg()),
                        None => {
                            return Err(err(
                                "Invalid operand",
                                format!("Unary minus needs a number, got {}.", other.type_name()),
                                Self::span(&op.expr, file),
                            ))
                        }
                    },
                    (UnaryOperator::Not, other) => match to_bool(other) {
                        Some(b) => Value::Bool(!b),
                        None => {
                            return Err(err(
                                "Invalid operand",
                                format!("! needs a bool, got {}.", other.type_name()),
                                Self::span(&op.expr, file),
                            ))
                        }
                    },
                };
                Ok(marked(result, sens))
            }
            Expression::BinaryOp(op) => {
                let lhs = self.expr(&op.lhs_expr, file)?;
                let rhs = self.expr(&op.rhs_expr, file)?;
                binary(*op.operator.value(), lhs, rhs).map_err(|m| err("Invalid operand", m, Self::span(e, file)))
            }
            Expression::ForExpr(f) => self.for_expr(f, file),
        }
    }

    fn for_expr(&self, f: &hcl_edit::expr::ForExpr, file: &Arc<SourceFile>) -> EvalResult {
        let coll = self.expr(&f.intro.collection_expr, file)?;
        let (inner, sens) = coll.unmark();
        let pairs = match iter_pairs(inner) {
            Ok(Some(p)) => p,
            Ok(None) => return Ok(marked(Value::UNKNOWN, sens)),
            Err(m) => {
                return Err(err(
                    "Iteration over non-iterable value",
                    m,
                    Self::span(&f.intro.collection_expr, file),
                ))
            }
        };
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        let mut grouped: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        for (k, v) in pairs {
            let mut inner_eval = self.clone();
            if let Some(kv) = &f.intro.key_var {
                inner_eval.bound.push((kv.as_str().to_string(), k));
            }
            inner_eval.bound.push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                let c = inner_eval.expr(&cond.expr, file)?;
                match c.unmark().0 {
                    Value::Bool(true) => {}
                    Value::Bool(false) => continue,
                    Value::Unknown(_) => return Ok(marked(Value::UNKNOWN, sens)),
                    other => {
                        return Err(err(
                            "Invalid for condition",
                            format!("The if clause must be a bool, got {}.", other.type_name()),
                            Self::span(&cond.expr, file),
                        ))
                    }
                }
            }
            let value = inner_eval.expr(&f.value_expr, file)?;
            match &f.key_expr {
                None => list.push(value),
                Some(ke) => {
                    let key = inner_eval.expr(ke, file)?;
                    if key.is_unknown() {
                        return Ok(marked(Value::UNKNOWN, sens));
                    }
                    let Some(key) = key.to_template_string() else {
                        return Err(err(
                            "Invalid object key",
                            format!("A for expression key must be a string, got {}.", key.type_name()),
                            Self::span(ke, file),
                        ));
                    };
                    if f.grouping {
                        grouped.entry(key).or_default().push(value);
                    } else if map.contains_key(&key) {
                        return Err(err(
                            "Duplicate object key",
                            format!("Two elements produce the key \"{key}\". Add an ellipsis (...) after the value to group them, or make the keys unique."),
                            Self::span(ke, file),
                        ));
                    } else {
                        map.insert(key, value);
                    }
                }
            }
        }
        let result = match &f.key_expr {
            None => Value::List(list.into()),
            Some(_) if f.grouping => Value::Map(grouped.into_iter().map(|(k, v)| (k, Value::List(v.into()))).collect()),
            Some(_) => Value::Map(map.into()),
        };
        Ok(marked(result, sens))
    }

    fn func_call(&self, call: &hcl_edit::expr::FuncCall, whole: &Expression, file: &Arc<SourceFile>) -> EvalResult {
        let name = call.name.name.as_str();
        if let Some(d) = unknown_function(call, Self::span(whole, file)) {
            return Err(d);
        }
        match name {
            "try" => {
                let mut last = None;
                for arg in call.args.iter() {
                    match self.expr(arg, file) {
                        Ok(v) if v.contains_unknown() => return Ok(Value::UNKNOWN),
                        Ok(v) => return Ok(v),
                        // A reference to something never declared is a mistake in the
                        // configuration, not a dynamic failure: Terraform reports it even here.
                        Err(e) if is_static(&e) => return Err(e),
                        Err(e) => last = Some(e),
                    }
                }
                return Err(err(
                    "Error in function call",
                    format!(
                        "try: none of the expressions succeeded.{}",
                        last.map(|d| format!(" The last error was: {}", d.detail))
                            .unwrap_or_default()
                    ),
                    Self::span(whole, file),
                ));
            }
            "can" => {
                let Some(arg) = call.args.iter().next() else {
                    return Err(err(
                        "Not enough function arguments",
                        "can needs one argument.",
                        Self::span(whole, file),
                    ));
                };
                return Ok(match self.expr(arg, file) {
                    Ok(v) if v.contains_unknown() => Value::UNKNOWN,
                    Ok(_) => Value::Bool(true),
                    Err(e) if is_static(&e) => return Err(e),
                    Err(_) => Value::Bool(false),
                });
            }
            _ => {}
        }
        let mut args = Vec::new();
        for arg in call.args.iter() {
            args.push(self.expr(arg, file)?);
        }
        if call.args.expand_final() {
            if let Some(last) = args.pop() {
                let (inner, sens) = last.unmark();
                match inner {
                    Value::List(items) => args.extend(items.iter().cloned().map(|v| v.with_marks(sens))),
                    Value::Unknown(_) => return Ok(Value::UNKNOWN),
                    other => {
                        return Err(err(
                            "Invalid expanding argument",
                            format!("The final argument with ... must be a list, got {}.", other.type_name()),
                            Self::span(whole, file),
                        ))
                    }
                }
            }
        }
        // As in Terraform, a relative path names a file from the directory infinstor runs in
        // (the root module's), in every module: a module's own files are `${path.module}/...`.
        let render = |src: &str, vars: &Value| Evaluator::render_file_template(src, vars, &self.scope.path_root);
        let ctx = FunctionContext {
            base_dir: &self.scope.path_root,
            render_template: &render,
            now: self.scope.now,
            plan_time: self.scope.plan_time,
        };
        functions::call(name, args, &ctx).map_err(|m| {
            err(
                "Error in function call",
                format!("Call to function \"{name}\" failed: {m}"),
                Self::span(whole, file),
            )
        })
    }
}

/// Parses and evaluates a standalone expression (CLI `--var` values, `.tfvars` files).
pub fn eval_standalone(src: &str, display: &str) -> Result<Value, Diagnostic> {
    let file = SourceFile::new(std::path::Path::new(display), display.to_string(), src.to_string());
    let expr = hcl_edit::parser::parse_expr(&crate::config::literals::widen(src))
        .map_err(|e| Diagnostic::error("Invalid expression", format!("{}: {}", display, e.message())))?;
    let scope = Scope::default();
    Evaluator::new(&scope).eval(&Expr { expr, file })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::addr::Mode;

    fn eval(src: &str) -> Value {
        eval_in(&Scope::default(), src)
    }

    fn eval_in(scope: &Scope, src: &str) -> Value {
        let file = SourceFile::new(std::path::Path::new("t.tf"), "t.tf".into(), src.to_string());
        let expr = hcl_edit::parser::parse_expr(src).expect("parses");
        Evaluator::new(scope).eval(&Expr { expr, file }).expect("evaluates")
    }

    fn scope() -> Scope {
        let mut s = Scope::default();
        s.vars.insert("name".into(), Value::from("bucket"));
        s.vars.insert("secret".into(), Value::from("hunter2").mark_sensitive());
        s.vars.insert("n".into(), Value::from(3.0));
        s.resources.insert(
            ResourceAddr {
                mode: Mode::Managed,
                type_: "aws_s3_bucket".into(),
                name: "b".into(),
            },
            crate::core::value::map([("arn", Value::UNKNOWN), ("bucket", Value::from("bucket"))]),
        );
        s.declared.vars = vec!["name".into(), "secret".into(), "n".into()];
        s
    }

    #[test]
    fn templates_and_operators() {
        let s = scope();
        assert_eq!(
            eval_in(&s, r#""arn:aws:s3:::${var.name}/*""#),
            Value::from("arn:aws:s3:::bucket/*")
        );
        assert_eq!(eval_in(&s, "var.n * 2 + 1"), Value::from(7.0));
        assert_eq!(eval_in(&s, "var.n > 2 ? \"big\" : \"small\""), Value::from("big"));
        assert_eq!(
            eval_in(&s, r#""%{ if var.n == 3 }three%{ else }other%{ endif }""#),
            Value::from("three")
        );
        assert_eq!(
            eval_in(&s, r#""%{ for x in ["a", "b"] }${x},%{ endfor }""#),
            Value::from("a,b,")
        );
    }

    #[test]
    fn unknown_and_sensitive_propagate() {
        let s = scope();
        assert_eq!(eval_in(&s, r#""${aws_s3_bucket.b.arn}/*""#), Value::UNKNOWN);
        assert_eq!(
            eval_in(&s, r#""x-${var.secret}""#),
            Value::from("x-hunter2").mark_sensitive()
        );
        assert_eq!(eval_in(&s, "upper(var.secret)").to_string(), "(sensitive value)");
        assert_eq!(eval_in(&s, "aws_s3_bucket.b.arn == \"x\""), Value::UNKNOWN);
        assert_eq!(eval_in(&s, "[aws_s3_bucket.b][*].bucket"), Value::from(vec!["bucket"]));
    }

    #[test]
    fn for_expressions() {
        assert_eq!(
            eval("[for x in [1, 2, 3] : x * 2 if x > 1]"),
            Value::from(vec![4i64, 6])
        );
        assert_eq!(
            eval(r#"{for k, v in {a = 1, b = 2} : upper(k) => v}"#),
            crate::core::value::map([("A", Value::from(1.0)), ("B", Value::from(2.0))])
        );
    }

    #[test]
    fn undeclared_reference_suggests() {
        let s = scope();
        let file = SourceFile::new(std::path::Path::new("t.tf"), "t.tf".into(), "var.nam".into());
        let expr = hcl_edit::parser::parse_expr("var.nam").expect("parses");
        let d = Evaluator::new(&s).eval(&Expr { expr, file }).expect_err("undeclared");
        assert!(d.detail.contains("Did you mean \"name\""), "{}", d.detail);
    }
}
