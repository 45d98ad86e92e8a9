//! Names and tokens of creates: the intent tag an interrupted create is found by, and the
//! idempotency token of one create.

use crate::support::attrs::{is_set, problem};
use crate::support::dates::civil_from_days;
use engine::core::provider::ValidateProblem;
use engine::core::value::Value;
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The tag a create puts on the new object, so that an interrupted create can be found again by
/// `import("intent:...")` / `import("token:...")`. It stays on the object: removing it before
/// the state records the object would open a window in which a crash leaves an object that
/// nothing can find (and the next apply would create a second one). Reads leave it out of
/// `tags` and `tags_all` (see `support::tags::split_tags`), so it is never drift and never removed.
pub(crate) const INTENT_TAG: &str = "infinstor:intent";

/// Lower-case hexadecimal.
pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A 32-character token for a create: a digest of what is being created and a nonce.
///
/// The nonce makes two creates of the same configuration (a replacement with
/// `create_before_destroy`) two objects, while the SDK's retries of one request reuse the token.
pub(crate) fn intent_token(parts: &[&str]) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    h.update(now.as_nanos().to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(COUNTER.fetch_add(1, Ordering::Relaxed).to_le_bytes());
    let mut token = hex(&h.finalize());
    token.truncate(32);
    token
}

static NAME_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The prefix of a name [`prefixed_unique_id`] made (its 26-character suffix removed), as
/// Terraform's `NamePrefixFromName`; `None` when the name does not end in such a suffix.
pub(crate) fn prefix_of(name: &str) -> Option<&str> {
    let cut = name.len().checked_sub(26)?;
    let (prefix, unique) = (name.get(..cut)?, name.get(cut..)?);
    let (stamp, counter) = unique.split_at(18);
    let made = stamp.chars().all(|c| c.is_ascii_digit())
        && counter.chars().all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
    made.then_some(prefix)
}

/// `prefix` followed by 26 characters unique to this moment, as Terraform's
/// `PrefixedUniqueId`: a UTC timestamp to 1/10000 s and an 8-digit hex counter.
pub(crate) fn prefixed_unique_id(prefix: &str) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = now.as_secs() as i64;
    let (year, month, day) = civil_from_days(secs.div_euclid(86_400));
    let rem = secs.rem_euclid(86_400);
    let (hour, minute, second) = (rem / 3600, rem % 3600 / 60, rem % 60);
    let fraction = now.subsec_micros() / 100;
    // Mixing in the process id keeps two processes that start in the same instant apart.
    let counter = NAME_COUNTER
        .fetch_add(1, Ordering::Relaxed)
        .wrapping_add(std::process::id().wrapping_mul(0x9E37_79B9))
        .wrapping_add(1);
    format!("{prefix}{year:04}{month:02}{day:02}{hour:02}{minute:02}{second:02}{fraction:04}{counter:08x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_name_gives_back_its_prefix() {
        let name = prefixed_unique_id("scratch-");
        assert_eq!(prefix_of(&name), Some("scratch-"));
        assert_eq!(prefix_of(&prefixed_unique_id("")), Some(""));
        assert_eq!(prefix_of("my-bucket"), None);
        // 26 characters at the end, but not a timestamp and a counter.
        assert_eq!(prefix_of("logs-abcdefghijklmnopqrstuvwxyz"), None);
    }
}

/// The name to create of a type with `name` and `name_prefix`: the configured `name`, else
/// `name_prefix` (or `terraform-`) plus a unique suffix.
pub(crate) fn name_for_create(planned: &Value) -> String {
    match planned.get("name").as_str() {
        Some(n) => n.to_string(),
        None => prefixed_unique_id(planned.get("name_prefix").as_str().unwrap_or("terraform-")),
    }
}

/// The rules of `name` and `name_prefix`: not both, `name` 1 to `max_name` characters, and
/// room for the 26-character unique suffix after the prefix.
pub(crate) fn check_names(config: &Value, max_name: usize) -> Vec<ValidateProblem> {
    let mut out = Vec::new();
    let name = config.get("name");
    let prefix = config.get("name_prefix");
    if is_set(&name) && is_set(&prefix) {
        out.push(problem(
            "name_prefix",
            "\"name\" and \"name_prefix\" cannot both be set: remove one of them",
        ));
    }
    if let Some(n) = name.as_str() {
        if n.is_empty() || n.len() > max_name {
            out.push(problem(
                "name",
                format!("\"name\" must be 1 to {max_name} characters long"),
            ));
        }
    }
    if let Some(p) = prefix.as_str() {
        let max = max_name.saturating_sub(26);
        if p.len() > max {
            out.push(problem(
                "name_prefix",
                format!("\"name_prefix\" can be at most {max} characters long (a 26-character unique suffix is added)"),
            ));
        }
    }
    out
}
