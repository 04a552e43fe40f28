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
    /// Whether it was `clear`: the prompt clears the screen.
    pub clear: bool,
}

/// How deep `source` may nest: a file that sources itself stops there.
const MAX_SOURCE_DEPTH: usize = 8;

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
        self.step_in(shell, line, 0)
    }

    /// [`Printer::step`], `depth` files deep in `source`.
    fn step_in(&self, shell: &mut Shell, line: &str, depth: usize) -> Option<Ran> {
        // Most replies are one short line.
        let mut output = String::with_capacity(64);
        match shell.execute(line) {
            Ok(None) => None,
            Ok(Some(outcome)) => {
                if let Reply::Source { path, text } = &outcome.reply {
                    return Some(self.source(shell, path, text, depth));
                }
                self.render(&outcome, shell, &mut output);
                Some(Ran {
                    output,
                    error: None,
                    quit: outcome.reply == Reply::Quit,
                    clear: outcome.reply == Reply::Clear,
                })
            }
            Err(e) => Some(self.failed(shell, line, e, output)),
        }
    }

    /// What a line that failed with `e` did, after printing `output`.
    fn failed(&self, shell: &Shell, line: &str, e: Error, output: String) -> Ran {
        let shown = self.error(shell, line, &e);
        Ran {
            output,
            error: Some((e, shown)),
            quit: false,
            clear: false,
        }
    }

    /// `source`: each line of `text` run here, what it prints, and `FILE:LINE: error: ...`
    /// for a line that fails; it fails itself if one did.
    fn source(&self, shell: &mut Shell, path: &str, text: &str, depth: usize) -> Ran {
        let line = format!("source {path}");
        if depth >= MAX_SOURCE_DEPTH {
            let why = format!(
                "`source` nests more than {MAX_SOURCE_DEPTH} files deep; does a file source itself?"
            );
            return self.failed(shell, &line, Error::Invalid(why), String::new());
        }
        let (mut output, mut failed) = (String::new(), 0);
        for (number, command) in text.lines().enumerate() {
            let command = command.strip_suffix('\r').unwrap_or(command);
            let Some(ran) = self.step_in(shell, command, depth + 1) else {
                continue;
            };
            output.push_str(&ran.output);
            if let Some((e, shown)) = &ran.error {
                failed += 1;
                match self.format {
                    Format::Text => {
                        output.push_str(&format!("{path}:{}: error: {e}\n", number + 1))
                    }
                    Format::Json => output.push_str(shown),
                }
            }
            if ran.quit {
                break;
            }
        }
        if failed == 0 {
            return Ran {
                output,
                error: None,
                quit: false,
                clear: false,
            };
        }
        let noun = if failed == 1 { "line" } else { "lines" };
        let why = format!("{failed} {noun} of `{path}` failed");
        self.failed(shell, &line, Error::Invalid(why), output)
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
