//! aws_cloudformation_stack.

use crate::cloudformation::{
    check_parameters, check_url_parameters, describe_stack, failure, in_progress, json_scalar_string,
    operation_timeout, parse_template, short_hash, stack_changes, status_of, string_map, template_parameters,
    templates_equivalent, wait_for_stack, yaml, Desired, Events, NOT_UPDATABLE, STACK,
};
use crate::resource::{ApplyOutcome, Ctx, ResourceType, Step};
use crate::support::attrs::is_set;
use crate::support::attrs::{call, finish, get, into_state, invalid, map_of_strings, problem, set_of_strings, sref};
use crate::support::tags::tags_all_by;
use aws_sdk_cloudformation::types::OnFailure;
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use serde_json::Value as Json;

pub(super) struct Stack;

pub(super) fn stack_schema() -> Schema {
    Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("template_body", Attribute::optional_computed(Type::String).json())
        .attr("template_url", Attribute::optional(Type::String))
        .attr("parameters", Attribute::optional(map_of_strings()))
        .attr(
            "capabilities",
            Attribute::optional(set_of_strings()).one_of(&[
                "CAPABILITY_IAM",
                "CAPABILITY_NAMED_IAM",
                "CAPABILITY_AUTO_EXPAND",
            ]),
        )
        .attr(
            "on_failure",
            Attribute::optional(Type::String)
                .force_new()
                .one_of(&["DO_NOTHING", "ROLLBACK", "DELETE"]),
        )
        .attr("disable_rollback", Attribute::optional(Type::Bool).force_new())
        .attr("timeout_in_minutes", Attribute::optional(Type::Number))
        .attr("iam_role_arn", Attribute::optional(Type::String))
        .attr("notification_arns", Attribute::optional(set_of_strings()))
        // Not marked as a JSON document: the access review would read a stack policy, whose
        // principal is always "*", as an IAM policy. Reads keep the prior string when it means
        // the same instead.
        .attr("policy_body", Attribute::optional_computed(Type::String))
        .attr("tags", Attribute::optional(map_of_strings()))
        .attr("tags_all", Attribute::computed(map_of_strings()))
        .attr("outputs", Attribute::computed(map_of_strings()))
        // Not in Terraform's schema: recording the status lets a plan (which makes no network
        // call) see that a stack can no longer be updated and must be replaced.
        .attr("stack_status", Attribute::computed(Type::String))
        .timeouts(&["create", "update", "delete"])
}

impl ResourceType for Stack {
    fn type_name(&self) -> &'static str {
        STACK
    }

    fn schema(&self) -> Schema {
        stack_schema()
    }

    fn validate(&self, config: &Value) -> Vec<ValidateProblem> {
        let mut out = Vec::new();
        if let Some(name) = config.get("name").as_str() {
            let ok = name.len() <= 128
                && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                out.push(problem(
                    "name",
                    format!(
                        "stack name {name:?} must start with a letter, contain only letters, digits and hyphens, \
                         and be at most 128 characters long"
                    ),
                ));
            }
        }
        let body = config.get("template_body");
        let url = config.get("template_url");
        if is_set(&body) && is_set(&url) {
            out.push(problem(
                "template_url",
                "`template_body` and `template_url` conflict: set one of them",
            ));
        } else if body.is_null() && url.is_null() {
            out.push(problem(
                "template_body",
                "set `template_body` (the template itself) or `template_url` (an S3 URL of the template)",
            ));
        }
        if is_set(&config.get("on_failure")) && is_set(&config.get("disable_rollback")) {
            out.push(problem(
                "on_failure",
                "`on_failure` and `disable_rollback` conflict: use on_failure = \"DO_NOTHING\" instead of \
                 disable_rollback = true",
            ));
        }
        if let Some(policy) = config.get("policy_body").as_str() {
            if serde_json::from_str::<Json>(policy).is_err() {
                out.push(problem(
                    "policy_body",
                    "policy_body must be a JSON stack policy document",
                ));
            }
        }
        if let Some(body) = body.as_str() {
            match parse_template(body) {
                Ok(Json::Object(template)) => {
                    let declared = match template.get("Parameters") {
                        Some(Json::Object(p)) => p.clone(),
                        _ => serde_json::Map::new(),
                    };
                    out.extend(check_parameters(&declared, &config.get("parameters")));
                }
                Ok(_) => {}
                // Invalid JSON, or YAML that reads as something other than a mapping, is
                // certainly wrong; YAML outside the subset read here is left to CloudFormation.
                Err(e) if body.trim_start().starts_with('{') || yaml::parse(body).is_ok() => {
                    out.push(problem("template_body", e))
                }
                Err(_) => {}
            }
        }
        out.extend(crate::support::timeouts::check(config));
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, get(&st, "tags")));
        // A template_url is read now, so wrong parameters fail the plan, not the apply.
        if let Some(url) = get(&st, "template_url").deep_unmark().as_str() {
            check_url_parameters(ctx, url, &get(&st, "parameters"))?;
        }
        let mut replace = Vec::new();
        match prior {
            None => {
                for key in ["id", "outputs", "stack_status"] {
                    st.insert(key.to_string(), Value::UNKNOWN);
                }
                if get(&st, "template_body").is_null() || !get(&st, "template_url").is_null() {
                    st.insert("template_body".into(), Value::UNKNOWN);
                }
                // Nothing configured: no stack policy is set, so none will be read back.
                if get(&st, "policy_body").is_unknown() {
                    st.insert("policy_body".into(), Value::Null);
                }
            }
            Some(prior) => {
                let status = prior.get("stack_status");
                let stuck = status.as_str().is_some_and(|s| NOT_UPDATABLE.contains(&s));
                // Parameters the configuration leaves out but that hold the template's default
                // stay as they are, so that an imported stack does not show them as removed.
                if let (Some(config_params), Some(prior_params), Some(body)) = (
                    get(&st, "parameters").as_map().cloned(),
                    prior.get("parameters").as_map().cloned(),
                    get(&st, "template_body").as_str().map(str::to_string),
                ) {
                    if let Some(declared) = template_parameters(&body) {
                        let mut merged = config_params.clone();
                        for (k, v) in prior_params {
                            let default = declared
                                .get(&k)
                                .and_then(|d| d.get("Default"))
                                .and_then(json_scalar_string);
                            if !merged.contains_key(&k)
                                && default.is_some()
                                && default == v.as_str().map(str::to_string)
                            {
                                merged.insert(k, v);
                            }
                        }
                        st.insert("parameters".into(), Value::Map(merged.into()));
                    }
                }
                if !get(&st, "template_url").is_null()
                    && get(&st, "template_url").deep_unmark() != prior.get("template_url").deep_unmark()
                {
                    st.insert("template_body".into(), Value::UNKNOWN);
                }
                // A template that means the same (a YAML template with other comments or
                // indentation, which the engine compares as text) is no change.
                if let (Some(old), Some(new)) = (sref(prior, "template_body"), get(&st, "template_body").as_str()) {
                    if old != new && templates_equivalent(old, new) {
                        st.insert("template_body".into(), Value::string(old));
                    }
                }
                let planned = Value::Map(st.clone().into());
                if stuck {
                    st.insert("stack_status".into(), Value::UNKNOWN);
                    st.insert("outputs".into(), Value::UNKNOWN);
                    st.insert("id".into(), Value::UNKNOWN);
                    replace.push("stack_status".to_string());
                } else if stack_changes(prior, &planned) {
                    st.insert("stack_status".into(), Value::UNKNOWN);
                    st.insert("outputs".into(), Value::UNKNOWN);
                }
            }
        }
        Ok((Value::Map(st.into()), replace))
    }

    fn plan_details(
        &self,
        ctx: &Ctx,
        prior: Option<&Value>,
        planned: &Value,
    ) -> Result<(Option<String>, Vec<String>), ProviderError> {
        let Some(prior) = prior else {
            return Ok((None, Vec::new()));
        };
        let status = prior.get("stack_status");
        if status.as_str().is_some_and(|s| NOT_UPDATABLE.contains(&s))
            || planned.get("name").deep_unmark() != prior.get("name").deep_unmark()
            || !stack_changes(prior, planned)
        {
            return Ok((None, Vec::new()));
        }
        let Some(stack_id) = sref(prior, "id") else {
            return Ok((None, Vec::new()));
        };
        let inputs_known = [
            "template_body",
            "template_url",
            "parameters",
            "capabilities",
            "tags_all",
            "notification_arns",
            "iam_role_arn",
        ]
        .iter()
        .all(|k| {
            !planned.get(k).contains_unknown() || (*k == "template_body" && !planned.get("template_url").is_null())
        });
        if !inputs_known {
            return Ok((
                None,
                vec![
                    "CloudFormation: the change set is computed at apply, once every value it needs is known"
                        .to_string(),
                ],
            ));
        }
        let desired = Desired::from(planned);
        let stack_name = sref(prior, "name").unwrap_or(stack_id);
        match self.change_set(ctx, stack_id, stack_name, &desired)? {
            Some(arn) => {
                let lines = self.change_lines(ctx, &arn)?;
                Ok((Some(arn), lines))
            }
            None => Ok((None, Vec::new())),
        }
    }

    fn create(&self, ctx: &Ctx, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (intent, progress) = (step.intent, step.progress);
        let Some(name) = sref(planned, "name") else {
            return ApplyOutcome::failed(invalid("creating CloudFormation Stack: name is required"));
        };
        let desired = Desired::from(planned);
        if desired.template_body.is_none() && desired.template_url.is_none() {
            return ApplyOutcome::failed(invalid(format!(
                "creating CloudFormation Stack ({name}): template_body or template_url is required"
            )));
        }
        let token = format!("infinstor-create-{}", short_hash(&[name, &desired.digest]));
        let op = format!("creating CloudFormation Stack ({name})");
        let mut req = ctx
            .cloudformation
            .create_stack()
            .stack_name(name)
            .set_template_body(desired.template_body.clone())
            .set_template_url(desired.template_url.clone())
            .set_parameters(Some(desired.parameters.clone()))
            .set_capabilities(Some(desired.capabilities.clone()))
            .set_tags(Some(desired.tags.clone()))
            .set_notification_arns(Some(desired.notification_arns.clone()))
            .set_role_arn(desired.role_arn.clone())
            .set_stack_policy_body(sref(planned, "policy_body").map(str::to_string))
            .client_request_token(&token);
        if let Some(m) = planned.get("timeout_in_minutes").as_f64() {
            req = req.timeout_in_minutes(m as i32);
        }
        if let Some(f) = sref(planned, "on_failure") {
            req = req.on_failure(OnFailure::from(f));
        } else if let Some(d) = planned.get("disable_rollback").as_bool() {
            req = req.disable_rollback(d);
        }
        intent(name);
        let stack_id = match call(ctx, &op, req.send()) {
            Ok(out) => out.stack_id().unwrap_or(name).to_string(),
            Err(e) if e.code == "AlreadyExistsException" => match self.adoptable(ctx, name, &token) {
                Some(id) => {
                    progress("the stack was already being created by an earlier, interrupted run; waiting for it");
                    id
                }
                None => {
                    return ApplyOutcome::failed(
                        ProviderError::new(
                            e.code.clone(),
                            format!(
                                "{}\n\nA stack named {name} already exists in this account and region. Import it \
                                 (import ID: the stack name or ID) or choose another name.",
                                e.message
                            ),
                        )
                        // After a lost answer the stack may be this create's own.
                        .with_outcome_unknown(e.outcome_unknown),
                    );
                }
            },
            Err(e) => return ApplyOutcome::failed(e),
        };
        let mut events = Events::new(ctx, &stack_id);
        let waited = wait_for_stack(ctx, &mut events, operation_timeout(planned, "create"), progress);
        let state = self.fetch(ctx, &stack_id, planned, false);
        match (waited, state) {
            (Ok(Some(stack)), Ok(state)) => {
                let status = status_of(&stack);
                if status == "CREATE_COMPLETE" {
                    ApplyOutcome::from_parts(state, None)
                } else {
                    let err = failure("creating", name, &status, &events, stack.stack_status_reason());
                    ApplyOutcome::from_parts(state, Some(err))
                }
            }
            (Ok(None), _) => ApplyOutcome::failed(failure("creating", name, "DELETE_COMPLETE", &events, None)),
            // The stack exists even when waiting failed: record it so it is not orphaned.
            (Err(e), Ok(state)) => ApplyOutcome::from_parts(state, Some(e)),
            (Err(e), Err(_)) | (Ok(Some(_)), Err(e)) => {
                let mut st = into_state(planned);
                st.insert("id".into(), Value::string(&stack_id));
                ApplyOutcome::partial(finish(&stack_schema(), st), e)
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, step: &Step<'_>) -> ApplyOutcome {
        let (private, progress) = (step.private, step.progress);
        let Some(id) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return ApplyOutcome::partial(
                prior.clone(),
                invalid("updating CloudFormation Stack: the state has no stack ID"),
            );
        };
        let name = sref(prior, "name").unwrap_or(id).to_string();
        match self.settle(ctx, id, progress) {
            Ok(Some(_)) => {}
            Ok(None) => {
                return ApplyOutcome::failed(ProviderError::new(
                    "NotFound",
                    format!("updating CloudFormation Stack ({name}): the stack no longer exists; run plan again"),
                ))
            }
            Err(e) => return ApplyOutcome::partial(prior.clone(), e),
        }
        if stack_changes(prior, planned) {
            let mut events = Events::new(ctx, id);
            events.prime();
            let started = match private {
                Some(arn) => self.execute(ctx, &name, arn),
                None => self.update_stack(ctx, id, &name, planned),
            };
            match started {
                Ok(true) => match wait_for_stack(ctx, &mut events, operation_timeout(planned, "update"), progress) {
                    Ok(Some(stack)) => {
                        let status = status_of(&stack);
                        if status != "UPDATE_COMPLETE" {
                            let err = failure("updating", &name, &status, &events, stack.stack_status_reason());
                            return self.after_failure(ctx, id, prior, planned, err);
                        }
                    }
                    Ok(None) => {
                        return ApplyOutcome::failed(ProviderError::new(
                            "NotFound",
                            format!("updating CloudFormation Stack ({name}): the stack was deleted meanwhile"),
                        ))
                    }
                    Err(e) => return self.after_failure(ctx, id, prior, planned, e),
                },
                Ok(false) => {}
                Err(e) => return self.after_failure(ctx, id, prior, planned, e),
            }
        }
        if let Err(e) = self.apply_policy(ctx, id, prior, planned) {
            return self.after_failure(ctx, id, prior, planned, e);
        }
        match self.fetch(ctx, id, planned, false) {
            Ok(Some(state)) => ApplyOutcome::Done(state),
            Ok(None) => ApplyOutcome::failed(ProviderError::new(
                "NotFound",
                format!("updating CloudFormation Stack ({name}): the stack disappeared after the update"),
            )),
            Err(e) => ApplyOutcome::partial(prior.clone(), e),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, step: &Step<'_>) -> Result<(), ProviderError> {
        let Some(id) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(());
        };
        let name = sref(prior, "name").unwrap_or(id).to_string();
        let Some(stack) = describe_stack(ctx, id)? else {
            return Ok(());
        };
        let status = status_of(&stack);
        if status == "DELETE_COMPLETE" {
            return Ok(());
        }
        let stack_id = stack.stack_id().unwrap_or(id).to_string();
        let mut events = Events::new(ctx, &stack_id);
        if status != "DELETE_IN_PROGRESS" {
            if in_progress(&status) {
                match self.settle(ctx, &stack_id, step.progress)? {
                    None => return Ok(()),
                    Some(s) if s == "DELETE_COMPLETE" => return Ok(()),
                    Some(_) => {}
                }
            }
            events.prime();
            let token = format!("infinstor-delete-{}", short_hash(&[&stack_id]));
            call(
                ctx,
                &format!("deleting CloudFormation Stack ({name})"),
                ctx.cloudformation
                    .delete_stack()
                    .stack_name(&stack_id)
                    .client_request_token(token)
                    .send(),
            )?;
        } else {
            (step.progress)("the stack is already being deleted; waiting for it");
            events.prime();
        }
        match wait_for_stack(ctx, &mut events, operation_timeout(prior, "delete"), step.progress)? {
            None => Ok(()),
            Some(stack) => {
                let status = status_of(&stack);
                if status == "DELETE_COMPLETE" {
                    Ok(())
                } else {
                    Err(failure(
                        "deleting",
                        &name,
                        &status,
                        &events,
                        stack.stack_status_reason(),
                    ))
                }
            }
        }
    }

    fn read(&self, ctx: &Ctx, prior: &Value) -> Result<Option<Value>, ProviderError> {
        let Some(id) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return Ok(None);
        };
        self.fetch(ctx, id, prior, false)
    }

    fn import(&self, ctx: &Ctx, id: &str) -> Result<Option<Value>, ProviderError> {
        self.fetch(ctx, id, &Value::Null, true)
    }
}
