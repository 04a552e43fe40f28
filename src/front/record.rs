//! `sessim record FILE`: the REPL, writing every command and its output as a transcript
//! whose directive header pins the options in use, so it replays green at once.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::step::Ran;
use crate::basics::time::Span;
use crate::shell::options::Options;
use crate::transcript::escape_output;

/// Writes a transcript as the REPL runs.
pub struct Recorder {
    path: PathBuf,
    file: BufWriter<File>,
    commands: usize,
    failed: Option<io::Error>,
}

impl Recorder {
    /// Creates `path` (refusing an existing file unless `force`) and writes the header.
    pub fn create(path: &Path, force: bool, options: &Options) -> io::Result<Recorder> {
        let mut open = OpenOptions::new();
        open.write(true);
        if force {
            open.create(true).truncate(true);
        } else {
            open.create_new(true);
        }
        let file = open.open(path).map_err(|e| {
            if e.kind() == io::ErrorKind::AlreadyExists {
                io::Error::new(e.kind(), "the file exists; pass --force to overwrite it")
            } else {
                e
            }
        })?;
        let mut recorder = Recorder {
            path: path.to_owned(),
            file: BufWriter::new(file),
            commands: 0,
            failed: None,
        };
        recorder.write(&header(options));
        recorder.flush()?;
        Ok(recorder)
    }

    /// Records what a line did, as the step printed it: a command and its output, or a
    /// comment (blank lines are left out).
    pub fn observe(&mut self, line: &str, ran: Option<&Ran>) {
        match ran {
            Some(ran) => {
                let mut text = format!("> {line}\n");
                escape_output(&ran.text(), &mut text);
                self.write(&text);
                self.commands += 1;
            }
            None => {
                let line = line.trim();
                if !line.is_empty() {
                    self.write(&format!("{line}\n"));
                }
            }
        }
    }

    /// Flushes what is recorded so far to the file.
    pub fn flush(&mut self) -> io::Result<()> {
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        self.file.flush()
    }

    /// Ends the recording, says where it went, and returns the exit code.
    pub fn finish(mut self) -> u8 {
        match self.flush() {
            Ok(()) => {
                eprintln!(
                    "recorded {} commands to {}; check it with `sessim replay {}`",
                    self.commands,
                    self.path.display(),
                    self.path.display()
                );
                0
            }
            Err(e) => {
                eprintln!("error: cannot write {}: {e}", self.path.display());
                2
            }
        }
    }

    fn write(&mut self, text: &str) {
        if self.failed.is_none()
            && let Err(e) = self.file.write_all(text.as_bytes())
        {
            self.failed = Some(e);
        }
    }
}

/// The directives that pin `options`.
fn header(options: &Options) -> String {
    let c = &options.config;
    let mut out = String::from("# Recorded with `sessim record`. Replay: sessim replay FILE\n");
    out.push_str(&format!("#! defects = {}\n", c.defects));
    out.push_str(&format!("#! max-lifetime = {}\n", Span(c.max_lifetime)));
    if let Some(i) = c.gc_interval {
        out.push_str(&format!("#! gc-interval = {}\n", Span(i)));
    }
    if !c.auto_gc {
        out.push_str("#! no-auto-gc = true\n");
    }
    if let Some(n) = c.capacity {
        out.push_str(&format!("#! capacity = {n}\n"));
    }
    if let Some(seed) = options.seed {
        out.push_str(&format!("#! seed = {seed}\n"));
    }
    out.push_str(&format!("#! start = {}\n", options.start));
    out
}
