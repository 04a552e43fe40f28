//! The help topics: the overview of the commands, one command in full, the book's defects
//! and how ids are made. Commands come from the shell's table, so `help` lists whatever
//! the table holds.

use super::commands::{Command, find, nearest};
use crate::{Error, Result};

/// The text of `help [TOPIC]`.
pub fn text(commands: &[Command], topic: Option<&str>) -> Result<String> {
    match topic {
        None => Ok(overview(commands)),
        Some("book") => Ok(BOOK.to_owned()),
        Some("ids") => Ok(IDS.to_owned()),
        Some("serve") => Ok(SERVE.to_owned()),
        // The `gc` command, then the strategies that run it by themselves.
        Some("gc") => Ok(format!(
            "{}\n\n{GC}",
            find(commands, "gc").map(command_help).unwrap_or_default()
        )),
        Some(name) => match find(commands, name) {
            Some(command) => Ok(command_help(command)),
            None => {
                let names = commands
                    .iter()
                    .map(|c| c.name)
                    .chain(TOPICS.iter().copied());
                let guess = nearest(name, names)
                    .map(|n| format!("did you mean `{n}`? "))
                    .unwrap_or_default();
                Err(Error::Usage(format!(
                    "no help on `{name}`; {guess}try `help` for the commands, or `help book`"
                )))
            }
        },
    }
}

/// Help topics that are not commands.
pub const TOPICS: &[&str] = &["book", "ids", "serve"];

/// `help serve`: what the prompt of `sessim serve` drives, and its two clocks.
const SERVE: &str = "\
`sessim serve [--listen HOST:PORT]` serves the book's pages (/ /login /count
/logout) to real browsers, and /sessions (?refresh=2 redraws it) and
/api/sessions for the projector. Each request goes through the same manager as
`visit`, and is printed above this prompt. Every command works while it
serves: `advance-clock` moves the server's clock, `config` changes its
settings, `reset` starts it afresh. `quit` or Ctrl-D stops the server.
The server's time is this prompt's clock, while a browser counts a cookie's
Max-Age in real seconds: after `advance-clock 2h` the browser still sends its
cookie, and the server finds the session expired. `--clock system` puts both
on real time. Real browsers are named by their User-Agent (chrome, firefox,
curl...) in the events, and keep their own cookies: `clients` lists only the
simulated ones.";

/// `help`: every command with its one-line meaning, in at most 80 columns
/// (a test holds every command's summary to that).
pub fn overview(commands: &[Command]) -> String {
    /// The synopsis column; a longer synopsis has its summary on the next line.
    const WIDTH: usize = 29;
    let mut out = String::from(
        "Commands (`help COMMAND`: one in full; `help book`: defects; `help ids`: ids):\n",
    );
    for c in commands {
        let synopsis = c.synopsis();
        if synopsis.chars().count() > WIDTH {
            out.push_str(&format!("  {synopsis}\n  {:WIDTH$}  {}\n", "", c.summary));
        } else {
            out.push_str(&format!("  {synopsis:<WIDTH$}  {}\n", c.summary));
        }
    }
    out.push_str(
        "`help gc`: the ways to sweep expired sessions, and what each one costs.\n\
         `help serve`: the book's pages for real browsers (`sessim serve`).\n\
         Durations: 90s, 30m, 1h30m, 500ms, 2d. Lines starting with # are comments.\n\
         Quote a value with spaces: set a k \"two words\".",
    );
    out
}

/// `help COMMAND`.
pub fn command_help(c: &Command) -> String {
    let mut out = format!(
        "usage: {}\n{}\n\n{}\n\nexample: {}",
        c.synopsis(),
        c.summary,
        wrap(c.detail),
        c.example
    );
    if !c.mirrors.is_empty() {
        out.push_str(&format!("\nmirrors: {}", c.mirrors));
    }
    out
}

/// `help book`.
pub const BOOK: &str = "\
The book's provider (6.3) and manager (6.2, 6.4) have defects. sessim fixes them
all by default and reproduces any of them on demand: --defects all (or book)
runs the code as written, --defects B1,B7 some of them; `config defects ...`
changes them at the prompt, and `#! defects = ...` in a transcript.

  B1  SessionInit uses list.PushBack, so a new, untouched session sits at the
      back, where SessionGC starts. GC stops at the first live session it meets,
      so expired sessions in front of a fresh one are left alone.
      Fixed: new sessions go to the front; GC reaps exactly the expired ones.
  B2  The manager's GC timer is armed with time.Duration(maxlifetime), which
      counts nanoseconds, not seconds: GC would run every 3.6 microseconds. B2
      is not a switch: the timer fires every gc-interval, and
      `config gc-interval 3600ns` shows what the book's timer does.
  B3  SessionDestroy passes the cookie's value to the provider as it is, still
      URL-escaped (= is %3D), so it destroys nothing: /logout clears the
      browser's cookie but the session stays on the server until GC.
      Fixed: the value is unescaped first, as SessionStart does.
  B4  /count's rotation calls SessionDestroy, then SessionStart on the same
      request, which reads the old cookie again: no new id is issued (with B3,
      the same stale session goes on, and the rotation fires again each time).
      Fixed: the rotation regenerates the id, keeping the data.
  B5  SessionRead adopts an unknown id: it creates a session with whatever id
      the client sent. That allows session fixation and lets clients grow
      memory.
      Fixed: `read` of an unknown id is an error (strict mode).
  B7  Nothing checks expiry on access. An expired session that GC has not
      reached yet is revived by any Get or Set, which moves it to the front with
      a new access time.
      Fixed: touching an expired session fails and removes it (lazy expiry).
  B8  Expiry is timeAccessed.Unix() + maxlifetime < now.Unix(): whole seconds,
      with a strict <. A session accessed at 0.9s with a 1h lifetime is still
      live at 3600.5s and expires at 3601s. max-lifetime counts whole seconds.
      Fixed: exact: expired when now - last_access > max-lifetime.
  B11 The cookie's Max-Age is sent once, when the session is created, while the
      server expires on idleness: an active user loses the cookie at creation +
      max-lifetime though the session is alive.
      Fixed: every response that uses the session sends the cookie again.
  B14 /login keeps the id the session had: an attacker who planted a known id
      in the victim's browser (fixation) shares the logged-in session.
      Fixed: login regenerates the id.

Not simulated, and why:
  B6  Set and Delete write the session's value map outside any lock, and
      SessionRead reads the provider's map without its lock, so concurrent
      requests race. sessim runs one command at a time: no race to show.
  B12 6.4's token defence (a hidden form field checked against the session)
      does not compile as printed; its idea is what `regenerate` and the fixed
      rotation do.

With B5 on, only `read` adopts; set, get, del, incr and touch act on an id you
hold and refuse unknown ones, as a handle from SessionStart would.";

/// `help gc`, after the `gc` command's help.
pub const GC: &str = "\
GC strategies. The rules decide when a session has expired; the strategy
(`--gc`, `config gc`) decides when expired sessions are swept. Each is a real
store's:

  timer     The book's manager (§6.2): GC() runs SessionGC every gc-interval
            (auto: max-lifetime), walking the LRU list from the back and
            stopping at the first live session. The default.
  lazy      express-session's MemoryStore: never sweeps. An expired session
            goes only when a request finds it; with B7 on, never (the leak its
            README warns of).
  php       PHP's session module (ext/session/session.c, php_session_gc): once
            a SessionStart (a visit, `new` or `read`) has its session, a coin
            falls with chance gc-probability/gc-divisor (PHP's defaults 1/100;
            1/1000 in php.ini-production). A hit runs a GC that looks at every
            session and removes the expired ones, all but the request's own,
            which PHP writes back; the request that drew it waits.
  sampling  Redis 7's active expiry (src/expire.c, activeExpireCycle, effort
            1): gc-hz cycles a second (default 10). A cycle samples 20 sessions
            at random, removes the expired, and samples again while more than
            10% of a sample had expired. Redis stops a cycle at 25% of the time
            between cycles (25 ms at hz 10); sessim counts a sample as 1.25 us
            of it, so no round starts after 200,000/gc-hz samples.

absolute-lifetime DURATION (default off) also expires a session that long
after its creation, however active (OWASP's absolute timeout, scs's Lifetime).
Under it a timer or php sweep looks at every session, since one too old can be
anywhere in the list (sampling samples as ever). A removal says which limit was
reached: `gc` or `expired` when idle too long, `lifetime` when too old.

auto-gc off stops every strategy's sweeping. The coins and samples come from
their own stream, seeded by --seed, so they never shift the generated ids; a
draw depends only on the seed and its cycle, so cycles that cannot reap are
counted without being run.

`stats` shows the cost: expired sessions held now and at most, sessions
examined by GC, runs, and the most one run examined (the pause a user feels).
`sessim compare` runs the same traffic under each strategy, side by side.";

/// `help ids`.
pub const IDS: &str = "\
`new` without an id generates one as the book's manager does: 32 random bytes
from the operating system's CSPRNG, base64 URL encoded (44 characters, ending
in =).

With --seed N, ids come from a seeded xoshiro256++ generator instead, so a
script gives the same ids on every run. Seeded ids are predictable: they are for
teaching and tests only, never for protecting anything.";

fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > 80 {
            out.push('\n');
            line = 0;
        } else if line > 0 {
            out.push(' ');
            line += 1;
        }
        out.push_str(word);
        line += word.chars().count();
    }
    out
}
