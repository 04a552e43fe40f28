//! JSON output: one object per command, on one line.

use serde::Serialize;

use crate::shell::commands::{Command, find};
use crate::shell::reply::Outcome;

#[derive(Serialize)]
struct Success<'a> {
    ok: bool,
    #[serde(flatten)]
    outcome: &'a Outcome,
}

#[derive(Serialize)]
struct Failure<'a> {
    ok: bool,
    /// The command's name, when the line names one.
    command: Option<&'static str>,
    line: &'a str,
    error: String,
}

/// Appends the outcome as one JSON line.
pub fn json(outcome: &Outcome, out: &mut String) {
    push(out, &Success { ok: true, outcome });
}

/// Appends an error as one JSON line: `{"ok":false,"line":...,"error":...}`, naming the
/// command of `commands` the line calls, if any.
pub fn json_error(commands: &[Command], line: &str, error: &crate::Error, out: &mut String) {
    push(
        out,
        &Failure {
            ok: false,
            command: line
                .split_whitespace()
                .next()
                .and_then(|word| find(commands, word))
                .map(|c| c.name),
            line,
            error: error.to_string(),
        },
    );
}

fn push(out: &mut String, value: &impl Serialize) {
    // Serializing these plain structs cannot fail: every map key is a string.
    if let Ok(text) = serde_json::to_string(value) {
        out.push_str(&text);
    }
    out.push('\n');
}
