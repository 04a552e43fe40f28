//! The store a simulation runs on, chosen at start: `--provider memory` or `redis`.

use std::ops::ControlFlow;

use super::{
    Access, Cycle, End, Expiry, Gone, Mark, MemoryStore, Oldest, Op, Placement, Read, RedisStore,
    Renamed, Scan, Snapshot, Store, Sweep, View,
};
use crate::Result;
use crate::basics::time::Time;

/// One of sessim's stores.
#[derive(Debug)]
pub enum Provider {
    /// In this process.
    Memory(MemoryStore),
    /// In a Redis server, shared by the processes that open its namespace.
    Redis(Box<RedisStore>),
}

impl Provider {
    /// The provider's name, as `--provider` takes it.
    pub fn name(&self) -> &'static str {
        match self {
            Provider::Memory(_) => "memory",
            Provider::Redis(_) => "redis",
        }
    }

    /// The clock of a shared (named) Redis namespace, moved on to `now` first if that is
    /// later; `None` where no other process can move the clock (memory, a fresh namespace).
    pub fn shared_clock(&self, now: Option<Time>) -> Result<Option<Time>> {
        match self {
            Provider::Redis(r) if r.shared() => r.sync_clock(now).map(|s| Some(s.clock)),
            _ => Ok(None),
        }
    }

    /// The Redis store, if that is the provider.
    pub fn redis(&self) -> Option<&RedisStore> {
        match self {
            Provider::Memory(_) => None,
            Provider::Redis(r) => Some(r),
        }
    }
}

/// Calls the same method on whichever store it is.
macro_rules! each {
    ($self:ident, $s:ident => $call:expr) => {
        match $self {
            Provider::Memory($s) => $call,
            Provider::Redis($s) => $call,
        }
    };
}

impl Store for Provider {
    fn stored(&self) -> Result<usize> {
        each!(self, s => s.stored())
    }

    fn create(
        &mut self,
        id: &str,
        now: Time,
        placement: Placement,
        evicted: &mut Vec<Gone>,
    ) -> Result<()> {
        each!(self, s => s.create(id, now, placement, evicted))
    }

    fn read(
        &mut self,
        id: &str,
        now: Time,
        expiry: Expiry,
        adopt: Option<Placement>,
        evicted: &mut Vec<Gone>,
    ) -> Result<Read> {
        each!(self, s => s.read(id, now, expiry, adopt, evicted))
    }

    fn access(&mut self, id: &str, op: Op<'_>, now: Time, expiry: Expiry) -> Result<Access> {
        each!(self, s => s.access(id, op, now, expiry))
    }

    fn remote(&self) -> bool {
        each!(self, s => s.remote())
    }

    fn next_id_number(&self) -> Result<Option<u64>> {
        each!(self, s => s.next_id_number())
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
        each!(self, s => s.read_then(id, now, expiry, adopt, evicted, op))
    }

    fn rename(&mut self, id: &str, to: &str, expiry: Expiry) -> Result<Renamed> {
        each!(self, s => s.rename(id, to, expiry))
    }

    fn destroy(&mut self, id: &str) -> Result<Gone> {
        each!(self, s => s.destroy(id))
    }

    fn sweep(&mut self, expiry: Expiry, scan: Scan, keep: Option<&str>) -> Result<Sweep> {
        each!(self, s => s.sweep(expiry, scan, keep))
    }

    fn sample(&mut self, expiry: Expiry, cycle: Cycle) -> Result<Sweep> {
        each!(self, s => s.sample(expiry, cycle))
    }

    fn keep_pool(&mut self, on: bool) -> Result<()> {
        each!(self, s => s.keep_pool(on))
    }

    fn swept(
        &self,
        mark: Mark,
        newest_first: bool,
        f: &mut dyn FnMut(&str, Time, Time) -> ControlFlow<()>,
    ) -> Result<()> {
        each!(self, s => s.swept(mark, newest_first, f))
    }

    fn release(&mut self) -> Result<()> {
        each!(self, s => s.release())
    }

    fn back(&self) -> Result<Option<Time>> {
        each!(self, s => s.back())
    }

    fn oldest(&self, created: bool) -> Result<Option<Oldest>> {
        each!(self, s => s.oldest(created))
    }

    fn count_over(&self, expiry: Expiry) -> Result<usize> {
        each!(self, s => s.count_over(expiry))
    }

    fn session(&self, id: &str) -> Result<Option<Snapshot>> {
        each!(self, s => s.session(id))
    }

    fn walk(&self, from: End, f: &mut dyn FnMut(View<'_>) -> ControlFlow<()>) -> Result<()> {
        each!(self, s => s.walk(from, f))
    }

    fn check(&self) -> std::result::Result<(), String> {
        each!(self, s => s.check())
    }
}
