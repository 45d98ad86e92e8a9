//! IAM resources: roles, users and groups (and who is in a group), their inline policies and managed-policy
//! attachments, managed policies, instance profiles, console passwords, and OpenID Connect and SAML identity providers.
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider so that existing
//! configurations and state carry over. IAM hands policy documents back URL-encoded and
//! reformatted; every read keeps the document string from the prior state when it still means
//! the same ([`crate::support::policy::equivalent`]), so a plan after apply shows no change.

use crate::resource::{ApplyOutcome, Ctx, DataType, ResourceType};
use crate::support::attrs::{get, problem, State};
use crate::support::naming::check_names;
use aws_sdk_iam::types::Tag;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::Schema;
use engine::core::value::Value;
use std::collections::BTreeMap;

mod access_key;
mod account_settings;
mod exclusive_attachment;
mod group;
mod holder;
mod inline_policy;
mod instance_profile;
mod login_profile;
mod membership;
mod oidc_provider;
mod policy;
mod policy_attachment;
mod policy_data;
mod policy_document;
mod role;
mod role_data;
mod role_exclusive;
mod saml_provider;
mod service_linked_role;
mod ssh_key;
mod tagging;
#[cfg(test)]
mod tests;
mod user;
use exclusive_attachment::ExclusivePolicyAttachment;
use group::IamGroup;
use holder::Holder;
use inline_policy::IamInlinePolicy;
use instance_profile::IamInstanceProfile;
use login_profile::LoginProfile;
use oidc_provider::OidcProvider;
use policy::IamPolicy;
use policy_attachment::IamPolicyAttachment;
use policy_data::PolicyData;
use policy_document::PolicyDocument;
use role::{list_attached, paged, IamRole};
use role_data::RoleData;
use saml_provider::SamlProvider;
use service_linked_role::ServiceLinkedRole;
use user::IamUser;

/// Every IAM resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(IamRole),
        Box::new(IamPolicy),
        Box::new(IamInlinePolicy(Holder::Role)),
        Box::new(IamInlinePolicy(Holder::User)),
        Box::new(IamInlinePolicy(Holder::Group)),
        Box::new(IamPolicyAttachment(Holder::Role)),
        Box::new(IamPolicyAttachment(Holder::User)),
        Box::new(IamPolicyAttachment(Holder::Group)),
        Box::new(IamInstanceProfile),
        Box::new(IamUser),
        Box::new(IamGroup),
        Box::new(ServiceLinkedRole),
        Box::new(OidcProvider),
        Box::new(LoginProfile),
        Box::new(SamlProvider),
        Box::new(ExclusivePolicyAttachment),
        Box::new(access_key::AccessKey),
        Box::new(ssh_key::SshKey),
        Box::new(account_settings::PasswordPolicy),
        Box::new(account_settings::AccountAlias),
        Box::new(membership::GroupMembership),
        Box::new(membership::UserGroupMembership),
    ]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(PolicyDocument), Box::new(RoleData), Box::new(PolicyData)]
}

fn set_default(st: &mut State, key: &str, value: Value) {
    if get(st, key).is_null() {
        st.insert(key.to_string(), value);
    }
}

/// The string entries of a map value.
fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_string())))
                .collect()
        })
        .unwrap_or_default()
}

/// The tags IAM reports, as a map.
pub(crate) fn tag_map(remote: &[Tag]) -> BTreeMap<String, String> {
    remote
        .iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

/// IAM tags to send.
pub(crate) fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .key(k)
                .value(v)
                .build()
                .map_err(|e| ProviderError::new("InvalidTag", format!("tag {k:?}: {e}")))
        })
        .collect()
}

/// IAM returns policy documents URL-encoded; state keeps the plain JSON.
fn decode_document(doc: &str) -> String {
    if doc.len() >= 3 && doc.as_bytes()[..3].eq_ignore_ascii_case(b"%7B") {
        match urlencoding::decode(doc) {
            Ok(s) => s.into_owned(),
            Err(_) => doc.to_string(),
        }
    } else {
        doc.to_string()
    }
}

/// The prior document string when it means the same as what AWS returned, so that
/// formatting differences never show up as drift.
fn keep_prior_document(prior: &Value, remote: &str) -> Value {
    Value::string(crate::support::policy::keep_prior(
        prior.as_str(),
        &decode_document(remote),
    ))
}

/// True when a force-new attribute differs from the prior state, i.e. the plan replaces the
/// object; computed attributes of the old object must then not carry over.
fn replacing(schema: &Schema, prior: Option<&Value>, st: &State) -> bool {
    let Some(prior) = prior else { return false };
    schema.attributes.iter().filter(|(_, a)| a.force_new).any(|(k, a)| {
        let new = get(st, k);
        new.contains_unknown() || !engine::plan::diff::attr_equal(a, &prior.get(k), new)
    })
}

/// Marks computed attributes unknown for a replacement and the name unknown when it will be
/// generated from a prefix again.
fn reset_for_replace(st: &mut State, computed: &[&str]) {
    for key in computed {
        st.insert((*key).to_string(), Value::UNKNOWN);
    }
    if !get(st, "name_prefix").is_null() {
        st.insert("name".to_string(), Value::UNKNOWN);
    }
}

/// Common checks: `name`/`name_prefix` conflict and lengths, JSON documents that parse.
fn validate_names_and_docs(config: &Value, max_name: usize, docs: &[&str]) -> Vec<ValidateProblem> {
    let mut out = check_names(config, max_name);
    for key in docs {
        if let Some(doc) = config.get(key).as_str() {
            if let Err(e) = crate::support::policy::normalize(doc) {
                out.push(problem(key, format!("\"{key}\" is not a valid policy document: {e}")));
            }
        }
    }
    out
}

fn validate_path(config: &Value, out: &mut Vec<ValidateProblem>) {
    if let Some(p) = config.get("path").as_str() {
        if !p.starts_with('/') || !p.ends_with('/') {
            out.push(problem(
                "path",
                "\"path\" must begin and end with \"/\" (for example \"/\" or \"/service/\")",
            ));
        }
    }
}

/// The state to record after a failed update: what AWS has now, or the prior state when
/// even reading fails.
fn after_failed_update(rt: &dyn ResourceType, ctx: &Ctx, prior: &Value, err: ProviderError) -> ApplyOutcome {
    match rt.read(ctx, prior) {
        Ok(Some(now)) => ApplyOutcome::partial(now, err),
        Ok(None) => ApplyOutcome::failed(err),
        Err(_) => ApplyOutcome::partial(prior.clone(), err),
    }
}
