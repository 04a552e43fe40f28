//! Transcripts: files of commands and their expected output, replayed and compared.
//!
//! A `*.sessim` file holds `#!` directives, `#` comments, `> command` lines and the output
//! each command is expected to print. A `*.md` file is a transcript made of its ```` ```sessim ````
//! blocks. See the README for the format and the wildcards.

mod matcher;
mod parse;
mod replay;

pub use matcher::{Captures, matches};
pub use parse::{Case, ParseError, Transcript, parse};
pub use replay::{FileReport, Replay, replay_file, replay_paths};

/// Appends `output` as a transcript's expected block: each line with trailing spaces
/// removed, and a `\` before a line that would otherwise start with `>`, `#` or `\`.
pub fn escape_output(output: &str, out: &mut String) {
    for line in output.lines() {
        let line = line.trim_end();
        if line.starts_with(['>', '#', '\\']) {
            out.push('\\');
        }
        out.push_str(line);
        out.push('\n');
    }
}
