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

/// Every rule (diagnostic code) and its severity. A rule listed as a warning can be
/// allowed, warned or denied in the manuscript's `[lints]` table.
pub const RULES: &[(&str, Severity)] = &[
    ("toml-syntax", Severity::Error),
    ("unknown-key", Severity::Error),
    ("unknown-value", Severity::Error),
    ("missing-key", Severity::Error),
    ("invalid-type", Severity::Error),
    ("invalid-utf8", Severity::Error),
    ("forbidden-character", Severity::Error),
    ("invalid-id", Severity::Error),
    ("invalid-date", Severity::Error),
    ("invalid-pages", Severity::Error),
    ("invalid-priority", Severity::Error),
    ("invalid-owner", Severity::Error),
    ("invalid-language", Severity::Error),
    ("no-parts", Severity::Error),
    ("outside-manuscript", Severity::Error),
    ("file-too-large", Severity::Error),
    ("too-many-parts", Severity::Error),
    ("too-many-points", Severity::Error),
    ("too-many-topics", Severity::Error),
    ("topics-too-deep", Severity::Error),
    ("markdown-too-deep", Severity::Error),
    ("too-many-elements", Severity::Error),
    ("too-many-cells", Severity::Error),
    ("too-many-list-items", Severity::Error),
    ("too-many-links", Severity::Error),
    ("duplicate-id", Severity::Error),
    ("unknown-part", Severity::Error),
    ("unknown-section", Severity::Error),
    ("unknown-reason", Severity::Error),
    ("unknown-reference", Severity::Error),
    ("unknown-owner", Severity::Error),
    ("unknown-parent", Severity::Error),
    ("parent-cycle", Severity::Error),
    ("reversed-pages", Severity::Error),
    ("pages-outside-book", Severity::Error),
    ("pages-contradict-map", Severity::Error),
    ("wrong-part", Severity::Error),
    ("no-target", Severity::Error),
    ("history-order", Severity::Error),
    ("date-before-history", Severity::Error),
    ("link-scheme", Severity::Error),
    ("unknown-anchor", Severity::Error),
    ("invalid-style", Severity::Error),
    ("invalid-emitter", Severity::Error),
    ("external-emitter", Severity::Error),
    ("gate-unassigned", Severity::Error),
    ("gate-overdue", Severity::Error),
    ("figure-missing", Severity::Error),
    ("figure-outside", Severity::Error),
    ("figure-too-large", Severity::Error),
    ("figure-unreadable", Severity::Error),
    ("too-many-figures", Severity::Error),
    ("figure-without-alt", Severity::Warning),
    ("figure-in-text", Severity::Warning),
    ("unknown-lint", Severity::Error),
    ("unassigned-owner", Severity::Warning),
    ("unused-reference", Severity::Warning),
    ("empty-body", Severity::Warning),
    ("open-ended-section", Severity::Warning),
    ("overlapping-sections", Severity::Warning),
    ("unknown-style", Severity::Warning),
];

/// The rules that give warnings (those `[lints]` can set).
pub fn warning_rules() -> impl Iterator<Item = &'static str> {
    RULES
        .iter()
        .filter(|(_, s)| *s == Severity::Warning)
        .map(|(code, _)| *code)
}

/// What `[lints]` does with a warning rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LintLevel {
    /// Not reported.
    Allow,
    /// Reported as a warning (the default).
    Warn,
    /// Reported as an error.
    Deny,
}

/// The manuscript's `[lints]`: a level per warning rule, with where it was set.
#[derive(Debug, Clone, Default)]
pub struct Lints {
    levels: Vec<(&'static str, LintLevel, Span)>,
}

impl Lints {
    /// Sets the level of a warning rule, set at `span`.
    pub fn set(&mut self, code: &'static str, level: LintLevel, span: Span) {
        self.levels.retain(|(c, _, _)| *c != code);
        self.levels.push((code, level, span));
    }

    /// Applies the levels: allowed warnings are dropped, denied ones become errors that
    /// point at the `[lints]` entry too.
    pub fn apply(&self, diags: &mut Vec<Diagnostic>) {
        if self.levels.is_empty() {
            return;
        }
        diags.retain_mut(|d| {
            if d.severity != Severity::Warning {
                return true;
            }
            match self.levels.iter().find(|(code, _, _)| *code == d.code) {
                Some((_, LintLevel::Allow, _)) => false,
                Some((code, LintLevel::Deny, span)) => {
                    d.severity = Severity::Error;
                    d.related
                        .push((*span, format!("`{code}` is denied here, in [lints]")));
                    true
                }
                _ => true,
            }
        });
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
    /// A new error. A message longer than [`MAX_MESSAGE_CHARS`] is shortened (a quoted
    /// value can be as long as the file it came from).
    pub fn error(code: &'static str, span: Span, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            code,
            message: shorten(message.into()),
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
        self.hint = Some(shorten(hint.into()));
        self
    }

    /// Adds an optional hint.
    pub fn with_hint_opt(mut self, hint: Option<String>) -> Self {
        self.hint = hint.map(shorten);
        self
    }

    /// Adds a related location.
    pub fn with_related(mut self, span: Span, note: impl Into<String>) -> Self {
        self.related.push((span, shorten(note.into())));
        self
    }
}

/// Longest message, hint or note a diagnostic keeps, in characters.
pub const MAX_MESSAGE_CHARS: usize = 400;

/// Cuts `text` to [`MAX_MESSAGE_CHARS`], marking the cut with `…`.
fn shorten(mut text: String) -> String {
    if let Some((at, _)) = text.char_indices().nth(MAX_MESSAGE_CHARS) {
        text.truncate(at);
        text.push('…');
    }
    text
}

/// True for characters that must not reach a terminal raw: control characters (ESC, BEL,
/// C1 controls…) and the invisible bidirectional overrides that can reorder a line.
fn needs_escape(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Text with every character that could drive a terminal written as a Rust escape, e.g.
/// ESC as `\u{1b}`; everything else as it is.
pub fn escape_control(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs_escape(c) {
            let _ = write!(out, "\\u{{{:x}}}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
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

    /// Renames the files whose name starts with `from` to start with `to` instead (a
    /// manuscript read from a temporary copy is shown under the name it has elsewhere).
    pub fn rename_prefix(&mut self, from: &str, to: &str) {
        for f in &mut self.files {
            if let Some(rest) = f.name.strip_prefix(from) {
                f.name = format!("{to}{rest}");
            }
        }
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

    /// The span from line `line`, column `column` (1-based, columns in characters) to the
    /// end of that line, in the file shown as `name` (or whose path ends with it).
    pub fn span_at(&self, name: &str, line: usize, column: usize) -> Option<Span> {
        let (id, file) = self
            .iter()
            .find(|(_, f)| f.name == name || (!name.is_empty() && f.path.ends_with(name)))?;
        let start_of_line = *file.line_starts.get(line.checked_sub(1)?)?;
        let rest = file.text.get(start_of_line..)?;
        let line_len = rest.find('\n').unwrap_or(rest.len());
        let start = start_of_line
            + rest[..line_len]
                .char_indices()
                .nth(column.saturating_sub(1))
                .map_or(line_len, |(i, _)| i);
        Some(Span {
            file: id,
            start,
            end: (start_of_line + line_len).max(start),
        })
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

/// rustc-style text with the offending source line and a caret. Each source line shown is
/// cut to a window around its labels and has its control characters escaped (see
/// [`Snippets`]), so a report stays short and a manuscript cannot drive the terminal.
pub fn render_human(diags: &[Diagnostic], sources: &Sources, color: bool) -> String {
    let config = term::Config::default();
    let mut out = String::new();
    for d in diags {
        let mut labels = vec![(d.span, None)];
        labels.extend(d.related.iter().map(|(span, note)| (*span, Some(note))));
        let snippets = Snippets::new(sources, labels.iter().map(|(span, _)| *span));
        let mut cs_labels = Vec::new();
        for (i, (span, note)) in labels.iter().enumerate() {
            let range = snippets.range(*span);
            let label = if i == 0 {
                Label::primary(span.file, range)
            } else {
                Label::secondary(span.file, range)
            };
            cs_labels.push(match note {
                Some(note) => label.with_message(escape_control(note)),
                None => label,
            });
        }
        let mut cs = match d.severity {
            Severity::Error => CsDiagnostic::error(),
            Severity::Warning => CsDiagnostic::warning(),
        }
        .with_code(d.code)
        .with_message(escape_control(&d.message))
        .with_labels(cs_labels);
        if let Some(hint) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {}", escape_control(hint))]);
        }
        let rendered = if color {
            let mut buffer = term::termcolor::Buffer::ansi();
            term::emit_to_write_style(&mut buffer, &config, &snippets, &cs)
                .ok()
                .and_then(|()| String::from_utf8(buffer.into_inner()).ok())
        } else {
            term::emit_into_string(&config, &snippets, &cs).ok()
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
                    escape_control(&d.message),
                    escape_control(sources.name(d.span))
                );
            }
        }
    }
    out
}

/// Characters of a long source line shown before a label's start.
const SNIPPET_BEFORE: usize = 40;
/// Characters of a long source line shown from the last label's start on.
const SNIPPET_AFTER: usize = 120;

/// The source lines one diagnostic shows, as a codespan file set: only the lines its labels
/// start on, each cut to a window around the labels (`…` marks a cut) and with control
/// characters escaped. Line and column numbers stay those of the real file.
struct Snippets<'a> {
    sources: &'a Sources,
    files: std::collections::BTreeMap<FileId, Snippet>,
}

/// The shown lines of one file.
#[derive(Default)]
struct Snippet {
    text: String,
    /// Per shown line: where it starts in `text` and its real 0-based line index.
    lines: Vec<(usize, usize)>,
    /// Real span → range in `text`, for every label in this file.
    ranges: Vec<(Span, Range<usize>)>,
    /// Start of each label in `text` → its real 1-based column.
    columns: Vec<(usize, usize)>,
}

impl<'a> Snippets<'a> {
    fn new(sources: &'a Sources, spans: impl Iterator<Item = Span>) -> Self {
        let mut by_line: std::collections::BTreeMap<(FileId, usize), Vec<Span>> =
            std::collections::BTreeMap::new();
        for span in spans {
            let Some(file) = sources.get(span.file) else {
                continue;
            };
            let at = floor_char(&file.text, span.start.min(file.text.len()));
            let line = match file.line_starts.binary_search(&at) {
                Ok(l) => l,
                Err(l) => l.saturating_sub(1),
            };
            by_line.entry((span.file, line)).or_default().push(span);
        }
        let mut files: std::collections::BTreeMap<FileId, Snippet> =
            std::collections::BTreeMap::new();
        for ((id, line), spans) in by_line {
            let Some(file) = sources.get(id) else {
                continue;
            };
            let snippet = files.entry(id).or_default();
            snippet.add_line(&file.text, &file.line_starts, line, &spans);
        }
        Snippets { sources, files }
    }

    /// Where a label's span lies in its snippet.
    fn range(&self, span: Span) -> Range<usize> {
        self.files
            .get(&span.file)
            .and_then(|s| s.ranges.iter().find(|(sp, _)| *sp == span))
            .map_or(0..0, |(_, r)| r.clone())
    }
}

impl Snippet {
    fn add_line(&mut self, text: &str, line_starts: &[usize], line: usize, spans: &[Span]) {
        let line_start = line_starts[line];
        let mut line_end = line_starts.get(line + 1).copied().unwrap_or(text.len());
        let raw = &text[line_start..line_end];
        line_end = line_start + raw.trim_end_matches(['\n', '\r']).len();
        let line_text = &text[line_start..line_end];
        // Character offsets (within the line) of each label's start and end.
        let char_at = |byte: usize| -> usize {
            let byte = floor_char(text, byte.clamp(line_start, line_end));
            text[line_start..byte].chars().count()
        };
        let marks: Vec<(Span, usize, usize)> = spans
            .iter()
            .map(|s| (*s, char_at(s.start), char_at(s.end.max(s.start))))
            .collect();
        let first = marks.iter().map(|m| m.1).min().unwrap_or(0);
        let last = marks.iter().map(|m| m.1).max().unwrap_or(0);
        let from = first.saturating_sub(SNIPPET_BEFORE);
        let to = last + SNIPPET_AFTER;
        let start = self.text.len();
        self.lines.push((start, line));
        if from > 0 {
            self.text.push('…');
        }
        let mut at_char: Vec<usize> = Vec::new();
        let mut cut_at_end = false;
        for (i, c) in line_text.chars().enumerate() {
            if i < from {
                continue;
            }
            if i >= to {
                cut_at_end = true;
                break;
            }
            at_char.push(self.text.len());
            if needs_escape(c) {
                let _ = write!(self.text, "\\u{{{:x}}}", u32::from(c));
            } else {
                self.text.push(c);
            }
        }
        let shown_end = self.text.len();
        if cut_at_end {
            self.text.push('…');
        }
        self.text.push('\n');
        let offset = |ch: usize| -> usize {
            if ch < from {
                start
            } else {
                at_char.get(ch - from).copied().unwrap_or(shown_end)
            }
        };
        for (span, s, e) in marks {
            let range = offset(s)..offset(e).max(offset(s));
            self.columns.push((range.start, s + 1));
            self.ranges.push((span, range));
        }
    }
}

/// The largest char boundary at or before `at`.
fn floor_char(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

impl<'s> Files<'s> for Snippets<'_> {
    type FileId = FileId;
    type Name = std::borrow::Cow<'s, str>;
    type Source = &'s str;

    fn name(&'s self, id: FileId) -> Result<Self::Name, files::Error> {
        self.sources
            .get(id)
            .map(|f| escape_control(&f.name))
            .ok_or(files::Error::FileMissing)
    }

    fn source(&'s self, id: FileId) -> Result<&'s str, files::Error> {
        self.files
            .get(&id)
            .map(|f| f.text.as_str())
            .ok_or(files::Error::FileMissing)
    }

    fn line_index(&'s self, id: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let file = self.files.get(&id).ok_or(files::Error::FileMissing)?;
        Ok(
            match file.lines.binary_search_by_key(&byte_index, |l| l.0) {
                Ok(l) => l,
                Err(l) => l.saturating_sub(1),
            },
        )
    }

    fn line_number(&'s self, id: FileId, line_index: usize) -> Result<usize, files::Error> {
        let file = self.files.get(&id).ok_or(files::Error::FileMissing)?;
        file.lines
            .get(line_index)
            .map(|l| l.1 + 1)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: file.lines.len().saturating_sub(1),
            })
    }

    fn column_number(
        &'s self,
        id: FileId,
        line_index: usize,
        byte_index: usize,
    ) -> Result<usize, files::Error> {
        let file = self.files.get(&id).ok_or(files::Error::FileMissing)?;
        if let Some((_, column)) = file.columns.iter().find(|(at, _)| *at == byte_index) {
            return Ok(*column);
        }
        let range = self.line_range(id, line_index)?;
        Ok(files::column_index(&file.text, range, byte_index) + 1)
    }

    fn line_range(&'s self, id: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.files.get(&id).ok_or(files::Error::FileMissing)?;
        let start = file
            .lines
            .get(line_index)
            .ok_or(files::Error::LineTooLarge {
                given: line_index,
                max: file.lines.len().saturating_sub(1),
            })?
            .0;
        let end = file
            .lines
            .get(line_index + 1)
            .map_or(file.text.len(), |l| l.0);
        Ok(start..end)
    }
}

/// Start and end (1-based line, column) of a span.
fn range_of(sources: &Sources, span: Span) -> ((usize, usize), (usize, usize)) {
    let end = Span {
        start: span.end.max(span.start),
        ..span
    };
    (sources.line_col(span), sources.line_col(end))
}

/// One JSON object per line: reason (`"diagnostic"`), severity, code, message, file, line,
/// column, end_line, end_column, hint, related.
pub fn render_json(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    for d in diags {
        let ((line, column), (end_line, end_column)) = range_of(sources, d.span);
        let related: Vec<serde_json::Value> = d
            .related
            .iter()
            .map(|(span, note)| {
                let ((line, column), (end_line, end_column)) = range_of(sources, *span);
                serde_json::json!({
                    "file": sources.name(*span),
                    "line": line,
                    "column": column,
                    "end_line": end_line,
                    "end_column": end_column,
                    "message": note,
                })
            })
            .collect();
        let value = serde_json::json!({
            "reason": "diagnostic",
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

/// GitHub Actions workflow commands, which show up as annotations on the offending lines:
/// one `::error` or `::warning` per diagnostic (with its whole range), and one `::notice`
/// per related location ("first defined here"), titled with the diagnostic's code.
pub fn render_github(diags: &[Diagnostic], sources: &Sources) -> String {
    let mut out = String::new();
    let mut command = |kind: &str, span: Span, title: &str, message: &str| {
        let ((line, col), (end_line, end_col)) = range_of(sources, span);
        let _ = writeln!(
            out,
            "::{kind} file={},line={line},endLine={end_line},col={col},endColumn={end_col},title={}::{}",
            escape_property(&escape_control(sources.name(span))),
            escape_property(title),
            escape_data(message)
        );
    };
    for d in diags {
        let mut message = escape_control(&d.message).into_owned();
        if let Some(hint) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(&escape_control(hint));
        }
        command(d.severity.as_str(), d.span, d.code, &message);
        for (span, note) in &d.related {
            let note = format!("{} (see {})", escape_control(note), d.code);
            command("notice", *span, d.code, &note);
        }
    }
    out
}

pub(crate) fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

pub(crate) fn escape_property(s: &str) -> String {
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

/// Most candidates a "did you mean" search compares (the first ones, in the order given),
/// so that a hint costs the same in a manuscript of any size.
pub const MAX_HINT_CANDIDATES: usize = 2_000;
/// Longest name, in bytes, a "did you mean" search compares (ids are far shorter; the
/// similarity measure costs the product of the two lengths).
const MAX_HINT_LEN: usize = 128;

/// The closest candidate to `given`, if it is close enough to be a likely typo. Compares
/// at most [`MAX_HINT_CANDIDATES`] candidates, none longer than 128 bytes.
pub fn suggest<'a>(given: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    if given.len() > MAX_HINT_LEN {
        return None;
    }
    let given = given.to_lowercase();
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates.into_iter().take(MAX_HINT_CANDIDATES) {
        if candidate.len() > MAX_HINT_LEN {
            continue;
        }
        let score = strsim::jaro_winkler(&given, &candidate.to_lowercase());
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

/// Most diagnostics of one rule (code) that are reported; the rest are counted in one
/// summary, so that a manuscript with a million mistakes gives a short report quickly.
pub const MAX_PER_RULE: usize = 100;

/// Keeps at most [`MAX_PER_RULE`] diagnostics per rule and counts the rest.
#[derive(Debug, Default)]
pub struct RuleLimit {
    kept: std::collections::HashMap<&'static str, usize>,
    omitted: std::collections::BTreeMap<&'static str, (Severity, Span, usize)>,
}

impl RuleLimit {
    /// True while another diagnostic of `code` would be reported: a rule checks this before
    /// doing costly work (a "did you mean" search) for a diagnostic that would be dropped.
    pub fn has_room(&self, code: &str) -> bool {
        self.kept.get(code).copied().unwrap_or(0) < MAX_PER_RULE
    }

    /// Appends `d` to `out`, or counts it when its rule is full.
    pub fn push(&mut self, out: &mut Vec<Diagnostic>, d: Diagnostic) {
        if self.has_room(d.code) {
            *self.kept.entry(d.code).or_default() += 1;
            out.push(d);
        } else {
            self.omit(d.code, d.severity, d.span, 1);
        }
    }

    /// Counts `n` diagnostics of a rule that were not built at all; `span` is the first.
    pub fn omit(&mut self, code: &'static str, severity: Severity, span: Span, n: usize) {
        if n > 0 {
            self.omitted.entry(code).or_insert((severity, span, 0)).2 += n;
        }
    }

    /// One diagnostic per rule that had some left out, at the first one left out.
    pub fn summaries(self) -> Vec<Diagnostic> {
        self.omitted
            .into_iter()
            .map(|(code, (severity, span, n))| {
                let kind = match severity {
                    Severity::Error => "error",
                    Severity::Warning => "warning",
                };
                Diagnostic {
                    severity,
                    ..Diagnostic::error(
                        code,
                        span,
                        format!(
                            "{n} more `{code}` {kind}{} not shown, the first here",
                            if n == 1 { " is" } else { "s are" }
                        ),
                    )
                }
                .with_hint(format!(
                    "at most {MAX_PER_RULE} problems are reported per rule: fix the ones shown and check again"
                ))
            })
            .collect()
    }
}

/// Keeps the first [`MAX_PER_RULE`] diagnostics of each rule, in order, and adds one
/// summary per rule for the rest.
pub fn limit_per_rule(diags: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let mut limit = RuleLimit::default();
    let mut out = Vec::with_capacity(diags.len().min(4 * MAX_PER_RULE));
    for d in diags {
        limit.push(&mut out, d);
    }
    out.extend(limit.summaries());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_file(text: &str) -> (Sources, FileId) {
        let mut sources = Sources::default();
        let id = sources.add("m/x.toml".into(), "m/x.toml".into(), text.to_string());
        (sources, id)
    }

    #[test]
    fn snippets_escape_control_characters() {
        // Intent: ESC and BEL from a manuscript reach the terminal as `\u{1b}` and `\u{7}`,
        // never raw, in the snippet, the message and the file name.
        let text = "a = 1\ntitle = \"\u{1b}]0;owned\u{7}\u{1b}[2J\"\n";
        let (sources, file) = one_file(text);
        let at = text.find('\u{1b}').expect("esc");
        let d = Diagnostic::error(
            "toml-syntax",
            Span {
                file,
                start: at,
                end: at + 1,
            },
            "bad \u{1b}[31m text",
        );
        let out = render_human(&[d], &sources, false);
        assert!(!out.contains(['\u{1b}', '\u{7}']), "{out:?}");
        assert!(out.contains("\"\\u{1b}]0;owned\\u{7}\\u{1b}[2J\""), "{out}");
        assert!(out.contains("bad \\u{1b}[31m text"), "{out}");
        assert!(out.contains("m/x.toml:2:10"), "{out}");
    }

    #[test]
    fn snippets_of_long_lines_are_cut_around_the_label() {
        // Intent: a diagnostic in the middle of a 1 MB line prints a short window around
        // the label, with the real line and column.
        let mut text = "x".repeat(500_000);
        text.push_str("BAD");
        text.push_str(&"y".repeat(500_000));
        let (sources, file) = one_file(&text);
        let d = Diagnostic::error(
            "invalid-id",
            Span {
                file,
                start: 500_000,
                end: 500_003,
            },
            "m",
        );
        let out = render_human(&[d], &sources, false);
        assert!(out.len() < 1_000, "{} bytes", out.len());
        assert!(out.contains("m/x.toml:1:500001"), "{out}");
        assert!(
            out.contains(&format!("…{}BAD{}…", "x".repeat(40), "y".repeat(117))),
            "{out}"
        );
        assert!(out.contains("^^^"), "{out}");
    }

    #[test]
    fn each_rule_reports_at_most_its_limit_and_a_summary() {
        // Intent: 250 diagnostics of one rule become 100 and one summary counting 150.
        let (_, file) = one_file("x");
        let diags = (0..250)
            .map(|i| {
                Diagnostic::warning(
                    "unassigned-owner",
                    Span {
                        file,
                        start: i,
                        end: i,
                    },
                    "w",
                )
            })
            .chain(std::iter::once(Diagnostic::error(
                "invalid-id",
                Span::default(),
                "e",
            )))
            .collect();
        let out = limit_per_rule(diags);
        assert_eq!(out.len(), MAX_PER_RULE + 2);
        let summary = out.last().expect("summary");
        assert_eq!(summary.code, "unassigned-owner");
        assert_eq!(summary.severity, Severity::Warning);
        assert_eq!(summary.span.start, 100);
        assert!(
            summary
                .message
                .starts_with("150 more `unassigned-owner` warnings"),
            "{}",
            summary.message
        );
    }

    #[test]
    fn hints_compare_a_bounded_number_of_candidates() {
        // Intent: the hint search looks at no more than MAX_HINT_CANDIDATES names, and never
        // at huge ones.
        let names: Vec<String> = (0..10_000).map(|i| format!("section-{i}")).collect();
        let compared = std::cell::Cell::new(0usize);
        let counted = names.iter().map(|n| {
            compared.set(compared.get() + 1);
            n.as_str()
        });
        assert_eq!(suggest("section-1", counted), Some("section-1"));
        assert_eq!(compared.get(), MAX_HINT_CANDIDATES);
        let huge = "x".repeat(10_000);
        assert_eq!(suggest(&huge, [huge.as_str()]), None);
    }
}
