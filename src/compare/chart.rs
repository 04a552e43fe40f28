//! The comparison's chart in the terminal: expired sessions held over time, one line of
//! marks per strategy, with a legend. Plain characters, so it is the same off a terminal
//! and can be replayed in a transcript.

use std::fmt::Write as _;

use super::Comparison;
use crate::basics::time::Span;

/// Each strategy's mark, in the plan's order.
pub const MARKS: [char; 4] = ['*', 'o', '+', 'x'];

/// Rows of the plot.
const HEIGHT: usize = 12;

/// The chart of `c`, fitting `width` columns (at least 40).
pub fn chart(c: &Comparison, width: u16) -> String {
    let top = c
        .series
        .iter()
        .flat_map(|s| s.expired_held.iter().copied())
        .max()
        .unwrap_or(0);
    let labels = [top.to_string(), (top / 2).to_string(), "0".to_owned()];
    let label_width = labels.iter().map(String::len).max().unwrap_or(1);
    let columns = usize::from(width.max(40)) - label_width - 3;
    let mut grid = vec![vec![' '; columns]; HEIGHT];
    let points = c.points.len();
    for (i, s) in c.series.iter().enumerate() {
        let mark = MARKS[i % MARKS.len()];
        for (x, column) in (0..columns).map(|x| (x, x * points / columns)) {
            let end = ((x + 1) * points / columns).max(column + 1).min(points);
            let Some(&held) = s.expired_held[column..end].iter().max() else {
                continue;
            };
            // Rounded to the nearest row: a line near zero is drawn on the axis.
            let row = if top == 0 {
                0
            } else {
                ((held as u128 * (HEIGHT as u128 - 1) * 2 + u128::from(top))
                    / (2 * u128::from(top))) as usize
            };
            grid[HEIGHT - 1 - row][x] = mark;
        }
    }
    let mut out = String::from("expired sessions held over time\n");
    for (r, line) in grid.iter().enumerate() {
        let label = match r {
            0 => labels[0].as_str(),
            r if r == HEIGHT / 2 => labels[1].as_str(),
            r if r == HEIGHT - 1 => labels[2].as_str(),
            _ => "",
        };
        let axis = if label.is_empty() { '│' } else { '┤' };
        let text: String = line.iter().collect();
        let _ = writeln!(out, "{label:>label_width$} {axis}{}", text.trim_end());
    }
    let _ = writeln!(out, "{:label_width$} └{}", "", "─".repeat(columns));
    let last = c.points.last().copied().unwrap_or(c.start);
    let span = Span(last.saturating_since(c.start)).to_string();
    let _ = writeln!(
        out,
        "{:label_width$}  0s{}{span}",
        "",
        " ".repeat(columns.saturating_sub(2 + span.len()))
    );
    let legend: Vec<String> = c
        .series
        .iter()
        .enumerate()
        .map(|(i, s)| format!("{} {}", MARKS[i % MARKS.len()], s.strategy))
        .collect();
    let _ = writeln!(out, "{:label_width$}  {}", "", legend.join("   "));
    out
}
