//! KMS: customer managed keys (`aws_kms_key`), aliases (`aws_kms_alias`) and key policies
//! managed on their own (`aws_kms_key_policy`), such as the policy of seed 001 that lets
//! InfinStor's IAM role use the key of an S3 bucket or DynamoDB table.
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider. Policy documents are
//! compared by meaning ([`crate::support::policy::equivalent`]): a read keeps the prior document text
//! when KMS returns the same policy reformatted, so a plan after apply shows no change.
//!
//! A key's ID is chosen by KMS, so it cannot be journaled before the create. Instead the
//! create journals `intent:<token>` and passes the tag `infinstor:intent = <token>` to
//! CreateKey; the tag is removed once the state records the new key. `import` of `aws_kms_key` accepts
//! `intent:<token>` (it lists the keys and their tags to find the one carrying the token), a
//! key ID or a key ARN.

use crate::resource::{Ctx, DataType, ResourceType};
use crate::support::attrs::{call, problem};
use crate::support::error::is_not_found;
use crate::support::wait::Waiter;
use aws_sdk_kms::types::{KeyMetadata, KeyState, Tag};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

mod alias;
mod data;
mod key;
mod key_policy;
use alias::{find_alias, KmsAlias};
use data::{AliasData, KeyData};
use key::KmsKey;
use key_policy::KmsKeyPolicy;

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(KmsKey), Box::new(KmsAlias), Box::new(KmsKeyPolicy)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(KeyData), Box::new(AliasData)]
}

// Shared helpers

const KEY_USAGES: [&str; 4] = ["ENCRYPT_DECRYPT", "SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"];

const KEY_SPECS: [&str; 16] = [
    "SYMMETRIC_DEFAULT",
    "RSA_2048",
    "RSA_3072",
    "RSA_4096",
    "HMAC_224",
    "HMAC_256",
    "HMAC_384",
    "HMAC_512",
    "ECC_NIST_P256",
    "ECC_NIST_P384",
    "ECC_NIST_P521",
    "ECC_SECG_P256K1",
    "SM2",
    "ML_DSA_44",
    "ML_DSA_65",
    "ML_DSA_87",
];

/// KMS's limit on a key policy, in bytes.
const MAX_POLICY_BYTES: usize = 32_768;

/// How long a new key may be invisible to the other KMS APIs.
const PROPAGATION_TIMEOUT: Duration = Duration::from_secs(120);

/// KMS says `NotFoundException` where other services say `ResourceNotFoundException`.
fn gone(code: &str) -> bool {
    is_not_found(code) || code == "NotFoundException"
}

/// `Ok(None)` for a not-found error, so reads can report a deleted object.
fn found<T>(r: Result<T, ProviderError>) -> Result<Option<T>, ProviderError> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(e) if gone(&e.code) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Retries `f` while KMS does not know a key that was just created.
fn settled<T>(f: impl FnMut() -> Result<T, ProviderError>) -> Result<T, ProviderError> {
    Waiter::new("a new KMS key", PROPAGATION_TIMEOUT).retry(|e| gone(&e.code), f)
}

/// A key that is scheduled for deletion is as good as gone: it can only be cancelled by hand.
fn deleting(meta: &KeyMetadata) -> bool {
    matches!(
        meta.key_state(),
        Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
    )
}

/// The key's metadata; `None` when it does not exist or is scheduled for deletion.
fn describe_key(ctx: &Ctx, key_id: &str) -> Result<Option<KeyMetadata>, ProviderError> {
    let out = found(call(
        ctx,
        &format!("reading KMS Key ({key_id})"),
        ctx.kms.describe_key().key_id(key_id).send(),
    ))?;
    Ok(out.and_then(|o| o.key_metadata().cloned()).filter(|m| !deleting(m)))
}

fn get_policy(ctx: &Ctx, key_id: &str) -> Result<String, ProviderError> {
    let out = call(
        ctx,
        &format!("reading the policy of KMS Key ({key_id})"),
        ctx.kms.get_key_policy().key_id(key_id).policy_name("default").send(),
    )?;
    Ok(out.policy().unwrap_or_default().to_string())
}

fn put_policy(ctx: &Ctx, key_id: &str, doc: &str, bypass: bool, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
    let what = format!("setting the policy of KMS Key ({key_id})");
    seeing_principals(&what, progress, || {
        call(
            ctx,
            &what,
            ctx.kms
                .put_key_policy()
                .key_id(key_id)
                .policy_name("default")
                .policy(doc)
                .bypass_policy_lockout_safety_check(bypass)
                .send(),
        )
    })
    .map_err(policy_hint)?;
    Ok(())
}

/// How long KMS may take to see a principal IAM made a moment before (the AWS provider waits as
/// long).
const PRINCIPAL_PROPAGATION: Duration = Duration::from_secs(120);

/// KMS refused a policy because a principal it names does not exist, which for a role created a
/// moment ago means IAM has not made it visible to KMS yet.
fn principal_not_seen(e: &ProviderError) -> bool {
    e.code == "MalformedPolicyDocumentException" && e.message.to_ascii_lowercase().contains("principal")
}

/// Sends `call` (a CreateKey or PutKeyPolicy with a policy) again while KMS does not see the
/// policy's principals yet, for up to two minutes; a refused call changed nothing, so sending it
/// again is safe. Another refusal is returned at once.
fn seeing_principals<T>(
    what: &str,
    progress: &dyn Fn(&str),
    call: impl FnMut() -> Result<T, ProviderError>,
) -> Result<T, ProviderError> {
    let transient = |e: &ProviderError| {
        let waiting = principal_not_seen(e);
        if waiting {
            progress("KMS does not see a principal of the policy yet (IAM is still propagating it); trying again");
        }
        waiting
    };
    Waiter::new(what, PRINCIPAL_PROPAGATION).retry(transient, call)
}

/// KMS refuses a policy whose principals do not exist, or that would lock the caller out.
fn policy_hint(mut e: ProviderError) -> ProviderError {
    if e.code == "MalformedPolicyDocumentException" {
        e.message.push_str(
            "\n\nKMS checks that every principal the policy names exists and that the policy lets the \
             caller manage the key. If it names an IAM role created in the same configuration, reference \
             the role's `arn` attribute (not a hand-written ARN) so the role is created first (KMS was \
             asked again for two minutes while IAM propagated it).",
        );
    }
    e
}

fn key_tags(ctx: &Ctx, key_id: &str) -> Result<BTreeMap<String, String>, ProviderError> {
    let mut out = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let page = call(
            ctx,
            &format!("listing tags of KMS Key ({key_id})"),
            ctx.kms
                .list_resource_tags()
                .key_id(key_id)
                .set_marker(marker.clone())
                .send(),
        )?;
        out.extend(
            page.tags()
                .iter()
                .map(|t| (t.tag_key().to_string(), t.tag_value().to_string())),
        );
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

fn sdk_tags(tags: &BTreeMap<String, String>) -> Result<Vec<Tag>, ProviderError> {
    tags.iter()
        .map(|(k, v)| {
            Tag::builder()
                .tag_key(k)
                .tag_value(v)
                .build()
                .map_err(|e| ProviderError::new("InvalidTag", format!("tag {k:?}: {e}")))
        })
        .collect()
}

fn untag(ctx: &Ctx, key_id: &str, keys: Vec<String>) -> Result<(), ProviderError> {
    if keys.is_empty() {
        return Ok(());
    }
    call(
        ctx,
        &format!("untagging KMS Key ({key_id})"),
        ctx.kms.untag_resource().key_id(key_id).set_tag_keys(Some(keys)).send(),
    )?;
    Ok(())
}

fn tag(ctx: &Ctx, key_id: &str, tags: &BTreeMap<String, String>) -> Result<(), ProviderError> {
    if tags.is_empty() {
        return Ok(());
    }
    call(
        ctx,
        &format!("tagging KMS Key ({key_id})"),
        ctx.kms
            .tag_resource()
            .key_id(key_id)
            .set_tags(Some(sdk_tags(tags)?))
            .send(),
    )?;
    Ok(())
}

/// The prior document when it means the same as what KMS returned.
fn keep_prior_policy(prior: &Value, remote: &str) -> Value {
    Value::string(crate::support::policy::keep_prior(prior.as_str(), remote))
}

/// The key policy KMS gives a key created without one, which Terraform restores when an
/// `aws_kms_key_policy` is destroyed: the account may manage the key through IAM policies.
fn default_policy(key_arn: &str) -> String {
    let parts: Vec<&str> = key_arn.split(':').collect();
    let partition = parts.get(1).copied().filter(|p| !p.is_empty()).unwrap_or("aws");
    let account = parts.get(4).copied().unwrap_or_default();
    serde_json::json!({
        "Id": "default",
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Enable IAM User Permissions",
            "Effect": "Allow",
            "Principal": { "AWS": format!("arn:{partition}:iam::{account}:root") },
            "Action": "kms:*",
            "Resource": "*"
        }]
    })
    .to_string()
}

/// The key ID inside a key ID or key ARN (`arn:aws:kms:REGION:ACCOUNT:key/ID`).
fn key_id_of(id_or_arn: &str) -> &str {
    match id_or_arn.rsplit_once(":key/") {
        Some((_, id)) => id,
        None => id_or_arn,
    }
}

/// Problems with a policy document argument.
fn policy_problems(config: &Value, key: &str, out: &mut Vec<ValidateProblem>) {
    if let Some(doc) = config.get(key).as_str() {
        if let Err(e) = crate::support::policy::normalize(doc) {
            out.push(problem(key, format!("\"{key}\" is not a valid policy document: {e}")));
        } else if doc.len() > MAX_POLICY_BYTES {
            out.push(problem(
                key,
                format!(
                    "\"{key}\" is {} bytes long; KMS accepts key policies of at most 32 KB",
                    doc.len()
                ),
            ));
        }
    }
}
