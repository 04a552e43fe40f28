//! sessim: a simulator of the in-memory session store of *Build Web Application with Golang*, chapter 6.
//!
//! The core ([`clock`], [`provider`], [`manager`]) knows nothing of terminals: it is handed the
//! current time and returns typed results. The shell on top of it executes command lines.
#![forbid(unsafe_code)]

pub mod clock;
pub mod error;
pub mod event;
pub mod ids;
pub mod manager;
pub mod provider;
pub mod time;
pub mod values;

pub use error::{Error, Result};
