//! What a change of an IAM, S3 or KMS resource means to a reviewer: who gains or loses access
//! to what, in plain words, from the policy documents of the change (role trust and permission
//! policies, bucket policies, key policies) compared statement by statement after putting
//! them in canonical form, plus policy attachments and public access blocks.

use crate::support::policy;
use engine::core::finding::{Finding, Severity};
use engine::core::schema::Schema;
use engine::core::value::Value;
use serde_json::Value as Json;
use std::collections::BTreeSet;

/// One statement, normalised.
#[derive(Debug, Clone, PartialEq)]
struct Statement {
    effect: String,
    actions: Vec<String>,
    not_actions: Vec<String>,
    resources: Vec<String>,
    not_resources: Vec<String>,
    principals: Vec<(String, String)>,
    conditions: Vec<(String, String, Vec<String>)>,
    raw: String,
}

fn strings(v: Option<&Json>) -> Vec<String> {
    match v {
        Some(Json::String(s)) => vec![s.clone()],
        Some(Json::Array(a)) => a.iter().filter_map(|x| x.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

fn statements(doc: &str) -> Vec<Statement> {
    let Ok(norm) = policy::normalize(doc) else {
        return Vec::new();
    };
    let list = match norm.get("Statement") {
        Some(Json::Array(a)) => a.clone(),
        Some(other) => vec![other.clone()],
        None => Vec::new(),
    };
    list.iter()
        .map(|s| {
            let mut principals = Vec::new();
            match s.get("Principal") {
                Some(Json::String(p)) => principals.push(("*".to_string(), p.clone())),
                Some(Json::Object(m)) => {
                    for (kind, ids) in m {
                        for id in strings(Some(ids)) {
                            principals.push((kind.clone(), id));
                        }
                    }
                }
                _ => {}
            }
            let mut conditions = Vec::new();
            if let Some(Json::Object(ops)) = s.get("Condition") {
                for (op, keys) in ops {
                    if let Json::Object(keys) = keys {
                        for (k, vals) in keys {
                            let vals = match vals {
                                Json::Array(a) => a
                                    .iter()
                                    .map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string()))
                                    .collect(),
                                other => vec![other.as_str().map(str::to_string).unwrap_or_else(|| other.to_string())],
                            };
                            conditions.push((op.clone(), k.clone(), vals));
                        }
                    }
                }
            }
            Statement {
                effect: s.get("Effect").and_then(|e| e.as_str()).unwrap_or("Allow").to_string(),
                actions: strings(s.get("Action")),
                not_actions: strings(s.get("NotAction")),
                resources: strings(s.get("Resource")),
                not_resources: strings(s.get("NotResource")),
                principals,
                conditions,
                raw: s.to_string(),
            }
        })
        .collect()
}

/// The account ID in a principal ARN or a bare account ID.
fn account_of(id: &str) -> Option<&str> {
    if id.len() == 12 && id.chars().all(|c| c.is_ascii_digit()) {
        return Some(id);
    }
    let parts: Vec<&str> = id.split(':').collect();
    (parts.len() >= 5 && parts[0] == "arn" && parts[2] == "iam")
        .then(|| parts[4])
        .filter(|a| !a.is_empty())
}

fn list(items: &[String]) -> String {
    items.join(", ")
}

fn describe_condition(c: &(String, String, Vec<String>)) -> String {
    format!("{} {} = {}", c.0, c.1, list(&c.2))
}

/// Findings for a statement that is new.
fn granted(s: &Statement, address: &str, attribute: &str, bucket_policy: bool, out: &mut Vec<Finding>) {
    let push = |out: &mut Vec<Finding>, severity, message: String| {
        out.push(Finding {
            severity,
            address: address.to_string(),
            attribute: Some(attribute.to_string()),
            message,
        })
    };
    let verb = if s.effect == "Deny" { "denies" } else { "allows" };
    let what = if !s.actions.is_empty() {
        list(&s.actions)
    } else if !s.not_actions.is_empty() {
        format!("every action except {}", list(&s.not_actions))
    } else {
        "no action".to_string()
    };
    let on = if !s.resources.is_empty() {
        format!(" on {}", list(&s.resources))
    } else if !s.not_resources.is_empty() {
        format!(" on every resource except {}", list(&s.not_resources))
    } else {
        String::new()
    };
    let to = if s.principals.is_empty() {
        String::new()
    } else {
        format!(
            " to {}",
            s.principals
                .iter()
                .map(|(k, v)| if k == "*" { v.clone() } else { format!("{k} {v}") })
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let cond = if s.conditions.is_empty() {
        String::new()
    } else {
        format!(
            " when {}",
            s.conditions
                .iter()
                .map(describe_condition)
                .collect::<Vec<_>>()
                .join(" and ")
        )
    };
    let allow = s.effect != "Deny";
    push(
        out,
        if allow { Severity::Grant } else { Severity::Revoke },
        format!("{verb} {what}{on}{to}{cond}"),
    );
    if !allow {
        return;
    }
    for (kind, id) in &s.principals {
        if kind == "AWS" {
            if let Some(account) = account_of(id) {
                let ext = s.conditions.iter().find(|c| c.1.eq_ignore_ascii_case("sts:ExternalId"));
                let guard = match ext {
                    Some(_) => " (guarded by an sts:ExternalId condition)".to_string(),
                    None => " with no sts:ExternalId condition".to_string(),
                };
                push(
                    out,
                    Severity::High,
                    format!("trusts AWS account {account} ({id}){guard}"),
                );
            }
        }
        if id == "*" {
            let public = if bucket_policy {
                "opens the bucket to the public: principal \"*\""
            } else {
                "trusts any principal (\"*\")"
            };
            push(
                out,
                Severity::High,
                format!(
                    "{public}{}",
                    if s.conditions.is_empty() {
                        " without conditions"
                    } else {
                        ""
                    }
                ),
            );
        }
    }
    if s.actions.iter().any(|a| a.contains('*')) {
        push(
            out,
            Severity::High,
            format!(
                "wildcard in actions: {}",
                list(
                    &s.actions
                        .iter()
                        .filter(|a| a.contains('*'))
                        .cloned()
                        .collect::<Vec<_>>()
                )
            ),
        );
    }
    if !s.not_actions.is_empty() {
        push(
            out,
            Severity::High,
            format!("NotAction allows every action except {}", list(&s.not_actions)),
        );
    }
    if s.resources.iter().any(|r| r == "*") {
        push(
            out,
            Severity::High,
            "wildcard resource \"*\": applies to every resource".to_string(),
        );
    }
}

fn same_shape(a: &Statement, b: &Statement) -> bool {
    a.effect == b.effect
        && a.actions == b.actions
        && a.not_actions == b.not_actions
        && a.resources == b.resources
        && a.not_resources == b.not_resources
        && a.principals == b.principals
}

/// Reviews one policy document change.
fn review_doc(
    before: Option<&str>,
    after: Option<&str>,
    address: &str,
    attribute: &str,
    bucket_policy: bool,
    out: &mut Vec<Finding>,
) {
    let old = before.map(statements).unwrap_or_default();
    let new = after.map(statements).unwrap_or_default();
    let old_raw: BTreeSet<&str> = old.iter().map(|s| s.raw.as_str()).collect();
    let new_raw: BTreeSet<&str> = new.iter().map(|s| s.raw.as_str()).collect();
    let added: Vec<&Statement> = new.iter().filter(|s| !old_raw.contains(s.raw.as_str())).collect();
    let removed: Vec<&Statement> = old.iter().filter(|s| !new_raw.contains(s.raw.as_str())).collect();
    let mut paired_old = BTreeSet::new();
    let finding = |severity, message: String| Finding {
        severity,
        address: address.to_string(),
        attribute: Some(attribute.to_string()),
        message,
    };
    for s in &added {
        // A statement whose only change is its condition is reported as a condition change.
        if let Some((i, prev)) = removed
            .iter()
            .enumerate()
            .find(|(i, p)| !paired_old.contains(i) && same_shape(p, s))
        {
            paired_old.insert(i);
            condition_changes(prev, s, &finding, out);
            continue;
        }
        // One whose only change is its actions: say which actions come and go.
        if let Some((i, prev)) = removed
            .iter()
            .enumerate()
            .find(|(i, p)| !paired_old.contains(i) && same_but_actions(p, s))
        {
            paired_old.insert(i);
            let gained: Vec<String> = s
                .actions
                .iter()
                .filter(|a| !prev.actions.contains(a))
                .cloned()
                .collect();
            let lost: Vec<String> = prev
                .actions
                .iter()
                .filter(|a| !s.actions.contains(a))
                .cloned()
                .collect();
            if !gained.is_empty() {
                let only = Statement {
                    actions: gained,
                    ..(*s).clone()
                };
                granted(&only, address, attribute, bucket_policy, out);
            }
            if !lost.is_empty() {
                let only = Statement {
                    actions: lost,
                    ..(*prev).clone()
                };
                let mut gone = Vec::new();
                granted(&only, address, attribute, bucket_policy, &mut gone);
                if let Some(first) = gone.into_iter().next() {
                    out.push(finding(Severity::Revoke, format!("no longer {}", first.message)));
                }
            }
            continue;
        }
        granted(s, address, attribute, bucket_policy, out);
    }
    for (i, s) in removed.iter().enumerate() {
        if paired_old.contains(&i) {
            continue;
        }
        let mut lost = Vec::new();
        granted(s, address, attribute, bucket_policy, &mut lost);
        if let Some(first) = lost.into_iter().next() {
            out.push(finding(Severity::Revoke, format!("no longer {}", first.message)));
        }
    }
}

fn same_but_actions(a: &Statement, b: &Statement) -> bool {
    a.effect == b.effect
        && a.not_actions == b.not_actions
        && a.resources == b.resources
        && a.not_resources == b.not_resources
        && a.principals == b.principals
        && a.conditions == b.conditions
}

/// Conditions added, changed (same operator and key, other values) and removed.
fn condition_changes(
    prev: &Statement,
    now: &Statement,
    finding: &dyn Fn(Severity, String) -> Finding,
    out: &mut Vec<Finding>,
) {
    for c in &now.conditions {
        match prev.conditions.iter().find(|p| p.0 == c.0 && p.1 == c.1) {
            Some(p) if p.2 == c.2 => {}
            Some(p) => out.push(finding(
                Severity::Condition,
                format!("condition changed: {} {}: {} -> {}", c.0, c.1, list(&p.2), list(&c.2)),
            )),
            None => out.push(finding(
                Severity::Condition,
                format!("condition added: {}", describe_condition(c)),
            )),
        }
    }
    for p in &prev.conditions {
        if !now.conditions.iter().any(|c| c.0 == p.0 && c.1 == p.1) {
            let external_id = p.1.eq_ignore_ascii_case("sts:ExternalId");
            let severity = if external_id {
                Severity::High
            } else {
                Severity::Condition
            };
            out.push(finding(
                severity,
                format!("condition removed: {}", describe_condition(p)),
            ));
        }
    }
}

fn doc(v: Option<&Value>, attr: &str) -> Option<String> {
    let v = v?.get(attr);
    if v.contains_sensitive() {
        return None;
    }
    v.as_str().map(str::to_string)
}

/// What a reviewer should know about one change of a resource of `type_name` whose schema is
/// `schema`: `before` is `None` for a create, `after` for a delete.
pub(crate) fn review_change(
    type_name: &str,
    schema: &Schema,
    address: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let address = address.to_string();
    for (name, attr) in &schema.attributes {
        // Policy documents are the attributes whose canonical form is a policy's.
        if attr.canonical.is_none() {
            continue;
        }
        let (b, a) = (doc(before, name), doc(after, name));
        if b.is_none() && a.is_none() {
            // A new object's policy that AWS decides when the configuration gives none (an
            // endpoint's full-access default) is unknown without being built from anything.
            let aws_default = attr.computed && before.is_none();
            if !aws_default && after.map(|v| v.get(name).is_unknown()).unwrap_or(false) {
                out.push(Finding {
                    severity: Severity::High,
                    address: address.clone(),
                    attribute: Some(name.clone()),
                    message: "the policy is known only after apply; review the expressions it is built from".into(),
                });
            }
            continue;
        }
        if let (Some(x), Some(y)) = (&b, &a) {
            if policy::equivalent(x, y) {
                continue;
            }
        }
        let bucket_policy = type_name == "aws_s3_bucket_policy";
        review_doc(b.as_deref(), a.as_deref(), &address, name, bucket_policy, &mut out);
    }
    // Attachments grant a whole managed policy to a role.
    if type_name == "aws_iam_role_policy_attachment" {
        let get = |v: Option<&Value>, k: &str| {
            v.map(|v| v.get(k)).map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| "(known after apply)".into())
            })
        };
        match (before, after) {
            (None, Some(a)) => out.push(Finding {
                severity: Severity::Grant,
                address,
                attribute: None,
                message: format!(
                    "attaches policy {} to role {}",
                    get(Some(a), "policy_arn").unwrap_or_default(),
                    get(Some(a), "role").unwrap_or_default()
                ),
            }),
            (Some(b), None) => out.push(Finding {
                severity: Severity::Revoke,
                address,
                attribute: None,
                message: format!(
                    "detaches policy {} from role {}",
                    get(Some(b), "policy_arn").unwrap_or_default(),
                    get(Some(b), "role").unwrap_or_default()
                ),
            }),
            _ => {}
        }
    } else if type_name == "aws_s3_bucket_public_access_block" {
        let flags = [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ];
        let off: Vec<&str> = flags
            .iter()
            .copied()
            .filter(|f| after.map(|a| a.get(f).as_bool() != Some(true)).unwrap_or(false))
            .collect();
        let was_off: Vec<&str> = flags
            .iter()
            .copied()
            .filter(|f| before.map(|b| b.get(f).as_bool() != Some(true)).unwrap_or(true))
            .collect();
        let newly: Vec<&str> = off
            .iter()
            .copied()
            .filter(|f| !was_off.contains(f) || before.is_none())
            .collect();
        if !newly.is_empty() {
            out.push(Finding {
                severity: Severity::High,
                address: address.clone(),
                attribute: None,
                message: format!("public access block not enforced: {} = false", newly.join(", ")),
            });
        }
        if after.is_none() && before.is_some() {
            out.push(Finding {
                severity: Severity::High,
                address,
                attribute: None,
                message: "public access block removed: the bucket may become public through its policy or ACLs".into(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cross_account_trust_with_external_id_is_flagged() {
        let doc = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"arn:aws:iam::697756613082:root"},"Condition":{"StringEquals":{"sts:ExternalId":"abc"}}}]}"#;
        let mut out = Vec::new();
        review_doc(None, Some(doc), "aws_iam_role.r", "assume_role_policy", false, &mut out);
        let msgs: Vec<String> = out
            .iter()
            .map(|f| format!("{} {}", f.severity.marker(), f.message))
            .collect();
        assert!(msgs.contains(&"! trusts AWS account 697756613082 (arn:aws:iam::697756613082:root) (guarded by an sts:ExternalId condition)".to_string()), "{msgs:?}");
        assert!(
            msgs.iter().any(|m| m.starts_with(
                "+ allows sts:AssumeRole to AWS arn:aws:iam::697756613082:root when StringEquals sts:ExternalId = abc"
            )),
            "{msgs:?}"
        );
    }

    #[test]
    fn condition_change_and_wildcards() {
        let before = r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"123456789012"},"Condition":{"StringEquals":{"sts:ExternalId":"old"}}}]}"#;
        let after =
            r#"{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Principal":{"AWS":"123456789012"}}]}"#;
        let mut out = Vec::new();
        review_doc(Some(before), Some(after), "r", "assume_role_policy", false, &mut out);
        assert_eq!(out.len(), 1, "{out:?}");
        assert_eq!(out[0].severity, Severity::High);
        assert!(out[0]
            .message
            .contains("condition removed: StringEquals sts:ExternalId = old"));

        let mut out = Vec::new();
        review_doc(
            None,
            Some(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Principal":"*"}]}"#),
            "b",
            "policy",
            true,
            &mut out,
        );
        let high: Vec<&str> = out
            .iter()
            .filter(|f| f.severity == Severity::High)
            .map(|f| f.message.as_str())
            .collect();
        assert!(
            high.iter().any(|m| m.contains("opens the bucket to the public")),
            "{high:?}"
        );
        assert!(high.iter().any(|m| m.contains("wildcard in actions: s3:*")), "{high:?}");
        assert!(high.iter().any(|m| m.contains("wildcard resource")), "{high:?}");
    }

    #[test]
    fn formatting_only_changes_are_silent_and_removals_are_revokes() {
        let a = r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject"],"Resource":"arn:aws:s3:::b/*"}]}"#;
        let b = r#"{ "Statement": { "Resource": ["arn:aws:s3:::b/*"], "Action": "s3:GetObject", "Effect": "Allow" } }"#;
        let mut out = Vec::new();
        review_doc(Some(a), Some(b), "p", "policy", false, &mut out);
        assert!(out.is_empty(), "{out:?}");
        review_doc(Some(a), Some(r#"{"Statement":[]}"#), "p", "policy", false, &mut out);
        assert_eq!(out[0].severity, Severity::Revoke);
        assert_eq!(out[0].message, "no longer allows s3:GetObject on arn:aws:s3:::b/*");
    }
}
