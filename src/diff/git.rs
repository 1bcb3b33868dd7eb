//! A manuscript folder as it was at a git revision, read with the `git` command (already on
//! every machine that has the repository; a git library would add a large dependency tree
//! for two plumbing commands) and without touching the working tree or the index.
//!
//! The folder's files at the revision are copied into a temporary folder, which the loader
//! reads like any other; the files are then renamed in the diagnostics and locations as
//! git names them (`REV:manuscript/parts/01.toml`), and the folder is removed.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

use crate::load::{MAX_FILE_BYTES, MAX_MANUSCRIPT_BYTES};

/// Most files copied out of a revision.
const MAX_FILES: usize = 5_000;

/// Why a revision could not be read.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be run.
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    /// A git command failed.
    #[error("git {command}: {message}")]
    Failed {
        /// The command, e.g. `rev-parse`.
        command: String,
        /// What git said.
        message: String,
    },
    /// The revision holds more than the loader would read.
    #[error("{0}")]
    TooLarge(String),
    /// A file could not be written.
    #[error("cannot write {path:?}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A manuscript folder at a revision, copied into a temporary folder that is removed when
/// this is dropped.
#[derive(Debug)]
pub struct Checkout {
    /// The temporary folder holding the manuscript's files.
    pub dir: PathBuf,
    /// How files are named: `REV:path/in/repository/` (prefix of every file).
    pub prefix: String,
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn git(dir: &Path, args: &[&str]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    if !out.status.success() {
        return Err(GitError::Failed {
            command: args.first().copied().unwrap_or_default().to_string(),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).trim().to_string()
}

/// The commit date of `rev` (`YYYY-MM-DD`), for the heading of a "changes since" section.
pub fn commit_date(manuscript: &Path, rev: &str) -> Result<String, GitError> {
    Ok(text(git(
        manuscript,
        &[
            "log",
            "-1",
            "--format=%cs",
            &format!("{rev}^{{commit}}"),
            "--",
        ],
    )?))
}

/// Copies the manuscript folder `manuscript` (inside a git work tree) as it was at `rev`.
pub fn checkout(manuscript: &Path, rev: &str) -> Result<Checkout, GitError> {
    if rev.starts_with('-') {
        return Err(GitError::Failed {
            command: "rev-parse".into(),
            message: format!("{rev:?} is not a revision"),
        });
    }
    let commit = text(
        git(
            manuscript,
            &[
                "rev-parse",
                "--verify",
                "--quiet",
                &format!("{rev}^{{commit}}"),
            ],
        )
        .map_err(|_| GitError::Failed {
            command: "rev-parse".into(),
            message: format!("unknown revision {rev:?}"),
        })?,
    );
    // The folder's path inside the repository, e.g. `manuscript/`.
    let prefix = text(git(manuscript, &["rev-parse", "--show-prefix"])?);
    let top = PathBuf::from(text(git(manuscript, &["rev-parse", "--show-toplevel"])?));
    let listing = git(
        &top,
        &["ls-tree", "-r", "-z", "--full-tree", &commit, "--", &prefix],
    )?;

    static COUNTER: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = std::env::temp_dir().join(format!(
        "supplement-rev-{}-{}",
        std::process::id(),
        COUNTER.fetch_add(1, std::sync::atomic::Ordering::SeqCst)
    ));
    let checkout = Checkout {
        dir: dir.clone(),
        prefix: format!("{rev}:{prefix}"),
    };
    std::fs::create_dir_all(&dir).map_err(|source| GitError::Io {
        path: dir.clone(),
        source,
    })?;

    // Blobs under the folder: (object, path relative to the folder).
    let mut blobs: Vec<(String, PathBuf)> = Vec::new();
    for entry in listing.split(|&b| b == 0).filter(|e| !e.is_empty()) {
        let entry = String::from_utf8_lossy(entry);
        let Some((meta, path)) = entry.split_once('\t') else {
            continue;
        };
        let mut meta = meta.split(' ');
        let (Some(mode), Some(kind), Some(object)) = (meta.next(), meta.next(), meta.next()) else {
            continue;
        };
        // Regular files only: links and submodules are not manuscript files.
        if kind != "blob" || !(mode == "100644" || mode == "100755") {
            continue;
        }
        let Some(rel) = path.strip_prefix(&prefix) else {
            continue;
        };
        let rel = Path::new(rel);
        if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
            continue;
        }
        blobs.push((object.to_string(), rel.to_path_buf()));
        if blobs.len() > MAX_FILES {
            return Err(GitError::TooLarge(format!(
                "{rev}:{prefix} has more than {MAX_FILES} files"
            )));
        }
    }

    // One `cat-file --batch` for every blob.
    let mut child = Command::new("git")
        .arg("-C")
        .arg(&top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(GitError::Spawn)?;
    let mut stdin = child.stdin.take();
    let names: Vec<String> = blobs.iter().map(|(o, _)| o.clone()).collect();
    let feeder = std::thread::spawn(move || {
        if let Some(stdin) = stdin.as_mut() {
            for name in names {
                if writeln!(stdin, "{name}").is_err() {
                    break;
                }
            }
        }
    });
    let mut reader = BufReader::new(child.stdout.take().ok_or_else(|| GitError::Failed {
        command: "cat-file".into(),
        message: "no output".into(),
    })?);
    let mut total: u64 = 0;
    let mut result = Ok(());
    for (object, rel) in &blobs {
        let mut header = String::new();
        if reader.read_line(&mut header).unwrap_or(0) == 0 {
            result = Err(GitError::Failed {
                command: "cat-file".into(),
                message: format!("no object {object}"),
            });
            break;
        }
        let size: u64 = header
            .split_whitespace()
            .nth(2)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        total = total.saturating_add(size);
        if size > MAX_FILE_BYTES || total > MAX_MANUSCRIPT_BYTES {
            result = Err(GitError::TooLarge(format!(
                "{rev}:{prefix}{} is larger than the loader reads ({} MB a file, {} MB in all)",
                rel.display(),
                MAX_FILE_BYTES >> 20,
                MAX_MANUSCRIPT_BYTES >> 20
            )));
            break;
        }
        let mut bytes = Vec::with_capacity(size as usize);
        if (&mut reader).take(size).read_to_end(&mut bytes).is_err() {
            result = Err(GitError::Failed {
                command: "cat-file".into(),
                message: format!("cannot read {object}"),
            });
            break;
        }
        let mut newline = [0u8; 1];
        let _ = reader.read_exact(&mut newline);
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            if let Err(source) = std::fs::create_dir_all(parent) {
                result = Err(GitError::Io {
                    path: parent.to_path_buf(),
                    source,
                });
                break;
            }
        }
        if let Err(source) = std::fs::write(&path, &bytes) {
            result = Err(GitError::Io { path, source });
            break;
        }
    }
    drop(reader);
    let _ = child.kill();
    let _ = child.wait();
    let _ = feeder.join();
    result?;
    Ok(checkout)
}
