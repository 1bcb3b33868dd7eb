//! Text helpers of the import: rich-content (HTML) notes as plain text (the way
//! `emit::text` writes bodies, so that a map written by this program reads back to the
//! same text), plain text as literal Markdown, and patterns with `{name}` placeholders
//! read backwards.

use super::xml::{Element, Node};

/// A block of flattened HTML.
enum Flat {
    Lines(String),
    List {
        ordered: bool,
        start: u64,
        items: Vec<Vec<Flat>>,
    },
    Table(Vec<Vec<String>>),
    Quote(Vec<Flat>),
    Code(String),
    Rule,
}

/// The text of an HTML fragment (a note's `html` or `body`): paragraphs separated by blank
/// lines, list items as `- ` / `1. ` lines indented under their parents, table rows as
/// `| a | b |`, quotes as `> `, preformatted text indented by four spaces.
pub fn html_text(root: &Element) -> String {
    let body = find_body(root).unwrap_or(root);
    let blocks = flatten(body);
    let mut out = String::new();
    write(&blocks, &mut out);
    out.trim_end_matches('\n').to_string()
}

fn find_body(e: &Element) -> Option<&Element> {
    if e.local().eq_ignore_ascii_case("body") {
        return Some(e);
    }
    e.elements().find_map(find_body)
}

fn is_block(local: &str) -> bool {
    matches!(
        local.to_ascii_lowercase().as_str(),
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "ul"
            | "ol"
            | "table"
            | "blockquote"
            | "pre"
            | "hr"
            | "li"
            | "body"
            | "html"
    )
}

fn skipped(local: &str) -> bool {
    matches!(
        local.to_ascii_lowercase().as_str(),
        "head" | "style" | "script" | "title"
    )
}

/// Blocks of an element's content: runs of inline content become line blocks.
fn flatten(e: &Element) -> Vec<Flat> {
    let mut out = Vec::new();
    let mut inline = String::new();
    let flush = |inline: &mut String, out: &mut Vec<Flat>| {
        let text = clean_lines(inline);
        if !text.is_empty() {
            out.push(Flat::Lines(text));
        }
        inline.clear();
    };
    for child in &e.children {
        match child {
            Node::Text(t) => source_text(t, &mut inline),
            Node::Element(c) if skipped(c.local()) => {}
            Node::Element(c) if is_block(c.local()) => {
                flush(&mut inline, &mut out);
                match c.local().to_ascii_lowercase().as_str() {
                    "ul" | "ol" => {
                        let ordered = c.local().eq_ignore_ascii_case("ol");
                        let start = c.attr("start").and_then(|s| s.parse().ok()).unwrap_or(1);
                        let items = c
                            .elements()
                            .filter(|i| i.local().eq_ignore_ascii_case("li"))
                            .map(flatten)
                            .collect();
                        out.push(Flat::List {
                            ordered,
                            start,
                            items,
                        });
                    }
                    "table" => out.push(Flat::Table(rows(c))),
                    "blockquote" => out.push(Flat::Quote(flatten(c))),
                    "pre" => out.push(Flat::Code(c.text().trim_end_matches('\n').to_string())),
                    "hr" => out.push(Flat::Rule),
                    _ => out.extend(flatten(c)),
                }
            }
            Node::Element(c) => inline_of(c, &mut inline),
        }
    }
    flush(&mut inline, &mut out);
    out
}

fn inline_of(e: &Element, out: &mut String) {
    match e.local().to_ascii_lowercase().as_str() {
        "br" => out.push('\n'),
        "a" => {
            let mut text = String::new();
            for c in &e.children {
                match c {
                    Node::Text(t) => source_text(t, &mut text),
                    Node::Element(x) => inline_of(x, &mut text),
                }
            }
            out.push_str(&text);
            if let Some(href) = e.attr("href") {
                let shown = collapse(&text);
                if !href.is_empty() && shown.trim() != href && !href.starts_with('#') {
                    out.push_str(&format!(" <{href}>"));
                }
            }
        }
        _ => {
            for c in &e.children {
                match c {
                    Node::Text(t) => source_text(t, out),
                    Node::Element(x) if !skipped(x.local()) => inline_of(x, out),
                    Node::Element(_) => {}
                }
            }
        }
    }
}

fn rows(table: &Element) -> Vec<Vec<String>> {
    fn walk(e: &Element, out: &mut Vec<Vec<String>>) {
        for c in e.elements() {
            if !c.local().eq_ignore_ascii_case("tr") {
                walk(c, out);
                continue;
            }
            let cells = c
                .elements()
                .filter(|x| {
                    x.local().eq_ignore_ascii_case("td") || x.local().eq_ignore_ascii_case("th")
                })
                .map(|cell| {
                    let mut s = String::new();
                    for n in &cell.children {
                        match n {
                            Node::Text(t) => source_text(t, &mut s),
                            Node::Element(x) => inline_of(x, &mut s),
                        }
                    }
                    collapse(&s).trim().to_string()
                })
                .collect();
            out.push(cells);
        }
    }
    let mut out = Vec::new();
    walk(table, &mut out);
    out
}

/// HTML whitespace: runs of spaces, tabs and newlines are one space.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        }
    }
    out
}

/// Inline content with `<br>` as `\n` (source newlines were made spaces when the text
/// was gathered): whitespace collapsed within each line, lines trimmed.
fn clean_lines(s: &str) -> String {
    s.split('\n')
        .map(|l| collapse(l).trim().to_string())
        .collect::<Vec<_>>()
        .join("\n")
        .trim_matches('\n')
        .to_string()
}

/// Text of an HTML text node: its newlines are whitespace (only `<br>` breaks a line).
fn source_text(t: &str, out: &mut String) {
    out.extend(
        t.chars()
            .map(|c| if matches!(c, '\n' | '\r') { ' ' } else { c }),
    );
}

fn write(blocks: &[Flat], out: &mut String) {
    for (i, b) in blocks.iter().enumerate() {
        match b {
            Flat::Lines(text) => {
                out.push_str(text);
                out.push('\n');
            }
            Flat::List {
                ordered,
                start,
                items,
            } => {
                for (n, item) in items.iter().enumerate() {
                    let mut inner = String::new();
                    write(item, &mut inner);
                    let marker = crate::emit::text::list_marker(*ordered, *start, n);
                    crate::emit::text::push_list_item(out, "", &marker, &inner);
                }
            }
            Flat::Table(rows) => {
                for r in rows {
                    out.push_str(&format!("| {} |\n", r.join(" | ")));
                }
            }
            Flat::Quote(inner) => {
                let mut text = String::new();
                write(inner, &mut text);
                for line in text.trim_end_matches('\n').lines() {
                    out.push_str(&format!("> {line}\n"));
                }
            }
            Flat::Code(text) => {
                for line in text.lines() {
                    out.push_str(&format!("    {line}\n"));
                }
            }
            Flat::Rule => out.push_str("----\n"),
        }
        let next_is_list = matches!(blocks.get(i + 1), Some(Flat::List { .. }));
        if i + 1 < blocks.len() && !next_is_list {
            out.push('\n');
        }
    }
}

/// Plain text as Markdown that reads back as the same text: every character Markdown
/// would take as markup is escaped, leading spaces are kept as character references,
/// lines stay lines (soft breaks) and blank lines separate paragraphs.
pub fn markdown(text: &str) -> String {
    let mut out = String::new();
    let mut blank = false;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank = !out.is_empty();
            continue;
        }
        if blank {
            out.push_str("\n\n");
            blank = false;
        } else if !out.is_empty() {
            // A line of the same paragraph: a hard break keeps it a line (a soft break
            // between Japanese characters would join them).
            if !is_list_line(line) {
                out.push('\\');
            }
            out.push('\n');
        }
        escape_line(line, &mut out);
    }
    out
}

fn is_list_line(line: &str) -> bool {
    let rest = line.trim_start_matches(' ');
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    rest.starts_with("- ")
        || rest == "-"
        || (digits > 0
            && digits < 10
            && (rest[digits..].starts_with(". ") || &rest[digits..] == "."))
}

fn escape_line(line: &str, out: &mut String) {
    let rest = line.trim_start_matches([' ', '\t']);
    let indent = &line[..line.len() - rest.len()];
    // A list item stays a list item (its text is what `emit::text` writes for one).
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let marker = if rest.starts_with("- ") {
        Some(2)
    } else if digits > 0 && digits < 10 && rest[digits..].starts_with(". ") {
        Some(digits + 2)
    } else {
        None
    };
    if let (Some(len), false) = (marker, indent.contains('\t')) {
        out.push_str(indent);
        out.push_str(&rest[..len]);
        let item = &rest[len..];
        if item.trim().is_empty() {
            return;
        }
        escape_text(item, out);
        return;
    }
    for c in indent.chars() {
        out.push_str(if c == '\t' { "&#9;" } else { "&#32;" });
    }
    escape_text(rest, out);
}

/// Text at the start of a line (or of a list item), escaped.
fn escape_text(rest: &str, out: &mut String) {
    // A run of digits then `.` or `)` starts an ordered list.
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    for (i, c) in rest.chars().enumerate() {
        let at_start = i == 0;
        let special = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '~' | '|' | '&' | '!'
        ) || (at_start && matches!(c, '#' | '+' | '-' | '='))
            || (digits > 0 && i == digits && matches!(c, '.' | ')'));
        if special {
            out.push('\\');
        }
        out.push(c);
    }
}

/// A pattern's pieces: literal text and `{name}` placeholders.
fn pieces(pattern: &str) -> Vec<(bool, &str)> {
    let mut out = Vec::new();
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        let Some(close) = rest[open..].find('}') else {
            break;
        };
        if open > 0 {
            out.push((false, &rest[..open]));
        }
        out.push((true, &rest[open + 1..open + close]));
        rest = &rest[open + close + 1..];
    }
    if !rest.is_empty() {
        out.push((false, rest));
    }
    out
}

/// Reads `text` as a filled `pattern` (see `labels::fill`): the values of its placeholders,
/// or `None` when the text does not have the pattern's shape. A placeholder takes the text
/// up to the next literal's first occurrence; the last one takes everything up to the
/// pattern's closing literal. Values are trimmed and must not be empty.
pub fn unfill<'t>(pattern: &str, text: &'t str) -> Option<Vec<(String, &'t str)>> {
    let pieces = pieces(pattern);
    if pieces.is_empty() {
        return None;
    }
    let mut rest = text;
    let mut values = Vec::new();
    let mut i = 0;
    while i < pieces.len() {
        let (is_name, piece) = pieces[i];
        if !is_name {
            rest = rest.strip_prefix(piece)?;
            i += 1;
            continue;
        }
        let value = match pieces.get(i + 1) {
            None => std::mem::take(&mut rest),
            Some((_, lit)) if i + 2 == pieces.len() => {
                let v = rest.strip_suffix(lit)?;
                rest = &rest[v.len()..];
                v
            }
            Some((false, lit)) => {
                let at = rest.find(lit)?;
                let v = &rest[..at];
                rest = &rest[at..];
                v
            }
            // Two placeholders side by side cannot be told apart.
            Some((true, _)) => return None,
        };
        let value = value.trim();
        if value.is_empty() {
            return None;
        }
        values.push((piece.to_string(), value));
        i += 1;
    }
    rest.is_empty().then_some(values)
}

/// The value of one placeholder in a filled pattern.
pub fn unfill_one<'t>(pattern: &str, text: &'t str, name: &str) -> Option<&'t str> {
    unfill(pattern, text)?
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v)
}

/// The text before and after a placeholder in a pattern (`("", "を改訂")` for
/// `{place}を改訂`).
pub fn around<'p>(pattern: &'p str, name: &str) -> Option<(&'p str, &'p str)> {
    let key = format!("{{{name}}}");
    let at = pattern.find(&key)?;
    Some((&pattern[..at], &pattern[at + key.len()..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_read_backwards() {
        // Intent: a filled pattern gives back its values; text of another shape does not.
        let v = unfill("【{date}】{summary}", "【2020年4月9日】担当割記載").unwrap();
        assert_eq!(v[0], ("date".to_string(), "2020年4月9日"));
        assert_eq!(v[1], ("summary".to_string(), "担当割記載"));
        assert!(unfill("【{date}】{summary}", "担当割記載").is_none());
        let q = unfill("「{title}」", "「『a』と「b」」").unwrap();
        assert_eq!(q[0].1, "『a』と「b」");
        assert_eq!(
            unfill_one("{y}年{m}月{d}日", "2020年4月9日", "m"),
            Some("4")
        );
        assert_eq!(around("{place}を改訂", "place"), Some(("", "を改訂")));
    }

    #[test]
    fn plain_text_becomes_literal_markdown() {
        // Intent: list markers, emphasis characters, headings and indentation in a note
        // stay text once read as Markdown.
        assert_eq!(markdown("- a\n  1. b"), "- a\n  1. b");
        assert_eq!(markdown("-a\n  # b"), "\\-a\\\n&#32;&#32;\\# b");
        assert_eq!(markdown("*x* [y](z)\n\n# h"), "\\*x\\* \\[y\\](z)\n\n\\# h");
    }

    #[test]
    fn html_notes_read_as_the_text_emitters_write() {
        // Intent: paragraphs, line breaks, nested lists, tables and links in a rich note
        // give the text `emit::text::blocks` writes for the same body.
        let html = super::super::xml::parse(
            "<html><head><title>x</title></head><body><p>a<br/>b</p><ul><li>c<ol><li>d</li></ol></li></ul><p>\n   e   <a href=\"http://x\">f</a></p><table><tr><th>g</th><th>h</th></tr></table></body></html>",
        )
        .unwrap();
        assert_eq!(
            html_text(&html),
            "a\nb\n- c\n  1. d\n\ne f <http://x>\n\n| g | h |"
        );
    }
}
