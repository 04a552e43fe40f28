//! The two pictures: `lru` draws the list as a chain, `timeline` draws bars of time left.

use std::fmt::Write as _;
use std::time::Duration;

use unicode_width::UnicodeWidthStr;

use super::tables::more_line;
use super::{Style, short_id};
use crate::basics::time::{SignedSpan, Span, Time};
use crate::gc::Kind;
use crate::shell::reply::{Listing, SessionRow, Timeline};

/// The widest a full bar (one max-lifetime) is drawn, and the narrowest it shrinks to so
/// that the picture fits its width.
const BAR: usize = 40;
const BAR_MIN: usize = 10;

/// `front → a (idle 0s) → b (idle 5m, expired) → back`, wrapped to the width.
pub fn lru(listing: &Listing, style: Style, out: &mut String) {
    let mut tokens = vec!["front".to_owned()];
    for r in &listing.rows {
        let expired = if r.expired { ", expired" } else { "" };
        tokens.push(format!(
            "{} (idle {}{expired})",
            short_id(&r.id),
            Span(r.idle)
        ));
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
/// line marking the next GC run. Bars shrink (to `BAR_MIN` cells) so that lines fit.
pub fn timeline(t: &Timeline, style: Style, out: &mut String) {
    let _ = writeln!(
        out,
        "now {}; a full bar is max-lifetime {}",
        t.now,
        Span(t.max_lifetime)
    );
    let rows: Vec<_> = t
        .listing
        .rows
        .iter()
        .map(|r| (short_id(&r.id), r))
        .collect();
    let id_width = rows
        .iter()
        .map(|(id, _)| id.width())
        .max()
        .unwrap_or(0)
        .max(2);
    let labels: Vec<String> = rows.iter().map(|(_, r)| label(r, t)).collect();
    let widest = labels.iter().map(|l| l.width()).max().unwrap_or(0);
    let width = usize::from(style.width);
    let bar_width = width
        .saturating_sub(id_width + 4 + widest)
        .clamp(BAR_MIN, BAR);
    for ((id, r), label) in rows.iter().zip(&labels) {
        let pad = id_width - id.width();
        let bar = bar(r, t, bar_width);
        let _ = writeln!(out, "{id}{}  {bar}  {label}", " ".repeat(pad));
    }
    if t.listing.total == 0 {
        out.push_str("(no sessions)\n");
    }
    let (at, label) = horizon(t);
    let line = match at {
        Some(at) => {
            let at = cells(at, t.max_lifetime, bar_width).min(bar_width - 1);
            format!("{}┴{}", "─".repeat(at), "─".repeat(bar_width - 1 - at))
        }
        None => "─".repeat(bar_width),
    };
    let indent = " ".repeat(id_width + 2);
    let line = format!("gc{}{line}", &indent[2..]);
    // The label goes beside the line when it fits, else under it.
    let _ = if line.width() + 2 + label.width() <= width {
        writeln!(out, "{line}  {label}")
    } else if indent.len() + label.width() <= width {
        writeln!(out, "{line}\n{indent}{label}")
    } else {
        writeln!(out, "{line}\n{label}")
    };
    more_line(t.listing.rows.len(), t.listing.total, "more", out);
}

/// How long the session has left, or how long ago it expired.
fn label(r: &SessionRow, t: &Timeline) -> String {
    let left = r.expires.nanos_since(t.now);
    if r.expired {
        format!("expired {} ago", SignedSpan(-left))
    } else {
        format!("{} left", SignedSpan(left.max(0)))
    }
}

/// The session's bar, `width` cells for one max-lifetime: full cells for the time left.
fn bar(r: &SessionRow, t: &Timeline, width: usize) -> String {
    if r.expired {
        return "░".repeat(width);
    }
    let left = r.expires.nanos_since(t.now).max(0);
    let filled = cells(left, t.max_lifetime, width).max(1);
    "█".repeat(filled) + &"░".repeat(width - filled)
}

/// How many of `width` cells `nanos` fills on a scale of `scale`, rounding up, at most all.
fn cells(nanos: i128, scale: Duration, width: usize) -> usize {
    let scale = scale.as_nanos().max(1) as i128;
    let n = (nanos * width as i128 + scale - 1) / scale;
    n.clamp(0, width as i128) as usize
}

/// Where on the scale the next GC run falls (none when off it), and what to say of it.
fn horizon(t: &Timeline) -> (Option<i128>, String) {
    let Some(next) = t.next_gc else {
        let why = match t.gc {
            _ if !t.auto_gc => "auto-gc off",
            Kind::Lazy => "gc lazy: never sweeps",
            Kind::Php => "gc php: a coin at each session start",
            // A timer or sampling on with no next run: past the end of the clock.
            _ => "no gc run ahead on this clock",
        };
        return (None, why.to_owned());
    };
    let ahead = next.nanos_since(t.now);
    let what = if t.gc == Kind::Sampling {
        "next sampling cycle"
    } else {
        "next gc"
    };
    let label = format!("{what} {next} (in {})", SignedSpan(ahead));
    if ahead > t.max_lifetime.as_nanos() as i128 || next == Time::MAX {
        return (None, format!("{label}, beyond this scale"));
    }
    (Some(ahead), label)
}
