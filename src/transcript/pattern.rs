//! One line of expected output, as a pattern: a literal line, a line with wildcards (`[..]`
//! within the line, `[..NAME..]` captures), or `...` for any number of lines.
//!
//! A line that starts with `\` is literal whatever follows: the escape both keeps a line
//! that starts with `>`, `#` or `\` from reading as a command, comment or escape, and keeps
//! text that looks like a wildcard from being one. [`Pattern::write_literal`] escapes output
//! so that it reads back as exactly itself.

use std::collections::HashMap;

/// Captured texts by name, kept across a transcript.
pub type Captures = HashMap<String, String>;

/// The line that matches any number of lines.
pub const ANY_LINES: &str = "...";

/// One expected line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// A line that must be equal.
    Literal(String),
    /// A line holding `[..]` or `[..NAME..]`.
    Wild(String),
    /// `...`: any number of lines.
    AnyLines,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    Any,
    Capture(&'a str),
}

/// The tokens of a line: text, `[..]` and `[..NAME..]`.
fn tokens(line: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(open) = rest.find("[..") {
        let after = &rest[open + 3..];
        let token = if let Some(tail) = after.strip_prefix(']') {
            Some((Token::Any, tail))
        } else {
            after.find("..]").and_then(|close| {
                let name = &after[..close];
                let valid =
                    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                valid.then(|| (Token::Capture(name), &after[close + 3..]))
            })
        };
        match token {
            Some((token, tail)) => {
                if open > 0 {
                    out.push(Token::Text(&rest[..open]));
                }
                out.push(token);
                rest = tail;
            }
            None => {
                out.push(Token::Text(&rest[..open + 3]));
                rest = after;
            }
        }
    }
    if !rest.is_empty() {
        out.push(Token::Text(rest));
    }
    out
}

/// Whether a line holds a wildcard token.
fn has_tokens(line: &str) -> bool {
    line.contains("[..") && tokens(line).iter().any(|t| !matches!(t, Token::Text(_)))
}

impl Pattern {
    /// The pattern that a line of a transcript's expected block (trailing spaces removed)
    /// stands for.
    pub fn read(line: &str) -> Pattern {
        if let Some(rest) = line.strip_prefix('\\') {
            Pattern::Literal(rest.to_owned())
        } else if line == ANY_LINES {
            Pattern::AnyLines
        } else if has_tokens(line) {
            Pattern::Wild(line.to_owned())
        } else {
            Pattern::Literal(line.to_owned())
        }
    }

    /// How a line of output is written so that it reads back as that literal line.
    pub fn write_literal(line: &str) -> String {
        let special = line.starts_with(['>', '#', '\\']) || line == ANY_LINES || has_tokens(line);
        if special {
            format!("\\{line}")
        } else {
            line.to_owned()
        }
    }

    /// The line as a transcript holds it.
    pub fn written(&self) -> String {
        match self {
            Pattern::Literal(text) => Pattern::write_literal(text),
            Pattern::Wild(text) => text.clone(),
            Pattern::AnyLines => ANY_LINES.to_owned(),
        }
    }

    /// The pattern's text: the line itself, the wildcards as written, or `...`.
    pub fn text(&self) -> &str {
        match self {
            Pattern::Literal(text) | Pattern::Wild(text) => text,
            Pattern::AnyLines => ANY_LINES,
        }
    }

    /// The pattern's text as a diff shows it: each capture already made replaced by the
    /// text it must repeat, so that a capture that does not repeat shows as a difference.
    pub fn shown(&self, caps: &Captures) -> String {
        match self {
            Pattern::Wild(text) => tokens(text)
                .into_iter()
                .map(|t| match t {
                    Token::Text(s) => s.to_owned(),
                    Token::Any => "[..]".to_owned(),
                    Token::Capture(name) => caps
                        .get(name)
                        .cloned()
                        .unwrap_or_else(|| format!("[..{name}..]")),
                })
                .collect(),
            _ => self.text().to_owned(),
        }
    }

    /// The names this pattern captures, in order.
    pub fn captures(&self) -> Vec<&str> {
        match self {
            Pattern::Wild(text) => tokens(text)
                .into_iter()
                .filter_map(|t| match t {
                    Token::Capture(name) => Some(name),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Whether this one-line pattern matches `line`, and the captures that makes.
    pub fn match_line(&self, line: &str, caps: &Captures) -> Option<Captures> {
        match self {
            Pattern::Literal(text) => (text == line).then(|| caps.clone()),
            Pattern::Wild(text) => seq(&tokens(text), line, caps),
            Pattern::AnyLines => None,
        }
    }

    /// Whether this one-line pattern matches `line`, reading every capture as `[..]`.
    pub fn loosely_matches(&self, line: &str) -> bool {
        match self {
            Pattern::Literal(text) => text == line,
            Pattern::Wild(text) => {
                let loose: Vec<Token<'_>> = tokens(text)
                    .into_iter()
                    .map(|t| match t {
                        Token::Capture(_) => Token::Any,
                        t => t,
                    })
                    .collect();
                seq(&loose, line, &Captures::new()).is_some()
            }
            Pattern::AnyLines => false,
        }
    }
}

fn seq(tokens: &[Token<'_>], line: &str, caps: &Captures) -> Option<Captures> {
    let Some((first, rest)) = tokens.split_first() else {
        return line.is_empty().then(|| caps.clone());
    };
    match first {
        Token::Text(text) => seq(rest, line.strip_prefix(text)?, caps),
        Token::Capture(name) if caps.contains_key(*name) => {
            seq(rest, line.strip_prefix(caps[*name].as_str())?, caps)
        }
        Token::Any | Token::Capture(_) => ends(line).find_map(|cut| {
            let mut caps = caps.clone();
            if let Token::Capture(name) = first {
                caps.insert((*name).to_owned(), line[..cut].to_owned());
            }
            seq(rest, &line[cut..], &caps)
        }),
    }
}

/// Every char boundary of `line`, shortest first.
fn ends(line: &str) -> impl Iterator<Item = usize> + '_ {
    line.char_indices().map(|(i, _)| i).chain([line.len()])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_literal_wild_or_any() {
        assert_eq!(Pattern::read("abc"), Pattern::Literal("abc".into()));
        assert_eq!(Pattern::read("a [..] c"), Pattern::Wild("a [..] c".into()));
        assert_eq!(Pattern::read("..."), Pattern::AnyLines);
        assert_eq!(Pattern::read("\\..."), Pattern::Literal("...".into()));
        assert_eq!(
            Pattern::read("\\a [..] c"),
            Pattern::Literal("a [..] c".into())
        );
        assert_eq!(Pattern::read("\\> x"), Pattern::Literal("> x".into()));
        assert_eq!(
            Pattern::read("literal [.. not closed"),
            Pattern::Literal("literal [.. not closed".into())
        );
    }

    #[test]
    fn written_literals_read_back_as_themselves() {
        for line in [
            "plain",
            "",
            "...",
            "> x",
            "# x",
            "\\x",
            "a [..] b",
            "[..ID..]",
            " ...",
            "[.. not a wildcard",
        ] {
            let written = Pattern::write_literal(line);
            assert_eq!(
                Pattern::read(&written),
                Pattern::Literal(line.into()),
                "{line:?}"
            );
        }
        assert_eq!(Pattern::write_literal("plain"), "plain");
    }

    #[test]
    fn wildcards_match_within_a_line_and_captures_bind_once() {
        let p = Pattern::read("id [..ID..] end");
        let caps = p.match_line("id x1 end", &Captures::new()).unwrap();
        assert_eq!(caps["ID"], "x1");
        assert!(p.match_line("id x2 end", &caps).is_none());
        assert!(p.loosely_matches("id x2 end"));
        assert_eq!(p.captures(), ["ID"]);
        assert!(
            Pattern::read("[..]")
                .match_line("", &Captures::new())
                .is_some()
        );
    }
}
