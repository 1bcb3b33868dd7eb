//! All-or-nothing writes of a build's outputs. Every file goes to a temporary file in the
//! output folder first; only when all of them are on disk are they renamed over their
//! final names, each previous output kept (hard-linked) until the end so that a rename that
//! fails rolls the ones already renamed back. Builds into one folder take turns: each holds
//! an exclusive lock on the folder (`flock`) while it writes, so concurrent builds each
//! succeed or fail whole, and a build removes only temporaries no live build can own.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// A write that failed, naming the path.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}", path.display())]
pub struct WriteError {
    /// What could not be written.
    pub path: PathBuf,
    /// Why (and, when putting the previous files back also failed, that too).
    pub source: io::Error,
}

/// Temporaries older than this are left by a build that died; without the folder lock
/// (a file system that has none) only these are removed.
const STALE_AFTER: Duration = Duration::from_secs(60 * 60);

/// Writes every file all-or-nothing (see the module comment) and returns the final paths.
/// On an error every output is as it was before the call.
pub fn write_all_atomic(
    dir: &Path,
    files: &[crate::emit::OutputFile],
) -> Result<Vec<PathBuf>, WriteError> {
    write_all_with(dir, files, &|from, to| fs::rename(from, to))
}

/// [`write_all_atomic`] with the rename step given, so tests can make one fail.
fn write_all_with(
    dir: &Path,
    files: &[crate::emit::OutputFile],
    rename: &dyn Fn(&Path, &Path) -> io::Result<()>,
) -> Result<Vec<PathBuf>, WriteError> {
    let err = |path: &Path, source| WriteError {
        path: path.to_path_buf(),
        source,
    };
    fs::create_dir_all(dir).map_err(|e| err(dir, e))?;
    let lock = FolderLock::acquire(dir).map_err(|e| err(dir, e))?;
    // A final name taken by a folder would make a rename fail half-way: refuse up front.
    for file in files {
        let target = dir.join(&file.name);
        if target.is_dir() {
            return Err(err(
                &target,
                io::Error::other("a folder has the output's name"),
            ));
        }
    }
    remove_stale(dir, files, lock.held);

    let mut staged: Vec<(PathBuf, PathBuf)> = Vec::new();
    for file in files {
        let target = dir.join(&file.name);
        let temp = dir.join(unique_name(&file.name, "tmp"));
        let result = (|| {
            let mut f = fs::File::create_new(&temp)?;
            f.write_all(&file.bytes)?;
            f.sync_all()
        })();
        staged.push((temp, target.clone()));
        if let Err(e) = result {
            discard(&staged);
            return Err(err(&target, e));
        }
    }

    // Rename each temporary over its final name, keeping the file it replaces.
    let mut done: Vec<(PathBuf, Option<PathBuf>)> = Vec::new();
    for (i, (temp, target)) in staged.iter().enumerate() {
        let step = (|| {
            let backup = match fs::symlink_metadata(target) {
                Ok(_) => {
                    let name = target
                        .file_name()
                        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
                    let backup = dir.join(unique_name(&name, "old"));
                    fs::hard_link(target, &backup)
                        .or_else(|_| fs::copy(target, &backup).map(|_| ()))?;
                    Some(backup)
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => None,
                Err(e) => return Err(e),
            };
            match rename(temp, target) {
                Ok(()) => Ok(backup),
                Err(e) => {
                    if let Some(backup) = &backup {
                        let _ = fs::remove_file(backup);
                    }
                    Err(e)
                }
            }
        })();
        match step {
            Ok(backup) => done.push((target.clone(), backup)),
            Err(e) => {
                discard(&staged[i..]);
                let restored = roll_back(&done);
                let source = match restored {
                    Ok(()) => e,
                    Err(why) => io::Error::new(
                        e.kind(),
                        format!("{e}; putting the previous outputs back failed too: {why}"),
                    ),
                };
                return Err(err(target, source));
            }
        }
    }
    for (_, backup) in &done {
        if let Some(backup) = backup {
            let _ = fs::remove_file(backup);
        }
    }
    // Make the renames themselves durable before saying they happened.
    if let Ok(folder) = fs::File::open(dir) {
        let _ = folder.sync_all();
    }
    drop(lock);
    Ok(done.into_iter().map(|(target, _)| target).collect())
}

/// Puts back the previous file of every output already replaced (newest first); an output
/// that did not exist before is removed.
fn roll_back(done: &[(PathBuf, Option<PathBuf>)]) -> Result<(), String> {
    let mut failures = Vec::new();
    for (target, backup) in done.iter().rev() {
        let result = match backup {
            Some(backup) => fs::rename(backup, target),
            None => fs::remove_file(target),
        };
        if let Err(e) = result {
            failures.push(format!("{}: {e}", target.display()));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("; "))
    }
}

/// Removes the temporaries of a failed write.
fn discard(staged: &[(PathBuf, PathBuf)]) {
    for (temp, _) in staged {
        let _ = fs::remove_file(temp);
    }
}

/// `.<name>.<kind>-<pid>-<n>`: unique within the process (n counts up) and across live
/// processes (pid).
fn unique_name(name: &str, kind: &str) -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    format!(".{name}.{kind}-{}-{n}", std::process::id())
}

/// Removes the temporaries and kept previous files of these outputs that a build which
/// died left behind: all of them while the folder lock is held (a live build holds it
/// while its own exist), else only those older than [`STALE_AFTER`].
fn remove_stale(dir: &Path, files: &[crate::emit::OutputFile], locked: bool) {
    let Ok(entries) = fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let ours = files.iter().any(|f| {
            let prefix = format!(".{}.", f.name);
            name.strip_prefix(&prefix)
                .is_some_and(|rest| rest.starts_with("tmp-") || rest.starts_with("old-"))
        });
        if !ours {
            continue;
        }
        let old_enough = || {
            entry
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > STALE_AFTER)
        };
        if locked || old_enough() {
            let _ = fs::remove_file(entry.path());
        }
    }
}

/// An exclusive advisory lock on the output folder, released when dropped (or when the
/// process dies). `held` is false where the file system offers no lock: the write goes on
/// without one (temporary names stay unique), and stale files are then removed by age.
struct FolderLock {
    /// Keeps the locked descriptor open; closing it releases the lock.
    _folder: Option<fs::File>,
    held: bool,
}

impl FolderLock {
    #[cfg(unix)]
    fn acquire(dir: &Path) -> io::Result<FolderLock> {
        use std::os::unix::io::AsRawFd;
        let folder = fs::File::open(dir)?;
        loop {
            // SAFETY: flock only reads the descriptor, which `folder` keeps open.
            let rc = unsafe { libc::flock(folder.as_raw_fd(), libc::LOCK_EX) };
            if rc == 0 {
                return Ok(FolderLock {
                    _folder: Some(folder),
                    held: true,
                });
            }
            let e = io::Error::last_os_error();
            match e.raw_os_error() {
                Some(libc::EINTR) => continue,
                Some(libc::ENOLCK | libc::EOPNOTSUPP) => {
                    return Ok(FolderLock {
                        _folder: None,
                        held: false,
                    })
                }
                _ => return Err(e),
            }
        }
    }

    #[cfg(not(unix))]
    fn acquire(_dir: &Path) -> io::Result<FolderLock> {
        Ok(FolderLock {
            _folder: None,
            held: false,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::OutputFile;

    fn outputs(version: &str) -> Vec<OutputFile> {
        ["a.docx", "a.html", "a.changelog.txt"]
            .iter()
            .map(|name| OutputFile {
                name: (*name).to_string(),
                bytes: format!("{name} {version}").into_bytes(),
            })
            .collect()
    }

    fn folder(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("supplement-write-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    fn contents(dir: &Path) -> Vec<(String, String)> {
        let mut files: Vec<(String, String)> = fs::read_dir(dir)
            .expect("dir")
            .flatten()
            .map(|e| {
                (
                    e.file_name().to_string_lossy().into_owned(),
                    fs::read_to_string(e.path()).unwrap_or_default(),
                )
            })
            .collect();
        files.sort();
        files
    }

    #[test]
    fn a_failed_rename_puts_the_renamed_outputs_back() {
        // Intent: when the second rename fails, the first output is the previous file
        // again, the third untouched, and no temporary or kept copy is left behind.
        let dir = folder("rollback");
        write_all_atomic(&dir, &outputs("v1")).expect("first build");
        let before = contents(&dir);
        let calls = std::cell::Cell::new(0);
        let failing = |from: &Path, to: &Path| {
            calls.set(calls.get() + 1);
            if calls.get() == 2 {
                Err(io::Error::other("immutable"))
            } else {
                fs::rename(from, to)
            }
        };
        let e = write_all_with(&dir, &outputs("v2"), &failing).expect_err("fails");
        assert!(e.path.ends_with("a.html"), "{e}");
        assert_eq!(contents(&dir), before);
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_failed_rename_removes_outputs_that_did_not_exist() {
        // Intent: on a first build, a failed rename leaves the folder as empty as it was.
        let dir = folder("rollback-new");
        let calls = std::cell::Cell::new(0);
        let failing = |from: &Path, to: &Path| {
            calls.set(calls.get() + 1);
            if calls.get() == 3 {
                Err(io::Error::other("disk full"))
            } else {
                fs::rename(from, to)
            }
        };
        assert!(write_all_with(&dir, &outputs("v1"), &failing).is_err());
        assert_eq!(contents(&dir), Vec::<(String, String)>::new());
        let _ = fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_stale_temporaries_of_these_outputs_are_removed() {
        // Intent: a dead build's temporaries and kept copies of our outputs go; other
        // files, dot-files included, stay.
        let dir = folder("stale");
        fs::create_dir_all(&dir).expect("dir");
        for name in [
            ".a.docx.tmp-1-0",
            ".a.html.old-1-3",
            ".b.docx.tmp-1-0",
            ".keep",
            "notes.txt",
        ] {
            fs::write(dir.join(name), "x").expect("write");
        }
        write_all_atomic(&dir, &outputs("v1")).expect("build");
        let names: Vec<String> = contents(&dir).into_iter().map(|(n, _)| n).collect();
        assert_eq!(
            names,
            [
                ".b.docx.tmp-1-0",
                ".keep",
                "a.changelog.txt",
                "a.docx",
                "a.html",
                "notes.txt"
            ]
        );
        let _ = fs::remove_dir_all(&dir);
    }
}
