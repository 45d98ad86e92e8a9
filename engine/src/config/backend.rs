//! `terraform { backend "TYPE" { ... } }`: where the state lives. Like Terraform, the block
//! takes literal values only (it is read before anything can be evaluated); values that differ
//! per environment are passed to `init` with `-backend-config`.

use super::{Block, Expression, Span};
use crate::core::diagnostic::{Diagnostic, Diagnostics};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// The backend types infinstor has, and the arguments of each.
pub const TYPES: &[(&str, &[&str])] = &[("s3", state::backend::s3::ARGUMENTS), ("local", &["path"])];

/// Arguments of Terraform's local backend that infinstor does not have.
const LOCAL_NOT_SUPPORTED: &[(&str, &str)] = &[(
    "workspace_dir",
    "Other workspaces' states are kept in infinstor.state.d/ beside the state file; remove workspace_dir.",
)];

/// A backend block, its literal settings, and where each is written.
#[derive(Debug, Clone)]
pub struct BackendBlock {
    /// `s3`, `local`.
    pub kind: String,
    /// The arguments, nested blocks as objects.
    pub settings: serde_json::Map<String, serde_json::Value>,
    /// Where each argument is written.
    pub spans: BTreeMap<String, Option<Span>>,
    /// The block header.
    pub span: Option<Span>,
}

impl BackendBlock {
    /// Identifies the block's content: `init` records it, and every other command compares.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.kind.as_bytes());
        h.update([0]);
        h.update(serde_json::to_vec(&self.settings).unwrap_or_default());
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Where an argument (`bucket`, `assume_role.role_arn`) is written, or the block itself.
    pub fn span_of(&self, key: &str) -> Option<Span> {
        let top = key.split('.').next().unwrap_or(key);
        self.spans.get(top).cloned().flatten().or_else(|| self.span.clone())
    }
}

/// A literal expression as JSON; `None` for anything that would need evaluating.
pub fn literal(e: &Expression) -> Option<serde_json::Value> {
    use serde_json::Value as J;
    Some(match e {
        Expression::Null(_) => J::Null,
        Expression::Bool(b) => J::Bool(*b.value()),
        Expression::Number(n) => serde_json::to_value(n.value().as_f64()?).ok()?,
        Expression::String(s) => J::String(s.value().to_string()),
        Expression::Array(items) => J::Array(items.iter().map(literal).collect::<Option<_>>()?),
        Expression::Object(obj) => {
            let mut map = serde_json::Map::new();
            for (k, v) in obj.iter() {
                let key = match k {
                    hcl_edit::expr::ObjectKey::Ident(i) => i.as_str().to_string(),
                    hcl_edit::expr::ObjectKey::Expression(e) => e.as_str()?.to_string(),
                };
                map.insert(key, literal(v.expr())?);
            }
            J::Object(map)
        }
        Expression::Parenthesis(p) => literal(p.inner())?,
        _ => return None,
    })
}

/// The literal arguments of a body, nested blocks as objects.
fn body_settings(
    body: &super::Body,
    settings: &mut serde_json::Map<String, serde_json::Value>,
    spans: &mut BTreeMap<String, Option<Span>>,
    diags: &mut Diagnostics,
) {
    for (name, attr) in &body.attrs {
        match literal(&attr.expr.expr) {
            Some(v) => {
                settings.insert(name.clone(), v);
            }
            None => diags.push(
                Diagnostic::error(
                    "Variables not allowed",
                    format!("The backend's \"{name}\" must be a literal value: the backend is set up before anything is evaluated. Pass values that differ per environment to init: infinstor init -backend-config={name}=VALUE."),
                )
                .at(attr.expr.span()),
            ),
        }
        spans.insert(name.clone(), attr.name_span.clone());
    }
    for nested in &body.blocks {
        let mut map = serde_json::Map::new();
        let mut inner_spans = BTreeMap::new();
        if !nested.body.blocks.is_empty() {
            diags.push(
                Diagnostic::error("Unsupported block", format!("{} takes arguments only.", nested.kind))
                    .at(nested.span.clone()),
            );
        }
        body_settings(&nested.body, &mut map, &mut inner_spans, diags);
        settings.insert(nested.kind.clone(), serde_json::Value::Object(map));
        spans.insert(nested.kind.clone(), nested.span.clone());
    }
}

/// `-backend-config=FILE`: a file of `name = value` lines (and `assume_role { ... }` blocks).
pub fn settings_file(path: &std::path::Path) -> Result<serde_json::Map<String, serde_json::Value>, Diagnostics> {
    let body = super::parse::parse_file(path)?;
    let mut diags = Diagnostics::default();
    let mut settings = serde_json::Map::new();
    body_settings(&body, &mut settings, &mut BTreeMap::new(), &mut diags);
    if diags.has_errors() {
        return Err(diags);
    }
    Ok(settings)
}

/// `-backend-config=KEY=VALUE`: the value as HCL when it is a literal (`true`, `3`,
/// `{ role_arn = "..." }`), else as the text it is.
pub fn setting_value(text: &str) -> serde_json::Value {
    hcl_edit::parser::parse_expr(text)
        .ok()
        .and_then(|e| literal(&e))
        .unwrap_or_else(|| serde_json::Value::String(text.to_string()))
}

/// Reads `backend "TYPE" { ... }`.
pub(super) fn parse(block: &Block, diags: &mut Diagnostics) -> Option<BackendBlock> {
    let Some(kind) = block.labels.first().filter(|_| block.labels.len() == 1) else {
        diags.push(
            Diagnostic::error(
                "Invalid backend block",
                "A backend block has one label, its type: backend \"s3\" { ... }.",
            )
            .at(block.span.clone()),
        );
        return None;
    };
    let Some((_, arguments)) = TYPES.iter().find(|(t, _)| t == kind) else {
        diags.push(
            Diagnostic::error(
                "Unsupported backend type",
                format!(
                    "infinstor keeps state in the \"s3\" or \"local\" backend, not \"{kind}\". Use backend \"s3\" {{ bucket = ..., key = ..., region = ... }} to share state in a team, or remove the block for a local file."
                ),
            )
            .at(block.span.clone()),
        );
        return None;
    };
    let mut out = BackendBlock {
        kind: kind.clone(),
        settings: serde_json::Map::new(),
        spans: BTreeMap::new(),
        span: block.span.clone(),
    };
    let before = diags.0.len();
    body_settings(&block.body, &mut out.settings, &mut out.spans, diags);
    let mut names: Vec<&String> = out.settings.keys().collect();
    names.sort_by_key(|n| out.span_of(n).map(|s| s.range.start));
    for name in names {
        let table = if kind == "s3" {
            state::backend::s3::NOT_SUPPORTED
        } else {
            LOCAL_NOT_SUPPORTED
        };
        let not_supported = table.iter().find(|(k, _)| k == name).map(|(_, what)| *what);
        let message = match not_supported {
            Some(what) => format!("{name} is not supported by infinstor's {kind} backend. {what}"),
            None if arguments.contains(&name.as_str()) => continue,
            None => format!(
                "The {kind} backend has no argument \"{name}\".{}",
                crate::core::diagnostic::suggestion(name, arguments.iter().copied())
            ),
        };
        diags.push(Diagnostic::error("Unsupported argument", message).at(out.span_of(name)));
    }
    (diags.0.len() == before).then_some(out)
}
