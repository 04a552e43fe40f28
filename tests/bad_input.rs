//! The bad-input matrix, through the library and the binary: every bad command, option and
//! file gets one clear `error:` line (or `FILE:LINE: ...`), the right exit code, and leaves
//! the store, the clock and the files exactly as they were.

mod common;

use std::process::Output;

use common::{scratch, sessim, state, text, write};

use sessim::basics::time::Time;
use sessim::manager::Config;
use sessim::rules::Defects;
use sessim::shell::Shell;
use sessim::shell::commands::COMMANDS;
use sessim::shell::options::Options;

// ---------------------------------------------------------------------------------------
// Helpers

/// Exactly one error line on stderr: `error: ...`, `FILE: error: ...` or
/// `FILE:LINE: parse error: ...` (clap adds a hint after a blank line: that hint is allowed,
/// a second error is not).
fn one_error_line(out: &Output) -> String {
    let err = text(&out.stderr);
    let first = err.lines().next().unwrap_or_default().to_owned();
    assert!(
        first.starts_with("error: ")
            || first.contains(": error: ")
            || first.contains(": parse error: "),
        "not an error line: {err:?}"
    );
    assert_eq!(
        err.lines().filter(|l| l.contains("error")).count(),
        1,
        "one error line: {err:?}"
    );
    first
}

/// A store with two sessions, a few values, and time gone by.
fn store(defects: Defects) -> Shell {
    let mut shell = Shell::new(Options {
        config: Config {
            defects,
            ..Config::default()
        },
        seed: Some(7),
        ..Default::default()
    })
    .expect("shell");
    for line in [
        "new a",
        "set a k v",
        "set a n 5",
        "set a big 9223372036854775807",
        "set a small -9223372036854775808",
        "new b",
        "advance-clock 10m",
        "touch b",
    ] {
        shell.execute(line).expect(line);
    }
    shell
}

/// Runs `line`, which must fail with one line of text and change nothing; returns the text.
fn refused(shell: &mut Shell, line: &str) -> String {
    let before = state(shell);
    let err = match shell.execute(line) {
        Ok(outcome) => panic!("{line:?} was accepted: {outcome:?}"),
        Err(e) => e.to_string(),
    };
    assert_eq!(
        state(shell),
        before,
        "{line:?} failed yet changed the store"
    );
    assert!(!err.is_empty() && !err.contains('\n'), "{line:?}: {err:?}");
    err
}

/// Each line is refused, changing nothing, with an error that holds its text.
fn refused_saying(shell: &mut Shell, cases: &[(&str, &str)]) {
    for &(line, why) in cases {
        let e = refused(shell, line);
        assert!(e.contains(why), "{line:?}: {e}");
    }
}

fn both(f: impl Fn(&mut Shell)) {
    for defects in [Defects::NONE, Defects::ALL] {
        f(&mut store(defects));
    }
}

// ---------------------------------------------------------------------------------------
// Found by the fuzzer and the matrix

#[test]
fn gc_runs_saturate_instead_of_overflowing_at_the_end_of_time() {
    // A 1ns timer from the first to the last instant runs 2^64 times: one more than a u64.
    let mut shell = Shell::new(Options {
        start: Time::from_unix_nanos(i64::MIN),
        config: Config {
            gc_interval: Some(std::time::Duration::from_nanos(1)),
            ..Config::default()
        },
        ..Default::default()
    })
    .expect("shell");
    for line in [
        "advance-clock 292y",
        "advance-clock 292y",
        "advance-clock 17105673s",
        "advance-clock 709551614ns",
    ] {
        shell.execute(line).expect(line);
    }
    assert_eq!(shell.manager().stats().gc_runs, u64::MAX);
    let end = shell
        .execute("advance-clock 1ns")
        .expect("the last instant");
    assert!(end.is_some());
    assert_eq!(shell.now(), Time::MAX);
    assert_eq!(shell.manager().stats().gc_runs, u64::MAX, "saturated");
    shell.execute("gc").expect("a manual run at the end");
    assert_eq!(shell.manager().stats().gc_runs, u64::MAX);
    refused(&mut shell, "advance-clock 1ns");
}

#[test]
fn negative_and_malformed_option_values_are_named_with_what_is_right() {
    for (args, wanted) in [
        (
            &["--max-lifetime", "-5m"][..],
            "a duration cannot be negative",
        ),
        (&["--gc-interval", "-5m"], "a duration cannot be negative"),
        (
            &["--capacity", "-1"],
            "expected a whole number of sessions above 0",
        ),
        (
            &["--capacity", "0"],
            "expected a whole number of sessions above 0",
        ),
        (
            &["--seed", "-1"],
            "expected a whole number from 0 to 18446744073709551615",
        ),
        (
            &["--seed", "x"],
            "expected a whole number from 0 to 18446744073709551615",
        ),
        (
            &["--seed", "18446744073709551616"],
            "expected a whole number from 0 to 18446744073709551615",
        ),
    ] {
        let out = sessim(args, b"clock\n");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(out.stdout.is_empty(), "{args:?}: nothing ran");
        let line = one_error_line(&out);
        assert!(line.contains(args[0]), "{args:?} names the option: {line}");
        assert!(line.contains(wanted), "{args:?}: {line}");
    }
}

// ---------------------------------------------------------------------------------------
// Commands: arity, empty ids

/// A command's name, and lines with too few arguments, too many, and an empty id.
type Arity = (
    &'static str,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

/// For each command: a line with too few arguments (if it needs any), one with too many
/// (if there can be too many), and one with an empty quoted id (if it takes an id).
const ARITY: &[Arity] = &[
    ("new", None, Some("new a b"), Some("new ''")),
    ("read", Some("read"), Some("read a b"), Some("read ''")),
    (
        "set",
        Some("set a k"),
        Some("set a k v w"),
        Some("set '' k v"),
    ),
    ("get", Some("get a"), Some("get a k x"), Some("get \"\" k")),
    ("del", Some("del a"), Some("del a k x"), Some("del '' k")),
    (
        "incr",
        Some("incr a"),
        Some("incr a n 1 2"),
        Some("incr '' n"),
    ),
    ("touch", Some("touch"), Some("touch a b"), Some("touch ''")),
    (
        "destroy",
        Some("destroy"),
        Some("destroy a b"),
        Some("destroy ''"),
    ),
    ("show", Some("show"), Some("show a b"), Some("show ''")),
    ("list", None, Some("list a"), None),
    ("lru", None, Some("lru a"), None),
    ("timeline", None, Some("timeline a"), None),
    ("gc", None, Some("gc now"), None),
    (
        "advance-clock",
        Some("advance-clock"),
        Some("advance-clock 1s 2s"),
        None,
    ),
    ("clock", None, Some("clock now"), None),
    ("config", None, Some("config capacity 3 4"), None),
    // Any number of parameters after the path.
    ("visit", Some("visit alice"), None, None),
    ("clients", None, Some("clients a"), None),
    ("cookie", Some("cookie"), Some("cookie a b c"), None),
    (
        "copy-cookie",
        Some("copy-cookie a"),
        Some("copy-cookie a b c"),
        None,
    ),
    (
        "document-cookie",
        Some("document-cookie"),
        Some("document-cookie a b"),
        None,
    ),
    (
        "regenerate",
        Some("regenerate"),
        Some("regenerate a b"),
        Some("regenerate ''"),
    ),
    ("stats", None, Some("stats a"), None),
    ("log", None, Some("log a b"), Some("log ''")),
    ("compare", None, Some("compare now"), None),
    // Any number of options: `reset_refuses_bad_options_and_keeps_the_simulation` below.
    ("reset", None, None, None),
    ("source", Some("source"), Some("source a b"), None),
    ("clear", None, Some("clear now"), None),
    ("help", None, Some("help set get"), None),
    ("quit", None, Some("quit now"), None),
    ("exit", None, Some("exit now"), None),
];

#[test]
fn the_web_refuses_bad_input_and_changes_nothing_and_survives_any_cookie() {
    both(|shell| {
        shell.execute("visit alice /").expect("a first visit");
        refused_saying(
            shell,
            &[
                ("cookie nobody", "no client `nobody`; clients are alice"),
                ("document-cookie nobody", "no client `nobody`"),
                ("copy-cookie nobody alice", "no client `nobody`"),
                ("copy-cookie alice ''", "invalid client name"),
                ("visit '' /", "invalid client name"),
                ("visit alice count", "a path starts with `/`"),
                ("visit alice /login user", "a parameter is NAME=VALUE"),
                ("visit alice /login?user=%zz", "invalid URL escape"),
                ("regenerate nosuch", "nosuch"),
                ("log --client", "`--client` needs a value"),
                ("config cookie-name 'a b'", "invalid cookie-name"),
                ("config cookie-max-age 0s", "must be longer than 0s"),
                ("config cookie-httponly maybe", "invalid cookie-httponly"),
                ("config rotate-after soon", "or `off` for rotate-after"),
                ("config gc redis", "unknown GC strategy `redis`"),
                ("config gc-hz 0", "gc-hz 0 is out of range"),
                ("config gc-hz many", "invalid gc-hz `many`"),
                ("config gc-divisor 0", "gc-divisor must be 1 or more"),
                ("config gc-probability 101", "is above gc-divisor 100"),
                ("config absolute-lifetime 0s", "must be longer than 0s"),
                (
                    "config absolute-lifetime never",
                    "or `off` for absolute-lifetime",
                ),
                ("compare --rate 0", "is out of range"),
                ("compare --rate fast", "invalid --rate `fast`"),
                (
                    "compare --strategies timer,redis",
                    "unknown GC strategy `redis`",
                ),
                ("compare --strategies lazy,lazy", "named twice"),
                ("compare --duration 0s", "is out of range"),
                ("compare --duration 400d", "is out of range"),
                (
                    "compare --rate 1000000/h --duration 366d",
                    "compare replays at most 1000000",
                ),
                ("compare --svg", "`--svg` needs a value"),
                ("compare --limit 3", "unknown option `--limit`"),
                (
                    "compare --csv /nonexistent/dir/x.csv --duration 1m",
                    "cannot write",
                ),
            ],
        );
        // Whatever a cookie holds, a visit answers, and the manager stays whole.
        let long = "x".repeat(8 * 1024);
        for value in [
            "%zz", "%", "''", "a%20b", "名前", "'a;b'", "a,b", "%01", "'\t'", &long,
        ] {
            shell
                .execute(&format!("cookie mallory {value}"))
                .expect("planted");
            let outcome = shell.execute("visit mallory /count").expect("a visit");
            let Some(outcome) = outcome else {
                panic!("no outcome")
            };
            let json = serde_json::to_value(&outcome).expect("json");
            assert_eq!(json["response"]["status"], 200, "{value}: {json}");
            assert!(json["session"].is_string(), "{value}: a session was used");
            shell.manager().check().expect("the store is whole");
        }
    });
}

#[test]
fn the_arity_table_covers_every_command() {
    let names: Vec<&str> = ARITY.iter().map(|r| r.0).collect();
    let commands: Vec<&str> = COMMANDS.iter().map(|c| c.name).collect();
    assert_eq!(names, commands, "a new command needs its bad-input row");
}

#[test]
fn too_few_too_many_and_empty_ids_are_refused_with_the_usage() {
    both(|shell| {
        for &(name, few, many, empty) in ARITY {
            let spec = COMMANDS.iter().find(|c| c.name == name).expect("spec");
            let usage = format!("usage: {}", spec.synopsis());
            if let Some(line) = few {
                let e = refused(shell, line);
                assert!(e.contains("needs more arguments"), "{line}: {e}");
                assert!(e.ends_with(&usage), "{line}: {e}");
            }
            if let Some(many) = many {
                let e = refused(shell, many);
                assert!(e.contains(&format!("`{name}` takes")), "{many}: {e}");
                assert!(e.ends_with(&usage), "{many}: {e}");
            }
            if let Some(line) = empty {
                assert_eq!(
                    refused(shell, line),
                    "a session id must not be empty",
                    "{line}"
                );
            }
        }
    });
}

#[test]
fn reset_refuses_bad_options_and_keeps_the_simulation() {
    both(|shell| {
        for (line, why) in [
            ("reset --defects B9", "unknown defect `B9`"),
            ("reset --max-lifetime 0s", "must be longer than 0s"),
            ("reset --nosuch", "--nosuch"),
            (
                "reset --format json",
                "--format and --color stay as sessim started",
            ),
            ("reset --provider book --defects B1", "give one of them"),
            ("reset extra", "extra"),
        ] {
            let e = refused(shell, line);
            assert!(e.contains(why), "{line}: {e}");
            assert!(
                e.ends_with("usage: reset [OPTION...]") || e.contains("give one"),
                "{line}: {e}"
            );
        }
    });
}

// ---------------------------------------------------------------------------------------
// Durations, counters, settings

#[test]
fn bad_durations_leave_the_clock_where_it_was() {
    both(|shell| {
        let now = shell.now();
        for (arg, why) in [
            ("-5m", "cannot be negative"),
            ("10", "a unit is needed"),
            ("1.5h", "fractions are not accepted"),
            ("abc", "invalid duration `abc`"),
            // Parses, but lies past the end of time, or past what a setting allows.
            ("99999999999y", ""),
            ("18446744073709551616s", "the number is too large"),
            ("1h 5m", "takes at most"),
            ("''", "empty duration"),
        ] {
            for line in [
                format!("advance-clock {arg}"),
                format!("config max-lifetime {arg}"),
                format!("config gc-interval {arg}"),
            ] {
                let e = refused(shell, &line);
                assert!(e.contains(why), "{line}: {e}");
                let right = ["as in 90s", "advance by less", "under 292 years", "usage: "];
                assert!(
                    right.iter().any(|r| e.contains(r)),
                    "{line} says what is right: {e}"
                );
            }
        }
        // Parsed, but past the end of time: an overflow never wraps the clock.
        assert_eq!(shell.now(), now);
        let e = refused(shell, "advance-clock 300y");
        assert!(
            e.starts_with("the clock cannot go past 2262-04-11T23:47:16"),
            "{e}"
        );
        shell
            .execute("advance-clock 200y")
            .expect("200 years fit once");
        let later = shell.now();
        assert!(later > now);
        refused(shell, "advance-clock 200y");
        assert_eq!(
            shell.now(),
            later,
            "the second 200y neither wraps nor moves"
        );
    });
}

#[test]
fn incr_refuses_non_integers_and_overflow() {
    both(|shell| {
        assert_eq!(
            refused(shell, "incr a k"),
            "`k` holds `v`, which is not an integer; `incr` needs an integer value"
        );
        let e = refused(shell, "incr a big");
        assert!(e.starts_with("`incr` would overflow `big`"), "{e}");
        let e = refused(shell, "incr a small -1");
        assert!(e.starts_with("`incr` would overflow `small`"), "{e}");
        for by in [
            "9223372036854775808",
            "-9223372036854775809",
            "1.5",
            "x",
            "''",
        ] {
            let e = refused(shell, &format!("incr a n {by}"));
            assert!(e.starts_with("invalid BY"), "{by}: {e}");
            assert!(e.contains("expected a whole number"), "{by}: {e}");
        }
        // The bounds themselves are fine.
        shell
            .execute("incr a n -9223372036854775808")
            .expect("in range");
    });
}

#[test]
fn bad_settings_are_refused() {
    both(|shell| {
        refused_saying(
            shell,
            &[
                ("config capacity 0", "invalid capacity `0`"),
                ("config capacity -1", "invalid capacity `-1`"),
                ("config capacity 1.5", "invalid capacity `1.5`"),
                (
                    "config capacity 99999999999999999999999",
                    "invalid capacity",
                ),
                ("config max-lifetime 0s", "must be longer than 0s"),
                ("config gc-interval 0s", "must be longer than 0s"),
                ("config max-lifetime 293y", "must be under 292 years"),
                ("config auto-gc maybe", "expected on or off"),
                ("config colour red", "unknown setting `colour`"),
                ("config max_lifetime 1h", "did you mean `max-lifetime`?"),
                ("config Capacity 3", "unknown setting `Capacity`"),
                ("config defects B9", "unknown defect `B9`"),
                ("config defects B2", "B2 is not a switch"),
                ("config defects B1,,B7", "an empty name"),
                (
                    "config provider book",
                    "only defects, cookie-name, cookie-max-age",
                ),
            ],
        );
        assert_eq!(
            refused(shell, "config capacity 0"),
            "invalid capacity `0`: expected a whole number of sessions above 0, or `none` \
             (also `unlimited`)"
        );
    });
}

// ---------------------------------------------------------------------------------------
// Lines: quotes, control characters, length

#[test]
fn unterminated_quotes_control_characters_and_long_lines_are_refused() {
    both(|shell| {
        for line in ["set a k 'v", "set a k \"v", "get a k\\", "new 'a"] {
            assert_eq!(
                refused(shell, line),
                "unterminated quote or trailing backslash; close the quote"
            );
        }
        refused_saying(
            shell,
            &[
                ("set a k \0", "U+0000"),
                ("new \u{7}", "U+0007"),
                ("set a k \u{1b}[31mred", "U+001B"),
                ("set a k v\r", "U+000D"),
                ("get a \u{7f}", "U+007F"),
            ],
        );
        let huge = format!("set a k {}", "x".repeat(1 << 20));
        let e = refused(shell, &huge);
        assert!(e.contains("the limit is 65536"), "{e}");
        // A tab is a word separator, not an error; Chinese text is fine anywhere.
        shell
            .execute("set a\t名字 '小 明'")
            .expect("tab and Chinese");
    });
}

// ---------------------------------------------------------------------------------------
// Files: scripts (`run`, stdin) and transcripts (`replay`)

/// The last line of stdout.
fn last_line(out: &Output) -> String {
    text(&out.stdout)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// A malformed transcript: exit 2, one located `FILE:LINE: parse error: ...` line, the
/// totals last, and the file untouched even by `--bless`.
fn malformed_transcript(file: &str, line: usize, why: &str) {
    let before = std::fs::read(file).expect("read");
    for args in [&["replay", file][..], &["replay", "--bless", file]] {
        let out = sessim(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = one_error_line(&out);
        assert_eq!(
            err,
            format!("{file}:{line}: parse error: {why}"),
            "{args:?}"
        );
        assert_eq!(last_line(&out), "0 passed, 1 failed");
        assert_eq!(std::fs::read(file).expect("read"), before, "{args:?}");
    }
}

#[test]
fn non_utf8_is_a_located_error_with_exit_2() {
    let dir = scratch("utf8");
    let script = write(&dir, "s.sessim", b"new a\nset a k \xff\xfe\nnew b\n");
    let out = sessim(&["run", &script], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "a\n", "stops at the bad line");
    assert_eq!(
        text(&out.stderr),
        format!("{script}:2: error: the line is not valid UTF-8; scripts must be UTF-8 text\n")
    );

    let out = sessim(&[], b"new a\n\xc3\x28\n");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "<stdin>:2: error: the line is not valid UTF-8; scripts must be UTF-8 text\n"
    );

    let transcript = write(&dir, "t.sessim", b"> new a\na\n> set a k \xe4\xb8\n");
    let before = std::fs::read(&transcript).unwrap();
    for args in [
        &["replay", &transcript][..],
        &["replay", "--bless", &transcript],
    ] {
        let out = sessim(args, b"");
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            text(&out.stderr),
            format!(
                "{transcript}:3: parse error: the file is not valid UTF-8; transcripts must be \
                 UTF-8 text\n"
            )
        );
        assert_eq!(last_line(&out), "0 passed, 1 failed");
        assert_eq!(std::fs::read(&transcript).unwrap(), before);
    }
}

#[test]
fn a_directory_is_not_a_script_and_an_empty_one_holds_no_transcript() {
    let dir = scratch("dir");
    let folder = dir.join("empty");
    std::fs::create_dir(&folder).unwrap();
    let folder = folder.display().to_string();
    let out = sessim(&["run", &folder], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("{folder}: error: is a directory; give a script file\n")
    );
    assert!(out.stdout.is_empty());

    // `replay` searches a folder: an empty one holds nothing to replay.
    let out = sessim(&["replay", &folder], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "error: no transcript found (looked for *.sessim, and *.md and *.markdown with sessim \
         blocks)\n"
    );
}

#[test]
fn a_missing_file_is_named() {
    let dir = scratch("missing");
    let missing = dir.join("nowhere.sessim").display().to_string();
    let out = sessim(&["run", &missing], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!("{missing}: error: No such file or directory (os error 2)\n")
    );
    // A good script before it has run; nothing after it does.
    let good = write(&dir, "good.sessim", b"new a\n");
    let later = write(&dir, "later.sessim", b"new b\n");
    let out = sessim(&["run", &good, &missing, &later], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(text(&out.stdout), "a\n");

    let out = sessim(&["replay", &missing], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = one_error_line(&out);
    assert!(
        err.contains(&missing) && err.contains("No such file"),
        "{err}"
    );
    let out = sessim(&["replay", "--bless", &good, &missing], b"");
    assert_eq!(out.status.code(), Some(2), "no file is blessed");
    assert_eq!(std::fs::read_to_string(&good).unwrap(), "new a\n");
}

#[test]
fn an_unreadable_file_is_named_unless_permissions_do_not_apply() {
    use std::os::unix::fs::PermissionsExt;
    let dir = scratch("unreadable");
    let script = write(&dir, "locked.sessim", b"new a\n");
    let transcript = write(&dir, "locked-t.sessim", b"> new a\na\n");
    for file in [&script, &transcript] {
        std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o000)).unwrap();
    }
    // Root (as in many CI containers) reads a mode-000 file anyway: then sessim does too,
    // and the right behaviour is to run it.
    let readable = std::fs::File::open(&script).is_ok();
    let run = sessim(&["run", &script], b"");
    let replay = sessim(&["replay", &transcript], b"");
    if readable {
        eprintln!("note: running as root: a mode-000 file stays readable, so it is run");
        assert_eq!(run.status.code(), Some(0));
        assert_eq!(text(&run.stdout), "a\n");
        assert_eq!(replay.status.code(), Some(0));
        assert_eq!(last_line(&replay), "1 passed, 0 failed");
    } else {
        assert_eq!(run.status.code(), Some(2));
        assert_eq!(
            text(&run.stderr),
            format!("{script}: error: Permission denied (os error 13)\n")
        );
        assert_eq!(replay.status.code(), Some(2));
        assert_eq!(
            text(&replay.stderr),
            format!("{transcript}: error: Permission denied (os error 13)\n")
        );
        assert_eq!(last_line(&replay), "0 passed, 1 failed");
    }
}

#[test]
fn an_empty_file_does_nothing_and_says_nothing() {
    let dir = scratch("empty");
    let script = write(&dir, "empty.sessim", b"");
    let out = sessim(&["run", &script], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());
    let out = sessim(&[], b"");
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty() && out.stderr.is_empty());

    // A transcript with no command passes, and its report shows the 0: nothing differs.
    for name in ["empty.sessim", "comments.sessim"] {
        let content: &[u8] = match name {
            "comments.sessim" => b"# nothing yet\n#! seed = 1\n",
            _ => b"",
        };
        let file = write(&dir, name, content);
        let out = sessim(&["replay", &file], b"");
        assert_eq!(out.status.code(), Some(0), "{name}");
        assert_eq!(
            text(&out.stdout),
            format!("PASS {file} (0 commands)\n1 passed, 0 failed\n")
        );
        assert!(out.stderr.is_empty());
    }
    // Markdown with no sessim block holds no transcript: it is skipped, and said to be.
    let file = write(&dir, "prose.md", b"# Title\n\nNo sessim block here.\n");
    let out = sessim(&["replay", &file], b"");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stdout),
        format!("SKIP {file} (Markdown without a sessim block)\n0 passed, 0 failed, 1 skipped\n")
    );
    assert!(text(&out.stderr).starts_with("error: no transcript found"));
}

#[test]
fn a_binary_file_is_refused_at_its_first_line() {
    let dir = scratch("binary");
    // The start of a PNG: not UTF-8 from the first byte.
    let png = write(
        &dir,
        "image.sessim",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\n",
    );
    let out = sessim(&["run", &png], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    assert_eq!(
        text(&out.stderr),
        format!("{png}:1: error: the line is not valid UTF-8; scripts must be UTF-8 text\n")
    );
    malformed_transcript(
        &png,
        1,
        "the file is not valid UTF-8; transcripts must be UTF-8 text",
    );

    // A real executable: sessim itself.
    let exe = env!("CARGO_BIN_EXE_sessim");
    let out = sessim(&["run", exe], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.lines().all(|l| l.starts_with(&format!("{exe}:"))),
        "{err}"
    );
    assert!(
        err.trim_end()
            .ends_with("the line is not valid UTF-8; scripts must be UTF-8 text")
    );
    // Its first MiB: binary, and under the 64 MiB limit, which is checked apart.
    let copy = dir.join("exe.sessim");
    std::fs::write(&copy, &std::fs::read(exe).unwrap()[..1 << 20]).unwrap();
    let out = sessim(&["replay", &copy.display().to_string()], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("parse error: the file is not valid UTF-8"));

    // UTF-8 that is not text (NUL bytes): each such line is a located error, and the
    // script goes on.
    let nul = write(&dir, "nul.sessim", b"new a\0\nnew b\n");
    let out = sessim(&["run", &nul], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "b\n");
    assert_eq!(
        text(&out.stderr),
        format!("{nul}:1: error: the line holds the control character U+0000; remove it\n")
    );
}

#[test]
fn a_line_of_1_mb_in_a_script_is_one_located_error() {
    let dir = scratch("long-line");
    let long = format!("set a k {}", "x".repeat(1 << 20));
    let script = write(
        &dir,
        "long.sessim",
        format!("new a\r\n{long}\r\nget a k\n{}\n", "y".repeat(65_537)).as_bytes(),
    );
    let out = sessim(&["run", &script], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "a\n(nil)\n", "the store is unchanged");
    assert_eq!(
        text(&out.stderr),
        format!(
            "{script}:2: error: the line is 1048584 bytes long; the limit is 65536\n\
             {script}:4: error: the line is 65537 bytes long; the limit is 65536\n"
        )
    );
    // `--echo` leaves out what it cannot echo: its output still replays.
    let out = sessim(&["run", "--echo", &script], b"");
    let echoed = text(&out.stdout);
    assert!(
        !echoed.contains("xxxx"),
        "{}",
        &echoed[..200.min(echoed.len())]
    );
    let transcript = write(&dir, "echoed.sessim", echoed.as_bytes());
    let replay = sessim(&["replay", &transcript], b"");
    assert_eq!(replay.status.code(), Some(0), "{}", text(&replay.stdout));
}

#[test]
fn malformed_transcripts_are_located_and_left_alone() {
    let dir = scratch("malformed");
    let early = write(&dir, "early.sessim", b"# fine\nhello\n> clock\n");
    malformed_transcript(
        &early,
        2,
        "output before the first command; commands start with `> `",
    );
    let directive = write(&dir, "directive.sessim", b"#! colour = red\n> clock\n");
    let out = sessim(&["replay", &directive], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = one_error_line(&out);
    assert!(
        err.starts_with(&format!(
            "{directive}:1: parse error: unknown directive `colour`; did you mean `color`?"
        )),
        "{err}"
    );
    let late = write(&dir, "late.sessim", b"> clock\n#! seed = 1\n");
    let out = sessim(&["replay", &late], b"");
    assert_eq!(out.status.code(), Some(2));
    assert!(one_error_line(&out).starts_with(&format!("{late}:2: parse error: ")));
    let bad_value = write(&dir, "value.sessim", b"#! seed = x\n> clock\n");
    let out = sessim(&["replay", &bad_value], b"");
    assert_eq!(out.status.code(), Some(2));
    let err = one_error_line(&out);
    assert!(
        err.starts_with(&format!("{bad_value}:1: parse error: ")),
        "{err}"
    );
    assert!(err.contains("expected a whole number"), "{err}");

    let fence = write(
        &dir,
        "fence.md",
        b"# Lesson\n\n```sessim\n> clock\n2026-01-01T00:00:00Z\n",
    );
    malformed_transcript(&fence, 3, "unclosed ``` block; close it with ```");
}
