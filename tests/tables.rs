//! Table snapshots: `list`, `show`, `gc`, `stats` and `log` with Chinese and English values,
//! compared byte for byte with `tests/snapshots/tables.txt`.

use sessim::front::step::Printer;
use sessim::shell::Shell;
use sessim::shell::options::Options;

const SCRIPT: &[&str] = &[
    "new alice",
    "new 小明",
    "set alice name \"Alice Liddell\"",
    "set 小明 城市 北京",
    "set 小明 名字 小明同学",
    "advance-clock 30m",
    "get alice name",
    "advance-clock 31m",
    "list",
    "show 小明",
    "show alice",
    "gc",
    "stats",
    "log",
    "log 小明",
];

fn render() -> String {
    let mut shell = Shell::new(Options::default()).expect("default options are valid");
    let mut out = String::new();
    for line in SCRIPT {
        out.push_str("> ");
        out.push_str(line);
        out.push('\n');
        let ran = Printer::PLAIN.step(&mut shell, line).expect("a command");
        assert_eq!(ran.error, None, "`{line}` failed");
        out.push_str(&ran.output);
    }
    out
}

#[test]
fn tables_match_the_snapshot_byte_for_byte() {
    let actual = render();
    if std::env::var_os("SESSIM_BLESS_TABLES").is_some() {
        // Rewrites the snapshot, to be read in the diff before it is committed.
        std::fs::write("tests/snapshots/tables.txt", &actual).expect("the snapshot is writable");
        return;
    }
    let expected = include_str!("snapshots/tables.txt");
    if actual != expected {
        let diff = similar::TextDiff::from_lines(expected, &actual)
            .unified_diff()
            .header("snapshot", "actual")
            .to_string();
        panic!("tables differ from tests/snapshots/tables.txt:\n{diff}");
    }
}

#[test]
fn tables_have_no_trailing_spaces_and_align_wide_characters() {
    let out = render();
    for line in out.lines() {
        assert_eq!(line, line.trim_end(), "trailing space in {line:?}");
    }
    // Every line of one table has the same display width, Chinese included.
    let show: Vec<&str> = out
        .lines()
        .skip_while(|l| *l != "> show 小明")
        .skip(5)
        .take(5)
        .collect();
    let widths: Vec<usize> = show
        .iter()
        .map(|l| unicode_width::UnicodeWidthStr::width(*l))
        .collect();
    assert!(
        widths.iter().all(|w| *w == widths[0]),
        "{show:?} {widths:?}"
    );
}

#[test]
fn the_gc_table_shows_20_rows_unless_asked() {
    let mut shell = Shell::new(Options::default()).expect("default options are valid");
    let mut run = |line: &str| {
        let mut out = String::new();
        let ran = Printer::PLAIN.step(&mut shell, line).expect("a command");
        assert_eq!(ran.error, None, "`{line}` failed");
        out.push_str(&ran.output);
        out
    };
    let rows = |out: &str| out.lines().filter(|l| l.starts_with("│ s")).count();
    for round in 0..3 {
        run("config auto-gc off");
        for i in 0..25 {
            run(&format!("new s{round}-{i}"));
        }
        run("advance-clock 2h");
        let limit = ["gc", "gc --all", "gc --limit 0"][round];
        let out = run(limit);
        assert!(out.starts_with("gc at "), "{out}");
        assert!(out.contains("reaped 25"), "{out}");
        if round == 0 {
            assert_eq!(rows(&out), 20, "{out}");
            assert!(
                out.ends_with("… 5 more reaped (of 25); use --limit N or --all to see them\n"),
                "{out}"
            );
        } else if round == 1 {
            assert_eq!(rows(&out), 25, "{out}");
            assert!(!out.contains("more reaped"), "{out}");
        } else {
            assert_eq!(rows(&out), 0, "{out}");
            assert!(
                out.ends_with(
                    "… 25 more reaped (of 25); use --limit N or --all to see them
"
                ),
                "{out}"
            );
        }
    }
}

/// Renders `lines` at a terminal `width` columns wide (colour off), on a seeded shell whose
/// generated ids are 44 characters long.
fn at_width(width: u16, lines: &[&str]) -> String {
    let options = Options {
        seed: Some(7),
        ..Options::default()
    };
    let mut shell = Shell::new(options).expect("seeded options are valid");
    let printer = Printer {
        format: sessim::shell::options::Format::Text,
        style: sessim::render::Style {
            color: false,
            width,
            terminal: true,
        },
    };
    let mut out = String::new();
    for line in lines {
        let ran = printer.step(&mut shell, line).expect("a command");
        assert_eq!(ran.error, None, "`{line}` failed");
        out.push_str(&ran.output);
    }
    out
}

const WIDE: &[&str] = &[
    "new",
    "new",
    "new alice",
    "set alice motto \"a long value that has to wrap at a narrow terminal, whatever its width\"",
    "advance-clock 61m",
    "new bob",
    "list",
    "lru",
    "timeline",
    "log",
    "config",
    "stats",
    "show alice",
    "gc",
];

#[test]
fn tables_and_pictures_fit_a_terminal_down_to_60_columns() {
    for width in [60, 72, 80, 100, 132] {
        let out = at_width(width, WIDE);
        for line in out.lines() {
            let drawn = line
                .chars()
                .any(|c| ('\u{2500}'..='\u{259f}').contains(&c) || c == '→');
            if drawn {
                let w = unicode_width::UnicodeWidthStr::width(line);
                assert!(w <= usize::from(width), "{w} > {width}: {line}\n{out}");
            }
        }
        // Tables keep the columns that matter at any width.
        assert!(out.contains("┆ state"), "{width}: {out}");
        assert!(out.contains("│ setting"), "{width}: {out}");
    }
    // At 60 columns the least wanted columns go; at 132 all are there.
    let narrow = at_width(60, WIDE);
    assert!(!narrow.contains("┆ meaning"), "{narrow}");
    assert!(!narrow.contains("┆ expires"), "{narrow}");
    let wide = at_width(132, WIDE);
    assert!(wide.contains("┆ meaning"), "{wide}");
    assert!(wide.contains("┆ expires"), "{wide}");
}

#[test]
fn long_ids_are_shortened_in_the_middle_in_tables_and_pictures_only() {
    let out = at_width(100, &["new", "list", "lru", "timeline"]);
    let id = out.lines().next().expect("the id `new` printed");
    assert_eq!(id.chars().count(), 44, "{out}");
    let short = format!("{}…{}", &id[..6], &id[39..]);
    assert_eq!(out.matches(&short).count(), 3, "{out}");
    assert_eq!(out.matches(id).count(), 1, "{out}");
    // `show` gives it whole (the same seed makes the same id).
    let shown = at_width(100, &["new", &format!("show {id}")]);
    assert!(shown.contains(&format!("session      {id}\n")), "{shown}");
}
