//! What `replay` reports, for people and for CI systems: text with unified diffs, one JSON
//! object per file then a summary, and JUnit XML, which GitHub, GitLab and Jenkins display.

use std::io::{self, Write};
use std::path::PathBuf;

use quick_xml::escape::escape;
use serde::Serialize;

use super::check::{CaseReport, FileReport, ReplayError};

/// How one file ended.
#[derive(Debug)]
pub struct FileOutcome {
    /// The transcript.
    pub path: PathBuf,
    /// What checking it found, or why it could not be checked.
    pub result: Result<FileReport, ReplayError>,
    /// With `--bless`, for a file that differed: rewritten, or why not.
    pub blessed: Option<Result<(), String>>,
    /// Why the file was not checked, if it was not: Markdown without a `sessim` block, or
    /// a transcript that requires another provider.
    pub skipped: Option<String>,
}

impl FileOutcome {
    /// Whether every command matched, or the file was blessed so that it does now.
    pub fn passed(&self) -> bool {
        match &self.result {
            Ok(_) if self.skipped.is_some() => false,
            Ok(report) => report.failures().next().is_none() || self.blessed == Some(Ok(())),
            Err(_) => false,
        }
    }
}

/// The totals of a replay run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Replay {
    /// Files whose every command matched, blessed ones included.
    pub passed: usize,
    /// Files that differ, and files that could not be checked.
    pub failed: usize,
    /// Files that could not be read, parsed or blessed.
    pub errors: usize,
    /// Files rewritten by `--bless`.
    pub blessed: usize,
    /// Markdown files without a `sessim` block.
    pub skipped: usize,
}

impl Replay {
    /// Counts one file.
    pub fn add(&mut self, file: &FileOutcome) {
        if file.skipped.is_some() {
            self.skipped += 1;
            return;
        }
        if file.passed() {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        let unreadable = file.result.is_err();
        let unblessed = matches!(file.blessed, Some(Err(_)));
        if unreadable || unblessed {
            self.errors += 1;
        }
        if file.blessed == Some(Ok(())) {
            self.blessed += 1;
        }
    }

    /// The exit code: 2 for errors or no file, 1 for differences, else 0.
    pub fn exit_code(&self) -> u8 {
        if self.errors > 0 || self.passed + self.failed == 0 {
            2
        } else if self.failed > 0 {
            1
        } else {
            0
        }
    }
}

/// `n noun`, with the noun in the plural unless `n` is 1.
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The text report of one file: `PASS` or `FAIL`, the diffs, and what `--bless` did.
pub fn text_file(file: &FileOutcome, out: &mut dyn Write, err: &mut dyn Write) -> io::Result<()> {
    let path = file.path.display();
    let report = match &file.result {
        Ok(report) => report,
        Err(e) => return writeln!(err, "{e}"),
    };
    if let Some(why) = &file.skipped {
        return writeln!(out, "SKIP {path} ({why})");
    }
    let with = if report.options.is_empty() {
        String::new()
    } else {
        format!(", with {}", report.options.join(" "))
    };
    let failures: Vec<_> = report.failures().collect();
    let commands = report.cases.len();
    if failures.is_empty() {
        writeln!(
            out,
            "PASS {path} ({}{with})",
            count(commands, "command", "commands")
        )?;
    } else {
        let verb = if commands == 1 { "differs" } else { "differ" };
        writeln!(
            out,
            "FAIL {path} ({} of {} {verb}{with})",
            failures.len(),
            count(commands, "command", "commands")
        )?;
        for (case, failure) in &failures {
            writeln!(out, "{path}:{}: > {}", case.line, case.command)?;
            out.write_all(failure.diff.as_bytes())?;
        }
    }
    match &file.blessed {
        Some(Ok(())) => writeln!(
            out,
            "blessed {path} ({} rewritten)",
            count(failures.len(), "block", "blocks")
        ),
        Some(Err(e)) => writeln!(
            err,
            "{path}: error: cannot bless: {e}; the file is unchanged"
        ),
        None => Ok(()),
    }
}

/// The last lines of the text report: how many files were blessed, then the totals.
pub fn text_summary(totals: &Replay, out: &mut dyn Write) -> io::Result<()> {
    if totals.blessed > 0 {
        writeln!(out, "blessed {}", count(totals.blessed, "file", "files"))?;
    }
    write!(out, "{} passed, {} failed", totals.passed, totals.failed)?;
    if totals.skipped > 0 {
        write!(out, ", {} skipped", totals.skipped)?;
    }
    writeln!(out)
}

#[derive(Serialize)]
struct JsonFile<'a> {
    file: String,
    status: &'static str,
    commands: usize,
    failed: usize,
    options: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    blessed: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
    cases: Vec<JsonCase<'a>>,
}

#[derive(Serialize)]
struct JsonCase<'a> {
    line: usize,
    command: &'a str,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    diff: Option<&'a str>,
}

/// The JSON report of one file, on one line.
pub fn json_file(file: &FileOutcome, out: &mut dyn Write) -> io::Result<()> {
    let (cases, options, error): (&[CaseReport], &[String], _) = match &file.result {
        Ok(report) => (&report.cases, &report.options, None),
        Err(e) => (&[], &[], Some(e.to_string())),
    };
    let failed = cases.iter().filter(|c| c.failure.is_some()).count();
    let object = JsonFile {
        file: file.path.display().to_string(),
        status: match (&file.result, file.passed()) {
            (Err(_), _) => "error",
            (Ok(_), _) if file.skipped.is_some() => "skipped",
            (Ok(_), true) => "pass",
            (Ok(_), false) => "fail",
        },
        commands: cases.len(),
        failed,
        options,
        blessed: file.blessed.as_ref().map(Result::is_ok),
        error: error.or_else(|| file.blessed.clone().and_then(Result::err)),
        cases: cases
            .iter()
            .map(|c| JsonCase {
                line: c.line,
                command: &c.command,
                status: if c.failure.is_some() { "fail" } else { "pass" },
                diff: c.failure.as_ref().map(|f| f.diff.as_str()),
            })
            .collect(),
    };
    writeln!(
        out,
        "{}",
        serde_json::to_string(&object).unwrap_or_default()
    )
}

/// The JSON summary, on one line: `{"summary":{"passed":..,"failed":..,..}}`.
pub fn json_summary(totals: &Replay, out: &mut dyn Write) -> io::Result<()> {
    #[derive(Serialize)]
    struct Summary<'a> {
        summary: &'a Replay,
    }
    let text = serde_json::to_string(&Summary { summary: totals }).unwrap_or_default();
    writeln!(out, "{text}")
}

/// `text` as XML text or an attribute value: escaped, and each character XML 1.0 cannot
/// hold even escaped (control characters but tab and line breaks, U+FFFE, U+FFFF) written
/// as `\u{..}`.
fn xml_text(text: &str) -> String {
    let refused = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || matches!(c, '\u{fffe}' | '\u{ffff}')
    };
    let kept: String = text
        .chars()
        .map(|c| {
            if refused(c) {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    escape(&kept).into_owned()
}

/// The JUnit XML of a run: one testsuite per transcript, one testcase per command, the diff
/// as a failure's text; a file that could not be checked is one testcase with an error.
pub fn junit(files: &[FileOutcome], totals: &Replay) -> String {
    // Markdown without a sessim block holds no test.
    let files: Vec<&FileOutcome> = files.iter().filter(|f| f.skipped.is_none()).collect();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let tests: usize = files
        .iter()
        .map(|f| f.result.as_ref().map_or(1, |r| r.cases.len()))
        .sum();
    let failures: usize = files
        .iter()
        .filter_map(|f| f.result.as_ref().ok())
        .map(|r| r.failures().count())
        .sum();
    xml.push_str(&format!(
        "<testsuites name=\"sessim replay\" tests=\"{tests}\" failures=\"{failures}\" errors=\"{}\">\n",
        totals.errors
    ));
    for file in &files {
        let name = xml_text(&file.path.display().to_string());
        match &file.result {
            Err(e) => {
                xml.push_str(&format!(
                    "  <testsuite name=\"{name}\" tests=\"1\" failures=\"0\" errors=\"1\">\n    \
                     <testcase classname=\"{name}\" name=\"read and parse\">\n      \
                     <error message=\"{message}\">{message}</error>\n    </testcase>\n  \
                     </testsuite>\n",
                    message = xml_text(&e.to_string())
                ));
            }
            Ok(report) => {
                xml.push_str(&format!(
                    "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"0\">\n",
                    report.cases.len(),
                    report.failures().count()
                ));
                for case in &report.cases {
                    let test = xml_text(&format!("line {}: {}", case.line, case.command));
                    match &case.failure {
                        None => xml.push_str(&format!(
                            "    <testcase classname=\"{name}\" name=\"{test}\"/>\n"
                        )),
                        Some(failure) => xml.push_str(&format!(
                            "    <testcase classname=\"{name}\" name=\"{test}\">\n      \
                             <failure message=\"output differs\" type=\"diff\">{}</failure>\n    \
                             </testcase>\n",
                            xml_text(&failure.diff)
                        )),
                    }
                }
                xml.push_str("  </testsuite>\n");
            }
        }
    }
    xml.push_str("</testsuites>\n");
    xml
}
