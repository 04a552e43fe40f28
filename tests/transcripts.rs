//! The transcript suite: every lesson and error gallery under `transcripts/`, and the
//! README's ```` ```sessim ```` blocks, replayed through the library; then proof that the
//! checker can fail: changed lines, `--bless`, wildcards and captures, malformed files,
//! and the `sessim replay` binary's exit codes.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

use sessim::shell::options::{Options, StoreChoice};
use sessim::transcript::{self, Replay, ReplaySettings, replay_paths};

mod common;
use common::test_redis::TestRedis;

// ---------------------------------------------------------------------------------------
// Helpers

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one `replay_paths` call returned and printed.
struct Run {
    totals: Replay,
    out: String,
    err: String,
}

impl Run {
    /// Everything printed, for assertion messages.
    fn report(&self) -> String {
        format!("--- stdout ---\n{}--- stderr ---\n{}", self.out, self.err)
    }

    fn last_line(&self) -> &str {
        self.out.lines().last().unwrap_or("")
    }
}

fn replay(paths: &[PathBuf], bless: bool) -> Run {
    replay_on(paths, bless, StoreChoice::Memory)
}

fn replay_on(paths: &[PathBuf], bless: bool, store: StoreChoice) -> Run {
    let mut out = Vec::new();
    let mut err = Vec::new();
    let settings = ReplaySettings {
        bless,
        base: Options {
            store,
            ..Options::default()
        },
        ..ReplaySettings::default()
    };
    let totals = replay_paths(paths, &settings, &mut out, &mut err).expect("writing to memory");
    Run {
        totals,
        out: String::from_utf8(out).expect("UTF-8 report"),
        err: String::from_utf8(err).expect("UTF-8 errors"),
    }
}

/// A scratch folder, removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "sessim-transcripts-{}-{n}-{name}",
            std::process::id()
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create scratch folder");
        Scratch(dir)
    }

    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }

    fn write(&self, name: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        fs::write(&path, text).expect("write scratch file");
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).expect("read transcript")
}

/// The 1-based number of the only line of `text` equal to `line`.
fn line_of(text: &str, line: &str) -> usize {
    let found: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == line)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(found.len(), 1, "expected exactly one line {line:?}");
    found[0]
}

/// The 1-based number of the last `> ` command line before line `n`.
fn command_before(text: &str, n: usize) -> (usize, String) {
    text.lines()
        .take(n - 1)
        .enumerate()
        .filter(|(_, l)| l.starts_with("> "))
        .map(|(i, l)| (i + 1, l.to_owned()))
        .last()
        .expect("a command before the line")
}

/// Replaces the only line equal to `old` with `new`.
fn replace_line(text: &str, old: &str, new: &str) -> String {
    line_of(text, old);
    let mut out: String = text
        .lines()
        .map(|l| if l == old { new } else { l })
        .collect::<Vec<_>>()
        .join("\n");
    out.push('\n');
    out
}

/// Every `*.sessim` and `*.md` file below `dir`, sorted.
fn transcript_files(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in fs::read_dir(&dir).expect("read transcripts folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "sessim" || e == "md") {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

const LESSON: &str = "transcripts/lessons/01-lru-and-touch.sessim";
const MARKDOWN_LESSON: &str = "transcripts/lru-and-gc.md";

// ---------------------------------------------------------------------------------------
// The suite

#[test]
fn every_transcript_and_the_readme_replay_green() {
    let mut paths = vec![repo().join("transcripts")];
    let readme = repo().join("README.md");
    // The README is tested once it exists and holds a sessim block.
    if fs::read_to_string(&readme).is_ok_and(|t| t.contains("```sessim")) {
        paths.push(readme);
    }
    let run = replay(&paths, false);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert_eq!(run.totals.failed, 0, "{}", run.report());
    assert_eq!(run.totals.errors, 0, "{}", run.report());
    let files = transcript_files(&repo().join("transcripts")).len();
    assert!(files >= 40, "the suite shrank to {files} files");
    assert!(run.totals.passed >= files, "{}", run.report());
    assert_eq!(
        run.last_line(),
        format!("{} passed, 0 failed", run.totals.passed)
    );
}

/// The same files on a private Redis server: each transcript in a fresh namespace. Only the
/// files that declare `#! requires = memory` are skipped, and they are these.
#[test]
fn every_transcript_and_the_readme_replay_green_on_redis_too() {
    if let Some(server) = TestRedis::start("transcripts") {
        replay_all_on(&server);
    }
}

/// The same on a server without functions (Redis 6), where the code runs as scripts.
#[test]
fn every_transcript_replays_green_without_functions_too() {
    if let Some(server) = TestRedis::start_without_functions("transcripts-6") {
        replay_all_on(&server);
    }
}

fn replay_all_on(server: &TestRedis) {
    let paths = [repo().join("transcripts"), repo().join("README.md")];
    let store = StoreChoice::Redis {
        url: server.url.clone(),
        namespace: None,
    };
    let run = replay_on(&paths, false, store);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert_eq!(
        (run.totals.failed, run.totals.errors),
        (0, 0),
        "{}",
        run.report()
    );
    let skipped: Vec<&str> = run.out.lines().filter(|l| l.starts_with("SKIP")).collect();
    assert_eq!(
        skipped,
        [
            "SKIP transcripts/errors/config.sessim (requires memory, and this replay runs on redis; see its comments)",
            "SKIP transcripts/lessons/05-auto-gc-timer.sessim (requires memory, and this replay runs on redis; see its comments)",
            "SKIP transcripts/lessons/11-config.sessim (requires memory, and this replay runs on redis; see its comments)",
        ]
        .map(|l| l.replace("transcripts/", &format!("{}/transcripts/", repo().display()))),
        "{}",
        run.report()
    );
    let files = transcript_files(&repo().join("transcripts")).len();
    assert_eq!(run.totals.passed, files - 3 + 1, "{}", run.report());
    // Every namespace was deleted at the end of its transcript.
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query(&mut server.connection())
        .unwrap();
    assert_eq!(keys, Vec::<String>::new());
}

#[test]
fn every_table_and_picture_in_the_transcripts_fits_100_columns() {
    let mut files = transcript_files(&repo().join("transcripts"));
    files.push(repo().join("README.md"));
    let mut drawn = 0;
    for file in files {
        for (n, line) in read(&file).lines().enumerate() {
            // Box drawing, block elements (the timeline's bars) and the LRU chain's arrows.
            if line
                .chars()
                .any(|c| ('\u{2500}'..='\u{259f}').contains(&c) || c == '→')
            {
                drawn += 1;
                let width = unicode_width::UnicodeWidthStr::width(line);
                assert!(
                    width <= 100,
                    "{}:{}: {width} columns: {line}",
                    file.display(),
                    n + 1
                );
            }
        }
    }
    assert!(
        drawn > 500,
        "only {drawn} table lines: is the test looking?"
    );
}

#[test]
fn the_suite_covers_every_command_each_defect_json_and_markdown() {
    let mut commands = BTreeSet::new();
    let mut defects = BTreeSet::new();
    let mut old_spelling = false;
    let mut formats = BTreeSet::new();
    let mut markdown = 0;
    for path in transcript_files(&repo().join("transcripts")) {
        let t = transcript::parse(&path, &read(&path)).expect("the suite parses");
        if path.extension().is_some_and(|e| e == "md") && !t.cases.is_empty() {
            markdown += 1;
        }
        for (name, value, _) in &t.directives {
            match name.as_str() {
                "defects" => {
                    defects.insert(value.clone());
                }
                "provider" => old_spelling |= value == "book",
                "format" => {
                    formats.insert(value.clone());
                }
                _ => {}
            }
        }
        for case in &t.cases {
            if let Some(word) = case.command.split_whitespace().next() {
                commands.insert(word.to_owned());
            }
        }
    }
    let all = [
        "new",
        "read",
        "set",
        "get",
        "del",
        "incr",
        "touch",
        "destroy",
        "show",
        "list",
        "lru",
        "timeline",
        "gc",
        "advance-clock",
        "clock",
        "config",
        "stats",
        "log",
        "reset",
        "source",
        "clear",
        "help",
        "quit",
        "exit",
    ];
    let missing: Vec<_> = all.iter().filter(|c| !commands.contains(**c)).collect();
    assert!(missing.is_empty(), "no transcript runs {missing:?}");
    for set in ["none", "all", "B1", "B5", "B7", "B8"] {
        assert!(
            defects.contains(set),
            "no transcript runs with defects = {set}"
        );
    }
    assert!(old_spelling, "no transcript keeps `#! provider = book`");
    assert!(formats.contains("json"), "no transcript uses --format json");
    assert!(markdown >= 1, "no Markdown lesson");
}

// ---------------------------------------------------------------------------------------
// A changed line fails, and --bless repairs it

#[test]
fn one_changed_line_fails_with_its_file_line_and_a_unified_diff() {
    let scratch = Scratch::new("changed");
    let original = read(&repo().join(LESSON));
    let good = "front → carol (idle 0s) → bob (idle 1m) → alice (idle 2m) → back";
    let bad = "front → carol (idle 0s) → bob (idle 1m) → alice (idle 3m) → back";
    let path = scratch.write("lesson.sessim", replace_line(&original, good, bad));
    let (line, command) = command_before(&original, line_of(&original, good));

    let run = replay(std::slice::from_ref(&path), false);
    let shown = path.display();
    assert_eq!(run.totals.exit_code(), 1, "{}", run.report());
    assert_eq!((run.totals.passed, run.totals.failed), (0, 1));
    let commands = transcript::parse(&path, &read(&path)).unwrap().cases.len();
    assert!(
        run.out
            .contains(&format!("FAIL {shown} (1 of {commands} commands differ)\n")),
        "{}",
        run.report()
    );
    let diff = format!(
        "{shown}:{line}: {command}\n--- expected\n+++ actual\n@@ -1 +1 @@\n-{bad}\n+{good}\n"
    );
    assert!(run.out.contains(&diff), "{}", run.report());
    assert_eq!(run.last_line(), "0 passed, 1 failed");
    assert!(run.err.is_empty(), "{}", run.report());
}

#[test]
fn bless_restores_the_lesson_exactly_and_the_next_replay_passes() {
    let scratch = Scratch::new("bless");
    let original = read(&repo().join(LESSON));
    // Break two blocks: one line changed, and one line of a table removed.
    let broken = replace_line(&original, "OK", "KO");
    let row = "│ 3 ┆ carol ┆ 2026-01-01T00:02:00Z ┆ 10m  ┆ 2026-01-01T01:02:00Z ┆ live  ┆ 0    │";
    let broken: String = broken
        .lines()
        .filter(|l| *l != row)
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(broken, original);
    let path = scratch.write("lesson.sessim", &broken);

    let run = replay(std::slice::from_ref(&path), true);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert_eq!(run.totals.blessed, 1);
    assert!(
        run.out.contains(&format!(
            "blessed {} (2 blocks rewritten)\n",
            path.display()
        )),
        "{}",
        run.report()
    );
    // Comments, the directive, blank lines and every other block are as they were.
    assert_eq!(read(&path), original);
    // No temporary file is left behind.
    let left: Vec<_> = fs::read_dir(&scratch.0).unwrap().collect();
    assert_eq!(left.len(), 1);

    let again = replay(std::slice::from_ref(&path), false);
    assert_eq!(again.totals.exit_code(), 0, "{}", again.report());
    assert_eq!(again.last_line(), "1 passed, 0 failed");
}

#[test]
fn bless_rewrites_only_the_blocks_of_a_markdown_lesson() {
    let scratch = Scratch::new("bless-md");
    let original = read(&repo().join(MARKDOWN_LESSON));
    let good = "front → cat (idle 0s) → ben (idle 5m) → ann (idle 10m) → back";
    let path = scratch.write("lesson.md", replace_line(&original, good, "front → back"));
    let failing = replay(std::slice::from_ref(&path), false);
    let (line, command) = command_before(&original, line_of(&original, good));
    assert!(
        failing
            .out
            .contains(&format!("{}:{line}: {command}\n", path.display())),
        "{}",
        failing.report()
    );
    assert_eq!(failing.totals.exit_code(), 1);

    let blessed = replay(std::slice::from_ref(&path), true);
    assert_eq!(blessed.totals.exit_code(), 0, "{}", blessed.report());
    assert_eq!(read(&path), original, "the prose must survive --bless");
    assert_eq!(replay(&[path], false).totals.exit_code(), 0);
}

#[test]
fn bless_leaves_a_passing_file_alone() {
    let scratch = Scratch::new("bless-pass");
    let original = read(&repo().join(LESSON));
    let path = scratch.write("lesson.sessim", &original);
    let run = replay(std::slice::from_ref(&path), true);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert_eq!(run.totals.blessed, 0);
    assert!(!run.out.contains("blessed"), "{}", run.report());
    assert_eq!(read(&path), original);
}

#[test]
fn bless_keeps_comments_directives_and_wildcard_lines_that_still_match() {
    let scratch = Scratch::new("bless-wild");
    let text = "\
# A comment that stays.
#! no-auto-gc = true

> new alice
alice
# Between blocks.
> advance-clock 90s
2026-01-01T00:01:30Z
> show alice
session      [..]
state        dead
last access  2026-01-01T00:00:00Z (idle [..])
expires      2026-01-01T01:00:00Z
(no keys)
> help touch
usage: touch SID
...
mirrors: SessionUpdate(sid)
> lru
front → alice (idle 2h) → back
";
    let path = scratch.write("wild.sessim", text);
    let run = replay(std::slice::from_ref(&path), true);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert!(
        run.out
            .contains(&format!("blessed {} (2 blocks rewritten)", path.display())),
        "{}",
        run.report()
    );
    let expected = text
        .replace("state        dead", "state        live")
        .replace("(idle 2h)", "(idle 1m30s)");
    assert_eq!(read(&path), expected);
    assert_eq!(replay(&[path], false).totals.exit_code(), 0);
}

/// When a differing block holds `...`, `--bless` keeps the lines around the difference
/// that still match, instead of letting `...` swallow them.
#[test]
fn bless_keeps_matching_lines_next_to_three_dots() {
    let scratch = Scratch::new("bless-dots");
    let text = "\
#! no-auto-gc = true
> new alice
alice
> show alice
session      [..]
state        dead
last access  2026-01-01T00:00:00Z (idle [..])
...
";
    let path = scratch.write("dots.sessim", text);
    let run = replay(std::slice::from_ref(&path), true);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert_eq!(
        read(&path),
        text.replace("state        dead", "state        live")
    );
}

#[test]
fn bless_replaces_a_wildcard_line_that_no_longer_matches() {
    let scratch = Scratch::new("bless-stale");
    let path = scratch.write(
        "stale.sessim",
        "#! no-auto-gc = true\n> new alice\nbob[..]\n",
    );
    let run = replay(std::slice::from_ref(&path), true);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    assert_eq!(read(&path), "#! no-auto-gc = true\n> new alice\nalice\n");
}

// ---------------------------------------------------------------------------------------
// Wildcards and captures

/// Replays `text` as a transcript in a scratch folder.
fn replay_text(name: &str, text: &str) -> Run {
    let scratch = Scratch::new(name);
    let path = scratch.write(&format!("{name}.sessim"), text);
    replay(&[path], false)
}

fn passes(name: &str, text: &str) {
    let run = replay_text(name, text);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
}

fn fails(name: &str, text: &str) -> Run {
    let run = replay_text(name, text);
    assert_eq!(run.totals.exit_code(), 1, "{}", run.report());
    run
}

#[test]
fn dots_in_brackets_match_any_text_within_one_line_only() {
    passes(
        "within",
        "> new alice\n[..]\n> read alice\nalice: [..], 0 keys, [..] (idle 0s)\n",
    );
    passes("empty", "> new alice\nalice[..]\n");
    // One `[..]` line stands for one line, not two.
    fails("one-line", "> new alice\n> show alice\n[..]\n");
    // Text around the wildcard must still match.
    fails("around", "> new alice\n> read alice\nbob: [..]\n");
}

#[test]
fn a_line_of_three_dots_matches_any_number_of_lines() {
    let show = "> new alice\nalice\n> show alice\n";
    passes("many", &format!("{show}...\n"));
    passes(
        "middle",
        &format!("{show}session      alice\n...\n(no keys)\n"),
    );
    passes(
        "none",
        &format!("{show}...\nsession      alice\nstate        live\n...\n"),
    );
    // `...` still has to leave the lines around it in order.
    fails(
        "order",
        &format!("{show}(no keys)\n...\nsession      alice\n"),
    );
}

#[test]
fn captures_bind_once_substitute_into_commands_and_must_repeat() {
    // A generated id, captured and used again: without a seed it differs on every run.
    passes(
        "capture",
        "> new\n[..ID..]\n> set ${ID} k v\nOK\n> read ${ID}\n[..ID..]: live, 1 key, [..]\n> destroy ${ID}\ndestroyed [..ID..]\n",
    );
    // Once bound, a capture matches only the same text.
    let run = fails(
        "mismatch",
        "#! no-auto-gc = true\n> new alice\n[..WHO..]\n> new bob\n[..WHO..]\n",
    );
    assert!(
        run.out.contains(":4: > new bob\n"),
        "the second use fails: {}",
        run.report()
    );
    // A name that no earlier expected output captures is an error at its line.
    let run = replay_text(
        "unbound",
        "> new alice\nalice\n> show ${NOBODY}\n(no keys)\n",
    );
    assert_eq!(run.totals.exit_code(), 2, "{}", run.report());
    assert!(
        run.err
            .contains("unbound.sessim:3: parse error: `${NOBODY}` is used before"),
        "{}",
        run.report()
    );
    // A capture whose defining output did not match has no value: the command that uses
    // it does not run, and says why.
    let run = fails(
        "no-value",
        "#! seed = 1\n> new\nnot-[..ID..]\n> show ${ID}\n(no keys)\n",
    );
    assert!(
        run.out.contains("+(not run: `${ID}` has no value"),
        "{}",
        run.report()
    );
}

/// Lines a wildcard covers show as context; a literal line that changed shows as `-` and
/// `+` at its place, even beside `...`.
#[test]
fn wildcard_matches_do_not_show_as_differences() {
    let run = fails(
        "quiet-diff",
        "#! no-auto-gc = true\n> new alice\nalice\n> show alice\nsession      [..]\nstate        dead\n...\n",
    );
    let diff: Vec<&str> = run
        .out
        .lines()
        .filter(|l| l.starts_with(['-', '+']) && !l.starts_with("---") && !l.starts_with("+++"))
        .collect();
    assert_eq!(
        diff,
        ["-state        dead", "+state        live"],
        "{}",
        run.report()
    );
}

#[test]
fn trailing_spaces_blank_lines_crlf_and_escapes_are_read_as_specified() {
    passes(
        "layout",
        "#! no-auto-gc = true\r\n> new alice   \r\nalice   \r\n\r\n\r\n> clock\r\n2026-01-01T00:00:00Z\r\n\r\n",
    );
    // Output lines starting with `#`, `>` or `\` are escaped with a leading `\`.
    passes(
        "escape",
        r##"> new a
a
> set a hash "# not a comment"
OK
> set a arrow "> not a command"
OK
> set a slash '\not an escape'
OK
> get a hash
\# not a comment
> get a arrow
\> not a command
> get a slash
\\not an escape
"##,
    );
}

// ---------------------------------------------------------------------------------------
// Malformed transcripts: exit 2, naming FILE:LINE

fn parse_error(name: &str, file: &str, text: &[u8]) -> (PathBuf, Run) {
    let scratch = Scratch::new(name);
    let path = scratch.write(file, text);
    let run = replay(std::slice::from_ref(&path), false);
    assert_eq!(run.totals.exit_code(), 2, "{}", run.report());
    assert_eq!(run.totals.errors, 1, "{}", run.report());
    (path, run)
}

/// Asserts that the run reported `FILE:LINE: parse error: ` followed by `message`.
fn names_line(path: &Path, run: &Run, line: usize, message: &str) {
    let want = format!("{}:{line}: parse error: {message}", path.display());
    assert!(run.err.contains(&want), "want {want:?}\n{}", run.report());
}

#[test]
fn output_before_the_first_command_is_a_parse_error() {
    let (path, run) = parse_error("early", "early.sessim", b"# lesson\nhello\n> clock\n");
    names_line(&path, &run, 2, "output before the first command");
}

#[test]
fn an_unknown_directive_is_a_parse_error() {
    let (path, run) = parse_error(
        "directive",
        "directive.sessim",
        b"# lesson\n#! seed = 1\n#! colour = red\n> clock\n",
    );
    names_line(&path, &run, 3, "unknown directive `colour`");
}

#[test]
fn a_directive_after_the_first_command_is_a_parse_error() {
    let (path, run) = parse_error(
        "late",
        "late.sessim",
        b"> clock\n2026-01-01T00:00:00Z\n#! seed = 1\n",
    );
    names_line(&path, &run, 3, "");
}

#[test]
fn an_invalid_directive_value_is_a_parse_error() {
    let (path, run) = parse_error("value", "value.sessim", b"#! provider = paper\n> clock\n");
    names_line(&path, &run, 1, "");
}

/// An invalid directive value is reported at its own line, not the first directive's.
#[test]
fn an_invalid_directive_value_names_its_own_line() {
    let (path, run) = parse_error(
        "value-line",
        "value-line.sessim",
        b"# lesson\n#! seed = 1\n#! max-lifetime = 1x\n> clock\n",
    );
    names_line(&path, &run, 3, "");
}

#[test]
fn an_unclosed_markdown_fence_is_a_parse_error_at_its_opening() {
    let (path, run) = parse_error(
        "fence",
        "fence.md",
        b"# Lesson\n\nSome prose.\n\n```sessim\n> clock\n2026-01-01T00:00:00Z\n",
    );
    names_line(&path, &run, 5, "unclosed");
}

#[test]
fn non_utf8_bytes_are_a_parse_error_at_their_line() {
    let (path, run) = parse_error(
        "bytes",
        "bytes.sessim",
        b"> clock\n2026-01-01T00:00:00Z\n> new caf\xe9\n",
    );
    names_line(&path, &run, 3, "");
    assert!(run.err.contains("UTF-8"), "{}", run.report());
}

#[test]
fn a_parse_error_wins_over_differences_and_bless_does_not_touch_the_file() {
    let scratch = Scratch::new("mixed");
    let differs = scratch.write("a.sessim", "> clock\nyesterday\n");
    let broken = scratch.write("b.sessim", b"stray\n> clock\n");
    let run = replay(std::slice::from_ref(&scratch.0), true);
    assert_eq!(run.totals.exit_code(), 2, "{}", run.report());
    assert_eq!(read(&broken), "stray\n> clock\n");
    // The file that only differed was blessed all the same.
    assert_eq!(read(&differs), "> clock\n2026-01-01T00:00:00Z\n");
}

#[test]
fn a_folder_without_transcripts_is_an_error() {
    let scratch = Scratch::new("empty");
    scratch.write("notes.txt", "> clock\n");
    scratch.write(
        "README.md",
        "# No sessim block here\n\n```sh\n> clock\n```\n",
    );
    let run = replay(std::slice::from_ref(&scratch.0), false);
    assert_eq!(run.totals.exit_code(), 2, "{}", run.report());
    assert!(run.err.contains("no transcript found"), "{}", run.report());

    let missing = replay(&[scratch.path("missing")], false);
    assert_eq!(missing.totals.exit_code(), 2, "{}", missing.report());
}

#[test]
fn a_folder_is_replayed_recursively_in_sorted_order() {
    let scratch = Scratch::new("folder");
    fs::create_dir_all(scratch.path("b")).unwrap();
    scratch.write("b/one.sessim", "> clock\n2026-01-01T00:00:00Z\n");
    scratch.write(
        "a.md",
        "Prose.\n\n```sessim\n> clock\n2026-01-01T00:00:00Z\n```\n",
    );
    scratch.write("c.sessim", "> new x\nx\n> new y\ny\n");
    let run = replay(std::slice::from_ref(&scratch.0), false);
    assert_eq!(run.totals.exit_code(), 0, "{}", run.report());
    let passes: Vec<&str> = run.out.lines().filter(|l| l.starts_with("PASS")).collect();
    let root = scratch.0.display();
    let order: Vec<String> = ["a.md", "b/one.sessim", "c.sessim"]
        .iter()
        .map(|f| format!("PASS {root}/{f} ("))
        .collect();
    assert_eq!(passes.len(), order.len(), "{}", run.report());
    for (line, start) in passes.iter().zip(&order) {
        assert!(line.starts_with(start.as_str()), "{}", run.report());
    }
    assert_eq!(run.last_line(), "3 passed, 0 failed");
}

// ---------------------------------------------------------------------------------------
// The binary

fn sessim(args: &[&str], ci: bool) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_sessim"));
    command.args(args).env_remove("CI");
    if ci {
        command.env("CI", "true");
    }
    command.output().expect("run sessim")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("UTF-8 stdout")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("UTF-8 stderr")
}

#[test]
fn the_replay_command_exits_0_1_and_2() {
    let scratch = Scratch::new("cli");
    let good = scratch.write("good.sessim", "> new alice\nalice\n");
    let bad = scratch.write("bad.sessim", "> new alice\nbob\n");
    let broken = scratch.write("broken.sessim", "#! flavour = book\n> clock\n");
    let empty = Scratch::new("cli-empty");
    let arg = |p: &Path| p.display().to_string();

    let ok = sessim(&["replay", &arg(&good)], false);
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).ends_with("1 passed, 0 failed\n"));

    let differs = sessim(&["replay", &arg(&good), &arg(&bad)], false);
    assert_eq!(differs.status.code(), Some(1));
    let out = stdout(&differs);
    assert!(
        out.contains(&format!("{}:1: > new alice\n", arg(&bad))),
        "{out}"
    );
    assert!(out.contains("-bob\n+alice\n"), "{out}");
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");

    let malformed = sessim(&["replay", &arg(&broken)], false);
    assert_eq!(malformed.status.code(), Some(2));
    assert!(
        stderr(&malformed).contains(&format!("{}:1: parse error: ", arg(&broken))),
        "{}",
        stderr(&malformed)
    );

    let none = sessim(&["replay", &arg(&empty.0)], false);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("no transcript found"));
}

#[test]
fn the_replay_command_blesses_but_refuses_to_when_ci_is_set() {
    let scratch = Scratch::new("cli-bless");
    let path = scratch.write("bad.sessim", "# kept\n> new alice\nbob\n");
    let arg = path.display().to_string();

    let refused = sessim(&["replay", "--bless", &arg], true);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("CI"), "{}", stderr(&refused));
    assert_eq!(
        read(&path),
        "# kept\n> new alice\nbob\n",
        "CI must not rewrite"
    );

    let blessed = sessim(&["replay", "--bless", &arg], false);
    assert_eq!(blessed.status.code(), Some(0), "{}", stderr(&blessed));
    assert!(stdout(&blessed).contains(&format!("blessed {arg}")));
    assert_eq!(read(&path), "# kept\n> new alice\nalice\n");

    let green = sessim(&["replay", &arg], true);
    assert_eq!(green.status.code(), Some(0));
}
