//! Data sources declared inside `check` blocks, which only their check may use.

use crate::config::refs::{body_references, references, Ref};
use crate::config::Module;
use crate::core::addr::ResourceAddr;
use crate::core::diagnostic::{Diagnostic, Diagnostics, Span};
use std::collections::BTreeMap;

/// A data source declared in a check block is for that check alone, as in Terraform: a
/// reference from anywhere else is an error at the reference.
pub(super) fn scoped_data_refs(m: &Module, diags: &mut Diagnostics) {
    let scoped: BTreeMap<&ResourceAddr, &str> = m
        .resources
        .iter()
        .filter_map(|(a, r)| r.check.as_deref().map(|c| (a, c)))
        .collect();
    if scoped.is_empty() {
        return;
    }
    // `within`: the check the references are written in, if any.
    let mut refuse = |within: Option<&str>, refs: Vec<(Ref, Option<Span>)>| {
        for (r, span) in refs {
            let Ref::Resource(addr) = r else { continue };
            match scoped.get(&addr) {
                Some(check) if within != Some(*check) => diags.push(
                    Diagnostic::error(
                        "Reference to scoped resource",
                        format!("{addr} is declared inside check \"{check}\" and can be used only there. Declare it outside the check block to use it here."),
                    )
                    .at(span),
                ),
                _ => {}
            }
        }
    };
    for r in m.resources.values() {
        let mut refs = body_references(&r.body);
        for e in r.count.iter().chain(&r.for_each) {
            refs.extend(references(e));
        }
        refuse(r.check.as_deref(), refs);
    }
    let elsewhere = m
        .providers
        .values()
        .flat_map(|p| body_references(&p.body))
        .chain(m.locals.values().flat_map(|a| references(&a.expr)))
        .chain(m.outputs.values().flat_map(|o| references(&o.value)))
        .chain(
            m.module_calls
                .values()
                .flat_map(|c| c.inputs.values().flat_map(|a| references(&a.expr))),
        )
        .collect();
    refuse(None, elsewhere);
}
