//! The comparison's chart in the terminal: expired sessions held over time, one line per
//! strategy, each on its own scale from zero to its own most, so that a strategy that holds
//! few is as visible as one that holds many (the table compares their sizes). Each cell is
//! the most held at the points it covers; the table's most is exact, between points too.

use std::fmt::Write as _;

use super::Comparison;
use crate::basics::time::Span;

/// The eight heights of a cell, lowest first: the lowest is zero, the others share the
/// range above it, so a line that is not zero never looks flat.
const LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// The chart of `c`, fitting `width` columns (at least 40).
pub fn chart(c: &Comparison, width: u16) -> String {
    let name_width = c
        .series
        .iter()
        .map(|s| s.strategy.name().len())
        .max()
        .unwrap_or(0);
    let tops: Vec<String> = c
        .series
        .iter()
        .map(|s| {
            s.expired_held
                .iter()
                .max()
                .copied()
                .unwrap_or(0)
                .to_string()
        })
        .collect();
    let top_width = tops.iter().map(String::len).max().unwrap_or(1);
    // `name │cells│ 0–top`
    let columns = usize::from(width.max(40))
        .saturating_sub(name_width + top_width + 6)
        .max(10);
    let points = c.points.len();
    let every = match c.points.as_slice() {
        [first, ..] => Span(first.saturating_since(c.start)).to_string(),
        [] => "-".to_owned(),
    };
    let mut out =
        format!("expired sessions held, every {every} (each line from 0 to the most it shows)\n");
    for (s, top_text) in c.series.iter().zip(&tops) {
        let top = s.expired_held.iter().max().copied().unwrap_or(0);
        let cells = columns.min(points.max(1));
        let line: String = (0..cells)
            .map(|x| {
                let from = x * points / cells;
                let to = ((x + 1) * points / cells).max(from + 1).min(points);
                let held = s.expired_held.get(from..to).and_then(|h| h.iter().max());
                level(held.copied().unwrap_or(0), top)
            })
            .collect();
        let _ = writeln!(
            out,
            "{:>name_width$} │{line}│ 0–{top_text}",
            s.strategy.name()
        );
    }
    let last = c.points.last().copied().unwrap_or(c.start);
    let span = Span(last.saturating_since(c.start)).to_string();
    let cells = columns.min(points.max(1));
    let axis = if cells > 2 + span.len() {
        format!("0s{}{span}", " ".repeat(cells - 2 - span.len()))
    } else {
        format!("0s to {span}")
    };
    let _ = writeln!(out, "{:name_width$}  {axis}", "");
    out
}

/// The cell for `held` on a scale up to `top`.
fn level(held: u64, top: u64) -> char {
    if held == 0 || top == 0 {
        return LEVELS[0];
    }
    let steps = (LEVELS.len() - 1) as u128;
    let n = (u128::from(held) * steps).div_ceil(u128::from(top)) as usize;
    LEVELS[n.clamp(1, LEVELS.len() - 1)]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_is_the_lowest_cell_and_anything_more_is_above_it() {
        assert_eq!(level(0, 100), '▁');
        assert_eq!(level(1, 100), '▂');
        assert_eq!(level(100, 100), '█');
        assert_eq!(level(50, 100), '▅');
        assert_eq!(level(0, 0), '▁');
    }
}
