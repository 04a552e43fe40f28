//! Reading a transcript: directives, comments, commands and expected output, with the line
//! of each, for `*.sessim` files and the ```` ```sessim ```` blocks of Markdown.

use std::ops::Range;
use std::path::{Path, PathBuf};

use thiserror::Error;

use crate::shell::commands::nearest;
use crate::shell::global::DIRECTIVES;

/// A malformed transcript, at a line.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{path}:{line}: parse error: {message}")]
pub struct ParseError {
    /// The file.
    pub path: String,
    /// The 1-based line.
    pub line: usize,
    /// What is wrong, and what would be right.
    pub message: String,
}

/// One command and the output expected of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The 1-based line of `> command`.
    pub line: usize,
    /// The command as typed.
    pub command: String,
    /// The expected lines, unescaped, without trailing spaces or trailing blank lines.
    pub expected: Vec<String>,
    /// Where `expected` sits in [`Transcript::lines`] (0-based), for `--bless`.
    pub span: Range<usize>,
}

/// A parsed transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its lines, CRLF read as LF.
    pub lines: Vec<String>,
    /// `(name, value, line)` of each `#!` directive.
    pub directives: Vec<(String, String, usize)>,
    /// The commands, in order.
    pub cases: Vec<Case>,
}

/// Parses transcript text; `path` decides Markdown (`*.md`) or plain.
pub fn parse(path: &Path, text: &str) -> Result<Transcript, ParseError> {
    let text = text.replace("\r\n", "\n");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let markdown = path.extension().is_some_and(|e| e == "md");
    let mut parser = Parser {
        path: path.display().to_string(),
        directives: Vec::new(),
        cases: Vec::new(),
        open: None,
    };
    if markdown {
        parser.markdown(&lines)?;
    } else {
        for (i, line) in lines.iter().enumerate() {
            parser.line(i, line)?;
        }
        parser.close();
    }
    Ok(Transcript {
        path: path.to_owned(),
        lines,
        directives: parser.directives,
        cases: parser.cases,
    })
}

struct Parser {
    path: String,
    directives: Vec<(String, String, usize)>,
    cases: Vec<Case>,
    /// The case whose output is being read, with its raw lines.
    open: Option<(Case, Vec<String>)>,
}

impl Parser {
    fn error(&self, index: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            path: self.path.clone(),
            line: index + 1,
            message: message.into(),
        }
    }

    fn line(&mut self, index: usize, line: &str) -> Result<(), ParseError> {
        if let Some(command) = line.strip_prefix("> ").or((line == ">").then_some("")) {
            self.close();
            let case = Case {
                line: index + 1,
                command: command.to_owned(),
                expected: Vec::new(),
                span: index + 1..index + 1,
            };
            self.open = Some((case, Vec::new()));
            return Ok(());
        }
        if let Some(directive) = line.strip_prefix("#!") {
            if !self.cases.is_empty() || self.open.is_some() {
                return Err(
                    self.error(index, "a `#!` directive must come before the first command")
                );
            }
            return self.directive(index, directive);
        }
        if line.starts_with('#') {
            self.close();
            return Ok(());
        }
        if line.starts_with('>') {
            return Err(self.error(
                index,
                "a command line starts with `> ` (a space after >); escape output as `\\>`",
            ));
        }
        match self.open.as_mut() {
            Some((_, raw)) => {
                raw.push(line.to_owned());
                Ok(())
            }
            None if line.trim().is_empty() => Ok(()),
            None if self.cases.is_empty() => Err(self.error(
                index,
                "output before the first command; commands start with `> `",
            )),
            None => Err(self.error(
                index,
                "output after a comment: a comment ends a command's expected output, so move \
                 this line up to its command, or escape a leading # in output as `\\#`",
            )),
        }
    }

    fn directive(&mut self, index: usize, text: &str) -> Result<(), ParseError> {
        let Some((name, value)) = text.split_once('=') else {
            return Err(self.error(index, "a directive reads `#! name = value`"));
        };
        let (name, value) = (name.trim(), value.trim());
        if !DIRECTIVES.contains(&name) {
            let guess = nearest(name, DIRECTIVES.iter().copied())
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            return Err(self.error(
                index,
                format!(
                    "unknown directive `{name}`; {guess}directives are {}",
                    DIRECTIVES.join(", ")
                ),
            ));
        }
        self.directives
            .push((name.to_owned(), value.to_owned(), index + 1));
        Ok(())
    }

    /// Ends the open case: unescapes its output and drops trailing blank lines.
    fn close(&mut self) {
        let Some((mut case, raw)) = self.open.take() else {
            return;
        };
        let mut expected: Vec<String> = raw
            .iter()
            .map(|l| {
                let l = l.trim_end();
                l.strip_prefix('\\').unwrap_or(l).to_owned()
            })
            .collect();
        while expected.last().is_some_and(|l| l.is_empty()) {
            expected.pop();
        }
        case.span = case.span.start..case.span.start + expected.len();
        case.expected = expected;
        self.cases.push(case);
    }

    fn markdown(&mut self, lines: &[String]) -> Result<(), ParseError> {
        let mut fence: Option<(usize, String, bool)> = None;
        for (i, line) in lines.iter().enumerate() {
            let trimmed = line.trim_start();
            match &fence {
                None => {
                    if let Some(marker) = fence_marker(trimmed) {
                        let info = trimmed[marker.len()..].trim();
                        let sessim = info.split_whitespace().next() == Some("sessim");
                        fence = Some((i, marker, sessim));
                    }
                }
                Some((_, marker, sessim)) => {
                    let closes = trimmed.starts_with(marker.as_str())
                        && trimmed
                            .trim_end()
                            .chars()
                            .all(|c| c == marker.chars().next().unwrap_or('`'));
                    if closes {
                        if *sessim {
                            self.close();
                        }
                        fence = None;
                    } else if *sessim {
                        self.line(i, line)?;
                    }
                }
            }
        }
        if let Some((start, marker, _)) = fence {
            return Err(self.error(
                start,
                format!("unclosed {marker} block; close it with {marker}"),
            ));
        }
        Ok(())
    }
}

/// The fence that opens a Markdown code block (three or more backticks or tildes).
fn fence_marker(line: &str) -> Option<String> {
    let c = line.chars().next().filter(|c| *c == '`' || *c == '~')?;
    let n = line.chars().take_while(|&x| x == c).count();
    (n >= 3).then(|| c.to_string().repeat(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_directives_commands_output_and_escapes() {
        let text = "# lesson\r\n#! seed = 7\n\n> new a\na\n\n> get a k\n\\> quoted\nend  \n\n\n# next\n> clock\n";
        let t = parse(Path::new("x.sessim"), text).unwrap();
        assert_eq!(t.directives, [("seed".to_owned(), "7".to_owned(), 2)]);
        assert_eq!(t.cases.len(), 3);
        assert_eq!(t.cases[0].expected, ["a"]);
        assert_eq!(t.cases[1].line, 7);
        assert_eq!(t.cases[1].expected, ["> quoted", "end"]);
        assert_eq!(t.cases[1].span, 7..9);
        assert!(t.cases[2].expected.is_empty());
    }

    #[test]
    fn malformed_files_name_the_line() {
        let e = parse(Path::new("x.sessim"), "hello\n> clock\n").unwrap_err();
        assert_eq!(
            e.to_string(),
            "x.sessim:1: parse error: output before the first command; commands start with `> `"
        );
        let e = parse(Path::new("x.sessim"), "#! colour = red\n").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("x.sessim:1: parse error: unknown directive `colour`")
        );
        let e = parse(Path::new("x.md"), "text\n```sessim\n> clock\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn markdown_uses_only_sessim_blocks() {
        let text = "# Title\n\n```sh\n> not a command\n```\n\n```sessim\n#! seed = 1\n> clock\nnow\n```\nprose\n```sessim\n> gc\n```\n";
        let t = parse(Path::new("x.md"), text).unwrap();
        assert_eq!(t.cases.len(), 2);
        assert_eq!(t.cases[0].expected, ["now"]);
        assert_eq!(t.cases[1].line, 14);
    }
}
