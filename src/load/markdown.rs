//! Markdown bodies (inside TOML strings) → the model's block structure.
//!
//! Uses pulldown-cmark (CommonMark + tables + strikethrough). Raw HTML is kept as inert
//! text; images keep only their alt text. Nesting deeper than [`MAX_DEPTH`] is refused so
//! that no emitter has to recurse without bound, and a [`BodyBudget`] shared by every body
//! of a manuscript bounds how many elements, table cells, list items and links they hold.

use pulldown_cmark::{Alignment, Event, Options, Parser, Tag, TagEnd};

use crate::model::{Align, Block, Inline, Span};

/// Deepest nesting of lists, quotes and inline markup a body may have.
pub const MAX_DEPTH: usize = 48;
/// Most elements (paragraphs, headings, list items, table cells, quotes, code, emphasis,
/// links, line breaks…) all the bodies of a manuscript may hold together: room for the
/// scale-300 synthetic manuscript (the scale-100 one has about 28,000).
pub const MAX_ELEMENTS: usize = 120_000;
/// Most table cells all the bodies of a manuscript may hold together.
pub const MAX_CELLS: usize = 60_000;
/// Most list items all the bodies of a manuscript may hold together.
pub const MAX_LIST_ITEMS: usize = 60_000;
/// Most links all the bodies of a manuscript may hold together.
pub const MAX_LINKS: usize = 60_000;

/// What the bodies parsed so far hold, counted against the limits above.
#[derive(Debug, Clone, Default)]
pub struct BodyBudget {
    /// Elements of every kind.
    pub elements: usize,
    /// Table cells.
    pub cells: usize,
    /// List items.
    pub items: usize,
    /// Links.
    pub links: usize,
    /// True once a limit was passed (later bodies are not parsed).
    pub exhausted: bool,
}

impl BodyBudget {
    /// Counts one element opened by `event`; the error (code and message) when that
    /// passes a limit.
    fn take(&mut self, event: &Event<'_>) -> Result<(), (&'static str, String)> {
        let counted = |n: &mut usize, max: usize| {
            *n += 1;
            *n > max
        };
        let over = match event {
            // Text is merged into the element that holds it; ends close what was counted.
            Event::Text(_) | Event::SoftBreak | Event::End(_) => return Ok(()),
            Event::Start(Tag::TableCell) if counted(&mut self.cells, MAX_CELLS) => Some((
                "too-many-cells",
                format!("the manuscript's bodies have more than {MAX_CELLS} table cells"),
            )),
            Event::Start(Tag::Item) if counted(&mut self.items, MAX_LIST_ITEMS) => Some((
                "too-many-list-items",
                format!("the manuscript's bodies have more than {MAX_LIST_ITEMS} list items"),
            )),
            Event::Start(Tag::Link { .. }) if counted(&mut self.links, MAX_LINKS) => Some((
                "too-many-links",
                format!("the manuscript's bodies have more than {MAX_LINKS} links"),
            )),
            _ => None,
        };
        let over = over.or_else(|| {
            counted(&mut self.elements, MAX_ELEMENTS).then(|| {
                (
                    "too-many-elements",
                    format!(
                        "the manuscript's bodies have more than {MAX_ELEMENTS} elements (paragraphs, list items, table cells, emphasis, links…)"
                    ),
                )
            })
        });
        match over {
            Some(e) => {
                self.exhausted = true;
                Err(e)
            }
            None => Ok(()),
        }
    }
}

/// Maps byte offsets in a decoded TOML string back to the source file.
#[derive(Debug, Clone, Copy)]
pub struct StringMap {
    /// File offset of the decoded string's first byte, when decoded and raw text agree.
    pub base: Option<usize>,
    /// The span of the whole TOML value (used when offsets cannot be mapped exactly).
    pub value: Span,
}

impl StringMap {
    /// Works out where the content of a TOML string literal starts in `source`.
    pub fn new(source: &str, value: Span, decoded: &str) -> Self {
        let raw = source.get(value.start..value.end).unwrap_or("");
        let (open, close) = if raw.starts_with("\"\"\"") || raw.starts_with("'''") {
            (3, 3)
        } else if raw.starts_with('"') || raw.starts_with('\'') {
            (1, 1)
        } else {
            (0, 0)
        };
        let mut base = None;
        if open > 0 && raw.len() >= open + close {
            let mut start = value.start + open;
            let mut inner = &raw[open..raw.len() - close];
            if open == 3 {
                if let Some(rest) = inner.strip_prefix("\r\n") {
                    inner = rest;
                    start += 2;
                } else if let Some(rest) = inner.strip_prefix('\n') {
                    inner = rest;
                    start += 1;
                }
            }
            if inner == decoded {
                base = Some(start);
            }
        }
        Self { base, value }
    }

    /// The span in the file of `range` in the decoded string.
    pub fn span(&self, range: std::ops::Range<usize>) -> Span {
        match self.base {
            Some(base) => Span {
                file: self.value.file,
                start: base + range.start,
                end: base + range.end,
            },
            None => self.value,
        }
    }
}

/// A body that could not be turned into blocks.
#[derive(Debug, Clone)]
pub struct MarkdownError {
    /// The rule it breaks: `markdown-too-deep`, or the limit it passes (`too-many-…`).
    pub code: &'static str,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: Span,
}

enum InlineKind {
    Paragraph,
    Implicit,
    Heading(u8),
    Emphasis,
    Strong,
    Strike,
    Link {
        url: String,
        span: Span,
    },
    Image {
        src: String,
        title: String,
        span: Span,
    },
    Cell,
}

enum Frame {
    Blocks(Vec<Block>),
    Inlines(InlineKind, Vec<Inline>),
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Block>>,
    },
    Table {
        align: Vec<Align>,
        head: Vec<Vec<Inline>>,
        rows: Vec<Vec<Vec<Inline>>>,
        row: Vec<Vec<Inline>>,
    },
    Code(String),
}

/// Parses a Markdown body into blocks, counting what it holds against `budget`.
pub fn parse(
    text: &str,
    map: StringMap,
    budget: &mut BodyBudget,
) -> Result<Vec<Block>, MarkdownError> {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut stack: Vec<Frame> = vec![Frame::Blocks(Vec::new())];
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        // The root frame does not count as nesting.
        if stack.len() > MAX_DEPTH + 1 {
            return Err(MarkdownError {
                code: "markdown-too-deep",
                message: format!("markdown is nested more than {MAX_DEPTH} levels deep"),
                span: map.span(range),
            });
        }
        if let Err((code, message)) = budget.take(&event) {
            return Err(MarkdownError {
                code,
                message,
                span: map.span(range),
            });
        }
        match event {
            Event::Start(tag) => start(&mut stack, tag, map.span(range)),
            Event::End(tag) => end(&mut stack, tag),
            Event::Text(t) => push_inline(&mut stack, Inline::Text(t.into_string())),
            Event::Code(t) => push_inline(&mut stack, Inline::Code(t.into_string())),
            Event::Html(t) | Event::InlineHtml(t) => {
                if let Some(Frame::Code(code)) = stack.last_mut() {
                    code.push_str(&t);
                } else {
                    let t = t.trim_end_matches('\n').to_string();
                    push_inline(&mut stack, Inline::Text(t));
                }
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => {
                push_inline(&mut stack, Inline::Code(t.into_string()))
            }
            Event::FootnoteReference(t) => push_inline(&mut stack, Inline::Text(format!("[^{t}]"))),
            Event::SoftBreak => push_inline(&mut stack, Inline::Text("\n".into())),
            Event::HardBreak => push_inline(&mut stack, Inline::LineBreak),
            Event::Rule => {
                close_implicit(&mut stack);
                push_block(&mut stack, Block::Rule);
            }
            Event::TaskListMarker(done) => push_inline(
                &mut stack,
                Inline::Text(if done { "☑ " } else { "☐ " }.into()),
            ),
        }
    }
    close_implicit(&mut stack);
    match stack.pop() {
        Some(Frame::Blocks(blocks)) if stack.is_empty() => Ok(blocks),
        _ => Err(MarkdownError {
            code: "markdown-too-deep",
            message: "markdown body ended inside an open element".into(),
            span: map.value,
        }),
    }
}

fn start(stack: &mut Vec<Frame>, tag: Tag<'_>, span: Span) {
    match tag {
        Tag::Paragraph => {
            close_implicit(stack);
            stack.push(Frame::Inlines(InlineKind::Paragraph, Vec::new()));
        }
        Tag::Heading { level, .. } => {
            close_implicit(stack);
            stack.push(Frame::Inlines(InlineKind::Heading(level as u8), Vec::new()));
        }
        Tag::BlockQuote(_) | Tag::Item | Tag::FootnoteDefinition(_) => {
            close_implicit(stack);
            stack.push(Frame::Blocks(Vec::new()));
        }
        Tag::CodeBlock(_) | Tag::HtmlBlock => {
            close_implicit(stack);
            stack.push(Frame::Code(String::new()));
        }
        Tag::List(first) => {
            close_implicit(stack);
            stack.push(Frame::List {
                ordered: first.is_some(),
                start: first.unwrap_or(1),
                items: Vec::new(),
            });
        }
        Tag::Table(aligns) => {
            close_implicit(stack);
            stack.push(Frame::Table {
                align: aligns.iter().map(align).collect(),
                head: Vec::new(),
                rows: Vec::new(),
                row: Vec::new(),
            });
        }
        Tag::TableCell => stack.push(Frame::Inlines(InlineKind::Cell, Vec::new())),
        Tag::TableHead | Tag::TableRow => {}
        Tag::Emphasis => open_inline(stack, InlineKind::Emphasis),
        Tag::Strong => open_inline(stack, InlineKind::Strong),
        Tag::Strikethrough => open_inline(stack, InlineKind::Strike),
        Tag::Link { dest_url, .. } => open_inline(
            stack,
            InlineKind::Link {
                url: dest_url.into_string(),
                span,
            },
        ),
        Tag::Image {
            dest_url, title, ..
        } => open_inline(
            stack,
            InlineKind::Image {
                src: dest_url.into_string(),
                title: title.into_string(),
                span,
            },
        ),
        // Extensions that are not enabled: keep their content as plain structure.
        _ => open_inline(stack, InlineKind::Emphasis),
    }
}

fn end(stack: &mut Vec<Frame>, tag: TagEnd) {
    match tag {
        TagEnd::TableHead | TagEnd::TableRow => {
            if let Some(Frame::Table {
                head, rows, row, ..
            }) = stack.last_mut()
            {
                let cells = std::mem::take(row);
                if matches!(tag, TagEnd::TableHead) {
                    *head = cells;
                } else {
                    rows.push(cells);
                }
            }
            return;
        }
        TagEnd::Item | TagEnd::BlockQuote(_) | TagEnd::FootnoteDefinition => close_implicit(stack),
        _ => {}
    }
    let Some(frame) = stack.pop() else { return };
    match frame {
        Frame::Blocks(blocks) => match stack.last_mut() {
            Some(Frame::List { items, .. }) => items.push(blocks),
            _ => push_block(stack, Block::Quote(blocks)),
        },
        Frame::Inlines(kind, inlines) => finish_inlines(stack, kind, inlines),
        Frame::List {
            ordered,
            start,
            items,
        } => push_block(
            stack,
            Block::List {
                ordered,
                start,
                items,
            },
        ),
        Frame::Table {
            align, head, rows, ..
        } => push_block(stack, Block::Table { align, head, rows }),
        Frame::Code(code) => {
            push_block(stack, Block::Code(code.trim_end_matches('\n').to_string()))
        }
    }
}

fn finish_inlines(stack: &mut Vec<Frame>, kind: InlineKind, inlines: Vec<Inline>) {
    let inlines = join_text(inlines);
    match kind {
        InlineKind::Paragraph | InlineKind::Implicit => {
            // An image alone in its paragraph is a figure.
            let mut visible = inlines
                .iter()
                .filter(|i| !matches!(i, Inline::Text(t) if t.trim().is_empty()));
            match (visible.next(), visible.next()) {
                (
                    Some(Inline::Image {
                        src,
                        alt,
                        title,
                        span,
                    }),
                    None,
                ) => push_block(
                    stack,
                    Block::Figure {
                        src: src.clone(),
                        alt: alt.clone(),
                        caption: title.clone(),
                        span: *span,
                    },
                ),
                _ => push_block(stack, Block::Paragraph(inlines)),
            }
        }
        InlineKind::Heading(level) => push_block(
            stack,
            Block::Heading {
                level,
                content: inlines,
            },
        ),
        InlineKind::Emphasis => push_inline(stack, Inline::Emphasis(inlines)),
        InlineKind::Strong => push_inline(stack, Inline::Strong(inlines)),
        InlineKind::Strike => push_inline(stack, Inline::Strike(inlines)),
        InlineKind::Link { url, span } => push_inline(
            stack,
            Inline::Link {
                url,
                content: inlines,
                span,
            },
        ),
        InlineKind::Image { src, title, span } => push_inline(
            stack,
            Inline::Image {
                src,
                alt: Inline::plain(&inlines),
                title: Some(title).filter(|t| !t.trim().is_empty()),
                span,
            },
        ),
        InlineKind::Cell => {
            if let Some(Frame::Table { row, .. }) = stack.last_mut() {
                row.push(inlines);
            }
        }
    }
}

fn open_inline(stack: &mut Vec<Frame>, kind: InlineKind) {
    ensure_inline(stack);
    stack.push(Frame::Inlines(kind, Vec::new()));
}

fn ensure_inline(stack: &mut Vec<Frame>) {
    if !matches!(stack.last(), Some(Frame::Inlines(..))) {
        stack.push(Frame::Inlines(InlineKind::Implicit, Vec::new()));
    }
}

fn close_implicit(stack: &mut Vec<Frame>) {
    if matches!(stack.last(), Some(Frame::Inlines(InlineKind::Implicit, _))) {
        if let Some(Frame::Inlines(kind, inlines)) = stack.pop() {
            finish_inlines(stack, kind, inlines);
        }
    }
}

fn push_inline(stack: &mut Vec<Frame>, inline: Inline) {
    if let Some(Frame::Code(code)) = stack.last_mut() {
        if let Inline::Text(t) = inline {
            code.push_str(&t);
        }
        return;
    }
    ensure_inline(stack);
    if let Some(Frame::Inlines(_, inlines)) = stack.last_mut() {
        inlines.push(inline);
    }
}

fn push_block(stack: &mut Vec<Frame>, block: Block) {
    match stack.last_mut() {
        Some(Frame::Blocks(blocks)) => blocks.push(block),
        Some(Frame::List { items, .. }) => items.push(vec![block]),
        _ => {
            // A block inside inline context cannot happen with CommonMark; keep its text.
            if let Block::Paragraph(inlines) = block {
                for inline in inlines {
                    push_inline(stack, inline);
                }
            }
        }
    }
}

fn align(a: &Alignment) -> Align {
    match a {
        Alignment::None => Align::None,
        Alignment::Left => Align::Left,
        Alignment::Center => Align::Center,
        Alignment::Right => Align::Right,
    }
}

/// Merges adjacent text runs and resolves soft line breaks: dropped between Japanese
/// characters (which are not separated by spaces), a space elsewhere.
fn join_text(inlines: Vec<Inline>) -> Vec<Inline> {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for inline in inlines {
        match (out.last_mut(), inline) {
            (Some(Inline::Text(prev)), Inline::Text(t)) => prev.push_str(&t),
            (_, inline) => out.push(inline),
        }
    }
    for inline in &mut out {
        if let Inline::Text(t) = inline {
            if t.contains('\n') {
                *t = resolve_soft_breaks(t);
            }
        }
    }
    if let Some(Inline::Text(t)) = out.last_mut() {
        let trimmed = t.trim_end_matches([' ', '\n']).len();
        t.truncate(trimmed);
    }
    out.retain(|i| !matches!(i, Inline::Text(t) if t.is_empty()));
    out
}

fn resolve_soft_breaks(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    for (i, &c) in chars.iter().enumerate() {
        if c != '\n' {
            out.push(c);
            continue;
        }
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let wide = |c: Option<char>| c.is_some_and(|c| !c.is_ascii());
        if !(wide(prev) || wide(next)) && prev.is_some() && next.is_some() {
            out.push(' ');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocks(text: &str) -> Vec<Block> {
        let map = StringMap {
            base: Some(0),
            value: Span::default(),
        };
        parse(text, map, &mut BodyBudget::default()).expect("parses")
    }

    #[test]
    fn japanese_soft_breaks_join_without_space() {
        // Intent: a line break inside a Japanese paragraph must not become a space.
        let b = blocks("統計データを\nアップデート。\nsee\nthis");
        assert_eq!(
            b,
            vec![Block::Paragraph(vec![Inline::Text(
                "統計データをアップデート。see this".into()
            )])]
        );
    }

    #[test]
    fn nested_lists_keep_their_depth() {
        // Intent: a tight nested list becomes list → item → paragraph + list.
        let b = blocks("- a\n  - b\n- c\n");
        let Block::List { items, ordered, .. } = &b[0] else {
            panic!("not a list: {b:?}")
        };
        assert!(!ordered);
        assert_eq!(items.len(), 2);
        assert!(matches!(items[0][1], Block::List { .. }));
    }

    #[test]
    fn tables_have_head_and_rows() {
        // Intent: GFM tables become a head row and body rows.
        let b = blocks("| a | b |\n|---|--:|\n| 1 | 2 |\n");
        let Block::Table { head, rows, align } = &b[0] else {
            panic!("not a table")
        };
        assert_eq!(head.len(), 2);
        assert_eq!(rows.len(), 1);
        assert_eq!(align[1], Align::Right);
    }

    #[test]
    fn raw_html_stays_text() {
        // Intent: HTML in a body is text, never markup.
        let b = blocks("a <script>x</script> b");
        assert_eq!(
            Inline::plain(match &b[0] {
                Block::Paragraph(i) => i,
                _ => panic!(),
            }),
            "a <script>x</script> b"
        );
    }

    #[test]
    fn deep_nesting_is_refused() {
        // Intent: 1000 nested quotes give an error, not a stack overflow.
        let text = ">".repeat(1000) + " x";
        let map = StringMap {
            base: Some(0),
            value: Span::default(),
        };
        assert!(parse(&text, map, &mut BodyBudget::default()).is_err());
    }
}
