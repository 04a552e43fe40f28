//! sessim from Rust code: a simulation that executes lines and returns their text exactly
//! as `sessim run` prints it off a terminal, for snapshot tests of its tables.

use super::step::Printer;
use crate::shell::Shell;
use crate::shell::global::GlobalArgs;
use crate::{Error, Result};

/// A fresh simulation, fed one line at a time.
///
/// ```
/// let mut sim = sessim::Simulation::new(&["--defects", "all"])?;
/// assert_eq!(sim.run("new alice"), "alice\n");
/// assert_eq!(sim.run("read bob").lines().next(), Some("adopted bob: unknown id, created by SessionRead (B5)"));
/// assert_eq!(sim.run("red bob"), "error: unknown command `red`; did you mean `read`?\n");
/// # Ok::<(), sessim::Error>(())
/// ```
pub struct Simulation {
    shell: Shell,
    printer: Printer,
}

impl Simulation {
    /// A simulation with the command line's global options (`--defects all`,
    /// `--seed 42`, `--format json`, ...), laid out as off a terminal: no colour, tables
    /// 100 columns wide.
    pub fn new(options: &[&str]) -> Result<Simulation> {
        let words: Vec<String> = options.iter().map(|w| (*w).to_owned()).collect();
        let args = GlobalArgs::parse_words(&words).map_err(Error::Usage)?;
        let options = args.options(None)?;
        Ok(Simulation {
            printer: Printer::for_options(&options),
            shell: Shell::new(options)?,
        })
    }

    /// Executes one line and returns what it printed; a line that fails gives its
    /// `error: ...` line, as a transcript shows it. A blank line or a comment gives "".
    pub fn run(&mut self, line: &str) -> String {
        self.printer
            .step(&mut self.shell, line)
            .map(|ran| ran.text())
            .unwrap_or_default()
    }

    /// The simulation's shell, to look at its state.
    pub fn shell(&self) -> &Shell {
        &self.shell
    }

    /// The simulation's shell, to serve it (`sessim::serve`).
    pub fn into_shell(self) -> Shell {
        self.shell
    }
}

/// Executes each line of `script` on a fresh simulation with `options` (see
/// [`Simulation::new`]) and returns all they printed, up to a `quit`.
///
/// The only error is for invalid options: a line that fails prints its `error: ...` line
/// and the next line runs, as in a transcript.
pub fn run(options: &[&str], script: &str) -> Result<String> {
    let mut sim = Simulation::new(options)?;
    let mut out = String::new();
    for line in script.lines() {
        let Some(ran) = sim.printer.step(&mut sim.shell, line) else {
            continue;
        };
        out.push_str(&ran.text());
        if ran.quit {
            break;
        }
    }
    Ok(out)
}
