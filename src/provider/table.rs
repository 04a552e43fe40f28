//! The storage both flavours share: the book's `sessions` map and `list`, as one table.
//!
//! The list is an arena [`LruList`]; the map is a `HashTable` of list slots hashed by the
//! session id kept in the node, so each id is stored once.

use std::hash::BuildHasher;

use compact_str::CompactString;
use hashbrown::HashTable;

use super::lru_list::{self, LruList};
use crate::time::Time;
use crate::values::Values;
use crate::{Error, Result};

/// One stored session: the book's `SessionStore`.
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
    index: HashTable<u32>,
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
        let hash = self.hasher.hash_one(id);
        self.index
            .find(hash, |&slot| self.list.get(slot).id == id)
            .copied()
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

    /// Stores a new, empty session `id` accessed at `now`; the caller has checked it is absent.
    pub fn insert(&mut self, id: &str, now: Time, end: End) -> Result<u32> {
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
        let Self {
            list,
            index,
            hasher,
        } = self;
        index.insert_unique(hasher.hash_one(id), slot, |&s| {
            hasher.hash_one(list.get(s).id.as_str())
        });
        Ok(slot)
    }

    /// Removes the session in `slot`.
    pub fn remove(&mut self, slot: u32) -> Session {
        let hash = self.hasher.hash_one(self.list.get(slot).id.as_str());
        if let Ok(entry) = self.index.find_entry(hash, |&s| s == slot) {
            entry.remove();
        }
        self.list.remove(slot)
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
