//! The access review: who gains or loses access to what, in plain words. The provider of each
//! changed resource says what its change means ([`ProviderFactory::review`]); this collects the
//! findings of a whole plan, once, when the plan is made, and stores them in the [`Plan`]. The
//! renderers only show them.

use crate::core::finding::Finding;
use crate::core::plan::{Action, Plan};
use crate::core::provider::ProviderFactory;

/// Reviews every change of a plan. Sorted: high-severity findings first, then by address.
pub fn review(plan: &Plan, factory: &dyn ProviderFactory) -> Vec<Finding> {
    let mut out = Vec::new();
    for c in &plan.changes {
        let (before, after) = match c.action {
            Action::NoOp | Action::Read => continue,
            Action::Create => (None, c.after.as_ref()),
            Action::Delete => (c.before.as_ref(), None),
            _ => (c.before.as_ref(), c.after.as_ref()),
        };
        out.extend(factory.review(&c.addr.resource.type_, &c.addr.to_string(), before, after));
    }
    out.sort();
    out.dedup();
    out
}
