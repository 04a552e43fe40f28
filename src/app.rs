//! The program: arguments in, exit code out. `main.rs` only calls [`main`].

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;

use crate::bench::{self, Workload};
use crate::cli::{Cli, Sub, stdout_is_terminal};
use crate::options::ClockKind;
use crate::printer::Printer;
use crate::record::Recorder;
use crate::script::{self, Ending, ScriptFlags};
use crate::shell::Shell;
use crate::{repl, transcript};

/// Runs sessim with the process arguments. Exit codes: 0 ok; 1 a command failed or a
/// transcript differs; 2 usage error, unreadable file or malformed transcript.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

fn run(cli: Cli) -> u8 {
    let terminal = stdout_is_terminal();
    let mut options = match cli.global.options(terminal) {
        Ok(o) => o,
        Err(e) => return usage_error(&e.to_string()),
    };
    match cli.command {
        None if io::stdin().is_terminal() => {
            let printer = Printer::for_options(&options);
            match Shell::new(options) {
                Ok(shell) => repl::run(shell, printer, None),
                Err(e) => usage_error(&e.to_string()),
            }
        }
        None => {
            let printer = Printer::for_options(&options);
            let Ok(mut shell) = Shell::new(options) else {
                return 2;
            };
            let stdin = io::stdin().lock();
            let ending = script::run(
                &mut shell,
                printer,
                "<stdin>",
                stdin,
                ScriptFlags::default(),
                &mut io::BufWriter::new(io::stdout().lock()),
                &mut io::stderr(),
            );
            exit_code(ending)
        }
        Some(Sub::Run { files, echo, bail }) => {
            let printer = Printer::for_options(&options);
            let mut shell = match Shell::new(options) {
                Ok(s) => s,
                Err(e) => return usage_error(&e.to_string()),
            };
            let ending = script::run_files(
                &mut shell,
                printer,
                &files,
                ScriptFlags { echo, bail },
                &mut io::BufWriter::with_capacity(1 << 16, io::stdout().lock()),
                &mut io::stderr(),
            );
            exit_code(ending)
        }
        Some(Sub::Replay { paths, bless }) => {
            if bless && std::env::var_os("CI").is_some() {
                return usage_error(
                    "--bless refuses to run when CI is set: CI must compare, not rewrite",
                );
            }
            let mut out = io::stdout().lock();
            match transcript::replay_paths(&paths, bless, &mut out, &mut io::stderr()) {
                Ok(totals) => totals.exit_code(bless),
                Err(e) if e.kind() == io::ErrorKind::BrokenPipe => 0,
                Err(e) => usage_error(&e.to_string()),
            }
        }
        Some(Sub::Record { file, force }) => {
            if options.clock == ClockKind::System {
                return usage_error(
                    "record needs the virtual clock, so that the transcript replays",
                );
            }
            if options.seed.is_none() {
                let seed = rand::random::<u32>().into();
                eprintln!("recording with --seed {seed}, so generated ids replay the same");
                options.seed = Some(seed);
            }
            let recorder = match Recorder::create(&file, force, &options) {
                Ok(r) => r,
                Err(e) => return usage_error(&format!("{}: {e}", file.display())),
            };
            let printer = Printer::for_options(&options);
            match Shell::new(options) {
                Ok(shell) => repl::run(shell, printer, Some(recorder)),
                Err(e) => usage_error(&e.to_string()),
            }
        }
        Some(Sub::Bench {
            sessions,
            ops,
            seed,
        }) => bench::main(Workload {
            sessions,
            ops,
            seed,
        }),
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
