//! A column of one `i64` per list slot, beside the nodes: data read too rarely to earn a
//! place in the node's cache line.

use super::lru_list::{CHUNK, CHUNK_BITS};

/// One `i64` per slot, in chunks as the list's nodes are, so it grows without copying.
#[derive(Debug, Clone, Default)]
pub struct Column {
    chunks: Vec<Box<[i64]>>,
}

impl Column {
    /// The value of `slot`; 0 for a slot never set.
    pub fn get(&self, slot: u32) -> i64 {
        self.chunks
            .get((slot >> CHUNK_BITS) as usize)
            .map_or(0, |c| c[slot as usize & (CHUNK - 1)])
    }

    /// Sets the value of `slot`, growing the column to reach it.
    pub fn set(&mut self, slot: u32, value: i64) {
        let chunk = (slot >> CHUNK_BITS) as usize;
        while self.chunks.len() <= chunk {
            // Zeroed memory: only the pages written become resident.
            self.chunks.push(vec![0; CHUNK].into_boxed_slice());
        }
        self.chunks[chunk][slot as usize & (CHUNK - 1)] = value;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_far_apart_keep_their_values() {
        let mut c = Column::default();
        assert_eq!(c.get(5), 0);
        for (slot, value) in [(0, -1), (CHUNK as u32 * 3 + 7, i64::MAX), (9, 9)] {
            c.set(slot, value);
            assert_eq!(c.get(slot), value);
        }
        assert_eq!(c.get(0), -1);
        assert_eq!(c.get(CHUNK as u32), 0);
    }
}
