//! The rules of the book's store, as data: which defects are reproduced decides where a new
//! session goes, whether an unknown id is adopted, when a session counts as expired, and
//! what an access to an expired one does. Each question is answered here, once.
//!
//! Expiry reduces to one instant: a session has expired once its last access is before
//! [`Rules::cutoff`]. So a store needs no rules of its own, only that instant.

mod defects;

use std::time::Duration;

pub use defects::{Defect, Defects};

use crate::basics::time::Time;
use crate::store::{End, Expiry};

const NANOS_PER_SEC: i128 = 1_000_000_000;

/// The rules in force: the defects reproduced, the max-lifetime and the absolute lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rules {
    /// The defects reproduced.
    pub defects: Defects,
    /// How long a session may stay idle.
    pub max_lifetime: Duration,
    /// How long a session may live, however active; `None`: for ever.
    pub absolute_lifetime: Option<Duration>,
}

impl Rules {
    /// The end of the LRU list a new session joins: the back with B1 (`PushBack`), else the
    /// front.
    pub fn new_session_end(self) -> End {
        if self.defects.has(Defect::B1) {
            End::Back
        } else {
            End::Front
        }
    }

    /// Whether `SessionRead` adopts an unknown id (B5).
    pub fn adopts(self) -> bool {
        self.defects.has(Defect::B5)
    }

    /// Whether an access to an expired session removes it (lazy expiry); B7 never checks.
    pub fn lazy_expiry(self) -> bool {
        !self.defects.has(Defect::B7)
    }

    /// The instant before which a last access means expired, at `now`.
    ///
    /// Exact: expired when `now - last_access > max_lifetime`, that is when
    /// `last_access < now - max_lifetime`. With B8, the book's whole seconds:
    /// `last.Unix() + maxlifetime < now.Unix()`, that is when `last_access` is before the
    /// second `now.Unix() - maxlifetime`.
    pub fn cutoff(self, now: Time) -> Time {
        if self.defects.has(Defect::B8) {
            let secs = i128::from(now.unix_secs()) - self.lifetime_secs();
            return Time::saturating_from_nanos(secs * NANOS_PER_SEC);
        }
        // Every access computes this: in `i64`, saturating, it is two instructions.
        let lifetime = i64::try_from(self.max_lifetime.as_nanos()).unwrap_or(i64::MAX);
        Time::from_unix_nanos(now.unix_nanos().saturating_sub(lifetime))
    }

    /// The instant before which a creation means the absolute lifetime is over, at `now`:
    /// over when `now - created > absolute_lifetime`, always exact (the book has no such
    /// limit, so B8 does not apply). [`Time::MIN`] when there is no absolute lifetime.
    pub fn created_cutoff(self, now: Time) -> Time {
        match self.absolute_lifetime {
            None => Time::MIN,
            Some(d) => {
                let d = i64::try_from(d.as_nanos()).unwrap_or(i64::MAX);
                Time::from_unix_nanos(now.unix_nanos().saturating_sub(d))
            }
        }
    }

    /// What a store needs to know of expiry at `now`.
    pub fn expiry(self, now: Time) -> Expiry {
        Expiry {
            accessed_before: self.cutoff(now),
            created_before: self.created_cutoff(now),
            lazy: self.lazy_expiry(),
        }
    }

    /// Whether a session last accessed at `last_access` has expired at `now`, by being
    /// idle too long (the absolute lifetime aside).
    pub fn is_expired(self, last_access: Time, now: Time) -> bool {
        last_access < self.cutoff(now)
    }

    /// The first instant at which a session created at `created` has outlived the absolute
    /// lifetime; `None` if there is none, or not on this clock.
    pub fn lifetime_over_at(self, created: Time) -> Option<Time> {
        let d = self.absolute_lifetime?;
        let nanos = i128::from(created.unix_nanos()) + d.as_nanos() as i128 + 1;
        i64::try_from(nanos).ok().map(Time::from_unix_nanos)
    }

    /// The first instant at which a session last accessed at `last_access` and created at
    /// `created` counts as expired by either limit, if nothing touches it.
    pub fn first_over_at(self, last_access: Time, created: Time) -> Option<Time> {
        let idle = self.first_expired_at(last_access);
        match (idle, self.lifetime_over_at(created)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// The first instant at which a session last accessed at `last_access` counts as
    /// expired, if nothing touches it; `None` if not on this clock.
    pub fn first_expired_at(self, last_access: Time) -> Option<Time> {
        let nanos = if self.defects.has(Defect::B8) {
            (i128::from(last_access.unix_secs()) + self.lifetime_secs() + 1) * NANOS_PER_SEC
        } else {
            i128::from(last_access.unix_nanos()) + self.max_lifetime.as_nanos() as i128 + 1
        };
        i64::try_from(nanos).ok().map(Time::from_unix_nanos)
    }

    /// When a session last accessed at `last_access` expires, as listings show it: exact
    /// expiry is right *after* `last_access + max-lifetime` (it must be idle longer); with
    /// B8, at the whole second when it first counts as expired.
    pub fn expires(self, last_access: Time) -> Time {
        if self.defects.has(Defect::B8) {
            self.first_expired_at(last_access).unwrap_or(Time::MAX)
        } else {
            last_access
                .checked_add(self.max_lifetime)
                .unwrap_or(Time::MAX)
        }
    }

    /// When a session last accessed at `last_access` and created at `created` expires, as
    /// listings show it: the earlier of [`Rules::expires`] and the end of its absolute
    /// lifetime.
    pub fn expires_either(self, last_access: Time, created: Time) -> Time {
        let idle = self.expires(last_access);
        match self.absolute_lifetime {
            Some(d) => idle.min(created.checked_add(d).unwrap_or(Time::MAX)),
            None => idle,
        }
    }

    /// The book's `maxlifetime int64`: whole seconds.
    fn lifetime_secs(self) -> i128 {
        i128::from(self.max_lifetime.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HOUR: Duration = Duration::from_secs(3600);

    fn at(nanos: i64) -> Time {
        Time::from_unix_nanos(nanos)
    }

    fn rules(defects: Defects, max_lifetime: Duration) -> Rules {
        Rules {
            defects,
            max_lifetime,
            absolute_lifetime: None,
        }
    }

    #[test]
    fn exact_expiry_is_idle_longer_than_max_lifetime() {
        let r = rules(Defects::NONE, HOUR);
        let l = at(900_000_000);
        let edge = l.plus(HOUR).unwrap();
        assert!(!r.is_expired(l, edge));
        assert!(r.is_expired(l, at(edge.unix_nanos() + 1)));
        assert_eq!(r.first_expired_at(l), Some(at(edge.unix_nanos() + 1)));
        assert_eq!(r.expires(l), edge);
    }

    #[test]
    fn b8_compares_whole_seconds_with_a_strict_less_than() {
        let r = rules(
            Defects::NONE.with(Defect::B8),
            Duration::from_millis(3_600_900),
        );
        let l = at(900_000_000); // 0.9 s: Unix second 0
        assert!(
            !r.is_expired(l, at(3_600_999_999_999)),
            "0 + 3600 < 3600 is false"
        );
        assert!(r.is_expired(l, at(3_601_000_000_000)));
        assert_eq!(r.first_expired_at(l), Some(at(3_601_000_000_000)));
        assert_eq!(r.expires(l), at(3_601_000_000_000));
    }

    #[test]
    fn each_defect_decides_one_thing() {
        let none = rules(Defects::NONE, HOUR);
        assert_eq!(none.new_session_end(), End::Front);
        assert!(!none.adopts());
        assert!(none.lazy_expiry());
        let all = rules(Defects::ALL, HOUR);
        assert_eq!(all.new_session_end(), End::Back);
        assert!(all.adopts());
        assert!(!all.lazy_expiry());
    }

    #[test]
    fn cutoffs_saturate_at_the_ends_of_time() {
        for defects in [Defects::NONE, Defects::ALL] {
            let r = rules(defects, Duration::from_secs(200 * 365 * 86_400));
            assert_eq!(r.cutoff(Time::MIN), Time::MIN);
            assert!(!r.is_expired(Time::MIN, Time::MIN));
            assert_eq!(r.first_expired_at(Time::MAX), None);
            assert_eq!(r.expires(Time::MAX), Time::MAX);
        }
    }

    #[test]
    fn the_absolute_lifetime_is_exact_and_counts_from_creation() {
        let r = Rules {
            absolute_lifetime: Some(HOUR),
            ..rules(Defects::ALL, Duration::from_secs(60))
        };
        let created = at(5);
        let edge = created.plus(HOUR).unwrap();
        let e = r.expiry(edge);
        assert!(!e.is_over(edge, created), "exactly an hour is not over");
        let e = r.expiry(at(edge.unix_nanos() + 1));
        assert!(e.is_over(edge, created));
        assert_eq!(e.limit(edge, created), Some(crate::store::Limit::Absolute));
        assert_eq!(r.lifetime_over_at(created), Some(at(edge.unix_nanos() + 1)));
        assert_eq!(rules(Defects::NONE, HOUR).created_cutoff(edge), Time::MIN);
    }
}
