//! `sessim record FILE`: the REPL, writing every command and its output as a transcript
//! whose directive header pins the options in use, so it replays green at once.

use std::fs::{File, OpenOptions};
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use super::step::Ran;
use crate::shell::options::Options;
use crate::transcript::{header, write_case};

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
        recorder.write(&header(
            "Recorded with `sessim record`. Replay: sessim replay FILE",
            options,
        ));
        recorder.flush()?;
        Ok(recorder)
    }

    /// Records what a line did, as the step printed it: a command and its output, or a
    /// comment (blank lines are left out).
    pub fn observe(&mut self, line: &str, ran: Option<&Ran>) {
        match ran {
            Some(ran) => {
                let mut text = String::new();
                write_case(line, &ran.text(), &mut text);
                self.write(&text);
                self.commands += 1;
            }
            None => {
                let line = line.trim();
                if line.starts_with("#!") {
                    // Typed at the prompt, a directive is a comment: it changes nothing, and
                    // in the file it must not read as one (see `reset`).
                    self.write(&format!("# {line}\n"));
                } else if !line.is_empty() {
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
                    "recorded {} {} to {}; check it with `sessim replay {}`",
                    self.commands,
                    if self.commands == 1 {
                        "command"
                    } else {
                        "commands"
                    },
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
