//! What a create, update or change set sends.

use crate::cloudformation::{short_hash, string_map, templates_equivalent};
use crate::support::attrs::{sref, string_set};
use aws_sdk_cloudformation::types::{Capability, Parameter, Tag};
use engine::core::value::Value;

/// The arguments a stack operation sends, from a planned state.
pub(super) struct Desired {
    pub(super) template_body: Option<String>,
    pub(super) template_url: Option<String>,
    pub(super) parameters: Vec<Parameter>,
    pub(super) capabilities: Vec<Capability>,
    pub(super) tags: Vec<Tag>,
    pub(super) notification_arns: Vec<String>,
    pub(super) role_arn: Option<String>,
    /// Digest of everything above, for change set names and request tokens.
    pub(super) digest: String,
}

impl Desired {
    pub(super) fn from(planned: &Value) -> Desired {
        let template_url = sref(planned, "template_url").map(str::to_string);
        // With a template_url, template_body only mirrors what the URL held at the last read.
        let template_body = match template_url {
            Some(_) => None,
            None => sref(planned, "template_body").map(str::to_string),
        };
        let params = string_map(&planned.get("parameters"));
        let parameters = params
            .iter()
            .map(|(k, v)| {
                // A NoEcho value read back from AWS is masked; keep whatever is set.
                if v == "****" {
                    Parameter::builder().parameter_key(k).use_previous_value(true).build()
                } else {
                    Parameter::builder().parameter_key(k).parameter_value(v).build()
                }
            })
            .collect();
        let caps = string_set(&planned.get("capabilities"));
        let tags_map = string_map(&planned.get("tags_all"));
        let notification_arns = string_set(&planned.get("notification_arns"));
        let role_arn = sref(planned, "iam_role_arn").map(str::to_string);
        let mut parts: Vec<String> = vec![
            template_body.clone().unwrap_or_default(),
            template_url.clone().unwrap_or_default(),
            role_arn.clone().unwrap_or_default(),
        ];
        parts.extend(params.iter().map(|(k, v)| format!("p:{k}={v}")));
        parts.extend(caps.iter().map(|c| format!("c:{c}")));
        parts.extend(tags_map.iter().map(|(k, v)| format!("t:{k}={v}")));
        parts.extend(notification_arns.iter().map(|n| format!("n:{n}")));
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        Desired {
            template_body,
            template_url,
            parameters,
            capabilities: caps.iter().map(|c| Capability::from(c.as_str())).collect(),
            tags: tags_map
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
            notification_arns,
            role_arn,
            digest: short_hash(&refs),
        }
    }
}

/// True when an update has to go through CloudFormation (not only `policy_body` or settings
/// that exist only at create).
pub(super) fn stack_changes(prior: &Value, planned: &Value) -> bool {
    let template_changed = match (sref(prior, "template_body"), planned.get("template_body")) {
        (_, v) if v.is_unknown() => true,
        (Some(p), v) => v.as_str().is_some_and(|n| !templates_equivalent(p, n)),
        (None, v) => !v.is_null(),
    };
    let differs = |key: &str| {
        let n = planned.get(key);
        n.contains_unknown() || n.deep_unmark() != prior.get(key).deep_unmark()
    };
    let set_differs = |key: &str| {
        let n = planned.get(key);
        n.contains_unknown() || string_set(&n) != string_set(&prior.get(key))
    };
    let map_differs = |key: &str| {
        let n = planned.get(key);
        n.contains_unknown() || string_map(&n) != string_map(&prior.get(key))
    };
    template_changed
        || differs("template_url")
        || differs("iam_role_arn")
        || map_differs("parameters")
        || map_differs("tags_all")
        || set_differs("capabilities")
        || set_differs("notification_arns")
}
