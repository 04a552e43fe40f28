//! The in-memory store: the book's `memory` provider (§6.3), as one session table in the
//! process.
//!
//! Sessions sit in an arena-backed doubly linked list (O(1) push, move to front and remove,
//! without `unsafe`) with an open-addressing index from id to list slot. A sweep cuts the
//! expired back of the list off in one go and keeps those sessions in their nodes until the
//! next [`Store::release`], so reading them back copies nothing.

mod index;
mod lru_list;
mod prefetch;
mod table;

use std::ops::ControlFlow;

use table::{Rounds, Session, SessionTable};

use super::values::Packed;
use super::{
    Access, Answer, Cycle, End, Expiry, Gone, Mark, Oldest, Op, Placement, Read, Renamed, Scan,
    Snapshot, Store, Sweep, Value, View,
};
use crate::basics::time::Time;
use crate::{Error, Result};

/// Sessions in this process's memory.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    table: SessionTable,
    /// Releases so far: a [`Mark`] of another epoch reads nothing.
    epoch: u64,
}

impl MemoryStore {
    /// What a departure was, as a sweep of this store reports it.
    fn sweep_of(&self, d: table::Departure) -> Sweep {
        Sweep {
            scanned: d.scanned,
            reaped: d.reaped,
            mark: Mark::new(
                self.epoch,
                d.run.map(|(first, last)| (first.into(), last.into())),
            ),
        }
    }

    fn find(&self, id: &str) -> Result<u32> {
        self.table
            .find(id)
            .ok_or_else(|| Error::NoSuchSession(id.to_owned()))
    }

    fn remove(&mut self, slot: u32) -> Gone {
        gone(self.table.remove(slot))
    }

    fn view(&self, slot: u32) -> View<'_> {
        let s = self.table.get(slot);
        View {
            id: s.id(),
            last_access: s.last_access,
            created: s.created,
            values: s.packed.pairs(),
        }
    }
}

fn gone(s: Session) -> Gone {
    Gone {
        id: s.id().into(),
        last_access: s.last_access,
        created: s.created,
    }
}

/// Whether a session is over by `expiry`.
fn over(expiry: Expiry) -> impl Fn(&Session) -> bool {
    move |s| expiry.is_over(s.last_access, s.created)
}

/// Applies `op` to the pairs of `values`; an `Incr` that cannot add changes nothing.
fn apply(values: &mut Packed, op: Op<'_>) -> Result<Answer> {
    Ok(match op {
        Op::Touch => Answer::Done,
        Op::Get(key) => Answer::Value(values.pairs().get(key).map(Value::from)),
        Op::Set(key, value) => {
            values.set(key, value);
            Answer::Done
        }
        Op::Del(key) => Answer::Deleted(values.remove(key)),
        Op::Incr(key, by) => {
            let current = match values.pairs().get(key) {
                None => 0,
                Some(text) => text.parse::<i64>().map_err(|_| Error::NotAnInteger {
                    key: key.to_owned(),
                    value: text.to_owned(),
                })?,
            };
            let next = current.checked_add(by).ok_or_else(|| Error::IncrOverflow {
                key: key.to_owned(),
            })?;
            values.set(key, itoa::Buffer::new().format(next));
            Answer::Counter(next)
        }
    })
}

impl Store for MemoryStore {
    fn stored(&self) -> Result<usize> {
        Ok(self.table.len())
    }

    fn create(
        &mut self,
        id: &str,
        now: Time,
        placement: Placement,
        evicted: &mut Vec<Gone>,
    ) -> Result<()> {
        if let Some(capacity) = placement.capacity
            && self.table.len() >= capacity
        {
            // Room is made only for an id that can be stored.
            if self.table.find(id).is_some() {
                return Err(Error::SessionExists(id.to_owned()));
            }
            while self.table.len() >= capacity {
                let Some(back) = self.table.back() else { break };
                evicted.push(self.remove(back));
            }
        }
        self.table.insert(id, now, placement.end).map(drop)
    }

    fn read(
        &mut self,
        id: &str,
        now: Time,
        expiry: Expiry,
        adopt: Option<Placement>,
        evicted: &mut Vec<Gone>,
    ) -> Result<Read> {
        match self.table.find(id) {
            Some(slot) => {
                if expiry.lazy && over(expiry)(self.table.get(slot)) {
                    return Ok(Read::Expired(self.remove(slot)));
                }
                self.table.prefetch_touch(slot);
                Ok(Read::Found)
            }
            None => match adopt {
                Some(placement) => {
                    self.create(id, now, placement, evicted)?;
                    Ok(Read::Adopted)
                }
                None => Err(Error::NoSuchSession(id.to_owned())),
            },
        }
    }

    fn access(&mut self, id: &str, op: Op<'_>, now: Time, expiry: Expiry) -> Result<Access> {
        let slot = self.find(id)?;
        let session = self.table.get(slot);
        let (before, created) = (session.last_access, session.created);
        let expired = over(expiry)(session);
        if expired && expiry.lazy {
            return Ok(Access::Expired(self.remove(slot)));
        }
        let answer = apply(self.table.packed_mut(slot), op)?;
        self.table.touch(slot, now);
        Ok(Access::Applied {
            before,
            created,
            expired,
            answer,
        })
    }

    fn rename(&mut self, id: &str, to: &str, expiry: Expiry) -> Result<Renamed> {
        let slot = self.find(id)?;
        let session = self.table.get(slot);
        let (last_access, expired) = (session.last_access, over(expiry)(session));
        // Checked first, so that a refused rename removes nothing.
        if self.table.find(to).is_some() {
            return Err(Error::SessionExists(to.to_owned()));
        }
        if expiry.lazy && expired {
            return Ok(Renamed::Expired(self.remove(slot)));
        }
        self.table.rename(slot, to)?;
        Ok(Renamed::Done { last_access })
    }

    fn destroy(&mut self, id: &str) -> Result<Gone> {
        let slot = self.find(id)?;
        Ok(self.remove(slot))
    }

    fn sweep(&mut self, expiry: Expiry, scan: Scan, keep: Option<&str>) -> Result<Sweep> {
        // A session kept that is over takes the general walks, which can pass it by.
        if let Some(keep) = keep
            && self
                .table
                .find(keep)
                .is_some_and(|s| over(expiry)(self.table.get(s)))
        {
            let over = over(expiry);
            let mut over_but_kept = |s: &Session| over(s) && s.id() != keep;
            let d = match scan {
                Scan::Back => self.table.depart_back_while(&mut over_but_kept),
                Scan::Whole => self.table.depart_all_where(over_but_kept),
            };
            return Ok(self.sweep_of(d));
        }
        let d = match scan {
            // The hot path of the book's GC compares one field.
            Scan::Back if !expiry.has_absolute() => {
                let before = expiry.accessed_before;
                self.table
                    .depart_back_while(&mut |s: &Session| s.last_access < before)
            }
            Scan::Back => self.table.depart_back_while(&mut over(expiry)),
            // In last-access order, with idle expiry only, the expired are the back run: the
            // rest of a whole scan would find nothing, so it is counted, not walked.
            Scan::Whole if !expiry.has_absolute() && self.table.is_ordered() => {
                let stored = self.table.len() as u64;
                let before = expiry.accessed_before;
                let mut d = self
                    .table
                    .depart_back_while(&mut |s: &Session| s.last_access < before);
                d.scanned = stored;
                d
            }
            Scan::Whole => self.table.depart_all_where(over(expiry)),
        };
        Ok(self.sweep_of(d))
    }

    fn sample(&mut self, expiry: Expiry, cycle: Cycle) -> Result<Sweep> {
        let rounds = Rounds {
            per_round: cycle.per_round,
            stale_percent: cycle.stale_percent,
            max_examined: cycle.max_examined,
        };
        let draws = cycle.draws;
        // Kept already under sampling; made here otherwise, so that sampling never lacks it.
        self.table.keep_pool(true);
        let d = self
            .table
            .sample(rounds, |k, len| draws.below(k, len), over(expiry));
        Ok(self.sweep_of(d))
    }

    fn keep_pool(&mut self, on: bool) -> Result<()> {
        self.table.keep_pool(on);
        Ok(())
    }

    fn swept(
        &self,
        mark: Mark,
        newest_first: bool,
        f: &mut dyn FnMut(&str, Time, Time) -> ControlFlow<()>,
    ) -> Result<()> {
        // A sweep that took nothing, or one from before the last release, lends nothing.
        let Some((oldest, newest)) = mark.run(self.epoch) else {
            return Ok(());
        };
        let (Ok(oldest), Ok(newest)) = (u32::try_from(oldest), u32::try_from(newest)) else {
            return Ok(());
        };
        for s in self.table.departed_run(oldest, newest, newest_first) {
            if f(s.id(), s.last_access, s.created).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn release(&mut self) -> Result<()> {
        self.table.release_departed();
        self.epoch += 1;
        Ok(())
    }

    fn back(&self) -> Result<Option<Time>> {
        Ok(self.table.back().map(|s| self.table.get(s).last_access))
    }

    fn oldest(&self, created: bool) -> Result<Option<Oldest>> {
        Ok(self
            .table
            .oldest(created)
            .map(|(last_access, created)| Oldest {
                last_access,
                created,
            }))
    }

    /// In last-access order, with no absolute lifetime, the sessions over are the ones at
    /// the back, counted on from the last count. Otherwise every session is looked at.
    fn count_over(&self, expiry: Expiry) -> Result<usize> {
        if self.table.is_ordered() && !expiry.has_absolute() {
            return Ok(self.table.count_accessed_before(expiry.accessed_before));
        }
        let over = over(expiry);
        Ok(self
            .table
            .slots(End::Back)
            .filter(|&s| over(self.table.get(s)))
            .count())
    }

    fn session(&self, id: &str) -> Result<Option<Snapshot>> {
        Ok(self.table.find(id).map(|slot| self.view(slot).into()))
    }

    fn walk(&self, from: End, f: &mut dyn FnMut(View<'_>) -> ControlFlow<()>) -> Result<()> {
        for slot in self.table.slots(from) {
            if f(self.view(slot)).is_break() {
                break;
            }
        }
        Ok(())
    }

    fn check(&self) -> std::result::Result<(), String> {
        self.table.check()
    }
}
