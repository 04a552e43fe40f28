//! Helpers the integration tests share: running the binary, scratch folders, and a snapshot
//! of everything a failed command must leave as it was.
// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

use std::ops::ControlFlow;

use sessim::basics::time::Time;
use sessim::manager::{Config, Stats};
use sessim::shell::Shell;
use sessim::store::{End, Store};

pub mod test_redis;

/// The sessim binary, with no history file and `CI` unset.
pub fn exe() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessim"));
    cmd.env_remove("CI").env("SESSIM_HISTFILE", "");
    cmd
}

/// Starts sessim with `args` and `stdin`, its output and errors piped back.
pub fn spawn(args: &[&str], stdin: Stdio) -> Child {
    exe()
        .args(args)
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sessim starts")
}

/// Runs sessim with `args`, feeding it `stdin`, and waits for it.
pub fn sessim(args: &[&str], stdin: impl AsRef<[u8]>) -> Output {
    let mut child = spawn(args, Stdio::piped());
    let mut input = child.stdin.take().expect("stdin");
    // sessim may exit before reading its input (a usage error): a closed pipe is fine.
    let _ = input.write_all(stdin.as_ref());
    drop(input);
    child.wait_with_output().expect("sessim ends")
}

/// Runs sessim with `args`, reads one line of its output and closes the pipe, as
/// `sessim ... | head -1` does. Returns the line and how sessim ended.
pub fn head_1(args: &[&str]) -> (String, Output) {
    let mut child = spawn(args, Stdio::null());
    let mut first = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut first)
        .expect("one line");
    (first, child.wait_with_output().expect("sessim ends"))
}

/// Output as text; sessim only writes UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("UTF-8 output")
}

/// A fresh scratch folder for one test, named after the test binary and `name`.
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "sessim-{}-{name}-{}",
        env!("CARGO_CRATE_NAME"),
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

/// Writes `content` to `dir/name` and returns the path as text.
pub fn write(dir: &Path, name: &str, content: impl AsRef<[u8]>) -> String {
    let path = dir.join(name);
    std::fs::write(&path, content).expect("write file");
    path.display().to_string()
}

/// One stored session: id, last access, values in order.
pub type Stored = (String, Time, Vec<(String, String)>);

/// Everything a failed command must leave as it was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct State {
    pub now: Time,
    /// Front to back.
    pub sessions: Vec<Stored>,
    pub stats: Stats,
    pub config: Config,
    pub next_gc: Option<Time>,
    /// Events ever logged: kept plus dropped.
    pub logged: u64,
    pub last_event: Option<String>,
    /// Each client and the cookies it holds.
    pub clients: Vec<(String, Vec<sessim::web::Kept>)>,
}

/// Every stored session, front to back.
pub fn sessions(store: &impl Store) -> Vec<Stored> {
    let mut out = Vec::new();
    store
        .walk(End::Front, &mut |s| {
            let values = s
                .values
                .iter()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect();
            out.push((s.id.to_owned(), s.last_access, values));
            ControlFlow::Continue(())
        })
        .expect("the memory store does not fail");
    out
}

/// The state of `shell` now.
pub fn state(shell: &Shell) -> State {
    let m = shell.manager();
    State {
        now: shell.now(),
        sessions: sessions(m.store()),
        stats: *m.stats(),
        config: m.config().clone(),
        next_gc: m.next_gc(),
        logged: m.log().len() as u64 + m.log().dropped(),
        last_event: m.log().iter().next_back().map(|e| format!("{e:?}")),
        clients: shell
            .clients()
            .iter()
            .map(|(name, jar)| (name.to_owned(), jar.live(shell.now()).cloned().collect()))
            .collect(),
    }
}
