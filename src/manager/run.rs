//! GC runs: performing one, for a strategy or by hand, and reading back what it reaped.

use compact_str::CompactString;
use serde::Serialize;

use super::stats::Stats;
use crate::Result;
use crate::basics::time::Time;
use crate::gc::{GcReport, Sweeper};
use crate::rules::Rules;
use crate::store::{Mark, Store};

/// One GC run that was reported: every manual run, and each strategy run that reaped.
///
/// The sessions it reaped stay in the store until the next operation starts, behind its
/// mark; [`crate::manager::Manager::report`] reads them there. So a run is a few words,
/// however much it reaped, and collecting a million sessions copies none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcRun {
    /// When it ran.
    pub at: Time,
    /// Whether a strategy fired it (rather than `gc`).
    pub auto: bool,
    /// What it scanned and reaped.
    pub report: GcReport,
    pub(super) mark: Mark,
}

/// A GC run with the sessions it reaped, owned: for `gc`, the lines of timer runs, and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// When it ran.
    pub at: Time,
    /// Whether a strategy fired it.
    pub auto: bool,
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
}

/// The manager's parts a GC run changes, lent together: the [`Sweeper`] a strategy drives,
/// and what `gc` runs by hand.
pub(super) struct Sweeping<'a, S> {
    pub store: &'a mut S,
    pub rules: Rules,
    pub stats: &'a mut Stats,
    pub runs: &'a mut Vec<GcRun>,
    pub quiet: &'a mut Option<QuietRuns>,
}

impl<S: Store> Sweeping<'_, S> {
    /// `SessionGC` at `at`: counted, and reported when by hand or when it reaped.
    pub fn run(&mut self, at: Time, auto: bool) -> Result<GcRun> {
        let sweep = self.store.sweep(self.rules.cutoff(at))?;
        self.stats.gc_run(1, sweep.scanned);
        let run = GcRun {
            at,
            auto,
            report: GcReport {
                scanned: sweep.scanned,
                reaped: sweep.reaped,
            },
            mark: sweep.mark,
        };
        if run.report.reaped > 0 || !auto {
            self.runs.push(run);
        }
        Ok(run)
    }
}

impl<S: Store> Sweeper for Sweeping<'_, S> {
    fn first_reap(&self) -> Result<Option<Time>> {
        let back = self.store.back()?;
        Ok(back.map(|last| self.rules.first_expired_at(last).unwrap_or(Time::MAX)))
    }

    fn sweep(&mut self, at: Time) -> Result<GcReport> {
        self.run(at, true).map(|run| run.report)
    }

    fn skip_quiet(&mut self, runs: u64, first: Time, last: Time) -> Result<()> {
        // Each would have looked at the back session, if there is one, and stopped.
        let scanned = if self.store.stored()? == 0 { 0 } else { runs };
        self.stats.gc_run(runs, scanned);
        *self.quiet = Some(match *self.quiet {
            Some(earlier) => earlier.and(runs, last),
            None => QuietRuns {
                count: runs,
                first,
                last,
            },
        });
        Ok(())
    }
}
