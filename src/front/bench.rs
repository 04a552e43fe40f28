//! `sessim bench`: the standard workload, run on the store chosen through the same
//! manager the REPL uses (events and log included), with a digest that proves the work.

use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use std::ops::ControlFlow;

use crate::basics::ids::IdGenerator;
use crate::basics::time::Time;
use crate::manager::{Config, Manager};
use crate::shell::options::StoreChoice;
use crate::store::redis::Namespace;
use crate::store::{Answer, End, MemoryStore, Op, RedisStore, Store};
use crate::{Error, Result};

/// The workload's parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Workload {
    /// Sessions created (N).
    pub sessions: u64,
    /// Mixed operations (M).
    pub ops: u64,
    /// Seed of the xorshift stream (S).
    pub seed: u64,
}

/// The clock's start: Unix 1,700,000,000 s.
const BASE: Time = Time::from_unix_nanos(1_700_000_000 * 1_000_000_000);
const MAX_LIFETIME: Duration = Duration::from_secs(3600);

/// What a run measured and counted.
#[derive(Debug, Clone, PartialEq)]
pub struct Results {
    /// Time of phase `create`.
    pub create: Duration,
    /// Sessions stored after it.
    pub live_after_create: usize,
    /// Time of phase `mixed`.
    pub mixed: Duration,
    /// Operations of each kind in `mixed`.
    pub gets: u64,
    /// See `gets`.
    pub sets: u64,
    /// See `gets`.
    pub touches: u64,
    /// `get uid` calls that found nothing.
    pub get_nil: u64,
    /// The sum of the `uid` values read.
    pub get_sum: i64,
    /// Time of phase `gc`.
    pub gc: Duration,
    /// Sessions the GC removed.
    pub removed: u64,
    /// Sessions left after it.
    pub remaining: usize,
    /// The list's length, walked for the digest.
    pub list_len: usize,
    /// The digest of the final list.
    pub digest: u64,
}

/// The ids `s00000000`, `s00000001`, ... in one buffer, at a fixed stride padded with
/// spaces: 9 bytes an id rather than a `String` each, so that looking one up costs the
/// workload little memory and one cache line.
struct Ids {
    text: String,
    stride: usize,
}

impl Ids {
    fn new(n: u64) -> Ids {
        let stride = format!("s{:08}", n - 1).len();
        let mut text = String::with_capacity(stride * n as usize);
        for i in 0..n {
            let start = text.len();
            // Writing to a `String` cannot fail.
            let _ = write!(text, "s{i:08}");
            text.extend(std::iter::repeat_n(' ', start + stride - text.len()));
        }
        Ids { text, stride }
    }

    fn get(&self, i: u64) -> &str {
        let start = i as usize * self.stride;
        self.text[start..start + self.stride].trim_end_matches(' ')
    }
}

/// Runs the workload on the memory store. `progress` is called with a phase name and a
/// fraction done.
pub fn run(w: Workload, progress: impl FnMut(&str, f64)) -> Result<Results> {
    run_on(MemoryStore::default(), w, progress)
}

/// Runs the workload on `store`, which starts empty.
pub fn run_on<S: Store>(
    store: S,
    w: Workload,
    mut progress: impl FnMut(&str, f64),
) -> Result<Results> {
    let n = w.sessions.max(1);
    let config = Config {
        max_lifetime: MAX_LIFETIME,
        // The one GC of the workload is run by hand, at its own instant.
        auto_gc: false,
        ..Config::default()
    };
    let mut m = Manager::with_store(store, config, IdGenerator::seeded(w.seed), BASE)?;
    let ids = Ids::new(n);
    let step = (n / 100).max(1);
    let mut now = BASE;
    let mut num = itoa::Buffer::new();

    let start = Instant::now();
    for i in 0..n {
        let id = ids.get(i);
        m.create(Some(id), now)?;
        m.set(id, "uid", num.format(i), now)?;
        now = Time::from_unix_nanos(now.unix_nanos() + 1_000_000);
        if i.is_multiple_of(step) {
            progress("create", i as f64 / n as f64);
        }
    }
    let create = start.elapsed();
    let live_after_create = m.stored()?;

    let (mut gets, mut sets, mut touches, mut get_nil, mut get_sum) = (0, 0, 0, 0, 0i64);
    let mut x = w.seed | 1;
    let ops_step = (w.ops / 100).max(1);
    let start = Instant::now();
    for j in 0..w.ops {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = ids.get(x % n);
        match (x >> 32) % 10 {
            // A request: SessionRead, then a Get or a Set on the session.
            0..=4 => {
                let value = match m.read_then(id, Op::Get("uid"), now)?.1 {
                    Answer::Value(value) => value,
                    other => return Err(Error::Store(format!("get answered {other:?}"))),
                };
                match value.and_then(|v| v.parse::<i64>().ok()) {
                    Some(v) => get_sum += v,
                    None => get_nil += 1,
                }
                gets += 1;
            }
            5..=7 => {
                m.read_then(id, Op::Set("n", num.format(j)), now)?;
                sets += 1;
            }
            _ => {
                m.touch(id, now)?;
                touches += 1;
            }
        }
        now = Time::from_unix_nanos(now.unix_nanos() + 1_000);
        if j.is_multiple_of(ops_step) {
            progress("mixed", j as f64 / w.ops as f64);
        }
    }
    let mixed = start.elapsed();

    let gc_now = BASE.unix_nanos() + (n as i64 / 2) * 1_000_000 + 3601 * 1_000_000_000;
    let start = Instant::now();
    let run = m.gc(Time::from_unix_nanos(gc_now))?;
    let gc = start.elapsed();

    let (list_len, digest) = digest(&m)?;
    Ok(Results {
        create,
        live_after_create,
        mixed,
        gets,
        sets,
        touches,
        get_nil,
        get_sum,
        gc,
        removed: run.report.reaped,
        remaining: m.stored()?,
        list_len,
        digest,
    })
}

/// The FNV-style digest of the list, front to back: id bytes, last access, `uid`, `n`.
fn digest<S: Store>(m: &Manager<S>) -> Result<(usize, u64)> {
    let mut h: u64 = 1469598103934665603;
    let mut mix = |v: u64| {
        h ^= v;
        h = h.wrapping_mul(1099511628211);
    };
    let int = |v: Option<&str>| {
        v.and_then(|v| v.parse::<i64>().ok())
            .map_or(u64::MAX, |v| v as u64)
    };
    let mut len = 0;
    m.store().walk(End::Front, &mut |s| {
        len += 1;
        for b in s.id.bytes() {
            mix(u64::from(b));
        }
        mix(s.last_access.unix_nanos() as u64);
        mix(int(s.values.get("uid")));
        mix(int(s.values.get("n")));
        ControlFlow::Continue(())
    })?;
    Ok((len, h))
}

fn ns_per(d: Duration, n: u64) -> f64 {
    d.as_nanos() as f64 / n.max(1) as f64
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// The peak resident set of this process, in KiB, where Linux tells it.
pub fn peak_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Writes the four machine-readable lines.
pub fn write_lines(w: Workload, r: &Results, out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "phase=create n={} ns_per_op={:.1} total_ms={:.1} sessions={}",
        w.sessions,
        ns_per(r.create, w.sessions),
        ms(r.create),
        r.live_after_create
    )?;
    writeln!(
        out,
        "phase=mixed n={} ns_per_op={:.1} total_ms={:.1} gets={} sets={} touches={} get_nil={} get_sum={}",
        w.ops,
        ns_per(r.mixed, w.ops),
        ms(r.mixed),
        r.gets,
        r.sets,
        r.touches,
        r.get_nil,
        r.get_sum
    )?;
    writeln!(
        out,
        "phase=gc n={} ns_per_op={:.1} total_ms={:.3} removed={} remaining={}",
        r.removed,
        ns_per(r.gc, r.removed),
        ms(r.gc),
        r.removed,
        r.remaining
    )?;
    let rss = peak_rss_kb().map_or_else(|| "?".to_owned(), |k| k.to_string());
    writeln!(
        out,
        "phase=verify list_len={} digest={:016x} peak_rss_kb={rss}",
        r.list_len, r.digest
    )
}

/// `sessim bench`: runs, prints the lines, and at a terminal a progress bar and a summary.
pub fn main(w: Workload, store: &StoreChoice) -> u8 {
    let terminal = io::stderr().is_terminal();
    let progress = |phase: &str, done: f64| {
        if terminal {
            eprint!("\r{phase:>6} {:>3.0}%", done * 100.0);
        }
    };
    let results = match store {
        StoreChoice::Memory => run(w, progress),
        StoreChoice::Redis { url, namespace } => {
            let namespace = namespace.clone().map_or(Namespace::Fresh, Namespace::Named);
            RedisStore::open(url, &namespace).and_then(|s| run_on(s, w, progress))
        }
    };
    let results = match results {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return 2;
        }
    };
    if terminal {
        eprintln!(
            "\rcreate {:.0} ns/session, mixed {:.0} ns/op, gc {:.0} ns/reaped session ({} reaped)",
            ns_per(results.create, w.sessions),
            ns_per(results.mixed, w.ops),
            ns_per(results.gc, results.removed),
            results.removed
        );
    }
    let mut out = io::stdout().lock();
    match write_lines(w, &results, &mut out).and_then(|()| out.flush()) {
        Ok(()) => 0,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => {
            eprintln!("error: cannot write: {e}");
            2
        }
    }
}
