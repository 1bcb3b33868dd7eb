//! Body blocks and inline text → Word paragraphs, lists and tables.

use docx_rs::{
    AbstractNumbering, AlignmentType, BreakType, Hyperlink, HyperlinkData, HyperlinkType,
    IndentLevel, Level, LevelJc, LevelOverride, LevelText, NumberFormat, Numbering, NumberingId,
    Paragraph, ParagraphChild, Run, RunFonts, SpecialIndentType, Start, TableCell, TableRow,
};

use super::Doc;
use crate::view::{body::Align, Block, Inline, LinkTarget};

/// Abstract numbering id of bullet lists (id 1 is docx-rs's own).
pub const BULLETS: usize = 2;
/// Abstract numbering id of numbered lists.
pub const ORDERED: usize = 3;
/// One list level's indent, in twips.
pub const LIST_INDENT: i32 = 420;

/// Character formatting while walking inline content.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    bold: bool,
    emphasis: bool,
    strike: bool,
    code: bool,
    link: bool,
}

impl Doc<'_> {
    /// Body blocks at a left indent (twips).
    pub fn blocks(&mut self, blocks: &[Block], indent: i32) {
        self.blocks_in(blocks, indent, None);
    }

    fn blocks_in(&mut self, blocks: &[Block], indent: i32, list_level: Option<usize>) {
        for block in blocks {
            match block {
                Block::Heading { content, .. } => {
                    let p = self.para("BodyHeading");
                    let p = self.inlines(p, content, Style::default());
                    self.push(indented(p, indent));
                }
                Block::Paragraph { content } => {
                    let p = self.para_plain();
                    let p = self.inlines(p, content, Style::default());
                    let p = match list_level {
                        // A continuation paragraph of a list item lines up with its text.
                        Some(level) => {
                            p.indent(Some(list_indent(level) + indent), None, None, None)
                        }
                        None => indented(p, indent),
                    };
                    self.push(p);
                }
                Block::List {
                    ordered,
                    start,
                    items,
                } => {
                    let level = list_level.map_or(0, |l| (l + 1).min(8));
                    let num = self.new_list(*ordered, level, *start);
                    for item in items {
                        self.list_item(item, num, level, indent);
                    }
                }
                Block::Table { align, head, rows } => self.body_table(align, head, rows, indent),
                Block::Quote { blocks } => {
                    let start = self.quote_depth;
                    self.quote_depth += 1;
                    self.blocks_in(blocks, indent + LIST_INDENT, None);
                    self.quote_depth = start;
                }
                Block::Code { text } => {
                    let mut run = Run::new();
                    for (i, line) in text.split('\n').enumerate() {
                        if i > 0 {
                            run = run.add_break(BreakType::TextWrapping);
                        }
                        run = text_run(run, line);
                    }
                    let p = self.para("Code").add_run(run);
                    self.push(indented(p, indent));
                }
                Block::Figure {
                    figure,
                    alt,
                    caption,
                    text,
                } => {
                    let left = match list_level {
                        Some(level) => list_indent(level) + indent,
                        None => indent,
                    };
                    self.figure(*figure, alt, caption.as_deref(), text, left);
                }
                Block::Rule => {
                    let rule = self.view.labels.text.rule.clone();
                    let p = self
                        .para_plain()
                        .align(AlignmentType::Center)
                        .add_run(text_run(Run::new(), &rule));
                    self.push(p);
                }
            }
        }
    }

    /// A figure: the image in a paragraph of its own, centred in the text width left of
    /// `indent` (twips), at its size at 96 pixels an inch or scaled down to fit the width
    /// and two thirds of the page height, aspect kept; then its caption. An SVG, which
    /// Word shows only beside a bitmap copy this program cannot draw, and a figure whose
    /// file was not read, are their text (`labels.format.figure`) instead.
    fn figure(
        &mut self,
        figure: Option<usize>,
        alt: &str,
        caption: Option<&str>,
        text: &str,
        indent: i32,
    ) {
        let v = self.view;
        let image = figure
            .and_then(|i| v.figures.get(i).map(|f| (i, f)))
            .filter(|(_, f)| f.mime != "image/svg+xml");
        let Some((index, f)) = image else {
            let mut p = self
                .para("Figure")
                .indent(Some(indent), None, None, None)
                .add_run(text_run(Run::new(), text));
            if caption.is_some_and(|c| !c.trim().is_empty()) {
                p = p.keep_next(true);
            }
            self.push(p);
            self.caption(caption, indent);
            return;
        };
        let page = &self.sheet.page;
        const EMU_PER_MM: f64 = 36_000.0;
        const EMU_PER_PX: f64 = 9_525.0;
        const EMU_PER_TWIP: f64 = 635.0;
        let text_width = (page.width_mm - page.margin_left_mm - page.margin_right_mm) * EMU_PER_MM
            - f64::from(indent.max(0)) * EMU_PER_TWIP;
        let max_height =
            (page.height_mm - page.margin_top_mm - page.margin_bottom_mm) * EMU_PER_MM * 2.0 / 3.0;
        let natural = (
            f64::from(f.width) * EMU_PER_PX,
            f64::from(f.height) * EMU_PER_PX,
        );
        let scale = (text_width.max(EMU_PER_MM) / natural.0)
            .min(max_height / natural.1)
            .min(1.0);
        let (cx, cy) = (
            (natural.0 * scale).round().max(1.0) as u64,
            (natural.1 * scale).round().max(1.0) as u64,
        );
        let ext = match f.mime.as_str() {
            "image/jpeg" => "jpeg",
            "image/gif" => "gif",
            _ => "png",
        };
        let rid = self.ids.figure(index, ext);
        let drawing_id = self.ids.drawing();
        let para_id = self.ids.paragraph();
        let has_caption = caption.is_some_and(|c| !c.trim().is_empty());
        let keep = if has_caption { "<w:keepNext/>" } else { "" };
        let ind = if indent > 0 {
            format!(r#"<w:ind w:left="{indent}"/>"#)
        } else {
            String::new()
        };
        let alt = crate::emit::markup::escape(alt);
        let name = crate::emit::markup::escape(&f.file);
        let xml = format!(
            concat!(
                r#"<w:p w14:paraId="{para_id}"><w:pPr><w:pStyle w:val="Figure"/>{keep}{ind}</w:pPr>"#,
                r#"<w:r><w:drawing><wp:inline distT="0" distB="0" distL="0" distR="0">"#,
                r#"<wp:extent cx="{cx}" cy="{cy}"/><wp:effectExtent l="0" t="0" r="0" b="0"/>"#,
                r#"<wp:docPr id="{id}" name="{name}" descr="{alt}"/>"#,
                r#"<wp:cNvGraphicFramePr><a:graphicFrameLocks xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" noChangeAspect="1"/></wp:cNvGraphicFramePr>"#,
                r#"<a:graphic xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">"#,
                r#"<a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
                r#"<pic:pic xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture">"#,
                r#"<pic:nvPicPr><pic:cNvPr id="{id}" name="{name}" descr="{alt}"/><pic:cNvPicPr/></pic:nvPicPr>"#,
                r#"<pic:blipFill><a:blip r:embed="{rid}"/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"#,
                r#"<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="{cx}" cy="{cy}"/></a:xfrm>"#,
                r#"<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic>"#,
                r#"</a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"#
            ),
            para_id = para_id,
            keep = keep,
            ind = ind,
            cx = cx,
            cy = cy,
            id = drawing_id,
            name = name,
            alt = alt,
            rid = rid,
        );
        // Written here whole and well-formed: no docx-rs element to repair.
        self.body.extend_from_slice(xml.as_bytes());
        self.caption(caption, indent);
    }

    /// A figure's caption, when it has one.
    fn caption(&mut self, caption: Option<&str>, indent: i32) {
        if let Some(caption) = caption.filter(|c| !c.trim().is_empty()) {
            let p = self
                .para("Caption")
                .indent(Some(indent), None, None, None)
                .add_run(text_run(Run::new(), caption));
            self.push(p);
        }
    }

    /// A paragraph in the body style, or the quote style inside a quotation.
    fn para_plain(&mut self) -> Paragraph {
        if self.quote_depth > 0 {
            self.para("Quote")
        } else {
            self.para_unstyled()
        }
    }

    fn list_item(&mut self, item: &[Block], num: usize, level: usize, indent: i32) {
        let mut first = true;
        for block in item {
            match block {
                Block::Paragraph { content } if first => {
                    let p = self.para("ListParagraph");
                    let mut p = self
                        .inlines(p, content, Style::default())
                        .numbering(NumberingId::new(num), IndentLevel::new(level));
                    if indent > 0 {
                        p = p.indent(
                            Some(list_indent(level) + indent),
                            Some(SpecialIndentType::Hanging(LIST_INDENT)),
                            None,
                            None,
                        );
                    }
                    self.push(p);
                }
                other => {
                    if first {
                        // An item that starts with something other than text still gets
                        // its marker, on an empty first line.
                        let p = self
                            .para("ListParagraph")
                            .numbering(NumberingId::new(num), IndentLevel::new(level));
                        self.push(p);
                    }
                    self.blocks_in(std::slice::from_ref(other), indent, Some(level));
                }
            }
            first = false;
        }
    }

    /// A new numbering instance of the bullet or numbered list.
    pub fn new_list(&mut self, ordered: bool, level: usize, start: u64) -> usize {
        let id = self.ids.list();
        let mut numbering = Numbering::new(id, if ordered { ORDERED } else { BULLETS });
        if ordered {
            numbering =
                numbering.add_override(LevelOverride::new(level).start(start.min(32_767) as usize));
        }
        self.numberings.push(numbering);
        id
    }

    fn body_table(
        &mut self,
        align: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        indent: i32,
    ) {
        let columns = head
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let width = (self.sheet.text_width() - indent).max(2000);
        let col = (width / columns as i32) as usize;
        let mut table_rows = Vec::new();
        for (r, row) in std::iter::once(head)
            .chain(rows.iter().map(Vec::as_slice))
            .enumerate()
        {
            let header = r == 0;
            let cells = (0..columns)
                .map(|i| {
                    let a = match align.get(i) {
                        Some(Align::Center) => AlignmentType::Center,
                        Some(Align::Right) => AlignmentType::Right,
                        _ => AlignmentType::Left,
                    };
                    let style = if header { "TableHeader" } else { "TableText" };
                    let p = self.para(style).align(a);
                    let content = row.get(i).map_or(&[][..], Vec::as_slice);
                    let p = self.inlines(p, content, Style::default());
                    self.cell(p, col, header)
                })
                .collect();
            table_rows.push(TableRow::new(cells).cant_split());
        }
        let mut t = self.grid_table(table_rows, vec![col; columns]);
        if indent > 0 {
            t = t.indent(indent);
        }
        self.push_table(t);
    }

    /// A table cell holding one paragraph.
    pub fn cell(&self, p: Paragraph, width: usize, header: bool) -> TableCell {
        let mut c = TableCell::new()
            .add_paragraph(p)
            .width(width, docx_rs::WidthType::Dxa);
        if header {
            c = c.shading(
                docx_rs::Shading::new()
                    .shd_type(docx_rs::ShdType::Clear)
                    .fill(&self.sheet.colors.table_header_fill),
            );
        }
        c
    }

    /// Adds inline content to a paragraph.
    pub fn inlines(&mut self, mut p: Paragraph, inlines: &[Inline], style: Style) -> Paragraph {
        for inline in inlines {
            match inline {
                Inline::Link { target, content } => {
                    let mut runs = Vec::new();
                    let linked = !matches!(target, LinkTarget::None);
                    let inner = Style {
                        link: linked,
                        ..style
                    };
                    self.runs(content, inner, &mut runs);
                    match self.hyperlink(target) {
                        Some(link) => {
                            p = p.add_hyperlink(runs.into_iter().fold(link, Hyperlink::add_run))
                        }
                        None => {
                            for r in runs {
                                p = p.add_run(r);
                            }
                        }
                    }
                }
                other => {
                    let mut runs = Vec::new();
                    self.runs(std::slice::from_ref(other), style, &mut runs);
                    for r in runs {
                        p = p.add_run(r);
                    }
                }
            }
        }
        p
    }

    /// A hyperlink element for a link target (`None` for one that cannot be followed).
    pub fn hyperlink(&mut self, target: &LinkTarget) -> Option<Hyperlink> {
        match target {
            LinkTarget::Anchor { anchor } => {
                Some(Hyperlink::new(&anchor.bookmark, HyperlinkType::Anchor))
            }
            LinkTarget::Url { url } => Some(self.external_link(url)),
            LinkTarget::None => None,
        }
    }

    /// A hyperlink to an address, its relationship id from the package's allocator.
    pub fn external_link(&mut self, url: &str) -> Hyperlink {
        Hyperlink {
            link: HyperlinkData::External {
                rid: self.ids.link(url),
                path: String::new(),
            },
            history: None,
            children: Vec::<ParagraphChild>::new(),
        }
    }

    fn runs(&mut self, inlines: &[Inline], style: Style, out: &mut Vec<Run>) {
        for inline in inlines {
            match inline {
                Inline::Text { text } => out.push(style.run(text, self)),
                Inline::Code { text } => out.push(
                    Style {
                        code: true,
                        ..style
                    }
                    .run(text, self),
                ),
                Inline::Emphasis { content } => self.runs(
                    content,
                    Style {
                        emphasis: true,
                        ..style
                    },
                    out,
                ),
                Inline::Strong { content } => self.runs(
                    content,
                    Style {
                        bold: true,
                        ..style
                    },
                    out,
                ),
                Inline::Strike { content } => self.runs(
                    content,
                    Style {
                        strike: true,
                        ..style
                    },
                    out,
                ),
                // A link inside a link keeps only its text.
                Inline::Link { content, .. } => self.runs(content, style, out),
                Inline::LineBreak => out.push(Run::new().add_break(BreakType::TextWrapping)),
            }
        }
    }
}

impl Style {
    /// A run of text in this style.
    fn run(&self, text: &str, doc: &Doc<'_>) -> Run {
        let mut run = text_run(Run::new(), text);
        // A run has one character style: a link's wins; emphasis is then set directly.
        if self.link {
            run = run.style("Hyperlink");
        } else if self.emphasis {
            run = run.style("Emphasis");
        }
        if self.bold {
            run = run.bold();
        }
        if self.strike {
            run = run.strike();
        }
        if self.code {
            let code = &doc.sheet.fonts.code;
            run = run.fonts(RunFonts::new().ascii(code).hi_ansi(code));
        }
        run
    }
}

/// Adds text to a run: characters XML forbids are dropped (validation already refuses them),
/// tabs become tab elements and line breaks become breaks.
pub fn text_run(mut run: Run, text: &str) -> Run {
    if text
        .chars()
        .all(|c| c != '\t' && c != '\n' && c != '\r' && crate::model::xml_allowed(c))
    {
        return if text.is_empty() {
            run
        } else {
            run.add_text(text)
        };
    }
    let mut buffer = String::new();
    for c in text.chars() {
        match c {
            '\t' | '\n' => {
                if !buffer.is_empty() {
                    run = run.add_text(std::mem::take(&mut buffer));
                }
                run = if c == '\t' {
                    run.add_tab()
                } else {
                    run.add_break(BreakType::TextWrapping)
                };
            }
            c if crate::model::xml_allowed(c) && c != '\r' => buffer.push(c),
            _ => {}
        }
    }
    if !buffer.is_empty() {
        run = run.add_text(buffer);
    }
    run
}

/// Left indent of list text at a level.
fn list_indent(level: usize) -> i32 {
    LIST_INDENT * (level as i32 + 1)
}

fn indented(p: Paragraph, indent: i32) -> Paragraph {
    if indent > 0 {
        p.indent(Some(indent), None, None, None)
    } else {
        p
    }
}

/// The bullet and numbered list definitions (nine levels each); markers are set in the
/// East Asian face in every slot, as "●" is ambiguous-width and would otherwise come from
/// the Latin face.
pub fn list_definitions(marker_font: &str) -> [AbstractNumbering; 2] {
    // ● ○ ■, written as escapes: no literal reader-facing text in code.
    let bullets = ["\u{25CF}", "\u{25CB}", "\u{25A0}"];
    let marker_fonts = RunFonts::new()
        .ascii(marker_font)
        .hi_ansi(marker_font)
        .east_asia(marker_font);
    let mut bullet = AbstractNumbering::new(BULLETS);
    let mut ordered = AbstractNumbering::new(ORDERED);
    for level in 0..9 {
        let indent = |l: Level| {
            let mut l = l.indent(
                Some(list_indent(level)),
                Some(SpecialIndentType::Hanging(LIST_INDENT)),
                None,
                None,
            );
            l.run_property = l.run_property.fonts(marker_fonts.clone());
            l
        };
        bullet = bullet.add_level(indent(Level::new(
            level,
            Start::new(1),
            NumberFormat::new("bullet"),
            LevelText::new(bullets[level % 3]),
            LevelJc::new("left"),
        )));
        let (format, text) = match level % 3 {
            0 => ("decimal", format!("%{}.", level + 1)),
            1 => ("decimal", format!("(%{})", level + 1)),
            _ => ("lowerLetter", format!("%{})", level + 1)),
        };
        ordered = ordered.add_level(indent(Level::new(
            level,
            Start::new(1),
            NumberFormat::new(format),
            LevelText::new(text),
            LevelJc::new("left"),
        )));
    }
    [bullet, ordered]
}
