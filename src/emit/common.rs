//! The document view shared by the template-driven emitters: typed, borrowed structs that
//! say what a reader sees (labels resolved, owners named, history newest first), built once
//! from the model. Bodies are rendered by the emitter's own block renderer.

use serde::Serialize;

use crate::model::{Block, Index, Owner, PageRange, Reference, RevisionPoint, Supplement, Topic};
use crate::styles::Labels;

/// Renders a body for one output format (plain text, escaped HTML...).
pub type BodyRenderer<'r> = &'r dyn Fn(&[Block]) -> String;

/// Everything a template may show.
#[derive(Debug, Serialize)]
pub struct DocumentView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub subtitle: Option<&'a str>,
    pub language: &'a str,
    pub audience: Vec<&'a str>,
    pub edition: Option<&'a str>,
    pub date: Option<String>,
    pub date_iso: Option<String>,
    pub author: String,
    pub base_book: BookView<'a>,
    pub links: Vec<LinkView<'a>>,
    pub related: Vec<RelatedView<'a>>,
    pub team: Vec<MemberView<'a>>,
    pub history: Vec<HistoryView<'a>>,
    pub reasons: Vec<ReasonView<'a>>,
    pub general_notes: Vec<String>,
    pub sections: Vec<SectionView<'a>>,
    pub parts: Vec<PartView<'a>>,
    pub points: Vec<PointSummary<'a>>,
    pub references: Vec<ReferenceView<'a>>,
    pub floating_topics: Vec<FloatingView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct BookView<'a> {
    pub title: &'a str,
    pub publisher: &'a str,
    pub edition: Option<&'a str>,
    pub published: Option<String>,
    pub pages: String,
}

#[derive(Debug, Serialize)]
pub struct LinkView<'a> {
    pub label: &'a str,
    pub file: Option<&'a str>,
    pub url: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct RelatedView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub url: Option<&'a str>,
    pub links: Vec<LinkView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct MemberView<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub group: bool,
}

#[derive(Debug, Serialize)]
pub struct HistoryView<'a> {
    pub date: String,
    pub date_iso: String,
    pub summary: &'a str,
}

#[derive(Debug, Serialize)]
pub struct ReasonView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub items: Vec<ReasonItemView<'a>>,
    pub references: Vec<CiteView<'a>>,
    pub body: String,
    pub points: Vec<PointRef<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ReasonItemView<'a> {
    pub title: &'a str,
    pub note: Option<&'a str>,
    pub references: Vec<CiteView<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PointRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub heading: String,
}

#[derive(Debug, Serialize)]
pub struct SectionView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub title: Option<&'a str>,
    pub pages: String,
    pub part: &'a str,
    pub note: Option<&'a str>,
    pub points: Vec<PointSummary<'a>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct TargetView<'a> {
    pub id: &'a str,
    pub label: &'a str,
}

#[derive(Debug, Clone, Serialize)]
pub struct PointSummary<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub heading: String,
    pub part: &'a str,
    pub targets: Vec<TargetView<'a>>,
    pub target_label: String,
    pub pages: String,
    pub action: &'static str,
    pub action_label: String,
    pub action_note: Option<&'a str>,
    pub status: &'static str,
    pub status_label: String,
    pub owners: Vec<String>,
    pub priority: Option<u8>,
    pub markers: Vec<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct PartView<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub title: &'a str,
    pub owners: Vec<String>,
    pub notes: Vec<&'a str>,
    pub body: String,
    pub points: Vec<PointView<'a>>,
    pub topics: Vec<TopicView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct PointView<'a> {
    #[serde(flatten)]
    pub summary: PointSummary<'a>,
    pub parent: Option<PointRef<'a>>,
    pub children: Vec<PointRef<'a>>,
    pub reasons: Vec<ReasonRef<'a>>,
    pub references: Vec<CiteView<'a>>,
    pub notes: Vec<&'a str>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub body: String,
    pub topics: Vec<TopicView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ReasonRef<'a> {
    pub id: &'a str,
    pub title: &'a str,
}

#[derive(Debug, Serialize)]
pub struct TopicView<'a> {
    pub id: Option<&'a str>,
    pub anchor: String,
    pub title: &'a str,
    pub depth: usize,
    pub priority: Option<u8>,
    pub markers: Vec<&'a str>,
    pub owners: Vec<String>,
    pub references: Vec<CiteView<'a>>,
    pub notes: Vec<&'a str>,
    pub before: Option<&'a str>,
    pub after: Option<&'a str>,
    pub body: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CiteView<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub citation: String,
    pub url: Option<&'a str>,
    pub file: Option<&'a str>,
}

#[derive(Debug, Serialize)]
pub struct ReferenceView<'a> {
    #[serde(flatten)]
    pub cite: CiteView<'a>,
    pub issuer: Option<&'a str>,
    pub date: Option<String>,
    pub version: Option<&'a str>,
    pub note: Option<&'a str>,
    pub cited_by: Vec<PointRef<'a>>,
}

#[derive(Debug, Serialize)]
pub struct FloatingView<'a> {
    pub title: Option<&'a str>,
    pub priority: Option<u8>,
    pub markers: Vec<&'a str>,
    pub note: Option<&'a str>,
}

/// Escapes text for XML and HTML (content and attribute values alike) and drops the
/// characters XML 1.0 forbids, which validation has already refused.
pub fn escape_markup(s: &str, out: &mut String) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if crate::model::xml_allowed(c) => out.push(c),
            _ => {}
        }
    }
}

/// An address made safe for an `href` attribute: the characters a URL may not hold raw
/// (space, `"`, `<`, `>`, backtick, `{`, `}`, `|`, `\`, `^`) are percent-encoded; the rest,
/// non-ASCII included, stays as written.
pub fn href(url: &str) -> String {
    let mut out = String::with_capacity(url.len());
    for c in url.trim().chars() {
        match c {
            ' ' | '"' | '<' | '>' | '`' | '{' | '}' | '|' | '\\' | '^' => {
                out.push_str(&format!("%{:02X}", c as u32))
            }
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// The supplement's author: as given, else the names of the team's people.
pub fn author(s: &Supplement) -> String {
    s.author.clone().unwrap_or_else(|| {
        s.team
            .iter()
            .filter(|m| !m.group)
            .map(|m| m.name.as_str())
            .collect::<Vec<_>>()
            .join("、")
    })
}

/// The base book's length, e.g. 約190ページ.
pub fn book_pages(s: &Supplement, labels: &Labels) -> String {
    let book = &s.base_book;
    if book.pages_approximate {
        format!(
            "{}{}ページ",
            labels.text("pages_approximate"),
            book.pages.value
        )
    } else {
        format!("{}ページ", book.pages.value)
    }
}

/// Formats page ranges the Japanese way: `p.8～9, 42～43`, `p.41`, `p.183～`.
pub fn pages(ranges: &[PageRange]) -> String {
    if ranges.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = ranges
        .iter()
        .map(|r| match r.end {
            Some(end) if end == r.start => r.start.to_string(),
            Some(end) => format!("{}～{}", r.start, end),
            None => format!("{}～", r.start),
        })
        .collect();
    format!("p.{}", parts.join(", "))
}

/// Names the owners: members by name, hand-overs as `from⇒to`, unassigned as its label.
pub fn owners(s: &Supplement, owners: &[Owner], labels: &Labels) -> Vec<String> {
    let name = |id: &str| {
        s.member(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    };
    owners
        .iter()
        .map(|o| match o {
            Owner::Member(id) => name(&id.value),
            Owner::Handover { from, to } => {
                format!(
                    "{}{}{}",
                    name(&from.value),
                    labels.text("handover"),
                    name(&to.value)
                )
            }
            Owner::Unassigned(_) => labels.text("unassigned"),
        })
        .collect()
}

/// A reference in the house citation style: 「title」（issuer、date、version）.
pub fn citation(r: &Reference) -> String {
    let mut meta: Vec<String> = Vec::new();
    if let Some(issuer) = &r.issuer {
        meta.push(issuer.clone());
    }
    if let Some(date) = &r.date {
        meta.push(date.value.japanese());
    }
    if let Some(version) = &r.version {
        meta.push(version.clone());
    }
    let title = if r.title.contains('「') {
        format!("『{}』", r.title)
    } else {
        format!("「{}」", r.title)
    };
    if meta.is_empty() {
        title
    } else {
        format!("{title}（{}）", meta.join("、"))
    }
}

fn cite<'a>(s: &'a Supplement, id: &'a str) -> CiteView<'a> {
    match s.reference(id) {
        Some(r) => CiteView {
            id: &r.id.value,
            title: &r.title,
            citation: citation(r),
            url: r.url.as_ref().map(|u| u.value.as_str()),
            file: r.file.as_ref().map(|f| f.value.as_str()),
        },
        None => CiteView {
            id,
            title: id,
            citation: id.to_string(),
            url: None,
            file: None,
        },
    }
}

/// The heading of a revision point: targets, pages and action (「Mission3-10（p.98～109）改訂」).
pub fn heading(s: &Supplement, p: &RevisionPoint, labels: &Labels) -> String {
    let targets = target_label(s, p);
    let pages = pages(&p.pages);
    let action = labels.action(p.action.value.key());
    if pages.is_empty() {
        format!("{targets} {action}")
    } else {
        format!("{targets}（{pages}）{action}")
    }
}

fn target_label(s: &Supplement, p: &RevisionPoint) -> String {
    p.targets
        .iter()
        .map(|t| {
            s.section(&t.value)
                .map_or(t.value.as_str(), |x| x.label.as_str())
        })
        .collect::<Vec<_>>()
        .join("、")
}

impl<'a> DocumentView<'a> {
    /// Builds the view of a supplement, rendering bodies with `body`.
    pub fn build(s: &'a Supplement, labels: &Labels, body: BodyRenderer<'_>) -> Self {
        let ix = Index::new(s);
        let point_part = &ix.point_part;
        let summary = |p: &'a RevisionPoint| PointSummary {
            id: &p.id.value,
            title: &p.topic.title,
            heading: heading(s, p, labels),
            part: point_part.get(p.id.value.as_str()).copied().unwrap_or(""),
            targets: p
                .targets
                .iter()
                .map(|t| TargetView {
                    id: &t.value,
                    label: s
                        .section(&t.value)
                        .map_or(t.value.as_str(), |x| x.label.as_str()),
                })
                .collect(),
            target_label: target_label(s, p),
            pages: pages(&p.pages),
            action: p.action.value.key(),
            action_label: labels.action(p.action.value.key()),
            action_note: p.action_note.as_deref(),
            status: p.status.key(),
            status_label: labels.status(p.status.key()),
            owners: owners(s, &p.topic.owners, labels),
            priority: p.topic.priority,
            markers: p.topic.markers.iter().map(String::as_str).collect(),
        };
        let point_ref = |p: &'a RevisionPoint| PointRef {
            id: &p.id.value,
            title: &p.topic.title,
            heading: heading(s, p, labels),
        };

        let mut history: Vec<HistoryView<'a>> = s
            .history
            .iter()
            .map(|h| HistoryView {
                date: h.date.value.japanese(),
                date_iso: h.date.value.iso(),
                summary: &h.summary,
            })
            .collect();
        history.sort_by(|a, b| b.date_iso.cmp(&a.date_iso));

        let reasons = s
            .reasons
            .iter()
            .map(|r| ReasonView {
                id: &r.id.value,
                title: &r.title,
                items: r
                    .items
                    .iter()
                    .map(|i| ReasonItemView {
                        title: &i.title,
                        note: i.note.as_deref(),
                        references: i.references.iter().map(|x| cite(s, &x.value)).collect(),
                    })
                    .collect(),
                references: r.references.iter().map(|x| cite(s, &x.value)).collect(),
                body: body(&r.body),
                points: ix
                    .by_reason
                    .get(r.id.value.as_str())
                    .map(|ps| ps.iter().map(|p| point_ref(p)).collect())
                    .unwrap_or_default(),
            })
            .collect();

        let sections = s
            .base_book
            .sections
            .iter()
            .map(|sec| SectionView {
                id: &sec.id.value,
                label: &sec.label,
                title: sec.title.as_deref(),
                pages: pages(std::slice::from_ref(&sec.pages)),
                part: s
                    .parts
                    .iter()
                    .find(|p| p.id.value == sec.part.value)
                    .map_or(sec.part.value.as_str(), |p| p.label.as_str()),
                note: sec.note.as_deref(),
                points: ix
                    .by_section
                    .get(sec.id.value.as_str())
                    .map(|ps| ps.iter().map(|p| summary(p)).collect())
                    .unwrap_or_default(),
            })
            .collect();

        let parts = s
            .parts
            .iter()
            .map(|part| PartView {
                id: &part.id.value,
                label: &part.label,
                title: &part.title,
                owners: owners(s, &part.owners, labels),
                notes: part.notes.iter().map(String::as_str).collect(),
                body: body(&part.body),
                points: part
                    .points
                    .iter()
                    .map(|p| PointView {
                        summary: summary(p),
                        parent: p
                            .parent
                            .as_ref()
                            .and_then(|x| s.point(&x.value))
                            .map(point_ref),
                        children: ix
                            .children
                            .get(p.id.value.as_str())
                            .map(|ps| ps.iter().map(|c| point_ref(c)).collect())
                            .unwrap_or_default(),
                        reasons: p
                            .reasons
                            .iter()
                            .map(|x| ReasonRef {
                                id: &x.value,
                                title: s
                                    .reason(&x.value)
                                    .map_or(x.value.as_str(), |r| r.title.as_str()),
                            })
                            .collect(),
                        references: p
                            .topic
                            .references
                            .iter()
                            .map(|x| cite(s, &x.value))
                            .collect(),
                        notes: p.topic.notes.iter().map(String::as_str).collect(),
                        before: p.topic.before.as_deref(),
                        after: p.topic.after.as_deref(),
                        body: body(&p.topic.body),
                        topics: topics(
                            s,
                            &p.id.value,
                            std::slice::from_ref(&p.topic),
                            1,
                            labels,
                            body,
                        ),
                    })
                    .collect(),
                topics: topics(s, &part.id.value, &part.topics, 0, labels, body),
            })
            .collect();

        let references = s
            .references
            .iter()
            .map(|r| ReferenceView {
                cite: cite(s, &r.id.value),
                issuer: r.issuer.as_deref(),
                date: r.date.as_ref().map(|d| d.value.japanese()),
                version: r.version.as_deref(),
                note: r.note.as_deref(),
                cited_by: ix
                    .citing
                    .get(r.id.value.as_str())
                    .map(|ps| ps.iter().map(|p| point_ref(p)).collect())
                    .unwrap_or_default(),
            })
            .collect();

        let link = |l: &'a crate::model::DocumentLink| LinkView {
            label: &l.label,
            file: l.file.as_ref().map(|f| f.value.as_str()),
            url: l.url.as_ref().map(|u| u.value.as_str()),
        };
        let book = &s.base_book;
        let author = author(s);
        let date = s.effective_date();
        DocumentView {
            id: &s.id.value,
            title: &s.title,
            subtitle: s.subtitle.as_deref(),
            language: &s.language,
            audience: s.audience.iter().map(String::as_str).collect(),
            edition: s.edition.as_deref(),
            date: date.map(|d| d.japanese()),
            date_iso: date.map(|d| d.iso()),
            author,
            base_book: BookView {
                title: &book.title,
                publisher: &book.publisher,
                edition: book.edition.as_deref(),
                published: book.published.as_ref().map(|d| d.value.japanese()),
                pages: book_pages(s, labels),
            },
            links: s.links.iter().map(link).collect(),
            related: s
                .related
                .iter()
                .map(|r| RelatedView {
                    id: &r.id.value,
                    title: &r.title,
                    url: r.url.as_ref().map(|u| u.value.as_str()),
                    links: r.links.iter().map(link).collect(),
                })
                .collect(),
            team: s
                .team
                .iter()
                .map(|m| MemberView {
                    id: &m.id.value,
                    name: &m.name,
                    group: m.group,
                })
                .collect(),
            history,
            reasons,
            general_notes: s.general_notes.iter().map(|n| body(n)).collect(),
            sections,
            parts,
            points: s.points().map(summary).collect(),
            references,
            floating_topics: s
                .floating_topics
                .iter()
                .map(|f| FloatingView {
                    title: f.title.as_deref(),
                    priority: f.priority,
                    markers: f.markers.iter().map(String::as_str).collect(),
                    note: f.note.as_deref(),
                })
                .collect(),
        }
    }
}

/// Topics flattened depth first with their depth (1 = top level shown). `skip` levels of
/// the roots are left out (a revision point's root topic is the point itself).
fn topics<'a>(
    s: &'a Supplement,
    owner_id: &str,
    roots: &'a [Topic],
    skip: usize,
    labels: &Labels,
    body: BodyRenderer<'_>,
) -> Vec<TopicView<'a>> {
    let mut out = Vec::new();
    let mut counter = 0usize;
    let mut visit = |t: &'a Topic, depth: usize| {
        if depth < skip {
            return;
        }
        let depth = depth + 1 - skip;
        counter += 1;
        out.push(TopicView {
            id: t.id.as_ref().map(|i| i.value.as_str()),
            anchor: t
                .id
                .as_ref()
                .map_or_else(|| format!("_{owner_id}-t{counter}"), |i| i.value.clone()),
            title: &t.title,
            depth,
            priority: t.priority,
            markers: t.markers.iter().map(String::as_str).collect(),
            owners: owners(s, &t.owners, labels),
            references: t.references.iter().map(|x| cite(s, &x.value)).collect(),
            notes: t.notes.iter().map(String::as_str).collect(),
            before: t.before.as_deref(),
            after: t.after.as_deref(),
            body: body(&t.body),
        });
    };
    for root in roots {
        root.walk(&mut visit);
    }
    out
}
