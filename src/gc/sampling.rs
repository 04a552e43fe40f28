//! Redis 7's active expiry (`activeExpireCycle` in `src/expire.c`, at the default effort 1):
//! `hz` cycles a second; each samples 20 keys with an expiry, removes the expired ones,
//! and samples again while more than 10% of a sample had expired, within a time limit.
//!
//! Redis's slow cycle may use 25% of the CPU time between cycles (25 ms at hz 10). sessim
//! counts a sampled session as 1.25 µs of it, so a cycle starts no round once it has
//! examined 200,000/`gc-hz` sessions (20,000 at the default hz 10). Redis 6 and later walk
//! the expires table with a cursor rather than draw keys at random; over a hash table the
//! two pick alike, and random draws need no cursor to keep.

use std::time::Duration;

use super::{Kind, Looks, Settings, Strategy, Sweeper, periodic};
use crate::Result;
use crate::basics::draws::Draws;
use crate::basics::time::Time;
use crate::store::{Cycle, Scan};

/// The stream of the samples among the strategies' draws.
const STREAM: u64 = 2;

/// Sessions sampled a round (`ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP`).
pub const PER_ROUND: u64 = 20;

/// Another round follows while more than this percentage of one had expired
/// (`ACTIVE_EXPIRE_CYCLE_ACCEPTABLE_STALE` at effort 1).
pub const STALE_PERCENT: u64 = 10;

/// Samples a second of cycles may examine: 25% of a second at 1.25 µs a sample.
const SAMPLES_PER_SECOND: u64 = 200_000;

/// Cycles at `hz`, each sampling sessions at random.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sampling {
    period: Duration,
    hz: u32,
    on: bool,
    seed: u64,
    /// Cycles so far, run or skipped: cycle `n` draws from cycle `n` of the stream.
    cycle: u64,
    next: Option<Time>,
}

impl Sampling {
    /// Cycles at `settings.hz` that, when on, first run at `start`.
    pub fn new(start: Time, settings: &Settings) -> Sampling {
        Sampling {
            period: period(settings.hz),
            hz: settings.hz,
            on: settings.on,
            seed: settings.seed,
            cycle: 0,
            next: settings.on.then_some(start),
        }
    }

    /// One cycle, as a store runs it: its draws and its limits.
    pub fn cycle(seed: u64, n: u64, hz: u32) -> Cycle {
        Cycle {
            draws: Draws::new(seed, STREAM, n),
            per_round: PER_ROUND,
            stale_percent: STALE_PERCENT,
            max_examined: (SAMPLES_PER_SECOND / u64::from(hz.max(1))).max(PER_ROUND),
        }
    }
}

/// The time between cycles at `hz`, in whole nanoseconds.
fn period(hz: u32) -> Duration {
    Duration::from_nanos(1_000_000_000 / u64::from(hz.max(1)))
}

impl Strategy for Sampling {
    fn kind(&self) -> Kind {
        Kind::Sampling
    }

    fn next_due(&self) -> Option<Time> {
        self.next
    }

    fn samples(&self) -> bool {
        true
    }

    /// Runs the cycles due by `now`. A cycle can reap only once some session has expired;
    /// the cycles before that are counted, not run, and their draws are not needed by any
    /// later cycle.
    fn run_due(&mut self, now: Time, sweeper: &mut dyn Sweeper) -> Result<()> {
        let (seed, hz) = (self.seed, self.hz);
        let cycle = std::cell::Cell::new(self.cycle);
        let result = periodic(
            &mut self.next,
            self.period,
            now,
            sweeper,
            (Scan::Whole, Looks::Samples(PER_ROUND)),
            |sweeper, at| {
                let n = cycle.replace(cycle.get() + 1);
                sweeper.sample(at, Sampling::cycle(seed, n, hz)).map(drop)
            },
            |count| cycle.set(cycle.get().saturating_add(count)),
        );
        self.cycle = cycle.get();
        result
    }

    /// A new rate starts from `now`; the timer's settings (`restart`) do not concern it.
    fn reconfigure(&mut self, now: Time, settings: &Settings, _restart: bool) {
        let hz_changed = settings.hz != self.hz;
        self.hz = settings.hz;
        self.period = period(settings.hz);
        if settings.on != self.on {
            self.on = settings.on;
            self.next = settings.on.then_some(now);
        } else if self.on && hz_changed {
            self.next = now.checked_add(self.period);
        }
    }
}
