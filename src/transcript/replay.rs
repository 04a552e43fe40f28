//! `sessim replay`: every transcript under the paths given, checked and reported, and with
//! `--bless` rewritten where it differs.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::bless::bless;
use super::check::{FileReport, check, load};
use super::parse::is_markdown;
use super::report::{self, FileOutcome, Replay};
use crate::shell::options::Options;

/// How the report is written.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ReportFormat {
    /// `PASS`/`FAIL` lines and unified diffs.
    #[default]
    Text,
    /// One JSON object per file, then a summary object.
    Json,
}

/// How a replay runs.
#[derive(Debug, Clone, Default)]
pub struct ReplaySettings {
    /// Rewrite the expected blocks that differ.
    pub bless: bool,
    /// The options every transcript starts from; its own directives override them.
    pub base: Options,
    /// The options the replay was given, as `(name, value)`: a file's report names those it
    /// ran with.
    pub given: Vec<(String, String)>,
    /// How the report is written.
    pub format: ReportFormat,
    /// Where to write a JUnit report too.
    pub junit: Option<PathBuf>,
}

/// Replays every transcript under `paths`, reporting to `out` (and errors to `err`).
pub fn replay_paths(
    paths: &[PathBuf],
    settings: &ReplaySettings,
    out: &mut dyn Write,
    err: &mut dyn Write,
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
    let none_found = |err: &mut dyn Write| {
        writeln!(
            err,
            "error: no transcript found (looked for *.sessim, and *.md and *.markdown with \
             sessim blocks)"
        )
    };
    if files.is_empty() {
        none_found(err)?;
        return Ok(totals);
    }
    let mut outcomes = Vec::new();
    for path in files {
        let transcript = load(&path);
        let provider = settings.base.store.name();
        let skipped = transcript.as_ref().ok().and_then(|t| match &t.requires {
            _ if t.blocks == Some(0) => Some("Markdown without a sessim block".to_owned()),
            Some(needed) if needed != provider => Some(format!(
                "requires {needed}, and this replay runs on {provider}; see its comments"
            )),
            _ => None,
        });
        let result = transcript
            .as_ref()
            .map_err(Clone::clone)
            .and_then(|t| match &skipped {
                Some(_) => Ok(FileReport {
                    path: t.path.clone(),
                    cases: Vec::new(),
                    options: Vec::new(),
                }),
                None => check(t, &settings.base, &settings.given),
            });
        let blessed = match (&transcript, &result) {
            (Ok(t), Ok(report)) if settings.bless && report.failures().next().is_some() => {
                Some(bless(t, report, &settings.base, &settings.given))
            }
            _ => None,
        };
        let outcome = FileOutcome {
            path,
            result,
            blessed,
            skipped,
        };
        match settings.format {
            ReportFormat::Text => report::text_file(&outcome, out, err)?,
            ReportFormat::Json => report::json_file(&outcome, out)?,
        }
        totals.add(&outcome);
        if settings.junit.is_some() {
            outcomes.push(outcome);
        }
    }
    if let Some(path) = &settings.junit
        && let Err(e) = fs::write(path, report::junit(&outcomes, &totals))
    {
        writeln!(
            err,
            "{}: error: cannot write the JUnit report: {e}",
            path.display()
        )?;
        totals.errors += 1;
    }
    if totals.passed + totals.failed + totals.errors == 0 {
        none_found(err)?;
    }
    match settings.format {
        ReportFormat::Text => report::text_summary(&totals, out)?,
        ReportFormat::Json => report::json_summary(&totals, out)?,
    }
    Ok(totals)
}

/// Every transcript under `paths`: files as given, folders searched, sorted, each once. An
/// error reads `PATH: error: ...`.
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
    // A file named twice (`replay . a.sessim`) is replayed once, where first named.
    let mut seen = std::collections::HashSet::new();
    files.retain(|f| seen.insert(fs::canonicalize(f).unwrap_or_else(|_| f.clone())));
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

/// Whether a file in a folder is a transcript: `*.sessim`, `*.md` or `*.markdown`, whatever
/// the case of its extension (Markdown without a `sessim` block is reported as skipped).
fn is_transcript(path: &Path) -> bool {
    let sessim = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("sessim"));
    sessim || is_markdown(path)
}
