//! `compare`: the same web traffic under each GC strategy, side by side.

use std::time::Duration;

use super::{Command, Complete, Kind};
use crate::basics::time::{Span, parse_duration};
use crate::compare::{self, Plan};
use crate::gc;
use crate::shell::Shell;
use crate::shell::args::Args;
use crate::shell::reply::{CompareView, Reply};
use crate::{Error, Result};

/// The seed of the traffic when the simulation has none: a comparison is reproducible.
pub const DEFAULT_SEED: u64 = 1;

/// `compare [--strategies L] [--duration D] [--rate R] [--svg F] [--csv F]`
pub const COMPARE: Command = Command {
    name: "compare",
    args: "[--strategies L] [--duration D] [--rate R] [--svg F] [--csv F]",
    summary: "the same web traffic under each GC strategy",
    detail: "Visitors arrive at random (a Poisson process at --rate R visitors an hour, \
             such as 1000/h, 20/m or 1/s; default 1000/h) for \
             --duration D (default 1d), a million visitors at most. Each loads /count one to five times, a minute apart on \
             average, then leaves; a quarter of them log out first. Every strategy of \
             --strategies L (default timer,lazy,php,sampling) serves the very same requests, \
             under this simulation's settings (defects, max-lifetime, gc-interval, \
             gc-probability, gc-divisor, gc-hz, absolute-lifetime; the `gc` setting is \
             replaced by each strategy in turn, and with auto-gc off none sweeps). A table \
             tells what each held and what it cost; a chart shows the expired sessions held \
             over time, each line on its own scale. --svg F writes the chart as SVG to file F, \
             --csv F the series: at 1440 points evenly spaced (one a second when shorter \
             than 1440s), the last at the end. The traffic, the ids and the draws come from \
             --seed (1 if none), so the output is the same on every run.",
    example: "compare --duration 6h --rate 500/h",
    mirrors: "(a teaching aid)",
    completes: &[Complete::Free],
    kind: Kind::Shell,
    run: compare,
};

fn compare(sh: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let strategies = match a.named("--strategies") {
        Some(list) => parse_strategies(&list)?,
        None => gc::Kind::ALL.to_vec(),
    };
    let duration = match a.named("--duration") {
        Some(d) => parse_duration(&d)?,
        None => Duration::from_secs(86_400),
    };
    if duration.is_zero() || duration > Duration::from_secs(366 * 86_400) {
        return Err(Error::Invalid(format!(
            "--duration {} is out of range: more than 0s, at most a year (366d)",
            Span(duration)
        )));
    }
    let rate = match a.named("--rate") {
        Some(r) => parse_rate(&r)?,
        None => 1000.0,
    };
    let visitors = rate * duration.as_secs_f64() / 3600.0;
    if visitors > MOST_VISITORS {
        return Err(Error::Invalid(format!(
            "--rate {rate}/h for {} brings about {visitors:.0} visitors; compare replays at \
             most {MOST_VISITORS} (a lower rate or a shorter duration)",
            Span(duration)
        )));
    }
    // The files are made first, so that a path that cannot be written is said at once.
    let svg = a.named("--svg").map(create).transpose()?;
    let csv = a.named("--csv").map(create).transpose()?;
    let plan = Plan {
        strategies,
        duration,
        rate,
        seed: sh.options.seed.unwrap_or(DEFAULT_SEED),
        config: sh.manager.config().clone(),
        start: sh.now(),
    };
    let comparison = compare::run(&plan)?;
    let mut wrote = Vec::new();
    if let Some((path, file)) = svg {
        write(&path, file, &compare::svg::svg(&comparison)?)?;
        wrote.push(path);
    }
    if let Some((path, file)) = csv {
        write(&path, file, &compare::csv(&comparison))?;
        wrote.push(path);
    }
    Ok(Reply::Compare(Box::new(CompareView {
        duration,
        rate,
        seed: plan.seed,
        settings: settings(&plan.config),
        comparison,
        wrote,
    })))
}

/// The settings the strategies ran under, in a few words: those that decide what each
/// holds and costs.
fn settings(c: &crate::manager::Config) -> String {
    let mut words = vec![
        format!("defects {}", c.defects),
        format!("max-lifetime {}", Span(c.max_lifetime)),
    ];
    if let Some(a) = c.absolute_lifetime {
        words.push(format!("absolute-lifetime {}", Span(a)));
    }
    if !c.auto_gc {
        words.push("auto-gc off (no strategy sweeps)".to_owned());
    }
    words.push(format!("timer every {}", Span(c.interval())));
    words.push(format!("php coin {}/{}", c.gc_probability, c.gc_divisor));
    words.push(format!("sampling {}/s", c.gc_hz));
    if let Some(n) = c.capacity {
        words.push(format!("capacity {n}"));
    }
    words.join(", ")
}

/// Creates (or empties) the file at `path`, to be written once the comparison has run.
fn create(path: String) -> Result<(String, std::fs::File)> {
    match std::fs::File::create(&path) {
        Ok(file) => Ok((path, file)),
        Err(e) => Err(cannot_write(&path, &e)),
    }
}

fn write(path: &str, mut file: std::fs::File, text: &str) -> Result<()> {
    use std::io::Write as _;
    file.write_all(text.as_bytes())
        .map_err(|e| cannot_write(path, &e))
}

fn cannot_write(path: &str, e: &std::io::Error) -> Error {
    Error::Invalid(format!("cannot write `{}`: {e}", crate::error::shown(path)))
}

/// A comma-separated list of strategies, each once.
fn parse_strategies(list: &str) -> Result<Vec<gc::Kind>> {
    let mut kinds = Vec::new();
    for word in list.split(',').map(str::trim) {
        if word.is_empty() {
            return Err(Error::Invalid(format!(
                "--strategies `{}` has an empty name; give a list such as timer,php",
                crate::error::shown(list)
            )));
        }
        let kind = gc::Kind::parse(word)?;
        if kinds.contains(&kind) {
            return Err(Error::Invalid(format!(
                "strategy `{kind}` is named twice in --strategies"
            )));
        }
        kinds.push(kind);
    }
    Ok(kinds)
}

/// Most visitors one comparison replays, on average: four days at 10,000 an hour. Each
/// holds its requests in memory, and `lazy` keeps every session it ever made.
const MOST_VISITORS: f64 = 1_000_000.0;

/// Most visitors an hour: a million, about 280 a second.
const MOST_RATE: f64 = 1_000_000.0;

/// A rate of arrivals as visitors an hour: `N`, `N/h`, `N/m` (or `/min`), `N/s`.
pub fn parse_rate(text: &str) -> Result<f64> {
    let invalid = || {
        Error::Invalid(format!(
            "invalid --rate `{}`: expected visitors per hour, as in 1000/h (also /m, /s)",
            crate::error::shown(text)
        ))
    };
    let (number, per) = match text.split_once('/') {
        Some((n, unit)) => (n, unit),
        None => (text, "h"),
    };
    let scale = match per {
        "h" | "hour" => 1.0,
        "m" | "min" | "minute" => 60.0,
        "s" | "sec" | "second" => 3600.0,
        _ => return Err(invalid()),
    };
    let n: f64 = number.trim().parse().map_err(|_| invalid())?;
    let rate = n * scale;
    if !rate.is_finite() || rate <= 0.0 || rate > MOST_RATE {
        return Err(Error::Invalid(format!(
            "--rate `{}` is out of range: more than 0, at most {MOST_RATE} visitors an hour",
            crate::error::shown(text)
        )));
    }
    Ok(rate)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_are_read_per_hour() {
        assert_eq!(parse_rate("1000").unwrap(), 1000.0);
        assert_eq!(parse_rate("1000/h").unwrap(), 1000.0);
        assert_eq!(parse_rate("2/m").unwrap(), 120.0);
        assert_eq!(parse_rate("0.5/s").unwrap(), 1800.0);
        for bad in ["", "x/h", "5/d", "0", "-3/h", "NaN", "inf", "2000000"] {
            assert!(parse_rate(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn strategies_are_a_list_without_repeats() {
        assert_eq!(
            parse_strategies("lazy, php").unwrap(),
            [gc::Kind::Lazy, gc::Kind::Php]
        );
        assert!(parse_strategies("lazy,lazy").is_err());
        assert!(parse_strategies("lazy,redis").is_err());
    }
}
