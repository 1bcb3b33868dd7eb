//! The HTML edition: a reviewed snapshot, inert markup, links, the plan's text, and the
//! Nu HTML Checker when it is installed.

use std::path::Path;

use crate::support::{build_format, code, minimal_copy, root, run, temp_dir, text};

fn build_html(manuscript: &Path, name: &str) -> String {
    std::fs::read_to_string(build_format(manuscript, "html", name)).expect("utf8 html")
}

#[test]
fn minimal_page_matches_its_reviewed_snapshot() {
    // Intent: any change to the rendered page is seen and reviewed. Regenerate with
    // UPDATE_SNAPSHOTS=1 cargo test, then read the diff before committing it.
    let html = build_html(&root().join("examples/minimal"), "html-snapshot");
    let path = root().join("tests/snapshots/minimal.html");
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &html).expect("write snapshot");
    }
    let want = std::fs::read_to_string(&path)
        .expect("tests/snapshots/minimal.html (run with UPDATE_SNAPSHOTS=1)");
    if html != want {
        let line = html
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(0);
        panic!(
            "the page differs from tests/snapshots/minimal.html at line {}:\n  got:  {:?}\n  want: {:?}",
            line + 1,
            html.lines().nth(line).unwrap_or(""),
            want.lines().nth(line).unwrap_or("")
        );
    }
}

#[test]
fn markup_in_every_text_field_comes_out_inert() {
    // Intent: <script>, "><img onerror=…> and attribute breakouts in every field are text.
    let html = build_html(&root().join("tests/fixtures/hostile"), "html-hostile");
    assert!(
        !html.contains("<script"),
        "a script element reached the page"
    );
    assert!(!html.contains("<img"), "an img element reached the page");
    assert!(!html.contains("\"onmouseover"), "an attribute broke out");
    // With no raw <script or <img anywhere, the payload's presence as text (after
    // unescaping) shows that every field was escaped, whichever entity form was used.
    let payload = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    // The wording comparison marks changes with our own <ins>/<del>: take them out so that
    // each field reads as one string.
    let as_text = unescape(
        &html
            .replace("<ins>", "")
            .replace("</ins>", "")
            .replace("<del>", "")
            .replace("</del>", ""),
    );
    for field in [
        "題名",
        "副題",
        "読者",
        "版",
        "形式",
        "関連",
        "書籍",
        "出版社",
        "節",
        "担当",
        "履歴",
        "理由",
        "理由本文",
        "項目",
        "注",
        "浮動",
        "浮動注",
        "文献",
        "発行",
        "文献注",
        "部",
        "部題",
        "部注",
        "部本文",
        "箇所",
        "対応注",
        "注記",
        "前",
        "後",
        "本文",
        "見出し",
        "セル",
        "話題",
        "話題注",
        "話題本文",
        "部の話題",
        "全般",
        "リンク",
    ] {
        assert!(
            as_text.contains(&format!("{field} {payload}")),
            "field {field} is missing"
        );
    }
    assert!(
        html.contains("<code>code &lt;script&gt;"),
        "inline code is escaped"
    );
    // Labels from a styles/labels.toml override are text too, and a CSS override cannot
    // close the style element.
    assert!(as_text.contains("改訂<script>alert(6)</script>\"><img src=x onerror=alert(7)>"));
    assert!(as_text.contains("予定<script>alert(8)</script>"));
    assert!(
        html.contains("/* \\3C /style>\\3C script>alert(9)\\3C /script>\\3C style> */"),
        "the CSS override was not neutralised"
    );
    assert!(
        html.contains("href=\"https://example.com/x?%22onmouseover=alert(5)\""),
        "quotes in an address are percent-encoded"
    );
}

#[test]
fn script_links_are_refused_before_rendering() {
    // Intent: javascript: (and other schemes) never reach an href: check refuses them.
    let (work, m) = minimal_copy("html-js-link");
    let part = m.join("parts/01-part1.toml");
    let body = std::fs::read_to_string(&part).expect("part").replace(
        "古い用語",
        "[x](JavaScript:alert(1)) と [y](data:text/html,hi)",
    );
    std::fs::write(&part, body).expect("write");
    let out = run(
        &work,
        &[
            "build",
            "--manuscript",
            "m",
            "--format",
            "html",
            "--out",
            "o",
            "--message-format",
            "json",
        ],
    );
    assert_eq!(code(&out), 1);
    assert_eq!(
        text(&out).0.matches("\"code\":\"link-scheme\"").count(),
        2,
        "{}",
        text(&out).0
    );
    assert!(!work.join("o").exists());
}

#[test]
fn page_structure_anchors_and_links() {
    // Intent: lang, landmarks, one h1, a stable anchor and self-link per part and point,
    // external links with rel=noopener noreferrer, no external resources.
    let html = build_html(&root().join("examples/full"), "html-structure");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<html lang=\"ja\""));
    for landmark in ["<header", "<nav", "<main"] {
        assert!(html.contains(landmark), "no {landmark}");
    }
    assert_eq!(html.matches("<h1").count(), 1);
    for id in [
        "_part-front",
        "_part-chapter1",
        "_part-back",
        "preface-rewrite",
        "password-basics",
        "ch1-3-after",
        "appendix-new",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "no anchor {id}");
        assert!(html.contains(&format!("href=\"#{id}\"")), "no link to {id}");
    }
    for tag in html.split("<a ").skip(1) {
        let tag = &tag[..tag.find('>').unwrap_or(tag.len())];
        if tag.contains("href=\"http") {
            assert!(
                tag.contains("rel=\"noopener noreferrer\""),
                "external link without rel: <a {tag}>"
            );
        }
    }
    for resource in [
        "<link rel=\"stylesheet\"",
        "src=\"http",
        "@import",
        "url(http",
    ] {
        assert!(!html.contains(resource), "the page loads {resource}");
    }
    assert!(!html.contains("<script"), "a built page carries no script");
    assert!(html.contains("<th scope=\"col\""));
}

#[test]
fn bundled_manuscript_html_carries_every_plan_phrase() {
    // Intent: the web edition holds every node of the plan (as text, after unescaping).
    let html = build_html(&root().join("manuscript"), "html-bundled");
    let text = unescape(&strip_tags(&html));
    let missing: Vec<&&str> = crate::manuscript::PLAN_PHRASES
        .iter()
        .filter(|p| !text.contains(**p))
        .collect();
    assert!(missing.is_empty(), "missing from the HTML: {missing:?}");
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn unescape(s: &str) -> String {
    s.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&#x2f;", "/")
        .replace("&amp;", "&")
}

#[test]
fn nu_html_checker_accepts_the_pages() {
    // Intent: zero errors from the Nu HTML Checker for the bundled manuscript,
    // examples/full and the hostile fixture (tools/html-check; a missing Java or vnu.jar is
    // reported, and fails under CI=true).
    let mut files = Vec::new();
    for (m, name) in [
        ("manuscript", "html-vnu-bundled"),
        ("examples/full", "html-vnu-full"),
        ("tests/fixtures/hostile", "html-vnu-hostile"),
    ] {
        let html = build_html(&root().join(m), name);
        let path = temp_dir(&format!("{name}-file")).join("page.html");
        std::fs::write(&path, html).expect("write");
        files.push(path);
    }
    let args: Vec<&std::ffi::OsStr> = files.iter().map(|f| f.as_os_str()).collect();
    crate::support::run_checker("nu_html_checker_accepts_the_pages", "html-check", &args);
}
