//! `sessim serve`: the book's pages over real HTTP/1.1. Each connection gets a thread of
//! its own, up to a bound; each request goes to a [`Handler`] (the [`site::Site`]), which
//! answers it from the one shell the prompt also drives.
//!
//! Requests are parsed by `httparse` (hyper's parser); the connection loop is sessim's own,
//! because it must refuse an oversized head with a 4xx and answer a slow client with 408,
//! which the blocking server crates do not (see the README).

pub mod html;
pub mod http;
pub mod site;

use std::collections::HashMap;
use std::io;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, ToSocketAddrs};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::Duration;

use http::{Connection, Incoming};

/// How many connections are served at once, each on its own thread; more get 503. Idle
/// and slow connections each hold one, so this is far above what a class opens.
pub const MAX_CONNECTIONS: usize = 256;

/// The default address: loopback only.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8080";

/// What answers the requests.
pub trait Handler: Send + Sync + 'static {
    /// The answer to `request` from `peer`.
    fn handle(&self, request: &http::Request, peer: SocketAddr) -> http::Response;

    /// Told of a request refused before it reached the handler, with the status sent.
    fn refused(&self, peer: SocketAddr, status: u16, why: &str);
}

/// A running server.
#[derive(Debug)]
pub struct Server {
    addr: SocketAddr,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
    accepting: JoinHandle<Vec<JoinHandle<()>>>,
}

/// The socket address `listen` names (`127.0.0.1:8080`, `localhost:8080`, `[::1]:0`).
pub fn address(listen: &str) -> Result<SocketAddr, String> {
    let mut found = listen.to_socket_addrs().map_err(|e| {
        format!("invalid --listen `{listen}`: {e}; give HOST:PORT, as {DEFAULT_LISTEN}")
    })?;
    found
        .next()
        .ok_or_else(|| format!("--listen `{listen}` names no address"))
}

impl Server {
    /// Listens on `addr` and serves with `handler`; a request's head and body must arrive
    /// within `timeout`, as must the next request on a kept-alive connection, and a client
    /// must take an answer within it too.
    pub fn start(
        addr: SocketAddr,
        handler: Arc<dyn Handler>,
        timeout: Duration,
    ) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let addr = listener.local_addr()?;
        // Polled, so that stopping never depends on a connection arriving.
        listener.set_nonblocking(true)?;
        let stop = Arc::new(AtomicBool::new(false));
        let open = Arc::new(Mutex::new(HashMap::new()));
        let worker = Arc::new(Worker {
            handler,
            stop: Arc::clone(&stop),
            open: Arc::clone(&open),
            timeout,
        });
        let accepting = std::thread::Builder::new()
            .name("sessim-accept".to_owned())
            .spawn(move || worker.accept(&listener))?;
        Ok(Server {
            addr,
            stop,
            open,
            accepting,
        })
    }

    /// The address it listens on (with the port the system chose for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops: no new connection is taken, the open ones are closed (a request being
    /// answered is answered first), and every thread has ended when this returns.
    pub fn stop(self) {
        self.stop.store(true, Ordering::SeqCst);
        let threads = self.accepting.join().unwrap_or_default();
        for stream in lock(&self.open).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        for thread in threads {
            let _ = thread.join();
        }
    }
}

/// What `m` guards, even if a thread panicked while holding it.
pub fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How often the listener is asked for a new connection.
const ACCEPT_POLL: Duration = Duration::from_millis(10);

/// What every connection's thread shares.
struct Worker {
    handler: Arc<dyn Handler>,
    stop: Arc<AtomicBool>,
    open: Arc<Mutex<HashMap<u64, TcpStream>>>,
    timeout: Duration,
}

static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(0);

/// A connection's place among the open ones, given up however its thread ends.
struct Registered<'a> {
    open: &'a Mutex<HashMap<u64, TcpStream>>,
    number: u64,
}

impl Drop for Registered<'_> {
    fn drop(&mut self) {
        lock(self.open).remove(&self.number);
    }
}

impl Worker {
    /// Takes connections until stopped, each on a thread of its own; returns the threads.
    fn accept(self: Arc<Self>, listener: &TcpListener) -> Vec<JoinHandle<()>> {
        let mut threads: Vec<JoinHandle<()>> = Vec::new();
        while !self.stop.load(Ordering::SeqCst) {
            let stream = match listener.accept() {
                Ok((stream, _)) => stream,
                // Nothing yet, or out of descriptors for now: wait, never spin.
                Err(_) => {
                    std::thread::sleep(ACCEPT_POLL);
                    continue;
                }
            };
            if stream.set_nonblocking(false).is_err() {
                continue;
            }
            threads.retain(|t| !t.is_finished());
            if threads.len() >= MAX_CONNECTIONS {
                let mut busy = Connection::new(stream);
                let why = format!("{MAX_CONNECTIONS} connections are open; try again");
                let _ = busy.send(&http::Response::text(503, why), false, Some("close"));
                continue;
            }
            let worker = Arc::clone(&self);
            if let Ok(thread) = std::thread::Builder::new()
                .name("sessim-http".to_owned())
                .spawn(move || worker.serve(stream))
            {
                threads.push(thread);
            }
        }
        threads
    }

    /// Serves the requests of one connection until it closes.
    fn serve(&self, stream: TcpStream) {
        let Ok(peer) = stream.peer_addr() else { return };
        let number = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
        let Ok(copy) = stream.try_clone() else { return };
        lock(&self.open).insert(number, copy);
        let _registered = Registered {
            open: &self.open,
            number,
        };
        let _ = stream.set_nodelay(true);
        // A client that never reads its answers must not hold a thread for ever.
        let _ = stream.set_write_timeout(Some(self.timeout));
        let mut connection = Connection::new(stream);
        while !self.stop.load(Ordering::SeqCst) {
            match connection.next(self.timeout) {
                Ok(Incoming::Request(request)) => {
                    let answer = self.handler.handle(&request, peer);
                    let close = !request.keep_alive || self.stop.load(Ordering::SeqCst);
                    let header = match (close, request.http_1_0) {
                        (true, _) => Some("close"),
                        (false, true) => Some("keep-alive"),
                        (false, false) => None,
                    };
                    let head_only = request.method == "HEAD";
                    if connection.send(&answer, head_only, header).is_err() || close {
                        return;
                    }
                }
                Ok(Incoming::Refused(status, why)) => {
                    self.handler.refused(peer, status, &why);
                    let answer = http::Response::text(status, format!("{status}: {why}\n"));
                    if connection.send(&answer, false, Some("close")).is_ok() {
                        connection.linger();
                    }
                    return;
                }
                Ok(Incoming::Closed) | Err(_) => return,
            }
        }
    }
}
