//! The binary end to end: `run` and stdin scripts, exit codes, located errors, `--echo`
//! output that replays, JSON for every command, and a closed pipe.

mod common;

use common::{head_1, scratch, sessim, text, write};

#[test]
fn a_clean_script_exits_0() {
    let out = sessim(&[], "new a\nset a k v\nget a k\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stdout), "a\nOK\nv\n");
    assert!(out.stderr.is_empty());
}

#[test]
fn a_failed_command_exits_1_with_its_file_and_line() {
    let dir = scratch("fail");
    let file = write(&dir, "s.sessim", "new a\n# comment\n\nget b k\ntouch a\n");
    let out = sessim(&["run", &file], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        "a\nOK\n",
        "the script goes on after an error"
    );
    assert_eq!(
        text(&out.stderr),
        format!("{file}:4: error: no session `b` (see `list` for the live ones)\n")
    );
}

#[test]
fn stdin_errors_are_located_at_stdin() {
    let out = sessim(&[], "clock\nbogus\n");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "<stdin>:2: error: unknown command `bogus`; type `help` for the list of commands\n"
    );
}

#[test]
fn bail_stops_at_the_first_failure() {
    let dir = scratch("bail");
    let file = write(&dir, "s.sessim", "new a\ntouch nobody\nnew b\n");
    let out = sessim(&["run", "--bail", &file], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stdout), "a\n", "`new b` never ran");
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["--max-lifetime", "abc"][..],
        &["--provider", "redis"],
        &["--capacity", "0"],
        &["--seed", "x"],
        &["--start", "yesterday"],
        &["run"],
        &["frobnicate"],
    ] {
        let out = sessim(args, "");
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        assert!(!out.stderr.is_empty(), "{args:?} explains itself");
    }
}

#[test]
fn capacity_none_is_no_limit_on_the_command_line_and_in_a_directive() {
    // `--capacity 0`'s error offers `none` and `unlimited`: both are taken, and a directive's
    // `none` overrides replay's `--capacity 1`.
    for value in ["none", "unlimited"] {
        let out = sessim(&["--capacity", value], "config capacity\n");
        assert_eq!(text(&out.stdout), "capacity = none\n", "{value}");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let dir = scratch("capacity-none");
    let file = write(
        &dir,
        "c.sessim",
        "#! capacity = none\n> new a\na\n> new b\nb\n> config capacity\ncapacity = none\n",
    );
    let out = sessim(&["replay", "--capacity", "1", &file], "");
    assert!(out.status.success(), "{}", text(&out.stdout));
}

#[test]
fn defects_are_chosen_alone_or_all_and_provider_book_is_the_old_spelling_of_all() {
    // `read` of an unknown id adopts it only with B5; a new session goes to the back only
    // with B1.
    let script = "new a\nnew b\nread c\nlru\nconfig defects\n";
    let run = |args: &[&str]| text(&sessim(args, script).stdout);
    let adopted = "front → c (idle 0s) → b (idle 0s) → a (idle 0s) → back\n";
    assert!(run(&["--defects", "B5"]).contains(adopted));
    assert!(run(&["--defects", "B5"]).ends_with("defects = B5\n"));
    let book = "front → a (idle 0s) → b (idle 0s) → c (idle 0s) → back\n";
    for args in [
        &["--defects", "all"][..],
        &["--defects", "book"],
        &["--defects", "b1,b3,B4,B5,B7,B8,B11,b14"],
        &["--provider", "book"],
        &["--provider", "book", "--defects", "all"],
    ] {
        let out = run(args);
        assert!(out.contains(book), "{args:?}: {out}");
        assert!(out.ends_with("defects = all\n"), "{args:?}: {out}");
    }
    let fixed = run(&["--provider", "memory"]);
    assert!(
        fixed.contains("front → b (idle 0s) → a (idle 0s) → back\n"),
        "no adoption, new sessions in front: {fixed}"
    );
    assert!(fixed.ends_with("defects = none\n"), "{fixed}");

    let conflict = sessim(&["--provider", "book", "--defects", "B1"], script);
    assert_eq!(conflict.status.code(), Some(2));
    assert_eq!(
        text(&conflict.stderr),
        "error: --provider book is the old spelling of --defects all; give one of them\n"
    );
    let unknown = sessim(&["--defects", "B9"], script);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("unknown defect `B9`"));
}

#[test]
fn source_runs_a_script_here_and_names_its_failures() {
    let dir = scratch("source");
    let inner = write(&dir, "inner.sessim", "incr a n\nquit\nincr a n\n");
    let outer = write(
        &dir,
        "outer.sessim",
        format!("new a\n# a comment\nget nobody k\nsource {inner}\n"),
    );
    let looped = dir.join("loop.sessim").display().to_string();
    std::fs::write(&looped, format!("source {looped}\n")).unwrap();
    let out = sessim(&[], format!("source {outer}\nget a n\nsource {looped}\n"));
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stdout),
        format!(
            "a\n{outer}:3: error: no session `nobody` (see `list` for the live ones)\n1\n1\n\
             {looped}:1: error: `source` nests more than 8 files deep; does a file source itself?\n\
             {}",
            format!("{looped}:1: error: 1 line of `{looped}` failed\n").repeat(7)
        ),
        "the file's output, its errors located, `quit` ending the file only"
    );
    assert_eq!(
        text(&out.stderr),
        format!(
            "<stdin>:1: error: 1 line of `{outer}` failed\n<stdin>:3: error: 1 line of `{looped}` failed\n"
        )
    );
}

#[test]
fn unreadable_scripts_exit_2() {
    let dir = scratch("unreadable");
    let missing = dir.join("missing.sessim").display().to_string();
    let out = sessim(&["run", &missing], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with(&format!("{missing}: error: ")));

    let folder = dir.display().to_string();
    let out = sessim(&["run", &folder], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("is a directory"));

    let bad = dir.join("bad.sessim");
    std::fs::write(&bad, b"new a\nset a k \xff\xfe\n").expect("write");
    let out = sessim(&["run", &bad.display().to_string()], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        format!(
            "{}:2: error: the line is not valid UTF-8; scripts must be UTF-8 text\n",
            bad.display()
        )
    );
}

#[test]
fn echo_output_replays_as_a_transcript() {
    let dir = scratch("echo");
    let script = "# a lesson\n#! seed = 99\nnew alice\nnew\nset alice 名字 小明\nadvance-clock 61m\nget alice 名字\nread bob\nlist\nstats\n";
    let file = write(&dir, "lesson.txt", script);
    for (options, lazy) in [
        (&["--seed", "7"][..], true),
        (&["--seed", "3", "--defects", "all"], false),
    ] {
        let args = [&["run", "--echo"][..], options, &[file.as_str()]].concat();
        let out = sessim(&args, "");
        // Fixed, the expired get and the unknown read fail; the book's code adopts and
        // revives.
        let code = if lazy { 1 } else { 0 };
        assert_eq!(out.status.code(), Some(code), "{options:?}");
        let echoed = text(&out.stdout);
        assert!(
            echoed.starts_with("# Written by `sessim run --echo`."),
            "{echoed}"
        );
        assert!(
            echoed.contains(&format!("\n#! seed = {}\n", options[1])),
            "{echoed}"
        );
        assert!(
            echoed.contains("# a lesson\n# #! seed = 99\n> new alice\nalice\n> new\n"),
            "a directive in the script stays a comment: {echoed}"
        );
        let expired = echoed.contains("> get alice 名字\nerror: session `alice` has expired");
        assert_eq!(expired, lazy, "{echoed}");
        let transcript = write(&dir, "lesson.sessim", &echoed);
        let replay = sessim(&["replay", &transcript], "");
        assert_eq!(
            text(&replay.stdout),
            format!("PASS {transcript} (8 commands)\n1 passed, 0 failed\n"),
            "{options:?}"
        );
        assert_eq!(replay.status.code(), Some(0));
    }
    // `-` is standard input.
    let out = sessim(&["run", "-"], "new a\nget a k\n");
    assert_eq!(text(&out.stdout), "a\n(nil)\n");
}

#[test]
fn every_command_prints_json_that_parses() {
    let script = "\
new alice
new
read alice
set alice k v
get alice k
del alice k
incr alice n 5
touch alice
show alice
list
lru
timeline
gc
destroy alice
new alice
advance-clock 2h
clock
config
config max-lifetime 30m
stats
log
log alice
help
help set
get alice k
quit
";
    let out = sessim(&["--format", "json", "--seed", "1"], script);
    assert_eq!(out.status.code(), Some(1), "the last get fails");
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect();
    assert_eq!(lines.len(), 26, "one object per command");
    let commands: Vec<&str> = lines
        .iter()
        .filter(|v| v["ok"] == true)
        .map(|v| v["command"].as_str().expect("command name"))
        .collect();
    assert_eq!(
        commands,
        [
            "new",
            "new",
            "read",
            "set",
            "get",
            "del",
            "incr",
            "touch",
            "show",
            "list",
            "lru",
            "timeline",
            "gc",
            "destroy",
            "new",
            "advance-clock",
            "clock",
            "config",
            "config",
            "stats",
            "log",
            "log",
            "help",
            "help",
            "quit"
        ]
    );
    assert_eq!(lines[4]["value"], "v");
    assert_eq!(lines[6]["value"], 5);
    assert_eq!(lines[9]["total"], 2);
    assert_eq!(lines[15]["now"], "2026-01-01T02:00:00Z");
    // Both sessions, used at 00:00, are exactly 1h idle at the 01:00 run: live. The 02:00
    // run reaps them from the back: the generated one, then alice.
    let run = &lines[15]["runs"][0];
    assert_eq!(run["at"], "2026-01-01T02:00:00Z");
    assert_eq!(run["sessions"][0]["id"], lines[1]["id"]);
    assert_eq!(run["sessions"][1]["id"], "alice");
    assert_eq!(
        lines[21]["entries"].as_array().map(Vec::len),
        Some(9),
        "alice: created, 5 activities, destroyed, created, reaped"
    );
    assert_eq!(lines[24]["ok"], false);
    assert_eq!(lines[24]["line"], "get alice k");
    assert_eq!(
        lines[24]["error"],
        "no session `alice` (see `list` for the live ones)"
    );
}

#[test]
fn a_closed_pipe_ends_quietly_with_0() {
    let dir = scratch("pipe");
    let script: String = (0..200_000).map(|i| format!("new s{i}\n")).collect();
    let file = write(&dir, "big.sessim", &script);
    // The reader leaves after one line: the next write meets a closed pipe.
    let (first, out) = head_1(&["run", &file]);
    assert_eq!(first, "s0\n");
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn record_writes_a_transcript_that_replays_green() {
    let dir = scratch("record");
    let file = dir.join("recorded.sessim").display().to_string();
    let input = "# a generated id\nnew\nnew bob\nset bob 名字 小明\nadvance-clock 2h\ntouch bob\n";
    let out = sessim(&["record", &file], input);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let recorded = std::fs::read_to_string(&file).expect("transcript written");
    assert!(
        recorded.contains("#! seed = "),
        "the seed is pinned: {recorded}"
    );
    assert!(recorded.contains("# a generated id\n> new\n"), "{recorded}");
    assert!(
        recorded.contains("> touch bob\nerror: no session `bob`"),
        "{recorded}"
    );
    let replay = sessim(&["replay", &file], "");
    assert_eq!(
        text(&replay.stdout),
        format!("PASS {file} (5 commands)\n1 passed, 0 failed\n")
    );

    // An existing file is kept unless --force is given.
    let again = sessim(&["record", &file], "new x\n");
    assert_eq!(again.status.code(), Some(2));
    assert!(text(&again.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), recorded);
    let forced = sessim(&["record", &file, "--force", "--seed", "3"], "new x\n");
    assert_eq!(forced.status.code(), Some(0));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("#! seed = 3\n")
    );
}

#[test]
fn replay_names_a_missing_path_and_refuses_an_endless_file() {
    let out = sessim(&["replay", "/nonexistent/t.sessim"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "/nonexistent/t.sessim: error: No such file or directory (os error 2)\n"
    );
    let out = sessim(&["replay", "/dev/zero"], "");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        text(&out.stderr),
        "/dev/zero: error: larger than 64 MiB; a transcript must be smaller\n"
    );
}

#[test]
fn help_at_the_shell_explains_subcommands_and_the_prompts_topics() {
    let gc = sessim(&["help", "gc"], b"");
    assert_eq!(gc.status.code(), Some(0));
    let text_gc = text(&gc.stdout);
    assert!(text_gc.starts_with("usage: gc"), "{text_gc}");
    assert!(text_gc.contains("GC strategies.") && text_gc.contains("src/expire.c"));
    let bench = text(&sessim(&["help", "bench"], b"").stdout);
    assert!(bench.contains("Usage: sessim bench"), "{bench}");
    let top = text(&sessim(&["help"], b"").stdout);
    assert!(top.contains("compare") && top.contains("replay"), "{top}");
    let unknown = sessim(&["help", "nosuch"], b"");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).starts_with("error: no help on `nosuch`"));
}

#[test]
fn compare_at_the_shell_prints_its_table_and_refuses_an_unwritable_file_first() {
    let dir = scratch("compare-cli");
    let csv = dir.join("series.csv");
    let args = ["compare", "--duration", "2h", "--rate", "120/h"];
    let out = sessim(
        &[&args[..], &["--csv", &csv.display().to_string()]].concat(),
        b"",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    assert!(
        shown.starts_with("2") && shown.contains("under defects none"),
        "{shown}"
    );
    for strategy in ["timer", "lazy", "php", "sampling"] {
        assert!(
            shown.contains(&format!("│ {strategy} ")),
            "{strategy}: {shown}"
        );
    }
    let series = std::fs::read_to_string(&csv).unwrap();
    assert_eq!(series.lines().count(), 1 + 1440, "a header and 1440 points");
    assert_eq!(
        text(&sessim(&args, b"").stdout),
        shown.replace(&format!("wrote {}\n", csv.display()), "")
    );
    let bad = sessim(&["compare", "--svg", "/nonexistent/dir/x.svg"], b"");
    assert_eq!(bad.status.code(), Some(2));
    assert!(text(&bad.stderr).contains("cannot write `/nonexistent/dir/x.svg`"));
    assert!(bad.stdout.is_empty());
}
