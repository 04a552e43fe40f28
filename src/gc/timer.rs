//! The book's strategy: the manager's `GC()` runs `SessionGC`, then arms a timer to run
//! itself again one interval later.

use std::time::Duration;

use super::{Strategy, Sweeper};
use crate::Result;
use crate::basics::time::Time;

/// A periodic `SessionGC`, first at the start (as `go globalSessions.GC()`), then every
/// interval, each run at its own instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timer {
    period: Duration,
    on: bool,
    next: Option<Time>,
}

impl Timer {
    /// A timer with `period` that, when `on`, first fires at `start`.
    pub fn new(start: Time, period: Duration, on: bool) -> Timer {
        Timer {
            period,
            on,
            next: on.then_some(start),
        }
    }
}

impl Strategy for Timer {
    fn name(&self) -> &'static str {
        "timer"
    }

    fn next_due(&self) -> Option<Time> {
        self.next
    }

    /// Fires every run due by `now`, in order.
    ///
    /// A run reaps something only once the back session has expired, and nothing changes
    /// between runs, so the quiet runs before that instant are counted, not performed: the
    /// cost is in proportion to the runs that reap.
    fn run_due(&mut self, now: Time, sweeper: &mut dyn Sweeper) -> Result<()> {
        let interval = self.period.as_nanos() as i128;
        while let Some(at) = self.next.filter(|&t| t <= now) {
            let reap_at = sweeper.first_reap()?;
            if reap_at.is_some_and(|r| r <= at) {
                sweeper.sweep(at)?;
                self.next = at.checked_add(self.period);
                continue;
            }
            // Quiet runs: those before `reap_at` and not after `now`.
            let before_reap = reap_at.map_or(i128::MAX, |r| r.nanos_since(at) - 1);
            let quiet = before_reap.min(now.nanos_since(at)) / interval + 1;
            let at_nanos = i128::from(at.unix_nanos());
            let last = Time::saturating_from_nanos(at_nanos + (quiet - 1) * interval);
            // Saturating: 1ns runs over the whole timeline number 2^64, one more than u64.
            sweeper.skip_quiet(u64::try_from(quiet).unwrap_or(u64::MAX), at, last)?;
            self.next = i64::try_from(at_nanos + quiet * interval)
                .ok()
                .map(Time::from_unix_nanos);
        }
        Ok(())
    }

    fn reconfigure(&mut self, now: Time, period: Duration, on: bool, restart: bool) {
        self.period = period;
        if on != self.on {
            // Turned on, it runs at once, as `go GC()` would; turned off, never again.
            self.on = on;
            self.next = on.then_some(now);
        } else if on && restart {
            self.next = now.checked_add(period);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gc::GcReport;

    /// A store whose back session expires at `reap_at`, and a record of what was asked.
    struct Fake {
        reap_at: Option<Time>,
        swept: Vec<Time>,
        quiet: Vec<(u64, Time, Time)>,
    }

    impl Sweeper for Fake {
        fn first_reap(&self) -> Result<Option<Time>> {
            Ok(self.reap_at)
        }

        fn sweep(&mut self, at: Time) -> Result<GcReport> {
            self.swept.push(at);
            self.reap_at = None;
            Ok(GcReport::default())
        }

        fn skip_quiet(&mut self, runs: u64, first: Time, last: Time) -> Result<()> {
            self.quiet.push((runs, first, last));
            Ok(())
        }
    }

    fn at(secs: i64) -> Time {
        Time::from_unix_nanos(secs * 1_000_000_000)
    }

    #[test]
    fn quiet_runs_are_counted_and_the_reaping_one_performed() {
        let mut t = Timer::new(at(0), Duration::from_secs(10), true);
        let mut s = Fake {
            reap_at: Some(at(35)),
            swept: vec![],
            quiet: vec![],
        };
        t.run_due(at(65), &mut s).unwrap();
        assert_eq!(s.quiet, [(4, at(0), at(30)), (2, at(50), at(60))]);
        assert_eq!(s.swept, [at(40)]);
        assert_eq!(t.next_due(), Some(at(70)));
    }

    #[test]
    fn turning_on_runs_at_once_and_a_restart_rearms_from_now() {
        let mut t = Timer::new(at(0), Duration::from_secs(10), false);
        assert_eq!(t.next_due(), None);
        t.reconfigure(at(5), Duration::from_secs(10), true, false);
        assert_eq!(t.next_due(), Some(at(5)));
        t.reconfigure(at(7), Duration::from_secs(3), true, true);
        assert_eq!(t.next_due(), Some(at(10)));
        t.reconfigure(at(8), Duration::from_secs(3), false, true);
        assert_eq!(t.next_due(), None);
    }
}
