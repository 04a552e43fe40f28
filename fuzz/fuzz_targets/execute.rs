//! cargo-fuzz target over `Shell::execute`: the input's lines run on one store, whose
//! defects and settings come from the first byte. After every line the engine's invariants
//! hold, output renders as text and as JSON that parses, and a line that failed left the
//! store and the browsers' jars as they were (lazy expiry excepted: it removes the one
//! session it reports).
#![no_main]

use std::time::Duration;

use libfuzzer_sys::fuzz_target;
use std::ops::ControlFlow;

use sessim::Error;
use sessim::front::step::Printer;
use sessim::manager::Config;
use sessim::render::Style;
use sessim::rules::Defects;
use sessim::shell::Shell;
use sessim::shell::options::{Format, Options};
use sessim::store::{End, Store};

const JSON: Printer = Printer {
    format: Format::Json,
    style: Style::PLAIN,
};

/// The stored sessions, the clock and the counters: what an error must not change.
fn snapshot(shell: &Shell) -> String {
    let m = shell.manager();
    let mut s = format!(
        "{:?} {:?} {:?} {:?} {}",
        shell.now(),
        m.stats(),
        m.config(),
        m.next_gc(),
        m.log().len() as u64 + m.log().dropped()
    );
    let _ = m.store().walk(End::Front, &mut |session| {
        s.push_str(&format!(
            "\n{:?} {:?} {:?}",
            session.id,
            session.last_access,
            session.values.to_vec()
        ));
        ControlFlow::Continue(())
    });
    for (name, jar) in shell.clients().iter() {
        s.push_str(&format!("\n{name}: {jar:?}"));
    }
    s
}

fn options(setup: u8) -> Options {
    let defects = if setup & 1 == 0 {
        Defects::NONE
    } else {
        Defects::ALL
    };
    let max_lifetime = match (setup >> 1) & 3 {
        0 => Duration::from_secs(3600),
        1 => Duration::from_secs(90),
        2 => Duration::from_millis(1500),
        _ => Duration::from_nanos(1),
    };
    Options {
        config: Config {
            defects,
            max_lifetime,
            gc_interval: (setup & 8 != 0).then_some(Duration::from_secs(7)),
            auto_gc: setup & 16 == 0,
            capacity: (setup & 32 != 0).then_some(2),
            log_capacity: if setup & 64 != 0 { 3 } else { 10_000 },
            ..Config::default()
        },
        seed: Some(u64::from(setup)),
        ..Default::default()
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&setup, rest)) = data.split_first() else {
        return;
    };
    let mut shell = Shell::new(options(setup)).expect("valid options");
    let text = String::from_utf8_lossy(rest);
    for line in text.split('\n').take(200) {
        let before = snapshot(&shell);
        let result = shell.execute(line);
        if let Err(why) = shell.manager().check() {
            panic!("invariants broken after {line:?}: {why}");
        }
        let (mut out, mut json) = (String::new(), String::new());
        match result {
            Ok(None) => assert_eq!(snapshot(&shell), before, "{line:?} is blank"),
            Ok(Some(outcome)) => {
                Printer::PLAIN.render(&outcome, &shell, &mut out);
                JSON.render(&outcome, &shell, &mut json);
            }
            Err(e) => {
                if !matches!(e, Error::Expired(_)) {
                    assert_eq!(
                        snapshot(&shell),
                        before,
                        "{line:?} failed ({e}) yet changed"
                    );
                }
                out = Printer::PLAIN.error(&shell, line, &e);
                json = JSON.error(&shell, line, &e);
                assert!(
                    out.starts_with("error: ") && out.lines().count() == 1,
                    "{out:?}"
                );
            }
        }
        for object in json.lines() {
            if let Err(e) = serde_json::from_str::<serde_json::Value>(object) {
                panic!("bad JSON for {line:?}: {e}: {object}");
            }
        }
    }
});
