//! An O(1) doubly linked list in an arena, linked by `u32` indices, with no `unsafe`.
//!
//! Push at either end, move to front, remove and walk both ways are O(1). Freed slots are
//! chained into a free list and reused, so the arena never grows past the peak length.

const NIL: u32 = u32::MAX;

/// Items are stored in chunks of `1 << CHUNK_BITS` slots.
const CHUNK_BITS: u32 = 14;
const CHUNK: usize = 1 << CHUNK_BITS;

/// The links of one slot. While the slot is free, `next` chains the free list.
#[derive(Debug, Clone, Copy)]
struct Link {
    prev: u32,
    next: u32,
}

/// A doubly linked list whose nodes are addressed by stable `u32` slots.
///
/// The links and the items live apart: moving a node touches only the links of it and its
/// neighbours, 8 bytes each, so the links of a million nodes stay in cache. Items are kept
/// in fixed-size chunks, so the arena grows without moving (or copying) what it holds.
#[derive(Debug, Clone)]
pub struct LruList<T> {
    links: Vec<Link>,
    /// `None` while the slot is on the free list.
    chunks: Vec<Vec<Option<T>>>,
    head: u32,
    tail: u32,
    free: u32,
    len: usize,
}

impl<T> Default for LruList<T> {
    fn default() -> Self {
        LruList {
            links: Vec::new(),
            chunks: Vec::new(),
            head: NIL,
            tail: NIL,
            free: NIL,
            len: 0,
        }
    }
}

impl<T> LruList<T> {
    /// The number of items.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the list is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The front slot (most recent).
    pub fn front(&self) -> Option<u32> {
        some(self.head)
    }

    /// The back slot (least recent).
    pub fn back(&self) -> Option<u32> {
        some(self.tail)
    }

    /// The slot after `slot`, towards the back.
    pub fn next(&self, slot: u32) -> Option<u32> {
        some(self.links[slot as usize].next)
    }

    /// The slot before `slot`, towards the front.
    pub fn prev(&self, slot: u32) -> Option<u32> {
        some(self.links[slot as usize].prev)
    }

    /// The item in a live slot.
    ///
    /// # Panics
    /// If `slot` is not live; slots come only from this list, so that is a bug.
    pub fn get(&self, slot: u32) -> &T {
        self.item(slot).as_ref().expect("live slot")
    }

    /// The item in a live slot, mutably. Panics as [`LruList::get`].
    pub fn get_mut(&mut self, slot: u32) -> &mut T {
        self.item_mut(slot).as_mut().expect("live slot")
    }

    /// Inserts at the front; `None` when all `u32` slots are taken.
    pub fn push_front(&mut self, item: T) -> Option<u32> {
        let slot = self.alloc(item)?;
        self.link_front(slot);
        Some(slot)
    }

    /// Inserts at the back; `None` when all `u32` slots are taken.
    pub fn push_back(&mut self, item: T) -> Option<u32> {
        let slot = self.alloc(item)?;
        self.links[slot as usize] = Link {
            prev: self.tail,
            next: NIL,
        };
        match some(self.tail) {
            Some(t) => self.links[t as usize].next = slot,
            None => self.head = slot,
        }
        self.tail = slot;
        Some(slot)
    }

    /// Moves a live slot to the front.
    pub fn move_to_front(&mut self, slot: u32) {
        if self.head != slot {
            self.unlink(slot);
            self.link_front(slot);
        }
    }

    /// Removes a live slot and returns its item.
    pub fn remove(&mut self, slot: u32) -> T {
        self.unlink(slot);
        self.links[slot as usize] = Link {
            prev: NIL,
            next: self.free,
        };
        self.free = slot;
        self.len -= 1;
        self.item_mut(slot).take().expect("live slot")
    }

    /// The items front to back, with their slots.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            list: self,
            slot: self.head,
        }
    }

    fn item(&self, slot: u32) -> &Option<T> {
        &self.chunks[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
    }

    fn item_mut(&mut self, slot: u32) -> &mut Option<T> {
        &mut self.chunks[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
    }

    fn alloc(&mut self, item: T) -> Option<u32> {
        if let Some(slot) = some(self.free) {
            self.free = self.links[slot as usize].next;
            *self.item_mut(slot) = Some(item);
            self.len += 1;
            return Some(slot);
        }
        let slot = u32::try_from(self.links.len()).ok().filter(|&s| s != NIL)?;
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            // The first chunk starts small and doubles, so a small list stays small; later
            // chunks are allocated whole (only the pages written become resident).
            let first = self.chunks.is_empty();
            self.chunks
                .push(Vec::with_capacity(if first { 16 } else { CHUNK }));
        }
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        chunk.push(Some(item));
        self.links.push(Link {
            prev: NIL,
            next: NIL,
        });
        self.len += 1;
        Some(slot)
    }

    fn link_front(&mut self, slot: u32) {
        self.links[slot as usize] = Link {
            prev: NIL,
            next: self.head,
        };
        match some(self.head) {
            Some(h) => self.links[h as usize].prev = slot,
            None => self.tail = slot,
        }
        self.head = slot;
    }

    fn unlink(&mut self, slot: u32) {
        let Link { prev, next } = self.links[slot as usize];
        match some(prev) {
            Some(p) => self.links[p as usize].next = next,
            None => self.head = next,
        }
        match some(next) {
            Some(n) => self.links[n as usize].prev = prev,
            None => self.tail = prev,
        }
    }
}

/// Front-to-back iterator over `(slot, item)`.
pub struct Iter<'a, T> {
    list: &'a LruList<T>,
    slot: u32,
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = (u32, &'a T);

    fn next(&mut self) -> Option<Self::Item> {
        let slot = some(self.slot)?;
        self.slot = self.list.links[slot as usize].next;
        self.list.item(slot).as_ref().map(|item| (slot, item))
    }
}

fn some(slot: u32) -> Option<u32> {
    (slot != NIL).then_some(slot)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(l: &LruList<char>) -> String {
        l.iter().map(|(_, c)| *c).collect()
    }

    fn items_backwards(l: &LruList<char>) -> String {
        let mut out = String::new();
        let mut slot = l.back();
        while let Some(s) = slot {
            out.push(*l.get(s));
            slot = l.prev(s);
        }
        out
    }

    #[test]
    fn pushes_moves_and_removes_keep_both_directions_linked() {
        let mut l = LruList::default();
        let a = l.push_front('a').unwrap();
        let b = l.push_front('b').unwrap();
        let c = l.push_back('c').unwrap();
        assert_eq!(items(&l), "bac");
        l.move_to_front(c);
        assert_eq!(items(&l), "cba");
        l.move_to_front(c);
        assert_eq!(items(&l), "cba");
        assert_eq!(l.remove(b), 'b');
        assert_eq!(items(&l), "ca");
        assert_eq!(items_backwards(&l), "ac");
        let d = l.push_front('d').unwrap();
        assert_eq!(d, b, "a freed slot is reused");
        assert_eq!(l.remove(a), 'a');
        assert_eq!(l.remove(c), 'c');
        assert_eq!(l.remove(d), 'd');
        assert!(l.is_empty());
        assert_eq!((l.front(), l.back()), (None, None));
    }

    #[test]
    fn slots_past_the_first_chunks_work_and_are_reused() {
        let mut l = LruList::default();
        let n = 3 * CHUNK as u32 + 5;
        for i in 0..n {
            assert_eq!(l.push_front(i), Some(i));
        }
        assert_eq!(l.len(), n as usize);
        assert_eq!(*l.get(n - 1), n - 1);
        l.move_to_front(CHUNK as u32);
        assert_eq!(l.front(), Some(CHUNK as u32));
        assert_eq!(l.back(), Some(0));
        assert_eq!(l.remove(2 * CHUNK as u32), 2 * CHUNK as u32);
        assert_eq!(
            l.push_back(7),
            Some(2 * CHUNK as u32),
            "the freed slot is reused"
        );
        assert_eq!(l.back(), Some(2 * CHUNK as u32));
        assert_eq!(l.iter().count(), n as usize);
        let walked: Vec<u32> = l.iter().map(|(_, v)| *v).take(3).collect();
        assert_eq!(walked, [CHUNK as u32, n - 1, n - 2]);
    }
}
