//! The command table: each command defined once, with its name, synopsis, help, what its
//! arguments complete to, what kind of command it is, and its handler.
//!
//! `help`, completion, hints, usage errors and "did you mean" all read this table, so a
//! command added to it (and its handler) is complete with nothing else changed. The
//! handlers live beside their entries, by theme.

mod clock;
mod compare;
mod config;
mod looks;
mod meta;
mod sessions;
mod web;

use super::Shell;
use super::args::Args;
use super::reply::Reply;
use crate::Result;

/// What kind of command it is, for the shell's bookkeeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Changes the simulation through the manager, whose operations let GC catch up first.
    Act,
    /// Only looks. Under the system clock, GC catches up first, so that what is shown is
    /// current.
    Look,
    /// Acts on the shell or the session at the prompt (`help`, `reset`, `quit`).
    Shell,
}

/// What an argument position completes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Complete {
    /// A stored session id.
    Id,
    /// A client's name.
    Client,
    /// A page of the simulated site.
    Path,
    /// A setting's name.
    Setting,
    /// A value for the setting named before it.
    SettingValue,
    /// A command or a help topic.
    Topic,
    /// Nothing to offer.
    Free,
}

/// The handler of a command: reads its arguments, then acts. It must read every argument
/// (and fail on a bad one) before it changes anything.
pub type Handler = fn(&mut Shell, &mut Args<'_>) -> Result<Reply>;

/// One command of the line language.
#[derive(Debug, Clone, Copy)]
pub struct Command {
    /// The command's name.
    pub name: &'static str,
    /// Its arguments, as shown in usage lines and hints; how many it takes is read here.
    pub args: &'static str,
    /// One line of meaning.
    pub summary: &'static str,
    /// More about what it does.
    pub detail: &'static str,
    /// A line that uses it.
    pub example: &'static str,
    /// The book's call it mirrors.
    pub mirrors: &'static str,
    /// What each argument position completes to.
    pub completes: &'static [Complete],
    /// What kind of command it is.
    pub kind: Kind,
    /// What it does.
    pub run: Handler,
}

impl Command {
    /// `name args`, the synopsis.
    pub fn synopsis(&self) -> String {
        if self.args.is_empty() {
            self.name.to_owned()
        } else {
            format!("{} {}", self.name, self.args)
        }
    }
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[Command] = &[
    sessions::NEW,
    sessions::READ,
    sessions::SET,
    sessions::GET,
    sessions::DEL,
    sessions::INCR,
    sessions::TOUCH,
    sessions::DESTROY,
    looks::SHOW,
    looks::LIST,
    looks::LRU,
    looks::TIMELINE,
    clock::GC,
    clock::ADVANCE_CLOCK,
    clock::CLOCK,
    config::CONFIG,
    web::VISIT,
    web::CLIENTS,
    web::COOKIE,
    web::COPY_COOKIE,
    web::DOCUMENT_COOKIE,
    web::REGENERATE,
    looks::STATS,
    looks::LOG,
    compare::COMPARE,
    meta::RESET,
    meta::SOURCE,
    meta::CLEAR,
    meta::HELP,
    meta::QUIT,
    meta::EXIT,
];

/// The command called `name` in `table`.
pub fn find<'a>(table: &'a [Command], name: &str) -> Option<&'a Command> {
    table.iter().find(|c| c.name == name)
}

/// The known name closest to `word`, if any is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(word, n), n))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// The error for a word that names no command in `table`, with the nearest suggested.
pub fn unknown(table: &[Command], name: &str) -> crate::Error {
    let lower = name.to_lowercase();
    let hint = if find(table, &lower).is_some() {
        format!("commands are lowercase: did you mean `{lower}`?")
    } else if let Some(n) = nearest(&lower, table.iter().map(|c| c.name)) {
        format!("did you mean `{n}`?")
    } else {
        "type `help` for the list of commands".to_owned()
    };
    crate::Error::Usage(format!(
        "unknown command `{}`; {hint}",
        crate::error::shown(name)
    ))
}
