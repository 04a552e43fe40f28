//! The `memory` flavour: the book's provider with B1, B5, B7 and B8 fixed.
//!
//! New sessions go to the front, so the list stays ordered by last access and GC from the
//! back reaps exactly the expired sessions. Unknown ids are refused, an expired session is
//! removed when touched, and expiry is exact: `now - last_access > max_lifetime`.

use std::time::Duration;

use super::{
    Ctx, End, Flavour, GcReport, Provider, ReadOutcome, Session, SessionTable, create, find,
    gc_back, remove_slot,
};
use crate::event::{EventKind, Events, Reason};
use crate::time::Time;
use crate::{Error, Result};

/// The fixed provider.
#[derive(Debug, Clone, Default)]
pub struct MemoryProvider {
    table: SessionTable,
}

impl MemoryProvider {
    /// Finds `sid`; if it has expired, removes it and fails (lazy expiry).
    fn live(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<u32> {
        let slot = find(&self.table, sid)?;
        if self.is_expired(self.table.get(slot), cx) {
            remove_slot(&mut self.table, slot, Reason::Expired, cx.now, ev);
            return Err(Error::Expired(sid.to_owned()));
        }
        Ok(slot)
    }
}

/// Exact expiry: idle for longer than max-lifetime.
fn expired(session: &Session, cx: Ctx) -> bool {
    cx.now.nanos_since(session.last_access()) > cx.max_lifetime.as_nanos() as i128
}

impl Provider for MemoryProvider {
    fn flavour(&self) -> Flavour {
        Flavour::Memory
    }

    fn table(&self) -> &SessionTable {
        &self.table
    }

    fn table_mut(&mut self) -> &mut SessionTable {
        &mut self.table
    }

    fn deadline(&self, session: &Session, max_lifetime: Duration) -> Time {
        session
            .last_access()
            .checked_add(max_lifetime)
            .unwrap_or(Time::MAX)
    }

    fn is_expired(&self, session: &Session, cx: Ctx) -> bool {
        expired(session, cx)
    }

    fn gc(&mut self, cx: Ctx) -> GcReport {
        gc_back(&mut self.table, expired, cx)
    }

    fn first_expired_at(&self, session: &Session, max_lifetime: Duration) -> Option<Time> {
        self.deadline(session, max_lifetime)
            .checked_add(Duration::from_nanos(1))
    }

    fn init(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<()> {
        create(
            &mut self.table,
            sid,
            End::Front,
            EventKind::Created,
            cx.now,
            ev,
        )
    }

    fn read(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<ReadOutcome> {
        let slot = self.live(sid, cx, ev)?;
        self.table.prefetch_touch(slot);
        Ok(ReadOutcome::Found)
    }

    fn enter(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<u32> {
        self.live(sid, cx, ev)
    }

    /// The list is ordered by last access, so the expired sessions are the ones at the back:
    /// counting stops at the first live one, at a cost in proportion to the expired count.
    fn expired_count(&self, cx: Ctx) -> usize {
        self.table
            .iter_back()
            .take_while(|s| self.is_expired(s, cx))
            .count()
    }

    fn check_invariants(&self) -> std::result::Result<(), String> {
        self.table.check_index()?;
        let mut newer: Option<&Session> = None;
        for s in self.table.iter() {
            if let Some(n) = newer
                && n.last_access() < s.last_access()
            {
                return Err(format!(
                    "list out of order: `{}` ({}) is in front of `{}` ({})",
                    n.id(),
                    n.last_access(),
                    s.id(),
                    s.last_access()
                ));
            }
            newer = Some(s);
        }
        Ok(())
    }
}
