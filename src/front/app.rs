//! The program: arguments in, exit code out, one function per subcommand. `main.rs` only
//! calls [`main`].
//!
//! Exit codes: 0 ok; 1 a command failed or a transcript differs; 2 a usage error, an
//! unreadable file or a malformed transcript.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Parser;

use super::bench::{self, Workload};
use super::cli::{Cli, Sub, terminal_width};
use super::record::Recorder;
use super::repl;
use super::script::{self, Ending, ScriptFlags};
use super::serve;
use super::step::Printer;
use crate::render::Style;
use crate::shell::Shell;
use crate::shell::global::{FormatArg, GlobalArgs};
use crate::shell::options::{ClockKind, Options};
use crate::transcript::{self, ReplaySettings, ReportFormat};

/// Runs sessim with the process arguments.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

fn run(cli: Cli) -> u8 {
    let options = match cli.global.options(terminal_width()) {
        Ok(o) => o,
        Err(e) => return usage_error(&e.to_string()),
    };
    match cli.command {
        None if io::stdin().is_terminal() => prompt(options),
        None => stdin_script(options),
        Some(Sub::Run { files, echo, bail }) => {
            run_files(options, &files, ScriptFlags { echo, bail })
        }
        Some(Sub::Replay {
            paths,
            bless,
            junit,
        }) => replay(&cli.global, &paths, bless, junit),
        Some(Sub::Record { file, force }) => record(options, &file, force),
        Some(Sub::Compare {
            strategies,
            duration,
            rate,
            svg,
            csv,
        }) => {
            let paths = [("--svg", svg), ("--csv", csv)]
                .map(|(name, path)| path.map(|p| (name, p.to_string_lossy().into_owned())));
            let given = [
                strategies.map(|s| ("--strategies", s)),
                duration.map(|d| ("--duration", d)),
                rate.map(|r| ("--rate", r)),
            ];
            compare(options, given.into_iter().chain(paths).flatten())
        }
        Some(Sub::Help { topic }) => help(topic.as_deref()),
        Some(Sub::Serve {
            listen,
            read_timeout,
        }) => match start(options) {
            Ok((shell, printer)) => serve::main(shell, printer, &listen, read_timeout),
            Err(code) => code,
        },
        Some(Sub::Bench {
            sessions,
            ops,
            seed,
        }) => bench::main(
            Workload {
                sessions,
                ops,
                seed,
            },
            &options.store,
        ),
    }
}

/// The shell and the printer `options` ask for, or the exit code of a usage error (said).
fn start(options: Options) -> Result<(Shell, Printer), u8> {
    let printer = Printer::for_options(&options);
    match Shell::new(options) {
        Ok(shell) => {
            say_namespace(&shell);
            Ok((shell, printer))
        }
        Err(e) => Err(usage_error(&e.to_string())),
    }
}

/// On stderr, so that output stays the same: which shared Redis namespace the simulation
/// runs in, and whether it resumed one.
fn say_namespace(shell: &Shell) {
    let Some(redis) = shell.manager().store().redis().filter(|r| r.shared()) else {
        return;
    };
    let how = if redis.resumed() {
        let stored = shell.manager().stored().unwrap_or_default();
        let plural = if stored == 1 { "" } else { "s" };
        format!(
            "resumed at {}, {stored} session{plural} stored; its settings apply",
            shell.now()
        )
    } else {
        "new".to_owned()
    };
    let _ = writeln!(
        io::stderr(),
        "namespace `{}` at {}: {how}",
        redis.namespace(),
        redis.url()
    );
}

/// `sessim` at a terminal: the REPL.
fn prompt(options: Options) -> u8 {
    match start(options) {
        Ok((shell, printer)) => repl::run(shell, printer, None),
        Err(code) => code,
    }
}

/// `sessim < FILE`: a script from standard input.
fn stdin_script(options: Options) -> u8 {
    let (mut shell, printer) = match start(options) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let ending = script::run(
        &mut shell,
        printer,
        "<stdin>",
        io::stdin().lock(),
        ScriptFlags::default(),
        &mut io::BufWriter::new(io::stdout().lock()),
        &mut io::stderr(),
    );
    exit_code(ending)
}

/// `sessim run FILE...`
fn run_files(options: Options, files: &[PathBuf], flags: ScriptFlags) -> u8 {
    let (mut shell, printer) = match start(options) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let ending = script::run_files(
        &mut shell,
        printer,
        files,
        flags,
        &mut io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
        &mut io::stderr(),
    );
    exit_code(ending)
}

/// `sessim help [TOPIC]`: the command line's help, a subcommand's, or the prompt's help on a
/// command or topic (`sessim help gc` is `help gc` at the prompt).
fn help(topic: Option<&str>) -> u8 {
    use clap::CommandFactory;
    let mut cli = Cli::command();
    let text = match topic {
        None => cli.render_long_help().to_string(),
        // A subcommand the prompt does not have: clap's help for it.
        Some(name @ ("run" | "replay" | "record" | "bench" | "serve")) => {
            match Cli::try_parse_from(["sessim", name, "--help"]) {
                Err(shown) => shown.render().to_string(),
                Ok(_) => return usage_error(&format!("no help on `{name}`")),
            }
        }
        Some(topic) => {
            match crate::shell::help::text(crate::shell::commands::COMMANDS, Some(topic)) {
                Ok(text) => text + "\n",
                Err(e) => return usage_error(&e.to_string()),
            }
        }
    };
    let _ = io::stdout().write_all(text.as_bytes());
    0
}

/// `sessim compare [OPTIONS]`: the shell's `compare` with these options, once.
fn compare<'a>(options: Options, given: impl Iterator<Item = (&'a str, String)>) -> u8 {
    let (mut shell, printer) = match start(options) {
        Ok(started) => started,
        Err(code) => return code,
    };
    let mut line = String::from("compare");
    for (name, value) in given {
        line.push(' ');
        line.push_str(name);
        line.push(' ');
        match shlex::try_quote(&value) {
            Ok(quoted) => line.push_str(&quoted),
            Err(_) => return usage_error(&format!("{name} cannot hold a NUL byte")),
        }
    }
    let Some(ran) = printer.step(&mut shell, &line) else {
        return 0;
    };
    let mut out = io::stdout().lock();
    match ran.error {
        Some((_, text)) => {
            let _ = io::stderr().write_all(text.as_bytes());
            2
        }
        None => {
            let _ = out.write_all(ran.output.as_bytes());
            0
        }
    }
}

/// `sessim replay PATH... [--bless] [--junit FILE]`
fn replay(global: &GlobalArgs, paths: &[PathBuf], bless: bool, junit: Option<PathBuf>) -> u8 {
    if bless && ci() {
        return usage_error("--bless refuses to run when CI is set: CI must compare, not rewrite");
    }
    // --format and --color are the report's; the transcripts say their own.
    let transcripts = GlobalArgs {
        format: None,
        color: None,
        ..global.clone()
    };
    let base = match transcripts.over(Options::default()) {
        Ok(base) => base,
        Err(e) => return usage_error(&e.to_string()),
    };
    let settings = ReplaySettings {
        bless,
        base,
        given: transcripts.given(),
        format: match global.format {
            Some(FormatArg::Json) => ReportFormat::Json,
            _ => ReportFormat::Text,
        },
        junit,
    };
    let mut out = io::stdout().lock();
    match transcript::replay_paths(paths, &settings, &mut out, &mut io::stderr()) {
        Ok(totals) => totals.exit_code(),
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
        Err(e) => usage_error(&e.to_string()),
    }
}

/// Whether a CI system runs sessim: `CI` is set to something other than empty, `false` or
/// `0`, as CI systems set it.
fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// `sessim record FILE`: the REPL, with what it prints written to FILE. Output is plain
/// text (or JSON), as the transcript will hold it, whatever the terminal.
fn record(mut options: Options, file: &Path, force: bool) -> u8 {
    if options.clock == ClockKind::System {
        return usage_error("record needs the virtual clock, so that the transcript replays");
    }
    let chosen = options.seed.is_none().then(|| rand::random::<u32>().into());
    options.seed = options.seed.or(chosen);
    let recorder = match Recorder::create(file, force, &options) {
        Ok(r) => r,
        Err(e) => return usage_error(&format!("{}: {e}", file.display())),
    };
    if let Some(seed) = chosen {
        eprintln!("recording with --seed {seed}, so generated ids replay the same");
    }
    let printer = Printer {
        format: options.format,
        style: Style::PLAIN,
    };
    match Shell::new(options) {
        Ok(shell) => repl::run(shell, printer, Some(recorder)),
        Err(e) => usage_error(&e.to_string()),
    }
}

fn usage_error(message: &str) -> u8 {
    // Not `eprintln!`, which panics when stderr is a closed pipe: the exit code still tells.
    let _ = writeln!(io::stderr(), "error: {message}");
    2
}

fn exit_code(ending: Ending) -> u8 {
    match ending {
        Ending::Finished { failed: 0 } | Ending::ClosedPipe => 0,
        Ending::Finished { .. } | Ending::Bailed => 1,
        Ending::Unreadable => 2,
    }
}
