//! The `time` provider, as modules use it: `time_sleep` waits after a create (or before a
//! destroy) for what AWS does not report, such as IAM propagation, and `time_static` keeps the
//! time it was created. As in Terraform's time provider, every argument forces a new object,
//! a read keeps what state has, and a wait ends at once on Ctrl-C (the object is then not
//! recorded as made, and the next apply waits again).

use crate::support::dates::{civil_from_days, now_secs, rfc3339_secs};
use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest, ValidateProblem, ValidateRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;
use engine::eval::functions::unix_seconds;

/// The provider name.
pub const NAME: &str = "time";

const SLEEP: &str = "time_sleep";
const STATIC: &str = "time_static";

/// The parts of a time `time_static` exports, with their place in [`parts`].
const PARTS: [&str; 7] = ["year", "month", "day", "hour", "minute", "second", "unix"];

/// The provider block takes nothing.
pub fn config_schema() -> Schema {
    Schema::new()
}

fn triggers() -> Attribute {
    Attribute::optional(Type::Map(Box::new(Type::String))).force_new()
}

/// Resource type schemas.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    match type_name {
        SLEEP => Some(
            Schema::new()
                .attr("create_duration", Attribute::optional(Type::String).force_new())
                .attr("destroy_duration", Attribute::optional(Type::String).force_new())
                .attr("triggers", triggers())
                .attr("id", Attribute::computed(Type::String)),
        ),
        STATIC => {
            let mut s = Schema::new()
                .attr("rfc3339", Attribute::optional_computed(Type::String).force_new())
                .attr("triggers", triggers())
                .attr("id", Attribute::computed(Type::String));
            for part in PARTS {
                s = s.attr(part, Attribute::computed(Type::Number));
            }
            Some(s)
        }
        _ => None,
    }
}

/// Every resource type.
pub fn resource_types() -> Vec<String> {
    vec![SLEEP.to_string(), STATIC.to_string()]
}

/// Builds the provider (no configuration).
pub fn configure(_: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(Time))
}

fn invalid(message: impl Into<String>) -> ProviderError {
    ProviderError::new("InvalidArgument", message)
}

fn duration(v: &Value, key: &str) -> Result<std::time::Duration, ProviderError> {
    match v.get(key).deep_unmark().as_str() {
        None => Ok(std::time::Duration::ZERO),
        Some(text) => crate::config::parse_duration(text)
            .ok_or_else(|| invalid(format!("{key} {text:?} is not a duration such as \"30s\" or \"1m30s\""))),
    }
}

/// The parts of `secs` in UTC, in the order of [`PARTS`].
fn parts(secs: i64) -> [i64; 7] {
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    [y, i64::from(mo), i64::from(d), s / 3600, s % 3600 / 60, s % 60, secs]
}

fn static_state(planned: &Value, secs: i64, text: Value) -> Value {
    let mut m = planned.as_map().cloned().unwrap_or_default();
    for (name, n) in PARTS.iter().zip(parts(secs)) {
        m.insert((*name).to_string(), Value::from(n));
    }
    m.insert("rfc3339".into(), text.clone());
    m.insert("id".into(), text);
    Value::Map(m.into())
}

/// Checks a configuration beyond its schema ([`engine::core::provider::ProviderFactory::validate`]).
pub fn validate(req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    for key in ["create_duration", "destroy_duration"] {
        if let Err(e) = duration(req.config, key) {
            out.push(ValidateProblem {
                not_yet: false,
                attribute: Some(key.to_string()),
                message: e.message,
            });
        }
    }
    if let Some(text) = req.config.get("rfc3339").as_str() {
        if unix_seconds(text).is_none() {
            out.push(ValidateProblem {
                not_yet: false,
                attribute: Some("rfc3339".to_string()),
                message: format!("{text:?} is not an RFC 3339 time such as \"2026-01-02T03:04:05Z\""),
            });
        }
    }
    out
}

struct Time;

impl Provider for Time {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        // A static time given in the configuration is known now, with its parts.
        if req.type_name == STATIC {
            if let Some(secs) = req.proposed.get("rfc3339").as_str().and_then(unix_seconds) {
                let text = req.proposed.get("rfc3339");
                return Ok(PlanResponse::planned(static_state(req.proposed, secs, text)));
            }
        }
        Ok(PlanResponse::planned(req.proposed.clone()))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let result = match (req.type_name, req.prior, req.planned) {
            (SLEEP, Some(prior), None) => duration(prior, "destroy_duration")
                .and_then(crate::support::wait::sleep)
                .map(|()| None),
            (_, _, None) => Ok(None),
            // Every argument forces a new object; nothing is left to update.
            (_, Some(prior), Some(_)) => Ok(Some(prior.clone())),
            (SLEEP, None, Some(planned)) => duration(planned, "create_duration")
                .and_then(crate::support::wait::sleep)
                .map(|()| {
                    let mut m = planned.as_map().cloned().unwrap_or_default();
                    m.insert("id".into(), rfc3339_secs(now_secs()));
                    Some(Value::Map(m.into()))
                }),
            (_, None, Some(planned)) => {
                let given = planned.get("rfc3339");
                let secs = given.as_str().and_then(unix_seconds).unwrap_or_else(now_secs);
                let text = if given.as_str().is_some() {
                    given
                } else {
                    rfc3339_secs(secs)
                };
                Ok(Some(static_state(planned, secs, text)))
            }
        };
        ApplyResponse::finished(req.prior, result)
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(Some(req.prior.clone()))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        Err(invalid(format!(
            "the time provider has no data source {:?}",
            req.type_name
        )))
    }

    /// `time_sleep`: `CREATE_DURATION,DESTROY_DURATION` (either may be empty); `time_static`:
    /// the RFC 3339 time.
    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        match req.type_name {
            SLEEP => {
                let (create, destroy) = req.id.split_once(',').ok_or_else(|| {
                    invalid("the import ID of a time_sleep is CREATE_DURATION,DESTROY_DURATION (one may be empty)")
                })?;
                let text = |s: &str| if s.is_empty() { Value::Null } else { Value::string(s) };
                Ok(Some(engine::core::value::map([
                    ("create_duration", text(create)),
                    ("destroy_duration", text(destroy)),
                    ("triggers", Value::Null),
                    ("id", rfc3339_secs(now_secs())),
                ])))
            }
            _ => {
                let secs =
                    unix_seconds(req.id).ok_or_else(|| invalid(format!("{:?} is not an RFC 3339 time", req.id)))?;
                let empty = engine::core::value::map([("triggers", Value::Null)]);
                Ok(Some(static_state(&empty, secs, Value::string(req.id))))
            }
        }
    }
}
