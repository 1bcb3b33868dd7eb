//! `supplement`: compiles a supplement to a published book, kept as a typed TOML manuscript,
//! into DOCX, HTML and a plain-text changelog.
//!
//! Dependencies run one way: `cli` → `load` → `model` → `validate` → `view` → `emit`:
//! the loader builds the model, validation checks it, the document view resolves what a
//! reader sees (with `labels`), and each emitter turns the view into bytes. `diagnostics`
//! renders problems; `styles` holds the built-in templates. Only `cli::build` writes files.

pub mod cli;
pub mod conventions;
pub mod diagnostics;
pub mod diff;
pub mod emit;
pub mod external;
pub mod import;
pub mod labels;
pub mod load;
pub mod model;
pub mod preview;
pub mod status;
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
/// at the override file.
fn check_styles(sources: &Sources, styles: &Styles) -> Vec<Diagnostic> {
    // A failure is reported only at an override (`style_diagnostic`): with no template or
    // style sheet overridden there is nothing to report, and compiling the built-in
    // templates would only cost time (about a millisecond, a tenth of a small build).
    if !styles.overrides_templates_or_sheets() {
        return Vec::new();
    }
    emit::REGISTRY
        .iter()
        .filter_map(|emitter| {
            let e = emitter.check_styles(styles).err()?;
            style_diagnostic(sources, emitter.name(), &e)
        })
        .collect()
}

/// Renders the templates a manuscript overrides (into memory, within their budgets), so
/// that `check` fails exactly when `build` would: a template's runtime error (an undefined
/// value, a loop that does not end) shows only when it runs.
pub fn check_templates(checked: &Checked) -> Vec<Diagnostic> {
    let Some(view) = &checked.view else {
        return Vec::new();
    };
    emit::REGISTRY
        .iter()
        .filter(|e| {
            e.templates()
                .iter()
                .any(|t| checked.styles.is_overridden(t))
        })
        .filter_map(|emitter| {
            let e = emitter
                .render(view, &checked.styles, &emit::RenderOptions::default())
                .err()?;
            style_diagnostic(&checked.sources, emitter.name(), &e)
        })
        .collect()
}

/// The handshake with every external emitter the manuscript declares (`[emitters.NAME]`):
/// a program that is missing, fails, or speaks another protocol version is an error located
/// at its declaration, found by `check` before a build needs it.
pub fn check_emitters(checked: &Checked, manuscript: &std::path::Path) -> Vec<Diagnostic> {
    let Some(model) = &checked.supplement else {
        return Vec::new();
    };
    model
        .emitters
        .iter()
        .filter_map(|d| {
            let emitter =
                external::ExternalEmitter::resolve(&d.name.value, &model.emitters, manuscript, manuscript)?;
            let e = emitter.handshake().err()?;
            Some(
                Diagnostic::error("external-emitter", d.name.span, e.to_string()).with_hint(
                    "install the emitter or fix `command`; `PROGRAM --supplement-protocol` must print the protocol versions it speaks",
                ),
            )
        })
        .collect()
}

/// What an external emitter printed as diagnostics: those that name a manuscript file and
/// line, located there (code `external-emitter`), and the rest as lines of text
/// (`warning: NAME: …`).
pub fn external_diagnostics(
    sources: &Sources,
    name: &str,
    diagnostics: &[external::ExternalDiagnostic],
) -> (Vec<Diagnostic>, Vec<String>) {
    let mut located = Vec::new();
    let mut plain = Vec::new();
    for d in diagnostics {
        let span = d
            .file
            .as_deref()
            .and_then(|f| sources.span_at(f, d.line.unwrap_or(1), d.column.unwrap_or(1)));
        let code = d
            .code
            .as_deref()
            .map(|c| format!("[{c}] "))
            .unwrap_or_default();
        let message = format!("{name}: {code}{}", d.message);
        let warning = d.severity == "warning";
        match span {
            Some(span) if warning => {
                located.push(Diagnostic::warning("external-emitter", span, message))
            }
            Some(span) => located.push(Diagnostic::error("external-emitter", span, message)),
            None => plain.push(format!(
                "{}: {message}",
                if warning { "warning" } else { "error" }
            )),
        }
    }
    (located, plain)
}

/// An emitter's failure to use a style file as a diagnostic at the manuscript's override
/// of that file (at the line, when known). `None` when the file is not overridden: a
/// built-in style that fails is a bug of the program, not of the manuscript.
pub fn style_diagnostic(
    sources: &Sources,
    emitter: &str,
    e: &emit::EmitError,
) -> Option<Diagnostic> {
    let (name, line) = match e {
        emit::EmitError::Template { name, line, .. }
        | emit::EmitError::Style { name, line, .. } => (name.as_str(), *line),
        emit::EmitError::Other(_) | emit::EmitError::External { .. } => return None,
    };
    let suffix = format!("{}/{name}", load::STYLES_DIR);
    let (file, source) = sources.iter().find(|(_, f)| f.path.ends_with(&suffix))?;
    let start = line
        .map(|l| {
            source
                .text
                .split_inclusive('\n')
                .take(l.saturating_sub(1))
                .map(str::len)
                .sum::<usize>()
        })
        .unwrap_or(0)
        .min(source.text.len());
    let end = source.text[start..]
        .find('\n')
        .map_or(source.text.len(), |n| start + n);
    Some(
        Diagnostic::error(
            "invalid-style",
            model::Span { file, start, end },
            format!("{emitter} output cannot use {suffix}: {e}"),
        )
        .with_hint("fix the override, or delete it to use the built-in style"),
    )
}

/// Loads and validates the manuscript in `dir`; the manuscript's `[lints]` decide which
/// warnings are reported, and which fail it as errors.
pub fn check(dir: &Path) -> Result<Checked, load::LoadError> {
    let loaded = load::load(dir)?;
    Ok(check_loaded(loaded))
}

/// [`check`], parsing only the files that changed since the loads `cache` remembers (see
/// [`load::Cache`]); the result is the same as [`check`]'s.
pub fn check_cached(dir: &Path, cache: &mut load::Cache) -> Result<Checked, load::LoadError> {
    let loaded = load::load_with(dir, cache)?;
    Ok(check_loaded(loaded))
}

/// Validates a loaded manuscript and builds its view: what [`check`] does once the files
/// are read. Validation (with the style check) and the view are independent of each
/// other, so they run side by side on the two cores; the result is the same as one after
/// the other.
pub fn check_loaded(loaded: load::Loaded) -> Checked {
    let mut diagnostics = loaded.diagnostics;
    let mut view = None;
    let (sources, styles) = (&loaded.sources, &loaded.styles);
    let supplement = loaded.supplement.as_ref();
    let validated = || {
        let found = supplement.map(validate::validate).unwrap_or_default();
        (found, check_styles(sources, styles))
    };
    let built = || {
        supplement.map(|s| {
            // Overrides were checked when they were read, so the labels always load; the
            // fallback only keeps this function total.
            let labels = styles
                .labels(&s.language)
                .unwrap_or_else(|_| labels::Labels::builtin(&s.language));
            DocumentView::build(s, labels)
        })
    };
    let ((mut found, style_problems), built) = side_by_side(validated, built);
    if let Some(built) = built {
        found.extend(validate::anchors(&built));
        found.sort_by_key(|d| (d.span.file, d.span.start));
        diagnostics.extend(found);
        view = Some(built);
    }
    diagnostics.extend(style_problems);
    loaded.lints.apply(&mut diagnostics);
    Checked {
        sources: loaded.sources,
        supplement: loaded.supplement,
        view,
        styles: loaded.styles,
        diagnostics,
    }
}

/// Runs `a` on a thread of its own (with the renderers' stack: validation recurses into
/// bodies) while `b` runs on this one, and returns both results; one after the other when
/// no thread can be started.
pub fn side_by_side<A, B, RA, RB>(a: A, b: B) -> (RA, RB)
where
    A: FnOnce() -> RA + Send,
    B: FnOnce() -> RB,
    RA: Send,
{
    let task = std::sync::Mutex::new(Some(a));
    let take = || task.lock().ok().and_then(|mut t| t.take());
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .stack_size(emit::RENDER_STACK)
            .spawn_scoped(scope, || take().map(|a| a()));
        let rb = b();
        let ra = match spawned.map(|handle| handle.join()) {
            Ok(Ok(Some(ra))) => ra,
            // A panic there is a panic here, as in a run one after the other.
            Ok(Err(panic)) => std::panic::resume_unwind(panic),
            // No thread could be started: run the task here.
            Ok(Ok(None)) | Err(_) => match take() {
                Some(a) => a(),
                None => unreachable!("the task ran or is still here"),
            },
        };
        (ra, rb)
    })
}
