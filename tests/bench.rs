//! `sessim bench` through the library at N = 1e5, M = 2e5: the exact counters and digest.

use sessim::front::bench::{self, Workload};

#[test]
fn the_standard_workload_at_1e5_sessions_counts_and_digests_exactly() {
    let w = Workload {
        sessions: 100_000,
        ops: 200_000,
        seed: 42,
    };
    let mut phases = Vec::new();
    let r = bench::run(w, |phase, _| {
        if phases.last() != Some(&phase.to_owned()) {
            phases.push(phase.to_owned());
        }
    })
    .unwrap();
    assert_eq!(phases, ["create", "mixed"], "progress is reported by phase");
    assert_eq!(r.live_after_create, 100_000);
    assert_eq!(
        (r.gets, r.sets, r.touches, r.get_nil, r.get_sum),
        (100_036, 59_912, 40_052, 0, 5_000_134_177)
    );
    assert_eq!(
        (r.removed, r.remaining, r.list_len),
        (6_814, 93_186, 93_186)
    );
    assert_eq!(format!("{:016x}", r.digest), "6264bc8ad44760f9");

    let mut lines = Vec::new();
    bench::write_lines(w, &r, &mut lines).unwrap();
    let lines = String::from_utf8(lines).unwrap();
    let starts: Vec<String> = lines
        .lines()
        .map(|l| l.split(' ').take(2).collect::<Vec<_>>().join(" "))
        .collect();
    assert_eq!(
        starts,
        [
            "phase=create n=100000",
            "phase=mixed n=200000",
            "phase=gc n=6814",
            "phase=verify list_len=93186"
        ]
    );
    assert!(lines.contains(" gets=100036 sets=59912 touches=40052 get_nil=0 get_sum=5000134177"));
    assert!(lines.contains(" removed=6814 remaining=93186"));
    assert!(lines.contains(" digest=6264bc8ad44760f9"));
}
