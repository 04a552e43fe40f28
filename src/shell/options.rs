//! The validated options a simulation starts with, made once from the command line, a
//! transcript's `#!` directives or `reset`. Nothing after this point sees clap types.

use std::time::Duration;

use crate::basics::ids::IdGenerator;
use crate::basics::time::{DEFAULT_START, Time};
use crate::manager::Config;

/// How output is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Lines, tables and pictures.
    Text,
    /// One JSON object per command.
    Json,
}

/// Where time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockKind {
    /// Simulated: moves only on `advance-clock`.
    Virtual,
    /// The machine's real time.
    System,
}

impl ClockKind {
    /// Its name, as `--clock` spells it.
    pub fn name(self) -> &'static str {
        match self {
            ClockKind::Virtual => "virtual",
            ClockKind::System => "system",
        }
    }
}

/// Everything a [`crate::shell::Shell`] is built from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// The manager's settings, the defects reproduced among them.
    pub config: Config,
    /// Where sessions are stored.
    pub store: StoreChoice,
    /// A seed for reproducible (and predictable) ids.
    pub seed: Option<u64>,
    /// When the virtual clock starts.
    pub start: Time,
    /// Virtual or system time.
    pub clock: ClockKind,
    /// How far ahead of the machine's time the system clock reads: zero, except in the
    /// second run with which `--bless` checks its result, so that output showing the real
    /// time shows as changing.
    pub system_clock_ahead: Duration,
    /// Text or JSON.
    pub format: Format,
    /// Whether to use colour.
    pub color: bool,
    /// The terminal's width, when output goes to a terminal (wider tables, and colour if
    /// allowed).
    pub terminal_width: Option<u16>,
}

/// Where sessions are stored (`--provider`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreChoice {
    /// In this process.
    Memory,
    /// In the Redis server at `url`, under `namespace` (a fresh one when `None`).
    Redis {
        /// The server.
        url: String,
        /// The namespace kept and shared, if one is named.
        namespace: Option<String>,
    },
}

impl StoreChoice {
    /// The provider's name, as `--provider` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            StoreChoice::Memory => "memory",
            StoreChoice::Redis { .. } => "redis",
        }
    }
}

impl Default for Options {
    fn default() -> Self {
        Options {
            config: Config::default(),
            store: StoreChoice::Memory,
            seed: None,
            start: DEFAULT_START,
            clock: ClockKind::Virtual,
            system_clock_ahead: Duration::ZERO,
            format: Format::Text,
            color: false,
            terminal_width: None,
        }
    }
}

impl Options {
    /// The id generator these options ask for.
    pub fn id_generator(&self) -> IdGenerator {
        match self.seed {
            Some(seed) => IdGenerator::seeded(seed),
            None => IdGenerator::Os,
        }
    }
}
