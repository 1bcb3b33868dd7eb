//! The Word styles of the document, from the style sheet: page defaults, headings that
//! differ visibly at every level and keep with what follows, and the paragraph and
//! character styles the layout uses.

use docx_rs::{
    AlignmentType, BorderType, LineSpacing, LineSpacingType, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, RunFonts, Style, StyleType, Styles, Tab,
    TabLeaderType, TabValueType,
};

use super::sheet::{half_points, pt, Sheet};

/// Paragraph and character styles, with the document defaults.
pub fn styles(sheet: &Sheet) -> Styles {
    let f = &sheet.fonts;
    let body_fonts = RunFonts::new()
        .ascii(&f.body_latin)
        .hi_ansi(&f.body_latin)
        .east_asia(&f.body_east_asia);
    let gothic = RunFonts::new()
        .ascii(&f.heading_latin)
        .hi_ansi(&f.heading_latin)
        .east_asia(&f.heading_east_asia);
    let sp = &sheet.spacing;
    let c = &sheet.colors;
    let z = &sheet.sizes;
    let tight = |before: f64, after: f64| {
        LineSpacing::new()
            .before(pt(before))
            .after(pt(after))
            .line(240)
            .line_rule(LineSpacingType::Auto)
    };
    let paragraph = |id: &str, name: &str| {
        Style::new(id, StyleType::Paragraph)
            .name(name)
            .based_on("Normal")
            .next("Normal")
            .q_format(true)
    };
    let mut out = Styles::new()
        .default_fonts(body_fonts)
        .default_size(half_points(z.body))
        .default_line_spacing(
            LineSpacing::new()
                .line((240.0 * sp.line).round() as i32)
                .line_rule(LineSpacingType::Auto)
                .after(pt(sp.paragraph_after_pt)),
        );

    // Headings: Gothic throughout; size, colour, rules and indents tell the levels apart.
    let sizes = [
        z.heading1, z.heading2, z.heading3, z.heading4, z.heading5, z.heading6,
    ];
    for (i, size) in sizes.iter().enumerate() {
        let level = i + 1;
        let before = match level {
            1 => sp.heading_before_pt * 1.5,
            2 => sp.heading_before_pt,
            _ => sp.heading_before_pt * 0.6,
        };
        let mut style = paragraph(&format!("Heading{level}"), &format!("heading {level}"))
            .fonts(gothic.clone())
            .size(half_points(*size))
            .outline_lvl(i)
            .line_spacing(tight(before, sp.heading_after_pt))
            .align(AlignmentType::Left);
        style = match level {
            1 | 2 => style.bold().color(&c.heading),
            3 | 4 => style.bold().color(&c.accent),
            5 => style.bold().color(&c.text),
            _ => style.color(&c.muted),
        };
        if level >= 4 {
            // Deeper levels step in, one character per level.
            let indent = (z.body * 20.0) as i32 * (level as i32 - 3);
            style = style.indent(Some(indent), None, None, None);
        }
        let pp = &mut style.paragraph_property;
        pp.keep_next = Some(true);
        pp.keep_lines = Some(true);
        pp.borders = match level {
            1 => Some(rule(ParagraphBorderPosition::Bottom, 12, &c.heading)),
            2 => Some(rule(ParagraphBorderPosition::Left, 24, &c.rule)),
            _ => None,
        };
        out = out.add_style(style);
    }

    let width = sheet.text_width().max(0) as usize;
    let toc = |id: &str, name: &str, indent: i32| {
        let mut s = paragraph(id, name)
            .line_spacing(tight(3.0, 0.0))
            .indent(Some(indent), None, None, None)
            .align(AlignmentType::Left);
        s.paragraph_property.tabs = vec![Tab::new()
            .val(TabValueType::Right)
            .leader(TabLeaderType::Dot)
            .pos(width)];
        s
    };
    let keep = |mut s: Style| {
        s.paragraph_property.keep_next = Some(true);
        s.paragraph_property.keep_lines = Some(true);
        s
    };
    let styles = [
        paragraph("Title", "Title")
            .fonts(gothic.clone())
            .size(half_points(z.title))
            .bold()
            .color(&c.heading)
            .align(AlignmentType::Center)
            .line_spacing(tight(36.0, 18.0)),
        paragraph("Subtitle", "Subtitle")
            .fonts(gothic.clone())
            .size(half_points(z.subtitle))
            .color(&c.accent)
            .align(AlignmentType::Center)
            .line_spacing(tight(0.0, 12.0)),
        paragraph("DocumentId", "Document Id")
            .fonts(gothic.clone())
            .size(half_points(z.small))
            .color(&c.muted)
            .align(AlignmentType::Center)
            .line_spacing(tight(120.0, 6.0)),
        paragraph("ComparisonNote", "Comparison Note").align(AlignmentType::Right),
        paragraph("TitleMeta", "Title Meta")
            .align(AlignmentType::Center)
            .color(&c.text),
        paragraph("TOCHeading", "TOC Heading")
            .fonts(gothic.clone())
            .size(half_points(z.heading1))
            .bold()
            .color(&c.heading)
            .align(AlignmentType::Left)
            .line_spacing(tight(sp.heading_before_pt, sp.heading_after_pt * 2.0)),
        toc("TOC1", "toc 1", 0).bold().fonts(gothic.clone()),
        toc("TOC2", "toc 2", (z.body * 20.0) as i32 * 2).size(half_points(z.small)),
        keep(
            paragraph("BodyHeading", "Body Heading")
                .fonts(gothic.clone())
                .bold()
                .color(&c.heading)
                .align(AlignmentType::Left),
        ),
        keep(
            paragraph("Label", "Label")
                .fonts(gothic.clone())
                .size(half_points(z.small))
                .bold()
                .color(&c.muted)
                .line_spacing(tight(4.0, 2.0)),
        ),
        keep(
            paragraph("PointMeta", "Point Meta")
                .size(half_points(z.small))
                .color(&c.muted)
                .align(AlignmentType::Left)
                .line_spacing(tight(0.0, 3.0)),
        ),
        paragraph("Meta", "Meta")
            .size(half_points(z.small))
            .color(&c.muted)
            .align(AlignmentType::Left),
        paragraph("ListParagraph", "List Paragraph").line_spacing(
            LineSpacing::new()
                .after(pt(1.0))
                .line((240.0 * sp.line).round() as i32)
                .line_rule(LineSpacingType::Auto),
        ),
        paragraph("Quote", "Quote")
            .color(&c.muted)
            .indent(Some(420), None, None, None),
        paragraph("Code", "Code")
            .fonts(RunFonts::new().ascii(&f.code).hi_ansi(&f.code))
            .size(half_points(z.small))
            .align(AlignmentType::Left),
        paragraph("TableText", "Table Text")
            .size(half_points(z.table))
            .align(AlignmentType::Left)
            .line_spacing(tight(0.0, 0.0)),
        paragraph("TableHeader", "Table Header")
            .fonts(gothic.clone())
            .size(half_points(z.table))
            .bold()
            .align(AlignmentType::Left)
            .line_spacing(tight(0.0, 0.0)),
        // A figure's paragraph: centred, space around; its caption under it.
        paragraph("Figure", "Figure")
            .align(AlignmentType::Center)
            .line_spacing(tight(6.0, 3.0)),
        paragraph("Caption", "caption")
            .size(half_points(z.small))
            .align(AlignmentType::Center)
            .line_spacing(tight(0.0, 8.0)),
        paragraph("Spacer", "Spacer")
            .size(half_points(4.0))
            .line_spacing(tight(0.0, 0.0)),
        paragraph("Header", "header")
            .size(half_points(z.header_footer))
            .color(&c.muted)
            .align(AlignmentType::Right),
        paragraph("Footer", "footer")
            .size(half_points(z.header_footer))
            .color(&c.muted)
            .align(AlignmentType::Center),
        Style::new("MetaText", StyleType::Character)
            .name("Meta Text")
            .size(half_points(z.small))
            .color(&c.muted),
        Style::new("Hyperlink", StyleType::Character)
            .name("Hyperlink")
            .color(&c.link)
            .underline("single"),
        // The emphasis mark (傍点) is added by repair::style_extras: docx-rs has no API.
        Style::new("Emphasis", StyleType::Character)
            .name("Emphasis")
            .q_format(true),
        Style::new("Marker", StyleType::Character)
            .name("Marker")
            .fonts(
                RunFonts::new()
                    .ascii(&f.symbol)
                    .hi_ansi(&f.symbol)
                    .east_asia(&f.symbol)
                    .cs(&f.symbol),
            ),
    ];
    for style in styles {
        out = out.add_style(style);
    }
    out
}

fn rule(position: ParagraphBorderPosition, size: usize, color: &str) -> ParagraphBorders {
    ParagraphBorders::with_empty().set(
        ParagraphBorder::new(position)
            .val(BorderType::Single)
            .size(size)
            .space(4)
            .color(color),
    )
}
