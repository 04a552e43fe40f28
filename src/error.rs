//! The one error type of sessim: each message names what is wrong and what would be right.

use thiserror::Error;

/// Result with sessim's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in sessim, as the user reads it after `error: `.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum Error {
    /// The id names no stored session.
    #[error("no session `{0}` (see `list` for the live ones)")]
    NoSuchSession(String),
    /// `new` was given an id that is already stored.
    #[error("session `{0}` already exists (pick another id, or `new` with no id to generate one)")]
    SessionExists(String),
    /// Lazy expiry: the session was found expired on access and removed.
    #[error("session `{0}` has expired; it is removed (lazy expiry)")]
    Expired(String),
    /// An id or key must not be empty.
    #[error("{0} must not be empty")]
    Empty(&'static str),
    /// `incr` met a value that is not an integer.
    #[error("`{key}` holds `{value}`, which is not an integer; `incr` needs an integer value")]
    NotAnInteger { key: String, value: String },
    /// `incr` would leave the range of a 64-bit integer.
    #[error("`incr` would overflow `{key}` past the 64-bit integer range ({min}..={max})", min = i64::MIN, max = i64::MAX)]
    IncrOverflow { key: String },
    /// The virtual clock cannot move that far.
    #[error("the clock cannot go past {limit}; advance by less")]
    ClockOverflow { limit: String },
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
}
