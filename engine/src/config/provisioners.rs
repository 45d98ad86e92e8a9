//! A resource's `provisioner` blocks: `local-exec` is read (its arguments checked here, run by
//! apply); `file` and `remote-exec`, which need a `connection` to another machine, are not
//! supported yet, at their place.

use super::language::{not_supported, Allowed};
use super::{traversal_text, Body, Provisioner};
use crate::core::diagnostic::{Diagnostic, Diagnostics};

const LOCAL_EXEC: Allowed<'static> = Allowed {
    within: "a local-exec provisioner",
    args: &[
        "command",
        "working_dir",
        "interpreter",
        "environment",
        "quiet",
        "when",
        "on_failure",
    ],
    blocks: &[],
    not_yet: &[(
        "connection",
        "A local-exec provisioner runs on this machine and uses no connection: remove it.",
    )],
};

/// Takes the `provisioner` blocks out of a resource body, in order, reporting what is wrong
/// with them.
pub(super) fn take(body: &mut Body, diags: &mut Diagnostics) -> Vec<Provisioner> {
    let (blocks, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut body.blocks)
        .into_iter()
        .partition(|b| b.kind == "provisioner");
    body.blocks = rest;
    let mut out = Vec::new();
    for block in blocks {
        let kind = match block.labels.as_slice() {
            [kind] => kind.as_str(),
            _ => {
                diags.push(
                    Diagnostic::error(
                        "Invalid provisioner block",
                        "A provisioner block takes one label, its type: provisioner \"local-exec\" { ... }.",
                    )
                    .at(block.span.clone()),
                );
                continue;
            }
        };
        match kind {
            "local-exec" => {}
            "file" | "remote-exec" => {
                diags.push(not_supported(
                    &format!("The \"{kind}\" provisioner"),
                    "It needs a connection to another machine; run that step outside infinstor, or with local-exec.",
                    block.label_span.clone().or(block.span.clone()),
                ));
                continue;
            }
            other => {
                diags.push(
                    Diagnostic::error(
                        "Invalid provisioner type",
                        format!(
                            "\"{other}\" is not a provisioner type; the types are local-exec, file and remote-exec."
                        ),
                    )
                    .at(block.label_span.clone().or(block.span.clone())),
                );
                continue;
            }
        }
        LOCAL_EXEC.check(&block.body, diags);
        let mut body = block.body.clone();
        body.blocks.clear();
        if !body.attrs.contains_key("command") {
            diags.push(
                Diagnostic::error(
                    "Missing required argument",
                    "A local-exec provisioner needs command = \"...\": the command to run.",
                )
                .at(block.span.clone()),
            );
            continue;
        }
        let when_destroy = keyword(
            body.attrs.remove("when"),
            ("destroy", "create"),
            "Invalid \"when\" keyword",
            "when is create or destroy, without quotes.",
            diags,
        );
        let on_failure_continue = keyword(
            body.attrs.remove("on_failure"),
            ("continue", "fail"),
            "Invalid \"on_failure\" keyword",
            "on_failure is continue or fail, without quotes.",
            diags,
        );
        out.push(Provisioner {
            when_destroy,
            on_failure_continue,
            body,
            span: block.span.clone(),
        });
    }
    out
}

/// A two-way keyword argument (`when = destroy`): true for the first word, false for the second
/// or when absent; anything else is an error.
fn keyword(
    attr: Option<super::Attr>,
    (yes, no): (&str, &str),
    summary: &str,
    detail: &str,
    diags: &mut Diagnostics,
) -> bool {
    let Some(attr) = attr else { return false };
    match traversal_text(&attr.expr.expr).as_deref() {
        Some(w) if w == yes => true,
        Some(w) if w == no => false,
        _ => {
            diags.push(Diagnostic::error(summary, detail).at(attr.expr.span()));
            false
        }
    }
}
