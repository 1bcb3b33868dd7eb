//! `supplement`: compiles a supplement to a published book, kept as a typed TOML manuscript,
//! into DOCX, HTML and a plain-text changelog.
//!
//! Dependencies run one way: `cli` → `load` → `model` → `validate` → `view` → `emit`:
//! the loader builds the model, validation checks it, the document view resolves what a
//! reader sees (with `labels`), and each emitter turns the view into bytes. `diagnostics`
//! renders problems; `styles` holds the built-in templates. Only `cli::build` writes files.

pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod labels;
pub mod load;
pub mod model;
pub mod preview;
pub mod styles;
pub mod synth;
pub mod validate;
pub mod view;

use std::path::Path;

use diagnostics::{Diagnostic, Severity, Sources};
use model::Supplement;
use styles::Styles;
use view::DocumentView;

/// A manuscript loaded and validated: the model (when it could be built), the styles, every
/// problem found, and the files read (to render the problems).
#[derive(Debug)]
pub struct Checked {
    /// Every file read.
    pub sources: Sources,
    /// The model, when every file could be read.
    pub supplement: Option<Supplement>,
    /// The document view of the model, when there is a model.
    pub view: Option<DocumentView>,
    /// Built-in styles with the manuscript's overrides.
    pub styles: Styles,
    /// Every problem, load problems first, then validation in source order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    /// True when there is no error (warnings allowed).
    pub fn is_ok(&self) -> bool {
        self.supplement.is_some()
            && !self
                .diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error)
    }
}

/// Asks every emitter to check the style overrides it uses; a problem becomes a diagnostic
/// at the override file (a built-in style that fails is a bug, reported the same way).
fn check_styles(sources: &Sources, styles: &Styles) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for emitter in emit::REGISTRY {
        let Err(e) = emitter.check_styles(styles) else {
            continue;
        };
        let (name, line) = match &e {
            emit::EmitError::Template { name, line, .. }
            | emit::EmitError::Style { name, line, .. } => (name.clone(), *line),
            emit::EmitError::Other(_) => (String::new(), None),
        };
        let suffix = format!("{}/{name}", load::STYLES_DIR);
        let found = sources
            .iter()
            .find(|(_, f)| !name.is_empty() && f.path.ends_with(&suffix));
        let Some((file, source)) = found else {
            continue;
        };
        let start = line
            .and_then(|l| {
                source
                    .text
                    .split_inclusive('\n')
                    .take(l.saturating_sub(1))
                    .map(str::len)
                    .sum::<usize>()
                    .into()
            })
            .unwrap_or(0);
        let end = source.text[start..]
            .find('\n')
            .map_or(source.text.len(), |n| start + n);
        out.push(
            Diagnostic::error(
                "invalid-style",
                model::Span { file, start, end },
                format!("{} output cannot use {suffix}: {e}", emitter.name()),
            )
            .with_hint("fix the override, or delete it to use the built-in style"),
        );
    }
    out
}

/// Loads and validates the manuscript in `dir`.
pub fn check(dir: &Path) -> Result<Checked, load::LoadError> {
    let loaded = load::load(dir)?;
    let mut diagnostics = loaded.diagnostics;
    let mut view = None;
    if let Some(supplement) = &loaded.supplement {
        let mut found = validate::validate(supplement);
        // Overrides were checked when they were read, so the labels always load; the
        // fallback only keeps this function total.
        let labels = loaded
            .styles
            .labels(&supplement.language)
            .unwrap_or_else(|_| labels::Labels::builtin(&supplement.language));
        let built = DocumentView::build(supplement, labels);
        found.extend(validate::anchors(&built));
        found.sort_by_key(|d| (d.span.file, d.span.start));
        diagnostics.extend(found);
        view = Some(built);
    }
    diagnostics.extend(check_styles(&loaded.sources, &loaded.styles));
    Ok(Checked {
        sources: loaded.sources,
        supplement: loaded.supplement,
        view,
        styles: loaded.styles,
        diagnostics,
    })
}
