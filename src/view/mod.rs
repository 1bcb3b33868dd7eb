//! The document view: everything a reader sees, resolved once from the model — reading
//! order, headings and their levels, anchors, formatted dates, pages, owners, priorities
//! and markers, labels — so that every emitter shows the same document.
//!
//! Emitters read the view and never the model. Templates receive it as `doc` (and its
//! labels as `labels`); `supplement dump` will publish it as JSON. Cross references are
//! indexes into the view's own lists (`doc.points[i]`, `doc.reasons[i]`,
//! `doc.references[i]`, `doc.bodies[i]`), so nothing is written twice.

#![deny(missing_docs)]

pub mod anchor;
pub mod body;
pub mod format;
pub mod wording;

use std::collections::HashMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub use anchor::Anchor;
pub use body::{Block, Body, Inline, LinkTarget};
pub use wording::{Chunk, ChunkKind};

use crate::labels::{fill, Labels};
use crate::model::{self, RevisionPoint, Span, Supplement, Topic};

/// The version of the view's shape; a change that breaks templates or consumers bumps it.
pub const VERSION: u32 = 1;

/// The JSON Schema of the document view, as `supplement schema --view` prints it.
/// `version` is pinned to [`VERSION`], rustdoc's link brackets are taken out of the
/// descriptions (read outside rustdoc), and no object is closed to more properties: new
/// fields may appear within a version, and readers ignore what they do not know.
pub fn json_schema() -> String {
    let mut schema = serde_json::to_value(schemars::schema_for!(DocumentView)).unwrap_or_default();
    if let Some(version) = schema.pointer_mut("/properties/version") {
        *version = serde_json::json!({
            "description": "The major version of the view: a change that breaks readers raises it.",
            "const": VERSION,
        });
    }
    clean_descriptions(&mut schema);
    serde_json::to_string_pretty(&schema).unwrap_or_default()
}

fn clean_descriptions(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("additionalProperties") == Some(&serde_json::Value::Bool(false)) {
                map.remove("additionalProperties");
            }
            for (key, v) in map.iter_mut() {
                match v {
                    serde_json::Value::String(text) if key == "description" => {
                        *text = text.replace("[`", "`").replace("`]", "`");
                    }
                    _ => clean_descriptions(v),
                }
            }
        }
        serde_json::Value::Array(list) => list.iter_mut().for_each(clean_descriptions),
        _ => {}
    }
}

/// An index into [`DocumentView::bodies`].
pub type BodyId = usize;

/// The whole document as readers see it.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct DocumentView {
    /// [`VERSION`].
    pub version: u32,
    /// Language tag of the text (`ja`, `en`…).
    pub language: String,
    /// Identifier of the supplement (also the output file stem).
    pub id: String,
    /// Title.
    pub title: String,
    /// Subtitle, if any.
    pub subtitle: Option<String>,
    /// Date of this edition (its own, else the newest history entry).
    pub date: Option<DateView>,
    /// Author, only when the manuscript names one.
    pub author: Option<String>,
    /// The book this supplement revises.
    pub base_book: BookView,
    /// The facts of the title page, in order (base book, audience, edition, date, author).
    pub front: Vec<FieldView>,
    /// The document's sections in reading order: what every format shows, and its table of
    /// contents.
    pub outline: Vec<OutlineEntry>,
    /// Revision history, newest first.
    pub history: Vec<HistoryView>,
    /// The purpose section's sub-headings.
    pub purpose: PurposeView,
    /// Reasons for the revision.
    pub reasons: Vec<ReasonView>,
    /// Policies for the whole revision (bodies).
    pub general_notes: Vec<BodyId>,
    /// Every revision point in document order (parts index into this list).
    pub points: Vec<PointView>,
    /// True when some point gives a status (else no format shows a status column).
    pub has_status: bool,
    /// The parts, in base-book order.
    pub parts: Vec<PartView>,
    /// The base book's sections that revisions point at, with the points at each.
    pub sections: Vec<SectionView>,
    /// Every cited document, in the manuscript's order.
    pub references: Vec<ReferenceView>,
    /// The published forms of this supplement.
    pub forms: Vec<LinkView>,
    /// Sibling material.
    pub related: Vec<RelatedView>,
    /// The heading over the sibling material (level 2, in the forms section), when there is any.
    pub related_heading: Option<Heading>,
    /// The team.
    pub team: Vec<MemberView>,
    /// Topics of the plan that hang on no revision point.
    pub floating_topics: Vec<FloatingView>,
    /// The 新旧対照表: every old and new wording side by side, when there is any and the
    /// labels do not turn it off.
    pub comparison: Option<ComparisonView>,
    /// What changed since an earlier version, when the build was asked (`--since`): an
    /// appendix after everything else.
    #[serde(default)]
    pub changes: Option<ChangesView>,
    /// Every body, by [`BodyId`].
    pub bodies: Vec<Body>,
    /// The figures bodies show (`Block::Figure` indexes into this list).
    #[serde(default)]
    pub figures: Vec<FigureView>,
    /// The labels the view was written with.
    pub labels: Labels,
    /// Internal links whose target is not an anchor of this document (for validation).
    #[serde(skip)]
    pub unresolved_links: Vec<(String, Span)>,
    /// The view as a template value, converted once on first use and shared by every
    /// template emitter (see [`DocumentView::template_value`]).
    #[serde(skip)]
    #[schemars(skip)]
    pub template_value: std::sync::OnceLock<minijinja::Value>,
}

/// A date as written for readers, with its ISO 8601 form (only the parts given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct DateView {
    /// E.g. 2017年11月.
    pub text: String,
    /// E.g. 2017-11.
    pub iso: String,
}

/// A labelled value.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FieldView {
    /// The field's label.
    pub label: String,
    /// The value as shown.
    pub value: String,
}

/// A heading of the document with its anchor.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct Heading {
    /// The heading text.
    pub text: String,
    /// Where it is.
    pub anchor: Anchor,
    /// Outline level: 1 for the document's sections and parts, 2 below them… (HTML adds
    /// one, as its `h1` is the title).
    pub level: u8,
}

/// What kind of section an outline entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum SectionKind {
    /// The revision history.
    History,
    /// Reasons and general notes.
    Purpose,
    /// The table of revision points.
    Points,
    /// The 新旧対照表.
    Comparison,
    /// A part (see `index`).
    Part,
    /// The references.
    References,
    /// Published forms and related material.
    Forms,
    /// The team.
    Team,
    /// Floating topics.
    Floating,
    /// What changed since an earlier version (`build --since`).
    Changes,
}

/// One section of the document, in reading order.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct OutlineEntry {
    /// What the section is.
    pub kind: SectionKind,
    /// For a part: its index in `parts`.
    pub index: Option<usize>,
    /// Its heading (level 1).
    pub heading: Heading,
    /// The entries under it in the table of contents (a part's revision points).
    pub children: Vec<Heading>,
}

/// The base book.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct BookView {
    /// Title.
    pub title: String,
    /// Publisher.
    pub publisher: String,
    /// Edition, when given.
    pub edition: Option<String>,
    /// Publication date, when given.
    pub published: Option<DateView>,
    /// Its length, e.g. 約190ページ, when the manuscript gives it.
    pub pages: Option<String>,
    /// All of it in one line: 「title」（publisher、edition、date、pages）.
    pub summary: String,
}

/// One entry of the revision history.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct HistoryView {
    /// When.
    pub date: DateView,
    /// What happened.
    pub summary: String,
}

/// The headings inside the purpose section.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct PurposeView {
    /// 改訂理由 (level 2), when there are reasons.
    pub reasons: Option<Heading>,
    /// 全般 (level 2), when there are general notes.
    pub general: Option<Heading>,
}

/// A reason for the revision.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ReasonView {
    /// Its heading (level 3).
    pub heading: Heading,
    /// Manuscript id.
    pub id: String,
    /// Sub-items (laws, strategies, versions…).
    pub items: Vec<ReasonItemView>,
    /// Cited documents (indexes into `references`).
    pub references: Vec<usize>,
    /// Free text.
    pub body: Option<BodyId>,
    /// The revision points made for this reason (indexes into `points`).
    pub points: Vec<usize>,
}

/// A sub-item of a reason.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ReasonItemView {
    /// The item, with its note in parentheses when it has one.
    pub text: String,
    /// Cited documents (indexes into `references`).
    pub references: Vec<usize>,
}

/// The 新旧対照表 (comparison table of old and new wording).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ComparisonView {
    /// Its heading (level 1, in the outline).
    pub heading: Heading,
    /// The line that introduces the table.
    pub lead: String,
    /// The note that says how changes are marked (（傍線部分は改正部分）).
    pub note: String,
    /// The new wording's column first (the common convention), else the old one's.
    pub new_first: bool,
    /// One row per revision point or topic with wording, in document order.
    pub rows: Vec<ComparisonRow>,
}

/// One passage in the 新旧対照表.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ComparisonRow {
    /// The revision point or topic the wording belongs to.
    pub anchor: Anchor,
    /// Its place in the book: target sections and pages.
    pub place: String,
    /// Its title (a topic's under its point's).
    pub title: String,
    /// The wording compared: removed chunks are the old text's changes, added the new's.
    pub chunks: Vec<Chunk>,
    /// True when there was no old wording (the old column says （新設）).
    pub added_passage: bool,
    /// True when there is no new wording (the new column says （削る）).
    pub removed_passage: bool,
}

/// A figure's image.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct FigureView {
    /// Its file, relative to the manuscript folder (`/`-separated).
    pub file: String,
    /// `image/png`, `image/jpeg`, `image/gif` or `image/svg+xml`.
    pub mime: String,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The file's bytes (not in the JSON: an external emitter reads `file`, relative to
    /// the manuscript folder it runs in).
    #[serde(skip)]
    #[schemars(skip)]
    pub data: std::sync::Arc<[u8]>,
}

/// What changed since an earlier version (変更点).
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ChangesView {
    /// Its heading (level 1, in the outline).
    pub heading: Heading,
    /// The line that says since when, e.g. v1.0（2024年5月1日）からの変更.
    pub lead: String,
    /// Counts by kind of change.
    pub summary: String,
    /// The labels' sentence for no changes, when there are none.
    pub none: Option<String>,
    /// The changes, document-wide first, then part by part.
    pub groups: Vec<ChangeGroupView>,
}

/// The changes of one part, or the document-wide ones.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ChangeGroupView {
    /// Its heading (level 2).
    pub heading: Heading,
    /// The changes in order.
    pub changes: Vec<ChangeView>,
}

/// One change.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ChangeView {
    /// added, removed, renamed, moved or changed.
    pub kind: String,
    /// Its word, e.g. 追加.
    pub kind_label: String,
    /// What changed, e.g. 改訂箇所 intro-opening「冒頭の説明の見直し」.
    pub subject: String,
    /// Where it is in this document, when it still is.
    pub anchor: Option<Anchor>,
    /// The field and its old and new values, e.g. 状態：予定 → 完了 (empty for an
    /// addition or removal, and for prose, whose change is `wording`).
    pub detail: String,
    /// For prose: the wording diff, long unchanged stretches cut to their ends.
    pub wording: Vec<Chunk>,
}

/// A priority marker as shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct PriorityView {
    /// The number (1–9).
    pub n: u8,
    /// E.g. 優先度 5.
    pub label: String,
}

/// Another marker (e.g. 😊) as shown.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct MarkerView {
    /// The marker as written.
    pub text: String,
    /// Its spoken form, e.g. マーカー 😊 (for screen readers).
    pub label: String,
}

/// A revision point.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct PointView {
    /// Its heading: the title, at level 2.
    pub heading: Heading,
    /// Manuscript id.
    pub id: String,
    /// Title: as given, or the action phrase when the manuscript gives none.
    pub title: String,
    /// False when the manuscript gives no title (then the heading is the action phrase,
    /// and the meta line does not repeat it).
    pub titled: bool,
    /// The part it is in (index into `parts`).
    pub part: usize,
    /// Target sections.
    pub targets: Vec<FieldView>,
    /// The targets as one text.
    pub target_text: String,
    /// Pages (empty when none are given).
    pub pages: String,
    /// Each page range on its own, e.g. `p.124～131`, `p.180～183` (for table cells).
    pub page_list: Vec<String>,
    /// Targets and pages together.
    pub place: String,
    /// The action keyword (`revise`, `add-after`…), for styling.
    pub action: String,
    /// The action on its own, e.g. 改訂.
    pub action_label: String,
    /// The action with its place and note, e.g. Mission3-10（p.98～109）を改訂.
    pub action_phrase: String,
    /// The status keyword, for styling, when the manuscript gives a status.
    pub status: Option<String>,
    /// The status as shown, when given.
    pub status_label: Option<String>,
    /// Owners, named.
    pub owners: Vec<String>,
    /// Owners as one text (empty when none).
    pub owners_text: String,
    /// Priority marker.
    pub priority: Option<PriorityView>,
    /// Other markers.
    pub markers: Vec<MarkerView>,
    /// The point this one sits under (index into `points`).
    pub parent: Option<usize>,
    /// The label of that relation: 上位の改訂箇所, marked as the editors' grouping when
    /// the plan does not state it.
    pub parent_label: String,
    /// The points the plan puts under this one (indexes into `points`).
    pub children: Vec<usize>,
    /// The points the editors grouped under this one (indexes into `points`).
    pub grouped: Vec<usize>,
    /// The label of `grouped`: 下位の改訂箇所, marked as the editors' grouping.
    pub grouped_label: String,
    /// Reasons (indexes into `reasons`).
    pub reasons: Vec<usize>,
    /// Cited documents (indexes into `references`).
    pub references: Vec<usize>,
    /// Notes on what changes.
    pub notes: Vec<String>,
    /// Old wording.
    pub before: Option<String>,
    /// New wording.
    pub after: Option<String>,
    /// The old and the new wording compared, when either is given.
    pub wording: Option<Vec<Chunk>>,
    /// Who made the wording change, for tracked changes: the current owners (a hand-over's
    /// receiver), else the point's, else the unassigned label.
    pub revision_author: String,
    /// The text.
    pub body: Option<BodyId>,
    /// Nested topics, depth first.
    pub topics: Vec<TopicView>,
}

/// A topic under a revision point or a part.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct TopicView {
    /// Its heading (level 3 and below, at most 6).
    pub heading: Heading,
    /// Depth under its owner (1 = a direct child).
    pub depth: usize,
    /// Manuscript id, when it has one.
    pub id: Option<String>,
    /// Priority marker.
    pub priority: Option<PriorityView>,
    /// Other markers.
    pub markers: Vec<MarkerView>,
    /// Owners, named.
    pub owners: Vec<String>,
    /// Owners as one text.
    pub owners_text: String,
    /// Cited documents (indexes into `references`).
    pub references: Vec<usize>,
    /// Notes.
    pub notes: Vec<String>,
    /// Old wording.
    pub before: Option<String>,
    /// New wording.
    pub after: Option<String>,
    /// The old and the new wording compared, when either is given.
    pub wording: Option<Vec<Chunk>>,
    /// Who made the wording change, for tracked changes: the current owners (a hand-over's
    /// receiver), else the point's, else the unassigned label.
    pub revision_author: String,
    /// The text.
    pub body: Option<BodyId>,
}

/// A part of the supplement.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct PartView {
    /// Its heading: label and title (level 1).
    pub heading: Heading,
    /// Manuscript id.
    pub id: String,
    /// Short label, e.g. Mission3.
    pub label: String,
    /// Title.
    pub title: String,
    /// The part's heading as the revision plan writes it, when it has one.
    pub plan_heading: Option<String>,
    /// Owners, named.
    pub owners: Vec<String>,
    /// Owners as one text.
    pub owners_text: String,
    /// Notes on the part.
    pub notes: Vec<String>,
    /// Introductory text.
    pub body: Option<BodyId>,
    /// Its revision points (indexes into `points`).
    pub points: Vec<usize>,
    /// The heading over its topics tied to no place (level 2), when it has such topics.
    pub topics_heading: Option<Heading>,
    /// Those topics, depth first.
    pub topics: Vec<TopicView>,
}

/// A section of the base book.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct SectionView {
    /// Manuscript id.
    pub id: String,
    /// As the book writes it.
    pub label: String,
    /// Its title, when known.
    pub title: Option<String>,
    /// Its pages.
    pub pages: String,
    /// The part it is in (its label).
    pub part: String,
    /// A note on the section.
    pub note: Option<String>,
    /// The revision points that target it (indexes into `points`).
    pub points: Vec<usize>,
}

/// A cited document.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct ReferenceView {
    /// Where it is listed.
    pub anchor: Anchor,
    /// Manuscript id.
    pub id: String,
    /// Title as given.
    pub title: String,
    /// The house citation: 「title」（issuer、date、version）.
    pub citation: String,
    /// Its address.
    pub url: Option<String>,
    /// Its file name, unless that is its title too (then the citation already shows it).
    pub file: Option<String>,
    /// A note (e.g. 再掲).
    pub note: Option<String>,
    /// The revision points that cite it (indexes into `points`).
    pub cited_by: Vec<usize>,
}

/// A published form of a document.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct LinkView {
    /// What the form is.
    pub label: String,
    /// File name.
    pub file: Option<String>,
    /// Address.
    pub url: Option<String>,
}

/// Sibling material.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct RelatedView {
    /// Manuscript id.
    pub id: String,
    /// Title.
    pub title: String,
    /// Address.
    pub url: Option<String>,
    /// Its published forms.
    pub links: Vec<LinkView>,
}

/// A member of the team.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct MemberView {
    /// Manuscript id.
    pub id: String,
    /// Name as shown (a group marked as such).
    pub name: String,
    /// True for a group.
    pub group: bool,
}

/// A topic of the plan that hangs on no revision point.
#[derive(Debug, Serialize, Deserialize, JsonSchema)]
pub struct FloatingView {
    /// Its title, or the label for an untitled topic.
    pub title: String,
    /// Priority marker.
    pub priority: Option<PriorityView>,
    /// Other markers.
    pub markers: Vec<MarkerView>,
    /// Where it stands in the plan.
    pub note: Option<String>,
}

impl DocumentView {
    /// Adds the 変更点 appendix: the last section of the outline, its groups as its
    /// table-of-contents children.
    pub fn attach_changes(&mut self, changes: ChangesView) {
        self.template_value = std::sync::OnceLock::new();
        self.outline.push(OutlineEntry {
            kind: SectionKind::Changes,
            index: None,
            heading: changes.heading.clone(),
            children: changes.groups.iter().map(|g| g.heading.clone()).collect(),
        });
        self.changes = Some(changes);
    }

    /// The view as a minijinja value, for templates. Converting the whole view into
    /// template values is a large part of a template's time on a big manuscript; the
    /// HTML page and the changelog (rendered side by side) share one conversion, and it
    /// lives as long as the view, so no render pays for freeing it either. Code that
    /// changes the view after the emitters have read it must reset the field
    /// ([`DocumentView::attach_changes`] does).
    pub fn template_value(&self) -> &minijinja::Value {
        self.template_value
            .get_or_init(|| minijinja::Value::from_serialize(self))
    }

    /// Builds the view of a supplement with the given labels.
    pub fn build(s: &Supplement, labels: Labels) -> DocumentView {
        Builder::new(s, labels).build()
    }

    /// The body with this id (empty when out of range).
    pub fn body(&self, id: Option<BodyId>) -> &[Block] {
        id.and_then(|i| self.bodies.get(i))
            .map_or(&[], Vec::as_slice)
    }

    /// Every anchor of the document, in document order.
    pub fn anchors(&self) -> Vec<&Anchor> {
        let mut out = Vec::new();
        for entry in &self.outline {
            out.push(&entry.heading.anchor);
        }
        out.extend(self.purpose.reasons.iter().map(|h| &h.anchor));
        out.extend(self.purpose.general.iter().map(|h| &h.anchor));
        out.extend(self.related_heading.iter().map(|h| &h.anchor));
        out.extend(self.reasons.iter().map(|r| &r.heading.anchor));
        for p in &self.points {
            out.push(&p.heading.anchor);
            out.extend(p.topics.iter().map(|t| &t.heading.anchor));
        }
        for part in &self.parts {
            out.extend(part.topics_heading.iter().map(|h| &h.anchor));
            out.extend(part.topics.iter().map(|t| &t.heading.anchor));
        }
        out.extend(self.references.iter().map(|r| &r.anchor));
        out
    }
}

/// Section anchors (see [`anchor`]).
mod sections {
    /// The page's main content (HTML's skip link).
    pub const MAIN: &str = "_main";
    /// 改訂履歴.
    pub const HISTORY: &str = "_history";
    /// 改訂の趣旨.
    pub const PURPOSE: &str = "_purpose";
    /// 改訂理由, inside the purpose.
    pub const REASONS: &str = "_reasons";
    /// 全般, inside the purpose.
    pub const GENERAL: &str = "_general";
    /// 改訂箇所一覧.
    pub const POINTS: &str = "_points";
    /// 新旧対照表.
    pub const COMPARISON: &str = "_comparison";
    /// 参考文献.
    pub const REFERENCES: &str = "_references";
    /// 公開形式・関連資料.
    pub const FORMS: &str = "_forms";
    /// 関連資料, inside the forms.
    pub const RELATED: &str = "_related";
    /// 担当者.
    pub const TEAM: &str = "_team";
    /// フローティングトピック.
    pub const FLOATING: &str = "_floating";
}

/// The anchor of the page's main content.
pub use sections::MAIN as MAIN_ANCHOR;

struct Builder<'a> {
    s: &'a Supplement,
    labels: Labels,
    anchors: anchor::Anchors,
    /// Anchors that links may name, by id.
    targets: HashMap<String, Anchor>,
    bodies: Vec<Body>,
    unresolved: Vec<(String, Span)>,
    point_index: HashMap<&'a str, usize>,
    reason_index: HashMap<&'a str, usize>,
    reference_index: HashMap<&'a str, usize>,
}

impl<'a> Builder<'a> {
    fn new(s: &'a Supplement, labels: Labels) -> Self {
        let mut point_index = HashMap::new();
        for (i, p) in s.points().enumerate() {
            point_index.entry(p.id.value.as_str()).or_insert(i);
        }
        let mut reason_index = HashMap::new();
        for (i, r) in s.reasons.iter().enumerate() {
            reason_index.entry(r.id.value.as_str()).or_insert(i);
        }
        let mut reference_index = HashMap::new();
        for (i, r) in s.references.iter().enumerate() {
            reference_index.entry(r.id.value.as_str()).or_insert(i);
        }
        Builder {
            s,
            labels,
            anchors: anchor::Anchors::default(),
            targets: HashMap::new(),
            bodies: Vec::new(),
            unresolved: Vec::new(),
            point_index,
            reason_index,
            reference_index,
        }
    }

    /// Makes the anchor `id` and records it as a link target (first one wins).
    fn anchor(&mut self, id: String) -> Anchor {
        if let Some(a) = self.targets.get(&id) {
            return a.clone();
        }
        let a = self.anchors.make(id.clone());
        self.targets.insert(id, a.clone());
        a
    }

    fn heading(&mut self, text: String, anchor: String, level: u8) -> Heading {
        Heading {
            text,
            anchor: self.anchor(anchor),
            level,
        }
    }

    /// Every anchor, in document order, before any body is converted (links may point
    /// forward).
    fn register_anchors(&mut self) {
        let s = self.s;
        for id in [
            sections::MAIN,
            sections::HISTORY,
            sections::PURPOSE,
            sections::REASONS,
            sections::GENERAL,
        ] {
            self.anchor(id.to_string());
        }
        for r in &s.reasons {
            self.anchor(anchor::reason(&r.id.value));
        }
        self.anchor(sections::POINTS.to_string());
        self.anchor(sections::COMPARISON.to_string());
        for part in &s.parts {
            self.anchor(anchor::part(&part.id.value));
            for p in &part.points {
                self.anchor(p.id.value.clone());
                let mut n = 0;
                for t in &p.topic.topics {
                    t.walk(&mut |t, _| {
                        n += 1;
                        let id = t.id.as_ref().map_or_else(
                            || anchor::point_topic(&p.id.value, n),
                            |i| i.value.clone(),
                        );
                        self.anchor(id);
                    });
                }
            }
            if !part.topics.is_empty() {
                self.anchor(anchor::part_topics(&part.id.value));
            }
            let mut n = 0;
            for t in &part.topics {
                t.walk(&mut |t, _| {
                    n += 1;
                    let id = t.id.as_ref().map_or_else(
                        || anchor::part_topic(&part.id.value, n),
                        |i| i.value.clone(),
                    );
                    self.anchor(id);
                });
            }
        }
        self.anchor(sections::REFERENCES.to_string());
        for r in &s.references {
            self.anchor(anchor::reference(&r.id.value));
        }
        for id in [
            sections::FORMS,
            sections::RELATED,
            sections::TEAM,
            sections::FLOATING,
        ] {
            self.anchor(id.to_string());
        }
    }

    /// Converts a body, resolving its links; `None` for an empty body.
    fn body(&mut self, blocks: &[model::Block]) -> Option<BodyId> {
        if blocks.is_empty() {
            return None;
        }
        let targets = &self.targets;
        let unresolved = &mut self.unresolved;
        let mut resolve = |url: &str, span: Span| -> LinkTarget {
            if let Some(id) = url.trim().strip_prefix('#') {
                match targets.get(id) {
                    Some(a) => LinkTarget::Anchor { anchor: a.clone() },
                    None => {
                        unresolved.push((url.to_string(), span));
                        LinkTarget::None
                    }
                }
            } else if model::check_link(url).is_ok() {
                LinkTarget::Url {
                    url: url.trim().to_string(),
                }
            } else {
                LinkTarget::None
            }
        };
        let figures = &self.s.figures;
        let figure = |src: &str| figures.iter().position(|f| f.src == src);
        let body = body::convert(
            blocks,
            &mut body::Resolve {
                link: &mut resolve,
                figure: &figure,
                figure_text: &self.labels.format.figure,
            },
        );
        self.bodies.push(body);
        Some(self.bodies.len() - 1)
    }

    fn date(&self, d: model::PartialDate) -> DateView {
        format::date(d, &self.labels)
    }

    fn owners(&self, owners: &[model::Owner]) -> (Vec<String>, String) {
        let names = format::owners(self.s, owners, &self.labels);
        let text = format::list(&names, &self.labels);
        (names, text)
    }

    /// The author of a tracked change: the current owners, else `fallback`, else the
    /// unassigned label.
    fn revision_author(&self, owners: &[model::Owner], fallback: Option<&str>) -> String {
        let names = format::current_owners(self.s, owners, &self.labels);
        if !names.is_empty() {
            return format::list(&names, &self.labels);
        }
        fallback.map_or_else(|| self.labels.text.unassigned.clone(), str::to_string)
    }

    fn priority(&self, p: Option<u8>) -> Option<PriorityView> {
        p.map(|n| PriorityView {
            n,
            label: fill(&self.labels.format.priority, &[("n", &n.to_string())]),
        })
    }

    fn markers(&self, markers: &[String]) -> Vec<MarkerView> {
        markers
            .iter()
            .map(|m| MarkerView {
                text: m.clone(),
                label: fill(&self.labels.format.marker, &[("marker", m)]),
            })
            .collect()
    }

    fn references(&self, ids: &[model::IdRef]) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for id in ids {
            if let Some(&i) = self.reference_index.get(id.value.as_str()) {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out
    }

    fn build(mut self) -> DocumentView {
        let s = self.s;
        self.register_anchors();
        let l = self.labels.clone();

        let date = s.effective_date().map(|d| self.date(d));
        let base_book = self.base_book();
        let mut front = vec![FieldView {
            label: l.field.base_book.clone(),
            value: base_book.summary.clone(),
        }];
        if !s.audience.is_empty() {
            front.push(FieldView {
                label: l.field.audience.clone(),
                value: format::list(&s.audience, &l),
            });
        }
        if let Some(e) = &s.edition {
            front.push(FieldView {
                label: l.field.edition.clone(),
                value: e.clone(),
            });
        }
        if let Some(d) = &date {
            front.push(FieldView {
                label: l.field.date.clone(),
                value: d.text.clone(),
            });
        }
        if let Some(a) = &s.author {
            front.push(FieldView {
                label: l.field.author.clone(),
                value: a.clone(),
            });
        }

        // Newest first; entries of one date keep the manuscript's order.
        let mut dated: Vec<&model::HistoryEntry> = s.history.iter().collect();
        dated.sort_by_key(|h| std::cmp::Reverse(h.date.value));
        let history = dated
            .into_iter()
            .map(|h| HistoryView {
                date: self.date(h.date.value),
                summary: h.summary.clone(),
            })
            .collect();

        let general_notes: Vec<BodyId> = s
            .general_notes
            .iter()
            .filter_map(|n| self.body(n))
            .collect();
        let purpose = PurposeView {
            reasons: (!s.reasons.is_empty())
                .then(|| self.heading(l.section.reasons.clone(), sections::REASONS.into(), 2)),
            general: (!general_notes.is_empty())
                .then(|| self.heading(l.section.general.clone(), sections::GENERAL.into(), 2)),
        };

        let (points, parts) = self.parts();
        let reasons = self.reasons(&points);
        let references = self.reference_views(&points);
        let comparison = self.comparison(&points);
        let sections = self.sections();

        let forms: Vec<LinkView> = s.links.iter().map(link).collect();
        let related: Vec<RelatedView> = s
            .related
            .iter()
            .map(|r| RelatedView {
                id: r.id.value.clone(),
                title: r.title.clone(),
                url: r.url.as_ref().map(|u| u.value.clone()),
                links: r.links.iter().map(link).collect(),
            })
            .collect();
        let related_heading = (!related.is_empty())
            .then(|| self.heading(l.section.related.clone(), sections::RELATED.into(), 2));
        let team: Vec<MemberView> = s
            .team
            .iter()
            .map(|m| MemberView {
                id: m.id.value.clone(),
                name: if m.group {
                    format!("{}{}", m.name, l.text.group)
                } else {
                    m.name.clone()
                },
                group: m.group,
            })
            .collect();
        let floating_topics: Vec<FloatingView> = s
            .floating_topics
            .iter()
            .map(|f| FloatingView {
                title: f.title.clone().unwrap_or_else(|| l.text.untitled.clone()),
                priority: self.priority(f.priority),
                markers: self.markers(&f.markers),
                note: f.note.clone(),
            })
            .collect();

        let outline = self.outline(
            &parts,
            &points,
            comparison.as_ref(),
            &purpose,
            !references.is_empty(),
            (!forms.is_empty() || !related.is_empty()).then_some(&related_heading),
            !team.is_empty(),
            !floating_topics.is_empty(),
        );

        DocumentView {
            version: VERSION,
            language: s.language.clone(),
            id: s.id.value.clone(),
            title: s.title.clone(),
            subtitle: s.subtitle.clone(),
            date,
            author: s.author.clone(),
            base_book,
            front,
            outline,
            history,
            purpose,
            reasons,
            general_notes,
            has_status: points.iter().any(|p| p.status.is_some()),
            points,
            parts,
            sections,
            references,
            forms,
            related,
            related_heading,
            team,
            floating_topics,
            comparison,
            changes: None,
            bodies: self.bodies,
            figures: self
                .s
                .figures
                .iter()
                .map(|f| FigureView {
                    file: f.path.clone(),
                    mime: f.mime.to_string(),
                    width: f.width,
                    height: f.height,
                    data: f.bytes.clone(),
                })
                .collect(),
            template_value: std::sync::OnceLock::new(),
            labels: self.labels,
            unresolved_links: self.unresolved,
        }
    }

    fn base_book(&self) -> BookView {
        let b = &self.s.base_book;
        let l = &self.labels;
        let published = b.published.as_ref().map(|d| self.date(d.value));
        let pages = b
            .pages
            .as_ref()
            .map(|p| format::book_pages(p.value, b.pages_approximate, l));
        let mut facts = vec![b.publisher.clone()];
        facts.extend(b.edition.clone());
        facts.extend(published.as_ref().map(|d| d.text.clone()));
        facts.extend(pages.clone());
        facts.retain(|f| !f.is_empty());
        let summary = format!(
            "{}{}",
            format::quote(&b.title, l),
            format::parenthesize(&format::list(&facts, l), l)
        );
        BookView {
            title: b.title.clone(),
            publisher: b.publisher.clone(),
            edition: b.edition.clone(),
            published,
            pages,
            summary,
        }
    }

    fn parts(&mut self) -> (Vec<PointView>, Vec<PartView>) {
        let s = self.s;
        let mut points = Vec::new();
        let mut parts = Vec::new();
        for (pi, part) in s.parts.iter().enumerate() {
            let text = if part.title.is_empty() || part.title == part.label {
                part.label.clone()
            } else {
                fill(
                    &self.labels.format.part_heading,
                    &[("label", &part.label), ("title", &part.title)],
                )
            };
            let heading = self.heading(text, anchor::part(&part.id.value), 1);
            let (owners, owners_text) = self.owners(&part.owners);
            let body = self.body(&part.body);
            let mut indexes = Vec::new();
            for p in &part.points {
                indexes.push(points.len());
                points.push(self.point(p, pi));
            }
            let topics_heading = (!part.topics.is_empty()).then(|| {
                self.heading(
                    self.labels.section.part_topics.clone(),
                    anchor::part_topics(&part.id.value),
                    2,
                )
            });
            let mut topics = Vec::new();
            let mut n = 0;
            let author = self.revision_author(&part.owners, None);
            for t in &part.topics {
                self.topics(
                    t,
                    1,
                    &mut n,
                    &|n| anchor::part_topic(&part.id.value, n),
                    &author,
                    &mut topics,
                );
            }
            parts.push(PartView {
                heading,
                id: part.id.value.clone(),
                label: part.label.clone(),
                title: part.title.clone(),
                plan_heading: part.plan_heading.clone(),
                owners,
                owners_text,
                notes: part.notes.clone(),
                body,
                points: indexes,
                topics_heading,
                topics,
            });
        }
        // Children, in document order; those the editors grouped apart from those the
        // plan states.
        let l = &self.labels;
        let editorial = |label: &str| fill(&l.format.editorial, &[("label", label)]);
        for (i, p) in s.points().enumerate() {
            let Some(&parent) = p
                .parent
                .as_ref()
                .and_then(|x| self.point_index.get(x.value.as_str()))
            else {
                continue;
            };
            points[i].parent = Some(parent);
            if p.parent_inferred {
                points[i].parent_label = editorial(&l.field.parent);
                points[parent].grouped.push(i);
            } else {
                points[parent].children.push(i);
            }
        }
        (points, parts)
    }

    fn point(&mut self, p: &'a RevisionPoint, part: usize) -> PointView {
        let s = self.s;
        let l = &self.labels;
        let targets: Vec<FieldView> = p
            .targets
            .iter()
            .map(|t| FieldView {
                label: t.value.clone(),
                value: s
                    .section(&t.value)
                    .map_or_else(|| t.value.clone(), |x| x.label.clone()),
            })
            .collect();
        let names: Vec<String> = targets.iter().map(|t| t.value.clone()).collect();
        let target_text = format::list(&names, l);
        let pages = format::pages(&p.pages, l);
        let page_list = p
            .pages
            .iter()
            .map(|r| format::pages(std::slice::from_ref(r), l))
            .collect();
        let place = format::place(&target_text, &pages, l);
        let action = p.action.value;
        let mut action_phrase = fill(l.action_phrase.get(action), &[("place", &place)]);
        if let Some(note) = &p.action_note {
            action_phrase.push_str(&format::parenthesize(note, l));
        }
        let action_label = l.action.get(action).to_string();
        let status_label = p.status.map(|s| l.status.get(s).to_string());
        let parent_label = l.field.parent.clone();
        let grouped_label = fill(&l.format.editorial, &[("label", &l.field.children)]);
        let title = if p.titled {
            p.topic.title.clone()
        } else {
            action_phrase.clone()
        };
        let (owners, owners_text) = self.owners(&p.topic.owners);
        let revision_author = self.revision_author(&p.topic.owners, None);
        let heading = self.heading(title.clone(), p.id.value.clone(), 2);
        let body = self.body(&p.topic.body);
        let mut topics = Vec::new();
        let mut n = 0;
        for t in &p.topic.topics {
            self.topics(
                t,
                1,
                &mut n,
                &|n| anchor::point_topic(&p.id.value, n),
                &revision_author,
                &mut topics,
            );
        }
        let reasons = p
            .reasons
            .iter()
            .filter_map(|r| self.reason_index.get(r.value.as_str()).copied())
            .collect();
        PointView {
            heading,
            id: p.id.value.clone(),
            title,
            titled: p.titled,
            part,
            targets,
            target_text,
            pages,
            page_list,
            place,
            action: action.key().to_string(),
            action_label,
            action_phrase,
            status: p.status.map(|s| s.key().to_string()),
            status_label,
            owners,
            owners_text,
            priority: self.priority(p.topic.priority),
            markers: self.markers(&p.topic.markers),
            parent: None,
            parent_label,
            children: Vec::new(),
            grouped: Vec::new(),
            grouped_label,
            reasons,
            references: self.references(&p.topic.references),
            notes: p.topic.notes.clone(),
            before: p.topic.before.clone(),
            after: p.topic.after.clone(),
            wording: compare(p.topic.before.as_deref(), p.topic.after.as_deref()),
            revision_author,
            body,
            topics,
        }
    }

    /// A topic and its descendants, depth first; `n` numbers the owner's topics for the
    /// anchors of those without an id.
    fn topics(
        &mut self,
        root: &'a Topic,
        depth: usize,
        n: &mut usize,
        unnamed: &dyn Fn(usize) -> String,
        author: &str,
        out: &mut Vec<TopicView>,
    ) {
        let mut stack = vec![(root, depth)];
        while let Some((t, depth)) = stack.pop() {
            *n += 1;
            let id =
                t.id.as_ref()
                    .map_or_else(|| unnamed(*n), |i| i.value.clone());
            let level = (2 + depth).min(6) as u8;
            let (owners, owners_text) = self.owners(&t.owners);
            let body = self.body(&t.body);
            out.push(TopicView {
                heading: self.heading(t.title.clone(), id, level),
                depth,
                id: t.id.as_ref().map(|i| i.value.clone()),
                priority: self.priority(t.priority),
                markers: self.markers(&t.markers),
                owners,
                owners_text,
                references: self.references(&t.references),
                notes: t.notes.clone(),
                before: t.before.clone(),
                after: t.after.clone(),
                wording: compare(t.before.as_deref(), t.after.as_deref()),
                revision_author: self.revision_author(&t.owners, Some(author)),
                body,
            });
            for child in t.topics.iter().rev() {
                stack.push((child, depth + 1));
            }
        }
    }

    fn reasons(&mut self, points: &[PointView]) -> Vec<ReasonView> {
        let s = self.s;
        let mut by_reason: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, p) in points.iter().enumerate() {
            for &r in &p.reasons {
                let list = by_reason.entry(r).or_default();
                if !list.contains(&i) {
                    list.push(i);
                }
            }
        }
        let mut out = Vec::new();
        for r in &s.reasons {
            let items = r
                .items
                .iter()
                .map(|i| ReasonItemView {
                    text: match &i.note {
                        Some(note) => {
                            format!("{}{}", i.title, format::parenthesize(note, &self.labels))
                        }
                        None => i.title.clone(),
                    },
                    references: self.references(&i.references),
                })
                .collect();
            let body = self.body(&r.body);
            let ri = out.len();
            out.push(ReasonView {
                heading: self.heading(r.title.clone(), anchor::reason(&r.id.value), 3),
                id: r.id.value.clone(),
                items,
                references: self.references(&r.references),
                body,
                points: by_reason.remove(&ri).unwrap_or_default(),
            });
        }
        out
    }

    /// The 新旧対照表: a row for every point and topic with wording, in document order.
    fn comparison(&mut self, points: &[PointView]) -> Option<ComparisonView> {
        let l = &self.labels;
        if !l.comparison.show {
            return None;
        }
        let mut rows = Vec::new();
        for p in points {
            let row = |anchor: &Anchor,
                       title: String,
                       chunks: &Option<Vec<Chunk>>,
                       before: &Option<String>,
                       after: &Option<String>| {
                chunks.as_ref().map(|chunks| ComparisonRow {
                    anchor: anchor.clone(),
                    place: p.place.clone(),
                    title,
                    chunks: chunks.clone(),
                    added_passage: before.as_deref().unwrap_or_default().is_empty(),
                    removed_passage: after.as_deref().unwrap_or_default().is_empty(),
                })
            };
            rows.extend(row(
                &p.heading.anchor,
                p.title.clone(),
                &p.wording,
                &p.before,
                &p.after,
            ));
            for t in &p.topics {
                let title = format!("{}{}{}", p.title, l.format.meta_separator, t.heading.text);
                rows.extend(row(
                    &t.heading.anchor,
                    title,
                    &t.wording,
                    &t.before,
                    &t.after,
                ));
            }
        }
        if rows.is_empty() {
            return None;
        }
        let heading = l.comparison.heading.clone();
        let lead = fill(&l.comparison.lead, &[("book", &self.s.base_book.title)]);
        let note = l.comparison.note.clone();
        let new_first = l.comparison.new_first;
        Some(ComparisonView {
            heading: self.heading(heading, sections::COMPARISON.into(), 1),
            lead,
            note,
            new_first,
            rows,
        })
    }

    fn reference_views(&mut self, points: &[PointView]) -> Vec<ReferenceView> {
        let s = self.s;
        let mut cited_by: HashMap<usize, Vec<usize>> = HashMap::new();
        for (i, p) in points.iter().enumerate() {
            let mut refs: Vec<usize> = p.references.clone();
            for t in &p.topics {
                refs.extend(&t.references);
            }
            refs.sort_unstable();
            refs.dedup();
            for r in refs {
                cited_by.entry(r).or_default().push(i);
            }
        }
        s.references
            .iter()
            .enumerate()
            .map(|(i, r)| ReferenceView {
                anchor: self.anchor(anchor::reference(&r.id.value)),
                id: r.id.value.clone(),
                title: r.title.clone(),
                citation: format::citation(r, &self.labels),
                url: r.url.as_ref().map(|u| u.value.clone()),
                file: r
                    .file
                    .as_ref()
                    .filter(|f| f.value != r.title)
                    .map(|f| f.value.clone()),
                note: r.note.clone(),
                cited_by: cited_by.remove(&i).unwrap_or_default(),
            })
            .collect()
    }

    fn sections(&self) -> Vec<SectionView> {
        let s = self.s;
        let mut by_section: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in s.points().enumerate() {
            let mut seen: Vec<&str> = Vec::new();
            for t in &p.targets {
                if !seen.contains(&t.value.as_str()) {
                    seen.push(&t.value);
                    by_section.entry(&t.value).or_default().push(i);
                }
            }
        }
        s.base_book
            .sections
            .iter()
            .map(|sec| SectionView {
                id: sec.id.value.clone(),
                label: sec.label.clone(),
                title: sec.title.clone(),
                pages: format::pages(std::slice::from_ref(&sec.pages), &self.labels),
                part: s
                    .parts
                    .iter()
                    .find(|p| p.id.value == sec.part.value)
                    .map_or_else(|| sec.part.value.clone(), |p| p.label.clone()),
                note: sec.note.clone(),
                points: by_section.remove(sec.id.value.as_str()).unwrap_or_default(),
            })
            .collect()
    }

    #[allow(clippy::too_many_arguments)]
    fn outline(
        &mut self,
        parts: &[PartView],
        points: &[PointView],
        comparison: Option<&ComparisonView>,
        purpose: &PurposeView,
        references: bool,
        forms: Option<&Option<Heading>>,
        team: bool,
        floating: bool,
    ) -> Vec<OutlineEntry> {
        let l = self.labels.clone();
        let mut out = Vec::new();
        let section = |b: &mut Self, kind, text: &str, anchor: &str| OutlineEntry {
            kind,
            index: None,
            heading: b.heading(text.to_string(), anchor.to_string(), 1),
            children: Vec::new(),
        };
        out.push(section(
            self,
            SectionKind::History,
            &l.section.history,
            sections::HISTORY,
        ));
        if purpose.reasons.is_some() || purpose.general.is_some() {
            let mut entry = section(
                self,
                SectionKind::Purpose,
                &l.section.purpose,
                sections::PURPOSE,
            );
            entry.children = purpose
                .reasons
                .iter()
                .chain(&purpose.general)
                .cloned()
                .collect();
            out.push(entry);
        }
        out.push(section(
            self,
            SectionKind::Points,
            &l.section.points,
            sections::POINTS,
        ));
        if let Some(c) = comparison {
            out.push(OutlineEntry {
                kind: SectionKind::Comparison,
                index: None,
                heading: c.heading.clone(),
                children: Vec::new(),
            });
        }
        for (i, part) in parts.iter().enumerate() {
            out.push(OutlineEntry {
                kind: SectionKind::Part,
                index: Some(i),
                heading: part.heading.clone(),
                children: part
                    .points
                    .iter()
                    .map(|&p| points[p].heading.clone())
                    .chain(part.topics_heading.clone())
                    .collect(),
            });
        }
        if references {
            out.push(section(
                self,
                SectionKind::References,
                &l.section.references,
                sections::REFERENCES,
            ));
        }
        if let Some(related) = forms {
            let mut entry = section(self, SectionKind::Forms, &l.section.forms, sections::FORMS);
            entry.children = related.iter().cloned().collect();
            out.push(entry);
        }
        if team {
            out.push(section(
                self,
                SectionKind::Team,
                &l.section.team,
                sections::TEAM,
            ));
        }
        if floating {
            out.push(section(
                self,
                SectionKind::Floating,
                &l.section.floating,
                sections::FLOATING,
            ));
        }
        out
    }
}

/// The wording compared, when either side is given.
fn compare(before: Option<&str>, after: Option<&str>) -> Option<Vec<Chunk>> {
    if before.is_none() && after.is_none() {
        return None;
    }
    Some(wording::diff(
        before.unwrap_or_default(),
        after.unwrap_or_default(),
    ))
}

fn link(l: &model::DocumentLink) -> LinkView {
    LinkView {
        label: l.label.clone(),
        file: l.file.as_ref().map(|f| f.value.clone()),
        url: l.url.as_ref().map(|u| u.value.clone()),
    }
}
