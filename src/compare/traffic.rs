//! The traffic `compare` replays: visitors arriving at random (a Poisson process), each
//! making a few requests with think times, then leaving, a share of them by logging out.
//! It is drawn once from the seed, so every strategy sees the very same requests.

use std::time::Duration;

use rand::rngs::Xoshiro256PlusPlus;
use rand::{RngExt as _, SeedableRng as _};

use crate::basics::time::Time;

/// Pages a visitor loads before leaving: 1 to this many (`/count`, as in the book).
pub const MOST_PAGES: u32 = 5;

/// A visitor's mean think time between two requests.
pub const THINK: Duration = Duration::from_secs(60);

/// The share of visitors who log out when they leave, in percent.
pub const LOGOUT_PERCENT: u32 = 25;

/// The page a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Page {
    /// `/count`: SessionStart, then the counter.
    Count,
    /// `/logout`: SessionDestroy.
    Logout,
}

impl Page {
    /// Its path.
    pub fn path(self) -> &'static str {
        match self {
            Page::Count => "/count",
            Page::Logout => "/logout",
        }
    }
}

/// One request of the traffic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// When it is made.
    pub at: Time,
    /// Who makes it: visitors are numbered as they arrive.
    pub visitor: u32,
    /// What it asks for.
    pub page: Page,
    /// Whether it is the visitor's last.
    pub last: bool,
}

/// The requests of visitors arriving at `rate` an hour from `start` until `start + length`,
/// in time order (requests past the end are not made). Drawn from `seed`.
pub fn traffic(start: Time, length: Duration, rate: f64, seed: u64) -> Vec<Hit> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed ^ 0x7472_6166_6669_6321);
    let end = i128::from(start.unix_nanos()) + length.as_nanos() as i128;
    let mean_gap = 3600.0e9 / rate;
    let mut hits = Vec::new();
    let mut arrival = i128::from(start.unix_nanos());
    for visitor in 0u32.. {
        arrival += exponential(&mut rng, mean_gap);
        if arrival >= end {
            break;
        }
        let pages = rng.random_range(1..=MOST_PAGES);
        let logout = rng.random_range(0..100) < LOGOUT_PERCENT;
        let requests = pages + u32::from(logout);
        let mut at = arrival;
        for n in 0..requests {
            if n > 0 {
                at += exponential(&mut rng, THINK.as_nanos() as f64);
            }
            if at >= end {
                break;
            }
            let page = if n == pages {
                Page::Logout
            } else {
                Page::Count
            };
            hits.push(Hit {
                at: Time::saturating_from_nanos(at),
                visitor,
                page,
                last: n + 1 == requests,
            });
        }
    }
    // Stable: a visitor's own requests keep their order.
    hits.sort_by_key(|h| h.at);
    hits
}

/// A draw from the exponential distribution with mean `mean` nanoseconds, whole.
fn exponential(rng: &mut Xoshiro256PlusPlus, mean: f64) -> i128 {
    let u: f64 = rng.random();
    (-(1.0 - u).ln() * mean) as i128
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visitors_arrive_at_the_rate_and_the_same_seed_draws_the_same_traffic() {
        let start = Time::from_unix_nanos(0);
        let day = Duration::from_secs(86_400);
        let hits = traffic(start, day, 1000.0, 7);
        assert_eq!(hits, traffic(start, day, 1000.0, 7));
        assert_ne!(hits, traffic(start, day, 1000.0, 8));
        let visitors = hits.iter().filter(|h| h.last).count();
        assert!((23_000..25_000).contains(&visitors), "{visitors} visitors");
        assert!(hits.windows(2).all(|w| w[0].at <= w[1].at));
        let logouts = hits.iter().filter(|h| h.page == Page::Logout).count();
        assert!((5_500..6_500).contains(&logouts), "{logouts} logouts");
    }
}
