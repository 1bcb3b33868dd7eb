//! Figures: `![alt](figures/x.png "caption")` alone in a paragraph, embedded in the Word
//! document (scaled, aspect kept) and in the self-contained page (a data URI), as text in
//! the changelog; every bad file a located error, missing alternative text a warning.

use std::io::Read as _;
use std::path::Path;

use crate::support::{append, check_json, code, minimal_with_body, root, run, temp_dir, text};

/// The bytes of a zip entry.
fn entry(docx: &[u8], name: &str) -> Option<Vec<u8>> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("zip");
    let mut f = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    f.read_to_end(&mut out).expect("read");
    Some(out)
}

/// Decodes standard base64 (written here independently of the program's encoder).
fn base64_decode(text: &str) -> Vec<u8> {
    let value = |c: u8| -> u32 {
        match c {
            b'A'..=b'Z' => u32::from(c - b'A'),
            b'a'..=b'z' => u32::from(c - b'a') + 26,
            b'0'..=b'9' => u32::from(c - b'0') + 52,
            b'+' => 62,
            b'/' => 63,
            _ => panic!("not base64: {c}"),
        }
    };
    let bytes: Vec<u8> = text.bytes().filter(|&b| b != b'=').collect();
    let mut out = Vec::new();
    for chunk in bytes.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            n |= value(c) << (18 - 6 * i);
        }
        for i in 0..chunk.len().saturating_sub(1) {
            out.push((n >> (16 - 8 * i)) as u8);
        }
    }
    out
}

fn build_full(name: &str) -> std::path::PathBuf {
    let out = temp_dir(name);
    let result = run(
        &root(),
        &[
            "build",
            "examples/full",
            "--out",
            out.to_str().expect("utf8"),
        ],
    );
    assert_eq!(code(&result), 0, "{}", text(&result).1);
    out
}

#[test]
fn the_word_document_embeds_each_figure_at_its_aspect_and_the_svg_as_text() {
    // Intent: the PNG is the package's word/media file byte for byte, drawn inline through
    // an image relationship, its extent in the picture's proportions and within the text
    // width; the SVG (which Word shows only beside a bitmap this program cannot draw) is
    // its text, and both captions follow their figures; python-docx sees the picture.
    let out = build_full("fig-docx");
    let docx = std::fs::read(out.join("FULL-01.docx")).expect("docx");
    let png = std::fs::read(root().join("examples/full/figures/password-length.png")).expect("png");
    assert_eq!(
        entry(&docx, "word/media/figure1.png").as_deref(),
        Some(&png[..])
    );
    let rels = String::from_utf8(entry(&docx, "word/_rels/document.xml.rels").expect("rels"))
        .expect("utf8");
    let rels_doc = roxmltree::Document::parse(&rels).expect("xml");
    let image_rel = rels_doc
        .descendants()
        .find(|n| n.attribute("Target") == Some("media/figure1.png"))
        .expect("an image relationship");
    assert!(image_rel
        .attribute("Type")
        .is_some_and(|t| t.ends_with("/image")));
    let types =
        String::from_utf8(entry(&docx, "[Content_Types].xml").expect("types")).expect("utf8");
    assert!(
        types.contains(r#"Extension="png" ContentType="image/png""#),
        "{types}"
    );

    let xml =
        String::from_utf8(entry(&docx, "word/document.xml").expect("document")).expect("utf8");
    let doc = roxmltree::Document::parse(&xml).expect("well-formed document.xml");
    let blip = doc
        .descendants()
        .find(|n| n.tag_name().name() == "blip")
        .expect("a picture");
    let embed = blip
        .attributes()
        .find(|a| a.name() == "embed")
        .map(|a| a.value())
        .expect("r:embed");
    assert_eq!(Some(embed), image_rel.attribute("Id"));
    let extent = doc
        .descendants()
        .find(|n| n.tag_name().name() == "extent")
        .expect("wp:extent");
    let cx: f64 = extent.attribute("cx").expect("cx").parse().expect("number");
    let cy: f64 = extent.attribute("cy").expect("cy").parse().expect("number");
    assert!((cx / cy - 640.0 / 360.0).abs() < 0.01, "aspect {cx} × {cy}");
    // A4 with the sheet's margins leaves less than 170 mm of text width.
    assert!(cx <= 170.0 * 36_000.0, "wider than the text: {cx}");
    let descr = doc
        .descendants()
        .find(|n| n.tag_name().name() == "docPr")
        .and_then(|n| n.attribute("descr"))
        .expect("alternative text");
    assert!(
        descr.starts_with("パスワードの文字数ごとの解読時間"),
        "{descr}"
    );
    let paragraphs: Vec<String> = doc
        .descendants()
        .filter(|n| n.tag_name().name() == "p")
        .map(|p| {
            p.descendants()
                .filter(|t| t.tag_name().name() == "t")
                .filter_map(|t| t.text())
                .collect()
        })
        .collect();
    let caption = paragraphs
        .iter()
        .position(|p| p == "図1　パスワードの長さと解読にかかる時間")
        .expect("the PNG's caption");
    assert!(
        paragraphs[caption - 1].is_empty(),
        "the caption follows the picture's paragraph"
    );
    let svg = paragraphs
        .iter()
        .position(|p| {
            p == "［図：三つの枠が左から右へ線でつながった図：チェックシートの三つの部分］"
        })
        .expect("the SVG as text");
    assert_eq!(paragraphs[svg + 1], "図2　チェックシートの構成");

    let check = out.join("check");
    let report = crate::support::run_checker(
        "the_word_document_embeds_each_figure_at_its_aspect_and_the_svg_as_text",
        "docx-check",
        &[
            "--min-images".as_ref(),
            "1".as_ref(),
            out.join("FULL-01.docx").as_os_str(),
            check.as_os_str(),
        ],
    );
    assert!(report.contains("ok zip"), "{report}");
}

#[test]
fn the_page_carries_each_figure_as_a_data_uri_with_its_size_alt_and_caption() {
    // Intent: the page stays one file: each figure is an <img> whose data URI decodes to
    // the file's bytes, with its alternative text, pixel size and caption.
    let out = build_full("fig-html");
    let html = std::fs::read_to_string(out.join("FULL-01.html")).expect("html");
    for (file, mime, width, height, caption) in [
        (
            "password-length.png",
            "image/png",
            640,
            360,
            "図1　パスワードの長さと解読にかかる時間",
        ),
        (
            "checklist.svg",
            "image/svg+xml",
            480,
            200,
            "図2　チェックシートの構成",
        ),
    ] {
        let bytes = std::fs::read(root().join("examples/full/figures").join(file)).expect("figure");
        let prefix = format!("<img src=\"data:{mime};base64,");
        let at = html
            .find(&prefix)
            .unwrap_or_else(|| panic!("no {mime} figure"));
        let rest = &html[at + prefix.len()..];
        let data = &rest[..rest.find('"').expect("end of the URI")];
        assert_eq!(base64_decode(data), bytes, "{file}");
        let tag = &rest[..rest.find('>').expect("end of <img>")];
        assert!(
            tag.contains(&format!("width=\"{width}\" height=\"{height}\"")),
            "{tag}"
        );
        assert!(tag.contains(" alt=\""), "{tag}");
        let figure_end = &rest[..rest.find("</figure>").expect("</figure>")];
        assert!(
            figure_end.contains(&format!("<figcaption>{caption}</figcaption>")),
            "{file}"
        );
    }
    // The changelog says the same in words.
    let changelog = std::fs::read_to_string(out.join("FULL-01.changelog.txt")).expect("changelog");
    assert!(changelog.contains("［図：パスワードの文字数ごとの解読時間を示す棒グラフ。"));
    assert!(changelog.contains("図2　チェックシートの構成"));
}

/// A minimal manuscript whose body is `body`, with `files` written into it: the code and
/// place of each diagnostic `check` reports.
fn figure_diagnostics(
    name: &str,
    body: &str,
    files: &[(&str, &[u8])],
) -> Vec<(String, String, u64)> {
    let (work, m) = minimal_with_body(name, body);
    for (path, bytes) in files {
        let path = m.join(path);
        std::fs::create_dir_all(path.parent().expect("folder")).expect("mkdir");
        std::fs::write(path, bytes).expect("write");
    }
    let (_, diags) = check_json(&work);
    diags
        .iter()
        .filter(|d| {
            d["code"]
                .as_str()
                .is_some_and(|c| c.starts_with("figure") || c == "too-many-figures")
        })
        .map(|d| {
            (
                d["code"].as_str().unwrap_or_default().to_string(),
                d["message"].as_str().unwrap_or_default().to_string(),
                d["line"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// A real PNG (examples/full's) to build bad ones from.
fn png() -> Vec<u8> {
    std::fs::read(root().join("examples/full/figures/password-length.png")).expect("png")
}

#[test]
fn every_bad_figure_file_is_a_located_error() {
    // Intent: missing, outside the folder (by path, address or link), too large, not an
    // image, cut short, or of another type than its name says — each an error at the
    // image's line (line 13 of parts/01-part1.toml, the body's first), and nothing built.
    let good = png();
    let cut = &good[..good.len() / 2];
    // A real JPEG (32 × 24), named as a PNG below.
    let jpeg = std::fs::read(root().join("tests/fixtures/figures/photo.jpg")).expect("jpeg");
    let big = {
        let mut b = good.clone();
        b.resize(6 * 1024 * 1024, 0);
        b
    };
    // (test folder, body, files to write, expected code, words in the message)
    type Case<'a> = (&'a str, &'a str, Vec<(&'a str, &'a [u8])>, &'a str, &'a str);
    let cases: Vec<Case<'_>> = vec![
        (
            "fig-missing",
            "![図](figures/none.png)\n",
            vec![],
            "figure-missing",
            "figures/none.png",
        ),
        (
            "fig-dotdot",
            "![図](../outside.png)\n",
            vec![],
            "figure-outside",
            "outside",
        ),
        (
            "fig-url",
            "![図](https://example.com/x.png)\n",
            vec![],
            "figure-outside",
            "address",
        ),
        (
            "fig-big",
            "![図](figures/big.png)\n",
            vec![("figures/big.png", &big)],
            "figure-too-large",
            "5 MB",
        ),
        (
            "fig-text",
            "![図](figures/text.png)\n",
            vec![("figures/text.png", b"not an image at all")],
            "figure-unreadable",
            "not a PNG",
        ),
        (
            "fig-cut",
            "![図](figures/cut.png)\n",
            vec![("figures/cut.png", cut)],
            "figure-unreadable",
            "cut short",
        ),
        (
            "fig-type",
            "![図](figures/photo.png)\n",
            vec![("figures/photo.png", &jpeg)],
            "figure-unreadable",
            "JPEG",
        ),
        (
            "fig-svg",
            "![図](figures/x.svg)\n",
            vec![(
                "figures/x.svg",
                b"<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>",
            )],
            "figure-unreadable",
            "no width",
        ),
    ];
    for (name, body, files, code_want, needle) in cases {
        let found = figure_diagnostics(name, body, &files);
        assert!(
            found
                .iter()
                .any(|(c, m, line)| c == code_want && m.contains(needle) && *line == 13),
            "{name}: {found:?}"
        );
    }
    // A link that leads out of the folder.
    #[cfg(unix)]
    {
        let (work, m) = minimal_with_body("fig-link", "![図](figures/link.png)\n");
        std::fs::create_dir_all(m.join("figures")).expect("mkdir");
        let outside = work.join("outside.png");
        std::fs::write(&outside, png()).expect("write");
        std::os::unix::fs::symlink(&outside, m.join("figures/link.png")).expect("link");
        let (c, diags) = check_json(&work);
        assert_eq!(c, 1);
        assert!(
            diags.iter().any(|d| d["code"] == "figure-outside"),
            "{diags:?}"
        );
        // And a failed check builds nothing.
        let out = run(&work, &["build", "m", "--out", "out"]);
        assert_eq!(code(&out), 1);
        assert!(!Path::new(&work.join("out")).exists());
    }
}

#[test]
fn missing_alternative_text_and_images_inside_text_are_warnings() {
    // Intent: a figure with no alternative text is shown but warned about; an image in the
    // middle of a sentence is its alternative text, with a warning saying how to make it a
    // figure; a good figure says nothing.
    let good = png();
    let found = figure_diagnostics(
        "fig-noalt",
        "![](figures/a.png)\n",
        &[("figures/a.png", &good)],
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "figure-without-alt");
    let found = figure_diagnostics(
        "fig-inline",
        "本文の途中に ![小さな図](figures/a.png) がある。\n",
        &[("figures/a.png", &good)],
    );
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "figure-in-text");
    let found = figure_diagnostics(
        "fig-good",
        "![棒グラフ](figures/a.png \"図1　説明\")\n",
        &[("figures/a.png", &good)],
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn a_figure_in_a_list_item_or_used_twice_is_one_file_in_the_package() {
    // Intent: the same figure shown twice is stored once; a figure inside a list item is
    // still a figure; a JPEG goes in as a JPEG.
    let good = png();
    let (work, m) = minimal_with_body(
        "fig-twice",
        "- 項目\n\n  ![棒グラフ](figures/a.png)\n\n![棒グラフ](figures/a.png \"再掲\")\n\n![写真](figures/photo.jpg)\n",
    );
    std::fs::create_dir_all(m.join("figures")).expect("mkdir");
    std::fs::write(m.join("figures/a.png"), &good).expect("write");
    std::fs::copy(
        root().join("tests/fixtures/figures/photo.jpg"),
        m.join("figures/photo.jpg"),
    )
    .expect("copy");
    append(&m.join("supplement.toml"), "");
    let out = run(
        &work,
        &["build", "m", "--format", "docx,html", "--out", "out"],
    );
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let docx = std::fs::read(work.join("out/min-01.docx")).expect("docx");
    let xml =
        String::from_utf8(entry(&docx, "word/document.xml").expect("document")).expect("utf8");
    assert_eq!(xml.matches("<w:drawing>").count(), 3);
    assert!(entry(&docx, "word/media/figure1.png").is_some());
    assert!(
        entry(&docx, "word/media/figure2.jpeg").is_some(),
        "the JPEG, once"
    );
    assert!(entry(&docx, "word/media/figure3.png").is_none());
    let types =
        String::from_utf8(entry(&docx, "[Content_Types].xml").expect("types")).expect("utf8");
    assert!(
        types.contains(r#"Extension="jpeg" ContentType="image/jpeg""#),
        "{types}"
    );
    let html = std::fs::read_to_string(work.join("out/min-01.html")).expect("html");
    assert_eq!(html.matches("<figure class=\"figure\">").count(), 3);
    assert!(html.contains("data:image/jpeg;base64,"));
}
