//! What happens to sessions, as events, and the bounded log that keeps the latest of them.

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

/// The latest events, up to a fixed number, and every event of the current operation.
///
/// One buffer holds both, oldest first. An operation's events are pushed straight into it
/// and stay there, so keeping them in the log copies nothing. When the earlier events pass
/// twice the bound, the oldest are forgotten in one go: memory stays flat on long runs, and
/// each event is moved at most once.
#[derive(Debug, Clone)]
pub struct EventLog {
    buf: Events,
    /// Where the current operation's events start in `buf`.
    current: usize,
    capacity: usize,
    /// Events already gone from `buf`.
    forgotten: u64,
}

impl Default for EventLog {
    fn default() -> Self {
        EventLog::with_capacity(DEFAULT_LOG_CAPACITY)
    }
}

impl EventLog {
    /// A log that keeps at most `capacity` events (at least one).
    pub fn with_capacity(capacity: usize) -> Self {
        EventLog {
            buf: Vec::new(),
            current: 0,
            capacity: capacity.max(1),
            forgotten: 0,
        }
    }

    /// Starts a new operation: the events pushed to [`EventLog::sink`] from now on are its.
    pub fn start(&mut self) {
        if self.buf.len() > self.capacity.saturating_mul(2) {
            let excess = self.buf.len() - self.capacity;
            self.buf.drain(..excess);
            self.forgotten += excess as u64;
        }
        self.current = self.buf.len();
    }

    /// Where the current operation pushes its events.
    pub fn sink(&mut self) -> &mut Events {
        &mut self.buf
    }

    /// The current operation's events, in order, however many.
    pub fn current(&self) -> &[Event] {
        self.buf.get(self.current..).unwrap_or_default()
    }

    /// The kept events, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Event> + ExactSizeIterator {
        self.buf[self.buf.len() - self.len()..].iter()
    }

    /// The number of events kept.
    pub fn len(&self) -> usize {
        self.buf.len().min(self.capacity)
    }

    /// Whether no event is kept.
    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// How many older events were forgotten to respect the bound.
    pub fn dropped(&self) -> u64 {
        self.forgotten + (self.buf.len() - self.len()) as u64
    }

    /// The most events this log keeps.
    pub fn capacity(&self) -> usize {
        self.capacity
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(i: i64) -> Event {
        Event {
            at: Time::from_unix_nanos(i),
            id: "a".into(),
            last_access: Time::from_unix_nanos(i),
            kind: EventKind::Created,
        }
    }

    fn at(events: impl Iterator<Item = impl std::borrow::Borrow<Event>>) -> Vec<i64> {
        events.map(|e| e.borrow().at.unix_nanos()).collect()
    }

    #[test]
    fn the_log_keeps_the_latest_events_and_all_of_the_current_operation() {
        let mut log = EventLog::with_capacity(3);
        let mut next = 0;
        // Operations of 0 to 9 events: the log is always their last 3, however they fell.
        for (op, size) in [2, 0, 1, 4, 9, 1, 0, 3, 2, 7, 1].into_iter().enumerate() {
            log.start();
            for _ in 0..size {
                log.sink().push(event(next));
                next += 1;
            }
            assert_eq!(
                at(log.current().iter()),
                (next - size..next).collect::<Vec<_>>()
            );
            let kept = next.min(3);
            assert_eq!(
                at(log.iter()),
                (next - kept..next).collect::<Vec<_>>(),
                "op {op}"
            );
            assert_eq!(log.len(), kept as usize);
            assert_eq!(log.dropped(), (next - kept) as u64);
            assert!(
                log.buf.len() <= 2 * 3 + size as usize,
                "memory stays bounded"
            );
        }
    }
}
