//! Finding the manuscript folder, the way cargo finds its manifest: the folder named on the
//! command line (positional `DIR` or `-m DIR`); else the current folder when it holds
//! `supplement.toml`; else `./manuscript` when it does; else the nearest parent folder that
//! does. Every way of not finding one is a usage error with a hint naming `-m`.

use std::path::{Path, PathBuf};

use crate::load::SUPPLEMENT_FILE;

use super::UsageError;

/// The default manuscript folder, tried when the current folder is not a manuscript.
pub const DEFAULT_DIR: &str = "manuscript";

/// The manuscript folder to use: `explicit` when given (checked), else the one found from
/// `cwd`. Paths found are relative to `cwd` (`.`, `manuscript`, `..`, `../..`), so
/// diagnostics name files as the user reaches them.
pub fn manuscript(explicit: Option<&Path>, cwd: &Path) -> Result<PathBuf, UsageError> {
    if let Some(dir) = explicit {
        check_explicit(&cwd.join(dir), dir)?;
        return Ok(dir.to_path_buf());
    }
    if cwd.join(SUPPLEMENT_FILE).is_file() {
        return Ok(PathBuf::from("."));
    }
    if cwd.join(DEFAULT_DIR).join(SUPPLEMENT_FILE).is_file() {
        return Ok(PathBuf::from(DEFAULT_DIR));
    }
    let mut up = PathBuf::new();
    for parent in cwd.ancestors().skip(1) {
        up.push("..");
        if parent.join(SUPPLEMENT_FILE).is_file() {
            return Ok(up);
        }
    }
    Err(UsageError::new(format!(
        "no {SUPPLEMENT_FILE} here: not in the current folder, nor in ./{DEFAULT_DIR}, nor in any parent folder"
    ))
    .with_hint(
        "run inside a manuscript folder, name one (`supplement check DIR` or `-m DIR`), or start one with `supplement init DIR`",
    ))
}

/// Checks a folder named on the command line (`at` is where it is, `shown` how it was
/// written).
fn check_explicit(at: &Path, shown: &Path) -> Result<(), UsageError> {
    let shown_text = shown.display();
    let meta = match std::fs::metadata(at) {
        Ok(meta) => meta,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(UsageError::new(format!(
                "manuscript folder `{shown_text}` does not exist"
            ))
            .with_hint(
                "name the folder that holds supplement.toml with `-m DIR`, or start one with `supplement init DIR`",
            ));
        }
        Err(e) => {
            return Err(UsageError::new(format!(
                "cannot read manuscript folder `{shown_text}`: caused by: {e}"
            )));
        }
    };
    if !meta.is_dir() {
        let parent = shown
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let hint = if shown.file_name().is_some_and(|n| n == SUPPLEMENT_FILE) {
            format!("name the folder, not the file: `-m {}`", parent.display())
        } else {
            format!(
                "`-m` takes the folder that holds {SUPPLEMENT_FILE}, e.g. `-m {}`",
                parent.display()
            )
        };
        return Err(UsageError::new(format!("`{shown_text}` is not a folder")).with_hint(hint));
    }
    if !at.join(SUPPLEMENT_FILE).is_file() {
        return Err(UsageError::new(format!(
            "no {SUPPLEMENT_FILE} in `{shown_text}`: it is not a manuscript folder"
        ))
        .with_hint(format!(
            "name the folder that holds {SUPPLEMENT_FILE} with `-m DIR`, or start a manuscript there with `supplement init {shown_text}`"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("supplement-locate-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp");
        dir
    }

    #[test]
    fn the_nearest_manuscript_is_found_from_a_sub_folder() {
        // Intent: the current folder first, then ./manuscript, then the nearest parent.
        let root = temp("found");
        std::fs::write(root.join(SUPPLEMENT_FILE), "").expect("write");
        let deep = root.join("parts/a/b");
        std::fs::create_dir_all(&deep).expect("deep");
        assert_eq!(
            manuscript(None, &deep).expect("found"),
            PathBuf::from("../../..")
        );
        assert_eq!(manuscript(None, &root).expect("found"), PathBuf::from("."));
        let outer = temp("outer");
        std::fs::create_dir_all(outer.join(DEFAULT_DIR)).expect("dir");
        std::fs::write(outer.join(DEFAULT_DIR).join(SUPPLEMENT_FILE), "").expect("write");
        assert_eq!(
            manuscript(None, &outer).expect("found"),
            PathBuf::from(DEFAULT_DIR)
        );
    }

    #[test]
    fn a_file_is_not_a_folder() {
        // Intent: `-m some-file` says it is not a folder (not "does not exist"), with `-m`.
        let root = temp("file");
        std::fs::write(root.join(SUPPLEMENT_FILE), "").expect("write");
        let e = manuscript(Some(Path::new("supplement.toml")), &root).expect_err("a file");
        assert_eq!(e.message, "`supplement.toml` is not a folder");
        assert_eq!(
            e.hint.as_deref(),
            Some("name the folder, not the file: `-m .`")
        );
    }
}
