//! Transcripts: files of commands and their expected output, replayed and compared.
//!
//! A `*.sessim` file holds `#!` directives, `#` comments, `> command` lines and the output
//! each command is expected to print. A Markdown file is a transcript made of its
//! ```` ```sessim ```` blocks. See the README for the format and the wildcards.

mod bless;
mod check;
mod matcher;
mod parse;
mod pattern;
mod replay;
mod report;

pub use bless::atomic_write;
pub use check::{CaseReport, Failure, FileReport, ReplayError, check, load};
pub use matcher::{blessed, matches};
pub use parse::{Case, ParseError, Transcript, parse};
pub use pattern::{Captures, Pattern};
pub use replay::{ReplaySettings, ReportFormat, replay_paths};
pub use report::Replay;

use crate::basics::time::Span;
use crate::shell::options::{Format, Options};

/// Appends `output` as a transcript's expected block: each line without its trailing
/// spaces, escaped where it would otherwise read as something else (a command, a comment,
/// an escape or a wildcard).
pub fn escape_output(output: &str, out: &mut String) {
    for line in output.lines() {
        out.push_str(&Pattern::write_literal(line.trim_end()));
        out.push('\n');
    }
}

/// Appends a command and what it printed as a transcript's case: `> command`, written so
/// that it runs as typed, then its output, escaped.
pub fn write_case(command: &str, output: &str, out: &mut String) {
    out.push_str("> ");
    out.push_str(&parse::escape_command(command));
    out.push('\n');
    escape_output(output, out);
}

/// The `#!` directives that pin `options`, after a comment line `note`: the header of a
/// transcript that replays as the run that wrote it.
pub fn header(note: &str, options: &Options) -> String {
    let c = &options.config;
    let mut out = format!("# {note}\n");
    out.push_str(&format!("#! defects = {}\n", c.defects));
    out.push_str(&format!("#! max-lifetime = {}\n", Span(c.max_lifetime)));
    if let Some(i) = c.gc_interval {
        out.push_str(&format!("#! gc-interval = {}\n", Span(i)));
    }
    if !c.auto_gc {
        out.push_str("#! no-auto-gc = true\n");
    }
    let d = crate::manager::Config::default();
    if c.gc != d.gc {
        out.push_str(&format!("#! gc = {}\n", c.gc));
    }
    if c.gc_probability != d.gc_probability {
        out.push_str(&format!("#! gc-probability = {}\n", c.gc_probability));
    }
    if c.gc_divisor != d.gc_divisor {
        out.push_str(&format!("#! gc-divisor = {}\n", c.gc_divisor));
    }
    if c.gc_hz != d.gc_hz {
        out.push_str(&format!("#! gc-hz = {}\n", c.gc_hz));
    }
    if let Some(a) = c.absolute_lifetime {
        out.push_str(&format!("#! absolute-lifetime = {}\n", Span(a)));
    }
    if let Some(n) = c.capacity {
        out.push_str(&format!("#! capacity = {n}\n"));
    }
    if let Some(seed) = options.seed {
        out.push_str(&format!("#! seed = {seed}\n"));
    }
    out.push_str(&format!("#! start = {}\n", options.start));
    if options.format == Format::Json {
        out.push_str("#! format = json\n");
    }
    out
}
