//! `sessim compare`: the same seeded web traffic under several GC strategies, side by side:
//! what each leaves stored after expiry, and what each costs in sessions examined.
//!
//! Each strategy gets a fresh manager with the same settings, ids and traffic
//! ([`traffic`]), served through the web layer's pages exactly as `visit` serves them, on a
//! thread of its own. The
//! expired sessions held are counted at evenly spaced instants for the chart; their peak is
//! the manager's exact one.

pub mod chart;
pub mod svg;
pub mod traffic;

use std::fmt::Write as _;
use std::time::Duration;

use serde::Serialize;

use crate::Result;
use crate::basics::ids::IdGenerator;
use crate::basics::time::Time;
use crate::gc::Kind;
use crate::manager::{Config, Manager};
use crate::web::jar::Jar;
use crate::web::{Request, pages};
pub use traffic::{Hit, Page};

/// The most points a series has: one a minute over a day.
pub const MOST_POINTS: u64 = 1440;

/// What to compare.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// The strategies, in the order they are shown.
    pub strategies: Vec<Kind>,
    /// How long the traffic lasts.
    pub duration: Duration,
    /// Visitors arriving an hour, on average.
    pub rate: f64,
    /// The seed of the traffic, the ids and the strategies' draws.
    pub seed: u64,
    /// The settings every strategy runs under (its `gc` aside).
    pub config: Config,
    /// When the traffic starts.
    pub start: Time,
}

/// One strategy's results.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// The strategy.
    pub strategy: Kind,
    /// Requests served.
    pub requests: u64,
    /// Sessions stored, live or expired, on average over the points of the series.
    pub stored_avg: f64,
    /// Expired sessions held, on average over the points of the series.
    pub expired_held_avg: f64,
    /// The most expired sessions held at once.
    pub expired_held_peak: u64,
    /// Sessions examined by GC in all.
    pub examined: u64,
    /// Sessions examined by GC per request served.
    pub examined_per_request: f64,
    /// GC runs.
    pub gc_runs: u64,
    /// The most sessions one run examined.
    pub largest_run: u64,
    /// Sessions stored at the end.
    pub stored_at_end: u64,
}

/// One strategy's series: expired sessions held, and sessions stored, at each point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Series {
    /// The strategy.
    pub strategy: Kind,
    /// Expired sessions held at each point.
    pub expired_held: Vec<u64>,
    /// Sessions stored at each point.
    pub stored: Vec<u64>,
}

/// The comparison: a row and a series per strategy, over common points.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    /// When the traffic starts.
    pub start: Time,
    /// Visitors an hour.
    #[serde(skip)]
    pub rate: f64,
    /// The seed of the traffic, the ids and the draws.
    #[serde(skip)]
    pub seed: u64,
    /// The instants of the series' points (in the CSV, not the JSON).
    #[serde(skip)]
    pub points: Vec<Time>,
    /// Visitors in the traffic.
    pub visitors: u64,
    /// One per strategy, in the plan's order.
    pub rows: Vec<Row>,
    /// One per strategy, in the plan's order (in the CSV, not the JSON).
    #[serde(skip)]
    pub series: Vec<Series>,
}

impl Comparison {
    /// Requests in the traffic.
    pub fn requests(&self) -> u64 {
        self.rows.first().map_or(0, |r| r.requests)
    }
}

/// Runs `plan`.
pub fn run(plan: &Plan) -> Result<Comparison> {
    let hits = traffic::traffic(plan.start, plan.duration, plan.rate, plan.seed);
    let visitors = hits.iter().map(|h| h.visitor + 1).max().unwrap_or(0);
    let points = points(plan.start, plan.duration);
    // The strategies are independent: each runs on its own thread, over shared traffic.
    let results: Vec<Result<(Row, Series)>> = std::thread::scope(|scope| {
        let runs: Vec<_> = plan
            .strategies
            .iter()
            .map(|&strategy| {
                let (hits, points) = (&hits, &points);
                scope.spawn(move || run_one(plan, strategy, hits, visitors as usize, points))
            })
            .collect();
        runs.into_iter()
            .map(|run| {
                run.join()
                    .unwrap_or_else(|_| Err(crate::Error::Store("a comparison run failed".into())))
            })
            .collect()
    });
    let mut rows = Vec::new();
    let mut series = Vec::new();
    for result in results {
        let (row, s) = result?;
        rows.push(row);
        series.push(s);
    }
    Ok(Comparison {
        start: plan.start,
        rate: plan.rate,
        seed: plan.seed,
        points,
        visitors: u64::from(visitors),
        rows,
        series,
    })
}

/// The instants of the points: evenly spaced after the start, the last at the end.
fn points(start: Time, duration: Duration) -> Vec<Time> {
    let nanos = duration.as_nanos();
    let count = MOST_POINTS.min(duration.as_secs().max(1));
    (1..=count)
        .map(|i| {
            let offset = nanos * u128::from(i) / u128::from(count);
            Time::saturating_from_nanos(i128::from(start.unix_nanos()) + offset as i128)
        })
        .collect()
}

fn run_one(
    plan: &Plan,
    strategy: Kind,
    hits: &[Hit],
    visitors: usize,
    points: &[Time],
) -> Result<(Row, Series)> {
    // The log is not read here; one event is the least it keeps.
    let config = Config {
        gc: strategy,
        log_capacity: 1,
        ..plan.config.clone()
    };
    let mut m = Manager::new(config, IdGenerator::seeded(plan.seed), plan.start)?;
    let mut jars: Vec<Option<Jar>> = vec![None; visitors];
    let mut held = Vec::with_capacity(points.len());
    let mut stored = Vec::with_capacity(points.len());
    let mut next = points.iter().peekable();
    for hit in hits {
        while let Some(&&at) = next.peek().filter(|&&&p| p <= hit.at) {
            sample(&mut m, at, &mut held, &mut stored)?;
            next.next();
        }
        let jar = jars[hit.visitor as usize].get_or_insert_with(Jar::default);
        let path = hit.page.path();
        let request = Request::get(path, Vec::new(), jar.header(path, hit.at));
        let response = m.together(hit.at, None, |m| pages::serve(m, &request, hit.at))?;
        for header in &response.set_cookie {
            jar.receive(header, hit.at);
        }
        if hit.last {
            jars[hit.visitor as usize] = None;
        }
    }
    for &at in next {
        sample(&mut m, at, &mut held, &mut stored)?;
    }
    let end = points.last().copied().unwrap_or(plan.start);
    let stats = *m.stats();
    let row = Row {
        strategy,
        requests: hits.len() as u64,
        stored_avg: mean(&stored),
        expired_held_avg: mean(&held),
        expired_held_peak: m.expired_held(end)?.1,
        examined: stats.examined,
        examined_per_request: stats.examined as f64 / hits.len().max(1) as f64,
        gc_runs: stats.gc_runs,
        largest_run: stats.largest_run,
        stored_at_end: m.stored()? as u64,
    };
    let series = Series {
        strategy,
        expired_held: held,
        stored,
    };
    Ok((row, series))
}

fn mean(values: &[u64]) -> f64 {
    values.iter().sum::<u64>() as f64 / values.len().max(1) as f64
}

/// Brings the strategy up to `at`, and counts what is stored then.
fn sample(m: &mut Manager, at: Time, held: &mut Vec<u64>, stored: &mut Vec<u64>) -> Result<()> {
    m.advance_to(at)?;
    held.push(m.expired_count(at)? as u64);
    stored.push(m.stored()? as u64);
    Ok(())
}

/// The series as CSV: a row a point, with its time and, per strategy, the expired sessions
/// held and the sessions stored.
pub fn csv(c: &Comparison) -> String {
    let mut out = String::from("time");
    for s in &c.series {
        let _ = write!(out, ",{0}_expired_held,{0}_stored", s.strategy);
    }
    out.push('\n');
    for (i, at) in c.points.iter().enumerate() {
        let _ = write!(out, "{at}");
        for s in &c.series {
            let _ = write!(out, ",{},{}", s.expired_held[i], s.stored[i]);
        }
        out.push('\n');
    }
    out
}
