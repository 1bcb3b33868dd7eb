//! Cost bounded by input size: every limit README states is a located error one step past
//! it (and no error at it), and rules that used to be quadratic report a bounded number of
//! problems. Timings are measured by `scripts/limits`, never here.

use std::path::Path;

use serde_json::Value;

use crate::support::{append, check_json, minimal_copy, minimal_with_body};

/// The diagnostics with `code`, as `(line, column)`.
fn places(diags: &[Value], code: &str) -> Vec<(u64, u64)> {
    diags
        .iter()
        .filter(|d| d["code"] == code)
        .map(|d| {
            (
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// Checks the manuscript `work/m`: exactly one `code` error, at `line` (and `column`
/// when given), exit 1.
fn refused_at(work: &Path, code: &str, file: &str, line: u64, column: Option<u64>) {
    let (exit, diags) = check_json(work);
    assert_eq!(exit, 1, "{code}: {diags:?}");
    let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
    assert_eq!(found.len(), 1, "{code}: {diags:?}");
    let d = found[0];
    assert_eq!(d["severity"], "error", "{d}");
    assert!(
        d["file"].as_str().is_some_and(|f| f.ends_with(file)),
        "{code}: in {} not {file}",
        d["file"]
    );
    assert_eq!(d["line"].as_u64(), Some(line), "{code}: {d}");
    if let Some(column) = column {
        assert_eq!(d["column"].as_u64(), Some(column), "{code}: {d}");
    }
    assert!(
        d["message"]
            .as_str()
            .is_some_and(|m| m.contains("more than")
                || m.contains("limit")
                || m.contains("too deeply")),
        "{d}"
    );
}

/// Checks `work/m` and asserts no diagnostic has `code`.
fn accepted(work: &Path, code: &str) {
    let (_, diags) = check_json(work);
    assert!(
        places(&diags, code).is_empty(),
        "{code} at the limit: {diags:?}"
    );
}

/// A minimal manuscript whose body is `line` repeated `n` times.
fn body_of(name: &str, head: &str, line: &str, n: usize) -> std::path::PathBuf {
    let body = format!("{head}{}", line.repeat(n));
    minimal_with_body(name, &body).0
}

const PART: &str = "parts/01-part1.toml";
/// The line of the part file where a body written by `minimal_with_body` starts.
const BODY_LINE: u64 = 13;

#[test]
fn list_items_are_limited() {
    // Intent: MAX_LIST_ITEMS list items pass; the next is `too-many-list-items` at its
    // line.
    let max = supplement::load::markdown::MAX_LIST_ITEMS;
    accepted(
        &body_of("items-ok", "", "- a\n", max),
        "too-many-list-items",
    );
    refused_at(
        &body_of("items-over", "", "- a\n", max + 1),
        "too-many-list-items",
        PART,
        BODY_LINE + max as u64,
        Some(1),
    );
}

#[test]
fn table_cells_are_limited() {
    // Intent: a ten-column table of MAX_CELLS cells passes (head included); the next
    // cell is `too-many-cells` at its row and column.
    let rows = supplement::load::markdown::MAX_CELLS / 10;
    let head = format!("{}|\n{}|\n", "|a".repeat(10), "|-".repeat(10));
    let row = format!("{}|\n", "|a".repeat(10));
    accepted(
        &body_of("cells-ok", &head, &row, rows - 1),
        "too-many-cells",
    );
    refused_at(
        &body_of("cells-over", &head, &row, rows),
        "too-many-cells",
        PART,
        BODY_LINE + 1 + rows as u64,
        Some(2),
    );
}

#[test]
fn links_are_limited() {
    // Intent: MAX_LINKS links pass; the next is `too-many-links` at its line and column.
    let max = supplement::load::markdown::MAX_LINKS;
    accepted(&body_of("links-ok", "", "[a](b)\n", max), "too-many-links");
    refused_at(
        &body_of("links-over", "", "x [a](b)\n", max + 1),
        "too-many-links",
        PART,
        BODY_LINE + max as u64,
        Some(3),
    );
}

#[test]
fn body_elements_are_limited() {
    // Intent: MAX_ELEMENTS paragraphs pass; the next is `too-many-elements` at its line.
    let max = supplement::load::markdown::MAX_ELEMENTS;
    accepted(
        &body_of("elements-ok", "", "a\n\n", max),
        "too-many-elements",
    );
    refused_at(
        &body_of("elements-over", "", "a\n\n", max + 1),
        "too-many-elements",
        PART,
        BODY_LINE + 2 * max as u64,
        Some(1),
    );
}

/// `n` more revision points appended to the part file (7 lines each, the first header on
/// line 14).
fn with_points(name: &str, n: usize) -> std::path::PathBuf {
    let (work, m) = minimal_copy(name);
    let points: String = (0..n)
        .map(|i| format!("\n[[point]]\nid = \"p{i}\"\ntitle = \"t\"\ntargets = [\"ch1\"]\naction = \"revise\"\nbody = \"b\"\n"))
        .collect();
    append(&m.join(PART), &points);
    work
}

#[test]
fn revision_points_are_limited() {
    // Intent: MAX_POINTS points pass (the manuscript has one already); the next is
    // `too-many-points` at its header.
    let max = supplement::load::MAX_POINTS;
    accepted(&with_points("points-ok", max - 1), "too-many-points");
    refused_at(
        &with_points("points-over", max),
        "too-many-points",
        PART,
        14 + 7 * (max as u64 - 1),
        Some(1),
    );
}

#[test]
fn points_and_topics_are_counted_together() {
    // Intent: MAX_TOPICS points and topics pass; the next (here a part topic after the
    // manuscript's one point) is `too-many-topics` at its header.
    let max = supplement::load::MAX_TOPICS;
    let topics = |name: &str, n: usize| {
        let (work, m) = minimal_copy(name);
        append(&m.join(PART), &"[[topic]]\ntitle = \"t\"\n".repeat(n));
        work
    };
    accepted(&topics("topics-ok", max - 1), "too-many-topics");
    refused_at(
        &topics("topics-over", max),
        "too-many-topics",
        PART,
        13 + 2 * (max as u64 - 1),
        Some(1),
    );
}

#[test]
fn topic_nesting_is_limited() {
    // Intent: topics nested 12 deep pass; the 13th level is `topics-too-deep` at its header.
    let nested = |name: &str, depth: usize| {
        let (work, m) = minimal_copy(name);
        let headers: String = (1..=depth)
            .map(|d| format!("[[point{}]]\ntitle = \"t{d}\"\n", ".topic".repeat(d)))
            .collect();
        append(&m.join(PART), &headers);
        work
    };
    accepted(&nested("depth-ok", 12), "topics-too-deep");
    refused_at(
        &nested("depth-over", 13),
        "topics-too-deep",
        PART,
        13 + 2 * 12,
        Some(1),
    );
    // Past the TOML parser's own limit (80 levels) its error, which has no place, is put
    // on the deep line (it used to be reported at 1:1).
    let (work, m) = minimal_copy("depth-parser");
    append(
        &m.join(PART),
        &format!("[[point{}]]\ntitle = \"t\"\n", ".topic".repeat(100)),
    );
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 1);
    assert_eq!(places(&diags, "toml-syntax"), [(13, 350)], "{diags:?}");
}

#[test]
fn ids_are_limited_so_that_output_names_stay_legal() {
    // Intent: a 128-character id builds; a 129-character one is `invalid-id` at the value
    // (a 250-character supplement id used to pass check and fail build on the file name).
    let with_id = |name: &str, len: usize| {
        let (work, m) = minimal_copy(name);
        let path = m.join("supplement.toml");
        let text = std::fs::read_to_string(&path).expect("read");
        let id = format!("S{}", "x".repeat(len - 1));
        std::fs::write(
            &path,
            text.replace("id = \"min-01\"", &format!("id = \"{id}\"")),
        )
        .expect("write");
        work
    };
    let ok = with_id("id-ok", 128);
    let out = crate::support::run(&ok, &["build", "--manuscript", "m", "--out", "out"]);
    assert_eq!(
        crate::support::code(&out),
        0,
        "{}",
        crate::support::text(&out).1
    );
    refused_at(
        &with_id("id-over", 129),
        "invalid-id",
        "supplement.toml",
        5,
        Some(6),
    );
}

#[test]
fn part_files_are_limited() {
    // Intent: more than 1,000 part files are `too-many-parts`, reported before any is read.
    let (work, m) = minimal_copy("parts-over");
    for i in 0..1_001 {
        std::fs::write(m.join(format!("parts/x{i:04}.toml")), "").expect("write");
    }
    refused_at(&work, "too-many-parts", "parts", 1, Some(1));
}

#[test]
fn file_sizes_are_limited_before_reading() {
    // Intent: a 33 MB part file is `file-too-large` without being read (it is sparse: it
    // would read as 33 MB of NUL bytes), and so is a file that takes the manuscript's total
    // past 64 MB.
    let (work, m) = minimal_copy("file-over");
    let big = std::fs::File::create(m.join("parts/02-big.toml")).expect("create");
    big.set_len(33 * 1024 * 1024).expect("sparse");
    refused_at(&work, "file-too-large", "parts/02-big.toml", 1, Some(1));

    let (work, m) = minimal_copy("total-over");
    for name in ["a", "b", "c"] {
        let f = std::fs::File::create(m.join(format!("parts/02-{name}.toml"))).expect("create");
        f.set_len(30 * 1024 * 1024).expect("sparse");
    }
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 1);
    let over: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "file-too-large")
        .collect();
    assert_eq!(over.len(), 1, "{diags:?}");
    assert!(over[0]["file"]
        .as_str()
        .is_some_and(|f| f.ends_with("parts/02-c.toml")));
    assert!(over[0]["message"]
        .as_str()
        .is_some_and(|m| m.contains("67108864")));
}

#[test]
fn overlapping_sections_are_reported_in_bounded_number() {
    // Intent: 2,500 sections sharing one page range (3 million overlapping pairs) give 100
    // warnings and one summary that counts the other pairs exactly, instead of gigabytes.
    let (work, m) = minimal_copy("overlaps");
    let sections: String = (0..2_499)
        .map(|i| {
            format!("\n[[base_book.section]]\nid = \"s{i}\"\npart = \"part1\"\npages = \"3-9\"\n")
        })
        .collect();
    append(&m.join("supplement.toml"), &sections);
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 0, "{diags:?}");
    let overlaps: Vec<&Value> = diags
        .iter()
        .filter(|d| d["code"] == "overlapping-sections")
        .collect();
    assert_eq!(overlaps.len(), 101);
    let pairs = 2_500 * 2_499 / 2;
    let summary = overlaps[100]["message"].as_str().unwrap_or("");
    assert!(
        summary.starts_with(&format!(
            "{} more `overlapping-sections` warnings",
            pairs - 100
        )),
        "{summary}"
    );
}

#[test]
fn every_rule_reports_at_most_a_hundred_problems() {
    // Intent: 5,000 unknown references and 5,000 unassigned owners give 100 diagnostics
    // each plus one summary each, with exact counts.
    let (work, m) = minimal_copy("per-rule");
    let refs: Vec<String> = (0..5_000).map(|i| format!("\"r{i}\"")).collect();
    let owners = vec!["\"?\""; 5_000];
    let text = std::fs::read_to_string(m.join(PART))
        .expect("read")
        .replace(
            "action = \"revise\"",
            &format!(
                "action = \"revise\"\nreferences = [{}]\nowners = [{}]",
                refs.join(", "),
                owners.join(", ")
            ),
        );
    std::fs::write(m.join(PART), text).expect("write");
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 1);
    for (code, kind) in [
        ("unknown-reference", "errors"),
        ("unassigned-owner", "warnings"),
    ] {
        let found: Vec<&Value> = diags.iter().filter(|d| d["code"] == code).collect();
        assert_eq!(found.len(), 101, "{code}");
        let summary = found[100]["message"].as_str().unwrap_or("");
        assert!(
            summary.starts_with(&format!("4900 more `{code}` {kind} are not shown")),
            "{summary}"
        );
    }
}

#[test]
fn a_long_parent_cycle_is_reported_in_bounded_number() {
    // Intent: 2,000 points each the parent of the next, closed into one cycle, give 100
    // `parent-cycle` errors and a summary, nothing else (the cycle search is linear; its
    // time is measured by scripts/limits).
    let (work, m) = minimal_copy("chain");
    let n = 2_000;
    let points: String = (0..n)
        .map(|i| {
            format!(
                "\n[[point]]\nid = \"c{i}\"\ntitle = \"t\"\nparent = \"c{}\"\ntargets = [\"ch1\"]\naction = \"revise\"\nbody = \"b\"\n",
                (i + 1) % n
            )
        })
        .collect();
    append(&m.join(PART), &points);
    let (exit, diags) = check_json(&work);
    assert_eq!(exit, 1);
    let cycles = diags.iter().filter(|d| d["code"] == "parent-cycle").count();
    assert_eq!(cycles, 101, "100 shown and a summary");
    assert!(
        diags.iter().all(|d| d["code"] == "parent-cycle"),
        "{diags:?}"
    );
}
