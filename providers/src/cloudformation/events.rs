//! Stack operations: describing, streaming events, waiting.

use crate::cloudformation::{clock, stack_gone, DEFAULT_OPERATION_TIMEOUT};
use crate::resource::Ctx;
use crate::support::attrs::call;
use crate::support::wait::{Poll, Waiter};
use aws_sdk_cloudformation::types::StackEvent;
use engine::core::provider::ProviderError;
use engine::core::value::Value;
use std::collections::HashSet;
use std::time::{Duration, Instant};

pub(super) fn status_of(stack: &aws_sdk_cloudformation::types::Stack) -> String {
    stack.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default()
}

/// True while CloudFormation is working on the stack. `REVIEW_IN_PROGRESS` (a stack created by
/// a change set that was never executed) waits for a person, not for CloudFormation.
pub(super) fn in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

pub(super) fn describe_stack(
    ctx: &Ctx,
    id: &str,
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, ProviderError> {
    match call(
        ctx,
        &format!("reading CloudFormation Stack ({id})"),
        ctx.cloudformation.describe_stacks().stack_name(id).send(),
    ) {
        Ok(out) => Ok(out.stacks().first().cloned()),
        Err(e) if stack_gone(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The events of one stack operation, streamed as they appear.
pub(super) struct Events<'a> {
    pub(super) ctx: &'a Ctx,
    pub(super) stack: String,
    pub(super) seen: HashSet<String>,
    /// The first failed event of the operation: `(logical id, type, reason)`.
    pub(super) first_failure: Option<(String, String, String)>,
}

impl<'a> Events<'a> {
    pub(super) fn new(ctx: &'a Ctx, stack: &str) -> Events<'a> {
        Events {
            ctx,
            stack: stack.to_string(),
            seen: HashSet::new(),
            first_failure: None,
        }
    }

    /// Marks the events that exist now as seen, so that only the coming operation's are shown.
    pub(super) fn prime(&mut self) {
        // A stack whose events cannot be listed is still operated on; only the streaming is lost.
        if let Ok(out) = call(
            self.ctx,
            "listing CloudFormation stack events",
            self.ctx
                .cloudformation
                .describe_stack_events()
                .stack_name(&self.stack)
                .send(),
        ) {
            for e in out.stack_events() {
                if let Some(id) = e.event_id() {
                    self.seen.insert(id.to_string());
                }
            }
        }
    }

    /// The events not seen yet, oldest first. CloudFormation lists them newest first, so pages
    /// are read until an event already seen.
    fn poll(&mut self) -> Vec<StackEvent> {
        let mut fresh = Vec::new();
        let mut token: Option<String> = None;
        for _ in 0..20 {
            let Ok(out) = call(
                self.ctx,
                "listing CloudFormation stack events",
                self.ctx
                    .cloudformation
                    .describe_stack_events()
                    .stack_name(&self.stack)
                    .set_next_token(token.clone())
                    .send(),
            ) else {
                break;
            };
            let mut reached_seen = false;
            for e in out.stack_events() {
                let id = e.event_id().unwrap_or_default().to_string();
                if self.seen.contains(&id) {
                    reached_seen = true;
                    break;
                }
                fresh.push(e.clone());
            }
            token = out.next_token().map(str::to_string);
            if reached_seen || token.is_none() {
                break;
            }
        }
        fresh.reverse();
        for e in &fresh {
            if let Some(id) = e.event_id() {
                self.seen.insert(id.to_string());
            }
            let status = e.resource_status().map(|s| s.as_str()).unwrap_or_default();
            let reason = e.resource_status_reason().unwrap_or_default();
            if self.first_failure.is_none() && status.ends_with("_FAILED") && !reason.is_empty() {
                self.first_failure = Some((
                    e.logical_resource_id().unwrap_or_default().to_string(),
                    e.resource_type().unwrap_or_default().to_string(),
                    reason.to_string(),
                ));
            }
        }
        fresh
    }
}

/// One progress line for a stack event: time, status, resource type, logical ID, reason.
pub(super) fn event_line(e: &StackEvent) -> String {
    let mut line = format!(
        "{} {} {} {}",
        clock(e.timestamp()),
        e.resource_status().map(|s| s.as_str()).unwrap_or("?"),
        e.resource_type().unwrap_or("?"),
        e.logical_resource_id().unwrap_or("?"),
    );
    if let Some(reason) = e.resource_status_reason().filter(|r| !r.is_empty()) {
        line.push_str(": ");
        line.push_str(reason);
    }
    line
}

/// Waits until the stack leaves its `*_IN_PROGRESS` status, streaming new events through
/// `progress`. Polls every second at first, backing off to every five seconds. `Ok(None)`: the
/// stack is gone (deleted).
pub(super) fn wait_for_stack(
    ctx: &Ctx,
    events: &mut Events<'_>,
    timeout: Duration,
    progress: &dyn Fn(&str),
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, ProviderError> {
    // The events are the progress; a status line only after 30 s without any.
    let mut last_report = Instant::now();
    let stack_name = events.stack.clone();
    let waited = Waiter::new(format!("CloudFormation Stack ({stack_name})"), timeout)
        .delays(Duration::from_secs(1), Duration::from_secs(5))
        .timeout_message(|status| {
            format!(
                "CloudFormation Stack ({stack_name}) is still {status} after {} minutes. The operation continues \
                     in AWS; run apply again to wait for it to finish.",
                timeout.as_secs() / 60
            )
        })
        .wait(|| {
            let mut reported = false;
            for e in events.poll() {
                progress(&event_line(&e));
                reported = true;
            }
            let Some(stack) = describe_stack(ctx, &events.stack)? else {
                return Ok(Poll::Ready(None));
            };
            let status = status_of(&stack);
            if !in_progress(&status) {
                // The events that led to the final status may have appeared since the last poll.
                for e in events.poll() {
                    progress(&event_line(&e));
                }
                return Ok(Poll::Ready(Some(stack)));
            }
            if reported {
                last_report = Instant::now();
            } else if last_report.elapsed() >= Duration::from_secs(30) {
                progress(&format!("stack is {status}; still waiting"));
                last_report = Instant::now();
            }
            Ok(Poll::Pending(status))
        });
    waited
}

/// What a final status means for the stack, in words a user can act on.
pub(super) fn outcome(status: &str, name: &str) -> String {
    match status {
        "ROLLBACK_COMPLETE" => "The create was rolled back and every resource it made was deleted. A stack in \
             ROLLBACK_COMPLETE cannot be updated: the next plan replaces it (deletes and creates it again)."
            .to_string(),
        "ROLLBACK_FAILED" => "The rollback failed too, so some resources may be left over. Check the stack's events, \
             fix the cause, and run apply again: the next plan replaces the stack."
            .to_string(),
        "CREATE_FAILED" => "on_failure = \"DO_NOTHING\" left the resources created so far in place for inspection; \
             the next plan replaces the stack."
            .to_string(),
        "DELETE_COMPLETE" => "on_failure = \"DELETE\" deleted the stack.".to_string(),
        "UPDATE_ROLLBACK_COMPLETE" => "The update was rolled back: the stack is back to its previous template and \
             parameters."
            .to_string(),
        "UPDATE_ROLLBACK_FAILED" => format!(
            "The rollback failed too. The stack must be recovered with \
             `aws cloudformation continue-update-rollback --stack-name {name}` before it can be updated again."
        ),
        "DELETE_FAILED" => "Some resources could not be deleted (a non-empty S3 bucket, say). Fix the cause or \
             delete them yourself, then run apply again."
            .to_string(),
        other => format!("The stack is {other}."),
    }
}

/// The error for an operation that ended in `status`: the first failed event's reason and how
/// the rollback ended.
pub(super) fn failure(
    op: &str,
    name: &str,
    status: &str,
    events: &Events<'_>,
    stack_reason: Option<&str>,
) -> ProviderError {
    failure_error(op, name, status, events.first_failure.as_ref(), stack_reason)
}

/// [`failure`] from the first failed event `(logical id, type, reason)`.
pub(super) fn failure_error(
    op: &str,
    name: &str,
    status: &str,
    first_failure: Option<&(String, String, String)>,
    stack_reason: Option<&str>,
) -> ProviderError {
    let cause = match first_failure {
        Some((id, ty, reason)) => format!("{id} ({ty}) failed: {reason}"),
        None => stack_reason
            .filter(|r| !r.is_empty())
            .map(str::to_string)
            .unwrap_or_else(|| "CloudFormation reported no reason".to_string()),
    };
    ProviderError::new(
        status.to_string(),
        format!(
            "{op} CloudFormation Stack ({name}): {cause}\nThe stack is now {status}. {}",
            outcome(status, name)
        ),
    )
}

/// How long `operation` (`create`, `update`, `delete`) of a stack is waited for: the `timeouts`
/// block's, else a little longer than the stack's own `timeout_in_minutes`, else two hours.
pub(super) fn operation_timeout(planned: &Value, operation: &str) -> Duration {
    let default = match planned.get("timeout_in_minutes").as_f64() {
        // CloudFormation enforces the stack's own timeout; a little longer covers the rollback.
        Some(m) if m > 0.0 => Duration::from_secs((m as u64) * 60 + 30 * 60),
        _ => DEFAULT_OPERATION_TIMEOUT,
    };
    crate::support::timeouts::limit(planned, operation, default)
}
