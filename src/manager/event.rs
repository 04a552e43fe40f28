//! What happens to sessions, as events: created, accessed, revived, removed and why.

use compact_str::CompactString;
use serde::Serialize;

use crate::basics::time::Time;

/// Why a session left the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Reason {
    /// Expired and collected by a GC run.
    Gc,
    /// Found expired on access and removed then (lazy expiry: B7 fixed).
    Expired,
    /// The least recently used session, removed to make room under `capacity`.
    Evicted,
    /// Removed by `destroy`.
    Destroyed,
}

impl Reason {
    /// Every reason, in the order tables list them.
    pub const ALL: [Reason; 4] = [
        Reason::Gc,
        Reason::Expired,
        Reason::Evicted,
        Reason::Destroyed,
    ];

    /// The lowercase name used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Gc => "gc",
            Reason::Expired => "expired",
            Reason::Evicted => "evicted",
            Reason::Destroyed => "destroyed",
        }
    }
}

/// An activity: something that counts as use of a session and moves it to the front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    /// The store's `Set`.
    Set,
    /// The store's `Get`.
    Get,
    /// The store's `Delete`.
    Del,
    /// The `countnum` counter.
    Incr,
    /// `SessionUpdate`.
    Touch,
}

impl Activity {
    /// The command name of the activity.
    pub fn name(self) -> &'static str {
        match self {
            Activity::Set => "set",
            Activity::Get => "get",
            Activity::Del => "del",
            Activity::Incr => "incr",
            Activity::Touch => "touch",
        }
    }
}

/// What happened to a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "event", content = "detail", rename_all = "lowercase")]
pub enum EventKind {
    /// Stored by `new` (`SessionInit`).
    Created,
    /// Stored by `read` of an unknown id (B5).
    Adopted,
    /// Used by an activity while live.
    Accessed(Activity),
    /// Used by an activity while expired, and so brought back to life (B7).
    Revived(Activity),
    /// Removed from the store.
    Removed(Reason),
}

/// One thing that happened to one session at one instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    /// When it happened, on the simulated clock.
    pub at: Time,
    /// The session it happened to.
    pub id: CompactString,
    /// The session's last access just before the event (for a creation, `at`).
    pub last_access: Time,
    /// What happened.
    #[serde(flatten)]
    pub kind: EventKind,
}
