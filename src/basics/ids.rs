//! Session ids as the book's manager makes them: 32 random bytes, base64 URL encoded.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE;
use rand::rngs::{SysRng, Xoshiro256PlusPlus};
use rand::{Rng as _, SeedableRng as _, TryRng as _};

use crate::{Error, Result};

/// The number of random bytes in an id.
pub const ID_BYTES: usize = 32;

/// The length of a generated id: 32 bytes in padded base64.
pub const ID_LEN: usize = 44;

/// Where generated ids come from.
#[derive(Debug, Clone)]
pub enum IdGenerator {
    /// The operating system's CSPRNG, as the book's `rand.Read`.
    Os,
    /// A seeded xoshiro256++ generator: reproducible, and therefore predictable. For teaching
    /// and tests only. With the seed, and how many ids it has drawn.
    Seeded(Box<Xoshiro256PlusPlus>, u64, u64),
}

impl IdGenerator {
    /// A reproducible generator. Its ids are predictable: never use them to protect anything.
    pub fn seeded(seed: u64) -> Self {
        IdGenerator::Seeded(Box::new(Xoshiro256PlusPlus::seed_from_u64(seed)), seed, 0)
    }

    /// A seed for another stream (the GC strategies' draws): the seed of a seeded
    /// generator, so that a seeded simulation is reproducible whole; else one from the OS.
    pub fn stream_seed(&self) -> Result<u64> {
        match self {
            IdGenerator::Os => SysRng
                .try_next_u64()
                .map_err(|e| Error::Entropy(e.to_string())),
            IdGenerator::Seeded(_, seed, _) => Ok(*seed),
        }
    }

    /// The next id: 32 bytes, base64 URL encoded with padding (44 characters).
    pub fn next_id(&mut self) -> Result<String> {
        let mut bytes = [0u8; ID_BYTES];
        match self {
            IdGenerator::Os => SysRng
                .try_fill_bytes(&mut bytes)
                .map_err(|e| Error::Entropy(e.to_string()))?,
            IdGenerator::Seeded(rng, _, drawn) => {
                rng.fill_bytes(&mut bytes);
                *drawn += 1;
            }
        }
        Ok(URL_SAFE.encode(bytes))
    }

    /// Whether the ids are reproducible, and so the same in every process with the seed.
    pub fn is_seeded(&self) -> bool {
        matches!(self, IdGenerator::Seeded(..))
    }

    /// Id number `n` (from 0) of a seeded generator's sequence, for processes that share
    /// one sequence by taking numbers in turn; the next id of any other. Numbers taken in
    /// increasing order cost one draw each.
    pub fn nth_id(&mut self, n: u64) -> Result<String> {
        if let IdGenerator::Seeded(_, seed, drawn) = self
            && n < *drawn
        {
            *self = IdGenerator::seeded(*seed);
        }
        while let IdGenerator::Seeded(_, _, drawn) = self
            && *drawn < n
        {
            self.next_id()?;
        }
        self.next_id()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_nth_id_is_the_sequences_nth() {
        let mut one = IdGenerator::seeded(7);
        let ids: Vec<String> = (0..6).map(|_| one.next_id().unwrap()).collect();
        let mut other = IdGenerator::seeded(7);
        for n in [1, 2, 5, 0, 3] {
            assert_eq!(other.nth_id(n).unwrap(), ids[n as usize], "id {n}");
        }
    }

    #[test]
    fn os_ids_are_44_url_safe_characters() {
        let id = IdGenerator::Os.next_id().unwrap();
        assert_eq!(id.len(), ID_LEN);
        assert!(id.ends_with('='));
        assert!(
            id[..43]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
    }
}
