//! GC runs: performing one, for a strategy or by hand, and reading back what it reaped.

use compact_str::CompactString;
use serde::Serialize;

use super::stats::Stats;
use crate::Result;
use crate::basics::time::Time;
use crate::gc::{Cause, GcReport, Looks, Sweeper};
use crate::rules::Rules;
use crate::store::{Cycle, Expiry, Mark, Scan, Store, Sweep};

/// One GC run that was reported: every manual run, and each strategy run that reaped.
///
/// The sessions it reaped stay in the store until the next operation starts, behind its
/// mark; [`crate::manager::Manager::report`] reads them there. So a run is a few words,
/// however much it reaped, and collecting a million sessions copies none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcRun {
    /// When it ran.
    pub at: Time,
    /// What set it off.
    pub cause: Cause,
    /// What it scanned and reaped.
    pub report: GcReport,
    /// The rules it applied, which tell which limit each session it reaped had reached.
    pub(super) expiry: Expiry,
    pub(super) mark: Mark,
    /// Whether its removals were logged as it ran, among the operation's other events,
    /// rather than in front of them when the operation ends.
    pub(super) logged: bool,
}

/// A GC run with the sessions it reaped, owned: for `gc`, the lines of timer runs, and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// When it ran.
    pub at: Time,
    /// Whether a strategy fired it.
    pub auto: bool,
    /// What set it off.
    pub cause: Cause,
    /// What it scanned and reaped.
    #[serde(flatten)]
    pub report: GcReport,
    /// The first sessions it reaped, in order (`report.reaped` says how many in all).
    #[serde(rename = "sessions")]
    pub reaped: Vec<Reaped>,
}

/// The strategy's runs that had nothing to reap, in one operation: how many, and when the
/// first and the last were.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QuietRuns {
    /// What ran them.
    pub cause: Cause,
    /// How many.
    pub count: u64,
    /// When the first ran.
    pub first: Time,
    /// When the last ran.
    pub last: Time,
}

impl QuietRuns {
    /// These runs and `count` more, from `first` to `last`, which come after them.
    fn and(self, count: u64, last: Time) -> QuietRuns {
        QuietRuns {
            count: self.count.saturating_add(count),
            last,
            ..self
        }
    }
}

/// A session a GC run removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reaped {
    /// Its id.
    pub id: CompactString,
    /// Its last access.
    pub last_access: Time,
    /// Whether it had outlived the absolute lifetime (rather than been idle too long).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub lifetime: bool,
}

/// The manager's parts a GC run changes, lent together: the [`Sweeper`] a strategy drives,
/// and what `gc` runs by hand.
pub(super) struct Sweeping<'a, S> {
    pub store: &'a mut S,
    pub rules: Rules,
    pub stats: &'a mut Stats,
    pub runs: &'a mut Vec<GcRun>,
    pub quiet: &'a mut Option<QuietRuns>,
    /// A session the runs leave in place: the one whose start tossed PHP's coin, which
    /// PHP's request writes back when it ends.
    pub keep: Option<&'a str>,
}

impl<S: Store> Sweeping<'_, S> {
    /// How a sweep that wants `scan` looks: under an absolute lifetime, at every session,
    /// since one too old can be anywhere in the list.
    fn scan(&self, wanted: Scan) -> Scan {
        if self.rules.absolute_lifetime.is_some() {
            Scan::Whole
        } else {
            wanted
        }
    }

    /// A sweep at `at`, set off by `cause`: counted, and reported when by hand, by a coin,
    /// or when it reaped.
    pub fn run(&mut self, at: Time, scan: Scan, cause: Cause) -> Result<GcRun> {
        let expiry = self.rules.expiry(at);
        let sweep = self.store.sweep(expiry, self.scan(scan), self.keep)?;
        self.record(at, cause, expiry, sweep)
    }

    fn record(&mut self, at: Time, cause: Cause, expiry: Expiry, sweep: Sweep) -> Result<GcRun> {
        self.stats.gc_runs(1, sweep.scanned);
        if sweep.reaped > 0 {
            // Just before, the expired held were those it reaped and those it left.
            let left = self.store.count_over(expiry)? as u64;
            self.stats.held(sweep.reaped + left);
        }
        let run = GcRun {
            at,
            cause,
            report: GcReport {
                scanned: sweep.scanned,
                reaped: sweep.reaped,
            },
            expiry,
            mark: sweep.mark,
            logged: false,
        };
        if run.report.reaped > 0 || matches!(cause, Cause::Manual | Cause::Coin) {
            self.runs.push(run);
        } else {
            self.quiet_runs(cause, 1, at, at);
        }
        Ok(run)
    }

    fn quiet_runs(&mut self, cause: Cause, count: u64, first: Time, last: Time) {
        *self.quiet = Some(match *self.quiet {
            Some(earlier) => earlier.and(count, last),
            None => QuietRuns {
                cause,
                count,
                first,
                last,
            },
        });
    }
}

impl<S: Store> Sweeper for Sweeping<'_, S> {
    fn first_reap(&self, scan: Scan) -> Result<Option<Time>> {
        Ok(match self.scan(scan) {
            Scan::Back => self
                .store
                .back()?
                .map(|last| self.rules.first_expired_at(last).unwrap_or(Time::MAX)),
            Scan::Whole => {
                let absolute = self.rules.absolute_lifetime.is_some();
                self.store.oldest(absolute)?.map(|o| {
                    self.rules
                        .first_over_at(o.last_access, o.created)
                        .unwrap_or(Time::MAX)
                })
            }
        })
    }

    fn sweep(&mut self, at: Time, scan: Scan, cause: Cause) -> Result<GcReport> {
        self.run(at, scan, cause).map(|run| run.report)
    }

    fn sample(&mut self, at: Time, cycle: Cycle) -> Result<GcReport> {
        let expiry = self.rules.expiry(at);
        let sweep = self.store.sample(expiry, cycle)?;
        self.record(at, Cause::Sampling, expiry, sweep)
            .map(|run| run.report)
    }

    fn skip_quiet(&mut self, runs: u64, first: Time, last: Time, looks: Looks) -> Result<()> {
        let stored = self.store.stored()? as u64;
        let (each, cause) = match looks {
            Looks::Sweep(scan) => match self.scan(scan) {
                // Each would have looked at the back session, if there is one, and stopped.
                Scan::Back => (stored.min(1), Cause::Timer),
                Scan::Whole => (stored, Cause::Timer),
            },
            // Each would have sampled one round, and found nothing expired.
            Looks::Samples(per_round) => (stored.min(per_round), Cause::Sampling),
        };
        self.stats.gc_runs(runs, each);
        self.quiet_runs(cause, runs, first, last);
        Ok(())
    }
}
