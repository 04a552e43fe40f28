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
//! - [`front`] and [`transcript`]: the REPL, `run`, `record`, `bench`, and `replay`, all
//!   taking one shared step per line.
#![forbid(unsafe_code)]

pub mod basics;
pub mod error;
pub mod front;
pub mod gc;
pub mod manager;
pub mod render;
pub mod rules;
pub mod shell;
pub mod store;
pub mod transcript;

pub use error::{Error, Result};
