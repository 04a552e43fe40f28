//! `--bless`: a transcript rewritten with the expected blocks that differ replaced,
//! atomically, so that a file holds its old content or its new one, never a part.

use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::time::Duration;

use super::check::{FileReport, check};
use super::parse::{Transcript, parse};
use crate::shell::options::Options;

/// How far ahead the system clock reads in `--bless`'s second run: a step in every field
/// of a written time.
const SYSTEM_CLOCK_AHEAD: Duration = Duration::from_millis(90_061_001);

/// Rewrites `t` with its differing blocks blessed, once the result is known to replay green:
/// parsed and checked again with the same options (`base`, `given`), which catches output
/// that changes from run to run and a capture that later lines need but no longer match.
/// `Err` says why the file is left unchanged.
pub fn bless(
    t: &Transcript,
    report: &FileReport,
    base: &Options,
    given: &[(String, String)],
) -> Result<(), String> {
    let text = blessed_text(t, report)?;
    let would_not = |why: String| format!("the result would not replay: {why}");
    let again = parse(&t.path, &text).map_err(|e| would_not(e.to_string()))?;
    // The second run reads a system clock a day, an hour, a minute and a second and a
    // millisecond ahead, so that a real time written literally shows as changing.
    let later = Options {
        system_clock_ahead: SYSTEM_CLOCK_AHEAD,
        ..base.clone()
    };
    let rerun = check(&again, &later, given).map_err(|e| would_not(e.to_string()))?;
    if let Some((case, _)) = rerun.failures().next() {
        return Err(would_not(format!(
            "`> {}` on line {} printed something else on a second run, so its output \
             changes from run to run (the virtual clock, a seed, `#! seed = N`, or \
             wildcards can hold it)",
            case.command, case.line
        )));
    }
    atomic_write(&t.path, text.as_bytes()).map_err(|e| e.to_string())
}

/// The text of `t` with the blocks that `report` found different replaced by what `--bless`
/// makes of them. Comments, directives, prose, every other block and the line endings stay
/// as they are. `Err` names a command that did not run, whose block cannot be blessed.
pub fn blessed_text(t: &Transcript, report: &FileReport) -> Result<String, String> {
    let not_run = report
        .failures()
        .find_map(|(c, _)| c.skipped.as_ref().map(|why| (c, why)));
    if let Some((case, why)) = not_run {
        return Err(format!(
            "`> {}` on line {} did not run ({why}), so there is no output to write",
            case.command, case.line
        ));
    }
    let mut lines = t.lines.clone();
    for (case, result) in t.cases.iter().zip(&report.cases).rev() {
        if let Some(failure) = &result.failure {
            let block = failure.blessed.iter().map(|p| {
                format!("{}{}", case.indent, p.written())
                    .trim_end()
                    .to_owned()
            });
            lines.splice(case.span.clone(), block);
        }
    }
    let newline = if t.crlf { "\r\n" } else { "\n" };
    let mut text = lines.join(newline);
    if t.final_newline {
        text.push_str(newline);
    }
    Ok(text)
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
