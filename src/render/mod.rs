//! Renderers: a command's typed outcome into text (lines, tables, pictures) or JSON.

mod json;
mod picture;
mod table;
mod tables;
mod text;
mod web;

pub use json::{json, json_error};
pub use text::{error_line, summary_line, text};

/// The width of tables and pictures when output is not a terminal: fixed, so that scripts
/// and transcripts print the same everywhere.
pub const FIXED_WIDTH: u16 = 100;

/// The longest id a table or picture shows whole.
const SHORT_ID_MAX: usize = 20;

/// `id` as tables and pictures show it: whole when short, else its first 6 and last 5
/// characters around `…` (`m8IDb3…RCL8=`), so that a column stays narrow and one line tall.
/// `show`, the reply lines and JSON always give ids whole.
pub fn short_id(id: &str) -> std::borrow::Cow<'_, str> {
    let chars = id.chars().count();
    if chars <= SHORT_ID_MAX {
        return id.into();
    }
    let head: String = id.chars().take(6).collect();
    let tail: String = id.chars().skip(chars - 5).collect();
    format!("{head}…{tail}").into()
}

/// What the text of some replies needs to know about the simulation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The rules in force, for the rule GC applied.
    pub rules: crate::rules::Rules,
    /// The capacity, if any.
    pub capacity: Option<usize>,
}

impl Context {
    /// The context of `shell` now.
    pub fn of(shell: &crate::shell::Shell) -> Context {
        let m = shell.manager();
        Context {
            rules: m.rules(),
            capacity: m.config().capacity,
        }
    }
}

/// How text is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Whether to colour (terminal only).
    pub color: bool,
    /// The width to fit tables and pictures in.
    pub width: u16,
    /// Whether output goes to a terminal.
    pub terminal: bool,
}

impl Style {
    /// Deterministic output: no colour, fixed width.
    pub const PLAIN: Style = Style {
        color: false,
        width: FIXED_WIDTH,
        terminal: false,
    };
}
