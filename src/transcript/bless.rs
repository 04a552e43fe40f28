//! `--bless`: a transcript rewritten with the expected blocks that differ replaced,
//! atomically, so that a file holds its old content or its new one, never a part.

use std::fs;
use std::io::{self, Write};
use std::path::Path;

use super::check::FileReport;
use super::parse::Transcript;

/// Writes `t` with the blocks that `report` found different replaced by what `--bless`
/// makes of them. Comments, directives, prose and every other block stay as they are.
pub fn write_blessed(t: &Transcript, report: &FileReport) -> io::Result<()> {
    let mut lines = t.lines.clone();
    for (case, result) in t.cases.iter().zip(&report.cases).rev() {
        if let Some(failure) = &result.failure {
            let block = failure.blessed.iter().map(|p| {
                format!("{}{}", case.indent, p.written())
                    .trim_end()
                    .to_owned()
            });
            lines.splice(case.span.clone(), block);
        }
    }
    let mut text = lines.join("\n");
    text.push('\n');
    atomic_write(&t.path, text.as_bytes())
}

/// Replaces `path` with `bytes` so that it holds either its old or its new content, never
/// a part.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> io::Result<()> {
    // Through a symbolic link, the file it points to is rewritten, and the link kept.
    let real = fs::canonicalize(path);
    let path = real.as_deref().unwrap_or(path);
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.bless-{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&tmp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        if let Ok(meta) = fs::metadata(path) {
            fs::set_permissions(&tmp, meta.permissions())?;
        }
        fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
