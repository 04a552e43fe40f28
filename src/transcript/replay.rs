//! `sessim replay`: runs each transcript on a fresh store, compares, reports diffs, and with
//! `--bless` rewrites the expected blocks that differ, atomically.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use similar::TextDiff;

use super::matcher::{self, Captures};
use super::parse::{self, Case, Transcript};

use crate::front::step::Printer;
use crate::render::Style;
use crate::shell::Shell;
use crate::shell::global::GlobalArgs;
use crate::shell::options::Options;

/// What replaying one file found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileReport {
    /// The transcript.
    pub path: PathBuf,
    /// How many commands it holds.
    pub commands: usize,
    /// The commands whose output differed.
    pub failures: Vec<Failure>,
}

/// One command whose output differed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// The line of `> command`.
    pub line: usize,
    /// The command as written.
    pub command: String,
    /// A unified diff, expected against actual.
    pub diff: String,
    /// The expected block `--bless` would write.
    pub blessed: Vec<String>,
    /// Where the old block sits in the file.
    pub span: std::ops::Range<usize>,
}

/// Why a file could not be replayed: exit 2.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReplayError {
    /// It could not be read.
    #[error("{0}: error: {1}")]
    Read(String, String),
    /// It is malformed.
    #[error("{0}")]
    Parse(#[from] parse::ParseError),
}

/// Replays one transcript file.
pub fn replay_file(path: &Path) -> Result<(Transcript, FileReport), ReplayError> {
    let name = path.display().to_string();
    let bytes = read_bounded(path).map_err(|e| ReplayError::Read(name.clone(), e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        ReplayError::Parse(parse::ParseError {
            path: name.clone(),
            line,
            message: "the file is not valid UTF-8; transcripts must be UTF-8 text".into(),
        })
    })?;
    let transcript = parse::parse(path, &text)?;
    let report = run(&transcript)?;
    Ok((transcript, report))
}

fn run(t: &Transcript) -> Result<FileReport, ReplayError> {
    let pairs: Vec<(String, String)> = t
        .directives
        .iter()
        .map(|(n, v, _)| (n.clone(), v.clone()))
        .collect();
    let invalid = |line: usize, message: String| {
        ReplayError::Parse(parse::ParseError {
            path: t.path.display().to_string(),
            line,
            message: format!("invalid directive: {message}"),
        })
    };
    let options = |pairs: &[(String, String)]| {
        GlobalArgs::from_directives(pairs)
            .and_then(|g| g.over(Options::default()).map_err(|e| e.to_string()))
    };
    // Each directive alone first, so that an error names its own line.
    for (pair, (_, _, line)) in pairs.iter().zip(&t.directives) {
        options(std::slice::from_ref(pair)).map_err(|message| invalid(*line, message))?;
    }
    let options = options(&pairs)
        .map_err(|message| invalid(t.directives.first().map_or(1, |d| d.2), message))?;
    let printer = Printer {
        format: options.format,
        style: Style::PLAIN,
    };
    let mut shell = Shell::new(options).map_err(|e| {
        ReplayError::Parse(parse::ParseError {
            path: t.path.display().to_string(),
            line: 1,
            message: e.to_string(),
        })
    })?;
    let mut captures = Captures::new();
    let mut failures = Vec::new();
    let mut quit: Option<usize> = None;
    for case in &t.cases {
        let command = substitute(&case.command, &captures);
        let out = match quit {
            // As in a script, `quit` ends the transcript: later commands do not run.
            Some(line) => format!("(not run: `quit` on line {line} ended the transcript)\n"),
            None => match printer.step(&mut shell, &command) {
                Some(ran) => {
                    if ran.quit {
                        quit = Some(case.line);
                    }
                    ran.text()
                }
                None => String::new(),
            },
        };
        if let Some(f) = compare(case, &out, &mut captures) {
            failures.push(f);
        }
    }
    Ok(FileReport {
        path: t.path.clone(),
        commands: t.cases.len(),
        failures,
    })
}

/// Compares what a case printed with what it expected; `None` when they match.
fn compare(case: &Case, out: &str, captures: &mut Captures) -> Option<Failure> {
    let mut actual: Vec<&str> = out.lines().map(str::trim_end).collect();
    while actual.last().is_some_and(|l| l.is_empty()) {
        actual.pop();
    }
    if matcher::matches(&case.expected, &actual, captures) {
        return None;
    }
    let text = |lines: &[&str]| lines.iter().map(|l| format!("{l}\n")).collect::<String>();
    let resolved = matcher::resolved(&case.expected, &actual);
    let expected = text(&resolved.iter().map(String::as_str).collect::<Vec<_>>());
    let actual_text = text(&actual);
    let diff = TextDiff::from_lines(&expected, &actual_text)
        .unified_diff()
        .context_radius(3)
        .header("expected", "actual")
        .to_string();
    Some(Failure {
        line: case.line,
        command: case.command.clone(),
        diff,
        blessed: matcher::blessed(&case.expected, &actual),
        span: case.span.clone(),
    })
}

/// Replaces `${NAME}` with captured text; unknown names are left as written.
fn substitute(command: &str, captures: &Captures) -> String {
    if !command.contains("${") {
        return command.to_owned();
    }
    let mut out = command.to_owned();
    for (name, value) in captures {
        out = out.replace(&format!("${{{name}}}"), value);
    }
    out
}

/// The totals of a replay run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Replay {
    /// Files whose every command matched.
    pub passed: usize,
    /// Files with a difference (or, counted too, an error).
    pub failed: usize,
    /// Files that could not be read or parsed.
    pub errors: usize,
    /// Files rewritten by `--bless`.
    pub blessed: usize,
}

impl Replay {
    /// The exit code: 2 for errors, 1 for differences (0 once blessed), else 0.
    pub fn exit_code(&self, bless: bool) -> u8 {
        if self.errors > 0 || self.passed + self.failed == 0 {
            2
        } else if self.failed > 0 && !(bless && self.blessed == self.failed) {
            1
        } else {
            0
        }
    }
}

/// Replays every transcript under `paths`, reporting to `out` (and errors to `err`).
pub fn replay_paths(
    paths: &[PathBuf],
    bless: bool,
    out: &mut impl Write,
    err: &mut impl Write,
) -> io::Result<Replay> {
    let mut totals = Replay::default();
    let files = match collect(paths) {
        Ok(files) => files,
        Err(message) => {
            writeln!(err, "{message}")?;
            totals.errors += 1;
            return Ok(totals);
        }
    };
    if files.is_empty() {
        writeln!(
            err,
            "error: no transcript found (looked for *.sessim and *.md)"
        )?;
        return Ok(totals);
    }
    for path in &files {
        match replay_file(path) {
            Err(e) => {
                writeln!(err, "{e}")?;
                totals.errors += 1;
                totals.failed += 1;
            }
            Ok((transcript, report)) => {
                report_file(&report, out)?;
                if report.failures.is_empty() {
                    totals.passed += 1;
                    continue;
                }
                totals.failed += 1;
                if bless {
                    match write_blessed(&transcript, &report) {
                        Ok(()) => {
                            totals.blessed += 1;
                            writeln!(
                                out,
                                "blessed {} ({} {} rewritten)",
                                path.display(),
                                report.failures.len(),
                                if report.failures.len() == 1 {
                                    "block"
                                } else {
                                    "blocks"
                                }
                            )?;
                        }
                        Err(e) => {
                            writeln!(
                                err,
                                "{}: error: cannot bless: {e}; the file is unchanged",
                                path.display()
                            )?;
                            totals.errors += 1;
                        }
                    }
                }
            }
        }
    }
    writeln!(out, "{} passed, {} failed", totals.passed, totals.failed)?;
    Ok(totals)
}

fn report_file(report: &FileReport, out: &mut impl Write) -> io::Result<()> {
    let path = report.path.display();
    if report.failures.is_empty() {
        let noun = if report.commands == 1 {
            "command"
        } else {
            "commands"
        };
        return writeln!(out, "PASS {path} ({} {noun})", report.commands);
    }
    let (noun, verb) = if report.commands == 1 {
        ("command", "differs")
    } else {
        ("commands", "differ")
    };
    writeln!(
        out,
        "FAIL {path} ({} of {} {noun} {verb})",
        report.failures.len(),
        report.commands
    )?;
    for f in &report.failures {
        writeln!(out, "{path}:{}: > {}", f.line, f.command)?;
        out.write_all(f.diff.as_bytes())?;
    }
    Ok(())
}

/// The largest transcript read, in bytes: a bound, so that `replay /dev/zero` fails.
const MAX_TRANSCRIPT: u64 = 64 << 20;

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

/// Every transcript under `paths`: files as given, folders searched, sorted. An error reads
/// `PATH: error: ...`.
fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let failed = |e: io::Error| format!("{}: error: {e}", path.display());
        let meta = fs::metadata(path).map_err(failed)?;
        if meta.is_dir() {
            let mut found = Vec::new();
            walk(path, &mut found).map_err(failed)?;
            found.sort();
            files.extend(found);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, found: &mut Vec<PathBuf>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            walk(&path, found)?;
        } else if is_transcript(&path) {
            found.push(path);
        }
    }
    Ok(())
}

fn is_transcript(path: &Path) -> bool {
    match path.extension().and_then(|e| e.to_str()) {
        Some("sessim") => true,
        // Markdown counts only if it holds a sessim block.
        Some("md") => fs::read_to_string(path).is_ok_and(|t| t.contains("```sessim")),
        _ => false,
    }
}

/// Writes the transcript with the failing blocks replaced: a temporary file in the same
/// folder, flushed to disk, then renamed over the original.
fn write_blessed(t: &Transcript, report: &FileReport) -> io::Result<()> {
    let mut lines = t.lines.clone();
    for f in report.failures.iter().rev() {
        let mut block = String::new();
        super::escape_output(&(f.blessed.join("\n") + "\n"), &mut block);
        let new: Vec<String> = if f.blessed.is_empty() {
            Vec::new()
        } else {
            block.lines().map(str::to_owned).collect()
        };
        lines.splice(f.span.clone(), new);
    }
    let mut text = lines.join("\n");
    text.push('\n');
    atomic_write(&t.path, text.as_bytes())
}

/// Replaces `path` with `bytes` so that it holds either its old or its new content, never
/// a part.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // Through a symbolic link, the file it points to is rewritten, and the link kept.
    let real = fs::canonicalize(path);
    let path = real.as_deref().unwrap_or(path);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.bless-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&tmp, meta.permissions())?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
