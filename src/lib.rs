//! `supplement`: compiles a supplement to a published book, kept as a typed TOML manuscript,
//! into DOCX, HTML and a plain-text changelog.
//!
//! Dependencies run one way: `cli` → `load` → `model` ← `validate`, `emit`; `diagnostics`
//! renders problems; `styles` holds the built-in templates. Only `cli::build` writes files.

pub mod cli;
pub mod diagnostics;
pub mod emit;
pub mod load;
pub mod model;
pub mod preview;
pub mod styles;
pub mod synth;
pub mod validate;

use std::path::Path;

use diagnostics::{Diagnostic, Severity, Sources};
use model::Supplement;
use styles::Styles;

/// A manuscript loaded and validated: the model (when it could be built), the styles, every
/// problem found, and the files read (to render the problems).
#[derive(Debug)]
pub struct Checked {
    /// Every file read.
    pub sources: Sources,
    /// The model, when every file could be read.
    pub supplement: Option<Supplement>,
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

/// Loads and validates the manuscript in `dir`.
pub fn check(dir: &Path) -> Result<Checked, load::LoadError> {
    let loaded = load::load(dir)?;
    let mut diagnostics = loaded.diagnostics;
    if let Some(supplement) = &loaded.supplement {
        diagnostics.extend(validate::validate(supplement));
    }
    Ok(Checked {
        sources: loaded.sources,
        supplement: loaded.supplement,
        styles: loaded.styles,
        diagnostics,
    })
}
