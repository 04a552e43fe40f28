//! GC strategies: when expired sessions are swept. The rules decide what is expired; a
//! strategy decides only when to look, and how.
//!
//! A [`Strategy`] drives a [`Sweeper`], which the manager lends it: the sweeper runs a sweep
//! or a sampling cycle at an instant, and counts runs that had nothing to do. The four
//! strategies, each after a real store:
//! - [`Timer`], the book's manager: `SessionGC` every interval, walking the LRU list from
//!   the back, from [`Strategy::run_due`];
//! - [`Lazy`], express's MemoryStore: never sweeps, so expired sessions leave only when an
//!   access finds them;
//! - [`Php`], PHP's `session.gc_probability`/`session.gc_divisor`: a coin tossed in
//!   [`Strategy::session_started`], at each `SessionStart`, and a hit scans every session;
//! - [`Sampling`], Redis 7's active expiry: cycles at `gc-hz`, each sampling sessions at
//!   random rather than walking.
//!
//! Quiet periods cost nothing: the manager calls [`Strategy::run_due`] only once `now` has
//! reached [`Strategy::next_due`], and a strategy skips, in O(1), the runs that cannot reap,
//! knowing from [`Sweeper::first_reap`] when the first session could. The coin and the
//! samples come from [`crate::basics::draws::Draws`], a counter-based stream, so a skipped
//! cycle draws nothing that a later one depends on.

mod lazy;
mod php;
mod sampling;
mod timer;

use std::time::Duration;

use serde::Serialize;

pub use lazy::Lazy;
pub use php::Php;
pub use sampling::Sampling;
pub use timer::Timer;

use crate::basics::time::Time;
use crate::store::{Cycle, Scan};
use crate::{Error, Result};

/// The strategies, as `--gc` and `config gc` name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// The book's periodic back-walk.
    Timer,
    /// No sweeping at all.
    Lazy,
    /// PHP's coin at each session start.
    Php,
    /// Redis's active expiry by random samples.
    Sampling,
}

impl Kind {
    /// Every strategy, in the order `compare` runs them.
    pub const ALL: [Kind; 4] = [Kind::Timer, Kind::Lazy, Kind::Php, Kind::Sampling];

    /// The name `--gc` takes.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Timer => "timer",
            Kind::Lazy => "lazy",
            Kind::Php => "php",
            Kind::Sampling => "sampling",
        }
    }

    /// The strategy called `word`.
    pub fn parse(word: &str) -> Result<Kind> {
        Kind::ALL
            .into_iter()
            .find(|k| k.name() == word)
            .ok_or_else(|| {
                Error::Invalid(format!(
                    "unknown GC strategy `{}`: expected timer, lazy, php or sampling (see \
                     `help gc`)",
                    crate::error::shown(word)
                ))
            })
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// What set a GC run off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Cause {
    /// `gc`, by hand.
    Manual,
    /// The book's timer.
    Timer,
    /// PHP's coin, at the session start of the request being served.
    Coin,
    /// A cycle of Redis's active expiry.
    Sampling,
}

/// The settings the strategies read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// The timer's period.
    pub interval: Duration,
    /// Whether automatic sweeping is wanted (`auto-gc`): off, no strategy sweeps by itself.
    pub on: bool,
    /// PHP's `session.gc_probability`.
    pub probability: u32,
    /// PHP's `session.gc_divisor`.
    pub divisor: u32,
    /// Redis's `hz`: sampling cycles a second.
    pub hz: u32,
    /// The seed of the strategies' draws.
    pub seed: u64,
}

/// What one GC run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GcReport {
    /// Sessions looked at: from the back, reaped + 1, or reaped when the list emptied; in
    /// a whole scan, every session; in a sampling cycle, every sample.
    pub scanned: u64,
    /// Sessions removed.
    pub reaped: u64,
}

/// How many sessions a run that has nothing to reap looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Looks {
    /// A sweep: from the back, one; in a whole scan, all.
    Sweep(Scan),
    /// A sampling cycle of this many samples a round: one round.
    Samples(u64),
}

/// What a strategy may ask of the manager.
pub trait Sweeper {
    /// The first instant at which a sweep that looks as `scan` says would reap something if
    /// nothing else happened (for [`Scan::Whole`], also a sampling cycle, which could
    /// sample any session). `None` when no session is stored, [`Time::MAX`] when none
    /// expires on this clock.
    fn first_reap(&self, scan: Scan) -> Result<Option<Time>>;

    /// Sweeps at `at`, as set off by `cause`. Under an absolute lifetime every sweep is
    /// whole, since a session too old can be anywhere in the list.
    fn sweep(&mut self, at: Time, scan: Scan, cause: Cause) -> Result<GcReport>;

    /// Runs one sampling cycle at `at`.
    fn sample(&mut self, at: Time, cycle: Cycle) -> Result<GcReport>;

    /// Counts `runs` runs, from `first` to `last`, that were skipped because they could not
    /// reap, each looking as `looks` says.
    fn skip_quiet(&mut self, runs: u64, first: Time, last: Time, looks: Looks) -> Result<()>;
}

/// When expired sessions are swept.
pub trait Strategy: std::fmt::Debug + Send {
    /// Which strategy it is.
    fn kind(&self) -> Kind;

    /// The next instant at which the strategy acts by itself, if it does.
    fn next_due(&self) -> Option<Time> {
        None
    }

    /// Does the work due by `now`, each run at its own instant, in order. The manager calls
    /// it at the start of an operation whose `now` has reached [`Strategy::next_due`].
    fn run_due(&mut self, now: Time, sweeper: &mut dyn Sweeper) -> Result<()> {
        let _ = (now, sweeper);
        Ok(())
    }

    /// Whether [`Strategy::session_started`] does anything; when not, the manager does not
    /// call it, and a `SessionStart` costs the strategy nothing.
    fn watches_session_starts(&self) -> bool {
        false
    }

    /// A `SessionStart` (a `visit`, a `new` or a `read`) found or made its session at `at`;
    /// the sweeper's runs leave that session in place.
    fn session_started(&mut self, at: Time, sweeper: &mut dyn Sweeper) -> Result<()> {
        let _ = (at, sweeper);
        Ok(())
    }

    /// Whether the store must keep its sample pool for this strategy.
    fn samples(&self) -> bool {
        false
    }

    /// The settings changed at `now`. `restart` asks to start over from `now` (the timer is
    /// re-armed) rather than keep the current schedule.
    fn reconfigure(&mut self, now: Time, settings: &Settings, restart: bool);
}

/// A strategy of `kind`, starting at `start`.
pub fn build(kind: Kind, start: Time, settings: &Settings) -> Box<dyn Strategy> {
    match kind {
        Kind::Timer => Box::new(Timer::new(start, settings.interval, settings.on)),
        Kind::Lazy => Box::new(Lazy),
        Kind::Php => Box::new(Php::new(settings)),
        Kind::Sampling => Box::new(Sampling::new(start, settings)),
    }
}

/// A periodic strategy's runs due by `now`, from `*next` every `period`: each run that
/// could reap is `run` at its instant; the quiet ones before the first that could (a sweep
/// that looks as `scan` says finds when) are counted in one go, each looking as `looks`
/// says, and `skipped` is told how many. `*next` ends at the first run after `now`.
fn periodic(
    next: &mut Option<Time>,
    period: Duration,
    now: Time,
    sweeper: &mut dyn Sweeper,
    (scan, looks): (Scan, Looks),
    mut run: impl FnMut(&mut dyn Sweeper, Time) -> Result<()>,
    mut skipped: impl FnMut(u64),
) -> Result<()> {
    while let Some(at) = next.filter(|&t| t <= now) {
        let reap_at = sweeper.first_reap(scan)?;
        if reap_at.is_some_and(|r| r <= at) {
            run(sweeper, at)?;
            *next = at.checked_add(period);
            continue;
        }
        // Quiet runs: those before `reap_at` and not after `now`.
        let until = reap_at.map_or(now, |r| now.min(r.before()));
        let (count, last, after) = runs_until(at, period, until);
        sweeper.skip_quiet(count, at, last, looks)?;
        skipped(count);
        *next = after;
    }
    Ok(())
}

/// How many runs every `period` from `first` fall in `first..=until`, the instant of the
/// last of them, and the instant of the one after (`None` past the clock's end).
/// `until` is not before `first`.
fn runs_until(first: Time, period: Duration, until: Time) -> (u64, Time, Option<Time>) {
    let interval = period.as_nanos() as i128;
    let count = until.nanos_since(first) / interval + 1;
    let first = i128::from(first.unix_nanos());
    let last = Time::saturating_from_nanos(first + (count - 1) * interval);
    let next = i64::try_from(first + count * interval)
        .ok()
        .map(Time::from_unix_nanos);
    // Saturating: 1ns runs over the whole timeline number 2^64, one more than u64.
    (u64::try_from(count).unwrap_or(u64::MAX), last, next)
}
