//! A session's id and its key/value pairs, packed into one small buffer.
//!
//! A million sessions must fit in little memory, and the id and the pairs are read together
//! (a lookup compares the id, then the access reads a pair), so both live in one buffer:
//! the id, then `len key len value` records in insertion order, lengths as LEB128. Up to
//! [`INLINE`] bytes sit inside the value itself, with no allocation (a short id with a
//! `uid` and a counter fits); longer buffers get one exact-size allocation. Lookups scan
//! the records; a write rebuilds the buffer, unless the new value has the old one's length,
//! in which case it is overwritten in place.

use std::ops::Range;

/// The most bytes kept without an allocation: `Packed` is then 40 bytes, which leaves room
/// in a 56-byte session for its last access and creation time, and makes its list node one
/// 64-byte cache line.
pub const INLINE: usize = 38;

/// A session's id and pairs, packed.
#[derive(Debug, Clone)]
pub struct Packed(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Repr {
    fn bytes(&self) -> &[u8] {
        match self {
            Repr::Inline { len, buf } => &buf[..usize::from(*len)],
            Repr::Heap(b) => b,
        }
    }

    fn bytes_mut(&mut self) -> &mut [u8] {
        match self {
            Repr::Inline { len, buf } => &mut buf[..usize::from(*len)],
            Repr::Heap(b) => b,
        }
    }
}

impl PartialEq for Packed {
    fn eq(&self, other: &Packed) -> bool {
        self.0.bytes() == other.0.bytes()
    }
}

impl Eq for Packed {}

/// A session's pairs, borrowed: what a store lends to look at them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pairs<'a>(&'a [u8]);

impl<'a> Pairs<'a> {
    /// The value stored under `key`.
    pub fn get(self, key: &str) -> Option<&'a str> {
        self.find(key).map(|r| text(self.0, r.value))
    }

    /// The pairs, in the order their keys were first set.
    pub fn iter(self) -> impl Iterator<Item = (&'a str, &'a str)> {
        Records::new(self.0, 0).map(move |r| (text(self.0, r.key), text(self.0, r.value)))
    }

    /// The number of keys.
    pub fn len(self) -> usize {
        Records::new(self.0, 0).count()
    }

    /// Whether there are no keys.
    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    /// The pairs, owned.
    pub fn to_vec(self) -> Vec<(String, String)> {
        self.iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    fn find(self, key: &str) -> Option<Record> {
        Records::new(self.0, 0).find(|r| &self.0[r.key.clone()] == key.as_bytes())
    }
}

impl Packed {
    /// The buffer of a session `id` with no pairs.
    pub fn new(id: &str) -> Packed {
        let mut packed = Packed::EMPTY;
        packed.start(id);
        packed
    }

    /// A buffer of session `id` with this one's pairs, in their order.
    pub fn renamed(&self, id: &str) -> Packed {
        let mut packed = Packed::new(id);
        for (key, value) in self.pairs().iter() {
            packed.set(key, value);
        }
        packed
    }

    /// An empty buffer, to [`Packed::start`] where it will stay.
    pub const EMPTY: Packed = Packed(Repr::Inline {
        len: 0,
        buf: [0; INLINE],
    });

    /// Makes this buffer that of a session `id` with no pairs, in place.
    ///
    /// A new session is built where it is stored, rather than built and then moved: a
    /// move reads the bytes back at once in wider pieces than they were written, and the
    /// processor then stalls until the narrow writes land.
    pub fn start(&mut self, id: &str) {
        let n = id.len();
        match &mut self.0 {
            Repr::Inline { len, buf } if n < INLINE => {
                // One byte of length, then the id.
                buf[0] = n as u8;
                copy_short(&mut buf[1..=n], id.as_bytes());
                *len = n as u8 + 1;
            }
            _ => {
                let mut out = Vec::with_capacity(len_of_len(n) + n);
                out.extend_from_slice(encode_len(&mut [0; 10], n));
                out.extend_from_slice(id.as_bytes());
                self.0 = Repr::Heap(out.into_boxed_slice());
            }
        }
    }

    /// The session's id.
    pub fn id(&self) -> &str {
        let (id, _) = self.parts();
        text(self.0.bytes(), id)
    }

    /// The session's id, as bytes: for comparing and hashing without checking UTF-8 again.
    pub fn id_bytes(&self) -> &[u8] {
        let (id, _) = self.parts();
        &self.0.bytes()[id]
    }

    /// The session's pairs.
    pub fn pairs(&self) -> Pairs<'_> {
        let (_, pairs) = self.parts();
        Pairs(&self.0.bytes()[pairs])
    }

    /// Stores `value` under `key`, replacing any previous value in its place.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.find(key) {
            Some(r) if r.value.len() == value.len() => {
                self.0.bytes_mut()[r.value].copy_from_slice(value.as_bytes());
            }
            Some(r) => self.splice_record(r.record, Some((key, value))),
            None => {
                // A new key is appended, in place while it still fits inline, as the first
                // few keys of a session are.
                if let Repr::Inline { len, buf } = &mut self.0
                    && let Some(end) =
                        put(buf, usize::from(*len), &[key.as_bytes(), value.as_bytes()])
                {
                    *len = end as u8;
                    return;
                }
                let end = self.0.bytes().len();
                self.splice_record(end..end, Some((key, value)));
            }
        }
    }

    /// Removes `key`; tells whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.find(key) {
            Some(r) => {
                self.splice_record(r.record, None);
                true
            }
            None => false,
        }
    }

    /// Where the id and the pairs lie in the buffer.
    fn parts(&self) -> (Range<usize>, Range<usize>) {
        let bytes = self.0.bytes();
        let id = match bytes.first() {
            // Ids under 128 bytes, nearly all, have a one-byte length.
            Some(&n) if n < 0x80 => 1..(1 + usize::from(n)).min(bytes.len()),
            _ => Records::new(bytes, 0).part().unwrap_or(0..0),
        };
        (id.clone(), id.end..bytes.len())
    }

    /// The record of `key`, at its place in the whole buffer.
    fn find(&self, key: &str) -> Option<Record> {
        let bytes = self.0.bytes();
        let start = self.parts().1.start;
        Records::new(bytes, start).find(|r| &bytes[r.key.clone()] == key.as_bytes())
    }

    /// Replaces the bytes in `range` with the record for `pair` (or nothing).
    fn splice_record(&mut self, range: Range<usize>, pair: Option<(&str, &str)>) {
        let Some((key, value)) = pair else {
            return self.splice(range, &[]);
        };
        let (mut k, mut v) = ([0; 10], [0; 10]);
        let record = [
            encode_len(&mut k, key.len()),
            key.as_bytes(),
            encode_len(&mut v, value.len()),
            value.as_bytes(),
        ];
        self.splice(range, &record);
    }

    /// Replaces the bytes in `range` with `parts`, one after the other.
    fn splice(&mut self, range: Range<usize>, parts: &[&[u8]]) {
        let added: usize = parts.iter().map(|p| p.len()).sum();
        let new_len = self.0.bytes().len() - range.len() + added;
        let old = self.0.bytes();
        let pieces = std::iter::once(&old[..range.start])
            .chain(parts.iter().copied())
            .chain(std::iter::once(&old[range.end..]));
        self.0 = if new_len <= INLINE {
            let mut buf = [0; INLINE];
            let mut at = 0;
            for piece in pieces {
                buf[at..at + piece.len()].copy_from_slice(piece);
                at += piece.len();
            }
            Repr::Inline {
                len: new_len as u8,
                buf,
            }
        } else {
            let mut out = Vec::with_capacity(new_len);
            for piece in pieces {
                out.extend_from_slice(piece);
            }
            Repr::Heap(out.into_boxed_slice())
        };
    }
}

/// Writes `parts` into `buf` from `at`, each after its length, if they fit; returns where
/// they end.
fn put(buf: &mut [u8; INLINE], at: usize, parts: &[&[u8]]) -> Option<usize> {
    let size: usize = parts.iter().map(|p| len_of_len(p.len()) + p.len()).sum();
    if at + size > INLINE {
        return None;
    }
    let mut at = at;
    for part in parts {
        // An inline buffer holds parts under 128 bytes: their length is one byte.
        buf[at] = part.len() as u8;
        copy_short(&mut buf[at + 1..at + 1 + part.len()], part);
        at += 1 + part.len();
    }
    Some(at)
}

/// `dst.copy_from_slice(src)` for the short parts of an inline buffer, without a call to
/// `memcpy`: two copies of a fixed size, from each end, cover any length up to twice it.
/// (A session is created at every `new`: this is its hottest copy.)
fn copy_short(dst: &mut [u8], src: &[u8]) {
    let n = src.len();
    match n {
        0..4 => dst.copy_from_slice(src),
        4..8 => {
            dst[..4].copy_from_slice(&src[..4]);
            dst[n - 4..].copy_from_slice(&src[n - 4..]);
        }
        8..16 => {
            dst[..8].copy_from_slice(&src[..8]);
            dst[n - 8..].copy_from_slice(&src[n - 8..]);
        }
        16..32 => {
            dst[..16].copy_from_slice(&src[..16]);
            dst[n - 16..].copy_from_slice(&src[n - 16..]);
        }
        _ => dst.copy_from_slice(src),
    }
}

/// The number of bytes of `len` as LEB128.
fn len_of_len(len: usize) -> usize {
    if len < 0x80 {
        1
    } else {
        (usize::BITS - len.leading_zeros()).div_ceil(7) as usize
    }
}

/// The text in `range` of `bytes`.
fn text(bytes: &[u8], range: Range<usize>) -> &str {
    // Only whole `&str`s are ever written, so every part is valid UTF-8.
    std::str::from_utf8(&bytes[range]).unwrap_or_default()
}

/// Where one record and its parts lie in the buffer.
struct Record {
    record: Range<usize>,
    key: Range<usize>,
    value: Range<usize>,
}

struct Records<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Records<'a> {
    fn new(buf: &'a [u8], pos: usize) -> Self {
        Records { buf, pos }
    }

    /// The next length-prefixed part.
    fn part(&mut self) -> Option<Range<usize>> {
        let mut len = 0usize;
        let mut shift = 0;
        loop {
            let byte = *self.buf.get(self.pos)?;
            self.pos += 1;
            len |= usize::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                break;
            }
            shift += 7;
        }
        let start = self.pos;
        self.pos = start
            .checked_add(len)
            .filter(|&end| end <= self.buf.len())?;
        Some(start..self.pos)
    }
}

impl Iterator for Records<'_> {
    type Item = Record;

    fn next(&mut self) -> Option<Record> {
        let start = self.pos;
        let key = self.part()?;
        let value = self.part()?;
        Some(Record {
            record: start..self.pos,
            key,
            value,
        })
    }
}

/// Writes `len` as LEB128 into `buf`; returns the bytes written.
fn encode_len(buf: &mut [u8; 10], mut len: usize) -> &[u8] {
    let mut n = 0;
    while len >= 0x80 {
        buf[n] = (len as u8 & 0x7f) | 0x80;
        len >>= 7;
        n += 1;
    }
    buf[n] = len as u8;
    &buf[..=n]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn inline_len(p: &Packed) -> Option<u8> {
        match p.0 {
            Repr::Inline { len, .. } => Some(len),
            Repr::Heap(_) => None,
        }
    }

    #[test]
    fn set_get_replace_remove_keep_order_and_the_id() {
        let mut v = Packed::new("alice");
        assert!(v.pairs().is_empty());
        v.set("uid", "42");
        v.set("名字", "小明");
        v.set("n", "7");
        assert_eq!(v.pairs().get("uid"), Some("42"));
        assert_eq!(v.pairs().get("名字"), Some("小明"));
        v.set("uid", "43"); // same length: in place
        v.set("n", "1000"); // longer: rebuilt in place of the old record
        assert_eq!(
            v.pairs().iter().collect::<Vec<_>>(),
            [("uid", "43"), ("名字", "小明"), ("n", "1000")]
        );
        assert!(v.remove("名字"));
        assert!(!v.remove("名字"));
        assert_eq!(v.pairs().len(), 2);
        assert_eq!(v.pairs().get("名字"), None);
        assert_eq!(v.id(), "alice");
    }

    #[test]
    fn long_and_empty_parts_survive() {
        let long = "x".repeat(100_000);
        for id in ["a", long.as_str()] {
            let mut v = Packed::new(id);
            v.set(&long, "");
            v.set("", &long);
            assert_eq!(v.pairs().get(&long), Some(""));
            assert_eq!(v.pairs().get(""), Some(long.as_str()));
            assert_eq!(v.pairs().len(), 2);
            assert_eq!(v.id(), id);
        }
        assert_eq!(Packed::new("").id(), "");
    }

    #[test]
    fn buffers_move_between_inline_and_heap() {
        assert_eq!(std::mem::size_of::<Packed>(), 40);
        // The benchmark's sessions: a 9-byte id, a `uid` and a counter, all inline.
        let mut v = Packed::new("s00999999");
        v.set("uid", "999999");
        v.set("n", "1999999");
        assert_eq!(inline_len(&v), Some(10 + 11 + 10));
        v.set("long", "no room here");
        assert_eq!(inline_len(&v), None);
        assert_eq!(v.pairs().get("n"), Some("1999999"));
        assert!(v.remove("long"));
        assert_eq!(inline_len(&v), Some(31));
        let mut heap = Packed::new("s00999999");
        heap.set("long", "no room here");
        heap.set("uid", "999999");
        heap.set("n", "1999999");
        heap.remove("long");
        assert_eq!(heap, v, "equality is by content, not by representation");
        // A record that fills the inline bytes exactly stays inline; one byte more does not.
        let mut edge = Packed::new("id");
        edge.set("k", &"v".repeat(INLINE - 3 - 3));
        assert_eq!(inline_len(&edge), Some(INLINE as u8));
        edge.set("", "");
        assert_eq!(inline_len(&edge), None);
        assert_eq!(edge.pairs().get("k").map(str::len), Some(INLINE - 6));
        assert_eq!(edge.pairs().get(""), Some(""));
        // A generated id (44 bytes) is on the heap from the start.
        assert_eq!(inline_len(&Packed::new(&"x".repeat(44))), None);
        for n in 0..=INLINE {
            let src: Vec<u8> = (1..=n as u8).collect();
            let mut dst = vec![0; n];
            copy_short(&mut dst, &src);
            assert_eq!(dst, src, "{n}");
        }
        for len in [0, 1, 127, 128, 16_383, 16_384, 2_097_152] {
            assert_eq!(
                encode_len(&mut [0; 10], len).len(),
                len_of_len(len),
                "{len}"
            );
            let mut data = encode_len(&mut [0; 10], len).to_vec();
            let prefix = data.len();
            data.resize(prefix + len, b'x');
            assert_eq!(Records::new(&data, 0).part(), Some(prefix..prefix + len));
        }
    }
}
