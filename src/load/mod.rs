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

mod figures;
mod lower;
pub use figures::{measure as measure_image, MAX_FIGURES, MAX_FIGURES_BYTES, MAX_FIGURE_BYTES};
pub use lower::{parse_date, parse_pages, MAX_ID_LEN};
pub mod markdown;
mod raw;

use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;
use toml::de::{DeTable, DeValue};
use toml::Spanned;

use crate::diagnostics::{did_you_mean, Diagnostic, LintLevel, Lints, Sources};
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
/// Most bytes all the files of a manuscript may hold together.
pub const MAX_MANUSCRIPT_BYTES: u64 = 64 * 1024 * 1024;
/// Most part files a manuscript may have (each is read, parsed and kept whole).
pub const MAX_PART_FILES: usize = 1_000;
/// Most entries (files and folders) read under `styles/`.
pub const MAX_STYLE_ENTRIES: usize = 1_000;
/// Deepest folder walked under `styles/` (overrides live at most one folder down).
pub const MAX_STYLE_DEPTH: usize = 4;

/// Most revision points a manuscript may have: room for the scale-300 synthetic
/// manuscript the benchmarks measure (6,000 points; the scale-100 one has 2,000 and takes
/// about 100 MB for every format at once).
pub const MAX_POINTS: usize = 7_500;
/// Most revision points and topics (nested, part and floating ones) a manuscript may have
/// together (the synthetic manuscripts have five per point).
pub const MAX_TOPICS: usize = 40_000;
/// Deepest nesting of topics under a revision point (or a part).
pub const MAX_TOPIC_DEPTH: usize = 12;

/// A file of a manuscript that has a JSON Schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchemaFile {
    /// `supplement.toml`.
    Supplement,
    /// `references.toml`.
    References,
    /// A file of `parts/`.
    Part,
}

impl SchemaFile {
    /// Every file that has a schema.
    pub const ALL: [SchemaFile; 3] = [Self::Supplement, Self::References, Self::Part];

    /// The name the schema is shipped under in the repository's `schema/` folder and
    /// written under by `init`.
    pub fn file_name(self) -> &'static str {
        match self {
            Self::Supplement => "supplement.schema.json",
            Self::References => "references.schema.json",
            Self::Part => "part.schema.json",
        }
    }
}

/// The JSON Schema (draft-07) of a manuscript file, generated from the structs the loader
/// reads it into, so it refuses the same unknown keys, missing keys, wrong types and
/// unknown values. Editors use it through Taplo / Even Better TOML.
pub fn schema(file: SchemaFile) -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07()
        .with_transform(schemars::transform::RecursiveTransform(no_null))
        .into_generator();
    let schema = match file {
        SchemaFile::Supplement => generator.into_root_schema_for::<raw::SupplementFile>(),
        SchemaFile::References => generator.into_root_schema_for::<raw::ReferencesFile>(),
        SchemaFile::Part => generator.into_root_schema_for::<raw::PartFile>(),
    };
    schema.to_value()
}

/// Takes `null` out of a schema: TOML has no null, and an absent key is what an `Option`
/// field means (`"type": ["string", "null"]` becomes `"type": "string"`, an `anyOf` with
/// a null branch its other branch).
fn no_null(schema: &mut schemars::Schema) {
    let Some(object) = schema.as_object_mut() else {
        return;
    };
    if let Some(serde_json::Value::Array(types)) = object.get_mut("type") {
        types.retain(|t| t != "null");
        if types.len() == 1 {
            let only = types.remove(0);
            object.insert("type".into(), only);
        }
    }
    if let Some(serde_json::Value::Array(branches)) = object.get_mut("anyOf") {
        branches.retain(|b| b.get("type").is_none_or(|t| t != "null"));
        if branches.len() == 1 {
            let only = branches.remove(0);
            object.remove("anyOf");
            if let serde_json::Value::Object(inner) = only {
                object.extend(inner);
            }
        }
    }
}

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
    #[error("cannot read {}", path.display())]
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
    /// The manuscript's `[lints]` (applied by [`crate::check`], once every rule has run).
    pub lints: Lints,
}

/// Loads the manuscript in `dir`.
pub fn load(dir: &Path) -> Result<Loaded, LoadError> {
    load_reading(dir, None).map(|(loaded, _)| loaded)
}

/// Files parsed by earlier loads of a manuscript (the preview server keeps one between
/// rebuilds), so that a load after a save parses only what changed.
///
/// Parsing a file is a function of its text, its place in the reading order (the file id
/// its diagnostics carry) and the number of revision points and topics counted before it
/// (the manuscript-wide limits): a file whose name, id, text and counts are all as before
/// gets the raw form, the counts and the diagnostics that parsing it gave then, which are
/// exactly what parsing it again would give. Everything else (reading the file, its
/// confinement and size checks, lowering into the model) runs as in [`load`]. The cache
/// keeps the files of the latest load only.
#[derive(Default)]
pub struct Cache {
    parsed: std::collections::HashMap<String, Parsed>,
    reused: usize,
}

impl Cache {
    /// How many files the latest load took from the cache instead of parsing them.
    pub fn reused(&self) -> usize {
        self.reused
    }
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("files", &self.parsed.len())
            .field("reused", &self.reused)
            .finish()
    }
}

/// One file as parsing left it.
struct Parsed {
    file: FileId,
    text: String,
    /// Revision points and topics counted before the file, and after it.
    counts: ((usize, usize), (usize, usize)),
    diagnostics: Vec<Diagnostic>,
    /// The `Option<T>` that parsing gave (`None` when the file has errors).
    raw: Box<dyn std::any::Any + Send + Sync>,
}

/// [`load`], reusing what `cache` holds of earlier loads and keeping this load's parsed
/// files in it. The result is the same as [`load`]'s.
pub fn load_with(dir: &Path, cache: &mut Cache) -> Result<Loaded, LoadError> {
    let previous = std::mem::take(&mut cache.parsed);
    let mut loaded = load_reading(dir, Some(previous));
    if let Ok((_, (parsed, reused))) = &mut loaded {
        cache.parsed = std::mem::take(parsed);
        cache.reused = *reused;
    }
    loaded.map(|(loaded, _)| loaded)
}

type ParsedFiles = std::collections::HashMap<String, Parsed>;

/// Loads, keeping the parsed files (and reusing `previous` ones) when there is a cache.
fn load_reading(
    dir: &Path,
    previous: Option<ParsedFiles>,
) -> Result<(Loaded, (ParsedFiles, usize)), LoadError> {
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
        topics: 0,
        bytes_read: 0,
        keep: previous.is_some(),
        previous: previous.unwrap_or_default(),
        parsed: ParsedFiles::new(),
        reused: 0,
    };

    let mut main = reader.read::<raw::SupplementFile>(SUPPLEMENT_FILE)?;
    let lints = match &mut main {
        Some((file, m)) => lints(*file, std::mem::take(&mut m.lints), &mut reader.diagnostics),
        None => Lints::default(),
    };
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
    let (names, mut parts_ok) = reader.part_files()?;
    for name in names {
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
        root,
        parsed,
        reused,
        ..
    } = reader;
    let mut supplement = match (main, references, parts_ok) {
        (Some(main), Some(references), true) => Some(lower::lower(
            &sources,
            main,
            references,
            parts,
            &mut diagnostics,
        )),
        _ => None,
    };
    if let Some(s) = supplement.as_mut() {
        figures::read(dir, &root, s, &mut diagnostics);
    }
    let loaded = Loaded {
        sources,
        supplement,
        diagnostics: crate::diagnostics::limit_per_rule(diagnostics),
        styles,
        lints,
    };
    Ok((loaded, (parsed, reused)))
}

/// Reads `[lints]`: each key must name a warning rule; an unknown one (or an error rule,
/// which cannot be allowed) is an `unknown-lint` error at the key.
fn lints(
    file: FileId,
    raw: std::collections::BTreeMap<raw::Str, raw::Spanned<raw::RawLintLevel>>,
    diags: &mut Vec<Diagnostic>,
) -> Lints {
    let mut lints = Lints::default();
    let mut entries: Vec<_> = raw.into_iter().collect();
    entries.sort_by_key(|(key, _)| key.span().start);
    for (key, level) in entries {
        let at = |range: std::ops::Range<usize>| Span {
            file,
            start: range.start,
            end: range.end,
        };
        let name = key.get_ref().as_str();
        let warnings: Vec<&str> = crate::diagnostics::warning_rules().collect();
        match warnings.iter().find(|w| **w == name) {
            Some(code) => lints.set(
                code,
                match level.get_ref() {
                    raw::RawLintLevel::Allow => LintLevel::Allow,
                    raw::RawLintLevel::Warn => LintLevel::Warn,
                    raw::RawLintLevel::Deny => LintLevel::Deny,
                },
                at(key.span()),
            ),
            None => {
                let is_error = crate::diagnostics::RULES.iter().any(|(c, _)| *c == name);
                let (message, hint) = if is_error {
                    (
                        format!("`{name}` is an error, not a warning: [lints] cannot change it"),
                        format!("[lints] sets warnings only: {}", warnings.join(", ")),
                    )
                } else {
                    (
                        format!("unknown lint `{name}`"),
                        did_you_mean(name, warnings.iter().copied()).unwrap_or_else(|| {
                            format!("the warnings [lints] can set: {}", warnings.join(", "))
                        }),
                    )
                };
                diags.push(
                    Diagnostic::error("unknown-lint", at(key.span()), message).with_hint(hint),
                );
            }
        }
    }
    lints
}

struct Reader<'a> {
    dir: &'a Path,
    root: PathBuf,
    sources: Sources,
    diagnostics: Vec<Diagnostic>,
    /// Revision points counted so far.
    points: usize,
    /// Revision points and topics (of every kind) counted so far.
    topics: usize,
    /// Bytes of the files read so far.
    bytes_read: u64,
    /// Whether to keep what is parsed (for a [`Cache`]).
    keep: bool,
    /// Files parsed by the previous load (see [`Cache`]).
    previous: ParsedFiles,
    /// Files parsed by this one.
    parsed: ParsedFiles,
    /// Files taken from `previous`.
    reused: usize,
}

impl Reader<'_> {
    /// The part files of the manuscript, relative to it, in the order they are read, and
    /// whether every file of `parts/` could be taken (problems are reported).
    fn part_files(&mut self) -> Result<(Vec<String>, bool), LoadError> {
        let parts_dir = self.dir.join(PARTS_DIR);
        if !parts_dir.is_dir() {
            return Ok((Vec::new(), true));
        }
        if !self.confined_dir(PARTS_DIR)? {
            return Ok((Vec::new(), false));
        }
        let io = |source| LoadError::Io {
            path: parts_dir.clone(),
            source,
        };
        let mut names = Vec::new();
        let mut ok = true;
        for entry in std::fs::read_dir(&parts_dir).map_err(io)? {
            let entry = entry.map_err(io)?;
            match entry.file_name().into_string() {
                Ok(name) => {
                    if name.ends_with(".toml") && !name.starts_with('.') {
                        names.push(format!("{PARTS_DIR}/{name}"));
                    }
                }
                Err(name) => {
                    let lossy = name.to_string_lossy();
                    if lossy.ends_with(".toml") && !lossy.starts_with('.') {
                        ok = false;
                        self.non_utf8_name(&entry.path(), &format!("{PARTS_DIR}/{lossy}"));
                    }
                }
            }
            if names.len() > MAX_PART_FILES {
                let file = self.placeholder(PARTS_DIR);
                self.diagnostics.push(
                    Diagnostic::error(
                        "too-many-parts",
                        Span {
                            file,
                            start: 0,
                            end: 0,
                        },
                        format!("the manuscript has more than {MAX_PART_FILES} part files"),
                    )
                    .with_hint("merge parts, or split the supplement into several manuscripts"),
                );
                return Ok((Vec::new(), false));
            }
        }
        names.sort();
        Ok((names, ok))
    }

    /// Whether the folder `name` (relative to the manuscript) really lies inside the
    /// manuscript, checked before anything in it is read; reports it when it does not.
    fn confined_dir(&mut self, name: &str) -> Result<bool, LoadError> {
        let path = self.dir.join(name);
        let real = path.canonicalize().map_err(|source| LoadError::Io {
            path: path.clone(),
            source,
        })?;
        if real.starts_with(&self.root) {
            return Ok(true);
        }
        let file = self.placeholder(name);
        self.diagnostics.push(
            Diagnostic::error(
                "outside-manuscript",
                Span { file, start: 0, end: 0 },
                format!("{name:?} points outside the manuscript folder (to {real:?})"),
            )
            .with_hint("manuscript files must live inside the manuscript folder; copy the folder in instead of linking to it"),
        );
        Ok(false)
    }

    /// An empty source standing for a file or folder that is reported but not read.
    fn placeholder(&mut self, name: &str) -> FileId {
        let path = self.dir.join(name);
        let shown = self.shown(name, &path);
        self.sources.add(path, shown, String::new())
    }

    /// Reports a file whose name is not UTF-8 (it cannot be named in outputs or
    /// diagnostics faithfully, and no manuscript file is called so).
    fn non_utf8_name(&mut self, path: &Path, lossy: &str) {
        let shown = self.shown(lossy, path);
        let file = self.sources.add(path.to_path_buf(), shown, String::new());
        self.diagnostics.push(
            Diagnostic::error(
                "invalid-utf8",
                Span {
                    file,
                    start: 0,
                    end: 0,
                },
                format!("the file name {lossy:?} is not valid UTF-8"),
            )
            .with_hint("rename the file using UTF-8 characters"),
        );
    }

    /// The files under `styles/`, relative to it, sorted. The walk never follows a link to
    /// a folder (one that points outside the manuscript is an error, one inside a warning),
    /// visits each real folder once, and stops at [`MAX_STYLE_DEPTH`] levels and
    /// [`MAX_STYLE_ENTRIES`] entries; what it skips is reported as `unknown-style`.
    fn style_files(&mut self) -> Result<Vec<String>, LoadError> {
        let mut names = Vec::new();
        let mut visited = std::collections::HashSet::new();
        let mut entries_seen = 0usize;
        let mut pending = vec![(String::new(), 0usize)];
        while let Some((sub, depth)) = pending.pop() {
            let rel_dir = if sub.is_empty() {
                STYLES_DIR.to_string()
            } else {
                format!("{STYLES_DIR}/{sub}")
            };
            let here = self.dir.join(&rel_dir);
            let io = |source| LoadError::Io {
                path: here.clone(),
                source,
            };
            if !visited.insert(folder_identity(&here).map_err(io)?) {
                continue;
            }
            for entry in std::fs::read_dir(&here).map_err(io)? {
                let entry = entry.map_err(io)?;
                entries_seen += 1;
                if entries_seen > MAX_STYLE_ENTRIES {
                    self.style_warning(
                        STYLES_DIR,
                        format!("{STYLES_DIR}/ has more than {MAX_STYLE_ENTRIES} entries; the rest are ignored"),
                        "keep only the style files you override in styles/",
                    );
                    names.sort();
                    return Ok(names);
                }
                let name = match entry.file_name().into_string() {
                    Ok(name) => name,
                    Err(name) => {
                        let rel = format!("{rel_dir}/{}", name.to_string_lossy());
                        self.style_warning(
                            &rel,
                            format!("{rel} has a name that is not UTF-8, overrides no built-in style and is ignored"),
                            "rename or remove the file",
                        );
                        continue;
                    }
                };
                if name.starts_with('.') {
                    continue;
                }
                let rel = if sub.is_empty() {
                    name
                } else {
                    format!("{sub}/{name}")
                };
                let file_type = entry.file_type().map_err(io)?;
                let is_dir = if file_type.is_symlink() {
                    entry.path().is_dir()
                } else {
                    file_type.is_dir()
                };
                if !is_dir {
                    names.push(rel);
                    continue;
                }
                let shown = format!("{STYLES_DIR}/{rel}");
                if file_type.is_symlink() {
                    // Never followed: it could lead out of the manuscript or back into it.
                    if self.confined_dir(&shown)? {
                        self.style_warning(
                            &shown,
                            format!("{shown} is a link to a folder, which is not followed"),
                            "copy the style files into styles/ instead of linking to a folder",
                        );
                    }
                } else if depth + 1 >= MAX_STYLE_DEPTH {
                    self.style_warning(
                        &shown,
                        format!("{shown} is nested more than {MAX_STYLE_DEPTH} folders deep and is ignored"),
                        "style files live in styles/ and styles/html/",
                    );
                } else {
                    pending.push((rel, depth + 1));
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// An `unknown-style` warning about `rel` (relative to the manuscript).
    fn style_warning(&mut self, rel: &str, message: String, hint: &str) {
        let file = self.placeholder(rel);
        self.diagnostics.push(
            Diagnostic::warning(
                "unknown-style",
                Span {
                    file,
                    start: 0,
                    end: 0,
                },
                message,
            )
            .with_hint(hint),
        );
    }

    /// Applies the manuscript's `styles/` overrides to the built-in styles. A file that
    /// overrides no built-in style is a warning and is never read (it may be anything).
    fn styles(&mut self) -> Result<Styles, LoadError> {
        let mut styles = Styles::builtin();
        if !self.dir.join(STYLES_DIR).is_dir() || !self.confined_dir(STYLES_DIR)? {
            return Ok(styles);
        }
        for name in self.style_files()? {
            if !Styles::is_known(&name) {
                let file = self.placeholder(&format!("{STYLES_DIR}/{name}"));
                let span = Span {
                    file,
                    start: 0,
                    end: 0,
                };
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
            let Some(file) = self.read_text(&format!("{STYLES_DIR}/{name}"))? else {
                continue;
            };
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
            if let Err(error) = styles.set(&name, text.clone()) {
                self.diagnostics.push(toml_error(file, &text, &error));
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
        if meta.len() > MAX_FILE_BYTES
            || self.bytes_read.saturating_add(meta.len()) > MAX_MANUSCRIPT_BYTES
        {
            let why = if meta.len() > MAX_FILE_BYTES {
                format!("the limit is {MAX_FILE_BYTES} per file")
            } else {
                format!("with it the manuscript's files would pass {MAX_MANUSCRIPT_BYTES} bytes")
            };
            let file = self.sources.add(path.clone(), shown, String::new());
            self.diagnostics.push(Diagnostic::error(
                "file-too-large",
                Span {
                    file,
                    start: 0,
                    end: 0,
                },
                format!("{name:?} is {} bytes; {why}", meta.len()),
            ));
            return Ok(None);
        }
        self.bytes_read += meta.len();

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

    /// Counts the revision points and topics of a parsed file against [`MAX_POINTS`] and
    /// [`MAX_TOPICS`] (over all files) and checks how deep topics nest
    /// ([`MAX_TOPIC_DEPTH`]), before the file is turned into structs; reports the first
    /// entry over a limit and returns false.
    fn within_node_limits(&mut self, file: FileId, tree: &Spanned<DeTable<'_>>) -> bool {
        let array = |table: &DeTable<'_>, key: &str| -> Vec<std::ops::Range<usize>> {
            table
                .get(key)
                .and_then(|v| v.get_ref().as_array())
                .map(|items| items.iter().map(Spanned::span).collect())
                .unwrap_or_default()
        };
        let at = |range: std::ops::Range<usize>| Span {
            file,
            start: range.start,
            end: range.start,
        };
        let root = tree.get_ref();
        // (table, topic depth): points are depth 0, their topics 1, and so on.
        let mut stack: Vec<(&DeTable<'_>, usize)> = Vec::new();
        let mut over: Option<Diagnostic> = None;
        for item in root
            .get("point")
            .and_then(|v| v.get_ref().as_array())
            .into_iter()
            .flatten()
        {
            self.points += 1;
            self.count_topic(at(item.span()), &mut over);
            if self.points > MAX_POINTS && over.is_none() {
                over = Some(
                    Diagnostic::error(
                        "too-many-points",
                        at(item.span()),
                        format!("the manuscript has more than {MAX_POINTS} revision points"),
                    )
                    .with_hint("split the supplement into several manuscripts"),
                );
            }
            if let Some(table) = item.get_ref().as_table() {
                stack.push((table, 0));
            }
        }
        for range in array(root, "floating_topic") {
            self.count_topic(at(range), &mut over);
        }
        for item in root
            .get("topic")
            .and_then(|v| v.get_ref().as_array())
            .into_iter()
            .flatten()
        {
            self.count_topic(at(item.span()), &mut over);
            if let Some(table) = item.get_ref().as_table() {
                stack.push((table, 1));
            }
        }
        while let Some((table, depth)) = stack.pop() {
            if over.is_some() {
                break;
            }
            for item in table
                .get("topic")
                .and_then(|v| v.get_ref().as_array())
                .into_iter()
                .flatten()
            {
                self.count_topic(at(item.span()), &mut over);
                if depth + 1 > MAX_TOPIC_DEPTH && over.is_none() {
                    over = Some(
                        Diagnostic::error(
                            "topics-too-deep",
                            at(item.span()),
                            format!("topics are nested more than {MAX_TOPIC_DEPTH} levels deep"),
                        )
                        .with_hint("flatten the topics: a topic can sit beside its parent instead of under it"),
                    );
                    break;
                }
                if let Some(child) = item.get_ref().as_table() {
                    stack.push((child, depth + 1));
                }
            }
        }
        match over {
            Some(d) => {
                self.diagnostics.push(d);
                false
            }
            None => true,
        }
    }

    /// Counts one revision point or topic written at `span`; the first over
    /// [`MAX_TOPICS`] becomes the error in `over` (unless another limit came first).
    fn count_topic(&mut self, span: Span, over: &mut Option<Diagnostic>) {
        self.topics += 1;
        if self.topics > MAX_TOPICS && over.is_none() {
            *over = Some(
                Diagnostic::error(
                    "too-many-topics",
                    span,
                    format!(
                        "the manuscript has more than {MAX_TOPICS} revision points and topics together"
                    ),
                )
                .with_hint("split the supplement into several manuscripts"),
            );
        }
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
    /// A file the previous load parsed from the same text, at the same place and after the
    /// same counts, is taken from there (see [`Cache`]).
    fn read<T>(&mut self, name: &str) -> Result<Option<(FileId, T)>, LoadError>
    where
        T: DeserializeOwned + Clone + Send + Sync + 'static,
    {
        let Some(file) = self.read_text(name)? else {
            return Ok(None);
        };
        let text = self
            .sources
            .get(file)
            .map(|f| f.text.clone())
            .unwrap_or_default();
        let before = (self.points, self.topics);
        if let Some(hit) = self.previous.remove(name) {
            let same = hit.file == file && hit.counts.0 == before && hit.text == text;
            if let (true, Some(raw)) = (same, hit.raw.downcast_ref::<Option<T>>()) {
                let raw = raw.clone();
                (self.points, self.topics) = hit.counts.1;
                self.diagnostics.extend(hit.diagnostics.iter().cloned());
                self.parsed.insert(name.to_string(), hit);
                self.reused += 1;
                return Ok(raw.map(|raw| (file, raw)));
            }
        }
        let first_diagnostic = self.diagnostics.len();
        let raw = self.parse::<T>(file, &text);
        if !self.keep {
            return Ok(raw.map(|raw| (file, raw)));
        }
        self.parsed.insert(
            name.to_string(),
            Parsed {
                file,
                text,
                counts: (before, (self.points, self.topics)),
                diagnostics: self.diagnostics[first_diagnostic..].to_vec(),
                raw: Box::new(raw.clone()),
            },
        );
        Ok(raw.map(|raw| (file, raw)))
    }

    /// Parses the text of `file` into its raw form; `None` when it has errors (reported).
    fn parse<T: DeserializeOwned>(&mut self, file: FileId, text: &str) -> Option<T> {
        let (tree, errors) = DeTable::parse_recoverable(text);
        if !errors.is_empty() {
            let mut seen: Vec<Diagnostic> = Vec::new();
            let mut reported = std::collections::HashSet::new();
            let mut deep_at = None;
            for error in errors {
                let mut d = toml_error(file, text, &error);
                if d.message == "recursion limit" {
                    // The parser gives no place for this one: find it (once).
                    let at = *deep_at.get_or_insert_with(|| deep_nesting_at(text));
                    d.span = Span {
                        file,
                        start: at,
                        end: at,
                    };
                    d.message = "tables, arrays or dotted keys are nested too deeply".into();
                    d.hint = Some("flatten the nesting; topics may nest at most 12 levels".into());
                }
                // Deep nesting repeats one error per level: report it once.
                if reported.insert((d.message.clone(), d.span)) {
                    seen.push(d);
                }
            }
            self.diagnostics.extend(seen);
            return None;
        }
        if !self.within_node_limits(file, &tree) {
            return None;
        }
        let before = self.diagnostics.len();
        scan_strings(file, &tree, &mut self.diagnostics);
        if self.diagnostics.len() > before {
            return None;
        }
        let error = match T::deserialize(toml::de::Deserializer::from(tree)) {
            Ok(value) => return Some(value),
            Err(error) => error,
        };
        // serde stops at the first problem. Misspelt keys and wrong values are common and
        // independent of each other, so drop the offending key and try again, to report
        // them all at once.
        const RECOVERABLE: [&str; 3] = ["unknown-key", "unknown-value", "invalid-type"];
        let mut found = vec![toml_error(file, text, &error)];
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
                    found.push(toml_error(file, text, &error));
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
        None
    }
}

/// Where a file first nests brackets and dotted keys about as deep as the TOML parser's
/// recursion limit (80) allows: a best guess for its error, which has no place. Quoted text
/// on one line is skipped; the file start when nothing is found.
fn deep_nesting_at(text: &str) -> usize {
    let mut depth = 0usize;
    for (line_start, line) in text.split_inclusive('\n').scan(0, |at, line| {
        let start = *at;
        *at += line.len();
        Some((start, line))
    }) {
        let mut dots = 0usize;
        let mut quote: Option<char> = None;
        for (i, c) in line.char_indices() {
            match (quote, c) {
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') => quote = Some(c),
                (None, '#') => break,
                (None, '[' | '{') => depth += 1,
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                (None, '.') => dots += 1,
                _ => {}
            }
            if depth + dots >= 60 {
                return line_start + i;
            }
        }
    }
    0
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

/// What makes a folder the same folder however it is reached: device and inode on Unix,
/// the canonical path elsewhere.
#[cfg(unix)]
fn folder_identity(path: &Path) -> std::io::Result<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    let meta = std::fs::metadata(path)?;
    Ok((meta.dev(), meta.ino()))
}

/// What makes a folder the same folder however it is reached: device and inode on Unix,
/// the canonical path elsewhere.
#[cfg(not(unix))]
fn folder_identity(path: &Path) -> std::io::Result<PathBuf> {
    path.canonicalize()
}

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
fn toml_error(file: FileId, text: &str, error: &toml::de::Error) -> Diagnostic {
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
        let hint = type_hint(text, range.clone(), &message);
        ("invalid-type", plain_type_names(&message), hint)
    } else {
        ("toml-syntax", message.clone(), None)
    };
    Diagnostic::error(code, span, text).with_hint_opt(hint)
}

/// Keys whose value is a list of tables (`[[key]]`), not a list of strings.
const TABLE_LISTS: [&str; 11] = [
    "point",
    "topic",
    "section",
    "team",
    "history",
    "reason",
    "item",
    "link",
    "related",
    "floating_topic",
    "reference",
];

/// How to write the value of a wrong type, shown with the key it was written for (found
/// on the line before the value) and the value itself: `pages = 40` is hinted with
/// `pages = ["40"]`, `priority = "4"` with `priority = 4`.
fn type_hint(text: &str, value: std::ops::Range<usize>, message: &str) -> Option<String> {
    let written = text.get(value.clone())?.trim();
    let line_start = text[..value.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |n| n + 1);
    let before = text.get(line_start..value.start)?.trim_end();
    let key = before
        .strip_suffix('=')?
        .trim_end()
        .rsplit(['.', ' ', '{', ','])
        .next()?
        .trim_matches(['"', '\'']);
    if key.is_empty() || written.contains('\n') || written.chars().count() > 60 {
        return None;
    }
    let unquoted = written.trim_matches(['"', '\'']);
    let as_string = if written.starts_with(['"', '\'']) {
        written.to_string()
    } else {
        format!("{unquoted:?}")
    };
    if message.contains("expected a sequence") || message.contains("expected an array") {
        if TABLE_LISTS.contains(&key) {
            return Some(format!("write each entry as a table of its own: [[{key}]]"));
        }
        return Some(format!("write a list in brackets: {key} = [{as_string}]"));
    }
    if message.contains("expected a string") {
        if written.starts_with('[') {
            return Some(format!("write one string, not a list: {key} = \"…\""));
        }
        return Some(format!("quote the value: {key} = {as_string}"));
    }
    if message.contains("expected i64") || message.contains("expected an integer") {
        return Some(if unquoted.parse::<i64>().is_ok() {
            format!("write the number without quotes: {key} = {unquoted}")
        } else {
            format!("write a whole number: {key} = 4")
        });
    }
    if message.contains("expected a boolean") {
        return Some(format!("write true or false, without quotes: {key} = true"));
    }
    if message.contains("expected a map") || message.contains("expected struct") {
        return Some(format!("write it as a table: [{key}]"));
    }
    None
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
