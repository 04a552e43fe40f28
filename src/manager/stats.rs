//! The manager's running totals: sessions created, accessed and removed by reason, and the
//! work GC did.

use serde::{Deserialize, Serialize};

use super::event::{EventKind, Reason};

/// Running totals since the manager started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Stats {
    /// Sessions stored by `new`.
    pub created: u64,
    /// Sessions stored by `read` of an unknown id (B5).
    pub adopted: u64,
    /// Activities on live sessions.
    pub accessed: u64,
    /// Activities on expired sessions that revived them (B7).
    pub revived: u64,
    /// Sessions given a new id (`regenerate`, and the web layer's fixed rotation and login).
    pub regenerated: u64,
    /// Removed by GC runs.
    pub reaped_gc: u64,
    /// Removed by lazy expiry on access (B7 fixed).
    pub reaped_expired: u64,
    /// Removed to respect the capacity.
    pub reaped_evicted: u64,
    /// Removed by `destroy`.
    pub reaped_destroyed: u64,
    /// Removed, by a GC run or on access, for outliving the absolute lifetime.
    pub reaped_lifetime: u64,
    /// GC runs: the strategy's (timer runs, coin hits, sampling cycles) and by hand.
    pub gc_runs: u64,
    /// Sessions examined by all GC runs.
    pub examined: u64,
    /// The most sessions one run examined: the longest pause a user would feel.
    pub largest_run: u64,
    /// The most expired sessions stored at once so far.
    pub expired_held_peak: u64,
}

impl Stats {
    /// The totals that are a most-so-far rather than a count.
    pub const MOST: [&'static str; 2] = ["largest_run", "expired_held_peak"];

    /// Removals for one reason.
    pub fn removed(&self, reason: Reason) -> u64 {
        match reason {
            Reason::Gc => self.reaped_gc,
            Reason::Expired => self.reaped_expired,
            Reason::Evicted => self.reaped_evicted,
            Reason::Destroyed => self.reaped_destroyed,
            Reason::Lifetime => self.reaped_lifetime,
        }
    }

    /// Counts one event. GC removals are counted by the run instead, in bulk.
    pub(super) fn tally(&mut self, kind: EventKind) {
        let counter = match kind {
            EventKind::Created => &mut self.created,
            EventKind::Adopted => &mut self.adopted,
            EventKind::Accessed(_) => &mut self.accessed,
            EventKind::Revived(_) => &mut self.revived,
            EventKind::Regenerated => &mut self.regenerated,
            EventKind::Removed(Reason::Gc) => &mut self.reaped_gc,
            EventKind::Removed(Reason::Expired) => &mut self.reaped_expired,
            EventKind::Removed(Reason::Evicted) => &mut self.reaped_evicted,
            EventKind::Removed(Reason::Destroyed) => &mut self.reaped_destroyed,
            EventKind::Removed(Reason::Lifetime) => &mut self.reaped_lifetime,
        };
        *counter += 1;
    }

    /// Counts `runs` GC runs that each examined `each` sessions.
    pub(super) fn gc_runs(&mut self, runs: u64, each: u64) {
        if runs == 0 {
            return;
        }
        self.gc_runs = self.gc_runs.saturating_add(runs);
        self.examined = self.examined.saturating_add(each.saturating_mul(runs));
        self.largest_run = self.largest_run.max(each);
    }

    /// Notes that `held` expired sessions were stored at one instant.
    pub(super) fn held(&mut self, held: u64) {
        self.expired_held_peak = self.expired_held_peak.max(held);
    }
}
