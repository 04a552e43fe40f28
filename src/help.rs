//! The command table (names, synopses, meanings, examples, the book's calls) and the help
//! topics built from it. Usage errors, completion and hints read the same table.

/// One command of the line language.
#[derive(Debug, Clone, Copy)]
pub struct CommandSpec {
    /// The command's name.
    pub name: &'static str,
    /// Its arguments, as shown in usage lines and hints.
    pub args: &'static str,
    /// One line of meaning.
    pub summary: &'static str,
    /// More about what it does.
    pub detail: &'static str,
    /// A line that uses it.
    pub example: &'static str,
    /// The book's call it mirrors.
    pub mirrors: &'static str,
    /// Which argument positions take a session id (for completion).
    pub id_args: &'static [usize],
}

impl CommandSpec {
    /// `name args`, the synopsis.
    pub fn synopsis(&self) -> String {
        if self.args.is_empty() {
            self.name.to_owned()
        } else {
            format!("{} {}", self.name, self.args)
        }
    }
}

/// Every command, in the order `help` lists them.
pub const COMMANDS: &[CommandSpec] = &[
    CommandSpec {
        name: "new",
        args: "[SID]",
        summary: "create a session (generates the id when none is given)",
        detail: "Stores a new, empty session accessed now and prints its id. Without SID the \
                 id is 32 random bytes, base64 URL encoded, as the manager makes them. An id \
                 that exists is refused. With a capacity set, the least recently used session \
                 is evicted first when the store is full. memory puts the session at the \
                 front of the LRU list; book puts it at the back (B1).",
        example: "new alice",
        mirrors: "SessionInit(sid), via Manager.SessionStart",
        id_args: &[],
    },
    CommandSpec {
        name: "read",
        args: "SID",
        summary: "look a session up, as SessionRead does (does not touch it)",
        detail: "Finds the session and prints a summary. It is not an activity: the last \
                 access and the LRU order stay as they are. memory: an unknown id is an error, \
                 and an expired one is removed (lazy expiry). book: an unknown id is adopted, \
                 that is, created with that id (B5).",
        example: "read alice",
        mirrors: "SessionRead(sid)",
        id_args: &[0],
    },
    CommandSpec {
        name: "set",
        args: "SID KEY VALUE",
        summary: "store a value in a session (activity)",
        detail: "Stores VALUE under KEY and touches the session: its last access becomes now \
                 and it moves to the front. Quote values that hold spaces.",
        example: "set alice name \"Alice Liddell\"",
        mirrors: "SessionStore.Set(key, value), which calls SessionUpdate",
        id_args: &[0],
    },
    CommandSpec {
        name: "get",
        args: "SID KEY",
        summary: "print a value, or (nil) (activity)",
        detail: "Prints the value under KEY, or (nil) when there is none, and touches the \
                 session.",
        example: "get alice name",
        mirrors: "SessionStore.Get(key), which calls SessionUpdate",
        id_args: &[0],
    },
    CommandSpec {
        name: "del",
        args: "SID KEY",
        summary: "delete a key from a session (activity)",
        detail: "Removes KEY and touches the session, whether or not KEY was there.",
        example: "del alice name",
        mirrors: "SessionStore.Delete(key), which calls SessionUpdate",
        id_args: &[0],
    },
    CommandSpec {
        name: "incr",
        args: "SID KEY [BY]",
        summary: "add BY (default 1) to an integer value (activity)",
        detail: "The book's countnum counter: reads KEY as an integer (missing counts as 0), \
                 adds BY and stores the sum, then prints it. A value that is not an integer, \
                 or a sum beyond the 64-bit range, is an error that changes nothing.",
        example: "incr alice countnum",
        mirrors: "sess.Get(\"countnum\") then sess.Set(\"countnum\", ct+1)",
        id_args: &[0],
    },
    CommandSpec {
        name: "touch",
        args: "SID",
        summary: "mark a session used now (activity)",
        detail: "Sets the last access to now and moves the session to the front of the LRU \
                 list.",
        example: "touch alice",
        mirrors: "SessionUpdate(sid)",
        id_args: &[0],
    },
    CommandSpec {
        name: "destroy",
        args: "SID",
        summary: "remove a session",
        detail: "Removes the session at once, with reason `destroyed`.",
        example: "destroy alice",
        mirrors: "SessionDestroy(sid), via Manager.SessionDestroy",
        id_args: &[0],
    },
    CommandSpec {
        name: "show",
        args: "SID",
        summary: "table of a session's keys and values, with its metadata",
        detail: "Shows the session without touching it: its keys and values, last access, \
                 idle time, when it expires, and its state.",
        example: "show alice",
        mirrors: "(looks only)",
        id_args: &[0],
    },
    CommandSpec {
        name: "list",
        args: "[--limit N | --all]",
        summary: "table of sessions, front (most recent) to back",
        detail: "One row per session in LRU order: id, last access, idle time, expiry, \
                 state (live or expired) and number of keys. It shows the first 20 rows and \
                 says how many more there are; --limit N shows N, --all shows every one.",
        example: "list --all",
        mirrors: "(looks only) walks Provider.list from Front()",
        id_args: &[],
    },
    CommandSpec {
        name: "lru",
        args: "[--limit N | --all]",
        summary: "the LRU list drawn as a chain, front to back, with idle times",
        detail: "Draws the list the provider keeps, from the front (most recently used) to \
                 the back, where GC starts looking. Expired sessions are marked.",
        example: "lru",
        mirrors: "(looks only) Provider.list",
        id_args: &[],
    },
    CommandSpec {
        name: "timeline",
        args: "[--limit N | --all]",
        summary: "bars of each session's time left before expiry, and the GC horizon",
        detail: "One bar per session, in list order, from now to its expiry, on a scale of \
                 one max-lifetime. The last line marks when the GC timer fires next.",
        example: "timeline",
        mirrors: "(looks only)",
        id_args: &[],
    },
    CommandSpec {
        name: "gc",
        args: "[--limit N | --all]",
        summary: "run SessionGC(max-lifetime) now; table of what was reaped",
        detail: "Walks the list from the back and removes sessions while the back one is \
                 expired, stopping at the first live one, then reports what it scanned and \
                 reaped. The table shows the first 20 sessions reaped and says how many more \
                 there are; --limit N shows N, --all shows every one.",
        example: "gc --all",
        mirrors: "SessionGC(maxlifetime)",
        id_args: &[],
    },
    CommandSpec {
        name: "advance-clock",
        args: "DURATION",
        summary: "move the virtual clock, firing due auto-GC runs",
        detail: "Moves the clock DURATION later (90s, 30m, 1h30m, 500ms, 2d). Each auto-GC \
                 run that falls due fires at its own instant, in order, and every run that \
                 reaps something is printed. Refused under --clock system.",
        example: "advance-clock 1h30m",
        mirrors: "time passing; the manager's GC() timer (time.AfterFunc)",
        id_args: &[],
    },
    CommandSpec {
        name: "clock",
        args: "",
        summary: "print the current time",
        detail: "Prints the current instant in RFC 3339, UTC.",
        example: "clock",
        mirrors: "time.Now()",
        id_args: &[],
    },
    CommandSpec {
        name: "config",
        args: "[NAME [VALUE]]",
        summary: "show or change max-lifetime, gc-interval, auto-gc, capacity",
        detail: "With no argument, a table of the settings. With NAME, its value. With NAME \
                 VALUE, changes it: max-lifetime DURATION; gc-interval DURATION, or `auto` to \
                 follow max-lifetime; auto-gc on|off (turning it on runs GC now); capacity N, \
                 or `none`. A new max-lifetime or gc-interval re-arms the GC timer from now. \
                 A lower capacity takes effect at the next creation.",
        example: "config max-lifetime 30m",
        mirrors: "NewManager(\"memory\", \"gosessionid\", 3600)",
        id_args: &[],
    },
    CommandSpec {
        name: "stats",
        args: "",
        summary: "counts: live, expired, created, removed by reason, gc runs, entries scanned",
        detail: "A table of the store's counts now and of the totals since start.",
        example: "stats",
        mirrors: "(looks only)",
        id_args: &[],
    },
    CommandSpec {
        name: "log",
        args: "[SID] [--limit N | --all]",
        summary: "the event log, or one session's life",
        detail: "The latest events (the last 20 by default): created, adopted, accessed, \
                 revived, and removed with the reason (gc, expired, evicted, destroyed). With \
                 SID, only that session's events, even after it is gone. The log keeps the \
                 latest 10,000 events.",
        example: "log alice",
        mirrors: "(sessim's own record)",
        id_args: &[0],
    },
    CommandSpec {
        name: "help",
        args: "[COMMAND | book | ids]",
        summary: "this list, or one command's synopsis, meaning and example",
        detail: "`help COMMAND` explains a command; `help book` the book flavour and its \
                 defects; `help ids` how ids are made.",
        example: "help set",
        mirrors: "",
        id_args: &[],
    },
    CommandSpec {
        name: "quit",
        args: "",
        summary: "leave (also `exit` and Ctrl-D)",
        detail: "Leaves the REPL. In a script, it ends the script.",
        example: "quit",
        mirrors: "",
        id_args: &[],
    },
    CommandSpec {
        name: "exit",
        args: "",
        summary: "leave (same as quit)",
        detail: "Leaves the REPL. In a script, it ends the script.",
        example: "exit",
        mirrors: "",
        id_args: &[],
    },
];

/// Help topics that are not commands.
pub const TOPICS: &[&str] = &["book", "ids"];

/// The spec of command `name`.
pub fn spec(name: &str) -> Option<&'static CommandSpec> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The known name closest to `word`, if any is close enough to be a likely typo.
pub fn nearest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    names
        .into_iter()
        .map(|n| (strsim::jaro_winkler(word, n), n))
        .filter(|(score, _)| *score > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, n)| n)
}

/// `help`: every command with its one-line meaning.
pub fn overview() -> String {
    let width = COMMANDS
        .iter()
        .map(|c| c.synopsis().chars().count())
        .max()
        .unwrap_or(0);
    let mut out = String::from(
        "Commands (`help COMMAND` for more; `help book`: the book's defects; `help ids`: ids):\n",
    );
    for c in COMMANDS {
        out.push_str(&format!("  {:<width$}  {}\n", c.synopsis(), c.summary));
    }
    out.push_str(
        "Durations: 90s, 30m, 1h30m, 500ms, 2d. Quote values with spaces: set a k \"two words\".\n\
         Lines starting with # are comments.",
    );
    out
}

/// `help COMMAND`.
pub fn command_help(c: &CommandSpec) -> String {
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
The book flavour (--provider book) runs the provider of chapter 6.3 as written.
The default flavour, memory, fixes its defects:

  B1  SessionInit uses list.PushBack, so a new, untouched session sits at the back,
      where SessionGC starts. GC stops at the first live session it meets, so expired
      sessions in front of a fresh one are left alone.
      memory: new sessions go to the front; GC reaps exactly the expired ones.
  B2  The manager's GC timer is armed with time.Duration(maxlifetime), which counts
      nanoseconds, not seconds: GC would run every 3.6 microseconds. sessim does not
      reproduce this in either flavour: the timer fires every gc-interval.
  B5  SessionRead adopts an unknown id: it creates a session with whatever id the
      client sent. That allows session fixation and lets clients grow memory.
      memory: `read` of an unknown id is an error (strict mode).
  B7  Nothing checks expiry on access. An expired session that GC has not reached yet
      is revived by any Get or Set, which moves it to the front with a new access time.
      memory: touching an expired session fails and removes it (lazy expiry).
  B8  Expiry is timeAccessed.Unix() + maxlifetime < now.Unix(): whole seconds, with a
      strict <. A session accessed at 0.9s with a 1h lifetime is still live at 3600.5s
      and expires at 3601s. max-lifetime counts whole seconds.
      memory: exact: expired when now - last_access > max-lifetime.

In book, only `read` adopts; set, get, del, incr and touch act on an id you hold and
refuse unknown ones, as a handle from SessionStart would.";

/// `help ids`.
pub const IDS: &str = "\
`new` without an id generates one as the book's manager does: 32 random bytes from the
operating system's CSPRNG, base64 URL encoded (44 characters, ending in =).

With --seed N, ids come from a seeded xoshiro256++ generator instead, so a script gives
the same ids on every run. Seeded ids are predictable: they are for teaching and tests
only, never for protecting anything.";

fn wrap(text: &str) -> String {
    let mut out = String::new();
    let mut line = 0;
    for word in text.split_whitespace() {
        if line > 0 && line + 1 + word.chars().count() > 88 {
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
