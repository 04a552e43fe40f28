//! Renderers: a command's typed [`Outcome`] into text (lines, tables, pictures) or JSON.

mod json;
mod picture;
mod table;
mod text;

pub use json::{json, json_error};
pub use text::{error_line, text};

/// The width of tables and pictures when output is not a terminal: fixed, so that scripts
/// and transcripts print the same everywhere.
pub const FIXED_WIDTH: u16 = 100;

/// What the text of some replies needs to know about the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// The provider flavour, for the rule GC applied.
    pub flavour: crate::provider::Flavour,
    /// The max-lifetime in force.
    pub max_lifetime: std::time::Duration,
    /// The capacity, if any.
    pub capacity: Option<usize>,
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
