//! Text output: one short line for plain commands, tables for the rest, and a line for each
//! event worth seeing (timer GC runs, evictions, adoptions, revivals) before the reply.

use std::fmt::Write as _;

use super::{Context, Style, picture, short_id, tables, web};
use crate::basics::time::Span;
use crate::manager::{Event, EventKind, QuietRuns, ReadOutcome, Reason, RunReport};
use crate::shell::reply::{Outcome, Reply, SessionRow, Summary};
use crate::shell::setting::on_off;

/// How many reaped ids a timer-run line names before it abbreviates.
const IDS_PER_RUN_LINE: usize = 10;

/// Appends the text of `outcome` to `out`.
pub fn text(outcome: &Outcome, cx: &Context, style: Style, out: &mut String) {
    for run in &outcome.runs {
        run_line(run, out);
    }
    if let Reply::Visit(v) = &outcome.reply {
        // A visit tells its own story, with the events in their place.
        web::visit(v, &outcome.events, &|e, out| event_line(e, cx, out), out);
    } else {
        for event in &outcome.events {
            event_line(event, cx, out);
        }
        reply(&outcome.reply, cx, style, out);
    }
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
    let ids: Vec<_> = run
        .reaped
        .iter()
        .take(IDS_PER_RUN_LINE)
        .map(|r| short_id(&r.id))
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
            tables::show(detail, style, out);
            Ok(())
        }
        Reply::List(listing) => {
            tables::list(listing, style, out);
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
            tables::gc(run, cx, style, out);
            Ok(())
        }
        Reply::Clock { now } => writeln!(out, "{now}"),
        Reply::Config(view) => {
            tables::config(view, style, out);
            Ok(())
        }
        Reply::Setting { name, value, note } => {
            let _ = writeln!(out, "{name} = {value}");
            match note {
                Some(note) => writeln!(out, "note: {note}"),
                None => Ok(()),
            }
        }
        Reply::Visit(_) => Ok(()),
        Reply::Clients { clients } => {
            web::clients(clients, style, out);
            Ok(())
        }
        Reply::Cookie {
            client,
            name,
            change,
        } => {
            web::cookie(client, name, change, out);
            Ok(())
        }
        Reply::Copied { from, to, cookie } => writeln!(
            out,
            "{to} now sends {from}'s cookie: {}={}",
            cookie.name, cookie.value
        ),
        Reply::DocumentCookie { value, .. } => writeln!(out, "document.cookie = {value:?}"),
        Reply::Regenerated { to, .. } => writeln!(out, "{to}"),
        Reply::Stats(view) => {
            tables::stats(view, style, out);
            Ok(())
        }
        Reply::Log(view) => {
            tables::log(view, style, out);
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

fn summary(row: &SessionRow) -> String {
    format!(
        "{}, {} key{}, last access {} (idle {})",
        tables::state(row),
        row.keys,
        tables::plural(row.keys, "", "s"),
        row.last_access,
        Span(row.idle)
    )
}
