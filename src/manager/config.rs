//! The manager's settings, and the checks on the values a user can give them.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::basics::time::Span;
use crate::gc::{self, Kind};
use crate::rules::Defects;
use crate::{Error, Result};

/// The manager's settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Config {
    /// The cookie name, as in `NewManager("memory", "gosessionid", 3600)`.
    pub cookie_name: String,
    /// The book's defects that are reproduced.
    pub defects: Defects,
    /// How long a session may stay idle before it expires.
    pub max_lifetime: Duration,
    /// The period of the GC timer; `None` follows `max_lifetime`, as the book does.
    pub gc_interval: Option<Duration>,
    /// Whether the GC strategy sweeps by itself.
    pub auto_gc: bool,
    /// The GC strategy.
    pub gc: Kind,
    /// PHP's `session.gc_probability`: the coin's numerator.
    pub gc_probability: u32,
    /// PHP's `session.gc_divisor`: the coin's denominator.
    pub gc_divisor: u32,
    /// Redis's `hz`: sampling cycles a second.
    pub gc_hz: u32,
    /// How long a session may live however active it is; `None`: no limit.
    pub absolute_lifetime: Option<Duration>,
    /// The most sessions stored at once; `None` is unlimited.
    pub capacity: Option<usize>,
    /// How many events the log keeps.
    pub log_capacity: usize,
    /// The session cookie's `Max-Age`.
    pub cookie_max_age: MaxAge,
    /// Whether the session cookie is `HttpOnly`, hidden from scripts.
    pub cookie_httponly: bool,
    /// How old a session's `createtime` may be before `/count` rotates its id; `None`: never.
    pub rotate_after: Option<Duration>,
}

/// The session cookie's `Max-Age`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MaxAge {
    /// max-lifetime's, in whole seconds, as `NewManager` sets it.
    Lifetime,
    /// This long, in whole seconds.
    Fixed(Duration),
    /// None: the cookie lasts until the browser closes.
    Session,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cookie_name: "gosessionid".into(),
            defects: Defects::NONE,
            max_lifetime: Duration::from_secs(3600),
            gc_interval: None,
            auto_gc: true,
            gc: Kind::Timer,
            gc_probability: 1,
            gc_divisor: 100,
            gc_hz: 10,
            absolute_lifetime: None,
            capacity: None,
            log_capacity: crate::manager::log::DEFAULT_LOG_CAPACITY,
            cookie_max_age: MaxAge::Lifetime,
            cookie_httponly: true,
            rotate_after: Some(Duration::from_secs(360)),
        }
    }
}

impl Config {
    /// The GC timer's period in force.
    pub fn interval(&self) -> Duration {
        self.gc_interval.unwrap_or(self.max_lifetime)
    }

    /// What the GC strategies read, with their draws' seed.
    pub fn gc_settings(&self, seed: u64) -> gc::Settings {
        gc::Settings {
            interval: self.interval(),
            on: self.auto_gc,
            probability: self.gc_probability,
            divisor: self.gc_divisor,
            hz: self.gc_hz,
            seed,
        }
    }

    /// The `Max-Age` the session cookie is sent with, in whole seconds; `None` for none, as
    /// Go's `http.Cookie` writes none for a `MaxAge` of 0 (a max-lifetime under a second).
    pub fn cookie_max_age_secs(&self) -> Option<u64> {
        let age = match self.cookie_max_age {
            MaxAge::Lifetime => self.max_lifetime,
            MaxAge::Fixed(d) => d,
            MaxAge::Session => return None,
        };
        Some(age.as_secs()).filter(|&s| s > 0)
    }

    /// Checks the values a user can set; see [`crate::manager::Manager::set_max_lifetime`]
    /// and friends.
    pub fn validate(&self) -> Result<()> {
        positive("max-lifetime", self.max_lifetime)?;
        if let Some(i) = self.gc_interval {
            positive("gc-interval", i)?;
        }
        if self.capacity == Some(0) {
            return Err(capacity_error("0"));
        }
        if let Some(d) = self.absolute_lifetime {
            positive("absolute-lifetime", d)?;
        }
        check_coin(self.gc_probability, self.gc_divisor)?;
        check_hz(self.gc_hz)
    }
}

/// Refuses a zero duration, or one past the clock's range.
pub fn positive(name: &str, d: Duration) -> Result<()> {
    if d.is_zero() {
        return Err(Error::Invalid(format!(
            "{name} must be longer than 0s, as in 30m or 1h"
        )));
    }
    if i64::try_from(d.as_nanos()).is_err() {
        return Err(Error::Invalid(format!(
            "{name} {} is too long; it must be under 292 years",
            Span(d)
        )));
    }
    Ok(())
}

/// The error for a capacity that is not a positive integer.
pub fn capacity_error(given: &str) -> Error {
    Error::Invalid(format!(
        "invalid capacity `{given}`: expected a whole number of sessions above 0, or `none` \
         (also `unlimited`)"
    ))
}

/// The most sampling cycles a second: one a microsecond.
pub const MAX_HZ: u32 = 1_000_000;

/// Refuses a coin PHP would not toss: a divisor of 0, or a probability above it.
pub fn check_coin(probability: u32, divisor: u32) -> Result<()> {
    if divisor == 0 {
        return Err(Error::Invalid(
            "gc-divisor must be 1 or more (PHP's default is 100)".into(),
        ));
    }
    if probability > divisor {
        return Err(Error::Invalid(format!(
            "gc-probability {probability} is above gc-divisor {divisor}; the coin's chance is \
             gc-probability/gc-divisor, at most 1"
        )));
    }
    Ok(())
}

/// Refuses a sampling rate outside 1 to [`MAX_HZ`] cycles a second.
pub fn check_hz(hz: u32) -> Result<()> {
    if !(1..=MAX_HZ).contains(&hz) {
        return Err(Error::Invalid(format!(
            "gc-hz {hz} is out of range: 1 to {MAX_HZ} cycles a second (Redis's default is 10)"
        )));
    }
    Ok(())
}
