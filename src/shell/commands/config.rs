//! `config`: the manager's settings, shown and changed at run time.

use super::{Command, Complete, Kind};
use std::time::Duration;

use crate::basics::time::{Span, Time, parse_duration};
use crate::gc;
use crate::manager::MaxAge;
use crate::manager::config::MAX_HZ;
use crate::rules::{Defect, Defects};
use crate::shell::Shell;
use crate::shell::args::Args;
use crate::shell::reply::{ConfigView, Reply};
use crate::shell::setting::{Setting, parse_capacity, parse_count, parse_switch};
use crate::{Error, Result};

/// `config [NAME [VALUE]]`
pub const CONFIG: Command = Command {
    name: "config",
    args: "[NAME [VALUE]]",
    summary: "show the settings, or change one",
    detail: "With no argument, a table of the settings. With NAME, its value. With NAME \
             VALUE, changes it: defects none, all or a list such as B1,B7 (see `help \
             book`); max-lifetime DURATION; gc-interval DURATION, or `auto` to follow \
             max-lifetime; auto-gc on|off (turning it on runs GC now); capacity N, or \
             `none`; cookie-name NAME; cookie-max-age DURATION, `auto` (max-lifetime, as \
             the book) or `session` (no Max-Age); cookie-httponly on|off; rotate-after \
             DURATION or `off`; absolute-lifetime DURATION or `off`; gc timer, lazy, php or \
             sampling (see `help gc`); gc-probability N and gc-divisor N (php's coin); gc-hz N \
             (sampling cycles a second). A new max-lifetime or gc-interval re-arms the GC timer \
             from now; a new gc starts afresh. A lower capacity takes effect at the next \
             creation.",
    example: "config max-lifetime 30m",
    mirrors: "NewManager(\"memory\", \"gosessionid\", 3600)",
    completes: &[Complete::Setting, Complete::SettingValue],
    // Changing a setting is a manager operation; showing one catches up by hand.
    kind: Kind::Act,
    run: config,
};

fn config(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let setting = a.opt_word().map(|w| Setting::parse(&w)).transpose()?;
    let value = a.opt_word();
    let Some(setting) = setting else {
        sh.catch_up()?;
        return Ok(Reply::Config(view(sh)));
    };
    let changed = value.is_some();
    match value {
        Some(value) => apply(sh, setting, &value)?,
        None => sh.catch_up()?,
    }
    Ok(Reply::Setting {
        name: setting.name(),
        value: view(sh).value(setting),
        note: changed.then(|| whole_seconds(sh, setting)).flatten(),
    })
}

/// With B8 the book compares whole seconds: said once, when a change makes a fraction of a
/// second in max-lifetime count for nothing.
fn whole_seconds(sh: &Shell, setting: Setting) -> Option<String> {
    let rules = sh.manager.rules();
    let lifetime = rules.max_lifetime;
    let relevant = matches!(setting, Setting::MaxLifetime | Setting::Defects);
    (relevant && rules.defects.has(Defect::B8) && lifetime.subsec_nanos() != 0).then(|| {
        format!(
            "with B8, expiry compares whole seconds, so max-lifetime {} counts as {}",
            Span(lifetime),
            Span(Duration::from_secs(lifetime.as_secs()))
        )
    })
}

fn apply(sh: &mut Shell, setting: Setting, value: &str) -> Result<()> {
    let now: Time = sh.now();
    let m = &mut sh.manager;
    match setting {
        Setting::Defects => m.set_defects(Defects::parse(value)?, now),
        Setting::MaxLifetime => m.set_max_lifetime(parse_duration(value)?, now),
        Setting::GcInterval => {
            let d = match value {
                "auto" => None,
                text => Some(parse_duration(text)?),
            };
            m.set_gc_interval(d, now)
        }
        Setting::AutoGc => m.set_auto_gc(parse_switch("auto-gc", value)?, now),
        Setting::Gc => m.set_gc(gc::Kind::parse(value)?, now),
        Setting::AbsoluteLifetime => {
            m.set_absolute_lifetime(
                match value {
                    "off" => None,
                    text => Some(parse_duration(text).map_err(|e| {
                        Error::Invalid(format!("{e}; or `off` for absolute-lifetime"))
                    })?),
                },
                now,
            )
        }
        Setting::GcProbability => m.set_gc_coin(
            Some(parse_count("gc-probability", value, u32::MAX)?),
            None,
            now,
        ),
        Setting::GcDivisor => {
            m.set_gc_coin(None, Some(parse_count("gc-divisor", value, u32::MAX)?), now)
        }
        Setting::GcHz => m.set_gc_hz(parse_count("gc-hz", value, MAX_HZ)?, now),
        Setting::CookieName => m.set_cookie_name(value),
        Setting::CookieMaxAge => m.set_cookie_max_age(match value {
            "auto" => MaxAge::Lifetime,
            "session" => MaxAge::Session,
            text => MaxAge::Fixed(parse_duration(text).map_err(|e| {
                Error::Invalid(format!("{e}; or `auto` (max-lifetime) or `session`"))
            })?),
        }),
        Setting::CookieHttponly => {
            m.set_cookie_httponly(parse_switch("cookie-httponly", value)?);
            Ok(())
        }
        Setting::RotateAfter => m.set_rotate_after(match value {
            "off" => None,
            text => Some(
                parse_duration(text)
                    .map_err(|e| Error::Invalid(format!("{e}; or `off` for rotate-after")))?,
            ),
        }),
        Setting::Capacity => m.set_capacity(parse_capacity(value)?),
        fixed => Err(Error::Invalid(format!(
            "`{}` cannot be changed; only {} can",
            fixed.name(),
            Setting::settable_names()
        ))),
    }
}

/// The settings in force.
fn view(sh: &Shell) -> ConfigView {
    let m = &sh.manager;
    let c = m.config();
    ConfigView {
        provider: m.store().name(),
        defects: c.defects,
        cookie_name: c.cookie_name.clone(),
        cookie_max_age: c.cookie_max_age,
        cookie_max_age_secs: c.cookie_max_age_secs(),
        cookie_httponly: c.cookie_httponly,
        rotate_after: c.rotate_after,
        max_lifetime: c.max_lifetime,
        gc_interval: c.gc_interval,
        gc_interval_in_force: c.interval(),
        auto_gc: c.auto_gc,
        gc: c.gc,
        gc_probability: c.gc_probability,
        gc_divisor: c.gc_divisor,
        gc_hz: c.gc_hz,
        absolute_lifetime: c.absolute_lifetime,
        next_gc: m.next_gc(),
        capacity: c.capacity,
        clock: sh.options.clock.name(),
        seed: sh.options.seed,
        log_capacity: m.log().capacity(),
    }
}
