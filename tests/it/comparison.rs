//! The revision made visible: the 新旧対照表 in DOCX and HTML marks exactly the changed
//! chunks, the tracked-changes DOCX accepts to the new wording and rejects to the old, and
//! the table can be turned off or turned around.

use std::collections::HashSet;
use std::io::Read;

use supplement::emit::{self, RenderOptions};
use supplement::view::{wording, Chunk, ChunkKind, DocumentView};

use crate::support::{code, minimal_copy, root, run, text};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";

fn view_of(manuscript: &std::path::Path) -> (DocumentView, supplement::styles::Styles) {
    let checked = supplement::check(manuscript).expect("loads");
    (checked.view.expect("view"), checked.styles)
}

fn render(view: &DocumentView, styles: &supplement::styles::Styles, format: &str) -> Vec<u8> {
    emit::find(format)
        .expect("emitter")
        .render(view, styles, &RenderOptions::default())
        .expect("renders")
        .remove(0)
        .bytes
}

pub(crate) fn document_xml(docx: Vec<u8>) -> String {
    let mut xml = String::new();
    zip::ZipArchive::new(std::io::Cursor::new(docx))
        .expect("zip")
        .by_name("word/document.xml")
        .expect("document.xml")
        .read_to_string(&mut xml)
        .expect("utf8");
    xml
}

/// Every compared pair of the view: (old wording, new wording, chunks).
fn pairs(view: &DocumentView) -> Vec<(String, String, Vec<Chunk>)> {
    let mut out = Vec::new();
    for p in &view.points {
        let all = std::iter::once((&p.before, &p.after, &p.wording))
            .chain(p.topics.iter().map(|t| (&t.before, &t.after, &t.wording)));
        for (before, after, chunks) in all {
            if let Some(chunks) = chunks {
                out.push((
                    before.clone().unwrap_or_default(),
                    after.clone().unwrap_or_default(),
                    chunks.clone(),
                ));
            }
        }
    }
    out
}

/// The changed chunks of one side, as the marked text should read.
fn changed(chunks: &[Chunk], kind: ChunkKind) -> Vec<String> {
    chunks
        .iter()
        .filter(|c| c.kind == kind)
        .map(|c| c.text.clone())
        .collect()
}

#[test]
fn the_comparison_table_marks_exactly_the_changed_chunks() {
    // Intent: examples/full has a changed passage, a topic's change, an all-new passage
    // (（新設）) and an all-removed one (（削る）); each is a row in DOCX and HTML, and the
    // underlined runs / <ins> and <del> are exactly the widened chunks.
    let (view, styles) = view_of(&root().join("examples/full"));
    let c = view.comparison.as_ref().expect("a comparison table");
    let all = pairs(&view);
    assert_eq!(c.rows.len(), all.len());
    assert!(c.rows.iter().any(|r| r.added_passage), "no all-new passage");
    assert!(
        c.rows.iter().any(|r| r.removed_passage),
        "no all-removed passage"
    );

    // DOCX: the table after the 新旧対照表 heading, a title row then a wording row per pair.
    let xml = document_xml(render(&view, &styles, "docx"));
    let doc = roxmltree::Document::parse(&xml).expect("xml");
    let table = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .find(|t| {
            let first: String = t
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .take(2)
                .filter_map(|n| n.text())
                .collect();
            first
                == format!(
                    "{}{}",
                    view.labels.comparison.new, view.labels.comparison.old
                )
        })
        .expect("the comparison table");
    let rows: Vec<_> = table
        .children()
        .filter(|n| n.has_tag_name((W, "tr")))
        .collect();
    assert_eq!(rows.len(), 1 + 2 * all.len());
    assert!(rows[0]
        .descendants()
        .any(|n| n.has_tag_name((W, "tblHeader"))));
    for (i, (_, _, chunks)) in all.iter().enumerate() {
        let cells: Vec<_> = rows[2 + 2 * i]
            .children()
            .filter(|n| n.has_tag_name((W, "tc")))
            .collect();
        let underlined = |cell: roxmltree::Node<'_, '_>| -> Vec<String> {
            cell.descendants()
                .filter(|n| n.has_tag_name((W, "r")))
                .filter(|r| r.descendants().any(|n| n.has_tag_name((W, "u"))))
                .map(|r| {
                    r.descendants()
                        .filter(|n| n.has_tag_name((W, "t")))
                        .filter_map(|n| n.text())
                        .collect()
                })
                .collect()
        };
        assert_eq!(
            underlined(cells[0]),
            changed(chunks, ChunkKind::Added),
            "row {i}, new"
        );
        assert_eq!(
            underlined(cells[1]),
            changed(chunks, ChunkKind::Removed),
            "row {i}, old"
        );
        assert!(rows[1 + 2 * i]
            .descendants()
            .any(|n| n.attribute((W, "val")) == Some("2") && n.has_tag_name((W, "gridSpan"))));
    }
    let added_marker = &view.labels.comparison.added_passage;
    let removed_marker = &view.labels.comparison.removed_passage;
    assert!(xml.contains(added_marker.as_str()) && xml.contains(removed_marker.as_str()));

    // HTML: <ins> and <del> in the comparison table carry exactly the chunks.
    let html = String::from_utf8(render(&view, &styles, "html")).expect("utf8");
    let table = &html[html.find("<table class=\"comparison\">").expect("table")..];
    let table = &table[..table.find("</table>").expect("end")];
    let tagged = |tag: &str| -> Vec<String> {
        table
            .split(&format!("<{tag}>"))
            .skip(1)
            .map(|s| s[..s.find(&format!("</{tag}>")).expect("close")].to_string())
            .collect()
    };
    let want = |kind| -> Vec<String> {
        all.iter()
            .flat_map(|(_, _, c)| changed(c, kind))
            .map(|t| supplement::emit::markup::escape(&t))
            .collect()
    };
    assert_eq!(tagged("ins"), want(ChunkKind::Added));
    assert_eq!(tagged("del"), want(ChunkKind::Removed));
}

#[test]
fn the_redline_docx_accepts_to_the_new_wording_and_rejects_to_the_old() {
    // Intent: for manuscript/ and examples/full, every pair is tracked changes: accepting
    // them all gives the new wording, rejecting them all the old (pandoc, when installed;
    // CI installs it). Revision ids are unique and never a bookmark's.
    let has_pandoc = std::process::Command::new("pandoc")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_pandoc && std::env::var_os("CI").is_some() {
        panic!("pandoc is missing on CI");
    }
    for manuscript in ["manuscript", "examples/full"] {
        let (view, styles) = view_of(&root().join(manuscript));
        let docx = render(&view, &styles, "docx-redline");
        let xml = document_xml(docx.clone());
        let doc = roxmltree::Document::parse(&xml).expect("xml");
        let mut ids = HashSet::new();
        for n in doc.descendants().filter(|n| {
            n.has_tag_name((W, "ins"))
                || n.has_tag_name((W, "del"))
                || n.has_tag_name((W, "bookmarkStart"))
        }) {
            let id = n.attribute((W, "id")).expect("an id");
            assert!(ids.insert(id.to_string()), "{manuscript}: id {id} twice");
        }
        let all = pairs(&view);
        let changes = doc
            .descendants()
            .filter(|n| n.has_tag_name((W, "ins")) || n.has_tag_name((W, "del")))
            .count();
        assert_eq!(
            changes,
            all.iter()
                .map(|(_, _, c)| c.iter().filter(|c| c.kind != ChunkKind::Same).count())
                .sum::<usize>()
        );
        if !has_pandoc {
            continue;
        }
        let dir = crate::support::temp_dir(&format!("redline-{}", manuscript.replace('/', "-")));
        let file = dir.join("r.docx");
        std::fs::write(&file, &docx).expect("write");
        let read = |mode: &str| -> String {
            let out = std::process::Command::new("pandoc")
                .args([
                    "-t",
                    "plain",
                    "--wrap=none",
                    &format!("--track-changes={mode}"),
                ])
                .arg(&file)
                .output()
                .expect("pandoc runs");
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        let (accepted, rejected) = (read("accept"), read("reject"));
        for (before, after, chunks) in &all {
            assert_eq!(&wording::old_text(chunks), before);
            assert_eq!(&wording::new_text(chunks), after);
            if !after.is_empty() {
                assert!(
                    accepted.lines().any(|l| l.trim() == after),
                    "{manuscript}: accepted lacks {after:?}"
                );
                assert!(
                    !rejected.lines().any(|l| l.trim() == after),
                    "{manuscript}: rejected has {after:?}"
                );
            }
            if !before.is_empty() {
                assert!(
                    rejected.lines().any(|l| l.trim() == before),
                    "{manuscript}: rejected lacks {before:?}"
                );
                assert!(
                    !accepted.lines().any(|l| l.trim() == before),
                    "{manuscript}: accepted has {before:?}"
                );
            }
        }
    }
}

#[test]
fn the_table_can_be_turned_off_or_around() {
    // Intent: labels say whether the table is shown and which column comes first; the
    // changelog shows each pair inline either way.
    let (work, m) = minimal_copy("comparison-settings");
    crate::support::append(
        &m.join("parts/01-part1.toml"),
        "before = \"古い用語\"\nafter = \"新しい用語\"\n",
    );
    std::fs::create_dir_all(m.join("styles")).expect("styles");
    std::fs::write(
        m.join("styles/labels.toml"),
        "[comparison]\nnew_first = false\n",
    )
    .expect("write");
    let out = run(
        &work,
        &["build", "-m", "m", "-o", "o", "-f", "html,changelog"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let html = std::fs::read_to_string(work.join("o/min-01.html")).expect("html");
    let head = &html[html.find("<table class=\"comparison\">").expect("table")..];
    assert!(head.find("改正前").expect("old") < head.find("改正後").expect("new"));
    let changelog = std::fs::read_to_string(work.join("o/min-01.changelog.txt")).expect("txt");
    // 古い → 新しい: the kanji change, with the okurigana い they share left unmarked.
    assert!(changelog.contains("[-古-]{+新し+}い用語"), "{changelog}");

    std::fs::write(m.join("styles/labels.toml"), "[comparison]\nshow = false\n").expect("write");
    let out = run(&work, &["build", "-m", "m", "-o", "o", "-f", "html,docx"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let html = std::fs::read_to_string(work.join("o/min-01.html")).expect("html");
    assert!(!html.contains("class=\"comparison\"") && !html.contains(">新旧対照表<"));
    let xml = document_xml(std::fs::read(work.join("o/min-01.docx")).expect("docx"));
    assert!(!xml.contains("新旧対照表"));
    assert!(
        html.contains("<ins>新し</ins>"),
        "the point keeps its own comparison"
    );
}
