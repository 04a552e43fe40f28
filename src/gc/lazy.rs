//! express's MemoryStore: no sweeping. An expired session leaves only when an access finds
//! it (and, with B7, never: "it will leak memory").

use super::{Kind, Settings, Strategy};
use crate::basics::time::Time;

/// Never sweeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lazy;

impl Strategy for Lazy {
    fn kind(&self) -> Kind {
        Kind::Lazy
    }

    fn reconfigure(&mut self, _now: Time, _settings: &Settings, _restart: bool) {}
}
