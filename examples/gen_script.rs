//! Writes a sessim script of LINES commands (default 1,000,000) to stdout, for timing
//! `sessim run`: `new` for one session in ten, then a seeded mix of `get` (50%), `set` (30%)
//! and `touch` (20%) on random sessions.
//!
//! ```text
//! cargo run --release --example gen_script -- 1000000 > /tmp/script.sessim
//! time target/release/sessim run /tmp/script.sessim > /dev/null
//! ```

use std::io::{self, BufWriter, Write};

fn main() -> io::Result<()> {
    let lines: u64 = match std::env::args().nth(1) {
        Some(arg) => arg.parse().map_err(|_| {
            io::Error::new(io::ErrorKind::InvalidInput, "LINES must be a whole number")
        })?,
        None => 1_000_000,
    };
    let sessions = (lines / 10).max(1);
    let mut out = BufWriter::new(io::stdout().lock());
    writeln!(
        out,
        "# {lines} lines: {sessions} sessions, then get/set/touch"
    )?;
    for i in 0..sessions.min(lines) {
        writeln!(out, "new s{i:08}")?;
    }
    let mut x: u64 = 42;
    for j in sessions..lines {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let id = x % sessions;
        match (x >> 32) % 10 {
            0..=4 => writeln!(out, "get s{id:08} n")?,
            5..=7 => writeln!(out, "set s{id:08} n {j}")?,
            _ => writeln!(out, "touch s{id:08}")?,
        }
    }
    out.flush()
}
