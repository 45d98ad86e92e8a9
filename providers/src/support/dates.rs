//! Dates as Terraform writes them, without a calendar crate.

use engine::core::value::Value;

/// Seconds since the Unix epoch, now (0 on a clock set before 1970).
pub(crate) fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Formats an AWS timestamp as Terraform does (RFC 3339, whole seconds).
pub(crate) fn rfc3339(dt: &aws_smithy_types::DateTime) -> Value {
    rfc3339_secs(dt.secs())
}

/// Formats seconds since the Unix epoch as RFC 3339; null when out of range.
pub(crate) fn rfc3339_secs(secs: i64) -> Value {
    aws_smithy_types::DateTime::from_secs(secs)
        .fmt(aws_smithy_types::date_time::Format::DateTime)
        .map(Value::String)
        .unwrap_or(Value::Null)
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
pub(crate) fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}
