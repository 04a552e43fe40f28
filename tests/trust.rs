//! Transcripts a CI can trust: each case found by trying sessim as a teacher writing lessons
//! and as a CI maintainer replaying them, reproduced exactly, and a property test of
//! `--bless`: it never weakens a transcript, and what it writes replays green.

mod common;

use std::fs;
use std::path::Path;

use proptest::prelude::*;

use common::{scratch, sessim, text, write};
use sessim::transcript::{Captures, Pattern, blessed, matches};

/// `sessim replay ARGS...` with `CI` unset.
fn replay(args: &[&str]) -> (i32, String, String) {
    let out = sessim(&[&["replay"][..], args].concat(), "");
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

// ---------------------------------------------------------------------------------------
// A.1 and A.2: --bless never weakens, and the diff says where

#[test]
fn bless_updates_a_changed_line_instead_of_deleting_it() {
    let dir = scratch("bless-changed");
    let file = write(
        &dir,
        "x.sessim",
        "> new alice\nalice\n> show alice\nsession      alice\nstate        dead\n...\n",
    );
    let (code, out, _) = replay(&[&file]);
    assert_eq!(code, 1);
    assert!(
        out.contains("-state        dead\n+state        live\n"),
        "the changed line is - and + at its place, not context: {out}"
    );
    let (code, out, _) = replay(&["--bless", &file]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "> new alice\nalice\n> show alice\nsession      alice\nstate        live\n...\n",
        "the state line is still asserted, with its new value"
    );
    assert_eq!(replay(&[&file]).0, 0);
}

#[test]
fn a_capture_that_does_not_repeat_shows_in_the_diff() {
    let dir = scratch("capture-diff");
    let file = write(
        &dir,
        "c.sessim",
        "#! capacity = 2\n> new\n[..ID..]\n> new\n[..OTHER..]\n> new third\n\
         evicted [..OTHER..]: at the back of the list (idle 0s), to stay within capacity 2\n\
         third\n",
    );
    let (code, out, _) = replay(&[&file]);
    assert_eq!(code, 1, "ID is at the back, not OTHER: {out}");
    let minus = out.lines().find(|l| l.starts_with("-evicted "));
    let plus = out.lines().find(|l| l.starts_with("+evicted "));
    let (Some(minus), Some(plus)) = (minus, plus) else {
        panic!("the evicted line shows as - and +, not as context: {out}");
    };
    assert_ne!(minus, plus.replacen('+', "-", 1), "{out}");
    assert!(
        !minus.contains("[..OTHER..]"),
        "OTHER shows as its text: {out}"
    );
}

#[test]
fn bless_keeps_a_row_between_two_ellipses_asserted() {
    let dir = scratch("bless-row");
    let file = write(
        &dir,
        "x.sessim",
        "#! no-auto-gc = true\n> new alice\nalice\n> advance-clock 2h\n2026-01-01T02:00:00Z\n\
         > list\n...\n│ 1 ┆ alice ┆ 2026-01-01T00:00:00Z ┆ 2h   ┆ 2026-01-01T01:00:00Z ┆ live    ┆ 0    │\n...\n",
    );
    assert_eq!(replay(&[&file]).0, 1);
    assert_eq!(replay(&["--bless", &file]).0, 0);
    let blessed = fs::read_to_string(&file).unwrap();
    assert!(
        blessed.ends_with(
            "> list\n...\n│ 1 ┆ alice ┆ 2026-01-01T00:00:00Z ┆ 2h   ┆ 2026-01-01T01:00:00Z ┆ expired ┆ 0    │\n...\n"
        ),
        "the row is written anew, not dropped into `...` `...`: {blessed}"
    );
    assert_eq!(replay(&[&file]).0, 0);
}

#[test]
fn bless_refuses_a_result_that_would_not_replay_and_leaves_the_file() {
    let dir = scratch("bless-refuses");
    // A later line needs ID, and the line that captured it no longer matches.
    let capture = "#! seed = 1\n> new\nid: [..ID..]\n> get ${ID} k\n(nil)\n";
    // Ids without a seed differ on every run, so no literal id can be blessed in.
    let random = "> new\n[..A..]\n> new\n[..A..]\n";
    // The real time, written literally, would fail the next run; however quickly both
    // runs of `--bless` follow each other, the second reads a later clock.
    let real_time = "#! clock = system\n#! seed = 1\n> new alice\nalice\n> show alice\n";
    for (name, text, why) in [
        ("cap.sessim", capture, "`${ID}` has no value"),
        ("random.sessim", random, "changes from run to run"),
        (
            "system.sessim",
            real_time,
            "`> show alice` on line 5 printed something else",
        ),
    ] {
        let file = write(&dir, name, text);
        let (code, out, err) = replay(&["--bless", &file]);
        assert_eq!(code, 2, "{out}{err}");
        assert!(err.contains("cannot bless: "), "{err}");
        assert!(err.contains(why), "{err}");
        assert!(err.ends_with("the file is unchanged\n"), "{err}");
        assert_eq!(fs::read_to_string(&file).unwrap(), text);
    }
}

#[test]
fn bless_writes_system_clock_output_that_does_not_show_the_time() {
    let dir = scratch("bless-system");
    let file = write(
        &dir,
        "s.sessim",
        "#! clock = system\n#! seed = 1\n> new alice\n> set alice k v\n> show alice\n\
         session      alice\nstate        live\nlast access  [..]\nexpires      [..]\nk  v\n",
    );
    let (code, out, err) = replay(&["--bless", &file]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        fs::read_to_string(&file).unwrap().starts_with(
            "#! clock = system\n#! seed = 1\n> new alice\nalice\n> set alice k v\nOK\n"
        ),
        "{out}"
    );
    assert_eq!(replay(&[&file]).0, 0);
}

#[test]
fn bless_keeps_line_endings_and_does_not_multiply_three_dots() {
    let dir = scratch("bless-endings");
    let file = write(&dir, "crlf.sessim", "# note\r\n> new alice\r\nbob");
    assert_eq!(replay(&["--bless", &file]).0, 0);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "# note\r\n> new alice\r\nalice",
        "CRLF kept, and no final newline added"
    );
    // The header row under the line it sits above: `...` covers the real one.
    let file = write(
        &dir,
        "dots.sessim",
        "#! seed = 1\n> new a\na\n> log\n\
         ╭──────────────────────┬─────────┬─────────┬─────────────╮\n...\n\
         ╞══════════════════════╪═════════╪═════════╪═════════════╡\n\
         │ time                 ┆ session ┆ event   ┆ idle before │\n\
         │ 2026-01-01T00:00:00Z ┆ a       ┆ created ┆ -           │\n\
         ╰──────────────────────┴─────────┴─────────┴─────────────╯\n",
    );
    assert_eq!(replay(&["--bless", &file]).0, 0);
    let blessed = fs::read_to_string(&file).unwrap();
    assert_eq!(blessed.matches("\n...\n").count(), 1, "{blessed}");
    assert!(blessed.contains("\n│ time "), "{blessed}");
    assert_eq!(replay(&[&file]).0, 0);
}

#[test]
fn a_blessed_file_counts_as_passed_and_the_blessing_is_said() {
    let dir = scratch("bless-count");
    let file = write(&dir, "x.sessim", "> new alice\nbob\n");
    let (code, out, _) = replay(&["--bless", &file]);
    assert_eq!(code, 0);
    assert!(
        out.ends_with("blessed 1 file\n1 passed, 0 failed\n"),
        "{out}"
    );
}

// ---------------------------------------------------------------------------------------
// A.3: replay's options are defaults, and directives override them

#[test]
fn replay_options_are_defaults_that_directives_override() {
    let dir = scratch("replay-options");
    let plain = write(
        &dir,
        "p.sessim",
        "> read nobody\nerror: no session `nobody` (see `list` for the live ones)\n",
    );
    let (code, out, _) = replay(&[&plain]);
    assert_eq!(code, 0, "{out}");
    let (code, out, _) = replay(&["--defects", "all", &plain]);
    assert_eq!(code, 1, "with B5 the unknown id is adopted: {out}");
    assert!(out.contains(", with --defects all)"), "{out}");
    let (code, out, _) = replay(&["--provider", "book", &plain]);
    assert_eq!(code, 1, "{out}");

    // A directive wins over the replay's option, and the report does not claim it.
    let pinned = write(
        &dir,
        "pinned.sessim",
        "#! defects = none\n> read nobody\nerror: no session `nobody` (see `list` for the live ones)\n",
    );
    let (code, out, _) = replay(&["--defects", "all", &pinned]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("PASS") && !out.contains("with --defects"),
        "{out}"
    );

    // --seed applies too.
    let seeded = write(
        &dir,
        "seeded.sessim",
        "> new\nPZGuKgAaLA4Unk763cgPLHJY1LCzEbO3PAEYY2qfXW0=\n",
    );
    assert_eq!(replay(&["--seed", "7", &seeded]).0, 0);
    assert_eq!(replay(&["--seed", "8", &seeded]).0, 1);
    // The report names the options that made a difference, not sessim's own defaults.
    let (code, out, _) = replay(&[
        "--defects",
        "none",
        "--max-lifetime",
        "1h",
        "--seed",
        "7",
        &seeded,
    ]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("(1 command, with --seed 7)\n"), "{out}");
}

// ---------------------------------------------------------------------------------------
// A.4: no lesson is skipped

#[test]
fn a_folder_replay_reads_every_kind_of_markdown_fence() {
    let dir = scratch("markdown-kinds");
    write(&dir, "ok.sessim", "> clock\n2026-01-01T00:00:00Z\n");
    write(
        &dir,
        "tilde.md",
        "# Tilde\n\n~~~sessim\n> clock\n1999-01-01T00:00:00Z\n~~~\n",
    );
    write(
        &dir,
        "UPPER.MD",
        "```sessim\n> clock\n2026-01-01T00:00:00Z\n```\n",
    );
    write(
        &dir,
        "list.markdown",
        "1. First:\n\n   ```sessim\n   > new alice\n   alice\n   ```\n2. Then:\n   ```sessim\n   > get alice k\n   (nil)\n   ```\n",
    );
    write(
        &dir,
        "notes.md",
        "No sessim here.\n\n```sh\n> not a command\n```\n",
    );
    // The language of a fence is read in any case.
    write(
        &dir,
        "caps.md",
        "```Sessim\n> clock\n2026-01-01T00:00:00Z\n```\n",
    );
    let folder = dir.display().to_string();
    // A file named twice is replayed once.
    let ok = dir.join("ok.sessim").display().to_string();
    let (code, out, err) = replay(&[&folder, &ok]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("FAIL") && out.contains("tilde.md"), "{out}");
    assert!(out.contains("UPPER.MD (1 command)"), "{out}");
    assert!(out.contains("list.markdown (2 commands)"), "{out}");
    assert!(out.contains("caps.md (1 command)"), "{out}");
    // Markdown without a sessim block is not a lesson, but is never passed over silently.
    assert!(
        out.contains("SKIP ") && out.contains("notes.md (Markdown without a sessim block)"),
        "{out}"
    );
    assert_eq!(out.matches("ok.sessim").count(), 1, "{out}");
    assert!(out.ends_with("4 passed, 1 failed, 1 skipped\n"), "{out}");
}

#[test]
fn bless_rewrites_a_fence_inside_a_list_with_its_indentation() {
    let dir = scratch("markdown-list-bless");
    let file = write(
        &dir,
        "l.md",
        "- Step:\n\n  ```sessim\n  > new alice\n  bob\n  ```\n- Done.\n",
    );
    assert_eq!(replay(&["--bless", &file]).0, 0);
    assert_eq!(
        fs::read_to_string(&file).unwrap(),
        "- Step:\n\n  ```sessim\n  > new alice\n  alice\n  ```\n- Done.\n"
    );
    assert_eq!(replay(&[&file]).0, 0);
}

// ---------------------------------------------------------------------------------------
// A.5 and A.6: what record and run --echo write replays faithfully

#[test]
fn record_escapes_output_that_would_read_as_a_wildcard() {
    let dir = scratch("record-escape");
    let file = dir.join("r.sessim").display().to_string();
    let input =
        "new a\nset a k3 ...\nget a k3\nset a w '[..]'\nget a w\n#! provider = book\nget a k3\n";
    let out = sessim(&["record", &file, "--seed", "1"], input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("recorded 6 commands"),
        "{}",
        text(&out.stderr)
    );
    let recorded = fs::read_to_string(&file).unwrap();
    assert!(recorded.contains("> get a k3\n\\...\n"), "{recorded}");
    assert!(recorded.contains("> get a w\n\\[..]\n"), "{recorded}");
    assert!(recorded.contains("# #! provider = book\n"), "{recorded}");
    assert_eq!(replay(&[&file]).0, 0);
    // The recorded `...` is the value, not a wildcard: another value fails.
    fs::write(
        &file,
        recorded.replace("> set a k3 ...", "> set a k3 other"),
    )
    .unwrap();
    assert_eq!(replay(&[&file]).0, 1);
}

#[test]
fn run_echo_and_record_write_what_was_typed_and_printed_so_that_it_replays() {
    let dir = scratch("echo-escape");
    let script = "new a\nset a j \"#! seed = 4\"\nget a j\nset a k \"> x\"\nget a k\n\
                  set a w '[..X..]'\nget a w\nset a p ${X}\nget a p\n";
    let out = sessim(&["run", "--echo", "--seed", "3", "-"], script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let echoed = text(&out.stdout);
    assert!(echoed.contains("> get a j\n\\#! seed = 4\n"), "{echoed}");
    assert!(echoed.contains("> get a k\n\\> x\n"), "{echoed}");
    assert!(echoed.contains("> get a w\n\\[..X..]\n"), "{echoed}");
    // `${` typed in a command is written `$${`, which runs as `${`.
    assert!(
        echoed.contains("> set a p $${X}\nOK\n> get a p\n${X}\n"),
        "{echoed}"
    );
    let file = write(&dir, "t.sessim", &echoed);
    assert_eq!(replay(&[&file]).0, 0, "{echoed}");
    // The escaped `[..X..]` is the value, not a capture: another value fails.
    fs::write(&file, echoed.replace("set a w '[..X..]'", "set a w other")).unwrap();
    assert_eq!(replay(&[&file]).0, 1);

    let recorded = dir.join("r.sessim").display().to_string();
    let out = sessim(
        &["record", &recorded],
        "new a\nset a price ${X}\nget a price\n",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let text_of = fs::read_to_string(&recorded).unwrap();
    assert!(text_of.contains("> set a price $${X}\n"), "{text_of}");
    assert_eq!(replay(&[&recorded]).0, 0, "{text_of}");
}

#[test]
fn record_writes_what_it_shows_and_refuses_quietly() {
    let dir = scratch("record-json");
    let file = dir.join("j.sessim").display().to_string();
    let out = sessim(
        &["record", &file, "--format", "json", "--seed", "2"],
        "new a\n",
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(text(&out.stdout).contains(r#"{"ok":true,"command":"new""#));
    let recorded = fs::read_to_string(&file).unwrap();
    assert!(
        recorded.contains("#! format = json\n> new a\n{\"ok\":true"),
        "{recorded}"
    );
    assert!(
        text(&out.stderr).contains("recorded 1 command to"),
        "singular"
    );
    assert_eq!(replay(&[&file]).0, 0);

    // On an existing file, the refusal is all it says: no seed is chosen first.
    let again = sessim(&["record", &file], "new b\n");
    assert_eq!(again.status.code(), Some(2));
    let err = text(&again.stderr);
    assert!(!err.contains("recording with --seed"), "{err}");
    assert!(err.contains("--force"), "{err}");
}

// ---------------------------------------------------------------------------------------
// A.7: CI and bless

#[test]
fn only_a_ci_variable_that_says_so_refuses_bless() {
    let dir = scratch("ci");
    let file = write(&dir, "x.sessim", "> new alice\nalice\n");
    for (value, refused) in [
        ("", false),
        ("false", false),
        ("0", false),
        ("true", true),
        ("1", true),
    ] {
        let out = common::exe()
            .args(["replay", "--bless", &file])
            .env("CI", value)
            .output()
            .unwrap();
        let code = if refused { 2 } else { 0 };
        assert_eq!(
            out.status.code(),
            Some(code),
            "CI={value:?}: {}",
            text(&out.stderr)
        );
    }
}

// ---------------------------------------------------------------------------------------
// B: JSON and JUnit reports

/// A folder with a passing file, a failing one and a malformed one.
fn mixed_folder(name: &str) -> String {
    let dir = scratch(name);
    write(&dir, "a-ok.sessim", "> new alice\nalice\n");
    write(
        &dir,
        "b-fail.sessim",
        // A control character (pasted from a coloured terminal, say) in the expected text.
        "> new alice\nbob \u{1}\n> clock\n2026-01-01T00:00:00Z\n",
    );
    write(&dir, "c-bad.sessim", "output before any command\n");
    dir.display().to_string()
}

#[test]
fn replay_reports_one_json_object_per_file_then_a_summary() {
    let folder = mixed_folder("json-report");
    let (code, out, _) = replay(&["--format", "json", &folder]);
    assert_eq!(code, 2, "a malformed file is exit 2");
    let objects: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("one JSON object a line"))
        .collect();
    assert_eq!(objects.len(), 4, "{out}");
    assert_eq!(objects[0]["status"], "pass");
    assert_eq!(objects[1]["status"], "fail");
    assert_eq!(objects[1]["commands"], 2);
    assert_eq!(objects[1]["failed"], 1);
    assert_eq!(objects[1]["cases"][0]["status"], "fail");
    assert!(
        objects[1]["cases"][0]["diff"]
            .as_str()
            .unwrap()
            .contains("-bob \u{1}\n+alice"),
        "JSON holds the control character as it is (escaped by JSON)"
    );
    assert_eq!(objects[1]["cases"][1]["status"], "pass");
    assert_eq!(objects[2]["status"], "error");
    assert!(
        objects[2]["error"]
            .as_str()
            .unwrap()
            .contains("c-bad.sessim:1: parse error")
    );
    assert_eq!(objects[3]["summary"]["passed"], 1);
    assert_eq!(objects[3]["summary"]["failed"], 2);
    assert_eq!(objects[3]["summary"]["errors"], 1);
}

#[test]
fn replay_writes_junit_xml_with_suites_cases_failures_and_errors() {
    use quick_xml::Reader;
    use quick_xml::events::Event;

    let folder = mixed_folder("junit-report");
    let xml_path = Path::new(&folder).join("report.xml");
    let (code, out, _) = replay(&["--junit", &xml_path.display().to_string(), &folder]);
    assert_eq!(code, 2, "{out}");
    let xml = fs::read_to_string(&xml_path).unwrap();
    let mut reader = Reader::from_str(&xml);
    let (mut stack, mut seen) = (Vec::<String>::new(), Vec::<String>::new());
    let mut failure_text = String::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = e.name().as_ref().to_owned();
                seen.push(format!("{}>{name}", stack.join(">")));
                stack.push(name);
            }
            Event::Empty(e) => {
                let name = e.name().as_ref().to_owned();
                seen.push(format!("{}>{name}", stack.join(">")));
            }
            Event::End(_) => {
                stack.pop();
            }
            Event::Text(t) if stack.last().is_some_and(|n| n == "failure") => {
                failure_text.push_str(&t);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(stack.is_empty(), "every element is closed");
    let count = |path: &str| seen.iter().filter(|s| *s == path).count();
    assert_eq!(count(">testsuites"), 1);
    assert_eq!(count("testsuites>testsuite"), 3, "{seen:?}");
    assert_eq!(count("testsuites>testsuite>testcase"), 4, "{seen:?}");
    assert_eq!(count("testsuites>testsuite>testcase>failure"), 1);
    assert_eq!(count("testsuites>testsuite>testcase>error"), 1);
    assert!(failure_text.contains("-bob \\u{1}"), "{failure_text}");
    assert!(xml.contains("name=\"line 1: new alice\""), "{xml}");
    // XML 1.0 cannot hold control characters but tab and line breaks, even escaped.
    let refused = |c: char| c < ' ' && !matches!(c, '\t' | '\n' | '\r');
    assert!(!xml.chars().any(refused), "{xml:?}");
}

// ---------------------------------------------------------------------------------------
// The property: --bless never weakens and always replays green

/// Lines drawn from a small alphabet, so that expected and actual lines meet often.
fn line() -> impl Strategy<Value = String> {
    prop::sample::select(vec!["a", "b", "c", "", "x y", "...", "[..]", "#", "> z"])
        .prop_map(str::to_owned)
}

fn pattern() -> impl Strategy<Value = Pattern> {
    prop_oneof![
        4 => line().prop_map(Pattern::Literal),
        1 => Just(Pattern::AnyLines),
        1 => prop::sample::select(vec!["a[..]", "[..]", "x [..]", "[..N..]"])
            .prop_map(|p| Pattern::Wild(p.to_owned())),
    ]
}

/// 2,000 cases, unless `PROPTEST_CASES` asks for another number (for long runs).
fn config() -> ProptestConfig {
    let default = ProptestConfig::default();
    let asked = std::env::var_os("PROPTEST_CASES").is_some();
    ProptestConfig {
        cases: if asked { default.cases } else { 2_000 },
        failure_persistence: None,
        ..default
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn bless_replays_green_and_keeps_every_literal_line_that_still_appears(
        expected in prop::collection::vec(pattern(), 0..8),
        actual in prop::collection::vec(line(), 0..8),
        bound in prop::option::of(line()),
    ) {
        let mut captures = Captures::new();
        if let Some(value) = bound {
            captures.insert("N".to_owned(), value);
        }
        let actual: Vec<&str> = actual.iter().map(String::as_str).collect();
        let block = blessed(&expected, &actual, &captures);
        // Written out and read back, as a file would be.
        let reread: Vec<Pattern> = block.iter().map(|p| Pattern::read(&p.written())).collect();
        prop_assert_eq!(&reread, &block);
        prop_assert!(
            matches(&block, &actual, &mut captures.clone()),
            "{:?} blessed for {:?} is {:?}", expected, actual, block
        );
        for p in &expected {
            if let Pattern::Literal(text) = p
                && actual.contains(&text.as_str())
            {
                prop_assert!(
                    block.contains(p),
                    "literal {:?} still appears but is no longer asserted: {:?}", text, block
                );
            }
        }
        // `...` lines never multiply.
        let dots = |b: &[Pattern]| b.iter().filter(|p| **p == Pattern::AnyLines).count();
        prop_assert!(
            dots(&block) <= dots(&expected),
            "{:?} blessed for {:?} is {:?}", expected, actual, block
        );
    }
}
