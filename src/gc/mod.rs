//! GC strategies: when expired sessions are swept. The rules decide what is expired; a
//! strategy decides only when to look.
//!
//! A [`Strategy`] drives a [`Sweeper`], which the manager lends it: the sweeper runs the
//! book's `SessionGC` at an instant, and counts runs that had nothing to do. Every
//! strategy fits this shape:
//! - `timer` (the book's manager, [`Timer`]) runs `SessionGC` every interval, from
//!   [`Strategy::run_due`];
//! - a lazy strategy never sweeps: its [`Strategy::next_due`] is `None` and it ignores
//!   requests, so expired sessions leave only when an access finds them;
//! - PHP's coin is tossed in [`Strategy::session_started`], at each `SessionStart`, and a hit
//!   sweeps at once;
//! - Redis's sampling runs cycles from [`Strategy::run_due`] at its own rate, each asking
//!   the sweeper for a sample of sessions rather than a walk from the back.
//!
//! Quiet periods cost nothing: the manager calls [`Strategy::run_due`] only once `now` has
//! reached [`Strategy::next_due`], and a strategy skips, in O(1), the runs that cannot reap,
//! knowing from [`Sweeper::first_reap`] when the first session could.

mod timer;

use serde::Serialize;

pub use timer::Timer;

use crate::Result;
use crate::basics::time::Time;

/// What one GC run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GcReport {
    /// Entries looked at, from the back: reaped + 1, or reaped when the list emptied.
    pub scanned: u64,
    /// Sessions removed.
    pub reaped: u64,
}

/// What a strategy may ask of the manager.
pub trait Sweeper {
    /// The first instant at which `SessionGC` would reap something if nothing else
    /// happened: when the session at the back of the list expires. `None` when no session
    /// is stored, [`Time::MAX`] when the back one never expires on this clock.
    fn first_reap(&self) -> Result<Option<Time>>;

    /// Runs `SessionGC` at `at` on behalf of the strategy (not by hand).
    fn sweep(&mut self, at: Time) -> Result<GcReport>;

    /// Counts `runs` runs, from `first` to `last`, that were skipped because they could not
    /// reap: each would have looked at the back session, if any, and stopped.
    fn skip_quiet(&mut self, runs: u64, first: Time, last: Time) -> Result<()>;
}

/// When expired sessions are swept.
pub trait Strategy: std::fmt::Debug {
    /// The strategy's name, as `--gc` spells it.
    fn name(&self) -> &'static str;

    /// The next instant at which the strategy acts by itself, if it does.
    fn next_due(&self) -> Option<Time>;

    /// Does the work due by `now`, each run at its own instant, in order. The manager calls
    /// it at the start of an operation whose `now` has reached [`Strategy::next_due`].
    fn run_due(&mut self, now: Time, sweeper: &mut dyn Sweeper) -> Result<()>;

    /// Whether [`Strategy::session_started`] does anything; when not, the manager does not
    /// call it, and a `SessionStart` costs the strategy nothing.
    fn watches_session_starts(&self) -> bool {
        false
    }

    /// `SessionStart` began at `at` (a `new` or a `read`). Most strategies do nothing.
    fn session_started(&mut self, at: Time, sweeper: &mut dyn Sweeper) -> Result<()> {
        let _ = (at, sweeper);
        Ok(())
    }

    /// The settings changed at `now`: `period` is the interval in force, and `on` whether
    /// automatic sweeping is wanted. `restart` asks to start over from `now` (the timer is
    /// re-armed) rather than keep the current schedule.
    fn reconfigure(&mut self, now: Time, period: std::time::Duration, on: bool, restart: bool);
}
