//! The REPL in a real pseudo-terminal: Tab completion of commands and ids, an error that
//! keeps the prompt alive, history across a restart, Ctrl-D exiting 0, and lines pasted or
//! typed ahead all running.
#![cfg(unix)]

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use expectrl::process::unix::WaitStatus;
use expectrl::{ControlCode, Expect, Session};

const PROMPT: &str = "2026-01-01T00:00:00Z> ";

fn start(histfile: &Path) -> expectrl::session::OsSession {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessim"));
    cmd.args(["--color", "never"])
        .env("SESSIM_HISTFILE", histfile)
        .env("TERM", "xterm");
    let mut session = Session::spawn(cmd).expect("sessim starts in a pty");
    session.set_expect_timeout(Some(Duration::from_secs(20)));
    session.expect(PROMPT).expect("first prompt");
    session
}

/// Waits (at most 20 s, never forever) for sessim to exit, and checks it exited with 0.
fn exits_zero(session: &expectrl::session::OsSession) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        match session.get_process().status().expect("status of sessim") {
            WaitStatus::Exited(_, code) => return assert_eq!(code, 0, "exit code"),
            WaitStatus::StillAlive if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            other => panic!("sessim did not exit normally in time: {other:?}"),
        }
    }
}

fn histfile(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("sessim-repl-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    // A missing folder is created for the history file.
    dir.join("nested").join("history")
}

#[test]
fn tab_completes_commands_and_ids_and_errors_keep_the_prompt() {
    let hist = histfile("tab");
    let mut s = start(&hist);
    s.send_line("new alice").unwrap();
    s.expect("\nalice\r").unwrap();

    // `se` + Tab becomes `set `; had it not, the line would be `sealice ...`, an error.
    s.send("se\t").unwrap();
    s.expect("set ").unwrap();
    // `al` + Tab completes the live id.
    s.send("al\t").unwrap();
    s.expect("alice ").unwrap();
    s.send_line("colour blue").unwrap();
    s.expect("\nOK\r").unwrap();

    s.send_line("bogus").unwrap();
    s.expect("\nerror: unknown command `bogus`").unwrap();
    s.send("get al\t").unwrap();
    s.expect("alice ").unwrap();
    s.send_line("colour").unwrap();
    s.expect("\nblue\r").unwrap();

    s.expect(PROMPT).unwrap();

    s.send(ControlCode::EndOfTransmission).unwrap();
    exits_zero(&s);
}

#[test]
fn history_survives_a_restart() {
    let hist = histfile("history");
    let mut s = start(&hist);
    s.send_line("new remembered").unwrap();
    s.expect("\nremembered\r").unwrap();
    s.expect(PROMPT).unwrap();
    s.send_line("quit").unwrap();
    exits_zero(&s);
    let saved = std::fs::read_to_string(&hist).expect("history file written");
    assert!(saved.lines().any(|l| l == "new remembered"), "{saved:?}");

    let mut s = start(&hist);
    // Up twice recalls `new remembered` from the last run (past `quit`); Enter runs it
    // again on the new, empty store.
    s.send("\x1b[A").unwrap();
    s.send("\x1b[A").unwrap();
    s.send_line("").unwrap();
    s.expect("\nremembered\r").unwrap();
    s.send_line("list").unwrap();
    s.expect("┆ remembered ┆").unwrap();
    s.expect(PROMPT).unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    exits_zero(&s);
}

#[test]
fn an_unwritable_history_file_warns_once_and_the_repl_works() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessim"));
    cmd.args(["--color", "never"])
        .env("SESSIM_HISTFILE", "/proc/sessim-cannot-write-here/history")
        .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("sessim starts in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    s.expect("warning: history file /proc/sessim-cannot-write-here/history cannot be used")
        .unwrap();
    s.expect(PROMPT).unwrap();
    s.send_line("new a").unwrap();
    s.expect("\na\r").unwrap();
    s.expect(PROMPT).unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    let rest = s.expect(expectrl::Eof).unwrap();
    let rest = String::from_utf8_lossy(rest.as_bytes());
    assert!(!rest.contains("warning"), "warned twice: {rest:?}");
    exits_zero(&s);
}

#[test]
fn three_lines_pasted_at_once_all_run_in_order() {
    let hist = histfile("paste");
    let mut s = start(&hist);
    // What a terminal sends for a bracketed paste of three lines, then Enter.
    s.send("\x1b[200~new ann\nnew ben\nlru\x1b[201~").unwrap();
    s.send("\r").unwrap();
    s.expect("\nann\r").unwrap();
    s.expect("\nben\r").unwrap();
    s.expect("front → ben (idle 0s) → ann (idle 0s) → back")
        .unwrap();
    s.expect(PROMPT).unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    exits_zero(&s);
}

#[test]
fn lines_typed_ahead_all_run_in_order() {
    let hist = histfile("typeahead");
    let mut s = start(&hist);
    // Three lines in one write, as a terminal without bracketed paste sends them: the
    // lines after the first wait in rustyline's buffer for the next prompt.
    s.send("new ann\rnew ben\rlru\r").unwrap();
    s.expect("\nann\r").unwrap();
    s.expect("\nben\r").unwrap();
    s.expect("front → ben (idle 0s) → ann (idle 0s) → back")
        .unwrap();
    s.expect(PROMPT).unwrap();
    s.send(ControlCode::EndOfTransmission).unwrap();
    exits_zero(&s);
}

/// `GET path` on `port` with `cookie`, as a browser sends it; the answer's whole text.
fn http_get(port: &str, path: &str, cookie: Option<&str>) -> String {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).expect("serving");
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: x\r\nUser-Agent: curl/8\r\n{cookie}Connection: close\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    answer
}

#[test]
fn serve_prints_each_request_above_the_prompt_and_quit_stops_it() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_sessim"));
    cmd.args([
        "serve",
        "--listen",
        "127.0.0.1:0",
        "--seed",
        "5",
        "--color",
        "never",
    ])
    .env("SESSIM_HISTFILE", "")
    .env("TERM", "xterm");
    let mut s = Session::spawn(cmd).expect("sessim starts in a pty");
    s.set_expect_timeout(Some(Duration::from_secs(20)));
    let found = s.expect(expectrl::Regex("127.0.0.1:[0-9]+/")).unwrap();
    let port = String::from_utf8_lossy(found.get(0).unwrap())
        .trim_start_matches("127.0.0.1:")
        .trim_end_matches('/')
        .to_owned();
    s.expect(PROMPT).unwrap();

    // A request arrives while a command is half typed: it is printed, and the line stays.
    s.send("advance-cl").unwrap();
    let answer = http_get(&port, "/count", None);
    let cookie = answer
        .lines()
        .find_map(|l| l.strip_prefix("Set-Cookie: "))
        .and_then(|c| c.split(';').next())
        .unwrap()
        .to_owned();
    s.expect("» curl 127.0.0.1:").unwrap();
    s.expect("200 countnum = 1").unwrap();
    s.send("ock 61m\r").unwrap();
    s.expect("2026-01-01T01:01:00Z\r").unwrap();

    // The prompt's clock is the server's: the session has expired.
    let answer = http_get(&port, "/count", Some(&cookie));
    assert!(answer.contains("countnum = 1"), "{answer}");
    s.expect("had expired: removed (lazy expiry)").unwrap();

    s.send_line("quit").unwrap();
    exits_zero(&s);
    assert!(std::net::TcpStream::connect(format!("127.0.0.1:{port}")).is_err());
}
