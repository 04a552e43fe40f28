//! The line language: one line of text into one [`Command`], or a clear error.

use std::time::Duration;

use crate::help::{self, CommandSpec};
use crate::time::parse_duration;
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

/// A setting `config` shows; the first four can be changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(missing_docs)] // Each variant is the setting that `name` and `meaning` describe.
pub enum Setting {
    MaxLifetime,
    GcInterval,
    AutoGc,
    Capacity,
    Provider,
    CookieName,
    NextGc,
    Clock,
    Seed,
    LogCapacity,
}

impl Setting {
    /// Every setting, in table order.
    pub const ALL: [Setting; 10] = [
        Setting::Provider,
        Setting::CookieName,
        Setting::MaxLifetime,
        Setting::GcInterval,
        Setting::AutoGc,
        Setting::NextGc,
        Setting::Capacity,
        Setting::Clock,
        Setting::Seed,
        Setting::LogCapacity,
    ];

    /// The setting's name.
    pub fn name(self) -> &'static str {
        match self {
            Setting::MaxLifetime => "max-lifetime",
            Setting::GcInterval => "gc-interval",
            Setting::AutoGc => "auto-gc",
            Setting::Capacity => "capacity",
            Setting::Provider => "provider",
            Setting::CookieName => "cookie-name",
            Setting::NextGc => "next-gc",
            Setting::Clock => "clock",
            Setting::Seed => "seed",
            Setting::LogCapacity => "log-capacity",
        }
    }

    /// What the setting means, as `config` explains it.
    pub fn meaning(self) -> &'static str {
        match self {
            Setting::MaxLifetime => "idle time before a session expires",
            Setting::GcInterval => "period of the GC timer (auto: max-lifetime)",
            Setting::AutoGc => "whether the GC timer runs",
            Setting::Capacity => "most sessions stored; the back one is evicted",
            Setting::Provider => "flavour (--provider; fixed at start)",
            Setting::CookieName => "the manager's cookie name",
            Setting::NextGc => "when the GC timer fires next",
            Setting::Clock => "virtual or system (--clock)",
            Setting::Seed => "seeded ids are predictable (--seed)",
            Setting::LogCapacity => "events the log keeps",
        }
    }

    /// Whether `config NAME VALUE` may change it.
    pub fn is_settable(self) -> bool {
        matches!(
            self,
            Setting::MaxLifetime | Setting::GcInterval | Setting::AutoGc | Setting::Capacity
        )
    }

    fn parse(word: &str) -> Result<Setting> {
        Setting::ALL
            .into_iter()
            .find(|s| s.name() == word)
            .ok_or_else(|| {
                let names = Setting::ALL.iter().map(|s| s.name());
                let guess = help::nearest(word, names.clone())
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Error::Usage(format!(
                    "unknown setting `{word}`; {guess}settings are {}",
                    names.collect::<Vec<_>>().join(", ")
                ))
            })
    }
}

/// One parsed command line; `help COMMAND` tells what each does. Ids are never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(missing_docs)] // The fields are the arguments named in each command's synopsis.
pub enum Command {
    /// `new [SID]`
    New(Option<String>),
    /// `read SID`
    Read(String),
    /// `set SID KEY VALUE`
    Set {
        id: String,
        key: String,
        value: String,
    },
    /// `get SID KEY`
    Get { id: String, key: String },
    /// `del SID KEY`
    Del { id: String, key: String },
    /// `incr SID KEY [BY]`, BY 1 when not given.
    Incr { id: String, key: String, by: i64 },
    /// `touch SID`
    Touch(String),
    /// `destroy SID`
    Destroy(String),
    /// `show SID`
    Show(String),
    /// `list [--limit N | --all]`
    List(Limit),
    /// `lru [--limit N | --all]`
    Lru(Limit),
    /// `timeline [--limit N | --all]`
    Timeline(Limit),
    /// `gc [--limit N | --all]`
    Gc(Limit),
    /// `advance-clock DURATION`
    AdvanceClock(Duration),
    /// `clock`
    Clock,
    /// `config [NAME [VALUE]]`
    Config {
        setting: Option<Setting>,
        value: Option<String>,
    },
    /// `stats`
    Stats,
    /// `log [SID] [--limit N | --all]`
    Log { id: Option<String>, limit: Limit },
    /// `help [TOPIC]`
    Help(Option<String>),
    /// `quit` or `exit`
    Quit,
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

/// Parses one line; `None` for a blank line or a comment.
pub fn parse(line: &str) -> Result<Option<Command>> {
    let words = split(line)?;
    match words.split_first() {
        None => Ok(None),
        Some((name, args)) => parse_words(name, args).map(Some),
    }
}

/// Parses a command name and its arguments.
pub fn parse_words(name: &str, args: &[String]) -> Result<Command> {
    let spec = help::spec(name).ok_or_else(|| unknown_command(name))?;
    let cmd = match name {
        "new" => {
            arity(spec, args, 0, 1)?;
            Command::New(args.first().map(|id| id_arg(id)).transpose()?)
        }
        "read" => Command::Read(one_id(spec, args)?),
        "touch" => Command::Touch(one_id(spec, args)?),
        "destroy" => Command::Destroy(one_id(spec, args)?),
        "show" => Command::Show(one_id(spec, args)?),
        "set" => {
            arity(spec, args, 3, 3)?;
            Command::Set {
                id: id_arg(&args[0])?,
                key: args[1].clone(),
                value: args[2].clone(),
            }
        }
        "get" | "del" => {
            arity(spec, args, 2, 2)?;
            let (id, key) = (id_arg(&args[0])?, args[1].clone());
            if name == "get" {
                Command::Get { id, key }
            } else {
                Command::Del { id, key }
            }
        }
        "incr" => {
            arity(spec, args, 2, 3)?;
            let by = match args.get(2) {
                None => 1,
                Some(text) => text.parse().map_err(|_| {
                    Error::Usage(format!(
                        "invalid BY `{text}`: expected a whole number between {} and {}",
                        i64::MIN,
                        i64::MAX
                    ))
                })?,
            };
            Command::Incr {
                id: id_arg(&args[0])?,
                key: args[1].clone(),
                by,
            }
        }
        "list" => Command::List(only_limit(spec, args)?),
        "lru" => Command::Lru(only_limit(spec, args)?),
        "timeline" => Command::Timeline(only_limit(spec, args)?),
        "gc" => Command::Gc(only_limit(spec, args)?),
        "clock" | "stats" | "quit" | "exit" => {
            arity(spec, args, 0, 0)?;
            match name {
                "clock" => Command::Clock,
                "stats" => Command::Stats,
                _ => Command::Quit,
            }
        }
        "advance-clock" => {
            arity(spec, args, 1, 1)?;
            Command::AdvanceClock(parse_duration(&args[0])?)
        }
        "config" => {
            arity(spec, args, 0, 2)?;
            Command::Config {
                setting: args.first().map(|w| Setting::parse(w)).transpose()?,
                value: args.get(1).cloned(),
            }
        }
        "log" => {
            let (limit, rest) = limit_and_rest(spec, args)?;
            arity(spec, &rest, 0, 1)?;
            Command::Log {
                id: rest.first().map(|id| id_arg(id)).transpose()?,
                limit,
            }
        }
        "help" => {
            arity(spec, args, 0, 1)?;
            Command::Help(args.first().cloned())
        }
        _ => return Err(unknown_command(name)),
    };
    Ok(cmd)
}

/// The error for a word that names no command, with the nearest command suggested.
pub fn unknown_command(name: &str) -> Error {
    let lower = name.to_lowercase();
    let hint = if help::spec(&lower).is_some() {
        format!("commands are lowercase: did you mean `{lower}`?")
    } else if let Some(n) = help::nearest(&lower, help::COMMANDS.iter().map(|c| c.name)) {
        format!("did you mean `{n}`?")
    } else {
        "type `help` for the list of commands".to_owned()
    };
    Error::Usage(format!(
        "unknown command `{}`; {hint}",
        crate::error::shown(name)
    ))
}

fn usage(spec: &CommandSpec, why: &str) -> Error {
    Error::Usage(format!("{why}; usage: {}", spec.synopsis()))
}

fn arity<T>(spec: &CommandSpec, args: &[T], min: usize, max: usize) -> Result<()> {
    let n = args.len();
    if n < min {
        let what = if n == 0 {
            "no arguments".to_owned()
        } else {
            format!("only {n}")
        };
        return Err(usage(
            spec,
            &format!("`{}` needs more arguments ({what} given)", spec.name),
        ));
    }
    if n > max {
        let what = match max {
            0 => "no arguments".to_owned(),
            1 => "at most 1 argument".to_owned(),
            _ => format!("at most {max} arguments"),
        };
        return Err(usage(
            spec,
            &format!("`{}` takes {what} ({n} given)", spec.name),
        ));
    }
    Ok(())
}

fn id_arg(id: &str) -> Result<String> {
    if id.is_empty() {
        return Err(Error::Empty("a session id"));
    }
    Ok(id.to_owned())
}

fn one_id(spec: &CommandSpec, args: &[String]) -> Result<String> {
    arity(spec, args, 1, 1)?;
    id_arg(&args[0])
}

fn only_limit(spec: &CommandSpec, args: &[String]) -> Result<Limit> {
    let (limit, rest) = limit_and_rest(spec, args)?;
    arity(spec, &rest, 0, 0)?;
    Ok(limit)
}

/// Takes `--all`, `--limit N` or `--limit=N` out of the arguments.
fn limit_and_rest<'a>(spec: &CommandSpec, args: &'a [String]) -> Result<(Limit, Vec<&'a String>)> {
    let mut limit = Limit::Default;
    let mut rest = Vec::new();
    let mut words = args.iter();
    while let Some(word) = words.next() {
        let next = match word.as_str() {
            "--all" => Limit::All,
            "--limit" => {
                let n = words
                    .next()
                    .ok_or_else(|| usage(spec, "`--limit` needs a number"))?;
                count(spec, n)?
            }
            w if w.starts_with("--limit=") => count(spec, &w["--limit=".len()..])?,
            w if w.starts_with("--") => {
                return Err(usage(spec, &format!("unknown option `{w}`")));
            }
            _ => {
                rest.push(word);
                continue;
            }
        };
        if limit != Limit::Default {
            return Err(usage(spec, "give one of --limit N and --all"));
        }
        limit = next;
    }
    Ok((limit, rest))
}

fn count(spec: &CommandSpec, text: &str) -> Result<Limit> {
    text.parse::<usize>().map(Limit::Count).map_err(|_| {
        usage(
            spec,
            &format!("invalid --limit `{text}`: expected a whole number"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(line: &str) -> String {
        parse(line).unwrap_err().to_string()
    }

    #[test]
    fn quoted_values_and_comments() {
        assert_eq!(
            parse("set a k 'two words'").unwrap(),
            Some(Command::Set {
                id: "a".into(),
                key: "k".into(),
                value: "two words".into()
            })
        );
        assert_eq!(parse("  # a comment").unwrap(), None);
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(
            parse("log a --limit 3").unwrap(),
            Some(Command::Log {
                id: Some("a".into()),
                limit: Limit::Count(3)
            })
        );
    }

    #[test]
    fn errors_are_one_clear_line() {
        assert_eq!(
            err("sett a k v"),
            "unknown command `sett`; did you mean `set`?"
        );
        assert_eq!(
            err("SET a k v"),
            "unknown command `SET`; commands are lowercase: did you mean `set`?"
        );
        assert_eq!(
            err("set a k"),
            "`set` needs more arguments (only 2 given); usage: set SID KEY VALUE"
        );
        assert_eq!(
            err("gc now"),
            "`gc` takes no arguments (1 given); usage: gc [--limit N | --all]"
        );
        assert_eq!(err("touch ''"), "a session id must not be empty");
        assert_eq!(
            err("get a 'k"),
            "unterminated quote or trailing backslash; close the quote"
        );
        assert!(err("advance-clock 10").contains("a unit is needed"));
        assert!(err("set a k \u{0}").contains("U+0000"));
        assert!(err("config colour 1").contains("unknown setting `colour`"));
        assert!(err(&"x".repeat(MAX_LINE + 1)).contains("the limit is 65536"));
    }
}
