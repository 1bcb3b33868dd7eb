//! The body's hot path: paragraphs and tables serialised straight from docx-rs's elements,
//! in schema order, into the document being written.
//!
//! docx-rs stays the builder, but its own writer is slow for what a supplement is made of
//! (tens of thousands of short runs): every element goes through a general event writer,
//! every run writes its properties field by field, and the result then has to be parsed
//! again by [`repair::schema`] to put children in the order ECMA-376 requires. Here the
//! elements this emitter makes most (paragraphs with a style, numbering, indent,
//! alignment; runs with no properties or only a character style; text, hyperlinks,
//! bookmarks; table rows and cells of paragraphs) are written directly, byte for byte as
//! docx-rs and the repairs would write them: values are copied as docx-rs stores them
//! (already escaped when the element was made), elements are spelt the way its writer
//! spells them (`<w:pStyle w:val="…" />`), children come in schema order.
//!
//! Anything else falls back to the reference path at the smallest element that has it —
//! a run's properties, a paragraph's properties, a whole table — built by docx-rs and
//! repaired, so what this module does not know is still written correctly. A test renders
//! whole documents both ways and compares the bytes (`tests/it/speed.rs`).

use docx_rs::{
    BuildXML, Hyperlink, HyperlinkData, Paragraph, ParagraphChild, ParagraphProperty, Run,
    RunChild, RunProperty, SpecialIndentType, Table, TableCellContent, TableChild, TableRow,
    TableRowChild,
};

use super::repair::{self, RepairError};

type Result<T> = std::result::Result<T, RepairError>;

/// Writes a paragraph (`w:p`).
pub fn paragraph(p: &Paragraph, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"<w:p w14:paraId=\"");
    out.extend_from_slice(p.id.as_bytes());
    out.extend_from_slice(b"\">");
    paragraph_property(&p.property, out)?;
    for child in &p.children {
        paragraph_child(child, out)?;
    }
    out.extend_from_slice(b"</w:p>");
    Ok(())
}

/// Writes a table (`w:tbl`) whose first row repeats as a header on every page — what
/// [`repair::header_rows`] and [`repair::schema`] make of docx-rs's table.
pub fn table(t: &Table, out: &mut Vec<u8>) -> Result<()> {
    if !is_plain_table(t) {
        let (xml, _) = repair::header_rows(&t.build())?;
        out.extend_from_slice(&repair::schema(&xml)?);
        return Ok(());
    }
    table_open(t, out)?;
    for (i, TableChild::TableRow(row)) in t.rows.iter().enumerate() {
        table_row(row, i == 0, out)?;
    }
    out.extend_from_slice(TABLE_CLOSE);
    Ok(())
}

/// The end of a table.
pub const TABLE_CLOSE: &[u8] = b"</w:tbl>";

/// The start of a table, its properties and its grid; its rows come next, each through
/// [`table_row`] (a table streamed row by row), then [`TABLE_CLOSE`].
pub fn table_open(t: &Table, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"<w:tbl>");
    out.extend_from_slice(&repair::schema(&t.property.build())?);
    out.extend_from_slice(b"<w:tblGrid>");
    for width in &t.grid {
        // docx-rs writes `w:gridCol` as i32 with a `w:type` the schema repair removes.
        out.extend_from_slice(b"<w:gridCol w:w=\"");
        push_display(out, *width as i32);
        out.extend_from_slice(b"\"/>");
    }
    out.extend_from_slice(b"</w:tblGrid>");
    Ok(())
}

/// A table this module writes itself: it has rows and a grid, and every cell holds
/// paragraphs only (a nested table, or a cell docx-rs would fill with an empty paragraph,
/// takes the reference path).
fn is_plain_table(t: &Table) -> bool {
    !t.rows.is_empty()
        && !t.grid.is_empty()
        && t.rows.iter().all(|TableChild::TableRow(row)| {
            row.cells.iter().all(|TableRowChild::TableCell(cell)| {
                !cell.children.is_empty()
                    && cell
                        .children
                        .iter()
                        .all(|c| matches!(c, TableCellContent::Paragraph(_)))
            })
        })
}

/// A row of cells that hold paragraphs (a `header` row repeats on every page).
pub fn table_row(row: &TableRow, header: bool, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"<w:tr>");
    let property = row.property.build();
    if header {
        // As repair::header_rows does: `w:tblHeader` first in the row's properties, then
        // put in schema order.
        const OPEN: &[u8] = b"<w:trPr>";
        const EMPTY: &[u8] = b"<w:trPr />";
        const HEADER: &[u8] = b"<w:tblHeader/>";
        let mut marked = Vec::with_capacity(property.len() + HEADER.len() + OPEN.len());
        if let Some(rest) = property.strip_prefix(OPEN) {
            marked.extend_from_slice(OPEN);
            marked.extend_from_slice(HEADER);
            marked.extend_from_slice(rest);
        } else if property == EMPTY {
            marked.extend_from_slice(OPEN);
            marked.extend_from_slice(HEADER);
            marked.extend_from_slice(b"</w:trPr>");
        } else {
            return Err(RepairError::Missing {
                pass: "header_rows",
                what: "the properties of a table row".into(),
            });
        }
        out.extend_from_slice(&repair::schema(&marked)?);
    } else {
        out.extend_from_slice(&repair::schema(&property)?);
    }
    for TableRowChild::TableCell(cell) in &row.cells {
        out.extend_from_slice(b"<w:tc>");
        out.extend_from_slice(&repair::schema(&cell.property.build())?);
        for content in &cell.children {
            if let TableCellContent::Paragraph(p) = content {
                paragraph(p, out)?;
            }
        }
        out.extend_from_slice(b"</w:tc>");
    }
    out.extend_from_slice(b"</w:tr>");
    Ok(())
}

/// Paragraph properties (`w:pPr`): the ones this emitter sets, in schema order; any other
/// takes the reference path. docx-rs always writes an (empty) `w:rPr` first, which the
/// schema repair drops, so the element is never self-closing.
fn paragraph_property(pp: &ParagraphProperty, out: &mut Vec<u8>) -> Result<()> {
    let ParagraphProperty {
        run_property,
        style,
        numbering_property,
        alignment,
        indent,
        line_spacing,
        keep_next,
        keep_lines,
        bidi,
        page_break_before,
        widow_control,
        outline_lvl,
        section_property,
        tabs,
        paragraph_property_change,
        borders,
        frame_property,
        text_alignment,
        adjust_right_ind,
        snap_to_grid,
        shading,
        // `div_id` is only set when docx-rs reads a document.
        ..
    } = pp;
    let numbering = match numbering_property {
        Some(n) => match (&n.id, &n.level) {
            (Some(id), Some(level)) => Some((id.id, level.val)),
            _ => return reference_property(pp, out),
        },
        None => None,
    };
    let plain_indent = indent.as_ref().is_none_or(|i| {
        i.start_chars.is_none() && i.hanging_chars.is_none() && i.first_line_chars.is_none()
    });
    if *run_property != RunProperty::default()
        || line_spacing.is_some()
        || keep_lines.is_some()
        || bidi.is_some()
        || widow_control.is_some()
        || outline_lvl.is_some()
        || section_property.is_some()
        || !tabs.is_empty()
        || paragraph_property_change.is_some()
        || borders.is_some()
        || frame_property.is_some()
        || text_alignment.is_some()
        || adjust_right_ind.is_some()
        || snap_to_grid.is_some()
        || shading.is_some()
        || !plain_indent
    {
        return reference_property(pp, out);
    }
    out.extend_from_slice(b"<w:pPr>");
    if let Some(style) = style {
        closed_with_val(out, b"w:pStyle", style.val.as_bytes());
    }
    if *keep_next == Some(true) {
        out.extend_from_slice(b"<w:keepNext />");
    }
    if *page_break_before == Some(true) {
        out.extend_from_slice(b"<w:pageBreakBefore />");
    }
    if let Some((id, level)) = numbering {
        out.extend_from_slice(b"<w:numPr><w:ilvl w:val=\"");
        push_display(out, level);
        out.extend_from_slice(b"\" /><w:numId w:val=\"");
        push_display(out, id);
        out.extend_from_slice(b"\" /></w:numPr>");
    }
    if let Some(i) = indent {
        out.extend_from_slice(b"<w:ind w:left=\"");
        push_display(out, i.start.unwrap_or(0));
        out.extend_from_slice(b"\" w:right=\"");
        push_display(out, i.end.unwrap_or_default());
        match i.special_indent {
            Some(SpecialIndentType::FirstLine(v)) => {
                out.extend_from_slice(b"\" w:firstLine=\"");
                push_display(out, v);
            }
            Some(SpecialIndentType::Hanging(v)) => {
                out.extend_from_slice(b"\" w:hanging=\"");
                push_display(out, v);
            }
            None => {}
        }
        out.extend_from_slice(b"\" />");
    }
    if let Some(jc) = alignment {
        closed_with_val(out, b"w:jc", jc.val.as_bytes());
    }
    out.extend_from_slice(b"</w:pPr>");
    Ok(())
}

fn reference_property(pp: &ParagraphProperty, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(&repair::schema(&pp.build())?);
    Ok(())
}

fn paragraph_child(child: &ParagraphChild, out: &mut Vec<u8>) -> Result<()> {
    match child {
        ParagraphChild::Run(run) => self::run(run, out),
        ParagraphChild::Hyperlink(link) => hyperlink(link, out),
        ParagraphChild::BookmarkStart(b) => {
            out.extend_from_slice(b"<w:bookmarkStart w:id=\"");
            push_display(out, b.id);
            out.extend_from_slice(b"\" w:name=\"");
            out.extend_from_slice(b.name.as_bytes());
            out.extend_from_slice(b"\" />");
            Ok(())
        }
        ParagraphChild::BookmarkEnd(b) => {
            out.extend_from_slice(b"<w:bookmarkEnd w:id=\"");
            push_display(out, b.id);
            out.extend_from_slice(b"\" />");
            Ok(())
        }
        other => {
            out.extend_from_slice(&repair::schema(&other.build())?);
            Ok(())
        }
    }
}

fn hyperlink(link: &Hyperlink, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"<w:hyperlink ");
    match &link.link {
        HyperlinkData::External { rid, .. } => {
            out.extend_from_slice(b"r:id=\"");
            out.extend_from_slice(rid.as_bytes());
        }
        HyperlinkData::Anchor { anchor } => {
            out.extend_from_slice(b"w:anchor=\"");
            out.extend_from_slice(anchor.as_bytes());
        }
    }
    out.extend_from_slice(b"\" w:history=\"");
    push_display(out, link.history.unwrap_or(1));
    if link.children.is_empty() {
        out.extend_from_slice(b"\" />");
        return Ok(());
    }
    out.extend_from_slice(b"\">");
    for child in &link.children {
        paragraph_child(child, out)?;
    }
    out.extend_from_slice(b"</w:hyperlink>");
    Ok(())
}

fn run(run: &Run, out: &mut Vec<u8>) -> Result<()> {
    out.extend_from_slice(b"<w:r>");
    run_property(&run.run_property, out)?;
    for child in &run.children {
        match child {
            RunChild::Text(t) => {
                out.extend_from_slice(if t.preserve_space {
                    b"<w:t xml:space=\"preserve\">"
                } else {
                    b"<w:t xml:space=\"default\">"
                });
                out.extend_from_slice(t.text.as_bytes());
                out.extend_from_slice(b"</w:t>");
            }
            // Leaves the schema repair leaves alone: docx-rs's own bytes.
            RunChild::Break(_) | RunChild::Tab(_) | RunChild::FieldChar(_) => {
                out.extend_from_slice(&child.build());
            }
            other => out.extend_from_slice(&repair::schema(&other.build())?),
        }
    }
    out.extend_from_slice(b"</w:r>");
    Ok(())
}

/// Run properties: none (`<w:rPr />`), or a character style alone; anything else takes the
/// reference path. Every field is named, so a docx-rs that adds one does not compile here
/// until it is handled.
fn run_property(rp: &RunProperty, out: &mut Vec<u8>) -> Result<()> {
    let RunProperty {
        style,
        sz,
        sz_cs,
        color,
        highlight,
        vert_align,
        underline,
        bold,
        bold_cs,
        caps,
        italic,
        italic_cs,
        vanish,
        spec_vanish,
        character_spacing,
        fit_text,
        stretch,
        fonts,
        text_border,
        del,
        ins,
        strike,
        dstrike,
        positional_tab,
        shading,
    } = rp;
    let others = sz.is_some()
        || sz_cs.is_some()
        || color.is_some()
        || highlight.is_some()
        || vert_align.is_some()
        || underline.is_some()
        || bold.is_some()
        || bold_cs.is_some()
        || caps.is_some()
        || italic.is_some()
        || italic_cs.is_some()
        || vanish.is_some()
        || spec_vanish.is_some()
        || character_spacing.is_some()
        || fit_text.is_some()
        || stretch.is_some()
        || fonts.is_some()
        || text_border.is_some()
        || del.is_some()
        || ins.is_some()
        || strike.is_some()
        || dstrike.is_some()
        || positional_tab.is_some()
        || shading.is_some();
    match (style, others) {
        (None, false) => out.extend_from_slice(b"<w:rPr />"),
        (Some(style), false) => {
            out.extend_from_slice(b"<w:rPr>");
            closed_with_val(out, b"w:rStyle", style.val.as_bytes());
            out.extend_from_slice(b"</w:rPr>");
        }
        _ => out.extend_from_slice(&repair::schema(&rp.build())?),
    }
    Ok(())
}

/// `<name w:val="value" />`, spelt as docx-rs's writer spells an empty element.
fn closed_with_val(out: &mut Vec<u8>, name: &[u8], value: &[u8]) {
    out.push(b'<');
    out.extend_from_slice(name);
    out.extend_from_slice(b" w:val=\"");
    out.extend_from_slice(value);
    out.extend_from_slice(b"\" />");
}

fn push_display(out: &mut Vec<u8>, value: impl std::fmt::Display) {
    use std::io::Write as _;
    // Writing into a Vec cannot fail.
    let _ = write!(out, "{value}");
}

#[cfg(test)]
mod tests {
    use docx_rs::{
        AlignmentType, BreakType, FieldCharType, Hyperlink, HyperlinkType, IndentLevel,
        NumberingId, Paragraph, Run, RunFonts, Shading, ShdType, SpecialIndentType, Table,
        TableCell, TableRow, WidthType,
    };

    use super::*;

    /// What docx-rs and the repairs write for a paragraph.
    fn reference_paragraph(p: &Paragraph) -> String {
        String::from_utf8(repair::schema(&p.build()).expect("repairs")).expect("utf-8")
    }

    fn direct_paragraph(p: &Paragraph) -> String {
        let mut out = Vec::new();
        paragraph(p, &mut out).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    fn reference_table(t: &Table) -> String {
        let (xml, _) = repair::header_rows(&t.build()).expect("header row");
        String::from_utf8(repair::schema(&xml).expect("repairs")).expect("utf-8")
    }

    fn direct_table(t: &Table) -> String {
        let mut out = Vec::new();
        table(t, &mut out).expect("writes");
        String::from_utf8(out).expect("utf-8")
    }

    /// Paragraphs that take every branch of the direct writer, and some that fall back.
    fn paragraphs() -> Vec<Paragraph> {
        let text = |s: &str| Run::new().add_text(s);
        vec![
            Paragraph::new().id("00000001"),
            Paragraph::new()
                .id("00000002")
                .style("Heading1")
                .page_break_before(true)
                .keep_next(true)
                .add_run(text("見出し & <tag> \"quoted\" 'single'")),
            Paragraph::new()
                .id("00000003")
                .style("ListParagraph")
                .numbering(NumberingId::new(7), IndentLevel::new(2))
                .indent(Some(840), Some(SpecialIndentType::Hanging(420)), None, None)
                .add_run(text("項目")),
            Paragraph::new()
                .id("00000004")
                .indent(
                    Some(420),
                    Some(SpecialIndentType::FirstLine(210)),
                    Some(10),
                    None,
                )
                .align(AlignmentType::Center)
                .add_run(Run::new().style("Emphasis").add_text("強調"))
                .add_run(Run::new().add_break(BreakType::TextWrapping).add_tab())
                .add_run(Run::new().add_text("")),
            Paragraph::new()
                .id("00000005")
                .add_bookmark_start(3, "_point_1")
                .add_hyperlink(
                    Hyperlink::new("_point_1", HyperlinkType::Anchor)
                        .add_run(Run::new().style("Hyperlink").add_text("リンク")),
                )
                .add_hyperlink(Hyperlink::new("_empty", HyperlinkType::Anchor))
                .add_bookmark_end(3),
            Paragraph::new()
                .id("00000006")
                .add_run(Run::new().add_field_char(FieldCharType::Begin, false))
                .add_run(Run::new().add_field_char(FieldCharType::End, false)),
            // Fallbacks: run properties beyond a style, paragraph properties beyond the
            // ones written directly, numbering without a level.
            Paragraph::new()
                .id("00000007")
                .add_run(text("太字").bold().strike().underline("single"))
                .add_run(text("code").fonts(RunFonts::new().ascii("Consolas").hi_ansi("Consolas"))),
            Paragraph::new()
                .id("00000008")
                .style("Quote")
                .line_spacing(docx_rs::LineSpacing::new().after(120))
                .widow_control(true)
                .add_run(text("行間")),
            Paragraph::new()
                .id("00000009")
                .indent(Some(420), None, None, Some(100))
                .add_run(text("字下げ")),
        ]
    }

    #[test]
    fn paragraphs_are_written_as_docx_rs_and_the_repairs_write_them() {
        for p in paragraphs() {
            assert_eq!(direct_paragraph(&p), reference_paragraph(&p));
        }
    }

    #[test]
    fn tables_are_written_as_docx_rs_and_the_repairs_write_them() {
        let cell =
            |p: Paragraph, w: usize| TableCell::new().add_paragraph(p).width(w, WidthType::Dxa);
        let paragraphs = paragraphs();
        let rows = |cant_split: bool| {
            paragraphs
                .chunks(3)
                .map(|ps| {
                    let mut cells: Vec<TableCell> =
                        ps.iter().map(|p| cell(p.clone(), 3000)).collect();
                    cells[0] = cells[0]
                        .clone()
                        .shading(Shading::new().shd_type(ShdType::Clear).fill("D9E2F3"));
                    let row = TableRow::new(cells);
                    if cant_split {
                        row.cant_split()
                    } else {
                        row
                    }
                })
                .collect::<Vec<_>>()
        };
        let spanned = TableRow::new(vec![cell(paragraphs[1].clone(), 9000).grid_span(3)]);
        let tables = [
            Table::new(rows(true)).set_grid(vec![3000, 3000, 3000]),
            // A header row without properties of its own.
            Table::new(rows(false))
                .set_grid(vec![3000, 3000, 3000])
                .indent(420)
                .width(9000, WidthType::Dxa),
            Table::new(vec![spanned]).set_grid(vec![3000, 3000, 3000]),
            // Falls back: a nested table (with a paragraph after it, as docx-rs would
            // otherwise add an empty one with an id from its process-wide counter).
            Table::new(vec![TableRow::new(vec![TableCell::new()
                .add_table(Table::new(rows(true)).set_grid(vec![1000, 1000, 1000]))
                .add_paragraph(paragraphs[0].clone())])])
            .set_grid(vec![3000]),
        ];
        for t in &tables {
            assert_eq!(direct_table(t), reference_table(t));
        }
    }
}
