//! Time and collection: `gc` by hand, `advance-clock` and `clock`.

use super::{Command, Kind};
use crate::Result;
use crate::basics::time::parse_duration;
use crate::shell::args::Args;
use crate::shell::reply::Reply;
use crate::shell::{DEFAULT_ROWS, Shell};

/// `gc [--limit N | --all]`
pub const GC: Command = Command {
    name: "gc",
    args: "[--limit N | --all]",
    summary: "run SessionGC(max-lifetime) now; what it reaped",
    detail: "Walks the list from the back and removes sessions while the back one is \
             expired, stopping at the first live one, then reports what it scanned and \
             reaped. The table shows the first 20 sessions reaped and says how many more \
             there are; --limit N shows N, --all shows every one.",
    example: "gc --all",
    mirrors: "SessionGC(maxlifetime)",
    completes: &[],
    kind: Kind::Act,
    run: gc,
};

fn gc(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let now = sh.now();
    let run = sh.manager.gc(now)?;
    let report = sh.manager.report(&run, a.limit().rows(DEFAULT_ROWS))?;
    Ok(Reply::Gc(report))
}

/// `advance-clock DURATION`
pub const ADVANCE_CLOCK: Command = Command {
    name: "advance-clock",
    args: "DURATION",
    summary: "move the clock, firing due auto-GC runs",
    detail: "Moves the clock DURATION later (90s, 30m, 1h30m, 500ms, 2d). Each auto-GC run \
             that falls due fires at its own instant, in order, and every run that reaps \
             something is printed. Refused under --clock system.",
    example: "advance-clock 1h30m",
    mirrors: "time passing; the manager's GC() timer (time.AfterFunc)",
    completes: &[],
    kind: Kind::Act,
    run: advance_clock,
};

fn advance_clock(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let d = parse_duration(&a.word()?)?;
    let mut clock = sh.clock.clone();
    let now = clock.advance(d)?;
    sh.manager.advance_to(now)?;
    sh.clock = clock;
    Ok(Reply::Clock { now })
}

/// `clock`
pub const CLOCK: Command = Command {
    name: "clock",
    args: "",
    summary: "print the current time",
    detail: "Prints the current instant in RFC 3339, UTC.",
    example: "clock",
    mirrors: "time.Now()",
    completes: &[],
    kind: Kind::Look,
    run: clock,
};

fn clock(sh: &mut Shell, _: &mut Args<'_>) -> Result<Reply> {
    Ok(Reply::Clock { now: sh.now() })
}
