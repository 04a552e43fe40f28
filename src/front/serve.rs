//! `sessim serve`: the book's pages over HTTP, with the prompt still in charge of the
//! clock. At a terminal, each request is printed above the line being typed, and `quit` or
//! Ctrl-D stops the server; without one, it serves until SIGINT or SIGTERM.

use std::io::{self, IsTerminal, Write};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::repl::Prompt;
use super::step::Printer;
use crate::serve::site::{Notify, Site};
use crate::serve::{self, Server};
use crate::shell::Shell;

/// Serves `shell` on `listen`; returns the exit code.
pub fn main(shell: Shell, printer: Printer, listen: &str, timeout: Duration) -> u8 {
    let addr = match serve::address(listen) {
        Ok(addr) => addr,
        Err(e) => return fail(&e),
    };
    let shell = Arc::new(Mutex::new(shell));
    if io::stdin().is_terminal() && io::stdout().is_terminal() {
        let mut prompt = match Prompt::new(Arc::clone(&shell), printer) {
            Ok(prompt) => prompt,
            Err(code) => return code,
        };
        let notify: Notify = match prompt.external_printer() {
            Some(printer) => {
                let printer = Mutex::new(printer);
                Box::new(move |text| {
                    let mut printer = printer.lock().unwrap_or_else(|p| p.into_inner());
                    let _ = printer.print(text);
                })
            }
            None => Box::new(print),
        };
        let Some(server) = start(&shell, addr, notify, printer, timeout) else {
            return 2;
        };
        say_serving(&server, "`quit` or Ctrl-D stops it");
        let code = prompt.run(None);
        server.stop();
        code
    } else {
        crate::store::redis::program_stops_itself();
        use signal_hook::consts::{SIGINT, SIGTERM};
        let mut signals = match signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) {
            Ok(signals) => signals,
            Err(e) => return fail(&format!("cannot wait for signals: {e}")),
        };
        let Some(server) = start(&shell, addr, Box::new(print), printer, timeout) else {
            return 2;
        };
        say_serving(&server, "SIGINT or SIGTERM stops it");
        let signal = signals.forever().next();
        // A second signal ends the process at once, should stopping ever hang.
        std::thread::spawn(move || {
            if let Some(again) = signals.forever().next() {
                std::process::exit(128 + again);
            }
        });
        server.stop();
        let name = match signal {
            Some(SIGINT) => "SIGINT",
            _ => "SIGTERM",
        };
        print(format!("stopped on {name}\n"));
        0
    }
}

/// The server on `addr`, or `None` when it cannot listen there (said).
fn start(
    shell: &Arc<Mutex<Shell>>,
    addr: SocketAddr,
    notify: Notify,
    printer: Printer,
    timeout: Duration,
) -> Option<Server> {
    let site = Site::new(Arc::clone(shell), notify).telling_in(printer.format);
    let server = match Server::start(addr, Arc::new(site), timeout) {
        Ok(server) => server,
        Err(e) => {
            fail(&format!("cannot listen on {addr}: {e}"));
            return None;
        }
    };
    if !addr.ip().is_loopback() {
        let _ = writeln!(
            io::stderr(),
            "warning: listening on {}, which other machines can reach: anyone who can \
             connect can read and change this simulation's sessions",
            server.addr()
        );
    }
    Some(server)
}

/// Says where the pages are: for every interface, at this machine's address on its
/// network, which students can type.
fn say_serving(server: &Server, how_to_stop: &str) {
    let mut shown = server.addr();
    if shown.ip().is_unspecified()
        && let Some(ip) = network_address()
    {
        shown.set_ip(ip);
    }
    print(format!(
        "serving http://{shown}/ (/sessions shows the store); {how_to_stop}\n"
    ));
}

/// This machine's address on the network its default route leads to, if it has one. A
/// UDP socket's `connect` only picks the route: nothing is sent.
fn network_address() -> Option<std::net::IpAddr> {
    let socket = std::net::UdpSocket::bind("0.0.0.0:0").ok()?;
    socket.connect("192.0.2.1:80").ok()?;
    Some(socket.local_addr().ok()?.ip())
}

/// Writes `text` on standard output at once (not `print!`, which panics on a closed pipe).
fn print(text: String) {
    let mut out = io::stdout().lock();
    let _ = out.write_all(text.as_bytes()).and_then(|()| out.flush());
}

fn fail(message: &str) -> u8 {
    let _ = writeln!(io::stderr(), "error: {message}");
    2
}
