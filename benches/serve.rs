//! Latency of `sessim serve`: the release binary serving `/count` on loopback to one
//! client, then to eight at once sharing one cookie (keep-alive, as browsers do). Prints
//! p50, p90, p99 and requests a second, each the median of several rounds. Run with
//! `cargo bench --bench serve [-- ROUNDS]`; `SESSIM=PATH` measures another binary.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Requests a client makes in one round.
const SEQUENTIAL: usize = 5_000;
const THREADS: usize = 8;
const EACH: usize = 1_000;

fn main() {
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(5);
    // `SESSIM=path` measures another build, to compare two side by side.
    let exe = std::env::var("SESSIM").unwrap_or_else(|_| env!("CARGO_BIN_EXE_sessim").to_owned());
    let mut child = Command::new(exe)
        .args(["serve", "--listen", "127.0.0.1:0", "--seed", "1"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .expect("sessim serve starts");
    let mut out = BufReader::new(child.stdout.take().expect("stdout"));
    let mut first = String::new();
    out.read_line(&mut first).expect("its first line");
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("a URL")
        .trim_end_matches('/')
        .to_owned();
    // What it prints for each request goes on being read, as a terminal would.
    std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));

    let agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .build()
        .new_agent();
    let answer = agent.get(format!("{base}/")).call().expect("/");
    let cookie = answer
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let count = format!("{base}/count");
    run(&agent, &count, &cookie, 500); // warm-up

    let mut one = Vec::new();
    let mut eight = Vec::new();
    for _ in 0..rounds {
        let started = Instant::now();
        let latencies = run(&agent, &count, &cookie, SEQUENTIAL);
        one.push(Summary::of(latencies, started.elapsed()));
        let started = Instant::now();
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let (count, cookie) = (count.clone(), cookie.clone());
                std::thread::spawn(move || {
                    let agent = ureq::Agent::config_builder().build().new_agent();
                    run(&agent, &count, &cookie, EACH)
                })
            })
            .collect();
        let latencies = threads
            .into_iter()
            .flat_map(|t| t.join().expect("a client"))
            .collect();
        eight.push(Summary::of(latencies, started.elapsed()));
    }
    let _ = child.kill();
    let _ = child.wait();
    println!("sessim serve, GET /count on loopback, median of {rounds} rounds");
    println!("clients  requests      p50      p90      p99    req/s");
    for (clients, requests, runs) in [(1, SEQUENTIAL, one), (THREADS, THREADS * EACH, eight)] {
        let median = |f: fn(&Summary) -> f64| {
            let mut v: Vec<f64> = runs.iter().map(f).collect();
            v.sort_by(f64::total_cmp);
            v[v.len() / 2]
        };
        println!(
            "{clients:>7} {requests:>9} {:>6.0}µs {:>6.0}µs {:>6.0}µs {:>8.0}",
            median(|s| s.p50),
            median(|s| s.p90),
            median(|s| s.p99),
            median(|s| s.rate),
        );
    }
}

/// `n` requests for `url` with `cookie`, one after another: each one's latency.
fn run(agent: &ureq::Agent, url: &str, cookie: &str, n: usize) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let started = Instant::now();
            let mut answer = agent
                .get(url)
                .header("Cookie", cookie)
                .call()
                .expect("an answer");
            let _ = answer.body_mut().read_to_string();
            started.elapsed()
        })
        .collect()
}

/// One round's percentiles (µs) and rate.
struct Summary {
    p50: f64,
    p90: f64,
    p99: f64,
    rate: f64,
}

impl Summary {
    fn of(mut latencies: Vec<Duration>, wall: Duration) -> Summary {
        latencies.sort_unstable();
        let at = |q: f64| {
            let i = ((latencies.len() as f64 - 1.0) * q).round() as usize;
            latencies[i].as_secs_f64() * 1e6
        };
        Summary {
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            rate: latencies.len() as f64 / wall.as_secs_f64(),
        }
    }
}
