//! aws_iam_policy.

use crate::iam::tagging::Tagged;
use crate::iam::{
    after_failed_update, keep_prior_document, paged, replacing, reset_for_replace, sdk_tags, set_default, string_map,
    tag_map, validate_names_and_docs, validate_path,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, get, into_state, keep_prior, map_of_strings, prior_id, sref, State};
use crate::support::error::{found, is_not_found};
use crate::support::naming::name_for_create;
use crate::support::tags::{split_tags_by, tags_all_by};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct IamPolicy;

/// IAM keeps at most this many versions of a managed policy.
pub(super) const MAX_POLICY_VERSIONS: usize = 5;

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
    pub(super) fn fetch(&self, ctx: &Ctx, arn: &str, prior: &Value) -> Result<Option<Value>, ProviderError> {
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
            Value::Number(f64::from(p.attachment_count().unwrap_or(0)).into()),
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
                .map(|p| crate::support::policy::equivalent(p, doc))
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
        Tagged::Policy(arn).sync(ctx, prior, planned)
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
            .attr(
                "policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
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
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = name_for_create(planned);
        let path = sref(planned, "path").unwrap_or("/").to_string();
        let Some(doc) = sref(planned, "policy") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "creating IAM Policy: policy is required",
            ));
        };
        let (account, partition) = match ctx.caller_account() {
            Ok(a) => a,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let arn = format!("arn:{partition}:iam::{account}:policy{path}{name}");
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
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
        (step.progress)(&format!("creating IAM Policy {name}"));
        (step.intent)(&arn);
        let created = match call(ctx, &format!("creating IAM Policy ({name})"), req.send()) {
            Ok(out) => out.policy().cloned(),
            Err(e) if e.code == "EntityAlreadyExists" => {
                // Ours only if its document is the one we meant to create (see IamRole::adopt).
                let current = match self.fetch(ctx, &arn, planned) {
                    Ok(Some(c)) => c,
                    Ok(None) => return ApplyOutcome::failed(e),
                    Err(e2) => return ApplyOutcome::failed(e2),
                };
                let same = match (current.get("policy").as_str(), planned.get("policy").as_str()) {
                    (Some(a), Some(b)) => crate::support::policy::equivalent(a, b),
                    _ => false,
                };
                if !same {
                    return ApplyOutcome::failed(ProviderError::new(
                        "EntityAlreadyExists",
                        format!(
                            "creating IAM Policy ({name}): a policy with this name already exists \
                                 ({arn}) and its document differs from the configuration, so it was \
                                 not created by this configuration. Import it (import ID: {arn}) to \
                                 manage it, or choose another `name`."
                        ),
                    ));
                }
                let mut planned = into_state(planned);
                planned.insert("name".into(), Value::string(&name));
                return self.update(ctx, &current, &Value::Map(planned.into()), step);
            }
            Err(e) => return ApplyOutcome::failed(e),
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
            Value::Number((f64::from(created.as_ref().and_then(|p| p.attachment_count()).unwrap_or(0))).into()),
        );
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let arn = match prior_id(prior, &["arn", "id"], "updating IAM Policy") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        if let Err(e) = self.update_inner(ctx, &arn, prior, planned, step.progress) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        keep_prior(&mut st, prior, &["name", "arn", "id", "policy_id", "attachment_count"]);
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(arn) = sref(prior, "arn").or_else(|| sref(prior, "id")) else {
            return Ok(());
        };
        let attempt = || -> Result<(), ProviderError> {
            for v in self.versions(ctx, arn)? {
                if v.is_default_version() {
                    continue;
                }
                if let Some(id) = v.version_id() {
                    (step.progress)(&format!("deleting version {id} of IAM Policy {arn}"));
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
