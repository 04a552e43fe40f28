//! The two pictures: `lru` draws the list as a chain, `timeline` draws bars of time left.

use std::fmt::Write as _;
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

use super::Style;
use super::text::more_line;
use crate::basics::time::{SignedSpan, Span, Time};
use crate::shell::reply::{Listing, SessionRow, Timeline};

/// The width of a full bar: one max-lifetime.
const BAR: usize = 40;

/// `front → a (idle 0s) → b (idle 5m, expired) → back`, wrapped to the width.
pub fn lru(listing: &Listing, style: Style, out: &mut String) {
    let mut tokens = vec!["front".to_owned()];
    for r in &listing.rows {
        let expired = if r.expired { ", expired" } else { "" };
        tokens.push(format!("{} (idle {}{expired})", r.id, Span(r.idle)));
    }
    let more = listing.total - listing.rows.len();
    if more > 0 {
        tokens.push(format!("… {more} more"));
    }
    tokens.push("back".to_owned());
    let width = usize::from(style.width);
    let mut line = String::new();
    for (i, token) in tokens.iter().enumerate() {
        if i == 0 {
            line.push_str(token);
        } else if line.width() + 3 + token.width() > width {
            out.push_str(&line);
            out.push('\n');
            line = format!("  → {token}");
        } else {
            line.push_str(" → ");
            line.push_str(token);
        }
    }
    out.push_str(&line);
    out.push('\n');
    if more > 0 {
        more_line(listing.rows.len(), listing.total, "more", out);
    }
}

/// One bar per session from now to its expiry, on a scale of one max-lifetime, and a last
/// line marking the next GC run.
pub fn timeline(t: &Timeline, _style: Style, out: &mut String) {
    let _ = writeln!(
        out,
        "now {}; a full bar is max-lifetime {}",
        t.now,
        Span(t.max_lifetime)
    );
    let rows = &t.listing.rows;
    let id_width = rows.iter().map(|r| r.id.width()).max().unwrap_or(0).max(2);
    for r in rows {
        let (bar, label) = bar(r, t);
        let pad = id_width - r.id.width();
        let _ = writeln!(out, "{}{}  {bar}  {label}", r.id, " ".repeat(pad));
    }
    if t.listing.total == 0 {
        out.push_str("(no sessions)\n");
    }
    let _ = writeln!(
        out,
        "{}  {}",
        "gc".to_owned() + &" ".repeat(id_width - 2),
        horizon(t)
    );
    more_line(t.listing.rows.len(), t.listing.total, "more", out);
}

fn bar(r: &SessionRow, t: &Timeline) -> (String, String) {
    let left = r.expires.nanos_since(t.now);
    if r.expired {
        return (
            "░".repeat(BAR),
            format!("expired {} ago", SignedSpan(-left)),
        );
    }
    let left = left.max(0);
    let filled = cells(left, t.max_lifetime).max(1);
    (
        "█".repeat(filled) + &"░".repeat(BAR - filled),
        format!("{} left", SignedSpan(left)),
    )
}

/// How many of the `BAR` cells `nanos` fills, rounding up, at most all of them.
fn cells(nanos: i128, scale: Duration) -> usize {
    let scale = scale.as_nanos().max(1) as i128;
    let n = (nanos * BAR as i128 + scale - 1) / scale;
    n.clamp(0, BAR as i128) as usize
}

fn horizon(t: &Timeline) -> String {
    let Some(next) = t.next_gc else {
        return format!("{}  auto-gc off", "─".repeat(BAR));
    };
    let ahead = next.nanos_since(t.now);
    let label = format!("next gc {next} (in {})", SignedSpan(ahead));
    if ahead > t.max_lifetime.as_nanos() as i128 || next == Time::MAX {
        return format!("{}  {label}, beyond this scale", "─".repeat(BAR));
    }
    let at = cells(ahead, t.max_lifetime).min(BAR - 1);
    format!("{}┴{}  {label}", "─".repeat(at), "─".repeat(BAR - 1 - at))
}
