//! What happens to sessions, as events, and the bounded log that keeps the latest of them.

use std::collections::VecDeque;

use compact_str::CompactString;
use serde::Serialize;

use crate::time::Time;

/// Why a session left the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Expired and collected by a GC run.
    Gc,
    /// Found expired on access and removed then (lazy expiry, `memory` only).
    Expired,
    /// The least recently used session, removed to make room under `capacity`.
    Evicted,
    /// Removed by `destroy`.
    Destroyed,
}

impl Reason {
    /// Every reason, in the order tables list them.
    pub const ALL: [Reason; 4] = [
        Reason::Gc,
        Reason::Expired,
        Reason::Evicted,
        Reason::Destroyed,
    ];

    /// The lowercase name used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Gc => "gc",
            Reason::Expired => "expired",
            Reason::Evicted => "evicted",
            Reason::Destroyed => "destroyed",
        }
    }
}

/// An activity: something that counts as use of a session and moves it to the front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    /// The store's `Set`.
    Set,
    /// The store's `Get`.
    Get,
    /// The store's `Delete`.
    Del,
    /// The `countnum` counter.
    Incr,
    /// `SessionUpdate`.
    Touch,
}

impl Activity {
    /// The command name of the activity.
    pub fn name(self) -> &'static str {
        match self {
            Activity::Set => "set",
            Activity::Get => "get",
            Activity::Del => "del",
            Activity::Incr => "incr",
            Activity::Touch => "touch",
        }
    }
}

/// What happened to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "event", content = "detail", rename_all = "lowercase")]
pub enum EventKind {
    /// Stored by `new` (`SessionInit`).
    Created,
    /// Stored by `read` of an unknown id (`book` only: B5).
    Adopted,
    /// Used by an activity while live.
    Accessed(Activity),
    /// Used by an activity while expired, and so brought back to life (`book` only: B7).
    Revived(Activity),
    /// Removed from the store.
    Removed(Reason),
}

/// One thing that happened to one session at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// When it happened, on the simulated clock.
    pub at: Time,
    /// The session it happened to.
    pub id: CompactString,
    /// The session's last access just before the event (for a creation, `at`).
    pub last_access: Time,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}

/// The events of one operation, in order.
pub type Events = Vec<Event>;

/// The default number of events kept by [`EventLog`].
pub const DEFAULT_LOG_CAPACITY: usize = 10_000;

/// The latest events, up to a fixed number: a ring, so memory stays flat on long runs.
#[derive(Debug, Clone)]
pub struct EventLog {
    ring: VecDeque<Event>,
    capacity: usize,
    dropped: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::with_capacity(DEFAULT_LOG_CAPACITY)
    }
}

impl EventLog {
    /// A log that keeps at most `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        let capacity = capacity.max(1);
        EventLog {
            ring: VecDeque::with_capacity(capacity.min(1024)),
            capacity,
            dropped: 0,
        }
    }

    /// Appends an event, forgetting the oldest one when full.
    pub fn push(&mut self, event: Event) {
        if self.ring.len() == self.capacity {
            self.ring.pop_front();
            self.dropped += 1;
        }
        self.ring.push_back(event);
    }

    /// Appends events in order, as [`EventLog::push`] of each would; those that would be
    /// forgotten at once are only counted.
    pub fn extend_from_slice(&mut self, events: &[Event]) {
        let skip = events.len().saturating_sub(self.capacity);
        if skip > 0 {
            self.dropped += (self.ring.len() + skip) as u64;
            self.ring.clear();
        }
        for event in &events[skip..] {
            self.push(event.clone());
        }
    }

    /// The kept events, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.ring.iter()
    }

    /// The number of events kept.
    pub fn len(&self) -> usize {
        self.ring.len()
    }

    /// Whether no event is kept.
    pub fn is_empty(&self) -> bool {
        self.ring.is_empty()
    }

    /// How many older events were forgotten to respect the bound.
    pub fn dropped(&self) -> u64 {
        self.dropped
    }

    /// The most events this log keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_forgets_the_oldest_beyond_its_bound() {
        let mut log = EventLog::with_capacity(3);
        for i in 0..5 {
            log.push(Event {
                at: Time::from_unix_nanos(i),
                id: "a".into(),
                last_access: Time::from_unix_nanos(i),
                kind: EventKind::Created,
            });
        }
        assert_eq!(log.len(), 3);
        assert_eq!(log.dropped(), 2);
        let kept: Vec<i64> = log.iter().map(|e| e.at.unix_nanos()).collect();
        assert_eq!(kept, [2, 3, 4]);
    }

    #[test]
    fn extending_the_log_is_pushing_each_event() {
        let event = |i| Event {
            at: Time::from_unix_nanos(i),
            id: "a".into(),
            last_access: Time::from_unix_nanos(i),
            kind: EventKind::Created,
        };
        for (before, added) in [(0, 2), (2, 2), (3, 4), (1, 9), (0, 3), (2, 0)] {
            let mut pushed = EventLog::with_capacity(3);
            let mut extended = EventLog::with_capacity(3);
            for i in 0..before {
                pushed.push(event(i));
                extended.push(event(i));
            }
            let batch: Vec<Event> = (before..before + added).map(event).collect();
            batch.iter().for_each(|e| pushed.push(e.clone()));
            extended.extend_from_slice(&batch);
            assert!(pushed.iter().eq(extended.iter()), "{before} then {added}");
            assert_eq!(
                pushed.dropped(),
                extended.dropped(),
                "{before} then {added}"
            );
        }
    }
}
