//! PHP's GC: after `session_start` reads its session, `php_session_gc` tosses a coin with
//! probability `session.gc_probability`/`session.gc_divisor` (1/100 by default, 1/1000 in
//! `php.ini-production`); a hit runs the save handler's GC, which looks at every session
//! (the files handler lists the whole directory), on the time of the request that drew it.
//!
//! sessim tosses it once `SessionStart` has found or made its session, and the run leaves
//! that session in place, expired or not, since PHP's request writes it back when it ends.
//! A `SessionStart` that fails (a bad or unknown id) tosses nothing.

use super::{Cause, Kind, Settings, Strategy, Sweeper};
use crate::Result;
use crate::basics::draws::Draws;
use crate::basics::time::Time;
use crate::store::Scan;

/// The stream of PHP's coins among the strategies' draws.
const STREAM: u64 = 1;

/// A coin at each session start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Php {
    probability: u32,
    divisor: u32,
    on: bool,
    seed: u64,
    /// Session starts so far: coin `n` is draw 0 of cycle `n`.
    starts: u64,
}

impl Php {
    /// A coin with the probability `settings` give.
    pub fn new(settings: &Settings) -> Php {
        Php {
            probability: settings.probability,
            divisor: settings.divisor,
            on: settings.on,
            seed: settings.seed,
            starts: 0,
        }
    }

    /// Whether coin `n` is a hit, as PHP's `php_mt_rand_range(1, divisor) <= probability`.
    pub fn hit(seed: u64, n: u64, probability: u32, divisor: u32) -> bool {
        Draws::new(seed, STREAM, n).below(0, u64::from(divisor)) < u64::from(probability)
    }
}

impl Strategy for Php {
    fn kind(&self) -> Kind {
        Kind::Php
    }

    fn watches_session_starts(&self) -> bool {
        true
    }

    fn session_started(&mut self, at: Time, sweeper: &mut dyn Sweeper) -> Result<()> {
        let n = self.starts;
        self.starts += 1;
        if self.on && Php::hit(self.seed, n, self.probability, self.divisor) {
            sweeper.sweep(at, Scan::Whole, Cause::Coin)?;
        }
        Ok(())
    }

    fn reconfigure(&mut self, _now: Time, settings: &Settings, _restart: bool) {
        self.probability = settings.probability;
        self.divisor = settings.divisor;
        self.on = settings.on;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_coin_falls_at_its_probability() {
        let hits = (0..100_000).filter(|&n| Php::hit(9, n, 1, 100)).count();
        assert!((900..1100).contains(&hits), "{hits} hits in 100,000");
        assert!((0..1000).all(|n| Php::hit(9, n, 100, 100)));
        assert!((0..1000).all(|n| !Php::hit(9, n, 0, 100)));
    }
}
