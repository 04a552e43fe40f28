//! What a command returns: typed data, turned into text or JSON by the renderers.

use std::time::Duration;

use serde::{Serialize, Serializer};

use super::setting::{Setting, on_off};
use crate::basics::time::{Span, Time};
use crate::manager::{Event, MaxAge, QuietRuns, ReadOutcome, RunReport, Stats};
use crate::rules::Defects;
use crate::web::{Kept, Request, Response};

/// Serializes a duration in sessim's span format, as `1h30m`.
pub fn span<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(&Span(*d))
}

fn span_opt<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
    match d {
        Some(d) => span(d, s),
        None => s.serialize_none(),
    }
}

/// One session as listings show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionRow {
    pub id: String,
    pub last_access: Time,
    #[serde(serialize_with = "span")]
    pub idle: Duration,
    /// When it expires if left alone: right after this instant (idle longer than
    /// max-lifetime); with B8, at this whole second.
    pub expires: Time,
    pub expired: bool,
    pub keys: usize,
}

/// One session with its values, for `show`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionDetail {
    #[serde(flatten)]
    pub row: SessionRow,
    pub values: Vec<KeyValue>,
}

/// One stored pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

/// The first rows of the sessions, front to back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listing {
    pub rows: Vec<SessionRow>,
    /// How many sessions there are in all.
    pub total: usize,
}

/// The bars of `timeline`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Timeline {
    pub now: Time,
    #[serde(serialize_with = "span")]
    pub max_lifetime: Duration,
    pub next_gc: Option<Time>,
    /// The GC strategy, and whether it sweeps by itself.
    pub gc: crate::gc::Kind,
    pub auto_gc: bool,
    #[serde(flatten)]
    pub listing: Listing,
}

/// The settings, for `config`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConfigView {
    pub provider: &'static str,
    pub defects: Defects,
    pub cookie_name: String,
    #[serde(skip)]
    pub cookie_max_age: MaxAge,
    /// The `Max-Age` sent, in seconds; `None` for none.
    #[serde(rename = "cookie_max_age")]
    pub cookie_max_age_secs: Option<u64>,
    pub cookie_httponly: bool,
    #[serde(serialize_with = "span_opt")]
    pub rotate_after: Option<Duration>,
    #[serde(serialize_with = "span")]
    pub max_lifetime: Duration,
    #[serde(serialize_with = "span_opt")]
    pub gc_interval: Option<Duration>,
    #[serde(serialize_with = "span")]
    pub gc_interval_in_force: Duration,
    pub auto_gc: bool,
    pub gc: crate::gc::Kind,
    pub gc_probability: u32,
    pub gc_divisor: u32,
    pub gc_hz: u32,
    #[serde(serialize_with = "span_opt")]
    pub absolute_lifetime: Option<Duration>,
    pub next_gc: Option<Time>,
    pub capacity: Option<usize>,
    pub clock: &'static str,
    pub seed: Option<u64>,
    pub log_capacity: usize,
}

impl ConfigView {
    /// A setting's value as `config` prints it.
    pub fn value(&self, setting: Setting) -> String {
        let or_none = |v: Option<String>, none: &str| v.unwrap_or_else(|| none.to_owned());
        match setting {
            Setting::Provider => self.provider.to_owned(),
            Setting::Defects => self.defects.to_string(),
            Setting::CookieName => self.cookie_name.clone(),
            Setting::CookieMaxAge => {
                let sent = || match self.cookie_max_age_secs {
                    Some(secs) => Span(Duration::from_secs(secs)).to_string(),
                    None => "none".to_owned(),
                };
                match self.cookie_max_age {
                    MaxAge::Lifetime => format!("auto ({})", sent()),
                    MaxAge::Fixed(_) => sent(),
                    MaxAge::Session => "session".to_owned(),
                }
            }
            Setting::CookieHttponly => on_off(self.cookie_httponly).to_owned(),
            Setting::RotateAfter => or_none(self.rotate_after.map(|d| Span(d).to_string()), "off"),
            Setting::MaxLifetime => Span(self.max_lifetime).to_string(),
            Setting::GcInterval => match self.gc_interval {
                Some(d) => Span(d).to_string(),
                None => format!("auto ({})", Span(self.gc_interval_in_force)),
            },
            Setting::AutoGc => on_off(self.auto_gc).to_owned(),
            Setting::Gc => self.gc.name().to_owned(),
            Setting::AbsoluteLifetime => {
                or_none(self.absolute_lifetime.map(|d| Span(d).to_string()), "off")
            }
            Setting::GcProbability => self.gc_probability.to_string(),
            Setting::GcDivisor => self.gc_divisor.to_string(),
            Setting::GcHz => self.gc_hz.to_string(),
            Setting::NextGc => or_none(self.next_gc.map(|t| t.to_string()), "-"),
            Setting::Capacity => or_none(self.capacity.map(|c| c.to_string()), "none"),
            Setting::Clock => self.clock.to_owned(),
            Setting::Seed => or_none(self.seed.map(|s| s.to_string()), "none (OS CSPRNG)"),
            Setting::LogCapacity => self.log_capacity.to_string(),
        }
    }
}

/// The counts, for `stats`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsView {
    pub stored: usize,
    pub live: usize,
    pub expired_held: usize,
    /// The GC strategy, whose costs the totals count.
    #[serde(rename = "gc")]
    pub strategy: crate::gc::Kind,
    #[serde(flatten)]
    pub totals: Stats,
    pub log_kept: usize,
    pub log_dropped: u64,
}

/// Events from the log, for `log`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogView {
    pub id: Option<String>,
    pub client: Option<String>,
    #[serde(rename = "entries")]
    pub events: Vec<Event>,
    /// How many kept events matched, of which `events` are the latest.
    pub matched: usize,
    /// Whether the bounded log has forgotten older events.
    pub older_forgotten: bool,
}

/// A client's request and the answer, for `visit`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Visit {
    pub client: String,
    pub request: Request,
    pub response: Response,
    /// The session the page used in the end, if any.
    pub session: Option<String>,
}

/// A client and the cookies it would send, for `clients`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClientRow {
    pub client: String,
    pub cookies: Vec<Kept>,
}

/// What `cookie` did to a client's session cookie.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "did", content = "cookie", rename_all = "lowercase")]
pub enum CookieChange {
    /// Shown: the cookie held, if any.
    Shown(Option<Kept>),
    /// Planted: the client now holds this cookie.
    Planted(Kept),
    /// Cleared: whether there was one.
    Cleared(bool),
}

/// The result of one command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reply", rename_all = "snake_case")]
pub enum Reply {
    Created {
        id: String,
    },
    Read {
        outcome: ReadOutcome,
        session: SessionRow,
    },
    Stored,
    Value {
        value: Option<String>,
    },
    Deleted {
        existed: bool,
    },
    Counter {
        value: i64,
    },
    Touched,
    Destroyed {
        id: String,
    },
    Show(SessionDetail),
    List(Listing),
    Lru(Listing),
    Timeline(Timeline),
    Gc(RunReport),
    Clock {
        now: Time,
    },
    Config(ConfigView),
    Setting {
        name: &'static str,
        value: String,
        /// What the new value means that the user may not expect.
        #[serde(skip_serializing_if = "Option::is_none")]
        note: Option<String>,
    },
    Visit(Visit),
    Clients {
        clients: Vec<ClientRow>,
    },
    Cookie {
        client: String,
        name: String,
        #[serde(flatten)]
        change: CookieChange,
    },
    Copied {
        from: String,
        to: String,
        cookie: Kept,
    },
    DocumentCookie {
        client: String,
        value: String,
    },
    Regenerated {
        from: String,
        to: String,
    },
    Stats(StatsView),
    Log(LogView),
    Compare(Box<CompareView>),
    Help {
        text: String,
    },
    /// Plain text, for commands that only say something.
    Text {
        text: String,
    },
    Reset(Summary),
    /// A script to run here, line by line (the front end's step runs it).
    Source {
        path: String,
        #[serde(skip)]
        text: String,
    },
    Clear,
    Quit,
}

/// What a simulation is, in one line: for the banner and `reset`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub provider: &'static str,
    pub defects: Defects,
    #[serde(serialize_with = "span")]
    pub max_lifetime: Duration,
    #[serde(serialize_with = "span_opt", skip_serializing_if = "Option::is_none")]
    pub absolute_lifetime: Option<Duration>,
    pub gc: crate::gc::Kind,
    pub auto_gc: bool,
    pub now: Time,
}

/// A reply with the events that happened on the way (timer runs, evictions, revivals).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The command's name.
    pub command: &'static str,
    #[serde(flatten)]
    pub reply: Reply,
    /// Timer runs that reaped, fired by this command.
    pub runs: Vec<RunReport>,
    /// Timer runs fired by this command that had nothing to reap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quiet_runs: Option<QuietRuns>,
    /// Every event this command caused, in order.
    pub events: Vec<Event>,
}

/// What `compare` found, and the files it wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompareView {
    #[serde(serialize_with = "span")]
    pub duration: Duration,
    /// Visitors an hour.
    pub rate: f64,
    pub seed: u64,
    /// The settings the strategies ran under, in a few words.
    pub settings: String,
    #[serde(flatten)]
    pub comparison: crate::compare::Comparison,
    pub wrote: Vec<String>,
}

// The rate is a finite number, never NaN, so equality is total.
impl Eq for CompareView {}
