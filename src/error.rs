//! The one error type of sessim: each message names what is wrong and what would be right.

use thiserror::Error;

/// Result with sessim's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The user's text as an error message quotes it: whole when short, else its first 60
/// characters and its length, so that one bad line gives one readable line.
pub fn shown(text: &str) -> String {
    const KEEP: usize = 60;
    match text.char_indices().nth(KEEP) {
        None => text.to_owned(),
        Some((cut, _)) => format!("{}… ({} bytes)", &text[..cut], text.len()),
    }
}

/// Everything that can go wrong in sessim, as the user reads it after `error: `.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The id names no stored session.
    #[error("no session `{}` (see `list` for the live ones)", shown(.0))]
    NoSuchSession(String),
    /// `new` was given an id that is already stored.
    #[error(
        "session `{}` already exists (pick another id, or `new` with no id to generate one)",
        shown(.0)
    )]
    SessionExists(String),
    /// Lazy expiry: the session was found expired on access and removed.
    #[error("session `{}` has expired; it is removed (lazy expiry)", shown(.0))]
    Expired(String),
    /// Lazy expiry: the session had outlived the absolute lifetime, and is removed.
    #[error(
        "session `{}` has outlived absolute-lifetime {lifetime}, however active; it is removed",
        shown(id)
    )]
    LifetimeOver {
        /// The session.
        id: String,
        /// The absolute lifetime, as written.
        lifetime: String,
    },
    /// An id or key must not be empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// `incr` met a value that is not an integer.
    #[error(
        "`{}` holds `{}`, which is not an integer; `incr` needs an integer value",
        shown(key),
        shown(value)
    )]
    NotAnInteger {
        /// The key.
        key: String,
        /// What it holds.
        value: String,
    },
    /// `incr` would leave the range of a 64-bit integer.
    #[error("`incr` would overflow `{}` past the 64-bit integer range ({min}..={max})", shown(key), min = i64::MIN, max = i64::MAX)]
    IncrOverflow {
        /// The key.
        key: String,
    },
    /// The virtual clock cannot move that far.
    #[error("the clock cannot go past {limit}; advance by less")]
    ClockOverflow {
        /// The last instant the clock can show.
        limit: String,
    },
    /// `advance-clock` under `--clock system`.
    #[error("the clock is the system clock; `advance-clock` needs `--clock virtual`")]
    SystemClock,
    /// The OS random source failed.
    #[error("the OS random source failed: {0}; pass `--seed N` for seeded ids")]
    Entropy(String),
    /// The arena of sessions is full.
    #[error("the store is full ({0} sessions); destroy some first")]
    StoreFull(usize),
    /// A value given on the command line or in a command is invalid.
    #[error("{0}")]
    Invalid(String),
    /// A line that does not parse as a command.
    #[error("{0}")]
    Usage(String),
    /// Redis could not be reached, or refused a command.
    #[error("redis at {url}: {detail}")]
    Redis {
        /// The server's URL, without its password.
        url: String,
        /// What went wrong.
        detail: String,
    },
    /// Another process on a shared namespace moved its clock past this one's: the command
    /// was not run, and the clock here has moved there.
    #[error(
        "another sessim on namespace `{namespace}` moved its clock on to {clock}; nothing was \
         done, and the clock here is now there too: run the command again"
    )]
    ClockMoved {
        /// The namespace.
        namespace: String,
        /// Its clock.
        clock: crate::basics::time::Time,
    },
    /// A shared namespace started again (another process's `reset`, a server restarted
    /// empty): the simulation here started again with it.
    #[error(
        "namespace `{0}` started again (another sessim's `reset`, or its server restarted \
         empty); nothing was done, and the simulation here starts again with it, at its clock \
         and settings: run the command again"
    )]
    NamespaceRestarted(String),
    /// A namespace vanished from Redis twice within one call, though it was started again
    /// in between.
    #[error(
        "namespace `{0}` keeps vanishing from Redis (is something deleting its keys?); nothing was done"
    )]
    NamespaceGone(String),
    /// The store failed, or answered what it should not.
    #[error("the store failed: {0}")]
    Store(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_user_text_is_cut_in_messages() {
        assert_eq!(shown("alice"), "alice");
        let long = "é".repeat(100);
        assert_eq!(shown(&long), format!("{}… (200 bytes)", "é".repeat(60)));
        let message = Error::NoSuchSession("x".repeat(70_000)).to_string();
        assert!(message.len() < 200, "{message}");
    }
}
