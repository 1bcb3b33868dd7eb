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

/// Writes `bytes` to `dir/name` atomically, creating `dir` if needed.
pub fn write_atomic(dir: &Path, name: &str, bytes: &[u8]) -> Result<PathBuf, WriteError> {
    let target = dir.join(name);
    let err = |path: &Path, source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let temp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let result = (|| {
        let mut file = fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, &target)
    })();
    if let Err(e) = result {
        let _ = fs::remove_file(&temp);
        return Err(err(&target, e));
    }
    Ok(target)
}
