//! Atomic file writes: a temp file in the target folder, flushed, then renamed over the
//! final name, so a failed or interrupted build never leaves a half-written output.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// A write that failed, naming the path.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {path:?}: {source}")]
pub struct WriteError {
    /// What could not be written.
    pub path: PathBuf,
    /// Why.
    pub source: std::io::Error,
}

/// Writes every file atomically and all-or-nothing: each goes to a temporary file first;
/// only when all of them are on disk are they renamed over their final names. If any write
/// fails, the temporary files are removed and every existing output stays as it was.
pub fn write_all_atomic(
    dir: &Path,
    files: &[crate::emit::OutputFile],
) -> Result<Vec<PathBuf>, WriteError> {
    let err = |path: &Path, source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    // A final name taken by a folder would make a rename fail half-way: refuse up front.
    for file in files {
        let target = dir.join(&file.name);
        if target.is_dir() {
            return Err(err(
                &target,
                std::io::Error::other("a folder has the output's name"),
            ));
        }
    }
    // Temp files left by an earlier build that was killed are removed.
    if let Ok(entries) = fs::read_dir(dir) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if files
                .iter()
                .any(|f| name.starts_with(&format!(".{}.tmp-", f.name)))
            {
                let _ = fs::remove_file(entry.path());
            }
        }
    }
    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in files {
        let target = dir.join(&file.name);
        let temp = dir.join(format!(".{}.tmp-{}", file.name, std::process::id()));
        let result = (|| {
            let mut f = fs::File::create(&temp)?;
            f.write_all(&file.bytes)?;
            f.sync_all()
        })();
        if let Err(e) = result {
            let _ = fs::remove_file(&temp);
            for (temp, _) in &staged {
                let _ = fs::remove_file(temp);
            }
            return Err(err(&target, e));
        }
        staged.push((temp, target));
    }
    let mut written = Vec::new();
    for (i, (temp, target)) in staged.iter().enumerate() {
        if let Err(e) = fs::rename(temp, target) {
            for (temp, _) in &staged[i..] {
                let _ = fs::remove_file(temp);
            }
            return Err(err(target, e));
        }
        written.push(target.clone());
    }
    Ok(written)
}
