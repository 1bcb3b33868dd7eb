//! Body blocks → escaped HTML fragments, inserted into the page as they are.

use std::fmt::Write as _;

use crate::emit::markup::{escape_into as escape, href};
use crate::view::{body::Align, Block, FigureView, Inline, LinkTarget};

/// Renders body blocks as HTML. Links to anchors stay in the page; addresses with http(s)
/// get `rel="noopener noreferrer"`; a link that cannot be followed is its text.
pub fn render_blocks(blocks: &[Block], figures: &[FigureView]) -> String {
    let mut out = String::new();
    write_blocks(blocks, figures, &mut out);
    out
}

fn write_blocks(blocks: &[Block], figures: &[FigureView], out: &mut String) {
    for block in blocks {
        match block {
            Block::Heading { content, .. } => {
                out.push_str("<p class=\"body-heading\"><strong>");
                write_inlines(content, out);
                out.push_str("</strong></p>\n");
            }
            Block::Paragraph { content } => {
                out.push_str("<p>");
                write_inlines(content, out);
                out.push_str("</p>\n");
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                if *ordered {
                    if *start == 1 {
                        out.push_str("<ol>\n");
                    } else {
                        let _ = writeln!(out, "<ol start=\"{start}\">");
                    }
                } else {
                    out.push_str("<ul>\n");
                }
                for item in items {
                    out.push_str("<li>");
                    // A tight item's single paragraph is written without <p>.
                    match item.as_slice() {
                        [Block::Paragraph { content }] => write_inlines(content, out),
                        [Block::Paragraph { content }, rest @ ..] => {
                            write_inlines(content, out);
                            out.push('\n');
                            write_blocks(rest, figures, out);
                        }
                        other => write_blocks(other, figures, out),
                    }
                    out.push_str("</li>\n");
                }
                out.push_str(if *ordered { "</ol>\n" } else { "</ul>\n" });
            }
            Block::Table { align, head, rows } => {
                out.push_str("<div class=\"table-wrap\"><table>\n");
                let class = |i: usize| match align.get(i) {
                    Some(Align::Center) => " class=\"align-center\"",
                    Some(Align::Right) => " class=\"align-right\"",
                    Some(Align::Left) => " class=\"align-left\"",
                    _ => "",
                };
                if !head.is_empty() {
                    out.push_str("<thead><tr>");
                    for (i, cell) in head.iter().enumerate() {
                        let _ = write!(out, "<th scope=\"col\"{}>", class(i));
                        write_inlines(cell, out);
                        out.push_str("</th>");
                    }
                    out.push_str("</tr></thead>\n");
                }
                out.push_str("<tbody>\n");
                for row in rows {
                    out.push_str("<tr>");
                    for (i, cell) in row.iter().enumerate() {
                        let _ = write!(out, "<td{}>", class(i));
                        write_inlines(cell, out);
                        out.push_str("</td>");
                    }
                    out.push_str("</tr>\n");
                }
                out.push_str("</tbody></table></div>\n");
            }
            Block::Quote { blocks } => {
                out.push_str("<blockquote>\n");
                write_blocks(blocks, figures, out);
                out.push_str("</blockquote>\n");
            }
            Block::Code { text } => {
                out.push_str("<pre><code>");
                escape(text, out);
                out.push_str("</code></pre>\n");
            }
            Block::Rule => out.push_str("<hr>\n"),
            Block::Figure {
                figure,
                alt,
                caption,
                text,
            } => match figure.and_then(|i| figures.get(i)) {
                // The image inside the page (a data URI: the page stays one file), at its
                // size and never wider than the text; its caption under it.
                Some(f) => {
                    out.push_str("<figure class=\"figure\"><img src=\"data:");
                    out.push_str(&f.mime);
                    out.push_str(";base64,");
                    crate::emit::markup::base64_into(&f.data, out);
                    out.push_str("\" alt=\"");
                    escape(alt, out);
                    let _ = write!(out, "\" width=\"{}\" height=\"{}\">", f.width, f.height);
                    if let Some(c) = caption {
                        out.push_str("<figcaption>");
                        escape(c, out);
                        out.push_str("</figcaption>");
                    }
                    out.push_str("</figure>\n");
                }
                None => {
                    out.push_str("<p class=\"figure-missing\">");
                    escape(text, out);
                    if let Some(c) = caption {
                        out.push_str("<br>");
                        escape(c, out);
                    }
                    out.push_str("</p>\n");
                }
            },
        }
    }
}

fn write_inlines(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text { text } => escape(text, out),
            Inline::Code { text } => {
                out.push_str("<code>");
                escape(text, out);
                out.push_str("</code>");
            }
            Inline::Emphasis { content } => wrap("em", content, out),
            Inline::Strong { content } => wrap("strong", content, out),
            Inline::Strike { content } => wrap("del", content, out),
            Inline::LineBreak => out.push_str("<br>"),
            Inline::Link { target, content } => match target {
                LinkTarget::Anchor { anchor } => {
                    out.push_str("<a href=\"#");
                    escape(&anchor.id, out);
                    out.push_str("\">");
                    write_inlines(content, out);
                    out.push_str("</a>");
                }
                LinkTarget::Url { url } => {
                    out.push_str("<a href=\"");
                    escape(&href(url), out);
                    out.push('"');
                    let lower = url.to_ascii_lowercase();
                    if lower.starts_with("http:") || lower.starts_with("https:") {
                        out.push_str(" rel=\"noopener noreferrer\"");
                    }
                    out.push('>');
                    write_inlines(content, out);
                    out.push_str("</a>");
                }
                LinkTarget::None => write_inlines(content, out),
            },
        }
    }
}

fn wrap(tag: &str, content: &[Inline], out: &mut String) {
    let _ = write!(out, "<{tag}>");
    write_inlines(content, out);
    let _ = write!(out, "</{tag}>");
}
