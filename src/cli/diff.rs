//! `supplement diff`: what changed between two versions of a manuscript — two folders, a
//! git revision and the working tree, or two revisions.

use std::io::IsTerminal;
use std::path::PathBuf;

use crate::diff::{self, git, render, Side};
use crate::Checked;

use super::{CommonArgs, DiffArgs, DiffFormat, FormatArg, EXIT_OK, EXIT_USAGE};

/// Exit code of `--exit-code` when the versions differ (as `git diff --exit-code`).
const EXIT_DIFFERENT: u8 = 1;

/// One version, loaded and checked, with the name it is shown under.
pub(super) struct Version {
    /// The manuscript, checked.
    pub checked: Checked,
    /// How it is named: the folder, or `REV:folder/`.
    pub label: String,
}

/// Where a version comes from.
pub(super) enum Source {
    /// A folder on disk.
    Folder(PathBuf),
    /// The manuscript folder as it was at a git revision.
    Git {
        /// The manuscript folder (in a git work tree).
        dir: PathBuf,
        /// The revision.
        rev: String,
    },
}

impl Source {
    /// Loads and checks the version. A folder or revision that cannot be read is an error
    /// message; a manuscript with errors is returned with its diagnostics.
    pub(super) fn load(&self) -> Result<Version, String> {
        match self {
            Source::Folder(dir) => Ok(Version {
                checked: crate::check(dir).map_err(|e| e.to_string())?,
                label: dir.display().to_string(),
            }),
            Source::Git { dir, rev } => {
                let checkout = git::checkout(dir, rev).map_err(|e| e.to_string())?;
                let mut checked = crate::check(&checkout.dir).map_err(|e| match e {
                    crate::load::LoadError::NoSupplement(_) => {
                        format!(
                            "{} has no {}",
                            checkout.prefix,
                            crate::load::SUPPLEMENT_FILE
                        )
                    }
                    other => other.to_string(),
                })?;
                checked.sources.rename_prefix(
                    &format!("{}{}", checkout.dir.display(), std::path::MAIN_SEPARATOR),
                    &checkout.prefix,
                );
                Ok(Version {
                    checked,
                    label: rev.clone(),
                })
            }
        }
    }
}

/// The two versions the arguments name: `OLD NEW` folders, `--git REV` (against the
/// manuscript folder as it is), or `--git A..B`.
fn sources(args: &DiffArgs) -> Result<(Source, Source), String> {
    let dir = args.manuscript.clone();
    match (&args.git, args.old.as_ref(), args.new.as_ref()) {
        (Some(spec), None, None) => match spec.split_once("..") {
            Some((a, b)) => {
                let a = if a.is_empty() { "HEAD" } else { a };
                let b = if b.is_empty() { "HEAD" } else { b };
                Ok((
                    Source::Git {
                        dir: dir.clone(),
                        rev: a.to_string(),
                    },
                    Source::Git {
                        dir,
                        rev: b.to_string(),
                    },
                ))
            }
            None => Ok((
                Source::Git {
                    dir: dir.clone(),
                    rev: spec.clone(),
                },
                Source::Folder(dir),
            )),
        },
        (None, Some(old), Some(new)) => {
            Ok((Source::Folder(old.clone()), Source::Folder(new.clone())))
        }
        (Some(_), _, _) => Err("give either --git REV[..REV] or two folders, not both".into()),
        _ => Err("give two manuscript folders (OLD NEW), or --git REV[..REV]".into()),
    }
}

/// Runs the command.
pub(super) fn run(args: &DiffArgs) -> u8 {
    let (old_source, new_source) = match sources(args) {
        Ok(s) => s,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let mut versions = Vec::new();
    for source in [&old_source, &new_source] {
        match source.load() {
            Ok(v) => versions.push(v),
            Err(message) => {
                eprintln!("error: {message}");
                return EXIT_USAGE;
            }
        }
    }
    let [old, new] = <[Version; 2]>::try_from(versions).unwrap_or_else(|_| unreachable!());
    // Both sides must be valid: a side with errors is shown with its diagnostics, and
    // nothing is compared.
    let mut broken = false;
    for v in [&old, &new] {
        if !v.checked.is_ok() {
            broken = true;
            let common = CommonArgs {
                manuscript: PathBuf::from(&v.label),
                message_format: match args.message_format {
                    DiffFormat::Json => FormatArg::Json,
                    DiffFormat::Github => FormatArg::Github,
                    DiffFormat::Human | DiffFormat::Markdown => FormatArg::Human,
                },
                deny_warnings: false,
            };
            super::print_diagnostics(&v.checked.diagnostics, &v.checked.sources, &common);
        }
    }
    if broken {
        eprintln!("error: a version has errors; nothing was compared");
        return EXIT_USAGE;
    }
    fn side(v: &Version) -> Option<(Side<'_>, &crate::view::DocumentView)> {
        let model = v.checked.supplement.as_ref()?;
        let view = v.checked.view.as_ref()?;
        Some((
            Side {
                model,
                view,
                sources: &v.checked.sources,
            },
            view,
        ))
    }
    let (Some((old_side, old_view)), Some((new_side, new_view))) = (side(&old), side(&new)) else {
        return EXIT_USAGE;
    };
    let mut changes = diff::diff(old_side, new_side);
    if args.message_format == DiffFormat::Github {
        // Annotations name files as the repository does: a revision's files without `REV:`.
        if let Source::Git { rev, .. } = &new_source {
            let prefix = format!("{rev}:");
            for c in &mut changes {
                if let Some(l) = &mut c.new_location {
                    if let Some(rest) = l.file.strip_prefix(&prefix) {
                        l.file = rest.to_string();
                    }
                }
            }
        }
    }
    let labels = &new_view.labels;
    let text = match args.message_format {
        DiffFormat::Human => {
            let color = std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none();
            render::human(labels, &changes, new_view, old_view, color)
        }
        DiffFormat::Json => render::json(&changes),
        DiffFormat::Markdown => {
            let title = crate::labels::fill(&labels.changes.since, &[("since", &old.label)]);
            render::markdown(labels, &title, &changes, new_view, old_view)
        }
        DiffFormat::Github => render::github(labels, &changes),
    };
    let code = super::dump::print_raw(&text);
    if code != EXIT_OK {
        return code;
    }
    if args.exit_code && !changes.is_empty() {
        EXIT_DIFFERENT
    } else {
        EXIT_OK
    }
}
