//! One document view, three formats: every anchor and every label the view gives appears
//! identically in the DOCX, the HTML and the changelog, and every internal link resolves.

use std::collections::{BTreeSet, HashSet};
use std::io::Read;

use supplement::emit::{self, RenderOptions};
use supplement::view::{Block, DocumentView, Inline, LinkTarget};

use crate::support::root;

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

/// The three outputs of a manuscript, as text to search.
struct Outputs {
    view: DocumentView,
    /// word/document.xml.
    document_xml: String,
    /// The DOCX text, one paragraph per line.
    docx_text: String,
    /// The page.
    html: String,
    /// The page's text (tags removed, entities decoded), one element per line.
    html_text: String,
    changelog: String,
}

fn render(manuscript: &str) -> Outputs {
    let checked = supplement::check(&root().join(manuscript)).expect("loads");
    let view = checked.view.expect("a view");
    let file = |format: &str| {
        let files = emit::find(format)
            .expect("emitter")
            .render(&view, &checked.styles, &RenderOptions::default())
            .expect("renders");
        files.into_iter().next().expect("a file").bytes
    };
    let docx = file("docx");
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut document_xml = String::new();
    zip.by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut document_xml)
        .expect("utf8");
    let doc = roxmltree::Document::parse(&document_xml).expect("xml");
    let docx_text = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            p.descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n");
    let html = String::from_utf8(file("html")).expect("utf8");
    let html_text = text_of_html(&html);
    let changelog = String::from_utf8(file("changelog")).expect("utf8");
    drop(doc);
    Outputs {
        view,
        document_xml,
        docx_text,
        html,
        html_text,
        changelog,
    }
}

/// The text of an HTML page: tags removed, character references decoded.
fn text_of_html(html: &str) -> String {
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    let body = &html[html.find("<body").unwrap_or(0)..];
    for c in body.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        let tail = &rest[at..];
        let end = tail.find(';').filter(|&e| e < 10);
        let decoded = end.and_then(|e| match &tail[1..e] {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            num => {
                let n = match num.strip_prefix("#x").or_else(|| num.strip_prefix("#X")) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok(),
                    None => num.strip_prefix('#').and_then(|d| d.parse().ok()),
                };
                n.and_then(char::from_u32)
            }
        });
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The strings of the view that every format shows.
fn shown_everywhere(v: &DocumentView) -> BTreeSet<String> {
    let l = &v.labels;
    let field = |label: &str, value: &str| supplement::view::format::field(label, value, l);
    let mut out = BTreeSet::new();
    out.insert(v.title.clone());
    // The title page's facts: a definition list in HTML, "label：value" lines elsewhere;
    // the label and the value are the same words in each.
    for f in &v.front {
        out.insert(f.label.clone());
        out.insert(f.value.clone());
    }
    for e in &v.outline {
        out.insert(e.heading.text.clone());
        out.extend(e.children.iter().map(|c| c.text.clone()));
    }
    for h in &v.history {
        out.insert(h.date.text.clone());
        out.insert(h.summary.clone());
    }
    for r in &v.reasons {
        out.insert(r.heading.text.clone());
        out.extend(r.items.iter().map(|i| i.text.clone()));
        if !r.points.is_empty() {
            out.insert(l.field.related_points.clone());
        }
    }
    for p in &v.points {
        out.insert(p.title.clone());
        out.insert(p.action_phrase.clone());
        if let Some(status) = &p.status_label {
            out.insert(field(&l.field.status, status));
        }
        if !p.owners_text.is_empty() {
            out.insert(field(&l.field.owners, &p.owners_text));
        }
        if let Some(pr) = &p.priority {
            out.insert(pr.label.clone());
        }
        out.extend(p.markers.iter().map(|m| m.text.clone()));
        if !p.reasons.is_empty() {
            out.insert(l.field.reasons.clone());
        }
        if p.parent.is_some() {
            out.insert(p.parent_label.clone());
        }
        if !p.children.is_empty() {
            out.insert(l.field.children.clone());
        }
        if !p.grouped.is_empty() {
            out.insert(p.grouped_label.clone());
        }
        for t in &p.topics {
            out.insert(t.heading.text.clone());
            if let Some(pr) = &t.priority {
                out.insert(pr.label.clone());
            }
            if !t.owners_text.is_empty() {
                out.insert(field(&l.field.owners, &t.owners_text));
            }
        }
        for x in p
            .topics
            .iter()
            .map(|t| (&t.before, &t.after))
            .chain([(&p.before, &p.after)])
        {
            if x.0.is_some() {
                out.insert(l.field.before.clone());
            }
            if x.1.is_some() {
                out.insert(l.field.after.clone());
            }
        }
        for n in p.notes.iter().chain(p.topics.iter().flat_map(|t| &t.notes)) {
            out.insert(supplement::labels::fill(&l.format.note, &[("text", n)]));
        }
    }
    for r in &v.references {
        out.insert(r.citation.clone());
        if let Some(file) = &r.file {
            out.insert(field(&l.field.file, file));
        }
        if !r.cited_by.is_empty() {
            out.insert(l.field.cited_by.clone());
        }
    }
    for part in &v.parts {
        if let Some(h) = &part.plan_heading {
            out.insert(field(&l.field.plan_heading, h));
        }
    }
    for m in &v.team {
        out.insert(m.name.clone());
    }
    for f in &v.floating_topics {
        out.insert(f.title.clone());
    }
    out
}

fn body_links(v: &DocumentView) -> Vec<&supplement::view::Anchor> {
    fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a supplement::view::Anchor>) {
        for b in blocks {
            match b {
                Block::Heading { content, .. } | Block::Paragraph { content } => inl(content, out),
                Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Block::Quote { blocks } => walk(blocks, out),
                Block::Table { head, rows, .. } => head
                    .iter()
                    .chain(rows.iter().flatten())
                    .for_each(|c| inl(c, out)),
                Block::Code { .. } | Block::Rule | Block::Figure { .. } => {}
            }
        }
    }
    fn inl<'a>(list: &'a [Inline], out: &mut Vec<&'a supplement::view::Anchor>) {
        for i in list {
            match i {
                Inline::Link { target, content } => {
                    if let LinkTarget::Anchor { anchor } = target {
                        out.push(anchor);
                    }
                    inl(content, out);
                }
                Inline::Emphasis { content }
                | Inline::Strong { content }
                | Inline::Strike { content } => inl(content, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    for b in &v.bodies {
        walk(b, &mut out);
    }
    out
}

fn check_manuscript(manuscript: &str) {
    let o = render(manuscript);
    let v = &o.view;

    // Labels and composed values: the same words in all three formats.
    let mut missing = Vec::new();
    for s in shown_everywhere(v) {
        for (format, text) in [
            ("docx", &o.docx_text),
            ("html", &o.html_text),
            ("changelog", &o.changelog),
        ] {
            if !text.contains(s.as_str()) {
                missing.push(format!("{format}: {s:?}"));
            }
        }
    }
    // The table of revision points and the history table: DOCX and HTML.
    let l = &v.labels;
    for s in [
        &l.field.target,
        &l.field.pages,
        &l.field.action,
        &l.field.title,
        &l.field.date,
        &l.field.summary,
    ] {
        for (format, text) in [("docx", &o.docx_text), ("html", &o.html_text)] {
            if !text.contains(s.as_str()) {
                missing.push(format!("{format}: {s:?}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "{manuscript}: missing\n{}",
        missing.join("\n")
    );

    // Anchors: each is an HTML id and a DOCX bookmark, once.
    let doc = roxmltree::Document::parse(&o.document_xml).expect("xml");
    let bookmarks: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "bookmarkStart")))
        .filter_map(|n| n.attribute((W, "name")))
        .collect();
    let unique: HashSet<&str> = bookmarks.iter().copied().collect();
    assert_eq!(unique.len(), bookmarks.len(), "a bookmark twice");
    for a in v.anchors() {
        let id = format!("id=\"{}\"", a.id);
        assert_eq!(o.html.matches(&id).count(), 1, "{manuscript}: html {id}");
        assert!(
            unique.contains(a.bookmark.as_str()),
            "{manuscript}: docx bookmark {}",
            a.bookmark
        );
    }

    // Links: every internal link resolves, in both formats; body links are in both.
    let ids: HashSet<String> = v.anchors().iter().map(|a| a.id.clone()).collect();
    for href in o.html.split("href=\"#").skip(1) {
        let target = &href[..href.find('"').expect("closing quote")];
        assert!(
            ids.contains(target) || target == "_main",
            "{manuscript}: html link to #{target}"
        );
    }
    let docx_anchors: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute((W, "anchor")))
        .collect();
    for a in &docx_anchors {
        assert!(unique.contains(a), "{manuscript}: docx link to {a}");
    }
    for a in body_links(v) {
        assert!(o.html.contains(&format!("href=\"#{}\"", a.id)));
        assert!(docx_anchors.contains(&a.bookmark.as_str()));
    }
}

#[test]
fn every_anchor_and_label_is_the_same_in_every_format_full() {
    // Intent: examples/full (every feature) reads the same in DOCX, HTML and changelog.
    check_manuscript("examples/full");
}

#[test]
fn every_anchor_and_label_is_the_same_in_every_format_bundled() {
    // Intent: the bundled manuscript reads the same in DOCX, HTML and changelog.
    check_manuscript("manuscript");
}

#[test]
fn english_manuscripts_get_english_labels_and_dates() {
    // Intent: language = "en" selects labels.en.toml in every format, dates included: no
    // Japanese label reaches an English document.
    let (work, m) = crate::support::minimal_copy("view-english");
    let main = std::fs::read_to_string(m.join("supplement.toml")).expect("read");
    let main = main
        .replace(
            "title = \"小さな追補資料\"",
            "title = \"A small supplement\"\nlanguage = \"en\"\ndate = \"2024-04-01\"",
        )
        .replace("title = \"小さな本\"", "title = \"A small book\"")
        .replace("publisher = \"出版社\"", "publisher = \"A publisher\"")
        .replace("label = \"第1章\"", "label = \"Chapter 1\"");
    std::fs::write(m.join("supplement.toml"), main).expect("write");
    let part = "[part]\nid = \"part1\"\nlabel = \"Part 1\"\ntitle = \"Basics\"\n\n[[point]]\nid = \"ch1-revise\"\ntitle = \"Update the terms\"\ntargets = [\"ch1\"]\npages = [\"4-5\"]\naction = \"revise\"\nstatus = \"planned\"\npriority = 5\nbody = \"Replace the old terms *now*.\"\n";
    std::fs::write(m.join("parts/01-part1.toml"), part).expect("write");
    let out = crate::support::run(&work, &["build", "-m", "m", "-o", "o"]);
    assert_eq!(
        crate::support::code(&out),
        0,
        "{}",
        crate::support::text(&out).1
    );
    let html = std::fs::read_to_string(work.join("o/min-01.html")).expect("html");
    let changelog = std::fs::read_to_string(work.join("o/min-01.changelog.txt")).expect("txt");
    let mut xml = String::new();
    let docx = std::fs::read(work.join("o/min-01.docx")).expect("docx");
    zip::ZipArchive::new(std::io::Cursor::new(docx))
        .expect("zip")
        .by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf8");
    for (format, text) in [
        ("html", text_of_html(&html)),
        ("changelog", changelog),
        ("docx", xml),
    ] {
        for want in [
            "Revision history",
            "Revise Chapter 1 (p. 4–5)",
            "Priority 5",
            "Status: Planned",
            "April 1, 2024",
        ] {
            assert!(text.contains(want), "{format}: no {want:?}");
        }
        let japanese: String = text
            .chars()
            .filter(|c| matches!(c, '\u{3040}'..='\u{30FF}' | '\u{4E00}'..='\u{9FFF}' | '\u{FF00}'..='\u{FFEF}'))
            .collect();
        assert!(japanese.is_empty(), "{format}: Japanese text {japanese:?}");
    }
    assert!(html.contains("<html lang=\"en\">"));
}

#[test]
fn what_the_manuscript_does_not_give_is_not_shown() {
    // Intent: a status the manuscript does not give is not printed (no "状態", no 予定) in
    // any format, and the revision point table has no status column.
    let checked = supplement::check(&root().join("examples/minimal")).expect("loads");
    let view = checked.view.as_ref().expect("view");
    assert!(!view.has_status && view.points.iter().all(|p| p.status.is_none()));
    let o = render("examples/minimal");
    let l = &o.view.labels;
    for (format, text) in [
        ("docx", &o.docx_text),
        ("html", &o.html_text),
        ("changelog", &o.changelog),
    ] {
        assert!(!text.contains(&l.field.status), "{format} shows a status");
        assert!(!text.contains(&l.status.planned), "{format} invents 予定");
    }
}

#[test]
fn untitled_points_and_editorial_groupings_say_what_they_are() {
    // Intent: a point without a title is headed by its place and action, which its meta
    // line does not repeat; a grouping the editors drew is labelled as theirs everywhere.
    let o = render("examples/full");
    let p = o
        .view
        .points
        .iter()
        .find(|p| p.id == "appendix-add-to")
        .expect("the untitled point");
    assert!(!p.titled);
    assert_eq!(p.heading.text, p.action_phrase);
    let phrase = p.action_phrase.as_str();
    let block = o
        .changelog
        .split(&format!("--- [appendix-add-to] {phrase}\n"))
        .nth(1)
        .expect("the point's block");
    let meta = block.lines().next().unwrap_or_default();
    assert!(
        !meta.contains(phrase),
        "the meta line repeats the heading: {meta}"
    );
    assert!(o.html.contains(&format!(">{phrase}</h3>")));
    assert!(!o.html.contains(&format!("action-add-to\">{phrase}</span>")));
    assert!(o.docx_text.lines().filter(|l| l.contains(phrase)).count() >= 2);
    let grouped = &o
        .view
        .labels
        .format
        .editorial
        .replace("{label}", &o.view.labels.field.parent);
    for (format, text) in [
        ("docx", &o.docx_text),
        ("html", &o.html_text),
        ("changelog", &o.changelog),
    ] {
        assert!(text.contains(grouped.as_str()), "{format}: no {grouped:?}");
    }
}
