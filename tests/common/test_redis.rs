//! A private `redis-server` for one test: on a unix socket in a scratch folder, with no
//! persistence, stopped when dropped. A Redis that is already running is never touched.
//!
//! Without `redis-server` on the PATH the test is skipped with one line, unless `CI` is
//! set, where that is a failure.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A running private server.
pub struct TestRedis {
    child: Child,
    dir: PathBuf,
    /// Extra options of `redis-server`.
    extra: &'static [&'static str],
    /// Its URL: `unix://` and the socket's path.
    pub url: String,
}

impl TestRedis {
    /// Starts a server for test `name`, or says the test is skipped and returns `None`.
    pub fn start(name: &str) -> Option<TestRedis> {
        TestRedis::start_with(name, &[])
    }

    /// A server without Redis 7's functions, as a Redis 6 is: its `FUNCTION` command is
    /// renamed away, so sessim runs its code as scripts (`EVALSHA`).
    pub fn start_without_functions(name: &str) -> Option<TestRedis> {
        TestRedis::start_with(name, &["--rename-command", "FUNCTION", ""])
    }

    fn start_with(name: &str, extra: &'static [&'static str]) -> Option<TestRedis> {
        if Command::new("redis-server")
            .arg("--version")
            .output()
            .is_err()
        {
            assert!(
                std::env::var_os("CI").is_none(),
                "redis-server is not on the PATH, and CI is set: install the redis-server package"
            );
            eprintln!("skipped {name}: redis-server is not installed");
            return None;
        }
        let dir = super::scratch(&format!("redis-{name}"));
        let socket = dir.join("r.sock");
        let server = TestRedis {
            child: spawn(&dir, extra),
            url: format!("unix://{}", socket.display()),
            dir,
            extra,
        };
        server.wait_ready(&socket);
        Some(server)
    }

    fn wait_ready(&self, socket: &std::path::Path) {
        let start = Instant::now();
        while start.elapsed() < Duration::from_secs(10) {
            if std::os::unix::net::UnixStream::connect(socket).is_ok() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("redis-server did not open {}", socket.display());
    }

    /// A connection, for looking at the server directly.
    pub fn connection(&self) -> redis::Connection {
        redis::Client::open(self.url.as_str())
            .and_then(|c| c.get_connection())
            .expect("the test server answers")
    }

    /// Stops the server at once, as a crash would.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Starts it again on the same socket, empty.
    pub fn restart(&mut self) {
        let socket = self.dir.join("r.sock");
        let _ = std::fs::remove_file(&socket);
        self.child = spawn(&self.dir, self.extra);
        self.wait_ready(&socket);
    }
}

/// `redis-server` on socket `r.sock` in `dir`, with no persistence, and `extra`.
fn spawn(dir: &std::path::Path, extra: &[&str]) -> Child {
    Command::new("redis-server")
        .args(["--port", "0", "--unixsocket"])
        .arg(dir.join("r.sock"))
        .args([
            "--unixsocketperm",
            "700",
            "--save",
            "",
            "--appendonly",
            "no",
        ])
        .arg("--dir")
        .arg(dir)
        .args(["--daemonize", "no", "--loglevel", "warning"])
        .args(extra)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server starts")
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        self.kill();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
