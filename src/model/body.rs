//! The block model of Markdown bodies: what every emitter renders, instead of raw Markdown.

use super::Span;

/// A block of body text.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", content = "content", rename_all = "snake_case")]
pub enum Block {
    /// A heading inside a body; level 1 is the body's top level.
    Heading {
        /// 1–6.
        level: u8,
        /// The heading text.
        content: Vec<Inline>,
    },
    /// A paragraph.
    Paragraph(Vec<Inline>),
    /// A bullet or numbered list; each item is a sequence of blocks (nested lists included).
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
    Quote(Vec<Block>),
    /// Preformatted text.
    Code(String),
    /// A thematic break.
    Rule,
    /// A figure: an image that stands alone in its paragraph (`![alt](figures/x.png
    /// "caption")`), its file inside the manuscript folder.
    Figure {
        /// The file as written, relative to the manuscript folder.
        src: String,
        /// The alternative text.
        alt: String,
        /// The caption (the image's title), when given.
        caption: Option<String>,
        /// Where the image was written (in the TOML file).
        #[serde(skip)]
        span: Span,
    },
}

/// Horizontal alignment of a table column.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Align {
    /// Not specified.
    None,
    /// Left.
    Left,
    /// Centred.
    Center,
    /// Right.
    Right,
}

/// Inline text inside a block.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "type", content = "content", rename_all = "snake_case")]
pub enum Inline {
    /// Plain text.
    Text(String),
    /// Emphasis.
    Emphasis(Vec<Inline>),
    /// Strong emphasis.
    Strong(Vec<Inline>),
    /// Strikethrough.
    Strike(Vec<Inline>),
    /// Code span.
    Code(String),
    /// A hyperlink.
    Link {
        /// Target address as written.
        url: String,
        /// Link text.
        content: Vec<Inline>,
        /// Where the link was written (in the TOML file).
        #[serde(skip)]
        span: Span,
    },
    /// A hard line break.
    LineBreak,
    /// An image inside text (not a figure): shown as its alternative text, with a warning.
    Image {
        /// The file as written.
        src: String,
        /// The alternative text.
        alt: String,
        /// The title, when given.
        title: Option<String>,
        /// Where the image was written.
        #[serde(skip)]
        span: Span,
    },
}

impl Inline {
    /// The plain text of a run of inlines.
    pub fn plain(inlines: &[Inline]) -> String {
        let mut out = String::new();
        push_plain(inlines, &mut out);
        out
    }
}

fn push_plain(inlines: &[Inline], out: &mut String) {
    for inline in inlines {
        match inline {
            Inline::Text(t) | Inline::Code(t) => out.push_str(t),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strike(c) => push_plain(c, out),
            Inline::Link { content, .. } => push_plain(content, out),
            Inline::Image { alt, .. } => out.push_str(alt),
            Inline::LineBreak => out.push('\n'),
        }
    }
}

impl Block {
    /// Calls `f` on every link in the blocks, nested ones included.
    pub fn for_each_link<'a>(blocks: &'a [Block], f: &mut dyn FnMut(&'a str, Span)) {
        for block in blocks {
            match block {
                Block::Heading { content, .. } | Block::Paragraph(content) => links_in(content, f),
                Block::List { items, .. } => {
                    for item in items {
                        Block::for_each_link(item, f);
                    }
                }
                Block::Table { head, rows, .. } => {
                    for cell in head.iter().chain(rows.iter().flatten()) {
                        links_in(cell, f);
                    }
                }
                Block::Quote(inner) => Block::for_each_link(inner, f),
                Block::Code(_) | Block::Rule | Block::Figure { .. } => {}
            }
        }
    }

    /// Calls `f` on every image in the blocks, figures and images inside text alike.
    pub fn for_each_image<'a>(blocks: &'a [Block], f: &mut dyn FnMut(Image<'a>)) {
        for block in blocks {
            match block {
                Block::Figure {
                    src,
                    alt,
                    caption,
                    span,
                } => f(Image {
                    src,
                    alt,
                    caption: caption.as_deref(),
                    span: *span,
                    figure: true,
                }),
                Block::Heading { content, .. } | Block::Paragraph(content) => images_in(content, f),
                Block::List { items, .. } => {
                    for item in items {
                        Block::for_each_image(item, f);
                    }
                }
                Block::Table { head, rows, .. } => {
                    for cell in head.iter().chain(rows.iter().flatten()) {
                        images_in(cell, f);
                    }
                }
                Block::Quote(inner) => Block::for_each_image(inner, f),
                Block::Code(_) | Block::Rule => {}
            }
        }
    }
}

/// An image of a body, as [`Block::for_each_image`] finds it.
#[derive(Debug, Clone, Copy)]
pub struct Image<'a> {
    /// The file as written.
    pub src: &'a str,
    /// The alternative text.
    pub alt: &'a str,
    /// The caption (or title), when given.
    pub caption: Option<&'a str>,
    /// Where it was written.
    pub span: Span,
    /// True for a figure, false for an image inside text.
    pub figure: bool,
}

fn images_in<'a>(inlines: &'a [Inline], f: &mut dyn FnMut(Image<'a>)) {
    for inline in inlines {
        match inline {
            Inline::Image {
                src,
                alt,
                title,
                span,
            } => f(Image {
                src,
                alt,
                caption: title.as_deref(),
                span: *span,
                figure: false,
            }),
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strike(c) => images_in(c, f),
            Inline::Link { content, .. } => images_in(content, f),
            Inline::Text(_) | Inline::Code(_) | Inline::LineBreak => {}
        }
    }
}

fn links_in<'a>(inlines: &'a [Inline], f: &mut dyn FnMut(&'a str, Span)) {
    for inline in inlines {
        match inline {
            Inline::Link { url, content, span } => {
                f(url, *span);
                links_in(content, f);
            }
            Inline::Emphasis(c) | Inline::Strong(c) | Inline::Strike(c) => links_in(c, f),
            Inline::Text(_) | Inline::Code(_) | Inline::LineBreak | Inline::Image { .. } => {}
        }
    }
}
