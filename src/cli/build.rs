//! `supplement build`: check, render every requested format in memory, then write the
//! files atomically. Nothing is written unless every format rendered.

use crate::emit::{self, Emitter, RenderOptions};

use super::{report, write, BuildArgs, GlobalArgs, Reporter, UsageError, EXIT_MANUSCRIPT, EXIT_OK};

/// Runs the command: `Ok` with exit code 0 or 1, `Err` for a usage or I/O error.
pub(super) fn run(args: &BuildArgs, global: &GlobalArgs) -> anyhow::Result<u8> {
    let reporter = Reporter::new(global, args.common.message_format.into());
    let emitters = select_formats(&args.format)?;
    let options = render_options()?;
    let manuscript = args.common.manuscript.locate()?;
    reporter.detail(&format!("manuscript: {}", manuscript.display()));
    let checked = crate::check(&manuscript)?;
    if !report(&checked, &args.common, &reporter, &manuscript) {
        eprintln!("error: build stopped; nothing was written");
        return Ok(EXIT_MANUSCRIPT);
    }
    let Some(view) = &checked.view else {
        return Ok(EXIT_MANUSCRIPT);
    };
    let (errors, warnings) = crate::diagnostics::counts(&checked.diagnostics);

    let files = match emit::render_all(&emitters, view, &checked.styles, &options) {
        Ok(files) => files,
        Err((name, e)) => {
            // A style override that fails is the manuscript's error, located like any other.
            match crate::style_diagnostic(&checked.sources, name, &e) {
                Some(d) => reporter.diagnostics(&[d], &checked.sources, &manuscript),
                None => eprintln!("error: {name} output failed: {e}"),
            }
            eprintln!("error: build stopped; nothing was written");
            reporter.finished(false, errors + 1, warnings, false);
            return Ok(EXIT_MANUSCRIPT);
        }
    };
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
    Ok(EXIT_OK)
}

/// Resolves `--format`: a comma-separated list of format names, or `all`.
fn select_formats(list: &str) -> Result<Vec<&'static dyn Emitter>, UsageError> {
    let mut chosen: Vec<&'static dyn Emitter> = Vec::new();
    for name in list.split(',').map(str::trim).filter(|n| !n.is_empty()) {
        if name == "all" {
            for e in emit::REGISTRY.iter().filter(|e| e.in_all()) {
                if !chosen.iter().any(|c| c.name() == e.name()) {
                    chosen.push(*e);
                }
            }
            continue;
        }
        match emit::find(name) {
            Some(e) => {
                if !chosen.iter().any(|c| c.name() == e.name()) {
                    chosen.push(e);
                }
            }
            None => {
                let names: Vec<&str> = emit::REGISTRY.iter().map(|e| e.name()).collect();
                let hint = crate::diagnostics::did_you_mean(name, names.iter().copied())
                    .map(|h| format!(" ({h})"))
                    .unwrap_or_default();
                return Err(UsageError::new(format!(
                    "unknown format {name:?}{hint}; available: {}, all",
                    available()
                ))
                .with_hint("`supplement formats` lists the formats"));
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
