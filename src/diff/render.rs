//! The forms a diff is printed in: human (grouped by part, coloured on a terminal), JSON
//! (one record per line), Markdown (for a pull request comment) and GitHub workflow
//! annotations. The words are the labels' (`[changes]`, `[field]`), so a diff reads in the
//! manuscript's language.

use std::fmt::Write as _;

use super::{Change, Entity, Kind, Summary, Value};
use crate::diagnostics::{escape_control, escape_data, escape_property};
use crate::labels::{fill, Labels};
use crate::view::wording::ChunkKind;

/// Same text kept around a change in a wording diff, each side (characters).
const CONTEXT: usize = 24;
/// Longest value shown whole; longer ones are cut with `…`.
const VALUE_CHARS: usize = 200;

/// The label of an entity.
pub fn entity_label(labels: &Labels, e: Entity) -> &str {
    let l = &labels.changes.entity;
    match e {
        Entity::Document => &l.document,
        Entity::Section => &l.section,
        Entity::Member => &l.member,
        Entity::History => &l.history,
        Entity::Reason => &l.reason,
        Entity::Reference => &l.reference,
        Entity::Form => &l.form,
        Entity::Related => &l.related,
        Entity::Part => &l.part,
        Entity::Point => &l.point,
        Entity::Topic => &l.topic,
        Entity::Floating => &l.floating,
    }
}

/// The label of a kind of change.
pub fn kind_label(labels: &Labels, k: Kind) -> &str {
    let l = &labels.changes.kind;
    match k {
        Kind::Added => &l.added,
        Kind::Removed => &l.removed,
        Kind::Renamed => &l.renamed,
        Kind::Moved => &l.moved,
        Kind::Changed => &l.changed,
    }
}

/// The label of a field (its key when the labels have none).
pub fn field_label<'l>(labels: &'l Labels, key: &'l str) -> &'l str {
    let f = &labels.field;
    match key {
        "title" => &f.title,
        "subtitle" => &f.subtitle,
        "date" => &f.date,
        "author" => &f.author,
        "audience" => &f.audience,
        "edition" => &f.edition,
        "base_book" => &f.base_book,
        "label" => &f.label,
        "pages" => &f.pages,
        "part" => &f.part,
        "note" | "notes" => &f.notes,
        "name" => &f.name,
        "summary" => &f.summary,
        "items" => &f.items,
        "references" => &f.references,
        "body" => &f.body,
        "citation" => &f.citation,
        "url" => &f.url,
        "file" => &f.file,
        "owners" => &f.owners,
        "targets" => &f.target,
        "action" => &f.action,
        "status" => &f.status,
        "priority" => &f.priority,
        "markers" => &f.markers,
        "parent" => &f.parent,
        "reasons" => &f.reasons,
        "before" => &f.before,
        "after" => &f.after,
        "due" => &f.due,
        "position" => &f.position,
        other => other,
    }
}

/// A group of changes under one heading: document-wide, or one part.
pub struct Group<'c> {
    /// The part's id (`None` for document-wide changes).
    pub part: Option<&'c str>,
    /// The changes, in order.
    pub changes: Vec<&'c Change>,
}

/// The changes in groups, in order (they are sorted by group already).
pub fn groups(changes: &[Change]) -> Vec<Group<'_>> {
    let mut out: Vec<Group<'_>> = Vec::new();
    for c in changes {
        let part = c.part.as_deref();
        match out.last_mut() {
            Some(g) if g.part == part => g.changes.push(c),
            _ => out.push(Group {
                part,
                changes: vec![c],
            }),
        }
    }
    out
}

/// The summary line: counts by kind.
pub fn summary_line(labels: &Labels, changes: &[Change]) -> String {
    let s = Summary::of(changes);
    fill(
        &labels.changes.summary,
        &[
            ("added", &s.added.to_string()),
            ("removed", &s.removed.to_string()),
            ("renamed", &s.renamed.to_string()),
            ("moved", &s.moved.to_string()),
            ("changed", &s.changed.to_string()),
        ],
    )
}

/// A value as one line of text (cut when long), through `value`; "none" through `text`.
fn value_text(
    labels: &Labels,
    v: Option<&Value>,
    text: &dyn Fn(&str) -> String,
    value: &dyn Fn(&str) -> String,
) -> String {
    let shown = match v {
        None => String::new(),
        Some(Value::Text(t)) => cut(&t.replace('\n', " / "), VALUE_CHARS),
        Some(Value::Set(items)) => {
            return if items.is_empty() {
                text(&labels.changes.empty)
            } else {
                items
                    .iter()
                    .map(|i| value(&cut(i, VALUE_CHARS)))
                    .collect::<Vec<_>>()
                    .join(&text(&labels.format.list_separator))
            };
        }
    };
    if shown.is_empty() {
        text(&labels.changes.empty)
    } else {
        value(&shown)
    }
}

fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_string()
    } else {
        let mut s: String = text.chars().take(max).collect();
        s.push('…');
        s
    }
}

/// What a change says after its subject, as plain text: `状態：予定 → 完了`,
/// `担当：＋中山、－伊藤`, `順序：3 → 1`… Prose is shown by [`wording_spans`].
pub fn detail(labels: &Labels, c: &Change) -> String {
    detail_with(labels, c, &|s| s.to_string(), &|s| s.to_string())
}

/// [`detail`] with the labels' words passed through `text` and the values through
/// `value` (Markdown escapes the one and quotes addresses in the other).
pub fn detail_with(
    labels: &Labels,
    c: &Change,
    text: &dyn Fn(&str) -> String,
    value: &dyn Fn(&str) -> String,
) -> String {
    let arrow = text(&labels.changes.arrow);
    match c.kind {
        Kind::Added | Kind::Removed => String::new(),
        Kind::Renamed => format!(
            "{}{arrow}{}",
            value(c.old_id.as_deref().unwrap_or_default()),
            value(&c.id)
        ),
        Kind::Moved | Kind::Changed => {
            let name = text(field_label(labels, c.field.unwrap_or_default()));
            if !c.added.is_empty() || !c.removed.is_empty() {
                let sep = text(&labels.format.list_separator);
                let items =
                    |list: &[String]| list.iter().map(|i| value(i)).collect::<Vec<_>>().join(&sep);
                let mut parts = Vec::new();
                if !c.added.is_empty() {
                    parts.push(fill(
                        &labels.changes.set_added,
                        &[("items", &items(&c.added))],
                    ));
                }
                if !c.removed.is_empty() {
                    parts.push(fill(
                        &labels.changes.set_removed,
                        &[("items", &items(&c.removed))],
                    ));
                }
                fill(
                    &labels.format.field,
                    &[("label", &name), ("value", &parts.join(&sep))],
                )
            } else if c.wording.is_some() {
                name
            } else {
                let shown = format!(
                    "{}{arrow}{}",
                    value_text(labels, c.old.as_ref(), text, value),
                    value_text(labels, c.new.as_ref(), text, value)
                );
                fill(&labels.format.field, &[("label", &name), ("value", &shown)])
            }
        }
    }
}

/// A wording diff as stretches of (kind, text), with long unchanged stretches cut to
/// [`CONTEXT`] characters each side of a change, and line breaks shown as ` / `.
pub fn wording_spans(c: &Change) -> Vec<(ChunkKind, String)> {
    let Some(chunks) = &c.wording else {
        return Vec::new();
    };
    let last = chunks.len().saturating_sub(1);
    chunks
        .iter()
        .enumerate()
        .map(|(i, ch)| {
            let text = ch.text.replace('\n', " / ");
            if ch.kind != ChunkKind::Same {
                return (ch.kind, text);
            }
            let chars: Vec<char> = text.chars().collect();
            let keep_start = if i == 0 { 0 } else { CONTEXT };
            let keep_end = if i == last { 0 } else { CONTEXT };
            if chars.len() <= keep_start + keep_end + 1 {
                return (ch.kind, text);
            }
            let head: String = chars[..keep_start].iter().collect();
            let tail: String = chars[chars.len() - keep_end..].iter().collect();
            (ch.kind, format!("{head}…{tail}"))
        })
        .collect()
}

/// The subject of a change: `改訂箇所 intro-statistics「統計データのアップデート」`.
fn subject(labels: &Labels, c: &Change) -> String {
    let id = match c.entity {
        // A document-wide record needs no id beside its title, nor a topic without one of
        // its own (its key is the path of titles, which the title already ends).
        Entity::Document | Entity::History | Entity::Floating | Entity::Form => String::new(),
        Entity::Topic if c.id.contains('/') => String::new(),
        _ => format!(" {}", c.id),
    };
    format!(
        "{}{id}{}",
        entity_label(labels, c.entity),
        crate::view::format::quote(&c.title, labels)
    )
}

/// The heading of a group: the part's heading in the new version (else the old one), or
/// the labels' word for document-wide changes.
pub fn group_heading(
    labels: &Labels,
    part: Option<&str>,
    new: &crate::view::DocumentView,
    old: &crate::view::DocumentView,
) -> String {
    match part {
        None => labels.changes.general.clone(),
        Some(id) => new
            .parts
            .iter()
            .chain(old.parts.iter())
            .find(|p| p.id == id)
            .map_or_else(|| id.to_string(), |p| p.heading.text.clone()),
    }
}

fn location_text(c: &Change) -> String {
    match (&c.new_location, &c.old_location) {
        (Some(l), _) | (None, Some(l)) => {
            format!("{}:{}:{}", escape_control(&l.file), l.line, l.column)
        }
        _ => String::new(),
    }
}

/// The human form: a summary line, then each group under its heading, a line per change
/// (`+` added, `-` removed, `R` renamed, `>` moved, `~` changed) with its location, and the
/// wording of changed prose under it (`[-…-]{+…+}` without colour).
pub fn human(
    labels: &Labels,
    changes: &[Change],
    new: &crate::view::DocumentView,
    old: &crate::view::DocumentView,
    color: bool,
) -> String {
    let paint = |code: &str, text: &str| {
        if color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    };
    let mut out = String::new();
    if changes.is_empty() {
        let _ = writeln!(out, "{}", labels.changes.none);
        return out;
    }
    let _ = writeln!(out, "{}", summary_line(labels, changes));
    for g in groups(changes) {
        let _ = writeln!(
            out,
            "\n{}",
            paint("1", &group_heading(labels, g.part, new, old))
        );
        for c in g.changes {
            let (mark, code) = match c.kind {
                Kind::Added => ("+", "32"),
                Kind::Removed => ("-", "31"),
                Kind::Renamed => ("R", "36"),
                Kind::Moved => (">", "36"),
                Kind::Changed => ("~", "33"),
            };
            let detail = detail(labels, c);
            let detail = if detail.is_empty() {
                String::new()
            } else {
                format!(" {detail}")
            };
            let _ = writeln!(
                out,
                "  {} {} {}{}  {}",
                paint(code, mark),
                kind_label(labels, c.kind),
                escape_control(&subject(labels, c)),
                escape_control(&detail),
                paint("2", &location_text(c))
            );
            let spans = wording_spans(c);
            if !spans.is_empty() {
                let mut line = String::from("      ");
                for (kind, text) in spans {
                    let text = escape_control(&text).into_owned();
                    line.push_str(&match (kind, color) {
                        (ChunkKind::Same, _) => text,
                        (ChunkKind::Removed, true) => paint("31;9", &text),
                        (ChunkKind::Added, true) => paint("32;4", &text),
                        (ChunkKind::Removed, false) => format!("[-{text}-]"),
                        (ChunkKind::Added, false) => format!("{{+{text}+}}"),
                    });
                }
                let _ = writeln!(out, "{line}");
            }
        }
    }
    out
}

/// One JSON object per change, one per line.
pub fn json(changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        if let Ok(line) = serde_json::to_string(c) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Markdown for a pull request comment: a heading, the summary, then a list per group.
/// Removed wording is struck through, added wording bold; all text is escaped.
pub fn markdown(
    labels: &Labels,
    title: &str,
    changes: &[Change],
    new: &crate::view::DocumentView,
    old: &crate::view::DocumentView,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", md_escape(title));
    if changes.is_empty() {
        let _ = writeln!(out, "{}", md_escape(&labels.changes.none));
        return out;
    }
    let _ = writeln!(out, "{}", md_escape(&summary_line(labels, changes)));
    for g in groups(changes) {
        let _ = writeln!(
            out,
            "\n#### {}\n",
            md_escape(&group_heading(labels, g.part, new, old))
        );
        for c in g.changes {
            // Addresses and file names as code, so nothing autolinks or reads as markup.
            let is_address = matches!(c.field, Some("url" | "file"));
            let value = |v: &str| {
                if is_address {
                    md_code(v)
                } else {
                    md_escape(v)
                }
            };
            let detail = detail_with(labels, c, &|t| md_escape(t), &value);
            let mut line = format!(
                "- **{}** {}",
                md_escape(kind_label(labels, c.kind)),
                md_escape(&subject(labels, c))
            );
            if !detail.is_empty() {
                let _ = write!(line, " — {detail}");
            }
            let spans = wording_spans(c);
            if !spans.is_empty() {
                line.push_str(": ");
                for (kind, text) in spans {
                    let text = md_escape(&text);
                    match kind {
                        ChunkKind::Same => line.push_str(&text),
                        ChunkKind::Removed => {
                            let _ = write!(line, "<del>{text}</del>");
                        }
                        ChunkKind::Added => {
                            let _ = write!(line, "<ins>{text}</ins>");
                        }
                    }
                }
            }
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// A Markdown code span holding `text` as it is.
fn md_code(text: &str) -> String {
    let text = escape_control(text).replace('\n', " ");
    let mut longest = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let ticks = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{ticks}{pad}{text}{pad}{ticks}")
}

/// Markdown text with every character that could be markup escaped (HTML-significant
/// characters as entities, since comments render inline HTML).
pub fn md_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in escape_control(text).chars() {
        match ch {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '#' | '!' | '|' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// GitHub Actions workflow commands: a `notice` on the changed line of the new version
/// (or the old one's, for what was removed: its file may no longer exist, so the notice
/// goes without a file when the old side is a git revision).
pub fn github(labels: &Labels, changes: &[Change]) -> String {
    let mut out = String::new();
    for c in changes {
        let detail = detail(labels, c);
        let mut message = format!("{} {}", kind_label(labels, c.kind), subject(labels, c));
        if !detail.is_empty() {
            let _ = write!(message, " {detail}");
        }
        let spans = wording_spans(c);
        if !spans.is_empty() {
            message.push_str(": ");
            for (kind, text) in spans {
                message.push_str(&match kind {
                    ChunkKind::Same => text,
                    ChunkKind::Removed => format!("[-{text}-]"),
                    ChunkKind::Added => format!("{{+{text}+}}"),
                });
            }
        }
        let place = c
            .new_location
            .as_ref()
            .or(c.old_location.as_ref().filter(|l| !l.file.contains(':')));
        let title = escape_property(&format!(
            "{}: {}",
            labels.changes.heading,
            kind_label(labels, c.kind)
        ));
        match place {
            Some(l) => {
                let _ = writeln!(
                    out,
                    "::notice file={},line={},col={},title={title}::{}",
                    escape_property(&l.file),
                    l.line,
                    l.column,
                    escape_data(&escape_control(&message))
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "::notice title={title}::{}",
                    escape_data(&escape_control(&message))
                );
            }
        }
    }
    out
}

/// The 変更点 appendix of a document: the changes from an earlier version (`since`, with
/// its date when known) in the new version's words, grouped as the other forms group
/// them, each linked to where it is in the new document.
pub fn appendix(
    changes: &[Change],
    new: &crate::view::DocumentView,
    old: &crate::view::DocumentView,
    since: &str,
    date: Option<&str>,
) -> crate::view::ChangesView {
    use crate::view::{ChangeGroupView, ChangeView, Chunk, Heading};
    let labels = &new.labels;
    let mut anchors = crate::view::anchor::Anchors::default();
    let lead = match date {
        Some(date) => fill(
            &labels.changes.since_dated,
            &[("since", since), ("date", date)],
        ),
        None => fill(&labels.changes.since, &[("since", since)]),
    };
    let groups = groups(changes)
        .into_iter()
        .enumerate()
        .map(|(i, g)| ChangeGroupView {
            heading: Heading {
                text: group_heading(labels, g.part, new, old),
                anchor: anchors.make(format!("_changes-{}", i + 1)),
                level: 2,
            },
            changes: g
                .changes
                .into_iter()
                .map(|c| ChangeView {
                    kind: serde_json::to_value(c.kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default(),
                    kind_label: kind_label(labels, c.kind).to_string(),
                    subject: subject(labels, c),
                    anchor: c.anchor.clone(),
                    detail: detail(labels, c),
                    wording: wording_spans(c)
                        .into_iter()
                        .map(|(kind, text)| Chunk { kind, text })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    crate::view::ChangesView {
        heading: Heading {
            text: labels.changes.heading.clone(),
            anchor: anchors.make("_changes".to_string()),
            level: 1,
        },
        lead,
        summary: summary_line(labels, changes),
        none: changes.is_empty().then(|| labels.changes.none.clone()),
        groups,
    }
}
