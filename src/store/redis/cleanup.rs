//! Fresh namespaces are deleted when sessim ends: by their store's drop on a clean exit,
//! and by a watcher thread when a signal (SIGINT, SIGTERM, SIGHUP) ends the process.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once};

use super::link::Link;
use crate::Result;

/// The fresh namespaces alive in this process: their server's URL and their key prefix.
static LIVE: Mutex<Vec<(String, String)>> = Mutex::new(Vec::new());

static WATCH: Once = Once::new();

/// Set when the program stops cleanly on SIGINT and SIGTERM itself (`sessim serve`), and
/// drops its stores, which deletes their fresh namespaces.
static STOPS_ITSELF: AtomicBool = AtomicBool::new(false);

/// Leaves SIGINT and SIGTERM to the program, which stops cleanly on them; SIGHUP still
/// deletes the fresh namespaces and ends the process.
pub fn program_stops_itself() {
    STOPS_ITSELF.store(true, Ordering::SeqCst);
}

/// Notes a fresh namespace, to be deleted if a signal ends the process.
pub fn register(url: &str, prefix: &str) {
    if let Ok(mut live) = LIVE.lock() {
        live.push((url.to_owned(), prefix.to_owned()));
    }
    WATCH.call_once(watch);
}

/// Forgets a namespace that was deleted.
pub fn unregister(prefix: &str) {
    if let Ok(mut live) = LIVE.lock() {
        live.retain(|(_, p)| p != prefix);
    }
}

/// Deletes every key under `prefix`.
pub fn delete(link: &mut Link, prefix: &str) -> Result<()> {
    let pattern = format!("{prefix}*");
    link.run(|c| {
        loop {
            let keys = super::scan_all(c, &pattern, 1000)?;
            if keys.is_empty() {
                return Ok(());
            }
            redis::cmd("UNLINK").arg(&keys).exec(c)?;
        }
    })
}

/// On the first of those signals that the program does not stop on itself, deletes the
/// live fresh namespaces over connections of its own, and ends the process as the signal
/// would (128 + its number).
fn watch() {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
        return;
    };
    std::thread::spawn(move || {
        for signal in signals.forever() {
            if signal != SIGHUP && STOPS_ITSELF.load(Ordering::SeqCst) {
                continue;
            }
            let live = LIVE.lock().map(|l| l.clone()).unwrap_or_default();
            for (url, prefix) in live {
                if let Ok(mut link) = Link::new(&url) {
                    let _ = delete(&mut link, &prefix);
                }
            }
            std::process::exit(128 + signal);
        }
    });
}
