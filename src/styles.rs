//! Styles: the built-in templates and style sheets (embedded in the binary), and a
//! manuscript's overrides of them, file by file.

use std::collections::BTreeMap;

use serde::Deserialize;

/// Every built-in style file, by name (its path under `styles/`).
pub const BUILTIN: &[(&str, &str)] = &[
    ("labels.toml", include_str!("../styles/labels.toml")),
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

/// The templates and style sheets an emitter renders with.
#[derive(Debug, Clone)]
pub struct Styles {
    files: BTreeMap<String, String>,
    /// Labels for actions, statuses and fixed words, merged from built-ins and overrides.
    pub labels: Labels,
}

/// Output labels (Japanese by default): one place to change what readers see.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    /// Label per action keyword.
    #[serde(default)]
    pub action: BTreeMap<String, String>,
    /// Label per status keyword.
    #[serde(default)]
    pub status: BTreeMap<String, String>,
    /// Other fixed words.
    #[serde(default)]
    pub text: BTreeMap<String, String>,
}

impl Labels {
    /// The label of an action keyword (the keyword itself if no label is set).
    pub fn action(&self, key: &str) -> String {
        self.action
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// The label of a status keyword.
    pub fn status(&self, key: &str) -> String {
        self.status
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// A fixed word.
    pub fn text(&self, key: &str) -> String {
        self.text.get(key).cloned().unwrap_or_default()
    }

    fn merge(&mut self, other: Labels) {
        self.action.extend(other.action);
        self.status.extend(other.status);
        self.text.extend(other.text);
    }
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
        let labels = toml::from_str(include_str!("../styles/labels.toml")).unwrap_or_default();
        Self { files, labels }
    }

    /// True when `name` is a built-in style file (and so may be overridden).
    pub fn is_known(name: &str) -> bool {
        BUILTIN.iter().any(|(n, _)| *n == name)
    }

    /// Replaces a style file with a manuscript's own version. Labels are merged key by key;
    /// a labels file that does not parse is returned as an error.
    pub fn set(&mut self, name: &str, text: String) -> Result<(), toml::de::Error> {
        if name == "labels.toml" {
            let labels: Labels = toml::from_str(&text)?;
            self.labels.merge(labels);
        }
        self.files.insert(name.to_string(), text);
        Ok(())
    }

    /// The text of a style file.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }
}
