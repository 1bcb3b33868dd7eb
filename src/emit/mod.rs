//! Emitters: pure functions from the document view (and styles) to output files.
//!
//! One module per format, registered in [`REGISTRY`]. An emitter reads the view, never the
//! model, and never the clock, the environment or the disk: everything it needs is in its
//! arguments.

pub mod budget;
pub mod changelog;
pub mod docx;
pub mod html;
pub mod markup;
pub mod mindmap;
pub mod text;

use crate::styles::Styles;
use crate::view::DocumentView;

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
    #[error("template {name}{}: {message}", at_line(*.line))]
    Template {
        /// The template's file name under `styles/`.
        name: String,
        /// The line in the template, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// A style sheet is invalid.
    #[error("style sheet {name}{}: {message}", at_line(*.line))]
    Style {
        /// The style file.
        name: String,
        /// The line in the style file, when known.
        line: Option<usize>,
        /// What went wrong.
        message: String,
    },
    /// An external emitter failed.
    #[error("{message}")]
    External {
        /// The format name.
        name: String,
        /// What went wrong, as a sentence that names the emitter.
        message: String,
        /// The diagnostics it printed.
        diagnostics: Vec<crate::external::ExternalDiagnostic>,
    },
    /// Anything else.
    #[error("{0}")]
    Other(String),
}

fn at_line(line: Option<usize>) -> String {
    line.map(|l| format!(" line {l}")).unwrap_or_default()
}

impl EmitError {
    /// An error from a minijinja template.
    pub fn template(name: &str, e: &minijinja::Error) -> Self {
        EmitError::Template {
            name: name.to_string(),
            line: e.line(),
            message: e
                .detail()
                .map_or_else(|| e.kind().to_string(), str::to_string),
        }
    }
}

/// An output format.
pub trait Emitter: Sync {
    /// The name used with `--format`.
    fn name(&self) -> &str;
    /// One line on what it produces.
    fn description(&self) -> &'static str;
    /// Checks the styles this emitter uses (templates compile, style sheets are valid), so
    /// that `check` reports a broken override before any build.
    fn check_styles(&self, _styles: &Styles) -> Result<(), EmitError> {
        Ok(())
    }

    /// True when `--format all` (the default) builds this format; false for one built only
    /// when asked for by name.
    fn in_all(&self) -> bool {
        true
    }

    /// The templates (names under `styles/`) the emitter renders, so that `check` can
    /// render them when a manuscript overrides one: a template fails only when it runs.
    fn templates(&self) -> &'static [&'static str] {
        &[]
    }

    /// Renders the document into files.
    fn render(
        &self,
        view: &DocumentView,
        styles: &Styles,
        options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError>;
}

/// Every built-in emitter, in the order `all` builds them (those in it).
pub static REGISTRY: &[&dyn Emitter] = &[
    &docx::DocxEmitter { redline: false },
    &docx::DocxEmitter { redline: true },
    &html::HtmlEmitter,
    &changelog::Changelog,
    &mindmap::MM,
    &mindmap::OPML,
    &mindmap::XMIND,
    &mindmap::MMAP,
];

/// Stack size of the threads that render (and of the preview server's renderer).
pub const RENDER_STACK: usize = 64 * 1024 * 1024;

/// Renders every emitter on up to two worker threads (emitters are pure; two workers use
/// this project's two cores while keeping at most two renders in memory at once), returning
/// the files in the emitters' order, or the first failure with the emitter's name.
pub fn render_all(
    emitters: &[&dyn Emitter],
    view: &DocumentView,
    styles: &Styles,
    options: &RenderOptions,
) -> Result<Vec<OutputFile>, (String, EmitError)> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, 2);
    render_on(workers, emitters, view, styles, options)
}

/// [`render_all`] on at most `workers` threads (at least one). Workers take the emitters
/// in order; every emitter runs to its end, and the result is the same whatever the number
/// of workers and whichever finishes first: all files in the emitters' order, or the
/// failure of the first emitter in that order that failed (the one a run one after the
/// other would report).
pub fn render_on(
    workers: usize,
    emitters: &[&dyn Emitter],
    view: &DocumentView,
    styles: &Styles,
    options: &RenderOptions,
) -> Result<Vec<OutputFile>, (String, EmitError)> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;

    let workers = workers.max(1).min(emitters.len().max(1));
    let next = AtomicUsize::new(0);
    type Slot = Option<Result<Vec<OutputFile>, EmitError>>;
    let results: Mutex<Vec<Slot>> = Mutex::new((0..emitters.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            let work = || loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(emitter) = emitters.get(i) else {
                    break;
                };
                let result = emitter.render(view, styles, options);
                if let Ok(mut slots) = results.lock() {
                    slots[i] = Some(result);
                }
            };
            // Renderers recurse once per level of body nesting (at most
            // load::markdown::MAX_DEPTH, with large frames in debug builds): give them room.
            let spawned = std::thread::Builder::new()
                .stack_size(RENDER_STACK)
                .spawn_scoped(scope, work);
            if spawned.is_err() {
                break;
            }
        }
    });
    let slots = results.into_inner().unwrap_or_default();
    let mut files = Vec::new();
    for (emitter, slot) in emitters.iter().zip(slots) {
        let result =
            slot.unwrap_or_else(|| Err(EmitError::Other("the emitter did not finish".into())));
        files.extend(result.map_err(|e| (emitter.name().to_string(), e))?);
    }
    Ok(files)
}

/// The emitter called `name`.
pub fn find(name: &str) -> Option<&'static dyn Emitter> {
    REGISTRY.iter().copied().find(|e| e.name() == name)
}

/// Adds the functions every template may use to write labelled values the labels' way:
/// `field(label, value)` (e.g. 担当：中山), `paren(text)` (（text）, never doubled) and
/// `fill(pattern, name=value…)` for any other pattern of `labels.format`.
pub fn add_label_functions(env: &mut minijinja::Environment<'_>, labels: &crate::labels::Labels) {
    let l = std::sync::Arc::new(labels.clone());
    let field_labels = l.clone();
    env.add_function("field", move |label: String, value: String| {
        crate::view::format::field(&label, &value, &field_labels)
    });
    let paren_labels = l;
    env.add_function("paren", move |text: String| {
        crate::view::format::parenthesize(&text, &paren_labels)
    });
    env.add_function(
        "fill",
        |pattern: String, kwargs: minijinja::value::Kwargs| -> Result<String, minijinja::Error> {
            let mut values: Vec<(String, String)> = Vec::new();
            for key in kwargs.args() {
                let v: minijinja::Value = kwargs.get(key)?;
                values.push((key.to_string(), v.to_string()));
            }
            let pairs: Vec<(&str, &str)> = values
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect();
            Ok(crate::labels::fill(&pattern, &pairs))
        },
    );
}
