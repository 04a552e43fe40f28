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
    /// Outlived the absolute lifetime, while in use: removed by a GC run, or on access.
    Lifetime,
}

impl Reason {
    /// Every reason, in the order tables list them.
    pub const ALL: [Reason; 5] = [
        Reason::Gc,
        Reason::Expired,
        Reason::Evicted,
        Reason::Destroyed,
        Reason::Lifetime,
    ];

    /// The lowercase name used in tables and JSON.
    pub fn name(self) -> &'static str {
        match self {
            Reason::Gc => "gc",
            Reason::Expired => "expired",
            Reason::Evicted => "evicted",
            Reason::Destroyed => "destroyed",
            Reason::Lifetime => "lifetime",
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
    /// The activity an op is.
    pub fn of(op: crate::store::Op<'_>) -> Activity {
        use crate::store::Op;
        match op {
            Op::Touch => Activity::Touch,
            Op::Get(_) => Activity::Get,
            Op::Set(..) => Activity::Set,
            Op::Del(_) => Activity::Del,
            Op::Incr(..) => Activity::Incr,
        }
    }

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
    /// Given a new id, its data kept (the book's rotation and login, fixed); the event is
    /// filed under the old id and names the new one.
    Regenerated,
    /// Removed from the store.
    Removed(Reason),
}

impl EventKind {
    /// The kind as one word, as a shared log keeps it: `created`, `accessed:get`,
    /// `removed:gc`...
    pub fn code(self) -> String {
        match self {
            EventKind::Created => "created".into(),
            EventKind::Adopted => "adopted".into(),
            EventKind::Regenerated => "regenerated".into(),
            EventKind::Accessed(a) => format!("accessed:{}", a.name()),
            EventKind::Revived(a) => format!("revived:{}", a.name()),
            EventKind::Removed(r) => format!("removed:{}", r.name()),
        }
    }

    /// The kind a [`EventKind::code`] names.
    pub fn from_code(code: &str) -> Option<EventKind> {
        const ACTIVITIES: [Activity; 5] = [
            Activity::Set,
            Activity::Get,
            Activity::Del,
            Activity::Incr,
            Activity::Touch,
        ];
        let activity = |name: &str| ACTIVITIES.into_iter().find(|a| a.name() == name);
        match code.split_once(':') {
            None => match code {
                "created" => Some(EventKind::Created),
                "adopted" => Some(EventKind::Adopted),
                "regenerated" => Some(EventKind::Regenerated),
                _ => None,
            },
            Some(("accessed", a)) => activity(a).map(EventKind::Accessed),
            Some(("revived", a)) => activity(a).map(EventKind::Revived),
            Some(("removed", r)) => Reason::ALL
                .into_iter()
                .find(|x| x.name() == r)
                .map(EventKind::Removed),
            Some(_) => None,
        }
    }
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
    /// Who caused it, and the new id of a regenerated session: rare, so kept apart.
    #[serde(flatten)]
    pub extra: Option<Box<Extra>>,
}

/// What few events carry: the client whose request caused them, and a new id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Extra {
    /// The simulated browser whose request caused the event.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client: Option<CompactString>,
    /// The id a regenerated session now has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_id: Option<CompactString>,
}

impl Event {
    /// An event caused by no client.
    pub fn new(at: Time, id: &str, last_access: Time, kind: EventKind) -> Event {
        Event {
            at,
            id: id.into(),
            last_access,
            kind,
            extra: None,
        }
    }

    /// The client whose request caused it, if any.
    pub fn client(&self) -> Option<&str> {
        self.extra.as_ref()?.client.as_deref()
    }

    /// The new id of a regenerated session.
    pub fn new_id(&self) -> Option<&str> {
        self.extra.as_ref()?.new_id.as_deref()
    }

    /// Whether it happened to session `id`: under that id, or as the id it was given.
    pub fn concerns(&self, id: &str) -> bool {
        self.id == id || self.new_id() == Some(id)
    }
}
