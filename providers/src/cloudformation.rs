//! CloudFormation: the `aws_cloudformation_stack` resource and the `aws_cloudformation_stack`
//! and `aws_cloudformation_export` data sources.
//!
//! A stack is a deployment of its own, so the resource does more than a plain API wrapper:
//!
//! * An update is planned as a CloudFormation change set (created while planning, executed at
//!   apply), so the reviewer sees CloudFormation's own resource-level changes under the diff
//!   and apply executes exactly what was reviewed.
//! * While a stack operation runs, new stack events are streamed as progress lines; a failure
//!   reports the first failed event's reason and how the rollback ended.
//! * Every mutating call carries a deterministic `ClientRequestToken`, so a retried request is
//!   recognised by CloudFormation instead of starting a second operation.
//! * A stack left `*_IN_PROGRESS` by an interrupted run is waited for, not failed; a stack that
//!   cannot be updated any more (`ROLLBACK_COMPLETE` after a failed create, ...) is planned for
//!   replacement through the computed `stack_status` attribute.
//!
//! Templates are compared semantically: JSON templates as JSON, YAML templates through a small
//! YAML reader ([`yaml`]) that covers what CloudFormation templates use (block and flow
//! collections, plain and quoted scalars, block scalars, comments, the short-form intrinsic
//! function tags such as `!Ref` and `!GetAtt`). It does not support anchors and aliases, merge
//! keys, complex keys or several documents in one file; a YAML template using them is still
//! deployed, but it is then compared as text and its `parameters` are not checked while
//! validating.

use crate::resource::{ApplyOutcome, Ctx, DataType, ResourceType};
use crate::support::attrs::{
    call, finish, get, into_state, invalid, map_of_strings, map_value, problem, set_of_strings, sref, string_set, State,
};
use crate::support::tags::{split_tags_by, tags_all_by};
use crate::support::wait::backoff;
use aws_sdk_cloudformation::types::{
    Capability, ChangeSetStatus, ChangeSetType, ExecutionStatus, OnFailure, Parameter, StackEvent, Tag,
};
use engine::core::provider::{ProviderError, ValidateProblem};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use serde_json::Value as Json;
use sha2::Digest as _;
use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

/// Every managed resource type of this service.
pub(crate) fn resources() -> Vec<Box<dyn ResourceType>> {
    vec![Box::new(Stack)]
}

/// Every data source of this service.
pub(crate) fn data_sources() -> Vec<Box<dyn DataType>> {
    vec![Box::new(StackData), Box::new(ExportData)]
}

const STACK: &str = "aws_cloudformation_stack";

/// Statuses from which a stack can no longer be updated: the only way forward is to delete it
/// and create it again.
const NOT_UPDATABLE: [&str; 5] = [
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "CREATE_FAILED",
    "DELETE_FAILED",
    "REVIEW_IN_PROGRESS",
];

/// How long a stack operation is waited for when the stack sets no `timeout_in_minutes`.
const DEFAULT_OPERATION_TIMEOUT: Duration = Duration::from_secs(2 * 60 * 60);

/// How long a change set may take to be computed while planning.
const CHANGE_SET_TIMEOUT: Duration = Duration::from_secs(10 * 60);

// ---------------------------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------------------------

/// CloudFormation reports a missing stack as a `ValidationError` that says so.
fn stack_gone(e: &ProviderError) -> bool {
    e.code == "ValidationError" && e.message.contains("does not exist")
}

fn no_updates(e: &ProviderError) -> bool {
    e.code == "ValidationError" && e.message.contains("No updates are to be performed")
}

/// The entries of a map of strings; numbers and booleans are converted as Terraform does.
fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_map()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| scalar_string(v).map(|s| (k.clone(), s)))
                .collect()
        })
        .unwrap_or_default()
}

/// A parameter value as CloudFormation takes it: lists become comma-delimited strings.
fn scalar_string(v: &Value) -> Option<String> {
    match v.unmark().0 {
        Value::List(items) => items
            .iter()
            .map(Value::to_template_string)
            .collect::<Option<Vec<_>>>()
            .map(|parts| parts.join(",")),
        other => other.to_template_string(),
    }
}

/// A set as state keeps it: sorted; `Null` when empty and the prior had none, because AWS does
/// not tell an empty set from an absent one.
fn set_state(items: &[String], prior: &Value) -> Value {
    if items.is_empty() && prior.is_null() {
        return Value::Null;
    }
    let mut sorted = items.to_vec();
    sorted.sort();
    sorted.dedup();
    Value::List(sorted.into_iter().map(Value::String).collect())
}

/// A short, stable digest of `parts`, for change set names and request tokens.
fn short_hash(parts: &[&str]) -> String {
    let mut hasher = sha2::Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0u8]);
    }
    hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `HH:MM:SS` (UTC) of an AWS timestamp.
fn clock(dt: Option<&aws_smithy_types::DateTime>) -> String {
    match dt {
        Some(dt) => {
            let s = dt.secs().rem_euclid(86_400);
            format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
        }
        None => "--:--:--".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// Templates
// ---------------------------------------------------------------------------------------------

/// Parses a template: JSON when it starts with `{`, YAML (the subset of [`yaml`]) otherwise.
/// A template is a mapping: anything else (a bare string, say) is not a template.
fn parse_template(body: &str) -> Result<Json, String> {
    let parsed = if body.trim_start().starts_with('{') {
        serde_json::from_str(body).map_err(|e| format!("the template is not valid JSON: {e}"))?
    } else {
        yaml::parse(body)?
    };
    match parsed {
        Json::Object(_) => Ok(parsed),
        _ => Err("the template must be a JSON object or a YAML mapping".to_string()),
    }
}

/// True when two template bodies mean the same (key order, whitespace, comments and JSON
/// versus YAML notation do not matter).
fn templates_equivalent(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    match (parse_template(a), parse_template(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// The template body to record after reading `remote`: the prior string when it means the same,
/// so that formatting never shows as drift. A body that cannot be parsed at all cannot be
/// compared and keeps the prior too, rather than showing a change nobody made.
fn keep_prior_template(prior: &Value, remote: &str) -> Value {
    match prior.as_str() {
        Some(p) if templates_equivalent(p, remote) => Value::string(p),
        Some(p) if parse_template(remote).is_err() && parse_template(p).is_ok() => Value::string(p),
        _ => Value::string(remote),
    }
}

fn json_scalar_string(v: &Json) -> Option<String> {
    match v {
        Json::String(s) => Some(s.clone()),
        Json::Number(n) => Some(
            n.as_f64()
                .map(engine::core::value::format_number)
                .unwrap_or_else(|| n.to_string()),
        ),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn json_number(v: &Json) -> Option<f64> {
    match v {
        Json::Number(n) => n.as_f64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// The `Parameters` section of a template, when the template can be read.
fn template_parameters(body: &str) -> Option<serde_json::Map<String, Json>> {
    let template = parse_template(body).ok()?;
    match template.get("Parameters") {
        Some(Json::Object(p)) => Some(p.clone()),
        _ => Some(serde_json::Map::new()),
    }
}

/// Checks configured stack parameters against the template's `Parameters` section.
fn check_parameters(declared: &serde_json::Map<String, Json>, params: &Value) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    if params.is_unknown() {
        return out;
    }
    let empty = BTreeMap::new();
    let given = params.as_map().unwrap_or(&empty);
    let names: Vec<&str> = declared.keys().map(String::as_str).collect();
    for name in given.keys() {
        if declared.contains_key(name) {
            continue;
        }
        let known = if names.is_empty() {
            "the template declares no parameters".to_string()
        } else {
            format!("the template declares: {}", names.join(", "))
        };
        let hint = names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(name))
            .map(|n| format!("; did you mean \"{n}\"?"))
            .unwrap_or_default();
        out.push(problem(
            &format!("parameters.{name}"),
            format!("parameter \"{name}\" is not declared in the template's Parameters section ({known}){hint}"),
        ));
    }
    for (name, decl) in declared {
        match given.get(name) {
            None => {
                if decl.get("Default").is_none() {
                    out.push(problem(
                        &format!("parameters.{name}"),
                        format!(
                            "parameter \"{name}\" is required: the template gives it no Default, so set it in \
                             `parameters` ({name} = \"...\")"
                        ),
                    ));
                }
            }
            Some(v) if v.contains_unknown() => {}
            Some(v) => {
                let Some(text) = scalar_string(v) else {
                    out.push(problem(
                        &format!("parameters.{name}"),
                        format!("parameter \"{name}\" must be a string, number or list of strings"),
                    ));
                    continue;
                };
                let secret = v.contains_sensitive()
                    || decl
                        .get("NoEcho")
                        .and_then(json_scalar_string)
                        .is_some_and(|s| s.eq_ignore_ascii_case("true"));
                if let Some(message) = check_parameter_value(name, decl, &text, secret) {
                    out.push(problem(&format!("parameters.{name}"), message));
                }
            }
        }
    }
    out
}

/// The first constraint of a parameter declaration that `value` breaks, as a message.
fn check_parameter_value(name: &str, decl: &Json, value: &str, secret: bool) -> Option<String> {
    let ty = decl.get("Type").and_then(Json::as_str).unwrap_or("String");
    // The value of an SSM parameter type is the SSM parameter's name, not the value the
    // constraints are about.
    if ty.starts_with("AWS::SSM::Parameter") {
        return None;
    }
    let is_list = ty == "CommaDelimitedList" || ty.starts_with("List<");
    let is_number = ty == "Number" || ty == "List<Number>";
    let shown = |item: &str| {
        if secret {
            "the value".to_string()
        } else {
            format!("{item:?}")
        }
    };
    let constraint = decl
        .get("ConstraintDescription")
        .and_then(Json::as_str)
        .map(|d| format!(" ({d})"))
        .unwrap_or_default();
    let items: Vec<&str> = if is_list {
        value.split(',').map(str::trim).collect()
    } else {
        vec![value]
    };
    for item in &items {
        if is_number && item.parse::<f64>().is_err() {
            return Some(format!(
                "parameter \"{name}\" has type {ty}, but {} is not a number{constraint}",
                shown(item)
            ));
        }
        if let Some(Json::Array(allowed)) = decl.get("AllowedValues") {
            let allowed: Vec<String> = allowed.iter().filter_map(json_scalar_string).collect();
            let ok = allowed.iter().any(|a| {
                a == item
                    || (is_number && a.parse::<f64>().ok() == item.parse::<f64>().ok() && a.parse::<f64>().is_ok())
            });
            if !ok {
                return Some(format!(
                    "parameter \"{name}\": {} is not one of the allowed values ({}){constraint}",
                    shown(item),
                    allowed.join(", ")
                ));
            }
        }
        if let Some(pattern) = decl.get("AllowedPattern").and_then(Json::as_str) {
            // CloudFormation matches the whole value; a pattern the regex crate cannot read
            // (Java-only syntax) is left to CloudFormation.
            if let Ok(re) = regex::Regex::new(&format!("^(?:{pattern})$")) {
                if !re.is_match(item) {
                    return Some(format!(
                        "parameter \"{name}\": {} does not match the allowed pattern {pattern}{constraint}",
                        shown(item)
                    ));
                }
            }
        }
        if is_number {
            let n = item.parse::<f64>().unwrap_or(f64::NAN);
            if let Some(min) = decl.get("MinValue").and_then(json_number) {
                if n < min {
                    return Some(format!(
                        "parameter \"{name}\": {} is less than the minimum value {}{constraint}",
                        shown(item),
                        engine::core::value::format_number(min)
                    ));
                }
            }
            if let Some(max) = decl.get("MaxValue").and_then(json_number) {
                if n > max {
                    return Some(format!(
                        "parameter \"{name}\": {} is greater than the maximum value {}{constraint}",
                        shown(item),
                        engine::core::value::format_number(max)
                    ));
                }
            }
        }
    }
    if !is_number {
        let len = value.chars().count() as f64;
        if let Some(min) = decl.get("MinLength").and_then(json_number) {
            if len < min {
                return Some(format!(
                    "parameter \"{name}\": {} is {} characters long, shorter than the minimum length {}{constraint}",
                    shown(value),
                    len,
                    engine::core::value::format_number(min)
                ));
            }
        }
        if let Some(max) = decl.get("MaxLength").and_then(json_number) {
            if len > max {
                return Some(format!(
                    "parameter \"{name}\": {} is {} characters long, longer than the maximum length {}{constraint}",
                    shown(value),
                    len,
                    engine::core::value::format_number(max)
                ));
            }
        }
    }
    None
}

// ---------------------------------------------------------------------------------------------
// Stack operations: describing, events, waiting
// ---------------------------------------------------------------------------------------------

fn status_of(stack: &aws_sdk_cloudformation::types::Stack) -> String {
    stack.stack_status().map(|s| s.as_str().to_string()).unwrap_or_default()
}

/// True while CloudFormation is working on the stack. `REVIEW_IN_PROGRESS` (a stack created by
/// a change set that was never executed) waits for a person, not for CloudFormation.
fn in_progress(status: &str) -> bool {
    status.ends_with("_IN_PROGRESS") && status != "REVIEW_IN_PROGRESS"
}

fn describe_stack(ctx: &Ctx, id: &str) -> Result<Option<aws_sdk_cloudformation::types::Stack>, ProviderError> {
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
struct Events<'a> {
    ctx: &'a Ctx,
    stack: String,
    seen: HashSet<String>,
    /// The first failed event of the operation: `(logical id, type, reason)`.
    first_failure: Option<(String, String, String)>,
}

impl<'a> Events<'a> {
    fn new(ctx: &'a Ctx, stack: &str) -> Events<'a> {
        Events {
            ctx,
            stack: stack.to_string(),
            seen: HashSet::new(),
            first_failure: None,
        }
    }

    /// Marks the events that exist now as seen, so that only the coming operation's are shown.
    fn prime(&mut self) {
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
fn event_line(e: &StackEvent) -> String {
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
fn wait_for_stack(
    ctx: &Ctx,
    events: &mut Events<'_>,
    timeout: Duration,
    progress: &dyn Fn(&str),
) -> Result<Option<aws_sdk_cloudformation::types::Stack>, ProviderError> {
    let start = Instant::now();
    let mut delay = Duration::from_secs(1);
    let mut last_report = Instant::now();
    loop {
        let mut reported = false;
        for e in events.poll() {
            progress(&event_line(&e));
            reported = true;
        }
        let stack = describe_stack(ctx, &events.stack)?;
        let Some(stack) = stack else { return Ok(None) };
        let status = status_of(&stack);
        if !in_progress(&status) {
            // The events that led to the final status may have appeared since the last poll.
            for e in events.poll() {
                progress(&event_line(&e));
            }
            return Ok(Some(stack));
        }
        if reported {
            last_report = Instant::now();
        } else if last_report.elapsed() >= Duration::from_secs(30) {
            progress(&format!("stack is {status}; still waiting"));
            last_report = Instant::now();
        }
        if start.elapsed() >= timeout {
            return Err(ProviderError::new(
                "Timeout",
                format!(
                    "CloudFormation Stack ({}) is still {status} after {} minutes. The operation continues \
                     in AWS; run apply again to wait for it to finish.",
                    events.stack,
                    timeout.as_secs() / 60
                ),
            ));
        }
        delay = backoff(delay, Duration::from_secs(5));
    }
}

/// What a final status means for the stack, in words a user can act on.
fn outcome(status: &str, name: &str) -> String {
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
fn failure(op: &str, name: &str, status: &str, events: &Events<'_>, stack_reason: Option<&str>) -> ProviderError {
    failure_error(op, name, status, events.first_failure.as_ref(), stack_reason)
}

/// [`failure`] from the first failed event `(logical id, type, reason)`.
fn failure_error(
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

fn operation_timeout(planned: &Value) -> Duration {
    match planned.get("timeout_in_minutes").as_f64() {
        // CloudFormation enforces the stack's own timeout; a little longer covers the rollback.
        Some(m) if m > 0.0 => Duration::from_secs((m as u64) * 60 + 30 * 60),
        _ => DEFAULT_OPERATION_TIMEOUT,
    }
}

// ---------------------------------------------------------------------------------------------
// What a create, update or change set sends
// ---------------------------------------------------------------------------------------------

/// The arguments a stack operation sends, from a planned state.
struct Desired {
    template_body: Option<String>,
    template_url: Option<String>,
    parameters: Vec<Parameter>,
    capabilities: Vec<Capability>,
    tags: Vec<Tag>,
    notification_arns: Vec<String>,
    role_arn: Option<String>,
    /// Digest of everything above, for change set names and request tokens.
    digest: String,
}

impl Desired {
    fn from(planned: &Value) -> Desired {
        let template_url = sref(planned, "template_url").map(str::to_string);
        // With a template_url, template_body only mirrors what the URL held at the last read.
        let template_body = match template_url {
            Some(_) => None,
            None => sref(planned, "template_body").map(str::to_string),
        };
        let params = string_map(&planned.get("parameters"));
        let parameters = params
            .iter()
            .map(|(k, v)| {
                // A NoEcho value read back from AWS is masked; keep whatever is set.
                if v == "****" {
                    Parameter::builder().parameter_key(k).use_previous_value(true).build()
                } else {
                    Parameter::builder().parameter_key(k).parameter_value(v).build()
                }
            })
            .collect();
        let caps = string_set(&planned.get("capabilities"));
        let tags_map = string_map(&planned.get("tags_all"));
        let notification_arns = string_set(&planned.get("notification_arns"));
        let role_arn = sref(planned, "iam_role_arn").map(str::to_string);
        let mut parts: Vec<String> = vec![
            template_body.clone().unwrap_or_default(),
            template_url.clone().unwrap_or_default(),
            role_arn.clone().unwrap_or_default(),
        ];
        parts.extend(params.iter().map(|(k, v)| format!("p:{k}={v}")));
        parts.extend(caps.iter().map(|c| format!("c:{c}")));
        parts.extend(tags_map.iter().map(|(k, v)| format!("t:{k}={v}")));
        parts.extend(notification_arns.iter().map(|n| format!("n:{n}")));
        let refs: Vec<&str> = parts.iter().map(String::as_str).collect();
        Desired {
            template_body,
            template_url,
            parameters,
            capabilities: caps.iter().map(|c| Capability::from(c.as_str())).collect(),
            tags: tags_map
                .iter()
                .map(|(k, v)| Tag::builder().key(k).value(v).build())
                .collect(),
            notification_arns,
            role_arn,
            digest: short_hash(&refs),
        }
    }
}

/// True when an update has to go through CloudFormation (not only `policy_body` or settings
/// that exist only at create).
fn stack_changes(prior: &Value, planned: &Value) -> bool {
    let template_changed = match (sref(prior, "template_body"), planned.get("template_body")) {
        (_, v) if v.is_unknown() => true,
        (Some(p), v) => v.as_str().is_some_and(|n| !templates_equivalent(p, n)),
        (None, v) => !v.is_null(),
    };
    let differs = |key: &str| {
        let n = planned.get(key);
        n.contains_unknown() || n.deep_unmark() != prior.get(key).deep_unmark()
    };
    let set_differs = |key: &str| {
        let n = planned.get(key);
        n.contains_unknown() || string_set(&n) != string_set(&prior.get(key))
    };
    let map_differs = |key: &str| {
        let n = planned.get(key);
        n.contains_unknown() || string_map(&n) != string_map(&prior.get(key))
    };
    template_changed
        || differs("template_url")
        || differs("iam_role_arn")
        || map_differs("parameters")
        || map_differs("tags_all")
        || set_differs("capabilities")
        || set_differs("notification_arns")
}

// ---------------------------------------------------------------------------------------------
// aws_cloudformation_stack
// ---------------------------------------------------------------------------------------------

struct Stack;

fn stack_schema() -> Schema {
    Schema::new()
        .attr("id", Attribute::computed(Type::String))
        .attr("name", Attribute::required(Type::String).force_new())
        .attr("template_body", Attribute::optional_computed(Type::String).json())
        .attr("template_url", Attribute::optional(Type::String))
        .attr("parameters", Attribute::optional(map_of_strings()))
        .attr("capabilities", Attribute::optional(set_of_strings()))
        .attr("on_failure", Attribute::optional(Type::String).force_new())
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
}

impl Stack {
    /// Reads a stack by name or ID; waits first when an operation is still running on it.
    /// `import`: the prior is empty, so every parameter AWS reports is kept.
    fn fetch(&self, ctx: &Ctx, id: &str, prior: &Value, import: bool) -> Result<Option<Value>, ProviderError> {
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
                .map(|m| Value::Number(f64::from(m)))
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
                Some(old) if engine::plan::policy::equivalent(old, remote) => Value::string(old),
                _ => Value::string(remote),
            },
            (None, _) => Value::Null,
        };
        st.insert("policy_body".into(), policy);
        Ok(Some(finish(&stack_schema(), st)))
    }

    /// Waits for an operation an earlier, interrupted run left running on the stack.
    fn settle(&self, ctx: &Ctx, stack_id: &str, progress: &dyn Fn(&str)) -> Result<Option<String>, ProviderError> {
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
    fn change_set(
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
        let start = Instant::now();
        let mut delay = Duration::from_millis(500);
        loop {
            let out = call(
                ctx,
                &format!("reading CloudFormation change set {arn}"),
                ctx.cloudformation.describe_change_set().change_set_name(&arn).send(),
            )?;
            match out.status() {
                Some(ChangeSetStatus::CreateComplete) => return Ok(Some(arn)),
                Some(ChangeSetStatus::Failed) => {
                    let reason = out.status_reason().unwrap_or_default();
                    if reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                        // Nothing to execute: leave no clutter on the stack.
                        let _ = call(
                            ctx,
                            &op,
                            ctx.cloudformation.delete_change_set().change_set_name(&arn).send(),
                        );
                        return Ok(None);
                    }
                    return Err(ProviderError::new(
                        "ChangeSetFailed",
                        format!("{op}: CloudFormation could not compute the update: {reason}"),
                    ));
                }
                _ => {}
            }
            if start.elapsed() > CHANGE_SET_TIMEOUT {
                return Err(ProviderError::new(
                    "Timeout",
                    format!(
                        "{op}: the change set was not ready after {} minutes",
                        CHANGE_SET_TIMEOUT.as_secs() / 60
                    ),
                ));
            }
            delay = backoff(delay, Duration::from_secs(5));
        }
    }

    /// The reviewer lines of a change set: one per resource change.
    fn change_lines(&self, ctx: &Ctx, arn: &str) -> Result<Vec<String>, ProviderError> {
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
    fn after_failure(&self, ctx: &Ctx, id: &str, prior: &Value, planned: &Value, err: ProviderError) -> ApplyOutcome {
        match self.fetch(ctx, id, planned, false) {
            Ok(Some(now)) => (Some(now), Some(err)),
            Ok(None) => (None, Some(err)),
            Err(_) => (Some(prior.clone()), Some(err)),
        }
    }

    fn apply_policy(&self, ctx: &Ctx, id: &str, prior: &Value, planned: &Value) -> Result<(), ProviderError> {
        let new = planned.get("policy_body");
        let Some(body) = new.as_str() else { return Ok(()) };
        let same = prior
            .get("policy_body")
            .as_str()
            .is_some_and(|old| engine::plan::policy::equivalent(old, body));
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
        if !body.is_null() && !url.is_null() {
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
        if !config.get("on_failure").is_null() && !config.get("disable_rollback").is_null() {
            out.push(problem(
                "on_failure",
                "`on_failure` and `disable_rollback` conflict: use on_failure = \"DO_NOTHING\" instead of \
                 disable_rollback = true",
            ));
        }
        if let Some(v) = config.get("on_failure").as_str() {
            if !["DO_NOTHING", "ROLLBACK", "DELETE"].contains(&v) {
                out.push(problem(
                    "on_failure",
                    format!("on_failure must be DO_NOTHING, ROLLBACK or DELETE, not {v:?}"),
                ));
            }
        }
        for cap in string_set(&config.get("capabilities")) {
            if !["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"].contains(&cap.as_str()) {
                out.push(problem(
                    "capabilities",
                    format!(
                        "unknown capability {cap:?}: use CAPABILITY_IAM, CAPABILITY_NAMED_IAM or CAPABILITY_AUTO_EXPAND"
                    ),
                ));
            }
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
        out
    }

    fn plan(&self, ctx: &Ctx, prior: Option<&Value>, proposed: Value) -> Result<(Value, Vec<String>), ProviderError> {
        let mut st = into_state(&proposed);
        st.insert("tags_all".into(), tags_all_by(string_map, ctx, get(&st, "tags")));
        let mut replace = Vec::new();
        match prior {
            None => {
                for key in ["id", "outputs", "stack_status"] {
                    st.insert(key.to_string(), Value::Unknown);
                }
                if get(&st, "template_body").is_null() || !get(&st, "template_url").is_null() {
                    st.insert("template_body".into(), Value::Unknown);
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
                        st.insert("parameters".into(), Value::Map(merged));
                    }
                }
                if !get(&st, "template_url").is_null()
                    && get(&st, "template_url").deep_unmark() != prior.get("template_url").deep_unmark()
                {
                    st.insert("template_body".into(), Value::Unknown);
                }
                // A template that means the same (a YAML template with other comments or
                // indentation, which the engine compares as text) is no change.
                if let (Some(old), Some(new)) = (sref(prior, "template_body"), get(&st, "template_body").as_str()) {
                    if old != new && templates_equivalent(old, new) {
                        st.insert("template_body".into(), Value::string(old));
                    }
                }
                let planned = Value::Map(st.clone());
                if stuck {
                    st.insert("stack_status".into(), Value::Unknown);
                    st.insert("outputs".into(), Value::Unknown);
                    st.insert("id".into(), Value::Unknown);
                    replace.push("stack_status".to_string());
                } else if stack_changes(prior, &planned) {
                    st.insert("stack_status".into(), Value::Unknown);
                    st.insert("outputs".into(), Value::Unknown);
                }
            }
        }
        Ok((Value::Map(st), replace))
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

    fn create(&self, ctx: &Ctx, planned: &Value, intent: &dyn Fn(&str), progress: &dyn Fn(&str)) -> ApplyOutcome {
        self.create_planned(ctx, planned, None, intent, progress)
    }

    fn create_planned(
        &self,
        ctx: &Ctx,
        planned: &Value,
        _private: Option<&str>,
        intent: &dyn Fn(&str),
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let Some(name) = sref(planned, "name") else {
            return (None, Some(invalid("creating CloudFormation Stack: name is required")));
        };
        let desired = Desired::from(planned);
        if desired.template_body.is_none() && desired.template_url.is_none() {
            return (
                None,
                Some(invalid(format!(
                    "creating CloudFormation Stack ({name}): template_body or template_url is required"
                ))),
            );
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
                    return (
                        None,
                        Some(ProviderError::new(
                            e.code.clone(),
                            format!(
                                "{}\n\nA stack named {name} already exists in this account and region. Import it \
                                 (import ID: the stack name or ID) or choose another name.",
                                e.message
                            ),
                        )),
                    )
                }
            },
            Err(e) => return (None, Some(e)),
        };
        let mut events = Events::new(ctx, &stack_id);
        let waited = wait_for_stack(ctx, &mut events, operation_timeout(planned), progress);
        let state = self.fetch(ctx, &stack_id, planned, false);
        match (waited, state) {
            (Ok(Some(stack)), Ok(state)) => {
                let status = status_of(&stack);
                if status == "CREATE_COMPLETE" {
                    (state, None)
                } else {
                    let err = failure("creating", name, &status, &events, stack.stack_status_reason());
                    (state, Some(err))
                }
            }
            (Ok(None), _) => (None, Some(failure("creating", name, "DELETE_COMPLETE", &events, None))),
            // The stack exists even when waiting failed: record it so it is not orphaned.
            (Err(e), Ok(state)) => (state, Some(e)),
            (Err(e), Err(_)) | (Ok(Some(_)), Err(e)) => {
                let mut st = into_state(planned);
                st.insert("id".into(), Value::string(&stack_id));
                (Some(finish(&stack_schema(), st)), Some(e))
            }
        }
    }

    fn update(&self, ctx: &Ctx, prior: &Value, planned: &Value, progress: &dyn Fn(&str)) -> ApplyOutcome {
        self.update_planned(ctx, prior, planned, None, progress)
    }

    fn update_planned(
        &self,
        ctx: &Ctx,
        prior: &Value,
        planned: &Value,
        private: Option<&str>,
        progress: &dyn Fn(&str),
    ) -> ApplyOutcome {
        let Some(id) = sref(prior, "id").or_else(|| sref(prior, "name")) else {
            return (
                Some(prior.clone()),
                Some(invalid("updating CloudFormation Stack: the state has no stack ID")),
            );
        };
        let name = sref(prior, "name").unwrap_or(id).to_string();
        match self.settle(ctx, id, progress) {
            Ok(Some(_)) => {}
            Ok(None) => {
                return (
                    None,
                    Some(ProviderError::new(
                        "NotFound",
                        format!("updating CloudFormation Stack ({name}): the stack no longer exists; run plan again"),
                    )),
                )
            }
            Err(e) => return (Some(prior.clone()), Some(e)),
        }
        if stack_changes(prior, planned) {
            let mut events = Events::new(ctx, id);
            events.prime();
            let started = match private {
                Some(arn) => self.execute(ctx, &name, arn),
                None => self.update_stack(ctx, id, &name, planned),
            };
            match started {
                Ok(true) => match wait_for_stack(ctx, &mut events, operation_timeout(planned), progress) {
                    Ok(Some(stack)) => {
                        let status = status_of(&stack);
                        if status != "UPDATE_COMPLETE" {
                            let err = failure("updating", &name, &status, &events, stack.stack_status_reason());
                            return self.after_failure(ctx, id, prior, planned, err);
                        }
                    }
                    Ok(None) => {
                        return (
                            None,
                            Some(ProviderError::new(
                                "NotFound",
                                format!("updating CloudFormation Stack ({name}): the stack was deleted meanwhile"),
                            )),
                        )
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
            Ok(Some(state)) => (Some(state), None),
            Ok(None) => (
                None,
                Some(ProviderError::new(
                    "NotFound",
                    format!("updating CloudFormation Stack ({name}): the stack disappeared after the update"),
                )),
            ),
            Err(e) => (Some(prior.clone()), Some(e)),
        }
    }

    fn delete(&self, ctx: &Ctx, prior: &Value, progress: &dyn Fn(&str)) -> Result<(), ProviderError> {
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
                match self.settle(ctx, &stack_id, progress)? {
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
            progress("the stack is already being deleted; waiting for it");
            events.prime();
        }
        match wait_for_stack(ctx, &mut events, operation_timeout(prior), progress)? {
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

impl Stack {
    /// Starts executing the planned change set. `Ok(false)`: nothing was started.
    fn execute(&self, ctx: &Ctx, name: &str, arn: &str) -> Result<bool, ProviderError> {
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
    fn update_stack(&self, ctx: &Ctx, id: &str, name: &str, planned: &Value) -> Result<bool, ProviderError> {
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
    fn adoptable(&self, ctx: &Ctx, name: &str, token: &str) -> Option<String> {
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

// ---------------------------------------------------------------------------------------------
// Data sources
// ---------------------------------------------------------------------------------------------

/// `data "aws_cloudformation_stack"`: outputs, parameters and settings of an existing stack.
struct StackData;

impl DataType for StackData {
    fn type_name(&self) -> &'static str {
        STACK
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("capabilities", Attribute::computed(set_of_strings()))
            .attr("description", Attribute::computed(Type::String))
            .attr("disable_rollback", Attribute::computed(Type::Bool))
            .attr("notification_arns", Attribute::computed(set_of_strings()))
            .attr("outputs", Attribute::computed(map_of_strings()))
            .attr("parameters", Attribute::computed(map_of_strings()))
            .attr("tags", Attribute::computed(map_of_strings()))
            .attr("template_body", Attribute::computed(Type::String))
            .attr("timeout_in_minutes", Attribute::computed(Type::Number))
            .attr("iam_role_arn", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").ok_or_else(|| invalid("data.aws_cloudformation_stack: name is required"))?;
        let stack = describe_stack(ctx, name)?
            .filter(|s| status_of(s) != "DELETE_COMPLETE")
            .ok_or_else(|| {
                ProviderError::new(
                    "NotFound",
                    format!(
                        "reading CloudFormation Stack ({name}): no stack with that name exists in {}",
                        ctx.region
                    ),
                )
            })?;
        let stack_id = stack.stack_id().unwrap_or(name).to_string();
        let template = call(
            ctx,
            &format!("reading the template of CloudFormation Stack ({name})"),
            ctx.cloudformation.get_template().stack_name(&stack_id).send(),
        )?;
        let pairs = |items: Vec<(Option<&str>, Option<&str>)>| {
            map_value(
                &items
                    .into_iter()
                    .filter_map(|(k, v)| Some((k?.to_string(), v.unwrap_or_default().to_string())))
                    .collect(),
            )
        };
        let caps: Vec<String> = stack.capabilities().iter().map(|c| c.as_str().to_string()).collect();
        let mut st = State::new();
        st.insert("name".into(), Value::string(name));
        st.insert("id".into(), Value::string(&stack_id));
        st.insert("capabilities".into(), set_state(&caps, &Value::List(Vec::new())));
        st.insert(
            "description".into(),
            stack.description().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "disable_rollback".into(),
            Value::Bool(stack.disable_rollback().unwrap_or(false)),
        );
        st.insert(
            "notification_arns".into(),
            set_state(stack.notification_arns(), &Value::List(Vec::new())),
        );
        st.insert(
            "outputs".into(),
            pairs(
                stack
                    .outputs()
                    .iter()
                    .map(|o| (o.output_key(), o.output_value()))
                    .collect(),
            ),
        );
        st.insert(
            "parameters".into(),
            pairs(
                stack
                    .parameters()
                    .iter()
                    .map(|p| (p.parameter_key(), p.parameter_value()))
                    .collect(),
            ),
        );
        st.insert(
            "tags".into(),
            pairs(stack.tags().iter().map(|t| (t.key(), t.value())).collect()),
        );
        st.insert(
            "template_body".into(),
            template.template_body().map(Value::string).unwrap_or(Value::Null),
        );
        st.insert(
            "timeout_in_minutes".into(),
            stack
                .timeout_in_minutes()
                .map(|m| Value::Number(f64::from(m)))
                .unwrap_or(Value::Null),
        );
        st.insert(
            "iam_role_arn".into(),
            stack.role_arn().map(Value::string).unwrap_or(Value::Null),
        );
        Ok(finish(&self.schema(), st))
    }
}

/// `data "aws_cloudformation_export"`: the value of a stack export, by export name.
struct ExportData;

impl DataType for ExportData {
    fn type_name(&self) -> &'static str {
        "aws_cloudformation_export"
    }

    fn schema(&self) -> Schema {
        Schema::new()
            .attr("name", Attribute::required(Type::String))
            .attr("id", Attribute::computed(Type::String))
            .attr("value", Attribute::computed(Type::String))
            .attr("exporting_stack_id", Attribute::computed(Type::String))
    }

    fn read(&self, ctx: &Ctx, config: &Value) -> Result<Value, ProviderError> {
        let name = sref(config, "name").ok_or_else(|| invalid("data.aws_cloudformation_export: name is required"))?;
        let mut token: Option<String> = None;
        let mut count = 0usize;
        loop {
            let out = call(
                ctx,
                "listing CloudFormation exports",
                ctx.cloudformation.list_exports().set_next_token(token.clone()).send(),
            )?;
            for export in out.exports() {
                count += 1;
                if export.name() == Some(name) {
                    let mut st = State::new();
                    st.insert("name".into(), Value::string(name));
                    st.insert("value".into(), export.value().map(Value::string).unwrap_or(Value::Null));
                    let stack = export.exporting_stack_id().map(Value::string).unwrap_or(Value::Null);
                    st.insert("exporting_stack_id".into(), stack);
                    // Terraform's ID: the exporting stack's ID.
                    st.insert(
                        "id".into(),
                        export
                            .exporting_stack_id()
                            .map(Value::string)
                            .unwrap_or_else(|| Value::string(name)),
                    );
                    return Ok(finish(&self.schema(), st));
                }
            }
            token = out.next_token().map(str::to_string);
            if token.is_none() {
                break;
            }
        }
        Err(ProviderError::new(
            "NotFound",
            format!(
                "reading CloudFormation export {name:?}: no stack in {} exports that name ({count} exports listed). \
                 Export names are case-sensitive and regional.",
                ctx.region
            ),
        ))
    }
}

// ---------------------------------------------------------------------------------------------
// YAML templates
// ---------------------------------------------------------------------------------------------

/// A reader for the YAML that CloudFormation templates use, producing the same JSON a JSON
/// template would. Short-form intrinsic functions become their long form (`!Ref X` is
/// `{"Ref": "X"}`, `!GetAtt A.B` is `{"Fn::GetAtt": ["A", "B"]}`, `!Sub s` is `{"Fn::Sub": s}`).
///
/// Not supported (an error, so callers fall back to comparing text): anchors and aliases, merge
/// keys, complex keys, several documents, tab indentation.
pub(crate) mod yaml {
    use serde_json::{Map, Value as Json};

    #[derive(Clone, Copy)]
    struct Line<'a> {
        indent: usize,
        /// The line after its indentation, comments included.
        text: &'a str,
        no: usize,
    }

    struct Parser<'a> {
        lines: Vec<Line<'a>>,
        pos: usize,
    }

    /// Parses one YAML document.
    pub(crate) fn parse(src: &str) -> Result<Json, String> {
        let mut lines = Vec::new();
        for (i, raw) in src.lines().enumerate() {
            let text = raw.trim_start_matches(' ');
            let indent = raw.len() - text.len();
            if text.starts_with('\t') && !text.trim().is_empty() {
                return Err(format!("line {}: YAML indentation must use spaces, not tabs", i + 1));
            }
            lines.push(Line {
                indent,
                text,
                no: i + 1,
            });
        }
        let mut p = Parser { lines, pos: 0 };
        p.skip_blank();
        if let Some(l) = p.current() {
            if content(l.text) == "---" {
                p.pos += 1;
                p.skip_blank();
            }
        }
        let Some(first) = p.current() else {
            return Ok(Json::Null);
        };
        let value = p.block(first.indent)?;
        p.skip_blank();
        if let Some(l) = p.current() {
            if content(l.text) != "..." {
                return Err(format!(
                    "line {}: unexpected content (several documents or a bad indentation)",
                    l.no
                ));
            }
        }
        Ok(value)
    }

    /// The line without its comment and trailing spaces.
    fn content(text: &str) -> &str {
        let bytes = text.as_bytes();
        let mut quote: Option<u8> = None;
        let mut i = 0;
        while i < bytes.len() {
            let c = bytes[i];
            match quote {
                Some(b'"') => {
                    if c == b'\\' {
                        i += 1;
                    } else if c == b'"' {
                        quote = None;
                    }
                }
                Some(_) => {
                    if c == b'\'' {
                        quote = None;
                    }
                }
                None => {
                    let at_token_start = i == 0 || matches!(bytes[i - 1], b' ' | b'[' | b'{' | b',' | b':');
                    if (c == b'"' || c == b'\'') && at_token_start {
                        quote = Some(c);
                    } else if c == b'#' && (i == 0 || bytes[i - 1] == b' ') {
                        return text[..i].trim_end();
                    }
                }
            }
            i += 1;
        }
        text.trim_end()
    }

    fn is_seq_item(c: &str) -> bool {
        c == "-" || c.starts_with("- ")
    }

    /// Splits `key: value` at the first `:` that is followed by a space or ends the line and
    /// is outside quotes and brackets.
    fn split_key(c: &str) -> Option<(&str, &str)> {
        if c.starts_with('[') || c.starts_with('{') || c.starts_with('!') || c.starts_with('&') || c.starts_with('*') {
            return None;
        }
        let bytes = c.as_bytes();
        let mut i = 0;
        if bytes.first() == Some(&b'"') || bytes.first() == Some(&b'\'') {
            let q = bytes[0];
            i = 1;
            while i < bytes.len() {
                if q == b'"' && bytes[i] == b'\\' {
                    i += 2;
                    continue;
                }
                if bytes[i] == q {
                    if q == b'\'' && bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    break;
                }
                i += 1;
            }
            i += 1;
            let rest = c.get(i..)?.trim_start();
            let after = rest.strip_prefix(':')?;
            if after.is_empty() || after.starts_with(' ') {
                return Some((&c[..i], after));
            }
            return None;
        }
        while i < bytes.len() {
            if bytes[i] == b':' && (i + 1 == bytes.len() || bytes[i + 1] == b' ') {
                return Some((c[..i].trim_end(), &c[i + 1..]));
            }
            i += 1;
        }
        None
    }

    impl<'a> Parser<'a> {
        fn current(&self) -> Option<Line<'a>> {
            self.lines.get(self.pos).copied()
        }

        fn skip_blank(&mut self) {
            while let Some(l) = self.current() {
                if content(l.text).is_empty() {
                    self.pos += 1;
                } else {
                    break;
                }
            }
        }

        /// A block collection or scalar whose first line is the current one, at `indent`.
        fn block(&mut self, indent: usize) -> Result<Json, String> {
            self.skip_blank();
            let Some(line) = self.current() else {
                return Ok(Json::Null);
            };
            let c = content(line.text);
            if is_seq_item(c) {
                self.seq(indent)
            } else if split_key(c).is_some() {
                self.map(indent)
            } else {
                self.pos += 1;
                let parent = indent.saturating_sub(1);
                let text = self.continuation(c.to_string(), parent);
                scalar_or_flow(&text)
            }
        }

        fn map(&mut self, indent: usize) -> Result<Json, String> {
            let mut out = Map::new();
            loop {
                self.skip_blank();
                let Some(line) = self.current() else { break };
                if line.indent < indent {
                    break;
                }
                if line.indent > indent {
                    return Err(format!("line {}: unexpected indentation", line.no));
                }
                let c = content(line.text);
                if is_seq_item(c) {
                    return Err(format!(
                        "line {}: a list item where a `key: value` was expected",
                        line.no
                    ));
                }
                if c == "..." || c == "---" {
                    break;
                }
                let (raw_key, rest) = split_key(c).ok_or_else(|| format!("line {}: expected `key: value`", line.no))?;
                let key = match scalar_or_flow(raw_key)? {
                    Json::String(s) => s,
                    Json::Null => "null".to_string(),
                    other => other.to_string(),
                };
                if key == "<<" {
                    return Err(format!("line {}: YAML merge keys are not supported", line.no));
                }
                self.pos += 1;
                let value = self.value_after(indent, rest, true, line.no)?;
                if out.contains_key(&key) {
                    return Err(format!("line {}: duplicate key {key:?}", line.no));
                }
                out.insert(key, value);
            }
            Ok(Json::Object(out))
        }

        fn seq(&mut self, indent: usize) -> Result<Json, String> {
            let mut out = Vec::new();
            loop {
                self.skip_blank();
                let Some(line) = self.current() else { break };
                if line.indent < indent {
                    break;
                }
                if line.indent > indent {
                    return Err(format!("line {}: unexpected indentation", line.no));
                }
                let c = content(line.text);
                if !is_seq_item(c) {
                    break;
                }
                let after_dash = &line.text[1..];
                let rest = after_dash.trim_start_matches(' ');
                let offset = 1 + after_dash.len() - rest.len();
                let rest_content = content(rest);
                if rest_content.is_empty() {
                    self.pos += 1;
                    out.push(self.nested(indent, false)?);
                } else if is_seq_item(rest_content) || split_key(rest_content).is_some() {
                    // A collection that starts on the dash line: read it as if the text after
                    // the dash stood on its own line, at that column.
                    self.lines[self.pos] = Line {
                        indent: indent + offset,
                        text: rest,
                        no: line.no,
                    };
                    out.push(self.block(indent + offset)?);
                } else {
                    self.pos += 1;
                    out.push(self.value_after(indent, rest, false, line.no)?);
                }
            }
            Ok(Json::Array(out))
        }

        /// The block nested under a key or dash at `parent`, or null when there is none.
        fn nested(&mut self, parent: usize, allow_same_indent_seq: bool) -> Result<Json, String> {
            self.skip_blank();
            match self.current() {
                Some(l) if l.indent > parent => self.block(l.indent),
                Some(l) if allow_same_indent_seq && l.indent == parent && is_seq_item(content(l.text)) => {
                    self.seq(parent)
                }
                _ => Ok(Json::Null),
            }
        }

        /// The value after `key:` or `- `, whose own line has already been consumed.
        fn value_after(&mut self, parent: usize, rest: &str, in_map: bool, no: usize) -> Result<Json, String> {
            let rest = content(rest.trim_start());
            let (tag, rest) = split_tag(rest);
            if rest.starts_with('&') || rest.starts_with('*') {
                return Err(format!("line {no}: YAML anchors and aliases are not supported"));
            }
            let value = if rest.is_empty() {
                self.nested(parent, in_map)?
            } else if rest.starts_with('|') || rest.starts_with('>') {
                self.block_scalar(parent, rest)
            } else {
                let text = self.continuation(rest.to_string(), parent);
                scalar_or_flow(&text)?
            };
            Ok(apply_tag(tag, value))
        }

        /// Joins the lines that continue an inline value (a long plain scalar, a flow
        /// collection over several lines): every following line indented more than `parent`.
        fn continuation(&mut self, mut text: String, parent: usize) -> String {
            loop {
                let mut probe = self.pos;
                while let Some(l) = self.lines.get(probe) {
                    if content(l.text).is_empty() {
                        probe += 1;
                    } else {
                        break;
                    }
                }
                match self.lines.get(probe) {
                    Some(l) if l.indent > parent => {
                        text.push(' ');
                        text.push_str(content(l.text));
                        self.pos = probe + 1;
                    }
                    _ => return text,
                }
            }
        }

        /// A `|` or `>` block scalar; the current line is its first content line.
        fn block_scalar(&mut self, parent: usize, header: &str) -> Json {
            let folded = header.starts_with('>');
            let chomp = if header.contains('-') {
                '-'
            } else if header.contains('+') {
                '+'
            } else {
                ' '
            };
            let mut raw: Vec<String> = Vec::new();
            let mut block_indent: Option<usize> = None;
            while let Some(l) = self.current() {
                if l.text.trim().is_empty() {
                    raw.push(String::new());
                    self.pos += 1;
                    continue;
                }
                let min = block_indent.unwrap_or(parent + 1);
                if l.indent < min {
                    break;
                }
                let bi = *block_indent.get_or_insert(l.indent);
                raw.push(format!("{}{}", " ".repeat(l.indent - bi), l.text.trim_end()));
                self.pos += 1;
            }
            // Trailing blank lines belong to the chomping, not the content; give back the
            // lines that were consumed only because they were blank.
            let mut trailing = 0;
            while raw.last().is_some_and(String::is_empty) {
                raw.pop();
                trailing += 1;
            }
            let mut body = if folded {
                let mut s = String::new();
                let mut prev_blank = true;
                for line in &raw {
                    if line.is_empty() {
                        s.push('\n');
                        prev_blank = true;
                    } else if line.starts_with(' ') {
                        if !prev_blank {
                            s.push('\n');
                        }
                        s.push_str(line);
                        s.push('\n');
                        prev_blank = true;
                    } else {
                        if !prev_blank {
                            s.push(' ');
                        }
                        s.push_str(line);
                        prev_blank = false;
                    }
                }
                s.trim_end_matches('\n').to_string()
            } else {
                raw.join("\n")
            };
            match chomp {
                '-' => {}
                '+' => {
                    body.push('\n');
                    for _ in 0..trailing {
                        body.push('\n');
                    }
                }
                _ => {
                    if !body.is_empty() {
                        body.push('\n');
                    }
                }
            }
            Json::String(body)
        }
    }

    /// Splits a leading `!Tag` off a value.
    fn split_tag(s: &str) -> (Option<&str>, &str) {
        if !s.starts_with('!') {
            return (None, s);
        }
        match s.find(' ') {
            Some(i) => (Some(&s[..i]), s[i + 1..].trim_start()),
            None => (Some(s), ""),
        }
    }

    /// The long form of a short-form intrinsic function.
    fn apply_tag(tag: Option<&str>, value: Json) -> Json {
        let Some(tag) = tag else { return value };
        if tag.starts_with("!!") {
            return value;
        }
        let name = &tag[1..];
        let mut obj = Map::new();
        match name {
            "Ref" => {
                obj.insert("Ref".into(), value);
            }
            "Condition" => {
                obj.insert("Condition".into(), value);
            }
            "GetAtt" => {
                let v = match value {
                    Json::String(s) => match s.split_once('.') {
                        Some((a, b)) => Json::Array(vec![Json::String(a.into()), Json::String(b.into())]),
                        None => Json::String(s),
                    },
                    other => other,
                };
                obj.insert("Fn::GetAtt".into(), v);
            }
            other => {
                obj.insert(format!("Fn::{other}"), value);
            }
        }
        Json::Object(obj)
    }

    /// An inline value: a flow collection, a quoted scalar, a tagged value or a plain scalar.
    fn scalar_or_flow(text: &str) -> Result<Json, String> {
        let t = text.trim();
        if t.starts_with('[') || t.starts_with('{') || t.starts_with('"') || t.starts_with('\'') || t.starts_with('!') {
            let mut f = Flow {
                s: t.as_bytes(),
                src: t,
                i: 0,
            };
            let v = f.value(false)?;
            f.ws();
            if f.i < f.s.len() {
                return Err(format!("unexpected text after a value: {:?}", &t[f.i..]));
            }
            Ok(v)
        } else if t.starts_with('&') || t.starts_with('*') {
            Err("YAML anchors and aliases are not supported".to_string())
        } else {
            Ok(plain(t))
        }
    }

    /// The type a plain scalar resolves to (YAML 1.2 core schema).
    fn plain(t: &str) -> Json {
        match t {
            "" | "~" | "null" | "Null" | "NULL" => return Json::Null,
            "true" | "True" | "TRUE" => return Json::Bool(true),
            "false" | "False" | "FALSE" => return Json::Bool(false),
            _ => {}
        }
        let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
        if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
            if let Ok(n) = t.parse::<i64>() {
                return Json::Number(n.into());
            }
        }
        let looks_float = !digits.is_empty()
            && digits.bytes().next().is_some_and(|b| b.is_ascii_digit() || b == b'.')
            && digits
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'))
            && digits.bytes().any(|b| b.is_ascii_digit());
        if looks_float {
            if let Ok(f) = t.parse::<f64>() {
                if let Some(n) = serde_json::Number::from_f64(f) {
                    return Json::Number(n);
                }
            }
        }
        Json::String(t.to_string())
    }

    struct Flow<'a> {
        s: &'a [u8],
        src: &'a str,
        i: usize,
    }

    impl Flow<'_> {
        fn ws(&mut self) {
            while self.i < self.s.len() && self.s[self.i] == b' ' {
                self.i += 1;
            }
        }

        fn value(&mut self, in_flow: bool) -> Result<Json, String> {
            self.ws();
            match self.s.get(self.i) {
                Some(b'[') => {
                    self.i += 1;
                    let mut items = Vec::new();
                    loop {
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b']') => {
                                self.i += 1;
                                break;
                            }
                            None => return Err("unterminated flow sequence".into()),
                            _ => {}
                        }
                        items.push(self.value(true)?);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b']') => {}
                            _ => return Err("expected `,` or `]` in a flow sequence".into()),
                        }
                    }
                    Ok(Json::Array(items))
                }
                Some(b'{') => {
                    self.i += 1;
                    let mut map = Map::new();
                    loop {
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b'}') => {
                                self.i += 1;
                                break;
                            }
                            None => return Err("unterminated flow mapping".into()),
                            _ => {}
                        }
                        let key = match self.s.get(self.i) {
                            Some(b'"') | Some(b'\'') => match self.quoted()? {
                                Json::String(s) => s,
                                other => other.to_string(),
                            },
                            _ => {
                                let start = self.i;
                                while self.i < self.s.len()
                                    && !(self.s[self.i] == b':'
                                        && matches!(
                                            self.s.get(self.i + 1),
                                            None | Some(b' ') | Some(b',') | Some(b'}')
                                        ))
                                    && !matches!(self.s[self.i], b',' | b'}')
                                {
                                    self.i += 1;
                                }
                                self.src[start..self.i].trim().to_string()
                            }
                        };
                        self.ws();
                        let value = if self.s.get(self.i) == Some(&b':') {
                            self.i += 1;
                            self.ws();
                            if matches!(self.s.get(self.i), Some(b',') | Some(b'}')) {
                                Json::Null
                            } else {
                                self.value(true)?
                            }
                        } else {
                            Json::Null
                        };
                        map.insert(key, value);
                        self.ws();
                        match self.s.get(self.i) {
                            Some(b',') => self.i += 1,
                            Some(b'}') => {}
                            _ => return Err("expected `,` or `}` in a flow mapping".into()),
                        }
                    }
                    Ok(Json::Object(map))
                }
                Some(b'"') | Some(b'\'') => self.quoted(),
                Some(b'!') => {
                    let start = self.i;
                    while self.i < self.s.len() && !matches!(self.s[self.i], b' ' | b',' | b']' | b'}') {
                        self.i += 1;
                    }
                    let tag = &self.src[start..self.i];
                    self.ws();
                    let inner = if self.i >= self.s.len() || matches!(self.s[self.i], b',' | b']' | b'}') {
                        Json::Null
                    } else {
                        self.value(in_flow)?
                    };
                    Ok(apply_tag(Some(tag), inner))
                }
                Some(b'&') | Some(b'*') => Err("YAML anchors and aliases are not supported".into()),
                _ => {
                    let start = self.i;
                    if in_flow {
                        while self.i < self.s.len() && !matches!(self.s[self.i], b',' | b']' | b'}') {
                            self.i += 1;
                        }
                    } else {
                        self.i = self.s.len();
                    }
                    Ok(plain(self.src[start..self.i].trim()))
                }
            }
        }

        fn quoted(&mut self) -> Result<Json, String> {
            let q = self.s[self.i];
            self.i += 1;
            let mut out = String::new();
            let start = self.i;
            let mut chunk_start = start;
            while self.i < self.s.len() {
                let c = self.s[self.i];
                if q == b'\'' && c == b'\'' {
                    out.push_str(&self.src[chunk_start..self.i]);
                    if self.s.get(self.i + 1) == Some(&b'\'') {
                        out.push('\'');
                        self.i += 2;
                        chunk_start = self.i;
                        continue;
                    }
                    self.i += 1;
                    return Ok(Json::String(out));
                }
                if q == b'"' && c == b'"' {
                    out.push_str(&self.src[chunk_start..self.i]);
                    self.i += 1;
                    return Ok(Json::String(out));
                }
                if q == b'"' && c == b'\\' {
                    out.push_str(&self.src[chunk_start..self.i]);
                    let esc = self.s.get(self.i + 1).copied().ok_or("unterminated escape")?;
                    self.i += 2;
                    match esc {
                        b'n' => out.push('\n'),
                        b't' => out.push('\t'),
                        b'r' => out.push('\r'),
                        b'0' => out.push('\0'),
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b' ' => out.push(' '),
                        b'x' | b'u' | b'U' => {
                            let len = match esc {
                                b'x' => 2,
                                b'u' => 4,
                                _ => 8,
                            };
                            let hex = self.src.get(self.i..self.i + len).ok_or("bad escape")?;
                            let code = u32::from_str_radix(hex, 16).map_err(|_| "bad escape")?;
                            out.push(char::from_u32(code).ok_or("bad escape")?);
                            self.i += len;
                        }
                        other => {
                            out.push('\\');
                            out.push(other as char);
                        }
                    }
                    chunk_start = self.i;
                    continue;
                }
                self.i += 1;
            }
            Err("unterminated quoted string".into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_templates_read_like_json() {
        let y = r#"
AWSTemplateFormatVersion: "2010-09-09"
Description: >
  A bucket
  and a topic
Parameters:
  Env:
    Type: String
    AllowedValues: [dev, prod]   # the stages
    Default: dev
  Count: {Type: Number, MinValue: 1}
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "app-${Env}"
      Tags:
        - Key: env
          Value: !Ref Env
        - Key: url
          Value: http://example.com/a#b
  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Statement:
          - Effect: Allow
            Resource: !Join
              - ''
              - - !GetAtt Bucket.Arn
                - /*
Outputs:
  Script:
    Value: |
      line one
        indented
"#;
        let parsed = yaml::parse(y).expect("parses");
        let expected: Json = serde_json::from_str(
            r#"{
  "AWSTemplateFormatVersion": "2010-09-09",
  "Description": "A bucket and a topic\n",
  "Parameters": {
    "Env": {"Type": "String", "AllowedValues": ["dev", "prod"], "Default": "dev"},
    "Count": {"Type": "Number", "MinValue": 1}
  },
  "Resources": {
    "Bucket": {"Type": "AWS::S3::Bucket", "Properties": {
      "BucketName": {"Fn::Sub": "app-${Env}"},
      "Tags": [{"Key": "env", "Value": {"Ref": "Env"}}, {"Key": "url", "Value": "http://example.com/a#b"}]}},
    "Policy": {"Type": "AWS::S3::BucketPolicy", "Properties": {
      "Bucket": {"Ref": "Bucket"},
      "PolicyDocument": {"Statement": [{"Effect": "Allow", "Resource": {"Fn::Join": ["", [{"Fn::GetAtt": ["Bucket", "Arn"]}, "/*"]]}}]}}}
  },
  "Outputs": {"Script": {"Value": "line one\n  indented\n"}}
}"#,
        )
        .expect("json");
        assert_eq!(parsed, expected);
    }

    #[test]
    fn yaml_limits_are_errors() {
        assert!(yaml::parse("a: &x 1\nb: *x\n").is_err());
        assert!(yaml::parse("a:\n  <<: {b: 1}\n").is_err());
    }

    #[test]
    fn templates_compare_semantically() {
        assert!(templates_equivalent(
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}, "Outputs": {}}"#,
            "{\n  \"Outputs\": {},\n  \"Resources\": {\"B\": {\"Type\": \"AWS::S3::Bucket\"}}\n}"
        ));
        assert!(templates_equivalent(
            "Resources:\n  B:\n    Type: AWS::S3::Bucket\n",
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#
        ));
        assert!(!templates_equivalent(
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket"}}}"#,
            r#"{"Resources": {"C": {"Type": "AWS::S3::Bucket"}}}"#
        ));
        // An unreadable body from AWS keeps the recorded one.
        let prior = Value::from(r#"{"Resources": {}}"#);
        assert_eq!(keep_prior_template(&prior, "OrderedDict([('Resources', ...)])"), prior);
    }

    #[test]
    fn failures_name_the_cause_and_the_rollback_outcome() {
        let first = (
            "ArtifactsBucket".to_string(),
            "AWS::S3::Bucket".to_string(),
            "artifacts already exists".to_string(),
        );
        let e = failure_error("creating", "app", "ROLLBACK_COMPLETE", Some(&first), Some("ignored"));
        assert_eq!(e.code, "ROLLBACK_COMPLETE");
        assert!(
            e.message.starts_with(
                "creating CloudFormation Stack (app): ArtifactsBucket (AWS::S3::Bucket) failed: artifacts already exists\nThe stack is now ROLLBACK_COMPLETE."
            ),
            "{}",
            e.message
        );
        assert!(e.message.contains("the next plan replaces it"), "{}", e.message);
        let e = failure_error(
            "updating",
            "app",
            "UPDATE_ROLLBACK_FAILED",
            None,
            Some("resource failed"),
        );
        assert!(e.message.contains("(app): resource failed"), "{}", e.message);
        assert!(
            e.message.contains("continue-update-rollback --stack-name app"),
            "{}",
            e.message
        );
    }

    #[test]
    fn parameter_constraints() {
        let template: Json = serde_json::from_str(
            r#"{"Parameters": {
                "Env": {"Type": "String", "AllowedValues": ["dev", "prod"]},
                "Name": {"Type": "String", "AllowedPattern": "[a-z]+", "MinLength": 2, "MaxLength": 5, "Default": "ab"},
                "Size": {"Type": "Number", "MinValue": 1, "MaxValue": "10", "Default": 1},
                "Secret": {"Type": "String", "NoEcho": true, "AllowedPattern": "[0-9]+", "Default": "1"}
            }}"#,
        )
        .expect("json");
        let declared = template["Parameters"].as_object().expect("object").clone();
        let check = |pairs: Vec<(&str, &str)>| {
            let params = engine::core::value::map(pairs.into_iter().map(|(k, v)| (k, Value::from(v))));
            check_parameters(&declared, &params)
        };
        assert!(check(vec![("Env", "dev")]).is_empty());
        let missing = check(vec![]);
        assert_eq!(missing.len(), 1);
        assert_eq!(missing[0].attribute.as_deref(), Some("parameters.Env"));
        assert!(missing[0].message.contains("required"), "{}", missing[0].message);
        let unknown = check(vec![("Env", "dev"), ("env", "x")]);
        assert_eq!(unknown[0].attribute.as_deref(), Some("parameters.env"));
        assert!(
            unknown[0].message.contains("did you mean \"Env\""),
            "{}",
            unknown[0].message
        );
        let bad = check(vec![("Env", "staging")]);
        assert!(
            bad[0].message.contains("not one of the allowed values (dev, prod)"),
            "{}",
            bad[0].message
        );
        let bad = check(vec![("Env", "dev"), ("Name", "Ab1")]);
        assert!(bad[0].message.contains("allowed pattern"), "{}", bad[0].message);
        let bad = check(vec![("Env", "dev"), ("Name", "abcdef")]);
        assert!(bad[0].message.contains("maximum length 5"), "{}", bad[0].message);
        let bad = check(vec![("Env", "dev"), ("Size", "11")]);
        assert!(bad[0].message.contains("maximum value 10"), "{}", bad[0].message);
        let bad = check(vec![("Env", "dev"), ("Size", "x")]);
        assert!(bad[0].message.contains("not a number"), "{}", bad[0].message);
        let bad = check(vec![("Env", "dev"), ("Secret", "hunter2")]);
        assert!(!bad[0].message.contains("hunter2"), "{}", bad[0].message);
    }
}
