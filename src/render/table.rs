//! Tables in sessim's one style: comfy-table, rounded UTF-8 borders, a fixed width off a
//! terminal.

use comfy_table::presets::UTF8_FULL_CONDENSED;
use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table};

use super::Style;

/// An empty table with `header`, styled for `style`. Its cells never wrap, so that ids and
/// times stay whole on one line, to be copied or matched.
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
