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
