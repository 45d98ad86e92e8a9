//! aws_iam_instance_profile: the container that hands a role to EC2 instances. The role is
//! changed in place (remove, then add); name, name_prefix and path force a new profile.

use crate::iam::tagging::Tagged;
use crate::iam::{
    after_failed_update, replacing, reset_for_replace, sdk_tags, set_default, string_map, tag_map,
    validate_names_and_docs,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, created_outcome, finish, get, into_state, keep_prior, prior_id, sref, State};
use crate::support::dates::rfc3339;
use crate::support::error::found;
use crate::support::naming::name_for_create;
use crate::support::tags::{split_tags_by, tags_all_by};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct IamInstanceProfile;

impl IamInstanceProfile {
    fn get(&self, ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_iam::types::InstanceProfile>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM Instance Profile ({name})"),
            ctx.iam.get_instance_profile().instance_profile_name(name).send(),
        ))?;
        Ok(out.and_then(|o| o.instance_profile().cloned()))
    }

    /// The state of `profile`, keeping from `prior` what AWS does not store.
    fn state(&self, ctx: &Ctx, profile: &aws_sdk_iam::types::InstanceProfile, prior: &Value) -> Value {
        let mut st = State::new();
        let name = profile.instance_profile_name().to_string();
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("name_prefix".into(), prior.get("name_prefix"));
        st.insert("path".into(), Value::string(profile.path()));
        st.insert(
            "role".into(),
            profile
                .roles()
                .first()
                .map(|r| Value::string(r.role_name()))
                .unwrap_or(Value::Null),
        );
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), tag_map(profile.tags()));
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        st.insert("arn".into(), Value::string(profile.arn()));
        st.insert("unique_id".into(), Value::string(profile.instance_profile_id()));
        st.insert("create_date".into(), rfc3339(profile.create_date()));
        finish(&self.schema(), st)
    }

    fn add_role(&self, ctx: &Ctx, name: &str, role: &str) -> Result<(), ProviderError> {
        call(
            ctx,
            &format!("adding IAM Role ({role}) to IAM Instance Profile ({name})"),
            ctx.iam
                .add_role_to_instance_profile()
                .instance_profile_name(name)
                .role_name(role)
                .send(),
        )
        .map(|_| ())
    }

    fn remove_role(&self, ctx: &Ctx, name: &str, role: &str) -> Result<(), ProviderError> {
        found(call(
            ctx,
            &format!("removing IAM Role ({role}) from IAM Instance Profile ({name})"),
            ctx.iam
                .remove_role_from_instance_profile()
                .instance_profile_name(name)
                .role_name(role)
                .send(),
        ))
        .map(|_| ())
    }
}

impl ResourceType for IamInstanceProfile {
    fn type_name(&self) -> &'static str {
        "aws_iam_instance_profile"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::optional_computed(Type::String).force_new())
            .attr("name_prefix", Attribute::optional(Type::String).force_new())
            .attr("path", Attribute::optional_computed(Type::String).force_new())
            .attr("role", Attribute::optional(Type::String))
            .attr("tags", Attribute::optional(Type::Map(Box::new(Type::String))))
            .attr("tags_all", Attribute::computed(Type::Map(Box::new(Type::String))))
            .attr("arn", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("create_date", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        validate_names_and_docs(config, 128, &[])
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        set_default(&mut st, "path", Value::string("/"));
        if replacing(&self.schema(), prior, &st) {
            reset_for_replace(&mut st, &["arn", "unique_id", "create_date", "id"]);
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
        let name = name_for_create(planned);
        let tags = match sdk_tags(&string_map(&tags_all_by(string_map, ctx, &planned.get("tags")))) {
            Ok(t) => t,
            Err(e) => return ApplyOutcome::failed(e),
        };
        let mut req = ctx
            .iam
            .create_instance_profile()
            .instance_profile_name(&name)
            .path(sref(planned, "path").unwrap_or("/"));
        if !tags.is_empty() {
            req = req.set_tags(Some(tags));
        }
        (step.progress)(&format!("creating IAM Instance Profile {name}"));
        (step.intent)(&name);
        if let Err(e) = call(ctx, &format!("creating IAM Instance Profile ({name})"), req.send()) {
            let e = if e.code == "EntityAlreadyExists" {
                ProviderError::new(
                    e.code.clone(),
                    format!(
                        "{}\n\nAn instance profile named {name} already exists: import it (import ID: {name}) or choose another `name`.",
                        e.message
                    ),
                )
                .with_outcome_unknown(e.outcome_unknown)
            } else {
                e
            };
            return ApplyOutcome::failed(e);
        }
        // From here the profile exists: every outcome records it.
        if let Some(role) = sref(planned, "role") {
            if let Err(e) = self.add_role(ctx, &name, role) {
                let now = self.get(ctx, &name).ok().flatten();
                return ApplyOutcome::from_parts(now.map(|p| self.state(ctx, &p, planned)), Some(e));
            }
        }
        let id = Value::string(&name);
        created_outcome(
            &self.schema(),
            planned,
            &[("name", id.clone()), ("id", id)],
            self.get(ctx, &name).map(|p| p.map(|p| self.state(ctx, &p, planned))),
            || {
                ProviderError::new(
                    "NoSuchEntity",
                    format!("creating IAM Instance Profile ({name}): the profile is not readable after creation"),
                )
            },
        )
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let name = match prior_id(prior, &["id", "name"], "updating IAM Instance Profile") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let result = (|| -> Result<(), ProviderError> {
            let (old, new) = (sref(prior, "role"), sref(planned, "role"));
            if old != new {
                if let Some(old) = old {
                    self.remove_role(ctx, &name, old)?;
                }
                if let Some(new) = new {
                    self.add_role(ctx, &name, new)?;
                }
            }
            Tagged::InstanceProfile(&name).sync(ctx, prior, planned)
        })();
        if let Err(e) = result {
            return after_failed_update(self, ctx, prior, e);
        }
        let mut st = into_state(planned);
        keep_prior(&mut st, prior, &["name", "id", "arn", "unique_id", "create_date"]);
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, &planned.get("tags")));
        ApplyOutcome::Done(finish(&self.schema(), st))
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(());
        };
        // A profile that still holds a role cannot be deleted; the role may be one added outside.
        if let Some(profile) = self.get(ctx, name)? {
            for role in profile.roles() {
                self.remove_role(ctx, name, role.role_name())?;
            }
        }
        found(call(
            ctx,
            &format!("deleting IAM Instance Profile ({name})"),
            ctx.iam.delete_instance_profile().instance_profile_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(None);
        };
        Ok(self.get(ctx, name)?.map(|p| self.state(ctx, &p, prior)))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get(ctx, id)?.map(|p| self.state(ctx, &p, &Value::Null)))
    }
}
