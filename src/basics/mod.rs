//! Engine basics: instants and the duration format, the clock, id generation, and the GC
//! strategies' counter-based random draws.
//!
//! Nothing here knows of sessions; every other layer builds on these.

pub mod clock;
pub mod draws;
pub mod ids;
pub mod time;
