//! The `book` flavour: the provider of §6.3 as written, defects included.
//!
//! - B1: `SessionInit` uses `PushBack`, so a new untouched session sits where GC starts.
//! - B5: `SessionRead` adopts an unknown id by calling `SessionInit` with it.
//! - B7: nothing checks expiry on access, so touching an expired session revives it.
//! - B8: expiry is `timeAccessed.Unix() + maxlifetime < now.Unix()`, in whole seconds, with
//!   `maxlifetime` an integer count of seconds.

use std::time::Duration;

use super::{
    Ctx, End, Flavour, GcReport, Provider, ReadOutcome, Session, SessionTable, create, find,
    gc_back,
};
use crate::Result;
use crate::event::{EventKind, Events};
use crate::time::Time;

/// The book's provider.
#[derive(Debug, Clone, Default)]
pub struct BookProvider {
    table: SessionTable,
}

/// The book's `maxlifetime int64`: whole seconds.
fn lifetime_secs(max_lifetime: Duration) -> i64 {
    i64::try_from(max_lifetime.as_secs()).unwrap_or(i64::MAX)
}

/// B8: `timeAccessed.Unix() + maxlifetime < now.Unix()`, in whole seconds.
fn expired(session: &Session, cx: Ctx) -> bool {
    i128::from(session.last_access().unix_secs()) + i128::from(lifetime_secs(cx.max_lifetime))
        < i128::from(cx.now.unix_secs())
}

impl Provider for BookProvider {
    fn flavour(&self) -> Flavour {
        Flavour::Book
    }

    fn table(&self) -> &SessionTable {
        &self.table
    }

    fn table_mut(&mut self) -> &mut SessionTable {
        &mut self.table
    }

    /// `timeAccessed.Unix() + maxlifetime`, as an instant.
    fn deadline(&self, session: &Session, max_lifetime: Duration) -> Time {
        session
            .last_access()
            .unix_secs()
            .checked_add(lifetime_secs(max_lifetime))
            .and_then(|s| s.checked_mul(1_000_000_000))
            .map_or(Time::MAX, Time::from_unix_nanos)
    }

    fn is_expired(&self, session: &Session, cx: Ctx) -> bool {
        expired(session, cx)
    }

    fn gc(&mut self, cx: Ctx) -> GcReport {
        gc_back(&mut self.table, expired, cx)
    }

    fn first_expired_at(&self, session: &Session, max_lifetime: Duration) -> Option<Time> {
        let secs = session
            .last_access()
            .unix_secs()
            .checked_add(lifetime_secs(max_lifetime))?
            .checked_add(1)?;
        secs.checked_mul(1_000_000_000).map(Time::from_unix_nanos)
    }

    fn init(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<()> {
        create(
            &mut self.table,
            sid,
            End::Back,
            EventKind::Created,
            cx.now,
            ev,
        )
    }

    fn read(&mut self, sid: &str, cx: Ctx, ev: &mut Events) -> Result<ReadOutcome> {
        if let Some(slot) = self.table.find(sid) {
            self.table.prefetch_touch(slot);
            return Ok(ReadOutcome::Found);
        }
        create(
            &mut self.table,
            sid,
            End::Back,
            EventKind::Adopted,
            cx.now,
            ev,
        )?;
        Ok(ReadOutcome::Adopted)
    }

    fn enter(&mut self, sid: &str, _cx: Ctx, _ev: &mut Events) -> Result<u32> {
        find(&self.table, sid)
    }
}
