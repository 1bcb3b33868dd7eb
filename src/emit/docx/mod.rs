//! The DOCX emitter: the document view laid out as a Word document with docx-rs, styled
//! from `styles/docx.toml`.
//!
//! Split by concern: this module lays the view out in reading order; `blocks` turns bodies
//! into Word structure; `styles` defines the Word styles; `sheet` reads the style sheet;
//! `repair` puts right what docx-rs writes wrong; `package` allocates ids, writes the
//! package parts docx-rs does not and zips them.

mod blocks;
mod package;
pub mod repair;
pub mod sheet;
mod styles;
mod write;

use docx_rs::{
    AbstractNumbering, BuildXML, FieldCharType, Footer, Header, Hyperlink, HyperlinkType,
    IndentLevel, InstrText, Level, LevelJc, LevelSuffixType, LevelText, NumPages, NumberFormat,
    Numbering, NumberingId, Numberings, PageMargin, PageNum, PageSize, Paragraph, Run,
    SectionProperty, Start, Table, TableBorder, TableBorderPosition, TableBorders,
    TableCellMargins, TableRow, WidthType,
};

use self::blocks::{text_run, Style};
pub use self::package::STORED_BELOW;
use self::package::{FontNames, Ids, Parts, Properties};
use self::sheet::{mm, Sheet};
use super::{EmitError, Emitter, OutputFile, RenderOptions};
use crate::labels::fill;
use crate::styles::Styles;
use crate::view::{
    format, Anchor, Chunk, ChunkKind, DocumentView, Heading, LinkTarget, OutlineEntry, PointView,
    SectionKind, TopicView,
};

/// Word document; with `redline`, the tracked-changes edition.
pub struct DocxEmitter {
    /// Every old and new wording as one paragraph of tracked changes (`w:del` / `w:ins`)
    /// that Word's and LibreOffice's review tools accept or reject, instead of side by side.
    pub redline: bool,
}

impl Emitter for DocxEmitter {
    fn name(&self) -> &'static str {
        if self.redline {
            "docx-redline"
        } else {
            "docx"
        }
    }

    fn description(&self) -> &'static str {
        if self.redline {
            "Word document with every wording change as a tracked change (.redline.docx)"
        } else {
            "Word document (.docx): title page, contents, history, revision points, references"
        }
    }

    fn check_styles(&self, styles: &Styles) -> Result<(), EmitError> {
        Sheet::from_styles(styles).map(|_| ())
    }

    fn in_all(&self) -> bool {
        !self.redline
    }

    fn render(
        &self,
        view: &DocumentView,
        styles: &Styles,
        options: &RenderOptions,
    ) -> Result<Vec<OutputFile>, EmitError> {
        let sheet = Sheet::from_styles(styles)?;
        let name = if self.redline {
            format!("{}.redline.docx", view.id)
        } else {
            format!("{}.docx", view.id)
        };
        Ok(vec![OutputFile {
            name,
            bytes: render(view, &sheet, options, self.redline)?,
        }])
    }
}

impl From<repair::RepairError> for EmitError {
    fn from(e: repair::RepairError) -> Self {
        EmitError::Other(format!("docx repair {e}"))
    }
}

/// Abstract numbering of the headings, when the sheet numbers them.
const HEADING_NUMBERING: usize = 4;

/// Renders the document to DOCX bytes (the tracked-changes edition with `redline`).
pub fn render(
    view: &DocumentView,
    sheet: &Sheet,
    options: &RenderOptions,
    redline: bool,
) -> Result<Vec<u8>, EmitError> {
    render_with(view, sheet, options, redline, Serializer::Direct)
}

/// How the body's elements become XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Serializer {
    /// Paragraphs and tables written directly ([`write`]); what `render` uses.
    Direct,
    /// Every element through docx-rs's writer and the repairs: slower, kept as the
    /// reference the direct writer must match byte for byte.
    Reference,
}

/// [`render`] with the body written by the given serializer.
pub fn render_with(
    view: &DocumentView,
    sheet: &Sheet,
    options: &RenderOptions,
    redline: bool,
    serializer: Serializer,
) -> Result<Vec<u8>, EmitError> {
    let mut doc = Doc {
        view,
        sheet,
        ids: Ids::default(),
        body: package::DOCUMENT_OPEN.as_bytes().to_vec(),
        numberings: Vec::new(),
        quote_depth: 0,
        failed: None,
        redline,
        date: timestamp(view, options),
        reference: serializer == Serializer::Reference,
        stream: package::DocumentStream::new()?,
    };
    doc.title_page();
    doc.contents();
    for entry in &view.outline {
        doc.section(entry);
    }
    let section = doc.section_properties().build();
    doc.append(&section, false);
    doc.body
        .extend_from_slice(package::DOCUMENT_CLOSE.as_bytes());
    doc.spill(0);
    if let Some(e) = doc.failed.take() {
        return Err(e);
    }

    let language = word_language(&view.language);
    let latin = if language.starts_with("ja") {
        "en-US"
    } else {
        &language
    };
    let styles = styles::styles(sheet).build();
    let styles = repair::document_defaults(&styles, latin)?;
    let em: &[(&str, &str)] = &[("w:val", "dot")];
    let styles = repair::style_extras(&styles, &[("Emphasis", "w:em", em)])?;
    let styles = repair::schema(&styles)?;

    let [bullets, ordered] = blocks::list_definitions(&sheet.fonts.body_east_asia);
    let mut numberings = Numberings::new()
        .add_abstract_numbering(bullets)
        .add_abstract_numbering(ordered);
    if sheet.headings.numbering {
        numberings = numberings
            .add_abstract_numbering(heading_numbering())
            .add_numbering(Numbering::new(HEADING_NUMBERING, HEADING_NUMBERING));
    }
    for n in std::mem::take(&mut doc.numberings) {
        numberings = numberings.add_numbering(n);
    }
    let numbering = repair::schema(&numberings.build())?;
    let header = repair::schema(&doc.header().build())?;
    let footer = repair::schema(&doc.footer().build())?;

    let f = &sheet.fonts;
    let subject = fill(
        &view.labels.format.subject,
        &[("title", &view.base_book.title)],
    );
    let mut keywords = vec![
        view.id.clone(),
        view.base_book.title.clone(),
        view.labels.text.keyword.clone(),
    ];
    keywords.extend(view.front.iter().skip(1).take(1).map(|f| f.value.clone()));
    let date = timestamp(view, options);
    let document = doc.stream.finish()?;
    package::pack(
        Parts {
            document,
            styles,
            numbering,
            header,
            footer,
            media: view.figures.iter().map(|f| f.data.clone()).collect(),
        },
        &doc.ids,
        &Properties {
            title: &view.title,
            subject: &subject,
            creator: view.author.as_deref(),
            keywords: &keywords.join(", "),
            language: &language,
            date: &date,
        },
        &FontNames {
            faces: vec![
                &f.body_east_asia,
                &f.body_latin,
                &f.heading_east_asia,
                &f.heading_latin,
                &f.code,
                &f.symbol,
            ],
            major: (&f.heading_latin, &f.heading_east_asia),
            minor: (&f.body_latin, &f.body_east_asia),
        },
    )
}

/// The document being written: the view, the sheet, the id allocator, and the body XML
/// as it grows (docx-rs keeps kilobytes per paragraph, so each element is serialised as
/// soon as it is made).
pub struct Doc<'a> {
    view: &'a DocumentView,
    sheet: &'a Sheet,
    ids: Ids,
    body: Vec<u8>,
    numberings: Vec<Numbering>,
    quote_depth: usize,
    /// The first repair or write that failed (reported when the document is done).
    failed: Option<EmitError>,
    /// The tracked-changes edition.
    redline: bool,
    /// The document's date (W3CDTF), for tracked changes.
    date: String,
    /// Every element through docx-rs's writer and the repairs (the reference the direct
    /// writer of [`write`] is tested against; the tracked-changes edition always).
    reference: bool,
    /// word/document.xml, compressed as the body grows.
    stream: package::DocumentStream,
}

/// How much body XML is kept before it goes to the compressor.
const SPILL_BYTES: usize = 256 * 1024;

impl Doc<'_> {
    /// A paragraph in a style, with the next paragraph id.
    fn para(&mut self, style: &str) -> Paragraph {
        self.para_unstyled().style(style)
    }

    /// A paragraph in the Normal style, with the next paragraph id.
    fn para_unstyled(&mut self) -> Paragraph {
        Paragraph::new().id(self.ids.paragraph())
    }

    /// Sends the body written so far to the compressor once it holds `at_least` bytes.
    fn spill(&mut self, at_least: usize) {
        if self.body.len() < at_least.max(1) {
            return;
        }
        if let Err(e) = self.stream.write(&self.body) {
            self.failed.get_or_insert(e);
        }
        self.body.clear();
    }

    fn push(&mut self, p: Paragraph) {
        if self.redline || self.reference {
            self.append(&p.build(), false);
        } else if let Err(e) = write::paragraph(&p, &mut self.body) {
            self.failed.get_or_insert(e.into());
        }
        self.spill(SPILL_BYTES);
    }

    fn push_table(&mut self, t: Table) {
        if self.redline || self.reference {
            self.append(&t.build(), true);
        } else if let Err(e) = write::table(&t, &mut self.body) {
            self.failed.get_or_insert(e.into());
        }
        let spacer = self.para("Spacer");
        self.push(spacer);
    }

    /// Appends an element's XML as docx-rs wrote it, repaired: tables get their header
    /// row, everything is put in schema order.
    fn append(&mut self, xml: &[u8], table: bool) {
        let repaired = if table {
            repair::header_rows(xml).and_then(|(x, _)| repair::schema(&x))
        } else if self.redline {
            let ids = &mut self.ids;
            repair::revision_ids(xml, &mut || ids.revision()).and_then(|(x, _)| repair::schema(&x))
        } else {
            repair::schema(xml)
        };
        match repaired {
            Ok(x) => self.body.extend_from_slice(&x),
            Err(e) => {
                self.failed.get_or_insert(e.into());
            }
        }
    }

    /// A paragraph of plain text in a style.
    fn text(&mut self, style: &str, text: &str) {
        let p = self.para(style).add_run(text_run(Run::new(), text));
        self.push(p);
    }

    /// A bookmark around a paragraph's content.
    fn bookmarked(&mut self, p: Paragraph, anchor: &Anchor) -> Paragraph {
        let id = self.ids.bookmark();
        let mut p = p;
        p.children.insert(
            0,
            docx_rs::ParagraphChild::BookmarkStart(docx_rs::BookmarkStart::new(
                id,
                &anchor.bookmark,
            )),
        );
        p.add_bookmark_end(id)
    }

    /// A heading paragraph (Heading1…6) with its bookmark.
    fn heading(&mut self, h: &Heading, page_break: bool, numbered: bool) {
        let level = h.level.clamp(1, 6);
        let mut p = self
            .para(&format!("Heading{level}"))
            .add_run(text_run(Run::new(), &h.text));
        p = self.bookmarked(p, &h.anchor);
        if page_break {
            p = p.page_break_before(true);
        }
        if numbered && self.sheet.headings.numbering && level <= 2 {
            p = p.numbering(
                NumberingId::new(HEADING_NUMBERING),
                IndentLevel::new(usize::from(level) - 1),
            );
        }
        self.push(p);
    }

    /// A link to an anchor, in the link style.
    fn anchor_link(&self, anchor: &Anchor, text: &str) -> Hyperlink {
        Hyperlink::new(&anchor.bookmark, HyperlinkType::Anchor)
            .add_run(text_run(Run::new().style("Hyperlink"), text))
    }

    /// A link to an address, showing the address.
    fn url_link(&mut self, url: &str) -> Hyperlink {
        self.external_link(url)
            .add_run(text_run(Run::new().style("Hyperlink"), url))
    }

    fn field(&self, label: &str, value: &str) -> String {
        format::field(label, value, &self.view.labels)
    }

    fn title_page(&mut self) {
        let v = self.view;
        self.text("DocumentId", &v.id);
        self.text("Title", &v.title);
        if let Some(sub) = &v.subtitle {
            self.text("Subtitle", sub);
        }
        for f in &v.front {
            let line = self.field(&f.label, &f.value);
            self.text("TitleMeta", &line);
        }
    }

    /// The table of contents: a Word TOC field (levels 1–2, linked entries) whose cached
    /// entries are the outline. Page numbers are not known before layout, so the cached
    /// entries show none (no placeholder); Word's "Update Table" rebuilds the field with
    /// them, right-aligned at the TOC styles' tab. Nothing asks to update on open.
    fn contents(&mut self) {
        let v = self.view;
        let p = self
            .para("TOCHeading")
            .page_break_before(true)
            .add_run(text_run(Run::new(), &v.labels.section.contents));
        self.push(p);
        let mut entries: Vec<(u8, &Heading)> = Vec::new();
        for e in &v.outline {
            if self.redline && e.kind == SectionKind::Comparison {
                continue;
            }
            entries.push((1, &e.heading));
            entries.extend(e.children.iter().map(|c| (2, c)));
        }
        let last = entries.len().saturating_sub(1);
        for (i, (level, h)) in entries.into_iter().enumerate() {
            let mut p = self.para(&format!("TOC{level}"));
            if i == 0 {
                p = p
                    .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
                    .add_run(Run::new().add_instr_text(InstrText::Unsupported(
                        r#" TOC \o "1-2" \h \z \u "#.into(),
                    )))
                    .add_run(Run::new().add_field_char(FieldCharType::Separate, false));
            }
            let link = Hyperlink::new(&h.anchor.bookmark, HyperlinkType::Anchor)
                .add_run(text_run(Run::new(), &h.text));
            p = p.add_hyperlink(link);
            if i == last {
                p = p.add_run(Run::new().add_field_char(FieldCharType::End, false));
            }
            self.push(p);
        }
    }

    fn section(&mut self, entry: &OutlineEntry) {
        let v = self.view;
        if self.redline && entry.kind == SectionKind::Comparison {
            // The tracked changes are the comparison in this edition.
            return;
        }
        let page_break = match entry.kind {
            SectionKind::Part => entry.index.is_some_and(|i| !v.parts[i].points.is_empty()),
            SectionKind::Team | SectionKind::Floating => false,
            _ => true,
        };
        self.heading(&entry.heading, page_break, true);
        match entry.kind {
            SectionKind::History => self.history(),
            SectionKind::Purpose => self.purpose(),
            SectionKind::Points => self.points_table(),
            SectionKind::Comparison => self.comparison(),
            SectionKind::Part => {
                if let Some(i) = entry.index {
                    self.part(i);
                }
            }
            SectionKind::References => self.references(),
            SectionKind::Forms => self.forms(),
            SectionKind::Team => {
                let names: Vec<String> = v.team.iter().map(|m| m.name.clone()).collect();
                self.bullets(&names);
            }
            SectionKind::Floating => self.floating(),
            SectionKind::Changes => self.changes(),
        }
    }

    /// A bordered table on a fixed grid, with cell padding.
    fn grid_table(&self, rows: Vec<TableRow>, grid: Vec<usize>) -> Table {
        let width = grid.iter().sum();
        let sheet = self.sheet;
        let border = |p| {
            TableBorder::new(p)
                .border_type(docx_rs::BorderType::Single)
                .size(4)
                .color(&sheet.colors.table_border)
        };
        let side = mm(sheet.spacing.cell_padding_mm).max(0) as usize;
        let top = mm(sheet.spacing.cell_padding_top_mm).max(0) as usize;
        Table::new(rows)
            .set_grid(grid)
            .width(width, WidthType::Dxa)
            .margins(
                TableCellMargins::new()
                    .margin_top(top, WidthType::Dxa)
                    .margin_bottom(top, WidthType::Dxa)
                    .margin_left(side, WidthType::Dxa)
                    .margin_right(side, WidthType::Dxa),
            )
            .set_borders(
                TableBorders::new()
                    .set(border(TableBorderPosition::Top))
                    .set(border(TableBorderPosition::Bottom))
                    .set(border(TableBorderPosition::Left))
                    .set(border(TableBorderPosition::Right))
                    .set(border(TableBorderPosition::InsideH))
                    .set(border(TableBorderPosition::InsideV)),
            )
    }

    /// A table of plain text: a header row of labels, then one row of cells (each a
    /// paragraph) per item, made by `row`. Rows are written as they are made, so a table
    /// of thousands of points never holds more than one row of docx-rs elements (the
    /// reference path collects them into one docx-rs table).
    fn table<I>(
        &mut self,
        labels: &[&str],
        grid: &[usize],
        items: impl IntoIterator<Item = I>,
        mut row: impl FnMut(&mut Self, I) -> Vec<Paragraph>,
    ) {
        let header: Vec<Paragraph> = labels
            .iter()
            .map(|l| self.para("TableHeader").add_run(text_run(Run::new(), l)))
            .collect();
        let header = self.table_row(header, grid, true);
        if self.redline || self.reference {
            let mut rows = vec![header];
            for item in items {
                let cells = row(self, item);
                rows.push(self.table_row(cells, grid, false));
            }
            let t = self.grid_table(rows, grid.to_vec());
            self.push_table(t);
            return;
        }
        let t = self.grid_table(Vec::new(), grid.to_vec());
        let mut result = write::table_open(&t, &mut self.body)
            .and_then(|()| write::table_row(&header, true, &mut self.body));
        for item in items {
            let cells = row(self, item);
            let r = self.table_row(cells, grid, false);
            result = result.and_then(|()| write::table_row(&r, false, &mut self.body));
            self.spill(SPILL_BYTES);
        }
        self.body.extend_from_slice(write::TABLE_CLOSE);
        if let Err(e) = result {
            self.failed.get_or_insert(e.into());
        }
        let spacer = self.para("Spacer");
        self.push(spacer);
    }

    /// A row of a plain table that is not split across pages.
    fn table_row(&self, cells: Vec<Paragraph>, grid: &[usize], header: bool) -> TableRow {
        let cells = cells
            .into_iter()
            .zip(grid)
            .map(|(p, w)| self.cell(p, *w, header))
            .collect();
        TableRow::new(cells).cant_split()
    }

    fn cell_text(&mut self, text: &str) -> Paragraph {
        self.para("TableText").add_run(text_run(Run::new(), text))
    }

    /// A cell paragraph with one line per item (ids and page ranges never break inside).
    fn cell_lines(&mut self, lines: &[&str]) -> Paragraph {
        let mut p = self.para("TableText");
        for (i, line) in lines.iter().enumerate() {
            let mut run = Run::new();
            if i > 0 {
                run = run.add_break(docx_rs::BreakType::TextWrapping);
            }
            p = p.add_run(text_run(run, line));
        }
        p
    }

    /// Column widths from weights over the text width (the last column takes the rest).
    fn grid(&self, weights: &[i32]) -> Vec<usize> {
        let width = self.sheet.text_width().max(weights.len() as i32 * 300);
        let total: i32 = weights.iter().sum();
        let mut grid: Vec<usize> = weights
            .iter()
            .map(|w| (width * w / total) as usize)
            .collect();
        let used: usize = grid.iter().sum();
        if let Some(last) = grid.last_mut() {
            *last += width as usize - used;
        }
        grid
    }

    fn history(&mut self) {
        let v = self.view;
        let l = &v.labels;
        if v.history.is_empty() {
            self.text("Meta", &l.text.no_history);
            return;
        }
        let grid = self.grid(&[24, 76]);
        self.table(
            &[&l.field.date, &l.field.summary],
            &grid,
            &v.history,
            |doc, h| vec![doc.cell_text(&h.date.text), doc.cell_text(&h.summary)],
        );
    }

    fn purpose(&mut self) {
        let v = self.view;
        if let Some(h) = &v.purpose.reasons {
            self.heading(h, false, false);
            for r in &v.reasons {
                self.heading(&r.heading, false, false);
                for item in &r.items {
                    let num = self.new_list(false, 0, 1);
                    let p = self
                        .para("ListParagraph")
                        .numbering(NumberingId::new(num), IndentLevel::new(0))
                        .add_run(text_run(Run::new(), &item.text));
                    self.push(p);
                    self.cites(&item.references, false);
                }
                let body = v.body(r.body);
                self.blocks(body, 0);
                self.cites(&r.references, true);
                if !r.points.is_empty() {
                    let label = v.labels.field.related_points.clone();
                    self.text("Label", &label);
                    self.point_list(&r.points);
                }
            }
        }
        if let Some(h) = &v.purpose.general {
            self.heading(h, false, false);
            let num = self.new_list(false, 0, 1);
            for &n in &v.general_notes {
                // Each note is one list item: its first paragraph carries the bullet.
                let body = v.body(Some(n));
                let mut rest = body;
                if let Some(crate::view::Block::Paragraph { content }) = body.first() {
                    let p = self
                        .para("ListParagraph")
                        .numbering(NumberingId::new(num), IndentLevel::new(0));
                    let p = self.inlines(p, content, Style::default());
                    self.push(p);
                    rest = &body[1..];
                }
                self.blocks(rest, blocks::LIST_INDENT);
            }
        }
    }

    /// A bullet list of links to revision points, each with its place.
    fn point_list(&mut self, points: &[usize]) {
        let v = self.view;
        let num = self.new_list(false, 0, 1);
        for &i in points {
            let p = &v.points[i];
            let mut para = self
                .para("ListParagraph")
                .numbering(NumberingId::new(num), IndentLevel::new(0))
                .add_hyperlink(self.anchor_link(&p.heading.anchor, &p.title));
            // An untitled point's title is its place already.
            if p.titled {
                let place = format::parenthesize(&p.action_phrase, &v.labels);
                para = para.add_run(text_run(Run::new().style("MetaText"), &place));
            }
            self.push(para);
        }
    }

    fn bullets(&mut self, items: &[String]) {
        let num = self.new_list(false, 0, 1);
        for item in items {
            let p = self
                .para("ListParagraph")
                .numbering(NumberingId::new(num), IndentLevel::new(0))
                .add_run(text_run(Run::new(), item));
            self.push(p);
        }
    }

    /// Cited documents: with `label`, under the label 参考文献 as a list; without, as
    /// lines under a list item.
    fn cites(&mut self, references: &[usize], label: bool) {
        if references.is_empty() {
            return;
        }
        let v = self.view;
        if label {
            self.text("Label", &v.labels.field.references);
        }
        let num = self.new_list(false, usize::from(!label), 1);
        for &i in references {
            let p = self
                .para("ListParagraph")
                .numbering(NumberingId::new(num), IndentLevel::new(usize::from(!label)));
            let p = self.citation(p, i);
            self.push(p);
        }
    }

    /// A citation: the house form, linked to its address, then its file name.
    fn citation(&mut self, mut p: Paragraph, i: usize) -> Paragraph {
        let v = self.view;
        let r = &v.references[i];
        match &r.url {
            Some(url) => {
                let link = self
                    .external_link(url)
                    .add_run(text_run(Run::new().style("Hyperlink"), &r.citation));
                p = p.add_hyperlink(link);
            }
            None => p = p.add_run(text_run(Run::new(), &r.citation)),
        }
        if let Some(file) = &r.file {
            let text = format::parenthesize(&self.field(&v.labels.field.file, file), &v.labels);
            p = p.add_run(text_run(Run::new(), &text));
        }
        p
    }

    fn points_table(&mut self) {
        let v = self.view;
        let l = &v.labels;
        if v.points.is_empty() {
            self.text("Meta", &l.text.no_points);
            return;
        }
        // 対象 | 頁 | 対応 | 題名 | 担当 (| 状態, when any point gives one): the target and
        // page columns fit the book's ids (Information6-6) and ranges without breaking them.
        let weights: &[i32] = if v.has_status {
            &[21, 15, 7, 36, 13, 8]
        } else {
            &[21, 15, 7, 44, 13]
        };
        let grid = self.grid(weights);
        let mut labels = vec![
            l.field.target.as_str(),
            &l.field.pages,
            &l.field.action,
            &l.field.title,
            &l.field.owners,
        ];
        if v.has_status {
            labels.push(&l.field.status);
        }
        self.table(&labels, &grid, &v.points, |doc, p| {
            let title = doc
                .para("TableText")
                .add_hyperlink(doc.anchor_link(&p.heading.anchor, &p.title));
            let targets: Vec<&str> = p.targets.iter().map(|t| t.value.as_str()).collect();
            let pages: Vec<&str> = if p.page_list.is_empty() {
                vec![&l.text.none]
            } else {
                p.page_list.iter().map(String::as_str).collect()
            };
            let owners = if p.owners_text.is_empty() {
                &l.text.none
            } else {
                &p.owners_text
            };
            let mut row = vec![
                doc.cell_lines(&targets),
                doc.cell_lines(&pages),
                doc.cell_text(&p.action_label),
                title,
                doc.cell_text(owners),
            ];
            if v.has_status {
                let status = p.status_label.as_deref().unwrap_or(&l.text.none);
                row.push(doc.cell_text(status));
            }
            row
        });
    }

    fn part(&mut self, index: usize) {
        let v = self.view;
        let part = &v.parts[index];
        let l = &v.labels;
        if let Some(h) = &part.plan_heading {
            let line = self.field(&l.field.plan_heading, h);
            self.text("Meta", &line);
        }
        if !part.owners_text.is_empty() {
            let line = self.field(&l.field.owners, &part.owners_text);
            self.text("Meta", &line);
        }
        for n in &part.notes {
            self.text("Meta", &fill(&l.format.note, &[("text", n)]));
        }
        self.blocks(v.body(part.body), 0);
        if part.points.is_empty() {
            self.text("Meta", &l.text.no_points);
        }
        for &i in &part.points {
            self.point(&v.points[i]);
        }
        if let Some(h) = &part.topics_heading {
            self.heading(h, false, false);
            for t in &part.topics {
                self.topic(t);
            }
        }
    }

    fn point(&mut self, p: &PointView) {
        let v = self.view;
        let l = &v.labels;
        self.heading(&p.heading, false, true);
        // The meta line: place and action (unless the heading is already that), owners,
        // priority and markers, status — what the manuscript gives of them.
        let bar = &l.format.meta_separator;
        let mut meta = self.para("PointMeta");
        let mut first = true;
        let sep = |m: Paragraph, first: &mut bool| {
            let m = if *first {
                m
            } else {
                m.add_run(text_run(Run::new(), bar))
            };
            *first = false;
            m
        };
        if p.titled {
            meta = sep(meta, &mut first).add_run(text_run(Run::new().bold(), &p.action_phrase));
        }
        if !p.owners_text.is_empty() {
            meta = sep(meta, &mut first).add_run(text_run(
                Run::new(),
                &self.field(&l.field.owners, &p.owners_text),
            ));
        }
        if p.priority.is_some() || !p.markers.is_empty() {
            meta = sep(meta, &mut first);
            meta = self.badges(meta, p.priority.as_ref(), &p.markers);
        }
        if let Some(status) = &p.status_label {
            meta = sep(meta, &mut first)
                .add_run(text_run(Run::new(), &self.field(&l.field.status, status)));
        }
        if !first {
            self.push(meta);
        }
        // The links line: reasons, the point above, the points below.
        let mut groups: Vec<(&str, Vec<(&Anchor, &str)>)> = Vec::new();
        if !p.reasons.is_empty() {
            let links = p
                .reasons
                .iter()
                .map(|&r| {
                    (
                        &v.reasons[r].heading.anchor,
                        v.reasons[r].heading.text.as_str(),
                    )
                })
                .collect();
            groups.push((&l.field.reasons, links));
        }
        if let Some(parent) = p.parent {
            let q = &v.points[parent];
            groups.push((&p.parent_label, vec![(&q.heading.anchor, q.title.as_str())]));
        }
        for (label, list) in [
            (&l.field.children, &p.children),
            (&p.grouped_label, &p.grouped),
        ] {
            if !list.is_empty() {
                let links = list
                    .iter()
                    .map(|&c| (&v.points[c].heading.anchor, v.points[c].title.as_str()))
                    .collect();
                groups.push((label.as_str(), links));
            }
        }
        if !groups.is_empty() {
            let mut line = self.para("PointMeta");
            for (g, (label, links)) in groups.into_iter().enumerate() {
                if g > 0 {
                    line = line.add_run(text_run(Run::new(), bar));
                }
                line = line.add_run(text_run(Run::new(), &self.field(label, "")));
                for (k, (anchor, text)) in links.into_iter().enumerate() {
                    if k > 0 {
                        line = line.add_run(text_run(Run::new(), &l.format.list_separator));
                    }
                    line = line.add_hyperlink(self.anchor_link(anchor, text));
                }
            }
            self.push(line);
        }
        self.wording(&p.notes, p.wording.as_deref(), &p.revision_author);
        self.blocks(v.body(p.body), 0);
        self.cites(&p.references, true);
        for t in &p.topics {
            self.topic(t);
        }
    }

    /// Priority and markers, the markers in a face that has their glyphs.
    fn badges(
        &self,
        mut p: Paragraph,
        priority: Option<&crate::view::PriorityView>,
        markers: &[crate::view::MarkerView],
    ) -> Paragraph {
        if let Some(pr) = priority {
            p = p.add_run(text_run(Run::new(), &pr.label));
        }
        for (i, m) in markers.iter().enumerate() {
            if priority.is_some() || i > 0 {
                p = p.add_run(Run::new().add_text(" "));
            }
            p = p.add_run(text_run(Run::new().style("Marker"), &m.text));
        }
        p
    }

    /// Notes on what changes, and the old and new wording side by side.
    /// Notes on what changes, and the old and new wording: side by side with the changes
    /// underlined, or (in the tracked-changes edition) one paragraph of tracked changes.
    fn wording(&mut self, notes: &[String], chunks: Option<&[Chunk]>, author: &str) {
        let l = &self.view.labels;
        for n in notes {
            self.text("Meta", &fill(&l.format.note, &[("text", n)]));
        }
        let Some(chunks) = chunks else {
            return;
        };
        if self.redline {
            let mut p = self.para_unstyled();
            for c in chunks {
                p = match c.kind {
                    ChunkKind::Same => p.add_run(text_run(Run::new(), &c.text)),
                    ChunkKind::Removed => p.add_delete(
                        docx_rs::Delete::new()
                            .author(author)
                            .date(&self.date)
                            .add_run(Run::new().add_delete_text(c.text.replace('\n', " "))),
                    ),
                    ChunkKind::Added => p.add_insert(
                        docx_rs::Insert::new(text_run(Run::new(), &c.text))
                            .author(author)
                            .date(&self.date),
                    ),
                };
            }
            self.push(p);
            return;
        }
        let grid = self.grid(&[50, 50]);
        let old = self.side(chunks, ChunkKind::Removed, None);
        let new = self.side(chunks, ChunkKind::Added, None);
        self.table(
            &[&l.field.before, &l.field.after],
            &grid,
            [vec![old, new]],
            |_, cells| cells,
        );
    }

    /// One side of a comparison as a table paragraph: the unchanged text plain and this
    /// side's changes underlined; `empty` is written when the side has no text at all.
    fn side(&mut self, chunks: &[Chunk], changed: ChunkKind, empty: Option<&str>) -> Paragraph {
        let mut p = self.para("TableText");
        let mut any = false;
        for c in chunks
            .iter()
            .filter(|c| c.kind == ChunkKind::Same || c.kind == changed)
        {
            let run = if c.kind == changed {
                Run::new().underline("single")
            } else {
                Run::new()
            };
            any |= !c.text.is_empty();
            p = p.add_run(text_run(run, &c.text));
        }
        match empty {
            Some(word) if !any => p.add_run(text_run(Run::new(), word)),
            _ => p,
        }
    }

    /// The 新旧対照表: the lead-in, the note right-aligned, and a table with a row naming
    /// each passage's place and title, then its new and old wording.
    fn comparison(&mut self) {
        let v = self.view;
        let Some(c) = &v.comparison else {
            return;
        };
        let l = &v.labels.comparison;
        self.text("Normal", &c.lead);
        let note = self
            .para("ComparisonNote")
            .add_run(text_run(Run::new(), &c.note));
        self.push(note);
        let grid = self.grid(&[50, 50]);
        let (first, second) = if c.new_first {
            (&l.new, &l.old)
        } else {
            (&l.old, &l.new)
        };
        let header = [first.as_str(), second.as_str()]
            .iter()
            .zip(&grid)
            .map(|(t, w)| {
                let p = self.para("TableHeader").add_run(text_run(Run::new(), t));
                self.cell(p, *w, true)
            })
            .collect();
        let mut rows = vec![TableRow::new(header).cant_split()];
        for row in &c.rows {
            let title = format!(
                "{}{}{}",
                row.place, v.labels.format.meta_separator, row.title
            );
            let p = self
                .para("TableHeader")
                .add_hyperlink(self.anchor_link(&row.anchor, &title));
            let merged = self.cell(p, grid[0] + grid[1], false).grid_span(2);
            rows.push(TableRow::new(vec![merged]).cant_split());
            let removed = (row.removed_passage).then_some(l.removed_passage.as_str());
            let added = (row.added_passage).then_some(l.added_passage.as_str());
            let new = self.side(&row.chunks, ChunkKind::Added, removed);
            let old = self.side(&row.chunks, ChunkKind::Removed, added);
            let (a, b) = if c.new_first { (new, old) } else { (old, new) };
            rows.push(
                TableRow::new(vec![
                    self.cell(a, grid[0], false),
                    self.cell(b, grid[1], false),
                ])
                .cant_split(),
            );
        }
        let t = self.grid_table(rows, grid);
        self.push_table(t);
    }

    fn topic(&mut self, t: &TopicView) {
        let v = self.view;
        let l = &v.labels;
        self.heading(&t.heading, false, false);
        if t.priority.is_some() || !t.markers.is_empty() || !t.owners_text.is_empty() {
            let mut meta = self.para("PointMeta");
            meta = self.badges(meta, t.priority.as_ref(), &t.markers);
            if !t.owners_text.is_empty() {
                if t.priority.is_some() || !t.markers.is_empty() {
                    meta = meta.add_run(text_run(Run::new(), &l.format.meta_separator));
                }
                meta = meta.add_run(text_run(
                    Run::new(),
                    &self.field(&l.field.owners, &t.owners_text),
                ));
            }
            self.push(meta);
        }
        self.wording(&t.notes, t.wording.as_deref(), &t.revision_author);
        self.blocks(v.body(t.body), 0);
        self.cites(&t.references, true);
    }

    fn references(&mut self) {
        let v = self.view;
        let num = self.new_list(true, 0, 1);
        for r in &v.references {
            let p = self
                .para("ListParagraph")
                .numbering(NumberingId::new(num), IndentLevel::new(0))
                .add_run(text_run(Run::new(), &r.citation));
            let mut p = self.bookmarked(p, &r.anchor);
            if let Some(url) = &r.url {
                p = p
                    .add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping))
                    .add_hyperlink(self.url_link(url));
            }
            let mut lines: Vec<String> = Vec::new();
            if let Some(file) = &r.file {
                lines.push(self.field(&v.labels.field.file, file));
            }
            if let Some(note) = &r.note {
                lines.push(fill(&v.labels.format.note, &[("text", note)]));
            }
            for line in lines {
                p = p
                    .add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping))
                    .add_run(text_run(Run::new(), &line));
            }
            self.push(p);
            if !r.cited_by.is_empty() {
                let mut line = self
                    .para("Meta")
                    .indent(Some(blocks::LIST_INDENT), None, None, None)
                    .add_run(text_run(
                        Run::new(),
                        &self.field(&v.labels.field.cited_by, ""),
                    ));
                for (k, &c) in r.cited_by.iter().enumerate() {
                    if k > 0 {
                        line = line.add_run(text_run(Run::new(), &v.labels.format.list_separator));
                    }
                    let q = &v.points[c];
                    line = line.add_hyperlink(self.anchor_link(&q.heading.anchor, &q.title));
                }
                self.push(line);
            }
        }
    }

    fn link_line(&mut self, link: &crate::view::LinkView, indent: i32) {
        let mut p = self
            .para_unstyled()
            .indent(Some(indent), None, None, None)
            .add_run(text_run(Run::new(), &self.field(&link.label, "")));
        if let Some(file) = &link.file {
            p = p.add_run(text_run(Run::new(), file));
        }
        if let Some(url) = &link.url {
            p = p
                .add_run(Run::new().add_break(docx_rs::BreakType::TextWrapping))
                .add_hyperlink(self.url_link(url));
        }
        self.push(p);
    }

    fn forms(&mut self) {
        let v = self.view;
        for link in &v.forms {
            self.link_line(link, 0);
        }
        if let Some(h) = &v.related_heading {
            self.heading(h, false, false);
            for r in &v.related {
                let mut p = self
                    .para("BodyHeading")
                    .add_run(text_run(Run::new(), &format!("{} ", r.id)));
                p = match &r.url {
                    Some(url) => {
                        let target = LinkTarget::Url { url: url.clone() };
                        let link = self.hyperlink(&target);
                        match link {
                            Some(link) => p.add_hyperlink(
                                link.add_run(text_run(Run::new().style("Hyperlink"), &r.title)),
                            ),
                            None => p.add_run(text_run(Run::new(), &r.title)),
                        }
                    }
                    None => p.add_run(text_run(Run::new(), &r.title)),
                };
                self.push(p);
                for link in &r.links {
                    self.link_line(link, blocks::LIST_INDENT);
                }
            }
        }
    }

    fn floating(&mut self) {
        let v = self.view;
        let num = self.new_list(false, 0, 1);
        for f in &v.floating_topics {
            let mut p = self
                .para("ListParagraph")
                .numbering(NumberingId::new(num), IndentLevel::new(0))
                .add_run(text_run(Run::new(), &f.title));
            if f.priority.is_some() || !f.markers.is_empty() {
                p = p.add_run(Run::new().add_text(" "));
                p = self.badges(p, f.priority.as_ref(), &f.markers);
            }
            if let Some(note) = &f.note {
                // The note is the editors', not the plan's: it says so.
                let note = self.field(&v.labels.field.editorial_note, note);
                p = p.add_run(text_run(
                    Run::new().style("MetaText"),
                    &format::parenthesize(&note, &v.labels),
                ));
            }
            self.push(p);
        }
    }

    /// The 変更点 appendix: since when, the counts, then each group under its heading as a
    /// list: the kind in bold, the subject (linked to it when it is still in the
    /// document), the field's old and new values, and reworded prose with what went
    /// struck through and what came underlined (marks, not colour alone).
    fn changes(&mut self) {
        let v = self.view;
        let Some(c) = &v.changes else {
            return;
        };
        self.text("Meta", &c.lead);
        self.text("Meta", &c.summary);
        if let Some(none) = &c.none {
            self.text("Meta", none);
        }
        for g in &c.groups {
            self.heading(&g.heading, false, true);
            let num = self.new_list(false, 0, 1);
            for ch in &g.changes {
                let mut p = self
                    .para("ListParagraph")
                    .numbering(NumberingId::new(num), IndentLevel::new(0))
                    .add_run(text_run(Run::new().bold(), &ch.kind_label))
                    .add_run(Run::new().add_text(" "));
                p = match &ch.anchor {
                    Some(anchor) => p.add_hyperlink(self.anchor_link(anchor, &ch.subject)),
                    None => p.add_run(text_run(Run::new(), &ch.subject)),
                };
                if !ch.detail.is_empty() {
                    p = p.add_run(text_run(Run::new(), &format!(" {}", ch.detail)));
                }
                if !ch.wording.is_empty() {
                    p = p.add_run(Run::new().add_text(" "));
                    for chunk in &ch.wording {
                        let run = match chunk.kind {
                            ChunkKind::Same => Run::new(),
                            ChunkKind::Removed => Run::new().strike(),
                            ChunkKind::Added => Run::new().underline("single"),
                        };
                        p = p.add_run(text_run(run, &chunk.text));
                    }
                }
                self.push(p);
            }
        }
    }

    fn section_properties(&self) -> SectionProperty {
        let page = &self.sheet.page;
        let mut s = SectionProperty::new()
            .page_size(PageSize::new().size(mm(page.width_mm) as u32, mm(page.height_mm) as u32))
            .page_margin(
                PageMargin::new()
                    .top(mm(page.margin_top_mm))
                    .bottom(mm(page.margin_bottom_mm))
                    .left(mm(page.margin_left_mm))
                    .right(mm(page.margin_right_mm))
                    .header(mm(page.header_mm))
                    .footer(mm(page.footer_mm)),
            )
            .title_pg();
        s.header_reference = Some(docx_rs::HeaderReference::new(
            "default",
            package::rid::HEADER,
        ));
        s.footer_reference = Some(docx_rs::FooterReference::new(
            "default",
            package::rid::FOOTER,
        ));
        s
    }

    fn header(&mut self) -> Header {
        let p = self
            .para("Header")
            .add_run(text_run(Run::new(), &self.view.title));
        Header::new().add_paragraph(p)
    }

    /// The footer: the labels' page pattern with PAGE and NUMPAGES fields in it.
    fn footer(&mut self) -> Footer {
        let pattern = self.view.labels.format.page_of.clone();
        let mut p = self.para("Footer");
        let mut rest = pattern.as_str();
        while !rest.is_empty() {
            let next = [("{pages}", true), ("{page}", false)]
                .into_iter()
                .filter_map(|(k, total)| rest.find(k).map(|at| (at, k, total)))
                .min_by_key(|(at, _, _)| *at);
            match next {
                Some((at, key, total)) => {
                    if at > 0 {
                        p = p.add_run(text_run(Run::new(), &rest[..at]));
                    }
                    p = if total {
                        p.add_num_pages(NumPages::new())
                    } else {
                        p.add_page_num(PageNum::new())
                    };
                    rest = &rest[at + key.len()..];
                }
                None => {
                    p = p.add_run(text_run(Run::new(), rest));
                    rest = "";
                }
            }
        }
        Footer::new().add_paragraph(p)
    }
}

/// Word's language tag for the supplement's language (`ja` → `ja-JP`, `en` → `en-US`).
fn word_language(language: &str) -> String {
    match language {
        "ja" => "ja-JP".into(),
        "en" => "en-US".into(),
        other => other.into(),
    }
}

/// The document date: `SOURCE_DATE_EPOCH` when given, else the manuscript's date.
fn timestamp(view: &DocumentView, options: &RenderOptions) -> String {
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
            // The ISO form holds only what is known: fill in the first month and day.
            let iso = view.date.as_ref().map_or("1970", |d| d.iso.as_str());
            let mut parts = iso.split('-');
            let y = parts.next().unwrap_or("1970");
            let m = parts.next().unwrap_or("01");
            let d = parts.next().unwrap_or("01");
            format!("{y}-{m}-{d}T00:00:00Z")
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

fn heading_numbering() -> AbstractNumbering {
    let level = |i: usize, text: &str| {
        Level::new(
            i,
            Start::new(1),
            NumberFormat::new("decimal"),
            LevelText::new(text),
            LevelJc::new("left"),
        )
        .suffix(LevelSuffixType::Space)
    };
    AbstractNumbering::new(HEADING_NUMBERING)
        .add_level(level(0, "%1."))
        .add_level(level(1, "%1.%2"))
}
