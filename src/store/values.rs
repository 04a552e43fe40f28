//! A session's key/value pairs, packed into one small buffer.
//!
//! Sessions hold a handful of short pairs, and a million sessions must fit in little memory,
//! so the pairs live in one buffer of `len key len value` records (lengths as LEB128), in
//! insertion order. Up to [`INLINE`] bytes are kept inside the value itself, with no
//! allocation (a typical `uid` and counter fit); longer buffers get one exact-size
//! allocation. Lookups scan the buffer; a write rebuilds it, unless the new value has the
//! old one's length, in which case it is overwritten in place.

use std::ops::Range;

/// The most bytes of records kept without an allocation: the size of `Values` is 24 bytes,
/// which makes a stored session 56 bytes, and its list node one 64-byte cache line.
pub const INLINE: usize = 22;

/// The key/value pairs of one session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Values(Repr);

#[derive(Debug, Clone)]
enum Repr {
    Inline { len: u8, buf: [u8; INLINE] },
    Heap(Box<[u8]>),
}

impl Default for Values {
    fn default() -> Self {
        Values(Repr::Inline {
            len: 0,
            buf: [0; INLINE],
        })
    }
}

impl PartialEq for Repr {
    fn eq(&self, other: &Repr) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for Repr {}

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

impl Values {
    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.find(key).map(|e| self.text(e.value))
    }

    /// Stores `value` under `key`, replacing any previous value in its place.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.find(key) {
            Some(e) if e.value.len() == value.len() => {
                self.0.bytes_mut()[e.value].copy_from_slice(value.as_bytes());
            }
            Some(e) => self.splice(e.record, Some((key, value))),
            None => self.append(key, value),
        }
    }

    /// Removes `key`; tells whether it was there.
    pub fn remove(&mut self, key: &str) -> bool {
        match self.find(key) {
            Some(e) => {
                self.splice(e.record, None);
                true
            }
            None => false,
        }
    }

    /// The pairs, in the order their keys were first set.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        Records::new(self.0.bytes()).map(|e| (self.text(e.key), self.text(e.value)))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        Records::new(self.0.bytes()).count()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.bytes().is_empty()
    }

    fn find(&self, key: &str) -> Option<Record> {
        let buf = self.0.bytes();
        Records::new(buf).find(|e| &buf[e.key.clone()] == key.as_bytes())
    }

    fn text(&self, range: Range<usize>) -> &str {
        // Only whole `&str`s are ever written, so every record is valid UTF-8.
        std::str::from_utf8(&self.0.bytes()[range]).unwrap_or_default()
    }

    /// Adds a record for a new key at the end: in place while it still fits inline, as the
    /// first few keys of a session do.
    fn append(&mut self, key: &str, value: &str) {
        if let Repr::Inline { len, buf } = &mut self.0 {
            let start = usize::from(*len);
            let end = start + record_len(key, value);
            if end <= INLINE {
                let mut at = start;
                write_record(key, value, &mut |bytes| {
                    buf[at..at + bytes.len()].copy_from_slice(bytes);
                    at += bytes.len();
                });
                *len = end as u8;
                return;
            }
        }
        let end = self.0.bytes().len();
        self.splice(end..end, Some((key, value)));
    }

    /// Replaces the bytes in `range` with the record for `pair` (or nothing).
    fn splice(&mut self, range: Range<usize>, pair: Option<(&str, &str)>) {
        let old = self.0.bytes();
        let new_len = old.len() - range.len() + pair.map_or(0, |(k, v)| record_len(k, v));
        let fill = |out: &mut dyn FnMut(&[u8])| {
            out(&old[..range.start]);
            if let Some((key, value)) = pair {
                write_record(key, value, out);
            }
            out(&old[range.end..]);
        };
        self.0 = if new_len <= INLINE {
            let mut buf = [0; INLINE];
            let mut at = 0;
            fill(&mut |bytes| {
                buf[at..at + bytes.len()].copy_from_slice(bytes);
                at += bytes.len();
            });
            Repr::Inline {
                len: new_len as u8,
                buf,
            }
        } else {
            let mut out = Vec::with_capacity(new_len);
            fill(&mut |bytes| out.extend_from_slice(bytes));
            Repr::Heap(out.into_boxed_slice())
        };
    }
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
    fn new(buf: &'a [u8]) -> Self {
        Records { buf, pos: 0 }
    }

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

/// Hands `out` the bytes of the record `key = value`, in order.
fn write_record(key: &str, value: &str, out: &mut dyn FnMut(&[u8])) {
    for part in [key, value] {
        let mut len = [0; 10];
        out(encode_len(&mut len, part.len()));
        out(part.as_bytes());
    }
}

/// The size of the record `key = value`.
fn record_len(key: &str, value: &str) -> usize {
    len_of_len(key.len()) + key.len() + len_of_len(value.len()) + value.len()
}

/// The number of bytes of `len` as LEB128.
fn len_of_len(len: usize) -> usize {
    (usize::BITS - (len | 1).leading_zeros()).div_ceil(7) as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_get_replace_remove_keep_order() {
        let mut v = Values::default();
        assert!(v.is_empty());
        v.set("uid", "42");
        v.set("名字", "小明");
        v.set("n", "7");
        assert_eq!(v.get("uid"), Some("42"));
        assert_eq!(v.get("名字"), Some("小明"));
        v.set("uid", "43"); // same length: in place
        v.set("n", "1000"); // longer: rebuilt in place of the old record
        assert_eq!(
            v.iter().collect::<Vec<_>>(),
            [("uid", "43"), ("名字", "小明"), ("n", "1000")]
        );
        assert!(v.remove("名字"));
        assert!(!v.remove("名字"));
        assert_eq!(v.len(), 2);
        assert_eq!(v.get("名字"), None);
    }

    #[test]
    fn long_and_empty_parts_survive() {
        let mut v = Values::default();
        let long = "x".repeat(100_000);
        v.set(&long, "");
        v.set("", &long);
        assert_eq!(v.get(&long), Some(""));
        assert_eq!(v.get(""), Some(long.as_str()));
        assert_eq!(v.len(), 2);
    }

    #[test]
    fn values_move_between_inline_and_heap() {
        assert_eq!(std::mem::size_of::<Values>(), 24);
        let mut v = Values::default();
        v.set("uid", "123456");
        v.set("n", "1999999");
        assert!(matches!(v.0, Repr::Inline { len: 21, .. }));
        v.set("long", "no room");
        assert!(matches!(v.0, Repr::Heap(_)));
        assert_eq!(v.get("n"), Some("1999999"));
        assert!(v.remove("long"));
        assert!(matches!(v.0, Repr::Inline { len: 21, .. }));
        let mut heap = Values::default();
        heap.set("long", "no room");
        heap.set("uid", "123456");
        heap.set("n", "1999999");
        heap.remove("long");
        assert_eq!(heap, v, "equality is by content, not by representation");
        // A new key that fills the inline bytes exactly stays inline; one byte more does not.
        let mut edge = Values::default();
        edge.set("k", &"v".repeat(INLINE - 3));
        assert!(matches!(edge.0, Repr::Inline { len: 22, .. }));
        edge.set("", "");
        assert!(matches!(edge.0, Repr::Heap(_)));
        assert_eq!(edge.get("k").map(str::len), Some(INLINE - 3));
        assert_eq!(edge.get(""), Some(""));
        for len in [0, 1, 127, 128, 16_383, 16_384, 2_097_152] {
            let mut buf = [0; 10];
            assert_eq!(encode_len(&mut buf, len).len(), len_of_len(len), "{len}");
        }
    }
}
