//! Reading a transcript: directives, comments, commands and expected output, with the line
//! of each, for `*.sessim` files and for the ```` ```sessim ```` blocks of Markdown (read
//! with a CommonMark parser, so backtick and tilde fences, indented ones and ones inside
//! lists all count).

use std::ops::Range;
use std::path::{Path, PathBuf};

use pulldown_cmark::{CodeBlockKind, Event, Parser as Markdown, Tag, TagEnd};
use thiserror::Error;

use super::pattern::Pattern;
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
    /// The expected lines, without trailing spaces or trailing blank lines.
    pub expected: Vec<Pattern>,
    /// Where `expected` sits in [`Transcript::lines`] (0-based), for `--bless`.
    pub span: Range<usize>,
    /// What goes before each line of the block in the file: the indentation of a Markdown
    /// fence inside a list; nothing in a `*.sessim` file.
    pub indent: String,
}

/// A parsed transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transcript {
    /// Where it was read from.
    pub path: PathBuf,
    /// Its lines, CRLF read as LF.
    pub lines: Vec<String>,
    /// Whether its lines end in CRLF, and whether its last line ends at all: `--bless`
    /// writes them back the same way.
    pub crlf: bool,
    /// See [`Transcript::crlf`].
    pub final_newline: bool,
    /// For Markdown, how many `sessim` blocks it holds; `None` for a `*.sessim` file.
    pub blocks: Option<usize>,
    /// `(name, value, line)` of each `#!` directive.
    pub directives: Vec<(String, String, usize)>,
    /// The provider it needs (`#! requires = memory`), if it cannot hold on every store.
    pub requires: Option<String>,
    /// The commands, in order.
    pub cases: Vec<Case>,
}

/// The directive by which a transcript that cannot hold on every store names the one it
/// needs, and why in a comment beside it: on another, `replay` skips it and says so.
pub const REQUIRES: &str = "requires";

/// The providers `requires` can name.
const PROVIDERS: [&str; 2] = ["memory", "redis"];

/// Whether `path` names a Markdown file: `*.md` or `*.markdown`, in any case.
pub fn is_markdown(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Parses transcript text; `path` decides Markdown or plain.
pub fn parse(path: &Path, text: &str) -> Result<Transcript, ParseError> {
    let crlf = text.contains("\r\n");
    let final_newline = text.is_empty() || text.ends_with('\n');
    let text = text.replace("\r\n", "\n");
    let lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut parser = Parser {
        path: path.display().to_string(),
        directives: Vec::new(),
        requires: None,
        cases: Vec::new(),
        open: None,
        captures: Vec::new(),
        indent: String::new(),
    };
    let mut blocks = None;
    if is_markdown(path) {
        let found = sessim_blocks(&text);
        blocks = Some(found.len());
        for block in found {
            let block = block.map_err(|(line, message)| parser.error(line, message))?;
            parser.indent = block.indent;
            for (k, line) in block.content.lines().enumerate() {
                parser.line(block.first_line + k, line)?;
            }
            parser.close();
        }
    } else {
        for (i, line) in lines.iter().enumerate() {
            parser.line(i, line)?;
        }
        parser.close();
    }
    Ok(Transcript {
        path: path.to_owned(),
        lines,
        crlf,
        final_newline,
        blocks,
        directives: parser.directives,
        requires: parser.requires,
        cases: parser.cases,
    })
}

/// One ```` ```sessim ```` block of a Markdown file.
struct Block {
    /// The 0-based line of its first content line.
    first_line: usize,
    /// Its content, as CommonMark reads it (a fence's indentation removed).
    content: String,
    /// The indentation its lines have in the file.
    indent: String,
}

/// The `sessim` blocks of Markdown `text`, or a located reason why one cannot be used.
fn sessim_blocks(text: &str) -> Vec<Result<Block, (usize, String)>> {
    let line_of = |offset: usize| text[..offset].matches('\n').count();
    let mut blocks = Vec::new();
    let mut open: Option<(usize, Block)> = None;
    for (event, range) in Markdown::new(text).into_offset_iter() {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info)))
                if info
                    .split_whitespace()
                    .next()
                    .is_some_and(|lang| lang.eq_ignore_ascii_case("sessim")) =>
            {
                let line_start = text[..range.start].rfind('\n').map_or(0, |i| i + 1);
                let prefix = &text[line_start..range.start];
                let block = Block {
                    first_line: line_of(range.start) + 1,
                    content: String::new(),
                    indent: " ".repeat(prefix.chars().count()),
                };
                if prefix.contains('>') {
                    let message = "a sessim block inside a block quote cannot be replayed or \
                                   blessed; take it out of the quote";
                    blocks.push(Err((line_of(range.start), message.to_owned())));
                } else {
                    open = Some((range.start, block));
                }
            }
            Event::Text(content) => {
                if let Some((_, block)) = open.as_mut() {
                    block.content.push_str(&content);
                }
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((start, block)) = open.take() {
                    let source = &text[start..range.end];
                    if !closes(source) {
                        let fence: String = source
                            .trim_start()
                            .chars()
                            .take_while(|c| *c == '`' || *c == '~')
                            .collect();
                        blocks.push(Err((
                            line_of(start),
                            format!("unclosed {fence} block; close it with {fence}"),
                        )));
                    } else {
                        blocks.push(Ok(block));
                    }
                }
            }
            _ => {}
        }
    }
    blocks
}

/// Whether the source of a fenced block ends with a closing fence (CommonMark lets a block
/// run to the end of the document, which for a transcript is a mistake).
fn closes(source: &str) -> bool {
    let mut lines = source.trim_end_matches('\n').lines();
    let opening = lines.next().unwrap_or_default().trim_start();
    let marker = opening.chars().next().unwrap_or('`');
    let length = opening.chars().take_while(|c| *c == marker).count();
    lines.next_back().is_some_and(|last| {
        let last = last.trim();
        last.len() >= length && last.chars().all(|c| c == marker)
    })
}

struct Parser {
    path: String,
    directives: Vec<(String, String, usize)>,
    requires: Option<String>,
    cases: Vec<Case>,
    /// The case whose output is being read, with its raw lines.
    open: Option<(Case, Vec<String>)>,
    /// The capture names defined so far, by the expected blocks read.
    captures: Vec<String>,
    /// The indentation of the Markdown block being read.
    indent: String,
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
            self.check_substitutions(index, command)?;
            let case = Case {
                line: index + 1,
                command: command.to_owned(),
                expected: Vec::new(),
                span: index + 1..index + 1,
                indent: self.indent.clone(),
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

    /// Refuses a `${NAME}` whose capture no earlier expected block defines.
    fn check_substitutions(&self, index: usize, command: &str) -> Result<(), ParseError> {
        for name in substitutions(command) {
            if !self.captures.iter().any(|c| c == name) {
                return Err(self.error(
                    index,
                    format!(
                        "`${{{name}}}` is used before a `[..{name}..]` in the expected output \
                         of an earlier command captures it"
                    ),
                ));
            }
        }
        Ok(())
    }

    fn directive(&mut self, index: usize, text: &str) -> Result<(), ParseError> {
        let Some((name, value)) = text.split_once('=') else {
            return Err(self.error(index, "a directive reads `#! name = value`"));
        };
        let (name, value) = (name.trim(), value.trim());
        if name == REQUIRES {
            if !PROVIDERS.contains(&value) {
                return Err(self.error(
                    index,
                    format!("`requires` names a provider, memory or redis, not `{value}`"),
                ));
            }
            self.requires = Some(value.to_owned());
            return Ok(());
        }
        if !DIRECTIVES.contains(&name) {
            let guess = nearest(name, DIRECTIVES.iter().copied().chain([REQUIRES]))
                .map(|n| format!("did you mean `{n}`? "))
                .unwrap_or_default();
            return Err(self.error(
                index,
                format!(
                    "unknown directive `{name}`; {guess}directives are {}, {REQUIRES}",
                    DIRECTIVES.join(", ")
                ),
            ));
        }
        self.directives
            .push((name.to_owned(), value.to_owned(), index + 1));
        Ok(())
    }

    /// Ends the open case: reads its lines as patterns and drops trailing blank lines.
    fn close(&mut self) {
        let Some((mut case, raw)) = self.open.take() else {
            return;
        };
        let mut expected: Vec<Pattern> = raw.iter().map(|l| Pattern::read(l.trim_end())).collect();
        while expected
            .last()
            .is_some_and(|p| *p == Pattern::Literal(String::new()))
        {
            expected.pop();
        }
        for pattern in &expected {
            for name in pattern.captures() {
                if !self.captures.iter().any(|c| c == name) {
                    self.captures.push(name.to_owned());
                }
            }
        }
        case.span = case.span.start..case.span.start + expected.len();
        case.expected = expected;
        self.cases.push(case);
    }
}

/// A piece of a transcript's command: text as it is, or a `${NAME}` substitution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Piece<'a> {
    /// Text, run as written (`$${` has become `${`).
    Text(&'a str),
    /// `${NAME}`: replaced by what `NAME` captured.
    Name(&'a str),
}

/// A command split into its pieces. `$${` stands for a literal `${`, so that a command can
/// hold that text ([`escape_command`] writes it so).
pub fn pieces(command: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut rest = command;
    while let Some(open) = rest.find("${") {
        if open > 0 && rest[..open].ends_with('$') {
            out.push(Piece::Text(&rest[..open - 1]));
            out.push(Piece::Text("${"));
            rest = &rest[open + 2..];
            continue;
        }
        let after = &rest[open + 2..];
        let Some(close) = after.find('}') else { break };
        out.push(Piece::Text(&rest[..open]));
        out.push(Piece::Name(&after[..close]));
        rest = &after[close + 1..];
    }
    out.push(Piece::Text(rest));
    out.retain(|p| *p != Piece::Text(""));
    out
}

/// The names of the `${NAME}` substitutions in a command.
pub fn substitutions(command: &str) -> Vec<&str> {
    pieces(command)
        .into_iter()
        .filter_map(|p| match p {
            Piece::Name(name) => Some(name),
            Piece::Text(_) => None,
        })
        .collect()
}

/// How a command typed at a prompt is written in a transcript so that it runs as typed:
/// each `${` as `$${`.
pub fn escape_command(line: &str) -> String {
    line.replace("${", "$${")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(text: &str) -> Pattern {
        Pattern::Literal(text.into())
    }

    #[test]
    fn a_command_escapes_a_literal_substitution_with_two_dollars() {
        use Piece::{Name, Text};
        assert_eq!(
            pieces("get ${ID} k"),
            [Text("get "), Name("ID"), Text(" k")]
        );
        assert_eq!(
            pieces("set a p $${X}"),
            [Text("set a p "), Text("${"), Text("X}")]
        );
        assert_eq!(pieces("a ${open"), [Text("a ${open")]);
        for typed in ["set a p ${X}", "x $${Y} ${", "$$${Z}", "plain"] {
            let back: String = pieces(&escape_command(typed))
                .into_iter()
                .map(|p| match p {
                    Text(t) => t.to_owned(),
                    Name(n) => format!("<{n}>"),
                })
                .collect();
            assert_eq!(back, typed);
        }
    }

    #[test]
    fn reads_directives_commands_output_and_escapes() {
        let text = "# lesson\r\n#! seed = 7\n\n> new a\na\n\n> get a k\n\\> quoted\nend  \n\n\n# next\n> clock\n";
        let t = parse(Path::new("x.sessim"), text).unwrap();
        assert_eq!(t.directives, [("seed".to_owned(), "7".to_owned(), 2)]);
        assert_eq!(t.cases.len(), 3);
        assert_eq!(t.cases[0].expected, [lit("a")]);
        assert_eq!(t.cases[1].line, 7);
        assert_eq!(t.cases[1].expected, [lit("> quoted"), lit("end")]);
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
        let e = parse(Path::new("x.sessim"), "> new\n[..ID..]\n> get ${IDX} k\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("`${IDX}` is used before"), "{e}");
    }

    #[test]
    fn markdown_uses_every_kind_of_sessim_fence_and_only_those() {
        let text = "# Title\n\n```sh\n> not a command\n```\n\n```sessim\n#! seed = 1\n> clock\nnow\n```\nprose\n~~~sessim\n> gc\n~~~\n\n- a step:\n\n  ```sessim\n  > stats\n  \\...\n  ```\n";
        for name in ["x.md", "x.MD", "x.markdown"] {
            let t = parse(Path::new(name), text).unwrap();
            assert_eq!(t.cases.len(), 3, "{name}");
            assert_eq!(t.cases[0].expected, [lit("now")]);
            assert_eq!(t.cases[1].line, 14);
            assert_eq!(t.cases[2].line, 20);
            assert_eq!(t.cases[2].expected, [lit("...")]);
            assert_eq!(t.cases[2].indent, "  ");
            assert_eq!(t.cases[2].span, 20..21);
        }
    }
}
