//! IAM resources: roles, managed policies, inline role policies and role policy attachments.
//!
//! Arguments, attributes and import IDs follow the Terraform AWS provider so that existing
//! configurations and state carry over. IAM hands policy documents back URL-encoded and
//! reformatted; every read keeps the document string from the prior state when it still means
//! the same ([`engine::plan::policy::equivalent`]), so a plan after apply shows no change.

use crate::resource::{ApplyOutcome, Ctx, ResourceType};
use crate::support::attrs::{call, finish, get, into_state, map_of_strings, problem, sref, State};
use crate::support::dates::{civil_from_days, rfc3339};
use crate::support::error::{found, is_not_found};
use crate::support::tags::{split_tags_by, tag_diff_by, tags_all_by};
use aws_sdk_iam::types::Tag;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use engine::plan::policy;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// Every IAM resource type.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![
        Box::new(IamRole),
        Box::new(IamPolicy),
        Box::new(IamRolePolicy),
        Box::new(IamRolePolicyAttachment),
    ]
}

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

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
    let remote = decode_document(remote);
    match prior.as_str() {
        Some(p) if policy::equivalent(p, &remote) => Value::string(p),
        _ => Value::string(remote),
    }
}

static UNIQUE_COUNTER: AtomicU32 = AtomicU32::new(0);

/// `prefix` followed by a 26-character suffix made like Terraform's `id.PrefixedUniqueId`:
/// a UTC timestamp to 1/10000 s and a process-wide counter, so names sort by creation time.
pub(crate) fn prefixed_unique_id(prefix: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    let counter = UNIQUE_COUNTER.fetch_add(1, Ordering::Relaxed).wrapping_add(1);
    format!(
        "{prefix}{y:04}{m:02}{d:02}{:02}{:02}{:02}{:04}{counter:08x}",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        now.subsec_nanos() / 100_000
    )
}

/// The name to create: the configured `name`, else `name_prefix` (or `terraform-`) plus a
/// unique suffix.
fn name_for_create(planned: &Value) -> String {
    match sref(planned, "name") {
        Some(n) => n.to_string(),
        None => prefixed_unique_id(sref(planned, "name_prefix").unwrap_or("terraform-")),
    }
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
        st.insert((*key).to_string(), Value::Unknown);
    }
    if !get(st, "name_prefix").is_null() {
        st.insert("name".to_string(), Value::Unknown);
    }
}

/// Common checks: `name`/`name_prefix` conflict and lengths, JSON documents that parse.
fn validate_names_and_docs(config: &Value, max_name: usize, docs: &[&str]) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    let name = config.get("name");
    let prefix = config.get("name_prefix");
    if !name.is_null() && !prefix.is_null() {
        out.push(problem(
            "name_prefix",
            "\"name\" and \"name_prefix\" cannot both be set: remove one of them",
        ));
    }
    if let Some(n) = name.as_str() {
        if n.is_empty() || n.len() > max_name {
            out.push(problem(
                "name",
                format!("\"name\" must be 1 to {max_name} characters long"),
            ));
        }
    }
    if let Some(p) = prefix.as_str() {
        let max = max_name.saturating_sub(26);
        if p.len() > max {
            out.push(problem(
                "name_prefix",
                format!("\"name_prefix\" can be at most {max} characters long (a 26-character unique suffix is added)"),
            ));
        }
    }
    for key in docs {
        if let Some(doc) = config.get(key).as_str() {
            if let Err(e) = policy::normalize(doc) {
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
        Ok(Some(now)) => (Some(now), Some(err)),
        Ok(None) => (None, Some(err)),
        Err(_) => (Some(prior.clone()), Some(err)),
    }
}

/// Account ID and partition of the credentials in use, from STS.
fn caller_account(ctx: &Ctx) -> Result<(String, String), ProviderError> {
    let out = call(
        ctx,
        "reading the caller identity (STS GetCallerIdentity)",
        ctx.sts.get_caller_identity().send(),
    )?;
    let account = out
        .account()
        .map(str::to_string)
        .ok_or_else(|| ProviderError::new("InvalidResponse", "STS GetCallerIdentity returned no account ID"))?;
    let partition = out
        .arn()
        .and_then(|a| a.split(':').nth(1))
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
        .to_string();
    Ok((account, partition))
}

// ---------------------------------------------------------------------------------------------
// aws_iam_role
// ---------------------------------------------------------------------------------------------

struct IamRole;

impl IamRole {
    fn get_role(&self, ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_iam::types::Role>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM Role ({name})"),
            ctx.iam.get_role().role_name(name).send(),
        ))?;
        Ok(out.and_then(|o| o.role().cloned()))
    }

    /// The state of `role`, keeping from `prior` what AWS does not store.
    fn state(&self, ctx: &Ctx, role: &aws_sdk_iam::types::Role, prior: &Value) -> Value {
        let mut st = State::new();
        let name = role.role_name().to_string();
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert("path".into(), Value::string(role.path()));
        let description = match role.description() {
            Some("") if prior.get("description").as_str() != Some("") => Value::Null,
            Some(d) => Value::string(d),
            None => Value::Null,
        };
        st.insert("description".into(), description);
        let policy = role
            .assume_role_policy_document()
            .map(|d| keep_prior_document(&prior.get("assume_role_policy"), d))
            .unwrap_or(Value::Null);
        st.insert("assume_role_policy".into(), policy);
        st.insert(
            "max_session_duration".into(),
            Value::Number(f64::from(role.max_session_duration().unwrap_or(3600))),
        );
        st.insert(
            "permissions_boundary".into(),
            role.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(Value::string)
                .unwrap_or(Value::Null),
        );
        st.insert(
            "force_detach_policies".into(),
            Value::Bool(prior.get("force_detach_policies").as_bool().unwrap_or(false)),
        );
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), tag_map(role.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert("arn".into(), Value::string(role.arn()));
        st.insert("unique_id".into(), Value::string(role.role_id()));
        st.insert("create_date".into(), rfc3339(role.create_date()));
        finish(&self.schema(), st)
    }

    fn attached_policy_arns(&self, ctx: &Ctx, name: &str) -> Result<Vec<String>, ProviderError> {
        list_attached(ctx, name)
    }

    fn inline_policy_names(&self, ctx: &Ctx, name: &str) -> Result<Vec<String>, ProviderError> {
        paged(|marker| {
            let page = call(
                ctx,
                &format!("listing inline policies of IAM Role ({name})"),
                ctx.iam.list_role_policies().role_name(name).set_marker(marker).send(),
            )?;
            Ok((
                page.policy_names().to_vec(),
                page.marker().map(str::to_string),
                page.is_truncated(),
            ))
        })
    }

    fn remove_from_instance_profiles(&self, ctx: &Ctx, name: &str) -> Result<(), ProviderError> {
        let profiles = paged(|marker| {
            let page = call(
                ctx,
                &format!("listing instance profiles of IAM Role ({name})"),
                ctx.iam
                    .list_instance_profiles_for_role()
                    .role_name(name)
                    .set_marker(marker)
                    .send(),
            )?;
            let names = page
                .instance_profiles()
                .iter()
                .map(|p| p.instance_profile_name().to_string())
                .collect();
            Ok((names, page.marker().map(str::to_string), page.is_truncated()))
        })?;
        for profile in profiles {
            let r = call(
                ctx,
                &format!("removing IAM Role ({name}) from instance profile ({profile})"),
                ctx.iam
                    .remove_role_from_instance_profile()
                    .role_name(name)
                    .instance_profile_name(&profile)
                    .send(),
            );
            found(r)?;
        }
        Ok(())
    }

    fn update_inner(&self, ctx: &Ctx, name: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let new_doc = planned.get("assume_role_policy");
        if let Some(doc) = new_doc.as_str() {
            let unchanged = prior
                .get("assume_role_policy")
                .as_str()
                .map(|p| policy::equivalent(p, doc))
                .unwrap_or(false);
            if !unchanged {
                call(
                    ctx,
                    &format!("updating trust policy of IAM Role ({name})"),
                    ctx.iam
                        .update_assume_role_policy()
                        .role_name(name)
                        .policy_document(doc)
                        .send(),
                )?;
            }
        }
        let description = planned.get("description");
        let duration = planned.get("max_session_duration").as_f64().unwrap_or(3600.0);
        let prior_duration = prior.get("max_session_duration").as_f64().unwrap_or(3600.0);
        if description.as_str().unwrap_or("") != prior.get("description").as_str().unwrap_or("")
            || duration != prior_duration
        {
            call(
                ctx,
                &format!("updating IAM Role ({name})"),
                ctx.iam
                    .update_role()
                    .role_name(name)
                    .description(description.as_str().unwrap_or(""))
                    .max_session_duration(duration as i32)
                    .send(),
            )?;
        }
        let boundary = planned.get("permissions_boundary");
        if boundary.as_str() != prior.get("permissions_boundary").as_str() {
            match boundary.as_str() {
                Some(arn) if !arn.is_empty() => {
                    call(
                        ctx,
                        &format!("setting permissions boundary of IAM Role ({name})"),
                        ctx.iam
                            .put_role_permissions_boundary()
                            .role_name(name)
                            .permissions_boundary(arn)
                            .send(),
                    )?;
                }
                _ => {
                    found(call(
                        ctx,
                        &format!("removing permissions boundary of IAM Role ({name})"),
                        ctx.iam.delete_role_permissions_boundary().role_name(name).send(),
                    ))?;
                }
            }
        }
        let (set, remove) = tag_diff_by(
            string_map,
            &prior.get("tags_all"),
            &tags_all_by(string_map, ctx, &planned.get("tags")),
        );
        if !remove.is_empty() {
            call(
                ctx,
                &format!("untagging IAM Role ({name})"),
                ctx.iam.untag_role().role_name(name).set_tag_keys(Some(remove)).send(),
            )?;
        }
        if !set.is_empty() {
            call(
                ctx,
                &format!("tagging IAM Role ({name})"),
                ctx.iam
                    .tag_role()
                    .role_name(name)
                    .set_tags(Some(sdk_tags(&set)?))
                    .send(),
            )?;
        }
        Ok(())
    }

    /// Adopts a role that already exists under the name we just recorded an intent for, when
    /// its trust policy says it is ours (an earlier, interrupted create or a retried request);
    /// otherwise refuses, so someone else's role is never taken over silently.
    fn adopt(&self, ctx: &Ctx, name: &str, planned: &Value, err: ProviderError) -> ApplyOutcome {
        let existing = match self.get_role(ctx, name) {
            Ok(Some(role)) => role,
            Ok(None) => return (None, Some(err)),
            Err(e) => return (None, Some(e)),
        };
        let current = self.state(ctx, &existing, planned);
        let wanted = planned.get("assume_role_policy");
        let same = match (current.get("assume_role_policy").as_str(), wanted.as_str()) {
            (Some(a), Some(b)) => policy::equivalent(a, b),
            _ => false,
        };
        if !same {
            return (
                None,
                Some(ProviderError::new(
                    "EntityAlreadyExists",
                    format!(
                        "creating IAM Role ({name}): a role with this name already exists and its trust \
                         policy differs from the configuration, so it was not created by this \
                         configuration. Import it (import ID: {name}) to manage it, or choose another \
                         `name`."
                    ),
                )),
            );
        }
        let mut planned = into_state(planned);
        planned.insert("name".into(), Value::string(name));
        self.update(ctx, &current, &Value::Map(planned), &|_| {})
    }
}

impl ResourceType for IamRole {
    fn type_name(&self) -> &'static str {
        "aws_iam_role"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("path", Attribute::optional(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String))
            .attr("assume_role_policy", Attribute::required(Type::String).json())
            .attr("max_session_duration", Attribute::optional(Type::Number))
            .attr("permissions_boundary", Attribute::optional(Type::String))
            .attr("force_detach_policies", Attribute::optional(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = validate_names_and_docs(config, 64, &["assume_role_policy"]);
        validate_path(config, &mut out);
        if let Some(d) = config.get("max_session_duration").as_f64() {
            if !(3600.0..=43200.0).contains(&d) {
                out.push(problem(
                    "max_session_duration",
                    "\"max_session_duration\" must be between 3600 (1 hour) and 43200 (12 hours) seconds",
                ));
            }
        }
        if let Some(d) = config.get("description").as_str() {
            if d.chars().count() > 1000 {
                out.push(problem(
                    "description",
                    "\"description\" can be at most 1000 characters long",
                ));
            }
        }
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        set_default(&mut st, "path", Value::string("/"));
        set_default(&mut st, "max_session_duration", Value::Number(3600.0));
        set_default(&mut st, "force_detach_policies", Value::Bool(false));
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["arn", "unique_id", "create_date", "id"]);
        }
        let id = match get(&st, "name") {
            Value::String(n) => Value::string(n),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        let all = tags_all_by(string_map, ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let name = name_for_create(planned);
        let Some(doc) = sref(planned, "assume_role_policy") else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating IAM Role: assume_role_policy is required",
                )),
            );
        };
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return (None, Some(e)),
        };
        let mut req = ctx
            .iam
            .create_role()
            .role_name(&name)
            .path(sref(planned, "path").unwrap_or("/"))
            .assume_role_policy_document(doc)
            .set_description(sref(planned, "description").map(str::to_string))
            .set_max_session_duration(planned.get("max_session_duration").as_f64().map(|d| d as i32))
            .set_permissions_boundary(sref(planned, "permissions_boundary").map(str::to_string));
        if !tags.is_empty() {
            req = req.set_tags(Some(tags));
        }
        progress(&format!("creating IAM Role {name}"));
        intent(&name);
        let role = match call(ctx, &format!("creating IAM Role ({name})"), req.send()) {
            Ok(out) => out.role().cloned(),
            Err(e) if e.code == "EntityAlreadyExists" => return self.adopt(ctx, &name, planned, e),
            Err(e) => return (None, Some(e)),
        };
        let role = match role {
            Some(r) => r,
            None => match self.get_role(ctx, &name) {
                Ok(Some(r)) => r,
                Ok(None) => {
                    return (
                        None,
                        Some(ProviderError::new(
                            "NoSuchEntity",
                            format!("creating IAM Role ({name}): the role is not readable after creation"),
                        )),
                    )
                }
                Err(e) => return (None, Some(e)),
            },
        };
        let mut st = into_state(planned);
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("arn".into(), Value::string(role.arn()));
        st.insert("unique_id".into(), Value::string(role.role_id()));
        st.insert("create_date".into(), rfc3339(role.create_date()));
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating IAM Role: the prior state has no name",
                )),
            );
        };
        if let Err(e) = self.update_inner(ctx, name, prior, planned) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        for key in ["name", "id", "arn", "unique_id", "create_date"] {
            if get(&st, key).contains_unknown() || get(&st, key).is_null() {
                st.insert(key.to_string(), prior.get(key));
            }
        }
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(());
        };
        let force = prior.get("force_detach_policies").as_bool().unwrap_or(false);
        let attempt = || -> Result<(), ProviderError> {
            if force {
                for arn in self.attached_policy_arns(ctx, name)? {
                    progress(&format!("detaching {arn} from IAM Role {name}"));
                    found(call(
                        ctx,
                        &format!("detaching policy ({arn}) from IAM Role ({name})"),
                        ctx.iam.detach_role_policy().role_name(name).policy_arn(&arn).send(),
                    ))?;
                }
                for policy_name in self.inline_policy_names(ctx, name)? {
                    progress(&format!("deleting inline policy {policy_name} of IAM Role {name}"));
                    found(call(
                        ctx,
                        &format!("deleting inline policy ({policy_name}) of IAM Role ({name})"),
                        ctx.iam
                            .delete_role_policy()
                            .role_name(name)
                            .policy_name(&policy_name)
                            .send(),
                    ))?;
                }
            }
            self.remove_from_instance_profiles(ctx, name)?;
            call(
                ctx,
                &format!("deleting IAM Role ({name})"),
                ctx.iam.delete_role().role_name(name).send(),
            )?;
            Ok(())
        };
        match attempt() {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e.code) => Ok(()),
            Err(e) if e.code == "DeleteConflict" => {
                let managed = self.attached_policy_arns(ctx, name).unwrap_or_default();
                let inline = self.inline_policy_names(ctx, name).unwrap_or_default();
                let mut what = Vec::new();
                if !managed.is_empty() {
                    what.push(format!("managed policies {}", managed.join(", ")));
                }
                if !inline.is_empty() {
                    what.push(format!("inline policies {}", inline.join(", ")));
                }
                let attached = if what.is_empty() {
                    "policies or instance profiles".to_string()
                } else {
                    what.join(" and ")
                };
                Err(ProviderError::new(
                    "DeleteConflict",
                    format!(
                        "deleting IAM Role ({name}): the role still has {attached} attached, which were not \
                         created by this configuration (or are managed elsewhere). Detach them, or set \
                         `force_detach_policies = true` on the role (and apply) so they are removed \
                         before the role is deleted."
                    ),
                ))
            }
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(None);
        };
        Ok(self.get_role(ctx, name)?.map(|role| self.state(ctx, &role, prior)))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get_role(ctx, id)?.map(|role| self.state(ctx, &role, &Value::Null)))
    }
}

/// ARNs of the managed policies attached to a role (every page).
fn list_attached(ctx: &Ctx, role: &str) -> Result<Vec<String>, ProviderError> {
    paged(|marker| {
        let page = call(
            ctx,
            &format!("listing policies attached to IAM Role ({role})"),
            ctx.iam
                .list_attached_role_policies()
                .role_name(role)
                .set_marker(marker)
                .send(),
        )?;
        let arns = page
            .attached_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect();
        Ok((arns, page.marker().map(str::to_string), page.is_truncated()))
    })
}

/// Every item of an IAM listing: `page` fetches the page that starts at a marker and returns
/// its items, the marker of the next page and whether IAM truncated the listing there.
fn paged<T>(
    mut page: impl FnMut(Option<String>) -> Result<(Vec<T>, Option<String>, bool), ProviderError>,
) -> Result<Vec<T>, ProviderError> {
    let mut out = Vec::new();
    let mut marker = None;
    loop {
        let (items, next, truncated) = page(marker.take())?;
        out.extend(items);
        match next {
            Some(m) if truncated => marker = Some(m),
            _ => return Ok(out),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// aws_iam_policy
// ---------------------------------------------------------------------------------------------

struct IamPolicy;

/// IAM keeps at most this many versions of a managed policy.
const MAX_POLICY_VERSIONS: usize = 5;

impl IamPolicy {
    fn versions(&self, ctx: &Ctx, arn: &str) -> Result<Vec<aws_sdk_iam::types::PolicyVersion>, ProviderError> {
        paged(|marker| {
            let page = call(
                ctx,
                &format!("listing versions of IAM Policy ({arn})"),
                ctx.iam.list_policy_versions().policy_arn(arn).set_marker(marker).send(),
            )?;
            Ok((
                page.versions().to_vec(),
                page.marker().map(str::to_string),
                page.is_truncated(),
            ))
        })
    }

    fn delete_version(&self, ctx: &Ctx, arn: &str, version: &str) -> Result<(), ProviderError> {
        found(call(
            ctx,
            &format!("deleting version {version} of IAM Policy ({arn})"),
            ctx.iam
                .delete_policy_version()
                .policy_arn(arn)
                .version_id(version)
                .send(),
        ))
        .map(|_| ())
    }

    /// Reads the policy and its default version's document; `None` when it does not exist.
    fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading IAM Policy ({arn})"),
            ctx.iam.get_policy().policy_arn(arn).send(),
        ))?
        else {
            return Ok(None);
        };
        let Some(p) = out.policy() else {
            return Ok(None);
        };
        let document = match p.default_version_id() {
            Some(version) => found(call(
                ctx,
                &format!("reading version {version} of IAM Policy ({arn})"),
                ctx.iam.get_policy_version().policy_arn(arn).version_id(version).send(),
            ))?
            .and_then(|v| v.policy_version().and_then(|pv| pv.document()).map(str::to_string)),
            None => None,
        };
        let mut st = State::new();
        let arn = p.arn().unwrap_or(arn).to_string();
        st.insert("arn".into(), Value::string(&arn));
        st.insert("id".into(), Value::string(&arn));
        st.insert("name".into(), p.policy_name().map(Value::string).unwrap_or(Value::Null));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert("path".into(), Value::string(p.path().unwrap_or("/")));
        st.insert(
            "description".into(),
            p.description()
                .filter(|d| !d.is_empty() || prior.get("description").as_str() == Some(""))
                .map(Value::string)
                .unwrap_or(Value::Null),
        );
        st.insert(
            "policy".into(),
            document
                .map(|d| keep_prior_document(&prior.get("policy"), &d))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "policy_id".into(),
            p.policy_id().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "attachment_count".into(),
            Value::Number(f64::from(p.attachment_count().unwrap_or(0))),
        );
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), tag_map(p.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        Ok(Some(finish(&self.schema(), st)))
    }

    fn update_inner(
        &self,
        ctx: &Ctx,
        arn: &str,
        prior: &Value,
        planned: &Value,
        progress: &dyn Fn(&str),
    ) -> Result<(), ProviderError> {
        if let Some(doc) = sref(planned, "policy") {
            let unchanged = prior
                .get("policy")
                .as_str()
                .map(|p| policy::equivalent(p, doc))
                .unwrap_or(false);
            if !unchanged {
                let versions = self.versions(ctx, arn)?;
                if versions.len() >= MAX_POLICY_VERSIONS {
                    let oldest = versions
                        .iter()
                        .filter(|v| !v.is_default_version())
                        .min_by_key(|v| {
                            let number = v
                                .version_id()
                                .and_then(|id| id.trim_start_matches('v').parse::<u64>().ok())
                                .unwrap_or(u64::MAX);
                            (v.create_date().copied(), number)
                        })
                        .and_then(|v| v.version_id())
                        .map(str::to_string);
                    if let Some(version) = oldest {
                        progress(&format!("deleting oldest version {version} of IAM Policy {arn}"));
                        self.delete_version(ctx, arn, &version)?;
                    }
                }
                call(
                    ctx,
                    &format!("creating a new version of IAM Policy ({arn})"),
                    ctx.iam
                        .create_policy_version()
                        .policy_arn(arn)
                        .policy_document(doc)
                        .set_as_default(true)
                        .send(),
                )?;
            }
        }
        let (set, remove) = tag_diff_by(
            string_map,
            &prior.get("tags_all"),
            &tags_all_by(string_map, ctx, &planned.get("tags")),
        );
        if !remove.is_empty() {
            call(
                ctx,
                &format!("untagging IAM Policy ({arn})"),
                ctx.iam.untag_policy().policy_arn(arn).set_tag_keys(Some(remove)).send(),
            )?;
        }
        if !set.is_empty() {
            call(
                ctx,
                &format!("tagging IAM Policy ({arn})"),
                ctx.iam
                    .tag_policy()
                    .policy_arn(arn)
                    .set_tags(Some(sdk_tags(&set)?))
                    .send(),
            )?;
        }
        Ok(())
    }
}

impl ResourceType for IamPolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("path", Attribute::optional(Type::String).force_new())
            .attr("description", Attribute::optional(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String).json())
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("policy_id", Attribute::computed(Type::String))
            .attr("attachment_count", Attribute::computed(Type::Number))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = validate_names_and_docs(config, 128, &["policy"]);
        validate_path(config, &mut out);
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        set_default(&mut st, "path", Value::string("/"));
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["arn", "id", "policy_id", "attachment_count"]);
        }
        let all = tags_all_by(string_map, ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        let name = name_for_create(planned);
        let path = sref(planned, "path").unwrap_or("/").to_string();
        let Some(doc) = sref(planned, "policy") else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating IAM Policy: policy is required",
                )),
            );
        };
        let (account, partition) = match caller_account(ctx) {
            Ok(a) => a,
            Err(e) => return (None, Some(e)),
        };
        let arn = format!("arn:{partition}:iam::{account}:policy{path}{name}");
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return (None, Some(e)),
        };
        let mut req = ctx
            .iam
            .create_policy()
            .policy_name(&name)
            .path(&path)
            .policy_document(doc)
            .set_description(sref(planned, "description").map(str::to_string));
        if !tags.is_empty() {
            req = req.set_tags(Some(tags));
        }
        progress(&format!("creating IAM Policy {name}"));
        intent(&arn);
        let created = match call(ctx, &format!("creating IAM Policy ({name})"), req.send()) {
            Ok(out) => out.policy().cloned(),
            Err(e) if e.code == "EntityAlreadyExists" => {
                // Ours only if its document is the one we meant to create (see IamRole::adopt).
                let current = match self.fetch(ctx, &arn, planned) {
                    Ok(Some(c)) => c,
                    Ok(None) => return (None, Some(e)),
                    Err(e2) => return (None, Some(e2)),
                };
                let same = match (current.get("policy").as_str(), planned.get("policy").as_str()) {
                    (Some(a), Some(b)) => policy::equivalent(a, b),
                    _ => false,
                };
                if !same {
                    return (
                        None,
                        Some(ProviderError::new(
                            "EntityAlreadyExists",
                            format!(
                                "creating IAM Policy ({name}): a policy with this name already exists \
                                 ({arn}) and its document differs from the configuration, so it was \
                                 not created by this configuration. Import it (import ID: {arn}) to \
                                 manage it, or choose another `name`."
                            ),
                        )),
                    );
                }
                let mut planned = into_state(planned);
                planned.insert("name".into(), Value::string(&name));
                return self.update(ctx, &current, &Value::Map(planned), progress);
            }
            Err(e) => return (None, Some(e)),
        };
        let mut st = into_state(planned);
        st.insert("name".into(), Value::string(&name));
        let arn = created
            .as_ref()
            .and_then(|p| p.arn())
            .map(str::to_string)
            .unwrap_or(arn);
        st.insert("arn".into(), Value::string(&arn));
        st.insert("id".into(), Value::string(&arn));
        st.insert(
            "policy_id".into(),
            created
                .as_ref()
                .and_then(|p| p.policy_id())
                .map(Value::string)
                .unwrap_or(Value::Null),
        );
        st.insert(
            "attachment_count".into(),
            Value::Number(f64::from(
                created.as_ref().and_then(|p| p.attachment_count()).unwrap_or(0),
            )),
        );
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating IAM Policy: the prior state has no ARN",
                )),
            );
        };
        if let Err(e) = self.update_inner(ctx, arn, prior, planned, progress) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        for key in ["name", "arn", "id", "policy_id", "attachment_count"] {
            if get(&st, key).contains_unknown() || get(&st, key).is_null() {
                st.insert(key.to_string(), prior.get(key));
            }
        }
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let attempt = || -> Result<(), ProviderError> {
            for v in self.versions(ctx, arn)? {
                if v.is_default_version() {
                    continue;
                }
                if let Some(id) = v.version_id() {
                    progress(&format!("deleting version {id} of IAM Policy {arn}"));
                    self.delete_version(ctx, arn, id)?;
                }
            }
            call(
                ctx,
                &format!("deleting IAM Policy ({arn})"),
                ctx.iam.delete_policy().policy_arn(arn).send(),
            )?;
            Ok(())
        };
        match attempt() {
            Ok(()) => Ok(()),
            Err(e) if is_not_found(&e.code) => Ok(()),
            Err(e) if e.code == "DeleteConflict" => {
                let mut who = Vec::new();
                if let Ok(out) = call(
                    ctx,
                    "listing entities of IAM Policy",
                    ctx.iam.list_entities_for_policy().policy_arn(arn).send(),
                ) {
                    who.extend(
                        out.policy_roles()
                            .iter()
                            .filter_map(|r| r.role_name())
                            .map(|n| format!("role {n}")),
                    );
                    who.extend(
                        out.policy_users()
                            .iter()
                            .filter_map(|u| u.user_name())
                            .map(|n| format!("user {n}")),
                    );
                    who.extend(
                        out.policy_groups()
                            .iter()
                            .filter_map(|g| g.group_name())
                            .map(|n| format!("group {n}")),
                    );
                }
                let attached = if who.is_empty() {
                    "users, groups or roles".to_string()
                } else {
                    who.join(", ")
                };
                Err(ProviderError::new(
                    "DeleteConflict",
                    format!(
                        "deleting IAM Policy ({arn}): the policy is still attached to {attached}. Detach it \
                         (remove the attachments, or set `force_detach_policies = true` on the roles) and \
                         try again."
                    ),
                ))
            }
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(None);
        };
        self.fetch(ctx, arn, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        if !id.starts_with("arn:") {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("importing IAM Policy: {id:?} is not an ARN; the import ID of aws_iam_policy is the policy ARN (arn:aws:iam::123456789012:policy/name)"),
            ));
        }
        self.fetch(ctx, id, &Value::Null)
    }
}

// ---------------------------------------------------------------------------------------------
// aws_iam_role_policy
// ---------------------------------------------------------------------------------------------

struct IamRolePolicy;

impl IamRolePolicy {
    fn fetch(&self, ctx: &Ctx, role: &str, name: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(out) = found(call(
            ctx,
            &format!("reading IAM Role Policy ({role}:{name})"),
            ctx.iam.get_role_policy().role_name(role).policy_name(name).send(),
        ))?
        else {
            return Ok(None);
        };
        let mut st = State::new();
        st.insert(
            "id".into(),
            Value::string(format!("{}:{}", out.role_name(), out.policy_name())),
        );
        st.insert("role".into(), Value::string(out.role_name()));
        st.insert("name".into(), Value::string(out.policy_name()));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert(
            "policy".into(),
            keep_prior_document(&prior.get("policy"), out.policy_document()),
        );
        Ok(Some(finish(&self.schema(), st)))
    }

    fn put(&self, ctx: &Ctx, role: &str, name: &str, doc: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("putting IAM Role Policy ({role}:{name})"),
            ctx.iam
                .put_role_policy()
                .role_name(role)
                .policy_name(name)
                .policy_document(doc)
                .send(),
        )
        .map(|_| ())
    }
}

/// Splits `role:name` (neither part can contain a colon in IAM).
fn split_role_policy_id(id: &str) -> Option<(&str, &str)> {
    let (role, name) = id.split_once(':')?;
    (!role.is_empty() && !name.is_empty() && !name.contains(':')).then_some((role, name))
}

impl ResourceType for IamRolePolicy {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("role", Attribute::required(Type::String).force_new())
            .attr("policy", Attribute::required(Type::String).json())
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        validate_names_and_docs(config, 128, &["policy"])
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["id"]);
        }
        let id = match (get(&st, "role"), get(&st, "name")) {
            (Value::String(r), Value::String(n)) => Value::string(format!("{r}:{n}")),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let name = name_for_create(planned);
        let (Some(role), Some(doc)) = (sref(planned, "role"), sref(planned, "policy")) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating IAM Role Policy: role and policy are required",
                )),
            );
        };
        let id = format!("{role}:{name}");
        intent(&id);
        if let Err(e) = self.put(ctx, role, &name, doc) {
            return (None, Some(e));
        }
        let mut st = into_state(planned);
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(id));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (Some(role), Some(name), Some(doc)) = (sref(prior, "role"), sref(prior, "name"), sref(planned, "policy"))
        else {
            return (
                Some(prior.clone()),
                Some(ProviderError::new(
                    "InvalidState",
                    "updating IAM Role Policy: role, name or policy missing",
                )),
            );
        };
        if let Err(e) = self.put(ctx, role, name, doc) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        for key in ["name", "id"] {
            if get(&st, key).contains_unknown() || get(&st, key).is_null() {
                st.insert(key.to_string(), prior.get(key));
            }
        }
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let (Some(role), Some(name)) = (sref(prior, "role"), sref(prior, "name")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM Role Policy ({role}:{name})"),
            ctx.iam.delete_role_policy().role_name(role).policy_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let parts = match (sref(prior, "role"), sref(prior, "name")) {
            (Some(r), Some(n)) => Some((r, n)),
            _ => sref(prior, "id").and_then(split_role_policy_id),
        };
        let Some((role, name)) = parts else {
            return Ok(None);
        };
        self.fetch(ctx, role, name, prior)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        let Some((role, name)) = split_role_policy_id(id) else {
            return Err(ProviderError::new(
                "InvalidImportId",
                format!("importing IAM Role Policy: {id:?} is not of the form ROLE_NAME:POLICY_NAME"),
            ));
        };
        self.fetch(ctx, role, name, &Value::Null)
    }
}

// ---------------------------------------------------------------------------------------------
// aws_iam_role_policy_attachment
// ---------------------------------------------------------------------------------------------

struct IamRolePolicyAttachment;

impl IamRolePolicyAttachment {
    fn fetch(&self, ctx: &Ctx, role: &str, arn: &str) -> Result<Option<Value>, ProviderError> {
        let Some(attached) = found(list_attached(ctx, role))? else {
            return Ok(None);
        };
        if !attached.iter().any(|a| a == arn) {
            return Ok(None);
        }
        let mut st = State::new();
        st.insert("role".into(), Value::string(role));
        st.insert("policy_arn".into(), Value::string(arn));
        st.insert("id".into(), Value::string(format!("{role}/{arn}")));
        Ok(Some(finish(&self.schema(), st)))
    }
}

impl ResourceType for IamRolePolicyAttachment {
    fn type_name(&self) -> &'static str {
        "aws_iam_role_policy_attachment"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("role", Attribute::required(Type::String).force_new())
            .attr("policy_arn", Attribute::required(Type::String).force_new())
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        match config.get("policy_arn").as_str() {
            Some(arn) if !arn.starts_with("arn:") => vec![problem(
                "policy_arn",
                format!("\"policy_arn\" must be a policy ARN (arn:aws:iam::...:policy/NAME), got {arn:?}"),
            )],
            _ => Vec::new(),
        }
    }

    fn plan(&self, _ctx: &Ctx, _prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        let id = match (get(&st, "role"), get(&st, "policy_arn")) {
            (Value::String(r), Value::String(a)) => Value::string(format!("{r}/{a}")),
            _ => Value::Unknown,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), _progress: &dyn Fn(&str)) -> ApplyOutcome {
        let (Some(role), Some(arn)) = (sref(planned, "role"), sref(planned, "policy_arn")) else {
            return (
                None,
                Some(ProviderError::new(
                    "InvalidArgument",
                    "creating IAM Role Policy Attachment: role and policy_arn are required",
                )),
            );
        };
        let id = format!("{role}/{arn}");
        intent(&id);
        if let Err(e) = call(
            ctx,
            &format!("attaching IAM Policy ({arn}) to IAM Role ({role})"),
            ctx.iam.attach_role_policy().role_name(role).policy_arn(arn).send(),
        ) {
            return (None, Some(e));
        }
        let mut st = into_state(planned);
        st.insert("id".into(), Value::string(id));
        (Some(finish(&self.schema(), st)), None)
    }

    fn update(&self, _ctx: &Ctx, prior: &Value, planned: &Value, _progress: &dyn Fn(&str)) -> ApplyOutcome {
        // Every argument forces replacement, so there is nothing to change in place.
        let mut st = into_state(planned);
        if get(&st, "id").contains_unknown() || get(&st, "id").is_null() {
            st.insert("id".into(), prior.get("id"));
        }
        (Some(finish(&self.schema(), st)), None)
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let (Some(role), Some(arn)) = (sref(prior, "role"), sref(prior, "policy_arn")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("detaching IAM Policy ({arn}) from IAM Role ({role})"),
            ctx.iam.detach_role_policy().role_name(role).policy_arn(arn).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let (Some(role), Some(arn)) = (sref(prior, "role"), sref(prior, "policy_arn")) else {
            return Ok(None);
        };
        self.fetch(ctx, role, arn)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        match id.split_once('/') {
            Some((role, arn)) if !role.is_empty() && arn.starts_with("arn:") => self.fetch(ctx, role, arn),
            _ => Err(ProviderError::new(
                "InvalidImportId",
                format!(
                    "importing IAM Role Policy Attachment: {id:?} is not of the form \
                     ROLE_NAME/POLICY_ARN (for example my-role/arn:aws:iam::123456789012:policy/my-policy)"
                ),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_ids_have_a_26_character_suffix_and_increase() {
        let a = prefixed_unique_id("p-");
        let b = prefixed_unique_id("p-");
        assert_eq!(a.len(), 2 + 26);
        assert!(a < b);
        assert!(a[2..20].bytes().all(|c| c.is_ascii_digit()));
    }

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(19_782), (2024, 2, 29));
    }

    #[test]
    fn role_policy_ids() {
        assert_eq!(split_role_policy_id("r:p"), Some(("r", "p")));
        assert_eq!(split_role_policy_id("r"), None);
        assert_eq!(split_role_policy_id(":p"), None);
    }

    #[test]
    fn documents_are_url_decoded() {
        assert_eq!(decode_document("%7B%22a%22%3A%20%22b%2Bc%22%7D"), r#"{"a": "b+c"}"#);
        assert_eq!(decode_document("{}"), "{}");
    }
}
