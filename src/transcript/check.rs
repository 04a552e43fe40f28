//! Checking one transcript: it runs on a fresh simulation, with the options the replay was
//! given overlaid by its own `#!` directives, and each command's output is compared with
//! what it expected.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::matcher;
use super::parse::{self, Case, ParseError, Piece, Transcript, substitutions};
use super::pattern::{Captures, Pattern};
use crate::Error;
use crate::front::step::Printer;
use crate::render::Style;
use crate::shell::Shell;
use crate::shell::global::GlobalArgs;
use crate::shell::options::Options;

/// What checking one transcript found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The transcript.
    pub path: PathBuf,
    /// Each command, in order.
    pub cases: Vec<CaseReport>,
    /// The replay's own options that this file ran with (its directives did not set
    /// them), as `--name value`.
    pub options: Vec<String>,
}

/// How one command went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseReport {
    /// The line of `> command`.
    pub line: usize,
    /// The command as written.
    pub command: String,
    /// Why it did not run, if it did not: after a `quit`, or with a `${NAME}` that has
    /// no value.
    pub skipped: Option<String>,
    /// `None` when its output matched.
    pub failure: Option<Failure>,
}

/// How a command's output differed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// A unified diff, expected against actual.
    pub diff: String,
    /// The expected block `--bless` would write.
    pub blessed: Vec<Pattern>,
}

impl FileReport {
    /// The commands whose output differed.
    pub fn failures(&self) -> impl Iterator<Item = (&CaseReport, &Failure)> {
        self.cases
            .iter()
            .filter_map(|c| c.failure.as_ref().map(|f| (c, f)))
    }
}

/// Why a file could not be checked: exit 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// It could not be read.
    #[error("{0}: error: {1}")]
    Read(String, String),
    /// It is malformed.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// Its simulation could not start: the store failed.
    #[error("{0}: error: the simulation could not start: {1}")]
    Start(String, String),
}

/// The largest transcript read, in bytes: a bound, so that `replay /dev/zero` fails.
const MAX_TRANSCRIPT: u64 = 64 << 20;

/// Reads and parses the transcript at `path`.
pub fn load(path: &Path) -> Result<Transcript, ReplayError> {
    let name = path.display().to_string();
    let bytes = read_bounded(path).map_err(|e| ReplayError::Read(name.clone(), e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ReplayError::Parse(ParseError {
            path: name.clone(),
            line,
            message: "the file is not valid UTF-8; transcripts must be UTF-8 text".into(),
        })
    })?;
    Ok(parse::parse(path, &text)?)
}

/// Reads a whole file, refusing one larger than [`MAX_TRANSCRIPT`].
fn read_bounded(path: &Path) -> io::Result<Vec<u8>> {
    use io::Read as _;
    let mut bytes = Vec::new();
    fs::File::open(path)?
        .take(MAX_TRANSCRIPT + 1)
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_TRANSCRIPT {
        return Err(io::Error::other(format!(
            "larger than {} MiB; a transcript must be smaller",
            MAX_TRANSCRIPT >> 20
        )));
    }
    Ok(bytes)
}

/// Runs transcript `t` on a fresh simulation: `base` is what the replay was given, which the
/// transcript's directives override; `given` names the replay's own options, to say which of
/// them the file ran with.
pub fn check(
    t: &Transcript,
    base: &Options,
    given: &[(String, String)],
) -> Result<FileReport, ReplayError> {
    let options = options(t, base)?;
    let printer = Printer {
        format: options.format,
        style: Style::PLAIN,
    };
    let mut shell = Shell::new(options).map_err(|e| match e {
        Error::Redis { .. } | Error::Store(_) => {
            ReplayError::Start(t.path.display().to_string(), e.to_string())
        }
        e => ReplayError::Parse(ParseError {
            path: t.path.display().to_string(),
            line: 1,
            message: e.to_string(),
        }),
    })?;
    // `[..PROVIDER..]` matches exactly the store in force, so that a line naming it holds
    // on every store.
    let mut captures = Captures::from([(
        "PROVIDER".to_owned(),
        shell.manager().store().name().to_owned(),
    )]);
    let mut cases = Vec::new();
    let mut quit: Option<usize> = None;
    for case in &t.cases {
        let missing = substitutions(&case.command)
            .into_iter()
            .find(|name| !captures.contains_key(*name));
        // As in a script, `quit` ends the transcript: later commands do not run.
        let skipped = match (quit, missing) {
            (Some(line), _) => Some(format!("`quit` on line {line} ended the transcript")),
            (None, Some(name)) => Some(format!(
                "`${{{name}}}` has no value: the output that captures it did not match"
            )),
            (None, None) => None,
        };
        let out = match &skipped {
            Some(why) => format!("(not run: {why})\n"),
            None => {
                let command = substitute(&case.command, &captures);
                match printer.step(&mut shell, &command) {
                    Some(ran) => {
                        if ran.quit {
                            quit = Some(case.line);
                        }
                        ran.text()
                    }
                    None => String::new(),
                }
            }
        };
        cases.push(CaseReport {
            line: case.line,
            command: case.command.clone(),
            failure: compare(case, &out, &mut captures),
            skipped,
        });
    }
    // The directive `provider = book` sets the defects: the two override each other. The
    // option `--provider` is the store, which no directive sets.
    fn setting(name: &str) -> &str {
        if name == "provider" { "defects" } else { name }
    }
    let set: Vec<&str> = t.directives.iter().map(|(n, _, _)| setting(n)).collect();
    Ok(FileReport {
        path: t.path.clone(),
        cases,
        options: given
            .iter()
            .filter(|(name, _)| !set.contains(&name.as_str()))
            .filter(|pair| !is_default(pair))
            .map(|(name, value)| option_text(name, value))
            .collect(),
    })
}

/// Whether an option, given alone, leaves sessim's defaults as they are
/// (`--defects none`, `--max-lifetime 1h`).
fn is_default(pair: &(String, String)) -> bool {
    let defaults = Options::default();
    GlobalArgs::from_directives(std::slice::from_ref(pair))
        .and_then(|g| g.over(defaults.clone()).map_err(|e| e.to_string()))
        .is_ok_and(|o| o == defaults)
}

/// `--name value`, or `--name` for a switch.
fn option_text(name: &str, value: &str) -> String {
    if value.is_empty() {
        format!("--{name}")
    } else {
        format!("--{name} {value}")
    }
}

/// `base` overlaid by the transcript's directives; an invalid directive names its line.
fn options(t: &Transcript, base: &Options) -> Result<Options, ReplayError> {
    let invalid = |line: usize, message: String| {
        ReplayError::Parse(ParseError {
            path: t.path.display().to_string(),
            line,
            message: format!("invalid directive: {message}"),
        })
    };
    let over = |pairs: &[(String, String)]| {
        GlobalArgs::from_directives(pairs)
            .and_then(|g| g.over(base.clone()).map_err(|e| e.to_string()))
    };
    let pairs: Vec<(String, String)> = t
        .directives
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    // Each directive alone first, so that an error names its own line.
    for (pair, (_, _, line)) in pairs.iter().zip(&t.directives) {
        over(std::slice::from_ref(pair)).map_err(|message| invalid(*line, message))?;
    }
    over(&pairs).map_err(|message| invalid(t.directives.first().map_or(1, |d| d.2), message))
}

/// Compares what a case printed with what it expected; `None` when they match.
fn compare(case: &Case, out: &str, captures: &mut Captures) -> Option<Failure> {
    let mut actual: Vec<&str> = out.lines().map(str::trim_end).collect();
    while actual.last().is_some_and(|l| l.is_empty()) {
        actual.pop();
    }
    let before = captures.clone();
    if matcher::matches(&case.expected, &actual, captures) {
        return None;
    }
    let blessed = matcher::blessed(&case.expected, &actual, &before);
    // What the blessed block captures is what later commands will see.
    matcher::matches(&blessed, &actual, captures);
    let text =
        |lines: &mut dyn Iterator<Item = &str>| lines.map(|l| format!("{l}\n")).collect::<String>();
    let resolved = matcher::resolved(&case.expected, &actual, &before);
    let expected = text(&mut resolved.iter().map(String::as_str));
    let actual_text = text(&mut actual.iter().copied());
    let diff = TextDiff::from_lines(&expected, &actual_text)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    Some(Failure { diff, blessed })
}

/// The command with each `${NAME}` replaced by its captured text, and `$${` as `${`.
fn substitute(command: &str, captures: &Captures) -> String {
    parse::pieces(command)
        .into_iter()
        .map(|p| match p {
            Piece::Text(text) => text,
            Piece::Name(name) => captures.get(name).map_or("", String::as_str),
        })
        .collect()
}
