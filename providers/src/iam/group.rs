//! aws_iam_group. Name and path change in place (`UpdateGroup`), as in Terraform. IAM groups
//! have no tags.

use crate::iam::{after_failed_update, set_default, validate_names_and_docs};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::{call, finish, get, into_state, prior_id, sref, State};
use crate::support::error::found;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

pub(super) struct IamGroup;

impl IamGroup {
    fn get(&self, ctx: &Ctx, name: &str) -> Result<Option<aws_sdk_iam::types::Group>, ProviderError> {
        let out = found(call(
            ctx,
            &format!("reading IAM Group ({name})"),
            ctx.iam.get_group().group_name(name).send(),
        ))?;
        Ok(out.and_then(|o| o.group().cloned()))
    }

    fn state(&self, group: &aws_sdk_iam::types::Group) -> Value {
        let mut st = State::new();
        let name = group.group_name().to_string();
        st.insert("name".into(), Value::string(&name));
        st.insert("id".into(), Value::string(&name));
        st.insert("path".into(), Value::string(group.path()));
        st.insert("arn".into(), Value::string(group.arn()));
        st.insert("unique_id".into(), Value::string(group.group_id()));
        finish(&self.schema(), st)
    }
}

impl ResourceType for IamGroup {
    fn type_name(&self) -> &'static str {
        "aws_iam_group"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("path", Attribute::optional_computed(Type::String))
            .attr("arn", Attribute::computed(Type::String))
            .attr("unique_id", Attribute::computed(Type::String))
            .attr("id", Attribute::computed(Type::String))
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        validate_names_and_docs(config, 128, &[])
    }

    fn plan(&self, _ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        set_default(&mut st, "path", Value::string("/"));
        if prior.is_some_and(|p| p.get("name") != *get(&st, "name") || p.get("path") != *get(&st, "path")) {
            // The ARN holds the name and path; the unique ID stays.
            st.insert("arn".into(), Value::UNKNOWN);
        }
        let id = match get(&st, "name") {
            Value::String(n) => Value::string(n),
            _ => Value::UNKNOWN,
        };
        st.insert("id".into(), id);
        Ok((Value::Map(st.into()), Vec::new()))
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(ProviderError::new(
                "InvalidArgument",
                "creating IAM Group: name is required",
            ));
        };
        (step.progress)(&format!("creating IAM Group {name}"));
        (step.intent)(name);
        let req = ctx
            .iam
            .create_group()
            .group_name(name)
            .path(sref(planned, "path").unwrap_or("/"));
        match call(ctx, &format!("creating IAM Group ({name})"), req.send()) {
            Ok(out) => match out.group() {
                Some(g) => ApplyOutcome::Done(self.state(g)),
                None => match self.get(ctx, name) {
                    Ok(Some(g)) => ApplyOutcome::Done(self.state(&g)),
                    Ok(None) => ApplyOutcome::failed(ProviderError::new(
                        "NoSuchEntity",
                        format!("creating IAM Group ({name}): the group is not readable after creation"),
                    )),
                    Err(e) => ApplyOutcome::failed(e),
                },
            },
            Err(e) if e.code == "EntityAlreadyExists" => {
                let message = format!(
                    "{}\n\nA group named {name} already exists: import it (import ID: {name}) or choose another `name`.",
                    e.message
                );
                ApplyOutcome::failed(
                    ProviderError::new(e.code.clone(), message).with_outcome_unknown(e.outcome_unknown),
                )
            }
            Err(e) => ApplyOutcome::failed(e),
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, _step: &Step<'_>) -> ApplyOutcome {
        let old = match prior_id(prior, &["id", "name"], "updating IAM Group") {
            Ok(id) => id,
            Err(outcome) => return outcome,
        };
        let name = sref(planned, "name").unwrap_or(&old).to_string();
        let new_path = sref(planned, "path").filter(|p| Some(*p) != sref(prior, "path"));
        if name != old || new_path.is_some() {
            if let Err(e) = call(
                ctx,
                &format!("updating IAM Group ({old})"),
                ctx.iam
                    .update_group()
                    .group_name(&old)
                    .set_new_group_name((name != old).then(|| name.clone()))
                    .set_new_path(new_path.map(str::to_string))
                    .send(),
            ) {
                return after_failed_update(self, ctx, prior, e);
            }
        }
        match self.get(ctx, &name) {
            Ok(Some(g)) => ApplyOutcome::Done(self.state(&g)),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NoSuchEntity",
                format!("IAM Group {name} is gone after its update"),
            )),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, _step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(());
        };
        found(call(
            ctx,
            &format!("deleting IAM Group ({name})"),
            ctx.iam.delete_group().group_name(name).send(),
        ))
        .map(|_| ())
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(name) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(None);
        };
        Ok(self.get(ctx, name)?.map(|g| self.state(&g)))
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        Ok(self.get(ctx, id)?.map(|g| self.state(&g)))
    }
}
