//! Emitters: pure functions from the model (and styles) to output files.
//!
//! One module per format, registered in [`REGISTRY`]. An emitter never reads the clock,
//! the environment or the disk: everything it needs is in its arguments.

pub mod changelog;
pub mod common;
pub mod docx;
pub mod html;
pub mod text;

use crate::model::Supplement;
use crate::styles::Styles;

/// Settings of one build that are not part of the manuscript.
#[derive(Debug, Clone, Default)]
pub struct RenderOptions {
    /// Seconds since the Unix epoch to stamp the outputs with (from `SOURCE_DATE_EPOCH`);
    /// when absent, the supplement's own date is used.
    pub source_date_epoch: Option<i64>,
}

/// One file an emitter produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// File name, relative to the output folder.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Why an emitter could not render.
#[derive(Debug, thiserror::Error)]
pub enum EmitError {
    /// A template did not parse or render.
    #[error("template {name}: {message}")]
    Template {
        /// The template's file name under `styles/`.
        name: String,
        /// What went wrong, with the line when known.
        message: String,
    },
    /// A style sheet is invalid.
    #[error("style sheet {name}: {message}")]
    Style {
        /// The style file.
        name: String,
        /// What went wrong.
        message: String,
    },
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

/// An output format.
pub trait Emitter: Sync {
    /// The name used with `--format`.
    fn name(&self) -> &'static str;
    /// One line on what it produces.
    fn description(&self) -> &'static str;
    /// Renders the supplement into files.
    fn render(
        &self,
        supplement: &Supplement,
        styles: &Styles,
        options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError>;
}

/// Every built-in emitter, in the order `all` builds them.
pub static REGISTRY: &[&dyn Emitter] = &[
    &docx::DocxEmitter,
    &html::HtmlEmitter,
    &changelog::Changelog,
];

/// Formats that are designed but not built yet.
pub const PLANNED: &[&str] = &[];

/// The emitter called `name`.
pub fn find(name: &str) -> Option<&'static dyn Emitter> {
    REGISTRY.iter().copied().find(|e| e.name() == name)
}
