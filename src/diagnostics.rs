//! Diagnostics: what is wrong with a manuscript, where, and how to fix it; rendered for
//! people (rustc style), for tools (JSON lines) and for GitHub Actions annotations.

use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label};
use codespan_reporting::files::{self, Files};
use codespan_reporting::term;

use crate::model::{FileId, Span};

/// How bad a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The manuscript cannot be built.
    Error,
    /// The manuscript builds, but something looks wrong.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem found in a manuscript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Stable rule name, e.g. `duplicate-id`; one fixture folder per code.
    pub code: &'static str,
    /// What is wrong, lowercase, quoting the offending value.
    pub message: String,
    /// Where.
    pub span: Span,
    /// How to fix it, when we can tell.
    pub hint: Option<String>,
    /// Other places that explain the problem (e.g. the first definition of a duplicate).
    pub related: Vec<(Span, String)>,
}

impl Diagnostic {
    /// A new error.
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: message.into(),
            span,
            hint: None,
            related: Vec::new(),
        }
    }

    /// A new warning.
    pub fn warning(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(code, span, message)
        }
    }

    /// Adds a hint.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// Adds an optional hint.
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint;
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Self {
        self.related.push((span, note.into()));
        self
    }
}

/// A file of the manuscript, as read.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path on disk.
    pub path: PathBuf,
    /// Path as shown in diagnostics.
    pub name: String,
    /// Contents.
    pub text: String,
    line_starts: Vec<usize>,
}

/// The table of every file read, indexed by `FileId`.
#[derive(Debug, Clone, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// Adds a file and returns its id.
    pub fn add(&mut self, path: PathBuf, name: String, text: String) -> FileId {
        let line_starts = files::line_starts(&text).collect();
        self.files.push(SourceFile {
            path,
            name,
            text,
            line_starts,
        });
        FileId(u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX))
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    /// Every file, in the order added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// 1-based line and column (in characters) of a span's start.
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        let Some(file) = self.get(span.file) else {
            return (1, 1);
        };
        let at = span.start.min(file.text.len());
        let line = match file.line_starts.binary_search(&at) {
            Ok(l) => l,
            Err(l) => l.saturating_sub(1),
        };
        let line_start = file.line_starts[line];
        let col = file
            .text
            .get(line_start..at)
            .map_or(0, |s| s.chars().count());
        (line + 1, col + 1)
    }

    /// The file name shown for a span.
    pub fn name(&self, span: Span) -> &str {
        self.get(span.file).map_or("<unknown>", |f| f.name.as_str())
    }
}

impl<'a> Files<'a> for Sources {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.get(id)
            .map(|f| f.name.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'a self, id: FileId) -> Result<&'a str, files::Error> {
        self.get(id)
            .map(|f| f.text.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let file = self.get(id).ok_or(files::Error::FileMissing)?;
        Ok(match file.line_starts.binary_search(&byte_index) {
            Ok(l) => l,
            Err(l) => l.saturating_sub(1),
        })
    }

    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.get(id).ok_or(files::Error::FileMissing)?;
        let start = *file
            .line_starts
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: file.line_starts.len().saturating_sub(1),
            })?;
        let end = file
            .line_starts
            .get(line_index + 1)
            .copied()
            .unwrap_or(file.text.len());
        Ok(start..end)
    }
}

/// How diagnostics are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MessageFormat {
    /// rustc-like: location, source line, caret, hint.
    #[default]
    Human,
    /// One JSON object per line.
    Json,
    /// GitHub Actions workflow commands (`::error file=…`), shown as annotations.
    Github,
}

/// Renders diagnostics in the chosen format; `color` only affects the human format.
pub fn render(
    diags: &[Diagnostic],
    sources: &Sources,
    format: MessageFormat,
    color: bool,
) -> String {
    match format {
        MessageFormat::Human => render_human(diags, sources, color),
        MessageFormat::Json => render_json(diags, sources),
        MessageFormat::Github => render_github(diags, sources),
    }
}

fn clamp(span: Span, sources: &Sources) -> Range<usize> {
    let len = sources.get(span.file).map_or(0, |f| f.text.len());
    let start = span.start.min(len);
    let end = span.end.clamp(start, len);
    start..end
}

/// rustc-style text with the offending source line and a caret.
pub fn render_human(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_code(d.code)
        .with_message(&d.message);
        let mut labels = vec![Label::primary(d.span.file, clamp(d.span, sources))];
        for (span, note) in &d.related {
            labels.push(Label::secondary(span.file, clamp(*span, sources)).with_message(note));
        }
        cs = cs.with_labels(labels);
        if let Some(hint) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {hint}")]);
        }
        let rendered = if color {
            let mut buffer = term::termcolor::Buffer::ansi();
            term::emit_to_write_style(&mut buffer, &config, sources, &cs)
                .ok()
                .and_then(|()| String::from_utf8(buffer.into_inner()).ok())
        } else {
            term::emit_into_string(&config, sources, &cs).ok()
        };
        match rendered {
            Some(text) => out.push_str(&text),
            None => {
                // The span no longer fits its file: fall back to the one-line form.
                let (line, col) = sources.line_col(d.span);
                let _ = writeln!(
                    out,
                    "{}[{}]: {}\n  --> {}:{line}:{col}",
                    d.severity.as_str(),
                    d.code,
                    d.message,
                    sources.name(d.span)
                );
            }
        }
    }
    out
}

/// One JSON object per line: severity, code, message, file, line, column, end_line,
/// end_column, hint, related.
pub fn render_json(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let (line, column) = sources.line_col(d.span);
        let end = Span {
            start: d.span.end,
            ..d.span
        };
        let (end_line, end_column) = sources.line_col(end);
        let related: Vec<serde_json::Value> = d
            .related
            .iter()
            .map(|(span, note)| {
                let (line, column) = sources.line_col(*span);
                serde_json::json!({
                    "file": sources.name(*span),
                    "line": line,
                    "column": column,
                    "message": note,
                })
            })
            .collect();
        let value = serde_json::json!({
            "severity": d.severity.as_str(),
            "code": d.code,
            "message": d.message,
            "file": sources.name(d.span),
            "line": line,
            "column": column,
            "end_line": end_line,
            "end_column": end_column,
            "hint": d.hint,
            "related": related,
        });
        out.push_str(&value.to_string());
        out.push('\n');
    }
    out
}

/// GitHub Actions workflow commands, which show up as annotations on the offending lines.
pub fn render_github(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let (line, col) = sources.line_col(d.span);
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(hint);
        }
        let _ = writeln!(
            out,
            "::{} file={},line={line},col={col},title={}::{}",
            d.severity.as_str(),
            escape_property(sources.name(d.span)),
            escape_property(d.code),
            escape_data(&message)
        );
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Counts of errors and warnings.
pub fn counts(diags: &[Diagnostic]) -> (usize, usize) {
    let errors = diags
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .count();
    (errors, diags.len() - errors)
}

/// The closest candidate to `given`, if it is close enough to be a likely typo.
pub fn suggest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        let score = strsim::jaro_winkler(&given.to_lowercase(), &candidate.to_lowercase());
        if score > best.map_or(0.0, |b| b.0) {
            best = Some((score, candidate));
        }
    }
    best.filter(|(score, _)| *score >= 0.8).map(|(_, c)| c)
}

/// A hint "did you mean `x`?" when a close candidate exists.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<String> {
    suggest(given, candidates).map(|c| format!("did you mean `{c}`?"))
}
