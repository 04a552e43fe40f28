//! The book's strategy: the manager's `GC()` runs `SessionGC`, then arms a timer to run
//! itself again one interval later.

use std::time::Duration;

use super::{Cause, Kind, Looks, Settings, Strategy, Sweeper, periodic};
use crate::Result;
use crate::basics::time::Time;
use crate::store::Scan;

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
    fn kind(&self) -> Kind {
        Kind::Timer
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
        periodic(
            &mut self.next,
            self.period,
            now,
            sweeper,
            (Scan::Back, Looks::Sweep(Scan::Back)),
            |sweeper, at| sweeper.sweep(at, Scan::Back, Cause::Timer).map(drop),
            |_| {},
        )
    }

    fn reconfigure(&mut self, now: Time, settings: &Settings, restart: bool) {
        let (period, on) = (settings.interval, settings.on);
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
        fn first_reap(&self, _scan: Scan) -> Result<Option<Time>> {
            Ok(self.reap_at)
        }

        fn sweep(&mut self, at: Time, _scan: Scan, _cause: Cause) -> Result<GcReport> {
            self.swept.push(at);
            self.reap_at = None;
            Ok(GcReport::default())
        }

        fn sample(&mut self, _at: Time, _draws: crate::store::Cycle) -> Result<GcReport> {
            unreachable!("a timer does not sample")
        }

        fn skip_quiet(&mut self, runs: u64, first: Time, last: Time, _: Looks) -> Result<()> {
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
        let settings = |secs, on| Settings {
            interval: Duration::from_secs(secs),
            on,
            probability: 1,
            divisor: 100,
            hz: 10,
            seed: 0,
        };
        let mut t = Timer::new(at(0), Duration::from_secs(10), false);
        assert_eq!(t.next_due(), None);
        t.reconfigure(at(5), &settings(10, true), false);
        assert_eq!(t.next_due(), Some(at(5)));
        t.reconfigure(at(7), &settings(3, true), true);
        assert_eq!(t.next_due(), Some(at(10)));
        t.reconfigure(at(8), &settings(3, false), true);
        assert_eq!(t.next_due(), None);
    }
}
