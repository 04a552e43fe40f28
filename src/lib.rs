//! sessim: a simulator of the in-memory session store of *Build Web Application with Golang*, chapter 6.
//!
//! The core ([`clock`], [`provider`], [`manager`]) knows nothing of terminals: it is handed the
//! current time and returns typed results. The shell on top of it executes command lines.
#![forbid(unsafe_code)]

pub mod app;
pub mod bench;
pub mod cli;
pub mod clock;
pub mod command;
pub mod complete;
pub mod error;
pub mod event;
pub mod help;
pub mod ids;
pub mod manager;
pub mod options;
pub mod printer;
pub mod provider;
pub mod record;
pub mod render;
pub mod repl;
pub mod reply;
pub mod script;
pub mod shell;
pub mod time;
pub mod transcript;
pub mod values;

pub use error::{Error, Result};
