//! Property tests: the manager over the memory store, under every combination of the
//! book's defects (and with defects changed as it runs), checked step by step against a
//! plain reference model of the book's store, each defect on or off.
//!
//! The model is written to be obviously right rather than fast: sessions are a `Vec` kept in
//! list order (front first) and scanned linearly, and every GC strategy (the book's timer,
//! lazy, PHP's coin, Redis's sampling) performs every run, one per interval or cycle. So it
//! also proves exact the manager's shortcut of counting quiet runs. The absolute lifetime,
//! and the most expired sessions held at once (counted before every operation and run),
//! are checked too.

use std::ops::ControlFlow;
use std::time::Duration;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::TestRunner;
use sessim::Error;
use sessim::basics::draws::Draws;
use sessim::basics::ids::IdGenerator;
use sessim::basics::time::{DEFAULT_START, Time};
use sessim::gc::GcReport;
use sessim::gc::{Cause, Kind};
use sessim::manager::{
    Activity, Config, Event, EventKind, Manager, ReadOutcome, Reaped, Reason, RunReport, Stats,
};
use sessim::rules::{Defect, Defects};
use sessim::store::redis::Namespace;
use sessim::store::{Answer, End, MemoryStore, Op as StoreOp, RedisStore, Store};

mod common;
use common::test_redis::TestRedis;

const NANOS_PER_SEC: i64 = 1_000_000_000;

/// Ids the operations pick from, so that collisions happen; the last one is empty.
const POOL: [&str; 7] = ["a", "b", "c", "d", "e", "f", ""];
const KEYS: [&str; 3] = ["k", "n", "名"];

/// The most timer runs one `advance` may make the model perform (it performs each one).
const RUN_BUDGET: i64 = 2_000;

// ---------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
struct RefSession {
    id: String,
    /// Last access, in nanoseconds since the epoch.
    last: i64,
    /// Creation, in nanoseconds since the epoch.
    created: i64,
    /// Pairs in the order their keys were first set.
    values: Vec<(String, String)>,
}

/// The store and manager as SPEC §1 describes them, naively.
struct Model {
    defects: Defects,
    /// Front (most recently used) first.
    list: Vec<RefSession>,
    max_lifetime: Duration,
    gc_interval: Option<Duration>,
    auto_gc: bool,
    capacity: Option<usize>,
    next_gc: Option<i64>,
    ids: IdGenerator,
    strategy: Kind,
    absolute: Option<Duration>,
    probability: u32,
    divisor: u32,
    hz: u32,
    seed: u64,
    /// PHP: session starts so far. Sampling: cycles so far.
    count: u64,
    /// Sampling: every stored id, in pool order.
    pool: Vec<String>,
    /// The most expired sessions seen stored at once.
    peak: u64,
    stats: Stats,
    /// The events and reported runs of the last operation.
    events: Vec<Event>,
    runs: Vec<RunReport>,
    /// Every event ever.
    log: Vec<Event>,
}

/// What an operation returns, whatever its type.
#[derive(Debug, Clone, PartialEq)]
enum Out {
    Id(String),
    Read(ReadOutcome),
    Unit,
    Value(Option<String>),
    Deleted(bool),
    Count(i64),
    Run(RunReport),
    /// A read, and what the call after it returned.
    Then(ReadOutcome, Box<Out>),
}

type Outcome = Result<Out, Error>;

fn secs(t: i64) -> i64 {
    t.div_euclid(NANOS_PER_SEC)
}

fn interval_nanos(d: Duration) -> i64 {
    i64::try_from(d.as_nanos()).expect("durations in these tests are short")
}

impl Model {
    fn new(config: &Config, seed: u64, start: i64) -> Model {
        let mut model = Model {
            defects: config.defects,
            list: Vec::new(),
            max_lifetime: config.max_lifetime,
            gc_interval: config.gc_interval,
            auto_gc: config.auto_gc,
            capacity: config.capacity,
            next_gc: (config.auto_gc && matches!(config.gc, Kind::Timer | Kind::Sampling))
                .then_some(start),
            ids: IdGenerator::seeded(seed),
            strategy: config.gc,
            absolute: config.absolute_lifetime,
            probability: config.gc_probability,
            divisor: config.gc_divisor,
            hz: config.gc_hz,
            seed,
            count: 0,
            pool: Vec::new(),
            peak: 0,
            stats: Stats::default(),
            events: Vec::new(),
            runs: Vec::new(),
            log: Vec::new(),
        };
        model.begin(start);
        model
    }

    /// The period of the strategy's runs: the timer's interval, or a sampling cycle's.
    fn interval(&self) -> i64 {
        match self.strategy {
            Kind::Sampling => 1_000_000_000 / i64::from(self.hz),
            _ => interval_nanos(self.gc_interval.unwrap_or(self.max_lifetime)),
        }
    }

    fn has(&self, defect: Defect) -> bool {
        self.defects.has(defect)
    }

    /// Exact nanoseconds; with B8, whole Unix seconds with a strict `<`.
    fn is_expired(&self, s: &RefSession, now: i64) -> bool {
        if self.has(Defect::B8) {
            i128::from(secs(s.last)) + i128::from(self.max_lifetime.as_secs())
                < i128::from(secs(now))
        } else {
            i128::from(now) - i128::from(s.last) > self.max_lifetime.as_nanos() as i128
        }
    }

    /// Whether the absolute lifetime is over: exact nanoseconds, whatever the defects.
    fn too_old(&self, s: &RefSession, now: i64) -> bool {
        self.absolute
            .is_some_and(|d| i128::from(now) - i128::from(s.created) > d.as_nanos() as i128)
    }

    /// Expired by either limit.
    fn is_over(&self, s: &RefSession, now: i64) -> bool {
        self.is_expired(s, now) || self.too_old(s, now)
    }

    /// Why an expired session is removed: idle first.
    fn reason(&self, s: &RefSession, now: i64, idle: Reason) -> Reason {
        if self.is_expired(s, now) {
            idle
        } else {
            Reason::Lifetime
        }
    }

    /// Notes how many expired sessions are stored at `now`.
    fn note(&mut self, now: i64) {
        self.peak = self.peak.max(self.expired_count(now) as u64);
    }

    /// Whether the list is in last-access order, front to back.
    fn in_order(&self) -> bool {
        self.list.windows(2).all(|w| w[0].last >= w[1].last)
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.list.iter().position(|s| s.id == id)
    }

    fn emit(&mut self, at: i64, id: &str, last: i64, kind: EventKind) {
        let counter = match kind {
            EventKind::Created => &mut self.stats.created,
            EventKind::Adopted => &mut self.stats.adopted,
            EventKind::Accessed(_) => &mut self.stats.accessed,
            EventKind::Revived(_) => &mut self.stats.revived,
            EventKind::Regenerated => &mut self.stats.regenerated,
            EventKind::Removed(Reason::Gc) => &mut self.stats.reaped_gc,
            EventKind::Removed(Reason::Expired) => &mut self.stats.reaped_expired,
            EventKind::Removed(Reason::Evicted) => &mut self.stats.reaped_evicted,
            EventKind::Removed(Reason::Destroyed) => &mut self.stats.reaped_destroyed,
            EventKind::Removed(Reason::Lifetime) => &mut self.stats.reaped_lifetime,
        };
        *counter += 1;
        let event = Event::new(
            Time::from_unix_nanos(at),
            id,
            Time::from_unix_nanos(last),
            kind,
        );
        self.events.push(event.clone());
        self.log.push(event);
    }

    fn remove_at(&mut self, i: usize, reason: Reason, now: i64) {
        let s = self.list.remove(i);
        if self.strategy == Kind::Sampling {
            let p = self.pool.iter().position(|id| *id == s.id).expect("pooled");
            self.pool.swap_remove(p);
        }
        self.emit(now, &s.id, s.last, EventKind::Removed(reason));
    }

    /// Every operation that is handed `now` starts here: the runs due by then fire.
    fn begin(&mut self, now: i64) {
        self.events.clear();
        self.runs.clear();
        self.fire_due(now);
        self.note(now);
    }

    /// The timer and sampling: one run per interval or cycle, each one performed.
    fn fire_due(&mut self, now: i64) {
        while let Some(at) = self.next_gc.filter(|&t| self.auto_gc && t <= now) {
            match self.strategy {
                Kind::Sampling => self.cycle(at),
                _ => {
                    self.gc_run(at, Cause::Timer);
                }
            }
            self.next_gc = at.checked_add(self.interval());
        }
    }

    /// PHP's coin, once a session start has found or made its session.
    /// The run leaves session `id` in place, as PHP's request writes its session back.
    fn session_start(&mut self, now: i64, id: &str) {
        if self.strategy != Kind::Php {
            return;
        }
        let n = self.count;
        self.count += 1;
        let coin = Draws::new(self.seed, 1, n).below(0, u64::from(self.divisor));
        if self.auto_gc && coin < u64::from(self.probability) {
            self.sweep(now, Cause::Coin, Some(id));
        }
    }

    /// One cycle of Redis's active expiry, as `Store::sample` defines it.
    fn cycle(&mut self, at: i64) {
        self.note(at);
        let hz = u64::from(self.hz);
        let draws = Draws::new(self.seed, 2, self.count);
        self.count += 1;
        let cap = (200_000 / hz).max(20);
        let mut report = GcReport::default();
        let mut reaped = Vec::new();
        let mut k = 0;
        loop {
            let round = 20.min(self.pool.len() as u64);
            if round == 0 {
                break;
            }
            let mut expired = 0;
            for _ in 0..round {
                if self.pool.is_empty() {
                    break;
                }
                let id = self.pool[draws.below(k, self.pool.len() as u64) as usize].clone();
                k += 1;
                report.scanned += 1;
                let i = self.position(&id).expect("pooled ids are stored");
                if self.is_over(&self.list[i], at) {
                    reaped.push(self.reap(i, at));
                    expired += 1;
                }
            }
            report.reaped += expired;
            if expired * 100 / round <= 10 || report.scanned >= cap {
                break;
            }
        }
        self.count_run(&report);
        if report.reaped > 0 {
            self.runs.push(RunReport {
                at: Time::from_unix_nanos(at),
                auto: true,
                cause: Cause::Sampling,
                report,
                reaped,
            });
        }
    }

    /// Removes session `i`, expired at `at`, for a GC run.
    fn reap(&mut self, i: usize, at: i64) -> Reaped {
        let s = self.list[i].clone();
        let reason = self.reason(&s, at, Reason::Gc);
        self.remove_at(i, reason, at);
        Reaped {
            id: s.id.as_str().into(),
            last_access: Time::from_unix_nanos(s.last),
            lifetime: reason == Reason::Lifetime,
        }
    }

    fn count_run(&mut self, report: &GcReport) {
        self.stats.gc_runs += 1;
        self.stats.examined += report.scanned;
        self.stats.largest_run = self.stats.largest_run.max(report.scanned);
    }

    /// `SessionGC`: from the back, while the back is expired; with an absolute lifetime or
    /// for PHP, every session, back to front.
    fn gc_run(&mut self, at: i64, cause: Cause) -> RunReport {
        self.sweep(at, cause, None)
    }

    /// A GC run that leaves session `keep` in place.
    fn sweep(&mut self, at: i64, cause: Cause, keep: Option<&str>) -> RunReport {
        self.note(at);
        let whole = self.absolute.is_some() || cause == Cause::Coin;
        let mut report = GcReport::default();
        let mut reaped = Vec::new();
        let mut i = self.list.len();
        while i > 0 {
            i -= 1;
            report.scanned += 1;
            let kept = keep == Some(self.list[i].id.as_str());
            if self.is_over(&self.list[i], at) && !kept {
                reaped.push(self.reap(i, at));
                report.reaped += 1;
            } else if !whole {
                break;
            }
        }
        self.count_run(&report);
        let run = RunReport {
            at: Time::from_unix_nanos(at),
            auto: cause != Cause::Manual,
            cause,
            report,
            reaped,
        };
        if report.reaped > 0 || matches!(cause, Cause::Manual | Cause::Coin) {
            self.runs.push(run.clone());
        }
        run
    }

    fn make_room(&mut self, now: i64) {
        if let Some(cap) = self.capacity {
            while !self.list.is_empty() && self.list.len() >= cap {
                let last = self.list.len() - 1;
                self.remove_at(last, Reason::Evicted, now);
            }
        }
    }

    /// Stores a new session: at the front, or with B1 at the back.
    fn store(&mut self, id: &str, kind: EventKind, now: i64) {
        let s = RefSession {
            id: id.to_owned(),
            last: now,
            created: now,
            values: Vec::new(),
        };
        if self.strategy == Kind::Sampling {
            self.pool.push(id.to_owned());
        }
        if self.has(Defect::B1) {
            self.list.push(s);
        } else {
            self.list.insert(0, s);
        }
        self.emit(now, id, now, kind);
    }

    /// Finds a session for an activity, removing it if it has expired (unless B7).
    fn enter(&mut self, id: &str, now: i64) -> Result<usize, Error> {
        let i = self
            .position(id)
            .ok_or_else(|| Error::NoSuchSession(id.to_owned()))?;
        if !self.has(Defect::B7) && self.is_over(&self.list[i], now) {
            let reason = self.reason(&self.list[i], now, Reason::Expired);
            self.remove_at(i, reason, now);
            if reason == Reason::Lifetime {
                return Err(Error::LifetimeOver {
                    id: id.to_owned(),
                    lifetime: sessim::basics::time::Span(self.absolute.unwrap()).to_string(),
                });
            }
            return Err(Error::Expired(id.to_owned()));
        }
        Ok(i)
    }

    /// An activity: last access becomes now, and the session moves to the front.
    fn activity(&mut self, i: usize, activity: Activity, now: i64) {
        let kind = if self.is_expired(&self.list[i], now) {
            EventKind::Revived(activity)
        } else {
            EventKind::Accessed(activity)
        };
        let (id, last) = (self.list[i].id.clone(), self.list[i].last);
        self.emit(now, &id, last, kind);
        let mut s = self.list.remove(i);
        s.last = now;
        self.list.insert(0, s);
    }

    /// The timer starts over from `now` (sampling keeps its cycles).
    fn rearm(&mut self, now: i64) {
        if self.auto_gc && self.strategy == Kind::Timer {
            self.next_gc = now.checked_add(self.interval());
        }
    }

    fn apply(&mut self, act: &Act, now: i64) -> Outcome {
        match act {
            Act::New(id) => {
                self.begin(now);
                let id = match id {
                    Some(id) if id.is_empty() => return Err(Error::Empty("a session id")),
                    Some(id) if self.position(id).is_some() => {
                        return Err(Error::SessionExists(id.clone()));
                    }
                    Some(id) => id.clone(),
                    None => loop {
                        let id = self.ids.next_id().unwrap();
                        if self.position(&id).is_none() {
                            break id;
                        }
                    },
                };
                self.make_room(now);
                self.store(&id, EventKind::Created, now);
                self.session_start(now, &id);
                Ok(Out::Id(id))
            }
            Act::Read(id) => {
                self.begin(now);
                if self.position(id).is_some() || !self.has(Defect::B5) {
                    self.enter(id, now)?;
                    self.session_start(now, id);
                    return Ok(Out::Read(ReadOutcome::Found));
                }
                if id.is_empty() {
                    return Err(Error::Empty("a session id"));
                }
                self.make_room(now);
                self.store(id, EventKind::Adopted, now);
                self.session_start(now, id);
                Ok(Out::Read(ReadOutcome::Adopted))
            }
            Act::Set(id, key, value) => {
                self.begin(now);
                let i = self.enter(id, now)?;
                let values = &mut self.list[i].values;
                match values.iter_mut().find(|(k, _)| k == key) {
                    Some(pair) => pair.1 = value.clone(),
                    None => values.push((key.clone(), value.clone())),
                }
                self.activity(i, Activity::Set, now);
                Ok(Out::Unit)
            }
            Act::Get(id, key) => {
                self.begin(now);
                let i = self.enter(id, now)?;
                let value = self.list[i]
                    .values
                    .iter()
                    .find(|(k, _)| k == key)
                    .map(|(_, v)| v.clone());
                self.activity(i, Activity::Get, now);
                Ok(Out::Value(value))
            }
            Act::Del(id, key) => {
                self.begin(now);
                let i = self.enter(id, now)?;
                let values = &mut self.list[i].values;
                let before = values.len();
                values.retain(|(k, _)| k != key);
                let removed = values.len() != before;
                self.activity(i, Activity::Del, now);
                Ok(Out::Deleted(removed))
            }
            Act::Incr(id, key, by) => {
                self.begin(now);
                let i = self.enter(id, now)?;
                let values = &mut self.list[i].values;
                let current = match values.iter().find(|(k, _)| k == key) {
                    None => 0,
                    Some((_, text)) => text.parse::<i64>().map_err(|_| Error::NotAnInteger {
                        key: key.clone(),
                        value: text.clone(),
                    })?,
                };
                let next = current
                    .checked_add(*by)
                    .ok_or_else(|| Error::IncrOverflow { key: key.clone() })?;
                match values.iter_mut().find(|(k, _)| k == key) {
                    Some(pair) => pair.1 = next.to_string(),
                    None => values.push((key.clone(), next.to_string())),
                }
                self.activity(i, Activity::Incr, now);
                Ok(Out::Count(next))
            }
            Act::Touch(id) => {
                self.begin(now);
                let i = self.enter(id, now)?;
                self.activity(i, Activity::Touch, now);
                Ok(Out::Unit)
            }
            Act::ReadThen(id, then) => {
                let Out::Read(read) = self.apply(&Act::Read(id.clone()), now)? else {
                    unreachable!("a read answers a read")
                };
                let out = self.apply(then, now)?;
                Ok(Out::Then(read, Box::new(out)))
            }
            Act::Destroy(id) => {
                self.begin(now);
                let i = self
                    .position(id)
                    .ok_or_else(|| Error::NoSuchSession(id.clone()))?;
                self.remove_at(i, Reason::Destroyed, now);
                Ok(Out::Unit)
            }
            Act::Gc => {
                self.begin(now);
                Ok(Out::Run(self.gc_run(now, Cause::Manual)))
            }
            Act::AdvanceTo => {
                self.begin(now);
                Ok(Out::Unit)
            }
            Act::Capacity(c) => {
                if *c == Some(0) {
                    return Err(Error::Invalid(String::new()));
                }
                self.capacity = *c;
                Ok(Out::Unit)
            }
            Act::GcInterval(d) => {
                if *d == Some(Duration::ZERO) {
                    return Err(Error::Invalid(String::new()));
                }
                self.begin(now);
                self.gc_interval = *d;
                self.rearm(now);
                self.fire_due(now);
                Ok(Out::Unit)
            }
            Act::MaxLifetime(d) => {
                if d.is_zero() {
                    return Err(Error::Invalid(String::new()));
                }
                self.begin(now);
                self.max_lifetime = *d;
                if self.gc_interval.is_none() {
                    self.rearm(now);
                }
                self.fire_due(now);
                Ok(Out::Unit)
            }
            Act::AutoGc(on) => {
                self.begin(now);
                if *on != self.auto_gc {
                    self.auto_gc = *on;
                    let scheduled = matches!(self.strategy, Kind::Timer | Kind::Sampling);
                    self.next_gc = (*on && scheduled).then_some(now);
                }
                self.fire_due(now);
                Ok(Out::Unit)
            }
            Act::Strategy(kind) => {
                self.begin(now);
                if *kind == self.strategy {
                    return Ok(Out::Unit);
                }
                // A pool kept goes on as it is; a new one starts in list order.
                if *kind != Kind::Sampling {
                    self.pool.clear();
                } else if self.strategy != Kind::Sampling {
                    self.pool = self.list.iter().map(|s| s.id.clone()).collect();
                }
                self.strategy = *kind;
                self.count = 0;
                let scheduled = matches!(kind, Kind::Timer | Kind::Sampling);
                self.next_gc = (self.auto_gc && scheduled).then_some(now);
                self.fire_due(now);
                Ok(Out::Unit)
            }
            Act::Absolute(d) => {
                if *d == Some(Duration::ZERO) {
                    return Err(Error::Invalid(String::new()));
                }
                self.begin(now);
                self.absolute = *d;
                Ok(Out::Unit)
            }
            Act::Hz(hz) => {
                if !(1..=1_000_000).contains(hz) {
                    return Err(Error::Invalid(String::new()));
                }
                self.begin(now);
                let changed = *hz != self.hz;
                self.hz = *hz;
                if changed && self.strategy == Kind::Sampling && self.auto_gc {
                    self.next_gc = now.checked_add(self.interval());
                }
                self.fire_due(now);
                Ok(Out::Unit)
            }
            Act::Coin(p, d) => {
                if *d == 0 || p > d {
                    return Err(Error::Invalid(String::new()));
                }
                self.begin(now);
                (self.probability, self.divisor) = (*p, *d);
                Ok(Out::Unit)
            }
            Act::Defects(defects) => {
                self.begin(now);
                self.defects = *defects;
                Ok(Out::Unit)
            }
        }
    }

    fn expired_count(&self, now: i64) -> usize {
        self.list.iter().filter(|s| self.is_over(s, now)).count()
    }
}

// ---------------------------------------------------------------------------------------
// Driving the manager
// ---------------------------------------------------------------------------------------

/// An operation with its ids resolved.
#[derive(Debug, Clone)]
enum Act {
    New(Option<String>),
    Read(String),
    Set(String, String, String),
    Get(String, String),
    Del(String, String),
    Incr(String, String, i64),
    Touch(String),
    Destroy(String),
    /// A read, then an activity (`Set`, `Get`, `Del`, `Incr` or `Touch`) on the same id.
    ReadThen(String, Box<Act>),
    Gc,
    AdvanceTo,
    Capacity(Option<usize>),
    GcInterval(Option<Duration>),
    MaxLifetime(Duration),
    AutoGc(bool),
    Defects(Defects),
    Strategy(Kind),
    Absolute(Option<Duration>),
    Hz(u32),
    Coin(u32, u32),
}

fn drive<S: Store>(m: &mut Manager<S>, act: &Act, now: i64) -> Outcome {
    let now = Time::from_unix_nanos(now);
    match act {
        Act::New(id) => m.create(id.as_deref(), now).map(|id| Out::Id(id.into())),
        Act::Read(id) => m.read(id, now).map(Out::Read),
        Act::Set(id, k, v) => m.set(id, k, v, now).map(|()| Out::Unit),
        Act::Get(id, k) => m.get(id, k, now).map(|v| Out::Value(v.map(String::from))),
        Act::Del(id, k) => m.delete(id, k, now).map(Out::Deleted),
        Act::Incr(id, k, by) => m.incr(id, k, *by, now).map(Out::Count),
        Act::Touch(id) => m.touch(id, now).map(|()| Out::Unit),
        Act::Destroy(id) => m.destroy(id, now).map(|()| Out::Unit),
        Act::ReadThen(id, then) => {
            let op = match &**then {
                Act::Set(_, k, v) => StoreOp::Set(k, v),
                Act::Get(_, k) => StoreOp::Get(k),
                Act::Del(_, k) => StoreOp::Del(k),
                Act::Incr(_, k, by) => StoreOp::Incr(k, *by),
                _ => StoreOp::Touch,
            };
            let (read, answer) = m.read_then(id, op, now)?;
            let out = match answer {
                Answer::Done => Out::Unit,
                Answer::Value(v) => Out::Value(v.map(String::from)),
                Answer::Deleted(d) => Out::Deleted(d),
                Answer::Counter(n) => Out::Count(n),
            };
            Ok(Out::Then(read, Box::new(out)))
        }
        Act::Gc => {
            let run = m.gc(now)?;
            Ok(Out::Run(m.report(&run, usize::MAX)?))
        }
        Act::AdvanceTo => m.advance_to(now).map(|()| Out::Unit),
        Act::Capacity(c) => m.set_capacity(*c).map(|()| Out::Unit),
        Act::GcInterval(d) => m.set_gc_interval(*d, now).map(|()| Out::Unit),
        Act::MaxLifetime(d) => m.set_max_lifetime(*d, now).map(|()| Out::Unit),
        Act::AutoGc(on) => m.set_auto_gc(*on, now).map(|()| Out::Unit),
        Act::Defects(d) => m.set_defects(*d, now).map(|()| Out::Unit),
        Act::Strategy(k) => m.set_gc(*k, now).map(|()| Out::Unit),
        Act::Absolute(d) => m.set_absolute_lifetime(*d, now).map(|()| Out::Unit),
        Act::Hz(hz) => m.set_gc_hz(*hz, now).map(|()| Out::Unit),
        Act::Coin(p, d) => m.set_gc_coin(Some(*p), Some(*d), now).map(|()| Out::Unit),
    }
}

/// The same result: equal values, or equal errors (for `Invalid`, only the variant: the
/// model does not restate the message).
fn same(actual: &Outcome, expected: &Outcome) -> bool {
    match (actual, expected) {
        (Err(Error::Invalid(_)), Err(Error::Invalid(_))) => true,
        _ => actual == expected,
    }
}

/// A session as compared: id, last access and pairs.
type Row = (String, i64, Vec<(String, String)>);

/// The sessions from one end, as compared: id, last access and pairs.
fn rows<S: Store>(m: &Manager<S>, from: End) -> Vec<Row> {
    let mut rows = Vec::new();
    m.store()
        .walk(from, &mut |s| {
            let values = s
                .values
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            rows.push((s.id.to_owned(), s.last_access.unix_nanos(), values));
            ControlFlow::Continue(())
        })
        .expect("the store answers");
    rows
}

/// Everything visible about the manager agrees with the model.
fn check<S: Store>(
    m: &Manager<S>,
    model: &Model,
    now: i64,
    log_capacity: usize,
) -> Result<(), TestCaseError> {
    m.check().map_err(TestCaseError::fail)?;
    let actual = rows(m, End::Front);
    let expected: Vec<Row> = model
        .list
        .iter()
        .map(|s| (s.id.clone(), s.last, s.values.clone()))
        .collect();
    prop_assert_eq!(&actual, &expected, "sessions, front to back");
    let backwards: Vec<String> = rows(m, End::Back).into_iter().map(|r| r.0).collect();
    let model_backwards: Vec<String> = model.list.iter().rev().map(|s| s.id.clone()).collect();
    prop_assert_eq!(backwards, model_backwards, "sessions, back to front");
    prop_assert_eq!(m.stored(), Ok(model.list.len()));
    for id in POOL {
        prop_assert_eq!(
            m.session(id).map(|s| s.is_some()),
            Ok(model.position(id).is_some()),
            "session {:?}",
            id
        );
    }
    let at = Time::from_unix_nanos(now);
    prop_assert_eq!(
        m.expired_count(at),
        Ok(model.expired_count(now)),
        "expired count"
    );
    for (s, r) in actual.iter().zip(&model.list) {
        prop_assert_eq!(
            m.rules().is_expired(Time::from_unix_nanos(s.1), at),
            model.is_expired(r, now),
            "expiry of {}",
            r.id
        );
    }
    let held = model.expired_count(now) as u64;
    prop_assert_eq!(
        m.expired_held(at),
        Ok((held, model.peak.max(held))),
        "expired sessions held now, and at most"
    );

    // The stored peak is brought up to date only when the count falls; compared above.
    let mut stats = *m.stats();
    stats.expired_held_peak = model.stats.expired_held_peak;
    prop_assert_eq!(&stats, &model.stats, "stats");
    prop_assert_eq!(
        m.events().expect("the memory store does not fail"),
        &model.events[..],
        "events of the last operation"
    );
    let runs: Vec<RunReport> = m
        .runs()
        .iter()
        .map(|r| {
            m.report(r, usize::MAX)
                .expect("the memory store does not fail")
        })
        .collect();
    prop_assert_eq!(runs, model.runs.clone(), "GC runs of the last operation");
    prop_assert_eq!(
        m.next_gc().map(Time::unix_nanos),
        model.next_gc.filter(|_| model.auto_gc),
        "next timer run or sampling cycle"
    );
    prop_assert_eq!(m.strategy(), model.strategy);

    let config = m.config();
    prop_assert_eq!(config.max_lifetime, model.max_lifetime);
    prop_assert_eq!(config.gc_interval, model.gc_interval);
    prop_assert_eq!(config.auto_gc, model.auto_gc);
    prop_assert_eq!(config.capacity, model.capacity);
    prop_assert_eq!(config.defects, model.defects);
    prop_assert_eq!(config.absolute_lifetime, model.absolute);
    prop_assert_eq!(
        (config.gc_probability, config.gc_divisor, config.gc_hz),
        (model.probability, model.divisor, model.hz)
    );

    let kept = model.log.len().min(log_capacity);
    let log: Vec<&Event> = m.log().iter().collect();
    let model_log: Vec<&Event> = model.log[model.log.len() - kept..].iter().collect();
    prop_assert_eq!(log, model_log, "event log");
    prop_assert_eq!(m.log().dropped(), (model.log.len() - kept) as u64);
    Ok(())
}

/// Properties of a manual GC run that hold whatever the model says.
fn check_gc<S: Store>(
    m: &Manager<S>,
    model: &Model,
    run: &RunReport,
    now: i64,
) -> Result<(), TestCaseError> {
    prop_assert_eq!(run.report.reaped as usize, run.reaped.len());
    let at = Time::from_unix_nanos(now);
    if model.absolute.is_some() {
        // A whole scan: every session looked at, and none expired left.
        prop_assert_eq!(
            run.report.scanned,
            run.report.reaped + m.stored().unwrap() as u64
        );
        prop_assert_eq!(m.expired_count(at), Ok(0));
        return Ok(());
    }
    let left = u64::from(m.stored() != Ok(0));
    prop_assert_eq!(
        run.report.scanned,
        run.report.reaped + left,
        "scanned = reaped + 1"
    );
    if let Some(back) = rows(m, End::Back).first() {
        let last = Time::from_unix_nanos(back.1);
        prop_assert!(
            !m.rules().is_expired(last, at),
            "GC stopped at a live session"
        );
    }
    if model.in_order() {
        prop_assert_eq!(
            m.expired_count(at),
            Ok(0),
            "in last-access order, GC reaps every expired session"
        );
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Strategies
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum IdRef {
    /// One of [`POOL`].
    Pool(usize),
    /// Whichever session is stored at this index (generated ids included).
    Stored(Index),
}

#[derive(Debug, Clone)]
enum Step {
    Fixed(Duration),
    /// `mult` times max-lifetime, plus `delta` nanoseconds.
    Lifetime(u32, i64),
    /// To this many nanoseconds before the end of time.
    ToEnd(i64),
}

#[derive(Debug, Clone)]
enum Op {
    New(Option<IdRef>),
    Read(IdRef),
    Set(IdRef, usize, String),
    Get(IdRef, usize),
    Del(IdRef, usize),
    Incr(IdRef, usize, i64),
    Touch(IdRef),
    Destroy(IdRef),
    /// A read, then this op on the same session (its own id is not used).
    ReadThen(IdRef, Box<Op>),
    Gc,
    /// Moves the clock; with `true`, tells the manager (`advance-clock`), otherwise the next
    /// operation is the first to see the new time.
    Advance(Step, bool),
    Capacity(Option<usize>),
    GcInterval(Option<Duration>),
    MaxLifetime(Duration),
    AutoGc(bool),
    Defects(Defects),
    Strategy(Kind),
    Absolute(Option<Duration>),
    Hz(u32),
    Coin(u32, u32),
}

fn id_ref() -> impl Strategy<Value = IdRef> {
    prop_oneof![
        6 => (0..POOL.len() - 1).prop_map(IdRef::Pool),
        1 => Just(IdRef::Pool(POOL.len() - 1)),
        5 => any::<Index>().prop_map(IdRef::Stored),
    ]
}

fn value() -> impl Strategy<Value = String> {
    let fixed = [
        "0",
        "1",
        "-7",
        "41",
        "9223372036854775806",
        "9223372036854775807",
        "-9223372036854775808",
        "9223372036854775808",
        "abc",
        "",
        "1.5",
        "+3",
        " 1",
        "小明",
    ]
    .map(String::from)
    .to_vec();
    prop_oneof![
        3 => prop::sample::select(fixed),
        1 => "[a-z0-9]{0,4}",
        1 => Just("x".repeat(200)),
    ]
}

fn by() -> impl Strategy<Value = i64> {
    prop_oneof![
        3 => Just(1i64),
        1 => prop::sample::select(vec![-1i64, 0, 2, 1000, i64::MAX, i64::MIN, -5]),
        1 => any::<i64>(),
    ]
}

fn lifetime() -> impl Strategy<Value = Duration> {
    prop::sample::select(vec![
        Duration::from_secs(1),
        Duration::from_millis(1500),
        Duration::from_secs(2),
        Duration::from_secs(10),
        Duration::from_secs(3600),
    ])
}

fn interval() -> impl Strategy<Value = Option<Duration>> {
    prop::sample::select(vec![
        None,
        Some(Duration::from_millis(300)),
        Some(Duration::from_secs(1)),
        Some(Duration::from_secs(7)),
        Some(Duration::from_secs(3600)),
        Some(Duration::from_secs(86_400)),
    ])
}

fn step() -> impl Strategy<Value = Step> {
    let fixed = vec![
        Duration::from_nanos(1),
        Duration::from_millis(1),
        Duration::from_millis(500),
        Duration::from_nanos(999_999_999),
        Duration::from_secs(1),
        Duration::from_secs(59),
        Duration::from_secs(1800),
        Duration::from_secs(3600),
        Duration::from_secs(5400),
        Duration::from_secs(86_400),
    ];
    prop_oneof![
        3 => (1u64..=3_000_000_000).prop_map(|n| Step::Fixed(Duration::from_nanos(n))),
        3 => prop::sample::select(fixed).prop_map(Step::Fixed),
        3 => (1u32..=3, -1i64..=1).prop_map(|(m, d)| Step::Lifetime(m, d)),
        1 => (1u64..=3650).prop_map(|days| Step::Fixed(Duration::from_secs(days * 86_400))),
        1 => Just(Step::Fixed(Duration::from_secs(100 * 365 * 86_400))),
        1 => prop_oneof![Just(0i64), 0i64..3 * 86_400 * NANOS_PER_SEC].prop_map(Step::ToEnd),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..KEYS.len();
    prop_oneof![
        4 => prop::option::weighted(0.8, id_ref()).prop_map(Op::New),
        3 => id_ref().prop_map(Op::Read),
        3 => (id_ref(), key.clone(), value()).prop_map(|(i, k, v)| Op::Set(i, k, v)),
        3 => (id_ref(), key.clone()).prop_map(|(i, k)| Op::Get(i, k)),
        2 => (id_ref(), key.clone()).prop_map(|(i, k)| Op::Del(i, k)),
        3 => (id_ref(), key, by()).prop_map(|(i, k, b)| Op::Incr(i, k, b)),
        2 => id_ref().prop_map(Op::Touch),
        2 => id_ref().prop_map(Op::Destroy),
        3 => (id_ref(), then()).prop_map(|(i, then)| Op::ReadThen(i, Box::new(then))),
        2 => Just(Op::Gc),
        6 => (step(), prop::bool::weighted(0.8)).prop_map(|(s, tell)| Op::Advance(s, tell)),
        1 => prop::option::of(0usize..=5).prop_map(Op::Capacity),
        1 => prop_oneof![interval(), Just(Some(Duration::ZERO))].prop_map(Op::GcInterval),
        1 => prop_oneof![9 => lifetime(), 1 => Just(Duration::ZERO)].prop_map(Op::MaxLifetime),
        1 => prop::bool::weighted(0.7).prop_map(Op::AutoGc),
        1 => prop::sample::select(Defects::every().collect::<Vec<_>>()).prop_map(Op::Defects),
        1 => strategy().prop_map(Op::Strategy),
        1 => absolute().prop_map(Op::Absolute),
        1 => hz().prop_map(Op::Hz),
        1 => coin().prop_map(|(p, d)| Op::Coin(p, d)),
    ]
}

/// The call a request makes after its read.
fn then() -> impl Strategy<Value = Op> {
    let (key, any) = (0..KEYS.len(), || Just(IdRef::Pool(0)));
    prop_oneof![
        (any(), key.clone(), value()).prop_map(|(i, k, v)| Op::Set(i, k, v)),
        (any(), key.clone()).prop_map(|(i, k)| Op::Get(i, k)),
        (any(), key.clone()).prop_map(|(i, k)| Op::Del(i, k)),
        (any(), key, by()).prop_map(|(i, k, b)| Op::Incr(i, k, b)),
        any().prop_map(Op::Touch),
    ]
}

fn strategy() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

fn absolute() -> impl Strategy<Value = Option<Duration>> {
    prop::sample::select(vec![
        None,
        None,
        Some(Duration::from_secs(1)),
        Some(Duration::from_millis(2500)),
        Some(Duration::from_secs(5400)),
        Some(Duration::ZERO),
    ])
}

fn hz() -> impl Strategy<Value = u32> {
    prop::sample::select(vec![10, 1, 3, 1000, 0, 2_000_000])
}

fn coin() -> impl Strategy<Value = (u32, u32)> {
    prop::sample::select(vec![
        (1, 100),
        (1, 2),
        (3, 4),
        (0, 1),
        (1, 1),
        (5, 4),
        (1, 0),
    ])
}

#[derive(Debug, Clone)]
struct Setup {
    strategy: Kind,
    absolute: Option<Duration>,
    hz: u32,
    coin: (u32, u32),
    max_lifetime: Duration,
    gc_interval: Option<Duration>,
    auto_gc: bool,
    capacity: Option<usize>,
    log_capacity: usize,
    seed: u64,
    /// Where the clock starts: mostly [`DEFAULT_START`], sometimes before the epoch or at
    /// the start of time, and some nanoseconds after, so whole seconds fall anywhere.
    start: i64,
}

fn start() -> impl Strategy<Value = i64> {
    let base = prop_oneof![
        8 => Just(DEFAULT_START.unix_nanos()),
        1 => Just(-2 * NANOS_PER_SEC),
        1 => Just(i64::MIN),
    ];
    let offset = prop_oneof![Just(0i64), 0i64..3 * NANOS_PER_SEC];
    (base, offset).prop_map(|(base, offset)| base + offset)
}

fn setup() -> impl Strategy<Value = Setup> {
    let gc = (
        strategy(),
        absolute().prop_filter("a valid lifetime", |d| *d != Some(Duration::ZERO)),
        prop::sample::select(vec![10u32, 1, 1000]),
        prop::sample::select(vec![(1u32, 100u32), (1, 2), (1, 1)]),
    );
    (
        gc,
        (
            lifetime(),
            interval(),
            prop::bool::weighted(0.8),
            prop::option::weighted(0.3, 1usize..=5),
            prop::sample::select(vec![1usize, 5, 64]),
            any::<u64>(),
            start(),
        ),
    )
        .prop_map(
            |(
                (strategy, absolute, hz, coin),
                (max_lifetime, gc_interval, auto_gc, capacity, log_capacity, seed, start),
            )| Setup {
                strategy,
                absolute,
                hz,
                coin,
                max_lifetime,
                gc_interval,
                auto_gc,
                capacity,
                log_capacity,
                seed,
                start,
            },
        )
}

// ---------------------------------------------------------------------------------------
// The property
// ---------------------------------------------------------------------------------------

fn resolve(r: &IdRef, model: &Model) -> String {
    match r {
        IdRef::Stored(i) if !model.list.is_empty() => {
            model.list[i.index(model.list.len())].id.clone()
        }
        IdRef::Stored(_) => POOL[0].to_owned(),
        IdRef::Pool(i) => POOL[*i].to_owned(),
    }
}

/// Where `step` moves the clock from `now`, or `None` past the end of time. With the timer
/// on, the move is shortened so the model performs at most [`RUN_BUDGET`] runs.
fn target(step: &Step, now: i64, model: &Model) -> Option<i64> {
    let mut to = match *step {
        Step::Fixed(d) => now.checked_add(interval_nanos(d))?,
        Step::Lifetime(mult, delta) => {
            let d = interval_nanos(model.max_lifetime) * i64::from(mult) + delta;
            now.checked_add(d.max(0))?
        }
        Step::ToEnd(before) => now.max(i64::MAX - before),
    };
    if let Some(next) = model.next_gc.filter(|_| model.auto_gc) {
        let step = model.interval();
        let due = (i128::from(to) - i128::from(next)).div_euclid(i128::from(step)) + 1;
        if due > i128::from(RUN_BUDGET) {
            to = now.max(next.saturating_add((RUN_BUDGET - 1).saturating_mul(step)));
        }
    }
    Some(to)
}

fn run<S: Store>(
    store: S,
    defects: Defects,
    setup: &Setup,
    ops: &[Op],
) -> Result<(), TestCaseError> {
    let config = Config {
        defects,
        gc: setup.strategy,
        absolute_lifetime: setup.absolute,
        gc_hz: setup.hz,
        gc_probability: setup.coin.0,
        gc_divisor: setup.coin.1,
        max_lifetime: setup.max_lifetime,
        gc_interval: setup.gc_interval,
        auto_gc: setup.auto_gc,
        capacity: setup.capacity,
        log_capacity: setup.log_capacity,
        ..Config::default()
    };
    let mut now = setup.start;
    let mut m = Manager::with_store(
        store,
        config.clone(),
        IdGenerator::seeded(setup.seed),
        Time::from_unix_nanos(now),
    )
    .map_err(|e| TestCaseError::fail(e.to_string()))?;
    let mut model = Model::new(&config, setup.seed, now);
    check(&m, &model, now, setup.log_capacity)?;

    for (n, op) in ops.iter().enumerate() {
        let id = |r: &IdRef| resolve(r, &model);
        let key = |k: &usize| KEYS[*k].to_owned();
        let act = match op {
            Op::New(r) => Act::New(r.as_ref().map(id)),
            Op::Read(r) => Act::Read(id(r)),
            Op::Set(r, k, v) => Act::Set(id(r), key(k), v.clone()),
            Op::Get(r, k) => Act::Get(id(r), key(k)),
            Op::Del(r, k) => Act::Del(id(r), key(k)),
            Op::Incr(r, k, by) => Act::Incr(id(r), key(k), *by),
            Op::Touch(r) => Act::Touch(id(r)),
            Op::Destroy(r) => Act::Destroy(id(r)),
            Op::ReadThen(r, then) => {
                let i = id(r);
                let then = match &**then {
                    Op::Set(_, k, v) => Act::Set(i.clone(), key(k), v.clone()),
                    Op::Get(_, k) => Act::Get(i.clone(), key(k)),
                    Op::Del(_, k) => Act::Del(i.clone(), key(k)),
                    Op::Incr(_, k, by) => Act::Incr(i.clone(), key(k), *by),
                    _ => Act::Touch(i.clone()),
                };
                Act::ReadThen(i, Box::new(then))
            }
            Op::Gc => Act::Gc,
            Op::Advance(step, tell) => {
                let Some(to) = target(step, now, &model) else {
                    continue;
                };
                now = to;
                if !tell {
                    continue;
                }
                Act::AdvanceTo
            }
            Op::Capacity(c) => Act::Capacity(*c),
            Op::GcInterval(d) => Act::GcInterval(*d),
            Op::MaxLifetime(d) => Act::MaxLifetime(*d),
            Op::AutoGc(on) => Act::AutoGc(*on),
            Op::Defects(d) => Act::Defects(*d),
            Op::Strategy(k) => Act::Strategy(*k),
            Op::Absolute(d) => Act::Absolute(*d),
            Op::Hz(hz) => Act::Hz(*hz),
            Op::Coin(p, d) => Act::Coin(*p, *d),
        };
        let expected = model.apply(&act, now);
        let actual = drive(&mut m, &act, now);
        prop_assert!(
            same(&actual, &expected),
            "step {} {:?} at {}: manager {:?}, model {:?}",
            n,
            act,
            Time::from_unix_nanos(now),
            actual,
            expected
        );
        check(&m, &model, now, setup.log_capacity)?;
        if let Ok(Out::Run(run)) = &actual {
            check_gc(&m, &model, run, now)?;
        }
    }
    Ok(())
}

/// Cases for each set of defects: 100, so 1,600 in all, unless `PROPTEST_CASES` asks for
/// another number (for long runs).
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let asked = std::env::var_os("PROPTEST_CASES").is_some();
    ProptestConfig {
        cases: if asked { default.cases } else { 100 },
        failure_persistence: None,
        ..default
    }
}

/// Every one of the 16 sets of the store's defects, each with its own run of cases (the
/// web's defects change nothing here).
#[test]
fn every_combination_of_defects_matches_the_model() {
    for defects in Defects::STORE.subsets() {
        let mut runner = TestRunner::new(config());
        let cases = (setup(), prop::collection::vec(op(), 1..80));
        let result = runner.run(&cases, |(setup, ops)| {
            run(MemoryStore::default(), defects, &setup, &ops)
        });
        if let Err(e) = result {
            panic!("defects {defects}: {e}");
        }
    }
}

/// The same on the Redis store, with fewer cases (each step is a round trip or more): every
/// set of defects, each case in a fresh namespace of a private server.
#[test]
fn the_redis_store_matches_the_model_too() {
    let Some(server) = TestRedis::start("model") else {
        return;
    };
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(6);
    for defects in Defects::STORE.subsets() {
        let mut runner = TestRunner::new(ProptestConfig { cases, ..config() });
        let ops = (setup(), prop::collection::vec(op(), 1..80));
        let result = runner.run(&ops, |(setup, ops)| {
            let store = RedisStore::open(&server.url, &Namespace::Fresh)
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            run(store, defects, &setup, &ops)
        });
        if let Err(e) = result {
            panic!("defects {defects} on redis: {e}");
        }
    }
}
