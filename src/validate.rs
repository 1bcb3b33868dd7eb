//! Validation: every rule a manuscript must satisfy beyond its syntax. Rules collect all
//! problems; none stops at the first.

use std::collections::{HashMap, HashSet};

use crate::diagnostics::{did_you_mean, Diagnostic};
use crate::model::{Block, IdRef, Located, Owner, PageRange, Span, Supplement, Topic};

/// Checks a loaded supplement and returns every problem found, in source order.
pub fn validate(s: &Supplement) -> Vec<Diagnostic> {
    let mut v = Validator {
        s,
        diags: Vec::new(),
        cited: HashSet::new(),
    };
    v.duplicate_ids();
    v.sections();
    v.history();
    v.reasons();
    v.parts();
    v.links();
    v.unused_references();
    v.diags.sort_by_key(|d| (d.span.file, d.span.start));
    v.diags
}

struct Validator<'a> {
    s: &'a Supplement,
    diags: Vec<Diagnostic>,
    cited: HashSet<&'a str>,
}

impl<'a> Validator<'a> {
    fn duplicate_ids(&mut self) {
        let s = self.s;
        let mut point_ids: Vec<&Located<String>> = Vec::new();
        for point in s.points() {
            point_ids.push(&point.id);
            point.topic.walk(&mut |t, _| {
                if let Some(id) = &t.id {
                    point_ids.push(id);
                }
            });
        }
        for topic in s.parts.iter().flat_map(|p| p.topics.iter()) {
            topic.walk(&mut |t, _| {
                if let Some(id) = &t.id {
                    point_ids.push(id);
                }
            });
        }
        let groups: [(&str, Vec<&Located<String>>); 6] = [
            ("part", s.parts.iter().map(|p| &p.id).collect()),
            (
                "section",
                s.base_book.sections.iter().map(|x| &x.id).collect(),
            ),
            ("team member", s.team.iter().map(|m| &m.id).collect()),
            ("reason", s.reasons.iter().map(|r| &r.id).collect()),
            ("reference", s.references.iter().map(|r| &r.id).collect()),
            ("revision point or topic", point_ids),
        ];
        for (kind, ids) in groups {
            let mut seen: HashMap<&str, Span> = HashMap::new();
            for id in ids {
                if let Some(first) = seen.get(id.value.as_str()) {
                    self.diags.push(
                        Diagnostic::error(
                            "duplicate-id",
                            id.span,
                            format!("duplicate {kind} id {:?}", id.value),
                        )
                        .with_related(*first, "first defined here")
                        .with_hint("ids must be unique; rename one of them"),
                    );
                } else {
                    seen.insert(&id.value, id.span);
                }
            }
        }
    }

    fn sections(&mut self) {
        let s = self.s;
        let book_pages = s.base_book.pages.value;
        let part_ids: Vec<&str> = s.parts.iter().map(|p| p.id.value.as_str()).collect();
        for section in &s.base_book.sections {
            if !part_ids.contains(&section.part.value.as_str()) {
                self.unknown("unknown-part", "part", &section.part, &part_ids);
            }
            self.page_range(&section.pages, book_pages);
            if section.pages.end.is_none() {
                self.diags.push(
                    Diagnostic::warning(
                        "open-ended-section",
                        section.pages.span,
                        format!(
                            "section {:?} has an open-ended page range (from p.{} on)",
                            section.id.value, section.pages.start
                        ),
                    )
                    .with_hint("give the last page when it is known"),
                );
            }
        }
        let sections = &s.base_book.sections;
        for (i, a) in sections.iter().enumerate() {
            for b in &sections[i + 1..] {
                if a.pages.overlaps(&b.pages) && !reversed(&a.pages) && !reversed(&b.pages) {
                    self.diags.push(
                        Diagnostic::warning(
                            "overlapping-sections",
                            b.pages.span,
                            format!(
                                "the pages of section {:?} overlap those of {:?}",
                                b.id.value, a.id.value
                            ),
                        )
                        .with_related(a.pages.span, "overlapping range")
                        .with_hint("check the section map against the book"),
                    );
                }
            }
        }
    }

    fn page_range(&mut self, range: &PageRange, book_pages: u32) {
        if reversed(range) {
            self.diags.push(
                Diagnostic::error(
                    "reversed-pages",
                    range.span,
                    format!(
                        "page range {}-{} runs backwards",
                        range.start,
                        range.end.unwrap_or(0)
                    ),
                )
                .with_hint(format!(
                    "write it as {}-{}",
                    range.end.unwrap_or(0),
                    range.start
                )),
            );
        } else if book_pages > 0 && range.end.unwrap_or(range.start).max(range.start) > book_pages {
            self.diags.push(
                Diagnostic::error(
                    "pages-outside-book",
                    range.span,
                    format!(
                        "page {} is beyond the end of the base book ({} pages)",
                        range.end.unwrap_or(range.start).max(range.start),
                        book_pages
                    ),
                )
                .with_hint("check the page number, or the book's `pages` in supplement.toml"),
            );
        }
    }

    fn history(&mut self) {
        let s = self.s;
        for pair in s.history.windows(2) {
            let (newer, older) = (&pair[0].date, &pair[1].date);
            if newer.value < older.value {
                self.diags.push(
                    Diagnostic::error(
                        "history-order",
                        older.span,
                        format!(
                            "history entry {} comes after {}, but history is written newest first",
                            older.value.iso(),
                            newer.value.iso()
                        ),
                    )
                    .with_related(newer.span, "older entry written above it")
                    .with_hint("move the entry so that dates run from newest to oldest"),
                );
            }
        }
        if let (Some(date), Some(newest)) = (&s.date, s.history.iter().max_by_key(|h| h.date.value))
        {
            if date.value < newest.date.value {
                self.diags.push(
                    Diagnostic::error(
                        "date-before-history",
                        date.span,
                        format!(
                            "the supplement is dated {}, before its newest history entry ({})",
                            date.value.iso(),
                            newest.date.value.iso()
                        ),
                    )
                    .with_related(newest.date.span, "newest history entry")
                    .with_hint("update the supplement's `date`"),
                );
            }
        }
    }

    fn reasons(&mut self) {
        let s = self.s;
        for reason in &s.reasons {
            self.cite_all(&reason.references);
            for item in &reason.items {
                self.cite_all(&item.references);
            }
        }
    }

    fn parts(&mut self) {
        let s = self.s;
        let book_pages = s.base_book.pages.value;
        let section_ids: Vec<&str> = s
            .base_book
            .sections
            .iter()
            .map(|x| x.id.value.as_str())
            .collect();
        let reason_ids: Vec<&str> = s.reasons.iter().map(|r| r.id.value.as_str()).collect();
        let part_ids: Vec<&str> = s.parts.iter().map(|p| p.id.value.as_str()).collect();
        let point_ids: Vec<&str> = s.points().map(|p| p.id.value.as_str()).collect();
        for part in &s.parts {
            self.owners(&part.owners);
            for topic in &part.topics {
                topic.walk(&mut |topic: &'a Topic, _| {
                    self.owners(&topic.owners);
                    self.cite_all(&topic.references);
                });
            }
            for point in &part.points {
                if point.targets.is_empty() {
                    self.diags.push(
                        Diagnostic::error(
                            "no-target",
                            point.id.span,
                            format!(
                                "revision point {:?} names no target section",
                                point.id.value
                            ),
                        )
                        .with_hint(
                            "add `targets = [\"section-id\"]` with a section of the base book",
                        ),
                    );
                }
                let mut target_ranges = Vec::new();
                for (i, target) in point.targets.iter().enumerate() {
                    match s.section(&target.value) {
                        None => self.unknown(
                            "unknown-section",
                            "base-book section",
                            target,
                            &section_ids,
                        ),
                        Some(section) => {
                            target_ranges.push(section.pages);
                            let section_part_known =
                                part_ids.contains(&section.part.value.as_str());
                            if i == 0 && section_part_known && section.part.value != part.id.value {
                                self.diags.push(
                                    Diagnostic::error(
                                        "wrong-part",
                                        target.span,
                                        format!(
                                            "revision point {:?} is in part {:?}, but its first target {:?} is in part {:?}",
                                            point.id.value, part.id.value, target.value, section.part.value
                                        ),
                                    )
                                    .with_hint(format!(
                                        "move the revision point to the file of part {:?}, or list a target of this part first",
                                        section.part.value
                                    )),
                                );
                            }
                        }
                    }
                }
                for range in &point.pages {
                    let before = self.diags.len();
                    self.page_range(range, book_pages);
                    if self.diags.len() > before
                        || target_ranges.is_empty()
                        || target_ranges.len() != point.targets.len()
                    {
                        continue;
                    }
                    if !target_ranges.iter().any(|t| range.within(t)) {
                        let sections: Vec<String> = point
                            .targets
                            .iter()
                            .zip(&target_ranges)
                            .map(|(t, r)| format!("{} ({})", t.value, show_range(r)))
                            .collect();
                        self.diags.push(
                            Diagnostic::error(
                                "pages-contradict-map",
                                range.span,
                                format!(
                                    "pages {} are not inside any target section: {}",
                                    show_range(range),
                                    sections.join(", ")
                                ),
                            )
                            .with_hint(
                                "fix the pages, the targets, or the section map in supplement.toml",
                            ),
                        );
                    }
                }
                for reason in &point.reasons {
                    if s.reason(&reason.value).is_none() {
                        self.unknown("unknown-reason", "reason", reason, &reason_ids);
                    }
                }
                if let Some(parent) = &point.parent {
                    if s.point(&parent.value).is_none() {
                        self.unknown("unknown-parent", "revision point", parent, &point_ids);
                    } else if self.parent_cycle(&point.id.value) {
                        self.diags.push(
                            Diagnostic::error(
                                "parent-cycle",
                                parent.span,
                                format!("revision point {:?} is its own ancestor", point.id.value),
                            )
                            .with_hint("a revision point's `parent` chain must end at a point without a parent"),
                        );
                    }
                }
                if point.topic.is_empty() {
                    self.diags.push(
                        Diagnostic::warning(
                            "empty-body",
                            point.id.span,
                            format!(
                                "revision point {:?} says nothing about what changes",
                                point.id.value
                            ),
                        )
                        .with_hint("add a `body`, topics, notes or references"),
                    );
                }
                point.topic.walk(&mut |topic: &'a Topic, _| {
                    self.owners(&topic.owners);
                    self.cite_all(&topic.references);
                });
            }
        }
    }

    fn parent_cycle(&self, start: &str) -> bool {
        let mut seen = HashSet::new();
        let mut current = start;
        while let Some(point) = self.s.point(current) {
            if !seen.insert(current) {
                // A cycle further up that does not pass through `start`: it is reported
                // on its own members.
                return false;
            }
            match &point.parent {
                Some(parent) if parent.value == start => return true,
                Some(parent) => current = &parent.value,
                None => return false,
            }
        }
        false
    }

    fn owners(&mut self, owners: &[Owner]) {
        let ids: Vec<&str> = self.s.team.iter().map(|m| m.id.value.as_str()).collect();
        for owner in owners {
            match owner {
                Owner::Member(id) => self.owner_id(id, &ids),
                Owner::Handover { from, to } => {
                    self.owner_id(from, &ids);
                    self.owner_id(to, &ids);
                }
                Owner::Unassigned(span) => self.diags.push(
                    Diagnostic::warning(
                        "unassigned-owner",
                        *span,
                        "no owner is assigned yet (\"?\")",
                    )
                    .with_hint("name the owner once the work is assigned"),
                ),
            }
        }
    }

    fn owner_id(&mut self, id: &IdRef, ids: &[&str]) {
        if !ids.contains(&id.value.as_str()) {
            self.unknown("unknown-owner", "team member", id, ids);
        }
    }

    fn cite_all(&mut self, refs: &'a [IdRef]) {
        let ids: Vec<&str> = self
            .s
            .references
            .iter()
            .map(|r| r.id.value.as_str())
            .collect();
        for r in refs {
            if ids.contains(&r.value.as_str()) {
                self.cited.insert(&r.value);
            } else {
                self.unknown("unknown-reference", "reference", r, &ids);
            }
        }
    }

    fn unknown(&mut self, code: &'static str, kind: &str, id: &IdRef, known: &[&str]) {
        let hint = did_you_mean(&id.value, known.iter().copied()).or_else(|| {
            if known.is_empty() {
                Some(format!("no {kind} is defined"))
            } else {
                None
            }
        });
        self.diags.push(
            Diagnostic::error(code, id.span, format!("unknown {kind} {:?}", id.value))
                .with_hint_opt(hint),
        );
    }

    fn links(&mut self) {
        let s = self.s;
        let mut urls: Vec<(&str, Span)> = Vec::new();
        let push_blocks = |blocks: &'a [Block], urls: &mut Vec<(&'a str, Span)>| {
            Block::for_each_link(blocks, &mut |url, span| urls.push((url, span)));
        };
        for note in &s.general_notes {
            push_blocks(note, &mut urls);
        }
        for reason in &s.reasons {
            push_blocks(&reason.body, &mut urls);
        }
        for part in &s.parts {
            push_blocks(&part.body, &mut urls);
            for point in &part.points {
                point
                    .topic
                    .walk(&mut |t, _| push_blocks(&t.body, &mut urls));
            }
            for topic in &part.topics {
                topic.walk(&mut |t, _| push_blocks(&t.body, &mut urls));
            }
        }
        for reference in &s.references {
            if let Some(url) = &reference.url {
                urls.push((&url.value, url.span));
            }
        }
        let link_urls = s
            .links
            .iter()
            .chain(s.related.iter().flat_map(|r| r.links.iter()))
            .filter_map(|l| l.url.as_ref());
        for url in link_urls.chain(s.related.iter().filter_map(|r| r.url.as_ref())) {
            urls.push((&url.value, url.span));
        }
        for (url, span) in urls {
            if let Err(why) = check_link(url) {
                self.diags.push(
                    Diagnostic::error("link-scheme", span, format!("link {url:?} {why}"))
                        .with_hint("links may be http:, https:, mailto: or a relative path"),
                );
            }
        }
    }

    fn unused_references(&mut self) {
        for reference in &self.s.references {
            if !self.cited.contains(reference.id.value.as_str()) {
                self.diags.push(
                    Diagnostic::warning(
                        "unused-reference",
                        reference.id.span,
                        format!("reference {:?} is never cited", reference.id.value),
                    )
                    .with_hint("cite it from a revision point, topic or reason, or remove it"),
                );
            }
        }
    }
}

fn reversed(range: &PageRange) -> bool {
    range.end.is_some_and(|end| end < range.start)
}

fn show_range(range: &PageRange) -> String {
    match range.end {
        Some(end) if end == range.start => format!("p.{}", range.start),
        Some(end) => format!("p.{}-{}", range.start, end),
        None => format!("p.{}-", range.start),
    }
}

pub use crate::model::check_link;

/// Internal links (`[text](#id)`) whose target is not an anchor of the document: an error
/// each, where the link was written.
pub fn anchors(view: &crate::view::DocumentView) -> Vec<Diagnostic> {
    // Hints compare with every anchor: only for the first few, so cost stays linear.
    const HINTED: usize = 20;
    let known: Vec<&str> = view.anchors().iter().map(|a| a.id.as_str()).collect();
    view.unresolved_links
        .iter()
        .enumerate()
        .map(|(i, (url, span))| {
            let target = url.trim().trim_start_matches('#');
            let hint = (i < HINTED)
                .then(|| did_you_mean(target, known.iter().copied()))
                .flatten()
                .unwrap_or_else(|| {
                    "link to a revision point or topic id (#id), or to _part-<id>, \
                     _reason-<id> or _ref-<id>"
                        .to_string()
                });
            Diagnostic::error(
                "unknown-anchor",
                *span,
                format!("link {url:?} names no place in this document"),
            )
            .with_hint(hint)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::check_link;

    #[test]
    fn only_safe_link_schemes_pass() {
        // Intent: http(s), mailto and relative paths pass; script and file schemes do not.
        for ok in [
            "https://a.jp/x",
            "http://a",
            "mailto:a@b.jp",
            "doc.pdf",
            "a/b:c",
            "#x",
            "Sec01.html",
        ] {
            assert!(check_link(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "file:///etc/passwd",
            "data:text/html,x",
            "//evil.example",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }
}
