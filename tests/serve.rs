//! `sessim serve` over real sockets, with an HTTP client (ureq) and cookie stores kept by
//! the test: the cookie flows of the web lessons, the same `Set-Cookie` as `visit`, load
//! from eight threads, bad requests, the process's start and stop, two servers on one
//! store, and a real browser.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use cookie::Cookie;
use sessim::Simulation;
use sessim::serve::site::Site;
use sessim::serve::{Server, lock};
use sessim::shell::Shell;
use sessim::shell::options::Format;

mod common;
use common::test_redis::TestRedis;
use common::{exe, scratch, text};

/// A server in this process over a fresh simulation with `options`.
struct Served {
    shell: Arc<Mutex<Shell>>,
    server: Option<Server>,
    told: Arc<Mutex<Vec<String>>>,
}

impl Served {
    fn start(options: &[&str]) -> Served {
        Served::with_timeout(options, Duration::from_secs(5))
    }

    fn with_timeout(options: &[&str], timeout: Duration) -> Served {
        Served::telling(options, timeout, Format::Text)
    }

    fn telling(options: &[&str], timeout: Duration, format: Format) -> Served {
        let shell = Simulation::new(options).expect("options").into_shell();
        let shell = Arc::new(Mutex::new(shell));
        let told = Arc::new(Mutex::new(Vec::new()));
        let sink = Arc::clone(&told);
        let notify = Box::new(move |text: String| sink.lock().unwrap().push(text));
        let site = Arc::new(Site::new(Arc::clone(&shell), notify).telling_in(format));
        let addr: SocketAddr = "127.0.0.1:0".parse().unwrap();
        let server = Server::start(addr, site, timeout).expect("listens");
        Served {
            shell,
            server: Some(server),
            told,
        }
    }

    fn base(&self) -> String {
        format!("http://{}", self.addr())
    }

    fn addr(&self) -> SocketAddr {
        self.server.as_ref().unwrap().addr()
    }

    /// Runs `line` at the server's prompt.
    fn prompt(&self, line: &str) {
        if let Err(e) = lock(&self.shell).execute(line) {
            panic!("`{line}` failed: {e}");
        }
    }

    fn stored(&self) -> usize {
        lock(&self.shell).manager().stored().unwrap()
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(server) = self.server.take() {
            server.stop();
        }
    }
}

/// A browser: an HTTP agent and its own cookie store, by cookie name.
#[derive(Clone)]
struct Browser {
    agent: ureq::Agent,
    base: String,
    cookies: BTreeMap<String, String>,
}

/// What a page answered.
#[derive(Debug)]
struct Page {
    status: u16,
    set_cookie: Vec<String>,
    location: Option<String>,
    body: String,
}

impl Page {
    /// The page's result line, as the HTML shows it.
    fn result(&self) -> &str {
        let start = self.body.find("id=\"result\">").expect("a result") + "id=\"result\">".len();
        let end = self.body[start..].find("</p>").unwrap() + start;
        &self.body[start..end]
    }
}

impl Browser {
    fn new(base: &str) -> Browser {
        let config = ureq::Agent::config_builder()
            .max_redirects(0)
            .http_status_as_error(false)
            .build();
        Browser {
            agent: config.new_agent(),
            base: base.to_owned(),
            cookies: BTreeMap::new(),
        }
    }

    fn cookie_header(&self) -> Option<String> {
        let pairs: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    fn get(&mut self, path: &str) -> Page {
        let mut request = self.agent.get(format!("{}{path}", self.base));
        if let Some(cookie) = self.cookie_header() {
            request = request.header("Cookie", cookie);
        }
        self.take(request.call().expect("an answer"))
    }

    fn post(&mut self, path: &str, form: &str) -> Page {
        let mut request = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("Content-Type", "application/x-www-form-urlencoded");
        if let Some(cookie) = self.cookie_header() {
            request = request.header("Cookie", cookie);
        }
        self.take(request.send(form).expect("an answer"))
    }

    /// Reads the answer and keeps its cookies, as a browser does.
    fn take(&mut self, mut response: ureq::http::Response<ureq::Body>) -> Page {
        let set_cookie: Vec<String> = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        for header in &set_cookie {
            let c = Cookie::parse(header.as_str()).expect("a cookie");
            if c.max_age().is_some_and(|age| age.whole_seconds() <= 0) {
                self.cookies.remove(c.name());
            } else {
                self.cookies
                    .insert(c.name().to_owned(), c.value().to_owned());
            }
        }
        Page {
            status: response.status().as_u16(),
            location: response
                .headers()
                .get("location")
                .map(|v| v.to_str().unwrap().to_owned()),
            set_cookie,
            body: response.body_mut().read_to_string().expect("a body"),
        }
    }
}

/// The `Set-Cookie` lines `visit` prints for `script` run with `options`.
fn visit_set_cookies(options: &[&str], script: &str) -> Vec<String> {
    let out = sessim::run(options, script).expect("runs");
    out.lines()
        .filter_map(|l| l.strip_prefix("Set-Cookie: "))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_first_visit_gets_the_cookie_visit_gets() {
    let served = Served::start(&["--seed", "5"]);
    let mut chrome = Browser::new(&served.base());
    let page = chrome.get("/count");
    assert_eq!(page.status, 200);
    assert_eq!(page.result(), "countnum = 1");
    assert_eq!(
        page.set_cookie,
        visit_set_cookies(&["--seed", "5"], "visit a /count")
    );
    let cookie = &page.set_cookie[0];
    assert!(cookie.starts_with("gosessionid="), "{cookie}");
    assert!(
        cookie.contains("%3D; HttpOnly; Path=/; Max-Age=3600"),
        "{cookie}"
    );
    assert_eq!(chrome.get("/count").result(), "countnum = 2");
    let told = served.told.lock().unwrap().join("");
    assert!(told.contains("» ureq 127.0.0.1:"), "{told}");
    assert!(told.contains("200 countnum = 2"), "{told}");

    // The prompt's settings shape the cookie: no Max-Age, not HttpOnly.
    served.prompt("config cookie-max-age session");
    served.prompt("config cookie-httponly off");
    let page = Browser::new(&served.base()).get("/");
    assert_eq!(page.set_cookie.len(), 1);
    assert!(
        page.set_cookie[0].ends_with("; Path=/"),
        "{:?}",
        page.set_cookie
    );
}

#[test]
fn login_and_logout_with_b3_on_and_off() {
    let script = "visit a /login user=alice\nvisit a /\nvisit a /logout";
    for (defects, left) in [("all", 1), ("none", 0)] {
        let options = ["--seed", "5", "--defects", defects];
        let served = Served::start(&options);
        let mut alice = Browser::new(&served.base());
        let login = alice.post("/login", "user=alice");
        assert_eq!(login.status, 302);
        assert_eq!(login.location.as_deref(), Some("/"));
        let home = alice.get("/");
        assert_eq!(home.result(), "username = alice");
        let logout = alice.get("/logout");
        assert_eq!(logout.result(), "logged out");
        assert!(
            logout.set_cookie.last().unwrap().ends_with("Max-Age=-1"),
            "{:?}",
            logout.set_cookie
        );
        assert!(alice.cookies.is_empty(), "the browser dropped the cookie");
        assert_eq!(served.stored(), left, "defects {defects}");
        let mut all = login.set_cookie.clone();
        all.extend(home.set_cookie);
        all.extend(logout.set_cookie);
        let visit = visit_set_cookies(&options, script);
        assert_eq!(all, visit, "defects {defects}: the same cookies as visit");
    }
}

#[test]
fn rotation_gives_a_new_id_and_keeps_the_count() {
    let served = Served::start(&["--seed", "5", "--no-auto-gc"]);
    served.prompt("config rotate-after 60s");
    let mut alice = Browser::new(&served.base());
    let first = alice.get("/count").set_cookie[0].clone();
    served.prompt("advance-clock 61s");
    let page = alice.get("/count");
    assert_eq!(page.result(), "countnum = 2");
    assert!(page.body.contains("regenerated"), "{}", page.body);
    let rotated = page.set_cookie.last().unwrap();
    assert_ne!(rotated, &first, "a new id");
    assert_eq!(served.stored(), 1);
}

#[test]
fn a_copied_cookie_is_a_copied_login() {
    let served = Served::start(&["--seed", "5", "--defects", "all"]);
    let mut alice = Browser::new(&served.base());
    alice.post("/login", "user=alice");
    assert_eq!(alice.get("/count").result(), "countnum = 1");
    let mut mallory = Browser::new(&served.base());
    assert_eq!(
        mallory.get("/").result(),
        "username = (none): not logged in"
    );
    mallory.cookies = alice.cookies.clone();
    assert_eq!(mallory.get("/").result(), "username = alice");
    assert_eq!(mallory.get("/count").result(), "countnum = 2");
    assert_eq!(alice.get("/count").result(), "countnum = 3");
}

#[test]
fn forms_come_first_and_targets_and_head_are_taken_as_http_says() {
    let served = Served::start(&["--seed", "5"]);
    let mut b = Browser::new(&served.base());
    assert_eq!(b.post("/login?user=eve", "user=bob").status, 302);
    assert_eq!(
        b.get("/").result(),
        "username = bob",
        "the form wins, as in Go"
    );
    let raw = |bytes: &[u8]| raw_status(served.addr(), bytes);
    assert_eq!(
        raw(b"GET http://x/count HTTP/1.1\r\nHost: x\r\n\r\n"),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        raw(b"GET /%63ount HTTP/1.1\r\nHost: x\r\n\r\n"),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        raw(b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n"),
        "HTTP/1.1 400 Bad Request"
    );
    assert_eq!(
        raw(b"HEAD /count HTTP/1.1\r\nHost: x\r\n\r\n"),
        "HTTP/1.1 200 OK"
    );
    assert_eq!(
        raw(b"DELETE /count HTTP/1.1\r\nHost: x\r\n\r\n"),
        "HTTP/1.1 405 Method Not Allowed"
    );
    let old = raw_head(
        served.addr(),
        b"GET /favicon.ico HTTP/1.0\r\nConnection: keep-alive\r\n\r\n",
    );
    assert!(old.starts_with("HTTP/1.1 204 No Content\r\n"), "{old}");
    assert!(old.contains("\r\nConnection: keep-alive\r\n"), "{old}");
    assert!(!old.contains("Content-Length"), "{old}");
    let told = served.told.lock().unwrap().join("");
    assert!(
        told.contains("\nPOST /login\nCookie: (none)\nForm: user=bob&user=eve\n"),
        "{told}"
    );
    assert!(told.contains("\nHEAD /count\n"), "{told}");
    assert!(told.contains(": 405 DELETE /count"), "{told}");
}

#[test]
fn user_text_is_escaped_in_html() {
    let served = Served::start(&["--seed", "5"]);
    let mut b = Browser::new(&served.base());
    b.post("/login", "user=%3Cscript%3Ealert(1)%3C%2Fscript%3E");
    let page = b.get("/");
    assert!(!page.body.contains("<script>"), "{}", page.body);
    assert!(
        page.body
            .contains("username = &lt;script&gt;alert(1)&lt;/script&gt;")
    );
    let sessions = b.get("/sessions");
    assert!(!sessions.body.contains("<script>"));
}

#[test]
fn eight_threads_share_one_counter_exactly() {
    let served = Served::start(&["--seed", "5"]);
    let mut first = Browser::new(&served.base());
    first.get("/");
    let threads: Vec<_> = (0..8)
        .map(|_| {
            let mut b = first.clone();
            std::thread::spawn(move || {
                for _ in 0..500 {
                    assert_eq!(b.get("/count").status, 200);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    assert_eq!(
        first.get("/count").result(),
        "countnum = 4001",
        "no increment lost"
    );
    assert_eq!(served.stored(), 1);
}

/// Sends `bytes` on a new connection and reads the status line of the answer.
fn raw_status(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // The server may answer and close before all is sent.
    let _ = stream.write_all(bytes);
    let mut answer = String::new();
    let _ = BufReader::new(stream).read_line(&mut answer);
    answer.trim_end().to_owned()
}

/// Sends `bytes` on a new connection and reads the head of the answer.
fn raw_head(addr: SocketAddr, bytes: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream.write_all(bytes).unwrap();
    let mut head = String::new();
    let mut reader = BufReader::new(stream);
    while reader.read_line(&mut head).unwrap_or(0) > 2 {}
    head
}

#[test]
fn with_format_json_each_request_is_told_as_a_json_line() {
    let served = Served::telling(&["--seed", "5"], Duration::from_secs(5), Format::Json);
    let mut b = Browser::new(&served.base());
    b.get("/count");
    b.get("/nope");
    let told = served.told.lock().unwrap().clone();
    assert_eq!(told.len(), 2, "{told:?}");
    let visit: serde_json::Value = serde_json::from_str(&told[0]).unwrap();
    assert_eq!(visit["command"], "visit");
    assert_eq!(visit["response"]["body"], "countnum = 1");
    let refused: serde_json::Value = serde_json::from_str(&told[1]).unwrap();
    assert_eq!(refused["status"], 404);
    assert_eq!(refused["ok"], false);
}

#[test]
fn bad_requests_get_a_4xx_and_the_server_goes_on() {
    let served = Served::with_timeout(&["--seed", "5"], Duration::from_millis(400));
    let addr = served.addr();
    let mut ok = Browser::new(&served.base());
    let with = |start: &str, filler: usize, end: &str| {
        let mut bytes = start.as_bytes().to_vec();
        bytes.extend(vec![b'a'; filler]);
        bytes.extend(end.as_bytes());
        bytes
    };
    let cases: [(&str, Vec<u8>, &str); 9] = [
        (
            "garbage",
            b"\x01\x02 garbage\r\n\r\n".to_vec(),
            "400 Bad Request",
        ),
        (
            "a 64 KB header",
            with(
                "GET / HTTP/1.1\r\nHost: x\r\nX-Big: ",
                64 * 1024,
                "\r\n\r\n",
            ),
            "431 Request Header Fields Too Large",
        ),
        (
            "a long line",
            with("GET /", 10 * 1024, ""),
            "414 URI Too Long",
        ),
        (
            "a long line in one write",
            with("GET /", 9 * 1024, " HTTP/1.1\r\nHost: x\r\n\r\n"),
            "414 URI Too Long",
        ),
        (
            "a slow client",
            b"GET /count HTTP/1.1\r\nHost: x\r\n".to_vec(),
            "408 Request Timeout",
        ),
        (
            "a big body",
            b"POST /login HTTP/1.1\r\nContent-Length: 100000\r\n\r\nuser=a".to_vec(),
            "413 Content Too Large",
        ),
        (
            "a chunked body",
            b"POST /login HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n".to_vec(),
            "501 Not Implemented",
        ),
        (
            "two Content-Lengths",
            b"POST /logout HTTP/1.1\r\nContent-Length: 3\r\nContent-Length: 40\r\n\r\nabc".to_vec(),
            "400 Bad Request",
        ),
        (
            "a signed Content-Length",
            b"POST /logout HTTP/1.1\r\nContent-Length: +3\r\n\r\nabc".to_vec(),
            "400 Bad Request",
        ),
    ];
    for (what, bytes, expected) in cases {
        let status = raw_status(addr, &bytes);
        assert_eq!(status, format!("HTTP/1.1 {expected}"), "{what}");
        assert_eq!(ok.get("/count").status, 200, "serving after {what}");
    }
    let mut bad = Browser::new(&served.base());
    bad.cookies.insert("gosessionid".into(), "%zz".into());
    let page = bad.get("/count");
    assert_eq!(page.status, 400);
    assert!(
        page.body.contains("not URL-escaped properly"),
        "{}",
        page.body
    );
    assert!(bad.cookies.is_empty(), "told to drop the bad cookie");
    assert_eq!(bad.get("/count").result(), "countnum = 1");
    let escape = bad.post("/login", "user=%1B%5D0%3Bpwned%07eve");
    assert_eq!(escape.status, 400, "a control character in a form");
    assert_eq!(bad.get("/login?user=eve%0A%C2%BB%20curl").status, 400);
    let told = served.told.lock().unwrap().join("");
    assert!(
        !told.chars().any(|c| c.is_control() && c != '\n'),
        "{told:?}"
    );
    for status in ["400", "431", "414", "408"] {
        assert!(
            told.contains(&format!(": {status} ")),
            "{status} told: {told}"
        );
    }
}

#[test]
fn sessions_and_the_api_show_the_store() {
    let served = Served::start(&["--seed", "5"]);
    let mut b = Browser::new(&served.base());
    b.get("/count");
    let page = b.get("/sessions?refresh=2");
    assert!(
        page.body
            .contains("<meta http-equiv=\"refresh\" content=\"2\">")
    );
    assert!(
        page.body.contains("front → HvxH88…kAQ8= (idle 0s) → back"),
        "{}",
        page.body
    );
    assert!(page.body.contains("1h left"), "{}", page.body);
    assert!(!b.get("/sessions").body.contains("http-equiv"));
    let api = b.get("/api/sessions");
    let json: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(json["lru"]["total"], 1);
    assert_eq!(json["timeline"]["rows"][0]["keys"], 2);
    assert_eq!(json["now"], "2026-01-01T00:00:00Z");
    assert_eq!(b.get("/nope").status, 404);
}

/// `sessim serve` as a process, without a terminal: its URL, from its first line.
fn serve_process(args: &[&str]) -> (Child, String) {
    let mut child = exe()
        .arg("serve")
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let mut first = String::new();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    out.read_line(&mut first).unwrap();
    let url = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {first:?}"))
        .trim_end_matches('/')
        .to_owned();
    // Keep reading, so that the server never blocks on a full pipe.
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut out, &mut std::io::sink());
    });
    (child, url)
}

fn terminate(mut child: Child) -> std::process::Output {
    let pid = child.id().to_string();
    std::process::Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    std::process::Output {
        status,
        stdout: Vec::new(),
        stderr: stderr.into_bytes(),
    }
}

#[test]
fn the_process_serves_until_sigterm() {
    let (child, url) = serve_process(&["--seed", "5"]);
    let mut b = Browser::new(&url);
    assert_eq!(b.get("/count").result(), "countnum = 1");
    let out = terminate(child);
    assert!(out.status.success(), "{out:?}");
    assert!(
        TcpStream::connect(url.trim_start_matches("http://")).is_err(),
        "closed"
    );

    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = busy.local_addr().unwrap().to_string();
    let out = exe()
        .args(["serve", "--listen", &taken])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).starts_with(&format!("error: cannot listen on {taken}")));
}

#[test]
fn binding_beyond_loopback_warns() {
    let mut child = exe()
        .args(["serve", "--listen", "0.0.0.0:0"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.starts_with("warning: listening on 0.0.0.0:"), "{line}");
}

#[test]
fn two_servers_share_sessions_on_redis_but_not_on_memory() {
    let (a, url_a) = serve_process(&["--seed", "5"]);
    let (b, url_b) = serve_process(&["--seed", "5"]);
    let mut browser = Browser::new(&url_a);
    assert_eq!(browser.get("/count").result(), "countnum = 1");
    browser.base = url_b;
    assert_eq!(
        browser.get("/count").result(),
        "countnum = 1",
        "memory: not shared"
    );
    terminate(a);
    terminate(b);

    let Some(server) = TestRedis::start("serve") else {
        return;
    };
    let redis = [
        "--provider",
        "redis",
        "--redis-url",
        &server.url,
        "--namespace",
        "demo",
    ];
    let (a, url_a) = serve_process(&redis);
    let (b, url_b) = serve_process(&redis);
    let mut browser = Browser::new(&url_a);
    assert_eq!(browser.get("/count").result(), "countnum = 1");
    browser.base = url_b.clone();
    assert_eq!(
        browser.get("/count").result(),
        "countnum = 2",
        "redis: shared"
    );
    let mut other = Browser::new(&url_b);
    assert_eq!(other.get("/count").result(), "countnum = 1");
    assert!(terminate(a).status.success());
    assert!(terminate(b).status.success());
}

/// Chromium's path, or `None` (said) where it may be skipped.
fn chromium() -> Option<&'static str> {
    for name in ["chromium", "chromium-browser"] {
        if std::process::Command::new(name)
            .arg("--version")
            .output()
            .is_ok()
        {
            return Some(name);
        }
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "chromium is not on the PATH, and CI is set: install the chromium package"
    );
    eprintln!("skipped a_real_browser_counts_per_profile: chromium is not installed");
    None
}

/// The page's result in the DOM headless Chromium built for `url` with `profile`.
fn chromium_result(browser: &str, profile: &std::path::Path, url: &str) -> String {
    let out = std::process::Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(["--dump-dom", url])
        .stderr(Stdio::null())
        .output()
        .expect("chromium runs");
    let dom = text(&out.stdout);
    let start = dom.find("id=\"result\">").expect("a result") + "id=\"result\">".len();
    dom[start..start + dom[start..].find('<').unwrap()].to_owned()
}

#[test]
fn a_real_browser_counts_per_profile() {
    let Some(browser) = chromium() else { return };
    let served = Served::start(&["--seed", "5"]);
    let dir = scratch("chromium");
    let count = format!("{}/count", served.base());
    let one = dir.join("one");
    assert_eq!(chromium_result(browser, &one, &count), "countnum = 1");
    assert_eq!(chromium_result(browser, &one, &count), "countnum = 2");
    assert_eq!(
        chromium_result(browser, &dir.join("two"), &count),
        "countnum = 1"
    );
    let told = served.told.lock().unwrap().join("");
    assert!(told.contains("» chrome 127.0.0.1:"), "{told}");
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn idle_connections_hold_no_one_up_and_too_many_get_503() {
    let served = Served::with_timeout(&["--seed", "5"], Duration::from_secs(120));
    let mut idle: Vec<TcpStream> = (0..40)
        .map(|_| TcpStream::connect(served.addr()).unwrap())
        .collect();
    // Were a thread held by each idle connection, this would wait for their timeout.
    let mut b = Browser::new(&served.base());
    b.agent = ureq::Agent::config_builder()
        .timeout_global(Some(Duration::from_secs(30)))
        .http_status_as_error(false)
        .build()
        .new_agent();
    assert_eq!(b.get("/count").result(), "countnum = 1");
    let open = idle.len() + 1; // the browser keeps its connection
    for _ in open..sessim::serve::MAX_CONNECTIONS {
        idle.push(TcpStream::connect(served.addr()).unwrap());
    }
    let busy = raw_status(served.addr(), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(busy, "HTTP/1.1 503 Service Unavailable");
    drop(idle);
    assert_eq!(b.get("/count").result(), "countnum = 2");
    // The closed connections' threads end, and new connections are served again.
    let mut again = None;
    for _ in 0..100 {
        let status = raw_status(served.addr(), b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        if status == "HTTP/1.1 200 OK" {
            again = Some(status);
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(
        again.is_some(),
        "served again once the idle connections closed"
    );
}
