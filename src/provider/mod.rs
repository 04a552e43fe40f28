//! The session provider: the book's `Provider` interface, and its two flavours.
//!
//! [`Provider`] mirrors `SessionInit`, `SessionRead`, `SessionDestroy`, `SessionUpdate`,
//! `SessionGC` and the store's `Set`, `Get` and `Delete`. A flavour decides only what the
//! book and the fix disagree on: where a new session goes, what `read` does with an unknown
//! id, when a session counts as expired, and what an access to an expired one does.
//! Everything else is written once, here.

mod book;
mod index;
mod lru_list;
mod memory;
mod prefetch;
mod table;

use std::time::Duration;

use serde::Serialize;

pub use book::BookProvider;
pub use lru_list::LruList;
pub use memory::MemoryProvider;
pub use table::{End, Iter, Session, SessionTable};

use crate::event::{Activity, Event, EventKind, Events, Reason};
use crate::time::Time;
use crate::{Error, Result};

/// The two provider flavours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Flavour {
    /// The book's provider with B1, B5, B7 and B8 fixed.
    Memory,
    /// The book's provider as written.
    Book,
}

impl Flavour {
    /// The flavour's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Flavour::Memory => "memory",
            Flavour::Book => "book",
        }
    }

    /// A new, empty provider of this flavour.
    pub fn provider(self) -> Box<dyn Provider> {
        match self {
            Flavour::Memory => Box::new(MemoryProvider::default()),
            Flavour::Book => Box::new(BookProvider::default()),
        }
    }
}

/// What every provider call is handed: the current time, and the max-lifetime in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ctx {
    /// The current instant; providers never read a clock.
    pub now: Time,
    /// How long a session may stay idle.
    pub max_lifetime: Duration,
}

/// How `read` found its session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ReadOutcome {
    /// It was stored.
    Found,
    /// It was unknown and has been created (`book`: B5).
    Adopted,
}

/// What one GC run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct GcReport {
    /// Entries looked at, from the back: reaped + 1, or reaped when the list emptied.
    pub scanned: u64,
    /// Sessions removed.
    pub reaped: u64,
}

/// The book's session provider.
///
/// Every method is handed a [`Ctx`] and never reads a clock. Every method that changes the
/// store appends what happened to `ev`, in order, except GC: the sessions it reaps are the
/// table's departed (see [`SessionTable::depart_back_while`]). A method that returns an
/// error has changed nothing, with one exception that is the point of lazy expiry: [`Error::Expired`] means
/// the session was found expired and has been removed (and a `Removed(Expired)` event says
/// so).
pub trait Provider {
    /// Which flavour this is.
    fn flavour(&self) -> Flavour;

    /// The stored sessions, by id and in list order.
    fn table(&self) -> &SessionTable;

    /// The stored sessions, mutably.
    fn table_mut(&mut self) -> &mut SessionTable;

    /// The instant a session is measured against: it is expired once `now` is past it.
    fn deadline(&self, session: &Session, max_lifetime: Duration) -> Time;

    /// Whether `session` counts as expired at `cx.now`.
    fn is_expired(&self, session: &Session, cx: Ctx) -> bool;

    /// The first instant at which `session`, left alone, counts as expired; `None` if never
    /// on this clock.
    fn first_expired_at(&self, session: &Session, max_lifetime: Duration) -> Option<Time>;

    /// `SessionInit(sid)`: stores a new empty session accessed now. Error if `sid` exists.
    fn init(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<()>;

    /// `SessionRead(sid)`: finds the session without touching it. What an unknown or
    /// expired id does is the flavour's choice.
    fn read(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<ReadOutcome>;

    /// Finds `sid` for an activity, without touching it yet. Error if unknown; in `memory`,
    /// also if expired (and then it is removed).
    fn enter(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<u32>;

    /// `SessionUpdate(sid)`: sets the last access to now and moves it to the front.
    fn update(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<()> {
        let slot = self.enter(sid, cx, ev)?;
        self.touch_slot(slot, Activity::Touch, cx, ev);
        Ok(())
    }

    /// The store's `Set(key, value)`: an activity.
    fn set(&mut self, sid: &str, key: &str, value: &str, cx: Ctx, ev: &mut Events) -> Result<()> {
        let slot = self.enter(sid, cx, ev)?;
        self.table_mut().get_mut(slot).values_mut().set(key, value);
        self.touch_slot(slot, Activity::Set, cx, ev);
        Ok(())
    }

    /// The store's `Get(key)`: an activity. `None` is the book's `nil`.
    fn get(&mut self, sid: &str, key: &str, cx: Ctx, ev: &mut Events) -> Result<Option<&str>> {
        let slot = self.enter(sid, cx, ev)?;
        self.touch_slot(slot, Activity::Get, cx, ev);
        Ok(self.table().get(slot).values().get(key))
    }

    /// The store's `Delete(key)`: an activity. Tells whether the key was there.
    fn delete(&mut self, sid: &str, key: &str, cx: Ctx, ev: &mut Events) -> Result<bool> {
        let slot = self.enter(sid, cx, ev)?;
        let removed = self.table_mut().get_mut(slot).values_mut().remove(key);
        self.touch_slot(slot, Activity::Del, cx, ev);
        Ok(removed)
    }

    /// The book's `countnum` counter: adds `by` to an integer value, a missing key counting
    /// as 0, and returns the new value. A non-integer value or an overflow is an error that
    /// changes nothing.
    fn incr(&mut self, sid: &str, key: &str, by: i64, cx: Ctx, ev: &mut Events) -> Result<i64> {
        let slot = self.enter(sid, cx, ev)?;
        let current = match self.table().get(slot).values().get(key) {
            None => 0,
            Some(text) => text.parse::<i64>().map_err(|_| Error::NotAnInteger {
                key: key.to_owned(),
                value: text.to_owned(),
            })?,
        };
        let next = current.checked_add(by).ok_or_else(|| Error::IncrOverflow {
            key: key.to_owned(),
        })?;
        let mut buf = itoa::Buffer::new();
        self.table_mut()
            .get_mut(slot)
            .values_mut()
            .set(key, buf.format(next));
        self.touch_slot(slot, Activity::Incr, cx, ev);
        Ok(next)
    }

    /// `SessionDestroy(sid)`: removes the session. Error if unknown.
    fn destroy(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<()> {
        let slot = self
            .table()
            .find(sid)
            .ok_or_else(|| Error::NoSuchSession(sid.to_owned()))?;
        remove_slot(self.table_mut(), slot, Reason::Destroyed, cx.now, ev);
        Ok(())
    }

    /// `SessionGC(maxlifetime)`: removes sessions from the back while the back one is
    /// expired, and stops at the first live one. The reaped sessions depart: they stay
    /// readable, in the order reaped, until the table releases them.
    ///
    /// Each flavour runs [`gc_back`] with its expiry rule.
    fn gc(&mut self, cx: Ctx) -> GcReport;

    /// Removes the least recently used session (the back of the list), to make room.
    fn evict_lru(&mut self, cx: Ctx, ev: &mut Events) -> bool {
        match self.table().back() {
            Some(slot) => {
                remove_slot(self.table_mut(), slot, Reason::Evicted, cx.now, ev);
                true
            }
            None => false,
        }
    }

    /// The first instant at which a GC run would reap something, if nothing else happens:
    /// when the back session expires. `None` when the store is empty.
    fn next_reap_at(&self, max_lifetime: Duration) -> Option<Time> {
        let back = self.table().back()?;
        Some(
            self.first_expired_at(self.table().get(back), max_lifetime)
                .unwrap_or(Time::MAX),
        )
    }

    /// The session `sid`, without touching it.
    fn peek(&self, sid: &str) -> Option<&Session> {
        self.table().peek(sid)
    }

    /// The number of stored sessions, live or expired.
    fn len(&self) -> usize {
        self.table().len()
    }

    /// Whether nothing is stored.
    fn is_empty(&self) -> bool {
        self.table().is_empty()
    }

    /// The number of stored sessions that count as expired at `cx.now`.
    fn expired_count(&self, cx: Ctx) -> usize {
        self.table()
            .iter()
            .filter(|s| self.is_expired(s, cx))
            .count()
    }

    /// Records an activity on `slot`: touches it, with a `Revived` event if it was expired.
    fn touch_slot(&mut self, slot: u32, activity: Activity, cx: Ctx, ev: &mut Events) {
        let session = self.table().get(slot);
        let kind = if self.is_expired(session, cx) {
            EventKind::Revived(activity)
        } else {
            EventKind::Accessed(activity)
        };
        ev.push(Event {
            at: cx.now,
            id: session.id_owned(),
            last_access: session.last_access(),
            kind,
        });
        self.table_mut().touch(slot, cx.now);
    }

    /// Checks the invariants: the map and the list hold the same ids, and (where the flavour
    /// promises it) the list is ordered by last access.
    fn check_invariants(&self) -> std::result::Result<(), String> {
        self.table().check_index()
    }
}

/// Stores a new session, refusing an existing or empty id.
fn create(
    table: &mut SessionTable,
    sid: &str,
    end: End,
    kind: EventKind,
    now: Time,
    ev: &mut Events,
) -> Result<()> {
    check_id(sid)?;
    table.insert(sid, now, end)?;
    ev.push(Event {
        at: now,
        id: sid.into(),
        last_access: now,
        kind,
    });
    Ok(())
}

/// Refuses an id no cookie could carry: empty, or holding whitespace.
pub fn check_id(sid: &str) -> Result<()> {
    if sid.is_empty() {
        return Err(Error::Empty("a session id"));
    }
    // Ids are nearly always ASCII, whose whitespace is these six bytes.
    let spaced = if sid.is_ascii() {
        sid.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        sid.contains(char::is_whitespace)
    };
    if spaced {
        return Err(Error::Invalid(format!(
            "session id `{sid}` holds whitespace; an id is one word, as a cookie value is"
        )));
    }
    Ok(())
}

/// `SessionGC` on `table` with the rule `expired`: takes sessions off the back while the
/// back one is expired, as departed, in order.
fn gc_back(table: &mut SessionTable, expired: fn(&Session, Ctx) -> bool, cx: Ctx) -> GcReport {
    let (scanned, reaped) = table.depart_back_while(|s| expired(s, cx));
    GcReport { scanned, reaped }
}

fn remove_slot(table: &mut SessionTable, slot: u32, reason: Reason, now: Time, ev: &mut Events) {
    let session = table.remove(slot);
    ev.push(Event {
        at: now,
        id: session.id_owned(),
        last_access: session.last_access(),
        kind: EventKind::Removed(reason),
    });
}

/// Finds `sid` or says it is unknown.
fn find(table: &SessionTable, sid: &str) -> Result<u32> {
    table
        .find(sid)
        .ok_or_else(|| Error::NoSuchSession(sid.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_refused_for_exactly_the_whitespace_rust_knows() {
        let ascii = (0u8..128).map(char::from);
        let unicode = ['\u{85}', '\u{a0}', '\u{2003}', '\u{3000}', 'é', '名'];
        for c in ascii.chain(unicode) {
            for id in [format!("a{c}b"), c.to_string()] {
                assert_eq!(check_id(&id).is_err(), c.is_whitespace(), "{c:?} in {id:?}");
            }
        }
        assert!(check_id("").is_err());
    }
}
