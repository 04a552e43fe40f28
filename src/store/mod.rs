//! The store seam: where sessions live, and nothing else.
//!
//! A [`Store`] keeps sessions: their ids, values, last access and creation time, and the
//! book's LRU list (front: the most recently used). It holds no rules, no clock and no
//! events. The manager hands each call the current instant and an [`Expiry`] that its rules
//! have reduced to an instant, and turns what comes back into events.
//!
//! The contract is written so that a store over a network can keep it:
//! - every method can fail;
//! - nothing borrowed from the store's memory is returned: results are owned, or lent to a
//!   closure for the length of the call;
//! - each operation of the manager is one call: an access checks expiry, applies its
//!   [`Op`] and moves the session to the front at once, and a creation makes room first.
//!
//! [`MemoryStore`] keeps them in the process; [`RedisStore`] in a Redis server, where
//! several processes can share them; [`Provider`] is whichever `--provider` chose.

pub mod memory;
pub mod provider;
pub mod redis;
pub mod values;

use std::ops::ControlFlow;

use compact_str::CompactString;

pub use memory::MemoryStore;
pub use provider::Provider;
pub use redis::RedisStore;
pub use values::Pairs;

use crate::Result;
use crate::basics::draws::Draws;
use crate::basics::time::Time;

/// A value as a store hands it back: owned, and inline when short.
pub type Value = CompactString;

/// An end of the LRU list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The most recently used end.
    Front,
    /// The least recently used end, where GC starts.
    Back,
}

/// When a stored session counts as expired, as the manager's rules decide it at one
/// instant, and what an access to an expired one does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    /// A session last accessed before this instant has expired (idle too long).
    pub accessed_before: Time,
    /// A session created before this instant has expired (its absolute lifetime is over);
    /// [`Time::MIN`] when there is no absolute lifetime.
    pub created_before: Time,
    /// Whether an access to an expired session removes it instead (lazy expiry).
    pub lazy: bool,
}

/// Which limit a session reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// It was idle longer than max-lifetime.
    Idle,
    /// It lived longer than the absolute lifetime, while still in use.
    Absolute,
}

impl Expiry {
    /// Whether a session last accessed at `last_access` and created at `created` has
    /// expired, by either limit.
    pub fn is_over(self, last_access: Time, created: Time) -> bool {
        last_access < self.accessed_before || created < self.created_before
    }

    /// Whether the absolute lifetime is part of the rules.
    pub fn has_absolute(self) -> bool {
        self.created_before != Time::MIN
    }

    /// The limit a session reached, if any: idle first, since a session idle too long is
    /// reported so even when it is also too old.
    pub fn limit(self, last_access: Time, created: Time) -> Option<Limit> {
        if last_access < self.accessed_before {
            Some(Limit::Idle)
        } else if created < self.created_before {
            Some(Limit::Absolute)
        } else {
            None
        }
    }
}

/// Where a new session goes, and the room made for it first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    /// The end of the list it joins.
    pub end: End,
    /// While this many sessions or more are stored, the back one is evicted first.
    pub capacity: Option<usize>,
}

/// What an access does to a session's values. Every access also makes the session the most
/// recently used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op<'a> {
    /// Nothing more (`SessionUpdate`).
    Touch,
    /// Reads a key.
    Get(&'a str),
    /// Stores a value under a key.
    Set(&'a str, &'a str),
    /// Removes a key.
    Del(&'a str),
    /// Adds to an integer value, a missing key counting as 0. A value that is not an
    /// integer, or a sum beyond `i64`, fails and changes nothing.
    Incr(&'a str, i64),
}

/// What an [`Op`] answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// `Touch` and `Set`: nothing to tell.
    Done,
    /// `Get`: the value, or `None` (the book's `nil`).
    Value(Option<Value>),
    /// `Del`: whether the key was there.
    Deleted(bool),
    /// `Incr`: the new value.
    Counter(i64),
}

/// How an access went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// The op was applied and the session moved to the front, accessed now.
    Applied {
        /// The session's last access before this one.
        before: Time,
        /// When it was created.
        created: Time,
        /// Whether it had expired, by either limit (and so was revived: lazy expiry was
        /// off).
        expired: bool,
        /// What the op answered.
        answer: Answer,
    },
    /// The session had expired and lazy expiry was on: it is removed, and the op not applied.
    Expired(Gone),
}

/// How `SessionRead` went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Read {
    /// The session is stored; it was not touched.
    Found,
    /// The id was unknown and a session was created with it (adoption).
    Adopted,
    /// The session had expired and lazy expiry was on: it is removed.
    Expired(Gone),
}

/// What [`Store::rename`] did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renamed {
    /// The session has its new id (kept even if expired, when lazy expiry is off).
    Done {
        /// Its last access, unchanged.
        last_access: Time,
    },
    /// The session had expired and lazy expiry was on: it is removed.
    Expired(Gone),
}

/// A session that left the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gone {
    /// Its id.
    pub id: CompactString,
    /// Its last access.
    pub last_access: Time,
    /// When it was created.
    pub created: Time,
}

/// How a sweep looks for expired sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan {
    /// The book's `SessionGC`: from the back, stopping at the first session that has not
    /// expired.
    Back,
    /// Every session, from the back to the front (PHP's GC, and any sweep under an
    /// absolute lifetime, since a session too old can be anywhere in the list).
    Whole,
}

/// One cycle of Redis's active expiry, as [`Store::sample`] runs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cycle {
    /// Where the samples come from.
    pub draws: Draws,
    /// Sessions sampled a round (Redis: 20).
    pub per_round: u64,
    /// Another round follows while more than this percentage of a round had expired
    /// (Redis 7 at effort 1: 10).
    pub stale_percent: u64,
    /// No round starts once this many sessions have been examined in the cycle.
    pub max_examined: u64,
}

/// The first session a strategy could reap: the earliest last access and the earliest
/// creation among the stored sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Oldest {
    /// The earliest last access.
    pub last_access: Time,
    /// The earliest creation, when asked for; else [`Time::MAX`].
    pub created: Time,
}

/// A stored session, lent to a closure by [`Store::walk`].
#[derive(Debug, Clone, Copy)]
pub struct View<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its last access.
    pub last_access: Time,
    /// When it was created.
    pub created: Time,
    /// Its keys and values.
    pub values: Pairs<'a>,
}

/// A stored session, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    /// Its id.
    pub id: String,
    /// Its last access.
    pub last_access: Time,
    /// When it was created.
    pub created: Time,
    /// Its keys and values, in the order the keys were first set.
    pub values: Vec<(String, String)>,
}

impl From<View<'_>> for Snapshot {
    fn from(v: View<'_>) -> Snapshot {
        Snapshot {
            id: v.id.to_owned(),
            last_access: v.last_access,
            created: v.created,
            values: v.values.to_vec(),
        }
    }
}

/// Where a sweep's sessions can be read back: opaque, and good until the store's next
/// [`Store::release`], after which it reads nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Mark {
    /// The store's count of releases when the sweep ran.
    epoch: u64,
    /// Store-specific: where the sweep's first and last sessions are, if it took any.
    run: Option<(u64, u64)>,
}

/// What one sweep, or one sampling cycle, did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Sessions looked at: from the back, the reaped ones and the live one it stopped at;
    /// in a whole scan, all; in a sampling cycle, every sample.
    pub scanned: u64,
    /// Sessions removed.
    pub reaped: u64,
    /// Where to read them back.
    pub mark: Mark,
}

/// Where sessions are stored. See the module documentation for the contract every method
/// keeps; a method that fails has changed nothing.
pub trait Store {
    /// How many sessions are stored, live or expired.
    fn stored(&self) -> Result<usize>;

    /// `SessionInit`: stores a new session `id`, with no values, created and accessed at
    /// `now`, at `placement.end`. Before that, while the store holds `placement.capacity`
    /// sessions or more, removes the back one and adds it to `evicted`. Refuses an id that
    /// is stored ([`crate::Error::SessionExists`]), evicting nothing.
    fn create(
        &mut self,
        id: &str,
        now: Time,
        placement: Placement,
        evicted: &mut Vec<Gone>,
    ) -> Result<()>;

    /// `SessionRead`: finds `id` without touching it. An expired session is removed when
    /// `expiry.lazy` holds. An unknown id is created as [`Store::create`] does when `adopt`
    /// says where, and is otherwise [`crate::Error::NoSuchSession`].
    fn read(
        &mut self,
        id: &str,
        now: Time,
        expiry: Expiry,
        adopt: Option<Placement>,
        evicted: &mut Vec<Gone>,
    ) -> Result<Read>;

    /// An activity: applies `op` to session `id` and makes it the most recently used,
    /// accessed at `now`; or, if it has expired and `expiry.lazy` holds, removes it instead.
    /// An unknown id is [`crate::Error::NoSuchSession`].
    fn access(&mut self, id: &str, op: Op<'_>, now: Time, expiry: Expiry) -> Result<Access>;

    /// The next number of an id sequence that processes sharing the store take in turn;
    /// `None` where no other process draws ids from it.
    fn next_id_number(&self) -> Result<Option<u64>> {
        Ok(None)
    }

    /// Whether each call is a round trip to a server, which [`Store::read_then`] saves.
    fn remote(&self) -> bool {
        false
    }

    /// A request's first two calls: [`Store::read`], and then, when it found or adopted the
    /// session, [`Store::access`] with `op`, both at `now`. A store over a network makes it
    /// one round trip. The access's own outcome comes back beside the read's, if it ran.
    fn read_then(
        &mut self,
        id: &str,
        now: Time,
        expiry: Expiry,
        adopt: Option<Placement>,
        evicted: &mut Vec<Gone>,
        op: Op<'_>,
    ) -> Result<(Read, Option<Result<Access>>)> {
        let read = self.read(id, now, expiry, adopt, evicted)?;
        let access = match read {
            Read::Found | Read::Adopted => Some(self.access(id, op, now, expiry)),
            Read::Expired(_) => None,
        };
        Ok((read, access))
    }

    /// Gives session `id` the id `to`, keeping its values, its times and its place in the
    /// list (a new id is not a use); or, if it has expired and `expiry.lazy` holds, removes
    /// it instead. An unknown `id` is [`crate::Error::NoSuchSession`], and a `to` that is
    /// stored is [`crate::Error::SessionExists`].
    fn rename(&mut self, id: &str, to: &str, expiry: Expiry) -> Result<Renamed>;

    /// `SessionDestroy`: removes session `id`. An unknown id is
    /// [`crate::Error::NoSuchSession`].
    fn destroy(&mut self, id: &str) -> Result<Gone>;

    /// `SessionGC`: removes the sessions that are over by `expiry`, looking as `scan` says:
    /// with [`Scan::Back`], from the back of the list, stopping at the first that is not;
    /// with [`Scan::Whole`], every session, from the back to the front. Session `keep`, if
    /// given, counts as not over. What it took stays readable through the returned mark
    /// until [`Store::release`].
    fn sweep(&mut self, expiry: Expiry, scan: Scan, keep: Option<&str>) -> Result<Sweep>;

    /// One cycle of Redis's active expiry: rounds of `cycle.per_round` samples (fewer when
    /// fewer are stored) of the sample pool, each removing the sampled sessions that are
    /// over by `expiry`, while more than `cycle.stale_percent` percent of a round had
    /// expired and fewer than `cycle.max_examined` have been examined.
    ///
    /// Sample `k` of the cycle is the session at position `cycle.draws.below(k, len)` of
    /// the pool, `len` sessions long when it is drawn. The pool is every stored session, in
    /// an order every store keeps alike: when [`Store::keep_pool`] starts it, the list from
    /// front to back; a new session joins its end; a leaving one is replaced by the last.
    /// A session can be drawn twice in a round, as random keys can be in Redis.
    fn sample(&mut self, expiry: Expiry, cycle: Cycle) -> Result<Sweep>;

    /// Starts keeping the sample pool (from the list, front to back), or stops. It costs a
    /// little on every creation and removal, so it is kept only for the strategy that
    /// samples.
    fn keep_pool(&mut self, on: bool) -> Result<()>;

    /// Lends `f` each session a sweep took (id, last access and creation), in the order it
    /// took them, or the reverse when `newest_first`, until `f` breaks. A stale mark lends
    /// nothing.
    fn swept(
        &self,
        mark: Mark,
        newest_first: bool,
        f: &mut dyn FnMut(&str, Time, Time) -> ControlFlow<()>,
    ) -> Result<()>;

    /// Forgets what earlier sweeps took: their marks read nothing from now on.
    fn release(&mut self) -> Result<()>;

    /// The last access of the session at the back of the list, if any.
    fn back(&self) -> Result<Option<Time>>;

    /// The earliest last access among the stored sessions and, when `created` holds, the
    /// earliest creation; `None` when none is stored.
    fn oldest(&self, created: bool) -> Result<Option<Oldest>>;

    /// How many stored sessions are over by `expiry`.
    fn count_over(&self, expiry: Expiry) -> Result<usize>;

    /// Session `id`, without touching it.
    fn session(&self, id: &str) -> Result<Option<Snapshot>>;

    /// Lends `f` the sessions in list order from `from` (front to back, or back to front),
    /// until `f` breaks.
    fn walk(&self, from: End, f: &mut dyn FnMut(View<'_>) -> ControlFlow<()>) -> Result<()>;

    /// Checks the store's own invariants (for tests): a description of the first broken.
    fn check(&self) -> std::result::Result<(), String>;
}

impl Mark {
    /// A mark for a sweep in `epoch` whose first and last sessions `run` names, as the
    /// store that made it understands them; `None` when it took none.
    pub(crate) fn new(epoch: u64, run: Option<(u64, u64)>) -> Mark {
        Mark { epoch, run }
    }

    /// The first and last sessions, if the sweep took any and the mark belongs to `epoch`.
    pub(crate) fn run(self, epoch: u64) -> Option<(u64, u64)> {
        self.run.filter(|_| self.epoch == epoch)
    }
}
