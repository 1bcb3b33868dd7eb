//! `supplement build`: check, render every requested format in memory, then write the
//! files atomically. Nothing is written unless every format rendered.

use crate::emit::{self, Emitter, RenderOptions};

use super::{fail, report, write, BuildArgs, EXIT_MANUSCRIPT, EXIT_OK, EXIT_USAGE};

/// Runs the command.
pub(super) fn run(args: &BuildArgs) -> u8 {
    let emitters = match select_formats(&args.format) {
        Ok(emitters) => emitters,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let options = match render_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return EXIT_USAGE;
        }
    };
    let checked = match crate::check(&args.common.manuscript) {
        Ok(checked) => checked,
        Err(e) => return fail(&e),
    };
    if !report(&checked, &args.common) {
        eprintln!("error: build stopped; nothing was written");
        return EXIT_MANUSCRIPT;
    }
    let Some(view) = &checked.view else {
        return EXIT_MANUSCRIPT;
    };

    let files = match emit::render_all(&emitters, view, &checked.styles, &options) {
        Ok(files) => files,
        Err((name, e)) => {
            // A style override that fails is the manuscript's error, located like any other.
            match crate::style_diagnostic(&checked.sources, name, &e) {
                Some(d) => super::print_diagnostics(&[d], &checked.sources, &args.common),
                None => eprintln!("error: {name} output failed: {e}"),
            }
            eprintln!("error: build stopped; nothing was written");
            return EXIT_MANUSCRIPT;
        }
    };
    match write::write_all_atomic(&args.out, &files) {
        Ok(paths) => {
            for (path, file) in paths.iter().zip(&files) {
                println!("wrote {} ({} bytes)", path.display(), file.bytes.len());
            }
        }
        Err(e) => return fail(&e),
    }
    EXIT_OK
}

/// Resolves `--format`: a comma-separated list of format names, or `all`.
fn select_formats(list: &str) -> Result<Vec<&'static dyn Emitter>, String> {
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
                return Err(format!(
                    "unknown format {name:?}{hint}; available: {}, all",
                    available()
                ));
            }
        }
    }
    if chosen.is_empty() {
        return Err(format!("no format given; available: {}, all", available()));
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
fn render_options() -> Result<RenderOptions, String> {
    let bad = |v: &dyn std::fmt::Debug| {
        format!("SOURCE_DATE_EPOCH must be seconds since 1970, up to the year 9999, not {v:?}")
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
