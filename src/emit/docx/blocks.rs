//! Body blocks and inline text → Word paragraphs, lists and tables.

use std::collections::HashMap;

use docx_rs::{
    AbstractNumbering, AlignmentType, BorderType, BreakType, Hyperlink, HyperlinkType, IndentLevel,
    Level, LevelJc, LevelOverride, LevelText, NumberFormat, Numbering, NumberingId, Paragraph, Run,
    RunFonts, Shading, ShdType, SpecialIndentType, Start, Table, TableBorder, TableBorderPosition,
    TableBorders, TableCell, TableRow, WidthType,
};

use super::sheet::Sheet;
use crate::model::{Align, Block, Inline};

/// Abstract numbering id of bullet lists (ids 1 and below belong to docx-rs).
pub const BULLET_ABSTRACT: usize = 2;
/// Abstract numbering id of numbered lists.
pub const ORDERED_ABSTRACT: usize = 3;
/// First id given to list instances.
const FIRST_LIST_NUM: usize = 10;
/// First bookmark id (docx-rs's own TOC would use small ids).
const FIRST_BOOKMARK: usize = 1000;

/// A piece of the document body.
pub enum Element {
    /// A paragraph.
    Paragraph(Box<Paragraph>),
    /// A table.
    Table(Box<Table>),
}

/// State shared while the document is assembled: list numbering instances, bookmarks.
pub struct Ctx<'s> {
    /// The style sheet.
    pub sheet: &'s Sheet,
    numberings: Vec<Numbering>,
    next_num: usize,
    bookmarks: HashMap<String, (usize, String)>,
    next_bookmark: usize,
}

impl<'s> Ctx<'s> {
    /// A fresh context.
    pub fn new(sheet: &'s Sheet) -> Self {
        Self {
            sheet,
            numberings: Vec::new(),
            next_num: FIRST_LIST_NUM,
            bookmarks: HashMap::new(),
            next_bookmark: FIRST_BOOKMARK,
        }
    }

    /// Registers a bookmark for a model anchor (a part, point or topic id) and returns its
    /// Word name and id. Word names allow letters, digits and `_`, at most 40 characters.
    pub fn bookmark(&mut self, anchor: &str) -> (usize, String) {
        if let Some(b) = self.bookmarks.get(anchor) {
            return b.clone();
        }
        let id = self.next_bookmark;
        self.next_bookmark += 1;
        let name = format!("_s{id}");
        self.bookmarks
            .insert(anchor.to_string(), (id, name.clone()));
        (id, name)
    }

    /// The bookmark name of an anchor registered earlier or later (links may point forward).
    pub fn bookmark_name(&mut self, anchor: &str) -> String {
        self.bookmark(anchor).1
    }

    /// The list numbering instances created so far.
    pub fn take_numberings(&mut self) -> Vec<Numbering> {
        std::mem::take(&mut self.numberings)
    }

    fn new_list(&mut self, ordered: bool, level: usize, start: u64) -> usize {
        let id = self.next_num;
        self.next_num += 1;
        let mut numbering = Numbering::new(
            id,
            if ordered {
                ORDERED_ABSTRACT
            } else {
                BULLET_ABSTRACT
            },
        );
        if ordered {
            numbering =
                numbering.add_override(LevelOverride::new(level).start(start.min(32_767) as usize));
        }
        self.numberings.push(numbering);
        id
    }

    /// Body blocks → document elements; `indent` is a left indent in twips for every
    /// paragraph (used for nested topics).
    pub fn blocks(&mut self, blocks: &[Block], indent: i32) -> Vec<Element> {
        let mut out = Vec::new();
        self.blocks_into(blocks, indent, None, &mut out);
        out
    }

    fn blocks_into(
        &mut self,
        blocks: &[Block],
        indent: i32,
        list: Option<(usize, usize)>,
        out: &mut Vec<Element>,
    ) {
        for block in blocks {
            match block {
                Block::Heading { content, .. } => {
                    let p = self
                        .inlines(
                            Paragraph::new().style("BodyHeading"),
                            content,
                            Style::default(),
                        )
                        .keep_next(true);
                    out.push(para(indented(p, indent)));
                }
                Block::Paragraph(content) => {
                    let p = self.inlines(Paragraph::new(), content, Style::default());
                    let p = match list {
                        // A continuation paragraph of a list item lines up with its text.
                        Some((_, level)) => {
                            p.indent(Some(list_indent(level) + indent), None, None, None)
                        }
                        None => indented(p, indent),
                    };
                    out.push(para(p));
                }
                Block::List {
                    ordered,
                    start,
                    items,
                } => {
                    let level = list.map_or(0, |(_, l)| (l + 1).min(8));
                    let num = self.new_list(*ordered, level, *start);
                    for item in items {
                        self.list_item(item, num, level, indent, out);
                    }
                }
                Block::Table { align, head, rows } => {
                    out.push(Element::Table(Box::new(
                        self.table(align, head, rows, indent),
                    )));
                    out.push(para(Paragraph::new().style("Spacer")));
                }
                Block::Quote(inner) => {
                    let mut quoted = Vec::new();
                    self.blocks_into(inner, indent + 420, None, &mut quoted);
                    for e in quoted {
                        out.push(match e {
                            Element::Paragraph(p) => para(p.style("Quote")),
                            table => table,
                        });
                    }
                }
                Block::Code(code) => {
                    let mut run = Run::new();
                    for (i, line) in code.split('\n').enumerate() {
                        if i > 0 {
                            run = run.add_break(BreakType::TextWrapping);
                        }
                        run = text_run(run, line);
                    }
                    out.push(para(indented(
                        Paragraph::new().style("Code").add_run(run),
                        indent,
                    )));
                }
                Block::Rule => out.push(para(
                    Paragraph::new()
                        .align(AlignmentType::Center)
                        .add_run(Run::new().add_text("＊　＊　＊")),
                )),
            }
        }
    }

    fn list_item(
        &mut self,
        item: &[Block],
        num: usize,
        level: usize,
        indent: i32,
        out: &mut Vec<Element>,
    ) {
        let mut first = true;
        for block in item {
            match block {
                Block::Paragraph(content) if first => {
                    let mut p = self
                        .inlines(
                            Paragraph::new().style("ListParagraph"),
                            content,
                            Style::default(),
                        )
                        .numbering(NumberingId::new(num), IndentLevel::new(level));
                    if indent > 0 {
                        p = p.indent(
                            Some(list_indent(level) + indent),
                            Some(SpecialIndentType::Hanging(420)),
                            None,
                            None,
                        );
                    }
                    out.push(para(p));
                }
                other => {
                    if first {
                        // An item that starts with something other than text still gets
                        // its marker, on an empty first line.
                        out.push(para(
                            Paragraph::new()
                                .style("ListParagraph")
                                .numbering(NumberingId::new(num), IndentLevel::new(level)),
                        ));
                    }
                    self.blocks_into(std::slice::from_ref(other), indent, Some((num, level)), out);
                }
            }
            first = false;
        }
    }

    fn table(
        &mut self,
        align: &[Align],
        head: &[Vec<Inline>],
        rows: &[Vec<Vec<Inline>>],
        indent: i32,
    ) -> Table {
        let columns = head
            .len()
            .max(rows.iter().map(Vec::len).max().unwrap_or(0))
            .max(1);
        let width = (self.sheet.text_width() as i32 - indent).max(2000) as usize;
        let col = width / columns;
        let cell = |ctx: &mut Self, content: &[Inline], i: usize, header: bool| {
            let a = match align.get(i) {
                Some(Align::Center) => AlignmentType::Center,
                Some(Align::Right) => AlignmentType::Right,
                _ => AlignmentType::Left,
            };
            let style = Style {
                bold: header,
                ..Style::default()
            };
            let p = ctx.inlines(Paragraph::new().style("TableText").align(a), content, style);
            let mut c = TableCell::new().add_paragraph(p).width(col, WidthType::Dxa);
            if header {
                c = c.shading(
                    Shading::new()
                        .shd_type(ShdType::Clear)
                        .fill(&ctx.sheet.colors.table_header_fill),
                );
            }
            c
        };
        let mut table_rows = Vec::new();
        if !head.is_empty() {
            let cells = (0..columns)
                .map(|i| cell(self, head.get(i).map_or(&[][..], Vec::as_slice), i, true))
                .collect();
            table_rows.push(TableRow::new(cells).cant_split());
        }
        for row in rows {
            let cells = (0..columns)
                .map(|i| cell(self, row.get(i).map_or(&[][..], Vec::as_slice), i, false))
                .collect();
            table_rows.push(TableRow::new(cells));
        }
        let mut t = grid_table(table_rows, vec![col; columns], self.sheet);
        if indent > 0 {
            t = t.indent(indent);
        }
        t
    }

    /// Adds inline content to a paragraph.
    pub fn inlines(&mut self, mut p: Paragraph, inlines: &[Inline], style: Style) -> Paragraph {
        for inline in inlines {
            match inline {
                Inline::Text(t) => p = p.add_run(style.run(t, self.sheet)),
                Inline::Code(t) => {
                    p = p.add_run(
                        Style {
                            code: true,
                            ..style
                        }
                        .run(t, self.sheet),
                    )
                }
                Inline::Emphasis(c) => {
                    p = self.inlines(
                        p,
                        c,
                        Style {
                            italic: true,
                            ..style
                        },
                    )
                }
                Inline::Strong(c) => {
                    p = self.inlines(
                        p,
                        c,
                        Style {
                            bold: true,
                            ..style
                        },
                    )
                }
                Inline::Strike(c) => {
                    p = self.inlines(
                        p,
                        c,
                        Style {
                            strike: true,
                            ..style
                        },
                    )
                }
                Inline::LineBreak => p = p.add_run(Run::new().add_break(BreakType::TextWrapping)),
                Inline::Link { url, content, .. } => {
                    let link = match url.strip_prefix('#') {
                        Some(anchor) => {
                            Hyperlink::new(self.bookmark_name(anchor), HyperlinkType::Anchor)
                        }
                        None => Hyperlink::new(url, HyperlinkType::External),
                    };
                    let mut runs = Vec::new();
                    flatten_runs(
                        content,
                        Style {
                            link: true,
                            ..style
                        },
                        self.sheet,
                        &mut runs,
                    );
                    let link = runs.into_iter().fold(link, Hyperlink::add_run);
                    p = p.add_hyperlink(link);
                }
            }
        }
        p
    }
}

/// Character formatting while walking inline content.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Strikethrough.
    pub strike: bool,
    /// Monospace.
    pub code: bool,
    /// Hyperlink character style.
    pub link: bool,
}

impl Style {
    /// A run of text in this style.
    pub fn run(&self, text: &str, sheet: &Sheet) -> Run {
        let mut run = text_run(Run::new(), text);
        if self.link {
            run = run.style("Hyperlink");
        }
        if self.bold {
            run = run.bold();
        }
        if self.italic {
            run = run.italic();
        }
        if self.strike {
            run = run.strike();
        }
        if self.code {
            run = run.fonts(
                RunFonts::new()
                    .ascii(&sheet.fonts.code)
                    .hi_ansi(&sheet.fonts.code),
            );
        }
        run
    }
}

fn flatten_runs(inlines: &[Inline], style: Style, sheet: &Sheet, out: &mut Vec<Run>) {
    for inline in inlines {
        match inline {
            Inline::Text(t) => out.push(style.run(t, sheet)),
            Inline::Code(t) => out.push(
                Style {
                    code: true,
                    ..style
                }
                .run(t, sheet),
            ),
            Inline::Emphasis(c) => flatten_runs(
                c,
                Style {
                    italic: true,
                    ..style
                },
                sheet,
                out,
            ),
            Inline::Strong(c) => flatten_runs(
                c,
                Style {
                    bold: true,
                    ..style
                },
                sheet,
                out,
            ),
            Inline::Strike(c) => flatten_runs(
                c,
                Style {
                    strike: true,
                    ..style
                },
                sheet,
                out,
            ),
            Inline::Link { content, .. } => flatten_runs(content, style, sheet, out),
            Inline::LineBreak => out.push(Run::new().add_break(BreakType::TextWrapping)),
        }
    }
}

/// Adds text to a run: characters XML forbids are dropped (validation already refuses them),
/// tabs become tab elements and line breaks become breaks.
pub fn text_run(mut run: Run, text: &str) -> Run {
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
    420 * (level as i32 + 1)
}

fn indented(p: Paragraph, indent: i32) -> Paragraph {
    if indent > 0 {
        p.indent(Some(indent), None, None, None)
    } else {
        p
    }
}

/// Wraps a paragraph as an element.
pub fn para(p: Paragraph) -> Element {
    Element::Paragraph(Box::new(p))
}

/// A bordered table on a fixed grid.
pub fn grid_table(rows: Vec<TableRow>, grid: Vec<usize>, sheet: &Sheet) -> Table {
    let width = grid.iter().sum();
    let border = |p| {
        TableBorder::new(p)
            .border_type(BorderType::Single)
            .size(4)
            .color(&sheet.colors.table_border)
    };
    Table::new(rows)
        .set_grid(grid)
        .width(width, WidthType::Dxa)
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

/// The bullet and numbered list definitions (nine levels each).
pub fn list_definitions(sheet: &Sheet) -> [AbstractNumbering; 2] {
    let bullets = ["●", "○", "■", "●", "○", "■", "●", "○", "■"];
    // Markers are set in the East Asian font in every slot: "●" is an ambiguous-width
    // character that Word and LibreOffice would otherwise take from the Latin font.
    let marker_font = &sheet.fonts.body_east_asia;
    let marker_fonts = RunFonts::new()
        .ascii(marker_font)
        .hi_ansi(marker_font)
        .east_asia(marker_font);
    let mut bullet = AbstractNumbering::new(BULLET_ABSTRACT);
    let mut ordered = AbstractNumbering::new(ORDERED_ABSTRACT);
    for (level, bullet_text) in bullets.iter().enumerate() {
        let indent = |l: Level| {
            let mut l = l.indent(
                Some(list_indent(level)),
                Some(SpecialIndentType::Hanging(420)),
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
            LevelText::new(*bullet_text),
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
