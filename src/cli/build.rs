//! `supplement build`: check, render every requested format in memory, then write the
//! files atomically. Nothing is written unless every format rendered.

use crate::emit::{self, Emitter, RenderOptions};
use crate::external::ExternalEmitter;

use super::{
    keep_until_exit, report, write, BuildArgs, GlobalArgs, Reporter, UsageError, EXIT_MANUSCRIPT,
    EXIT_OK,
};

/// Runs the command: `Ok` with exit code 0 or 1, `Err` for a usage or I/O error.
pub(super) fn run(args: &BuildArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    super::allocator::share_arenas();
    let reporter = Reporter::new(global, args.common.message_format.into());
    let chosen = select_formats(&args.format)?;
    let options = render_options()?;
    let manuscript = args.common.manuscript.locate()?;
    reporter.detail(&format!("manuscript: {}", manuscript.display()));
    let checked = crate::check(&manuscript)?;
    if !report(&checked, &args.common, &reporter, &manuscript) {
        eprintln!("error: build stopped; nothing was written");
        return Ok(EXIT_MANUSCRIPT);
    }
    let mut checked = checked;
    if let Some(since) = &args.since {
        if !attach_changes(&mut checked, since, &manuscript, &reporter)? {
            eprintln!("error: build stopped; nothing was written");
            return Ok(EXIT_MANUSCRIPT);
        }
    }
    // The emitters read only the view: the model is needed below for the manuscript's
    // external emitters, then freed before rendering so that its memory serves the
    // outputs (about a sixth of the peak at scale 100, for 2% of the time).
    let Some(model) = checked.supplement.take() else {
        return Ok(EXIT_MANUSCRIPT);
    };
    let Some(view) = &checked.view else {
        return Ok(EXIT_MANUSCRIPT);
    };
    let (errors, warnings) = crate::diagnostics::counts(&checked.diagnostics);
    // Names that are not built in are external emitters: the manuscript's, else on PATH.
    let mut externals: Vec<ExternalEmitter> = Vec::new();
    for format in &chosen {
        if let Format::External(name) = format {
            match ExternalEmitter::resolve(name, &model.emitters, &manuscript, &args.out) {
                Some(e) => externals.push(e),
                None => {
                    let names: Vec<&str> = emit::REGISTRY.iter().map(|e| e.name()).collect();
                    let hint = crate::diagnostics::did_you_mean(name, names.iter().copied())
                        .map(|h| format!(" ({h})"))
                        .unwrap_or_default();
                    return Err(UsageError::new(format!(
                        "unknown format {name:?}{hint}: not built in ({}, all), not declared under [emitters.{name}] in supplement.toml, and no {}{name} on PATH",
                        available(),
                        crate::external::PREFIX
                    ))
                    .with_hint("`supplement formats` lists the formats")
                    .into());
                }
            }
        }
    }
    drop(model);
    let mut next_external = externals.iter();
    let emitters: Vec<&dyn Emitter> = chosen
        .iter()
        .filter_map(|f| match f {
            Format::BuiltIn(e) => Some(*e),
            Format::External(_) => next_external.next().map(|e| e as &dyn Emitter),
        })
        .collect();

    let files = match emit::render_all(&emitters, view, &checked.styles, &options) {
        Ok(files) => files,
        Err((name, e)) => {
            // A style override that fails is the manuscript's error, located like any other.
            match crate::style_diagnostic(&checked.sources, &name, &e) {
                Some(d) => reporter.diagnostics(&[d], &checked.sources, &manuscript),
                None => match &e {
                    emit::EmitError::External { diagnostics, .. } => {
                        eprintln!("error: {e}");
                        show_external(
                            &name,
                            diagnostics,
                            &[],
                            &checked.sources,
                            &reporter,
                            &manuscript,
                        );
                    }
                    _ => eprintln!("error: {name} output failed: {e}"),
                },
            }
            eprintln!("error: build stopped; nothing was written");
            reporter.finished(false, errors + 1, warnings, false);
            return Ok(EXIT_MANUSCRIPT);
        }
    };
    for e in &externals {
        let (diagnostics, lines) = e.take_reported();
        show_external(
            &e.name,
            &diagnostics,
            &lines,
            &checked.sources,
            &reporter,
            &manuscript,
        );
    }
    reporter.detail(&format!(
        "rendered {}",
        emitters
            .iter()
            .map(|e| e.name())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    let paths = write::write_all_atomic(&args.out, &files)?;
    for (path, file) in paths.iter().zip(&files) {
        reporter.wrote(path, file.bytes.len());
    }
    reporter.finished(true, errors, warnings, false);
    keep_until_exit((checked, files));
    Ok(EXIT_OK)
}

/// Adds the 変更点 appendix to the view: the changes since `since`, a manuscript folder
/// when there is one at that path, else a git revision of the manuscript folder. `false`
/// when that version has errors (shown).
fn attach_changes(
    checked: &mut crate::Checked,
    since: &str,
    manuscript: &std::path::Path,
    reporter: &Reporter,
) -> anyhow::Result<bool> {
    let folder = std::path::Path::new(since);
    let source = if folder.join(crate::load::SUPPLEMENT_FILE).is_file() {
        super::diff::Source::Folder(folder.to_path_buf())
    } else {
        super::diff::Source::Git {
            dir: manuscript.to_path_buf(),
            rev: since.to_string(),
        }
    };
    let old = source.load().map_err(UsageError::new)?;
    if !old.checked.is_ok() {
        reporter.diagnostics(
            &old.checked.diagnostics,
            &old.checked.sources,
            std::path::Path::new(&old.label),
        );
        eprintln!("error: the version --since names has errors");
        return Ok(false);
    }
    let (Some(old_model), Some(old_view), Some(model), Some(view)) = (
        old.checked.supplement.as_ref(),
        old.checked.view.as_ref(),
        checked.supplement.as_ref(),
        checked.view.as_ref(),
    ) else {
        return Ok(false);
    };
    let changes = crate::diff::diff(
        crate::diff::Side {
            model: old_model,
            view: old_view,
            sources: &old.checked.sources,
        },
        crate::diff::Side {
            model,
            view,
            sources: &checked.sources,
        },
    );
    let date = source.date().map(|d| {
        crate::load::parse_date(&d)
            .map(|p| crate::view::format::date(p, &view.labels).text)
            .unwrap_or(d)
    });
    let appendix =
        crate::diff::render::appendix(&changes, view, old_view, &old.label, date.as_deref());
    reporter.detail(&format!("{} changes since {}", changes.len(), old.label));
    if let Some(view) = checked.view.as_mut() {
        view.attach_changes(appendix);
    }
    Ok(true)
}

/// What an external emitter printed on stderr: its diagnostics (located when they name a
/// manuscript file) and its other lines, each marked with its name.
fn show_external(
    name: &str,
    diagnostics: &[crate::external::ExternalDiagnostic],
    lines: &[String],
    sources: &crate::diagnostics::Sources,
    reporter: &Reporter,
    manuscript: &std::path::Path,
) {
    let (located, plain) = crate::external_diagnostics(sources, name, diagnostics);
    for line in plain {
        eprintln!("{line}");
    }
    // Enough to see what it said; a chatty program does not flood the terminal.
    const SHOWN: usize = 40;
    for line in lines.iter().take(SHOWN) {
        eprintln!("{name}: {line}");
    }
    if lines.len() > SHOWN {
        eprintln!("{name}: … {} more lines of stderr", lines.len() - SHOWN);
    }
    if !located.is_empty() {
        reporter.diagnostics(&located, sources, manuscript);
    }
}

/// A format asked for: built in, or a name to resolve as an external emitter once the
/// manuscript (which may declare it) is loaded.
enum Format {
    BuiltIn(&'static dyn Emitter),
    External(String),
}

/// Resolves `--format`: a comma-separated list of format names, or `all`.
fn select_formats(list: &str) -> Result<Vec<Format>, UsageError> {
    let mut chosen: Vec<Format> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        let found: Vec<&'static dyn Emitter> = if name == "all" {
            emit::REGISTRY
                .iter()
                .copied()
                .filter(|e| e.in_all())
                .collect()
        } else {
            emit::find(name).into_iter().collect()
        };
        if found.is_empty() {
            if !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
            {
                return Err(UsageError::new(format!(
                    "{name:?} is not a format name (letters, digits, - and _); available: {}, all",
                    available()
                )));
            }
            if !seen.iter().any(|s| s == name) {
                seen.push(name.to_string());
                chosen.push(Format::External(name.to_string()));
            }
        }
        for e in found {
            if !seen.iter().any(|s| s == e.name()) {
                seen.push(e.name().to_string());
                chosen.push(Format::BuiltIn(e));
            }
        }
    }
    if chosen.is_empty() {
        return Err(UsageError::new(format!(
            "no format given; available: {}, all",
            available()
        )));
    }
    Ok(chosen)
}

fn available() -> String {
    emit::REGISTRY
        .iter()
        .map(|e| e.name())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Reads `SOURCE_DATE_EPOCH` (reproducible builds): the only environment the build reads.
fn render_options() -> Result<RenderOptions, UsageError> {
    let bad = |v: &dyn std::fmt::Debug| {
        UsageError::new(format!(
            "SOURCE_DATE_EPOCH must be seconds since 1970, up to the year 9999, not {v:?}"
        ))
    };
    let source_date_epoch = match std::env::var("SOURCE_DATE_EPOCH") {
        // Years 1970 to 9999: what document dates can hold.
        Ok(v) if !v.trim().is_empty() => match v.trim().parse::<i64>() {
            Ok(secs) if (0..=253_402_300_799).contains(&secs) => Some(secs),
            _ => return Err(bad(&v)),
        },
        Ok(_) | Err(std::env::VarError::NotPresent) => None,
        Err(std::env::VarError::NotUnicode(v)) => return Err(bad(&v)),
    };
    Ok(RenderOptions { source_date_epoch })
}
