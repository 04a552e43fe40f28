//! The front ends: the command line, the REPL, scripts (`run`), `record`, `bench` and `serve`. Each
//! reads lines from somewhere, takes the one shared [`step`] for each, and puts the result
//! somewhere; `replay` does the same in [`crate::transcript`].

pub mod app;
pub mod bench;
pub mod cli;
pub mod record;
pub mod repl;
pub mod script;
pub mod serve;
pub mod simulation;
pub mod step;
