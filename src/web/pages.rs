//! The book's manager calls and pages (§6.2, §6.4): `SessionStart`, `SessionDestroy`, and
//! `/`, `/login`, `/count` and `/logout`, over the session manager. Each switch among the
//! web's defects (B3, B4, B11, B14) is decided here, once.

use compact_str::CompactString;
use cookie::Cookie;
use cookie::time::Duration as CookieAge;

use super::escape::{query_escape, query_unescape};
use super::{Request, Response, Step};
use crate::basics::time::Time;
use crate::manager::{Config, Manager, ReadOutcome};
use crate::rules::Defect;
use crate::store::Store;
use crate::{Error, Result};

/// The pages the simulated site serves.
pub const PATHS: &[&str] = &["/", "/login", "/count", "/logout"];

/// Serves `request` at `now`: the page's answer. A page that fails answers 500 with the
/// error; what it did before that stays done, as on a real server.
pub fn serve<S: Store>(m: &mut Manager<S>, request: &Request, now: Time) -> Response {
    let mut page = Page {
        m,
        request,
        now,
        response: Response::default(),
    };
    let result = match request.path.as_str() {
        "/" => page.home(),
        "/login" => page.login(),
        "/count" => page.count(),
        "/logout" => page.logout(),
        _ => {
            page.response.status = 404;
            Ok(format!("page not found: {}", request.path))
        }
    };
    let mut response = page.response;
    match result {
        Ok(body) => response.body = body,
        Err(e) => {
            response.status = 500;
            response.body = format!("internal error: {e}");
        }
    }
    response
}

/// One request being served.
struct Page<'a, S: Store> {
    m: &'a mut Manager<S>,
    request: &'a Request,
    now: Time,
    response: Response,
}

impl<S: Store> Page<'_, S> {
    fn has(&self, defect: Defect) -> bool {
        self.m.config().defects.has(defect)
    }

    /// `/`: the session's user, if one logged in.
    fn home(&mut self) -> Result<String> {
        let sid = self.session_start()?;
        let user = self.m.get(&sid, "username", self.now)?;
        Ok(match user {
            Some(user) => format!("username = {user}"),
            None => "username = (none): not logged in".to_owned(),
        })
    }

    /// `/login`: with `user=NAME`, logs NAME in (and, fixed, gives the session a new id
    /// first: B14); without, shows who is logged in, as the book's form does.
    fn login(&mut self) -> Result<String> {
        let mut sid = self.session_start()?;
        let Some(user) = self.request.param("user") else {
            let user = self.m.get(&sid, "username", self.now)?;
            return Ok(format!(
                "login form (username = {})",
                user.as_deref().unwrap_or("(none)")
            ));
        };
        let created_now = matches!(self.response.steps.last(), Some(Step::Created { .. }));
        if !self.has(Defect::B14) && !created_now {
            sid = self.regenerate(&sid)?;
        }
        self.m.set(&sid, "username", user, self.now)?;
        self.response.status = 302;
        Ok(format!("logged in as {user}; redirect to /"))
    }

    /// `/count`: the `countnum` counter, with the `createtime` rotation of §6.2.
    fn count(&mut self) -> Result<String> {
        let mut sid = self.session_start()?;
        let now_secs = self.now.unix_secs();
        match self.m.get(&sid, "createtime", self.now)? {
            None => self.set_createtime(&sid)?,
            Some(text) => {
                let created: i64 = text.parse().map_err(|_| {
                    Error::Invalid(format!("createtime `{text}` is not a whole number"))
                })?;
                let limit = self.m.config().rotate_after.map(|d| d.as_secs());
                let due = limit.is_some_and(|secs| {
                    created.saturating_add(i64::try_from(secs).unwrap_or(i64::MAX)) < now_secs
                });
                if due {
                    sid = self.rotate(&sid)?;
                }
            }
        }
        let n = self.m.incr(&sid, "countnum", 1, self.now)?;
        Ok(format!("countnum = {n}"))
    }

    /// The rotation: as the book writes it (B4), `SessionDestroy` and then `SessionStart`
    /// on the same request, whose old cookie is read again; fixed, a new id for the same
    /// data, with `createtime` restarted.
    fn rotate(&mut self, sid: &str) -> Result<CompactString> {
        if self.has(Defect::B4) {
            self.session_destroy()?;
            return self.session_start();
        }
        let sid = self.regenerate(sid)?;
        self.set_createtime(&sid)?;
        Ok(sid)
    }

    fn set_createtime(&mut self, sid: &str) -> Result<()> {
        let secs = self.now.unix_secs().to_string();
        self.m.set(sid, "createtime", &secs, self.now)
    }

    /// `/logout`: `SessionDestroy`.
    fn logout(&mut self) -> Result<String> {
        self.session_destroy()?;
        Ok("logged out".to_owned())
    }

    /// `SessionStart`: the session the request's cookie names, or a new one. Returns its id.
    fn session_start(&mut self) -> Result<CompactString> {
        let name = self.m.config().cookie_name.clone();
        let Some(value) = self.request.cookie(&name).filter(|v| !v.is_empty()) else {
            return self.new_session();
        };
        let sid = match query_unescape(&value).and_then(usable) {
            Ok(sid) => sid,
            Err(why) => {
                self.response.steps.push(Step::Refused { value, why });
                return self.new_session();
            }
        };
        match self.m.read(&sid, self.now) {
            Ok(outcome) => {
                let id = CompactString::from(sid.as_str());
                self.response.steps.push(match outcome {
                    ReadOutcome::Found => Step::Read { id: sid },
                    ReadOutcome::Adopted => Step::Adopted { id: sid },
                });
                // The book sends the cookie only with a new session (B11).
                if !self.has(Defect::B11) {
                    self.set_cookie(&id);
                }
                Ok(id)
            }
            Err(Error::NoSuchSession(_)) => {
                self.response.steps.push(Step::Unknown { id: sid });
                self.new_session()
            }
            Err(e @ (Error::Expired(_) | Error::LifetimeOver { .. })) => {
                self.response.steps.push(match e {
                    Error::Expired(_) => Step::Expired { id: sid.clone() },
                    _ => Step::TooOld { id: sid.clone() },
                });
                // Gone now, so with B5 the book's `SessionRead` adopts the id again.
                if self.m.rules().adopts() {
                    self.m.read(&sid, self.now)?;
                    self.response.steps.push(Step::Adopted { id: sid.clone() });
                    return Ok(sid.into());
                }
                self.new_session()
            }
            Err(e) => Err(e),
        }
    }

    fn new_session(&mut self) -> Result<CompactString> {
        let id = self.m.create(None, self.now)?;
        self.response
            .steps
            .push(Step::Created { id: id.to_string() });
        self.set_cookie(&id);
        Ok(id)
    }

    fn regenerate(&mut self, sid: &str) -> Result<CompactString> {
        let to = self.m.regenerate(sid, self.now)?;
        self.response.steps.push(Step::Regenerated {
            from: sid.to_owned(),
            to: to.to_string(),
        });
        self.set_cookie(&to);
        Ok(to)
    }

    /// `SessionDestroy`: destroys the session the request's cookie names (with B3, by the
    /// cookie's value still escaped) and tells the browser to drop the cookie.
    fn session_destroy(&mut self) -> Result<()> {
        let name = self.m.config().cookie_name.clone();
        let Some(value) = self.request.cookie(&name).filter(|v| !v.is_empty()) else {
            return Ok(());
        };
        let target = if self.has(Defect::B3) {
            Ok(value.clone())
        } else {
            query_unescape(&value)
        };
        match target {
            Ok(id) => match self.m.destroy(&id, self.now) {
                Ok(()) => self.response.steps.push(Step::Destroyed { id }),
                Err(Error::NoSuchSession(_)) => {
                    let escaped =
                        self.has(Defect::B3) && query_unescape(&id).is_ok_and(|u| u != id);
                    self.response.steps.push(Step::NotFound { id, escaped });
                }
                Err(e) => return Err(e),
            },
            Err(why) => self.response.steps.push(Step::Refused { value, why }),
        }
        self.response.set_cookie.push(removal(self.m.config()));
        Ok(())
    }

    /// Sends the session cookie for `sid`, as `SessionStart` builds it.
    fn set_cookie(&mut self, sid: &str) {
        let mut cookie = self.cookie(query_escape(sid));
        if let Some(secs) = self.m.config().cookie_max_age_secs() {
            cookie.set_max_age(CookieAge::seconds(i64::try_from(secs).unwrap_or(i64::MAX)));
        }
        self.response.set_cookie.push(cookie.to_string());
    }

    /// The session cookie with `value`, as `config` builds it.
    fn cookie(&self, value: String) -> Cookie<'static> {
        session_cookie(self.m.config(), value)
    }
}

/// The session cookie with `value`, `Path=/`, and `HttpOnly` if it is on.
fn session_cookie(config: &Config, value: String) -> Cookie<'static> {
    let mut cookie = Cookie::new(config.cookie_name.clone(), value);
    cookie.set_path("/");
    if config.cookie_httponly {
        cookie.set_http_only(true);
    }
    cookie
}

/// The `Set-Cookie` that tells a browser to drop its session cookie (`Max-Age=-1`), as
/// `SessionDestroy` sends it.
pub fn removal(config: &Config) -> String {
    let mut cookie = session_cookie(config, String::new());
    cookie.set_max_age(CookieAge::seconds(-1));
    cookie.to_string()
}

/// The id `sid`, if a session could have it: not empty, no whitespace or control
/// characters. Anything else is treated as no session at all.
fn usable(sid: String) -> std::result::Result<String, String> {
    if sid.is_empty() {
        return Err("it unescapes to nothing".to_owned());
    }
    if sid.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("it holds whitespace or a control character".to_owned());
    }
    Ok(sid)
}
