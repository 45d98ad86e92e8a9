//! The CloudFormation calls behind aws_cloudformation_stack: read, settle, change sets,
//! execute, update, adoption.

use crate::cloudformation::{
    describe_stack, in_progress, keep_prior_template, no_updates, set_state, short_hash, stack_gone, stack_schema,
    status_of, string_map, wait_for_stack, Desired, Events, Stack, CHANGE_SET_TIMEOUT, DEFAULT_OPERATION_TIMEOUT,
};
use crate::resource::{ApplyOutcome, Ctx};
use crate::support::attrs::{call, finish, map_value, string_set, State};
use crate::support::tags::split_tags_by;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_cloudformation::types::{ChangeSetStatus, ChangeSetType, ExecutionStatus};
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::time::Duration;

impl Stack {
    /// Reads a stack by name or ID; waits first when an operation is still running on it.
    /// `import`: the prior is empty, so every parameter AWS reports is kept.
    pub(super) fn fetch(
        &self,
        ctx: &Ctx,
        id: &str,
        prior: &Value,
        import: bool,
    ) -> Result<Option<Value>, ProviderError> {
        let Some(mut stack) = describe_stack(ctx, id)? else {
            return Ok(None);
        };
        if in_progress(&status_of(&stack)) {
            let stack_id = stack.stack_id().unwrap_or(id).to_string();
            let mut events = Events::new(ctx, &stack_id);
            events.prime();
            match wait_for_stack(ctx, &mut events, DEFAULT_OPERATION_TIMEOUT, &|_| {})? {
                Some(s) => stack = s,
                None => return Ok(None),
            }
        }
        let status = status_of(&stack);
        if status == "DELETE_COMPLETE" {
            return Ok(None);
        }
        let stack_id = stack.stack_id().unwrap_or(id).to_string();
        let name = stack.stack_name().unwrap_or_default().to_string();
        let template = call(
            ctx,
            &format!("reading the template of CloudFormation Stack ({name})"),
            ctx.cloudformation.get_template().stack_name(&stack_id).send(),
        )?;
        let policy = call(
            ctx,
            &format!("reading the stack policy of CloudFormation Stack ({name})"),
            ctx.cloudformation.get_stack_policy().stack_name(&stack_id).send(),
        )?;

        let mut st = State::new();
        st.insert("id".into(), Value::string(&stack_id));
        st.insert("name".into(), Value::string(&name));
        st.insert("stack_status".into(), Value::string(&status));
        st.insert(
            "template_body".into(),
            template
                .template_body()
                .map(|b| keep_prior_template(&prior.get("template_body"), b))
                .unwrap_or(Value::Null),
        );
        st.insert("template_url".into(), prior.get("template_url"));
        let remote: BTreeMap<String, String> = stack
            .parameters()
            .iter()
            .filter_map(|p| {
                Some((
                    p.parameter_key()?.to_string(),
                    p.parameter_value().unwrap_or_default().to_string(),
                ))
            })
            .collect();
        let prior_params = string_map(&prior.get("parameters"));
        let parameters = if import {
            if remote.is_empty() {
                Value::Null
            } else {
                map_value(&remote)
            }
        } else if prior.get("parameters").is_null() {
            Value::Null
        } else {
            // Only the parameters the configuration sets: the others hold template defaults.
            let kept: BTreeMap<String, String> = prior_params
                .iter()
                .filter_map(|(k, old)| {
                    let now = remote.get(k)?;
                    // NoEcho values come back masked; the recorded one is the best we know.
                    Some((k.clone(), if now == "****" { old.clone() } else { now.clone() }))
                })
                .collect();
            map_value(&kept)
        };
        st.insert("parameters".into(), parameters);
        let mut caps: Vec<String> = stack.capabilities().iter().map(|c| c.as_str().to_string()).collect();
        if caps.is_empty() {
            // Some CloudFormation implementations (moto) do not report capabilities; they can
            // only change through an update we made, so the recorded ones still hold.
            caps = string_set(&prior.get("capabilities")).into_iter().collect();
        }
        st.insert("capabilities".into(), set_state(&caps, &prior.get("capabilities")));
        st.insert(
            "notification_arns".into(),
            set_state(stack.notification_arns(), &prior.get("notification_arns")),
        );
        let remote_tags: BTreeMap<String, String> = stack
            .tags()
            .iter()
            .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or_default().to_string())))
            .collect();
        let (tags, all) = split_tags_by(string_map, ctx, &prior.get("tags"), remote_tags);
        st.insert("tags".into(), tags);
        st.insert("tags_all".into(), all);
        let outputs: BTreeMap<String, String> = stack
            .outputs()
            .iter()
            .filter_map(|o| {
                Some((
                    o.output_key()?.to_string(),
                    o.output_value().unwrap_or_default().to_string(),
                ))
            })
            .collect();
        st.insert("outputs".into(), map_value(&outputs));
        let disable_rollback = match (stack.disable_rollback(), prior.get("disable_rollback")) {
            (Some(false) | None, p) if p.is_null() => Value::Null,
            (Some(b), _) => Value::Bool(b),
            (None, p) => p,
        };
        st.insert("disable_rollback".into(), disable_rollback);
        // Not reported by DescribeStacks.
        st.insert("on_failure".into(), prior.get("on_failure"));
        // Only used at create; an edited value has nothing to update, so it must not show as drift.
        let timeout = match prior.get("timeout_in_minutes") {
            Value::Number(n) => Value::Number(n),
            _ => stack
                .timeout_in_minutes()
                .map(|m| Value::Number(f64::from(m).into()))
                .unwrap_or(Value::Null),
        };
        st.insert("timeout_in_minutes".into(), timeout);
        st.insert(
            "iam_role_arn".into(),
            stack.role_arn().map(Value::string).unwrap_or(Value::Null),
        );
        let policy = match (
            policy.stack_policy_body().filter(|p| !p.is_empty()),
            prior.get("policy_body"),
        ) {
            (Some(remote), p) => match p.as_str() {
                Some(old) if crate::support::policy::equivalent(old, remote) => Value::string(old),
                _ => Value::string(remote),
            },
            (None, _) => Value::Null,
        };
        st.insert("policy_body".into(), policy);
        // The configuration's, which AWS does not know.
        if let Some(timeouts) = prior.get_ref("timeouts") {
            st.insert("timeouts".into(), timeouts.clone());
        }
        Ok(Some(finish(&stack_schema(), st)))
    }

    /// Waits for an operation an earlier, interrupted run left running on the stack.
    pub(super) fn settle(
        &self,
        ctx: &Ctx,
        stack_id: &str,
        progress: &dyn Fn(&str),
    ) -> Result<Option<String>, ProviderError> {
        let Some(stack) = describe_stack(ctx, stack_id)? else {
            return Ok(None);
        };
        let status = status_of(&stack);
        if !in_progress(&status) {
            return Ok(Some(status));
        }
        progress(&format!(
            "the stack is {status} (an operation started earlier is still running); waiting for it to finish"
        ));
        let mut events = Events::new(ctx, stack_id);
        events.prime();
        Ok(wait_for_stack(ctx, &mut events, DEFAULT_OPERATION_TIMEOUT, progress)?.map(|s| status_of(&s)))
    }

    /// Creates (or finds again) the change set of an update; `None` when CloudFormation finds
    /// nothing to change.
    ///
    /// The change set is addressed by stack name, which is unique among live stacks (and the
    /// only form some CloudFormation implementations accept); its name derives from the stack
    /// ID and the desired inputs, so planning the same change again finds the same change set.
    pub(super) fn change_set(
        &self,
        ctx: &Ctx,
        stack_id: &str,
        stack_name: &str,
        desired: &Desired,
    ) -> Result<Option<String>, ProviderError> {
        let name = format!("infinstor-{}", short_hash(&[stack_id, &desired.digest]));
        let op = format!("creating CloudFormation change set {name} for stack {stack_name}");
        let create = || {
            call(
                ctx,
                &op,
                ctx.cloudformation
                    .create_change_set()
                    .stack_name(stack_name)
                    .change_set_name(&name)
                    .change_set_type(ChangeSetType::Update)
                    .description("Planned by infinstor")
                    .set_template_body(desired.template_body.clone())
                    .set_template_url(desired.template_url.clone())
                    .set_parameters(Some(desired.parameters.clone()))
                    .set_capabilities(Some(desired.capabilities.clone()))
                    .set_tags(Some(desired.tags.clone()))
                    .set_notification_arns(Some(desired.notification_arns.clone()))
                    .set_role_arn(desired.role_arn.clone())
                    .send(),
            )
        };
        // The same plan made before (a plan, then the apply's final plan) has its change set
        // already: reuse it while it is still current.
        let existing = call(
            ctx,
            &op,
            ctx.cloudformation
                .describe_change_set()
                .stack_name(stack_name)
                .change_set_name(&name)
                .send(),
        );
        let mut arn = None;
        if let Ok(existing) = existing {
            let usable = matches!(
                existing.status(),
                Some(ChangeSetStatus::CreateInProgress | ChangeSetStatus::CreatePending)
            ) || (existing.status() == Some(&ChangeSetStatus::CreateComplete)
                && existing.execution_status() == Some(&ExecutionStatus::Available));
            match existing.change_set_id() {
                Some(id) if usable => arn = Some(id.to_string()),
                Some(id) => {
                    call(
                        ctx,
                        &op,
                        ctx.cloudformation.delete_change_set().change_set_name(id).send(),
                    )?;
                }
                None => {}
            }
        }
        if arn.is_none() {
            arn = match create() {
                Ok(out) => out.id().map(str::to_string),
                Err(e) if no_updates(&e) => return Ok(None),
                Err(e) => return Err(e),
            };
        }
        let arn =
            arn.ok_or_else(|| ProviderError::new("InvalidResponse", format!("{op}: no change set ID returned")))?;
        let waited = Waiter::new(format!("change set {arn}"), CHANGE_SET_TIMEOUT)
            .delays(Duration::from_millis(500), Duration::from_secs(5))
            .timeout_message(|_| {
                format!(
                    "{op}: the change set was not ready after {} minutes",
                    CHANGE_SET_TIMEOUT.as_secs() / 60
                )
            })
            .wait(|| {
                let out = call(
                    ctx,
                    &format!("reading CloudFormation change set {arn}"),
                    ctx.cloudformation.describe_change_set().change_set_name(&arn).send(),
                )?;
                match out.status() {
                    Some(ChangeSetStatus::CreateComplete) => Ok(Poll::Ready(Some(arn.clone()))),
                    Some(ChangeSetStatus::Failed) => {
                        let reason = out.status_reason().unwrap_or_default();
                        if reason.contains("didn't contain changes")
                            || reason.contains("No updates are to be performed")
                        {
                            // Nothing to execute: leave no clutter on the stack.
                            let _ = call(
                                ctx,
                                &op,
                                ctx.cloudformation.delete_change_set().change_set_name(&arn).send(),
                            );
                            return Ok(Poll::Ready(None));
                        }
                        Err(ProviderError::new(
                            "ChangeSetFailed",
                            format!("{op}: CloudFormation could not compute the update: {reason}"),
                        ))
                    }
                    other => Ok(Poll::Pending(other.map(|s| s.as_str().to_string()).unwrap_or_default())),
                }
            });
        waited
    }

    /// The reviewer lines of a change set: one per resource change.
    pub(super) fn change_lines(&self, ctx: &Ctx, arn: &str) -> Result<Vec<String>, ProviderError> {
        let mut lines = Vec::new();
        let mut token: Option<String> = None;
        loop {
            let out = call(
                ctx,
                &format!("reading CloudFormation change set {arn}"),
                ctx.cloudformation
                    .describe_change_set()
                    .change_set_name(arn)
                    .set_next_token(token.clone())
                    .send(),
            )?;
            for change in out.changes() {
                let Some(rc) = change.resource_change() else { continue };
                let mut line = format!(
                    "CloudFormation: {} {} {}",
                    rc.action().map(|a| a.as_str()).unwrap_or("Change"),
                    rc.resource_type().unwrap_or("?"),
                    rc.logical_resource_id().unwrap_or("?"),
                );
                if let Some(r) = rc.replacement() {
                    line.push_str(&format!(" (Replacement: {})", r.as_str()));
                }
                lines.push(line);
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        if lines.is_empty() {
            lines.push(
                "CloudFormation: no resource changes (only parameters, outputs or stack settings change)".to_string(),
            );
        }
        Ok(lines)
    }

    /// The state after an update that failed: what AWS has now, or the prior state.
    pub(super) fn after_failure(
        &self,
        ctx: &Ctx,
        id: &str,
        prior: &Value,
        planned: &Value,
        err: ProviderError,
    ) -> ApplyOutcome {
        match self.fetch(ctx, id, planned, false) {
            Ok(Some(now)) => ApplyOutcome::partial(now, err),
            Ok(None) => ApplyOutcome::failed(err),
            Err(_) => ApplyOutcome::partial(prior.clone(), err),
        }
    }

    pub(super) fn apply_policy(
        &self,
        ctx: &Ctx,
        id: &str,
        prior: &Value,
        planned: &Value,
    ) -> Result<(), ProviderError> {
        let new = planned.get("policy_body");
        let Some(body) = new.as_str() else { return Ok(()) };
        let same = prior
            .get("policy_body")
            .as_str()
            .is_some_and(|old| crate::support::policy::equivalent(old, body));
        if same {
            return Ok(());
        }
        call(
            ctx,
            &format!("setting the stack policy of CloudFormation Stack ({id})"),
            ctx.cloudformation
                .set_stack_policy()
                .stack_name(id)
                .stack_policy_body(body)
                .send(),
        )
        .map(|_| ())
    }
}

impl Stack {
    /// Starts executing the planned change set. `Ok(false)`: nothing was started.
    pub(super) fn execute(&self, ctx: &Ctx, name: &str, arn: &str) -> Result<bool, ProviderError> {
        let op = format!("executing change set {arn} on CloudFormation Stack ({name})");
        let cs = match call(
            ctx,
            &op,
            ctx.cloudformation.describe_change_set().change_set_name(arn).send(),
        ) {
            Ok(cs) => cs,
            Err(e) if e.code == "ChangeSetNotFound" || e.code == "ChangeSetNotFoundException" || stack_gone(&e) => {
                return Err(ProviderError::new(
                    "ChangeSetNotFound",
                    format!(
                        "{op}: the change set this update was planned with no longer exists (CloudFormation \
                         deletes change sets once the stack changes). Run plan again."
                    ),
                ))
            }
            Err(e) => return Err(e),
        };
        let executable = cs.status() == Some(&ChangeSetStatus::CreateComplete)
            && cs.execution_status() == Some(&ExecutionStatus::Available);
        if !executable {
            return Err(ProviderError::new(
                "ChangeSetNotExecutable",
                format!(
                    "{op}: the planned change set is {} / {}{}; it can no longer be executed (the stack changed \
                     since the plan). Run plan again.",
                    cs.status().map(|s| s.as_str()).unwrap_or("?"),
                    cs.execution_status().map(|s| s.as_str()).unwrap_or("?"),
                    cs.status_reason().map(|r| format!(": {r}")).unwrap_or_default()
                ),
            ));
        }
        let token = format!("infinstor-execute-{}", short_hash(&[arn]));
        call(
            ctx,
            &op,
            ctx.cloudformation
                .execute_change_set()
                .change_set_name(arn)
                .client_request_token(token)
                .send(),
        )?;
        Ok(true)
    }

    /// Starts an UpdateStack. `Ok(false)`: CloudFormation found nothing to update.
    pub(super) fn update_stack(&self, ctx: &Ctx, id: &str, name: &str, planned: &Value) -> Result<bool, ProviderError> {
        let desired = Desired::from(planned);
        // The stack's last change is part of the token, so that the same update made again
        // later is a new request while a retried request stays the same.
        let last = describe_stack(ctx, id)?
            .and_then(|s| {
                s.last_updated_time()
                    .or(s.creation_time())
                    .map(|t| t.secs().to_string())
            })
            .unwrap_or_default();
        let token = format!("infinstor-update-{}", short_hash(&[id, &last, &desired.digest]));
        let result = call(
            ctx,
            &format!("updating CloudFormation Stack ({name})"),
            ctx.cloudformation
                .update_stack()
                .stack_name(id)
                .set_template_body(desired.template_body.clone())
                .set_template_url(desired.template_url.clone())
                .set_parameters(Some(desired.parameters.clone()))
                .set_capabilities(Some(desired.capabilities.clone()))
                .set_tags(Some(desired.tags.clone()))
                .set_notification_arns(Some(desired.notification_arns.clone()))
                .set_role_arn(desired.role_arn.clone())
                .client_request_token(token)
                .send(),
        );
        match result {
            Ok(_) => Ok(true),
            Err(e) if no_updates(&e) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The stack ID of an existing stack named `name` when it was created by this very request
    /// (an earlier run sent it and was interrupted), so it can be waited for and adopted.
    pub(super) fn adoptable(&self, ctx: &Ctx, name: &str, token: &str) -> Option<String> {
        let stack = describe_stack(ctx, name).ok()??;
        let id = stack.stack_id()?.to_string();
        let out = call(
            ctx,
            "listing CloudFormation stack events",
            ctx.cloudformation.describe_stack_events().stack_name(&id).send(),
        )
        .ok()?;
        out.stack_events()
            .iter()
            .any(|e| e.client_request_token() == Some(token))
            .then_some(id)
    }
}
