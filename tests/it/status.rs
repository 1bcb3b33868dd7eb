//! `supplement status`: the revision team's progress on the real manuscript and on
//! examples/full, its four forms, aligned Japanese columns, and the CI gates.

use crate::support::{code, root, run, text};

/// Columns a terminal gives a text: two for East Asian wide and full-width characters
/// (written here independently of the program's own measure).
fn columns(text: &str) -> usize {
    text.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn status(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["status"];
    all.extend_from_slice(args);
    let out = run(&root(), &all);
    let (stdout, stderr) = text(&out);
    (code(&out), stdout, stderr)
}

#[test]
fn the_real_manuscript_shows_its_owners_handovers_and_the_unassigned_mission5() {
    // Intent: the plan's owners come out as the team sees them — 早出, 中山, 石井（茂）,
    // 小林, 専門員全員 as rows, the hand-overs 伊藤⇒中山 and 伊藤⇒石井（茂） under their
    // receivers — and Mission5's 【担当：？】 is listed as unassigned, marked as such.
    let (code, out, err) = status(&["manuscript", "--today", "2026-11-27"]);
    assert_eq!(code, 0, "{err}");
    let table: Vec<&str> = out
        .lines()
        .skip_while(|l| !l.starts_with("担当 "))
        .take_while(|l| !l.is_empty())
        .collect();
    let owners: Vec<&str> = table
        .iter()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap_or_default())
        .collect();
    for name in ["早出", "中山", "石井（茂）", "小林", "専門員全員"] {
        assert!(owners.contains(&name), "{name} is not a row: {owners:?}");
    }
    assert_eq!(owners.last(), Some(&"合計"));
    assert!(out.contains("伊藤⇒中山"), "{out}");
    assert!(out.contains("伊藤⇒石井（茂）"), "{out}");
    let mission5 = out
        .lines()
        .find(|l| l.contains("mission5"))
        .unwrap_or_else(|| panic!("Mission5 is not listed: {out}"));
    assert!(mission5.contains("？と明記"), "{mission5}");
    assert!(
        mission5.contains("parts/05-mission5.toml:10:11"),
        "{mission5}"
    );

    // Every row of the owner table ends in the same terminal column, Japanese names
    // included: the columns line up.
    let widths: Vec<usize> = table.iter().map(|l| columns(l)).collect();
    assert!(
        widths.windows(2).all(|w| w[0] == w[1]),
        "{widths:?}\n{}",
        table.join("\n")
    );
    // And each number sits under its header's right edge.
    let header_end = |name: &str| {
        let at = table[0].find(name).expect("header") + name.len();
        columns(&table[0][..at])
    };
    let total_col = header_end("合計");
    for row in &table[1..] {
        let cells: Vec<&str> = row.split_whitespace().collect();
        let total = cells[cells.len() - 2];
        let at = row.rfind(&format!(" {total} ")).expect("total cell") + 1 + total.len();
        assert_eq!(columns(&row[..at]), total_col, "{row}");
    }
}

#[test]
fn the_json_csv_and_markdown_forms_agree() {
    // Intent: the same report in every form: JSON counts add up to the items, CSV has one
    // row per item, Markdown has the owner table; the unassigned and hand-overs agree.
    let (c, json, err) = status(&["examples/full", "--format", "json", "--today", "2024-06-01"]);
    assert_eq!(c, 0, "{err}");
    let r: serde_json::Value = serde_json::from_str(&json).expect("one JSON object");
    let items = r["items"].as_array().expect("items");
    assert_eq!(r["today"], "2024-06-01");
    let total = &r["totals"];
    let sum: u64 = ["planned", "drafting", "review", "done", "none"]
        .iter()
        .map(|k| total[k].as_u64().unwrap_or(0))
        .sum();
    assert_eq!(sum as usize, items.len());
    // examples/full: six revision points and one topic directly under a part.
    assert_eq!(items.len(), 7);
    let overdue: Vec<&str> = items
        .iter()
        .filter(|i| i["overdue"] == true)
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(overdue, ["password-basics"], "due 2024-05-15, in review");
    let handovers = r["handovers"].as_array().expect("handovers");
    assert_eq!(handovers.len(), 1);
    assert_eq!(handovers[0]["from"], "田中（一）");
    assert_eq!(handovers[0]["to"], "鈴木");
    let explicit: Vec<&str> = r["unassigned"]
        .as_array()
        .expect("unassigned")
        .iter()
        .filter(|u| u["explicit"] == true)
        .filter_map(|u| u["id"].as_str())
        .collect();
    assert_eq!(explicit, ["ch1-3-after"]);

    let (_, csv, _) = status(&["examples/full", "--format", "csv", "--today", "2024-06-01"]);
    let rows: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(rows.len(), items.len() + 1, "{csv}");
    assert!(
        rows[0].starts_with("部,id,題名,担当,状態,期限"),
        "{}",
        rows[0]
    );
    assert!(rows
        .iter()
        .any(|r| r.starts_with("chapter1,password-basics,") && r.contains(",2024-05-15,1,")));

    let (_, md, _) = status(&[
        "examples/full",
        "--format",
        "markdown",
        "--today",
        "2024-06-01",
    ]);
    assert!(md.starts_with("### 進捗"), "{md}");
    assert!(
        md.contains("| 担当 | 予定 | 執筆中 | 査読中 | 完了 | 未設定 | 合計 | 完了率 |"),
        "{md}"
    );
    assert!(md.contains("| 鈴木 |"), "{md}");
}

#[test]
fn the_gates_fail_with_located_items_and_pass_when_clear() {
    // Intent: --deny-overdue and --deny-unassigned exit 1 and point at the line that makes
    // them fail; a day before the due date the overdue gate passes.
    let (c, _, err) = status(&["examples/full", "--deny-overdue", "--today", "2024-06-01"]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("error[gate-overdue]"), "{err}");
    assert!(
        err.contains("examples/full/parts/02-chapter1.toml:15:"),
        "{err}"
    );
    let (c, _, err) = status(&["examples/full", "--deny-overdue", "--today", "2024-05-14"]);
    assert_eq!(c, 0, "{err}");

    let (c, _, err) = status(&[
        "examples/full",
        "--deny-unassigned",
        "--today",
        "2024-06-01",
    ]);
    assert_eq!(c, 1, "{err}");
    assert!(err.contains("error[gate-unassigned]"), "{err}");
    assert!(
        err.contains("parts/02-chapter1.toml:46:11"),
        "the ? itself: {err}"
    );

    let (c, _, err) = status(&["examples/full", "--today", "2024-13-01"]);
    assert_eq!(c, 2, "{err}");
    assert!(err.contains("--today"), "{err}");
}
