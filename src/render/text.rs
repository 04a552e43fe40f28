//! Text output: one short line for plain commands, tables for the rest, and a line for each
//! event worth seeing (timer GC runs, evictions, adoptions, revivals) before the reply.

use std::fmt::Write as _;

use super::{Context, Style, picture, short_id, tables, web};
use crate::basics::time::Span;
use crate::gc::Cause;
use crate::manager::{Event, EventKind, QuietRuns, ReadOutcome, Reason, RunReport};
use crate::shell::reply::{Outcome, Reply, SessionRow, Summary};

/// How many reaped ids a timer-run line names before it abbreviates.
const IDS_PER_RUN_LINE: usize = 10;

/// Appends the text of `outcome` to `out`.
pub fn text(outcome: &Outcome, cx: &Context, style: Style, out: &mut String) {
    let payer = match &outcome.reply {
        Reply::Visit(v) => format!("{}'s request for {}", v.client, v.request.path),
        _ => format!("this `{}`", outcome.command),
    };
    run_lines(&outcome.runs, &payer, out);
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

/// The one line that tells of the strategy's runs that had nothing to reap, however many.
fn quiet_line(q: QuietRuns, out: &mut String) {
    let (who, runs) = match q.cause {
        Cause::Sampling => ("sampling", "cycles"),
        _ => ("auto-gc", "times"),
    };
    let _ = if q.count == 1 {
        writeln!(out, "{who} at {}: nothing to reap", q.first)
    } else {
        writeln!(
            out,
            "{who} ran {} {runs}, {} to {}: nothing to reap",
            q.count, q.first, q.last
        )
    };
}

/// More sampling cycles than this that reaped, in one command, are told in one line.
const CYCLE_LINES: usize = 3;

/// The lines of the strategy's runs: one a run, but many sampling cycles in one line.
/// `payer` names the request a coin fell on.
fn run_lines(runs: &[RunReport], payer: &str, out: &mut String) {
    let cycles = runs.iter().filter(|r| r.cause == Cause::Sampling).count();
    if cycles > CYCLE_LINES {
        for run in runs.iter().filter(|r| r.cause != Cause::Sampling) {
            run_line(run, payer, out);
        }
        cycles_line(runs.iter().filter(|r| r.cause == Cause::Sampling), out);
        return;
    }
    for run in runs {
        run_line(run, payer, out);
    }
}

/// Sampling cycles that reaped, in one line.
fn cycles_line<'a>(mut cycles: impl Iterator<Item = &'a RunReport>, out: &mut String) {
    let Some(first) = cycles.next() else { return };
    let (mut count, mut reaped, mut most, mut last) =
        (1, first.reaped.len(), first.report.scanned, first.at);
    for c in cycles {
        count += 1;
        reaped += c.reaped.len();
        most = most.max(c.report.scanned);
        last = c.at;
    }
    let _ = writeln!(
        out,
        "sampling reaped {reaped} in {count} cycles, {} to {last}; the largest cycle sampled {most}",
        first.at
    );
}

/// The one line an error prints: `error: ...`, red at a colour terminal.
pub fn error_line(error: &crate::Error, style: Style) -> String {
    if style.color {
        format!("\x1b[1;31merror:\x1b[0m {error}")
    } else {
        format!("error: {error}")
    }
}

fn run_line(run: &RunReport, payer: &str, out: &mut String) {
    let ids: Vec<_> = run
        .reaped
        .iter()
        .take(IDS_PER_RUN_LINE)
        .map(|r| {
            let id = short_id(&r.id);
            if r.lifetime {
                format!("{id} (lifetime)")
            } else {
                id.to_string()
            }
        })
        .collect();
    let more = run.reaped.len().saturating_sub(IDS_PER_RUN_LINE);
    let (at, n, examined) = (run.at, run.reaped.len(), run.report.scanned);
    let _ = match run.cause {
        Cause::Coin => write!(
            out,
            "php gc at {at}: the coin fell on {payer}, which waits while it examines \
             {examined} and reaps {n}"
        ),
        Cause::Sampling => write!(out, "sampling at {at} sampled {examined}, reaped {n}"),
        _ => write!(out, "auto-gc at {at} reaped {n}"),
    };
    if n > 0 {
        let _ = write!(out, ": {}", ids.join(", "));
    }
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
        Reply::Compare(view) => {
            compare(view, style, out);
            Ok(())
        }
        Reply::Help { text } | Reply::Text { text } => writeln!(out, "{text}"),
        Reply::Reset(summary) => writeln!(out, "fresh simulation: {}", summary_line(summary)),
        Reply::Source { .. } | Reply::Clear | Reply::Quit => Ok(()),
    };
}

/// A simulation in a few words: `memory store, defects none, max-lifetime 1h, gc timer,
/// clock at 2026-01-01T00:00:00Z`, with the absolute lifetime if there is one, and
/// `(auto-gc off)` after the strategy when it is off.
pub fn summary_line(s: &Summary) -> String {
    let absolute = s
        .absolute_lifetime
        .map(|d| format!(", absolute-lifetime {}", Span(d)))
        .unwrap_or_default();
    let off = if s.auto_gc { "" } else { " (auto-gc off)" };
    format!(
        "{} store, defects {}, max-lifetime {}{absolute}, gc {}{off}, clock at {}",
        s.provider,
        s.defects,
        Span(s.max_lifetime),
        s.gc,
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

/// `compare`: what the traffic was, the table, the chart, and the files written.
fn compare(v: &crate::shell::reply::CompareView, style: Style, out: &mut String) {
    let c = &v.comparison;
    let _ = writeln!(
        out,
        "{} visitors, {} requests in {} ({} an hour, seed {})\nunder {}",
        c.visitors,
        c.requests(),
        Span(v.duration),
        v.rate,
        v.seed,
        v.settings
    );
    tables::compare(c, style, out);
    out.push_str(&crate::compare::chart::chart(c, style.width));
    for path in &v.wrote {
        let _ = writeln!(out, "wrote {path}");
    }
}
