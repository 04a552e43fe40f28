//! The GC strategies' random stream, apart from the ids' so that it never shifts them, and
//! counter-based: a draw is a pure function of the seed, a cycle number and a draw number.
//! So a strategy can skip a million cycles that could not reap in O(1), and the cycles it
//! does run draw exactly what they would have drawn had every cycle run.
//!
//! The function is three rounds of SplitMix64's finaliser (Steele, Lea and Flood, 2014),
//! which passes BigCrush as a counter-based generator; a store over a network can compute
//! the same numbers in its own language.

/// The draws of one cycle of a strategy: coin tosses, or samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Draws {
    key: u64,
}

impl Draws {
    /// The draws of cycle `cycle` of stream `stream` (one per strategy) under `seed`.
    pub fn new(seed: u64, stream: u64, cycle: u64) -> Draws {
        Draws {
            key: mix(mix(mix(seed) ^ stream) ^ cycle),
        }
    }

    /// The cycle's key, from which every draw is made: for a store that draws in its own
    /// language.
    pub fn key(self) -> u64 {
        self.key
    }

    /// Draw number `n` of the cycle.
    pub fn draw(self, n: u64) -> u64 {
        mix(self.key ^ mix(n))
    }

    /// Draw number `n`, reduced to `0..bound` by Lemire's multiply-and-shift (`bound` > 0).
    pub fn below(self, n: u64, bound: u64) -> u64 {
        ((u128::from(self.draw(n)) * u128::from(bound)) >> 64) as u64
    }
}

/// SplitMix64's finaliser: a bijection of `u64` that mixes every bit into every other.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_draw_depends_on_every_input_and_nothing_else() {
        let d = Draws::new(7, 1, 100);
        assert_eq!(d.draw(3), Draws::new(7, 1, 100).draw(3));
        let others = [
            Draws::new(8, 1, 100).draw(3),
            Draws::new(7, 2, 100).draw(3),
            Draws::new(7, 1, 101).draw(3),
            d.draw(4),
        ];
        assert!(others.iter().all(|&o| o != d.draw(3)));
    }

    #[test]
    fn reduced_draws_are_in_range_and_near_uniform() {
        let d = Draws::new(1, 1, 1);
        let mut counts = [0u32; 10];
        for n in 0..100_000 {
            counts[d.below(n, 10) as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (9_500..10_500).contains(&c)),
            "{counts:?}"
        );
        assert_eq!(d.below(5, 1), 0);
    }
}
