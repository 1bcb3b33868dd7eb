//! Bodies as the view holds them: the manuscript's Markdown blocks with every link
//! resolved — a `#id` link to the anchor it names, anything else to its address.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::anchor::Anchor;
use crate::model;

pub use crate::model::Align;

/// A body: the blocks of one Markdown text.
pub type Body = Vec<Block>;

/// A block of body text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Block {
    /// A heading inside a body (level 1 is the body's top level); shown as a run-in title.
    Heading {
        /// 1–6.
        level: u8,
        /// The heading text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph {
        /// The text.
        content: Vec<Inline>,
    },
    /// A bullet or numbered list; each item is a sequence of blocks.
    List {
        /// True for a numbered list.
        ordered: bool,
        /// First number of a numbered list.
        start: u64,
        /// The items.
        items: Vec<Vec<Block>>,
    },
    /// A table with a header row.
    Table {
        /// Column alignment.
        align: Vec<Align>,
        /// Header cells.
        head: Vec<Vec<Inline>>,
        /// Body rows of cells.
        rows: Vec<Vec<Vec<Inline>>>,
    },
    /// A block quotation.
    Quote {
        /// The quoted blocks.
        blocks: Vec<Block>,
    },
    /// Preformatted text.
    Code {
        /// The text, lines separated by `\n`.
        text: String,
    },
    /// A thematic break.
    Rule,
    /// A figure: an image of the document's `figures`, with its alternative text and
    /// caption.
    Figure {
        /// Its index in `figures`; `None` when its file could not be read (the build stops
        /// then, so emitters see this only in a preview of a broken manuscript).
        figure: Option<usize>,
        /// The alternative text.
        alt: String,
        /// The caption, when given.
        caption: Option<String>,
        /// The figure as text, for formats without images (`labels.format.figure`:
        /// ［図：the alternative text, else the caption］); the caption goes under it.
        text: String,
    },
}

/// Inline text inside a block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text {
        /// The text.
        text: String,
    },
    /// Emphasis (傍点 in Japanese text, italics in Latin).
    Emphasis {
        /// The emphasised text.
        content: Vec<Inline>,
    },
    /// Strong emphasis.
    Strong {
        /// The text.
        content: Vec<Inline>,
    },
    /// Strikethrough.
    Strike {
        /// The text.
        content: Vec<Inline>,
    },
    /// Code span.
    Code {
        /// The code.
        text: String,
    },
    /// A hyperlink.
    Link {
        /// Where it goes.
        target: LinkTarget,
        /// The link text.
        content: Vec<Inline>,
    },
    /// A hard line break.
    LineBreak,
}

/// Where a link goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LinkTarget {
    /// A place in this document.
    Anchor {
        /// The place.
        anchor: Anchor,
    },
    /// An address (http, https, mailto or relative), as written.
    Url {
        /// The address.
        url: String,
    },
    /// A target that cannot be followed (an unknown `#id`, a refused scheme): validation
    /// reports it, and emitters show the link text only.
    None,
}

/// How a body's references resolve: links to their targets (`None` for one that cannot be
/// followed), figures to their index in the view's `figures`.
pub struct Resolve<'r> {
    /// A link's target.
    pub link: &'r mut dyn FnMut(&str, model::Span) -> LinkTarget,
    /// A figure's index, when its file was read.
    pub figure: &'r dyn Fn(&str) -> Option<usize>,
    /// The pattern of a figure as text (`labels.format.figure`).
    pub figure_text: &'r str,
}

/// Converts model blocks, resolving links and figures with `r`.
pub fn convert(blocks: &[model::Block], r: &mut Resolve<'_>) -> Body {
    blocks.iter().map(|b| block(b, r)).collect()
}

fn block(b: &model::Block, r: &mut Resolve<'_>) -> Block {
    match b {
        model::Block::Heading { level, content } => Block::Heading {
            level: *level,
            content: inlines(content, r),
        },
        model::Block::Paragraph(content) => Block::Paragraph {
            content: inlines(content, r),
        },
        model::Block::List {
            ordered,
            start,
            items,
        } => Block::List {
            ordered: *ordered,
            start: *start,
            items: items.iter().map(|item| convert(item, r)).collect(),
        },
        model::Block::Table { align, head, rows } => Block::Table {
            align: align.clone(),
            head: head.iter().map(|c| inlines(c, r)).collect(),
            rows: rows
                .iter()
                .map(|row| row.iter().map(|c| inlines(c, r)).collect())
                .collect(),
        },
        model::Block::Quote(inner) => Block::Quote {
            blocks: convert(inner, r),
        },
        model::Block::Code(text) => Block::Code { text: text.clone() },
        model::Block::Rule => Block::Rule,
        model::Block::Figure {
            src, alt, caption, ..
        } => {
            // What the image shows (its alternative text), else its caption.
            let shown = if alt.trim().is_empty() {
                caption.as_deref().unwrap_or_default()
            } else {
                alt
            };
            Block::Figure {
                figure: (r.figure)(src),
                alt: alt.clone(),
                caption: caption.clone().filter(|c| !c.trim().is_empty()),
                text: crate::labels::fill(r.figure_text, &[("text", shown)]),
            }
        }
    }
}

fn inlines(list: &[model::Inline], r: &mut Resolve<'_>) -> Vec<Inline> {
    list.iter()
        .map(|i| match i {
            model::Inline::Text(t) => Inline::Text { text: t.clone() },
            model::Inline::Emphasis(c) => Inline::Emphasis {
                content: inlines(c, r),
            },
            model::Inline::Strong(c) => Inline::Strong {
                content: inlines(c, r),
            },
            model::Inline::Strike(c) => Inline::Strike {
                content: inlines(c, r),
            },
            model::Inline::Code(t) => Inline::Code { text: t.clone() },
            model::Inline::Link { url, content, span } => Inline::Link {
                target: (r.link)(url, *span),
                content: inlines(content, r),
            },
            model::Inline::LineBreak => Inline::LineBreak,
            // An image inside text is its alternative text (the loader warns).
            model::Inline::Image { alt, .. } => Inline::Text { text: alt.clone() },
        })
        .collect()
}

/// The plain text of inlines (link text without addresses).
pub fn plain(list: &[Inline]) -> String {
    let mut out = String::new();
    push_plain(list, &mut out);
    out
}

fn push_plain(list: &[Inline], out: &mut String) {
    for i in list {
        match i {
            Inline::Text { text } | Inline::Code { text } => out.push_str(text),
            Inline::Emphasis { content }
            | Inline::Strong { content }
            | Inline::Strike { content }
            | Inline::Link { content, .. } => push_plain(content, out),
            Inline::LineBreak => out.push('\n'),
        }
    }
}
