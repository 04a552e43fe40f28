//! The one step every front end takes for a line: execute it on the shell, and render what
//! it did in the chosen format. The REPL, `run`, `replay` and `record` differ only in where
//! they read lines and where they put the result.

use crate::Error;
use crate::render::{self, Context, Style};
use crate::shell::Shell;
use crate::shell::options::{Format, Options};
use crate::shell::reply::{Outcome, Reply};

/// How results are rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Printer {
    /// Text or JSON.
    pub format: Format,
    /// Layout of text.
    pub style: Style,
}

/// What one line did, rendered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// What the command printed; empty when it failed.
    pub output: String,
    /// Why it failed, and that error as this format prints it (`error: ...`, or JSON).
    pub error: Option<(Error, String)>,
    /// Whether it was `quit` or `exit`.
    pub quit: bool,
}

impl Ran {
    /// Everything the line printed, output then error: what a transcript expects of it.
    pub fn text(&self) -> String {
        match &self.error {
            Some((_, shown)) => format!("{}{shown}", self.output),
            None => self.output.clone(),
        }
    }
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

    /// Executes `line` on `shell` and renders what it did; `None` for a blank line or a
    /// comment, which do nothing.
    pub fn step(&self, shell: &mut Shell, line: &str) -> Option<Ran> {
        // Most replies are one short line.
        let mut output = String::with_capacity(64);
        match shell.execute(line) {
            Ok(None) => None,
            Ok(Some(outcome)) => {
                self.render(&outcome, shell, &mut output);
                Some(Ran {
                    output,
                    error: None,
                    quit: outcome.reply == Reply::Quit,
                })
            }
            Err(e) => {
                let shown = self.error(shell, line, &e);
                Some(Ran {
                    output,
                    error: Some((e, shown)),
                    quit: false,
                })
            }
        }
    }

    /// Appends the text or JSON of an outcome to `out`.
    pub fn render(&self, outcome: &Outcome, shell: &Shell, out: &mut String) {
        match self.format {
            Format::Text => render::text(outcome, &Context::of(shell), self.style, out),
            Format::Json => render::json(outcome, out),
        }
    }

    /// The error as this format prints it, ending in a newline: `error: ...`, or a JSON
    /// object.
    pub fn error(&self, shell: &Shell, line: &str, error: &Error) -> String {
        let mut out = String::new();
        match self.format {
            Format::Text => {
                out.push_str(&render::error_line(error, self.style));
                out.push('\n');
            }
            Format::Json => render::json_error(shell.commands(), line, error, &mut out),
        }
        out
    }
}
