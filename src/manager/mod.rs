//! The book's session manager (§6.2) over any [`Store`]: settings, rules, id generation,
//! capacity, the GC strategy, counters and the event log.
//!
//! The manager is handed `now` by its owner. Each operation first lets the GC strategy do
//! the work due by `now`, then makes one call of the store, and turns what the store
//! answered into events; [`Manager::events`] and [`Manager::runs`] then tell what that
//! operation caused. A failed operation changes nothing but what its GC runs did, and what
//! lazy expiry removed.

pub mod config;
pub mod event;
pub mod log;
pub mod run;
pub mod stats;

use std::ops::ControlFlow;
use std::time::Duration;

use compact_str::CompactString;
use serde::Serialize;

pub use config::Config;
pub use event::{Activity, Event, EventKind, Reason};
pub use log::EventLog;
pub use run::{GcRun, Reaped, RunReport};
pub use stats::Stats;

use crate::basics::ids::IdGenerator;
use crate::basics::time::Time;
use crate::gc::{Strategy, Timer};
use crate::rules::{Defects, Rules};
use crate::store::{
    Access, Answer, Gone, MemoryStore, Op, Placement, Read, Snapshot, Store, Value,
};
use crate::{Error, Result};
use config::{capacity_error, positive};
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
    /// `gc.next_due()`, kept at hand: most operations need only compare it with `now`.
    gc_due: Option<Time>,
    stats: Stats,
    log: EventLog,
    runs: Vec<GcRun>,
    ops: u64,
    /// Sessions the store evicted in the current operation (a buffer kept for reuse).
    evicted: Vec<Gone>,
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
        let gc = Box::new(Timer::new(start, config.interval(), config.auto_gc));
        let mut manager = Manager {
            log: EventLog::with_capacity(config.log_capacity),
            gc_due: gc.next_due(),
            gc,
            config,
            store,
            ids,
            stats: Stats::default(),
            runs: Vec::new(),
            ops: 0,
            evicted: Vec::new(),
        };
        manager.begin(start)?;
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
        }
    }

    /// The store, to look at sessions without touching them.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The GC strategy's name.
    pub fn strategy(&self) -> &'static str {
        self.gc.name()
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

    /// `run`, a run of the last operation, with the first `rows` sessions it reaped (none if
    /// `run` is from an earlier operation: those sessions are gone).
    pub fn report(&self, run: &GcRun, rows: usize) -> Result<RunReport> {
        let mut reaped = Vec::new();
        if rows > 0 {
            self.store.swept(run.mark, false, &mut |id, last_access| {
                reaped.push(Reaped {
                    id: id.into(),
                    last_access,
                });
                stop_at(reaped.len(), rows)
            })?;
        }
        Ok(RunReport {
            at: run.at,
            auto: run.auto,
            report: run.report,
            reaped,
        })
    }

    /// The events of the last operation, in order, GC runs included.
    pub fn events(&self) -> Result<Vec<Event>> {
        // The log holds all of them but the earliest GC removals it had no room for.
        let mut events = Vec::new();
        let unlogged = self.log.unlogged();
        for run in &self.runs {
            if events.len() == unlogged {
                break;
            }
            self.store.swept(run.mark, false, &mut |id, last| {
                events.push(gc_event(run.at, id, last));
                stop_at(events.len(), unlogged)
            })?;
        }
        events.extend(self.log.current().iter().cloned());
        Ok(events)
    }

    /// `SessionInit`: creates a session with `id`, or with a generated id, after evicting
    /// the least recently used sessions if the store is at capacity. Returns the id.
    pub fn create(&mut self, id: Option<&str>, now: Time) -> Result<CompactString> {
        self.operation(now, |m| {
            m.session_started(now)?;
            let placement = m.placement();
            let id = loop {
                let candidate: CompactString = match id {
                    Some(id) => {
                        check_id(id)?;
                        id.into()
                    }
                    None => m.ids.next_id()?.into(),
                };
                match m.store.create(&candidate, now, placement, &mut m.evicted) {
                    // A generated id that is taken is drawn again.
                    Err(Error::SessionExists(_)) if id.is_none() => continue,
                    result => {
                        result?;
                        break candidate;
                    }
                }
            };
            m.push_evicted(now);
            m.push(now, &id, now, EventKind::Created);
            Ok(id)
        })
    }

    /// `SessionRead`. With B5, an unknown id is adopted, making room first if needed.
    pub fn read(&mut self, id: &str, now: Time) -> Result<ReadOutcome> {
        self.operation(now, |m| {
            m.session_started(now)?;
            let rules = m.rules();
            let adopt = if rules.adopts() {
                check_id(id)?;
                Some(m.placement())
            } else {
                None
            };
            match m
                .store
                .read(id, now, rules.expiry(now), adopt, &mut m.evicted)?
            {
                Read::Found => Ok(ReadOutcome::Found),
                Read::Adopted => {
                    m.push_evicted(now);
                    m.push(now, id, now, EventKind::Adopted);
                    Ok(ReadOutcome::Adopted)
                }
                Read::Expired(gone) => Err(m.lazily_expired(now, gone)),
            }
        })
    }

    /// The store's `Set`.
    pub fn set(&mut self, id: &str, key: &str, value: &str, now: Time) -> Result<()> {
        self.access(id, Op::Set(key, value), Activity::Set, now)
            .map(drop)
    }

    /// The store's `Get`: the value, or `None` for the book's `nil`.
    pub fn get(&mut self, id: &str, key: &str, now: Time) -> Result<Option<Value>> {
        match self.access(id, Op::Get(key), Activity::Get, now)? {
            Answer::Value(value) => Ok(value),
            other => Err(mismatch("get", &other)),
        }
    }

    /// The store's `Delete`: whether the key was there.
    pub fn delete(&mut self, id: &str, key: &str, now: Time) -> Result<bool> {
        match self.access(id, Op::Del(key), Activity::Del, now)? {
            Answer::Deleted(existed) => Ok(existed),
            other => Err(mismatch("del", &other)),
        }
    }

    /// The `countnum` counter: adds `by`, returns the new value.
    pub fn incr(&mut self, id: &str, key: &str, by: i64, now: Time) -> Result<i64> {
        match self.access(id, Op::Incr(key, by), Activity::Incr, now)? {
            Answer::Counter(n) => Ok(n),
            other => Err(mismatch("incr", &other)),
        }
    }

    /// `SessionUpdate`.
    pub fn touch(&mut self, id: &str, now: Time) -> Result<()> {
        self.access(id, Op::Touch, Activity::Touch, now).map(drop)
    }

    /// `SessionDestroy`.
    pub fn destroy(&mut self, id: &str, now: Time) -> Result<()> {
        self.operation(now, |m| {
            let gone = m.store.destroy(id)?;
            m.push(now, &gone.id, gone.last_access, removed(Reason::Destroyed));
            Ok(())
        })
    }

    /// `SessionGC(maxlifetime)` by hand, now. Returns the run, also in [`Manager::runs`].
    pub fn gc(&mut self, now: Time) -> Result<GcRun> {
        self.operation(now, |m| m.sweeping().1.run(now, false))
    }

    /// Lets the GC strategy do the work due by `now`, as after the clock moved to `now`.
    pub fn advance_to(&mut self, now: Time) -> Result<()> {
        self.operation(now, |_| Ok(()))
    }

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

    /// Session `id`, without touching it.
    pub fn session(&self, id: &str) -> Result<Option<Snapshot>> {
        self.store.session(id)
    }

    /// How many sessions are stored, live or expired.
    pub fn stored(&self) -> Result<usize> {
        self.store.stored()
    }

    /// How many stored sessions have expired at `now` but are not collected yet.
    pub fn expired_count(&self, now: Time) -> Result<usize> {
        self.store.count_accessed_before(self.rules().cutoff(now))
    }

    /// Checks the store's invariants (for tests).
    pub fn check(&self) -> std::result::Result<(), String> {
        self.store.check()
    }

    fn placement(&self) -> Placement {
        Placement {
            end: self.rules().new_session_end(),
            capacity: self.config.capacity,
        }
    }

    /// An activity: one store call that checks expiry, applies `op` and touches.
    fn access(&mut self, id: &str, op: Op<'_>, activity: Activity, now: Time) -> Result<Answer> {
        self.operation(now, |m| {
            match m.store.access(id, op, now, m.rules().expiry(now))? {
                Access::Applied {
                    before,
                    expired,
                    answer,
                } => {
                    let kind = if expired {
                        EventKind::Revived(activity)
                    } else {
                        EventKind::Accessed(activity)
                    };
                    m.push(now, id, before, kind);
                    Ok(answer)
                }
                Access::Expired(gone) => Err(m.lazily_expired(now, gone)),
            }
        })
    }

    /// Logs a removal by lazy expiry, and returns the error the access fails with.
    fn lazily_expired(&mut self, now: Time, gone: Gone) -> Error {
        self.push(now, &gone.id, gone.last_access, removed(Reason::Expired));
        Error::Expired(gone.id.into())
    }

    fn push(&mut self, at: Time, id: &str, last_access: Time, kind: EventKind) {
        self.log.sink().push(Event {
            at,
            id: id.into(),
            last_access,
            kind,
        });
    }

    fn push_evicted(&mut self, now: Time) {
        for gone in self.evicted.drain(..) {
            self.log.sink().push(Event {
                at: now,
                id: gone.id,
                last_access: gone.last_access,
                kind: removed(Reason::Evicted),
            });
        }
    }

    /// The parts a GC run changes, lent apart from the strategy that drives them.
    fn sweeping(&mut self) -> (&mut dyn Strategy, Sweeping<'_, S>) {
        let sweeping = Sweeping {
            rules: self.rules(),
            store: &mut self.store,
            stats: &mut self.stats,
            runs: &mut self.runs,
        };
        (self.gc.as_mut(), sweeping)
    }

    /// A `SessionStart` began: the strategy may sweep (PHP's coin).
    fn session_started(&mut self, now: Time) -> Result<()> {
        let (gc, mut sweeping) = self.sweeping();
        let result = gc.session_started(now, &mut sweeping);
        self.gc_due = self.gc.next_due();
        result
    }

    fn reconfigure_gc(&mut self, now: Time, restart: bool) -> Result<()> {
        let (period, on) = (self.config.interval(), self.config.auto_gc);
        self.gc.reconfigure(now, period, on, restart);
        self.gc_due = self.gc.next_due();
        self.fire_due(now)
    }

    /// Runs one operation at `now`: first the GC work due by then, then `work`; whatever
    /// `work` returns, even an error, what happened is tallied and logged.
    fn operation<R>(&mut self, now: Time, work: impl FnOnce(&mut Self) -> Result<R>) -> Result<R> {
        self.begin(now)?;
        let result = work(self);
        self.finish()?;
        result
    }

    /// Starts an operation at `now`: the sessions earlier runs reaped are let go, the events
    /// start afresh, and the strategy does what is due.
    fn begin(&mut self, now: Time) -> Result<()> {
        self.ops += 1;
        self.store.release()?;
        self.log.start();
        self.runs.clear();
        self.fire_due(now)
    }

    fn fire_due(&mut self, now: Time) -> Result<()> {
        if self.gc_due.is_some_and(|t| t <= now) {
            let (gc, mut sweeping) = self.sweeping();
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
        let reaped: u64 = self.runs.iter().map(|r| r.report.reaped).sum();
        if reaped == 0 {
            return Ok(());
        }
        self.stats.reaped_gc += reaped;
        let count = usize::try_from(reaped).unwrap_or(usize::MAX);
        let room = self.log.room(count);
        let mut newest = Vec::with_capacity(room);
        for run in self.runs.iter().rev() {
            if newest.len() == room {
                break;
            }
            self.store.swept(run.mark, true, &mut |id, last| {
                newest.push(gc_event(run.at, id, last));
                stop_at(newest.len(), room)
            })?;
        }
        self.log.prepend_current(count, newest.into_iter());
        Ok(())
    }
}

/// Refuses an id no cookie could carry: empty, or holding whitespace.
pub fn check_id(sid: &str) -> Result<()> {
    if sid.is_empty() {
        return Err(Error::Empty("a session id"));
    }
    // Ids are nearly always ASCII, whose whitespace is these six bytes.
    let spaced = if sid.is_ascii() {
        sid.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        sid.contains(char::is_whitespace)
    };
    if spaced {
        return Err(Error::Invalid(format!(
            "session id `{sid}` holds whitespace; an id is one word, as a cookie value is"
        )));
    }
    Ok(())
}

fn removed(reason: Reason) -> EventKind {
    EventKind::Removed(reason)
}

fn gc_event(at: Time, id: &str, last_access: Time) -> Event {
    Event {
        at,
        id: id.into(),
        last_access,
        kind: removed(Reason::Gc),
    }
}

/// Goes on until `len` reaches `limit`.
fn stop_at(len: usize, limit: usize) -> ControlFlow<()> {
    if len >= limit {
        ControlFlow::Break(())
    } else {
        ControlFlow::Continue(())
    }
}

/// The error for a store that answered an op with another op's answer.
fn mismatch(op: &str, answer: &Answer) -> Error {
    Error::Store(format!("the store answered `{op}` with {answer:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_refused_for_exactly_the_whitespace_rust_knows() {
        let ascii = (0u8..128).map(char::from);
        let unicode = ['\u{85}', '\u{a0}', '\u{2003}', '\u{3000}', 'é', '名'];
        for c in ascii.chain(unicode) {
            for id in [format!("a{c}b"), c.to_string()] {
                assert_eq!(check_id(&id).is_err(), c.is_whitespace(), "{c:?} in {id:?}");
            }
        }
        assert!(check_id("").is_err());
    }
}
