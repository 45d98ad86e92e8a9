//! A create whose answer was lost. The call reached the service and may have been carried out
//! (a server error, a timeout, then a retry that found the object "already exists"). The intent
//! recorded before the call says how to find the object; when it is there, it is this create's
//! object, and it is brought to the plan in the same apply, the way an update would be, instead
//! of failing now and being adopted by the next plan.

use super::Pending;
use crate::apply::store::Store;
use crate::core::provider::{ApplyRequest, ApplyResponse, ImportRequest, Journal, PlanRequest};
use crate::plan::diff;

/// The create's result once its object is found and brought to the plan, or `None` when there
/// is no intent or no object (the create then fails with its own error).
pub(super) fn adopt(
    p: &Pending<'_>,
    store: &Store<'_>,
    journal: &dyn Journal,
    progress: &(dyn Fn(&str) + Sync),
) -> Option<ApplyResponse> {
    let intent = store.intent(&p.addr)?;
    progress(&format!(
        "the answer to the create was lost; looking for the object it made ({})",
        intent.import_id
    ));
    let found = p
        .provider
        .import(ImportRequest {
            type_name: &p.res.addr.type_,
            id: &intent.import_id,
        })
        .ok()??;
    let proposed = diff::proposed(&p.schema, &p.config, Some(&found), &p.res.lifecycle.ignore_changes);
    let plan = match p.provider.plan(PlanRequest {
        type_name: &p.res.addr.type_,
        prior: Some(&found),
        proposed: &proposed,
        config: &p.config,
    }) {
        Ok(plan) => plan,
        Err(error) => {
            return Some(ApplyResponse {
                new_state: Some(found),
                error: Some(error),
            })
        }
    };
    if !plan.requires_replace.is_empty() {
        // Recorded, tainted by the caller: the next plan replaces it.
        return Some(ApplyResponse {
            new_state: Some(found),
            error: Some(crate::core::provider::ProviderError::new(
                "AdoptedObjectDiffers",
                format!(
                    "the create's answer was lost and the object it made differs from the configuration in {}, which cannot change in place; it is recorded and the next apply replaces it",
                    plan.requires_replace.join(", ")
                ),
            )),
        });
    }
    if plan.planned == found {
        return Some(ApplyResponse {
            new_state: Some(found),
            error: None,
        });
    }
    Some(p.provider.apply(ApplyRequest {
        type_name: &p.res.addr.type_,
        prior: Some(&found),
        planned: Some(&plan.planned),
        journal,
        progress,
        private: plan.private.as_deref(),
    }))
}
