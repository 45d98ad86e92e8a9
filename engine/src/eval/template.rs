//! Templates: `"${...}"` strings, `%{if}`/`%{for}` directives and `templatefile`, rendered with
//! unknown and sensitive values carried through.

use super::expr::nfc;
use crate::core::diagnostic::{Diagnostic, SourceFile};
use crate::core::value::{Marks, Value};
use crate::eval::expr::{err, EvalResult, Evaluator, Scope};
use crate::eval::operators::{iter_pairs, marked};
use hcl_edit::template::{Directive, Element, Template};
use std::sync::Arc;

impl<'a> Evaluator<'a> {
    pub(super) fn template(&self, t: &Template, file: &Arc<SourceFile>) -> EvalResult {
        // A template that is exactly one interpolation yields the value itself (not a string),
        // as in Terraform: "${var.list}" is a list.
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.expr(&i.expr, file);
        }
        let mut out = String::new();
        let mut unknown = false;
        let mut sensitive = Marks::NONE;
        self.render_elements(t, file, &mut out, &mut unknown, &mut sensitive, &mut false)?;
        if unknown {
            return Ok(marked(Value::UNKNOWN, sensitive));
        }
        Ok(marked(Value::String(nfc(out)), sensitive))
    }

    pub(super) fn render_elements(
        &self,
        t: &Template,
        file: &Arc<SourceFile>,
        out: &mut String,
        unknown: &mut bool,
        sensitive: &mut Marks,
        strip_next: &mut bool,
    ) -> Result<(), Diagnostic> {
        for element in t.iter() {
            match element {
                Element::Literal(s) => {
                    let mut text: &str = s.value();
                    if *strip_next {
                        text = text.trim_start();
                        *strip_next = false;
                    }
                    out.push_str(text);
                }
                Element::Interpolation(i) => {
                    if i.strip.strip_start() {
                        let trimmed = out.trim_end().len();
                        out.truncate(trimmed);
                    }
                    let v = self.expr(&i.expr, file)?;
                    let (inner, sens) = v.unmark();
                    *sensitive |= sens | v.deep_marks();
                    match inner {
                        Value::Unknown(_) => *unknown = true,
                        Value::Null => {
                            return Err(err(
                                "Invalid template interpolation value",
                                "The expression result is null; a template cannot include null. Use coalesce() or a conditional to give a default.",
                                Self::span(&i.expr, file),
                            ))
                        }
                        other => match other.to_template_string() {
                            Some(s) => out.push_str(&s),
                            None if other.contains_unknown() => *unknown = true,
                            None => {
                                return Err(err(
                                    "Invalid template interpolation value",
                                    format!("Cannot include a {} in a string template; use jsonencode() or join() to turn it into a string.", other.type_name()),
                                    Self::span(&i.expr, file),
                                ))
                            }
                        },
                    }
                    *strip_next = i.strip.strip_end();
                }
                Element::Directive(d) => match &**d {
                    Directive::If(ifd) => {
                        if ifd.if_expr.strip.strip_start() {
                            let trimmed = out.trim_end().len();
                            out.truncate(trimmed);
                        }
                        *strip_next = ifd.if_expr.strip.strip_end();
                        let cond = self.expr(&ifd.if_expr.cond_expr, file)?;
                        let (inner, sens) = cond.unmark();
                        *sensitive |= sens;
                        match inner {
                            Value::Unknown(_) => *unknown = true,
                            Value::Bool(b) => {
                                if *b {
                                    self.render_elements(
                                        &ifd.if_expr.template,
                                        file,
                                        out,
                                        unknown,
                                        sensitive,
                                        strip_next,
                                    )?;
                                } else if let Some(else_expr) = &ifd.else_expr {
                                    *strip_next = else_expr.strip.strip_end();
                                    self.render_elements(
                                        &else_expr.template,
                                        file,
                                        out,
                                        unknown,
                                        sensitive,
                                        strip_next,
                                    )?;
                                }
                            }
                            other => {
                                return Err(err(
                                    "Invalid template condition",
                                    format!("The %{{if}} condition must be a bool, got {}.", other.type_name()),
                                    Self::span(&ifd.if_expr.cond_expr, file),
                                ))
                            }
                        }
                        if ifd.endif_expr.strip.strip_start() {
                            let trimmed = out.trim_end().len();
                            out.truncate(trimmed);
                        }
                        *strip_next = ifd.endif_expr.strip.strip_end();
                    }
                    Directive::For(ford) => {
                        let fe = &ford.for_expr;
                        if fe.strip.strip_start() {
                            let trimmed = out.trim_end().len();
                            out.truncate(trimmed);
                        }
                        let coll = self.expr(&fe.collection_expr, file)?;
                        let (inner, sens) = coll.unmark();
                        *sensitive |= sens;
                        let pairs = match iter_pairs(inner) {
                            Ok(Some(p)) => p,
                            Ok(None) => {
                                *unknown = true;
                                continue;
                            }
                            Err(m) => {
                                return Err(err("Invalid template for", m, Self::span(&fe.collection_expr, file)))
                            }
                        };
                        for (k, v) in pairs {
                            let mut inner_eval = self.clone();
                            if let Some(kv) = &fe.key_var {
                                inner_eval.bound.push((kv.as_str().to_string(), k));
                            }
                            inner_eval.bound.push((fe.value_var.as_str().to_string(), v));
                            *strip_next = fe.strip.strip_end();
                            inner_eval.render_elements(&fe.template, file, out, unknown, sensitive, strip_next)?;
                            if ford.endfor_expr.strip.strip_start() {
                                let trimmed = out.trim_end().len();
                                out.truncate(trimmed);
                            }
                        }
                        *strip_next = ford.endfor_expr.strip.strip_end();
                    }
                },
            }
        }
        Ok(())
    }
}

impl Evaluator<'_> {
    /// Renders a template file's source with `vars` (an object) as the only names in scope
    /// (`templatefile`).
    pub(super) fn render_file_template(src: &str, vars: &Value, base_dir: &std::path::Path) -> Result<Value, String> {
        render_template(src, vars, base_dir)
    }
}

/// Renders a template file's source with `vars` (an object) as the only names in scope.
pub fn render_template(src: &str, vars: &Value, base_dir: &std::path::Path) -> Result<Value, String> {
    let template =
        hcl_edit::parser::parse_template(src).map_err(|e| format!("template is not valid: {}", e.message()))?;
    let scope = Scope {
        path_module: base_dir.to_path_buf(),
        path_root: base_dir.to_path_buf(),
        ..Scope::default()
    };
    let bound: Vec<(String, Value)> = match vars.unmark().0 {
        Value::Map(m) => m
            .iter()
            .map(|(k, v)| (k.clone(), v.clone().with_marks(vars.unmark().1)))
            .collect(),
        Value::Null => Vec::new(),
        Value::Unknown(_) => return Ok(Value::UNKNOWN),
        other => {
            return Err(format!(
                "the variables argument must be an object, got {}",
                other.type_name()
            ))
        }
    };
    let evaluator = Evaluator::new(&scope).with_bound(bound);
    let file = SourceFile::new(std::path::Path::new("template"), "template".into(), src.to_string());
    evaluator
        .template(&template, &file)
        .map_err(|d| format!("{}: {}", d.summary, d.detail))
}
