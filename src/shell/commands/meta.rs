//! Commands about the session at the prompt: `reset`, `help`, `quit` and `exit`.

use super::{Command, Complete, Kind};
use crate::Result;
use crate::shell::Shell;
use crate::shell::args::Args;
use crate::shell::global::GlobalArgs;
use crate::shell::help;
use crate::shell::reply::Reply;

/// `reset [OPTION...]`
pub const RESET: Command = Command {
    name: "reset",
    args: "[OPTION...]",
    summary: "start afresh, with other options if given",
    detail: "Throws the sessions, the clock, the counters and the log away and starts \
             again. OPTIONs are the command line's, such as --defects all or --seed 3; they \
             are laid over the options sessim started with, so `reset` alone starts over as \
             sessim began. A lesson can so run the book's code and the fixed code side by \
             side. --format and --color cannot change here.",
    example: "reset --defects none",
    mirrors: "",
    completes: &[],
    kind: Kind::Shell,
    run: reset,
};

fn reset(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let words = a.rest();
    let given = GlobalArgs::parse_words(&words).map_err(|e| a.usage(&e))?;
    if given.format.is_some() || given.color.is_some() {
        return Err(a.usage("--format and --color stay as sessim started"));
    }
    let options = given.over(sh.origin.clone())?;
    sh.reset(options)?;
    Ok(Reply::Reset(sh.summary()))
}

/// `source FILE`
pub const SOURCE: Command = Command {
    name: "source",
    args: "FILE",
    summary: "run the commands of a script file here",
    detail: "Runs FILE's lines one by one, as `sessim run` would, on this simulation, and \
             prints what each prints; an error names FILE:LINE and the next line runs. A \
             `quit` in FILE ends FILE only. Files may source files, 8 deep.",
    example: "source setup.sessim",
    mirrors: "",
    completes: &[Complete::Free],
    kind: Kind::Shell,
    run: source,
};

/// The longest script `source` reads, in bytes.
const MAX_SOURCE: u64 = 16 << 20;

fn source(_: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    use std::io::Read as _;
    let path = a.word()?;
    let failed = |why: String| crate::Error::Invalid(format!("cannot source `{path}`: {why}"));
    let unreadable = |e: std::io::Error| {
        failed(match e.kind() {
            std::io::ErrorKind::NotFound => "there is no such file".into(),
            std::io::ErrorKind::PermissionDenied => "permission denied".into(),
            _ => e.to_string(),
        })
    };
    if std::path::Path::new(&path).is_dir() {
        return Err(failed("it is a folder; give a script file".into()));
    }
    let file = std::fs::File::open(&path).map_err(unreadable)?;
    let mut bytes = Vec::new();
    file.take(MAX_SOURCE + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_SOURCE {
        return Err(failed(format!(
            "it is larger than {} MiB",
            MAX_SOURCE >> 20
        )));
    }
    let text = String::from_utf8(bytes).map_err(|_| failed("it is not UTF-8 text".into()))?;
    Ok(Reply::Source { path, text })
}

/// `clear`
pub const CLEAR: Command = Command {
    name: "clear",
    args: "",
    summary: "clear the screen",
    detail: "Clears the terminal. In a script or a transcript it does nothing.",
    example: "clear",
    mirrors: "",
    completes: &[],
    kind: Kind::Shell,
    run: clear,
};

fn clear(_: &mut Shell, _: &mut Args<'_>) -> Result<Reply> {
    Ok(Reply::Clear)
}

/// `help [COMMAND | book | ids]`
pub const HELP: Command = Command {
    name: "help",
    args: "[COMMAND | book | ids]",
    summary: "this list, or one command in full",
    detail: "`help COMMAND` explains a command; `help book` the book's defects and how to \
             reproduce each; `help ids` how ids are made; `help gc` the `gc` command and the GC strategies.",
    example: "help set",
    mirrors: "",
    completes: &[Complete::Topic],
    kind: Kind::Shell,
    run: help,
};

fn help(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let text = help::text(sh.commands, a.opt_word().as_deref())?;
    Ok(Reply::Help { text })
}

/// `quit`
pub const QUIT: Command = Command {
    name: "quit",
    args: "",
    summary: "leave (also `exit` and Ctrl-D)",
    detail: "Leaves the REPL. In a script, it ends the script.",
    example: "quit",
    mirrors: "",
    completes: &[],
    kind: Kind::Shell,
    run: quit,
};

/// `exit`
pub const EXIT: Command = Command {
    name: "exit",
    summary: "leave (same as quit)",
    example: "exit",
    ..QUIT
};

fn quit(_: &mut Shell, _: &mut Args<'_>) -> Result<Reply> {
    Ok(Reply::Quit)
}
