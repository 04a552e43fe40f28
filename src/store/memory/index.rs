//! The id index of the session table: an open-addressing hash table of list slots.
//!
//! Each entry is 8 bytes, the slot and 32 bits of the id's hash, in one array. A lookup
//! reads one cache line of entries and then compares the id of the one session whose hash
//! matches; growing rehashes from the stored bits without reading any session. Collisions
//! probe linearly, and removal shifts the entries after the hole back, so there are no
//! tombstones and lookups stay short however many sessions come and go.

/// The slot of an empty entry (never a list slot: the list refuses it).
const EMPTY: u32 = u32::MAX;

/// The smallest table allocated, in entries.
const MIN_CAPACITY: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Entry {
    hash: u32,
    slot: u32,
}

const VACANT: Entry = Entry {
    hash: 0,
    slot: EMPTY,
};

/// The empty entry where a new key goes, found by [`Index::vacancy`].
#[derive(Debug)]
pub struct Vacancy {
    at: usize,
    hash: u32,
}

/// A set of `u32` slots, each filed under a 32-bit hash of its key.
#[derive(Debug, Clone, Default)]
pub struct Index {
    /// A power of two in length, or empty.
    entries: Vec<Entry>,
    len: usize,
    /// `32 - log2(capacity)`: an entry's home is the top bits of its hash.
    shift: u32,
}

impl Index {
    /// The number of slots filed.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The slot filed under `hash` for which `is_key` holds.
    pub fn find(&self, hash: u32, is_key: impl FnMut(u32) -> bool) -> Option<u32> {
        if self.entries.is_empty() {
            return None;
        }
        self.probe(hash, is_key).ok()
    }

    /// Where a new key with `hash` would be filed, or `None` if a slot for which `is_key`
    /// holds is filed already: one probe both checks and places. Makes room first, so the
    /// place stays good until [`Index::fill`], as long as nothing else is filed meanwhile.
    pub fn vacancy(&mut self, hash: u32, is_key: impl FnMut(u32) -> bool) -> Option<Vacancy> {
        // At most 3/4 full, so that probes stay short.
        if (self.len + 1) * 4 > self.entries.len() * 3 {
            self.grow();
        }
        match self.probe(hash, is_key) {
            Ok(_) => None,
            Err(at) => Some(Vacancy { at, hash }),
        }
    }

    /// Files `slot` at a place [`Index::vacancy`] found.
    pub fn fill(&mut self, vacancy: Vacancy, slot: u32) {
        debug_assert_ne!(slot, EMPTY);
        debug_assert_eq!(self.entries[vacancy.at].slot, EMPTY);
        self.entries[vacancy.at] = Entry {
            hash: vacancy.hash,
            slot,
        };
        self.len += 1;
    }

    /// Removes `slot`, filed under `hash`. Tells whether it was there.
    pub fn remove(&mut self, hash: u32, slot: u32) -> bool {
        if self.entries.is_empty() {
            return false;
        }
        let mask = self.entries.len() - 1;
        let mut hole = self.home(hash);
        loop {
            let e = self.entries[hole];
            if e.slot == EMPTY {
                return false;
            }
            if e.slot == slot {
                break;
            }
            hole = (hole + 1) & mask;
        }
        // Shift back each later entry of the run that may sit at the hole: one whose home
        // is not between the hole and itself.
        let mut j = hole;
        loop {
            j = (j + 1) & mask;
            let e = self.entries[j];
            if e.slot == EMPTY {
                break;
            }
            let home = self.home(e.hash);
            if (j.wrapping_sub(home) & mask) >= (j.wrapping_sub(hole) & mask) {
                self.entries[hole] = e;
                hole = j;
            }
        }
        self.entries[hole] = VACANT;
        self.len -= 1;
        true
    }

    /// Starts loading the home entry of `hash` into cache, without waiting for it, so that
    /// a lookup or removal soon after does not stall on memory.
    pub fn prefetch(&self, hash: u32) {
        if let Some(e) = self.entries.get(self.home(hash)) {
            super::prefetch::prefetch(e);
        }
    }

    /// Walks the run from the home of `hash`: the slot for which `is_key` holds, or else
    /// the first empty entry. The table must not be empty (it is never full).
    fn probe(&self, hash: u32, mut is_key: impl FnMut(u32) -> bool) -> Result<u32, usize> {
        let mask = self.entries.len() - 1;
        let mut i = self.home(hash);
        loop {
            let e = self.entries[i];
            if e.slot == EMPTY {
                return Err(i);
            }
            if e.hash == hash && is_key(e.slot) {
                return Ok(e.slot);
            }
            i = (i + 1) & mask;
        }
    }

    fn home(&self, hash: u32) -> usize {
        (hash >> self.shift) as usize
    }

    fn place(&mut self, entry: Entry) {
        let mask = self.entries.len() - 1;
        let mut i = self.home(entry.hash);
        while self.entries[i].slot != EMPTY {
            i = (i + 1) & mask;
        }
        self.entries[i] = entry;
    }

    fn grow(&mut self) {
        let capacity = (self.entries.len() * 2).max(MIN_CAPACITY);
        let old = std::mem::replace(&mut self.entries, vec![VACANT; capacity]);
        self.shift = 32 - capacity.trailing_zeros();
        for e in old.into_iter().filter(|e| e.slot != EMPTY) {
            self.place(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Files `key`, which must not be filed yet.
    fn insert(index: &mut Index, key: u32) {
        let vacancy = index.vacancy(hash(key), |s| s == key).expect("a new key");
        index.fill(vacancy, key);
    }

    /// A poor hash for odd keys, so that long runs form and wrap around the end of the
    /// table, and a fair one for even keys.
    fn hash(key: u32) -> u32 {
        if key % 2 == 1 {
            (key % 7)
                .wrapping_mul(0x2492_4924)
                .wrapping_add(0xF000_0000)
        } else {
            key.wrapping_mul(0x9E37_79B1)
        }
    }

    #[test]
    fn finds_what_was_filed_and_nothing_after_removal() {
        let mut index = Index::default();
        assert_eq!(index.find(1, |_| true), None);
        assert!(!index.remove(1, 1));
        for key in 0..1000 {
            insert(&mut index, key);
        }
        assert_eq!(index.len(), 1000);
        for key in 0..1000 {
            assert_eq!(index.find(hash(key), |s| s == key), Some(key));
        }
        for key in (0..1000).filter(|k| k % 3 != 0) {
            assert!(index.remove(hash(key), key), "{key}");
        }
        assert!(!index.remove(hash(1), 1));
        for key in 0..1000 {
            let want = (key % 3 == 0).then_some(key);
            assert_eq!(index.find(hash(key), |s| s == key), want, "{key}");
        }
        assert_eq!(index.len(), 334);
        assert!(
            index.vacancy(hash(3), |s| s == 3).is_none(),
            "filed already"
        );
    }

    #[test]
    fn random_churn_matches_a_plain_set() {
        let mut index = Index::default();
        let mut set = std::collections::BTreeSet::new();
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = (x % 500) as u32;
            if set.contains(&key) {
                assert!(index.remove(hash(key), key));
                set.remove(&key);
            } else {
                assert_eq!(index.find(hash(key), |s| s == key), None);
                insert(&mut index, key);
                set.insert(key);
            }
            assert_eq!(index.len(), set.len());
        }
        for key in 0..500 {
            assert_eq!(
                index.find(hash(key), |s| s == key).is_some(),
                set.contains(&key)
            );
        }
    }
}
