//! The Redis store: a simulation's sessions in a real Redis server, under one namespace,
//! shared by every sessim process that opens it.
//!
//! Each call of the [`Store`] seam is one Lua function (`lua/`, see [`code`]), sent by
//! `FCALL` (or, before Redis 7, the same code as a script, by `EVALSHA`): Redis runs it
//! whole, and each checks everything before it writes, so a call is applied whole or not
//! at all, in one round trip. A sweep or a sampling cycle that reaps
//! very many sessions runs in batches of [`BATCH`], so Redis is never blocked for long.
//!
//! The keys of namespace NAME, all under `sessim:{NAME}:`:
//! - `meta`, a hash: `sessim` (the layout's version), `clock` (the latest instant any
//!   process acted at), `seq` and `bseq` (the LRU counters), `pooled` (whether the sample
//!   pool is kept), `logged` (events ever logged);
//! - `s:<id>`, a hash a session: `last` and `created` (times, see [`codec`]), `values`
//!   (packed, so their order is kept), and `pos` (its place in the pool);
//! - `lru`, a sorted set of ids: the score grows with each use, so the front is the
//!   highest; a session joining the back (B1) gets a score below all. No call acts before
//!   the clock, so each side of score 0 is in last-access order (`lua/order.lua`);
//! - `bycreated`, a sorted set of `<time>:<id>` with equal scores, in creation order;
//! - `pool`, a hash from position to id, while sampling;
//! - `reaped:<token>`, a list a process: what its sweeps took, read back until its next
//!   release;
//! - `log`, a stream of the events of a named namespace's processes, kept to the log's
//!   bound, and `totals`, a hash of their counts (see `shell::shared`).
//!
//! Redis's own expiry (`EXPIRE`) is never used: the virtual clock decides.

mod cleanup;
pub use cleanup::program_stops_itself;
mod code;
mod codec;
mod link;

use std::cell::RefCell;
use std::ops::ControlFlow;

use redis::Value;

pub use link::{DEFAULT_URL, check_namespace};

use super::{
    Access, Answer, Cycle, End, Expiry, Gone, Mark, Oldest, Op, Placement, Read, Renamed, Scan,
    Snapshot, Store, Sweep, View,
};
use crate::basics::time::Time;
use crate::{Error, Result};
use code::{Code, Proc};
use codec::TimeText;
use link::Link;

/// The most sessions a script reaps or samples before it returns and is called again.
pub const BATCH: u64 = 1000;

/// The layout's version, kept in `meta`: a namespace without it is not sessim's.
const LAYOUT: &str = "2";

/// Sessions read a call when walking the list or reading back a sweep.
const PAGE: u64 = 256;

/// Sessions in a Redis server.
pub struct RedisStore {
    link: RefCell<Link>,
    name: String,
    prefix: String,
    /// The key every call names: the namespace's `meta`.
    meta: String,
    /// This process's list of what its sweeps took.
    reaped_key: String,
    code: Code,
    /// Whether the namespace is this process's alone, deleted when the store is dropped.
    own: bool,
    /// Whether the namespace held a simulation when it was opened.
    resumed: bool,
    /// Releases so far: a mark of another epoch reads nothing.
    epoch: u64,
    /// How long the reaped list is.
    reaped: u64,
}

impl std::fmt::Debug for RedisStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RedisStore({:?}, {})", self.link.borrow(), self.prefix)
    }
}

/// Where a namespace stands, as each command of a process on it checks first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    /// Its clock: the latest instant any process acted at.
    pub clock: Time,
    /// The version of its settings; 0 before any.
    pub settings_version: u64,
    /// Made anew each time it starts (after a `reset`, or a server restarted empty).
    pub epoch: String,
}

/// What the processes on a namespace share beyond the sessions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shared {
    /// Events the log no longer keeps.
    pub dropped: u64,
    /// The totals, by name.
    pub totals: Vec<(String, u64)>,
    /// The events kept, oldest first, as they were packed.
    pub events: Vec<Vec<u8>>,
}

/// Which namespace to open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Namespace {
    /// This one, kept when sessim ends, and shared with every process that opens it.
    Named(String),
    /// A fresh one, deleted when sessim ends.
    Fresh,
}

impl RedisStore {
    /// Opens `namespace` on the server at `url`: a namespace that holds a simulation is
    /// resumed, an empty one is started, and one that holds keys sessim did not write is
    /// refused, with nothing written.
    pub fn open(url: &str, namespace: &Namespace) -> Result<RedisStore> {
        let mut link = Link::new(url)?;
        let token = format!("{:016x}", rand::random::<u64>());
        let (name, own) = match namespace {
            Namespace::Named(name) => {
                check_namespace(name)?;
                (name.clone(), false)
            }
            Namespace::Fresh => (format!("run-{token}"), true),
        };
        let prefix = link::prefix(&name);
        let meta = format!("{prefix}meta");
        let layout: Option<String> =
            link.run(|c| redis::cmd("HGET").arg(&meta).arg("sessim").query(c))?;
        let resumed = match layout.as_deref() {
            Some(LAYOUT) => true,
            Some(other) => {
                return Err(Error::Invalid(format!(
                    "namespace `{name}` was written by another version of sessim (layout {other}, \
                     this one reads {LAYOUT}); pick another with --namespace"
                )));
            }
            None => {
                let pattern = format!("{prefix}*");
                let found = link.run(|c| scan_all(c, &pattern, 1))?;
                if let Some(key) = found.first() {
                    return Err(Error::Invalid(format!(
                        "namespace `{name}` holds keys sessim did not write (such as `{}`); \
                         nothing was written: pick another with --namespace",
                        crate::error::shown(key)
                    )));
                }
                false
            }
        };
        let store = RedisStore {
            link: RefCell::new(link),
            reaped_key: format!("{prefix}reaped:{token}"),
            name,
            prefix,
            meta,
            code: Code::new(),
            own,
            resumed,
            epoch: 0,
            reaped: 0,
        };
        if !resumed {
            store.init()?;
        }
        if own {
            cleanup::register(url, &store.prefix);
        }
        Ok(store)
    }

    /// The namespace's name.
    pub fn namespace(&self) -> &str {
        &self.name
    }

    /// Whether the namespace was named, to be kept and shared, rather than made fresh.
    pub fn shared(&self) -> bool {
        !self.own
    }

    /// Whether the namespace held a simulation when it was opened.
    pub fn resumed(&self) -> bool {
        self.resumed
    }

    /// The server's URL, without its password.
    pub fn url(&self) -> String {
        self.link.borrow().shown().to_owned()
    }

    /// Where the namespace stands: its clock, the latest instant any process acted at,
    /// moved on to `now` first if that is later; its settings' version; its epoch.
    pub fn sync_clock(&self, now: Option<Time>) -> Result<Standing> {
        let now = now.map(codec::time);
        let reply = self.call(
            &self.code.clock,
            &[now.as_ref().map_or(b"", |t| t.as_bytes())],
        )?;
        match reply.as_slice() {
            [word, clock, version, epoch] if word == b"clock" => Ok(Standing {
                clock: codec::read_time(clock)?,
                settings_version: codec::number(version)?,
                epoch: codec::text(epoch.clone())?,
            }),
            _ => Err(unknown(&reply)),
        }
    }

    /// The namespace's settings (as JSON, empty before any) and their version; replaced
    /// first by `new`, if given.
    pub fn settings(&self, new: Option<&str>) -> Result<(u64, String)> {
        let reply = self.call(&self.code.settings, &[new.unwrap_or("").as_bytes()])?;
        match reply.as_slice() {
            [word, version, json] if word == b"settings" => {
                Ok((codec::number(version)?, codec::text(json.clone())?))
            }
            _ => Err(unknown(&reply)),
        }
    }

    /// Adds `events` (each packed by the caller) to the namespace's log, kept to the newest
    /// `cap`, and `totals` to its totals: a name starting with `^` is a most-so-far, kept
    /// if larger; the others are added.
    pub fn publish(&self, cap: usize, events: &[Vec<u8>], totals: &[(String, u64)]) -> Result<()> {
        let (cap, n) = (cap.to_string(), events.len().to_string());
        let amounts: Vec<String> = totals.iter().map(|(_, v)| v.to_string()).collect();
        let mut words: Vec<&[u8]> = vec![cap.as_bytes(), n.as_bytes()];
        words.extend(events.iter().map(Vec::as_slice));
        for ((name, _), amount) in totals.iter().zip(&amounts) {
            words.push(name.as_bytes());
            words.push(amount.as_bytes());
        }
        self.call(&self.code.publish, &words).map(drop)
    }

    /// The namespace's shared log and totals.
    pub fn read_shared(&self) -> Result<Shared> {
        let reply = self.call(&self.code.shared, &[])?;
        let (Some(dropped), Some(pairs)) = (reply.first(), reply.get(1)) else {
            return Err(unknown(&reply));
        };
        let words = usize::try_from(codec::number(pairs)?).map_err(|_| unknown(&reply))?;
        let rest = &reply[2..];
        if words > rest.len() || words % 2 != 0 {
            return Err(unknown(&reply));
        }
        let totals = rest[..words]
            .chunks(2)
            .map(|p| Ok((codec::text(p[0].clone())?, codec::number(&p[1])?)))
            .collect::<Result<_>>()?;
        Ok(Shared {
            dropped: codec::number(dropped)?,
            totals,
            events: rest[words..].to_vec(),
        })
    }

    /// Empties the namespace and starts it again, for a fresh simulation on it.
    pub fn restart(&mut self) -> Result<()> {
        self.delete_all()?;
        self.reaped = 0;
        self.resumed = false;
        self.init().map(drop)
    }

    /// Deletes every key of the namespace.
    pub fn delete_all(&self) -> Result<()> {
        cleanup::delete(&mut self.link.borrow_mut(), &self.prefix)
    }

    /// Runs `script` with the prefix and `args`, and returns its reply's elements.
    fn call(&self, script: &Proc, args: &[&[u8]]) -> Result<codec::Words> {
        codec::words(self.call_value(script, args)?)
    }

    /// Runs `script` with the prefix and `args`, and returns its reply. A namespace found
    /// gone (a server restarted empty, another process's `reset` midway) is started again
    /// and the call made once more.
    fn call_value(&self, script: &Proc, args: &[&[u8]]) -> Result<Value> {
        let reply = self.invoke(script, args)?;
        match self.refused(&reply) {
            Err(Error::NamespaceGone(_)) => {
                self.init()?;
                let reply = self.invoke(script, args)?;
                self.refused(&reply).map(|()| reply)
            }
            other => other.map(|()| reply),
        }
    }

    /// Starts the namespace unless it is started, in a new epoch; whether it did.
    fn init(&self) -> Result<bool> {
        let epoch = format!("{:016x}", rand::random::<u64>());
        let started: i64 = self.invoke(&self.code.init, &[LAYOUT.as_bytes(), epoch.as_bytes()])?;
        Ok(started == 1)
    }

    /// The error for a reply that refused to act at all: the namespace's clock is later
    /// than the call's instant, or the namespace is gone.
    fn refused(&self, reply: &Value) -> Result<()> {
        let Value::Array(words) = reply else {
            return Ok(());
        };
        match words.as_slice() {
            [Value::BulkString(word), Value::BulkString(clock)] if word == b"behind" => {
                Err(Error::ClockMoved {
                    namespace: self.name.clone(),
                    clock: codec::read_time(clock)?,
                })
            }
            [Value::BulkString(word)] if word == b"gone" => {
                Err(Error::NamespaceGone(self.name.clone()))
            }
            _ => Ok(()),
        }
    }

    fn invoke<T: redis::FromRedisValue>(&self, proc: &Proc, args: &[&[u8]]) -> Result<T> {
        let mut words = Vec::with_capacity(args.len() + 1);
        words.push(self.prefix.as_bytes());
        words.extend_from_slice(args);
        self.link
            .borrow_mut()
            .run(|c| self.code.run(c, proc, &self.meta, &words))
    }

    /// What `read_call` answered for session `id`.
    fn parse_read(&self, id: &str, reply: &[Vec<u8>], evicted: &mut Vec<Gone>) -> Result<Read> {
        match reply.first().map(Vec::as_slice) {
            Some(b"found") => Ok(Read::Found),
            Some(b"nosuch") => Err(Error::NoSuchSession(id.to_owned())),
            Some(b"expired") if reply.len() == 3 => {
                Ok(Read::Expired(gone(id.as_bytes(), &reply[1], &reply[2])?))
            }
            Some(b"adopted") => {
                self.evicted(reply, evicted)?;
                Ok(Read::Adopted)
            }
            _ => Err(unknown(reply)),
        }
    }

    /// Evicted sessions, as triples after the first element of a reply.
    fn evicted(&self, reply: &[Vec<u8>], evicted: &mut Vec<Gone>) -> Result<()> {
        for t in reply[1..].chunks(3) {
            let [id, last, created] = t else {
                return Err(Error::Store(
                    "redis sent a broken list of evicted sessions".into(),
                ));
            };
            evicted.push(gone(id, last, created)?);
        }
        Ok(())
    }

    fn mark(&self, first: u64, took: u64) -> Mark {
        Mark::new(self.epoch, (took > 0).then(|| (first, first + took - 1)))
    }

    fn key_of(&self, id: &str) -> String {
        format!("{}s:{id}", self.prefix)
    }
}

impl Drop for RedisStore {
    /// A namespace of its own is deleted, and a shared one loses this process's reaped list.
    fn drop(&mut self) {
        // Nothing can be reported from here: a Redis that is gone keeps the keys.
        if self.own {
            if self.delete_all().is_ok() {
                cleanup::unregister(&self.prefix);
            }
        } else if self.reaped > 0 {
            let key = self.reaped_key.clone();
            let _ = self
                .link
                .get_mut()
                .run(|c| redis::cmd("DEL").arg(&key).exec(c));
        }
    }
}

/// A session's `last`, `created` and `values` fields, each missing if it is.
type Fields = (Option<Vec<u8>>, Option<Vec<u8>>, Option<Vec<u8>>);

/// Up to about `want` keys matching `pattern`, scanning the whole keyspace if need be.
fn scan_all(
    c: &mut redis::Connection,
    pattern: &str,
    want: usize,
) -> redis::RedisResult<Vec<String>> {
    let mut cursor = 0u64;
    let mut keys = Vec::new();
    loop {
        let (next, found): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(1000)
            .query(c)?;
        keys.extend(found);
        cursor = next;
        if cursor == 0 || keys.len() >= want {
            return Ok(keys);
        }
    }
}

fn flag(b: bool) -> &'static [u8] {
    if b { b"1" } else { b"0" }
}

fn end(e: End) -> &'static [u8] {
    match e {
        End::Front => b"f",
        End::Back => b"b",
    }
}

fn capacity(p: Placement) -> String {
    p.capacity.map(|c| c.to_string()).unwrap_or_default()
}

fn unknown(reply: &[Vec<u8>]) -> Error {
    Error::Store(format!(
        "redis answered `{}`, which sessim did not expect",
        String::from_utf8_lossy(reply.first().map_or(&b""[..], |w| w))
    ))
}

/// The times a call sends: now, and the expiry's two bounds.
fn times(now: Time, expiry: Expiry) -> (TimeText, TimeText, TimeText) {
    (
        codec::time(now),
        codec::time(expiry.accessed_before),
        codec::time(expiry.created_before),
    )
}

/// The words `read_call` takes after the prefix.
struct ReadArgs<'a> {
    id: &'a str,
    times: (TimeText, TimeText, TimeText),
    lazy: bool,
    at: &'static [u8],
    capacity: String,
}

impl<'a> ReadArgs<'a> {
    fn new(id: &'a str, now: Time, expiry: Expiry, adopt: Option<Placement>) -> Self {
        let (at, capacity) = match adopt {
            Some(p) => (end(p.end), capacity(p)),
            None => (&b""[..], String::new()),
        };
        ReadArgs {
            id,
            times: times(now, expiry),
            lazy: expiry.lazy,
            at,
            capacity,
        }
    }

    fn words(&self) -> Vec<&[u8]> {
        vec![
            self.id.as_bytes(),
            self.times.0.as_bytes(),
            self.times.1.as_bytes(),
            self.times.2.as_bytes(),
            flag(self.lazy),
            self.at,
            self.capacity.as_bytes(),
        ]
    }
}

/// The words naming an op for `access_call`: its name, key and argument.
struct AccessArgs<'a> {
    name: &'static [u8],
    key: &'a str,
    arg: &'a [u8],
    by: String,
}

impl<'a> AccessArgs<'a> {
    fn new(op: Op<'a>) -> Self {
        let (name, key, arg, by): (&[u8], &str, &[u8], String) = match op {
            Op::Touch => (b"touch", "", b"", String::new()),
            Op::Get(k) => (b"get", k, b"", String::new()),
            Op::Set(k, v) => (b"set", k, v.as_bytes(), String::new()),
            Op::Del(k) => (b"del", k, b"", String::new()),
            Op::Incr(k, n) => (b"incr", k, b"", n.to_string()),
        };
        AccessArgs { name, key, arg, by }
    }

    fn words(&self) -> [&[u8]; 3] {
        let arg = if self.by.is_empty() {
            self.arg
        } else {
            self.by.as_bytes()
        };
        [self.name, self.key.as_bytes(), arg]
    }
}

/// What `access_call` answered for `op` on session `id`.
fn parse_access(id: &str, op: Op<'_>, reply: &[Vec<u8>]) -> Result<Access> {
    let key = match op {
        Op::Touch => "",
        Op::Get(k) | Op::Set(k, _) | Op::Del(k) | Op::Incr(k, _) => k,
    };
    match (reply.first().map(Vec::as_slice), reply.len()) {
        (Some(b"ok"), 6) => {
            let answer = match reply[4].as_slice() {
                b"done" => Answer::Done,
                b"value" => Answer::Value(Some(codec::text(reply[5].clone())?.into())),
                b"nil" => Answer::Value(None),
                b"deleted" => Answer::Deleted(reply[5] == b"1"),
                b"counter" => Answer::Counter(
                    codec::text(reply[5].clone())?
                        .parse()
                        .map_err(|_| unknown(&reply[5..]))?,
                ),
                _ => return Err(unknown(&reply[4..])),
            };
            Ok(Access::Applied {
                before: codec::read_time(&reply[1])?,
                created: codec::read_time(&reply[2])?,
                expired: reply[3] == b"1",
                answer,
            })
        }
        (Some(b"nosuch"), _) => Err(Error::NoSuchSession(id.to_owned())),
        (Some(b"expired"), 3) => Ok(Access::Expired(gone(id.as_bytes(), &reply[1], &reply[2])?)),
        (Some(b"notint"), 2) => Err(Error::NotAnInteger {
            key: key.to_owned(),
            value: codec::text(reply[1].clone())?,
        }),
        (Some(b"overflow"), _) => Err(Error::IncrOverflow {
            key: key.to_owned(),
        }),
        _ => Err(unknown(reply)),
    }
}

/// A session that left, from its id and the times a script sent back.
fn gone(id: &[u8], last: &[u8], created: &[u8]) -> Result<Gone> {
    Ok(Gone {
        id: codec::text(id.to_vec())?.into(),
        last_access: codec::read_time(last)?,
        created: codec::read_time(created)?,
    })
}

impl Store for RedisStore {
    fn stored(&self) -> Result<usize> {
        let key = format!("{}lru", self.prefix);
        self.link
            .borrow_mut()
            .run(|c| redis::cmd("ZCARD").arg(&key).query(c))
    }

    fn create(
        &mut self,
        id: &str,
        now: Time,
        placement: Placement,
        evicted: &mut Vec<Gone>,
    ) -> Result<()> {
        let (now, cap) = (codec::time(now), capacity(placement));
        let reply = self.call(
            &self.code.create,
            &[
                id.as_bytes(),
                now.as_bytes(),
                end(placement.end),
                cap.as_bytes(),
            ],
        )?;
        match reply.first().map(Vec::as_slice) {
            Some(b"exists") => Err(Error::SessionExists(id.to_owned())),
            Some(b"ok") => self.evicted(&reply, evicted),
            _ => Err(unknown(&reply)),
        }
    }

    fn read(
        &mut self,
        id: &str,
        now: Time,
        expiry: Expiry,
        adopt: Option<Placement>,
        evicted: &mut Vec<Gone>,
    ) -> Result<Read> {
        let args = ReadArgs::new(id, now, expiry, adopt);
        let reply = self.call(&self.code.read, &args.words())?;
        self.parse_read(id, &reply, evicted)
    }

    fn access(&mut self, id: &str, op: Op<'_>, now: Time, expiry: Expiry) -> Result<Access> {
        let args = AccessArgs::new(op);
        let (now, ab, cb) = times(now, expiry);
        let mut words: Vec<&[u8]> = vec![
            id.as_bytes(),
            now.as_bytes(),
            ab.as_bytes(),
            cb.as_bytes(),
            flag(expiry.lazy),
        ];
        words.extend(args.words());
        let reply = codec::json_words(self.call_value(&self.code.access, &words)?)?;
        parse_access(id, op, &reply)
    }

    fn remote(&self) -> bool {
        true
    }

    fn next_id_number(&self) -> Result<Option<u64>> {
        if self.own {
            return Ok(None);
        }
        let key = format!("{}meta", self.prefix);
        let taken: u64 = self
            .link
            .borrow_mut()
            .run(|c| redis::cmd("HINCRBY").arg(&key).arg("ids").arg(1).query(c))?;
        Ok(Some(taken - 1))
    }

    fn read_then(
        &mut self,
        id: &str,
        now: Time,
        expiry: Expiry,
        adopt: Option<Placement>,
        evicted: &mut Vec<Gone>,
        op: Op<'_>,
    ) -> Result<(Read, Option<Result<Access>>)> {
        let read = ReadArgs::new(id, now, expiry, adopt);
        let access = AccessArgs::new(op);
        let mut words = read.words();
        words.extend(access.words());
        let reply = self.call_value(&self.code.read_access, &words)?;
        let (read_reply, access_reply) = codec::json_pair(reply)?;
        let read = self.parse_read(id, &read_reply, evicted)?;
        let access = match read {
            Read::Found | Read::Adopted => Some(parse_access(id, op, &access_reply)),
            Read::Expired(_) => None,
        };
        Ok((read, access))
    }

    fn rename(&mut self, id: &str, to: &str, expiry: Expiry) -> Result<Renamed> {
        let (ab, cb) = (
            codec::time(expiry.accessed_before),
            codec::time(expiry.created_before),
        );
        let reply = self.call(
            &self.code.rename,
            &[
                id.as_bytes(),
                to.as_bytes(),
                ab.as_bytes(),
                cb.as_bytes(),
                flag(expiry.lazy),
            ],
        )?;
        match (reply.first().map(Vec::as_slice), reply.len()) {
            (Some(b"ok"), 2) => Ok(Renamed::Done {
                last_access: codec::read_time(&reply[1])?,
            }),
            (Some(b"nosuch"), _) => Err(Error::NoSuchSession(id.to_owned())),
            (Some(b"exists"), _) => Err(Error::SessionExists(to.to_owned())),
            (Some(b"expired"), 3) => {
                Ok(Renamed::Expired(gone(id.as_bytes(), &reply[1], &reply[2])?))
            }
            _ => Err(unknown(&reply)),
        }
    }

    fn destroy(&mut self, id: &str) -> Result<Gone> {
        let reply = self.call(&self.code.destroy, &[id.as_bytes()])?;
        match (reply.first().map(Vec::as_slice), reply.len()) {
            (Some(b"ok"), 3) => gone(id.as_bytes(), &reply[1], &reply[2]),
            (Some(b"nosuch"), _) => Err(Error::NoSuchSession(id.to_owned())),
            _ => Err(unknown(&reply)),
        }
    }

    fn sweep(&mut self, expiry: Expiry, scan: Scan, keep: Option<&str>) -> Result<Sweep> {
        let (ab, cb) = (
            codec::time(expiry.accessed_before),
            codec::time(expiry.created_before),
        );
        let scan: &[u8] = match scan {
            Scan::Back => b"back",
            Scan::Whole => b"whole",
        };
        let batch = BATCH.to_string();
        let first = self.reaped;
        let (mut scanned, mut took) = (0, 0);
        let mut cursor = b"-inf".to_vec();
        loop {
            let reply = self.call(
                &self.code.sweep,
                &[
                    ab.as_bytes(),
                    cb.as_bytes(),
                    scan,
                    flag(keep.is_some()),
                    keep.unwrap_or("").as_bytes(),
                    batch.as_bytes(),
                    &cursor,
                    self.reaped_key.as_bytes(),
                ],
            )?;
            let [looked, reaped, more, next] = reply.as_slice() else {
                return Err(unknown(&reply));
            };
            scanned += codec::number(looked)?;
            let reaped = codec::number(reaped)?;
            took += reaped;
            self.reaped += reaped;
            cursor.clone_from(next);
            if more != b"1" {
                break;
            }
        }
        Ok(Sweep {
            scanned,
            reaped: took,
            mark: self.mark(first, took),
        })
    }

    fn sample(&mut self, expiry: Expiry, cycle: Cycle) -> Result<Sweep> {
        let (ab, cb) = (
            codec::time(expiry.accessed_before),
            codec::time(expiry.created_before),
        );
        let key = cycle.draws.key();
        let limbs: Vec<String> = (0..4)
            .map(|i| ((key >> (16 * i)) & 0xffff).to_string())
            .collect();
        let fixed = [
            cycle.per_round,
            cycle.stale_percent,
            cycle.max_examined,
            BATCH,
        ]
        .map(|n| n.to_string());
        let first = self.reaped;
        let (mut k, mut scanned, mut took) = (0u64, 0u64, 0u64);
        loop {
            let (k_text, scanned_text) = (k.to_string(), scanned.to_string());
            let reply = self.call(
                &self.code.sample,
                &[
                    ab.as_bytes(),
                    cb.as_bytes(),
                    limbs[0].as_bytes(),
                    limbs[1].as_bytes(),
                    limbs[2].as_bytes(),
                    limbs[3].as_bytes(),
                    fixed[0].as_bytes(),
                    fixed[1].as_bytes(),
                    fixed[2].as_bytes(),
                    k_text.as_bytes(),
                    scanned_text.as_bytes(),
                    fixed[3].as_bytes(),
                    self.reaped_key.as_bytes(),
                ],
            )?;
            let [next, looked, reaped, done] = reply.as_slice() else {
                return Err(unknown(&reply));
            };
            k = codec::number(next)?;
            scanned = codec::number(looked)?;
            let reaped = codec::number(reaped)?;
            took += reaped;
            self.reaped += reaped;
            if done == b"1" {
                break;
            }
        }
        Ok(Sweep {
            scanned,
            reaped: took,
            mark: self.mark(first, took),
        })
    }

    fn keep_pool(&mut self, on: bool) -> Result<()> {
        self.invoke::<Value>(&self.code.pool, &[flag(on)]).map(drop)
    }

    fn swept(
        &self,
        mark: Mark,
        newest_first: bool,
        f: &mut dyn FnMut(&str, Time, Time) -> ControlFlow<()>,
    ) -> Result<()> {
        let Some((first, last)) = mark.run(self.epoch) else {
            return Ok(());
        };
        let mut done = 0;
        let total = last - first + 1;
        while done < total {
            let n = PAGE.min(total - done);
            let (start, stop) = if newest_first {
                (last - done - (n - 1), last - done)
            } else {
                (first + done, first + done + n - 1)
            };
            let key = &self.reaped_key;
            let mut page: Vec<Vec<u8>> = self
                .link
                .borrow_mut()
                .run(|c| redis::cmd("LRANGE").arg(key).arg(start).arg(stop).query(c))?;
            if newest_first {
                page.reverse();
            }
            for entry in &page {
                if entry.len() < 40 {
                    return Err(unknown(std::slice::from_ref(entry)));
                }
                let id = std::str::from_utf8(&entry[40..])
                    .map_err(|_| unknown(std::slice::from_ref(entry)))?;
                let last_access = codec::read_time(&entry[..20])?;
                let created = codec::read_time(&entry[20..40])?;
                if f(id, last_access, created).is_break() {
                    return Ok(());
                }
            }
            done += n;
        }
        Ok(())
    }

    fn release(&mut self) -> Result<()> {
        if self.reaped > 0 {
            let key = self.reaped_key.clone();
            self.link
                .get_mut()
                .run(|c| redis::cmd("DEL").arg(&key).exec(c))?;
            self.reaped = 0;
        }
        self.epoch += 1;
        Ok(())
    }

    fn back(&self) -> Result<Option<Time>> {
        let reply = self.call(&self.code.peek, &[b"back"])?;
        reply.first().map(|t| codec::read_time(t)).transpose()
    }

    fn oldest(&self, created: bool) -> Result<Option<Oldest>> {
        let reply = self.call(&self.code.peek, &[b"oldest"])?;
        let [last, first_created] = reply.as_slice() else {
            return Ok(None);
        };
        Ok(Some(Oldest {
            last_access: codec::read_time(last)?,
            created: if created {
                codec::read_time(first_created)?
            } else {
                Time::MAX
            },
        }))
    }

    fn count_over(&self, expiry: Expiry) -> Result<usize> {
        let (ab, cb) = (
            codec::time(expiry.accessed_before),
            codec::time(expiry.created_before),
        );
        let n: u64 = self.invoke(&self.code.count, &[ab.as_bytes(), cb.as_bytes()])?;
        Ok(n as usize)
    }

    fn session(&self, id: &str) -> Result<Option<Snapshot>> {
        let key = self.key_of(id);
        let (last, created, values): Fields = self.link.borrow_mut().run(|c| {
            redis::cmd("HMGET")
                .arg(&key)
                .arg("last")
                .arg("created")
                .arg("values")
                .query(c)
        })?;
        let (Some(last), Some(created)) = (last, created) else {
            return Ok(None);
        };
        let packed = codec::read_values(id, values.as_deref().unwrap_or_default())?;
        Ok(Some(Snapshot {
            id: id.to_owned(),
            last_access: codec::read_time(&last)?,
            created: codec::read_time(&created)?,
            values: packed.pairs().to_vec(),
        }))
    }

    fn walk(&self, from: End, f: &mut dyn FnMut(View<'_>) -> ControlFlow<()>) -> Result<()> {
        let mut start = 0u64;
        loop {
            let (first, last) = (start.to_string(), (start + PAGE - 1).to_string());
            let reply = self.call(
                &self.code.peek,
                &[b"page", end(from), first.as_bytes(), last.as_bytes()],
            )?;
            for s in reply.chunks(4) {
                let [id, last, created, values] = s else {
                    return Err(unknown(s));
                };
                let id = codec::text(id.clone())?;
                let packed = codec::read_values(&id, values)?;
                let view = View {
                    id: &id,
                    last_access: codec::read_time(last)?,
                    created: codec::read_time(created)?,
                    values: packed.pairs(),
                };
                if f(view).is_break() {
                    return Ok(());
                }
            }
            if (reply.len() as u64) < 4 * PAGE {
                return Ok(());
            }
            start += PAGE;
        }
    }

    fn check(&self) -> std::result::Result<(), String> {
        let reply: String = self
            .invoke(&self.code.check, &[])
            .map_err(|e| e.to_string())?;
        if reply.is_empty() { Ok(()) } else { Err(reply) }
    }
}
