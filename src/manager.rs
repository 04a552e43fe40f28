//! The book's session manager (§6.2): configuration, id generation, capacity, the GC timer,
//! counters and the event log, around one provider.
//!
//! The manager is handed `now` by its owner. Each operation first fires the auto-GC runs
//! that are due by `now`, then does its work; [`Manager::events`] and [`Manager::runs`]
//! then tell what that operation caused.

use std::time::Duration;

use compact_str::CompactString;
use serde::Serialize;

use crate::event::{Event, EventKind, EventLog, Reason};
use crate::ids::IdGenerator;
use crate::provider::{Ctx, Flavour, GcReport, Provider, ReadOutcome, Session};
use crate::time::{Span, Time};
use crate::{Error, Result};

/// The manager's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The cookie name, as in `NewManager("memory", "gosessionid", 3600)`.
    pub cookie_name: String,
    /// How long a session may stay idle before it expires.
    pub max_lifetime: Duration,
    /// The period of the GC timer; `None` follows `max_lifetime`, as the book does.
    pub gc_interval: Option<Duration>,
    /// Whether the GC timer runs.
    pub auto_gc: bool,
    /// The most sessions stored at once; `None` is unlimited.
    pub capacity: Option<usize>,
    /// How many events the log keeps.
    pub log_capacity: usize,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            cookie_name: "gosessionid".into(),
            max_lifetime: Duration::from_secs(3600),
            gc_interval: None,
            auto_gc: true,
            capacity: None,
            log_capacity: crate::event::DEFAULT_LOG_CAPACITY,
        }
    }
}

impl Config {
    /// The GC timer's period in force.
    pub fn interval(&self) -> Duration {
        self.gc_interval.unwrap_or(self.max_lifetime)
    }

    /// Checks the values a user can set; see [`Manager::set_max_lifetime`] and friends.
    pub fn validate(&self) -> Result<()> {
        positive("max-lifetime", self.max_lifetime)?;
        if let Some(i) = self.gc_interval {
            positive("gc-interval", i)?;
        }
        if self.capacity == Some(0) {
            return Err(capacity_error("0"));
        }
        Ok(())
    }
}

fn positive(name: &str, d: Duration) -> Result<()> {
    if d.is_zero() {
        return Err(Error::Invalid(format!(
            "{name} must be longer than 0s, as in 30m or 1h"
        )));
    }
    if i64::try_from(d.as_nanos()).is_err() {
        return Err(Error::Invalid(format!(
            "{name} {} is too long; it must be under 292 years",
            Span(d)
        )));
    }
    Ok(())
}

/// The error for a capacity that is not a positive integer.
pub fn capacity_error(given: &str) -> Error {
    Error::Invalid(format!(
        "invalid capacity `{given}`: expected a whole number of sessions above 0, or `none` \
         (also `unlimited`)"
    ))
}

/// Running totals since the manager started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Sessions stored by `new`.
    pub created: u64,
    /// Sessions stored by `read` of an unknown id (`book`).
    pub adopted: u64,
    /// Activities on live sessions.
    pub accessed: u64,
    /// Activities on expired sessions that revived them (`book`).
    pub revived: u64,
    /// Removed by GC runs.
    pub reaped_gc: u64,
    /// Removed by lazy expiry on access (`memory`).
    pub reaped_expired: u64,
    /// Removed to respect the capacity.
    pub reaped_evicted: u64,
    /// Removed by `destroy`.
    pub reaped_destroyed: u64,
    /// GC runs, by the timer and by hand.
    pub gc_runs: u64,
    /// Entries looked at by all GC runs.
    pub gc_scanned: u64,
}

impl Stats {
    /// Removals for one reason.
    pub fn removed(&self, reason: Reason) -> u64 {
        match reason {
            Reason::Gc => self.reaped_gc,
            Reason::Expired => self.reaped_expired,
            Reason::Evicted => self.reaped_evicted,
            Reason::Destroyed => self.reaped_destroyed,
        }
    }

    fn tally(&mut self, kind: EventKind) {
        let counter = match kind {
            EventKind::Created => &mut self.created,
            EventKind::Adopted => &mut self.adopted,
            EventKind::Accessed(_) => &mut self.accessed,
            EventKind::Revived(_) => &mut self.revived,
            EventKind::Removed(Reason::Gc) => &mut self.reaped_gc,
            EventKind::Removed(Reason::Expired) => &mut self.reaped_expired,
            EventKind::Removed(Reason::Evicted) => &mut self.reaped_evicted,
            EventKind::Removed(Reason::Destroyed) => &mut self.reaped_destroyed,
        };
        *counter += 1;
    }
}

/// One GC run that was reported: every manual run, and each timer run that reaped.
///
/// The sessions it reaped stay in their nodes, departed, until the next operation starts;
/// [`Manager::reaped`] reads them there while the run belongs to the last operation. So a
/// run is a few words, however much it reaped, and collecting a million sessions copies
/// none of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GcRun {
    /// When it ran.
    pub at: Time,
    /// Whether the timer fired it (rather than `gc`).
    pub auto: bool,
    /// What it scanned and reaped.
    pub report: GcReport,
    /// The operation it belongs to, and the slot at the back when it ran: the first session
    /// it reaped, if it reaped any.
    operation: u64,
    first: Option<u32>,
}

/// The session manager.
pub struct Manager {
    config: Config,
    provider: Box<dyn Provider>,
    ids: IdGenerator,
    next_gc: Option<Time>,
    stats: Stats,
    log: EventLog,
    runs: Vec<GcRun>,
    ops: u64,
}

impl Manager {
    /// A manager over an empty provider of `flavour`. With auto-GC on, the timer's first run
    /// fires at `start`, as the book's `go globalSessions.GC()` does at start-up.
    pub fn new(config: Config, flavour: Flavour, ids: IdGenerator, start: Time) -> Result<Self> {
        config.validate()?;
        let mut manager = Manager {
            log: EventLog::with_capacity(config.log_capacity),
            next_gc: config.auto_gc.then_some(start),
            config,
            provider: flavour.provider(),
            ids,
            stats: Stats::default(),
            runs: Vec::new(),
            ops: 0,
        };
        manager.begin(start);
        Ok(manager)
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The provider, to look at sessions without touching them.
    pub fn provider(&self) -> &dyn Provider {
        self.provider.as_ref()
    }

    /// The totals so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The bounded event log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// The events of the last operation, in order, timer runs included.
    pub fn events(&self) -> Vec<Event> {
        // The log holds all of them but the earliest GC removals it had no room for.
        let departed = self.provider.table().departed_oldest();
        let unlogged = gc_events(departed, self.runs.iter()).take(self.log.unlogged());
        unlogged.chain(self.log.current().iter().cloned()).collect()
    }

    /// The GC runs the last operation reported: the timer runs that reaped, and a manual run.
    pub fn runs(&self) -> &[GcRun] {
        &self.runs
    }

    /// The sessions `run` reaped, in the order it reaped them, as they were when reaped;
    /// none if `run` is not from the last operation, whose sessions are gone.
    pub fn reaped(&self, run: &GcRun) -> impl Iterator<Item = &Session> {
        let first = run.first.filter(|_| run.operation == self.ops);
        let table = self.provider.table();
        first
            .into_iter()
            .flat_map(|slot| table.departed_from(slot))
            .take(usize::try_from(run.report.reaped).unwrap_or(usize::MAX))
    }

    /// How many operations have started: [`Manager::events`] belongs to the latest.
    pub fn operations(&self) -> u64 {
        self.ops
    }

    /// When the GC timer fires next, if it is on and not past the end of time.
    pub fn next_gc(&self) -> Option<Time> {
        self.next_gc
    }

    /// The context providers are handed at `now`.
    pub fn ctx(&self, now: Time) -> Ctx {
        Ctx {
            now,
            max_lifetime: self.config.max_lifetime,
        }
    }

    /// `SessionInit`: creates a session with `id`, or with a generated id, after evicting
    /// the least recently used sessions if the store is at capacity. Returns the id.
    pub fn create(&mut self, id: Option<&str>, now: Time) -> Result<CompactString> {
        self.operation(now, |m| {
            let id = match id {
                Some(id) => CompactString::from(id),
                None => m.fresh_id()?.into(),
            };
            // The provider refuses a bad or taken id, but only after room was made: so check
            // first when making room would evict.
            if m.at_capacity() {
                m.check_new_id(&id)?;
                m.make_room(now);
            }
            let cx = m.ctx(now);
            m.provider.init(&id, cx, m.log.sink()).map(|()| id)
        })
    }

    /// `SessionRead`. In `book`, an unknown id is adopted, making room first if needed.
    pub fn read(&mut self, id: &str, now: Time) -> Result<ReadOutcome> {
        self.operation(now, |m| {
            if m.provider.flavour() == Flavour::Book && m.provider.peek(id).is_none() {
                m.check_new_id(id)?;
                m.make_room(now);
            }
            let cx = m.ctx(now);
            m.provider.read(id, cx, m.log.sink())
        })
    }

    /// The store's `Set`.
    pub fn set(&mut self, id: &str, key: &str, value: &str, now: Time) -> Result<()> {
        self.operation(now, |m| {
            let cx = m.ctx(now);
            m.provider.set(id, key, value, cx, m.log.sink())
        })
    }

    /// The store's `Get`: the value, or `None` for the book's `nil`.
    pub fn get(&mut self, id: &str, key: &str, now: Time) -> Result<Option<String>> {
        self.get_with(id, key, now, |v| v.map(str::to_owned))
    }

    /// The store's `Get`, calling `f` on the borrowed value instead of copying it.
    pub fn get_with<R>(
        &mut self,
        id: &str,
        key: &str,
        now: Time,
        f: impl FnOnce(Option<&str>) -> R,
    ) -> Result<R> {
        self.operation(now, |m| {
            let cx = m.ctx(now);
            m.provider.get(id, key, cx, m.log.sink()).map(f)
        })
    }

    /// The store's `Delete`: whether the key was there.
    pub fn delete(&mut self, id: &str, key: &str, now: Time) -> Result<bool> {
        self.operation(now, |m| {
            let cx = m.ctx(now);
            m.provider.delete(id, key, cx, m.log.sink())
        })
    }

    /// The `countnum` counter: adds `by`, returns the new value.
    pub fn incr(&mut self, id: &str, key: &str, by: i64, now: Time) -> Result<i64> {
        self.operation(now, |m| {
            let cx = m.ctx(now);
            m.provider.incr(id, key, by, cx, m.log.sink())
        })
    }

    /// `SessionUpdate`.
    pub fn touch(&mut self, id: &str, now: Time) -> Result<()> {
        self.operation(now, |m| {
            let cx = m.ctx(now);
            m.provider.update(id, cx, m.log.sink())
        })
    }

    /// `SessionDestroy`.
    pub fn destroy(&mut self, id: &str, now: Time) -> Result<()> {
        self.operation(now, |m| {
            let cx = m.ctx(now);
            m.provider.destroy(id, cx, m.log.sink())
        })
    }

    /// `SessionGC(maxlifetime)` by hand, now. Returns the run, also in [`Manager::runs`].
    pub fn gc(&mut self, now: Time) -> GcRun {
        self.operation(now, |m| m.run_gc(now, false))
    }

    /// Fires the timer runs due by `now`, as after the clock moved to `now`.
    pub fn advance_to(&mut self, now: Time) {
        self.operation(now, |_| ());
    }

    /// Sets max-lifetime. If the GC interval follows it, the timer is re-armed from now.
    pub fn set_max_lifetime(&mut self, d: Duration, now: Time) -> Result<()> {
        positive("max-lifetime", d)?;
        // The runs due by `now` fire first, under the settings they were due under.
        self.operation(now, |m| {
            m.config.max_lifetime = d;
            if m.config.gc_interval.is_none() {
                m.rearm(now);
            }
            m.fire_due_runs(now);
        });
        Ok(())
    }

    /// Sets the GC interval (`None`: follow max-lifetime) and re-arms the timer from now.
    pub fn set_gc_interval(&mut self, d: Option<Duration>, now: Time) -> Result<()> {
        if let Some(d) = d {
            positive("gc-interval", d)?;
        }
        // The runs due by `now` fire first, under the settings they were due under.
        self.operation(now, |m| {
            m.config.gc_interval = d;
            m.rearm(now);
            m.fire_due_runs(now);
        });
        Ok(())
    }

    /// Turns the GC timer on or off. Turning it on runs GC now, as `go GC()` would.
    pub fn set_auto_gc(&mut self, on: bool, now: Time) {
        // The runs due by `now` fire first, before the timer is turned off.
        self.operation(now, |m| {
            if on != m.config.auto_gc {
                m.config.auto_gc = on;
                m.next_gc = on.then_some(now);
            }
            m.fire_due_runs(now);
        });
    }

    /// Sets the capacity (`None`: unlimited). It takes effect at the next creation.
    pub fn set_capacity(&mut self, capacity: Option<usize>) -> Result<()> {
        if capacity == Some(0) {
            return Err(capacity_error("0"));
        }
        self.config.capacity = capacity;
        Ok(())
    }

    fn rearm(&mut self, now: Time) {
        if self.config.auto_gc {
            self.next_gc = now.checked_add(self.config.interval());
        }
    }

    fn check_new_id(&self, id: &str) -> Result<()> {
        crate::provider::check_id(id)?;
        if self.provider.peek(id).is_some() {
            return Err(Error::SessionExists(id.to_owned()));
        }
        Ok(())
    }

    fn fresh_id(&mut self) -> Result<String> {
        loop {
            let id = self.ids.next_id()?;
            if self.provider.peek(&id).is_none() {
                return Ok(id);
            }
        }
    }

    fn at_capacity(&self) -> bool {
        self.config
            .capacity
            .is_some_and(|cap| self.provider.len() >= cap)
    }

    fn make_room(&mut self, now: Time) {
        if let Some(cap) = self.config.capacity {
            while self.provider.len() >= cap {
                if !self.provider.evict_lru(self.ctx(now), self.log.sink()) {
                    break;
                }
            }
        }
    }

    /// Runs one operation at `now`: first the timer runs due by then, then `work`; whatever
    /// `work` returns, even an error, what happened is tallied and logged.
    fn operation<R>(&mut self, now: Time, work: impl FnOnce(&mut Self) -> R) -> R {
        self.begin(now);
        let result = work(self);
        self.finish();
        result
    }

    /// Starts an operation at `now`: a fresh list of events, then the due timer runs.
    fn begin(&mut self, now: Time) {
        self.ops += 1;
        self.provider.table_mut().release_departed();
        self.log.start();
        self.runs.clear();
        self.fire_due_runs(now);
    }

    /// Ends an operation: tallies its events, and logs its GC removals, which came before
    /// its other events. The log keeps only the newest, so at most that many are copied.
    fn finish(&mut self) {
        for event in self.log.current() {
            self.stats.tally(event.kind);
        }
        let table = self.provider.table();
        let reaped = table.departed_len();
        if reaped > 0 {
            self.stats.reaped_gc += reaped as u64;
            let newest = gc_events(table.departed_newest(), self.runs.iter().rev());
            self.log.prepend_current(reaped, newest);
        }
    }

    /// Fires every timer run due by `now`, each at its own instant, in order.
    ///
    /// A run reaps something only once the back session has expired, and nothing changes
    /// between runs, so the quiet runs before that instant are counted, not performed: the
    /// cost is in proportion to the runs that reap.
    fn fire_due_runs(&mut self, now: Time) {
        while let Some(at) = self.next_gc.filter(|&t| t <= now) {
            let reap_at = self.provider.next_reap_at(self.config.max_lifetime);
            if reap_at.is_some_and(|r| r <= at) {
                self.run_gc(at, true);
                self.next_gc = at.checked_add(self.config.interval());
                continue;
            }
            // Quiet runs: those before `reap_at` and not after `now`.
            let interval = self.config.interval().as_nanos() as i128;
            let before_reap = reap_at.map_or(i128::MAX, |r| r.nanos_since(at) - 1);
            let quiet = before_reap.min(now.nanos_since(at)) / interval + 1;
            let scanned = if self.provider.is_empty() { 0 } else { quiet };
            // Saturating: 1ns runs over the whole timeline number 2^64, one more than u64.
            let count = |n: i128| u64::try_from(n).unwrap_or(u64::MAX);
            self.stats.gc_runs = self.stats.gc_runs.saturating_add(count(quiet));
            self.stats.gc_scanned = self.stats.gc_scanned.saturating_add(count(scanned));
            self.next_gc = i64::try_from(i128::from(at.unix_nanos()) + quiet * interval)
                .ok()
                .map(Time::from_unix_nanos);
        }
    }

    fn run_gc(&mut self, at: Time, auto: bool) -> GcRun {
        debug_assert!(
            self.log.current().is_empty(),
            "GC runs come first in an operation, so their events can be put first"
        );
        let first = self.provider.table().back();
        let report = self.provider.gc(self.ctx(at));
        self.stats.gc_runs = self.stats.gc_runs.saturating_add(1);
        self.stats.gc_scanned = self.stats.gc_scanned.saturating_add(report.scanned);
        let run = GcRun {
            at,
            auto,
            report,
            operation: self.ops,
            first,
        };
        if report.reaped > 0 || !auto {
            self.runs.push(run);
        }
        run
    }
}

/// The `Removed(Gc)` events of departed `sessions`, reaped by `runs`, both in the same order.
fn gc_events<'a>(
    sessions: impl Iterator<Item = &'a Session>,
    runs: impl Iterator<Item = &'a GcRun>,
) -> impl Iterator<Item = Event> {
    let ats = runs.flat_map(|r| std::iter::repeat_n(r.at, r.report.reaped as usize));
    sessions.zip(ats).map(|(s, at)| Event {
        at,
        id: s.id_owned(),
        last_access: s.last_access(),
        kind: EventKind::Removed(Reason::Gc),
    })
}
