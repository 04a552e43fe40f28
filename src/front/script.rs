//! `sessim run FILE...` and `sessim < FILE`: commands from files or stdin, no prompt.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;

use super::step::{Printer, Ran};
use crate::Error;
use crate::shell::Shell;
use crate::shell::args::MAX_LINE;
use crate::shell::options::Format;
use crate::transcript::{header, write_case};

/// How a script is run.
#[derive(Debug, Clone, Copy, Default)]
pub struct ScriptFlags {
    /// Print `> cmd` before each command's output (and errors on stdout too).
    pub echo: bool,
    /// Stop at the first failure.
    pub bail: bool,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Every line was read (or `quit` was met); `failed` commands printed errors.
    Finished { failed: usize },
    /// `--bail` stopped at a failure.
    Bailed,
    /// The reader of stdout went away; stop quietly.
    ClosedPipe,
    /// A file could not be read: exit 2.
    Unreadable,
}

/// Runs the scripts in order on one shell; `-` is standard input. Errors go to `err` as
/// `FILE:LINE: error: ...`. With `--echo`, the output starts with the directives that pin
/// the options, so that it replays as a transcript.
pub fn run_files(
    shell: &mut Shell,
    printer: Printer,
    files: &[impl AsRef<Path>],
    flags: ScriptFlags,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Ending {
    if flags.echo {
        let note = "Written by `sessim run --echo`. Replay: sessim replay FILE";
        if let Err(e) = out.write_all(header(note, shell.options()).as_bytes()) {
            return write_failure(e, "<stdout>", err);
        }
    }
    let mut failed = 0;
    for path in files {
        let path = path.as_ref();
        let stdin = path == Path::new("-");
        let name = if stdin {
            "<stdin>".to_owned()
        } else {
            path.display().to_string()
        };
        let reader: Box<dyn BufRead> = if stdin {
            Box::new(io::stdin().lock())
        } else {
            match open(path) {
                Ok(file) => Box::new(BufReader::with_capacity(1 << 16, file)),
                Err(e) => {
                    let _ = writeln!(err, "{name}: error: {e}");
                    return Ending::Unreadable;
                }
            }
        };
        match run(shell, printer, &name, reader, flags, out, err) {
            Ending::Finished { failed: n } => failed += n,
            other => return other,
        }
    }
    Ending::Finished { failed }
}

fn open(path: &Path) -> io::Result<File> {
    if path.is_dir() {
        return Err(io::Error::other("is a directory; give a script file"));
    }
    File::open(path)
}

/// Runs one script read from `reader`, named `name` in error messages.
pub fn run(
    shell: &mut Shell,
    printer: Printer,
    name: &str,
    mut reader: impl BufRead,
    flags: ScriptFlags,
    out: &mut impl Write,
    err: &mut impl Write,
) -> Ending {
    let mut bytes = Vec::new();
    let mut text = String::new();
    let mut failed = 0;
    for number in 1.. {
        bytes.clear();
        // A line within the limit is kept whole, with its `\r\n`; a longer one is not kept.
        let (consumed, length) = match read_line(&mut reader, &mut bytes, MAX_LINE + 2) {
            Ok((0, _)) => break,
            Ok(read) => read,
            Err(e) => {
                let _ = writeln!(err, "{name}:{number}: error: cannot read: {e}");
                return Ending::Unreadable;
            }
        };
        let too_long = consumed > bytes.len();
        if too_long {
            bytes.clear();
        }
        let Ok(line) = std::str::from_utf8(&bytes) else {
            let _ = writeln!(
                err,
                "{name}:{number}: error: the line is not valid UTF-8; scripts must be UTF-8 text"
            );
            return Ending::Unreadable;
        };
        let line = line.strip_suffix('\n').unwrap_or(line);
        let line = line.strip_suffix('\r').unwrap_or(line);
        text.clear();
        let comment = line.trim_start();
        if flags.echo && comment.starts_with('#') {
            // In a script a directive is a comment; in the transcript it must stay one.
            if comment.starts_with("#!") {
                text.push_str("# ");
            }
            text.push_str(comment);
            text.push('\n');
        }
        let ran = if too_long {
            let e = Error::Usage(format!(
                "the line is {length} bytes long; the limit is {MAX_LINE}"
            ));
            let shown = printer.error(shell, line, &e);
            Some(Ran {
                output: String::new(),
                error: Some((e, shown)),
                quit: false,
                clear: false,
            })
        } else {
            printer.step(shell, line)
        };
        let Some(ran) = ran else {
            if let Err(e) = out.write_all(text.as_bytes()) {
                return write_failure(e, name, err);
            }
            continue;
        };
        if let Some((e, _)) = &ran.error {
            failed += 1;
            let _ = writeln!(err, "{name}:{number}: error: {e}");
        }
        if flags.echo {
            // `--echo` output stays a transcript: a line too long to echo is left out.
            if !too_long {
                write_case(line, &ran.text(), &mut text);
            }
        } else {
            text.push_str(&ran.output);
            if let Some((_, shown)) = &ran.error
                && printer.format == Format::Json
            {
                text.push_str(shown);
            }
        }
        if let Err(e) = out.write_all(text.as_bytes()) {
            return write_failure(e, name, err);
        }
        if ran.quit {
            break;
        }
        if ran.error.is_some() && flags.bail {
            let _ = out.flush();
            return Ending::Bailed;
        }
    }
    if let Err(e) = out.flush() {
        return write_failure(e, name, err);
    }
    Ending::Finished { failed }
}

/// Reads one line, keeping at most `keep` bytes of it in `bytes`, so that a line without
/// end (`/dev/zero`) cannot exhaust memory. Returns the bytes consumed (0 at the end of the
/// input) and the length of the line without its `\n` or `\r\n`.
fn read_line(
    reader: &mut impl BufRead,
    bytes: &mut Vec<u8>,
    keep: usize,
) -> io::Result<(usize, usize)> {
    let (mut consumed, mut last, mut before_last) = (0, 0u8, 0u8);
    loop {
        let buf = match reader.fill_buf() {
            Ok(buf) => buf,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let (n, done) = match buf.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (buf.len(), false),
        };
        bytes.extend_from_slice(&buf[..n.min(keep.saturating_sub(bytes.len()))]);
        for &b in &buf[n.saturating_sub(2)..n] {
            (before_last, last) = (last, b);
        }
        consumed += n;
        reader.consume(n);
        if done {
            break;
        }
    }
    let ending = match (before_last, last) {
        (b'\r', b'\n') => 2,
        (_, b'\n') => 1,
        _ => 0,
    };
    Ok((consumed, consumed - ending))
}

fn write_failure(e: io::Error, name: &str, err: &mut impl Write) -> Ending {
    if e.kind() == io::ErrorKind::BrokenPipe {
        return Ending::ClosedPipe;
    }
    let _ = writeln!(err, "{name}: error: cannot write output: {e}");
    Ending::Unreadable
}
