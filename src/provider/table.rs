//! The storage both flavours share: the book's `sessions` map and `list`, as one table.
//!
//! The list is an arena [`LruList`]; the map is an [`Index`] of list slots hashed by the
//! session id kept in the node, so each id is stored once.

use std::hash::BuildHasher;

use compact_str::CompactString;

use super::index::Index;
use super::lru_list::{self, LruList};
use crate::time::Time;
use crate::values::Values;
use crate::{Error, Result};

/// One stored session: the book's `SessionStore`. 56 bytes: with its links, one cache line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    id: CompactString,
    last_access: Time,
    values: Values,
}

impl Session {
    /// The session id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The book's `timeAccessed`.
    pub fn last_access(&self) -> Time {
        self.last_access
    }

    /// The stored key/value pairs.
    pub fn values(&self) -> &Values {
        &self.values
    }

    pub(crate) fn values_mut(&mut self) -> &mut Values {
        &mut self.values
    }

    pub(crate) fn id_owned(&self) -> CompactString {
        self.id.clone()
    }
}

/// Which end of the list a new session goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The front: most recently used.
    Front,
    /// The back, where GC starts (the book's `PushBack`, defect B1).
    Back,
}

/// The sessions, by id and in last-access order.
#[derive(Debug, Clone, Default)]
pub struct SessionTable {
    list: LruList<Session>,
    index: Index,
    hasher: foldhash::fast::RandomState,
}

/// Front-to-back iterator over the sessions.
pub struct Iter<'a>(lru_list::Iter<'a, Session>);

impl<'a> Iterator for Iter<'a> {
    type Item = &'a Session;

    fn next(&mut self) -> Option<&'a Session> {
        self.0.next().map(|(_, s)| s)
    }
}

impl SessionTable {
    /// The number of stored sessions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// Whether no session is stored.
    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }

    /// The slot of session `id`.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.index
            .find(self.hash(id), |slot| self.list.get(slot).id == id)
    }

    /// The 32 bits of the hash of `id` that the index keeps.
    fn hash(&self, id: &str) -> u32 {
        (self.hasher.hash_one(id) >> 32) as u32
    }

    /// The session in `slot`.
    pub fn get(&self, slot: u32) -> &Session {
        self.list.get(slot)
    }

    /// The session in `slot`, mutably.
    pub fn get_mut(&mut self, slot: u32) -> &mut Session {
        self.list.get_mut(slot)
    }

    /// The session `id`, if stored.
    pub fn peek(&self, id: &str) -> Option<&Session> {
        self.find(id).map(|slot| self.get(slot))
    }

    /// The slot at the back of the list (least recently used).
    pub fn back(&self) -> Option<u32> {
        self.list.back()
    }

    /// The sessions front to back.
    pub fn iter(&self) -> Iter<'_> {
        Iter(self.list.iter())
    }

    /// The sessions back to front.
    pub fn iter_back(&self) -> impl Iterator<Item = &Session> {
        std::iter::successors(self.list.back(), |&s| self.list.prev(s)).map(|s| self.get(s))
    }

    /// Stores a new, empty session `id` accessed at `now`, unless `id` is stored already.
    pub fn insert(&mut self, id: &str, now: Time, end: End) -> Result<u32> {
        let (hash, list) = (self.hash(id), &self.list);
        let vacancy = self
            .index
            .vacancy(hash, |slot| list.get(slot).id == id)
            .ok_or_else(|| Error::SessionExists(id.to_owned()))?;
        let session = Session {
            id: CompactString::from(id),
            last_access: now,
            values: Values::default(),
        };
        let slot = match end {
            End::Front => self.list.push_front(session),
            End::Back => self.list.push_back(session),
        }
        .ok_or(Error::StoreFull(self.list.len()))?;
        self.index.fill(vacancy, slot);
        Ok(slot)
    }

    /// Removes the session in `slot`.
    pub fn remove(&mut self, slot: u32) -> Session {
        let hash = self.hash(&self.list.get(slot).id);
        self.index.remove(hash, slot);
        self.list.remove(slot)
    }

    /// The slot before `slot`, towards the front.
    pub fn prev(&self, slot: u32) -> Option<u32> {
        self.list.prev(slot)
    }

    /// Takes sessions off the back of the list while `expired` holds for the back one, and
    /// keeps them as departed (see [`SessionTable::departed_oldest`]) until the next
    /// [`SessionTable::release_departed`]. Returns how many were looked at and how many left.
    ///
    /// The walk is a chain of cache misses, one a session, and writes nothing to the list
    /// until one cut at the end: the departed stay in their nodes, so recording who left
    /// touches no new memory. Each index entry, at a random place, would be another miss,
    /// so it is prefetched as soon as its session is seen and removed a few sessions later,
    /// when it has arrived: its miss overlaps the walk.
    pub fn depart_back_while(&mut self, mut expired: impl FnMut(&Session) -> bool) -> (u64, u64) {
        /// How many sessions behind the walk index entries are removed.
        const LAG: usize = 8;
        let mut pending = [(0, 0); LAG];
        let (mut scanned, mut reaped) = (0, 0);
        let mut front = None;
        let mut slot = self.list.back();
        while let Some(s) = slot {
            scanned += 1;
            let session = self.list.get(s);
            if !expired(session) {
                break;
            }
            let hash = self.hash(&session.id);
            self.index.prefetch(hash);
            let due = std::mem::replace(&mut pending[reaped % LAG], (hash, s));
            if reaped >= LAG {
                self.index.remove(due.0, due.1);
            }
            reaped += 1;
            front = Some(s);
            slot = self.list.prev(s);
        }
        for &(hash, slot) in pending.iter().take(reaped) {
            self.index.remove(hash, slot);
        }
        if let Some(front) = front {
            self.list.depart_back(front, reaped);
        }
        (scanned, reaped as u64)
    }

    /// How many sessions departed since the last release.
    pub fn departed_len(&self) -> usize {
        self.list.departed_len()
    }

    /// The departed sessions, in the order they left.
    pub fn departed_oldest(&self) -> impl Iterator<Item = &Session> {
        self.list.departed_oldest().map(|s| self.get(s))
    }

    /// The departed sessions, the last to leave first.
    pub fn departed_newest(&self) -> impl Iterator<Item = &Session> {
        self.list.departed_newest().map(|s| self.get(s))
    }

    /// The sessions that departed from `first` on, in the order they left.
    pub fn departed_from(&self, first: u32) -> impl Iterator<Item = &Session> {
        std::iter::successors(Some(first), |&s| self.list.prev(s)).map(|s| self.get(s))
    }

    /// Frees the departed sessions' slots for reuse, in O(1).
    pub fn release_departed(&mut self) {
        self.list.release_departed();
    }

    /// Starts loading what moving `slot` to the front will write, so that a read followed
    /// by an update (`SessionStart`, then `Get` or `Set`) waits on memory once, not twice.
    pub fn prefetch_touch(&self, slot: u32) {
        self.list.prefetch_neighbours(slot);
    }

    /// Sets the last access of `slot` to `now` and moves it to the front (`SessionUpdate`).
    pub fn touch(&mut self, slot: u32, now: Time) {
        self.list.get_mut(slot).last_access = now;
        self.list.move_to_front(slot);
    }

    /// Checks that the map and the list hold the same ids, each once.
    pub fn check_index(&self) -> std::result::Result<(), String> {
        if self.index.len() != self.list.len() {
            return Err(format!(
                "map holds {} ids, list {}",
                self.index.len(),
                self.list.len()
            ));
        }
        for (slot, session) in self.list.iter() {
            if self.find(&session.id) != Some(slot) {
                return Err(format!("`{}` in the list is not mapped to it", session.id));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_session_with_its_links_is_one_cache_line() {
        assert_eq!(std::mem::size_of::<Option<Session>>(), 56);
        assert_eq!(std::mem::size_of::<Session>() + 8, 64);
    }

    #[test]
    fn the_departed_back_run_is_unfindable_but_readable_until_released() {
        let mut t = SessionTable::default();
        let ids: Vec<String> = (0..1000).map(|i| format!("s{i}")).collect();
        for (i, id) in ids.iter().enumerate() {
            t.insert(id, Time::from_unix_nanos(i as i64), End::Front)
                .unwrap();
        }
        // The back of the list holds the oldest: s0, s1, ...
        let first = t.back().unwrap();
        let old = |s: &Session| s.last_access() < Time::from_unix_nanos(400);
        assert_eq!(t.depart_back_while(old), (401, 400));
        let names = |it: &mut dyn Iterator<Item = &Session>| -> Vec<String> {
            it.map(|s| s.id().to_owned()).collect()
        };
        assert_eq!(names(&mut t.departed_oldest()), ids[..400]);
        assert_eq!(names(&mut t.departed_from(first).take(400)), ids[..400]);
        assert_eq!(t.len(), 600);
        t.check_index().unwrap();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.find(id).is_some(), i >= 400, "{id}");
        }
        assert_eq!(t.iter_back().next().map(Session::id), Some("s400"));
        assert_eq!(t.iter().next().map(Session::id), Some("s999"));
        let second = t.back().unwrap();
        assert_eq!(t.depart_back_while(|_| true), (600, 600));
        assert!(t.is_empty());
        assert_eq!(t.iter().count(), 0);
        assert_eq!(t.departed_len(), 1000);
        assert_eq!(names(&mut t.departed_oldest()), ids);
        assert_eq!(names(&mut t.departed_from(second).take(600)), ids[400..]);
        let newest = names(&mut t.departed_newest());
        assert!(newest.iter().rev().eq(ids.iter()), "newest first");
        t.release_departed();
        assert_eq!(t.departed_len(), 0);
        for id in ["again", "s5"] {
            t.insert(id, Time::from_unix_nanos(0), End::Back).unwrap();
        }
        assert_eq!(t.len(), 2);
        t.check_index().unwrap();
    }
}
