//! The command table is the one place a command is defined: a command added to it, with
//! its handler and nothing else, runs, checks its arguments, and appears in `help`,
//! completion, hints, "did you mean" and JSON errors.

use sessim::Result;
use sessim::front::step::Printer;
use sessim::render::Style;
use sessim::shell::Shell;
use sessim::shell::args::Args;
use sessim::shell::commands::{COMMANDS, Command, Complete, Kind};
use sessim::shell::complete::{complete, hint};
use sessim::shell::options::{Format, Options};
use sessim::shell::reply::Reply;

/// `ping [SID]`: a command that exists only in this test.
const PING: Command = Command {
    name: "ping",
    args: "[SID]",
    summary: "answer pong",
    detail: "Answers pong, to the session named if one is.",
    example: "ping alice",
    mirrors: "",
    completes: &[Complete::Id],
    kind: Kind::Look,
    run: ping,
};

fn ping(_: &mut Shell, a: &mut Args<'_>) -> Result<Reply> {
    let to = a.opt_id()?.unwrap_or_else(|| "world".to_owned());
    Ok(Reply::Text {
        text: format!("pong {to}"),
    })
}

/// sessim's commands and `ping`.
fn table() -> &'static [Command] {
    let mut commands = COMMANDS.to_vec();
    commands.push(PING);
    Box::leak(commands.into_boxed_slice())
}

/// What `line` printed, output and error alike.
fn run(shell: &mut Shell, line: &str) -> String {
    Printer::PLAIN.step(shell, line).expect("a command").text()
}

#[test]
fn a_command_added_to_the_table_is_known_everywhere() {
    let mut plain = Shell::new(Options::default()).unwrap();
    assert!(run(&mut plain, "ping").starts_with("error: unknown command `ping`"));

    let mut shell = Shell::with_commands(Options::default(), table()).unwrap();
    run(&mut shell, "new alice");
    assert_eq!(run(&mut shell, "ping"), "pong world\n");
    assert_eq!(run(&mut shell, "ping alice"), "pong alice\n");
    assert_eq!(
        run(&mut shell, "ping a b"),
        "error: `ping` takes at most 1 argument (2 given); usage: ping [SID]\n",
        "its arity comes from its synopsis"
    );
    assert_eq!(
        run(&mut shell, "ping ''"),
        "error: a session id must not be empty\n"
    );

    let help = run(&mut shell, "help");
    assert!(
        help.lines()
            .any(|l| l.trim_start().starts_with("ping [SID]") && l.ends_with("answer pong")),
        "{help}"
    );
    let help_ping = run(&mut shell, "help ping");
    assert!(
        help_ping.starts_with("usage: ping [SID]\nanswer pong\n"),
        "{help_ping}"
    );
    assert!(help_ping.contains("example: ping alice"), "{help_ping}");

    assert_eq!(
        run(&mut shell, "pnig"),
        "error: unknown command `pnig`; did you mean `ping`?\n"
    );
    assert!(run(&mut shell, "help pnig").contains("did you mean `ping`?"));

    let ids = |kind, prefix: &str| shell.held(kind, prefix);
    assert_eq!(complete(shell.commands(), "pi", &ids).1, ["ping "]);
    assert_eq!(complete(shell.commands(), "ping al", &ids).1, ["alice "]);
    assert_eq!(complete(shell.commands(), "help pi", &ids).1, ["ping "]);
    assert_eq!(hint(shell.commands(), "ping").as_deref(), Some(" [SID]"));

    let json = Printer {
        format: Format::Json,
        style: Style::PLAIN,
    };
    let error = json.step(&mut shell, "ping a b").unwrap().text();
    assert!(error.contains(r#""command":"ping""#), "{error}");
}

#[test]
fn every_help_topic_fits_80_columns() {
    let mut shell = Shell::new(Options::default()).unwrap();
    let mut topics = vec!["help".to_owned()];
    topics.extend(
        sessim::shell::help::TOPICS
            .iter()
            .map(|t| format!("help {t}")),
    );
    topics.extend(shell.commands().iter().map(|c| format!("help {}", c.name)));
    for topic in topics {
        let text = run(&mut shell, &topic);
        for line in text.lines() {
            let width = unicode_width::UnicodeWidthStr::width(line);
            assert!(width <= 80, "`{topic}`: {width} columns: {line}");
        }
    }
}
