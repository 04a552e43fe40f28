//! Commands that only look: `show`, `list`, `lru`, `timeline`, `stats` and `log`. None of
//! them touches a session.

use super::{Command, Complete, Kind};
use crate::Result;
use crate::manager::Event;
use crate::shell::args::Args;
use crate::shell::reply::{KeyValue, LogView, Reply, SessionDetail, StatsView, Timeline};
use crate::shell::{DEFAULT_ROWS, Shell};

/// `show SID`
pub const SHOW: Command = Command {
    name: "show",
    args: "SID",
    summary: "a session's keys, values and metadata",
    detail: "Shows the session without touching it: its keys and values, last access, idle \
             time, when it expires, and its state.",
    example: "show alice",
    mirrors: "(looks only)",
    completes: &[Complete::Id],
    kind: Kind::Look,
    run: show,
};

fn show(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.id()?;
    let s = sh
        .manager
        .session(&id)?
        .ok_or(crate::Error::NoSuchSession(id))?;
    Ok(Reply::Show(SessionDetail {
        row: sh.row(&s.id, s.last_access, s.created, s.values.len()),
        values: s
            .values
            .iter()
            .map(|(k, v)| KeyValue {
                key: k.to_owned(),
                value: v.to_owned(),
            })
            .collect(),
    }))
}

/// `list [--limit N | --all]`
pub const LIST: Command = Command {
    name: "list",
    args: "[--limit N | --all]",
    summary: "table of sessions, front (most recent) to back",
    detail: "One row per session in LRU order: id, last access, idle time, expiry, state \
             (live or expired) and number of keys. It shows the first 20 rows and says how \
             many more there are; --limit N shows N, --all shows every one.",
    example: "list --all",
    mirrors: "(looks only) walks Provider.list from Front()",
    completes: &[],
    kind: Kind::Look,
    run: list,
};

fn list(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    sh.listing(a.limit()).map(Reply::List)
}

/// `lru [--limit N | --all]`
pub const LRU: Command = Command {
    name: "lru",
    args: "[--limit N | --all]",
    summary: "the LRU list as a chain, with idle times",
    detail: "Draws the list the provider keeps, from the front (most recently used) to the \
             back, where GC starts looking. Expired sessions are marked.",
    example: "lru",
    mirrors: "(looks only) Provider.list",
    completes: &[],
    kind: Kind::Look,
    run: lru,
};

fn lru(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    sh.listing(a.limit()).map(Reply::Lru)
}

/// `timeline [--limit N | --all]`
pub const TIMELINE: Command = Command {
    name: "timeline",
    args: "[--limit N | --all]",
    summary: "bars of time left to expiry, and the next GC",
    detail: "One bar per session, in list order, from now to its expiry, on a scale of one \
             max-lifetime. The last line marks when the GC timer fires next.",
    example: "timeline",
    mirrors: "(looks only)",
    completes: &[],
    kind: Kind::Look,
    run: timeline,
};

fn timeline(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    Ok(Reply::Timeline(Timeline {
        now: sh.now(),
        max_lifetime: sh.manager.config().max_lifetime,
        next_gc: sh.manager.next_gc(),
        gc: sh.manager.strategy(),
        auto_gc: sh.manager.config().auto_gc,
        listing: sh.listing(a.limit())?,
    }))
}

/// `stats`
pub const STATS: Command = Command {
    name: "stats",
    args: "",
    summary: "counts: sessions, removals by reason, GC runs",
    detail: "A table of the store's counts now and of the totals since start: sessions \
             stored, live and expired (now, and the most held at once), created, adopted, \
             accessed, revived and regenerated, removals by reason, and what GC cost under the \
             strategy in force (`config gc`): runs, sessions examined, and the most one run \
             examined. In JSON: expired_held, expired_held_peak, gc_runs, examined, \
             largest_run, and gc for the strategy.",
    example: "stats",
    mirrors: "(looks only)",
    completes: &[],
    kind: Kind::Look,
    run: stats,
};

fn stats(sh: &mut Shell, _: &mut Args<'_>) -> Result<Reply> {
    let m = &sh.manager;
    let stored = m.stored()?;
    let (held, peak) = m.expired_held(sh.now())?;
    // On a shared namespace, the totals and the log are every process's.
    let shared = sh
        .shared_store()
        .map(super::super::shared::read)
        .transpose()?;
    let mut totals = shared.as_ref().map_or(*m.stats(), |s| s.2);
    totals.expired_held_peak = totals.expired_held_peak.max(peak);
    let (log_kept, log_dropped) = shared
        .as_ref()
        .map_or((m.log().len(), m.log().dropped()), |s| (s.0.len(), s.1));
    Ok(Reply::Stats(StatsView {
        stored,
        live: stored - held as usize,
        expired_held: held as usize,
        strategy: m.strategy(),
        totals,
        log_kept,
        log_dropped,
    }))
}

/// `log [SID] [--limit N | --all]`
pub const LOG: Command = Command {
    name: "log",
    args: "[SID] [--client NAME] [--limit N | --all]",
    summary: "the event log; one session's or client's story",
    detail: "The latest events (the last 20 by default): created, adopted, accessed, \
             revived, regenerated (with the new id), and removed with the reason (gc, \
             expired, evicted, destroyed). Events a client's visit caused name the client. \
             With SID, only that session's events, under its old id and its new, even after \
             it is gone. With --client NAME, only the events NAME's visits caused: one \
             browser's story. The log keeps the latest 10,000 events.",
    example: "log alice",
    mirrors: "(sessim's own record)",
    completes: &[Complete::Id],
    kind: Kind::Look,
    run: log,
};

fn log(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let id = a.opt_id()?;
    let client = a.named("--client");
    // On a shared namespace, the log is every process's.
    let shared = sh
        .shared_store()
        .map(super::super::shared::read)
        .transpose()?;
    let log = sh.manager.log();
    let (events, dropped): (Vec<&Event>, u64) = match &shared {
        Some((events, dropped, _)) => (events.iter().collect(), *dropped),
        None => (log.iter().collect(), log.dropped()),
    };
    let matches = |e: &&&Event| {
        id.as_deref().is_none_or(|id| e.concerns(id))
            && client.as_deref().is_none_or(|c| e.client() == Some(c))
    };
    let matched = events.iter().filter(matches).count();
    let shown = a.limit().rows(DEFAULT_ROWS).min(matched);
    Ok(Reply::Log(LogView {
        events: events
            .iter()
            .filter(matches)
            .skip(matched - shown)
            .map(|e| (*e).clone())
            .collect(),
        id,
        client,
        matched,
        older_forgotten: dropped > 0,
    }))
}
