//! The line language: a line split into words as a shell splits them, and the words checked
//! against a command's synopsis before its handler reads them.
//!
//! How many arguments a command takes, and whether it takes `--limit N | --all`, is read
//! from its synopsis (`SID KEY [BY]`), so a command's usage is written once.

use super::commands::Command;
use crate::{Error, Result};

/// The longest line accepted, in bytes.
pub const MAX_LINE: usize = 64 * 1024;

/// How many rows a listing shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Limit {
    /// The default number of rows.
    Default,
    /// At most this many rows.
    Count(usize),
    /// Every row.
    All,
}

impl Limit {
    /// The number of rows to show, given the default.
    pub fn rows(self, default: usize) -> usize {
        match self {
            Limit::Default => default,
            Limit::Count(n) => n,
            Limit::All => usize::MAX,
        }
    }
}

/// Splits a line into words as a shell does. Blank lines and `#` comments give no words.
pub fn split(line: &str) -> Result<Vec<String>> {
    if line.len() > MAX_LINE {
        return Err(Error::Usage(format!(
            "the line is {} bytes long; the limit is {MAX_LINE}",
            line.len()
        )));
    }
    if let Some(c) = line.chars().find(|&c| c.is_control() && c != '\t') {
        return Err(Error::Usage(format!(
            "the line holds the control character U+{:04X}; remove it",
            u32::from(c)
        )));
    }
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        return Ok(Vec::new());
    }
    shlex::split(line).ok_or_else(|| {
        Error::Usage("unterminated quote or trailing backslash; close the quote".into())
    })
}

/// What a synopsis allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    /// Positional arguments that must be given.
    pub min: usize,
    /// The most positional arguments; `None` when the last repeats (`NAME...`).
    pub max: Option<usize>,
    /// Whether `--limit N` and `--all` are accepted.
    pub limit: bool,
}

/// The top-level groups of a synopsis: `SID`, `[BY]`, `[NAME [VALUE]]`, `[--limit N | --all]`.
pub fn groups(synopsis: &str) -> Vec<String> {
    let mut groups = Vec::new();
    let mut depth = 0i32;
    for token in synopsis.split_whitespace() {
        if depth == 0 {
            groups.push(token.to_owned());
        } else if let Some(last) = groups.last_mut() {
            last.push(' ');
            last.push_str(token);
        }
        depth += token.matches('[').count() as i32 - token.matches(']').count() as i32;
    }
    groups
}

impl Shape {
    /// The shape of the arguments `synopsis` describes.
    pub fn of(synopsis: &str) -> Shape {
        let mut shape = Shape {
            min: 0,
            max: Some(0),
            limit: false,
        };
        for group in groups(synopsis) {
            let inner = group.trim_start_matches('[');
            if inner.starts_with("--") {
                shape.limit |= group.contains("--limit");
                continue;
            }
            // `[NAME [VALUE]]` holds two optional words; `[A | b | c]` one.
            let words = if group.starts_with('[') {
                group.matches('[').count()
            } else {
                shape.min += 1;
                1
            };
            shape.max = shape
                .max
                .filter(|_| !group.contains("..."))
                .map(|m| m + words);
        }
        shape
    }
}

/// The arguments of one command line, checked against its synopsis, read in order by its
/// handler.
#[derive(Debug)]
pub struct Args<'a> {
    command: &'a Command,
    words: Vec<&'a str>,
    next: usize,
    limit: Limit,
    /// Options with a value that the synopsis names, such as `--client NAME`.
    named: Vec<(&'a str, &'a str)>,
}

impl<'a> Args<'a> {
    /// Checks `words` against `command`'s synopsis, whose shape is `shape`: its
    /// `--limit N | --all`, if it takes them, and the number of the other words.
    pub fn new(command: &'a Command, shape: Shape, words: &'a [String]) -> Result<Args<'a>> {
        let mut args = Args {
            command,
            words: Vec::with_capacity(words.len()),
            next: 0,
            limit: Limit::Default,
            named: Vec::new(),
        };
        // A command that takes no option reads `--x` as a word (a value may start so).
        let options = shape.limit || command.args.contains("[--");
        let mut rest = words.iter();
        while let Some(word) = rest.next() {
            let limit = match word.as_str() {
                w if !options || !w.starts_with("--") => {
                    args.words.push(w);
                    continue;
                }
                "--all" if shape.limit => Limit::All,
                "--limit" if shape.limit => {
                    let n = rest
                        .next()
                        .ok_or_else(|| args.usage("`--limit` needs a number"))?;
                    args.count(n)?
                }
                w if shape.limit && w.starts_with("--limit=") => {
                    args.count(&w["--limit=".len()..])?
                }
                w if command.args.contains(&format!("[{w} ")) => {
                    let value = rest
                        .next()
                        .ok_or_else(|| args.usage(&format!("`{w}` needs a value")))?;
                    if args.named.iter().any(|(n, _)| *n == w) {
                        return Err(args.usage(&format!("`{w}` is given twice")));
                    }
                    args.named.push((w, value));
                    continue;
                }
                w => return Err(args.usage(&format!("unknown option `{w}`"))),
            };
            if args.limit != Limit::Default {
                return Err(args.usage("give one of --limit N and --all"));
            }
            args.limit = limit;
        }
        args.check_count(shape)?;
        Ok(args)
    }

    /// The error for a bad use of this command, with its usage.
    pub fn usage(&self, why: &str) -> Error {
        Error::Usage(format!("{why}; usage: {}", self.command.synopsis()))
    }

    /// `--limit N`, `--all`, or neither.
    pub fn limit(&self) -> Limit {
        self.limit
    }

    /// The value of option `name` (such as `--client`), if given.
    pub fn named(&self, name: &str) -> Option<String> {
        self.named
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| (*v).to_owned())
    }

    /// The next argument, which the synopsis requires.
    pub fn word(&mut self) -> Result<String> {
        self.opt_word()
            .ok_or_else(|| self.usage("an argument is missing"))
    }

    /// The next argument, if given.
    pub fn opt_word(&mut self) -> Option<String> {
        let word = self.words.get(self.next).map(|w| (*w).to_owned());
        self.next += 1;
        word
    }

    /// The next argument, a session id, which must not be empty.
    pub fn id(&mut self) -> Result<String> {
        let word = self.word()?;
        check_id_word(word)
    }

    /// The next argument, a session id if given.
    pub fn opt_id(&mut self) -> Result<Option<String>> {
        self.opt_word().map(check_id_word).transpose()
    }

    /// The arguments not read yet.
    pub fn rest(&mut self) -> Vec<String> {
        let rest = self.words.iter().skip(self.next).map(|w| (*w).to_owned());
        let rest = rest.collect();
        self.next = self.words.len();
        rest
    }

    fn count(&self, text: &str) -> Result<Limit> {
        text.parse::<usize>().map(Limit::Count).map_err(|e| {
            let why = match e.kind() {
                std::num::IntErrorKind::PosOverflow => "the number is too large",
                _ => "expected a whole number",
            };
            self.usage(&format!("invalid --limit `{text}`: {why}"))
        })
    }

    fn check_count(&self, shape: Shape) -> Result<()> {
        let (n, name) = (self.words.len(), self.command.name);
        if n < shape.min {
            let what = if n == 0 {
                "no arguments".to_owned()
            } else {
                format!("only {n}")
            };
            return Err(self.usage(&format!("`{name}` needs more arguments ({what} given)")));
        }
        if let Some(max) = shape.max.filter(|&max| n > max) {
            let what = match max {
                0 => "no arguments".to_owned(),
                1 => "at most 1 argument".to_owned(),
                _ => format!("at most {max} arguments"),
            };
            return Err(self.usage(&format!("`{name}` takes {what} ({n} given)")));
        }
        Ok(())
    }
}

fn check_id_word(id: String) -> Result<String> {
    if id.is_empty() {
        return Err(Error::Empty("a session id"));
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synopses_give_their_shapes() {
        let shape = |min, max, limit| Shape { min, max, limit };
        for (synopsis, want) in [
            ("", shape(0, Some(0), false)),
            ("SID", shape(1, Some(1), false)),
            ("[SID]", shape(0, Some(1), false)),
            ("SID KEY VALUE", shape(3, Some(3), false)),
            ("SID KEY [BY]", shape(2, Some(3), false)),
            ("[NAME [VALUE]]", shape(0, Some(2), false)),
            ("[--limit N | --all]", shape(0, Some(0), true)),
            ("[SID] [--limit N | --all]", shape(0, Some(1), true)),
            ("[COMMAND | book | ids]", shape(0, Some(1), false)),
            ("CLIENT PATH [NAME=VALUE...]", shape(2, None, false)),
        ] {
            assert_eq!(Shape::of(synopsis), want, "{synopsis}");
        }
    }

    #[test]
    fn groups_keep_nested_brackets_whole() {
        assert_eq!(
            groups("[NAME [VALUE]] [--limit N | --all]"),
            ["[NAME [VALUE]]", "[--limit N | --all]"]
        );
    }

    #[test]
    fn lines_split_as_a_shell_splits_them() {
        assert_eq!(
            split("set a k 'two words'").unwrap(),
            ["set", "a", "k", "two words"]
        );
        assert!(split("  # a comment").unwrap().is_empty());
        assert!(split("").unwrap().is_empty());
        let err = |line: &str| split(line).unwrap_err().to_string();
        assert_eq!(
            err("get a 'k"),
            "unterminated quote or trailing backslash; close the quote"
        );
        assert!(err("set a k \u{0}").contains("U+0000"));
        assert!(err(&"x".repeat(MAX_LINE + 1)).contains("the limit is 65536"));
    }
}
