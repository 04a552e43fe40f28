//! How the Redis store writes times and values, and reads the scripts' replies.
//!
//! A time is 20 decimal digits: its nanoseconds plus 2^63, so that comparing two as
//! strings (in Lua, or in a sorted set by member) compares the instants. A session's values
//! are records `<len>:<key><len>:<value>`, lengths in bytes, in the order keys were first
//! set, so that any key or value fits, colons and newlines included.

use redis::Value;

use crate::basics::time::Time;
use crate::store::values::Packed;
use crate::{Error, Result};

const OFFSET: u64 = 1 << 63;

/// A time as the store writes it: 20 digits, made without allocating, since every call
/// sends one or three.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeText([u8; 20]);

impl TimeText {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

/// `t` as the store writes it.
pub fn time(t: Time) -> TimeText {
    let mut digits = [b'0'; 20];
    let mut n = (t.unix_nanos() as u64) ^ OFFSET;
    for d in digits.iter_mut().rev() {
        *d = b'0' + (n % 10) as u8;
        n /= 10;
    }
    TimeText(digits)
}

/// A time the store wrote.
pub fn read_time(text: &[u8]) -> Result<Time> {
    std::str::from_utf8(text)
        .ok()
        .filter(|t| t.len() == 20)
        .and_then(|t| t.parse::<u64>().ok())
        .map(|n| Time::from_unix_nanos((n ^ OFFSET) as i64))
        .ok_or_else(|| corrupt("a time", text))
}

/// A session's values as the store packs them, read into sessim's own packing.
pub fn read_values(id: &str, text: &[u8]) -> Result<Packed> {
    let mut packed = Packed::new(id);
    let mut rest = text;
    while !rest.is_empty() {
        let (key, after) = field(rest).ok_or_else(|| corrupt("values", text))?;
        let (value, after) = field(after).ok_or_else(|| corrupt("values", text))?;
        packed.set(key, value);
        rest = after;
    }
    Ok(packed)
}

/// One `<len>:<text>` field at the start of `bytes`, and what follows it.
fn field(bytes: &[u8]) -> Option<(&str, &[u8])> {
    let colon = bytes.iter().position(|&b| b == b':')?;
    let len: usize = std::str::from_utf8(&bytes[..colon]).ok()?.parse().ok()?;
    let end = colon.checked_add(1)?.checked_add(len)?;
    let text = std::str::from_utf8(bytes.get(colon + 1..end)?).ok()?;
    Some((text, &bytes[end..]))
}

/// A reply's elements as bytes: strings as they are, integers in decimal.
pub fn words(reply: Value) -> Result<Words> {
    match reply {
        Value::Array(items) => items.into_iter().map(word).collect(),
        other => Err(unexpected(&other)),
    }
}

/// A reply's elements, as bytes.
pub type Words = Vec<Vec<u8>>;

/// A reply a call sent as JSON (`cjson.encode` of a list of strings), as bytes.
pub fn json_words(reply: Value) -> Result<Words> {
    json(reply).map(bytes)
}

/// A reply a call sent as JSON: a list of two lists of strings, the second of them maybe
/// left out (then empty), as bytes.
pub fn json_pair(reply: Value) -> Result<(Words, Words)> {
    let lists: Vec<Vec<String>> = json(reply)?;
    let n = lists.len();
    let mut lists = lists.into_iter().map(bytes);
    match (lists.next(), lists.next(), lists.next()) {
        (Some(first), second, None) => Ok((first, second.unwrap_or_default())),
        _ => Err(Error::Store(format!(
            "redis answered {n} lists where sessim expected one or two"
        ))),
    }
}

fn bytes(list: Vec<String>) -> Words {
    list.into_iter().map(String::into_bytes).collect()
}

/// A reply sent as JSON, read as a `T`.
fn json<T: serde::de::DeserializeOwned>(reply: Value) -> Result<T> {
    match &reply {
        Value::BulkString(text) => serde_json::from_slice(text)
            .map_err(|e| Error::Store(format!("redis answered JSON sessim could not read ({e})"))),
        _ => Err(unexpected(&reply)),
    }
}

/// One element of a reply as bytes.
pub fn word(item: Value) -> Result<Vec<u8>> {
    match item {
        Value::BulkString(b) => Ok(b),
        Value::SimpleString(s) => Ok(s.into_bytes()),
        Value::Int(n) => Ok(n.to_string().into_bytes()),
        other => Err(unexpected(&other)),
    }
}

/// An element as text.
pub fn text(bytes: Vec<u8>) -> Result<String> {
    String::from_utf8(bytes).map_err(|e| corrupt("text", e.as_bytes()))
}

/// An element as a number.
pub fn number(bytes: &[u8]) -> Result<u64> {
    std::str::from_utf8(bytes)
        .ok()
        .and_then(|t| t.parse().ok())
        .ok_or_else(|| corrupt("a number", bytes))
}

fn corrupt(what: &str, bytes: &[u8]) -> Error {
    Error::Store(format!(
        "redis holds {what} sessim did not write: `{}`",
        crate::error::shown(&String::from_utf8_lossy(bytes))
    ))
}

fn unexpected(reply: &Value) -> Error {
    Error::Store(format!(
        "redis answered {reply:?}, which sessim did not expect"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_compare_as_their_text_does() {
        let times = [i64::MIN, -1, 0, 1, 1_700_000_000_000_000_000, i64::MAX];
        let texts: Vec<String> = times
            .iter()
            .map(|&n| String::from_utf8(time(Time::from_unix_nanos(n)).as_bytes().to_vec()))
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(texts[0], "00000000000000000000");
        assert_eq!(texts[2], "09223372036854775808");
        assert_eq!(texts[5], "18446744073709551615");
        assert!(texts.windows(2).all(|w| w[0] < w[1]), "{texts:?}");
        for (&n, t) in times.iter().zip(&texts) {
            assert_eq!(read_time(t.as_bytes()), Ok(Time::from_unix_nanos(n)));
        }
        assert!(read_time(b"12").is_err());
    }

    #[test]
    fn json_replies_read_back_or_fail_with_a_reason() {
        let reply = |text: &str| Value::BulkString(text.as_bytes().to_vec());
        assert_eq!(
            json_pair(reply(r#"[["found"],["ok","a\"b\u0000"]]"#)),
            Ok((
                vec![b"found".to_vec()],
                vec![b"ok".to_vec(), b"a\"b\0".to_vec()]
            ))
        );
        assert_eq!(
            json_pair(reply(r#"[["nosuch"]]"#)),
            Ok((vec![b"nosuch".to_vec()], vec![]))
        );
        for bad in [r#"[]"#, r#"[[],[],[]]"#, r#"[["x",1]]"#, "[[\"", "{}"] {
            let e = json_pair(reply(bad)).unwrap_err().to_string();
            assert!(e.contains("redis answered"), "{bad}: {e}");
        }
        assert!(json_words(Value::Int(3)).is_err());
    }

    #[test]
    fn values_with_colons_and_newlines_read_back() {
        let packed = read_values("s", "3:a:b4:x\ny:0:0:".as_bytes()).unwrap();
        let pairs = packed.pairs().to_vec();
        assert_eq!(
            pairs,
            [
                ("a:b".into(), "x\ny:".into()),
                (String::new(), String::new())
            ]
        );
        assert!(read_values("s", b"9:ab").is_err());
    }
}
