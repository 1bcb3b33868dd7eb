//! From a map to a manuscript: the central topic is the supplement; first-level topics are
//! its own sections (history, purpose, reasons, general notes, references, forms, team,
//! floating topics) when their titles say so, and parts otherwise; deeper topics are
//! revision points when they carry a 改訂箇所 line (in the title, the note, a child topic
//! or the map's own attributes) and topics otherwise. Conventions become typed fields;
//! everything else is kept verbatim as titles and notes. Every node is counted and its
//! destination recorded; what could not be typed is a warning with the node's path.

use std::collections::{HashMap, HashSet};

use super::manuscript::*;
use super::read::MapNode;
use super::recognise::{Line, Place, Recogniser};
use super::text::markdown;

/// Where a node went.
#[derive(Debug, Clone)]
pub struct Placement {
    /// The node's path in the map (titles from the central topic).
    pub path: String,
    /// What it became (`revision points`, `topics`…).
    pub kind: &'static str,
    /// Where it went in the manuscript.
    pub destination: String,
}

/// The manuscript made from a map, with the account of every node.
pub struct Converted {
    /// The manuscript.
    pub manuscript: Manuscript,
    /// Every node and where it went, in map order.
    pub placements: Vec<Placement>,
    /// What could not be typed, with the node's path.
    pub warnings: Vec<String>,
}

/// Section kinds of the first level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Branch {
    /// 改訂履歴.
    History,
    /// 改訂の趣旨 (reasons and general notes inside).
    Purpose,
    /// 改訂理由.
    Reasons,
    /// 全般.
    General,
    /// 参考文献.
    References,
    /// 公開形式・関連資料 / リンク.
    Links,
    /// 関連資料 (inside the forms).
    Related,
    /// 担当者.
    Team,
    /// フローティングトピック.
    Floating,
    /// 改訂箇所一覧 (a table of the points: its children are parts' points).
    Points,
}

/// Converts a map; `stem` names the supplement when the map does not.
pub fn convert(root: &MapNode, stem: &str) -> Converted {
    let language = if has_japanese(root) { "ja" } else { "en" };
    let r = Recogniser::new(language);
    let mut c = Converter {
        r: &r,
        m: Manuscript::default(),
        placements: Vec::new(),
        warnings: Vec::new(),
        ids: HashSet::new(),
        kind_ids: HashMap::new(),
        members: HashMap::new(),
        citations: HashMap::new(),
        reason_titles: HashMap::new(),
        point_titles: Vec::new(),
        pending_parents: Vec::new(),
        sections: Vec::new(),
    };
    c.run(root, stem);
    Converted {
        manuscript: c.m,
        placements: c.placements,
        warnings: c.warnings,
    }
}

struct Converter<'r> {
    r: &'r Recogniser,
    m: Manuscript,
    placements: Vec<Placement>,
    warnings: Vec<String>,
    /// Point and topic ids given (one anchor namespace).
    ids: HashSet<String>,
    /// Ids of parts, reasons and references given, by kind.
    kind_ids: HashMap<String, HashSet<String>>,
    /// Team members by name.
    members: HashMap<String, String>,
    /// References by citation text.
    citations: HashMap<String, String>,
    /// Reasons by title.
    reason_titles: HashMap<String, String>,
    /// (title, id) of every point, for parent lines.
    point_titles: Vec<(String, String)>,
    /// (point id, parent title, inferred, path) to resolve once every point is known.
    pending_parents: Vec<(String, String, bool, String)>,
    /// Sections: (label, part id, section index in m.sections).
    sections: Vec<(String, String, usize)>,
}

/// A node's note split into its typed header lines and its body text.
struct Note {
    lines: Vec<Line>,
    body: String,
}

impl<'r> Converter<'r> {
    fn place(&mut self, path: &str, kind: &'static str, destination: impl Into<String>) {
        self.placements.push(Placement {
            path: path.to_string(),
            kind,
            destination: destination.into(),
        });
    }

    fn warn(&mut self, path: &str, message: impl std::fmt::Display) {
        self.warnings.push(format!("{path}: {message}"));
    }

    fn path(parent: &str, node: &MapNode) -> String {
        let mut t: String = node.text.replace('\n', " ").chars().take(40).collect();
        if node.text.chars().count() > 40 {
            t.push('…');
        }
        if t.trim().is_empty() {
            t = "(empty)".into();
        }
        if parent.is_empty() {
            t
        } else {
            format!("{parent} / {t}")
        }
    }

    /// Text safe for a manuscript: characters XML 1.0 forbids are dropped (with a warning).
    fn clean(&mut self, path: &str, text: &str) -> String {
        let kept: String = text
            .chars()
            .filter(|&c| crate::model::xml_allowed(c))
            .collect();
        if kept.len() != text.len() {
            self.warn(path, "control characters were removed from the text");
        }
        kept.replace("\r\n", "\n").replace('\r', "\n")
    }

    fn unique(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 1;
        while self.ids.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.ids.insert(id.clone());
        id
    }

    fn unique_in(&mut self, kind: &str, base: &str) -> String {
        let set = self.kind_ids.entry(kind.to_string()).or_default();
        let mut id = base.to_string();
        let mut n = 1;
        while set.contains(&id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        set.insert(id.clone());
        id
    }

    /// The manuscript id a map node id stands for (`ID_<id>` as this program writes it),
    /// when it is one and is free.
    fn own_id(&mut self, node: &MapNode, strip: &str) -> Option<String> {
        let raw = node.id.as_deref()?.strip_prefix("ID_")?;
        let raw = raw.strip_prefix(strip).unwrap_or(raw);
        // Points and topics share the anchors' namespace; parts, reasons and references
        // each have their own.
        let set = if strip.is_empty() {
            &mut self.ids
        } else {
            self.kind_ids.entry(strip.to_string()).or_default()
        };
        if !valid_id(raw) || set.contains(raw) {
            return None;
        }
        set.insert(raw.to_string());
        Some(raw.to_string())
    }

    /// The note's leading typed lines (of its first paragraph) and the rest as its body.
    fn split_note(&mut self, path: &str, node: &MapNode) -> Note {
        let note = self.clean(path, &node.note);
        let (first, rest) = match note.split_once("\n\n") {
            Some((f, r)) => (f, Some(r)),
            None => (note.as_str(), None),
        };
        let mut lines = Vec::new();
        let mut body_lines: Vec<&str> = Vec::new();
        for l in first.lines() {
            if body_lines.is_empty() {
                if l.trim().is_empty() {
                    continue;
                }
                if let Some(line) = self.r.line(l.trim()) {
                    lines.push(line);
                    continue;
                }
            }
            body_lines.push(l);
        }
        let mut body = body_lines.join("\n");
        if let Some(rest) = rest {
            if !body.is_empty() {
                body.push_str("\n\n");
            }
            body.push_str(rest);
        }
        Note { lines, body }
    }

    /// A body: the note's text as literal Markdown, with the node's link after it.
    fn body(&mut self, path: &str, text: &str, link: Option<&str>) -> Option<String> {
        let mut out = markdown(text.trim());
        if let Some(link) = link.map(str::trim).filter(|l| !l.is_empty()) {
            if !out.is_empty() {
                out.push_str("\n\n");
            }
            let usable = !link.starts_with('#')
                && !link.contains(['<', '>', '\n'])
                && crate::model::check_link(link).is_ok();
            if usable {
                out.push_str(&format!("[{}](<{link}>)", markdown(link)));
            } else {
                if !link.starts_with('#') {
                    self.warn(
                        path,
                        format!(
                            "its link {link:?} is refused by the manuscript rules: kept as text"
                        ),
                    );
                }
                out.push_str(&markdown(link));
            }
        }
        (!out.trim().is_empty()).then_some(out)
    }

    /// Owners from a text such as 伊藤⇒中山、早出: manuscript owner expressions.
    fn owners(&mut self, path: &str, text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for o in self.r.split_owners(text) {
            match o {
                super::recognise::Owner::Unassigned => out.push("?".to_string()),
                super::recognise::Owner::Member(name) => out.push(self.member(&name, false)),
                super::recognise::Owner::Handover(from, to, dropped) => {
                    if dropped {
                        self.warn(
                            path,
                            format!("the hand-over {text:?} has more than two owners: only the first and the last are kept"),
                        );
                    }
                    let from = self.member(&from, false);
                    let to = self.member(&to, false);
                    out.push(format!("{from} -> {to}"));
                }
            }
        }
        out
    }

    fn member(&mut self, name: &str, group: bool) -> String {
        if let Some(id) = self.members.get(name) {
            return id.clone();
        }
        let base = ascii_id(name).unwrap_or_else(|| format!("member-{}", self.m.team.len() + 1));
        let mut id = base.clone();
        let mut n = 1;
        while self.m.team.iter().any(|t| t.id == id) {
            n += 1;
            id = format!("{base}-{n}");
        }
        self.m.team.push(Member {
            id: id.clone(),
            name: name.to_string(),
            group,
        });
        self.members.insert(name.to_string(), id.clone());
        id
    }

    fn reference(&mut self, citation: &str) -> String {
        if let Some(id) = self.citations.get(citation) {
            return id.clone();
        }
        let mut r = self.r.citation(citation);
        r.id = format!("ref-{}", self.m.references.len() + 1);
        while self.m.references.iter().any(|x| x.id == r.id) {
            r.id.push('x');
        }
        let id = r.id.clone();
        self.citations.insert(citation.to_string(), id.clone());
        self.m.references.push(r);
        id
    }

    // ---- the whole map ----------------------------------------------------------------

    fn run(&mut self, root: &MapNode, stem: &str) {
        let path = Self::path("", root);
        let title = self.clean(&path, &root.text);
        self.m.id = if valid_id(stem) {
            stem.to_string()
        } else {
            "imported".to_string()
        };
        self.m.title = if title.trim().is_empty() {
            self.warn(
                &path,
                "the central topic has no text: the supplement is titled with the file name",
            );
            stem.to_string()
        } else {
            title.trim().to_string()
        };
        self.m.language = if has_japanese(root) { "ja" } else { "en" }.to_string();
        self.place(
            &path,
            "the supplement",
            "supplement.toml [supplement] title",
        );
        let note = self.split_note(&path, root);
        for line in note.lines {
            self.root_line(&path, line);
        }
        if !note.body.trim().is_empty() {
            let b = markdown(note.body.trim());
            self.m.general_notes.push(b);
        }
        if self.m.book.title.is_empty() {
            self.warn(&path, "the map does not name the base book: [base_book] in supplement.toml repeats the supplement's title until you fill it in");
            self.m.book.title = self.m.title.clone();
        }

        // Branches that others refer to come first: team, references, reasons.
        let kinds: Vec<Option<Branch>> = root
            .children
            .iter()
            .map(|c| self.r.branch(&c.text))
            .collect();
        let order = [
            Some(Branch::Team),
            Some(Branch::References),
            Some(Branch::Purpose),
            Some(Branch::Reasons),
        ];
        let mut done = vec![false; root.children.len()];
        for want in order {
            for (i, child) in root.children.iter().enumerate() {
                if kinds[i] == want && !done[i] {
                    done[i] = true;
                    self.branch(&path, child, want.unwrap_or(Branch::General));
                }
            }
        }
        for (i, child) in root.children.iter().enumerate() {
            if done[i] {
                continue;
            }
            match kinds[i] {
                Some(kind) => self.branch(&path, child, kind),
                None => self.part(&path, child),
            }
        }
        self.resolve_parents();
        self.finish_sections();
        self.m.history.sort_by(|a, b| b.date.cmp(&a.date));
        if self.m.parts.is_empty() {
            self.warn(&path, "the map has no part (no first-level topic besides the supplement's own sections): an empty part is made so that the manuscript loads");
            self.m.parts.push(Part {
                id: "part-1".into(),
                label: self.m.title.clone(),
                title: self.m.title.clone(),
                ..Part::default()
            });
        }
    }

    fn root_line(&mut self, path: &str, line: Line) {
        match line {
            Line::Field(key, value) => match key.as_str() {
                "title" => self.m.subtitle = Some(value),
                "base_book" => self.m.book = self.r.book(&value),
                "audience" => self.m.audience = self.r.split_list(&value),
                "edition" => self.m.edition = Some(value),
                "date" => match self.r.date(&value) {
                    Some(d) => self.m.date = Some(d),
                    None => self.warn(path, format!("the date {value:?} is not one import reads")),
                },
                "author" => self.m.author = Some(value),
                _ => {
                    let t = self.r.field_text(&key, &value);
                    self.m.general_notes.push(markdown(&t));
                }
            },
            other => {
                let t = self.r.line_text(&other);
                self.m.general_notes.push(markdown(&t));
            }
        }
    }

    // ---- the supplement's own sections ------------------------------------------------

    fn branch(&mut self, parent: &str, node: &MapNode, kind: Branch) {
        let path = Self::path(parent, node);
        self.place(
            &path,
            "section headings",
            format!("{} (a section heading)", branch_file(kind)),
        );
        let note = self.split_note(&path, node);
        if !note.body.trim().is_empty() || !note.lines.is_empty() {
            let mut text = note
                .lines
                .iter()
                .map(|l| self.r.line_text(l))
                .collect::<Vec<_>>()
                .join("\n");
            if !note.body.trim().is_empty() {
                if !text.is_empty() {
                    text.push_str("\n\n");
                }
                text.push_str(note.body.trim());
            }
            self.m.general_notes.push(markdown(&text));
            self.warn(
                &path,
                "the section heading's note is kept as a general note",
            );
        }
        for child in &node.children {
            let cpath = Self::path(&path, child);
            match kind {
                Branch::History => self.history(&cpath, child),
                Branch::Purpose => match self.r.branch(&child.text) {
                    Some(k) => self.branch(&path, child, k),
                    None => self.general(&cpath, child),
                },
                Branch::Reasons => self.reason(&cpath, child),
                Branch::General => self.general(&cpath, child),
                Branch::References => self.reference_node(&cpath, child),
                Branch::Links => match self.r.branch(&child.text) {
                    Some(Branch::Related) => self.branch(&path, child, Branch::Related),
                    _ => {
                        let link = self.link(&cpath, child);
                        self.m.links.push(link);
                    }
                },
                Branch::Related => self.related(&cpath, child),
                Branch::Team => {
                    let text = self.clean(&cpath, &child.text);
                    let (name, group) = self.r.group(text.trim());
                    let id = self.member(&name, group);
                    if let Some(m) = self.m.team.iter_mut().find(|m| m.id == id) {
                        m.group |= group;
                    }
                    self.place(
                        &cpath,
                        "team members",
                        format!("supplement.toml team member {id}"),
                    );
                    self.rest_as_notes(&cpath, child, "team member");
                }
                Branch::Floating => self.floating(&cpath, child),
                Branch::Points => self.part(&path, child),
            }
        }
    }

    /// A node's note and children that a kind of entry cannot hold: general notes.
    fn rest_as_notes(&mut self, path: &str, node: &MapNode, what: &str) {
        let mut text = self.clean(path, &node.note);
        let mut stack: Vec<(&MapNode, usize, String)> = node
            .children
            .iter()
            .rev()
            .map(|c| (c, 0, Self::path(path, c)))
            .collect();
        while let Some((c, depth, cpath)) = stack.pop() {
            let line = format!("{}- {}", "  ".repeat(depth), c.text.replace('\n', " "));
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&line);
            self.place(
                &cpath,
                "general notes",
                format!("supplement.toml general note (under a {what})"),
            );
            for g in c.children.iter().rev() {
                stack.push((g, depth + 1, Self::path(&cpath, g)));
            }
        }
        if !text.trim().is_empty() {
            let t = self.clean(path, &text);
            self.m.general_notes.push(markdown(&t));
            self.warn(
                path,
                format!("a {what} holds no note or sub-topics: they are kept as a general note"),
            );
        }
    }

    fn history(&mut self, path: &str, node: &MapNode) {
        let text = self.clean(path, node.text.trim());
        match self.r.history(&text) {
            Some((date, summary)) => {
                self.place(
                    path,
                    "history entries",
                    format!("supplement.toml history {date}"),
                );
                self.m.history.push(History { date, summary });
                self.rest_as_notes(path, node, "history entry");
            }
            None => {
                self.warn(
                    path,
                    "no date import reads in this history entry: it is kept as a general note",
                );
                self.place(path, "general notes", "supplement.toml general note");
                self.m.general_notes.push(markdown(&text));
                self.rest_as_notes(path, node, "history entry");
            }
        }
    }

    fn general(&mut self, path: &str, node: &MapNode) {
        let mut text = self.clean(path, node.text.trim());
        let note = self.clean(path, node.note.trim());
        if !note.is_empty() {
            text.push_str("\n\n");
            text.push_str(&note);
        }
        self.place(path, "general notes", "supplement.toml general note");
        let mut md = markdown(&text);
        if let Some(link) = node.link.as_deref() {
            if let Some(b) = self.body(path, "", Some(link)) {
                md.push_str("\n\n");
                md.push_str(&b);
            }
        }
        self.m.general_notes.push(md);
        for c in &node.children {
            let cpath = Self::path(path, c);
            self.general(&cpath, c);
        }
    }

    fn reason(&mut self, path: &str, node: &MapNode) {
        let title = self.clean(path, node.text.trim());
        let id = self.own_id(node, "_reason-").unwrap_or_else(|| {
            self.unique_in("_reason-", &format!("reason-{}", self.m.reasons.len() + 1))
        });
        self.place(path, "reasons", format!("supplement.toml reason {id}"));
        let note = self.split_note(path, node);
        let mut reason = Reason {
            id: id.clone(),
            title: title.clone(),
            ..Reason::default()
        };
        for line in note.lines {
            match line {
                Line::Field(k, v) if k == "references" => {
                    reason.references.push(self.reference(&v))
                }
                other => {
                    let t = self.r.line_text(&other);
                    reason.body_lines.push(t);
                }
            }
        }
        let mut body_text = reason.body_lines.join("\n");
        if !note.body.trim().is_empty() {
            if !body_text.is_empty() {
                body_text.push_str("\n\n");
            }
            body_text.push_str(note.body.trim());
        }
        reason.body = self.body(path, &body_text, node.link.as_deref());
        for child in &node.children {
            let cpath = Self::path(path, child);
            let text = self.clean(&cpath, child.text.trim());
            let (t, n) = self.r.item(&text);
            let mut item = ReasonItem {
                title: t,
                note: n,
                references: Vec::new(),
            };
            let cnote = self.split_note(&cpath, child);
            for line in cnote.lines {
                if let Line::Field(k, v) = &line {
                    if k == "references" {
                        item.references.push(self.reference(v));
                        continue;
                    }
                }
                let t = self.r.line_text(&line);
                item.note = Some(join_note(item.note.take(), &t));
            }
            if !cnote.body.trim().is_empty() {
                item.note = Some(join_note(item.note.take(), cnote.body.trim()));
            }
            self.place(
                &cpath,
                "reason items",
                format!("supplement.toml reason {id} item"),
            );
            // Sub-topics of an item are its note, as the plan writes them.
            let mut stack: Vec<(&MapNode, String)> = child
                .children
                .iter()
                .rev()
                .map(|g| (g, Self::path(&cpath, g)))
                .collect();
            while let Some((g, gpath)) = stack.pop() {
                let t = self.clean(&gpath, g.text.trim());
                item.note = Some(join_note(item.note.take(), &t));
                self.place(
                    &gpath,
                    "reason item notes",
                    format!("supplement.toml reason {id} item note"),
                );
                for x in g.children.iter().rev() {
                    stack.push((x, Self::path(&gpath, x)));
                }
            }
            reason.items.push(item);
        }
        self.reason_titles.insert(title, id);
        self.m.reasons.push(reason);
    }

    fn reference_node(&mut self, path: &str, node: &MapNode) {
        let text = self.clean(path, node.text.trim());
        let mut r = self.r.citation(&text);
        r.id = self
            .own_id(node, "_ref-")
            .unwrap_or_else(|| format!("ref-{}", self.m.references.len() + 1));
        while self.m.references.iter().any(|x| x.id == r.id) {
            r.id.push('x');
        }
        if let Some(link) = node
            .link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if is_address(link) && crate::model::check_link(link).is_ok() {
                r.url = Some(link.to_string());
            } else {
                r.file = Some(link.to_string());
            }
        }
        let note = self.split_note(path, node);
        for line in note.lines {
            match line {
                Line::Field(k, v) if k == "file" => r.file = Some(v),
                Line::Note(n) => r.note = Some(join_note(r.note.take(), &n)),
                other => {
                    let t = self.r.line_text(&other);
                    r.note = Some(join_note(r.note.take(), &t));
                }
            }
        }
        if !note.body.trim().is_empty() {
            r.note = Some(join_note(r.note.take(), note.body.trim()));
        }
        self.place(
            path,
            "references",
            format!("references.toml reference {}", r.id),
        );
        self.citations.insert(text, r.id.clone());
        let id = r.id.clone();
        self.m.references.push(r);
        if !node.children.is_empty() {
            self.rest_as_notes(
                path,
                &MapNode {
                    children: node.children.clone(),
                    ..MapNode::default()
                },
                &format!("reference {id}"),
            );
        }
    }

    fn link(&mut self, path: &str, node: &MapNode) -> Link {
        let label = self.clean(path, node.text.trim());
        let mut link = Link {
            label,
            ..Link::default()
        };
        if let Some(l) = node
            .link
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            if is_address(l) && crate::model::check_link(l).is_ok() {
                link.url = Some(l.to_string());
            } else if crate::model::check_link(l).is_ok() {
                link.file = Some(l.to_string());
            } else {
                self.warn(
                    path,
                    format!("its link {l:?} is refused by the manuscript rules"),
                );
            }
        }
        let note = self.split_note(path, node);
        for line in note.lines {
            if let Line::Field(k, v) = &line {
                if k == "file" {
                    link.file = Some(v.clone());
                    continue;
                }
            }
            let t = self.r.line_text(&line);
            self.warn(
                path,
                format!("a published form holds no note: {t:?} is dropped into its label"),
            );
            link.label = format!("{} {t}", link.label);
        }
        if !note.body.trim().is_empty() {
            link.label = format!("{} {}", link.label, note.body.trim().replace('\n', " "));
            self.warn(
                path,
                "a published form holds no note: its note is added to its label",
            );
        }
        self.place(path, "published forms", "supplement.toml link");
        if !node.children.is_empty() {
            self.rest_as_notes(
                path,
                &MapNode {
                    children: node.children.clone(),
                    ..MapNode::default()
                },
                "published form",
            );
        }
        link
    }

    fn related(&mut self, path: &str, node: &MapNode) {
        let title = self.clean(path, node.text.trim());
        let id = format!("related-{}", self.m.related.len() + 1);
        let url = node
            .link
            .as_deref()
            .map(str::trim)
            .filter(|l| is_address(l) && crate::model::check_link(l).is_ok())
            .map(str::to_string);
        self.place(
            path,
            "related material",
            format!("supplement.toml related {id}"),
        );
        let mut links = Vec::new();
        for child in &node.children {
            let cpath = Self::path(path, child);
            links.push(self.link(&cpath, child));
        }
        self.m.related.push(Related {
            id,
            title,
            url,
            links,
        });
    }

    fn floating(&mut self, path: &str, node: &MapNode) {
        let text = self.clean(path, node.text.trim());
        let title = (!text.is_empty() && !self.r.is_untitled(&text)).then_some(text);
        let mut f = Floating {
            title,
            priority: node.priority,
            markers: self.markers(path, node),
            note: None,
        };
        let note = self.split_note(path, node);
        for line in note.lines {
            match line {
                Line::Note(n) => f.note = Some(join_note(f.note.take(), &n)),
                Line::Priority(p) => f.priority = Some(p),
                Line::Marker(m) => f.markers.push(m),
                other => {
                    let t = self.r.line_text(&other);
                    f.note = Some(join_note(f.note.take(), &t));
                }
            }
        }
        if !note.body.trim().is_empty() {
            f.note = Some(join_note(f.note.take(), note.body.trim()));
        }
        self.place(path, "floating topics", "supplement.toml floating topic");
        self.m.floating.push(f);
        for child in &node.children {
            let cpath = Self::path(path, child);
            self.floating(&cpath, child);
        }
    }

    fn markers(&mut self, path: &str, node: &MapNode) -> Vec<String> {
        let mut out = node.markers.clone();
        for icon in &node.unknown_icons {
            self.warn(
                path,
                format!("the icon {icon:?} is not one import knows: kept as the marker {icon:?}"),
            );
            out.push(icon.clone());
        }
        out
    }

    // ---- parts, revision points, topics -----------------------------------------------

    fn part(&mut self, parent: &str, node: &MapNode) {
        let path = Self::path(parent, node);
        let text = self.clean(&path, node.text.trim());
        let (text, owners_text) = self.r.take_owners(&text);
        let id = self.own_id(node, "_part-").unwrap_or_else(|| {
            self.unique_in("_part-", &format!("part-{}", self.m.parts.len() + 1))
        });
        let (label, title, plan_heading) = self.r.part_heading(&text);
        let mut part = Part {
            id: id.clone(),
            label,
            title,
            plan_heading,
            ..Part::default()
        };
        let file = part_file(self.m.parts.len(), &id);
        self.place(&path, "parts", format!("{file} [part] {id}"));
        if let Some(o) = owners_text {
            part.owners = self.owners(&path, &o);
        }
        for (name, value) in &node.attributes {
            if self.r.field_key(name).as_deref() == Some("owners") {
                let o = self.owners(&path, value);
                extend_unique(&mut part.owners, o);
            } else {
                part.notes.push(format!("{name}: {value}"));
            }
        }
        let note = self.split_note(&path, node);
        for line in note.lines {
            match line {
                Line::Owners(o) => {
                    let o = self.owners(&path, &o);
                    extend_unique(&mut part.owners, o);
                }
                Line::Field(k, v) if k == "plan_heading" => part.plan_heading = Some(v),
                Line::Note(n) => part.notes.push(n),
                other => {
                    let t = self.r.line_text(&other);
                    part.notes.push(t);
                }
            }
        }
        part.body = self.body(&path, &note.body, node.link.as_deref());
        let mut ctx = PartCtx {
            file,
            part_id: id,
            points: Vec::new(),
            topics: Vec::new(),
        };
        for child in &node.children {
            let cpath = Self::path(&path, child);
            if let Some(o) = self.owner_node(child) {
                let o = self.owners(&cpath, &o);
                extend_unique(&mut part.owners, o);
                self.place(
                    &cpath,
                    "owners",
                    format!("{} owners of part {}", ctx.file, ctx.part_id),
                );
                continue;
            }
            if let Some(topic) = self.node(&cpath, child, &mut ctx, None, 1) {
                ctx.topics.push(topic);
            }
        }
        part.points = ctx.points;
        part.topics = ctx.topics;
        self.m.parts.push(part);
    }

    /// The owners a node stands for when all it says is 【担当：…】.
    fn owner_node(&self, node: &MapNode) -> Option<String> {
        if !node.children.is_empty() || !node.note.trim().is_empty() {
            return None;
        }
        match self.r.line(node.text.trim())? {
            Line::Owners(o) => Some(o),
            _ => None,
        }
    }

    /// A node under a part, a point or a topic: a revision point (added to the part, with
    /// `parent` when under another point), or a topic (returned, for its owner).
    fn node(
        &mut self,
        path: &str,
        node: &MapNode,
        ctx: &mut PartCtx,
        point: Option<&str>,
        depth: usize,
    ) -> Option<Topic> {
        let text = self.clean(path, node.text.trim());
        let (text, title_owners) = self.r.take_owners(&text);
        let note = self.split_note(path, node);
        // The place: the title itself, a line of the note, a child topic, or attributes.
        let mut place: Option<Place> = None;
        let mut title = Some(text.clone());
        if let Some(Line::Place(p)) = self.r.line(&text) {
            place = Some(p);
            title = None;
        }
        if place.is_none() {
            place = note.lines.iter().find_map(|l| match l {
                Line::Place(p) => Some(p.clone()),
                _ => None,
            });
        }
        let mut consumed = vec![false; node.children.len()];
        if place.is_none() {
            for (i, c) in node.children.iter().enumerate() {
                if c.children.is_empty() {
                    if let Some(Line::Place(p)) = self.r.line(c.text.trim()) {
                        place = Some(p);
                        consumed[i] = true;
                        let cpath = Self::path(path, c);
                        self.place(
                            &cpath,
                            "places of revision points",
                            format!("{} place of the revision point above", ctx.file),
                        );
                        if !c.note.trim().is_empty() {
                            self.warn(&cpath, "the note of a place-line topic is not kept apart: it joins the revision point's body");
                        }
                        break;
                    }
                }
            }
        }
        if place.is_none() {
            place = self.r.place_from_attributes(&node.attributes);
        }
        let place = place.filter(|p| {
            if p.targets.is_empty() {
                self.warn(
                    path,
                    "its place line names no section: it is kept as a topic",
                );
                false
            } else {
                true
            }
        });

        let mut owners = Vec::new();
        if let Some(o) = title_owners {
            owners = self.owners(path, &o);
        }
        for o in node.owners.clone() {
            let o = self.owners(path, &o);
            extend_unique(&mut owners, o);
        }
        let mut extra_notes: Vec<String> = Vec::new();
        let mut status = None;
        for (name, value) in &node.attributes {
            match self.r.field_key(name).as_deref() {
                Some("owners") => {
                    let o = self.owners(path, value);
                    extend_unique(&mut owners, o);
                }
                Some("status") => status = self.r.status(value),
                Some("target" | "pages" | "action") if place.is_some() => {}
                _ => extra_notes.push(format!("{name}: {value}")),
            }
        }
        let mut t = Topic {
            title: text.clone(),
            priority: node.priority,
            markers: self.markers(path, node),
            owners,
            ..Topic::default()
        };
        let mut reasons = Vec::new();
        let mut parent_line = None;
        for line in note.lines {
            match line {
                Line::Place(_) => {}
                Line::Owners(o) => {
                    let o = self.owners(path, &o);
                    extend_unique(&mut t.owners, o);
                }
                Line::Note(n) => t.notes.push(n),
                Line::Priority(p) => t.priority = Some(p),
                Line::Marker(m) => t.markers.push(m),
                Line::Status(s) => status = Some(s),
                Line::Field(k, v) => match k.as_str() {
                    "before" => t.before = Some(v),
                    "after" => t.after = Some(v),
                    "references" => {
                        let id = self.reference(&v);
                        t.references.push(id);
                    }
                    "reasons" => match self.reason_titles.get(&v) {
                        Some(id) => reasons.push(id.clone()),
                        None => {
                            self.warn(path, format!("the reason {v:?} is not among the map's reasons: kept as a note"));
                            t.notes.push(self.r.field_text(&k, &v));
                        }
                    },
                    "status" => {
                        self.warn(
                            path,
                            format!("the status {v:?} is not one import knows: kept as a note"),
                        );
                        t.notes.push(self.r.field_text(&k, &v));
                    }
                    "parent" => parent_line = Some((v, false)),
                    "parent_inferred" => parent_line = Some((v, true)),
                    _ => t.notes.push(self.r.field_text(&k, &v)),
                },
            }
        }
        t.notes.extend(extra_notes);
        let mut body_text = note.body.clone();
        // Children: owners, the place (consumed above), points, topics.
        let mut children_topics = Vec::new();
        let point_id = if let Some(p) = &place {
            let id = self.own_id(node, "").unwrap_or_else(|| {
                self.unique(&format!("{}-{}", ctx.part_id, ctx.points.len() + 1))
            });
            let sections = self.targets(p, &ctx.part_id);
            let pt = Point {
                id: id.clone(),
                title: title.clone(),
                parent: point.map(str::to_string),
                parent_inferred: false,
                targets: sections,
                pages: p.pages.iter().map(|r| r.to_string()).collect(),
                action: p.action.clone(),
                action_note: p.note.clone(),
                status: status.take(),
                reasons,
                topic: Topic::default(),
            };
            ctx.points.push(pt);
            self.place(
                path,
                "revision points",
                format!("{} revision point {id}", ctx.file),
            );
            if let Some(title) = &title {
                self.point_titles.push((title.clone(), id.clone()));
            }
            if let Some((parent, inferred)) = parent_line.take() {
                self.pending_parents
                    .push((id.clone(), parent, inferred, path.to_string()));
            }
            Some(id)
        } else {
            if let Some(s) = status {
                t.notes.push(self.r.status_text(&s));
                self.warn(
                    path,
                    "a status belongs to a revision point: kept as a note of the topic",
                );
            }
            if !reasons.is_empty() {
                self.warn(
                    path,
                    "reasons belong to a revision point: kept as notes of the topic",
                );
                for r in reasons {
                    let title = self
                        .m
                        .reasons
                        .iter()
                        .find(|x| x.id == r)
                        .map(|x| x.title.clone())
                        .unwrap_or(r);
                    t.notes.push(self.r.field_text("reasons", &title));
                }
            }
            if let Some((p, _)) = parent_line {
                t.notes.push(self.r.field_text("parent", &p));
            }
            let what = match point {
                Some(p) => format!("{} topic under {p}", ctx.file),
                None => format!("{} topic of part {}", ctx.file, ctx.part_id),
            };
            self.place(path, "topics", what);
            None
        };
        let owner = point_id.as_deref().or(point);
        let depth_here = if point_id.is_some() { 0 } else { depth };
        for (i, child) in node.children.iter().enumerate() {
            if consumed[i] {
                continue;
            }
            let cpath = Self::path(path, child);
            if let Some(o) = self.owner_node(child) {
                let o = self.owners(&cpath, &o);
                extend_unique(&mut t.owners, o);
                self.place(
                    &cpath,
                    "owners",
                    format!("{} owners of the topic above", ctx.file),
                );
                continue;
            }
            if depth_here + 1 > MAX_TOPIC_DEPTH {
                // Deeper than the manuscript nests: the rest of the branch is text.
                let mut lines = Vec::new();
                self.flatten(&cpath, child, 0, &mut lines, ctx);
                if !body_text.trim().is_empty() {
                    body_text.push_str("\n\n");
                }
                body_text.push_str(&lines.join("\n"));
                continue;
            }
            if let Some(topic) = self.node(&cpath, child, ctx, owner, depth_here + 1) {
                children_topics.push(topic);
            }
        }
        t.topics = children_topics;
        t.body = self.body(path, &body_text, node.link.as_deref());
        match point_id {
            Some(id) => {
                if let Some(pt) = ctx.points.iter_mut().find(|p| p.id == id) {
                    t.id = None;
                    pt.topic = t;
                }
                None
            }
            None => {
                t.id = self.own_id(node, "");
                Some(t)
            }
        }
    }

    fn flatten(
        &mut self,
        path: &str,
        node: &MapNode,
        depth: usize,
        out: &mut Vec<String>,
        ctx: &PartCtx,
    ) {
        self.warn(path, format!("nested deeper than the manuscript's {MAX_TOPIC_DEPTH} levels: kept as a line of its ancestor's text"));
        self.place(
            path,
            "lines of an ancestor's text",
            format!("{} text of an ancestor topic", ctx.file),
        );
        out.push(format!(
            "{}- {}",
            "  ".repeat(depth),
            node.text.replace('\n', " ")
        ));
        for c in &node.children {
            let cpath = Self::path(path, c);
            self.flatten(&cpath, c, depth + 1, out, ctx);
        }
    }

    /// The section ids of a place's targets (made as needed, in this part for the first
    /// target), with the pages each must hold.
    fn targets(&mut self, p: &Place, part: &str) -> Vec<String> {
        let mut ids = Vec::new();
        for (i, label) in p.targets.iter().enumerate() {
            let found = if i == 0 {
                self.sections
                    .iter()
                    .find(|(l, pt, _)| l == label && pt == part)
            } else {
                self.sections.iter().find(|(l, _, _)| l == label)
            };
            let index = match found {
                Some(&(_, _, index)) => index,
                None => {
                    let base = ascii_id(label)
                        .unwrap_or_else(|| format!("section-{}", self.m.sections.len() + 1));
                    let mut id = base.clone();
                    let mut n = 1;
                    while self.m.sections.iter().any(|s| s.id == id) {
                        n += 1;
                        id = format!("{base}-{n}");
                    }
                    self.m.sections.push(Section {
                        id,
                        label: label.clone(),
                        part: part.to_string(),
                        ranges: Vec::new(),
                    });
                    let index = self.m.sections.len() - 1;
                    self.sections.push((label.clone(), part.to_string(), index));
                    index
                }
            };
            ids.push(self.m.sections[index].id.clone());
        }
        // Pages: one range per target when they pair up, else every range for every target.
        let paired = p.pages.len() == ids.len();
        for (i, id) in ids.iter().enumerate() {
            let ranges: Vec<PageRange> = if paired {
                vec![p.pages[i]]
            } else {
                p.pages.clone()
            };
            if let Some(s) = self.m.sections.iter_mut().find(|s| &s.id == id) {
                s.ranges.extend(ranges);
            }
        }
        ids
    }

    fn finish_sections(&mut self) {
        for s in &mut self.m.sections {
            if s.ranges.is_empty() {
                self.warnings.push(format!(
                    "section {:?}: the map gives it no pages: it spans the whole book (\"1-\") until you set them",
                    s.label
                ));
            }
        }
    }

    fn resolve_parents(&mut self) {
        let pending = std::mem::take(&mut self.pending_parents);
        for (id, title, inferred, path) in pending {
            let Some(parent) = self
                .point_titles
                .iter()
                .find(|(t, _)| *t == title)
                .map(|(_, p)| p.clone())
            else {
                self.warn(
                    &path,
                    format!("its upper revision point {title:?} is not in the map: kept as a note"),
                );
                let note = self.r.field_text("parent", &title);
                if let Some(p) = self
                    .m
                    .parts
                    .iter_mut()
                    .flat_map(|p| p.points.iter_mut())
                    .find(|p| p.id == id)
                {
                    p.topic.notes.push(note);
                }
                continue;
            };
            if parent == id || self.ancestor(&parent, &id) {
                self.warn(
                    &path,
                    format!("its upper revision point {title:?} would make a cycle: not kept"),
                );
                continue;
            }
            if let Some(p) = self
                .m
                .parts
                .iter_mut()
                .flat_map(|p| p.points.iter_mut())
                .find(|p| p.id == id)
            {
                if p.parent.is_none() {
                    p.parent = Some(parent);
                    p.parent_inferred = inferred;
                }
            }
        }
    }

    /// True when `id` is an ancestor of `of` (or `of` itself) through parents.
    fn ancestor(&self, of: &str, id: &str) -> bool {
        let parents: HashMap<&str, &str> = self
            .m
            .parts
            .iter()
            .flat_map(|p| &p.points)
            .filter_map(|p| Some((p.id.as_str(), p.parent.as_deref()?)))
            .collect();
        let mut at = of;
        let mut steps = 0;
        while let Some(&up) = parents.get(at) {
            if up == id {
                return true;
            }
            at = up;
            steps += 1;
            if steps > parents.len() {
                return true;
            }
        }
        false
    }
}

/// The deepest topic nesting a manuscript accepts (`load::MAX_TOPIC_DEPTH`).
const MAX_TOPIC_DEPTH: usize = crate::load::MAX_TOPIC_DEPTH;

struct PartCtx {
    file: String,
    part_id: String,
    points: Vec<Point>,
    topics: Vec<Topic>,
}

fn extend_unique(list: &mut Vec<String>, more: Vec<String>) {
    for m in more {
        if !list.contains(&m) {
            list.push(m);
        }
    }
}

fn join_note(old: Option<String>, more: &str) -> String {
    match old {
        Some(o) if !o.is_empty() => format!("{o}\n{more}"),
        _ => more.to_string(),
    }
}

fn branch_file(kind: Branch) -> &'static str {
    match kind {
        Branch::References => "references.toml",
        Branch::Points => "parts/",
        _ => "supplement.toml",
    }
}

/// The file of the part at `index`.
pub fn part_file(index: usize, id: &str) -> String {
    format!("parts/{:02}-{id}.toml", index + 1)
}

/// A manuscript id: ASCII letters, digits, `.`, `_`, `-`, starting with a letter or digit,
/// at most 128 characters.
pub fn valid_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= crate::load::MAX_ID_LEN
        && s.starts_with(|c: char| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// An id made from a text when it is mostly ASCII (Mission3-17～20 → Mission3-17-20).
fn ascii_id(text: &str) -> Option<String> {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || matches!(c, '.' | '_') {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_matches('-').to_string();
    let ascii = text.chars().filter(char::is_ascii_alphanumeric).count();
    (valid_id(&out) && ascii * 2 >= text.chars().count() && out.len() <= 64).then_some(out)
}

fn is_address(link: &str) -> bool {
    let l = link.trim().to_ascii_lowercase();
    l.starts_with("http://") || l.starts_with("https://") || l.starts_with("mailto:")
}

fn has_japanese(root: &MapNode) -> bool {
    let mut stack = vec![root];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        if n.text
            .chars()
            .any(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}'))
        {
            return true;
        }
        seen += 1;
        if seen > 200 {
            break;
        }
        stack.extend(n.children.iter());
    }
    false
}
