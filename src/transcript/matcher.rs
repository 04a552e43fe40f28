//! A block of expected lines against what a command printed: whether it matches, how the
//! two line up (for a diff that shows only real differences), and what `--bless` writes.

use std::collections::HashSet;
use std::ops::Range;

use super::pattern::{Captures, Pattern};

/// Whether `actual` matches the `expected` patterns. On success the captures made are
/// added to `captures`; on failure `captures` is unchanged.
pub fn matches(expected: &[Pattern], actual: &[&str], captures: &mut Captures) -> bool {
    match lines(expected, actual, captures) {
        Some(found) => {
            *captures = found;
            true
        }
        None => false,
    }
}

fn lines(expected: &[Pattern], actual: &[&str], caps: &Captures) -> Option<Captures> {
    let Some((first, rest)) = expected.split_first() else {
        return actual.is_empty().then(|| caps.clone());
    };
    if *first == Pattern::AnyLines {
        return (0..=actual.len()).find_map(|skip| lines(rest, &actual[skip..], caps));
    }
    let (line, more) = actual.split_first()?;
    let caps = first.match_line(line, caps)?;
    lines(rest, more, &caps)
}

/// How expected and actual lines line up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pair {
    /// The pattern matched the line.
    Both(usize, usize),
    /// `...` stood for these actual lines.
    Ellipsis(usize, Range<usize>),
    /// The pattern did not match the line in its place: the line changed.
    Changed(usize, usize),
    /// An expected line with no counterpart.
    Expected(usize),
    /// An actual line with no counterpart.
    Actual(usize),
}

/// What an unmatched expected line costs in [`align`]: more than an unmatched actual line,
/// so that among equally good alignments the one that keeps expected lines wins, and `...`
/// does not swallow lines that still match.
const DROP_EXPECTED: usize = 30;
/// What an unmatched actual line costs in [`align`].
const ADD_ACTUAL: usize = 20;

/// What it costs to pair an expected line with an actual line it matches: nothing for a
/// literal line, a little for a wildcard line, so that a literal line that still appears
/// keeps its line when a wildcard could take it too.
fn match_cost(expected: &Pattern) -> usize {
    match expected {
        Pattern::Literal(_) => 0,
        _ => 1,
    }
}

/// What it costs to pair an expected line with an actual line it does not match: less than
/// dropping the expected line, so that a line that changed in its place shows as changed
/// there (rather than dropped while a `...` beside it swallows its replacement), and less
/// the more alike the two lines are, so that a changed row pairs with its new self.
fn change_cost(expected: &str, actual: &str) -> usize {
    let (e, a) = (expected.as_bytes(), actual.as_bytes());
    let longest = e.len().max(a.len()).max(1);
    let prefix = e.iter().zip(a).take_while(|(x, y)| x == y).count();
    let suffix = e
        .iter()
        .rev()
        .zip(a.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let alike = (prefix + suffix).min(longest);
    10 + 15 * (longest - alike) / longest
}

/// The alignment of `expected` with `actual` that costs least (see the costs above).
pub fn align(expected: &[Pattern], actual: &[&str]) -> Vec<Pair> {
    let (n, m) = (expected.len(), actual.len());
    if n.saturating_mul(m) > 4_000_000 {
        // Too big to align: show everything as different.
        return (0..n)
            .map(Pair::Expected)
            .chain((0..m).map(Pair::Actual))
            .collect();
    }
    let dots = |i: usize| expected[i] == Pattern::AnyLines;
    let fits = |i: usize, j: usize| expected[i].loosely_matches(actual[j]);
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
                let step = if fits(i, j) {
                    match_cost(&expected[i])
                } else {
                    change_cost(expected[i].text(), actual[j])
                };
                (cost[i + 1][j + 1] + step)
                    .min(cost[i + 1][j] + DROP_EXPECTED)
                    .min(cost[i][j + 1] + ADD_ACTUAL)
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
        } else if j < m && fits(i, j) && cost[i][j] == cost[i + 1][j + 1] + match_cost(&expected[i])
        {
            pairs.push(Pair::Both(i, j));
            (i, j) = (i + 1, j + 1);
        } else if j < m
            && !fits(i, j)
            && cost[i][j] == cost[i + 1][j + 1] + change_cost(expected[i].text(), actual[j])
        {
            pairs.push(Pair::Changed(i, j));
            (i, j) = (i + 1, j + 1);
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
/// against the actual lines, only real differences show, each at its place. A line whose
/// capture does not repeat shows with the text the capture holds.
pub fn resolved(expected: &[Pattern], actual: &[&str], captures: &Captures) -> Vec<String> {
    let mut caps = captures.clone();
    let mut out = Vec::new();
    for pair in align(expected, actual) {
        match pair {
            Pair::Both(i, j) => match expected[i].match_line(actual[j], &caps) {
                Some(found) => {
                    caps = found;
                    out.push(actual[j].to_owned());
                }
                None => out.push(expected[i].shown(&caps)),
            },
            Pair::Ellipsis(_, range) => out.extend(actual[range].iter().map(|s| (*s).to_owned())),
            Pair::Changed(i, _) | Pair::Expected(i) => out.push(expected[i].shown(&caps)),
            Pair::Actual(_) => {}
        }
    }
    out
}

/// The block `--bless` writes for `actual`: it never asserts less than it must.
///
/// Every expected line that was literal and still appears in the output stays literal;
/// every output line that no wildcard covers is written literally; wildcard lines and
/// `...` that still match are kept. The block matches `actual` with the `captures` made
/// before it (a capture that no longer repeats is written literally instead).
pub fn blessed(expected: &[Pattern], actual: &[&str], captures: &Captures) -> Vec<Pattern> {
    if matches(expected, actual, &mut captures.clone()) {
        return expected.to_vec();
    }
    let pairs = align(expected, actual);
    let literal = |j: usize| Pattern::Literal(actual[j].to_owned());
    let kept: HashSet<&str> = expected
        .iter()
        .filter_map(|p| match p {
            Pattern::Literal(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let build = |keep_captures: bool| -> Vec<Pattern> {
        let mut out = Vec::new();
        for pair in &pairs {
            match pair {
                Pair::Both(i, j) => {
                    let p = &expected[*i];
                    let keep = match p {
                        // A wildcard line keeps its place, unless what it matched is a literal
                        // line of the block that must stay asserted.
                        Pattern::Wild(_) => {
                            !kept.contains(actual[*j]) && (keep_captures || p.captures().is_empty())
                        }
                        _ => true,
                    };
                    out.push(if keep { p.clone() } else { literal(*j) });
                }
                Pair::Ellipsis(_, range) => {
                    // A literal line that still appears stays asserted. The one `...` then
                    // covers the lines before the first such line or after the last, which
                    // ever are fewer, and the rest of the range is written literally.
                    let held: Vec<usize> = range
                        .clone()
                        .filter(|&j| kept.contains(actual[j]))
                        .collect();
                    match (held.first(), held.last()) {
                        (Some(&first), Some(&last))
                            if first - range.start < range.end - 1 - last =>
                        {
                            out.extend((range.start..=last).map(literal));
                            out.push(Pattern::AnyLines);
                        }
                        (Some(&first), Some(_)) => {
                            out.push(Pattern::AnyLines);
                            out.extend((first..range.end).map(literal));
                        }
                        _ => out.push(Pattern::AnyLines),
                    }
                }
                Pair::Changed(_, j) | Pair::Actual(j) => out.push(literal(*j)),
                Pair::Expected(_) => {}
            }
        }
        out.dedup_by(|a, b| *a == Pattern::AnyLines && *b == Pattern::AnyLines);
        out
    };
    for keep_captures in [true, false] {
        let block = build(keep_captures);
        if matches(&block, actual, &mut captures.clone()) {
            return block;
        }
    }
    (0..actual.len()).map(literal).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pats(lines: &[&str]) -> Vec<Pattern> {
        lines.iter().map(|l| Pattern::read(l)).collect()
    }

    fn check(expected: &[&str], actual: &[&str]) -> bool {
        matches(&pats(expected), actual, &mut Captures::new())
    }

    fn written(block: &[Pattern]) -> Vec<String> {
        block.iter().map(Pattern::written).collect()
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
        assert!(!check(&["\\..."], &["a"]), "an escaped ... is literal");
        assert!(check(&["\\..."], &["..."]));
        assert!(
            !check(&["\\[..]"], &["x"]),
            "an escaped wildcard is literal"
        );
    }

    #[test]
    fn captures_repeat_identically_and_persist() {
        let mut caps = Captures::new();
        assert!(matches(
            &pats(&["[..ID..]", "id [..ID..]"]),
            &["x1", "id x1"],
            &mut caps
        ));
        assert_eq!(caps["ID"], "x1");
        assert!(!matches(&pats(&["[..ID..]"]), &["x2"], &mut caps));
        let mut fresh = Captures::new();
        assert!(!matches(
            &pats(&["[..A..]", "[..A..]"]),
            &["p", "q"],
            &mut fresh
        ));
        assert!(fresh.is_empty(), "a failed match binds nothing");
    }

    #[test]
    fn a_changed_line_shows_in_its_place_even_beside_three_dots() {
        let expected = pats(&["session alice", "state dead", "..."]);
        let actual = ["session alice", "state live", "expires x"];
        assert_eq!(
            resolved(&expected, &actual, &Captures::new()),
            ["session alice", "state dead", "expires x"]
        );
        assert_eq!(
            written(&blessed(&expected, &actual, &Captures::new())),
            ["session alice", "state live", "..."]
        );
    }

    #[test]
    fn bless_keeps_wildcards_that_match_and_literals_that_still_appear() {
        let expected = pats(&["id [..]", "old", "end"]);
        let actual = ["id 42", "new", "end"];
        assert_eq!(
            resolved(&expected, &actual, &Captures::new()),
            ["id 42", "old", "end"]
        );
        assert_eq!(
            written(&blessed(&expected, &actual, &Captures::new())),
            ["id [..]", "new", "end"]
        );
        // A literal row between two `...` that changed becomes the new row, not `...`.
        let expected = pats(&["...", "│ 2 ┆ alice ┆ live │", "..."]);
        let actual = ["head", "│ 2 ┆ alice ┆ expired │", "foot"];
        assert_eq!(
            written(&blessed(&expected, &actual, &Captures::new())),
            ["...", "│ 2 ┆ alice ┆ expired │", "..."]
        );
        // A literal that moved under `...` stays asserted there.
        let expected = pats(&["x", "..."]);
        let actual = ["y", "z", "x"];
        let block = blessed(&expected, &actual, &Captures::new());
        assert!(matches(&block, &actual, &mut Captures::new()));
        assert!(block.contains(&Pattern::Literal("x".into())), "{block:?}");
        // Output that looks like a wildcard is written so that it stays literal.
        let block = blessed(&pats(&["a"]), &["..."], &Captures::new());
        assert_eq!(written(&block), ["\\..."]);
    }

    #[test]
    fn a_capture_that_does_not_repeat_shows_in_the_diff_with_its_text() {
        let caps = Captures::from([("ID".to_owned(), "x1".to_owned())]);
        let expected = pats(&["evicted [..ID..]: at the back", "third"]);
        let actual = ["evicted x2: at the back", "third"];
        assert_eq!(
            resolved(&expected, &actual, &caps),
            ["evicted x1: at the back", "third"]
        );
    }

    #[test]
    fn bless_never_writes_more_three_dots_than_it_found() {
        // A header row written after the line under it: `...` covered the real header.
        let expected = pats(&["╭─╮", "...", "╞═╡", "│ time │", "│ a │", "╰─╯"]);
        let actual = ["╭─╮", "│ time │", "╞═╡", "│ a │", "╰─╯"];
        let block = blessed(&expected, &actual, &Captures::new());
        assert!(matches(&block, &actual, &mut Captures::new()), "{block:?}");
        let dots = block.iter().filter(|p| **p == Pattern::AnyLines).count();
        assert_eq!(dots, 1, "{:?}", written(&block));
        assert!(block.contains(&Pattern::Literal("│ time │".into())));
    }

    #[test]
    fn a_capture_that_no_longer_repeats_is_blessed_literally() {
        let caps = Captures::from([("ID".to_owned(), "x1".to_owned())]);
        let block = blessed(&pats(&["id [..ID..]", "old"]), &["id x2", "new"], &caps);
        assert_eq!(written(&block), ["id x2", "new"]);
    }
}
