//! Tab completion and argument hints for the REPL, read from the command table.

use super::args::groups;
use super::commands::{Command, Complete, find};
use super::help::TOPICS;
use super::setting::Setting;

/// Completions for the text before the cursor: where the replaced word starts, and the
/// candidates that replace it. `held` gives what the simulation holds of a kind (stored
/// ids, clients) that starts with a prefix.
pub fn complete(
    commands: &[Command],
    before: &str,
    held: &dyn Fn(Complete, &str) -> Vec<String>,
) -> (usize, Vec<String>) {
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &before[start..];
    let done: Vec<&str> = before[..start].split_whitespace().collect();
    let starting = |names: &mut dyn Iterator<Item = &str>| -> Vec<String> {
        names
            .filter(|n| n.starts_with(word))
            .map(|n| format!("{n} "))
            .collect()
    };
    let Some((name, args)) = done.split_first() else {
        return (start, starting(&mut commands.iter().map(|c| c.name)));
    };
    let Some(command) = find(commands, name) else {
        return (start, Vec::new());
    };
    let opts = options(command.args);
    // The value of an option, wherever it comes: a client after `--client`, strategies
    // after `--strategies`; nothing to offer for the others (a number, a file, a span).
    if let Some(&last) = args.last()
        && opts.iter().any(|(flag, value)| *flag == last && *value)
    {
        let values = match last {
            "--client" => held(Complete::Client, word)
                .into_iter()
                .map(|n| format!("{n} "))
                .collect(),
            "--strategies" => strategies(word),
            _ => Vec::new(),
        };
        return (start, values);
    }
    let unused = || opts.iter().map(|o| o.0).filter(|f| !args.contains(f));
    if !opts.is_empty() && word.starts_with('-') {
        return (start, starting(&mut unused()));
    }
    let positional = positional(args, &opts);
    let kind = command.completes.get(positional.len());
    let candidates = match kind.copied().unwrap_or(Complete::Free) {
        kind @ (Complete::Id | Complete::Client) => held(kind, word)
            .into_iter()
            .map(|id| format!("{id} "))
            .collect(),
        Complete::Path => starting(&mut crate::web::pages::PATHS.iter().copied()),
        Complete::Setting => starting(&mut Setting::ALL.iter().map(|s| s.name())),
        Complete::SettingValue => match positional.last().map(|w| Setting::parse(w)) {
            Some(Ok(setting)) => starting(&mut setting.choices().iter().copied()),
            _ => Vec::new(),
        },
        Complete::Topic => starting(
            &mut commands
                .iter()
                .map(|c| c.name)
                .chain(TOPICS.iter().copied()),
        ),
        Complete::Free => starting(&mut unused()),
    };
    (start, candidates)
}

/// The hint shown after the cursor: the arguments still to type, as redis-cli shows them.
pub fn hint(commands: &[Command], line: &str) -> Option<String> {
    let words: Vec<&str> = line.split_whitespace().collect();
    let (name, args) = words.split_first()?;
    let command = find(commands, name)?;
    if command.args.is_empty() {
        return None;
    }
    if !line.ends_with(char::is_whitespace) {
        // A word is being typed; right after the name, show everything after a space.
        return args.is_empty().then(|| format!(" {}", command.args));
    }
    if args.is_empty() {
        return Some(command.args.to_owned());
    }
    let opts = options(command.args);
    let typed = positional(args, &opts).len();
    let mut rest: Vec<String> = Vec::new();
    let mut slot = 0;
    for group in groups(command.args) {
        if group.trim_start_matches('[').starts_with("--") {
            // An option group goes once one of its options is given.
            if !options(&group).iter().any(|(flag, _)| args.contains(flag)) {
                rest.push(group);
            }
            continue;
        }
        for s in slots(&group) {
            let repeats = s.contains("...");
            if slot >= typed || repeats {
                rest.push(s);
            }
            slot += 1;
        }
    }
    (!rest.is_empty()).then(|| rest.join(" "))
}

/// The options a synopsis names, each with whether a value follows it: `[--limit N |
/// --all]` names `--limit` (with a value) and `--all`.
fn options(synopsis: &str) -> Vec<(&str, bool)> {
    let mut out = Vec::new();
    for group in groups(synopsis) {
        let inner = group.trim_start_matches('[').trim_end_matches(']');
        if !inner.starts_with("--") {
            continue;
        }
        for alternative in inner.split('|') {
            let mut words = alternative.split_whitespace();
            if let Some(flag) = words.next() {
                // The flag lives in the static synopsis, not in this group's copy.
                let at = synopsis.find(flag).unwrap_or(0);
                out.push((&synopsis[at..at + flag.len()], words.next().is_some()));
            }
        }
    }
    out
}

/// The positional words of `args`: without the options `opts` names, and their values.
fn positional<'a>(args: &[&'a str], opts: &[(&str, bool)]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut words = args.iter();
    while let Some(&w) = words.next() {
        match opts.iter().find(|(flag, _)| *flag == w) {
            Some((_, true)) => {
                words.next();
            }
            Some((_, false)) => {}
            None if !opts.is_empty() && w.starts_with("--") => {}
            None => out.push(w),
        }
    }
    out
}

/// Completions of a comma-separated list of GC strategies, `word` being typed: the
/// strategies it does not name yet, after what it has.
fn strategies(word: &str) -> Vec<String> {
    let (done, part) = word.rsplit_once(',').map_or(("", word), |(d, p)| (d, p));
    let named: Vec<&str> = done.split(',').collect();
    crate::gc::Kind::ALL
        .iter()
        .map(|k| k.name())
        .filter(|n| n.starts_with(part) && !named.contains(n))
        .map(|n| {
            if done.is_empty() {
                n.to_owned()
            } else {
                format!("{done},{n}")
            }
        })
        .collect()
}

/// The argument positions of one synopsis group: `[NAME [VALUE]]` holds `[NAME]` and
/// `[VALUE]`; any other group is one position.
fn slots(group: &str) -> Vec<String> {
    let inner = group
        .strip_prefix('[')
        .and_then(|g| g.strip_suffix(']'))
        .filter(|g| g.contains('['));
    let Some(inner) = inner else {
        return vec![group.to_owned()];
    };
    let mut parts = groups(inner).into_iter();
    let first = parts.next().map(|p| format!("[{p}]"));
    first
        .into_iter()
        .chain(parts.flat_map(|p| slots(&p)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shell::commands::COMMANDS;

    fn names(before: &str, ids: &[&str]) -> Vec<String> {
        let owned: Vec<String> = ids.iter().map(|s| (*s).to_owned()).collect();
        let lookup = move |_: Complete, prefix: &str| -> Vec<String> {
            let mut v: Vec<String> = owned
                .iter()
                .filter(|id| id.starts_with(prefix))
                .cloned()
                .collect();
            v.sort();
            v
        };
        complete(COMMANDS, before, &lookup).1
    }

    fn hint_of(line: &str) -> Option<String> {
        hint(COMMANDS, line)
    }

    #[test]
    fn completes_commands_ids_settings_and_topics() {
        assert_eq!(names("se", &[]), ["set "]);
        assert_eq!(
            names("get al", &["alice", "bob", "alan"]),
            ["alan ", "alice "]
        );
        assert_eq!(names("set alice ", &["alice"]), Vec::<String>::new());
        assert_eq!(names("config max", &[]), ["max-lifetime "]);
        assert_eq!(names("config auto-gc o", &[]), ["on ", "off "]);
        assert_eq!(
            names("config defects B", &[]),
            ["B1 ", "B3 ", "B4 ", "B5 ", "B7 ", "B8 ", "B11 ", "B14 "]
        );
        assert_eq!(names("help bo", &[]), ["book "]);
        assert_eq!(names("list --a", &[]), ["--all "]);
        assert_eq!(names("log --all a", &["alice"]), ["alice "]);
        let held = |kind: Complete, prefix: &str| match kind {
            Complete::Client => vec![format!("{prefix}-client")],
            _ => vec![format!("{prefix}-id")],
        };
        assert_eq!(complete(COMMANDS, "log --client m", &held).1, ["m-client "]);
        assert_eq!(complete(COMMANDS, "log --client bob m", &held).1, ["m-id "]);
        assert_eq!(complete(COMMANDS, "copy-cookie a", &held).1, ["a-client "]);
        assert_eq!(complete(COMMANDS, "visit a /c", &held).1, ["/count "]);
        assert_eq!(complete(COMMANDS, "regenerate x", &held).1, ["x-id "]);
        assert_eq!(complete(COMMANDS, "get al", &|_, _| vec![]).0, 4);
        assert_eq!(
            names("compare --rate 5/h --", &[]),
            ["--strategies ", "--duration ", "--svg ", "--csv "]
        );
        assert_eq!(
            names("compare --strategies ", &[]),
            ["timer", "lazy", "php", "sampling"]
        );
        assert_eq!(names("compare --strategies lazy,p", &[]), ["lazy,php"]);
        assert_eq!(
            names("compare --strategies lazy,", &[]),
            ["lazy,timer", "lazy,php", "lazy,sampling"]
        );
        assert_eq!(names("compare --duration ", &[]), Vec::<String>::new());
    }

    #[test]
    fn hints_show_the_arguments_left() {
        assert_eq!(hint_of("set").as_deref(), Some(" SID KEY VALUE"));
        assert_eq!(hint_of("set ").as_deref(), Some("SID KEY VALUE"));
        assert_eq!(hint_of("set a ").as_deref(), Some("KEY VALUE"));
        assert_eq!(hint_of("set a k v "), None);
        assert_eq!(hint_of("set a"), None);
        assert_eq!(hint_of("gc").as_deref(), Some(" [--limit N | --all]"));
        assert_eq!(hint_of("clock"), None);
        assert_eq!(hint_of("config ").as_deref(), Some("[NAME [VALUE]]"));
        assert_eq!(hint_of("config max-lifetime ").as_deref(), Some("[VALUE]"));
        assert_eq!(hint_of("list --all "), None);
        assert_eq!(hint_of("list --limit 3 "), None);
        assert_eq!(
            hint_of("log alice ").as_deref(),
            Some("[--client NAME] [--limit N | --all]")
        );
        assert_eq!(
            hint_of("log --client bob ").as_deref(),
            Some("[SID] [--limit N | --all]")
        );
        assert_eq!(
            hint_of("log --all ").as_deref(),
            Some("[SID] [--client NAME]")
        );
        assert_eq!(
            hint_of("compare --rate 10/h ").as_deref(),
            Some("[--strategies L] [--duration D] [--svg F] [--csv F]")
        );
    }
}
