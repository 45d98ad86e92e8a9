//! Override files (`override.tf`, `NAME_override.tf` and their `.tf.json` forms): read after
//! the other files, in name order, each top-level block merged into the block with the same
//! header elsewhere in the module, by the rules of Terraform's documentation.

use super::{Block, Body};
use crate::core::diagnostic::{Diagnostic, Diagnostics};

/// Whether a file of this name is an override file.
pub(super) fn is_override(name: &str) -> bool {
    let stem = name.strip_suffix(".tf.json").or_else(|| name.strip_suffix(".tf"));
    stem.is_some_and(|s| s == "override" || s.ends_with("_override"))
}

/// The block type a nested block counts as: a `dynamic "x"` block makes `x` blocks.
fn nested_kind(b: &Block) -> &str {
    match (b.kind.as_str(), b.labels.first()) {
        ("dynamic", Some(label)) => label,
        (kind, _) => kind,
    }
}

/// A provider block's alias, as written.
fn alias(b: &Block) -> Option<&str> {
    b.body.attrs.get("alias").and_then(|a| a.expr.expr.as_str())
}

/// Whether `base` is the block `over` overrides: same type and labels (and alias, for
/// providers).
fn same_header(base: &Block, over: &Block) -> bool {
    base.kind == over.kind && base.labels == over.labels && (base.kind != "provider" || alias(base) == alias(over))
}

/// Arguments of `over` replace those of `base`; its nested blocks replace all of `base`'s of
/// the same type (argument by argument for the kinds in `merged`).
fn merge(base: &mut Body, over: Body, merged: &[&str]) {
    if over.json {
        // In JSON a provider's nested blocks are written like arguments until the schema
        // tells them apart: one named like a block type of the original replaces its blocks.
        base.blocks.retain(|b| !over.attrs.contains_key(nested_kind(b)));
        base.json = true;
    }
    base.attrs.extend(over.attrs);
    let mut replaced: Vec<String> = Vec::new();
    for block in over.blocks {
        let kind = nested_kind(&block).to_string();
        if merged.contains(&kind.as_str()) {
            match base.blocks.iter_mut().find(|b| b.kind == kind) {
                Some(existing) => merge(&mut existing.body, block.body, &[]),
                None => base.blocks.push(block),
            }
            continue;
        }
        if !replaced.contains(&kind) {
            base.blocks.retain(|b| nested_kind(b) != kind);
            // The same blocks, written in JSON in the original.
            if base.json {
                base.attrs.remove(&kind);
            }
            replaced.push(kind);
        }
        base.blocks.push(block);
    }
}

/// Merges one override file's body into the bodies of the module's other files.
pub(super) fn apply(bases: &mut [Body], over: Body, diags: &mut Diagnostics) {
    for (name, attr) in &over.attrs {
        diags.push(
            Diagnostic::error(
                "Unexpected argument at top level",
                format!("\"{name}\" must be inside a block such as locals {{ ... }} or resource \"TYPE\" \"NAME\" {{ ... }}."),
            )
            .at(attr.name_span.clone()),
        );
    }
    for block in over.blocks {
        match block.kind.as_str() {
            "locals" => locals(bases, block, diags),
            "terraform" => terraform(bases, block),
            "moved" | "import" | "removed" | "check" => diags.push(
                Diagnostic::error(
                    "Cannot override this block",
                    format!(
                        "A {} block has nothing to merge into: write it in a file whose name does not end in override.tf.",
                        block.kind
                    ),
                )
                .at(block.span.clone()),
            ),
            _ => block_of(bases, block, diags),
        }
    }
}

fn block_of(bases: &mut [Body], over: Block, diags: &mut Diagnostics) {
    if matches!(over.kind.as_str(), "resource" | "data" | "output") {
        if let Some(attr) = over.body.attrs.get("depends_on") {
            diags.push(
                Diagnostic::error(
                    "Unsupported override",
                    "depends_on cannot be set in an override file, as in Terraform. Set it in the original block.",
                )
                .at(attr.name_span.clone()),
            );
            return;
        }
    }
    let found = bases
        .iter_mut()
        .flat_map(|b| b.blocks.iter_mut())
        .find(|b| same_header(b, &over));
    match found {
        Some(base) => {
            let merged: &[&str] = if matches!(over.kind.as_str(), "resource" | "data") {
                &["lifecycle"]
            } else {
                &[]
            };
            merge(&mut base.body, over.body, merged);
        }
        None => {
            let mut header = over.kind.clone();
            for l in &over.labels {
                header.push_str(&format!(" \"{l}\""));
            }
            if let (true, Some(a)) = (over.kind == "provider", alias(&over)) {
                header.push_str(&format!(" (alias \"{a}\")"));
            }
            diags.push(
                Diagnostic::error(
                    format!("Missing base {} block to override", over.kind),
                    format!("There is no {header} block in this module's other files to merge this into. Check the labels, or move the block to a file whose name does not end in override.tf."),
                )
                .at(over.span.clone()),
            );
        }
    }
}

/// Local values are overridden one by one, whichever `locals` block defines them.
fn locals(bases: &mut [Body], over: Block, diags: &mut Diagnostics) {
    for (name, attr) in over.body.attrs {
        let found = bases
            .iter_mut()
            .flat_map(|b| b.blocks.iter_mut())
            .filter(|b| b.kind == "locals")
            .find_map(|b| b.body.attrs.get_mut(&name));
        match found {
            Some(existing) => *existing = attr,
            None => diags.push(
                Diagnostic::error(
                    "Missing base local value definition to override",
                    format!("There is no local value \"{name}\" in this module's other files; an override file can only change one defined there."),
                )
                .at(attr.name_span.clone()),
            ),
        }
    }
}

/// Settings of `terraform` blocks are merged one by one: `required_providers` provider by
/// provider, a `backend` or `cloud` block replaces either.
fn terraform(bases: &mut [Body], over: Block) {
    let found = bases
        .iter_mut()
        .flat_map(|b| b.blocks.iter_mut())
        .find(|b| b.kind == "terraform");
    let Some(base) = found else {
        if let Some(first) = bases.first_mut() {
            first.blocks.push(over);
        }
        return;
    };
    base.body.attrs.extend(over.body.attrs);
    for block in over.body.blocks {
        match block.kind.as_str() {
            "required_providers" => match base.body.blocks.iter_mut().find(|b| b.kind == "required_providers") {
                Some(existing) => existing.body.attrs.extend(block.body.attrs),
                None => base.body.blocks.push(block),
            },
            "backend" | "cloud" => {
                base.body.blocks.retain(|b| b.kind != "backend" && b.kind != "cloud");
                base.body.blocks.push(block);
            }
            kind => {
                let kind = kind.to_string();
                base.body.blocks.retain(|b| b.kind != kind);
                base.body.blocks.push(block);
            }
        }
    }
}
