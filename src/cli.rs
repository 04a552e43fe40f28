//! The process's command line (clap), turned once into validated [`Options`].

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::manager::Config;
use crate::options::{ClockKind, Format, Options};
use crate::provider::Flavour;
use crate::shell::parse_capacity;
use crate::time::{DEFAULT_START, Time, parse_duration};

/// An interactive simulator of the in-memory session store of "Build Web Application with
/// Golang", chapter 6, on a virtual clock.
#[derive(Debug, Parser)]
#[command(name = "sessim", version, about, max_term_width = 100)]
#[allow(missing_docs)] // clap would show field docs as help text.
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Sub>,
}

/// The subcommands; with none, sessim starts the REPL (or reads a script from stdin).
#[derive(Debug, Subcommand)]
pub enum Sub {
    /// Execute script files, one command per line, as one session store.
    Run {
        /// Script files, run in order against the same store.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print each command as `> cmd` before its output, so the output is a transcript.
        #[arg(long)]
        echo: bool,
        /// Stop at the first command that fails.
        #[arg(long)]
        bail: bool,
    },
    /// Verify transcripts (*.sessim, and ```sessim blocks of *.md); folders are searched.
    Replay {
        /// Transcript files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rewrite the expected output that differs (refused when CI is set).
        #[arg(long)]
        bless: bool,
    },
    /// Run the REPL and write every command and its output to FILE as a transcript.
    Record {
        /// The transcript to write.
        file: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Run the standard performance workload on the memory provider.
    Bench {
        /// Sessions created (N).
        #[arg(long, default_value_t = 1_000_000)]
        sessions: u64,
        /// Mixed operations (M).
        #[arg(long, default_value_t = 2_000_000)]
        ops: u64,
        /// Seed of the xorshift operation stream (S).
        #[arg(long, default_value_t = 42)]
        seed: u64,
    },
}

/// Options of the simulated store and of output; also settable by transcript directives.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Provider flavour: memory (defects fixed) or book (as written).
    #[arg(long, global = true, value_enum, default_value_t = ProviderArg::Memory)]
    pub provider: ProviderArg,
    /// Idle time before a session expires.
    #[arg(long, global = true, value_name = "DURATION", default_value = "1h", value_parser = duration, allow_hyphen_values = true)]
    pub max_lifetime: Duration,
    /// Period of the auto-GC timer [default: max-lifetime].
    #[arg(long, global = true, value_name = "DURATION", value_parser = duration, allow_hyphen_values = true)]
    pub gc_interval: Option<Duration>,
    /// Turn the auto-GC timer off.
    #[arg(long, global = true)]
    pub no_auto_gc: bool,
    /// Most sessions stored; creating one more evicts the least recently used.
    #[arg(long, global = true, value_name = "N", value_parser = capacity, allow_negative_numbers = true)]
    pub capacity: Option<usize>,
    /// Seed for reproducible ids. Seeded ids are predictable: for teaching and tests only.
    #[arg(long, global = true, value_name = "N", value_parser = seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Start of the virtual clock, RFC 3339 [default: 2026-01-01T00:00:00Z].
    #[arg(long, global = true, value_name = "RFC3339", value_parser = time)]
    pub start: Option<Time>,
    /// Virtual time, or the system's.
    #[arg(long, global = true, value_enum, default_value_t = ClockArg::Virtual)]
    pub clock: ClockArg,
    /// Output as text, or one JSON object per command.
    #[arg(long, global = true, value_enum, default_value_t = FormatArg::Text)]
    pub format: FormatArg,
    /// Colour at a terminal (auto honours NO_COLOR).
    #[arg(long, global = true, value_enum, default_value_t = ColorArg::Auto)]
    pub color: ColorArg,
}

/// `--provider`; the values are the flavours of [`Flavour`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum ProviderArg {
    Memory,
    Book,
}

/// `--clock`; the values are those of [`ClockKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum ClockArg {
    Virtual,
    System,
}

/// `--format`; the values are those of [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum FormatArg {
    Text,
    Json,
}

/// `--color`: `auto` colours at a terminal unless `NO_COLOR` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

fn duration(text: &str) -> Result<Duration, String> {
    let d = parse_duration(text).map_err(|e| e.to_string())?;
    if d.is_zero() {
        return Err("must be longer than 0s".into());
    }
    Ok(d)
}

fn capacity(text: &str) -> Result<usize, String> {
    match parse_capacity(text).map_err(|e| e.to_string())? {
        Some(n) => Ok(n),
        None => Err("expected a whole number above 0".into()),
    }
}

fn seed(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("expected a whole number from 0 to {}", u64::MAX))
}

fn time(text: &str) -> Result<Time, String> {
    Time::parse_rfc3339(text).map_err(|e| e.to_string())
}

impl GlobalArgs {
    /// The validated options, for output going to a terminal or not.
    pub fn options(&self, terminal: bool) -> crate::Result<Options> {
        let config = Config {
            max_lifetime: self.max_lifetime,
            gc_interval: self.gc_interval,
            auto_gc: !self.no_auto_gc,
            capacity: self.capacity,
            ..Config::default()
        };
        config.validate()?;
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        let color = match self.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => terminal && !no_color,
        };
        Ok(Options {
            flavour: match self.provider {
                ProviderArg::Memory => Flavour::Memory,
                ProviderArg::Book => Flavour::Book,
            },
            config,
            seed: self.seed,
            start: self.start.unwrap_or(DEFAULT_START),
            clock: match self.clock {
                ClockArg::Virtual => ClockKind::Virtual,
                ClockArg::System => ClockKind::System,
            },
            format: match self.format {
                FormatArg::Text => Format::Text,
                FormatArg::Json => Format::Json,
            },
            color,
            terminal_width: terminal.then(terminal_width).flatten(),
        })
    }
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

fn terminal_width() -> Option<u16> {
    terminal_size::terminal_size().map(|(w, _)| w.0)
}

/// Parses transcript directives (`name = value`, by long option name) into options.
pub fn directive_options(directives: &[(String, String)]) -> Result<Options, String> {
    #[derive(Parser)]
    #[command(name = "directives", no_binary_name = true)]
    struct Directives {
        #[command(flatten)]
        global: GlobalArgs,
    }
    let mut args = Vec::new();
    for (name, value) in directives {
        if name == "no-auto-gc" {
            match value.as_str() {
                "true" | "on" | "yes" => args.push("--no-auto-gc".to_owned()),
                "false" | "off" | "no" => {}
                other => return Err(format!("`no-auto-gc` takes true or false, not `{other}`")),
            }
        } else {
            args.push(format!("--{name}={value}"));
        }
    }
    let parsed = Directives::try_parse_from(&args).map_err(|e| {
        let text = e.to_string();
        let first = text.lines().next().unwrap_or("invalid directive");
        first.trim_start_matches("error: ").to_owned()
    })?;
    parsed.global.options(false).map_err(|e| e.to_string())
}

/// The long names a transcript directive may use.
pub const DIRECTIVES: &[&str] = &[
    "provider",
    "max-lifetime",
    "gc-interval",
    "no-auto-gc",
    "capacity",
    "seed",
    "start",
    "clock",
    "format",
    "color",
];
