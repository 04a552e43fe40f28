//! Faults from outside: a reader that goes away (`| head -1`), `replay --bless` killed with
//! SIGKILL in the middle of rewriting many files, a disk that fills up during `--bless`,
//! and a history file that cannot be used.
#![cfg(unix)]

mod common;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::{ControlCode, Expect, Session};

use common::{exe, head_1, scratch, spawn, text};

// ---------------------------------------------------------------------------------------
// A closed pipe

/// Runs sessim with its output pipe closed before it writes anything.
fn closed_at_once(args: &[&str]) -> Output {
    let mut child = spawn(args, Stdio::null());
    drop(child.stdout.take());
    child.wait_with_output().expect("sessim ends")
}

fn quiet_success(what: &str, out: &Output) {
    assert_eq!(out.status.code(), Some(0), "{what}: {}", text(&out.stderr));
    assert_eq!(text(&out.stderr), "", "{what} ends without a message");
}

/// Many transcripts that pass: enough report lines to fill a pipe.
fn passing_transcripts(dir: &Path, n: usize) {
    for i in 0..n {
        std::fs::write(
            dir.join(format!("t{i:04}.sessim")),
            format!("> new s{i}\ns{i}\n> clock\n2026-01-01T00:00:00Z\n"),
        )
        .expect("write transcript");
    }
}

#[test]
fn replay_into_a_closed_pipe_ends_quietly_with_0() {
    let dir = scratch("pipe-replay");
    passing_transcripts(&dir, 1500);
    let folder = dir.display().to_string();
    let (first, out) = head_1(&["replay", &folder]);
    assert!(first.starts_with("PASS "), "{first}");
    quiet_success("replay | head -1", &out);
    quiet_success("replay >&-", &closed_at_once(&["replay", &folder]));
}

#[test]
fn bench_into_a_closed_pipe_ends_quietly_with_0() {
    let args = ["bench", "--sessions", "1000", "--ops", "1000"];
    let (first, out) = head_1(&args);
    assert!(first.starts_with("phase=create "), "{first}");
    quiet_success("bench | head -1", &out);
    quiet_success("bench >&-", &closed_at_once(&args));
}

#[test]
fn run_into_a_pipe_closed_at_once_ends_quietly_with_0() {
    let dir = scratch("pipe-run");
    let file = dir.join("big.sessim");
    let script: String = (0..50_000).map(|i| format!("new s{i}\n")).collect();
    std::fs::write(&file, script).expect("write script");
    let file = file.display().to_string();
    quiet_success("run >&-", &closed_at_once(&["run", &file]));
    quiet_success("run --echo >&-", &closed_at_once(&["run", "--echo", &file]));
}

#[test]
fn an_error_into_a_closed_stderr_keeps_its_exit_code() {
    // `sessim --max-lifetime 300y 2>&1 | true`: the message cannot be read, the code can.
    let mut child = exe()
        .args(["--max-lifetime", "300y"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sessim starts");
    drop(child.stderr.take());
    let status = child.wait().expect("sessim ends");
    assert_eq!(status.code(), Some(2), "a usage error, not a panic");
}

#[test]
fn a_line_without_end_cannot_exhaust_memory() {
    // 64 MiB of NUL bytes and no newline (think `sessim < /dev/zero`), read within 40 MiB of
    // address space: a located error, and the script goes on.
    let mut child = Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 40000; exec \"$0\"")
        .arg(env!("CARGO_BIN_EXE_sessim"))
        .env("SESSIM_HISTFILE", "")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let mut stdin = child.stdin.take().expect("stdin");
    let feeder = std::thread::spawn(move || {
        use std::io::Write;
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            if stdin.write_all(&zeros).is_err() {
                return;
            }
        }
        let _ = stdin.write_all(b"\nclock\n");
    });
    let out = child.wait_with_output().expect("sessim ends");
    feeder.join().expect("fed");
    assert_eq!(
        text(&out.stderr),
        "<stdin>:1: error: the line is 67108864 bytes long; the limit is 65536\n"
    );
    assert_eq!(text(&out.stdout), "2026-01-01T00:00:00Z\n");
    assert_eq!(out.status.code(), Some(1));
}

// ---------------------------------------------------------------------------------------
// `replay --bless` killed at a random moment

const FILES: usize = 200;
const ROUNDS: usize = 6;

/// Transcript `i` as written (every expected block wrong) and as `--bless` rewrites it.
fn old_content(i: usize) -> String {
    format!(
        "# transcript {i}\n#! seed = {i}\n\n> new s{i}\nwrong\n\n> set s{i} k v{i}\nwrong too\n> get s{i} k\n\n> clock\n2026-01-01T00:00:00Z\n"
    )
}

fn new_content(i: usize) -> String {
    format!(
        "# transcript {i}\n#! seed = {i}\n\n> new s{i}\ns{i}\n\n> set s{i} k v{i}\nOK\n> get s{i} k\nv{i}\n\n> clock\n2026-01-01T00:00:00Z\n"
    )
}

fn reset(dir: &Path) {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).expect("folder");
    for i in 0..FILES {
        std::fs::write(dir.join(format!("t{i:03}.sessim")), old_content(i)).expect("write");
    }
}

/// How many files hold their old and their new content; panics on anything else.
fn census(dir: &Path) -> (usize, usize) {
    let (mut old, mut new) = (0, 0);
    for i in 0..FILES {
        let path = dir.join(format!("t{i:03}.sessim"));
        let content = std::fs::read_to_string(&path).expect("the transcript is still there");
        if content == old_content(i) {
            old += 1;
        } else if content == new_content(i) {
            new += 1;
        } else {
            panic!("{} is neither old nor new:\n{content}", path.display());
        }
    }
    (old, new)
}

#[test]
fn bless_killed_at_random_moments_leaves_each_file_old_or_new() {
    let dir = scratch("kill-bless");
    let folder = dir.join("t");
    let name = folder.display().to_string();

    // One full run: the blessed content is what the test expects, and it gives the time
    // scale of the kills.
    reset(&folder);
    let started = Instant::now();
    let out = exe()
        .args(["replay", "--bless", &name])
        .output()
        .expect("run");
    let full = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(census(&folder), (0, FILES), "a full run blesses every file");

    let mut partial = 0;
    let mut leftovers = 0;
    for round in 0..ROUNDS {
        reset(&folder);
        let mut child = exe()
            .args(["replay", "--bless", &name])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("sessim starts");
        let wait = full.mul_f64(rand::random::<f64>() * 1.1);
        std::thread::sleep(wait);
        let _ = child.kill(); // SIGKILL; it may have finished already
        let status = child.wait().expect("reaped");
        let (old, new) = census(&folder);
        if old > 0 && new > 0 {
            partial += 1;
        }
        // A kill between creating a temporary file and renaming it leaves that file behind:
        // hidden, and never taken for a transcript.
        let tmp: Vec<_> = std::fs::read_dir(&folder)
            .expect("list")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .filter(|n| !n.ends_with(".sessim"))
            .collect();
        assert!(
            tmp.iter()
                .all(|n| n.starts_with('.') && n.ends_with(".tmp")),
            "{tmp:?}"
        );
        leftovers += tmp.len();
        eprintln!(
            "round {round}: killed after {wait:?} of {full:?} ({status}): {old} old, {new} new, {} temporary",
            tmp.len()
        );
        // And the next bless finishes the job.
        let out = exe()
            .args(["replay", "--bless", &name])
            .output()
            .expect("run");
        assert!(
            matches!(out.status.code(), Some(0)),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(census(&folder), (0, FILES));
    }
    eprintln!("{partial} of {ROUNDS} rounds were killed mid-way; {leftovers} temporary files left");
}

// ---------------------------------------------------------------------------------------
// A full disk during `--bless`

#[test]
fn a_full_disk_during_bless_leaves_the_original_intact() {
    let dir = scratch("full-disk");
    let file = dir.join("help.sessim");
    // Small as written; its blessed form holds the whole help text, several kilobytes.
    let original = "# the commands\n> help\nnot this\n";
    std::fs::write(&file, original).expect("write");
    let name = file.display().to_string();
    // `ulimit -f 2`: files may grow to 1 KiB; a longer write fails with EFBIG, SIGXFSZ ignored.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 2; exec \"$0\" replay --bless \"{name}\""
        ))
        .arg(env!("CARGO_BIN_EXE_sessim"))
        .env_remove("CI")
        .output()
        .expect("sh runs");
    let err = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert_eq!(
        err,
        format!(
            "{name}: error: cannot bless: File too large (os error 27); the file is unchanged\n"
        )
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), original);
    let others: Vec<_> = std::fs::read_dir(&dir)
        .expect("list")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(others.len(), 1, "the temporary file is removed: {others:?}");
    // With room, the same bless succeeds.
    let out = exe()
        .args(["replay", "--bless", &name])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    assert!(std::fs::read_to_string(&file).expect("read").len() > 1024);
}

// ---------------------------------------------------------------------------------------
// A history file that cannot be used

const PROMPT: &str = "2026-01-01T00:00:00Z> ";

/// The REPL in a pseudo-terminal with `SESSIM_HISTFILE` set to `history`.
fn repl(history: &Path) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessim"));
    cmd.args(["--color", "never"])
        .env("SESSIM_HISTFILE", history)
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("sessim starts in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s
}

/// Types a command, checks its output, leaves with Ctrl-D; returns what came after.
fn works_and_leaves(s: &mut expectrl::session::OsSession) -> String {
    s.expect(PROMPT).expect("prompt");
    s.send_line("new a").expect("send");
    s.expect("\na\r").expect("the command ran");
    s.expect(PROMPT).unwrap();
    s.send(ControlCode::EndOfTransmission).expect("Ctrl-D");
    let rest = s.expect(expectrl::Eof).expect("end");
    match s.get_process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0, "exit code"),
        other => panic!("sessim did not exit normally: {other:?}"),
    }
    String::from_utf8_lossy(rest.as_bytes()).into_owned()
}

#[test]
fn a_history_path_that_is_a_folder_or_under_a_file_warns_once() {
    let dir = scratch("history-bad-path");
    let file = dir.join("plain-file");
    std::fs::write(&file, "not a folder").expect("write");
    for path in [dir.clone(), file.join("history")] {
        let mut s = repl(&path);
        s.expect(format!("warning: history file {} cannot be used", path.display()).as_str())
            .expect("one warning");
        let rest = works_and_leaves(&mut s);
        assert!(!rest.contains("warning"), "warned twice: {rest:?}");
    }
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "not a folder",
        "untouched"
    );
}

#[test]
fn a_history_file_that_is_not_text_is_left_alone() {
    let dir = scratch("history-binary");
    let path = dir.join("history");
    let junk = b"\x89PNG\r\n\x1a\n\xff\xfe\x00\x00 not history\n".to_vec();
    std::fs::write(&path, &junk).expect("write");
    let mut s = repl(&path);
    s.expect(format!("warning: history file {} cannot be used", path.display()).as_str())
        .expect("one warning");
    let rest = works_and_leaves(&mut s);
    assert!(!rest.contains("warning"), "warned twice: {rest:?}");
    assert_eq!(std::fs::read(&path).expect("read"), junk, "not overwritten");
}

#[test]
fn a_history_file_that_vanishes_during_the_session_warns_at_exit() {
    let dir = scratch("history-vanishes");
    let path = dir.join("history");
    let mut s = repl(&path);
    s.expect(PROMPT).expect("prompt, no warning");
    // The file is replaced by a folder while the REPL runs: saving at exit fails.
    let _ = std::fs::remove_file(&path);
    std::fs::create_dir(&path).expect("a folder in its place");
    s.send_line("new a").expect("send");
    s.expect("\na\r").expect("the command ran");
    s.expect(PROMPT).unwrap();
    s.send(ControlCode::EndOfTransmission).expect("Ctrl-D");
    let rest = s.expect(expectrl::Eof).expect("end");
    let rest = String::from_utf8_lossy(rest.as_bytes());
    assert!(
        rest.contains(&format!(
            "warning: cannot save history to {}",
            path.display()
        )),
        "{rest:?}"
    );
    match s.get_process().wait().expect("wait") {
        WaitStatus::Exited(_, code) => assert_eq!(code, 0, "exit code"),
        other => panic!("sessim did not exit normally: {other:?}"),
    }
}

#[test]
fn the_repl_into_a_closed_pipe_ends_quietly_with_0() {
    // At a terminal, with stdout piped to a reader that leaves at once or after one line.
    for reader in ["true", "head -1"] {
        let script =
            format!("\"$0\" --color never | {reader}; echo \"[status ${{PIPESTATUS[0]}}]\"");
        let mut cmd = Command::new("bash");
        cmd.args(["-c", &script, env!("CARGO_BIN_EXE_sessim")])
            .env("SESSIM_HISTFILE", "")
            .env("TERM", "xterm");
        let mut s = Session::spawn(cmd).expect("bash starts in a pty");
        s.set_expect_timeout(Some(Duration::from_secs(20)));
        // The first write into the closed pipe may be the banner, the prompt, or the output
        // of a command: type some.
        std::thread::sleep(Duration::from_millis(300));
        for _ in 0..3 {
            let _ = s.send_line("new");
            std::thread::sleep(Duration::from_millis(100));
        }
        let found = s.expect("[status ").expect("the pipeline ends");
        let before = String::from_utf8_lossy(found.before()).into_owned();
        assert!(
            !before.contains("panicked") && !before.contains("error"),
            "{reader}: {before:?}"
        );
        let rest = s.expect(expectrl::Eof).expect("bash ends");
        let rest = String::from_utf8_lossy(rest.as_bytes()).into_owned();
        assert!(
            rest.starts_with("0]"),
            "{reader}: sessim ended with {rest:?}"
        );
    }
}

#[test]
fn bless_through_a_symbolic_link_rewrites_its_target_and_keeps_the_link() {
    let dir = scratch("symlink");
    let target = dir.join("real.sessim");
    std::fs::write(&target, "> clock\nwrong\n").expect("write");
    let link = dir.join("link.sessim");
    std::os::unix::fs::symlink("real.sessim", &link).expect("symlink");
    let out = exe()
        .args(["replay", "--bless", &link.display().to_string()])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink(),
        "the link is kept"
    );
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "> clock\n2026-01-01T00:00:00Z\n"
    );
}
