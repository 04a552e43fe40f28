//! The interactive prompt (rustyline): completion, hints, history, and `record`.

use std::borrow::Cow;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rustyline::completion::{Completer, Pair};
use rustyline::config::{CompletionType, Config};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::history::DefaultHistory;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, ExternalPrinter, Helper};

use super::record::Recorder;
use super::step::Printer;
use crate::render::summary_line;
use crate::serve::lock;
use crate::shell::{Shell, complete};

/// The environment variable naming the history file; empty turns history off.
pub const HISTFILE_VAR: &str = "SESSIM_HISTFILE";

/// How many lines of history are kept.
const HISTORY_SIZE: usize = 1000;

struct ReplHelper {
    shell: Arc<Mutex<Shell>>,
    /// The shell's commands, kept here so that a hint never waits for the shell (which a
    /// request being served may hold).
    commands: &'static [crate::shell::commands::Command],
    color: bool,
}

impl Completer for ReplHelper {
    type Candidate = Pair;

    fn complete(
        &self,
        line: &str,
        pos: usize,
        _: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let shell = lock(&self.shell);
        let held = |kind, prefix: &str| shell.held(kind, prefix);
        let (start, words) = complete::complete(shell.commands(), &line[..pos], &held);
        let pairs = words
            .into_iter()
            .map(|w| Pair {
                display: w.trim_end().to_owned(),
                replacement: w,
            })
            .collect();
        Ok((start, pairs))
    }
}

impl Hinter for ReplHelper {
    type Hint = String;

    fn hint(&self, line: &str, pos: usize, _: &Context<'_>) -> Option<String> {
        (pos == line.len())
            .then(|| complete::hint(self.commands, line))
            .flatten()
    }
}

impl Highlighter for ReplHelper {
    fn highlight_hint<'h>(&self, hint: &'h str) -> Cow<'h, str> {
        if self.color {
            Cow::Owned(format!("\x1b[2m{hint}\x1b[0m"))
        } else {
            Cow::Borrowed(hint)
        }
    }
}

impl Validator for ReplHelper {}

impl Helper for ReplHelper {}

/// Where history is kept: `$SESSIM_HISTFILE` (empty: nowhere), else the data directory.
pub fn history_path() -> Option<PathBuf> {
    match std::env::var_os(HISTFILE_VAR) {
        Some(v) if v.is_empty() => None,
        Some(v) => Some(PathBuf::from(v)),
        None => dirs::data_dir().map(|d| d.join("sessim").join("history")),
    }
}

/// Runs the prompt until Ctrl-D or `quit`. Returns the exit code.
pub fn run(shell: Shell, printer: Printer, recorder: Option<Recorder>) -> u8 {
    match Prompt::new(Arc::new(Mutex::new(shell)), printer) {
        Ok(prompt) => prompt.run(recorder),
        Err(code) => code,
    }
}

/// The prompt over a shell that other threads may share (`sessim serve`).
pub struct Prompt {
    editor: Editor<ReplHelper, DefaultHistory>,
    shell: Arc<Mutex<Shell>>,
    printer: Printer,
    history: Option<PathBuf>,
}

impl Prompt {
    /// The line editor on `shell`, with its history; the exit code if it cannot start.
    pub fn new(shell: Arc<Mutex<Shell>>, printer: Printer) -> Result<Prompt, u8> {
        let config = Config::builder()
            .completion_type(CompletionType::List)
            .max_history_size(HISTORY_SIZE)
            .and_then(|b| Ok(b.history_ignore_dups(true)?.auto_add_history(false).build()));
        let editor = config.and_then(Editor::<ReplHelper, DefaultHistory>::with_config);
        let mut editor = match editor {
            Ok(e) => e,
            Err(e) => {
                eprintln!("error: cannot start the line editor: {e}");
                return Err(2);
            }
        };
        let commands = lock(&shell).commands();
        editor.set_helper(Some(ReplHelper {
            shell: Arc::clone(&shell),
            commands,
            color: printer.style.color,
        }));
        let mut history = history_path();
        if let Some(path) = &history
            && let Err(why) = open_history(&mut editor, path)
        {
            eprintln!(
                "warning: history file {} cannot be used ({why}); this session's history will not be saved",
                path.display()
            );
            history = None;
        }
        Ok(Prompt {
            editor,
            shell,
            printer,
            history,
        })
    }

    /// A printer that writes above the line being typed, from any thread; `None` when
    /// the terminal cannot.
    pub fn external_printer(&mut self) -> Option<Box<dyn ExternalPrinter + Send>> {
        let printer = self.editor.create_external_printer().ok()?;
        Some(Box::new(printer))
    }

    /// Runs the prompt until Ctrl-D or `quit`. Returns the exit code.
    pub fn run(mut self, mut recorder: Option<Recorder>) -> u8 {
        banner(&lock(&self.shell));
        loop {
            let prompt = format!("{}> ", lock(&self.shell).now());
            let input = match self.editor.readline(&prompt) {
                Ok(input) => input,
                Err(ReadlineError::Interrupted) => continue,
                Err(ReadlineError::Eof) => break,
                Err(e) if closed_pipe(&e) => break,
                Err(e) => {
                    eprintln!("error: cannot read the line: {e}");
                    break;
                }
            };
            // Several lines pasted at once arrive together: each runs, in order.
            let lines = input.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
            let mut go_on = true;
            for line in lines {
                go_on = self.run_line(line, recorder.as_mut());
                if !go_on {
                    break;
                }
            }
            if !go_on {
                break;
            }
        }
        if let Some(path) = &self.history
            && let Err(e) = self.editor.save_history(path)
        {
            eprintln!("warning: cannot save history to {}: {e}", path.display());
        }
        if let Some(r) = recorder {
            return r.finish();
        }
        0
    }

    /// Runs one line at the prompt: history, the shared step, the transcript being recorded,
    /// and the screen. Tells whether the prompt goes on (not after `quit`, or when stdout is a
    /// closed pipe).
    fn run_line(&mut self, line: &str, recorder: Option<&mut Recorder>) -> bool {
        if !line.trim().is_empty() {
            let _ = self.editor.add_history_entry(line);
        }
        let ran = self.printer.step(&mut lock(&self.shell), line);
        if let Some(r) = recorder {
            r.observe(line, ran.as_ref());
            if let Err(e) = r.flush() {
                eprintln!("warning: cannot write the transcript: {e}");
            }
        }
        let Some(ran) = ran else { return true };
        // A closed pipe (`sessim | head -1` at a terminal) ends the session quietly.
        let mut stdout = io::stdout();
        if let Err(e) = stdout
            .write_all(ran.output.as_bytes())
            .and_then(|()| stdout.flush())
            && e.kind() == io::ErrorKind::BrokenPipe
        {
            return false;
        }
        if let Some((_, shown)) = &ran.error {
            let _ = io::stderr().write_all(shown.as_bytes());
        }
        if ran.clear {
            let _ = self.editor.clear_screen();
        }
        !ran.quit
    }
}

fn open_history(
    editor: &mut Editor<ReplHelper, DefaultHistory>,
    path: &PathBuf,
) -> Result<(), String> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
    }
    match editor.load_history(path) {
        Ok(()) => {}
        Err(ReadlineError::Io(e)) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e.to_string()),
    }
    // Prove now that the file can be written, so the warning comes at start, not at exit.
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Whether the line editor failed because its output is a closed pipe.
fn closed_pipe(e: &ReadlineError) -> bool {
    match e {
        ReadlineError::Io(e) => e.kind() == io::ErrorKind::BrokenPipe,
        #[cfg(unix)]
        ReadlineError::Errno(errno) => io::Error::from(*errno).kind() == io::ErrorKind::BrokenPipe,
        _ => false,
    }
}

fn banner(shell: &Shell) {
    // Not `println!`, which panics when stdout is a closed pipe.
    let _ = writeln!(
        io::stdout(),
        "sessim {}: {}. Type `help`; Ctrl-D or `quit` leaves.",
        env!("CARGO_PKG_VERSION"),
        summary_line(&shell.summary()),
    );
}
