//! The web layer (§6.1, §6.2, §6.4): simulated browsers, each with a cookie jar, that
//! request the book's pages from its manager, on the virtual clock.

pub mod escape;
pub mod jar;
pub mod pages;

use std::collections::BTreeMap;

use cookie::Cookie;
use serde::Serialize;

use crate::basics::time::Time;
use crate::manager::Manager;
use crate::store::Store;
use crate::{Error, Result};
pub use jar::{Jar, Kept};

/// A request a client makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Request {
    /// `GET`, or `POST` for a form a real browser sent (`sessim serve`).
    #[serde(skip_serializing_if = "is_get")]
    pub method: String,
    /// The page, such as `/count`.
    pub path: String,
    /// Its parameters, such as `user=alice`, in order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub params: Vec<(String, String)>,
    /// The `Cookie` header the browser sent, if any.
    pub cookie: Option<String>,
}

fn is_get(method: &str) -> bool {
    method == "GET"
}

impl Request {
    /// A `GET` of `path` with `params`, sending `cookie`.
    pub fn get(path: &str, params: Vec<(String, String)>, cookie: Option<String>) -> Request {
        Request {
            method: "GET".to_owned(),
            path: path.to_owned(),
            params,
            cookie,
        }
    }

    /// The first value of parameter `name`.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The value of the first cookie called `name`, as Go's `r.Cookie(name)` finds it.
    pub fn cookie(&self, name: &str) -> Option<String> {
        let header = self.cookie.as_deref()?;
        Cookie::split_parse(header)
            .flatten()
            .find(|c| c.name() == name)
            .map(|c| c.value().to_owned())
    }
}

/// What the manager did for a request, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "did", rename_all = "snake_case")]
pub enum Step {
    /// A new session (`SessionInit`).
    Created { id: String },
    /// The cookie's session was found (`SessionRead`).
    Read { id: String },
    /// The cookie's unknown id was made a session (B5).
    Adopted { id: String },
    /// The cookie's id is unknown and was not adopted: a new session follows.
    Unknown { id: String },
    /// The cookie's session had expired and was removed: a new session follows.
    Expired { id: String },
    /// The cookie's session had outlived the absolute lifetime, however active, and was
    /// removed: a new session follows.
    TooOld { id: String },
    /// The cookie's value cannot be an id: it is treated as no cookie.
    Refused { value: String, why: String },
    /// `SessionDestroy` removed the session.
    Destroyed { id: String },
    /// `SessionDestroy` found no session `id`; `escaped`: because it is still escaped (B3).
    NotFound { id: String, escaped: bool },
    /// The session was given a new id, its data kept.
    Regenerated { from: String, to: String },
}

/// A page's answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Response {
    /// 200, 302, 404 or 500.
    pub status: u16,
    /// Each `Set-Cookie` header, in order.
    pub set_cookie: Vec<String>,
    /// What the page shows.
    pub body: String,
    /// What the manager did.
    pub steps: Vec<Step>,
}

impl Default for Response {
    fn default() -> Self {
        Response {
            status: 200,
            set_cookie: Vec::new(),
            body: String::new(),
            steps: Vec::new(),
        }
    }
}

impl Response {
    /// The session the page used in the end: the last one started, read or given an id.
    pub fn session(&self) -> Option<&str> {
        for step in self.steps.iter().rev() {
            match step {
                Step::Created { id } | Step::Read { id } | Step::Adopted { id } => {
                    return Some(id);
                }
                Step::Regenerated { to, .. } => return Some(to),
                Step::Destroyed { .. } | Step::NotFound { .. } => return None,
                _ => {}
            }
        }
        None
    }
}

/// The simulated browsers, by name.
#[derive(Debug, Clone, Default)]
pub struct Clients {
    jars: BTreeMap<String, Jar>,
}

impl Clients {
    /// Client `name` requests `path` with `params` at `now`, from `m`'s site: the request
    /// it sent and the answer, whose cookies its jar has taken in. The client is created
    /// by its first visit.
    pub fn visit<S: Store>(
        &mut self,
        m: &mut Manager<S>,
        name: &str,
        path: &str,
        params: Vec<(String, String)>,
        now: Time,
    ) -> Result<(Request, Response)> {
        check_name(name)?;
        let cookie = self.jars.get(name).and_then(|j| j.header(path, now));
        let request = Request::get(path, params, cookie);
        let response = answer(m, name, &request, now)?;
        let jar = self.jars.entry(name.to_owned()).or_default();
        for header in &response.set_cookie {
            jar.receive(header, now);
        }
        Ok((request, response))
    }

    /// Client `name`'s jar; an error if there is no such client.
    pub fn jar(&self, name: &str) -> Result<&Jar> {
        self.jars.get(name).ok_or_else(|| self.unknown(name))
    }

    /// Client `name`'s jar, the client made if new.
    pub fn jar_mut(&mut self, name: &str) -> Result<&mut Jar> {
        check_name(name)?;
        Ok(self.jars.entry(name.to_owned()).or_default())
    }

    /// The clients and their jars, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Jar)> {
        self.jars.iter().map(|(n, j)| (n.as_str(), j))
    }

    /// The names of the clients that start with `prefix`.
    pub fn names_starting_with(&self, prefix: &str) -> Vec<String> {
        self.jars
            .keys()
            .filter(|n| n.starts_with(prefix))
            .cloned()
            .collect()
    }

    fn unknown(&self, name: &str) -> Error {
        let names = self.jars.keys().map(String::as_str);
        let hint = match crate::shell::commands::nearest(name, names) {
            Some(n) => format!("did you mean `{n}`?"),
            None if self.jars.is_empty() => {
                "no client has visited yet; `visit NAME /` makes one".to_owned()
            }
            None => format!(
                "clients are {}",
                self.jars.keys().cloned().collect::<Vec<_>>().join(", ")
            ),
        };
        Error::Invalid(format!("no client `{}`; {hint}", crate::error::shown(name)))
    }
}

/// `client`'s `request` answered at `now` by `m`'s site: the one way into the book's pages,
/// for simulated browsers (`visit`) and real ones (`sessim serve`) alike.
pub fn answer<S: Store>(
    m: &mut Manager<S>,
    client: &str,
    request: &Request,
    now: Time,
) -> Result<Response> {
    m.together(now, Some(client), |m| pages::serve(m, request, now))
}

/// The parameters of a query string or a form body (`a=1&b=x+y`), unescaped as Go's
/// `url.ParseQuery` does; an error names the bad escape.
pub fn parse_query(query: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut params = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        params.push((
            escape::query_unescape(name)?,
            escape::query_unescape(value)?,
        ));
    }
    Ok(params)
}

/// Refuses a client name that is not one printable word.
fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::Invalid(format!(
            "invalid client name `{}`: a client is one word, such as alice",
            crate::error::shown(name)
        )));
    }
    Ok(())
}
