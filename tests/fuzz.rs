//! Fuzzing the line language: random lines into `Shell::execute` under any defects, rendered
//! as text and JSON. After every line the engine's invariants hold, nothing panicked, and a
//! line that failed left the store exactly as it was (lazy expiry excepted: it removes the
//! one expired session it reports).
//!
//! 10,240 cases by default, each a sequence of lines; `PROPTEST_CASES` scales every test.

mod common;

use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::TestCaseError;

use sessim::Error;
use sessim::front::step::Printer;
use sessim::manager::Config;
use sessim::render::Style;
use sessim::rules::Defects;
use sessim::shell::Shell;
use sessim::shell::commands::COMMANDS;
use sessim::shell::options::{Format, Options};
use sessim::shell::reply::Reply;

use common::state;

const JSON: Printer = Printer {
    format: Format::Json,
    style: Style::PLAIN,
};

/// Runs one line and checks everything the issue promises about it.
fn step(shell: &mut Shell, line: &str) -> Result<(), TestCaseError> {
    let before = state(shell);
    let result = shell.execute(line);
    let invariants = shell.manager().check();
    prop_assert!(invariants.is_ok(), "after {line:?}: {invariants:?}");
    let mut text = String::new();
    let mut json = String::new();
    match result {
        Ok(None) => {
            prop_assert_eq!(&state(shell), &before, "a blank line changed the store");
        }
        Ok(Some(outcome)) => {
            Printer::PLAIN.render(&outcome, shell, &mut text);
            JSON.render(&outcome, shell, &mut json);
            // Only these print nothing themselves (the step runs what `source` reads).
            let silent = matches!(
                outcome.reply,
                Reply::Quit | Reply::Clear | Reply::Source { .. }
            );
            prop_assert!(silent || !text.is_empty(), "{line:?} printed nothing");
        }
        Err(e) => {
            let mut expected = before;
            let lazily = match &e {
                Error::Expired(id) => Some((id, false)),
                Error::LifetimeOver { id, .. } => Some((id, true)),
                _ => None,
            };
            if let Some((id, lifetime)) = lazily {
                // Lazy expiry: exactly that session is gone, and the removal is tallied.
                prop_assert!(
                    shell.manager().rules().lazy_expiry(),
                    "B7 never expires lazily"
                );
                let n = expected.sessions.len();
                expected.sessions.retain(|s| &s.0 != id);
                prop_assert_eq!(expected.sessions.len() + 1, n, "{} was not stored", id);
                if lifetime {
                    expected.stats.reaped_lifetime += 1;
                } else {
                    expected.stats.reaped_expired += 1;
                }
                expected.logged += 1;
                let after = state(shell);
                expected.last_event = after.last_event;
                // It was expired, so as many were held at once as were held then.
                let peak = after.stats.expired_held_peak;
                let old = expected.stats.expired_held_peak;
                prop_assert!(peak == old || (peak > old && peak <= n as u64));
                expected.stats.expired_held_peak = peak;
            }
            prop_assert_eq!(
                &state(shell),
                &expected,
                "{:?} failed ({}) yet changed the store",
                line,
                e
            );
            text = Printer::PLAIN.error(shell, line, &e);
            json = JSON.error(shell, line, &e);
            prop_assert!(
                text.starts_with("error: ") && text.ends_with('\n') && text.lines().count() == 1,
                "not one error line: {text:?}"
            );
        }
    }
    for object in json.lines() {
        let parsed = serde_json::from_str::<serde_json::Value>(object);
        prop_assert!(parsed.is_ok(), "bad JSON for {line:?}: {object}");
    }
    Ok(())
}

/// A store with any defects, under settings that make expiry, GC and eviction frequent.
fn options_strategy() -> impl Strategy<Value = Options> {
    (
        proptest::sample::select(Defects::every().collect::<Vec<_>>()),
        prop_oneof![
            4 => Just(Duration::from_secs(3600)),
            2 => Just(Duration::from_secs(90)),
            1 => Just(Duration::from_millis(1500)),
            1 => Just(Duration::from_nanos(1)),
        ],
        prop_oneof![
            3 => Just(None),
            1 => Just(Some(Duration::from_nanos(1))),
            1 => Just(Some(Duration::from_secs(7))),
        ],
        any::<bool>(),
        prop_oneof![3 => Just(None), 1 => (1usize..4).prop_map(Some)],
        prop_oneof![Just(None), Just(Some(5usize)), Just(Some(1usize))],
        any::<u64>(),
        proptest::sample::select(sessim::gc::Kind::ALL.to_vec()),
        prop_oneof![
            3 => Just(None),
            1 => Just(Some(Duration::from_secs(2))),
            1 => Just(Some(Duration::from_secs(5400))),
        ],
    )
        .prop_map(
            |(defects, max_lifetime, gc_interval, auto_gc, capacity, log, seed, gc, absolute)| {
                let config = Config {
                    defects,
                    gc,
                    gc_divisor: 3,
                    absolute_lifetime: absolute,
                    max_lifetime,
                    gc_interval,
                    auto_gc,
                    capacity,
                    log_capacity: log.unwrap_or(sessim::manager::log::DEFAULT_LOG_CAPACITY),
                    ..Config::default()
                };
                Options {
                    config,
                    seed: Some(seed),
                    ..Default::default()
                }
            },
        )
}

/// Random bytes, made valid UTF-8 as a terminal would hand them over.
fn byte_line() -> impl Strategy<Value = String> {
    let bytes = prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..48),
        // Printable ASCII, where words and quotes are likelier.
        proptest::collection::vec(0x20u8..0x7f, 0..48),
    ];
    (
        proptest::sample::select(command_names()),
        bytes,
        any::<bool>(),
    )
        .prop_map(|(name, bytes, prefixed)| {
            let tail = String::from_utf8_lossy(&bytes).into_owned();
            if prefixed {
                format!("{name} {tail}")
            } else {
                tail
            }
        })
}

/// Every command but `compare`, which runs simulations of its own (a day of traffic by
/// default) and writes files: tests/gc.rs and tests/bad_input.rs cover it.
fn command_names() -> Vec<&'static str> {
    COMMANDS
        .iter()
        .map(|c| c.name)
        .filter(|&n| n != "compare")
        .collect()
}

/// An argument: ids that recur (so commands meet real sessions), keys, values, numbers,
/// durations, settings, options, quotes, control characters and Chinese text.
fn word() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => pick(&["a", "b", "alice", "小明", "s1"]),
        2 => pick(&["k", "n", "名字", "cart", "x y"]),
        2 => pick(&[
            "0", "1", "-1", "42", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", "-9223372036854775809", "99999999999999999999999",
            "+5", "1e3", "0x10", "007", " 3", "١٢",
        ]),
        3 => pick(&[
            "1ns", "1ms", "500ms", "1s", "2s", "59m", "1h", "1h30m", "2h", "2d", "100y",
            "292y", "293y", "99999999999y", "-5m", "10", "1.5h", "abc", "0s", "1h 5m", "",
        ]),
        2 => pick(&[
            "max-lifetime", "gc-interval", "auto-gc", "capacity", "auto", "on", "off",
            "none", "unlimited", "colour", "book", "ids",
        ]),
        2 => pick(&[
            "gc", "timer", "lazy", "php", "sampling", "gc-hz", "gc-probability", "gc-divisor",
            "absolute-lifetime", "3", "100", "1000",
        ]),
        2 => pick(&["--limit", "--all", "--limit=0", "--limit=2", "--limit=-1", "--bogus", "--"]),
        1 => pick(&["\"", "'", "\\", "\"a b", "'it''s'", "#", "# note", "${ID}", "$(x)"]),
        1 => pick(&["\u{0}", "\u{7}", "\u{1b}[31m", "\t", "\r", "\u{7f}", "\u{85}", "\u{200b}", "\u{feff}"]),
        1 => pick(&["会话", "購物車 二本", "🦀", "e\u{301}", "ｆｕｌｌ"]),
        1 => "[a-z0-9 ]{0,12}",
        1 => any::<i64>().prop_map(|n| n.to_string()),
        1 => (0u64..100_000, proptest::sample::select(&["ns", "ms", "s", "m", "h", "d", "w", "y"][..]))
            .prop_map(|(n, u)| format!("{n}{u}")),
    ]
}

/// How a word is written on the line.
fn quoted(word: String, style: u8) -> String {
    match style {
        0 => format!("\"{}\"", word.replace('\\', "\\\\").replace('"', "\\\"")),
        1 if !word.contains('\'') => format!("'{word}'"),
        2 => format!("\"{word}"),
        _ => word,
    }
}

/// A real command (or a near miss) with random arguments.
fn command_line() -> impl Strategy<Value = String> {
    let name = prop_oneof![
        12 => proptest::sample::select(command_names()).prop_map(str::to_owned),
        1 => proptest::sample::select(&["SET", "sett", "nwe", "advance", "Config", "#new", "  new"][..])
            .prop_map(str::to_owned),
    ];
    let args = proptest::collection::vec(
        (
            word(),
            prop_oneof![12 => Just(9u8), 2 => Just(0u8), 2 => Just(1u8), 1 => Just(2u8)],
        ),
        0..5,
    );
    (name, args).prop_map(|(name, args)| {
        let mut line = name;
        for (w, style) in args {
            line.push(' ');
            line.push_str(&quoted(w, style));
        }
        line
    })
}

/// Writes words as a shell would need them quoted (a NUL cannot be quoted: kept raw).
fn join(words: &[String]) -> String {
    words
        .iter()
        .map(|w| shlex::try_quote(w).map_or_else(|_| w.clone(), |q| q.into_owned()))
        .collect::<Vec<_>>()
        .join(" ")
}

fn pick(words: &'static [&'static str]) -> impl Strategy<Value = String> + Clone {
    proptest::sample::select(words).prop_map(str::to_owned)
}

/// The ids that recur, so that commands meet real sessions.
const IDS: [&str; 5] = ["a", "b", "alice", "小明", "s1"];

/// An id: mostly one of a few that recur, sometimes anything.
fn id() -> impl Strategy<Value = String> {
    prop_oneof![8 => pick(&IDS), 1 => word()]
}

/// A browser's name: mostly one of a few, sometimes anything.
fn client() -> impl Strategy<Value = String> {
    prop_oneof![8 => pick(&["alice", "mallory", "bob"]), 1 => word()]
}

/// A page, or something that is not one.
fn page() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => pick(&["/", "/login", "/count", "/logout", "/nowhere", "/login?user=bob",
            "/login?user=%zz", "count", ""]),
        1 => word(),
    ]
}

/// A cookie value a browser could be made to send: ids, garbage, escapes, 8 KB.
fn cookie_value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick(&["a", "alice", "%zz", "%", "a%20b", "''", "名前", "'a;b'", "a,b", "%01", "'\t'",
            "a%3D"]),
        1 => Just("x".repeat(8 * 1024)),
        1 => word(),
    ]
}

/// A value: short, long, numeric, quoted, Chinese, empty.
fn value() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick(&["v", "two words", "0", "1", "-7", "9223372036854775807", "-9223372036854775808",
            "12abc", "", "it's", "say \"hi\"", "购物车", "  padded  ", "#not a comment"]),
        1 => "[a-z]{100,300}",
        1 => word(),
    ]
}

/// A command with the arguments it takes, most of them sensible: the engine gets used.
fn well_formed() -> impl Strategy<Value = String> {
    let key = || prop_oneof![4 => pick(&["k", "n", "名字", "cart", "x y", ""]), 1 => word()];
    let limit = || {
        proptest::collection::vec(
            pick(&[
                "--all",
                "--limit",
                "--limit=1",
                "--limit=0",
                "2",
                "--limit=99999999999999999999",
            ]),
            0..3,
        )
    };
    let by = prop_oneof![
        2 => Just(None),
        2 => any::<i64>().prop_map(|n| Some(n.to_string())),
        1 => pick(&["1", "-1", "9223372036854775807", "-9223372036854775808", "9223372036854775808",
            "1.5", "x", ""]).prop_map(Some),
    ];
    let duration = prop_oneof![
        3 => pick(&["1ns", "1ms", "500ms", "1s", "2s", "59m", "1h", "1h30m", "2h", "2d", "1w",
            "100y", "292y", "293y", "99999999999y", "18446744073709551615s", "-5m", "10", "1.5h",
            "abc", "0s", ""]),
        2 => (0u64..5_000, proptest::sample::select(&["ns", "ms", "s", "m", "h", "d"][..]))
            .prop_map(|(n, u)| format!("{n}{u}")),
    ];
    let setting = (
        pick(&[
            "defects",
            "max-lifetime",
            "gc-interval",
            "auto-gc",
            "capacity",
            "colour",
            "cookie-name",
            "cookie-max-age",
            "cookie-httponly",
            "rotate-after",
        ]),
        prop_oneof![
            pick(&[
                "1ns",
                "1s",
                "30m",
                "1h",
                "292y",
                "293y",
                "0s",
                "auto",
                "on",
                "off",
                "maybe",
                "none",
                "unlimited",
                "0",
                "1",
                "2",
                "-1",
                "18446744073709551616",
                "all",
                "B1,B7",
                "b5",
                "B2",
                "B3,B4,B11,B14",
                "session",
                "sid",
                "a b",
                "a;b",
            ]),
            duration.clone(),
        ],
        0u8..3,
    )
        .prop_map(|(name, value, n)| match n {
            0 => vec![],
            1 => vec![name],
            _ => vec![name, value],
        });
    let topic = pick(&[
        "",
        "set",
        "book",
        "ids",
        "sett",
        "quit",
        "advance-clock",
        "bogus",
    ]);
    let words = prop_oneof![
        (proptest::option::of(id())).prop_map(|i| [Some("new".to_owned()), i]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()),
        (pick(&["read", "touch", "destroy", "show"]), id()).prop_map(|(c, i)| vec![c, i]),
        (id(), key(), value()).prop_map(|(i, k, v)| vec!["set".into(), i, k, v]),
        (pick(&["get", "del"]), id(), key()).prop_map(|(c, i, k)| vec![c, i, k]),
        (id(), key(), by)
            .prop_map(|(i, k, b)| ["incr".to_owned(), i, k].into_iter().chain(b).collect()),
        (pick(&["list", "lru", "timeline"]), limit())
            .prop_map(|(c, l)| [c].into_iter().chain(l).collect()),
        (proptest::option::of(id()), limit()).prop_map(|(i, l)| ["log".to_owned()]
            .into_iter()
            .chain(i)
            .chain(l)
            .collect()),
        pick(&["gc", "clock", "stats", "clients"]).prop_map(|c| vec![c]),
        (
            client(),
            page(),
            proptest::collection::vec(
                pick(&["user=alice", "user=", "user=<b>", "x=1", "user", "=v"]),
                0..3
            )
        )
            .prop_map(|(c, p, params)| ["visit".to_owned(), c, p]
                .into_iter()
                .chain(params)
                .collect()),
        (
            client(),
            proptest::option::of(prop_oneof![3 => cookie_value(), 1 => Just("--clear".to_owned())])
        )
            .prop_map(|(c, v)| ["cookie".to_owned(), c].into_iter().chain(v).collect()),
        (client(), client()).prop_map(|(a, b)| vec!["copy-cookie".to_owned(), a, b]),
        client().prop_map(|c| vec!["document-cookie".to_owned(), c]),
        id().prop_map(|i| vec!["regenerate".to_owned(), i]),
        (client(), limit()).prop_map(|(c, l)| ["log".to_owned(), "--client".to_owned(), c]
            .into_iter()
            .chain(l)
            .collect()),
        duration.prop_map(|d| vec!["advance-clock".to_owned(), d]),
        setting.prop_map(|s| ["config".to_owned()].into_iter().chain(s).collect()),
        proptest::collection::vec(
            pick(&[
                "--defects",
                "all",
                "B8",
                "--seed",
                "3",
                "--max-lifetime=1s",
                "--no-auto-gc",
                "--capacity",
                "2",
                "--format",
                "json",
                "--bogus",
                "--start",
                "1970-01-01T00:00:00Z"
            ]),
            0..4,
        )
        .prop_map(|o| ["reset".to_owned()].into_iter().chain(o).collect()),
        topic.prop_map(|t| if t.is_empty() {
            vec!["help".to_owned()]
        } else {
            vec!["help".to_owned(), t]
        }),
    ];
    words.prop_map(|w| join(&w))
}

/// A mix that keeps sessions around: creations, well-formed commands, random ones, clock moves.
fn scripted_line() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => pick(&["new a", "new b", "new alice", "new 小明", "new", "read s1"]),
        2 => pick(&["advance-clock 1ns", "advance-clock 1ms", "advance-clock 1s", "advance-clock 45s",
            "advance-clock 30m", "advance-clock 1h1s"]),
        1 => pick(&["quit", "exit"]),
        12 => well_formed(),
        4 => command_line(),
    ]
}

fn cases(n: u32) -> ProptestConfig {
    let default = ProptestConfig::default();
    let asked = std::env::var_os("PROPTEST_CASES").is_some();
    ProptestConfig {
        cases: if asked { default.cases } else { n },
        failure_persistence: None,
        // ChaCha, the default, dominates the run time in a debug build.
        rng_algorithm: proptest::test_runner::RngAlgorithm::XorShift,
        ..default
    }
}

proptest! {
    #![proptest_config(cases(5_120))]

    #[test]
    fn random_bytes_never_crash_nor_corrupt(
        options in options_strategy(),
        lines in proptest::collection::vec(byte_line(), 1..6),
    ) {
        let mut shell = Shell::new(options).expect("valid options");
        for line in &lines {
            step(&mut shell, line)?;
        }
    }

    #[test]
    fn random_commands_never_crash_nor_corrupt(
        options in options_strategy(),
        sessions in 0..=IDS.len(),
        lines in proptest::collection::vec(scripted_line(), 1..16),
    ) {
        let mut shell = Shell::new(options).expect("valid options");
        // Most cases start with sessions for the ids the commands name.
        let prelude = IDS[..sessions].iter().map(|id| format!("new {id}"));
        for line in prelude.chain(["set a n 41".to_owned(), "advance-clock 1s".to_owned()]) {
            step(&mut shell, &line)?;
        }
        for line in &lines {
            step(&mut shell, line)?;
        }
    }
}

/// The inputs the strategies find only by luck, every time.
#[test]
fn hand_picked_lines_keep_the_invariants() {
    for defects in [Defects::NONE, Defects::ALL] {
        let mut shell = Shell::new(Options {
            config: Config {
                defects,
                ..Config::default()
            },
            seed: Some(1),
            ..Default::default()
        })
        .expect("shell");
        let long = format!("set a k {}", "x".repeat(1 << 20));
        let lines = [
            "new a",
            "set a n 9223372036854775807",
            "incr a n",
            "incr a n -1",
            "incr a n 9223372036854775807",
            "incr a k 1",
            "set a k 'not a number'",
            "incr a k",
            "advance-clock 99999999999y",
            "advance-clock 292y",
            "advance-clock 1y",
            "list --limit 18446744073709551615",
            "timeline --all",
            "log a --limit 0",
            "config gc-interval 1ns",
            "config max-lifetime 1ns",
            "gc",
            "new b",
            "touch b",
            "config capacity 1",
            "new c",
            "config capacity 0",
            "config capacity -1",
            "config auto-gc maybe",
            "config colour red",
            "config defects B1,B5",
            "new d",
            "read unknown",
            "config defects none",
            "reset --defects B7 --max-lifetime 1ns",
            "set a k \0",
            "get a 'k",
            long.as_str(),
            "",
            "   ",
            "# only a comment",
        ];
        for line in lines {
            step(&mut shell, line).unwrap_or_else(|e| panic!("{defects}: {e}"));
        }
    }
}
