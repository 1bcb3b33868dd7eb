//! Labels: every word a reader sees, from `styles/labels.toml` (or `labels.en.toml` for
//! English), with a manuscript's `styles/labels.toml` merged over it key by key.
//!
//! The structure is typed, so that a misspelt key in an override is an error and the
//! code cannot ask for a label that does not exist. Templates receive it as `labels`.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Action, Status};

/// The built-in Japanese labels.
pub const JAPANESE: &str = include_str!("../styles/labels.toml");
/// The built-in English labels.
pub const ENGLISH: &str = include_str!("../styles/labels.en.toml");

/// Every reader-facing word and pattern, by concept.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Labels {
    /// What a revision does, on its own.
    pub action: ByAction,
    /// What a revision does, with its place (`{place}`).
    pub action_phrase: ByAction,
    /// Progress of a revision point.
    pub status: ByStatus,
    /// Headings of the document's own sections.
    pub section: SectionLabels,
    /// The 新旧対照表: whether and how it is shown, and its words.
    pub comparison: ComparisonLabels,
    /// Names of fields.
    pub field: FieldLabels,
    /// What changed between two versions (`diff`, `build --since`).
    pub changes: ChangesLabels,
    /// The revision team's progress (`status`).
    pub report: ReportLabels,
    /// Words and sentences.
    pub text: TextLabels,
    /// The lines the mind-map formats write where a map has no field of its own.
    pub mindmap: MindmapLabels,
    /// How values are written.
    pub format: FormatLabels,
}

/// One label per action keyword.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ByAction {
    pub revise: String,
    #[serde(rename = "add-after")]
    pub add_after: String,
    #[serde(rename = "add-to")]
    pub add_to: String,
    #[serde(rename = "add-new")]
    pub add_new: String,
    pub remove: String,
}

impl ByAction {
    /// The label of an action.
    pub fn get(&self, action: Action) -> &str {
        match action {
            Action::Revise => &self.revise,
            Action::AddAfter => &self.add_after,
            Action::AddTo => &self.add_to,
            Action::AddNew => &self.add_new,
            Action::Remove => &self.remove,
        }
    }
}

/// One label per status keyword.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ByStatus {
    pub planned: String,
    pub drafting: String,
    pub review: String,
    pub done: String,
}

impl ByStatus {
    /// The label of a status.
    pub fn get(&self, status: Status) -> &str {
        match status {
            Status::Planned => &self.planned,
            Status::Drafting => &self.drafting,
            Status::Review => &self.review,
            Status::Done => &self.done,
        }
    }
}

/// Headings of the document's own sections (see labels.toml for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct SectionLabels {
    pub contents: String,
    pub history: String,
    pub purpose: String,
    pub reasons: String,
    pub general: String,
    pub points: String,
    pub part_topics: String,
    pub references: String,
    pub forms: String,
    pub related: String,
    pub team: String,
    pub floating: String,
}

/// The 新旧対照表's settings and words (see labels.toml for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ComparisonLabels {
    pub show: bool,
    pub new_first: bool,
    pub heading: String,
    pub lead: String,
    pub note: String,
    pub new: String,
    pub old: String,
    pub added_passage: String,
    pub removed_passage: String,
}

/// What changed between two versions (see labels.toml for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ChangesLabels {
    pub heading: String,
    pub since: String,
    pub since_dated: String,
    pub summary: String,
    pub none: String,
    pub general: String,
    pub arrow: String,
    pub empty: String,
    pub set_added: String,
    pub set_removed: String,
    pub kind: ChangeKindLabels,
    pub entity: ChangeEntityLabels,
}

/// The revision team's progress (see labels.toml for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ReportLabels {
    pub heading: String,
    pub by_owner: String,
    pub by_part: String,
    pub total: String,
    pub done_ratio: String,
    pub no_status: String,
    pub items: String,
    pub nobody: String,
    pub unassigned: String,
    pub marked_unassigned: String,
    pub no_owner: String,
    pub handovers: String,
    pub without_content: String,
    pub due: String,
    pub overdue: String,
    pub none: String,
    pub has_content: String,
}

/// One word per kind of change.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ChangeKindLabels {
    pub added: String,
    pub removed: String,
    pub renamed: String,
    pub moved: String,
    pub changed: String,
}

/// One name per kind of thing that changes.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct ChangeEntityLabels {
    pub document: String,
    pub section: String,
    pub member: String,
    pub history: String,
    pub reason: String,
    pub reference: String,
    pub form: String,
    pub related: String,
    pub part: String,
    pub point: String,
    pub topic: String,
    pub floating: String,
}

/// Names of fields (see labels.toml for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FieldLabels {
    pub target: String,
    pub pages: String,
    pub action: String,
    pub title: String,
    pub owners: String,
    pub status: String,
    pub reasons: String,
    pub parent: String,
    pub children: String,
    pub before: String,
    pub after: String,
    pub references: String,
    pub related_points: String,
    pub cited_by: String,
    pub date: String,
    pub summary: String,
    pub base_book: String,
    pub audience: String,
    pub edition: String,
    pub author: String,
    pub file: String,
    pub plan_heading: String,
    pub part: String,
    pub priority: String,
    pub editorial_note: String,
    pub subtitle: String,
    pub label: String,
    pub notes: String,
    pub name: String,
    pub items: String,
    pub body: String,
    pub citation: String,
    pub url: String,
    pub markers: String,
    pub due: String,
    pub position: String,
}

/// Words and sentences (see labels.toml for each).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct TextLabels {
    pub unassigned: String,
    pub handover: String,
    pub none: String,
    pub no_points: String,
    pub no_history: String,
    pub untitled: String,
    pub group: String,
    pub skip_to_main: String,
    pub draft: String,
    pub draft_notice: String,
    pub rule: String,
    pub keyword: String,
    pub errors_title: String,
    pub errors_reload: String,
    pub error_details: String,
    pub errors_last_good: String,
    pub warnings_title: String,
    pub dismiss: String,
}

/// The mind-map formats' lines (see labels.toml for the names each one takes).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct MindmapLabels {
    pub place: String,
    pub owners: String,
    pub history: String,
}

/// Patterns for values (see labels.toml for the names each one takes).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct FormatLabels {
    pub date_day: String,
    pub date_month: String,
    pub date_year: String,
    pub months: Vec<String>,
    pub pages: String,
    pub page_range: String,
    pub page_open: String,
    pub range_separator: String,
    pub list_separator: String,
    pub figure: String,
    pub book_pages: String,
    pub book_pages_approximate: String,
    pub place: String,
    pub place_without_pages: String,
    pub title_quote: String,
    pub title_quote_nested: String,
    pub parenthesis: String,
    pub field: String,
    pub meta_separator: String,
    pub note: String,
    pub priority: String,
    pub editorial: String,
    pub marker: String,
    pub part_heading: String,
    pub subject: String,
    pub link_to: String,
    pub page_of: String,
}

impl Labels {
    /// The built-in labels file for a language tag (`en`, `en-GB` → English; anything
    /// else → Japanese, the default).
    pub fn builtin_text(language: &str) -> &'static str {
        let primary = language.split('-').next().unwrap_or_default();
        if primary.eq_ignore_ascii_case("en") {
            ENGLISH
        } else {
            JAPANESE
        }
    }

    /// The labels for a language, with an override file's keys merged over the built-in
    /// ones. An override that does not parse, names an unknown key or gives a value of the
    /// wrong type is an error.
    pub fn load(language: &str, override_text: Option<&str>) -> Result<Labels, toml::de::Error> {
        let mut base: toml::Table = toml::from_str(Self::builtin_text(language))?;
        if let Some(text) = override_text {
            let over: toml::Table = toml::from_str(text)?;
            merge(&mut base, over);
        }
        let labels: Labels = base.try_into()?;
        if labels.format.months.len() != 12 {
            return Err(serde::de::Error::custom(
                "format.months must name the twelve months",
            ));
        }
        Ok(labels)
    }

    /// Checks an override file on its own, so that a misspelt key or a wrong type is
    /// reported where it was written (the error carries its span in `text`).
    pub fn check_override(text: &str) -> Result<(), toml::de::Error> {
        let labels: Labels = toml::from_str(text)?;
        if !labels.format.months.is_empty() && labels.format.months.len() != 12 {
            return Err(serde::de::Error::custom(
                "format.months must name the twelve months",
            ));
        }
        Ok(())
    }

    /// The built-in labels for a language (a build without overrides).
    pub fn builtin(language: &str) -> Labels {
        // The built-in files are part of the program and checked by a unit test.
        Self::load(language, None).unwrap_or_else(|e| unreachable!("built-in labels: {e}"))
    }
}

/// Merges `over` into `base`, table by table; other values replace.
pub fn merge(base: &mut toml::Table, over: toml::Table) {
    for (key, value) in over {
        match (base.get_mut(&key), value) {
            (Some(toml::Value::Table(b)), toml::Value::Table(o)) => merge(b, o),
            (_, value) => {
                base.insert(key, value);
            }
        }
    }
}

/// Fills a pattern: every `{name}` whose name is in `values` is replaced by its value;
/// other braces stay as written.
pub fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_labels_parse_in_both_languages() {
        // Intent: the shipped label files are complete and typed (a missing key fails here).
        for lang in ["ja", "en", "en-GB"] {
            let labels = Labels::load(lang, None).expect(lang);
            assert_eq!(labels.format.months.len(), 12);
        }
        assert_eq!(Labels::builtin("en").action.get(Action::Revise), "Revise");
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        // Intent: every key of the Japanese file exists in the English one and back, so
        // that a default (empty) value can never reach a reader.
        fn keys(t: &toml::Table, path: &str, out: &mut Vec<String>) {
            for (k, v) in t {
                let p = format!("{path}.{k}");
                if let toml::Value::Table(inner) = v {
                    keys(inner, &p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let (mut ja, mut en) = (Vec::new(), Vec::new());
        keys(&toml::from_str(JAPANESE).unwrap(), "", &mut ja);
        keys(&toml::from_str(ENGLISH).unwrap(), "", &mut en);
        assert_eq!(ja, en);
        let typed = toml::Value::try_from(Labels::builtin("ja")).unwrap();
        let mut all = Vec::new();
        keys(typed.as_table().unwrap(), "", &mut all);
        assert_eq!(ja, all, "labels.toml and the Labels struct differ");
    }

    #[test]
    fn overrides_merge_key_by_key_and_refuse_unknown_keys() {
        // Intent: an override changes only the keys it sets; a misspelt key is an error.
        let labels = Labels::load("ja", Some("[field]\nowners = \"担当者\"\n")).unwrap();
        assert_eq!(labels.field.owners, "担当者");
        assert_eq!(labels.field.pages, Labels::builtin("ja").field.pages);
        let e = Labels::check_override("[field]\nowner = \"x\"\n").unwrap_err();
        assert!(e.message().contains("unknown field `owner`"), "{e}");
        assert_eq!(e.span(), Some(8..13));
        assert!(Labels::load("ja", Some("[format]\nmonths = [\"a\"]\n")).is_err());
    }

    #[test]
    fn patterns_fill_known_names_only() {
        // Intent: `{name}` is replaced when given; unknown or unclosed braces stay text.
        assert_eq!(fill("{a}と{b}", &[("a", "1"), ("b", "2")]), "1と2");
        assert_eq!(fill("{x} {a", &[("a", "1")]), "{x} {a");
        assert_eq!(fill("{a}{a}", &[("a", "{a}")]), "{a}{a}");
    }
}
