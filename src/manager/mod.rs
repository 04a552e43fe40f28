//! The book's session manager (§6.2) over any [`Store`]: settings, rules, id generation,
//! capacity, the GC strategy, counters and the event log.
//!
//! The manager is handed `now` by its owner. Each operation first lets the GC strategy do
//! the work due by `now`, then makes one call of the store (and, when PHP's coin falls on a
//! session start, one sweep after it), and turns what the store answered into events; [`Manager::events`] and [`Manager::runs`] then tell what that
//! operation caused. A failed operation changes nothing but what its GC runs did, and what
//! lazy expiry removed.

pub mod config;
pub mod event;
pub mod log;
pub mod run;
mod sessions;
mod settings;
pub mod stats;

use std::ops::ControlFlow;

use compact_str::CompactString;
use serde::Serialize;

pub use config::{Config, MaxAge};
pub use event::{Activity, Event, EventKind, Extra, Reason};
pub use log::EventLog;
pub use run::{GcRun, QuietRuns, Reaped, RunReport};
pub use sessions::check_id;
pub use stats::Stats;

use crate::Result;
use crate::basics::ids::IdGenerator;
use crate::basics::time::Time;
use crate::gc::{self, Cause, Strategy};
use crate::rules::Rules;
use crate::store::{Gone, Limit, MemoryStore, Scan, Snapshot, Store};
use run::Sweeping;

/// How `read` found its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadOutcome {
    /// It was stored.
    Found,
    /// It was unknown and has been created (B5).
    Adopted,
}

/// The session manager, over a store of type `S`.
#[derive(Debug)]
pub struct Manager<S = MemoryStore> {
    config: Config,
    store: S,
    ids: IdGenerator,
    gc: Box<dyn Strategy>,
    /// The seed of the strategies' draws: the ids' seed, or drawn from the OS.
    gc_seed: u64,
    /// `gc.next_due()`, kept at hand: most operations need only compare it with `now`.
    gc_due: Option<Time>,
    /// `gc.watches_session_starts()`, kept at hand for the same reason.
    gc_watches_starts: bool,
    stats: Stats,
    log: EventLog,
    runs: Vec<GcRun>,
    /// The strategy's runs in this operation that had nothing to reap.
    quiet: Option<QuietRuns>,
    ops: u64,
    /// Sessions the store evicted in the current operation (a buffer kept for reuse).
    evicted: Vec<Gone>,
    /// The client whose request the current operations serve, named in their events.
    client: Option<CompactString>,
    /// Whether operations are being gathered into one ([`Manager::together`]).
    gathering: bool,
    /// The instant of the current operation.
    now: Time,
    /// Expired sessions the current operation removed or revived, outside GC runs.
    over_left: u64,
}

impl Manager {
    /// A manager over an empty in-memory store. With auto-GC on, the timer's first run fires
    /// at `start`, as the book's `go globalSessions.GC()` does at start-up.
    pub fn new(config: Config, ids: IdGenerator, start: Time) -> Result<Self> {
        Manager::with_store(MemoryStore::default(), config, ids, start)
    }
}

impl<S: Store> Manager<S> {
    /// A manager over `store`, which it takes as it is.
    pub fn with_store(store: S, config: Config, ids: IdGenerator, start: Time) -> Result<Self> {
        config.validate()?;
        let gc_seed = ids.stream_seed()?;
        let gc = gc::build(config.gc, start, &config.gc_settings(gc_seed));
        let mut store = store;
        store.keep_pool(gc.samples())?;
        let mut manager = Manager {
            log: EventLog::with_capacity(config.log_capacity),
            gc_due: gc.next_due(),
            gc_watches_starts: gc.watches_session_starts(),
            gc,
            gc_seed,
            config,
            store,
            ids,
            stats: Stats::default(),
            runs: Vec::new(),
            quiet: None,
            ops: 0,
            evicted: Vec::new(),
            client: None,
            gathering: false,
            now: start,
            over_left: 0,
        };
        // The start-up GC (the book's `go GC()`): on a store that holds sessions already,
        // its removals are logged and counted.
        manager.begin(start)?;
        manager.finish()?;
        Ok(manager)
    }

    /// The settings in force.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The rules in force.
    pub fn rules(&self) -> Rules {
        Rules {
            defects: self.config.defects,
            max_lifetime: self.config.max_lifetime,
            absolute_lifetime: self.config.absolute_lifetime,
        }
    }

    /// The store, to look at sessions without touching them.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The GC strategy.
    pub fn strategy(&self) -> gc::Kind {
        self.gc.kind()
    }

    /// The seed of the GC strategies' draws.
    pub fn gc_seed(&self) -> u64 {
        self.gc_seed
    }

    /// The totals so far.
    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    /// The bounded event log.
    pub fn log(&self) -> &EventLog {
        &self.log
    }

    /// How many operations have started: [`Manager::events`] belongs to the latest.
    pub fn operations(&self) -> u64 {
        self.ops
    }

    /// When the GC strategy acts next by itself, if it does.
    pub fn next_gc(&self) -> Option<Time> {
        self.gc_due
    }

    /// The GC runs the last operation reported: the strategy's runs that reaped, and a
    /// manual run.
    pub fn runs(&self) -> &[GcRun] {
        &self.runs
    }

    /// The strategy's runs in the last operation that had nothing to reap, if any.
    pub fn quiet_runs(&self) -> Option<QuietRuns> {
        self.quiet
    }

    /// `run`, a run of the last operation, with the first `rows` sessions it reaped (none if
    /// `run` is from an earlier operation: those sessions are gone).
    pub fn report(&self, run: &GcRun, rows: usize) -> Result<RunReport> {
        let mut reaped = Vec::new();
        if rows > 0 {
            self.store
                .swept(run.mark, false, &mut |id, last_access, created| {
                    reaped.push(Reaped {
                        id: id.into(),
                        last_access,
                        lifetime: lifetime(run, last_access, created),
                    });
                    stop_at(reaped.len(), rows)
                })?;
        }
        Ok(RunReport {
            at: run.at,
            auto: run.cause != Cause::Manual,
            cause: run.cause,
            report: run.report,
            reaped,
        })
    }

    /// The events of the last operation, in order, GC runs included.
    pub fn events(&self) -> Result<Vec<Event>> {
        // The log holds all of them but the earliest GC removals it had no room for.
        let mut events = self.gc_events(self.log.unlogged(), false)?;
        events.extend(self.log.current().iter().cloned());
        Ok(events)
    }

    /// The first `limit` removals by the last operation's GC runs whose removals were not
    /// logged in place, in the order they happened, or the latest first.
    fn gc_events(&self, limit: usize, newest_first: bool) -> Result<Vec<Event>> {
        if limit == 0 || self.runs.is_empty() {
            return Ok(Vec::new());
        }
        let mut events = Vec::with_capacity(limit);
        let deferred = self.runs.iter().filter(|r| !r.logged);
        let runs: Box<dyn Iterator<Item = &GcRun>> = if newest_first {
            Box::new(deferred.rev())
        } else {
            Box::new(deferred)
        };
        for run in runs {
            if events.len() >= limit {
                break;
            }
            self.store
                .swept(run.mark, newest_first, &mut |id, last, created| {
                    events.push(gc_event(run, id, last, created));
                    stop_at(events.len(), limit)
                })?;
        }
        Ok(events)
    }

    /// `SessionGC(maxlifetime)` by hand, now. Returns the run, also in [`Manager::runs`].
    pub fn gc(&mut self, now: Time) -> Result<GcRun> {
        self.operation(now, |m| {
            m.sweeping(None).1.run(now, Scan::Back, Cause::Manual)
        })
    }

    /// Lets the GC strategy do the work due by `now`, as after the clock moved to `now`.
    pub fn advance_to(&mut self, now: Time) -> Result<()> {
        self.operation(now, |_| Ok(()))
    }

    /// Session `id`, without touching it.
    pub fn session(&self, id: &str) -> Result<Option<Snapshot>> {
        self.store.session(id)
    }

    /// How many sessions are stored, live or expired.
    pub fn stored(&self) -> Result<usize> {
        self.store.stored()
    }

    /// How many stored sessions have expired at `now` (by either limit) but are not
    /// collected yet.
    pub fn expired_count(&self, now: Time) -> Result<usize> {
        self.store.count_over(self.rules().expiry(now))
    }

    /// The expired sessions held at `now`, and the most held at once so far, `now`
    /// included.
    pub fn expired_held(&self, now: Time) -> Result<(u64, u64)> {
        let held = self.expired_count(now)? as u64;
        Ok((held, held.max(self.stats.expired_held_peak)))
    }

    /// Notes the expired sessions held now, before a change that could lower the count
    /// (the settings that decide expiry).
    fn note_held(&mut self) -> Result<()> {
        let held = self.expired_count(self.now)? as u64;
        self.stats.held(held);
        Ok(())
    }

    /// A session left (evicted, destroyed, or lazily expired) at `now`: if it was expired,
    /// the count of expired sessions held fell.
    fn left(&mut self, now: Time, gone: &Gone) {
        if self
            .rules()
            .expiry(now)
            .is_over(gone.last_access, gone.created)
        {
            self.over_left += 1;
        }
    }

    /// Checks the store's invariants (for tests).
    pub fn check(&self) -> std::result::Result<(), String> {
        self.store.check()
    }

    /// The parts a GC run changes, lent apart from the strategy that drives them; the
    /// runs leave session `keep` in place.
    fn sweeping<'a>(
        &'a mut self,
        keep: Option<&'a str>,
    ) -> (&'a mut dyn Strategy, Sweeping<'a, S>) {
        let sweeping = Sweeping {
            rules: self.rules(),
            store: &mut self.store,
            stats: &mut self.stats,
            runs: &mut self.runs,
            quiet: &mut self.quiet,
            keep,
        };
        (self.gc.as_mut(), sweeping)
    }

    /// How many sessions the last operation's runs reaped for outliving the absolute
    /// lifetime: none without one; else each is looked at.
    fn reaped_for_lifetime(&self) -> Result<u64> {
        let mut count = 0;
        for run in self
            .runs
            .iter()
            .filter(|r| r.expiry.has_absolute() && !r.logged)
        {
            self.store.swept(run.mark, false, &mut |_, last, created| {
                count += u64::from(lifetime(run, last, created));
                ControlFlow::Continue(())
            })?;
        }
        Ok(count)
    }

    /// A `SessionStart` found or made session `id`: the strategy may sweep (PHP's coin,
    /// tossed after the read as `php_session_gc` is), leaving `id` in place, as PHP's
    /// request writes its session back when it ends. Such a run comes after the
    /// operation's events so far, so its removals are logged now, in place, rather than
    /// put in front when the operation ends.
    fn session_started(&mut self, now: Time, id: &str) -> Result<()> {
        if !self.gc_watches_starts {
            return Ok(());
        }
        let before = self.runs.len();
        let (gc, mut sweeping) = self.sweeping(Some(id));
        let result = gc.session_started(now, &mut sweeping);
        self.gc_due = self.gc.next_due();
        for i in before..self.runs.len() {
            let mut run = self.runs[i];
            let mut events = Vec::new();
            self.store
                .swept(run.mark, false, &mut |id, last, created| {
                    let mut event = gc_event(&run, id, last, created);
                    event.extra = self.extra(None);
                    events.push(event);
                    ControlFlow::Continue(())
                })?;
            self.log.sink().extend(events);
            run.logged = true;
            self.runs[i] = run;
        }
        result
    }

    /// Runs `work`, the calls one request of `client` makes, as one operation at `now`:
    /// their events, runs and removals are reported together, and name the client.
    pub fn together<R>(
        &mut self,
        now: Time,
        client: Option<&str>,
        work: impl FnOnce(&mut Self) -> R,
    ) -> Result<R> {
        self.operation(now, |m| {
            m.gathering = true;
            m.client = client.map(CompactString::from);
            let result = work(m);
            m.gathering = false;
            m.client = None;
            Ok(result)
        })
    }

    /// Runs one operation at `now`: first the GC work due by then, then `work`; whatever
    /// `work` returns, even an error, what happened is tallied and logged. Inside
    /// [`Manager::together`], `work` is part of the operation already begun.
    fn operation<R>(&mut self, now: Time, work: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        if self.gathering {
            return work(self);
        }
        self.begin(now)?;
        let result = work(self);
        self.finish()?;
        result
    }

    /// Starts an operation at `now`: the sessions earlier runs reaped are let go, the events
    /// start afresh, and the strategy does what is due.
    fn begin(&mut self, now: Time) -> Result<()> {
        self.ops += 1;
        self.now = now;
        self.over_left = 0;
        self.store.release()?;
        self.log.start();
        self.runs.clear();
        self.quiet = None;
        self.fire_due(now)
    }

    fn fire_due(&mut self, now: Time) -> Result<()> {
        if self.gc_due.is_some_and(|t| t <= now) {
            let (gc, mut sweeping) = self.sweeping(None);
            let result = gc.run_due(now, &mut sweeping);
            self.gc_due = self.gc.next_due();
            result?;
        }
        Ok(())
    }

    /// Ends an operation: tallies its events, and logs its GC removals, which came before
    /// its other events. The log keeps only the newest, so at most that many are copied.
    fn finish(&mut self) -> Result<()> {
        for event in self.log.current() {
            self.stats.tally(event.kind);
        }
        // The work's removals of expired sessions (its own, and its coins' runs) all came
        // at `now`: just before the first, the expired held were these and those still held.
        let coined: u64 = self
            .runs
            .iter()
            .filter(|r| r.logged)
            .map(|r| r.report.reaped)
            .sum();
        if self.over_left + coined > 0 {
            let held = self.expired_count(self.now)? as u64 + self.over_left + coined;
            self.stats.held(held);
        }
        let deferred = self.runs.iter().filter(|r| !r.logged);
        let reaped: u64 = deferred.map(|r| r.report.reaped).sum();
        if reaped == 0 {
            return Ok(());
        }
        let lifetime = self.reaped_for_lifetime()?;
        self.stats.reaped_gc += reaped - lifetime;
        self.stats.reaped_lifetime += lifetime;
        let count = usize::try_from(reaped).unwrap_or(usize::MAX);
        let newest = self.gc_events(self.log.room(count), true)?;
        self.log.prepend_current(count, newest.into_iter());
        Ok(())
    }
}

fn removed(reason: Reason) -> EventKind {
    EventKind::Removed(reason)
}

/// Whether `run` reaped a session last accessed at `last_access` and created at `created`
/// for outliving the absolute lifetime.
fn lifetime(run: &GcRun, last_access: Time, created: Time) -> bool {
    run.expiry.limit(last_access, created) == Some(Limit::Absolute)
}

/// The event of a session `run` reaped.
fn gc_event(run: &GcRun, id: &str, last_access: Time, created: Time) -> Event {
    let reason = if lifetime(run, last_access, created) {
        Reason::Lifetime
    } else {
        Reason::Gc
    };
    Event::new(run.at, id, last_access, removed(reason))
}

/// Goes on until `len` reaches `limit`.
fn stop_at(len: usize, limit: usize) -> ControlFlow<()> {
    if len >= limit {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}
