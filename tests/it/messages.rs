//! The messages that used to mislead, one test each: native TOML dates, wrong date
//! separators, an unknown owner inside a hand-over, and type errors hinted with their own
//! key.

use crate::support::{append, check_json, code, minimal_copy, run, text};

/// Replaces `from` by `to` in a file of the manuscript (which must contain it).
fn edit(path: &std::path::Path, from: &str, to: &str) {
    let old = std::fs::read_to_string(path).expect("read");
    assert!(old.contains(from), "{} lacks {from:?}", path.display());
    std::fs::write(path, old.replacen(from, to, 1)).expect("write");
}

/// The one diagnostic of a check: (code, line, column, end column, message, hint).
fn only(work: &std::path::Path) -> (String, u64, u64, u64, String, String) {
    let (status, found) = check_json(work);
    assert_eq!(status, 1, "{found:?}");
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    (
        d["code"].as_str().unwrap_or_default().to_string(),
        d["line"].as_u64().unwrap_or(0),
        d["column"].as_u64().unwrap_or(0),
        d["end_column"].as_u64().unwrap_or(0),
        d["message"].as_str().unwrap_or_default().to_string(),
        d["hint"].as_str().unwrap_or_default().to_string(),
    )
}

#[test]
fn a_native_toml_date_is_accepted() {
    // Intent: `date = 2025-03-01` (no quotes) is a date, as "2025-03-01" is; the outputs
    // carry it.
    let (work, m) = minimal_copy("msg-native-date");
    edit(
        &m.join("supplement.toml"),
        "title = \"小さな追補資料\"\n",
        "title = \"小さな追補資料\"\ndate = 2025-03-01\n",
    );
    let (status, found) = check_json(&work);
    assert_eq!((status, found.len()), (0, 0), "{found:?}");
    let out = run(&work, &["build", "m", "-f", "changelog", "-o", "o"]);
    assert_eq!(code(&out), 0, "{}", text(&out).1);
    let changelog =
        std::fs::read_to_string(work.join("o/min-01.changelog.txt")).expect("changelog");
    assert!(changelog.contains("2025年3月1日"), "{changelog}");
}

#[test]
fn a_native_date_time_is_named_exactly() {
    // Intent: a date with a time is refused as such, with the date to write instead.
    let (work, m) = minimal_copy("msg-native-time");
    edit(
        &m.join("supplement.toml"),
        "title = \"小さな追補資料\"\n",
        "title = \"小さな追補資料\"\ndate = 2025-03-01T10:00:00\n",
    );
    let (code, line, column, _, message, _) = only(&work);
    assert_eq!((code.as_str(), line, column), ("invalid-date", 7, 8));
    assert_eq!(
        message,
        "invalid date 2025-03-01T10:00:00: a date and time; documents carry the date only: write 2025-03-01"
    );
}

#[test]
fn a_wrong_date_separator_is_named_as_the_cause() {
    // Intent: "2025/03/01" blames the slashes, not the year's digits.
    let (work, m) = minimal_copy("msg-separator");
    edit(
        &m.join("supplement.toml"),
        "title = \"小さな追補資料\"\n",
        "title = \"小さな追補資料\"\ndate = \"2025/03/01\"\n",
    );
    let (code, _, _, _, message, _) = only(&work);
    assert_eq!(code, "invalid-date");
    assert_eq!(
        message,
        "invalid date \"2025/03/01\": the fields are separated by '/'; write `-` between year, month and day"
    );
}

#[test]
fn an_unknown_owner_in_a_hand_over_underlines_only_that_name_and_lists_the_team() {
    // Intent: in "alice -> carol", only `carol` is underlined, and the hint gives the ids.
    let (work, m) = minimal_copy("msg-owner");
    append(
        &m.join("supplement.toml"),
        "\n[[team]]\nid = \"alice\"\nname = \"A\"\n\n[[team]]\nid = \"bob\"\nname = \"B\"\n",
    );
    edit(
        &m.join("parts/01-part1.toml"),
        "pages = [\"4-5\"]\n",
        "pages = [\"4-5\"]\nowners = [\"alice -> carol\"]\n",
    );
    let (code, line, column, end, message, hint) = only(&work);
    assert_eq!(
        (code.as_str(), line, column, end),
        ("unknown-owner", 11, 21, 26)
    );
    assert_eq!(message, "unknown team member \"carol\"");
    assert_eq!(hint, "the team's ids: `alice`, `bob`");
}

#[test]
fn a_type_error_is_hinted_with_its_own_key() {
    // Intent: `pages = 40` is hinted with `pages = ["40"]` (not an owners example), and
    // `priority = "4"` with `priority = 4`.
    let (work, m) = minimal_copy("msg-type");
    let part = m.join("parts/01-part1.toml");
    edit(&part, "pages = [\"4-5\"]", "pages = 40");
    let (code, line, column, _, message, hint) = only(&work);
    assert_eq!((code.as_str(), line, column), ("invalid-type", 10, 9));
    assert_eq!(message, "invalid type: integer `40`, expected an array");
    assert_eq!(hint, "write a list in brackets: pages = [\"40\"]");

    edit(&part, "pages = 40", "pages = [\"4-5\"]\npriority = \"4\"");
    let (_, _, _, _, _, hint) = only(&work);
    assert_eq!(hint, "write the number without quotes: priority = 4");
}
