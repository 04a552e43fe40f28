//! The clock the shell owns: virtual (moved only by `advance-clock`) or the system's.

use std::time::Duration;

use crate::basics::time::Time;
use crate::{Error, Result};

/// Where "now" comes from. The provider and manager never read it: they are handed `now`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Clock {
    /// Simulated time that moves only when advanced.
    Virtual(Time),
    /// The real time of the machine, read this far ahead (zero but in `--bless`'s check
    /// that output does not follow the real time).
    System(Duration),
}

impl Clock {
    /// The current instant.
    pub fn now(&self) -> Time {
        match self {
            Clock::Virtual(t) => *t,
            Clock::System(ahead) => {
                // To the millisecond: finer digits of a real clock are noise to a reader.
                let millis = chrono::Utc::now().timestamp_millis();
                let ahead = i64::try_from(ahead.as_millis()).unwrap_or(i64::MAX);
                Time::from_unix_nanos(millis.saturating_add(ahead).saturating_mul(1_000_000))
            }
        }
    }

    /// Moves a virtual clock `d` later. Refused for the system clock, and past the last
    /// representable instant; on error the clock is unchanged.
    pub fn advance(&mut self, d: Duration) -> Result<Time> {
        match self {
            Clock::Virtual(t) => {
                *t = t.plus(d)?;
                Ok(*t)
            }
            Clock::System(_) => Err(Error::SystemClock),
        }
    }

    /// Whether this is the virtual clock.
    pub fn is_virtual(&self) -> bool {
        matches!(self, Clock::Virtual(_))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::basics::time::DEFAULT_START;

    #[test]
    fn virtual_clock_moves_only_when_advanced() {
        let mut c = Clock::Virtual(DEFAULT_START);
        assert_eq!(c.now(), DEFAULT_START);
        let t = c.advance(Duration::from_secs(90)).unwrap();
        assert_eq!(t.to_string(), "2026-01-01T00:01:30Z");
        assert_eq!(c.now(), t);
    }

    #[test]
    fn overflow_leaves_the_clock_unchanged() {
        let mut c = Clock::Virtual(DEFAULT_START);
        assert!(matches!(
            c.advance(Duration::from_secs(400 * 365 * 86_400)),
            Err(Error::ClockOverflow { .. })
        ));
        assert_eq!(c.now(), DEFAULT_START);
    }

    #[test]
    fn the_system_clock_reads_whole_milliseconds() {
        assert_eq!(
            Clock::System(Duration::ZERO).now().unix_nanos() % 1_000_000,
            0
        );
    }

    #[test]
    fn system_clock_refuses_to_advance() {
        assert_eq!(
            Clock::System(Duration::ZERO).advance(Duration::from_secs(1)),
            Err(Error::SystemClock)
        );
    }
}
