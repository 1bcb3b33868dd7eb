//! Where the revision work stands: who owns what, in which state, what nobody owns, what
//! was handed over, what has no text yet, and what is past its due date.
//!
//! The unit of work is an *item*: a revision point, or a topic directly under a part (the
//! plan's items that name no place in the book). An item's owners are its own; else the
//! owners of the topics under it (whoever works on part of it); else its part's. An item
//! with none is unassigned, as is every place the manuscript marks `?` (【担当：？】).
//! A hand-over (`from -> to`) counts for its receiver and is listed under them.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostics::{Diagnostic, Sources};
use crate::labels::{fill, Labels};
use crate::model::{Owner, PartialDate, Span, Status, Supplement, Topic};
use crate::view::DocumentView;

/// Columns of the owner × status table, in order (`None`: no status given).
pub const STATUSES: [Option<Status>; 5] = [
    Some(Status::Planned),
    Some(Status::Drafting),
    Some(Status::Review),
    Some(Status::Done),
    None,
];

/// Counts by status, in the order of [`STATUSES`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// 予定.
    pub planned: usize,
    /// 執筆中.
    pub drafting: usize,
    /// レビュー中.
    pub review: usize,
    /// 完了.
    pub done: usize,
    /// No status given.
    pub none: usize,
}

impl Counts {
    fn add(&mut self, status: Option<Status>) {
        *self.get_mut(status) += 1;
    }

    fn get_mut(&mut self, status: Option<Status>) -> &mut usize {
        match status {
            Some(Status::Planned) => &mut self.planned,
            Some(Status::Drafting) => &mut self.drafting,
            Some(Status::Review) => &mut self.review,
            Some(Status::Done) => &mut self.done,
            None => &mut self.none,
        }
    }

    /// The count of a column.
    pub fn get(&self, status: Option<Status>) -> usize {
        let mut copy = *self;
        *copy.get_mut(status)
    }

    /// All items.
    pub fn total(&self) -> usize {
        self.planned + self.drafting + self.review + self.done + self.none
    }

    /// Done as a whole percentage of the total (0 when there is nothing).
    pub fn percent_done(&self) -> usize {
        (self.done * 100).checked_div(self.total()).unwrap_or(0)
    }
}

/// One unit of work.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// `point` or `topic` (a topic under a part).
    pub kind: &'static str,
    /// The point's id, or the topic's (its title path under the part when it has none).
    pub id: String,
    /// Its title as the outputs show it.
    pub title: String,
    /// The part's id.
    pub part: String,
    /// Its status, when given.
    pub status: Option<Status>,
    /// Its current owners' names (a hand-over's receiver).
    pub owners: Vec<String>,
    /// Where the owners come from: `own`, `topics`, `part` or `none`.
    pub owners_from: &'static str,
    /// Whether anything under it says what changes: a body, old or new wording, notes.
    pub has_content: bool,
    /// When it is due (ISO), when given.
    pub due: Option<String>,
    /// True when it is due before today and not done.
    pub overdue: bool,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
    #[serde(skip)]
    due_span: Option<Span>,
}

/// One row of the owner × status table.
#[derive(Debug, Clone, Serialize)]
pub struct OwnerRow {
    /// The owner's name (or the labels' word for items nobody owns).
    pub owner: String,
    /// The items they own, by status.
    pub counts: Counts,
}

/// One part's progress.
#[derive(Debug, Clone, Serialize)]
pub struct PartRow {
    /// Its id.
    pub id: String,
    /// Its label, e.g. Mission3.
    pub label: String,
    /// Its items by status.
    pub counts: Counts,
}

/// A place marked `?`, or an item with no owner at all.
#[derive(Debug, Clone, Serialize)]
pub struct Unassigned {
    /// `part`, `point` or `topic`.
    pub kind: &'static str,
    /// Its id or title path.
    pub id: String,
    /// Its title.
    pub title: String,
    /// True when the manuscript says `?`; false when no owner is found.
    pub explicit: bool,
    /// Where it is.
    #[serde(skip)]
    pub span: Span,
}

/// Work handed over.
#[derive(Debug, Clone, Serialize)]
pub struct Handover {
    /// Who had it.
    pub from: String,
    /// Who has it now.
    pub to: String,
    /// The item (point or part topic) it belongs to.
    pub item: String,
    /// That item's title.
    pub title: String,
    /// Where the hand-over is written.
    #[serde(skip)]
    pub span: Span,
}

/// The whole report.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The day overdue is judged against (ISO).
    pub today: String,
    /// Every item, in document order.
    pub items: Vec<Item>,
    /// Owner × status, owners in team order (then any not in the team), nobody's last.
    pub owners: Vec<OwnerRow>,
    /// Per part, in document order.
    pub parts: Vec<PartRow>,
    /// All items by status (each once).
    pub totals: Counts,
    /// Unassigned places and items.
    pub unassigned: Vec<Unassigned>,
    /// Hand-overs, by receiver in team order.
    pub handovers: Vec<Handover>,
}

/// An item before its owners are worked out.
struct Work<'m> {
    kind: &'static str,
    id: String,
    title: String,
    status: Option<Status>,
    topic: &'m Topic,
    span: Span,
    due: Option<&'m crate::model::Located<PartialDate>>,
}

/// Builds the report of a validated manuscript as of `today`.
pub fn report(s: &Supplement, view: &DocumentView, today: PartialDate) -> Report {
    let labels = &view.labels;
    let name = |id: &str| {
        s.member(id)
            .map_or_else(|| id.to_string(), |m| m.name.clone())
    };
    let mut items = Vec::new();
    let mut unassigned = Vec::new();
    let mut handovers = Vec::new();
    for part in &s.parts {
        if has_unassigned(&part.owners) {
            unassigned.push(Unassigned {
                kind: "part",
                id: part.id.value.clone(),
                title: part.title.clone(),
                explicit: true,
                span: unassigned_span(&part.owners).unwrap_or(part.id.span),
            });
        }
        // (kind, id, title, status, root topic, span, due).
        let mut work: Vec<Work<'_>> = Vec::new();
        for p in &part.points {
            // The title the outputs show (for an untitled point, its place and action).
            let title = view
                .points
                .iter()
                .find(|v| v.id == p.id.value)
                .map_or_else(|| p.topic.title.clone(), |v| v.title.clone());
            work.push(Work {
                kind: "point",
                id: p.id.value.clone(),
                title,
                status: p.status,
                topic: &p.topic,
                span: p.id.span,
                due: p.due.as_ref(),
            });
        }
        for t in &part.topics {
            let id = t.id.as_ref().map_or_else(
                || format!("{}/{}", part.id.value, t.title),
                |i| i.value.clone(),
            );
            work.push(Work {
                kind: "topic",
                id,
                title: t.title.clone(),
                status: None,
                topic: t,
                span: t.span,
                due: None,
            });
        }
        for Work {
            kind,
            id,
            title,
            status,
            topic,
            span,
            due,
        } in work
        {
            let due_span = due.map(|d| d.span);
            let due = due.map(|d| d.value);
            // Explicit `?` anywhere in the item.
            let mut marked = Vec::new();
            walk(topic, &mut |t| {
                if let Some(span) = unassigned_span(&t.owners) {
                    marked.push((t, span));
                }
            });
            for (t, span) in marked {
                let is_root = std::ptr::eq(t, topic);
                unassigned.push(Unassigned {
                    kind: if is_root { kind } else { "topic" },
                    id: if is_root {
                        id.clone()
                    } else {
                        format!("{id}/{}", t.title)
                    },
                    title: if is_root {
                        title.clone()
                    } else {
                        t.title.clone()
                    },
                    explicit: true,
                    span,
                });
            }
            // Owners: own, else the topics', else the part's.
            let mut own: Vec<&Owner> = topic.owners.iter().collect();
            let mut from = "own";
            if own.is_empty() {
                walk(topic, &mut |t| {
                    if !std::ptr::eq(t, topic) {
                        own.extend(t.owners.iter());
                    }
                });
                from = "topics";
            }
            if own.is_empty() {
                own = part.owners.iter().collect();
                from = "part";
            }
            let mut owners: Vec<String> = Vec::new();
            for o in &own {
                match o {
                    Owner::Member(m) => owners.push(name(&m.value)),
                    Owner::Handover { from: f, to } => {
                        owners.push(name(&to.value));
                        handovers.push(Handover {
                            from: name(&f.value),
                            to: name(&to.value),
                            item: id.clone(),
                            title: title.clone(),
                            span: f.span,
                        });
                    }
                    Owner::Unassigned(_) => {}
                }
            }
            let mut seen = std::collections::HashSet::new();
            owners.retain(|o| seen.insert(o.clone()));
            if owners.is_empty() {
                from = "none";
                if !own.iter().any(|o| matches!(o, Owner::Unassigned(_))) {
                    unassigned.push(Unassigned {
                        kind,
                        id: id.clone(),
                        title: title.clone(),
                        explicit: false,
                        span,
                    });
                }
            }
            let mut has_content = false;
            walk(topic, &mut |t| {
                has_content |= !t.body.is_empty()
                    || t.before.is_some()
                    || t.after.is_some()
                    || !t.notes.is_empty();
            });
            items.push(Item {
                kind,
                id,
                title,
                part: part.id.value.clone(),
                status,
                owners,
                owners_from: from,
                has_content,
                due: due.map(|d| d.iso()),
                overdue: due.is_some_and(|d| {
                    d.days_from_epoch() < today.days_from_epoch() && status != Some(Status::Done)
                }),
                span,
                due_span,
            });
        }
    }

    // Owner rows: the team's order, then names not in the team, then nobody.
    let mut owners: Vec<OwnerRow> = Vec::new();
    let row = |owner: &str, owners: &mut Vec<OwnerRow>, status| match owners
        .iter_mut()
        .find(|r| r.owner == owner)
    {
        Some(r) => r.counts.add(status),
        None => {
            let mut counts = Counts::default();
            counts.add(status);
            owners.push(OwnerRow {
                owner: owner.to_string(),
                counts,
            });
        }
    };
    let mut totals = Counts::default();
    for item in &items {
        totals.add(item.status);
        if item.owners.is_empty() {
            row(&labels.report.nobody, &mut owners, item.status);
        }
        for o in &item.owners {
            row(o, &mut owners, item.status);
        }
    }
    let rank = |owner: &str| {
        s.team
            .iter()
            .position(|m| m.name == owner)
            .unwrap_or(if owner == labels.report.nobody {
                usize::MAX
            } else {
                s.team.len()
            })
    };
    owners.sort_by_key(|r| rank(&r.owner));
    handovers.sort_by_key(|h| rank(&h.to));

    let parts = s
        .parts
        .iter()
        .map(|p| {
            let mut counts = Counts::default();
            for item in items.iter().filter(|i| i.part == p.id.value) {
                counts.add(item.status);
            }
            PartRow {
                id: p.id.value.clone(),
                label: p.label.clone(),
                counts,
            }
        })
        .collect();
    Report {
        today: today.iso(),
        items,
        owners,
        parts,
        totals,
        unassigned,
        handovers,
    }
}

/// Visits a topic and every topic under it, depth first.
fn walk<'t>(topic: &'t Topic, f: &mut dyn FnMut(&'t Topic)) {
    f(topic);
    for t in &topic.topics {
        walk(t, f);
    }
}

fn has_unassigned(owners: &[Owner]) -> bool {
    owners.iter().any(|o| matches!(o, Owner::Unassigned(_)))
}

fn unassigned_span(owners: &[Owner]) -> Option<Span> {
    owners.iter().find_map(|o| match o {
        Owner::Unassigned(span) => Some(*span),
        _ => None,
    })
}

/// The CI gates: an error at every unassigned place or item (`--deny-unassigned`), and
/// at every overdue item's due date (`--deny-overdue`).
pub fn gates(report: &Report, deny_unassigned: bool, deny_overdue: bool) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    if deny_unassigned {
        for u in &report.unassigned {
            let message = if u.explicit {
                format!("{} {:?} is marked as not assigned (\"?\")", u.kind, u.id)
            } else {
                format!(
                    "{} {:?} has no owner (none of its own, its topics' or its part's)",
                    u.kind, u.id
                )
            };
            out.push(
                Diagnostic::error("gate-unassigned", u.span, message)
                    .with_hint("name an owner in `owners` (a team id, or \"from -> to\")"),
            );
        }
    }
    if deny_overdue {
        for i in report.items.iter().filter(|i| i.overdue) {
            out.push(
                Diagnostic::error(
                    "gate-overdue",
                    i.due_span.unwrap_or(i.span),
                    format!(
                        "{} {:?} was due {} and is not done (today is {})",
                        i.kind,
                        i.id,
                        i.due.as_deref().unwrap_or_default(),
                        report.today
                    ),
                )
                .with_hint("set `status = \"done\"` when it is, or move `due`"),
            );
        }
    }
    out
}

/// Today's date from the clock (UTC): the one place the program reads it.
pub fn today_from_clock() -> PartialDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    civil_from_days((secs / 86_400) as i64)
}

/// The date of a day count since 1970-01-01 (Howard Hinnant's civil_from_days).
pub fn civil_from_days(days: i64) -> PartialDate {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    PartialDate {
        year: u16::try_from(y).unwrap_or(0),
        month: u8::try_from(m).ok(),
        day: u8::try_from(d).ok(),
    }
}

/// The label of a status column.
pub fn status_label(labels: &Labels, status: Option<Status>) -> &str {
    match status {
        Some(s) => labels.status.get(s),
        None => &labels.report.no_status,
    }
}

/// Terminal width of a text: East Asian wide characters take two columns.
pub fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(text)
}

/// A table with columns padded to their display width: the first column left-aligned,
/// the others right-aligned.
fn table(rows: &[Vec<String>]) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|t| width(t))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (c, cell) in r.iter().enumerate() {
            let pad = " ".repeat(widths[c].saturating_sub(width(cell)));
            if c == 0 {
                line.push_str(cell);
                line.push_str(&pad);
            } else {
                line.push_str("  ");
                line.push_str(&pad);
                line.push_str(cell);
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn owner_rows(r: &Report, labels: &Labels) -> Vec<Vec<String>> {
    let l = &labels.report;
    let mut header = vec![labels.field.owners.clone()];
    header.extend(
        STATUSES
            .iter()
            .map(|s| status_label(labels, *s).to_string()),
    );
    header.push(l.total.clone());
    header.push(l.done_ratio.clone());
    let mut rows = vec![header];
    let line = |name: &str, c: &Counts| {
        let mut row = vec![name.to_string()];
        row.extend(STATUSES.iter().map(|s| c.get(*s).to_string()));
        row.push(c.total().to_string());
        row.push(format!("{}%", c.percent_done()));
        row
    };
    for o in &r.owners {
        rows.push(line(&o.owner, &o.counts));
    }
    rows.push(line(&l.total, &r.totals));
    rows
}

fn part_rows(r: &Report, labels: &Labels) -> Vec<Vec<String>> {
    let l = &labels.report;
    let mut rows = vec![vec![
        labels.field.part.clone(),
        l.items.clone(),
        status_label(labels, Some(Status::Done)).to_string(),
        l.done_ratio.clone(),
    ]];
    for p in &r.parts {
        rows.push(vec![
            p.label.clone(),
            p.counts.total().to_string(),
            p.counts.done.to_string(),
            format!("{}%", p.counts.percent_done()),
        ]);
    }
    rows
}

/// Lines of the report's lists (unassigned, hand-overs, no content, due), as
/// (section heading, lines), each line a text and a location.
fn lists(r: &Report, labels: &Labels, sources: &Sources) -> Vec<(String, Vec<String>)> {
    let l = &labels.report;
    let at = |span: Span| {
        let name = sources.name(span);
        let (line, col) = sources.line_col(span);
        format!("{name}:{line}:{col}")
    };
    let quote = |t: &str| crate::view::format::quote(t, labels);
    let mut out = Vec::new();
    out.push((
        fill(&l.unassigned, &[("n", &r.unassigned.len().to_string())]),
        r.unassigned
            .iter()
            .map(|u| {
                let why = if u.explicit {
                    &l.marked_unassigned
                } else {
                    &l.no_owner
                };
                format!(
                    "{} {}{}  {why}  {}",
                    kind_label(labels, u.kind),
                    u.id,
                    quote(&u.title),
                    at(u.span)
                )
            })
            .collect(),
    ));
    out.push((
        fill(&l.handovers, &[("n", &r.handovers.len().to_string())]),
        r.handovers
            .iter()
            .map(|h| {
                format!(
                    "{}{}{}  {}{}  {}",
                    h.from,
                    labels.text.handover,
                    h.to,
                    h.item,
                    quote(&h.title),
                    at(h.span)
                )
            })
            .collect(),
    ));
    let empty: Vec<&Item> = r.items.iter().filter(|i| !i.has_content).collect();
    out.push((
        fill(&l.without_content, &[("n", &empty.len().to_string())]),
        empty
            .iter()
            .map(|i| {
                format!(
                    "{} {}{}  {}",
                    kind_label(labels, i.kind),
                    i.id,
                    quote(&i.title),
                    at(i.span)
                )
            })
            .collect(),
    ));
    let due: Vec<&Item> = r.items.iter().filter(|i| i.due.is_some()).collect();
    out.push((
        fill(
            &l.due,
            &[("n", &due.len().to_string()), ("today", &r.today)],
        ),
        due.iter()
            .map(|i| {
                let mark = if i.overdue {
                    format!("  {}", l.overdue)
                } else {
                    String::new()
                };
                format!(
                    "{}  {} {}{}  {}{mark}  {}",
                    i.due.as_deref().unwrap_or_default(),
                    kind_label(labels, i.kind),
                    i.id,
                    quote(&i.title),
                    status_label(labels, i.status),
                    at(i.due_span.unwrap_or(i.span))
                )
            })
            .collect(),
    ));
    out
}

fn kind_label<'l>(labels: &'l Labels, kind: &str) -> &'l str {
    let e = &labels.changes.entity;
    match kind {
        "part" => &e.part,
        "point" => &e.point,
        _ => &e.topic,
    }
}

/// The report for a terminal: two aligned tables and the lists.
pub fn text(r: &Report, labels: &Labels, sources: &Sources) -> String {
    let l = &labels.report;
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", l.by_owner);
    out.push_str(&table(&owner_rows(r, labels)));
    let _ = writeln!(out, "\n{}\n", l.by_part);
    out.push_str(&table(&part_rows(r, labels)));
    for (heading, lines) in lists(r, labels, sources) {
        let _ = writeln!(out, "\n{heading}");
        if lines.is_empty() {
            let _ = writeln!(out, "  {}", l.none);
        }
        for line in lines {
            let _ = writeln!(out, "  {}", crate::diagnostics::escape_control(&line));
        }
    }
    out
}

/// The report as Markdown: tables and lists.
pub fn markdown(r: &Report, labels: &Labels, sources: &Sources) -> String {
    let l = &labels.report;
    let esc = crate::diff::render::md_escape;
    let md_table = |rows: Vec<Vec<String>>| {
        let mut out = String::new();
        for (i, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row.iter().map(|c| esc(c)).collect();
            let _ = writeln!(out, "| {} |", cells.join(" | "));
            if i == 0 {
                let align: Vec<&str> = (0..row.len())
                    .map(|c| if c == 0 { ":--" } else { "--:" })
                    .collect();
                let _ = writeln!(out, "| {} |", align.join(" | "));
            }
        }
        out
    };
    let mut out = String::new();
    let _ = writeln!(out, "### {}\n", esc(&l.heading));
    let _ = writeln!(out, "#### {}\n", esc(&l.by_owner));
    out.push_str(&md_table(owner_rows(r, labels)));
    let _ = writeln!(out, "\n#### {}\n", esc(&l.by_part));
    out.push_str(&md_table(part_rows(r, labels)));
    for (heading, lines) in lists(r, labels, sources) {
        let _ = writeln!(out, "\n#### {}\n", esc(&heading));
        if lines.is_empty() {
            let _ = writeln!(out, "{}", esc(&l.none));
        }
        for line in lines {
            let _ = writeln!(out, "- {}", esc(&line));
        }
    }
    out
}

/// One CSV row per item (RFC 4180, CRLF), with a header of the labels' words.
pub fn csv(r: &Report, labels: &Labels) -> String {
    let field = |t: &str| {
        if t.contains([',', '"', '\n', '\r']) {
            format!("\"{}\"", t.replace('"', "\"\""))
        } else {
            t.to_string()
        }
    };
    let f = &labels.field;
    let l = &labels.report;
    let mut out = String::new();
    let header = [
        f.part.as_str(),
        "id",
        f.title.as_str(),
        f.owners.as_str(),
        f.status.as_str(),
        f.due.as_str(),
        l.overdue.as_str(),
        l.has_content.as_str(),
    ];
    out.push_str(&header.map(field).join(","));
    out.push_str("\r\n");
    for i in &r.items {
        let row = [
            i.part.clone(),
            i.id.clone(),
            i.title.clone(),
            i.owners.join(&labels.format.list_separator),
            i.status
                .map(|s| labels.status.get(s).to_string())
                .unwrap_or_default(),
            i.due.clone().unwrap_or_default(),
            if i.overdue { "1" } else { "0" }.to_string(),
            if i.has_content { "1" } else { "0" }.to_string(),
        ];
        out.push_str(&row.iter().map(|c| field(c)).collect::<Vec<_>>().join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_from_days_inverts_days_from_epoch() {
        // Intent: the clock's day count turns into the calendar date the loader would
        // parse, across leap years and centuries.
        for (y, m, d) in [
            (1970, 1, 1),
            (2000, 2, 29),
            (2024, 12, 31),
            (2100, 3, 1),
            (2026, 11, 27),
        ] {
            let date = PartialDate {
                year: y,
                month: Some(m),
                day: Some(d),
            };
            assert_eq!(civil_from_days(date.days_from_epoch()), date);
        }
    }

    #[test]
    fn wide_characters_take_two_columns() {
        // Intent: Japanese names line up in a terminal table.
        assert_eq!(width("石井（茂）"), 10);
        assert_eq!(width("abc"), 3);
        let t = table(&[
            vec!["石井（茂）".into(), "1".into()],
            vec!["Ito".into(), "12".into()],
        ]);
        let lines: Vec<usize> = t.lines().map(width).collect();
        assert_eq!(lines[0], lines[1]);
    }
}
