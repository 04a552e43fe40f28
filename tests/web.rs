//! Property tests of the web layer: random visits, planted and copied cookies, clock
//! advances, GC and regenerations, over a few browsers and every combination of the web's
//! defects (B3, B4, B11, B14, with B5 on and off), checked step by step against a plain
//! reference model of the browsers' jars and the book's manager.
//!
//! The model cannot draw the ids the seeded generator draws, so where it expects a new id
//! (a creation, a regeneration) it takes the one sessim reports, after checking that
//! sessim did make one there. Everything else it predicts: what the manager did, each
//! `Set-Cookie`, the status and page, the sessions stored with their values and last
//! access, and every jar.

use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::time::Duration;

use proptest::prelude::*;
use proptest::test_runner::TestRunner;
use sessim::basics::time::Time;
use sessim::manager::Config;
use sessim::rules::{Defect, Defects};
use sessim::shell::Shell;
use sessim::shell::options::Options;
use sessim::shell::reply::Reply;
use sessim::store::{End, Store};
use sessim::web::escape::{query_escape, query_unescape};
use sessim::web::{Response, Step};

const CLIENTS: [&str; 3] = ["alice", "bob", "mallory"];
const PATHS: [&str; 4] = ["/", "/login", "/count", "/logout"];
const LIFETIME: i64 = 3600;
const ROTATE: i64 = 60;
const NANOS: i64 = 1_000_000_000;

// ---------------------------------------------------------------------------------------
// The reference model
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq)]
struct Session {
    last_access: i64,
    values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Cookie {
    value: String,
    /// Nanoseconds; `None` lasts the browser's session.
    expires: Option<i64>,
    http_only: bool,
}

#[derive(Debug, Default)]
struct Model {
    defects: Defects,
    now: i64,
    sessions: BTreeMap<String, Session>,
    jars: BTreeMap<String, Option<Cookie>>,
    /// Whether a cookie was ever copied or planted: the only way two browsers may share a
    /// session when every defect is fixed.
    handed: bool,
}

/// One request being checked: the model's steps are compared with sessim's as they are
/// made, and new ids are read from sessim's.
struct Visit<'a> {
    actual: &'a Response,
    at: usize,
    steps: Vec<Step>,
    set_cookie: Vec<String>,
}

impl Visit<'_> {
    /// The next step sessim took, which must be of the kind `expected` is; returns the id
    /// it made, for a creation or regeneration.
    fn step(&mut self, expected: Step) -> Result<String, TestCaseError> {
        let actual = self.actual.steps.get(self.at).cloned();
        self.at += 1;
        let learned = match (&expected, &actual) {
            (Step::Created { .. }, Some(Step::Created { id })) => id.clone(),
            (Step::Regenerated { from, .. }, Some(Step::Regenerated { from: f, to }))
                if from == f =>
            {
                to.clone()
            }
            (e, Some(a)) if e == a => String::new(),
            _ => {
                return Err(TestCaseError::fail(format!(
                    "step {}: expected {expected:?}, sessim did {actual:?}",
                    self.at
                )));
            }
        };
        let recorded = match expected {
            Step::Created { .. } => Step::Created {
                id: learned.clone(),
            },
            Step::Regenerated { from, .. } => Step::Regenerated {
                from,
                to: learned.clone(),
            },
            other => other,
        };
        self.steps.push(recorded);
        Ok(learned)
    }
}

impl Model {
    fn has(&self, d: Defect) -> bool {
        self.defects.has(d)
    }

    fn expired(&self, s: &Session) -> bool {
        self.now - s.last_access > LIFETIME * NANOS
    }

    fn cookie_of(&self, client: &str) -> Option<String> {
        let c = self.jars.get(client)?.as_ref()?;
        c.expires
            .is_none_or(|t| self.now < t)
            .then(|| c.value.clone())
    }

    fn touch(&mut self, sid: &str) {
        if let Some(s) = self.sessions.get_mut(sid) {
            s.last_access = self.now;
        }
    }

    fn create(&mut self, sid: &str) {
        let session = Session {
            last_access: self.now,
            values: BTreeMap::new(),
        };
        self.sessions.insert(sid.to_owned(), session);
    }

    fn set_cookie(&self, v: &mut Visit<'_>, sid: &str) {
        v.set_cookie.push(format!(
            "gosessionid={}; HttpOnly; Path=/; Max-Age={LIFETIME}",
            query_escape(sid)
        ));
    }

    fn new_session(&mut self, v: &mut Visit<'_>) -> Result<String, TestCaseError> {
        let sid = v.step(Step::Created { id: String::new() })?;
        self.create(&sid);
        self.set_cookie(v, &sid);
        Ok(sid)
    }

    fn session_start(
        &mut self,
        v: &mut Visit<'_>,
        cookie: &Option<String>,
    ) -> Result<String, TestCaseError> {
        let Some(value) = cookie.clone().filter(|c| !c.is_empty()) else {
            return self.new_session(v);
        };
        let usable = query_unescape(&value)
            .ok()
            .filter(|u| !u.is_empty() && !u.chars().any(|c| c.is_whitespace() || c.is_control()));
        let Some(sid) = usable else {
            let why = match query_unescape(&value) {
                Err(e) => e,
                Ok(u) if u.is_empty() => "it unescapes to nothing".to_owned(),
                Ok(_) => "it holds whitespace or a control character".to_owned(),
            };
            v.step(Step::Refused { value, why })?;
            return self.new_session(v);
        };
        let known = self.sessions.get(&sid).map(|s| self.expired(s));
        match known {
            Some(false) => {
                v.step(Step::Read { id: sid.clone() })?;
            }
            Some(true) => {
                v.step(Step::Expired { id: sid.clone() })?;
                self.sessions.remove(&sid);
                if !self.has(Defect::B5) {
                    return self.new_session(v);
                }
                self.create(&sid);
                v.step(Step::Adopted { id: sid.clone() })?;
                return Ok(sid);
            }
            None if self.has(Defect::B5) => {
                self.create(&sid);
                v.step(Step::Adopted { id: sid.clone() })?;
            }
            None => {
                v.step(Step::Unknown { id: sid.clone() })?;
                return self.new_session(v);
            }
        }
        if !self.has(Defect::B11) {
            self.set_cookie(v, &sid);
        }
        Ok(sid)
    }

    fn session_destroy(
        &mut self,
        v: &mut Visit<'_>,
        cookie: &Option<String>,
    ) -> Result<(), TestCaseError> {
        let Some(value) = cookie.clone().filter(|c| !c.is_empty()) else {
            return Ok(());
        };
        let target = if self.has(Defect::B3) {
            Ok(value.clone())
        } else {
            query_unescape(&value)
        };
        match target {
            Ok(id) => {
                if self.sessions.remove(&id).is_some() {
                    v.step(Step::Destroyed { id })?;
                } else {
                    let escaped =
                        self.has(Defect::B3) && query_unescape(&id).is_ok_and(|u| u != id);
                    v.step(Step::NotFound { id, escaped })?;
                }
            }
            Err(why) => {
                v.step(Step::Refused { value, why })?;
            }
        }
        v.set_cookie
            .push("gosessionid=; HttpOnly; Path=/; Max-Age=-1".to_owned());
        Ok(())
    }

    fn regenerate(&mut self, v: &mut Visit<'_>, sid: &str) -> Result<String, TestCaseError> {
        let to = v.step(Step::Regenerated {
            from: sid.to_owned(),
            to: String::new(),
        })?;
        let session = self.sessions.remove(sid).expect("a live session");
        self.sessions.insert(to.clone(), session);
        self.set_cookie(v, &to);
        Ok(to)
    }

    fn get(&mut self, sid: &str, key: &str) -> Option<String> {
        self.touch(sid);
        self.sessions.get(sid)?.values.get(key).cloned()
    }

    fn set(&mut self, sid: &str, key: &str, value: String) {
        self.touch(sid);
        if let Some(s) = self.sessions.get_mut(sid) {
            s.values.insert(key.to_owned(), value);
        }
    }

    /// The answer to `client`'s request for `path`: status and body; the steps and cookies
    /// are in `v`.
    fn serve(
        &mut self,
        v: &mut Visit<'_>,
        path: &str,
        user: Option<&str>,
        cookie: &Option<String>,
    ) -> Result<(u16, String), TestCaseError> {
        Ok(match path {
            "/" => {
                let sid = self.session_start(v, cookie)?;
                match self.get(&sid, "username") {
                    Some(u) => (200, format!("username = {u}")),
                    None => (200, "username = (none): not logged in".to_owned()),
                }
            }
            "/login" => {
                let mut sid = self.session_start(v, cookie)?;
                let Some(user) = user else {
                    let u = self.get(&sid, "username");
                    let shown = u.as_deref().unwrap_or("(none)").to_owned();
                    return Ok((200, format!("login form (username = {shown})")));
                };
                let created_now = matches!(v.steps.last(), Some(Step::Created { .. }));
                if !self.has(Defect::B14) && !created_now {
                    sid = self.regenerate(v, &sid)?;
                }
                self.set(&sid, "username", user.to_owned());
                (302, format!("logged in as {user}; redirect to /"))
            }
            "/count" => {
                let mut sid = self.session_start(v, cookie)?;
                let secs = self.now.div_euclid(NANOS);
                match self.get(&sid, "createtime") {
                    None => self.set(&sid, "createtime", secs.to_string()),
                    Some(text) => {
                        let created: i64 = text.parse().expect("a number");
                        if created + ROTATE < secs {
                            if self.has(Defect::B4) {
                                self.session_destroy(v, cookie)?;
                                sid = self.session_start(v, cookie)?;
                            } else {
                                sid = self.regenerate(v, &sid)?;
                                self.set(&sid, "createtime", secs.to_string());
                            }
                        }
                    }
                }
                let n = self
                    .get(&sid, "countnum")
                    .map_or(0, |t| t.parse::<i64>().expect("a number"))
                    + 1;
                self.set(&sid, "countnum", n.to_string());
                (200, format!("countnum = {n}"))
            }
            "/logout" => {
                self.session_destroy(v, cookie)?;
                (200, "logged out".to_owned())
            }
            other => unreachable!("{other}"),
        })
    }

    /// Takes in a response's cookies, in order, as the jar does.
    fn receive(&mut self, client: &str, set_cookie: &[String]) {
        // A visit makes the browser, cookies or not.
        self.jars.entry(client.to_owned()).or_insert(None);
        for header in set_cookie {
            let value = header
                .strip_prefix("gosessionid=")
                .and_then(|r| r.split(';').next())
                .unwrap_or_default()
                .to_owned();
            let cookie = (!header.ends_with("Max-Age=-1")).then(|| Cookie {
                value,
                expires: Some(self.now + LIFETIME * NANOS),
                http_only: true,
            });
            self.jars.insert(client.to_owned(), cookie);
        }
    }
}

// ---------------------------------------------------------------------------------------
// The operations
// ---------------------------------------------------------------------------------------

#[derive(Debug, Clone)]
enum Op {
    Visit(usize, usize, Option<&'static str>),
    Advance(i64),
    Copy(usize, usize),
    /// Plants the escaped id of the n-th stored session, or an invented value.
    Plant(usize, usize),
    Clear(usize),
    Gc,
    Regenerate(usize),
}

fn op() -> impl Strategy<Value = Op> {
    let client = 0..CLIENTS.len();
    prop_oneof![
        10 => (client.clone(), 0..PATHS.len(), prop::option::of(prop::sample::select(vec!["alice", "bob"])))
            .prop_map(|(c, p, u)| Op::Visit(c, p, u)),
        3 => prop::sample::select(vec![1, 30, 61, 1800, 3599, 3601, 7200]).prop_map(Op::Advance),
        1 => (client.clone(), client.clone()).prop_map(|(a, b)| Op::Copy(a, b)),
        1 => (client.clone(), 0..6usize).prop_map(|(c, n)| Op::Plant(c, n)),
        1 => client.prop_map(Op::Clear),
        1 => Just(Op::Gc),
        1 => (0..4usize).prop_map(Op::Regenerate),
    ]
}

/// Values a browser can be made to hold besides real ids.
const INVENTED: [&str; 3] = ["invented", "%zz", "a%20b"];

fn run(defects: Defects, seed: u64, ops: &[Op]) -> Result<(), TestCaseError> {
    let options = Options {
        config: Config {
            defects,
            auto_gc: false,
            rotate_after: Some(Duration::from_secs(ROTATE as u64)),
            ..Config::default()
        },
        seed: Some(seed),
        ..Default::default()
    };
    let mut shell = Shell::new(options).expect("shell");
    let mut m = Model {
        defects,
        now: shell.now().unix_nanos(),
        ..Model::default()
    };
    for (i, op) in ops.iter().enumerate() {
        let context = format!("op {i} {op:?}");
        match op {
            &Op::Visit(c, p, user) => {
                let (client, path) = (CLIENTS[c], PATHS[p]);
                let line = match (path, user) {
                    ("/login", Some(u)) => format!("visit {client} {path} user={u}"),
                    _ => format!("visit {client} {path}"),
                };
                let outcome = shell.execute(&line).expect("a visit").expect("an outcome");
                let Reply::Visit(visit) = outcome.reply else {
                    panic!("{line}: not a visit");
                };
                let cookie = m.cookie_of(client).map(|v| format!("gosessionid={v}"));
                prop_assert_eq!(&visit.request.cookie, &cookie, "{}: Cookie header", context);
                let sent = m.cookie_of(client);
                let mut v = Visit {
                    actual: &visit.response,
                    at: 0,
                    steps: Vec::new(),
                    set_cookie: Vec::new(),
                };
                let user = if path == "/login" { user } else { None };
                let (status, body) = m
                    .serve(&mut v, path, user, &sent)
                    .map_err(|e| TestCaseError::fail(format!("{context}: {e}")))?;
                prop_assert_eq!(&v.steps, &visit.response.steps, "{}", context);
                prop_assert_eq!(&v.set_cookie, &visit.response.set_cookie, "{}", context);
                prop_assert_eq!(status, visit.response.status, "{}", context);
                prop_assert_eq!(&body, &visit.response.body, "{}", context);
                let set_cookie = v.set_cookie.clone();
                m.receive(client, &set_cookie);
                if defects == Defects::NONE {
                    // The cookie names exactly the session the visit used, or nothing.
                    let held = m.cookie_of(client);
                    let used = visit.session.as_deref().map(query_escape);
                    prop_assert_eq!(held, used, "{}: cookie and session", context);
                }
            }
            Op::Advance(secs) => {
                shell
                    .execute(&format!("advance-clock {secs}s"))
                    .expect("advance");
                m.now += secs * NANOS;
            }
            &Op::Copy(a, b) => {
                let result = shell.execute(&format!("copy-cookie {} {}", CLIENTS[a], CLIENTS[b]));
                match m
                    .jars
                    .get(CLIENTS[a])
                    .cloned()
                    .flatten()
                    .filter(|c| c.expires.is_none_or(|t| m.now < t))
                {
                    Some(cookie) => {
                        prop_assert!(result.is_ok(), "{}: {:?}", context, result);
                        m.jars.insert(CLIENTS[b].to_owned(), Some(cookie));
                        m.handed = true;
                    }
                    None => prop_assert!(result.is_err(), "{}: copied nothing", context),
                }
            }
            &Op::Plant(c, n) => {
                let ids: Vec<&String> = m.sessions.keys().collect();
                let value = match ids.get(n) {
                    Some(id) => query_escape(id),
                    None => INVENTED[n % INVENTED.len()].to_owned(),
                };
                shell
                    .execute(&format!("cookie {} {value}", CLIENTS[c]))
                    .expect("planted");
                let cookie = Cookie {
                    value,
                    expires: None,
                    http_only: false,
                };
                m.jars.insert(CLIENTS[c].to_owned(), Some(cookie));
                m.handed = true;
            }
            &Op::Clear(c) => {
                let result = shell.execute(&format!("cookie {} --clear", CLIENTS[c]));
                prop_assert_eq!(
                    result.is_ok(),
                    m.jars.contains_key(CLIENTS[c]),
                    "{}",
                    context
                );
                if let Some(jar) = m.jars.get_mut(CLIENTS[c]) {
                    *jar = None;
                }
            }
            Op::Gc => {
                shell.execute("gc").expect("gc");
                let now = m.now;
                m.sessions
                    .retain(|_, s| now - s.last_access <= LIFETIME * NANOS);
            }
            &Op::Regenerate(n) => {
                let Some(id) = m.sessions.keys().nth(n).cloned() else {
                    continue;
                };
                let result = shell.execute(&format!("regenerate {id}"));
                let session = m.sessions.remove(&id).expect("stored");
                if m.expired(&session) {
                    // Lazy expiry: refused, and the session removed.
                    let e = result.expect_err("an expired session is not regenerated");
                    prop_assert!(e.to_string().contains("expired"), "{}: {}", context, e);
                    check_state(&shell, &m, &context)?;
                    continue;
                }
                match result.map(|o| o.map(|o| o.reply)) {
                    Ok(Some(Reply::Regenerated { from, to })) => {
                        prop_assert_eq!(&from, &id);
                        m.sessions.insert(to, session);
                    }
                    other => panic!("{context}: {other:?}"),
                }
            }
        }
        check_state(&shell, &m, &context)?;
    }
    Ok(())
}

/// sessim's sessions and jars are the model's.
fn check_state(shell: &Shell, m: &Model, context: &str) -> Result<(), TestCaseError> {
    let mut stored = BTreeMap::new();
    shell
        .manager()
        .store()
        .walk(End::Front, &mut |v| {
            let values = v.values.to_vec().into_iter().collect();
            let session = Session {
                last_access: v.last_access.unix_nanos(),
                values,
            };
            stored.insert(v.id.to_owned(), session);
            ControlFlow::Continue(())
        })
        .expect("walk");
    prop_assert_eq!(&stored, &m.sessions, "{}: sessions", context);
    shell.manager().check().map_err(TestCaseError::fail)?;
    let now = Time::from_unix_nanos(m.now);
    for client in CLIENTS {
        let real = shell
            .clients()
            .jar(client)
            .ok()
            .and_then(|j| j.get("gosessionid", now).cloned())
            .map(|k| Cookie {
                value: k.value,
                expires: k.expires.map(Time::unix_nanos),
                http_only: k.http_only,
            });
        let model = m
            .jars
            .get(client)
            .cloned()
            .flatten()
            .filter(|c| c.expires.is_none_or(|t| m.now < t));
        prop_assert_eq!(&real, &model, "{}: {}'s cookie", context, client);
    }
    if m.defects == Defects::NONE && !m.handed {
        // Two browsers share a session only when a cookie was copied or planted.
        let held: Vec<String> = CLIENTS.iter().filter_map(|c| m.cookie_of(c)).collect();
        for (i, a) in held.iter().enumerate() {
            prop_assert!(
                !held[i + 1..].contains(a),
                "{}: shared without a copy",
                context
            );
        }
    }
    Ok(())
}

/// Every combination of the web's defects, with B5 off and on, each with its own cases.
#[test]
fn every_combination_of_web_defects_matches_the_model() {
    let web = Defects::parse("B3,B4,B11,B14").expect("defects");
    let cases = if std::env::var_os("PROPTEST_CASES").is_some() {
        ProptestConfig::default().cases
    } else {
        40
    };
    for defects in web.subsets() {
        for defects in [defects, defects.with(Defect::B5)] {
            let mut runner = TestRunner::new(ProptestConfig {
                cases,
                failure_persistence: None,
                ..ProptestConfig::default()
            });
            let strategy = (any::<u64>(), prop::collection::vec(op(), 1..60));
            let result = runner.run(&strategy, |(seed, ops)| run(defects, seed, &ops));
            if let Err(e) = result {
                panic!("defects {defects}: {e}");
            }
        }
    }
}

/// `visit --format json` carries what a CI needs: client, request cookie, status, each
/// `Set-Cookie`, body, and the session used.
#[test]
fn a_visit_in_json_names_the_request_the_answer_and_the_session() {
    let options = Options {
        seed: Some(1),
        ..Default::default()
    };
    let mut shell = Shell::new(options).expect("shell");
    let json = |shell: &mut Shell, line: &str| {
        let outcome = shell.execute(line).expect(line).expect("an outcome");
        serde_json::to_value(&outcome).expect("json")
    };
    let first = json(&mut shell, "visit alice /count");
    let sid = first["session"].as_str().expect("a session").to_owned();
    assert_eq!(first["client"], "alice");
    assert_eq!(first["request"]["cookie"], serde_json::Value::Null);
    assert_eq!(first["response"]["status"], 200);
    assert_eq!(first["response"]["body"], "countnum = 1");
    let sent = format!(
        "gosessionid={}; HttpOnly; Path=/; Max-Age=3600",
        query_escape(&sid)
    );
    assert_eq!(first["response"]["set_cookie"], serde_json::json!([sent]));
    let out = json(&mut shell, "visit alice /logout");
    assert_eq!(
        out["request"]["cookie"],
        format!("gosessionid={}", query_escape(&sid))
    );
    assert_eq!(out["session"], serde_json::Value::Null, "logged out");
    assert_eq!(
        out["events"][0]["client"], "alice",
        "the event names its client"
    );
    assert_eq!(out["events"][0]["detail"], "destroyed");
}
