//! aws_s3_bucket_acl: a canned ACL, or an access control policy listing each grant.

use crate::resource::Ctx;
use crate::s3::{bucket_propagating, known_str, send_retrying, string_type, BucketConfig, Target};
use crate::support::attrs::is_set;
use crate::support::attrs::{block_items, call, invalid, problem};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Nesting, Schema};
use engine::core::value::Value;
use std::collections::BTreeMap;

pub(super) struct Acl;

const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "aws-exec-read",
    "authenticated-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
    "log-delivery-write",
];

/// Whether `name` is a canned ACL.
pub(super) fn is_canned(name: &str) -> bool {
    CANNED_ACLS.contains(&name)
}

/// Canned ACLs that a bucket's grants cannot tell apart from `private`.
const LIKE_PRIVATE: &[&str] = &["private", "bucket-owner-read", "bucket-owner-full-control"];

const ALL_USERS: &str = "http://acs.amazonaws.com/groups/global/AllUsers";
const AUTHENTICATED_USERS: &str = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers";
const LOG_DELIVERY: &str = "http://acs.amazonaws.com/groups/s3/LogDelivery";

impl BucketConfig for Acl {
    fn type_name(&self) -> &'static str {
        "aws_s3_bucket_acl"
    }

    fn what(&self) -> &'static str {
        "S3 Bucket ACL"
    }

    fn body(&self) -> Schema {
        let grant = Schema::new()
            .block_min("grantee", Nesting::Single, grantee_schema(), 1)
            .attr(
                "permission",
                Attribute::required(string_type()).one_of(&["FULL_CONTROL", "WRITE", "WRITE_ACP", "READ", "READ_ACP"]),
            );
        // S3 stopped returning display names in 2025: an owner's is kept as configured, a
        // grantee's is always null.
        let owner = Schema::new()
            .attr("id", Attribute::required(string_type()))
            .attr("display_name", Attribute::optional(string_type()));
        Schema::new()
            .attr("acl", Attribute::optional(string_type()).one_of(CANNED_ACLS))
            .block(
                "access_control_policy",
                Nesting::Single,
                Schema::new()
                    .block("grant", Nesting::Set, grant)
                    .block_min("owner", Nesting::Single, owner, 1),
            )
    }

    fn check(&self, config: &Value) -> Vec<ValidateProblem> {
        let policy = !block_items(config, "access_control_policy").is_empty();
        let acl = config.get("acl");
        match (acl.is_null(), policy) {
            (false, true) if is_set(&acl) => vec![problem(
                "acl",
                "acl and access_control_policy cannot be used together: give a canned ACL or list the grants",
            )],
            (true, false) => vec![problem("acl", "one of acl or access_control_policy is required")],
            _ => Vec::new(),
        }
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
        if let Some(policy) = block_items(planned, "access_control_policy").into_iter().next() {
            return self.put_policy(ctx, target, &policy);
        }
        let acl = known_str(planned, "acl").unwrap_or_else(|| "private".to_string());
        self.put_canned(ctx, target, &acl)
    }

    fn get(&self, ctx: &Ctx, target: &Target, prior: &Value) -> Result<Option<BTreeMap<String, Value>>, ProviderError> {
        let op = format!("reading {} ({})", self.what(), target.bucket);
        let out = call(
            ctx,
            &op,
            ctx.s3
                .get_bucket_acl()
                .bucket(&target.bucket)
                .set_expected_bucket_owner(target.owner.clone())
                .send(),
        );
        let Some(out) = found(out)? else {
            return Ok(None);
        };
        let grants: Vec<(String, String)> = out
            .grants()
            .iter()
            .filter_map(|g| {
                let grantee = g.grantee()?;
                let who = grantee
                    .uri()
                    .map(str::to_string)
                    .or_else(|| grantee.id().map(|id| format!("id:{id}")))?;
                Some((who, g.permission()?.as_str().to_string()))
            })
            .collect();
        // The form the configuration chose; an import takes a canned ACL when the grants are
        // one, else the grants.
        let owner_id = out.owner().and_then(|o| o.id()).map(|id| format!("id:{id}"));
        // Terraform's provider records the grants (computed) beside a canned ACL: the canned
        // ACL is the form the configuration chose.
        let policy_form = !block_items(prior, "access_control_policy").is_empty() && known_str(prior, "acl").is_none();
        if policy_form || canned(&grants, owner_id.as_deref()).is_none() {
            return Ok(Some(BTreeMap::from([
                ("acl".to_string(), Value::Null),
                (
                    "access_control_policy".to_string(),
                    Value::List(vec![policy_value(&out, prior)].into()),
                ),
            ])));
        }
        let owner = out.owner().and_then(|o| o.id()).map(|id| format!("id:{id}"));
        let recorded = known_str(prior, "acl");
        let acl = match canned(&grants, owner.as_deref()) {
            Some("private") if recorded.as_deref().is_some_and(|r| LIKE_PRIVATE.contains(&r)) => recorded,
            Some(name) => Some(name.to_string()),
            // Grants no canned ACL makes: shown as a change back to the configured one.
            None => None,
        };
        Ok(Some(BTreeMap::from([
            ("acl".to_string(), acl.into()),
            ("access_control_policy".to_string(), Value::List(Vec::new().into())),
        ])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        // A bucket always has an ACL; destroying this resource takes the grants it added away.
        self.put_canned(ctx, target, "private")
    }
}

impl Acl {
    fn put_policy(&self, ctx: &Ctx, target: &Target, policy: &Value) -> Result<(), ProviderError> {
        use aws_sdk_s3::types::{AccessControlPolicy, Grant, Owner, Permission};
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let mut grants = Vec::new();
        for g in block_items(policy, "grant") {
            let grantee = grantee_of(&g, &op)?;
            grants.push(
                Grant::builder()
                    .grantee(grantee)
                    .set_permission(known_str(&g, "permission").map(|p| Permission::from(p.as_str())))
                    .build(),
            );
        }
        let owner = block_items(policy, "owner").into_iter().next().unwrap_or(Value::Null);
        let acp = AccessControlPolicy::builder()
            .set_grants(Some(grants))
            .owner(Owner::builder().set_id(known_str(&owner, "id")).build())
            .build();
        self.send(ctx, target, None, Some(acp))
    }

    fn put_canned(&self, ctx: &Ctx, target: &Target, acl: &str) -> Result<(), ProviderError> {
        self.send(ctx, target, Some(aws_sdk_s3::types::BucketCannedAcl::from(acl)), None)
    }

    /// PutBucketAcl with a canned ACL or a policy listing the grants.
    fn send(
        &self,
        ctx: &Ctx,
        target: &Target,
        acl: Option<aws_sdk_s3::types::BucketCannedAcl>,
        policy: Option<aws_sdk_s3::types::AccessControlPolicy>,
    ) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let (op, acl, policy) = (&op, &acl, &policy);
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_acl()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .set_acl(acl.clone())
                    .set_access_control_policy(policy.clone())
                    .send()
            },
            bucket_propagating,
        ))
    }
}

/// The canned ACL whose grants these are (grantee, permission), beside the owner's full
/// control. Grants are matched by grantee, with the canned ACL's permissions or some of them:
/// S3-compatible servers do not all list every permission of a grant (moto 5 lists the first).
fn canned(grants: &[(String, String)], owner: Option<&str>) -> Option<&'static str> {
    let others: Vec<(&str, &str)> = grants
        .iter()
        .filter(|(who, permission)| !(Some(who.as_str()) == owner && permission == "FULL_CONTROL"))
        .map(|(who, permission)| (who.as_str(), permission.as_str()))
        .collect();
    let Some((grantee, _)) = others.first() else {
        return Some("private");
    };
    if others.iter().any(|(who, _)| who != grantee) {
        return None;
    }
    let has = |p: &str| others.iter().any(|(_, permission)| *permission == p);
    let only = |allowed: &[&str]| others.iter().all(|(_, permission)| allowed.contains(permission));
    match *grantee {
        ALL_USERS if only(&["READ", "WRITE"]) && has("WRITE") => Some("public-read-write"),
        ALL_USERS if only(&["READ"]) => Some("public-read"),
        AUTHENTICATED_USERS if only(&["READ"]) => Some("authenticated-read"),
        LOG_DELIVERY if only(&["WRITE", "READ_ACP"]) => Some("log-delivery-write"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn grants_name_their_canned_acl() {
        let owner = "id:abc";
        let g = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs.iter().map(|(w, p)| (w.to_string(), p.to_string())).collect()
        };
        assert_eq!(canned(&g(&[(owner, "FULL_CONTROL")]), Some(owner)), Some("private"));
        assert_eq!(
            canned(&g(&[(owner, "FULL_CONTROL"), (ALL_USERS, "READ")]), Some(owner)),
            Some("public-read")
        );
        assert_eq!(
            canned(
                &g(&[
                    (LOG_DELIVERY, "READ_ACP"),
                    (owner, "FULL_CONTROL"),
                    (LOG_DELIVERY, "WRITE")
                ]),
                Some(owner)
            ),
            Some("log-delivery-write")
        );
        assert_eq!(
            canned(&g(&[(owner, "FULL_CONTROL"), (LOG_DELIVERY, "READ_ACP")]), Some(owner)),
            Some("log-delivery-write")
        );
        assert_eq!(
            canned(
                &g(&[(owner, "FULL_CONTROL"), (ALL_USERS, "READ"), (ALL_USERS, "WRITE")]),
                Some(owner)
            ),
            Some("public-read-write")
        );
        assert_eq!(
            canned(&g(&[(owner, "FULL_CONTROL"), ("id:other", "READ")]), Some(owner)),
            None
        );
        assert_eq!(
            canned(&g(&[(ALL_USERS, "READ"), (LOG_DELIVERY, "WRITE")]), Some(owner)),
            None
        );
    }
}

/// The bucket's grants and owner as an `access_control_policy` block.
fn policy_value(out: &aws_sdk_s3::operation::get_bucket_acl::GetBucketAclOutput, prior: &Value) -> Value {
    use engine::core::value::map;
    let text = |s: Option<&str>| -> Value { s.map(Value::from).into() };
    let grants = out
        .grants()
        .iter()
        .map(|g| {
            map([
                (
                    "grantee",
                    Value::List(g.grantee().map(grantee_value).into_iter().collect()),
                ),
                ("permission", text(g.permission().map(|p| p.as_str()))),
            ])
        })
        .collect();
    let owner = out.owner().map(|o| {
        let configured = block_items(prior, "access_control_policy")
            .into_iter()
            .flat_map(|p| block_items(&p, "owner"))
            .map(|o| o.get("display_name"))
            .next()
            .unwrap_or(Value::Null);
        map([("id", text(o.id())), ("display_name", configured)])
    });
    map([
        ("grant", Value::List(grants)),
        ("owner", Value::List(owner.into_iter().collect())),
    ])
}

/// A `grantee` block: who an ACL grant (or a log delivery grant) is for.
pub(super) fn grantee_schema() -> Schema {
    Schema::new()
        .attr(
            "type",
            Attribute::required(string_type()).one_of(&["CanonicalUser", "AmazonCustomerByEmail", "Group"]),
        )
        .attr("id", Attribute::optional(string_type()))
        .attr("uri", Attribute::optional(string_type()))
        .attr("email_address", Attribute::optional(string_type()))
        // S3 stopped returning display names in 2025: always null.
        .attr("display_name", Attribute::computed(string_type()))
}

/// The grantee of a grant value (its `grantee` block), as S3 takes it.
pub(super) fn grantee_of(grant: &Value, op: &str) -> Result<aws_sdk_s3::types::Grantee, ProviderError> {
    let who = block_items(grant, "grantee").into_iter().next().unwrap_or(Value::Null);
    aws_sdk_s3::types::Grantee::builder()
        .set_type(known_str(&who, "type").map(|t| aws_sdk_s3::types::Type::from(t.as_str())))
        .set_id(known_str(&who, "id"))
        .set_uri(known_str(&who, "uri"))
        .set_email_address(known_str(&who, "email_address"))
        .build()
        .map_err(|e| invalid(format!("{op}: {e}")))
}

/// A grantee as a `grantee` block value; an empty string (which the emulator answers for a
/// group's ID) is no value.
pub(super) fn grantee_value(w: &aws_sdk_s3::types::Grantee) -> Value {
    let text = |s: Option<&str>| -> Value { s.filter(|v| !v.is_empty()).map(Value::from).into() };
    engine::core::value::map([
        ("type", Value::from(w.r#type().as_str())),
        ("id", text(w.id())),
        ("uri", text(w.uri())),
        ("email_address", text(w.email_address())),
        ("display_name", Value::Null),
    ])
}
