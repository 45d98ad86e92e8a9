//! From a `.tf` file's text to a [`Body`]: hcl-edit parses, this keeps each argument's and
//! block's span for diagnostics.

use super::{Attr, Block, Body, Expr};
use crate::core::diagnostic::{Diagnostic, Diagnostics, SourceFile, Span};
use hcl_edit::Span as _;
use std::path::Path;
use std::sync::Arc;

fn span(file: &Arc<SourceFile>, range: Option<std::ops::Range<usize>>) -> Option<Span> {
    range.map(|range| Span {
        file: file.clone(),
        range,
    })
}

pub(super) fn convert_body(file: &Arc<SourceFile>, body: &hcl_edit::structure::Body, diags: &mut Diagnostics) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        if let Some(attr) = structure.as_attribute() {
            let name = attr.key.as_str().to_string();
            let name_span = span(file, attr.key.span());
            if out.attrs.contains_key(&name) {
                diags.push(
                    Diagnostic::error(
                        "Duplicate argument",
                        format!("The argument \"{name}\" was already set. Each argument may be set only once; remove one of them."),
                    )
                    .at(name_span.clone()),
                );
                continue;
            }
            out.attrs.insert(
                name.clone(),
                Attr {
                    name,
                    expr: Expr {
                        expr: attr.value.clone(),
                        file: file.clone(),
                    },
                    name_span,
                },
            );
        } else if let Some(block) = structure.as_block() {
            out.blocks.push(Block {
                kind: block.ident.as_str().to_string(),
                labels: block.labels.iter().map(|l| l.as_str().to_string()).collect(),
                body: convert_body(file, &block.body, diags),
                span: span(file, block.ident.span()),
                label_span: block.labels.first().and_then(|l| span(file, l.span())),
            });
        }
    }
    out
}

/// Parses a file's HCL into a body; a syntax error is reported at its position.
pub(super) fn parse_body(file: &Arc<SourceFile>, diags: &mut Diagnostics) -> Option<Body> {
    // A file with an integer literal too long for the parser is read widened; places after it
    // in the file are then reported a few columns off, a price only such files pay.
    match hcl_edit::parser::parse_body(&super::literals::widen(&file.text)) {
        Ok(body) => Some(convert_body(file, &body, diags)),
        Err(e) => {
            if let Some(open) = super::braces::unclosed(&file.text) {
                let what = if open.opener.is_empty() {
                    "This `{`".to_string()
                } else {
                    format!("`{} {{`", open.opener)
                };
                diags.push(
                    Diagnostic::error(
                        "Unclosed configuration block",
                        format!("{what} is never closed. Add `}}` where it ends; the file cannot be read until then."),
                    )
                    .at(Some(Span {
                        file: file.clone(),
                        range: open.offset..open.offset + 1,
                    })),
                );
                return None;
            }
            let offset = e.location().offset();
            diags.push(
                Diagnostic::error(
                    "Invalid HCL syntax",
                    format!("{}. Fix the syntax at the marked position.", e.message()),
                )
                .at(Some(Span {
                    file: file.clone(),
                    range: offset..offset + 1,
                })),
            );
            None
        }
    }
}

/// Reads and parses one HCL file that is not part of a module (`-backend-config=FILE`).
pub(super) fn parse_file(path: &Path) -> Result<Body, Diagnostics> {
    let mut diags = Diagnostics::default();
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostics(vec![Diagnostic::error(
            "Cannot read file",
            format!("{}: {e}. Check the path.", path.display()),
        )])
    })?;
    let file = SourceFile::new(path, display_path(path), text);
    match parse_body(&file, &mut diags) {
        Some(body) if !diags.has_errors() => Ok(body),
        _ => Err(diags),
    }
}

/// How a file's path is shown: relative to the working directory when it is inside it.
pub(super) fn display_path(path: &Path) -> String {
    let path = path.strip_prefix(".").unwrap_or(path);
    let cwd = std::env::current_dir().ok();
    match cwd.as_deref().and_then(|c| path.strip_prefix(c).ok()) {
        Some(rel) => rel.display().to_string(),
        None => path.display().to_string(),
    }
}
