//! Tables in sessim's one style: comfy-table, rounded UTF-8 borders, cells that never wrap
//! (ids and times stay whole on one line, to be copied or matched), and a width they fit
//! in: when a table would be wider, its least wanted columns go, one by one.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};
use unicode_width::UnicodeWidthStr;

use super::Style;

/// A table's content before it is laid out: its columns, and rows of text with a colour.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// Each column's header, and its rank: when the table is too wide, the column with the
    /// lowest rank goes first; a rank of [`Grid::KEEP`] never goes.
    columns: Vec<(&'static str, u8)>,
    rows: Vec<Vec<(String, Option<Color>)>>,
}

impl Grid {
    /// The rank of a column that always stays.
    pub const KEEP: u8 = u8::MAX;

    /// An empty grid with these columns and ranks.
    pub fn new(columns: &[(&'static str, u8)]) -> Grid {
        Grid {
            columns: columns.to_vec(),
            rows: Vec::new(),
        }
    }

    /// Adds a row: one text, and a colour if any, per column.
    pub fn row(&mut self, cells: Vec<(String, Option<Color>)>) {
        self.rows.push(cells);
    }

    /// Appends the table to `out`, in as many columns as fit `style.width`.
    pub fn push(&self, style: Style, out: &mut String) {
        push(out, &self.table(style));
    }

    /// The table, without the columns that do not fit.
    fn table(&self, style: Style) -> Table {
        let widths: Vec<usize> = (0..self.columns.len())
            .map(|c| {
                let cells = self
                    .rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|(t, _)| t.width());
                cells.chain([self.columns[c].0.width()]).max().unwrap_or(0)
            })
            .collect();
        let mut shown: Vec<usize> = (0..self.columns.len()).collect();
        // Each column takes its width and a space each side, and each border one column.
        let total = |shown: &[usize]| shown.iter().map(|&c| widths[c] + 3).sum::<usize>() + 1;
        while total(&shown) > usize::from(style.width) {
            let droppable = shown
                .iter()
                .enumerate()
                .filter(|(_, c)| self.columns[**c].1 != Grid::KEEP)
                .min_by_key(|(at, c)| (self.columns[**c].1, usize::MAX - at));
            match droppable {
                Some((at, _)) => {
                    shown.remove(at);
                }
                None => break,
            }
        }
        let headers: Vec<&str> = shown.iter().map(|&c| self.columns[c].0).collect();
        let mut table = new(&headers, style);
        for row in &self.rows {
            table.add_row(shown.iter().map(|&c| {
                let (text, color) = row.get(c).cloned().unwrap_or_default();
                cell(text, style, color)
            }));
        }
        table
    }
}

/// An empty table with `header`, styled for `style`. Its cells never wrap.
pub fn new(header: &[&str], style: Style) -> Table {
    with_arrangement(header, style, ContentArrangement::Disabled)
}

/// An empty table whose long cells wrap to fit the width (for free-form values).
pub fn wrapping(header: &[&str], style: Style) -> Table {
    with_arrangement(header, style, ContentArrangement::Dynamic)
}

fn with_arrangement(header: &[&str], style: Style, arrangement: ContentArrangement) -> Table {
    let mut table = Table::new();
    table
        .load_style(UTF8_FULL_CONDENSED.with_rounded_corners())
        .set_content_arrangement(arrangement)
        .set_width(style.width);
    if style.color {
        table.enforce_styling();
    } else {
        table.force_no_tty();
    }
    table.set_header(
        header
            .iter()
            .map(|h| paint(Cell::new(h), style, None, true)),
    );
    table
}

/// A cell, coloured when colour is on.
pub fn cell(text: impl ToString, style: Style, color: Option<Color>) -> Cell {
    paint(Cell::new(text), style, color, false)
}

fn paint(mut cell: Cell, style: Style, color: Option<Color>, bold: bool) -> Cell {
    if style.color {
        if let Some(c) = color {
            cell = cell.fg(c);
        }
        if bold {
            cell = cell.add_attribute(Attribute::Bold);
        }
    }
    cell
}

/// Appends the table to `out`, each line without trailing spaces.
pub fn push(out: &mut String, table: &Table) {
    for line in table.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid() -> Grid {
        let mut g = Grid::new(&[("id", Grid::KEEP), ("when", 1), ("what", 2), ("why", 0)]);
        g.row(
            [
                "alice",
                "2026-01-01T00:00:00Z",
                "created",
                "because it was asked for",
            ]
            .map(|t| (t.to_owned(), None))
            .to_vec(),
        );
        g
    }

    fn widest(out: &str) -> usize {
        out.lines().map(UnicodeWidthStr::width).max().unwrap_or(0)
    }

    #[test]
    fn a_table_loses_its_least_wanted_columns_until_it_fits() {
        let style = |width| Style {
            color: false,
            width,
            terminal: true,
        };
        for (width, headers) in [
            (
                100,
                "│ id    ┆ when                 ┆ what    ┆ why                      │",
            ),
            (60, "│ id    ┆ when                 ┆ what    │"),
            (30, "│ id    ┆ what    │"),
            (5, "│ id    │"),
        ] {
            let mut out = String::new();
            grid().push(style(width), &mut out);
            assert_eq!(out.lines().nth(1), Some(headers), "{width}");
            assert!(widest(&out) <= width.max(9) as usize, "{width}: {out}");
        }
    }
}
