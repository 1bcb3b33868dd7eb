//! `supplement import`: a mind map (`.mm`, `.opml`, `.xmind`, `.mmap`) into a manuscript
//! folder that `check` accepts. See `convert` for what maps to what, `recognise` for the
//! conventions read, `read` for the formats and their limits.
//!
//! Nothing is written unless the whole import succeeds: the map is read and converted in
//! memory, the files are written into a fresh folder next to the output, that folder is
//! checked like any manuscript, and only then does it take the output's place.

pub mod convert;
pub mod manuscript;
pub mod read;
pub mod recognise;
pub mod text;
pub mod write;
pub mod xml;

use std::path::{Path, PathBuf};

pub use convert::Placement;

/// Why an import did not happen.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The map cannot be read or is refused (too large, malformed, hostile).
    #[error("{path}: {message}")]
    Map {
        /// The map file.
        path: String,
        /// What is wrong, with the line and column or the node's path when known.
        message: String,
    },
    /// The output folder cannot be used.
    #[error("{0}")]
    Output(String),
    /// The manuscript made from the map does not pass `check` (a bug of the import).
    #[error("the manuscript made from {path} does not pass check:\n{diagnostics}")]
    Check {
        /// The map file.
        path: String,
        /// The diagnostics, as text.
        diagnostics: String,
    },
}

impl ImportError {
    /// True for problems of the map (exit 1); false for usage and I/O (exit 2).
    pub fn is_map(&self) -> bool {
        matches!(self, ImportError::Map { .. } | ImportError::Check { .. })
    }
}

/// What an import did.
#[derive(Debug)]
pub struct Report {
    /// Nodes read from the map.
    pub nodes: usize,
    /// Where each went.
    pub placements: Vec<Placement>,
    /// What could not be typed.
    pub warnings: Vec<String>,
    /// The files written (relative to the output folder).
    pub files: Vec<String>,
    /// Warnings `check` gives on the new manuscript.
    pub check_warnings: usize,
}

/// Imports `input` into the manuscript folder `out`; a folder that exists and is not
/// empty is refused unless `force` (then its manuscript files are replaced and the rest
/// left as it was).
pub fn import(input: &Path, out: &Path, force: bool) -> Result<Report, ImportError> {
    let shown = input.display().to_string();
    let map_error = |message: String| ImportError::Map {
        path: shown.clone(),
        message,
    };
    let format = read::Format::of(input).ok_or_else(|| {
        map_error("not a mind map this program reads (.mm, .opml, .xmind or .mmap)".into())
    })?;
    let existing = out.exists();
    if existing {
        if !out.is_dir() {
            return Err(ImportError::Output(format!(
                "{} exists and is not a folder",
                out.display()
            )));
        }
        let empty = std::fs::read_dir(out)
            .map_err(|e| ImportError::Output(format!("{}: {e}", out.display())))?
            .next()
            .is_none();
        if !empty && !force {
            return Err(ImportError::Output(format!(
                "{} is not empty: import into a new folder, or pass --force to replace its manuscript files",
                out.display()
            )));
        }
    }

    let conventions = crate::conventions::Conventions::builtin();
    let map = read::read(input, format, &conventions).map_err(map_error)?;
    let stem = input
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default()
        .to_string();
    let nodes = count(&map.root);
    let converted = convert::convert(&map.root, &stem);
    let source = input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let files = write::files(&converted.manuscript, &source);

    // Write into a fresh folder beside the output, check it, then move it into place.
    let staging = staging_dir(out)?;
    let result = (|| {
        for (name, text) in &files {
            let path = staging.join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| ImportError::Output(format!("{}: {e}", parent.display())))?;
            }
            std::fs::write(&path, text)
                .map_err(|e| ImportError::Output(format!("{}: {e}", path.display())))?;
        }
        let checked = crate::check(&staging)
            .map_err(|e| ImportError::Output(format!("{}: {e}", staging.display())))?;
        if !checked.is_ok() {
            let text = crate::diagnostics::render(
                &checked.diagnostics,
                &checked.sources,
                crate::diagnostics::MessageFormat::Human,
                false,
            );
            return Err(ImportError::Check {
                path: shown.clone(),
                diagnostics: text,
            });
        }
        let (_, warnings) = crate::diagnostics::counts(&checked.diagnostics);
        Ok(warnings)
    })();
    let check_warnings = match result {
        Ok(w) => w,
        Err(e) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    let moved = if existing {
        replace_into(&staging, out)
    } else {
        std::fs::rename(&staging, out)
            .map_err(|e| ImportError::Output(format!("{}: {e}", out.display())))
    };
    let _ = std::fs::remove_dir_all(&staging);
    moved?;
    let mut warnings = map.warnings;
    warnings.extend(converted.warnings);
    Ok(Report {
        nodes,
        placements: converted.placements,
        warnings,
        files: files.into_iter().map(|(n, _)| n).collect(),
        check_warnings,
    })
}

fn count(root: &read::MapNode) -> usize {
    let mut n = 0;
    let mut stack = vec![root];
    while let Some(x) = stack.pop() {
        n += 1;
        stack.extend(x.children.iter());
    }
    n
}

/// A new empty folder beside `out` for the files before they are checked.
fn staging_dir(out: &Path) -> Result<PathBuf, ImportError> {
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = out
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "manuscript".into());
    std::fs::create_dir_all(parent)
        .map_err(|e| ImportError::Output(format!("{}: {e}", parent.display())))?;
    for n in 0..1000 {
        let dir = parent.join(format!(".{name}.import-{}-{n}", std::process::id()));
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(ImportError::Output(format!("{}: {e}", dir.display()))),
        }
    }
    Err(ImportError::Output(format!(
        "no temporary folder could be made beside {}",
        out.display()
    )))
}

/// Moves the checked files into an existing folder: its `parts/*.toml` (which the loader
/// would read) are removed first; other files stay.
fn replace_into(staging: &Path, out: &Path) -> Result<(), ImportError> {
    let io = |p: &Path, e: std::io::Error| ImportError::Output(format!("{}: {e}", p.display()));
    let parts = out.join(crate::load::PARTS_DIR);
    if parts.is_dir() {
        for entry in std::fs::read_dir(&parts).map_err(|e| io(&parts, e))? {
            let path = entry.map_err(|e| io(&parts, e))?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                std::fs::remove_file(&path).map_err(|e| io(&path, e))?;
            }
        }
    }
    let old_refs = out.join(crate::load::REFERENCES_FILE);
    if old_refs.is_file() && !staging.join(crate::load::REFERENCES_FILE).exists() {
        std::fs::remove_file(&old_refs).map_err(|e| io(&old_refs, e))?;
    }
    let mut stack = vec![PathBuf::new()];
    while let Some(rel) = stack.pop() {
        let from = staging.join(&rel);
        for entry in std::fs::read_dir(&from).map_err(|e| io(&from, e))? {
            let entry = entry.map_err(|e| io(&from, e))?;
            let name = rel.join(entry.file_name());
            let target = out.join(&name);
            if entry.path().is_dir() {
                std::fs::create_dir_all(&target).map_err(|e| io(&target, e))?;
                stack.push(name);
            } else {
                std::fs::rename(entry.path(), &target).map_err(|e| io(&target, e))?;
            }
        }
    }
    Ok(())
}
