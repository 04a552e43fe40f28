//! HTTP/1.1 on one connection: each request's head read within size limits and a deadline
//! (parsed by `httparse`), its form body, and the response written back.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// The longest request line taken: longer is 414.
pub const MAX_LINE: usize = 8 * 1024;
/// The longest head (request line and headers) taken: longer is 431.
pub const MAX_HEAD: usize = 16 * 1024;
/// The longest body taken (a login form): longer is 413.
pub const MAX_BODY: usize = 16 * 1024;
/// The most headers taken: more is 431.
const MAX_HEADERS: usize = 64;

/// A request as it came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The request target: a path and maybe `?` and a query.
    pub target: String,
    /// The headers, names in lower case, in order.
    pub headers: Vec<(String, Vec<u8>)>,
    /// The body (empty unless `Content-Length` gave one).
    pub body: Vec<u8>,
    /// Whether the client keeps the connection for another request.
    pub keep_alive: bool,
    /// Whether it spoke HTTP/1.0, where keeping the connection must be said.
    pub http_1_0: bool,
}

impl Request {
    /// The values of header `name` (lower case), in order.
    pub fn header_values<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a [u8]> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n == name)
            .map(|(_, v)| v.as_slice())
    }

    /// The first value of header `name` (lower case) as text, if it is UTF-8.
    pub fn header(&self, name: &str) -> Option<&str> {
        let (_, value) = self.headers.iter().find(|(n, _)| n == name)?;
        std::str::from_utf8(value).ok()
    }
}

/// A response to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// Headers besides `Content-Length` and `Connection`, in order.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl Response {
    /// A response with `status`, a body of `content_type`, and no other header.
    pub fn new(status: u16, content_type: &str, body: impl Into<Vec<u8>>) -> Response {
        Response {
            status,
            headers: vec![("Content-Type", content_type.to_owned())],
            body: body.into(),
        }
    }

    /// A plain-text answer.
    pub fn text(status: u16, body: impl Into<String>) -> Response {
        Response::new(status, "text/plain; charset=utf-8", body.into())
    }
}

/// What reading a request gave.
#[derive(Debug)]
pub enum Incoming {
    /// A whole request.
    Request(Request),
    /// The client closed the connection, or sent nothing before the deadline: no answer.
    Closed,
    /// A request that is refused: answer this 4xx, then close.
    Refused(u16, String),
}

/// One client connection, with the bytes read past the last request.
#[derive(Debug)]
pub struct Connection {
    stream: TcpStream,
    buffer: Vec<u8>,
}

impl Connection {
    /// Reads requests from `stream`.
    pub fn new(stream: TcpStream) -> Connection {
        Connection {
            stream,
            buffer: Vec::with_capacity(1024),
        }
    }

    /// The next request, which must arrive whole within `timeout`.
    pub fn next(&mut self, timeout: Duration) -> io::Result<Incoming> {
        let deadline = Instant::now()
            .checked_add(timeout)
            .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
        let (head_len, mut request) = loop {
            match self.head() {
                Head::Whole(len, request) => break (len, request),
                Head::Refused(status, why) => return Ok(Incoming::Refused(status, why)),
                Head::Partial => {}
            }
            match self.fill(deadline)? {
                Fill::More => {}
                Fill::Eof => return Ok(Incoming::Closed),
                Fill::TimedOut if self.buffer.is_empty() => return Ok(Incoming::Closed),
                Fill::TimedOut => {
                    let why = format!("the request's head did not arrive within {timeout:?}");
                    return Ok(Incoming::Refused(408, why));
                }
            }
        };
        self.buffer.drain(..head_len);
        if request.header("transfer-encoding").is_some() {
            let why = "a body in Transfer-Encoding is not taken; send Content-Length".to_owned();
            return Ok(Incoming::Refused(501, why));
        }
        let length = match content_length(&request) {
            Ok(length) => length,
            Err(why) => return Ok(Incoming::Refused(400, why)),
        };
        if length > MAX_BODY {
            let why = format!("a body of {length} bytes; at most {MAX_BODY} are taken");
            return Ok(Incoming::Refused(413, why));
        }
        while self.buffer.len() < length {
            match self.fill(deadline)? {
                Fill::More => {}
                Fill::Eof => return Ok(Incoming::Closed),
                Fill::TimedOut => {
                    let why = format!("the request's body did not arrive within {timeout:?}");
                    return Ok(Incoming::Refused(408, why));
                }
            }
        }
        request.body = self.buffer.drain(..length).collect();
        Ok(Incoming::Request(request))
    }

    /// The request whose head starts the buffer, if it is whole and within the limits.
    fn head(&self) -> Head {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut parsed = httparse::Request::new(&mut headers);
        let len = match parsed.parse(&self.buffer) {
            Ok(httparse::Status::Complete(len)) => len,
            Ok(httparse::Status::Partial) => {
                return match oversized(&self.buffer) {
                    Some((status, why)) => Head::Refused(status, why),
                    None => Head::Partial,
                };
            }
            Err(httparse::Error::TooManyHeaders) => {
                return Head::Refused(431, format!("more than {MAX_HEADERS} headers"));
            }
            Err(e) => return Head::Refused(400, format!("a malformed request: {e}")),
        };
        // However the bytes were cut into reads, the limits are the same.
        if let Some((status, why)) = oversized(&self.buffer[..len]) {
            return Head::Refused(status, why);
        }
        let (Some(method), Some(target), Some(version)) =
            (parsed.method, parsed.path, parsed.version)
        else {
            return Head::Refused(400, "a malformed request line".to_owned());
        };
        let headers: Vec<(String, Vec<u8>)> = parsed
            .headers
            .iter()
            .map(|h| (h.name.to_ascii_lowercase(), h.value.to_vec()))
            .collect();
        let connection = headers
            .iter()
            .filter(|(n, _)| n == "connection")
            .map(|(_, v)| String::from_utf8_lossy(v).to_ascii_lowercase())
            .collect::<Vec<_>>()
            .join(",");
        let keep_alive = match version {
            0 => connection.contains("keep-alive"),
            _ => !connection.contains("close"),
        };
        Head::Whole(
            len,
            Request {
                method: method.to_owned(),
                target: target.to_owned(),
                headers,
                body: Vec::new(),
                keep_alive,
                http_1_0: version == 0,
            },
        )
    }

    /// Reads more bytes, waiting until `deadline` at most.
    fn fill(&mut self, deadline: Instant) -> io::Result<Fill> {
        let Some(left) = deadline
            .checked_duration_since(Instant::now())
            .filter(|d| !d.is_zero())
        else {
            return Ok(Fill::TimedOut);
        };
        self.stream.set_read_timeout(Some(left))?;
        let mut chunk = [0; 4096];
        match self.stream.read(&mut chunk) {
            Ok(0) => Ok(Fill::Eof),
            Ok(n) => {
                self.buffer.extend_from_slice(&chunk[..n]);
                Ok(Fill::More)
            }
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                Ok(Fill::TimedOut)
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(Fill::More),
            Err(e) => Err(e),
        }
    }

    /// Writes `response`, without its body for `HEAD`. `connection` is the header that
    /// says whether the connection ends (`close`) or stays (`keep-alive`, for HTTP/1.0).
    pub fn send(
        &mut self,
        response: &Response,
        head_only: bool,
        connection: Option<&str>,
    ) -> io::Result<()> {
        let mut out = Vec::with_capacity(256 + response.body.len());
        let reason = reason(response.status);
        let _ = write!(out, "HTTP/1.1 {} {reason}\r\n", response.status);
        for (name, value) in &response.headers {
            let _ = write!(out, "{name}: {value}\r\n");
        }
        // A 204 has no body, and must not say it has one (RFC 9110).
        if response.status != 204 {
            let _ = write!(out, "Content-Length: {}\r\n", response.body.len());
        }
        if let Some(connection) = connection {
            let _ = write!(out, "Connection: {connection}\r\n");
        }
        out.extend_from_slice(b"\r\n");
        if !head_only && response.status != 204 {
            out.extend_from_slice(&response.body);
        }
        self.stream.write_all(&out)?;
        self.stream.flush()
    }

    /// Closes after a refusal, reading what the client still sends for a moment first:
    /// closing with unread bytes would reset the connection, and the client would see
    /// that instead of the answer.
    pub fn linger(mut self) {
        let _ = self.stream.shutdown(std::net::Shutdown::Write);
        let until = Instant::now() + LINGER;
        let mut drained = 0;
        while drained < MAX_LINGER_BYTES {
            match self.fill(until) {
                Ok(Fill::More) => {
                    drained += self.buffer.len();
                    self.buffer.clear();
                }
                _ => return,
            }
        }
    }
}

/// How long a refused connection is read from before it is closed, and how much at most.
const LINGER: Duration = Duration::from_millis(500);
const MAX_LINGER_BYTES: usize = 1 << 20;

enum Head {
    Whole(usize, Request),
    Partial,
    Refused(u16, String),
}

enum Fill {
    More,
    Eof,
    TimedOut,
}

/// The body's length: every `Content-Length` must be the same run of digits (RFC 9110), or
/// the request is refused, since two readings of it would split the stream differently.
fn content_length(request: &Request) -> Result<usize, String> {
    let mut length = None;
    for value in request.header_values("content-length") {
        let text = std::str::from_utf8(value).unwrap_or("").trim();
        let n = (!text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()))
            .then(|| text.parse::<usize>().ok())
            .flatten()
            .ok_or_else(|| format!("a bad Content-Length `{}`", String::from_utf8_lossy(value)))?;
        if length.is_some_and(|l| l != n) {
            return Err("two different Content-Length headers".to_owned());
        }
        length = Some(n);
    }
    Ok(length.unwrap_or(0))
}

/// The refusal of a buffer that holds no whole head yet and is already too long.
fn oversized(buffer: &[u8]) -> Option<(u16, String)> {
    let line_end = buffer.iter().position(|&b| b == b'\n');
    if line_end.map_or(buffer.len(), |at| at + 1) > MAX_LINE {
        return Some((414, format!("a request line over {MAX_LINE} bytes")));
    }
    (buffer.len() > MAX_HEAD).then(|| (431, format!("a request head over {MAX_HEAD} bytes")))
}

/// The reason phrase of the statuses sessim sends.
fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        302 => "Found",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlong_line_is_414_and_an_overlong_head_431() {
        let line = vec![b'a'; MAX_LINE + 1];
        assert_eq!(oversized(&line).map(|r| r.0), Some(414));
        let mut head = b"GET / HTTP/1.1\r\n".to_vec();
        head.extend(vec![b'x'; MAX_HEAD]);
        assert_eq!(oversized(&head).map(|r| r.0), Some(431));
        assert_eq!(oversized(b"GET / HTTP/1.1\r\nHost: a\r\n"), None);
    }
}
