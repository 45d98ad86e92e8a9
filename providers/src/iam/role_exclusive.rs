//! A role's `managed_policy_arns` and `inline_policy` blocks: when the configuration sets them,
//! the role has exactly those attachments and inline policies (Terraform's exclusive
//! management); when it does not, they are left to other resources.

use crate::iam::{decode_document, keep_prior_document, list_attached, Holder, IamRole};
use crate::resource::Ctx;
use crate::support::attrs::{block_items, set_value, sref, string_set};
use engine::core::provider::ProviderError;
use engine::core::value::Value;

/// Whether the configuration manages the role's attachments.
fn manages_attachments(v: &Value) -> bool {
    !v.get("managed_policy_arns").is_null()
}

/// Whether the configuration manages the role's inline policies (an empty `inline_policy {}`
/// block manages them too: it means none).
fn manages_inline(v: &Value) -> bool {
    !block_items(v, "inline_policy").is_empty()
}

/// The inline policies a value wants: (name, document), the empty block left out.
fn wanted_inline(v: &Value) -> Vec<(String, String)> {
    block_items(v, "inline_policy")
        .iter()
        .filter_map(|b| Some((sref(b, "name")?.to_string(), sref(b, "policy")?.to_string())))
        .collect()
}

/// Whether a role's state lists managed policy ARNs of its own (an empty list declares none).
pub(super) fn declares_attachments(prior: &Value) -> bool {
    !string_set(&prior.get("managed_policy_arns")).is_empty()
}

/// Whether a role's state holds named inline policies of its own.
pub(super) fn declares_inline(prior: &Value) -> bool {
    !wanted_inline(prior).is_empty()
}

impl IamRole {
    /// Attaches, detaches, puts and deletes until the role matches what `planned` manages.
    pub(super) fn sync_exclusive(&self, ctx: &Ctx, name: &str, planned: &Value) -> Result<(), ProviderError> {
        if manages_attachments(planned) && !planned.get("managed_policy_arns").contains_unknown() {
            let wanted = string_set(&planned.get("managed_policy_arns"));
            let current = list_attached(ctx, name)?;
            for arn in wanted.iter().filter(|a| !current.contains(a)) {
                Holder::Role.attach(ctx, name, arn)?;
            }
            for arn in current.iter().filter(|a| !wanted.contains(a)) {
                Holder::Role.detach(ctx, name, arn)?;
            }
        }
        if manages_inline(planned) && !planned.get("inline_policy").contains_unknown() {
            let wanted = wanted_inline(planned);
            let current = self.inline_policy_names(ctx, name)?;
            for (policy, doc) in &wanted {
                let same = match Holder::Role.inline_policy(ctx, name, policy)? {
                    Some((_, _, remote)) => crate::support::policy::equivalent(doc, &decode_document(&remote)),
                    None => false,
                };
                if !same {
                    Holder::Role.put_inline_policy(ctx, name, policy, doc)?;
                }
            }
            for policy in current.iter().filter(|p| !wanted.iter().any(|(w, _)| w == *p)) {
                Holder::Role.delete_inline_policy(ctx, name, policy)?;
            }
        }
        Ok(())
    }

    /// Adds to a read role what the prior state manages: its attachments and inline policies
    /// as they are now, so that a change made elsewhere shows as drift.
    pub(super) fn read_exclusive(
        &self,
        ctx: &Ctx,
        name: &str,
        prior: &Value,
        read: Value,
    ) -> Result<Value, ProviderError> {
        let Value::Map(mut st) = read else { return Ok(read) };
        if manages_attachments(prior) {
            let mut attached = list_attached(ctx, name)?;
            attached.sort();
            st.insert("managed_policy_arns".into(), set_value(&attached));
        }
        if manages_inline(prior) {
            let recorded = block_items(prior, "inline_policy");
            let mut blocks = Vec::new();
            for policy in self.inline_policy_names(ctx, name)? {
                let Some((_, _, remote)) = Holder::Role.inline_policy(ctx, name, &policy)? else {
                    continue;
                };
                let before = recorded
                    .iter()
                    .find(|b| b.get("name").as_str() == Some(policy.as_str()))
                    .map(|b| b.get("policy"))
                    .unwrap_or(Value::Null);
                blocks.push(engine::core::value::map([
                    ("name", Value::string(&policy)),
                    ("policy", keep_prior_document(&before, &remote)),
                ]));
            }
            if blocks.is_empty() {
                // `inline_policy {}` stands for none.
                blocks.push(engine::core::value::map([
                    ("name", Value::Null),
                    ("policy", Value::Null),
                ]));
            }
            blocks.sort_by_key(|b| b.to_string());
            st.insert("inline_policy".into(), Value::List(blocks.into()));
        }
        Ok(Value::Map(st))
    }
}
