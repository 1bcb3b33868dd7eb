//! Raw TOML structs: exactly what a manuscript file may contain, with spans.
//!
//! These types never leave `load/`; `lower` turns them into the model. Every struct refuses
//! unknown keys, so a misspelt key is an error that names it. The same structs give the
//! JSON Schema of the manuscript files (`supplement schema`): their doc comments are what
//! an editor shows beside each key.

use std::borrow::Cow;
use std::ops::Range;

use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use serde::Deserialize;

/// A value with the byte range it was written at: [`toml::Spanned`], which the JSON Schema
/// sees as the value it holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Spanned<T>(toml::Spanned<T>);

impl<T> Spanned<T> {
    /// The value.
    pub fn get_ref(&self) -> &T {
        self.0.get_ref()
    }

    /// Where it was written, in bytes of its file.
    pub fn span(&self) -> Range<usize> {
        self.0.span()
    }

    /// The value, without its span.
    pub fn into_inner(self) -> T {
        self.0.into_inner()
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Spanned<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        toml::Spanned::<T>::deserialize(deserializer).map(Spanned)
    }
}

impl<T: JsonSchema> JsonSchema for Spanned<T> {
    fn inline_schema() -> bool {
        T::inline_schema()
    }

    fn schema_name() -> Cow<'static, str> {
        T::schema_name()
    }

    fn schema_id() -> Cow<'static, str> {
        T::schema_id()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        T::json_schema(generator)
    }
}

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

impl JsonSchema for RawDate {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        // A TOML date reaches a schema validator as its text (Taplo does so), so one
        // pattern covers both forms.
        json_schema!({
            "type": "string",
            "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
            "description": "A date: 2025-03-01 (a TOML date or a string), or \"2025-03\" / \"2025\" when only that much is known."
        })
    }
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

/// `supplement.toml`: the supplement, its base book and section map, team, history,
/// reasons, general notes, floating topics and lints.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "supplement.toml")]
pub struct SupplementFile {
    /// The supplement itself (required).
    pub supplement: RawSupplement,
    /// The published book this supplement revises, with its section map (required).
    pub base_book: RawBaseBook,
    /// People and groups who own parts, points and topics.
    #[serde(default)]
    pub team: Vec<RawTeamMember>,
    /// 改訂履歴: dated entries, newest first.
    #[serde(default)]
    pub history: Vec<RawHistory>,
    /// 改訂理由: why the book is revised.
    #[serde(default)]
    pub reason: Vec<RawReason>,
    /// 全般: policies for the whole revision (Markdown), written before any [table].
    #[serde(default)]
    pub general_notes: Vec<Str>,
    /// Plan topics attached to nothing.
    #[serde(default)]
    pub floating_topic: Vec<Spanned<RawFloatingTopic>>,
    /// Known warnings: `allow`, `warn` or `deny` per warning rule, like cargo's lints.
    #[serde(default)]
    #[schemars(schema_with = "lints_schema")]
    pub lints: std::collections::BTreeMap<Str, Spanned<RawLintLevel>>,
    /// External emitters: `[emitters.NAME]` runs a program for `--format NAME`.
    #[serde(default)]
    pub emitters: std::collections::BTreeMap<String, Spanned<RawEmitter>>,
}

/// `[emitters.NAME]`: an external emitter for `--format NAME` (README, "External
/// emitters").
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEmitter {
    /// The program and its arguments, run in the manuscript folder (required).
    pub command: Vec<Str>,
    /// The extension of the file it writes, without the dot, e.g. "pdf" (required).
    pub extension: Str,
    /// Seconds it may take, 1 to 3600 (default 60).
    pub timeout_s: Option<Spanned<i64>>,
}

/// The schema of `[lints]`: a level per warning rule.
fn lints_schema(_: &mut SchemaGenerator) -> Schema {
    let rules: Vec<&str> = crate::diagnostics::warning_rules().collect();
    json_schema!({
        "type": "object",
        "description": "Known warnings: `allow`, `warn` or `deny` per warning rule, like cargo's lints.",
        "propertyNames": { "enum": rules },
        "additionalProperties": { "type": "string", "enum": ["allow", "warn", "deny"] }
    })
}

/// A level in `[lints]`.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RawLintLevel {
    Allow,
    Warn,
    Deny,
}

/// `[supplement]`: what the supplement is.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSupplement {
    /// The supplement's id (names the output files), e.g. "Sec01-01-01" (required).
    pub id: Str,
    /// Its title (required).
    pub title: Str,
    /// A subtitle.
    pub subtitle: Option<Str>,
    /// A language tag: the HTML lang and the DOCX language; "en" selects English labels (default "ja").
    pub language: Option<Str>,
    /// Who it is written for, e.g. ["経営者", "CISO"].
    #[serde(default)]
    pub audience: Vec<Str>,
    /// The edition, e.g. "第1版".
    pub edition: Option<Str>,
    /// Its date; default: the newest history entry.
    pub date: Option<Date>,
    /// The author, shown (and set as the DOCX creator) only when given.
    pub author: Option<Str>,
    /// The supplement's own published forms.
    #[serde(default)]
    pub link: Vec<RawLink>,
    /// Sibling material.
    #[serde(default)]
    pub related: Vec<RawRelated>,
}

/// A published form: a label with a file name and/or an address.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawLink {
    /// What the form is, e.g. "html 版" (required).
    pub label: Str,
    /// Its file name.
    pub file: Option<Str>,
    /// Its address (http, https, mailto or relative).
    pub url: Option<Str>,
}

/// Sibling material.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRelated {
    /// Its id (required).
    pub id: Str,
    /// Its title (required).
    pub title: Str,
    /// Its address.
    pub url: Option<Str>,
    /// Its published forms.
    #[serde(default)]
    pub link: Vec<RawLink>,
}

/// `[base_book]`: the book the supplement revises.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawBaseBook {
    /// The book's title (required).
    pub title: Str,
    /// Its publisher (required).
    pub publisher: Str,
    /// Its edition, e.g. "初版".
    pub edition: Option<Str>,
    /// When it was published.
    pub published: Option<Date>,
    /// Its page count: page ranges are then checked against it.
    pub pages: Option<Spanned<i64>>,
    /// True when the page count is approximate ("約190ページ").
    #[serde(default)]
    pub pages_approximate: bool,
    /// The section map: what revisions can target.
    #[serde(default)]
    pub section: Vec<RawSection>,
}

/// A section of the base book that revisions point at.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSection {
    /// Its id, e.g. "Mission3-10" (required).
    pub id: Str,
    /// As written in the book; default: the id.
    pub label: Option<Str>,
    /// Its title.
    pub title: Option<Str>,
    /// The id of the part it is in (required).
    pub part: Str,
    /// Its pages: "41", "98-109", or "183-" for "from p.183 on" (required).
    pub pages: Str,
    /// A note.
    pub note: Option<Str>,
}

/// A person or group who owns work.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTeamMember {
    /// Their id, used in `owners` (required).
    pub id: Str,
    /// Their name as shown (required).
    pub name: Str,
    /// True for a group such as 専門員全員.
    #[serde(default)]
    pub group: bool,
}

/// A dated entry of the revision history.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHistory {
    /// When (required).
    pub date: Date,
    /// What changed (required).
    pub summary: Str,
}

/// 改訂理由: a reason for the revision.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReason {
    /// Its id, used in a point's `reasons` (required).
    pub id: Str,
    /// Its title (required).
    pub title: Str,
    /// Sub-items.
    #[serde(default)]
    pub item: Vec<RawReasonItem>,
    /// Reference ids it cites.
    #[serde(default)]
    pub references: Vec<Str>,
    /// Markdown text.
    pub body: Option<Str>,
}

/// A sub-item of a reason.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReasonItem {
    /// Its title (required).
    pub title: Str,
    /// A note.
    pub note: Option<Str>,
    /// Reference ids it cites.
    #[serde(default)]
    pub references: Vec<Str>,
}

/// A plan topic attached to nothing.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFloatingTopic {
    /// Its title.
    pub title: Option<Str>,
    /// The map's priority marker, 1–9.
    pub priority: Option<Spanned<i64>>,
    /// Other markers, as written, e.g. ["😊"].
    #[serde(default)]
    pub markers: Vec<Str>,
    /// A note.
    pub note: Option<Str>,
}

/// `references.toml`: every document the manuscript cites.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "references.toml")]
pub struct ReferencesFile {
    /// A cited document.
    #[serde(default)]
    pub reference: Vec<RawReference>,
}

/// A cited document.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawReference {
    /// Its id, used in `references` (required).
    pub id: Str,
    /// Its title (required).
    pub title: Str,
    /// Who issued it.
    pub issuer: Option<Str>,
    /// When.
    pub date: Option<Date>,
    /// Its version, e.g. "第4版".
    pub version: Option<Str>,
    /// Its address (never invent one).
    pub url: Option<Str>,
    /// Its file name, when that is all that is known.
    pub file: Option<Str>,
    /// A note.
    pub note: Option<Str>,
}

/// `parts/*.toml`: one part of the supplement, read in file-name order.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "parts/*.toml")]
pub struct PartFile {
    /// The part itself (required).
    pub part: RawPart,
    /// 改訂箇所: revision points.
    #[serde(default)]
    pub point: Vec<Spanned<RawPoint>>,
    /// Topics of the part tied to no place in the book.
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
}

/// `[part]`: what the part is.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPart {
    /// Its id, used by sections' `part` (required).
    pub id: Str,
    /// Its label, e.g. "Mission3" (required).
    pub label: Str,
    /// The base book's title of the part (required).
    pub title: Str,
    /// The part's heading as the plan writes it (shown when given).
    pub plan_heading: Option<Str>,
    /// Owners of the whole part: team ids, "from -> to", or "?".
    #[serde(default)]
    pub owners: Vec<Str>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<Str>,
    /// A Markdown introduction.
    pub body: Option<Str>,
}

/// What a revision point does.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RawAction {
    Revise,
    AddAfter,
    AddTo,
    AddNew,
    Remove,
}

/// How far a revision point is.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RawStatus {
    Planned,
    Drafting,
    Review,
    Done,
}

/// 改訂箇所: a revision point.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    /// Its id: the anchor of its heading (required).
    pub id: Str,
    /// Its title; without one, the heading is the place and action.
    pub title: Option<Str>,
    /// The point it sits under in the plan.
    pub parent: Option<Str>,
    /// True when the grouping is the editors', not stated by the plan.
    #[serde(default)]
    pub parent_inferred: bool,
    /// Section ids; the first must be in this part.
    #[serde(default)]
    pub targets: Vec<Str>,
    /// Page ranges, each inside one of the targets': "41", "98-109", "183-".
    #[serde(default)]
    pub pages: Vec<Str>,
    /// revise | add-after | add-to | add-new | remove (required).
    pub action: Spanned<RawAction>,
    /// Words qualifying the action, e.g. "必要に応じて追加".
    pub action_note: Option<Str>,
    /// planned | drafting | review | done; not shown when absent.
    pub status: Option<Spanned<RawStatus>>,
    /// When the revision is due (for `supplement status`; not shown in the outputs).
    pub due: Option<Date>,
    /// Reason ids.
    #[serde(default)]
    pub reasons: Vec<Str>,
    /// The map's priority marker, 1–9.
    pub priority: Option<Spanned<i64>>,
    /// Other markers, as written, e.g. ["😊"].
    #[serde(default)]
    pub markers: Vec<Str>,
    /// Owners: team ids, "from -> to" for work handed over, or "?".
    #[serde(default)]
    pub owners: Vec<Str>,
    /// Reference ids it cites.
    #[serde(default)]
    pub references: Vec<Str>,
    /// Notes that say what changes.
    #[serde(default)]
    pub notes: Vec<Str>,
    /// The old wording.
    pub before: Option<Str>,
    /// The new wording.
    pub after: Option<Str>,
    /// Markdown text.
    pub body: Option<Str>,
    /// Nested topics, to any depth.
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
}

/// A topic: a sub-topic of a point (or of a part), with its own owners and text.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawTopic {
    /// An optional anchor id.
    pub id: Option<Str>,
    /// Its title (required).
    pub title: Str,
    /// The map's priority marker, 1–9.
    pub priority: Option<Spanned<i64>>,
    /// Other markers, as written.
    #[serde(default)]
    pub markers: Vec<Str>,
    /// Owners: team ids, "from -> to", or "?".
    #[serde(default)]
    pub owners: Vec<Str>,
    /// Reference ids it cites.
    #[serde(default)]
    pub references: Vec<Str>,
    /// Notes.
    #[serde(default)]
    pub notes: Vec<Str>,
    /// The old wording.
    pub before: Option<Str>,
    /// The new wording.
    pub after: Option<Str>,
    /// Markdown text.
    pub body: Option<Str>,
    /// Nested topics.
    #[serde(default)]
    pub topic: Vec<Spanned<RawTopic>>,
}
