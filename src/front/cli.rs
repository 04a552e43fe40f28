//! The process's command line (clap): the subcommands, and the global options turned once
//! into validated options.

use std::io::IsTerminal;
use std::path::PathBuf;

use clap::{Parser, Subcommand};

use crate::shell::global::GlobalArgs;

/// An interactive simulator of the in-memory session store of "Build Web Application with
/// Golang", chapter 6, on a virtual clock.
#[derive(Debug, Parser)]
#[command(
    name = "sessim",
    version,
    about,
    max_term_width = 100,
    disable_help_subcommand = true
)]
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
        /// Script files, run in order against the same store; `-` reads standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print the options as `#!` directives, then each command as `> cmd` before its
        /// output, so the output is a transcript.
        #[arg(long)]
        echo: bool,
        /// Stop at the first command that fails.
        #[arg(long)]
        bail: bool,
    },
    /// Verify transcripts (*.sessim, and ```sessim blocks of Markdown); folders are
    /// searched. The options are the transcripts' defaults, which their `#!` directives
    /// override; --format is the report's (text, or JSON lines).
    Replay {
        /// Transcript files or folders.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Rewrite the expected output that differs (refused when CI is set).
        #[arg(long)]
        bless: bool,
        /// Also write a JUnit XML report to FILE.
        #[arg(long, value_name = "FILE")]
        junit: Option<PathBuf>,
    },
    /// Run the REPL and write every command and its output to FILE as a transcript.
    Record {
        /// The transcript to write.
        file: PathBuf,
        /// Overwrite FILE if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Run the same seeded web traffic under each GC strategy, and compare what each holds
    /// and costs (a table and a chart). --seed seeds it (1 if not given).
    Compare {
        /// Strategies, comma-separated [default: timer,lazy,php,sampling].
        #[arg(long, value_name = "LIST")]
        strategies: Option<String>,
        /// How long the traffic lasts [default: 1d].
        #[arg(long, value_name = "D", allow_hyphen_values = true)]
        duration: Option<String>,
        /// Visitors arriving an hour: N, N/h, N/m or N/s [default: 1000/h].
        #[arg(long, value_name = "N/h", allow_hyphen_values = true)]
        rate: Option<String>,
        /// Also write the chart as SVG to FILE.
        #[arg(long, value_name = "FILE")]
        svg: Option<PathBuf>,
        /// Also write the series as CSV to FILE.
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
    },
    /// Explain sessim, a subcommand, or, as `help` at the prompt does, a command or a topic
    /// (`book`, `ids`, `gc`).
    Help {
        /// A subcommand, a command of the prompt, or a topic.
        topic: Option<String>,
    },
    /// Serve the book's pages (/, /login, /count, /logout) over HTTP to real browsers, with
    /// /sessions showing the store; the prompt stays open and drives the clock.
    Serve {
        /// The address to listen on; other than loopback, anyone who can reach it can use
        /// it (a warning says so).
        #[arg(long, value_name = "HOST:PORT", default_value = crate::serve::DEFAULT_LISTEN)]
        listen: String,
        /// How long a request may take to arrive whole; a slower one gets 408.
        #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = read_timeout)]
        read_timeout: std::time::Duration,
    },
    /// Run the standard performance workload (on the memory store, or --provider redis).
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

/// `serve`'s read timeout: longer than zero, at most an hour, as `5s` or `500ms`.
fn read_timeout(text: &str) -> Result<std::time::Duration, String> {
    match humantime::parse_duration(text) {
        Ok(d) if d.is_zero() => Err("must be longer than 0s".to_owned()),
        Ok(d) if d.as_secs() > 3600 => Err("must be at most 1h".to_owned()),
        Ok(d) => Ok(d),
        Err(e) => Err(e.to_string()),
    }
}

/// Whether standard output is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// The terminal's width, when standard output is a terminal.
pub fn terminal_width() -> Option<u16> {
    if !stdout_is_terminal() {
        return None;
    }
    terminal_size::terminal_size().map(|(w, _)| w.0)
}
