//! The connection to Redis, and the namespace one simulation's keys live under.
//!
//! A connection that fails is dropped, and the next call connects again: a Redis that went
//! away fails each command with one line, and is used again once it is back.

use std::time::Duration;

use redis::{Client, Connection, ConnectionLike as _, IntoConnectionInfo as _, RedisError};

use crate::{Error, Result};

/// How long connecting, and waiting for an answer, may take.
const TIMEOUT: Duration = Duration::from_secs(5);

/// The URL used when neither `--redis-url` nor `SESSIM_REDIS_URL` gives one.
pub const DEFAULT_URL: &str = "redis://127.0.0.1:6379/0";

/// A Redis server, connected to when needed.
pub struct Link {
    client: Client,
    conn: Option<Connection>,
    /// The URL as messages show it, without its password.
    shown: String,
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Link({})", self.shown)
    }
}

impl Link {
    /// The server at `url`, not yet connected. A malformed URL is refused.
    pub fn new(url: &str) -> Result<Link> {
        let shown = without_password(url);
        // TCP_NODELAY, as every request-and-answer client sets it: a command is sent at once.
        let nodelay = |info: redis::ConnectionInfo| {
            info.set_tcp_settings(redis::io::tcp::TcpSettings::default().set_nodelay(true))
        };
        let client = url.into_connection_info().map(nodelay).and_then(Client::open).map_err(|e| {
            Error::Invalid(format!(
                "`{shown}` is not a Redis URL ({e}); expected redis://[:PASSWORD@]HOST[:PORT][/DB] \
                 or unix:///PATH"
            ))
        })?;
        Ok(Link {
            client,
            conn: None,
            shown,
        })
    }

    /// The URL, without its password.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Runs `f` on the connection, connecting first if there is none. An error that may
    /// have broken the connection drops it.
    pub fn run<T>(
        &mut self,
        f: impl FnOnce(&mut Connection) -> redis::RedisResult<T>,
    ) -> Result<T> {
        if self.conn.is_none() {
            let conn = self
                .client
                .get_connection_with_timeout(TIMEOUT)
                .map_err(|e| self.error(&e))?;
            conn.set_read_timeout(Some(TIMEOUT))
                .and_then(|()| conn.set_write_timeout(Some(TIMEOUT)))
                .map_err(|e| self.error(&e))?;
            self.conn = Some(conn);
        }
        let Some(conn) = self.conn.as_mut() else {
            unreachable!("connected above")
        };
        match f(conn) {
            Ok(v) => Ok(v),
            Err(e) => {
                if e.is_io_error() || e.is_connection_dropped() || e.is_timeout() || !conn.is_open()
                {
                    self.conn = None;
                }
                Err(self.error(&e))
            }
        }
    }

    fn error(&self, e: &RedisError) -> Error {
        let detail = if e.is_connection_refusal() {
            "connection refused; is redis-server running there?".to_owned()
        } else if e.is_connection_dropped() || e.is_io_error() {
            format!(
                "the connection was lost ({}); is redis-server still running there?",
                e.to_string().replace('\n', " ")
            )
        } else {
            e.to_string().replace('\n', " ")
        };
        Error::Redis {
            url: self.shown.clone(),
            detail,
        }
    }
}

/// `url` with the password, if any, shown as `***`: in the user part
/// (`redis://:PASS@host`) or the query (`unix:///path?pass=PASS`).
fn without_password(url: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let mut shown = match base.split_once("://") {
        Some((scheme, rest)) => match rest.rsplit_once('@') {
            Some((user_info, host)) => {
                let user = user_info.split_once(':').map_or("", |(u, _)| u);
                format!("{scheme}://{user}:***@{host}")
            }
            None => base.to_owned(),
        },
        None => base.to_owned(),
    };
    if let Some(query) = query {
        let params: Vec<String> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((k, _)) if k == "pass" || k == "password" => format!("{k}=***"),
                _ => p.to_owned(),
            })
            .collect();
        shown = format!("{shown}?{}", params.join("&"));
    }
    shown
}

/// Checks a namespace's name: it sits inside a hash tag and a key pattern, so it is kept to
/// letters, digits, `-`, `_` and `.`.
pub fn check_namespace(name: &str) -> Result<()> {
    let fine = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.');
    if name.is_empty() || name.len() > 64 || !name.chars().all(fine) {
        return Err(Error::Invalid(format!(
            "namespace `{}` is not allowed: use 1 to 64 letters, digits, `-`, `_` or `.`",
            crate::error::shown(name)
        )));
    }
    Ok(())
}

/// The key prefix of namespace `name`: its hash tag keeps all its keys in one slot of a
/// Redis Cluster, so that a script may touch any of them.
pub fn prefix(name: &str) -> String {
    format!("sessim:{{{name}}}:")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_is_never_shown() {
        assert_eq!(
            without_password("redis://:secret@localhost:6379/0"),
            "redis://:***@localhost:6379/0"
        );
        assert_eq!(
            without_password("redis://bob:s@cr@t@host"),
            "redis://bob:***@host"
        );
        assert_eq!(without_password("redis://host:1"), "redis://host:1");
        assert_eq!(
            without_password("unix:///tmp/r.sock?db=1&pass=secret"),
            "unix:///tmp/r.sock?db=1&pass=***"
        );
    }

    #[test]
    fn namespaces_are_plain_words() {
        assert!(check_namespace("demo-1.a_b").is_ok());
        for bad in ["", "a}b", "a{b", "a:b", "a*", "名", &"x".repeat(65)] {
            assert!(check_namespace(bad).is_err(), "{bad}");
        }
        assert_eq!(prefix("demo"), "sessim:{demo}:");
    }
}
