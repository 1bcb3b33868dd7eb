//! The DOCX emitter: a Word supplement built with docx-rs, styled from `styles/docx.toml`.
//!
//! Split by concern: `sheet` (the style sheet), `blocks` (body text → Word structure),
//! `package` (XML patches docx-rs has no API for, deterministic ids, Deflate re-zip); this
//! module assembles the document in reading order.

mod blocks;
mod package;
pub mod sheet;

use docx_rs::{
    AlignmentType, Docx, FieldCharType, Footer, Header, Hyperlink, HyperlinkType, InstrPAGEREF,
    InstrText, LineSpacing, LineSpacingType, NumPages, PageMargin, PageNum, Paragraph, Run,
    RunFonts, Shading, ShdType, Style, StyleType, Tab, TabLeaderType, TabValueType, TableCell,
    TableRow, WidthType,
};

use self::blocks::{grid_table, para, text_run, Ctx, Element};
use self::package::{BodyXml, CoreProperties};
use self::sheet::{half_points, mm, pt, Sheet};
use super::common::{author, book_pages, citation, heading, owners, pages};
use super::{EmitError, Emitter, OutputFile, RenderOptions};
use crate::model::{DocumentLink, Index, PartialDate, RevisionPoint, Supplement, Topic};
use crate::styles::Styles;

/// Word document.
pub struct DocxEmitter;

impl Emitter for DocxEmitter {
    fn name(&self) -> &'static str {
        "docx"
    }

    fn description(&self) -> &'static str {
        "Word document (.docx): title page, history, contents, revision points, references"
    }

    fn check_styles(&self, styles: &Styles) -> Result<(), EmitError> {
        Sheet::from_styles(styles).map(|_| ())
    }

    fn render(
        &self,
        s: &Supplement,
        styles: &Styles,
        options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        let sheet = Sheet::from_styles(styles)?;
        let bytes = render(s, styles, &sheet, options)?;
        Ok(vec![OutputFile {
            name: format!("{}.docx", s.id.value),
            bytes,
        }])
    }
}

/// Renders the document to DOCX bytes.
pub fn render(
    s: &Supplement,
    styles: &Styles,
    sheet: &Sheet,
    options: &RenderOptions,
) -> Result<Vec<u8>, EmitError> {
    let mut doc = Writer {
        s,
        ix: Index::new(s),
        styles,
        ctx: Ctx::new(sheet),
        body: BodyXml::default(),
        toc: Vec::new(),
        topic_counter: 0,
    };
    doc.title_page();
    doc.history();
    let toc_at = doc.body.xml.len();
    doc.purpose();
    doc.points_table();
    for part in &s.parts {
        doc.part(part);
    }
    doc.references();
    doc.appendix();
    let toc = doc.contents();
    let Writer { mut ctx, body, .. } = doc;

    let mut docx = base_document(sheet, &s.title);
    let [bullets, ordered] = blocks::list_definitions(sheet);
    docx = docx
        .add_abstract_numbering(bullets)
        .add_abstract_numbering(ordered);
    if sheet.headings.numbering {
        docx = docx
            .add_abstract_numbering(heading_numbering())
            .add_numbering(docx_rs::Numbering::new(HEADING_NUM, HEADING_NUM));
    }
    for numbering in ctx.take_numberings() {
        docx = docx.add_numbering(numbering);
    }
    // The body was serialised element by element as it was written (docx-rs keeps about
    // 3 KB per paragraph in memory otherwise); it replaces a placeholder paragraph.
    docx = docx.add_paragraph(Paragraph::new().add_run(Run::new().add_text(BODY_PLACEHOLDER)));
    let mut body = body;
    // The table of contents is known only at the end; it is serialised with the same id
    // counters and moved to its place after the history.
    let end = body.xml.len();
    for p in toc {
        body.add(para(p));
    }
    let toc_xml: Vec<u8> = body.xml.drain(end..).collect();
    body.xml.splice(toc_at..toc_at, toc_xml);
    for (rid, url) in std::mem::take(&mut body.links) {
        docx.document_rels
            .hyperlinks
            .push((rid, url, "External".to_string()));
    }
    let stamp = timestamp(s, options);
    docx = docx.created_at(&stamp).updated_at(&stamp);
    docx.document_rels.has_numberings = true;

    let mut x = docx.build();
    package::splice_body(&mut x, BODY_PLACEHOLDER, &body.xml)?;
    drop(body);
    let author = author(s);
    let keywords = keywords(s);
    package::patch(
        &mut x,
        &CoreProperties {
            title: &s.title,
            subject: &format!("「{}」の追補資料", s.base_book.title),
            creator: &author,
            keywords: &keywords,
            language: &word_language(&s.language),
        },
    )?;
    package::pack(x)
}

const HEADING_NUM: usize = 4;
const BODY_PLACEHOLDER: &str = "\u{E000}supplement-body\u{E000}";

struct Writer<'a> {
    s: &'a Supplement,
    ix: Index<'a>,
    styles: &'a Styles,
    ctx: Ctx<'a>,
    body: BodyXml,
    /// Table of contents entries: (level, text, anchor).
    toc: Vec<(usize, String, String)>,
    /// Numbers topics without an id, for their anchors.
    topic_counter: usize,
}

impl Writer<'_> {
    fn label(&self, key: &str) -> String {
        self.ctx.sheet.label(key)
    }

    fn push(&mut self, p: Paragraph) {
        self.body.add(para(p));
    }

    fn text(&mut self, style: Option<&str>, text: &str) {
        let mut p = Paragraph::new();
        if let Some(style) = style {
            p = p.style(style);
        }
        self.push(p.add_run(text_run(Run::new(), text)));
    }

    /// A heading with a bookmark; `toc` adds it to the table of contents.
    fn heading(&mut self, level: usize, text: &str, anchor: &str, toc: bool, page_break: bool) {
        self.heading_with_toc_text(level, text, text, anchor, toc, page_break);
    }

    /// A heading whose table-of-contents entry reads `toc_text`.
    fn heading_with_toc_text(
        &mut self,
        level: usize,
        text: &str,
        toc_text: &str,
        anchor: &str,
        toc: bool,
        page_break: bool,
    ) {
        let (id, name) = self.ctx.bookmark(anchor);
        let mut p = Paragraph::new()
            .style(&format!("Heading{level}"))
            .keep_next(true)
            .add_bookmark_start(id, &name)
            .add_run(text_run(Run::new(), text))
            .add_bookmark_end(id);
        if page_break {
            p = p.page_break_before(true);
        }
        if toc {
            if self.ctx.sheet.headings.numbering && level <= 2 {
                p = p.numbering(
                    docx_rs::NumberingId::new(HEADING_NUM),
                    docx_rs::IndentLevel::new(level - 1),
                );
            }
            self.toc.push((level, toc_text.to_string(), name));
        }
        self.push(p);
    }

    fn title_page(&mut self) {
        let s = self.s;
        self.push(
            Paragraph::new()
                .style("Title")
                .add_run(text_run(Run::new(), &s.title)),
        );
        if let Some(sub) = &s.subtitle {
            self.text(Some("Subtitle"), sub);
        }
        self.text(Some("Subtitle"), &s.id.value);
        let book = &s.base_book;
        let mut book_line = format!(
            "{}：「{}」（{}",
            self.label("base_book"),
            book.title,
            book.publisher
        );
        if let Some(e) = &book.edition {
            book_line.push_str(&format!("、{e}"));
        }
        if let Some(p) = &book.published {
            book_line.push_str(&format!("、{}", p.value.japanese()));
        }
        book_line.push_str(&format!("、{}）", book_pages(s, &self.styles.labels)));
        self.text(Some("TitleMeta"), &book_line);
        if !s.audience.is_empty() {
            let line = format!("{}：{}", self.label("audience"), s.audience.join("、"));
            self.text(Some("TitleMeta"), &line);
        }
        if let Some(edition) = &s.edition {
            let line = format!("{}：{edition}", self.label("edition"));
            self.text(Some("TitleMeta"), &line);
        }
        if let Some(date) = s.effective_date() {
            let line = format!("{}：{}", self.label("date"), date.japanese());
            self.text(Some("TitleMeta"), &line);
        }
    }

    fn history(&mut self) {
        let label = self.label("history");
        self.heading(1, &label, "_history", true, true);
        let mut entries: Vec<_> = self.s.history.iter().collect();
        entries.sort_by_key(|h| std::cmp::Reverse(h.date.value));
        let width = self.ctx.sheet.text_width();
        let grid = vec![width / 4, width - width / 4];
        let mut rows = vec![self.header_row(
            &[&self.label("history_date"), &self.label("history_summary")],
            &grid,
        )];
        for h in entries {
            rows.push(TableRow::new(vec![
                self.cell(&h.date.value.japanese(), grid[0]),
                self.cell(&h.summary, grid[1]),
            ]));
        }
        self.body.add(Element::Table(Box::new(grid_table(
            rows,
            grid,
            self.ctx.sheet,
        ))));
    }

    fn header_row(&self, labels: &[&str], grid: &[usize]) -> TableRow {
        let cells = labels
            .iter()
            .zip(grid)
            .map(|(l, w)| {
                TableCell::new()
                    .add_paragraph(
                        Paragraph::new()
                            .style("TableText")
                            .add_run(text_run(Run::new(), l).bold()),
                    )
                    .width(*w, WidthType::Dxa)
                    .shading(
                        Shading::new()
                            .shd_type(ShdType::Clear)
                            .fill(&self.ctx.sheet.colors.table_header_fill),
                    )
            })
            .collect();
        TableRow::new(cells).cant_split()
    }

    fn cell(&self, text: &str, width: usize) -> TableCell {
        TableCell::new()
            .add_paragraph(
                Paragraph::new()
                    .style("TableText")
                    .add_run(text_run(Run::new(), text)),
            )
            .width(width, WidthType::Dxa)
    }

    /// The hand-built table of contents: one paragraph per heading, linked to its bookmark,
    /// with a PAGEREF field that Word and LibreOffice fill with the page number.
    fn contents(&mut self) -> Vec<Paragraph> {
        let mut out = vec![Paragraph::new()
            .style("TOCHeading")
            .page_break_before(true)
            .add_run(text_run(Run::new(), &self.label("contents")))];
        let width = self.ctx.sheet.text_width();
        for (level, text, bookmark) in &self.toc {
            let link =
                Hyperlink::new(bookmark, HyperlinkType::Anchor)
                    .add_run(text_run(Run::new(), text))
                    .add_run(Run::new().add_tab())
                    .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
                    .add_run(Run::new().add_instr_text(InstrText::PAGEREF(
                        InstrPAGEREF::new(bookmark).hyperlink(),
                    )))
                    .add_run(Run::new().add_field_char(FieldCharType::Separate, false))
                    .add_run(Run::new().add_text("-"))
                    .add_run(Run::new().add_field_char(FieldCharType::End, false));
            out.push(
                Paragraph::new()
                    .style(&format!("TOC{}", level.min(&2)))
                    .add_tab(
                        Tab::new()
                            .val(TabValueType::Right)
                            .leader(TabLeaderType::Dot)
                            .pos(width),
                    )
                    .add_hyperlink(link),
            );
        }
        out
    }

    fn purpose(&mut self) {
        let s = self.s;
        let label = self.label("purpose");
        self.heading(1, &label, "_purpose", true, true);
        if !s.reasons.is_empty() {
            let label = self.label("reasons");
            self.push(
                Paragraph::new()
                    .style("BodyHeading")
                    .add_run(text_run(Run::new(), &label)),
            );
            for reason in &s.reasons {
                let (id, name) = self.ctx.bookmark(&format!("_reason-{}", reason.id.value));
                self.push(
                    Paragraph::new()
                        .style("ReasonTitle")
                        .add_bookmark_start(id, &name)
                        .add_run(text_run(Run::new(), &reason.title))
                        .add_bookmark_end(id),
                );
                let mut items = Vec::new();
                for item in &reason.items {
                    let mut text = item.title.clone();
                    if let Some(note) = &item.note {
                        text.push_str(&format!("（{note}）"));
                    }
                    items.push(text);
                    for r in &item.references {
                        if let Some(r) = s.reference(&r.value) {
                            items.push(format!("{}：{}", self.label("cited"), citation(r)));
                        }
                    }
                }
                self.bullets(&items, 0);
                let body = self.ctx.blocks(&reason.body, 420);
                self.body.extend(body);
                for r in &reason.references {
                    if let Some(r) = s.reference(&r.value) {
                        self.citation_line(r, 420);
                    }
                }
                let citing: Vec<&RevisionPoint> = self
                    .ix
                    .by_reason
                    .get(reason.id.value.as_str())
                    .cloned()
                    .unwrap_or_default();
                for p in citing {
                    self.point_link_line(&self.label("related_points"), p, 420);
                }
            }
        }
        if !s.general_notes.is_empty() {
            let label = self.label("general");
            self.push(
                Paragraph::new()
                    .style("BodyHeading")
                    .add_run(text_run(Run::new(), &label)),
            );
            for note in &s.general_notes {
                let body = self.ctx.blocks(note, 0);
                self.body.extend(body);
            }
        }
    }

    fn bullets(&mut self, items: &[String], indent: i32) {
        if items.is_empty() {
            return;
        }
        let blocks = vec![crate::model::Block::List {
            ordered: false,
            start: 1,
            items: items
                .iter()
                .map(|t| {
                    vec![crate::model::Block::Paragraph(vec![
                        crate::model::Inline::Text(t.clone()),
                    ])]
                })
                .collect(),
        }];
        let elements = self.ctx.blocks(&blocks, indent);
        self.body.extend(elements);
    }

    fn point_link_line(&mut self, label: &str, p: &RevisionPoint, indent: i32) {
        let name = self.ctx.bookmark_name(&p.id.value);
        let text = format!(
            "{}（{}）",
            p.topic.title,
            heading(self.s, p, &self.styles.labels)
        );
        let para = Paragraph::new()
            .style("Meta")
            .indent(Some(indent), None, None, None)
            .add_run(text_run(Run::new(), &format!("{label}：")))
            .add_hyperlink(
                Hyperlink::new(name, HyperlinkType::Anchor)
                    .add_run(text_run(Run::new().style("Hyperlink"), &text)),
            );
        self.push(para);
    }

    fn citation_line(&mut self, r: &crate::model::Reference, indent: i32) {
        let mut p = Paragraph::new()
            .style("Meta")
            .indent(Some(indent), None, None, None)
            .add_run(text_run(
                Run::new(),
                &format!("{}：{}", self.label("cited"), citation(r)),
            ));
        p = self.address(
            p,
            r.url.as_ref().map(|u| u.value.as_str()),
            r.file.as_ref().map(|f| f.value.as_str()),
        );
        self.push(p);
    }

    /// Appends an address (as a link) or a file name to a paragraph.
    fn address(&self, p: Paragraph, url: Option<&str>, file: Option<&str>) -> Paragraph {
        match (url, file) {
            (Some(url), _) => p.add_run(Run::new().add_text(" ")).add_hyperlink(
                Hyperlink::new(url, HyperlinkType::External)
                    .add_run(text_run(Run::new().style("Hyperlink"), url)),
            ),
            (None, Some(file)) => p.add_run(text_run(
                Run::new(),
                &format!(" [{}：{file}]", self.label("file")),
            )),
            (None, None) => p,
        }
    }

    fn points_table(&mut self) {
        let s = self.s;
        let label = self.label("points_table");
        self.heading(1, &label, "_points-table", true, true);
        let width = self.ctx.sheet.text_width();
        // 対象 | 頁 | 対応 | 題名 | 担当 | 状態
        let weights = [16usize, 14, 10, 36, 14, 10];
        let mut grid: Vec<usize> = weights.iter().map(|w| width * w / 100).collect();
        grid[3] += width - grid.iter().sum::<usize>();
        let labels =
            ["target", "pages", "action", "title", "owners", "status"].map(|k| self.label(k));
        let label_refs: Vec<&str> = labels.iter().map(String::as_str).collect();
        let mut rows = vec![self.header_row(&label_refs, &grid)];
        for p in s.points() {
            let name = self.ctx.bookmark_name(&p.id.value);
            let targets = p
                .targets
                .iter()
                .map(|t| {
                    s.section(&t.value)
                        .map_or(t.value.clone(), |x| x.label.clone())
                })
                .collect::<Vec<_>>()
                .join("、");
            let title_cell = TableCell::new()
                .add_paragraph(
                    Paragraph::new().style("TableText").add_hyperlink(
                        Hyperlink::new(name, HyperlinkType::Anchor)
                            .add_run(text_run(Run::new().style("Hyperlink"), &p.topic.title)),
                    ),
                )
                .width(grid[3], WidthType::Dxa);
            let labels = &self.styles.labels;
            rows.push(TableRow::new(vec![
                self.cell(&targets, grid[0]),
                self.cell(&pages(&p.pages), grid[1]),
                self.cell(&labels.action(p.action.value.key()), grid[2]),
                title_cell,
                self.cell(&owners(s, &p.topic.owners, labels).join("、"), grid[4]),
                self.cell(&labels.status(p.status.key()), grid[5]),
            ]));
        }
        self.body.add(Element::Table(Box::new(grid_table(
            rows,
            grid,
            self.ctx.sheet,
        ))));
    }

    fn part(&mut self, part: &crate::model::Part) {
        let title = if part.title == part.label {
            part.label.clone()
        } else {
            format!("{}　{}", part.label, part.title)
        };
        self.heading(1, &title, &format!("_part-{}", part.id.value), true, true);
        let owners = owners(self.s, &part.owners, &self.styles.labels);
        if !owners.is_empty() {
            let line = format!("{}：{}", self.label("owners"), owners.join("、"));
            self.text(Some("Meta"), &line);
        }
        for note in &part.notes {
            self.text(Some("Meta"), &format!("※{note}"));
        }
        let body = self.ctx.blocks(&part.body, 0);
        self.body.extend(body);
        if part.points.is_empty() {
            let label = self.label("no_points");
            self.text(None, &label);
        }
        for point in &part.points {
            self.point(point);
        }
        if !part.topics.is_empty() {
            let label = self.label("part_topics");
            self.push(
                Paragraph::new()
                    .style("BodyHeading")
                    .add_run(text_run(Run::new(), &label)),
            );
            for topic in &part.topics {
                self.topics(topic, 1, &format!("_part-{}", part.id.value));
            }
        }
    }

    fn point(&mut self, p: &RevisionPoint) {
        let s = self.s;
        let labels = &self.styles.labels;
        let head = heading(s, p, labels);
        let toc_text = format!("{head}　{}", p.topic.title);
        self.heading_with_toc_text(2, &head, &toc_text, &p.id.value, true, false);
        let mut rows: Vec<(String, Vec<MetaValue>)> = vec![(
            self.label("title"),
            vec![MetaValue::Text(p.topic.title.clone())],
        )];
        let mut action = labels.action(p.action.value.key());
        if let Some(note) = &p.action_note {
            action.push_str(&format!("（{note}）"));
        }
        rows.push((self.label("action"), vec![MetaValue::Text(action)]));
        let owner_names = owners(s, &p.topic.owners, labels);
        if !owner_names.is_empty() {
            rows.push((
                self.label("owners"),
                vec![MetaValue::Text(owner_names.join("、"))],
            ));
        }
        let mut priority = p.topic.priority.map(|n| n.to_string()).unwrap_or_default();
        if !p.topic.markers.is_empty() {
            if !priority.is_empty() {
                priority.push(' ');
            }
            priority.push_str(&p.topic.markers.join(" "));
        }
        if !priority.is_empty() {
            rows.push((self.label("priority"), vec![MetaValue::Text(priority)]));
        }
        rows.push((
            self.label("status"),
            vec![MetaValue::Text(labels.status(p.status.key()))],
        ));
        let reasons: Vec<MetaValue> = p
            .reasons
            .iter()
            .map(|r| {
                let title = s
                    .reason(&r.value)
                    .map_or(r.value.clone(), |x| x.title.clone());
                MetaValue::Link(title, format!("_reason-{}", r.value))
            })
            .collect();
        if !reasons.is_empty() {
            rows.push((self.label("reason"), reasons));
        }
        if let Some(parent) = p.parent.as_ref().and_then(|x| s.point(&x.value)) {
            rows.push((
                self.label("parent"),
                vec![MetaValue::Link(
                    parent.topic.title.clone(),
                    parent.id.value.clone(),
                )],
            ));
        }
        let children: Vec<MetaValue> = self
            .ix
            .children
            .get(p.id.value.as_str())
            .map(|cs| {
                cs.iter()
                    .map(|c| MetaValue::Link(c.topic.title.clone(), c.id.value.clone()))
                    .collect()
            })
            .unwrap_or_default();
        if !children.is_empty() {
            rows.push((self.label("children"), children));
        }
        // A compact meta block: the title, then the facts on one line and the links on
        // another (a table per point would triple the size of the document).
        let mut rows = rows.into_iter();
        if let Some((_, title)) = rows.next() {
            let title = title.into_iter().next().map(|v| match v {
                MetaValue::Text(t) | MetaValue::Link(t, _) => t,
            });
            self.text(Some("PointTitle"), title.as_deref().unwrap_or_default());
        }
        let (facts, links): (Vec<_>, Vec<_>) =
            rows.partition(|(_, values)| values.iter().all(|v| matches!(v, MetaValue::Text(_))));
        for group in [facts, links] {
            if group.is_empty() {
                continue;
            }
            let mut line = Paragraph::new().style("PointMeta");
            for (i, (label, values)) in group.into_iter().enumerate() {
                if i > 0 {
                    line = line.add_run(Run::new().add_text("　｜　"));
                }
                line = line.add_run(text_run(Run::new(), &format!("{label}：")).bold());
                for (k, v) in values.into_iter().enumerate() {
                    if k > 0 {
                        line = line.add_run(Run::new().add_text("、"));
                    }
                    line = match v {
                        MetaValue::Text(t) => line.add_run(text_run(Run::new(), &t)),
                        MetaValue::Link(t, anchor) => {
                            let name = self.ctx.bookmark_name(&anchor);
                            line.add_hyperlink(
                                Hyperlink::new(name, HyperlinkType::Anchor)
                                    .add_run(text_run(Run::new().style("Hyperlink"), &t)),
                            )
                        }
                    };
                }
            }
            self.push(line);
        }
        self.topic_content(&p.topic);
        for topic in &p.topic.topics {
            self.topics(topic, 1, &p.id.value);
        }
    }

    /// A topic's notes, wording, body and citations.
    fn topic_content(&mut self, t: &Topic) {
        for note in &t.notes {
            self.text(Some("Meta"), &format!("※{note}"));
        }
        if t.before.is_some() || t.after.is_some() {
            let width = self.ctx.sheet.text_width();
            let grid = vec![width / 2, width - width / 2];
            let header = self.header_row(&[&self.label("before"), &self.label("after")], &grid);
            let row = TableRow::new(vec![
                self.cell(t.before.as_deref().unwrap_or(""), grid[0]),
                self.cell(t.after.as_deref().unwrap_or(""), grid[1]),
            ]);
            let table = grid_table(vec![header, row], grid, self.ctx.sheet);
            self.body.add(Element::Table(Box::new(table)));
            self.push(Paragraph::new().style("Spacer"));
        }
        let body = self.ctx.blocks(&t.body, 0);
        self.body.extend(body);
        for r in &t.references {
            if let Some(r) = self.s.reference(&r.value) {
                self.citation_line(r, 0);
            }
        }
    }

    /// A nested topic and its descendants, as headings of decreasing level.
    fn topics(&mut self, root: &Topic, base_depth: usize, owner_anchor: &str) {
        let mut stack = vec![(root, base_depth)];
        while let Some((t, depth)) = stack.pop() {
            self.topic_counter += 1;
            let level = (2 + depth).min(6);
            let anchor = t.id.as_ref().map_or_else(
                || format!("_{owner_anchor}-t{}", self.topic_counter),
                |i| i.value.clone(),
            );
            let mut title = t.title.clone();
            if let Some(pr) = t.priority {
                title.push_str(&format!(" 〔{pr}〕"));
            }
            if !t.markers.is_empty() {
                title.push(' ');
                title.push_str(&t.markers.join(" "));
            }
            self.heading(level, &title, &anchor, false, false);
            let owner_names = owners(self.s, &t.owners, &self.styles.labels);
            if !owner_names.is_empty() {
                let line = format!("{}：{}", self.label("owners"), owner_names.join("、"));
                self.text(Some("Meta"), &line);
            }
            self.topic_content(t);
            for child in t.topics.iter().rev() {
                stack.push((child, depth + 1));
            }
        }
    }

    fn references(&mut self) {
        let s = self.s;
        if s.references.is_empty() {
            return;
        }
        let label = self.label("references");
        self.heading(1, &label, "_references", true, true);
        let list = vec![crate::model::Block::List {
            ordered: true,
            start: 1,
            items: s
                .references
                .iter()
                .map(|r| {
                    vec![crate::model::Block::Paragraph(vec![
                        crate::model::Inline::Text(citation(r)),
                    ])]
                })
                .collect(),
        }];
        // Render the numbered list, then attach each address to its item.
        let elements = self.ctx.blocks(&list, 0);
        for (element, r) in elements.into_iter().zip(&s.references) {
            let Element::Paragraph(p) = element else {
                continue;
            };
            let (id, name) = self.ctx.bookmark(&format!("_ref-{}", r.id.value));
            let mut p = p.add_bookmark_start(id, &name).add_bookmark_end(id);
            p = self.address(
                p,
                r.url.as_ref().map(|u| u.value.as_str()),
                r.file.as_ref().map(|f| f.value.as_str()),
            );
            if let Some(note) = &r.note {
                p = p.add_run(text_run(Run::new(), &format!("（{note}）")));
            }
            self.push(p);
        }
    }

    fn appendix(&mut self) {
        let s = self.s;
        if !s.links.is_empty() || !s.related.is_empty() {
            let label = self.label("forms");
            self.heading(1, &label, "_forms", true, true);
            for link in &s.links {
                self.document_link(link, 0);
            }
            for related in &s.related {
                let mut p = Paragraph::new().style("ReasonTitle").add_run(text_run(
                    Run::new(),
                    &format!("{} {}", related.id.value, related.title),
                ));
                p = self.address(p, related.url.as_ref().map(|u| u.value.as_str()), None);
                self.push(p);
                for link in &related.links {
                    self.document_link(link, 420);
                }
            }
        }
        if !s.team.is_empty() {
            let label = self.label("team");
            self.heading(1, &label, "_team", true, false);
            let names: Vec<String> = s.team.iter().map(|m| m.name.clone()).collect();
            self.bullets(&names, 0);
        }
        if !s.floating_topics.is_empty() {
            let label = self.label("floating");
            self.heading(1, &label, "_floating", true, false);
            let items: Vec<String> = s
                .floating_topics
                .iter()
                .map(|f| {
                    let mut t = f.title.clone().unwrap_or_else(|| self.label("untitled"));
                    if let Some(p) = f.priority {
                        t.push_str(&format!(" 〔{p}〕"));
                    }
                    if !f.markers.is_empty() {
                        t.push(' ');
                        t.push_str(&f.markers.join(" "));
                    }
                    if let Some(note) = &f.note {
                        t.push_str(&format!(" — {note}"));
                    }
                    t
                })
                .collect();
            self.bullets(&items, 0);
        }
    }

    fn document_link(&mut self, link: &DocumentLink, indent: i32) {
        let p = Paragraph::new()
            .indent(Some(indent), None, None, None)
            .add_run(text_run(Run::new(), &format!("{}：", link.label)));
        let p = match (&link.url, &link.file) {
            (Some(url), file) => {
                let p = match file {
                    Some(file) => p.add_run(text_run(Run::new(), &format!("{} ", file.value))),
                    None => p,
                };
                p.add_hyperlink(
                    Hyperlink::new(&url.value, HyperlinkType::External)
                        .add_run(text_run(Run::new().style("Hyperlink"), &url.value)),
                )
            }
            (None, Some(file)) => p.add_run(text_run(Run::new(), &file.value)),
            (None, None) => p,
        };
        self.push(p);
    }
}

enum MetaValue {
    Text(String),
    Link(String, String),
}

/// Word's language tag for the supplement's language (`ja` → `ja-JP`).
fn word_language(language: &str) -> String {
    match language {
        "ja" => "ja-JP".into(),
        "en" => "en-US".into(),
        other => other.into(),
    }
}

fn keywords(s: &Supplement) -> String {
    let mut words = vec![
        s.id.value.clone(),
        s.base_book.title.clone(),
        "追補資料".to_string(),
    ];
    words.extend(s.audience.iter().cloned());
    words.join(", ")
}

/// The document date: `SOURCE_DATE_EPOCH` when given, else the manuscript's date.
fn timestamp(s: &Supplement, options: &RenderOptions) -> String {
    match options.source_date_epoch {
        Some(secs) => {
            let days = secs.div_euclid(86_400);
            let rest = secs.rem_euclid(86_400);
            let (y, m, d) = civil_from_days(days);
            format!(
                "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
                rest / 3600,
                (rest % 3600) / 60,
                rest % 60
            )
        }
        None => {
            let date = s.effective_date().unwrap_or(PartialDate {
                year: 1970,
                month: Some(1),
                day: Some(1),
            });
            format!(
                "{:04}-{:02}-{:02}T00:00:00Z",
                date.year,
                date.month.unwrap_or(1),
                date.day.unwrap_or(1)
            )
        }
    }
}

/// Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn heading_numbering() -> docx_rs::AbstractNumbering {
    use docx_rs::{Level, LevelJc, LevelSuffixType, LevelText, NumberFormat, Start};
    docx_rs::AbstractNumbering::new(HEADING_NUM)
        .add_level(
            Level::new(
                0,
                Start::new(1),
                NumberFormat::new("decimal"),
                LevelText::new("%1."),
                LevelJc::new("left"),
            )
            .suffix(LevelSuffixType::Space),
        )
        .add_level(
            Level::new(
                1,
                Start::new(1),
                NumberFormat::new("decimal"),
                LevelText::new("%1.%2"),
                LevelJc::new("left"),
            )
            .suffix(LevelSuffixType::Space),
        )
}

/// Page setup, default fonts, styles, header and footer.
fn base_document(sheet: &Sheet, title: &str) -> Docx {
    let body_fonts = RunFonts::new()
        .ascii(&sheet.fonts.body_latin)
        .hi_ansi(&sheet.fonts.body_latin)
        .east_asia(&sheet.fonts.body_east_asia);
    let heading_fonts = RunFonts::new()
        .ascii(&sheet.fonts.heading_latin)
        .hi_ansi(&sheet.fonts.heading_latin)
        .east_asia(&sheet.fonts.heading_east_asia);
    let page = &sheet.page;
    let sp = &sheet.spacing;
    let line = (240.0 * sp.line).round() as i32;
    let heading_spacing = LineSpacing::new()
        .before(pt(sp.heading_before_pt))
        .after(pt(sp.heading_after_pt))
        .line(240)
        .line_rule(LineSpacingType::Auto);
    let paragraph = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
    };
    let heading_sizes = [
        sheet.sizes.heading1,
        sheet.sizes.heading2,
        sheet.sizes.heading3,
        sheet.sizes.heading4,
        sheet.sizes.heading4,
        sheet.sizes.heading4,
    ];
    let mut docx = Docx::new()
        .page_size(mm(page.width_mm) as u32, mm(page.height_mm) as u32)
        .page_margin(
            PageMargin::new()
                .top(mm(page.margin_top_mm))
                .bottom(mm(page.margin_bottom_mm))
                .left(mm(page.margin_left_mm))
                .right(mm(page.margin_right_mm))
                .header(mm(page.header_mm))
                .footer(mm(page.footer_mm)),
        )
        .default_fonts(body_fonts.clone())
        .default_size(half_points(sheet.sizes.body))
        .default_line_spacing(
            LineSpacing::new()
                .line(line)
                .line_rule(LineSpacingType::Auto)
                .after(pt(sp.paragraph_after_pt)),
        )
        .title_pg();
    for (i, size) in heading_sizes.iter().enumerate() {
        let level = i + 1;
        let mut style = paragraph(&format!("Heading{level}"), &format!("heading {level}"))
            .fonts(heading_fonts.clone())
            .size(half_points(*size))
            .bold()
            .color(&sheet.colors.heading)
            .outline_lvl(i)
            .line_spacing(heading_spacing.clone());
        if level >= 3 {
            style = style.color(&sheet.colors.accent);
        }
        docx = docx.add_style(style);
    }
    let styles = [
        paragraph("Title", "Title")
            .fonts(heading_fonts.clone())
            .size(half_points(sheet.sizes.title))
            .bold()
            .color(&sheet.colors.heading)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().before(pt(120.0)).after(pt(24.0))),
        paragraph("Subtitle", "Subtitle")
            .fonts(heading_fonts.clone())
            .size(half_points(sheet.sizes.subtitle))
            .color(&sheet.colors.accent)
            .align(AlignmentType::Center)
            .line_spacing(LineSpacing::new().after(pt(12.0))),
        paragraph("TitleMeta", "Title Meta")
            .align(AlignmentType::Center)
            .color(&sheet.colors.text),
        paragraph("TOCHeading", "TOC Heading")
            .fonts(heading_fonts.clone())
            .size(half_points(sheet.sizes.heading1))
            .bold()
            .color(&sheet.colors.heading)
            .line_spacing(heading_spacing.clone()),
        paragraph("TOC1", "toc 1")
            .line_spacing(LineSpacing::new().before(pt(4.0)).after(0))
            .bold(),
        paragraph("TOC2", "toc 2")
            .indent(Some(420), None, None, None)
            .line_spacing(LineSpacing::new().after(0))
            .size(half_points(sheet.sizes.small)),
        paragraph("BodyHeading", "Body Heading")
            .fonts(heading_fonts.clone())
            .bold()
            .color(&sheet.colors.heading),
        paragraph("ReasonTitle", "Reason Title").bold(),
        paragraph("ListParagraph", "List Paragraph").line_spacing(LineSpacing::new().after(0)),
        paragraph("Quote", "Quote")
            .italic()
            .color(&sheet.colors.muted),
        paragraph("Code", "Code")
            .fonts(
                RunFonts::new()
                    .ascii(&sheet.fonts.code)
                    .hi_ansi(&sheet.fonts.code),
            )
            .size(half_points(sheet.sizes.small)),
        paragraph("TableText", "Table Text")
            .size(half_points(sheet.sizes.table))
            .line_spacing(
                LineSpacing::new()
                    .after(0)
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            ),
        paragraph("PointTitle", "Point Title")
            .fonts(heading_fonts.clone())
            .size(half_points(sheet.sizes.heading4))
            .bold()
            .line_spacing(LineSpacing::new().after(pt(2.0))),
        paragraph("PointMeta", "Point Meta")
            .size(half_points(sheet.sizes.small))
            .color(&sheet.colors.muted)
            .line_spacing(LineSpacing::new().after(pt(2.0))),
        paragraph("Spacer", "Spacer")
            .size(half_points(4.0))
            .line_spacing(
                LineSpacing::new()
                    .after(0)
                    .line(240)
                    .line_rule(LineSpacingType::Auto),
            ),
        paragraph("Meta", "Meta")
            .size(half_points(sheet.sizes.small))
            .color(&sheet.colors.muted),
        paragraph("Header", "header")
            .size(half_points(sheet.sizes.header_footer))
            .color(&sheet.colors.muted),
        paragraph("Footer", "footer")
            .size(half_points(sheet.sizes.header_footer))
            .color(&sheet.colors.muted),
        Style::new("Hyperlink", StyleType::Character)
            .name("Hyperlink")
            .color(&sheet.colors.link)
            .underline("single"),
    ];
    for style in styles {
        docx = docx.add_style(style);
    }
    docx.header(
        Header::new().add_paragraph(
            Paragraph::new()
                .style("Header")
                .align(AlignmentType::Right)
                .add_run(text_run(Run::new(), title)),
        ),
    )
    .footer(
        Footer::new().add_paragraph(
            Paragraph::new()
                .style("Footer")
                .align(AlignmentType::Center)
                .add_page_num(PageNum::new())
                .add_run(Run::new().add_text(sheet.label("page_of")))
                .add_num_pages(NumPages::new()),
        ),
    )
}
