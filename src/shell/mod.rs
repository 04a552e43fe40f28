//! The shell: the one place a command line is executed, for the REPL, scripts, transcripts
//! and recording alike. It owns the simulation (a manager and its clock), looks each line's
//! command up in one table, and returns typed results for the renderers.

pub mod args;
pub mod commands;
pub mod complete;
pub mod global;
pub mod help;
pub mod options;
pub mod reply;
pub mod setting;
pub mod shared;

use std::ops::ControlFlow;

use args::{Args, Limit, Shape};
use commands::{COMMANDS, Command, Complete, Kind};
use options::{ClockKind, Options, StoreChoice};
use reply::{Listing, Outcome, Reply, SessionRow, Summary, Visit};

use crate::basics::clock::Clock;
use crate::basics::time::Time;
use crate::gc::Cause;
use crate::manager::{Config, Manager};
use crate::store::redis::{Namespace, Standing};
use crate::store::{End, MemoryStore, Provider, RedisStore, Store, View};
use crate::web::{Clients, Request};
use crate::{Error, Result};

/// How many rows `list`, `lru`, `timeline`, `gc` and `log` show by default.
pub const DEFAULT_ROWS: usize = 20;

/// A simulated session store with its clock: the state behind a prompt or a script.
#[derive(Debug)]
pub struct Shell {
    manager: Manager<Provider>,
    clock: Clock,
    /// The simulated browsers.
    clients: Clients,
    /// The options of this simulation.
    options: Options,
    /// The options sessim started with, which `reset` starts from.
    origin: Options,
    commands: &'static [Command],
    /// The shape of each command's arguments, read once from its synopsis.
    shapes: Vec<Shape>,
    /// What this process added to a shared namespace's log and totals.
    published: shared::Published,
    /// Where a shared namespace stood when this process last caught up with it.
    joined: Option<Standing>,
}

impl Shell {
    /// A new simulation, as the options say, with sessim's commands.
    pub fn new(options: Options) -> Result<Shell> {
        Shell::with_commands(options, COMMANDS)
    }

    /// A new simulation whose line language is `commands`.
    pub fn with_commands(options: Options, commands: &'static [Command]) -> Result<Shell> {
        let (manager, clock, joined) = simulation(&options, false)?;
        let mut shell = Shell {
            manager,
            clock,
            clients: Clients::default(),
            origin: options.clone(),
            options,
            commands,
            shapes: commands.iter().map(|c| Shape::of(c.args)).collect(),
            published: shared::Published::default(),
            joined,
        };
        shell.publish()?;
        Ok(shell)
    }

    /// Starts a fresh simulation with `options`; on error the current one goes on. A named
    /// Redis namespace is emptied and started again.
    pub fn reset(&mut self, options: Options) -> Result<()> {
        (self.manager, self.clock, self.joined) = simulation(&options, true)?;
        self.published = shared::Published::default();
        self.clients = Clients::default();
        self.options = options;
        self.publish()
    }

    /// The options the simulation started with (the settings in force are the manager's).
    pub fn options(&self) -> &Options {
        &self.options
    }

    /// The manager.
    pub fn manager(&self) -> &Manager<Provider> {
        &self.manager
    }

    /// The commands this shell knows.
    pub fn commands(&self) -> &'static [Command] {
        self.commands
    }

    /// The current time.
    pub fn now(&self) -> Time {
        self.clock.now()
    }

    /// The Redis store of a named namespace, which other processes may share.
    pub fn shared_store(&self) -> Option<&RedisStore> {
        self.manager.store().redis().filter(|r| r.shared())
    }

    /// The simulation in a few words, for the banner and `reset`.
    pub fn summary(&self) -> Summary {
        let c = self.manager.config();
        Summary {
            provider: self.manager.store().name(),
            defects: c.defects,
            max_lifetime: c.max_lifetime,
            absolute_lifetime: c.absolute_lifetime,
            gc: c.gc,
            auto_gc: c.auto_gc,
            now: self.now(),
        }
    }

    /// The simulated browsers.
    pub fn clients(&self) -> &Clients {
        &self.clients
    }

    /// What the simulation holds of `kind` (ids, clients) that starts with `prefix`, sorted:
    /// for completion.
    pub fn held(&self, kind: Complete, prefix: &str) -> Vec<String> {
        match kind {
            Complete::Id => self.ids_starting_with(prefix),
            Complete::Client => self.clients.names_starting_with(prefix),
            _ => Vec::new(),
        }
    }

    /// The ids of the stored sessions that start with `prefix`, sorted.
    pub fn ids_starting_with(&self, prefix: &str) -> Vec<String> {
        let mut ids = Vec::new();
        let _ = self.manager.store().walk(End::Front, &mut |v| {
            if v.id.starts_with(prefix) {
                ids.push(v.id.to_owned());
            }
            ControlFlow::Continue(())
        });
        ids.sort_unstable();
        ids
    }

    /// Executes one line. `Ok(None)` for a blank line or a comment. An error has changed
    /// nothing, except that lazy expiry removes the expired session it reports.
    pub fn execute(&mut self, line: &str) -> Result<Option<Outcome>> {
        let words = args::split(line)?;
        let Some((name, rest)) = words.split_first() else {
            return Ok(None);
        };
        let at = self.commands.iter().position(|c| c.name == name);
        let at = at.ok_or_else(|| commands::unknown(self.commands, name))?;
        let command = &self.commands[at];
        let mut args = Args::new(command, self.shapes[at], rest)?;
        self.perform(command.name, command.kind, |sh| {
            (command.run)(sh, &mut args)
        })
        .map(Some)
    }

    /// A real browser's `request` for one of the book's pages (`sessim serve`), answered
    /// as `visit` answers a simulated one; `client` names the browser in the events.
    pub fn answer(&mut self, client: &str, request: Request) -> Result<Outcome> {
        self.perform("visit", Kind::Act, |sh| {
            let now = sh.now();
            let response = crate::web::answer(&mut sh.manager, client, &request, now)?;
            Ok(Reply::Visit(Visit {
                client: client.to_owned(),
                session: response.session().map(str::to_owned),
                request,
                response,
            }))
        })
    }

    /// Runs one command, `name` of `kind`, as `run` does it: caught up with a shared
    /// namespace first, published to it after, with what the manager's operations caused.
    fn perform(
        &mut self,
        name: &'static str,
        kind: Kind,
        run: impl FnOnce(&mut Shell) -> Result<Reply>,
    ) -> Result<Outcome> {
        let ops = self.manager.operations();
        self.follow_namespace()?;
        if kind == Kind::Look {
            self.catch_up()?;
        }
        let (before, settings) = (self.now(), self.manager.config().clone());
        let reply = match run(self) {
            Err(Error::ClockMoved { namespace, clock }) => {
                self.follow_clock(clock);
                return Err(Error::ClockMoved { namespace, clock });
            }
            reply => reply?,
        };
        if kind != Kind::Shell && self.now() > before {
            self.manager.store().shared_clock(Some(self.now()))?;
        }
        self.publish()?;
        if let (Some(store), Some(joined)) = (self.shared_store(), self.joined.as_ref())
            && *self.manager.config() != settings
        {
            let version = shared::share_settings(store, self.manager.config())?;
            self.joined = Some(Standing {
                settings_version: version,
                ..joined.clone()
            });
        }
        // What the manager's operations caused; a shell command (`reset`) caused nothing
        // there, even when it starts a new manager.
        let fresh = self.manager.operations() != ops && kind != Kind::Shell;
        let m = &self.manager;
        let auto = m
            .runs()
            .iter()
            .filter(|r| r.cause != Cause::Manual && fresh);
        Ok(Outcome {
            command: name,
            reply,
            runs: auto
                .map(|r| m.report(r, usize::MAX))
                .collect::<Result<_>>()?,
            quiet_runs: m.quiet_runs().filter(|_| fresh),
            events: if fresh { m.events()? } else { Vec::new() },
        })
    }

    /// On a shared namespace, catches up with what other processes did to the clock and
    /// the settings: one simulation, one clock, one set of settings. A namespace that
    /// started again is joined afresh, and the command is not run.
    fn follow_namespace(&mut self) -> Result<()> {
        let (Some(store), Some(joined)) = (self.shared_store(), self.joined.as_ref()) else {
            return Ok(());
        };
        let now = store.sync_clock(None)?;
        if now.epoch != joined.epoch {
            (self.manager, self.clock, self.joined) = simulation(&self.options, false)?;
            self.published = shared::Published::default();
            self.clients = Clients::default();
            self.publish()?;
            let name = self.shared_store().map(|s| s.namespace().to_owned());
            return Err(Error::NamespaceRestarted(name.unwrap_or_default()));
        }
        let settings = if now.settings_version == joined.settings_version {
            None
        } else {
            Some(shared::settings(store)?)
        };
        self.follow_clock(now.clock);
        if let Some((version, settings)) = settings {
            if let Some(settings) = settings {
                let at = self.now();
                self.manager.adopt_settings(&settings, at)?;
            }
            self.joined = Some(Standing {
                settings_version: version,
                ..now
            });
        }
        Ok(())
    }

    /// Moves a virtual clock on to `to`, if that is later.
    fn follow_clock(&mut self, to: Time) {
        if let Clock::Virtual(now) = self.clock
            && to > now
        {
            self.clock = Clock::Virtual(to);
        }
    }

    /// On a shared namespace, adds what the manager did since last time to its log and
    /// totals.
    fn publish(&mut self) -> Result<()> {
        if let Some(store) = self.manager.store().redis().filter(|r| r.shared()) {
            self.published.publish(store, &self.manager)?;
        }
        Ok(())
    }

    /// Under the system clock, lets the manager's GC catch up with the time.
    fn catch_up(&mut self) -> Result<()> {
        if self.clock.is_virtual() {
            return Ok(());
        }
        self.manager.advance_to(self.clock.now())
    }

    /// One session as listings show it.
    fn row(&self, id: &str, last_access: Time, created: Time, keys: usize) -> SessionRow {
        let (now, rules) = (self.now(), self.manager.rules());
        SessionRow {
            id: id.to_owned(),
            last_access,
            idle: now.saturating_since(last_access),
            expires: rules.expires_either(last_access, created),
            expired: rules.expiry(now).is_over(last_access, created),
            keys,
        }
    }

    fn view_row(&self, v: View<'_>) -> SessionRow {
        self.row(v.id, v.last_access, v.created, v.values.len())
    }

    /// The first rows of the sessions, front to back.
    fn listing(&self, limit: Limit) -> Result<Listing> {
        let rows = limit.rows(DEFAULT_ROWS);
        let mut out = Vec::new();
        if rows > 0 {
            self.manager.store().walk(End::Front, &mut |v| {
                out.push(self.view_row(v));
                if out.len() < rows {
                    ControlFlow::Continue(())
                } else {
                    ControlFlow::Break(())
                }
            })?;
        }
        Ok(Listing {
            rows: out,
            total: self.manager.stored()?,
        })
    }
}

/// A manager and a clock, as `options` ask; with `restart`, a named Redis namespace is
/// emptied first. On a shared namespace, the manager takes the namespace's settings (or
/// gives it its own, if it has none), and a virtual clock starts at the namespace's clock
/// if that is later than the start; where it stood is returned too.
fn simulation(
    options: &Options,
    restart: bool,
) -> Result<(Manager<Provider>, Clock, Option<Standing>)> {
    let store = match &options.store {
        StoreChoice::Memory => Provider::Memory(MemoryStore::default()),
        StoreChoice::Redis { url, namespace } => {
            let namespace = match namespace {
                Some(name) => Namespace::Named(name.clone()),
                None => Namespace::Fresh,
            };
            let mut store = RedisStore::open(url, &namespace)?;
            if restart && store.shared() {
                store.restart()?;
            }
            Provider::Redis(Box::new(store))
        }
    };
    let mut config = options.config.clone();
    let mut joined = None;
    if let Some(redis) = store.redis().filter(|r| r.shared()) {
        let standing = redis.sync_clock(None)?;
        // The namespace's settings win, all but the log's bound, which is this process's.
        if let (_, Some(settings)) = shared::settings(redis)? {
            config = Config {
                log_capacity: config.log_capacity,
                ..settings
            };
        }
        joined = Some(standing);
    }
    let clock = match options.clock {
        ClockKind::Virtual => {
            let shared = joined.as_ref().map(|s| s.clock);
            Clock::Virtual(shared.map_or(options.start, |t| t.max(options.start)))
        }
        ClockKind::System => Clock::System(options.system_clock_ahead),
    };
    let manager = Manager::with_store(store, config, options.id_generator(), clock.now())?;
    if let (Some(redis), Some(standing)) = (manager.store().redis(), joined.as_mut())
        && standing.settings_version == 0
    {
        standing.settings_version = shared::share_settings(redis, manager.config())?;
    }
    Ok((manager, clock, joined))
}

#[cfg(test)]
mod tests {
    /// `sessim serve` shares one shell between its threads.
    #[test]
    fn a_shell_can_move_between_threads() {
        fn send<T: Send>() {}
        send::<super::Shell>();
    }
}
