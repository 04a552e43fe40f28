//! The Redis store against a private redis-server: draws computed in Lua equal Rust's,
//! one round trip a store call, namespaces that ids cannot escape or mix up when called in
//! turn, refusals that write nothing, two processes on one namespace, and a server that
//! goes away and comes back.

use std::process::Stdio;
use std::time::Duration;

use sessim::Error;
use sessim::basics::draws::Draws;
use sessim::basics::time::DEFAULT_START;
use sessim::store::redis::Namespace;
use sessim::store::{Access, Answer, End, Expiry, Op, Placement, Read, RedisStore, Store};

mod common;
use common::test_redis::TestRedis;
use common::{sessim, spawn, text};

fn keys(server: &TestRedis) -> Vec<String> {
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query(&mut server.connection())
        .expect("KEYS");
    keys.sort();
    keys
}

fn named(server: &TestRedis, name: &str) -> RedisStore {
    RedisStore::open(&server.url, &Namespace::Named(name.into())).expect("opens")
}

const FRONT: Placement = Placement {
    end: End::Front,
    capacity: None,
};

fn expiry() -> Expiry {
    Expiry {
        accessed_before: DEFAULT_START,
        created_before: sessim::basics::time::Time::MIN,
        lazy: true,
    }
}

/// A request's read and `Get` of `key` on `id`, in one call: the session is found, and
/// the value comes back.
fn read_get(store: &mut RedisStore, id: &str, key: &str) -> Option<String> {
    let (read, then) = store
        .read_then(
            id,
            DEFAULT_START,
            expiry(),
            None,
            &mut Vec::new(),
            Op::Get(key),
        )
        .unwrap();
    assert_eq!(read, Read::Found);
    match then {
        Some(Ok(Access::Applied {
            answer: Answer::Value(v),
            ..
        })) => v.map(String::from),
        other => panic!("{other:?}"),
    }
}

#[test]
fn lua_draws_equal_rusts() {
    let Some(server) = TestRedis::start("draws") else {
        return;
    };
    let script = format!(
        "{}\nlocal key = {{tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])}}\n\
         local out = {{}}\nfor n = 0, 199 do out[#out + 1] = below(key, n, tonumber(ARGV[6])) end\nreturn out",
        include_str!("../src/store/redis/lua/draws.lua")
    );
    for (seed, len) in [(0u64, 1u64), (1, 20), (u64::MAX, 1_000_003), (42, 1 << 40)] {
        let draws = Draws::new(seed, 3, seed ^ 7);
        let key = draws.key();
        let limbs: Vec<u64> = (0..4).map(|i| (key >> (16 * i)) & 0xffff).collect();
        let lua: Vec<u64> = redis::cmd("EVAL")
            .arg(&script)
            .arg(0)
            .arg("p:")
            .arg(limbs[0])
            .arg(limbs[1])
            .arg(limbs[2])
            .arg(limbs[3])
            .arg(len)
            .query(&mut server.connection())
            .expect("EVAL");
        let rust: Vec<u64> = (0..200).map(|n| draws.below(n, len)).collect();
        assert_eq!(lua, rust, "seed {seed}, len {len}");
    }
}

#[test]
fn each_store_call_is_one_round_trip() {
    if let Some(server) = TestRedis::start("round-trips") {
        one_round_trip_each(&server, "fcall");
    }
}

/// On a server without functions (Redis 6), the same code runs as scripts, just as whole.
#[test]
fn without_functions_each_call_is_one_script() {
    if let Some(server) = TestRedis::start_without_functions("round-trips-6") {
        one_round_trip_each(&server, "evalsha");
    }
}

/// Counts what the client sent, by `INFO commandstats`: 150 store calls are 150 `command`s,
/// and nothing else.
fn one_round_trip_each(server: &TestRedis, command: &str) {
    let mut store = named(server, "trips");
    store
        .create("warm", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap();
    store
        .access("warm", Op::Incr("n", 1), DEFAULT_START, expiry())
        .unwrap();
    store
        .read_then(
            "warm",
            DEFAULT_START,
            expiry(),
            None,
            &mut Vec::new(),
            Op::Touch,
        )
        .unwrap();
    let mut conn = server.connection();
    redis::cmd("CONFIG")
        .arg("RESETSTAT")
        .exec(&mut conn)
        .unwrap();
    for i in 0..50 {
        store
            .create(&format!("s{i}"), DEFAULT_START, FRONT, &mut Vec::new())
            .unwrap();
        store
            .access(&format!("s{i}"), Op::Incr("n", 1), DEFAULT_START, expiry())
            .unwrap();
        // A read and the call after it are one round trip too.
        assert_eq!(
            read_get(&mut store, &format!("s{i}"), "n").as_deref(),
            Some("1")
        );
    }
    let info: String = redis::cmd("INFO")
        .arg("commandstats")
        .query(&mut conn)
        .unwrap();
    let calls: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("cmdstat_") && !l.starts_with("cmdstat_info"))
        .collect();
    // The code's own commands count too; what the client sent are the calls of `command`.
    let sent = format!("cmdstat_{command}:");
    let made = calls
        .iter()
        .find(|l| l.starts_with(&sent))
        .unwrap_or_else(|| panic!("{command} was not called: {info}"));
    assert!(made.starts_with(&format!("{sent}calls=150,")), "{info}");
    for other in ["fcall", "evalsha", "eval", "function|load", "script|load"] {
        assert!(
            other == command
                || !calls
                    .iter()
                    .any(|l| l.starts_with(&format!("cmdstat_{other}:"))),
            "{info}"
        );
    }
}

#[test]
fn ids_and_values_cannot_leave_their_namespace() {
    let Some(server) = TestRedis::start("escape") else {
        return;
    };
    let mut other = named(&server, "other");
    other
        .create("x", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap();
    let before_other = keys(&server);
    let mut store = named(&server, "mine");
    let long = "長".repeat(10_000);
    let odd = [
        "a:b",
        "}{",
        "x}:s:y",
        "sessim:{other}:s:x",
        "line\nbreak",
        "中文",
        long.as_str(),
        "1:2:3",
    ];
    for id in odd {
        store
            .create(id, DEFAULT_START, FRONT, &mut Vec::new())
            .unwrap();
        store
            .access(id, Op::Set(id, id), DEFAULT_START, expiry())
            .unwrap();
        store
            .access(id, Op::Set("k:3:", "5:v\n{}"), DEFAULT_START, expiry())
            .unwrap();
    }
    for id in odd {
        let s = store.session(id).unwrap().expect("stored");
        assert_eq!(
            s.values,
            [
                (id.to_owned(), id.to_owned()),
                ("k:3:".into(), "5:v\n{}".into())
            ]
        );
    }
    store.check().unwrap();
    assert_eq!(store.stored().unwrap(), odd.len());
    // Every key is under one of the two prefixes, and the other namespace is as it was.
    for key in keys(&server) {
        assert!(
            key.starts_with("sessim:{mine}:") || before_other.contains(&key),
            "{key}"
        );
    }
    assert_eq!(other.stored().unwrap(), 1);
    other.check().unwrap();
}

/// The calls of a request answer in JSON: every text comes back as it was stored, even
/// what JSON escapes.
#[test]
fn texts_json_escapes_come_back_whole() {
    if let Some(server) = TestRedis::start("json") {
        json_escapes_come_back_whole(&server);
    }
}

/// Scripts (Redis 6) answer in JSON too.
#[test]
fn without_functions_texts_json_escapes_come_back_whole() {
    if let Some(server) = TestRedis::start_without_functions("json-6") {
        json_escapes_come_back_whole(&server);
    }
}

fn json_escapes_come_back_whole(server: &TestRedis) {
    let mut store = named(server, "json");
    let texts = [
        "\"quoted\"",
        "back\\slash",
        "a/b",
        "tab\there",
        "nul\0and\u{1}\u{1f}\u{7f}",
        "\u{2028}\u{2029}",
        "😀 中文",
        "\\u0041",
        "",
        // What a request's reply joins without cjson: printable ASCII but `"` and `\`.
        " !#$%&'()*+,-./0123456789:;<=>?@AZ[]^_`az{|}~",
        "[\"]\\^",
    ];
    for (i, text) in texts.iter().enumerate() {
        let id = format!("{text}{i}");
        store
            .create(&id, DEFAULT_START, FRONT, &mut Vec::new())
            .unwrap();
        store
            .access(&id, Op::Set(text, text), DEFAULT_START, expiry())
            .unwrap();
        let by_access = store
            .access(&id, Op::Get(text), DEFAULT_START, expiry())
            .unwrap();
        assert!(
            matches!(by_access, Access::Applied { answer: Answer::Value(Some(ref v)), .. } if v == text),
            "{by_access:?}"
        );
        assert_eq!(read_get(&mut store, &id, text).as_deref(), Some(*text));
    }
    // Adopting a session under a capacity evicts the oldest: its id comes back whole.
    let full = Placement {
        end: End::Front,
        capacity: Some(texts.len()),
    };
    let mut evicted = Vec::new();
    let (read, _) = store
        .read_then(
            "new",
            DEFAULT_START,
            expiry(),
            Some(full),
            &mut evicted,
            Op::Touch,
        )
        .unwrap();
    assert_eq!(read, Read::Adopted);
    let ids: Vec<&str> = evicted.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(ids, [format!("{}0", texts[0])]);
    store.check().unwrap();
}

/// Redis keeps the library's state from call to call, and every namespace on a server
/// calls the same library: calls on two namespaces, one after the other, each reach only
/// their own keys, even for one id.
#[test]
fn namespaces_called_in_turn_stay_apart() {
    let Some(server) = TestRedis::start("turns") else {
        return;
    };
    let mut stores = [named(&server, "a"), named(&server, "b")];
    for store in &mut stores {
        store
            .create("x", DEFAULT_START, FRONT, &mut Vec::new())
            .unwrap();
    }
    for i in 0..20 {
        for (name, store) in ["a", "b"].iter().zip(&mut stores) {
            let value = format!("{name}{i}");
            store
                .access("x", Op::Set("n", &value), DEFAULT_START, expiry())
                .unwrap();
        }
        for (name, store) in ["a", "b"].iter().zip(&mut stores) {
            let value = read_get(store, "x", "n");
            assert_eq!(value, Some(format!("{name}{i}")), "{name}");
        }
    }
    stores[1]
        .create("y", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap();
    for (name, store, stored) in [("a", &stores[0], 1), ("b", &stores[1], 2)] {
        let s = store.session("x").unwrap().expect("stored");
        assert_eq!(s.values, [("n".to_owned(), format!("{name}19"))]);
        assert_eq!(store.stored().unwrap(), stored, "{name}");
        store.check().unwrap();
    }
}

#[test]
fn refusals_write_nothing() {
    let Some(server) = TestRedis::start("refusals") else {
        return;
    };
    let mut conn = server.connection();
    redis::cmd("SET")
        .arg("sessim:{theirs}:config")
        .arg("x")
        .exec(&mut conn)
        .unwrap();
    let before = keys(&server);
    let e = RedisStore::open(&server.url, &Namespace::Named("theirs".into())).unwrap_err();
    assert!(
        e.to_string().contains("holds keys sessim did not write"),
        "{e}"
    );
    let e = RedisStore::open("redis//nope", &Namespace::Fresh).unwrap_err();
    assert!(e.to_string().contains("is not a Redis URL"), "{e}");
    let e = RedisStore::open(&server.url, &Namespace::Named("a}b".into())).unwrap_err();
    assert!(
        e.to_string().contains("namespace `a}b` is not allowed"),
        "{e}"
    );
    assert_eq!(keys(&server), before);

    // A wrong password: the server asks for one.
    redis::cmd("CONFIG")
        .arg("SET")
        .arg("requirepass")
        .arg("right")
        .exec(&mut conn)
        .unwrap();
    let wrong = server.url.clone() + "?pass=wrong";
    let e = RedisStore::open(&wrong, &Namespace::Fresh).unwrap_err();
    assert!(matches!(e, Error::Redis { .. }), "{e}");
    assert!(
        !e.to_string().contains("wrong"),
        "the password is not shown: {e}"
    );
    let right = server.url.clone() + "?pass=right";
    let store = RedisStore::open(&right, &Namespace::Named("ok".into())).expect("the right one");
    assert_eq!(store.stored().unwrap(), 0);
}

#[test]
fn a_failed_incr_changes_nothing() {
    let Some(server) = TestRedis::start("incr") else {
        return;
    };
    let mut store = named(&server, "incr");
    store
        .create("a", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap();
    store
        .access(
            "a",
            Op::Set("n", "9223372036854775806"),
            DEFAULT_START,
            expiry(),
        )
        .unwrap();
    let later = DEFAULT_START.plus(Duration::from_secs(1)).unwrap();
    let before = store.session("a").unwrap();
    let e = store
        .access("a", Op::Incr("n", 2), later, expiry())
        .unwrap_err();
    assert_eq!(e, Error::IncrOverflow { key: "n".into() });
    assert_eq!(store.session("a").unwrap(), before, "not even touched");
    store
        .access("a", Op::Incr("n", 1), later, expiry())
        .unwrap();
    let e = store
        .access("a", Op::Incr("n", 1), later, expiry())
        .unwrap_err();
    assert_eq!(e, Error::IncrOverflow { key: "n".into() });
    store
        .access("a", Op::Set("n", "-9223372036854775808"), later, expiry())
        .unwrap();
    let e = store
        .access("a", Op::Incr("n", -1), later, expiry())
        .unwrap_err();
    assert_eq!(e, Error::IncrOverflow { key: "n".into() });
    store
        .access("a", Op::Set("n", "+007"), later, expiry())
        .unwrap();
    let answer = store
        .access("a", Op::Incr("n", -10), later, expiry())
        .unwrap();
    assert!(format!("{answer:?}").contains("Counter(-3)"), "{answer:?}");
}

/// sessim over one named namespace, with `script` on its standard input.
fn shared(server: &TestRedis, script: &str) -> std::process::Output {
    shared_with(server, &[], script)
}

/// The same, with more options.
fn shared_with(server: &TestRedis, more: &[&str], script: &str) -> std::process::Output {
    let mut args = vec![
        "--provider",
        "redis",
        "--redis-url",
        &server.url,
        "--namespace",
        "class",
    ];
    args.extend_from_slice(more);
    sessim(&args, script)
}

#[test]
fn two_processes_share_one_namespace() {
    let Some(server) = TestRedis::start("two") else {
        return;
    };
    let out = shared(&server, "new alice\nset alice uid 7\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stderr).contains("namespace `class`"),
        "{}",
        text(&out.stderr)
    );
    let out = shared(&server, "get alice uid\n");
    assert_eq!(text(&out.stdout), "7\n");
    assert!(
        text(&out.stderr).contains("resumed at 2026-01-01T00:00:00Z, 1 session stored"),
        "{}",
        text(&out.stderr)
    );

    // 10,000 increments from two processes at once.
    let script = "incr alice n\n".repeat(5_000);
    let args = [
        "--provider",
        "redis",
        "--redis-url",
        &server.url,
        "--namespace",
        "class",
    ];
    let mut children: Vec<_> = (0..2).map(|_| spawn(&args, Stdio::piped())).collect();
    for child in &mut children {
        let mut stdin = child.stdin.take().expect("stdin");
        let script = script.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            let _ = stdin.write_all(script.as_bytes());
        });
    }
    for child in children {
        let out = child.wait_with_output().expect("ends");
        assert!(out.status.success(), "{}", text(&out.stderr));
    }
    let out = shared(&server, "get alice n\n");
    assert_eq!(text(&out.stdout), "10000\n");
}

#[test]
fn processes_on_one_namespace_share_its_clock() {
    let Some(server) = TestRedis::start("clock") else {
        return;
    };
    let out = shared(&server, "new alice\nadvance-clock 30m\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Another process starts at the namespace's clock, and sees alice idle 30 minutes.
    let out = shared(&server, "clock\nshow alice\n");
    let shown = text(&out.stdout);
    assert!(shown.starts_with("2026-01-01T00:30:00Z\n"), "{shown}");
    assert!(shown.contains("(idle 30m)"), "{shown}");
    assert!(
        text(&out.stderr).contains("resumed at 2026-01-01T00:30:00Z, 1 session stored"),
        "{}",
        text(&out.stderr)
    );
    // `reset` empties a named namespace and starts its clock again.
    let out = shared(&server, "reset\nclock\nlist\n");
    assert!(
        text(&out.stdout).ends_with("2026-01-01T00:00:00Z\n(no sessions)\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn processes_on_one_namespace_share_its_log_and_totals() {
    let Some(server) = TestRedis::start("log") else {
        return;
    };
    let out = shared(&server, "new alice\nset alice n 1\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = shared_with(
        &server,
        &["--format", "json"],
        "new bob\nincr alice n\nlog\nstats\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let shown = text(&out.stdout);
    let replies: Vec<serde_json::Value> = shown
        .lines()
        .map(|l| serde_json::from_str(l).expect("JSON lines"))
        .collect();
    let [_, _, log, stats] = &replies[..] else {
        panic!("{shown}");
    };
    let events: Vec<(&str, &str)> = log["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| (e["id"].as_str().unwrap(), e["event"].as_str().unwrap()))
        .collect();
    assert_eq!(
        events,
        [
            ("alice", "created"),
            ("alice", "accessed"),
            ("bob", "created"),
            ("alice", "accessed"),
        ]
    );
    assert_eq!(stats["created"], 2, "{stats}");
    assert_eq!(stats["accessed"], 2, "{stats}");
    assert_eq!(stats["gc_runs"], 2, "{stats}");
    assert_eq!(stats["log_kept"], 4, "{stats}");
}

#[test]
fn processes_on_one_namespace_share_its_settings() {
    let Some(server) = TestRedis::start("settings") else {
        return;
    };
    let out = shared(&server, "config max-lifetime 10m\nconfig defects B1,B7\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    // The namespace's settings win over a joining process's options.
    let out = shared_with(
        &server,
        &["--gc", "php"],
        "config max-lifetime\nconfig defects\nconfig gc\nconfig capacity 3\n",
    );
    assert_eq!(
        text(&out.stdout),
        "max-lifetime = 10m\ndefects = B1,B7\ngc = timer\ncapacity = 3\n",
        "{}",
        text(&out.stderr)
    );
    let out = shared(
        &server,
        "config capacity\nreset\nconfig capacity\nconfig max-lifetime\n",
    );
    let shown = text(&out.stdout);
    assert!(shown.starts_with("capacity = 3\n"), "{shown}");
    // `reset` gives the namespace this process's options again.
    assert!(
        shown.ends_with("capacity = none\nmax-lifetime = 1h\n"),
        "{shown}"
    );
}

#[test]
fn seeded_processes_on_one_namespace_share_one_id_sequence() {
    let Some(server) = TestRedis::start("ids") else {
        return;
    };
    let seeded = |script: &str| {
        let out = shared_with(&server, &["--seed", "1"], script);
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let both = seeded("new\nnew\n") + &seeded("new\n");
    let alone = text(&sessim(&["--seed", "1"], "new\nnew\nnew\n").stdout);
    assert_eq!(both, alone);
    assert_eq!(alone.lines().count(), 3);
}

#[test]
fn a_joining_process_takes_the_namespace_settings_before_its_start_up_gc() {
    let Some(server) = TestRedis::start("join") else {
        return;
    };
    let out = shared_with(
        &server,
        &["--max-lifetime", "2h"],
        "new alice\nnew bob\nadvance-clock 90m\ntouch bob\n",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    // Under the namespace's 2h, alice (idle 90m) is live: a joiner's own 1h must not reap
    // her at its start-up GC.
    let out = shared(&server, "config max-lifetime\nshow alice\n");
    let shown = text(&out.stdout);
    assert!(shown.starts_with("max-lifetime = 2h\n"), "{shown}");
    assert!(shown.contains("state        live\n"), "{shown}");
    // Once she has expired, a joiner's start-up GC reaps her, and the shared log says so.
    let out = shared(&server, "config max-lifetime 1h\n");
    assert!(out.status.success(), "{}", text(&out.stderr));
    let out = shared(&server, "list\nlog alice\n");
    let shown = text(&out.stdout);
    assert!(!shown.contains("│ alice"), "{shown}");
    assert!(shown.contains("removed: gc"), "{shown}");
}

#[test]
fn a_reset_in_one_process_starts_the_others_again() {
    let Some(server) = TestRedis::start("restart") else {
        return;
    };
    let options = [
        "--provider",
        "redis",
        "--redis-url",
        server.url.as_str(),
        "--namespace",
        "class",
    ];
    let mut one = sessim::Simulation::new(&options).expect("starts");
    let mut two = sessim::Simulation::new(&options).expect("starts");
    one.run("config max-lifetime 5m");
    one.run("advance-clock 3m");
    one.run("new alice");
    assert_eq!(two.run("clock"), "2026-01-01T00:03:00Z\n");
    assert!(two.run("reset").starts_with("fresh simulation"));
    let refused = one.run("clock");
    assert!(refused.contains("started again"), "{refused}");
    assert_eq!(one.run("clock"), "2026-01-01T00:00:00Z\n");
    assert_eq!(one.run("config max-lifetime"), "max-lifetime = 1h\n");
    assert_eq!(one.run("list"), "(no sessions)\n");
}

#[test]
fn a_fresh_namespace_is_deleted_when_a_signal_ends_sessim() {
    let Some(server) = TestRedis::start("signal") else {
        return;
    };
    for signal in ["TERM", "HUP", "INT"] {
        let mut child = spawn(
            &["--provider", "redis", "--redis-url", &server.url],
            Stdio::piped(),
        );
        let mut stdin = child.stdin.take().expect("stdin");
        use std::io::Write as _;
        stdin.write_all(b"new alice\n").expect("writes");
        // Wait for the session to be stored, then end sessim by the signal.
        let stored = (0..200).any(|_| {
            std::thread::sleep(Duration::from_millis(25));
            keys(&server).iter().any(|k| k.ends_with(":s:alice"))
        });
        assert!(stored, "{:?}", keys(&server));
        let killed = std::process::Command::new("kill")
            .args([format!("-{signal}"), child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(killed.success());
        let out = child.wait_with_output().expect("ends");
        assert!(!out.status.success(), "SIG{signal}");
        assert_eq!(keys(&server), Vec::<String>::new(), "SIG{signal}");
        drop(stdin);
    }
}

#[test]
fn replay_names_the_store_beside_a_transcript_that_sets_its_defects() {
    let Some(server) = TestRedis::start("label") else {
        return;
    };
    let lesson = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/transcripts/lessons/20-web-cookies.md"
    );
    let out = sessim(
        &[
            "replay",
            "--provider",
            "redis",
            "--redis-url",
            &server.url,
            lesson,
        ],
        "",
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let expected = format!(
        "commands, with --provider redis --redis-url {})\n",
        server.url
    );
    assert!(
        text(&out.stdout).contains(&expected),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_call_before_the_namespace_clock_is_refused_and_writes_nothing() {
    let Some(server) = TestRedis::start("behind") else {
        return;
    };
    let (mut ahead, mut behind) = (named(&server, "t"), named(&server, "t"));
    let later = DEFAULT_START.plus(Duration::from_secs(60)).unwrap();
    ahead.create("a", later, FRONT, &mut Vec::new()).unwrap();
    let meta = || -> Vec<String> {
        redis::cmd("HGETALL")
            .arg("sessim:{t}:meta")
            .query(&mut server.connection())
            .expect("HGETALL")
    };
    let before = (keys(&server), meta());
    let e = behind
        .create("b", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "another sessim on namespace `t` moved its clock on to 2026-01-01T00:01:00Z; nothing \
         was done, and the clock here is now there too: run the command again"
    );
    assert!(matches!(
        behind.access("a", Op::Touch, DEFAULT_START, expiry()),
        Err(Error::ClockMoved { .. })
    ));
    assert_eq!((keys(&server), meta()), before);
    behind.create("b", later, FRONT, &mut Vec::new()).unwrap();
    assert_eq!(behind.check(), Ok(()));
}

#[test]
fn a_server_that_goes_away_fails_each_command_and_is_used_again_when_back() {
    let Some(mut server) = TestRedis::start("away") else {
        return;
    };
    let mut store = named(&server, "away");
    store
        .create("a", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap();
    server.kill();
    let e = store
        .create("b", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap_err();
    let message = e.to_string();
    assert!(
        message.starts_with(&format!("redis at {}: ", server.url)),
        "{message}"
    );
    assert_eq!(message.lines().count(), 1, "{message}");
    assert!(store.stored().is_err());
    server.restart();
    // The server came back empty: the store carries on with what it holds.
    store
        .create("b", DEFAULT_START, FRONT, &mut Vec::new())
        .unwrap();
    assert_eq!(store.stored().unwrap(), 1);
}

#[test]
fn a_server_that_is_down_at_start_exits_2_naming_the_url() {
    let out = sessim(
        &[
            "--provider",
            "redis",
            "--redis-url",
            "redis://127.0.0.1:1/0",
        ],
        "list\n",
    );
    assert_eq!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(
        err.contains("redis at redis://127.0.0.1:1/0: connection refused"),
        "{err}"
    );
    assert_eq!(err.lines().count(), 1, "{err}");
}
