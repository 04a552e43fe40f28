//! An O(1) doubly linked list in a `Vec` arena, linked by `u32` indices, with no `unsafe`.
//!
//! Push at either end, move to front, remove and walk both ways are O(1). Freed slots are
//! chained into a free list and reused, so the arena never grows past the peak length.

const NIL: u32 = u32::MAX;

#[derive(Debug, Clone)]
struct Node<T> {
    prev: u32,
    next: u32,
    /// `None` while the slot is on the free list.
    item: Option<T>,
}

/// A doubly linked list whose nodes are addressed by stable `u32` slots.
#[derive(Debug, Clone)]
pub struct LruList<T> {
    nodes: Vec<Node<T>>,
    head: u32,
    tail: u32,
    free: u32,
    len: usize,
}

impl<T> Default for LruList<T> {
    fn default() -> Self {
        LruList {
            nodes: Vec::new(),
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
        some(self.nodes[slot as usize].next)
    }

    /// The slot before `slot`, towards the front.
    pub fn prev(&self, slot: u32) -> Option<u32> {
        some(self.nodes[slot as usize].prev)
    }

    /// The item in a live slot.
    ///
    /// # Panics
    /// If `slot` is not live; slots come only from this list, so that is a bug.
    pub fn get(&self, slot: u32) -> &T {
        self.nodes[slot as usize].item.as_ref().expect("live slot")
    }

    /// The item in a live slot, mutably. Panics as [`LruList::get`].
    pub fn get_mut(&mut self, slot: u32) -> &mut T {
        self.nodes[slot as usize].item.as_mut().expect("live slot")
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
        let node = &mut self.nodes[slot as usize];
        node.prev = self.tail;
        node.next = NIL;
        match some(self.tail) {
            Some(t) => self.nodes[t as usize].next = slot,
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
        let node = &mut self.nodes[slot as usize];
        node.next = self.free;
        node.prev = NIL;
        self.free = slot;
        self.len -= 1;
        node.item.take().expect("live slot")
    }

    /// The items front to back, with their slots.
    pub fn iter(&self) -> Iter<'_, T> {
        Iter {
            list: self,
            slot: self.head,
        }
    }

    fn alloc(&mut self, item: T) -> Option<u32> {
        self.len += 1;
        if let Some(slot) = some(self.free) {
            let node = &mut self.nodes[slot as usize];
            self.free = node.next;
            node.item = Some(item);
            return Some(slot);
        }
        let slot = match u32::try_from(self.nodes.len()) {
            Ok(slot) if slot != NIL => slot,
            _ => {
                self.len -= 1;
                return None;
            }
        };
        self.nodes.push(Node {
            prev: NIL,
            next: NIL,
            item: Some(item),
        });
        Some(slot)
    }

    fn link_front(&mut self, slot: u32) {
        let node = &mut self.nodes[slot as usize];
        node.prev = NIL;
        node.next = self.head;
        match some(self.head) {
            Some(h) => self.nodes[h as usize].prev = slot,
            None => self.tail = slot,
        }
        self.head = slot;
    }

    fn unlink(&mut self, slot: u32) {
        let Node { prev, next, .. } = self.nodes[slot as usize];
        match some(prev) {
            Some(p) => self.nodes[p as usize].next = next,
            None => self.head = next,
        }
        match some(next) {
            Some(n) => self.nodes[n as usize].prev = prev,
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
        let node = &self.list.nodes[slot as usize];
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
}
