//! Executes a line on a shell and prints its outcome in the chosen format: the step the
//! REPL, scripts, transcripts and recording share.

use crate::Error;
use crate::options::{Format, Options};
use crate::render::{self, Style};
use crate::reply::{Outcome, Reply};
use crate::shell::Shell;

/// What a line did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A blank line or a comment: nothing ran.
    Skipped,
    /// A command ran and printed its output.
    Done,
    /// `quit` or `exit`.
    Quit,
}

/// Formats outcomes and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    /// Text or JSON.
    pub format: Format,
    /// Layout of text.
    pub style: Style,
}

impl Printer {
    /// Deterministic text: what scripts, transcripts and tests see.
    pub const PLAIN: Printer = Printer {
        format: Format::Text,
        style: Style::PLAIN,
    };

    /// The printer the options ask for.
    pub fn for_options(options: &Options) -> Printer {
        let style = match options.terminal_width {
            Some(width) => Style {
                color: options.color,
                width,
                terminal: true,
            },
            None => Style {
                color: options.color,
                ..Style::PLAIN
            },
        };
        Printer {
            format: options.format,
            style,
        }
    }

    /// Executes `line` and appends its output to `out`. On error nothing is appended: the
    /// caller places the error, with [`Printer::error`].
    pub fn execute(&self, shell: &mut Shell, line: &str, out: &mut String) -> Result<Step, Error> {
        match shell.execute(line)? {
            None => Ok(Step::Skipped),
            Some(outcome) => Ok(self.render(&outcome, shell, out)),
        }
    }

    /// Appends the text or JSON of an outcome to `out`.
    pub fn render(&self, outcome: &Outcome, shell: &Shell, out: &mut String) -> Step {
        match self.format {
            Format::Text => render::text(outcome, &shell.context(), self.style, out),
            Format::Json => render::json(outcome, out),
        }
        if outcome.reply == Reply::Quit {
            Step::Quit
        } else {
            Step::Done
        }
    }

    /// Appends the error as this format prints it: `error: ...`, or a JSON object.
    pub fn error(&self, line: &str, error: &Error, out: &mut String) {
        match self.format {
            Format::Text => {
                out.push_str(&render::error_line(error, self.style));
                out.push('\n');
            }
            Format::Json => render::json_error(line, error, out),
        }
    }
}
