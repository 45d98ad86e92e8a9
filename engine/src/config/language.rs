//! What the Terraform language has where, so that nothing a user writes is silently ignored:
//! every argument and block is either understood, or an error at its place. A name that the
//! Terraform language has at that place but infinstor does not support yet says exactly that,
//! and what to do instead; any other name is unexpected, with a "did you mean".

use super::{Body, Span};
use crate::core::diagnostic::{suggestion, Diagnostic, Diagnostics};

/// A construct of the Terraform language that infinstor does not support yet, at its place.
pub(super) fn not_supported(what: &str, instead: &str, span: Option<Span>) -> Diagnostic {
    Diagnostic::error(
        "Not supported yet",
        format!("{what} is part of the Terraform language, but infinstor does not support it yet. {instead}"),
    )
    .at(span)
}

/// What one kind of block may hold.
pub(super) struct Allowed<'a> {
    /// Where, for messages: "a variable block", "lifecycle".
    pub within: &'a str,
    /// Arguments infinstor reads here.
    pub args: &'a [&'a str],
    /// Nested block types infinstor reads here.
    pub blocks: &'a [&'a str],
    /// Names the Terraform language has here that infinstor does not support yet, with what
    /// to do instead.
    pub not_yet: &'a [(&'a str, &'a str)],
}

impl Allowed<'_> {
    /// Reports every argument and nested block of `body` that is not allowed here.
    pub(super) fn check(&self, body: &Body, diags: &mut Diagnostics) {
        for (name, attr) in &body.attrs {
            if !self.args.contains(&name.as_str()) {
                diags.push(self.problem(name, "argument", "An argument", attr.name_span.clone()));
            }
        }
        for block in &body.blocks {
            if !self.blocks.contains(&block.kind.as_str()) {
                diags.push(self.problem(&block.kind, "block", "A block", block.span.clone()));
            }
        }
    }

    fn problem(&self, name: &str, kind: &str, article: &str, span: Option<Span>) -> Diagnostic {
        if let Some((_, instead)) = self.not_yet.iter().find(|(n, _)| *n == name) {
            return not_supported(&format!("The \"{name}\" {kind} in {}", self.within), instead, span);
        }
        let known = self.args.iter().chain(self.blocks).copied();
        Diagnostic::error(
            format!("Unsupported {kind}{}", if kind == "block" { " type" } else { "" }),
            format!(
                "{article} named \"{name}\" is not expected in {}.{}",
                self.within,
                suggestion(name, known)
            ),
        )
        .at(span)
    }
}

/// Top-level blocks of the language that infinstor does not support yet.
pub(super) const TOP_LEVEL_NOT_YET: &[(&str, &str)] = &[];

/// Blocks the language allows inside a resource that infinstor does not support yet.
pub(super) const RESOURCE_BLOCKS_NOT_YET: &[(&str, &str)] = &[
    ("provisioner", "Run the command outside infinstor, after apply."),
    ("connection", "Remove it; provisioners are not supported either."),
];

/// What a lifecycle block may hold.
pub(super) const LIFECYCLE: Allowed<'static> = Allowed {
    within: "lifecycle",
    args: &[
        "create_before_destroy",
        "prevent_destroy",
        "ignore_changes",
        "replace_triggered_by",
    ],
    blocks: &["precondition", "postcondition"],
    not_yet: &[("action_trigger", "Remove it.")],
};

/// What a `dynamic` block may hold.
pub(super) const DYNAMIC: Allowed<'static> = Allowed {
    within: "a dynamic block",
    args: &["for_each", "iterator"],
    blocks: &["content"],
    not_yet: &[(
        "labels",
        "Remove it; the nested block types infinstor supports take no labels.",
    )],
};
