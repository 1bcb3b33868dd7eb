//! What changed between two versions of a manuscript.
//!
//! Both sides are validated manuscripts with their document views. Every thing that has an
//! identity — the document, the base book, sections, team members, history entries,
//! reasons, references, parts, revision points, topics, floating topics, forms and related
//! material — becomes a [`Record`] of named fields whose values are read from the view (so
//! a change is described in the words the outputs use). Records are matched by key (the
//! manuscript id where there is one), then compared:
//!
//! - a key on one side only is *added* or *removed* — unless a removed record and an added
//!   one of the same kind are nearly the same text, which is a *rename* (reported once,
//!   with the fields that changed besides the id);
//! - a point or topic whose part changed, or whose place among the part's points changed
//!   beyond what insertions and removals explain (outside the longest common order), is
//!   *moved*;
//! - a field that differs is *changed*: single values old → new, sets as what was added
//!   and removed, prose with the wording diff of the 新旧対照表.
//!
//! The cost is linear in the size of the manuscripts, plus the rename search, which only
//! compares records that are added and removed (and gives up on pairs beyond a bound).

pub mod git;
pub mod render;

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use crate::diagnostics::Sources;
use crate::model::{self, Span, Supplement};
use crate::view::wording::{self, Chunk};
use crate::view::{Anchor, DocumentView};

/// One side of a comparison: a validated manuscript, its view and its files.
#[derive(Clone, Copy)]
pub struct Side<'a> {
    /// The model (for locations).
    pub model: &'a Supplement,
    /// The view (for values as the outputs show them).
    pub view: &'a DocumentView,
    /// The files read (for file names and lines).
    pub sources: &'a Sources,
}

/// What kind of thing changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    /// The supplement itself (title, date…).
    Document,
    /// A section of the base book's map.
    Section,
    /// A team member.
    Member,
    /// A revision history entry.
    History,
    /// A reason for the revision.
    Reason,
    /// A cited document.
    Reference,
    /// A published form of the supplement.
    Form,
    /// Related material.
    Related,
    /// A part.
    Part,
    /// A revision point.
    Point,
    /// A topic under a point or part.
    Topic,
    /// A floating topic.
    Floating,
}

/// What happened to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Only in the new version.
    Added,
    /// Only in the old version.
    Removed,
    /// Its id changed; its content is nearly the same.
    Renamed,
    /// It is in another part, or at another place among its part's points.
    Moved,
    /// A field changed.
    Changed,
}

/// A place in a manuscript file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    /// The file as diagnostics name it.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A field's value: one text, or a set of texts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// A single value (empty when not given).
    Text(String),
    /// A set of values (owners, references…).
    Set(Vec<String>),
}

/// One change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    /// What happened.
    pub kind: Kind,
    /// What it happened to.
    pub entity: Entity,
    /// Its id (the new one for a rename): the manuscript id, or a key made from its
    /// place (a history entry's date, a topic's path under its point).
    pub id: String,
    /// Its old id, for a rename.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_id: Option<String>,
    /// Its title as the outputs show it (the new one when it changed).
    pub title: String,
    /// The id of the part it is in (the new side's, else the old's), for grouping.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub part: Option<String>,
    /// The field that changed (for `changed`), e.g. `status`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'static str>,
    /// The old value (a field's, or the old part of a move).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old: Option<Value>,
    /// The new value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new: Option<Value>,
    /// For a set: what joined it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub added: Vec<String>,
    /// For a set: what left it.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub removed: Vec<String>,
    /// For prose: the wording diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wording: Option<Vec<Chunk>>,
    /// Where it is in the old version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_location: Option<Location>,
    /// Where it is in the new version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_location: Option<Location>,
    /// Its anchor in the new version's document (to link to it), when it has one.
    #[serde(skip)]
    pub anchor: Option<Anchor>,
}

/// How a field is compared.
#[derive(Debug, Clone)]
enum Field {
    /// One value.
    Text(String),
    /// An unordered set.
    Set(Vec<String>),
    /// Prose: compared as text, shown with the wording diff.
    Prose(String),
}

/// Something with an identity, as its fields.
#[derive(Debug, Clone)]
struct Record {
    entity: Entity,
    key: String,
    title: String,
    part: Option<String>,
    /// The text the rename search compares.
    fields: Vec<(&'static str, Field)>,
    span: Option<Span>,
    anchor: Option<Anchor>,
}

/// Pairs of added and removed records compared in the rename search, at most.
const MAX_RENAME_PAIRS: usize = 250_000;
/// How alike a removed and an added record must be to be one renamed record (0–1).
const RENAME_SIMILARITY: f64 = 0.75;
/// Characters of a record's text the rename search looks at.
const RENAME_CHARS: usize = 4_000;

/// Every change from `old` to `new`, in document order: document-wide records first, then
/// part by part (the new version's order, removed parts last).
pub fn diff(old: Side<'_>, new: Side<'_>) -> Vec<Change> {
    let old_records = records(old);
    let new_records = records(new);
    let old_by_key: HashMap<(Entity, &str), &Record> = old_records
        .iter()
        .map(|r| ((r.entity, r.key.as_str()), r))
        .collect();
    let new_keys: HashSet<(Entity, &str)> = new_records
        .iter()
        .map(|r| (r.entity, r.key.as_str()))
        .collect();

    let mut changes = Vec::new();
    let removed: Vec<&Record> = old_records
        .iter()
        .filter(|r| !new_keys.contains(&(r.entity, r.key.as_str())))
        .collect();
    let added: Vec<&Record> = new_records
        .iter()
        .filter(|r| !old_by_key.contains_key(&(r.entity, r.key.as_str())))
        .collect();
    let renames = find_renames(&removed, &added);
    let renamed_old: HashSet<*const Record> = renames.iter().map(|(o, _)| *o as *const _).collect();
    let renamed_new: HashMap<*const Record, &Record> = renames
        .iter()
        .map(|(o, n)| (*n as *const Record, *o))
        .collect();
    let moved = moved_points(&old_records, &new_records);

    for r in &new_records {
        let here = |kind: Kind| Change {
            new_location: location(new.sources, r.span),
            anchor: r.anchor.clone(),
            ..Change::of(kind, r)
        };
        if let Some(before) = renamed_new.get(&(r as *const Record)) {
            let mut c = here(Kind::Renamed);
            c.old_id = Some(before.key.clone());
            c.old_location = location(old.sources, before.span);
            changes.push(c);
            compare_fields(before, r, old, new, &mut changes);
            continue;
        }
        let Some(before) = old_by_key.get(&(r.entity, r.key.as_str())) else {
            changes.push(here(Kind::Added));
            continue;
        };
        let part_label = |side: Side<'_>, id: &Option<String>| {
            id.as_deref().map(|id| {
                side.view
                    .parts
                    .iter()
                    .find(|p| p.id == id)
                    .map_or_else(|| id.to_string(), |p| p.label.clone())
            })
        };
        if before.part != r.part {
            let mut c = here(Kind::Moved);
            c.field = Some("part");
            c.old = part_label(old, &before.part).map(Value::Text);
            c.new = part_label(new, &r.part).map(Value::Text);
            c.old_location = location(old.sources, before.span);
            changes.push(c);
        } else if let Some((from, to)) = moved.get(&(r.entity, r.key.as_str())) {
            let mut c = here(Kind::Moved);
            c.field = Some("position");
            c.old = Some(Value::Text(from.to_string()));
            c.new = Some(Value::Text(to.to_string()));
            c.old_location = location(old.sources, before.span);
            changes.push(c);
        }
        compare_fields(before, r, old, new, &mut changes);
    }
    for r in removed {
        if renamed_old.contains(&(r as *const Record)) {
            continue;
        }
        changes.push(Change {
            old_location: location(old.sources, r.span),
            ..Change::of(Kind::Removed, r)
        });
    }
    order(&mut changes, new.view, old.view);
    changes
}

/// Sorts changes into groups: document-wide first (by entity), then each part in the new
/// version's order, then parts that are gone; within a group the order they were found in.
fn order(changes: &mut [Change], new: &DocumentView, old: &DocumentView) {
    // The first position wins: the new version's order, then parts only the old one has.
    let mut rank: HashMap<&str, usize> = HashMap::new();
    for (i, p) in new.parts.iter().chain(old.parts.iter()).enumerate() {
        rank.entry(p.id.as_str()).or_insert(i);
    }
    // A stable sort keeps each group in the order the changes were found.
    changes.sort_by_key(|c| match &c.part {
        None => (0, 0, c.entity),
        Some(p) => (
            1,
            rank.get(p.as_str()).copied().unwrap_or(usize::MAX),
            Entity::Part,
        ),
    });
}

fn compare_fields(
    before: &Record,
    after: &Record,
    old: Side<'_>,
    new: Side<'_>,
    out: &mut Vec<Change>,
) {
    for (name, field) in &after.fields {
        let Some((_, was)) = before.fields.iter().find(|(k, _)| k == name) else {
            continue;
        };
        // (old, new, added, removed, wording) when the field changed.
        let found = match (was, field) {
            (Field::Text(a), Field::Text(b)) if a != b => Some((
                Value::Text(a.clone()),
                Value::Text(b.clone()),
                Vec::new(),
                Vec::new(),
                None,
            )),
            (Field::Set(a), Field::Set(b)) if a != b => {
                let added: Vec<String> = b.iter().filter(|x| !a.contains(x)).cloned().collect();
                let removed: Vec<String> = a.iter().filter(|x| !b.contains(x)).cloned().collect();
                (!added.is_empty() || !removed.is_empty()).then(|| {
                    (
                        Value::Set(a.clone()),
                        Value::Set(b.clone()),
                        added,
                        removed,
                        None,
                    )
                })
            }
            (Field::Prose(a), Field::Prose(b)) if a != b => Some((
                Value::Text(a.clone()),
                Value::Text(b.clone()),
                Vec::new(),
                Vec::new(),
                Some(wording::diff(a, b)),
            )),
            _ => None,
        };
        let Some((old_value, new_value, added, removed, wording)) = found else {
            continue;
        };
        out.push(Change {
            field: Some(name),
            old: Some(old_value),
            new: Some(new_value),
            added,
            removed,
            wording,
            old_location: location(old.sources, before.span),
            new_location: location(new.sources, after.span),
            anchor: after.anchor.clone(),
            ..Change::of(Kind::Changed, after)
        });
    }
}

impl Change {
    /// A change of `kind` to the record `r`, with nothing else said yet.
    fn of(kind: Kind, r: &Record) -> Change {
        Change {
            kind,
            entity: r.entity,
            id: r.key.clone(),
            old_id: None,
            title: r.title.clone(),
            part: r.part.clone(),
            field: None,
            old: None,
            new: None,
            added: Vec::new(),
            removed: Vec::new(),
            wording: None,
            old_location: None,
            new_location: None,
            anchor: None,
        }
    }
}

fn location(sources: &Sources, span: Option<Span>) -> Option<Location> {
    let span = span?;
    let file = sources.get(span.file)?;
    let (line, column) = sources.line_col(span);
    Some(Location {
        file: file.name.clone(),
        line,
        column,
    })
}

/// Pairs each removed record with the added one of the same kind most like it, when they
/// are alike enough; each record in at most one pair.
fn find_renames<'r>(removed: &[&'r Record], added: &[&'r Record]) -> Vec<(&'r Record, &'r Record)> {
    if removed.is_empty() || added.is_empty() {
        return Vec::new();
    }
    let mut candidates: Vec<(f64, usize, usize)> = Vec::new();
    let mut pairs = 0usize;
    let grams: Vec<HashSet<(char, char)>> = added.iter().map(|r| bigrams(&content(r))).collect();
    for (i, r) in removed.iter().enumerate() {
        let mine = bigrams(&content(r));
        for (j, a) in added.iter().enumerate() {
            if a.entity != r.entity {
                continue;
            }
            pairs += 1;
            if pairs > MAX_RENAME_PAIRS {
                break;
            }
            let score = dice(&mine, &grams[j]);
            if score >= RENAME_SIMILARITY {
                candidates.push((score, i, j));
            }
        }
    }
    // Best pairs first; ties in document order, so the result does not depend on hashing.
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut used_old = HashSet::new();
    let mut used_new = HashSet::new();
    let mut out = Vec::new();
    for (_, i, j) in candidates {
        if used_old.insert(i) {
            if used_new.insert(j) {
                out.push((removed[i], added[j]));
            } else {
                used_old.remove(&i);
            }
        }
    }
    out
}

/// The text the rename search compares: the title and every text field.
fn content(r: &Record) -> String {
    let mut out = r.title.clone();
    for (_, f) in &r.fields {
        if let Field::Prose(text) | Field::Text(text) = f {
            out.push('\n');
            out.push_str(text);
        }
    }
    out
}

fn bigrams(text: &str) -> HashSet<(char, char)> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace())
        .take(RENAME_CHARS)
        .collect();
    chars.windows(2).map(|w| (w[0], w[1])).collect()
}

/// Sørensen–Dice coefficient of two bigram sets (1 for two empty texts).
fn dice(a: &HashSet<(char, char)>, b: &HashSet<(char, char)>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let common = a.intersection(b).count();
    2.0 * common as f64 / (a.len() + b.len()) as f64
}

/// Points that stayed in their part but changed place among its points beyond what
/// insertions and removals explain: those outside the longest common subsequence of the
/// part's points (by id) on both sides, with their old and new 1-based positions among
/// the part's points. Topics likewise within their owner, parts within the document.
fn moved_points<'r>(
    old_records: &'r [Record],
    new_records: &'r [Record],
) -> HashMap<(Entity, &'r str), (usize, usize)> {
    let mut moved = HashMap::new();
    for entity in [Entity::Point, Entity::Topic, Entity::Part] {
        // Sequences per container (part id for points; "" for parts; the owner's key for
        // topics, which is the part of the key before the last '/').
        let group = |r: &Record| -> String {
            match entity {
                Entity::Part => String::new(),
                Entity::Point => r.part.clone().unwrap_or_default(),
                _ => r
                    .key
                    .rsplit_once('/')
                    .map(|(g, _)| g.to_string())
                    .unwrap_or_default(),
            }
        };
        let mut old_seq: HashMap<String, Vec<&str>> = HashMap::new();
        for r in old_records.iter().filter(|r| r.entity == entity) {
            old_seq.entry(group(r)).or_default().push(r.key.as_str());
        }
        let mut new_seq: HashMap<String, Vec<&str>> = HashMap::new();
        for r in new_records.iter().filter(|r| r.entity == entity) {
            new_seq.entry(group(r)).or_default().push(r.key.as_str());
        }
        for (g, new_keys) in &new_seq {
            let Some(old_keys) = old_seq.get(g) else {
                continue;
            };
            let in_old: HashSet<&str> = old_keys.iter().copied().collect();
            let in_new: HashSet<&str> = new_keys.iter().copied().collect();
            let a: Vec<&str> = old_keys
                .iter()
                .copied()
                .filter(|k| in_new.contains(k))
                .collect();
            let b: Vec<&str> = new_keys
                .iter()
                .copied()
                .filter(|k| in_old.contains(k))
                .collect();
            let kept: HashSet<&str> = lcs(&a, &b).into_iter().collect();
            let position =
                |keys: &[&str], k: &str| keys.iter().position(|x| *x == k).map_or(0, |i| i + 1);
            for k in b {
                if !kept.contains(k) {
                    moved.insert((entity, k), (position(old_keys, k), position(new_keys, k)));
                }
            }
        }
    }
    moved
}

/// The longest common subsequence of two sequences of distinct keys that hold the same
/// keys: as the longest increasing run of old positions in new order (O(n log n)).
fn lcs<'k>(a: &[&'k str], b: &[&'k str]) -> Vec<&'k str> {
    let pos: HashMap<&str, usize> = a.iter().enumerate().map(|(i, k)| (*k, i)).collect();
    let seq: Vec<usize> = b.iter().filter_map(|k| pos.get(k).copied()).collect();
    // Patience sorting with back links.
    let mut tails: Vec<usize> = Vec::new(); // indexes into seq
    let mut prev: Vec<Option<usize>> = vec![None; seq.len()];
    for (i, &x) in seq.iter().enumerate() {
        let at = tails.partition_point(|&t| seq[t] < x);
        if at > 0 {
            prev[i] = Some(tails[at - 1]);
        }
        if at == tails.len() {
            tails.push(i);
        } else {
            tails[at] = i;
        }
    }
    let mut out = Vec::new();
    let mut cur = tails.last().copied();
    while let Some(i) = cur {
        out.push(a[seq[i]]);
        cur = prev[i];
    }
    out.reverse();
    out
}

/// Every record of one side.
fn records(side: Side<'_>) -> Vec<Record> {
    let v = side.view;
    let m = side.model;
    let mut out = Vec::new();
    let text = |s: &str| Field::Text(s.to_string());
    let opt = |s: &Option<String>| Field::Text(s.clone().unwrap_or_default());
    let set = |items: Vec<String>| {
        let mut items = items;
        items.sort();
        items.dedup();
        Field::Set(items)
    };
    let body = |id| Field::Prose(body_text(v.body(id)));
    let refs = |list: &[usize]| -> Vec<String> {
        list.iter()
            .filter_map(|&i| v.references.get(i))
            .map(|r| r.title.clone())
            .collect()
    };
    let labels = &v.labels.field;

    // The document.
    let front = |label: &str| {
        v.front
            .iter()
            .find(|f| f.label == label)
            .map(|f| f.value.clone())
            .unwrap_or_default()
    };
    out.push(Record {
        entity: Entity::Document,
        key: v.id.clone(),
        title: v.title.clone(),
        part: None,
        fields: vec![
            ("title", text(&v.title)),
            ("subtitle", opt(&v.subtitle)),
            (
                "date",
                Field::Text(v.date.as_ref().map(|d| d.text.clone()).unwrap_or_default()),
            ),
            ("author", opt(&v.author)),
            ("audience", Field::Text(front(&labels.audience))),
            ("edition", Field::Text(front(&labels.edition))),
            ("base_book", text(&v.base_book.summary)),
        ],
        span: Some(m.id.span),
        anchor: None,
    });

    // Sections of the book's map.
    for s in &v.sections {
        out.push(Record {
            entity: Entity::Section,
            key: s.id.clone(),
            title: s.label.clone(),
            part: None,
            fields: vec![
                ("label", text(&s.label)),
                ("title", opt(&s.title)),
                ("pages", text(&s.pages)),
                ("part", text(&s.part)),
                ("note", opt(&s.note)),
            ],
            span: m.section(&s.id).map(|x| x.id.span),
            anchor: None,
        });
    }
    for t in &v.team {
        out.push(Record {
            entity: Entity::Member,
            key: t.id.clone(),
            title: t.name.clone(),
            part: None,
            fields: vec![("name", text(&t.name))],
            span: m.member(&t.id).map(|x| x.id.span),
            anchor: None,
        });
    }
    // History: by date, numbered within a date, in the manuscript's order.
    let mut per_date: HashMap<String, usize> = HashMap::new();
    for h in &m.history {
        let iso = h.date.value.iso();
        let n = per_date.entry(iso.clone()).or_default();
        *n += 1;
        let key = if *n == 1 {
            iso.clone()
        } else {
            format!("{iso}#{n}")
        };
        let shown = v
            .history
            .iter()
            .find(|x| x.date.iso == iso && x.summary == h.summary)
            .map_or(iso.clone(), |x| x.date.text.clone());
        out.push(Record {
            entity: Entity::History,
            key,
            title: shown,
            part: None,
            fields: vec![("summary", Field::Prose(h.summary.clone()))],
            span: Some(h.date.span),
            anchor: None,
        });
    }
    for r in &v.reasons {
        out.push(Record {
            entity: Entity::Reason,
            key: r.id.clone(),
            title: r.heading.text.clone(),
            part: None,
            fields: vec![
                ("title", text(&r.heading.text)),
                (
                    "items",
                    set(r.items.iter().map(|i| i.text.clone()).collect()),
                ),
                ("references", set(refs(&r.references))),
                ("body", body(r.body)),
            ],
            span: m.reason(&r.id).map(|x| x.id.span),
            anchor: Some(r.heading.anchor.clone()),
        });
    }
    for r in &v.references {
        out.push(Record {
            entity: Entity::Reference,
            key: r.id.clone(),
            title: r.title.clone(),
            part: None,
            fields: vec![
                ("title", text(&r.title)),
                ("citation", text(&r.citation)),
                ("url", opt(&r.url)),
                ("file", opt(&r.file)),
                ("note", opt(&r.note)),
            ],
            span: m.reference(&r.id).map(|x| x.id.span),
            anchor: Some(r.anchor.clone()),
        });
    }
    for (i, f) in v.forms.iter().enumerate() {
        out.push(Record {
            entity: Entity::Form,
            key: f.label.clone(),
            title: f.label.clone(),
            part: None,
            fields: vec![("file", opt(&f.file)), ("url", opt(&f.url))],
            span: m
                .links
                .get(i)
                .and_then(|l| l.file.as_ref().or(l.url.as_ref()))
                .map(|x| x.span),
            anchor: None,
        });
    }
    for r in &v.related {
        out.push(Record {
            entity: Entity::Related,
            key: r.id.clone(),
            title: r.title.clone(),
            part: None,
            fields: vec![("title", text(&r.title)), ("url", opt(&r.url))],
            span: m
                .related
                .iter()
                .find(|x| x.id.value == r.id)
                .map(|x| x.id.span),
            anchor: None,
        });
    }

    // Parts, their points and topics.
    for (pi, p) in v.parts.iter().enumerate() {
        let model_part = m.parts.get(pi).filter(|x| x.id.value == p.id);
        out.push(Record {
            entity: Entity::Part,
            key: p.id.clone(),
            title: p.heading.text.clone(),
            part: Some(p.id.clone()),
            fields: vec![
                ("label", text(&p.label)),
                ("title", text(&p.title)),
                ("owners", set(p.owners.clone())),
                ("notes", Field::Prose(p.notes.join("\n"))),
                ("body", body(p.body)),
            ],
            span: model_part.map(|x| x.id.span),
            anchor: Some(p.heading.anchor.clone()),
        });
        for &i in &p.points {
            let Some(pt) = v.points.get(i) else {
                continue;
            };
            let model_point = m.point(&pt.id);
            out.push(Record {
                entity: Entity::Point,
                key: pt.id.clone(),
                title: pt.title.clone(),
                part: Some(p.id.clone()),
                fields: vec![
                    (
                        "title",
                        Field::Text(if pt.titled {
                            pt.title.clone()
                        } else {
                            String::new()
                        }),
                    ),
                    (
                        "targets",
                        set(pt.targets.iter().map(|t| t.value.clone()).collect()),
                    ),
                    ("pages", text(&pt.pages)),
                    ("action", text(&pt.action_label)),
                    ("status", opt(&pt.status_label)),
                    (
                        "due",
                        Field::Text(
                            model_point
                                .and_then(|x| x.due.as_ref())
                                .map(|d| crate::view::format::date(d.value, &v.labels).text)
                                .unwrap_or_default(),
                        ),
                    ),
                    ("owners", set(pt.owners.clone())),
                    (
                        "priority",
                        Field::Text(
                            pt.priority
                                .as_ref()
                                .map(|x| x.label.clone())
                                .unwrap_or_default(),
                        ),
                    ),
                    (
                        "markers",
                        set(pt.markers.iter().map(|x| x.text.clone()).collect()),
                    ),
                    (
                        "parent",
                        Field::Text(
                            pt.parent
                                .and_then(|i| v.points.get(i))
                                .map(|x| x.id.clone())
                                .unwrap_or_default(),
                        ),
                    ),
                    (
                        "reasons",
                        set(pt
                            .reasons
                            .iter()
                            .filter_map(|&i| v.reasons.get(i))
                            .map(|r| r.heading.text.clone())
                            .collect()),
                    ),
                    ("references", set(refs(&pt.references))),
                    ("notes", Field::Prose(pt.notes.join("\n"))),
                    ("before", opt_prose(&pt.before)),
                    ("after", opt_prose(&pt.after)),
                    ("body", body(pt.body)),
                ],
                span: model_point.map(|x| x.id.span),
                anchor: Some(pt.heading.anchor.clone()),
            });
            let model_topics = model_point
                .map(|x| flatten(&x.topic.topics))
                .unwrap_or_default();
            topic_records(
                side,
                &pt.id,
                Some(&p.id),
                &pt.topics,
                &model_topics,
                &mut out,
            );
        }
        let model_topics = model_part.map(|x| flatten(&x.topics)).unwrap_or_default();
        topic_records(side, &p.id, Some(&p.id), &p.topics, &model_topics, &mut out);
    }
    let mut seen_titles: HashMap<String, usize> = HashMap::new();
    for (i, f) in v.floating_topics.iter().enumerate() {
        let n = seen_titles.entry(f.title.clone()).or_default();
        *n += 1;
        let key = if *n == 1 {
            f.title.clone()
        } else {
            format!("{}#{n}", f.title)
        };
        out.push(Record {
            entity: Entity::Floating,
            key,
            title: f.title.clone(),
            part: None,
            fields: vec![
                (
                    "priority",
                    Field::Text(
                        f.priority
                            .as_ref()
                            .map(|x| x.label.clone())
                            .unwrap_or_default(),
                    ),
                ),
                (
                    "markers",
                    set(f.markers.iter().map(|x| x.text.clone()).collect()),
                ),
                ("note", opt_prose(&f.note)),
            ],
            span: m.floating_topics.get(i).map(|x| x.span),
            anchor: None,
        });
    }
    out
}

fn opt_prose(s: &Option<String>) -> Field {
    Field::Prose(s.clone().unwrap_or_default())
}

/// The topics of a tree in the order the view lists them (depth first).
fn flatten(topics: &[model::Topic]) -> Vec<&model::Topic> {
    let mut out = Vec::new();
    let mut stack: Vec<&model::Topic> = topics.iter().rev().collect();
    while let Some(t) = stack.pop() {
        out.push(t);
        stack.extend(t.topics.iter().rev());
    }
    out
}

/// Records for the topics under a point or part: keyed by their id when they have one,
/// else by their owner's key and the path of titles down to them.
fn topic_records(
    side: Side<'_>,
    owner: &str,
    part: Option<&str>,
    topics: &[crate::view::TopicView],
    model_topics: &[&model::Topic],
    out: &mut Vec<Record>,
) {
    let v = side.view;
    // The model and the view list the same topics in the same order; if they ever do not,
    // topics go without locations rather than with wrong ones.
    let aligned = model_topics.len() == topics.len();
    let mut path: Vec<String> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, t) in topics.iter().enumerate() {
        path.truncate(t.depth.saturating_sub(1));
        path.push(t.heading.text.clone());
        let key = match &t.id {
            Some(id) => id.clone(),
            None => {
                let base = format!("{owner}/{}", path.join("/"));
                let n = seen.entry(base.clone()).or_default();
                *n += 1;
                if *n == 1 {
                    base
                } else {
                    format!("{base}#{n}")
                }
            }
        };
        let refs: Vec<String> = t
            .references
            .iter()
            .filter_map(|&i| v.references.get(i))
            .map(|r| r.title.clone())
            .collect();
        let mut owners = t.owners.clone();
        owners.sort();
        out.push(Record {
            entity: Entity::Topic,
            key,
            title: t.heading.text.clone(),
            part: part.map(str::to_string),
            fields: vec![
                ("title", Field::Text(t.heading.text.clone())),
                (
                    "priority",
                    Field::Text(
                        t.priority
                            .as_ref()
                            .map(|x| x.label.clone())
                            .unwrap_or_default(),
                    ),
                ),
                (
                    "markers",
                    Field::Set(t.markers.iter().map(|x| x.text.clone()).collect()),
                ),
                ("owners", Field::Set(owners)),
                ("references", Field::Set(refs)),
                ("notes", Field::Prose(t.notes.join("\n"))),
                ("before", opt_prose(&t.before)),
                ("after", opt_prose(&t.after)),
                ("body", Field::Prose(body_text(v.body(t.body)))),
            ],
            span: if aligned {
                model_topics.get(i).map(|x| x.span)
            } else {
                None
            },
            anchor: Some(t.heading.anchor.clone()),
        });
    }
}

/// A body as plain text: one line per paragraph, heading, list item or table row (list
/// items after `- ` or their number, table cells separated by ` | `).
pub fn body_text(blocks: &[crate::view::body::Block]) -> String {
    let mut lines = Vec::new();
    push_blocks(blocks, "", &mut lines);
    lines.join("\n")
}

fn push_blocks(blocks: &[crate::view::body::Block], prefix: &str, lines: &mut Vec<String>) {
    use crate::view::body::{plain, Block};
    for b in blocks {
        match b {
            Block::Heading { content, .. } | Block::Paragraph { content } => {
                lines.push(format!("{prefix}{}", plain(content)));
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                for (n, item) in items.iter().enumerate() {
                    let marker = if *ordered {
                        format!("{}. ", start.saturating_add(n as u64))
                    } else {
                        "- ".to_string()
                    };
                    push_blocks(item, &format!("{prefix}{marker}"), lines);
                }
            }
            Block::Table { head, rows, .. } => {
                for row in std::iter::once(head).chain(rows) {
                    let cells: Vec<String> = row.iter().map(|c| plain(c)).collect();
                    lines.push(format!("{prefix}{}", cells.join(" | ")));
                }
            }
            Block::Quote { blocks } => push_blocks(blocks, &format!("{prefix}> "), lines),
            Block::Code { text } => lines.extend(text.lines().map(|l| format!("{prefix}{l}"))),
            Block::Rule => lines.push(format!("{prefix}---")),
            Block::Figure { text, caption, .. } => {
                lines.push(format!("{prefix}{text}"));
                lines.extend(caption.iter().map(|c| format!("{prefix}{c}")));
            }
        }
    }
}

/// Counts of changes by kind, as the summary line gives them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Records added.
    pub added: usize,
    /// Records removed.
    pub removed: usize,
    /// Records renamed.
    pub renamed: usize,
    /// Records moved.
    pub moved: usize,
    /// Fields changed.
    pub changed: usize,
}

impl Summary {
    /// Counts `changes`.
    pub fn of(changes: &[Change]) -> Summary {
        let mut s = Summary::default();
        for c in changes {
            match c.kind {
                Kind::Added => s.added += 1,
                Kind::Removed => s.removed += 1,
                Kind::Renamed => s.renamed += 1,
                Kind::Moved => s.moved += 1,
                Kind::Changed => s.changed += 1,
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lcs_keeps_the_longest_common_order() {
        // Intent: one point moved to the front leaves the others in order; only it moved.
        let a = ["a", "b", "c", "d"];
        let b = ["d", "a", "b", "c"];
        assert_eq!(lcs(&a, &b), ["a", "b", "c"]);
        assert_eq!(lcs(&a, &a), a);
        assert!(lcs(&[], &[]).is_empty());
    }

    #[test]
    fn dice_is_one_for_the_same_text_and_low_for_other_text() {
        // Intent: the rename threshold separates a retitled point from an unrelated one.
        let a = bigrams("統計データのアップデート。それに伴い説明文も修正。");
        let b = bigrams("統計データのアップデート。それに伴い説明文を修正。");
        let c = bigrams("クラウドサービス利用のためのガイドライン");
        assert!((dice(&a, &a) - 1.0).abs() < f64::EPSILON);
        assert!(dice(&a, &b) > RENAME_SIMILARITY);
        assert!(dice(&a, &c) < 0.3);
    }
}
