//! The book's session calls, as manager operations: `SessionInit`, `SessionRead`, the
//! store's `Set`, `Get`, `Delete`, the `countnum` counter, `SessionUpdate` and
//! `SessionDestroy`. Each is one call of the store, whose answer becomes events.

use compact_str::CompactString;

use super::{Activity, Event, EventKind, Extra, Manager, ReadOutcome, Reason, removed};
use crate::basics::time::Time;
use crate::store::{
    Access, Answer, Expiry, Gone, Limit, Op, Placement, Read, Renamed, Store, Value,
};
use crate::{Error, Result};

impl<S: Store> Manager<S> {
    /// `SessionInit`: creates a session with `id`, or with a generated id, after evicting
    /// the least recently used sessions if the store is at capacity. Returns the id. Once
    /// it is stored, the session has started: PHP's coin is tossed.
    pub fn create(&mut self, id: Option<&str>, now: Time) -> Result<CompactString> {
        self.operation(now, |m| {
            let placement = m.placement();
            let id = loop {
                let candidate: CompactString = match id {
                    Some(id) => {
                        check_id(id)?;
                        id.into()
                    }
                    None => m.draw_id()?.into(),
                };
                match m.store.create(&candidate, now, placement, &mut m.evicted) {
                    // A generated id that is taken is drawn again.
                    Err(Error::SessionExists(_)) if id.is_none() => continue,
                    result => {
                        result?;
                        break candidate;
                    }
                }
            };
            m.push_evicted(now);
            m.push(now, &id, now, EventKind::Created);
            m.session_started(now, &id)?;
            Ok(id)
        })
    }

    /// `SessionRead`. With B5, an unknown id is adopted, making room first if needed. Once
    /// it is found or adopted, the session has started: PHP's coin is tossed.
    pub fn read(&mut self, id: &str, now: Time) -> Result<ReadOutcome> {
        self.operation(now, |m| {
            let (expiry, adopt) = m.read_terms(id, now)?;
            let read = m.store.read(id, now, expiry, adopt, &mut m.evicted)?;
            m.on_read(id, now, read)
        })
    }

    /// `SessionRead`, then the activity `op` on the session it found or adopted: a
    /// request's first two calls, as [`Manager::read`] and then the call `op` names would
    /// make them, two operations at `now`. On a remote store, when nothing can happen
    /// between them (no GC is due, and no strategy acts on a session start), the store
    /// makes them one call.
    pub fn read_then(&mut self, id: &str, op: Op<'_>, now: Time) -> Result<(ReadOutcome, Answer)> {
        let activity = Activity::of(op);
        if !self.store.remote() {
            let outcome = self.read(id, now)?;
            return Ok((outcome, self.access(id, op, activity, now)?));
        }
        let mut access = None;
        let outcome = self.operation(now, |m| {
            let (expiry, adopt) = m.read_terms(id, now)?;
            let quiet = !m.gc_watches_starts && m.gc_due.is_none_or(|t| t > now);
            let read = if quiet {
                let (read, then) = m
                    .store
                    .read_then(id, now, expiry, adopt, &mut m.evicted, op)?;
                access = then;
                read
            } else {
                m.store.read(id, now, expiry, adopt, &mut m.evicted)?
            };
            m.on_read(id, now, read)
        })?;
        let answer = match access {
            Some(access) => self.operation(now, |m| m.on_access(id, activity, now, access?))?,
            None => self.access(id, op, activity, now)?,
        };
        Ok((outcome, answer))
    }

    /// What a read at `now` goes by: the expiry, and where an unknown id is adopted (B5).
    fn read_terms(&self, id: &str, now: Time) -> Result<(Expiry, Option<Placement>)> {
        let rules = self.rules();
        let adopt = if rules.adopts() {
            check_id(id)?;
            Some(self.placement())
        } else {
            None
        };
        Ok((rules.expiry(now), adopt))
    }

    /// Turns what a read did into events, and tosses PHP's coin.
    fn on_read(&mut self, id: &str, now: Time, read: Read) -> Result<ReadOutcome> {
        match read {
            Read::Found => {
                self.session_started(now, id)?;
                Ok(ReadOutcome::Found)
            }
            Read::Adopted => {
                self.push_evicted(now);
                self.push(now, id, now, EventKind::Adopted);
                self.session_started(now, id)?;
                Ok(ReadOutcome::Adopted)
            }
            Read::Expired(gone) => Err(self.lazily_expired(now, gone)),
        }
    }

    /// The store's `Set`.
    pub fn set(&mut self, id: &str, key: &str, value: &str, now: Time) -> Result<()> {
        self.access(id, Op::Set(key, value), Activity::Set, now)
            .map(drop)
    }

    /// The store's `Get`: the value, or `None` for the book's `nil`.
    pub fn get(&mut self, id: &str, key: &str, now: Time) -> Result<Option<Value>> {
        match self.access(id, Op::Get(key), Activity::Get, now)? {
            Answer::Value(value) => Ok(value),
            other => Err(mismatch("get", &other)),
        }
    }

    /// The store's `Delete`: whether the key was there.
    pub fn delete(&mut self, id: &str, key: &str, now: Time) -> Result<bool> {
        match self.access(id, Op::Del(key), Activity::Del, now)? {
            Answer::Deleted(existed) => Ok(existed),
            other => Err(mismatch("del", &other)),
        }
    }

    /// The `countnum` counter: adds `by`, returns the new value.
    pub fn incr(&mut self, id: &str, key: &str, by: i64, now: Time) -> Result<i64> {
        match self.access(id, Op::Incr(key, by), Activity::Incr, now)? {
            Answer::Counter(n) => Ok(n),
            other => Err(mismatch("incr", &other)),
        }
    }

    /// `SessionUpdate`.
    pub fn touch(&mut self, id: &str, now: Time) -> Result<()> {
        self.access(id, Op::Touch, Activity::Touch, now).map(drop)
    }

    /// Gives session `id` a new generated id, its data, times and place kept, and the old
    /// id gone. Returns the new id. An expired session is removed instead (lazy expiry),
    /// unless B7 is on.
    pub fn regenerate(&mut self, id: &str, now: Time) -> Result<CompactString> {
        self.operation(now, |m| {
            let expiry = m.rules().expiry(now);
            loop {
                let to: CompactString = m.draw_id()?.into();
                match m.store.rename(id, &to, expiry) {
                    // A generated id that is taken is drawn again.
                    Err(Error::SessionExists(_)) => continue,
                    Err(e) => return Err(e),
                    Ok(Renamed::Expired(gone)) => return Err(m.lazily_expired(now, gone)),
                    Ok(Renamed::Done { last_access }) => {
                        let mut event = Event::new(now, id, last_access, EventKind::Regenerated);
                        event.extra = m.extra(Some(to.clone()));
                        m.log.sink().push(event);
                        return Ok(to);
                    }
                }
            }
        })
    }

    /// `SessionDestroy`.
    pub fn destroy(&mut self, id: &str, now: Time) -> Result<()> {
        self.operation(now, |m| {
            let gone = m.store.destroy(id)?;
            m.left(now, &gone);
            m.push(now, &gone.id, gone.last_access, removed(Reason::Destroyed));
            Ok(())
        })
    }

    /// A generated id. Processes sharing a store and a seed take the seeded sequence's ids
    /// in turn, as one process would draw them.
    fn draw_id(&mut self) -> Result<String> {
        if self.ids.is_seeded()
            && let Some(n) = self.store.next_id_number()?
        {
            return self.ids.nth_id(n);
        }
        self.ids.next_id()
    }

    fn placement(&self) -> Placement {
        Placement {
            end: self.rules().new_session_end(),
            capacity: self.config.capacity,
        }
    }

    /// An activity: one store call that checks expiry, applies `op` and touches.
    fn access(&mut self, id: &str, op: Op<'_>, activity: Activity, now: Time) -> Result<Answer> {
        self.operation(now, |m| {
            let access = m.store.access(id, op, now, m.rules().expiry(now))?;
            m.on_access(id, activity, now, access)
        })
    }

    /// Turns what an access did into events.
    fn on_access(
        &mut self,
        id: &str,
        activity: Activity,
        now: Time,
        access: Access,
    ) -> Result<Answer> {
        match access {
            Access::Applied {
                before,
                created,
                expired,
                answer,
            } => {
                // B7 applied the access: idle too long, the session lives again; too
                // old, it stays expired, and only GC can take it.
                let kind = if expired && self.rules().is_expired(before, now) {
                    EventKind::Revived(activity)
                } else {
                    EventKind::Accessed(activity)
                };
                if expired && !self.rules().expiry(now).is_over(now, created) {
                    self.over_left += 1;
                }
                self.push(now, id, before, kind);
                Ok(answer)
            }
            Access::Expired(gone) => Err(self.lazily_expired(now, gone)),
        }
    }

    /// Logs a removal by lazy expiry, and returns the error the access fails with.
    fn lazily_expired(&mut self, now: Time, gone: Gone) -> Error {
        self.left(now, &gone);
        let limit = self
            .rules()
            .expiry(now)
            .limit(gone.last_access, gone.created);
        if limit == Some(Limit::Absolute) {
            self.push(now, &gone.id, gone.last_access, removed(Reason::Lifetime));
            let lifetime = self.config.absolute_lifetime.unwrap_or_default();
            return Error::LifetimeOver {
                id: gone.id.into(),
                lifetime: crate::basics::time::Span(lifetime).to_string(),
            };
        }
        self.push(now, &gone.id, gone.last_access, removed(Reason::Expired));
        Error::Expired(gone.id.into())
    }

    /// Logs an event of the current operation, naming its client if it has one.
    fn push(&mut self, at: Time, id: &str, last_access: Time, kind: EventKind) {
        let mut event = Event::new(at, id, last_access, kind);
        event.extra = self.extra(None);
        self.log.sink().push(event);
    }

    /// What an event of the current operation carries beyond the common fields: its
    /// client, and `new_id`; `None` when neither is there, as for every store command.
    pub(super) fn extra(&self, new_id: Option<CompactString>) -> Option<Box<Extra>> {
        if self.client.is_none() && new_id.is_none() {
            return None;
        }
        Some(Box::new(Extra {
            client: self.client.clone(),
            new_id,
        }))
    }

    fn push_evicted(&mut self, now: Time) {
        if self.evicted.is_empty() {
            return;
        }
        // Taken out and put back, so that its buffer is reused.
        let mut evicted = std::mem::take(&mut self.evicted);
        for gone in evicted.drain(..) {
            self.left(now, &gone);
            self.push(now, &gone.id, gone.last_access, removed(Reason::Evicted));
        }
        self.evicted = evicted;
    }
}

/// Refuses an id no cookie could carry: empty, or holding whitespace.
pub fn check_id(sid: &str) -> Result<()> {
    if sid.is_empty() {
        return Err(Error::Empty("a session id"));
    }
    // Ids are nearly always ASCII, whose whitespace is these six bytes.
    let spaced = if sid.is_ascii() {
        sid.bytes().any(|b| matches!(b, b'\t'..=b'\r' | b' '))
    } else {
        sid.contains(char::is_whitespace)
    };
    if spaced {
        return Err(Error::Invalid(format!(
            "session id `{sid}` holds whitespace; an id is one word, as a cookie value is"
        )));
    }
    Ok(())
}

/// The error for a store that answered an op with another op's answer.
fn mismatch(op: &str, answer: &Answer) -> Error {
    Error::Store(format!("the store answered `{op}` with {answer:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_refused_for_exactly_the_whitespace_rust_knows() {
        let ascii = (0u8..128).map(char::from);
        let unicode = ['\u{85}', '\u{a0}', '\u{2003}', '\u{3000}', 'é', '名'];
        for c in ascii.chain(unicode) {
            for id in [format!("a{c}b"), c.to_string()] {
                assert_eq!(check_id(&id).is_err(), c.is_whitespace(), "{c:?} in {id:?}");
            }
        }
        assert!(check_id("").is_err());
    }
}
