//! Tab completion and argument hints for the REPL, computed from the command table.

use crate::command::Setting;
use crate::help::{self, COMMANDS, TOPICS};

/// Completions for the text before the cursor: where the replaced word starts, and the
/// candidates that replace it. `ids` are the live session ids.
pub fn complete<'a>(before: &str, ids: impl Iterator<Item = &'a str>) -> (usize, Vec<String>) {
    let start = before.rfind(char::is_whitespace).map_or(0, |i| {
        i + before[i..].chars().next().map_or(1, char::len_utf8)
    });
    let word = &before[start..];
    let done: Vec<&str> = before[..start].split_whitespace().collect();
    let with_space =
        |names: Vec<&str>| -> Vec<String> { names.into_iter().map(|n| format!("{n} ")).collect() };
    let Some((command, args)) = done.split_first() else {
        let names = COMMANDS
            .iter()
            .map(|c| c.name)
            .filter(|n| n.starts_with(word));
        return (start, with_space(names.collect()));
    };
    let Some(spec) = help::spec(command) else {
        return (start, Vec::new());
    };
    let position = args.len();
    let candidates: Vec<&str> = match (spec.name, position) {
        ("help", 0) => COMMANDS
            .iter()
            .map(|c| c.name)
            .chain(TOPICS.iter().copied())
            .filter(|n| n.starts_with(word))
            .collect(),
        ("config", 0) => Setting::ALL
            .iter()
            .map(|s| s.name())
            .filter(|n| n.starts_with(word))
            .collect(),
        ("config", 1) => match args[0] {
            "auto-gc" => vec!["on", "off"],
            "gc-interval" => vec!["auto"],
            "capacity" => vec!["none"],
            _ => vec![],
        }
        .into_iter()
        .filter(|n| n.starts_with(word))
        .collect(),
        (_, p) if spec.id_args.contains(&p) && !word.starts_with('-') => {
            let mut ids: Vec<&str> = ids.filter(|id| id.starts_with(word)).collect();
            ids.sort_unstable();
            ids
        }
        _ if spec.args.contains("--all") => ["--all", "--limit"]
            .into_iter()
            .filter(|n| n.starts_with(word))
            .collect(),
        _ => Vec::new(),
    };
    (start, with_space(candidates))
}

/// The hint shown after the cursor: the arguments still to type, as redis-cli shows them.
pub fn hint(line: &str) -> Option<String> {
    let ends_in_space = line.ends_with(char::is_whitespace);
    let words: Vec<&str> = line.split_whitespace().collect();
    let (command, args) = words.split_first()?;
    let spec = help::spec(command)?;
    if spec.args.is_empty() {
        return None;
    }
    // Arguments fully typed so far; a word still being typed is not counted.
    let typed = if ends_in_space {
        args.len()
    } else if args.is_empty() {
        // The command name itself is being typed: show everything after a space.
        return Some(format!(" {}", spec.args));
    } else {
        return None;
    };
    let rest: Vec<&str> = spec.args.split_whitespace().skip(typed).collect();
    (!rest.is_empty()).then(|| rest.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(before: &str, ids: &[&str]) -> Vec<String> {
        complete(before, ids.iter().copied()).1
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
        assert_eq!(names("help bo", &[]), ["book "]);
        assert_eq!(names("list --a", &[]), ["--all "]);
        assert_eq!(complete("get al", ["alice"].into_iter()).0, 4);
    }

    #[test]
    fn hints_show_the_arguments_left() {
        assert_eq!(hint("set").as_deref(), Some(" SID KEY VALUE"));
        assert_eq!(hint("set ").as_deref(), Some("SID KEY VALUE"));
        assert_eq!(hint("set a ").as_deref(), Some("KEY VALUE"));
        assert_eq!(hint("set a k v "), None);
        assert_eq!(hint("set a"), None);
        assert_eq!(hint("gc").as_deref(), Some(" [--limit N | --all]"));
        assert_eq!(hint("clock"), None);
    }
}
