//! An O(1) doubly linked list in an arena, linked by `u32` indices, with no `unsafe`.
//!
//! Push at either end, move to front, remove and walk both ways are O(1). Freed slots are
//! chained into a free list and reused, so the arena never grows past the peak count of
//! live and departed items.
//!
//! The back of the list can also *depart* in one cut: those items leave the list but stay
//! readable in their slots, as a record of what left, until they are released together.

const NIL: u32 = u32::MAX;

/// Nodes are stored in chunks of `1 << CHUNK_BITS` slots.
pub(super) const CHUNK_BITS: u32 = 14;
pub(super) const CHUNK: usize = 1 << CHUNK_BITS;

/// One slot: its links and its item, aligned to a cache line. With a 56-byte item, a node
/// is exactly one line, so finding an item also fetches its links.
#[derive(Debug, Clone)]
#[repr(align(64))]
struct Node<T> {
    prev: u32,
    /// While the slot is free, this chains the free list.
    next: u32,
    /// `None` once removed. A departed slot keeps its item, even once released: it is
    /// dropped when the slot is reused, which writes the node anyway.
    item: Option<T>,
}

/// A run of linked slots outside the list: the departed items, front to back.
#[derive(Debug, Clone, Copy)]
struct Chain {
    head: u32,
    tail: u32,
}

impl Chain {
    const EMPTY: Chain = Chain {
        head: NIL,
        tail: NIL,
    };
}

/// A doubly linked list whose nodes are addressed by stable `u32` slots.
///
/// Nodes are kept in fixed-size chunks, so the arena grows without moving (or copying)
/// what it holds, and never holds more than one partly used chunk.
#[derive(Debug, Clone)]
pub struct LruList<T> {
    chunks: Vec<Vec<Node<T>>>,
    head: u32,
    tail: u32,
    free: u32,
    len: usize,
    /// What departed since the last release, newest in front.
    departed: Chain,
}

impl<T> Default for LruList<T> {
    fn default() -> Self {
        LruList {
            chunks: Vec::new(),
            head: NIL,
            tail: NIL,
            free: NIL,
            len: 0,
            departed: Chain::EMPTY,
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
        some(self.node(slot).next)
    }

    /// The slot before `slot`, towards the front.
    pub fn prev(&self, slot: u32) -> Option<u32> {
        some(self.node(slot).prev)
    }

    /// The item in a live or departed slot.
    ///
    /// # Panics
    /// If `slot` was removed; slots come only from this list, so that is a bug. A released
    /// departed slot still answers with its old item: nothing should read one.
    pub fn get(&self, slot: u32) -> &T {
        self.node(slot).item.as_ref().expect("live slot")
    }

    /// The item in a live slot, mutably. Panics as [`LruList::get`].
    pub fn get_mut(&mut self, slot: u32) -> &mut T {
        self.node_mut(slot).item.as_mut().expect("live slot")
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
        let tail = self.tail;
        let node = self.node_mut(slot);
        node.prev = tail;
        node.next = NIL;
        match some(tail) {
            Some(t) => self.node_mut(t).next = slot,
            None => self.head = slot,
        }
        self.tail = slot;
        Some(slot)
    }

    /// Starts loading the nodes beside `slot`, which moving it to the front will write.
    pub fn prefetch_neighbours(&self, slot: u32) {
        let node = self.node(slot);
        for n in [node.prev, node.next] {
            if n != NIL {
                super::prefetch::prefetch(self.node(n));
            }
        }
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
        let free = self.free;
        let node = self.node_mut(slot);
        node.next = free;
        node.prev = NIL;
        let item = node.item.take().expect("live slot");
        self.free = slot;
        self.len -= 1;
        item
    }

    /// Takes the items from `front` to the back, `n` of them, out of the list in one cut.
    /// They stay readable in their slots, as departed, until [`LruList::release_departed`].
    pub fn depart_back(&mut self, front: u32, n: usize) {
        debug_assert!(n > 0 && n <= self.len, "{n} of {} items", self.len);
        let tail = self.tail;
        let kept = std::mem::replace(&mut self.node_mut(front).prev, NIL);
        match some(kept) {
            Some(k) => self.node_mut(k).next = NIL,
            None => self.head = NIL,
        }
        self.tail = kept;
        self.len -= n;
        // Later departures go in front of earlier ones, as they stood in the list.
        let earlier = self.departed.head;
        self.node_mut(tail).next = earlier;
        match some(earlier) {
            Some(e) => self.node_mut(e).prev = tail,
            None => self.departed.tail = tail,
        }
        self.departed.head = front;
    }

    /// Takes one live slot out of the list. It stays readable, as departed, in front of the
    /// earlier departures, until [`LruList::release_departed`].
    pub fn depart(&mut self, slot: u32) {
        self.unlink(slot);
        self.len -= 1;
        let earlier = self.departed.head;
        let node = self.node_mut(slot);
        node.prev = NIL;
        node.next = earlier;
        match some(earlier) {
            Some(e) => self.node_mut(e).prev = slot,
            None => self.departed.tail = slot,
        }
        self.departed.head = slot;
    }

    /// How many items departed since the last release (a walk: for tests).
    #[cfg(test)]
    pub fn departed_len(&self) -> usize {
        std::iter::successors(some(self.departed.head), |&s| self.next(s)).count()
    }

    /// The slots of one departed run, from `oldest` to `newest` (both departed in the same
    /// [`LruList::depart_back`]), or the reverse when `newest_first`.
    pub fn departed_run(
        &self,
        oldest: u32,
        newest: u32,
        newest_first: bool,
    ) -> impl Iterator<Item = u32> + '_ {
        let (from, to) = if newest_first {
            (newest, oldest)
        } else {
            (oldest, newest)
        };
        let mut next = Some(from);
        std::iter::from_fn(move || {
            let slot = next?;
            next = if slot == to {
                None
            } else if newest_first {
                self.next(slot)
            } else {
                self.prev(slot)
            };
            Some(slot)
        })
    }

    /// Frees the departed slots in O(1), by chaining them onto the free list whole.
    pub fn release_departed(&mut self) {
        if let Some(tail) = some(self.departed.tail) {
            self.node_mut(tail).next = self.free;
            self.free = self.departed.head;
            self.departed = Chain::EMPTY;
        }
    }

    /// The items front to back, with their slots.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            list: self,
            slot: self.head,
        }
    }

    fn node(&self, slot: u32) -> &Node<T> {
        &self.chunks[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
    }

    fn node_mut(&mut self, slot: u32) -> &mut Node<T> {
        &mut self.chunks[(slot >> CHUNK_BITS) as usize][slot as usize & (CHUNK - 1)]
    }

    fn alloc(&mut self, item: T) -> Option<u32> {
        if let Some(slot) = some(self.free) {
            let node = self.node_mut(slot);
            let next = node.next;
            node.item = Some(item);
            self.free = next;
            self.len += 1;
            return Some(slot);
        }
        // No slot is free, so every node is taken: the next one is new.
        let nodes = self
            .chunks
            .last()
            .map_or(0, |c| (self.chunks.len() - 1) * CHUNK + c.len());
        let slot = u32::try_from(nodes).ok().filter(|&s| s != NIL)?;
        if self.chunks.last().is_none_or(|c| c.len() == CHUNK) {
            // The first chunk starts small and doubles, so a small list stays small; later
            // chunks are allocated whole (only the pages written become resident).
            let first = self.chunks.is_empty();
            self.chunks
                .push(Vec::with_capacity(if first { 16 } else { CHUNK }));
        }
        let chunk = self.chunks.last_mut().expect("a chunk with room");
        chunk.push(Node {
            prev: NIL,
            next: NIL,
            item: Some(item),
        });
        self.len += 1;
        Some(slot)
    }

    fn link_front(&mut self, slot: u32) {
        let head = self.head;
        let node = self.node_mut(slot);
        node.prev = NIL;
        node.next = head;
        match some(head) {
            Some(h) => self.node_mut(h).prev = slot,
            None => self.tail = slot,
        }
        self.head = slot;
    }

    fn unlink(&mut self, slot: u32) {
        let Node { prev, next, .. } = *self.node(slot);
        match some(prev) {
            Some(p) => self.node_mut(p).next = next,
            None => self.head = next,
        }
        match some(next) {
            Some(n) => self.node_mut(n).prev = prev,
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
        let node = self.list.node(slot);
        self.slot = node.next;
        node.item.as_ref().map(|item| (slot, item))
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
    fn a_session_node_is_one_cache_line() {
        assert_eq!(
            std::mem::size_of::<Node<super::super::table::Session>>(),
            64
        );
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
        l.depart_back(1, 3);
        assert_eq!(l.len(), n as usize - 3);
        let back: Vec<u32> = std::iter::successors(l.back(), |&s| l.prev(s))
            .map(|s| *l.get(s))
            .take(2)
            .collect();
        assert_eq!(back, [2, 3]);
        assert_eq!(
            l.push_back(8),
            Some(n),
            "departed slots are not reused before their release"
        );
        l.depart_back(l.front().unwrap(), l.len());
        assert!(l.is_empty());
        assert_eq!((l.front(), l.back()), (None, None));
        assert_eq!(l.departed_len(), n as usize + 1);
        l.release_departed();
        assert_eq!(l.departed_len(), 0);
        assert_eq!(
            l.push_front(9),
            Some(CHUNK as u32),
            "the last departed (the front) is reused first"
        );
    }

    #[test]
    fn departed_items_stay_readable_in_order_until_released() {
        let mut l = LruList::default();
        for c in "abcdef".chars() {
            l.push_front(c);
        }
        let (a, b, c) = (0, 1, 2);
        l.depart_back(b, 2);
        l.depart_back(c, 1);
        assert_eq!(items(&l), "fed");
        assert_eq!(items_backwards(&l), "def");
        let read =
            |slots: &mut dyn Iterator<Item = u32>| -> String { slots.map(|s| *l.get(s)).collect() };
        assert_eq!(read(&mut l.departed_run(a, b, false)), "ab");
        assert_eq!(read(&mut l.departed_run(a, b, true)), "ba");
        assert_eq!(read(&mut l.departed_run(c, c, false)), "c");
        assert_eq!(l.departed_len(), 3);
        assert_eq!(l.push_front('g'), Some(6), "a new slot, not a departed one");
        assert_eq!(*l.get(a), 'a', "still readable");
        l.release_departed();
        assert_eq!(l.departed_len(), 0);
        for (slot, item) in [(c, 'h'), (b, 'i'), (a, 'j'), (7, 'k')] {
            assert_eq!(l.push_front(item), Some(slot), "{item}");
        }
        assert_eq!(items(&l), "kjihgfed");
        assert_eq!(items_backwards(&l), "defghijk");
    }

    #[test]
    fn single_departures_join_a_run_in_the_order_they_left() {
        let mut l = LruList::default();
        for c in "abcdef".chars() {
            l.push_front(c);
        }
        // Slots 0..6 hold a..f; the list is fedcba.
        l.depart_back(1, 2);
        l.depart(3);
        l.depart(5);
        assert_eq!(items(&l), "ec");
        assert_eq!(items_backwards(&l), "ce");
        let read = |from, to, newest_first| -> String {
            l.departed_run(from, to, newest_first)
                .map(|s| *l.get(s))
                .collect()
        };
        assert_eq!(read(0, 5, false), "abdf");
        assert_eq!(read(0, 5, true), "fdba");
        assert_eq!(l.departed_len(), 4);
        l.release_departed();
        assert_eq!(l.len(), 2);
    }
}
