//! The engine's teaching points, one named test each, with exact expected behaviour: the
//! book's defects (B1, B5, B7, B8) next to the fixed code, auto-GC, capacity, GC cost, ids,
//! `incr` and the event log.

use std::collections::HashSet;
use std::ops::ControlFlow;
use std::time::Duration;

use sessim::Error;
use sessim::basics::ids::{ID_LEN, IdGenerator};
use sessim::basics::time::{DEFAULT_START, Time};
use sessim::gc::GcReport;
use sessim::manager::{Activity, Config, Event, EventKind, GcRun, Manager, ReadOutcome, Reason};
use sessim::rules::{Defects, Rules};
use sessim::store::{End, Store};

/// The book's code as written (every defect on), or with every defect fixed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavour {
    Memory,
    Book,
}

impl Flavour {
    fn defects(self) -> Defects {
        match self {
            Flavour::Memory => Defects::NONE,
            Flavour::Book => Defects::ALL,
        }
    }
}

const FLAVOURS: [Flavour; 2] = [Flavour::Memory, Flavour::Book];
const NS: Duration = Duration::from_nanos(1);
const SECOND: Duration = Duration::from_secs(1);
const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3600);

/// A manager and the virtual clock that drives it.
struct Sim {
    m: Manager,
    now: Time,
}

impl Sim {
    fn new(flavour: Flavour, config: Config) -> Sim {
        Sim::starting(flavour, config, DEFAULT_START)
    }

    fn starting(flavour: Flavour, config: Config, start: Time) -> Sim {
        let config = Config {
            defects: flavour.defects(),
            ..config
        };
        let m = Manager::new(config, IdGenerator::seeded(7), start).unwrap();
        Sim { m, now: start }
    }

    /// `advance-clock`: moves the clock, then fires the due timer runs.
    fn advance(&mut self, d: Duration) {
        self.now = self.now.plus(d).unwrap();
        self.m.advance_to(self.now).unwrap();
    }

    /// Moves the clock to `t` without telling the manager: the next operation fires the runs.
    fn quietly_advance(&mut self, d: Duration) {
        self.now = self.now.plus(d).unwrap();
    }

    fn jump_to(&mut self, t: Time) {
        self.now = t;
        self.m.advance_to(t).unwrap();
    }

    fn create(&mut self, id: &str) {
        assert_eq!(self.m.create(Some(id), self.now).unwrap(), id);
    }

    fn gc(&mut self) -> GcRun {
        self.m.gc(self.now).unwrap()
    }

    /// The ids from one end of the list.
    fn ids_from(&self, end: End) -> Vec<String> {
        let mut ids = Vec::new();
        self.m
            .store()
            .walk(end, &mut |s| {
                ids.push(s.id.to_owned());
                ControlFlow::Continue(())
            })
            .unwrap();
        ids
    }

    /// The ids, front (most recently used) to back.
    fn ids(&self) -> Vec<String> {
        self.ids_from(End::Front)
    }

    fn last_access(&self, id: &str) -> Time {
        self.m.session(id).unwrap().unwrap().last_access
    }

    fn expired_count(&self) -> usize {
        self.m.expired_count(self.now).unwrap()
    }

    fn is_expired(&self, id: &str) -> bool {
        self.m.rules().is_expired(self.last_access(id), self.now)
    }

    /// The events of the last operation.
    fn events(&self) -> Vec<Event> {
        self.m.events().unwrap()
    }
}

fn config(max_lifetime: Duration, auto_gc: bool) -> Config {
    Config {
        max_lifetime,
        auto_gc,
        ..Config::default()
    }
}

/// The ids `run`, a run of `m`'s last operation, reaped.
fn reaped(m: &Manager, run: &GcRun) -> Vec<String> {
    let report = m.report(run, usize::MAX).unwrap();
    report.reaped.into_iter().map(|r| r.id.into()).collect()
}

fn event(at: Time, id: &str, last_access: Time, kind: EventKind) -> Event {
    Event::new(at, id, last_access, kind)
}

fn report(scanned: u64, reaped: u64) -> GcReport {
    GcReport { scanned, reaped }
}

#[test]
fn b1_book_gc_stops_at_a_fresh_session_at_the_back() {
    for flavour in FLAVOURS {
        let mut s = Sim::new(flavour, config(HOUR, false));
        s.create("a");
        s.advance(50 * MINUTE);
        s.create("b");
        s.advance(11 * MINUTE);
        let run = s.gc();
        assert_eq!(run.cause, sessim::gc::Cause::Manual);
        assert_eq!(run.at, s.now);
        match flavour {
            Flavour::Book => {
                // PushBack put `b` at the back; it is live, so GC stops there at once.
                assert_eq!(s.ids(), ["a", "b"]);
                assert_eq!(run.report, report(1, 0));
                assert!(reaped(&s.m, &run).is_empty());
                assert!(s.is_expired("a"), "`a` is expired yet survives the run");
                assert_eq!(s.expired_count(), 1);
            }
            Flavour::Memory => {
                assert_eq!(s.ids(), ["b"]);
                assert_eq!(run.report, report(2, 1));
                assert_eq!(reaped(&s.m, &run), ["a"]);
                assert_eq!(
                    s.events(),
                    [event(
                        s.now,
                        "a",
                        DEFAULT_START,
                        EventKind::Removed(Reason::Gc)
                    )]
                );
                assert_eq!(s.expired_count(), 0);
            }
        }
        assert_eq!(s.m.stats().gc_runs, 1);
    }
}

#[test]
fn memory_expiry_is_exact_to_the_nanosecond() {
    let mut s = Sim::new(Flavour::Memory, config(HOUR, false));
    for id in ["a", "b", "c"] {
        s.create(id);
    }
    // Idle exactly max-lifetime: live.
    s.advance(HOUR);
    assert_eq!(s.expired_count(), 0);
    assert_eq!(s.m.get("a", "k", s.now), Ok(None));
    assert_eq!(s.gc().report, report(1, 0), "the back, `b`, is still live");
    assert_eq!(s.ids(), ["a", "c", "b"]);

    // One nanosecond more: `b` and `c` are expired, `a` (just touched) is not.
    s.advance(NS);
    assert_eq!(s.expired_count(), 2);
    assert_eq!(s.m.touch("c", s.now), Err(Error::Expired("c".into())));
    let run = s.gc();
    assert_eq!(reaped(&s.m, &run), ["b"]);
    assert_eq!(run.report, report(2, 1));
    assert_eq!(s.ids(), ["a"]);

    // The run's sessions are its operation's events: the next operation forgets them.
    s.create("d");
    assert!(reaped(&s.m, &run).is_empty(), "a stale run names nobody");
}

#[test]
fn book_expiry_counts_whole_seconds_with_a_strict_less_than() {
    // Last access at 0.9 s after the epoch; max-lifetime 1h.
    let start = Time::from_unix_nanos(900_000_000);
    let at = |nanos: i64| Time::from_unix_nanos(nanos);
    let mut s = Sim::starting(Flavour::Book, config(HOUR, false), start);
    s.create("a");
    let exact = Rules {
        defects: Defects::NONE,
        max_lifetime: HOUR,
        absolute_lifetime: None,
    };

    // 3600.5 s: 0 + 3600 < 3600 is false, so live (idle 3599.6 s).
    s.jump_to(at(3_600_500_000_000));
    assert!(!s.is_expired("a"));
    assert_eq!(s.gc().report, report(1, 0));

    // 3600.95 s: idle 3600.05 s, more than an hour, yet still live in whole seconds;
    // the exact rule of `memory` calls it expired.
    s.jump_to(at(3_600_950_000_000));
    assert!(!s.is_expired("a"));
    assert!(exact.is_expired(s.last_access("a"), s.now));
    assert_eq!(s.gc().report, report(1, 0));

    // 3601.0 s: 0 + 3600 < 3601, expired (idle 3600.1 s).
    s.jump_to(at(3_601_000_000_000));
    assert!(s.is_expired("a"));
    let run = s.gc();
    assert_eq!(reaped(&s.m, &run), ["a"]);
    assert_eq!(run.report, report(1, 1));
    assert!(s.ids().is_empty());
}

#[test]
fn b7_book_revives_an_expired_session_memory_removes_it() {
    for flavour in FLAVOURS {
        let mut s = Sim::new(flavour, config(HOUR, false));
        s.create("a");
        s.create("b");
        let created = s.now;
        s.advance(2 * HOUR);
        assert_eq!(s.expired_count(), 2);
        match flavour {
            Flavour::Book => {
                assert_eq!(s.ids(), ["a", "b"]);
                assert_eq!(s.m.get("b", "k", s.now), Ok(None));
                assert_eq!(
                    s.events(),
                    [event(
                        s.now,
                        "b",
                        created,
                        EventKind::Revived(Activity::Get)
                    )]
                );
                assert_eq!(s.ids(), ["b", "a"], "revived and moved to the front");
                assert_eq!(s.last_access("b"), s.now);
                assert!(!s.is_expired("b"));
                assert_eq!(s.m.stats().revived, 1);
            }
            Flavour::Memory => {
                assert_eq!(s.ids(), ["b", "a"]);
                assert_eq!(s.m.get("a", "k", s.now), Err(Error::Expired("a".into())));
                assert_eq!(
                    s.events(),
                    [event(
                        s.now,
                        "a",
                        created,
                        EventKind::Removed(Reason::Expired)
                    )]
                );
                assert_eq!(s.ids(), ["b"]);
                assert_eq!(
                    s.last_access("b"),
                    created,
                    "the other session is untouched"
                );
                assert_eq!(s.m.stats().reaped_expired, 1);
                assert_eq!(s.m.stats().removed(Reason::Expired), 1);
            }
        }
    }
}

#[test]
fn b5_book_adopts_an_unknown_id_memory_refuses_it() {
    for flavour in FLAVOURS {
        let mut s = Sim::new(flavour, config(HOUR, false));
        s.create("a");
        s.advance(MINUTE);
        let result = s.m.read("z", s.now);
        match flavour {
            Flavour::Book => {
                assert_eq!(result, Ok(ReadOutcome::Adopted));
                assert_eq!(s.ids(), ["a", "z"], "adopted at the back, as `SessionInit`");
                assert_eq!(s.last_access("z"), s.now);
                assert_eq!(s.events(), [event(s.now, "z", s.now, EventKind::Adopted)]);
                assert_eq!(s.m.stats().adopted, 1);
                assert_eq!(s.m.read("z", s.now), Ok(ReadOutcome::Found));
            }
            Flavour::Memory => {
                assert_eq!(result, Err(Error::NoSuchSession("z".into())));
                assert_eq!(s.ids(), ["a"]);
                assert!(s.events().is_empty());
                assert_eq!(s.m.stats().adopted, 0);
            }
        }
        // `read` only looks: it never moves a session nor changes its last access.
        assert_eq!(s.m.read("a", s.now), Ok(ReadOutcome::Found));
        assert_eq!(s.last_access("a"), DEFAULT_START);
        assert!(s.events().is_empty());
    }
}

#[test]
fn auto_gc_runs_every_interval_and_dates_each_reap() {
    let hours = |h: u32| DEFAULT_START.plus(h * HOUR).unwrap();
    let half_past = |h: u32| hours(h).plus(30 * MINUTE).unwrap();
    for flavour in FLAVOURS {
        // max-lifetime 3h, timer every hour: first run at the start.
        let mut s = Sim::new(
            flavour,
            Config {
                gc_interval: Some(HOUR),
                ..config(3 * HOUR, true)
            },
        );
        assert_eq!(s.m.stats().gc_runs, 1);
        assert_eq!(s.m.next_gc(), Some(hours(1)));
        for id in ["a", "b", "c"] {
            s.advance(if id == "a" { 30 * MINUTE } else { HOUR });
            s.create(id);
        }
        assert_eq!(s.now, half_past(2));
        assert_eq!(s.m.stats().gc_runs, 3, "runs at 0h, 1h and 2h");

        s.advance(10 * HOUR);
        let runs = s.m.runs();
        assert!(runs.iter().all(|r| r.cause == sessim::gc::Cause::Timer));
        let all = s.events();
        let events: Vec<(Time, &str, EventKind)> =
            all.iter().map(|e| (e.at, e.id.as_str(), e.kind)).collect();
        let gc = EventKind::Removed(Reason::Gc);
        match flavour {
            Flavour::Memory => {
                // Each session is reaped by the first run after it expires.
                let at: Vec<Time> = runs.iter().map(|r| r.at).collect();
                assert_eq!(at, [hours(4), hours(5), hours(6)]);
                let ids: Vec<Vec<String>> = runs.iter().map(|r| reaped(&s.m, r)).collect();
                assert_eq!(ids, [["a"], ["b"], ["c"]]);
                let reports: Vec<GcReport> = runs.iter().map(|r| r.report).collect();
                assert_eq!(reports, [report(2, 1), report(2, 1), report(1, 1)]);
                assert_eq!(
                    events,
                    [
                        (hours(4), "a", gc),
                        (hours(5), "b", gc),
                        (hours(6), "c", gc)
                    ]
                );
                let first = s.m.report(&runs[0], 1).unwrap().reaped;
                assert_eq!(first.first().map(|r| r.last_access), Some(half_past(0)));
            }
            Flavour::Book => {
                // B1: the newest session sits at the back and holds the others up until
                // it expires too; then one run takes all three.
                assert_eq!(runs.len(), 1);
                assert_eq!(runs[0].at, hours(6));
                assert_eq!(reaped(&s.m, &runs[0]), ["c", "b", "a"]);
                assert_eq!(runs[0].report, report(3, 3));
                assert_eq!(
                    events,
                    [
                        (hours(6), "c", gc),
                        (hours(6), "b", gc),
                        (hours(6), "a", gc)
                    ]
                );
            }
        }
        let stats = s.m.stats();
        assert_eq!(stats.gc_runs, 13, "0h, 1h, 2h, then 3h to 12h");
        assert_eq!(stats.examined, 8);
        assert_eq!(stats.reaped_gc, 3);
        assert_eq!(s.m.next_gc(), Some(hours(13)));
    }
}

#[test]
fn quiet_auto_gc_runs_cost_nothing_even_by_the_trillion() {
    let century = Duration::from_secs(36_500 * 86_400);
    let runs_in_a_century = 36_500 * 86_400 * 1_000;
    for flavour in FLAVOURS {
        let mut s = Sim::new(
            flavour,
            Config {
                gc_interval: Some(Duration::from_millis(1)),
                ..config(HOUR, true)
            },
        );
        s.create("a");
        s.advance(century);
        let stats = *s.m.stats();
        assert_eq!(stats.gc_runs, 1 + runs_in_a_century);
        assert_eq!(stats.reaped_gc, 1);
        // Every run scans the back while `a` is stored, and nothing once it is gone.
        let (reaped_at, scanned) = match flavour {
            // Idle exactly 1h at 3600 s is live; the next millisecond reaps.
            Flavour::Memory => (HOUR + Duration::from_millis(1), 3_600_001),
            // Whole seconds: 0 + 3600 < 3601 first holds at 3601 s.
            Flavour::Book => (HOUR + SECOND, 3_601_000),
        };
        assert_eq!(stats.examined, scanned);
        let runs = s.m.runs();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].at, DEFAULT_START.plus(reaped_at).unwrap());
        assert_eq!(reaped(&s.m, &runs[0]), ["a"]);
        assert_eq!(
            s.m.next_gc(),
            Some(s.now.plus(Duration::from_millis(1)).unwrap())
        );
    }
}

#[test]
fn capacity_evicts_the_least_recently_used() {
    let mut s = Sim::new(
        Flavour::Memory,
        Config {
            capacity: Some(3),
            ..config(HOUR, false)
        },
    );
    for id in ["a", "b", "c"] {
        s.create(id);
        s.advance(SECOND);
    }
    s.m.touch("a", s.now).unwrap();
    assert_eq!(s.ids(), ["a", "c", "b"]);
    s.advance(SECOND);
    s.create("d");
    let evicted = EventKind::Removed(Reason::Evicted);
    let events = s.events();
    let kinds: Vec<(&str, EventKind)> = events.iter().map(|e| (e.id.as_str(), e.kind)).collect();
    assert_eq!(kinds, [("b", evicted), ("d", EventKind::Created)]);
    assert_eq!(s.ids(), ["d", "a", "c"]);

    // A touch changes who goes next.
    s.m.get("c", "k", s.now).unwrap();
    s.create("e");
    assert_eq!(
        s.ids(),
        ["e", "c", "d"],
        "`a` was now the least recently used"
    );

    // A lower capacity applies at the next creation, from the back.
    s.m.set_capacity(Some(1)).unwrap();
    assert_eq!(s.ids(), ["e", "c", "d"]);
    s.create("f");
    let events = s.events();
    let kinds: Vec<(&str, EventKind)> = events.iter().map(|e| (e.id.as_str(), e.kind)).collect();
    assert_eq!(
        kinds,
        [
            ("d", evicted),
            ("c", evicted),
            ("e", evicted),
            ("f", EventKind::Created)
        ]
    );
    assert_eq!(s.ids(), ["f"]);
    assert_eq!(s.m.stats().reaped_evicted, 5);
    assert!(matches!(s.m.set_capacity(Some(0)), Err(Error::Invalid(_))));

    // In `book` the back is where new sessions go (B1), so the newest is evicted first.
    let mut s = Sim::new(
        Flavour::Book,
        Config {
            capacity: Some(2),
            ..config(HOUR, false)
        },
    );
    s.create("a");
    s.create("b");
    s.create("c");
    assert_eq!(s.ids(), ["a", "c"]);
    // Creating an existing id is refused before anything is evicted.
    assert_eq!(
        s.m.create(Some("a"), s.now),
        Err(Error::SessionExists("a".into()))
    );
    assert_eq!(s.ids(), ["a", "c"]);
    assert!(matches!(
        s.m.create(Some("d e"), s.now),
        Err(Error::Invalid(_))
    ));
    assert_eq!(s.ids(), ["a", "c"], "a bad id evicts nothing either");
}

#[test]
fn gc_cost_is_the_reaped_count_plus_one_not_the_list_size() {
    for flavour in FLAVOURS {
        let mut s = Sim::new(flavour, config(HOUR, false));
        for i in 0..10_000 {
            s.create(&format!("s{i}"));
        }
        s.advance(50 * MINUTE);
        let back: Vec<String> = s.ids_from(End::Back).into_iter().take(5).collect();
        for id in s.ids() {
            if !back.contains(&id) {
                s.m.touch(&id, s.now).unwrap();
            }
        }
        s.advance(11 * MINUTE);
        assert_eq!(s.expired_count(), 5);

        let run = s.gc();
        assert_eq!(run.report, report(6, 5), "five reaped, one live looked at");
        assert_eq!(reaped(&s.m, &run), back);
        assert_eq!(s.m.stored(), Ok(9_995));
        assert_eq!(s.gc().report, report(1, 0));
        assert_eq!(s.m.stats().examined, 7);

        // When the list empties there is no live session to stop at.
        s.advance(2 * HOUR);
        assert_eq!(s.gc().report, report(9_995, 9_995));
        assert_eq!(s.gc().report, report(0, 0));
        assert_eq!(s.m.stats().examined, 7 + 9_995);
        s.m.check().unwrap();
    }
}

#[test]
fn seeded_ids_are_pinned() {
    let expected = [
        "PZGuKgAaLA4Unk763cgPLHJY1LCzEbO3PAEYY2qfXW0=",
        "dgN59fJjsvaJxCJ8Yls4d4CjHmKz-VG5KOUB3FpbcFQ=",
        "3QOcE01_efvtEcHZ_bnCEjkSV7nr6T4dfq5pGaQaBiw=",
    ];
    let mut ids = IdGenerator::seeded(7);
    for id in expected {
        assert_eq!(ids.next_id().unwrap(), id);
    }
    // The manager's `new` with no id uses the same sequence.
    let mut s = Sim::new(Flavour::Memory, config(HOUR, false));
    for id in expected {
        assert_eq!(s.m.create(None, s.now).unwrap(), id);
    }
}

#[test]
fn os_ids_are_url_safe_base64_of_32_bytes_and_do_not_repeat() {
    let url_safe = |b: u8| b.is_ascii_alphanumeric() || b == b'-' || b == b'_';
    let mut ids = IdGenerator::Os;
    let mut seen = HashSet::new();
    for _ in 0..100_000 {
        let id = ids.next_id().unwrap();
        assert_eq!(id.len(), ID_LEN);
        assert_eq!(ID_LEN, 44);
        assert!(id[..43].bytes().all(url_safe), "{id}");
        assert!(id.ends_with('='), "{id}");
        assert!(seen.insert(id), "duplicate id");
    }
}

#[test]
fn incr_counts_from_zero_and_refuses_what_it_cannot_add() {
    for flavour in FLAVOURS {
        let mut s = Sim::new(flavour, config(HOUR, false));
        s.create("a");
        s.create("b");
        assert_eq!(s.m.incr("a", "n", 1, s.now), Ok(1), "missing counts as 0");
        assert_eq!(s.m.incr("a", "n", 5, s.now), Ok(6));
        assert_eq!(s.m.incr("a", "n", -10, s.now), Ok(-4));
        s.m.set("a", "word", "abc", s.now).unwrap();
        s.m.set("a", "big", "9223372036854775806", s.now).unwrap();
        s.advance(SECOND);
        assert_eq!(s.m.incr("a", "big", 1, s.now), Ok(i64::MAX));
        let incremented = s.now;
        s.advance(SECOND);
        s.m.touch("b", s.now).unwrap();
        s.advance(SECOND);
        let order = s.ids();
        assert_eq!(order, ["b", "a"]);
        let stats = *s.m.stats();

        let refusals = [
            (
                "word",
                1,
                Error::NotAnInteger {
                    key: "word".into(),
                    value: "abc".into(),
                },
            ),
            ("big", 1, Error::IncrOverflow { key: "big".into() }),
            ("n", i64::MIN, Error::IncrOverflow { key: "n".into() }),
        ];
        for (key, by, error) in refusals {
            assert_eq!(s.m.incr("a", key, by, s.now), Err(error));
            assert!(s.events().is_empty(), "nothing happened");
            assert_eq!(s.ids(), order, "the list order is unchanged");
            assert_eq!(
                s.last_access("a"),
                incremented,
                "the last access is unchanged"
            );
            assert_eq!(s.m.stats(), &stats);
        }
        let values = s.m.session("a").unwrap().unwrap().values;
        let pairs: Vec<(&str, &str)> = values.iter().map(|(k, v)| (&k[..], &v[..])).collect();
        assert_eq!(
            pairs,
            [("n", "-4"), ("word", "abc"), ("big", "9223372036854775807")]
        );
    }
}

#[test]
fn the_event_log_keeps_only_the_newest() {
    let mut s = Sim::new(
        Flavour::Memory,
        Config {
            log_capacity: 4,
            ..config(HOUR, false)
        },
    );
    s.create("a");
    for value in ["1", "2", "3", "4"] {
        s.advance(SECOND);
        s.m.set("a", "k", value, s.now).unwrap();
    }
    s.m.destroy("a", s.now).unwrap();
    let log = s.m.log();
    assert_eq!(log.capacity(), 4);
    assert_eq!(log.len(), 4);
    assert_eq!(log.dropped(), 2, "six events, four kept");
    let kept: Vec<(Time, EventKind)> = log.iter().map(|e| (e.at, e.kind)).collect();
    let set = EventKind::Accessed(Activity::Set);
    let second = |n: u32| DEFAULT_START.plus(n * SECOND).unwrap();
    assert_eq!(
        kept,
        [
            (second(2), set),
            (second(3), set),
            (second(4), set),
            (second(4), EventKind::Removed(Reason::Destroyed)),
        ]
    );
}

#[test]
fn settings_change_only_after_the_runs_already_due() {
    let hours = |h: u32| DEFAULT_START.plus(h * HOUR).unwrap();
    for flavour in FLAVOURS {
        // The runs at 1h and 2h are due when max-lifetime changes at 3h; they judge `a`
        // by the old max-lifetime (1h), so the 2h run reaps it.
        let mut s = Sim::new(
            flavour,
            Config {
                gc_interval: Some(HOUR),
                ..config(HOUR, true)
            },
        );
        s.create("a");
        s.quietly_advance(3 * HOUR);
        s.m.set_max_lifetime(10 * HOUR, s.now).unwrap();
        let runs = s.m.runs();
        assert_eq!(runs.len(), 1);
        assert_eq!(runs[0].at, hours(2));
        assert_eq!(reaped(&s.m, &runs[0]), ["a"]);
        assert_eq!(s.m.stats().gc_runs, 4, "0h, 1h, 2h and 3h");

        // Changing the interval re-arms the timer from now, after the due runs.
        let mut s = Sim::new(flavour, config(HOUR, true));
        s.create("a");
        s.quietly_advance(2 * HOUR);
        s.m.set_gc_interval(Some(30 * MINUTE), s.now).unwrap();
        assert_eq!(s.m.runs().len(), 1);
        assert_eq!(s.m.runs()[0].at, hours(2));
        assert_eq!(s.m.stats().gc_runs, 3);
        assert_eq!(s.m.next_gc(), Some(hours(2).plus(30 * MINUTE).unwrap()));

        // Turning the timer off does not cancel the runs that were already due.
        let mut s = Sim::new(flavour, config(HOUR, true));
        s.create("a");
        s.quietly_advance(2 * HOUR);
        s.m.set_auto_gc(false, s.now).unwrap();
        assert_eq!(s.m.stats().reaped_gc, 1);
        assert_eq!(s.m.next_gc(), None);
    }
}

#[test]
fn a_refused_operation_still_records_the_timer_runs_it_fired() {
    for flavour in FLAVOURS {
        let mut s = Sim::new(flavour, config(HOUR, true));
        s.create("a");
        s.quietly_advance(2 * HOUR);
        // The run at 2h fires first and reaps `a`; then the empty id is refused.
        let refused = match flavour {
            Flavour::Memory => s.m.create(Some(""), s.now).map(drop),
            Flavour::Book => s.m.read("", s.now).map(drop),
        };
        assert_eq!(refused, Err(Error::Empty("a session id")));
        let gc = EventKind::Removed(Reason::Gc);
        let at = DEFAULT_START.plus(2 * HOUR).unwrap();
        assert_eq!(s.events(), [event(at, "a", DEFAULT_START, gc)]);
        assert_eq!(s.m.stats().reaped_gc, 1);
        assert_eq!(s.m.log().iter().last().map(|e| e.kind), Some(gc));
    }
}
