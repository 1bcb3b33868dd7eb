//! Plain-text rendering of body blocks, for the changelog and other text outputs.

use crate::view::{Block, Inline, LinkTarget};

/// Renders blocks as plain text: paragraphs separated by blank lines, lists indented by
/// two spaces per level with `-` or `1.` markers, tables as `|`-separated rows.
pub fn blocks(blocks: &[Block]) -> String {
    let mut out = String::new();
    write_blocks(blocks, 0, &mut out);
    while out.ends_with('\n') {
        out.pop();
    }
    out
}

/// The marker of item `n` (from 0) of a list: `- `, or its number and a dot.
pub fn list_marker(ordered: bool, start: u64, n: usize) -> String {
    if ordered {
        format!("{}. ", start.saturating_add(n as u64))
    } else {
        "- ".to_string()
    }
}

/// A list item whose content is already text: its first line after `pad` and the
/// marker, the others indented to line up with it (blank lines kept blank), and the bare
/// marker for an empty item.
pub fn push_list_item(out: &mut String, pad: &str, marker: &str, inner: &str) {
    let inner = inner.trim_end_matches('\n');
    let cont = format!("{pad}{}", " ".repeat(marker.chars().count()));
    for (k, line) in inner.lines().enumerate() {
        if k == 0 {
            out.push_str(&format!("{pad}{marker}{line}\n"));
        } else if line.is_empty() {
            out.push('\n');
        } else {
            out.push_str(&format!("{cont}{line}\n"));
        }
    }
    if inner.is_empty() {
        out.push_str(&format!("{pad}{}\n", marker.trim_end()));
    }
}

fn write_blocks(blocks: &[Block], indent: usize, out: &mut String) {
    for (i, block) in blocks.iter().enumerate() {
        let pad = " ".repeat(indent);
        match block {
            Block::Heading { content, .. } => push_lines(out, &pad, &inline(content)),
            Block::Paragraph { content } => push_lines(out, &pad, &inline(content)),
            Block::List {
                ordered,
                start,
                items,
            } => {
                for (n, item) in items.iter().enumerate() {
                    let mut inner = String::new();
                    write_blocks(item, 0, &mut inner);
                    push_list_item(out, &pad, &list_marker(*ordered, *start, n), &inner);
                }
            }
            Block::Table { head, rows, .. } => {
                let row = |cells: &Vec<Vec<Inline>>| {
                    let texts: Vec<String> = cells.iter().map(|c| inline(c)).collect();
                    format!("{pad}| {} |\n", texts.join(" | "))
                };
                out.push_str(&row(head));
                for r in rows {
                    out.push_str(&row(r));
                }
            }
            Block::Quote { blocks: inner } => {
                let mut text = String::new();
                write_blocks(inner, 0, &mut text);
                for line in text.trim_end_matches('\n').lines() {
                    out.push_str(&format!("{pad}> {line}\n"));
                }
            }
            Block::Code { text } => push_lines(out, &format!("{pad}    "), text),
            Block::Rule => out.push_str(&format!("{pad}----\n")),
            // The figure's text, and its caption as a paragraph of its own.
            Block::Figure { text, caption, .. } => {
                push_lines(out, &pad, text);
                if let Some(c) = caption {
                    out.push('\n');
                    push_lines(out, &pad, c);
                }
            }
        }
        let next_is_list_item_block = matches!(blocks.get(i + 1), Some(Block::List { .. }));
        if i + 1 < blocks.len() && !next_is_list_item_block {
            out.push('\n');
        }
    }
}

fn push_lines(out: &mut String, pad: &str, text: &str) {
    for line in text.lines() {
        out.push_str(pad);
        out.push_str(line);
        out.push('\n');
    }
}

/// Renders inlines as plain text; links show their address after the text when it differs.
pub fn inline(inlines: &[Inline]) -> String {
    let mut out = String::new();
    for i in inlines {
        match i {
            Inline::Text { text } => out.push_str(text),
            Inline::Code { text } => {
                out.push('`');
                out.push_str(text);
                out.push('`');
            }
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strike { content } => out.push_str(&inline(content)),
            Inline::Link { target, content } => {
                let text = inline(content);
                match target {
                    LinkTarget::Url { url } if text != *url && !url.is_empty() => {
                        out.push_str(&format!("{text} <{url}>"))
                    }
                    _ => out.push_str(&text),
                }
            }
            Inline::LineBreak => out.push('\n'),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_lists_are_indented() {
        // Intent: list depth shows as indentation in plain text.
        let b = vec![Block::List {
            ordered: false,
            start: 1,
            items: vec![vec![
                Block::Paragraph {
                    content: vec![Inline::Text { text: "a".into() }],
                },
                Block::List {
                    ordered: true,
                    start: 1,
                    items: vec![vec![Block::Paragraph {
                        content: vec![Inline::Text { text: "b".into() }],
                    }]],
                },
            ]],
        }];
        assert_eq!(blocks(&b), "- a\n  1. b");
    }
}
