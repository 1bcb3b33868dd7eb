//! Styles: the built-in templates, style sheets and labels (embedded in the binary), and a
//! manuscript's overrides of them, file by file.

use std::collections::BTreeMap;

use crate::labels::Labels;

/// Every built-in style file that a manuscript may override, by name (its path under
/// `styles/`). `labels.toml` overrides the labels of whatever language the manuscript is in.
pub const BUILTIN: &[(&str, &str)] = &[
    ("labels.toml", crate::labels::JAPANESE),
    (
        "changelog.txt.j2",
        include_str!("../styles/changelog.txt.j2"),
    ),
    ("docx.toml", include_str!("../styles/docx.toml")),
    (
        "html/page.html.j2",
        include_str!("../styles/html/page.html.j2"),
    ),
    ("html/style.css", include_str!("../styles/html/style.css")),
];

/// The label file's name under `styles/`.
pub const LABELS: &str = "labels.toml";

/// The templates, style sheets and labels an emitter renders with.
#[derive(Debug, Clone)]
pub struct Styles {
    files: BTreeMap<String, String>,
    /// The names the manuscript overrides.
    overridden: std::collections::BTreeSet<String>,
    /// The manuscript's own `styles/labels.toml`, when it has one (already checked).
    labels_override: Option<String>,
}

impl Default for Styles {
    fn default() -> Self {
        Self::builtin()
    }
}

impl Styles {
    /// The built-in styles only.
    pub fn builtin() -> Self {
        let files = BUILTIN
            .iter()
            .map(|(name, text)| ((*name).to_string(), (*text).to_string()))
            .collect();
        Self {
            files,
            overridden: Default::default(),
            labels_override: None,
        }
    }

    /// True when `name` is a built-in style file (and so may be overridden).
    pub fn is_known(name: &str) -> bool {
        BUILTIN.iter().any(|(n, _)| *n == name)
    }

    /// Replaces a style file with a manuscript's own version. A labels file is checked
    /// first: one that does not parse, or names an unknown key, is returned as an error
    /// located in `text`.
    pub fn set(&mut self, name: &str, text: String) -> Result<(), toml::de::Error> {
        if name == LABELS {
            Labels::check_override(&text)?;
            self.labels_override = Some(text.clone());
        }
        self.files.insert(name.to_string(), text);
        self.overridden.insert(name.to_string());
        Ok(())
    }

    /// True when the manuscript overrides this style file.
    pub fn is_overridden(&self, name: &str) -> bool {
        self.overridden.contains(name)
    }

    /// True when the manuscript overrides a style file other than the labels (a template
    /// or a style sheet, which the emitters check before a build).
    pub fn overrides_templates_or_sheets(&self) -> bool {
        self.overridden.iter().any(|name| name != LABELS)
    }

    /// The text of a style file.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// The labels for a language: the built-in file of that language with the manuscript's
    /// override merged over it.
    pub fn labels(&self, language: &str) -> Result<Labels, toml::de::Error> {
        Labels::load(language, self.labels_override.as_deref())
    }
}
