//! Changing the manager's settings as it runs: each change is an operation at an instant,
//! so the GC runs due by then fire first, under the settings they were due under.

use std::time::Duration;

use super::Manager;
use super::config::{capacity_error, positive};
use crate::Result;
use crate::basics::time::Time;
use crate::rules::Defects;
use crate::store::Store;

impl<S: Store> Manager<S> {
    /// Sets max-lifetime. If the GC interval follows it, the timer is re-armed from now.
    pub fn set_max_lifetime(&mut self, d: Duration, now: Time) -> Result<()> {
        positive("max-lifetime", d)?;
        // The runs due by `now` fire first, under the settings they were due under.
        self.operation(now, |m| {
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
            m.config.defects = defects;
            Ok(())
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

    fn reconfigure_gc(&mut self, now: Time, restart: bool) -> Result<()> {
        let (period, on) = (self.config.interval(), self.config.auto_gc);
        self.gc.reconfigure(now, period, on, restart);
        self.gc_due = self.gc.next_due();
        self.fire_due(now)
    }
}
