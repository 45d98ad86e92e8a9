//! KMS: customer managed keys (`aws_kms_key`), aliases (`aws_kms_alias`) and key policies
//! managed on their own (`aws_kms_key_policy`), such as the policy of seed 001 that lets
//! InfinStor's IAM role use the key of an S3 bucket or DynamoDB table.
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider. Policy documents are
//! compared by meaning ([`engine::plan::policy::equivalent`]): a read keeps the prior document text
//! when KMS returns the same policy reformatted, so a plan after apply shows no change.
//!
//! A key's ID is chosen by KMS, so it cannot be journaled before the create. Instead the
//! create journals `intent:<token>` and passes the tag `infinstor:intent = <token>` to
//! CreateKey; the tag is removed once the create finishes. `import` of `aws_kms_key` accepts
//! `intent:<token>` (it lists the keys and their tags to find the one carrying the token), a
//! key ID or a key ARN.

use crate::resource::{update_outcome, ApplyOutcome, Ctx, DataType, ResourceType};
use crate::support::attrs::{call, get, into_state, map_of_strings, problem, sref, string_map, State};
use crate::support::attrs::{default_to, finish};
use crate::support::error::is_not_found;
use crate::support::naming::{intent_token, INTENT_TAG};
use crate::support::tags::{split_tags, tag_diff, tags_all};
use crate::support::wait::backoff;
use aws_sdk_kms::types::{KeyMetadata, KeySpec, KeyState, KeyUsageType, Tag};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use engine::plan::policy;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(KmsKey), Box::new(KmsAlias), Box::new(KmsKeyPolicy)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    Vec::new()
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

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
fn settled<T>(mut f: impl FnMut() -> Result<T, ProviderError>) -> Result<T, ProviderError> {
    let start = Instant::now();
    let mut delay = Duration::from_millis(200);
    loop {
        match f() {
            Err(e) if gone(&e.code) && start.elapsed() < PROPAGATION_TIMEOUT => {
                delay = backoff(delay, Duration::from_secs(5));
            }
            other => return other,
        }
    }
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

fn put_policy(ctx: &Ctx, key_id: &str, doc: &str, bypass: bool) -> Result<(), ProviderError> {
    call(
        ctx,
        &format!("setting the policy of KMS Key ({key_id})"),
        ctx.kms
            .put_key_policy()
            .key_id(key_id)
            .policy_name("default")
            .policy(doc)
            .bypass_policy_lockout_safety_check(bypass)
            .send(),
    )
    .map_err(policy_hint)?;
    Ok(())
}

/// KMS refuses a policy whose principals do not exist yet, or that would lock the caller out.
fn policy_hint(mut e: ProviderError) -> ProviderError {
    if e.code == "MalformedPolicyDocumentException" {
        e.message.push_str(
            "\n\nKMS checks that every principal the policy names exists and that the policy lets the \
             caller manage the key. If it names an IAM role created in the same configuration, reference \
             the role's `arn` attribute (not a hand-written ARN) so the role is created first; IAM may take \
             a few seconds to make a new role visible to KMS, so applying again usually succeeds.",
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
    match prior.as_str() {
        Some(p) if policy::equivalent(p, remote) => Value::string(p),
        _ => Value::string(remote),
    }
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
        if let Err(e) = policy::normalize(doc) {
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

// ---------------------------------------------------------------------------------------------
// aws_kms_key
// ---------------------------------------------------------------------------------------------

struct KmsKey;

impl KmsKey {
    /// The state of a key, keeping from `prior` what KMS does not store (the deletion window,
    /// the lockout check flag) and the prior policy text when it means the same.
    fn state(
        &self,
        ctx: &Ctx,
        meta: &KeyMetadata,
        doc: &str,
        rotation: bool,
        tags: BTreeMap<String, String>,
        prior: &Value,
    ) -> Value {
        let mut st = State::new();
        let key_id = meta.key_id().to_string();
        st.insert("key_id".into(), Value::string(&key_id));
        st.insert("id".into(), Value::string(&key_id));
        st.insert("arn".into(), meta.arn().map(Value::string).unwrap_or(Value::Null));
        st.insert(
            "description".into(),
            Value::string(meta.description().unwrap_or_default()),
        );
        st.insert(
            "key_usage".into(),
            meta.key_usage()
                .map(|u| Value::string(u.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "customer_master_key_spec".into(),
            meta.key_spec()
                .map(|s| Value::string(s.as_str()))
                .unwrap_or(Value::Null),
        );
        st.insert("multi_region".into(), Value::Bool(meta.multi_region().unwrap_or(false)));
        st.insert("is_enabled".into(), Value::Bool(meta.enabled()));
        st.insert("enable_key_rotation".into(), Value::Bool(rotation));
        st.insert("policy".into(), keep_prior_policy(&prior.get("policy"), doc));
        st.insert(
            "bypass_policy_lockout_safety_check".into(),
            Value::Bool(
                prior
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false),
            ),
        );
        st.insert(
            "deletion_window_in_days".into(),
            Value::Number(prior.get("deletion_window_in_days").as_f64().unwrap_or(30.0)),
        );
        let (tags, all) = split_tags(ctx, &prior.get("tags"), tags);
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        finish(&self.schema(), st)
    }

    fn rotation_enabled(&self, ctx: &Ctx, meta: &KeyMetadata) -> Result<bool, ProviderError> {
        // Only symmetric encryption keys rotate; KMS refuses the question for the others.
        let symmetric = meta.key_spec().map(|s| s.as_str()).unwrap_or("SYMMETRIC_DEFAULT") == "SYMMETRIC_DEFAULT"
            && meta.key_usage().map(|u| u.as_str()).unwrap_or("ENCRYPT_DECRYPT") == "ENCRYPT_DECRYPT";
        if !symmetric {
            return Ok(false);
        }
        let out = call(
            ctx,
            &format!("reading the rotation status of KMS Key ({})", meta.key_id()),
            ctx.kms.get_key_rotation_status().key_id(meta.key_id()).send(),
        )?;
        Ok(out.key_rotation_enabled())
    }

    fn read_id(&self, ctx: &Ctx, key_id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(meta) = describe_key(ctx, key_id)? else {
            return Ok(None);
        };
        let id = meta.key_id().to_string();
        let doc = get_policy(ctx, &id)?;
        let rotation = self.rotation_enabled(ctx, &meta)?;
        let tags = key_tags(ctx, &id)?;
        Ok(Some(self.state(ctx, &meta, &doc, rotation, tags, prior)))
    }

    /// The ID of the (not deleted) key carrying the intent tag `token`.
    fn find_by_token(&self, ctx: &Ctx, token: &str) -> Result<Option<String>, ProviderError> {
        let mut marker: Option<String> = None;
        loop {
            let page = call(
                ctx,
                "listing KMS Keys",
                ctx.kms.list_keys().set_marker(marker.clone()).send(),
            )?;
            for entry in page.keys() {
                let Some(id) = entry.key_id() else { continue };
                let Some(tags) = found(key_tags(ctx, id))? else {
                    continue;
                };
                if tags.get(INTENT_TAG).map(String::as_str) == Some(token) && describe_key(ctx, id)?.is_some() {
                    return Ok(Some(id.to_string()));
                }
            }
            match page.next_marker() {
                Some(m) if page.truncated() => marker = Some(m.to_string()),
                _ => return Ok(None),
            }
        }
    }

    /// Rotation, enablement and the removal of the intent tag, after CreateKey.
    fn finish_create(&self, ctx: &Ctx, key_id: &str, planned: &Value) -> Result<(), ProviderError> {
        if planned.get("enable_key_rotation").as_bool().unwrap_or(false) {
            settled(|| {
                call(
                    ctx,
                    &format!("enabling rotation of KMS Key ({key_id})"),
                    ctx.kms.enable_key_rotation().key_id(key_id).send(),
                )
            })?;
        }
        if !planned.get("is_enabled").as_bool().unwrap_or(true) {
            settled(|| {
                call(
                    ctx,
                    &format!("disabling KMS Key ({key_id})"),
                    ctx.kms.disable_key().key_id(key_id).send(),
                )
            })?;
        }
        settled(|| untag(ctx, key_id, vec![INTENT_TAG.to_string()]))
    }

    fn update_inner(&self, ctx: &Ctx, key_id: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let description = planned.get("description");
        if let Some(d) = description.as_str() {
            if Some(d) != prior.get("description").as_str() {
                call(
                    ctx,
                    &format!("updating the description of KMS Key ({key_id})"),
                    ctx.kms.update_key_description().key_id(key_id).description(d).send(),
                )?;
            }
        }
        if let Some(doc) = planned.get("policy").as_str() {
            let unchanged = prior
                .get("policy")
                .as_str()
                .map(|p| policy::equivalent(p, doc))
                .unwrap_or(false);
            if !unchanged {
                let bypass = planned
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false);
                put_policy(ctx, key_id, doc, bypass)?;
            }
        }
        let enabled = planned.get("is_enabled").as_bool().unwrap_or(true);
        let was_enabled = prior.get("is_enabled").as_bool().unwrap_or(true);
        // Rotation can only be changed on an enabled key: enable first, disable last.
        if enabled && !was_enabled {
            call(
                ctx,
                &format!("enabling KMS Key ({key_id})"),
                ctx.kms.enable_key().key_id(key_id).send(),
            )?;
        }
        let rotation = planned.get("enable_key_rotation").as_bool().unwrap_or(false);
        if rotation != prior.get("enable_key_rotation").as_bool().unwrap_or(false) {
            if rotation {
                call(
                    ctx,
                    &format!("enabling rotation of KMS Key ({key_id})"),
                    ctx.kms.enable_key_rotation().key_id(key_id).send(),
                )?;
            } else {
                call(
                    ctx,
                    &format!("disabling rotation of KMS Key ({key_id})"),
                    ctx.kms.disable_key_rotation().key_id(key_id).send(),
                )?;
            }
        }
        if !enabled && was_enabled {
            call(
                ctx,
                &format!("disabling KMS Key ({key_id})"),
                ctx.kms.disable_key().key_id(key_id).send(),
            )?;
        }
        let (set, remove) = tag_diff(&prior.get("tags_all"), &tags_all(ctx, &planned.get("tags")));
        untag(ctx, key_id, remove)?;
        tag(ctx, key_id, &set)?;
        Ok(())
    }
}

impl ResourceType for KmsKey {
    fn type_name(&self) -> &'static str {
        "aws_kms_key"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("description", Attribute::optional_computed(Type::String))
            .attr("key_usage", Attribute::optional_computed(Type::String).force_new())
            .attr(
                "customer_master_key_spec",
                Attribute::optional_computed(Type::String).force_new(),
            )
            .attr("policy", Attribute::optional_computed(Type::String).json())
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool))
            .attr("deletion_window_in_days", Attribute::optional(Type::Number))
            .attr("is_enabled", Attribute::optional(Type::Bool))
            .attr("enable_key_rotation", Attribute::optional(Type::Bool))
            .attr("multi_region", Attribute::optional_computed(Type::Bool).force_new())
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("key_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(days) = config.get("deletion_window_in_days").as_f64() {
            if !(7.0..=30.0).contains(&days) || days.fract() != 0.0 {
                out.push(problem(
                    "deletion_window_in_days",
                    "\"deletion_window_in_days\" must be a whole number of days from 7 to 30: KMS keeps a \
                     deleted key that long, so a mistaken destroy can be undone with CancelKeyDeletion",
                ));
            }
        }
        if let Some(usage) = config.get("key_usage").as_str() {
            if !KEY_USAGES.contains(&usage) {
                out.push(problem(
                    "key_usage",
                    format!("\"key_usage\" must be one of {}, not {usage:?}", KEY_USAGES.join(", ")),
                ));
            }
        }
        let spec = config.get("customer_master_key_spec");
        if let Some(s) = spec.as_str() {
            if !KEY_SPECS.contains(&s) {
                out.push(problem(
                    "customer_master_key_spec",
                    format!(
                        "\"customer_master_key_spec\" must be one of {}, not {s:?}",
                        KEY_SPECS.join(", ")
                    ),
                ));
            }
        }
        if config.get("enable_key_rotation").as_bool() == Some(true) {
            let asymmetric = spec.as_str().map(|s| s != "SYMMETRIC_DEFAULT").unwrap_or(false)
                || config
                    .get("key_usage")
                    .as_str()
                    .map(|u| u != "ENCRYPT_DECRYPT")
                    .unwrap_or(false);
            if asymmetric {
                out.push(problem(
                    "enable_key_rotation",
                    "automatic rotation is only for symmetric encryption keys (customer_master_key_spec = \
                     \"SYMMETRIC_DEFAULT\", key_usage = \"ENCRYPT_DECRYPT\"); remove enable_key_rotation",
                ));
            }
        }
        if let Some(d) = config.get("description").as_str() {
            if d.chars().count() > 8192 {
                out.push(problem(
                    "description",
                    "\"description\" can be at most 8192 characters long",
                ));
            }
        }
        policy_problems(config, "policy", &mut out);
        out
    }

    fn plan(&self, ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        default_to(&mut st, "description", Value::from(""));
        default_to(&mut st, "key_usage", Value::from("ENCRYPT_DECRYPT"));
        default_to(&mut st, "customer_master_key_spec", Value::from("SYMMETRIC_DEFAULT"));
        default_to(&mut st, "multi_region", Value::Bool(false));
        default_to(&mut st, "bypass_policy_lockout_safety_check", Value::Bool(false));
        default_to(&mut st, "deletion_window_in_days", Value::Number(30.0));
        default_to(&mut st, "is_enabled", Value::Bool(true));
        default_to(&mut st, "enable_key_rotation", Value::Bool(false));
        let id = match get(&st, "key_id") {
            Value::String(id) => Value::string(id),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        let all = tags_all(ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let usage = sref(planned, "key_usage").unwrap_or("ENCRYPT_DECRYPT");
        let spec = sref(planned, "customer_master_key_spec").unwrap_or("SYMMETRIC_DEFAULT");
        let description = sref(planned, "description").unwrap_or_default();
        let token = intent_token(&[description, usage, spec]);
        let mut tags = string_map(&tags_all(ctx, &planned.get("tags")));
        tags.insert(INTENT_TAG.to_string(), token.clone());
        let tags = match sdk_tags(&tags) {
            Ok(t) => t,
            Err(e) => return (None, Some(e)),
        };
        let req = ctx
            .kms
            .create_key()
            .description(description)
            .key_usage(KeyUsageType::from(usage))
            .key_spec(KeySpec::from(spec))
            .set_policy(sref(planned, "policy").map(str::to_string))
            .bypass_policy_lockout_safety_check(
                planned
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false),
            )
            .multi_region(planned.get("multi_region").as_bool().unwrap_or(false))
            .set_tags(Some(tags));
        progress("creating KMS Key");
        intent(&format!("intent:{token}"));
        let meta = match call(ctx, "creating KMS Key", req.send()).map_err(policy_hint) {
            Ok(out) => match out.key_metadata() {
                Some(m) => m.clone(),
                None => {
                    return (
                        None,
                        Some(ProviderError::new(
                            "InvalidResponse",
                            "creating KMS Key: KMS returned no key metadata",
                        )),
                    )
                }
            },
            Err(e) => return (None, Some(e)),
        };
        let key_id = meta.key_id().to_string();
        let result = self
            .finish_create(ctx, &key_id, planned)
            .and_then(|()| settled(|| self.read_id(ctx, &key_id, planned)));
        match result {
            Ok(Some(state)) => (Some(state), None),
            Ok(None) => (
                None,
                Some(ProviderError::new(
                    "NotFoundException",
                    format!("KMS Key ({key_id}) is not readable after it was created"),
                )),
            ),
            Err(e) => {
                let mut st = into_state(planned);
                st.insert("key_id".into(), Value::string(&key_id));
                st.insert("id".into(), Value::string(&key_id));
                st.insert("arn".into(), meta.arn().map(Value::string).unwrap_or(Value::Null));
                (Some(finish(&self.schema(), st)), Some(e))
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")).map(str::to_string) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating KMS Key: the prior state has no key ID",
                )),
            );
        };
        let result = self.update_inner(ctx, &key_id, prior, planned);
        let read = self.read_id(ctx, &key_id, planned);
        update_outcome(prior, result, read, || {
            ProviderError::new(
                "NotFoundException",
                format!("updating KMS Key ({key_id}): the key no longer exists or is scheduled for deletion"),
            )
        })
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let days = prior.get("deletion_window_in_days").as_f64().unwrap_or(30.0) as i32;
        progress(&format!("scheduling deletion of KMS Key {key_id} in {days} days"));
        match call(
            ctx,
            &format!("scheduling deletion of KMS Key ({key_id})"),
            ctx.kms
                .schedule_key_deletion()
                .key_id(key_id)
                .pending_window_in_days(days)
                .send(),
        ) {
            Ok(_) => Ok(()),
            Err(e) if gone(&e.code) => Ok(()),
            // Already scheduled (deleted outside, or a retried destroy).
            Err(e) if e.code == "KMSInvalidStateException" && describe_key(ctx, key_id)?.is_none() => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.read_id(ctx, key_id, prior)
    }

    /// Import IDs: a key ID, a key ARN, or `intent:<token>` as journaled by a create.
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if let Some(token) = id.strip_prefix("intent:") {
            return match self.find_by_token(ctx, token)? {
                Some(key_id) => self.read_id(ctx, &key_id, &Value::Null),
                None => Ok(None),
            };
        }
        self.read_id(ctx, key_id_of(id), &Value::Null)
    }
}

// ---------------------------------------------------------------------------------------------
// aws_kms_alias
// ---------------------------------------------------------------------------------------------

struct KmsAlias;

/// An alias and the key it points to, as KMS lists it.
struct AliasEntry {
    arn: String,
    target_key_id: String,
}

fn find_alias(ctx: &Ctx, name: &str) -> Result<Option<AliasEntry>, ProviderError> {
    let mut marker: Option<String> = None;
    loop {
        let page = call(
            ctx,
            "listing KMS Aliases",
            ctx.kms.list_aliases().set_marker(marker.clone()).send(),
        )?;
        if let Some(a) = page.aliases().iter().find(|a| a.alias_name() == Some(name)) {
            return Ok(Some(AliasEntry {
                arn: a.alias_arn().unwrap_or_default().to_string(),
                target_key_id: a.target_key_id().unwrap_or_default().to_string(),
            }));
        }
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(None),
        }
    }
}

fn alias_name_problem(attribute: &str, name: &str, prefix: bool) -> Option<ValidateProblem> {
    if !name.starts_with("alias/") {
        return Some(problem(
            attribute,
            format!(
                "\"{attribute}\" must begin with \"alias/\" (for example \"alias/mlflow-artifacts\"), not {name:?}"
            ),
        ));
    }
    if name.starts_with("alias/aws/") {
        return Some(problem(
            attribute,
            format!("\"{attribute}\" cannot begin with \"alias/aws/\": that prefix is reserved for AWS managed keys"),
        ));
    }
    let max = if prefix { 256 - 26 } else { 256 };
    if name.len() > max || (!prefix && name.len() <= "alias/".len()) {
        return Some(problem(
            attribute,
            format!("\"{attribute}\" must be 7 to {max} characters long"),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '_' | '-'))
    {
        return Some(problem(
            attribute,
            format!("\"{attribute}\" may contain only letters, digits, \"/\", \"_\" and \"-\""),
        ));
    }
    None
}

impl KmsAlias {
    fn state(&self, name: &str, entry: &AliasEntry, prior: &Value) -> Value {
        let mut st = State::new();
        st.insert("name".into(), Value::string(name));
        st.insert("id".into(), Value::string(name));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert("arn".into(), Value::string(&entry.arn));
        // The configuration may name the key by ARN; keep it while it is the same key.
        let target = match prior.get("target_key_id").as_str() {
            Some(p) if key_id_of(p) == entry.target_key_id => Value::string(p),
            _ => Value::string(&entry.target_key_id),
        };
        st.insert("target_key_id".into(), target);
        let key_arn = match entry.arn.rsplit_once(":alias/") {
            Some((base, _)) => Value::string(format!("{base}:key/{}", entry.target_key_id)),
            None => Value::Null,
        };
        st.insert("target_key_arn".into(), key_arn);
        finish(&self.schema(), st)
    }
}

impl ResourceType for KmsAlias {
    fn type_name(&self) -> &'static str {
        "aws_kms_alias"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("target_key_id", Attribute::required(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("target_key_arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        let name = config.get("name");
        let prefix = config.get("name_prefix");
        if !name.is_null() && !prefix.is_null() {
            out.push(problem(
                "name_prefix",
                "\"name\" and \"name_prefix\" cannot both be set: remove one of them",
            ));
        }
        if let Some(p) = name.as_str().and_then(|n| alias_name_problem("name", n, false)) {
            out.push(p);
        }
        if let Some(p) = prefix.as_str().and_then(|n| alias_name_problem("name_prefix", n, true)) {
            out.push(p);
        }
        out
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = match get(&st, "name") {
            Value::String(n) => Value::string(n),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        let target = get(&st, "target_key_id").clone();
        let same_target = prior
            .map(|p| p.get("target_key_id").as_str().map(key_id_of) == target.as_str().map(key_id_of))
            .unwrap_or(false);
        let key_arn = match target.as_str() {
            Some(t) if t.starts_with("arn:") => Value::string(t),
            _ if same_target => prior.map(|p| p.get("target_key_arn")).unwrap_or(Value::Unknown),
            _ => Value::Unknown,
        };
        st.insert("target_key_arn".into(), key_arn);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let name = match sref(planned, "name") {
            Some(n) => n.to_string(),
            None => crate::iam::prefixed_unique_id(sref(planned, "name_prefix").unwrap_or("alias/")),
        };
        let Some(target) = sref(planned, "target_key_id") else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    format!("creating KMS Alias ({name}): target_key_id is required"),
                )),
            );
        };
        progress(&format!("creating KMS Alias {name}"));
        intent(&name);
        let created = settled(|| {
            call(
                ctx,
                &format!("creating KMS Alias ({name})"),
                ctx.kms.create_alias().alias_name(&name).target_key_id(target).send(),
            )
        });
        match created {
            Ok(_) => {}
            Err(e) if e.code == "AlreadyExistsException" => {
                // Ours when it already points at the key (an interrupted create); anyone else's
                // alias is never taken over.
                let existing = match find_alias(ctx, &name) {
                    Ok(Some(a)) => a,
                    Ok(None) => return (None, Some(e)),
                    Err(e2) => return (None, Some(e2)),
                };
                let wanted = match describe_key(ctx, target) {
                    Ok(Some(m)) => m.key_id().to_string(),
                    _ => key_id_of(target).to_string(),
                };
                if existing.target_key_id != wanted {
                    return (
                        None,
                        Some(ProviderError::new(
                            e.code,
                            format!(
                                "creating KMS Alias ({name}): the alias already exists and points at key {}, not \
                                 at {target}. Import it (import ID: {name}) to manage it, or choose another `name`.",
                                existing.target_key_id
                            ),
                        )),
                    );
                }
            }
            Err(e) => return (None, Some(e)),
        }
        match find_alias(ctx, &name) {
            Ok(Some(entry)) => (Some(self.state(&name, &entry, planned)), None),
            Ok(None) => (
                None,
                Some(ProviderError::new(
                    "NotFoundException",
                    format!("KMS Alias ({name}) is not listed after it was created"),
                )),
            ),
            Err(e) => {
                let mut st = into_state(planned);
                st.insert("name".into(), Value::string(&name));
                st.insert("id".into(), Value::string(&name));
                (Some(finish(&self.schema(), st)), Some(e))
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")).map(str::to_string) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating KMS Alias: the prior state has no name",
                )),
            );
        };
        if let Some(target) = sref(planned, "target_key_id") {
            if let Err(e) = call(
                ctx,
                &format!("updating KMS Alias ({name})"),
                ctx.kms.update_alias().alias_name(&name).target_key_id(target).send(),
            ) {
                return (Some(prior.clone()), Some(e));
            }
        }
        match find_alias(ctx, &name) {
            Ok(Some(entry)) => (Some(self.state(&name, &entry, planned)), None),
            Ok(None) => (
                None,
                Some(ProviderError::new(
                    "NotFoundException",
                    format!("updating KMS Alias ({name}): the alias no longer exists"),
                )),
            ),
            Err(e) => (Some(prior.clone()), Some(e)),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting KMS Alias ({name})"),
            ctx.kms.delete_alias().alias_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "name").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        Ok(find_alias(ctx, name)?.map(|entry| self.state(name, &entry, prior)))
    }

    /// Import ID: the alias name (`alias/NAME`).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(find_alias(ctx, id)?.map(|entry| self.state(id, &entry, &Value::Null)))
    }
}

// ---------------------------------------------------------------------------------------------
// aws_kms_key_policy
// ---------------------------------------------------------------------------------------------

struct KmsKeyPolicy;

impl KmsKeyPolicy {
    fn read_key(&self, ctx: &Ctx, key_id: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(meta) = describe_key(ctx, key_id)? else {
            return Ok(None);
        };
        let doc = get_policy(ctx, meta.key_id())?;
        let mut st = State::new();
        // The configuration may name the key by ARN; keep the form it used.
        let id = match prior.get("key_id").as_str() {
            Some(p) if key_id_of(p) == meta.key_id() => p.to_string(),
            _ => key_id.to_string(),
        };
        st.insert("key_id".into(), Value::string(&id));
        st.insert("id".into(), Value::string(&id));
        st.insert("policy".into(), keep_prior_policy(&prior.get("policy"), &doc));
        st.insert(
            "bypass_policy_lockout_safety_check".into(),
            Value::Bool(
                prior
                    .get("bypass_policy_lockout_safety_check")
                    .as_bool()
                    .unwrap_or(false),
            ),
        );
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for KmsKeyPolicy {
    fn type_name(&self) -> &'static str {
        "aws_kms_key_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("key_id", Attribute::required(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String).json())
            .attr("bypass_policy_lockout_safety_check", Attribute::optional(Type::Bool))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        policy_problems(config, "policy", &mut out);
        out
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        default_to(&mut st, "bypass_policy_lockout_safety_check", Value::Bool(false));
        let id = match get(&st, "key_id") {
            Value::String(k) => Value::string(k),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (Some(key_id), Some(doc)) = (sref(planned, "key_id"), sref(planned, "policy")) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "setting KMS Key Policy: key_id and policy are required",
                )),
            );
        };
        let bypass = planned
            .get("bypass_policy_lockout_safety_check")
            .as_bool()
            .unwrap_or(false);
        intent(key_id);
        if let Err(e) = settled(|| put_policy(ctx, key_id, doc, bypass)) {
            return (None, Some(e));
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(key_id));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(key_id) = sref(prior, "key_id").map(str::to_string) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating KMS Key Policy: the prior state has no key ID",
                )),
            );
        };
        if let Some(doc) = sref(planned, "policy") {
            let unchanged = prior
                .get("policy")
                .as_str()
                .map(|p| policy::equivalent(p, doc))
                .unwrap_or(false);
            let bypass = planned
                .get("bypass_policy_lockout_safety_check")
                .as_bool()
                .unwrap_or(false);
            if !unchanged {
                if let Err(e) = put_policy(ctx, &key_id, doc, bypass) {
                    return (Some(prior.clone()), Some(e));
                }
            }
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(&key_id));
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(key_id) = sref(prior, "key_id") else {
            return Ok(());
        };
        // The key itself stays; it gets back the policy KMS gives a new key.
        let Some(meta) = describe_key(ctx, key_id)? else {
            return Ok(());
        };
        let Some(arn) = meta.arn() else {
            return Ok(());
        };
        let bypass = prior
            .get("bypass_policy_lockout_safety_check")
            .as_bool()
            .unwrap_or(false);
        match put_policy(ctx, meta.key_id(), &default_policy(arn), bypass) {
            Ok(()) => Ok(()),
            Err(e) if gone(&e.code) || e.code == "KMSInvalidStateException" => Ok(()),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(key_id) = sref(prior, "key_id").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.read_key(ctx, key_id, prior)
    }

    /// Import ID: the key ID (or ARN).
    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.read_key(ctx, id, &Value::Null)
    }
}
