//! The `timeouts` block: how long a wait of one operation may last, as the configuration
//! sets it (`create = "10m"`), checked at validate.

use crate::support::attrs::{first_block, problem};
use engine::core::provider::ValidateProblem;
use engine::core::value::Value;
use std::time::Duration;

/// The limit of `operation`'s wait: the `timeouts` block's, or `default`.
pub(crate) fn limit(v: &Value, operation: &str, default: Duration) -> Duration {
    first_block(v, "timeouts")
        .get(operation)
        .as_str()
        .and_then(crate::config::parse_duration)
        .unwrap_or(default)
}

/// A problem for each duration of the `timeouts` block that does not read as one.
pub(crate) fn check(config: &Value) -> Vec<ValidateProblem> {
    let block = first_block(config, "timeouts");
    let Some(map) = block.as_map() else { return Vec::new() };
    map.iter()
        .filter_map(|(op, v)| {
            let text = v.as_str()?;
            crate::config::parse_duration(text).is_none().then(|| {
                problem(
                    "timeouts",
                    format!("timeouts.{op} {text:?} is not a duration: write it like \"10m\", \"2h\" or \"90s\""),
                )
            })
        })
        .collect()
}
