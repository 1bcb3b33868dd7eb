//! Raw TOML structs: exactly what a manuscript file may contain, with spans.
//!
//! These types never leave `load/`; `lower` turns them into the model. Every struct refuses
//! unknown keys, so a misspelt key is an error that names it.

use serde::Deserialize;
use toml::Spanned;

/// A string with its span.
pub type Str = Spanned<String>;

/// A date with its span.
pub type Date = Spanned<RawDate>;

/// A date as written: a string (`"2025-03"`) or a native TOML date (`2025-03-01`), which
/// may carry a time the loader then refuses.
#[derive(Debug, Clone)]
pub enum RawDate {
    /// `date = "2025-03-01"` (also `"2025-03"` and `"2025"`).
    Text(String),
    /// `date = 2025-03-01`, or a date-time.
    Native(toml::value::Datetime),
}

impl<'de> Deserialize<'de> for RawDate {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawDate;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a date such as 2025-03-01, or a string such as \"2025-03\"")
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawDate, E> {
                Ok(RawDate::Text(v.to_string()))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<RawDate, E> {
                Ok(RawDate::Text(v))
            }

            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawDate, A::Error> {
                toml::value::Datetime::deserialize(serde::de::value::MapAccessDeserializer::new(
                    map,
                ))
                .map(RawDate::Native)
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

/// `supplement.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementFile {
    pub supplement: RawSupplement,
    pub base_book: RawBaseBook,
    #[serde(default)]
    pub team: Vec<RawTeamMember>,
    #[serde(default)]
    pub history: Vec<RawHistory>,
    #[serde(default)]
    pub reason: Vec<RawReason>,
    #[serde(default)]
    pub general_notes: Vec<Str>,
    #[serde(default)]
    pub floating_topic: Vec<Spanned<RawFloatingTopic>>,
    #[serde(default)]
    pub lints: std::collections::BTreeMap<Str, Spanned<RawLintLevel>>,
}

/// A level in `[lints]`.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RawLintLevel {
    Allow,
    Warn,
    Deny,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSupplement {
    pub id: Str,
    pub title: Str,
    pub subtitle: Option<Str>,
    pub language: Option<Str>,
    #[serde(default)]
    pub audience: Vec<Str>,
    pub edition: Option<Str>,
    pub date: Option<Date>,
    pub author: Option<Str>,
    #[serde(default)]
    pub link: Vec<RawLink>,
    #[serde(default)]
    pub related: Vec<RawRelated>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    pub label: Str,
    pub file: Option<Str>,
    pub url: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawRelated {
    pub id: Str,
    pub title: Str,
    pub url: Option<Str>,
    #[serde(default)]
    pub link: Vec<RawLink>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawBaseBook {
    pub title: Str,
    pub publisher: Str,
    pub edition: Option<Str>,
    pub published: Option<Date>,
    pub pages: Option<Spanned<i64>>,
    #[serde(default)]
    pub pages_approximate: bool,
    #[serde(default)]
    pub section: Vec<RawSection>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    pub id: Str,
    pub label: Option<Str>,
    pub title: Option<Str>,
    pub part: Str,
    pub pages: Str,
    pub note: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTeamMember {
    pub id: Str,
    pub name: Str,
    #[serde(default)]
    pub group: bool,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    pub date: Date,
    pub summary: Str,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReason {
    pub id: Str,
    pub title: Str,
    #[serde(default)]
    pub item: Vec<RawReasonItem>,
    #[serde(default)]
    pub references: Vec<Str>,
    pub body: Option<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReasonItem {
    pub title: Str,
    pub note: Option<Str>,
    #[serde(default)]
    pub references: Vec<Str>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFloatingTopic {
    pub title: Option<Str>,
    pub priority: Option<Spanned<i64>>,
    #[serde(default)]
    pub markers: Vec<Str>,
    pub note: Option<Str>,
}

/// `references.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReferencesFile {
    #[serde(default)]
    pub reference: Vec<RawReference>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    pub id: Str,
    pub title: Str,
    pub issuer: Option<Str>,
    pub date: Option<Date>,
    pub version: Option<Str>,
    pub url: Option<Str>,
    pub file: Option<Str>,
    pub note: Option<Str>,
}

/// `parts/*.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartFile {
    pub part: RawPart,
    #[serde(default)]
    pub point: Vec<Spanned<RawPoint>>,
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    pub id: Str,
    pub label: Str,
    pub title: Str,
    pub plan_heading: Option<Str>,
    #[serde(default)]
    pub owners: Vec<Str>,
    #[serde(default)]
    pub notes: Vec<Str>,
    pub body: Option<Str>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawAction {
    Revise,
    AddAfter,
    AddTo,
    AddNew,
    Remove,
}

#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RawStatus {
    Planned,
    Drafting,
    Review,
    Done,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    pub id: Str,
    pub title: Option<Str>,
    pub parent: Option<Str>,
    #[serde(default)]
    pub parent_inferred: bool,
    #[serde(default)]
    pub targets: Vec<Str>,
    #[serde(default)]
    pub pages: Vec<Str>,
    pub action: Spanned<RawAction>,
    pub action_note: Option<Str>,
    pub status: Option<Spanned<RawStatus>>,
    #[serde(default)]
    pub reasons: Vec<Str>,
    pub priority: Option<Spanned<i64>>,
    #[serde(default)]
    pub markers: Vec<Str>,
    #[serde(default)]
    pub owners: Vec<Str>,
    #[serde(default)]
    pub references: Vec<Str>,
    #[serde(default)]
    pub notes: Vec<Str>,
    pub before: Option<Str>,
    pub after: Option<Str>,
    pub body: Option<Str>,
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    pub id: Option<Str>,
    pub title: Str,
    pub priority: Option<Spanned<i64>>,
    #[serde(default)]
    pub markers: Vec<Str>,
    #[serde(default)]
    pub owners: Vec<Str>,
    #[serde(default)]
    pub references: Vec<Str>,
    #[serde(default)]
    pub notes: Vec<Str>,
    pub before: Option<Str>,
    pub after: Option<Str>,
    pub body: Option<Str>,
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
}
