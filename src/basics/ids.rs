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
    /// and tests only.
    Seeded(Box<Xoshiro256PlusPlus>, u64),
}

impl IdGenerator {
    /// A reproducible generator. Its ids are predictable: never use them to protect anything.
    pub fn seeded(seed: u64) -> Self {
        IdGenerator::Seeded(Box::new(Xoshiro256PlusPlus::seed_from_u64(seed)), seed)
    }

    /// A seed for another stream (the GC strategies' draws): the seed of a seeded
    /// generator, so that a seeded simulation is reproducible whole; else one from the OS.
    pub fn stream_seed(&self) -> Result<u64> {
        match self {
            IdGenerator::Os => SysRng
                .try_next_u64()
                .map_err(|e| Error::Entropy(e.to_string())),
            IdGenerator::Seeded(_, seed) => Ok(*seed),
        }
    }

    /// The next id: 32 bytes, base64 URL encoded with padding (44 characters).
    pub fn next_id(&mut self) -> Result<String> {
        let mut bytes = [0u8; ID_BYTES];
        match self {
            IdGenerator::Os => SysRng
                .try_fill_bytes(&mut bytes)
                .map_err(|e| Error::Entropy(e.to_string()))?,
            IdGenerator::Seeded(rng, _) => rng.fill_bytes(&mut bytes),
        }
        Ok(URL_SAFE.encode(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
