//! Engine basics: instants and the duration format, the clock, and id generation.
//!
//! Nothing here knows of sessions; every other layer builds on these.

pub mod clock;
pub mod ids;
pub mod time;
