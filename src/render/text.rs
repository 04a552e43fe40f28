//! Text output: one short line for plain commands, tables for the rest, and a line for each
//! event worth seeing (timer GC runs, evictions, adoptions, revivals) before the reply.

use std::fmt::Write as _;

use comfy_table::Color;

use super::{Context, Style, picture, table};
use crate::basics::time::{SignedSpan, Span};
use crate::manager::{Event, EventKind, QuietRuns, ReadOutcome, Reason, RunReport};
use crate::rules::Defect;
use crate::shell::reply::{
    ConfigView, Listing, LogView, Outcome, Reply, SessionDetail, SessionRow, StatsView, Summary,
};
use crate::shell::setting::{Setting, on_off};

/// How many reaped ids a timer-run line names before it abbreviates.
const IDS_PER_RUN_LINE: usize = 10;

/// Appends the text of `outcome` to `out`.
pub fn text(outcome: &Outcome, cx: &Context, style: Style, out: &mut String) {
    for run in &outcome.runs {
        run_line(run, out);
    }
    for event in &outcome.events {
        event_line(event, cx, out);
    }
    reply(&outcome.reply, cx, style, out);
    if let Some(quiet) = outcome.quiet_runs {
        quiet_line(quiet, out);
    }
}

/// The one line that tells of the timer runs that had nothing to reap, however many.
fn quiet_line(q: QuietRuns, out: &mut String) {
    let _ = if q.count == 1 {
        writeln!(out, "auto-gc at {}: nothing to reap", q.first)
    } else {
        writeln!(
            out,
            "auto-gc ran {} times, {} to {}: nothing to reap",
            q.count, q.first, q.last
        )
    };
}

/// The one line an error prints: `error: ...`, red at a colour terminal.
pub fn error_line(error: &crate::Error, style: Style) -> String {
    if style.color {
        format!("\x1b[1;31merror:\x1b[0m {error}")
    } else {
        format!("error: {error}")
    }
}

fn run_line(run: &RunReport, out: &mut String) {
    let ids: Vec<&str> = run
        .reaped
        .iter()
        .take(IDS_PER_RUN_LINE)
        .map(|r| r.id.as_str())
        .collect();
    let more = run.reaped.len().saturating_sub(IDS_PER_RUN_LINE);
    let _ = write!(
        out,
        "auto-gc at {} reaped {}: {}",
        run.at,
        run.reaped.len(),
        ids.join(", ")
    );
    if more > 0 {
        let _ = write!(out, " and {more} more");
    }
    out.push('\n');
}

fn event_line(e: &Event, cx: &Context, out: &mut String) {
    let idle = Span(e.at.saturating_since(e.last_access));
    let _ = match e.kind {
        EventKind::Removed(Reason::Evicted) => writeln!(
            out,
            "evicted {}: at the back of the list (idle {idle}), to stay within capacity {}",
            e.id,
            cx.capacity
                .map_or_else(|| "-".to_owned(), |c| c.to_string())
        ),
        EventKind::Adopted => writeln!(
            out,
            "adopted {}: unknown id, created by SessionRead (B5)",
            e.id
        ),
        EventKind::Revived(_) => writeln!(
            out,
            "revived {}: expired (idle {idle}) but not collected, and book never checks (B7)",
            e.id
        ),
        _ => Ok(()),
    };
}

fn reply(reply: &Reply, cx: &Context, style: Style, out: &mut String) {
    let _ = match reply {
        Reply::Created { id } => writeln!(out, "{id}"),
        Reply::Read { outcome, session } => {
            let how = match outcome {
                ReadOutcome::Found => "",
                ReadOutcome::Adopted => " (adopted)",
            };
            writeln!(out, "{}{how}: {}", session.id, summary(session))
        }
        Reply::Stored | Reply::Touched => writeln!(out, "OK"),
        Reply::Value { value: Some(v) } => writeln!(out, "{v}"),
        Reply::Value { value: None } => writeln!(out, "(nil)"),
        Reply::Deleted { existed: true } => writeln!(out, "deleted"),
        Reply::Deleted { existed: false } => writeln!(out, "(no such key)"),
        Reply::Counter { value } => writeln!(out, "{value}"),
        Reply::Destroyed { id } => writeln!(out, "destroyed {id}"),
        Reply::Show(detail) => {
            show(detail, style, out);
            Ok(())
        }
        Reply::List(listing) => {
            list(listing, style, out);
            Ok(())
        }
        Reply::Lru(listing) => {
            picture::lru(listing, style, out);
            Ok(())
        }
        Reply::Timeline(timeline) => {
            picture::timeline(timeline, style, out);
            Ok(())
        }
        Reply::Gc(run) => {
            gc(run, cx, style, out);
            Ok(())
        }
        Reply::Clock { now } => writeln!(out, "{now}"),
        Reply::Config(view) => {
            config(view, style, out);
            Ok(())
        }
        Reply::Setting { name, value, note } => {
            let _ = writeln!(out, "{name} = {value}");
            match note {
                Some(note) => writeln!(out, "note: {note}"),
                None => Ok(()),
            }
        }
        Reply::Stats(view) => {
            stats(view, style, out);
            Ok(())
        }
        Reply::Log(view) => {
            log(view, style, out);
            Ok(())
        }
        Reply::Help { text } | Reply::Text { text } => writeln!(out, "{text}"),
        Reply::Reset(summary) => writeln!(out, "fresh simulation: {}", summary_line(summary)),
        Reply::Source { .. } | Reply::Clear | Reply::Quit => Ok(()),
    };
}

/// A simulation in a few words: `memory store, defects none, max-lifetime 1h, auto-gc on,
/// clock at 2026-01-01T00:00:00Z`.
pub fn summary_line(s: &Summary) -> String {
    format!(
        "{} store, defects {}, max-lifetime {}, auto-gc {}, clock at {}",
        s.provider,
        s.defects,
        Span(s.max_lifetime),
        on_off(s.auto_gc),
        s.now
    )
}

fn state(row: &SessionRow) -> &'static str {
    if row.expired { "expired" } else { "live" }
}

fn state_color(row: &SessionRow) -> Option<Color> {
    Some(if row.expired {
        Color::Red
    } else {
        Color::Green
    })
}

fn summary(row: &SessionRow) -> String {
    format!(
        "{}, {} key{}, last access {} (idle {})",
        state(row),
        row.keys,
        if row.keys == 1 { "" } else { "s" },
        row.last_access,
        Span(row.idle)
    )
}

fn show(d: &SessionDetail, style: Style, out: &mut String) {
    let r = &d.row;
    let _ = writeln!(out, "session      {}", r.id);
    let _ = writeln!(out, "state        {}", state(r));
    let _ = writeln!(
        out,
        "last access  {} (idle {})",
        r.last_access,
        Span(r.idle)
    );
    let _ = writeln!(out, "expires      {}", r.expires);
    if d.values.is_empty() {
        out.push_str("(no keys)\n");
        return;
    }
    let mut t = table::wrapping(&["key", "value"], style);
    for kv in &d.values {
        t.add_row(vec![kv.key.as_str(), kv.value.as_str()]);
    }
    table::push(out, &t);
}

fn list(listing: &Listing, style: Style, out: &mut String) {
    if listing.total == 0 {
        out.push_str("(no sessions)\n");
        return;
    }
    let mut t = table::new(
        &["#", "id", "last access", "idle", "expires", "state", "keys"],
        style,
    );
    for (i, r) in listing.rows.iter().enumerate() {
        t.add_row(vec![
            table::cell(i + 1, style, None),
            table::cell(&r.id, style, Some(Color::Cyan)),
            table::cell(r.last_access, style, None),
            table::cell(Span(r.idle), style, None),
            table::cell(r.expires, style, None),
            table::cell(state(r), style, state_color(r)),
            table::cell(r.keys, style, None),
        ]);
    }
    table::push(out, &t);
    more_line(listing.rows.len(), listing.total, "more", out);
}

/// `one` or `many`, as `n` asks.
pub(super) fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `… N more` under rows that were cut short: `shown` of `total`.
pub(super) fn more_line(shown: usize, total: usize, more_label: &str, out: &mut String) {
    let more = total.saturating_sub(shown);
    if more > 0 {
        let _ = writeln!(
            out,
            "… {more} {more_label} (of {total}); use --limit N or --all to see them"
        );
    }
}

fn gc(run: &RunReport, cx: &Context, style: Style, out: &mut String) {
    let _ = writeln!(
        out,
        "gc at {}: scanned {}, reaped {}",
        run.at, run.report.scanned, run.report.reaped
    );
    if run.report.reaped == 0 {
        return;
    }
    let mut t = table::new(&["id", "last access", "idle", "why"], style);
    for r in &run.reaped {
        let max_lifetime = cx.rules.max_lifetime;
        let why = if cx.rules.defects.has(Defect::B8) {
            format!(
                "{} + {} < {} (Unix seconds)",
                r.last_access.unix_secs(),
                max_lifetime.as_secs(),
                run.at.unix_secs()
            )
        } else {
            format!(
                "idle {} > max-lifetime {}",
                Span(run.at.saturating_since(r.last_access)),
                Span(max_lifetime)
            )
        };
        t.add_row(vec![
            r.id.to_string(),
            r.last_access.to_string(),
            Span(run.at.saturating_since(r.last_access)).to_string(),
            why,
        ]);
    }
    table::push(out, &t);
    let reaped = usize::try_from(run.report.reaped).unwrap_or(usize::MAX);
    more_line(run.reaped.len(), reaped, "more reaped", out);
}

fn config(v: &ConfigView, style: Style, out: &mut String) {
    let mut t = table::new(&["setting", "value", "meaning"], style);
    for setting in Setting::ALL {
        t.add_row(vec![
            setting.name().to_owned(),
            v.value(setting),
            setting.meaning().to_owned(),
        ]);
    }
    table::push(out, &t);
}

fn stats(v: &StatsView, style: Style, out: &mut String) {
    let s = &v.totals;
    let mut t = table::new(&["count", "value"], style);
    let rows: [(&str, u64); 15] = [
        ("stored", v.stored as u64),
        ("live", v.live as u64),
        ("expired, not collected", v.expired as u64),
        ("created", s.created),
        ("adopted", s.adopted),
        ("accessed", s.accessed),
        ("revived", s.revived),
        ("removed by gc", s.reaped_gc),
        ("removed as expired", s.reaped_expired),
        ("removed as evicted", s.reaped_evicted),
        ("removed as destroyed", s.reaped_destroyed),
        ("gc runs", s.gc_runs),
        ("entries scanned", s.gc_scanned),
        ("events kept", v.log_kept as u64),
        ("events forgotten", v.log_dropped),
    ];
    for (name, value) in rows {
        t.add_row(vec![name.to_owned(), value.to_string()]);
    }
    table::push(out, &t);
}

/// How long the session had been idle when the event happened; `-` for a creation.
fn idle_before(e: &Event) -> String {
    match e.kind {
        EventKind::Created | EventKind::Adopted => "-".to_owned(),
        _ => SignedSpan(e.at.nanos_since(e.last_access)).to_string(),
    }
}

fn log(v: &LogView, style: Style, out: &mut String) {
    if v.matched == 0 {
        let _ = match &v.id {
            Some(id) => writeln!(out, "(no events for `{id}` in the log)"),
            None => writeln!(out, "(no events)"),
        };
        return;
    }
    let mut t = table::new(&["time", "session", "event", "idle before"], style);
    for e in &v.events {
        let what = match e.kind {
            EventKind::Created => "created".to_owned(),
            EventKind::Adopted => "adopted (B5)".to_owned(),
            EventKind::Accessed(a) => format!("accessed: {}", a.name()),
            EventKind::Revived(a) => format!("revived: {} (B7)", a.name()),
            EventKind::Removed(r) => format!("removed: {}", r.name()),
        };
        let color = match e.kind {
            EventKind::Removed(_) => Some(Color::Red),
            EventKind::Created | EventKind::Adopted => Some(Color::Green),
            _ => None,
        };
        t.add_row(vec![
            table::cell(e.at, style, None),
            table::cell(&e.id, style, Some(Color::Cyan)),
            table::cell(what, style, color),
            table::cell(idle_before(e), style, None),
        ]);
    }
    if !v.events.is_empty() {
        table::push(out, &t);
    }
    if v.events.len() < v.matched {
        let earlier = v.matched - v.events.len();
        let _ = writeln!(
            out,
            "… {earlier} earlier {} (use --limit N or --all)",
            plural(earlier, "event", "events")
        );
    }
    if v.older_forgotten {
        out.push_str("(older events are forgotten: the log keeps the latest ones only)\n");
    }
}
