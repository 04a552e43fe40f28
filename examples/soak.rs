//! A soak test: millions of random commands through one shell, printing resident memory.
//!
//! `cargo run --release --example soak [COMMANDS]` (default 5,000,000). Sessions are
//! created, used, destroyed, evicted by a capacity and reaped by GC, so the session count
//! settles; the event log is bounded. Every 250,000 commands it prints the count, the
//! store's size and VmRSS, and checks the engine's invariants. It exits 1 if the invariants
//! break or if resident memory grows by more than a quarter after the first fifth of the
//! run (once the store is full and the log has wrapped).

use std::process::ExitCode;
use std::time::Instant;

use sessim::front::step::Printer;
use sessim::shell::Shell;
use sessim::shell::options::Options;

/// The most sessions stored at once.
const CAPACITY: u64 = 10_000;
/// Ids are drawn from a quarter more, so most commands find their session and `new`
/// meets both known and unknown ids.
const IDS: u64 = CAPACITY + CAPACITY / 4;
const REPORT_EVERY: u64 = 250_000;

/// splitmix64: small, fixed and good enough to pick commands.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn line(rng: &mut Rng, out: &mut String) {
    use std::fmt::Write as _;
    out.clear();
    let id = rng.below(IDS);
    let key = rng.below(6);
    let _ = match rng.below(1000) {
        0..=249 => write!(out, "new s{id}"),
        250..=449 => write!(out, "set s{id} k{key} v{}", rng.next() % 1_000_000_007),
        450..=599 => write!(out, "get s{id} k{key}"),
        600..=649 => write!(out, "del s{id} k{key}"),
        650..=719 => write!(out, "incr s{id} n {}", rng.below(100)),
        720..=779 => write!(out, "touch s{id}"),
        780..=809 => write!(out, "read s{id}"),
        810..=879 => write!(out, "destroy s{id}"),
        880..=909 => write!(out, "show s{id}"),
        // About 10s a command in 200: an hour is some 72,000 commands, 18,000 of them `new`,
        // near the capacity, so that capacity evicts and GC reaps alike.
        910..=914 => write!(out, "advance-clock {}ms", 1 + rng.below(20_000)),
        915..=959 => write!(out, "get s{id} n"),
        960..=964 => write!(out, "new"),
        965..=969 => write!(out, "stats"),
        970..=971 => write!(out, "gc"),
        972..=973 => write!(out, "log s{id}"),
        974 => write!(out, "list"),
        975 => write!(out, "lru --limit 5"),
        976 => write!(out, "timeline --limit 5"),
        977 => write!(
            out,
            "config capacity {}",
            CAPACITY - rng.below(CAPACITY / 10)
        ),
        978 => write!(out, "config max-lifetime {}m", 30 + rng.below(60)),
        979 => write!(out, "help set"),
        980..=989 => write!(out, "set s{id} 名字 \"小 明 {}\"", rng.below(1000)),
        // Bad input: errors change nothing, and cost nothing to keep.
        990 => write!(out, "incr s{id} k{key}"),
        991 => write!(out, "set s{id} k 'unterminated"),
        992 => write!(out, "advance-clock -5m"),
        993 => write!(out, "bogus {id}"),
        994 => write!(out, "new ''"),
        995 => write!(out, "config capacity 0"),
        996 => write!(out, "set s{id} k \u{1}"),
        _ => write!(out, "# comment {id}"),
    };
}

/// Resident memory in KiB, from /proc (Linux).
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn main() -> ExitCode {
    let total: u64 = match std::env::args().nth(1) {
        None => 5_000_000,
        Some(n) => match n.replace('_', "").parse() {
            Ok(n) => n,
            Err(_) => {
                eprintln!("error: COMMANDS must be a whole number, not `{n}`");
                return ExitCode::from(2);
            }
        },
    };
    let mut options = Options {
        seed: Some(1),
        ..Default::default()
    };
    options.config.capacity = Some(CAPACITY as usize);
    let mut shell = Shell::new(options).expect("valid options");
    let mut rng = Rng(42);
    let mut text = String::new();
    let (mut ok, mut failed, mut printed) = (0u64, 0u64, 0u64);
    let mut baseline: Option<u64> = None;
    let mut peak = 0;
    let started = Instant::now();
    println!(
        "{:>10} {:>9} {:>9} {:>9} {:>10} {:>8}",
        "commands", "sessions", "log", "errors", "rss_kib", "secs"
    );
    for i in 1..=total {
        line(&mut rng, &mut text);
        match Printer::PLAIN.step(&mut shell, &text) {
            Some(ran) if ran.error.is_some() => {
                failed += 1;
                printed += ran.text().len() as u64;
            }
            Some(ran) => {
                ok += 1;
                printed += ran.output.len() as u64;
            }
            None => ok += 1,
        }
        if i % REPORT_EVERY == 0 || i == total {
            if let Err(why) = shell.manager().check() {
                eprintln!("error: invariants broken after {i} commands: {why}");
                return ExitCode::from(1);
            }
            let rss = rss_kib().unwrap_or(0);
            println!(
                "{i:>10} {:>9} {:>9} {failed:>9} {rss:>10} {:>8.1}",
                shell.manager().stored().unwrap_or(0),
                shell.manager().log().len(),
                started.elapsed().as_secs_f64()
            );
            if i >= total / 5 {
                baseline.get_or_insert(rss);
                peak = peak.max(rss);
            }
        }
    }
    let base = baseline.unwrap_or(0);
    let stats = shell.manager().stats();
    println!(
        "{total} commands ({ok} ok, {failed} errors, {} MiB printed) in {:.1}s; created {}, \
         evicted {}, destroyed {}, reaped by gc {}, expired on access {}",
        printed >> 20,
        started.elapsed().as_secs_f64(),
        stats.created,
        stats.reaped_evicted,
        stats.reaped_destroyed,
        stats.reaped_gc,
        stats.reaped_expired,
    );
    println!("rss after the first fifth {base} KiB, peak after it {peak} KiB");
    if base > 0 && peak > base + base / 4 {
        eprintln!("error: resident memory grew from {base} to {peak} KiB");
        return ExitCode::from(1);
    }
    ExitCode::SUCCESS
}
