//! The DOCX output, read back as unzipped XML: structure, table of contents, the revision
//! point table, links, fonts and language, properties, escaping, packaging, real clients.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::support::{build_format, code, minimal_copy, root, run, temp_dir, text};

const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// The XML parts of a .docx, by name (media files are bytes, not text: left out).
struct Package {
    parts: Vec<(String, String)>,
}

impl Package {
    fn open(path: &Path) -> Package {
        let bytes = std::fs::read(path).expect("docx");
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
        let mut parts = Vec::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).expect("entry");
            if f.name().starts_with("word/media/") {
                continue;
            }
            let mut s = String::new();
            f.read_to_string(&mut s).expect("utf8 part");
            parts.push((f.name().to_string(), s));
        }
        Package { parts }
    }

    fn part(&self, name: &str) -> &str {
        &self
            .parts
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("no part {name}"))
            .1
    }
}

fn build(manuscript: &str, name: &str) -> (PathBuf, Package) {
    let file = build_format(Path::new(manuscript), "docx", name);
    let package = Package::open(&file);
    (file, package)
}

fn w<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<roxmltree::Node<'a, 'a>> {
    node.children().find(|c| c.has_tag_name((W, name)))
}

fn attr<'a>(node: roxmltree::Node<'a, 'a>, name: &str) -> Option<&'a str> {
    node.attribute((W, name))
}

/// Paragraph style and text of every body paragraph, in order.
fn paragraphs(doc: &roxmltree::Document<'_>) -> Vec<(String, String)> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .map(|p| {
            let style = w(p, "pPr")
                .and_then(|ppr| w(ppr, "pStyle"))
                .and_then(|s| attr(s, "val"))
                .unwrap_or("")
                .to_string();
            let text: String = p
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .filter_map(|n| n.text())
                .collect();
            (style, text)
        })
        .collect()
}

fn bookmarks(doc: &roxmltree::Document<'_>) -> HashSet<String> {
    doc.descendants()
        .filter(|n| n.has_tag_name((W, "bookmarkStart")))
        .filter_map(|n| attr(n, "name").map(str::to_string))
        .collect()
}

#[test]
fn headings_follow_the_document_order() {
    // Intent: parts are Heading1 in base-book order, each revision point a Heading2 inside
    // its part, topics Heading3+; front matter comes first.
    let (_, pkg) = build("examples/full", "docx-headings");
    let doc = roxmltree::Document::parse(pkg.part("word/document.xml")).expect("xml");
    let heads: Vec<(String, String)> = paragraphs(&doc)
        .into_iter()
        .filter(|(s, _)| s.starts_with("Heading"))
        .collect();
    let level1: Vec<&str> = heads
        .iter()
        .filter(|(s, _)| s == "Heading1")
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        level1,
        [
            "改訂履歴",
            "改訂の趣旨",
            "改訂箇所一覧",
            "新旧対照表",
            "まえがき",
            "第1章　基本の対策",
            "付録",
            "参考文献",
            "公開形式・関連資料",
            "担当者",
            "フローティングトピック"
        ]
    );
    let position = |text: &str| {
        heads
            .iter()
            .position(|(_, t)| t == text)
            .unwrap_or_else(|| panic!("no heading {text}"))
    };
    assert!(position("まえがき") < position("対象読者の説明の見直し"));
    assert!(position("第1章　基本の対策") < position("パスワードの基本の更新"));
    assert!(position("パスワードの基本の更新") < position("パスフレーズ"));
    assert_eq!(heads[position("パスワードの基本の更新")].0, "Heading2");
    assert_eq!(heads[position("パスフレーズ")].0, "Heading3");
    assert_eq!(heads[position("多要素認証")].0, "Heading4");
    assert_eq!(heads[position("古いリンク集の削除")].0, "Heading2");
    assert_eq!(heads[position("改訂理由")].0, "Heading2");
}

/// The headings of a document (style, text), in order.
fn headings(doc: &roxmltree::Document<'_>) -> Vec<(String, String)> {
    paragraphs(doc)
        .into_iter()
        .filter(|(s, _)| s.starts_with("Heading"))
        .collect()
}

#[test]
fn navigation_pane_is_an_outline_without_duplicates() {
    // Intent: headings carry titles, not locations, so Word's navigation pane lists each
    // entry once — on the bundled manuscript and on examples/full.
    for (manuscript, name) in [
        ("manuscript", "docx-nav-bundled"),
        ("examples/full", "docx-nav-full"),
    ] {
        let (_, pkg) = build(manuscript, name);
        let doc = roxmltree::Document::parse(pkg.part("word/document.xml")).expect("xml");
        let heads = headings(&doc);
        let mut seen = HashSet::new();
        for (_, text) in &heads {
            assert!(!text.trim().is_empty(), "an empty heading in {manuscript}");
            assert!(
                seen.insert(text.clone()),
                "heading {text:?} twice in {manuscript}"
            );
        }
        assert!(heads.len() > 10, "{heads:?}");
    }
}

#[test]
fn table_of_contents_is_a_word_field_with_the_outline_cached() {
    // Intent: the TOC is a real TOC field (levels 1–2, linked), so Word's "Update Table"
    // regenerates it; its cached entries are exactly the Heading1/Heading2 paragraphs in
    // order, each linking to its heading's bookmark, with no placeholder page numbers; and
    // nothing makes Word ask a question on open.
    let (_, pkg) = build("examples/full", "docx-toc");
    let xml = pkg.part("word/document.xml");
    let doc = roxmltree::Document::parse(xml).expect("xml");
    let style = |p: roxmltree::Node<'_, '_>| {
        w(p, "pPr")
            .and_then(|ppr| w(ppr, "pStyle"))
            .and_then(|s| attr(s, "val"))
            .unwrap_or("")
            .to_string()
    };
    let text = |p: roxmltree::Node<'_, '_>| -> String {
        p.descendants()
            .filter(|n| n.has_tag_name((W, "t")))
            .filter_map(|n| n.text())
            .collect()
    };
    let entries: Vec<roxmltree::Node<'_, '_>> = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "p")))
        .filter(|p| matches!(style(*p).as_str(), "TOC1" | "TOC2"))
        .collect();
    let instr: String = entries[0]
        .descendants()
        .filter(|n| n.has_tag_name((W, "instrText")))
        .filter_map(|n| n.text())
        .collect();
    assert_eq!(instr.trim(), r#"TOC \o "1-2" \h \z \u"#);
    let chars = |p: roxmltree::Node<'_, '_>| -> Vec<String> {
        p.descendants()
            .filter(|n| n.has_tag_name((W, "fldChar")))
            .filter_map(|n| attr(n, "fldCharType").map(str::to_string))
            .collect()
    };
    assert_eq!(chars(entries[0]), ["begin", "separate"]);
    assert_eq!(chars(*entries.last().expect("entries")), ["end"]);
    let marks = bookmarks(&doc);
    let cached: Vec<(String, String)> = entries
        .iter()
        .map(|e| {
            let link = e
                .descendants()
                .find(|n| n.has_tag_name((W, "hyperlink")))
                .expect("entry is a link");
            let anchor = attr(link, "anchor").expect("internal link");
            assert!(
                marks.contains(anchor),
                "TOC links to missing bookmark {anchor}"
            );
            (style(*e).replace("TOC", "Heading"), text(*e))
        })
        .collect();
    let outline: Vec<(String, String)> = headings(&doc)
        .into_iter()
        .filter(|(s, _)| s == "Heading1" || s == "Heading2")
        .collect();
    assert_eq!(cached, outline);
    assert!(!xml.contains("PAGEREF"), "page fields with placeholders");
    assert!(!pkg.part("word/settings.xml").contains("updateFields"));
}

#[test]
fn revision_point_table_has_a_linked_row_per_point() {
    // Intent: 改訂箇所一覧 lists every point: target, pages, action, title (linked), owners,
    // status, with a repeating header row.
    let (_, pkg) = build("examples/full", "docx-table");
    let doc = roxmltree::Document::parse(pkg.part("word/document.xml")).expect("xml");
    let marks = bookmarks(&doc);
    let table = doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "tbl")))
        .find(|t| {
            let first: String = t
                .descendants()
                .filter(|n| n.has_tag_name((W, "t")))
                .take(1)
                .filter_map(|n| n.text())
                .collect();
            first == "対象"
        })
        .expect("the revision point table");
    let rows: Vec<_> = table
        .children()
        .filter(|n| n.has_tag_name((W, "tr")))
        .collect();
    assert_eq!(rows.len(), 1 + 6);
    let header = rows[0];
    assert!(
        header
            .descendants()
            .any(|n| n.has_tag_name((W, "tblHeader"))),
        "header row does not repeat"
    );
    let cells = |row: roxmltree::Node<'_, '_>| -> Vec<String> {
        row.children()
            .filter(|n| n.has_tag_name((W, "tc")))
            .map(|c| {
                c.descendants()
                    .filter(|n| n.has_tag_name((W, "t")))
                    .filter_map(|n| n.text())
                    .collect()
            })
            .collect()
    };
    assert_eq!(
        cells(header),
        ["対象", "頁", "対応", "題名", "担当", "状態"]
    );
    assert_eq!(
        cells(rows[3]),
        [
            "第1章-3",
            "p.20",
            "追加",
            "パスワード管理ツールの紹介",
            "？（未定）",
            "執筆中"
        ]
    );
    assert_eq!(cells(rows[5])[2], "削除");
    for row in &rows[1..] {
        let link = row
            .descendants()
            .find(|n| n.has_tag_name((W, "hyperlink")))
            .expect("title links to its section");
        assert!(marks.contains(attr(link, "anchor").expect("anchor")));
    }
}

#[test]
fn hyperlinks_resolve() {
    // Intent: every internal link has its bookmark; every external link is a reference's,
    // a form's or a body link's address, with the `&` intact.
    let (_, pkg) = build("examples/full", "docx-links");
    let doc = roxmltree::Document::parse(pkg.part("word/document.xml")).expect("xml");
    let rels = roxmltree::Document::parse(pkg.part("word/_rels/document.xml.rels")).expect("rels");
    let marks = bookmarks(&doc);
    let mut external = HashSet::new();
    for link in doc
        .descendants()
        .filter(|n| n.has_tag_name((W, "hyperlink")))
    {
        if let Some(anchor) = attr(link, "anchor") {
            assert!(marks.contains(anchor), "dangling internal link {anchor}");
        } else {
            let id = link.attribute((R, "id")).expect("r:id");
            let rel = rels
                .descendants()
                .find(|n| n.attribute("Id") == Some(id))
                .unwrap_or_else(|| panic!("no relationship {id}"));
            assert_eq!(rel.attribute("TargetMode"), Some("External"));
            external.insert(rel.attribute("Target").expect("target").to_string());
        }
    }
    // Relationship targets are URIs: characters a URI may not hold are percent-encoded.
    let expected: HashSet<String> = [
        "https://example.com/law?year=2022&part=%3Call%3E",
        "mailto:info@example.com",
        "https://example.com/full-01/?lang=ja&view=all",
        "https://example.com/full-02/",
        "https://example.com/full-02/FULL-02.docx",
        "https://example.com/guide?a=1&b=2",
        "glossary.html",
    ]
    .into_iter()
    .map(String::from)
    .collect();
    assert_eq!(external, expected);
}

#[test]
fn japanese_fonts_and_language_are_set() {
    // Intent: East Asian fonts come from the style sheet and runs default to ja-JP, so Word
    // applies Japanese line breaking.
    let (_, pkg) = build("examples/full", "docx-fonts");
    let styles = roxmltree::Document::parse(pkg.part("word/styles.xml")).expect("styles");
    let defaults = styles
        .descendants()
        .find(|n| n.has_tag_name((W, "rPrDefault")))
        .expect("rPrDefault");
    let fonts = defaults
        .descendants()
        .find(|n| n.has_tag_name((W, "rFonts")))
        .expect("rFonts");
    assert_eq!(attr(fonts, "eastAsia"), Some("游明朝"));
    assert_eq!(attr(fonts, "ascii"), Some("Yu Mincho"));
    let lang = defaults
        .descendants()
        .find(|n| n.has_tag_name((W, "lang")))
        .expect("w:lang");
    assert_eq!(attr(lang, "eastAsia"), Some("ja-JP"));
    let heading = styles
        .descendants()
        .find(|n| n.has_tag_name((W, "style")) && attr(*n, "styleId") == Some("Heading1"))
        .expect("Heading1");
    let heading_fonts = heading
        .descendants()
        .find(|n| n.has_tag_name((W, "rFonts")))
        .expect("rFonts");
    assert_eq!(attr(heading_fonts, "eastAsia"), Some("游ゴシック"));
    let normal_styles = styles
        .descendants()
        .filter(|n| n.has_tag_name((W, "style")) && attr(*n, "styleId") == Some("Normal"))
        .count();
    assert_eq!(normal_styles, 1, "a second Normal style");
}

#[test]
fn style_sheet_overrides_apply() {
    // Intent: a manuscript's styles/docx.toml changes only the keys it sets.
    let (work, _) = minimal_copy("docx-override");
    std::fs::create_dir_all(work.join("m/styles")).expect("styles");
    std::fs::write(
        work.join("m/styles/docx.toml"),
        "[fonts]\nbody_east_asia = \"ＭＳ 明朝\"\n",
    )
    .expect("write");
    std::fs::write(
        work.join("m/styles/labels.toml"),
        "[section]\nhistory = \"変更の記録\"\n",
    )
    .expect("write");
    let out = run(
        &work,
        &[
            "build",
            "--manuscript",
            "m",
            "--format",
            "docx",
            "--out",
            "o",
        ],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let pkg = Package::open(&work.join("o/min-01.docx"));
    assert!(pkg
        .part("word/styles.xml")
        .contains("w:eastAsia=\"ＭＳ 明朝\""));
    assert!(
        pkg.part("word/styles.xml")
            .contains("w:eastAsia=\"游ゴシック\""),
        "unset keys keep their defaults"
    );
    assert!(pkg.part("word/document.xml").contains("変更の記録"));

    std::fs::write(
        work.join("m/styles/docx.toml"),
        "[fonts]\nbody_eastasia = \"x\"\n",
    )
    .expect("write");
    let bad = run(
        &work,
        &[
            "build",
            "--manuscript",
            "m",
            "--format",
            "docx",
            "--out",
            "o2",
        ],
    );
    assert_eq!(code(&bad), 1);
    assert!(text(&bad).1.contains("body_eastasia"), "{}", text(&bad).1);
    assert!(!work.join("o2").exists());
}

#[test]
fn properties_come_from_the_manuscript_or_source_date_epoch() {
    // Intent: title, creator, language and dates are set; no wall clock.
    let (_, pkg) = build("examples/full", "docx-props");
    let core = pkg.part("docProps/core.xml");
    assert!(
        core.contains("<dc:title>『サンプル読本』追補資料</dc:title>"),
        "{core}"
    );
    assert!(core.contains("<dc:creator>追補資料編集チーム</dc:creator>"));
    assert!(core.contains("<dc:language>ja-JP</dc:language>"));
    assert!(core.contains("2024-04-01T00:00:00Z"), "{core}");

    let dir = temp_dir("docx-epoch");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_supplement"))
        .args([
            "build",
            "--manuscript",
            "examples/full",
            "--format",
            "docx",
            "--out",
        ])
        .arg(&dir)
        .current_dir(root())
        .env("SOURCE_DATE_EPOCH", "1700000000")
        .output()
        .expect("runs");
    assert_eq!(code(&out), 0);
    let core = Package::open(&dir.join("FULL-01.docx"))
        .part("docProps/core.xml")
        .to_string();
    assert!(core.contains("2023-11-14T22:13:20Z"), "{core}");
}

#[test]
fn markup_in_text_stays_text() {
    // Intent: <, &, ]]>, quotes and emoji from the manuscript come out as the same text.
    let (_, pkg) = build("examples/full", "docx-escape");
    let doc = roxmltree::Document::parse(pkg.part("word/document.xml")).expect("well-formed");
    let all: String = paragraphs(&doc)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        all.contains("特殊文字の見本：<script>alert(1)</script> & \"quotes\" 'apos' ]]> 😊 𠮷。"),
        "{all}"
    );
}

#[test]
fn control_characters_are_refused_before_anything_is_written() {
    // Intent: a control character is a located error at check, and build writes nothing.
    let (work, _) = minimal_copy("docx-control");
    let part = work.join("m/parts/01-part1.toml");
    let text_in = std::fs::read_to_string(&part)
        .expect("part")
        .replace("古い用語", "古い\\u000C用語");
    std::fs::write(&part, text_in).expect("write");
    let out = run(
        &work,
        &[
            "build",
            "--manuscript",
            "m",
            "--out",
            "o",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 1);
    assert!(
        text(&out).0.contains("\"code\":\"forbidden-character\""),
        "{}",
        text(&out).0
    );
    assert!(text(&out).0.contains("\"line\":12"), "{}", text(&out).0);
    assert!(!work.join("o").exists());
}

#[test]
fn rendering_twice_in_one_process_gives_the_same_bytes() {
    // Intent: docx-rs's process-wide id counters are normalised away.
    let checked = supplement::check(&root().join("examples/full")).expect("loads");
    let s = checked.view.as_ref().expect("view");
    let options = supplement::emit::RenderOptions::default();
    let emitter = supplement::emit::find("docx").expect("docx emitter");
    let a = emitter
        .render(s, &checked.styles, &options)
        .expect("render");
    let b = emitter
        .render(s, &checked.styles, &options)
        .expect("render");
    assert!(a == b, "two renders differ");
}

#[test]
fn package_is_deflated_with_fixed_timestamps() {
    // Intent: small files, and no build time inside the zip; images (compressed already)
    // and parts of a few kilobytes (not worth a deflate stream) are stored as they are,
    // every larger part is deflated.
    let (file, _) = build("examples/full", "docx-zip");
    let mut zip = zip::ZipArchive::new(std::fs::File::open(file).expect("open")).expect("zip");
    let mut names = HashSet::new();
    for i in 0..zip.len() {
        let f = zip.by_index(i).expect("entry");
        assert!(
            names.insert(f.name().to_string()),
            "duplicate entry {}",
            f.name()
        );
        let small = usize::try_from(f.size()).expect("size") < supplement::emit::docx::STORED_BELOW;
        let expected = if f.name().starts_with("word/media/") || small {
            zip::CompressionMethod::Stored
        } else {
            zip::CompressionMethod::Deflated
        };
        assert_eq!(f.compression(), expected, "{}", f.name());
        let t = f.last_modified().expect("timestamp");
        assert_eq!((t.year(), t.month(), t.day()), (1980, 1, 1), "{}", f.name());
        if f.name() == "word/document.xml" {
            assert!(
                f.compressed_size() * 4 < f.size(),
                "the body is deflated well"
            );
        }
    }
}

#[test]
fn bundled_manuscript_docx_carries_every_plan_phrase() {
    // Intent: the Word edition, like the changelog, holds every node of the plan.
    let (_, pkg) = build("manuscript", "docx-bundled");
    let doc = roxmltree::Document::parse(pkg.part("word/document.xml")).expect("xml");
    let all: String = paragraphs(&doc)
        .into_iter()
        .map(|(_, t)| t)
        .collect::<Vec<_>>()
        .join("\n");
    let missing: Vec<&&str> = crate::manuscript::PLAN_PHRASES
        .iter()
        .filter(|p| !all.contains(**p))
        .collect();
    assert!(missing.is_empty(), "missing from the DOCX: {missing:?}");
}

#[test]
fn real_clients_open_the_docx() {
    // Intent: python-docx reads it, LibreOffice converts it to PDF and pandoc extracts its
    // text, and its package is sound (tools/docx-check; a missing client is reported, and
    // fails under CI=true).
    for manuscript in ["manuscript", "examples/full"] {
        let (file, _) = build(
            manuscript,
            &format!("docx-client-{}", manuscript.replace('/', "-")),
        );
        let check_dir = file.with_extension("check");
        let report = crate::support::run_checker(
            "real_clients_open_the_docx",
            "docx-check",
            &[file.as_os_str(), check_dir.as_os_str()],
        );
        assert!(
            report.contains("ok zip") && report.contains("ok xml"),
            "{report}"
        );
    }
}

#[test]
fn parts_keep_the_schema_order_word_expects() {
    // Intent: what docx-rs writes out of order is put back: no run properties first in
    // paragraph properties, ilvl before numId, style children and run properties in
    // schema order, header references first in the section, zoom before defaultTabStop.
    let (_, pkg) = build("examples/full", "docx-order");
    let doc = pkg.part("word/document.xml");
    assert!(!doc.contains("<w:pPr><w:rPr />"), "empty rPr first in pPr");
    assert!(!doc.contains("<w:numPr><w:numId"), "numId before ilvl");
    assert!(
        doc.contains("<w:gridCol w:w=\""),
        "no grid columns to check"
    );
    assert!(
        doc.split("<w:gridCol ")
            .skip(1)
            .all(|c| !c[..c.find("/>").unwrap_or(0)].contains("w:type")),
        "gridCol keeps the undeclared w:type"
    );
    assert!(
        doc.contains("<w:tcW w:w=\"") && doc.contains("w:type=\"dxa\""),
        "cell widths lost their type"
    );
    assert!(
        doc.contains("<w:sectPr><w:headerReference"),
        "header reference not first"
    );
    let styles = pkg.part("word/styles.xml");
    assert!(styles.contains("<w:name w:val=\"heading 1\" /><w:basedOn w:val=\"Normal\" /><w:next w:val=\"Normal\" /><w:qFormat /><w:pPr>"));
    assert!(
        !styles.contains("<w:sz w:val=\"32\" /><w:szCs w:val=\"32\" /><w:color"),
        "sz before color"
    );
    let settings = pkg.part("word/settings.xml");
    assert!(
        settings.find("<w:zoom").expect("zoom")
            < settings.find("<w:defaultTabStop").expect("tab stop")
    );
    assert!(!pkg.part("word/numbering.xml").contains("<w:pPr><w:rPr />"));
}
