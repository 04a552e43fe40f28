//! The GC strategies and `compare`: skipping quiet runs gives exactly what running them
//! gives; the strategies' draws never shift the generated ids; what each strategy holds
//! and costs on `compare`'s traffic is plausible, as ranges; and the chart's SVG is
//! well-formed, one line per strategy.

use std::time::Duration;

use sessim::basics::ids::IdGenerator;
use sessim::basics::time::{DEFAULT_START, Time};
use sessim::compare::{self, Page, Plan};
use sessim::gc::Kind;
use sessim::manager::{Config, Event, Manager, Stats};
use sessim::rules::{Defect, Defects};
use sessim::shell::Shell;
use sessim::shell::options::Options;
use sessim::shell::reply::Reply;

const SECOND: i64 = 1_000_000_000;

fn at(secs: i64) -> Time {
    Time::from_unix_nanos(DEFAULT_START.unix_nanos() + secs * SECOND)
}

/// What a run leaves to compare: the totals, the whole log, when the strategy acts next,
/// and the expired sessions held now and at most.
type Trace = (Stats, Vec<Event>, Option<Time>, (u64, u64));

/// A day of sessions under `config`: created every few minutes for two hours, some used
/// again, then the clock runs on. Between two operations the clock moves to the next in
/// one step, or, when `step` is given, in steps that long, each told to the manager.
fn day(config: &Config, step: Option<Duration>) -> Trace {
    let mut m = Manager::new(config.clone(), IdGenerator::seeded(9), at(0)).unwrap();
    let mut now = at(0);
    let mut advance = |m: &mut Manager, to: Time| {
        if let Some(step) = step {
            while let Some(next) = now.checked_add(step).filter(|&t| t < to) {
                m.advance_to(next).unwrap();
                now = next;
            }
        }
        now = to;
    };
    let mut ids = Vec::new();
    for i in 0..40 {
        let t = at(i * 180);
        advance(&mut m, t);
        ids.push(m.create(None, t).unwrap());
        if i % 3 == 0 {
            // A regular comes back: set, and read an older one (it may have expired).
            let old = &ids[(i / 2) as usize];
            let _ = m.set(old, "n", "1", t);
            let _ = m.read(old, t);
        }
    }
    let end = at(86_400);
    advance(&mut m, end);
    m.advance_to(end).unwrap();
    let log = m.log().iter().cloned().collect();
    (*m.stats(), log, m.next_gc(), m.expired_held(end).unwrap())
}

#[test]
fn skipping_quiet_runs_gives_what_running_each_one_gives() {
    for kind in [Kind::Timer, Kind::Sampling, Kind::Php, Kind::Lazy] {
        for absolute in [None, Some(Duration::from_secs(5400))] {
            for defects in [Defects::NONE, Defects::ALL] {
                let config = Config {
                    gc: kind,
                    gc_hz: 2,
                    gc_interval: Some(Duration::from_secs(300)),
                    max_lifetime: Duration::from_secs(1800),
                    absolute_lifetime: absolute,
                    gc_divisor: 3,
                    defects,
                    ..Config::default()
                };
                // In steps of one sampling cycle, every run is its own operation.
                let one_step = day(&config, None);
                let small_steps = day(&config, Some(Duration::from_millis(500)));
                let what = format!("{kind}, absolute {absolute:?}, defects {defects}");
                assert_eq!(one_step.0, small_steps.0, "stats: {what}");
                assert_eq!(one_step.1, small_steps.1, "log: {what}");
                assert_eq!(one_step.2, small_steps.2, "next run: {what}");
                assert_eq!(one_step.3, small_steps.3, "held: {what}");
                if kind != Kind::Lazy {
                    assert!(one_step.0.gc_runs > 0, "{what}: GC ran");
                }
            }
        }
    }
}

#[test]
fn a_century_of_sampling_a_thousand_times_a_second_is_counted_exactly() {
    let mut shell = Shell::new(Options {
        seed: Some(1),
        ..Options::default()
    })
    .unwrap();
    for line in ["new a", "new b", "config gc sampling", "config gc-hz 1000"] {
        shell.execute(line).unwrap();
    }
    shell.execute("advance-clock 36500d").unwrap();
    let stats = shell.manager().stats();
    // The timer's run at start; sampling's first cycle, at once; then one a millisecond
    // from the new rate on: every one counted.
    let cycles = 1 + 1 + 36_500 * 86_400 * 1000;
    assert_eq!(stats.gc_runs, cycles);
    assert_eq!(
        stats.reaped_gc, 2,
        "both sessions expired, and were sampled"
    );
    assert_eq!(shell.manager().stored(), Ok(0));
    // Each cycle sampled the two sessions until they went, and nothing after.
    assert!(stats.examined < 3_600_000 * 2 + 100, "{}", stats.examined);
    assert_eq!(stats.largest_run, 2);
}

#[test]
fn the_strategies_draws_never_shift_the_generated_ids() {
    let ids = |gc: &str| -> Vec<String> {
        let mut shell = Shell::new(Options {
            seed: Some(1),
            ..Options::default()
        })
        .unwrap();
        shell.execute(&format!("config gc {gc}")).unwrap();
        shell.execute("config gc-divisor 1").unwrap();
        // Each client visits twice, the second time after its session expired.
        let mut ids = Vec::new();
        for visit in 0..40 {
            let line = format!("visit c{} /count", visit % 20);
            let outcome = shell.execute(&line).unwrap().expect("a visit");
            let Reply::Visit(v) = outcome.reply else {
                panic!("not a visit")
            };
            ids.push(v.session.expect("a session"));
            shell.execute("advance-clock 5m").unwrap();
        }
        ids
    };
    let timer = ids("timer");
    // The first id seed 1 draws, as the transcripts show it.
    assert_eq!(timer[0], "m8IDb3_Qxc-N4D-WMkFCvyD1qldXfaMZ1lbNBZ8RCL8=");
    assert_eq!(timer.len(), 40);
    for gc in ["lazy", "php", "sampling"] {
        assert_eq!(ids(gc), timer, "{gc} draws the same ids");
    }
}

fn plan(strategies: &[Kind], config: Config, hours: u64, rate: f64) -> Plan {
    Plan {
        strategies: strategies.to_vec(),
        duration: Duration::from_secs(hours * 3600),
        rate,
        seed: 3,
        config,
        start: DEFAULT_START,
    }
}

#[test]
fn lazy_under_the_books_code_holds_every_abandoned_session() {
    let config = Config {
        defects: Defects::NONE.with(Defect::B7),
        ..Config::default()
    };
    let p = plan(&[Kind::Lazy], config, 6, 600.0);
    let c = compare::run(&p).unwrap();
    let hits = compare::traffic::traffic(p.start, p.duration, p.rate, p.seed);
    let logged_out = hits.iter().filter(|h| h.page == Page::Logout).count() as u64;
    let row = &c.rows[0];
    assert_eq!(row.gc_runs, 0);
    assert_eq!(
        row.stored_at_end,
        c.visitors - logged_out,
        "every visitor who did not log out is still stored"
    );
    // And the expired among them only grow: at the end, all who left over an hour ago.
    let held = &c.series[0].expired_held;
    assert!(held.windows(2).all(|w| w[0] <= w[1]), "never falls");
    assert!(*held.last().unwrap() > row.stored_at_end * 3 / 4);
}

#[test]
fn php_at_one_in_a_hundred_sweeps_about_every_hundred_requests() {
    let p = plan(&[Kind::Php], Config::default(), 24, 1000.0);
    let c = compare::run(&p).unwrap();
    let hits = compare::traffic::traffic(p.start, p.duration, p.rate, p.seed);
    let starts = hits.iter().filter(|h| h.page == Page::Count).count() as f64;
    let runs = c.rows[0].gc_runs as f64;
    let apart = starts / runs;
    assert!(
        (88.0..114.0).contains(&apart),
        "teeth {apart} requests apart"
    );
    // A sawtooth: the expired held fall back to few, again and again.
    let held = &c.series[0].expired_held;
    let drops = held.windows(2).filter(|w| w[1] + 5 < w[0]).count();
    assert!(drops > 100, "{drops} teeth");
    assert!(c.rows[0].expired_held_peak < 400);
}

#[test]
fn sampling_keeps_the_expired_share_near_its_ten_percent_bound() {
    // One cycle a second cannot keep up with 10,000 visitors an hour, so the share of
    // expired sessions rises to the bound at which a sample stops asking for another.
    let config = Config {
        gc_hz: 1,
        ..Config::default()
    };
    let p = plan(&[Kind::Sampling], config, 8, 10_000.0);
    let c = compare::run(&p).unwrap();
    let s = &c.series[0];
    let late = s.expired_held.len() / 2;
    let share: Vec<f64> = s.expired_held[late..]
        .iter()
        .zip(&s.stored[late..])
        .map(|(&h, &n)| h as f64 / n as f64)
        .collect();
    let mean = share.iter().sum::<f64>() / share.len() as f64;
    assert!((0.06..0.14).contains(&mean), "mean expired share {mean}");
    assert!(share.iter().all(|&x| x < 0.2), "never far above the bound");
}

/// Checks that `svg` is well-formed XML, with one line per strategy of `kinds`, each named
/// in the legend.
fn check_svg(svg: &str, kinds: &[Kind]) {
    use quick_xml::Reader;
    use quick_xml::events::Event as Xml;

    let mut reader = Reader::from_str(svg);
    let (mut depth, mut lines, mut labels) = (0i32, 0, Vec::new());
    let mut in_text = false;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Xml::Start(e) => {
                depth += 1;
                in_text = e.name().as_ref() == "text";
            }
            Xml::End(_) => {
                depth -= 1;
                in_text = false;
            }
            Xml::Empty(e) if e.name().as_ref() == "polyline" => {
                let points = e
                    .try_get_attribute("points")
                    .unwrap()
                    .map(|a| a.value.split(' ').count())
                    .unwrap_or(0);
                // A series has a point a sample; a legend's line has two.
                if points > 10 {
                    lines += 1;
                }
            }
            Xml::Text(t) if in_text => labels.push(t.trim().to_owned()),
            Xml::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0, "every element is closed");
    assert_eq!(lines, kinds.len(), "one line per strategy");
    for kind in kinds {
        assert!(
            labels.iter().any(|l| l == kind.name()),
            "legend names {kind}: {labels:?}"
        );
    }
}

#[test]
fn the_svg_chart_is_well_formed_with_one_line_per_strategy() {
    let p = plan(&[Kind::Php, Kind::Timer], Config::default(), 3, 300.0);
    let svg = compare::svg::svg(&compare::run(&p).unwrap()).unwrap();
    check_svg(&svg, &[Kind::Php, Kind::Timer]);
}

/// The chart the GC lesson links is what its documented command makes:
/// `sessim compare --seed 1 --duration 1d --rate 1000/h --svg docs/gc-strategies.svg`.
#[test]
fn the_lessons_svg_chart_is_well_formed_and_what_its_command_makes() {
    let committed = include_str!("../docs/gc-strategies.svg");
    check_svg(committed, &Kind::ALL);
    let p = Plan {
        seed: 1,
        ..plan(&Kind::ALL, Config::default(), 24, 1000.0)
    };
    let made = compare::svg::svg(&compare::run(&p).unwrap()).unwrap();
    assert!(
        made == committed,
        "docs/gc-strategies.svg is out of date; run its command"
    );
}
