//! A simulated browser's cookie jar, on the virtual clock: it keeps what `Set-Cookie`
//! headers say, honours `Max-Age`, `Path` and `HttpOnly`, and writes the `Cookie` header.

use std::time::Duration;

use cookie::Cookie;
use serde::Serialize;

use crate::basics::time::Time;

/// One cookie a browser keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Kept {
    /// Its name.
    pub name: String,
    /// Its value, as the server sent it.
    pub value: String,
    /// The path it is sent to, and below.
    pub path: String,
    /// When it stops being sent; `None` for a cookie that lasts the browser's session.
    pub expires: Option<Time>,
    /// Whether scripts are kept from it (`document.cookie` does not show it).
    pub http_only: bool,
}

impl Kept {
    fn alive(&self, now: Time) -> bool {
        self.expires.is_none_or(|t| now < t)
    }

    /// RFC 6265's path-match: the cookie's path is the request's, or a directory of it.
    fn matches(&self, path: &str) -> bool {
        path == self.path
            || path.starts_with(&self.path)
                && (self.path.ends_with('/') || path[self.path.len()..].starts_with('/'))
    }
}

/// The cookies of one browser for the one site sessim simulates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jar {
    /// In the order they were first set; one per name and path.
    cookies: Vec<Kept>,
}

impl Jar {
    /// Takes in one `Set-Cookie` header received at `now`. A header the `cookie` crate
    /// cannot parse is ignored, as browsers ignore it.
    pub fn receive(&mut self, header: &str, now: Time) {
        let Ok(c) = Cookie::parse(header) else {
            return;
        };
        let path = c.path().filter(|p| p.starts_with('/')).unwrap_or("/");
        let expires = c.max_age().map(|age| {
            let secs = u64::try_from(age.whole_seconds()).unwrap_or(0);
            now.checked_add(Duration::from_secs(secs))
                .unwrap_or(Time::MAX)
        });
        let kept = Kept {
            name: c.name().to_owned(),
            value: c.value().to_owned(),
            path: path.to_owned(),
            expires,
            http_only: c.http_only() == Some(true),
        };
        self.put(kept, now);
    }

    /// Keeps `cookie` in place of the one of its name and path, or drops both if it has
    /// expired already (`Max-Age` of 0 or less deletes).
    pub fn put(&mut self, cookie: Kept, now: Time) {
        let same = |k: &Kept| k.name == cookie.name && k.path == cookie.path;
        match self.cookies.iter().position(same) {
            Some(at) if cookie.alive(now) => self.cookies[at] = cookie,
            Some(at) => {
                self.cookies.remove(at);
            }
            None if cookie.alive(now) => self.cookies.push(cookie),
            None => {}
        }
    }

    /// The cookies sent to `path` at `now`, longest path first, as browsers order them.
    pub fn sent(&self, path: &str, now: Time) -> Vec<&Kept> {
        let mut sent: Vec<&Kept> = self
            .cookies
            .iter()
            .filter(|k| k.alive(now) && k.matches(path))
            .collect();
        sent.sort_by_key(|k| std::cmp::Reverse(k.path.len()));
        sent
    }

    /// The `Cookie` header of a request for `path` at `now`, if any cookie is sent.
    pub fn header(&self, path: &str, now: Time) -> Option<String> {
        let pairs: Vec<String> = self
            .sent(path, now)
            .into_iter()
            .map(|k| Cookie::new(k.name.as_str(), k.value.as_str()).to_string())
            .collect();
        (!pairs.is_empty()).then(|| pairs.join("; "))
    }

    /// What `document.cookie` shows on page `path`: the cookies sent there but HttpOnly.
    pub fn document_cookie(&self, path: &str, now: Time) -> String {
        let pairs: Vec<String> = self
            .sent(path, now)
            .into_iter()
            .filter(|k| !k.http_only)
            .map(|k| format!("{}={}", k.name, k.value))
            .collect();
        pairs.join("; ")
    }

    /// The live cookie called `name` for path `/`, if any.
    pub fn get(&self, name: &str, now: Time) -> Option<&Kept> {
        self.cookies
            .iter()
            .find(|k| k.name == name && k.path == "/" && k.alive(now))
    }

    /// Removes every cookie called `name`; tells whether there was one.
    pub fn clear(&mut self, name: &str) -> bool {
        let before = self.cookies.len();
        self.cookies.retain(|k| k.name != name);
        self.cookies.len() != before
    }

    /// The live cookies, in the order they were first set.
    pub fn live(&self, now: Time) -> impl Iterator<Item = &Kept> {
        self.cookies.iter().filter(move |k| k.alive(now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> Time {
        Time::from_unix_nanos(0)
            .checked_add(Duration::from_secs(secs))
            .unwrap()
    }

    #[test]
    fn max_age_path_and_http_only_are_honoured() {
        let mut jar = Jar::default();
        jar.receive("sid=a%3D; HttpOnly; Path=/; Max-Age=60", at(0));
        jar.receive("theme=dark; Path=/admin", at(0));
        assert_eq!(jar.header("/count", at(59)).as_deref(), Some("sid=a%3D"));
        assert_eq!(
            jar.header("/admin/x", at(10)).as_deref(),
            Some("theme=dark; sid=a%3D"),
            "the longer path first"
        );
        assert_eq!(
            jar.header("/administrator", at(10)).as_deref(),
            Some("sid=a%3D")
        );
        assert_eq!(jar.document_cookie("/", at(0)), "", "HttpOnly is hidden");
        assert_eq!(jar.header("/", at(60)), None, "gone after Max-Age");
        jar.receive("sid=b; Path=/; Max-Age=60", at(0));
        jar.receive("sid=; Path=/; Max-Age=-1", at(1));
        assert_eq!(jar.header("/", at(1)), None, "Max-Age=-1 deletes");
        jar.receive("not a cookie", at(1));
        assert_eq!(jar.live(at(1)).count(), 1, "the theme stays");
    }
}
