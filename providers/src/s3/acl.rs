//! aws_s3_bucket_acl, with a canned ACL.

use super::*;

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
        Schema::new()
            .attr("acl", Attribute::required(string_type()).one_of(CANNED_ACLS))
            .not_yet(
                "access_control_policy",
                "Use a canned ACL in `acl`, or a bucket policy (aws_s3_bucket_policy) for grants to other accounts.",
            )
    }

    fn put(&self, ctx: &Ctx, target: &Target, planned: &Value, _prior: Option<&Value>) -> Result<(), ProviderError> {
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
        let owner = out.owner().and_then(|o| o.id()).map(|id| format!("id:{id}"));
        let recorded = known_str(prior, "acl");
        let acl = match canned(&grants, owner.as_deref()) {
            Some("private") if recorded.as_deref().is_some_and(|r| LIKE_PRIVATE.contains(&r)) => recorded,
            Some(name) => Some(name.to_string()),
            // Grants no canned ACL makes: shown as a change back to the configured one.
            None => None,
        };
        Ok(Some(BTreeMap::from([("acl".to_string(), acl.into())])))
    }

    fn remove(&self, ctx: &Ctx, target: &Target, _prior: &Value) -> Result<(), ProviderError> {
        // A bucket always has an ACL; destroying this resource takes the grants it added away.
        self.put_canned(ctx, target, "private")
    }
}

impl Acl {
    fn put_canned(&self, ctx: &Ctx, target: &Target, acl: &str) -> Result<(), ProviderError> {
        let op = format!("putting {} ({})", self.what(), target.bucket);
        let op = &op;
        ctx.block_on(send_retrying(
            op,
            || {
                ctx.s3
                    .put_bucket_acl()
                    .bucket(&target.bucket)
                    .set_expected_bucket_owner(target.owner.clone())
                    .acl(aws_sdk_s3::types::BucketCannedAcl::from(acl))
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
