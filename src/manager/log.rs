//! The bounded event log: the latest events, and all of the current operation's.

use super::event::Event;

/// The events of one operation, in order.
pub type Events = Vec<Event>;

/// The default number of events kept by [`EventLog`].
pub const DEFAULT_LOG_CAPACITY: usize = 10_000;

/// The latest events, up to a fixed number, and the current operation's events.
///
/// One buffer holds both, oldest first. An operation's events are pushed straight into it
/// and stay there, so keeping them in the log copies nothing. Events told after the fact (a
/// GC run's removals) are put in front of them, only as many as the bound keeps. When the
/// earlier events pass twice the bound, the oldest are forgotten in one go: memory stays
/// flat on long runs.
#[derive(Debug, Clone)]
pub struct EventLog {
    buf: Events,
    /// Where the current operation's events start in `buf`.
    current: usize,
    capacity: usize,
    /// Events already gone from `buf`.
    forgotten: u64,
    /// The current operation's earliest events that never entered `buf`, for want of room.
    unlogged: usize,
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
            unlogged: 0,
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
        self.unlogged = 0;
    }

    /// Where the current operation pushes its events.
    pub fn sink(&mut self) -> &mut Events {
        &mut self.buf
    }

    /// The current operation's events, in order, however many: all of them, but for the
    /// [`EventLog::unlogged`] earliest.
    pub fn current(&self) -> &[Event] {
        self.buf.get(self.current..).unwrap_or_default()
    }

    /// How many of `count` events told after the fact [`EventLog::prepend_current`] will
    /// keep: the newest of them, as many as the bound has room for.
    pub fn room(&self, count: usize) -> usize {
        self.capacity
            .saturating_sub(self.current().len())
            .min(count)
    }

    /// Puts `count` events of the current operation, earlier than all pushed so far, in
    /// front of them. `newest_first` yields them, the latest first: only as many are taken
    /// as the bound has room for, and the earliest, with no room, are forgotten at once.
    pub fn prepend_current(&mut self, count: usize, newest_first: impl Iterator<Item = Event>) {
        if count == 0 {
            return;
        }
        let room = self.room(count);
        let unlogged = count - room;
        if unlogged > 0 {
            // The operation alone fills the log, so the events before it are past the bound.
            self.buf.drain(..self.current);
            self.forgotten += self.current as u64;
            self.current = 0;
        }
        let later = self.buf.split_off(self.current);
        self.buf.extend(newest_first.take(room));
        self.buf[self.current..].reverse();
        self.buf.extend(later);
        self.forgotten += unlogged as u64;
        self.unlogged += unlogged;
    }

    /// How many of the current operation's earliest events the log had no room for.
    pub fn unlogged(&self) -> usize {
        self.unlogged
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
    use crate::basics::time::Time;
    use crate::manager::event::EventKind;

    fn event(i: i64) -> Event {
        let t = Time::from_unix_nanos(i);
        Event::new(t, "a", t, EventKind::Created)
    }

    fn at(events: impl Iterator<Item = impl std::borrow::Borrow<Event>>) -> Vec<i64> {
        events.map(|e| e.borrow().at.unix_nanos()).collect()
    }

    #[test]
    fn the_log_keeps_the_latest_events_and_all_of_the_current_operation() {
        let mut log = EventLog::with_capacity(3);
        let mut next = 0;
        // Operations of 0 to 9 events, some prepended: the log is always their last 3.
        let ops = [
            (2, 0),
            (0, 0),
            (1, 0),
            (4, 0),
            (9, 0),
            (0, 1),
            (0, 0),
            (1, 2),
        ];
        let ops = ops
            .into_iter()
            .chain([(2, 0), (5, 2), (1, 0), (0, 4), (2, 1), (1, 1)]);
        for (op, (pushed, prepended)) in ops.enumerate() {
            log.start();
            let size = pushed + prepended;
            for i in prepended..size {
                log.sink().push(event(next + i));
            }
            log.prepend_current(
                prepended as usize,
                (next..next + prepended).rev().map(event),
            );
            next += size;
            let logged = size - log.unlogged() as i64;
            assert!(logged >= size.min(3), "op {op}: the newest are logged");
            assert_eq!(
                at(log.current().iter()),
                (next - logged..next).collect::<Vec<_>>(),
                "op {op}"
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
