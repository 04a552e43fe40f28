//! Changing the manager's settings as it runs: each change is an operation at an instant,
//! so the GC runs due by then fire first, under the settings they were due under.

use std::time::Duration;

use super::config::{capacity_error, check_coin, check_hz, positive};
use super::{Manager, MaxAge};
use crate::basics::time::Time;
use crate::gc;
use crate::rules::Defects;
use crate::store::Store;
use crate::{Error, Result};

impl<S: Store> Manager<S> {
    /// Takes on the settings of `config` that can change as it runs (all but the log's
    /// capacity), each as its own setter would, in the order the `config` table lists them.
    pub fn adopt_settings(&mut self, config: &super::Config, now: Time) -> Result<()> {
        let c = self.config.clone();
        if config.defects != c.defects {
            self.set_defects(config.defects, now)?;
        }
        if config.cookie_name != c.cookie_name {
            self.set_cookie_name(&config.cookie_name)?;
        }
        if config.cookie_max_age != c.cookie_max_age {
            self.set_cookie_max_age(config.cookie_max_age)?;
        }
        if config.cookie_httponly != c.cookie_httponly {
            self.set_cookie_httponly(config.cookie_httponly);
        }
        if config.rotate_after != c.rotate_after {
            self.set_rotate_after(config.rotate_after)?;
        }
        if config.max_lifetime != c.max_lifetime {
            self.set_max_lifetime(config.max_lifetime, now)?;
        }
        if config.absolute_lifetime != c.absolute_lifetime {
            self.set_absolute_lifetime(config.absolute_lifetime, now)?;
        }
        if config.gc != c.gc {
            self.set_gc(config.gc, now)?;
        }
        if config.gc_interval != c.gc_interval {
            self.set_gc_interval(config.gc_interval, now)?;
        }
        if config.auto_gc != c.auto_gc {
            self.set_auto_gc(config.auto_gc, now)?;
        }
        if (config.gc_probability, config.gc_divisor) != (c.gc_probability, c.gc_divisor) {
            self.set_gc_coin(Some(config.gc_probability), Some(config.gc_divisor), now)?;
        }
        if config.gc_hz != c.gc_hz {
            self.set_gc_hz(config.gc_hz, now)?;
        }
        if config.capacity != c.capacity {
            self.set_capacity(config.capacity)?;
        }
        Ok(())
    }

    /// Sets max-lifetime. If the GC interval follows it, the timer is re-armed from now.
    pub fn set_max_lifetime(&mut self, d: Duration, now: Time) -> Result<()> {
        positive("max-lifetime", d)?;
        // The runs due by `now` fire first, under the settings they were due under.
        self.operation(now, |m| {
            m.note_held()?;
            m.config.max_lifetime = d;
            let restart = m.config.gc_interval.is_none();
            m.reconfigure_gc(now, restart)
        })
    }

    /// Sets the GC interval (`None`: follow max-lifetime) and re-arms the timer from now.
    pub fn set_gc_interval(&mut self, d: Option<Duration>, now: Time) -> Result<()> {
        if let Some(d) = d {
            positive("gc-interval", d)?;
        }
        self.operation(now, |m| {
            m.config.gc_interval = d;
            m.reconfigure_gc(now, true)
        })
    }

    /// Turns the GC timer on or off. Turning it on runs GC now, as `go GC()` would.
    pub fn set_auto_gc(&mut self, on: bool, now: Time) -> Result<()> {
        self.operation(now, |m| {
            m.config.auto_gc = on;
            m.reconfigure_gc(now, false)
        })
    }

    /// Sets the defects reproduced from now on, once the runs due by `now` have fired.
    pub fn set_defects(&mut self, defects: Defects, now: Time) -> Result<()> {
        self.operation(now, |m| {
            m.note_held()?;
            m.config.defects = defects;
            Ok(())
        })
    }

    /// Sets the absolute lifetime (`None`: none), once the runs due by `now` have fired.
    pub fn set_absolute_lifetime(&mut self, d: Option<Duration>, now: Time) -> Result<()> {
        if let Some(d) = d {
            positive("absolute-lifetime", d)?;
        }
        self.operation(now, |m| {
            m.note_held()?;
            m.config.absolute_lifetime = d;
            Ok(())
        })
    }

    /// Changes the GC strategy at `now`. The new one starts afresh, as at start-up: a timer
    /// runs at once, sampling cycles start now, PHP's coins are counted from here. The
    /// strategy in force, named again, goes on as it is.
    pub fn set_gc(&mut self, kind: gc::Kind, now: Time) -> Result<()> {
        self.operation(now, |m| {
            if kind == m.config.gc {
                // The strategy in force goes on as it is.
                return Ok(());
            }
            m.config.gc = kind;
            m.gc = gc::build(kind, now, &m.config.gc_settings(m.gc_seed));
            m.store.keep_pool(m.gc.samples())?;
            m.gc_watches_starts = m.gc.watches_session_starts();
            m.gc_due = m.gc.next_due();
            m.fire_due(now)
        })
    }

    /// Sets PHP's coin: `probability`/`divisor`, as `session.gc_probability` and
    /// `session.gc_divisor`; either may be left as it is.
    pub fn set_gc_coin(
        &mut self,
        probability: Option<u32>,
        divisor: Option<u32>,
        now: Time,
    ) -> Result<()> {
        let p = probability.unwrap_or(self.config.gc_probability);
        let d = divisor.unwrap_or(self.config.gc_divisor);
        check_coin(p, d)?;
        self.operation(now, |m| {
            (m.config.gc_probability, m.config.gc_divisor) = (p, d);
            m.reconfigure_gc(now, false)
        })
    }

    /// Sets the sampling cycles a second; cycles go on from now at the new rate.
    pub fn set_gc_hz(&mut self, hz: u32, now: Time) -> Result<()> {
        check_hz(hz)?;
        self.operation(now, |m| {
            m.config.gc_hz = hz;
            m.reconfigure_gc(now, false)
        })
    }

    /// Sets the capacity (`None`: unlimited). It takes effect at the next creation.
    pub fn set_capacity(&mut self, capacity: Option<usize>) -> Result<()> {
        if capacity == Some(0) {
            return Err(capacity_error("0"));
        }
        self.config.capacity = capacity;
        Ok(())
    }

    /// Sets the name of the session cookie: an HTTP token (RFC 6265), such as `sid`.
    pub fn set_cookie_name(&mut self, name: &str) -> Result<()> {
        let separator = |c: char| "()<>@,;:\\\"/[]?={}".contains(c);
        let token = !name.is_empty() && name.chars().all(|c| c.is_ascii_graphic() && !separator(c));
        if !token {
            return Err(Error::Invalid(format!(
                "invalid cookie-name `{}`: a cookie name is letters, digits and \
                 !#$%&'*+-.^_`|~, as gosessionid",
                crate::error::shown(name)
            )));
        }
        self.config.cookie_name = name.to_owned();
        Ok(())
    }

    /// Sets the session cookie's `Max-Age`, for cookies sent from now on.
    pub fn set_cookie_max_age(&mut self, age: MaxAge) -> Result<()> {
        if let MaxAge::Fixed(d) = age {
            positive("cookie-max-age", d)?;
        }
        self.config.cookie_max_age = age;
        Ok(())
    }

    /// Sets whether the session cookie is `HttpOnly`, for cookies sent from now on.
    pub fn set_cookie_httponly(&mut self, on: bool) {
        self.config.cookie_httponly = on;
    }

    /// Sets how old `createtime` may get before `/count` rotates the id (`None`: never).
    pub fn set_rotate_after(&mut self, d: Option<Duration>) -> Result<()> {
        if let Some(d) = d {
            positive("rotate-after", d)?;
        }
        self.config.rotate_after = d;
        Ok(())
    }

    fn reconfigure_gc(&mut self, now: Time, restart: bool) -> Result<()> {
        let settings = self.config.gc_settings(self.gc_seed);
        self.gc.reconfigure(now, &settings, restart);
        self.gc_due = self.gc.next_due();
        self.fire_due(now)
    }
}
