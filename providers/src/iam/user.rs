//! aws_iam_user. Name and path change in place (`UpdateUser`), as in Terraform; with
//! `force_destroy` a destroy first removes what would keep the user from being deleted (access
//! keys, login profile, policies, group memberships).

use crate::iam::tagging::Tagged;
use crate::iam::{after_failed_update, sdk_tags, set_default, string_map, tag_map, validate_names_and_docs};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, get, into_state, prior_id, sref, State};
use crate::support::error::found;
use crate::support::tags::{split_tags_by, tags_all_by};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct IamUser;

impl IamUser {
    fn get(&self, ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_iam::types::User>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM User ({name})"),
            ctx.iam.get_user().user_name(name).send(),
        ))?;
        Ok(out.and_then(|o| o.user().cloned()))
    }

    /// The state of `user`, keeping from `prior` what AWS does not store.
    fn state(&self, ctx: &Ctx, user: &aws_sdk_iam::types::User, prior: &Value) -> Value {
        let mut st = State::new();
        let name = user.user_name().to_string();
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("path".into(), Value::string(user.path()));
        st.insert(
            "force_destroy".into(),
            Value::Bool(prior.get("force_destroy").as_bool().unwrap_or(false)),
        );
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), tag_map(user.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert("arn".into(), Value::string(user.arn()));
        st.insert("unique_id".into(), Value::string(user.user_id()));
        st.insert(
            "permissions_boundary".into(),
            user.permissions_boundary()
                .and_then(|b| b.permissions_boundary_arn())
                .map(Value::string)
                .unwrap_or(Value::Null),
        );
        finish(&self.schema(), st)
    }

    /// Removes what keeps a user from being deleted.
    fn clear(&self, ctx: &Ctx, name: &str, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
        let keys = call(
            ctx,
            &format!("listing access keys of IAM User ({name})"),
            ctx.iam.list_access_keys().user_name(name).send(),
        )?;
        for key in keys.access_key_metadata() {
            if let Some(id) = key.access_key_id() {
                progress(&format!("deleting access key {id} of IAM User {name}"));
                found(call(
                    ctx,
                    &format!("deleting access key ({id}) of IAM User ({name})"),
                    ctx.iam.delete_access_key().user_name(name).access_key_id(id).send(),
                ))?;
            }
        }
        found(call(
            ctx,
            &format!("deleting the login profile of IAM User ({name})"),
            ctx.iam.delete_login_profile().user_name(name).send(),
        ))?;
        let attached = call(
            ctx,
            &format!("listing policies attached to IAM User ({name})"),
            ctx.iam.list_attached_user_policies().user_name(name).send(),
        )?;
        for p in attached.attached_policies() {
            if let Some(arn) = p.policy_arn() {
                found(call(
                    ctx,
                    &format!("detaching policy ({arn}) from IAM User ({name})"),
                    ctx.iam.detach_user_policy().user_name(name).policy_arn(arn).send(),
                ))?;
            }
        }
        let inline = call(
            ctx,
            &format!("listing inline policies of IAM User ({name})"),
            ctx.iam.list_user_policies().user_name(name).send(),
        )?;
        for policy in inline.policy_names() {
            found(call(
                ctx,
                &format!("deleting inline policy ({policy}) of IAM User ({name})"),
                ctx.iam.delete_user_policy().user_name(name).policy_name(policy).send(),
            ))?;
        }
        let groups = call(
            ctx,
            &format!("listing groups of IAM User ({name})"),
            ctx.iam.list_groups_for_user().user_name(name).send(),
        )?;
        for g in groups.groups() {
            found(call(
                ctx,
                &format!("removing IAM User ({name}) from group ({})", g.group_name()),
                ctx.iam
                    .remove_user_from_group()
                    .user_name(name)
                    .group_name(g.group_name())
                    .send(),
            ))?;
        }
        Ok(())
    }
}

impl ResourceType for IamUser {
    fn type_name(&self) -> &'static str {
        "aws_iam_user"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("path", Attribute::optional_computed(Type::String))
            .attr("force_destroy", Attribute::optional_computed(Type::Bool))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .attr("arn", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("permissions_boundary", Attribute::optional(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        validate_names_and_docs(config, 64, &[])
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        set_default(&mut st, "path", Value::string("/"));
        set_default(&mut st, "force_destroy", Value::Bool(false));
        let renamed = prior.is_some_and(|p| p.get("name") != *get(&st, "name"));
        if renamed {
            // The ARN names the user; the unique ID stays.
            st.insert("arn".into(), Value::UNKNOWN);
        }
        let id = match get(&st, "name") {
            Value::String(n) => Value::string(n),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, get(&st, "tags")));
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "creating IAM User: name is required",
            ));
        };
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let mut req = ctx
            .iam
            .create_user()
            .user_name(name)
            .path(sref(planned, "path").unwrap_or("/"))
            .set_permissions_boundary(sref(planned, "permissions_boundary").map(str::to_string));
        if !tags.is_empty() {
            req = req.set_tags(Some(tags));
        }
        (step.progress)(&format!("creating IAM User {name}"));
        (step.intent)(name);
        let user = match call(ctx, &format!("creating IAM User ({name})"), req.send()) {
            Ok(out) => out.user().cloned(),
            Err(e) if e.code == "EntityAlreadyExists" => {
                let message = format!(
                    "{}\n\nA user named {name} already exists: import it (import ID: {name}) or choose another `name`.",
                    e.message
                );
                return ApplyOutcome::failed(
                    ProviderError::new(e.code.clone(), message).with_outcome_unknown(e.outcome_unknown),
                );
            }
            Err(e) => return ApplyOutcome::failed(e),
        };
        // CreateUser's answer may leave out the boundary: a user given one is read back.
        let answered = user.filter(|_| sref(planned, "permissions_boundary").is_none());
        match answered {
            Some(u) => ApplyOutcome::Done(self.state(ctx, &u, planned)),
            None => match self.get(ctx, name) {
                Ok(Some(u)) => ApplyOutcome::Done(self.state(ctx, &u, planned)),
                Ok(None) => ApplyOutcome::failed(ProviderError::new(
                    "NoSuchEntity",
                    format!("creating IAM User ({name}): the user is not readable after creation"),
                )),
                Err(e) => ApplyOutcome::failed(e),
            },
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let old = match prior_id(prior, &["id", "name"], "updating IAM User") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let name = sref(planned, "name").unwrap_or(&old).to_string();
        let result = (|| -> Result<(), ProviderError> {
            let new_path = sref(planned, "path").filter(|p| Some(*p) != sref(prior, "path"));
            if name != old || new_path.is_some() {
                call(
                    ctx,
                    &format!("updating IAM User ({old})"),
                    ctx.iam
                        .update_user()
                        .user_name(&old)
                        .set_new_user_name((name != old).then(|| name.clone()))
                        .set_new_path(new_path.map(str::to_string))
                        .send(),
                )?;
            }
            let boundary = sref(planned, "permissions_boundary").filter(|b| !b.is_empty());
            if boundary != sref(prior, "permissions_boundary").filter(|b| !b.is_empty()) {
                match boundary {
                    Some(arn) => call(
                        ctx,
                        &format!("setting the permissions boundary of IAM User ({name})"),
                        ctx.iam
                            .put_user_permissions_boundary()
                            .user_name(&name)
                            .permissions_boundary(arn)
                            .send(),
                    )
                    .map(drop)?,
                    None => found(call(
                        ctx,
                        &format!("removing the permissions boundary of IAM User ({name})"),
                        ctx.iam.delete_user_permissions_boundary().user_name(&name).send(),
                    ))
                    .map(drop)?,
                }
            }
            Tagged::User(&name).sync(ctx, prior, planned)
        })();
        if let Err(e) = result {
            return after_failed_update(self, ctx, prior, e);
        }
        match self.get(ctx, &name) {
            Ok(Some(u)) => ApplyOutcome::Done(self.state(ctx, &u, planned)),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NoSuchEntity",
                format!("IAM User {name} is gone after its update"),
            )),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(());
        };
        if prior.get("force_destroy").as_bool().unwrap_or(false) {
            self.clear(ctx, name, step.progress)?;
        }
        match found(call(
            ctx,
            &format!("deleting IAM User ({name})"),
            ctx.iam.delete_user().user_name(name).send(),
        )) {
            Ok(_) => Ok(()),
            Err(e) if e.code == "DeleteConflict" => Err(ProviderError::new(
                e.code.clone(),
                format!(
                    "{}\n\nThe user still has access keys, a login profile, policies or groups. Remove them, or set \
                     force_destroy = true and apply before destroying.",
                    e.message
                ),
            )),
            Err(e) => Err(e),
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(None);
        };
        Ok(self.get(ctx, name)?.map(|u| self.state(ctx, &u, prior)))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get(ctx, id)?.map(|u| self.state(ctx, &u, &Value::Null)))
    }
}
