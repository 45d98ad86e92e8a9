//! Date and time: `formatdate`, `timeadd`, `timecmp` on RFC 3339 timestamps, and the impure
//! `timestamp`, `plantimestamp` and `uuid`, which are known only once the run fixes a time.

use super::*;

/// A moment as seconds since 1970-01-01T00:00:00Z, with the nanoseconds and the UTC offset it
/// was written with (in seconds), so that formatting keeps the writer's zone.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Moment {
    secs: i64,
    nanos: u32,
    offset: i32,
}

/// Days since 1970-01-01 of a civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day count since 1970-01-01.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

/// Seconds since 1970 of an RFC 3339 timestamp as Terraform reads one (`2026-01-02T03:04:05Z`,
/// with a fraction or an offset), or `None` for anything else.
pub fn unix_seconds(s: &str) -> Option<i64> {
    parse_rfc3339(s).map(|m| m.secs)
}

fn parse_rfc3339(s: &str) -> Option<Moment> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<i64> { std::str::from_utf8(b.get(r)?).ok()?.parse().ok() };
    if b.len() < 20 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b't') || b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (y, mo, d) = (num(0..4)?, num(5..7)? as u32, num(8..10)? as u32);
    let (h, mi, sec) = (num(11..13)?, num(14..16)?, num(17..19)?);
    if !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut i = 19;
    let mut nanos = 0u32;
    if b.get(i) == Some(&b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = std::str::from_utf8(&b[start..i]).ok()?;
        if digits.is_empty() || digits.len() > 9 {
            return None;
        }
        nanos = format!("{digits:0<9}").parse().ok()?;
    }
    let offset = match b.get(i)? {
        b'Z' | b'z' if i + 1 == b.len() => 0,
        sign @ (b'+' | b'-') if i + 6 == b.len() && b[i + 3] == b':' => {
            let oh = num(i + 1..i + 3)?;
            let om = num(i + 4..i + 6)?;
            let total = (oh * 3600 + om * 60) as i32;
            if *sign == b'-' {
                -total
            } else {
                total
            }
        }
        _ => return None,
    };
    let local = days_from_civil(y, mo, d) * 86_400 + h * 3600 + mi * 60 + sec;
    Some(Moment {
        secs: local - i64::from(offset),
        nanos,
        offset,
    })
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The moment's local fields: (year, month, day, hour, minute, second, weekday 0 = Sunday).
fn fields(m: Moment) -> (i64, u32, u32, u32, u32, u32, u32) {
    let local = m.secs + i64::from(m.offset);
    let days = local.div_euclid(86_400);
    let rem = local.rem_euclid(86_400) as u32;
    let (y, mo, d) = civil_from_days(days);
    let weekday = (days + 4).rem_euclid(7) as u32;
    (y, mo, d, rem / 3600, rem % 3600 / 60, rem % 60, weekday)
}

fn rfc3339(m: Moment) -> String {
    let (y, mo, d, h, mi, s, _) = fields(m);
    let frac = if m.nanos == 0 {
        String::new()
    } else {
        format!(".{:09}", m.nanos).trim_end_matches('0').to_string()
    };
    format!(
        "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{}",
        zone(m.offset, "Z", true)
    )
}

fn zone(offset: i32, utc: &str, colon: bool) -> String {
    if offset == 0 {
        return utc.to_string();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let a = offset.unsigned_abs();
    if colon {
        format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
    } else {
        format!("{sign}{:02}{:02}", a / 3600, a % 3600 / 60)
    }
}

fn timestamp_arg(c: &Call<'_>, a: &[Value], i: usize) -> Result<Moment, String> {
    let s = string_arg(a, i)?;
    parse_rfc3339(&s).ok_or_else(|| {
        invalid(format!(
            "argument {} is not a valid RFC 3339 timestamp (such as 2026-01-02T15:04:05Z): {}.",
            i + 1,
            c.show(&s)
        ))
    })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

pub(super) fn formatdate(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let spec = string_arg(a, 0)?;
    let m = timestamp_arg(c, a, 1)?;
    let (y, mo, d, h, mi, s, wd) = fields(m);
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let ch = chars[i];
        if ch == '\'' {
            // 'literal', with '' for a quote.
            let mut j = i + 1;
            if chars.get(j) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            loop {
                match chars.get(j) {
                    None => return Err(invalid("the format has an unterminated quoted literal.")),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(other) => {
                        out.push(*other);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !ch.is_ascii_alphabetic() {
            out.push(ch);
            i += 1;
            continue;
        }
        let mut n = 1;
        while chars.get(i + n) == Some(&ch) {
            n += 1;
        }
        let token: String = chars[i..i + n].iter().collect();
        let h12 = if h % 12 == 0 { 12 } else { h % 12 };
        let text = match token.as_str() {
            "YYYY" => format!("{y:04}"),
            "YY" => format!("{:02}", y.rem_euclid(100)),
            "MMMM" => MONTHS[mo as usize - 1].to_string(),
            "MMM" => MONTHS[mo as usize - 1][..3].to_string(),
            "MM" => format!("{mo:02}"),
            "M" => mo.to_string(),
            "DD" => format!("{d:02}"),
            "D" => d.to_string(),
            "EEEE" => DAYS[wd as usize].to_string(),
            "EEE" => DAYS[wd as usize][..3].to_string(),
            "hh" => format!("{h:02}"),
            "h" => h.to_string(),
            "HH" => format!("{h12:02}"),
            "H" => h12.to_string(),
            "AA" => if h < 12 { "AM" } else { "PM" }.to_string(),
            "aa" => if h < 12 { "am" } else { "pm" }.to_string(),
            "mm" => format!("{mi:02}"),
            "m" => mi.to_string(),
            "ss" => format!("{s:02}"),
            "s" => s.to_string(),
            "ZZZZZ" => zone(m.offset, "Z", true),
            "ZZZZ" => zone(m.offset, "+0000", false),
            "ZZZ" => zone(m.offset, "UTC", false),
            "Z" => zone(m.offset, "Z", true),
            other => {
                return Err(invalid(format!(
                    "unsupported format sequence {other:?}; quote literal letters, e.g. 'T'."
                )))
            }
        };
        out.push_str(&text);
        i += n;
    }
    Ok(Value::String(out))
}

/// A Go duration (`1h30m`, `-45s`, `1.5h`, `300ms`) in nanoseconds.
fn parse_duration(s: &str) -> Option<i128> {
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest.is_empty() {
        return None;
    }
    if rest == "0" {
        return Some(0);
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let value: f64 = rest[..num_len].parse().ok()?;
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ns" => 1.0,
            "us" | "µs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return None,
        };
        rest = &rest[unit_len..];
        total += value * unit;
    }
    let n = total.round() as i128;
    Some(if neg { -n } else { n })
}

pub(super) fn timeadd(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let m = timestamp_arg(c, a, 0)?;
    let d = string_arg(a, 1)?;
    let nanos = parse_duration(&d).ok_or_else(|| {
        invalid(format!(
            "argument 2 is not a duration such as \"1h30m\", \"-10m\" or \"300s\": {}.",
            c.show(&d)
        ))
    })?;
    let total = i128::from(m.secs) * 1_000_000_000 + i128::from(m.nanos) + nanos;
    let secs = total.div_euclid(1_000_000_000) as i64;
    // Terraform writes whole seconds (Go's RFC 3339 layout): a fraction is dropped.
    Ok(Value::String(rfc3339(Moment { secs, nanos: 0, ..m })))
}

pub(super) fn timecmp(c: &Call<'_>, a: &[Value]) -> Result<Value, String> {
    let x = timestamp_arg(c, a, 0)?;
    let y = timestamp_arg(c, a, 1)?;
    let order = (x.secs, x.nanos).cmp(&(y.secs, y.nanos));
    Ok(Value::from(match order {
        std::cmp::Ordering::Less => -1i64,
        std::cmp::Ordering::Equal => 0,
        std::cmp::Ordering::Greater => 1,
    }))
}

/// The run's time as RFC 3339, fixed when the walk that evaluates starts: unknown while
/// planning (Terraform's `timestamp` is decided at apply), the apply's time during apply.
pub(super) fn timestamp(c: &Call<'_>, _: &[Value]) -> Result<Value, String> {
    Ok(c.ctx.now.map(|t| Value::String(utc(t))).unwrap_or(Value::UNKNOWN))
}

/// The plan's time, known while planning and the same when the plan is applied.
pub(super) fn plantimestamp(c: &Call<'_>, _: &[Value]) -> Result<Value, String> {
    Ok(Value::String(utc(c.ctx.plan_time)))
}

/// A random version 4 UUID: unknown while planning, drawn during apply.
pub(super) fn uuid(c: &Call<'_>, _: &[Value]) -> Result<Value, String> {
    if c.ctx.now.is_none() {
        return Ok(Value::UNKNOWN);
    }
    random_uuid().map(Value::String)
}

/// A random (version 4) UUID, as `uuid()` returns and Terraform gives a `terraform_data`.
pub fn random_uuid() -> Result<String, String> {
    let mut bytes = [0u8; 16];
    getrandom::getrandom(&mut bytes).map_err(|e| format!("no randomness available: {e}"))?;
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    ))
}

/// Seconds since 1970 as an RFC 3339 UTC timestamp.
pub fn utc(secs: i64) -> String {
    rfc3339(Moment {
        secs,
        nanos: 0,
        offset: 0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip_through_day_counts() {
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2026, 11, 27),
            (1969, 12, 31),
            (2100, 3, 1),
        ] {
            assert_eq!(civil_from_days(days_from_civil(y, m, d)), (y, m, d));
        }
        assert_eq!(utc(0), "1970-01-01T00:00:00Z");
        assert_eq!(utc(1_795_000_000), "2026-11-18T11:06:40Z");
    }

    #[test]
    fn timestamps_parse_with_zones_and_fractions() {
        let m = parse_rfc3339("2026-11-27T21:00:00.5+02:00").expect("parse");
        assert_eq!(rfc3339(m), "2026-11-27T21:00:00.5+02:00");
        assert_eq!(m.secs, parse_rfc3339("2026-11-27T19:00:00Z").expect("utc").secs);
        assert!(parse_rfc3339("2026-02-30T00:00:00Z").is_none());
        assert!(parse_rfc3339("2026-11-27 21:00:00Z").is_none());
        assert_eq!(parse_duration("1h30m"), Some(5_400_000_000_000));
        assert_eq!(parse_duration("-1.5s"), Some(-1_500_000_000));
        assert_eq!(parse_duration("10"), None);
    }
}
