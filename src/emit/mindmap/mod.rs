//! The mind-map formats: FreeMind/Freeplane (`mm`), OPML (`opml`), XMind (`xmind`) and
//! MindManager (`mmap`). Each is one writer over one tree, built here from the document
//! view (never the model): the supplement's title at the root; the history, the purpose
//! (reasons and general notes), each part with its revision points and their nested
//! topics, the references, the published forms, the team and the floating topics as its
//! branches, in the view's reading order.
//!
//! A map has a title per node and little else, so each format carries what it can natively
//! (FreeMind attributes and icons, XMind labels and markers, MindManager task resources,
//! priorities and icons) and writes the rest as the first lines of the node's note, in the
//! plan's own conventions (`labels.mindmap`: 改訂箇所：…, 【担当：…】; `labels.field`:
//! 状態：…, 改訂前：…), followed by the body. `supplement import` reads both back.
//!
//! Node ids derive from the view's anchors (themselves from manuscript ids), so the same
//! manuscript always gives the same ids.

pub mod mm;
pub mod mmap;
pub mod opml;
pub mod xmind;

use crate::emit::{EmitError, Emitter, OutputFile, RenderOptions};
use crate::styles::Styles;

/// A mind-map format: one writer over the map built from the view, one file named after
/// the supplement, built only when asked for by name.
pub struct MapEmitter {
    name: &'static str,
    extension: &'static str,
    description: &'static str,
    write: fn(&Map<'_>) -> Result<Vec<u8>, EmitError>,
}

/// FreeMind / Freeplane.
pub static MM: MapEmitter = MapEmitter {
    name: "mm",
    extension: "mm",
    description: "FreeMind / Freeplane mind map (.mm): parts, revision points and topics as nodes",
    write: |map| Ok(mm::render(map).into_bytes()),
};

/// OPML 2.0.
pub static OPML: MapEmitter = MapEmitter {
    name: "opml",
    extension: "opml",
    description: "OPML 2.0 outline with notes (_note), for outliners and mind-map tools",
    write: |map| Ok(opml::render(map).into_bytes()),
};

/// XMind (content.json and content.xml in one package).
pub static XMIND: MapEmitter = MapEmitter {
    name: "xmind",
    extension: "xmind",
    description: "XMind workbook (.xmind): content.json for XMind, content.xml for XMind 8",
    write: xmind::render,
};

/// MindManager (Document.xml in a zip).
pub static MMAP: MapEmitter = MapEmitter {
    name: "mmap",
    extension: "mmap",
    description: "MindManager map (.mmap, experimental): Document.xml in a zip",
    write: |map| zip(&[("Document.xml", mmap::render(map).as_bytes())]),
};

impl Emitter for MapEmitter {
    fn name(&self) -> &str {
        self.name
    }

    fn description(&self) -> &'static str {
        self.description
    }

    fn in_all(&self) -> bool {
        false
    }

    fn render(
        &self,
        view: &DocumentView,
        _styles: &Styles,
        _options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        Ok(vec![OutputFile {
            name: format!("{}.{}", view.id, self.extension),
            bytes: (self.write)(&Map::build(view))?,
        }])
    }
}

use std::collections::HashSet;

use crate::conventions::{Conventions, IconSet};
use crate::emit::markup::escape;
use crate::emit::text;
use crate::labels::fill;
use crate::view::format::field;
use crate::view::{Block, BodyId, DocumentView, Inline, LinkTarget, SectionKind, TopicView};

/// One node of the map.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// Unique in the map; letters, digits, `_`, `-` and `.`, starting with `ID_`.
    pub id: String,
    /// The node's text.
    pub text: String,
    /// The revision point's 改訂箇所 line.
    pub place: Option<String>,
    /// Owners, named.
    pub owners: Vec<String>,
    /// Owners as one text.
    pub owners_text: String,
    /// Typed values a format may hold as attributes: (label, value).
    pub attributes: Vec<(String, String)>,
    /// The status line, for formats without attributes.
    pub status: Option<String>,
    /// Priority marker.
    pub priority: Option<u8>,
    /// Other markers.
    pub markers: Vec<String>,
    /// Further typed lines of the note (plan heading, notes, wording, relations, citations).
    pub lines: Vec<String>,
    /// The body.
    pub body: Option<BodyId>,
    /// An address or file the node links to.
    pub link: Option<String>,
    /// Nodes this one points to (ids).
    pub arrows: Vec<String>,
    /// Children, in order.
    pub children: Vec<Node>,
}

/// What a format holds natively (the rest goes into the note).
#[derive(Debug, Clone, Copy)]
pub struct Native {
    /// Typed attributes (target, pages, action, status, owners).
    pub attributes: bool,
    /// Owners (as labels or task resources).
    pub owners: bool,
    /// Priority and marker icons, in this icon set.
    pub icons: Option<IconSet>,
}

/// The whole map.
pub struct Map<'v> {
    /// The root.
    pub root: Node,
    /// The view it was built from (for bodies and labels).
    pub view: &'v DocumentView,
    /// The icon conventions.
    pub conventions: Conventions,
}

impl<'v> Map<'v> {
    /// The map of a document.
    pub fn build(view: &'v DocumentView) -> Map<'v> {
        let mut b = Builder {
            view,
            used: HashSet::new(),
        };
        let root = b.root();
        Map {
            root,
            view,
            conventions: Conventions::builtin(),
        }
    }

    /// The note's first lines for a format: the place, then what the format cannot hold
    /// natively, then the node's other typed lines.
    pub fn header(&self, node: &Node, native: Native) -> Vec<String> {
        let l = &self.view.labels;
        let mut out = Vec::new();
        out.extend(node.place.clone());
        if !native.owners && !node.owners.is_empty() {
            out.push(fill(&l.mindmap.owners, &[("owners", &node.owners_text)]));
        }
        if !native.attributes {
            out.extend(node.status.clone());
        }
        if let Some(n) = node.priority {
            if native.icons.is_none() {
                out.push(fill(&l.format.priority, &[("n", &n.to_string())]));
            }
        }
        for m in &node.markers {
            let has_icon = native
                .icons
                .is_some_and(|set| self.conventions.marker_icon(m, set).is_some());
            if !has_icon {
                out.push(fill(&l.format.marker, &[("marker", m)]));
            }
        }
        out.extend(node.lines.iter().cloned());
        out
    }

    /// The note as plain text: the header lines, a blank line, the body as text.
    pub fn plain_note(&self, node: &Node, native: Native) -> String {
        let mut parts = Vec::new();
        let header = self.header(node, native);
        if !header.is_empty() {
            parts.push(header.join("\n"));
        }
        let body = text::blocks(self.view.body(node.body));
        if !body.is_empty() {
            parts.push(body);
        }
        parts.join("\n\n")
    }

    /// The note as XHTML elements (the header lines as one paragraph, then the body),
    /// every element name prefixed with `prefix` (`""` or `xhtml:`).
    pub fn html_note(&self, node: &Node, native: Native, prefix: &str) -> String {
        let mut out = String::new();
        let header = self.header(node, native);
        if !header.is_empty() {
            out.push_str(&format!("<{prefix}p>"));
            for (i, line) in header.iter().enumerate() {
                if i > 0 {
                    out.push_str(&format!("<{prefix}br/>"));
                }
                out.push_str(&escape(line));
            }
            out.push_str(&format!("</{prefix}p>"));
        }
        html_blocks(self.view.body(node.body), prefix, &mut out);
        out
    }
}

/// Escapes a value for an XML attribute: line breaks and tabs as character references,
/// so that attribute-value normalisation keeps them.
pub fn attr(s: &str) -> String {
    escape(s)
        .replace('\n', "&#10;")
        .replace('\r', "&#13;")
        .replace('\t', "&#9;")
}

/// Body blocks as XHTML with element names prefixed. Its text, read back with block
/// elements as lines, is what [`text::blocks`] writes (import relies on it).
pub fn html_blocks(blocks: &[Block], prefix: &str, out: &mut String) {
    for block in blocks {
        html_block(block, prefix, out);
    }
}

fn html_block(block: &Block, p: &str, out: &mut String) {
    match block {
        Block::Heading { content, .. } => {
            out.push_str(&format!("<{p}p><{p}b>"));
            html_inlines(content, p, out);
            out.push_str(&format!("</{p}b></{p}p>"));
        }
        Block::Paragraph { content } => {
            out.push_str(&format!("<{p}p>"));
            html_inlines(content, p, out);
            out.push_str(&format!("</{p}p>"));
        }
        Block::List {
            ordered,
            start,
            items,
        } => {
            let tag = if *ordered { "ol" } else { "ul" };
            if *ordered && *start != 1 {
                out.push_str(&format!("<{p}{tag} start=\"{start}\">"));
            } else {
                out.push_str(&format!("<{p}{tag}>"));
            }
            for item in items {
                out.push_str(&format!("<{p}li>"));
                for (i, b) in item.iter().enumerate() {
                    match b {
                        // The first paragraph of an item is its text (a tight item).
                        Block::Paragraph { content } if i == 0 => html_inlines(content, p, out),
                        other => html_block(other, p, out),
                    }
                }
                out.push_str(&format!("</{p}li>"));
            }
            out.push_str(&format!("</{p}{tag}>"));
        }
        Block::Table { head, rows, .. } => {
            out.push_str(&format!("<{p}table border=\"1\"><{p}tr>"));
            for cell in head {
                out.push_str(&format!("<{p}th>"));
                html_inlines(cell, p, out);
                out.push_str(&format!("</{p}th>"));
            }
            out.push_str(&format!("</{p}tr>"));
            for row in rows {
                out.push_str(&format!("<{p}tr>"));
                for cell in row {
                    out.push_str(&format!("<{p}td>"));
                    html_inlines(cell, p, out);
                    out.push_str(&format!("</{p}td>"));
                }
                out.push_str(&format!("</{p}tr>"));
            }
            out.push_str(&format!("</{p}table>"));
        }
        Block::Quote { blocks } => {
            out.push_str(&format!("<{p}blockquote>"));
            html_blocks(blocks, p, out);
            out.push_str(&format!("</{p}blockquote>"));
        }
        Block::Code { text } => {
            out.push_str(&format!("<{p}pre>"));
            out.push_str(&escape(text));
            out.push_str(&format!("</{p}pre>"));
        }
        Block::Rule => out.push_str(&format!("<{p}hr/>")),
        Block::Figure { text, caption, .. } => {
            for line in std::iter::once(text).chain(caption.iter()) {
                out.push_str(&format!("<{p}p>"));
                out.push_str(&escape(line));
                out.push_str(&format!("</{p}p>"));
            }
        }
    }
}

fn html_inlines(inlines: &[Inline], p: &str, out: &mut String) {
    for i in inlines {
        match i {
            Inline::Text { text } => {
                // A soft line break inside a paragraph is a line of its own in the text.
                for (k, line) in text.split('\n').enumerate() {
                    if k > 0 {
                        out.push_str(&format!("<{p}br/>"));
                    }
                    out.push_str(&escape(line));
                }
            }
            Inline::Code { text } => {
                out.push_str(&format!("<{p}code>`"));
                out.push_str(&escape(text));
                out.push_str(&format!("`</{p}code>"));
            }
            Inline::Emphasis { content } => wrap(p, "i", content, out),
            Inline::Strong { content } => wrap(p, "b", content, out),
            Inline::Strike { content } => wrap(p, "strike", content, out),
            Inline::Link { target, content } => match target {
                LinkTarget::Url { url } => {
                    out.push_str(&format!(
                        "<{p}a href=\"{}\">",
                        escape(&crate::emit::markup::href(url))
                    ));
                    html_inlines(content, p, out);
                    out.push_str(&format!("</{p}a>"));
                }
                // An anchor of this document means nothing inside a map's note.
                LinkTarget::Anchor { .. } | LinkTarget::None => html_inlines(content, p, out),
            },
            Inline::LineBreak => out.push_str(&format!("<{p}br/>")),
        }
    }
}

fn wrap(p: &str, tag: &str, content: &[Inline], out: &mut String) {
    out.push_str(&format!("<{p}{tag}>"));
    html_inlines(content, p, out);
    out.push_str(&format!("</{p}{tag}>"));
}

/// Zips a package with Deflate and the fixed DOS-epoch timestamp (1980-01-01), in the
/// order given.
pub fn zip(entries: &[(&str, &[u8])]) -> Result<Vec<u8>, crate::emit::EmitError> {
    use std::io::Write;
    let zip_error = |e: zip::result::ZipError| crate::emit::EmitError::Other(format!("zip: {e}"));
    let io_error = |e: std::io::Error| crate::emit::EmitError::Other(format!("zip: {e}"));
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    for (name, bytes) in entries {
        zip.start_file(*name, options).map_err(zip_error)?;
        zip.write_all(bytes).map_err(io_error)?;
    }
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

struct Builder<'v> {
    view: &'v DocumentView,
    used: HashSet<String>,
}

impl Builder<'_> {
    /// A node id from an anchor or a derived name: `ID_` and the name with every
    /// character outside `[A-Za-z0-9_.-]` as `_`, unique in the map.
    fn id(&mut self, name: &str) -> String {
        let clean: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let base = format!("ID_{clean}");
        let mut id = base.clone();
        let mut n = 1;
        while self.used.contains(&id) {
            n += 1;
            id = format!("{base}_{n}");
        }
        self.used.insert(id.clone());
        id
    }

    fn node(&mut self, name: &str, text: &str) -> Node {
        Node {
            id: self.id(name),
            text: text.to_string(),
            ..Node::default()
        }
    }

    fn root(&mut self) -> Node {
        let v = self.view;
        let l = &v.labels;
        let mut root = self.node("_root", &v.title);
        if let Some(sub) = &v.subtitle {
            root.lines.push(field(&l.field.title, sub, l));
        }
        for f in &v.front {
            root.lines.push(field(&f.label, &f.value, l));
        }
        for entry in &v.outline {
            let heading = &entry.heading;
            if entry.kind == SectionKind::Part {
                if let Some(part) = entry.index.and_then(|i| v.parts.get(i)) {
                    let node = self.part(part);
                    root.children.push(node);
                }
                continue;
            }
            // The table of points and the 新旧対照表 repeat what the parts hold.
            if matches!(entry.kind, SectionKind::Points | SectionKind::Comparison) {
                continue;
            }
            let mut section = self.node(&heading.anchor.id, &heading.text);
            match entry.kind {
                SectionKind::History => {
                    for (i, h) in v.history.iter().enumerate() {
                        let text = fill(
                            &l.mindmap.history,
                            &[("date", &h.date.text), ("summary", &h.summary)],
                        );
                        let n = self.node(&format!("{}-{}", heading.anchor.id, i + 1), &text);
                        section.children.push(n);
                    }
                }
                SectionKind::Purpose => self.purpose(&mut section),
                SectionKind::Points | SectionKind::Comparison | SectionKind::Part => {}
                SectionKind::References => {
                    for r in &v.references {
                        let mut n = self.node(&r.anchor.id, &r.citation);
                        n.link = r.url.clone().or_else(|| r.file.clone());
                        if let (Some(_), Some(file)) = (&r.url, &r.file) {
                            n.lines.push(field(&l.field.file, file, l));
                        }
                        if let Some(note) = &r.note {
                            n.lines.push(fill(&l.format.note, &[("text", note)]));
                        }
                        section.children.push(n);
                    }
                }
                SectionKind::Forms => {
                    for (i, f) in v.forms.iter().enumerate() {
                        let n = self.link_node(&format!("{}-{}", heading.anchor.id, i + 1), f);
                        section.children.push(n);
                    }
                    if let Some(h) = &v.related_heading {
                        let mut related = self.node(&h.anchor.id, &h.text);
                        for r in &v.related {
                            let mut n = self.node(&format!("_related-{}", r.id), &r.title);
                            n.link = r.url.clone();
                            for (i, f) in r.links.iter().enumerate() {
                                let c = self.link_node(&format!("_related-{}-{}", r.id, i + 1), f);
                                n.children.push(c);
                            }
                            related.children.push(n);
                        }
                        section.children.push(related);
                    }
                }
                SectionKind::Team => {
                    for m in &v.team {
                        let n = self.node(&format!("_team-{}", m.id), &m.name);
                        section.children.push(n);
                    }
                }
                SectionKind::Floating => {
                    for (i, f) in v.floating_topics.iter().enumerate() {
                        let mut n =
                            self.node(&format!("{}-{}", heading.anchor.id, i + 1), &f.title);
                        n.priority = f.priority.as_ref().map(|p| p.n);
                        n.markers = f.markers.iter().map(|m| m.text.clone()).collect();
                        if let Some(note) = &f.note {
                            n.lines.push(fill(&l.format.note, &[("text", note)]));
                        }
                        section.children.push(n);
                    }
                }
                SectionKind::Changes => {
                    // The 変更点 appendix: a node per group, a node per change (its
                    // wording inline as [-old-]{+new+}, as in the changelog).
                    if let Some(c) = &v.changes {
                        section.lines.push(c.lead.clone());
                        section.lines.push(c.summary.clone());
                        for g in &c.groups {
                            let mut group = self.node(&g.heading.anchor.id, &g.heading.text);
                            for (i, ch) in g.changes.iter().enumerate() {
                                let mut text = format!("{} {}", ch.kind_label, ch.subject);
                                if !ch.detail.is_empty() {
                                    text.push(' ');
                                    text.push_str(&ch.detail);
                                }
                                let id = format!("{}-{}", g.heading.anchor.id, i + 1);
                                let mut n = self.node(&id, &text);
                                if !ch.wording.is_empty() {
                                    n.lines.push(
                                        ch.wording
                                            .iter()
                                            .map(|w| match w.kind {
                                                crate::view::ChunkKind::Same => w.text.clone(),
                                                crate::view::ChunkKind::Removed => {
                                                    format!("[-{}-]", w.text)
                                                }
                                                crate::view::ChunkKind::Added => {
                                                    format!("{{+{}+}}", w.text)
                                                }
                                            })
                                            .collect(),
                                    );
                                }
                                group.children.push(n);
                            }
                            section.children.push(group);
                        }
                    }
                }
            }
            root.children.push(section);
        }
        root
    }

    fn link_node(&mut self, name: &str, f: &crate::view::LinkView) -> Node {
        let l = &self.view.labels;
        let mut n = self.node(name, &f.label);
        n.link = f.url.clone().or_else(|| f.file.clone());
        if let (Some(_), Some(file)) = (&f.url, &f.file) {
            n.lines.push(field(&l.field.file, file, l));
        }
        n
    }

    fn purpose(&mut self, section: &mut Node) {
        let v = self.view;
        let l = &v.labels;
        if let Some(h) = &v.purpose.reasons {
            let mut reasons = self.node(&h.anchor.id, &h.text);
            for r in &v.reasons {
                let mut n = self.node(&r.heading.anchor.id, &r.heading.text);
                n.body = r.body;
                for &c in &r.references {
                    if let Some(rf) = v.references.get(c) {
                        n.lines.push(field(&l.field.references, &rf.citation, l));
                    }
                }
                for (i, item) in r.items.iter().enumerate() {
                    let mut c =
                        self.node(&format!("{}-{}", r.heading.anchor.id, i + 1), &item.text);
                    for &x in &item.references {
                        if let Some(rf) = v.references.get(x) {
                            c.lines.push(field(&l.field.references, &rf.citation, l));
                        }
                    }
                    n.children.push(c);
                }
                reasons.children.push(n);
            }
            section.children.push(reasons);
        }
        if let Some(h) = &v.purpose.general {
            let mut general = self.node(&h.anchor.id, &h.text);
            for (i, &b) in v.general_notes.iter().enumerate() {
                let text = text::blocks(v.body(Some(b)));
                let n = self.node(&format!("{}-{}", h.anchor.id, i + 1), &text);
                general.children.push(n);
            }
            section.children.push(general);
        }
    }

    fn part(&mut self, part: &crate::view::PartView) -> Node {
        let v = self.view;
        let l = &v.labels;
        let mut n = self.node(&part.heading.anchor.id, &part.heading.text);
        if let Some(h) = &part.plan_heading {
            n.lines.push(field(&l.field.plan_heading, h, l));
        }
        n.owners = part.owners.clone();
        n.owners_text = part.owners_text.clone();
        if !part.owners.is_empty() {
            n.attributes
                .push((l.field.owners.clone(), part.owners_text.clone()));
        }
        for note in &part.notes {
            n.lines.push(fill(&l.format.note, &[("text", note)]));
        }
        n.body = part.body;
        for &pi in &part.points {
            if let Some(p) = v.points.get(pi) {
                let child = self.point(p);
                n.children.push(child);
            }
        }
        let topics = self.topics(&part.topics);
        n.children.extend(topics);
        n
    }

    fn point(&mut self, p: &crate::view::PointView) -> Node {
        let v = self.view;
        let l = &v.labels;
        let mut n = self.node(&p.heading.anchor.id, &p.title);
        n.place = Some(fill(&l.mindmap.place, &[("phrase", &p.action_phrase)]));
        n.owners = p.owners.clone();
        n.owners_text = p.owners_text.clone();
        n.attributes
            .push((l.field.target.clone(), p.target_text.clone()));
        if !p.pages.is_empty() {
            n.attributes.push((l.field.pages.clone(), p.pages.clone()));
        }
        n.attributes
            .push((l.field.action.clone(), p.action_label.clone()));
        if let Some(s) = &p.status_label {
            n.attributes.push((l.field.status.clone(), s.clone()));
            n.status = Some(field(&l.field.status, s, l));
        }
        if !p.owners.is_empty() {
            n.attributes
                .push((l.field.owners.clone(), p.owners_text.clone()));
        }
        n.priority = p.priority.as_ref().map(|x| x.n);
        n.markers = p.markers.iter().map(|m| m.text.clone()).collect();
        if let Some(parent) = p.parent.and_then(|i| v.points.get(i)) {
            n.lines.push(field(&p.parent_label, &parent.title, l));
            n.arrows.push(format!("ID_{}", parent.heading.anchor.id));
        }
        n.lines
            .extend(self.wording_lines(&p.notes, &p.before, &p.after));
        for &r in &p.reasons {
            if let Some(reason) = v.reasons.get(r) {
                n.lines
                    .push(field(&l.field.reasons, &reason.heading.text, l));
            }
        }
        n.lines.extend(self.citations(&p.references));
        n.body = p.body;
        n.children = self.topics(&p.topics);
        n
    }

    fn wording_lines(
        &self,
        notes: &[String],
        before: &Option<String>,
        after: &Option<String>,
    ) -> Vec<String> {
        let l = &self.view.labels;
        let mut out: Vec<String> = notes
            .iter()
            .map(|t| fill(&l.format.note, &[("text", t)]))
            .collect();
        if let Some(b) = before {
            out.push(field(&l.field.before, b, l));
        }
        if let Some(a) = after {
            out.push(field(&l.field.after, a, l));
        }
        out
    }

    fn citations(&self, refs: &[usize]) -> Vec<String> {
        let l = &self.view.labels;
        refs.iter()
            .filter_map(|&i| self.view.references.get(i))
            .map(|r| field(&l.field.references, &r.citation, l))
            .collect()
    }

    /// Topics listed depth first (with their depth) as a tree.
    fn topics(&mut self, list: &[TopicView]) -> Vec<Node> {
        // A stack of open nodes by depth; a topic closes every open one at its depth or
        // deeper.
        let mut roots: Vec<Node> = Vec::new();
        let mut open: Vec<(usize, Node)> = Vec::new();
        let close = |open: &mut Vec<(usize, Node)>, roots: &mut Vec<Node>, depth: usize| {
            while open.last().is_some_and(|(d, _)| *d >= depth) {
                if let Some((_, done)) = open.pop() {
                    match open.last_mut() {
                        Some((_, parent)) => parent.children.push(done),
                        None => roots.push(done),
                    }
                }
            }
        };
        for t in list {
            close(&mut open, &mut roots, t.depth);
            let node = self.topic(t);
            open.push((t.depth, node));
        }
        close(&mut open, &mut roots, 0);
        roots
    }

    fn topic(&mut self, t: &TopicView) -> Node {
        let l = &self.view.labels;
        let mut n = self.node(&t.heading.anchor.id, &t.heading.text);
        n.owners = t.owners.clone();
        n.owners_text = t.owners_text.clone();
        if !t.owners.is_empty() {
            n.attributes
                .push((l.field.owners.clone(), t.owners_text.clone()));
        }
        n.priority = t.priority.as_ref().map(|x| x.n);
        n.markers = t.markers.iter().map(|m| m.text.clone()).collect();
        n.lines = self.wording_lines(&t.notes, &t.before, &t.after);
        n.lines.extend(self.citations(&t.references));
        n.body = t.body;
        n
    }
}
