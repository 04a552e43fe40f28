//! Comparing output with expected lines and their wildcards: `[..]` within a line, a line of
//! `...` for any number of lines, and `[..NAME..]` captures that must repeat identically.

use std::collections::HashMap;

/// Captured texts by name, kept across a transcript.
pub type Captures = HashMap<String, String>;

/// The line that matches any number of lines.
pub const ANY_LINES: &str = "...";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token<'a> {
    Text(&'a str),
    Any,
    Capture(&'a str),
}

fn tokens(pattern: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut rest = pattern;
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

/// Whether a pattern line holds a wildcard.
pub fn has_wildcard(pattern: &str) -> bool {
    pattern == ANY_LINES || tokens(pattern).iter().any(|t| !matches!(t, Token::Text(_)))
}

/// Whether `actual` matches the `expected` patterns. On success the captures made are
/// added to `captures`; on failure `captures` is unchanged.
pub fn matches(expected: &[String], actual: &[&str], captures: &mut Captures) -> bool {
    match lines(expected, actual, captures) {
        Some(found) => {
            *captures = found;
            true
        }
        None => false,
    }
}

fn lines(expected: &[String], actual: &[&str], caps: &Captures) -> Option<Captures> {
    let Some((first, rest)) = expected.split_first() else {
        return actual.is_empty().then(|| caps.clone());
    };
    if first == ANY_LINES {
        return (0..=actual.len()).find_map(|skip| lines(rest, &actual[skip..], caps));
    }
    let (line, more) = actual.split_first()?;
    let caps = line_match(first, line, caps)?;
    lines(rest, more, &caps)
}

/// Whether one line matches one pattern, with the captures that makes.
fn line_match(pattern: &str, line: &str, caps: &Captures) -> Option<Captures> {
    if !pattern.contains("[..") {
        return (pattern == line).then(|| caps.clone());
    }
    seq(&tokens(pattern), line, caps)
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

/// Whether a line matches a pattern, reading every capture as `[..]`.
fn loose_match(pattern: &str, line: &str) -> bool {
    if !pattern.contains("[..") {
        return pattern == line;
    }
    let loose: Vec<Token<'_>> = tokens(pattern)
        .into_iter()
        .map(|t| {
            if let Token::Capture(_) = t {
                Token::Any
            } else {
                t
            }
        })
        .collect();
    seq(&loose, line, &Captures::new()).is_some()
}

/// How expected and actual lines line up, for diffs and `--bless`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pair {
    /// The pattern matched the line.
    Both(usize, usize),
    /// `...` stood for these actual lines.
    Ellipsis(usize, std::ops::Range<usize>),
    /// An expected line with no counterpart.
    Expected(usize),
    /// An actual line with no counterpart.
    Actual(usize),
}

/// What an unmatched expected line costs in [`align`]: more than an unmatched actual line,
/// so that among equally good alignments the one that keeps expected lines wins, and `...`
/// does not swallow lines that still match.
const DROP_EXPECTED: usize = 3;
/// What an unmatched actual line costs in [`align`].
const ADD_ACTUAL: usize = 2;

/// The alignment of `expected` with `actual` that leaves the fewest lines unmatched.
pub fn align(expected: &[String], actual: &[&str]) -> Vec<Pair> {
    let (n, m) = (expected.len(), actual.len());
    if n.saturating_mul(m) > 4_000_000 {
        // Too big to align: show everything as different.
        return (0..n)
            .map(Pair::Expected)
            .chain((0..m).map(Pair::Actual))
            .collect();
    }
    let dots = |i: usize| expected[i] == ANY_LINES;
    // cost[i][j]: the cheapest alignment of expected[i..] with actual[j..].
    let mut cost = vec![vec![0usize; m + 1]; n + 1];
    for (j, c) in cost[n].iter_mut().enumerate() {
        *c = (m - j) * ADD_ACTUAL;
    }
    for i in (0..n).rev() {
        cost[i][m] = cost[i + 1][m] + if dots(i) { 0 } else { DROP_EXPECTED };
        for j in (0..m).rev() {
            cost[i][j] = if dots(i) {
                // Stop here, or let `...` take actual[j] and go on.
                cost[i + 1][j].min(cost[i][j + 1])
            } else {
                let mut best = (cost[i + 1][j] + DROP_EXPECTED).min(cost[i][j + 1] + ADD_ACTUAL);
                if loose_match(&expected[i], actual[j]) {
                    best = best.min(cost[i + 1][j + 1]);
                }
                best
            };
        }
    }
    let mut pairs = Vec::new();
    let (mut i, mut j) = (0, 0);
    while i < n || j < m {
        if i == n {
            pairs.push(Pair::Actual(j));
            j += 1;
        } else if dots(i) {
            // `...` takes as few lines as an optimal alignment allows.
            let start = j;
            while j < m && cost[i][j] != cost[i + 1][j] {
                j += 1;
            }
            pairs.push(Pair::Ellipsis(i, start..j));
            i += 1;
        } else if j < m && loose_match(&expected[i], actual[j]) && cost[i][j] == cost[i + 1][j + 1]
        {
            pairs.push(Pair::Both(i, j));
            i += 1;
            j += 1;
        } else if j < m && cost[i][j] == cost[i][j + 1] + ADD_ACTUAL {
            pairs.push(Pair::Actual(j));
            j += 1;
        } else {
            pairs.push(Pair::Expected(i));
            i += 1;
        }
    }
    pairs
}

/// The expected block with every matched wildcard replaced by what it matched: diffed
/// against the actual lines, only real differences show.
pub fn resolved(expected: &[String], actual: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for pair in align(expected, actual) {
        match pair {
            Pair::Both(_, j) => out.push(actual[j].to_owned()),
            Pair::Ellipsis(_, range) => out.extend(actual[range].iter().map(|s| (*s).to_owned())),
            Pair::Expected(i) => out.push(expected[i].clone()),
            Pair::Actual(_) => {}
        }
    }
    out
}

/// The new expected block for `--bless`: the actual lines, keeping the wildcard lines that
/// still match.
pub fn blessed(expected: &[String], actual: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for pair in align(expected, actual) {
        match pair {
            Pair::Both(i, j) => out.push(if has_wildcard(&expected[i]) {
                expected[i].clone()
            } else {
                actual[j].to_owned()
            }),
            Pair::Ellipsis(..) => out.push(ANY_LINES.to_owned()),
            Pair::Expected(_) => {}
            Pair::Actual(j) => out.push(actual[j].to_owned()),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owned(lines: &[&str]) -> Vec<String> {
        lines.iter().map(|s| (*s).to_owned()).collect()
    }

    fn check(expected: &[&str], actual: &[&str]) -> bool {
        matches(&owned(expected), actual, &mut Captures::new())
    }

    #[test]
    fn wildcards_within_and_across_lines() {
        assert!(check(&["id [..] end"], &["id anything at all end"]));
        assert!(check(&["[..]"], &[""]));
        assert!(!check(&["id [..] end"], &["id x ends"]));
        assert!(check(&["a", "...", "z"], &["a", "b", "c", "z"]));
        assert!(check(&["a", "...", "z"], &["a", "z"]));
        assert!(!check(&["a", "...", "z"], &["a", "b"]));
        assert!(check(&["..."], &[]));
        assert!(!check(&["a"], &["a", "b"]));
        assert!(check(
            &["literal [.. not closed"],
            &["literal [.. not closed"]
        ));
    }

    #[test]
    fn captures_repeat_identically_and_persist() {
        let mut caps = Captures::new();
        assert!(matches(
            &owned(&["[..ID..]", "id [..ID..]"]),
            &["x1", "id x1"],
            &mut caps
        ));
        assert_eq!(caps["ID"], "x1");
        assert!(!matches(&owned(&["[..ID..]"]), &["x2"], &mut caps));
        assert!(matches(&owned(&["[..ID..]!"]), &["x1!"], &mut caps));
        let mut fresh = Captures::new();
        assert!(!matches(
            &owned(&["[..A..]", "[..A..]"]),
            &["p", "q"],
            &mut fresh
        ));
        assert!(fresh.is_empty(), "a failed match binds nothing");
    }

    #[test]
    fn resolved_hides_wildcard_matches_and_bless_keeps_them() {
        let expected = owned(&["id [..]", "old", "end"]);
        let actual = ["id 42", "new", "end"];
        assert_eq!(resolved(&expected, &actual), ["id 42", "old", "end"]);
        assert_eq!(blessed(&expected, &actual), ["id [..]", "new", "end"]);
        let expected = owned(&["a", "...", "z"]);
        let actual = ["a", "b", "c", "z", "extra"];
        assert_eq!(resolved(&expected, &actual), ["a", "b", "c", "z"]);
        assert_eq!(blessed(&expected, &actual), ["a", "...", "z", "extra"]);
    }
}
