//! `supplement diff`: what changed between two versions of a manuscript — two folders, a
//! git revision and the working tree, or two revisions.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diff::{self, git, render, Side};
use crate::Checked;

use super::{DiffArgs, DiffFormat, GlobalArgs, Reporter, UsageError, EXIT_OK, EXIT_USAGE};

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
#[derive(Debug)]
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
    /// The commit date of a revision (`YYYY-MM-DD`); `None` for a folder.
    pub(super) fn date(&self) -> Option<String> {
        match self {
            Source::Folder(_) => None,
            Source::Git { dir, rev } => git::commit_date(dir, rev).ok(),
        }
    }

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
fn sources(args: &DiffArgs) -> anyhow::Result<(Source, Source)> {
    match (&args.git, args.old.as_ref(), args.new.as_ref()) {
        (Some(spec), None, None) => {
            let cwd = std::env::current_dir()
                .map_err(|e| anyhow::Error::new(e).context("cannot read the current folder"))?;
            let dir = super::locate::manuscript(args.manuscript.as_deref(), &cwd)?;
            Ok(match spec.split_once("..") {
                Some((a, b)) => {
                    let a = if a.is_empty() { "HEAD" } else { a };
                    let b = if b.is_empty() { "HEAD" } else { b };
                    (
                        Source::Git {
                            dir: dir.clone(),
                            rev: a.to_string(),
                        },
                        Source::Git {
                            dir,
                            rev: b.to_string(),
                        },
                    )
                }
                None => (
                    Source::Git {
                        dir: dir.clone(),
                        rev: spec.clone(),
                    },
                    Source::Folder(dir),
                ),
            })
        }
        (None, Some(old), Some(new)) => {
            Ok((Source::Folder(old.clone()), Source::Folder(new.clone())))
        }
        (Some(_), _, _) => {
            Err(UsageError::new("give either --git REV[..REV] or two folders, not both").into())
        }
        _ => Err(
            UsageError::new("give two manuscript folders (OLD NEW), or --git REV[..REV]")
                .with_hint("`supplement diff --help` shows examples")
                .into(),
        ),
    }
}

/// Runs the command.
pub(super) fn run(args: &DiffArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    let (old_source, new_source) = sources(args)?;
    // The two versions load side by side (each is a whole check).
    let (old, new) = std::thread::scope(|scope| {
        let old = scope.spawn(|| old_source.load());
        let new = new_source.load();
        (old.join(), new)
    });
    let old = old
        .map_err(|_| anyhow::anyhow!("loading the old version failed"))?
        .map_err(UsageError::new)?;
    let new = new.map_err(UsageError::new)?;
    // Both sides must be valid: a side with errors is shown with its diagnostics, and
    // nothing is compared.
    let reporter = Reporter::new(
        global,
        match args.message_format {
            DiffFormat::Json => crate::diagnostics::MessageFormat::Json,
            DiffFormat::Github => crate::diagnostics::MessageFormat::Github,
            DiffFormat::Human | DiffFormat::Markdown => crate::diagnostics::MessageFormat::Human,
        },
    );
    let mut broken = false;
    for v in [&old, &new] {
        if !v.checked.is_ok() {
            broken = true;
            reporter.diagnostics(
                &v.checked.diagnostics,
                &v.checked.sources,
                Path::new(&v.label),
            );
        }
    }
    if broken {
        eprintln!("error: a version has errors; nothing was compared");
        return Ok(EXIT_USAGE);
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
        return Ok(EXIT_USAGE);
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
            let color = super::report::color_enabled(global.color, std::io::stdout().is_terminal());
            render::human(labels, &changes, new_view, old_view, color)
        }
        DiffFormat::Json => render::json(&changes),
        DiffFormat::Markdown => {
            let title = crate::labels::fill(&labels.changes.since, &[("since", &old.label)]);
            render::markdown(labels, &title, &changes, new_view, old_view)
        }
        DiffFormat::Github => render::github(labels, &changes),
    };
    super::report::stdout_write(&text);
    if args.exit_code && !changes.is_empty() {
        Ok(EXIT_DIFFERENT)
    } else {
        Ok(EXIT_OK)
    }
}
