//! Instants on the simulated timeline and the one stable format in which durations are printed.

use std::fmt;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};

use crate::{Error, Result};

/// An instant, as nanoseconds since the Unix epoch (UTC).
///
/// Eight bytes per session is why this is not a `chrono::DateTime`; the range is
/// 1677-09-21 to 2262-04-11.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Time(i64);

/// The default start of the virtual clock: `2026-01-01T00:00:00Z`.
pub const DEFAULT_START: Time = Time(1_767_225_600 * NANOS_PER_SEC);

const NANOS_PER_SEC: i64 = 1_000_000_000;

impl Time {
    /// The earliest representable instant.
    pub const MIN: Time = Time(i64::MIN);

    /// The latest representable instant.
    pub const MAX: Time = Time(i64::MAX);

    /// The instant `nanos` nanoseconds after the Unix epoch, clamped to the representable
    /// range.
    pub fn saturating_from_nanos(nanos: i128) -> Time {
        Time(nanos.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
    }

    /// The instant `nanos` nanoseconds after the Unix epoch.
    pub const fn from_unix_nanos(nanos: i64) -> Time {
        Time(nanos)
    }

    /// Nanoseconds since the Unix epoch.
    pub const fn unix_nanos(self) -> i64 {
        self.0
    }

    /// Whole seconds since the Unix epoch, rounded down, as Go's `time.Time.Unix()`.
    pub const fn unix_secs(self) -> i64 {
        self.0.div_euclid(NANOS_PER_SEC)
    }

    /// Parses an RFC 3339 timestamp such as `2026-01-01T00:00:00Z`.
    pub fn parse_rfc3339(text: &str) -> Result<Time> {
        let parsed = DateTime::parse_from_rfc3339(text).map_err(|e| {
            Error::Invalid(format!(
                "invalid time `{text}`: {e}; expected RFC 3339, as in 2026-01-01T00:00:00Z"
            ))
        })?;
        parsed
            .with_timezone(&Utc)
            .timestamp_nanos_opt()
            .map(Time)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "time `{text}` is out of range; it must lie between 1677-09-22 and 2262-04-11"
                ))
            })
    }

    /// This instant moved `d` later, or `None` past [`Time::MAX`].
    pub fn checked_add(self, d: Duration) -> Option<Time> {
        let nanos = i64::try_from(d.as_nanos()).ok()?;
        self.0.checked_add(nanos).map(Time)
    }

    /// This instant moved `d` later, or an error naming the limit.
    pub fn plus(self, d: Duration) -> Result<Time> {
        self.checked_add(d).ok_or_else(|| Error::ClockOverflow {
            limit: Time::MAX.to_string(),
        })
    }

    /// The nanosecond before this instant ([`Time::MIN`] stays).
    pub fn before(self) -> Time {
        Time::saturating_from_nanos(i128::from(self.0) - 1)
    }

    /// Nanoseconds from `earlier` to `self` (negative if `earlier` is later).
    pub fn nanos_since(self, earlier: Time) -> i128 {
        i128::from(self.0) - i128::from(earlier.0)
    }

    /// The time from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_since(self, earlier: Time) -> Duration {
        duration_from_nanos(self.nanos_since(earlier).max(0))
    }
}

impl fmt::Display for Time {
    /// RFC 3339 in UTC, with a fraction only when the instant has one.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let dt = DateTime::<Utc>::from_timestamp_nanos(self.0);
        f.write_str(&dt.to_rfc3339_opts(SecondsFormat::AutoSi, true))
    }
}

/// A duration from a nanosecond count, saturating at the largest `Duration`.
pub fn duration_from_nanos(nanos: i128) -> Duration {
    let nanos = u128::try_from(nanos).unwrap_or(0);
    let secs = u64::try_from(nanos / 1_000_000_000).unwrap_or(u64::MAX);
    // The remainder is below 1e9, so it always fits.
    Duration::new(secs, (nanos % 1_000_000_000) as u32)
}

/// Parses a duration such as `90s`, `30m`, `1h30m` or `500ms` (the `humantime` grammar,
/// whole numbers only: `1.5h` is refused in favour of `1h30m`).
pub fn parse_duration(text: &str) -> Result<Duration> {
    let hint = "expected whole numbers with units, as in 90s, 30m, 1h30m or 500ms";
    let invalid = |why: &str| {
        Error::Invalid(format!(
            "invalid duration `{}`: {why}; {hint}",
            crate::error::shown(text)
        ))
    };
    if text.trim().is_empty() {
        return Err(Error::Invalid(format!("empty duration; {hint}")));
    }
    if text.trim_start().starts_with('-') {
        return Err(invalid("a duration cannot be negative"));
    }
    if text.contains('.') {
        return Err(invalid("fractions are not accepted"));
    }
    humantime::parse_duration(text).map_err(|e| match e {
        humantime::DurationError::UnknownUnit { unit, .. } if unit.is_empty() => {
            invalid("a unit is needed")
        }
        humantime::DurationError::NumberExpected(_) => invalid("a number is needed"),
        humantime::DurationError::NumberOverflow => invalid("the number is too large"),
        other => invalid(&other.to_string()),
    })
}

/// Formats a duration in sessim's one stable format: units from days down, zero parts left
/// out, as in `1h30m`, `2d3h`, `1s500ms` or `0s`. The result parses back with
/// [`parse_duration`].
pub struct Span(pub Duration);

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.0;
        if d.is_zero() {
            return f.write_str("0s");
        }
        let secs = d.as_secs();
        let parts = [
            (secs / 86_400, "d"),
            (secs / 3_600 % 24, "h"),
            (secs / 60 % 60, "m"),
            (secs % 60, "s"),
        ];
        for (n, unit) in parts {
            if n > 0 {
                write!(f, "{n}{unit}")?;
            }
        }
        let sub = d.subsec_nanos();
        match sub {
            0 => Ok(()),
            n if n % 1_000_000 == 0 => write!(f, "{}ms", n / 1_000_000),
            n if n % 1_000 == 0 => write!(f, "{}us", n / 1_000),
            n => write!(f, "{n}ns"),
        }
    }
}

/// A signed span: `-` before the magnitude when negative.
pub struct SignedSpan(pub i128);

impl fmt::Display for SignedSpan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 < 0 {
            f.write_str("-")?;
        }
        Span(duration_from_nanos(self.0.abs())).fmt(f)
    }
}

impl serde::Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_print_compactly_and_parse_back() {
        for (nanos, text) in [
            (0u64, "0s"),
            (90 * NANOS_PER_SEC as u64, "1m30s"),
            (5_400 * NANOS_PER_SEC as u64, "1h30m"),
            (500_000_000, "500ms"),
            (1_500_000_000, "1s500ms"),
            (1, "1ns"),
            (2_000, "2us"),
            (
                86_400 * NANOS_PER_SEC as u64 + 3_600 * NANOS_PER_SEC as u64,
                "1d1h",
            ),
        ] {
            let d = Duration::from_nanos(nanos);
            assert_eq!(Span(d).to_string(), text);
            assert_eq!(parse_duration(text).unwrap(), d, "{text} parses back");
        }
    }

    #[test]
    fn default_start_prints_as_rfc3339() {
        assert_eq!(DEFAULT_START.to_string(), "2026-01-01T00:00:00Z");
        let t = Time::parse_rfc3339("2026-01-01T00:00:00.5+01:00").unwrap();
        assert_eq!(t.to_string(), "2025-12-31T23:00:00.500Z");
    }

    #[test]
    fn unix_secs_floors_like_go() {
        assert_eq!(Time(-1).unix_secs(), -1);
        assert_eq!(Time(1_999_999_999).unix_secs(), 1);
    }

    #[test]
    fn bad_durations_are_errors() {
        for bad in ["-5m", "10", "1.5h", "abc", "", "99999999999999999999999y"] {
            assert!(parse_duration(bad).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn adding_past_the_end_is_an_error() {
        assert!(Time::MAX.plus(Duration::from_nanos(1)).is_err());
        assert!(DEFAULT_START.plus(Duration::from_secs(u64::MAX)).is_err());
    }
}
