//! Text for the web layer: a visit as the request and answer a teacher would draw, the
//! clients' cookie jars, and a client's cookie.

use std::fmt::Write as _;

use comfy_table::Color;

use super::table::Grid;
use super::tables::plain;
use super::{Style, short_id};
use crate::manager::{Event, EventKind, Reason};
use crate::shell::reply::{ClientRow, CookieChange, Visit};
use crate::web::escape::query_escape;
use crate::web::{Kept, Step};

/// `visit`: the request line and its `Cookie` header, what happened to sessions on the
/// way (`events`: evictions, revivals), what the manager did, each `Set-Cookie`, and the
/// status with the page's result.
pub fn visit(
    v: &Visit,
    events: &[Event],
    event_line: &dyn Fn(&Event, &mut String),
    out: &mut String,
) {
    let query: Vec<String> = v
        .request
        .params
        .iter()
        .map(|(n, val)| format!("{}={}", query_escape(n), query_escape(val)))
        .collect();
    // A real browser's form (`sessim serve`) comes in the body, not the query.
    let form = v.request.method == "POST";
    let _ = write!(out, "{} {}", v.request.method, v.request.path);
    if !query.is_empty() && !form {
        let _ = write!(out, "?{}", query.join("&"));
    }
    out.push('\n');
    let _ = writeln!(
        out,
        "Cookie: {}",
        v.request.cookie.as_deref().unwrap_or("(none)")
    );
    if !query.is_empty() && form {
        let _ = writeln!(out, "Form: {}", query.join("&"));
    }
    for e in events {
        if matches!(
            e.kind,
            EventKind::Removed(Reason::Evicted) | EventKind::Revived(_)
        ) {
            event_line(e, out);
        }
    }
    for step in &v.response.steps {
        step_line(step, out);
    }
    for header in &v.response.set_cookie {
        let _ = writeln!(out, "Set-Cookie: {header}");
    }
    let _ = writeln!(out, "{} {}", v.response.status, v.response.body);
}

fn step_line(step: &Step, out: &mut String) {
    let _ = match step {
        Step::Created { id } => writeln!(out, "session created {id}"),
        Step::Read { id } => writeln!(out, "session read {id}"),
        Step::Adopted { id } => writeln!(
            out,
            "session adopted {id}: unknown id, created by SessionRead (B5)"
        ),
        Step::Unknown { id } => writeln!(out, "session {id} unknown: not adopted, so a new one"),
        Step::Expired { id } => writeln!(out, "session {id} had expired: removed (lazy expiry)"),
        Step::TooOld { id } => writeln!(
            out,
            "session {id} had outlived absolute-lifetime, however active: removed"
        ),
        Step::Refused { value, why } => writeln!(
            out,
            "cookie value `{}` refused: {why}; treated as no cookie",
            crate::error::shown(value)
        ),
        Step::Destroyed { id } => writeln!(out, "session destroyed {id}"),
        Step::NotFound { id, escaped: true } => writeln!(
            out,
            "SessionDestroy({id}) found nothing: the id is still URL-escaped (B3), so the \
             session stays"
        ),
        Step::NotFound { id, escaped: false } => {
            writeln!(out, "SessionDestroy({id}) found no session")
        }
        Step::Regenerated { from, to } => writeln!(out, "session regenerated {from} as {to}"),
    };
}

/// `clients`: one row a cookie, and a row for a client that holds none.
pub fn clients(rows: &[ClientRow], style: Style, out: &mut String) {
    if rows.is_empty() {
        out.push_str("(no clients: `visit NAME /` makes one)\n");
        return;
    }
    let mut g = Grid::new(&[
        ("client", Grid::KEEP),
        ("cookie", 1),
        ("expires", Grid::KEEP),
        ("HttpOnly", Grid::KEEP),
    ]);
    for row in rows {
        let client = (row.client.clone(), Some(Color::Cyan));
        if row.cookies.is_empty() {
            g.row(vec![
                client.clone(),
                plain("(none)"),
                plain("-"),
                plain("-"),
            ]);
        }
        for k in &row.cookies {
            g.row(vec![
                client.clone(),
                plain(format!("{}={}", k.name, short_id(&k.value))),
                plain(expires(k)),
                plain(if k.http_only { "yes" } else { "no" }),
            ]);
        }
    }
    g.push(style, out);
}

/// `cookie`: the cookie held, planted or cleared.
pub fn cookie(client: &str, name: &str, change: &CookieChange, out: &mut String) {
    let _ = match change {
        CookieChange::Shown(Some(k)) => writeln!(out, "{}", described(k)),
        CookieChange::Shown(None) => writeln!(out, "({client} holds no {name} cookie)"),
        CookieChange::Planted(k) => writeln!(out, "{client} now sends {}={}", k.name, k.value),
        CookieChange::Cleared(true) => writeln!(out, "cleared {client}'s {name} cookie"),
        CookieChange::Cleared(false) => writeln!(out, "({client} held no {name} cookie)"),
    };
}

/// A cookie and its attributes, on one line.
pub fn described(k: &Kept) -> String {
    let http_only = if k.http_only { ", HttpOnly" } else { "" };
    format!(
        "{}={} (Path={}, expires {}{http_only})",
        k.name,
        k.value,
        k.path,
        expires(k)
    )
}

fn expires(k: &Kept) -> String {
    k.expires
        .map_or_else(|| "session".to_owned(), |t| t.to_string())
}
