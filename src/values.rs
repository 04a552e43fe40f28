//! A session's key/value pairs, packed into one exact-size allocation.
//!
//! Sessions hold a handful of short pairs, and a million sessions must fit in little memory,
//! so the pairs live in one buffer of `len key len value` records (lengths as LEB128), in
//! insertion order. Lookups scan it; a write rebuilds it, unless the new value has the old
//! one's length, in which case it is overwritten in place.

use std::ops::Range;

/// The key/value pairs of one session.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Values(Box<[u8]>);

impl Values {
    /// The value stored under `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.find(key).map(|e| self.text(e.value))
    }

    /// Stores `value` under `key`, replacing any previous value in its place.
    pub fn set(&mut self, key: &str, value: &str) {
        match self.find(key) {
            Some(e) if e.value.len() == value.len() => {
                self.0[e.value].copy_from_slice(value.as_bytes());
            }
            Some(e) => self.splice(e.record, Some((key, value))),
            None => {
                let end = self.0.len();
                self.splice(end..end, Some((key, value)));
            }
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
        Records::new(&self.0).map(|e| (self.text(e.key), self.text(e.value)))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        Records::new(&self.0).count()
    }

    /// Whether there are no keys.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, key: &str) -> Option<Record> {
        Records::new(&self.0).find(|e| &self.0[e.key.clone()] == key.as_bytes())
    }

    fn text(&self, range: Range<usize>) -> &str {
        // Only whole `&str`s are ever written, so every record is valid UTF-8.
        std::str::from_utf8(&self.0[range]).unwrap_or_default()
    }

    /// Replaces the bytes in `range` with the record for `pair` (or nothing).
    fn splice(&mut self, range: Range<usize>, pair: Option<(&str, &str)>) {
        let mut record = Vec::new();
        if let Some((key, value)) = pair {
            for part in [key, value] {
                push_len(&mut record, part.len());
                record.extend_from_slice(part.as_bytes());
            }
        }
        let mut out = Vec::with_capacity(self.0.len() - range.len() + record.len());
        out.extend_from_slice(&self.0[..range.start]);
        out.extend_from_slice(&record);
        out.extend_from_slice(&self.0[range.end..]);
        self.0 = out.into_boxed_slice();
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

fn push_len(out: &mut Vec<u8>, mut len: usize) {
    while len >= 0x80 {
        out.push((len as u8 & 0x7f) | 0x80);
        len >>= 7;
    }
    out.push(len as u8);
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
}
