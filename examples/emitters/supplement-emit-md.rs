//! `supplement-emit-md`: the supplement as CommonMark, for a wiki, a pull request or pandoc.
//!
//! An external emitter (protocol 1, README "External emitters") written against this
//! crate's own view types: the JSON on stdin deserialises into
//! `Envelope<DocumentView>`, so a change to the view that breaks this program breaks its
//! build first. Build it with `cargo build --example supplement-emit-md`, then declare it:
//!
//! ```toml
//! [emitters.md]
//! command = ["/path/to/target/debug/examples/supplement-emit-md"]
//! extension = "md"
//! ```
//!
//! or copy it onto PATH under its own name and run `supplement build --format md`.
//!
//! What it writes: the title, the base book, then every part with its revision points —
//! heading, the fields (target, pages, action, status, owners), body and topics — and the
//! references. Headings carry the view's anchors (`<a id>`), so `#id` links in bodies and
//! the references' "cited by" links work on GitHub and through pandoc.

use std::io::Read;
use std::process::ExitCode;

use supplement::external::{Envelope, PROTOCOL};
use supplement::view::body::{Block, Inline, LinkTarget};
use supplement::view::{DocumentView, FigureView, Heading, TopicView};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args == ["--supplement-protocol"] {
        println!("{PROTOCOL}");
        return ExitCode::SUCCESS;
    }
    let output = match output_path(&args) {
        Ok(path) => path,
        Err(message) => return fail(&message),
    };
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        return fail(&format!("cannot read stdin: {e}"));
    }
    let envelope: Envelope<DocumentView> = match serde_json::from_str(&input) {
        Ok(envelope) => envelope,
        Err(e) => {
            return fail(&format!(
                "the view on stdin is not the view this emitter knows: {e}"
            ))
        }
    };
    if envelope.protocol != PROTOCOL {
        return fail(&format!(
            "the input is protocol {}, this emitter speaks {PROTOCOL}",
            envelope.protocol
        ));
    }
    let text = markdown(&envelope.view);
    match std::fs::write(&output, text) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write {output}: {e}")),
    }
}

/// `--output PATH [--protocol N]`.
fn output_path(args: &[String]) -> Result<String, String> {
    let mut output = None;
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let value = it.next().ok_or_else(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--output" => output = Some(value.clone()),
            "--protocol" if value == &PROTOCOL.to_string() => {}
            "--protocol" => return Err(format!("protocol {value} is not spoken here")),
            _ => return Err(format!("unknown argument {flag:?}")),
        }
    }
    output.ok_or_else(|| "--output PATH is required".to_string())
}

/// Prints an error in the JSON diagnostic form and fails.
fn fail(message: &str) -> ExitCode {
    let record = serde_json::json!({ "severity": "error", "message": message });
    eprintln!("{record}");
    ExitCode::FAILURE
}

/// The whole document.
fn markdown(doc: &DocumentView) -> String {
    let mut out = String::new();
    let field = &doc.labels.field;
    out.push_str(&format!("# {}\n\n", escape(&doc.title)));
    if let Some(subtitle) = &doc.subtitle {
        out.push_str(&format!("{}\n\n", escape(subtitle)));
    }
    out.push_str(&format!(
        "{}: {}\n\n",
        escape(&field.base_book),
        escape(&doc.base_book.summary)
    ));
    for part in &doc.parts {
        heading(&mut out, &part.heading, 0);
        blocks(&mut out, &doc.figures, doc.body(part.body), "");
        for &i in &part.points {
            let Some(point) = doc.points.get(i) else {
                continue;
            };
            heading(&mut out, &point.heading, 0);
            let mut fields = vec![
                (&field.target, point.target_text.clone()),
                (&field.pages, point.pages.clone()),
                (&field.action, point.action_label.clone()),
            ];
            if let Some(status) = &point.status_label {
                fields.push((&field.status, status.clone()));
            }
            if !point.owners_text.is_empty() {
                fields.push((&field.owners, point.owners_text.clone()));
            }
            for (name, value) in fields.into_iter().filter(|(_, v)| !v.is_empty()) {
                out.push_str(&format!("- {}: {}\n", escape(name), escape(&value)));
            }
            cites(&mut out, doc, &point.references);
            out.push('\n');
            blocks(&mut out, &doc.figures, doc.body(point.body), "");
            topics(&mut out, doc, &point.topics);
        }
        if let Some(h) = &part.topics_heading {
            heading(&mut out, h, 0);
            topics(&mut out, doc, &part.topics);
        }
    }
    if !doc.references.is_empty() {
        out.push_str(&format!(
            "## {}\n\n",
            escape(&doc.labels.section.references)
        ));
        for r in &doc.references {
            out.push_str(&format!(
                "- <a id=\"{}\"></a>{}",
                r.anchor.id,
                escape(&r.citation)
            ));
            if let Some(url) = &r.url {
                out.push_str(&format!(" <{url}>"));
            }
            out.push('\n');
        }
        out.push('\n');
    }
    out
}

fn topics(out: &mut String, doc: &DocumentView, list: &[TopicView]) {
    for t in list {
        heading(out, &t.heading, 0);
        if !t.references.is_empty() {
            cites(out, doc, &t.references);
            out.push('\n');
        }
        blocks(out, &doc.figures, doc.body(t.body), "");
    }
}

/// A list item linking the references cited (to their entries at the end).
fn cites(out: &mut String, doc: &DocumentView, list: &[usize]) {
    let links: Vec<String> = list
        .iter()
        .filter_map(|&i| doc.references.get(i))
        .map(|r| format!("[{}](#{})", escape(&r.title), r.anchor.id))
        .collect();
    if !links.is_empty() {
        out.push_str(&format!(
            "- {}: {}\n",
            escape(&doc.labels.field.references),
            links.join(&doc.labels.format.list_separator)
        ));
    }
}

/// A heading with its anchor; `shift` moves it down (Markdown has six levels).
fn heading(out: &mut String, h: &Heading, shift: usize) {
    let level = (usize::from(h.level) + 1 + shift).min(6);
    out.push_str(&format!(
        "<a id=\"{}\"></a>\n\n{} {}\n\n",
        h.anchor.id,
        "#".repeat(level),
        escape(&h.text)
    ));
}

/// Blocks, each line prefixed with `indent` (list items and quotes nest).
fn blocks(out: &mut String, doc_figures: &[FigureView], list: &[Block], indent: &str) {
    for b in list {
        match b {
            Block::Heading { content, .. } => {
                out.push_str(&format!("{indent}**{}**\n{indent}\n", inlines(content)));
            }
            Block::Paragraph { content } => {
                let text = inlines(content).replace('\n', &format!("\n{indent}"));
                out.push_str(&format!("{indent}{text}\n{indent}\n"));
            }
            Block::List {
                ordered,
                start,
                items,
            } => {
                for (n, item) in items.iter().enumerate() {
                    let marker = if *ordered {
                        format!("{}. ", start.saturating_add(n as u64))
                    } else {
                        "- ".to_string()
                    };
                    let inner = format!("{indent}{}", " ".repeat(marker.len()));
                    let mut text = String::new();
                    blocks(&mut text, doc_figures, item, &inner);
                    let text = text.trim_start().trim_end_matches([' ', '\n']);
                    out.push_str(&format!("{indent}{marker}{text}\n"));
                }
                out.push_str(&format!("{indent}\n"));
            }
            Block::Table { head, rows, .. } => {
                let row = |cells: &[Vec<Inline>]| {
                    let cells: Vec<String> = cells
                        .iter()
                        .map(|c| inlines(c).replace('\n', " "))
                        .collect();
                    format!("{indent}| {} |\n", cells.join(" | "))
                };
                out.push_str(&row(head));
                out.push_str(&format!(
                    "{indent}|{}\n",
                    " --- |".repeat(head.len().max(1))
                ));
                for r in rows {
                    out.push_str(&row(r));
                }
                out.push_str(&format!("{indent}\n"));
            }
            Block::Quote { blocks: inner } => {
                blocks(out, doc_figures, inner, &format!("{indent}> "));
            }
            Block::Code { text } => {
                let fence = "`".repeat(longest_run(text, '`').max(2) + 1);
                out.push_str(&format!("{indent}{fence}\n"));
                for line in text.lines() {
                    out.push_str(&format!("{indent}{line}\n"));
                }
                out.push_str(&format!("{indent}{fence}\n{indent}\n"));
            }
            Block::Rule => out.push_str(&format!("{indent}---\n{indent}\n")),
            // The image's file is relative to the manuscript folder the emitter runs in.
            Block::Figure {
                figure,
                alt,
                caption,
                text,
            } => match figure.and_then(|i| doc_figures.get(i)) {
                Some(f) => {
                    let title = caption
                        .as_deref()
                        .map(|c| format!(" \"{}\"", c.replace('"', "\\\"")))
                        .unwrap_or_default();
                    out.push_str(&format!(
                        "{indent}![{}](<{}>{title})\n{indent}\n",
                        escape(alt),
                        f.file.replace('>', "%3E")
                    ));
                }
                None => out.push_str(&format!("{indent}{}\n{indent}\n", escape(text))),
            },
        }
    }
}

fn inlines(list: &[Inline]) -> String {
    let mut out = String::new();
    for i in list {
        match i {
            Inline::Text { text } => out.push_str(&escape(text)),
            Inline::Emphasis { content } => out.push_str(&format!("*{}*", inlines(content))),
            Inline::Strong { content } => out.push_str(&format!("**{}**", inlines(content))),
            Inline::Strike { content } => out.push_str(&format!("~~{}~~", inlines(content))),
            Inline::Code { text } => {
                let ticks = "`".repeat(longest_run(text, '`') + 1);
                out.push_str(&format!("{ticks} {text} {ticks}"));
            }
            Inline::Link { target, content } => match target {
                LinkTarget::Anchor { anchor } => {
                    out.push_str(&format!("[{}](#{})", inlines(content), anchor.id));
                }
                LinkTarget::Url { url } => {
                    out.push_str(&format!(
                        "[{}](<{}>)",
                        inlines(content),
                        url.replace('>', "%3E")
                    ));
                }
                LinkTarget::None => out.push_str(&inlines(content)),
            },
            Inline::LineBreak => out.push_str("\\\n"),
        }
    }
    out
}

/// Text with every ASCII character Markdown could read as markup backslash-escaped, and a
/// line start that would open a list or a heading defused.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|' | '~' | '&'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out.lines()
        .map(|line| {
            let digits = line.chars().take_while(char::is_ascii_digit).count();
            let rest = &line[digits..];
            if digits > 0 && (rest.starts_with('.') || rest.starts_with(')')) {
                format!("{}\\{rest}", &line[..digits])
            } else if line.starts_with(['-', '+', '=']) {
                format!("\\{line}")
            } else {
                line.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn longest_run(text: &str, c: char) -> usize {
    let mut best = 0;
    let mut run = 0;
    for ch in text.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}
