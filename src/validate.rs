//! Validation: every rule a manuscript must satisfy beyond its syntax. Rules collect all
//! problems; none stops at the first. Every rule costs time linear in the manuscript (up
//! to a logarithm): lookups are hashed, overlaps found by a sorted sweep, and each rule
//! reports at most [`MAX_PER_RULE`](crate::diagnostics::MAX_PER_RULE) problems plus a count.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::diagnostics::{did_you_mean, Diagnostic, RuleLimit, Severity};
use crate::model::{Block, IdRef, Located, Owner, PageRange, Span, Supplement, Topic};

/// Checks a loaded supplement and returns every problem found, in source order.
pub fn validate(s: &Supplement) -> Vec<Diagnostic> {
    let mut v = Validator {
        s,
        diags: Vec::new(),
        limit: RuleLimit::default(),
        cited: HashSet::new(),
        on_cycle: HashSet::new(),
    };
    v.duplicate_ids();
    v.sections();
    v.history();
    v.reasons();
    v.parts();
    v.links();
    v.unused_references();
    v.diags.sort_by_key(|d| (d.span.file, d.span.start));
    v.diags.extend(v.limit.summaries());
    v.diags
}

struct Validator<'a> {
    s: &'a Supplement,
    diags: Vec<Diagnostic>,
    /// At most MAX_PER_RULE diagnostics per rule; the rest are counted.
    limit: RuleLimit,
    cited: HashSet<&'a str>,
    /// Ids of the revision points that are their own ancestors.
    on_cycle: HashSet<&'a str>,
}

impl<'a> Validator<'a> {
    fn push(&mut self, d: Diagnostic) {
        self.limit.push(&mut self.diags, d);
    }

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
                    self.push(
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
        let book_pages = s.base_book.pages.as_ref().map_or(0, |p| p.value);
        let part_ids: Vec<&str> = s.parts.iter().map(|p| p.id.value.as_str()).collect();
        let known_parts: HashSet<&str> = part_ids.iter().copied().collect();
        for section in &s.base_book.sections {
            if !known_parts.contains(section.part.value.as_str()) {
                self.unknown(
                    "unknown-part",
                    "part",
                    &section.part,
                    part_ids.iter().copied(),
                );
            }
            self.page_range(&section.pages, book_pages);
            if section.pages.end.is_none() {
                self.push(
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
        self.overlapping_sections();
    }

    /// Every pair of sections that share a page, reported at the one written later. A sweep
    /// over the ranges sorted by first page finds the pairs; once the rule has reported its
    /// limit, the remaining pairs are only counted, so 2,500 sections over one range cost
    /// a sort, not three million diagnostics.
    fn overlapping_sections(&mut self) {
        let sections = &self.s.base_book.sections;
        let mut order: Vec<usize> = (0..sections.len())
            .filter(|&i| !reversed(&sections[i].pages))
            .collect();
        order.sort_by_key(|&i| (sections[i].pages.start, i));
        let end = |i: usize| sections[i].pages.end.unwrap_or(u32::MAX);
        // Sections that started at or before the current one, by (last page, index).
        let mut open: BTreeSet<(u32, usize)> = BTreeSet::new();
        for b in order {
            let start = sections[b].pages.start;
            // Drop the ranges that ended before this one starts.
            open = open.split_off(&(start, 0));
            let mut partners: Vec<usize> = Vec::new();
            if self.limit.has_room("overlapping-sections") {
                partners = open
                    .iter()
                    .take(crate::diagnostics::MAX_PER_RULE)
                    .map(|&(_, a)| a)
                    .collect();
                partners.sort_unstable();
            }
            let shown = partners.len();
            for a in partners {
                let (first, later) = (a.min(b), a.max(b));
                let (first, later) = (&sections[first], &sections[later]);
                self.push(
                    Diagnostic::warning(
                        "overlapping-sections",
                        later.pages.span,
                        format!(
                            "the pages of section {:?} overlap those of {:?}",
                            later.id.value, first.id.value
                        ),
                    )
                    .with_related(first.pages.span, "overlapping range")
                    .with_hint("check the section map against the book"),
                );
            }
            if open.len() > shown {
                self.limit.omit(
                    "overlapping-sections",
                    Severity::Warning,
                    sections[b].pages.span,
                    open.len() - shown,
                );
            }
            open.insert((end(b), b));
        }
    }

    fn page_range(&mut self, range: &PageRange, book_pages: u32) {
        if reversed(range) {
            self.push(
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
            self.push(
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
                self.push(
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
                self.push(
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
        let book_pages = s.base_book.pages.as_ref().map_or(0, |p| p.value);
        let section_ids: Vec<&str> = s
            .base_book
            .sections
            .iter()
            .map(|x| x.id.value.as_str())
            .collect();
        let reason_ids: Vec<&str> = s.reasons.iter().map(|r| r.id.value.as_str()).collect();
        let part_ids: HashSet<&str> = s.parts.iter().map(|p| p.id.value.as_str()).collect();
        let point_ids: Vec<&str> = s.points().map(|p| p.id.value.as_str()).collect();
        self.find_parent_cycles();
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
                    self.push(
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
                            section_ids.iter().copied(),
                        ),
                        Some(section) => {
                            target_ranges.push(section.pages);
                            let section_part_known = part_ids.contains(section.part.value.as_str());
                            if i == 0 && section_part_known && section.part.value != part.id.value {
                                self.push(
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
                        self.push(
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
                        self.unknown(
                            "unknown-reason",
                            "reason",
                            reason,
                            reason_ids.iter().copied(),
                        );
                    }
                }
                if let Some(parent) = &point.parent {
                    if s.point(&parent.value).is_none() {
                        self.unknown(
                            "unknown-parent",
                            "revision point",
                            parent,
                            point_ids.iter().copied(),
                        );
                    } else if self.on_cycle.contains(point.id.value.as_str()) {
                        self.push(
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
                    self.push(
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

    /// Marks every revision point that is its own ancestor. Each point has at most one
    /// parent, so one walk per chain, remembering finished points, finds every cycle in
    /// time linear in the number of points (walking each point's chain separately would be
    /// quadratic in a long chain).
    fn find_parent_cycles(&mut self) {
        #[derive(Clone, Copy, PartialEq)]
        enum Mark {
            OnPath(usize),
            Done,
        }
        let s = self.s;
        let mut marks: HashMap<&'a str, Mark> = HashMap::new();
        for (walk, start) in s.points().enumerate() {
            let mut path: Vec<&'a str> = Vec::new();
            let mut current: Option<&'a str> = Some(start.id.value.as_str());
            while let Some(id) = current {
                match marks.get(id) {
                    Some(Mark::Done) => break,
                    Some(Mark::OnPath(w)) if *w == walk => {
                        // Back at a point of this walk: it and those after it form a cycle.
                        if let Some(at) = path.iter().position(|p| *p == id) {
                            self.on_cycle.extend(path[at..].iter().copied());
                        }
                        break;
                    }
                    _ => {}
                }
                let Some(point) = s.point(id) else { break };
                marks.insert(id, Mark::OnPath(walk));
                path.push(id);
                current = point.parent.as_ref().map(|p| p.value.as_str());
            }
            for id in path {
                marks.insert(id, Mark::Done);
            }
        }
    }

    fn owners(&mut self, owners: &[Owner]) {
        for owner in owners {
            match owner {
                Owner::Member(id) => self.owner_id(id),
                Owner::Handover { from, to } => {
                    self.owner_id(from);
                    self.owner_id(to);
                }
                Owner::Unassigned(span) => self.push(
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

    fn owner_id(&mut self, id: &IdRef) {
        let s = self.s;
        if s.member(&id.value).is_none() {
            let code = "unknown-owner";
            let message = format!("unknown team member {:?}", id.value);
            if !self.limit.has_room(code) {
                self.push(Diagnostic::error(code, id.span, message));
                return;
            }
            let ids: Vec<&str> = s.team.iter().map(|m| m.id.value.as_str()).collect();
            const SHOWN: usize = 20;
            let listed = ids
                .iter()
                .take(SHOWN)
                .map(|i| format!("`{i}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let more = if ids.len() > SHOWN { ", …" } else { "" };
            let hint = match (did_you_mean(&id.value, ids.iter().copied()), ids.is_empty()) {
                (_, true) => "no team member is defined: add a [[team]] entry".to_string(),
                (Some(guess), false) => format!("{guess} the team's ids: {listed}{more}"),
                (None, false) => format!("the team's ids: {listed}{more}"),
            };
            self.push(Diagnostic::error(code, id.span, message).with_hint(hint));
        }
    }

    fn cite_all(&mut self, refs: &'a [IdRef]) {
        let s = self.s;
        for r in refs {
            if s.reference(&r.value).is_some() {
                self.cited.insert(&r.value);
            } else {
                let ids = s.references.iter().map(|r| r.id.value.as_str());
                self.unknown("unknown-reference", "reference", r, ids);
            }
        }
    }

    /// Reports an id that names nothing, with a "did you mean" hint from `known` when the
    /// rule still has room (the search is skipped for diagnostics that would be dropped).
    fn unknown<'k>(
        &mut self,
        code: &'static str,
        kind: &str,
        id: &IdRef,
        known: impl IntoIterator<Item = &'k str>,
    ) {
        let message = format!("unknown {kind} {:?}", id.value);
        if !self.limit.has_room(code) {
            self.push(Diagnostic::error(code, id.span, message));
            return;
        }
        let mut known = known.into_iter().peekable();
        let hint = if known.peek().is_none() {
            Some(format!("no {kind} is defined"))
        } else {
            did_you_mean(&id.value, known)
        };
        self.push(Diagnostic::error(code, id.span, message).with_hint_opt(hint));
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
                self.push(
                    Diagnostic::error("link-scheme", span, format!("link {url:?} {why}"))
                        .with_hint("links may be http:, https:, mailto: or a relative path"),
                );
            }
        }
    }

    fn unused_references(&mut self) {
        for reference in &self.s.references {
            if !self.cited.contains(reference.id.value.as_str()) {
                self.push(
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
        // Intent: http(s), mailto and relative paths pass; script and file schemes, network
        // paths and Windows shares do not, as written or percent-decoded.
        for ok in [
            "https://a.jp/x",
            "http://a",
            "mailto:a@b.jp",
            "doc.pdf",
            "a/b:c",
            "#x",
            "Sec01.html",
            "https://a.jp/%E8%B3%87%E6%96%99.pdf",
            "資料/第1版.pdf",
        ] {
            assert!(check_link(ok).is_ok(), "{ok}");
        }
        for bad in [
            "javascript:alert(1)",
            " JavaScript:x",
            "file:///etc/passwd",
            "data:text/html,x",
            "//evil.example",
            r"\\host\share\x.docx",
            r"\\?\UNC\host\share",
            r"/\host/x",
            r"https:\\host",
            "%5C%5Chost%5Cshare",
            "%2F%2Fhost/x",
            "java%0Ascript:x",
            "＼＼host＼share",
            "file%3A//host/share",
        ] {
            assert!(check_link(bad).is_err(), "{bad}");
        }
    }
}
