//! The global options (`--defects`, `--max-lifetime`, ...): parsed by clap from the command
//! line, from a transcript's `#!` directives, and from `reset`, and laid over a base of
//! [`Options`], so that what is not named keeps its value.

use std::fmt;
use std::time::Duration;

use clap::{Args, Parser, ValueEnum};

use super::options::{ClockKind, Format, Options, StoreChoice};
use super::setting::parse_capacity;
use crate::basics::time::{Span, Time, parse_duration};
use crate::gc::Kind;
use crate::rules::Defects;

/// Options of the simulation and of output; also settable by transcript directives.
#[derive(Debug, Clone, Default, Args)]
pub struct GlobalArgs {
    /// Where sessions are stored: memory (this process) or redis (a Redis server, shared by
    /// the processes on one --namespace). `book`, the old spelling of --defects all, still
    /// works [default: memory].
    #[arg(long, global = true, value_enum)]
    pub provider: Option<ProviderArg>,
    /// redis: the server [default: SESSIM_REDIS_URL, else redis://127.0.0.1:6379/0].
    #[arg(long, global = true, value_name = "URL")]
    pub redis_url: Option<String>,
    /// redis: a namespace kept after sessim ends, and shared by every process that opens
    /// it [default: a fresh one, deleted at exit].
    #[arg(long, global = true, value_name = "NAME")]
    pub namespace: Option<String>,
    /// The book's defects to reproduce: none, all (or book), or a list such as B1,B7
    /// [default: none].
    #[arg(long, global = true, value_name = "LIST", value_parser = defects)]
    pub defects: Option<Defects>,
    /// Idle time before a session expires [default: 1h].
    #[arg(long, global = true, value_name = "DURATION", value_parser = duration, allow_hyphen_values = true)]
    pub max_lifetime: Option<Duration>,
    /// Period of the auto-GC timer [default: max-lifetime].
    #[arg(long, global = true, value_name = "DURATION", value_parser = duration, allow_hyphen_values = true)]
    pub gc_interval: Option<Duration>,
    /// Turn automatic GC off, whatever the strategy.
    #[arg(long, global = true)]
    pub no_auto_gc: bool,
    /// When expired sessions are swept: timer (the book's), lazy (never), php (a coin at
    /// each session start) or sampling (Redis's); see `help gc` [default: timer].
    #[arg(long, global = true, value_name = "STRATEGY", value_parser = strategy)]
    pub gc: Option<Kind>,
    /// php: the coin's chance is gc-probability/gc-divisor [default: 1].
    #[arg(long, global = true, value_name = "N")]
    pub gc_probability: Option<u32>,
    /// php: see --gc-probability [default: 100].
    #[arg(long, global = true, value_name = "N")]
    pub gc_divisor: Option<u32>,
    /// sampling: cycles a second, 1 to 1000000 [default: 10].
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=i64::from(crate::manager::config::MAX_HZ)))]
    pub gc_hz: Option<u32>,
    /// Time from creation after which a session expires however active, or off
    /// [default: off].
    #[arg(long, global = true, value_name = "DURATION", value_parser = lifetime, allow_hyphen_values = true)]
    pub absolute_lifetime: Option<Lifetime>,
    /// Most sessions stored, or none for no limit; creating one more evicts the least
    /// recently used [default: none].
    #[arg(long, global = true, value_name = "N", value_parser = capacity, allow_negative_numbers = true)]
    pub capacity: Option<Capacity>,
    /// Seed for reproducible ids. Seeded ids are predictable: for teaching and tests only.
    #[arg(long, global = true, value_name = "N", value_parser = seed, allow_negative_numbers = true)]
    pub seed: Option<u64>,
    /// Start of the virtual clock, RFC 3339 [default: 2026-01-01T00:00:00Z].
    #[arg(long, global = true, value_name = "RFC3339", value_parser = time)]
    pub start: Option<Time>,
    /// Virtual time, or the system's [default: virtual].
    #[arg(long, global = true, value_enum)]
    pub clock: Option<ClockArg>,
    /// Output as text, or JSON lines: one object per command (`replay`: per file, then a
    /// summary) [default: text].
    #[arg(long, global = true, value_enum)]
    pub format: Option<FormatArg>,
    /// Colour at a terminal (auto honours NO_COLOR) [default: auto].
    #[arg(long, global = true, value_enum)]
    pub color: Option<ColorArg>,
}

/// `--provider`: where sessions are stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ProviderArg {
    /// In this process (the default).
    Memory,
    /// In a Redis server.
    Redis,
    /// The old spelling of `--defects all`, in the memory store.
    Book,
}

/// `--clock`; the values are those of [`ClockKind`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum ClockArg {
    Virtual,
    System,
}

/// `--format`; the values are those of [`Format`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum FormatArg {
    Text,
    Json,
}

/// `--color`: `auto` colours at a terminal unless `NO_COLOR` is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
#[allow(missing_docs)]
pub enum ColorArg {
    Auto,
    Always,
    Never,
}

/// The long names a transcript directive may use.
pub const DIRECTIVES: &[&str] = &[
    "provider",
    "defects",
    "max-lifetime",
    "gc-interval",
    "no-auto-gc",
    "gc",
    "gc-probability",
    "gc-divisor",
    "gc-hz",
    "absolute-lifetime",
    "capacity",
    "seed",
    "start",
    "clock",
    "format",
    "color",
];

fn duration(text: &str) -> Result<Duration, String> {
    let d = parse_duration(text).map_err(|e| e.to_string())?;
    if d.is_zero() {
        return Err("must be longer than 0s".into());
    }
    Ok(d)
}

fn strategy(text: &str) -> Result<Kind, String> {
    Kind::parse(text).map_err(|e| e.to_string())
}

/// `--absolute-lifetime`: a duration, or `None` for none (`off`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lifetime(pub Option<Duration>);

fn lifetime(text: &str) -> Result<Lifetime, String> {
    match text {
        "off" => Ok(Lifetime(None)),
        text => duration(text)
            .map(|d| Lifetime(Some(d)))
            .map_err(|e| format!("{e}; or `off`")),
    }
}

fn defects(text: &str) -> Result<Defects, String> {
    Defects::parse(text).map_err(|e| e.to_string())
}

/// `--capacity`: a number of sessions, or `None` for no limit (`none`, `unlimited`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Capacity(pub Option<usize>);

impl fmt::Display for Capacity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "{n}"),
            None => f.write_str("none"),
        }
    }
}

fn capacity(text: &str) -> Result<Capacity, String> {
    parse_capacity(text)
        .map(Capacity)
        .map_err(|e| e.to_string())
}

fn seed(text: &str) -> Result<u64, String> {
    text.parse()
        .map_err(|_| format!("expected a whole number from 0 to {}", u64::MAX))
}

fn time(text: &str) -> Result<Time, String> {
    Time::parse_rfc3339(text).map_err(|e| e.to_string())
}

impl GlobalArgs {
    /// The options of a run whose output goes to a terminal `terminal_width` wide, or not.
    pub fn options(&self, terminal_width: Option<u16>) -> crate::Result<Options> {
        let base = Options {
            terminal_width,
            color: terminal_width.is_some() && !no_color(),
            ..Options::default()
        };
        self.over(base)
    }

    /// `base` with the options given here in place of its own.
    pub fn over(&self, base: Options) -> crate::Result<Options> {
        let mut o = base;
        let c = &mut o.config;
        if self.provider == Some(ProviderArg::Book) {
            if self.defects.is_some_and(|d| d != Defects::ALL) {
                return Err(crate::Error::Invalid(
                    "--provider book is the old spelling of --defects all; give one of them".into(),
                ));
            }
            c.defects = Defects::ALL;
        }
        c.defects = self.defects.unwrap_or(c.defects);
        o.store = self.store(o.store)?;
        let c = &mut o.config;
        c.max_lifetime = self.max_lifetime.unwrap_or(c.max_lifetime);
        c.gc_interval = self.gc_interval.or(c.gc_interval);
        c.auto_gc &= !self.no_auto_gc;
        c.gc = self.gc.unwrap_or(c.gc);
        c.gc_probability = self.gc_probability.unwrap_or(c.gc_probability);
        c.gc_divisor = self.gc_divisor.unwrap_or(c.gc_divisor);
        c.gc_hz = self.gc_hz.unwrap_or(c.gc_hz);
        c.absolute_lifetime = self.absolute_lifetime.map_or(c.absolute_lifetime, |l| l.0);
        c.capacity = self.capacity.map_or(c.capacity, |given| given.0);
        c.validate()?;
        o.seed = self.seed.or(o.seed);
        o.start = self.start.unwrap_or(o.start);
        o.clock = match self.clock {
            Some(ClockArg::Virtual) => ClockKind::Virtual,
            Some(ClockArg::System) => ClockKind::System,
            None => o.clock,
        };
        o.format = match self.format {
            Some(FormatArg::Text) => Format::Text,
            Some(FormatArg::Json) => Format::Json,
            None => o.format,
        };
        o.color = match self.color {
            Some(ColorArg::Always) => true,
            Some(ColorArg::Never) => false,
            Some(ColorArg::Auto) => o.terminal_width.is_some() && !no_color(),
            None => o.color,
        };
        Ok(o)
    }

    /// The store these options choose over `base`.
    fn store(&self, base: StoreChoice) -> crate::Result<StoreChoice> {
        let choice = match self.provider {
            Some(ProviderArg::Redis) => StoreChoice::Redis {
                url: String::new(),
                namespace: None,
            },
            Some(ProviderArg::Memory) => StoreChoice::Memory,
            Some(ProviderArg::Book) | None => base,
        };
        match choice {
            StoreChoice::Memory if self.redis_url.is_some() || self.namespace.is_some() => Err(
                crate::Error::Invalid("--redis-url and --namespace need --provider redis".into()),
            ),
            StoreChoice::Memory => Ok(StoreChoice::Memory),
            StoreChoice::Redis { url, namespace } => {
                let url = match &self.redis_url {
                    Some(given) => given.clone(),
                    None if url.is_empty() => std::env::var("SESSIM_REDIS_URL")
                        .ok()
                        .filter(|u| !u.is_empty())
                        .unwrap_or_else(|| crate::store::redis::DEFAULT_URL.to_owned()),
                    None => url,
                };
                let namespace = self.namespace.clone().or(namespace);
                if let Some(name) = &namespace {
                    crate::store::redis::check_namespace(name)?;
                }
                Ok(StoreChoice::Redis { url, namespace })
            }
        }
    }

    /// The options given, by their long names, with their values as given (empty for a
    /// switch).
    pub fn given(&self) -> Vec<(String, String)> {
        let values = [
            ("provider", self.provider.map(|p| value_name(&p))),
            ("redis-url", self.redis_url.clone()),
            ("namespace", self.namespace.clone()),
            ("defects", self.defects.map(|d| d.to_string())),
            (
                "max-lifetime",
                self.max_lifetime.map(|d| Span(d).to_string()),
            ),
            ("gc-interval", self.gc_interval.map(|d| Span(d).to_string())),
            ("no-auto-gc", self.no_auto_gc.then(String::new)),
            ("gc", self.gc.map(|k| k.to_string())),
            ("gc-probability", self.gc_probability.map(|n| n.to_string())),
            ("gc-divisor", self.gc_divisor.map(|n| n.to_string())),
            ("gc-hz", self.gc_hz.map(|n| n.to_string())),
            (
                "absolute-lifetime",
                self.absolute_lifetime
                    .map(|l| l.0.map_or("off".to_owned(), |d| Span(d).to_string())),
            ),
            ("capacity", self.capacity.map(|c| c.to_string())),
            ("seed", self.seed.map(|n| n.to_string())),
            ("start", self.start.map(|t| t.to_string())),
            ("clock", self.clock.map(|c| value_name(&c))),
            ("format", self.format.map(|f| value_name(&f))),
            ("color", self.color.map(|c| value_name(&c))),
        ];
        values
            .into_iter()
            .filter_map(|(n, v)| v.map(|v| (n.to_owned(), v)))
            .collect()
    }

    /// Parses option words such as `--defects=all` (no program name, no subcommand); an
    /// error is clap's first line, without its `error: `.
    pub fn parse_words(words: &[String]) -> Result<GlobalArgs, String> {
        #[derive(Parser)]
        #[command(name = "options", no_binary_name = true)]
        struct Words {
            #[command(flatten)]
            global: GlobalArgs,
        }
        Words::try_parse_from(words).map(|w| w.global).map_err(|e| {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid option");
            first.trim_start_matches("error: ").to_owned()
        })
    }

    /// Parses transcript directives (`name = value`, by long option name).
    pub fn from_directives(directives: &[(String, String)]) -> Result<GlobalArgs, String> {
        let mut words = Vec::new();
        for (name, value) in directives {
            if name == "no-auto-gc" {
                match value.as_str() {
                    "true" | "on" | "yes" => words.push("--no-auto-gc".to_owned()),
                    "false" | "off" | "no" => {}
                    other => {
                        return Err(format!("`no-auto-gc` takes true or false, not `{other}`"));
                    }
                }
            } else {
                words.push(format!("--{name}={value}"));
            }
        }
        GlobalArgs::parse_words(&words)
    }
}

/// The name of a value as the command line spells it.
fn value_name(v: &impl ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_owned())
        .unwrap_or_default()
}

/// Whether `NO_COLOR` asks for no colour.
fn no_color() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}
