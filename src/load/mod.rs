//! Loading: finds the manuscript's files, parses the TOML, and lowers it into the model.
//!
//! Layout of a manuscript folder (documented in the README):
//!
//! - `supplement.toml` — the supplement, its base book and section map, team, history,
//!   reasons, general notes and floating topics (required);
//! - `references.toml` — every cited document (optional);
//! - `parts/*.toml` — one file per part, read in file-name order (required folder);
//! - `styles/` — optional overrides of the built-in templates and style sheets.
//!
//! Problems with what a file says are diagnostics (exit 1); a folder that cannot be read at
//! all is a [`LoadError`] (exit 2).

mod lower;
pub mod markdown;
mod raw;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostics::{did_you_mean, Diagnostic, Sources};
use crate::model::{FileId, Span, Supplement};
use crate::styles::Styles;

/// The main manuscript file.
pub const SUPPLEMENT_FILE: &str = "supplement.toml";
/// The optional references file.
pub const REFERENCES_FILE: &str = "references.toml";
/// The folder of part files.
pub const PARTS_DIR: &str = "parts";
/// The folder of style overrides.
pub const STYLES_DIR: &str = "styles";

/// Largest manuscript file accepted, in bytes.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// Most revision points a manuscript may have (a hundred times the bundled manuscript's
/// size builds in about a second with 2,000 points; far more would take minutes and
/// gigabytes, so it is refused up front).
pub const MAX_POINTS: usize = 20_000;

/// A manuscript folder that cannot be read at all.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The folder does not exist or is not a folder.
    #[error("manuscript folder {0:?} does not exist")]
    NoFolder(PathBuf),
    /// The folder has no `supplement.toml`.
    #[error("{0:?} is not a manuscript: it has no {SUPPLEMENT_FILE}")]
    NoSupplement(PathBuf),
    /// A file or folder could not be read.
    #[error("cannot read {path:?}: {source}")]
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// What loading produced: every file read, the model (when every file could be read into
/// its raw form), and the problems found on the way.
#[derive(Debug)]
pub struct Loaded {
    /// Every file read, for rendering diagnostics.
    pub sources: Sources,
    /// The model, unless a file could not be parsed.
    pub supplement: Option<Supplement>,
    /// Problems found while loading.
    pub diagnostics: Vec<Diagnostic>,
    /// Built-in styles with the manuscript's overrides applied.
    pub styles: Styles,
}

/// Loads the manuscript in `dir`.
pub fn load(dir: &Path) -> Result<Loaded, LoadError> {
    if !dir.is_dir() {
        return Err(LoadError::NoFolder(dir.to_path_buf()));
    }
    let root = dir.canonicalize().map_err(|source| LoadError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let supplement_path = dir.join(SUPPLEMENT_FILE);
    if !supplement_path.is_file() {
        return Err(LoadError::NoSupplement(dir.to_path_buf()));
    }

    let mut reader = Reader {
        dir,
        root,
        sources: Sources::default(),
        diagnostics: Vec::new(),
        points: 0,
    };

    let main = reader.read::<raw::SupplementFile>(SUPPLEMENT_FILE)?;
    let references = if dir.join(REFERENCES_FILE).exists() {
        reader.read::<raw::ReferencesFile>(REFERENCES_FILE)?
    } else {
        Some((
            FileId::default(),
            raw::ReferencesFile {
                reference: Vec::new(),
            },
        ))
    };

    let mut parts = Vec::new();
    let mut parts_ok = true;
    for name in part_files(dir)? {
        match reader.read::<raw::PartFile>(&name)? {
            Some(part) => parts.push(part),
            None => parts_ok = false,
        }
    }
    if parts.is_empty() && parts_ok {
        if let Some((file, _)) = &main {
            reader.diagnostics.push(
                Diagnostic::error(
                    "no-parts",
                    Span {
                        file: *file,
                        start: 0,
                        end: 0,
                    },
                    "the manuscript has no parts",
                )
                .with_hint(format!(
                    "add at least one part file, e.g. {PARTS_DIR}/01-intro.toml"
                )),
            );
        }
    }

    let styles = reader.styles()?;
    let Reader {
        sources,
        mut diagnostics,
        ..
    } = reader;
    let supplement = match (main, references, parts_ok) {
        (Some(main), Some(references), true) => Some(lower::lower(
            &sources,
            main,
            references,
            parts,
            &mut diagnostics,
        )),
        _ => None,
    };
    Ok(Loaded {
        sources,
        supplement,
        diagnostics,
        styles,
    })
}

/// The part files of a manuscript, relative to it, in the order they are read.
fn part_files(dir: &Path) -> Result<Vec<String>, LoadError> {
    let parts_dir = dir.join(PARTS_DIR);
    if !parts_dir.is_dir() {
        return Ok(Vec::new());
    }
    let entries = std::fs::read_dir(&parts_dir).map_err(|source| LoadError::Io {
        path: parts_dir.clone(),
        source,
    })?;
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| LoadError::Io {
            path: parts_dir.clone(),
            source,
        })?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".toml") && !name.starts_with('.') {
            names.push(format!("{PARTS_DIR}/{name}"));
        }
    }
    names.sort();
    Ok(names)
}

struct Reader<'a> {
    dir: &'a Path,
    root: PathBuf,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    /// Revision points counted so far.
    points: usize,
}

impl Reader<'_> {
    /// Applies the manuscript's `styles/` overrides to the built-in styles.
    fn styles(&mut self) -> Result<Styles, LoadError> {
        let mut styles = Styles::builtin();
        let dir = self.dir.join(STYLES_DIR);
        if !dir.is_dir() {
            return Ok(styles);
        }
        let mut names = Vec::new();
        let mut pending = vec![String::new()];
        while let Some(sub) = pending.pop() {
            let here = dir.join(&sub);
            let entries = std::fs::read_dir(&here).map_err(|source| LoadError::Io {
                path: here.clone(),
                source,
            })?;
            for entry in entries.flatten() {
                let name = entry.file_name().to_string_lossy().into_owned();
                if name.starts_with('.') {
                    continue;
                }
                let rel = if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                };
                if entry.path().is_dir() {
                    pending.push(rel);
                } else {
                    names.push(rel);
                }
            }
        }
        names.sort();
        for name in names {
            let Some(file) = self.read_text(&format!("{STYLES_DIR}/{name}"))? else {
                continue;
            };
            let span = Span {
                file,
                start: 0,
                end: 0,
            };
            if !Styles::is_known(&name) {
                let known: Vec<&str> = crate::styles::BUILTIN.iter().map(|(n, _)| *n).collect();
                self.diagnostics.push(
                    Diagnostic::warning(
                        "unknown-style",
                        span,
                        format!("{STYLES_DIR}/{name} overrides no built-in style and is ignored"),
                    )
                    .with_hint_opt(
                        did_you_mean(&name, known.iter().copied()).or_else(|| {
                            Some(format!(
                                "style files that can be overridden: {}",
                                known.join(", ")
                            ))
                        }),
                    ),
                );
                continue;
            }
            let text = self
                .sources
                .get(file)
                .map(|f| f.text.clone())
                .unwrap_or_default();
            if let Some((at, c)) = text.char_indices().find(|&(_, c)| !xml_allowed(c)) {
                self.diagnostics.push(
                    Diagnostic::error(
                        "forbidden-character",
                        Span {
                            file,
                            start: at,
                            end: at + c.len_utf8(),
                        },
                        format!(
                            "text contains the control character U+{:04X}, which XML 1.0 forbids",
                            u32::from(c)
                        ),
                    )
                    .with_hint("remove the character"),
                );
                continue;
            }
            if name.ends_with(".toml") {
                // Escapes such as \u000B decode to forbidden characters: scan the values.
                let (tree, _) = DeTable::parse_recoverable(&text);
                let before = self.diagnostics.len();
                scan_strings(file, &tree, &mut self.diagnostics);
                if self.diagnostics.len() > before {
                    continue;
                }
            }
            if let Err(error) = styles.set(&name, text) {
                self.diagnostics.push(toml_error(file, &error));
            }
        }
        Ok(styles)
    }

    /// Reads a file as UTF-8 text inside the manuscript folder; `None` when it has errors
    /// (already reported).
    fn read_text(&mut self, name: &str) -> Result<Option<FileId>, LoadError> {
        let path = self.dir.join(name);
        let io = |source| LoadError::Io {
            path: path.clone(),
            source,
        };
        let meta = std::fs::metadata(&path).map_err(io)?;
        let shown = self.shown(name, &path);

        // Confinement: a file must really live inside the manuscript folder.
        let real = path.canonicalize().map_err(io)?;
        if !real.starts_with(&self.root) {
            let file = self.sources.add(path.clone(), shown, String::new());
            self.diagnostics.push(
                Diagnostic::error(
                    "outside-manuscript",
                    Span { file, start: 0, end: 0 },
                    format!("{name:?} points outside the manuscript folder (to {real:?})"),
                )
                .with_hint("manuscript files must live inside the manuscript folder; copy the file in instead of linking to it"),
            );
            return Ok(None);
        }
        if !meta.is_file() {
            let file = self.sources.add(path.clone(), shown, String::new());
            self.diagnostics.push(
                Diagnostic::error(
                    "outside-manuscript",
                    Span {
                        file,
                        start: 0,
                        end: 0,
                    },
                    format!("{name:?} is not a regular file"),
                )
                .with_hint("manuscript files must be ordinary files inside the manuscript folder"),
            );
            return Ok(None);
        }
        if meta.len() > MAX_FILE_BYTES {
            let file = self.sources.add(path.clone(), shown, String::new());
            self.diagnostics.push(Diagnostic::error(
                "file-too-large",
                Span {
                    file,
                    start: 0,
                    end: 0,
                },
                format!(
                    "{name:?} is {} bytes; the limit is {MAX_FILE_BYTES}",
                    meta.len()
                ),
            ));
            return Ok(None);
        }

        let mut bytes = std::fs::read(&path).map_err(io)?;
        // A byte-order mark is allowed and ignored.
        if bytes.starts_with(b"\xef\xbb\xbf") {
            bytes.drain(..3);
        }
        let (text, utf8_error) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                // The lossy text is identical up to the first bad byte, which becomes
                // U+FFFD: the diagnostic points at that character.
                let at = e.utf8_error().valid_up_to();
                (String::from_utf8_lossy(e.as_bytes()).into_owned(), Some(at))
            }
        };
        let file = self.sources.add(path.clone(), shown, text);
        if let Some(at) = utf8_error {
            self.diagnostics.push(
                Diagnostic::error(
                    "invalid-utf8",
                    Span {
                        file,
                        start: at,
                        end: at + '\u{fffd}'.len_utf8(),
                    },
                    "the file is not valid UTF-8",
                )
                .with_hint("save the file as UTF-8"),
            );
            return Ok(None);
        }
        Ok(Some(file))
    }

    /// Counts the revision points of a parsed part file against [`MAX_POINTS`] (over all
    /// files); past the limit, reports the first point over it and returns false.
    fn within_point_limit(&mut self, file: FileId, tree: &Spanned<DeTable<'_>>) -> bool {
        let Some(points) = tree
            .get_ref()
            .get("point")
            .and_then(|v| v.get_ref().as_array())
        else {
            return true;
        };
        let allowed = MAX_POINTS.saturating_sub(self.points);
        self.points += points.len();
        if points.len() <= allowed {
            return true;
        }
        let range = points[allowed].span();
        self.diagnostics.push(
            Diagnostic::error(
                "too-many-points",
                Span {
                    file,
                    start: range.start,
                    end: range.start,
                },
                format!("the manuscript has more than {MAX_POINTS} revision points"),
            )
            .with_hint("split the supplement into several manuscripts"),
        );
        false
    }

    /// How a file of the manuscript is named in diagnostics.
    fn shown(&self, name: &str, path: &Path) -> String {
        if self.dir == Path::new(".") {
            name.to_string()
        } else {
            path.display().to_string()
        }
    }

    /// Reads one file into its raw form; `None` when it has errors (already reported).
    fn read<T: DeserializeOwned>(&mut self, name: &str) -> Result<Option<(FileId, T)>, LoadError> {
        let Some(file) = self.read_text(name)? else {
            return Ok(None);
        };
        let text = &self
            .sources
            .get(file)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let (tree, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            let mut seen: Vec<Diagnostic> = Vec::new();
            for error in errors {
                let d = toml_error(file, &error);
                // Deep nesting repeats one error per level: report it once.
                if !seen
                    .iter()
                    .any(|s| s.message == d.message && s.span == d.span)
                {
                    seen.push(d);
                }
            }
            self.diagnostics.extend(seen);
            return Ok(None);
        }
        if name.starts_with(PARTS_DIR) && !self.within_point_limit(file, &tree) {
            return Ok(None);
        }
        let before = self.diagnostics.len();
        scan_strings(file, &tree, &mut self.diagnostics);
        if self.diagnostics.len() > before {
            return Ok(None);
        }
        let error = match T::deserialize(toml::de::Deserializer::from(tree)) {
            Ok(value) => return Ok(Some((file, value))),
            Err(error) => error,
        };
        // serde stops at the first problem. Misspelt keys and wrong values are common and
        // independent of each other, so drop the offending key and try again, to report
        // them all at once.
        const RECOVERABLE: [&str; 3] = ["unknown-key", "unknown-value", "invalid-type"];
        let mut found = vec![toml_error(file, &error)];
        let mut removed_at: Vec<usize> = Vec::new();
        let mut removed_keys: Vec<String> = Vec::new();
        let mut next = error.span().map(|r| r.start);
        while found.last().is_some_and(|d| RECOVERABLE.contains(&d.code)) && found.len() < 50 {
            let Some(at) = next else { break };
            removed_at.push(at);
            let Ok(mut tree) = DeTable::parse(text) else {
                break;
            };
            removed_keys.clear();
            for &at in &removed_at {
                match remove_key_at(tree.get_mut(), at) {
                    Some(key) => removed_keys.push(key),
                    None => break,
                }
            }
            if removed_keys.len() != removed_at.len() {
                break;
            }
            match T::deserialize(toml::de::Deserializer::from(tree)) {
                Ok(_) => break,
                Err(error) => {
                    next = error.span().map(|r| r.start);
                    found.push(toml_error(file, &error));
                }
            }
        }
        // A required key reported missing only because its entry was dropped above — or
        // because it was misspelt, which the "did you mean" hint already says — is noise.
        let meant: Vec<String> = found
            .iter()
            .filter(|d| d.code == "unknown-key")
            .filter_map(|d| d.hint.as_deref()?.split('`').nth(1).map(str::to_string))
            .chain(removed_keys.iter().cloned())
            .collect();
        found.retain(|d| {
            d.code != "missing-key"
                || !meant
                    .iter()
                    .any(|m| d.message == format!("missing key `{m}`"))
        });
        found.sort_by_key(|d| d.span.start);
        self.diagnostics.extend(found);
        Ok(None)
    }
}

/// Removes from a parsed table (at any depth) the entry whose key or value is written at
/// byte `at`; returns the key's name.
fn remove_key_at(table: &mut DeTable<'_>, at: usize) -> Option<String> {
    let key = table
        .iter()
        .find(|(key, value)| key.span().start == at || value.span().start == at)
        .map(|(key, _)| key.clone());
    if let Some(key) = key {
        table.remove(&key)?;
        return Some(key.get_ref().to_string());
    }
    table
        .iter_mut()
        .find_map(|(_, value)| remove_key_in(value.get_mut(), at))
}

fn remove_key_in(value: &mut DeValue<'_>, at: usize) -> Option<String> {
    match value {
        DeValue::Table(table) => remove_key_at(table, at),
        DeValue::Array(items) => items
            .iter_mut()
            .find_map(|item| remove_key_in(item.get_mut(), at)),
        _ => None,
    }
}

pub use crate::model::xml_allowed;

/// Reports every key and string that holds a character XML 1.0 forbids (such text would
/// make the DOCX unreadable), at the string that holds it.
fn scan_strings(file: FileId, tree: &Spanned<DeTable<'_>>, diags: &mut Vec<Diagnostic>) {
    let mut check = |text: &str, range: std::ops::Range<usize>| {
        if let Some(c) = text.chars().find(|&c| !xml_allowed(c)) {
            diags.push(
                Diagnostic::error(
                    "forbidden-character",
                    Span {
                        file,
                        start: range.start,
                        end: range.end,
                    },
                    format!(
                        "text contains the control character U+{:04X}, which XML 1.0 forbids",
                        u32::from(c)
                    ),
                )
                .with_hint("remove the character; use a new line or a Markdown list for layout"),
            );
        }
    };
    let mut stack: Vec<&Spanned<DeValue<'_>>> = Vec::new();
    for (key, value) in tree.get_ref() {
        check(key.get_ref(), key.span());
        stack.push(value);
    }
    while let Some(value) = stack.pop() {
        match value.get_ref() {
            DeValue::String(s) => check(s, value.span()),
            DeValue::Array(items) => stack.extend(items.iter()),
            DeValue::Table(table) => {
                for (key, value) in table {
                    check(key.get_ref(), key.span());
                    stack.push(value);
                }
            }
            _ => {}
        }
    }
}

/// Turns a TOML parse or deserialize error into a located diagnostic with a code and hint.
fn toml_error(file: FileId, error: &toml::de::Error) -> Diagnostic {
    let range = error.span().unwrap_or(0..0);
    let span = Span {
        file,
        start: range.start,
        end: range.end,
    };
    let message = error.message().trim().to_string();
    let (code, text, hint) = if let Some(rest) = message.strip_prefix("unknown field ") {
        let (given, expected) = split_expected(rest);
        let top_level = given == "general_notes";
        let hint = if top_level {
            Some(
                "`general_notes` is a top-level key: move it above the first [table] of the file"
                    .to_string(),
            )
        } else {
            did_you_mean(&given, expected.iter().map(String::as_str))
        }
        .or_else(|| {
            (!expected.is_empty()).then(|| format!("valid keys here: {}", expected.join(", ")))
        });
        ("unknown-key", format!("unknown key `{given}`"), hint)
    } else if let Some(rest) = message.strip_prefix("unknown variant ") {
        let (given, expected) = split_expected(rest);
        let hint = did_you_mean(&given, expected.iter().map(String::as_str))
            .or_else(|| Some(format!("valid values: {}", expected.join(", "))));
        ("unknown-value", format!("unknown value `{given}`"), hint)
    } else if let Some(rest) = message.strip_prefix("missing field ") {
        let key = rest.trim_matches('`');
        (
            "missing-key",
            format!("missing key `{key}`"),
            Some(format!("add `{key} = …` to this table")),
        )
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        let hint = if message.contains("expected a string") {
            Some("quote the value, e.g. date = \"2024-04-01\" or pages = [\"12-19\"]".to_string())
        } else if message.contains("expected an array") || message.contains("expected a sequence") {
            Some("write a list in brackets, e.g. owners = [\"sato\"]".to_string())
        } else {
            None
        };
        ("invalid-type", plain_type_names(&message), hint)
    } else {
        ("toml-syntax", message.clone(), None)
    };
    Diagnostic::error(code, span, text).with_hint_opt(hint)
}

/// Replaces Rust type names in serde messages with words a manuscript author knows.
fn plain_type_names(message: &str) -> String {
    message
        .replace("expected i64", "expected an integer")
        .replace("expected u32", "expected a positive integer")
        .replace("expected a sequence", "expected an array")
        .replace("expected a map", "expected a table")
}

/// Splits serde's "`given`, expected one of `a`, `b`" into the given name and the choices.
fn split_expected(rest: &str) -> (String, Vec<String>) {
    let mut names = rest.split('`').skip(1).step_by(2).map(str::to_string);
    let given = names.next().unwrap_or_default();
    (given, names.collect())
}
