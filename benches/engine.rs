//! Micro-benchmarks of the engine through the manager the REPL uses (memory store, events
//! and log included): `new`, `touch`, `get` and `gc`. Run with `cargo bench`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sessim::basics::ids::IdGenerator;
use sessim::basics::time::Time;
use sessim::manager::{Config, Manager};

/// Sessions in the store for `touch` and `get`.
const STORED: u64 = 100_000;
const START: Time = Time::from_unix_nanos(1_700_000_000 * 1_000_000_000);

fn manager() -> Manager {
    let config = Config {
        auto_gc: false,
        ..Config::default()
    };
    Manager::new(config, IdGenerator::seeded(1), START).unwrap()
}

fn ids(n: u64) -> Vec<String> {
    (0..n).map(|i| format!("s{i:08}")).collect()
}

/// A store of `ids`, created 1 ms apart, each with a `uid`; returns the time after.
fn filled(ids: &[String]) -> (Manager, Time) {
    let mut m = manager();
    let mut now = START;
    for (i, id) in ids.iter().enumerate() {
        m.create(Some(id), now).unwrap();
        m.set(id, "uid", &i.to_string(), now).unwrap();
        now = at(now, 1_000_000);
    }
    (m, now)
}

fn at(t: Time, plus_nanos: i64) -> Time {
    Time::from_unix_nanos(t.unix_nanos() + plus_nanos)
}

/// The bench's xorshift stream, for a random walk over the ids.
fn xorshift(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

fn new(c: &mut Criterion) {
    let ids = ids(STORED);
    let mut g = c.benchmark_group("new");
    g.throughput(Throughput::Elements(1));
    g.bench_function("new SID", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            let mut left = iters;
            while left > 0 {
                let batch = left.min(STORED);
                let mut m = manager();
                let start = Instant::now();
                for id in &ids[..batch as usize] {
                    black_box(m.create(Some(id), START).unwrap());
                }
                total += start.elapsed();
                left -= batch;
            }
            total
        });
    });
    g.finish();
}

fn touch_and_get(c: &mut Criterion) {
    let ids = ids(STORED);
    let (mut m, mut now) = filled(&ids);
    let mut x = 42u64;
    let mut g = c.benchmark_group("activity");
    g.throughput(Throughput::Elements(1));
    g.bench_function("touch SID", |b| {
        b.iter(|| {
            let id = &ids[(xorshift(&mut x) % STORED) as usize];
            now = at(now, 1_000);
            m.touch(id, now).unwrap();
        });
    });
    g.bench_function("get SID uid", |b| {
        b.iter(|| {
            let id = &ids[(xorshift(&mut x) % STORED) as usize];
            now = at(now, 1_000);
            black_box(m.get(id, "uid", now).unwrap().map(|v| v.len()))
        });
    });
    g.finish();
}

fn gc(c: &mut Criterion) {
    let ids = ids(STORED);
    let mut g = c.benchmark_group("gc");
    g.sample_size(10);
    // Half of the store has expired: a run reaps 50,000 sessions and stops at the first live.
    g.throughput(Throughput::Elements(STORED / 2));
    g.bench_function("gc of 50,000 expired", |b| {
        b.iter_batched(
            || filled(&ids),
            |(mut m, _)| {
                let now = at(START, (STORED as i64 / 2) * 1_000_000 + 3_600_000_000_000);
                let run = m.gc(now).unwrap();
                assert_eq!(run.report.reaped, STORED / 2);
                m
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, new, touch_and_get, gc);
criterion_main!(benches);
