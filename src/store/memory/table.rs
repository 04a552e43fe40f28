//! The session table: the book's `sessions` map and `list` as one structure.
//!
//! The list is an arena [`LruList`] of [`Session`]s; the map is an [`Index`] of list slots
//! hashed by the id kept in the node, so each id is stored once. A session, with its id,
//! pairs, last access and creation time, fills its node's one cache line.

use std::cell::Cell;
use std::hash::BuildHasher;

use super::index::Index;
use super::lru_list::LruList;
use crate::basics::time::Time;
use crate::store::End;
use crate::store::values::Packed;
use crate::{Error, Result};

/// One stored session: the book's `SessionStore`. 56 bytes: with its links, one cache line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Its id and pairs.
    pub(super) packed: Packed,
    pub(super) last_access: Time,
    pub(super) created: Time,
}

impl Session {
    pub(super) fn id(&self) -> &str {
        self.packed.id()
    }

    fn id_bytes(&self) -> &[u8] {
        self.packed.id_bytes()
    }
}

/// What [`SessionTable::depart_back_while`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Departure {
    /// Sessions looked at.
    pub scanned: u64,
    /// Sessions that departed.
    pub reaped: u64,
    /// The first and the last to depart, if any did.
    pub run: Option<(u32, u32)>,
}

/// The sample pool: every stored session's slot, in the order `Store::sample` defines
/// (a new one at the end; a leaving one replaced by the last).
#[derive(Debug, Clone, Default)]
struct Pool {
    slots: Vec<u32>,
    /// Where each slot is in `slots`, by slot.
    at: Vec<u32>,
}

impl Pool {
    fn push(&mut self, slot: u32) {
        let s = slot as usize;
        if self.at.len() <= s {
            self.at.resize(s + 1, u32::MAX);
        }
        self.at[s] = self.slots.len() as u32;
        self.slots.push(slot);
    }

    fn remove(&mut self, slot: u32) {
        let i = self.at[slot as usize] as usize;
        self.slots.swap_remove(i);
        if let Some(&moved) = self.slots.get(i) {
            self.at[moved as usize] = i as u32;
        }
    }
}

/// Redis's sampling, as [`SessionTable::sample`] runs it.
#[derive(Debug, Clone, Copy)]
pub struct Rounds {
    /// Samples a round, at most.
    pub per_round: u64,
    /// Another round follows while more than this percentage of one had expired.
    pub stale_percent: u64,
    /// No round starts once this many have been examined.
    pub max_examined: u64,
}

/// How many sessions at the back were last accessed before an instant, remembered so that
/// the next count, at a later instant, goes on from there: counting the expired sessions
/// as the clock moves costs in proportion to the sessions that expired since, not to all
/// that are expired. Used only while the list is in last-access order.
#[derive(Debug, Clone, Copy)]
struct Counted {
    valid: bool,
    before: Time,
    count: usize,
    /// The frontmost session counted, if any.
    front: Option<u32>,
}

impl Counted {
    const NONE: Counted = Counted {
        valid: false,
        before: Time::MIN,
        count: 0,
        front: None,
    };
}

/// The sessions, by id and in last-access order.
#[derive(Debug, Clone)]
pub struct SessionTable {
    list: LruList<Session>,
    index: Index,
    hasher: foldhash::fast::RandomState,
    /// Whether the list is known to be in last-access order, front to back: true until a
    /// session joins the back of others, or joins the front out of time order, and again
    /// once the table is empty.
    ordered: bool,
    /// Kept only while a strategy samples.
    pool: Option<Pool>,
    /// The last count of sessions accessed before an instant.
    counted: Cell<Counted>,
}

impl Default for SessionTable {
    fn default() -> Self {
        SessionTable {
            list: LruList::default(),
            index: Index::default(),
            hasher: foldhash::fast::RandomState::default(),
            ordered: true,
            pool: None,
            counted: Cell::new(Counted::NONE),
        }
    }
}

impl SessionTable {
    /// The number of stored sessions.
    pub fn len(&self) -> usize {
        self.list.len()
    }

    /// The slot of session `id`.
    pub fn find(&self, id: &str) -> Option<u32> {
        self.index.find(self.hash(id.as_bytes()), |slot| {
            self.list.get(slot).id_bytes() == id.as_bytes()
        })
    }

    /// The 32 bits of the hash of `id` that the index keeps.
    fn hash(&self, id: &[u8]) -> u32 {
        (self.hasher.hash_one(id) >> 32) as u32
    }

    /// The session in `slot`.
    pub fn get(&self, slot: u32) -> &Session {
        self.list.get(slot)
    }

    /// The id and pairs of the session in `slot`, to change the pairs.
    pub fn packed_mut(&mut self, slot: u32) -> &mut Packed {
        &mut self.list.get_mut(slot).packed
    }

    /// The slot at the back of the list (least recently used).
    pub fn back(&self) -> Option<u32> {
        self.list.back()
    }

    /// Whether the list is known to be in last-access order.
    pub fn is_ordered(&self) -> bool {
        self.ordered
    }

    /// The slots from `from`, front to back or back to front.
    pub fn slots(&self, from: End) -> impl Iterator<Item = u32> + '_ {
        let first = match from {
            End::Front => self.list.front(),
            End::Back => self.list.back(),
        };
        std::iter::successors(first, move |&s| match from {
            End::Front => self.list.next(s),
            End::Back => self.list.prev(s),
        })
    }

    /// Stores a new, empty session `id` created and accessed at `now`, unless `id` is
    /// stored already.
    pub fn insert(&mut self, id: &str, now: Time, end: End) -> Result<u32> {
        let (hash, list) = (self.hash(id.as_bytes()), &self.list);
        let vacancy = self
            .index
            .vacancy(hash, |slot| list.get(slot).id_bytes() == id.as_bytes())
            .ok_or_else(|| Error::SessionExists(id.to_owned()))?;
        let in_order = match end {
            End::Front => self
                .list
                .front()
                .is_none_or(|f| self.get(f).last_access <= now),
            End::Back => self
                .list
                .back()
                .is_none_or(|b| self.get(b).last_access >= now),
        };
        let session = Session {
            packed: Packed::EMPTY,
            last_access: now,
            created: now,
        };
        let slot = match end {
            End::Front => self.list.push_front(session),
            End::Back => self.list.push_back(session),
        }
        .ok_or(Error::StoreFull(self.list.len()))?;
        self.list.get_mut(slot).packed.start(id);
        self.index.fill(vacancy, slot);
        self.set_ordered(self.ordered && in_order);
        if let Some(pool) = &mut self.pool {
            pool.push(slot);
        }
        Ok(slot)
    }

    /// Gives the session in `slot` the id `to`, keeping its place, times and pairs, unless
    /// `to` is stored already.
    pub fn rename(&mut self, slot: u32, to: &str) -> Result<()> {
        if self.find(to).is_some() {
            return Err(Error::SessionExists(to.to_owned()));
        }
        // The old entry leaves first: removal shifts entries, which would move a vacancy.
        let old = self.hash(self.list.get(slot).id_bytes());
        self.index.remove(old, slot);
        let session = self.list.get_mut(slot);
        session.packed = session.packed.renamed(to);
        let (hash, list) = (self.hash(to.as_bytes()), &self.list);
        let vacancy = self
            .index
            .vacancy(hash, |s| list.get(s).id_bytes() == to.as_bytes());
        self.index.fill(vacancy.expect("`to` was not stored"), slot);
        Ok(())
    }

    /// Removes the session in `slot`.
    pub fn remove(&mut self, slot: u32) -> Session {
        let hash = self.hash(self.list.get(slot).id_bytes());
        self.index.remove(hash, slot);
        if let Some(pool) = &mut self.pool {
            pool.remove(slot);
        }
        self.uncount(slot);
        let session = self.list.remove(slot);
        if self.list.is_empty() {
            self.set_ordered(true);
        }
        session
    }

    /// Records whether the list is in last-access order; the count of the expired is kept
    /// only while it is.
    fn set_ordered(&mut self, ordered: bool) {
        if !ordered {
            self.counted.set(Counted::NONE);
        }
        self.ordered = ordered;
    }

    /// The session in `slot` is leaving its place: if it was counted, it is not any more.
    /// Its links are still in place.
    fn uncount(&self, slot: u32) {
        let mut c = self.counted.get();
        if !c.valid || self.get(slot).last_access >= c.before {
            return;
        }
        c.count -= 1;
        if c.count == 0 {
            c.front = None;
        } else if c.front == Some(slot) {
            c.front = self.list.next(slot);
        }
        self.counted.set(c);
    }

    /// The `n` sessions at the back left at once. The counted ones are at the back too, so
    /// as many of them as left are not counted any more, the front one last.
    fn uncount_back(&self, n: usize) {
        let mut c = self.counted.get();
        if !c.valid || n == 0 {
            return;
        }
        if n >= c.count {
            c.count = 0;
            c.front = None;
        } else {
            c.count -= n;
        }
        self.counted.set(c);
    }

    /// How many sessions were last accessed before `before`, when the list is in
    /// last-access order: those at the back. The count goes on from the last one when
    /// `before` has not moved back.
    pub fn count_accessed_before(&self, before: Time) -> usize {
        debug_assert!(self.ordered);
        let mut c = self.counted.get();
        if !c.valid || before < c.before {
            c = Counted {
                valid: true,
                ..Counted::NONE
            };
        }
        let mut next = match c.front {
            Some(front) => self.list.prev(front),
            None => self.list.back(),
        };
        while let Some(s) = next.filter(|&s| self.get(s).last_access < before) {
            c.count += 1;
            c.front = Some(s);
            next = self.list.prev(s);
        }
        c.before = before;
        self.counted.set(c);
        c.count
    }

    /// Starts keeping the sample pool, from the list front to back, or stops.
    pub fn keep_pool(&mut self, on: bool) {
        if !on {
            self.pool = None;
        } else if self.pool.is_none() {
            let mut pool = Pool::default();
            let slots: Vec<u32> = self.slots(End::Front).collect();
            for slot in slots {
                pool.push(slot);
            }
            self.pool = Some(pool);
        }
    }

    /// Takes the session in `slot` out, as departed: unfindable, but readable until the
    /// next release.
    fn depart(&mut self, slot: u32) {
        let hash = self.hash(self.list.get(slot).id_bytes());
        self.index.remove(hash, slot);
        if let Some(pool) = &mut self.pool {
            pool.remove(slot);
        }
        self.uncount(slot);
        self.list.depart(slot);
        if self.list.is_empty() {
            self.set_ordered(true);
        }
    }

    /// Departs every session for which `over` holds, looking at all of them from the back
    /// to the front: first the run at the back in one cut, then the others one by one.
    pub fn depart_all_where(&mut self, mut over: impl FnMut(&Session) -> bool) -> Departure {
        let back = self.depart_back_while(&mut over);
        let (mut scanned, mut reaped) = (back.reaped, back.reaped);
        let (mut oldest, mut newest) = back.run.unzip();
        let mut slot = self.list.back();
        while let Some(s) = slot {
            scanned += 1;
            slot = self.list.prev(s);
            if over(self.list.get(s)) {
                self.depart(s);
                reaped += 1;
                oldest.get_or_insert(s);
                newest = Some(s);
            }
        }
        Departure {
            scanned,
            reaped,
            run: oldest.zip(newest),
        }
    }

    /// One cycle of sampling (see `Store::sample`): draws positions in the pool with
    /// `draw(k, len)`, and departs the sampled sessions for which `over` holds.
    ///
    /// # Panics
    /// If the pool is not kept: a store samples only after `keep_pool(true)`.
    pub fn sample(
        &mut self,
        rounds: Rounds,
        draw: impl Fn(u64, u64) -> u64,
        mut over: impl FnMut(&Session) -> bool,
    ) -> Departure {
        let (mut scanned, mut reaped, mut k) = (0, 0, 0);
        let (mut oldest, mut newest) = (None, None);
        loop {
            let len = self.pool.as_ref().expect("the pool is kept").slots.len() as u64;
            let round = rounds.per_round.min(len);
            if round == 0 {
                break;
            }
            let mut expired = 0;
            for _ in 0..round {
                let slots = &self.pool.as_ref().expect("the pool is kept").slots;
                if slots.is_empty() {
                    break;
                }
                let slot = slots[draw(k, slots.len() as u64) as usize];
                k += 1;
                scanned += 1;
                if over(self.list.get(slot)) {
                    self.depart(slot);
                    expired += 1;
                    oldest.get_or_insert(slot);
                    newest = Some(slot);
                }
            }
            reaped += expired;
            if expired * 100 / round <= rounds.stale_percent || scanned >= rounds.max_examined {
                break;
            }
        }
        Departure {
            scanned,
            reaped,
            run: oldest.zip(newest),
        }
    }

    /// The earliest last access and, when `created`, the earliest creation ([`Time::MAX`]
    /// when not asked for); `None` when empty. In last-access order the first is the back
    /// one; otherwise, and for the second, every session is looked at.
    pub fn oldest(&self, created: bool) -> Option<(Time, Time)> {
        let back = self.list.back()?;
        let mut oldest = (self.get(back).last_access, Time::MAX);
        if self.ordered && !created {
            return Some(oldest);
        }
        for (_, s) in self.list.iter() {
            oldest.0 = oldest.0.min(s.last_access);
            if created {
                oldest.1 = oldest.1.min(s.created);
            }
        }
        Some(oldest)
    }

    /// Takes sessions off the back of the list while `expired` holds for the back one, and
    /// keeps them as departed until the next [`SessionTable::release_departed`]: their slots
    /// stay readable through [`SessionTable::departed_run`].
    ///
    /// The walk is a chain of cache misses, one a session, and writes nothing to the list
    /// until one cut at the end: the departed stay in their nodes, so recording who left
    /// touches no new memory. Each index entry, at a random place, would be another miss,
    /// so it is prefetched as soon as its session is seen and removed a few sessions later,
    /// when it has arrived: its miss overlaps the walk.
    pub fn depart_back_while(&mut self, expired: &mut impl FnMut(&Session) -> bool) -> Departure {
        /// How many sessions behind the walk index entries are removed.
        const LAG: usize = 8;
        let mut pending = [(0, 0); LAG];
        let (mut scanned, mut reaped) = (0, 0);
        let oldest = self.list.back();
        let mut newest = None;
        let mut slot = oldest;
        while let Some(s) = slot {
            scanned += 1;
            let session = self.list.get(s);
            if !expired(session) {
                break;
            }
            let hash = self.hash(session.id_bytes());
            self.index.prefetch(hash);
            if let Some(pool) = &mut self.pool {
                pool.remove(s);
            }
            let due = std::mem::replace(&mut pending[reaped % LAG], (hash, s));
            if reaped >= LAG {
                self.index.remove(due.0, due.1);
            }
            reaped += 1;
            newest = Some(s);
            slot = self.list.prev(s);
        }
        for &(hash, slot) in pending.iter().take(reaped) {
            self.index.remove(hash, slot);
        }
        if let Some(front) = newest {
            self.list.depart_back(front, reaped);
        }
        self.uncount_back(reaped);
        if self.list.is_empty() {
            self.set_ordered(true);
        }
        Departure {
            scanned,
            reaped: reaped as u64,
            run: oldest.zip(newest),
        }
    }

    /// The sessions of one departed run, oldest to newest, or the reverse.
    pub fn departed_run(
        &self,
        oldest: u32,
        newest: u32,
        newest_first: bool,
    ) -> impl Iterator<Item = &Session> {
        self.list
            .departed_run(oldest, newest, newest_first)
            .map(|s| self.get(s))
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
        if let Some(front) = self.list.front() {
            self.set_ordered(self.ordered && self.get(front).last_access <= now);
        }
        self.uncount(slot);
        self.list.get_mut(slot).last_access = now;
        self.list.move_to_front(slot);
    }

    /// Checks that the map and the list hold the same ids, each once, and that the list is
    /// in last-access order when it is known to be.
    pub fn check(&self) -> std::result::Result<(), String> {
        if self.index.len() != self.list.len() {
            return Err(format!(
                "map holds {} ids, list {}",
                self.index.len(),
                self.list.len()
            ));
        }
        let mut newer: Option<&Session> = None;
        for (slot, session) in self.list.iter() {
            if self.find(session.id()) != Some(slot) {
                return Err(format!(
                    "`{}` in the list is not mapped to it",
                    session.id()
                ));
            }
            if let Some(n) = newer.filter(|n| self.ordered && n.last_access < session.last_access) {
                return Err(format!(
                    "list out of order: `{}` ({}) is in front of `{}` ({})",
                    n.id(),
                    n.last_access,
                    session.id(),
                    session.last_access
                ));
            }
            newer = Some(session);
        }
        if let Some(pool) = &self.pool {
            if pool.slots.len() != self.list.len() {
                return Err(format!(
                    "the pool holds {} sessions, the list {}",
                    pool.slots.len(),
                    self.list.len()
                ));
            }
            let stored: std::collections::HashSet<u32> = self.list.iter().map(|(s, _)| s).collect();
            for (i, &slot) in pool.slots.iter().enumerate() {
                if pool.at[slot as usize] as usize != i || !stored.contains(&slot) {
                    return Err(format!("pool position {i} is not a stored session's"));
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
impl SessionTable {
    /// The ids from `from`, for tests of this module.
    fn ids(&self, from: End) -> Vec<String> {
        self.slots(from)
            .map(|s| self.get(s).id().to_owned())
            .collect()
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
        let old = |s: &Session| s.last_access < Time::from_unix_nanos(400);
        let first = t.depart_back_while(&mut { old });
        assert_eq!((first.scanned, first.reaped), (401, 400));
        let names = |it: &mut dyn Iterator<Item = &Session>| -> Vec<String> {
            it.map(|s| s.id().to_owned()).collect()
        };
        let (a, b) = first.run.unwrap();
        assert_eq!(names(&mut t.departed_run(a, b, false)), ids[..400]);
        assert_eq!(t.len(), 600);
        t.check().unwrap();
        for (i, id) in ids.iter().enumerate() {
            assert_eq!(t.find(id).is_some(), i >= 400, "{id}");
        }
        assert_eq!(t.ids(End::Back)[0], "s400");
        assert_eq!(t.ids(End::Front)[0], "s999");
        let second = t.depart_back_while(&mut |_: &Session| true);
        assert_eq!((second.scanned, second.reaped), (600, 600));
        assert_eq!(t.len(), 0);
        assert!(t.ids(End::Front).is_empty());
        let (c, d) = second.run.unwrap();
        assert_eq!(names(&mut t.departed_run(c, d, false)), ids[400..]);
        let newest = names(&mut t.departed_run(c, d, true));
        assert!(newest.iter().rev().eq(ids[400..].iter()), "newest first");
        assert_eq!(
            names(&mut t.departed_run(a, b, true)).len(),
            400,
            "an earlier run still reads whole"
        );
        t.release_departed();
        for id in ["again", "s5"] {
            t.insert(id, Time::from_unix_nanos(0), End::Back).unwrap();
        }
        assert_eq!(t.len(), 2);
        t.check().unwrap();
    }

    #[test]
    fn a_renamed_session_keeps_its_place_and_is_found_only_by_its_new_id() {
        let mut t = SessionTable::default();
        for i in 0..1000 {
            t.insert(&format!("s{i}"), Time::from_unix_nanos(i), End::Front)
                .unwrap();
        }
        let slot = t.find("s500").unwrap();
        t.packed_mut(slot).set("k", "v");
        assert!(matches!(
            t.rename(slot, "s501"),
            Err(Error::SessionExists(_))
        ));
        t.rename(slot, "fresh").unwrap();
        assert_eq!(t.find("s500"), None);
        assert_eq!(t.find("fresh"), Some(slot));
        assert_eq!(t.get(slot).packed.pairs().get("k"), Some("v"));
        assert_eq!(t.get(slot).last_access, Time::from_unix_nanos(500));
        assert_eq!(t.ids(End::Back)[500], "fresh", "its place in the list");
        t.check().unwrap();
        for i in (0..1000).filter(|&i| i != 500) {
            assert!(t.find(&format!("s{i}")).is_some(), "s{i}");
        }
    }

    #[test]
    fn order_is_known_until_a_session_joins_out_of_order() {
        let mut t = SessionTable::default();
        let at = Time::from_unix_nanos;
        t.insert("a", at(1), End::Front).unwrap();
        t.insert("b", at(2), End::Front).unwrap();
        let a = t.find("a").unwrap();
        t.touch(a, at(3));
        assert!(t.is_ordered());
        assert_eq!(t.get(a).created, at(1), "a touch keeps the creation time");
        t.insert("c", at(4), End::Back).unwrap();
        assert!(!t.is_ordered(), "a new session behind older ones");
        t.check().unwrap();
        for id in ["a", "b", "c"] {
            let slot = t.find(id).unwrap();
            t.remove(slot);
        }
        assert!(t.is_ordered(), "an empty table is in order");
    }
}
