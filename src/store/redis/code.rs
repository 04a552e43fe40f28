//! The Lua code the store runs in Redis: one function library, loaded once per server and
//! called by `FCALL`; or, on a server without functions (before Redis 7), the same code as
//! one script a call, by `EVALSHA`.
//!
//! Functions are the faster way: a script defines its helper functions anew at every call,
//! which cost a request about a third of its time in Redis, while a library defines them
//! once, when it is loaded.

use std::cell::{Cell, RefCell};

use redis::{
    Connection, ConnectionLike as _, ErrorKind, FromRedisValue, RedisResult, Script,
    ServerErrorKind,
};

/// How the server runs the code, found at the first call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Not known yet.
    Unknown,
    /// The library's functions, by `FCALL`.
    Functions,
    /// One script a call, by `EVALSHA`: the server has no `FUNCTION` command, or may not
    /// use it.
    Scripts,
}

/// A call's code: its name, the parts it needs (name and code), and its body.
type Body = (
    &'static str,
    &'static [(&'static str, &'static str)],
    &'static str,
);

/// One call the store makes: a body in `lua/`, with the parts it needs.
pub struct Proc {
    /// The function's name in the library.
    function: String,
    /// The same code as a script.
    script: Script,
}

macro_rules! procs {
    ($($name:ident: [$($part:ident),*]),* $(,)?) => {
        /// The store's calls, and the library that holds them all.
        pub struct Code {
            $(pub $name: Proc,)*
            library: String,
            mode: Cell<Mode>,
            /// The last command sent, as bytes.
            request: RefCell<Vec<u8>>,
        }

        impl Code {
            pub fn new() -> Code {
                let bodies: &[Body] = &[$((
                    stringify!($name),
                    &[$((stringify!($part), include_str!(concat!("lua/", stringify!($part), ".lua"))),)*],
                    include_str!(concat!("lua/", stringify!($name), ".lua")),
                ),)*];
                let (name, library) = library(bodies);
                let proc = |body: &Body| Proc {
                    function: format!("{name}_{}", body.0),
                    script: Script::new(&script(body.1, body.2)),
                };
                let mut all = bodies.iter();
                Code {
                    $($name: proc(all.next().expect("one body a call")),)*
                    library,
                    mode: Cell::new(Mode::Unknown),
                    request: RefCell::new(Vec::new()),
                }
            }
        }
    };
}

procs!(
    create: [],
    read: [read_part],
    access: [values, access_part],
    read_access: [values, read_part, access_part],
    rename: [],
    destroy: [],
    sweep: [order],
    pool: [],
    sample: [draws],
    count: [order],
    peek: [order],
    check: [],
    init: [],
    clock: [],
    publish: [],
    shared: [],
    settings: [],
);

const BASE: &str = include_str!("lua/base.lua");

/// A call's code as one script: `base.lua`, the parts it uses (a script makes each part's
/// functions at every call, so it takes only those), then its body.
fn script(parts: &[(&str, &str)], body: &str) -> String {
    let mut code = String::from(BASE);
    for (_, part) in parts {
        code.push('\n');
        code.push_str(part);
    }
    code.push_str("\nbind(ARGV[1])\n");
    code.push_str(body);
    code
}

/// The calls that only read: registered as `no-writes`, so that they still run where
/// writes are refused (a full server under `noeviction`, a replica), as scripts do.
const READERS: [&str; 4] = ["peek", "count", "check", "shared"];

/// The library of every call, and its name: `sessim_` and a hash of its code, so that
/// two versions of sessim on one server each find their own.
fn library(bodies: &[Body]) -> (String, String) {
    let mut code = String::from(BASE);
    let mut seen: Vec<&str> = Vec::new();
    for (name, part) in bodies.iter().flat_map(|b| b.1.iter()) {
        if !seen.contains(name) {
            seen.push(name);
            code.push('\n');
            code.push_str(part);
        }
    }
    // `NAME` stands for the library's name until the hash of all the code gives it.
    for (body_name, _, body) in bodies {
        let flags = if READERS.contains(body_name) {
            "{'no-writes'}"
        } else {
            "{}"
        };
        code.push_str(&format!(
            "\nredis.register_function{{function_name = 'NAME_{body_name}', flags = {flags}, \
             callback = function(KEYS, ARGV)\nbind(ARGV[1])\n{body}\nend}}\n"
        ));
    }
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    let name = format!("sessim_{hash:016x}");
    let code = code.replace("'NAME_", &format!("'{name}_"));
    (name.clone(), format!("#!lua name={name}\n{code}"))
}

impl Code {
    /// Runs `proc` with key `key` and `args`, in one round trip, after loading the code if
    /// the server does not have it (at the first call, or after a restart).
    pub fn run<T: FromRedisValue>(
        &self,
        c: &mut Connection,
        proc: &Proc,
        key: &str,
        args: &[&[u8]],
    ) -> RedisResult<T> {
        let call = |c: &mut Connection| -> RedisResult<T> {
            if self.mode.get() == Mode::Scripts {
                // redis-rs loads a script the server lacks, and sends the call again.
                let mut invocation = proc.script.key(key);
                for a in args {
                    invocation.arg(*a);
                }
                return invocation.invoke(c);
            }
            let mut request = self.request.borrow_mut();
            let head: [&[u8]; 4] = [b"FCALL", proc.function.as_bytes(), b"1", key.as_bytes()];
            pack(
                &mut request,
                head.iter().chain(args).copied(),
                head.len() + args.len(),
            );
            let reply = c.req_packed_command(&request)?.extract_error()?;
            Ok(redis::from_redis_value(reply)?)
        };
        if self.mode.get() == Mode::Unknown {
            self.mode.set(self.load(c)?);
        }
        match call(c) {
            Err(e) if self.mode.get() == Mode::Functions && missing(&e) => {
                self.mode.set(self.load(c)?);
                call(c)
            }
            other => other,
        }
    }

    /// Loads the library: functions if the server has them, else scripts from now on.
    fn load(&self, c: &mut Connection) -> RedisResult<Mode> {
        match redis::cmd("FUNCTION")
            .arg("LOAD")
            .arg(&self.library)
            .query::<String>(c)
        {
            Ok(_) => Ok(Mode::Functions),
            Err(e) if e.detail().is_some_and(|d| d.contains("already exists")) => {
                Ok(Mode::Functions)
            }
            // Any refusal (no such command, no permission, a proxy that does not pass it
            // on): the scripts still work there.
            Err(e) if server_refused(&e) => Ok(Mode::Scripts),
            Err(e) => Err(e),
        }
    }
}

/// Writes the command of `n` `words` into `out`, in Redis's protocol (RESP), over what it
/// held: the store's calls reuse one buffer rather than build each command anew.
fn pack<'a>(out: &mut Vec<u8>, words: impl Iterator<Item = &'a [u8]>, n: usize) {
    let mut num = itoa::Buffer::new();
    out.clear();
    out.push(b'*');
    out.extend_from_slice(num.format(n).as_bytes());
    out.extend_from_slice(b"\r\n");
    for w in words {
        out.push(b'$');
        out.extend_from_slice(num.format(w.len()).as_bytes());
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(w);
        out.extend_from_slice(b"\r\n");
    }
}

/// Whether `e` says the server lacks the library: it restarted empty, or it is another
/// server now, without functions.
fn missing(e: &redis::RedisError) -> bool {
    e.detail().is_some_and(|d| {
        d == "Function not found"
            || d.starts_with("unknown command")
            || d.starts_with("unknown subcommand")
    })
}

/// Whether `e` is the server's refusal, rather than a failure to reach it or a server
/// still loading its data (which will take the library once loaded).
fn server_refused(e: &redis::RedisError) -> bool {
    match e.kind() {
        ErrorKind::Server(kind) => kind != ServerErrorKind::BusyLoading,
        kind => kind == ErrorKind::Extension,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_command_is_packed_as_redis_cmd_packs_it() {
        let words: [&[u8]; 4] = [b"FCALL", b"f", b"1", "k:長\r\n".as_bytes()];
        let mut out = b"left over".to_vec();
        pack(&mut out, words.iter().copied(), words.len());
        let mut cmd = redis::cmd("FCALL");
        cmd.arg("f").arg(1).arg("k:長\r\n");
        assert_eq!(out, cmd.get_packed_command());
    }
}
