//! The one place a command is executed: `execute(line)` for the REPL, scripts, transcripts
//! and recording alike. It owns the clock and the manager, and returns typed results.

use crate::clock::Clock;
use crate::command::{self, Command, Limit, Setting};
use crate::help;
use crate::manager::{Manager, capacity_error};
use crate::options::{ClockKind, Options};
use crate::provider::{Ctx, Flavour, Session};
use crate::reply::{
    ConfigView, KeyValue, Listing, LogView, Outcome, Reply, RunView, SessionDetail, SessionRow,
    StatsView, Timeline,
};
use crate::time::{Time, parse_duration};
use crate::{Error, Result};

/// How many rows `list`, `lru`, `timeline` and `log` show by default.
pub const DEFAULT_ROWS: usize = 20;

/// A simulated session store with its clock: the state behind a prompt or a script.
pub struct Shell {
    manager: Manager,
    clock: Clock,
    options: Options,
}

impl Shell {
    /// A new store, as the options say.
    pub fn new(options: Options) -> Result<Shell> {
        let clock = match options.clock {
            ClockKind::Virtual => Clock::Virtual(options.start),
            ClockKind::System => Clock::System,
        };
        let manager = Manager::new(
            options.config.clone(),
            options.flavour,
            options.id_generator(),
            clock.now(),
        )?;
        Ok(Shell {
            manager,
            clock,
            options,
        })
    }

    /// The options the shell started with (the settings in force are in the manager).
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The manager.
    pub fn manager(&self) -> &Manager {
        &self.manager
    }

    /// The current time.
    pub fn now(&self) -> Time {
        self.clock.now()
    }

    /// What the renderers need to know about the store.
    pub fn context(&self) -> crate::render::Context {
        let c = self.manager.config();
        crate::render::Context {
            flavour: self.manager.provider().flavour(),
            max_lifetime: c.max_lifetime,
            capacity: c.capacity,
        }
    }

    /// The ids of the stored sessions, front to back.
    pub fn session_ids(&self) -> impl Iterator<Item = &str> {
        self.manager.provider().table().iter().map(Session::id)
    }

    /// Executes one line. `Ok(None)` for a blank line or a comment. An error has changed
    /// nothing, except that lazy expiry removes the expired session it reports.
    pub fn execute(&mut self, line: &str) -> Result<Option<Outcome>> {
        match command::parse(line)? {
            None => Ok(None),
            Some(cmd) => self.run(cmd).map(Some),
        }
    }

    /// Executes one parsed command.
    pub fn run(&mut self, cmd: Command) -> Result<Outcome> {
        let name = command_name(&cmd);
        let ops = self.manager.operations();
        if !self.clock.is_virtual() && !is_manager_op(&cmd) {
            self.manager.advance_to(self.clock.now());
        }
        let reply = self.reply(cmd)?;
        let fresh = self.manager.operations() != ops;
        Ok(Outcome {
            command: name,
            reply,
            runs: if fresh {
                let m = &self.manager;
                m.runs()
                    .iter()
                    .filter(|r| r.auto)
                    .map(|r| RunView::new(m, r))
                    .collect()
            } else {
                Vec::new()
            },
            events: if fresh {
                self.manager.events()
            } else {
                Vec::new()
            },
        })
    }

    fn reply(&mut self, cmd: Command) -> Result<Reply> {
        let now = self.clock.now();
        let m = &mut self.manager;
        Ok(match cmd {
            Command::New(id) => Reply::Created {
                id: m.create(id.as_deref(), now)?.into(),
            },
            Command::Read(id) => {
                let outcome = m.read(&id, now)?;
                Reply::Read {
                    outcome,
                    session: self.row(self.find(&id)?),
                }
            }
            Command::Set { id, key, value } => {
                m.set(&id, &key, &value, now)?;
                Reply::Stored
            }
            Command::Get { id, key } => Reply::Value {
                value: m.get(&id, &key, now)?,
            },
            Command::Del { id, key } => Reply::Deleted {
                existed: m.delete(&id, &key, now)?,
            },
            Command::Incr { id, key, by } => Reply::Counter {
                value: m.incr(&id, &key, by, now)?,
            },
            Command::Touch(id) => {
                m.touch(&id, now)?;
                Reply::Touched
            }
            Command::Destroy(id) => {
                m.destroy(&id, now)?;
                Reply::Destroyed { id }
            }
            Command::Show(id) => {
                let session = self.find(&id)?;
                Reply::Show(SessionDetail {
                    row: self.row(session),
                    values: session
                        .values()
                        .iter()
                        .map(|(k, v)| KeyValue {
                            key: k.to_owned(),
                            value: v.to_owned(),
                        })
                        .collect(),
                })
            }
            Command::List(limit) => Reply::List(self.listing(limit)),
            Command::Lru(limit) => Reply::Lru(self.listing(limit)),
            Command::Timeline(limit) => Reply::Timeline(Timeline {
                now,
                max_lifetime: self.manager.config().max_lifetime,
                next_gc: self.manager.next_gc(),
                listing: self.listing(limit),
            }),
            Command::Gc(limit) => {
                let run = m.gc(now);
                Reply::Gc(RunView::first(m, &run, limit.rows(DEFAULT_ROWS)))
            }
            Command::AdvanceClock(d) => {
                let now = self.clock.advance(d)?;
                self.manager.advance_to(now);
                Reply::Clock { now }
            }
            Command::Clock => Reply::Clock { now },
            Command::Config { setting: None, .. } => Reply::Config(self.config_view()),
            Command::Config {
                setting: Some(setting),
                value,
            } => {
                if let Some(value) = value {
                    self.apply(setting, &value, now)?;
                }
                Reply::Setting {
                    name: setting.name(),
                    value: self.config_view().value(setting),
                }
            }
            Command::Stats => Reply::Stats(self.stats_view()),
            Command::Log { id, limit } => Reply::Log(self.log_view(id, limit)),
            Command::Help(topic) => Reply::Help {
                text: help_text(topic.as_deref())?,
            },
            Command::Quit => Reply::Quit,
        })
    }

    fn find(&self, id: &str) -> Result<&Session> {
        self.manager
            .provider()
            .peek(id)
            .ok_or_else(|| Error::NoSuchSession(id.to_owned()))
    }

    fn ctx(&self) -> Ctx {
        self.manager.ctx(self.clock.now())
    }

    fn row(&self, s: &Session) -> SessionRow {
        let cx = self.ctx();
        let p = self.manager.provider();
        SessionRow {
            id: s.id().to_owned(),
            last_access: s.last_access(),
            idle: cx.now.saturating_since(s.last_access()),
            expires: match p.flavour() {
                Flavour::Memory => p.deadline(s, cx.max_lifetime),
                Flavour::Book => p.first_expired_at(s, cx.max_lifetime).unwrap_or(Time::MAX),
            },
            expired: p.is_expired(s, cx),
            keys: s.values().len(),
        }
    }

    fn listing(&self, limit: Limit) -> Listing {
        let table = self.manager.provider().table();
        Listing {
            rows: table
                .iter()
                .take(limit.rows(DEFAULT_ROWS))
                .map(|s| self.row(s))
                .collect(),
            total: table.len(),
        }
    }

    fn config_view(&self) -> ConfigView {
        let c = self.manager.config();
        ConfigView {
            provider: self.manager.provider().flavour().name(),
            cookie_name: c.cookie_name.clone(),
            max_lifetime: c.max_lifetime,
            gc_interval: c.gc_interval,
            gc_interval_in_force: c.interval(),
            auto_gc: c.auto_gc,
            next_gc: self.manager.next_gc(),
            capacity: c.capacity,
            clock: if self.clock.is_virtual() {
                "virtual"
            } else {
                "system"
            },
            seed: self.options.seed,
            log_capacity: self.manager.log().capacity(),
        }
    }

    fn apply(&mut self, setting: Setting, value: &str, now: Time) -> Result<()> {
        let m = &mut self.manager;
        match setting {
            Setting::MaxLifetime => m.set_max_lifetime(parse_duration(value)?, now),
            Setting::GcInterval => {
                let d = match value {
                    "auto" => None,
                    text => Some(parse_duration(text)?),
                };
                m.set_gc_interval(d, now)
            }
            Setting::AutoGc => {
                m.set_auto_gc(parse_switch(value)?, now);
                Ok(())
            }
            Setting::Capacity => m.set_capacity(parse_capacity(value)?),
            fixed => Err(Error::Invalid(format!(
                "`{}` cannot be changed; only max-lifetime, gc-interval, auto-gc and capacity can",
                fixed.name()
            ))),
        }
    }

    fn stats_view(&self) -> StatsView {
        let p = self.manager.provider();
        let expired = p.expired_count(self.ctx());
        StatsView {
            stored: p.len(),
            live: p.len() - expired,
            expired,
            totals: *self.manager.stats(),
            log_kept: self.manager.log().len(),
            log_dropped: self.manager.log().dropped(),
        }
    }

    fn log_view(&self, id: Option<String>, limit: Limit) -> LogView {
        let log = self.manager.log();
        let matches = |e: &&crate::event::Event| id.as_deref().is_none_or(|id| e.id == id);
        let matched = log.iter().filter(matches).count();
        let shown = limit.rows(DEFAULT_ROWS).min(matched);
        LogView {
            events: log
                .iter()
                .filter(matches)
                .skip(matched - shown)
                .cloned()
                .collect(),
            id,
            matched,
            older_forgotten: log.dropped() > 0,
        }
    }
}

/// `on` or `off`.
pub fn on_off(on: bool) -> &'static str {
    if on { "on" } else { "off" }
}

/// Parses `on`/`off` (or `true`/`false`, `yes`/`no`).
pub fn parse_switch(value: &str) -> Result<bool> {
    match value {
        "on" | "true" | "yes" => Ok(true),
        "off" | "false" | "no" => Ok(false),
        other => Err(Error::Invalid(format!(
            "invalid auto-gc `{other}`: expected on or off (or true/false, yes/no)"
        ))),
    }
}

/// Parses a capacity: a whole number above 0, or `none`.
pub fn parse_capacity(value: &str) -> Result<Option<usize>> {
    match value {
        "none" | "unlimited" => Ok(None),
        text => match text.parse::<usize>() {
            Ok(n) if n > 0 => Ok(Some(n)),
            _ => Err(capacity_error(text)),
        },
    }
}

/// The text of `help [TOPIC]`.
pub fn help_text(topic: Option<&str>) -> Result<String> {
    match topic {
        None => Ok(help::overview()),
        Some("book") => Ok(help::BOOK.to_owned()),
        Some("ids") => Ok(help::IDS.to_owned()),
        Some(name) => match help::spec(name) {
            Some(spec) => Ok(help::command_help(spec)),
            None => {
                let names = help::COMMANDS
                    .iter()
                    .map(|c| c.name)
                    .chain(help::TOPICS.iter().copied());
                let guess = help::nearest(name, names)
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Err(Error::Usage(format!(
                    "no help on `{name}`; {guess}try `help` for the commands, or `help book`"
                )))
            }
        },
    }
}

fn command_name(cmd: &Command) -> &'static str {
    match cmd {
        Command::New(_) => "new",
        Command::Read(_) => "read",
        Command::Set { .. } => "set",
        Command::Get { .. } => "get",
        Command::Del { .. } => "del",
        Command::Incr { .. } => "incr",
        Command::Touch(_) => "touch",
        Command::Destroy(_) => "destroy",
        Command::Show(_) => "show",
        Command::List(_) => "list",
        Command::Lru(_) => "lru",
        Command::Timeline(_) => "timeline",
        Command::Gc(_) => "gc",
        Command::AdvanceClock(_) => "advance-clock",
        Command::Clock => "clock",
        Command::Config { .. } => "config",
        Command::Stats => "stats",
        Command::Log { .. } => "log",
        Command::Help(_) => "help",
        Command::Quit => "quit",
    }
}

/// Whether the command goes through a manager operation (which fires due timer runs itself).
fn is_manager_op(cmd: &Command) -> bool {
    !matches!(
        cmd,
        Command::Show(_)
            | Command::List(_)
            | Command::Lru(_)
            | Command::Timeline(_)
            | Command::Clock
            | Command::Stats
            | Command::Log { .. }
            | Command::Help(_)
            | Command::Quit
            | Command::Config { value: None, .. }
    )
}
