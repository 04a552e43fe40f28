//! The replies that are tables: `show`, `list`, `gc`, `config`, `stats` and `log`. Each
//! ranks its columns, so that at a narrow terminal the least wanted go first; ids longer
//! than a table wants are shortened in the middle (`show` and JSON give them whole).

use std::fmt::Write as _;

use comfy_table::Color;

use super::table::{self, Grid};
use super::{Context, Style, short_id};
use crate::basics::time::{SignedSpan, Span};
use crate::manager::{Event, EventKind, RunReport};
use crate::rules::Defect;
use crate::shell::reply::{ConfigView, Listing, LogView, SessionDetail, SessionRow, StatsView};
use crate::shell::setting::Setting;

/// A plain cell.
pub(super) fn plain(text: impl ToString) -> (String, Option<Color>) {
    (text.to_string(), None)
}

/// `live` or `expired`.
pub fn state(row: &SessionRow) -> &'static str {
    if row.expired { "expired" } else { "live" }
}

fn state_color(row: &SessionRow) -> Option<Color> {
    Some(if row.expired {
        Color::Red
    } else {
        Color::Green
    })
}

/// `one` or `many`, as `n` asks.
pub fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 { one } else { many }
}

/// `… N more` under rows that were cut short: `shown` of `total`.
pub fn more_line(shown: usize, total: usize, more_label: &str, out: &mut String) {
    let more = total.saturating_sub(shown);
    if more > 0 {
        let _ = writeln!(
            out,
            "… {more} {more_label} (of {total}); use --limit N or --all to see them"
        );
    }
}

/// `show`: the session's metadata, then its pairs (long values wrap to the width).
pub fn show(d: &SessionDetail, style: Style, out: &mut String) {
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

/// `list`: one row per session, front to back.
pub fn list(listing: &Listing, style: Style, out: &mut String) {
    if listing.total == 0 {
        out.push_str("(no sessions)\n");
        return;
    }
    let mut g = Grid::new(&[
        ("#", 3),
        ("id", Grid::KEEP),
        ("last access", 2),
        ("idle", 5),
        ("expires", 1),
        ("state", Grid::KEEP),
        ("keys", 4),
    ]);
    for (i, r) in listing.rows.iter().enumerate() {
        g.row(vec![
            plain(i + 1),
            (short_id(&r.id).into_owned(), Some(Color::Cyan)),
            plain(r.last_access),
            plain(Span(r.idle)),
            plain(r.expires),
            (state(r).to_owned(), state_color(r)),
            plain(r.keys),
        ]);
    }
    g.push(style, out);
    more_line(listing.rows.len(), listing.total, "more", out);
}

/// `gc`: what the run scanned and reaped, and why each session went.
pub fn gc(run: &RunReport, cx: &Context, style: Style, out: &mut String) {
    let _ = writeln!(
        out,
        "gc at {}: scanned {}, reaped {}",
        run.at, run.report.scanned, run.report.reaped
    );
    if run.report.reaped == 0 {
        return;
    }
    let mut g = Grid::new(&[
        ("id", Grid::KEEP),
        ("last access", 1),
        ("idle", 2),
        ("why", 0),
    ]);
    let max_lifetime = cx.rules.max_lifetime;
    for r in &run.reaped {
        let idle = Span(run.at.saturating_since(r.last_access));
        let why = if cx.rules.defects.has(Defect::B8) {
            format!(
                "{} + {} < {} (Unix seconds)",
                r.last_access.unix_secs(),
                max_lifetime.as_secs(),
                run.at.unix_secs()
            )
        } else {
            format!("idle {idle} > max-lifetime {}", Span(max_lifetime))
        };
        g.row(vec![
            plain(short_id(&r.id)),
            plain(r.last_access),
            plain(idle),
            plain(why),
        ]);
    }
    g.push(style, out);
    let reaped = usize::try_from(run.report.reaped).unwrap_or(usize::MAX);
    more_line(run.reaped.len(), reaped, "more reaped", out);
}

/// `config`: every setting, its value, and what it means.
pub fn config(v: &ConfigView, style: Style, out: &mut String) {
    let mut g = Grid::new(&[
        ("setting", Grid::KEEP),
        ("value", Grid::KEEP),
        ("meaning", 0),
    ]);
    for setting in Setting::ALL {
        g.row(vec![
            plain(setting.name()),
            plain(v.value(setting)),
            plain(setting.meaning()),
        ]);
    }
    g.push(style, out);
}

/// `stats`: the counts now and since the start.
pub fn stats(v: &StatsView, style: Style, out: &mut String) {
    let s = &v.totals;
    let mut g = Grid::new(&[("count", Grid::KEEP), ("value", Grid::KEEP)]);
    let rows: [(&str, u64); 19] = [
        ("stored", v.stored as u64),
        ("live", v.live as u64),
        ("expired, not collected", v.expired_held as u64),
        ("expired, most held at once", s.expired_held_peak),
        ("created", s.created),
        ("adopted", s.adopted),
        ("accessed", s.accessed),
        ("revived", s.revived),
        ("regenerated", s.regenerated),
        ("removed by gc", s.reaped_gc),
        ("removed as expired", s.reaped_expired),
        ("removed as evicted", s.reaped_evicted),
        ("removed as destroyed", s.reaped_destroyed),
        ("removed at absolute lifetime", s.reaped_lifetime),
        ("gc runs", s.gc_runs),
        ("sessions examined by gc", s.examined),
        ("most examined by one run", s.largest_run),
        ("events kept", v.log_kept as u64),
        ("events forgotten", v.log_dropped),
    ];
    for (name, value) in rows {
        g.row(vec![plain(name), plain(value)]);
    }
    g.push(style, out);
}

/// How long the session had been idle when the event happened; `-` for a creation.
fn idle_before(e: &Event) -> String {
    match e.kind {
        EventKind::Created | EventKind::Adopted => "-".to_owned(),
        _ => SignedSpan(e.at.nanos_since(e.last_access)).to_string(),
    }
}

/// `log`: the latest events, or one session's.
pub fn log(v: &LogView, style: Style, out: &mut String) {
    if v.matched == 0 {
        let _ = match &v.id {
            Some(id) => writeln!(out, "(no events for `{id}` in the log)"),
            None => match &v.client {
                Some(c) => writeln!(out, "(no events caused by client `{c}` in the log)"),
                None => writeln!(out, "(no events)"),
            },
        };
        return;
    }
    // The client column shows only when a client caused one of the events.
    let by_client = v.events.iter().any(|e| e.client().is_some());
    let mut columns = vec![("time", 1), ("session", Grid::KEEP)];
    if by_client {
        columns.push(("client", Grid::KEEP));
    }
    columns.extend([("event", Grid::KEEP), ("idle before", 0)]);
    let mut g = Grid::new(&columns);
    for e in &v.events {
        let what = match e.kind {
            EventKind::Created => "created".to_owned(),
            EventKind::Adopted => "adopted (B5)".to_owned(),
            EventKind::Accessed(a) => format!("accessed: {}", a.name()),
            EventKind::Revived(a) => format!("revived: {} (B7)", a.name()),
            EventKind::Regenerated => {
                format!("regenerated as {}", short_id(e.new_id().unwrap_or("?")))
            }
            EventKind::Removed(r) => format!("removed: {}", r.name()),
        };
        let color = match e.kind {
            EventKind::Removed(_) => Some(Color::Red),
            EventKind::Created | EventKind::Adopted => Some(Color::Green),
            _ => None,
        };
        let mut row = vec![
            plain(e.at),
            (short_id(&e.id).into_owned(), Some(Color::Cyan)),
        ];
        if by_client {
            row.push(plain(e.client().unwrap_or("-")));
        }
        row.extend([(what, color), plain(idle_before(e))]);
        g.row(row);
    }
    if !v.events.is_empty() {
        g.push(style, out);
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

/// `compare`: a row a strategy. `stored` and `expired avg` are means over the series'
/// points; `examined` counts the sessions GC looked at, and `largest run` the most in one.
pub fn compare(c: &crate::compare::Comparison, style: Style, out: &mut String) {
    let mut g = Grid::new(&[
        ("strategy", Grid::KEEP),
        ("stored", 1),
        ("expired avg", Grid::KEEP),
        ("expired max", Grid::KEEP),
        ("examined", 4),
        ("per request", 3),
        ("gc runs", 2),
        ("largest run", Grid::KEEP),
    ]);
    for r in &c.rows {
        g.row(vec![
            plain(r.strategy),
            plain(format!("{:.1}", r.stored_avg)),
            plain(format!("{:.1}", r.expired_held_avg)),
            plain(r.expired_held_peak),
            plain(r.examined),
            plain(format!("{:.2}", r.examined_per_request)),
            plain(r.gc_runs),
            plain(r.largest_run),
        ]);
    }
    g.push(style, out);
}
