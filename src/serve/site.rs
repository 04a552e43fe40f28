//! The site `sessim serve` serves: the book's pages answered by the shell as `visit`
//! answers them, `/sessions` for the projector, and `/api/sessions` as JSON. Each request
//! to a book's page is told, as the prompt prints a visit, to whoever watches.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use super::http::{Request, Response};
use super::{Handler, html, lock};
use crate::Error;
use crate::render::{self, Context, Style, summary_line};
use crate::shell::Shell;
use crate::shell::options::Format;
use crate::shell::reply::{Outcome, Reply};
use crate::web::escape::{path_unescape, query_unescape};
use crate::web::{self, pages, pages::PATHS};

const HTML: &str = "text/html; charset=utf-8";

/// Where the site tells what it served: above the prompt, or on standard output.
pub type Notify = Box<dyn Fn(String) + Send + Sync>;

/// The pages, over one shell shared with the prompt.
pub struct Site {
    shell: Arc<Mutex<Shell>>,
    notify: Notify,
    /// How each request is told: as the prompt prints a visit, or as its JSON line.
    format: Format,
}

impl std::fmt::Debug for Site {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Site").finish_non_exhaustive()
    }
}

impl Site {
    /// The site of `shell`, telling each request to `notify`.
    pub fn new(shell: Arc<Mutex<Shell>>, notify: Notify) -> Site {
        Site {
            shell,
            notify,
            format: Format::Text,
        }
    }

    /// The same site, telling each request in `format`.
    pub fn telling_in(self, format: Format) -> Site {
        Site { format, ..self }
    }

    /// Tells `text`, with every control character but the line ends shown escaped, so that
    /// nothing a client sent can drive the teacher's terminal.
    fn tell(&self, text: &str) {
        let mut shown = String::with_capacity(text.len());
        for c in text.chars() {
            if c.is_control() && c != '\n' {
                shown.extend(c.escape_default());
            } else {
                shown.push(c);
            }
        }
        (self.notify)(shown);
    }

    /// Tells of a request answered with `status` and no page run: a line, or a JSON object
    /// with `"ok": false` as a failed command prints.
    fn told_refusal(&self, peer: SocketAddr, status: u16, why: &str) {
        match self.format {
            Format::Text => self.tell(&format!("» {peer}: {status} {why}\n")),
            Format::Json => {
                let json = serde_json::json!({
                    "ok": false,
                    "peer": peer.to_string(),
                    "status": status,
                    "error": why,
                });
                self.tell(&format!("{json}\n"));
            }
        }
    }

    /// One of the book's pages, through the manager.
    fn book_page(&self, request: &Request, path: &str, query: &str, peer: SocketAddr) -> Response {
        let client = client_name(request, peer);
        let asked = match web_request(request, path, query) {
            Ok(asked) => asked,
            Err(why) => return self.bad(peer, &why, None),
        };
        let mut shell = lock(&self.shell);
        if let Some((why, removal)) = unreadable_cookie(&shell, &asked) {
            drop(shell);
            return self.bad(peer, &why, Some(removal));
        }
        // Another process on the namespace moved its clock, or started it again, since
        // this one last looked: caught up now, the request is answered as a new one.
        let outcome = match shell.answer(&client, asked.clone()) {
            Err(Error::ClockMoved { .. } | Error::NamespaceRestarted(_)) => {
                shell.answer(&client, asked)
            }
            answered => answered,
        };
        let now = shell.now().to_string();
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(e) => {
                drop(shell);
                let text = format!("the store failed: {e}");
                self.told_refusal(peer, 503, &text);
                let page = html::message_page("503 the store failed", &text, &now);
                return Response::new(503, HTML, page);
            }
        };
        let log = text_of(&outcome, &shell);
        drop(shell);
        match self.format {
            Format::Text => self.tell(&format!("» {client} {peer}\n{log}")),
            Format::Json => {
                let mut line = String::new();
                render::json(&outcome, &mut line);
                self.tell(&line);
            }
        }
        let Reply::Visit(visit) = outcome.reply else {
            return Response::text(500, "not a visit");
        };
        let answer = visit.response;
        let form = path == "/login" && visit.request.param("user").is_none();
        let page = html::book_page(path, &answer.body, form, &log, &now);
        let mut response = Response::new(answer.status, HTML, page);
        no_store(&mut response);
        if answer.status == 302 {
            response.headers.push(("Location", "/".to_owned()));
        }
        for header in answer.set_cookie {
            response.headers.push(("Set-Cookie", header));
        }
        response
    }

    /// A 400 that is told, with `set_cookie` if given.
    fn bad(&self, peer: SocketAddr, why: &str, set_cookie: Option<String>) -> Response {
        self.told_refusal(peer, 400, why);
        let now = lock(&self.shell).now().to_string();
        let mut response =
            Response::new(400, HTML, html::message_page("400 bad request", why, &now));
        if let Some(header) = set_cookie {
            response.headers.push(("Set-Cookie", header));
        }
        response
    }

    /// `/sessions`, reloading itself every `refresh=N` seconds if asked.
    fn sessions(&self, query: &str) -> Response {
        let refresh = web::parse_query(query).ok().and_then(|params| {
            params
                .iter()
                .find(|(n, _)| n == "refresh")
                .and_then(|(_, v)| v.parse::<u32>().ok())
                .filter(|secs| (1..=3600).contains(secs))
        });
        let mut shell = lock(&self.shell);
        let summary = summary_line(&shell.summary());
        let lru = look(&mut shell, "lru --all", false);
        let timeline = look(&mut shell, "timeline --all", false);
        let now = shell.now().to_string();
        drop(shell);
        let page = html::sessions_page(&summary, &lru, &timeline, refresh, &now);
        let mut response = Response::new(200, HTML, page);
        no_store(&mut response);
        response
    }

    /// `/api/sessions`: what `/sessions` shows, as `lru` and `timeline` print it in JSON.
    fn api(&self) -> Response {
        let mut shell = lock(&self.shell);
        let parts = [
            ("lru", look(&mut shell, "lru --all", true)),
            ("timeline", look(&mut shell, "timeline --all", true)),
        ];
        let mut json = serde_json::Map::new();
        json.insert("now".to_owned(), shell.now().to_string().into());
        json.insert("summary".to_owned(), summary_line(&shell.summary()).into());
        drop(shell);
        for (name, text) in parts {
            let value = serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
            json.insert(name.to_owned(), value);
        }
        let mut body = serde_json::Value::Object(json).to_string();
        body.push('\n');
        let mut response = Response::new(200, "application/json", body);
        no_store(&mut response);
        response
    }
}

impl Handler for Site {
    fn handle(&self, request: &Request, peer: SocketAddr) -> Response {
        let target = origin_form(&request.target);
        let (raw_path, query) = target.split_once('?').unwrap_or((target, ""));
        // As Go's server, pages are found by the decoded path: `/%63ount` is `/count`.
        let path = match path_unescape(raw_path) {
            Ok(path) => path,
            Err(why) => return self.bad(peer, &format!("the path is malformed: {why}"), None),
        };
        let path = path.as_str();
        let method = request.method.as_str();
        let readable = matches!(method, "GET" | "HEAD");
        match path {
            _ if PATHS.contains(&path) && (readable || method == "POST") => {
                self.book_page(request, path, query, peer)
            }
            "/sessions" if readable => self.sessions(query),
            "/api/sessions" if readable => self.api(),
            "/favicon.ico" => Response::text(204, ""),
            _ if PATHS.contains(&path) || path == "/sessions" || path == "/api/sessions" => {
                self.told_refusal(peer, 405, &format!("{method} {path}"));
                let mut r = Response::text(405, format!("405: {method} is not served here\n"));
                r.headers.push(("Allow", "GET, HEAD, POST".to_owned()));
                r
            }
            _ => {
                let client = client_name(request, peer);
                self.told_refusal(peer, 404, &format!("{method} {path} ({client})"));
                let now = lock(&self.shell).now().to_string();
                let text = format!(
                    "no page {path}; the book's pages are {}, and /sessions shows the store",
                    PATHS.join(" ")
                );
                Response::new(404, HTML, html::message_page("404 not found", &text, &now))
            }
        }
    }

    fn refused(&self, peer: SocketAddr, status: u16, why: &str) {
        self.told_refusal(peer, status, why);
    }
}

/// `request` as the book's pages take it: its cookies, and its parameters, a form's fields
/// first, as Go's `r.FormValue` finds them. `Err` says why it is a bad request.
fn web_request(request: &Request, path: &str, query: &str) -> Result<web::Request, String> {
    let mut cookies = Vec::new();
    for value in request.header_values("cookie") {
        let text = std::str::from_utf8(value).map_err(|_| "the Cookie header is not UTF-8")?;
        cookies.push(text);
    }
    let mut params = Vec::new();
    let form = request
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/x-www-form-urlencoded"));
    if request.method == "POST" && form {
        let body = String::from_utf8_lossy(&request.body);
        let fields =
            web::parse_query(&body).map_err(|why| format!("the form is malformed: {why}"))?;
        params.extend(fields);
    }
    let more = web::parse_query(query)
        .map_err(|why| format!("the query `{query}` is malformed: {why}"))?;
    params.extend(more);
    // Such a character could drive the terminal the request is printed on.
    let bad = params
        .iter()
        .find(|(n, v)| n.chars().chain(v.chars()).any(char::is_control));
    if let Some((name, _)) = bad {
        let name = name.escape_default();
        return Err(format!("the parameter `{name}` holds a control character"));
    }
    Ok(web::Request {
        method: request.method.clone(),
        path: path.to_owned(),
        params,
        cookie: (!cookies.is_empty()).then(|| cookies.join("; ")),
    })
}

/// When the session cookie of `asked` cannot be unescaped: why, and the `Set-Cookie` that
/// tells the browser to drop it, so that its next request starts afresh.
fn unreadable_cookie(shell: &Shell, asked: &web::Request) -> Option<(String, String)> {
    let config = shell.manager().config();
    let name = &config.cookie_name;
    let value = asked.cookie(name)?;
    let why = query_unescape(&value).err()?;
    let text = format!(
        "the {name} cookie `{value}` is not URL-escaped properly ({why}); the browser is \
         told to drop it, so the next request starts a new session"
    );
    Some((text, pages::removal(config)))
}

/// Marks `response` as never to be cached, so that a reload always reaches the server.
fn no_store(response: &mut Response) {
    response
        .headers
        .push(("Cache-Control", "no-store".to_owned()));
}

/// What `outcome` prints at a prompt off a terminal.
fn text_of(outcome: &Outcome, shell: &Shell) -> String {
    let mut out = String::new();
    render::text(outcome, &Context::of(shell), Style::PLAIN, &mut out);
    out
}

/// What the look `line` prints, as text or JSON; the error's text if it fails.
fn look(shell: &mut Shell, line: &str, json: bool) -> String {
    match shell.execute(line) {
        Ok(Some(outcome)) if json => {
            let mut out = String::new();
            render::json(&outcome, &mut out);
            out
        }
        Ok(Some(outcome)) => text_of(&outcome, shell),
        Ok(None) => String::new(),
        Err(e) => format!("error: {e}"),
    }
}

/// The path and query of a request target; an absolute URL (`http://host/count`) is cut
/// down to them, as servers must take it (RFC 9112).
fn origin_form(target: &str) -> &str {
    let Some(rest) = target
        .strip_prefix("http://")
        .or_else(|| target.strip_prefix("https://"))
    else {
        return target;
    };
    rest.find('/').map_or("/", |at| &rest[at..])
}

/// The name a browser goes by in the events: its kind, and its address when it is another
/// machine's (`chrome@192.168.1.20`).
fn client_name(request: &Request, peer: SocketAddr) -> String {
    let kind = browser(request.header("user-agent"));
    if peer.ip().to_canonical().is_loopback() {
        kind.to_owned()
    } else {
        format!("{kind}@{}", peer.ip())
    }
}

/// The name a real browser goes by in the events, from its `User-Agent`.
pub fn browser(user_agent: Option<&str>) -> &'static str {
    let agent = user_agent.unwrap_or("");
    let known = [
        ("Firefox/", "firefox"),
        ("Edg/", "edge"),
        ("Chrome/", "chrome"),
        ("Safari/", "safari"),
        ("curl/", "curl"),
        ("Wget/", "wget"),
        ("ureq/", "ureq"),
    ];
    known
        .iter()
        .find(|(mark, _)| agent.contains(mark))
        .map_or("browser", |(_, name)| name)
}
