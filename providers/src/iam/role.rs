//! aws_iam_role.

use super::role_exclusive::{declares_attachments, declares_inline};
use crate::iam::tagging::Tagged;
use crate::iam::{
    after_failed_update, keep_prior_document, replacing, reset_for_replace, sdk_tags, set_default, string_map, tag_map,
    validate_names_and_docs, validate_path,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{
    call, finish, get, into_state, keep_prior, map_of_strings, prior_id, problem, sref, State,
};
use crate::support::dates::rfc3339;
use crate::support::error::{found, is_not_found};
use crate::support::naming::name_for_create;
use crate::support::tags::{split_tags_by, tags_all_by};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct IamRole;

impl IamRole {
    pub(super) fn get_role(&self, ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_iam::types::Role>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM Role ({name})"),
            ctx.iam.get_role().role_name(name).send(),
        ))?;
        Ok(out.and_then(|o| o.role().cloned()))
    }

    /// The state of `role`, keeping from `prior` what AWS does not store.
    pub(super) fn state(&self, ctx: &Ctx, role: &aws_sdk_iam::types::Role, prior: &Value) -> Value {
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
            Value::Number(f64::from(role.max_session_duration().unwrap_or(3600)).into()),
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

    pub(super) fn inline_policy_names(&self, ctx: &Ctx, name: &str) -> Result<Vec<String>, ProviderError> {
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
                .map(|p| crate::support::policy::equivalent(p, doc))
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
        self.sync_exclusive(ctx, name, planned)?;
        Tagged::Role(name).sync(ctx, prior, planned)
    }

    /// Adopts a role that already exists under the name we just recorded an intent for, when
    /// its trust policy says it is ours (an earlier, interrupted create or a retried request);
    /// otherwise refuses, so someone else's role is never taken over silently.
    fn adopt(&self, ctx: &Ctx, name: &str, planned: &Value, err: ProviderError) -> ApplyOutcome {
        let existing = match self.get_role(ctx, name) {
            Ok(Some(role)) => role,
            Ok(None) => return ApplyOutcome::failed(err),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let current = self.state(ctx, &existing, planned);
        let wanted = planned.get("assume_role_policy");
        let same = match (current.get("assume_role_policy").as_str(), wanted.as_str()) {
            (Some(a), Some(b)) => crate::support::policy::equivalent(a, b),
            _ => false,
        };
        if !same {
            return ApplyOutcome::failed(ProviderError::new(
                "EntityAlreadyExists",
                format!(
                    "creating IAM Role ({name}): a role with this name already exists and its trust \
                         policy differs from the configuration, so it was not created by this \
                         configuration. Import it (import ID: {name}) to manage it, or choose another \
                         `name`."
                ),
            ));
        }
        let mut planned = into_state(planned);
        planned.insert("name".into(), Value::string(name));
        self.update(ctx, &current, &Value::Map(planned.into()), &Step::QUIET)
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
            .attr(
                "assume_role_policy",
                Attribute::required(Type::String).document(crate::support::policy::canonical),
            )
            .attr("max_session_duration", Attribute::optional(Type::Number))
            .attr("permissions_boundary", Attribute::optional(Type::String))
            .attr("force_detach_policies", Attribute::optional(Type::Bool))
            .attr("tags", Attribute::optional(map_of_strings()))
            .attr("tags_all", Attribute::computed(map_of_strings()))
            .attr("arn", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr(
                "managed_policy_arns",
                Attribute::optional(crate::support::attrs::set_of_strings()),
            )
            .block(
                "inline_policy",
                engine::core::schema::Nesting::Set,
                Schema::new().attr("name", Attribute::optional(Type::String)).attr(
                    "policy",
                    Attribute::optional(Type::String).document(crate::support::policy::canonical),
                ),
            )
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
        // Unset, the role's attachments belong to other resources: whatever the state read of
        // them (Terraform's provider records them as computed) is not a change.
        if get(&st, "managed_policy_arns").is_null() {
            if let Some(p) = prior {
                st.insert("managed_policy_arns".into(), p.get("managed_policy_arns"));
            }
        }
        set_default(&mut st, "path", Value::string("/"));
        set_default(&mut st, "max_session_duration", Value::from(3600.0));
        set_default(&mut st, "force_detach_policies", Value::Bool(false));
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["arn", "unique_id", "create_date", "id"]);
        }
        let id = match get(&st, "name") {
            Value::String(n) => Value::string(n),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        let all = tags_all_by(string_map, ctx, get(&st, "tags"));
        st.insert("tags_all".into(), all);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let name = name_for_create(planned);
        let Some(doc) = sref(planned, "assume_role_policy") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "creating IAM Role: assume_role_policy is required",
            ));
        };
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
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
        (step.progress)(&format!("creating IAM Role {name}"));
        (step.intent)(&name);
        let role = match call(ctx, &format!("creating IAM Role ({name})"), req.send()) {
            Ok(out) => out.role().cloned(),
            Err(e) if e.code == "EntityAlreadyExists" => return self.adopt(ctx, &name, planned, e),
            Err(e) => return ApplyOutcome::failed(e),
        };
        let role = match role {
            Some(r) => r,
            None => match self.get_role(ctx, &name) {
                Ok(Some(r)) => r,
                Ok(None) => {
                    return ApplyOutcome::failed(ProviderError::new(
                        "NoSuchEntity",
                        format!("creating IAM Role ({name}): the role is not readable after creation"),
                    ))
                }
                Err(e) => return ApplyOutcome::failed(e),
            },
        };
        let mut st = into_state(planned);
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("arn".into(), Value::string(role.arn()));
        st.insert("unique_id".into(), Value::string(role.role_id()));
        st.insert("create_date".into(), rfc3339(role.create_date()));
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        let created = finish(&self.schema(), st);
        // The role exists from here: a failure below is reported with it recorded.
        match self.sync_exclusive(ctx, &name, planned) {
            Ok(()) => ApplyOutcome::Done(created),
            Err(e) => ApplyOutcome::partial(created, e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = match prior_id(prior, &["id", "name"], "updating IAM Role") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        if let Err(e) = self.update_inner(ctx, &name, prior, planned) {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        keep_prior(&mut st, prior, &["name", "id", "arn", "unique_id", "create_date"]);
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(());
        };
        let force = prior.get("force_detach_policies").as_bool().unwrap_or(false);
        // What the role's own block declares is the role's to remove, as in Terraform: declared
        // attachments or inline policies mean every one of that kind goes before DeleteRole.
        let detach_managed = force || declares_attachments(prior);
        let delete_inline = force || declares_inline(prior);
        let attempt = || -> Result<(), ProviderError> {
            if detach_managed {
                for arn in self.attached_policy_arns(ctx, name)? {
                    (step.progress)(&format!("detaching {arn} from IAM Role {name}"));
                    found(call(
                        ctx,
                        &format!("detaching policy ({arn}) from IAM Role ({name})"),
                        ctx.iam.detach_role_policy().role_name(name).policy_arn(&arn).send(),
                    ))?;
                }
            }
            if delete_inline {
                for policy_name in self.inline_policy_names(ctx, name)? {
                    (step.progress)(&format!("deleting inline policy {policy_name} of IAM Role {name}"));
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
        match self.get_role(ctx, name)? {
            Some(role) => {
                let read = self.state(ctx, &role, prior);
                self.read_exclusive(ctx, name, prior, read).map(Some)
            }
            None => Ok(None),
        }
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get_role(ctx, id)?.map(|role| self.state(ctx, &role, &Value::Null)))
    }
}

/// ARNs of the managed policies attached to a role (every page).
pub(super) fn list_attached(ctx: &Ctx, role: &str) -> Result<Vec<String>, ProviderError> {
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
pub(super) fn paged<T>(
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
