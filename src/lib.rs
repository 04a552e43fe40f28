//! sessim: a simulator of the session store and manager of *Build Web Application with
//! Golang*, chapter 6, on a virtual clock.
//!
//! The crate is built in layers; each uses only the ones above it in this list:
//! - [`basics`]: instants, durations, the clock and session ids;
//! - [`store`]: where sessions live (ids, values, last access, creation time, the LRU
//!   list), behind the [`store::Store`] seam; [`store::MemoryStore`] keeps them in process;
//! - [`rules`]: the book's defects as data, and the expiry they imply;
//! - [`gc`]: the strategies that decide when expired sessions are swept;
//! - [`manager`]: the book's manager over any store: settings, ids, capacity, GC, counters
//!   and the event log. It is handed `now` and never reads a clock;
//! - [`shell`]: one table of commands and one `execute(line)` returning typed results;
//! - [`render`]: those results as text, tables, pictures or JSON;
//! - [`web`]: simulated browsers with cookie jars, and the book's pages;
//! - [`compare`]: the same web traffic under each GC strategy, with its chart;
//! - [`serve`]: the book's pages over real HTTP, answered by the shell;
//! - [`front`] and [`transcript`]: the REPL, `run`, `record`, `bench`, `compare`, `serve`
//!   and `replay`, all taking one shared step per line.
//!
//! # Snapshot tests from Rust
//!
//! [`run`] executes lines on a fresh simulation and returns the text exactly as `sessim run`
//! prints it off a terminal (no colour, tables 100 columns wide), ready for `insta` or
//! `assert_eq!`; [`Simulation`] does the same one line at a time.
//!
//! ```
//! let out = sessim::run(
//!     &["--seed", "1"],
//!     "new alice\nset alice user 小明\nadvance-clock 90s\nlist",
//! )?;
//! assert_eq!(
//!     out,
//!     "\
//! alice
//! OK
//! 2026-01-01T00:01:30Z
//! ╭───┬───────┬──────────────────────┬───────┬──────────────────────┬───────┬──────╮
//! │ # ┆ id    ┆ last access          ┆ idle  ┆ expires              ┆ state ┆ keys │
//! ╞═══╪═══════╪══════════════════════╪═══════╪══════════════════════╪═══════╪══════╡
//! │ 1 ┆ alice ┆ 2026-01-01T00:00:00Z ┆ 1m30s ┆ 2026-01-01T01:00:00Z ┆ live  ┆ 1    │
//! ╰───┴───────┴──────────────────────┴───────┴──────────────────────┴───────┴──────╯
//! "
//! );
//! # Ok::<(), sessim::Error>(())
//! ```
#![forbid(unsafe_code)]

pub mod basics;
pub mod compare;
pub mod error;
pub mod front;
pub mod gc;
pub mod manager;
pub mod render;
pub mod rules;
pub mod serve;
pub mod shell;
pub mod store;
pub mod transcript;
pub mod web;

pub use error::{Error, Result};
pub use front::simulation::{Simulation, run};
