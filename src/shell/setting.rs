//! The settings `config` shows and changes, and the parsers of their values.

use super::commands::nearest;
use crate::{Error, Result};

/// A setting `config` shows; [`Setting::is_settable`] tells which can be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each variant is the setting that `name` and `meaning` describe.
pub enum Setting {
    Provider,
    Defects,
    CookieName,
    CookieMaxAge,
    CookieHttponly,
    RotateAfter,
    MaxLifetime,
    AbsoluteLifetime,
    Gc,
    GcInterval,
    AutoGc,
    NextGc,
    GcProbability,
    GcDivisor,
    GcHz,
    Capacity,
    Clock,
    Seed,
    LogCapacity,
}

impl Setting {
    /// Every setting, in table order.
    pub const ALL: [Setting; 19] = [
        Setting::Provider,
        Setting::Defects,
        Setting::CookieName,
        Setting::CookieMaxAge,
        Setting::CookieHttponly,
        Setting::RotateAfter,
        Setting::MaxLifetime,
        Setting::AbsoluteLifetime,
        Setting::Gc,
        Setting::GcInterval,
        Setting::AutoGc,
        Setting::NextGc,
        Setting::GcProbability,
        Setting::GcDivisor,
        Setting::GcHz,
        Setting::Capacity,
        Setting::Clock,
        Setting::Seed,
        Setting::LogCapacity,
    ];

    /// The setting's name.
    pub fn name(self) -> &'static str {
        match self {
            Setting::Provider => "provider",
            Setting::Defects => "defects",
            Setting::CookieName => "cookie-name",
            Setting::CookieMaxAge => "cookie-max-age",
            Setting::CookieHttponly => "cookie-httponly",
            Setting::RotateAfter => "rotate-after",
            Setting::MaxLifetime => "max-lifetime",
            Setting::AbsoluteLifetime => "absolute-lifetime",
            Setting::Gc => "gc",
            Setting::GcInterval => "gc-interval",
            Setting::AutoGc => "auto-gc",
            Setting::NextGc => "next-gc",
            Setting::GcProbability => "gc-probability",
            Setting::GcDivisor => "gc-divisor",
            Setting::GcHz => "gc-hz",
            Setting::Capacity => "capacity",
            Setting::Clock => "clock",
            Setting::Seed => "seed",
            Setting::LogCapacity => "log-capacity",
        }
    }

    /// What the setting means, as `config` explains it.
    pub fn meaning(self) -> &'static str {
        match self {
            Setting::Provider => "where sessions are stored (--provider)",
            Setting::Defects => "the book's defects reproduced (help book)",
            Setting::CookieName => "the manager's cookie name",
            Setting::CookieMaxAge => "the cookie's Max-Age (auto: max-lifetime)",
            Setting::CookieHttponly => "whether scripts are kept from the cookie",
            Setting::RotateAfter => "age of createtime at which /count rotates",
            Setting::MaxLifetime => "idle time before a session expires",
            Setting::AbsoluteLifetime => "time from creation to expiry, however active",
            Setting::Gc => "when expired sessions are swept (help gc)",
            Setting::GcInterval => "timer: its period (auto: max-lifetime)",
            Setting::AutoGc => "whether the strategy sweeps by itself",
            Setting::NextGc => "when the strategy acts next by itself",
            Setting::GcProbability => "php: the coin's chance, over gc-divisor",
            Setting::GcDivisor => "php: see gc-probability",
            Setting::GcHz => "sampling: cycles a second",
            Setting::Capacity => "most sessions stored; the back one is evicted",
            Setting::Clock => "virtual or system (--clock)",
            Setting::Seed => "seeded ids are predictable (--seed)",
            Setting::LogCapacity => "events the log keeps",
        }
    }

    /// Whether `config NAME VALUE` may change it.
    pub fn is_settable(self) -> bool {
        matches!(
            self,
            Setting::Defects
                | Setting::CookieName
                | Setting::CookieMaxAge
                | Setting::CookieHttponly
                | Setting::RotateAfter
                | Setting::MaxLifetime
                | Setting::AbsoluteLifetime
                | Setting::Gc
                | Setting::GcInterval
                | Setting::AutoGc
                | Setting::GcProbability
                | Setting::GcDivisor
                | Setting::GcHz
                | Setting::Capacity
        )
    }

    /// The values offered when completing `config NAME `.
    pub fn choices(self) -> &'static [&'static str] {
        match self {
            Setting::Defects => &[
                "none", "all", "B1", "B3", "B4", "B5", "B7", "B8", "B11", "B14",
            ],
            Setting::AutoGc | Setting::CookieHttponly => &["on", "off"],
            Setting::CookieMaxAge => &["auto", "session"],
            Setting::RotateAfter | Setting::AbsoluteLifetime => &["off"],
            Setting::Gc => &["timer", "lazy", "php", "sampling"],
            Setting::GcInterval => &["auto"],
            Setting::Capacity => &["none"],
            _ => &[],
        }
    }

    /// The names of the settings that can be changed, as a sentence.
    pub fn settable_names() -> String {
        let names: Vec<&str> = Setting::ALL
            .iter()
            .filter(|s| s.is_settable())
            .map(|s| s.name())
            .collect();
        let (last, rest) = names.split_last().unwrap_or((&"", &[]));
        format!("{} and {last}", rest.join(", "))
    }

    /// The setting called `word`.
    pub fn parse(word: &str) -> Result<Setting> {
        Setting::ALL
            .into_iter()
            .find(|s| s.name() == word)
            .ok_or_else(|| {
                let names = Setting::ALL.iter().map(|s| s.name());
                let guess = nearest(word, names.clone())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Error::Usage(format!(
                    "unknown setting `{word}`; {guess}settings are {}",
                    names.collect::<Vec<_>>().join(", ")
                ))
            })
    }
}

/// `on` or `off`.
pub fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// Parses `on`/`off` (or `true`/`false`, `yes`/`no`) for setting `name`.
pub fn parse_switch(name: &str, value: &str) -> Result<bool> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        other => Err(Error::Invalid(format!(
            "invalid {name} `{other}`: expected on or off (or true/false, yes/no)"
        ))),
    }
}

/// Parses a capacity: a whole number above 0, or `none`.
pub fn parse_capacity(value: &str) -> Result<Option<usize>> {
    match value {
        "none" | "unlimited" => Ok(None),
        text => match text.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(crate::manager::config::capacity_error(text)),
        },
    }
}

/// Parses a whole number for setting `name`, at most `most`.
pub fn parse_count(name: &str, value: &str, most: u32) -> Result<u32> {
    let n: u64 = value.parse().map_err(|e: std::num::ParseIntError| {
        let why = match e.kind() {
            std::num::IntErrorKind::PosOverflow => "it is too large",
            _ => "expected a whole number, as in 100",
        };
        Error::Invalid(format!(
            "invalid {name} `{}`: {why}",
            crate::error::shown(value)
        ))
    })?;
    u32::try_from(n)
        .ok()
        .filter(|&n| n <= most)
        .ok_or_else(|| Error::Invalid(format!("{name} {n} is out of range: at most {most}")))
}
