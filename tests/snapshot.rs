//! The library as a snapshot-testing user calls it: `sessim::run` and `sessim::Simulation`,
//! with `insta` (the snapshots live in `tests/snapshots/`, committed).

use sessim::Simulation;

#[test]
fn a_list_table_snapshot() {
    let out = sessim::run(
        &["--seed", "7"],
        "new alice\nnew\nset alice 城市 北京\nadvance-clock 61m\ntouch alice\nlist",
    )
    .expect("valid options");
    insta::assert_snapshot!(out);
}

#[test]
fn a_simulation_step_by_step() {
    let mut sim = Simulation::new(&["--defects", "all", "--no-auto-gc"]).expect("valid options");
    for line in ["new alice", "advance-clock 2h", "new bob"] {
        sim.run(line);
    }
    // B1: bob went to the back, where GC starts, and GC stops at him.
    assert_eq!(
        sim.run("gc"),
        "gc at 2026-01-01T02:00:00Z: scanned 1, reaped 0\n"
    );
    insta::assert_snapshot!("book_gc_leaves_alice_behind_bob", sim.run("list"));
    assert_eq!(sim.shell().manager().stored().ok(), Some(2));
}

#[test]
fn json_and_errors_print_as_off_a_terminal() {
    let out = sessim::run(&["--format", "json"], "new alice\nnew alice\nquit\nnew bob")
        .expect("valid options");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    assert_eq!(lines.len(), 3, "quit stops the script: {out}");
    assert_eq!(lines[1]["ok"], false, "{out}");
    let err = sessim::run(&["--defects", "B9"], "").expect_err("no defect B9");
    assert!(err.to_string().contains("B9"), "{err}");
}
